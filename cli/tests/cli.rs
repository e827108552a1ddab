//! The `chainvet` binary: every sample gives the right codes, exit codes, JSON shape
//! (golden files), fix, stdin, colours.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const AT: &str = "2026-12-01T00:00:00Z";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn chainvet() -> Command {
    let mut cmd = Command::cargo_bin("chainvet").expect("binary");
    cmd.current_dir(root());
    cmd.env_remove("NO_COLOR");
    cmd
}

fn check_json(sample: &str) -> (i32, Value) {
    let out = chainvet()
        .args(["check", &format!("samples/{sample}"), "--json", "--at", AT])
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{sample}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().expect("exit code"), json)
}

fn codes(json: &Value, severity: &str) -> Vec<String> {
    let mut v: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == severity)
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn every_sample_reports_its_codes() {
    let expected: &[(&str, &[&str])] = &[
        ("good.pem", &[]),
        ("good-rsa.pem", &[]),
        ("explanatory-text.pem", &[]),
        ("reversed.pem", &["chain.order_reversed"]),
        ("wrong-order.pem", &["chain.order_wrong"]),
        ("missing-root.pem", &["chain.root_missing"]),
        ("missing-intermediate.pem", &["chain.issuer_missing"]),
        ("duplicate.pem", &["chain.duplicate_certificate"]),
        ("unrelated.pem", &["chain.unrelated_certificate"]),
        ("private-key.pem", &["pem.private_key_present"]),
        ("self-signed.pem", &["leaf.self_signed"]),
        (
            "root-ca.pem",
            &["leaf.client_auth_missing", "leaf.is_ca", "leaf.self_signed"],
        ),
        ("csr.pem", &["pem.csr_not_certificate"]),
        ("short-lived.pem", &["validity.too_short"]),
        ("expired.pem", &["validity.expired"]),
        ("server-eku.pem", &["leaf.client_auth_missing"]),
        ("weak-key.pem", &["key.rsa_too_small"]),
        ("sha1-signature.pem", &["signature.weak_algorithm"]),
        ("leaf.der", &["input.not_pem"]),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (sample, want) in expected {
        seen.insert(*sample);
        let (code, json) = check_json(sample);
        assert_eq!(codes(&json, "error"), *want, "{sample}: {json:#}");
        assert_eq!(codes(&json, "warning"), Vec::<String>::new(), "{sample}");
        assert_eq!(json["accepted"], want.is_empty(), "{sample}");
        assert_eq!(
            code,
            if want.is_empty() { 0 } else { 1 },
            "{sample} exit code"
        );
    }
    // No sample is left untested.
    for entry in std::fs::read_dir(root().join("samples")).expect("samples") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("utf-8");
        assert!(
            seen.contains(name.as_str()),
            "samples/{name} has no expectation here"
        );
    }
}

/// Golden JSON for a few samples: the shape and the exact wording of messages and hints.
/// Regenerate with `UPDATE_GOLDEN=1 cargo test -p chainvet-cli`.
#[test]
fn golden_json() {
    for sample in [
        "good.pem",
        "reversed.pem",
        "missing-root.pem",
        "private-key.pem",
        "short-lived.pem",
        "explanatory-text.pem",
    ] {
        let (_, json) = check_json(sample);
        let text = serde_json::to_string_pretty(&json).expect("json") + "\n";
        let golden = root()
            .join("cli/tests/golden")
            .join(format!("{sample}.json"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &text).expect("write golden");
            continue;
        }
        let want = std::fs::read_to_string(&golden)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", golden.display()));
        assert_eq!(
            text,
            want,
            "{sample}: JSON differs from {}",
            golden.display()
        );
    }
}

#[test]
fn json_shape_has_the_documented_fields() {
    let (_, json) = check_json("reversed.pem");
    for key in [
        "accepted",
        "findings",
        "certificates",
        "chain",
        "validated_at",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    let f = &json["findings"][0];
    for key in ["code", "severity", "certificate", "message", "hint"] {
        assert!(f.get(key).is_some(), "finding lacks {key}");
    }
    let c = &json["certificates"][0];
    for key in [
        "index",
        "role",
        "subject",
        "issuer",
        "serial",
        "not_before",
        "not_after",
        "sha256",
        "key",
        "signature_algorithm",
        "self_signed",
    ] {
        assert!(c.get(key).is_some(), "certificate lacks {key}");
    }
    assert_eq!(json["chain"]["path"], serde_json::json!([2, 1, 0]));
}

#[test]
fn human_output_is_one_line_per_finding_plus_hint_and_uncoloured_when_piped() {
    let out = chainvet()
        .args(["check", "samples/reversed.pem", "--at", AT])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(!text.contains('\x1b'), "no colour when piped: {text:?}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("error   chain.order_reversed: "),
        "{text}"
    );
    assert!(lines[1].trim_start().starts_with("hint: "), "{text}");
    assert!(
        lines[2].starts_with("note: certificate 3 was taken as the leaf: "),
        "{text}"
    );
    assert_eq!(
        lines[3],
        "samples/reversed.pem: rejected: 1 error(s), 0 warning(s)"
    );

    let out = chainvet()
        .args(["check", "samples/good.pem"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("accepted: chain of 3 certificate(s)"));
}

#[test]
fn stdin_and_usage_errors() {
    let good = std::fs::read(root().join("samples/good.pem")).expect("sample");
    chainvet()
        .args(["check", "-", "--at", AT])
        .write_stdin(good)
        .assert()
        .code(0);
    chainvet()
        .args(["check", "samples/does-not-exist.pem"])
        .assert()
        .code(2);
    chainvet().args(["check"]).assert().code(2);
    chainvet()
        .args(["check", "samples/good.pem", "--at", "yesterday"])
        .assert()
        .code(2);
    chainvet().args(["frobnicate"]).assert().code(2);
}

#[test]
fn bad_policy_is_a_usage_error_naming_the_problem() {
    let dir = tempdir("policy");
    let policy = dir.join("p.toml");
    std::fs::write(&policy, "rsa_min_bit = 1024\n").expect("write");
    let out = chainvet()
        .args([
            "check",
            "samples/good.pem",
            "--policy",
            policy.to_str().expect("utf-8"),
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:1:1: rsa_min_bit: ", policy.display())),
        "{err}"
    );
    std::fs::write(&policy, "leaf_min_lifetime_days = 0\n").expect("write");
    chainvet()
        .args([
            "check",
            "samples/short-lived.pem",
            "--at",
            AT,
            "--policy",
            policy.to_str().expect("utf-8"),
        ])
        .assert()
        .code(0);
}

fn tempdir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chainvet-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tempdir");
    dir
}

#[test]
fn fix_repairs_order_and_drops_junk() {
    let dir = tempdir("fix");
    let out_path = dir.join("fixed.pem");
    for sample in [
        "reversed.pem",
        "wrong-order.pem",
        "duplicate.pem",
        "unrelated.pem",
        "private-key.pem",
        "explanatory-text.pem",
    ] {
        let out = chainvet()
            .args([
                "fix",
                &format!("samples/{sample}"),
                "-o",
                out_path.to_str().expect("utf-8"),
                "--at",
                AT,
            ])
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{sample}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let fixed = std::fs::read_to_string(&out_path).expect("written");
        assert!(!fixed.contains("PRIVATE KEY"));
        assert_eq!(fixed.matches("BEGIN CERTIFICATE").count(), 3, "{sample}");
        let (code, json) = {
            let out = chainvet()
                .args([
                    "check",
                    out_path.to_str().expect("utf-8"),
                    "--json",
                    "--at",
                    AT,
                ])
                .output()
                .expect("runs");
            (
                out.status.code(),
                serde_json::from_slice::<Value>(&out.stdout).expect("json"),
            )
        };
        assert_eq!(code, Some(0), "{sample} fixed: {json:#}");
        assert!(
            json["findings"].as_array().expect("array").is_empty(),
            "{sample}: {json:#}"
        );
        if sample != "explanatory-text.pem" {
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("changed:"),
                "{sample}"
            );
        }
    }
    // Good input: nothing to change, identical output.
    let out = chainvet()
        .args(["fix", "samples/good.pem", "--at", AT])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        out.stdout,
        std::fs::read(root().join("samples/good.pem")).expect("sample")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn fix_refuses_what_it_cannot_repair_and_writes_nothing() {
    let dir = tempdir("refuse");
    let out_path = dir.join("never.pem");
    for (sample, why) in [
        ("missing-intermediate.pem", "chain.issuer_missing"),
        ("missing-root.pem", "chain.root_missing"),
        ("self-signed.pem", "leaf.self_signed"),
        ("csr.pem", "pem.csr_not_certificate"),
    ] {
        let out = chainvet()
            .args([
                "fix",
                &format!("samples/{sample}"),
                "-o",
                out_path.to_str().expect("utf-8"),
                "--at",
                AT,
            ])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{sample}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cannot repair"), "{sample}: {err}");
        if sample != "csr.pem" {
            assert!(err.contains(why), "{sample}: {err}");
        }
        assert!(
            !out_path.exists(),
            "{sample}: wrote output despite refusing"
        );
    }
    // Repairable structure but an expired leaf: written, reported, exit 1.
    let out = chainvet()
        .args(["fix", "samples/expired.pem", "--at", AT])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("validity.expired"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("BEGIN CERTIFICATE"));
    std::fs::remove_dir_all(&dir).ok();
}
