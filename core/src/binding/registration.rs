//! What a client registered: a certificate (or fingerprint/SPKI pin) parsed once into a
//! [`Registration`], and a client's registrations with the comparison mode, a
//! [`Binding`].

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::certificate::Certificate;
use crate::certificate::{canonical_serial, serial_display};
use crate::code::Code;
use crate::findings::Findings;
use crate::policy::Policy;
use crate::report::Severity;
use crate::time::Timestamp;

/// How a presented leaf is compared with a registered certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum BindingMode {
    /// Serial number and subject CN, as most gateways' documentation states the rule.
    #[serde(rename = "serial+cn")]
    SerialCn,
    /// Serial number, subject CN and issuer DN (the default): serials are unique only
    /// per issuer.
    #[default]
    #[serde(rename = "serial+cn+issuer")]
    SerialCnIssuer,
    /// The SHA-256 fingerprint of the whole certificate.
    #[serde(rename = "fingerprint")]
    Fingerprint,
    /// The SHA-256 of the SubjectPublicKeyInfo: any certificate for the registered key.
    #[serde(rename = "spki")]
    Spki,
}

impl BindingMode {
    /// Every mode.
    pub const ALL: [BindingMode; 4] = [
        BindingMode::SerialCn,
        BindingMode::SerialCnIssuer,
        BindingMode::Fingerprint,
        BindingMode::Spki,
    ];

    /// The name used on the command line and in registry files, e.g. `serial+cn`.
    pub const fn as_str(self) -> &'static str {
        match self {
            BindingMode::SerialCn => "serial+cn",
            BindingMode::SerialCnIssuer => "serial+cn+issuer",
            BindingMode::Fingerprint => "fingerprint",
            BindingMode::Spki => "spki",
        }
    }
}

impl fmt::Display for BindingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BindingMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        BindingMode::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown binding mode `{s}`; expected one of serial+cn, serial+cn+issuer, fingerprint, spki"
                )
            })
    }
}

/// Why bytes or text cannot be made into a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationError(pub String);

impl fmt::Display for RegistrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RegistrationError {}

/// What a registration pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Pinned {
    /// A registered certificate: every field any mode compares.
    Certificate(Box<Registered>),
    /// Only a SHA-256 fingerprint of the certificate.
    Fingerprint([u8; 32]),
    /// Only a SHA-256 of the SubjectPublicKeyInfo.
    Spki([u8; 32]),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Registered {
    pub(super) serial: Vec<u8>,
    pub(super) common_name: Option<String>,
    pub(super) issuer_raw: Vec<u8>,
    pub(super) issuer: String,
    pub(super) subject: String,
    pub(super) sha256: [u8; 32],
    pub(super) spki_sha256: [u8; 32],
    pub(super) not_after: Timestamp,
}

/// One registered certificate (or fingerprint/SPKI pin) of a client, parsed once: the
/// serial, subject CN, issuer DN, SHA-256 fingerprint, SPKI SHA-256 and notAfter that
/// binding checks compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub(super) label: String,
    pub(super) pinned: Pinned,
}

/// A registration as JSON shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationInfo {
    /// How messages name the registration (a file name, or a description).
    pub label: String,
    /// Serial number, lowercase hex without the sign byte (`None` for pins).
    pub serial: Option<String>,
    /// Subject CN.
    pub common_name: Option<String>,
    /// Issuer DN, RFC 4514.
    pub issuer: Option<String>,
    /// SHA-256 of the certificate, lowercase hex.
    pub sha256: Option<String>,
    /// SHA-256 of the SubjectPublicKeyInfo, lowercase hex.
    pub spki_sha256: Option<String>,
    /// notAfter, RFC 3339 (`None` for pins, which do not expire).
    pub not_after: Option<String>,
}

pub(super) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// Parses 64 hex digits (colons allowed between bytes, an optional `sha256:` prefix).
pub(crate) fn parse_sha256_hex(text: &str) -> Result<[u8; 32], String> {
    let t = text.trim();
    let t = t
        .strip_prefix("sha256:")
        .or_else(|| t.strip_prefix("SHA256:"))
        .unwrap_or(t);
    let digits: String = t.chars().filter(|&c| c != ':').collect();
    if digits.len() != 64 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "`{text}` is not a SHA-256 fingerprint: expected 64 hexadecimal digits (colons allowed), got {} characters",
            digits.chars().count()
        ));
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(&digits, &mut out).map_err(|e| format!("`{text}`: {e}"))?;
    Ok(out)
}

impl Registration {
    /// The registration of a parsed certificate. Its label is `CN <cn>, serial <hex>`
    /// until [`Registration::with_label`] names it.
    pub fn from_certificate(cert: &Certificate) -> Registration {
        let serial = canonical_serial(cert.serial_bytes()).to_vec();
        let common_name = cert.common_name();
        let label = format!(
            "CN {}, serial {}",
            common_name.as_deref().unwrap_or("(none)"),
            serial_display(&serial)
        );
        Registration {
            label,
            pinned: Pinned::Certificate(Box::new(Registered {
                serial,
                common_name,
                issuer_raw: cert.issuer_raw().to_vec(),
                issuer: cert.issuer_string(),
                subject: cert.subject_string(),
                sha256: *cert.sha256(),
                spki_sha256: sha256(cert.spki()),
                not_after: cert.not_after(),
            })),
        }
    }

    /// The registration of a certificate file's content: PEM or DER. A PEM bundle
    /// registers its leaf. Fails on anything else, and on a file holding a private key
    /// (whose content is never shown).
    pub fn from_bytes(input: &[u8]) -> Result<Registration, RegistrationError> {
        leaf_of(input).map(|c| Registration::from_certificate(&c))
    }

    /// A registration that pins the certificate's SHA-256 fingerprint (64 hex digits,
    /// colons allowed). Pins are compared on what they pin whatever the mode, and never
    /// expire.
    pub fn from_sha256_hex(hex: &str) -> Result<Registration, RegistrationError> {
        let fp = parse_sha256_hex(hex).map_err(RegistrationError)?;
        Ok(Registration::from_sha256(fp))
    }

    /// A registration pinning a certificate SHA-256 fingerprint.
    pub fn from_sha256(fingerprint: [u8; 32]) -> Registration {
        Registration {
            label: format!("SHA-256 fingerprint {}", hex::encode(fingerprint)),
            pinned: Pinned::Fingerprint(fingerprint),
        }
    }

    /// A registration that pins the SHA-256 of a SubjectPublicKeyInfo (64 hex digits):
    /// any certificate for that key matches.
    pub fn from_spki_sha256_hex(hex: &str) -> Result<Registration, RegistrationError> {
        let h = parse_sha256_hex(hex).map_err(RegistrationError)?;
        Ok(Registration::from_spki_sha256(h))
    }

    /// A registration pinning an SPKI SHA-256.
    pub fn from_spki_sha256(spki_sha256: [u8; 32]) -> Registration {
        Registration {
            label: format!("SPKI SHA-256 {}", hex::encode(spki_sha256)),
            pinned: Pinned::Spki(spki_sha256),
        }
    }

    /// Names the registration in messages (e.g. the registered file's name).
    pub fn with_label(mut self, label: impl Into<String>) -> Registration {
        self.label = label.into();
        self
    }

    /// How messages name this registration.
    pub fn label(&self) -> &str {
        &self.label
    }

    pub(super) fn registered(&self) -> Option<&Registered> {
        match &self.pinned {
            Pinned::Certificate(r) => Some(r),
            _ => None,
        }
    }

    /// Serial number in lowercase hex without the sign byte (a registered certificate
    /// only).
    pub fn serial_hex(&self) -> Option<String> {
        self.registered().map(|r| serial_display(&r.serial))
    }

    /// Subject CN of a registered certificate.
    pub fn common_name(&self) -> Option<&str> {
        self.registered().and_then(|r| r.common_name.as_deref())
    }

    /// Issuer DN (RFC 4514) of a registered certificate.
    pub fn issuer(&self) -> Option<&str> {
        self.registered().map(|r| r.issuer.as_str())
    }

    /// Subject DN (RFC 4514) of a registered certificate.
    pub fn subject(&self) -> Option<&str> {
        self.registered().map(|r| r.subject.as_str())
    }

    /// The certificate's SHA-256 fingerprint, when known.
    pub fn sha256(&self) -> Option<[u8; 32]> {
        match &self.pinned {
            Pinned::Certificate(r) => Some(r.sha256),
            Pinned::Fingerprint(f) => Some(*f),
            Pinned::Spki(_) => None,
        }
    }

    /// The SHA-256 of the SubjectPublicKeyInfo, when known.
    pub fn spki_sha256(&self) -> Option<[u8; 32]> {
        match &self.pinned {
            Pinned::Certificate(r) => Some(r.spki_sha256),
            Pinned::Spki(s) => Some(*s),
            Pinned::Fingerprint(_) => None,
        }
    }

    /// notAfter of a registered certificate (`None` for pins, which do not expire).
    pub fn not_after(&self) -> Option<Timestamp> {
        self.registered().map(|r| r.not_after)
    }

    /// Whether the registration can match at `at`: an expired registered certificate
    /// never does.
    pub fn is_active_at(&self, at: Timestamp) -> bool {
        self.not_after().is_none_or(|end| at <= end)
    }

    /// The registration as JSON shows it.
    pub fn info(&self) -> RegistrationInfo {
        RegistrationInfo {
            label: self.label.clone(),
            serial: self.serial_hex(),
            common_name: self.common_name().map(str::to_owned),
            issuer: self.issuer().map(str::to_owned),
            sha256: self.sha256().map(hex::encode),
            spki_sha256: self.spki_sha256().map(hex::encode),
            not_after: self.not_after().map(Timestamp::to_rfc3339),
        }
    }
}

/// The leaf of a PEM bundle (the certificate that issued no other in it, whatever the
/// order), or a DER certificate. Fails, saying why, on anything else, and on input
/// holding a private key (whose content is never shown).
pub fn leaf_of(input: &[u8]) -> Result<Certificate, RegistrationError> {
    let err = |m: String| Err(RegistrationError(m));
    if !crate::input::contains(input, b"-----BEGIN") {
        if let Some(hit) = crate::input::key_material::scan(input).first() {
            return err(format!(
                "the input holds a {} (line {}), not a certificate; its content is not shown; register only certificates, never private keys",
                hit.shape.describe(),
                hit.line
            ));
        }
        return Certificate::from_der(input.to_vec()).map_err(|e| {
            RegistrationError(format!(
                "neither PEM nor a DER certificate ({e}); give the certificate as PEM or DER"
            ))
        });
    }
    let policy = Policy {
        max_input_bytes: 0,
        max_certificates: 64,
        ..Policy::default()
    };
    let mut findings = Findings::new(&policy);
    let slots = crate::input::read_pem(input, &policy, &mut findings).unwrap_or_default();
    let findings_list = findings.into_vec();
    if let Some(f) = findings_list
        .iter()
        .find(|f| f.code == Code::PemPrivateKeyPresent)
    {
        return err(format!(
            "{}; register only certificates, never private keys",
            f.message
        ));
    }
    if let Some(f) = findings_list.iter().find(|f| {
        f.severity == Severity::Error
            && matches!(
                f.code,
                Code::PemMalformed
                    | Code::CertificateMalformed
                    | Code::PemNoCertificate
                    | Code::PemCsrNotCertificate
            )
    }) {
        return err(f.message.clone());
    }
    let mut certs: Vec<Certificate> = slots
        .iter()
        .filter_map(|s| s.as_ref().ok().cloned())
        .collect();
    match certs.len() {
        0 => err("no certificate found".to_owned()),
        1 => Ok(certs.remove(0)),
        _ => {
            let mut scratch = Findings::new(&policy);
            let chain =
                crate::chain::analyze(&slots, &crate::trust::TrustStore::empty(), &mut scratch);
            match chain
                .leaf
                .and_then(|i| slots.get(i))
                .and_then(|s| s.as_ref().ok())
            {
                Some(leaf) => Ok(leaf.clone()),
                None => err("the bundle has no identifiable leaf certificate".to_owned()),
            }
        }
    }
}

/// One client's registrations and how a presented leaf must match them. Build it once
/// (e.g. when the registry is loaded) and share it (`Arc<Binding>`) across requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    client: Option<String>,
    pub(super) registrations: Vec<Registration>,
    pub(super) mode: BindingMode,
    pub(super) max_active: usize,
}

impl Binding {
    /// Active registrations a client may have by default: two, so the old and the new
    /// certificate both work during a rotation.
    pub const DEFAULT_MAX_ACTIVE: usize = 2;

    /// A binding over `registrations`, mode `serial+cn+issuer`, at most two active.
    pub fn new(registrations: Vec<Registration>) -> Binding {
        Binding {
            client: None,
            registrations,
            mode: BindingMode::default(),
            max_active: Binding::DEFAULT_MAX_ACTIVE,
        }
    }

    /// Sets the comparison mode.
    pub fn with_mode(mut self, mode: BindingMode) -> Binding {
        self.mode = mode;
        self
    }

    /// Sets how many registrations may be active (not expired) at once
    /// (`binding.too_many_active` beyond it); 0 means no limit.
    pub fn with_max_active(mut self, max_active: usize) -> Binding {
        self.max_active = max_active;
        self
    }

    /// Names the client in messages.
    pub fn with_client(mut self, client: impl Into<String>) -> Binding {
        self.client = Some(client.into());
        self
    }

    /// The client id, if named.
    pub fn client(&self) -> Option<&str> {
        self.client.as_deref()
    }

    /// The registrations, as given.
    pub fn registrations(&self) -> &[Registration] {
        &self.registrations
    }

    /// The comparison mode.
    pub fn mode(&self) -> BindingMode {
        self.mode
    }

    /// The limit on active registrations (0: none).
    pub fn max_active(&self) -> usize {
        self.max_active
    }

    pub(super) fn for_client(&self) -> String {
        match &self.client {
            Some(c) => format!("client `{c}`"),
            None => "this client".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_parse_with_colons_and_prefix() {
        let hexs = "ab".repeat(32);
        let colons = vec!["AB"; 32].join(":");
        assert_eq!(parse_sha256_hex(&hexs).unwrap(), [0xab; 32]);
        assert_eq!(parse_sha256_hex(&colons).unwrap(), [0xab; 32]);
        assert_eq!(
            parse_sha256_hex(&format!("sha256:{hexs}")).unwrap(),
            [0xab; 32]
        );
        let e = parse_sha256_hex("abc").unwrap_err();
        assert!(
            e.contains("64 hexadecimal digits") && e.contains("got 3"),
            "{e}"
        );
        assert!(parse_sha256_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn modes_parse_and_print() {
        for m in BindingMode::ALL {
            assert_eq!(m.as_str().parse::<BindingMode>(), Ok(m));
        }
        assert_eq!(BindingMode::default(), BindingMode::SerialCnIssuer);
        assert!(
            "serial"
                .parse::<BindingMode>()
                .unwrap_err()
                .contains("serial+cn")
        );
    }
}
