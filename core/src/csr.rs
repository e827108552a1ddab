//! CSR pre-flight: what a client runs before sending a certificate signing request. The
//! request (PEM or DER PKCS#10) is parsed, its self-signature verified, its key checked
//! against the same key policy as certificates and its subject against the same subject
//! policy as the leaf, so a CSR that passes here yields a certificate that passes
//! `check`. A private key or a certificate given instead is refused, saying which; a
//! private key's content is never decoded beyond its shape, copied or echoed.

use const_oid::ObjectIdentifier;
use der::asn1::AnyRef;
use der::{Decode, Reader, SliceReader, Tag, Tagged};
use pki_types::SignatureVerificationAlgorithm as _;
use serde::{Deserialize, Serialize};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::request::CertReqInfo;

use crate::certificate::{Extensions, PublicKey};
use crate::checks::keys::{KeyHolder, check_key};
use crate::checks::subject::{Subject, Target, check_subject};
use crate::code::Code;
use crate::findings::{Findings, Finished};
use crate::input::{key_material, label, pem, sniff};
use crate::report::Finding;
use crate::signature::{self, SignerKey, VerifyError};
use crate::validator::Validator;

/// PKCS#9 extensionRequest (1.2.840.113549.1.9.14).
const EXTENSION_REQUEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.14");

/// What the CSR asks for, when it parses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsrInfo {
    /// Subject DN, RFC 4514.
    pub subject: String,
    /// Public key, e.g. `RSA 2048`, `EC P-256`.
    pub key: String,
    /// The algorithm of the CSR's self-signature, e.g. `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// subjectAltName DNS names requested (extensionRequest).
    pub dns_names: Vec<String>,
}

/// The result of a CSR pre-flight.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CsrReport {
    /// True iff no finding is an error.
    pub accepted: bool,
    /// Every problem found.
    pub findings: Vec<Finding>,
    /// The request, when it parses.
    pub csr: Option<CsrInfo>,
}

impl CsrReport {
    /// Whether any finding has the given code.
    pub fn has(&self, code: Code) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }

    /// The report as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// A decoded request with the byte ranges its signature covers.
struct Parsed<'a> {
    info: &'a [u8],
    signature_algorithm: &'a [u8],
    signature: &'a [u8],
    spki: &'a [u8],
    subject: Name,
    dns_names: Vec<String>,
}

/// Parses a DER PKCS#10 request (RFC 2986), keeping the signed bytes as received.
fn parse(der: &[u8]) -> Result<Parsed<'_>, String> {
    // CertificationRequest has a certificate's SIGNED{} shape: info, algorithm, bits.
    let parts = crate::der::split_certificate(der)
        .map_err(|e| format!("not a DER PKCS#10 request: {e}"))?;
    let info = CertReqInfo::from_der(parts.tbs)
        .map_err(|e| format!("bad certificationRequestInfo: {e}"))?;
    let spki = SliceReader::new(parts.tbs)
        .and_then(|mut r| {
            r.sequence(|r| {
                r.tlv_bytes()?; // version
                r.tlv_bytes()?; // subject
                let spki = r.tlv_bytes()?;
                while !r.is_finished() {
                    r.tlv_bytes()?;
                }
                Ok::<_, der::Error>(spki)
            })
        })
        .map_err(|e| format!("bad certificationRequestInfo: {e}"))?;
    let mut dns_names = Vec::new();
    for attr in info
        .attributes
        .iter()
        .filter(|a| a.oid == EXTENSION_REQUEST)
    {
        for value in attr.values.iter() {
            let list: Vec<Extension> = value
                .decode_as()
                .map_err(|e| format!("bad extensionRequest attribute: {e}"))?;
            let pairs: Vec<(&[u8], &[u8])> = list
                .iter()
                .map(|e| (e.extn_id.as_bytes(), e.extn_value.as_bytes()))
                .collect();
            let ext = Extensions::decode(&pairs);
            if !ext.malformed.is_empty() {
                return Err(
                    "an extension in the extensionRequest attribute does not decode".into(),
                );
            }
            dns_names.extend(ext.dns_names);
        }
    }
    Ok(Parsed {
        info: parts.tbs,
        signature_algorithm: parts.signature_algorithm,
        signature: parts.signature,
        spki,
        subject: info.subject,
        dns_names,
    })
}

/// The shape of a DER private key (PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC1 EC),
/// judged from the tags of its first two fields only.
fn looks_like_private_key(der: &[u8]) -> bool {
    let Ok(mut reader) = SliceReader::new(der) else {
        return false;
    };
    let tags = reader.sequence(|r| {
        let first: AnyRef<'_> = r.decode()?;
        let second: AnyRef<'_> = r.decode()?;
        while !r.is_finished() {
            let _: AnyRef<'_> = r.decode()?;
        }
        Ok::<_, der::Error>((first.tag(), second.tag()))
    });
    matches!(
        tags,
        Ok((
            Tag::Integer,
            Tag::Sequence | Tag::Integer | Tag::OctetString
        )) | Ok((Tag::Sequence, Tag::OctetString))
    )
}

const MAKE_CSR: &str = "Create a CSR from your private key, e.g. `openssl req -new -key client.key -out client.csr`, and give that file (-----BEGIN CERTIFICATE REQUEST-----).";

impl Validator {
    /// Checks a CSR (PEM or DER) against the policy: parse, self-signature, key policy,
    /// subject policy. Reports `csr.malformed` for anything that is not a CSR (naming a
    /// private key or certificate given instead), `csr.signature_invalid`, and the shared
    /// `key.*`, `subject.*` and `signature.*` codes.
    pub fn check_csr(&self, input: &[u8]) -> CsrReport {
        let mut findings = Findings::new(self.policy());
        let csr = self.check_csr_into(input, &mut findings);
        let Finished { findings, accepted } = findings.finish();
        CsrReport {
            accepted,
            findings,
            csr,
        }
    }

    fn check_csr_into(&self, input: &[u8], findings: &mut Findings<'_>) -> Option<CsrInfo> {
        const HINTS: crate::input::Hints = crate::input::Hints {
            too_large: "A CSR is a few kilobytes: give only the -----BEGIN CERTIFICATE REQUEST----- block.",
            empty: MAKE_CSR,
        };
        let input = crate::input::precheck(input, self.policy(), &HINTS, findings)?;
        let keys = key_material::scan(input);
        let der = if crate::input::contains(input, b"-----BEGIN") {
            self.csr_from_pem(input, &keys, findings)?
        } else {
            match parse(input) {
                Ok(_) => input.to_vec(),
                Err(e) => {
                    match keys.first() {
                        // Text holding a key's base64 (a binary key is named below).
                        Some(hit) if key_material::der_shape(input, true).is_none() => {
                            findings.add(
                                Code::CsrMalformed,
                                None,
                                format!(
                                    "the input holds a {} (line {}), not a CSR; its content is not shown",
                                    hit.shape.describe(),
                                    hit.line
                                ),
                                format!(
                                    "{MAKE_CSR} Never send the private key itself; it stays where it was generated."
                                ),
                            );
                        }
                        _ => not_a_csr_binary(input, &e, findings),
                    }
                    return None;
                }
            }
        };
        let parsed = match parse(&der) {
            Ok(p) => p,
            Err(e) => {
                findings.add(
                    Code::CsrMalformed,
                    None,
                    format!("the CSR is not a valid PKCS#10 request: {e}"),
                    format!("Create the CSR again. {MAKE_CSR}"),
                );
                return None;
            }
        };
        Some(self.check_parsed(&parsed, findings))
    }

    /// The DER of the PEM input's CSR block, or `None` after reporting why there is none.
    fn csr_from_pem(
        &self,
        input: &[u8],
        keys: &[key_material::Hit],
        findings: &mut Findings<'_>,
    ) -> Option<Vec<u8>> {
        let mut csrs = Vec::new();
        let mut key_label = None;
        let mut certificate = false;
        let mut others = Vec::new();
        let mut spans = Vec::new();
        for item in pem::split(input) {
            let pem::Item::Block(block) = item else {
                continue;
            };
            let label = block.label.as_str();
            let span = crate::input::span_in(input, block.raw);
            let key = crate::input::key_in_block(&block, span.clone(), keys);
            spans.extend(span);
            if let Some(shape) = key {
                // The content is never decoded or copied; the label is shown only when
                // valid, else the kind of key found.
                let what = if label::is_valid(label.as_bytes()) && label::names_private_key(label) {
                    label
                } else {
                    shape.describe()
                };
                key_label.get_or_insert_with(|| what.to_owned());
            } else if label == "CERTIFICATE REQUEST" || label == "NEW CERTIFICATE REQUEST" {
                csrs.push(block);
            } else if matches!(
                label,
                "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
            ) {
                certificate = true;
            } else {
                others.push(label::shown(label).to_owned());
            }
        }
        if key_label.is_none()
            && let Some(hit) = keys
                .iter()
                .find(|h| !spans.iter().any(|s| s.contains(&h.offset)))
        {
            // Key material outside every block (a body without its BEGIN line).
            key_label = Some(hit.shape.describe().to_owned());
        }
        let Some(block) = csrs.first() else {
            let (message, hint) = if let Some(label) = &key_label {
                (
                    format!(
                        "the input is a private key ({label}), not a CSR; its content is not shown"
                    ),
                    format!(
                        "{MAKE_CSR} Never send the private key itself; it stays where it was generated."
                    ),
                )
            } else if certificate {
                (
                    "the input is a certificate, not a CSR".to_owned(),
                    format!("A certificate is what a CA returns for a CSR. {MAKE_CSR}"),
                )
            } else if others.is_empty() {
                (
                    "the input holds no CERTIFICATE REQUEST block".to_owned(),
                    MAKE_CSR.to_owned(),
                )
            } else {
                (
                    format!(
                        "the input holds no CERTIFICATE REQUEST block, only {}",
                        others.join(", ")
                    ),
                    MAKE_CSR.to_owned(),
                )
            };
            findings.add(Code::CsrMalformed, None, message, hint);
            return None;
        };
        if let Some(label) = &key_label {
            findings.add(
                Code::PemPrivateKeyPresent,
                None,
                format!("the input also holds a private key ({label}); its content is not shown"),
                "Send only the CSR. A key that has left your systems should be treated as exposed: generate a new key and a new CSR.",
            );
        }
        if csrs.len() > 1 {
            findings.add(
                Code::CsrMalformed,
                None,
                format!(
                    "the input holds {} CSRs; only the first (lines {}-{}) was checked",
                    csrs.len(),
                    block.first_line,
                    block.last_line
                ),
                "Give one CSR per file.",
            );
        }
        if let Some(err) = &block.framing_error {
            findings.add(
                Code::CsrMalformed,
                None,
                format!("the CSR block is malformed: {err}"),
                "Copy the CSR again, from -----BEGIN CERTIFICATE REQUEST----- through -----END CERTIFICATE REQUEST-----.",
            );
            return None;
        }
        match pem::decode(block) {
            Ok(der) => Some(der),
            Err(err) => {
                findings.add(
                    Code::CsrMalformed,
                    None,
                    format!("the CSR block is malformed: {err}"),
                    "Copy the CSR again; the base64 between the BEGIN and END lines was damaged.",
                );
                None
            }
        }
    }

    fn check_parsed(&self, csr: &Parsed<'_>, findings: &mut Findings<'_>) -> CsrInfo {
        let policy = self.policy();
        let subject = if csr.subject.is_empty() {
            "<empty subject>".to_owned()
        } else {
            csr.subject.to_string()
        };
        let describe = format!("the CSR ({subject})");
        let algorithm = signature::algorithm_name(csr.signature_algorithm);

        let key = match SignerKey::from_spki(csr.spki) {
            Ok(signer) => {
                match signature::verify(csr.signature_algorithm, signer, csr.info, csr.signature) {
                    Ok(_) if signature::is_weak(csr.signature_algorithm) => findings.add(
                        Code::SignatureWeakAlgorithm,
                        None,
                        format!("{describe} is signed with {algorithm}, a broken hash algorithm"),
                        "Create the CSR again with SHA-256: `openssl req -new -sha256 -key client.key -out client.csr`.",
                    ),
                    Ok(_) => {}
                    Err(VerifyError::Invalid) => findings.add(
                        Code::CsrSignatureInvalid,
                        None,
                        format!("the signature of {describe} does not verify with its own public key: the request was altered or corrupted after it was signed"),
                        "Create the CSR again from your private key (`openssl req -new -key client.key -out client.csr`) and send the file unmodified.",
                    ),
                    Err(VerifyError::KeyMismatch { key, .. }) if !verifiable_key(signer.algorithm) => findings.add(
                        Code::SignatureUnsupportedAlgorithm,
                        None,
                        format!("{describe} has a {key} key, whose signatures cannot be verified here"),
                        Code::SignatureUnsupportedAlgorithm.default_hint().unwrap_or_default(),
                    ),
                    Err(VerifyError::KeyMismatch { algorithm, key }) => findings.add(
                        Code::CsrSignatureInvalid,
                        None,
                        format!("{describe} is signed with {algorithm}, which its {key} key cannot have made"),
                        "Create the CSR again from your private key with `openssl req -new`.",
                    ),
                    Err(VerifyError::UnsupportedAlgorithm(name)) => findings.add(
                        Code::SignatureUnsupportedAlgorithm,
                        None,
                        format!("{describe} is signed with {name}, which cannot be verified here"),
                        Code::SignatureUnsupportedAlgorithm.default_hint().unwrap_or_default(),
                    ),
                }
                PublicKey::from_spki_parts(signer.algorithm, signer.key)
            }
            Err(e) => {
                findings.add(
                    Code::CsrMalformed,
                    None,
                    format!("the public key of {describe} does not decode: {e}"),
                    format!("Create the CSR again. {MAKE_CSR}"),
                );
                PublicKey::Other("undecodable".to_owned())
            }
        };

        let key_hint = format!(
            "Generate a new key that meets the policy and create the CSR from it, e.g. {}.",
            crate::checks::keys::new_key_command(policy)
        );
        check_key(
            &key,
            &KeyHolder {
                index: None,
                describe: &describe,
                hint: &key_hint,
                malformed: (Code::CsrMalformed, "Create the CSR again from a valid key."),
            },
            policy,
            findings,
        );
        let target = Target {
            kind: Subject::Csr,
            index: None,
            describe: &describe,
        };
        check_subject(
            &policy.subject,
            &csr.subject,
            &csr.dns_names,
            &target,
            findings,
        );
        crate::checks::subject::defaults::check(&policy.subject, &csr.subject, &target, findings);
        CsrInfo {
            subject,
            key: key.to_string(),
            signature_algorithm: algorithm,
            dns_names: csr.dns_names.clone(),
        }
    }
}

/// Whether any supported algorithm verifies with this kind of key: a key of another
/// kind (secp256k1, Ed448, DSA) makes the signature unverifiable, not invalid.
fn verifiable_key(spki_algorithm: &[u8]) -> bool {
    signature::ALGORITHMS
        .iter()
        .any(|a| a.public_key_alg_id().as_ref() == spki_algorithm)
}

/// Reports binary input that is not a DER CSR, naming what it is.
fn not_a_csr_binary(input: &[u8], parse_error: &str, findings: &mut Findings<'_>) {
    let binary = input
        .iter()
        .any(|&b| b == 0 || b >= 0x80 || (b < 0x20 && !b.is_ascii_whitespace()));
    let (message, hint) = if !binary {
        (
            "the input is text without a -----BEGIN CERTIFICATE REQUEST----- block".to_owned(),
            MAKE_CSR.to_owned(),
        )
    } else {
        match sniff::classify_binary(input) {
            sniff::Binary::DerCertificate => (
                "the input is a binary DER certificate, not a CSR".to_owned(),
                format!("A certificate is what a CA returns for a CSR. {MAKE_CSR}"),
            ),
            sniff::Binary::Pkcs12 => (
                "the input is a PKCS#12 (.p12/.pfx) archive, not a CSR; it usually holds a private key, whose content is not shown".to_owned(),
                format!("{MAKE_CSR} Never send a .p12 file."),
            ),
            sniff::Binary::Pkcs7 => (
                "the input is a PKCS#7 bundle, not a CSR".to_owned(),
                MAKE_CSR.to_owned(),
            ),
            _ if looks_like_private_key(input) => (
                "the input is a DER private key, not a CSR; its content is not shown".to_owned(),
                format!("{MAKE_CSR} Never send the private key itself."),
            ),
            _ => (
                format!("the input is not a PKCS#10 certificate signing request: {parse_error}"),
                MAKE_CSR.to_owned(),
            ),
        }
    };
    findings.add(Code::CsrMalformed, None, message, hint);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_key_shapes() {
        // PKCS#1-like: SEQUENCE { INTEGER 0, INTEGER 5 }
        assert!(looks_like_private_key(&[
            0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x05
        ]));
        // SEC1-like: SEQUENCE { INTEGER 1, OCTET STRING }
        assert!(looks_like_private_key(&[
            0x30, 0x06, 0x02, 0x01, 0x01, 0x04, 0x01, 0xaa
        ]));
        // A CSR's shape: SEQUENCE { SEQUENCE, SEQUENCE, BIT STRING } is not.
        assert!(!looks_like_private_key(&[
            0x30, 0x08, 0x30, 0x00, 0x30, 0x00, 0x03, 0x02, 0x00, 0x00
        ]));
        assert!(!looks_like_private_key(b"garbage"));
    }
}
