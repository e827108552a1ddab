//! The valid_policy_tree of RFC 5280 6.1.2 (a), grown by 6.1.3 (d), cut by 6.1.3 (e),
//! mapped by 6.1.4 (b) and intersected with the user-initial-policy-set by 6.1.5 (g).
//!
//! Nodes live in one arena; a deleted node stays in it, marked, so indices never move.
//! Policy qualifiers are not kept: chainvet does not act on them (RFC 5280 4.2.1.4 lets
//! a relying party ignore them). Policy mapping can make the tree grow exponentially
//! with the path length (one node per mapping per parent at every depth), so the arena
//! is capped at `MAX_NODES`; a path that needs more is refused with
//! `chain.budget_exceeded`.

use const_oid::ObjectIdentifier;

use super::{ANY_POLICY, PathError};

/// Most nodes the tree may hold. Real paths have a handful per depth; the figure leaves
/// room for a few dozen policies across a maximal path and still bounds the quadratic
/// steps below to about a million comparisons.
pub(crate) const MAX_NODES: usize = 1_000;

#[derive(Debug, Clone)]
struct Node {
    valid_policy: ObjectIdentifier,
    expected: Vec<ObjectIdentifier>,
    parent: Option<usize>,
    depth: usize,
    deleted: bool,
}

/// The tree; `None` in the state is the NULL tree of RFC 5280.
#[derive(Debug, Clone)]
pub(crate) struct PolicyTree {
    nodes: Vec<Node>,
}

fn too_large() -> PathError {
    PathError::Budget("1000 certificate policy tree nodes")
}

impl PolicyTree {
    /// 6.1.2 (a): a single node of depth 0, anyPolicy, expecting {anyPolicy}.
    pub(crate) fn new() -> PolicyTree {
        PolicyTree {
            nodes: vec![Node {
                valid_policy: ANY_POLICY,
                expected: vec![ANY_POLICY],
                parent: None,
                depth: 0,
                deleted: false,
            }],
        }
    }

    fn live(&self, depth: usize) -> impl Iterator<Item = usize> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| !n.deleted && n.depth == depth)
            .map(|(i, _)| i)
    }

    fn add(
        &mut self,
        parent: usize,
        policy: ObjectIdentifier,
        expected: Vec<ObjectIdentifier>,
    ) -> Result<(), PathError> {
        if self.nodes.len() >= MAX_NODES {
            return Err(too_large());
        }
        let depth = self.nodes[parent].depth + 1;
        self.nodes.push(Node {
            valid_policy: policy,
            expected,
            parent: Some(parent),
            depth,
            deleted: false,
        });
        Ok(())
    }

    fn has_children(&self, i: usize) -> bool {
        self.nodes.iter().any(|n| !n.deleted && n.parent == Some(i))
    }

    /// 6.1.3 (d) (1) and (2) for certificate `i` with the policies of its
    /// certificatePolicies; `any_allowed` is (d) (2)'s condition on anyPolicy.
    pub(crate) fn add_certificate_policies(
        &mut self,
        i: usize,
        policies: &[ObjectIdentifier],
        any_allowed: bool,
    ) -> Result<(), PathError> {
        let parents: Vec<usize> = self.live(i - 1).collect();
        for &p in policies.iter().filter(|p| **p != ANY_POLICY) {
            // (d) (1) (i): a child under every parent expecting P.
            let mut matched = false;
            for &parent in &parents {
                if self.nodes[parent].expected.contains(&p) {
                    self.add(parent, p, vec![p])?;
                    matched = true;
                }
            }
            // (d) (1) (ii): failing that, under a parent whose valid_policy is anyPolicy.
            if !matched
                && let Some(&any) = parents
                    .iter()
                    .find(|&&q| self.nodes[q].valid_policy == ANY_POLICY)
            {
                self.add(any, p, vec![p])?;
            }
        }
        // (d) (2): anyPolicy in the certificate adds, under every parent, a child for
        // each expected policy that has no child yet.
        if any_allowed && policies.contains(&ANY_POLICY) {
            for &parent in &parents {
                let expected = self.nodes[parent].expected.clone();
                for policy in expected {
                    let exists = self.nodes.iter().any(|n| {
                        !n.deleted && n.parent == Some(parent) && n.valid_policy == policy
                    });
                    if !exists {
                        self.add(parent, policy, vec![policy])?;
                    }
                }
            }
        }
        Ok(())
    }

    /// 6.1.3 (d) (3) and 6.1.4 (b) (2) (ii): delete, repeatedly, every node of depth
    /// below `depth` without children. Returns whether the tree is now empty (NULL).
    pub(crate) fn prune(&mut self, depth: usize) -> bool {
        for d in (0..depth).rev() {
            let childless: Vec<usize> = self.live(d).filter(|&n| !self.has_children(n)).collect();
            for n in childless {
                self.nodes[n].deleted = true;
            }
        }
        self.live(0).next().is_none()
    }

    /// 6.1.4 (b) (1): with mapping allowed, each node of depth `i` whose policy is an
    /// issuer-domain policy expects the mapped subject-domain policies instead; when no
    /// node has that policy but an anyPolicy node of depth `i` exists, a node for it is
    /// added beside the anyPolicy node.
    pub(crate) fn map(
        &mut self,
        i: usize,
        mappings: &[(ObjectIdentifier, ObjectIdentifier)],
    ) -> Result<(), PathError> {
        let mut issuer_policies: Vec<ObjectIdentifier> = Vec::new();
        for (issuer, _) in mappings {
            if !issuer_policies.contains(issuer) {
                issuer_policies.push(*issuer);
            }
        }
        for id_p in issuer_policies {
            let subjects: Vec<ObjectIdentifier> = mappings
                .iter()
                .filter(|(issuer, _)| *issuer == id_p)
                .map(|(_, subject)| *subject)
                .collect();
            let at_depth: Vec<usize> = self.live(i).collect();
            let mut found = false;
            for &n in &at_depth {
                if self.nodes[n].valid_policy == id_p {
                    self.nodes[n].expected = subjects.clone();
                    found = true;
                }
            }
            if !found
                && let Some(&any) = at_depth
                    .iter()
                    .find(|&&n| self.nodes[n].valid_policy == ANY_POLICY)
                && let Some(parent) = self.nodes[any].parent
            {
                self.add(parent, id_p, subjects)?;
            }
        }
        Ok(())
    }

    /// 6.1.4 (b) (2): with mapping inhibited, delete each node of depth `i` whose
    /// policy is an issuer-domain policy, then prune. Returns whether the tree is NULL.
    pub(crate) fn delete_mapped(
        &mut self,
        i: usize,
        mappings: &[(ObjectIdentifier, ObjectIdentifier)],
    ) -> bool {
        let doomed: Vec<usize> = self
            .live(i)
            .filter(|&n| {
                mappings
                    .iter()
                    .any(|(issuer, _)| *issuer == self.nodes[n].valid_policy)
            })
            .collect();
        for n in doomed {
            self.nodes[n].deleted = true;
        }
        self.prune(i)
    }

    /// 6.1.5 (g) (iii): the intersection with the user-initial-policy-set for a path of
    /// `n` certificates. Returns whether the tree is now NULL.
    pub(crate) fn intersect(
        &mut self,
        n: usize,
        user_set: &[ObjectIdentifier],
    ) -> Result<bool, PathError> {
        // (g) (ii): the user accepts any policy.
        if user_set.contains(&ANY_POLICY) {
            return Ok(self.live(0).next().is_none());
        }
        // (g) (iii) 1: nodes whose parent's valid_policy is anyPolicy.
        let boundary: Vec<usize> = (0..self.nodes.len())
            .filter(|&k| {
                !self.nodes[k].deleted
                    && self.nodes[k]
                        .parent
                        .is_some_and(|p| self.nodes[p].valid_policy == ANY_POLICY)
            })
            .collect();
        // (g) (iii) 2: delete those with an unacceptable policy, and their subtrees.
        for &k in &boundary {
            let policy = self.nodes[k].valid_policy;
            if policy != ANY_POLICY && !user_set.contains(&policy) {
                self.delete_subtree(k);
            }
        }
        // (g) (iii) 3: an anyPolicy leaf stands for each acceptable policy not yet in the
        // boundary set.
        let any_leaf: Option<usize> = self
            .live(n)
            .find(|&k| self.nodes[k].valid_policy == ANY_POLICY);
        if let Some(leaf) = any_leaf {
            let present: Vec<ObjectIdentifier> = boundary
                .iter()
                .filter(|&&k| !self.nodes[k].deleted)
                .map(|&k| self.nodes[k].valid_policy)
                .collect();
            if let Some(parent) = self.nodes[leaf].parent {
                for &p in user_set {
                    if !present.contains(&p) {
                        self.add(parent, p, vec![p])?;
                    }
                }
            }
            self.nodes[leaf].deleted = true;
        }
        // (g) (iii) 4: prune childless nodes above depth n.
        Ok(self.prune(n))
    }

    fn delete_subtree(&mut self, root: usize) {
        let mut stack = vec![root];
        while let Some(k) = stack.pop() {
            self.nodes[k].deleted = true;
            stack.extend(
                (0..self.nodes.len())
                    .filter(|&c| !self.nodes[c].deleted && self.nodes[c].parent == Some(k)),
            );
        }
    }

    /// The policies the path is valid for, named in the trust anchor's domain (the
    /// domain of the user-initial-policy-set): for each live node at the leaf's depth,
    /// the policy of its ancestor whose parent is anyPolicy (6.1.5 (g)'s
    /// valid_policy_node_set), so a policy the path reaches through a mapping is named
    /// as the issuer-domain policy it was mapped from; anyPolicy when the node's whole
    /// branch is anyPolicy.
    pub(crate) fn authority_policies(&self, n: usize) -> Vec<ObjectIdentifier> {
        let mut out = Vec::new();
        for leaf in self.live(n) {
            let mut k = leaf;
            // Each step goes one level up, so this ends within `n` steps.
            while let Some(parent) = self.nodes[k].parent
                && self.nodes[parent].valid_policy != ANY_POLICY
            {
                k = parent;
            }
            let p = self.nodes[k].valid_policy;
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    /// Live nodes, for tests and the budget.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.nodes.iter().filter(|n| !n.deleted).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> ObjectIdentifier {
        ObjectIdentifier::new_unwrap(s)
    }

    #[test]
    fn policies_grow_under_matching_parents_and_prune() {
        let (p1, p2) = (oid("1.2.3.1"), oid("1.2.3.2"));
        let mut tree = PolicyTree::new();
        // Depth 1: under the anyPolicy root (6.1.3 (d)(1)(ii)).
        tree.add_certificate_policies(1, &[p1, p2], true).unwrap();
        assert!(!tree.prune(1));
        assert_eq!(tree.authority_policies(1), vec![p1, p2]);
        // Depth 2 asserts only p2: p1's branch dies when pruned.
        tree.add_certificate_policies(2, &[p2], true).unwrap();
        assert!(!tree.prune(2));
        assert_eq!(tree.authority_policies(2), vec![p2]);
        assert_eq!(tree.len(), 3);
        // Depth 3 asserts an unrelated policy: nothing matches, the tree is NULL.
        tree.add_certificate_policies(3, &[oid("1.9.9")], true)
            .unwrap();
        assert!(tree.prune(3));
    }

    #[test]
    fn any_policy_expands_expected_sets_only_when_allowed() {
        let p1 = oid("1.2.3.1");
        let mut tree = PolicyTree::new();
        tree.add_certificate_policies(1, &[p1], true).unwrap();
        tree.prune(1);
        let mut inhibited = tree.clone();
        tree.add_certificate_policies(2, &[ANY_POLICY], true)
            .unwrap();
        assert!(!tree.prune(2));
        assert_eq!(tree.authority_policies(2), vec![p1]);
        inhibited
            .add_certificate_policies(2, &[ANY_POLICY], false)
            .unwrap();
        assert!(inhibited.prune(2));
    }

    #[test]
    fn mapping_rewrites_expectations_or_deletes_when_inhibited() {
        let (p1, p2) = (oid("1.2.3.1"), oid("1.2.3.2"));
        let mut tree = PolicyTree::new();
        tree.add_certificate_policies(1, &[p1], true).unwrap();
        tree.prune(1);
        let mut inhibited = tree.clone();
        tree.map(1, &[(p1, p2)]).unwrap();
        tree.add_certificate_policies(2, &[p2], true).unwrap();
        assert!(!tree.prune(2));
        // The path is valid for p1 in the user's (issuer's) domain, and is reported so,
        // not as the subject-domain p2 the leaf asserted.
        assert!(!tree.intersect(2, &[p1]).unwrap());
        assert_eq!(tree.authority_policies(2), vec![p1]);
        assert!(inhibited.delete_mapped(1, &[(p1, p2)]));
    }

    #[test]
    fn intersection_with_an_any_policy_leaf_yields_the_wanted_policies() {
        let p1 = oid("1.2.3.1");
        let mut tree = PolicyTree::new();
        tree.add_certificate_policies(1, &[ANY_POLICY], true)
            .unwrap();
        tree.prune(1);
        assert!(!tree.intersect(1, &[p1]).unwrap());
        assert_eq!(tree.authority_policies(1), vec![p1]);
    }

    #[test]
    fn node_cap_is_an_error_not_an_allocation() {
        let ids: Vec<ObjectIdentifier> = (0..40u32)
            .map(|k| ObjectIdentifier::new(&format!("1.2.3.{k}")).unwrap())
            .collect();
        let pairs: Vec<(ObjectIdentifier, ObjectIdentifier)> = ids
            .iter()
            .flat_map(|a| ids.iter().map(move |b| (*a, *b)))
            .collect();
        let mut tree = PolicyTree::new();
        tree.add_certificate_policies(1, &ids, true).unwrap();
        tree.map(1, &pairs).unwrap();
        let err = tree.add_certificate_policies(2, &ids, true).unwrap_err();
        assert!(matches!(err, PathError::Budget(_)));
        assert!(tree.nodes.len() <= MAX_NODES);
    }
}
