//! `chainvet match`, `chainvet check --registry --client` and `chainvet csr`: output,
//! JSON and exit codes (0 accepted, 1 rejected, 2 usage or I/O error).

use assert_cmd::Command;
use chainvet_testkit::{Chain, KeyKind, Spec, TempDir, issue, openssl};
use predicates::prelude::*;

const AT: &str = "2026-06-01T00:00:00Z";

fn chainvet() -> Command {
    let mut cmd = Command::cargo_bin("chainvet").expect("binary");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A chain, a second leaf from the same CA (rotation) and a stranger's leaf.
fn files(dir: &TempDir) -> Chain {
    let chain = Chain::standard();
    let next = issue(
        Spec::leaf("Test Leaf").key(KeyKind::P256, 6),
        &chain.certs[1],
    );
    let stranger = issue(
        Spec::leaf("Stranger").key(KeyKind::P256, 7),
        &chain.certs[1],
    );
    dir.write("chain.pem", chain.pem());
    dir.write("leaf.pem", chain.certs[0].pem());
    dir.write("leaf.der", &chain.certs[0].der);
    dir.write("next.pem", next.pem());
    dir.write(
        "stranger-bundle.pem",
        stranger.pem() + &chain.pem_in_order(&[1, 2]),
    );
    chain
}

#[test]
fn match_accepts_the_registered_leaf() {
    let dir = TempDir::new("cli-match");
    files(&dir);
    chainvet()
        .current_dir(dir.path())
        .args(["match", "--registered", "leaf.pem", "--presented", "chain.pem", "--at", AT])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "chain.pem: accepted: the leaf matches the registered certificate leaf.pem (mode serial+cn+issuer)",
        ));
    // DER registration, rotation with two registrations, every mode.
    for mode in ["serial+cn", "serial+cn+issuer", "fingerprint", "spki"] {
        chainvet()
            .current_dir(dir.path())
            .args([
                "match",
                "--registered",
                "next.pem",
                "--registered",
                "leaf.der",
                "--presented",
                "leaf.pem",
                "--mode",
                mode,
                "--at",
                AT,
            ])
            .assert()
            .code(0);
    }
}

#[test]
fn match_rejects_another_leaf_with_findings() {
    let dir = TempDir::new("cli-mismatch");
    files(&dir);
    chainvet()
        .current_dir(dir.path())
        .args([
            "match",
            "--registered",
            "leaf.pem",
            "--presented",
            "stranger-bundle.pem",
            "--at",
            AT,
        ])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("error   binding.serial_mismatch:")
                .and(predicate::str::contains(
                    "binding.cn_mismatch: the presented leaf, certificate 1 (CN=Stranger",
                ))
                .and(predicate::str::contains(
                    "has CN `Stranger`; the registered certificate `leaf.pem` has CN `Test Leaf`",
                ))
                .and(predicate::str::contains(
                    "rejected: the leaf matches no registered certificate",
                )),
        );

    // Same CN and CA, another key: serial+cn+issuer notices the serial; spki the key.
    chainvet()
        .current_dir(dir.path())
        .args([
            "match",
            "--registered",
            "leaf.pem",
            "--presented",
            "next.pem",
            "--mode",
            "spki",
            "--at",
            AT,
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("binding.spki_mismatch"));
}

#[test]
fn match_json() {
    let dir = TempDir::new("cli-match-json");
    let chain = files(&dir);
    let out = chainvet()
        .current_dir(dir.path())
        .args([
            "match",
            "--registered",
            "next.pem",
            "--registered",
            "leaf.pem",
            "--presented",
            "chain.pem",
            "--mode",
            "fingerprint",
            "--json",
            "--at",
            AT,
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(v["accepted"], true);
    assert_eq!(v["matched"], 1);
    assert_eq!(v["mode"], "fingerprint");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["registered"][1]["label"], "leaf.pem");
    assert_eq!(v["registered"][1]["active"], true);
    let leaf = chainvet::Certificate::from_der(chain.certs[0].der.clone()).expect("leaf");
    assert_eq!(v["presented"]["sha256"], leaf.sha256_hex());
    // Every field the README promises, for the presented leaf as for registrations.
    for field in [
        "label",
        "serial",
        "common_name",
        "issuer",
        "sha256",
        "spki_sha256",
        "not_after",
        "active",
    ] {
        for entry in [&v["presented"], &v["registered"][1]] {
            assert!(
                entry.get(field).is_some_and(|x| !x.is_null()),
                "{field} missing: {entry:#}"
            );
        }
    }
    assert_eq!(v["presented"]["subject"], leaf.subject_string());
    assert_eq!(v["presented"]["active"], true);
    assert_eq!(v["registered"][1]["sha256"], leaf.sha256_hex());

    let out = chainvet()
        .current_dir(dir.path())
        .args([
            "match",
            "--registered",
            "next.pem",
            "--presented",
            "leaf.pem",
            "--json",
            "--at",
            AT,
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(v["accepted"], false);
    assert_eq!(v["matched"], serde_json::Value::Null);
    assert_eq!(v["findings"][0]["code"], "binding.serial_mismatch");
    assert_eq!(v["findings"][0]["certificate"], 0);
}

#[test]
fn match_usage_and_io_errors_exit_2() {
    let dir = TempDir::new("cli-match-errors");
    files(&dir);
    dir.write("key.pem", Chain::standard().certs[0].key_pem());
    for (args, expect) in [
        (
            vec!["--registered", "missing.pem", "--presented", "leaf.pem"],
            "cannot read missing.pem",
        ),
        (
            vec![
                "--registered",
                "leaf.pem",
                "--presented",
                "leaf.pem",
                "--mode",
                "serial",
            ],
            "unknown binding mode `serial`",
        ),
        (
            vec!["--registered", "key.pem", "--presented", "leaf.pem"],
            "private key",
        ),
        (vec!["--presented", "leaf.pem"], "--registered"),
    ] {
        let mut cmd = chainvet();
        cmd.current_dir(dir.path()).arg("match").args(&args);
        cmd.assert()
            .code(2)
            .stderr(predicate::str::contains(expect));
    }
}

#[test]
fn check_with_a_registry() {
    let dir = TempDir::new("cli-registry");
    files(&dir);
    dir.write(
        "registry.toml",
        "[clients.acme]\ncertificates = [\"leaf.pem\", \"next.pem\"]\n\n[clients.globex]\ncertificates = [\"next.pem\"]\n",
    );
    let check = |client: &str| {
        let mut cmd = chainvet();
        cmd.current_dir(dir.path()).args([
            "check",
            "chain.pem",
            "--registry",
            "registry.toml",
            "--client",
            client,
            "--at",
            AT,
        ]);
        cmd
    };
    check("acme")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("chain.pem: accepted"));
    check("globex").assert().code(1).stdout(
        predicate::str::contains("binding.serial_mismatch").and(predicate::str::contains(
            "the registered certificate `next.pem`",
        )),
    );
    check("initech")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "binding.no_registered_certificate: no certificate is registered for client `initech`",
        ));

    let out = check("globex")
        .arg("--json")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert_eq!(codes, ["binding.serial_mismatch"]);

    // A registry that does not load is a usage error with its line and field.
    dir.write(
        "bad.toml",
        "[clients.acme]\ncertificates = [\"leaf.pem\"]\nsha256 = [\"00\"]\n",
    );
    chainvet()
        .current_dir(dir.path())
        .args([
            "check",
            "chain.pem",
            "--registry",
            "bad.toml",
            "--client",
            "acme",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.toml:3:11: clients.acme.sha256[0]: `00` is not a SHA-256 fingerprint",
        ));
    // --registry needs --client.
    chainvet()
        .current_dir(dir.path())
        .args(["check", "chain.pem", "--registry", "registry.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--client"));
}

#[test]
fn csr_preflight() {
    let dir = TempDir::new("cli-csr");
    let make = |bits: &str, subject: &str, out: &str| {
        openssl(
            dir.path(),
            &[
                "req", "-new", "-nodes", "-newkey", bits, "-keyout", "key.pem", "-subj", subject,
                "-out", out,
            ],
        );
    };
    make(
        "rsa:2048",
        "/C=DE/ST=Berlin/O=Acme GmbH/CN=api.acme.example.com",
        "good.csr",
    );
    make(
        "rsa:1024",
        "/C=DE/ST=Berlin/O=Acme GmbH/CN=api.acme.example.com",
        "weak.csr",
    );
    make(
        "rsa:2048",
        "/ST=Berlin/O=Acme GmbH/CN=api.acme.example.com",
        "no-c.csr",
    );
    dir.write(
        "policy.toml",
        "[subject]\nrequired_attributes = [\"C\", \"ST\", \"O\", \"CN\"]\ncommon_names = [\"api.*.example.com\"]\ncheck_country = true\n",
    );

    chainvet()
        .current_dir(dir.path())
        .args(["csr", "good.csr", "--policy", "policy.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "good.csr: accepted: CSR for CN=api.acme.example.com,O=Acme GmbH,ST=Berlin,C=DE with an RSA 2048 key",
        ));
    chainvet()
        .current_dir(dir.path())
        .args(["csr", "weak.csr"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error   key.rsa_too_small:"));
    chainvet()
        .current_dir(dir.path())
        .args(["csr", "no-c.csr", "--policy", "policy.toml"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("subject.missing_attribute")
                .and(predicate::str::contains("has no C (countryName)")),
        );
    // Without the policy's subject table, a CSR without C passes.
    chainvet()
        .current_dir(dir.path())
        .args(["csr", "no-c.csr"])
        .assert()
        .code(0);

    let out = chainvet()
        .current_dir(dir.path())
        .args(["csr", "-", "--json"])
        .write_stdin(std::fs::read(dir.path().join("key.pem")).expect("key"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(v["accepted"], false);
    assert_eq!(v["findings"][0]["code"], "csr.malformed");
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("private key")),
        "{v}"
    );
    assert_eq!(v["csr"], serde_json::Value::Null);

    let out = chainvet()
        .current_dir(dir.path())
        .args(["csr", "good.csr", "--json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(v["csr"]["key"], "RSA 2048");
    assert_eq!(v["csr"]["signature_algorithm"], "sha256WithRSAEncryption");

    chainvet()
        .current_dir(dir.path())
        .args(["csr", "missing.csr"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read missing.csr"));
}
