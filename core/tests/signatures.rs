//! Signature findings: forged links, weak and unsupported algorithms, and every
//! supported algorithm verifying.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod common;

use chainvet::{Code, Policy};
use chainvet_testkit::{Chain, KeyKind, Spec, fixture, issue, self_signed};
use common::*;

#[test]
fn every_supported_key_type_verifies() {
    for key in [
        KeyKind::Rsa2048,
        KeyKind::Rsa3072,
        KeyKind::Rsa4096,
        KeyKind::P256,
        KeyKind::P384,
        KeyKind::Ed25519,
    ] {
        let r = check(&Chain::new(1, key).pem());
        assert!(
            r.accepted && r.findings.is_empty(),
            "{key:?}: {:#?}",
            r.findings
        );
    }
}

#[test]
fn rsa_pss_signatures_verify() {
    let r = check_fixture(fixture("pss-signed"));
    assert!(
        !r.has(Code::SignatureInvalid) && !r.has(Code::SignatureUnsupportedAlgorithm),
        "{:#?}",
        r.findings
    );
    assert_eq!(
        r.certificates[0].signature_algorithm,
        "RSASSA-PSS with SHA-256"
    );
    assert!(r.accepted, "{:#?}", r.findings);
}

#[test]
fn forged_link_same_issuer_name_other_key() {
    let chain = Chain::standard();
    // Signed by a key that is not the intermediate's, under the intermediate's name.
    let forger = self_signed(Spec::ca("Test Intermediate 1").key(KeyKind::P256, 7));
    let mut spec = Spec::leaf("Test Leaf");
    spec.authority_key_id = false; // a forger would not advertise its own key id
    let forged_leaf = issue(spec, &forger);
    let input = format!(
        "{}{}{}",
        forged_leaf.pem(),
        chain.certs[1].pem(),
        chain.certs[2].pem()
    );
    let r = check(&input);
    assert_has(&r, Code::SignatureInvalid);
    let f = r.with_code(Code::SignatureInvalid).next().unwrap();
    assert_eq!(f.certificate, Some(0));
    assert!(f.message.contains("does not verify"), "{}", f.message);
    assert!(!r.accepted);
}

#[test]
fn corrupted_signature_bytes() {
    let chain = Chain::new(1, KeyKind::Rsa2048);
    let mut der = chain.certs[0].der.clone();
    let n = der.len();
    der[n - 5] ^= 0x01; // inside the signature value
    let leaf = chainvet_testkit::pem_of(&der);
    let r = check(&format!(
        "{leaf}{}{}",
        chain.certs[1].pem(),
        chain.certs[2].pem()
    ));
    assert_has(&r, Code::SignatureInvalid);
}

#[test]
fn signature_by_the_wrong_key_type() {
    // An RSA intermediate's name over a leaf signed with an EC key of that name.
    let chain = Chain::new(1, KeyKind::Rsa2048);
    let ec_forger = self_signed(Spec::ca("Test Intermediate 1").key(KeyKind::P256, 8));
    let mut spec = Spec::leaf("Test Leaf");
    spec.authority_key_id = false;
    let leaf = issue(spec, &ec_forger);
    let r = check(&format!(
        "{}{}{}",
        leaf.pem(),
        chain.certs[1].pem(),
        chain.certs[2].pem()
    ));
    let f = r
        .with_code(Code::SignatureInvalid)
        .next()
        .expect("signature.invalid");
    assert!(f.message.contains("cannot have been made"), "{}", f.message);
}

#[test]
fn sha1_and_md5_are_weak_but_sha1_links_still_verify() {
    let r = check_fixture(fixture("sha1-signed"));
    assert_problems(&r, &[Code::SignatureWeakAlgorithm]);
    assert!(r.findings[0].message.contains("sha1WithRSAEncryption"));
    let r = check_fixture(fixture("md5-signed"));
    assert_problems(&r, &[Code::SignatureWeakAlgorithm]);
    assert!(
        r.findings[0].message.contains("md5WithRSAEncryption"),
        "{}",
        r.findings[0].message
    );
    // Turning the weak-hash rule off accepts the SHA-1 chain: the link was verified.
    let mut policy = Policy::default();
    policy
        .severity
        .insert(Code::SignatureWeakAlgorithm, chainvet::Level::Off);
    let r = check_fixture_with(policy, fixture("sha1-signed"));
    assert!(r.accepted, "{:#?}", r.findings);
}

#[test]
fn unsupported_algorithm() {
    let r = check_fixture(fixture("ed448-ca"));
    assert_has(&r, Code::SignatureUnsupportedAlgorithm);
    let f = r
        .with_code(Code::SignatureUnsupportedAlgorithm)
        .next()
        .unwrap();
    assert_eq!(f.certificate, Some(0));
    assert!(
        f.message.contains("Ed448") || f.message.contains("1.3.101.113"),
        "{}",
        f.message
    );
    // The Ed448 CA key is also outside the default key policy.
    assert_has(&r, Code::KeyAlgorithmNotAllowed);
}

#[test]
fn issuer_certificate_from_another_key_generation_is_a_gap_not_a_forgery() {
    let chain = Chain::standard();
    // The same CA re-keyed: same name, new key; the leaf names the new key id.
    let rekeyed = issue(
        Spec::ca("Test Intermediate 1").key(KeyKind::P256, 6),
        &chain.certs[2],
    );
    let leaf = issue(Spec::leaf("Test Leaf"), &rekeyed);
    let r = check(&format!(
        "{}{}{}",
        leaf.pem(),
        chain.certs[1].pem(),
        chain.certs[2].pem()
    ));
    assert_problems(&r, &[Code::ChainIssuerMissing]);
    let f = r.with_code(Code::ChainIssuerMissing).next().unwrap();
    assert!(f.message.contains("different key"), "{}", f.message);
}

#[test]
fn corrupted_root_self_signature_is_invalid_not_missing() {
    let chain = Chain::standard();
    let mut root = chain.certs[2].der.clone();
    let n = root.len();
    root[n - 3] ^= 0x40;
    let input = format!(
        "{}{}{}",
        chain.certs[0].pem(),
        chain.certs[1].pem(),
        chainvet_testkit::pem_of(&root)
    );
    let r = check(&input);
    assert_has(&r, Code::SignatureInvalid);
    assert!(!r.has(Code::ChainRootMissing), "{:#?}", r.findings);
    let f = r.with_code(Code::SignatureInvalid).next().unwrap();
    assert_eq!(f.certificate, Some(2));
    assert!(f.message.contains("self-signature"), "{}", f.message);
}
