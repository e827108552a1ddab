//! The `[path_validation]` table: which engine validates paths in trust-store mode, and
//! the RFC 5280 6.1.1 inputs of certificate policy processing (read by chainvet's own
//! engine, `crate::rfc5280`).

use const_oid::ObjectIdentifier;
use serde::{Deserialize, Serialize};

/// Which path validation engine decides trust-store mode (`[path_validation] engine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// rustls-webpki builds and validates the paths (the Web PKI subset of RFC 5280):
    /// the engine of `Policy::cabf()`, and the second opinion of the differential tests.
    Webpki,
    /// chainvet's own RFC 5280 section 6 engine (certificate policies, every name
    /// constraint form, self-issued certificates as 6.1 says): the default, for the mTLS
    /// profile and `Policy::rfc5280()`.
    #[default]
    Chainvet,
}

/// The `[path_validation]` table: the engine and the RFC 5280 6.1.1 inputs that shape
/// certificate policy processing. The defaults are RFC 5280's "no policy wanted":
/// any policy, nothing explicit, mapping and anyPolicy allowed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PathValidation {
    /// The engine of trust-store mode. Default `chainvet` (the mTLS and RFC 5280
    /// profiles); `Policy::cabf()` uses `webpki` (docs/path-validation.md).
    pub engine: Engine,
    /// 6.1.1 (c) user-initial-policy-set: policy OIDs in dotted form acceptable to the
    /// caller. Empty means {anyPolicy}.
    #[serde(deserialize_with = "oid_strings")]
    pub user_initial_policy_set: Vec<String>,
    /// 6.1.1 (f) initial-explicit-policy: the path must be valid for at least one policy
    /// of the user-initial-policy-set.
    pub initial_explicit_policy: bool,
    /// 6.1.1 (e) initial-policy-mapping-inhibit: policy mapping is not allowed.
    pub initial_policy_mapping_inhibit: bool,
    /// 6.1.1 (g) initial-any-policy-inhibit: anyPolicy in a certificate is ignored.
    pub initial_any_policy_inhibit: bool,
}

fn oid_strings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let list = Vec::<String>::deserialize(d)?;
    for s in &list {
        ObjectIdentifier::new(s).map_err(|e| {
            serde::de::Error::custom(format!("`{s}` is not a dotted policy OID: {e}"))
        })?;
    }
    Ok(list)
}

/// The four RFC 5280 6.1.1 inputs of certificate policy processing on their own: what
/// a single validation may set in place of the policy's `[path_validation]` values
/// (`PresentedOptions::policy_inputs`, `chainvet verify --policy-oid ...`, the C and
/// Python options). The default is RFC 5280's "no policy wanted".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyInputs {
    /// 6.1.1 (c) user-initial-policy-set, dotted OIDs; empty means {anyPolicy}.
    pub user_initial_policy_set: Vec<String>,
    /// 6.1.1 (f) initial-explicit-policy.
    pub initial_explicit_policy: bool,
    /// 6.1.1 (e) initial-policy-mapping-inhibit.
    pub initial_policy_mapping_inhibit: bool,
    /// 6.1.1 (g) initial-any-policy-inhibit.
    pub initial_any_policy_inhibit: bool,
}

impl PolicyInputs {
    /// Whether these inputs ask for anything beyond RFC 5280's defaults: only then
    /// does an engine that does not process certificate policies (rustls-webpki) fail
    /// to honour them.
    pub fn constrains(&self) -> bool {
        // anyPolicy (RFC 5280 4.2.1.4) asks for nothing.
        const ANY_POLICY: &str = "2.5.29.32.0";
        self.initial_explicit_policy
            || self.initial_policy_mapping_inhibit
            || self.initial_any_policy_inhibit
            || self.user_initial_policy_set.iter().any(|p| p != ANY_POLICY)
    }

    /// Checks that every entry of the user-initial-policy-set is a dotted OID, naming
    /// the first that is not.
    pub fn check(&self) -> Result<(), String> {
        for s in &self.user_initial_policy_set {
            ObjectIdentifier::new(s)
                .map_err(|e| format!("`{s}` is not a dotted policy OID: {e}"))?;
        }
        Ok(())
    }
}

impl PathValidation {
    /// The table's 6.1.1 inputs.
    pub fn policy_inputs(&self) -> PolicyInputs {
        PolicyInputs {
            user_initial_policy_set: self.user_initial_policy_set.clone(),
            initial_explicit_policy: self.initial_explicit_policy,
            initial_policy_mapping_inhibit: self.initial_policy_mapping_inhibit,
            initial_any_policy_inhibit: self.initial_any_policy_inhibit,
        }
    }
}
