//! Pass / fail / skip per namespace, beside what the peers score on the same file.

use std::collections::BTreeMap;

use crate::suite::{CaseResult, Outcome, Testcase};

/// What other implementations score on the shared subset, run on this machine
/// (`../shared/limbo/README.md`): (name, pass all, ran all, pass without bettertls, ran
/// without bettertls).
pub(crate) const PEERS: &[(&str, usize, usize, usize, usize)] = &[
    ("pyca/cryptography 46", 6771, 6780, 88, 97),
    ("rustls-webpki 0.103", 6764, 6804, 81, 121),
    ("Go crypto/x509 1.27", 6760, 6798, 77, 115),
    ("OpenSSL 3.0", 6634, 6807, 84, 124),
];

/// Counts for one group of testcases.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) pass: usize,
    pub(crate) fail: usize,
    pub(crate) skip: usize,
}

impl Tally {
    fn add(&mut self, expected: Outcome, actual: Outcome) {
        match actual {
            Outcome::Skipped => self.skip += 1,
            a if a == expected => self.pass += 1,
            _ => self.fail += 1,
        }
    }

    pub(crate) fn ran(self) -> usize {
        self.pass + self.fail
    }
}

/// Tallies per namespace (first `::` segment), plus the totals with and without
/// bettertls.
pub(crate) struct Summary {
    pub(crate) namespaces: BTreeMap<String, Tally>,
    pub(crate) all: Tally,
    pub(crate) without_bettertls: Tally,
}

pub(crate) fn summarize(cases: &[Testcase], results: &[CaseResult]) -> Summary {
    let expected: BTreeMap<&str, Outcome> = cases
        .iter()
        .map(|c| (c.id.as_str(), c.expected_result))
        .collect();
    let mut summary = Summary {
        namespaces: BTreeMap::new(),
        all: Tally::default(),
        without_bettertls: Tally::default(),
    };
    for r in results {
        let Some(&want) = expected.get(r.id.as_str()) else {
            continue;
        };
        let ns = r.id.split("::").next().unwrap_or("").to_owned();
        summary
            .namespaces
            .entry(ns.clone())
            .or_default()
            .add(want, r.actual_result);
        summary.all.add(want, r.actual_result);
        if ns != "bettertls" {
            summary.without_bettertls.add(want, r.actual_result);
        }
    }
    summary
}

/// The summary as Markdown tables.
pub(crate) fn render(summary: &Summary) -> String {
    let mut out = String::new();
    out.push_str("| namespace | pass | fail | skip |\n|---|---:|---:|---:|\n");
    for (ns, t) in &summary.namespaces {
        out.push_str(&format!(
            "| {ns}:: | {} | {} | {} |\n",
            t.pass, t.fail, t.skip
        ));
    }
    let (a, w) = (summary.all, summary.without_bettertls);
    out.push_str(&format!(
        "| **all** | **{}** | **{}** | **{}** |\n\n",
        a.pass, a.fail, a.skip
    ));
    out.push_str(
        "| implementation | pass / ran, all | pass / ran, without bettertls:: |\n|---|---|---|\n",
    );
    out.push_str(&format!(
        "| **chainvet {}** | **{} / {}** | **{} / {}** |\n",
        env!("CARGO_PKG_VERSION"),
        a.pass,
        a.ran(),
        w.pass,
        w.ran()
    ));
    for (name, pa, ra, pw, rw) in PEERS {
        out.push_str(&format!("| {name} | {pa} / {ra} | {pw} / {rw} |\n"));
    }
    out
}
