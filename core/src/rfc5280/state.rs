//! The state variables of RFC 5280 6.1.2, their initialisation from the inputs and the
//! trust anchor, the preparation for the next certificate (6.1.4) and the wrap-up
//! (6.1.5). `validate` runs the whole of 6.1 over one candidate path.

use const_oid::ObjectIdentifier;

use super::basic;
use super::build::Budget;
use super::extensions::PathExtensions;
use super::name_constraints::Subtrees;
use super::policy_tree::PolicyTree;
use super::{ANY_POLICY, Failure, Inputs, PathError};
use crate::certificate::Certificate;

/// One certificate of a candidate path, with its slot index and parsed extensions.
#[derive(Clone, Copy)]
pub(crate) struct PathCert<'a> {
    pub(crate) slot: usize,
    pub(crate) cert: &'a Certificate,
    pub(crate) ext: &'a PathExtensions,
}

/// The trust anchor as 6.1.1 (d) takes it: a name and a public key (both read from the
/// trust-store certificate), plus the one constraint chainvet takes from the anchor
/// certificate, its nameConstraints (as rustls-webpki does). The anchor's validity,
/// pathLenConstraint and policies are not inputs to 6.1.
pub(crate) struct Anchor<'a> {
    pub(crate) cert: &'a Certificate,
    pub(crate) subtrees: Option<Subtrees>,
}

/// 6.1.2: the state carried from one certificate to the next. The working public key
/// and its parameters (6.1.2 (g)-(i)) are the previous certificate's (or the anchor's)
/// SubjectPublicKeyInfo, used when the link was verified during path building, so they
/// are not copied here; the working issuer name (j) is likewise that certificate's
/// subject.
pub(crate) struct State<'a> {
    /// (a) valid_policy_tree; `None` is NULL.
    pub(crate) policy_tree: Option<PolicyTree>,
    /// (b), (c) permitted_subtrees and excluded_subtrees, one entry per extension.
    pub(crate) name_constraints: Vec<Subtrees>,
    /// (d) explicit_policy.
    pub(crate) explicit_policy: usize,
    /// (e) inhibit_anyPolicy.
    pub(crate) inhibit_any_policy: usize,
    /// (f) policy_mapping.
    pub(crate) policy_mapping: usize,
    /// (j) working_issuer_name: the subject content octets of the last issuer.
    pub(crate) working_issuer_name: &'a [u8],
    /// (k) max_path_length.
    pub(crate) max_path_length: usize,
}

impl<'a> State<'a> {
    /// 6.1.2: initialisation for a path of `n` certificates.
    pub(crate) fn new(n: usize, anchor: &Anchor<'a>, inputs: &Inputs) -> State<'a> {
        let start = |inhibited: bool| if inhibited { 0 } else { n + 1 };
        State {
            policy_tree: Some(PolicyTree::new()),
            // 6.1.1 (d): constraints that come with the trust anchor.
            name_constraints: anchor.subtrees.iter().cloned().collect(),
            explicit_policy: start(inputs.initial_explicit_policy),
            inhibit_any_policy: start(inputs.initial_any_policy_inhibit),
            policy_mapping: start(inputs.initial_policy_mapping_inhibit),
            working_issuer_name: anchor.cert.subject_raw(),
            max_path_length: n,
        }
    }
}

/// The policies a valid path ends up valid for (6.1.6's valid_policy_tree after 6.1.5
/// (g), as the set of its authority-domain policies): `None` when the tree is NULL
/// (possible when no explicit policy was required).
pub(crate) type AuthorityPolicies = Option<Vec<ObjectIdentifier>>;

/// RFC 5280 6.1 over one candidate path: `path` leaf first, ending below `anchor`.
/// Every link's signature was verified when path building added it (6.1.3 (a)(1)).
pub(crate) fn validate<'a>(
    path: &[PathCert<'a>],
    anchor: &Anchor<'a>,
    inputs: &Inputs,
    budget: &mut Budget,
) -> Result<AuthorityPolicies, Failure> {
    let n = path.len();
    let mut state = State::new(n, anchor, inputs);
    // 6.1.3 counts from the certificate the anchor issued (1) to the leaf (n).
    for (i, pc) in path.iter().rev().enumerate().map(|(k, pc)| (k + 1, pc)) {
        let fail = |error: PathError| Failure::at(error, Some(pc.slot));
        basic::process(&mut state, pc, i, n, inputs, budget).map_err(fail)?;
        if i < n {
            prepare(&mut state, pc, i, inputs).map_err(fail)?;
        }
    }
    let leaf = &path[0];
    wrap_up(&mut state, leaf, n, inputs).map_err(|e| Failure::at(e, Some(leaf.slot)))
}

/// 6.1.4: preparation for certificate i + 1.
fn prepare<'a>(
    state: &mut State<'a>,
    pc: &PathCert<'a>,
    i: usize,
    inputs: &Inputs,
) -> Result<(), PathError> {
    let ext = pc.ext;
    let cert = pc.cert;
    policy_mappings(state, ext, i)?;
    // (c)-(f): the next working issuer name and key are this certificate's.
    state.working_issuer_name = cert.subject_raw();
    // (g): add this certificate's name constraints.
    if let Some(nc) = &ext.name_constraints {
        state.name_constraints.push(Subtrees::new(nc)?);
    }
    policy_counters(state, cert, ext);
    // (k): an issuing certificate must be a v3 CA certificate. (v1 and v2 certificates
    // cannot be shown to be CAs in-band, so they are refused.)
    if cert.version() < 3 || !cert.is_ca() {
        return Err(PathError::NotCa);
    }
    path_length(state, cert)?;
    issuer_eku(cert, inputs)?;
    // (n): keyUsage, when present, must assert keyCertSign.
    if cert.extensions().key_cert_sign == Some(false) {
        return Err(PathError::KeyCertSign);
    }
    // (o): no unprocessed critical extension.
    if let Some(oid) = ext.unknown_critical {
        return Err(PathError::UnknownCritical(oid.to_string()));
    }
    Ok(())
}

/// 6.1.4 (a) and (b): policy mappings.
fn policy_mappings(state: &mut State<'_>, ext: &PathExtensions, i: usize) -> Result<(), PathError> {
    if ext.mappings.is_empty() {
        return Ok(());
    }
    // (a): anyPolicy may not be mapped, in either direction.
    if ext
        .mappings
        .iter()
        .any(|(from, to)| *from == ANY_POLICY || *to == ANY_POLICY)
    {
        return Err(PathError::Policy(
            "its policyMappings maps anyPolicy (RFC 5280 6.1.4 (a))".to_owned(),
        ));
    }
    let Some(tree) = state.policy_tree.as_mut() else {
        return Ok(());
    };
    if state.policy_mapping > 0 {
        // (b) (1)
        tree.map(i, &ext.mappings)?;
    } else if tree.delete_mapped(i, &ext.mappings) {
        // (b) (2)
        state.policy_tree = None;
    }
    Ok(())
}

/// 6.1.4 (h), (i), (j): the policy counters.
fn policy_counters(state: &mut State<'_>, cert: &Certificate, ext: &PathExtensions) {
    // (h): a certificate that is not self-issued uses up one step of each.
    if !cert.is_self_issued() {
        state.explicit_policy = state.explicit_policy.saturating_sub(1);
        state.policy_mapping = state.policy_mapping.saturating_sub(1);
        state.inhibit_any_policy = state.inhibit_any_policy.saturating_sub(1);
    }
    // (i): policyConstraints can only lower them.
    if let Some(r) = ext.require_explicit_policy {
        state.explicit_policy = state.explicit_policy.min(to_usize(r));
    }
    if let Some(m) = ext.inhibit_policy_mapping {
        state.policy_mapping = state.policy_mapping.min(to_usize(m));
    }
    // (j): and so can inhibitAnyPolicy.
    if let Some(skip) = ext.inhibit_any_policy {
        state.inhibit_any_policy = state.inhibit_any_policy.min(to_usize(skip));
    }
}

fn to_usize(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// 6.1.4 (l), (m): self-issued certificates do not count toward pathLenConstraint.
fn path_length(state: &mut State<'_>, cert: &Certificate) -> Result<(), PathError> {
    if !cert.is_self_issued() {
        if state.max_path_length == 0 {
            return Err(PathError::PathLen);
        }
        state.max_path_length -= 1;
    }
    if let Some((true, Some(len))) = cert.extensions().basic_constraints {
        state.max_path_length = state.max_path_length.min(usize::from(len));
    }
    Ok(())
}

/// EKU chaining, beyond RFC 5280 (which has no rule for an issuer's extendedKeyUsage):
/// an issuing certificate that carries the extension must list the purpose the leaf is
/// validated for. rustls-webpki, Go, OpenSSL and the CA/B Forum all treat it so, and
/// BetterTLS's path-building cases expect it; without it a CA restricted to e-mail
/// protection could issue TLS client certificates.
fn issuer_eku(cert: &Certificate, inputs: &Inputs) -> Result<(), PathError> {
    match (&cert.extensions().extended_key_usage, inputs.usage) {
        (Some(list), Some(purpose)) if !list.contains(&purpose) => Err(PathError::IssuerEku(
            if purpose == const_oid::db::rfc5280::ID_KP_SERVER_AUTH {
                "serverAuth"
            } else if purpose == const_oid::db::rfc5280::ID_KP_CLIENT_AUTH {
                "clientAuth"
            } else {
                "the purpose the leaf is validated for"
            },
        )),
        _ => Ok(()),
    }
}

/// 6.1.5: wrap-up on the leaf.
fn wrap_up(
    state: &mut State<'_>,
    leaf: &PathCert<'_>,
    n: usize,
    inputs: &Inputs,
) -> Result<AuthorityPolicies, PathError> {
    // (a): one more step of explicit_policy.
    state.explicit_policy = state.explicit_policy.saturating_sub(1);
    // (b): the leaf's own requireExplicitPolicy of 0 demands a policy now.
    if leaf.ext.require_explicit_policy == Some(0) {
        state.explicit_policy = 0;
    }
    // (c)-(e): the working key is the leaf's; nothing to carry.
    // (f): no unprocessed critical extension on the leaf.
    if let Some(oid) = leaf.ext.unknown_critical {
        return Err(PathError::UnknownCritical(oid.to_string()));
    }
    // (g): intersect with the user-initial-policy-set.
    if let Some(tree) = state.policy_tree.as_mut()
        && tree.intersect(n, &inputs.user_initial_policy_set)?
    {
        state.policy_tree = None;
    }
    let policies = state.policy_tree.as_ref().map(|t| t.authority_policies(n));
    // "If either (1) the value of explicit_policy variable is greater than zero or (2)
    // the valid_policy_tree is not NULL, then path processing has succeeded."
    if state.explicit_policy > 0 || policies.is_some() {
        Ok(policies)
    } else {
        Err(PathError::Policy(
            "an explicit certificate policy is required and no acceptable policy is valid for the whole path (RFC 5280 6.1.5 (g))"
                .to_owned(),
        ))
    }
}
