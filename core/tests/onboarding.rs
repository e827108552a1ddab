//! The odd shapes real clients upload (issue 17), each made the way a how-to makes it:
//! one precise finding, a hint whose command works, and `fix` writing a bundle that
//! passes `check` and that OpenSSL reads.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod common;

use chainvet::{Code, Report, Timestamp, Validator};
use chainvet_testkit::{Chain, TempDir};
use common::*;

fn at() -> Timestamp {
    Timestamp(chainvet_testkit::at())
}

fn check_bytes(input: &[u8]) -> Report {
    Validator::default().validate_at(input, at())
}

/// How many certificates OpenSSL reads from a file (0 when it cannot read it).
fn openssl_count(path: &std::path::Path) -> usize {
    let out = std::process::Command::new("openssl")
        .args(["storeutl", "-noout", "-certs"])
        .arg(path)
        .output()
        .expect("the openssl command line tool must be installed to run this test");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Total found: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// Runs the first shell command quoted in `hint` that writes `fixed.pem`, with FILE
/// replaced by `input`, in `dir`; returns what it wrote.
fn run_hint_command(hint: &str, dir: &TempDir, input: &std::path::Path) -> Vec<u8> {
    let command = hint
        .split('`')
        .skip(1)
        .step_by(2)
        .find(|c| c.contains("FILE") && c.ends_with("fixed.pem") && !c.starts_with("chainvet"))
        .unwrap_or_else(|| panic!("no shell command in the hint: {hint}"));
    let command = command.replace("FILE", &input.display().to_string());
    let out = std::process::Command::new("sh")
        .args(["-c", &command])
        .current_dir(dir.path())
        .output()
        .expect("sh runs");
    assert!(
        out.status.success(),
        "`{command}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(dir.path().join("fixed.pem")).expect("the command wrote fixed.pem")
}

/// The one finding of `code`, asserting it is the report's only problem.
#[track_caller]
fn single(report: &Report, code: Code) -> chainvet::Finding {
    assert_problems(report, &[code]);
    assert_explained(report);
    report.with_code(code).next().unwrap().clone()
}

/// `fix` repairs the input into the standard chain: accepted, leaf first, and read in
/// full by OpenSSL.
#[track_caller]
fn assert_fixed(input: &[u8], chain: &Chain, code: Code, dir: &TempDir) {
    let fixed = Validator::default()
        .fix_at(input, at())
        .unwrap_or_else(|e| panic!("fix refused: {e}"));
    assert!(fixed.report.accepted, "{:#?}", fixed.report.findings);
    assert_eq!(fixed.pem, chain.pem(), "fix writes the chain, leaf first");
    assert!(
        !fixed.changes.is_empty(),
        "fix says what it changed for {code}"
    );
    let path = dir.write("fix-output.pem", &fixed.pem);
    assert_eq!(openssl_count(&path), chain.certs.len());
}

fn hint_says_fix_does_it(hint: &str) {
    assert!(
        hint.contains("`chainvet fix FILE -o fixed.pem` does this"),
        "{hint}"
    );
}

#[test]
fn end_and_begin_on_one_line_is_one_finding_and_fixed() {
    let chain = Chain::standard();
    // `cat leaf.pem intermediate.pem root.pem` of files saved without a final newline.
    let input: String = chain
        .certs
        .iter()
        .map(|c| c.pem().trim_end().to_owned())
        .collect();
    assert_eq!(input.matches("----------BEGIN").count(), 2);
    let report = check_bytes(input.as_bytes());
    let f = single(&report, Code::PemBoundariesJoined);
    // The joined lines: the last line of the first file, and of the second (which
    // starts on the line the first ends on).
    let first = chain.certs[0].pem().lines().count();
    let second = first + chain.certs[1].pem().lines().count() - 1;
    assert!(
        f.message
            .starts_with(&format!("lines {first}, {second} hold the END line")),
        "{}",
        f.message
    );
    assert!(
        f.message
            .contains("END line of one block and the BEGIN line of the next")
    );
    assert_eq!(report.chain.path, [0, 1, 2], "the chain is read as meant");
    hint_says_fix_does_it(&f.hint);

    let dir = TempDir::new("joined");
    let path = dir.write("bundle.pem", &input);
    assert!(openssl_count(&path) < 3, "OpenSSL cannot read it as is");
    let repaired = run_hint_command(&f.hint, &dir, &path);
    assert_eq!(openssl_count(&dir.path().join("fixed.pem")), 3);
    assert!(check_bytes(&repaired).accepted);
    assert_fixed(input.as_bytes(), &chain, Code::PemBoundariesJoined, &dir);
}

#[test]
fn text_glued_to_a_boundary_is_reported_and_read() {
    let chain = Chain::standard();
    let pem = chain.pem();
    let input = format!("subject=CN = Test Leaf {pem}");
    let report = check_bytes(input.as_bytes());
    let f = single(&report, Code::PemBoundariesJoined);
    assert!(
        f.message
            .contains("line 1 puts a BEGIN or END line and other text on one line"),
        "{}",
        f.message
    );
    assert_eq!(report.chain.path, [0, 1, 2]);
}

fn json_escaped(pem: &str) -> String {
    pem.replace('\n', "\\n")
}

#[test]
fn bundle_on_one_line_with_literal_newlines_is_one_finding_and_fixed() {
    let chain = Chain::standard();
    let pem = chain.pem();
    let dir = TempDir::new("escaped");
    for input in [
        // The value as copied out of a JSON document or `kubectl get secret -o json`.
        json_escaped(&pem),
        format!("{{\"certificate\": \"{}\"}}\n", json_escaped(&pem)),
        // PHP's json_encode escapes slashes too; .env files quote the value.
        format!("CERT=\"{}\"\n", json_escaped(&pem).replace('/', "\\/")),
        // Windows line endings, escaped.
        pem.replace('\n', "\\r\\n"),
    ] {
        let report = check_bytes(input.as_bytes());
        let problems = problems(&report);
        assert_eq!(
            problems,
            [Code::PemEscapedNewlines],
            "{input:.60}: {:#?}",
            report.findings
        );
        let f = report.with_code(Code::PemEscapedNewlines).next().unwrap();
        assert!(
            f.message.contains("the whole bundle is on one line"),
            "{}",
            f.message
        );
        hint_says_fix_does_it(&f.hint);
        assert_eq!(report.chain.path, [0, 1, 2]);
        assert_fixed(input.as_bytes(), &chain, Code::PemEscapedNewlines, &dir);
    }
    // The hint's sed command repairs the plain escaped form.
    let input = json_escaped(&pem);
    let path = dir.write("bundle.pem", &input);
    assert_eq!(openssl_count(&path), 0);
    let f = check_bytes(input.as_bytes());
    let hint = &f.with_code(Code::PemEscapedNewlines).next().unwrap().hint;
    let repaired = run_hint_command(hint, &dir, &path);
    assert_eq!(openssl_count(&dir.path().join("fixed.pem")), 3);
    assert!(check_bytes(&repaired).accepted);
}

fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if little { &[0xff, 0xfe] } else { &[0xfe, 0xff] });
    }
    for u in text.encode_utf16() {
        out.extend_from_slice(&if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

#[test]
fn utf16_from_powershell_is_one_finding_and_fixed() {
    let chain = Chain::standard();
    let pem = chain.pem();
    let dir = TempDir::new("utf16");
    // PowerShell 5's `>` writes UTF-16LE with a byte-order mark and CRLF line endings.
    let crlf = pem.replace('\n', "\r\n");
    let cases = [
        (
            utf16(&crlf, true, true),
            "little-endian, with a byte-order mark",
            "UTF-16 ",
        ),
        (
            utf16(&pem, true, false),
            "little-endian, without a byte-order mark",
            "UTF-16LE",
        ),
        (
            utf16(&pem, false, true),
            "big-endian, with a byte-order mark",
            "UTF-16 ",
        ),
        (
            utf16(&pem, false, false),
            "big-endian, without a byte-order mark",
            "UTF-16BE",
        ),
    ];
    for (input, described, from) in cases {
        let report = check_bytes(&input);
        let f = single(&report, Code::InputUtf16);
        assert!(f.message.contains(described), "{}", f.message);
        assert!(f.hint.contains(&format!("iconv -f {from}")), "{}", f.hint);
        assert!(f.hint.contains("Set-Content -Encoding ascii"), "{}", f.hint);
        hint_says_fix_does_it(&f.hint);
        assert_fixed(&input, &chain, Code::InputUtf16, &dir);

        let path = dir.write("bundle.pem", &input);
        assert_eq!(openssl_count(&path), 0, "OpenSSL cannot read UTF-16");
        let repaired = run_hint_command(&f.hint, &dir, &path);
        assert_eq!(
            openssl_count(&dir.path().join("fixed.pem")),
            3,
            "{described}"
        );
        assert!(check_bytes(&repaired).accepted);
    }
    // Made by iconv, as a how-to does it.
    let src = dir.write("utf8.pem", &pem);
    let out = std::process::Command::new("iconv")
        .args(["-f", "UTF-8", "-t", "UTF-16"])
        .arg(&src)
        .output()
        .expect("iconv runs");
    assert!(out.status.success());
    single(&check_bytes(&out.stdout), Code::InputUtf16);
}

#[test]
fn indented_pem_from_yaml_is_a_warning_and_fixed() {
    let chain = Chain::standard();
    let indented: String = chain.pem().lines().map(|l| format!("    {l}\n")).collect();
    let input = format!("tls:\n  certificate: |\n{indented}");
    let report = check_bytes(input.as_bytes());
    let f = single(&report, Code::PemIndented);
    assert_eq!(f.severity, chainvet::Severity::Warning);
    assert!(report.accepted, "a warning: chainvet reads it");
    assert!(f.message.contains("blocks at lines 3-"), "{}", f.message);
    hint_says_fix_does_it(&f.hint);

    let dir = TempDir::new("indented");
    let path = dir.write("bundle.pem", indented.as_bytes());
    assert_eq!(openssl_count(&path), 0, "OpenSSL cannot read indented PEM");
    let repaired = run_hint_command(&f.hint, &dir, &path);
    assert_eq!(openssl_count(&dir.path().join("fixed.pem")), 3);
    assert!(check_bytes(&repaired).accepted);
    assert_fixed(input.as_bytes(), &chain, Code::PemIndented, &dir);
}

#[test]
fn trusted_certificate_blocks_are_named_converted_and_fixed() {
    let chain = Chain::standard();
    let dir = TempDir::new("trusted");
    let mut input = Vec::new();
    for (i, c) in chain.certs.iter().enumerate() {
        let plain = dir.write(&format!("c{i}.pem"), c.pem());
        let trusted = chainvet_testkit::openssl(
            dir.path(),
            &[
                "x509",
                "-in",
                plain.to_str().unwrap(),
                "-trustout",
                "-addtrust",
                "clientAuth",
                "-setalias",
                "my client",
            ],
        );
        input.extend_from_slice(&trusted);
    }
    assert_eq!(
        String::from_utf8_lossy(&input)
            .matches("BEGIN TRUSTED CERTIFICATE")
            .count(),
        3
    );
    let report = check_bytes(&input);
    let found: Vec<_> = report.with_code(Code::PemTrustedCertificate).collect();
    assert_eq!(found.len(), 3, "one per block: {:#?}", report.findings);
    assert_eq!(
        problems(&report),
        [Code::PemTrustedCertificate; 3],
        "nothing else: {:#?}",
        report.findings
    );
    assert_eq!(report.chain.path, [0, 1, 2]);
    let f = found[0];
    assert!(f.message.contains("TRUSTED CERTIFICATE"), "{}", f.message);
    assert!(
        f.hint.contains("`openssl x509 -in FILE -out cert.pem`"),
        "{}",
        f.hint
    );
    assert!(
        f.hint
            .contains("`chainvet fix FILE -o fixed.pem` does this")
    );

    // The hint's openssl command turns a block into a plain certificate.
    let one = dir.write(
        "t0.pem",
        String::from_utf8_lossy(&input)
            .split_inclusive("-----END TRUSTED CERTIFICATE-----\n")
            .next()
            .unwrap(),
    );
    chainvet_testkit::openssl(
        dir.path(),
        &["x509", "-in", one.to_str().unwrap(), "-out", "cert.pem"],
    );
    let converted = std::fs::read_to_string(dir.path().join("cert.pem")).unwrap();
    assert_eq!(converted, chain.certs[0].pem());

    // fix drops the trust settings: the certificates come out byte for byte.
    assert_fixed(&input, &chain, Code::PemTrustedCertificate, &dir);
}

#[test]
fn trusted_certificate_that_is_not_a_certificate_is_malformed() {
    let body = pem_rfc7468::encode_string(
        "TRUSTED CERTIFICATE",
        pem_rfc7468::LineEnding::LF,
        &[0x30, 0x03, 0x02, 0x01, 0x01, 0x30, 0x00],
    )
    .unwrap();
    let report = check_bytes(body.as_bytes());
    assert_problems(&report, &[Code::CertificateMalformed]);
}

/// The standard chain's PEM with certificate `victim`'s base64 damaged by `damage`.
fn damaged(chain: &Chain, victim: usize, damage: impl Fn(&str) -> String) -> String {
    chain
        .certs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == victim {
                damage(&c.pem())
            } else {
                c.pem()
            }
        })
        .collect()
}

/// Characters lost from the middle of a line, as a bad copy-paste loses them.
fn lose_characters(pem: &str) -> String {
    let mut lines: Vec<String> = pem.lines().map(str::to_owned).collect();
    lines[3].replace_range(10..13, "");
    lines.join("\n") + "\n"
}

/// A whole line lost: the base64 is still well-formed, the DER is not.
fn lose_a_line(pem: &str) -> String {
    let mut lines: Vec<&str> = pem.lines().collect();
    lines.remove(4);
    lines.join("\n") + "\n"
}

#[test]
fn damaged_base64_is_one_finding_on_that_block_and_fix_refuses() {
    let chain = Chain::standard();
    for victim in 0..3 {
        for (how, damage) in [
            ("characters lost", lose_characters as fn(&str) -> String),
            ("a line lost", lose_a_line),
        ] {
            let input = damaged(&chain, victim, damage);
            let report = check_bytes(input.as_bytes());
            let problems = problems(&report);
            assert_eq!(
                problems.len(),
                1,
                "victim {victim}, {how}: {:#?}",
                report.findings
            );
            assert!(
                matches!(problems[0], Code::PemMalformed | Code::CertificateMalformed),
                "{problems:?}"
            );
            let f = &report
                .findings
                .iter()
                .find(|f| f.code == problems[0])
                .unwrap();
            assert_eq!(f.certificate, Some(victim), "on the damaged block");
            assert!(
                !report
                    .findings
                    .iter()
                    .any(|f| f.code == Code::ChainUnrelatedCertificate),
                "{:#?}",
                report.findings
            );
            let refused = Validator::default()
                .fix_at(input.as_bytes(), at())
                .expect_err("fix never writes a bundle without a certificate it could not read");
            assert!(
                refused
                    .reasons
                    .iter()
                    .any(|r| r.contains(&format!("certificate {}", victim + 1))),
                "{:?}",
                refused.reasons
            );
        }
    }
    // Damage outside the chain (a stray extra block) leaves a chain fix can write.
    let input = format!("{}{}", chain.pem(), lose_characters(&chain.certs[1].pem()));
    let fixed = Validator::default().fix_at(input.as_bytes(), at()).unwrap();
    assert!(fixed.report.accepted);
    assert_eq!(fixed.pem, chain.pem());
}

#[test]
fn two_leaves_are_named_and_fix_keeps_the_one_chosen() {
    use chainvet_testkit::{Spec, issue};
    let chain = Chain::standard();
    let staging = issue(
        Spec::leaf("Staging Client").key(chainvet_testkit::KeyKind::P256, 7),
        &chain.certs[1],
    );
    // Production and staging leaves pasted into one bundle.
    let input = format!("{}{}", chain.pem(), staging.pem());
    let report = check(&input);
    let f = single(&report, Code::ChainMultipleLeaves);
    assert!(
        f.message.contains("certificate 1 (CN=Test Leaf"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("certificate 4 (CN=Staging Client"),
        "{}",
        f.message
    );
    assert!(f.hint.contains("--leaf N"), "{}", f.hint);

    let refused = Validator::default()
        .fix_at(input.as_bytes(), at())
        .unwrap_err();
    assert!(
        refused.reasons[0].contains("--leaf"),
        "{:?}",
        refused.reasons
    );

    let dir = TempDir::new("two-leaves");
    for (choice, leaf) in [
        (chainvet::LeafChoice::Index(3), &staging),
        (
            chainvet::LeafChoice::CommonName("Staging Client".into()),
            &staging,
        ),
        (chainvet::LeafChoice::Index(0), &chain.certs[0]),
        (
            chainvet::LeafChoice::CommonName("Test Leaf".into()),
            &chain.certs[0],
        ),
    ] {
        let fixed = Validator::default()
            .fix_with_leaf(input.as_bytes(), at(), &choice)
            .unwrap();
        assert!(fixed.report.accepted, "{:#?}", fixed.report.findings);
        let want = format!(
            "{}{}{}",
            leaf.pem(),
            chain.certs[1].pem(),
            chain.certs[2].pem()
        );
        assert_eq!(fixed.pem, want, "{choice:?}");
        assert!(
            fixed.changes[0].starts_with("kept certificate"),
            "{:?}",
            fixed.changes
        );
        assert_eq!(openssl_count(&dir.write("f.pem", &fixed.pem)), 3);
    }
    // A choice that names no end-entity certificate (the intermediate, a stranger).
    for choice in [
        chainvet::LeafChoice::Index(1),
        chainvet::LeafChoice::CommonName("Nobody".into()),
    ] {
        let refused = Validator::default()
            .fix_with_leaf(input.as_bytes(), at(), &choice)
            .unwrap_err();
        assert!(
            refused.reasons[0].contains("no end-entity certificate"),
            "{:?}",
            refused.reasons
        );
    }
    // Each leaf with its own intermediate: the other chain is named, not "unrelated".
    let other_ca = issue(
        Spec::ca("Staging CA").key(chainvet_testkit::KeyKind::P256, 8),
        &chain.certs[2],
    );
    let other_leaf = issue(
        Spec::leaf("Staging Client").key(chainvet_testkit::KeyKind::P256, 7),
        &other_ca,
    );
    let input = format!("{}{}{}", chain.pem(), other_leaf.pem(), other_ca.pem());
    single(&check(&input), Code::ChainMultipleLeaves);
}

#[test]
fn a_cross_certificate_next_to_its_root_is_recognised() {
    use chainvet_testkit::{KeyKind, Spec, issue, self_signed};
    let chain = Chain::standard();
    let root = &chain.certs[2];
    let old_root = self_signed(Spec::ca("Old Root").key(KeyKind::P256, 9));
    // The root's name and key, issued by the old root.
    let cross = issue(root.spec.clone(), &old_root);
    for input in [
        format!("{}{}", chain.pem(), cross.pem()),
        // The cross-certificate before the root: the chain still ends at the root.
        format!(
            "{}{}{}{}",
            chain.certs[0].pem(),
            chain.certs[1].pem(),
            cross.pem(),
            root.pem()
        ),
    ] {
        let report = check(&input);
        let f = single(&report, Code::ChainCrossCertificate);
        assert_eq!(f.severity, chainvet::Severity::Warning);
        assert!(f.message.contains("cross-certificate"), "{}", f.message);
        assert!(f.message.contains("CN=Old Root"), "{}", f.message);
        assert!(report.accepted);
        let fixed = Validator::default().fix_at(input.as_bytes(), at()).unwrap();
        assert_eq!(fixed.pem, chain.pem());
    }
}

#[test]
fn the_leaf_alone_names_its_issuer_and_everything_above_as_missing() {
    let chain = Chain::new(2, chainvet_testkit::KeyKind::P256);
    let report = check(&chain.certs[0].pem());
    let f = single(&report, Code::ChainRootMissing);
    assert!(f.message.contains("only the leaf"), "{}", f.message);
    assert!(
        f.message.contains("CN=Test Intermediate 1"),
        "{}",
        f.message
    );
    assert!(
        f.message
            .contains("intermediate certificates above it and the root are missing"),
        "{}",
        f.message
    );
    assert!(
        f.hint
            .contains("intermediate certificate(s), then the root"),
        "{}",
        f.hint
    );
}

#[test]
fn trust_store_mode_names_the_untrusted_ca_when_the_intermediates_are_complete() {
    use chainvet::{PresentedOptions, TrustStore, Usage};
    let chain = Chain::new(2, chainvet_testkit::KeyKind::P256);
    let other = Chain::new(1, chainvet_testkit::KeyKind::P384);
    let trust = TrustStore::from_pem(other.certs[2].pem().as_bytes()).unwrap();
    let validator = Validator::with_trust_store(chainvet::Policy::default(), trust);
    let options = PresentedOptions::new(at(), Usage::ClientAuth);
    // Leaf and both intermediates, as a client should send them, from a CA the gateway
    // does not trust.
    let pool = [chain.certs[1].der.as_slice(), chain.certs[2].der.as_slice()];
    let report = validator.validate_presented(&chain.certs[0].der, &pool, &options);
    let errors: Vec<Code> = report
        .findings
        .iter()
        .filter(|f| f.severity == chainvet::Severity::Error)
        .map(|f| f.code)
        .collect();
    assert_eq!(errors, [Code::RootNotTrusted], "{:#?}", report.findings);
    let f = report.with_code(Code::RootNotTrusted).next().unwrap();
    assert!(
        f.message.contains("issued by CN=Test Root"),
        "{}",
        f.message
    );
    assert!(!f.hint.contains("Send the intermediate"), "{}", f.hint);
    assert_eq!(f.certificate, Some(2));

    // The leaf alone: its issuer may be an intermediate, so the intermediates are asked for.
    let report = validator.validate_presented(&chain.certs[0].der, &[], &options);
    assert!(
        report.has(Code::ChainIssuerMissing),
        "{:#?}",
        report.findings
    );
    assert!(!report.has(Code::RootNotTrusted));
}

#[test]
fn check_key_findings_give_a_working_openssl_command() {
    use chainvet_testkit::KeyKind;
    let chain = Chain::standard();
    let rsa = Chain::new(1, KeyKind::Rsa2048);
    let strict = chainvet::Policy {
        rsa_min_bits: 3072,
        ..chainvet::Policy::default()
    };
    let report = check_with(strict.clone(), &rsa.pem());
    let f = report
        .with_code(Code::KeyRsaTooSmall)
        .next()
        .expect("key.rsa_too_small");
    let command = f
        .hint
        .split('`')
        .nth(1)
        .filter(|c| c.starts_with("openssl req -new -newkey rsa:3072"))
        .unwrap_or_else(|| panic!("{}", f.hint));
    // Run it as given, non-interactively, and pre-flight the CSR it writes.
    let dir = TempDir::new("key-hint");
    let args: Vec<&str> = command
        .split(' ')
        .skip(1)
        .chain(["-subj", "/CN=client"])
        .collect();
    chainvet_testkit::openssl(dir.path(), &args);
    let csr = std::fs::read(dir.path().join("client.csr")).unwrap();
    let csr_report = Validator::new(strict).unwrap().check_csr(&csr);
    assert!(
        !csr_report.has(Code::KeyRsaTooSmall),
        "{:#?}",
        csr_report.findings
    );
    assert!(csr_report.csr.unwrap().key.contains("3072"));
    // Wording: an EC key, not "a EC key".
    let policy = chainvet::Policy {
        allowed_key_algorithms: vec![chainvet::certificate::KeyAlgorithm::Rsa],
        ..chainvet::Policy::default()
    };
    let r = check_with(policy, &chain.pem());
    let f = r.with_code(Code::KeyAlgorithmNotAllowed).next().unwrap();
    assert!(f.message.contains("has an EC P-256 key"), "{}", f.message);
}

#[test]
fn pkcs12_hint_includes_legacy_and_the_legacy_command_works() {
    let chain = Chain::standard();
    let dir = TempDir::new("p12-legacy");
    dir.write("c.pem", chain.certs[0].pem());
    dir.write("k.pem", chain.certs[0].key_pem());
    // The RC2-40 archive Windows and older Java export.
    chainvet_testkit::openssl(
        dir.path(),
        &[
            "pkcs12",
            "-export",
            "-legacy",
            "-in",
            "c.pem",
            "-inkey",
            "k.pem",
            "-passout",
            "pass:x",
            "-out",
            "client.p12",
        ],
    );
    let p12 = std::fs::read(dir.path().join("client.p12")).unwrap();
    let report = check_bytes(&p12);
    let f = single(&report, Code::InputNotPem);
    assert!(f.hint.contains("`-legacy`"), "{}", f.hint);
    let command = f
        .hint
        .split('`')
        .nth(1)
        .unwrap()
        .replace("FILE", "client.p12");
    assert!(command.starts_with("openssl pkcs12"), "{command}");
    let mut args: Vec<&str> = command.split(' ').skip(1).collect();
    args.extend(["-passin", "pass:x", "-legacy"]);
    chainvet_testkit::openssl(dir.path(), &args);
    let out = std::fs::read_to_string(dir.path().join("chain.pem")).unwrap();
    assert!(out.contains(&chain.certs[0].pem()), "{out}");
}

/// A CA and a leaf it issued with serial `serial` (as `openssl x509 -set_serial` takes
/// it), made by OpenSSL; returns (leaf PEM, CA PEM).
fn openssl_leaf_with_serial(dir: &TempDir, serial: &str) -> (String, String) {
    let run = |args: &[&str]| chainvet_testkit::openssl(dir.path(), args);
    if !dir.path().join("ca.pem").exists() {
        run(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/CN=Serial CA",
            "-days",
            "3650",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        run(&[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/C=DE/O=Example/CN=serial.example",
        ]);
        dir.write(
            "ext.cnf",
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n",
        );
    }
    run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        serial,
        "-days",
        "365",
        "-extfile",
        "ext.cnf",
        "-out",
        "leaf.pem",
    ]);
    (
        std::fs::read_to_string(dir.path().join("leaf.pem")).unwrap(),
        std::fs::read_to_string(dir.path().join("ca.pem")).unwrap(),
    )
}

#[test]
fn negative_serials_are_shown_signed_warned_and_bound_by_their_bytes() {
    let dir = TempDir::new("negative-serial");
    let (leaf, ca) = openssl_leaf_with_serial(&dir, "-0x04316693ED");
    let printed = chainvet_testkit::openssl(
        dir.path(),
        &["x509", "-in", "leaf.pem", "-noout", "-serial"],
    );
    assert_eq!(
        String::from_utf8_lossy(&printed).trim(),
        "serial=-04316693ED"
    );
    let bundle = format!("{leaf}{ca}");
    let validator = Validator::default();
    let report = validator.validate(bundle.as_bytes());
    assert_eq!(report.certificates[0].serial, "-04316693ed");
    assert!(
        report
            .to_json_pretty()
            .contains("\"serial\": \"-04316693ed\"")
    );
    let f = single(&report, Code::CertificateNonconforming);
    assert_eq!(f.severity, chainvet::Severity::Warning);
    assert!(
        f.message.contains("negative serial number, -04316693ed"),
        "{}",
        f.message
    );
    assert!(report.accepted);

    // With RFC 5280 conformance on, the conformance rule reports it (an error), once.
    let strict = chainvet::Policy {
        conformance: chainvet::Conformance {
            rfc5280: true,
            ..chainvet::Conformance::default()
        },
        ..chainvet::Policy::default()
    };
    let r = Validator::new(strict).unwrap().validate(bundle.as_bytes());
    assert_eq!(
        r.with_code(Code::CertificateNonconforming)
            .filter(|f| f.certificate == Some(0))
            .count(),
        1
    );

    // Binding compares the exact bytes: the positive serial with the same digits is
    // another certificate.
    let negative =
        chainvet::Certificate::from_der(pem_rfc7468::decode_vec(leaf.as_bytes()).unwrap().1)
            .unwrap();
    assert_eq!(negative.serial_bytes(), [0xfb, 0xce, 0x99, 0x6c, 0x13]);
    let binding = chainvet::Binding::new(vec![chainvet::Registration::from_certificate(&negative)]);
    let outcome = validator.check_binding(&negative, &binding, Timestamp::now());
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
    let (positive_pem, _) = openssl_leaf_with_serial(&dir, "0x04316693ED");
    let positive = chainvet::Certificate::from_der(
        pem_rfc7468::decode_vec(positive_pem.as_bytes()).unwrap().1,
    )
    .unwrap();
    assert_eq!(positive.serial_hex(), "04316693ed");
    let outcome = validator.check_binding(&positive, &binding, Timestamp::now());
    assert!(
        outcome
            .findings
            .iter()
            .any(|f| f.code == Code::BindingSerialMismatch),
        "{:#?}",
        outcome.findings
    );
}

#[test]
fn hostile_shapes_stay_bounded_and_never_panic() {
    let chain = Chain::standard();
    let pem = chain.pem();
    // Thousands of boundaries run together on one line: one finding, a short message.
    let glued = "-----END CERTIFICATE----------BEGIN CERTIFICATE-----".repeat(5000);
    for input in [
        format!("{pem}{glued}\n"),
        // Escapes nested deeper than any tool writes: unescaped three times at most.
        pem.replace('\n', "\\\\\\\\\\\\\\\\n"),
        // A UTF-16 byte-order mark before garbage and an odd trailing byte.
        String::from_utf8_lossy(&[0xff, 0xfe, 0x00, 0xd8, 0x41]).into_owned(),
        // Boundaries and dashes in every position.
        "-----BEGIN-----END-----BEGIN X----------END X-----\n--------------------\n".repeat(50),
    ] {
        let report = check(&input);
        assert!(!report.findings.is_empty());
        for f in &report.findings {
            assert!(
                f.message.len() < 2_000,
                "{}: {} bytes",
                f.code,
                f.message.len()
            );
        }
        assert!(report.with_code(Code::PemBoundariesJoined).count() <= 1);
    }
    let bytes = [&[0xff, 0xfe][..], &[0x41; 4097][..]].concat();
    let report = check_bytes(&bytes);
    assert!(report.has(Code::InputUtf16), "{:#?}", report.findings);
}
