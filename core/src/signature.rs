//! Signature verification: one table of algorithms, used both for chainvet's own link
//! checks and for rustls-webpki's path validation, so the two always agree on what
//! verifies.
//!
//! The crypto is aws-lc-rs, the faster of rustls-webpki's two providers on this class of
//! machine (RSA verification 8-18% and P-256 about 7% faster than ring). Legacy
//! algorithms (RSA keys from 1024 bits, SHA-1) are in the table so that such links are
//! *verified* and then reported precisely by policy (`key.rsa_too_small`,
//! `signature.weak_algorithm`) rather than misreported as forged.

use aws_lc_rs::signature as alg;
use const_oid::ObjectIdentifier;
use pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm, alg_id};

use crate::certificate::Certificate;

pub(crate) mod cache;

/// One supported (signature algorithm, public key algorithm) pair.
#[derive(Debug)]
pub struct Algorithm {
    name: &'static str,
    signature_alg_id: AlgorithmIdentifier,
    public_key_alg_id: AlgorithmIdentifier,
    verification: &'static dyn alg::VerificationAlgorithm,
    ec_key: bool,
}

impl Algorithm {
    /// Conventional name, e.g. `sha256WithRSAEncryption`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    fn verify_uncached(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        // RFC 5480 2.2: an EC point must be compressed (02/03) or uncompressed (04).
        if self.ec_key && !matches!(public_key.first(), Some(0x02..=0x04)) {
            return Err(InvalidSignature);
        }
        alg::UnparsedPublicKey::new(self.verification, public_key)
            .verify(message, signature)
            .map_err(|_| InvalidSignature)
    }
}

impl SignatureVerificationAlgorithm for Algorithm {
    /// Verifies, or finds the identical verification in the active validator's cache.
    /// rustls-webpki calls this too, so a link chainvet already verified costs webpki a
    /// cache lookup, not a second verification.
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let key = [
            self.signature_alg_id.as_ref(),
            self.public_key_alg_id.as_ref(),
            public_key,
            message,
            signature,
        ];
        cache::with_active(|cache| {
            if cache.is_some_and(|c| c.get(&key).is_some()) {
                return Ok(());
            }
            self.verify_uncached(public_key, message, signature)?;
            // Only successes are remembered: a failure is re-verified every time.
            if let Some(c) = cache {
                c.insert(&key, (), 0);
            }
            Ok(())
        })
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.public_key_alg_id
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature_alg_id
    }
}

// AlgorithmIdentifier content octets that rustls-pki-types does not define.
// sha1WithRSAEncryption (1.2.840.113549.1.1.5) with NULL parameters.
const RSA_PKCS1_SHA1: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
]);
// sha{256,384,512}WithRSAEncryption with the parameters absent, which RFC 4055 says
// verifiers MUST accept.
const RSA_PKCS1_SHA256_ABSENT: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
]);
const RSA_PKCS1_SHA384_ABSENT: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c,
]);
const RSA_PKCS1_SHA512_ABSENT: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d,
]);
// ecdsa-with-SHA1 (1.2.840.10045.4.1), no parameters.
const ECDSA_SHA1: AlgorithmIdentifier =
    AlgorithmIdentifier::from_slice(&[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01]);

macro_rules! table {
    ($( $name:literal, $sig:expr, $key:expr, $verify:expr, $ec:literal; )*) => {
        /// Every algorithm chainvet verifies, at most one per (signature, key) id pair.
        pub static ALGORITHMS: &[&Algorithm] = &[$(
            &Algorithm {
                name: $name,
                signature_alg_id: $sig,
                public_key_alg_id: $key,
                verification: &$verify,
                ec_key: $ec,
            },
        )*];
    };
}

table! {
    "sha256WithRSAEncryption", alg_id::RSA_PKCS1_SHA256, alg_id::RSA_ENCRYPTION, alg::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY, false;
    "sha384WithRSAEncryption", alg_id::RSA_PKCS1_SHA384, alg_id::RSA_ENCRYPTION, alg::RSA_PKCS1_2048_8192_SHA384, false;
    "sha512WithRSAEncryption", alg_id::RSA_PKCS1_SHA512, alg_id::RSA_ENCRYPTION, alg::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY, false;
    "sha256WithRSAEncryption", RSA_PKCS1_SHA256_ABSENT, alg_id::RSA_ENCRYPTION, alg::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY, false;
    "sha384WithRSAEncryption", RSA_PKCS1_SHA384_ABSENT, alg_id::RSA_ENCRYPTION, alg::RSA_PKCS1_2048_8192_SHA384, false;
    "sha512WithRSAEncryption", RSA_PKCS1_SHA512_ABSENT, alg_id::RSA_ENCRYPTION, alg::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY, false;
    "sha1WithRSAEncryption", RSA_PKCS1_SHA1, alg_id::RSA_ENCRYPTION, alg::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY, false;
    "RSASSA-PSS with SHA-256", alg_id::RSA_PSS_SHA256, alg_id::RSA_ENCRYPTION, alg::RSA_PSS_2048_8192_SHA256, false;
    "RSASSA-PSS with SHA-384", alg_id::RSA_PSS_SHA384, alg_id::RSA_ENCRYPTION, alg::RSA_PSS_2048_8192_SHA384, false;
    "RSASSA-PSS with SHA-512", alg_id::RSA_PSS_SHA512, alg_id::RSA_ENCRYPTION, alg::RSA_PSS_2048_8192_SHA512, false;
    "ecdsa-with-SHA256", alg_id::ECDSA_SHA256, alg_id::ECDSA_P256, alg::ECDSA_P256_SHA256_ASN1, true;
    "ecdsa-with-SHA384", alg_id::ECDSA_SHA384, alg_id::ECDSA_P256, alg::ECDSA_P256_SHA384_ASN1, true;
    "ecdsa-with-SHA512", alg_id::ECDSA_SHA512, alg_id::ECDSA_P256, alg::ECDSA_P256_SHA512_ASN1, true;
    "ecdsa-with-SHA1", ECDSA_SHA1, alg_id::ECDSA_P256, alg::ECDSA_P256_SHA1_ASN1, true;
    "ecdsa-with-SHA256", alg_id::ECDSA_SHA256, alg_id::ECDSA_P384, alg::ECDSA_P384_SHA256_ASN1, true;
    "ecdsa-with-SHA384", alg_id::ECDSA_SHA384, alg_id::ECDSA_P384, alg::ECDSA_P384_SHA384_ASN1, true;
    "ecdsa-with-SHA512", alg_id::ECDSA_SHA512, alg_id::ECDSA_P384, alg::ECDSA_P384_SHA512_ASN1, true;
    "ecdsa-with-SHA256", alg_id::ECDSA_SHA256, alg_id::ECDSA_P521, alg::ECDSA_P521_SHA256_ASN1, true;
    "ecdsa-with-SHA384", alg_id::ECDSA_SHA384, alg_id::ECDSA_P521, alg::ECDSA_P521_SHA384_ASN1, true;
    "ecdsa-with-SHA512", alg_id::ECDSA_SHA512, alg_id::ECDSA_P521, alg::ECDSA_P521_SHA512_ASN1, true;
    "ecdsa-with-SHA1", ECDSA_SHA1, alg_id::ECDSA_P521, alg::ECDSA_P521_SHA1_ASN1, true;
    "Ed25519", alg_id::ED25519, alg_id::ED25519, alg::ED25519, false;
}

/// The table as rustls-webpki takes it.
pub fn webpki_algorithms() -> &'static [&'static dyn SignatureVerificationAlgorithm] {
    static AS_DYN: std::sync::OnceLock<Vec<&'static dyn SignatureVerificationAlgorithm>> =
        std::sync::OnceLock::new();
    AS_DYN.get_or_init(|| {
        ALGORITHMS
            .iter()
            .map(|a| *a as &'static dyn SignatureVerificationAlgorithm)
            .collect()
    })
}

/// Why a signature could not be confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The signature does not verify with the key (a forged or corrupted link).
    Invalid,
    /// The signature algorithm is one chainvet cannot verify; its name.
    UnsupportedAlgorithm(String),
    /// The signature algorithm cannot have been made by the signer's kind of key.
    KeyMismatch {
        /// The signature algorithm's name.
        algorithm: String,
        /// The signer's key.
        key: String,
    },
}

/// A public key as signature verification needs it: the SPKI's algorithm identifier
/// content octets and the subjectPublicKey bits.
#[derive(Debug, Clone, Copy)]
pub struct SignerKey<'a> {
    /// Content octets of the SubjectPublicKeyInfo's algorithm identifier.
    pub algorithm: &'a [u8],
    /// The subjectPublicKey bits.
    pub key: &'a [u8],
}

impl<'a> SignerKey<'a> {
    /// Splits a DER SubjectPublicKeyInfo (tag and length included).
    pub fn from_spki(spki: &'a [u8]) -> Result<SignerKey<'a>, der::Error> {
        let parts = crate::der::split_spki(spki)?;
        Ok(SignerKey {
            algorithm: parts.algorithm,
            key: parts.public_key,
        })
    }

    /// The key of a certificate.
    pub fn of(cert: &'a Certificate) -> SignerKey<'a> {
        SignerKey {
            algorithm: cert.spki_algorithm_id(),
            key: cert.public_key_bits(),
        }
    }
}

/// Verifies `signature` over `message`, made with the algorithm whose identifier content
/// is `signature_alg_id`, by `signer`. The one place chainvet verifies a signature:
/// certificate links, CSRs and OCSP responses all come through here.
pub fn verify(
    signature_alg_id: &[u8],
    signer: SignerKey<'_>,
    message: &[u8],
    signature: &[u8],
) -> Result<&'static Algorithm, VerifyError> {
    let key_alg = signer.algorithm;
    let mut sig_known = false;
    for candidate in ALGORITHMS {
        if candidate.signature_alg_id.as_ref() != signature_alg_id {
            continue;
        }
        sig_known = true;
        if candidate.public_key_alg_id.as_ref() != key_alg {
            continue;
        }
        return candidate
            .verify_signature(signer.key, message, signature)
            .map(|()| *candidate)
            .map_err(|_| VerifyError::Invalid);
    }
    if sig_known {
        Err(VerifyError::KeyMismatch {
            algorithm: algorithm_name(signature_alg_id),
            key: crate::certificate::PublicKey::from_spki_parts(signer.algorithm, signer.key)
                .to_string(),
        })
    } else {
        Err(VerifyError::UnsupportedAlgorithm(algorithm_name(
            signature_alg_id,
        )))
    }
}

/// Verifies that `child` was signed by `issuer`'s key.
pub fn verify_issued_by(
    child: &Certificate,
    issuer: &Certificate,
) -> Result<&'static Algorithm, VerifyError> {
    verify(
        child.signature_algorithm_id(),
        SignerKey::of(issuer),
        child.tbs(),
        child.signature(),
    )
}

fn algorithm_oid(alg_id: &[u8]) -> Option<ObjectIdentifier> {
    crate::certificate::decode_algorithm(alg_id).map(|a| a.oid)
}

/// A readable name for an AlgorithmIdentifier's content octets.
pub fn algorithm_name(alg_id: &[u8]) -> String {
    if let Some(known) = ALGORITHMS
        .iter()
        .find(|a| a.signature_alg_id.as_ref() == alg_id)
    {
        return known.name.to_owned();
    }
    match algorithm_oid(alg_id) {
        Some(oid) => match const_oid::db::DB.by_oid(&oid) {
            Some(name) => name.to_owned(),
            None => oid.to_string(),
        },
        None => "an undecodable algorithm".to_owned(),
    }
}

/// Whether the algorithm hashes with MD2, MD4, MD5 or SHA-1.
pub fn is_weak(alg_id: &[u8]) -> bool {
    const WEAK: &[ObjectIdentifier] = &[
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.2"), // md2WithRSAEncryption
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.3"), // md4WithRSAEncryption
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.4"), // md5WithRSAEncryption
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5"), // sha1WithRSAEncryption
        ObjectIdentifier::new_unwrap("1.3.14.3.2.29"),        // sha1WithRSASignature (OIW)
        ObjectIdentifier::new_unwrap("1.2.840.10045.4.1"),    // ecdsa-with-SHA1
        ObjectIdentifier::new_unwrap("1.2.840.10040.4.3"),    // dsa-with-sha1
    ];
    algorithm_oid(alg_id).is_some_and(|oid| WEAK.contains(&oid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;

    fn content_octets(oid: &str, null_params: bool) -> Vec<u8> {
        let oid = ObjectIdentifier::new_unwrap(oid);
        let mut out = oid.to_der().unwrap();
        if null_params {
            out.extend(der::asn1::Null.to_der().unwrap());
        }
        out
    }

    #[test]
    fn hand_written_identifiers_match_der_encoding() {
        assert_eq!(
            RSA_PKCS1_SHA1.as_ref(),
            &content_octets("1.2.840.113549.1.1.5", true)[..]
        );
        assert_eq!(
            RSA_PKCS1_SHA256_ABSENT.as_ref(),
            &content_octets("1.2.840.113549.1.1.11", false)[..]
        );
        assert_eq!(
            RSA_PKCS1_SHA384_ABSENT.as_ref(),
            &content_octets("1.2.840.113549.1.1.12", false)[..]
        );
        assert_eq!(
            RSA_PKCS1_SHA512_ABSENT.as_ref(),
            &content_octets("1.2.840.113549.1.1.13", false)[..]
        );
        assert_eq!(
            ECDSA_SHA1.as_ref(),
            &content_octets("1.2.840.10045.4.1", false)[..]
        );
    }

    #[test]
    fn table_has_one_entry_per_identifier_pair() {
        for (i, a) in ALGORITHMS.iter().enumerate() {
            for b in &ALGORITHMS[i + 1..] {
                assert!(
                    a.signature_alg_id != b.signature_alg_id
                        || a.public_key_alg_id != b.public_key_alg_id,
                    "{} listed twice",
                    a.name
                );
            }
        }
    }

    #[test]
    fn weak_and_names() {
        assert!(is_weak(RSA_PKCS1_SHA1.as_ref()));
        assert!(is_weak(ECDSA_SHA1.as_ref()));
        assert!(is_weak(&content_octets("1.2.840.113549.1.1.4", true)));
        assert!(!is_weak(alg_id::RSA_PKCS1_SHA256.as_ref()));
        assert_eq!(
            algorithm_name(alg_id::ECDSA_SHA384.as_ref()),
            "ecdsa-with-SHA384"
        );
        assert_eq!(
            algorithm_name(&content_octets("1.2.840.113549.1.1.4", true)),
            "md5WithRSAEncryption"
        );
    }
}
