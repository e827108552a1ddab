//! Resource bounds against pathological input: each test drives one limit until it is hit.
//! The limits and where they come from are listed in `docs/resource-bounds.md`.

use chainvet::{Code, Policy, PresentedOptions, Timestamp, TrustStore, Usage, Validator};
use chainvet_testkit::rcgen::CustomExtension;
use chainvet_testkit::{Chain, Issued, KeyKind, Spec, at, issue, self_signed};

fn options() -> PresentedOptions {
    PresentedOptions::new(Timestamp(at()), Usage::ClientAuth)
}

fn trusting(policy: Policy, root: &Issued) -> Validator {
    Validator::with_trust_store(
        policy,
        TrustStore::from_pem(root.pem().as_bytes()).expect("root"),
    )
}

/// Trust-store mode: rustls-webpki's budget of 100 signature checks per validation (the
/// remedy for Go CVE-2018-16875) stops a pool of impostor issuers.
#[test]
fn signature_checks_per_validation_are_bounded() {
    let root = self_signed(Spec::ca("Budget Root").key(KeyKind::P256, 40));
    let genuine = issue(Spec::ca("Shared Name CA").key(KeyKind::P256, 41), &root);
    let leaf = issue(Spec::leaf("Client").key(KeyKind::P256, 42), &genuine);
    // 101 certificates with the issuer's name, each with its own key: every one is a
    // candidate that costs a signature check before it is refuted.
    let mut pool: Vec<Issued> = (0..101u8)
        .map(|n| {
            issue(
                Spec::ca("Shared Name CA").key(KeyKind::P256, 100 + n),
                &root,
            )
        })
        .collect();
    pool.push(genuine);
    let ders: Vec<&[u8]> = pool.iter().map(|c| c.der.as_slice()).collect();
    let policy = Policy {
        max_certificates: 200,
        ..Policy::rfc5280()
    };
    let report = trusting(policy.clone(), &root).validate_presented(&leaf.der, &ders, &options());
    assert!(!report.accepted);
    assert!(
        report.has(Code::ChainBudgetExceeded),
        "{:#?}",
        report.findings
    );
    // The diagnosis that follows has its own budget (32 checks) and stops before it
    // reaches the genuine issuer at the end of the pool, without calling it missing.
    assert!(
        !report.has(Code::ChainIssuerMissing),
        "{:#?}",
        report.findings
    );
    // With the genuine issuer first, the same pool validates well within budget.
    let mut ordered = ders.clone();
    ordered.rotate_right(1);
    let report = trusting(policy, &root).validate_presented(&leaf.der, &ordered, &options());
    assert!(report.accepted, "{:#?}", report.findings);
}

/// Trust-store mode: path depth. rustls-webpki builds at most 6 intermediates deep
/// (mozilla::pkix's limit); `max_depth` lowers it.
#[test]
fn path_depth_is_bounded() {
    let deep = Chain::new(7, KeyKind::P256);
    let (leaf, rest) = deep.certs.split_first().expect("leaf");
    let (root, intermediates) = rest.split_last().expect("root");
    let ders: Vec<&[u8]> = intermediates.iter().map(|c| c.der.as_slice()).collect();
    let report = trusting(Policy::default(), root).validate_presented(&leaf.der, &ders, &options());
    assert!(!report.accepted);
    assert!(report.has(Code::ChainTooLong), "{:#?}", report.findings);

    let six = Chain::new(6, KeyKind::P256);
    let (leaf, rest) = six.certs.split_first().expect("leaf");
    let (root, intermediates) = rest.split_last().expect("root");
    let ders: Vec<&[u8]> = intermediates.iter().map(|c| c.der.as_slice()).collect();
    let validator = trusting(Policy::default(), root);
    let report = validator.validate_presented(&leaf.der, &ders, &options());
    assert!(report.accepted, "{:#?}", report.findings);
    let mut limited = options();
    limited.max_depth = Some(5);
    let report = validator.validate_presented(&leaf.der, &ders, &limited);
    assert!(report.has(Code::ChainTooLong), "{:#?}", report.findings);
}

/// Trust-store mode: the number of certificates a peer may present
/// (`max_certificates`), checked before anything is parsed.
#[test]
fn presented_certificate_count_is_bounded() {
    let chain = Chain::new(2, KeyKind::P256);
    let ders: Vec<&[u8]> = chain.certs[1..].iter().map(|c| c.der.as_slice()).collect();
    let policy = Policy {
        max_certificates: 3,
        ..Policy::default()
    };
    let report = trusting(policy, &chain.certs[3]).validate_presented(
        &chain.certs[0].der,
        &ders,
        &options(),
    );
    assert!(report.has(Code::ChainTooLong), "{:#?}", report.findings);
    assert!(report.certificates.is_empty());
}

/// Bundle mode: candidate links are verified pairwise; 100 signature checks per analysis
/// (the same Go CVE-2018-16875 figure) bound a bundle of same-named certificates.
#[test]
fn bundle_link_checks_are_bounded() {
    let bundle = |n: u8| -> String {
        (0..n)
            .map(|i| {
                let mut spec = Spec::ca("Same Name").key(KeyKind::P256, 60 + i);
                spec.authority_key_id = false; // no key identifier narrows the candidates
                let signer = Issued {
                    der: Vec::new(),
                    spec: Spec::ca("Same Name").key(KeyKind::P256, 60 + (i + 1) % n),
                };
                issue(spec, &signer).pem()
            })
            .collect()
    };
    let policy = Policy {
        max_certificates: 20,
        ..Policy::default()
    };
    let validator = Validator::new(policy).expect("policy");
    // 12 certificates: 12 * 11 candidate links, over the budget.
    let report = validator.validate_at(bundle(12).as_bytes(), Timestamp(at()));
    assert!(
        report.has(Code::ChainBudgetExceeded),
        "{:#?}",
        report.findings
    );
    // 10 (the default maximum): 90 links, within it.
    let report = validator.validate_at(bundle(10).as_bytes(), Timestamp(at()));
    assert!(
        !report.has(Code::ChainBudgetExceeded),
        "{:#?}",
        report.findings
    );
}

/// Extensions per certificate: at most `MAX_EXTENSIONS`.
#[test]
fn extension_count_is_bounded() {
    let with_extensions = |n: u64| {
        let mut spec = Spec::leaf("Many Extensions");
        spec.extensions = (0..n)
            .map(|i| {
                CustomExtension::from_oid_content(
                    &[1, 3, 6, 1, 4, 1, 55738, 1, i],
                    vec![0x05, 0x00],
                )
            })
            .collect();
        Chain::standard().with_leaf(spec)
    };
    let over = u64::try_from(chainvet::certificate::MAX_EXTENSIONS).expect("small");
    let report =
        Validator::default().validate_at(with_extensions(over).pem().as_bytes(), Timestamp(at()));
    let f = report
        .with_code(Code::CertificateMalformed)
        .next()
        .expect("certificate.malformed");
    assert!(f.message.contains("extensions"), "{f:?}");
    let report =
        Validator::default().validate_at(with_extensions(10).pem().as_bytes(), Timestamp(at()));
    assert!(
        !report.has(Code::CertificateMalformed),
        "{:#?}",
        report.findings
    );
}

/// Nesting depth of policy text: the TOML parser's recursion limit turns a deeply nested
/// document into an error, not a stack overflow; JSON is refused at the first level
/// whose type does not match (and serde_json stops at 128 levels in any case).
#[test]
fn policy_nesting_is_bounded() {
    let depth = 100_000;
    let toml = format!("severity = {}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(Policy::from_toml(&toml).is_err());
    let inline = format!("conformance = {}{}", "{a=".repeat(depth), "}".repeat(depth));
    assert!(Policy::from_toml(&inline).is_err());
    let json = format!(
        "{{\"severity\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(Policy::from_json(&json).is_err());
}
