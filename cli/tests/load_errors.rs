//! A policy, trust store or registry that does not load is a usage error (exit 2) with
//! one line in the one format `chainvet: FILE:LINE:COL: field: message`, whichever
//! command and file it is.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use assert_cmd::Command;
use chainvet_testkit::{Chain, TempDir};

const AT: &str = "2026-06-01T00:00:00Z";

fn chainvet(dir: &TempDir) -> Command {
    let mut cmd = Command::cargo_bin("chainvet").expect("binary");
    cmd.env("NO_COLOR", "1").current_dir(dir.path());
    cmd
}

/// Runs `args` in `dir`, expects exit 2, and returns standard error.
fn usage_error(dir: &TempDir, args: &[&str]) -> String {
    let out = chainvet(dir).args(args).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    String::from_utf8(out.stderr).expect("utf-8")
}

fn setup() -> (TempDir, Chain) {
    let dir = TempDir::new("cli-load-errors");
    let chain = Chain::standard();
    dir.write("bundle.pem", chain.pem());
    dir.write("leaf.pem", chain.certs[0].pem());
    dir.write("root.pem", chain.certs[2].pem());
    (dir, chain)
}

#[test]
fn a_broken_policy_names_file_line_column_and_key() {
    let (dir, _) = setup();
    dir.write(
        "policy.toml",
        "leaf_min_lifetime_days = 0\n[revocation]\nmode = \"strict\"\n",
    );
    // The same line from both validating commands (they share their flags).
    for command in ["check", "verify"] {
        let mut args = vec![command, "--policy", "policy.toml", "--at", AT];
        args.push(if command == "check" {
            "bundle.pem"
        } else {
            "leaf.pem"
        });
        if command == "verify" {
            args.extend(["--trust-store", "root.pem"]);
        }
        let err = usage_error(&dir, &args);
        assert!(
            err.starts_with("chainvet: policy.toml:3:8: revocation.mode: invalid policy TOML: "),
            "{command}: {err}"
        );
        assert!(err.contains("strict"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn a_trust_store_with_a_bad_block_names_its_begin_line() {
    let (dir, chain) = setup();
    let good = chain.certs[2].pem();
    let junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    dir.write("trust.pem", format!("{good}{junk}"));
    let line = good.lines().count() + 1;
    let err = usage_error(
        &dir,
        &[
            "verify",
            "leaf.pem",
            "--trust-store",
            "trust.pem",
            "--at",
            AT,
        ],
    );
    assert!(
        err.starts_with(&format!(
            "chainvet: trust.pem:{line}:1: certificate 2: not a usable certificate: "
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_broken_registry_names_the_field() {
    let (dir, _) = setup();
    dir.write(
        "registry.toml",
        "[clients.acme]\ncertificates = [\"leaf.pem\",\n  \"missing.pem\"]\n",
    );
    let err = usage_error(
        &dir,
        &[
            "check",
            "bundle.pem",
            "--registry",
            "registry.toml",
            "--client",
            "acme",
            "--at",
            AT,
        ],
    );
    assert!(
        err.starts_with("chainvet: registry.toml:3:3: clients.acme.certificates[1]: "),
        "{err}"
    );
    assert!(err.contains("missing.pem"), "{err}");
}
