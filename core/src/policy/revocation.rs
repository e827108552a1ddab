//! `RevocationPolicy`: the `[revocation]` table of a policy file.

use serde::{Deserialize, Serialize};

use crate::report::revocation::Method;

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
/// | `deadline_ms` | 5000 (all revocation work of one validation) |
/// | `max_ocsp_urls` | 2 (per certificate) |
/// | `max_crl_urls` | 2 (per certificate) |
/// | `negative_cache_seconds` | 60 |
/// | `allow_destinations` | `[]` |
/// | `deny_private_destinations` | `false` |
/// | `cache_issuer_share_percent` | 25 |
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
    /// Total time allowed for all network work of one validation (every certificate,
    /// URL and candidate path), in ms. Once spent, what is left is `unavailable`.
    pub deadline_ms: u32,
    /// Most OCSP responder URLs tried per certificate (after removing duplicates).
    pub max_ocsp_urls: usize,
    /// Most CRL distribution point URLs tried per certificate (after removing
    /// duplicates).
    pub max_crl_urls: usize,
    /// How long a destination that failed (unreachable, timed out, refused by the
    /// destination policy, bad HTTP answer) is not asked again, in seconds; 0 disables.
    pub negative_cache_seconds: u32,
    /// Destinations opened although the destination policy denies them by default
    /// (loopback, link-local, private when denied): host names (exact,
    /// case-insensitive), IP addresses or CIDR blocks, e.g.
    /// `["127.0.0.1", "10.1.0.0/16", "ocsp.internal.example"]`. Also the hosts a
    /// redirect may go to besides the one asked.
    pub allow_destinations: Vec<String>,
    /// Also deny private addresses (RFC 1918, CGNAT 100.64.0.0/10, ULA fc00::/7),
    /// which are allowed by default because enterprise CAs run responders there.
    pub deny_private_destinations: bool,
    /// Most of the cache's byte budget one issuer's responses and CRLs may take, in
    /// percent (1-100), so no single CA can crowd out the others.
    pub cache_issuer_share_percent: u8,
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
            deadline_ms: 5000,
            max_ocsp_urls: 2,
            max_crl_urls: 2,
            negative_cache_seconds: 60,
            allow_destinations: Vec::new(),
            deny_private_destinations: false,
            cache_issuer_share_percent: 25,
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
