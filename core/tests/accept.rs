//! Valid chains are accepted with zero errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use chainvet::{Policy, Timestamp, Validator};
use chainvet_testkit::{Chain, KeyKind, at};

fn validate(pem: &str) -> chainvet::Report {
    Validator::new(Policy::default())
        .expect("policy")
        .validate_at(pem.as_bytes(), Timestamp(at()))
}

#[test]
fn valid_chains_are_accepted() {
    for (intermediates, key) in [
        (1, KeyKind::P256),
        (1, KeyKind::Rsa2048),
        (2, KeyKind::P384),
        (1, KeyKind::Ed25519),
    ] {
        let chain = Chain::new(intermediates, key);
        let report = validate(&chain.pem());
        assert!(
            report.accepted,
            "{key:?} x{intermediates}: {:#?}",
            report.findings
        );
        assert!(report.findings.is_empty(), "{:#?}", report.findings);
        assert_eq!(
            report.chain.path,
            (0..intermediates + 2).collect::<Vec<_>>()
        );
        assert_eq!(report.certificates.len(), intermediates + 2);
    }
}
