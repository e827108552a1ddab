//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use chainvet::{Code, Policy, Report, Severity, Timestamp, Validator};

/// Validates at the testkit's reference time (2026-06-01) with the default policy.
pub fn check(pem: &str) -> Report {
    check_with(Policy::default(), pem)
}

/// Validates at the testkit's reference time with `policy`.
pub fn check_with(policy: Policy, pem: &str) -> Report {
    Validator::new(policy)
        .expect("policy")
        .validate_at(pem.as_bytes(), Timestamp(chainvet_testkit::at()))
}

/// Validates an openssl fixture one day after its first certificate's notBefore.
pub fn check_fixture(pem: &str) -> Report {
    check_fixture_with(Policy::default(), pem)
}

/// As `check_fixture`, with a policy.
pub fn check_fixture_with(policy: Policy, pem: &str) -> Report {
    let first = pem
        .split("-----END CERTIFICATE-----")
        .next()
        .expect("a certificate")
        .to_owned()
        + "-----END CERTIFICATE-----\n";
    let der = pem_rfc7468::decode_vec(first.trim_start().as_bytes())
        .expect("pem")
        .1;
    let cert = chainvet::Certificate::from_der(der).expect("cert");
    let at = Timestamp(cert.not_before().0 + 86_400);
    Validator::new(policy)
        .expect("policy")
        .validate_at(pem.as_bytes(), at)
}

/// The codes of findings at warning or error, in order.
pub fn problems(report: &Report) -> Vec<Code> {
    report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| f.code)
        .collect()
}

/// Asserts the report has `code`, printing all findings if not.
#[track_caller]
pub fn assert_has(report: &Report, code: Code) {
    assert!(
        report.has(code),
        "expected {code}, got:\n{}",
        report
            .findings
            .iter()
            .map(|f| format!(
                "  {} {} [{:?}] {}",
                f.severity, f.code, f.certificate, f.message
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Asserts the report's warning/error codes are exactly `codes` (order-insensitive).
#[track_caller]
pub fn assert_problems(report: &Report, codes: &[Code]) {
    let mut got = problems(report);
    got.sort();
    let mut want = codes.to_vec();
    want.sort();
    assert_eq!(got, want, "findings: {:#?}", report.findings);
}

/// Every finding has a message and a hint.
#[track_caller]
pub fn assert_explained(report: &Report) {
    for f in &report.findings {
        assert!(!f.message.is_empty() && !f.hint.is_empty(), "{f:?}");
    }
}
