//! Real TLS handshakes on 127.0.0.1: a rustls server thread (ClientHello read with
//! `Acceptor`, so the SNI can pick the client id) and a rustls client in the test.

#![allow(dead_code, unreachable_pub)]

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use chainvet::{Policy, TrustStore, Validator};
use chainvet_rustls::{ChainvetClientVerifier, Outcome};
use chainvet_testkit::mtls::MtlsPki;
use chainvet_testkit::{Issued, key};
use rustls::client::ResolvesClientCert;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::server::Acceptor;
use rustls::server::danger::ClientCertVerifier;
use rustls::sign::CertifiedKey;
use rustls::{
    AlertDescription, ClientConfig, ClientConnection, RootCertStore, ServerConfig, SignatureScheme,
    StreamOwned, SupportedProtocolVersion,
};

/// Bounds every wait of a test connection.
const TIMEOUT: Duration = Duration::from_secs(20);

pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

pub fn validator(pki: &MtlsPki) -> Arc<Validator> {
    let trust = TrustStore::from_pem(pki.root.pem().as_bytes()).expect("trust store");
    Arc::new(Validator::with_trust_store(Policy::default(), trust))
}

pub fn private_key(cert: &Issued) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        key(cert.spec.key, cert.spec.slot).serialize_der(),
    ))
}

pub fn ders(chain: &[Issued]) -> Vec<CertificateDer<'static>> {
    chain
        .iter()
        .map(|c| CertificateDer::from(c.der.clone()))
        .collect()
}

/// A server config for `version` around `verifier`, serving the PKI's server
/// certificate.
pub fn server_config(
    pki: &MtlsPki,
    verifier: Arc<dyn ClientCertVerifier>,
    version: &'static SupportedProtocolVersion,
) -> Arc<ServerConfig> {
    let config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[version])
        .expect("versions")
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            ders(std::slice::from_ref(&pki.server)),
            private_key(&pki.server),
        )
        .expect("server certificate");
    Arc::new(config)
}

/// What the client presents.
pub enum ClientAuth {
    /// No certificate.
    None,
    /// A chain with its leaf's own key.
    Chain(Vec<Issued>),
    /// Exactly these certificates (DER, maybe garbage) with the key of `key_of`,
    /// unchecked: what an attacker's client can send.
    Raw(Vec<Vec<u8>>, Box<Issued>),
}

/// Records the certificate_authorities the server's CertificateRequest listed, then
/// answers with a fixed key.
#[derive(Debug)]
struct RecordingResolver {
    key: Arc<CertifiedKey>,
    hints: std::sync::Mutex<Vec<Vec<u8>>>,
}

impl ResolvesClientCert for RecordingResolver {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        *self.hints.lock().expect("lock") = root_hint_subjects.iter().map(|h| h.to_vec()).collect();
        Some(Arc::clone(&self.key))
    }

    fn has_certs(&self) -> bool {
        true
    }
}

pub fn client_config(
    pki: &MtlsPki,
    auth: ClientAuth,
    version: &'static SupportedProtocolVersion,
) -> (
    Arc<ClientConfig>,
    Option<Arc<dyn std::any::Any + Send + Sync>>,
) {
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(pki.root.der.clone()))
        .expect("root");
    let builder = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[version])
        .expect("versions")
        .with_root_certificates(roots);
    let (certs, key_of) = match auth {
        ClientAuth::None => return (Arc::new(builder.with_no_client_auth()), None),
        ClientAuth::Chain(chain) => (ders(&chain), chain[0].clone()),
        ClientAuth::Raw(raw, key_of) => {
            (raw.into_iter().map(CertificateDer::from).collect(), *key_of)
        }
    };
    let signing = provider()
        .key_provider
        .load_private_key(private_key(&key_of))
        .expect("signing key");
    let resolver = Arc::new(RecordingResolver {
        key: Arc::new(CertifiedKey::new(certs, signing)),
        hints: std::sync::Mutex::new(Vec::new()),
    });
    let config = builder.with_client_cert_resolver(resolver.clone());
    (Arc::new(config), Some(resolver))
}

/// The certificate_authorities a client config's resolver saw.
pub fn hints_seen(resolver: &Arc<dyn std::any::Any + Send + Sync>) -> Vec<Vec<u8>> {
    let r = Arc::clone(resolver)
        .downcast::<RecordingResolver>()
        .expect("recording resolver");
    r.hints.lock().expect("lock").clone()
}

/// Makes the server config of one connection from its SNI; returns the per-connection
/// verifier too when there is one, to read its outcome.
pub type MakeConfig =
    dyn Fn(Option<&str>) -> (Arc<ServerConfig>, Option<Arc<ChainvetClientVerifier>>) + Send + Sync;

/// Both sides of one connection.
pub struct Run {
    /// What the client read (the server answers `pong`), or its error.
    pub client: io::Result<Vec<u8>>,
    /// The server's handshake result: the peer's certificates count, or its error.
    pub server: io::Result<Option<usize>>,
    /// The SNI the server saw.
    pub sni: Option<String>,
    /// The per-connection verifier's outcome.
    pub outcome: Option<Outcome>,
}

impl Run {
    /// The alert the client received, if its connection failed with one.
    pub fn client_alert(&self) -> Option<AlertDescription> {
        match rustls_error(self.client.as_ref().err()?)? {
            rustls::Error::AlertReceived(a) => Some(*a),
            _ => None,
        }
    }

    /// The server's rustls error.
    pub fn server_error(&self) -> Option<&rustls::Error> {
        rustls_error(self.server.as_ref().err()?)
    }
}

pub fn rustls_error(e: &io::Error) -> Option<&rustls::Error> {
    e.get_ref()?.downcast_ref::<rustls::Error>()
}

/// One connection: the server thread accepts on 127.0.0.1, reads the ClientHello,
/// builds its config with `make`, finishes the handshake, reads `ping` and answers
/// `pong`; the client connects to `server_name`.
pub fn connect(make: Arc<MakeConfig>, client: Arc<ClientConfig>, server_name: &str) -> Run {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = thread::spawn(move || {
        let (mut tcp, _) = listener.accept()?;
        tcp.set_read_timeout(Some(TIMEOUT))?;
        tcp.set_write_timeout(Some(TIMEOUT))?;
        let mut acceptor = Acceptor::default();
        let accepted = loop {
            if acceptor.read_tls(&mut tcp)? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "no ClientHello",
                ));
            }
            if let Some(accepted) = acceptor.accept().map_err(|(e, _)| io::Error::other(e))? {
                break accepted;
            }
        };
        let sni = accepted.client_hello().server_name().map(str::to_owned);
        let (config, verifier) = make(sni.as_deref());
        let conn = accepted
            .into_connection(config)
            .map_err(|(e, _)| io::Error::other(e))?;
        let result = serve(conn, tcp);
        Ok::<_, io::Error>((result, sni, verifier.and_then(|v| v.outcome())))
    });

    let client = (|| {
        let name = ServerName::try_from(server_name.to_owned()).map_err(io::Error::other)?;
        let conn = ClientConnection::new(client, name).map_err(io::Error::other)?;
        let tcp = TcpStream::connect(addr)?;
        tcp.set_read_timeout(Some(TIMEOUT))?;
        tcp.set_write_timeout(Some(TIMEOUT))?;
        let mut stream = StreamOwned::new(conn, tcp);
        stream.write_all(b"ping")?;
        stream.flush()?;
        let mut out = Vec::new();
        stream.read_to_end(&mut out)?;
        Ok(out)
    })();
    let (server, sni, outcome) = match server.join().expect("server thread") {
        Ok(parts) => parts,
        Err(e) => (Err(e), None, None),
    };
    Run {
        client,
        server,
        sni,
        outcome,
    }
}

fn serve(mut conn: rustls::ServerConnection, mut tcp: TcpStream) -> io::Result<Option<usize>> {
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp)?;
    }
    let peers = conn.peer_certificates().map(<[CertificateDer<'_>]>::len);
    let mut stream = rustls::Stream::new(&mut conn, &mut tcp);
    let mut buf = [0u8; 4];
    stream.read_exact(&mut buf)?;
    stream.write_all(b"pong")?;
    stream.conn.send_close_notify();
    stream.flush()?;
    Ok(peers)
}
