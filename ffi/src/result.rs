//! `chainvet_result`: what every fallible function returns.

use core::fmt;

/// What a fallible chainvet function returns. `CHAINVET_RESULT_OK` (0) is success; a
/// function writes its outputs only when it returns `CHAINVET_RESULT_OK` (the buffer-copy
/// functions also write a truncated, NUL-terminated prefix on
/// `CHAINVET_RESULT_INSUFFICIENT_BUFFER`).
///
/// The numbers are stable and never reused: 0-99 argument and call errors, 100-199
/// policy and validator, 200-299 registry (binding), 300-399 revocation input. They
/// never overlap the finding codes (1000 and up), so `chainvet_code_message` explains
/// either. A bad certificate is never a result code: validation returns
/// `CHAINVET_RESULT_OK` with a report whose findings say what is wrong.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum chainvet_result {
    /// Success; outputs were written.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullParameter = 1,
    /// An argument is out of its domain: a length over `PTRDIFF_MAX`, text that is not
    /// UTF-8, a time outside years 0000-9999.
    InvalidParameter = 2,
    /// A finding index at or past `chainvet_report_findings_count`.
    OutOfRange = 3,
    /// The caller's buffer is too small: it holds a truncated, NUL-terminated prefix and
    /// the length out-parameter the full length.
    InsufficientBuffer = 4,
    /// The value asked for does not exist, e.g. the certificate index of a finding about
    /// the input as a whole.
    NotPresent = 5,
    /// An internal error (a Rust panic) was caught at the boundary; nothing was written.
    /// The objects passed in remain safe to use and to free. Please report it.
    Panic = 99,
    /// The policy could not be loaded (syntax, unknown key, bad value, unreadable file
    /// or trust store); the error message says what and where.
    PolicyInvalid = 100,
    /// The registry could not be loaded (syntax, unknown key, bad fingerprint, a
    /// registered certificate file unreadable or not a certificate); the error message
    /// names the file, line, column and field.
    RegistryInvalid = 200,
    /// A CRL is not one chainvet can use (not DER or PEM `X509 CRL`, or malformed);
    /// the error message says why (`chainvet_crl_check`).
    CrlInvalid = 300,
    // 300-399: revocation input (CRLs, stapled OCSP responses).
    // Last added: CrlInvalid.
}

impl chainvet_result {
    /// Every result, in number order.
    pub(crate) const ALL: &'static [chainvet_result] = &[
        chainvet_result::Ok,
        chainvet_result::NullParameter,
        chainvet_result::InvalidParameter,
        chainvet_result::OutOfRange,
        chainvet_result::InsufficientBuffer,
        chainvet_result::NotPresent,
        chainvet_result::Panic,
        chainvet_result::PolicyInvalid,
        chainvet_result::RegistryInvalid,
        chainvet_result::CrlInvalid,
    ];

    /// The result with this number, if there is one.
    pub(crate) fn from_u32(n: u32) -> Option<chainvet_result> {
        Self::ALL.iter().copied().find(|r| *r as u32 == n)
    }

    /// The C constant's name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            chainvet_result::Ok => "CHAINVET_RESULT_OK",
            chainvet_result::NullParameter => "CHAINVET_RESULT_NULL_PARAMETER",
            chainvet_result::InvalidParameter => "CHAINVET_RESULT_INVALID_PARAMETER",
            chainvet_result::OutOfRange => "CHAINVET_RESULT_OUT_OF_RANGE",
            chainvet_result::InsufficientBuffer => "CHAINVET_RESULT_INSUFFICIENT_BUFFER",
            chainvet_result::NotPresent => "CHAINVET_RESULT_NOT_PRESENT",
            chainvet_result::Panic => "CHAINVET_RESULT_PANIC",
            chainvet_result::PolicyInvalid => "CHAINVET_RESULT_POLICY_INVALID",
            chainvet_result::RegistryInvalid => "CHAINVET_RESULT_REGISTRY_INVALID",
            chainvet_result::CrlInvalid => "CHAINVET_RESULT_CRL_INVALID",
        }
    }

    const fn description(self) -> &'static str {
        match self {
            chainvet_result::Ok => "success",
            chainvet_result::NullParameter => "a required pointer argument was NULL",
            chainvet_result::InvalidParameter => {
                "an argument is out of range (length over PTRDIFF_MAX, text not UTF-8, or time outside years 0000-9999)"
            }
            chainvet_result::OutOfRange => "the finding index is past the end of the report",
            chainvet_result::InsufficientBuffer => {
                "the buffer is too small; it holds a truncated copy"
            }
            chainvet_result::NotPresent => "the value asked for does not exist",
            chainvet_result::Panic => "internal error in chainvet (a panic was caught)",
            chainvet_result::PolicyInvalid => "the policy could not be loaded",
            chainvet_result::RegistryInvalid => "the registry could not be loaded",
            chainvet_result::CrlInvalid => "the CRL is not usable",
        }
    }
}

impl fmt::Display for chainvet_result {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name(), self.description())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_stable_and_below_the_finding_codes() {
        let numbers: Vec<u32> = chainvet_result::ALL.iter().map(|&r| r as u32).collect();
        assert_eq!(numbers, [0, 1, 2, 3, 4, 5, 99, 100, 200, 300]);
        for &r in chainvet_result::ALL {
            assert_eq!(chainvet_result::from_u32(r as u32), Some(r));
            assert!(r.to_string().starts_with(r.name()));
        }
        assert_eq!(chainvet_result::from_u32(6), None);
        assert!(chainvet_core::Code::ALL.iter().all(|c| c.as_u32() >= 1000));
    }
}
