//! `chainvet verify` with the RFC 5280 6.1.1 certificate-policy flags (`--policy-oid`,
//! `--explicit-policy`, `--inhibit-policy-mapping`, `--inhibit-any-policy`) and the
//! resulting policy set in the text and JSON reports.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use assert_cmd::Command;
use chainvet_testkit::rcgen::CustomExtension;
use chainvet_testkit::{KeyKind, Spec, TempDir, issue, self_signed};
use predicates::prelude::*;
use serde_json::Value;

const AT: &str = "2026-06-01T00:00:00Z";
const P1: &str = "1.3.6.1.4.1.55555.1";
const P2: &str = "1.3.6.1.4.1.55555.2";

/// DER of an OBJECT IDENTIFIER's content octets from its dotted form.
fn oid_content(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut out = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        out.extend(groups.iter().rev());
    }
    out
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    assert!(content.len() < 128, "short form only");
    let mut out = vec![tag, content.len() as u8];
    out.extend_from_slice(content);
    out
}

/// certificatePolicies (2.5.29.32) listing `oids`, no qualifiers.
fn policies(oids: &[&str]) -> CustomExtension {
    let infos: Vec<u8> = oids
        .iter()
        .flat_map(|o| tlv(0x30, &tlv(0x06, &oid_content(o))))
        .collect();
    CustomExtension::from_oid_content(&[2, 5, 29, 32], tlv(0x30, &infos))
}

/// policyMappings (2.5.29.33, critical): issuer-domain `from` maps to `to`.
fn mapping(from: &str, to: &str) -> CustomExtension {
    let pair = [tlv(0x06, &oid_content(from)), tlv(0x06, &oid_content(to))].concat();
    let mut e = CustomExtension::from_oid_content(&[2, 5, 29, 33], tlv(0x30, &tlv(0x30, &pair)));
    e.set_criticality(true);
    e
}

/// root.pem; a CA asserting P1 that maps P1 to P2 and a leaf asserting P2 (`mapped.pem`,
/// `mapped-ca.pem`); a CA asserting P1 and P2 with a leaf asserting P1 (`leaf.pem`,
/// `ca.pem`).
fn files(dir: &TempDir) {
    let root = self_signed(Spec::ca("Policy Root").key(KeyKind::P256, 2));
    let mut ca = Spec::ca("Policy CA").key(KeyKind::P256, 3);
    ca.extensions.push(policies(&[P1, P2]));
    let ca = issue(ca, &root);
    let mut leaf = Spec::leaf("Policy Client").key(KeyKind::P256, 4);
    leaf.extensions.push(policies(&[P1]));
    let leaf = issue(leaf, &ca);
    let mut mca = Spec::ca("Mapping CA").key(KeyKind::P256, 5);
    mca.extensions.push(policies(&[P1]));
    mca.extensions.push(mapping(P1, P2));
    let mca = issue(mca, &root);
    let mut mleaf = Spec::leaf("Mapped Client").key(KeyKind::P256, 6);
    mleaf.extensions.push(policies(&[P2]));
    let mleaf = issue(mleaf, &mca);
    dir.write("root.pem", root.pem());
    dir.write("ca.pem", ca.pem());
    dir.write("leaf.pem", leaf.pem());
    dir.write("mapped-ca.pem", mca.pem());
    dir.write("mapped.pem", mleaf.pem());
}

fn verify(dir: &TempDir, leaf: &str, ca: &str, flags: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("chainvet")
        .expect("binary")
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args([
            "verify",
            leaf,
            "--intermediates",
            ca,
            "--trust-store",
            "root.pem",
        ])
        .args(flags)
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

fn has_code(report: &Value, code: &str) -> bool {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["code"] == code)
}

#[test]
fn the_policy_flags_decide_and_the_policy_set_is_reported() {
    let dir = TempDir::new("cli-verify-policies");
    files(&dir);
    let (code, r) = verify(&dir, "leaf.pem", "ca.pem", &[]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["certificate_policies"], serde_json::json!([P1]));

    let (code, r) = verify(
        &dir,
        "leaf.pem",
        "ca.pem",
        &["--policy-oid", P1, "--explicit-policy"],
    );
    assert_eq!(code, 0, "{r:#}");
    let (code, r) = verify(
        &dir,
        "leaf.pem",
        "ca.pem",
        &["--policy-oid", P2, "--explicit-policy"],
    );
    assert_eq!(code, 1, "{r:#}");
    assert!(has_code(&r, "chain.policy_invalid"), "{r:#}");
    assert!(r.get("certificate_policies").is_none(), "{r:#}");
    // Without --explicit-policy, RFC 5280 accepts a path valid for none of the set
    // (6.1.5 (g)); the reported set says so by being empty.
    let (code, r) = verify(&dir, "leaf.pem", "ca.pem", &["--policy-oid", P2]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["certificate_policies"], serde_json::json!([]));
    let (code, r) = verify(
        &dir,
        "leaf.pem",
        "ca.pem",
        &["--policy-oid", &format!("{P2},{P1}")],
    );
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["certificate_policies"], serde_json::json!([P1]));

    // Mapping: valid for P1 in the root's domain, unless mapping is inhibited.
    let (code, r) = verify(
        &dir,
        "mapped.pem",
        "mapped-ca.pem",
        &["--policy-oid", P1, "--explicit-policy"],
    );
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["certificate_policies"], serde_json::json!([P1]));
    let (code, r) = verify(
        &dir,
        "mapped.pem",
        "mapped-ca.pem",
        &[
            "--policy-oid",
            P1,
            "--explicit-policy",
            "--inhibit-policy-mapping",
        ],
    );
    assert_eq!(code, 1, "{r:#}");
    assert!(has_code(&r, "chain.policy_invalid"), "{r:#}");

    // The text report names the set.
    Command::cargo_bin("chainvet")
        .expect("binary")
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args([
            "verify",
            "leaf.pem",
            "--intermediates",
            "ca.pem",
            "--trust-store",
            "root.pem",
        ])
        .args(["--at", AT])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "certificate policies: {P1}"
        )));
}

#[test]
fn bad_policy_flags_are_usage_errors() {
    let dir = TempDir::new("cli-verify-policies-bad");
    files(&dir);
    let run = |flags: &[&str]| {
        Command::cargo_bin("chainvet")
            .expect("binary")
            .current_dir(dir.path())
            .args([
                "verify",
                "leaf.pem",
                "--intermediates",
                "ca.pem",
                "--trust-store",
                "root.pem",
            ])
            .args(flags)
            .assert()
    };
    run(&["--policy-oid", "not-an-oid"])
        .code(2)
        .stderr(predicate::str::contains("not-an-oid"));
    // The webpki engine cannot honour them: refused, not ignored.
    dir.write("webpki.toml", "[path_validation]\nengine = \"webpki\"\n");
    run(&["--policy", "webpki.toml", "--inhibit-any-policy"])
        .code(2)
        .stderr(predicate::str::contains("webpki"));
}
