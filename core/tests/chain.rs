//! Chain findings: order, gaps, duplicates, unrelated certificates, self-signed leaves.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod common;

use chainvet::{Code, Policy, Role};
use chainvet_testkit::{Chain, KeyKind, Spec, issue, self_signed};
use common::*;

#[test]
fn reversed_chain() {
    let chain = Chain::standard();
    let r = check(&chain.pem_in_order(&[2, 1, 0]));
    assert_problems(&r, &[Code::ChainOrderReversed]);
    assert_eq!(r.chain.leaf, Some(2));
    assert_eq!(r.chain.path, vec![2, 1, 0]);
    let f = r.with_code(Code::ChainOrderReversed).next().unwrap();
    assert!(
        f.hint.contains("certificates 3, 2, 1, counting from 1"),
        "{}",
        f.hint
    );
    // A reversed two-certificate bundle (root missing) is still "reversed".
    let r = check(&chain.pem_in_order(&[1, 0]));
    assert_problems(&r, &[Code::ChainOrderReversed, Code::ChainRootMissing]);
}

#[test]
fn wrong_order_gives_the_correct_order() {
    let chain = Chain::new(2, KeyKind::P256); // leaf, int1, int2, root
    let r = check(&chain.pem_in_order(&[1, 0, 3, 2]));
    assert_problems(&r, &[Code::ChainOrderWrong]);
    assert_eq!(r.chain.path, vec![1, 0, 3, 2]);
    let f = r.with_code(Code::ChainOrderWrong).next().unwrap();
    // Text counts positions from 1 and says so; `path` stays 0-based.
    assert!(
        f.hint.contains("certificates 2, 1, 4, 3, counting from 1"),
        "{}",
        f.hint
    );
    assert!(
        r.chain.leaf_reason.contains("certificate 2"),
        "{}",
        r.chain.leaf_reason
    );
}

#[test]
fn root_missing_names_the_root() {
    let chain = Chain::standard();
    let r = check(&chain.pem_in_order(&[0, 1]));
    assert_problems(&r, &[Code::ChainRootMissing]);
    let f = r.with_code(Code::ChainRootMissing).next().unwrap();
    assert_eq!(f.certificate, Some(1));
    assert!(f.message.contains("CN=Test Root"), "{}", f.message);
    // A lone leaf: the chain ends before a root.
    let r = check(&chain.pem_in_order(&[0]));
    assert_problems(&r, &[Code::ChainRootMissing]);
    // Turned off by policy: accepted.
    let mut policy = Policy::default();
    policy
        .severity
        .insert(Code::ChainRootMissing, chainvet::Level::Off);
    assert!(check_with(policy, &chain.pem_in_order(&[0, 1])).accepted);
}

#[test]
fn issuer_missing_names_the_gap() {
    let chain = Chain::new(2, KeyKind::P256); // leaf, int1, int2, root
    let r = check(&chain.pem_in_order(&[0, 2, 3]));
    assert_problems(&r, &[Code::ChainIssuerMissing]);
    let f = r.with_code(Code::ChainIssuerMissing).next().unwrap();
    assert!(
        f.message.contains("CN=Test Intermediate 1"),
        "{}",
        f.message
    );
    assert_eq!(f.certificate, Some(0));
    // The certificates above the gap are part of the chain, not unrelated.
    assert!(!r.has(Code::ChainUnrelatedCertificate));
    assert_eq!(r.certificates[1].role, Role::Intermediate);
    assert_eq!(r.certificates[2].role, Role::Root);
}

#[test]
fn duplicates_are_reported_once_per_copy() {
    let chain = Chain::standard();
    let r = check(&chain.pem_in_order(&[0, 1, 1, 2, 0]));
    assert_problems(
        &r,
        &[
            Code::ChainDuplicateCertificate,
            Code::ChainDuplicateCertificate,
        ],
    );
    let dups: Vec<_> = r
        .with_code(Code::ChainDuplicateCertificate)
        .map(|f| f.certificate)
        .collect();
    assert_eq!(dups, vec![Some(2), Some(4)]);
    assert_eq!(r.chain.path, vec![0, 1, 3]);
    assert_eq!(r.certificates[2].role, Role::Duplicate);
}

#[test]
fn unrelated_certificates() {
    let chain = Chain::standard();
    let other = Chain::new(1, KeyKind::Rsa2048);
    let input = format!("{}{}", chain.pem(), other.certs[1].pem());
    let r = check(&input);
    assert_problems(&r, &[Code::ChainUnrelatedCertificate]);
    assert_eq!(
        r.with_code(Code::ChainUnrelatedCertificate)
            .next()
            .unwrap()
            .certificate,
        Some(3)
    );
    assert_eq!(r.chain.leaf, Some(0));
    // Another client's leaf in front: the leaf of the longer chain is checked, and the
    // two end-entity certificates are named as such (issue 17), not "unrelated".
    let input = format!("{}{}", other.certs[0].pem(), chain.pem());
    let r = check(&input);
    assert_eq!(r.chain.path.len(), 3, "{:#?}", r.chain);
    assert_eq!(r.chain.leaf, Some(1));
    assert_problems(&r, &[Code::ChainMultipleLeaves]);
}

#[test]
fn self_signed_leaf() {
    let leaf = self_signed(Spec::leaf("self-signed client"));
    let r = check(&leaf.pem());
    assert_problems(&r, &[Code::LeafSelfSigned]);
    assert!(r.certificates[0].self_signed);
    assert_eq!(r.chain.leaf, Some(0));
}

#[test]
fn leaf_is_chosen_by_structure_not_position() {
    let chain = Chain::standard();
    let r = check(&chain.pem_in_order(&[1, 2, 0]));
    assert_eq!(r.chain.leaf, Some(2));
    assert!(
        r.chain.leaf_reason.contains("issued no other certificate"),
        "{}",
        r.chain.leaf_reason
    );
}

#[test]
fn cross_signed_style_same_name_different_key_prefers_the_verifying_issuer() {
    let chain = Chain::standard();
    // An impostor CA with the intermediate's exact name but another key.
    let impostor = issue(
        Spec::ca("Test Intermediate 1").key(KeyKind::P256, 9),
        &chain.certs[2],
    );
    let input = format!(
        "{}{}{}{}",
        chain.certs[0].pem(),
        impostor.pem(),
        chain.certs[1].pem(),
        chain.certs[2].pem()
    );
    let r = check(&input);
    assert_eq!(r.chain.path, vec![0, 2, 3], "{:#?}", r.findings);
    assert!(!r.has(Code::SignatureInvalid));
    assert_has(&r, Code::ChainUnrelatedCertificate);
}
