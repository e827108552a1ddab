//! `chainvet check --revocation ...` and `chainvet revocation` against a real OpenSSL
//! responder and CRL on 127.0.0.1 (stopped when each test ends).
//!
//! chainvet fetches only for chains that verify to a configured trust store and never
//! reaches loopback unless `allow_destinations` opens it: the policy file `trusting`
//! writes does both, as an operator running a local responder would.

use assert_cmd::Command;
use chainvet_testkit::listener::{Listener, OnConnect};
use chainvet_testkit::revocation::{OcspOptions, Pki, crl_distribution_points, ocsp_aia};
use chainvet_testkit::{Issued, KeyKind, Spec, issue, self_signed};
use predicates::str::contains;

/// A policy file trusting the PKI's root and opening 127.0.0.1.
fn trusting(pki: &Pki) -> String {
    pki.write(
        "trusting.toml",
        b"trust_store = \"root.pem\"\n[revocation]\nallow_destinations = [\"127.0.0.1\"]\n",
    )
    .display()
    .to_string()
}

fn chainvet() -> Command {
    let mut cmd = Command::cargo_bin("chainvet").expect("binary");
    cmd.env("NO_COLOR", "1");
    cmd
}

fn bundle(pki: &Pki, leaf: &Issued, name: &str) -> String {
    pki.write(name, pki.bundle(leaf).as_bytes())
        .display()
        .to_string()
}

#[test]
fn check_refuses_a_revoked_leaf_through_the_responder() {
    let pki = Pki::new();
    let revoked = bundle(&pki, &pki.revoked, "revoked.pem");
    let good = bundle(&pki, &pki.good, "good.pem");
    let policy = trusting(&pki);
    chainvet()
        .args([
            "check",
            &revoked,
            "--revocation",
            "hard",
            "--policy",
            &policy,
        ])
        .assert()
        .code(1)
        .stdout(contains("revocation.revoked"))
        .stdout(contains("keyCompromise"))
        .stdout(contains(pki.ocsp_url()));
    chainvet()
        .args(["check", &good, "--revocation", "hard", "--policy", &policy])
        .assert()
        .code(0)
        .stdout(contains("accepted"));
    // Default (soft-fail) refuses a revoked certificate too.
    chainvet()
        .args(["check", &revoked, "--policy", &policy])
        .assert()
        .code(1);
    // JSON carries the per-certificate revocation list.
    let out = chainvet()
        .args(["check", &revoked, "--json", "--policy", &policy])
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["accepted"], false);
    assert_eq!(json["revocation"][0]["status"], "revoked");
    assert_eq!(json["revocation"][0]["source"], "network");
    assert_eq!(json["revocation"][0]["reason"], "keyCompromise");
    assert_eq!(json["revocation"][0]["revoked_at"], "2026-01-15T00:00:00Z");
}

#[test]
fn offline_uses_supplied_responses_and_crls() {
    let mut pki = Pki::new();
    let revoked = bundle(&pki, &pki.revoked, "revoked.pem");
    let good = bundle(&pki, &pki.good, "good.pem");
    let good_resp = pki.write(
        "good.ocsp",
        &pki.ocsp_response(&pki.good, &OcspOptions::default()),
    );
    let revoked_resp = pki.write(
        "revoked.ocsp",
        &pki.ocsp_response(&pki.revoked, &OcspOptions::default()),
    );
    let crl = pki.crl_pem_path();
    // Nothing may be fetched from here on.
    pki.server.stop();

    chainvet()
        .args(["check", &good, "--offline", "--revocation", "hard"])
        .assert()
        .code(1)
        .stdout(contains("revocation.unavailable"))
        .stdout(contains("offline"));
    chainvet()
        .args(["check", &good, "--offline"])
        .assert()
        .code(0)
        .stdout(contains("warning"));
    chainvet()
        .args([
            "check",
            &good,
            "--offline",
            "--revocation",
            "hard",
            "--ocsp-response",
        ])
        .arg(&good_resp)
        .assert()
        .code(0);
    chainvet()
        .args(["check", &revoked, "--offline", "--ocsp-response"])
        .arg(&revoked_resp)
        .assert()
        .code(1)
        .stdout(contains("revocation.revoked"))
        .stdout(contains("supplied"));
    // The good leaf's response handed over for the revoked leaf: invalid.
    chainvet()
        .args(["check", &revoked, "--offline", "--ocsp-response"])
        .arg(&good_resp)
        .assert()
        .code(1)
        .stdout(contains("revocation.response_invalid"));
    chainvet()
        .args(["check", &revoked, "--offline", "--crl"])
        .arg(&crl)
        .assert()
        .code(1)
        .stdout(contains("revocation.revoked"))
        .stdout(contains("supplied CRL"));
    chainvet()
        .args(["check", &revoked, "--offline", "--revocation", "off"])
        .assert()
        .code(0);
    chainvet()
        .args(["check", &good, "--crl", "/nonexistent/crl.pem"])
        .assert()
        .code(2)
        .stderr(contains("cannot read"));
}

#[test]
fn revocation_command_lists_every_certificate() {
    let pki = Pki::new();
    let good = bundle(&pki, &pki.good, "good.pem");
    let revoked = bundle(&pki, &pki.revoked, "revoked.pem");
    let policy = trusting(&pki);
    let out = chainvet()
        .args(["revocation", &good, "--policy", &policy])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for part in [
        "certificate 1 (CN=Good Client",
        ": good\n",
        &format!("OCSP {} (network)", pki.ocsp_url()),
        "signed by CN=Revocation Test Issuing CA",
        "thisUpdate 20",
        "nextUpdate 20",
        "certificate 2 (CN=Revocation Test Issuing CA",
        "/root-ocsp (network)",
        "certificate 3 (CN=Revocation Test Root",
        "not checked (a self-signed root",
    ] {
        assert!(text.contains(part), "{part}:\n{text}");
    }

    chainvet()
        .args(["revocation", &revoked, "--policy", &policy])
        .assert()
        .code(1)
        .stdout(contains(
            "revoked since 2026-01-15T00:00:00Z (keyCompromise)",
        ));
    let out = chainvet()
        .args(["revocation", &revoked, "--json", "--policy", &policy])
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["revocation"].as_array().map(Vec::len), Some(2));
    assert!(
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["code"]
                .as_str()
                .unwrap_or_default()
                .starts_with("revocation."))
    );
    chainvet()
        .args(["revocation", &good, "--revocation", "off"])
        .assert()
        .code(2);
}

#[test]
fn samples_without_responders_stay_offline_and_accepted() {
    // The shipped good sample names no responder: `check` needs no network for it.
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/good.pem");
    chainvet()
        .args(["check", sample, "--revocation", "hard"])
        .assert()
        .code(0);
    chainvet()
        .args(["revocation", sample])
        .assert()
        .code(0)
        .stdout(contains("not checked"));
}

/// An attacker's own root, CA and leaf whose OCSP and CRL URLs point at `listener`.
fn attacker_bundle(listener: &Listener, dir: &chainvet_testkit::TempDir) -> (String, String) {
    let base = listener.base_url();
    let root = self_signed(Spec::ca("Attacker Root").key(KeyKind::P256, 30));
    let ca = issue(Spec::ca("Attacker CA").key(KeyKind::P256, 31), &root);
    let mut spec = Spec::leaf("Attacker Client").key(KeyKind::P256, 32);
    spec.extensions.push(ocsp_aia(&[&format!("{base}/ocsp")]));
    spec.extensions
        .push(crl_distribution_points(&[&format!("{base}/crl")]));
    let leaf = issue(spec, &ca);
    let bundle = dir.write(
        "bundles/attacker.pem",
        format!("{}{}{}", leaf.pem(), ca.pem(), root.pem()),
    );
    let leaf_only = dir.write("leaf.pem", leaf.pem());
    dir.write("intermediates.pem", ca.pem());
    (
        bundle.display().to_string(),
        leaf_only.display().to_string(),
    )
}

#[test]
fn no_subcommand_fetches_for_an_attackers_chain() {
    let listener = Listener::start(OnConnect::Close);
    let dir = chainvet_testkit::TempDir::new("attacker");
    let (bundle, leaf) = attacker_bundle(&listener, &dir);
    let bundles = dir.path().join("bundles").display().to_string();
    let intermediates = dir.path().join("intermediates.pem").display().to_string();
    let other = Pki::new();
    let gateway = trusting(&other);
    let other_root = other.dir().join("root.pem").display().to_string();
    // Default flags, then a gateway policy that trusts another root and opens loopback.
    for policy in [None, Some(gateway.as_str())] {
        let with = |args: &[&str]| {
            let mut v: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
            if let Some(p) = policy {
                v.extend(["--policy".to_owned(), p.to_owned()]);
            }
            v
        };
        for args in [
            with(&["check", &bundle]),
            with(&["check", &bundle, "--revocation", "hard"]),
            with(&["fix", &bundle]),
            with(&["scan", &bundles]),
            with(&["revocation", &bundle]),
            with(&[
                "verify",
                &leaf,
                "--intermediates",
                &intermediates,
                "--trust-store",
                &other_root,
            ]),
        ] {
            let out = chainvet().args(&args).output().expect("run");
            assert!(out.status.code().is_some(), "{args:?}");
        }
    }
    assert_eq!(
        listener.connections(),
        0,
        "an attacker's chain caused a request"
    );
    // The revocation report says why nothing was fetched.
    chainvet()
        .args(["revocation", &bundle])
        .assert()
        .stdout(contains("trust store"));
}
