//! The example gateway (the real binary, on 127.0.0.1) against the real `curl` with
//! client certificates, over TLS 1.2 and TLS 1.3: what curl receives (the HTTP answer
//! or the TLS alert, as OpenSSL names it) and what the gateway logs (chainvet's codes).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chainvet_testkit::TempDir;
use chainvet_testkit::mtls::MtlsPki;
use rustls::AlertDescription;
use rustls::AlertDescription as A;

/// The gateway process, killed when dropped (also when a test fails).
struct Gateway {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Gateway {
    fn start(dir: &Path, extra: &[&str]) -> Gateway {
        let log = dir.join(format!("gateway-{}.log", extra.len()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_rustls-gateway"))
            .current_dir(dir)
            .args([
                "--cert",
                "server.pem",
                "--key",
                "server.key",
                "--trust-store",
                "ca.pem",
            ])
            .args(["--crl", "crl.der", "--registry", "registry.toml"])
            .args(["--sni-suffix", ".gateway.test"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start the gateway");
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        // The gateway prints its address once it listens; a failed start closes stdout.
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("read stdout");
        let mut gateway = Gateway {
            child,
            port: 0,
            log,
        };
        gateway.port = first
            .trim()
            .strip_prefix("listening on 127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("gateway did not start: {first:?}\n{}", gateway.log_text()));
        gateway
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The log's `n`-th line (1-based), waiting up to 10 s for it: the gateway logs
    /// after the handshake, which may be after curl exits.
    fn log_line(&self, n: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(line) = self.log_text().lines().nth(n - 1) {
                return line.to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "no log line {n}:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Curl {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// curl to `https://<client_id>.gateway.test/` with the client certificate `cert`
/// (`None`: none), limited to TLS 1.2 or requiring TLS 1.3.
fn curl(dir: &Path, port: u16, client_id: &str, cert: Option<&str>, tls13: bool) -> Curl {
    let host = format!("{client_id}.gateway.test");
    let mut cmd = Command::new("curl");
    cmd.current_dir(dir)
        .args(["-sS", "-v", "--max-time", "15", "--cacert", "ca.pem"])
        .args(["--resolve", &format!("{host}:{port}:127.0.0.1")]);
    if tls13 {
        cmd.arg("--tlsv1.3");
    } else {
        cmd.args(["--tlsv1.2", "--tls-max", "1.2"]);
    }
    if let Some(name) = cert {
        cmd.args([
            "--cert",
            &format!("{name}.pem"),
            "--key",
            &format!("{name}.key"),
        ]);
    }
    let out = cmd
        .arg(format!("https://{host}:{port}/hello"))
        .output()
        .expect("the curl command line tool must be installed to run this test");
    Curl {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Whether curl's verbose log shows the fatal alert arriving:
/// `* TLSv1.3 (IN), TLS alert, certificate expired (557):`, where 557 is
/// level 2 (fatal) * 256 + 45 (certificate_expired). The number, not OpenSSL's name:
/// OpenSSL names certificate_required only in TLS 1.3 ("unknown (628)" in TLS 1.2),
/// and curl's error line alone is not enough (it reports some alerts as "SSL
/// certificate verification failed").
fn received(answer: &Curl, alert: AlertDescription) -> bool {
    let code = 512 + u16::from(u8::from(alert));
    answer
        .stderr
        .lines()
        .any(|l| l.contains("(IN), TLS alert, ") && l.ends_with(&format!("({code}):")))
}

fn setup() -> (TempDir, MtlsPki) {
    let dir = TempDir::new("rustls-gateway");
    let pki = MtlsPki::new();
    pki.write(dir.path());
    (dir, pki)
}

#[test]
fn curl_sees_the_mapped_alert_and_the_gateway_logs_the_codes() {
    let (dir, pki) = setup();
    let gateway = Gateway::start(dir.path(), &[]);
    let good_sha256 = {
        let cert =
            chainvet::Certificate::from_der(pki.client("good")[0].der.clone()).expect("good");
        cert.sha256_hex()
    };
    // (client certificate, client id, OpenSSL's name of the alert, log fields)
    let cases: [(&str, &str, A, &[&str]); 7] = [
        (
            "self-signed",
            "self-signed",
            A::UnknownCA,
            &["alert=unknown_ca", "main=leaf.self_signed"],
        ),
        (
            "expired",
            "expired",
            A::CertificateExpired,
            &["alert=certificate_expired", "main=validity.expired"],
        ),
        (
            "short-lived",
            "short-lived",
            A::CertificateUnknown,
            &["alert=certificate_unknown", "main=validity.too_short"],
        ),
        (
            "untrusted",
            "untrusted",
            A::UnknownCA,
            &["alert=unknown_ca", "main=root.not_trusted"],
        ),
        (
            "other",
            "acme-payments",
            A::AccessDenied,
            &["alert=access_denied", "main=binding.serial_mismatch"],
        ),
        (
            "revoked",
            "revoked",
            A::CertificateRevoked,
            &["alert=certificate_revoked", "main=revocation.revoked"],
        ),
        // A registered certificate presented as another client.
        (
            "good",
            "revoked",
            A::AccessDenied,
            &["alert=access_denied", "client_id=revoked"],
        ),
    ];
    let mut line = 0;
    for tls13 in [false, true] {
        let answer = curl(
            dir.path(),
            gateway.port,
            "acme-payments",
            Some("good"),
            tls13,
        );
        assert!(answer.ok, "tls13={tls13}: {}", answer.stderr);
        let body: serde_json::Value = serde_json::from_str(&answer.stdout).expect("JSON body");
        assert_eq!(body["accepted"], true);
        assert_eq!(body["client_id"], "acme-payments");
        assert_eq!(body["leaf_sha256"], good_sha256.as_str());
        assert_eq!(body["request"], "GET /hello HTTP/1.1");
        line += 1;
        let logged = gateway.log_line(line);
        assert!(logged.starts_with("accepted "), "{logged}");
        assert!(
            logged.contains(&format!("leaf_sha256={good_sha256}")),
            "{logged}"
        );

        for (cert, client_id, alert, fields) in cases {
            let answer = curl(dir.path(), gateway.port, client_id, Some(cert), tls13);
            let what = format!("{cert} as {client_id}, tls13={tls13}");
            assert!(!answer.ok, "{what}: curl got through: {}", answer.stdout);
            assert!(
                received(&answer, alert),
                "{what}: curl said {}",
                answer.stderr
            );
            line += 1;
            let logged = gateway.log_line(line);
            assert!(logged.starts_with("rejected "), "{what}: {logged}");
            for field in fields {
                assert!(logged.contains(field), "{what}: {field} not in {logged}");
            }
        }
        // The 90-day leaf's codes include the lifetime finding whatever the alert.
        assert!(gateway.log_text().contains("codes=validity.too_short"));

        let answer = curl(dir.path(), gateway.port, "acme-payments", None, tls13);
        assert!(!answer.ok, "tls13={tls13}: no certificate got through");
        assert!(
            received(&answer, A::CertificateRequired),
            "{}",
            answer.stderr
        );
        line += 1;
        let logged = gateway.log_line(line);
        assert!(logged.contains("alert=certificate_required"), "{logged}");
    }
}

#[test]
fn with_optional_client_certificates_a_client_without_one_gets_401() {
    let (dir, _pki) = setup();
    let gateway = Gateway::start(dir.path(), &["--optional-client-cert"]);
    for tls13 in [false, true] {
        let answer = curl(dir.path(), gateway.port, "acme-payments", None, tls13);
        assert!(answer.ok, "{}", answer.stderr);
        let body: serde_json::Value = serde_json::from_str(&answer.stdout).expect("JSON body");
        assert_eq!(body["accepted"], false);
        assert_eq!(body["reason"], "no client certificate");
        // A certificate that is presented is still judged.
        let answer = curl(dir.path(), gateway.port, "expired", Some("expired"), tls13);
        assert!(
            received(&answer, A::CertificateExpired),
            "{}",
            answer.stderr
        );
    }
    let log = gateway.log_text();
    assert_eq!(log.matches("no-certificate ").count(), 2, "{log}");
}

#[test]
fn plaintext_and_silence_are_logged_and_the_gateway_keeps_serving() {
    use std::io::Write;
    let (dir, _pki) = setup();
    let gateway = Gateway::start(dir.path(), &[]);
    let mut plain = std::net::TcpStream::connect(("127.0.0.1", gateway.port)).expect("connect");
    plain
        .write_all(b"GET / HTTP/1.1\r\nHost: \x1b[2J\r\n\r\n")
        .expect("write");
    let logged = gateway.log_line(1);
    assert!(logged.starts_with("failed peer=127.0.0.1:"), "{logged}");
    assert!(!logged.contains('\x1b'));
    // A connection that closes without a ClientHello.
    drop(std::net::TcpStream::connect(("127.0.0.1", gateway.port)).expect("connect"));
    assert!(gateway.log_line(2).starts_with("failed "));
    let answer = curl(
        dir.path(),
        gateway.port,
        "acme-payments",
        Some("good"),
        true,
    );
    assert!(answer.ok, "{}", answer.stderr);
    assert!(gateway.log_line(3).starts_with("accepted "));
}

#[test]
fn a_broken_registry_stops_the_gateway_from_starting() {
    let (dir, _pki) = setup();
    std::fs::write(
        dir.path().join("registry.toml"),
        "[clients.acme]\ncertificates = [\"missing.pem\"]\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_rustls-gateway"))
        .current_dir(dir.path())
        .args([
            "--cert",
            "server.pem",
            "--key",
            "server.key",
            "--trust-store",
            "ca.pem",
        ])
        .args(["--registry", "registry.toml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.pem"));
}
