//! Policy, trust store and registry files that do not load all give the one structured
//! error (`LoadError`: file, line, column, field, message) in the one format
//! `FILE:LINE:COL: field: message`.

use chainvet::{Policy, Registry, TrustStore, Validator};
use chainvet_testkit::{Chain, TempDir};

#[test]
fn a_broken_policy_points_at_the_key() {
    let dir = TempDir::new("load-policy");
    let path = dir.write(
        "policy.toml",
        "leaf_min_lifetime_days = 0\n\n[revocation]\nmode = \"strict\"\n",
    );
    let e = Policy::from_file(&path).expect_err("a bad mode is refused");
    assert_eq!(e.file.as_deref(), Some(path.as_path()));
    assert_eq!((e.line, e.column), (Some(4), Some(8)), "{e}");
    assert_eq!(e.field.as_deref(), Some("revocation.mode"), "{e}");
    assert!(e.message.contains("strict"), "{e}");
    assert_eq!(
        e.to_string(),
        format!("{}:4:8: revocation.mode: {}", path.display(), e.message)
    );

    // An unknown key (a typo never weakens a policy silently), in JSON too.
    let e = Policy::from_text("{\n  \"rsa_min_bits\": 2048,\n  \"rsa_min_bit\": 1024\n}")
        .expect_err("unknown key");
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.column.is_some(), "{e}");
    assert_eq!(e.field.as_deref(), Some("rsa_min_bit"), "{e}");
    assert!(e.to_string().starts_with("<text>:3:"), "{e}");

    // A syntax error has a place but no field.
    let e = Policy::from_toml("rsa_min_bits = \n").expect_err("syntax");
    assert_eq!(e.line, Some(1), "{e}");
    assert!(e.field.is_none(), "{e}");

    // Through the validator, a policy naming a missing trust store names that file.
    let policy = dir.write("p2.toml", "trust_store = \"missing.pem\"\n");
    let e = Validator::new(Policy::from_file(&policy).expect("parses")).expect_err("missing");
    assert_eq!(
        e.file.as_deref(),
        Some(dir.path().join("missing.pem").as_path())
    );
    assert!(e.line.is_none() && e.field.is_none(), "{e}");
}

#[test]
fn a_trust_store_with_a_bad_block_points_at_its_begin_line() {
    let chain = Chain::standard();
    let good = chain.certs[2].pem();
    let good_lines = good.lines().count();
    // The second block's base64 is damaged in the middle.
    let mut damaged = chain.certs[1].pem();
    let mid = damaged.len() / 2;
    damaged.replace_range(mid..=mid, "!");
    let dir = TempDir::new("load-trust");
    let path = dir.write("trust.pem", format!("{good}{damaged}"));

    let e = TrustStore::from_file(&path).expect_err("damaged block");
    assert_eq!(e.file.as_deref(), Some(path.as_path()));
    assert_eq!((e.line, e.column), (Some(good_lines + 1), Some(1)), "{e}");
    assert_eq!(e.field.as_deref(), Some("certificate 2"), "{e}");
    assert!(
        e.to_string().starts_with(&format!(
            "{}:{}:1: certificate 2: ",
            path.display(),
            good_lines + 1
        )),
        "{e}"
    );

    // Base64 that decodes to something that is no certificate, after a comment line.
    let junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let e = TrustStore::from_pem(format!("# roots\n{good}{junk}").as_bytes())
        .expect_err("not a certificate");
    assert_eq!(
        (e.line, e.field.as_deref()),
        (Some(good_lines + 2), Some("certificate 2"))
    );
    assert!(e.file.is_none());

    // No block at all: nothing to point at, but still the same error.
    let e = TrustStore::from_pem(b"hello\n").expect_err("empty");
    assert!(e.line.is_none() && e.field.is_none(), "{e}");
}

/// The attacker's side: a trust store file with a private key and a bad block names
/// the block, and no byte of the key reaches the error.
#[test]
fn a_trust_store_error_never_shows_key_material() {
    let chain = Chain::standard();
    let key = chain.certs[0].key_pem();
    let body: String = key.lines().filter(|l| !l.starts_with("-----")).collect();
    let junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let e = TrustStore::from_pem(format!("{key}{junk}").as_bytes()).expect_err("bad block");
    let text = format!("{e} {e:?}");
    assert_eq!(e.field.as_deref(), Some("certificate 1"), "{e}");
    assert_eq!(e.line, Some(key.lines().count() + 1), "{e}");
    for chunk in body.as_bytes().chunks(16) {
        let chunk = std::str::from_utf8(chunk).expect("base64 is ASCII");
        assert!(!text.contains(chunk), "key material in {text}");
    }
}

#[test]
fn a_broken_registry_points_at_the_field() {
    let dir = TempDir::new("load-registry");
    let path = dir.write(
        "registry.toml",
        "mode = \"fingerprint\"\n[clients.acme]\nsha256 = [\"00\"]\n",
    );
    let e = Registry::from_file(&path).expect_err("bad pin");
    assert_eq!(e.file.as_deref(), Some(path.as_path()));
    assert_eq!((e.line, e.column), (Some(3), Some(11)), "{e}");
    assert_eq!(e.field.as_deref(), Some("clients.acme.sha256[0]"), "{e}");
    assert!(
        e.to_string().starts_with(&format!(
            "{}:3:11: clients.acme.sha256[0]: ",
            path.display()
        )),
        "{e}"
    );
}
