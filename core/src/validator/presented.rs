//! Trust-store mode: the certificate a peer presented, an unordered pool of
//! intermediates and the configured trust anchors, as a TLS gateway (or the x509-limbo
//! suite) sees them. rustls-webpki builds the path; chainvet's policy checks judge every
//! complete path it finds (webpki's `verify_path` hook), so path building backtracks past
//! a path the policy rejects just as it does past a bad signature. Findings use the same
//! codes as bundle mode; bundle-order findings do not apply.
//!
//! Certificate indices in the report count the leaf as 0, then the intermediates in the
//! order given, then (last) the trust anchor that ended the path.

use std::cell::RefCell;
use std::sync::Arc;

use der::Decode;
use pki_types::{CertificateDer, ServerName, UnixTime};
use webpki::{EndEntityCert, KeyUsage, VerifiedPath};
use x509_cert::certificate::Raw;
use x509_cert::crl::CertificateList;

use super::report;
use super::{Options, Validator};
use crate::binding;
use crate::certificate::Certificate;
use crate::chain::{self, Chain};
use crate::checks;
use crate::code::Code;
use crate::findings::Findings;
use crate::input::{self, Slot, pem};
use crate::path_validation;
pub use crate::policy::usage::{KeyUsageBit, PeerName, Usage};
use crate::report::{Finding, Report};
use crate::revocation::{self, RevocationInfo};
use crate::signature;
use crate::time::{Timestamp, Window};
use crate::trust;

mod rfc5280_engine;

/// Most signature checks the diagnosis of a failed validation spends walking the pool
/// (webpki's own path building has its own budget of 100, from Go CVE-2018-16875).
const DIAGNOSIS_SIGNATURE_BUDGET: usize = 32;

/// Per-call inputs of trust-store mode: the inputs both modes share (`base`: time,
/// binding, revocation input and switches) and what only trust-store mode asks.
/// `PresentedOptions::default()` validates now, for client authentication, with no
/// expected name, no depth limit beyond webpki's and no CRLs.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PresentedOptions {
    /// The inputs shared with bundle mode, used the same way: validation time (`None`
    /// means now); CRLs (DER or PEM, raw or parsed once), OCSP responses stapled in the
    /// handshake or obtained otherwise, and whether the network may be used, evaluated
    /// by the policy's `[revocation]` rules for the certificates of each candidate path,
    /// so a path through a revoked intermediate is abandoned for another (trust anchors
    /// are never checked); and the client's registrations the leaf must match
    /// (`binding.*`).
    pub base: Options,
    /// What the leaf is for.
    pub usage: Usage,
    /// Names the leaf must be valid for (every one of them).
    pub peer_names: Vec<PeerName>,
    /// Most intermediates between the leaf and the trust anchor (`chain.too_long`).
    /// rustls-webpki never builds paths with more than 6.
    pub max_depth: Option<usize>,
    /// keyUsage bits the leaf must assert if it has a keyUsage extension.
    pub key_usage: Vec<KeyUsageBit>,
    /// The RFC 5280 6.1.1 certificate-policy inputs of this validation, in place of the
    /// policy's `[path_validation]` ones; `None` keeps the policy's. Read by chainvet's
    /// engine; under rustls-webpki, which does not process certificate policies, inputs
    /// that ask for anything reject with `chain.policy_invalid` rather than be ignored.
    pub policy_inputs: Option<crate::policy::PolicyInputs>,
}

impl PresentedOptions {
    /// Options that validate at `at` for `usage`.
    pub fn new(at: Timestamp, usage: Usage) -> PresentedOptions {
        PresentedOptions::with_base(Options::at(at), usage)
    }

    /// Options for `usage` on top of the shared inputs `base`.
    pub fn with_base(base: Options, usage: Usage) -> PresentedOptions {
        PresentedOptions {
            base,
            usage,
            ..PresentedOptions::default()
        }
    }

    /// What these options supply to the revocation step: the base's (`Options::supplied`).
    fn supplied(&self) -> revocation::Supplied<'_> {
        self.base.supplied()
    }

    /// Options for `usage` with a copy of bundle-mode `options` as the shared inputs.
    pub fn from_options(options: &Options, usage: Usage) -> PresentedOptions {
        PresentedOptions::with_base(options.clone(), usage)
    }
}

/// What the revocation step of every candidate path shares: the per-call input and one
/// session (deadline, answers so far).
#[derive(Clone, Copy)]
struct PathRevocation<'a> {
    supplied: revocation::Supplied<'a>,
    session: &'a revocation::Session,
}

/// What every judged candidate path shares: the revocation input and session, and the
/// record of how many paths were judged and the times their checks hold for.
#[derive(Clone, Copy)]
struct Judging<'a> {
    revocation: PathRevocation<'a>,
    judged: &'a std::cell::Cell<usize>,
    window: &'a std::cell::Cell<Window>,
}

impl Judging<'_> {
    /// Records one judged path.
    fn record(&self, candidate: &Candidate) {
        self.judged.set(self.judged.get() + 1);
        let mut window = self.window.get();
        window.narrow_to(candidate.window);
        self.window.set(window);
    }
}

/// The revocation result of the path taken goes into the report; a result that consulted
/// a revocation source is not reused.
fn with_path_revocation(
    mut out: PresentedAnalysis,
    revocation: Vec<RevocationInfo>,
    leaf: Certificate,
    certificates_only: bool,
) -> PresentedAnalysis {
    out.certificates_only = certificates_only;
    out.reusable &= revocation
        .iter()
        .all(|r| r.status == revocation::Outcome::NotChecked);
    out.report.revocation = revocation;
    out.leaf = Some(leaf);
    out
}

/// The outcome of checking one complete path.
struct Candidate {
    anchor: Option<Certificate>,
    path: Vec<usize>,
    findings: Vec<Finding>,
    revocation: Vec<RevocationInfo>,
    errors: usize,
    /// The validation times for which the checks of this path come out the same.
    window: Window,
}

impl Candidate {
    /// Makes this path the report's: its anchor joins the slots, its findings and
    /// revocation answers become the validation's. Both engines end this way.
    fn adopt(
        self,
        slots: &mut Vec<Slot>,
        findings: &mut Findings<'_>,
        revocation: &mut Vec<RevocationInfo>,
    ) -> Chain {
        let anchored = self.anchor.is_some();
        if let Some(anchor) = self.anchor {
            slots.push(Ok(anchor));
        }
        findings.append(self.findings);
        *revocation = self.revocation;
        Chain::from_path(slots, self.path, anchored)
    }
}

/// What a validation in trust-store mode found before the per-call part (binding): kept
/// in the validator's cache and reused for a later call with the same certificates and
/// options at a time inside `window`.
#[derive(Debug)]
pub(crate) struct PresentedAnalysis {
    report: Report,
    /// The parsed leaf, for the binding check.
    leaf: Option<Certificate>,
    window: Window,
    /// Whether the result may be reused: it consulted no revocation source (nothing
    /// supplied, no responder asked, no cached answer), so it depends only on the
    /// certificates, the options in the key, the policy, the trust store and the time.
    reusable: bool,
    /// Whether every presented part parsed as a certificate. Only then are its bytes
    /// kept as a cache key: they are public certificates, never a private key or other
    /// bytes someone pasted in.
    certificates_only: bool,
}

impl PresentedAnalysis {
    /// An estimate of the memory held, counted the way bundle mode counts its analyses
    /// (no serialisation on the path that inserts it).
    pub(crate) fn heap_bytes(&self) -> usize {
        let findings: usize = self
            .report
            .findings
            .iter()
            .map(|f| f.message.len() + f.hint.len() + 64)
            .sum();
        let revocation = self.report.revocation.len() * 256;
        findings
            + revocation
            + self.report.certificates.len() * 640
            + self.report.chain.leaf_reason.len()
            + self.leaf.as_ref().map_or(0, |c| 3 * c.der().len() + 512)
    }
}

impl Validator {
    /// Validates the certificate a peer presented (`leaf`, DER) with an unordered pool of
    /// `intermediates` (DER) against this validator's trust store. Without trust anchors
    /// nothing validates (`root.not_trusted`).
    ///
    /// The gateway's per-connection call, so it is cached like bundle mode: every
    /// signature is verified once per validator (a new leaf under a known CA costs one
    /// verification), and the result for the same certificates and options is reused
    /// while the time stays inside the window in which it holds. Binding runs on every
    /// call; a validation that consulted revocation (anything supplied, a responder or a
    /// cached answer) is not reused.
    pub fn validate_presented(
        &self,
        leaf: &[u8],
        intermediates: &[&[u8]],
        options: &PresentedOptions,
    ) -> Report {
        let at = options.base.at.unwrap_or_else(Timestamp::now);
        let _active = self.enter_signature_cache();
        let _parsed = self.enter_certificate_cache();
        let settings = cache_settings(options);
        let mut key: Vec<&[u8]> = Vec::with_capacity(intermediates.len() + 2);
        key.push(&settings);
        key.push(leaf);
        key.extend_from_slice(intermediates);
        let cacheable = options.base.crls.is_empty()
            && options.base.stapled_ocsp.is_empty()
            && options.base.ocsp_responses.is_empty();
        if cacheable
            && let Some(hit) = self.presented_cache().get(&key)
            && hit.window.contains(at)
        {
            return self.complete_presented(&hit, options, at);
        }
        let analysis = Arc::new(self.validate_presented_fresh(leaf, intermediates, options, at));
        // Only a result about parsed certificates is kept: bytes that are no certificate
        // (a pasted key, junk) never become a cache key.
        if cacheable
            && analysis.reusable
            && analysis.certificates_only
            && analysis.window.lo < analysis.window.hi
        {
            self.presented_cache()
                .insert(&key, Arc::clone(&analysis), analysis.heap_bytes());
        }
        self.complete_presented(&analysis, options, at)
    }

    /// The per-call part: binding to the client's registrations, then the report.
    fn complete_presented(
        &self,
        analysis: &PresentedAnalysis,
        options: &PresentedOptions,
        at: Timestamp,
    ) -> Report {
        let mut report = analysis.report.clone();
        report.validated_at = at.to_rfc3339();
        if let (Some(registrations), Some(presented)) = (&options.base.binding, &analysis.leaf) {
            let mut findings = Findings::resume(self.policy(), report.findings);
            binding::check(presented, 0, registrations, at, &mut findings);
            let finished = findings.finish();
            report.findings = finished.findings;
            report.accepted = finished.accepted;
        }
        report
    }

    /// Everything but binding, computed afresh.
    fn validate_presented_fresh(
        &self,
        leaf: &[u8],
        intermediates: &[&[u8]],
        options: &PresentedOptions,
        at: Timestamp,
    ) -> PresentedAnalysis {
        let policy = self.policy();
        let mut findings = Findings::new(policy);
        let judged_window = std::cell::Cell::new(Window::ALWAYS);
        let judged = std::cell::Cell::new(0usize);
        let finish = |slots: Vec<Slot>, chain: Chain, findings: Findings<'_>| {
            let mut window = findings.window;
            window.narrow_to(judged_window.get());
            self.narrow_by_validity(&slots, at, &mut window);
            let report = report(slots, chain, findings, at);
            PresentedAnalysis {
                report,
                leaf: None,
                window,
                reusable: judged.get() <= 1,
                certificates_only: false,
            }
        };

        // Bounds first: a peer controls how many certificates it sends.
        if policy.max_certificates > 0 && intermediates.len() + 1 > policy.max_certificates {
            findings.add(
                Code::ChainTooLong,
                None,
                format!(
                    "the peer presented {} certificates; the policy allows at most {}",
                    intermediates.len() + 1,
                    policy.max_certificates
                ),
                "Send only the leaf and the intermediates of its own chain.",
            );
            return finish(Vec::new(), Chain::default(), findings);
        }
        let total = leaf.len() + intermediates.iter().map(|c| c.len()).sum::<usize>();
        let hint = "Send only the leaf and the intermediates of its own chain.";
        if !input::der_within_limit(total, policy, &mut findings, hint) {
            return finish(Vec::new(), Chain::default(), findings);
        }

        let mut slots: Vec<Slot> = Vec::with_capacity(intermediates.len() + 2);
        let leaf_certificate = match Certificate::from_der(leaf.to_vec()) {
            Ok(c) => {
                slots.push(Ok(c.clone()));
                c
            }
            Err(e) => {
                findings.certificate_malformed(0, None, &"certificate 0 (the leaf)", &e, None);
                slots.push(Err(e.0));
                return finish(slots, Chain::default(), findings);
            }
        };
        for der in intermediates {
            slots.push(crate::certificate::cache::parse(der.to_vec()).map_err(|e| e.0));
        }
        let certificates_only = slots.iter().all(Result::is_ok);

        let trust = self.trust_store();
        // Prepared once when the store was built; which trust-store certificate each
        // webpki anchor came from.
        let (anchors, anchor_source) = trust.prepared();

        let leaf_der = CertificateDer::from(leaf);
        let ee = match EndEntityCert::try_from(&leaf_der) {
            Ok(ee) => ee,
            Err(e) => {
                path_validation::report(e.clone(), Some(0), &mut findings);
                reject_anyway(&mut findings, &e);
                let chain = Chain::from_path(&slots, vec![0], false);
                return finish(slots, chain, findings);
            }
        };
        check_names(&ee, &slots, &options.peer_names, &mut findings);
        check_key_usage(&slots, &options.key_usage, &mut findings);

        if policy.conformance.rfc5280 {
            check_crl_numbers(&options.base.crls, &mut findings);
        }

        // One deadline and one network answer per certificate across every candidate
        // path the engine tries.
        let session = revocation::Session::new(&policy.revocation);
        let policy_inputs = options
            .policy_inputs
            .clone()
            .unwrap_or_else(|| policy.path_validation.policy_inputs());
        let judging = Judging {
            revocation: PathRevocation {
                supplied: options.supplied(),
                session: &session,
            },
            judged: &judged,
            window: &judged_window,
        };
        if policy.path_validation.engine == crate::policy::Engine::Chainvet {
            let (slots, chain, findings, revocation, policies) = self.validate_with_rfc5280_engine(
                slots,
                options,
                &policy_inputs,
                judging,
                at,
                findings,
            );
            let mut out = with_path_revocation(
                finish(slots, chain, findings),
                revocation,
                leaf_certificate,
                certificates_only,
            );
            if out.report.accepted {
                out.report.certificate_policies = policies;
            }
            return out;
        }
        rfc5280_engine::refuse_policy_inputs_under_webpki(&policy_inputs, &mut findings);
        let pool: Vec<CertificateDer<'_>> = intermediates
            .iter()
            .map(|d| CertificateDer::from(*d))
            .collect();
        let accepted: RefCell<Option<Candidate>> = RefCell::new(None);
        let rejected: RefCell<Option<Candidate>> = RefCell::new(None);
        // The anchor of each candidate path is appended for its checks and taken off again.
        let shared_slots = RefCell::new(slots);
        let judge = |path: &VerifiedPath<'_>| -> Result<(), webpki::Error> {
            let anchor = anchors
                .iter()
                .position(|a| std::ptr::eq(a, path.anchor()))
                .and_then(|k| anchor_source.get(k))
                .map(|&src| trust.anchors()[src].clone());
            let candidate = self.judge_path(
                &mut shared_slots.borrow_mut(),
                path,
                anchor,
                options,
                judging.revocation,
                at,
            );
            judging.record(&candidate);
            if candidate.errors == 0 {
                *accepted.borrow_mut() = Some(candidate);
                return Ok(());
            }
            let mut best = rejected.borrow_mut();
            if best.as_ref().is_none_or(|b| candidate.errors < b.errors) {
                *best = Some(candidate);
            }
            // Any error will do: webpki ranks it lowest and keeps looking.
            Err(webpki::Error::UnknownIssuer)
        };
        let time =
            UnixTime::since_unix_epoch(core::time::Duration::from_secs(at.unix_seconds_u64()));
        let result = ee.verify_for_usage(
            signature::webpki_algorithms(),
            anchors,
            &pool,
            time,
            KeyUsage::required_if_present(options.usage.eku_der()),
            None,
            Some(&judge),
        );

        let webpki_error = result.err();
        let mut slots = shared_slots.into_inner();
        let candidate = match &webpki_error {
            None => accepted.into_inner(),
            Some(_) => rejected.into_inner(),
        };
        let mut revocation = Vec::new();
        let chain = match candidate {
            Some(c) => c.adopt(&mut slots, &mut findings, &mut revocation),
            None => {
                let error = webpki_error.clone().unwrap_or(webpki::Error::UnknownIssuer);
                self.diagnose(&mut slots, error, options, at, &mut findings)
            }
        };
        if let Some(e) = &webpki_error {
            reject_anyway(&mut findings, e);
        }
        with_path_revocation(
            finish(slots, chain, findings),
            revocation,
            leaf_certificate,
            certificates_only,
        )
    }

    /// Runs the policy checks over one path webpki verified (signatures, validity of
    /// the non-anchor certificates, name constraints, EKU chaining, revocation).
    fn judge_path(
        &self,
        slots: &mut Vec<Slot>,
        path: &VerifiedPath<'_>,
        anchor: Option<Certificate>,
        options: &PresentedOptions,
        revocation: PathRevocation<'_>,
        at: Timestamp,
    ) -> Candidate {
        let policy = self.policy();
        let mut findings = Findings::new(policy);
        let mut indices = vec![0];
        for cert in path.intermediate_certificates() {
            let der = cert.der();
            // Position in the pool; slot 0 is the leaf.
            match slots
                .iter()
                .skip(1)
                .position(|s| matches!(s, Ok(c) if c.der() == der.as_ref()))
            {
                Some(p) => indices.push(p + 1),
                None => {
                    // webpki accepted a certificate chainvet cannot parse: fail closed.
                    findings.add(
                        Code::CertificateMalformed,
                        None,
                        "an intermediate on the path webpki built is not a certificate chainvet can parse",
                        "Export the intermediate certificates again from their source.",
                    );
                    let errors = findings.error_count().max(1);
                    let window = findings.window;
                    return Candidate {
                        anchor: None,
                        path: indices,
                        findings: findings.into_vec(),
                        revocation: Vec::new(),
                        errors,
                        window,
                    };
                }
            }
        }
        self.judge_indices(slots, indices, anchor, options, revocation, at)
    }

    /// The policy checks over one complete path given by slot indices (leaf first),
    /// whichever engine found it.
    fn judge_indices(
        &self,
        slots: &mut Vec<Slot>,
        mut indices: Vec<usize>,
        anchor: Option<Certificate>,
        options: &PresentedOptions,
        revocation: PathRevocation<'_>,
        at: Timestamp,
    ) -> Candidate {
        let PathRevocation { supplied, session } = revocation;
        let policy = self.policy();
        let mut findings = Findings::new(policy);
        if let Some(max) = options.max_depth
            && indices.len() - 1 > max
        {
            findings.add(
                Code::ChainTooLong,
                None,
                format!(
                    "the path has {} intermediate certificates; at most {max} are allowed",
                    indices.len() - 1
                ),
                "Use a chain with fewer intermediate CAs.",
            );
        }

        let anchored = anchor.is_some();
        if let Some(a) = anchor {
            indices.push(slots.len());
            slots.push(Ok(a));
        }
        let chain = Chain::from_path(slots, indices.clone(), anchored);
        run_checks(self, slots, &chain, options.usage, at, &mut findings);
        // Revocation of every certificate in the policy's scope but the trust anchor.
        let mut below_anchor = chain.clone();
        if anchored {
            below_anchor.path.pop();
        }
        // webpki verified this path to a configured anchor; chainvet's own checks must
        // not have found a path, signature or trust error on it either.
        let trusted = anchored && revocation::path_is_clean(findings.list());
        let revocation = revocation::run(
            self.revocation_checker(),
            &policy.revocation,
            &revocation::Inputs {
                slots,
                chain: &below_anchor,
                trust: self.trust_store(),
                supplied,
                at,
                trusted,
                session,
            },
            &mut findings,
        );
        let errors = findings.error_count();
        let anchor = if anchored {
            slots.pop().and_then(Result::ok)
        } else {
            None
        };
        let window = findings.window;
        Candidate {
            anchor,
            path: indices,
            findings: findings.into_vec(),
            revocation,
            errors,
            window,
        }
    }

    /// No path passed: walk from the leaf through the pool by name and signature to say
    /// where the chain breaks, run the policy checks over what was found, and record
    /// webpki's reason.
    fn diagnose(
        &self,
        slots: &mut Vec<Slot>,
        error: webpki::Error,
        options: &PresentedOptions,
        at: Timestamp,
        findings: &mut Findings<'_>,
    ) -> Chain {
        let trust = self.trust_store();
        let mut path = vec![0];
        let mut budget = DIAGNOSIS_SIGNATURE_BUDGET;
        let mut exhausted = false;
        let mut anchor = None;
        while let Some(&cur) = path.last() {
            let Ok(cert) = &slots[cur] else { break };
            // An anchor that signed it; failing that, one with the issuer's name whose
            // signature chainvet cannot check (webpki's error then says why), so the
            // anchor's own checks still run. A same-named anchor with another key is not
            // the issuer.
            if let Some(a) = trust.find_issuer(cert).or_else(|| {
                trust.anchors().iter().find(|a| {
                    a.subject_raw() == cert.issuer_raw()
                        && !matches!(
                            signature::verify_issued_by(cert, a),
                            Err(signature::VerifyError::Invalid)
                        )
                })
            }) {
                anchor = Some(a.clone());
                break;
            }
            if trust.contains(cert) {
                break;
            }
            if cert.is_self_issued() {
                if cur == 0 && signature::verify_issued_by(cert, cert).is_ok() {
                    // As in bundle mode: the leaf's own problem first, then the trust.
                    findings.add(
                        Code::LeafSelfSigned,
                        Some(0),
                        format!("{} is self-signed: its issuer is itself", cert.describe(0)),
                        "Self-signed certificates are not accepted: have a certificate authority the verifier trusts issue one from your CSR, and send it with its intermediates.",
                    );
                }
                trust::not_trusted(cur, cert, findings);
                break;
            }
            let mut next = None;
            for (j, slot) in slots.iter().enumerate().skip(1) {
                let Ok(parent) = slot else { continue };
                if path.contains(&j) || parent.subject_raw() != cert.issuer_raw() {
                    continue;
                }
                if budget == 0 {
                    exhausted = true;
                    break;
                }
                budget -= 1;
                if signature::verify_issued_by(cert, parent).is_ok() {
                    next = Some(j);
                    break;
                }
            }
            match next {
                Some(j) if path.len() <= 8 => path.push(j),
                // Out of budget: the issuer may be there; webpki's error says what failed.
                None if exhausted => break,
                Some(_) => break,
                None if cur != 0 && cert.is_ca() => {
                    // The presented intermediates chain up to a CA whose issuer the
                    // operator does not know: what is missing is trust, not certificates.
                    let issuer = cert.issuer_string();
                    findings.add(
                        Code::RootNotTrusted,
                        Some(cur),
                        format!(
                            "the presented chain runs up to {}, issued by {issuer}, a CA that is not in the trust store",
                            cert.describe(cur)
                        ),
                        format!(
                            "Use a certificate from a CA this gateway trusts, or ask the operator to add the root {issuer} to the trust store; if {issuer} is itself an intermediate CA, send its certificate too."
                        ),
                    );
                    break;
                }
                None => {
                    findings.add(
                        Code::ChainIssuerMissing,
                        Some(cur),
                        format!(
                            "{} was issued by {}, which is neither among the intermediates presented nor in the trust store",
                            cert.describe(cur),
                            cert.issuer_string()
                        ),
                        "Send the intermediate certificates of your chain along with the leaf.",
                    );
                    break;
                }
            }
        }
        for (j, slot) in slots.iter().enumerate().skip(1) {
            if let Err(e) = slot {
                findings.certificate_malformed(
                    j,
                    None,
                    &format_args!("certificate {}", j + 1),
                    e,
                    None,
                );
            }
        }
        let anchored = anchor.is_some();
        if let Some(a) = anchor {
            path.push(slots.len());
            slots.push(Ok(a));
        }
        let chain = Chain::from_path(slots, path, anchored);
        run_checks(self, slots, &chain, options.usage, at, findings);
        path_validation::report(error, None, findings);
        chain
    }
}

/// The options that decide a trust-store verdict, as one cache-key part: usage, depth,
/// required keyUsage bits, whether the network may be used, and the peer names (each
/// length-prefixed, so two lists never encode alike). The time is not in it (the cached
/// result carries the window in which it holds); binding runs per call; revocation input
/// makes a call uncacheable.
fn cache_settings(options: &PresentedOptions) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    out.push(match options.usage {
        Usage::ClientAuth => 0,
        Usage::ServerAuth => 1,
    });
    out.push(u8::from(options.base.offline) | u8::from(options.base.ocsp_nonce) << 1);
    let depth = options.max_depth.map_or(u64::MAX, |d| d as u64);
    out.extend_from_slice(&depth.to_be_bytes());
    let bits = options
        .key_usage
        .iter()
        .fold(0u16, |acc, bit| acc | bit.mask());
    out.extend_from_slice(&bits.to_be_bytes());
    for name in &options.peer_names {
        let (kind, text) = match name {
            PeerName::Dns(d) => (b'd', d.clone()),
            PeerName::Ip(ip) => (b'i', ip.to_string()),
            PeerName::Email(m) => (b'e', m.clone()),
        };
        out.push(kind);
        out.extend_from_slice(&(text.len() as u64).to_be_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    // After the names, behind a marker no name kind uses.
    if let Some(inputs) = &options.policy_inputs {
        out.push(b'p');
        out.push(
            u8::from(inputs.initial_explicit_policy)
                | u8::from(inputs.initial_policy_mapping_inhibit) << 1
                | u8::from(inputs.initial_any_policy_inhibit) << 2,
        );
        for oid in &inputs.user_initial_policy_set {
            out.extend_from_slice(&(oid.len() as u64).to_be_bytes());
            out.extend_from_slice(oid.as_bytes());
        }
    }
    out
}

/// A failed path search always rejects, even when the policy turned off (or downgraded)
/// the codes that explain it: then `chain.path_invalid` is recorded as an error whatever
/// its override says.
fn reject_anyway(findings: &mut Findings<'_>, error: &webpki::Error) {
    if !findings.has_error() {
        findings.add_unwaivable(
            Code::ChainPathInvalid,
            None,
            format!("no path from the leaf to a trust anchor passes validation ({error:?})"),
            Code::ChainPathInvalid.default_hint().unwrap_or_default(),
        );
    }
}

/// The shared policy checks, plus the weak-hash rule on every signature the path relies
/// on (the anchor's own self-signature carries no trust and is exempt).
fn run_checks(
    validator: &Validator,
    slots: &[Slot],
    chain: &Chain,
    usage: Usage,
    at: Timestamp,
    findings: &mut Findings<'_>,
) {
    let anchored = chain.ends_at_root;
    for (pos, &i) in chain.path.iter().enumerate() {
        if anchored && pos + 1 == chain.path.len() {
            continue;
        }
        if let Ok(c) = &slots[i] {
            chain::report_weak_signature(i, c, findings);
        }
    }
    checks::run(&mut checks::Context {
        slots,
        chain,
        policy: validator.policy(),
        at,
        usage,
        findings,
    });
}

fn check_names(
    ee: &EndEntityCert<'_>,
    slots: &[Slot],
    names: &[PeerName],
    findings: &mut Findings<'_>,
) {
    let Some(Ok(leaf)) = slots.first() else {
        return;
    };
    for name in names {
        let ok = match name {
            PeerName::Dns(dns) => ServerName::try_from(dns.as_str())
                .is_ok_and(|n| ee.verify_is_valid_for_subject_name(&n).is_ok()),
            PeerName::Ip(ip) => ee
                .verify_is_valid_for_subject_name(&ServerName::IpAddress((*ip).into()))
                .is_ok(),
            PeerName::Email(mail) => leaf
                .extensions()
                .email_addresses
                .iter()
                .any(|m| email_matches(m, mail)),
        };
        if !ok {
            let (kind, value) = match name {
                PeerName::Dns(d) => ("DNS name", d.clone()),
                PeerName::Ip(ip) => ("IP address", ip.to_string()),
                PeerName::Email(m) => ("email address", m.clone()),
            };
            findings.add(
                Code::LeafNameMismatch,
                Some(0),
                format!(
                    "the leaf, {}, is not valid for the {kind} {value}: its subjectAltName does not list it",
                    leaf.describe(0)
                ),
                format!("Use a certificate issued for {value} (in its subjectAltName)."),
            );
        }
    }
}

/// RFC 5280 4.2.1.6 / RFC 5321: the local part compares exactly, the domain
/// case-insensitively.
fn email_matches(presented: &str, expected: &str) -> bool {
    match (presented.rsplit_once('@'), expected.rsplit_once('@')) {
        (Some((pl, pd)), Some((el, ed))) => {
            pl == el && pd.eq_ignore_ascii_case(ed) && crate::certificate::is_mailbox(presented)
        }
        _ => false,
    }
}

fn check_key_usage(slots: &[Slot], wanted: &[KeyUsageBit], findings: &mut Findings<'_>) {
    let Some(Ok(leaf)) = slots.first() else {
        return;
    };
    let Some(bits) = leaf.extensions().key_usage_bits else {
        return;
    };
    for &bit in wanted {
        if bits & bit.mask() == 0 {
            findings.add(
                Code::ChainPathInvalid,
                Some(0),
                format!(
                    "the leaf, {}, has a keyUsage without {bit:?}, which this validation requires",
                    leaf.describe(0)
                ),
                format!("Use a certificate whose keyUsage includes {bit:?}."),
            );
        }
    }
}

/// RFC 5280 5.2.3: conforming CRL issuers MUST include the CRL number; under the
/// `[conformance] rfc5280` rules a CRL without one is refused. (The revocation module
/// reports CRLs that do not parse at all.)
fn check_crl_numbers(crls: &[Vec<u8>], findings: &mut Findings<'_>) {
    for (n, bytes) in crls.iter().enumerate() {
        let Ok(crl) = revocation::Crl::from_bytes(bytes) else {
            continue;
        };
        let has_number = CertificateList::<Raw>::from_der(crl.der()).is_ok_and(|list| {
            list.tbs_cert_list
                .crl_extensions
                .iter()
                .flatten()
                .any(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_CRL_NUMBER)
        });
        if !has_number {
            findings.add(
                Code::RevocationResponseInvalid,
                None,
                format!(
                    "supplied CRL {} has no CRL number, which RFC 5280 5.2.3 requires",
                    n + 1
                ),
                "Have the CA publish its CRLs with the cRLNumber extension.",
            );
        }
    }
}

/// The certificates of a PEM text as DER, in order: the form trust-store mode takes
/// them in, for callers holding PEM (a file of intermediates, a leaf saved as PEM).
/// Each CERTIFICATE block is decoded but not parsed, so a block that is not X.509
/// becomes a `certificate.malformed` finding of the validation, with its index. Input
/// without `-----BEGIN` is returned whole, as one DER certificate. Private keys (never
/// decoded), CSRs, other blocks and text around the blocks are skipped. Fails, naming
/// the block by its lines, when a certificate block's framing or base64 is broken.
pub fn der_certificates(input: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let input = input.strip_prefix(input::BOM).unwrap_or(input);
    if input.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    if !input::contains(input, b"-----BEGIN") {
        return Ok(vec![input.to_vec()]);
    }
    let mut ders = Vec::new();
    for item in pem::split(input) {
        let pem::Item::Block(block) = item else {
            continue;
        };
        if !input::is_certificate_label(&block.label) {
            continue;
        }
        let lines = if block.first_line == block.last_line {
            format!("line {}", block.first_line)
        } else {
            format!("lines {}-{}", block.first_line, block.last_line)
        };
        let der = match &block.framing_error {
            Some(err) => Err(err.clone()),
            None => pem::decode(&block),
        };
        ders.push(der.map_err(|e| format!("the certificate block at {lines} is malformed: {e}"))?);
    }
    Ok(ders)
}

fn report(slots: Vec<Slot>, chain: Chain, findings: Findings<'_>, at: Timestamp) -> Report {
    report::assemble(
        findings.finish(),
        report::certificates(&slots, &chain),
        report::summary(&chain),
        at,
        Vec::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_local_part_is_exact_and_domain_case_insensitive() {
        assert!(email_matches("User@Example.COM", "User@example.com"));
        assert!(!email_matches("user@example.com", "User@example.com"));
        assert!(email_matches("*@example.com", "*@example.com"));
        assert!(!email_matches("**@example.com", "*@example.com"));
        assert!(!email_matches("a@b@example.com", "b@example.com"));
        assert!(!email_matches("example.com", "example.com"));
    }
}
