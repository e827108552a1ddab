//! RFC 5280 6.3 CRL processing beyond selection (issue 13): CRLs signed by a separate
//! CRL-signing certificate or by a re-keyed CA's other key, indirect CRLs, and the
//! attacker's versions of each. Certificates and CRLs come from the openssl CLI
//! (`openssl x509 -req`, `openssl ca -gencrl`); what `openssl ca` cannot write
//! (certificateIssuer entries) is built with x509-cert and signed with `openssl dgst`.
//!
//! Every scenario goes through `verdict`, which validates once per permutation of the
//! CRL inputs and asserts the same outcome, acceptance and finding codes for all.

mod crl_orders;
use crl_orders::{Spec, make, verdict_in_every_order};

use chainvet::revocation::{Mode, Outcome};
use chainvet::{Code, Options, Policy, Report, Timestamp, Validator};
use chainvet_testkit::revocation::{Pki, openssl};

/// Validates `bundle` offline under hard-fail with `crls` in every order; asserts
/// every order gives the same outcome, acceptance and finding codes; returns the
/// report of the order given.
fn verdict(bundle: &str, crls: &[&[u8]]) -> Report {
    verdict_in_every_order(bundle, crls, None)
}

fn status(report: &Report) -> Outcome {
    report.revocation[0].status
}

fn detail(report: &Report) -> String {
    report.revocation[0].detail.clone().unwrap_or_default()
}

fn file(pki: &Pki, name: &str) -> Vec<u8> {
    std::fs::read(pki.dir().join(name)).expect("read")
}

/// The subject of a PEM certificate in the working directory, `/C=../O=../CN=..`.
fn subject_of(pki: &Pki, pem: &str) -> String {
    let out = openssl(
        pki.dir(),
        &[
            "x509", "-in", pem, "-noout", "-subject", "-nameopt", "compat",
        ],
    );
    String::from_utf8(out)
        .expect("utf8")
        .trim()
        .trim_start_matches("subject=")
        .to_owned()
}

/// A new P-256 key `name.key`.
fn new_key(pki: &Pki, name: &str) {
    openssl(
        pki.dir(),
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            &format!("{name}.key"),
        ],
    );
}

/// Issues `name.pem` for a new key `name.key` with `subject`, signed by `issuer`
/// (`issuer.pem`/`issuer.key`; `None`: self-signed), with the lines of `ext` as its
/// extensions (and extra `sections`).
fn issue(pki: &Pki, name: &str, subject: &str, issuer: Option<&str>, ext: &str, sections: &str) {
    issue_serial(pki, name, subject, issuer, ext, sections, None);
}

/// `issue`, with the serial given (hex) instead of a random one.
fn issue_serial(
    pki: &Pki,
    name: &str,
    subject: &str,
    issuer: Option<&str>,
    ext: &str,
    sections: &str,
    serial: Option<&str>,
) {
    if !pki.dir().join(format!("{name}.key")).exists() {
        new_key(pki, name);
    }
    let (key, csr, pem, cnf) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
        format!("{name}.ext"),
    );
    pki.write(
        &cnf,
        format!("[ext]\nsubjectKeyIdentifier = hash\n{ext}\n{sections}\n").as_bytes(),
    );
    openssl(
        pki.dir(),
        &["req", "-new", "-key", &key, "-subj", subject, "-out", &csr],
    );
    let mut args = vec![
        "x509",
        "-req",
        "-in",
        &csr,
        "-days",
        "365",
        "-extfile",
        &cnf,
        "-extensions",
        "ext",
        "-out",
        &pem,
    ];
    let (ca, ca_key);
    match issuer {
        Some(i) => {
            ca = format!("{i}.pem");
            ca_key = format!("{i}.key");
            args.extend(["-CA", &ca, "-CAkey", &ca_key]);
        }
        None => args.extend(["-signkey", &key]),
    }
    let set_serial = serial.map(|s| format!("0x{s}"));
    match &set_serial {
        Some(s) => args.extend(["-set_serial", s]),
        None if issuer.is_some() => args.push("-CAcreateserial"),
        None => {}
    }
    openssl(pki.dir(), &args);
}

const CA_EXT: &str = "basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nauthorityKeyIdentifier = keyid";
const SIGNER_EXT: &str = "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,cRLSign\nauthorityKeyIdentifier = keyid";

/// The CRL `name.pem` followed by the PEM certificates `certs` (names without `.pem`),
/// as an operator hands over a CRL with its signer's certificate.
fn with_certs(pki: &Pki, name: &str, certs: &[&str]) -> Vec<u8> {
    let mut out = file(pki, &format!("{name}.pem"));
    for c in certs {
        out.extend(file(pki, &format!("{c}.pem")));
    }
    out
}

fn revokes_1002() -> Spec<'static> {
    Spec {
        number: 7,
        revoked: &[("1002", "keyCompromise")],
        ..Spec::default()
    }
}

#[test]
fn a_crl_signed_by_a_separate_crl_signer_is_used_once_its_path_validates() {
    let pki = Pki::new();
    let ca_subject = subject_of(&pki, "ca.pem");
    // The CA certifies a separate key for CRL signing under its own name.
    issue(&pki, "signer", &ca_subject, Some("ca"), SIGNER_EXT, "");
    let by_signer = |name: &str| {
        make(
            &pki,
            name,
            &Spec {
                signer: "signer",
                ..revokes_1002()
            },
        );
        with_certs(&pki, name, &["signer"])
    };
    let crl = by_signer("signer-crl");

    let report = verdict(&pki.bundle(&pki.revoked), &[&crl]);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    assert!(
        detail(&report).contains("signed by the CRL signer"),
        "{}",
        detail(&report)
    );
    let report = verdict(&pki.bundle(&pki.good), &[&crl]);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
    assert!(report.accepted, "{:#?}", report.findings);
    assert!(
        report.revocation[0]
            .signer
            .as_deref()
            .is_some_and(|s| s.contains("serial")),
        "{:#?}",
        report.revocation
    );

    // Without the signer's certificate the signature cannot be tied to a CRL signer:
    // no status, never "good".
    let bare = file(&pki, "signer-crl.der");
    let report = verdict(&pki.bundle(&pki.good), &[&bare]);
    assert_eq!(
        status(&report),
        Outcome::Invalid,
        "{:#?}",
        report.revocation
    );
    assert!(!report.accepted);

    // The signer's certificate may also come with the validated chain.
    let bundle = format!(
        "{}{}",
        pki.bundle(&pki.revoked),
        String::from_utf8(file(&pki, "signer.pem")).expect("pem")
    );
    let report = verdict(&bundle, &[&bare]);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );

    // A signer certificate without cRLSign may not sign CRLs (6.3.3 (f)).
    issue(
        &pki,
        "no-crl-sign",
        &ca_subject,
        Some("ca"),
        "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nauthorityKeyIdentifier = keyid",
        "",
    );
    make(
        &pki,
        "no-crl-sign-crl",
        &Spec {
            signer: "no-crl-sign",
            ..Spec::default()
        },
    );
    let crl = with_certs(&pki, "no-crl-sign-crl", &["no-crl-sign"]);
    let report = verdict(&pki.bundle(&pki.good), &[&crl]);
    assert_eq!(
        status(&report),
        Outcome::Invalid,
        "{:#?}",
        report.revocation
    );
    assert!(detail(&report).contains("cRLSign"), "{}", detail(&report));
}

#[test]
fn an_untrusted_crl_signer_claiming_the_cas_name_is_refused() {
    let pki = Pki::new();
    let ca_subject = subject_of(&pki, "ca.pem");
    // The real CA's CRL revokes 1002.
    let real = make(&pki, "real", &revokes_1002());
    // The attacker's "CRL signer" carries the CA's name and cRLSign, but is certified
    // by nobody on the path: self-signed, and issued by a root of its own.
    issue(&pki, "rogue-signer", &ca_subject, None, SIGNER_EXT, "");
    issue(
        &pki,
        "rogue-root",
        "/C=DE/O=Example CA/CN=Revocation Test Root",
        None,
        CA_EXT,
        "",
    );
    issue(
        &pki,
        "rogue-issued",
        &ca_subject,
        Some("rogue-root"),
        SIGNER_EXT,
        "",
    );
    // A newer, empty CRL from each: it would make 1002 good if it counted.
    for name in ["rogue-signer", "rogue-issued", "impostor"] {
        let crl_name = format!("{name}-crl");
        make(
            &pki,
            &crl_name,
            &Spec {
                number: 99,
                signer: name,
                ..Spec::default()
            },
        );
        let forged = match name {
            "rogue-issued" => with_certs(&pki, &crl_name, &[name, "rogue-root"]),
            _ => with_certs(&pki, &crl_name, &[name]),
        };
        let report = verdict(&pki.bundle(&pki.revoked), &[&forged, &real]);
        assert_eq!(
            status(&report),
            Outcome::Revoked,
            "{name}: {:#?}",
            report.revocation
        );
        assert!(
            detail(&report).contains("not a valid CRL signer"),
            "{name}: {}",
            detail(&report)
        );
        // Alone, the forged CRL gives no status at all.
        let report = verdict(&pki.bundle(&pki.revoked), &[&forged]);
        assert_eq!(
            status(&report),
            Outcome::Invalid,
            "{name}: {:#?}",
            report.revocation
        );
        assert!(!report.accepted);
    }
}

#[test]
fn key_rollover_a_crl_signed_with_the_old_or_new_ca_key() {
    let pki = Pki::new();
    let ca_subject = subject_of(&pki, "ca.pem");
    // The CA re-keyed: a new CA certificate under the same name, from the root, and the
    // new-with-old link certificate (new key, signed by the old one).
    issue(&pki, "ca-new", &ca_subject, Some("root"), CA_EXT, "");
    std::fs::copy(pki.dir().join("ca-new.key"), pki.dir().join("link.key")).expect("key");
    issue(&pki, "link", &ca_subject, Some("ca"), CA_EXT, "");

    // The leaves were issued with the old key; the CA now signs CRLs with the new one.
    make(
        &pki,
        "new-key-crl",
        &Spec {
            signer: "ca-new",
            ..revokes_1002()
        },
    );
    let with_new = with_certs(&pki, "new-key-crl", &["ca-new"]);
    let report = verdict(&pki.bundle(&pki.revoked), &[&with_new]);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    let report = verdict(&pki.bundle(&pki.good), &[&with_new]);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
    assert!(report.accepted, "{:#?}", report.findings);

    // The new key proven through the link certificate alone (a self-issued path).
    let with_link = with_certs(&pki, "new-key-crl", &["link"]);
    let report = verdict(&pki.bundle(&pki.revoked), &[&with_link]);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );

    // The old key still signs for a leaf issued under the new one.
    new_key(&pki, "new-leaf");
    issue(
        &pki,
        "new-leaf",
        "/C=DE/O=Example Client GmbH/CN=New Key Client",
        Some("ca-new"),
        "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth\nauthorityKeyIdentifier = keyid\nsubjectAltName = DNS:client.example.com",
        "",
    );
    let serial = String::from_utf8(openssl(
        pki.dir(),
        &["x509", "-in", "new-leaf.pem", "-noout", "-serial"],
    ))
    .expect("utf8")
    .trim()
    .trim_start_matches("serial=")
    .to_owned();
    let bundle = format!(
        "{}{}{}",
        String::from_utf8(file(&pki, "new-leaf.pem")).expect("pem"),
        String::from_utf8(file(&pki, "ca-new.pem")).expect("pem"),
        pki.root.pem()
    );
    let revoked = [(serial.as_str(), "keyCompromise")];
    make(
        &pki,
        "old-key-crl",
        &Spec {
            number: 8,
            revoked: &revoked,
            ..Spec::default()
        },
    );
    let with_old = with_certs(&pki, "old-key-crl", &["ca"]);
    let report = verdict(&bundle, &[&with_old]);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );

    // A key that is no valid CA key for the name (the self-signed impostor) is refused,
    // even next to the real re-keyed CA's certificate.
    make(
        &pki,
        "impostor-crl",
        &Spec {
            number: 9,
            signer: "impostor",
            ..Spec::default()
        },
    );
    let forged = with_certs(&pki, "impostor-crl", &["impostor", "ca-new"]);
    let report = verdict(&pki.bundle(&pki.revoked), &[&forged, &with_new]);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    let report = verdict(&pki.bundle(&pki.good), &[&forged]);
    assert_eq!(
        status(&report),
        Outcome::Invalid,
        "{:#?}",
        report.revocation
    );
}

#[test]
fn the_crls_authority_key_identifier_finds_the_signer_among_decoys() {
    let pki = Pki::new();
    let ca_subject = subject_of(&pki, "ca.pem");
    issue(&pki, "ca-new", &ca_subject, Some("root"), CA_EXT, "");
    make(
        &pki,
        "new-key-crl",
        &Spec {
            signer: "ca-new",
            ..revokes_1002()
        },
    );
    // Eight same-named decoys (the most one CRL input carries) ride on another CRL,
    // sorted before the real signer by DER or not: the AKI picks the right key first.
    let decoys: Vec<String> = (0..8).map(|i| format!("decoy{i}")).collect();
    for d in &decoys {
        issue(&pki, d, &ca_subject, None, CA_EXT, "");
    }
    make(&pki, "carrier", &Spec::default());
    let names: Vec<&str> = decoys.iter().map(String::as_str).collect();
    let carrier = with_certs(&pki, "carrier", &names);
    let crl = with_certs(&pki, "new-key-crl", &["ca-new"]);
    let report = verdict(&pki.bundle(&pki.revoked), &[&carrier, &crl]);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );

    // Nine certificates next to one CRL are refused as input, not trimmed.
    let mut nine = names.clone();
    nine.push("ca-new");
    let too_many = with_certs(&pki, "new-key-crl", &nine);
    let report = verdict(&pki.bundle(&pki.revoked), &[&too_many]);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::RevocationResponseInvalid
                && f.message.contains("more than 8 certificates")),
        "{:#?}",
        report.findings
    );
}

const CRL_ISSUER: &str = "/C=DE/O=Example CA/CN=Revocation Test CRL Issuer";
const INDIRECT_URL: &str = "http://127.0.0.1:1/indirect.crl";

/// A client certificate from `issuer` whose one distribution point is served by the
/// indirect CRL issuer `CRL_ISSUER` (cRLIssuer), or, with `crl_issuer` false, an
/// ordinary distribution point of its own issuer.
fn client(pki: &Pki, name: &str, issuer: &str, serial: &str, crl_issuer: bool) -> String {
    let dp = if crl_issuer {
        format!(
            "[dp]\nfullname = URI:{INDIRECT_URL}\nCRLissuer = dirName:crl_issuer_dn\n\
             [crl_issuer_dn]\nC = DE\nO = Example CA\nCN = Revocation Test CRL Issuer\n"
        )
    } else {
        "[dp]\nfullname = URI:http://127.0.0.1:1/direct.crl\n".to_owned()
    };
    issue_serial(
        pki,
        name,
        &format!("/C=DE/O=Example Client GmbH/CN=Client {serial}"),
        Some(issuer),
        "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth\nauthorityKeyIdentifier = keyid\nsubjectAltName = DNS:client.example.com\ncrlDistributionPoints = dp",
        &dp,
        Some(serial),
    );
    String::from_utf8(file(pki, &format!("{name}.pem"))).expect("pem")
}

fn pem_text(pki: &Pki, name: &str) -> String {
    String::from_utf8(file(pki, &format!("{name}.pem"))).expect("pem")
}

fn name_of(pki: &Pki, pem: &str) -> x509_cert::name::Name {
    use der::Decode;
    let der = openssl(pki.dir(), &["x509", "-in", pem, "-outform", "DER"]);
    x509_cert::Certificate::from_der(&der)
        .expect("certificate")
        .tbs_certificate()
        .subject()
        .clone()
}

/// One entry of a hand-made CRL: the serial (hex), and the certificateIssuer to switch
/// to at this entry (a certificate's name in the working directory), if any.
type Entry<'a> = (&'a str, Option<&'a str>);

/// A CRL from `signer` built field by field (x509-cert) and signed with `openssl dgst`:
/// cRLNumber `number`, an issuingDistributionPoint naming `INDIRECT_URL` with
/// indirectCRL set as `indirect`, and `entries` (keyCompromise). Written as
/// `name.der` and, converted by `openssl crl` (which must parse it), `name.pem`.
fn hand_made(
    pki: &Pki,
    name: &str,
    signer: &str,
    number: u8,
    indirect: bool,
    entries: &[Entry<'_>],
) -> Vec<u8> {
    hand_made_with(pki, name, signer, number, indirect, entries, None)
}

/// `hand_made`, with an extension of the given OID (critical, value NULL) on the
/// last entry.
fn hand_made_with(
    pki: &Pki,
    name: &str,
    signer: &str,
    number: u8,
    indirect: bool,
    entries: &[Entry<'_>],
    last_entry_ext: Option<&str>,
) -> Vec<u8> {
    use der::asn1::{BitString, Ia5String, OctetString, UtcTime};
    use der::{Decode, Encode};
    use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
    use x509_cert::ext::Extension;
    use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
    use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::time::Time;

    let ca = x509_cert::Certificate::from_der(&pki.ca.der).expect("ca");
    let algorithm = ca.signature_algorithm().clone();
    let time = |offset: i64| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64;
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs((now + offset) as u64);
        Time::UtcTime(UtcTime::from_system_time(t).expect("utc"))
    };
    let ext = |oid, critical, value: Vec<u8>| Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value).expect("value"),
    };
    // One openssl run per distinct issuer, not per entry.
    let mut names = std::collections::HashMap::new();
    for (_, issuer) in entries {
        if let Some(i) = issuer {
            names
                .entry(*i)
                .or_insert_with(|| name_of(pki, &format!("{i}.pem")));
        }
    }
    let revoked: Vec<RevokedCert> = entries
        .iter()
        .enumerate()
        .map(|(k, (serial, issuer))| {
            let mut exts = vec![ext(
                const_oid::db::rfc5280::ID_CE_CRL_REASONS,
                false,
                vec![0x0a, 0x01, 0x01],
            )];
            if let Some(i) = issuer {
                let names = vec![GeneralName::DirectoryName(names[i].clone())];
                exts.push(ext(
                    const_oid::db::rfc5280::ID_CE_CERTIFICATE_ISSUER,
                    true,
                    names.to_der().expect("names"),
                ));
            }
            RevokedCert {
                serial_number: SerialNumber::<x509_cert::certificate::Rfc5280>::new(
                    &hex::decode(serial).expect("hex"),
                )
                .expect("serial"),
                revocation_date: time(-3600),
                crl_entry_extensions: Some({
                    if let Some(oid) = last_entry_ext.filter(|_| k + 1 == entries.len()) {
                        exts.push(ext(
                            const_oid::ObjectIdentifier::new_unwrap(oid),
                            true,
                            vec![0x05, 0x00],
                        ));
                    }
                    exts
                }),
            }
        })
        .collect();
    let idp = IssuingDistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![
            GeneralName::UniformResourceIdentifier(Ia5String::new(INDIRECT_URL).expect("uri")),
        ])),
        only_contains_user_certs: false,
        only_contains_ca_certs: false,
        only_some_reasons: None,
        indirect_crl: indirect,
        only_contains_attribute_certs: false,
    };
    let tbs = TbsCertList {
        version: x509_cert::Version::V2,
        signature: algorithm.clone(),
        issuer: name_of(pki, &format!("{signer}.pem")),
        this_update: time(-60),
        next_update: Some(time(3600)),
        revoked_certificates: (!revoked.is_empty()).then_some(revoked),
        crl_extensions: Some(vec![
            ext(
                const_oid::db::rfc5280::ID_CE_CRL_NUMBER,
                false,
                vec![0x02, 0x01, number],
            ),
            ext(
                const_oid::db::rfc5280::ID_CE_ISSUING_DISTRIBUTION_POINT,
                true,
                idp.to_der().expect("idp"),
            ),
        ]),
    };
    let tbs_der = tbs.to_der().expect("tbs");
    let (tbs_file, sig_file) = (format!("{name}.tbs"), format!("{name}.sig"));
    pki.write(&tbs_file, &tbs_der);
    openssl(
        pki.dir(),
        &[
            "dgst",
            "-sha256",
            "-sign",
            &format!("{signer}.key"),
            "-out",
            &sig_file,
            &tbs_file,
        ],
    );
    let signature = file(pki, &sig_file);
    let der = CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: algorithm,
        signature: BitString::from_bytes(&signature).expect("bits"),
    }
    .to_der()
    .expect("crl");
    pki.write(&format!("{name}.der"), &der);
    openssl(
        pki.dir(),
        &[
            "crl",
            "-inform",
            "DER",
            "-in",
            &format!("{name}.der"),
            "-out",
            &format!("{name}.pem"),
        ],
    );
    der
}

/// The root certifies an indirect CRL issuer; CA issues client 5001 whose distribution
/// point names that CRL issuer; a second CA issues its own client 5001.
fn indirect_pki() -> Pki {
    let pki = Pki::new();
    issue(&pki, "crl-issuer", CRL_ISSUER, Some("root"), SIGNER_EXT, "");
    issue(
        &pki,
        "other-ca",
        "/C=DE/O=Example CA/CN=Revocation Test Other CA",
        Some("root"),
        CA_EXT,
        "",
    );
    pki
}

#[test]
fn indirect_crls_attribute_each_entry_to_its_certificate_issuer() {
    let pki = indirect_pki();
    let leaf = client(&pki, "ind-leaf", "ca", "5001", true);
    let bundle = format!("{leaf}{}{}", pki.ca.pem(), pki.root.pem());

    // certificateIssuer names the CA: the entry is about the CA's 5001.
    hand_made(
        &pki,
        "ind-revokes",
        "crl-issuer",
        2,
        true,
        &[("5001", Some("ca"))],
    );
    let crl = with_certs(&pki, "ind-revokes", &["crl-issuer"]);
    let report = verdict(&bundle, &[&crl]);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    assert!(detail(&report).contains("indirect"), "{}", detail(&report));
    assert!(
        report.revocation[0]
            .signer
            .as_deref()
            .is_some_and(|s| s.contains("CRL Issuer")),
        "{:#?}",
        report.revocation
    );

    // Before any certificateIssuer, entries are the CRL issuer's own certificates.
    hand_made(&pki, "ind-own", "crl-issuer", 3, true, &[("5001", None)]);
    let crl = with_certs(&pki, "ind-own", &["crl-issuer"]);
    let report = verdict(&bundle, &[&crl]);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
    assert!(report.accepted, "{:#?}", report.findings);

    // A certificateIssuer holds for the entries after it (RFC 5280 5.3.3).
    hand_made(
        &pki,
        "ind-other-run",
        "crl-issuer",
        4,
        true,
        &[("7777", Some("other-ca")), ("5001", None)],
    );
    let crl = with_certs(&pki, "ind-other-run", &["crl-issuer"]);
    let report = verdict(&bundle, &[&crl]);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
    hand_made(
        &pki,
        "ind-ca-run",
        "crl-issuer",
        5,
        true,
        &[
            ("7777", Some("other-ca")),
            ("7778", Some("ca")),
            ("5001", None),
        ],
    );
    let crl = with_certs(&pki, "ind-ca-run", &["crl-issuer"]);
    let report = verdict(&bundle, &[&crl]);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );

    // Not marked indirectCRL: the certificateIssuer entries make it unusable for the
    // certificate, never "good".
    hand_made(
        &pki,
        "not-indirect",
        "crl-issuer",
        6,
        false,
        &[("5001", Some("ca"))],
    );
    let crl = with_certs(&pki, "not-indirect", &["crl-issuer"]);
    let report = verdict(&bundle, &[&crl]);
    assert_eq!(
        status(&report),
        Outcome::Unavailable,
        "{:#?}",
        report.revocation
    );
    assert!(!report.accepted);

    // The CRL issuer's certificate must validate to the same anchor: a self-signed one
    // with the same name and cRLSign is refused.
    new_key(&pki, "fake-issuer");
    issue(&pki, "fake-issuer", CRL_ISSUER, None, SIGNER_EXT, "");
    hand_made(&pki, "ind-fake", "fake-issuer", 9, true, &[]);
    let crl = with_certs(&pki, "ind-fake", &["fake-issuer"]);
    let report = verdict(&bundle, &[&crl]);
    assert_eq!(
        status(&report),
        Outcome::Invalid,
        "{:#?}",
        report.revocation
    );
    assert!(
        detail(&report).contains("not a valid CRL signer"),
        "{}",
        detail(&report)
    );
}

#[test]
fn an_indirect_crl_cannot_revoke_or_unrevoke_another_cas_certificates() {
    let pki = indirect_pki();
    // Another CA's client 5001, whose distribution point names no CRL issuer.
    let b_leaf = client(&pki, "b-leaf", "other-ca", "5001", false);
    let b_bundle = format!("{b_leaf}{}{}", pem_text(&pki, "other-ca"), pki.root.pem());
    let b_crl = make(
        &pki,
        "b-crl",
        &Spec {
            signer: "other-ca",
            ..Spec::default()
        },
    );
    // The CRL issuer "revokes" it through a certificateIssuer entry.
    hand_made(
        &pki,
        "grab",
        "crl-issuer",
        2,
        true,
        &[("5001", Some("other-ca"))],
    );
    let grab = with_certs(&pki, "grab", &["crl-issuer"]);
    let report = verdict(&b_bundle, &[&b_crl, &grab]);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
    assert!(
        detail(&report).contains("wrong issuer"),
        "{}",
        detail(&report)
    );
    let report = verdict(&b_bundle, &[&grab]);
    assert_eq!(
        status(&report),
        Outcome::Unavailable,
        "{:#?}",
        report.revocation
    );

    // ... nor un-revoke the CA's revoked 1002 with a newer, empty list naming the CA.
    let real = make(&pki, "real", &revokes_1002());
    hand_made(
        &pki,
        "release",
        "crl-issuer",
        60,
        true,
        &[("9999", Some("ca"))],
    );
    let release = with_certs(&pki, "release", &["crl-issuer"]);
    let report = verdict(&pki.bundle(&pki.revoked), &[&release, &real]);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
}

#[test]
fn revocation_detail_names_the_crl_that_answered_and_why_others_did_not_in_json() {
    let pki = Pki::new();
    let older = make(&pki, "older", &Spec::default());
    let newer = make(&pki, "newer", &revokes_1002());
    let other = make(
        &pki,
        "other-issuer",
        &Spec {
            signer: "root",
            ..Spec::default()
        },
    );
    let report = verdict(&pki.bundle(&pki.revoked), &[&older, &newer, &other]);
    assert_eq!(status(&report), Outcome::Revoked);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("json");
    let detail = json["revocation"][0]["detail"].as_str().expect("detail");
    assert!(detail.contains("answered by"), "{detail}");
    assert!(detail.contains("superseded"), "{detail}");
    assert!(detail.contains("wrong issuer"), "{detail}");
}

#[test]
fn crls_with_many_entries_and_entry_issuers_stay_bounded_and_correct() {
    let pki = indirect_pki();
    let leaf = client(&pki, "ind-leaf", "ca", "5001", true);
    let bundle = format!("{leaf}{}{}", pki.ca.pem(), pki.root.pem());
    // 3000 entries of serial 5001, each switching to another issuer, none the CA: the
    // lookup compares each attribution once and finds no entry for this certificate.
    let serials: Vec<String> = (0..3000).map(|_| "5001".to_owned()).collect();
    let entries: Vec<Entry<'_>> = serials
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.as_str(),
                Some(if i % 2 == 0 { "other-ca" } else { "crl-issuer" }),
            )
        })
        .collect();
    hand_made(&pki, "crowded", "crl-issuer", 7, true, &entries);
    let crl = with_certs(&pki, "crowded", &["crl-issuer"]);
    let report = verdict(&bundle, &[&crl]);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);

    // A plain CRL with 2000 entries made by openssl ca: the listed serial is found.
    let many: Vec<(String, &str)> = (0..2000u32)
        .map(|i| (format!("{:06X}", 0x2_0000 + i), "superseded"))
        .chain([("1002".to_owned(), "keyCompromise")])
        .collect();
    let refs: Vec<(&str, &str)> = many.iter().map(|(s, r)| (s.as_str(), *r)).collect();
    let big = make(
        &pki,
        "big",
        &Spec {
            number: 3,
            revoked: &refs,
            ..Spec::default()
        },
    );
    let report = verdict(&pki.bundle(&pki.revoked), &[&big]);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    let report = verdict(&pki.bundle(&pki.good), &[&big]);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);

    // Over max_crl_bytes it is refused as a whole, not read in part.
    let mut policy = Policy::default();
    policy.revocation.mode = Mode::HardFail;
    policy.revocation.max_crl_bytes = big.len() - 1;
    let v = Validator::new(policy).expect("policy");
    let mut options = Options::default();
    options.offline = true;
    options.crls = vec![big];
    let report = v.validate_with(pki.bundle(&pki.revoked).as_bytes(), &options);
    assert!(!report.accepted);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::RevocationResponseInvalid
                && f.message.contains("max_crl_bytes")),
        "{:#?}",
        report.findings
    );
}

/// A CRL fetched from the distribution point but signed by a separate CRL signer whose
/// certificate comes with the chain: judged like a supplied one, not cached.
#[cfg(feature = "fetch")]
#[test]
fn a_fetched_crl_from_a_separate_signer_is_validated_not_cached() {
    use chainvet::revocation::Method;
    let pki = Pki::new();
    let ca_subject = subject_of(&pki, "ca.pem");
    issue(&pki, "signer", &ca_subject, Some("ca"), SIGNER_EXT, "");
    let served = make(
        &pki,
        "served",
        &Spec {
            signer: "signer",
            ..revokes_1002()
        },
    );
    pki.server.serve_file("crl", served);
    let mut policy = Policy::default();
    policy.revocation.mode = Mode::HardFail;
    policy.revocation.prefer = Method::Crl;
    policy.revocation.allow_destinations = vec!["127.0.0.1".to_owned()];
    let trust = chainvet::TrustStore::from_pem(pki.root.pem().as_bytes()).expect("trust store");
    let v = Validator::with_trust_store(policy, trust);
    let signer = pem_text(&pki, "signer");
    for (leaf, expected) in [(&pki.revoked, Outcome::Revoked), (&pki.good, Outcome::Good)] {
        let bundle = format!("{}{signer}", pki.bundle(leaf));
        let before = pki.server.requests();
        let report = v.validate_with(bundle.as_bytes(), &Options::default());
        assert_eq!(
            report.revocation[0].status, expected,
            "{:#?}",
            report.revocation
        );
        assert!(pki.server.requests() > before, "fetched");
    }
    // Without the signer's certificate the fetched CRL cannot be used.
    let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &Options::default());
    assert_eq!(
        status(&report),
        Outcome::Invalid,
        "{:#?}",
        report.revocation
    );
    assert!(!report.accepted);
}

#[test]
fn unknown_critical_entry_extensions_and_partial_reasons_never_make_good() {
    let pki = indirect_pki();
    let leaf = client(&pki, "ind-leaf", "ca", "5001", true);
    let bundle = format!("{leaf}{}{}", pki.ca.pem(), pki.root.pem());
    // An entry about another CA's certificate carries a critical extension chainvet
    // does not understand: the whole CRL is unusable (RFC 5280 5.3), also for this
    // certificate that it does not list.
    hand_made_with(
        &pki,
        "ind-critical",
        "crl-issuer",
        8,
        true,
        &[("7777", Some("other-ca"))],
        Some("1.2.3.4.99"),
    );
    let crl = with_certs(&pki, "ind-critical", &["crl-issuer"]);
    let report = verdict(&bundle, &[&crl]);
    assert_eq!(
        status(&report),
        Outcome::Invalid,
        "{:#?}",
        report.revocation
    );
    assert!(
        detail(&report).contains("1.2.3.4.99"),
        "{}",
        detail(&report)
    );
    assert!(!report.accepted);
    // An older usable issue of the same CRL does not take over from it silently: the
    // unusable newer one is reported, the older one answers for its scope.
    hand_made(&pki, "ind-older", "crl-issuer", 3, true, &[]);
    let older = with_certs(&pki, "ind-older", &["crl-issuer"]);
    let report = verdict(&bundle, &[&crl, &older]);
    assert!(
        detail(&report).contains("1.2.3.4.99"),
        "{}",
        detail(&report)
    );

    // The distribution point is served for keyCompromise only: the indirect CRL covers
    // that reason for this certificate, so alone it cannot prove "good".
    issue_serial(
        &pki,
        "reason-leaf",
        "/C=DE/O=Example Client GmbH/CN=Client 5002",
        Some("ca"),
        "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth\nauthorityKeyIdentifier = keyid\nsubjectAltName = DNS:client.example.com\ncrlDistributionPoints = dp",
        &format!(
            "[dp]\nfullname = URI:{INDIRECT_URL}\nCRLissuer = dirName:crl_issuer_dn\nreasons = keyCompromise\n\
             [crl_issuer_dn]\nC = DE\nO = Example CA\nCN = Revocation Test CRL Issuer\n"
        ),
        Some("5002"),
    );
    let bundle = format!(
        "{}{}{}",
        pem_text(&pki, "reason-leaf"),
        pki.ca.pem(),
        pki.root.pem()
    );
    hand_made(&pki, "ind-empty", "crl-issuer", 10, true, &[]);
    let crl = with_certs(&pki, "ind-empty", &["crl-issuer"]);
    let report = verdict(&bundle, &[&crl]);
    assert_eq!(
        status(&report),
        Outcome::Unavailable,
        "{:#?}",
        report.revocation
    );
    assert!(
        detail(&report).contains("leave out the reasons"),
        "{}",
        detail(&report)
    );
    // The CA's own complete CRL covers every reason: with it the status is known.
    let direct = make(&pki, "direct", &Spec::default());
    let report = verdict(&bundle, &[&crl, &direct]);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
}

/// Trust-store mode, under both path engines: the CRL signer validates to the
/// configured anchor the presented chain ends at.
#[test]
fn trust_store_mode_validates_the_crl_signer_to_the_configured_anchor() {
    use chainvet::policy::Engine;
    use chainvet::{PresentedOptions, TrustStore, Usage};
    let pki = Pki::new();
    let ca_subject = subject_of(&pki, "ca.pem");
    issue(&pki, "signer", &ca_subject, Some("ca"), SIGNER_EXT, "");
    make(
        &pki,
        "signer-crl",
        &Spec {
            signer: "signer",
            ..revokes_1002()
        },
    );
    let crl = with_certs(&pki, "signer-crl", &["signer"]);
    // A look-alike root with the real root's name: a signer under it is refused.
    issue(
        &pki,
        "rogue-root",
        &subject_of(&pki, "root.pem"),
        None,
        CA_EXT,
        "",
    );
    issue(
        &pki,
        "rogue-signer",
        &ca_subject,
        Some("rogue-root"),
        SIGNER_EXT,
        "",
    );
    make(
        &pki,
        "rogue-crl",
        &Spec {
            number: 50,
            signer: "rogue-signer",
            ..Spec::default()
        },
    );
    let rogue = with_certs(&pki, "rogue-crl", &["rogue-signer", "rogue-root"]);
    for engine in [Engine::Webpki, Engine::Chainvet] {
        let mut policy = Policy::default();
        policy.revocation.mode = Mode::HardFail;
        policy.path_validation.engine = engine;
        let trust = TrustStore::from_pem(pki.root.pem().as_bytes()).expect("trust store");
        let v = Validator::with_trust_store(policy, trust);
        for (leaf, crls, expected) in [
            (&pki.revoked, vec![crl.clone()], Outcome::Revoked),
            (&pki.good, vec![crl.clone()], Outcome::Good),
            (
                &pki.revoked,
                vec![rogue.clone(), crl.clone()],
                Outcome::Revoked,
            ),
            (
                &pki.revoked,
                vec![crl.clone(), rogue.clone()],
                Outcome::Revoked,
            ),
            (&pki.good, vec![rogue.clone()], Outcome::Invalid),
        ] {
            let mut options = PresentedOptions::new(Timestamp::now(), Usage::ClientAuth);
            options.base.crls = crls;
            let report = v.validate_presented(&leaf.der, &[pki.ca.der.as_slice()], &options);
            assert_eq!(
                report.revocation[0].status, expected,
                "{engine:?}: {:#?}",
                report.revocation
            );
            assert_eq!(report.accepted, expected == Outcome::Good, "{engine:?}");
        }
    }
}
