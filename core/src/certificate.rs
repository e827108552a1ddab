//! One parsed certificate: names, serial, validity, key and the extensions the checks read.

pub(crate) mod cache;
mod extensions;
mod name;
pub(crate) mod name_match;
mod name_syntax;
mod public_key;
mod serial;

pub(crate) use name_syntax::{is_mailbox, is_preferred_dns_syntax};
pub(crate) use serial::{canonical_serial, serial_display};

use core::ops::Range;
use std::sync::{Arc, OnceLock};

use der::Decode;
use x509_cert::certificate::{Raw, TbsCertificateInner};
use x509_cert::name::Name;

pub use extensions::Extensions;
pub(crate) use public_key::decode_algorithm;
pub use public_key::{Curve, KeyAlgorithm, PublicKey};

use crate::time::Timestamp;

/// Most extensions a certificate may carry. RFC 5280 defines 17 certificate extensions and
/// real certificates carry about 10; the bound keeps the duplicate-extension checks
/// (quadratic in the count) cheap on a hostile certificate that packs a megabyte with
/// tiny extensions.
pub const MAX_EXTENSIONS: usize = 100;

/// Longest subject, in characters, that a message shows when it names a certificate
/// (`describe`); a longer one is cut and ends in an ellipsis. Real subjects are under
/// 200 characters; a hostile one may be as long as the input.
pub const MAX_DN_CHARS: usize = 256;

/// A certificate decoded once, with byte ranges into its DER for the parts that are
/// compared or verified as received. Names are kept as DER and decoded into x509-cert
/// `Name`s only when asked for (`subject()`, `issuer()`, `common_name()`).
#[derive(Debug, Clone)]
pub struct Certificate {
    /// Shared by clones: a certificate is immutable once parsed, and it is copied into
    /// every path, report and cache that holds it (a CA's on every validation), so a
    /// clone is a reference count, and text one clone renders serves them all.
    inner: Arc<Inner>,
}

/// What a `Certificate` holds.
#[derive(Debug)]
struct Inner {
    der: Vec<u8>,
    tbs: Range<usize>,
    signature_algorithm: Range<usize>,
    signature: Range<usize>,
    issuer_tlv: Range<usize>,
    issuer_raw: Range<usize>,
    subject_tlv: Range<usize>,
    subject_raw: Range<usize>,
    spki: Range<usize>,
    spki_algorithm: Range<usize>,
    public_key_bits: Range<usize>,
    subject: OnceLock<Name>,
    issuer: OnceLock<Name>,
    /// The subject as RFC 4514 text, made on first use: every message names the
    /// certificate by it (`describe`), some on every validation.
    subject_text: OnceLock<String>,
    /// The report's text about this certificate, rendered on first use and carried by
    /// clones: a trust anchor's is rendered once for every validation that names it.
    rendered: OnceLock<Rendered>,
    serial: Range<usize>,
    version: u8,
    not_before: Timestamp,
    not_after: Timestamp,
    extensions: Extensions,
    public_key: PublicKey,
    sha256: [u8; 32],
}

/// The text a report shows about a certificate (besides its subject, `subject_string`),
/// rendered once per certificate.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    /// The issuer DN as RFC 4514 text.
    pub(crate) issuer: String,
    /// `serial_hex()`.
    pub(crate) serial: String,
    /// notBefore, RFC 3339.
    pub(crate) not_before: String,
    /// notAfter, RFC 3339.
    pub(crate) not_after: String,
    /// SHA-256 of the DER, lowercase hex.
    pub(crate) sha256: String,
    /// SHA-256 of the SubjectPublicKeyInfo, lowercase hex.
    pub(crate) spki_sha256: String,
    /// The key, e.g. `EC P-256`.
    pub(crate) key: String,
}

/// Why bytes are not a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedCertificate(pub String);

impl core::fmt::Display for MalformedCertificate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MalformedCertificate {}

fn range_in(outer: &[u8], inner: &[u8]) -> Range<usize> {
    // `inner` was borrowed out of `outer` by the DER reader, so the address difference
    // is its offset.
    let start = (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize);
    start..start + inner.len()
}

impl Certificate {
    /// Parses a DER certificate. Lenient where real CAs are (serials over 20 bytes,
    /// time encodings), strict about structure and trailing data. x509-cert is the
    /// judge of what is well-formed; the plain shape nearly every certificate has is read
    /// in one borrowed pass that accepts only what x509-cert accepts (see
    /// `crate::der::read_tbs`), everything else is decoded by x509-cert first.
    pub fn from_der(der: Vec<u8>) -> Result<Certificate, MalformedCertificate> {
        let bad = |what: &str, e: der::Error| MalformedCertificate(format!("{what}: {e}"));
        let parts =
            crate::der::split_certificate(&der).map_err(|e| bad("not a DER certificate", e))?;
        let tbs = match crate::der::read_tbs(parts.tbs, crate::der::Shape::Plain) {
            Ok(Some(tbs)) => tbs,
            _ => {
                if let Err(e) = TbsCertificateInner::<Raw>::from_der(parts.tbs) {
                    let judged = crate::der::pre_epoch_validity_shifted(parts.tbs)
                        .is_some_and(|copy| TbsCertificateInner::<Raw>::from_der(&copy).is_ok());
                    if !judged {
                        return Err(bad("bad tbsCertificate", e));
                    }
                }
                crate::der::read_tbs(parts.tbs, crate::der::Shape::Any)
                    .and_then(|t| t.ok_or_else(|| der::Tag::Sequence.value_error().into()))
                    .map_err(|e| bad("bad tbsCertificate", e))?
            }
        };
        if tbs.signature_algorithm != parts.signature_algorithm {
            // RFC 5280 4.1.1.2: the outer algorithm is not signed, so it must repeat the
            // signed one exactly.
            return Err(MalformedCertificate(
                "signatureAlgorithm differs from the signed tbsCertificate.signature (RFC 5280 4.1.1.2)".to_owned(),
            ));
        }
        let spki_parts =
            crate::der::split_spki(tbs.spki).map_err(|e| bad("bad subjectPublicKeyInfo", e))?;
        let issuer_raw = crate::der::value_of(tbs.issuer).map_err(|e| bad("bad issuer", e))?;
        let subject_raw = crate::der::value_of(tbs.subject).map_err(|e| bad("bad subject", e))?;
        if tbs.extensions.len() > MAX_EXTENSIONS {
            return Err(MalformedCertificate(format!(
                "{} extensions, more than the {MAX_EXTENSIONS} chainvet reads",
                tbs.extensions.len()
            )));
        }
        let extensions = Extensions::decode(&tbs.extensions);
        let public_key = PublicKey::from_spki_parts(spki_parts.algorithm, spki_parts.public_key);
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &der);
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(digest.as_ref());

        Ok(Certificate {
            inner: Arc::new(Inner {
                tbs: range_in(&der, parts.tbs),
                signature_algorithm: range_in(&der, parts.signature_algorithm),
                signature: range_in(&der, parts.signature),
                issuer_tlv: range_in(&der, tbs.issuer),
                issuer_raw: range_in(&der, issuer_raw),
                subject_tlv: range_in(&der, tbs.subject),
                subject_raw: range_in(&der, subject_raw),
                spki: range_in(&der, tbs.spki),
                spki_algorithm: range_in(&der, spki_parts.algorithm),
                public_key_bits: range_in(&der, spki_parts.public_key),
                subject: OnceLock::new(),
                issuer: OnceLock::new(),
                subject_text: OnceLock::new(),
                rendered: OnceLock::new(),
                serial: range_in(&der, tbs.serial),
                version: tbs.version,
                not_before: Timestamp(tbs.not_before),
                not_after: Timestamp(tbs.not_after),
                extensions,
                public_key,
                sha256,
                der,
            }),
        })
    }

    /// The DER encoding, as received.
    pub fn der(&self) -> &[u8] {
        &self.inner.der
    }

    /// The signed bytes (tbsCertificate, tag and length included).
    pub fn tbs(&self) -> &[u8] {
        &self.inner.der[self.inner.tbs.clone()]
    }

    /// Content octets of the certificate's signatureAlgorithm.
    pub fn signature_algorithm_id(&self) -> &[u8] {
        &self.inner.der[self.inner.signature_algorithm.clone()]
    }

    /// The signature bits.
    pub fn signature(&self) -> &[u8] {
        &self.inner.der[self.inner.signature.clone()]
    }

    /// Content octets of the issuer Name, for exact comparison.
    pub fn issuer_raw(&self) -> &[u8] {
        &self.inner.der[self.inner.issuer_raw.clone()]
    }

    /// Content octets of the subject Name, for exact comparison.
    pub fn subject_raw(&self) -> &[u8] {
        &self.inner.der[self.inner.subject_raw.clone()]
    }

    /// The SubjectPublicKeyInfo, tag and length included.
    pub fn spki(&self) -> &[u8] {
        &self.inner.der[self.inner.spki.clone()]
    }

    /// Content octets of the SPKI's algorithm identifier.
    pub fn spki_algorithm_id(&self) -> &[u8] {
        &self.inner.der[self.inner.spki_algorithm.clone()]
    }

    /// The subjectPublicKey bits.
    pub fn public_key_bits(&self) -> &[u8] {
        &self.inner.der[self.inner.public_key_bits.clone()]
    }

    /// The subject DN.
    pub fn subject(&self) -> &Name {
        self.inner
            .subject
            .get_or_init(|| decode_name(&self.inner.der[self.inner.subject_tlv.clone()]))
    }

    /// The issuer DN.
    pub fn issuer(&self) -> &Name {
        self.inner
            .issuer
            .get_or_init(|| decode_name(&self.inner.der[self.inner.issuer_tlv.clone()]))
    }

    /// The subject DN as an RFC 4514 string (`<empty subject>` when empty).
    pub fn subject_string(&self) -> String {
        self.subject_text().to_owned()
    }

    fn subject_text(&self) -> &str {
        self.inner.subject_text.get_or_init(|| {
            name::raw_to_rfc4514(self.subject_raw(), "<empty subject>")
                .unwrap_or_else(|| name::to_rfc4514(self.subject(), "<empty subject>"))
        })
    }

    /// The issuer DN as an RFC 4514 string.
    pub fn issuer_string(&self) -> String {
        name::raw_to_rfc4514(self.issuer_raw(), "<empty issuer>")
            .unwrap_or_else(|| name::to_rfc4514(self.issuer(), "<empty issuer>"))
    }

    /// The report's text about this certificate, rendered on first use.
    pub(crate) fn rendered(&self) -> &Rendered {
        self.inner.rendered.get_or_init(|| {
            let spki = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, self.spki());
            Rendered {
                issuer: self.issuer_string(),
                serial: self.serial_hex(),
                not_before: self.inner.not_before.to_rfc3339(),
                not_after: self.inner.not_after.to_rfc3339(),
                sha256: self.sha256_hex(),
                spki_sha256: hex::encode(spki.as_ref()),
                key: self.inner.public_key.to_string(),
            }
        })
    }

    /// Renders now what `describe` and the report show, so that clones (a trust
    /// store's anchors, handed out on every validation) carry it.
    pub(crate) fn render_text(&self) {
        self.subject_text();
        self.rendered();
    }

    /// The subject's first commonName, if any.
    pub fn common_name(&self) -> Option<String> {
        self.subject()
            .common_name()
            .ok()
            .flatten()
            .map(|cn| cn.value().into_owned())
    }

    /// The serial number's DER content octets, as encoded.
    pub fn serial_bytes(&self) -> &[u8] {
        &self.inner.der[self.inner.serial.clone()]
    }

    /// The serial number as lowercase hex without a leading sign byte, e.g. `0a1b`; a
    /// negative serial (RFC 5280 forbids them, some CAs issued them) as its signed value,
    /// as OpenSSL prints it: `-04316693ed` for content `fb ce 99 6c 13`.
    pub fn serial_hex(&self) -> String {
        if self.serial_is_negative() {
            return serial_display(self.serial_bytes());
        }
        serial_hex(self.serial_bytes())
    }

    /// Whether the serial number is negative (its first content octet has the top bit).
    pub fn serial_is_negative(&self) -> bool {
        self.serial_bytes().first().is_some_and(|b| b & 0x80 != 0)
    }

    /// X.509 version (1, 2 or 3).
    pub fn version(&self) -> u8 {
        self.inner.version
    }

    /// notBefore.
    pub fn not_before(&self) -> Timestamp {
        self.inner.not_before
    }

    /// notAfter.
    pub fn not_after(&self) -> Timestamp {
        self.inner.not_after
    }

    /// The decoded extensions.
    pub fn extensions(&self) -> &Extensions {
        &self.inner.extensions
    }

    /// The subject public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.inner.public_key
    }

    /// SHA-256 of the DER.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.inner.sha256
    }

    /// SHA-256 of the DER as lowercase hex.
    pub fn sha256_hex(&self) -> String {
        hex::encode(self.inner.sha256)
    }

    /// Issuer and subject are the same name.
    pub fn is_self_issued(&self) -> bool {
        self.issuer_raw() == self.subject_raw()
    }

    /// basicConstraints cA=TRUE.
    pub fn is_ca(&self) -> bool {
        self.inner.extensions.is_ca()
    }

    /// `certificate 3 (CN=Example Root)`: how messages name the certificate at 0-based
    /// `index`. Text counts positions from 1, as people do; the `certificate` index of
    /// findings and reports (JSON, C, Python) stays 0-based. A subject longer than
    /// `MAX_DN_CHARS` characters is cut, ending in an ellipsis.
    pub fn describe(&self, index: usize) -> String {
        format!(
            "certificate {} ({})",
            index + 1,
            crate::text::ellipsize(self.subject_text(), MAX_DN_CHARS)
        )
    }
}

/// A Name that parsing already checked decodes (by the plain-shape reader or by
/// x509-cert itself).
fn decode_name(tlv: &[u8]) -> Name {
    Name::from_der(tlv).unwrap_or_default()
}

/// Lowercase hex of a serial's content octets, without the sign byte DER adds to
/// positive numbers whose top bit is set.
pub fn serial_hex(content: &[u8]) -> String {
    let trimmed = match content {
        [0, rest @ ..] if !rest.is_empty() => rest,
        other => other,
    };
    hex::encode(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_hex_drops_only_the_sign_byte() {
        assert_eq!(serial_hex(&[0x00, 0x80, 0x01]), "8001");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[0x0a, 0x00]), "0a00");
        assert_eq!(serial_hex(&[0x00, 0x00, 0x01]), "0001");
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for bytes in [
            &b""[..],
            b"\x30",
            b"\x30\x03\x02\x01\x01",
            b"\x30\x80\x00\x00",
        ] {
            assert!(Certificate::from_der(bytes.to_vec()).is_err());
        }
    }
}
