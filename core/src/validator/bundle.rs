//! Bundle mode: a PEM bundle (or a DER list) as a client uploads it, cached per input
//! (`Base`, the part that depends only on the input, the policy, the trust store and the
//! time) and completed per call with what depends on `Options` (binding, revocation).

use std::sync::Arc;

use super::report;
use super::{Options, Validator};
use crate::binding;
use crate::chain::{self, Chain};
use crate::checks;
use crate::code::Code;
use crate::findings::Findings;
use crate::input::{self, Slot};
use crate::path_validation;
use crate::policy::usage::Usage;
use crate::report::{CertificateInfo, ChainSummary, Finding, Report};
use crate::revocation;
use crate::signature;
use crate::time::{Timestamp, Window};
use crate::trust;

/// Everything one validation found, before it is turned into a `Report`.
pub(crate) struct Analysis {
    pub(crate) slots: Vec<Slot>,
    pub(crate) chain: Chain,
    pub(crate) report: Report,
}

/// The cacheable part of a validation: a function of the input, the policy and the trust
/// store, the same for every validation time inside `window`. It never sees `Options`.
pub(super) struct Base {
    slots: Vec<Slot>,
    chain: Chain,
    /// Whether the chain was analysed (there were certificates, not too many): the
    /// per-call checks run only then.
    checked: bool,
    /// Whether the chain verified, without path, signature or trust errors, to an
    /// anchor of the configured trust store: revocation fetches only then.
    trusted: bool,
    findings: Vec<Finding>,
    certificates: Vec<CertificateInfo>,
    summary: ChainSummary,
    window: Window,
}

impl Base {
    /// Roughly the heap bytes it holds, for the cache's byte limit.
    pub(super) fn heap_bytes(&self) -> usize {
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

impl Validator {
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
        let _parsed = self.enter_certificate_cache();
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
        let _parsed = self.enter_certificate_cache();
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

    /// The analysis cached for the input `parts` if it holds at `at`, else a new one
    /// (cached when it holds for more than this one instant and found a certificate).
    ///
    /// The cache key is the SHA-256 of the input, never the input itself: an input may
    /// hold a private key in a shape no check recognises, and a cache must not keep it.
    /// Inputs that yielded no certificate (junk, keys, CSRs) are never cached: they
    /// cost little to analyse again and would only fill the cache.
    fn cached(&self, parts: &[&[u8]], at: Timestamp, analyze: impl FnOnce() -> Base) -> Arc<Base> {
        let analyses = &self.caches.analyses;
        let enabled = analyses.enabled();
        let digest = enabled.then(|| input_digest(parts));
        let key: &[&[u8]] = match &digest {
            Some(d) => &[d.as_slice()],
            None => &[],
        };
        if enabled
            && let Some(base) = analyses.get(key)
            && base.window.contains(at)
        {
            return base;
        }
        let base = Arc::new(analyze());
        if enabled && base.window.lo < base.window.hi && !base.certificates.is_empty() {
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
        let mut anchored = false;
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
                usage: Usage::ClientAuth,
                findings: &mut findings,
            });
            anchored = path_validation::run(&slots, &chain, &self.trust, at, &mut findings);
        }
        let mut window = findings.window;
        self.narrow_by_validity(&slots, at, &mut window);
        let certificates = report::certificates(&slots, &chain);
        let summary = report::summary(&chain);
        let checked = !slots.is_empty() && slots.len() <= self.policy.max_certificates;
        let trusted = checked && anchored && revocation::path_is_clean(findings.list());
        Base {
            slots,
            chain,
            checked,
            trusted,
            // Capped when the report is completed, with the per-call findings.
            findings: findings.into_merged(),
            certificates,
            summary,
            window,
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
                binding::run_on_chain(slots, chain, binding, at, &mut findings);
            }
            let session = revocation::Session::new(&self.policy.revocation);
            revocation = revocation::run(
                &self.revocation,
                &self.policy.revocation,
                &revocation::Inputs {
                    slots,
                    chain,
                    trust: &self.trust,
                    supplied: options.supplied(),
                    at,
                    trusted: base.trusted,
                    session: &session,
                },
                &mut findings,
            );
        }
        report::assemble(
            findings.finish(),
            base.certificates.clone(),
            base.summary.clone(),
            at,
            revocation,
        )
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
        trust::not_trusted(i, c, findings);
    }
}

/// SHA-256 over the length-prefixed parts of an input: the analysis cache's key.
fn input_digest(parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    for part in parts {
        ctx.update(&(part.len() as u64).to_le_bytes());
        ctx.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}
