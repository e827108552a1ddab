//! Revocation test infrastructure: authorityInfoAccess and CRL distribution point
//! extensions, and a small PKI whose OCSP responder and CRL are real OpenSSL
//! (`openssl ocsp` in file mode, `openssl ca -gencrl`), served over HTTP on 127.0.0.1
//! by a server thread in the test process.
//!
//! Why not `openssl ocsp -port`: in OpenSSL 3.0 it listens on all interfaces, and a
//! connect-and-close readiness probe sends it into a 100% CPU spin. Here the HTTP side
//! is ours (bound to 127.0.0.1 only, stopped by `Drop`) and every response is still
//! made by OpenSSL's responder code from an `index.txt`, one `openssl ocsp -reqin
//! -respout` run per request.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use base64ct::{Base64, Encoding};
use const_oid::db::rfc5280::{
    ID_AD_OCSP, ID_CE_CRL_DISTRIBUTION_POINTS, ID_PE_AUTHORITY_INFO_ACCESS,
};
use der::Encode;
use der::asn1::Ia5String;
use rcgen::{CustomExtension, ExtendedKeyUsagePurpose};
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, CrlDistributionPoints, crl::dp::DistributionPoint,
};

use crate::{Issued, KeyKind, Spec, issue, self_signed};

fn oid_arcs(oid: &const_oid::ObjectIdentifier) -> Vec<u64> {
    oid.arcs().map(u64::from).collect()
}

fn uri(url: &str) -> GeneralName {
    GeneralName::UniformResourceIdentifier(Ia5String::new(url).expect("ASCII URL"))
}

/// An authorityInfoAccess extension naming OCSP responders.
pub fn ocsp_aia(urls: &[&str]) -> CustomExtension {
    let aia = AuthorityInfoAccessSyntax(
        urls.iter()
            .map(|u| AccessDescription {
                access_method: ID_AD_OCSP,
                access_location: uri(u),
            })
            .collect(),
    );
    CustomExtension::from_oid_content(
        &oid_arcs(&ID_PE_AUTHORITY_INFO_ACCESS),
        aia.to_der().expect("encode AIA"),
    )
}

/// A cRLDistributionPoints extension with one full-name point per URL.
pub fn crl_distribution_points(urls: &[&str]) -> CustomExtension {
    let dps = CrlDistributionPoints(
        urls.iter()
            .map(|u| DistributionPoint {
                distribution_point: Some(DistributionPointName::FullName(vec![uri(u)])),
                reasons: None,
                crl_issuer: None,
            })
            .collect(),
    );
    CustomExtension::from_oid_content(
        &oid_arcs(&ID_CE_CRL_DISTRIBUTION_POINTS),
        dps.to_der().expect("encode CRLDP"),
    )
}

/// Runs the openssl CLI in `dir`; panics with its stderr if it fails or is missing (a
/// test that needs the real component must not pass without it).
pub fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run the openssl CLI ({e}); install it, e.g. `apt-get install openssl`")
        });
    assert!(
        out.status.success(),
        "openssl {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Who signs the OCSP responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signer {
    /// The issuing CA itself.
    Issuer,
    /// A responder certificate the CA issued with id-kp-OCSPSigning.
    Delegated,
    /// A responder certificate the CA issued without id-kp-OCSPSigning.
    DelegatedNoEku,
    /// A self-signed certificate with OCSPSigning, unrelated to the CA.
    Unrelated,
    /// A self-signed certificate with the CA's exact name but another key.
    Impostor,
}

/// How `openssl ocsp` is asked to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspOptions {
    /// The signer.
    pub signer: Signer,
    /// Set nextUpdate one day after thisUpdate (`-ndays 1`); otherwise none.
    pub next_update: bool,
    /// ResponderID by key hash (`-resp_key_id`) instead of by name.
    pub key_id: bool,
    /// Include the signer's certificate (`-resp_no_certs` when false).
    pub include_certs: bool,
}

impl Default for OcspOptions {
    fn default() -> Self {
        OcspOptions {
            signer: Signer::Issuer,
            next_update: true,
            key_id: false,
            include_certs: true,
        }
    }
}

impl OcspOptions {
    /// Default options with another signer.
    pub fn signed_by(signer: Signer) -> OcspOptions {
        OcspOptions {
            signer,
            ..OcspOptions::default()
        }
    }
}

/// What the OCSP routes of the server do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    /// Answer with `openssl ocsp` under these options.
    Openssl(OcspOptions),
    /// Accept the connection, read the request, never answer.
    Silent,
    /// Send the status line, headers and a few body bytes, then stall.
    StallAfterHeaders,
    /// Answer 200 with these bytes, whatever was asked.
    Fixed(Vec<u8>),
    /// Answer with this HTTP status and no body.
    Status(u16),
    /// Answer 302 with this Location.
    Redirect(String),
}

/// One CA that answers OCSP requests.
#[derive(Debug)]
struct Responder {
    dir: PathBuf,
    /// `name` in file names: `NAME.pem`, `NAME.key`, `NAME-index.txt`.
    name: String,
    signers: HashMap<Signer, String>,
}

impl Responder {
    fn respond(&self, request: &[u8], opts: &OcspOptions, seq: usize) -> Vec<u8> {
        let req = format!("req-{}-{seq}.der", self.name);
        let resp = format!("resp-{}-{seq}.der", self.name);
        std::fs::write(self.dir.join(&req), request).expect("write request");
        let signer = self
            .signers
            .get(&opts.signer)
            .unwrap_or_else(|| panic!("{} has no {:?} signer", self.name, opts.signer));
        let (index, ca, signer_pem, signer_key) = (
            format!("{}-index.txt", self.name),
            format!("{}.pem", self.name),
            format!("{signer}.pem"),
            format!("{signer}.key"),
        );
        let mut args = vec![
            "ocsp",
            "-index",
            &index,
            "-CA",
            &ca,
            "-rsigner",
            &signer_pem,
            "-rkey",
            &signer_key,
            "-reqin",
            &req,
            "-respout",
            &resp,
        ];
        if opts.next_update {
            args.extend(["-ndays", "1"]);
        }
        if opts.key_id {
            args.push("-resp_key_id");
        }
        if !opts.include_certs {
            args.push("-resp_no_certs");
        }
        openssl(&self.dir, &args);
        std::fs::read(self.dir.join(&resp)).expect("read response")
    }
}

#[derive(Debug)]
enum Route {
    Ocsp(Arc<Responder>),
    File(Vec<u8>),
}

#[derive(Debug)]
struct State {
    stop: AtomicBool,
    requests: AtomicUsize,
    /// Per OCSP route; routes not listed answer with `openssl ocsp` defaults.
    behaviour: Mutex<HashMap<String, Behaviour>>,
    routes: Mutex<HashMap<String, Route>>,
}

/// A tiny HTTP/1.1 server on 127.0.0.1 (random free port) serving OCSP and CRLs; it
/// stops when dropped (or `stop`), also when a test fails.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    thread: Option<JoinHandle<()>>,
}

fn read_request(stream: &mut TcpStream) -> Option<(String, String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).into_owned();
    let mut lines = head.lines();
    let mut first = lines.next()?.split_whitespace();
    let (method, path) = (first.next()?.to_owned(), first.next()?.to_owned());
    let length = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[header_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((method, path, body))
}

fn write_response(stream: &mut TcpStream, status: u16, extra: &str, body: &[u8]) {
    let reason = match status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        _ => "Status",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn handle(mut stream: TcpStream, state: Arc<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Some((method, path, body)) = read_request(&mut stream) else {
        return;
    };
    let seq = state.requests.fetch_add(1, Ordering::SeqCst);
    let trimmed = path.trim_start_matches('/');
    let (route, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    let routes = state.routes.lock().unwrap_or_else(|e| e.into_inner());
    match routes.get(route) {
        None => write_response(&mut stream, 404, "", b""),
        Some(Route::File(bytes)) => {
            let bytes = bytes.clone();
            drop(routes);
            write_response(
                &mut stream,
                200,
                "Content-Type: application/pkix-crl\r\n",
                &bytes,
            );
        }
        Some(Route::Ocsp(responder)) => {
            let responder = Arc::clone(responder);
            drop(routes);
            let behaviour = state
                .behaviour
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(route)
                .cloned()
                .unwrap_or(Behaviour::Openssl(OcspOptions::default()));
            match behaviour {
                Behaviour::Silent => {
                    while !state.stop.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
                Behaviour::StallAfterHeaders => {
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 1000\r\n\r\n\x30\x82",
                    );
                    let _ = stream.flush();
                    while !state.stop.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
                Behaviour::Fixed(bytes) => write_response(
                    &mut stream,
                    200,
                    "Content-Type: application/ocsp-response\r\n",
                    &bytes,
                ),
                Behaviour::Status(code) => write_response(&mut stream, code, "", b""),
                Behaviour::Redirect(location) => {
                    write_response(&mut stream, 302, &format!("Location: {location}\r\n"), b"")
                }
                Behaviour::Openssl(opts) => {
                    // POST carries the DER; RFC 5019 GET carries it base64 in the path.
                    let request = if method == "GET" {
                        Base64::decode_vec(&String::from_utf8_lossy(&percent_decode(rest)))
                            .unwrap_or_default()
                    } else {
                        body
                    };
                    let response = responder.respond(&request, &opts, seq);
                    write_response(
                        &mut stream,
                        200,
                        "Content-Type: application/ocsp-response\r\n",
                        &response,
                    );
                }
            }
        }
    }
}

impl Server {
    /// Binds 127.0.0.1 on a free port and starts serving (no routes yet).
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(State {
            stop: AtomicBool::new(false),
            requests: AtomicUsize::new(0),
            behaviour: Mutex::new(HashMap::new()),
            routes: Mutex::new(HashMap::new()),
        });
        let shared = Arc::clone(&state);
        let thread = std::thread::spawn(move || {
            while !shared.stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let _ = stream.set_nonblocking(false);
                        let s = Arc::clone(&shared);
                        std::thread::spawn(move || handle(stream, s));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            // The listener is dropped here: the port refuses connections from now on.
        });
        Server {
            addr,
            state,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    fn route(&self, name: &str, route: Route) {
        self.state
            .routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_owned(), route);
    }

    /// Serves `bytes` at `/NAME`.
    pub fn serve_file(&self, name: &str, bytes: Vec<u8>) {
        self.route(name, Route::File(bytes));
    }

    /// Sets what the `/ocsp` route (the issuing CA's responder) does from now on.
    pub fn set_behaviour(&self, behaviour: Behaviour) {
        self.set_route_behaviour("ocsp", behaviour);
    }

    /// Sets what the OCSP route `/NAME` does from now on.
    pub fn set_route_behaviour(&self, name: &str, behaviour: Behaviour) {
        self.state
            .behaviour
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_owned(), behaviour);
    }

    /// HTTP requests received so far (any route).
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// Stops serving and closes the port; later connections are refused.
    pub fn stop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A two-level PKI (root, issuing CA) with leaves whose authorityInfoAccess and CRL
/// distribution point name the local server:
///
/// | certificate | serial | in the CA's index.txt |
/// |---|---|---|
/// | `good` | 1001 | valid |
/// | `revoked` | 1002 | revoked 2026-01-15, keyCompromise |
/// | `unknown` | 1003 | absent (OCSP says unknown) |
/// | `ocsp_only` | 1004 | valid; names an OCSP responder but no CRL |
/// | `ca` (by the root's responder) | 2001 | valid |
///
/// Routes: `/ocsp` (the CA's responder), `/ocsp-alt` (the same responder, e.g. as a
/// redirect target), `/root-ocsp` (the root's), `/crl` (the CA's CRL, DER, made by
/// `openssl ca -gencrl`).
#[derive(Debug)]
pub struct Pki {
    dir: tempfile::TempDir,
    /// The HTTP server; drop or `stop` it to take the responder down.
    pub server: Server,
    /// Self-signed root.
    pub root: Issued,
    /// The issuing CA (issued by the root), which also runs the OCSP responder.
    pub ca: Issued,
    /// Serial 1001, good.
    pub good: Issued,
    /// Serial 1002, revoked (keyCompromise).
    pub revoked: Issued,
    /// Serial 1003, not in the index.
    pub unknown: Issued,
    /// Serial 1004, good, with an OCSP URL and no CRL distribution point.
    pub ocsp_only: Issued,
    /// The CA's CRL, DER.
    pub crl_der: Vec<u8>,
    ca_responder: Arc<Responder>,
}

/// Revocation time of `revoked`, as openssl's index writes it.
pub const REVOKED_AT: &str = "260115000000Z";

impl Pki {
    /// Starts the server and builds everything, with P-256 keys.
    pub fn new() -> Pki {
        let server = Server::start();
        let base = server.base_url();
        let dir = tempfile::Builder::new()
            .prefix("chainvet-pki-")
            .tempdir()
            .expect("temp dir");
        let path = dir.path().to_path_buf();
        let ocsp_url = format!("{base}/ocsp");
        let root_ocsp_url = format!("{base}/root-ocsp");
        let crl_url = format!("{base}/crl");

        let mut root_spec = Spec::ca("Revocation Test Root").key(KeyKind::P256, 20);
        root_spec.serial = Some(vec![0x01]);
        let root = self_signed(root_spec);
        let mut ca_spec = Spec::ca("Revocation Test Issuing CA").key(KeyKind::P256, 21);
        ca_spec.serial = Some(vec![0x20, 0x01]);
        ca_spec.extensions.push(ocsp_aia(&[&root_ocsp_url]));
        let ca = issue(ca_spec, &root);
        let leaf = |cn: &str, serial: u8| {
            let mut spec = Spec::leaf(cn).key(KeyKind::P256, 22);
            spec.serial = Some(vec![0x10, serial]);
            spec.extensions.push(ocsp_aia(&[&ocsp_url]));
            spec.extensions.push(crl_distribution_points(&[&crl_url]));
            issue(spec, &ca)
        };
        let mut only = Spec::leaf("OCSP Only Client").key(KeyKind::P256, 22);
        only.serial = Some(vec![0x10, 0x04]);
        only.extensions.push(ocsp_aia(&[&ocsp_url]));
        let ocsp_only = issue(only, &ca);
        let good = leaf("Good Client", 0x01);
        let revoked = leaf("Revoked Client", 0x02);
        let unknown = leaf("Unknown Client", 0x03);

        let responder_spec = |cn: &str, slot: u8, eku: bool| {
            let mut spec = Spec::leaf(cn).key(KeyKind::P256, slot);
            spec.eku = if eku {
                vec![ExtendedKeyUsagePurpose::OcspSigning]
            } else {
                vec![ExtendedKeyUsagePurpose::ClientAuth]
            };
            spec
        };
        let delegated = issue(responder_spec("Delegated OCSP Responder", 23, true), &ca);
        let delegated_no_eku = issue(responder_spec("OCSP Responder Without EKU", 24, false), &ca);
        let unrelated = self_signed(responder_spec("Unrelated OCSP Responder", 25, true));
        let mut impostor_spec = Spec::ca("Revocation Test Issuing CA").key(KeyKind::P256, 26);
        impostor_spec.serial = Some(vec![0x66]);
        let impostor = self_signed(impostor_spec);

        let write = |name: &str, cert: &Issued| {
            std::fs::write(path.join(format!("{name}.pem")), cert.pem()).expect("write pem");
            std::fs::write(path.join(format!("{name}.key")), cert.key_pem()).expect("write key");
        };
        write("root", &root);
        write("ca", &ca);
        write("delegated", &delegated);
        write("delegated-no-eku", &delegated_no_eku);
        write("unrelated", &unrelated);
        write("impostor", &impostor);
        for (name, cert) in [
            ("good", &good),
            ("revoked", &revoked),
            ("unknown", &unknown),
        ] {
            std::fs::write(path.join(format!("{name}.pem")), cert.pem()).expect("write pem");
        }
        std::fs::write(
            path.join("ca-index.txt"),
            format!(
                "V\t350101000000Z\t\t1001\tunknown\t/CN=Good Client\n\
                 R\t350101000000Z\t{REVOKED_AT},keyCompromise\t1002\tunknown\t/CN=Revoked Client\n\
                 V\t350101000000Z\t\t1004\tunknown\t/CN=OCSP Only Client\n"
            ),
        )
        .expect("write index");
        std::fs::write(
            path.join("root-index.txt"),
            "V\t440101000000Z\t\t2001\tunknown\t/CN=Revocation Test Issuing CA\n",
        )
        .expect("write index");
        std::fs::write(
            path.join("ca.cnf"),
            "[ ca ]\ndefault_ca = test_ca\n[ test_ca ]\ndatabase = ca-index.txt\n\
             default_md = sha256\ndefault_crl_days = 1\ncrl_extensions = crl_ext\n\
             [ crl_ext ]\nauthorityKeyIdentifier = keyid:always\n",
        )
        .expect("write ca.cnf");
        openssl(
            &path,
            &[
                "ca", "-gencrl", "-batch", "-config", "ca.cnf", "-keyfile", "ca.key", "-cert",
                "ca.pem", "-out", "crl.pem",
            ],
        );
        openssl(
            &path,
            &[
                "crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der",
            ],
        );
        let crl_der = std::fs::read(path.join("crl.der")).expect("read crl");

        let signers: HashMap<Signer, String> = [
            (Signer::Issuer, "ca"),
            (Signer::Delegated, "delegated"),
            (Signer::DelegatedNoEku, "delegated-no-eku"),
            (Signer::Unrelated, "unrelated"),
            (Signer::Impostor, "impostor"),
        ]
        .into_iter()
        .map(|(s, n)| (s, n.to_owned()))
        .collect();
        let ca_responder = Arc::new(Responder {
            dir: path.clone(),
            name: "ca".to_owned(),
            signers,
        });
        let root_responder = Arc::new(Responder {
            dir: path.clone(),
            name: "root".to_owned(),
            signers: [(Signer::Issuer, "root".to_owned())].into_iter().collect(),
        });
        server.route("ocsp", Route::Ocsp(Arc::clone(&ca_responder)));
        server.route("ocsp-alt", Route::Ocsp(Arc::clone(&ca_responder)));
        server.route("root-ocsp", Route::Ocsp(root_responder));
        server.serve_file("crl", crl_der.clone());
        Pki {
            dir,
            server,
            root,
            ca,
            good,
            revoked,
            unknown,
            ocsp_only,
            crl_der,
            ca_responder,
        }
    }

    /// The working directory (PEM files, index, CRL).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The bundle `leaf`, CA, root as PEM.
    pub fn bundle(&self, leaf: &Issued) -> String {
        format!("{}{}{}", leaf.pem(), self.ca.pem(), self.root.pem())
    }

    /// The chain `leaf`, CA, root as DER, e.g. for `validate_der_with`.
    pub fn ders(&self, leaf: &Issued) -> Vec<Vec<u8>> {
        vec![leaf.der.clone(), self.ca.der.clone(), self.root.der.clone()]
    }

    /// `http://127.0.0.1:PORT/ocsp`.
    pub fn ocsp_url(&self) -> String {
        format!("{}/ocsp", self.server.base_url())
    }

    /// `http://127.0.0.1:PORT/crl`.
    pub fn crl_url(&self) -> String {
        format!("{}/crl", self.server.base_url())
    }

    /// The CA's CRL as the PEM file `openssl ca -gencrl` wrote.
    pub fn crl_pem_path(&self) -> PathBuf {
        self.dir.path().join("crl.pem")
    }

    /// An OCSP request for `leaf` made by the openssl CLI (`openssl ocsp -reqout`), with
    /// or without a nonce, CertID by SHA-1 or SHA-256.
    pub fn openssl_request(&self, leaf: &Issued, nonce: bool, sha256: bool) -> Vec<u8> {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let n = SEQ.fetch_add(1, Ordering::SeqCst);
        let (cert, req) = (format!("leaf-{n}.pem"), format!("own-req-{n}.der"));
        std::fs::write(self.dir.path().join(&cert), leaf.pem()).expect("write leaf");
        let mut args = vec!["ocsp", "-issuer", "ca.pem"];
        if sha256 {
            args.push("-sha256");
        }
        args.extend(["-cert", &cert, "-reqout", &req]);
        args.push(if nonce { "-nonce" } else { "-no_nonce" });
        openssl(self.dir.path(), &args);
        std::fs::read(self.dir.path().join(&req)).expect("read request")
    }

    /// The CA responder's answer (real `openssl ocsp`) to `request`.
    pub fn respond(&self, request: &[u8], opts: &OcspOptions) -> Vec<u8> {
        static SEQ: AtomicUsize = AtomicUsize::new(1_000_000);
        self.ca_responder
            .respond(request, opts, SEQ.fetch_add(1, Ordering::SeqCst))
    }

    /// An OCSP response for `leaf` built entirely by the openssl CLI (request and
    /// response), without a nonce.
    pub fn ocsp_response(&self, leaf: &Issued, opts: &OcspOptions) -> Vec<u8> {
        let request = self.openssl_request(leaf, false, false);
        self.respond(&request, opts)
    }

    /// Writes `bytes` to `name` in the working directory and returns the path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    }
}

impl Default for Pki {
    fn default() -> Self {
        Pki::new()
    }
}
