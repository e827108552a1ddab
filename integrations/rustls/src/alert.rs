//! Which TLS alert a rejection sends: the report's main finding, mapped to the rustls
//! `CertificateError` whose alert says the same thing to the client.
//!
//! rustls picks the alert from the error the verifier returns
//! (`CommonState::send_cert_verify_error_alert`): `Error::InvalidCertificate(e)` sends
//! `AlertDescription::from(e)`, every other error (including `Error::Other`) sends
//! `handshake_failure`. Only `CertificateError::Other` can carry chainvet's report, and
//! it always sends `certificate_unknown`; so a specific alert and the report in the
//! error exclude each other. The report of a rejection with a specific alert is handed
//! to the server through the verifier's side channels instead (see the crate docs).

use chainvet::{Code, Report, Severity};
use rustls::CertificateError;

/// What a finding means for the client, in the order a rejection's main finding is
/// chosen (most fundamental first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    /// Not a certificate chainvet can read.
    Malformed,
    /// No path to a trust anchor.
    Untrusted,
    /// A signature in the chain does not verify.
    BadSignature,
    /// Revoked by a CRL or OCSP response.
    Revoked,
    /// Outside its validity period.
    Expired,
    /// Not valid yet.
    NotYetValid,
    /// Revocation status unknown or unobtainable, or the evidence is invalid.
    RevocationStatus,
    /// Key, algorithm or extended key usage the gateway does not accept.
    Unsupported,
    /// A critical extension nobody understands.
    CriticalExtension,
    /// Not valid for the expected name, or outside an issuer's name constraints.
    Name,
    /// A valid certificate, but not the one registered for this client.
    Binding,
    /// Any other policy finding (lifetime, subject, CA profile...).
    Policy,
}

impl Class {
    /// The class of a finding code. Codes added later fall into their area's class
    /// (`binding.*`, `revocation.*`, `key.*`, ...) or into `Policy`.
    pub(crate) fn of(code: Code) -> Class {
        match code {
            Code::CertificateMalformed => Class::Malformed,
            Code::RootNotTrusted
            | Code::ChainIssuerMissing
            | Code::ChainRootMissing
            | Code::LeafSelfSigned => Class::Untrusted,
            Code::SignatureInvalid => Class::BadSignature,
            Code::RevocationRevoked => Class::Revoked,
            Code::ValidityExpired => Class::Expired,
            Code::ValidityNotYetValid => Class::NotYetValid,
            Code::LeafClientAuthMissing
            | Code::LeafServerAuthMissing
            | Code::SignatureWeakAlgorithm
            | Code::SignatureUnsupportedAlgorithm => Class::Unsupported,
            Code::CertificateUnsupportedCriticalExtension => Class::CriticalExtension,
            Code::LeafNameMismatch | Code::ChainNameConstraintsViolated => Class::Name,
            other => {
                let name = other.as_str();
                let area = name.split('.').next().unwrap_or(name);
                match area {
                    "input" | "pem" => Class::Malformed,
                    "revocation" => Class::RevocationStatus,
                    "key" => Class::Unsupported,
                    "binding" => Class::Binding,
                    _ => Class::Policy,
                }
            }
        }
    }

    /// The rustls error whose alert fits; `None` for `Policy`, which is sent as
    /// `CertificateError::Other` carrying the report (`certificate_unknown`).
    pub(crate) fn certificate_error(self) -> Option<CertificateError> {
        Some(match self {
            // RFC 8446 6.2: bad_certificate, "a certificate was corrupt, contained
            // signatures that did not verify correctly, etc.". rustls sends it for
            // BadEncoding (and would send decrypt_error for BadSignature).
            Class::Malformed | Class::BadSignature => CertificateError::BadEncoding,
            Class::Untrusted => CertificateError::UnknownIssuer,
            Class::Revoked => CertificateError::Revoked,
            Class::Expired => CertificateError::Expired,
            Class::NotYetValid => CertificateError::NotValidYet,
            // What OpenSSL, BoringSSL and rustls itself send when the status is unknown.
            Class::RevocationStatus => CertificateError::UnknownRevocationStatus,
            Class::Unsupported => CertificateError::InvalidPurpose,
            Class::CriticalExtension => CertificateError::UnhandledCriticalExtension,
            Class::Name => CertificateError::NotValidForName,
            Class::Binding => CertificateError::ApplicationVerificationFailure,
            Class::Policy => return None,
        })
    }
}

/// The error finding a rejection is reported to the client as: the one of the most
/// fundamental class, the first of its class in the report's order. `None` when the
/// report has no error (it was accepted).
pub fn main_finding(report: &Report) -> Option<&chainvet::Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .min_by_key(|f| Class::of(f.code))
}

/// The TLS alert a rejection with this report sends to the client (when the verifier
/// is not set to carry the report in the error, which always sends
/// `certificate_unknown`).
pub fn alert_for(report: &Report) -> rustls::AlertDescription {
    match main_finding(report).and_then(|f| Class::of(f.code).certificate_error()) {
        Some(e) => e.into(),
        None => rustls::AlertDescription::CertificateUnknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::AlertDescription as A;

    fn alert(code: Code) -> A {
        match Class::of(code).certificate_error() {
            Some(e) => e.into(),
            None => A::CertificateUnknown,
        }
    }

    #[test]
    fn codes_map_to_the_alerts_of_the_readme_table() {
        let table = [
            (Code::CertificateMalformed, A::BadCertificate),
            (Code::InputTooLarge, A::BadCertificate),
            (Code::SignatureInvalid, A::BadCertificate),
            (Code::RootNotTrusted, A::UnknownCA),
            (Code::ChainIssuerMissing, A::UnknownCA),
            (Code::LeafSelfSigned, A::UnknownCA),
            (Code::RevocationRevoked, A::CertificateRevoked),
            (Code::ValidityExpired, A::CertificateExpired),
            (Code::ValidityNotYetValid, A::CertificateExpired),
            (Code::RevocationUnknown, A::UnknownCA),
            (Code::RevocationResponseInvalid, A::UnknownCA),
            (Code::RevocationUnavailable, A::UnknownCA),
            (Code::LeafClientAuthMissing, A::UnsupportedCertificate),
            (Code::KeyRsaTooSmall, A::UnsupportedCertificate),
            (Code::SignatureWeakAlgorithm, A::UnsupportedCertificate),
            (
                Code::CertificateUnsupportedCriticalExtension,
                A::BadCertificate,
            ),
            (Code::LeafNameMismatch, A::BadCertificate),
            (Code::BindingSerialMismatch, A::AccessDenied),
            (Code::BindingNoRegisteredCertificate, A::AccessDenied),
            (Code::ValidityTooShort, A::CertificateUnknown),
            (Code::LeafIsCa, A::CertificateUnknown),
            (Code::ChainPathInvalid, A::CertificateUnknown),
        ];
        for (code, expected) in table {
            assert_eq!(alert(code), expected, "{code}");
        }
        // Every code has a class (no panic for any of them).
        for &code in Code::ALL {
            let _ = alert(code);
        }
    }

    #[test]
    fn the_most_fundamental_error_is_the_main_finding() {
        let finding = |code: Code, severity| chainvet::Finding {
            code,
            severity,
            certificate: Some(0),
            message: String::new(),
            hint: String::new(),
            detail: None,
        };
        let report = Report {
            accepted: false,
            findings: vec![
                finding(Code::ValidityTooShort, Severity::Error),
                finding(Code::RevocationRevoked, Severity::Warning),
                finding(Code::ValidityExpired, Severity::Error),
                finding(Code::RootNotTrusted, Severity::Error),
            ],
            ..Report::default()
        };
        assert_eq!(
            main_finding(&report).map(|f| f.code),
            Some(Code::RootNotTrusted)
        );
        assert_eq!(alert_for(&report), A::UnknownCA);
        let accepted = Report {
            accepted: true,
            ..Report::default()
        };
        assert!(main_finding(&accepted).is_none());
    }
}
