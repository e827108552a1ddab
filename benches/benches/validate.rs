//! chainvet side by side with the signature floor, raw rustls-webpki and OpenSSL, on the
//! same bundles in the same run. `benches/ratios.py` turns the results into one table.
//! Times are CPU time of the benchmarking thread (see `ThreadCpuTime`).
//!
//! Groups (criterion ids `GROUP/CHAIN`):
//! - `floor`: the link signatures of the chain (leaf and each intermediate, not the
//!   root's self-signature) verified with aws-lc-rs directly: what any verifier must pay.
//! - `floor_with_root`: the same plus the root's self-signature, which chainvet also
//!   verifies (it reports `self_signed` per certificate) and the peers skip.
//! - `parse_chainvet`, `parse_webpki`, `parse_openssl`: PEM bundle to parsed certificates.
//! - `cold`: chainvet validation of the bundle by a validator with empty caches.
//! - `cold_known_ca`: a new leaf under a CA whose certificates the validator has seen
//!   (what a gateway meets when a new client of a known CA connects).
//! - `warm`: the same bundle again.
//! - `warm_der`: the same chain again, as DER certificates (the C gateway path).
//! - `webpki`: PEM parse + rustls-webpki `verify_for_usage` with aws-lc-rs.
//! - `openssl`: PEM parse + `X509_verify_cert` (system libssl), anchored on the root.
//! - `ocsp_fresh`, `ocsp_cached`: a warm validation plus a supplied OCSP response, first
//!   seen / seen before; `binding`: a warm validation plus the registration check
//!   (`binding_baseline`: the same validation without it).

use std::hint::black_box;

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey, VerificationAlgorithm,
};
use chainvet::{Certificate, Policy, Timestamp, TrustStore, Validator};
use chainvet_benches::{CLIENT_AUTH, Fixture, ThreadCpuTime, WEBPKI_ALGS, at, fixtures};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use pki_types::pem::PemObject;
use pki_types::{CertificateDer, UnixTime};

struct Link {
    algorithm: &'static dyn VerificationAlgorithm,
    key: Vec<u8>,
    message: Vec<u8>,
    signature: Vec<u8>,
}

/// Every signature of the chain: leaf and each CA by its issuer, then the root by itself.
fn links(fixture: &Fixture) -> Vec<Link> {
    let certs: Vec<Certificate> = fixture
        .ders
        .iter()
        .map(|d| Certificate::from_der(d.clone()).expect("fixture parses"))
        .collect();
    (0..certs.len())
        .map(|i| {
            let signer = &certs[(i + 1).min(certs.len() - 1)];
            let algorithm: &'static dyn VerificationAlgorithm =
                if signer.public_key().to_string().starts_with("RSA") {
                    &RSA_PKCS1_2048_8192_SHA256
                } else {
                    &ECDSA_P256_SHA256_ASN1
                };
            Link {
                algorithm,
                key: signer.public_key_bits().to_vec(),
                message: certs[i].tbs().to_vec(),
                signature: certs[i].signature().to_vec(),
            }
        })
        .collect()
}

fn verify_all(links: &[Link]) {
    for l in links {
        UnparsedPublicKey::new(l.algorithm, &l.key)
            .verify(black_box(&l.message), &l.signature)
            .expect("fixture signature verifies");
    }
}

fn validator() -> Validator {
    Validator::new(Policy::default()).expect("default policy")
}

fn webpki_validate(pem: &[u8]) {
    let ders: Vec<CertificateDer<'_>> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .expect("pem");
    let (leaf, rest) = ders.split_first().expect("leaf");
    let (root, intermediates) = rest.split_last().expect("root");
    let ee = webpki::EndEntityCert::try_from(leaf).expect("leaf parses");
    let anchors = [webpki::anchor_from_trusted_cert(root).expect("root parses")];
    let time = UnixTime::since_unix_epoch(core::time::Duration::from_secs(at() as u64));
    ee.verify_for_usage(
        WEBPKI_ALGS,
        &anchors,
        intermediates,
        time,
        webpki::KeyUsage::required_if_present(CLIENT_AUTH),
        None,
        None,
    )
    .expect("webpki accepts the fixture");
}

fn openssl_validate(pem: &[u8]) {
    use openssl::stack::Stack;
    use openssl::x509::store::X509StoreBuilder;
    use openssl::x509::verify::X509VerifyParam;
    use openssl::x509::{X509, X509PurposeId, X509StoreContext};

    let certs = X509::stack_from_pem(pem).expect("pem");
    let (leaf, rest) = certs.split_first().expect("leaf");
    let (root, intermediates) = rest.split_last().expect("root");
    let mut store = X509StoreBuilder::new().expect("store");
    store.add_cert(root.clone()).expect("anchor");
    let mut param = X509VerifyParam::new().expect("param");
    param.set_time(at());
    store.set_param(&param).expect("param");
    store
        .set_purpose(X509PurposeId::SSL_CLIENT)
        .expect("purpose");
    let store = store.build();
    let mut chain = Stack::new().expect("stack");
    for c in intermediates {
        chain.push(c.clone()).expect("push");
    }
    let mut ctx = X509StoreContext::new().expect("ctx");
    let ok = ctx
        .init(&store, leaf, &chain, |c| c.verify_cert())
        .expect("verify runs");
    assert!(ok, "OpenSSL accepts the fixture");
}

fn benches(c: &mut Criterion<ThreadCpuTime>) {
    let at = Timestamp(at());
    for f in fixtures() {
        let name = f.name;
        let pem = f.pem.as_bytes();

        // Sanity: every peer accepts every fixture, so no one is timed on a fast failure.
        let report = validator().validate_at(pem, at);
        assert!(report.accepted, "{name}: {:#?}", report.findings);
        webpki_validate(pem);
        openssl_validate(pem);

        let all = links(&f);
        let link_count = all.len() - 1;
        c.bench_function(&format!("floor/{name}"), |b| {
            b.iter(|| verify_all(&all[..link_count]))
        });
        c.bench_function(&format!("floor_with_root/{name}"), |b| {
            b.iter(|| verify_all(&all))
        });

        c.bench_function(&format!("parse_chainvet/{name}"), |b| {
            b.iter(|| TrustStore::from_pem(black_box(pem)).expect("parses"))
        });
        c.bench_function(&format!("parse_webpki/{name}"), |b| {
            b.iter(|| {
                let ders: Vec<CertificateDer<'_>> = CertificateDer::pem_slice_iter(black_box(pem))
                    .collect::<Result<_, _>>()
                    .expect("pem");
                for d in &ders {
                    black_box(webpki::EndEntityCert::try_from(d).expect("parses"));
                }
            })
        });
        c.bench_function(&format!("parse_openssl/{name}"), |b| {
            b.iter(|| openssl::x509::X509::stack_from_pem(black_box(pem)).expect("parses"))
        });

        c.bench_function(&format!("cold/{name}"), |b| {
            b.iter_batched(
                validator,
                |v| v.validate_at(black_box(pem), at),
                BatchSize::SmallInput,
            )
        });
        let sibling = f.sibling_pem.as_bytes();
        c.bench_function(&format!("cold_known_ca/{name}"), |b| {
            b.iter_batched(
                || {
                    let v = validator();
                    assert!(v.validate_at(sibling, at).accepted);
                    v
                },
                |v| v.validate_at(black_box(pem), at),
                BatchSize::SmallInput,
            )
        });
        let warm = validator();
        c.bench_function(&format!("warm/{name}"), |b| {
            b.iter(|| warm.validate_at(black_box(pem), at))
        });
        let ders: Vec<&[u8]> = f.ders.iter().map(Vec::as_slice).collect();
        c.bench_function(&format!("warm_der/{name}"), |b| {
            b.iter(|| warm.validate_der_at(black_box(&ders), at))
        });

        c.bench_function(&format!("webpki/{name}"), |b| {
            b.iter(|| webpki_validate(black_box(pem)))
        });
        c.bench_function(&format!("openssl/{name}"), |b| {
            b.iter(|| openssl_validate(black_box(pem)))
        });
    }
}

/// OCSP evaluation and the binding check, on a chain from the revocation test PKI
/// (real `openssl ocsp` responses, P-256), at the current time (the response is fresh).
fn revocation_and_binding(c: &mut Criterion<ThreadCpuTime>) {
    use chainvet::Options;
    use chainvet::binding::{Binding, Registration};
    use chainvet_testkit::revocation::{OcspOptions, Pki};
    use std::sync::Arc;

    let pki = Pki::new();
    let pem = pki.bundle(&pki.good).into_bytes();
    let response = pki.ocsp_response(&pki.good, &OcspOptions::default());
    let now = Timestamp::now();
    let mut with_ocsp = Options::at(now);
    with_ocsp.ocsp_responses = vec![response];
    with_ocsp.offline = true;
    let check = validator().validate_with(&pem, &with_ocsp);
    assert!(check.accepted, "{:#?}", check.findings);
    assert!(
        !check.revocation.is_empty(),
        "the supplied OCSP response was evaluated"
    );

    // Fresh: a response the validator has not seen (its revocation and signature caches
    // are new), on a chain whose analysis is cached, as when a new staple arrives.
    c.bench_function("ocsp_fresh/p256", |b| {
        b.iter_batched(
            || {
                let v = validator();
                assert!(v.validate_at(&pem, now).accepted);
                v
            },
            |v| v.validate_with(black_box(&pem), &with_ocsp),
            BatchSize::SmallInput,
        )
    });
    let cached = validator();
    c.bench_function("ocsp_cached/p256", |b| {
        b.iter(|| cached.validate_with(black_box(&pem), &with_ocsp))
    });

    let leaf = Certificate::from_der(pki.good.der.clone()).expect("leaf parses");
    let binding = Arc::new(Binding::new(vec![Registration::from_certificate(&leaf)]));
    let bound = Options::at(now).with_binding(binding);
    let check = cached.validate_with(&pem, &bound);
    assert!(check.accepted, "{:#?}", check.findings);
    c.bench_function("binding/p256", |b| {
        b.iter(|| cached.validate_with(black_box(&pem), &bound))
    });
    c.bench_function("binding_baseline/p256", |b| {
        b.iter(|| cached.validate_at(black_box(&pem), now))
    });
}

criterion_group! {
    name = group;
    config = Criterion::default()
        .with_measurement(ThreadCpuTime)
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = benches, revocation_and_binding
}
criterion_main!(group);
