//! `chainvet verify`: trust-store mode from the command line. Exit codes 0 accepted,
//! 1 rejected, 2 usage or I/O error; JSON as `check --json`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use assert_cmd::Command;
use chainvet_testkit::rcgen::ExtendedKeyUsagePurpose;
use chainvet_testkit::revocation::Pki;
use chainvet_testkit::{Chain, KeyKind, Spec, TempDir, issue, self_signed};
use predicates::prelude::*;
use serde_json::Value;

const AT: &str = "2026-06-01T00:00:00Z";

fn chainvet(dir: &TempDir) -> Command {
    let mut cmd = Command::cargo_bin("chainvet").expect("binary");
    cmd.env("NO_COLOR", "1").current_dir(dir.path());
    cmd
}

/// Writes a leaf, two intermediates, their root, a stranger and a server leaf:
/// `leaf.pem`, `leaf.der`, `pool.pem` (intermediate 2, a stranger of the same name as
/// intermediate 1 but another key, intermediate 1), `bundle.pem` (leaf, intermediates),
/// `root.pem`, `other-chain.pem` (a complete chain to an untrusted root), `server.pem`.
fn files(dir: &TempDir) -> Chain {
    let chain = Chain::new(2, KeyKind::P384);
    let [leaf, i1, i2, root] = &chain.certs[..] else {
        panic!("four certificates")
    };
    let other = Chain::standard();
    dir.write("leaf.pem", leaf.pem());
    dir.write("leaf.der", &leaf.der);
    dir.write("pool.pem", i2.pem() + &other.certs[1].pem() + &i1.pem());
    dir.write("bundle.pem", chain.pem_in_order(&[0, 1, 2]));
    dir.write("root.pem", root.pem());
    // A complete chain to a root of another name that nobody trusts.
    let elsewhere = self_signed(Spec::ca("Elsewhere Root").key(KeyKind::P256, 20));
    let elsewhere_ca = issue(Spec::ca("Elsewhere CA").key(KeyKind::P256, 21), &elsewhere);
    let elsewhere_leaf = issue(
        Spec::leaf("Elsewhere Client").key(KeyKind::P256, 22),
        &elsewhere_ca,
    );
    dir.write(
        "other-chain.pem",
        elsewhere_leaf.pem() + &elsewhere_ca.pem() + &elsewhere.pem(),
    );
    let mut server = Spec::leaf("api.example.com").key(KeyKind::P384, 9);
    server.eku = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.dns_names = vec!["api.example.com".to_owned()];
    dir.write("server.pem", issue(server, i1).pem());
    chain
}

fn json(dir: &TempDir, args: &[&str]) -> (i32, Value) {
    let out = chainvet(dir)
        .arg("verify")
        .args(args)
        .args(["--json", "--at", AT])
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().expect("exit code"), json)
}

fn error_codes(json: &Value) -> Vec<String> {
    let mut v: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn an_unordered_pool_to_a_trusted_root_is_accepted() {
    let dir = TempDir::new("cli-verify-ok");
    files(&dir);
    chainvet(&dir)
        .args(["verify", "leaf.pem", "--intermediates", "pool.pem"])
        .args(["--trust-store", "root.pem", "--at", AT])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "leaf.pem: accepted: chain of 4 certificate(s), leaf CN=Test Leaf",
        ));
    let (code, report) = json(
        &dir,
        &[
            "leaf.pem",
            "--intermediates",
            "pool.pem",
            "--trust-store",
            "root.pem",
        ],
    );
    assert_eq!(code, 0, "{report:#}");
    // Leaf 0, the pool as given (1..=3), the anchor appended as 4.
    assert_eq!(report["chain"]["path"], serde_json::json!([0, 3, 1, 4]));
    assert_eq!(report["certificates"][2]["role"], "unrelated");
    assert_eq!(report["certificates"][4]["role"], "root");

    // DER leaf, intermediates in separate files, a bundle as the leaf argument, stdin.
    for args in [
        &["leaf.der", "--intermediates", "pool.pem"][..],
        &["bundle.pem"][..],
    ] {
        let mut all = args.to_vec();
        all.extend(["--trust-store", "root.pem"]);
        let (code, report) = json(&dir, &all);
        assert_eq!(code, 0, "{args:?}: {report:#}");
    }
    chainvet(&dir)
        .args(["verify", "-", "--trust-store", "root.pem", "--at", AT])
        .write_stdin(std::fs::read(dir.path().join("bundle.pem")).expect("bundle"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("-: accepted"));
    // The trust store may come from the policy instead.
    dir.write("policy.toml", "trust_store = \"root.pem\"\n");
    chainvet(&dir)
        .args([
            "verify",
            "bundle.pem",
            "--policy",
            "policy.toml",
            "--at",
            AT,
        ])
        .assert()
        .code(0);
}

#[test]
fn untrusted_roots_missing_intermediates_and_depth_are_rejected() {
    let dir = TempDir::new("cli-verify-reject");
    files(&dir);
    let (code, report) = json(&dir, &["other-chain.pem", "--trust-store", "root.pem"]);
    assert_eq!(code, 1);
    assert_eq!(error_codes(&report), ["root.not_trusted"], "{report:#}");
    let f = &report["findings"][0];
    assert_eq!(f["certificate"], 2);
    assert!(f["hint"].as_str().expect("hint").contains("trust"));

    let (code, report) = json(&dir, &["leaf.pem", "--trust-store", "root.pem"]);
    assert_eq!(code, 1);
    assert_eq!(error_codes(&report), ["chain.issuer_missing"], "{report:#}");

    let (code, report) = json(
        &dir,
        &[
            "bundle.pem",
            "--trust-store",
            "root.pem",
            "--max-depth",
            "1",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(error_codes(&report), ["chain.too_long"], "{report:#}");
    let (code, _) = json(
        &dir,
        &[
            "bundle.pem",
            "--trust-store",
            "root.pem",
            "--max-depth",
            "2",
        ],
    );
    assert_eq!(code, 0);

    // Human output: the finding, its hint and the verdict.
    chainvet(&dir)
        .args([
            "verify",
            "other-chain.pem",
            "--trust-store",
            "root.pem",
            "--at",
            AT,
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error   root.not_trusted: "))
        .stdout(predicate::str::contains("        hint: "))
        .stdout(predicate::str::contains(
            "other-chain.pem: rejected: 1 error(s)",
        ));
}

#[test]
fn names_and_usage() {
    let dir = TempDir::new("cli-verify-names");
    files(&dir);
    let server = [
        "server.pem",
        "--intermediates",
        "pool.pem",
        "--trust-store",
        "root.pem",
        "--usage",
        "server",
    ];
    let (code, report) = json(
        &dir,
        &[&server[..], &["--name", "api.example.com"]].concat(),
    );
    assert_eq!(code, 0, "{report:#}");
    let (code, report) = json(
        &dir,
        &[
            &server[..],
            &["--name", "www.example.com", "--name", "192.0.2.1"],
            &["--name", "ops@example.com"],
        ]
        .concat(),
    );
    assert_eq!(code, 1);
    assert_eq!(
        error_codes(&report),
        ["leaf.name_mismatch"; 3],
        "{report:#}"
    );
    let messages = report["findings"].to_string();
    assert!(messages.contains("DNS name www.example.com"), "{messages}");
    assert!(messages.contains("IP address 192.0.2.1"), "{messages}");
    assert!(
        messages.contains("email address ops@example.com"),
        "{messages}"
    );

    // A server certificate presented as a client's, and a client's as a server's.
    let (code, report) = json(
        &dir,
        &[
            "server.pem",
            "--intermediates",
            "pool.pem",
            "--trust-store",
            "root.pem",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        error_codes(&report),
        ["leaf.client_auth_missing"],
        "{report:#}"
    );
    let (code, report) = json(
        &dir,
        &[
            "bundle.pem",
            "--trust-store",
            "root.pem",
            "--usage",
            "server",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        error_codes(&report),
        ["leaf.server_auth_missing"],
        "{report:#}"
    );
}

#[test]
fn binding_and_a_crl_made_by_openssl() {
    let dir = TempDir::new("cli-verify-revocation");
    let pki = Pki::new();
    dir.write("root.pem", pki.root.pem());
    dir.write("ca.pem", pki.ca.pem());
    dir.write("revoked.pem", pki.revoked.pem());
    dir.write("good.pem", pki.good.pem());
    dir.write("crl.der", &pki.crl_der);
    // The PKI was made now; validate now (no --at).
    let verify = |leaf: &str, extra: &[&str]| {
        let out = chainvet(&dir)
            .args([
                "verify",
                leaf,
                "--intermediates",
                "ca.pem",
                "--trust-store",
                "root.pem",
            ])
            .args(["--crl", "crl.der", "--offline", "--json"])
            .args(extra)
            .output()
            .expect("runs");
        let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        (out.status.code().expect("exit code"), json)
    };
    let (code, report) = verify("revoked.pem", &[]);
    assert_eq!(code, 1);
    assert_eq!(error_codes(&report), ["revocation.revoked"], "{report:#}");
    assert_eq!(report["revocation"][0]["source"], "supplied");
    assert_eq!(report["revocation"][0]["method"], "crl");
    let (code, report) = verify("good.pem", &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["revocation"][0]["status"], "good");

    // The registered leaf passes; another valid one of the same CA does not.
    dir.write(
        "registry.toml",
        "[clients.acme]\ncertificates = [\"good.pem\"]\n",
    );
    let bound = ["--registry", "registry.toml", "--client", "acme"];
    assert_eq!(verify("good.pem", &bound).0, 0);
    let (code, report) = verify("revoked.pem", &bound);
    assert_eq!(code, 1);
    assert!(
        error_codes(&report).contains(&"binding.serial_mismatch".to_owned()),
        "{report:#}"
    );
}

#[test]
fn usage_and_input_errors_exit_2() {
    let dir = TempDir::new("cli-verify-usage");
    let chain = files(&dir);
    dir.write(
        "junk.pem",
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    );
    dir.write("key-only.pem", chain.certs[0].key_pem());
    let cases: &[(&[&str], &str)] = &[
        (&["leaf.pem"], "needs trust anchors"),
        (
            &["missing.pem", "--trust-store", "root.pem"],
            "cannot read missing.pem",
        ),
        (&["leaf.pem", "--trust-store", "missing.pem"], "missing.pem"),
        (&["leaf.pem", "--trust-store", "leaf.der"], "trust store"),
        (
            &["junk.pem", "--trust-store", "root.pem"],
            "junk.pem: the certificate block at lines 1-3 is malformed",
        ),
        (
            &[
                "leaf.pem",
                "--intermediates",
                "junk.pem",
                "--trust-store",
                "root.pem",
            ],
            "junk.pem",
        ),
        (
            &["key-only.pem", "--trust-store", "root.pem"],
            "key-only.pem: no certificate in it",
        ),
        (
            &["leaf.pem", "--trust-store", "root.pem", "--name", ""],
            "the name is empty",
        ),
        (
            &["leaf.pem", "--trust-store", "root.pem", "--usage", "both"],
            "invalid value",
        ),
        (
            &["leaf.pem", "--trust-store", "root.pem", "--max-depth", "-1"],
            "unexpected argument",
        ),
    ];
    for (args, said) in cases {
        let out = chainvet(&dir)
            .arg("verify")
            .args(*args)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        // A private key's content is never shown.
        let key = chain.certs[0].key_pem();
        assert!(!stderr.contains(&key[40..80]), "{args:?}: {stderr}");
    }

    // Garbage that is not PEM is a certificate to judge, not a usage error.
    dir.write("garbage.bin", b"\x00\x01\x02 not a certificate");
    let (code, report) = json(&dir, &["garbage.bin", "--trust-store", "root.pem"]);
    assert_eq!(code, 1);
    assert_eq!(
        error_codes(&report),
        ["certificate.malformed"],
        "{report:#}"
    );

    // A self-signed leaf is named as such.
    let lone = self_signed(Spec::leaf("Lone Client").key(KeyKind::P384, 10));
    dir.write("lone.pem", lone.pem());
    let (code, report) = json(&dir, &["lone.pem", "--trust-store", "root.pem"]);
    assert_eq!(code, 1);
    assert_eq!(
        error_codes(&report),
        ["leaf.self_signed", "root.not_trusted"],
        "{report:#}"
    );
}
