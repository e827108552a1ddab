//! Revocation without chainvet's own network code: OCSP responses and CRLs made by the
//! real OpenSSL responder and CA (`chainvet_testkit::revocation::Pki`), evaluated
//! through the sans-IO API and handed to the validator as stapled or supplied data.

use chainvet::revocation::{
    CachedOcsp, CertIdHash, CertStatus, Crl, CrlError, Method, Mode, Outcome, Reason,
    RevocationPolicy, Scope, Source, ocsp,
};
use chainvet::{Certificate, Code, Options, Policy, Severity, Timestamp, Validator};
use chainvet_testkit::revocation::{OcspOptions, Pki, REVOKED_AT, Signer};
use chainvet_testkit::{Chain, Issued};

fn cert(issued: &Issued) -> Certificate {
    Certificate::from_der(issued.der.clone()).expect("parses")
}

fn now() -> Timestamp {
    Timestamp::now()
}

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

fn policy() -> RevocationPolicy {
    RevocationPolicy::default()
}

fn revoked_at() -> Timestamp {
    Timestamp::parse_rfc3339("2026-01-15T00:00:00Z").expect("time")
}

#[test]
fn openssl_answers_good_revoked_unknown_for_our_requests() {
    let pki = Pki::new();
    let ca = cert(&pki.ca);
    assert_eq!(REVOKED_AT, "260115000000Z");
    for hash in [CertIdHash::Sha1, CertIdHash::Sha256] {
        for (leaf, expected) in [
            (&pki.good, CertStatus::Good),
            (
                &pki.revoked,
                CertStatus::Revoked {
                    time: revoked_at(),
                    reason: Some(Reason::KeyCompromise),
                },
            ),
            (&pki.unknown, CertStatus::Unknown),
        ] {
            let leaf = cert(leaf);
            let request = ocsp::Request::new(&leaf, &ca, hash, None).expect("request");
            assert_eq!(request.responder_url(), Some(pki.ocsp_url().as_str()));
            let response = pki.respond(request.der(), &OcspOptions::default());
            let answer = ocsp::evaluate(&response, &leaf, &ca, now(), None, &policy())
                .unwrap_or_else(|e| panic!("{hash:?} {}: {e}", leaf.subject_string()));
            assert_eq!(
                answer.status,
                expected,
                "{hash:?} {}",
                leaf.subject_string()
            );
            assert_eq!(answer.method, Method::Ocsp);
            assert_eq!(answer.signer, ca.subject_string());
            let next = answer.next_update.expect("-ndays 1 sets nextUpdate");
            assert_eq!(next.0 - answer.this_update.0, DAY);
            assert_eq!(answer.valid_until, next);
            assert!((answer.this_update.0 - now().0).abs() < HOUR);
        }
    }
}

#[test]
fn requests_and_responses_made_entirely_by_openssl_evaluate() {
    let pki = Pki::new();
    let (ca, leaf) = (cert(&pki.ca), cert(&pki.revoked));
    // CertID with SHA-256, as `openssl ocsp -sha256` makes it.
    let request = pki.openssl_request(&pki.revoked, false, true);
    let response = pki.respond(&request, &OcspOptions::default());
    let answer = ocsp::evaluate(&response, &leaf, &ca, now(), None, &policy()).expect("valid");
    assert!(matches!(
        answer.status,
        CertStatus::Revoked {
            reason: Some(Reason::KeyCompromise),
            ..
        }
    ));
}

#[test]
fn delegated_responders_need_the_issuer_and_ocsp_signing() {
    let pki = Pki::new();
    let (ca, leaf) = (cert(&pki.ca), cert(&pki.good));
    let eval = |opts: OcspOptions| {
        let response = pki.ocsp_response(&pki.good, &opts);
        ocsp::evaluate(&response, &leaf, &ca, now(), None, &policy())
    };

    let answer = eval(OcspOptions::signed_by(Signer::Delegated)).expect("delegated is fine");
    assert_eq!(answer.status, CertStatus::Good);
    assert!(
        answer.signer.contains("delegated responder")
            && answer.signer.contains("Delegated OCSP Responder"),
        "{}",
        answer.signer
    );
    // ResponderID by key hash instead of by name.
    let by_key = OcspOptions {
        key_id: true,
        ..OcspOptions::signed_by(Signer::Delegated)
    };
    assert_eq!(eval(by_key).expect("by key").status, CertStatus::Good);
    let issuer_by_key = OcspOptions {
        key_id: true,
        ..OcspOptions::default()
    };
    assert_eq!(
        eval(issuer_by_key).expect("by key").status,
        CertStatus::Good
    );

    match eval(OcspOptions::signed_by(Signer::DelegatedNoEku)) {
        Err(e @ ocsp::Error::ResponderNotAuthorized { .. }) => {
            assert!(e.to_string().contains("id-kp-OCSPSigning"), "{e}");
            assert_eq!(e.code(), Code::RevocationResponseInvalid);
        }
        other => panic!("{other:?}"),
    }
    match eval(OcspOptions::signed_by(Signer::Unrelated)) {
        Err(e @ ocsp::Error::ResponderNotAuthorized { .. }) => {
            assert!(e.to_string().contains("not issued by"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // Without its certificate in the response, the unrelated signer is unknown.
    let no_certs = OcspOptions {
        include_certs: false,
        ..OcspOptions::signed_by(Signer::Unrelated)
    };
    assert!(matches!(
        eval(no_certs),
        Err(ocsp::Error::UnknownResponder(_))
    ));
    // A delegated responder must be included in the response to be checked.
    let delegated_no_certs = OcspOptions {
        include_certs: false,
        ..OcspOptions::signed_by(Signer::Delegated)
    };
    assert!(matches!(
        eval(delegated_no_certs),
        Err(ocsp::Error::UnknownResponder(_))
    ));
    // Same name as the issuer, another key: the signature cannot verify.
    match eval(OcspOptions::signed_by(Signer::Impostor)) {
        Err(ocsp::Error::Signature(chainvet::signature::VerifyError::Invalid)) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn response_for_another_certificate_is_invalid() {
    let pki = Pki::new();
    let response = pki.ocsp_response(&pki.good, &OcspOptions::default());
    let err = ocsp::evaluate(
        &response,
        &cert(&pki.revoked),
        &cert(&pki.ca),
        now(),
        None,
        &policy(),
    )
    .expect_err("about serial 1001, asked about 1002");
    assert_eq!(
        err,
        ocsp::Error::WrongCertificate {
            serials: vec!["1001".to_owned()]
        }
    );
    assert_eq!(err.code(), Code::RevocationResponseInvalid);
    // The same response against a different issuer does not match either.
    assert!(
        ocsp::evaluate(
            &response,
            &cert(&pki.good),
            &cert(&pki.root),
            now(),
            None,
            &policy()
        )
        .is_err()
    );
}

#[test]
fn freshness_uses_next_update_max_age_and_skew() {
    let pki = Pki::new();
    let (ca, leaf) = (cert(&pki.ca), cert(&pki.good));
    let with_next = pki.ocsp_response(&pki.good, &OcspOptions::default());
    let without_next = pki.ocsp_response(
        &pki.good,
        &OcspOptions {
            next_update: false,
            ..OcspOptions::default()
        },
    );
    let at = |offset: i64| Timestamp(now().0 + offset);
    let eval = |resp: &[u8], t: Timestamp| ocsp::evaluate(resp, &leaf, &ca, t, None, &policy());

    assert!(eval(&with_next, at(23 * HOUR)).is_ok());
    match eval(&with_next, at(2 * DAY)) {
        Err(
            e @ ocsp::Error::Stale {
                from_next_update: true,
                ..
            },
        ) => assert!(e.to_string().contains("nextUpdate"), "{e}"),
        other => panic!("{other:?}"),
    }
    // No nextUpdate: fresh for the policy's max age (7 days).
    let answer = eval(&without_next, at(6 * DAY)).expect("within max age");
    assert_eq!(answer.next_update, None);
    assert_eq!(answer.valid_until.0, answer.this_update.0 + 7 * DAY);
    assert!(matches!(
        eval(&without_next, at(8 * DAY)),
        Err(ocsp::Error::Stale {
            from_next_update: false,
            ..
        })
    ));
    let short = RevocationPolicy {
        max_age_seconds: 3600,
        ..policy()
    };
    assert!(ocsp::evaluate(&without_next, &leaf, &ca, at(2 * HOUR), None, &short).is_err());
    // thisUpdate in the future beyond the 5-minute skew; within it is fine.
    assert!(matches!(
        eval(&with_next, at(-HOUR)),
        Err(ocsp::Error::NotYetValid { .. })
    ));
    assert!(eval(&with_next, at(-120)).is_ok());
}

#[test]
fn nonces_must_be_echoed() {
    let pki = Pki::new();
    let (ca, leaf) = (cert(&pki.ca), cert(&pki.good));
    let request =
        ocsp::Request::new(&leaf, &ca, CertIdHash::Sha1, Some(b"chainvet nonce 1")).expect("req");
    let response = pki.respond(request.der(), &OcspOptions::default());
    let eval = |resp: &[u8], nonce: Option<&[u8]>| {
        ocsp::evaluate(resp, &leaf, &ca, now(), nonce, &policy())
    };
    assert!(eval(&response, request.nonce()).is_ok());
    assert_eq!(
        eval(&response, Some(b"chainvet nonce 2")),
        Err(ocsp::Error::NonceMismatch)
    );
    // A response to a request with OpenSSL's own random nonce.
    let theirs = pki.respond(
        &pki.openssl_request(&pki.good, true, false),
        &OcspOptions::default(),
    );
    assert_eq!(
        eval(&theirs, request.nonce()),
        Err(ocsp::Error::NonceMismatch)
    );
    let without = pki.ocsp_response(&pki.good, &OcspOptions::default());
    assert_eq!(
        eval(&without, request.nonce()),
        Err(ocsp::Error::NonceMissing)
    );
    assert!(eval(&without, None).is_ok());

    // A random nonce is 16 bytes and differs between requests.
    let a = ocsp::Request::with_random_nonce(&leaf, &ca, CertIdHash::Sha1).expect("a");
    let b = ocsp::Request::with_random_nonce(&leaf, &ca, CertIdHash::Sha1).expect("b");
    assert_eq!(a.nonce().map(<[u8]>::len), Some(16));
    assert_ne!(a.nonce(), b.nonce());
    let answered = pki.respond(a.der(), &OcspOptions::default());
    assert!(eval(&answered, a.nonce()).is_ok());
    assert_eq!(eval(&answered, b.nonce()), Err(ocsp::Error::NonceMismatch));
}

#[test]
fn tampering_and_error_statuses() {
    let pki = Pki::new();
    let (ca, leaf) = (cert(&pki.ca), cert(&pki.good));
    let mut response = pki.ocsp_response(&pki.good, &OcspOptions::default());
    // The last bytes of an ECDSA response without certs are the signature's s value;
    // with certs included, flip a byte inside producedAt instead (signed data).
    let produced = response
        .windows(2)
        .position(|w| w == [0x18, 0x0f])
        .expect("producedAt GeneralizedTime");
    response[produced + 2 + 13] ^= 0x01; // a seconds digit
    // Still a valid time ('0'..'9' xor 1 is a digit), so only the signature fails.
    assert_eq!(
        ocsp::evaluate(&response, &leaf, &ca, now(), None, &policy()),
        Err(ocsp::Error::Signature(
            chainvet::signature::VerifyError::Invalid
        ))
    );

    // OCSPResponse { responseStatus tryLater (3) }: RFC 6960 4.2.1.
    let try_later = [0x30, 0x03, 0x0a, 0x01, 0x03];
    let err = ocsp::evaluate(&try_later, &leaf, &ca, now(), None, &policy()).unwrap_err();
    assert_eq!(err, ocsp::Error::Status(ocsp::ErrorStatus::TryLater));
    assert_eq!(err.code(), Code::RevocationUnavailable);
    let unauthorized = [0x30, 0x03, 0x0a, 0x01, 0x06];
    assert_eq!(
        ocsp::evaluate(&unauthorized, &leaf, &ca, now(), None, &policy()),
        Err(ocsp::Error::Status(ocsp::ErrorStatus::Unauthorized))
    );
    for junk in [&b""[..], b"\x30", b"not ocsp", b"\x30\x03\x0a\x01\x00"] {
        assert!(matches!(
            ocsp::evaluate(junk, &leaf, &ca, now(), None, &policy()),
            Err(ocsp::Error::Malformed(_))
        ));
    }
}

#[test]
fn rfc5019_get_url_is_understood_by_the_responder() {
    use std::io::{Read, Write};
    let pki = Pki::new();
    let (ca, leaf) = (cert(&pki.ca), cert(&pki.revoked));
    let request = ocsp::Request::new(&leaf, &ca, CertIdHash::Sha1, None).expect("request");
    let url = request.get_url(&pki.ocsp_url());
    assert!(url.starts_with(&format!("{}/", pki.ocsp_url())), "{url}");
    assert!(
        !url[pki.ocsp_url().len() + 1..].contains(['+', '/', '=']),
        "{url}"
    );
    assert_eq!(request.get_url(&format!("{}/", pki.ocsp_url())), url);
    // A plain HTTP/1.1 GET of that URL, over loopback.
    let path = &url[pki.server.base_url().len()..];
    let mut stream =
        std::net::TcpStream::connect(("127.0.0.1", pki.server.port())).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let body_at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers")
        + 4;
    assert!(raw.starts_with(b"HTTP/1.1 200"));
    let answer =
        ocsp::evaluate(&raw[body_at..], &leaf, &ca, now(), None, &policy()).expect("valid");
    assert!(matches!(answer.status, CertStatus::Revoked { .. }));
}

#[test]
fn crls_from_openssl_ca() {
    let pki = Pki::new();
    let ca = cert(&pki.ca);
    let pem = std::fs::read(pki.crl_pem_path()).expect("crl.pem");
    assert!(pem.starts_with(b"-----BEGIN X509 CRL-----"));
    for crl in [
        Crl::from_bytes(&pem).expect("PEM"),
        Crl::from_bytes(&pki.crl_der).expect("DER"),
    ] {
        assert_eq!(crl.len(), 1);
        let status = |leaf: &Issued| {
            crl.evaluate(&cert(leaf), &ca, now(), &policy())
                .expect("valid")
                .status
        };
        assert_eq!(
            status(&pki.revoked),
            CertStatus::Revoked {
                time: revoked_at(),
                reason: Some(Reason::KeyCompromise)
            }
        );
        assert_eq!(status(&pki.good), CertStatus::Good);
        assert_eq!(status(&pki.unknown), CertStatus::Good);
        let answer = crl
            .evaluate(&cert(&pki.good), &ca, now(), &policy())
            .expect("valid");
        assert_eq!(answer.method, Method::Crl);
        assert_eq!(
            answer.next_update.map(|n| n.0 - answer.this_update.0),
            Some(DAY)
        );
        // Stale a day later, not yet valid an hour earlier.
        let later = Timestamp(now().0 + 2 * DAY);
        assert!(matches!(
            crl.evaluate(&cert(&pki.good), &ca, later, &policy()),
            Err(CrlError::Stale { .. })
        ));
        let earlier = Timestamp(now().0 - HOUR);
        assert!(matches!(
            crl.evaluate(&cert(&pki.good), &ca, earlier, &policy()),
            Err(CrlError::NotYetValid { .. })
        ));
        // Not the issuer of the leaf.
        assert!(matches!(
            crl.evaluate(&cert(&pki.good), &cert(&pki.root), now(), &policy()),
            Err(CrlError::WrongIssuer { .. })
        ));
        // The root's CRL would be signed by the root: the CA's is not.
        assert!(matches!(
            crl.verify_signature(&cert(&pki.root)),
            Err(CrlError::Signature(_))
        ));
    }
    // A tampered CRL (thisUpdate's last digit) no longer verifies.
    let mut der = pki.crl_der.clone();
    let t = der
        .windows(2)
        .position(|w| w == [0x17, 0x0d])
        .expect("UTCTime");
    der[t + 2 + 11] ^= 0x01;
    let tampered = Crl::from_der(der).expect("still parses");
    assert!(matches!(
        tampered.evaluate(&cert(&pki.good), &ca, now(), &policy()),
        Err(CrlError::Signature(_))
    ));
    assert!(Crl::from_bytes(b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n").is_err());
    assert!(Crl::from_bytes(b"garbage").is_err());
}

fn validator(mode: Mode) -> Validator {
    let mut policy = Policy::default();
    policy.revocation.mode = mode;
    Validator::new(policy).expect("policy")
}

fn offline() -> Options {
    let mut options = Options::default();
    options.offline = true;
    options
}

#[test]
fn stapled_and_supplied_responses_decide_the_report() {
    let pki = Pki::new();
    let v = validator(Mode::SoftFail);

    let mut options = offline();
    options.stapled_ocsp = vec![pki.ocsp_response(&pki.revoked, &OcspOptions::default())];
    let report = v.validate_with(pki.bundle(&pki.revoked).as_bytes(), &options);
    assert!(!report.accepted);
    let finding = report
        .with_code(Code::RevocationRevoked)
        .next()
        .expect("revoked");
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.certificate, Some(0));
    for part in [
        "CN=Revoked Client",
        "2026-01-15",
        "keyCompromise",
        "stapled",
    ] {
        assert!(finding.message.contains(part), "{}", finding.message);
    }
    // Said once, plainly (issue 17: not "OCSP stapled OCSP response (stapled)").
    assert!(
        finding
            .message
            .ends_with("according to the stapled OCSP response"),
        "{}",
        finding.message
    );
    let mut supplied = offline();
    supplied.ocsp_responses = vec![pki.ocsp_response(&pki.revoked, &OcspOptions::default())];
    let supplied_report = v.validate_with(pki.bundle(&pki.revoked).as_bytes(), &supplied);
    let message = &supplied_report
        .with_code(Code::RevocationRevoked)
        .next()
        .expect("revoked")
        .message;
    assert!(
        message.ends_with("according to the supplied OCSP response"),
        "{message}"
    );
    let info = &report.revocation[0];
    assert_eq!(
        (info.certificate, info.status, info.source, info.method),
        (
            0,
            Outcome::Revoked,
            Some(Source::Stapled),
            Some(Method::Ocsp)
        )
    );
    assert_eq!(info.reason, Some(Reason::KeyCompromise));
    assert_eq!(info.revoked_at.as_deref(), Some("2026-01-15T00:00:00Z"));

    // The good leaf with its own response, supplied: accepted, no finding.
    let mut options = offline();
    options.ocsp_responses = vec![pki.ocsp_response(&pki.good, &OcspOptions::default())];
    let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &options);
    assert!(report.accepted, "{:#?}", report.findings);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.revocation[0].status, Outcome::Good);
    assert_eq!(report.revocation[0].source, Some(Source::Supplied));
    assert!(report.to_json().contains("\"source\":\"supplied\""));

    // Unknown.
    let mut options = offline();
    options.ocsp_responses = vec![pki.ocsp_response(&pki.unknown, &OcspOptions::default())];
    let report = v.validate_with(pki.bundle(&pki.unknown).as_bytes(), &options);
    assert!(report.has(Code::RevocationUnknown) && !report.accepted);

    // A response about another certificate is invalid and gives no status.
    let mut options = offline();
    options.ocsp_responses = vec![pki.ocsp_response(&pki.good, &OcspOptions::default())];
    let report = v.validate_with(pki.bundle(&pki.revoked).as_bytes(), &options);
    let invalid = report
        .with_code(Code::RevocationResponseInvalid)
        .next()
        .expect("invalid");
    assert!(invalid.message.contains("1001"), "{}", invalid.message);
    assert!(!report.accepted);

    // A response from a responder without OCSPSigning is invalid for its certificate.
    let mut options = offline();
    options.stapled_ocsp =
        vec![pki.ocsp_response(&pki.good, &OcspOptions::signed_by(Signer::DelegatedNoEku))];
    let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &options);
    let invalid = report
        .with_code(Code::RevocationResponseInvalid)
        .next()
        .expect("invalid");
    assert_eq!(invalid.certificate, Some(0));
    assert!(
        invalid.message.contains("OCSPSigning"),
        "{}",
        invalid.message
    );
    assert_eq!(report.revocation[0].status, Outcome::Invalid);

    // Garbage handed over as a staple.
    let mut options = offline();
    options.stapled_ocsp = vec![b"garbage".to_vec()];
    let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &options);
    assert!(report.has(Code::RevocationResponseInvalid));
}

#[test]
fn supplied_crls_and_offline_mode() {
    let pki = Pki::new();
    let pem = std::fs::read(pki.crl_pem_path()).expect("crl.pem");
    for (mode, unavailable) in [
        (Mode::SoftFail, Severity::Warning),
        (Mode::HardFail, Severity::Error),
    ] {
        let v = validator(mode);
        let mut options = offline();
        options.crls = vec![pem.clone()];
        let report = v.validate_with(pki.bundle(&pki.revoked).as_bytes(), &options);
        assert!(report.has(Code::RevocationRevoked) && !report.accepted);
        let info = &report.revocation[0];
        assert_eq!(
            (info.method, info.source, info.responder.as_deref()),
            (
                Some(Method::Crl),
                Some(Source::Supplied),
                Some("supplied CRL")
            )
        );
        let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &options);
        assert!(report.accepted, "{:#?}", report.findings);

        // Offline with nothing supplied: the certificate names a responder, so the
        // status is unavailable: a warning under soft-fail, an error under hard-fail.
        let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &offline());
        let f = report
            .with_code(Code::RevocationUnavailable)
            .next()
            .expect("unavailable");
        assert_eq!(f.severity, unavailable);
        assert!(f.message.contains("offline"), "{}", f.message);
        assert_eq!(report.accepted, mode == Mode::SoftFail);
        assert_eq!(report.revocation[0].status, Outcome::Unavailable);
    }
    // An explicit [severity] override wins over the hard-fail default.
    let mut policy = Policy::default();
    policy.revocation.mode = Mode::HardFail;
    policy.severity.insert(
        Code::RevocationUnavailable,
        chainvet::policy::Level::Warning,
    );
    let report = Validator::new(policy)
        .expect("policy")
        .validate_with(pki.bundle(&pki.good).as_bytes(), &offline());
    assert!(report.accepted, "{:#?}", report.findings);
}

#[test]
fn scope_chain_checks_the_intermediate_too() {
    let pki = Pki::new();
    let mut policy = Policy::default();
    policy.revocation.scope = Scope::Chain;
    let v = Validator::new(policy).expect("policy");
    let mut options = offline();
    options.ocsp_responses = vec![pki.ocsp_response(&pki.good, &OcspOptions::default())];
    let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &options);
    let statuses: Vec<_> = report
        .revocation
        .iter()
        .map(|r| (r.certificate, r.status))
        .collect();
    // The leaf from the supplied response; the intermediate names the root's
    // responder, which offline mode may not ask. The root is not checked.
    assert_eq!(
        statuses,
        vec![(0, Outcome::Good), (1, Outcome::Unavailable)]
    );
}

#[test]
fn off_mode_and_certificates_without_urls() {
    let pki = Pki::new();
    let mut options = offline();
    options.stapled_ocsp = vec![pki.ocsp_response(&pki.revoked, &OcspOptions::default())];
    let report = validator(Mode::Off).validate_with(pki.bundle(&pki.revoked).as_bytes(), &options);
    assert!(report.accepted, "{:#?}", report.findings);
    assert!(report.revocation.is_empty());

    // testkit's default chain names no responder and no CRL: not checked, no finding,
    // even online (nothing to contact), so onboarding checks stay offline.
    let chain = Chain::standard();
    let at = Timestamp(chainvet_testkit::at());
    let report = Validator::default().validate_at(chain.pem().as_bytes(), at);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.revocation.len(), 1);
    assert_eq!(report.revocation[0].status, Outcome::NotChecked);
    let mut policy = Policy::default();
    policy.revocation.require_url = true;
    let report = Validator::new(policy)
        .expect("policy")
        .validate_at(chain.pem().as_bytes(), at);
    let f = report
        .with_code(Code::RevocationNoOcspUrl)
        .next()
        .expect("no url");
    assert_eq!((f.severity, f.certificate), (Severity::Warning, Some(0)));
    assert!(report.accepted);
}

#[test]
fn a_gateway_can_fill_the_cache_from_its_own_event_loop() {
    let pki = Pki::new();
    let (ca, leaf) = (cert(&pki.ca), cert(&pki.revoked));
    let v = validator(Mode::HardFail);
    let request = ocsp::Request::new(&leaf, &ca, CertIdHash::Sha1, None).expect("request");
    let response = pki.respond(request.der(), &OcspOptions::default());
    let answer =
        ocsp::evaluate(&response, &leaf, &ca, now(), None, &v.policy().revocation).expect("valid");
    v.revocation_cache().insert_ocsp(
        &leaf,
        &ca,
        CachedOcsp {
            answer,
            responder: pki.ocsp_url(),
            response: response.into(),
        },
        now(),
    );
    assert_eq!(v.revocation_cache().len(), 1);
    let ders = pki.ders(&pki.revoked);
    let chain: Vec<&[u8]> = ders.iter().map(Vec::as_slice).collect();
    // A clone shares the cache.
    let report = v.clone().validate_der_with(&chain, &offline());
    assert!(report.has(Code::RevocationRevoked));
    assert_eq!(report.revocation[0].source, Some(Source::Cache));
    assert_eq!(
        report.revocation[0].responder.as_deref(),
        Some(pki.ocsp_url().as_str())
    );
    // Past nextUpdate the cached answer is not used.
    let mut later = offline();
    later.at = Some(Timestamp(now().0 + 2 * DAY));
    let report = v.validate_der_with(&chain, &later);
    assert_eq!(report.revocation[0].status, Outcome::Unavailable);
}

#[test]
fn policy_toml_round_trips_the_revocation_table() {
    let p = Policy::from_toml(
        "[revocation]\nmode = \"hard-fail\"\nscope = \"chain\"\nprefer = \"crl\"\ntimeout_ms = 500\n",
    )
    .expect("valid");
    assert_eq!(p.revocation.mode, Mode::HardFail);
    assert_eq!(p.revocation.scope, Scope::Chain);
    assert_eq!(p.revocation.prefer, Method::Crl);
    assert_eq!(p.revocation.timeout_ms, 500);
    assert_eq!(p.revocation.max_ocsp_bytes, 64 * 1024);
    assert_eq!(Policy::from_toml(&p.to_toml()).expect("round trip"), p);
    let err = Policy::from_toml("[revocation]\nmode = \"strict\"\n").unwrap_err();
    assert!(err.to_string().contains("strict"), "{err}");
    let err = Policy::from_toml("[revocation]\ntimeout = 3\n").unwrap_err();
    assert!(err.to_string().contains("timeout"), "{err}");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    struct Fixture {
        response: Vec<u8>,
        crl: Vec<u8>,
        leaf: Certificate,
        ca: Certificate,
    }

    fn fixture() -> &'static Fixture {
        static F: OnceLock<Fixture> = OnceLock::new();
        F.get_or_init(|| {
            let pki = Pki::new();
            Fixture {
                response: pki
                    .ocsp_response(&pki.revoked, &OcspOptions::signed_by(Signer::Delegated)),
                crl: pki.crl_der.clone(),
                leaf: cert(&pki.revoked),
                ca: cert(&pki.ca),
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let f = fixture();
            let _ = ocsp::evaluate(&bytes, &f.leaf, &f.ca, now(), Some(b"n"), &policy());
            let _ = Crl::from_bytes(&bytes).map(|c| c.evaluate(&f.leaf, &f.ca, now(), &policy()));
        }

        #[test]
        fn mutated_real_responses(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
                                  cut in any::<usize>()) {
            let f = fixture();
            for original in [&f.response, &f.crl] {
                let mut bytes = original.clone();
                for (at, xor) in &flips {
                    let i = at % bytes.len();
                    bytes[i] ^= xor;
                }
                let _ = ocsp::evaluate(&bytes, &f.leaf, &f.ca, now(), None, &policy());
                let _ = Crl::from_bytes(&bytes).map(|c| c.evaluate(&f.leaf, &f.ca, now(), &policy()));
                bytes.truncate(cut % (bytes.len() + 1));
                let _ = ocsp::evaluate(&bytes, &f.leaf, &f.ca, now(), None, &policy());
                let _ = Crl::from_bytes(&bytes);
            }
        }
    }

    #[test]
    fn the_unmutated_fixture_is_valid() {
        // Guards the mutation test: it starts from a response that evaluates.
        let f = fixture();
        assert!(ocsp::evaluate(&f.response, &f.leaf, &f.ca, now(), None, &policy()).is_ok());
        assert!(Crl::from_bytes(&f.crl).is_ok());
    }
}
