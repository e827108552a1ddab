//! `chainvet check --revocation ...` and `chainvet revocation` against a real OpenSSL
//! responder and CRL on 127.0.0.1 (stopped when each test ends).

use assert_cmd::Command;
use chainvet_testkit::Issued;
use chainvet_testkit::revocation::{OcspOptions, Pki};
use predicates::str::contains;

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
    chainvet()
        .args(["check", &revoked, "--revocation", "hard"])
        .assert()
        .code(1)
        .stdout(contains("revocation.revoked"))
        .stdout(contains("keyCompromise"))
        .stdout(contains(pki.ocsp_url()));
    chainvet()
        .args(["check", &good, "--revocation", "hard"])
        .assert()
        .code(0)
        .stdout(contains("accepted"));
    // Default (soft-fail) refuses a revoked certificate too.
    chainvet().args(["check", &revoked]).assert().code(1);
    // JSON carries the per-certificate revocation list.
    let out = chainvet()
        .args(["check", &revoked, "--json"])
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
    let out = chainvet()
        .args(["revocation", &good])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for part in [
        "certificate 0 (CN=Good Client",
        ": good\n",
        &format!("OCSP {} (network)", pki.ocsp_url()),
        "signed by CN=Revocation Test Issuing CA",
        "thisUpdate 20",
        "nextUpdate 20",
        "certificate 1 (CN=Revocation Test Issuing CA",
        "/root-ocsp (network)",
        "certificate 2 (CN=Revocation Test Root",
        "not checked (a self-signed root",
    ] {
        assert!(text.contains(part), "{part}:\n{text}");
    }

    chainvet()
        .args(["revocation", &revoked])
        .assert()
        .code(1)
        .stdout(contains(
            "revoked since 2026-01-15T00:00:00Z (keyCompromise)",
        ));
    let out = chainvet()
        .args(["revocation", &revoked, "--json"])
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
