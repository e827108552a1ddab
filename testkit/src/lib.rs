//! Test-only generator of certificate chains (rcgen), shared by chainvet's test suites,
//! benches and sample generator. Keys are generated once per process and cached, so
//! RSA key generation does not dominate test time.

pub mod differential;
pub mod key_shapes;
pub mod listener;
pub mod mtls;
pub mod revocation;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

pub use rcgen;
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, RsaKeySize, SerialNumber,
};
pub use time::OffsetDateTime;

/// Key types the generator can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// RSA 2048, signing with SHA-256.
    Rsa2048,
    /// RSA 3072.
    Rsa3072,
    /// RSA 4096.
    Rsa4096,
    /// ECDSA P-256 with SHA-256.
    P256,
    /// ECDSA P-384 with SHA-384.
    P384,
    /// Ed25519.
    Ed25519,
}

/// The key of `kind` in `slot` (0, 1, 2, ...): the same key for the same pair within a
/// process, distinct keys for distinct slots.
pub fn key(kind: KeyKind, slot: u8) -> KeyPair {
    static CACHE: OnceLock<Mutex<HashMap<(KeyKind, u8), String>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let pem = {
        let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
        map.entry((kind, slot))
            .or_insert_with(|| generate(kind).serialize_pem())
            .clone()
    };
    let alg = signing_algorithm(kind);
    KeyPair::from_pem_and_sign_algo(&pem, alg).expect("cached key parses")
}

fn signing_algorithm(kind: KeyKind) -> &'static rcgen::SignatureAlgorithm {
    match kind {
        KeyKind::Rsa2048 | KeyKind::Rsa3072 | KeyKind::Rsa4096 => &rcgen::PKCS_RSA_SHA256,
        KeyKind::P256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        KeyKind::P384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        KeyKind::Ed25519 => &rcgen::PKCS_ED25519,
    }
}

fn generate(kind: KeyKind) -> KeyPair {
    let rsa = |size| KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, size);
    match kind {
        KeyKind::Rsa2048 => rsa(RsaKeySize::_2048),
        KeyKind::Rsa3072 => rsa(RsaKeySize::_3072),
        KeyKind::Rsa4096 => rsa(RsaKeySize::_4096),
        other => KeyPair::generate_for(signing_algorithm(other)),
    }
    .expect("key generation")
}

/// A date at midnight UTC.
pub fn date(year: i32, month: u8, day: u8) -> OffsetDateTime {
    rcgen::date_time_ymd(year, month, day)
}

/// The time at which the default chains are valid: 2026-06-01T00:00:00Z, as Unix seconds.
pub fn at() -> i64 {
    date(2026, 6, 1).unix_timestamp()
}

/// What a certificate should look like.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Subject common name.
    pub cn: String,
    /// Extra subject attributes, in order, after the CN.
    pub subject: Vec<(DnType, String)>,
    /// Key type.
    pub key: KeyKind,
    /// Key slot (distinct slots give distinct keys).
    pub slot: u8,
    /// notBefore.
    pub not_before: OffsetDateTime,
    /// notAfter.
    pub not_after: OffsetDateTime,
    /// basicConstraints cA=TRUE, with an optional pathLenConstraint.
    pub ca: Option<Option<u8>>,
    /// keyUsage purposes (empty: no extension).
    pub key_usage: Vec<KeyUsagePurpose>,
    /// extendedKeyUsage purposes (empty: no extension).
    pub eku: Vec<ExtendedKeyUsagePurpose>,
    /// Serial number content bytes (None: random).
    pub serial: Option<Vec<u8>>,
    /// subjectAltName DNS names.
    pub dns_names: Vec<String>,
    /// Extra extensions, DER-encoded by the caller.
    pub extensions: Vec<CustomExtension>,
    /// Write an authorityKeyIdentifier.
    pub authority_key_id: bool,
}

impl Spec {
    /// A client leaf: clientAuth, digitalSignature, valid 2025-01-01 to 2035-01-01.
    pub fn leaf(cn: &str) -> Spec {
        Spec {
            cn: cn.to_owned(),
            subject: vec![
                (DnType::CountryName, "DE".to_owned()),
                (DnType::OrganizationName, "Example Client GmbH".to_owned()),
            ],
            key: KeyKind::P256,
            slot: 0,
            not_before: date(2025, 1, 1),
            not_after: date(2035, 1, 1),
            ca: None,
            key_usage: vec![KeyUsagePurpose::DigitalSignature],
            eku: vec![ExtendedKeyUsagePurpose::ClientAuth],
            serial: None,
            dns_names: Vec::new(),
            extensions: Vec::new(),
            authority_key_id: true,
        }
    }

    /// A CA: cA=TRUE, keyCertSign and cRLSign, valid 2024-01-01 to 2044-01-01.
    pub fn ca(cn: &str) -> Spec {
        Spec {
            cn: cn.to_owned(),
            subject: vec![
                (DnType::CountryName, "DE".to_owned()),
                (DnType::OrganizationName, "Example CA".to_owned()),
            ],
            key: KeyKind::P256,
            slot: 1,
            not_before: date(2024, 1, 1),
            not_after: date(2044, 1, 1),
            ca: Some(None),
            key_usage: vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign],
            eku: Vec::new(),
            serial: None,
            dns_names: Vec::new(),
            extensions: Vec::new(),
            authority_key_id: true,
        }
    }

    /// Sets the key.
    pub fn key(mut self, kind: KeyKind, slot: u8) -> Spec {
        self.key = kind;
        self.slot = slot;
        self
    }

    /// Sets the validity.
    pub fn validity(mut self, not_before: OffsetDateTime, not_after: OffsetDateTime) -> Spec {
        self.not_before = not_before;
        self.not_after = not_after;
        self
    }

    fn params(&self) -> CertificateParams {
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        for (ty, value) in &self.subject {
            dn.push(ty.clone(), value.clone());
        }
        dn.push(DnType::CommonName, self.cn.clone());
        p.distinguished_name = dn;
        p.not_before = self.not_before;
        p.not_after = self.not_after;
        p.is_ca = match self.ca {
            None => IsCa::ExplicitNoCa,
            Some(None) => IsCa::Ca(BasicConstraints::Unconstrained),
            Some(Some(n)) => IsCa::Ca(BasicConstraints::Constrained(n)),
        };
        p.key_usages = self.key_usage.clone();
        p.extended_key_usages = self.eku.clone();
        p.serial_number = self.serial.as_deref().map(SerialNumber::from_slice);
        p.subject_alt_names = self
            .dns_names
            .iter()
            .map(|n| rcgen::SanType::DnsName(n.clone().try_into().expect("dns name")))
            .collect();
        p.custom_extensions = self.extensions.clone();
        p.use_authority_key_identifier_extension = self.authority_key_id;
        p
    }
}

/// A generated certificate with what is needed to issue more from it.
#[derive(Debug, Clone)]
pub struct Issued {
    /// DER.
    pub der: Vec<u8>,
    /// The spec it was made from.
    pub spec: Spec,
}

impl Issued {
    /// PEM.
    pub fn pem(&self) -> String {
        pem_of(&self.der)
    }

    /// The private key (PKCS#8 PEM), e.g. for a TLS client.
    pub fn key_pem(&self) -> String {
        key(self.spec.key, self.spec.slot).serialize_pem()
    }
}

/// PEM of a DER certificate.
pub fn pem_of(der: &[u8]) -> String {
    pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der).expect("pem")
}

/// A self-signed certificate.
pub fn self_signed(spec: Spec) -> Issued {
    let key = key(spec.key, spec.slot);
    let cert = spec.params().self_signed(&key).expect("self-sign");
    Issued {
        der: cert.der().to_vec(),
        spec,
    }
}

/// A certificate for `spec` issued (signed) by `issuer`.
pub fn issue(spec: Spec, issuer: &Issued) -> Issued {
    let subject_key = key(spec.key, spec.slot);
    let issuer_key = key(issuer.spec.key, issuer.spec.slot);
    let issuer_params = issuer.spec.params();
    let signer = Issuer::from_params(&issuer_params, &issuer_key);
    let cert = spec
        .params()
        .signed_by(&subject_key, &signer)
        .expect("sign");
    Issued {
        der: cert.der().to_vec(),
        spec,
    }
}

/// A chain, leaf first.
#[derive(Debug, Clone)]
pub struct Chain {
    /// Leaf, intermediates, root.
    pub certs: Vec<Issued>,
}

impl Chain {
    /// Leaf, `intermediates` CAs and a root, all on `key` (distinct key slots), named
    /// `Test Leaf`, `Test Intermediate N`, `Test Root`.
    pub fn new(intermediates: usize, key_kind: KeyKind) -> Chain {
        let slot = |n: usize| u8::try_from(n).expect("small");
        let root = self_signed(Spec::ca("Test Root").key(key_kind, slot(intermediates + 1)));
        let mut certs = vec![root];
        for n in (1..=intermediates).rev() {
            let spec = Spec::ca(&format!("Test Intermediate {n}")).key(key_kind, slot(n));
            let parent = certs.last().expect("root");
            let issued = issue(spec, parent);
            certs.push(issued);
        }
        let leaf = issue(
            Spec::leaf("Test Leaf").key(key_kind, 0),
            certs.last().expect("ca"),
        );
        certs.push(leaf);
        certs.reverse();
        Chain { certs }
    }

    /// The default 3-certificate P-256 chain.
    pub fn standard() -> Chain {
        Chain::new(1, KeyKind::P256)
    }

    /// Replaces the leaf with one made from `spec` by the first issuer.
    pub fn with_leaf(mut self, spec: Spec) -> Chain {
        let leaf = issue(spec, &self.certs[1]);
        self.certs[0] = leaf;
        self
    }

    /// The bundle as PEM, leaf first.
    pub fn pem(&self) -> String {
        self.certs.iter().map(Issued::pem).collect()
    }

    /// The bundle as PEM with the certificates in the given order of indices.
    pub fn pem_in_order(&self, order: &[usize]) -> String {
        order.iter().map(|&i| self.certs[i].pem()).collect()
    }

    /// DER certificates, leaf first.
    pub fn ders(&self) -> Vec<Vec<u8>> {
        self.certs.iter().map(|c| c.der.clone()).collect()
    }
}

/// An openssl-generated fixture bundle (see `fixtures/generate.sh`), by file stem.
pub fn fixture(name: &str) -> &'static str {
    match name {
        "sha1-signed" => include_str!("../fixtures/sha1-signed.pem"),
        "md5-signed" => include_str!("../fixtures/md5-signed.pem"),
        "pss-signed" => include_str!("../fixtures/pss-signed.pem"),
        "secp256k1-key" => include_str!("../fixtures/secp256k1-key.pem"),
        "ed448-key" => include_str!("../fixtures/ed448-key.pem"),
        "rsa1024-key" => include_str!("../fixtures/rsa1024-key.pem"),
        "rsa1024-ca" => include_str!("../fixtures/rsa1024-ca.pem"),
        "unused-private-key" => include_str!("../fixtures/unused-private-key.pem"),
        "encrypted-private-key" => include_str!("../fixtures/encrypted-private-key.pem"),
        "ed448-ca" => include_str!("../fixtures/ed448-ca.pem"),
        other => panic!("no fixture {other}"),
    }
}

/// A DER CRL signed by `issuer`, revoking the given serial numbers (content bytes),
/// valid from `this_update` to `next_update`, with CRL number 1.
pub fn crl(
    issuer: &Issued,
    revoked: &[&[u8]],
    this_update: OffsetDateTime,
    next_update: OffsetDateTime,
) -> Vec<u8> {
    let issuer_key = key(issuer.spec.key, issuer.spec.slot);
    let issuer_params = issuer.spec.params();
    let signer = Issuer::from_params(&issuer_params, &issuer_key);
    let params = rcgen::CertificateRevocationListParams {
        this_update,
        next_update,
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: revoked
            .iter()
            .map(|serial| rcgen::RevokedCertParams {
                serial_number: SerialNumber::from_slice(serial),
                revocation_time: this_update,
                reason_code: Some(rcgen::RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    };
    params.signed_by(&signer).expect("sign CRL").der().to_vec()
}

/// A fresh directory under the system temp dir, removed when dropped.
#[derive(Debug)]
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    /// Creates `chainvet-<tag>-<pid>-<n>` in the system temp dir.
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("chainvet-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    /// The directory.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// Writes `name` in the directory and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> std::path::PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(&path, contents).expect("write temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the `openssl` command line tool in `dir`, panicking with its output when it
/// fails (tests that use it need the real tool, never a stand-in).
pub fn openssl(dir: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command line tool must be installed to run this test");
    assert!(
        out.status.success(),
        "openssl {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
