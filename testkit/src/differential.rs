//! The chain generator of the differential test (`core/tests/rfc5280_differential.rs`)
//! and fuzz target (`fuzz/fuzz_targets/engine_diff.rs`): both run chainvet's RFC 5280
//! engine and rustls-webpki on the chains it makes. Its choices come from a `Choices`
//! source, a seeded xorshift for the test and the fuzzer's bytes for the fuzz target.
//!
//! Every feature is one where the engines are meant to agree, except those recorded in
//! `Case::documented`: the differences listed in docs/path-validation.md, generated only
//! when asked for (`Case::generate(.., true)`), so a disagreement on a case without one is
//! a bug.

use der::Encode;
use der::asn1::{Ia5String, ObjectIdentifier};
use rcgen::{CustomExtension, ExtendedKeyUsagePurpose, KeyUsagePurpose};
use x509_cert::ext::pkix::NameConstraints;
use x509_cert::ext::pkix::certpolicy::{CertificatePolicies, PolicyInformation};
use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
use x509_cert::ext::pkix::name::GeneralName;

use crate::{Issued, KeyKind, Spec, date, issue, self_signed};

/// Where the generator's decisions come from.
pub trait Choices {
    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64;

    /// True with about `percent` percent probability.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// xorshift64: deterministic, so a failure names a reproducible case number.
pub struct XorShift(pub u64);

impl Choices for XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Decisions read from bytes (a fuzzer's input), one byte each; zeros once they run out,
/// so every input, however short, makes a case.
pub struct Bytes<'a>(pub &'a [u8]);

impl Choices for Bytes<'_> {
    fn below(&mut self, n: u64) -> u64 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        self.0 = rest;
        u64::from(first) % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        // A byte is 0-255: scale, so 0 is never a chance and 255 always is (for > 0).
        self.below(256) * 100 < percent * 256
    }
}

/// One generated case: trust anchors, the presented leaf, an unordered pool, what was
/// chosen (for the failure message), and the documented RFC-vs-webpki differences it
/// contains.
pub struct Case {
    /// The trust store.
    pub anchors: Vec<Issued>,
    /// The presented leaf.
    pub leaf: Issued,
    /// Intermediates and decoys, shuffled.
    pub pool: Vec<Issued>,
    /// What the generator chose, in words.
    pub what: Vec<String>,
    /// The documented differences (docs/path-validation.md) present in this case.
    pub documented: Vec<&'static str>,
}

fn dns_constraint(permitted: &str) -> CustomExtension {
    let nc = NameConstraints {
        permitted_subtrees: Some(vec![GeneralSubtree {
            base: GeneralName::DnsName(Ia5String::new(permitted).expect("test input")),
            minimum: 0,
            maximum: None,
        }]),
        excluded_subtrees: None,
    };
    let mut e =
        CustomExtension::from_oid_content(&[2, 5, 29, 30], nc.to_der().expect("test input"));
    e.set_criticality(true);
    e
}

fn unknown_critical() -> CustomExtension {
    let mut e = CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 55555, 77], vec![0x05, 0x00]);
    e.set_criticality(true);
    e
}

/// A critical certificatePolicies asserting anyPolicy: RFC 5280 processes it, rustls-webpki
/// refuses it as an unsupported critical extension (a documented difference).
fn critical_any_policy() -> CustomExtension {
    let value = CertificatePolicies(vec![PolicyInformation {
        policy_identifier: ObjectIdentifier::new_unwrap("2.5.29.32.0"),
        policy_qualifiers: None,
    }]);
    let mut e =
        CustomExtension::from_oid_content(&[2, 5, 29, 32], value.to_der().expect("test input"));
    e.set_criticality(true);
    e
}

impl Case {
    /// A case from `rng`. With `with_documented`, also the documented differences
    /// (recorded in `documented`); without, the choices stay where the engines agree,
    /// and the sequence of decisions is the differential test's.
    pub fn generate(rng: &mut dyn Choices, with_documented: bool) -> Case {
        let mut what = Vec::new();
        let mut documented = Vec::new();
        let root = self_signed(Spec::ca("Diff Root").key(KeyKind::P256, 2));
        let depth = rng.below(4) as usize;
        let mut issuer = root.clone();
        let mut pool = Vec::new();
        let mut constrained = false;
        for level in 0..depth {
            let mut spec =
                Spec::ca(&format!("Diff CA {level}")).key(KeyKind::P256, 3 + level as u8);
            if rng.chance(15) {
                spec.ca = Some(Some(rng.below(2) as u8));
                what.push(format!("CA {level} pathLen {:?}", spec.ca));
            }
            if rng.chance(8) {
                spec.ca = None;
                what.push(format!("CA {level} not a CA"));
            }
            if rng.chance(8) {
                spec.key_usage = vec![KeyUsagePurpose::CrlSign];
                what.push(format!("CA {level} without keyCertSign"));
            }
            if rng.chance(8) {
                spec = spec.validity(date(2020, 1, 1), date(2025, 1, 1));
                what.push(format!("CA {level} expired"));
            }
            if rng.chance(8) {
                spec = spec.validity(date(2027, 1, 1), date(2030, 1, 1));
                what.push(format!("CA {level} not yet valid"));
            }
            if rng.chance(6) {
                spec.extensions.push(unknown_critical());
                what.push(format!("CA {level} unknown critical extension"));
            }
            if rng.chance(8) {
                spec.eku = if rng.chance(50) {
                    vec![ExtendedKeyUsagePurpose::EmailProtection]
                } else {
                    vec![ExtendedKeyUsagePurpose::ClientAuth]
                };
                what.push(format!("CA {level} EKU {:?}", spec.eku));
            }
            if rng.chance(20) {
                spec.extensions.push(dns_constraint("example.com"));
                constrained = true;
                what.push(format!("CA {level} permits example.com"));
            }
            if with_documented && rng.chance(4) {
                spec = spec.validity(date(1965, 1, 1), date(2040, 1, 1));
                what.push(format!("CA {level} valid from 1965"));
                documented.push("a validity before 1970 (UTCTime 1950-1969)");
            }
            if with_documented && rng.chance(6) {
                spec.extensions.push(critical_any_policy());
                what.push(format!("CA {level} critical certificatePolicies"));
                documented.push("critical certificatePolicies / policy constraints");
            }
            let cert = issue(spec, &issuer);
            pool.push(cert.clone());
            issuer = cert;
        }
        let mut leaf_spec = Spec::leaf("Diff Leaf");
        let name = if rng.chance(50) {
            "www.example.com"
        } else {
            "www.example.org"
        };
        leaf_spec.dns_names = vec![name.to_owned()];
        if constrained {
            what.push(format!("leaf names {name}"));
        }
        if rng.chance(8) {
            leaf_spec = leaf_spec.validity(date(2020, 1, 1), date(2026, 1, 1));
            what.push("leaf expired".to_owned());
        }
        if rng.chance(6) {
            leaf_spec.extensions.push(unknown_critical());
            what.push("leaf unknown critical extension".to_owned());
        }
        // Signed by the right key, or by a same-named impostor.
        let leaf = if rng.chance(8) {
            what.push("leaf signed by another key".to_owned());
            let mut fake = issuer.spec.clone();
            fake.slot = 40;
            issue(
                leaf_spec,
                &Issued {
                    der: Vec::new(),
                    spec: fake,
                },
            )
        } else {
            issue(leaf_spec, &issuer)
        };
        // Decoys with the issuer's name and other keys, and a shuffled pool.
        for k in 0..rng.below(3) {
            let mut decoy = issuer.spec.clone();
            decoy.slot = 50 + k as u8;
            pool.push(self_signed(decoy));
            what.push("decoy".to_owned());
        }
        for i in (1..pool.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            pool.swap(i, j);
        }
        let mut anchors = vec![root];
        if rng.chance(10) {
            anchors = vec![self_signed(Spec::ca("Diff Root").key(KeyKind::P256, 41))];
            what.push("anchor is a same-named impostor".to_owned());
        }
        Case {
            anchors,
            leaf,
            pool,
            what,
            documented,
        }
    }
}
