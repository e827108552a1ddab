//! Writes `samples/`: a good bundle and one bundle per common defect.
//!
//! Usage: `cargo run -p chainvet-testkit --bin gen-samples -- samples`
//!
//! Dates are fixed (chains valid 2025-01-01 to 2045) so the samples stay meaningful for
//! years; the short-lived and expired samples are validated with `--at 2026-12-01T00:00:00Z`
//! in the README and the tests.

use std::path::{Path, PathBuf};

use chainvet_testkit::rcgen::{DnType, ExtendedKeyUsagePurpose};
use chainvet_testkit::{Issued, KeyKind, Spec, date, fixture, issue, key, self_signed};

fn write(dir: &Path, name: &str, body: &str) {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    println!("wrote {}", path.display());
}

fn chain_of(key_kind: KeyKind, leaf_cn: &str, root_cn: &str, int_cn: &str) -> Vec<Issued> {
    let long = |s: Spec| s.validity(date(2025, 1, 1), date(2045, 1, 1));
    let root = self_signed(long(Spec::ca(root_cn)).key(key_kind, 11));
    let int = issue(long(Spec::ca(int_cn)).key(key_kind, 12), &root);
    let mut leaf_spec = Spec::leaf(leaf_cn).key(key_kind, 10);
    leaf_spec.not_after = date(2044, 1, 1);
    leaf_spec.dns_names = vec![format!(
        "{}.example.com",
        leaf_cn.replace(' ', "-").to_lowercase()
    )];
    leaf_spec
        .subject
        .push((DnType::LocalityName, "Berlin".to_owned()));
    let leaf = issue(leaf_spec, &int);
    vec![leaf, int, root]
}

fn pem(certs: &[&Issued]) -> String {
    certs.iter().map(|c| c.pem()).collect()
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "samples".into()));
    std::fs::create_dir_all(&dir).expect("create samples dir");

    let ec = chain_of(
        KeyKind::P256,
        "acme-payments client",
        "Example Root CA",
        "Example Issuing CA",
    );
    let (leaf, int, root) = (&ec[0], &ec[1], &ec[2]);
    let rsa = chain_of(
        KeyKind::Rsa2048,
        "acme-payments rsa client",
        "Example RSA Root CA",
        "Example RSA Issuing CA",
    );

    write(&dir, "good.pem", &pem(&[leaf, int, root]));
    write(&dir, "good-rsa.pem", &pem(&[&rsa[0], &rsa[1], &rsa[2]]));
    write(&dir, "root-ca.pem", &pem(&[root]));
    write(&dir, "reversed.pem", &pem(&[root, int, leaf]));
    write(&dir, "wrong-order.pem", &pem(&[int, leaf, root]));
    write(&dir, "missing-root.pem", &pem(&[leaf, int]));
    write(&dir, "missing-intermediate.pem", &pem(&[leaf, root]));
    write(&dir, "duplicate.pem", &pem(&[leaf, int, int, root]));
    write(&dir, "unrelated.pem", &pem(&[leaf, int, root, &rsa[2]]));

    let explanatory = format!(
        "Subject: C=DE, O=Example Client GmbH, L=Berlin, CN=acme-payments client\nIssuer: C=DE, O=Example CA, CN=Example Issuing CA\n{}\nsubject=CN=Example Issuing CA\n{}\n{}",
        leaf.pem(),
        int.pem(),
        root.pem()
    );
    write(&dir, "explanatory-text.pem", &explanatory);
    let with_key = format!(
        "{}{}{}{}",
        leaf.pem(),
        leaf.key_pem(),
        int.pem(),
        root.pem()
    );
    write(&dir, "private-key.pem", &with_key);

    let self_signed_leaf = self_signed(
        Spec::leaf("self-signed client")
            .key(KeyKind::P256, 13)
            .validity(date(2025, 1, 1), date(2044, 1, 1)),
    );
    write(&dir, "self-signed.pem", &self_signed_leaf.pem());

    let mut csr_params = chainvet_testkit::rcgen::CertificateParams::default();
    csr_params.distinguished_name = chainvet_testkit::rcgen::DistinguishedName::new();
    csr_params
        .distinguished_name
        .push(DnType::CountryName, "DE");
    csr_params
        .distinguished_name
        .push(DnType::CommonName, "acme-payments client");
    let csr = csr_params
        .serialize_request(&key(KeyKind::P256, 10))
        .expect("csr")
        .pem()
        .expect("csr pem");
    write(&dir, "csr.pem", &csr);

    let short = issue(
        Spec::leaf("short-lived client")
            .key(KeyKind::P256, 14)
            .validity(date(2026, 11, 1), date(2027, 1, 30)),
        int,
    );
    write(&dir, "short-lived.pem", &pem(&[&short, int, root]));

    let expired = issue(
        Spec::leaf("expired client")
            .key(KeyKind::P256, 15)
            .validity(date(2024, 1, 1), date(2025, 7, 1)),
        int,
    );
    write(&dir, "expired.pem", &pem(&[&expired, int, root]));

    let mut server_spec = Spec::leaf("server-only")
        .key(KeyKind::P256, 16)
        .validity(date(2025, 1, 1), date(2044, 1, 1));
    server_spec.eku = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server = issue(server_spec, int);
    write(&dir, "server-eku.pem", &pem(&[&server, int, root]));

    // A 1024-bit RSA leaf (openssl-made: rcgen cannot), from testkit/fixtures.
    write(&dir, "weak-key.pem", fixture("rsa1024-key"));
    write(&dir, "sha1-signature.pem", fixture("sha1-signed"));

    std::fs::write(dir.join("leaf.der"), &leaf.der).expect("write der");
    println!("wrote {}", dir.join("leaf.der").display());
}
