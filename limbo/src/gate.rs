//! The CI gate: the pass count may not drop below the committed floor, and the
//! exceptions file must list exactly the testcases that do not pass (skips included),
//! each with the result chainvet gives and why.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::suite::{CaseResult, Outcome, Testcase};

/// One known divergence or skip.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Exception {
    pub(crate) id: String,
    pub(crate) expected: Outcome,
    pub(crate) actual: Outcome,
    pub(crate) reason: String,
}

/// Problems found by the gate, one line each; empty means it passes.
pub(crate) fn check(
    cases: &[Testcase],
    results: &[CaseResult],
    exceptions: &[Exception],
    floor: usize,
) -> (usize, Vec<String>) {
    let expected: BTreeMap<&str, Outcome> = cases
        .iter()
        .map(|c| (c.id.as_str(), c.expected_result))
        .collect();
    let listed: BTreeMap<&str, &Exception> =
        exceptions.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut problems = Vec::new();
    if listed.len() != exceptions.len() {
        problems.push("the exceptions file lists an id twice".to_owned());
    }
    let mut passed = 0;
    for r in results {
        let Some(&want) = expected.get(r.id.as_str()) else {
            problems.push(format!("{}: result for an unknown testcase", r.id));
            continue;
        };
        let ok = r.actual_result == want;
        passed += usize::from(ok);
        match (ok, listed.get(r.id.as_str())) {
            (true, Some(_)) => problems.push(format!(
                "{}: now passes; remove it from the exceptions file (and raise the floor)",
                r.id
            )),
            (false, None) => problems.push(format!(
                "{}: expected {}, got {} ({}); not in the exceptions file",
                r.id,
                want.as_str(),
                r.actual_result.as_str(),
                r.context.as_deref().unwrap_or("no context")
            )),
            (false, Some(e)) if e.actual != r.actual_result || e.expected != want => {
                problems.push(format!(
                    "{}: the exceptions file says expected {} / actual {}, the run gives {} / {}",
                    r.id,
                    e.expected.as_str(),
                    e.actual.as_str(),
                    want.as_str(),
                    r.actual_result.as_str()
                ))
            }
            (false, Some(e)) if e.reason.trim().is_empty() => {
                problems.push(format!("{}: the exception gives no reason", r.id))
            }
            _ => {}
        }
    }
    for e in exceptions {
        if !results.iter().any(|r| r.id == e.id) {
            problems.push(format!(
                "{}: listed as an exception but not in the suite",
                e.id
            ));
        }
    }
    if passed < floor {
        problems.push(format!(
            "{passed} testcases pass, below the committed floor of {floor}"
        ));
    }
    (passed, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: &str, expected: Outcome) -> Testcase {
        serde_json::from_value(serde_json::json!({
            "id": id, "validation_kind": "SERVER", "trusted_certs": [],
            "untrusted_intermediates": [], "peer_certificate": "",
            "expected_result": expected.as_str(),
        }))
        .unwrap()
    }

    fn result(id: &str, actual: Outcome) -> CaseResult {
        CaseResult {
            id: id.to_owned(),
            actual_result: actual,
            context: None,
        }
    }

    #[test]
    fn floor_unlisted_failures_and_stale_exceptions_are_caught() {
        let cases = [
            case("a::x", Outcome::Success),
            case("a::y", Outcome::Failure),
        ];
        let exception = |actual| Exception {
            id: "a::y".into(),
            expected: Outcome::Failure,
            actual,
            reason: "known".into(),
        };
        // One divergence, listed: passes at floor 1, fails at floor 2.
        let results = [
            result("a::x", Outcome::Success),
            result("a::y", Outcome::Success),
        ];
        let (passed, problems) = check(&cases, &results, &[exception(Outcome::Success)], 1);
        assert_eq!((passed, problems.len()), (1, 0), "{problems:?}");
        let (_, problems) = check(&cases, &results, &[exception(Outcome::Success)], 2);
        assert!(
            problems[0].contains("below the committed floor"),
            "{problems:?}"
        );
        // Unlisted divergence.
        let (_, problems) = check(&cases, &results, &[], 0);
        assert!(
            problems[0].contains("not in the exceptions file"),
            "{problems:?}"
        );
        // A listed case that now passes is stale.
        let fixed = [
            result("a::x", Outcome::Success),
            result("a::y", Outcome::Failure),
        ];
        let (_, problems) = check(&cases, &fixed, &[exception(Outcome::Success)], 0);
        assert!(problems[0].contains("now passes"), "{problems:?}");
        // A skip must be listed as a skip.
        let skipped = [
            result("a::x", Outcome::Success),
            result("a::y", Outcome::Skipped),
        ];
        let (_, problems) = check(&cases, &skipped, &[exception(Outcome::Success)], 0);
        assert!(problems[0].contains("the run gives"), "{problems:?}");
    }
}
