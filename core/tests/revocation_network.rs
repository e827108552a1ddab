//! Revocation over the network (feature `fetch`) against a real OpenSSL responder and
//! CRL, served on 127.0.0.1 by `chainvet_testkit::revocation::Pki` and stopped when
//! each test ends (also on failure).

use std::time::{Duration, Instant};

use chainvet::revocation::{Method, Mode, Outcome, Reason, Scope, Source};
use chainvet::{Code, Options, Policy, Report, Severity, Timestamp, Validator};
use chainvet_testkit::Issued;
use chainvet_testkit::revocation::{Behaviour, OcspOptions, Pki, Signer};

fn validator_with(edit: impl FnOnce(&mut Policy)) -> Validator {
    let mut policy = Policy::default();
    edit(&mut policy);
    Validator::new(policy).expect("policy")
}

fn soft() -> Validator {
    validator_with(|_| {})
}

fn hard() -> Validator {
    validator_with(|p| p.revocation.mode = Mode::HardFail)
}

fn check(v: &Validator, pki: &Pki, leaf: &Issued) -> Report {
    v.validate(pki.bundle(leaf).as_bytes())
}

fn only(report: &Report, code: Code) -> &chainvet::Finding {
    let mut it = report.with_code(code);
    let f = it
        .next()
        .unwrap_or_else(|| panic!("no {code}: {:#?}", report.findings));
    assert!(it.next().is_none(), "{code} twice: {:#?}", report.findings);
    f
}

#[test]
fn good_revoked_unknown_from_the_responder() {
    let pki = Pki::new();
    let v = hard();

    let report = check(&v, &pki, &pki.good);
    assert!(report.accepted, "{:#?}", report.findings);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let info = &report.revocation[0];
    assert_eq!(
        (info.status, info.source, info.method),
        (Outcome::Good, Some(Source::Network), Some(Method::Ocsp))
    );
    assert_eq!(info.responder.as_deref(), Some(pki.ocsp_url().as_str()));
    assert!(info.this_update.is_some() && info.next_update.is_some());
    assert_eq!(pki.server.requests(), 1);

    let report = check(&v, &pki, &pki.revoked);
    assert!(!report.accepted);
    let f = only(&report, Code::RevocationRevoked);
    assert_eq!((f.severity, f.certificate), (Severity::Error, Some(0)));
    for part in [
        "certificate 0 (CN=Revoked Client",
        "2026-01-15T00:00:00Z",
        "reason keyCompromise",
        &pki.ocsp_url(),
        "(network)",
    ] {
        assert!(f.message.contains(part), "{part}: {}", f.message);
    }
    assert_eq!(report.revocation[0].reason, Some(Reason::KeyCompromise));

    let report = check(&v, &pki, &pki.unknown);
    let f = only(&report, Code::RevocationUnknown);
    assert_eq!(f.severity, Severity::Error);
    assert!(!report.accepted);
}

#[test]
fn a_second_validation_hits_the_cache_even_with_the_responder_stopped() {
    let mut pki = Pki::new();
    let v = hard();
    let first = check(&v, &pki, &pki.revoked);
    assert_eq!(first.revocation[0].source, Some(Source::Network));
    let served = pki.server.requests();
    assert_eq!(served, 1);

    let second = check(&v, &pki, &pki.revoked);
    assert_eq!(second.revocation[0].source, Some(Source::Cache));
    assert_eq!(
        pki.server.requests(),
        served,
        "a cache hit makes no request"
    );
    assert!(second.has(Code::RevocationRevoked));

    pki.server.stop();
    // A clone shares the cache; the DER entry point uses it too.
    let ders = pki.ders(&pki.good);
    let chain: Vec<&[u8]> = ders.iter().map(Vec::as_slice).collect();
    let good_now = v.clone().validate_der_with(&chain, &Options::default());
    // The good leaf was never fetched: with the responder down, hard-fail rejects.
    assert!(good_now.has(Code::RevocationUnavailable) && !good_now.accepted);
    let third = v.clone().validate(pki.bundle(&pki.revoked).as_bytes());
    assert_eq!(third.revocation[0].source, Some(Source::Cache));
    assert!(third.has(Code::RevocationRevoked));
    assert!(!third.has(Code::RevocationUnavailable));
    assert_eq!(v.revocation_cache().len(), 1);
}

#[test]
fn responder_down_soft_warns_hard_rejects() {
    let mut pki = Pki::new();
    pki.server.stop();
    for (v, severity, accepted) in [
        (soft(), Severity::Warning, true),
        (hard(), Severity::Error, false),
    ] {
        let report = check(&v, &pki, &pki.good);
        assert_eq!(report.accepted, accepted, "{:#?}", report.findings);
        let f = only(&report, Code::RevocationUnavailable);
        assert_eq!(f.severity, severity);
        // Both the OCSP responder and the CRL distribution point were tried.
        assert!(
            f.message.contains(&format!("OCSP {}", pki.ocsp_url())),
            "{}",
            f.message
        );
        assert!(
            f.message.contains(&format!("CRL {}", pki.crl_url())),
            "{}",
            f.message
        );
        assert_eq!(report.revocation[0].status, Outcome::Unavailable);
    }
}

#[test]
fn silent_responder_times_out_within_the_policy_timeout() {
    let pki = Pki::new();
    for (behaviour, mode, severity) in [
        (Behaviour::Silent, Mode::SoftFail, Severity::Warning),
        (Behaviour::Silent, Mode::HardFail, Severity::Error),
        // Headers arrive, the body never does: the deadline covers the body too.
        (
            Behaviour::StallAfterHeaders,
            Mode::HardFail,
            Severity::Error,
        ),
    ] {
        pki.server.set_behaviour(behaviour);
        let v = validator_with(|p| {
            p.revocation.mode = mode;
            p.revocation.timeout_ms = 700;
        });
        let started = Instant::now();
        let report = check(&v, &pki, &pki.ocsp_only);
        let took = started.elapsed();
        let f = only(&report, Code::RevocationUnavailable);
        assert_eq!(f.severity, severity);
        assert!(
            f.message.contains("no answer within 700 ms"),
            "{}",
            f.message
        );
        // The deadline was what ended the wait (not an immediate error), and nothing
        // hung: a bound on behaviour, not a speed measurement.
        assert!(took >= Duration::from_millis(650), "{took:?}");
        assert!(took < Duration::from_secs(10), "{took:?}");
    }
}

#[test]
fn delegated_unrelated_and_impostor_signers() {
    let pki = Pki::new();
    let v = hard();

    pki.server
        .set_behaviour(Behaviour::Openssl(OcspOptions::signed_by(
            Signer::Delegated,
        )));
    let report = check(&v, &pki, &pki.revoked);
    assert!(report.has(Code::RevocationRevoked));
    let signer = report.revocation[0].signer.as_deref().unwrap_or_default();
    assert!(signer.contains("Delegated OCSP Responder"), "{signer}");

    for (signer, expect) in [
        (Signer::DelegatedNoEku, "id-kp-OCSPSigning"),
        (Signer::Unrelated, "not issued by"),
        (Signer::Impostor, "signature does not verify"),
    ] {
        pki.server
            .set_behaviour(Behaviour::Openssl(OcspOptions::signed_by(signer)));
        let report = check(
            &validator_with(|p| p.revocation.mode = Mode::SoftFail),
            &pki,
            &pki.good,
        );
        let f = only(&report, Code::RevocationResponseInvalid);
        assert_eq!((f.severity, f.certificate), (Severity::Error, Some(0)));
        assert!(f.message.contains(expect), "{signer:?}: {}", f.message);
        assert!(!report.accepted);
        assert_eq!(report.revocation[0].status, Outcome::Invalid);
    }
}

#[test]
fn another_certificates_response_stale_responses_and_nonces() {
    let pki = Pki::new();
    let v = soft();

    // The responder replays the good leaf's response to every request.
    pki.server.set_behaviour(Behaviour::Fixed(
        pki.ocsp_response(&pki.good, &OcspOptions::default()),
    ));
    let report = check(&v, &pki, &pki.revoked);
    let f = only(&report, Code::RevocationResponseInvalid);
    assert!(
        f.message.contains("another certificate (serial 1001)"),
        "{}",
        f.message
    );

    // A response without nextUpdate, eight days on: older than the 7-day max age.
    pki.server.set_behaviour(Behaviour::Fixed(pki.ocsp_response(
        &pki.good,
        &OcspOptions {
            next_update: false,
            ..OcspOptions::default()
        },
    )));
    let mut later = Options::default();
    later.at = Some(Timestamp(Timestamp::now().0 + 8 * 86_400));
    let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &later);
    let f = only(&report, Code::RevocationResponseInvalid);
    assert!(f.message.contains("stale"), "{}", f.message);

    // With nonces on, the real responder echoes ours...
    let mut with_nonce = Options::default();
    with_nonce.ocsp_nonce = true;
    pki.server
        .set_behaviour(Behaviour::Openssl(OcspOptions::default()));
    let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &with_nonce);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.revocation[0].source, Some(Source::Network));
    // ...and a replayed response carries another request's nonce.
    let replay = pki.respond(
        &pki.openssl_request(&pki.revoked, true, false),
        &OcspOptions::default(),
    );
    pki.server.set_behaviour(Behaviour::Fixed(replay));
    let report = v.validate_with(pki.bundle(&pki.revoked).as_bytes(), &with_nonce);
    let f = only(&report, Code::RevocationResponseInvalid);
    assert!(f.message.contains("nonce differs"), "{}", f.message);
    assert!(!report.has(Code::RevocationRevoked));
}

#[test]
fn crls_over_http_and_fallback_from_ocsp() {
    let pki = Pki::new();
    // Preferring CRLs: the CRL is fetched, then cached.
    let v = validator_with(|p| {
        p.revocation.mode = Mode::HardFail;
        p.revocation.prefer = Method::Crl;
    });
    let report = check(&v, &pki, &pki.revoked);
    let f = only(&report, Code::RevocationRevoked);
    assert!(
        f.message.contains(&format!("CRL {}", pki.crl_url())),
        "{}",
        f.message
    );
    let info = &report.revocation[0];
    assert_eq!(
        (info.method, info.source),
        (Some(Method::Crl), Some(Source::Network))
    );
    assert_eq!(info.reason, Some(Reason::KeyCompromise));
    let served = pki.server.requests();
    let report = check(&v, &pki, &pki.good);
    assert!(report.accepted, "{:#?}", report.findings);
    assert_eq!(report.revocation[0].source, Some(Source::Cache));
    assert_eq!(pki.server.requests(), served);

    // Preferring OCSP with the responder failing: the CRL answers instead.
    for failure in [
        Behaviour::Status(500),
        Behaviour::Fixed(vec![0x30, 0x03, 0x0a, 0x01, 0x03]), // tryLater
    ] {
        pki.server.set_behaviour(failure);
        let report = check(&hard(), &pki, &pki.revoked);
        assert!(report.has(Code::RevocationRevoked));
        assert!(
            !report.has(Code::RevocationUnavailable),
            "{:#?}",
            report.findings
        );
        assert_eq!(report.revocation[0].method, Some(Method::Crl));
    }
}

#[test]
fn http_failures_are_unavailable_with_the_url_and_error() {
    let pki = Pki::new();
    let https = format!("https://127.0.0.1:{}/ocsp-alt", pki.server.port());
    for (behaviour, expect) in [
        (Behaviour::Status(500), "HTTP status 500".to_owned()),
        (Behaviour::Status(404), "HTTP status 404".to_owned()),
        (
            Behaviour::Fixed(vec![0x30; 100_000]),
            "larger than 65536 bytes".to_owned(),
        ),
        (
            Behaviour::Fixed(vec![0x30, 0x03, 0x0a, 0x01, 0x03]),
            "`tryLater`".to_owned(),
        ),
        (
            Behaviour::Redirect(https.clone()),
            format!("redirect refused: from http to https (`{https}`)"),
        ),
    ] {
        pki.server.set_behaviour(behaviour);
        let report = check(&hard(), &pki, &pki.ocsp_only);
        let f = only(&report, Code::RevocationUnavailable);
        assert!(f.message.contains(&pki.ocsp_url()), "{}", f.message);
        assert!(f.message.contains(&expect), "{expect}: {}", f.message);
        assert!(!report.accepted);
    }
    // A same-scheme redirect is followed.
    pki.server
        .set_behaviour(Behaviour::Redirect("/ocsp-alt".to_owned()));
    let report = check(&hard(), &pki, &pki.ocsp_only);
    assert!(report.accepted, "{:#?}", report.findings);
}

#[test]
fn scope_chain_asks_the_roots_responder_about_the_intermediate() {
    let pki = Pki::new();
    let v = validator_with(|p| {
        p.revocation.mode = Mode::HardFail;
        p.revocation.scope = Scope::Chain;
    });
    let report = check(&v, &pki, &pki.good);
    assert!(report.accepted, "{:#?}", report.findings);
    let got: Vec<_> = report
        .revocation
        .iter()
        .map(|r| (r.certificate, r.status, r.responder.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, Outcome::Good, Some(pki.ocsp_url())),
            (
                1,
                Outcome::Good,
                Some(format!("{}/root-ocsp", pki.server.base_url()))
            ),
        ]
    );
    let signer = report.revocation[1].signer.as_deref().unwrap_or_default();
    assert!(signer.contains("Revocation Test Root"), "{signer}");
}

#[test]
fn offline_never_contacts_the_responder() {
    let pki = Pki::new();
    let mut options = Options::default();
    options.offline = true;
    let report = soft().validate_with(pki.bundle(&pki.good).as_bytes(), &options);
    assert!(report.accepted);
    assert!(report.has(Code::RevocationUnavailable));
    assert_eq!(pki.server.requests(), 0);
}
