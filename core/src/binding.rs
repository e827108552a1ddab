//! Binding: is the presented leaf the certificate registered for this client?
//!
//! Gateways check, per request, that the certificate of the TLS handshake is the one the
//! client registered: "Serial Number and Common Name properties are identical in Request
//! certificate and DevApp-attached certificate". A registered certificate is parsed once
//! into a [`Registration`]; a client's registrations (up to two active during a
//! rotation, by default) form a [`Binding`], which is then checked against each
//! presented leaf without parsing anything registered again.
//!
//! Serials are compared as integers (DER's sign byte and any redundant leading bytes
//! do not count) and shown in hex without the sign byte. Issuers are compared as
//! encoded, and as RFC 4514 strings ignoring ASCII case when the encodings differ (a
//! CA that switched from PrintableString to UTF8String is still the same issuer).

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::certificate::Certificate;
use crate::code::Code;
use crate::findings::Findings;
use crate::policy::Policy;
use crate::report::{Finding, Severity};
use crate::time::Timestamp;
use crate::validator::Validator;

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
enum Pinned {
    /// A registered certificate: every field any mode compares.
    Certificate(Box<Registered>),
    /// Only a SHA-256 fingerprint of the certificate.
    Fingerprint([u8; 32]),
    /// Only a SHA-256 of the SubjectPublicKeyInfo.
    Spki([u8; 32]),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Registered {
    serial: Vec<u8>,
    common_name: Option<String>,
    issuer_raw: Vec<u8>,
    issuer: String,
    subject: String,
    sha256: [u8; 32],
    spki_sha256: [u8; 32],
    not_after: Timestamp,
}

/// One registered certificate (or fingerprint/SPKI pin) of a client, parsed once: the
/// serial, subject CN, issuer DN, SHA-256 fingerprint, SPKI SHA-256 and notAfter that
/// binding checks compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    label: String,
    pinned: Pinned,
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

fn sha256(bytes: &[u8]) -> [u8; 32] {
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

    fn registered(&self) -> Option<&Registered> {
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

/// A serial's content octets with redundant leading bytes removed: the minimal two's
/// complement encoding, so equal integers compare equal.
pub(crate) fn canonical_serial(content: &[u8]) -> &[u8] {
    let mut s = content;
    while let [first, second, ..] = s {
        let redundant =
            (*first == 0x00 && second & 0x80 == 0) || (*first == 0xff && second & 0x80 != 0);
        if !redundant {
            break;
        }
        s = &s[1..];
    }
    s
}

/// A serial in lowercase hex without the sign byte: `8001` for content `00 80 01`. A
/// negative serial (non-conforming but seen) is shown as `-` and its magnitude.
pub(crate) fn serial_display(content: &[u8]) -> String {
    let s = canonical_serial(content);
    match s.first() {
        None => "00".to_owned(),
        Some(b) if b & 0x80 != 0 => {
            // Two's complement negation: invert and add one.
            let mut magnitude: Vec<u8> = s.iter().map(|b| !b).collect();
            for byte in magnitude.iter_mut().rev() {
                let (sum, carry) = byte.overflowing_add(1);
                *byte = sum;
                if !carry {
                    break;
                }
            }
            let trimmed = match magnitude.iter().position(|&b| b != 0) {
                Some(i) => &magnitude[i..],
                None => &magnitude[magnitude.len().saturating_sub(1)..],
            };
            format!("-{}", hex::encode(trimmed))
        }
        Some(_) => crate::certificate::serial_hex(s),
    }
}

/// One client's registrations and how a presented leaf must match them. Build it once
/// (e.g. when the registry is loaded) and share it (`Arc<Binding>`) across requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    client: Option<String>,
    registrations: Vec<Registration>,
    mode: BindingMode,
    max_active: usize,
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

    fn for_client(&self) -> String {
        match &self.client {
            Some(c) => format!("client `{c}`"),
            None => "this client".to_owned(),
        }
    }
}

/// The result of checking a presented leaf against a client's registrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindingOutcome {
    /// True iff no finding is an error.
    pub accepted: bool,
    /// Index (into `Binding::registrations`) of the registration the leaf matched.
    pub matched: Option<usize>,
    /// `binding.*` findings (and `certificate.malformed` for an unparsable leaf).
    pub findings: Vec<Finding>,
}

/// Which fields differ, as bits, so the per-request path allocates nothing until it
/// has to explain a mismatch.
const SERIAL: u8 = 1;
const CN: u8 = 2;
const ISSUER: u8 = 4;
const FINGERPRINT: u8 = 8;
const SPKI: u8 = 16;

/// The presented leaf's fields, computed once per check.
struct Presented<'a> {
    cert: &'a Certificate,
    serial: &'a [u8],
    cn: Option<String>,
    spki_sha256: std::cell::OnceCell<[u8; 32]>,
}

impl Presented<'_> {
    fn spki(&self) -> &[u8; 32] {
        self.spki_sha256.get_or_init(|| sha256(self.cert.spki()))
    }

    fn same_issuer(&self, r: &Registered) -> bool {
        self.cert.issuer_raw() == r.issuer_raw.as_slice()
            || self.cert.issuer_string().eq_ignore_ascii_case(&r.issuer)
    }

    fn differences(&self, reg: &Registration, mode: BindingMode) -> u8 {
        match &reg.pinned {
            Pinned::Fingerprint(fp) => u8::from(self.cert.sha256() != fp) * FINGERPRINT,
            Pinned::Spki(h) => u8::from(self.spki() != h) * SPKI,
            Pinned::Certificate(r) => match mode {
                BindingMode::Fingerprint => u8::from(self.cert.sha256() != &r.sha256) * FINGERPRINT,
                BindingMode::Spki => u8::from(self.spki() != &r.spki_sha256) * SPKI,
                BindingMode::SerialCn | BindingMode::SerialCnIssuer => {
                    let mut d = 0;
                    if self.serial != r.serial.as_slice() {
                        d |= SERIAL;
                    }
                    if self.cn != r.common_name {
                        d |= CN;
                    }
                    if mode == BindingMode::SerialCnIssuer && !self.same_issuer(r) {
                        d |= ISSUER;
                    }
                    d
                }
            },
        }
    }
}

fn cn_shown(cn: Option<&str>) -> String {
    cn.map_or_else(|| "no CN".to_owned(), |c| format!("CN `{c}`"))
}

/// Checks `leaf` (certificate `index` of its input) against `binding` at `at`,
/// recording `binding.*` findings. Returns the index of the matching registration.
pub(crate) fn check(
    leaf: &Certificate,
    index: usize,
    binding: &Binding,
    at: Timestamp,
    findings: &mut Findings<'_>,
) -> Option<usize> {
    let whose = binding.for_client();
    if binding.registrations.is_empty() {
        findings.add(
            Code::BindingNoRegisteredCertificate,
            Some(index),
            format!("no certificate is registered for {whose}"),
            "Register the client's certificate before it connects (add it to the registry).",
        );
        return None;
    }
    let presented = Presented {
        cert: leaf,
        serial: canonical_serial(leaf.serial_bytes()),
        cn: leaf.common_name(),
        spki_sha256: std::cell::OnceCell::new(),
    };
    let mode = binding.mode;
    let active: Vec<usize> = (0..binding.registrations.len())
        .filter(|&i| binding.registrations[i].is_active_at(at))
        .collect();

    if binding.max_active > 0 && active.len() > binding.max_active {
        let labels: Vec<String> = active
            .iter()
            .map(|&i| format!("`{}`", binding.registrations[i].label))
            .collect();
        findings.add(
            Code::BindingTooManyActive,
            Some(index),
            format!(
                "{whose} has {} active registrations on {} ({}); at most {} may be active",
                active.len(),
                at.date(),
                labels.join(", "),
                binding.max_active
            ),
            "Remove the registration of the certificate being replaced: during a rotation only the old and the new certificate should be registered.",
        );
    }

    let diffs: Vec<(usize, u8)> = active
        .iter()
        .map(|&i| (i, presented.differences(&binding.registrations[i], mode)))
        .collect();
    if let Some(&(i, _)) = diffs.iter().find(|(_, d)| *d == 0) {
        return Some(i);
    }

    // No active registration matches: explain against the closest one.
    let who = format!("the presented leaf, {},", leaf.describe(index));
    let expired_twin = binding
        .registrations
        .iter()
        .find(|r| !r.is_active_at(at) && presented.differences(r, BindingMode::Fingerprint) == 0);
    let twin_note = expired_twin.map_or(String::new(), |r| {
        format!(
            " (it is the registered certificate `{}`, which expired on {})",
            r.label,
            r.not_after().map_or_else(String::new, |t| t.date())
        )
    });
    let Some(&(closest, bits)) = diffs.iter().min_by_key(|(_, d)| d.count_ones()) else {
        let last = binding
            .registrations
            .iter()
            .filter_map(Registration::not_after)
            .max()
            .map_or_else(String::new, |t| format!(", the last on {}", t.date()));
        findings.add(
            Code::BindingNoRegisteredCertificate,
            Some(index),
            format!(
                "every certificate registered for {whose} has expired ({} registered{last}){twin_note}",
                binding.registrations.len()
            ),
            "Register the client's renewed certificate; an expired registration never matches.",
        );
        return None;
    };
    let reg = &binding.registrations[closest];
    let reg_name = format!("the registered certificate `{}`", reg.label);
    let others = if diffs.len() > 1 {
        format!(
            "; it is the closest of the {} active registrations for {whose}",
            diffs.len()
        )
    } else {
        String::new()
    };
    let hint = if binding.max_active > 0 {
        format!(
            "Connect with the certificate registered for {whose}, or register this one first (up to {} can be active during a rotation).",
            binding.max_active
        )
    } else {
        format!("Connect with the certificate registered for {whose}, or register this one first.")
    };
    let r = reg.registered();
    let mut add = |code: Code, message: String, hint: &str| {
        findings.add(
            code,
            Some(index),
            format!("{message}{others}{twin_note}"),
            hint,
        );
    };
    if bits & SERIAL != 0
        && let Some(r) = r
    {
        add(
            Code::BindingSerialMismatch,
            format!(
                "{who} has serial {}; {reg_name} has serial {}",
                serial_display(presented.serial),
                serial_display(&r.serial)
            ),
            &hint,
        );
    }
    if bits & CN != 0
        && let Some(r) = r
    {
        add(
            Code::BindingCnMismatch,
            format!(
                "{who} has {}; {reg_name} has {}",
                cn_shown(presented.cn.as_deref()),
                cn_shown(r.common_name.as_deref())
            ),
            &hint,
        );
    }
    if bits & ISSUER != 0
        && let Some(r) = r
    {
        add(
            Code::BindingIssuerMismatch,
            format!(
                "{who} was issued by `{}`; {reg_name} was issued by `{}`",
                leaf.issuer_string(),
                r.issuer
            ),
            "Serial numbers are unique only per issuer: connect with the certificate registered for this client, or register the certificate from the new CA first.",
        );
    }
    if bits & FINGERPRINT != 0 {
        add(
            Code::BindingFingerprintMismatch,
            format!(
                "{who} has SHA-256 fingerprint {}; {reg_name} has {}",
                leaf.sha256_hex(),
                reg.sha256().map(hex::encode).unwrap_or_default()
            ),
            &hint,
        );
    }
    if bits & SPKI != 0 {
        add(
            Code::BindingSpkiMismatch,
            format!(
                "{who} has a public key with SPKI SHA-256 {}; {reg_name} pins {}",
                hex::encode(presented.spki()),
                reg.spki_sha256().map(hex::encode).unwrap_or_default()
            ),
            "Connect with a certificate for the registered key, or register the new key first.",
        );
    }
    None
}

impl Validator {
    /// Checks a presented leaf against a client's registrations at `at`, applying the
    /// policy's severity overrides. Nothing registered is parsed again: call it per
    /// request with a `Binding` built once.
    pub fn check_binding(
        &self,
        presented_leaf: &Certificate,
        binding: &Binding,
        at: Timestamp,
    ) -> BindingOutcome {
        let mut findings = Findings::new(self.policy());
        let matched = check(presented_leaf, 0, binding, at, &mut findings);
        outcome(matched, findings)
    }

    /// [`Validator::check_binding`] for a DER leaf, as a TLS stack hands it over. An
    /// unparsable leaf gives `certificate.malformed`.
    pub fn check_binding_der(
        &self,
        presented_leaf_der: &[u8],
        binding: &Binding,
        at: Timestamp,
    ) -> BindingOutcome {
        match Certificate::from_der(presented_leaf_der.to_vec()) {
            Ok(cert) => self.check_binding(&cert, binding, at),
            Err(e) => {
                let mut findings = Findings::new(self.policy());
                findings.add(
                    Code::CertificateMalformed,
                    Some(0),
                    format!("the presented leaf is not a valid X.509 certificate: {e}"),
                    "Check what the peer sent; it is not DER X.509.",
                );
                outcome(None, findings)
            }
        }
    }
}

fn outcome(matched: Option<usize>, findings: Findings<'_>) -> BindingOutcome {
    let findings = findings.into_vec();
    BindingOutcome {
        accepted: !findings.iter().any(|f| f.severity == Severity::Error),
        matched,
        findings,
    }
}

/// The validator's hook: checks the chain's leaf when the options carry a binding.
pub(crate) fn run_on_chain(
    slots: &[crate::input::Slot],
    chain: &crate::chain::Chain,
    binding: &Binding,
    at: Timestamp,
    findings: &mut Findings<'_>,
) {
    let Some(leaf) = chain.leaf else { return };
    let Some(Ok(cert)) = slots.get(leaf) else {
        return;
    };
    check(cert, leaf, binding, at, findings);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_compare_as_integers() {
        assert_eq!(canonical_serial(&[0x00, 0x80, 0x01]), &[0x00, 0x80, 0x01]);
        assert_eq!(
            canonical_serial(&[0x00, 0x00, 0x80, 0x01]),
            &[0x00, 0x80, 0x01]
        );
        assert_eq!(canonical_serial(&[0x00, 0x00, 0x01]), &[0x01]);
        assert_eq!(canonical_serial(&[0xff, 0x80]), &[0x80]);
        assert_eq!(canonical_serial(&[0x00]), &[0x00]);
        // 128 and -128 are different integers.
        assert_ne!(canonical_serial(&[0x00, 0x80]), canonical_serial(&[0x80]));
    }

    #[test]
    fn serials_display_without_sign_byte() {
        assert_eq!(serial_display(&[0x00, 0x80, 0x01]), "8001");
        assert_eq!(serial_display(&[0x00, 0x00, 0x01]), "01");
        assert_eq!(serial_display(&[0x0a, 0x00]), "0a00");
        assert_eq!(serial_display(&[0x00]), "00");
        assert_eq!(serial_display(&[]), "00");
        assert_eq!(serial_display(&[0xff]), "-01");
        assert_eq!(serial_display(&[0x80]), "-80");
        assert_eq!(serial_display(&[0xff, 0x00]), "-0100");
        let twenty = [0xffu8; 20];
        let mut with_sign = vec![0u8];
        with_sign.extend_from_slice(&twenty);
        assert_eq!(serial_display(&with_sign), "ff".repeat(20));
    }

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
