//! A new leaf under a known CA: the validator has parsed the CA certificates and
//! verified their signatures before (its caches hold them), and the leaf is new. Its
//! report must be exactly the report of a validator with no caches, in bundle mode and
//! in trust-store mode, with either path-validation engine, for accepted and rejected
//! leaves, and when a CA certificate the cache holds is presented damaged.

use chainvet::{
    CacheLimits, Certificate, Engine, Policy, PresentedOptions, Timestamp, TrustStore, Usage,
    Validator,
};
use chainvet_testkit::{Issued, KeyKind, Spec, at, date, issue, self_signed};

struct Pki {
    root: Issued,
    intermediate: Issued,
    leaves: Vec<(String, Issued)>,
}

fn pki(kind: KeyKind) -> Pki {
    let root = self_signed(Spec::ca("Known Root").key(kind, 2));
    let intermediate = issue(Spec::ca("Known Issuing CA").key(kind, 1), &root);
    let mut leaves = Vec::new();
    for i in 0..3 {
        let mut spec = Spec::leaf(&format!("client {i}")).key(kind, 0);
        spec.serial = Some(vec![0x10, i]);
        leaves.push((format!("new leaf {i}"), issue(spec, &intermediate)));
    }
    let expired = Spec::leaf("expired client")
        .key(kind, 0)
        .validity(date(2024, 1, 1), date(2025, 1, 1));
    leaves.push(("expired leaf".to_owned(), issue(expired, &intermediate)));
    let mut server = Spec::leaf("server only").key(kind, 0);
    server.eku = vec![chainvet_testkit::rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    leaves.push(("server-auth leaf".to_owned(), issue(server, &intermediate)));
    Pki {
        root,
        intermediate,
        leaves,
    }
}

fn policy(engine: Engine) -> Policy {
    let mut policy = Policy::default();
    policy.path_validation.engine = engine;
    policy
}

fn store(pki: &Pki) -> TrustStore {
    TrustStore::from_certificates(vec![
        Certificate::from_der(pki.root.der.clone()).expect("root parses"),
    ])
}

fn check(kind: KeyKind, engine: Engine) {
    let pki = pki(kind);
    let at = Timestamp(at());
    let options = PresentedOptions::new(at, Usage::ClientAuth);
    let warm = Validator::with_trust_store(policy(engine), store(&pki));
    let cold = Validator::with_trust_store(policy(engine), store(&pki))
        .with_cache_limits(CacheLimits::OFF);
    let ca_pem = format!("{}{}", pki.intermediate.pem(), pki.root.pem());
    let mut damaged = pki.intermediate.der.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x01; // the signature's last byte
    let mut accepted = 0;
    for (name, leaf) in &pki.leaves {
        // Trust-store mode, then the same chain as a bundle; then the intermediate
        // damaged (same name and key, another signature) after the good one was cached.
        let pool = [pki.intermediate.der.as_slice()];
        let report = warm.validate_presented(&leaf.der, &pool, &options);
        assert_eq!(
            report,
            cold.validate_presented(&leaf.der, &pool, &options),
            "{name} ({engine:?}, trust-store mode)"
        );
        accepted += usize::from(report.accepted);
        let bundle = format!("{}{ca_pem}", leaf.pem());
        assert_eq!(
            warm.validate_at(bundle.as_bytes(), at),
            cold.validate_at(bundle.as_bytes(), at),
            "{name} ({engine:?}, bundle mode)"
        );
        let pool = [damaged.as_slice()];
        let report = warm.validate_presented(&leaf.der, &pool, &options);
        assert!(
            !report.accepted,
            "{name}: a damaged intermediate is refused"
        );
        assert_eq!(
            report,
            cold.validate_presented(&leaf.der, &pool, &options),
            "{name} ({engine:?}, damaged intermediate)"
        );
    }
    assert_eq!(
        accepted, 3,
        "the three good leaves are accepted ({engine:?})"
    );
}

#[test]
fn a_new_leaf_under_a_known_ca_reports_as_from_a_fresh_validator_with_webpki() {
    check(KeyKind::P256, Engine::Webpki);
    check(KeyKind::Rsa2048, Engine::Webpki);
}

#[test]
fn a_new_leaf_under_a_known_ca_reports_as_from_a_fresh_validator_with_the_rfc5280_engine() {
    check(KeyKind::P256, Engine::Chainvet);
    check(KeyKind::Rsa2048, Engine::Chainvet);
}
