//! The revocation step of a validation: for each certificate in scope, find a status
//! in the stapled and supplied responses, the supplied CRLs, the cache, then the
//! network (preferred method first), and turn the outcome into findings.

use super::cache::Cache;
use super::crl::{Crl, CrlError};
use super::ocsp::{self, Parsed};
use super::policy::{Mode, RevocationPolicy, Scope};
use super::status::{Answer, CertStatus, Method, Outcome, Reason, RevocationInfo, Source};
use crate::certificate::Certificate;
use crate::chain::{Chain, Link};
use crate::code::Code;
use crate::findings::Findings;
use crate::input::Slot;
use crate::report::Severity;
use crate::time::Timestamp;
use crate::trust::TrustStore;
use crate::validator::Options;

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
}

impl Checker {
    pub(crate) fn new(policy: &RevocationPolicy) -> Checker {
        Checker {
            cache: Cache::new(policy.cache_max_entries, policy.cache_max_bytes),
            #[cfg(feature = "fetch")]
            fetcher: std::sync::OnceLock::new(),
            #[cfg(feature = "fetch")]
            policy: policy.clone(),
        }
    }

    pub(crate) fn cache(&self) -> &Cache {
        &self.cache
    }
}

/// What one validation hands to the revocation step.
pub(crate) struct Inputs<'a> {
    pub(crate) slots: &'a [Slot],
    pub(crate) chain: &'a Chain,
    pub(crate) trust: &'a TrustStore,
    pub(crate) options: &'a Options,
    pub(crate) at: Timestamp,
}

struct SuppliedOcsp<'a> {
    label: String,
    source: Source,
    parsed: Result<Parsed<'a>, ocsp::Error>,
    used: bool,
}

struct SuppliedCrl {
    label: String,
    parsed: Result<Crl, CrlError>,
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
    let options = inputs.options;
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
            ocsp.push(SuppliedOcsp {
                label: numbered(what, i, list.len()),
                source,
                parsed: ocsp::parse(bytes),
                used: false,
            });
        }
    }
    let crls = options
        .crls
        .iter()
        .enumerate()
        .map(|(i, bytes)| SuppliedCrl {
            label: numbered("supplied CRL", i, options.crls.len()),
            parsed: Crl::from_bytes(bytes),
        })
        .collect();
    let mut run = Run {
        checker,
        policy,
        inputs,
        findings,
        ocsp,
        crls,
    };
    let mut out = Vec::new();
    for i in targets(inputs, policy.scope) {
        if let Ok(cert) = &inputs.slots[i] {
            out.push(run.check(i, cert));
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

fn crl_urls(cert: &Certificate) -> Vec<&str> {
    cert.extensions()
        .crl_urls
        .iter()
        .map(String::as_str)
        .filter(|u| ocsp::is_http(u))
        .collect()
}

fn ocsp_urls(cert: &Certificate) -> Vec<&str> {
    cert.extensions()
        .ocsp_urls
        .iter()
        .map(String::as_str)
        .filter(|u| ocsp::is_http(u))
        .collect()
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
#[cfg_attr(not(feature = "fetch"), allow(dead_code))]
enum Fetched {
    Answer(Answer, String),
    Invalid(String, String, Method),
    Failed(Vec<String>),
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
        let desc = cert.describe(i);
        let issuer = match issuer_of(self.inputs, i, cert) {
            Ok(issuer) => issuer,
            Err(why) => {
                let detail = format!("not checked: {why}");
                if self.policy.mode == Mode::HardFail {
                    self.findings.add_with_default(
                        Code::RevocationUnavailable,
                        Severity::Error,
                        Some(i),
                        format!("{desc}: revocation status cannot be checked: {why}"),
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

        // 2. Supplied CRLs from this certificate's issuer.
        for k in 0..self.crls.len() {
            let Ok(crl) = &self.crls[k].parsed else {
                continue;
            };
            if !crl.is_for(cert) {
                continue;
            }
            let label = self.crls[k].label.clone();
            match crl.evaluate(cert, issuer, at, self.policy) {
                Ok(answer) => return self.answered(i, cert, &answer, Source::Supplied, &label),
                Err(CrlError::NotApplicable(_)) => continue,
                Err(e) => {
                    return self.invalid(
                        i,
                        cert,
                        Origin {
                            method: Method::Crl,
                            source: Source::Supplied,
                            responder: &label,
                        },
                        &e.to_string(),
                        e.code(),
                    );
                }
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
                    for url in crl_urls(cert) {
                        let Some(crl) = self.checker.cache.lookup_crl(url, issuer, at, skew) else {
                            continue;
                        };
                        if let Ok(answer) = crl.evaluate_verified(cert, issuer, at, self.policy) {
                            return self.answered(i, cert, &answer, Source::Cache, url);
                        }
                    }
                }
            }
        }

        // 4. The network.
        let (ocsp_urls, crl_urls) = (ocsp_urls(cert), crl_urls(cert));
        if ocsp_urls.is_empty() && crl_urls.is_empty() {
            if self.policy.require_url {
                self.findings.add(
                    Code::RevocationNoOcspUrl,
                    Some(i),
                    format!(
                        "{desc} names no OCSP responder (authorityInfoAccess) and no CRL distribution point, so its revocation status cannot be checked"
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
        let fetched = if self.inputs.options.offline {
            Fetched::Failed(vec!["not fetched: offline mode".to_owned()])
        } else {
            self.fetch(cert, issuer, &ocsp_urls, &crl_urls)
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
            Fetched::Failed(errors) => {
                let detail = errors.join("; ");
                self.findings.add_with_default(
                    Code::RevocationUnavailable,
                    self.unavailable_severity(),
                    Some(i),
                    format!("{desc}: revocation status could not be obtained: {detail}"),
                    "Check that this host can reach the responder, retry later, or hand over a current OCSP response (--ocsp-response) or CRL (--crl).",
                );
                RevocationInfo::bare(i, Outcome::Unavailable, detail)
            }
        }
    }

    #[cfg(not(feature = "fetch"))]
    fn fetch(&self, _: &Certificate, _: &Certificate, _: &[&str], _: &[&str]) -> Fetched {
        Fetched::Failed(vec![
            "not fetched: this build of chainvet has no network support (cargo feature `fetch`)"
                .to_owned(),
        ])
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
        for method in methods(self.policy.prefer) {
            match method {
                Method::Ocsp => {
                    if ocsp_urls.is_empty() {
                        continue;
                    }
                    let hash = self.policy.cert_id_hash;
                    let request = if self.inputs.options.ocsp_nonce {
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
                        let bytes = match fetcher.post_ocsp(url, request.der()) {
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
                        let bytes = match fetcher.get_crl(url) {
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
                        let checked = self
                            .checker
                            .cache
                            .insert_crl(url, issuer, std::sync::Arc::clone(&crl), valid_until, at)
                            .and_then(|()| crl.evaluate_verified(cert, issuer, at, self.policy));
                        return match checked {
                            Ok(answer) => Fetched::Answer(answer, url.to_owned()),
                            Err(e) => Fetched::Invalid(url.to_owned(), e.to_string(), Method::Crl),
                        };
                    }
                }
            }
        }
        Fetched::Failed(errors)
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
        let from = format!("{} {responder} ({source})", answer.method);
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
