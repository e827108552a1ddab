//! Revocation over the network (feature `fetch`) against a real OpenSSL responder and
//! CRL, served on 127.0.0.1 by `chainvet_testkit::revocation::Pki` and stopped when
//! each test ends (also on failure).
//!
//! chainvet fetches only for a chain that verifies to a configured trust store, and
//! never reaches loopback unless the policy's `allow_destinations` opens it: the
//! validators here trust the test root and open 127.0.0.1, as an operator running a
//! local responder would. The attacker's side is in `untrusted_chains_never_fetch`
//! and the tests after it.

use std::time::{Duration, Instant};

use chainvet::revocation::{Method, Mode, Outcome, Reason, Scope, Source};
use chainvet::{
    Code, Options, Policy, PresentedOptions, Report, Severity, Timestamp, TrustStore, Usage,
    Validator,
};
use chainvet_testkit::listener::{Listener, OnConnect};
use chainvet_testkit::revocation::{
    Behaviour, OcspOptions, Pki, Signer, crl_distribution_points, ocsp_aia,
};
use chainvet_testkit::{Issued, KeyKind, Spec, issue, self_signed};

/// A validator trusting the test PKI's root, with 127.0.0.1 opened.
fn validator_with(pki: &Pki, edit: impl FnOnce(&mut Policy)) -> Validator {
    let mut policy = Policy::default();
    policy.revocation.allow_destinations = vec!["127.0.0.1".to_owned()];
    edit(&mut policy);
    let trust = TrustStore::from_pem(pki.root.pem().as_bytes()).expect("trust store");
    Validator::with_trust_store(policy, trust)
}

fn soft(pki: &Pki) -> Validator {
    validator_with(pki, |_| {})
}

fn hard(pki: &Pki) -> Validator {
    validator_with(pki, |p| p.revocation.mode = Mode::HardFail)
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
    let v = hard(&pki);

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
        "certificate 1 (CN=Revoked Client",
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
    let v = hard(&pki);
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
        (soft(&pki), Severity::Warning, true),
        (hard(&pki), Severity::Error, false),
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
        let v = validator_with(&pki, |p| {
            p.revocation.mode = mode;
            p.revocation.timeout_ms = 700;
        });
        let started = Instant::now();
        let report = check(&v, &pki, &pki.ocsp_only);
        let took = started.elapsed();
        let f = only(&report, Code::RevocationUnavailable);
        assert_eq!(f.severity, severity);
        // The transport detail is for the operator, not in the uploader's message.
        let detail = f.detail.as_deref().unwrap_or_default();
        assert!(detail.contains("no answer within 700 ms"), "{detail}");
        assert!(!f.message.contains("700 ms"), "{}", f.message);
        // The deadline was what ended the wait (not an immediate error), and nothing
        // hung: a bound on behaviour, not a speed measurement.
        assert!(took >= Duration::from_millis(650), "{took:?}");
        assert!(took < Duration::from_secs(10), "{took:?}");
    }
}

#[test]
fn delegated_unrelated_and_impostor_signers() {
    let pki = Pki::new();
    let v = hard(&pki);

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
            &validator_with(&pki, |p| p.revocation.mode = Mode::SoftFail),
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
    let v = soft(&pki);

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
    let v = validator_with(&pki, |p| {
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
        let report = check(&hard(&pki), &pki, &pki.revoked);
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
        let report = check(&hard(&pki), &pki, &pki.ocsp_only);
        let f = only(&report, Code::RevocationUnavailable);
        assert!(f.message.contains(&pki.ocsp_url()), "{}", f.message);
        let detail = f.detail.as_deref().unwrap_or_default();
        assert!(detail.contains(&expect), "{expect}: {detail}");
        // Status, sizes and redirect targets never reach the uploader's message.
        for secret in ["HTTP status", "bytes", "redirect", "tryLater", "https"] {
            assert!(!f.message.contains(secret), "{secret}: {}", f.message);
        }
        assert!(!report.accepted);
    }
    // A same-scheme redirect is followed.
    pki.server
        .set_behaviour(Behaviour::Redirect("/ocsp-alt".to_owned()));
    let report = check(&hard(&pki), &pki, &pki.ocsp_only);
    assert!(report.accepted, "{:#?}", report.findings);
}

#[test]
fn scope_chain_asks_the_roots_responder_about_the_intermediate() {
    let pki = Pki::new();
    let v = validator_with(&pki, |p| {
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
    let report = soft(&pki).validate_with(pki.bundle(&pki.good).as_bytes(), &options);
    assert!(report.accepted);
    assert!(report.has(Code::RevocationUnavailable));
    assert_eq!(pki.server.requests(), 0);
}

/// A root, a CA and a leaf whose AIA OCSP and CRL DP URLs are `ocsp` and `crl`
/// (each list may repeat or hold many URLs), all made by whoever calls this: an
/// attacker's self-built chain, or (when its root is put in a trust store) a trusted one.
struct Built {
    root: Issued,
    ca: Issued,
    leaf: Issued,
}

impl Built {
    fn new(ocsp: &[String], crl: &[String]) -> Built {
        let root = self_signed(Spec::ca("Built Root").key(KeyKind::P256, 30));
        let ca = issue(Spec::ca("Built CA").key(KeyKind::P256, 31), &root);
        let mut spec = Spec::leaf("Built Client").key(KeyKind::P256, 32);
        let o: Vec<&str> = ocsp.iter().map(String::as_str).collect();
        let c: Vec<&str> = crl.iter().map(String::as_str).collect();
        if !o.is_empty() {
            spec.extensions.push(ocsp_aia(&o));
        }
        if !c.is_empty() {
            spec.extensions.push(crl_distribution_points(&c));
        }
        let leaf = issue(spec, &ca);
        Built { root, ca, leaf }
    }

    fn pem(&self) -> String {
        format!("{}{}{}", self.leaf.pem(), self.ca.pem(), self.root.pem())
    }

    fn trust(&self) -> TrustStore {
        TrustStore::from_pem(self.root.pem().as_bytes()).expect("trust store")
    }
}

fn at() -> Timestamp {
    Timestamp(chainvet_testkit::at())
}

fn urls(l: &Listener) -> (Vec<String>, Vec<String>) {
    (
        vec![format!("{}/ocsp", l.base_url())],
        vec![format!("{}/crl", l.base_url())],
    )
}

#[test]
fn untrusted_chains_never_fetch() {
    let listener = Listener::start(OnConnect::Close);
    let (ocsp, crl) = urls(&listener);
    let attacker = Built::new(&ocsp, &crl);
    // Even an operator who opened loopback (for its own responder) is safe from
    // chains it does not trust.
    for allow in [vec![], vec!["127.0.0.1".to_owned()]] {
        for mode in [Mode::SoftFail, Mode::HardFail] {
            let mut policy = Policy::default();
            policy.revocation.mode = mode;
            policy.revocation.scope = Scope::Chain;
            policy.revocation.allow_destinations = allow.clone();
            let opts = Options::at(at());
            // Bundle mode without a trust store: consistency, not trust.
            let bare = Validator::with_trust_store(policy.clone(), TrustStore::empty());
            let report = bare.validate_with(attacker.pem().as_bytes(), &opts);
            let info = &report.revocation[0];
            assert!(
                info.detail
                    .as_deref()
                    .unwrap_or_default()
                    .contains("trust store"),
                "{info:?}"
            );
            let ders = [&attacker.leaf.der[..], &attacker.ca.der, &attacker.root.der];
            bare.validate_der_with(&ders, &opts);
            // A trust store that does not hold the attacker's root: root.not_trusted.
            let other = Pki::new();
            let store = TrustStore::from_pem(other.root.pem().as_bytes()).expect("store");
            let gateway = Validator::with_trust_store(policy.clone(), store);
            let report = gateway.validate_with(attacker.pem().as_bytes(), &opts);
            assert!(report.has(Code::RootNotTrusted));
            gateway.validate_der_with(&ders, &opts);
            // Trust-store mode: no path to an anchor.
            let presented = PresentedOptions::new(at(), Usage::ClientAuth);
            let report = gateway.validate_presented(
                &attacker.leaf.der,
                &[&attacker.ca.der, &attacker.root.der],
                &presented,
            );
            assert!(!report.accepted);
            // The attacker's root itself in the bundle, a trust store configured: the
            // bundle's own root proves nothing.
            let report = gateway.validate_with(
                format!("{}{}", attacker.leaf.pem(), attacker.ca.pem()).as_bytes(),
                &opts,
            );
            assert!(!report.accepted);
        }
    }
    assert_eq!(
        listener.connections(),
        0,
        "an untrusted chain caused a request"
    );
}

#[test]
fn a_trusted_chain_reaches_loopback_only_when_allowed() {
    let listener = Listener::start(OnConnect::Close);
    let (ocsp, crl) = urls(&listener);
    let built = Built::new(&ocsp, &crl);
    let opts = Options::at(at());

    let mut policy = Policy::default();
    policy.revocation.mode = Mode::HardFail;
    let closed = Validator::with_trust_store(policy.clone(), built.trust());
    let report = closed.validate_with(built.pem().as_bytes(), &opts);
    assert_eq!(listener.connections(), 0, "loopback is denied by default");
    let f = only(&report, Code::RevocationUnavailable);
    let detail = f.detail.as_deref().unwrap_or_default();
    assert!(detail.contains("loopback"), "{detail}");
    assert!(!f.message.contains("loopback"), "{}", f.message);
    // Trust-store mode too.
    let presented = PresentedOptions::new(at(), Usage::ClientAuth);
    closed.validate_presented(&built.leaf.der, &[&built.ca.der], &presented);
    assert_eq!(listener.connections(), 0);

    // Another address, a block that does not contain it, or a name: still closed.
    for allow in [
        &["127.0.0.2"][..],
        &["10.0.0.0/8"],
        &["ocsp.internal.example"],
    ] {
        let mut p = policy.clone();
        p.revocation.allow_destinations = allow.iter().map(|s| (*s).to_owned()).collect();
        let v = Validator::with_trust_store(p, built.trust());
        v.validate_with(built.pem().as_bytes(), &opts);
    }
    assert_eq!(listener.connections(), 0);

    for allow in ["127.0.0.1", "127.0.0.0/8", "::ffff:127.0.0.1"] {
        let mut p = policy.clone();
        p.revocation.allow_destinations = vec![allow.to_owned()];
        let before = listener.connections();
        let v = Validator::with_trust_store(p, built.trust());
        let report = v.validate_with(built.pem().as_bytes(), &opts);
        assert!(listener.connections() > before, "{allow} opens it");
        assert!(report.has(Code::RevocationUnavailable));
    }
}

#[test]
fn a_bad_allow_destinations_entry_is_a_policy_error() {
    let err = Policy::from_toml("[revocation]\nallow_destinations = [\"10.0.0.0/99\"]\n")
        .expect_err("refused");
    assert!(err.to_string().contains("allow_destinations"), "{err}");
    let ok = Policy::from_toml(
        "[revocation]\nallow_destinations = [\"127.0.0.1\", \"10.1.0.0/16\", \"ocsp.internal.example\"]\ndeny_private_destinations = true\n",
    )
    .expect("valid");
    assert_eq!(ok.revocation.allow_destinations.len(), 3);
    let mut bad = Policy::default();
    bad.revocation.allow_destinations = vec!["not a host!".to_owned()];
    assert!(Validator::new(bad).is_err());
}

#[test]
fn a_redirect_to_another_host_needs_the_allow_list() {
    let pki = Pki::new();
    // `localhost` is another host name than 127.0.0.1, although it reaches the same
    // responder.
    let elsewhere = format!("http://localhost:{}/ocsp-alt", pki.server.port());
    pki.server
        .set_behaviour(Behaviour::Redirect(elsewhere.clone()));
    let report = check(&hard(&pki), &pki, &pki.ocsp_only);
    let f = only(&report, Code::RevocationUnavailable);
    let detail = f.detail.as_deref().unwrap_or_default();
    assert!(detail.contains("another host"), "{detail}");
    assert!(!f.message.contains("localhost"), "{}", f.message);

    let v = validator_with(&pki, |p| {
        p.revocation.mode = Mode::HardFail;
        p.revocation.allow_destinations = vec!["127.0.0.1".to_owned(), "localhost".to_owned()];
    });
    let report = check(&v, &pki, &pki.ocsp_only);
    assert!(report.accepted, "{:#?}", report.findings);
}

#[test]
fn urls_are_deduplicated_and_capped_per_certificate() {
    let listener = Listener::start(OnConnect::Close);
    let base = listener.base_url();
    // The same OCSP URL forty times, then ten distinct ones; twelve distinct CRL URLs.
    let mut ocsp = vec![format!("{base}/same"); 40];
    ocsp.extend((0..10).map(|i| format!("{base}/ocsp{i}")));
    let crl: Vec<String> = (0..12).map(|i| format!("{base}/crl{i}")).collect();
    let built = Built::new(&ocsp, &crl);
    let mut policy = Policy::default();
    policy.revocation.mode = Mode::HardFail;
    policy.revocation.allow_destinations = vec!["127.0.0.1".to_owned()];
    // The negative cache would hide the count: each URL is its own attempt here.
    policy.revocation.negative_cache_seconds = 0;
    let v = Validator::with_trust_store(policy.clone(), built.trust());
    let report = v.validate_with(built.pem().as_bytes(), &Options::at(at()));
    assert!(report.has(Code::RevocationUnavailable));
    assert_eq!(listener.connections(), 4, "2 OCSP + 2 CRL URLs");
    let f = only(&report, Code::RevocationUnavailable);
    assert!(f.message.contains(&format!("{base}/same")), "{}", f.message);
    assert!(
        f.message.contains(&format!("{base}/ocsp0")),
        "{}",
        f.message
    );
    assert!(
        !f.message.contains(&format!("{base}/ocsp1")),
        "{}",
        f.message
    );

    // Knobs: one of each.
    policy.revocation.max_ocsp_urls = 1;
    policy.revocation.max_crl_urls = 1;
    let v = Validator::with_trust_store(policy, built.trust());
    v.validate_with(built.pem().as_bytes(), &Options::at(at()));
    assert_eq!(listener.connections(), 6);
}

#[test]
fn one_deadline_bounds_all_revocation_work_of_a_validation() {
    let listener = Listener::start(OnConnect::Hang);
    let base = listener.base_url();
    let ocsp: Vec<String> = (0..10).map(|i| format!("{base}/ocsp{i}")).collect();
    let crl: Vec<String> = (0..10).map(|i| format!("{base}/crl{i}")).collect();
    let built = Built::new(&ocsp, &crl);
    let mut policy = Policy::default();
    policy.revocation.mode = Mode::HardFail;
    policy.revocation.allow_destinations = vec!["127.0.0.1".to_owned()];
    policy.revocation.negative_cache_seconds = 0;
    policy.revocation.timeout_ms = 600;
    policy.revocation.deadline_ms = 900;
    let v = Validator::with_trust_store(policy, built.trust());
    let started = Instant::now();
    let report = v.validate_with(built.pem().as_bytes(), &Options::at(at()));
    let took = started.elapsed();
    let f = only(&report, Code::RevocationUnavailable);
    let detail = f.detail.as_deref().unwrap_or_default();
    // The first URL used its 600 ms, the second the 300 ms left, the rest were skipped.
    assert!(detail.contains("deadline (900 ms) has passed"), "{detail}");
    assert_eq!(listener.connections(), 2, "{detail}");
    // A bound on behaviour, not a speed measurement: 4 URLs x 600 ms would be 2.4 s.
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn a_failed_destination_is_not_asked_again_for_a_while() {
    let listener = Listener::start(OnConnect::Close);
    let (ocsp, crl) = urls(&listener);
    let built = Built::new(&ocsp, &crl);
    let mut policy = Policy::default();
    policy.revocation.allow_destinations = vec!["127.0.0.1".to_owned()];
    let v = Validator::with_trust_store(policy.clone(), built.trust());
    let opts = Options::at(at());
    v.validate_with(built.pem().as_bytes(), &opts);
    // OCSP failed at the transport: the CRL on the same host was skipped.
    assert_eq!(listener.connections(), 1);
    let report = v.validate_with(built.pem().as_bytes(), &opts);
    assert_eq!(listener.connections(), 1, "remembered");
    let detail = only(&report, Code::RevocationUnavailable)
        .detail
        .clone()
        .unwrap_or_default();
    assert!(detail.contains("negative_cache_seconds"), "{detail}");
    // Disabled: asked again.
    policy.revocation.negative_cache_seconds = 0;
    let v = Validator::with_trust_store(policy, built.trust());
    v.validate_with(built.pem().as_bytes(), &opts);
    v.validate_with(built.pem().as_bytes(), &opts);
    assert_eq!(listener.connections(), 1 + 2 * 2);
}

#[test]
fn one_answer_per_certificate_across_candidate_paths() {
    let listener = Listener::start(OnConnect::Close);
    let (ocsp, crl) = urls(&listener);
    let built = Built::new(&ocsp, &crl);
    // The same CA (name and key) issued twice: webpki tries a second path through the
    // other copy when the first is rejected, here for revocation under hard-fail.
    let mut again = Spec::ca("Built CA").key(KeyKind::P256, 31);
    again.serial = Some(vec![0x7a, 0x01]);
    let ca2 = issue(again, &built.root);
    let mut policy = Policy::default();
    policy.revocation.mode = Mode::HardFail;
    policy.revocation.allow_destinations = vec!["127.0.0.1".to_owned()];
    policy.revocation.negative_cache_seconds = 0;
    let v = Validator::with_trust_store(policy, built.trust());
    let presented = PresentedOptions::new(at(), Usage::ClientAuth);
    let report = v.validate_presented(&built.leaf.der, &[&built.ca.der, &ca2.der], &presented);
    assert!(!report.accepted);
    assert!(report.has(Code::RevocationUnavailable));
    // One OCSP and one CRL attempt, not one pair per candidate path.
    assert_eq!(listener.connections(), 2);
}

#[test]
fn supplied_responses_and_crls_have_the_fetch_size_caps() {
    let pki = Pki::new();
    let v = validator_with(&pki, |p| {
        p.revocation.max_crl_bytes = 64;
        p.revocation.max_ocsp_bytes = 64;
    });
    let mut options = Options::default();
    options.offline = true;
    options.crls = vec![pki.crl_der.clone()];
    options.ocsp_responses = vec![pki.ocsp_response(&pki.revoked, &OcspOptions::default())];
    let report = v.validate_with(pki.bundle(&pki.revoked).as_bytes(), &options);
    assert!(
        !report.has(Code::RevocationRevoked),
        "{:#?}",
        report.findings
    );
    let invalid: Vec<_> = report.with_code(Code::RevocationResponseInvalid).collect();
    assert_eq!(invalid.len(), 2, "{:#?}", report.findings);
    assert!(
        invalid
            .iter()
            .all(|f| f.message.contains("larger than max_"))
    );
}

#[test]
fn a_crl_parsed_once_serves_many_validations_in_both_modes() {
    let pki = Pki::new();
    let crl =
        std::sync::Arc::new(chainvet::revocation::Crl::from_bytes(&pki.crl_der).expect("crl"));
    let v = hard(&pki);
    let mut options = Options::default();
    options.offline = true;
    options.parsed_crls = vec![std::sync::Arc::clone(&crl)];
    for _ in 0..3 {
        let report = v.validate_with(pki.bundle(&pki.revoked).as_bytes(), &options);
        assert!(
            report.has(Code::RevocationRevoked),
            "{:#?}",
            report.findings
        );
        assert_eq!(report.revocation[0].source, Some(Source::Supplied));
        let report = v.validate_with(pki.bundle(&pki.good).as_bytes(), &options);
        assert!(report.accepted, "{:#?}", report.findings);
    }
    let mut presented = PresentedOptions::from_options(&options, Usage::ClientAuth);
    presented.base.at = None;
    let report = v.validate_presented(&pki.revoked.der, &[&pki.ca.der], &presented);
    assert!(
        report.has(Code::RevocationRevoked),
        "{:#?}",
        report.findings
    );
    // The handle is shared, not copied, and no validation keeps it: `crl`, `options`
    // and `presented` hold the only references.
    assert_eq!(std::sync::Arc::strong_count(&crl), 3);
    // The size cap applies to a parsed CRL too.
    let small = validator_with(&pki, |p| p.revocation.max_crl_bytes = 64);
    let report = small.validate_with(pki.bundle(&pki.revoked).as_bytes(), &options);
    assert!(!report.has(Code::RevocationRevoked));
    assert!(report.has(Code::RevocationResponseInvalid));
}

#[test]
fn profile_errors_and_a_missing_root_do_not_stop_fetching_for_a_trusted_path() {
    let listener = Listener::start(OnConnect::Close);
    let (ocsp, crl) = urls(&listener);
    let built = Built::new(&ocsp, &crl);
    let mut policy = Policy::default();
    policy.revocation.allow_destinations = vec!["127.0.0.1".to_owned()];
    policy.revocation.negative_cache_seconds = 0;
    // A lifetime rule the leaf breaks: a policy error, not a trust problem.
    policy.leaf_min_lifetime_days = 100_000;
    let v = Validator::with_trust_store(policy, built.trust());
    let report = v.validate_with(built.pem().as_bytes(), &Options::at(at()));
    assert!(report.has(Code::ValidityTooShort), "{:#?}", report.findings);
    let after_first = listener.connections();
    assert!(after_first > 0, "{:#?}", report.findings);
    // The bundle without its root: the trust store supplies the anchor.
    let without_root = format!("{}{}", built.leaf.pem(), built.ca.pem());
    v.validate_with(without_root.as_bytes(), &Options::at(at()));
    assert!(listener.connections() > after_first);
}
