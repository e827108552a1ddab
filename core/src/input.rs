//! Bytes in, certificates out: size and emptiness checks, binary sniffing, PEM blocks
//! classified, certificates parsed. Every problem becomes a finding; a private key's
//! content is never decoded, copied or echoed, whatever its shape (`key_material`), and
//! a block label appears in a message only once validated (`label`).

pub(crate) mod key_material;
pub(crate) mod label;
pub(crate) mod pem;
pub(crate) mod shapes;
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
    // Keys are looked for in the input as given (UTF-16, escaped, any shape) and in the
    // text the onboarding shapes were undone to, whose positions the blocks below have.
    let raw_keys = key_material::scan(input);
    let (text, unescaped) = shapes::normalize(input, findings);
    let input: &[u8] = &text;
    let keys = if matches!(text, std::borrow::Cow::Borrowed(_)) {
        raw_keys
    } else {
        let normalized = key_material::scan(input);
        if normalized.is_empty() && !raw_keys.is_empty() {
            // Found only before normalising: report it where the raw input had it.
            raw_keys
        } else {
            normalized
        }
    };
    if !keys.is_empty() {
        // Never cached: the cache would hold the analysis of an input with a key.
        findings.window = crate::time::Window::NEVER;
    }
    if !contains(input, b"-----BEGIN") {
        match key_material::der_shape(input, true) {
            // sniff names a PKCS#12 archive itself, with the command that converts it.
            Some(key_material::KeyShape::Pkcs12) => {}
            Some(shape) => findings.add(
                Code::PemPrivateKeyPresent,
                None,
                format!(
                    "the input is a DER {}; its content is not shown",
                    shape.describe()
                ),
                KEY_HINT,
            ),
            None => report_keys_outside_blocks(&keys, &[], findings),
        }
        sniff::report_non_pem(input, findings);
        return None;
    }
    if !unescaped {
        shapes::report_joined(input, findings);
    }

    let mut slots = Vec::new();
    let mut block_spans = Vec::new();
    let items = pem::split(input);
    shapes::report_indented(&items, findings);
    for item in items {
        match item {
            pem::Item::Text(t) => findings.add_at_lines(
                Code::PemExplanatoryText,
                None,
                Some((t.first_line, t.last_line)),
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
                "Keep only the -----BEGIN CERTIFICATE----- blocks; `chainvet fix FILE -o fixed.pem` does this.",
            ),
            pem::Item::Block(block) => {
                let span = span_in(input, block.raw);
                let key = key_in_block(&block, span.clone(), &keys);
                block_spans.extend(span);
                classify(&block, key, &mut slots, policy, findings)
            }
        }
    }
    report_keys_outside_blocks(&keys, &block_spans, findings);
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

/// Where `part` (a slice of `input`) lies in `input`, if it does.
pub(crate) fn span_in(input: &[u8], part: &[u8]) -> Option<core::ops::Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= input.len()).then_some(start..end)
}

/// Whether a block holds a private key, and what kind: by its label in any spelling,
/// or by the key material found inside it.
pub(crate) fn key_in_block(
    block: &pem::Block<'_>,
    span: Option<core::ops::Range<usize>>,
    keys: &[key_material::Hit],
) -> Option<key_material::KeyShape> {
    let found = match span {
        Some(span) => keys
            .iter()
            .filter(|h| span.contains(&h.offset))
            .map(|h| h.shape)
            .find(|&s| s != key_material::KeyShape::Labelled),
        // Not a slice of the input (a normalised copy): look at the block itself.
        None => key_material::scan(block.raw)
            .iter()
            .map(|h| h.shape)
            .find(|&s| s != key_material::KeyShape::Labelled),
    };
    match found {
        Some(shape) => Some(shape),
        None if label::names_private_key(&block.label) => Some(key_material::KeyShape::Labelled),
        None => None,
    }
}

/// The hint of every private-key finding.
pub(crate) const KEY_HINT: &str = "Remove the private key: the gateway needs only certificates; `chainvet fix FILE -o fixed.pem` does this. A key that has left your systems should be treated as exposed: generate a new key and have a new certificate issued.";

/// Key material outside every PEM block (a body pasted without its BEGIN line, a key
/// in JSON, a DER key): an error, located by line, never shown.
fn report_keys_outside_blocks(
    keys: &[key_material::Hit],
    blocks: &[core::ops::Range<usize>],
    findings: &mut Findings<'_>,
) {
    for hit in keys {
        if blocks.iter().any(|b| b.contains(&hit.offset)) {
            continue;
        }
        findings.add_at_lines(
            Code::PemPrivateKeyPresent,
            None,
            Some((hit.line, hit.line)),
            format!(
                "line {} holds a {} outside any PEM block; its content is not shown",
                hit.line,
                hit.shape.describe()
            ),
            KEY_HINT,
        );
    }
}

fn classify(
    block: &pem::Block<'_>,
    key: Option<key_material::KeyShape>,
    slots: &mut Vec<Slot>,
    policy: &Policy,
    findings: &mut Findings<'_>,
) {
    let label = block.label.as_str();
    let at = lines(block);
    let span = Some((block.first_line, block.last_line));
    if let Some(shape) = key {
        // The content is never decoded or copied; the label is shown only when it is a
        // valid label that names a key, else the kind of key found.
        let what = if label::is_valid(label.as_bytes()) && label::names_private_key(label) {
            label
        } else {
            shape.describe()
        };
        findings.add_at_lines(
            Code::PemPrivateKeyPresent,
            None,
            span,
            format!("the block at {at} is a private key ({what}); its content is not shown"),
            KEY_HINT,
        );
        return;
    }
    if label == "CERTIFICATE REQUEST" || label == "NEW CERTIFICATE REQUEST" {
        findings.add_at_lines(
            Code::PemCsrNotCertificate,
            None,
            span,
            format!("the block at {at} is a certificate signing request ({label}), not a certificate"),
            "Send the CSR to your CA and upload the certificate it issues (with its intermediates and root), not the CSR.",
        );
        return;
    }
    let trusted = label == shapes::TRUSTED_CERTIFICATE;
    if !trusted && !is_certificate_label(label) {
        findings.add_at_lines(
            Code::PemUnexpectedBlock,
            None,
            span,
            format!(
                "the block at {at} is {}, not a certificate; it is ignored",
                label::describe_block(label)
            ),
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
        findings.add_at_lines(
            Code::PemMalformed,
            Some(index),
            span,
            format!("certificate {} at {at} is malformed: {err}", index + 1),
            "Copy the certificate again from its source, from -----BEGIN CERTIFICATE----- through -----END CERTIFICATE-----.",
        );
        slots.push(Err(err.clone()));
        return;
    }
    match pem::decode(block) {
        Err(err) => {
            findings.add_at_lines(
                Code::PemMalformed,
                Some(index),
                span,
                format!("certificate {} at {at} is malformed: {err}", index + 1),
                "Copy the certificate again from its source; the base64 between the BEGIN and END lines was damaged.",
            );
            slots.push(Err(err));
        }
        Ok(der) => match (if trusted {
            shapes::strip_trust_settings(der)
        } else {
            Ok(der)
        })
        .and_then(|der| crate::certificate::cache::parse(der).map_err(|e| e.0))
        {
            Ok(cert) => {
                if trusted {
                    shapes::report_trusted(index, &at, findings);
                }
                slots.push(Ok(cert));
            }
            Err(err) => {
                findings.certificate_malformed(
                    index,
                    span,
                    &format_args!("certificate {} at {at}", index + 1),
                    &err,
                    Some("Check that this block really is a certificate; export it again from its source."),
                );
                slots.push(Err(err));
            }
        },
    }
}

fn unexpected_hint(label: &str) -> String {
    match label {
        "PKCS7" | "CMS" => "This is a PKCS#7 bundle: convert it with `openssl pkcs7 -in FILE -print_certs -out chain.pem` and upload the certificates.".into(),
        "PUBLIC KEY" | "RSA PUBLIC KEY" => "A bare public key cannot be verified: upload the certificate that contains it.".into(),
        "X509 CRL" => "A CRL does not belong in a certificate bundle: remove it. `chainvet fix FILE -o fixed.pem` does this.".into(),
        _ => "Remove this block; the bundle must hold only CERTIFICATE blocks. `chainvet fix FILE -o fixed.pem` does this.".into(),
    }
}

/// Whether DER certificates handed over one by one, `total` bytes together, stay within
/// `max_input_bytes` (the bound a PEM bundle gets); when not, records `input.too_large`.
pub(crate) fn der_within_limit(
    total: usize,
    policy: &Policy,
    findings: &mut Findings<'_>,
    hint: &str,
) -> bool {
    if policy.max_input_bytes == 0 || total <= policy.max_input_bytes {
        return true;
    }
    findings.add(
        Code::InputTooLarge,
        None,
        format!(
            "the certificates total {total} bytes, over the limit of {} bytes",
            policy.max_input_bytes
        ),
        hint.to_owned(),
    );
    false
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
    let total = certs.iter().map(|c| c.len()).sum();
    if !der_within_limit(total, policy, findings, "Pass only the certificate chain.") {
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
                let err = match crate::certificate::cache::parse(der.to_vec()) {
                    Ok(cert) => return Ok(cert),
                    Err(err) => err,
                };
                // Not a certificate: a DER key, or key text (PEM, base64) passed as one?
                let key = key_material::der_shape(der, true)
                    .or_else(|| key_material::scan(der).first().map(|h| h.shape));
                if let Some(shape) = key {
                    // Never cached, never shown.
                    findings.window = crate::time::Window::NEVER;
                    findings.add(
                        Code::PemPrivateKeyPresent,
                        Some(index),
                        format!(
                            "certificate {} is a {}, not a certificate; its content is not shown",
                            index + 1,
                            shape.describe()
                        ),
                        KEY_HINT,
                    );
                    return Err("a private key, not a certificate".to_owned());
                }
                findings.certificate_malformed(
                    index,
                    None,
                    &format_args!("certificate {index}"),
                    &err,
                    None,
                );
                Err(err.0)
            })
            .collect(),
    )
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    // Every input is searched this way on every validation: look for the first byte
    // with a plain scan and compare only there, not at every position.
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let mut at = 0;
    while let Some(p) = find_byte(&haystack[at..], first) {
        let start = at + p;
        if haystack[start + 1..].starts_with(rest) {
            return true;
        }
        at = start + 1;
    }
    false
}

/// The first position of `byte`: 32 bytes at a time (a test the compiler vectorises),
/// then the one chunk that holds it byte by byte.
pub(crate) fn find_byte(haystack: &[u8], byte: u8) -> Option<usize> {
    let mut at = 0;
    while at + 32 <= haystack.len()
        && !haystack[at..at + 32]
            .iter()
            .fold(false, |any, &b| any | (b == byte))
    {
        at += 32;
    }
    haystack[at..]
        .iter()
        .position(|&b| b == byte)
        .map(|p| at + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_agrees_with_a_window_search() {
        let mut x = 7u64;
        let hay: Vec<u8> = (0..3000)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                b"-\\nBEGIN"[(x >> 40) as usize % 8]
            })
            .collect();
        for needle in [
            &b"-----\\n"[..],
            b"--",
            b"BEGIN",
            b"\\n-",
            b"Z",
            b"-",
            b"NGEB",
        ] {
            for end in [0, 1, 31, 32, 33, 64, 100, 1000, 3000] {
                let naive = hay[..end].windows(needle.len()).any(|w| w == needle);
                assert_eq!(
                    contains(&hay[..end], needle),
                    naive,
                    "{needle:?} in {end} bytes"
                );
            }
        }
        assert_eq!(find_byte(&hay, b'Z'), None);
        assert_eq!(
            find_byte(b"0123456789abcdef0123456789abcdefX", b'X'),
            Some(32)
        );
    }
}
