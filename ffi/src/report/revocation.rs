//! The revocation status a report records for each certificate it checked (OCSP or CRL),
//! as C enums and accessors. The input side (stapled responses, CRLs, offline mode) is in
//! `options`.

use chainvet_core::report::Report;
use chainvet_core::revocation::{Method, Outcome, RevocationInfo, Source};

use super::chainvet_report;
use crate::panic::{guard, guard_or};
use crate::pointer::{self, Out};
use crate::result::chainvet_result;

/// A certificate's revocation status, as the report records it.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum chainvet_revocation_status {
    /// A valid response or CRL says good.
    Good = 1,
    /// A valid response or CRL says revoked (`revocation.revoked`).
    Revoked = 2,
    /// A valid OCSP response says unknown (`revocation.unknown`).
    Unknown = 3,
    /// No response could be obtained (`revocation.unavailable`).
    Unavailable = 4,
    /// A response was obtained but is not valid (`revocation.response_invalid`).
    Invalid = 5,
    /// Nothing to check against: no responder URL, no distribution point, nothing
    /// stapled or supplied, or no issuer to verify a response with.
    NotChecked = 6,
}

/// How a revocation status was established.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum chainvet_revocation_method {
    /// An OCSP response (RFC 6960).
    Ocsp = 1,
    /// A certificate revocation list (RFC 5280).
    Crl = 2,
}

/// Where the OCSP response or CRL that gave a status came from.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum chainvet_revocation_source {
    /// Fetched from the responder or distribution point during this validation.
    Network = 1,
    /// The validator's cache (fetched earlier, still fresh).
    Cache = 2,
    /// Stapled in the handshake (`chainvet_options_add_stapled_ocsp`).
    Stapled = 3,
    /// Handed over by the caller (`chainvet_options_add_ocsp_response`,
    /// `chainvet_options_add_crl`).
    Supplied = 4,
}

impl From<Outcome> for chainvet_revocation_status {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Good => chainvet_revocation_status::Good,
            Outcome::Revoked => chainvet_revocation_status::Revoked,
            Outcome::Unknown => chainvet_revocation_status::Unknown,
            Outcome::Unavailable => chainvet_revocation_status::Unavailable,
            Outcome::Invalid => chainvet_revocation_status::Invalid,
            Outcome::NotChecked => chainvet_revocation_status::NotChecked,
        }
    }
}

impl From<Method> for chainvet_revocation_method {
    fn from(m: Method) -> Self {
        match m {
            Method::Ocsp => chainvet_revocation_method::Ocsp,
            Method::Crl => chainvet_revocation_method::Crl,
        }
    }
}

impl From<Source> for chainvet_revocation_source {
    fn from(s: Source) -> Self {
        match s {
            Source::Network => chainvet_revocation_source::Network,
            Source::Cache => chainvet_revocation_source::Cache,
            Source::Stapled => chainvet_revocation_source::Stapled,
            Source::Supplied => chainvet_revocation_source::Supplied,
        }
    }
}

fn entries(report: &chainvet_report) -> &[RevocationInfo] {
    let report: &Report = report.core();
    &report.revocation
}

/// Looks up revocation entry `index` of `report` and writes `value(entry)` to `out`.
///
/// # Safety
/// `report` is NULL or a live report; `out` is NULL or valid for writing a `T`.
unsafe fn entry_accessor<T>(
    report: *const chainvet_report,
    index: usize,
    out: *mut T,
    value: impl FnOnce(&RevocationInfo) -> Result<T, chainvet_result>,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per the exported function's contract, NULL or a live report.
        let report = unsafe { pointer::borrow(report) }?;
        let out = Out::new(out)?;
        let entry = entries(report)
            .get(index)
            .ok_or(chainvet_result::OutOfRange)?;
        let v = value(entry)?;
        // SAFETY: `out` is non-NULL and aligned; writable per the contract.
        unsafe { out.write(v) };
        Ok(())
    })
}

/// The number of revocation entries in the report: one per certificate the policy's
/// revocation scope covers (the leaf by default), none when revocation checking is off
/// or the chain could not be assembled; 0 for a NULL report. The JSON
/// (`chainvet_report_json`, key `revocation`) has the details: responder, signer,
/// thisUpdate/nextUpdate, revocation time and reason.
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_revocation_count(report: *const chainvet_report) -> usize {
    guard_or(0, || {
        // SAFETY: per this function's contract, NULL or a live report.
        unsafe { pointer::borrow(report) }.map_or(0, |r| entries(r).len())
    })
}

/// Writes the index of the certificate revocation entry `index` is about (its position
/// in the input, as in findings) to `*certificate_out`.
///
/// Returns `CHAINVET_RESULT_OUT_OF_RANGE` if `index >= chainvet_report_revocation_count`,
/// `CHAINVET_RESULT_NULL_PARAMETER` if a pointer is NULL; nothing is written then.
///
/// # Safety
/// `report` is NULL or a live report; `certificate_out` is NULL or valid for writing a
/// `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_revocation_certificate(
    report: *const chainvet_report,
    index: usize,
    certificate_out: *mut usize,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe { entry_accessor(report, index, certificate_out, |e| Ok(e.certificate)) }
}

/// Writes the status of revocation entry `index` to `*status_out`.
///
/// Returns `CHAINVET_RESULT_OUT_OF_RANGE` or `CHAINVET_RESULT_NULL_PARAMETER` as
/// `chainvet_report_revocation_certificate` does.
///
/// # Safety
/// `report` is NULL or a live report; `status_out` is NULL or valid for writing a
/// `chainvet_revocation_status`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_revocation_status(
    report: *const chainvet_report,
    index: usize,
    status_out: *mut chainvet_revocation_status,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe { entry_accessor(report, index, status_out, |e| Ok(e.status.into())) }
}

/// Writes how the status of revocation entry `index` was established (OCSP or CRL) to
/// `*method_out`.
///
/// Returns `CHAINVET_RESULT_NOT_PRESENT` (nothing written) when no response or CRL was
/// used (`UNAVAILABLE`, `NOT_CHECKED`); otherwise as
/// `chainvet_report_revocation_certificate`.
///
/// # Safety
/// `report` is NULL or a live report; `method_out` is NULL or valid for writing a
/// `chainvet_revocation_method`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_revocation_method(
    report: *const chainvet_report,
    index: usize,
    method_out: *mut chainvet_revocation_method,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        entry_accessor(report, index, method_out, |e| {
            e.method.map(Into::into).ok_or(chainvet_result::NotPresent)
        })
    }
}

/// Writes where the response or CRL behind revocation entry `index` came from (network,
/// cache, stapled, supplied) to `*source_out`.
///
/// Returns `CHAINVET_RESULT_NOT_PRESENT` (nothing written) when no response or CRL was
/// used; otherwise as `chainvet_report_revocation_certificate`.
///
/// # Safety
/// `report` is NULL or a live report; `source_out` is NULL or valid for writing a
/// `chainvet_revocation_source`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_revocation_source(
    report: *const chainvet_report,
    index: usize,
    source_out: *mut chainvet_revocation_source,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        entry_accessor(report, index, source_out, |e| {
            e.source.map(Into::into).ok_or(chainvet_result::NotPresent)
        })
    }
}
