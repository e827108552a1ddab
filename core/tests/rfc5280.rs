//! chainvet's own RFC 5280 section 6 engine (`[path_validation] engine = "chainvet"`) in
//! trust-store mode, one test per step, with certificates generated here (rcgen via the
//! testkit), and the attacker's case beside the user's.

use chainvet::Certificate;
use chainvet::{
    Engine, PathValidation, Policy, PresentedOptions, Report, Timestamp, TrustStore, Usage,
    Validator,
};
use chainvet_testkit::rcgen::{self, CustomExtension, DnType, DnValue, KeyUsagePurpose};
use chainvet_testkit::{Issued, KeyKind, Spec, date, issue, self_signed};
use der::Encode;
use der::asn1::{Ia5String, OctetString};
use x509_cert::ext::pkix::PolicyMapping;
use x509_cert::ext::pkix::certpolicy::PolicyInformation;
use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    CertificatePolicies, InhibitAnyPolicy, NameConstraints, PolicyConstraints, PolicyMappings,
};

const P1: &str = "1.3.6.1.4.1.55555.1";
const P2: &str = "1.3.6.1.4.1.55555.2";
const P3: &str = "1.3.6.1.4.1.55555.3";
const ANY: &str = "2.5.29.32.0";

fn oid(s: &str) -> const_oid::ObjectIdentifier {
    const_oid::ObjectIdentifier::new_unwrap(s)
}

fn ext(arc: &[u64], critical: bool, value: Vec<u8>) -> CustomExtension {
    let mut e = CustomExtension::from_oid_content(arc, value);
    e.set_criticality(critical);
    e
}

fn policies(list: &[&str]) -> CustomExtension {
    let value = CertificatePolicies(
        list.iter()
            .map(|p| PolicyInformation {
                policy_identifier: oid(p),
                policy_qualifiers: None,
            })
            .collect(),
    );
    ext(&[2, 5, 29, 32], false, value.to_der().expect("test input"))
}

fn mappings(pairs: &[(&str, &str)]) -> CustomExtension {
    let value = PolicyMappings(
        pairs
            .iter()
            .map(|(i, s)| PolicyMapping {
                issuer_domain_policy: oid(i),
                subject_domain_policy: oid(s),
            })
            .collect(),
    );
    ext(&[2, 5, 29, 33], true, value.to_der().expect("test input"))
}

fn policy_constraints(require: Option<u32>, inhibit: Option<u32>) -> CustomExtension {
    let value = PolicyConstraints {
        require_explicit_policy: require,
        inhibit_policy_mapping: inhibit,
    };
    ext(&[2, 5, 29, 36], true, value.to_der().expect("test input"))
}

fn inhibit_any(skip: u32) -> CustomExtension {
    ext(
        &[2, 5, 29, 54],
        true,
        InhibitAnyPolicy(skip).to_der().expect("test input"),
    )
}

fn subtrees(names: Vec<GeneralName>) -> Option<Vec<GeneralSubtree>> {
    if names.is_empty() {
        return None;
    }
    Some(
        names
            .into_iter()
            .map(|base| GeneralSubtree {
                base,
                minimum: 0,
                maximum: None,
            })
            .collect(),
    )
}

fn name_constraints(permitted: Vec<GeneralName>, excluded: Vec<GeneralName>) -> CustomExtension {
    let value = NameConstraints {
        permitted_subtrees: subtrees(permitted),
        excluded_subtrees: subtrees(excluded),
    };
    ext(&[2, 5, 29, 30], true, value.to_der().expect("test input"))
}

fn dns(s: &str) -> GeneralName {
    GeneralName::DnsName(Ia5String::new(s).expect("test input"))
}

fn email(s: &str) -> GeneralName {
    GeneralName::Rfc822Name(Ia5String::new(s).expect("test input"))
}

fn uri(s: &str) -> GeneralName {
    GeneralName::UniformResourceIdentifier(Ia5String::new(s).expect("test input"))
}

fn ip(bytes: &[u8]) -> GeneralName {
    GeneralName::IpAddress(OctetString::new(bytes.to_vec()).expect("test input"))
}

fn dir(dn: &str) -> GeneralName {
    GeneralName::DirectoryName(dn.parse().expect("test input"))
}

fn san(names: Vec<GeneralName>) -> CustomExtension {
    let value = x509_cert::ext::pkix::SubjectAltName(names);
    ext(&[2, 5, 29, 17], false, value.to_der().expect("test input"))
}

fn root() -> Issued {
    self_signed(Spec::ca("Test Root").key(KeyKind::P256, 2))
}

fn ca(cn: &str, slot: u8) -> Spec {
    Spec::ca(cn).key(KeyKind::P256, slot)
}

fn leaf_spec() -> Spec {
    Spec::leaf("Test Leaf")
}

fn with(mut spec: Spec, more: Vec<CustomExtension>) -> Spec {
    spec.extensions.extend(more);
    spec
}

fn policy(engine: Engine, pv: PathValidation) -> Policy {
    let mut p = Policy::rfc5280();
    p.path_validation = PathValidation { engine, ..pv };
    p
}

fn run_with(policy: Policy, anchors: &[&Issued], leaf: &Issued, pool: &[&Issued]) -> Report {
    let anchors = anchors
        .iter()
        .map(|a| Certificate::from_der(a.der.clone()).expect("test input"))
        .collect();
    let validator = Validator::with_trust_store(policy, TrustStore::from_certificates(anchors));
    let pool: Vec<&[u8]> = pool.iter().map(|c| c.der.as_slice()).collect();
    let mut options = PresentedOptions::new(Timestamp(chainvet_testkit::at()), Usage::ClientAuth);
    options.base.offline = true;
    validator.validate_presented(&leaf.der, &pool, &options)
}

fn run(anchors: &[&Issued], leaf: &Issued, pool: &[&Issued]) -> Report {
    run_with(
        policy(Engine::Chainvet, PathValidation::default()),
        anchors,
        leaf,
        pool,
    )
}

fn run_pv(pv: PathValidation, anchors: &[&Issued], leaf: &Issued, pool: &[&Issued]) -> Report {
    run_with(policy(Engine::Chainvet, pv), anchors, leaf, pool)
}

fn errors(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.severity == chainvet::Severity::Error)
        .map(|f| format!("{}: {}", f.code, f.message))
        .collect()
}

#[track_caller]
fn accepted(report: &Report) {
    assert!(report.accepted, "rejected: {:#?}", errors(report));
}

#[track_caller]
fn rejected_with(report: &Report, code: &str) {
    assert!(!report.accepted, "accepted, expected {code}");
    assert!(
        report.findings.iter().any(|f| f.code.as_str() == code),
        "expected {code}, got {:#?}",
        errors(report)
    );
}

// ---- 6.1 path building -------------------------------------------------------------

#[test]
fn builds_a_path_through_an_unordered_pool() {
    let root = root();
    let i1 = issue(ca("Test Intermediate 1", 3), &root);
    let i2 = issue(ca("Test Intermediate 2", 4), &i1);
    let leaf = issue(leaf_spec(), &i2);
    let unrelated = issue(ca("Unrelated CA", 5), &root);
    let r = run(&[&root], &leaf, &[&unrelated, &i1, &i2]);
    accepted(&r);
    assert_eq!(r.chain.path, vec![0, 3, 2, 4], "leaf, i2, i1, anchor");
}

#[test]
fn missing_issuer_is_named() {
    let root = root();
    let i1 = issue(ca("Test Intermediate 1", 3), &root);
    let leaf = issue(leaf_spec(), &i1);
    rejected_with(&run(&[&root], &leaf, &[]), "chain.issuer_missing");
}

#[test]
fn attacker_pool_of_fifty_same_named_certificates() {
    let root = root();
    let real = issue(ca("Test Intermediate", 3), &root);
    let leaf = issue(leaf_spec(), &real);
    // 50 certificates with the issuer's name and other keys, ahead of the real one.
    let fakes: Vec<Issued> = (0..50)
        .map(|k| self_signed(ca("Test Intermediate", 100 + k)))
        .collect();
    let mut pool: Vec<&Issued> = fakes.iter().collect();
    pool.push(&real);
    accepted(&run(&[&root], &leaf, &pool));

    // 120 of them exhaust the budget of 100 signature checks: refused, not hung.
    let more: Vec<Issued> = (0..120)
        .map(|k| self_signed(ca("Test Intermediate", 100 + k)))
        .collect();
    let mut pool: Vec<&Issued> = more.iter().collect();
    pool.push(&real);
    let mut p = policy(Engine::Chainvet, PathValidation::default());
    p.max_certificates = 200;
    let r = run_with(p, &[&root], &leaf, &pool);
    rejected_with(&r, "chain.budget_exceeded");
}

#[test]
fn attacker_cycle_terminates() {
    let root = root();
    // A is issued by B and B by A: a loop with no way up to the anchor.
    let a_spec = ca("Loop A", 3);
    let b_spec = ca("Loop B", 4);
    let a = issue(
        a_spec.clone(),
        &Issued {
            der: Vec::new(),
            spec: b_spec.clone(),
        },
    );
    let b = issue(
        b_spec,
        &Issued {
            der: Vec::new(),
            spec: a_spec,
        },
    );
    let leaf = issue(leaf_spec(), &a);
    let r = run(&[&root], &leaf, &[&a, &b]);
    assert!(!r.accepted);
}

// ---- 6.1.3 (a) ---------------------------------------------------------------------

#[test]
fn wrong_key_is_a_bad_signature() {
    let root = root();
    let i1 = issue(ca("Test Intermediate", 3), &root);
    // Same name, other key: the leaf's signature does not verify with i1.
    let other = Issued {
        der: Vec::new(),
        spec: ca("Test Intermediate", 9),
    };
    let leaf = issue(leaf_spec(), &other);
    rejected_with(&run(&[&root], &leaf, &[&i1]), "signature.invalid");
}

#[test]
fn expired_intermediate() {
    let root = root();
    let i1 = issue(
        ca("Test Intermediate", 3).validity(date(2020, 1, 1), date(2025, 1, 1)),
        &root,
    );
    let leaf = issue(leaf_spec(), &i1);
    rejected_with(&run(&[&root], &leaf, &[&i1]), "validity.expired");
}

#[test]
fn utctime_years_before_2000_are_the_1900s() {
    // rcgen writes UTCTime for these years: "99" must read as 1999, not 2099.
    let root = self_signed(
        Spec::ca("Old Root")
            .key(KeyKind::P256, 2)
            .validity(date(1999, 1, 1), date(2049, 1, 1)),
    );
    let leaf = issue(leaf_spec(), &root);
    accepted(&run(&[&root], &leaf, &[]));
    let cert = Certificate::from_der(root.der.clone()).expect("test input");
    assert_eq!(
        cert.not_before(),
        Timestamp(date(1999, 1, 1).unix_timestamp())
    );
}

/// (a)(4) and RFC 5280 7.1: the issuer name matches the CA's subject after RFC 4518
/// preparation (string type, case, inner spaces), not byte for byte.
#[test]
fn name_chaining_uses_rfc4518_comparison() {
    let key = chainvet_testkit::key(KeyKind::P256, 2);
    let mut params = rcgen::CertificateParams::default();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(
        DnType::OrganizationName,
        DnValue::PrintableString("Example Corp".try_into().expect("test input")),
    );
    dn.push(
        DnType::CommonName,
        DnValue::PrintableString("Test Root".try_into().expect("test input")),
    );
    params.distinguished_name = dn;
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = date(2024, 1, 1);
    params.not_after = date(2044, 1, 1);
    let root_cert = params.self_signed(&key).expect("test input");
    let root = Issued {
        der: root_cert.der().to_vec(),
        spec: Spec::ca("Test Root").key(KeyKind::P256, 2),
    };

    // The leaf names its issuer in UTF8String, other case, extra spaces.
    let mut issuer_params = params.clone();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(
        DnType::OrganizationName,
        DnValue::Utf8String("EXAMPLE  corp".into()),
    );
    dn.push(DnType::CommonName, DnValue::Utf8String(" test root".into()));
    issuer_params.distinguished_name = dn;
    issuer_params.use_authority_key_identifier_extension = true;
    let issuer = rcgen::Issuer::from_params(&issuer_params, &key);
    let leaf_key = chainvet_testkit::key(KeyKind::P256, 0);
    let mut leaf_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("test input");
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "Test Leaf");
    leaf_params.not_before = date(2025, 1, 1);
    leaf_params.not_after = date(2035, 1, 1);
    leaf_params.is_ca = rcgen::IsCa::ExplicitNoCa;
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .expect("test input");
    let leaf = Issued {
        der: leaf_cert.der().to_vec(),
        spec: leaf_spec(),
    };

    accepted(&run(&[&root], &leaf, &[]));
    // rustls-webpki compares names byte for byte: a documented difference.
    let r = run_with(
        policy(Engine::Webpki, PathValidation::default()),
        &[&root],
        &leaf,
        &[],
    );
    assert!(!r.accepted);
}

// ---- 6.1.4 (k)-(o) -----------------------------------------------------------------

#[test]
fn intermediate_that_is_not_a_ca() {
    let root = root();
    let mut spec = ca("Test Intermediate", 3);
    spec.ca = None;
    let i1 = issue(spec, &root);
    let leaf = issue(leaf_spec(), &i1);
    rejected_with(&run(&[&root], &leaf, &[&i1]), "ca.not_ca");
}

#[test]
fn intermediate_without_key_cert_sign() {
    let root = root();
    let mut spec = ca("Test Intermediate", 3);
    spec.key_usage = vec![KeyUsagePurpose::CrlSign];
    let i1 = issue(spec, &root);
    let leaf = issue(leaf_spec(), &i1);
    rejected_with(&run(&[&root], &leaf, &[&i1]), "ca.key_cert_sign_missing");
}

#[test]
fn path_length_constraint() {
    let root = root();
    let mut spec = ca("Test Intermediate 1", 3);
    spec.ca = Some(Some(0));
    let i1 = issue(spec, &root);
    let i2 = issue(ca("Test Intermediate 2", 4), &i1);
    let leaf = issue(leaf_spec(), &i2);
    rejected_with(&run(&[&root], &leaf, &[&i1, &i2]), "ca.path_len_exceeded");
}

/// 6.1.4 (l): a self-issued certificate (key rollover) does not count toward pathLen,
/// and is not mistaken for the end of the chain.
#[test]
fn self_issued_intermediate_does_not_count_toward_path_length() {
    let root = root();
    let mut spec = ca("Test Intermediate", 3);
    spec.ca = Some(Some(0));
    let old = issue(spec, &root);
    // The re-keyed CA: same name, new key, signed by the old key.
    let rekeyed = issue(ca("Test Intermediate", 4), &old);
    let leaf = issue(leaf_spec(), &rekeyed);
    let r = run(&[&root], &leaf, &[&rekeyed, &old]);
    accepted(&r);
    assert_eq!(r.chain.path.len(), 4);
}

#[test]
fn unknown_critical_extension_is_refused() {
    let root = root();
    let i1 = issue(
        with(
            ca("Test Intermediate", 3),
            vec![ext(&[1, 3, 6, 1, 4, 1, 55555, 99], true, vec![0x05, 0x00])],
        ),
        &root,
    );
    let leaf = issue(leaf_spec(), &i1);
    rejected_with(
        &run(&[&root], &leaf, &[&i1]),
        "certificate.unsupported_critical_extension",
    );
    // On the leaf too (6.1.5 (f)); non-critical it is ignored.
    let i1 = issue(ca("Test Intermediate", 3), &root);
    let bad_leaf = issue(
        with(
            leaf_spec(),
            vec![ext(&[1, 3, 6, 1, 4, 1, 55555, 99], true, vec![0x05, 0x00])],
        ),
        &i1,
    );
    rejected_with(
        &run(&[&root], &bad_leaf, &[&i1]),
        "certificate.unsupported_critical_extension",
    );
    let fine_leaf = issue(
        with(
            leaf_spec(),
            vec![ext(&[1, 3, 6, 1, 4, 1, 55555, 99], false, vec![0x05, 0x00])],
        ),
        &i1,
    );
    accepted(&run(&[&root], &fine_leaf, &[&i1]));
}

/// Beyond RFC 5280, as every major verifier: an issuer's extendedKeyUsage must allow
/// the leaf's purpose (BetterTLS path building expects it).
#[test]
fn issuer_eku_must_allow_the_usage() {
    let root = root();
    let mut spec = ca("Test Intermediate", 3);
    spec.eku = vec![rcgen::ExtendedKeyUsagePurpose::EmailProtection];
    let mail_only = issue(spec, &root);
    let leaf = issue(leaf_spec(), &mail_only);
    rejected_with(&run(&[&root], &leaf, &[&mail_only]), "chain.path_invalid");
    let mut spec = ca("Test Intermediate", 3);
    spec.eku = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let client = issue(spec, &root);
    let leaf = issue(leaf_spec(), &client);
    accepted(&run(&[&root], &leaf, &[&client]));
}

/// RFC 5280 makes no rule about the target's cA flag: `Policy::rfc5280()` accepts a CA
/// certificate as the target; the mTLS default and the CA/B profile refuse it.
#[test]
fn ca_certificate_as_the_target() {
    let root = root();
    let i1 = issue(ca("Test Intermediate", 3), &root);
    accepted(&run_with(Policy::rfc5280(), &[&root], &i1, &[]));
    rejected_with(&run_with(Policy::cabf(), &[&root], &i1, &[]), "leaf.is_ca");
    let mtls = Policy {
        leaf_min_lifetime_days: 0,
        ..Policy::default()
    };
    rejected_with(&run_with(mtls, &[&root], &i1, &[]), "leaf.is_ca");
}

/// 6.1.1 (d): the anchor is its name and key; a trust-store certificate with another
/// key is not the issuer even when its name matches.
#[test]
fn anchor_is_name_and_key() {
    let root = root();
    let impostor = self_signed(Spec::ca("Test Root").key(KeyKind::P256, 7));
    let i1 = issue(ca("Test Intermediate", 3), &root);
    let leaf = issue(leaf_spec(), &i1);
    assert!(!run(&[&impostor], &leaf, &[&i1]).accepted);
    accepted(&run(&[&impostor, &root], &leaf, &[&i1]));
}

// ---- certificate policies 6.1.2-6.1.5 ------------------------------------------------

fn explicit(set: &[&str]) -> PathValidation {
    PathValidation {
        user_initial_policy_set: set.iter().map(|s| s.to_string()).collect(),
        initial_explicit_policy: true,
        ..PathValidation::default()
    }
}

#[test]
fn policies_valid_for_the_wanted_policy() {
    let root = root();
    let i1 = issue(
        with(ca("Test Intermediate", 3), vec![policies(&[P1, P2])]),
        &root,
    );
    let leaf = issue(with(leaf_spec(), vec![policies(&[P1])]), &i1);
    accepted(&run_pv(explicit(&[P1]), &[&root], &leaf, &[&i1]));
    rejected_with(
        &run_pv(explicit(&[P3]), &[&root], &leaf, &[&i1]),
        "chain.policy_invalid",
    );
    // Without initial-explicit-policy, a path without any policy is fine.
    let bare = issue(leaf_spec(), &i1);
    accepted(&run_pv(PathValidation::default(), &[&root], &bare, &[&i1]));
    rejected_with(
        &run_pv(explicit(&[ANY]), &[&root], &bare, &[&i1]),
        "chain.policy_invalid",
    );
}

#[test]
fn policy_mapping_and_its_inhibition() {
    let root = root();
    let i1 = issue(
        with(
            ca("Test Intermediate", 3),
            vec![policies(&[P1]), mappings(&[(P1, P2)])],
        ),
        &root,
    );
    let leaf = issue(with(leaf_spec(), vec![policies(&[P2])]), &i1);
    accepted(&run_pv(explicit(&[P1]), &[&root], &leaf, &[&i1]));
    let mut inhibited = explicit(&[P1]);
    inhibited.initial_policy_mapping_inhibit = true;
    rejected_with(
        &run_pv(inhibited, &[&root], &leaf, &[&i1]),
        "chain.policy_invalid",
    );
    // Mapping anyPolicy is refused outright (6.1.4 (a)).
    let bad = issue(
        with(
            ca("Test Intermediate", 3),
            vec![policies(&[P1]), mappings(&[(ANY, P2)])],
        ),
        &root,
    );
    let leaf2 = issue(with(leaf_spec(), vec![policies(&[P2])]), &bad);
    rejected_with(&run(&[&root], &leaf2, &[&bad]), "chain.policy_invalid");
}

#[test]
fn require_explicit_policy_from_a_ca() {
    let root = root();
    let i1 = issue(
        with(
            ca("Test Intermediate", 3),
            vec![policies(&[P1]), policy_constraints(Some(0), None)],
        ),
        &root,
    );
    let with_policy = issue(with(leaf_spec(), vec![policies(&[P1])]), &i1);
    let without = issue(leaf_spec(), &i1);
    accepted(&run(&[&root], &with_policy, &[&i1]));
    rejected_with(&run(&[&root], &without, &[&i1]), "chain.policy_invalid");
}

#[test]
fn inhibit_any_policy() {
    let root = root();
    let i1 = issue(
        with(
            ca("Test Intermediate", 3),
            vec![policies(&[ANY]), inhibit_any(0)],
        ),
        &root,
    );
    let leaf = issue(with(leaf_spec(), vec![policies(&[ANY])]), &i1);
    let i2 = issue(
        with(ca("Test Intermediate", 3), vec![policies(&[ANY])]),
        &root,
    );
    let leaf2 = issue(with(leaf_spec(), vec![policies(&[ANY])]), &i2);
    accepted(&run_pv(explicit(&[ANY]), &[&root], &leaf2, &[&i2]));
    let mut inhibited = explicit(&[ANY]);
    inhibited.initial_any_policy_inhibit = true;
    rejected_with(
        &run_pv(inhibited, &[&root], &leaf2, &[&i2]),
        "chain.policy_invalid",
    );
    // The CA's inhibitAnyPolicy 0 makes the leaf's anyPolicy count for nothing.
    rejected_with(
        &run_pv(explicit(&[ANY]), &[&root], &leaf, &[&i1]),
        "chain.policy_invalid",
    );
}

#[test]
fn attacker_policy_tree_explosion_is_capped() {
    // Every CA asserts 12 policies and maps each to all 12: the tree multiplies by 12
    // at every depth, past the node cap by the third certificate.
    let ids: Vec<String> = (0..12)
        .map(|k| format!("1.3.6.1.4.1.55555.10.{k}"))
        .collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let pairs: Vec<(&str, &str)> = refs
        .iter()
        .flat_map(|a| refs.iter().map(move |b| (*a, *b)))
        .collect();
    let root = root();
    let mut issuer = root.clone();
    let mut pool = Vec::new();
    for depth in 0..4u8 {
        let c = issue(
            with(
                ca(&format!("Policy CA {depth}"), 10 + depth),
                vec![policies(&refs), mappings(&pairs)],
            ),
            &issuer,
        );
        pool.push(c.clone());
        issuer = c;
    }
    let leaf = issue(with(leaf_spec(), vec![policies(&refs)]), &issuer);
    let pool_refs: Vec<&Issued> = pool.iter().collect();
    let started = std::time::Instant::now();
    let r = run(&[&root], &leaf, &pool_refs);
    rejected_with(&r, "chain.budget_exceeded");
    // Not a timing assertion on speed, a sanity bound on termination.
    assert!(started.elapsed().as_secs() < 60);
}

// ---- name constraints ----------------------------------------------------------------

fn constrained(permitted: Vec<GeneralName>, excluded: Vec<GeneralName>) -> (Issued, Issued) {
    let root = root();
    let i1 = issue(
        with(
            ca("Test Intermediate", 3),
            vec![name_constraints(permitted, excluded)],
        ),
        &root,
    );
    (root, i1)
}

fn leaf_with(names: Vec<GeneralName>, issuer: &Issued) -> Issued {
    issue(with(leaf_spec(), vec![san(names)]), issuer)
}

#[test]
fn dns_name_constraints() {
    let (root, i1) = constrained(vec![dns("example.com")], vec![dns("bad.example.com")]);
    accepted(&run(
        &[&root],
        &leaf_with(vec![dns("www.example.com")], &i1),
        &[&i1],
    ));
    rejected_with(
        &run(
            &[&root],
            &leaf_with(vec![dns("www.example.org")], &i1),
            &[&i1],
        ),
        "chain.name_constraints_violated",
    );
    rejected_with(
        &run(
            &[&root],
            &leaf_with(vec![dns("x.bad.example.com")], &i1),
            &[&i1],
        ),
        "chain.name_constraints_violated",
    );
    rejected_with(
        &run(
            &[&root],
            &leaf_with(vec![dns("*.example.com")], &i1),
            &[&i1],
        ),
        "chain.name_constraints_violated",
    );
}

/// The message names the certificate, the offending name and the RFC 5280 step; the
/// hint says what to do.
#[test]
fn name_constraint_message_shape() {
    let (root, i1) = constrained(vec![dns("example.com")], vec![]);
    let r = run(
        &[&root],
        &leaf_with(vec![dns("www.example.org")], &i1),
        &[&i1],
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.code.as_str() == "chain.name_constraints_violated")
        .expect("finding");
    assert_eq!(f.certificate, Some(0));
    assert!(
        f.message.starts_with("certificate 1 (CN=Test Leaf"),
        "{}",
        f.message
    );
    assert!(
        f.message
            .contains("DNS name www.example.org is not within any permitted subtree"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("RFC 5280 6.1.3 (b), (c)"),
        "{}",
        f.message
    );
    assert!(f.hint.contains("re-issue"), "{}", f.hint);
}

#[test]
fn ip_address_constraints() {
    let (root, i1) = constrained(
        vec![ip(&[10, 0, 0, 0, 255, 0, 0, 0])],
        vec![ip(&[10, 9, 0, 0, 255, 255, 0, 0])],
    );
    accepted(&run(
        &[&root],
        &leaf_with(vec![ip(&[10, 1, 2, 3])], &i1),
        &[&i1],
    ));
    rejected_with(
        &run(&[&root], &leaf_with(vec![ip(&[11, 1, 2, 3])], &i1), &[&i1]),
        "chain.name_constraints_violated",
    );
    rejected_with(
        &run(&[&root], &leaf_with(vec![ip(&[10, 9, 2, 3])], &i1), &[&i1]),
        "chain.name_constraints_violated",
    );
}

#[test]
fn rfc822_constraints_and_the_subject_email_address() {
    let (root, i1) = constrained(vec![email("example.com")], vec![email("ceo@example.com")]);
    accepted(&run(
        &[&root],
        &leaf_with(vec![email("alice@example.com")], &i1),
        &[&i1],
    ));
    rejected_with(
        &run(
            &[&root],
            &leaf_with(vec![email("alice@example.org")], &i1),
            &[&i1],
        ),
        "chain.name_constraints_violated",
    );
    rejected_with(
        &run(
            &[&root],
            &leaf_with(vec![email("ceo@example.com")], &i1),
            &[&i1],
        ),
        "chain.name_constraints_violated",
    );
    // No subjectAltName: the subject's emailAddress attribute is constrained instead.
    let mut spec = leaf_spec();
    spec.subject.push((
        DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
        "mallory@evil.test".to_owned(),
    ));
    let l = issue(spec, &i1);
    rejected_with(
        &run(&[&root], &l, &[&i1]),
        "chain.name_constraints_violated",
    );
}

#[test]
fn uri_constraints() {
    let (root, i1) = constrained(vec![uri(".example.com")], vec![]);
    accepted(&run(
        &[&root],
        &leaf_with(vec![uri("https://api.example.com/x")], &i1),
        &[&i1],
    ));
    rejected_with(
        &run(
            &[&root],
            &leaf_with(vec![uri("https://example.net/")], &i1),
            &[&i1],
        ),
        "chain.name_constraints_violated",
    );
    rejected_with(
        &run(
            &[&root],
            &leaf_with(vec![uri("urn:example:no-host")], &i1),
            &[&i1],
        ),
        "chain.name_constraints_violated",
    );
}

#[test]
fn directory_name_constraints() {
    let (root, i1) = constrained(vec![dir("O=Example Client GmbH,C=DE")], vec![]);
    // The leaf's subject is C=DE, O=Example Client GmbH, CN=Test Leaf.
    accepted(&run(&[&root], &issue(leaf_spec(), &i1), &[&i1]));
    let mut other = leaf_spec();
    other.subject = vec![
        (DnType::CountryName, "DE".to_owned()),
        (DnType::OrganizationName, "Someone Else".to_owned()),
    ];
    rejected_with(
        &run(&[&root], &issue(other, &i1), &[&i1]),
        "chain.name_constraints_violated",
    );
    let (root, i1) = constrained(vec![], vec![dir("O=Example Client GmbH,C=DE")]);
    rejected_with(
        &run(&[&root], &issue(leaf_spec(), &i1), &[&i1]),
        "chain.name_constraints_violated",
    );
}

/// 6.1.3 (b): a self-issued intermediate is not subject to the constraints above it.
#[test]
fn self_issued_intermediate_is_exempt_from_name_constraints() {
    let root = root();
    let ca_spec = ca("Issuing CA", 3);
    let i1 = issue(
        with(
            ca_spec.clone(),
            vec![name_constraints(
                vec![dir("O=Example Client GmbH,C=DE")],
                vec![],
            )],
        ),
        &root,
    );
    // Re-keyed: same name (outside the permitted subtree), new key, signed by the old.
    let rekeyed = issue(ca("Issuing CA", 4), &i1);
    let leaf = issue(leaf_spec(), &rekeyed);
    accepted(&run(&[&root], &leaf, &[&i1, &rekeyed]));
}

#[test]
fn attacker_deep_name_constraint_lists_hit_the_budget() {
    let excluded: Vec<GeneralName> = (0..1000).map(|k| dns(&format!("x{k}.invalid"))).collect();
    let (root, i1) = constrained(vec![], excluded);
    let names: Vec<GeneralName> = (0..300)
        .map(|k| dns(&format!("h{k}.example.com")))
        .collect();
    let leaf = leaf_with(names, &i1);
    rejected_with(&run(&[&root], &leaf, &[&i1]), "chain.budget_exceeded");
}

#[test]
fn policy_inputs_from_toml_are_checked() {
    let p = Policy::from_toml("[path_validation]\nengine = \"chainvet\"\nuser_initial_policy_set = [\"1.2.3\"]\ninitial_explicit_policy = true\n").expect("test input");
    assert_eq!(p.path_validation.engine, Engine::Chainvet);
    assert!(p.path_validation.initial_explicit_policy);
    let err = Policy::from_toml("[path_validation]\nuser_initial_policy_set = [\"not-an-oid\"]\n")
        .expect_err("test input");
    assert!(err.to_string().contains("not-an-oid"), "{err}");
}

// ---- the engine as the mTLS default ---------------------------------------------------

#[test]
fn the_mtls_default_and_rfc5280_use_chainvets_engine_and_cabf_keeps_webpki() {
    assert_eq!(Policy::default().path_validation.engine, Engine::Chainvet);
    assert_eq!(
        Policy::mtls_client().path_validation.engine,
        Engine::Chainvet
    );
    assert_eq!(Policy::rfc5280().path_validation.engine, Engine::Chainvet);
    assert_eq!(Policy::cabf().path_validation.engine, Engine::Webpki);
    // A policy file that does not name an engine gets the default; one that does, it.
    let p = Policy::from_toml("[path_validation]\ninitial_explicit_policy = true\n").expect("toml");
    assert_eq!(p.path_validation.engine, Engine::Chainvet);
    let p = Policy::from_toml("[path_validation]\nengine = \"webpki\"\n").expect("toml");
    assert_eq!(p.path_validation.engine, Engine::Webpki);
}

/// The mTLS default with either engine: the common failures carry the same stable
/// codes, so switching the default engine changed no caller's diagnosis.
#[test]
fn common_mtls_failures_keep_their_codes_on_both_engines() {
    let root = root();
    let stranger = self_signed(Spec::ca("Stranger Root").key(KeyKind::P256, 8));
    let i1 = issue(ca("Test Intermediate", 3), &root);
    let good = issue(leaf_spec(), &i1);
    let expired = issue(
        leaf_spec().validity(date(2020, 1, 1), date(2021, 1, 1)),
        &i1,
    );
    let mut server = leaf_spec();
    server.eku = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let server = issue(server, &i1);
    let impostor_root = self_signed(Spec::ca("Test Root").key(KeyKind::P256, 7));
    let mtls = |engine| {
        let mut p = Policy::default();
        p.path_validation.engine = engine;
        p
    };
    // What, anchors, leaf, pool, the code both engines report.
    type MtlsCase<'a> = (
        &'a str,
        Vec<&'a Issued>,
        &'a Issued,
        Vec<&'a Issued>,
        &'a str,
    );
    let cases: Vec<MtlsCase<'_>> = vec![
        (
            "untrusted root",
            vec![&stranger],
            &good,
            vec![&i1],
            "root.not_trusted",
        ),
        (
            "same-named root, other key",
            vec![&impostor_root],
            &good,
            vec![&i1],
            "root.not_trusted",
        ),
        (
            "missing intermediate",
            vec![&root],
            &good,
            vec![],
            "chain.issuer_missing",
        ),
        (
            "expired leaf",
            vec![&root],
            &expired,
            vec![&i1],
            "validity.expired",
        ),
        (
            "server leaf",
            vec![&root],
            &server,
            vec![&i1],
            "leaf.client_auth_missing",
        ),
        ("CA as the leaf", vec![&root], &i1, vec![], "leaf.is_ca"),
    ];
    for (what, anchors, leaf, pool, code) in cases {
        let mine = run_with(mtls(Engine::Chainvet), &anchors, leaf, &pool);
        let theirs = run_with(mtls(Engine::Webpki), &anchors, leaf, &pool);
        rejected_with(&mine, code);
        rejected_with(&theirs, code);
        let codes = |r: &Report| {
            let mut c: Vec<&str> = r.errors().map(|f| f.code.as_str()).collect();
            c.sort_unstable();
            c
        };
        assert_eq!(codes(&mine), codes(&theirs), "{what}");
    }
    accepted(&run_with(mtls(Engine::Chainvet), &[&root], &good, &[&i1]));
}

// ---- 6.1.1 inputs per validation, and the resulting policy set ---------------------------

fn per_call(inputs: Option<chainvet::PolicyInputs>) -> PresentedOptions {
    let mut options = PresentedOptions::new(Timestamp(chainvet_testkit::at()), Usage::ClientAuth);
    options.base.offline = true;
    options.policy_inputs = inputs;
    options
}

fn wanted(set: &[&str]) -> chainvet::PolicyInputs {
    chainvet::PolicyInputs {
        user_initial_policy_set: set.iter().map(|s| s.to_string()).collect(),
        initial_explicit_policy: true,
        ..chainvet::PolicyInputs::default()
    }
}

fn validator(policy: Policy, anchors: &[&Issued]) -> Validator {
    let anchors = anchors
        .iter()
        .map(|a| Certificate::from_der(a.der.clone()).expect("test input"))
        .collect();
    Validator::with_trust_store(policy, TrustStore::from_certificates(anchors))
}

#[test]
fn per_call_policy_inputs_override_the_policy_and_key_the_cache() {
    let root = root();
    let i1 = issue(
        with(ca("Test Intermediate", 3), vec![policies(&[P1, P2])]),
        &root,
    );
    let leaf = issue(with(leaf_spec(), vec![policies(&[P1])]), &i1);
    let v = validator(Policy::default(), &[&root]);
    let pool = [i1.der.as_slice()];
    // The same warm validator: each call's inputs decide, never a cached verdict for
    // other inputs.
    for _ in 0..2 {
        let r = v.validate_presented(&leaf.der, &pool, &per_call(Some(wanted(&[P1]))));
        accepted(&r);
        assert_eq!(r.certificate_policies, Some(vec![P1.to_owned()]));
        let r = v.validate_presented(&leaf.der, &pool, &per_call(Some(wanted(&[P2]))));
        rejected_with(&r, "chain.policy_invalid");
        assert_eq!(
            r.certificate_policies, None,
            "no policy set for a rejection"
        );
        let r = v.validate_presented(&leaf.der, &pool, &per_call(None));
        accepted(&r);
        assert_eq!(r.certificate_policies, Some(vec![P1.to_owned()]));
    }
    // The policy's own inputs apply when the call brings none, and the call's replace them.
    let mut strict = Policy::default();
    strict.path_validation.user_initial_policy_set = vec![P3.to_owned()];
    strict.path_validation.initial_explicit_policy = true;
    let v = validator(strict, &[&root]);
    rejected_with(
        &v.validate_presented(&leaf.der, &pool, &per_call(None)),
        "chain.policy_invalid",
    );
    accepted(&v.validate_presented(&leaf.der, &pool, &per_call(Some(wanted(&[P1])))));
    // An OID that does not parse is a finding, not a panic.
    rejected_with(
        &v.validate_presented(&leaf.der, &pool, &per_call(Some(wanted(&["no.oid"])))),
        "chain.policy_invalid",
    );
}

#[test]
fn per_call_mapping_and_any_policy_inhibits() {
    let root = root();
    let mapping = issue(
        with(
            ca("Test Intermediate", 3),
            vec![policies(&[P1]), mappings(&[(P1, P2)])],
        ),
        &root,
    );
    let mapped_leaf = issue(with(leaf_spec(), vec![policies(&[P2])]), &mapping);
    let v = validator(Policy::default(), &[&root]);
    let r = v.validate_presented(
        &mapped_leaf.der,
        &[&mapping.der],
        &per_call(Some(wanted(&[P1]))),
    );
    accepted(&r);
    // Reported in the anchor's domain: the policy the caller asked for, not the leaf's.
    assert_eq!(r.certificate_policies, Some(vec![P1.to_owned()]));
    let mut no_mapping = wanted(&[P1]);
    no_mapping.initial_policy_mapping_inhibit = true;
    rejected_with(
        &v.validate_presented(
            &mapped_leaf.der,
            &[&mapping.der],
            &per_call(Some(no_mapping)),
        ),
        "chain.policy_invalid",
    );

    let any_ca = issue(with(ca("Any CA", 4), vec![policies(&[ANY])]), &root);
    let any_leaf = issue(with(leaf_spec(), vec![policies(&[P1])]), &any_ca);
    accepted(&v.validate_presented(
        &any_leaf.der,
        &[&any_ca.der],
        &per_call(Some(wanted(&[P1]))),
    ));
    let mut no_any = wanted(&[P1]);
    no_any.initial_any_policy_inhibit = true;
    rejected_with(
        &v.validate_presented(&any_leaf.der, &[&any_ca.der], &per_call(Some(no_any))),
        "chain.policy_invalid",
    );
}

#[test]
fn the_policy_set_is_any_policy_or_empty_when_nothing_narrows_it() {
    let root = root();
    let i1 = issue(ca("Test Intermediate", 3), &root);
    let bare = issue(leaf_spec(), &i1);
    let v = validator(Policy::default(), &[&root]);
    // No certificatePolicies anywhere: the tree is NULL, an empty set.
    let r = v.validate_presented(&bare.der, &[&i1.der], &per_call(None));
    accepted(&r);
    assert_eq!(r.certificate_policies, Some(vec![]));
    assert!(
        !r.to_json_pretty()
            .contains("\"certificate_policies\": null")
    );
    let any_ca = issue(with(ca("Any CA", 4), vec![policies(&[ANY])]), &root);
    let any_leaf = issue(with(leaf_spec(), vec![policies(&[ANY])]), &any_ca);
    let r = v.validate_presented(&any_leaf.der, &[&any_ca.der], &per_call(None));
    assert_eq!(r.certificate_policies, Some(vec![ANY.to_owned()]));
    assert!(
        r.to_json_pretty()
            .contains("\"certificate_policies\": [\n    \"2.5.29.32.0\"\n  ]")
    );
}

/// rustls-webpki does not process certificate policies: inputs that ask for one are
/// refused there rather than silently dropped (no false accept), and no policy set is
/// reported.
#[test]
fn webpki_refuses_policy_inputs_it_cannot_honour() {
    let root = root();
    let i1 = issue(
        with(ca("Test Intermediate", 3), vec![policies(&[P1])]),
        &root,
    );
    let leaf = issue(with(leaf_spec(), vec![policies(&[P1])]), &i1);
    let mut p = Policy::default();
    p.path_validation.engine = Engine::Webpki;
    let v = validator(p, &[&root]);
    let r = v.validate_presented(&leaf.der, &[&i1.der], &per_call(None));
    accepted(&r);
    assert_eq!(r.certificate_policies, None);
    rejected_with(
        &v.validate_presented(&leaf.der, &[&i1.der], &per_call(Some(wanted(&[P1])))),
        "chain.policy_invalid",
    );
    // Asking for anyPolicy without anything explicit asks for nothing.
    let nothing = chainvet::PolicyInputs {
        user_initial_policy_set: vec![ANY.to_owned()],
        ..chainvet::PolicyInputs::default()
    };
    accepted(&v.validate_presented(&leaf.der, &[&i1.der], &per_call(Some(nothing))));
}

/// UTCTime years 50-69 are 1950-1969 (RFC 5280 4.1.2.5.1): before the Unix epoch, which
/// the der crate's time type cannot hold, so chainvet reads them itself. Such a root is
/// read with its real dates (never as 2050-2069) and validates under chainvet's engine;
/// rustls-webpki (the `cabf` engine) cannot represent a time before 1970 and refuses the
/// path, never accepts it with a wrong date.
#[test]
fn utctime_years_1950_to_1969_are_read_as_the_1950s_and_1960s() {
    let old = self_signed(
        Spec::ca("Old Root")
            .key(KeyKind::P256, 2)
            .validity(date(1960, 1, 1), date(2049, 1, 1)),
    );
    // rcgen writes UTCTime for 1960: "600101000000Z".
    assert!(
        old.der.windows(13).any(|w| w == b"600101000000Z"),
        "the test certificate carries the UTCTime it is about"
    );
    let parsed = Certificate::from_der(old.der.clone()).expect("a 1960 notBefore is well-formed");
    assert_eq!(parsed.not_before(), Timestamp(-315_619_200));
    assert_eq!(parsed.not_before().to_rfc3339(), "1960-01-01T00:00:00Z");
    let middle = issue(
        ca("Old Intermediate", 3).validity(date(1965, 6, 30), date(2048, 1, 1)),
        &old,
    );
    let leaf = issue(leaf_spec(), &middle);
    let chainvet = || policy(Engine::Chainvet, PathValidation::default());
    let r = run_with(chainvet(), &[&old], &leaf, &[&middle]);
    accepted(&r);
    let json = r.to_json_pretty();
    assert!(json.contains("1965-06-30T00:00:00Z"), "{json}");
    // On 1966-01-01 the root and the intermediate are valid, the leaf (2025) not yet: the
    // dates were read as the 1960s, not the 2060s.
    let validator =
        Validator::with_trust_store(chainvet(), TrustStore::from_certificates(vec![parsed]));
    let mut options = PresentedOptions::new(Timestamp(-126_230_400), Usage::ClientAuth);
    options.base.offline = true;
    let early = validator.validate_presented(&leaf.der, &[&middle.der], &options);
    let errors: Vec<(&str, Option<usize>)> = early
        .findings
        .iter()
        .filter(|f| f.severity == chainvet::Severity::Error)
        .map(|f| (f.code.as_str(), f.certificate))
        .collect();
    assert_eq!(
        errors,
        [("validity.not_yet_valid", Some(0))],
        "{:#?}",
        early.findings
    );
    // The webpki engine cannot hold a pre-1970 time: refused, never accepted.
    let webpki = policy(Engine::Webpki, PathValidation::default());
    assert!(!run_with(webpki, &[&old], &leaf, &[&middle]).accepted);
}

/// The attacker's side: a 1950-1969 UTCTime gets the same rules as any other (DER's
/// `YYMMDDHHMMSSZ`, every field in range); a malformed one is still malformed.
#[test]
fn malformed_utctimes_of_the_1950s_and_1960s_are_refused() {
    let old = self_signed(
        Spec::ca("Old Root")
            .key(KeyKind::P256, 2)
            .validity(date(1960, 1, 1), date(2049, 1, 1)),
    );
    let at = old
        .der
        .windows(13)
        .position(|w| w == b"600101000000Z")
        .expect("the UTCTime");
    for bad in [
        &b"601301000000Z"[..], // month 13
        b"600132000000Z",      // day 32
        b"690229000000Z",      // 1969 was not a leap year
        b"600101240000Z",      // hour 24
        b"600101000060Z",      // second 60
        b"6001010000000",      // no Z
        b"6a0101000000Z",      // not a digit
    ] {
        let mut der = old.der.clone();
        der[at..at + 13].copy_from_slice(bad);
        assert!(
            Certificate::from_der(der).is_err(),
            "{} was read",
            String::from_utf8_lossy(bad)
        );
    }
    // 1964-02-29 is a date; the same certificate with it is read.
    let mut der = old.der.clone();
    der[at..at + 13].copy_from_slice(b"640229120000Z");
    let leap = Certificate::from_der(der).expect("1964 was a leap year");
    assert_eq!(leap.not_before().to_rfc3339(), "1964-02-29T12:00:00Z");
}
