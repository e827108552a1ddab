//! Repairs a bundle where repair is mechanical: leaf-to-root order, duplicates,
//! unrelated certificates, text, CSRs and private keys dropped. Refuses, saying why,
//! when no reordering can make the chain complete.

use core::fmt;

use crate::code::Code;
use crate::report::{Report, Severity};
use crate::time::Timestamp;
use crate::validator::Validator;

/// A repaired bundle.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The repaired bundle: the chain's certificates as PEM, leaf first.
    pub pem: String,
    /// What was changed, one sentence each; empty when the input was already in shape.
    pub changes: Vec<String>,
    /// The validation of the repaired bundle; it may still have errors that no
    /// reordering repairs (an expired certificate, a weak key).
    pub report: Report,
}

/// Why a bundle cannot be repaired.
#[derive(Debug, Clone)]
pub struct FixRefused {
    /// The reasons, one per blocking finding.
    pub reasons: Vec<String>,
    /// The validation of the input.
    pub report: Box<Report>,
}

impl fmt::Display for FixRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot repair the bundle: {}", self.reasons.join("; "))
    }
}

impl std::error::Error for FixRefused {}

/// Findings that no reordering or removal can repair: something is missing or wrong in
/// the certificates themselves.
const BLOCKING: &[Code] = &[
    Code::InputEmpty,
    Code::InputTooLarge,
    Code::InputNotPem,
    Code::PemNoCertificate,
    Code::ChainTooLong,
    Code::ChainRootMissing,
    Code::ChainIssuerMissing,
    Code::SignatureInvalid,
    Code::SignatureUnsupportedAlgorithm,
    Code::LeafSelfSigned,
];

impl Validator {
    /// Repairs `input` (see the module documentation), validating at `at`.
    pub fn fix_at(&self, input: &[u8], at: Timestamp) -> Result<Fixed, FixRefused> {
        let analysis = self.analyze_pem(input, &crate::validator::Options::at(at));
        let report = analysis.report;
        let reasons: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error && BLOCKING.contains(&f.code))
            .map(|f| format!("{} ({})", f.message, f.code))
            .collect();
        if !reasons.is_empty() || analysis.chain.path.is_empty() {
            let reasons = if reasons.is_empty() {
                vec!["no certificate chain could be assembled".to_owned()]
            } else {
                reasons
            };
            return Err(FixRefused {
                reasons,
                report: Box::new(report),
            });
        }

        let mut changes = Vec::new();
        for f in &report.findings {
            let change = match f.code {
                Code::ChainOrderReversed | Code::ChainOrderWrong => format!(
                    "put the certificates in leaf-to-root order: {}",
                    analysis
                        .chain
                        .path
                        .iter()
                        .map(usize::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Code::ChainDuplicateCertificate => {
                    format!(
                        "dropped certificate {}, a duplicate",
                        f.certificate.unwrap_or_default()
                    )
                }
                Code::ChainUnrelatedCertificate => format!(
                    "dropped certificate {}, which is not on the leaf's chain",
                    f.certificate.unwrap_or_default()
                ),
                Code::PemPrivateKeyPresent => {
                    "dropped the private key block (its content was not read)".to_owned()
                }
                Code::PemCsrNotCertificate => "dropped the certificate signing request".to_owned(),
                Code::PemUnexpectedBlock => {
                    format!("dropped a non-certificate block: {}", f.message)
                }
                Code::PemExplanatoryText => format!("dropped explanatory text: {}", f.message),
                Code::PemMalformed | Code::CertificateMalformed => {
                    format!("dropped a malformed certificate block: {}", f.message)
                }
                _ => continue,
            };
            changes.push(change);
        }
        let mut pem = String::new();
        for &i in &analysis.chain.path {
            if let Ok(cert) = &analysis.slots[i] {
                pem.push_str(&encode_pem(cert.der()));
            }
        }
        let fixed_report = self.validate_at(pem.as_bytes(), at);
        Ok(Fixed {
            pem,
            changes,
            report: fixed_report,
        })
    }
}

/// PEM for one certificate: 64-column base64, LF line endings.
pub fn encode_pem(der: &[u8]) -> String {
    pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der).unwrap_or_default()
}
