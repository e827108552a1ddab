//! Trust-store mode with chainvet's own RFC 5280 engine (`[path_validation] engine =
//! "chainvet"`): the engine builds and validates the paths (`crate::rfc5280`), and the
//! policy checks and revocation judge each path it finds valid, exactly as they judge
//! the paths rustls-webpki finds. The diagnosis of a failure names the RFC 5280 step.

use super::{Candidate, Judging, PresentedOptions, run_checks};
use crate::certificate::Certificate;
use crate::chain::Chain;
use crate::code::Code;
use crate::findings::Findings;
use crate::input::Slot;
use crate::policy::PolicyInputs;
use crate::revocation::RevocationInfo;
use crate::rfc5280::{ANY_POLICY, Failure, Inputs, MAX_INTERMEDIATES, PathError, Search};
use crate::time::Timestamp;
use crate::validator::Validator;
use const_oid::ObjectIdentifier;

impl Validator {
    /// The path search of `validate_presented` under the chainvet engine, from the
    /// parsed slots (leaf first) on, with the 6.1.1 policy inputs of this call: the
    /// slots (with the anchor of the path taken appended), the chain, the findings, the
    /// revocation result of the path taken, and the certificate policies it is valid
    /// for (dotted OIDs, 6.1.5 (g); `None` when no path was accepted).
    #[allow(clippy::type_complexity)]
    pub(super) fn validate_with_rfc5280_engine<'p>(
        &'p self,
        mut slots: Vec<Slot>,
        options: &PresentedOptions,
        policy_inputs: &PolicyInputs,
        judging: Judging<'_>,
        at: Timestamp,
        mut findings: Findings<'p>,
    ) -> (
        Vec<Slot>,
        Chain,
        Findings<'p>,
        Vec<RevocationInfo>,
        Option<Vec<String>>,
    ) {
        let trust = self.trust_store();
        let inputs = match inputs_from_policy(at.0, policy_inputs) {
            Ok(mut inputs) => {
                inputs.usage = Some(options.usage.eku());
                inputs
            }
            Err(why) => {
                findings.add_unwaivable(
                    Code::ChainPolicyInvalid,
                    None,
                    why,
                    "Fix the user-initial-policy-set ([path_validation] user_initial_policy_set or the validation's policy inputs): dotted OIDs such as 2.23.140.1.2.1.",
                );
                let chain = Chain::from_path(&slots, vec![0], false);
                return (slots, chain, findings, Vec::new(), None);
            }
        };
        // The search borrows its own copies, so each judged path can borrow the slots.
        let pool: Vec<Option<Certificate>> =
            slots.iter().map(|s| s.as_ref().ok().cloned()).collect();
        let refs: Vec<Option<&Certificate>> = pool.iter().map(Option::as_ref).collect();
        let mut accepted: Option<Candidate> = None;
        let mut policies: Option<Vec<String>> = None;
        let mut rejected: Option<Candidate> = None;
        let result = Search::new(refs, trust.anchors(), &inputs).run(&mut |path| {
            let mut indices = Vec::with_capacity(path.intermediates.len() + 1);
            indices.push(0);
            indices.extend(&path.intermediates);
            let anchor = trust.anchors().get(path.anchor).cloned();
            let candidate =
                self.judge_indices(&mut slots, indices, anchor, options, judging.revocation, at);
            judging.record(&candidate);
            if candidate.errors == 0 {
                accepted = Some(candidate);
                policies = Some(
                    path.policies
                        .iter()
                        .flatten()
                        .map(ToString::to_string)
                        .collect(),
                );
                return true;
            }
            if rejected
                .as_ref()
                .is_none_or(|b| candidate.errors < b.errors)
            {
                rejected = Some(candidate);
            }
            false
        });

        let failure = result.err();
        let candidate = match &failure {
            None => accepted,
            Some(_) => rejected,
        };
        let mut revocation = Vec::new();
        let chain = match (candidate, &failure) {
            (Some(c), _) => c.adopt(&mut slots, &mut findings, &mut revocation),
            (None, Some(f)) => self.diagnose_rfc5280(&mut slots, f, options, at, &mut findings),
            (None, None) => Chain::from_path(&slots, vec![0], false),
        };
        if let Some(f) = &failure
            && !findings.has_error()
        {
            findings.add_unwaivable(
                Code::ChainPathInvalid,
                None,
                format!(
                    "no path from the leaf to a trust anchor passes RFC 5280 validation: a certificate {}",
                    f.error.describe()
                ),
                Code::ChainPathInvalid.default_hint().unwrap_or_default(),
            );
        }
        let policies = if failure.is_none() { policies } else { None };
        (slots, chain, findings, revocation, policies)
    }

    /// Says why no path was accepted. A failure on a complete path is reported on that
    /// path (the policy checks run over it too); a search that never reached a trust
    /// anchor is walked by name and signature as for rustls-webpki.
    fn diagnose_rfc5280(
        &self,
        slots: &mut Vec<Slot>,
        failure: &Failure,
        options: &PresentedOptions,
        at: Timestamp,
        findings: &mut Findings<'_>,
    ) -> Chain {
        if let Some((path, anchor)) = &failure.path {
            let anchor = self.trust_store().anchors().get(*anchor).cloned();
            let mut indices = path.clone();
            let anchored = anchor.is_some();
            if let Some(a) = anchor {
                indices.push(slots.len());
                slots.push(Ok(a));
            }
            let chain = Chain::from_path(slots, indices, anchored);
            run_checks(self, slots, &chain, options.usage, at, findings);
            add_failure(slots, failure, findings);
            return chain;
        }
        // Recorded first, so the walk's own report of the same code is not repeated.
        add_failure(slots, failure, findings);
        let mapped = match &failure.error {
            PathError::BadSignature => webpki::Error::InvalidSignatureForPublicKey,
            PathError::TooDeep => webpki::Error::MaximumPathDepthExceeded,
            PathError::Budget(_) => webpki::Error::MaximumSignatureChecksExceeded,
            _ => webpki::Error::UnknownIssuer,
        };
        self.diagnose(slots, mapped, options, at, findings)
    }
}

/// The engine's own finding for a failure, unless the policy checks already reported
/// the same code. A search that found no issuer at all is left to the walk, which names
/// the missing issuer.
fn add_failure(slots: &[Slot], failure: &Failure, findings: &mut Findings<'_>) {
    let code = failure.error.code();
    if failure.error == PathError::UnknownIssuer || findings.has(code) {
        return;
    }
    let who = match failure
        .certificate
        .and_then(|i| slots.get(i).map(|s| (i, s)))
    {
        Some((i, Ok(c))) => c.describe(i),
        _ => "a certificate of the path".to_owned(),
    };
    let hint = match code {
        Code::ChainNameConstraintsViolated => {
            "The names are outside what the issuing CA may certify: ask your CA to re-issue the certificate with permitted names."
        }
        Code::ChainPolicyInvalid => {
            "The chain is not issued under a certificate policy the verifier accepts: use a certificate issued under an accepted policy."
        }
        Code::ChainBudgetExceeded | Code::CertificateUnsupportedCriticalExtension => {
            code.default_hint().unwrap_or_default()
        }
        _ => Code::ChainPathInvalid.default_hint().unwrap_or_default(),
    };
    findings.add(
        code,
        failure.certificate,
        format!("{who} {}", failure.error.describe()),
        hint,
    );
}

/// Under rustls-webpki, which does not process certificate policies, 6.1.1 inputs that
/// ask for anything cannot be honoured: the validation is refused rather than the
/// requirement silently dropped.
pub(super) fn refuse_policy_inputs_under_webpki(
    inputs: &PolicyInputs,
    findings: &mut Findings<'_>,
) {
    if inputs.constrains() {
        findings.add_unwaivable(
            Code::ChainPolicyInvalid,
            None,
            "certificate policy inputs (user-initial-policy-set, explicit policy, mapping or anyPolicy inhibit) were given, but the rustls-webpki engine does not process certificate policies".to_owned(),
            "Use [path_validation] engine = \"chainvet\" (the default) to validate certificate policies.",
        );
    }
}

/// The engine's inputs at `at` from the 6.1.1 policy inputs (the policy's
/// `[path_validation]` table or the call's own; the engine itself reads no policy);
/// fails naming an OID that does not parse.
fn inputs_from_policy(at: i64, table: &PolicyInputs) -> Result<Inputs, String> {
    let mut set = Vec::with_capacity(table.user_initial_policy_set.len());
    for s in &table.user_initial_policy_set {
        set.push(ObjectIdentifier::new(s).map_err(|e| {
            format!("the policy's user_initial_policy_set holds `{s}`, which is not an OID: {e}")
        })?);
    }
    if set.is_empty() {
        set.push(ANY_POLICY);
    }
    Ok(Inputs {
        at,
        max_intermediates: MAX_INTERMEDIATES,
        user_initial_policy_set: set,
        initial_policy_mapping_inhibit: table.initial_policy_mapping_inhibit,
        initial_explicit_policy: table.initial_explicit_policy,
        initial_any_policy_inhibit: table.initial_any_policy_inhibit,
        usage: None,
    })
}
