//! RFC 5280 6.1.3: basic certificate processing of certificate i of n.

use super::build::Budget;
use super::name_constraints;
use super::state::{PathCert, State};
use super::{Inputs, PathError};
use crate::certificate::name_match::names_match;

/// 6.1.3 (a) to (f) for certificate `i` (1 = issued by the anchor, `n` = the leaf).
pub(crate) fn process(
    state: &mut State<'_>,
    pc: &PathCert<'_>,
    i: usize,
    n: usize,
    inputs: &Inputs,
    budget: &mut Budget,
) -> Result<(), PathError> {
    // (a)(1): the signature was verified with the working public key when path building
    // added this link (`build::Search::link`), over the bytes as received.
    validity(pc, inputs.at)?;
    // (a)(3): revocation is the policy's: the revocation module runs over every path
    // the engine accepts, before the path is taken.
    name_chaining(state, pc)?;
    name_constraints(state, pc, i, n, budget)?;
    certificate_policies(state, pc, i, n)?;
    // (f): explicit_policy > 0 or a non-NULL tree.
    if state.explicit_policy == 0 && state.policy_tree.is_none() {
        return Err(PathError::Policy(
            "an explicit certificate policy is required and none is valid down to this certificate (RFC 5280 6.1.3 (f))"
                .to_owned(),
        ));
    }
    Ok(())
}

/// (a)(2): the time of validation lies within the certificate's validity period.
fn validity(pc: &PathCert<'_>, at: i64) -> Result<(), PathError> {
    if at < pc.cert.not_before().0 {
        return Err(PathError::NotYetValid);
    }
    if at > pc.cert.not_after().0 {
        return Err(PathError::Expired);
    }
    Ok(())
}

/// (a)(4): the issuer name is the working issuer name, compared as RFC 5280 7.1 says.
fn name_chaining(state: &State<'_>, pc: &PathCert<'_>) -> Result<(), PathError> {
    if names_match(pc.cert.issuer_raw(), state.working_issuer_name) {
        Ok(())
    } else {
        Err(PathError::NameChaining)
    }
}

/// (b), (c): names within the permitted and outside the excluded subtrees, unless the
/// certificate is self-issued and not the leaf.
fn name_constraints(
    state: &State<'_>,
    pc: &PathCert<'_>,
    i: usize,
    n: usize,
    budget: &mut Budget,
) -> Result<(), PathError> {
    if pc.cert.is_self_issued() && i < n {
        return Ok(());
    }
    name_constraints::check(&pc.ext.names, &state.name_constraints, budget)
}

/// (d), (e): grow the valid_policy_tree by the certificate's policies, or cut it.
fn certificate_policies(
    state: &mut State<'_>,
    pc: &PathCert<'_>,
    i: usize,
    n: usize,
) -> Result<(), PathError> {
    let Some(tree) = state.policy_tree.as_mut() else {
        return Ok(());
    };
    match &pc.ext.policies {
        Some(policies) => {
            // (d)(2): anyPolicy counts while inhibit_anyPolicy is positive, and on a
            // self-issued intermediate.
            let any_allowed = state.inhibit_any_policy > 0 || (i < n && pc.cert.is_self_issued());
            tree.add_certificate_policies(i, policies, any_allowed)?;
            // (d)(3): prune, possibly to NULL.
            if tree.prune(i) {
                state.policy_tree = None;
            }
        }
        // (e): no certificatePolicies: the tree is NULL from here on.
        None => state.policy_tree = None,
    }
    Ok(())
}
