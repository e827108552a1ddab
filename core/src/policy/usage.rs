//! What the leaf is validated for: the usage (and its extendedKeyUsage purpose), the
//! names it must be valid for and the keyUsage bits it must assert. One home for these
//! and for the EKU OIDs, which the checks, both path-validation engines and trust-store
//! mode all read.

use std::net::IpAddr;

use const_oid::ObjectIdentifier;

/// id-kp-clientAuth, 1.3.6.1.5.5.7.3.2 (RFC 5280 4.2.1.12).
pub const ID_KP_CLIENT_AUTH: ObjectIdentifier = const_oid::db::rfc5280::ID_KP_CLIENT_AUTH;
/// id-kp-serverAuth, 1.3.6.1.5.5.7.3.1 (RFC 5280 4.2.1.12).
pub const ID_KP_SERVER_AUTH: ObjectIdentifier = const_oid::db::rfc5280::ID_KP_SERVER_AUTH;

// Statics, so their content octets can be lent out for 'static.
static CLIENT_AUTH_OID: ObjectIdentifier = ID_KP_CLIENT_AUTH;
static SERVER_AUTH_OID: ObjectIdentifier = ID_KP_SERVER_AUTH;

/// What the leaf is validated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Usage {
    /// TLS client authentication (mTLS at a gateway): EKU clientAuth.
    #[default]
    ClientAuth,
    /// TLS server authentication: EKU serverAuth.
    ServerAuth,
}

impl Usage {
    /// The extendedKeyUsage purpose the leaf (and, by EKU chaining, its issuers) must
    /// allow.
    pub const fn eku(self) -> ObjectIdentifier {
        match self {
            Usage::ClientAuth => ID_KP_CLIENT_AUTH,
            Usage::ServerAuth => ID_KP_SERVER_AUTH,
        }
    }

    /// The purpose's RFC 5280 name, `clientAuth` or `serverAuth`, for messages.
    pub const fn eku_name(self) -> &'static str {
        match self {
            Usage::ClientAuth => "clientAuth",
            Usage::ServerAuth => "serverAuth",
        }
    }

    /// The purpose's OID as DER content octets, the form rustls-webpki takes.
    pub(crate) fn eku_der(self) -> &'static [u8] {
        match self {
            Usage::ClientAuth => CLIENT_AUTH_OID.as_bytes(),
            Usage::ServerAuth => SERVER_AUTH_OID.as_bytes(),
        }
    }

    /// The usage whose purpose is `oid`, if any.
    pub fn from_eku(oid: &ObjectIdentifier) -> Option<Usage> {
        [Usage::ClientAuth, Usage::ServerAuth]
            .into_iter()
            .find(|u| u.eku() == *oid)
    }
}

/// A name the leaf must be valid for, matched against its subjectAltName.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerName {
    /// A DNS name (wildcards in the certificate match per RFC 6125).
    Dns(String),
    /// An IP address (iPAddress entries only, never the common name).
    Ip(IpAddr),
    /// An email address (rfc822Name entries; the domain compares case-insensitively).
    Email(String),
}

/// A keyUsage bit the leaf must assert (when it carries a keyUsage extension at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUsageBit {
    /// digitalSignature (0).
    DigitalSignature,
    /// contentCommitment, formerly nonRepudiation (1).
    ContentCommitment,
    /// keyEncipherment (2).
    KeyEncipherment,
    /// dataEncipherment (3).
    DataEncipherment,
    /// keyAgreement (4).
    KeyAgreement,
    /// keyCertSign (5).
    KeyCertSign,
    /// cRLSign (6).
    CrlSign,
    /// encipherOnly (7).
    EncipherOnly,
    /// decipherOnly (8).
    DecipherOnly,
}

impl KeyUsageBit {
    /// Every bit, in bit order.
    pub const ALL: [KeyUsageBit; 9] = [
        KeyUsageBit::DigitalSignature,
        KeyUsageBit::ContentCommitment,
        KeyUsageBit::KeyEncipherment,
        KeyUsageBit::DataEncipherment,
        KeyUsageBit::KeyAgreement,
        KeyUsageBit::KeyCertSign,
        KeyUsageBit::CrlSign,
        KeyUsageBit::EncipherOnly,
        KeyUsageBit::DecipherOnly,
    ];

    /// The RFC 5280 name, e.g. `digitalSignature`.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyUsageBit::DigitalSignature => "digitalSignature",
            KeyUsageBit::ContentCommitment => "contentCommitment",
            KeyUsageBit::KeyEncipherment => "keyEncipherment",
            KeyUsageBit::DataEncipherment => "dataEncipherment",
            KeyUsageBit::KeyAgreement => "keyAgreement",
            KeyUsageBit::KeyCertSign => "keyCertSign",
            KeyUsageBit::CrlSign => "cRLSign",
            KeyUsageBit::EncipherOnly => "encipherOnly",
            KeyUsageBit::DecipherOnly => "decipherOnly",
        }
    }
}

impl core::str::FromStr for KeyUsageBit {
    type Err = String;

    /// The RFC 5280 name in any case, with or without underscores (`digitalSignature`,
    /// `digital_signature`); `nonRepudiation` is the old name of contentCommitment.
    fn from_str(s: &str) -> Result<KeyUsageBit, String> {
        let folded: String = s
            .chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        if folded == "nonrepudiation" {
            return Ok(KeyUsageBit::ContentCommitment);
        }
        KeyUsageBit::ALL
            .into_iter()
            .find(|b| b.as_str().to_lowercase() == folded)
            .ok_or_else(|| {
                let names: Vec<&str> = KeyUsageBit::ALL.iter().map(|b| b.as_str()).collect();
                format!("unknown keyUsage bit `{s}`; one of {}", names.join(", "))
            })
    }
}

impl KeyUsageBit {
    /// The bit in `Extensions::key_usage_bits` (bit 0 = digitalSignature).
    pub const fn mask(self) -> u16 {
        1 << (self as u16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eku_content_octets_are_the_oids() {
        assert_eq!(
            Usage::ClientAuth.eku_der(),
            &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02]
        );
        assert_eq!(
            Usage::ServerAuth.eku_der(),
            &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01]
        );
        assert_eq!(Usage::from_eku(&ID_KP_SERVER_AUTH), Some(Usage::ServerAuth));
        assert_eq!(
            Usage::from_eku(&const_oid::db::rfc5280::ID_KP_CODE_SIGNING),
            None
        );
    }

    #[test]
    fn key_usage_masks_follow_bit_order() {
        assert_eq!(KeyUsageBit::DigitalSignature.mask(), 1);
        assert_eq!(KeyUsageBit::KeyAgreement.mask(), 1 << 4);
        assert_eq!(KeyUsageBit::DecipherOnly.mask(), 1 << 8);
    }
}
