//! Tells binary DER, PKCS#12 and PKCS#7 apart from text without PEM blocks, so the
//! finding can give the exact `openssl` command that converts the file.

use const_oid::ObjectIdentifier;
use der::asn1::AnyRef;
use der::{Decode, Reader, SliceReader, Tag, Tagged};

use crate::certificate::Certificate;
use crate::code::Code;
use crate::findings::Findings;

const PKCS7_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const PKCS7_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");

/// What a binary input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binary {
    DerCertificate,
    Pkcs12,
    Pkcs7,
    DerOther,
    Unknown,
}

pub(crate) fn classify_binary(input: &[u8]) -> Binary {
    if Certificate::from_der(input.to_vec()).is_ok() {
        return Binary::DerCertificate;
    }
    // PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData OPTIONAL }
    // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }
    let shape = SliceReader::new(input).ok().and_then(|mut r| {
        r.sequence(|r| {
            let first: AnyRef<'_> = r.decode()?;
            let second: Option<AnyRef<'_>> = if r.is_finished() {
                None
            } else {
                Some(r.decode()?)
            };
            while !r.is_finished() {
                let _: AnyRef<'_> = r.decode()?;
            }
            Ok::<_, der::Error>((first, second))
        })
        .ok()
    });
    match shape {
        Some((first, Some(second)))
            if first.tag() == Tag::Integer && second.tag() == Tag::Sequence =>
        {
            let content_type = SliceReader::new(second.value())
                .ok()
                .and_then(|mut r| ObjectIdentifier::decode(&mut r).ok());
            if first.value() == [3] && content_type == Some(PKCS7_DATA) {
                Binary::Pkcs12
            } else {
                Binary::DerOther
            }
        }
        Some((first, _)) if first.tag() == Tag::ObjectIdentifier => {
            match ObjectIdentifier::from_bytes(first.value()) {
                Ok(PKCS7_SIGNED_DATA) => Binary::Pkcs7,
                _ => Binary::DerOther,
            }
        }
        Some(_) => Binary::DerOther,
        None => Binary::Unknown,
    }
}

fn looks_binary(input: &[u8]) -> bool {
    input.first() == Some(&0x30)
        || input
            .iter()
            .any(|&b| b == 0 || (b < 0x20 && !b.is_ascii_whitespace()) || b == 0x7f)
        || std::str::from_utf8(input).is_err()
}

fn looks_like_bare_base64(input: &[u8]) -> bool {
    let mut n = 0usize;
    for &b in input {
        if b.is_ascii_whitespace() {
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=') {
            return false;
        }
        n += 1;
    }
    n >= 64
}

/// Reports why an input without any `-----BEGIN` line cannot be read.
pub(crate) fn report_non_pem(input: &[u8], findings: &mut Findings<'_>) {
    if looks_binary(input) {
        let (what, hint) = match classify_binary(input) {
            Binary::DerCertificate => (
                "a binary DER certificate",
                "Convert it to PEM: `openssl x509 -inform DER -in FILE -out cert.pem`, then add its intermediates and root.",
            ),
            Binary::Pkcs12 => (
                "a PKCS#12 (.p12/.pfx) archive, which usually also holds the private key",
                "Extract only the certificates: `openssl pkcs12 -in FILE -nokeys -out chain.pem` (add `-legacy` for the RC2-40 files Windows and older Java export, when OpenSSL 3 says `unsupported`), order them leaf first, and never upload the .p12 itself.",
            ),
            Binary::Pkcs7 => (
                "a binary PKCS#7 (.p7b) bundle",
                "Convert it: `openssl pkcs7 -inform DER -in FILE -print_certs -out chain.pem`.",
            ),
            Binary::DerOther => (
                "binary DER data that is not a certificate",
                "Upload the certificate chain as PEM text (-----BEGIN CERTIFICATE----- blocks).",
            ),
            Binary::Unknown => (
                "binary data",
                "Upload the certificate chain as PEM text (-----BEGIN CERTIFICATE----- blocks).",
            ),
        };
        findings.add(
            Code::InputNotPem,
            None,
            format!("the input is {what}, not PEM text"),
            hint,
        );
    } else if looks_like_bare_base64(input) {
        findings.add(
            Code::PemNoCertificate,
            None,
            "the input is base64 text without -----BEGIN CERTIFICATE----- / -----END CERTIFICATE----- lines",
            "Put each certificate between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- lines, or export it again as PEM.",
        );
    } else {
        findings.add(
            Code::PemNoCertificate,
            None,
            "the input is text without any PEM block",
            "Upload the certificate chain as PEM: blocks starting with -----BEGIN CERTIFICATE-----.",
        );
    }
}
