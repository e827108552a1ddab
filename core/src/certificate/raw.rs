//! Borrowed views of the exact bytes inside a certificate that signatures and name
//! comparisons need. Signatures are checked over the bytes received, never over a
//! re-encoding, so that non-strict DER from real CAs verifies as its issuer signed it.

use der::asn1::BitStringRef;
use der::{Decode, Header, Reader, SliceReader, Tag, TagNumber};

/// The three parts of `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
/// signatureValue }`.
pub(crate) struct CertificateParts<'a> {
    /// tbsCertificate, tag and length included: the signed bytes.
    pub(crate) tbs: &'a [u8],
    /// The content octets of signatureAlgorithm (what webpki compares algorithm ids on).
    pub(crate) signature_algorithm: &'a [u8],
    /// The signature bits.
    pub(crate) signature: &'a [u8],
}

/// Splits a DER certificate; fails on trailing data or a signature with unused bits.
pub(crate) fn split_certificate(der: &[u8]) -> der::Result<CertificateParts<'_>> {
    let mut reader = SliceReader::new(der)?;
    let parts = reader.sequence(|r| {
        let tbs = r.tlv_bytes()?;
        let signature_algorithm = value_of(r.tlv_bytes()?)?;
        let bits: BitStringRef<'_> = r.decode()?;
        let signature = bits.as_bytes().ok_or_else(|| {
            der::Error::from(der::ErrorKind::Noncanonical {
                tag: Tag::BitString,
            })
        })?;
        Ok::<_, der::Error>(CertificateParts {
            tbs,
            signature_algorithm,
            signature,
        })
    })?;
    reader.finish()?;
    Ok(parts)
}

/// The raw name and key fields of a tbsCertificate.
pub(crate) struct TbsParts<'a> {
    /// The content octets of tbsCertificate.signature (the algorithm identifier).
    pub(crate) signature_algorithm: &'a [u8],
    /// The content octets of the issuer Name.
    pub(crate) issuer: &'a [u8],
    /// The content octets of the subject Name.
    pub(crate) subject: &'a [u8],
    /// subjectPublicKeyInfo, tag and length included.
    pub(crate) spki: &'a [u8],
}

/// Picks the issuer, subject and SPKI out of a tbsCertificate TLV.
pub(crate) fn split_tbs(tbs: &[u8]) -> der::Result<TbsParts<'_>> {
    let mut reader = SliceReader::new(tbs)?;
    reader.sequence(|r| {
        // version [0] EXPLICIT, optional
        if matches!(
            Tag::peek(r)?,
            Tag::ContextSpecific {
                number: TagNumber(0),
                ..
            }
        ) {
            r.tlv_bytes()?;
        }
        r.tlv_bytes()?; // serialNumber
        let signature_algorithm = value_of(r.tlv_bytes()?)?;
        let issuer = value_of(r.tlv_bytes()?)?;
        r.tlv_bytes()?; // validity
        let subject = value_of(r.tlv_bytes()?)?;
        let spki = r.tlv_bytes()?;
        // issuerUniqueID, subjectUniqueID, extensions: decoded by x509-cert.
        while !r.is_finished() {
            r.tlv_bytes()?;
        }
        Ok::<_, der::Error>(TbsParts {
            signature_algorithm,
            issuer,
            subject,
            spki,
        })
    })
}

/// The parts of a SubjectPublicKeyInfo.
pub(crate) struct SpkiParts<'a> {
    /// The content octets of the algorithm identifier.
    pub(crate) algorithm: &'a [u8],
    /// The subjectPublicKey bits.
    pub(crate) public_key: &'a [u8],
}

/// Splits a SubjectPublicKeyInfo TLV.
pub(crate) fn split_spki(spki: &[u8]) -> der::Result<SpkiParts<'_>> {
    let mut reader = SliceReader::new(spki)?;
    let parts = reader.sequence(|r| {
        let algorithm = value_of(r.tlv_bytes()?)?;
        let bits: BitStringRef<'_> = r.decode()?;
        let public_key = bits.as_bytes().ok_or_else(|| {
            der::Error::from(der::ErrorKind::Noncanonical {
                tag: Tag::BitString,
            })
        })?;
        Ok::<_, der::Error>(SpkiParts {
            algorithm,
            public_key,
        })
    })?;
    reader.finish()?;
    Ok(parts)
}

/// The content octets of one complete TLV.
pub(crate) fn value_of(tlv: &[u8]) -> der::Result<&[u8]> {
    let mut reader = SliceReader::new(tlv)?;
    let header = Header::decode(&mut reader)?;
    let value = reader.read_slice(header.length())?;
    reader.finish()?;
    Ok(value)
}
