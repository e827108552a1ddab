//! Path building: from the presented leaf through an unordered pool to a trust anchor,
//! depth first, every candidate tried until one passes both RFC 5280 6.1 and the
//! caller's judgement (the policy checks and revocation), the most specific failure kept
//! otherwise. A peer controls the pool, so the search is bounded by the budgets of
//! docs/resource-bounds.md.

use std::cell::OnceCell;

use const_oid::ObjectIdentifier;

use super::extensions::PathExtensions;
use super::name_constraints::Subtrees;
use super::state::{Anchor, PathCert, validate};
use super::{Failure, Inputs, PathError};
use crate::certificate::Certificate;
use crate::certificate::name_match::names_match;
use crate::signature::{self, VerifyError};

/// Signature checks per search: rustls-webpki's figure, from the fix for Go
/// CVE-2018-16875 (a pool of same-named certificates made verification quadratic).
pub(crate) const MAX_SIGNATURES: usize = 100;
/// Path-building calls per search: rustls-webpki's, from mozilla::pkix.
pub(crate) const MAX_BUILD_CALLS: usize = 200_000;
/// Name-constraint comparisons per search: rustls-webpki's, from Go crypto/x509.
pub(crate) const MAX_NAME_COMPARISONS: usize = 250_000;

/// What one search may spend.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    signatures: usize,
    build_calls: usize,
    name_comparisons: usize,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            signatures: MAX_SIGNATURES,
            build_calls: MAX_BUILD_CALLS,
            name_comparisons: MAX_NAME_COMPARISONS,
        }
    }
}

impl Budget {
    fn signature(&mut self) -> Result<(), PathError> {
        self.signatures = self
            .signatures
            .checked_sub(1)
            .ok_or(PathError::Budget("100 signature checks"))?;
        Ok(())
    }

    fn build_call(&mut self) -> Result<(), PathError> {
        self.build_calls = self
            .build_calls
            .checked_sub(1)
            .ok_or(PathError::Budget("200,000 path-building steps"))?;
        Ok(())
    }

    /// Pays for one name-constraint comparison.
    pub(crate) fn name_comparison(&mut self) -> Result<(), PathError> {
        self.name_comparisons = self
            .name_comparisons
            .checked_sub(1)
            .ok_or(PathError::Budget("250,000 name-constraint comparisons"))?;
        Ok(())
    }
}

/// A path that passed RFC 5280 6.1: the pool slots of its intermediates (leaf side
/// first; slot 0, the leaf, not included), the anchor's index in the trust store, and
/// the policies it is valid for (`None`: the valid_policy_tree is NULL, which is
/// fine unless an explicit policy was required).
#[derive(Debug, Clone)]
pub(crate) struct ValidPath {
    pub(crate) intermediates: Vec<usize>,
    pub(crate) anchor: usize,
    pub(crate) policies: Option<Vec<ObjectIdentifier>>,
}

/// One path search. `slots[0]` is the leaf; the others are the pool (`None` for what
/// did not parse). Extensions are parsed once per certificate per search.
pub(crate) struct Search<'a> {
    slots: Vec<Option<&'a Certificate>>,
    anchors: &'a [Certificate],
    inputs: &'a Inputs,
    parsed: Vec<OnceCell<Result<PathExtensions, PathError>>>,
    anchor_subtrees: Vec<OnceCell<Result<Option<Subtrees>, PathError>>>,
    budget: Budget,
    best: Option<Failure>,
}

/// Whether the search stops: a budget ran out, or the caller accepted a path.
enum Stop {
    Budget(Failure),
    Found(ValidPath),
}

impl<'a> Search<'a> {
    /// A search over `slots` (leaf first) towards `anchors`.
    pub(crate) fn new(
        slots: Vec<Option<&'a Certificate>>,
        anchors: &'a [Certificate],
        inputs: &'a Inputs,
    ) -> Search<'a> {
        let parsed = (0..slots.len()).map(|_| OnceCell::new()).collect();
        let anchor_subtrees = (0..anchors.len()).map(|_| OnceCell::new()).collect();
        Search {
            slots,
            anchors,
            inputs,
            parsed,
            anchor_subtrees,
            budget: Budget::default(),
            best: None,
        }
    }

    /// Searches until `judge` accepts a path that passed 6.1 (then that path), or
    /// every candidate is exhausted or a budget runs out (then the best diagnosis).
    pub(crate) fn run(
        mut self,
        judge: &mut dyn FnMut(&ValidPath) -> bool,
    ) -> Result<ValidPath, Failure> {
        let Some(Some(_)) = self.slots.first() else {
            return Err(Failure::at(PathError::UnknownIssuer, Some(0)));
        };
        let mut chain = vec![0];
        match self.extend(&mut chain, judge) {
            Some(Stop::Found(path)) => Ok(path),
            Some(Stop::Budget(f)) => Err(f),
            None => Err(self
                .best
                .unwrap_or_else(|| Failure::at(PathError::UnknownIssuer, Some(0)))),
        }
    }

    fn record(&mut self, failure: Failure) {
        if self
            .best
            .as_ref()
            .is_none_or(|b| failure.error.rank() > b.error.rank())
        {
            self.best = Some(failure);
        }
    }

    /// Tries every issuer of the top of `chain`: trust anchors first, then the pool.
    fn extend(
        &mut self,
        chain: &mut Vec<usize>,
        judge: &mut dyn FnMut(&ValidPath) -> bool,
    ) -> Option<Stop> {
        if let Err(e) = self.budget.build_call() {
            return Some(Stop::Budget(Failure::at(e, None)));
        }
        let top = *chain.last()?;
        let cert = self.slots[top]?;
        let mut any_issuer = false;

        for a in 0..self.anchors.len() {
            let anchor = &self.anchors[a];
            if !names_match(anchor.subject_raw(), cert.issuer_raw()) {
                continue;
            }
            any_issuer = true;
            match self.link(top, cert, anchor, true) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(f) => return Some(Stop::Budget(f)),
            }
            if let Some(stop) = self.complete(chain, a, judge) {
                return Some(stop);
            }
        }

        for s in 1..self.slots.len() {
            let Some(candidate) = self.slots[s] else {
                continue;
            };
            if chain.contains(&s) || !names_match(candidate.subject_raw(), cert.issuer_raw()) {
                continue;
            }
            // A certificate with the same name and key as one already on the path would
            // only repeat it (key rollover cross-certificates loop this way).
            if chain.iter().any(|&c| {
                self.slots[c].is_some_and(|on| {
                    on.subject_raw() == candidate.subject_raw() && on.spki() == candidate.spki()
                })
            }) {
                continue;
            }
            any_issuer = true;
            if chain.len() > self.inputs.max_intermediates {
                self.record(Failure::at(PathError::TooDeep, Some(top)));
                continue;
            }
            match self.link(top, cert, candidate, false) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(f) => return Some(Stop::Budget(f)),
            }
            chain.push(s);
            let stop = self.extend(chain, judge);
            chain.pop();
            if stop.is_some() {
                return stop;
            }
        }
        if !any_issuer {
            self.record(Failure::at(PathError::UnknownIssuer, Some(top)));
        }
        None
    }

    /// 6.1.3 (a)(1) for one link, paid from the signature budget: whether it verifies
    /// (a failure is recorded as a diagnosis), or the budget's failure. A trust anchor
    /// with the issuer's name whose key does not verify the signature is another CA's
    /// root, not a forgery: that counts as no issuer found (as for rustls-webpki), so
    /// the diagnosis says the CA is not trusted rather than blaming a signature.
    fn link(
        &mut self,
        slot: usize,
        child: &Certificate,
        issuer: &Certificate,
        issuer_is_anchor: bool,
    ) -> Result<bool, Failure> {
        self.budget.signature().map_err(|e| Failure::at(e, None))?;
        let error = match signature::verify_issued_by(child, issuer) {
            Ok(_) => return Ok(true),
            Err(VerifyError::Invalid) if issuer_is_anchor => PathError::UnknownIssuer,
            Err(VerifyError::Invalid) => PathError::BadSignature,
            Err(VerifyError::UnsupportedAlgorithm(name)) => PathError::UnsupportedSignature(name),
            Err(VerifyError::KeyMismatch { algorithm, key }) => {
                PathError::UnsupportedSignature(format!("{algorithm} with a {key} key"))
            }
        };
        self.record(Failure::at(error, Some(slot)));
        Ok(false)
    }

    /// A complete candidate (`chain` up to anchor `a`): RFC 5280 6.1, then the judge.
    fn complete(
        &mut self,
        chain: &[usize],
        a: usize,
        judge: &mut dyn FnMut(&ValidPath) -> bool,
    ) -> Option<Stop> {
        let with_path = |mut f: Failure| {
            f.path = Some((chain.to_vec(), a));
            f
        };
        let mut path: Vec<PathCert<'_>> = Vec::with_capacity(chain.len());
        for &s in chain {
            let cert = self.slots[s]?;
            match self.parsed[s].get_or_init(|| PathExtensions::of(cert)) {
                Ok(ext) => path.push(PathCert { slot: s, cert, ext }),
                Err(e) => {
                    let f = with_path(Failure::at(e.clone(), Some(s)));
                    self.record(f);
                    return None;
                }
            }
        }
        let anchor_cert = &self.anchors[a];
        let subtrees = match self.anchor_subtrees[a].get_or_init(|| anchor_constraints(anchor_cert))
        {
            Ok(s) => s.clone(),
            Err(e) => {
                let f = with_path(Failure::at(e.clone(), None));
                self.record(f);
                return None;
            }
        };
        let anchor = Anchor {
            cert: anchor_cert,
            subtrees,
        };
        match validate(&path, &anchor, self.inputs, &mut self.budget) {
            Ok(policies) => {
                let valid = ValidPath {
                    intermediates: chain[1..].to_vec(),
                    anchor: a,
                    policies,
                };
                if judge(&valid) {
                    return Some(Stop::Found(valid));
                }
                None
            }
            Err(f) if matches!(f.error, PathError::Budget(_)) => Some(Stop::Budget(with_path(f))),
            Err(f) => {
                let f = with_path(f);
                self.record(f);
                None
            }
        }
    }
}

/// The anchor's nameConstraints, the one constraint taken from a trust-store
/// certificate (6.1.1 (d) lets the anchor carry constraints; rustls-webpki applies
/// exactly this one).
fn anchor_constraints(anchor: &Certificate) -> Result<Option<Subtrees>, PathError> {
    let ext = PathExtensions::of(anchor)?;
    ext.name_constraints.as_ref().map(Subtrees::new).transpose()
}
