//! Writes the certificates the C tests and the C gateway's end-to-end test use, made with
//! chainvet-testkit (rcgen).
//!
//! Usage: `cargo run -p chainvet-ffi --example gen-c-fixtures -- DIR`
//!
//! - `DIR/unit/`: fixed-date chains for the C unit and thread tests, valid at the Unix
//!   time in `DIR/unit/at.txt` (2026-06-01): `good.pem` and `good-{0,1,2}.der` (leaf,
//!   intermediate, root), `reversed.pem`, `with-key.pem` (a private key in the bundle),
//!   `root.pem`, policies `trusting.toml` (trust store: that root) and
//!   `untrusting.toml` (trust store: the gateway's CA), `other.pem`/`other-0.der` (a chain
//!   whose leaf has the same subject and issuer but another serial), `registry.toml`
//!   (client `acme` registered `good.pem`; client `pinned` pinned the good leaf's SHA-256)
//!   and `bad-registry.toml` (a malformed pin on line 5). For trust-store mode:
//!   `deep-{0,1,2,3}.der` (leaf, intermediates 1 and 2, root of a four-certificate chain)
//!   with `deep-root.pem`, and `server-0.der`, a serverAuth leaf for `api.example.com`
//!   issued by `good-1.der`; `policy-{0,1}.der`, a leaf asserting certificate policy
//!   1.3.6.1.4.1.55555.1 and its CA (under the good root) asserting .1 and .2.
//! - `DIR/revocation/`: testkit's revocation PKI (issuing CA and root; leaves `good`,
//!   `revoked` (keyCompromise), `unknown`), as bundles `NAME.pem`, with OCSP responses
//!   made by `openssl ocsp` (`NAME-ocsp.der` signed by the CA, `delegated-good-ocsp.der`
//!   by a delegated responder, `unrelated-ocsp.der` by an unrelated key), the CA's CRL
//!   (`crl.der`, `crl.pem`, by `openssl ca -gencrl`), policies `hard-fail.toml` and
//!   `off.toml`, and `at.txt` (the time they were made; responses are fresh for a day);
//!   for trust-store mode, `good-0.der` and `revoked-0.der` (leaves), `ca.der` (their
//!   issuing CA) and `root.pem`.
//! - `DIR/keys/`: private keys in every shape, and the runs of their base64 and hex
//!   that no output may contain (see `keys`).
//! - `DIR/gateway/`: certificates dated relative to now, because the gateway validates at
//!   the current time: `ca.pem` (the gateway's trust store of client CAs),
//!   `server.pem`/`server.key` (`gateway.test`), and per client `NAME.pem` (leaf and
//!   intermediate, as a TLS client sends them) with `NAME.key` for `good`, `unordered`
//!   (the good leaf with a stranger CA sent before its intermediate), `other` (a second
//!   valid client certificate of the same CA, registered to nobody), `self-signed`,
//!   `expired`, `short-lived` (a 90-day lifetime) and `untrusted` (leaf, intermediate and
//!   root of a CA the gateway does not trust), `pki-good` and `pki-revoked` (from the
//!   revocation PKI, whose root `ca.pem` also holds), its CRL `crl.der`, plus
//!   `policy.toml` and `registry.toml` (client `acme-payments` registered `good.pem`, so
//!   `other` does not match it; client `pki-client` registered `pki-good.pem`).
use std::path::Path;
use std::time::Duration;

use chainvet_core::Certificate;
use chainvet_testkit::rcgen::ExtendedKeyUsagePurpose;
use chainvet_testkit::revocation::{OcspOptions, Pki, Signer};
use chainvet_testkit::{Chain, Issued, KeyKind, OffsetDateTime, Spec, at, issue, self_signed};

fn write(dir: &Path, name: &str, body: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Test policy OIDs (1.3.6.1.4.1.55555.1 and .2), as DER content octets.
const P1: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x03, 0x01];
const P2: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x03, 0x02];

/// certificatePolicies (2.5.29.32) listing `oids` (content octets), no qualifiers.
fn certificate_policies(oids: &[&[u8]]) -> chainvet_testkit::rcgen::CustomExtension {
    let tlv = |tag: u8, content: &[u8]| [&[tag, content.len() as u8][..], content].concat();
    let infos: Vec<u8> = oids.iter().flat_map(|o| tlv(0x30, &tlv(0x06, o))).collect();
    chainvet_testkit::rcgen::CustomExtension::from_oid_content(&[2, 5, 29, 32], tlv(0x30, &infos))
}

fn days(n: u64) -> Duration {
    Duration::from_secs(n * 86_400)
}

fn unit(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create unit dir");
    let chain = Chain::standard();
    write(dir, "at.txt", format!("{}\n", at()));
    write(dir, "good.pem", chain.pem());
    for (i, der) in chain.ders().iter().enumerate() {
        write(dir, &format!("good-{i}.der"), der);
    }
    write(dir, "reversed.pem", chain.pem_in_order(&[2, 1, 0]));
    write(dir, "root.pem", chain.certs[2].pem());
    // Relative trust stores resolve against the policy file's directory.
    write(dir, "trusting.toml", "trust_store = \"root.pem\"\n");
    write(
        dir,
        "untrusting.toml",
        "trust_store = \"../gateway/ca.pem\"\n",
    );
    let leaf = &chain.certs[0];

    // Registration binding: `acme` registered the good leaf (by file), `pinned` pinned its
    // SHA-256; `other` is a second leaf of the same CA with the same subject, registered
    // to nobody.
    // rcgen derives serials from the key: another key slot gives another serial.
    let other = chain
        .clone()
        .with_leaf(Spec::leaf("Test Leaf").key(KeyKind::P256, 5));
    write(dir, "other.pem", other.pem());
    write(dir, "other-0.der", &other.certs[0].der);
    let fingerprint = Certificate::from_der(leaf.der.clone())
        .expect("the testkit leaf parses")
        .sha256_hex();
    write(
        dir,
        "registry.toml",
        format!(
            "[clients.acme]\ncertificates = [\"good.pem\"]\n\n[clients.pinned]\nmode = \"fingerprint\"\nsha256 = [\"{fingerprint}\"]\n"
        ),
    );
    write(
        dir,
        "bad-registry.toml",
        "[clients.acme]\ncertificates = [\"good.pem\"]\n\n[clients.broken]\nsha256 = [\"12:34\"]\n",
    );

    // Trust-store mode: a deeper chain (an unordered pool, a depth limit) and a server leaf.
    // P-384: keys of its own (testkit reuses a key per kind and slot).
    let deep = Chain::new(2, KeyKind::P384);
    for (i, der) in deep.ders().iter().enumerate() {
        write(dir, &format!("deep-{i}.der"), der);
    }
    write(dir, "deep-root.pem", deep.certs[3].pem());
    let mut server = Spec::leaf("api.example.com").key(KeyKind::P256, 8);
    server.eku = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.dns_names = vec!["api.example.com".to_owned()];
    write(dir, "server-0.der", &issue(server, &chain.certs[1]).der);
    // Certificate policies: a CA under the good root asserting 1.3.6.1.4.1.55555.1 and
    // .2, and a client leaf it issued asserting .1.
    let mut policy_ca = Spec::ca("Policy CA").key(KeyKind::P256, 9);
    policy_ca.extensions.push(certificate_policies(&[P1, P2]));
    let policy_ca = issue(policy_ca, &chain.certs[2]);
    let mut policy_leaf = Spec::leaf("Policy Client").key(KeyKind::P256, 10);
    policy_leaf.extensions.push(certificate_policies(&[P1]));
    write(dir, "policy-0.der", &issue(policy_leaf, &policy_ca).der);
    write(dir, "policy-1.der", &policy_ca.der);

    write(
        dir,
        "with-key.pem",
        format!(
            "{}{}{}",
            leaf.pem(),
            leaf.key_pem(),
            chain.pem_in_order(&[1, 2])
        ),
    );
}

/// OCSP responses and a CRL made by the openssl CLI (testkit's revocation `Pki`; its
/// HTTP responder stops when `pki` is dropped, so the certificates' URLs lead nowhere
/// afterwards: tests must use what is written here, offline).
fn revocation(dir: &Path, pki: &Pki) {
    std::fs::create_dir_all(dir).expect("create revocation dir");
    let now = OffsetDateTime::now_utc().unix_timestamp();
    write(dir, "at.txt", format!("{now}\n"));
    for (name, leaf) in [
        ("good", &pki.good),
        ("revoked", &pki.revoked),
        ("unknown", &pki.unknown),
    ] {
        write(dir, &format!("{name}.pem"), pki.bundle(leaf));
        let response = pki.ocsp_response(leaf, &OcspOptions::default());
        write(dir, &format!("{name}-ocsp.der"), response);
    }
    let delegated = pki.ocsp_response(&pki.good, &OcspOptions::signed_by(Signer::Delegated));
    write(dir, "delegated-good-ocsp.der", delegated);
    let unrelated = pki.ocsp_response(&pki.good, &OcspOptions::signed_by(Signer::Unrelated));
    write(dir, "unrelated-ocsp.der", unrelated);
    write(dir, "crl.der", &pki.crl_der);
    write(dir, "good-0.der", &pki.good.der);
    write(dir, "revoked-0.der", &pki.revoked.der);
    write(dir, "ca.der", &pki.ca.der);
    write(dir, "root.pem", pki.root.pem());
    let crl_pem = std::fs::read(pki.crl_pem_path()).expect("read the CRL PEM");
    write(dir, "crl.pem", crl_pem);
    write(
        dir,
        "hard-fail.toml",
        "[revocation]\nmode = \"hard-fail\"\n",
    );
    write(dir, "off.toml", "[revocation]\nmode = \"off\"\n");
}

fn gateway(dir: &Path, pki: &Pki) {
    std::fs::create_dir_all(dir).expect("create gateway dir");
    let now = OffsetDateTime::now_utc();
    let dated = |spec: Spec, from: OffsetDateTime, to: OffsetDateTime| spec.validity(from, to);

    let root = self_signed(dated(
        Spec::ca("Gateway Test Root CA").key(KeyKind::P256, 40),
        now - days(30),
        now + days(3650),
    ));
    let int = issue(
        dated(
            Spec::ca("Gateway Test Issuing CA").key(KeyKind::P256, 41),
            now - days(30),
            now + days(3650),
        ),
        &root,
    );
    // The gateway trusts its own root and the revocation PKI's.
    write(dir, "ca.pem", format!("{}{}", root.pem(), pki.root.pem()));

    let mut server = Spec::leaf("gateway.test").key(KeyKind::P256, 50);
    server.eku = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.dns_names = vec!["gateway.test".to_owned()];
    let server = issue(dated(server, now - days(1), now + days(365)), &root);
    write(dir, "server.pem", server.pem());
    write(dir, "server.key", server.key_pem());

    let client = |name: &str, cert: &Issued, with_intermediate: bool| {
        let mut pem = cert.pem();
        if with_intermediate {
            pem.push_str(&int.pem());
        }
        write(dir, &format!("{name}.pem"), pem);
        write(dir, &format!("{name}.key"), cert.key_pem());
    };
    let leaf = |cn: &str, slot: u8, from, to| {
        issue(
            dated(Spec::leaf(cn).key(KeyKind::P256, slot), from, to),
            &int,
        )
    };
    let good = leaf("acme-payments client", 42, now - days(1), now + days(730));
    client("good", &good, true);
    // The same leaf with a stranger (another PKI's CA) sent before its intermediate: in
    // trust-store mode the pool is unordered and strangers are ignored.
    write(
        dir,
        "unordered.pem",
        format!("{}{}{}", good.pem(), pki.ca.pem(), int.pem()),
    );
    write(dir, "unordered.key", good.key_pem());
    client(
        "other",
        &leaf("acme-payments client", 43, now - days(1), now + days(730)),
        true,
    );
    client(
        "expired",
        &leaf("expired client", 44, now - days(400), now - days(35)),
        true,
    );
    client(
        "short-lived",
        &leaf("short-lived client", 45, now - days(1), now + days(89)),
        true,
    );
    let lone = self_signed(dated(
        Spec::leaf("self-signed client").key(KeyKind::P256, 46),
        now - days(1),
        now + days(730),
    ));
    client("self-signed", &lone, false);
    // A complete chain to a root the gateway does not trust.
    let elsewhere = self_signed(dated(
        Spec::ca("Untrusted Root CA").key(KeyKind::P256, 47),
        now - days(30),
        now + days(3650),
    ));
    let elsewhere_int = issue(
        dated(
            Spec::ca("Untrusted Issuing CA").key(KeyKind::P256, 48),
            now - days(30),
            now + days(3650),
        ),
        &elsewhere,
    );
    let stray = issue(
        dated(
            Spec::leaf("untrusted client").key(KeyKind::P256, 49),
            now - days(1),
            now + days(730),
        ),
        &elsewhere_int,
    );
    write(
        dir,
        "untrusted.pem",
        format!("{}{}{}", stray.pem(), elsewhere_int.pem(), elsewhere.pem()),
    );
    write(dir, "untrusted.key", stray.key_pem());
    for (name, leaf) in [("pki-good", &pki.good), ("pki-revoked", &pki.revoked)] {
        write(
            dir,
            &format!("{name}.pem"),
            format!("{}{}", leaf.pem(), pki.ca.pem()),
        );
        write(dir, &format!("{name}.key"), leaf.key_pem());
    }
    write(dir, "crl.der", &pki.crl_der);

    // The trust store is given to the gateway with --trust-store ca.pem.
    write(
        dir,
        "policy.toml",
        "# The onboarding profile: a leaf must live at least 180 days.\nleaf_min_lifetime_days = 180\n\n\
         # Revocation as a gateway runs it (docs/security.md): bounded per handshake.\n\
         [revocation]\nmode = \"soft-fail\"\ndeadline_ms = 1500\ntimeout_ms = 1000\n\
         max_ocsp_urls = 1\nmax_crl_urls = 1\nnegative_cache_seconds = 60\n\
         deny_private_destinations = true\n",
    );
    write(
        dir,
        "registry.toml",
        "[clients.acme-payments]\ncertificates = [\"good.pem\"]\n\n[clients.pki-client]\ncertificates = [\"pki-good.pem\"]\n",
    );
}

/// An attacker's self-built chain whose OCSP and CRL URLs point at a port on 127.0.0.1
/// the C test listens on (`port.txt`), and a policy that trusts that chain's root
/// (`trusting.toml`) but opens no destination: the C test counts connections.
fn attacker(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create attacker dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let root = self_signed(Spec::ca("Attacker Root").key(KeyKind::P256, 50));
    let ca = issue(Spec::ca("Attacker CA").key(KeyKind::P256, 51), &root);
    let mut spec = Spec::leaf("Attacker Client").key(KeyKind::P256, 52);
    spec.extensions
        .push(chainvet_testkit::revocation::ocsp_aia(&[&format!(
            "{base}/ocsp"
        )]));
    spec.extensions
        .push(chainvet_testkit::revocation::crl_distribution_points(&[
            &format!("{base}/crl"),
        ]));
    let leaf = issue(spec, &ca);
    write(dir, "port.txt", format!("{port}\n"));
    write(dir, "at.txt", format!("{}\n", at()));
    write(
        dir,
        "chain.pem",
        format!("{}{}{}", leaf.pem(), ca.pem(), root.pem()),
    );
    write(dir, "leaf.der", &leaf.der);
    write(dir, "ca.der", &ca.der);
    write(dir, "root.pem", root.pem());
    write(
        dir,
        "trusting.toml",
        "trust_store = \"root.pem\"\n[revocation]\nmode = \"hard-fail\"\n",
    );
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: gen-c-fixtures DIR");
    let dir = Path::new(&dir);
    unit(&dir.join("unit"));
    attacker(&dir.join("attacker"));
    let pki = Pki::new();
    revocation(&dir.join("revocation"), &pki);
    gateway(&dir.join("gateway"), &pki);
    keys(&dir.join("keys"));
    println!("wrote {}", dir.display());
}

/// `DIR/keys/`: every shape of private key (`chainvet_testkit::key_shapes`, made by
/// openssl) as `NNN.key`; `list` names them, one `NNN KIND NAME` per line; `KIND.runs`
/// holds, sorted, every 16-character run of that key's base64 and DER hex, which no
/// output may contain (ffi/tests/keys.c).
fn keys(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create keys dir");
    let shapes = chainvet_testkit::key_shapes::all(dir);
    let mut list = String::new();
    let mut runs: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for (i, shape) in shapes.iter().enumerate() {
        let kind = shape.name.split('/').next().unwrap_or("key").to_owned();
        write(dir, &format!("{i:03}.key"), &shape.bytes);
        list.push_str(&format!("{i:03} {kind} {}\n", shape.name));
        let set = runs.entry(kind).or_default();
        for secret in &shape.secrets {
            for w in secret.as_bytes().windows(chainvet_testkit::key_shapes::RUN) {
                set.insert(String::from_utf8_lossy(w).into_owned());
            }
        }
    }
    write(dir, "list", list);
    for (kind, set) in runs {
        let text: String = set.into_iter().map(|r| r + "\n").collect();
        write(dir, &format!("{kind}.runs"), text);
    }
}
