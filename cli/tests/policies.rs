//! The CSR defaults (CN required, C/ST/O and placeholder values warned) and the example
//! policies in `policies/`, loaded with `--policy`, on CSRs made with the openssl CLI as
//! the platforms' guides make them; and the onboarding CLI behaviour of issue 17: the
//! file's real name in hints, `fix --leaf`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chainvet_testkit::{Chain, KeyKind, Spec, TempDir, issue, openssl};
use serde_json::Value;

fn chainvet() -> Command {
    let mut cmd = Command::cargo_bin("chainvet").expect("binary");
    cmd.env("NO_COLOR", "1");
    cmd
}

fn policy(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../policies")
        .join(name)
}

/// `openssl req -new` with a new key (`newkey`, e.g. `rsa:2048`) and `-subj subject`.
fn csr(dir: &TempDir, name: &str, newkey: &str, subject: &str) -> PathBuf {
    let (key, out) = (format!("{name}.key"), format!("{name}.csr"));
    let mut args = vec!["req", "-new", "-nodes", "-newkey"];
    args.extend(newkey.split(' '));
    args.extend(["-keyout", &key, "-subj", subject, "-out", &out]);
    openssl(dir.path(), &args);
    dir.path().join(out)
}

/// `chainvet csr FILE --json [--policy P]`: exit code and report.
fn csr_json(file: &Path, policy: Option<&Path>) -> (i32, Value) {
    let mut cmd = chainvet();
    cmd.arg("csr").arg(file).arg("--json");
    if let Some(p) = policy {
        cmd.arg("--policy").arg(p);
    }
    let out = cmd.output().expect("runs");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().expect("exit code"), json)
}

/// (severity, code) of every finding, sorted.
fn findings(report: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

fn pair(severity: &str, code: &str) -> (String, String) {
    (severity.to_owned(), code.to_owned())
}

#[test]
fn default_csr_policy_requires_a_cn_and_warns_about_placeholders_and_missing_attributes() {
    let dir = TempDir::new("csr-defaults");
    // Pressing Enter at every `openssl req` prompt: OpenSSL's placeholder subject, no CN.
    let mut child = std::process::Command::new("openssl")
        .args([
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-keyout",
            "enter.key",
            "-out",
            "enter.csr",
        ])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("openssl runs");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &[b'\n'; 12]).unwrap();
    assert!(child.wait().unwrap().success());
    let (code, report) = csr_json(&dir.path().join("enter.csr"), None);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        findings(&report),
        [
            pair("error", "subject.missing_attribute"),
            pair("warning", "subject.placeholder_value"),
        ],
        "{report:#}"
    );
    let placeholder = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "subject.placeholder_value")
        .unwrap();
    let message = placeholder["message"].as_str().unwrap();
    assert!(message.contains("O=Internet Widgits Pty Ltd"), "{message}");
    assert!(message.contains("ST=Some-State"), "{message}");
    // The hint's command makes a CSR that passes.
    let hint = placeholder["hint"].as_str().unwrap();
    let command = hint.split('`').nth(1).expect("a command in the hint");
    assert!(
        command.starts_with(
            "openssl req -new -key client.key -subj '/C=DE/ST=Berlin/O=Example GmbH/CN="
        ),
        "{command}"
    );
    std::fs::copy(dir.path().join("enter.key"), dir.path().join("client.key")).unwrap();
    let out = std::process::Command::new("sh")
        .args(["-c", command])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, report) = csr_json(&dir.path().join("client.csr"), None);
    assert_eq!((code, findings(&report)), (0, vec![]), "{report:#}");

    // CN only: accepted, with one warning naming C, ST and O.
    let (code, report) = csr_json(
        &csr(&dir, "cn-only", "rsa:2048", "/CN=client.example.com"),
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(
        findings(&report),
        [pair("warning", "subject.missing_attribute")]
    );
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no C, ST, O"),
        "{report:#}"
    );
    // A complete subject: nothing to say.
    let good = csr(
        &dir,
        "good",
        "rsa:2048",
        "/C=DE/ST=Berlin/O=Acme GmbH/CN=client.example.com",
    );
    let (code, report) = csr_json(&good, None);
    assert_eq!((code, findings(&report)), (0, vec![]), "{report:#}");
    // keytool's "Unknown" answers.
    let (_, report) = csr_json(
        &csr(
            &dir,
            "keytool",
            "rsa:2048",
            "/C=DE/ST=Unknown/O=Unknown/CN=client.example.com",
        ),
        None,
    );
    assert!(findings(&report).contains(&pair("warning", "subject.placeholder_value")));
}

#[test]
fn every_example_policy_loads_and_applies_its_rules() {
    let dir = TempDir::new("csr-policies");
    let good =
        "/C=DE/ST=Berlin/L=Berlin/O=Acme GmbH/CN=client.example.com/emailAddress=pki@acme.example";
    let good_rsa = csr(&dir, "good-rsa", "rsa:2048", good);
    let good_ec = csr(&dir, "good-ec", "ec -pkeyopt ec_paramgen_curve:P-256", good);
    let no_state = csr(
        &dir,
        "no-state",
        "rsa:2048",
        "/C=DE/L=Berlin/O=Acme GmbH/CN=client.example.com/emailAddress=pki@acme.example",
    );
    let uk = csr(
        &dir,
        "uk",
        "rsa:2048",
        "/C=UK/ST=London/L=London/O=Acme Ltd/CN=client.example.com/emailAddress=a@b.example",
    );
    for file in [
        "payrails.toml",
        "treezor.toml",
        "pismo.toml",
        "connectpay.toml",
    ] {
        let p = policy(file);
        assert!(p.exists(), "{}", p.display());
        let (code, report) = csr_json(&good_rsa, Some(&p));
        assert_eq!((code, findings(&report)), (0, vec![]), "{file}: {report:#}");
    }
    // payrails, treezor and pismo require ST; connectpay only a CN.
    for (file, fails) in [
        ("payrails.toml", true),
        ("treezor.toml", true),
        ("pismo.toml", true),
        ("connectpay.toml", false),
    ] {
        let (code, report) = csr_json(&no_state, Some(&policy(file)));
        assert_eq!(code, i32::from(fails), "{file}: {report:#}");
        if fails {
            assert_eq!(
                findings(&report),
                [pair("error", "subject.missing_attribute")],
                "{file}"
            );
        }
    }
    // UK is not an ISO 3166-1 code (GB is).
    let (code, report) = csr_json(&uk, Some(&policy("payrails.toml")));
    assert_eq!(
        (code, findings(&report)),
        (1, vec![pair("error", "subject.country_invalid")])
    );
    // Treezor: RSA only.
    let (code, report) = csr_json(&good_ec, Some(&policy("treezor.toml")));
    assert_eq!(
        (code, findings(&report)),
        (1, vec![pair("error", "key.algorithm_not_allowed")])
    );

    // Bundle rules: pismo's two-year maximum, connectpay's OCSP requirement.
    let chain = Chain::standard(); // leaf valid 2025-2035
    let bundle = dir.write("chain.pem", chain.pem());
    let check = |policy_file: &str| {
        let out = chainvet()
            .args([
                "check",
                "--json",
                "--at",
                "2026-06-01T00:00:00Z",
                "--policy",
            ])
            .arg(policy(policy_file))
            .arg(&bundle)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        findings(&report)
    };
    assert!(check("pismo.toml").contains(&pair("error", "validity.too_long")));
    assert!(check("connectpay.toml").contains(&pair("warning", "revocation.no_ocsp_url")));
}

#[test]
fn hints_name_the_file_and_fix_keeps_the_leaf_asked_for() {
    let dir = TempDir::new("cli-onboarding");
    let chain = Chain::standard();
    // `cat` of files without a final newline, in a file whose name needs quoting.
    let joined: String = chain
        .certs
        .iter()
        .map(|c| c.pem().trim_end().to_owned())
        .collect();
    dir.write("my chain.pem", &joined);
    let out = chainvet()
        .current_dir(dir.path())
        .args(["check", "my chain.pem", "--at", "2026-06-01T00:00:00Z"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error   pem.boundaries_joined"), "{text}");
    assert!(
        text.contains("`chainvet fix 'my chain.pem' -o fixed.pem` does this"),
        "{text}"
    );
    assert!(!text.contains(" FILE"), "{text}");
    // The hint's sed command, as printed, repairs the file.
    let sed = text
        .split('`')
        .find(|c| c.starts_with("sed "))
        .expect("the sed command");
    let status = std::process::Command::new("sh")
        .args(["-c", sed])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    chainvet()
        .current_dir(dir.path())
        .args(["check", "fixed.pem", "--at", "2026-06-01T00:00:00Z"])
        .assert()
        .code(0);

    // Two leaves: fix refuses, then keeps the one named by number or CN.
    let staging = issue(
        Spec::leaf("Staging Client").key(KeyKind::P256, 7),
        &chain.certs[1],
    );
    dir.write("two.pem", chain.pem() + &staging.pem());
    let out = chainvet()
        .current_dir(dir.path())
        .args(["fix", "two.pem", "--at", "2026-06-01T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--leaf"));
    for leaf in ["4", "Staging Client"] {
        chainvet()
            .current_dir(dir.path())
            .args([
                "fix",
                "two.pem",
                "--leaf",
                leaf,
                "-o",
                "one.pem",
                "--at",
                "2026-06-01T00:00:00Z",
            ])
            .assert()
            .code(0);
        let fixed = std::fs::read_to_string(dir.path().join("one.pem")).unwrap();
        assert!(fixed.starts_with(&staging.pem()), "{leaf}");
        chainvet()
            .current_dir(dir.path())
            .args(["check", "one.pem", "--at", "2026-06-01T00:00:00Z"])
            .assert()
            .code(0);
    }
}
