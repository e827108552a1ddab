//! The order-independence harness of the CRL tests (issue 18): a verdict must never
//! depend on the order in which CRLs are supplied, so every scenario validates once per
//! permutation of its CRL inputs.

use std::collections::BTreeSet;

use chainvet::revocation::Mode;
use chainvet::{Options, Policy, Report, Timestamp, Validator};

/// A validator whose revocation mode is hard-fail (no status is an error).
pub(crate) fn hard_fail() -> Validator {
    let mut policy = Policy::default();
    policy.revocation.mode = Mode::HardFail;
    Validator::new(policy).expect("policy")
}

/// Every ordering of `0..n`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for rest in permutations(n - 1) {
        for pos in 0..=rest.len() {
            let mut p = rest.clone();
            p.insert(pos, n - 1);
            out.push(p);
        }
    }
    out
}

/// Validates `bundle` offline under hard-fail with `crls` in every order; asserts every
/// order gives the same outcome, acceptance and finding codes, and returns the report for
/// the order given.
pub(crate) fn verdict_in_every_order(
    bundle: &str,
    crls: &[&[u8]],
    at: Option<Timestamp>,
) -> Report {
    let v = hard_fail();
    let run = |order: &[usize]| {
        let mut options = Options::default();
        options.offline = true;
        options.at = at;
        options.crls = order.iter().map(|&k| crls[k].to_vec()).collect();
        v.validate_with(bundle.as_bytes(), &options)
    };
    let summary = |r: &Report| {
        let codes: BTreeSet<String> = r.findings.iter().map(|f| f.code.to_string()).collect();
        (r.revocation[0].status, r.accepted, codes)
    };
    let first = run(&(0..crls.len()).collect::<Vec<_>>());
    let expected = summary(&first);
    for order in permutations(crls.len()) {
        let report = run(&order);
        assert_eq!(
            summary(&report),
            expected,
            "order {order:?} changes the verdict: {:#?}",
            report.revocation
        );
    }
    first
}
