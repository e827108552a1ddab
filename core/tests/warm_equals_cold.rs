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
