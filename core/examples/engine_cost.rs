//! The cost of one trust-store validation per engine, for instruction counting under
//! callgrind (docs/performance.md): validates a leaf presented with its intermediate
//! against the root `N` times.
//!
//! `cargo run --release -p chainvet --example engine_cost -- ENGINE MODE N`
//!
//! ENGINE: `chainvet` or `webpki`. MODE: `cold` (no caches: every call parses, verifies
//! both signatures and validates), `engine` (the verified-signature cache on, the analysis
//! cache off: every call runs path validation and the policy checks, signatures are cache
//! hits) or `warm` (both caches: a repeated call is an analysis hit). Run with N and N+1000
//! and divide the difference by 1000 to take out start-up and certificate generation.

use chainvet::{
    CacheLimit, CacheLimits, Certificate, Engine, Policy, PresentedOptions, Timestamp, TrustStore,
    Usage, Validator,
};
use chainvet_testkit::Chain;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(engine), Some(mode), Some(n)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: engine_cost chainvet|webpki cold|engine|warm N");
        std::process::exit(2);
    };
    let n: usize = n.parse().unwrap_or(0);
    let mut policy = Policy::default();
    policy.path_validation.engine = match engine.as_str() {
        "webpki" => Engine::Webpki,
        _ => Engine::Chainvet,
    };
    let limits = match mode.as_str() {
        "cold" => CacheLimits::OFF,
        "engine" => CacheLimits {
            analyses: CacheLimit::OFF,
            ..CacheLimits::default()
        },
        _ => CacheLimits::default(),
    };
    let chain = Chain::standard();
    let ders = chain.ders();
    let root = Certificate::from_der(ders[2].clone()).unwrap_or_else(|e| panic!("root: {e:?}"));
    let validator = Validator::with_trust_store(policy, TrustStore::from_certificates(vec![root]))
        .with_cache_limits(limits);
    let mut options = PresentedOptions::new(Timestamp(chainvet_testkit::at()), Usage::ClientAuth);
    options.base.offline = true;
    let pool = [ders[1].as_slice()];
    let mut accepted = 0;
    for _ in 0..n {
        accepted += usize::from(
            validator
                .validate_presented(&ders[0], &pool, &options)
                .accepted,
        );
    }
    println!("{engine} {mode}: {accepted} of {n} accepted");
}
