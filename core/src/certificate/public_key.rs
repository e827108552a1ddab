//! What kind of public key a certificate carries, as the key policy needs to know it.

use core::fmt;

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use der::asn1::UintRef;
use der::{Decode, Reader, SliceReader};
use serde::{Deserialize, Serialize};
use spki::AlgorithmIdentifierRef;

/// A named elliptic curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    #[serde(rename = "P-256")]
    P256,
    /// NIST P-384 (secp384r1).
    #[serde(rename = "P-384")]
    P384,
    /// NIST P-521 (secp521r1).
    #[serde(rename = "P-521")]
    P521,
    /// secp256k1 (the Bitcoin curve).
    #[serde(rename = "secp256k1")]
    Secp256k1,
}

impl Curve {
    /// The curve's usual name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Secp256k1 => "secp256k1",
        }
    }
}

/// The family of a public key, as named in a policy's `allowed_key_algorithms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyAlgorithm {
    /// RSA (rsaEncryption or RSASSA-PSS keys).
    Rsa,
    /// Elliptic-curve keys (id-ecPublicKey).
    Ec,
    /// Ed25519.
    Ed25519,
    /// Ed448.
    Ed448,
    /// DSA.
    Dsa,
}

impl KeyAlgorithm {
    /// The lowercase policy name.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa => "rsa",
            KeyAlgorithm::Ec => "ec",
            KeyAlgorithm::Ed25519 => "ed25519",
            KeyAlgorithm::Ed448 => "ed448",
            KeyAlgorithm::Dsa => "dsa",
        }
    }
}

/// A certificate's subject public key, as far as policy needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// RSA with the modulus size in bits (`None` if the key does not decode).
    Rsa {
        /// Modulus bits.
        bits: Option<u32>,
    },
    /// An EC key on a named curve (`None`: a curve this library does not name).
    Ec {
        /// The curve.
        curve: Option<Curve>,
        /// The curve OID as given, for messages.
        curve_oid: Option<String>,
    },
    /// Ed25519.
    Ed25519,
    /// Ed448.
    Ed448,
    /// DSA.
    Dsa,
    /// Something else; the algorithm OID in dotted form.
    Other(String),
}

const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const ID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");

impl PublicKey {
    /// Reads the key from an SPKI's algorithm identifier content octets and key bits.
    pub fn from_spki_parts(algorithm_value: &[u8], key_bits: &[u8]) -> PublicKey {
        let Some(alg) = decode_algorithm(algorithm_value) else {
            return PublicKey::Other("undecodable algorithm identifier".into());
        };
        match alg.oid {
            rfc5912::RSA_ENCRYPTION | ID_RSASSA_PSS => PublicKey::Rsa {
                bits: rsa_modulus_bits(key_bits),
            },
            rfc5912::ID_EC_PUBLIC_KEY => {
                let oid = alg
                    .parameters
                    .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
                let curve = match oid {
                    Some(rfc5912::SECP_256_R_1) => Some(Curve::P256),
                    Some(rfc5912::SECP_384_R_1) => Some(Curve::P384),
                    Some(rfc5912::SECP_521_R_1) => Some(Curve::P521),
                    Some(SECP256K1) => Some(Curve::Secp256k1),
                    _ => None,
                };
                PublicKey::Ec {
                    curve,
                    curve_oid: oid.map(|o| o.to_string()),
                }
            }
            ID_ED25519 => PublicKey::Ed25519,
            ID_ED448 => PublicKey::Ed448,
            rfc5912::ID_DSA => PublicKey::Dsa,
            other => PublicKey::Other(other.to_string()),
        }
    }

    /// The policy family, if it is one the policy can name.
    pub fn algorithm(&self) -> Option<KeyAlgorithm> {
        match self {
            PublicKey::Rsa { .. } => Some(KeyAlgorithm::Rsa),
            PublicKey::Ec { .. } => Some(KeyAlgorithm::Ec),
            PublicKey::Ed25519 => Some(KeyAlgorithm::Ed25519),
            PublicKey::Ed448 => Some(KeyAlgorithm::Ed448),
            PublicKey::Dsa => Some(KeyAlgorithm::Dsa),
            PublicKey::Other(_) => None,
        }
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublicKey::Rsa { bits: Some(b) } => write!(f, "RSA {b}"),
            PublicKey::Rsa { bits: None } => f.write_str("RSA (undecodable)"),
            PublicKey::Ec { curve: Some(c), .. } => write!(f, "EC {}", c.as_str()),
            PublicKey::Ec {
                curve: None,
                curve_oid: Some(oid),
            } => write!(f, "EC {oid}"),
            PublicKey::Ec { .. } => f.write_str("EC (unnamed curve)"),
            PublicKey::Ed25519 => f.write_str("Ed25519"),
            PublicKey::Ed448 => f.write_str("Ed448"),
            PublicKey::Dsa => f.write_str("DSA"),
            PublicKey::Other(oid) => write!(f, "unknown key algorithm {oid}"),
        }
    }
}

/// Decodes an AlgorithmIdentifier from its content octets.
pub(crate) fn decode_algorithm(value: &[u8]) -> Option<AlgorithmIdentifierRef<'_>> {
    // The content octets are re-framed as a SEQUENCE for the decoder without copying:
    // decode the fields directly.
    let mut reader = SliceReader::new(value).ok()?;
    let oid: ObjectIdentifier = reader.decode().ok()?;
    let parameters = if reader.is_finished() {
        None
    } else {
        Some(reader.decode().ok()?)
    };
    reader.finish().ok()?;
    Some(AlgorithmIdentifierRef { oid, parameters })
}

/// Bits of the modulus of a PKCS#1 RSAPublicKey.
fn rsa_modulus_bits(key_bits: &[u8]) -> Option<u32> {
    let mut reader = SliceReader::new(key_bits).ok()?;
    let modulus = reader
        .sequence(|r| {
            let n = UintRef::decode(r)?;
            let _e = UintRef::decode(r)?;
            Ok::<_, der::Error>(n)
        })
        .ok()?;
    let bytes = modulus.as_bytes();
    let first = *bytes.first()?;
    let len = u32::try_from(bytes.len()).ok()?;
    Some(len * 8 - first.leading_zeros())
}
