//! Real handshakes (TLS 1.2 and 1.3, rustls on both sides, TCP on 127.0.0.1) through
//! `ChainvetClientVerifier`: what the client receives (the mapped alert) and what the
//! server can read (chainvet's codes), for each case a gateway must decide.

mod common;

use std::sync::{Arc, Mutex, OnceLock};

use chainvet::{Binding, Certificate, Code, Registration};
use chainvet_rustls::{ChainvetClientVerifier, ChainvetRejection, Outcome};
use chainvet_testkit::Issued;
use chainvet_testkit::mtls::MtlsPki;
use common::{ClientAuth, MakeConfig, Run, client_config, connect, server_config, validator};
use rustls::version::{TLS12, TLS13};
use rustls::{AlertDescription as A, SupportedProtocolVersion};

const VERSIONS: [&SupportedProtocolVersion; 2] = [&TLS12, &TLS13];

fn pki() -> &'static MtlsPki {
    static PKI: OnceLock<MtlsPki> = OnceLock::new();
    PKI.get_or_init(MtlsPki::new)
}

/// The registrations of `acme-payments`: the `good` certificate.
fn acme_binding(id: &str) -> Option<Arc<Binding>> {
    (id == "acme-payments").then(|| {
        let good = Certificate::from_der(pki().client("good")[0].der.clone()).expect("good");
        Arc::new(Binding::new(vec![Registration::from_certificate(&good)]).with_client(id))
    })
}

/// The gateway of the README: CRLs, binding by SNI (`<client-id>.gateway.test`), a
/// per-connection verifier, and every rejection logged by the hook.
fn gateway(
    version: &'static SupportedProtocolVersion,
    log: Arc<Mutex<Vec<Vec<Code>>>>,
    binding: bool,
) -> Arc<MakeConfig> {
    let pki = pki();
    let mut builder = ChainvetClientVerifier::builder(validator(pki))
        .crls(vec![pki.crl.clone()])
        .on_rejection(move |r| log.lock().expect("log").push(r.codes()));
    if binding {
        builder = builder.bindings_fn(acme_binding);
    }
    let verifier = builder.build().expect("verifier");
    Arc::new(move |sni: Option<&str>| {
        let client_id = sni.and_then(|s| s.strip_suffix(".gateway.test"));
        let per_connection = verifier.for_connection(client_id);
        (
            server_config(pki, per_connection.clone(), version),
            Some(per_connection),
        )
    })
}

/// One connection of `client` to the gateway, sending `sni` (`None`: no SNI at all),
/// with or without the binding check.
fn run_case(
    version: &'static SupportedProtocolVersion,
    client: &str,
    sni: Option<&str>,
    binding: bool,
) -> (Run, Vec<Vec<Code>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let make = gateway(version, Arc::clone(&log), binding);
    let auth = ClientAuth::Chain(pki().client(client).to_vec());
    let (mut config, _) = client_config(pki(), auth, version);
    if sni.is_none() {
        let mut plain = (*config).clone();
        plain.enable_sni = false;
        config = Arc::new(plain);
    }
    let run = connect(make, config, sni.unwrap_or("gateway.test"));
    let logged = log.lock().expect("log").clone();
    (run, logged)
}

#[test]
fn the_registered_certificate_is_accepted_and_its_report_kept() {
    for version in VERSIONS {
        let (run, logged) = run_case(version, "good", Some("acme-payments.gateway.test"), true);
        assert_eq!(
            run.client.as_deref().ok(),
            Some(&b"pong"[..]),
            "{version:?}: {:?}",
            run.client
        );
        assert_eq!(run.server.as_ref().ok(), Some(&Some(2)));
        assert_eq!(run.sni.as_deref(), Some("acme-payments.gateway.test"));
        assert!(logged.is_empty());
        let Some(Outcome::Accepted(report)) = run.outcome else {
            panic!("{version:?}: no accepted outcome: {:?}", run.outcome)
        };
        assert!(report.accepted);
        assert_eq!(report.chain.path.len(), 3, "leaf, issuing CA, root");
    }
}

/// Each rejection: the alert the client received, the rustls error on the server, and
/// the codes reachable from the per-connection outcome and the hook.
#[test]
fn each_rejection_sends_its_mapped_alert_and_keeps_the_report() {
    // (client, binding on, alert, main code). With binding on, the client connects as
    // acme-payments, which registered only `good`: a more fundamental finding still
    // decides the alert.
    let cases: [(&str, bool, A, Code); 7] = [
        (
            "expired",
            true,
            A::CertificateExpired,
            Code::ValidityExpired,
        ),
        ("self-signed", true, A::UnknownCA, Code::LeafSelfSigned),
        ("untrusted", true, A::UnknownCA, Code::RootNotTrusted),
        (
            "revoked",
            true,
            A::CertificateRevoked,
            Code::RevocationRevoked,
        ),
        ("other", true, A::AccessDenied, Code::BindingSerialMismatch),
        (
            "short-lived",
            true,
            A::AccessDenied,
            Code::BindingSerialMismatch,
        ),
        // The 90-day leaf alone: a policy finding without a closer alert.
        (
            "short-lived",
            false,
            A::CertificateUnknown,
            Code::ValidityTooShort,
        ),
    ];
    for version in VERSIONS {
        for (client, binding, alert, code) in cases {
            let sni = Some("acme-payments.gateway.test");
            let (run, logged) = run_case(version, client, sni, binding);
            let what = format!("{client} over {version:?}");
            assert!(run.client.is_err(), "{what}: the client got through");
            assert_eq!(run.client_alert(), Some(alert), "{what}: {:?}", run.client);
            let rejection = match &run.outcome {
                Some(Outcome::Rejected(r)) => Arc::clone(r),
                other => panic!("{what}: outcome {other:?}"),
            };
            assert!(
                rejection.codes().contains(&code),
                "{what}: {:?}",
                rejection.codes()
            );
            assert_eq!(
                rejection.main_finding().map(|f| f.code),
                Some(code),
                "{what}"
            );
            assert_eq!(rejection.alert(), alert, "{what}");
            assert_eq!(
                logged,
                vec![rejection.codes()],
                "{what}: the hook saw it once"
            );
            let server_error = run.server_error().expect("server error");
            match ChainvetRejection::from_error(server_error) {
                // Only certificate_unknown can carry the report in the error.
                Some(carried) => {
                    assert_eq!(alert, A::CertificateUnknown, "{what}");
                    assert_eq!(carried.codes(), rejection.codes());
                }
                None => assert!(
                    matches!(server_error, rustls::Error::InvalidCertificate(_)),
                    "{what}: {server_error:?}"
                ),
            }
        }
    }
}

#[test]
fn binding_needs_a_client_id_and_an_unknown_client_is_refused() {
    for version in VERSIONS {
        // The client sends no SNI at all.
        let (run, _) = run_case(version, "good", None, true);
        assert_eq!(run.sni, None);
        assert_eq!(
            run.client_alert(),
            Some(A::AccessDenied),
            "{:?}",
            run.client
        );
        let codes = run
            .outcome
            .as_ref()
            .map(|o| o.report().errors().map(|f| f.code).collect::<Vec<_>>());
        assert_eq!(codes, Some(vec![Code::BindingNoRegisteredCertificate]));

        let (run, _) = run_case(version, "good", Some("globex.gateway.test"), true);
        assert_eq!(run.client_alert(), Some(A::AccessDenied));
        let rejection = run.outcome.as_ref().expect("outcome").report();
        assert!(rejection.has(Code::BindingNoRegisteredCertificate));
    }
}

#[test]
fn binding_can_take_the_client_id_from_the_certificate() {
    let pki = pki();
    let verifier = ChainvetClientVerifier::builder(validator(pki))
        .bindings_fn(acme_binding)
        .client_id_from_certificate(|cert| {
            (cert.common_name().as_deref() == Some("acme-payments client"))
                .then(|| "acme-payments".to_owned())
        })
        .build()
        .expect("verifier");
    let make: Arc<MakeConfig> =
        Arc::new(move |_| (server_config(pki, verifier.clone(), &TLS13), None));
    for (client, expected) in [("good", None), ("other", Some(A::AccessDenied))] {
        let auth = ClientAuth::Chain(pki.client(client).to_vec());
        let run = connect(
            make.clone(),
            client_config(pki, auth, &TLS13).0,
            "gateway.test",
        );
        assert_eq!(run.client_alert(), expected, "{client}: {:?}", run.client);
    }
}

#[test]
fn report_in_error_carries_every_rejection_as_certificate_unknown() {
    let pki = pki();
    let verifier = ChainvetClientVerifier::builder(validator(pki))
        .report_in_error(true)
        .build()
        .expect("verifier");
    for version in VERSIONS {
        let v = verifier.clone();
        let make: Arc<MakeConfig> =
            Arc::new(move |_| (server_config(pki, v.clone(), version), None));
        let auth = ClientAuth::Chain(pki.client("expired").to_vec());
        let run = connect(make, client_config(pki, auth, version).0, "gateway.test");
        assert_eq!(run.client_alert(), Some(A::CertificateUnknown));
        let err = run.server.as_ref().expect_err("rejected");
        let rejection = ChainvetRejection::from_io_error(err).expect("the report is in the error");
        assert_eq!(rejection.codes(), vec![Code::ValidityExpired]);
        assert!(
            rejection.report().findings[0]
                .message
                .contains("expired client")
        );
    }
}

#[test]
fn a_missing_certificate_is_refused_when_mandatory_and_let_through_when_optional() {
    let pki = pki();
    for version in VERSIONS {
        for mandatory in [true, false] {
            let verifier = ChainvetClientVerifier::builder(validator(pki))
                .client_auth_mandatory(mandatory)
                .build()
                .expect("verifier");
            let make: Arc<MakeConfig> =
                Arc::new(move |_| (server_config(pki, verifier.clone(), version), None));
            let run = connect(
                make,
                client_config(pki, ClientAuth::None, version).0,
                "gateway.test",
            );
            if mandatory {
                assert_eq!(
                    run.client_alert(),
                    Some(A::CertificateRequired),
                    "{version:?}"
                );
                assert!(matches!(
                    run.server_error(),
                    Some(rustls::Error::NoCertificatesPresented)
                ));
            } else {
                assert_eq!(
                    run.client.as_deref().ok(),
                    Some(&b"pong"[..]),
                    "{version:?}"
                );
                assert_eq!(
                    run.server.as_ref().ok(),
                    Some(&None),
                    "no peer certificates"
                );
            }
        }
    }
}

#[test]
fn the_certificate_request_lists_the_trust_anchors() {
    let pki = pki();
    let v = validator(pki);
    let expected = {
        let root = Certificate::from_der(pki.root.der.clone()).expect("root");
        rustls::DistinguishedName::in_sequence(root.subject_raw())
    };
    for hints in [true, false] {
        let verifier = ChainvetClientVerifier::builder(v.clone())
            .root_hints(hints)
            .build()
            .expect("verifier");
        let make: Arc<MakeConfig> =
            Arc::new(move |_| (server_config(pki, verifier.clone(), &TLS13), None));
        let auth = ClientAuth::Chain(pki.client("good").to_vec());
        let (config, resolver) = client_config(pki, auth, &TLS13);
        let run = connect(make, config, "gateway.test");
        assert!(run.client.is_ok(), "{:?}", run.client);
        let seen = common::hints_seen(resolver.as_ref().expect("resolver"));
        let want: Vec<Vec<u8>> = if hints {
            vec![expected.as_ref().to_vec()]
        } else {
            Vec::new()
        };
        assert_eq!(seen, want);
    }
}

// --- The attacker's side ---

fn attack(version: &'static SupportedProtocolVersion, certs: Vec<Vec<u8>>, key_of: &Issued) -> Run {
    let pki = pki();
    let verifier = ChainvetClientVerifier::builder(validator(pki))
        .build()
        .expect("verifier");
    let per_connection = verifier.for_connection(None);
    let make: Arc<MakeConfig> = Arc::new(move |_| {
        (
            server_config(pki, per_connection.clone(), version),
            Some(per_connection.clone()),
        )
    });
    let auth = ClientAuth::Raw(certs, Box::new(key_of.clone()));
    connect(make, client_config(pki, auth, version).0, "gateway.test")
}

#[test]
fn garbage_as_the_client_certificate_is_a_bad_certificate() {
    for version in VERSIONS {
        let run = attack(
            version,
            vec![b"\x30\x03\x02\x01\x01 not DER".to_vec()],
            &pki().client("good")[0],
        );
        assert_eq!(
            run.client_alert(),
            Some(A::BadCertificate),
            "{:?}",
            run.client
        );
        let report = run.outcome.as_ref().expect("outcome").report();
        assert!(report.has(Code::CertificateMalformed), "{report:?}");
    }
}

#[test]
fn a_flood_of_certificates_is_refused_before_any_is_parsed() {
    let pki = pki();
    let mut certs = vec![pki.client("good")[0].der.clone()];
    certs.extend(std::iter::repeat_n(pki.ca.der.clone(), 40));
    for version in VERSIONS {
        let run = attack(version, certs.clone(), &pki.client("good")[0]);
        assert_eq!(
            run.client_alert(),
            Some(A::CertificateUnknown),
            "{:?}",
            run.client
        );
        let report = run.outcome.as_ref().expect("outcome").report();
        assert_eq!(
            report.errors().map(|f| f.code).collect::<Vec<_>>(),
            vec![Code::ChainTooLong]
        );
        assert!(report.certificates.is_empty(), "nothing parsed");
    }
}

#[test]
fn a_stolen_certificate_without_its_key_fails_the_handshake_signature() {
    // `good`'s chain signed with `other`'s key: the certificate passes chainvet, and the
    // provider's CertificateVerify check (delegated by the verifier) stops it.
    let pki = pki();
    let certs: Vec<Vec<u8>> = pki.client("good").iter().map(|c| c.der.clone()).collect();
    for version in VERSIONS {
        let run = attack(version, certs.clone(), &pki.client("other")[0]);
        assert!(run.client.is_err(), "{version:?}: got through");
        assert_eq!(
            run.client_alert(),
            Some(A::DecryptError),
            "{:?}",
            run.client
        );
        assert!(
            matches!(
                run.server_error(),
                Some(rustls::Error::InvalidCertificate(_))
            ),
            "{:?}",
            run.server
        );
        assert!(
            matches!(run.outcome, Some(Outcome::Accepted(_))),
            "the certificate itself was fine"
        );
    }
}

#[test]
fn a_server_certificate_is_not_a_client_certificate() {
    // The gateway's own certificate (serverAuth only, issued by the trusted root), with
    // its key: trusted, valid, and for the wrong purpose.
    let pki = pki();
    for version in VERSIONS {
        let run = attack(version, vec![pki.server.der.clone()], &pki.server);
        assert_eq!(
            run.client_alert(),
            Some(A::UnsupportedCertificate),
            "{:?}",
            run.client
        );
        let report = run.outcome.as_ref().expect("outcome").report();
        assert!(report.has(Code::LeafClientAuthMissing), "{report:?}");
    }
}

#[test]
fn building_without_trust_anchors_fails() {
    let empty = Arc::new(chainvet::Validator::with_trust_store(
        chainvet::Policy::default(),
        chainvet::TrustStore::empty(),
    ));
    let err = ChainvetClientVerifier::builder(empty)
        .build()
        .expect_err("no anchors");
    assert_eq!(err, chainvet_rustls::BuildError::NoTrustAnchors);
}
