//! The typed error of a rejected client certificate, holding chainvet's report.

use core::fmt;
use std::sync::Arc;

use chainvet::{Code, Finding, Report};
use rustls::{AlertDescription, CertificateError, Error, OtherError};

use crate::alert;

/// Why the verifier refused a client certificate: chainvet's full report (every finding
/// with its stable code, message and hint), the alert sent to the client and the
/// client id the binding was checked for.
///
/// The findings describe what the peer *sent*: rustls asks the verifier before the peer
/// proves it holds the certificate's key, so anyone can present anyone's (public)
/// certificate. Log the codes to diagnose; do not act on the named subject alone.
#[derive(Debug)]
pub struct ChainvetRejection {
    report: Report,
    alert: AlertDescription,
    client_id: Option<String>,
}

impl ChainvetRejection {
    pub(crate) fn new(
        report: Report,
        alert: AlertDescription,
        client_id: Option<String>,
    ) -> ChainvetRejection {
        ChainvetRejection {
            report,
            alert,
            client_id,
        }
    }

    /// The report of the validation.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The codes of the error findings, in the report's order.
    pub fn codes(&self) -> Vec<Code> {
        self.report.errors().map(|f| f.code).collect()
    }

    /// The finding the alert was chosen for.
    pub fn main_finding(&self) -> Option<&Finding> {
        alert::main_finding(&self.report)
    }

    /// The alert the client was sent.
    pub fn alert(&self) -> AlertDescription {
        self.alert
    }

    /// The client id the binding was checked for, if any.
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// The rejection inside a rustls error, when the error carries one: the verifier
    /// puts it into `Error::InvalidCertificate(CertificateError::Other(..))` (also found
    /// in `Error::Other`, should a wrapper move it there).
    pub fn from_error(error: &Error) -> Option<&ChainvetRejection> {
        let other = match error {
            Error::InvalidCertificate(CertificateError::Other(other)) | Error::Other(other) => {
                other
            }
            _ => return None,
        };
        let inner: &(dyn std::error::Error + 'static) = other.0.as_ref();
        inner.downcast_ref::<ChainvetRejection>()
    }

    /// The rejection inside an I/O error as `rustls::Connection::complete_io` and
    /// `rustls::Stream` return it (`InvalidData` wrapping the rustls error).
    pub fn from_io_error(error: &std::io::Error) -> Option<&ChainvetRejection> {
        let inner = error.get_ref()?;
        let rustls_error = inner.downcast_ref::<Error>()?;
        ChainvetRejection::from_error(rustls_error)
    }

    /// This rejection as the error the verifier returns, carrying it.
    pub(crate) fn into_carrying_error(self: Arc<Self>) -> Error {
        Error::InvalidCertificate(CertificateError::Other(OtherError(self)))
    }
}

impl fmt::Display for ChainvetRejection {
    /// `chainvet rejected the client certificate (certificate_expired): validity.expired`
    /// — codes only: messages name subjects the peer chose, which belong in a structured
    /// log field, not in an error string that may travel further.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "chainvet rejected the client certificate ({}): ",
            alert_name(self.alert)
        )?;
        let codes = self.codes();
        if codes.is_empty() {
            return f.write_str("no finding");
        }
        for (i, code) in codes.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(code.as_str())?;
        }
        Ok(())
    }
}

impl std::error::Error for ChainvetRejection {}

/// The RFC 8446 name of an alert, e.g. `certificate_expired`.
pub fn alert_name(alert: AlertDescription) -> &'static str {
    match alert {
        AlertDescription::BadCertificate => "bad_certificate",
        AlertDescription::UnsupportedCertificate => "unsupported_certificate",
        AlertDescription::CertificateRevoked => "certificate_revoked",
        AlertDescription::CertificateExpired => "certificate_expired",
        AlertDescription::CertificateUnknown => "certificate_unknown",
        AlertDescription::UnknownCA => "unknown_ca",
        AlertDescription::AccessDenied => "access_denied",
        AlertDescription::DecryptError => "decrypt_error",
        AlertDescription::HandshakeFailure => "handshake_failure",
        AlertDescription::CertificateRequired => "certificate_required",
        AlertDescription::BadCertificateStatusResponse => "bad_certificate_status_response",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_lists_the_error_codes_and_the_alert_and_survives_the_error_round_trip() {
        let report = Report {
            accepted: false,
            findings: vec![Finding {
                code: Code::ValidityExpired,
                severity: chainvet::Severity::Error,
                certificate: Some(0),
                message: "CN=<script> expired".to_owned(),
                hint: String::new(),
                detail: None,
            }],
            ..Report::default()
        };
        let rejection = Arc::new(ChainvetRejection::new(
            report,
            AlertDescription::CertificateExpired,
            Some("acme".to_owned()),
        ));
        assert_eq!(
            rejection.to_string(),
            "chainvet rejected the client certificate (certificate_expired): validity.expired"
        );
        let error = rejection.into_carrying_error();
        let back = ChainvetRejection::from_error(&error).expect("carried");
        assert_eq!(back.codes(), vec![Code::ValidityExpired]);
        assert_eq!(back.client_id(), Some("acme"));
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, error);
        assert!(ChainvetRejection::from_io_error(&io).is_some());
        assert!(ChainvetRejection::from_error(&Error::DecryptError).is_none());
    }
}
