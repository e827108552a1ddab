//! The chains every benchmark runs on, shared by the criterion benches, the pyca timing
//! script's fixture writer and the memory loop, so every peer sees the same bytes.

use chainvet_testkit::{Issued, KeyKind, Spec, issue, self_signed};
use criterion::Throughput;
use criterion::measurement::{Measurement, ValueFormatter};

/// id-kp-clientAuth, content octets.
pub const CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];

/// The algorithms a rustls user passes to rustls-webpki (rustls' aws-lc-rs provider
/// list), for the peers timed beside chainvet.
pub static WEBPKI_ALGS: &[&dyn pki_types::SignatureVerificationAlgorithm] = &[
    webpki::aws_lc_rs::ECDSA_P256_SHA256,
    webpki::aws_lc_rs::ECDSA_P384_SHA384,
    webpki::aws_lc_rs::RSA_PKCS1_2048_8192_SHA256,
    webpki::aws_lc_rs::RSA_PKCS1_2048_8192_SHA384,
    webpki::aws_lc_rs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::aws_lc_rs::ED25519,
];

/// Criterion measurement: CPU time of the benchmarking thread
/// (`CLOCK_THREAD_CPUTIME_ID`), not wall time. The machine these benchmarks run on is
/// shared with compilers and test suites; wall time would charge chainvet and its peers
/// alike for whatever else had the core. Every Rust peer is measured with it, and the
/// pyca script uses the Python equivalent (`time.thread_time_ns`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadCpuTime;

/// Nanoseconds of CPU time the calling thread has used.
#[allow(unsafe_code)]
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant the kernel
    // supports on Linux; the call has no other side effects.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Nanoseconds of CPU time the whole process has used (every thread).
#[allow(unsafe_code)]
pub fn process_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: as in `thread_cpu_ns`, with the process clock.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &NanosFormatter
    }
}

/// Formats nanoseconds like criterion's own wall-time formatter.
struct NanosFormatter;

impl ValueFormatter for NanosFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e3 {
            (1.0, "ns")
        } else if typical < 1e6 {
            (1e-3, "µs")
        } else if typical < 1e9 {
            (1e-6, "ms")
        } else {
            (1e-9, "s")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let per = match throughput {
            Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => *n as f64,
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) => *n as f64,
            Throughput::Bits(n) => *n as f64,
        };
        values.iter_mut().for_each(|v| *v = per * 1e9 / *v);
        "/s"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

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
    /// The issuing CA (of the leaf and the sibling), to issue more leaves under it.
    pub issuer: Issued,
    /// The key of the leaves.
    pub leaf_key: KeyKind,
}

impl Fixture {
    /// `n` new leaves (DER) from the fixture's issuing CA, each with its own serial and
    /// signature: every one costs a leaf signature verification, the CA links are known.
    pub fn new_leaves(&self, n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| {
                let mut spec = leaf_spec(&format!("Bench Client {i}"), self.leaf_key, 0);
                spec.serial = Some((i as u64 + 1_000).to_be_bytes().to_vec());
                issue(spec, &self.issuer).der
            })
            .collect()
    }
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
        issuer,
        leaf_key,
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
