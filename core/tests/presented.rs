//! Trust-store mode: a presented leaf, an unordered pool and configured trust anchors.

use chainvet::{Code, PeerName, Policy, PresentedOptions, Timestamp, TrustStore, Usage, Validator};
use chainvet_testkit::rcgen::ExtendedKeyUsagePurpose;
use chainvet_testkit::{Chain, Issued, KeyKind, Spec, at, crl, date, issue, self_signed};

fn store(roots: &[&Issued]) -> TrustStore {
    let pem: String = roots.iter().map(|r| r.pem()).collect();
    TrustStore::from_pem(pem.as_bytes()).expect("roots parse")
}

fn validate(
    policy: Policy,
    roots: &[&Issued],
    leaf: &Issued,
    pool: &[&Issued],
    options: &PresentedOptions,
) -> chainvet::Report {
    let pool: Vec<&[u8]> = pool.iter().map(|c| c.der.as_slice()).collect();
    Validator::with_trust_store(policy, store(roots)).validate_presented(&leaf.der, &pool, options)
}

fn client() -> PresentedOptions {
    PresentedOptions::new(Timestamp(at()), Usage::ClientAuth)
}

fn codes(report: &chainvet::Report) -> Vec<Code> {
    report.findings.iter().map(|f| f.code).collect()
}

#[test]
fn unordered_pool_with_strangers_validates_without_order_findings() {
    let chain = Chain::new(2, KeyKind::P256);
    let [leaf, i1, i2, root] = &chain.certs[..] else {
        panic!("four certificates")
    };
    let stranger = &Chain::new(1, KeyKind::P384).certs[1];
    let report = validate(
        Policy::default(),
        &[root],
        leaf,
        &[i2, stranger, i1],
        &client(),
    );
    assert!(report.accepted, "{:#?}", report.findings);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    // Leaf 0, pool 1..=3 as given, the anchor appended as 4.
    assert_eq!(report.chain.path, vec![0, 3, 1, 4]);
    assert_eq!(report.certificates.len(), 5);
    assert!(report.certificates[4].subject.contains("Test Root"));
}

#[test]
fn untrusted_root_and_missing_intermediate_are_named() {
    let chain = Chain::new(2, KeyKind::P256);
    let [leaf, i1, i2, root] = &chain.certs[..] else {
        panic!("four certificates")
    };
    let other_root = &Chain::new(1, KeyKind::P384).certs[2];

    let report = validate(
        Policy::default(),
        &[other_root],
        leaf,
        &[i1, i2, root],
        &client(),
    );
    assert!(!report.accepted);
    let f = report
        .with_code(Code::RootNotTrusted)
        .next()
        .expect("root.not_trusted");
    assert_eq!(f.certificate, Some(3), "{f:?}");
    assert!(f.message.contains("Test Root"), "{f:?}");

    let report = validate(Policy::default(), &[root], leaf, &[i2], &client());
    assert!(!report.accepted);
    let f = report
        .with_code(Code::ChainIssuerMissing)
        .next()
        .expect("chain.issuer_missing");
    assert_eq!(f.certificate, Some(0));
    assert!(f.message.contains("Test Intermediate 1"), "{f:?}");
}

#[test]
fn a_path_the_policy_rejects_makes_path_building_backtrack() {
    // One intermediate key, cross-signed by an expired root A and a valid root B.
    // rustls-webpki never checks an anchor's validity; chainvet's policy does, so the
    // path through A must be refused and the one through B found.
    let root_a = self_signed(
        Spec::ca("Root A")
            .key(KeyKind::P256, 10)
            .validity(date(2000, 1, 1), date(2010, 1, 1)),
    );
    let root_b = self_signed(Spec::ca("Root B").key(KeyKind::P256, 11));
    let cross = Spec::ca("Cross CA").key(KeyKind::P256, 12);
    let via_a = issue(cross.clone(), &root_a);
    let via_b = issue(cross, &root_b);
    let leaf = issue(Spec::leaf("Client").key(KeyKind::P256, 13), &via_a);

    let report = validate(
        Policy::default(),
        &[&root_a, &root_b],
        &leaf,
        &[&via_a, &via_b],
        &client(),
    );
    assert!(report.accepted, "{:#?}", report.findings);
    let top = *report.chain.path.last().expect("path");
    assert!(report.certificates[top].subject.contains("Root B"));
    assert_eq!(report.chain.path[1], 2, "the intermediate signed by B");

    let report = validate(
        Policy::default(),
        &[&root_a],
        &leaf,
        &[&via_a, &via_b],
        &client(),
    );
    assert!(!report.accepted);
    let f = report
        .with_code(Code::ValidityExpired)
        .next()
        .expect("validity.expired");
    assert!(f.message.contains("Root A"), "{f:?}");
}

#[test]
fn server_usage_checks_eku_and_peer_names() {
    let chain = Chain::standard();
    let mut spec = Spec::leaf("api.example.com");
    spec.eku = vec![ExtendedKeyUsagePurpose::ServerAuth];
    spec.dns_names = vec!["api.example.com".to_owned()];
    let chain = chain.with_leaf(spec);
    let [leaf, inter, root] = &chain.certs[..] else {
        panic!("three certificates")
    };
    let mut options = PresentedOptions::new(Timestamp(at()), Usage::ServerAuth);
    options.peer_names = vec![PeerName::Dns("api.example.com".into())];
    let report = validate(Policy::default(), &[root], leaf, &[inter], &options);
    assert!(report.accepted, "{:#?}", report.findings);

    options.peer_names = vec![
        PeerName::Dns("other.example.com".into()),
        PeerName::Ip("192.0.2.1".parse().expect("ip")),
    ];
    let report = validate(Policy::default(), &[root], leaf, &[inter], &options);
    assert!(!report.accepted);
    assert_eq!(report.with_code(Code::LeafNameMismatch).count(), 2);

    // The same server certificate presented by a client lacks clientAuth.
    let report = validate(Policy::default(), &[root], leaf, &[inter], &client());
    assert_eq!(codes(&report), vec![Code::LeafClientAuthMissing]);
}

#[test]
fn crls_revoke_and_bad_crls_reject() {
    let chain = Chain::standard();
    let [leaf, inter, root] = &chain.certs[..] else {
        panic!("three certificates")
    };
    let serial = chainvet::Certificate::from_der(leaf.der.clone())
        .expect("leaf")
        .serial_bytes()
        .to_vec();
    let (this, next) = (date(2026, 5, 1), date(2026, 7, 1));
    let mut options = client();

    options.base.crls = vec![crl(inter, &[&serial], this, next)];
    let report = validate(Policy::default(), &[root], leaf, &[inter], &options);
    assert!(!report.accepted);
    assert!(
        report.has(Code::RevocationRevoked),
        "{:#?}",
        report.findings
    );

    options.base.crls = vec![crl(inter, &[&[0x01, 0x02]], this, next)];
    let report = validate(Policy::default(), &[root], leaf, &[inter], &options);
    assert!(report.accepted, "{:#?}", report.findings);

    // Past its nextUpdate, the CRL no longer says anything.
    options.base.crls = vec![crl(inter, &[], date(2026, 1, 1), date(2026, 2, 1))];
    let report = validate(Policy::default(), &[root], leaf, &[inter], &options);
    assert!(
        report.has(Code::RevocationResponseInvalid),
        "{:#?}",
        report.findings
    );

    options.base.crls = vec![b"not a CRL".to_vec()];
    let report = validate(Policy::default(), &[root], leaf, &[inter], &options);
    assert!(!report.accepted);
    assert!(report.has(Code::RevocationResponseInvalid));
}

#[test]
fn max_depth_bad_leaf_and_empty_trust_store() {
    let chain = Chain::new(2, KeyKind::P256);
    let [leaf, i1, i2, root] = &chain.certs[..] else {
        panic!("four certificates")
    };
    let mut options = client();
    options.max_depth = Some(1);
    let report = validate(Policy::default(), &[root], leaf, &[i1, i2], &options);
    assert!(report.has(Code::ChainTooLong), "{:#?}", report.findings);
    options.max_depth = Some(2);
    let report = validate(Policy::default(), &[root], leaf, &[i1, i2], &options);
    assert!(report.accepted, "{:#?}", report.findings);

    let report = Validator::with_trust_store(Policy::default(), store(&[root])).validate_presented(
        b"\x30\x03\x02\x01\x01",
        &[],
        &client(),
    );
    assert_eq!(codes(&report), vec![Code::CertificateMalformed]);
    assert_eq!(report.findings[0].certificate, Some(0));

    let report = Validator::default().validate_presented(&leaf.der, &[&i1.der, &i2.der], &client());
    assert!(!report.accepted);
}

#[test]
fn the_rfc5280_profile_reports_nonconforming_certificates() {
    let mut spec = Spec::leaf("Zero Serial");
    spec.serial = Some(vec![0]);
    let chain = Chain::standard().with_leaf(spec);
    let [leaf, inter, root] = &chain.certs[..] else {
        panic!("three certificates")
    };
    let report = validate(Policy::rfc5280(), &[root], leaf, &[inter], &client());
    assert!(!report.accepted);
    let f = report
        .with_code(Code::CertificateNonconforming)
        .next()
        .expect("certificate.nonconforming");
    assert!(f.message.contains("RFC 5280 4.1.2.2"), "{f:?}");
    assert_eq!(f.certificate, Some(0));
    // The onboarding profile leaves profile rules to the CA.
    let report = validate(Policy::default(), &[root], leaf, &[inter], &client());
    assert!(report.accepted, "{:#?}", report.findings);
}

#[test]
fn turning_codes_off_never_accepts_a_chain_without_a_trusted_path() {
    let chain = Chain::standard();
    let [leaf, inter, root] = &chain.certs[..] else {
        panic!("three certificates")
    };
    let other_root = self_signed(Spec::ca("Elsewhere Root").key(KeyKind::P256, 14));
    let mut policy = Policy::default();
    for code in [
        Code::RootNotTrusted,
        Code::ChainIssuerMissing,
        Code::ChainPathInvalid,
    ] {
        policy.severity.insert(code, chainvet::Level::Off);
    }
    let report = validate(
        policy.clone(),
        &[&other_root],
        leaf,
        &[inter, root],
        &client(),
    );
    assert!(!report.accepted, "{:#?}", report.findings);
    assert!(report.errors().any(|f| f.code == Code::ChainPathInvalid));
    // Downgrading the explanation to a warning does not accept either.
    policy
        .severity
        .insert(Code::ChainPathInvalid, chainvet::Level::Warning);
    let report = validate(policy, &[&other_root], leaf, &[inter, root], &client());
    assert!(!report.accepted, "{:#?}", report.findings);
}

#[test]
fn a_revoked_intermediate_sends_path_building_to_another_path() {
    // The intermediate's certificate from root A is revoked by A's CRL; the one from
    // root B is not. Revocation is judged per candidate path, so B's path is taken.
    let root_a = self_signed(Spec::ca("Root A").key(KeyKind::P256, 15));
    let root_b = self_signed(Spec::ca("Root B").key(KeyKind::P256, 16));
    let cross = Spec::ca("Cross CA").key(KeyKind::P256, 17);
    let via_a = issue(cross.clone(), &root_a);
    let via_b = issue(cross, &root_b);
    let leaf = issue(Spec::leaf("Client").key(KeyKind::P256, 18), &via_a);
    let serial = chainvet::Certificate::from_der(via_a.der.clone())
        .expect("parses")
        .serial_bytes()
        .to_vec();
    let mut options = client();
    options.base.offline = true;
    options.base.crls = vec![crl(&root_a, &[&serial], date(2026, 5, 1), date(2026, 7, 1))];
    let mut policy = Policy::default();
    policy.revocation.scope = chainvet::revocation::Scope::Chain;

    let report = validate(
        policy.clone(),
        &[&root_a, &root_b],
        &leaf,
        &[&via_a, &via_b],
        &options,
    );
    assert!(report.accepted, "{:#?}", report.findings);
    assert_eq!(report.chain.path[1], 2, "the intermediate signed by B");

    let report = validate(policy, &[&root_a], &leaf, &[&via_a, &via_b], &options);
    assert!(!report.accepted);
    assert!(
        report.has(Code::RevocationRevoked),
        "{:#?}",
        report.findings
    );
}

#[test]
fn a_crl_signed_without_crl_sign_is_refused() {
    // rcgen will not sign a CRL for a CA without cRLSign, so the CRL comes from the same
    // name and key under a spec that has it; the certificate in the trust store lacks it.
    let signer = Issued {
        der: Vec::new(),
        spec: Spec::ca("No CRL Sign CA").key(KeyKind::P256, 19),
    };
    let mut ca_spec = signer.spec.clone();
    ca_spec.key_usage = vec![chainvet_testkit::rcgen::KeyUsagePurpose::KeyCertSign];
    let root = self_signed(ca_spec);
    let leaf = issue(Spec::leaf("Client").key(KeyKind::P256, 20), &root);
    let mut options = client();
    options.base.crls = vec![crl(&signer, &[], date(2026, 5, 1), date(2026, 7, 1))];
    let report = validate(Policy::default(), &[&root], &leaf, &[], &options);
    assert!(!report.accepted);
    let f = report
        .with_code(Code::RevocationResponseInvalid)
        .next()
        .expect("revocation.response_invalid");
    assert!(f.message.contains("cRLSign"), "{f:?}");
}

#[test]
fn binding_applies_to_the_presented_leaf() {
    use chainvet::{Binding, Registration};
    use std::sync::Arc;
    let chain = Chain::standard();
    let [leaf, inter, root] = &chain.certs[..] else {
        panic!("three certificates")
    };
    let other = issue(Spec::leaf("Test Leaf").key(KeyKind::P256, 9), inter);
    let registered = |c: &Issued| {
        let cert = chainvet::Certificate::from_der(c.der.clone()).expect("parses");
        Arc::new(Binding::new(vec![Registration::from_certificate(&cert)]).with_client("acme"))
    };
    let mut options = client();
    options.base.binding = Some(registered(leaf));
    let report = validate(Policy::default(), &[root], leaf, &[inter], &options);
    assert!(report.accepted, "{:#?}", report.findings);

    // A valid chain whose leaf is not the registered certificate.
    options.base.binding = Some(registered(&other));
    let report = validate(Policy::default(), &[root], leaf, &[inter], &options);
    assert_eq!(codes(&report), vec![Code::BindingSerialMismatch]);
    assert_eq!(report.findings[0].certificate, Some(0));

    options.base.binding = Some(Arc::new(Binding::new(Vec::new())));
    let report = validate(Policy::default(), &[root], leaf, &[inter], &options);
    assert_eq!(codes(&report), vec![Code::BindingNoRegisteredCertificate]);
}

#[test]
fn der_certificates_decodes_pem_blocks_in_order_and_skips_the_rest() {
    use chainvet::presented::der_certificates;
    let chain = Chain::standard();
    let key = chain.certs[0].key_pem();
    let text = format!(
        "\u{feff}subject=CN=Test Leaf\n{}{key}{}-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
        chain.certs[0].pem(),
        chain.pem_in_order(&[2, 1]),
    );
    let ders = der_certificates(text.as_bytes()).expect("decodes");
    assert_eq!(
        ders,
        vec![
            chain.certs[0].der.clone(),
            chain.certs[2].der.clone(),
            chain.certs[1].der.clone()
        ]
    );
    // DER passes through whole; blank input holds nothing.
    assert_eq!(
        der_certificates(&chain.certs[1].der).expect("der"),
        vec![chain.certs[1].der.clone()]
    );
    assert!(der_certificates(b" \n\t").expect("blank").is_empty());
    assert!(der_certificates(key.as_bytes()).expect("key").is_empty());

    // Broken base64 or framing fails, naming the lines; a key's content never shows.
    let mut broken = chain.certs[0].pem();
    broken.replace_range(40..44, "!!!!");
    let err = der_certificates(format!("{key}{broken}").as_bytes()).expect_err("broken");
    assert!(err.contains("malformed"), "{err}");
    assert!(err.contains("lines"), "{err}");
    assert!(!err.contains(&key[40..80]), "{err}");
    let unterminated = "-----BEGIN CERTIFICATE-----\nMIIB\n";
    assert!(der_certificates(unterminated.as_bytes()).is_err());

    // Decoded but not X.509: handed over, so validation reports certificate.malformed.
    let junk = "-----BEGIN CERTIFICATE-----\nAAECAw==\n-----END CERTIFICATE-----\n";
    assert_eq!(
        der_certificates(junk.as_bytes()).expect("base64"),
        vec![vec![0, 1, 2, 3]]
    );
}

#[test]
fn a_self_signed_leaf_is_named_as_such() {
    let chain = Chain::standard();
    let lone = self_signed(Spec::leaf("Lone Client").key(KeyKind::P256, 15));
    let report = validate(Policy::default(), &[&chain.certs[2]], &lone, &[], &client());
    assert!(!report.accepted);
    assert_eq!(
        codes(&report),
        vec![Code::LeafSelfSigned, Code::RootNotTrusted],
        "{:#?}",
        report.findings
    );
    assert!(report.findings[0].message.contains("Lone Client"));
    assert_eq!(report.findings[0].certificate, Some(0));
    // A leaf issued by an untrusted CA is not self-signed.
    let report = validate(
        Policy::default(),
        &[&lone],
        &chain.certs[0],
        &[&chain.certs[1], &chain.certs[2]],
        &client(),
    );
    assert!(!report.has(Code::LeafSelfSigned), "{:#?}", report.findings);
    assert!(report.has(Code::RootNotTrusted));
}

#[test]
fn server_usage_names_the_missing_server_auth_once() {
    let chain = Chain::standard();
    let [leaf, inter, root] = &chain.certs[..] else {
        panic!("three certificates")
    };
    let server = PresentedOptions::new(Timestamp(at()), Usage::ServerAuth);
    // A client leaf validated for server use: the leaf's own EKU finding only.
    let report = validate(Policy::default(), &[root], leaf, &[inter], &server);
    assert_eq!(codes(&report), vec![Code::LeafServerAuthMissing]);

    // A server leaf under a CA whose own EKU allows only clientAuth.
    let mut ca = Spec::ca("Client-only CA").key(KeyKind::P256, 16);
    ca.eku = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let ca = issue(ca, root);
    let mut spec = Spec::leaf("api.example.com").key(KeyKind::P256, 17);
    spec.eku = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf = issue(spec, &ca);
    let report = validate(Policy::default(), &[root], &leaf, &[&ca], &server);
    assert_eq!(codes(&report), vec![Code::ChainPathInvalid]);
    assert!(
        report.findings[0].message.contains("excludes serverAuth"),
        "{:#?}",
        report.findings
    );
}

#[test]
fn a_trust_anchor_with_the_roots_name_but_another_key_is_not_a_forged_signature() {
    let chain = Chain::standard();
    let [leaf, int, root] = &chain.certs[..] else {
        panic!("three certificates")
    };
    // The operator trusts a different "Test Root" (same name, another key).
    let impostor = self_signed(Spec::ca("Test Root").key(KeyKind::P256, 9));
    let report = validate(
        Policy::default(),
        &[&impostor],
        leaf,
        &[int, root],
        &client(),
    );
    assert!(!report.accepted);
    assert!(
        codes(&report).contains(&Code::RootNotTrusted),
        "{:#?}",
        report.findings
    );
    assert!(
        !codes(&report).contains(&Code::SignatureInvalid),
        "a same-named anchor is not a forged link: {:#?}",
        report.findings
    );
}
