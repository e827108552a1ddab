//! Binding a presented leaf to a client's registered certificates: every mode, every
//! `binding.*` code, rotation, and serial encodings.

use std::sync::Arc;

use chainvet::binding::leaf_of;
use chainvet::{
    Binding, BindingMode, BindingOutcome, Certificate, Code, Options, Policy, Registration,
    Timestamp, Validator,
};
use chainvet_testkit::{Chain, Issued, KeyKind, Spec, at, date, issue, self_signed};

fn ca(name: &str) -> Issued {
    self_signed(Spec::ca(name).key(KeyKind::P256, 1))
}

fn leaf_spec(cn: &str, serial: &[u8]) -> Spec {
    Spec {
        serial: Some(serial.to_vec()),
        ..Spec::leaf(cn)
    }
}

fn cert(issued: &Issued) -> Certificate {
    Certificate::from_der(issued.der.clone()).expect("testkit certificates parse")
}

fn reg(issued: &Issued, label: &str) -> Registration {
    Registration::from_certificate(&cert(issued)).with_label(label)
}

fn now() -> Timestamp {
    Timestamp(at())
}

fn check(presented: &Issued, binding: &Binding) -> BindingOutcome {
    Validator::default().check_binding(&cert(presented), binding, now())
}

fn codes(outcome: &BindingOutcome) -> Vec<Code> {
    outcome.findings.iter().map(|f| f.code).collect()
}

#[test]
fn the_registered_certificate_matches_in_every_mode() {
    let ca = ca("Binding CA");
    let leaf = issue(leaf_spec("client.example.com", &[0x11, 0x22]), &ca);
    for mode in BindingMode::ALL {
        let binding = Binding::new(vec![reg(&leaf, "client.pem")]).with_mode(mode);
        let outcome = check(&leaf, &binding);
        assert!(outcome.accepted, "{mode}: {:#?}", outcome.findings);
        assert_eq!(outcome.matched, Some(0), "{mode}");
        assert!(outcome.findings.is_empty(), "{mode}");
    }
}

#[test]
fn serial_mismatch_names_both_serials_in_hex() {
    let ca = ca("Binding CA");
    let registered = issue(leaf_spec("client.example.com", &[0x0a, 0x01]), &ca);
    let presented = issue(leaf_spec("client.example.com", &[0x0a, 0x02]), &ca);
    let outcome = check(
        &presented,
        &Binding::new(vec![reg(&registered, "client.pem")]),
    );
    assert!(!outcome.accepted);
    assert_eq!(outcome.matched, None);
    assert_eq!(codes(&outcome), [Code::BindingSerialMismatch]);
    let f = &outcome.findings[0];
    assert_eq!(f.certificate, Some(0));
    assert!(
        f.message.contains("has serial 0a02") && f.message.contains("`client.pem` has serial 0a01"),
        "{}",
        f.message
    );
    assert!(f.message.contains("CN=client.example.com"), "{}", f.message);
    assert!(f.hint.contains("register this one"), "{}", f.hint);
}

#[test]
fn cn_mismatch_names_both_names() {
    let ca = ca("Binding CA");
    let registered = issue(leaf_spec("client.example.com", &[0x33]), &ca);
    let presented = issue(leaf_spec("other.example.com", &[0x33]), &ca);
    let outcome = check(&presented, &Binding::new(vec![reg(&registered, "r.pem")]));
    assert_eq!(codes(&outcome), [Code::BindingCnMismatch]);
    let m = &outcome.findings[0].message;
    assert!(
        m.contains("has CN `other.example.com`") && m.contains("has CN `client.example.com`"),
        "{m}"
    );
}

#[test]
fn issuer_counts_in_the_default_mode_only() {
    // Same serial and CN from two CAs: serials are unique only per issuer.
    let ca1 = ca("First CA");
    let ca2 = ca("Second CA");
    let registered = issue(leaf_spec("client.example.com", &[0x44]), &ca1);
    let presented = issue(leaf_spec("client.example.com", &[0x44]), &ca2);
    let registration = reg(&registered, "r.pem");

    let outcome = check(&presented, &Binding::new(vec![registration.clone()]));
    assert_eq!(codes(&outcome), [Code::BindingIssuerMismatch]);
    let m = &outcome.findings[0].message;
    assert!(
        m.contains("was issued by `CN=Second CA,O=Example CA,C=DE`")
            && m.contains("was issued by `CN=First CA,O=Example CA,C=DE`"),
        "{m}"
    );

    let loose = Binding::new(vec![registration]).with_mode(BindingMode::SerialCn);
    assert!(
        check(&presented, &loose).accepted,
        "serial+cn ignores the issuer"
    );
}

#[test]
fn fingerprint_mode_tells_a_reissued_certificate_apart() {
    // Same serial, CN and issuer but another key: only the fingerprint differs.
    let ca = ca("Binding CA");
    let registered = issue(leaf_spec("client.example.com", &[0x55]), &ca);
    let presented = issue(
        leaf_spec("client.example.com", &[0x55]).key(KeyKind::P256, 7),
        &ca,
    );
    let registration = reg(&registered, "r.pem");
    assert!(check(&presented, &Binding::new(vec![registration.clone()])).accepted);

    let pinned = Binding::new(vec![registration]).with_mode(BindingMode::Fingerprint);
    let outcome = check(&presented, &pinned);
    assert_eq!(codes(&outcome), [Code::BindingFingerprintMismatch]);
    let m = &outcome.findings[0].message;
    assert!(m.contains(&cert(&presented).sha256_hex()), "{m}");
    assert!(m.contains(&cert(&registered).sha256_hex()), "{m}");
}

#[test]
fn spki_mode_follows_the_key_across_reissues() {
    let ca = ca("Binding CA");
    let registered = issue(leaf_spec("client.example.com", &[0x66]), &ca);
    let same_key = issue(leaf_spec("renewed.example.com", &[0x67]), &ca);
    let other_key = issue(
        leaf_spec("client.example.com", &[0x66]).key(KeyKind::P256, 8),
        &ca,
    );
    let binding = Binding::new(vec![reg(&registered, "r.pem")]).with_mode(BindingMode::Spki);
    assert!(check(&same_key, &binding).accepted);
    let outcome = check(&other_key, &binding);
    assert_eq!(codes(&outcome), [Code::BindingSpkiMismatch]);
    assert!(
        outcome.findings[0].message.contains("pins "),
        "{}",
        outcome.findings[0].message
    );
}

#[test]
fn pins_compare_on_what_they_pin_whatever_the_mode() {
    let chain = Chain::standard();
    let leaf = cert(&chain.certs[0]);
    let fingerprint = Registration::from_sha256_hex(&leaf.sha256_hex()).unwrap();
    let binding = Binding::new(vec![fingerprint]).with_mode(BindingMode::SerialCn);
    assert!(
        Validator::default()
            .check_binding(&leaf, &binding, now())
            .accepted
    );

    let other = issue(
        Spec::leaf("Other Leaf").key(KeyKind::P256, 9),
        &chain.certs[1],
    );
    let outcome = check(&other, &binding);
    assert_eq!(codes(&outcome), [Code::BindingFingerprintMismatch]);

    let spki = Registration::from_spki_sha256_hex(&"00".repeat(32)).unwrap();
    let outcome = check(&other, &Binding::new(vec![spki]));
    assert_eq!(codes(&outcome), [Code::BindingSpkiMismatch]);

    assert!(Registration::from_sha256_hex("12:34").is_err());
}

#[test]
fn nothing_registered() {
    let chain = Chain::standard();
    let outcome = check(
        &chain.certs[0],
        &Binding::new(Vec::new()).with_client("acme"),
    );
    assert_eq!(codes(&outcome), [Code::BindingNoRegisteredCertificate]);
    assert!(
        outcome.findings[0].message.contains("client `acme`"),
        "{}",
        outcome.findings[0].message
    );
}

/// Old (expired before `at`), current and next certificates of one client.
fn rotation() -> (Issued, Issued, Issued) {
    let ca = ca("Rotation CA");
    let old = issue(
        leaf_spec("client.example.com", &[0x01]).validity(date(2023, 1, 1), date(2025, 1, 1)),
        &ca,
    );
    let current = issue(
        leaf_spec("client.example.com", &[0x02]).validity(date(2025, 1, 1), date(2027, 1, 1)),
        &ca,
    );
    let next = issue(
        leaf_spec("client.example.com", &[0x03]).validity(date(2026, 5, 1), date(2028, 5, 1)),
        &ca,
    );
    (old, current, next)
}

#[test]
fn rotation_two_active_and_one_expired() {
    let (old, current, next) = rotation();
    let binding = Binding::new(vec![
        reg(&old, "2023.pem"),
        reg(&current, "2025.pem"),
        reg(&next, "2026.pem"),
    ])
    .with_client("acme");
    assert_eq!(binding.max_active(), 2);

    let outcome = check(&current, &binding);
    assert!(outcome.accepted, "{:#?}", outcome.findings);
    assert_eq!(outcome.matched, Some(1));
    let outcome = check(&next, &binding);
    assert!(outcome.accepted, "{:#?}", outcome.findings);
    assert_eq!(outcome.matched, Some(2));

    // The expired registration never matches, even for its own certificate.
    let outcome = check(&old, &binding);
    assert!(!outcome.accepted);
    assert_eq!(outcome.matched, None);
    assert_eq!(codes(&outcome), [Code::BindingSerialMismatch]);
    let m = &outcome.findings[0].message;
    assert!(m.contains("closest of the 2 active registrations"), "{m}");
    assert!(
        m.contains("it is the registered certificate `2023.pem`, which expired on 2025-01-01"),
        "{m}"
    );

    // Only expired registrations: nothing is registered any more.
    let only_old = Binding::new(vec![reg(&old, "2023.pem")]);
    let outcome = check(&old, &only_old);
    assert_eq!(codes(&outcome), [Code::BindingNoRegisteredCertificate]);
    assert!(
        outcome.findings[0].message.contains("has expired"),
        "{}",
        outcome.findings[0].message
    );
}

#[test]
fn more_active_registrations_than_allowed() {
    let (_, current, next) = rotation();
    let third = issue(leaf_spec("client.example.com", &[0x04]), &ca("Rotation CA"));
    let regs = vec![
        reg(&current, "2025.pem"),
        reg(&next, "2026.pem"),
        reg(&third, "third.pem"),
    ];
    let outcome = check(&current, &Binding::new(regs.clone()).with_client("acme"));
    assert!(!outcome.accepted);
    assert_eq!(outcome.matched, Some(0), "the leaf itself matches");
    assert_eq!(codes(&outcome), [Code::BindingTooManyActive]);
    let m = &outcome.findings[0].message;
    assert!(
        m.contains("client `acme` has 3 active registrations"),
        "{m}"
    );
    assert!(m.contains("at most 2"), "{m}");

    assert!(check(&current, &Binding::new(regs.clone()).with_max_active(3)).accepted);
    assert!(check(&current, &Binding::new(regs).with_max_active(0)).accepted);
}

#[test]
fn serials_with_a_sign_byte_compare_and_display_as_integers() {
    let ca = ca("Serial CA");
    // 0x80.. needs a leading 0x00 in DER; given with and without it, it is one integer.
    let with_sign = issue(leaf_spec("client.example.com", &[0x00, 0x80, 0x01]), &ca);
    let without = issue(leaf_spec("client.example.com", &[0x80, 0x01]), &ca);
    assert_eq!(cert(&with_sign).serial_bytes(), [0x00, 0x80, 0x01]);
    assert_eq!(cert(&without).serial_bytes(), [0x00, 0x80, 0x01]);
    let binding = Binding::new(vec![reg(&with_sign, "r.pem")]);
    assert!(check(&without, &binding).accepted);
    assert_eq!(
        binding.registrations()[0].serial_hex().as_deref(),
        Some("8001")
    );

    // Redundant leading zero bytes are not DER: rcgen encodes [0, 0, 0x7f] minimally, and
    // a certificate that really carries them does not parse (certificate.malformed), so
    // a padded serial can never reach the comparison.
    let padded = issue(leaf_spec("client.example.com", &[0x00, 0x00, 0x7f]), &ca);
    let plain = issue(leaf_spec("client.example.com", &[0x7f]), &ca);
    assert_eq!(cert(&padded).serial_bytes(), [0x7f]);
    assert!(check(&plain, &Binding::new(vec![reg(&padded, "r.pem")])).accepted);

    // A mismatch shows the serials without the sign byte.
    let other = issue(leaf_spec("client.example.com", &[0x80, 0x02]), &ca);
    let outcome = check(&other, &binding);
    let m = &outcome.findings[0].message;
    assert!(
        m.contains("has serial 8002;") && m.contains("has serial 8001"),
        "{m}"
    );
    assert!(!m.contains("008"), "{m}");
}

#[test]
fn twenty_byte_serials_compare_exactly() {
    let ca = ca("Serial CA");
    let mut a = [0xffu8; 20];
    let registered = issue(leaf_spec("client.example.com", &a), &ca);
    assert_eq!(
        cert(&registered).serial_bytes().len(),
        21,
        "sign byte added"
    );
    let same = issue(
        leaf_spec("client.example.com", &a).key(KeyKind::P256, 3),
        &ca,
    );
    a[19] = 0xfe;
    let last_byte_differs = issue(leaf_spec("client.example.com", &a), &ca);
    let mut b = [0x7fu8; 20];
    b[0] = 0x12;
    let positive = issue(leaf_spec("client.example.com", &b), &ca);
    assert_eq!(cert(&positive).serial_bytes().len(), 20);

    let binding = Binding::new(vec![reg(&registered, "r.pem")]);
    assert!(check(&same, &binding).accepted);
    let outcome = check(&last_byte_differs, &binding);
    assert_eq!(codes(&outcome), [Code::BindingSerialMismatch]);
    let m = &outcome.findings[0].message;
    let full = "ff".repeat(20);
    let changed = format!("{}fe", "ff".repeat(19));
    assert!(
        m.contains(&format!("has serial {changed};")) && m.contains(&format!("has serial {full}")),
        "{m}"
    );

    let binding = Binding::new(vec![reg(&positive, "p.pem")]);
    assert!(check(&positive, &binding).accepted);
    assert_eq!(
        binding.registrations()[0].serial_hex(),
        Some(hex(&b)),
        "20 bytes, 40 hex digits"
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn validation_options_carry_the_binding() {
    let chain = Chain::standard();
    let registered = Arc::new(Binding::new(vec![reg(&chain.certs[0], "leaf.pem")]));
    let v = Validator::default();
    let report = v.validate_with(
        chain.pem().as_bytes(),
        &Options::at(now()).with_binding(registered),
    );
    assert!(report.accepted, "{:#?}", report.findings);
    assert!(report.findings.is_empty());

    // Another client's leaf: the finding names the leaf by its index in the bundle.
    let other =
        Chain::new(1, KeyKind::P256).with_leaf(Spec::leaf("Another Leaf").key(KeyKind::P256, 4));
    let binding = Arc::new(Binding::new(vec![reg(&chain.certs[0], "leaf.pem")]));
    let report = v.validate_with(
        other.pem().as_bytes(),
        &Options::at(now()).with_binding(binding.clone()),
    );
    assert!(!report.accepted);
    let f = report.with_code(Code::BindingCnMismatch).next().unwrap();
    assert_eq!(f.certificate, Some(0));

    // The DER entry point (a TLS stack's peer chain) and severity overrides apply.
    let ders = other.ders();
    let refs: Vec<&[u8]> = ders.iter().map(Vec::as_slice).collect();
    let report = v.validate_der_with(&refs, &Options::at(now()).with_binding(binding.clone()));
    assert!(report.has(Code::BindingSerialMismatch));
    let lenient = Validator::new(
        Policy::from_toml(
            "[severity]\n\"binding.serial_mismatch\" = \"warning\"\n\"binding.cn_mismatch\" = \"warning\"\n",
        )
        .unwrap(),
    )
    .unwrap();
    let outcome = lenient.check_binding(&cert(&other.certs[0]), &binding, now());
    assert!(outcome.accepted, "{:#?}", outcome.findings);
    assert_eq!(outcome.findings.len(), 2);
}

#[test]
fn an_unparsable_presented_leaf_is_malformed() {
    let chain = Chain::standard();
    let binding = Binding::new(vec![reg(&chain.certs[0], "leaf.pem")]);
    let outcome = Validator::default().check_binding_der(b"\x30\x03\x02\x01\x01", &binding, now());
    assert_eq!(codes(&outcome), [Code::CertificateMalformed]);
    let ok = Validator::default().check_binding_der(&chain.certs[0].der, &binding, now());
    assert!(ok.accepted);
}

#[test]
fn registrations_from_files() {
    let chain = Chain::standard();
    // A bundle in any order registers its leaf; DER works too.
    let reversed = chain.pem_in_order(&[2, 1, 0]);
    let r = Registration::from_bytes(reversed.as_bytes()).unwrap();
    assert_eq!(r.common_name(), Some("Test Leaf"));
    assert_eq!(r.sha256(), Some(*cert(&chain.certs[0]).sha256()));
    assert_eq!(r.not_after(), Some(cert(&chain.certs[0]).not_after()));
    let from_der = Registration::from_bytes(&chain.certs[0].der).unwrap();
    assert_eq!(from_der.sha256(), r.sha256());
    assert_eq!(
        leaf_of(reversed.as_bytes())
            .unwrap()
            .common_name()
            .as_deref(),
        Some("Test Leaf")
    );

    // Refused: a private key (never echoed), a CSR, garbage.
    let key = chain.certs[0].key_pem();
    let e = Registration::from_bytes((chain.certs[0].pem() + &key).as_bytes()).unwrap_err();
    assert!(
        e.0.contains("private key") && e.0.contains("not shown"),
        "{e}"
    );
    for line in key.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!e.0.contains(line));
    }
    let csr = "-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n";
    let e = Registration::from_bytes(csr.as_bytes()).unwrap_err();
    assert!(e.0.contains("certificate signing request"), "{e}");
    assert!(Registration::from_bytes(b"not a certificate").is_err());

    let info = r.info();
    assert_eq!(info.common_name.as_deref(), Some("Test Leaf"));
    assert_eq!(info.serial, r.serial_hex());
    assert_eq!(info.not_after.as_deref(), Some("2035-01-01T00:00:00Z"));
}
