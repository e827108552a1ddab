//! `Policy`: plain data with documented defaults, loadable from TOML or JSON.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::certificate::{Curve, KeyAlgorithm};
use crate::code::Code;
use crate::report::Severity;

pub mod conformance;
pub mod destination;
mod path_validation;
pub mod revocation;
pub mod subject;
pub mod usage;

use conformance::Conformance;
use destination::Destinations;
use revocation::{RevocationPolicy, Scope};
use subject::SubjectPolicy;

pub use path_validation::{Engine, PathValidation, PolicyInputs};

/// What to do with findings of one code, overriding its default severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Report as an error (rejects).
    Error,
    /// Report as a warning.
    Warning,
    /// Report as info.
    Info,
    /// Do not report at all.
    Off,
}

impl Level {
    /// The severity, or `None` for `Off`.
    pub const fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

/// Every rule the validator applies. Plain data: build it with `Policy::default()` (the
/// mTLS onboarding profile) and change fields, or load it from TOML/JSON. Unknown keys
/// are rejected so a typo never silently weakens a policy.
///
/// Numeric limits use `0` for "off" so every knob can be turned off from TOML, which has
/// no null.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Largest input accepted, in bytes (`input.too_large`). Default 1 MiB.
    pub max_input_bytes: usize,
    /// Most certificates a bundle may hold (`chain.too_long`). Default 10.
    pub max_certificates: usize,
    /// Minimum leaf lifetime, notBefore to notAfter, in days (`validity.too_short`).
    /// Default 180; 0 turns it off.
    pub leaf_min_lifetime_days: u32,
    /// Maximum leaf lifetime in days (`validity.too_long`). Default 0 (no maximum).
    pub leaf_max_lifetime_days: u32,
    /// Warn when the leaf expires within this many days (`validity.expires_soon`).
    /// Default 30; 0 turns it off.
    pub renewal_window_days: u32,
    /// Smallest RSA modulus in bits, any certificate (`key.rsa_too_small`). Default 2048;
    /// 0 turns it off.
    pub rsa_min_bits: u32,
    /// EC curves allowed (`key.curve_not_allowed`). Default P-256, P-384, P-521.
    pub allowed_curves: Vec<Curve>,
    /// Key algorithms allowed (`key.algorithm_not_allowed`). Default rsa, ec, ed25519.
    pub allowed_key_algorithms: Vec<KeyAlgorithm>,
    /// The leaf must carry an extendedKeyUsage with clientAuth
    /// (`leaf.client_auth_missing`). Default true. When false, a leaf without the
    /// extension passes, but one whose EKU excludes clientAuth still fails.
    pub require_client_auth_eku: bool,
    /// When the leaf is validated for TLS client authentication (bundle mode, and
    /// trust-store mode with `Usage::ClientAuth`), a keyUsage extension, if present, must
    /// assert digitalSignature or keyAgreement (`leaf.key_usage_unsuitable`): the client
    /// signs the handshake's CertificateVerify with the key (RFC 8446 4.4.3), or agrees
    /// keys with it (static (EC)DH). Default true; false in `rfc5280()` and `cabf()`,
    /// which judge paths, not TLS usage.
    pub require_tls_client_key_usage: bool,
    /// A PEM file of trusted root certificates. When set, the chain must end at one of
    /// them (`root.not_trusted`). A relative path is resolved against the policy file.
    pub trust_store: Option<PathBuf>,
    /// Revocation checking (OCSP and CRLs): the `[revocation]` table. Default soft-fail
    /// for the leaf; see `RevocationPolicy` for every knob.
    pub revocation: RevocationPolicy,
    /// Per-code severity overrides, e.g. `"validity.too_short" = "warning"` or
    /// `"chain.root_missing" = "off"`.
    pub severity: BTreeMap<Code, Level>,
    /// RFC 5280 and CA/B Forum profile rules beyond path validation
    /// (`certificate.nonconforming`). Default: both off.
    pub conformance: Conformance,
    /// Subject rules for the leaf and for CSRs (`subject.*`), the `[subject]` table.
    /// Default: everything off.
    #[serde(default)]
    pub subject: SubjectPolicy,
    /// Trust-store mode's path validation engine and the RFC 5280 certificate-policy
    /// inputs, the `[path_validation]` table. Default: chainvet's own RFC 5280 engine,
    /// any policy.
    #[serde(default)]
    pub path_validation: PathValidation,
}

/// One MiB, the default input limit.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 1024 * 1024;

impl Default for Policy {
    fn default() -> Self {
        Policy::mtls_client()
    }
}

impl Policy {
    /// The default: onboarding of mTLS client certificates, as payment and API gateways
    /// demand it (complete leaf-to-root chain, clientAuth, 180-day minimum lifetime,
    /// RSA >= 2048, NIST curves, no SHA-1).
    pub fn mtls_client() -> Policy {
        Policy {
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            max_certificates: 10,
            leaf_min_lifetime_days: 180,
            leaf_max_lifetime_days: 0,
            renewal_window_days: 30,
            rsa_min_bits: 2048,
            allowed_curves: vec![Curve::P256, Curve::P384, Curve::P521],
            allowed_key_algorithms: vec![
                KeyAlgorithm::Rsa,
                KeyAlgorithm::Ec,
                KeyAlgorithm::Ed25519,
            ],
            require_client_auth_eku: true,
            require_tls_client_key_usage: true,
            trust_store: None,
            revocation: RevocationPolicy::default(),
            severity: BTreeMap::new(),
            conformance: Conformance::default(),
            subject: SubjectPolicy::default(),
            path_validation: PathValidation::default(),
        }
    }

    /// Pure RFC 5280 path validation, as x509-limbo's `rfc5280::` cases test it: no
    /// lifetime floor or renewal window, an EKU checked only if present, the RFC 5280
    /// certificate-profile rules on (`[conformance] rfc5280`), and the key floor kept
    /// (RSA >= 2048, NIST curves, no SHA-1). Where RFC 5280 and the CA/B Forum rules
    /// disagree this profile takes RFC 5280's side (a leaf without EKU passes; name
    /// constraints must be critical); `Policy::cabf()` takes the other. Paths are
    /// validated by chainvet's own RFC 5280 engine (`[path_validation]`), and, as RFC
    /// 5280 makes no rule about the target's cA flag, a CA certificate as the target
    /// passes (`leaf.is_ca` is off); the other profiles keep rejecting it.
    pub fn rfc5280() -> Policy {
        Policy {
            leaf_min_lifetime_days: 0,
            renewal_window_days: 0,
            require_client_auth_eku: false,
            require_tls_client_key_usage: false,
            // RFC 5280 sets no limit; 64 bounds the work and fits every pool in
            // x509-limbo and BetterTLS (35 intermediates).
            max_certificates: 64,
            conformance: Conformance {
                rfc5280: true,
                cabf: false,
            },
            // RFC 5280 6.3: revocation of every certificate of the path.
            revocation: RevocationPolicy {
                scope: Scope::Chain,
                ..RevocationPolicy::default()
            },
            // chainvet's own RFC 5280 engine decides trust-store mode (x509-limbo: 6811
            // of 6812 against rustls-webpki's 6805; docs/path-validation.md).
            path_validation: PathValidation {
                engine: Engine::Chainvet,
                ..PathValidation::default()
            },
            severity: BTreeMap::from([(Code::LeafIsCa, Level::Off)]),
            ..Policy::mtls_client()
        }
    }

    /// RFC 5280 plus the CA/B Forum Baseline Requirements for publicly trusted TLS
    /// certificates (the Web PKI), as x509-limbo's `webpki::` cases test it: on top of
    /// `Policy::rfc5280()`, `[conformance] cabf` (a server leaf must carry a non-critical
    /// EKU, its commonName must copy a subjectAltName entry, RSA moduli are multiples of
    /// 8, roots carry no EKU) and name constraints may be non-critical.
    pub fn cabf() -> Policy {
        Policy {
            conformance: Conformance {
                rfc5280: true,
                cabf: true,
            },
            // The Web PKI profile keeps rustls-webpki as its engine, and refuses a CA
            // certificate as the target.
            path_validation: PathValidation {
                engine: Engine::Webpki,
                ..PathValidation::default()
            },
            severity: BTreeMap::new(),
            ..Policy::rfc5280()
        }
    }

    /// Parses a policy from TOML. Missing keys take their defaults.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        use crate::load_error::{field_of, from_toml};
        let located = |e: &toml::de::Error, field| {
            from_toml(text, e, field).prefixed("invalid policy TOML: ")
        };
        let de = toml::de::Deserializer::parse(text).map_err(|e| located(&e, None))?;
        serde_path_to_error::deserialize(de)
            .map_err(|e| located(e.inner(), field_of(e.path())))
            .and_then(Policy::checked)
    }

    /// Parses a policy from JSON. Missing keys take their defaults.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        use crate::load_error::{field_of, from_json};
        let located =
            |e: &serde_json::Error, field| from_json(e, field).prefixed("invalid policy JSON: ");
        let mut de = serde_json::Deserializer::from_str(text);
        let policy: Policy = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| located(e.inner(), field_of(e.path())))?;
        de.end().map_err(|e| located(&e, None))?;
        policy.checked()
    }

    /// Refuses values serde accepts but chainvet cannot use (an `allow_destinations`
    /// entry that is neither a host, an address nor a CIDR block).
    fn checked(self) -> Result<Policy, PolicyError> {
        Destinations::from_policy(&self.revocation).map_err(|e| {
            PolicyError::new(format!("invalid policy: {e}"))
                .in_field("revocation.allow_destinations")
        })?;
        Ok(self)
    }

    /// Parses TOML or JSON, telling them apart by the first non-blank character.
    pub fn from_text(text: &str) -> Result<Policy, PolicyError> {
        if text.trim_start().starts_with('{') {
            Policy::from_json(text)
        } else {
            Policy::from_toml(text)
        }
    }

    /// Loads a policy file (TOML, or JSON if it starts with `{`), resolving a relative
    /// `trust_store` against the file's directory.
    pub fn from_file(path: &std::path::Path) -> Result<Policy, PolicyError> {
        let text = crate::read::text_file(path, crate::read::MAX_POLICY_BYTES, "policy")
            .map_err(|e| PolicyError::new(e).in_file(path))?;
        let mut policy = Policy::from_text(&text).map_err(|e| e.in_file(path))?;
        if let (Some(store), Some(dir)) = (&policy.trust_store, path.parent())
            && store.is_relative()
        {
            policy.trust_store = Some(dir.join(store));
        }
        Ok(policy)
    }

    /// The severity a finding of `code` gets, or `None` when it is turned off.
    pub fn severity_of(&self, code: Code) -> Option<Severity> {
        match self.severity.get(&code) {
            Some(level) => level.severity(),
            None => Some(code.default_severity()),
        }
    }

    /// The policy as TOML text.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// A policy that cannot be loaded, with what is wrong and where (file, line, column,
/// field). The error every loader gives (`LoadError`).
pub type PolicyError = crate::load_error::LoadError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_overrides_defaults_and_rejects_typos() {
        let p = Policy::from_toml(
            "leaf_min_lifetime_days = 0\nallowed_curves = [\"P-256\"]\n[severity]\n\"chain.root_missing\" = \"off\"\n",
        )
        .unwrap();
        assert_eq!(p.leaf_min_lifetime_days, 0);
        assert_eq!(p.allowed_curves, vec![Curve::P256]);
        assert_eq!(p.severity_of(Code::ChainRootMissing), None);
        assert_eq!(p.rsa_min_bits, 2048);

        let err = Policy::from_toml("rsa_min_bit = 1024").unwrap_err();
        assert!(err.message.contains("rsa_min_bit"), "{err}");
        assert_eq!((err.line, err.column), (Some(1), Some(1)), "{err}");
        let err = Policy::from_toml("[severity]\n\"chain.nope\" = \"off\"").unwrap_err();
        assert!(err.message.contains("chain.nope"), "{err}");
        assert_eq!(err.line, Some(2), "{err}");
    }

    #[test]
    fn json_and_toml_agree_and_round_trip() {
        let p = Policy::from_text("{\"rsa_min_bits\": 3072}").unwrap();
        assert_eq!(p.rsa_min_bits, 3072);
        let again = Policy::from_toml(&p.to_toml()).unwrap();
        assert_eq!(again, p);
    }
}
