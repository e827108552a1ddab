//! CRL selection and combination (issue 18): several CRLs for one certificate, made by
//! the real `openssl ca -gencrl` with cRLNumber, issuingDistributionPoint, delta CRL
//! indicator and freshestCRL extensions, handed to the validator in every order.
//!
//! Every scenario goes through `verdict`, which validates the bundle once per
//! permutation of the CRLs and asserts that the outcome, the acceptance and the finding
//! codes are the same for all of them.

mod crl_orders;
use crl_orders::{Spec, hard_fail, make, verdict_in_every_order};

use chainvet::revocation::{Method, Outcome, Source};
use chainvet::{Code, Options, Report, Timestamp};
use chainvet_testkit::Issued;
use chainvet_testkit::revocation::{Pki, openssl};

const HOUR: i64 = 3600;

/// An issuingDistributionPoint section with these lines, for `Spec::sections`.
fn idp(lines: &str) -> String {
    format!("[ idp ]\n{lines}\n")
}

const IDP_EXT: &str = "issuingDistributionPoint = critical,@idp";

/// deltaCRLIndicator with this BaseCRLNumber (openssl has no config name for it).
fn delta_of(base: u32) -> String {
    format!("2.5.29.27 = critical,ASN1:INTEGER:{base}")
}

const FRESHEST: &str = "freshestCRL = URI:http://127.0.0.1:1/delta.crl";

/// Validates `leaf`'s bundle offline under hard-fail with `crls` in every order;
/// asserts every order gives the same outcome, acceptance and finding codes, and
/// returns the report for the order given.
fn verdict(pki: &Pki, leaf: &Issued, crls: &[&[u8]], at: Option<Timestamp>) -> Report {
    verdict_in_every_order(&pki.bundle(leaf), crls, at)
}

fn status(report: &Report) -> Outcome {
    report.revocation[0].status
}

fn detail(report: &Report) -> &str {
    report.revocation[0].detail.as_deref().unwrap_or("")
}

#[test]
fn an_older_crl_never_answers_over_a_newer_one() {
    let pki = Pki::new();
    let older = make(&pki, "older", &Spec::default());
    let newer = make(
        &pki,
        "newer",
        &Spec {
            number: 2,
            revoked: &[("1002", "keyCompromise")],
            ..Spec::default()
        },
    );
    // Today's false accept: the older CRL first answered "good".
    let report = verdict(&pki, &pki.revoked, &[&older, &newer], None);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    assert!(report.has(Code::RevocationRevoked) && !report.accepted);
    assert_eq!(
        report.revocation[0].responder.as_deref(),
        Some("supplied CRL 2")
    );
    assert!(
        detail(&report).contains("supplied CRL 1: superseded")
            && detail(&report).contains("2 over 1"),
        "{}",
        detail(&report)
    );
    let report = verdict(&pki, &pki.good, &[&older, &newer], None);
    assert_eq!(status(&report), Outcome::Good);
    assert!(report.accepted, "{:#?}", report.findings);

    // A hold released: the newer CRL no longer lists the certificate.
    let held = make(
        &pki,
        "held",
        &Spec {
            revoked: &[("1002", "certificateHold")],
            ..Spec::default()
        },
    );
    let released = make(
        &pki,
        "released",
        &Spec {
            number: 2,
            ..Spec::default()
        },
    );
    let report = verdict(&pki, &pki.revoked, &[&held, &released], None);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
    assert!(report.accepted);
}

#[test]
fn a_crl_for_another_distribution_point_does_not_answer() {
    let pki = Pki::new();
    let other = make(
        &pki,
        "other",
        &Spec {
            number: 7,
            exts: IDP_EXT,
            sections: &idp("fullname = URI:http://127.0.0.1:1/other.crl"),
            ..Spec::default()
        },
    );
    let full = make(
        &pki,
        "full",
        &Spec {
            revoked: &[("1002", "keyCompromise")],
            ..Spec::default()
        },
    );
    // Today's false accept: the other point's CRL, first, answered "good".
    let report = verdict(&pki, &pki.revoked, &[&other, &full], None);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    assert!(
        detail(&report).contains("other.crl, which the certificate does not name"),
        "{}",
        detail(&report)
    );

    // The other point's CRL alone covers nothing: no status, an error under hard-fail.
    let report = verdict(&pki, &pki.good, &[&other], None);
    assert_eq!(
        status(&report),
        Outcome::Unavailable,
        "{:#?}",
        report.revocation
    );
    assert!(!report.accepted);

    // A CRL whose issuingDistributionPoint is the certificate's own point answers.
    let own = make(
        &pki,
        "own",
        &Spec {
            number: 3,
            revoked: &[("1002", "keyCompromise")],
            exts: IDP_EXT,
            sections: &idp(&format!("fullname = URI:{}", pki.crl_url())),
            ..Spec::default()
        },
    );
    let report = verdict(&pki, &pki.revoked, &[&other, &own], None);
    assert_eq!(status(&report), Outcome::Revoked);
    let report = verdict(&pki, &pki.good, &[&other, &own], None);
    assert_eq!(status(&report), Outcome::Good);
    assert!(report.accepted, "{:#?}", report.findings);
}

#[test]
fn a_delta_crl_is_applied_on_its_complete_crl_in_either_order() {
    let pki = Pki::new();
    let base = make(
        &pki,
        "base",
        &Spec {
            number: 1,
            exts: FRESHEST,
            ..Spec::default()
        },
    );
    let delta = make(
        &pki,
        "delta",
        &Spec {
            number: 2,
            revoked: &[("1002", "keyCompromise")],
            exts: &delta_of(1),
            ..Spec::default()
        },
    );
    // Complete first: the delta used to be ignored (false accept); delta first: it was
    // refused and nothing else was read. Both orders now revoke.
    let report = verdict(&pki, &pki.revoked, &[&base, &delta], None);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    let info = &report.revocation[0];
    assert_eq!(
        (info.method, info.source, info.responder.as_deref()),
        (
            Some(Method::Crl),
            Some(Source::Supplied),
            Some("supplied CRL 1 + delta supplied CRL 2")
        )
    );
    assert!(
        detail(&report).contains("with the delta CRL"),
        "{}",
        detail(&report)
    );
    let report = verdict(&pki, &pki.good, &[&base, &delta], None);
    assert_eq!(status(&report), Outcome::Good);
    assert!(report.accepted, "{:#?}", report.findings);

    // A delta alone gives no status.
    let report = verdict(&pki, &pki.good, &[&delta], None);
    assert_eq!(
        status(&report),
        Outcome::Unavailable,
        "{:#?}",
        report.revocation
    );
    assert!(!report.accepted);

    // removeFromCRL in the delta takes a hold off the complete CRL.
    let held = make(
        &pki,
        "held",
        &Spec {
            number: 4,
            revoked: &[("1002", "certificateHold")],
            exts: FRESHEST,
            ..Spec::default()
        },
    );
    let removed = make(
        &pki,
        "removed",
        &Spec {
            number: 5,
            revoked: &[("1002", "removeFromCRL")],
            exts: &delta_of(4),
            ..Spec::default()
        },
    );
    let report = verdict(&pki, &pki.revoked, &[&held, &removed], None);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
    let report = verdict(&pki, &pki.revoked, &[&held], None);
    assert_eq!(status(&report), Outcome::Revoked);

    // A delta for a newer base (5 > 1), or not newer than the complete CRL, is not
    // applied: the complete CRL answers alone.
    let later_base = make(
        &pki,
        "later-base",
        &Spec {
            number: 6,
            revoked: &[("1002", "keyCompromise")],
            exts: &delta_of(5),
            ..Spec::default()
        },
    );
    let report = verdict(&pki, &pki.revoked, &[&base, &later_base], None);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
    assert!(
        detail(&report).contains("no matching complete CRL"),
        "{}",
        detail(&report)
    );
    let newer_base = make(
        &pki,
        "newer-base",
        &Spec {
            number: 3,
            exts: FRESHEST,
            ..Spec::default()
        },
    );
    // base 3 is newer than delta 2 (base 1): the delta is older news.
    let report = verdict(&pki, &pki.revoked, &[&newer_base, &delta, &base], None);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
}

#[test]
fn a_stale_complete_crl_is_usable_with_a_current_delta() {
    let pki = Pki::new();
    let later = Some(Timestamp(Timestamp::now().0 + 3 * HOUR));
    let short = |name: &str, exts: &str| {
        make(
            &pki,
            name,
            &Spec {
                number: 10,
                hours: 1,
                exts,
                ..Spec::default()
            },
        )
    };
    let base = short("short-base", FRESHEST);
    let delta = make(
        &pki,
        "long-delta",
        &Spec {
            number: 11,
            revoked: &[("1002", "keyCompromise")],
            exts: &delta_of(10),
            ..Spec::default()
        },
    );
    let report = verdict(&pki, &pki.good, &[&base, &delta], later);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
    let report = verdict(&pki, &pki.revoked, &[&base, &delta], later);
    assert_eq!(status(&report), Outcome::Revoked);
    // Stale alone: invalid.
    let report = verdict(&pki, &pki.good, &[&base], later);
    assert_eq!(
        status(&report),
        Outcome::Invalid,
        "{:#?}",
        report.revocation
    );
    assert!(report.has(Code::RevocationResponseInvalid) && !report.accepted);
    // Without freshestCRL on the complete CRL (or the certificate) no delta rescues it.
    let plain = short("short-plain", "");
    let report = verdict(&pki, &pki.good, &[&plain, &delta], later);
    assert_eq!(
        status(&report),
        Outcome::Invalid,
        "{:#?}",
        report.revocation
    );
    // A stale CRL still proves a revocation that is final.
    let stale_revoking = make(
        &pki,
        "stale-revoking",
        &Spec {
            number: 12,
            hours: 1,
            revoked: &[("1002", "keyCompromise")],
            ..Spec::default()
        },
    );
    let report = verdict(&pki, &pki.revoked, &[&stale_revoking], later);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
}

#[test]
fn two_crls_with_the_same_number_that_disagree_revoke() {
    let pki = Pki::new();
    let says_revoked = make(
        &pki,
        "same-a",
        &Spec {
            number: 4,
            revoked: &[("1002", "keyCompromise")],
            ..Spec::default()
        },
    );
    let says_good = make(
        &pki,
        "same-b",
        &Spec {
            number: 4,
            ..Spec::default()
        },
    );
    let report = verdict(&pki, &pki.revoked, &[&says_good, &says_revoked], None);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    assert!(
        detail(&report).contains("same cRLNumber 4 disagree"),
        "{}",
        detail(&report)
    );
}

#[test]
fn crls_with_an_unknown_critical_extension_are_not_used() {
    let pki = Pki::new();
    let critical = make(
        &pki,
        "critical",
        &Spec {
            number: 9,
            exts: "1.2.3.4 = critical,ASN1:NULL",
            ..Spec::default()
        },
    );
    let plain = make(
        &pki,
        "plain",
        &Spec {
            revoked: &[("1002", "keyCompromise")],
            ..Spec::default()
        },
    );
    let report = verdict(&pki, &pki.revoked, &[&critical, &plain], None);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    assert!(detail(&report).contains("1.2.3.4"), "{}", detail(&report));
    let report = verdict(&pki, &pki.good, &[&critical], None);
    assert_eq!(status(&report), Outcome::Invalid);
    let f = report
        .with_code(Code::RevocationResponseInvalid)
        .next()
        .expect("invalid");
    assert!(f.message.contains("not understood"), "{}", f.message);
}

#[test]
fn user_only_ca_only_and_reason_partitioned_crls() {
    let pki = Pki::new();
    let user_only = make(
        &pki,
        "user-only",
        &Spec {
            revoked: &[("1002", "keyCompromise")],
            exts: IDP_EXT,
            sections: &idp("onlyuser = TRUE"),
            ..Spec::default()
        },
    );
    let ca_only = make(
        &pki,
        "ca-only",
        &Spec {
            number: 5,
            exts: IDP_EXT,
            sections: &idp("onlyCA = TRUE"),
            ..Spec::default()
        },
    );
    let report = verdict(&pki, &pki.revoked, &[&ca_only, &user_only], None);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    assert!(
        detail(&report).contains("CA certificates only"),
        "{}",
        detail(&report)
    );
    let report = verdict(&pki, &pki.good, &[&ca_only], None);
    assert_eq!(status(&report), Outcome::Unavailable);

    // Reasons split over two CRLs: each alone cannot say "good", together they can.
    let key_reasons = make(
        &pki,
        "reasons-key",
        &Spec {
            revoked: &[("1002", "keyCompromise")],
            exts: IDP_EXT,
            sections: &idp("onlysomereasons = keyCompromise, CACompromise"),
            ..Spec::default()
        },
    );
    let other_reasons = make(
        &pki,
        "reasons-other",
        &Spec {
            exts: IDP_EXT,
            sections: &idp(
                "onlysomereasons = affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn, AACompromise",
            ),
            ..Spec::default()
        },
    );
    let report = verdict(&pki, &pki.good, &[&key_reasons], None);
    assert_eq!(
        status(&report),
        Outcome::Unavailable,
        "{:#?}",
        report.revocation
    );
    assert!(!report.accepted);
    let report = verdict(&pki, &pki.good, &[&key_reasons, &other_reasons], None);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
    assert!(report.accepted, "{:#?}", report.findings);
    let report = verdict(&pki, &pki.revoked, &[&other_reasons, &key_reasons], None);
    assert_eq!(status(&report), Outcome::Revoked);
}

#[test]
fn issuer_names_match_across_string_types_and_forged_crls_do_not_count() {
    let pki = Pki::new();
    // The same CA key under its name written differently: PrintableString, other case,
    // extra spaces. openssl copies the signing certificate's subject as the CRL issuer.
    pki.write(
        "alt-req.cnf",
        b"[ req ]\ndistinguished_name = dn\nstring_mask = default\nprompt = no\n\
          x509_extensions = v3\n[ dn ]\n[ v3 ]\nsubjectKeyIdentifier = hash\n",
    );
    openssl(
        pki.dir(),
        &[
            "req",
            "-new",
            "-x509",
            "-config",
            "alt-req.cnf",
            "-key",
            "ca.key",
            "-subj",
            "/C=de/O=EXAMPLE  ca/CN=REVOCATION TEST  issuing CA",
            "-days",
            "2",
            "-out",
            "ca-alt.pem",
        ],
    );
    let alt = make(
        &pki,
        "alt-crl",
        &Spec {
            revoked: &[("1002", "keyCompromise")],
            cert: Some("ca-alt.pem"),
            ..Spec::default()
        },
    );
    let crl = chainvet::revocation::Crl::from_der(alt.clone()).expect("crl");
    let ca = chainvet::Certificate::from_der(pki.ca.der.clone()).expect("ca");
    assert_ne!(
        crl.issuer_raw(),
        ca.subject_raw(),
        "the encodings must differ"
    );
    let report = verdict(&pki, &pki.revoked, &[&alt], None);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );

    // A CRL under the CA's name signed by another key (the impostor), newer and
    // saying nothing, does not override the genuine one.
    let forged = make(
        &pki,
        "forged",
        &Spec {
            number: 99,
            signer: "impostor",
            ..Spec::default()
        },
    );
    let genuine = make(
        &pki,
        "genuine",
        &Spec {
            revoked: &[("1002", "keyCompromise")],
            ..Spec::default()
        },
    );
    let report = verdict(&pki, &pki.revoked, &[&forged, &genuine], None);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
    assert!(detail(&report).contains("signature"), "{}", detail(&report));
    let report = verdict(&pki, &pki.good, &[&forged], None);
    assert_eq!(status(&report), Outcome::Invalid);
    assert!(!report.accepted);
}

#[test]
fn too_many_crls_give_no_status_rather_than_a_partial_one() {
    let pki = Pki::new();
    let revoking = make(
        &pki,
        "revoking",
        &Spec {
            number: 1000,
            revoked: &[("1002", "keyCompromise")],
            ..Spec::default()
        },
    );
    let mut crls = vec![revoking];
    for n in 1..=32 {
        crls.push(make(
            &pki,
            &format!("filler-{n}"),
            &Spec {
                number: n,
                ..Spec::default()
            },
        ));
    }
    let v = hard_fail();
    for reverse in [false, true] {
        let mut options = Options::default();
        options.offline = true;
        options.crls = crls.clone();
        if reverse {
            options.crls.reverse();
        }
        let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &options);
        assert_eq!(
            status(&report),
            Outcome::Invalid,
            "{:#?}",
            report.revocation
        );
        assert!(!report.accepted);
        assert!(detail(&report).contains("33 CRLs"), "{}", detail(&report));
    }
    // At the bound everything is considered, and the newest (revoking) CRL answers.
    crls.truncate(32);
    let mut options = Options::default();
    options.offline = true;
    options.crls = crls;
    let report = v.validate_with(pki.bundle(&pki.revoked).as_bytes(), &options);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );
}

/// A CRL built field by field (x509-cert) and signed by the CA's key with `openssl dgst`,
/// for what `openssl ca` cannot write: entry extensions of any kind. Lists serial 1002
/// with `entry_extensions`.
fn hand_made(
    pki: &Pki,
    name: &str,
    number: u8,
    entry_extensions: Vec<x509_cert::ext::Extension>,
) -> Vec<u8> {
    use der::asn1::{BitString, OctetString, UtcTime};
    use der::{Decode, Encode};
    use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
    use x509_cert::ext::Extension;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::time::Time;

    let ca = x509_cert::Certificate::from_der(&pki.ca.der).expect("ca");
    // The CA's key is P-256, like the root's: the root's algorithm identifier fits.
    let algorithm = ca.signature_algorithm().clone();
    let time = |offset: i64| {
        let t = std::time::UNIX_EPOCH
            + std::time::Duration::from_secs((Timestamp::now().0 + offset) as u64);
        Time::UtcTime(UtcTime::from_system_time(t).expect("utc"))
    };
    let tbs: TbsCertList = TbsCertList {
        version: x509_cert::Version::V2,
        signature: algorithm.clone(),
        issuer: ca.tbs_certificate().subject().clone(),
        this_update: time(-60),
        next_update: Some(time(HOUR)),
        revoked_certificates: Some(vec![RevokedCert {
            serial_number: SerialNumber::<x509_cert::certificate::Rfc5280>::new(&[0x10, 0x02])
                .expect("serial"),
            revocation_date: time(-HOUR),
            crl_entry_extensions: (!entry_extensions.is_empty()).then_some(entry_extensions),
        }]),
        crl_extensions: Some(vec![Extension {
            extn_id: const_oid::db::rfc5280::ID_CE_CRL_NUMBER,
            critical: false,
            extn_value: OctetString::new(vec![0x02, 0x01, number]).expect("number"),
        }]),
    };
    let tbs_der = tbs.to_der().expect("tbs");
    let (tbs_file, sig_file) = (format!("{name}.tbs"), format!("{name}.sig"));
    pki.write(&tbs_file, &tbs_der);
    openssl(
        pki.dir(),
        &[
            "dgst", "-sha256", "-sign", "ca.key", "-out", &sig_file, &tbs_file,
        ],
    );
    let signature = std::fs::read(pki.dir().join(&sig_file)).expect("sig");
    CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: algorithm,
        signature: BitString::from_bytes(&signature).expect("bits"),
    }
    .to_der()
    .expect("crl")
}

#[test]
fn crl_entry_extensions_critical_unknown_or_indirect() {
    use der::asn1::OctetString;
    use x509_cert::ext::Extension;

    let pki = Pki::new();
    // The hand-made CRL is a valid one: it revokes.
    let baseline = hand_made(&pki, "baseline", 2, Vec::new());
    let report = verdict(&pki, &pki.revoked, &[&baseline], None);
    assert_eq!(
        status(&report),
        Outcome::Revoked,
        "{:#?}",
        report.revocation
    );

    // A critical entry extension chainvet does not understand: the whole CRL is unused
    // (RFC 5280 5.3), so an older plain CRL answers.
    let unknown = Extension {
        extn_id: const_oid::ObjectIdentifier::new_unwrap("1.2.3.4.5"),
        critical: true,
        extn_value: OctetString::new(vec![0x05, 0x00]).expect("value"),
    };
    let critical = hand_made(&pki, "entry-critical", 5, vec![unknown]);
    let plain = make(&pki, "plain", &Spec::default());
    let report = verdict(&pki, &pki.revoked, &[&critical, &plain], None);
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
    assert!(detail(&report).contains("1.2.3.4.5"), "{}", detail(&report));
    let report = verdict(&pki, &pki.revoked, &[&critical], None);
    assert_eq!(
        status(&report),
        Outcome::Invalid,
        "{:#?}",
        report.revocation
    );

    // certificateIssuer entries make it an indirect CRL, which is never applied.
    let ca_name = {
        use der::{Decode, Encode};
        let ca = x509_cert::Certificate::from_der(&pki.ca.der).expect("ca");
        ca.tbs_certificate().subject().to_der().expect("name")
    };
    let mut general_names = vec![0xa4, u8::try_from(ca_name.len()).expect("short")];
    general_names.extend(ca_name);
    let mut value = vec![0x30, u8::try_from(general_names.len()).expect("short")];
    value.extend(general_names);
    let issuer_entry = Extension {
        extn_id: const_oid::db::rfc5280::ID_CE_CERTIFICATE_ISSUER,
        critical: true,
        extn_value: OctetString::new(value).expect("value"),
    };
    let indirect = hand_made(&pki, "indirect", 6, vec![issuer_entry]);
    let report = verdict(&pki, &pki.revoked, &[&indirect], None);
    assert_eq!(
        status(&report),
        Outcome::Unavailable,
        "{:#?}",
        report.revocation
    );
    let report = verdict(&pki, &pki.revoked, &[&indirect, &baseline], None);
    assert_eq!(status(&report), Outcome::Revoked);
    assert!(
        detail(&report).contains("indirect CRL"),
        "{}",
        detail(&report)
    );
}

/// A delta CRL handed over by the caller is applied on top of the complete CRL fetched
/// from the certificate's distribution point (and then cached).
#[cfg(feature = "fetch")]
#[test]
fn a_supplied_delta_applies_on_top_of_a_fetched_complete_crl() {
    let pki = Pki::new();
    let complete = make(
        &pki,
        "served",
        &Spec {
            number: 20,
            exts: FRESHEST,
            ..Spec::default()
        },
    );
    pki.server.serve_file("crl", complete);
    let delta = make(
        &pki,
        "served-delta",
        &Spec {
            number: 21,
            revoked: &[("1001", "keyCompromise")],
            exts: &delta_of(20),
            ..Spec::default()
        },
    );
    use chainvet::revocation::Mode;
    use chainvet::{Policy, Validator};
    // Fetching happens only for a trusted chain, to a destination the policy opens.
    let mut policy = Policy::default();
    policy.revocation.mode = Mode::HardFail;
    policy.revocation.prefer = Method::Crl;
    policy.revocation.allow_destinations = vec!["127.0.0.1".to_owned()];
    let trust = chainvet::TrustStore::from_pem(pki.root.pem().as_bytes()).expect("trust store");
    let v = Validator::with_trust_store(policy, trust);
    let mut options = Options::default();
    options.crls = vec![delta];
    // The complete CRL alone says good for 1001; the delta revokes it.
    for round in ["fetched", "cached"] {
        let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &options);
        let info = &report.revocation[0];
        assert_eq!(
            info.status,
            Outcome::Revoked,
            "{round}: {:#?}",
            report.revocation
        );
        assert!(
            info.responder
                .as_deref()
                .is_some_and(|r| r.contains("/crl")),
            "{round}: {info:#?}"
        );
    }
    // Without the delta, the cached complete CRL answers good.
    let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &Options::default());
    assert_eq!(status(&report), Outcome::Good, "{:#?}", report.revocation);
}
