//! Properties: no input panics; every misordering is caught; fix restores the order.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod common;

use std::sync::OnceLock;

use chainvet::{Code, Timestamp, Validator};
use chainvet_testkit::{Chain, KeyKind};
use proptest::prelude::*;

fn chain() -> &'static Chain {
    static CHAIN: OnceLock<Chain> = OnceLock::new();
    CHAIN.get_or_init(|| Chain::new(2, KeyKind::P256))
}

fn at() -> Timestamp {
    Timestamp(chainvet_testkit::at())
}

fn pem_like() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("-----BEGIN CERTIFICATE-----".to_owned()),
        Just("-----END CERTIFICATE-----".to_owned()),
        Just("-----BEGIN PRIVATE KEY-----".to_owned()),
        Just("-----END PRIVATE KEY-----".to_owned()),
        Just("-----BEGIN CERTIFICATE REQUEST-----".to_owned()),
        "[A-Za-z0-9+/=]{0,80}",
        ".{0,40}",
    ];
    proptest::collection::vec(line, 0..30).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let v = Validator::default();
        let r = v.validate_at(&bytes, at());
        prop_assert!(!r.accepted || !r.certificates.is_empty());
        let _ = v.fix_at(&bytes, at());
        let _ = v.validate_der_at(&[&bytes], at());
    }

    #[test]
    fn pem_like_text_never_panics(text in pem_like()) {
        let v = Validator::default();
        let r = v.validate_at(text.as_bytes(), at());
        for f in &r.findings {
            prop_assert!(!f.message.is_empty() && !f.hint.is_empty());
        }
    }

    #[test]
    fn mutated_certificates_never_panic(index in 0usize..4, pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut ders = chain().ders();
        let p = pos.index(ders[index].len());
        ders[index][p] = byte;
        let pem: String = ders.iter().map(|d| chainvet_testkit::pem_of(d)).collect();
        let v = Validator::default();
        let r = v.validate_at(pem.as_bytes(), at());
        let original = &chain().ders()[index];
        if r.accepted && ders[index] != *original {
            // Accepted after a change: only possible if the signed bytes and the signature
            // are untouched (e.g. an equivalent length encoding of the outer header).
            let a = chainvet::Certificate::from_der(ders[index].clone()).expect("parsed");
            let b = chainvet::Certificate::from_der(original.clone()).expect("parsed");
            prop_assert_eq!(a.tbs(), b.tbs());
            prop_assert_eq!(a.signature(), b.signature());
        }
        prop_assert!(r.findings.iter().all(|f| !f.message.is_empty() && !f.hint.is_empty()));
        let refs: Vec<&[u8]> = ders.iter().map(Vec::as_slice).collect();
        let _ = v.validate_der_at(&refs, at());
    }

    #[test]
    fn every_misordering_is_caught_and_fixed(perm in Just((0..4).collect::<Vec<usize>>()).prop_shuffle()) {
        let c = chain();
        let v = Validator::default();
        let r = v.validate_at(c.pem_in_order(&perm).as_bytes(), at());
        if perm == [0, 1, 2, 3] {
            prop_assert!(r.accepted, "{:#?}", r.findings);
        } else {
            prop_assert!(!r.accepted);
            prop_assert!(r.has(Code::ChainOrderReversed) || r.has(Code::ChainOrderWrong));
            prop_assert_eq!(r.has(Code::ChainOrderReversed), perm == [3, 2, 1, 0]);
            // The correct order names bundle positions: position k holds certificate perm[k].
            let restored: Vec<usize> = r.chain.path.iter().map(|&k| perm[k]).collect();
            prop_assert_eq!(restored, vec![0, 1, 2, 3]);
        }
        let fixed = v.fix_at(c.pem_in_order(&perm).as_bytes(), at()).expect("fixable");
        prop_assert_eq!(fixed.pem, c.pem());
        prop_assert!(fixed.report.accepted);
    }
}

#[test]
fn exact_reversal_of_any_length_is_order_reversed() {
    for depth in 0..4 {
        let c = Chain::new(depth, KeyKind::P256);
        let n = c.certs.len();
        let reversed: Vec<usize> = (0..n).rev().collect();
        let r = Validator::default().validate_at(c.pem_in_order(&reversed).as_bytes(), at());
        common::assert_problems(&r, &[Code::ChainOrderReversed]);
    }
}
