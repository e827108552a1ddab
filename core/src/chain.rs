//! Chain analysis over the bundle as given: who issued whom (by name, key identifier and
//! signature), which certificate is the leaf, the correct leaf-to-root order, and what is
//! duplicated, unrelated, misordered or missing.

use std::collections::HashMap;

use crate::certificate::Certificate;
use crate::code::Code;
use crate::findings::Findings;
use crate::input::Slot;
use crate::report::Role;
use crate::signature::{self, VerifyError};
use crate::trust::TrustStore;

/// Most signature checks one analysis spends on candidate links: the figure rustls-webpki
/// takes from the fix for Go CVE-2018-16875 (quadratic chain building). A default bundle
/// (10 certificates, all with one name) needs at most 90.
pub(crate) const LINK_SIGNATURE_BUDGET: usize = 100;

/// How a certificate relates to the issuer chosen for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Link {
    /// The signature verifies with the issuer's key.
    Verified,
    /// Names match but the signature does not verify.
    Invalid(VerifyError),
    /// Names match; the signature algorithm cannot be verified here.
    Unverifiable(VerifyError),
}

impl Link {
    fn rank(&self) -> u8 {
        match self {
            Link::Verified => 0,
            Link::Unverifiable(_) => 1,
            Link::Invalid(_) => 2,
        }
    }

    fn from_result(r: Result<&'static signature::Algorithm, VerifyError>) -> Link {
        match r {
            Ok(_) => Link::Verified,
            Err(e @ VerifyError::UnsupportedAlgorithm(_)) => Link::Unverifiable(e),
            Err(e) => Link::Invalid(e),
        }
    }
}

/// The result of the analysis.
#[derive(Debug, Clone, Default)]
pub(crate) struct Chain {
    /// The certificate taken as the leaf.
    pub(crate) leaf: Option<usize>,
    /// Why.
    pub(crate) leaf_reason: String,
    /// Leaf first, then each issuer found in the bundle.
    pub(crate) path: Vec<usize>,
    /// Certificates above a gap in the path (the chain continues after a missing issuer).
    pub(crate) above_gap: Vec<usize>,
    /// Whether the last certificate of `path` is a self-signed root.
    pub(crate) ends_at_root: bool,
    /// Role per slot.
    pub(crate) roles: Vec<Role>,
    /// Per slot: self-issued and verified with its own key.
    pub(crate) self_signed: Vec<bool>,
    /// issuer chosen for each slot, with the link's state.
    links: HashMap<usize, (usize, Link)>,
}

impl Chain {
    /// A chain built elsewhere (trust-store mode): `path` is leaf first, each link already
    /// verified, and ends at the trust anchor when `anchored`; every other slot of `slots`
    /// is unrelated.
    pub(crate) fn from_path(slots: &[Slot], path: Vec<usize>, anchored: bool) -> Chain {
        let mut roles: Vec<Role> = slots
            .iter()
            .map(|s| {
                if s.is_ok() {
                    Role::Unrelated
                } else {
                    Role::Malformed
                }
            })
            .collect();
        for (pos, &i) in path.iter().enumerate() {
            roles[i] = if pos == 0 {
                Role::Leaf
            } else if anchored && pos + 1 == path.len() {
                Role::Root
            } else {
                Role::Intermediate
            };
        }
        // Every link of the path was verified by whoever built it.
        let links = path
            .windows(2)
            .map(|w| (w[0], (w[1], Link::Verified)))
            .collect();
        Chain {
            leaf: path.first().copied(),
            leaf_reason: "the presented certificate is the leaf".to_owned(),
            ends_at_root: anchored,
            roles,
            path,
            links,
            ..Chain::default()
        }
    }

    /// The issuer chosen for certificate `i` and how it links.
    pub(crate) fn link_of(&self, i: usize) -> Option<&(usize, Link)> {
        self.links.get(&i)
    }
}

/// Self-issued and not refuted by its own key (MD5 roots cannot be checked but are
/// still roots).
fn self_signature(cert: &Certificate) -> Option<Link> {
    cert.is_self_issued()
        .then(|| Link::from_result(signature::verify_issued_by(cert, cert)))
}

fn key_ids_compatible(child: &Certificate, issuer: &Certificate) -> bool {
    match (
        &child.extensions().authority_key_id,
        &issuer.extensions().subject_key_id,
    ) {
        (Some(aki), Some(ski)) => aki == ski,
        _ => true,
    }
}

fn list(indices: &[usize]) -> String {
    indices
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Analyses the bundle and records the chain findings.
pub(crate) fn analyze(slots: &[Slot], trust: &TrustStore, findings: &mut Findings<'_>) -> Chain {
    let cert = |i: usize| slots[i].as_ref().ok();
    let mut chain = Chain {
        roles: slots
            .iter()
            .map(|s| {
                if s.is_ok() {
                    Role::Unrelated
                } else {
                    Role::Malformed
                }
            })
            .collect(),
        ..Chain::default()
    };

    // Duplicates: a later byte-identical copy of an earlier certificate.
    let mut first_seen: HashMap<&[u8; 32], usize> = HashMap::new();
    let mut live = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let Ok(c) = slot else { continue };
        match first_seen.get(c.sha256()) {
            Some(&orig) => {
                chain.roles[i] = Role::Duplicate;
                findings.add(
                    Code::ChainDuplicateCertificate,
                    Some(i),
                    format!("{} is a second copy of certificate {orig}", c.describe(i)),
                    format!("Remove the copy at position {i}; each certificate belongs in the bundle once."),
                );
            }
            None => {
                first_seen.insert(c.sha256(), i);
                live.push(i);
            }
        }
    }
    if live.is_empty() {
        return chain;
    }

    // Self-signatures and issuer candidates.
    let mut self_sig: HashMap<usize, Link> = HashMap::new();
    for &i in &live {
        if let Some(link) = cert(i).and_then(self_signature) {
            self_sig.insert(i, link);
        }
    }
    chain.self_signed = (0..slots.len())
        .map(|i| matches!(self_sig.get(&i), Some(Link::Verified)))
        .collect();
    let is_root = |i: usize, self_sig: &HashMap<usize, Link>| {
        matches!(
            self_sig.get(&i),
            Some(Link::Verified | Link::Unverifiable(_))
        )
    };
    // Candidate links are verified pairwise: a bundle of same-named certificates costs
    // n * (n - 1) signature checks, so the checks are budgeted.
    let mut budget = LINK_SIGNATURE_BUDGET;
    let mut exhausted = false;
    for &c in &live {
        if is_root(c, &self_sig) {
            continue;
        }
        let Some(child) = cert(c) else { continue };
        let mut best: Option<(usize, Link)> = None;
        for &p in &live {
            let Some(parent) = cert(p) else { continue };
            if p == c
                || parent.subject_raw() != child.issuer_raw()
                || !key_ids_compatible(child, parent)
            {
                continue;
            }
            if budget == 0 {
                exhausted = true;
                break;
            }
            budget -= 1;
            let link = Link::from_result(signature::verify_issued_by(child, parent));
            let better = match &best {
                None => true,
                Some((q, l)) => {
                    link.rank() < l.rank()
                        || (link.rank() == l.rank()
                            && parent.is_ca()
                            && !cert(*q).is_some_and(Certificate::is_ca))
                }
            };
            if better {
                best = Some((p, link));
            }
        }
        if let Some(b) = best {
            chain.links.insert(c, b);
        }
    }

    if exhausted {
        findings.add(
            Code::ChainBudgetExceeded,
            None,
            format!(
                "the bundle holds so many certificates with matching names that chainvet stopped after {LINK_SIGNATURE_BUDGET} signature checks"
            ),
            "Send only the leaf, its intermediates and the root, each once.",
        );
    }

    // The leaf: a certificate no other certificate in the bundle was issued by.
    let issues_another = |i: usize| chain.links.iter().any(|(&c, (p, _))| *p == i && c != i);
    let walk = |start: usize| {
        let mut path = vec![start];
        let mut cur = start;
        while !is_root(cur, &self_sig) {
            match chain.links.get(&cur) {
                Some((p, _)) if !path.contains(p) => {
                    path.push(*p);
                    cur = *p;
                }
                _ => break,
            }
        }
        path
    };
    let mut candidates: Vec<usize> = live
        .iter()
        .copied()
        .filter(|&i| !issues_another(i) && !cert(i).is_some_and(Certificate::is_self_issued))
        .collect();
    let fallback = candidates.is_empty();
    if fallback {
        candidates = live
            .iter()
            .copied()
            .filter(|&i| !issues_another(i))
            .collect();
    }
    if candidates.is_empty() {
        candidates = vec![live[0]];
    }
    // An end entity beats a CA (a CA issuing nothing here usually sits above a gap),
    // then the longer chain, then the earlier position.
    let score = |i: usize| {
        (
            !cert(i).is_some_and(Certificate::is_ca),
            walk(i).len(),
            std::cmp::Reverse(i),
        )
    };
    let leaf = candidates
        .iter()
        .copied()
        .max_by_key(|&i| score(i))
        .unwrap_or(live[0]);
    chain.leaf = Some(leaf);
    chain.leaf_reason = if fallback {
        format!(
            "certificate {leaf} was taken as the leaf: every certificate in the bundle is self-issued or issued another one"
        )
    } else if candidates.len() == 1 {
        format!(
            "certificate {leaf} is the only certificate that issued no other certificate in the bundle"
        )
    } else {
        let others: Vec<usize> = candidates.iter().copied().filter(|&i| i != leaf).collect();
        format!(
            "certificates {leaf}, {} issued no other certificate; certificate {leaf} was taken because {}",
            list(&others),
            if cert(leaf).is_some_and(Certificate::is_ca) {
                "it heads the longest chain"
            } else {
                "it is the end-entity (non-CA) certificate with the longest chain"
            }
        )
    };

    chain.path = walk(leaf);
    let top = *chain.path.last().unwrap_or(&leaf);
    chain.ends_at_root = is_root(top, &self_sig);
    for (pos, &i) in chain.path.iter().enumerate() {
        chain.roles[i] = if pos == 0 {
            Role::Leaf
        } else if pos + 1 == chain.path.len() && chain.ends_at_root {
            Role::Root
        } else {
            Role::Intermediate
        };
    }

    let Some(leaf_cert) = cert(leaf) else {
        return chain;
    };
    if chain.path.len() == 1 && chain.ends_at_root {
        findings.add(
            Code::LeafSelfSigned,
            Some(leaf),
            format!("{} is self-signed: its issuer is itself", leaf_cert.describe(leaf)),
            "Self-signed client certificates are not accepted: have a certificate authority issue one from your CSR, and upload it with its intermediates and root.",
        );
    }

    link_findings(slots, &chain, findings);
    order_findings(&chain, findings);
    gap_findings(slots, &mut chain, &live, &self_sig, trust, findings);

    for &i in &live {
        if chain.roles[i] == Role::Unrelated
            && let Some(c) = cert(i)
        {
            {
                findings.add(
                    Code::ChainUnrelatedCertificate,
                    Some(i),
                    format!(
                        "{} is not part of the chain of the leaf, certificate {leaf} ({})",
                        c.describe(i),
                        leaf_cert.subject_string()
                    ),
                    format!(
                        "Remove certificate {i}; the bundle must hold only the leaf's own chain."
                    ),
                );
            }
        }
    }
    chain
}

fn link_findings(slots: &[Slot], chain: &Chain, findings: &mut Findings<'_>) {
    let cert = |i: usize| slots[i].as_ref().ok();
    for (pos, &i) in chain.path.iter().enumerate() {
        let Some(c) = cert(i) else { continue };
        let is_top = pos + 1 == chain.path.len();
        if is_top && chain.ends_at_root {
            continue; // a root's self-signature carries no trust: exempt from the hash rule
        }
        report_weak_signature(i, c, findings);
        let Some((p, link)) = chain.link_of(i) else {
            continue;
        };
        // Only a finding needs the issuer's description: not built on the accept path.
        let issuer_desc = || cert(*p).map(|x| x.describe(*p)).unwrap_or_default();
        match link {
            Link::Verified => {}
            Link::Invalid(VerifyError::KeyMismatch { algorithm, key }) => findings.add(
                Code::SignatureInvalid,
                Some(i),
                format!(
                    "{} claims to be issued by {}, but its {algorithm} signature cannot have been made by that certificate's {key} key",
                    c.describe(i),
                    issuer_desc()
                ),
                "The bundle mixes up certificates: get the chain that actually issued this certificate from your CA.",
            ),
            Link::Invalid(_) => findings.add(
                Code::SignatureInvalid,
                Some(i),
                format!(
                    "{} names {} as its issuer, but its signature does not verify with that certificate's key",
                    c.describe(i),
                    issuer_desc()
                ),
                "The certificate is corrupted or forged, or the issuer in the bundle is a different certificate with the same name: get the genuine chain from your CA.",
            ),
            Link::Unverifiable(VerifyError::UnsupportedAlgorithm(name)) => {
                if !signature::is_weak(c.signature_algorithm_id()) {
                    findings.add(
                        Code::SignatureUnsupportedAlgorithm,
                        Some(i),
                        format!("{} is signed with {name}, which chainvet cannot verify", c.describe(i)),
                        "Use a certificate signed with RSA (PKCS#1 v1.5 or PSS, SHA-256/384/512), ECDSA (P-256/P-384/P-521) or Ed25519.",
                    );
                }
            }
            Link::Unverifiable(_) => {}
        }
    }
}

/// `signature.weak_algorithm` for a certificate whose signature (made by its issuer)
/// hashes with MD5 or SHA-1. Callers exempt a root's self-signature.
pub(crate) fn report_weak_signature(i: usize, c: &Certificate, findings: &mut Findings<'_>) {
    if signature::is_weak(c.signature_algorithm_id()) {
        findings.add(
            Code::SignatureWeakAlgorithm,
            Some(i),
            format!(
                "{} is signed with {}, a broken hash algorithm",
                c.describe(i),
                signature::algorithm_name(c.signature_algorithm_id())
            ),
            "Have the certificate re-issued with a SHA-256 (or stronger) signature.",
        );
    }
}

fn order_findings(chain: &Chain, findings: &mut Findings<'_>) {
    if chain.path.len() < 2 {
        return;
    }
    let mut given = chain.path.clone();
    given.sort_unstable();
    if given == chain.path {
        return;
    }
    let reversed: Vec<usize> = chain.path.iter().rev().copied().collect();
    if given == reversed {
        findings.add(
            Code::ChainOrderReversed,
            None,
            format!(
                "the chain is in reverse order: it starts with certificate {} and ends with the leaf, certificate {}",
                given[0],
                chain.path[0]
            ),
            format!(
                "Reverse the bundle so the leaf comes first and the root last: the correct order is {}.",
                list(&chain.path)
            ),
        );
    } else {
        findings.add(
            Code::ChainOrderWrong,
            None,
            format!(
                "the certificates are not in leaf-to-root order: the leaf is certificate {} and the chain runs {}, but the bundle lists them as {}",
                chain.path[0],
                chain.path.iter().map(usize::to_string).collect::<Vec<_>>().join(" -> "),
                list(&given)
            ),
            format!(
                "Reorder the bundle as {} (leaf first, each issuer right after the certificate it issued, root last).",
                list(&chain.path)
            ),
        );
    }
}

fn gap_findings(
    slots: &[Slot],
    chain: &mut Chain,
    live: &[usize],
    self_sig: &HashMap<usize, Link>,
    trust: &TrustStore,
    findings: &mut Findings<'_>,
) {
    let cert = |i: usize| slots[i].as_ref().ok();
    let Some(&top) = chain.path.last() else {
        return;
    };
    let Some(top_cert) = cert(top) else { return };
    if chain.ends_at_root {
        return;
    }
    if top_cert.is_self_issued() {
        findings.add(
            Code::SignatureInvalid,
            Some(top),
            format!(
                "{} names itself as its issuer, but its self-signature does not verify: the certificate is corrupted",
                top_cert.describe(top)
            ),
            "Get an intact copy of this certificate from your CA.",
        );
        return;
    }
    let missing = top_cert.issuer_string();
    // A certificate with the issuer's name but another key (authorityKeyIdentifier
    // mismatch) is usually the same CA's previous or next certificate after a re-key.
    let same_name_other_key = live
        .iter()
        .copied()
        .find(|&i| i != top && cert(i).is_some_and(|c| c.subject_raw() == top_cert.issuer_raw()));
    let rekey_note = match (same_name_other_key, &top_cert.extensions().authority_key_id) {
        (Some(i), Some(aki)) => format!(
            "; certificate {i} has that name but a different key (authority key identifier {} expected): it is another certificate of that CA, e.g. from before or after a re-key",
            hex::encode(aki)
        ),
        _ => String::new(),
    };
    // Certificates off the path that form a segment ending at a root are the chain's
    // continuation above the gap.
    let above: Vec<usize> = live
        .iter()
        .copied()
        .filter(|&i| chain.roles[i] == Role::Unrelated && cert(i).is_some_and(Certificate::is_ca))
        .filter(|&i| {
            let mut cur = i;
            let mut seen = vec![i];
            loop {
                if matches!(
                    self_sig.get(&cur),
                    Some(Link::Verified | Link::Unverifiable(_))
                ) {
                    return true;
                }
                match chain.link_of(cur) {
                    Some((p, _)) if !seen.contains(p) => {
                        seen.push(*p);
                        cur = *p;
                    }
                    _ => return false,
                }
            }
        })
        .collect();
    if above.is_empty() {
        let in_store = trust
            .find_issuer(top_cert)
            .map(|_| " (the trust store has it)")
            .unwrap_or("");
        findings.add(
            Code::ChainRootMissing,
            Some(top),
            format!(
                "the chain ends at {}, issued by {missing}, which is not in the bundle{in_store}: the root certificate is missing{rekey_note}",
                top_cert.describe(top)
            ),
            format!(
                "Append the certificate of {missing} (and any certificates above it, up to the self-signed root) at the end of the bundle; your CA publishes it."
            ),
        );
    } else {
        for &i in &above {
            chain.roles[i] = if matches!(
                self_sig.get(&i),
                Some(Link::Verified | Link::Unverifiable(_))
            ) {
                Role::Root
            } else {
                Role::Intermediate
            };
        }
        chain.above_gap = above.clone();
        findings.add(
            Code::ChainIssuerMissing,
            Some(top),
            format!(
                "{} was issued by {missing}, which is not in the bundle: the chain has a gap before certificate {}{rekey_note}",
                top_cert.describe(top),
                list(&above)
            ),
            format!(
                "Insert the certificate of {missing} right after certificate {top}; get it from the CA that issued certificate {top}."
            ),
        );
    }
}
