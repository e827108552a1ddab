//! The revocation step of a validation: for each certificate in scope, find a status
//! in the stapled and supplied responses, the supplied CRLs, the cache, then the
//! network (preferred method first), and turn the outcome into findings.
//!
//! The network is used only for a trusted path (`Inputs::trusted`), within one
//! deadline per validation (`Session`), at most `max_ocsp_urls` + `max_crl_urls`
//! distinct URLs per certificate, skipping destinations that failed a moment ago (the
//! checker's negative cache). What went wrong on the wire is operator detail
//! (`Finding::detail`); the uploader's message names the certificate and the outcome.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::cache::Cache;
use super::crl::CertDps;
use super::crl::{Crl, CrlError};
use super::crl_select::{self, Candidate, Chosen, Selection};
use super::crl_signer::SignerPool;
use super::ocsp::{self, Parsed};
use crate::certificate::Certificate;
use crate::chain::{Chain, Link};
use crate::code::Code;
use crate::findings::Findings;
use crate::input::Slot;
use crate::policy::revocation::{Mode, RevocationPolicy, Scope};
use crate::report::Severity;
use crate::report::revocation::{
    Answer, CertStatus, Method, Outcome, Reason, RevocationInfo, Source,
};
use crate::time::Timestamp;
use crate::trust::TrustStore;

/// The per-validator state revocation checking needs: the cache and, with the `fetch`
/// feature, the HTTP client. Shared by every clone of a `Validator`.
#[derive(Debug)]
pub(crate) struct Checker {
    cache: Cache,
    /// Built on first use, so validators that never fetch pay nothing for it.
    #[cfg(feature = "fetch")]
    fetcher: std::sync::OnceLock<super::fetch::Fetcher>,
    #[cfg(feature = "fetch")]
    policy: RevocationPolicy,
    /// Destinations (origin or URL) that failed recently, until when they are skipped.
    #[cfg_attr(not(feature = "fetch"), allow(dead_code))]
    negative: Mutex<HashMap<String, Instant>>,
}

/// Most destinations the negative cache remembers; beyond that, expired entries are
/// dropped and, if still full, nothing new is remembered (a flood of distinct failing
/// URLs then costs what it would without the cache, bounded by the deadline).
#[cfg_attr(not(feature = "fetch"), allow(dead_code))]
const NEGATIVE_MAX: usize = 4096;

impl Checker {
    pub(crate) fn new(policy: &RevocationPolicy) -> Checker {
        Checker {
            cache: Cache::with_issuer_share(
                policy.cache_max_entries,
                policy.cache_max_bytes,
                policy.cache_issuer_share_percent,
                i64::from(policy.max_age_seconds),
            ),
            #[cfg(feature = "fetch")]
            fetcher: std::sync::OnceLock::new(),
            #[cfg(feature = "fetch")]
            policy: policy.clone(),
            negative: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `key` failed less than `negative_cache_seconds` ago.
    #[cfg_attr(not(feature = "fetch"), allow(dead_code))]
    fn recently_failed(&self, key: &str) -> bool {
        let map = self.negative.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).is_some_and(|&until| Instant::now() < until)
    }

    #[cfg_attr(not(feature = "fetch"), allow(dead_code))]
    fn remember_failure(&self, key: String, seconds: u32) {
        if seconds == 0 {
            return;
        }
        let now = Instant::now();
        let mut map = self.negative.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= NEGATIVE_MAX {
            map.retain(|_, until| *until > now);
        }
        if map.len() < NEGATIVE_MAX {
            map.insert(key, now + Duration::from_secs(u64::from(seconds)));
        }
    }

    pub(crate) fn cache(&self) -> &Cache {
        &self.cache
    }
}

/// What the caller supplied for the revocation step of one validation: the revocation
/// data it obtained itself and the switches for fetching. Borrowed from the caller's
/// options (`Options::supplied` in bundle mode and trust-store mode alike), so the
/// revocation step never sees the validator's option types.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Supplied<'a> {
    /// DER OCSP responses stapled in the TLS handshake.
    pub(crate) stapled_ocsp: &'a [Vec<u8>],
    /// DER OCSP responses the caller obtained itself.
    pub(crate) ocsp_responses: &'a [Vec<u8>],
    /// CRLs (DER or PEM) the caller obtained itself.
    pub(crate) crls: &'a [Vec<u8>],
    /// CRLs parsed once and shared by many validations (used after `crls`).
    pub(crate) parsed_crls: &'a [std::sync::Arc<Crl>],
    /// Never contact a responder or distribution point.
    pub(crate) offline: bool,
    /// Send a nonce in fetched OCSP requests and require it echoed.
    #[cfg_attr(not(feature = "fetch"), allow(dead_code))]
    pub(crate) ocsp_nonce: bool,
}

/// What one validation hands to the revocation step.
pub(crate) struct Inputs<'a> {
    pub(crate) slots: &'a [Slot],
    pub(crate) chain: &'a Chain,
    pub(crate) trust: &'a TrustStore,
    pub(crate) supplied: Supplied<'a>,
    pub(crate) at: Timestamp,
    /// The path verified, without path, signature or trust errors, to an anchor of a
    /// configured trust store: the only case in which anything is fetched or cached
    /// from the network.
    pub(crate) trusted: bool,
    /// The validation's shared revocation state (deadline, answers so far).
    pub(crate) session: &'a Session,
}

/// Revocation state of one validation, shared by the candidate paths of trust-store
/// mode: one deadline for all network work and one network answer per certificate.
pub(crate) struct Session {
    #[cfg_attr(not(feature = "fetch"), allow(dead_code))]
    deadline: Instant,
    /// Network outcomes so far, by (certificate, issuer key).
    answers: RefCell<HashMap<[u8; 32], Fetched>>,
}

impl Session {
    /// A session whose network work ends `deadline_ms` from now.
    pub(crate) fn new(policy: &RevocationPolicy) -> Session {
        Session {
            deadline: Instant::now() + Duration::from_millis(u64::from(policy.deadline_ms)),
            answers: RefCell::new(HashMap::new()),
        }
    }
}

fn answer_key(cert: &Certificate, issuer: &Certificate) -> [u8; 32] {
    let mut ctx = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    ctx.update(&(cert.der().len() as u64).to_be_bytes());
    ctx.update(cert.der());
    ctx.update(issuer.spki());
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// Whether findings recorded for a path show no error about the path, its signatures,
/// its validity or its trust: together with a path webpki verified to a configured
/// anchor, the condition for fetching. Profile and formatting errors (lifetime, order,
/// extra certificates) say nothing about trust and do not count.
pub(crate) fn path_is_clean(findings: &[crate::report::Finding]) -> bool {
    const PATH_ERRORS: &[Code] = &[
        Code::CertificateMalformed,
        Code::CertificateUnsupportedCriticalExtension,
        Code::ChainIssuerMissing,
        Code::ChainTooLong,
        Code::ChainPathInvalid,
        Code::ChainNameConstraintsViolated,
        Code::ChainBudgetExceeded,
        Code::LeafSelfSigned,
        Code::CaNotCa,
        Code::CaKeyCertSignMissing,
        Code::CaPathLenExceeded,
        Code::RootNotTrusted,
        Code::SignatureInvalid,
        Code::SignatureWeakAlgorithm,
        Code::SignatureUnsupportedAlgorithm,
        Code::ValidityExpired,
        Code::ValidityNotYetValid,
    ];
    // Any severity: a policy that lowers one of these to a warning has not made the
    // path trustworthy.
    !findings.iter().any(|f| PATH_ERRORS.contains(&f.code))
}

/// Why nothing is fetched for a chain that is not trusted: what the report's
/// revocation info says.
const UNTRUSTED: &str = "not fetched: the chain does not verify to an anchor of a configured trust store, so chainvet makes no request on its behalf (bundle mode without a trust store proves the chain consistent, not trusted); hand over a stapled or supplied OCSP response or CRL to check it";

struct SuppliedOcsp<'a> {
    label: String,
    source: Source,
    parsed: Result<Parsed<'a>, ocsp::Error>,
    used: bool,
}

struct SuppliedCrl {
    label: String,
    parsed: Result<std::sync::Arc<Crl>, CrlError>,
}

fn too_large(max: usize) -> CrlError {
    CrlError::Malformed(format!("it is larger than max_crl_bytes ({max} bytes)"))
}

fn numbered(what: &str, i: usize, total: usize) -> String {
    if total == 1 {
        what.to_owned()
    } else {
        format!("{what} {}", i + 1)
    }
}

struct Run<'a, 'f, 'p> {
    checker: &'a Checker,
    policy: &'a RevocationPolicy,
    inputs: &'a Inputs<'a>,
    findings: &'f mut Findings<'p>,
    ocsp: Vec<SuppliedOcsp<'a>>,
    crls: Vec<SuppliedCrl>,
    /// Who besides a certificate's issuer may have signed a CRL (RFC 5280 6.3.3 (f)).
    signers: SignerPool<'a>,
    /// Why the supplied CRLs gave the certificate being checked no status, for its
    /// revocation info whatever answers in the end.
    crl_notes: Option<String>,
}

/// Runs revocation checking for a validation; returns one entry per certificate in
/// scope. Does nothing when the mode is `off`.
pub(crate) fn run(
    checker: &Checker,
    policy: &RevocationPolicy,
    inputs: &Inputs<'_>,
    findings: &mut Findings<'_>,
) -> Vec<RevocationInfo> {
    if policy.mode == Mode::Off {
        return Vec::new();
    }
    let options = &inputs.supplied;
    let mut ocsp = Vec::new();
    for (list, what, source) in [
        (
            &options.stapled_ocsp,
            "stapled OCSP response",
            Source::Stapled,
        ),
        (
            &options.ocsp_responses,
            "supplied OCSP response",
            Source::Supplied,
        ),
    ] {
        for (i, bytes) in list.iter().enumerate() {
            // The same cap as a fetched response: a caller may pass on what a peer
            // stapled without looking at it.
            let parsed = if bytes.len() > policy.max_ocsp_bytes {
                Err(ocsp::Error::Malformed(format!(
                    "it is larger than max_ocsp_bytes ({} bytes)",
                    policy.max_ocsp_bytes
                )))
            } else {
                ocsp::parse(bytes)
            };
            ocsp.push(SuppliedOcsp {
                label: numbered(what, i, list.len()),
                source,
                parsed,
                used: false,
            });
        }
    }
    let total = options.crls.len() + options.parsed_crls.len();
    let crls = options
        .crls
        .iter()
        .map(|bytes| {
            if bytes.len() > policy.max_crl_bytes {
                Err(too_large(policy.max_crl_bytes))
            } else {
                Crl::from_bytes(bytes).map(std::sync::Arc::new)
            }
        })
        .chain(options.parsed_crls.iter().map(|crl| {
            if crl.der().len() > policy.max_crl_bytes {
                Err(too_large(policy.max_crl_bytes))
            } else {
                Ok(std::sync::Arc::clone(crl))
            }
        }))
        .enumerate()
        .map(|(i, parsed)| SuppliedCrl {
            label: numbered("supplied CRL", i, total),
            parsed,
        })
        .collect::<Vec<SuppliedCrl>>();
    let supplied_certs = crls
        .iter()
        .filter_map(|s| s.parsed.as_ref().ok())
        .flat_map(|crl| crl.certificates().iter().cloned())
        .collect();
    let own = inputs
        .slots
        .iter()
        .filter_map(|s| s.as_ref().ok())
        .collect();
    let signers = SignerPool::new(supplied_certs, own, path_anchor(inputs), inputs.at);
    let mut run = Run {
        checker,
        policy,
        inputs,
        findings,
        ocsp,
        crls,
        signers,
        crl_notes: None,
    };
    let mut out = Vec::new();
    for i in targets(inputs, policy.scope) {
        if let Ok(cert) = &inputs.slots[i] {
            let mut info = run.check(i, cert);
            if let Some(notes) = run.crl_notes.take() {
                let why = format!("the supplied CRLs gave no status: {notes}");
                info.detail = Some(match info.detail.take() {
                    Some(d) => format!("{d}; {why}"),
                    None => why,
                });
            }
            out.push(info);
        }
    }
    run.report_unused();
    out
}

/// The certificates to check: the leaf, or every certificate on the path except a
/// self-signed root.
fn targets(inputs: &Inputs<'_>, scope: Scope) -> Vec<usize> {
    let chain = inputs.chain;
    let Some(leaf) = chain.leaf else {
        return Vec::new();
    };
    let self_signed = |i: usize| chain.self_signed.get(i).copied().unwrap_or(false);
    match scope {
        Scope::Leaf => [leaf].into_iter().filter(|&i| !self_signed(i)).collect(),
        Scope::Chain => chain
            .path
            .iter()
            .copied()
            .filter(|&i| !self_signed(i))
            .collect(),
    }
}

/// The issuer of certificate `i`: the next certificate on the path if the link
/// verifies, else a trust anchor that issued it.
fn issuer_of<'a>(
    inputs: &Inputs<'a>,
    i: usize,
    cert: &Certificate,
) -> Result<&'a Certificate, String> {
    match inputs.chain.link_of(i) {
        Some((j, Link::Verified)) => match &inputs.slots[*j] {
            Ok(issuer) => return Ok(issuer),
            Err(_) => return Err("its issuer does not parse".to_owned()),
        },
        Some((_, _)) => {
            return Err("its issuer's signature on it does not verify".to_owned());
        }
        None => {}
    }
    inputs.trust.find_issuer(cert).ok_or_else(|| {
        format!(
            "its issuer {} is neither in the bundle nor in the trust store",
            cert.issuer_string()
        )
    })
}

/// The trust anchor the checked path ends at: its self-signed top, or the trust-store
/// certificate that issued its top. CRL signers other than a certificate's issuer must
/// validate to it (RFC 5280 6.3.3 (f)).
fn path_anchor<'a>(inputs: &Inputs<'a>) -> Option<&'a Certificate> {
    let top = *inputs.chain.path.last()?;
    let cert = inputs.slots.get(top)?.as_ref().ok()?;
    if inputs.chain.self_signed.get(top).copied().unwrap_or(false) {
        return Some(cert);
    }
    issuer_of(inputs, top, cert).ok()
}

/// The http(s) URLs of a list, each once (exact text; an attacker's certificate may
/// repeat one thousands of times), at most `max`.
fn distinct_http(urls: &[String], max: usize) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for u in urls {
        if out.len() >= max {
            break;
        }
        if ocsp::is_http(u) && !out.contains(&u.as_str()) {
            out.push(u);
        }
    }
    out
}

fn crl_urls(cert: &Certificate, max: usize) -> Vec<&str> {
    distinct_http(&cert.extensions().crl_urls, max)
}

fn ocsp_urls(cert: &Certificate, max: usize) -> Vec<&str> {
    distinct_http(&cert.extensions().ocsp_urls, max)
}

fn methods(prefer: Method) -> [Method; 2] {
    match prefer {
        Method::Ocsp => [Method::Ocsp, Method::Crl],
        Method::Crl => [Method::Crl, Method::Ocsp],
    }
}

/// Which response or CRL a finding is about.
struct Origin<'s> {
    method: Method,
    source: Source,
    responder: &'s str,
}

/// What the network step found.
#[derive(Clone)]
#[cfg_attr(not(feature = "fetch"), allow(dead_code))]
enum Fetched {
    Answer(Answer, String),
    Invalid(String, String, Method),
    /// No status: what was tried (`OCSP url`, for the uploader) and what went wrong
    /// (for the operator).
    Failed {
        tried: Vec<String>,
        errors: Vec<String>,
    },
    /// Nothing was tried, for this reason (shown to the uploader).
    Skipped(String),
}

impl Run<'_, '_, '_> {
    fn unavailable_severity(&self) -> Severity {
        match self.policy.mode {
            Mode::HardFail => Severity::Error,
            _ => Code::RevocationUnavailable.default_severity(),
        }
    }

    fn check(&mut self, i: usize, cert: &Certificate) -> RevocationInfo {
        let at = self.inputs.at;
        // Named only in a finding, which most validations do not have.
        let desc = || cert.describe(i);
        let issuer = match issuer_of(self.inputs, i, cert) {
            Ok(issuer) => issuer,
            Err(why) => {
                let detail = format!("not checked: {why}");
                if self.policy.mode == Mode::HardFail {
                    self.findings.add_with_default(
                        Code::RevocationUnavailable,
                        Severity::Error,
                        Some(i),
                        format!("{}: revocation status cannot be checked: {why}", desc()),
                        "Include the issuing CA certificate in the bundle so responses about this certificate can be verified.",
                    );
                    return RevocationInfo::bare(i, Outcome::Unavailable, detail);
                }
                return RevocationInfo::bare(i, Outcome::NotChecked, detail);
            }
        };

        // 1. Stapled, then supplied OCSP responses about this certificate.
        for k in 0..self.ocsp.len() {
            let item = &self.ocsp[k];
            let Ok(parsed) = &item.parsed else { continue };
            if !parsed.covers(cert, issuer) {
                continue;
            }
            let result = parsed.evaluate(cert, issuer, at, None, self.policy);
            let (label, source) = (item.label.clone(), item.source);
            self.ocsp[k].used = true;
            return match result {
                Ok(answer) => self.answered(i, cert, &answer, source, &label),
                Err(e) => self.invalid(
                    i,
                    cert,
                    Origin {
                        method: Method::Ocsp,
                        source,
                        responder: &label,
                    },
                    &e.to_string(),
                    e.code(),
                ),
            };
        }

        // 2. Supplied CRLs from this certificate's issuer, with the cached CRLs of its
        // distribution points, selected and combined together (crl_select): which one
        // answers never depends on the order they were handed over in.
        // The distribution points are read only when there are CRLs to match them with.
        let supplied_crls = !self.crls.is_empty() && {
            let dps = CertDps::of(cert);
            self.crls
                .iter()
                .any(|s| s.parsed.as_ref().is_ok_and(|crl| crl.may_cover(cert, &dps)))
        };
        if supplied_crls {
            match self.select_crls(cert, issuer, None) {
                Selection::Answer(chosen) => return self.answered_crl(i, cert, chosen),
                Selection::Invalid {
                    source,
                    responder,
                    error,
                    detail,
                } => {
                    let mut info = self.invalid(
                        i,
                        cert,
                        Origin {
                            method: Method::Crl,
                            source,
                            responder: &responder,
                        },
                        &error.to_string(),
                        error.code(),
                    );
                    info.detail = Some(detail);
                    return info;
                }
                Selection::NotApplicable { detail, .. } => self.crl_notes = Some(detail),
            }
        }

        // 3. The cache.
        let skew = self.policy.skew();
        for method in methods(self.policy.prefer) {
            match method {
                Method::Ocsp => {
                    if let Some(hit) = self.checker.cache.lookup_ocsp(cert, issuer, at, skew) {
                        return self.answered(i, cert, &hit.answer, Source::Cache, &hit.responder);
                    }
                }
                Method::Crl => {
                    if !supplied_crls
                        && let Selection::Answer(chosen) = self.select_crls(cert, issuer, None)
                    {
                        return self.answered_crl(i, cert, chosen);
                    }
                }
            }
        }

        // 4. The network.
        let (ocsp_urls, crl_urls) = (
            ocsp_urls(cert, self.policy.max_ocsp_urls),
            crl_urls(cert, self.policy.max_crl_urls),
        );
        if ocsp_urls.is_empty() && crl_urls.is_empty() {
            if self.policy.require_url {
                self.findings.add(
                    Code::RevocationNoOcspUrl,
                    Some(i),
                    format!(
                        "{} names no OCSP responder (authorityInfoAccess) and no CRL distribution point, so its revocation status cannot be checked",
                        desc()
                    ),
                    "Use a certificate from a CA that publishes revocation status, or set `require_url = false` in the policy's [revocation] table.",
                );
            }
            return RevocationInfo::bare(
                i,
                Outcome::NotChecked,
                "the certificate names no OCSP responder and no CRL distribution point, and nothing was supplied",
            );
        }
        let fetched = if self.inputs.supplied.offline {
            Fetched::Skipped("not fetched: offline mode".to_owned())
        } else {
            if !self.inputs.trusted {
                if self.policy.mode == Mode::HardFail {
                    self.findings.add_with_default(
                        Code::RevocationUnavailable,
                        Severity::Error,
                        Some(i),
                        format!("{}: revocation status was not checked: the chain does not verify to a trusted root, and chainvet requests nothing on behalf of an untrusted chain", desc()),
                        "Use a certificate from a CA this service trusts, or hand over a current OCSP response (--ocsp-response) or CRL (--crl).",
                    );
                    return RevocationInfo::bare(i, Outcome::Unavailable, UNTRUSTED);
                }
                return RevocationInfo::bare(i, Outcome::NotChecked, UNTRUSTED);
            }

            let key = answer_key(cert, issuer);
            let known = self.inputs.session.answers.borrow().get(&key).cloned();
            match known {
                Some(f) => f,
                None => {
                    let f = self.fetch(cert, issuer, &ocsp_urls, &crl_urls);
                    self.inputs
                        .session
                        .answers
                        .borrow_mut()
                        .insert(key, f.clone());
                    f
                }
            }
        };
        match fetched {
            Fetched::Answer(answer, url) => self.answered(i, cert, &answer, Source::Network, &url),
            Fetched::Invalid(url, why, method) => self.invalid(
                i,
                cert,
                Origin {
                    method,
                    source: Source::Network,
                    responder: &url,
                },
                &why,
                Code::RevocationResponseInvalid,
            ),
            Fetched::Failed { tried, errors } => {
                let public = if tried.is_empty() {
                    "revocation status could not be obtained".to_owned()
                } else {
                    format!(
                        "revocation status could not be obtained from {}",
                        tried.join(" or ")
                    )
                };
                self.findings.add_detailed(
                    Code::RevocationUnavailable,
                    self.unavailable_severity(),
                    Some(i),
                    format!("{}: {public}", desc()),
                    "Check that this host can reach the responder, retry later, or hand over a current OCSP response (--ocsp-response) or CRL (--crl).",
                    errors.join("; "),
                );
                RevocationInfo::bare(i, Outcome::Unavailable, public)
            }
            Fetched::Skipped(why) => {
                self.findings.add_with_default(
                    Code::RevocationUnavailable,
                    self.unavailable_severity(),
                    Some(i),
                    format!("{}: revocation status could not be obtained: {why}", desc()),
                    "Hand over a current OCSP response (--ocsp-response) or CRL (--crl), or allow network access.",
                );
                RevocationInfo::bare(i, Outcome::Unavailable, why)
            }
        }
    }

    #[cfg(not(feature = "fetch"))]
    fn fetch(&self, _: &Certificate, _: &Certificate, _: &[&str], _: &[&str]) -> Fetched {
        Fetched::Skipped(
            "not fetched: this build of chainvet has no network support (cargo feature `fetch`)"
                .to_owned(),
        )
    }

    /// Fetches `url` unless the deadline passed or the destination failed a moment ago;
    /// remembers a failure. `Err` is operator detail.
    #[cfg(feature = "fetch")]
    fn fetch_one(
        &self,
        fetcher: &super::fetch::Fetcher,
        url: &str,
        ocsp_request: Option<&[u8]>,
    ) -> Result<Vec<u8>, String> {
        let deadline = self.inputs.session.deadline;
        if Instant::now() >= deadline {
            return Err(format!(
                "skipped: the validation's revocation deadline ({} ms) has passed",
                self.policy.deadline_ms
            ));
        }
        let origin = super::fetch::origin_key(url).unwrap_or_else(|| url.to_owned());
        if self.checker.recently_failed(&origin) || self.checker.recently_failed(url) {
            return Err(
                "skipped: this destination failed less than negative_cache_seconds ago".to_owned(),
            );
        }
        let result = match ocsp_request {
            Some(request) => fetcher.post_ocsp_until(url, request, Some(deadline)),
            None => fetcher.get_crl_until(url, Some(deadline)),
        };
        result.map_err(|e| {
            let key = if e.is_destination_failure() {
                origin
            } else {
                url.to_owned()
            };
            self.checker
                .remember_failure(key, self.policy.negative_cache_seconds);
            e.to_string()
        })
    }

    #[cfg(feature = "fetch")]
    fn fetch(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        ocsp_urls: &[&str],
        crl_urls: &[&str],
    ) -> Fetched {
        let at = self.inputs.at;
        let fetcher = self
            .checker
            .fetcher
            .get_or_init(|| super::fetch::Fetcher::new(&self.checker.policy));
        let mut errors = Vec::new();
        let mut tried = Vec::new();
        for method in methods(self.policy.prefer) {
            match method {
                Method::Ocsp => {
                    if ocsp_urls.is_empty() {
                        continue;
                    }
                    let hash = self.policy.cert_id_hash;
                    let request = if self.inputs.supplied.ocsp_nonce {
                        ocsp::Request::with_random_nonce(cert, issuer, hash)
                    } else {
                        ocsp::Request::new(cert, issuer, hash, None)
                    };
                    let request = match request {
                        Ok(r) => r,
                        Err(e) => {
                            errors.push(format!("OCSP: {e}"));
                            continue;
                        }
                    };
                    for &url in ocsp_urls {
                        tried.push(format!("OCSP {url}"));
                        let bytes = match self.fetch_one(fetcher, url, Some(request.der())) {
                            Ok(b) => b,
                            Err(e) => {
                                errors.push(format!("OCSP {url}: {e}"));
                                continue;
                            }
                        };
                        match ocsp::evaluate(&bytes, cert, issuer, at, request.nonce(), self.policy)
                        {
                            Ok(answer) => {
                                self.checker.cache.insert_ocsp(
                                    cert,
                                    issuer,
                                    super::cache::CachedOcsp {
                                        answer: answer.clone(),
                                        responder: url.to_owned(),
                                        response: std::sync::Arc::from(bytes),
                                    },
                                    at,
                                );
                                return Fetched::Answer(answer, url.to_owned());
                            }
                            Err(e) if e.code() == Code::RevocationUnavailable => {
                                errors.push(format!("OCSP {url}: {e}"));
                            }
                            Err(e) => {
                                return Fetched::Invalid(
                                    url.to_owned(),
                                    e.to_string(),
                                    Method::Ocsp,
                                );
                            }
                        }
                    }
                }
                Method::Crl => {
                    for &url in crl_urls {
                        tried.push(format!("CRL {url}"));
                        let bytes = match self.fetch_one(fetcher, url, None) {
                            Ok(b) => b,
                            Err(e) => {
                                errors.push(format!("CRL {url}: {e}"));
                                continue;
                            }
                        };
                        let crl = match Crl::from_bytes(&bytes) {
                            Ok(crl) => crl,
                            Err(e) => {
                                return Fetched::Invalid(
                                    url.to_owned(),
                                    e.to_string(),
                                    Method::Crl,
                                );
                            }
                        };
                        // Caching verifies the signature, once.
                        let crl = std::sync::Arc::new(crl);
                        let valid_until = crl.valid_until(self.policy);
                        // A CRL the issuer's key did not sign (a separate CRL signer, a
                        // re-keyed CA, an indirect CRL) is judged like a supplied one,
                        // its signer validated, and not cached.
                        let verified = self
                            .checker
                            .cache
                            .insert_crl(url, issuer, std::sync::Arc::clone(&crl), valid_until, at)
                            .is_ok();
                        let checked = self
                            .select_crls(cert, issuer, Some((url, &crl, verified)))
                            .into_answer();
                        return match checked {
                            Ok(answer) => Fetched::Answer(answer, url.to_owned()),
                            Err(e) => Fetched::Invalid(url.to_owned(), e, Method::Crl),
                        };
                    }
                }
            }
        }
        Fetched::Failed { tried, errors }
    }

    /// Every supplied CRL and every cached CRL of `cert`'s distribution points, plus
    /// `fetched`, selected and combined for `cert`.
    fn select_crls(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        fetched: Option<(&str, &Crl, bool)>,
    ) -> Selection {
        let at = self.inputs.at;
        let skew = self.policy.skew();
        let cached: Vec<(&str, std::sync::Arc<Crl>)> = crl_urls(cert, self.policy.max_crl_urls)
            .into_iter()
            .filter_map(|u| Some((u, self.checker.cache.lookup_crl(u, issuer, at, skew)?)))
            .collect();
        let mut candidates: Vec<Candidate<'_>> = self
            .crls
            .iter()
            .filter_map(|s| {
                Some(Candidate {
                    label: &s.label,
                    source: Source::Supplied,
                    crl: s.parsed.as_ref().ok()?,
                    verified: false,
                })
            })
            .collect();
        candidates.extend(cached.iter().map(|(url, crl)| Candidate {
            label: url,
            source: Source::Cache,
            crl,
            verified: true,
        }));
        if let Some((url, crl, verified)) = fetched {
            candidates.push(Candidate {
                label: url,
                source: Source::Network,
                crl,
                verified,
            });
        }
        crl_select::select(cert, issuer, &candidates, at, self.policy, &self.signers)
    }

    /// A status established by CRLs, with which CRL answered in the detail.
    fn answered_crl(&mut self, i: usize, cert: &Certificate, chosen: Chosen) -> RevocationInfo {
        let mut info = self.answered(i, cert, &chosen.answer, chosen.source, &chosen.responder);
        info.detail = Some(chosen.detail);
        info
    }

    fn answered(
        &mut self,
        i: usize,
        cert: &Certificate,
        answer: &Answer,
        source: Source,
        responder: &str,
    ) -> RevocationInfo {
        let desc = cert.describe(i);
        // A stapled or supplied answer's label already says what it is ("supplied OCSP
        // response"); a responder's URL needs the method and where the answer came from.
        let from = if responder.starts_with(&source.to_string()) {
            format!("the {responder}")
        } else {
            format!("{} {responder} ({source})", answer.method)
        };
        match answer.status {
            CertStatus::Good => {}
            CertStatus::Revoked { time, reason } => {
                let why = reason.map(|r| format!(", reason {r}")).unwrap_or_default();
                let hint = if reason == Some(Reason::CertificateHold) {
                    "The CA has put this certificate on hold: ask it to release the hold, or get a new certificate."
                } else {
                    "A revoked certificate cannot be used again: create a new key and CSR, have your CA issue a new certificate and upload that."
                };
                self.findings.add(
                    Code::RevocationRevoked,
                    Some(i),
                    format!("{desc} was revoked on {time}{why}, according to {from}"),
                    hint,
                );
            }
            CertStatus::Unknown => self.findings.add(
                Code::RevocationUnknown,
                Some(i),
                format!("{desc}: {from} answered `unknown`: the responder does not know this certificate"),
                "Check that the certificate was issued by the CA whose responder it names (e.g. not a test CA's certificate in production), or ask the CA.",
            ),
        }
        RevocationInfo::from_answer(i, answer, source, responder)
    }

    fn invalid(
        &mut self,
        i: usize,
        cert: &Certificate,
        origin: Origin<'_>,
        why: &str,
        code: Code,
    ) -> RevocationInfo {
        let Origin {
            method,
            source,
            responder,
        } = origin;
        let desc = cert.describe(i);
        let what = match method {
            Method::Ocsp => "OCSP response",
            Method::Crl => "CRL",
        };
        if code == Code::RevocationUnavailable {
            self.findings.add_with_default(
                code,
                self.unavailable_severity(),
                Some(i),
                format!("{desc}: the {what} from {responder} ({source}) gives no status: {why}"),
                "Retry later, or obtain a current response from the CA's responder.",
            );
            let mut info = RevocationInfo::bare(i, Outcome::Unavailable, why);
            info.method = Some(method);
            info.source = Some(source);
            info.responder = Some(responder.to_owned());
            return info;
        }
        self.findings.add(
            Code::RevocationResponseInvalid,
            Some(i),
            format!("{desc}: the {what} from {responder} ({source}) is not valid: {why}"),
            "Obtain a fresh response directly from the CA; one that fails these checks may be forged, replayed, stale or about another certificate.",
        );
        let mut info = RevocationInfo::bare(i, Outcome::Invalid, why);
        info.method = Some(method);
        info.source = Some(source);
        info.responder = Some(responder.to_owned());
        info
    }

    /// Supplied items that were about no certificate of the bundle.
    fn report_unused(&mut self) {
        let inputs = self.inputs;
        let pairs: Vec<(&Certificate, &Certificate)> = (0..inputs.slots.len())
            .filter_map(|i| {
                let cert = inputs.slots[i].as_ref().ok()?;
                Some((cert, issuer_of(inputs, i, cert).ok()?))
            })
            .collect();
        for k in 0..self.ocsp.len() {
            let item = &self.ocsp[k];
            if item.used {
                continue;
            }
            let (code, message) = match &item.parsed {
                Err(e) => (e.code(), format!("the {} is not usable: {e}", item.label)),
                Ok(parsed) => {
                    if pairs.iter().any(|(c, iss)| parsed.covers(c, iss)) {
                        continue;
                    }
                    let serials = parsed.serials();
                    (
                        Code::RevocationResponseInvalid,
                        format!(
                            "the {} is about serial {}, which is no certificate of this bundle",
                            item.label,
                            if serials.is_empty() {
                                "(none)".to_owned()
                            } else {
                                serials.join(", ")
                            }
                        ),
                    )
                }
            };
            let severity = if code == Code::RevocationUnavailable {
                self.unavailable_severity()
            } else {
                code.default_severity()
            };
            self.findings.add_with_default(
                code,
                severity,
                None,
                message,
                "Hand over the OCSP response for this bundle's certificate, as the CA's responder returned it (DER).",
            );
        }
        for item in &self.crls {
            if let Err(e) = &item.parsed {
                self.findings.add(
                    Code::RevocationResponseInvalid,
                    None,
                    format!("the {} is not usable: {e}", item.label),
                    "Hand over the CRL as the CA publishes it, DER or PEM (`-----BEGIN X509 CRL-----`).",
                );
            }
        }
    }
}
