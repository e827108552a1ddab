//! Loops validations for profiling and for the memory check.
//!
//! ```text
//! soak memory [N]            N validations (default 1,000,000) over a pool of bundles
//!                            larger than the analysis cache; prints peak RSS as it goes
//! soak cold|warm CHAIN [N]   N validations of one fixture (`perf record` this)
//! soak parse CHAIN [N]        N parses of the fixture's certificates
//! soak floor CHAIN [N]        N times the chain's signatures with aws-lc-rs alone
//! soak corpus DIR [N]         writes N bundles (default 100,000) for timing `chainvet scan`
//! soak known-ca CHAIN [N] [ENGINE]
//!                            trust-store mode, N new leaves under a known CA (ENGINE
//!                            `webpki` or `chainvet`); profile with callgrind:
//!                            `--toggle-collect='*measured_*'` counts the calls only
//! soak bundle-known-ca CHAIN [N]
//!                            bundle mode, N new leaves under a known CA
//! soak threads CHAIN [N]      trust-store mode, repeated chain, on 1, 2, 4 and 8 threads
//!                            sharing one validator: N calls per thread; total calls per
//!                            second of wall time and CPU time per call, to show whether
//!                            the caches serialize
//! soak threads-new-leaf CHAIN [N]
//!                            the same with a new leaf under the known CA on every call
//! ```

use std::time::Instant;

use chainvet::{CacheLimit, CacheLimits, Policy, Timestamp, Validator};
use chainvet_benches::{at, fixture};
use chainvet_testkit::{KeyKind, Spec, issue, self_signed};

/// Nanoseconds this thread has run on a CPU (from /proc/thread-self/schedstat): unlike
/// wall time it does not count time other processes had the core, which matters on a
/// machine shared with compilers.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// (VmHWM, VmRSS) in KiB from /proc/self/status.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn memory(n: usize) {
    // 3,000 distinct bundles (distinct leaves under one CA, a tenth of them expired at the
    // validation time so they are never cached) against an analysis cache of 1,024
    // entries: the loop keeps inserting and evicting.
    let root = self_signed(Spec::ca("Soak Root").key(KeyKind::P256, 2));
    let int = issue(Spec::ca("Soak Issuing CA").key(KeyKind::P256, 1), &root);
    let ca_pem = format!("{}{}", int.pem(), root.pem());
    let pool: Vec<String> = (0..3_000)
        .map(|i| {
            let mut spec = Spec::leaf(&format!("soak client {i}")).key(KeyKind::P256, 0);
            if i % 10 == 9 {
                spec.not_after = chainvet_testkit::date(2026, 1, 1);
            }
            format!("{}{ca_pem}", issue(spec, &int).pem())
        })
        .collect();
    let validator = Validator::new(Policy::default())
        .expect("policy")
        .with_cache_limits(CacheLimits {
            signatures: CacheLimit {
                entries: 2_048,
                bytes: 8 << 20,
            },
            analyses: CacheLimit {
                entries: 1_024,
                bytes: 32 << 20,
            },
        });
    let at = Timestamp(at());
    let (hwm, rss) = memory_kib();
    println!("validations,accepted,VmHWM_KiB,VmRSS_KiB,seconds");
    println!("0,0,{hwm},{rss},0");
    let start = Instant::now();
    let mut accepted = 0usize;
    for i in 0..n {
        // Mostly a hot set of 512 bundles, every 8th from the whole pool.
        let pick = if i % 8 == 0 {
            (i / 8 * 7919) % pool.len()
        } else {
            (i * 31) % 512
        };
        accepted += usize::from(validator.validate_at(pool[pick].as_bytes(), at).accepted);
        if (i + 1) % (n / 10).max(1) == 0 {
            let (hwm, rss) = memory_kib();
            println!(
                "{},{accepted},{hwm},{rss},{:.1}",
                i + 1,
                start.elapsed().as_secs_f64()
            );
        }
    }
}

fn one(mode: &str, chain: &str, n: usize) {
    let fixture = fixture(chain);
    let validator = Validator::new(Policy::default()).expect("policy");
    let at = Timestamp(at());
    let (start, cpu) = (Instant::now(), cpu_ns());
    for _ in 0..n {
        if mode == "cold" {
            validator.clear_caches();
        }
        assert!(validator.validate_at(fixture.pem.as_bytes(), at).accepted);
    }
    report(mode, chain, n, start, cpu);
}

/// Trust-store mode on one shared validator from 1, 2, 4 and 8 threads: calls per second
/// of wall time, and CPU time per call of the whole process. On a machine with C free
/// cores the total should grow up to C threads and stay flat after, with the CPU time
/// per call flat throughout; a drop past one thread, or CPU time per call growing with
/// the threads, means the caches' locks serialize the callers or bounce between cores.
/// `new_leaf`: every call presents a leaf never seen before under the known CA (one
/// signature verification, inserts into the caches) instead of the same chain again.
fn threads(chain: &str, n: usize, new_leaf: bool) {
    use chainvet::{PresentedOptions, TrustStore, Usage};

    let fixture = fixture(chain);
    let (leaf, rest) = fixture.ders.split_first().expect("leaf");
    let (root, pool) = rest.split_last().expect("root");
    let counts = [1usize, 2, 4, 8];
    // Each thread of each round gets leaves of its own.
    let leaves = if new_leaf {
        fixture.new_leaves(n * counts.iter().sum::<usize>())
    } else {
        Vec::new()
    };
    let store = TrustStore::from_certificates(vec![
        chainvet::Certificate::from_der(root.clone()).expect("root"),
    ]);
    let validator = Validator::with_trust_store(Policy::default(), store);
    let options = PresentedOptions::new(Timestamp(at()), Usage::ClientAuth);
    let pool: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
    assert!(validator.validate_presented(leaf, &pool, &options).accepted);
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let what = if new_leaf {
        "new leaf under a known CA"
    } else {
        "repeated chain"
    };
    println!("threads {chain} ({what}): {cores} core(s) available, {n} calls per thread");
    let mut next = 0usize;
    for count in counts {
        let (start, cpu) = (Instant::now(), chainvet_benches::process_cpu_ns());
        std::thread::scope(|s| {
            for t in 0..count {
                let mine: &[Vec<u8>] = if new_leaf {
                    &leaves[next + t * n..next + (t + 1) * n]
                } else {
                    &[]
                };
                let (validator, pool, options) = (&validator, &pool, &options);
                s.spawn(move || {
                    for k in 0..n {
                        let presented = mine.get(k).map_or(leaf.as_slice(), Vec::as_slice);
                        assert!(
                            validator
                                .validate_presented(presented, pool, options)
                                .accepted
                        );
                    }
                });
            }
        });
        next += count * n;
        let calls = (count * n) as f64;
        let per_second = calls / start.elapsed().as_secs_f64();
        let cpu_us = (chainvet_benches::process_cpu_ns() - cpu) as f64 / 1e3 / calls;
        println!("  {count} thread(s): {per_second:>12.0} calls/s  {cpu_us:>8.2} µs CPU per call");
    }
}

fn engine_policy(engine: &str) -> Policy {
    let mut policy = Policy::default();
    policy.path_validation.engine = match engine {
        "chainvet" => chainvet::Engine::Chainvet,
        "webpki" => chainvet::Engine::Webpki,
        other => panic!("no engine {other}: webpki or chainvet"),
    };
    policy
}

/// One trust-store call (its own symbol, so callgrind can count it alone).
#[inline(never)]
fn measured_presented(
    validator: &Validator,
    leaf: &[u8],
    pool: &[&[u8]],
    options: &chainvet::PresentedOptions,
) -> bool {
    validator.validate_presented(leaf, pool, options).accepted
}

/// One bundle-mode call (its own symbol, so callgrind can count it alone).
#[inline(never)]
fn measured_bundle(validator: &Validator, pem: &[u8], at: Timestamp) -> bool {
    validator.validate_at(pem, at).accepted
}

/// Trust-store mode: `n` new leaves under a CA the validator has seen.
fn known_ca(chain: &str, n: usize, engine: &str) {
    use chainvet::{PresentedOptions, TrustStore, Usage};

    let fixture = fixture(chain);
    let leaves = fixture.new_leaves(n);
    let (_, rest) = fixture.ders.split_first().expect("leaf");
    let (root, pool) = rest.split_last().expect("root");
    let store = TrustStore::from_certificates(vec![
        chainvet::Certificate::from_der(root.clone()).expect("root"),
    ]);
    let validator = Validator::with_trust_store(engine_policy(engine), store);
    let options = PresentedOptions::new(Timestamp(at()), Usage::ClientAuth);
    let pool: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
    // Not counted: this call verifies the CA links, which every later call finds cached.
    assert!(
        validator
            .validate_presented(&fixture.ders[0], &pool, &options)
            .accepted
    );
    let (start, cpu) = (Instant::now(), cpu_ns());
    for leaf in &leaves {
        assert!(measured_presented(&validator, leaf, &pool, &options));
    }
    report(&format!("known-ca ({engine})"), chain, n, start, cpu);
}

/// Bundle mode: `n` bundles with new leaves under a CA the validator has seen.
fn bundle_known_ca(chain: &str, n: usize) {
    let fixture = fixture(chain);
    let ca_pem: String = fixture.ders[1..]
        .iter()
        .map(|d| chainvet_testkit::pem_of(d))
        .collect();
    let bundles: Vec<String> = fixture
        .new_leaves(n)
        .iter()
        .map(|leaf| format!("{}{ca_pem}", chainvet_testkit::pem_of(leaf)))
        .collect();
    let validator = Validator::new(Policy::default()).expect("policy");
    let at = Timestamp(at());
    // Not counted: this call verifies the CA links, which every later call finds cached.
    assert!(validator.validate_at(fixture.pem.as_bytes(), at).accepted);
    let (start, cpu) = (Instant::now(), cpu_ns());
    for bundle in &bundles {
        assert!(measured_bundle(&validator, bundle.as_bytes(), at));
    }
    report("bundle-known-ca", chain, n, start, cpu);
}

/// Writes `n` bundles under `dir` (1,000 per subdirectory) for timing `chainvet scan`:
/// every 20th is a copy of one of the defective samples, the others are good P-256
/// bundles that each have their own leaf (so every bundle costs a leaf verification;
/// the shared CA links are what the signature cache saves).
fn corpus(dir: &std::path::Path, n: usize) {
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let mut defective: Vec<Vec<u8>> = std::fs::read_dir(&samples)
        .expect("samples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pem"))
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    defective.sort();
    let root = self_signed(Spec::ca("Corpus Root").key(KeyKind::P256, 2));
    let int = issue(Spec::ca("Corpus Issuing CA").key(KeyKind::P256, 1), &root);
    let ca_pem = format!("{}{}", int.pem(), root.pem());
    for i in 0..n {
        let sub = dir.join(format!("{:03}", i / 1_000));
        if i % 1_000 == 0 {
            std::fs::create_dir_all(&sub).expect("mkdir");
        }
        let body = if i % 20 == 19 {
            defective[(i / 20) % defective.len()].clone()
        } else {
            let mut spec = Spec::leaf(&format!("client {i}")).key(KeyKind::P256, 0);
            spec.serial = Some((i as u64 + 1).to_be_bytes().to_vec());
            format!("{}{ca_pem}", issue(spec, &int).pem()).into_bytes()
        };
        std::fs::write(sub.join(format!("bundle-{i:06}.pem")), body).expect("write");
    }
    println!("wrote {n} bundles under {}", dir.display());
}

fn parse(chain: &str, n: usize) {
    let fixture = fixture(chain);
    let (start, cpu) = (Instant::now(), cpu_ns());
    for _ in 0..n {
        for der in &fixture.ders {
            std::hint::black_box(chainvet::Certificate::from_der(der.clone()).is_ok());
        }
    }
    report("parse", chain, n, start, cpu);
}

fn floor(chain: &str, n: usize) {
    use aws_lc_rs::signature::{
        ECDSA_P256_SHA256_ASN1, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey,
        VerificationAlgorithm,
    };
    let fixture = fixture(chain);
    let certs: Vec<chainvet::Certificate> = fixture
        .ders
        .iter()
        .map(|d| chainvet::Certificate::from_der(d.clone()).expect("parses"))
        .collect();
    type Link<'a> = (
        &'static dyn VerificationAlgorithm,
        &'a [u8],
        &'a [u8],
        &'a [u8],
    );
    let links: Vec<Link<'_>> = (0..certs.len())
        .map(|i| {
            let signer = &certs[(i + 1).min(certs.len() - 1)];
            let alg: &'static dyn VerificationAlgorithm =
                if signer.public_key().to_string().starts_with("RSA") {
                    &RSA_PKCS1_2048_8192_SHA256
                } else {
                    &ECDSA_P256_SHA256_ASN1
                };
            (
                alg,
                signer.public_key_bits(),
                certs[i].tbs(),
                certs[i].signature(),
            )
        })
        .collect();
    for (label, count) in [("floor", links.len() - 1), ("floor_with_root", links.len())] {
        let (start, cpu) = (Instant::now(), cpu_ns());
        for _ in 0..n {
            for &(alg, key, msg, sig) in &links[..count] {
                UnparsedPublicKey::new(alg, key)
                    .verify(std::hint::black_box(msg), sig)
                    .expect("verifies");
            }
        }
        report(label, chain, n, start, cpu);
    }
}

fn report(mode: &str, chain: &str, n: usize, start: Instant, cpu: u64) {
    let wall = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    let cpu = (cpu_ns() - cpu) as f64 / 1e3 / n as f64;
    println!("{mode} {chain}: {cpu:.2} µs CPU ({wall:.2} µs wall) per iteration");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    match arg(0) {
        Some("memory") => memory(arg(1).and_then(|n| n.parse().ok()).unwrap_or(1_000_000)),
        Some("corpus") => corpus(
            std::path::Path::new(arg(1).unwrap_or("scan-corpus")),
            arg(2).and_then(|n| n.parse().ok()).unwrap_or(100_000),
        ),
        Some("floor") => floor(
            arg(1).unwrap_or("rsa2048"),
            arg(2).and_then(|n| n.parse().ok()).unwrap_or(5_000),
        ),
        Some("parse") => parse(
            arg(1).unwrap_or("rsa2048"),
            arg(2).and_then(|n| n.parse().ok()).unwrap_or(10_000),
        ),
        Some("known-ca") => known_ca(
            arg(1).unwrap_or("rsa2048"),
            arg(2).and_then(|n| n.parse().ok()).unwrap_or(1_000),
            arg(3).unwrap_or("webpki"),
        ),
        Some("bundle-known-ca") => bundle_known_ca(
            arg(1).unwrap_or("rsa2048"),
            arg(2).and_then(|n| n.parse().ok()).unwrap_or(1_000),
        ),
        Some("threads") => threads(
            arg(1).unwrap_or("p256"),
            arg(2).and_then(|n| n.parse().ok()).unwrap_or(200_000),
            false,
        ),
        Some("threads-new-leaf") => threads(
            arg(1).unwrap_or("p256"),
            arg(2).and_then(|n| n.parse().ok()).unwrap_or(1_000),
            true,
        ),
        Some(mode @ ("cold" | "warm")) => one(
            mode,
            arg(1).unwrap_or("rsa2048"),
            arg(2).and_then(|n| n.parse().ok()).unwrap_or(10_000),
        ),
        _ => {
            eprintln!(
                "usage: soak memory [N] | soak cold|warm|parse|floor|threads|threads-new-leaf|bundle-known-ca CHAIN [N] | soak known-ca CHAIN [N] [webpki|chainvet] | soak corpus DIR [N]"
            );
            std::process::exit(2);
        }
    }
}
