//! `chainvet_report`: the result of one validation, and its accessors.

use core::ffi::c_char;
use std::ffi::CString;
use std::sync::OnceLock;

use chainvet_core::{Finding, Report};

use crate::code::{chainvet_severity, static_name};
use crate::panic::{guard, guard_or};
use crate::pointer::{self, Out};
use crate::result::chainvet_result;
use crate::text::c_string;

pub mod certificate_policies;
pub mod revocation;

/// The result of one validation: the verdict and every finding. Made by the
/// `chainvet_validator_validate_*` functions, freed by `chainvet_report_free`.
///
/// A report is independent of the validator and options that made it (either may be
/// freed first) and is read-only: any number of threads may read one report at once.
/// Strings it hands out are NUL-terminated UTF-8 owned by the report: valid until the
/// report is freed, never freed by the caller.
#[allow(non_camel_case_types)]
pub struct chainvet_report {
    report: Report,
    /// The C strings of each finding's message and hint, made on first request so the
    /// accept path of a gateway allocates nothing for them.
    texts: Box<[FindingTexts]>,
    json: OnceLock<CString>,
    /// The C strings of the certificate policies, made on first request.
    pub(crate) policies: OnceLock<Box<[CString]>>,
}

#[derive(Default)]
struct FindingTexts {
    message: OnceLock<CString>,
    hint: OnceLock<CString>,
    detail: OnceLock<CString>,
}

impl chainvet_report {
    pub(crate) fn new(report: Report) -> chainvet_report {
        let texts = report
            .findings
            .iter()
            .map(|_| FindingTexts::default())
            .collect();
        chainvet_report {
            report,
            texts,
            json: OnceLock::new(),
            policies: OnceLock::new(),
        }
    }

    /// The core report.
    pub(crate) fn core(&self) -> &Report {
        &self.report
    }

    fn finding(&self, index: usize) -> Result<(&Finding, &FindingTexts), chainvet_result> {
        match (self.report.findings.get(index), self.texts.get(index)) {
            (Some(f), Some(t)) => Ok((f, t)),
            _ => Err(chainvet_result::OutOfRange),
        }
    }
}

/// Looks up finding `index` of `report` and writes `value(finding)` to `out`: the common
/// shape of every per-finding accessor.
///
/// # Safety
/// `report` is NULL or a live report; `out` is NULL or valid for writing a `T`.
unsafe fn finding_accessor<T>(
    report: *const chainvet_report,
    index: usize,
    out: *mut T,
    value: impl FnOnce(&Finding, &FindingTexts) -> Result<T, chainvet_result>,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per the exported function's contract, NULL or a live report.
        let report = unsafe { pointer::borrow(report) }?;
        let out = Out::new(out)?;
        let (finding, texts) = report.finding(index)?;
        let v = value(finding, texts)?;
        // SAFETY: `out` is non-NULL and aligned; writable per the contract.
        unsafe { out.write(v) };
        Ok(())
    })
}

/// Frees a report and every string it handed out. NULL is a no-op. The library keeps no
/// reference to a report, so after this call nothing touches its memory again.
///
/// # Safety
/// `report` is NULL or came from a `chainvet_validator_validate_*` function and has not
/// been freed; neither it nor any string it handed out is used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_free(report: *mut chainvet_report) {
    guard_or((), || {
        // SAFETY: per this function's contract, NULL or a live report handle.
        unsafe { pointer::free(report) }
    })
}

/// Whether the chain is accepted: true iff no finding has severity
/// `CHAINVET_SEVERITY_ERROR`. False for a NULL report, so a forgotten check never lets a
/// chain through.
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_accepted(report: *const chainvet_report) -> bool {
    guard_or(false, || {
        // SAFETY: per this function's contract, NULL or a live report.
        unsafe { pointer::borrow(report) }.is_ok_and(|r| r.report.accepted)
    })
}

/// The number of findings (errors, warnings and info); 0 for a NULL report. Findings are
/// numbered 0 to count - 1, in the order the checks ran.
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_findings_count(report: *const chainvet_report) -> usize {
    guard_or(0, || {
        // SAFETY: per this function's contract, NULL or a live report.
        unsafe { pointer::borrow(report) }.map_or(0, |r| r.report.findings.len())
    })
}

/// Writes the stable integer code of finding `index` (e.g. 1600 for `validity.expired`,
/// see `chainvet_code`) to `*code_out`.
///
/// Returns `CHAINVET_RESULT_OUT_OF_RANGE` if `index >= chainvet_report_findings_count`,
/// `CHAINVET_RESULT_NULL_PARAMETER` if a pointer is NULL; nothing is written then.
///
/// # Safety
/// `report` is NULL or a live report; `code_out` is NULL or valid for writing a `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_finding_code(
    report: *const chainvet_report,
    index: usize,
    code_out: *mut u32,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe { finding_accessor(report, index, code_out, |f, _| Ok(f.code.as_u32())) }
}

/// Writes the dotted code of finding `index` (e.g. `"validity.expired"`) to `*name_out`.
///
/// Returns `CHAINVET_RESULT_OUT_OF_RANGE` or `CHAINVET_RESULT_NULL_PARAMETER` as
/// `chainvet_report_finding_code` does.
///
/// Ownership: the string is static (valid for the life of the process); never free it.
///
/// # Safety
/// `report` is NULL or a live report; `name_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_finding_code_name(
    report: *const chainvet_report,
    index: usize,
    name_out: *mut *const c_char,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        finding_accessor(report, index, name_out, |f, _| {
            Ok(static_name(f.code).as_ptr())
        })
    }
}

/// Writes the severity of finding `index`, after the policy's overrides, to
/// `*severity_out`.
///
/// Returns `CHAINVET_RESULT_OUT_OF_RANGE` or `CHAINVET_RESULT_NULL_PARAMETER` as
/// `chainvet_report_finding_code` does.
///
/// # Safety
/// `report` is NULL or a live report; `severity_out` is NULL or valid for writing a
/// `chainvet_severity`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_finding_severity(
    report: *const chainvet_report,
    index: usize,
    severity_out: *mut chainvet_severity,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe { finding_accessor(report, index, severity_out, |f, _| Ok(f.severity.into())) }
}

/// Writes the index of the certificate finding `index` is about to `*certificate_out`:
/// the position in the list of DER certificates given, or among the CERTIFICATE blocks
/// of the PEM bundle given, counting from 0.
///
/// Returns `CHAINVET_RESULT_NOT_PRESENT` (nothing written) when the finding is about the
/// input as a whole or a non-certificate block; `CHAINVET_RESULT_OUT_OF_RANGE` or
/// `CHAINVET_RESULT_NULL_PARAMETER` as `chainvet_report_finding_code` does.
///
/// # Safety
/// `report` is NULL or a live report; `certificate_out` is NULL or valid for writing a
/// `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_finding_certificate(
    report: *const chainvet_report,
    index: usize,
    certificate_out: *mut usize,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        finding_accessor(report, index, certificate_out, |f, _| {
            f.certificate.ok_or(chainvet_result::NotPresent)
        })
    }
}

/// Writes finding `index`'s message (what is wrong, naming the certificate by subject and
/// index) to `*message_out`.
///
/// Returns `CHAINVET_RESULT_OUT_OF_RANGE` or `CHAINVET_RESULT_NULL_PARAMETER` as
/// `chainvet_report_finding_code` does.
///
/// Ownership: NUL-terminated UTF-8 owned by the report, valid until
/// `chainvet_report_free`; never free it. Asking twice gives the same pointer.
///
/// # Safety
/// `report` is NULL or a live report; `message_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_finding_message(
    report: *const chainvet_report,
    index: usize,
    message_out: *mut *const c_char,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        finding_accessor(report, index, message_out, |f, t| {
            Ok(t.message.get_or_init(|| c_string(&f.message)).as_ptr())
        })
    }
}

/// Writes finding `index`'s hint (how to fix it) to `*hint_out`.
///
/// Returns `CHAINVET_RESULT_OUT_OF_RANGE` or `CHAINVET_RESULT_NULL_PARAMETER` as
/// `chainvet_report_finding_code` does.
///
/// Ownership: NUL-terminated UTF-8 owned by the report, valid until
/// `chainvet_report_free`; never free it.
///
/// # Safety
/// `report` is NULL or a live report; `hint_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_finding_hint(
    report: *const chainvet_report,
    index: usize,
    hint_out: *mut *const c_char,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        finding_accessor(report, index, hint_out, |f, t| {
            Ok(t.hint.get_or_init(|| c_string(&f.hint)).as_ptr())
        })
    }
}

/// Writes finding `index`'s operator-facing detail to `*detail_out`, or NULL when it
/// has none. The detail says what the message to the uploader deliberately leaves out
/// (e.g. why a responder could not be reached: connection refused, an HTTP status, a
/// destination the policy refuses); log it, do not show it to the peer.
///
/// Returns `CHAINVET_RESULT_OUT_OF_RANGE` or `CHAINVET_RESULT_NULL_PARAMETER` as
/// `chainvet_report_finding_code` does.
///
/// Ownership: NUL-terminated UTF-8 owned by the report, valid until
/// `chainvet_report_free`; never free it.
///
/// # Safety
/// `report` is NULL or a live report; `detail_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_finding_detail(
    report: *const chainvet_report,
    index: usize,
    detail_out: *mut *const c_char,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        finding_accessor(report, index, detail_out, |f, t| {
            Ok(match &f.detail {
                Some(d) => t.detail.get_or_init(|| c_string(d)).as_ptr(),
                None => core::ptr::null(),
            })
        })
    }
}

/// Writes the whole report as one line of JSON (`accepted`, `findings`, `certificates`,
/// `chain`, `validated_at`: the shape `chainvet check --json` prints) to `*json_out`.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if a pointer is NULL.
///
/// Ownership: NUL-terminated UTF-8 owned by the report, valid until
/// `chainvet_report_free`; never free it.
///
/// # Safety
/// `report` is NULL or a live report; `json_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_report_json(
    report: *const chainvet_report,
    json_out: *mut *const c_char,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live report.
        let report = unsafe { pointer::borrow(report) }?;
        let out = Out::new(json_out)?;
        let json = report
            .json
            .get_or_init(|| c_string(&report.report.to_json()));
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(json.as_ptr()) };
        Ok(())
    })
}
