//! The subject policy on the leaf of a bundle: every `subject.*` code, and nothing
//! checked unless the policy asks.

use chainvet::{Code, Policy, Report, SubjectAttribute, SubjectPolicy, Timestamp, Validator};
use chainvet_testkit::rcgen::DnType;
use chainvet_testkit::{Chain, KeyKind, Spec, at};

fn leaf(cn: &str, subject: &[(DnType, &str)], dns: &[&str]) -> Chain {
    let spec = Spec {
        subject: subject
            .iter()
            .map(|(t, v)| (t.clone(), (*v).to_owned()))
            .collect(),
        dns_names: dns.iter().map(|d| (*d).to_owned()).collect(),
        ..Spec::leaf(cn).key(KeyKind::P256, 0)
    };
    Chain::standard().with_leaf(spec)
}

fn validate(policy: SubjectPolicy, chain: &Chain) -> Report {
    let policy = Policy {
        subject: policy,
        ..Policy::default()
    };
    Validator::new(policy)
        .expect("policy")
        .validate_at(chain.pem().as_bytes(), Timestamp(at()))
}

fn subject_codes(report: &Report) -> Vec<Code> {
    report
        .findings
        .iter()
        .map(|f| f.code)
        .filter(|c| c.as_str().starts_with("subject."))
        .collect()
}

fn payrails() -> SubjectPolicy {
    SubjectPolicy {
        required_attributes: vec![
            SubjectAttribute::Country,
            SubjectAttribute::StateOrProvince,
            SubjectAttribute::Organization,
            SubjectAttribute::CommonName,
        ],
        common_names: vec![
            "api.*.payrails.io".to_owned(),
            "*-api.staging.payrails.io".to_owned(),
        ],
        dns_names: Vec::new(),
        check_country: true,
    }
}

#[test]
fn off_by_default() {
    let chain = leaf(
        "anything at all",
        &[(DnType::CountryName, "XX")],
        &["evil.example"],
    );
    let report = validate(SubjectPolicy::default(), &chain);
    assert!(report.accepted, "{:#?}", report.findings);
    assert!(Policy::default().subject.is_off());
}

#[test]
fn a_conforming_leaf_passes() {
    for cn in ["api.acme.payrails.io", "acme-api.staging.payrails.io"] {
        let chain = leaf(
            cn,
            &[
                (DnType::CountryName, "DE"),
                (DnType::StateOrProvinceName, "Berlin"),
                (DnType::OrganizationName, "Acme GmbH"),
            ],
            &[],
        );
        let report = validate(payrails(), &chain);
        assert!(report.accepted, "{cn}: {:#?}", report.findings);
    }
}

#[test]
fn missing_and_empty_attributes() {
    let chain = leaf(
        "api.acme.payrails.io",
        &[(DnType::CountryName, "DE"), (DnType::OrganizationName, " ")],
        &[],
    );
    let report = validate(payrails(), &chain);
    assert_eq!(
        subject_codes(&report),
        [Code::SubjectMissingAttribute, Code::SubjectMissingAttribute]
    );
    let messages: Vec<&str> = report
        .with_code(Code::SubjectMissingAttribute)
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        messages[0].starts_with("the leaf, certificate 1 (")
            && messages[0].contains("), has no ST (stateOrProvinceName) in its subject"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("has an empty O (organizationName)"),
        "{}",
        messages[1]
    );
    let f = report
        .with_code(Code::SubjectMissingAttribute)
        .next()
        .unwrap();
    assert_eq!(f.certificate, Some(0));
    assert!(
        f.hint
            .contains("-subj '/C=DE/ST=Berlin/O=Example GmbH/CN=api.example.payrails.io'"),
        "{}",
        f.hint
    );

    // emailAddress and serialNumber (the X.520 one) can be required too.
    let p = SubjectPolicy {
        required_attributes: vec![
            SubjectAttribute::EmailAddress,
            SubjectAttribute::SerialNumber,
        ],
        ..SubjectPolicy::default()
    };
    let report = validate(p.clone(), &chain);
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(subject_codes(&report).len(), 2, "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("no emailAddress")));
    assert!(messages.iter().any(|m| m.contains("no serialNumber")));
    let with_both = leaf(
        "x",
        &[
            (
                DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
                "pki@example.com",
            ),
            (DnType::CustomDnType(vec![2, 5, 4, 5]), "HRB 12345"),
        ],
        &[],
    );
    assert!(validate(p, &with_both).accepted);
}

#[test]
fn cn_must_match_a_pattern() {
    let subject = [
        (DnType::CountryName, "DE"),
        (DnType::StateOrProvinceName, "Berlin"),
        (DnType::OrganizationName, "Acme GmbH"),
    ];
    for cn in [
        "api.acme.evil.io",
        "api.a.b.payrails.io",
        "-api.staging.payrails.io",
    ] {
        let report = validate(payrails(), &leaf(cn, &subject, &[]));
        assert_eq!(subject_codes(&report), [Code::SubjectCnMismatch], "{cn}");
        let m = &report.findings[0].message;
        assert!(
            m.contains(&format!("has CN `{cn}`"))
                && m.contains("one of `api.*.payrails.io`, `*-api.staging.payrails.io`"),
            "{m}"
        );
    }
}

#[test]
fn country_must_be_an_assigned_iso_code() {
    for (c, expect) in [
        ("XX", "not an assigned ISO 3166-1 alpha-2 code"),
        ("UK", "the code is `GB`"),
        ("de", "upper case: `DE`"),
        ("DEU", "two letters"),
    ] {
        let chain = leaf(
            "api.acme.payrails.io",
            &[
                (DnType::CountryName, c),
                (DnType::StateOrProvinceName, "Berlin"),
                (DnType::OrganizationName, "Acme GmbH"),
            ],
            &[],
        );
        let report = validate(payrails(), &chain);
        assert_eq!(subject_codes(&report), [Code::SubjectCountryInvalid], "{c}");
        let m = &report.findings[0].message;
        assert!(
            m.contains(&format!("has C `{c}`")) && m.contains(expect),
            "{m}"
        );
    }
}

#[test]
fn san_dns_names_must_be_allowed() {
    let p = SubjectPolicy {
        dns_names: vec!["*.acme.example".to_owned(), "acme.example".to_owned()],
        ..SubjectPolicy::default()
    };
    let ok = leaf("c", &[], &["acme.example", "api.acme.example"]);
    assert!(validate(p.clone(), &ok).accepted);
    let bad = leaf(
        "c",
        &[],
        &["api.acme.example", "evil.example", "a.b.acme.example"],
    );
    let report = validate(p, &bad);
    assert_eq!(
        subject_codes(&report),
        [
            Code::SubjectDnsNameNotAllowed,
            Code::SubjectDnsNameNotAllowed
        ]
    );
    assert!(report.findings[0].message.contains("`evil.example`"));
    assert!(report.findings[1].message.contains("`a.b.acme.example`"));
}

#[test]
fn policy_file_subject_table() {
    let p = Policy::from_toml(
        "[subject]\nrequired_attributes = [\"C\", \"stateOrProvinceName\", \"emailAddress\"]\ncommon_names = [\"*.example.com\"]\ncheck_country = true\n",
    )
    .unwrap();
    assert_eq!(
        p.subject.required_attributes,
        [
            SubjectAttribute::Country,
            SubjectAttribute::StateOrProvince,
            SubjectAttribute::EmailAddress
        ]
    );
    assert!(p.subject.check_country);
    assert_eq!(Policy::from_toml(&p.to_toml()).unwrap(), p, "round trip");

    let e = Policy::from_toml("[subject]\nrequired_attributes = [\"Country\"]\n").unwrap_err();
    assert!(e.to_string().contains("Country"), "{e}");
    let e = Policy::from_toml("[subject]\ncn = \"x\"\n").unwrap_err();
    assert!(e.to_string().contains("unknown field `cn`"), "{e}");
}
