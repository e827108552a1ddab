//! Trust-store mode, the gateway's per-connection call, side by side with the peers a
//! gateway could call instead, each with its trust anchors prepared once (as a gateway
//! holds them) and the presented certificates as DER (as a TLS stack hands them over).
//! Times are CPU time of the benchmarking thread (see `ThreadCpuTime`).
//!
//! Groups (criterion ids `GROUP/CHAIN`):
//! - `presented_cold`: `Validator::validate_presented` by a validator with empty caches.
//! - `presented_known_ca`: a new leaf under a CA the validator has seen (in trust-store
//!   mode), what a gateway meets when a new client of a known CA connects.
//! - `presented_repeated`: the same presented chain again (steady state).
//! - `presented_cold_webpki_engine`, `presented_known_ca_webpki_engine`: the same two
//!   calls with `[path_validation] engine = "webpki"` (the default engine is chainvet's
//!   own RFC 5280 engine): the cost of each engine under the same checks.
//! - `webpki_prepared`: rustls-webpki `EndEntityCert::try_from` + `verify_for_usage`
//!   with the anchors prepared once.
//! - `openssl_prepared`: `d2i` of the presented certificates + `X509_verify_cert` with an
//!   `X509_STORE` built once.
//!
//! pyca's client verifier (built once, certificates loaded from DER per call) is timed
//! from Python by the `pyca` bench (`pyca_presented/CHAIN`).

use std::hint::black_box;

use chainvet::{Engine, Policy, PresentedOptions, Timestamp, TrustStore, Usage, Validator};
use chainvet_benches::{CLIENT_AUTH, ThreadCpuTime, WEBPKI_ALGS, at, fixtures};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use pki_types::pem::PemObject;
use pki_types::{CertificateDer, UnixTime};

/// A chain as a gateway sees it: the presented leaf and intermediates (DER) and the root
/// in its trust store.
struct Presented {
    leaf: Vec<u8>,
    sibling_leaf: Vec<u8>,
    intermediates: Vec<Vec<u8>>,
    root: Vec<u8>,
}

fn presented(f: &chainvet_benches::Fixture) -> Presented {
    let (leaf, rest) = f.ders.split_first().expect("leaf");
    let (root, intermediates) = rest.split_last().expect("root");
    let sibling_leaf = CertificateDer::pem_slice_iter(f.sibling_pem.as_bytes())
        .next()
        .expect("sibling leaf")
        .expect("sibling pem")
        .to_vec();
    Presented {
        leaf: leaf.clone(),
        sibling_leaf,
        intermediates: intermediates.to_vec(),
        root: root.clone(),
    }
}

fn gateway(root: &[u8]) -> Validator {
    gateway_on(root, Policy::default().path_validation.engine)
}

fn gateway_on(root: &[u8], engine: Engine) -> Validator {
    let root = chainvet::Certificate::from_der(root.to_vec()).expect("root parses");
    let store = TrustStore::from_certificates(vec![root]);
    let mut policy = Policy::default();
    policy.path_validation.engine = engine;
    Validator::with_trust_store(policy, store)
}

fn benches(c: &mut Criterion<ThreadCpuTime>) {
    let options = PresentedOptions::new(Timestamp(at()), Usage::ClientAuth);
    let time = UnixTime::since_unix_epoch(core::time::Duration::from_secs(at() as u64));
    for f in fixtures() {
        let name = f.name;
        let p = presented(&f);
        let pool: Vec<&[u8]> = p.intermediates.iter().map(Vec::as_slice).collect();

        // Sanity: every peer accepts every chain, so no one is timed on a fast failure.
        let report = gateway(&p.root).validate_presented(&p.leaf, &pool, &options);
        assert!(report.accepted, "{name}: {:#?}", report.findings);

        c.bench_function(&format!("presented_cold/{name}"), |b| {
            b.iter_batched(
                || gateway(&p.root),
                |v| v.validate_presented(black_box(&p.leaf), &pool, &options),
                BatchSize::SmallInput,
            )
        });
        c.bench_function(&format!("presented_known_ca/{name}"), |b| {
            b.iter_batched(
                || {
                    let v = gateway(&p.root);
                    let seen = v.validate_presented(&p.sibling_leaf, &pool, &options);
                    assert!(seen.accepted, "{name} sibling: {:#?}", seen.findings);
                    v
                },
                |v| v.validate_presented(black_box(&p.leaf), &pool, &options),
                BatchSize::SmallInput,
            )
        });
        c.bench_function(&format!("presented_cold_webpki_engine/{name}"), |b| {
            b.iter_batched(
                || gateway_on(&p.root, Engine::Webpki),
                |v| v.validate_presented(black_box(&p.leaf), &pool, &options),
                BatchSize::SmallInput,
            )
        });
        c.bench_function(&format!("presented_known_ca_webpki_engine/{name}"), |b| {
            b.iter_batched(
                || {
                    let v = gateway_on(&p.root, Engine::Webpki);
                    let seen = v.validate_presented(&p.sibling_leaf, &pool, &options);
                    assert!(seen.accepted, "{name} sibling: {:#?}", seen.findings);
                    v
                },
                |v| v.validate_presented(black_box(&p.leaf), &pool, &options),
                BatchSize::SmallInput,
            )
        });
        let warm = gateway(&p.root);
        c.bench_function(&format!("presented_repeated/{name}"), |b| {
            b.iter(|| warm.validate_presented(black_box(&p.leaf), &pool, &options))
        });

        let root = CertificateDer::from(p.root.as_slice());
        let anchors = [webpki::anchor_from_trusted_cert(&root).expect("anchor")];
        let ders: Vec<CertificateDer<'_>> = p
            .intermediates
            .iter()
            .map(|d| CertificateDer::from(d.as_slice()))
            .collect();
        let leaf = CertificateDer::from(p.leaf.as_slice());
        c.bench_function(&format!("webpki_prepared/{name}"), |b| {
            b.iter(|| {
                let ee = webpki::EndEntityCert::try_from(black_box(&leaf)).expect("leaf");
                ee.verify_for_usage(
                    WEBPKI_ALGS,
                    &anchors,
                    &ders,
                    time,
                    webpki::KeyUsage::required_if_present(CLIENT_AUTH),
                    None,
                    None,
                )
                .map(|_| ())
                .expect("webpki accepts the chain");
            })
        });

        let store = openssl_store(&p.root);
        openssl_verify(&store, &p.leaf, &p.intermediates);
        c.bench_function(&format!("openssl_prepared/{name}"), |b| {
            b.iter(|| openssl_verify(&store, black_box(&p.leaf), &p.intermediates))
        });
    }
}

fn openssl_store(root: &[u8]) -> openssl::x509::store::X509Store {
    use openssl::x509::store::X509StoreBuilder;
    use openssl::x509::verify::X509VerifyParam;
    use openssl::x509::{X509, X509PurposeId};

    let mut store = X509StoreBuilder::new().expect("store");
    store
        .add_cert(X509::from_der(root).expect("root"))
        .expect("anchor");
    let mut param = X509VerifyParam::new().expect("param");
    param.set_time(at());
    store.set_param(&param).expect("param");
    store
        .set_purpose(X509PurposeId::SSL_CLIENT)
        .expect("purpose");
    store.build()
}

fn openssl_verify(store: &openssl::x509::store::X509Store, leaf: &[u8], pool: &[Vec<u8>]) {
    use openssl::stack::Stack;
    use openssl::x509::{X509, X509StoreContext};

    let leaf = X509::from_der(leaf).expect("leaf");
    let mut chain = Stack::new().expect("stack");
    for der in pool {
        chain
            .push(X509::from_der(der).expect("intermediate"))
            .expect("push");
    }
    let mut ctx = X509StoreContext::new().expect("ctx");
    let ok = ctx
        .init(store, &leaf, &chain, |c| c.verify_cert())
        .expect("verify runs");
    assert!(ok, "OpenSSL accepts the chain");
}

criterion_group! {
    name = group;
    config = Criterion::default()
        .with_measurement(ThreadCpuTime)
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = benches
}
criterion_main!(group);
