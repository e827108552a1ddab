//! What chainvet adds to a mutual-TLS handshake: a bounded burst of full TLS 1.3
//! handshakes (P-256 certificates, client and server in memory, resumption off), with
//! rustls's own `WebPkiClientVerifier` and with `ChainvetClientVerifier`, plus the
//! verifier call alone. Run it in release mode:
//!
//! ```text
//! cargo run --release -p chainvet-rustls --example handshake_cost [HANDSHAKES]
//! ```
//!
//! A measurement to read, not a test: nothing is asserted about speed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chainvet::{Policy, TrustStore, Validator};
use chainvet_rustls::ChainvetClientVerifier;
use chainvet_testkit::mtls::MtlsPki;
use chainvet_testkit::{Issued, key};
use rustls::client::Resumption;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::danger::ClientCertVerifier;
use rustls::server::{NoServerSessionStorage, WebPkiClientVerifier};
use rustls::version::TLS13;
use rustls::{
    ClientConfig, ClientConnection, Connection, RootCertStore, ServerConfig, ServerConnection,
};

/// Largest burst accepted from the command line.
const MAX_HANDSHAKES: usize = 100_000;

fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500usize)
        .clamp(1, MAX_HANDSHAKES);
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let pki = MtlsPki::new();
    let mut roots = RootCertStore::empty();
    roots.add(der(&pki.root)).expect("root");
    let roots = Arc::new(roots);
    let trust = TrustStore::from_pem(pki.root.pem().as_bytes()).expect("trust store");
    let validator = Arc::new(Validator::with_trust_store(Policy::default(), trust));

    let webpki = WebPkiClientVerifier::builder_with_provider(roots.clone(), provider.clone())
        .build()
        .expect("webpki verifier");
    let chainvet = ChainvetClientVerifier::builder(validator.clone())
        .build()
        .expect("chainvet verifier");
    let chainvet_crl = ChainvetClientVerifier::builder(validator)
        .crls(vec![pki.crl.clone()])
        .build()
        .expect("chainvet verifier");

    let client_chain: Vec<CertificateDer<'static>> = pki.client("good").iter().map(der).collect();
    let with_cert = client_config(
        &provider,
        &roots,
        Some((&client_chain, &pki.client("good")[0])),
    );
    let without_cert = client_config(&provider, &roots, None);

    println!("{n} full TLS 1.3 handshakes each, P-256, in memory; per handshake:");
    println!("| server verifier | median | mean |");
    println!("|---|---|---|");
    let no_auth = server_config(&provider, &pki, None);
    report(
        "no client authentication",
        &burst(n, &no_auth, &without_cert),
    );
    let cases: [(&str, Arc<dyn ClientCertVerifier>); 3] = [
        ("rustls WebPkiClientVerifier", webpki.clone()),
        ("ChainvetClientVerifier", chainvet.clone()),
        ("ChainvetClientVerifier + CRL", chainvet_crl.clone()),
    ];
    for (name, verifier) in &cases {
        let config = server_config(&provider, &pki, Some(verifier.clone()));
        report(name, &burst(n, &config, &with_cert));
    }

    println!();
    println!("{n} calls of verify_client_cert alone (the same chain each time):");
    println!("| verifier | median | mean |");
    println!("|---|---|---|");
    let now = UnixTime::now();
    for (name, verifier) in &cases {
        let times: Vec<Duration> = (0..n)
            .map(|_| {
                let start = Instant::now();
                verifier
                    .verify_client_cert(&client_chain[0], &client_chain[1..], now)
                    .expect("accepted");
                start.elapsed()
            })
            .collect();
        report(name, &times);
    }
}

fn der(cert: &Issued) -> CertificateDer<'static> {
    CertificateDer::from(cert.der.clone())
}

fn private_key(cert: &Issued) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        key(cert.spec.key, cert.spec.slot).serialize_der(),
    ))
}

fn server_config(
    provider: &Arc<CryptoProvider>,
    pki: &MtlsPki,
    verifier: Option<Arc<dyn ClientCertVerifier>>,
) -> Arc<ServerConfig> {
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&TLS13])
        .expect("versions");
    let builder = match verifier {
        Some(v) => builder.with_client_cert_verifier(v),
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(vec![der(&pki.server)], private_key(&pki.server))
        .expect("server certificate");
    // Every handshake in full: a resumed one would skip the verifier.
    config.session_storage = Arc::new(NoServerSessionStorage {});
    config.send_tls13_tickets = 0;
    Arc::new(config)
}

fn client_config(
    provider: &Arc<CryptoProvider>,
    roots: &Arc<RootCertStore>,
    cert: Option<(&Vec<CertificateDer<'static>>, &Issued)>,
) -> Arc<ClientConfig> {
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&TLS13])
        .expect("versions")
        .with_root_certificates(roots.clone());
    let mut config = match cert {
        Some((chain, leaf)) => builder
            .with_client_auth_cert(chain.clone(), private_key(leaf))
            .expect("client certificate"),
        None => builder.with_no_client_auth(),
    };
    config.resumption = Resumption::disabled();
    Arc::new(config)
}

/// `n` handshakes, each timed from the ClientHello to both sides done.
fn burst(n: usize, server: &Arc<ServerConfig>, client: &Arc<ClientConfig>) -> Vec<Duration> {
    let name = ServerName::try_from("gateway.test").expect("name");
    (0..n)
        .map(|_| {
            let start = Instant::now();
            let mut c = Connection::from(
                ClientConnection::new(client.clone(), name.clone()).expect("client"),
            );
            let mut s = Connection::from(ServerConnection::new(server.clone()).expect("server"));
            // Bounded: a TLS 1.3 handshake with client auth takes 2 round trips.
            for _ in 0..10 {
                if !c.is_handshaking() && !s.is_handshaking() {
                    break;
                }
                transfer(&mut c, &mut s);
                transfer(&mut s, &mut c);
            }
            assert!(
                !c.is_handshaking() && !s.is_handshaking(),
                "handshake did not finish"
            );
            start.elapsed()
        })
        .collect()
}

fn transfer(from: &mut Connection, to: &mut Connection) {
    let mut buf = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut buf).expect("write_tls");
    }
    let mut slice = buf.as_slice();
    while !slice.is_empty() {
        to.read_tls(&mut slice).expect("read_tls");
        to.process_new_packets().expect("handshake");
    }
}

fn report(name: &str, times: &[Duration]) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    let mean = times.iter().sum::<Duration>() / u32::try_from(times.len()).unwrap_or(u32::MAX);
    println!(
        "| {name} | {:.1} µs | {:.1} µs |",
        median.as_secs_f64() * 1e6,
        mean.as_secs_f64() * 1e6
    );
}
