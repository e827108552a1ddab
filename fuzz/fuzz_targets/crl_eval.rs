//! CRL evaluation in trust-store mode: arbitrary bytes as the CRL for a real chain from
//! x509-limbo (`seeds/crl-chain.pem`: a leaf and the root that issues its CRLs).
#![no_main]

use std::sync::OnceLock;

use chainvet::{Policy, PresentedOptions, Timestamp, TrustStore, Usage, Validator};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static SETUP: OnceLock<(Validator, Vec<u8>)> = OnceLock::new();
    let (validator, leaf) = SETUP.get_or_init(|| {
        let both = TrustStore::from_pem(include_bytes!("../seeds/crl-chain.pem")).expect("chain");
        let [leaf, root] = both.anchors() else {
            panic!("leaf and root")
        };
        let roots = TrustStore::from_certificates(vec![root.clone()]);
        (
            Validator::with_trust_store(Policy::rfc5280(), roots),
            leaf.der().to_vec(),
        )
    });
    let mut options = PresentedOptions::new(Timestamp(1_704_067_200), Usage::ServerAuth);
    options.base.crls = vec![data.to_vec()];
    options.base.offline = true;
    let report = validator.validate_presented(leaf, &[], &options);
    assert_eq!(report.accepted, report.errors().next().is_none());
});
