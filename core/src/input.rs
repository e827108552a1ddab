//! Bytes in, certificates out: size and emptiness checks, binary sniffing, PEM blocks
//! classified, certificates parsed. Every problem becomes a finding; a private key's
//! content is never decoded, copied or echoed.

pub(crate) mod pem;
pub(crate) mod sniff;

use crate::certificate::Certificate;
use crate::code::Code;
use crate::findings::Findings;
use crate::policy::Policy;

/// One certificate of the input: parsed, or why not.
pub(crate) type Slot = Result<Certificate, String>;

pub(crate) const BOM: &[u8] = b"\xef\xbb\xbf";

/// What to tell the user when an input is too large or empty, per kind of input.
pub(crate) struct Hints {
    pub(crate) too_large: &'static str,
    pub(crate) empty: &'static str,
}

const BUNDLE_HINTS: Hints = Hints {
    too_large: "Send only the certificate chain (leaf, intermediates, root) as PEM; a chain is a few kilobytes.",
    empty: "Upload the PEM file holding the leaf certificate, then its intermediates, then the root.",
};

/// The checks every text input goes through first: the size limit, a UTF-8 byte-order
/// mark, emptiness. Returns the input without its BOM, or `None` after reporting why
/// there is nothing to work with.
pub(crate) fn precheck<'a>(
    input: &'a [u8],
    policy: &Policy,
    hints: &Hints,
    findings: &mut Findings<'_>,
) -> Option<&'a [u8]> {
    if policy.max_input_bytes > 0 && input.len() > policy.max_input_bytes {
        findings.add(
            Code::InputTooLarge,
            None,
            format!(
                "the input is {} bytes, over the limit of {} bytes",
                input.len(),
                policy.max_input_bytes
            ),
            hints.too_large,
        );
        return None;
    }
    let input = input.strip_prefix(BOM).unwrap_or(input);
    if input.iter().all(u8::is_ascii_whitespace) {
        findings.add(Code::InputEmpty, None, "the input is empty", hints.empty);
        return None;
    }
    Some(input)
}

/// Reads a PEM bundle. Returns `None` when there is nothing to work with (the findings
/// say why), else every certificate block in order.
pub(crate) fn read_pem(
    input: &[u8],
    policy: &Policy,
    findings: &mut Findings<'_>,
) -> Option<Vec<Slot>> {
    let input = precheck(input, policy, &BUNDLE_HINTS, findings)?;
    if !contains(input, b"-----BEGIN") {
        sniff::report_non_pem(input, findings);
        return None;
    }

    let mut slots = Vec::new();
    for item in pem::split(input) {
        match item {
            pem::Item::Text(t) => findings.add(
                Code::PemExplanatoryText,
                None,
                if t.first_line == t.last_line {
                    format!(
                        "line {} is text outside any PEM block; it is ignored",
                        t.first_line
                    )
                } else {
                    format!(
                        "lines {}-{} are text outside any PEM block; they are ignored",
                        t.first_line, t.last_line
                    )
                },
                "Keep only the -----BEGIN CERTIFICATE----- blocks (`chainvet fix` does this).",
            ),
            pem::Item::Block(block) => classify(&block, &mut slots, policy, findings),
        }
    }
    if slots.is_empty() {
        if !findings.has(Code::PemCsrNotCertificate) {
            findings.add(
                Code::PemNoCertificate,
                None,
                "the input holds no CERTIFICATE block",
                "Upload the signed certificate chain as PEM: blocks starting with -----BEGIN CERTIFICATE-----.",
            );
        }
        return None;
    }
    Some(slots)
}

fn lines(block: &pem::Block<'_>) -> String {
    if block.first_line == block.last_line {
        format!("line {}", block.first_line)
    } else {
        format!("lines {}-{}", block.first_line, block.last_line)
    }
}

pub(crate) fn is_certificate_label(label: &str) -> bool {
    // RFC 7468 section 5.1: parsers may accept the legacy labels too.
    matches!(
        label,
        "CERTIFICATE" | "X509 CERTIFICATE" | "X.509 CERTIFICATE"
    )
}

fn classify(
    block: &pem::Block<'_>,
    slots: &mut Vec<Slot>,
    policy: &Policy,
    findings: &mut Findings<'_>,
) {
    let label = block.label.as_str();
    let at = lines(block);
    if label.contains("PRIVATE KEY") {
        // Recognised by label alone: the content is never decoded or copied, and the
        // analysis is not cached, since the cache keeps the input bytes as its key.
        findings.window = crate::time::Window::NEVER;
        findings.add(
            Code::PemPrivateKeyPresent,
            None,
            format!("the block at {at} is a private key ({label}); its content is not shown"),
            "Remove the private key: the gateway needs only certificates. A key that has left your systems should be treated as exposed: generate a new key and have a new certificate issued.",
        );
        return;
    }
    if label == "CERTIFICATE REQUEST" || label == "NEW CERTIFICATE REQUEST" {
        findings.add(
            Code::PemCsrNotCertificate,
            None,
            format!("the block at {at} is a certificate signing request ({label}), not a certificate"),
            "Send the CSR to your CA and upload the certificate it issues (with its intermediates and root), not the CSR.",
        );
        return;
    }
    if !is_certificate_label(label) {
        findings.add(
            Code::PemUnexpectedBlock,
            None,
            format!("the block at {at} is a {label} block, not a certificate; it is ignored"),
            unexpected_hint(label),
        );
        return;
    }

    let index = slots.len();
    if slots.len() > policy.max_certificates.max(1) {
        // Past the limit, count but do not parse: chain.too_long is reported by the caller.
        slots.push(Err("not parsed: over the certificate limit".to_owned()));
        return;
    }
    if let Some(err) = &block.framing_error {
        findings.add(
            Code::PemMalformed,
            Some(index),
            format!("certificate {index} at {at} is malformed: {err}"),
            "Copy the certificate again from its source, from -----BEGIN CERTIFICATE----- through -----END CERTIFICATE-----.",
        );
        slots.push(Err(err.clone()));
        return;
    }
    match pem::decode(block) {
        Err(err) => {
            findings.add(
                Code::PemMalformed,
                Some(index),
                format!("certificate {index} at {at} is malformed: {err}"),
                "Copy the certificate again from its source; the base64 between the BEGIN and END lines was damaged.",
            );
            slots.push(Err(err));
        }
        Ok(der) => match Certificate::from_der(der) {
            Ok(cert) => slots.push(Ok(cert)),
            Err(err) => {
                findings.add(
                    Code::CertificateMalformed,
                    Some(index),
                    format!("certificate {index} at {at} is not a valid X.509 certificate: {err}"),
                    "Check that this block really is a certificate; export it again from its source.",
                );
                slots.push(Err(err.0));
            }
        },
    }
}

fn unexpected_hint(label: &str) -> String {
    match label {
        "PKCS7" | "CMS" => "This is a PKCS#7 bundle: convert it with `openssl pkcs7 -in FILE -print_certs -out chain.pem` and upload the certificates.".into(),
        "TRUSTED CERTIFICATE" => "This is OpenSSL's trusted-certificate format: convert it with `openssl x509 -in FILE -out cert.pem`.".into(),
        "PUBLIC KEY" | "RSA PUBLIC KEY" => "A bare public key cannot be verified: upload the certificate that contains it.".into(),
        "X509 CRL" => "A CRL does not belong in a certificate bundle: remove it.".into(),
        _ => "Remove this block; the bundle must hold only CERTIFICATE blocks.".into(),
    }
}

/// Parses a list of DER certificates (e.g. as a TLS stack hands the peer chain over).
pub(crate) fn read_der_list(
    certs: &[&[u8]],
    policy: &Policy,
    findings: &mut Findings<'_>,
) -> Option<Vec<Slot>> {
    if certs.is_empty() {
        findings.add(
            Code::InputEmpty,
            None,
            "no certificate was given",
            "Pass the peer's certificate chain, leaf first.",
        );
        return None;
    }
    let total: usize = certs.iter().map(|c| c.len()).sum();
    if policy.max_input_bytes > 0 && total > policy.max_input_bytes {
        findings.add(
            Code::InputTooLarge,
            None,
            format!(
                "the certificates total {total} bytes, over the limit of {} bytes",
                policy.max_input_bytes
            ),
            "Pass only the certificate chain.",
        );
        return None;
    }
    let limit = policy.max_certificates.max(1) + 1;
    Some(
        certs
            .iter()
            .enumerate()
            .map(|(index, der)| {
                if index >= limit {
                    return Err("not parsed: over the certificate limit".to_owned());
                }
                Certificate::from_der(der.to_vec()).map_err(|err| {
                    findings.add(
                        Code::CertificateMalformed,
                        Some(index),
                        format!("certificate {index} is not a valid X.509 certificate: {err}"),
                        "Check what the peer sent; it is not DER X.509.",
                    );
                    err.0
                })
            })
            .collect(),
    )
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
