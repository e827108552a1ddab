//! `Validator`: a policy plus its trust anchors, shareable across threads; the entry point.
//!
//! A validation runs in two parts. The *analysis* (parsing, chain assembly, signatures,
//! policy checks, path validation) depends only on the input, the policy, the trust
//! store and, within a computed `Window`, the validation time; it is cached per input, so
//! a chain seen before costs a hash, a comparison and a copy of the report. The
//! *completion* runs on every call and holds whatever depends on per-call `Options`.
//!
//! Bundle mode lives in `bundle`, trust-store mode in `presented` (public as
//! `chainvet::presented`), and the report both build in `report`; this file holds the
//! validator itself, its caches, `Options`, and binding outside a validation.

use std::sync::Arc;

mod bundle;
pub mod presented;
mod report;

use crate::binding::{self, Binding, BindingOutcome};
use crate::cache::BytesCache;
pub use crate::cache::CacheLimit;
use crate::certificate::cache::ParsedCertificates;
use crate::certificate::{self, Certificate};
use crate::findings::Findings;
use crate::input::Slot;
use crate::policy::{Policy, PolicyError};
use crate::revocation;
use crate::signature::{self, cache::SignatureCache};
use crate::time::{Timestamp, Window};
use crate::trust::TrustStore;
pub(crate) use bundle::Analysis;
use bundle::Base;
use presented::PresentedAnalysis;

/// Vets certificate bundles against one policy. Cheap to share: `Send + Sync`; clones
/// share its caches (verified signatures and analyses of inputs seen before, which only
/// ever save work and never change a result, and the bounded revocation cache).
#[derive(Debug, Clone)]
pub struct Validator {
    policy: Policy,
    trust: TrustStore,
    caches: Arc<Caches>,
    revocation: Arc<revocation::Checker>,
}

/// How much a `Validator` may cache. Both caches are bounded in entries and bytes and
/// evict what was least recently useful.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheLimits {
    /// Verified signatures (about 1.5 KB each for RSA-2048 links).
    pub signatures: CacheLimit,
    /// Analyses of inputs seen before (about 10-20 KB each for a 3-certificate bundle),
    /// for each mode: bundle mode and trust-store mode each keep up to this much.
    pub analyses: CacheLimit,
}

impl CacheLimits {
    /// Nothing cached: every validation is a first sight.
    pub const OFF: CacheLimits = CacheLimits {
        signatures: CacheLimit::OFF,
        analyses: CacheLimit::OFF,
    };
}

impl Default for CacheLimits {
    /// 32,768 signatures in at most 48 MiB; 8,192 analyses in at most 96 MiB.
    fn default() -> Self {
        CacheLimits {
            signatures: CacheLimit {
                entries: 32_768,
                bytes: 48 << 20,
            },
            analyses: CacheLimit {
                entries: 8_192,
                bytes: 96 << 20,
            },
        }
    }
}

/// How full a validator's caches are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheUsage {
    /// (entries, bytes) of verified signatures.
    pub signatures: (usize, usize),
    /// (entries, bytes) of cached analyses, both modes together.
    pub analyses: (usize, usize),
}

/// A validator's caches. They hold results for *this* policy and trust store only: every
/// way of changing either makes a new `Caches`.
struct Caches {
    limits: CacheLimits,
    signatures: Arc<SignatureCache>,
    analyses: BytesCache<Arc<Base>>,
    /// Trust-store mode's analyses, keyed by the presented certificates and the options
    /// that decide the verdict.
    presented: BytesCache<Arc<PresentedAnalysis>>,
    /// CA certificates parsed before (their report text rendered), by DER, in both
    /// modes (`certificate::cache`). A quarter of the analyses' limits.
    certificates: Arc<ParsedCertificates>,
    /// The trust anchors' notBefore and notAfter + 1, sorted: the times at which a check
    /// of an anchor's validity could change its outcome.
    anchor_boundaries: Vec<i64>,
}

impl core::fmt::Debug for Caches {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Caches")
            .field("signatures", &self.signatures)
            .field("analyses", &self.analyses)
            .field("presented", &self.presented)
            .finish_non_exhaustive()
    }
}

impl Caches {
    fn new(limits: CacheLimits, trust: &TrustStore) -> Arc<Caches> {
        let mut anchor_boundaries: Vec<i64> = trust
            .anchors()
            .iter()
            .flat_map(|a| [a.not_before().0, a.not_after().0.saturating_add(1)])
            .collect();
        anchor_boundaries.sort_unstable();
        Arc::new(Caches {
            limits,
            signatures: Arc::new(SignatureCache::new(limits.signatures)),
            analyses: BytesCache::new(limits.analyses),
            presented: BytesCache::new(limits.analyses),
            certificates: Arc::new(ParsedCertificates::new(CacheLimit {
                entries: limits.analyses.entries / 4,
                bytes: limits.analyses.bytes / 4,
            })),
            anchor_boundaries,
        })
    }
}

/// Per-call inputs beyond the certificates themselves. `Options::default()` validates
/// now with nothing else supplied.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// Validation time; `None` means now.
    pub at: Option<Timestamp>,
    /// The client's registrations: when set, the leaf must match one of them
    /// (`binding.*`). An `Arc` so a gateway shares one `Binding` across requests.
    pub binding: Option<Arc<Binding>>,
    /// DER OCSP responses stapled in the TLS handshake (status_request). Evaluated like
    /// fetched ones and matched to certificates by CertID; reported as `stapled`.
    pub stapled_ocsp: Vec<Vec<u8>>,
    /// DER OCSP responses the caller obtained itself (its own client, a file);
    /// reported as `supplied`. One that is about no certificate of the bundle is
    /// `revocation.response_invalid`.
    pub ocsp_responses: Vec<Vec<u8>>,
    /// CRLs (DER or PEM) the caller obtained itself; each applies to the certificates
    /// its issuer issued.
    pub crls: Vec<Vec<u8>>,
    /// CRLs parsed once (`revocation::Crl::from_bytes`) and shared by many validations,
    /// so a large CRL is not parsed again per call; used like `crls` (after them) and
    /// held to the same `max_crl_bytes` cap.
    pub parsed_crls: Vec<Arc<revocation::Crl>>,
    /// Never contact a responder or distribution point: only stapled and supplied data
    /// and the cache are used.
    pub offline: bool,
    /// Send a random nonce in fetched OCSP requests and require the response to echo
    /// it. Off by default: many responders serve pre-signed responses without one.
    /// Cached answers (fetched with a nonce earlier) are still used.
    pub ocsp_nonce: bool,
}

impl Options {
    /// Options that validate at `at`.
    pub fn at(at: Timestamp) -> Options {
        Options {
            at: Some(at),
            ..Options::default()
        }
    }

    /// These options, also checking the leaf against a client's registrations.
    pub fn with_binding(mut self, binding: Arc<Binding>) -> Options {
        self.binding = Some(binding);
        self
    }

    fn time(&self) -> Timestamp {
        self.at.unwrap_or_else(Timestamp::now)
    }

    /// What these options supply to the revocation step.
    pub(crate) fn supplied(&self) -> revocation::Supplied<'_> {
        revocation::Supplied {
            stapled_ocsp: &self.stapled_ocsp,
            ocsp_responses: &self.ocsp_responses,
            crls: &self.crls,
            parsed_crls: &self.parsed_crls,
            offline: self.offline,
            ocsp_nonce: self.ocsp_nonce,
        }
    }
}

impl Default for Validator {
    fn default() -> Self {
        Validator::with_trust_store(Policy::default(), TrustStore::empty())
    }
}

impl Validator {
    /// A validator for `policy`, loading its `trust_store` file if one is set.
    pub fn new(policy: Policy) -> Result<Validator, PolicyError> {
        revocation::Destinations::from_policy(&policy.revocation).map_err(|e| {
            PolicyError::new(e.to_string()).in_field("revocation.allow_destinations")
        })?;
        let trust = match &policy.trust_store {
            Some(path) => TrustStore::from_file(path)?,
            None => TrustStore::empty(),
        };
        Ok(Validator::with_trust_store(policy, trust))
    }

    /// A validator for `policy` with the given trust anchors (which replace any
    /// `trust_store` file the policy names).
    pub fn with_trust_store(policy: Policy, trust: TrustStore) -> Validator {
        let caches = Caches::new(CacheLimits::default(), &trust);
        let revocation = Arc::new(revocation::Checker::new(&policy.revocation));
        Validator {
            policy,
            trust,
            caches,
            revocation,
        }
    }

    /// The same validator with fresh caches of the given sizes (`CacheLimits::OFF`:
    /// none). The caches are not shared with the validator it was made from.
    pub fn with_cache_limits(mut self, limits: CacheLimits) -> Validator {
        self.caches = Caches::new(limits, &self.trust);
        self
    }

    /// The cache sizes in force.
    pub fn cache_limits(&self) -> CacheLimits {
        self.caches.limits
    }

    /// What the caches hold now: (entries, bytes) of verified signatures and of analyses.
    pub fn cache_usage(&self) -> CacheUsage {
        CacheUsage {
            signatures: self.caches.signatures.usage(),
            analyses: {
                let (bundle, presented) =
                    (self.caches.analyses.usage(), self.caches.presented.usage());
                (bundle.0 + presented.0, bundle.1 + presented.1)
            },
        }
    }

    /// Forgets every cached signature and analysis (shared with this validator's clones).
    pub fn clear_caches(&self) {
        self.caches.signatures.clear();
        self.caches.analyses.clear();
        self.caches.presented.clear();
        self.caches.certificates.clear();
    }

    /// Makes this validator's cache of parsed CA certificates the active one on this
    /// thread until the guard drops.
    pub(crate) fn enter_certificate_cache(&self) -> certificate::cache::Scope {
        certificate::cache::enter(&self.caches.certificates)
    }

    /// Makes this validator's verified-signature cache the active one on this thread
    /// until the guard drops.
    pub(crate) fn enter_signature_cache(&self) -> signature::cache::Scope {
        signature::cache::enter(&self.caches.signatures)
    }

    /// Trust-store mode's analyses.
    pub(crate) fn presented_cache(&self) -> &BytesCache<Arc<PresentedAnalysis>> {
        &self.caches.presented
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The trust anchors (empty when none are configured).
    pub fn trust_store(&self) -> &TrustStore {
        &self.trust
    }

    /// The revocation checker (cache, HTTP client) of this validator.
    pub(crate) fn revocation_checker(&self) -> &revocation::Checker {
        &self.revocation
    }

    /// The revocation cache shared by this validator and its clones, e.g. to store an
    /// OCSP answer a gateway fetched on its own event loop (`revocation::ocsp`).
    pub fn revocation_cache(&self) -> &revocation::Cache {
        self.revocation.cache()
    }

    /// A backstop for time dependence the checks did not record themselves (rustls-webpki
    /// compares the time with every certificate's validity): the analysis holds only while
    /// no certificate's validity status changes, and not at all past the current instant
    /// when a certificate is outside its validity (messages then count days).
    pub(crate) fn narrow_by_validity(&self, slots: &[Slot], at: Timestamp, window: &mut Window) {
        for cert in slots.iter().filter_map(|s| s.as_ref().ok()) {
            if at < cert.not_before() || at > cert.not_after() {
                window.pin(at);
                return;
            }
            window.split_at(at, cert.not_before().0);
            window.split_at(at, cert.not_after().0.saturating_add(1));
        }
        let bounds = &self.caches.anchor_boundaries;
        let next = bounds.partition_point(|&b| b <= at.0);
        if let Some(&below) = next.checked_sub(1).and_then(|i| bounds.get(i)) {
            window.split_at(at, below);
        }
        if let Some(&above) = bounds.get(next) {
            window.split_at(at, above);
        }
    }
}

/// Binding to a client's registrations, outside a validation (`binding` holds the
/// comparison; both modes also run it when their options carry a `Binding`).
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
        let matched = binding::check(presented_leaf, 0, binding, at, &mut findings);
        binding::outcome(matched, findings)
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
                findings.certificate_malformed(0, None, &"the presented leaf", &e, None);
                binding::outcome(None, findings)
            }
        }
    }
}
