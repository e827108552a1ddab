//! Differential fuzzing of the two path validation engines: the fuzzer's bytes drive the
//! chain generator of the differential test (`chainvet_testkit::differential`: depth,
//! pathLen, keyUsage, validity, EKU, name constraints, unknown critical extensions,
//! wrong-key signatures, decoys, pool order, impostor anchors, and the documented
//! differences), and the chains go through trust-store mode once with chainvet's RFC 5280
//! engine and once with rustls-webpki, under the profile the input picks (the mTLS
//! default or `Policy::rfc5280()`). A different verdict panics unless the case holds a
//! difference listed in docs/path-validation.md, and then only in the documented
//! direction (chainvet accepts what webpki refuses).
#![no_main]

use chainvet::{
    Certificate, Engine, Policy, PresentedOptions, Report, Timestamp, TrustStore, Usage,
    Validator,
};
use chainvet_testkit::differential::{Bytes, Case, Choices};

fn validate(policy: &Policy, engine: Engine, case: &Case) -> Report {
    let mut policy = policy.clone();
    policy.path_validation.engine = engine;
    let anchors = case
        .anchors
        .iter()
        .filter_map(|a| Certificate::from_der(a.der.clone()).ok())
        .collect();
    let validator = Validator::with_trust_store(policy, TrustStore::from_certificates(anchors));
    let pool: Vec<&[u8]> = case.pool.iter().map(|c| c.der.as_slice()).collect();
    let mut options = PresentedOptions::new(Timestamp(chainvet_testkit::at()), Usage::ClientAuth);
    options.base.offline = true;
    validator.validate_presented(&case.leaf.der, &pool, &options)
}

fn errors(r: &Report) -> Vec<&'static str> {
    r.errors().map(|f| f.code.as_str()).collect()
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut choices = Bytes(data);
    let policy = if choices.chance(50) {
        Policy::default()
    } else {
        Policy::rfc5280()
    };
    let case = Case::generate(&mut choices, true);
    let webpki = validate(&policy, Engine::Webpki, &case);
    let chainvet = validate(&policy, Engine::Chainvet, &case);
    if webpki.accepted != chainvet.accepted {
        assert!(
            !case.documented.is_empty() && chainvet.accepted,
            "undocumented disagreement ({:?}; documented {:?}): webpki {} {:?} / chainvet {} {:?}",
            case.what,
            case.documented,
            webpki.accepted,
            errors(&webpki),
            chainvet.accepted,
            errors(&chainvet)
        );
    }
    // Both accept: the same path.
    if webpki.accepted && chainvet.accepted {
        assert_eq!(webpki.chain.path, chainvet.chain.path, "{:?}", case.what);
    }
});
