//! Validity, key and profile policy, trust store, and what rustls-webpki adds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod common;

use chainvet::certificate::{Curve, KeyAlgorithm};
use chainvet::{Code, Policy, Severity, Timestamp, TrustStore, Validator};
use chainvet_testkit::rcgen::{CustomExtension, ExtendedKeyUsagePurpose, KeyUsagePurpose};
use chainvet_testkit::{Chain, KeyKind, Spec, date, fixture, issue, self_signed};
use common::*;

fn with_leaf(spec: Spec) -> String {
    Chain::standard().with_leaf(spec).pem()
}

#[test]
fn expired_and_not_yet_valid() {
    let r = check(&with_leaf(
        Spec::leaf("old").validity(date(2020, 1, 1), date(2026, 1, 1)),
    ));
    assert_problems(&r, &[Code::ValidityExpired]);
    assert!(
        r.findings[0].message.contains("expired on 2026-01-01"),
        "{}",
        r.findings[0].message
    );
    let r = check(&with_leaf(
        Spec::leaf("future").validity(date(2027, 1, 1), date(2030, 1, 1)),
    ));
    assert_problems(&r, &[Code::ValidityNotYetValid]);
    // An expired intermediate: the hint points at the CA, not at renewing the leaf.
    let root = self_signed(Spec::ca("Test Root").key(KeyKind::P256, 2));
    let int = issue(
        Spec::ca("Old Int")
            .key(KeyKind::P256, 1)
            .validity(date(2020, 1, 1), date(2026, 1, 1)),
        &root,
    );
    let leaf = issue(Spec::leaf("leaf"), &int);
    let r = check(&format!("{}{}{}", leaf.pem(), int.pem(), root.pem()));
    let f = r.with_code(Code::ValidityExpired).next().expect("expired");
    assert_eq!(f.certificate, Some(1));
    assert!(f.hint.contains("CA"), "{}", f.hint);
}

#[test]
fn lifetime_floor_catches_90_and_6_day_certificates() {
    for days in [90i64, 6] {
        let nb = date(2026, 5, 20);
        let na = nb + time::Duration::days(days);
        let r = check(&with_leaf(Spec::leaf("short").validity(nb, na)));
        assert_has(&r, Code::ValidityTooShort);
        let f = r.with_code(Code::ValidityTooShort).next().unwrap();
        assert!(
            f.message.contains(&format!("valid for {days} days")),
            "{}",
            f.message
        );
    }
    // Exactly 180 days passes.
    let nb = date(2026, 5, 1);
    let r = check(&with_leaf(
        Spec::leaf("ok").validity(nb, nb + time::Duration::days(180)),
    ));
    assert!(!r.has(Code::ValidityTooShort), "{:#?}", r.findings);
    // Off by policy.
    let policy = Policy {
        leaf_min_lifetime_days: 0,
        ..Policy::default()
    };
    let r = check_with(
        policy,
        &with_leaf(Spec::leaf("short").validity(date(2026, 5, 20), date(2026, 8, 18))),
    );
    assert!(!r.has(Code::ValidityTooShort));
}

#[test]
fn lifetime_ceiling_when_configured() {
    let policy = Policy {
        leaf_max_lifetime_days: 398,
        ..Policy::default()
    };
    let r = check_with(policy, &Chain::standard().pem());
    assert_problems(&r, &[Code::ValidityTooLong]);
    assert!(
        check(&Chain::standard().pem()).accepted,
        "no maximum by default"
    );
}

#[test]
fn expires_soon_is_a_warning() {
    let r = check(&with_leaf(
        Spec::leaf("soon").validity(date(2025, 6, 1), date(2026, 6, 11)),
    ));
    assert_problems(&r, &[Code::ValidityExpiresSoon]);
    assert!(r.accepted);
    assert_eq!(r.findings[0].severity, Severity::Warning);
    assert!(
        r.findings[0].message.contains("expires in 10 days"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn rsa_too_small_on_leaf_and_on_ca() {
    let r = check_fixture(fixture("rsa1024-key"));
    assert_problems(&r, &[Code::KeyRsaTooSmall]);
    assert_eq!(r.findings[0].certificate, Some(0));
    let r = check_fixture(fixture("rsa1024-ca"));
    assert_problems(&r, &[Code::KeyRsaTooSmall]);
    assert_eq!(r.findings[0].certificate, Some(1));
    assert!(r.findings[0].hint.contains("CA"));
    let policy = Policy {
        rsa_min_bits: 3072,
        ..Policy::default()
    };
    let r = check_with(policy, &Chain::new(1, KeyKind::Rsa2048).pem());
    assert_eq!(r.with_code(Code::KeyRsaTooSmall).count(), 3);
}

#[test]
fn curves_and_key_algorithms() {
    let r = check_fixture(fixture("secp256k1-key"));
    assert_problems(&r, &[Code::KeyCurveNotAllowed]);
    assert!(r.findings[0].message.contains("secp256k1"));
    let policy = Policy {
        allowed_curves: vec![Curve::P256],
        ..Policy::default()
    };
    assert_eq!(
        check_with(policy, &Chain::new(1, KeyKind::P384).pem())
            .with_code(Code::KeyCurveNotAllowed)
            .count(),
        3
    );

    let r = check_fixture(fixture("ed448-key"));
    assert_problems(&r, &[Code::KeyAlgorithmNotAllowed]);
    let policy = Policy {
        allowed_key_algorithms: vec![KeyAlgorithm::Rsa, KeyAlgorithm::Ec],
        ..Policy::default()
    };
    assert_has(
        &check_with(policy, &Chain::new(1, KeyKind::Ed25519).pem()),
        Code::KeyAlgorithmNotAllowed,
    );
}

#[test]
fn leaf_profile() {
    let mut spec = Spec::leaf("ca-leaf");
    spec.ca = Some(None);
    spec.key_usage = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyCertSign,
    ];
    let r = check(&with_leaf(spec));
    assert_has(&r, Code::LeafIsCa);

    let mut spec = Spec::leaf("server");
    spec.eku = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let r = check(&with_leaf(spec));
    assert_problems(&r, &[Code::LeafClientAuthMissing]);
    assert!(
        r.findings[0].message.contains("serverAuth"),
        "{}",
        r.findings[0].message
    );

    let mut spec = Spec::leaf("no-eku");
    spec.eku = vec![];
    let pem = with_leaf(spec);
    assert_problems(&check(&pem), &[Code::LeafClientAuthMissing]);
    let lenient = Policy {
        require_client_auth_eku: false,
        ..Policy::default()
    };
    assert!(check_with(lenient, &pem).accepted);
}

#[test]
fn issuer_profile() {
    let root = self_signed(Spec::ca("Test Root").key(KeyKind::P256, 2));
    let build = |int_spec: Spec| {
        let int = issue(int_spec, &root);
        let leaf = issue(Spec::leaf("leaf"), &int);
        format!("{}{}{}", leaf.pem(), int.pem(), root.pem())
    };
    let mut not_ca = Spec::ca("Not A CA").key(KeyKind::P256, 1);
    not_ca.ca = None;
    let r = check(&build(not_ca));
    assert_has(&r, Code::CaNotCa);
    assert_eq!(
        r.with_code(Code::CaNotCa).next().unwrap().certificate,
        Some(1)
    );

    let mut no_sign = Spec::ca("No keyCertSign").key(KeyKind::P256, 1);
    no_sign.key_usage = vec![KeyUsagePurpose::DigitalSignature];
    assert_has(&check(&build(no_sign)), Code::CaKeyCertSignMissing);

    // A root limited to 0 intermediates, with one below it.
    let mut root_spec = Spec::ca("Strict Root").key(KeyKind::P256, 3);
    root_spec.ca = Some(Some(0));
    let strict_root = self_signed(root_spec);
    let int = issue(Spec::ca("Int").key(KeyKind::P256, 1), &strict_root);
    let leaf = issue(Spec::leaf("leaf"), &int);
    let r = check(&format!("{}{}{}", leaf.pem(), int.pem(), strict_root.pem()));
    assert_has(&r, Code::CaPathLenExceeded);
    assert_eq!(
        r.with_code(Code::CaPathLenExceeded)
            .next()
            .unwrap()
            .certificate,
        Some(2)
    );
}

#[test]
fn trust_store() {
    let chain = Chain::standard();
    let other = Chain::new(1, KeyKind::P384);
    let store = TrustStore::from_pem(other.certs[2].pem().as_bytes()).unwrap();
    let v = Validator::with_trust_store(Policy::default(), store);
    let r = v.validate_at(chain.pem().as_bytes(), Timestamp(chainvet_testkit::at()));
    assert_has(&r, Code::RootNotTrusted);
    assert!(!r.accepted);

    let store = TrustStore::from_pem(chain.certs[2].pem().as_bytes()).unwrap();
    let v = Validator::with_trust_store(Policy::default(), store);
    let at = Timestamp(chainvet_testkit::at());
    assert!(v.validate_at(chain.pem().as_bytes(), at).accepted);
    // Root left out but trusted: still root_missing by default (operators want the root),
    // and the message says the store has it.
    let r = v.validate_at(chain.pem_in_order(&[0, 1]).as_bytes(), at);
    assert_problems(&r, &[Code::ChainRootMissing]);
    assert!(
        r.findings[0].message.contains("trust store has it"),
        "{}",
        r.findings[0].message
    );

    assert!(TrustStore::from_pem(b"nothing").is_err());
}

#[test]
fn trust_store_file_from_policy_relative_path() {
    let chain = Chain::standard();
    let dir = std::env::temp_dir().join(format!("chainvet-trust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("roots.pem"), chain.certs[2].pem()).unwrap();
    std::fs::write(dir.join("policy.toml"), "trust_store = \"roots.pem\"\n").unwrap();
    let policy = Policy::from_file(&dir.join("policy.toml")).unwrap();
    let v = Validator::new(policy).unwrap();
    assert_eq!(v.trust_store().anchors().len(), 1);
    std::fs::write(dir.join("policy.toml"), "trust_store = \"missing.pem\"\n").unwrap();
    let err = Validator::new(Policy::from_file(&dir.join("policy.toml")).unwrap()).unwrap_err();
    assert!(err.to_string().contains("missing.pem"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn name_constraints_violation_found_by_webpki() {
    use der::Encode;
    use x509_cert::ext::pkix::constraints::name::{GeneralSubtree, NameConstraints};
    use x509_cert::ext::pkix::name::GeneralName;
    let nc = NameConstraints {
        permitted_subtrees: Some(vec![GeneralSubtree {
            base: GeneralName::DnsName(der::asn1::Ia5String::new("allowed.example").unwrap()),
            minimum: 0,
            maximum: None,
        }]),
        excluded_subtrees: None,
    };
    let mut ext = CustomExtension::from_oid_content(&[2, 5, 29, 30], nc.to_der().unwrap());
    ext.set_criticality(true);
    let root = self_signed(Spec::ca("Test Root").key(KeyKind::P256, 2));
    let mut int_spec = Spec::ca("Constrained Int").key(KeyKind::P256, 1);
    int_spec.extensions = vec![ext];
    let int = issue(int_spec, &root);
    let mut leaf_spec = Spec::leaf("leaf");
    leaf_spec.dns_names = vec!["client.forbidden.example".into()];
    let leaf = issue(leaf_spec, &int);
    let r = check(&format!("{}{}{}", leaf.pem(), int.pem(), root.pem()));
    assert_problems(&r, &[Code::ChainNameConstraintsViolated]);
}

#[test]
fn unknown_critical_extension_found_by_webpki() {
    let mut ext =
        CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 99999, 1], vec![0x05, 0x00]);
    ext.set_criticality(true);
    let mut spec = Spec::leaf("critical");
    spec.extensions = vec![ext];
    let r = check(&with_leaf(spec));
    assert_problems(&r, &[Code::CertificateUnsupportedCriticalExtension]);
}

#[test]
fn intermediate_that_may_not_issue_client_certificates() {
    let root = self_signed(Spec::ca("Test Root").key(KeyKind::P256, 2));
    let mut int_spec = Spec::ca("Server-only CA").key(KeyKind::P256, 1);
    int_spec.eku = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let int = issue(int_spec, &root);
    let leaf = issue(Spec::leaf("leaf"), &int);
    let r = check(&format!("{}{}{}", leaf.pem(), int.pem(), root.pem()));
    assert_problems(&r, &[Code::ChainPathInvalid]);
    assert!(
        r.findings[0].message.contains("excludes clientAuth"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn severity_overrides_apply_to_every_code() {
    let pem = with_leaf(Spec::leaf("short").validity(date(2026, 5, 20), date(2026, 8, 18)));
    let mut policy = Policy::default();
    policy
        .severity
        .insert(Code::ValidityTooShort, chainvet::Level::Warning);
    let r = check_with(policy, &pem);
    assert!(r.accepted);
    assert_eq!(
        r.with_code(Code::ValidityTooShort).next().unwrap().severity,
        Severity::Warning
    );
}
