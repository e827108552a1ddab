//! Differential test: chainvet's RFC 5280 engine against rustls-webpki on the same
//! generated chains, through the same trust-store-mode entry point and policy checks.
//! Every disagreement must be one listed in docs/path-validation.md ("Differences from
//! rustls-webpki"); the generator below only makes chains inside the space where the two
//! are meant to agree, so any disagreement fails the test with the case that caused it.
//! The generator (`chainvet_testkit::differential`) is shared with the fuzz target
//! `engine_diff`, which also generates the documented differences.

use chainvet::{
    Certificate, Engine, PathValidation, Policy, PresentedOptions, Report, Timestamp, TrustStore,
    Usage, Validator,
};
use chainvet_testkit::differential::{Case, XorShift};

fn validate(engine: Engine, case: &Case) -> Report {
    let mut policy = Policy::rfc5280();
    policy.path_validation = PathValidation {
        engine,
        ..PathValidation::default()
    };
    let anchors = case
        .anchors
        .iter()
        .map(|a| Certificate::from_der(a.der.clone()).expect("test input"))
        .collect();
    let validator = Validator::with_trust_store(policy, TrustStore::from_certificates(anchors));
    let pool: Vec<&[u8]> = case.pool.iter().map(|c| c.der.as_slice()).collect();
    let mut options = PresentedOptions::new(Timestamp(chainvet_testkit::at()), Usage::ClientAuth);
    options.base.offline = true;
    validator.validate_presented(&case.leaf.der, &pool, &options)
}

fn codes(r: &Report) -> Vec<&'static str> {
    let mut c: Vec<&'static str> = r
        .findings
        .iter()
        .filter(|f| f.severity == chainvet::Severity::Error)
        .map(|f| f.code.as_str())
        .collect();
    c.sort_unstable();
    c.dedup();
    c
}

#[test]
fn engines_agree_on_generated_chains() {
    let mut rng = XorShift(0x5eed_5280_0000_0001);
    let (mut accepted, mut rejected) = (0, 0);
    for n in 0..160 {
        let case = Case::generate(&mut rng, false);
        let webpki = validate(Engine::Webpki, &case);
        let chainvet = validate(Engine::Chainvet, &case);
        assert_eq!(
            webpki.accepted,
            chainvet.accepted,
            "case {n} ({:?}): webpki {:?} / chainvet {:?}",
            case.what,
            codes(&webpki),
            codes(&chainvet)
        );
        if chainvet.accepted {
            accepted += 1;
            assert_eq!(
                webpki.chain.path, chainvet.chain.path,
                "case {n}: same path"
            );
        } else {
            rejected += 1;
        }
    }
    // The generator reaches both outcomes often enough to mean something.
    assert!(
        accepted > 30 && rejected > 30,
        "{accepted} accepted, {rejected} rejected"
    );
}

/// With the documented differences generated too: every disagreement is on a case that
/// holds one of them (the fuzz target `engine_diff` asserts the same on fuzzer-made cases).
#[test]
fn disagreements_are_documented_differences() {
    let mut rng = XorShift(0x5eed_5280_0000_0002);
    let mut documented_disagreements = 0;
    for n in 0..120 {
        let case = Case::generate(&mut rng, true);
        let webpki = validate(Engine::Webpki, &case);
        let chainvet = validate(Engine::Chainvet, &case);
        if webpki.accepted != chainvet.accepted {
            assert!(
                !case.documented.is_empty(),
                "case {n} ({:?}): webpki {:?} / chainvet {:?}",
                case.what,
                codes(&webpki),
                codes(&chainvet)
            );
            // The documented direction: RFC 5280 processes what webpki refuses.
            assert!(chainvet.accepted, "case {n} ({:?})", case.what);
            documented_disagreements += 1;
        }
    }
    assert!(
        documented_disagreements > 0,
        "the documented difference was generated"
    );
}
