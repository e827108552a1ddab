//! `chainvet verify --key-usage` and the client-usage keyUsage check
//! (`leaf.key_usage_unsuitable`) from the command line.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use assert_cmd::Command;
use chainvet_testkit::rcgen::KeyUsagePurpose;
use chainvet_testkit::{Chain, Spec, TempDir};
use serde_json::Value;

const AT: &str = "2026-06-01T00:00:00Z";

/// Runs `chainvet verify LEAF --intermediates int.pem --trust-store root.pem ARGS --json`.
fn verify(dir: &TempDir, leaf: &str, args: &[&str]) -> (i32, Value, String) {
    let out = Command::cargo_bin("chainvet")
        .expect("binary")
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args([
            "verify",
            leaf,
            "--intermediates",
            "int.pem",
            "--trust-store",
            "root.pem",
        ])
        .args(args)
        .args(["--json", "--at", AT])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().expect("exit code"), json, stderr)
}

fn error_codes(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect()
}

#[test]
fn key_usage_rules_from_the_command_line() {
    let dir = TempDir::new("cli-verify-key-usage");
    let chain = Chain::standard();
    dir.write("signer.pem", chain.certs[0].pem());
    dir.write("int.pem", chain.certs[1].pem());
    dir.write("root.pem", chain.certs[2].pem());
    let mut spec = Spec::leaf("Key Transport Only");
    spec.key_usage = vec![KeyUsagePurpose::KeyEncipherment];
    dir.write("kex.pem", chain.clone().with_leaf(spec).certs[0].pem());

    let (code, report, _) = verify(&dir, "signer.pem", &[]);
    assert_eq!(code, 0, "{report:#}");
    // The default mTLS rule: a client key that may not sign.
    let (code, report, _) = verify(&dir, "kex.pem", &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        error_codes(&report),
        ["leaf.key_usage_unsuitable"],
        "{report:#}"
    );
    // Server usage has no such rule (it fails on the EKU instead).
    let (_, report, _) = verify(&dir, "kex.pem", &["--usage", "server"]);
    assert!(!error_codes(&report).contains(&"leaf.key_usage_unsuitable".to_owned()));

    // --key-usage demands bits, comma-separated or repeated.
    let (code, report, _) = verify(&dir, "signer.pem", &["--key-usage", "digitalSignature"]);
    assert_eq!(code, 0, "{report:#}");
    let (code, report, _) = verify(
        &dir,
        "signer.pem",
        &["--key-usage", "digitalSignature,keyAgreement"],
    );
    assert_eq!(code, 1, "{report:#}");
    assert!(
        report["findings"].to_string().contains("KeyAgreement"),
        "{report:#}"
    );
    let (code, _, _) = verify(
        &dir,
        "signer.pem",
        &[
            "--key-usage",
            "digital_signature",
            "--key-usage",
            "keyAgreement",
        ],
    );
    assert_eq!(code, 1);
    let (code, _, stderr) = verify(&dir, "signer.pem", &["--key-usage", "sign"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown keyUsage bit `sign`"), "{stderr}");
}
