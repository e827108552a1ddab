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
    /// When the bundle holds more than one end-entity certificate: all of them, in
    /// order (`chain.multiple_leaves`); `leaf` is the one checked.
    pub(crate) leaves: Vec<usize>,
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

/// Positions as text shows them: counting from 1.
fn list(indices: &[usize]) -> String {
    indices
        .iter()
        .map(|i| (i + 1).to_string())
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
                    format!("{} is a second copy of certificate {}", c.describe(i), orig + 1),
                    format!("Remove the copy at position {} (counting from 1); each certificate belongs in the bundle once. `chainvet fix FILE -o fixed.pem` does this.", i + 1),
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
                    // Equal links: a CA beats a non-CA, then a self-signed root beats a
                    // cross-certificate with its name and key (the root ends the chain).
                    let preference = |i: usize| {
                        (
                            cert(i).is_some_and(Certificate::is_ca),
                            is_root(i, &self_sig),
                        )
                    };
                    link.rank() < l.rank()
                        || (link.rank() == l.rank() && preference(p) > preference(*q))
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
            "certificate {} was taken as the leaf: every certificate in the bundle is self-issued or issued another one",
            leaf + 1
        )
    } else if candidates.len() == 1 {
        format!(
            "certificate {} is the only certificate that issued no other certificate in the bundle",
            leaf + 1
        )
    } else {
        let others: Vec<usize> = candidates.iter().copied().filter(|&i| i != leaf).collect();
        format!(
            "certificates {}, {} issued no other certificate; certificate {} was taken because {}",
            leaf + 1,
            list(&others),
            leaf + 1,
            if cert(leaf).is_some_and(Certificate::is_ca) {
                "it heads the longest chain"
            } else {
                "it is the end-entity (non-CA) certificate with the longest chain"
            }
        )
    };

    // A block that could not be read leaves a hole in the chain: its finding says so,
    // and no finding here blames the certificates around it.
    let damaged: Vec<usize> = (0..slots.len()).filter(|&i| slots[i].is_err()).collect();
    if !damaged.is_empty() && cert(leaf).is_some_and(Certificate::is_ca) {
        // No readable end-entity certificate: the leaf is the block that could not be read.
        let path = walk(leaf);
        let top = *path.last().unwrap_or(&leaf);
        let anchored = is_root(top, &self_sig);
        for (pos, &i) in path.iter().enumerate() {
            chain.roles[i] = if anchored && pos + 1 == path.len() {
                Role::Root
            } else {
                Role::Intermediate
            };
        }
        chain.above_gap = path;
        chain.leaf = None;
        chain.leaf_reason = format!(
            "no readable certificate is an end-entity certificate: the leaf is presumably the damaged certificate {}",
            list(&damaged)
        );
        return chain;
    }

    let end_entities: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| !cert(i).is_some_and(Certificate::is_ca))
        .collect();
    if !fallback && end_entities.len() > 1 {
        let mut leaves = end_entities;
        leaves.sort_unstable();
        chain.leaves = leaves;
    }
    // Certificates on another end-entity certificate's chain are that leaf's, not junk.
    let other_chains: Vec<usize> = chain
        .leaves
        .iter()
        .filter(|&&l| l != leaf)
        .flat_map(|&l| walk(l))
        .collect();

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

    if chain.leaves.len() > 1 {
        findings.add(
            Code::ChainMultipleLeaves,
            None,
            format!(
                "the bundle holds {} end-entity certificates: {}; a bundle is the chain of one client certificate (certificate {} was checked as the leaf)",
                chain.leaves.len(),
                name_some(slots, &chain.leaves),
                leaf + 1
            ),
            "Upload one bundle per client certificate (e.g. production and staging separately); `chainvet fix FILE --leaf N -o fixed.pem`, with N the certificate's number (counting from 1) or its CN, keeps that leaf and its chain.",
        );
    }
    link_findings(slots, &chain, findings);
    order_findings(&chain, findings);
    gap_findings(
        slots,
        &mut chain,
        &live,
        &self_sig,
        trust,
        !damaged.is_empty(),
        findings,
    );

    for &i in &live {
        if chain.roles[i] == Role::Unrelated
            && let Some(c) = cert(i)
        {
            if other_chains.contains(&i) {
                continue; // named by chain.multiple_leaves
            }
            if let Some(root) = crossed_root(slots, &chain, c) {
                findings.add(
                    Code::ChainCrossCertificate,
                    Some(i),
                    format!(
                        "{} is a cross-certificate: it has the name and key of the root, certificate {}, but was issued by {}; the chain ends at the self-signed root, so it is not needed",
                        c.describe(i),
                        root + 1,
                        c.issuer_string()
                    ),
                    format!(
                        "Remove certificate {}, unless the gateway trusts {} rather than the root; `chainvet fix FILE -o fixed.pem` does this.",
                        i + 1,
                        c.issuer_string()
                    ),
                );
                continue;
            }
            {
                findings.add(
                    Code::ChainUnrelatedCertificate,
                    Some(i),
                    format!(
                        "{} is not part of the chain of the leaf, certificate {} ({})",
                        c.describe(i),
                        leaf + 1,
                        leaf_cert.subject_string()
                    ),
                    format!(
                        "Remove certificate {}; the bundle must hold only the leaf's own chain. `chainvet fix FILE -o fixed.pem` does this.",
                        i + 1
                    ),
                );
            }
        }
    }
    chain
}

/// How many certificates a message names before it says "and N more": a bundle may hold
/// hundreds.
const NAMED_IN_MESSAGES: usize = 5;

/// "certificate 1 (CN=a) and certificate 4 (CN=b)", at most `NAMED_IN_MESSAGES` of them.
pub(crate) fn name_some(slots: &[Slot], indices: &[usize]) -> String {
    let mut named: Vec<String> = indices
        .iter()
        .take(NAMED_IN_MESSAGES)
        .map(|&i| match &slots[i] {
            Ok(c) => c.describe(i),
            Err(_) => format!("certificate {}", i + 1),
        })
        .collect();
    if indices.len() > NAMED_IN_MESSAGES {
        named.push(format!("{} more", indices.len() - NAMED_IN_MESSAGES));
    }
    match named.len() {
        0 | 1 => named.concat(),
        n => format!("{} and {}", named[..n - 1].join(", "), named[n - 1]),
    }
}

/// The root on the chain that `c` cross-certifies: a self-signed certificate with `c`'s
/// name and public key (`c` itself being issued by another CA).
fn crossed_root(slots: &[Slot], chain: &Chain, c: &Certificate) -> Option<usize> {
    if c.is_self_issued() || !c.is_ca() {
        return None;
    }
    chain
        .path
        .iter()
        .chain(chain.above_gap.iter())
        .copied()
        .find(|&r| {
            chain.roles.get(r) == Some(&Role::Root)
                && slots[r].as_ref().is_ok_and(|root| {
                    root.subject_raw() == c.subject_raw() && root.spki() == c.spki()
                })
        })
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
                "the chain is in reverse order: it starts with certificate {} and ends with the leaf, certificate {} (counting from 1)",
                given[0] + 1,
                chain.path[0] + 1
            ),
            format!(
                "Reverse the bundle so the leaf comes first and the root last: the correct order is certificates {}, counting from 1. `chainvet fix FILE -o fixed.pem` does this.",
                list(&chain.path)
            ),
        );
    } else {
        findings.add(
            Code::ChainOrderWrong,
            None,
            format!(
                "the certificates are not in leaf-to-root order (counting from 1): the leaf is certificate {} and the chain runs {}, but the bundle lists them as {}",
                chain.path[0] + 1,
                chain.path.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(" -> "),
                list(&given)
            ),
            format!(
                "Reorder the bundle as certificates {}, counting from 1 (leaf first, each issuer right after the certificate it issued, root last). `chainvet fix FILE -o fixed.pem` does this.",
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
    damaged: bool,
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
            "; certificate {} has that name but a different key (authority key identifier {} expected): it is another certificate of that CA, e.g. from before or after a re-key",
            i + 1,
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
    if damaged {
        // The missing issuer is presumably the damaged block, already reported.
        chain.above_gap = above.clone();
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
        return;
    }
    if above.is_empty() {
        let in_store = trust
            .find_issuer(top_cert)
            .map(|_| " (the trust store has it)")
            .unwrap_or("");
        if chain.path.len() == 1 && rekey_note.is_empty() {
            // Only the leaf: whatever issued it, intermediate or root, is missing, and
            // everything above that too.
            findings.add(
                Code::ChainRootMissing,
                Some(top),
                format!(
                    "the bundle holds only the leaf, {}: the certificate of its issuer, {missing}{in_store}, any intermediate certificates above it and the root are missing",
                    top_cert.describe(top)
                ),
                format!(
                    "Append the chain your CA publishes for {missing} after the leaf: the intermediate certificate(s), then the root."
                ),
            );
            return;
        }
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
                "Insert the certificate of {missing} right after certificate {0}; get it from the CA that issued certificate {0}.",
                top + 1
            ),
        );
    }
}
