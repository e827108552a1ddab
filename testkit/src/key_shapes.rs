//! Private keys in every shape they are pasted or uploaded in, made by the real
//! `openssl` tool, and the secret strings (base64 and hex of every DER encoding of each
//! key) that no output of chainvet may contain a 16-character run of.
//!
//! Shapes: for RSA-2048, P-256 and Ed25519 keys, PKCS#8, PKCS#1 (RSA), SEC1 (EC) and
//! encrypted PKCS#8, each as PEM and as DER; PKCS#12; and every PEM form also on one
//! line with literal `\n` in JSON, with CR-only line endings, with lower-case labels,
//! indented, as UTF-16, and as a body pasted without its BEGIN line (with and without
//! its END line).

use base64ct::{Base64, Encoding};

use crate::openssl;

/// One way a private key can arrive.
#[derive(Debug, Clone)]
pub struct Shape {
    /// `rsa/pkcs8.pem`, `ec/one-line-json/sec1`, ...: key kind, then the form.
    pub name: String,
    /// The input bytes.
    pub bytes: Vec<u8>,
    /// Whether it is text (so it can be appended to a PEM bundle).
    pub text: bool,
    /// Strings of which no 16-character run may appear in any output.
    pub secrets: Vec<String>,
}

/// The length of the runs checked.
pub const RUN: usize = 16;

/// The first 16-character run of `secrets` found in `output`, if any.
pub fn leaked(output: &str, secrets: &[String]) -> Option<String> {
    let runs: std::collections::HashSet<&[u8]> = secrets
        .iter()
        .flat_map(|s| s.as_bytes().windows(RUN))
        .collect();
    output
        .as_bytes()
        .windows(RUN)
        .find(|w| runs.contains(w))
        .map(|w| String::from_utf8_lossy(w).into_owned())
}

fn b64(der: &[u8]) -> String {
    Base64::encode_string(der)
}

fn hex_both(der: &[u8]) -> [String; 2] {
    let lower: String = der.iter().map(|b| format!("{b:02x}")).collect();
    [lower.to_uppercase(), lower]
}

/// The text forms of one PEM document.
fn text_forms(pem: &str) -> Vec<(&'static str, Vec<u8>)> {
    let lines: Vec<&str> = pem.lines().collect();
    let body_and_end = lines[1..].join("\n") + "\n";
    let body_only = lines[1..lines.len() - 1].join("\n") + "\n";
    let escaped = pem.replace('\n', "\\n");
    let lower = lines
        .iter()
        .map(|l| {
            if l.starts_with("-----") {
                l.to_lowercase()
            } else {
                (*l).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let indented = lines
        .iter()
        .map(|l| format!("    {l}\n"))
        .collect::<String>();
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(pem.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    vec![
        ("pem", pem.as_bytes().to_vec()),
        (
            "one-line-json",
            format!("{{\"type\": \"service_account\", \"private_key\": \"{escaped}\"}}\n")
                .into_bytes(),
        ),
        ("env", format!("TLS_KEY=\"{escaped}\"\n").into_bytes()),
        ("cr-only", pem.replace('\n', "\r").into_bytes()),
        ("lower-case-label", lower.into_bytes()),
        ("indented", indented.into_bytes()),
        ("utf16", utf16),
        ("no-begin-line", body_and_end.into_bytes()),
        ("body-only", body_only.into_bytes()),
    ]
}

/// Every shape of three fresh keys (RSA-2048, P-256, Ed25519), made in `dir`.
pub fn all(dir: &std::path::Path) -> Vec<Shape> {
    let mut shapes = Vec::new();
    for (kind, genpkey) in [
        (
            "rsa",
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"][..],
        ),
        (
            "ec",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"][..],
        ),
        ("ed25519", &["-algorithm", "ED25519"][..]),
    ] {
        let key = format!("{kind}.pem");
        let mut args = vec!["genpkey"];
        args.extend_from_slice(genpkey);
        args.extend(["-out", &key]);
        openssl(dir, &args);
        let pkcs8_pem =
            String::from_utf8(std::fs::read(dir.join(&key)).expect("key")).expect("pem");
        let pkcs8_der = openssl(dir, &["pkey", "-in", &key, "-outform", "DER"]);
        let traditional: Option<(String, Vec<u8>)> = match kind {
            "rsa" => Some((
                String::from_utf8(openssl(dir, &["rsa", "-in", &key, "-traditional"]))
                    .expect("pem"),
                openssl(
                    dir,
                    &["rsa", "-in", &key, "-traditional", "-outform", "DER"],
                ),
            )),
            "ec" => Some((
                String::from_utf8(openssl(dir, &["ec", "-in", &key])).expect("pem"),
                openssl(dir, &["ec", "-in", &key, "-outform", "DER"]),
            )),
            _ => None,
        };
        let encrypt = |form: &str| {
            openssl(
                dir,
                &[
                    "pkcs8",
                    "-topk8",
                    "-in",
                    &key,
                    "-v2",
                    "aes-256-cbc",
                    "-passout",
                    "pass:secret",
                    "-outform",
                    form,
                ],
            )
        };
        let encrypted_pem = String::from_utf8(encrypt("PEM")).expect("pem");
        let encrypted_der = encrypt("DER");
        let cert = format!("{kind}-cert.pem");
        openssl(
            dir,
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                &key,
                "-subj",
                "/CN=key-shapes",
                "-days",
                "2",
                "-out",
                &cert,
            ],
        );
        let p12 = openssl(
            dir,
            &[
                "pkcs12",
                "-export",
                "-inkey",
                &key,
                "-in",
                &cert,
                "-passout",
                "pass:secret",
            ],
        );

        let mut secrets = vec![b64(&pkcs8_der), b64(&encrypted_der), b64(&p12)];
        secrets.extend(hex_both(&pkcs8_der));
        secrets.extend(hex_both(&encrypted_der));
        if let Some((_, der)) = &traditional {
            secrets.push(b64(der));
            secrets.extend(hex_both(der));
        }
        let mut push = |name: String, bytes: Vec<u8>, text: bool| {
            shapes.push(Shape {
                name: format!("{kind}/{name}"),
                bytes,
                text,
                secrets: secrets.clone(),
            })
        };
        let traditional_name = if kind == "rsa" { "pkcs1" } else { "sec1" };
        let mut pems = vec![("pkcs8", pkcs8_pem), ("encrypted-pkcs8", encrypted_pem)];
        if let Some((pem, _)) = &traditional {
            pems.push((traditional_name, pem.clone()));
        }
        for (encoding, pem) in &pems {
            for (form, bytes) in text_forms(pem) {
                push(format!("{encoding}.{form}"), bytes, true);
            }
        }
        push("pkcs8.der".into(), pkcs8_der.clone(), false);
        push("encrypted-pkcs8.der".into(), encrypted_der.clone(), false);
        if let Some((_, der)) = &traditional {
            push(format!("{traditional_name}.der"), der.clone(), false);
        }
        push("p12".into(), p12.clone(), false);
    }
    shapes
}
