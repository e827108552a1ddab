//! OCSP response evaluation (`revocation::ocsp::evaluate`) on arbitrary bytes, for a real
//! leaf and CA (`seeds/ocsp-chain.pem`; seeds made by `seeds/make-ocsp-seeds.sh`).
#![no_main]

use std::sync::OnceLock;

use chainvet::revocation::{RevocationPolicy, ocsp};
use chainvet::{Certificate, Timestamp, TrustStore};

/// 2030-03-17: after the seeds were made (thisUpdate is their creation time), well before
/// they expire (nextUpdate is 100 years later).
const AT: i64 = 1_900_000_000;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static SETUP: OnceLock<(Certificate, Certificate, RevocationPolicy)> = OnceLock::new();
    let (leaf, ca, policy) = SETUP.get_or_init(|| {
        let both = TrustStore::from_pem(include_bytes!("../seeds/ocsp-chain.pem")).expect("chain");
        let [leaf, ca] = both.anchors() else {
            panic!("leaf and CA")
        };
        (leaf.clone(), ca.clone(), RevocationPolicy::default())
    });
    if let Ok(answer) = ocsp::evaluate(data, leaf, ca, Timestamp(AT), None, policy) {
        assert!(answer.valid_until >= answer.this_update);
    }
});
