//! The complete server of the README: SNI-based binding with a per-connection
//! verifier over `std::net` (kept here so it compiles with every build). It expects
//! `client-roots.pem`, `issuing-ca.crl`, `registry.toml`, `server.pem` and `server.key`
//! in the working directory and serves on 127.0.0.1:8443 until killed.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

use chainvet::{Policy, Registry, TrustStore, Validator};
use chainvet_rustls::{ChainvetClientVerifier, alert_name};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
use rustls::server::{Acceptor, NoServerSessionStorage, ServerConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let trust = TrustStore::from_file("client-roots.pem".as_ref())?;
    let validator = Arc::new(Validator::with_trust_store(Policy::default(), trust));
    let verifier = ChainvetClientVerifier::builder(validator)
        .crls(vec![std::fs::read("issuing-ca.crl")?])
        .bindings(Registry::from_file("registry.toml".as_ref())?)
        .build()?;
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter("server.pem")?.collect::<Result<_, _>>()?;
    let key = PrivateKeyDer::from_pem_file("server.key")?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let certified = Arc::new(rustls::sign::SingleCertAndKey::from(
        rustls::sign::CertifiedKey::from_der(chain, key, &provider)?,
    ));

    for tcp in TcpListener::bind("127.0.0.1:8443")?.incoming() {
        let mut tcp = tcp?;
        // 1. Read the ClientHello: the SNI names the client (acme.gw.example -> acme).
        let mut acceptor = Acceptor::default();
        let accepted = loop {
            if acceptor.read_tls(&mut tcp)? == 0 {
                break None;
            }
            match acceptor.accept() {
                Ok(Some(a)) => break Some(a),
                Ok(None) => {}
                Err(_) => break None,
            }
        };
        let Some(accepted) = accepted else { continue };
        let client_id = accepted
            .client_hello()
            .server_name()
            .and_then(|sni| sni.strip_suffix(".gw.example"))
            .map(str::to_owned);
        // 2. Finish the handshake with a verifier for this connection.
        let conn_verifier = verifier.for_connection(client_id.as_deref());
        let mut config = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(conn_verifier.clone())
            .with_cert_resolver(certified.clone());
        config.session_storage = Arc::new(NoServerSessionStorage {}); // every connection judged
        config.send_tls13_tickets = 0;
        let Ok(mut conn) = accepted.into_connection(Arc::new(config)) else {
            continue;
        };
        let mut handshake = Ok(());
        while conn.is_handshaking() && handshake.is_ok() {
            handshake = conn.complete_io(&mut tcp).map(|_| ());
        }
        // 3. A rejection: the client got the mapped alert; the server logs the codes.
        if let Some(rejection) = conn_verifier.rejection() {
            eprintln!(
                "rejected client_id={client_id:?} alert={} codes={:?}",
                alert_name(rejection.alert()),
                rejection.codes()
            );
            continue;
        }
        if handshake.is_err() {
            continue;
        }
        let mut stream = rustls::Stream::new(&mut conn, &mut tcp);
        let mut request = [0u8; 1024];
        let n = stream.read(&mut request)?;
        eprintln!(
            "accepted client_id={client_id:?} request={:?}",
            &request[..n.min(40)]
        );
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\nok\n")?;
    }
    Ok(())
}
