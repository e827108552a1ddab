//! The chains every benchmark runs on, shared by the criterion benches, the pyca timing
//! script's fixture writer and the memory loop, so every peer sees the same bytes.

use chainvet_testkit::{Issued, KeyKind, Spec, issue, self_signed};

/// One benchmark chain: a PEM bundle (leaf, intermediates, root) and a sibling bundle
/// whose leaf is different but whose CA certificates are the same.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Short name used in benchmark ids, e.g. `rsa2048`.
    pub name: &'static str,
    /// The bundle, leaf first, as PEM.
    pub pem: String,
    /// The same certificates as DER, leaf first.
    pub ders: Vec<Vec<u8>>,
    /// A bundle with another leaf from the same issuing CA (for "new leaf, known CA").
    pub sibling_pem: String,
}

/// Validation time at which every fixture is valid (2026-06-01T00:00:00Z).
pub fn at() -> i64 {
    chainvet_testkit::at()
}

fn leaf_spec(cn: &str, key: KeyKind, slot: u8) -> Spec {
    let mut spec = Spec::leaf(cn).key(key, slot);
    // pyca's client verifier and most gateways expect a subjectAltName.
    spec.dns_names = vec![format!(
        "{}.example.com",
        cn.to_lowercase().replace(' ', "-")
    )];
    spec
}

fn build(name: &'static str, cas: &[(KeyKind, u8)], leaf_key: KeyKind) -> Fixture {
    // cas: root first.
    let (root_key, root_slot) = cas[0];
    let mut issued: Vec<Issued> = vec![self_signed(
        Spec::ca("Bench Root CA").key(root_key, root_slot),
    )];
    for (n, &(kind, slot)) in cas.iter().enumerate().skip(1) {
        let spec = Spec::ca(&format!("Bench Intermediate CA {n}")).key(kind, slot);
        let parent = issued.last().expect("root");
        let cert = issue(spec, parent);
        issued.push(cert);
    }
    let issuer = issued.last().expect("ca").clone();
    let leaf = issue(leaf_spec("Bench Client", leaf_key, 0), &issuer);
    let sibling = issue(leaf_spec("Bench Client Two", leaf_key, 9), &issuer);
    let ca_pem: String = issued.iter().rev().map(Issued::pem).collect();
    let mut ders = vec![leaf.der.clone()];
    ders.extend(issued.iter().rev().map(|c| c.der.clone()));
    Fixture {
        name,
        pem: format!("{}{ca_pem}", leaf.pem()),
        ders,
        sibling_pem: format!("{}{ca_pem}", sibling.pem()),
    }
}

/// Names of the benchmark chains, in benchmark order.
pub const NAMES: [&str; 4] = ["rsa2048", "p256", "p256-4cert", "rsa4096-root"];

/// The benchmark chains: 3-certificate RSA-2048 and P-256 chains, a 4-certificate P-256
/// chain, and an RSA-2048 chain under an RSA-4096 root.
pub fn fixtures() -> Vec<Fixture> {
    NAMES.iter().map(|n| fixture(n)).collect()
}

/// One benchmark chain by name (see `NAMES`).
pub fn fixture(name: &str) -> Fixture {
    match name {
        "rsa2048" => build(
            "rsa2048",
            &[(KeyKind::Rsa2048, 2), (KeyKind::Rsa2048, 1)],
            KeyKind::Rsa2048,
        ),
        "p256" => build(
            "p256",
            &[(KeyKind::P256, 2), (KeyKind::P256, 1)],
            KeyKind::P256,
        ),
        "p256-4cert" => build(
            "p256-4cert",
            &[(KeyKind::P256, 3), (KeyKind::P256, 2), (KeyKind::P256, 1)],
            KeyKind::P256,
        ),
        "rsa4096-root" => build(
            "rsa4096-root",
            &[(KeyKind::Rsa4096, 2), (KeyKind::Rsa2048, 1)],
            KeyKind::Rsa2048,
        ),
        other => panic!("no benchmark chain {other}; see NAMES"),
    }
}
