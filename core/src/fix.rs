//! Repairs a bundle where repair is mechanical: leaf-to-root order, duplicates,
//! unrelated certificates, text, CSRs and private keys dropped. Refuses, saying why,
//! when no reordering can make the chain complete, and never writes a bundle without a
//! leaf: when a certificate block that may be the leaf cannot be read, it says which
//! block and why instead of writing the rest.

use core::fmt;

use crate::chain::Chain;
use crate::code::Code;
use crate::input::Slot;
use crate::report::{Finding, Report, Severity};
use crate::time::Timestamp;
use crate::validator::{Options, Validator};

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

/// Which certificate `fix` keeps as the leaf when the bundle holds more than one
/// end-entity certificate (`chain.multiple_leaves`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeafChoice {
    /// The certificate at this 0-based index among the certificates of the input (the
    /// `certificate` index of findings and reports).
    Index(usize),
    /// The end-entity certificate whose subject common name is exactly this.
    CommonName(String),
}

impl Validator {
    /// Repairs `input` (see the module documentation), validating at `at`. A bundle
    /// with more than one end-entity certificate is refused: see `fix_with_leaf`.
    pub fn fix_at(&self, input: &[u8], at: Timestamp) -> Result<Fixed, FixRefused> {
        self.fix_choosing(input, &Options::at(at), None)
    }

    /// Repairs `input` with per-call options (validation time, revocation data,
    /// `offline`), which apply to both the input's and the repaired bundle's validation.
    pub fn fix_with(&self, input: &[u8], options: &Options) -> Result<Fixed, FixRefused> {
        self.fix_choosing(input, options, None)
    }

    /// As `fix_at`, keeping `leaf` and its chain when the bundle holds more than one
    /// end-entity certificate, and dropping the others.
    pub fn fix_with_leaf(
        &self,
        input: &[u8],
        at: Timestamp,
        leaf: &LeafChoice,
    ) -> Result<Fixed, FixRefused> {
        self.fix_choosing(input, &Options::at(at), Some(leaf))
    }

    /// As `fix_with_leaf`, with per-call options.
    pub fn fix_with_leaf_options(
        &self,
        input: &[u8],
        options: &Options,
        leaf: &LeafChoice,
    ) -> Result<Fixed, FixRefused> {
        self.fix_choosing(input, options, Some(leaf))
    }

    fn fix_choosing(
        &self,
        input: &[u8],
        options: &Options,
        choice: Option<&LeafChoice>,
    ) -> Result<Fixed, FixRefused> {
        let analysis = self.analyze_pem(input, options);
        if analysis.chain.leaves.len() > 1 {
            return self.fix_one_of_many(&analysis, options, choice);
        }
        let report = analysis.report;
        let mut reasons: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error && BLOCKING.contains(&f.code))
            .map(|f| format!("{} ({})", f.message, f.code))
            .collect();
        reasons.extend(missing_leaf(&analysis.slots, &analysis.chain, &report));
        // A block that could not be read may be a certificate the chain needs: never
        // write a bundle without it.
        let damaged: Vec<String> = report
            .findings
            .iter()
            .filter(|f| {
                matches!(f.code, Code::PemMalformed | Code::CertificateMalformed)
                    && f.certificate.is_some()
            })
            .map(|f| {
                format!(
                    "{} ({}); the chain needs it, so it must be copied again",
                    f.message, f.code
                )
            })
            .collect();
        let reasons = if reasons.is_empty()
            && (analysis.chain.path.is_empty() || !analysis.chain.ends_at_root)
        {
            damaged
        } else {
            reasons
        };
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
                    "put the certificates in leaf-to-root order: {} (counting from 1)",
                    analysis
                        .chain
                        .path
                        .iter()
                        .map(|i| (i + 1).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Code::ChainDuplicateCertificate => {
                    format!(
                        "dropped certificate {}, a duplicate",
                        f.certificate.unwrap_or_default() + 1
                    )
                }
                Code::ChainUnrelatedCertificate => format!(
                    "dropped certificate {}, which is not on the leaf's chain",
                    f.certificate.unwrap_or_default() + 1
                ),
                Code::PemMalformed | Code::CertificateMalformed => {
                    format!("dropped a malformed certificate block: {}", f.message)
                }
                _ => match input_change(f) {
                    Some(change) => change,
                    None => continue,
                },
            };
            changes.push(change);
        }
        let mut pem = String::new();
        for &i in &analysis.chain.path {
            if let Ok(cert) = &analysis.slots[i] {
                pem.push_str(&encode_pem(cert.der()));
            }
        }
        let fixed_report = self.validate_with(pem.as_bytes(), options);
        Ok(Fixed {
            pem,
            changes,
            report: fixed_report,
        })
    }
}

/// Why the chain as assembled would be written without its leaf, if it would: the
/// first certificate of the path is a CA certificate (the leaf is not among the
/// readable certificates), or a certificate block that could not be read comes before
/// it (where a leaf goes). Names the unreadable block and why it could not be read.
fn missing_leaf(slots: &[Slot], chain: &Chain, report: &Report) -> Option<String> {
    let &first = chain.path.first()?;
    let first_is_ca = matches!(&slots[first], Ok(c) if c.is_ca());
    let unreadable = slots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_err())
        .map(|(i, _)| i)
        .find(|&i| first_is_ca || i < first);
    let why = |i: usize| {
        report
            .findings
            .iter()
            .find(|f| {
                f.certificate == Some(i)
                    && matches!(
                        f.code,
                        Code::PemMalformed
                            | Code::CertificateMalformed
                            | Code::PemPrivateKeyPresent
                    )
            })
            .map_or_else(
                || format!("certificate {} could not be read", i + 1),
                |f| format!("{} ({})", f.message, f.code),
            )
    };
    match unreadable {
        Some(i) => Some(format!(
            "the leaf certificate may be the block that could not be read, and a bundle without its leaf is not written: {}",
            why(i)
        )),
        None if first_is_ca => Some(format!(
            "the bundle has no leaf certificate: the chain would start at certificate {}, a CA certificate; add the client's own certificate",
            first + 1
        )),
        None => None,
    }
}

impl Validator {
    /// Keeps the chosen end-entity certificate and every other certificate of the input
    /// except the other end-entity certificates, then repairs that.
    fn fix_one_of_many(
        &self,
        analysis: &crate::validator::Analysis,
        options: &Options,
        choice: Option<&LeafChoice>,
    ) -> Result<Fixed, FixRefused> {
        let leaves = &analysis.chain.leaves;
        let named = |i: usize| match &analysis.slots[i] {
            Ok(c) => c.describe(i),
            Err(_) => format!("certificate {}", i + 1),
        };
        let refuse = |reason: String| FixRefused {
            reasons: vec![reason],
            report: Box::new(analysis.report.clone()),
        };
        let Some(choice) = choice else {
            return Err(refuse(format!(
                "the bundle holds {} end-entity certificates: {}; choose the one to keep with `--leaf N` (its number, counting from 1) or `--leaf CN` (chain.multiple_leaves)",
                leaves.len(),
                crate::chain::name_some(&analysis.slots, leaves)
            )));
        };
        let chosen = leaves.iter().copied().find(|&i| match choice {
            LeafChoice::Index(n) => i == *n,
            LeafChoice::CommonName(cn) => analysis.slots[i]
                .as_ref()
                .is_ok_and(|c| c.common_name().as_deref() == Some(cn.as_str())),
        });
        let Some(chosen) = chosen else {
            return Err(refuse(format!(
                "no end-entity certificate of the bundle is {}; they are {}",
                match choice {
                    LeafChoice::Index(n) => format!("number {}", n + 1),
                    LeafChoice::CommonName(cn) => format!("named CN={cn}"),
                },
                crate::chain::name_some(&analysis.slots, leaves)
            )));
        };
        let mut pem = String::new();
        for (i, slot) in analysis.slots.iter().enumerate() {
            if let Ok(cert) = slot
                && (i == chosen || !leaves.contains(&i))
            {
                pem.push_str(&encode_pem(cert.der()));
            }
        }
        let others: Vec<usize> = leaves.iter().copied().filter(|&i| i != chosen).collect();
        let mut fixed = self.fix_choosing(pem.as_bytes(), options, None)?;
        let mut changes: Vec<String> = analysis
            .report
            .findings
            .iter()
            .filter_map(input_change)
            .collect();
        changes.push(format!(
            "kept {} as the leaf and dropped the other end-entity certificates: {}",
            named(chosen),
            crate::chain::name_some(&analysis.slots, &others)
        ));
        changes.append(&mut fixed.changes);
        fixed.changes = changes;
        Ok(fixed)
    }
}

/// What `fix` changes about the text of the input for finding `f`, if anything: every
/// certificate is written again from its DER, so blocks that are not certificates, text,
/// encodings, escapes, layout and trust settings all go.
fn input_change(f: &Finding) -> Option<String> {
    Some(match f.code {
        Code::PemPrivateKeyPresent => {
            "dropped the private key block (its content was not read)".to_owned()
        }
        Code::PemCsrNotCertificate => "dropped the certificate signing request".to_owned(),
        Code::PemUnexpectedBlock => {
            format!("dropped a non-certificate block: {}", f.message)
        }
        Code::PemExplanatoryText => format!("dropped explanatory text: {}", f.message),
        Code::InputUtf16 => "converted the text from UTF-16 to ASCII".to_owned(),
        Code::PemEscapedNewlines => {
            "replaced the literal \\n sequences with line breaks".to_owned()
        }
        Code::PemBoundariesJoined => "put every BEGIN and END line on a line of its own".to_owned(),
        Code::PemIndented => "removed the indentation".to_owned(),
        Code::PemTrustedCertificate => format!(
            "converted certificate {} from TRUSTED CERTIFICATE to CERTIFICATE, dropping OpenSSL's trust settings",
            f.certificate.unwrap_or_default() + 1
        ),
        _ => return None,
    })
}

/// PEM for one certificate: 64-column base64, LF line endings.
pub fn encode_pem(der: &[u8]) -> String {
    pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der).unwrap_or_default()
}
