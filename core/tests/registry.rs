//! Registry files: loading TOML and JSON, and errors that say where (line, column,
//! field path).

use chainvet::{BindingMode, Certificate, Code, Registry, Timestamp, Validator};
use chainvet_testkit::{Chain, Issued, Spec, TempDir, at, issue};

struct Fixture {
    dir: TempDir,
    chain: Chain,
    rotated: Issued,
}

fn fixture() -> Fixture {
    let dir = TempDir::new("registry");
    let chain = Chain::standard();
    let rotated = issue(
        Spec::leaf("Test Leaf 2027").key(chainvet_testkit::KeyKind::P256, 5),
        &chain.certs[1],
    );
    dir.write("acme/2025.pem", chain.certs[0].pem());
    dir.write(
        "acme/2027.pem",
        chain.pem_in_order(&[2, 1]) + &rotated.pem(),
    );
    dir.write(
        "leaked.pem",
        chain.certs[0].pem() + &chain.certs[0].key_pem(),
    );
    Fixture {
        dir,
        chain,
        rotated,
    }
}

fn leaf(issued: &Issued) -> Certificate {
    Certificate::from_der(issued.der.clone()).expect("testkit certificates parse")
}

#[test]
fn toml_registry_loads_every_kind_of_registration() {
    let f = fixture();
    let pin = hex_colons(&leaf(&f.chain.certs[0]).sha256_hex());
    let text = format!(
        r#"max_active = 3

[clients.acme]
# the bundle file registers its leaf, whatever the order
certificates = ["acme/2025.pem", "acme/2027.pem"]

[clients.globex]
mode = "fingerprint"
max_active = 1
sha256 = ["{pin}"]

[clients."pinned.key"]
spki_sha256 = ["{}"]
"#,
        "00".repeat(32)
    );
    let path = f.dir.write("registry.toml", &text);
    let registry = Registry::from_file(&path).unwrap();
    assert_eq!(
        registry.client_ids().collect::<Vec<_>>(),
        ["acme", "globex", "pinned.key"]
    );

    let acme = registry.client("acme").unwrap();
    assert_eq!(acme.mode(), BindingMode::SerialCnIssuer);
    assert_eq!(acme.max_active(), 3);
    assert_eq!(acme.client(), Some("acme"));
    let labels: Vec<&str> = acme.registrations().iter().map(|r| r.label()).collect();
    assert_eq!(labels, ["acme/2025.pem", "acme/2027.pem"]);
    assert_eq!(
        acme.registrations()[1].common_name(),
        Some("Test Leaf 2027"),
        "the leaf of a bundle given root first is registered"
    );

    let globex = registry.client("globex").unwrap();
    assert_eq!(globex.mode(), BindingMode::Fingerprint);
    assert_eq!(globex.max_active(), 1);

    let v = Validator::default();
    let now = Timestamp(at());
    for (client, presented, ok) in [
        ("acme", &f.chain.certs[0], true),
        ("acme", &f.rotated, true),
        ("globex", &f.chain.certs[0], true),
        ("globex", &f.rotated, false),
        ("pinned.key", &f.chain.certs[0], false),
    ] {
        let outcome = v.check_binding(&leaf(presented), &registry.binding_for(client), now);
        assert_eq!(outcome.accepted, ok, "{client}: {:#?}", outcome.findings);
    }
    let unknown = v.check_binding(&leaf(&f.rotated), &registry.binding_for("nobody"), now);
    assert!(!unknown.accepted);
    assert!(
        unknown.findings[0].message.contains("client `nobody`"),
        "{}",
        unknown.findings[0].message
    );
}

#[test]
fn json_registry_is_equivalent() {
    let f = fixture();
    let text = r#"{
  "mode": "serial+cn",
  "clients": {
    "acme": {"certificates": ["acme/2025.pem"]}
  }
}"#;
    let registry = Registry::from_text(text, f.dir.path()).unwrap();
    let acme = registry.client("acme").unwrap();
    assert_eq!(acme.mode(), BindingMode::SerialCn);
    assert_eq!(acme.max_active(), 2);
    assert_eq!(acme.registrations().len(), 1);
    assert_eq!(registry.len(), 1);
}

fn hex_colons(hex: &str) -> String {
    hex.as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).to_uppercase())
        .collect::<Vec<_>>()
        .join(":")
}

/// Loads `text` as a TOML registry in the fixture directory and returns the error.
fn toml_error(f: &Fixture, text: &str) -> chainvet::RegistryError {
    let path = f.dir.write("bad.toml", text);
    match Registry::from_file(&path) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => {
            assert_eq!(e.file.as_deref(), Some(path.as_path()));
            e
        }
    }
}

#[test]
fn toml_errors_give_line_column_and_field() {
    let f = fixture();

    let e = toml_error(
        &f,
        "[clients.acme]\ncertificates = [\"acme/2025.pem\"]\ncertficates = []\n",
    );
    assert_eq!(e.line, Some(3), "{e}");
    assert_eq!(e.column, Some(1), "{e}");
    assert!(e.message.contains("unknown field `certficates`"), "{e}");
    assert_eq!(e.field.as_deref(), Some("clients.acme.certficates"), "{e}");
    assert!(
        e.to_string()
            .contains("bad.toml:3:1: clients.acme.certficates: unknown field"),
        "{e}"
    );

    let e = toml_error(&f, "[clients.globex]\nsha256 = [\n  \"abcd\",\n]\n");
    assert_eq!((e.line, e.column), (Some(3), Some(3)), "{e}");
    assert_eq!(e.field.as_deref(), Some("clients.globex.sha256[0]"), "{e}");
    assert!(e.message.contains("64 hexadecimal digits"), "{e}");

    let e = toml_error(
        &f,
        "[clients.acme]\ncertificates = [\"acme/2025.pem\",\n  \"acme/missing.pem\"]\n",
    );
    assert_eq!(e.line, Some(3), "{e}");
    assert_eq!(
        e.field.as_deref(),
        Some("clients.acme.certificates[1]"),
        "{e}"
    );
    assert!(
        e.message
            .contains("cannot read certificate file `acme/missing.pem`"),
        "{e}"
    );

    let e = toml_error(
        &f,
        "\n[clients.acme]\nmode = \"serial\"\ncertificates = []\n",
    );
    assert_eq!(e.line, Some(3), "{e}");
    assert_eq!(e.field.as_deref(), Some("clients.acme.mode"), "{e}");
    assert!(e.message.contains("unknown variant `serial`"), "{e}");

    let e = toml_error(&f, "[clients.empty]\ncertificates = []\n");
    assert_eq!(e.field.as_deref(), Some("clients.empty"), "{e}");
    assert!(e.line.is_some(), "{e}");
    assert!(e.message.contains("registers nothing"), "{e}");

    let e = toml_error(&f, "[clients.acme]\ncertificates = [\"acme/2025.pem\"\n");
    assert!(e.line.is_some(), "syntax errors have a position: {e}");

    let e = toml_error(
        &f,
        "[clients.acme]\nmax_active = -1\ncertificates = [\"acme/2025.pem\"]\n",
    );
    assert_eq!(e.line, Some(2), "{e}");
    assert_eq!(e.field.as_deref(), Some("clients.acme.max_active"), "{e}");
}

#[test]
fn a_registered_file_with_a_private_key_is_refused_without_echoing_it() {
    let f = fixture();
    let key_pem = f.chain.certs[0].key_pem();
    let e = toml_error(&f, "[clients.acme]\ncertificates = [\"leaked.pem\"]\n");
    assert_eq!(e.line, Some(2), "{e}");
    assert!(e.message.contains("private key"), "{e}");
    assert!(e.message.contains("not shown"), "{e}");
    for line in key_pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!e.to_string().contains(line), "key material echoed: {e}");
    }
}

#[test]
fn json_errors_give_line_column_and_field() {
    let f = fixture();
    let e = Registry::from_json(
        "{\n  \"clients\": {\n    \"acme\": {\"sha256\": [\"xyz\"]}\n  }\n}",
        f.dir.path(),
    )
    .unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.column.is_some(), "{e}");
    assert_eq!(e.field.as_deref(), Some("clients.acme.sha256[0]"), "{e}");
    assert!(e.message.contains("not a SHA-256 fingerprint"), "{e}");
    assert!(
        !e.message.contains(" at line "),
        "position is not repeated: {e}"
    );

    let e = Registry::from_json(
        "{\"clients\": {\n\"acme\": {\"certificates\": [\"acme/2025.pem\"]},\n\"acme\": {\"certificates\": [\"acme/2025.pem\"]}}}",
        f.dir.path(),
    )
    .unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.message.contains("client `acme` is given twice"), "{e}");

    let e = Registry::from_json("{\"clients\": {}, \"mode\": 3}", f.dir.path()).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("mode"), "{e}");
    assert_eq!(e.line, Some(1), "{e}");

    let e = Registry::from_json("{\"clients\": {}} trailing", f.dir.path()).unwrap_err();
    assert_eq!(e.line, Some(1), "{e}");
    assert!(e.message.contains("trailing"), "{e}");

    let e = Registry::from_json("{\"client\": {}}", f.dir.path()).unwrap_err();
    assert!(e.message.contains("unknown field `client`"), "{e}");
}

#[test]
fn registry_drives_validation_of_a_bundle() {
    let f = fixture();
    let path = f.dir.write(
        "registry.toml",
        "[clients.acme]\ncertificates = [\"acme/2025.pem\"]\n",
    );
    let registry = Registry::from_file(&path).unwrap();
    let v = Validator::default();
    let ok = v.validate_with(
        f.chain.pem().as_bytes(),
        &chainvet::Options::at(Timestamp(at())).with_binding(registry.binding_for("acme")),
    );
    assert!(ok.accepted, "{:#?}", ok.findings);
    let other = v.validate_with(
        f.chain.pem().as_bytes(),
        &chainvet::Options::at(Timestamp(at())).with_binding(registry.binding_for("globex")),
    );
    assert!(!other.accepted);
    assert!(other.has(Code::BindingNoRegisteredCertificate));
}
