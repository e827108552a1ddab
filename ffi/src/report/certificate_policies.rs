//! The RFC 5280 certificate policies a trust-store validation ended with, as report
//! accessors (the inputs are set through `chainvet_presented_options_*`).

use crate::panic::guard;
use crate::pointer::{self, Out};
use crate::report::chainvet_report;
use crate::result::chainvet_result;
use crate::text::c_string;
use core::ffi::c_char;

/// Writes to `*count_out` how many certificate policies the accepted path is valid for
/// (RFC 5280 6.1.5 (g), named in the trust anchor's domain; `"2.5.29.32.0"` is
/// anyPolicy). 0 means the path is valid for no particular policy (its
/// valid_policy_tree is NULL), which RFC 5280 accepts unless an explicit policy was
/// required.
///
/// Returns `CHAINVET_RESULT_NOT_PRESENT` (nothing written) when the report has no policy
/// set: bundle mode, the `webpki` engine, or no path accepted;
/// `CHAINVET_RESULT_NULL_PARAMETER` if a pointer is NULL.
///
/// # Safety
/// `report` is NULL or a live report; `count_out` is NULL or valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_certificate_policies_count(
    report: *const chainvet_report,
    count_out: *mut usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live report.
        let report = unsafe { pointer::borrow(report) }?;
        let out = Out::new(count_out)?;
        let policies = report
            .core()
            .certificate_policies
            .as_ref()
            .ok_or(chainvet_result::NotPresent)?;
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(policies.len()) };
        Ok(())
    })
}

/// Writes certificate policy `index` (dotted OID, NUL-terminated) of the accepted path
/// to `*oid_out`; see `chainvet_report_certificate_policies_count`.
///
/// Returns `CHAINVET_RESULT_NOT_PRESENT` when the report has no policy set,
/// `CHAINVET_RESULT_OUT_OF_RANGE` if `index` is not below the count,
/// `CHAINVET_RESULT_NULL_PARAMETER` if a pointer is NULL; nothing is written then.
///
/// Ownership: the string belongs to the report (valid until it is freed); never free it.
///
/// # Safety
/// `report` is NULL or a live report; `oid_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_certificate_policy(
    report: *const chainvet_report,
    index: usize,
    oid_out: *mut *const c_char,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live report.
        let report = unsafe { pointer::borrow(report) }?;
        let out = Out::new(oid_out)?;
        let policies = report
            .core()
            .certificate_policies
            .as_ref()
            .ok_or(chainvet_result::NotPresent)?;
        let strings = report
            .policies
            .get_or_init(|| policies.iter().map(|p| c_string(p)).collect());
        let s = strings.get(index).ok_or(chainvet_result::OutOfRange)?;
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(s.as_ptr()) };
        Ok(())
    })
}
