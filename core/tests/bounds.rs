//! Output is bounded by design: a megabyte of junk, of repeated bad blocks or of a
//! hostile certificate gives a report of a few kilobytes, findings of one code are
//! merged (listing where they occur), a report is capped (its last finding says how
//! many were left out), and long names are cut in messages. Inputs without repetition
//! keep one finding per problem, in order.

use chainvet::{Code, Policy, Severity, Timestamp, Validator};
use chainvet_testkit::{Chain, Spec, at, issue};

const MIB: usize = 1 << 20;

fn check(input: &[u8]) -> chainvet::Report {
    Validator::default().validate_at(input, Timestamp(at()))
}

fn repeat_to(unit: &str, len: usize) -> Vec<u8> {
    unit.repeat(len / unit.len()).into_bytes()
}

/// Inputs of just under 1 MiB (the default limit) an attacker would send.
fn junk() -> Vec<(&'static str, Vec<u8>)> {
    let chain = Chain::standard().pem();
    let with_chain = |mut v: Vec<u8>| {
        v.truncate(MIB - chain.len() - 1);
        let mut out = chain.clone().into_bytes();
        out.extend_from_slice(&v);
        out
    };
    vec![
        ("text runs", with_chain(repeat_to("a\n\n", MIB))),
        (
            "unexpected blocks",
            with_chain(repeat_to(
                "junk\n-----BEGIN X-----\nAAAA\n-----END X-----\n",
                MIB,
            )),
        ),
        (
            "BEGIN lines",
            with_chain(repeat_to("-----BEGIN X-----\n", MIB)),
        ),
        (
            "bad certificate blocks",
            repeat_to(
                "-----BEGIN CERTIFICATE-----\nQU*D\n-----END CERTIFICATE-----\n",
                MIB - 1,
            ),
        ),
        (
            "CSR blocks",
            with_chain(repeat_to(
                "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
                MIB,
            )),
        ),
        (
            "key blocks",
            with_chain(repeat_to(
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                MIB,
            )),
        ),
        (
            "bad labels",
            with_chain(repeat_to(
                "-----BEGIN A  B-----\nAAAA\n-----END A  B-----\n",
                MIB,
            )),
        ),
        (
            "binary",
            (0..MIB - 1).map(|i| (i * 7 % 251) as u8).collect(),
        ),
    ]
}

#[test]
fn a_megabyte_of_junk_gives_a_report_of_a_few_kilobytes() {
    for (what, input) in junk() {
        assert!(input.len() < MIB, "{what}: {}", input.len());
        let r = check(&input);
        let json = r.to_json();
        assert!(
            json.len() < 24 * 1024,
            "{what}: {} bytes of JSON",
            json.len()
        );
        assert!(
            r.findings.len() <= 65,
            "{what}: {} findings",
            r.findings.len()
        );
        // Blocks that are not certificates only warn; keys, CSRs, bad certificate
        // blocks and binary reject.
        let rejects = [
            "bad certificate blocks",
            "CSR blocks",
            "key blocks",
            "binary",
        ];
        assert_eq!(
            !r.accepted,
            rejects.contains(&what),
            "{what}: {:#?}",
            r.findings
        );
        // No code is listed more than MERGE_OVER (4) times.
        for code in Code::ALL {
            let n = r.findings.iter().filter(|f| f.code == *code).count();
            assert!(n <= 4, "{what}: {code} {n} times");
        }
    }
}

#[test]
fn repeated_findings_are_merged_listing_where_they_are() {
    let chain = Chain::standard().pem();
    let n = chain.lines().count();
    let text: String = (0..200).map(|i| format!("junk {i}\n\n")).collect();
    let r = check(format!("{chain}{text}").as_bytes());
    let texts: Vec<_> = r.with_code(Code::PemExplanatoryText).collect();
    assert_eq!(texts.len(), 1, "{:#?}", r.findings);
    let m = &texts[0].message;
    assert!(
        m.starts_with(&format!("line {} is text outside any PEM block", n + 1)),
        "{m}"
    );
    assert!(m.contains("200 findings of this kind in all"), "{m}");
    assert!(
        m.contains(&format!("line {}, line {}, line {}", n + 3, n + 5, n + 7)),
        "{m}"
    );
    assert!(m.contains("more"), "{m}");
    assert!(r.accepted, "info only");

    // Malformed blocks too, listing where the others are.
    let bad = "-----BEGIN CERTIFICATE-----\nQU*D\n-----END CERTIFICATE-----\n".repeat(6);
    let r = check(format!("{chain}{bad}").as_bytes());
    let malformed: Vec<_> = r.with_code(Code::PemMalformed).collect();
    assert_eq!(malformed.len(), 1, "{:#?}", r.findings);
    assert!(
        malformed[0]
            .message
            .contains(&format!("lines {}-{}", n + 4, n + 6)),
        "{}",
        malformed[0].message
    );
    assert_eq!(malformed[0].severity, Severity::Error);
    assert_eq!(malformed[0].certificate, None);
}

#[test]
fn inputs_without_repetition_keep_one_finding_per_problem() {
    let chain = Chain::standard();
    let input = format!(
        "subject=CN=x\n{}{}-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n{}",
        chain.certs[2].pem(),
        chain.certs[1].pem(),
        chain.certs[0].pem()
    );
    let r = check(input.as_bytes());
    let codes: Vec<Code> = r.findings.iter().map(|f| f.code).collect();
    assert_eq!(
        codes,
        [
            Code::PemExplanatoryText,
            Code::PemUnexpectedBlock,
            Code::ChainOrderReversed
        ],
        "{:#?}",
        r.findings
    );
}

#[test]
fn the_cap_keeps_errors_and_says_how_many_were_left_out() {
    // Every certificate its own problems: many codes, each several times.
    let policy = Policy {
        max_certificates: 64,
        ..Policy::default()
    };
    let chain = Chain::standard();
    let mut input = String::new();
    for _ in 0..20 {
        input.push_str(&chain.certs[2].pem());
        input.push_str(
            "-----BEGIN CERTIFICATE-----\nQU*D\n-----END CERTIFICATE-----\nsome text\n\n",
        );
        input.push_str("-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n");
    }
    let r = Validator::new(policy)
        .expect("policy")
        .validate_at(input.as_bytes(), Timestamp(at()));
    assert!(r.findings.len() <= 65, "{}", r.findings.len());
    assert!(!r.accepted);
}

#[test]
fn long_names_are_cut_in_messages() {
    let chain = Chain::standard();
    let long = "x".repeat(5000);
    // An expired leaf with a 5,000-character CN: the messages naming it stay short.
    let leaf = issue(
        Spec::leaf(&long).validity(
            chainvet_testkit::date(2020, 1, 1),
            chainvet_testkit::date(2021, 1, 1),
        ),
        &chain.certs[1],
    );
    let input = format!(
        "{}{}{}",
        leaf.pem(),
        chain.certs[1].pem(),
        chain.certs[2].pem()
    );
    let r = check(input.as_bytes());
    assert!(r.has(Code::ValidityExpired), "{:#?}", r.findings);
    for f in &r.findings {
        assert!(f.message.chars().count() <= 1024, "{}", f.message.len());
        if f.message.contains("xxxxxxxx") {
            assert!(f.message.contains('…'), "{}", f.message);
            assert!(f.message.matches('x').count() < 400, "{}", f.message);
        }
    }
    // The certificate list keeps the whole subject: it is data, not a message.
    assert!(r.certificates[0].subject.contains(&long));
}

#[test]
fn inputs_without_a_certificate_are_never_cached() {
    let v = Validator::default();
    let when = Timestamp(at());
    for input in [
        &b"just some text"[..],
        b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
        b"-----BEGIN CERTIFICATE-----\nQU*D\n-----END CERTIFICATE-----\n",
    ] {
        v.validate_at(input, when);
        v.validate_at(input, when);
    }
    assert_eq!(v.cache_usage().analyses.0, 0);
    v.validate_at(Chain::standard().pem().as_bytes(), when);
    assert_eq!(v.cache_usage().analyses.0, 1, "a chain is cached");
}
