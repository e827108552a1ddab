//! `Validator`: a policy plus its trust anchors, shareable across threads; the entry point.
//!
//! A validation runs in two parts. The *analysis* (parsing, chain assembly, signatures,
//! policy checks, path validation) depends only on the input, the policy, the trust
//! store and, within a computed `Window`, the validation time; it is cached per input, so
//! a chain seen before costs a hash, a comparison and a copy of the report. The
//! *completion* runs on every call and holds whatever depends on per-call `Options`.

use std::sync::Arc;

use crate::cache::BytesCache;
pub use crate::cache::CacheLimit;
use crate::certificate::Certificate;
use crate::chain::{self, Chain};
use crate::checks;
use crate::code::Code;
use crate::findings::Findings;
use crate::input::{self, Slot};
use crate::path_validation;
use crate::policy::{Policy, PolicyError};
use crate::report::{CertificateInfo, ChainSummary, Finding, Report, Severity};
use crate::revocation;
use crate::signature::{self, cache::SignatureCache};
use crate::time::{Timestamp, Window};
use crate::trust::TrustStore;

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
    /// Analyses of inputs seen before (about 10-20 KB each for a 3-certificate bundle).
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
    /// (entries, bytes) of cached analyses.
    pub analyses: (usize, usize),
}

/// A validator's caches. They hold results for *this* policy and trust store only: every
/// way of changing either makes a new `Caches`.
struct Caches {
    limits: CacheLimits,
    signatures: Arc<SignatureCache>,
    analyses: BytesCache<Arc<Base>>,
    /// The trust anchors' notBefore and notAfter + 1, sorted: the times at which a check
    /// of an anchor's validity could change its outcome.
    anchor_boundaries: Vec<i64>,
}

impl core::fmt::Debug for Caches {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Caches")
            .field("signatures", &self.signatures)
            .field("analyses", &self.analyses)
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
    pub binding: Option<Arc<crate::binding::Binding>>,
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
    pub fn with_binding(mut self, binding: Arc<crate::binding::Binding>) -> Options {
        self.binding = Some(binding);
        self
    }

    fn time(&self) -> Timestamp {
        self.at.unwrap_or_else(Timestamp::now)
    }
}

/// Everything one validation found, before it is turned into a `Report`.
pub(crate) struct Analysis {
    pub(crate) slots: Vec<Slot>,
    pub(crate) chain: Chain,
    pub(crate) report: Report,
}

/// The cacheable part of a validation: a function of the input, the policy and the trust
/// store, the same for every validation time inside `window`. It never sees `Options`.
struct Base {
    slots: Vec<Slot>,
    chain: Chain,
    /// Whether the chain was analysed (there were certificates, not too many): the
    /// per-call checks run only then.
    checked: bool,
    findings: Vec<Finding>,
    certificates: Vec<CertificateInfo>,
    summary: ChainSummary,
    window: Window,
}

impl Base {
    /// Roughly the heap bytes it holds, for the cache's byte limit.
    fn heap_bytes(&self) -> usize {
        let certs: usize = self
            .slots
            .iter()
            .map(|s| s.as_ref().map_or(64, |c| 3 * c.der().len() + 512))
            .sum();
        let findings: usize = self
            .findings
            .iter()
            .map(|f| f.message.len() + f.hint.len() + 64)
            .sum();
        certs + findings + self.certificates.len() * 640 + self.summary.leaf_reason.len()
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
            analyses: self.caches.analyses.usage(),
        }
    }

    /// Forgets every cached signature and analysis (shared with this validator's clones).
    pub fn clear_caches(&self) {
        self.caches.signatures.clear();
        self.caches.analyses.clear();
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

    /// Vets a PEM bundle now.
    pub fn validate(&self, input: &[u8]) -> Report {
        self.validate_with(input, &Options::default())
    }

    /// Vets a PEM bundle at the given time.
    pub fn validate_at(&self, input: &[u8], at: Timestamp) -> Report {
        self.validate_with(input, &Options::at(at))
    }

    /// Vets a PEM bundle with per-call options.
    pub fn validate_with(&self, input: &[u8], options: &Options) -> Report {
        let at = options.time();
        let _active = signature::cache::enter(&self.caches.signatures);
        let base = self.cached(&[b"pem", input], at, || {
            let mut findings = Findings::new(&self.policy);
            let slots = input::read_pem(input, &self.policy, &mut findings);
            self.analyze(slots, at, findings)
        });
        self.complete(&base, options, at)
    }

    /// Vets a list of DER certificates, leaf first, as a TLS stack hands over the peer's
    /// chain (e.g. OpenSSL's `SSL_get_peer_cert_chain`).
    pub fn validate_der_at(&self, certificates: &[&[u8]], at: Timestamp) -> Report {
        self.validate_der_with(certificates, &Options::at(at))
    }

    /// Vets a list of DER certificates, leaf first, with per-call options.
    pub fn validate_der_with(&self, certificates: &[&[u8]], options: &Options) -> Report {
        let at = options.time();
        let _active = signature::cache::enter(&self.caches.signatures);
        let mut key: Vec<&[u8]> = Vec::with_capacity(certificates.len() + 1);
        key.push(b"der");
        key.extend_from_slice(certificates);
        let base = self.cached(&key, at, || {
            let mut findings = Findings::new(&self.policy);
            let slots = input::read_der_list(certificates, &self.policy, &mut findings);
            self.analyze(slots, at, findings)
        });
        self.complete(&base, options, at)
    }

    /// Uncached, for callers that need the parsed certificates and chain (`fix`).
    pub(crate) fn analyze_pem(&self, input: &[u8], options: &Options) -> Analysis {
        let at = options.time();
        let _active = signature::cache::enter(&self.caches.signatures);
        let mut findings = Findings::new(&self.policy);
        let slots = input::read_pem(input, &self.policy, &mut findings);
        let base = self.analyze(slots, at, findings);
        let report = self.complete(&base, options, at);
        Analysis {
            slots: base.slots,
            chain: base.chain,
            report,
        }
    }

    /// The analysis cached under `key` if it holds at `at`, else a new one (cached when
    /// it holds for more than this one instant).
    fn cached(&self, key: &[&[u8]], at: Timestamp, analyze: impl FnOnce() -> Base) -> Arc<Base> {
        let analyses = &self.caches.analyses;
        if let Some(base) = analyses.get(key)
            && base.window.contains(at)
        {
            return base;
        }
        let base = Arc::new(analyze());
        if base.window.lo < base.window.hi {
            analyses.insert(key, Arc::clone(&base), base.heap_bytes());
        }
        base
    }

    /// Everything that depends only on the input, the policy, the trust store and the
    /// time (within the returned window). Nothing here may read `Options`: the result is
    /// cached per input and reused across calls.
    fn analyze(&self, slots: Option<Vec<Slot>>, at: Timestamp, mut findings: Findings<'_>) -> Base {
        let slots = slots.unwrap_or_default();
        let mut chain = Chain::default();
        if slots.len() > self.policy.max_certificates {
            findings.add(
                Code::ChainTooLong,
                None,
                format!(
                    "the bundle holds {}{} certificates; the policy allows at most {}",
                    if slots.len() > self.policy.max_certificates + 1 {
                        "more than "
                    } else {
                        ""
                    },
                    self.policy.max_certificates.min(slots.len()),
                    self.policy.max_certificates
                ),
                "Send only the leaf, its intermediates and the root.",
            );
        } else if !slots.is_empty() {
            chain = chain::analyze(&slots, &self.trust, &mut findings);
            self.check_trust(&slots, &chain, &mut findings);
            checks::run(&mut checks::Context {
                slots: &slots,
                chain: &chain,
                policy: &self.policy,
                at,
                usage: crate::presented::Usage::ClientAuth,
                findings: &mut findings,
            });
            path_validation::run(&slots, &chain, &self.trust, at, &mut findings);
        }
        let mut window = findings.window;
        self.narrow_by_validity(&slots, at, &mut window);
        let certificates = slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().ok().map(|c| info(i, c, &chain)))
            .collect();
        let summary = ChainSummary {
            leaf: chain.leaf,
            leaf_reason: chain.leaf_reason.clone(),
            path: chain.path.clone(),
        };
        let checked = !slots.is_empty() && slots.len() <= self.policy.max_certificates;
        Base {
            slots,
            chain,
            checked,
            findings: findings.into_vec(),
            certificates,
            summary,
            window,
        }
    }

    /// A backstop for time dependence the checks did not record themselves (rustls-webpki
    /// compares the time with every certificate's validity): the analysis holds only while
    /// no certificate's validity status changes, and not at all past the current instant
    /// when a certificate is outside its validity (messages then count days).
    fn narrow_by_validity(&self, slots: &[Slot], at: Timestamp, window: &mut Window) {
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

    /// The per-call part: what depends on `Options` (binding to registrations,
    /// revocation, which also depends on the exact time and the revocation cache), then
    /// the report.
    fn complete(&self, base: &Base, options: &Options, at: Timestamp) -> Report {
        let mut findings = Findings::resume(&self.policy, base.findings.clone());
        let mut revocation = Vec::new();
        if base.checked {
            let (slots, chain) = (&base.slots, &base.chain);
            if let Some(binding) = &options.binding {
                crate::binding::run_on_chain(slots, chain, binding, at, &mut findings);
            }
            revocation = revocation::run(
                &self.revocation,
                &self.policy.revocation,
                &revocation::Inputs {
                    slots,
                    chain,
                    trust: &self.trust,
                    options,
                    at,
                },
                &mut findings,
            );
        }
        let findings = findings.into_vec();
        Report {
            accepted: !findings.iter().any(|f| f.severity == Severity::Error),
            findings,
            certificates: base.certificates.clone(),
            chain: base.summary.clone(),
            validated_at: at.to_rfc3339(),
            revocation,
        }
    }

    fn check_trust(&self, slots: &[Slot], chain: &Chain, findings: &mut Findings<'_>) {
        if self.trust.is_empty() {
            return;
        }
        let on_chain = chain.path.iter().chain(chain.above_gap.iter());
        let mut top = None;
        for &i in on_chain {
            let Ok(c) = &slots[i] else { continue };
            if self.trust.contains(c) || self.trust.find_issuer(c).is_some() {
                return;
            }
            top = Some((i, c));
        }
        let Some((i, c)) = top else { return };
        findings.add(
            Code::RootNotTrusted,
            Some(i),
            format!(
                "the chain ends at {}, which is not in the trust store and was not issued by a certificate in it",
                c.describe(i)
            ),
            "Use a certificate from a CA this gateway trusts, or ask the operator to add your root to the trust store.",
        );
    }
}

pub(crate) fn info(index: usize, cert: &Certificate, chain: &Chain) -> CertificateInfo {
    CertificateInfo {
        index,
        role: chain
            .roles
            .get(index)
            .copied()
            .unwrap_or(crate::report::Role::Unrelated),
        subject: cert.subject_string(),
        issuer: cert.issuer_string(),
        serial: cert.serial_hex(),
        not_before: cert.not_before().to_rfc3339(),
        not_after: cert.not_after().to_rfc3339(),
        sha256: cert.sha256_hex(),
        key: cert.public_key().to_string(),
        signature_algorithm: signature::algorithm_name(cert.signature_algorithm_id()),
        self_signed: chain.self_signed.get(index).copied().unwrap_or_else(|| {
            cert.is_self_issued() && signature::verify_issued_by(cert, cert).is_ok()
        }),
    }
}
