//! `RevocationPolicy`: the `[revocation]` table of a policy file.

use serde::{Deserialize, Serialize};

use super::status::Method;

/// What a failure to learn a certificate's status does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// No revocation checking at all.
    Off,
    /// Revoked and unknown reject; an unreachable responder is a warning.
    #[default]
    SoftFail,
    /// Revoked and unknown reject, and so does an unreachable responder.
    HardFail,
}

/// Which certificates are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Only the leaf.
    #[default]
    Leaf,
    /// The leaf and every intermediate (a self-signed root has no one to ask).
    Chain,
}

/// The hash an OCSP request's CertID is computed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CertIdHash {
    /// SHA-1: what RFC 5019 responders (and most deployed ones) expect. Used only to
    /// identify the certificate, not to sign anything.
    #[default]
    Sha1,
    /// SHA-256.
    Sha256,
}

/// Revocation checking: OCSP (fetched, stapled or supplied) and CRLs. Defaults are those
/// of `RevocationPolicy::default()`:
///
/// | field | default |
/// |---|---|
/// | `mode` | `soft-fail` |
/// | `scope` | `leaf` |
/// | `prefer` | `ocsp` (then CRL) |
/// | `require_url` | `false` |
/// | `cert_id_hash` | `sha1` |
/// | `clock_skew_seconds` | 300 |
/// | `max_age_seconds` | 604800 (7 days, for responses without nextUpdate) |
/// | `timeout_ms` | 3000 (per request, connect to last byte) |
/// | `max_ocsp_bytes` | 65536 |
/// | `max_crl_bytes` | 10485760 |
/// | `cache_max_entries` | 10000 |
/// | `cache_max_bytes` | 67108864 |
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RevocationPolicy {
    /// `off`, `soft-fail` or `hard-fail`.
    pub mode: Mode,
    /// `leaf` or `chain`.
    pub scope: Scope,
    /// Which source is asked first over the network (and looked up first in the cache);
    /// the other is the fallback when the first is unavailable.
    pub prefer: Method,
    /// Report `revocation.no_ocsp_url` for a checked certificate that names neither an
    /// OCSP responder nor a CRL distribution point.
    pub require_url: bool,
    /// Hash for the CertID of requests chainvet builds.
    pub cert_id_hash: CertIdHash,
    /// Tolerated clock difference when judging thisUpdate and nextUpdate, in seconds.
    pub clock_skew_seconds: u32,
    /// How long a response or CRL without nextUpdate counts as fresh, in seconds.
    pub max_age_seconds: u32,
    /// Total time allowed for one fetch (connect, send, receive, redirects), in ms.
    pub timeout_ms: u32,
    /// Largest OCSP response accepted, in bytes.
    pub max_ocsp_bytes: usize,
    /// Largest CRL accepted, in bytes.
    pub max_crl_bytes: usize,
    /// Most responses and CRLs the validator's cache holds.
    pub cache_max_entries: usize,
    /// Most bytes (responses and CRLs) the validator's cache holds.
    pub cache_max_bytes: usize,
}

impl Default for RevocationPolicy {
    fn default() -> Self {
        RevocationPolicy {
            mode: Mode::SoftFail,
            scope: Scope::Leaf,
            prefer: Method::Ocsp,
            require_url: false,
            cert_id_hash: CertIdHash::Sha1,
            clock_skew_seconds: 300,
            max_age_seconds: 7 * 24 * 3600,
            timeout_ms: 3000,
            max_ocsp_bytes: 64 * 1024,
            max_crl_bytes: 10 * 1024 * 1024,
            cache_max_entries: 10_000,
            cache_max_bytes: 64 * 1024 * 1024,
        }
    }
}

impl RevocationPolicy {
    /// The clock skew as a signed number of seconds.
    pub(crate) fn skew(&self) -> i64 {
        i64::from(self.clock_skew_seconds)
    }

    /// The maximum age as a signed number of seconds.
    pub(crate) fn max_age(&self) -> i64 {
        i64::from(self.max_age_seconds)
    }
}
