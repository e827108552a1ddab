//! Input and PEM findings: every code of the input and pem families, produced and asserted.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod common;

use chainvet::{Code, Policy, Severity};
use chainvet_testkit::{Chain, fixture};
use common::*;

#[test]
fn empty_and_whitespace_only_input() {
    for input in ["", "   \n\t\r\n", "\u{feff}\n"] {
        let r = check(input);
        assert_problems(&r, &[Code::InputEmpty]);
        assert!(!r.accepted);
    }
}

#[test]
fn oversize_input_stops_early() {
    let policy = Policy {
        max_input_bytes: 1000,
        ..Policy::default()
    };
    let r = check_with(policy, &Chain::standard().pem());
    assert_problems(&r, &[Code::InputTooLarge]);
    assert!(r.certificates.is_empty());
    // The default limit is 1 MiB.
    let big = "x".repeat(1024 * 1024 + 1);
    assert_problems(&check(&big), &[Code::InputTooLarge]);
}

#[test]
fn binary_der_certificate_gets_the_convert_command() {
    let chain = Chain::standard();
    let report = chainvet::Validator::default().validate_at(
        &chain.certs[0].der,
        chainvet::Timestamp(chainvet_testkit::at()),
    );
    assert_problems(&report, &[Code::InputNotPem]);
    let f = report.with_code(Code::InputNotPem).next().unwrap();
    assert!(f.message.contains("DER certificate"), "{}", f.message);
    assert!(f.hint.contains("openssl x509 -inform DER"), "{}", f.hint);
}

fn openssl(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = std::process::Command::new("openssl")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("openssl runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "openssl {args:?} failed");
    out.stdout
}

#[test]
fn pkcs12_and_pkcs7_are_recognised() {
    let chain = Chain::standard();
    let dir = std::env::temp_dir().join(format!("chainvet-p12-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = dir.join("c.pem");
    let key = dir.join("k.pem");
    std::fs::write(&cert, chain.certs[0].pem()).unwrap();
    std::fs::write(&key, chain.certs[0].key_pem()).unwrap();
    let p12 = openssl(
        &[
            "pkcs12",
            "-export",
            "-in",
            cert.to_str().unwrap(),
            "-inkey",
            key.to_str().unwrap(),
            "-passout",
            "pass:x",
        ],
        b"",
    );
    let p7 = openssl(
        &[
            "crl2pkcs7",
            "-nocrl",
            "-certfile",
            cert.to_str().unwrap(),
            "-outform",
            "DER",
        ],
        b"",
    );
    std::fs::remove_dir_all(&dir).ok();

    let v = chainvet::Validator::default();
    let at = chainvet::Timestamp(chainvet_testkit::at());
    let r = v.validate_at(&p12, at);
    assert_problems(&r, &[Code::InputNotPem]);
    assert!(
        r.findings[0]
            .hint
            .contains("openssl pkcs12 -in FILE -nokeys"),
        "{:?}",
        r.findings
    );
    let r = v.validate_at(&p7, at);
    assert_problems(&r, &[Code::InputNotPem]);
    assert!(
        r.findings[0].hint.contains("openssl pkcs7 -inform DER"),
        "{:?}",
        r.findings
    );
    let r = v.validate_at(b"\x00\x01\x02garbage\xff", at);
    assert_problems(&r, &[Code::InputNotPem]);
}

#[test]
fn text_without_blocks_and_bare_base64() {
    assert_problems(
        &check("hello, here is my certificate\n"),
        &[Code::PemNoCertificate],
    );
    let pem = Chain::standard().certs[0].pem();
    let bare: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    let r = check(&bare);
    assert_problems(&r, &[Code::PemNoCertificate]);
    assert!(
        r.findings[0].message.contains("base64 text without"),
        "{}",
        r.findings[0].message
    );
    // Only a public key: unexpected block and no certificate.
    let r = check(
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n",
    );
    assert_problems(&r, &[Code::PemUnexpectedBlock, Code::PemNoCertificate]);
}

#[test]
fn crlf_bom_trailing_whitespace_and_odd_wrapping_are_tolerated() {
    let chain = Chain::standard();
    let pem = chain.pem();
    let crlf = pem.replace('\n', "\r\n");
    let bom = format!("\u{feff}{pem}");
    let trailing = pem
        .lines()
        .map(|l| format!("{l}  \t"))
        .collect::<Vec<_>>()
        .join("\n");
    let indented = pem
        .lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n");
    // Re-wrap every certificate at 76 columns.
    let rewrapped: String = chain
        .certs
        .iter()
        .map(|c| {
            let p = c.pem();
            let body: String = p.lines().filter(|l| !l.starts_with("-----")).collect();
            let lines: Vec<String> = body
                .as_bytes()
                .chunks(76)
                .map(|c| String::from_utf8(c.to_vec()).unwrap())
                .collect();
            format!(
                "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
                lines.join("\n")
            )
        })
        .collect();
    for (name, input) in [
        ("crlf", crlf),
        ("bom", bom),
        ("trailing", trailing),
        ("76 columns", rewrapped),
    ] {
        let r = check(&input);
        assert!(r.accepted, "{name}: {:#?}", r.findings);
        assert!(r.findings.is_empty(), "{name}: {:#?}", r.findings);
    }
    // Indented PEM is read, with a warning: OpenSSL does not read it (issue 17).
    let r = check(&indented);
    assert!(r.accepted, "{:#?}", r.findings);
    assert_problems(&r, &[Code::PemIndented]);
}

#[test]
fn explanatory_text_is_info_and_accepted() {
    let chain = Chain::standard();
    let input = format!(
        "Certificate:\n    Data: ...\n{}\nsome trailer\n",
        chain.pem()
    );
    let r = check(&input);
    assert!(r.accepted, "{:#?}", r.findings);
    let infos: Vec<_> = r.with_code(Code::PemExplanatoryText).collect();
    assert_eq!(infos.len(), 2);
    assert!(infos.iter().all(|f| f.severity == Severity::Info));
    assert!(
        infos[0].message.contains("lines 1-2"),
        "{}",
        infos[0].message
    );
}

#[test]
fn malformed_pem_bad_base64_mismatched_labels_truncated() {
    let chain = Chain::standard();
    let good = chain.certs[0].pem();
    let rest = format!("{}{}", chain.certs[1].pem(), chain.certs[2].pem());

    let bad_b64 = good.replacen("MII", "M*I", 1);
    let r = check(&format!("{bad_b64}{rest}"));
    assert_has(&r, Code::PemMalformed);
    assert_eq!(
        r.with_code(Code::PemMalformed).next().unwrap().certificate,
        Some(0)
    );
    assert!(
        r.with_code(Code::PemMalformed)
            .next()
            .unwrap()
            .message
            .contains("base64")
    );

    let mismatched = good.replace(
        "-----END CERTIFICATE-----",
        "-----END CERTIFICATE REQUEST-----",
    );
    let r = check(&format!("{mismatched}{rest}"));
    assert_has(&r, Code::PemMalformed);
    assert!(
        r.findings
            .iter()
            .any(|f| f.message.contains("does not match")),
        "{:#?}",
        r.findings
    );

    let truncated = good.replace("-----END CERTIFICATE-----\n", "");
    let r = check(&format!("{rest}{truncated}"));
    assert_has(&r, Code::PemMalformed);
    assert!(
        r.findings.iter().any(|f| f.message.contains("truncated")),
        "{:#?}",
        r.findings
    );

    let bad_boundary = good.replace("-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE----");
    assert_has(&check(&format!("{bad_boundary}{rest}")), Code::PemMalformed);

    // Missing padding / leftover bits are base64 errors too.
    let lines: Vec<&str> = good.lines().collect();
    let cut = format!(
        "{}\n{}\n{}\n",
        lines[0],
        &lines[1][..63],
        lines[lines.len() - 1]
    );
    assert_has(&check(&cut), Code::PemMalformed);
}

#[test]
fn certificate_block_that_is_not_x509() {
    let not_a_cert = pem_rfc7468::encode_string(
        "CERTIFICATE",
        pem_rfc7468::LineEnding::LF,
        b"\x30\x03\x02\x01\x05",
    )
    .unwrap();
    let r = check(&not_a_cert);
    assert_has(&r, Code::CertificateMalformed);
    assert_eq!(
        r.with_code(Code::CertificateMalformed)
            .next()
            .unwrap()
            .certificate,
        Some(0)
    );
    // Trailing data after the certificate is malformed too.
    let mut der = Chain::standard().certs[0].der.clone();
    der.push(0);
    let trailing =
        pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, &der).unwrap();
    assert_has(&check(&trailing), Code::CertificateMalformed);
}

#[test]
fn csr_instead_of_certificate() {
    for label in ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"] {
        let csr = format!(
            "-----BEGIN {label}-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END {label}-----\n"
        );
        let r = check(&csr);
        assert_problems(&r, &[Code::PemCsrNotCertificate]);
        assert!(r.findings[0].hint.contains("CA"), "{}", r.findings[0].hint);
    }
    // A CSR next to a valid chain: still an error, the chain is still analysed.
    let chain = Chain::standard();
    let csr = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
    let r = check(&format!("{}{csr}", chain.pem()));
    assert_problems(&r, &[Code::PemCsrNotCertificate]);
    assert_eq!(r.chain.path, vec![0, 1, 2]);
}

#[test]
fn private_keys_are_reported_where_and_never_echoed() {
    let chain = Chain::standard();
    for key in [
        fixture("unused-private-key"),
        fixture("encrypted-private-key"),
        &chain.certs[0].key_pem(),
    ] {
        let input = format!("{}{}{}", chain.certs[0].pem(), key, chain.certs[1].pem());
        let input = format!("{input}{}", chain.certs[2].pem());
        let r = check(&input);
        assert_problems(&r, &[Code::PemPrivateKeyPresent]);
        let f = r.with_code(Code::PemPrivateKeyPresent).next().unwrap();
        assert!(f.message.contains("lines "), "{}", f.message);
        let json = r.to_json();
        for line in key.lines().filter(|l| !l.starts_with("-----")) {
            assert!(!json.contains(line), "key material echoed: {line}");
            assert!(
                !json.contains(&line[..16.min(line.len())]),
                "key prefix echoed"
            );
        }
    }
    // The validator's caches key analyses by the input bytes: an input holding a key must
    // never be kept, even when the finding itself is turned off by policy.
    let mut policy = Policy::default();
    policy
        .severity
        .insert(Code::PemPrivateKeyPresent, chainvet::Level::Off);
    let v = chainvet::Validator::new(policy).unwrap();
    let with_key = format!("{}{}", chain.pem(), fixture("unused-private-key"));
    let at = chainvet::Timestamp(chainvet_testkit::at());
    assert!(v.validate_at(with_key.as_bytes(), at).accepted);
    assert!(v.validate_at(with_key.as_bytes(), at).accepted);
    assert_eq!(
        v.cache_usage().analyses.0,
        0,
        "an input with a private key was cached"
    );
    v.validate_at(chain.pem().as_bytes(), at);
    assert_eq!(v.cache_usage().analyses.0, 1, "a clean input is cached");

    let openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
    assert_has(&check(openssh), Code::PemPrivateKeyPresent);
}

#[test]
fn unexpected_blocks_are_warnings_with_specific_hints() {
    let chain = Chain::standard();
    let p7 = "-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n";
    let crl = "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n";
    let r = check(&format!("{}{p7}{crl}", chain.pem()));
    assert!(r.accepted, "warnings only: {:#?}", r.findings);
    let found: Vec<_> = r.with_code(Code::PemUnexpectedBlock).collect();
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|f| f.severity == Severity::Warning));
    assert!(found[0].hint.contains("openssl pkcs7"), "{}", found[0].hint);
}

#[test]
fn too_many_certificates() {
    let chain = Chain::standard();
    let policy = Policy {
        max_certificates: 2,
        ..Policy::default()
    };
    let r = check_with(policy, &chain.pem());
    assert_problems(&r, &[Code::ChainTooLong]);
    // The default is 10: eleven certificates are too many.
    let eleven: String = (0..4).map(|_| chain.pem()).collect::<String>();
    let r = check(&eleven);
    assert_has(&r, Code::ChainTooLong);
}
