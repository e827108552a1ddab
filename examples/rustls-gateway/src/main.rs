//! `rustls-gateway`: an example HTTPS gateway terminating mutual TLS with rustls and
//! deciding on client certificates with chainvet (`chainvet-rustls`).
//!
//! ```text
//! rustls-gateway --cert server.pem --key server.key --trust-store client-roots.pem \
//!     [--policy policy.toml] [--crl ca.crl]... [--registry registry.toml \
//!     [--client-id-from sni|cn] [--sni-suffix .gateway.example]] [--optional-client-cert]
//! ```
//!
//! Prints `listening on ADDR` on stdout, then one log line per connection on stderr:
//! `accepted ...`, `rejected ... alert=... main=... codes=...`, `no-certificate ...` or
//! `failed ...`. Each connection is one HTTP/1.1 request: 200 with a small JSON body for
//! an accepted certificate, 401 for a client without one (with
//! `--optional-client-cert`). Plain threads over `std::net`, a bounded number at once,
//! every read and write under a timeout.

#![forbid(unsafe_code)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chainvet::{Policy, Registry, TrustStore, Validator};
use chainvet_rustls::{ChainvetClientVerifier, Outcome, alert_name};
use clap::Parser;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{Acceptor, ResolvesServerCert, ServerConfig, ServerConnection};
use rustls::sign::{CertifiedKey, SingleCertAndKey};

/// Every read and write of a connection, the handshake included.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest HTTP request head read.
const MAX_REQUEST_HEAD: u64 = 8 * 1024;

/// Where the client id for the binding check comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ClientIdFrom {
    /// The SNI server name the client connected to (see --sni-suffix).
    Sni,
    /// The subject CN of the presented certificate.
    Cn,
}

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(
    name = "rustls-gateway",
    about = "Example mTLS gateway: rustls + chainvet"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The server's certificate chain (PEM).
    #[arg(long)]
    cert: PathBuf,
    /// The server's private key (PEM).
    #[arg(long)]
    key: PathBuf,
    /// The roots client certificates must chain to (PEM).
    #[arg(long)]
    trust_store: PathBuf,
    /// chainvet policy (TOML); the default policy otherwise.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// A CRL (DER or PEM) to check client certificates against (repeatable).
    #[arg(long = "crl")]
    crls: Vec<PathBuf>,
    /// Registry of client certificates: turns on the binding check.
    #[arg(long)]
    registry: Option<PathBuf>,
    /// Where the client id of the binding check comes from.
    #[arg(long, value_enum, default_value = "sni")]
    client_id_from: ClientIdFrom,
    /// With --client-id-from sni: the client id is the server name without this suffix
    /// (e.g. `.gateway.example`: `acme.gateway.example` is client `acme`); without it,
    /// the first label of the server name.
    #[arg(long)]
    sni_suffix: Option<String>,
    /// Let clients without a certificate complete the handshake (answered with 401).
    #[arg(long)]
    optional_client_cert: bool,
    /// Most connections served at once; more are closed unanswered.
    #[arg(long, default_value_t = 64)]
    max_connections: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rustls-gateway: {e}");
            ExitCode::from(2)
        }
    }
}

/// What every connection shares.
struct Gateway {
    verifier: Arc<ChainvetClientVerifier>,
    certified: Arc<dyn ResolvesServerCert>,
    provider: Arc<CryptoProvider>,
    client_id_from: ClientIdFrom,
    sni_suffix: Option<String>,
}

fn run(args: Args) -> Result<(), String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let policy = match &args.policy {
        Some(path) => Policy::from_file(path).map_err(|e| e.to_string())?,
        None => Policy::default(),
    };
    let trust = TrustStore::from_file(&args.trust_store).map_err(|e| e.to_string())?;
    let validator = Arc::new(Validator::with_trust_store(policy, trust));
    let mut crls = Vec::with_capacity(args.crls.len());
    for path in &args.crls {
        crls.push(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let mut builder = ChainvetClientVerifier::builder(validator)
        .crls(crls)
        .client_auth_mandatory(!args.optional_client_cert)
        .crypto_provider(Arc::clone(&provider));
    if let Some(path) = &args.registry {
        let registry = Registry::from_file(path).map_err(|e| e.to_string())?;
        builder = builder.bindings(registry);
        if args.client_id_from == ClientIdFrom::Cn {
            builder = builder.client_id_from_certificate(|cert| cert.common_name());
        }
    }
    let verifier = builder.build().map_err(|e| e.to_string())?;

    let chain = CertificateDer::pem_file_iter(&args.cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", args.cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(&args.key)
        .map_err(|e| format!("{}: {e}", args.key.display()))?;
    let certified = CertifiedKey::from_der(chain, key, &provider)
        .map_err(|e| format!("the server certificate and key: {e}"))?;
    let gateway = Arc::new(Gateway {
        verifier,
        certified: Arc::new(SingleCertAndKey::from(certified)),
        provider,
        client_id_from: args.client_id_from,
        sni_suffix: args.sni_suffix,
    });

    let listener = TcpListener::bind(args.listen).map_err(|e| format!("{}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on {addr}");
    io::stdout().flush().map_err(|e| e.to_string())?;

    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if active.fetch_add(1, Ordering::AcqRel) >= args.max_connections {
            active.fetch_sub(1, Ordering::AcqRel);
            continue; // dropped: closed unanswered
        }
        let gateway = Arc::clone(&gateway);
        let active = Arc::clone(&active);
        std::thread::spawn(move || {
            let peer = stream
                .peer_addr()
                .map_or_else(|_| "?".to_owned(), |a| a.to_string());
            if let Err(e) = serve(&gateway, stream, &peer) {
                eprintln!("failed peer={peer} error={}", one_line(&e.to_string()));
            }
            active.fetch_sub(1, Ordering::AcqRel);
        });
    }
    Ok(())
}

impl Gateway {
    /// The client id the connection names, from its SNI (`None`: no SNI, or a name
    /// outside --sni-suffix, which the binding check then rejects).
    fn client_id(&self, sni: Option<&str>) -> Option<String> {
        if self.client_id_from != ClientIdFrom::Sni {
            return None;
        }
        client_id_from_sni(sni?, self.sni_suffix.as_deref())
    }

    /// A server config for one connection, around its own verifier. Resumption is off:
    /// a resumed session skips the verifier, and this gateway checks every connection
    /// (against the current CRLs, at the current time).
    fn config(
        &self,
        verifier: Arc<ChainvetClientVerifier>,
    ) -> Result<Arc<ServerConfig>, rustls::Error> {
        let mut config = ServerConfig::builder_with_provider(Arc::clone(&self.provider))
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(verifier)
            .with_cert_resolver(Arc::clone(&self.certified));
        config.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
        config.send_tls13_tickets = 0;
        Ok(Arc::new(config))
    }
}

/// One connection: ClientHello (for the SNI), handshake through a per-connection
/// verifier, one request, one answer.
fn serve(gateway: &Gateway, mut tcp: TcpStream, peer: &str) -> io::Result<()> {
    tcp.set_read_timeout(Some(IO_TIMEOUT))?;
    tcp.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut acceptor = Acceptor::default();
    let accepted = loop {
        if acceptor.read_tls(&mut tcp)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed before the ClientHello",
            ));
        }
        match acceptor.accept() {
            Ok(Some(accepted)) => break accepted,
            Ok(None) => continue,
            Err((e, mut alert)) => {
                let _ = alert.write_all(&mut tcp);
                return Err(io::Error::other(e));
            }
        }
    };
    let sni = accepted.client_hello().server_name().map(str::to_owned);
    let client_id = gateway.client_id(sni.as_deref());
    let verifier = gateway.verifier.for_connection(client_id.as_deref());
    let config = gateway
        .config(Arc::clone(&verifier))
        .map_err(io::Error::other)?;
    let mut conn = accepted.into_connection(config).map_err(|(e, mut alert)| {
        let _ = alert.write_all(&mut tcp);
        io::Error::other(e)
    })?;
    let who = format!(
        "peer={peer} sni={} client_id={}",
        sni.as_deref().unwrap_or("-"),
        client_id.as_deref().unwrap_or("-")
    );
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut tcp) {
            match verifier.rejection() {
                Some(r) => eprintln!(
                    "rejected {who} alert={} main={} codes={}",
                    alert_name(r.alert()),
                    r.main_finding().map_or("-", |f| f.code.as_str()),
                    codes(r.codes().iter().map(|c| c.as_str()))
                ),
                None if is_no_certificate(&e) => {
                    eprintln!("rejected {who} alert=certificate_required no client certificate")
                }
                None => eprintln!("failed {who} error={}", one_line(&e.to_string())),
            }
            return Ok(());
        }
    }

    let request = read_request_head(&mut conn, &mut tcp)?;
    let (status, body) = match verifier.outcome() {
        Some(Outcome::Accepted(report)) => {
            let leaf = report.certificates.iter().find(|c| c.index == 0);
            let warnings: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
            eprintln!(
                "accepted {who} leaf_serial={} leaf_sha256={} warnings={}",
                leaf.map_or("-", |l| l.serial.as_str()),
                leaf.map_or("-", |l| l.sha256.as_str()),
                codes(warnings.iter().copied())
            );
            let body = serde_json::json!({
                "accepted": true,
                "client_id": client_id,
                "leaf_serial": leaf.map(|l| l.serial.clone()),
                "leaf_sha256": leaf.map(|l| l.sha256.clone()),
                "warnings": warnings,
                "request": request,
            });
            ("200 OK", body)
        }
        _ => {
            eprintln!("no-certificate {who}");
            let body = serde_json::json!({
                "accepted": false,
                "reason": "no client certificate",
            });
            ("401 Unauthorized", body)
        }
    };
    let body = format!("{body}\n");
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = rustls::Stream::new(&mut conn, &mut tcp);
    stream.write_all(response.as_bytes())?;
    stream.conn.send_close_notify();
    stream.flush()
}

/// The request line of the request (its head read up to MAX_REQUEST_HEAD bytes).
fn read_request_head(conn: &mut ServerConnection, tcp: &mut TcpStream) -> io::Result<String> {
    let stream = rustls::Stream::new(conn, tcp);
    let mut reader = BufReader::new(stream.take(MAX_REQUEST_HEAD));
    let mut first = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        if first.is_empty() {
            first = line.trim_end().to_owned();
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
    }
    Ok(one_line(&first))
}

/// The server name without `suffix` (one label), or its first label without a suffix.
fn client_id_from_sni(sni: &str, suffix: Option<&str>) -> Option<String> {
    let id = match suffix {
        Some(suffix) => sni.strip_suffix(suffix)?,
        None => sni.split('.').next()?,
    };
    (!id.is_empty() && !id.contains('.')).then(|| id.to_owned())
}

fn is_no_certificate(e: &io::Error) -> bool {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|e| matches!(e, rustls::Error::NoCertificatesPresented))
}

fn codes<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    let joined = codes.collect::<Vec<_>>().join(",");
    if joined.is_empty() {
        "-".to_owned()
    } else {
        joined
    }
}

/// Text for a log line: control characters (a peer's request line, an error naming
/// attacker-chosen data) cannot start a forged line.
fn one_line(text: &str) -> String {
    text.chars()
        .take(200)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_text_is_one_bounded_line() {
        assert_eq!(
            one_line("GET /\x1b[2J\nforged line"),
            "GET /?[2J?forged line"
        );
        assert_eq!(one_line(&"x".repeat(1000)).len(), 200);
    }

    #[test]
    fn client_ids_come_from_the_sni_under_the_suffix_only() {
        let suffix = Some(".gateway.test");
        assert_eq!(
            client_id_from_sni("acme.gateway.test", suffix).as_deref(),
            Some("acme")
        );
        assert_eq!(client_id_from_sni("a.b.gateway.test", suffix), None);
        assert_eq!(client_id_from_sni("gateway.test", suffix), None);
        assert_eq!(client_id_from_sni(".gateway.test", suffix), None);
        assert_eq!(client_id_from_sni("acme.elsewhere.test", suffix), None);
        assert_eq!(
            client_id_from_sni("acme.elsewhere.test", None).as_deref(),
            Some("acme")
        );
    }
}
