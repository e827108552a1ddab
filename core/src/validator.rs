//! `Validator`: a policy plus its trust anchors, shareable across threads; the entry point.

use crate::certificate::Certificate;
use crate::chain::{self, Chain};
use crate::checks;
use crate::code::Code;
use crate::findings::Findings;
use crate::input::{self, Slot};
use crate::path_validation;
use crate::policy::{Policy, PolicyError};
use crate::report::{CertificateInfo, ChainSummary, Report, Severity};
use crate::revocation;
use crate::signature;
use crate::time::Timestamp;
use crate::trust::TrustStore;

/// Vets certificate bundles against one policy. Cheap to share: `Send + Sync`; the only
/// interior state is the bounded revocation cache, shared by all clones.
#[derive(Debug, Clone)]
pub struct Validator {
    policy: Policy,
    trust: TrustStore,
    revocation: std::sync::Arc<revocation::Checker>,
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
    pub binding: Option<std::sync::Arc<crate::binding::Binding>>,
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
    pub fn with_binding(mut self, binding: std::sync::Arc<crate::binding::Binding>) -> Options {
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
        let revocation = std::sync::Arc::new(revocation::Checker::new(&policy.revocation));
        Validator {
            policy,
            trust,
            revocation,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The trust anchors (empty when none are configured).
    pub fn trust_store(&self) -> &TrustStore {
        &self.trust
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
        self.analyze_pem(input, options).report
    }

    /// Vets a list of DER certificates, leaf first, as a TLS stack hands over the peer's
    /// chain (e.g. OpenSSL's `SSL_get_peer_cert_chain`).
    pub fn validate_der_at(&self, certificates: &[&[u8]], at: Timestamp) -> Report {
        self.validate_der_with(certificates, &Options::at(at))
    }

    /// Vets a list of DER certificates, leaf first, with per-call options.
    pub fn validate_der_with(&self, certificates: &[&[u8]], options: &Options) -> Report {
        let mut findings = Findings::new(&self.policy);
        let slots = input::read_der_list(certificates, &self.policy, &mut findings);
        self.finish(slots, options, findings).report
    }

    pub(crate) fn analyze_pem(&self, input: &[u8], options: &Options) -> Analysis {
        let mut findings = Findings::new(&self.policy);
        let slots = input::read_pem(input, &self.policy, &mut findings);
        self.finish(slots, options, findings)
    }

    fn finish(
        &self,
        slots: Option<Vec<Slot>>,
        options: &Options,
        mut findings: Findings<'_>,
    ) -> Analysis {
        let at = options.time();
        let slots = slots.unwrap_or_default();
        let mut chain = Chain::default();
        let mut revocation = Vec::new();
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
                findings: &mut findings,
            });
            path_validation::run(&slots, &chain, &self.trust, at, &mut findings);
            if let Some(binding) = &options.binding {
                crate::binding::run_on_chain(&slots, &chain, binding, at, &mut findings);
            }
            revocation = revocation::run(
                &self.revocation,
                &self.policy.revocation,
                &revocation::Inputs {
                    slots: &slots,
                    chain: &chain,
                    trust: &self.trust,
                    options,
                    at,
                },
                &mut findings,
            );
        }
        let findings = findings.into_vec();
        let certificates = slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().ok().map(|c| info(i, c, &chain)))
            .collect();
        let report = Report {
            accepted: !findings.iter().any(|f| f.severity == Severity::Error),
            findings,
            certificates,
            chain: ChainSummary {
                leaf: chain.leaf,
                leaf_reason: chain.leaf_reason.clone(),
                path: chain.path.clone(),
            },
            validated_at: at.to_rfc3339(),
            revocation,
        };
        Analysis {
            slots,
            chain,
            report,
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

fn info(index: usize, cert: &Certificate, chain: &Chain) -> CertificateInfo {
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
