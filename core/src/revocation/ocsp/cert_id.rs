//! CertID (RFC 6960 4.1.1): how OCSP names a certificate, by hashes of its issuer's name
//! and key plus its serial number.

use aws_lc_rs::digest;
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912::{ID_SHA_1, ID_SHA_256, ID_SHA_384, ID_SHA_512};
use der::asn1::{Int, Null, OctetString};
use der::{Encode, Header, Length, Tag};
use spki::AlgorithmIdentifierOwned;

use super::asn1::CertId;
use crate::certificate::Certificate;
use crate::policy::revocation::CertIdHash;

fn digest_for(oid: &ObjectIdentifier) -> Option<&'static digest::Algorithm> {
    match *oid {
        ID_SHA_1 => Some(&digest::SHA1_FOR_LEGACY_USE_ONLY),
        ID_SHA_256 => Some(&digest::SHA256),
        ID_SHA_384 => Some(&digest::SHA384),
        ID_SHA_512 => Some(&digest::SHA512),
        _ => None,
    }
}

/// The DER of a Name whose content octets are `content` (certificates keep the content;
/// issuerNameHash is over the whole TLV).
fn name_tlv(content: &[u8]) -> Option<Vec<u8>> {
    let header = Header::new(Tag::Sequence, Length::try_from(content.len()).ok()?);
    let mut out = header.to_der().ok()?;
    out.extend_from_slice(content);
    Some(out)
}

/// The CertID of `cert`, issued by `issuer`, with the given hash.
pub(super) fn build(
    cert: &Certificate,
    issuer: &Certificate,
    hash: CertIdHash,
) -> Result<CertId, String> {
    let (oid, alg) = match hash {
        CertIdHash::Sha1 => (ID_SHA_1, &digest::SHA1_FOR_LEGACY_USE_ONLY),
        CertIdHash::Sha256 => (ID_SHA_256, &digest::SHA256),
    };
    let name = name_tlv(cert.issuer_raw()).ok_or("the issuer name is too long")?;
    let octets = |bytes: &[u8]| {
        OctetString::new(digest::digest(alg, bytes).as_ref()).map_err(|e| e.to_string())
    };
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid,
            // RFC 5019 and deployed responders expect SHA-1 with NULL parameters.
            parameters: Some(Null.into()),
        },
        issuer_name_hash: octets(&name)?,
        issuer_key_hash: octets(issuer.public_key_bits())?,
        serial_number: Int::new(cert.serial_bytes())
            .map_err(|e| format!("the serial number cannot be encoded: {e}"))?,
    })
}

/// Whether `id` names `cert` as issued by `issuer`, whatever hash it was made with.
pub(super) fn matches(id: &CertId, cert: &Certificate, issuer: &Certificate) -> bool {
    let Some(alg) = digest_for(&id.hash_algorithm.oid) else {
        return false;
    };
    if id.serial_number.as_bytes() != cert.serial_bytes() {
        return false;
    }
    let Some(name) = name_tlv(cert.issuer_raw()) else {
        return false;
    };
    digest::digest(alg, &name).as_ref() == id.issuer_name_hash.as_bytes()
        && digest::digest(alg, issuer.public_key_bits()).as_ref() == id.issuer_key_hash.as_bytes()
}

/// SHA-1 of a key's subjectPublicKey bits: the ResponderID `byKey` form.
pub(super) fn key_hash(cert: &Certificate) -> digest::Digest {
    digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, cert.public_key_bits())
}
