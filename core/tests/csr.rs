//! CSR pre-flight against requests made by the real `openssl req` at test time.

use chainvet::{Code, CsrReport, Policy, SubjectAttribute, SubjectPolicy, Validator};
use chainvet_testkit::{Chain, TempDir, openssl};

const GOOD_SUBJECT: &str = "/C=DE/ST=Berlin/O=Acme GmbH/CN=api.acme.payrails.io";

/// The policy a Payrails-like operator publishes: C, ST, O and CN, CN on its domain.
fn payrails() -> Validator {
    Validator::new(Policy {
        subject: SubjectPolicy {
            required_attributes: vec![
                SubjectAttribute::Country,
                SubjectAttribute::StateOrProvince,
                SubjectAttribute::Organization,
                SubjectAttribute::CommonName,
            ],
            common_names: vec!["api.*.payrails.io".to_owned()],
            dns_names: vec!["api.*.payrails.io".to_owned()],
            check_country: true,
        },
        ..Policy::default()
    })
    .expect("policy")
}

/// `openssl req -new` with a fresh key made by `newkey` (e.g. `rsa:2048`); returns the
/// PEM CSR. `extra` goes to the end of the command line.
fn req(dir: &TempDir, newkey: &[&str], subject: &str, extra: &[&str]) -> Vec<u8> {
    let mut args = vec![
        "req", "-new", "-nodes", "-keyout", "key.pem", "-subj", subject,
    ];
    args.extend_from_slice(newkey);
    args.extend_from_slice(extra);
    args.extend_from_slice(&["-out", "req.csr"]);
    openssl(dir.path(), &args);
    std::fs::read(dir.path().join("req.csr")).expect("openssl wrote the CSR")
}

fn codes(report: &CsrReport) -> Vec<Code> {
    report.findings.iter().map(|f| f.code).collect()
}

#[test]
fn openssl_csrs_pass() {
    let dir = TempDir::new("csr-good");
    for (newkey, key) in [
        (&["-newkey", "rsa:2048"][..], "RSA 2048"),
        (&["-newkey", "rsa:4096"][..], "RSA 4096"),
        (
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"][..],
            "EC P-256",
        ),
    ] {
        let pem = req(&dir, newkey, GOOD_SUBJECT, &[]);
        let report = payrails().check_csr(&pem);
        assert!(report.accepted, "{key}: {:#?}", report.findings);
        assert!(report.findings.is_empty(), "{key}: {:#?}", report.findings);
        let info = report.csr.as_ref().unwrap();
        assert_eq!(info.key, key);
        assert_eq!(
            info.subject,
            "CN=api.acme.payrails.io,O=Acme GmbH,ST=Berlin,C=DE"
        );

        // The same request as DER.
        let der = openssl(dir.path(), &["req", "-in", "req.csr", "-outform", "DER"]);
        let report = payrails().check_csr(&der);
        assert!(report.accepted, "{key} DER: {:#?}", report.findings);
    }
}

#[test]
fn a_1024_bit_key_fails() {
    let dir = TempDir::new("csr-1024");
    let pem = req(&dir, &["-newkey", "rsa:1024"], GOOD_SUBJECT, &[]);
    let report = payrails().check_csr(&pem);
    assert!(!report.accepted);
    assert_eq!(codes(&report), [Code::KeyRsaTooSmall]);
    let f = &report.findings[0];
    assert_eq!(f.certificate, None);
    assert!(
        f.message
            .contains("the CSR (CN=api.acme.payrails.io,O=Acme GmbH,ST=Berlin,C=DE) has a 1024-bit RSA key; the policy requires at least 2048 bits"),
        "{}",
        f.message
    );
    assert!(f.hint.contains("rsa:2048"), "{}", f.hint);
}

#[test]
fn a_missing_country_fails() {
    let dir = TempDir::new("csr-no-c");
    let pem = req(
        &dir,
        &["-newkey", "rsa:2048"],
        "/ST=Berlin/O=Acme GmbH/CN=api.acme.payrails.io",
        &[],
    );
    let report = payrails().check_csr(&pem);
    assert_eq!(codes(&report), [Code::SubjectMissingAttribute]);
    let f = &report.findings[0];
    assert!(
        f.message.contains("has no C (countryName)"),
        "{}",
        f.message
    );
    assert_eq!(
        f.hint,
        "Create the CSR again with C in the subject, e.g. `openssl req -new -key client.key -subj '/C=DE/ST=Berlin/O=Example GmbH/CN=api.example.payrails.io' -out client.csr`."
    );
}

#[test]
fn subject_rules_apply_to_csrs() {
    let dir = TempDir::new("csr-subject");
    let pem = req(
        &dir,
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "/C=UK/ST=London/O=Acme Ltd/CN=api.acme.example.com",
        &[
            "-addext",
            "subjectAltName=DNS:api.acme.payrails.io,DNS:evil.example",
        ],
    );
    let report = payrails().check_csr(&pem);
    assert_eq!(
        codes(&report),
        [
            Code::SubjectCnMismatch,
            Code::SubjectCountryInvalid,
            Code::SubjectDnsNameNotAllowed
        ],
        "{:#?}",
        report.findings
    );
    assert!(report.findings[1].message.contains("`GB`"));
    assert!(report.findings[2].message.contains("`evil.example`"));
    assert_eq!(
        report.csr.unwrap().dns_names,
        ["api.acme.payrails.io", "evil.example"]
    );
}

#[test]
fn a_corrupted_signature_is_invalid() {
    let dir = TempDir::new("csr-corrupt");
    req(&dir, &["-newkey", "rsa:2048"], GOOD_SUBJECT, &[]);
    let mut der = openssl(dir.path(), &["req", "-in", "req.csr", "-outform", "DER"]);
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let report = payrails().check_csr(&der);
    assert_eq!(codes(&report), [Code::CsrSignatureInvalid]);
    assert!(
        report.findings[0]
            .message
            .contains("does not verify with its own public key"),
        "{}",
        report.findings[0].message
    );
    // Re-encoded as PEM, and with the subject altered instead of the signature.
    let pem = pem_rfc7468_encode(&der);
    assert_eq!(
        codes(&payrails().check_csr(pem.as_bytes())),
        [Code::CsrSignatureInvalid]
    );
    der[last] ^= 0x01;
    let acme = der.windows(4).position(|w| w == b"Acme").unwrap();
    der[acme] = b'X';
    assert_eq!(
        codes(&payrails().check_csr(&der)),
        [Code::CsrSignatureInvalid]
    );
}

fn pem_rfc7468_encode(der: &[u8]) -> String {
    pem_rfc7468::encode_string("CERTIFICATE REQUEST", pem_rfc7468::LineEnding::LF, der)
        .expect("PEM encoding")
}

#[test]
fn key_rules_are_the_certificate_rules() {
    let dir = TempDir::new("csr-keys");
    let strict = Validator::new(Policy {
        allowed_curves: vec![chainvet::certificate::Curve::P256],
        allowed_key_algorithms: vec![
            chainvet::certificate::KeyAlgorithm::Rsa,
            chainvet::certificate::KeyAlgorithm::Ec,
        ],
        ..Policy::default()
    })
    .unwrap();
    let p384 = req(
        &dir,
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
        GOOD_SUBJECT,
        &[],
    );
    assert_eq!(codes(&strict.check_csr(&p384)), [Code::KeyCurveNotAllowed]);
    let ed = req(&dir, &["-newkey", "ed25519"], GOOD_SUBJECT, &[]);
    assert!(
        Validator::default().check_csr(&ed).accepted,
        "Ed25519 is allowed by default"
    );
    assert_eq!(
        codes(&strict.check_csr(&ed)),
        [Code::KeyAlgorithmNotAllowed]
    );

    // secp256k1 cannot be verified here: unsupported, not forged.
    let k1 = req(
        &dir,
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
        GOOD_SUBJECT,
        &[],
    );
    assert_eq!(
        codes(&Validator::default().check_csr(&k1)),
        [
            Code::SignatureUnsupportedAlgorithm,
            Code::KeyCurveNotAllowed
        ]
    );

    let sha1 = req(&dir, &["-newkey", "rsa:2048"], GOOD_SUBJECT, &["-sha1"]);
    assert_eq!(
        codes(&Validator::default().check_csr(&sha1)),
        [Code::SignatureWeakAlgorithm]
    );
}

#[test]
fn a_private_key_instead_is_refused_without_echoing_it() {
    let dir = TempDir::new("csr-key");
    let csr = req(&dir, &["-newkey", "rsa:2048"], GOOD_SUBJECT, &[]);
    let key = std::fs::read(dir.path().join("key.pem")).unwrap();
    let key_text = String::from_utf8(key.clone()).unwrap();
    let key_der = openssl(dir.path(), &["pkey", "-in", "key.pem", "-outform", "DER"]);
    let rsa_der = openssl(
        dir.path(),
        &["rsa", "-in", "key.pem", "-outform", "DER", "-traditional"],
    );
    let ec_der = {
        openssl(
            dir.path(),
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                "ec.pem",
            ],
        );
        openssl(dir.path(), &["ec", "-in", "ec.pem", "-outform", "DER"])
    };

    let v = Validator::default();
    let report = v.check_csr(&key);
    assert_eq!(codes(&report), [Code::CsrMalformed]);
    assert!(
        report.findings[0]
            .message
            .contains("a private key (PRIVATE KEY), not a CSR"),
        "{}",
        report.findings[0].message
    );
    for (what, input) in [
        ("PKCS#8", &key_der),
        ("PKCS#1", &rsa_der),
        ("SEC1", &ec_der),
    ] {
        let report = v.check_csr(input);
        assert_eq!(codes(&report), [Code::CsrMalformed], "{what}");
        assert!(
            report.findings[0].message.contains("DER private key"),
            "{what}: {}",
            report.findings[0].message
        );
    }

    // Key and CSR together: the CSR is checked, the key reported, never shown.
    let both = [csr.as_slice(), key.as_slice()].concat();
    let report = v.check_csr(&both);
    assert_eq!(codes(&report), [Code::PemPrivateKeyPresent]);
    assert!(report.csr.is_some());

    for report in [v.check_csr(&key), v.check_csr(&both), v.check_csr(&key_der)] {
        let json = report.to_json_pretty();
        for line in key_text.lines().filter(|l| !l.starts_with("-----")) {
            assert!(!json.contains(line), "key material echoed");
        }
    }
}

#[test]
fn other_inputs_are_malformed_and_say_what_they_are() {
    let chain = Chain::standard();
    let v = Validator::default();
    let cert_pem = chain.certs[0].pem();
    let cases: [(&[u8], &str); 6] = [
        (cert_pem.as_bytes(), "a certificate, not a CSR"),
        (&chain.certs[0].der, "a binary DER certificate, not a CSR"),
        (
            b"hello, this is not a CSR\n",
            "text without a -----BEGIN CERTIFICATE REQUEST----- block",
        ),
        (
            b"\x30\x82\x01\x00garbage",
            "not a PKCS#10 certificate signing request",
        ),
        (
            b"-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n",
            "the CSR is not a valid PKCS#10 request",
        ),
        (
            b"-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n",
            "the CSR block is malformed",
        ),
    ];
    for (input, expect) in cases {
        let report = v.check_csr(input);
        assert_eq!(codes(&report), [Code::CsrMalformed], "{expect}");
        assert!(
            report.findings[0].message.contains(expect),
            "{}",
            report.findings[0].message
        );
        assert!(!report.accepted);
        assert!(report.csr.is_none());
    }
    assert_eq!(codes(&v.check_csr(b"  \n")), [Code::InputEmpty]);

    // Two CSRs in one file: the first is checked, the second flagged.
    let dir = TempDir::new("csr-two");
    let one = req(&dir, &["-newkey", "rsa:2048"], GOOD_SUBJECT, &[]);
    let report = v.check_csr(&[one.as_slice(), one.as_slice()].concat());
    assert_eq!(codes(&report), [Code::CsrMalformed]);
    assert!(report.findings[0].message.contains("holds 2 CSRs"));
    assert!(report.csr.is_some());
}
