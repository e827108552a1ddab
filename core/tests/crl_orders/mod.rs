//! What the CRL tests share: CRLs made with the real `openssl ca -gencrl`, and the
//! order-independence harness (issue 18): a verdict must never depend on the order in
//! which CRLs are supplied, so every scenario validates once per permutation of its CRL
//! inputs.

use std::collections::BTreeSet;

use chainvet::revocation::Mode;
use chainvet::{Options, Policy, Report, Timestamp, Validator};
use chainvet_testkit::revocation::{Pki, openssl};

/// One CRL to make with `openssl ca -gencrl`.
pub(crate) struct Spec<'a> {
    /// cRLNumber.
    pub(crate) number: u32,
    /// Revoked serials (hex, as in the CA's index) with their reason.
    pub(crate) revoked: &'a [(&'a str, &'a str)],
    /// Extra lines of the `crl_extensions` section.
    pub(crate) exts: &'a str,
    /// Extra sections of the configuration (e.g. the issuingDistributionPoint's).
    pub(crate) sections: &'a str,
    /// nextUpdate this many hours after thisUpdate.
    pub(crate) hours: u32,
    /// The signer: `SIGNER.pem` and `SIGNER.key` in the Pki's directory.
    pub(crate) signer: &'a str,
    /// Another certificate file for the signer's key (a re-issued CA certificate).
    pub(crate) cert: Option<&'a str>,
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            number: 1,
            revoked: &[],
            exts: "",
            sections: "",
            hours: 24,
            signer: "ca",
            cert: None,
        }
    }
}

/// Makes the CRL `name.pem` / `name.der` in the Pki's directory; returns the DER.
pub(crate) fn make(pki: &Pki, name: &str, spec: &Spec<'_>) -> Vec<u8> {
    let index: String = spec
        .revoked
        .iter()
        .map(|(serial, reason)| {
            format!(
                "R\t350101000000Z\t260115000000Z,{reason}\t{serial}\tunknown\t/CN=Client {serial}\n"
            )
        })
        .collect();
    pki.write(&format!("{name}-index.txt"), index.as_bytes());
    pki.write(
        &format!("{name}-number"),
        format!("{:04X}\n", spec.number).as_bytes(),
    );
    let cnf = format!(
        "[ ca ]\ndefault_ca = test_ca\n[ test_ca ]\ndatabase = {name}-index.txt\n\
         crlnumber = {name}-number\ndefault_md = sha256\ndefault_crl_hours = {hours}\n\
         crl_extensions = crl_ext\n[ crl_ext ]\nauthorityKeyIdentifier = keyid:always\n{exts}\n{sections}\n",
        hours = spec.hours,
        exts = spec.exts,
        sections = spec.sections,
    );
    pki.write(&format!("{name}.cnf"), cnf.as_bytes());
    let cert = spec
        .cert
        .map_or_else(|| format!("{}.pem", spec.signer), str::to_owned);
    let (cnf, pem, der, key) = (
        format!("{name}.cnf"),
        format!("{name}.pem"),
        format!("{name}.der"),
        format!("{}.key", spec.signer),
    );
    openssl(
        pki.dir(),
        &[
            "ca", "-gencrl", "-batch", "-config", &cnf, "-keyfile", &key, "-cert", &cert, "-out",
            &pem,
        ],
    );
    openssl(
        pki.dir(),
        &["crl", "-in", &pem, "-outform", "DER", "-out", &der],
    );
    std::fs::read(pki.dir().join(der)).expect("read crl")
}

/// A validator whose revocation mode is hard-fail (no status is an error).
pub(crate) fn hard_fail() -> Validator {
    let mut policy = Policy::default();
    policy.revocation.mode = Mode::HardFail;
    Validator::new(policy).expect("policy")
}

/// Every ordering of `0..n`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for rest in permutations(n - 1) {
        for pos in 0..=rest.len() {
            let mut p = rest.clone();
            p.insert(pos, n - 1);
            out.push(p);
        }
    }
    out
}

/// Validates `bundle` offline under hard-fail with `crls` in every order; asserts every
/// order gives the same outcome, acceptance and finding codes, and returns the report for
/// the order given.
pub(crate) fn verdict_in_every_order(
    bundle: &str,
    crls: &[&[u8]],
    at: Option<Timestamp>,
) -> Report {
    let v = hard_fail();
    let run = |order: &[usize]| {
        let mut options = Options::default();
        options.offline = true;
        options.at = at;
        options.crls = order.iter().map(|&k| crls[k].to_vec()).collect();
        v.validate_with(bundle.as_bytes(), &options)
    };
    let summary = |r: &Report| {
        let codes: BTreeSet<String> = r.findings.iter().map(|f| f.code.to_string()).collect();
        (r.revocation[0].status, r.accepted, codes)
    };
    let first = run(&(0..crls.len()).collect::<Vec<_>>());
    let expected = summary(&first);
    for order in permutations(crls.len()) {
        let report = run(&order);
        assert_eq!(
            summary(&report),
            expected,
            "order {order:?} changes the verdict: {:#?}",
            report.revocation
        );
    }
    first
}
