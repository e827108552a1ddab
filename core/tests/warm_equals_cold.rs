//! A cached analysis changes nothing: over accepted and rejected bundles, PEM and DER,
//! at times on both sides of every validity and renewal-window boundary, a validator
//! that has seen the input before returns exactly the report a validator with no caches
//! returns.

use chainvet::{CacheLimits, Policy, Report, Timestamp, Validator};
use chainvet_testkit::{Chain, KeyKind, Spec, at, date, fixture};

const DAY: i64 = 86_400;

fn inputs() -> Vec<(String, Vec<u8>)> {
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&samples)
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("read")))
        .collect();
    out.sort();
    for (name, chain) in [
        ("p256", Chain::new(1, KeyKind::P256)),
        ("rsa", Chain::new(1, KeyKind::Rsa2048)),
        ("ed25519-4", Chain::new(2, KeyKind::Ed25519)),
        (
            "short-leaf",
            Chain::standard()
                .with_leaf(Spec::leaf("Short").validity(date(2026, 1, 1), date(2026, 7, 1))),
        ),
    ] {
        out.push((name.to_owned(), chain.pem().into_bytes()));
        out.push((
            format!("{name} reversed"),
            chain.pem_in_order(&[2, 1, 0]).into_bytes(),
        ));
    }
    for name in [
        "sha1-signed",
        "md5-signed",
        "pss-signed",
        "secp256k1-key",
        "ed448-key",
        "rsa1024-ca",
    ] {
        out.push((name.to_owned(), fixture(name).as_bytes().to_vec()));
    }
    // Damaged copies: a flipped base64 character, a truncation.
    let good = Chain::standard().pem().into_bytes();
    let mut flipped = good.clone();
    flipped[200] = if flipped[200] == b'A' { b'B' } else { b'A' };
    out.push(("flipped".to_owned(), flipped));
    out.push(("truncated".to_owned(), good[..good.len() / 2].to_vec()));
    out.push(("empty".to_owned(), Vec::new()));
    out
}

/// Times around everything a report can depend on: each certificate's notBefore and
/// notAfter, the leaf's renewal window, day boundaries in between.
fn times(report: &Report, policy: &Policy) -> Vec<Timestamp> {
    let mut t = vec![at(), 0, 946_684_800, 4_102_444_800];
    for c in &report.certificates {
        for s in [&c.not_before, &c.not_after] {
            let Ok(b) = Timestamp::parse_rfc3339(s) else {
                continue;
            };
            let window = i64::from(policy.renewal_window_days) * DAY;
            for base in [b.0, b.0 - window, b.0 - window / 2] {
                t.extend([base - DAY, base - 1, base, base + 1, base + DAY + 7]);
            }
        }
    }
    t.sort_unstable();
    t.dedup();
    t.into_iter().map(Timestamp).collect()
}

fn check(policy: Policy) -> usize {
    let warm = Validator::new(policy.clone()).expect("policy");
    let cold = Validator::new(policy.clone())
        .expect("policy")
        .with_cache_limits(CacheLimits::OFF);
    let mut compared = 0;
    for (name, input) in inputs() {
        let first = cold.validate_at(&input, Timestamp(at()));
        let ts = times(&first, &policy);
        // Forward, backward, then forward again: every time is met with a cache entry
        // made at some other time.
        let order: Vec<&Timestamp> = ts.iter().chain(ts.iter().rev()).chain(ts.iter()).collect();
        for &t in order {
            let expected = cold.validate_at(&input, t);
            assert_eq!(
                warm.validate_at(&input, t),
                expected,
                "{name} at {}",
                t.to_rfc3339()
            );
            compared += 1;
        }
        // The same certificates as a DER list (the gateway path).
        let ders: Vec<Vec<u8>> = chainvet::TrustStore::from_pem(&input)
            .map(|s| s.anchors().iter().map(|c| c.der().to_vec()).collect())
            .unwrap_or_default();
        if !ders.is_empty() {
            let list: Vec<&[u8]> = ders.iter().map(Vec::as_slice).collect();
            for &t in ts.iter().chain(ts.iter().rev()) {
                assert_eq!(
                    warm.validate_der_at(&list, t),
                    cold.validate_der_at(&list, t),
                    "{name} (DER) at {}",
                    t.to_rfc3339()
                );
                compared += 1;
            }
        }
    }
    let usage = warm.cache_usage();
    assert!(usage.analyses.0 > 0 && usage.signatures.0 > 0, "{usage:?}");
    assert_eq!(cold.cache_usage().analyses.0, 0);
    compared
}

#[test]
fn warm_reports_equal_cold_ones_with_the_default_policy() {
    assert!(check(Policy::default()) > 1_000);
}

#[test]
fn warm_reports_equal_cold_ones_with_a_long_renewal_window_and_overrides() {
    let policy = Policy::from_toml(
        "renewal_window_days = 400\nleaf_max_lifetime_days = 3650\n[severity]\n\"validity.expired\" = \"warning\"\n\"chain.root_missing\" = \"off\"\n",
    )
    .expect("policy");
    assert!(check(policy) > 1_000);
}

/// Trust-store mode: the leaf and intermediates as a peer presents them (also shuffled,
/// also with the root sent along), a trust store holding the chain's root and a stranger
/// (or only the stranger), with and without a peer name, binding and a depth limit.
fn check_presented(policy: Policy) -> usize {
    use chainvet::{PeerName, PresentedOptions, TrustStore, Usage};
    use std::sync::Arc;

    let stranger = Chain::new(0, KeyKind::P256);
    let stranger_root = stranger.ders().last().expect("root").clone();
    let mut compared = 0;
    for (name, input) in inputs() {
        let Ok(store) = TrustStore::from_pem(&input) else {
            continue;
        };
        let ders: Vec<Vec<u8>> = store.anchors().iter().map(|c| c.der().to_vec()).collect();
        if ders.len() < 2 {
            continue;
        }
        let root = ders.last().expect("root").clone();
        for trusted in [
            vec![root.clone(), stranger_root.clone()],
            vec![stranger_root.clone()],
        ] {
            let store = TrustStore::from_certificates(
                trusted
                    .iter()
                    .map(|d| chainvet::Certificate::from_der(d.clone()).expect("anchor"))
                    .collect(),
            );
            let warm = Validator::with_trust_store(policy.clone(), store.clone());
            let cold = Validator::with_trust_store(policy.clone(), store)
                .with_cache_limits(CacheLimits::OFF);
            let leaf = ders[0].as_slice();
            let forward: Vec<&[u8]> = ders[1..ders.len() - 1].iter().map(Vec::as_slice).collect();
            let mut shuffled: Vec<&[u8]> = ders[1..].iter().map(Vec::as_slice).collect();
            shuffled.reverse();
            let registered = chainvet::Certificate::from_der(ders[0].clone())
                .map(|c| chainvet::Registration::from_certificate(&c));
            for pool in [&forward, &shuffled] {
                let first = cold.validate_presented(
                    leaf,
                    pool,
                    &PresentedOptions::new(Timestamp(at()), Usage::ClientAuth),
                );
                let ts = times(&first, &policy);
                for variant in 0..3 {
                    for &t in ts.iter().chain(ts.iter().rev()) {
                        let mut options = PresentedOptions::new(t, Usage::ClientAuth);
                        match variant {
                            0 => {}
                            1 => {
                                options.peer_names = vec![PeerName::Dns("client.example".into())];
                                options.max_depth = Some(1);
                                // Per-call RFC 5280 policy inputs are part of the key: a
                                // verdict cached without them must not answer here.
                                options.policy_inputs = Some(chainvet::PolicyInputs {
                                    initial_explicit_policy: true,
                                    ..chainvet::PolicyInputs::default()
                                });
                            }
                            _ => {
                                if let Ok(r) = &registered {
                                    options.base.binding =
                                        Some(Arc::new(chainvet::Binding::new(vec![r.clone()])));
                                }
                                options.usage = Usage::ServerAuth;
                            }
                        }
                        assert_eq!(
                            warm.validate_presented(leaf, pool, &options),
                            cold.validate_presented(leaf, pool, &options),
                            "{name} (trust-store mode, variant {variant}) at {}",
                            t.to_rfc3339()
                        );
                        compared += 1;
                    }
                }
            }
            assert_eq!(cold.cache_usage().analyses.0, 0);
        }
    }
    compared
}

#[test]
fn warm_reports_equal_cold_ones_in_trust_store_mode() {
    // The default validates with chainvet's RFC 5280 engine; rustls-webpki stays
    // available, and its caches must hold as well.
    assert_eq!(
        Policy::default().path_validation.engine,
        chainvet::Engine::Chainvet
    );
    assert!(check_presented(Policy::default()) > 1_000);
    let mut webpki = Policy::default();
    webpki.path_validation.engine = chainvet::Engine::Webpki;
    assert!(check_presented(webpki) > 1_000);
    let policy = Policy::from_toml(
        "renewal_window_days = 400\n[severity]\n\"validity.expired\" = \"warning\"\n",
    )
    .expect("policy");
    assert!(check_presented(policy) > 1_000);
}

#[test]
fn trust_store_mode_reuses_its_analysis_and_binding_still_runs_per_call() {
    use chainvet::{PresentedOptions, TrustStore, Usage};
    use std::sync::Arc;

    let chain = Chain::standard();
    let ders = chain.ders();
    let root = ders.last().expect("root").clone();
    let store =
        TrustStore::from_certificates(vec![chainvet::Certificate::from_der(root).expect("root")]);
    let validator = Validator::with_trust_store(Policy::default(), store);
    let options = PresentedOptions::new(Timestamp(at()), Usage::ClientAuth);
    let pool = [ders[1].as_slice()];
    assert!(
        validator
            .validate_presented(&ders[0], &pool, &options)
            .accepted
    );
    let after_first = validator.cache_usage();
    assert_eq!(after_first.analyses.0, 1, "{after_first:?}");
    assert!(
        validator
            .validate_presented(&ders[0], &pool, &options)
            .accepted
    );
    assert_eq!(validator.cache_usage().analyses.0, 1, "the second call hit");

    // Binding to another client's certificate: the cached verdict is not reused blindly.
    let other = Chain::standard().with_leaf(Spec::leaf("Another Client"));
    let registered = chainvet::Certificate::from_der(other.ders()[0].clone()).expect("parses");
    let mut bound = options.clone();
    bound.base.binding = Some(Arc::new(chainvet::Binding::new(vec![
        chainvet::Registration::from_certificate(&registered),
    ])));
    let report = validator.validate_presented(&ders[0], &pool, &bound);
    assert!(!report.accepted);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code.as_str().starts_with("binding.")),
        "{:#?}",
        report.findings
    );

    // Bytes that are no certificate (here a private key pasted where an intermediate
    // goes) never become a cache key.
    validator.clear_caches();
    let dir = chainvet_testkit::TempDir::new("presented-key");
    let key = chainvet_testkit::key_shapes::all(dir.path())
        .into_iter()
        .find(|s| s.name == "ec/pkcs8.der")
        .expect("an EC PKCS#8 DER key")
        .bytes;
    let _ = validator.validate_presented(&ders[0], &[ders[1].as_slice(), &key], &options);
    assert_eq!(validator.cache_usage().analyses.0, 0);

    // Supplied revocation input makes a call uncacheable.
    let mut with_crl = options.clone();
    with_crl.base.crls = vec![b"not a CRL".to_vec()];
    validator.clear_caches();
    let _ = validator.validate_presented(&ders[0], &pool, &with_crl);
    assert_eq!(validator.cache_usage().analyses.0, 0);
}
