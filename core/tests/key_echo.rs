//! The attacker's test of "a private key is never echoed, whatever its shape": every
//! shape of RSA, EC and Ed25519 keys (PKCS#8, PKCS#1, SEC1, encrypted PKCS#8, PEM and
//! DER, PKCS#12, one line with literal `\n`, CR-only, lower-case labels, indented,
//! UTF-16, a body without its BEGIN line) goes through every Rust entry point: check,
//! fix, csr, match, registry loading, trust-store mode and DER lists. No 16-character
//! run of the key's base64 or DER hex may appear in any report, message, hint, JSON,
//! error or Debug output; the key must be recognised; and no input holding it may be
//! cached.

use std::sync::OnceLock;

use chainvet::binding::leaf_of;
use chainvet::presented::der_certificates;
use chainvet::{
    Code, Options, PresentedOptions, Registration, Registry, Report, Timestamp, Usage, Validator,
};
use chainvet_testkit::key_shapes::{self, Shape, leaked};
use chainvet_testkit::{Chain, TempDir, at, openssl};

struct Fixture {
    _dir: TempDir,
    shapes: Vec<Shape>,
    chain: Chain,
    csr: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = TempDir::new("key-echo");
        let shapes = key_shapes::all(dir.path());
        openssl(
            dir.path(),
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                "csr-key.pem",
            ],
        );
        let csr = openssl(
            dir.path(),
            &[
                "req",
                "-new",
                "-key",
                "csr-key.pem",
                "-subj",
                "/CN=client.example",
            ],
        );
        Fixture {
            _dir: dir,
            shapes,
            chain: Chain::standard(),
            csr,
        }
    })
}

fn when() -> Timestamp {
    Timestamp(at())
}

fn assert_clean(shape: &Shape, what: &str, output: &str) {
    if let Some(run) = leaked(output, &shape.secrets) {
        panic!(
            "{}: {what} echoes key material `{run}`:\n{output}",
            shape.name
        );
    }
}

fn report_text(r: &Report) -> String {
    let mut all = r.to_json();
    for f in &r.findings {
        all.push_str(&format!("\n{f}\n{}\n{}", f.message, f.hint));
    }
    all.push_str(&format!("\n{r:?}"));
    all
}

/// The inputs a shape is tried as: alone, and (text shapes) after a valid chain.
fn inputs(f: &Fixture, shape: &Shape) -> Vec<(&'static str, Vec<u8>)> {
    let mut v = vec![("alone", shape.bytes.clone())];
    if shape.text && !shape.name.ends_with(".utf16") {
        let mut with_chain = f.chain.pem().into_bytes();
        with_chain.extend_from_slice(&shape.bytes);
        v.push(("after a chain", with_chain));
        let mut before = shape.bytes.clone();
        before.extend_from_slice(f.chain.pem().as_bytes());
        v.push(("before a chain", before));
    }
    v
}

#[test]
fn there_are_shapes_of_every_kind() {
    let f = fixture();
    for needle in [
        "rsa/pkcs8.pem",
        "rsa/pkcs1.one-line-json",
        "ec/sec1.cr-only",
        "ed25519/encrypted-pkcs8.no-begin-line",
        "rsa/pkcs1.der",
        "ec/sec1.der",
        "ed25519/pkcs8.der",
        "rsa/p12",
        "ec/pkcs8.utf16",
        "ed25519/pkcs8.body-only",
        "rsa/encrypted-pkcs8.lower-case-label",
    ] {
        assert!(
            f.shapes.iter().any(|s| s.name == needle),
            "no shape {needle}"
        );
    }
    assert!(f.shapes.len() >= 80, "{}", f.shapes.len());
}

#[test]
fn check_recognises_every_shape_never_echoes_it_and_never_caches_it() {
    let f = fixture();
    let v = Validator::default();
    for shape in &f.shapes {
        for (how, input) in inputs(f, shape) {
            let what = format!("check ({how})");
            let r = v.validate_at(&input, when());
            assert_clean(shape, &what, &report_text(&r));
            assert!(!r.accepted, "{}: {what} accepted", shape.name);
            let named = r.has(Code::PemPrivateKeyPresent)
                || (shape.name.ends_with("/p12")
                    && r.findings.iter().any(|f| f.message.contains("PKCS#12")));
            assert!(
                named,
                "{}: {what}: the key is not reported: {:#?}",
                shape.name, r.findings
            );
            // Through the per-call path too (options, revocation off-line).
            let mut options = Options::at(when());
            options.offline = true;
            assert_clean(
                shape,
                &what,
                &report_text(&v.validate_with(&input, &options)),
            );
        }
    }
    assert_eq!(
        v.cache_usage().analyses.0,
        0,
        "an input holding a private key was cached"
    );
    // The same validator caches a clean chain: the cache was on.
    v.validate_at(f.chain.pem().as_bytes(), when());
    assert_eq!(v.cache_usage().analyses.0, 1);
}

#[test]
fn fix_refuses_or_drops_every_shape_without_echoing_it() {
    let f = fixture();
    let v = Validator::default();
    for shape in &f.shapes {
        for (how, input) in inputs(f, shape) {
            let what = format!("fix ({how})");
            match v.fix_at(&input, when()) {
                Ok(fixed) => {
                    let mut all = fixed.pem.clone();
                    all.push_str(&fixed.changes.join("\n"));
                    all.push_str(&report_text(&fixed.report));
                    assert_clean(shape, &what, &all);
                    assert_eq!(fixed.pem, f.chain.pem(), "{}: {what}", shape.name);
                    assert!(
                        fixed.changes.iter().any(|c| c.contains("private key")),
                        "{}: {what}: {:?}",
                        shape.name,
                        fixed.changes
                    );
                }
                Err(refused) => {
                    let all = format!("{refused}\n{refused:?}\n{}", report_text(&refused.report));
                    assert_clean(shape, &what, &all);
                }
            }
        }
    }
}

#[test]
fn csr_check_match_registry_and_trust_store_mode_never_echo_a_key() {
    let f = fixture();
    let v = Validator::default();
    let dir = TempDir::new("key-echo-registry");
    let trust = chainvet::TrustStore::from_pem(f.chain.certs[2].pem().as_bytes()).expect("anchor");
    let gateway = Validator::with_trust_store(chainvet::Policy::default(), trust);
    for shape in &f.shapes {
        let name = &shape.name;
        // csr: the key alone, and a CSR with the key after it.
        let r = v.check_csr(&shape.bytes);
        let all = format!("{}\n{r:?}", r.to_json_pretty());
        assert_clean(shape, "csr", &all);
        assert!(!r.accepted, "{name}: csr accepted a key");
        if shape.text && !name.ends_with(".utf16") {
            let both = [f.csr.as_slice(), &shape.bytes].concat();
            let r = v.check_csr(&both);
            assert_clean(
                shape,
                "csr + key",
                &format!("{}\n{r:?}", r.to_json_pretty()),
            );
            assert!(
                r.findings
                    .iter()
                    .any(|f| f.code == Code::PemPrivateKeyPresent),
                "{name}: csr + key: {:#?}",
                r.findings
            );
        }

        // match: the key as the presented and as the registered certificate.
        for (how, input) in inputs(f, shape) {
            match leaf_of(&input) {
                Ok(cert) => {
                    // Only with a chain around it: the leaf is the chain's.
                    assert_ne!(how, "alone", "{name}: a key read as a certificate");
                    assert_eq!(cert.der(), f.chain.certs[0].der.as_slice());
                }
                Err(e) => assert_clean(shape, "match", &format!("{e}\n{e:?}")),
            }
            if let Err(e) = Registration::from_bytes(&input) {
                assert_clean(shape, "registration", &format!("{e}\n{e:?}"));
            }
        }
        let err = leaf_of(&shape.bytes).expect_err("a key is not a certificate");
        assert!(
            err.to_string().contains("key") || err.to_string().contains("PKCS#12"),
            "{name}: {err}"
        );

        // Registry loading: the shape as a registered certificate file.
        let file = format!("{}.key", name.replace('/', "-"));
        dir.write(&file, &shape.bytes);
        let text = format!("[clients.acme]\ncertificates = [\"{file}\"]\n");
        let err = Registry::from_text(&text, dir.path()).expect_err("a key is not a registration");
        assert_clean(shape, "registry", &format!("{err}\n{err:?}"));
        let toml = dir.write("registry.toml", &text);
        let err = Registry::from_file(&toml).expect_err("a key is not a registration");
        assert_clean(shape, "registry file", &format!("{err}\n{err:?}"));

        // Trust-store mode: the key as the leaf, and in the pool; DER lists.
        let options = PresentedOptions::new(when(), Usage::ClientAuth);
        match der_certificates(&shape.bytes) {
            Ok(ders) => {
                for der in &ders {
                    let r = gateway.validate_presented(der, &[], &options);
                    assert_clean(shape, "validate_presented", &report_text(&r));
                    assert!(!r.accepted, "{name}");
                }
            }
            Err(e) => assert_clean(shape, "der_certificates", &format!("{e}\n{e:?}")),
        }
        let leaf = f.chain.certs[0].der.as_slice();
        let r = gateway.validate_presented(leaf, &[&shape.bytes], &options);
        assert_clean(shape, "validate_presented pool", &report_text(&r));
        let r = v.validate_der_at(&[&shape.bytes], when());
        assert_clean(shape, "validate_der", &report_text(&r));
        assert!(!r.accepted, "{name}");
        let r = v.validate_der_at(&[leaf, &shape.bytes], when());
        assert_clean(shape, "validate_der", &report_text(&r));
    }
    assert_eq!(
        v.cache_usage().analyses.0,
        0,
        "a DER list holding a key was cached"
    );
}

#[test]
fn labels_are_shown_only_when_valid() {
    let v = Validator::default();
    let chain = Chain::standard();
    // Base64 (of the alphabet), not a key: as a label it must not be shown either.
    let body = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo";
    for bad in [
        format!("-----BEGIN {body}-----\nQUJD\n-----END {body}-----\n"),
        "-----BEGIN X\u{1b}[31mRED-----\nQUJD\n-----END X\u{1b}[31mRED-----\n".to_owned(),
        format!(
            "-----BEGIN {}-----\nQUJD\n-----END {}-----\n",
            "A ".repeat(40).trim(),
            "A ".repeat(40).trim()
        ),
        format!("-----BEGIN CERTIFICATE-----\nQUJD\n-----END {body}-----\n"),
    ] {
        let r = v.validate_at(format!("{}{bad}", chain.pem()).as_bytes(), when());
        let json = r.to_json();
        assert!(!json.contains(&body[..16]), "{json}");
        assert!(
            !json.contains('\u{1b}') && !json.contains("\\u001b"),
            "{json}"
        );
        assert!(
            !json.contains("A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A"),
            "{json}"
        );
        assert!(
            r.findings
                .iter()
                .any(|f| f.message.contains("not a valid RFC 7468 label")),
            "{:#?}",
            r.findings
        );
    }
    // A valid unknown label is named.
    let r = v.validate_at(
        format!(
            "{}-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n",
            chain.pem()
        )
        .as_bytes(),
        when(),
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.message.contains("a X509 CRL block")),
        "{:#?}",
        r.findings
    );
}
