//! The per-request check: is the presented leaf one of the client's registrations?

use serde::{Deserialize, Serialize};

use super::registration::{Binding, BindingMode, Pinned, Registered, Registration, sha256};
use crate::certificate::Certificate;
use crate::certificate::{canonical_serial, serial_display};
use crate::code::Code;
use crate::findings::{Findings, Finished};
use crate::report::Finding;
use crate::time::Timestamp;

/// The result of checking a presented leaf against a client's registrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindingOutcome {
    /// True iff no finding is an error.
    pub accepted: bool,
    /// Index (into `Binding::registrations`) of the registration the leaf matched.
    pub matched: Option<usize>,
    /// `binding.*` findings (and `certificate.malformed` for an unparsable leaf).
    pub findings: Vec<Finding>,
}

/// Which fields differ, as bits, so the per-request path allocates nothing until it
/// has to explain a mismatch.
const SERIAL: u8 = 1;
const CN: u8 = 2;
const ISSUER: u8 = 4;
const FINGERPRINT: u8 = 8;
const SPKI: u8 = 16;

/// The presented leaf's fields, computed once per check.
struct Presented<'a> {
    cert: &'a Certificate,
    serial: &'a [u8],
    cn: Option<String>,
    spki_sha256: std::cell::OnceCell<[u8; 32]>,
}

impl Presented<'_> {
    fn spki(&self) -> &[u8; 32] {
        self.spki_sha256.get_or_init(|| sha256(self.cert.spki()))
    }

    fn same_issuer(&self, r: &Registered) -> bool {
        self.cert.issuer_raw() == r.issuer_raw.as_slice()
            || self.cert.issuer_string().eq_ignore_ascii_case(&r.issuer)
    }

    fn differences(&self, reg: &Registration, mode: BindingMode) -> u8 {
        match &reg.pinned {
            Pinned::Fingerprint(fp) => u8::from(self.cert.sha256() != fp) * FINGERPRINT,
            Pinned::Spki(h) => u8::from(self.spki() != h) * SPKI,
            Pinned::Certificate(r) => match mode {
                BindingMode::Fingerprint => u8::from(self.cert.sha256() != &r.sha256) * FINGERPRINT,
                BindingMode::Spki => u8::from(self.spki() != &r.spki_sha256) * SPKI,
                BindingMode::SerialCn | BindingMode::SerialCnIssuer => {
                    let mut d = 0;
                    if self.serial != r.serial.as_slice() {
                        d |= SERIAL;
                    }
                    if self.cn != r.common_name {
                        d |= CN;
                    }
                    if mode == BindingMode::SerialCnIssuer && !self.same_issuer(r) {
                        d |= ISSUER;
                    }
                    d
                }
            },
        }
    }
}

fn cn_shown(cn: Option<&str>) -> String {
    cn.map_or_else(|| "no CN".to_owned(), |c| format!("CN `{c}`"))
}

/// Checks `leaf` (certificate `index` of its input) against `binding` at `at`,
/// recording `binding.*` findings. Returns the index of the matching registration.
pub(crate) fn check(
    leaf: &Certificate,
    index: usize,
    binding: &Binding,
    at: Timestamp,
    findings: &mut Findings<'_>,
) -> Option<usize> {
    let whose = binding.for_client();
    if binding.registrations.is_empty() {
        findings.add(
            Code::BindingNoRegisteredCertificate,
            Some(index),
            format!("no certificate is registered for {whose}"),
            "Register the client's certificate before it connects (add it to the registry).",
        );
        return None;
    }
    let presented = Presented {
        cert: leaf,
        serial: canonical_serial(leaf.serial_bytes()),
        cn: leaf.common_name(),
        spki_sha256: std::cell::OnceCell::new(),
    };
    let mode = binding.mode;
    let active: Vec<usize> = (0..binding.registrations.len())
        .filter(|&i| binding.registrations[i].is_active_at(at))
        .collect();

    if binding.max_active > 0 && active.len() > binding.max_active {
        let labels: Vec<String> = active
            .iter()
            .map(|&i| format!("`{}`", binding.registrations[i].label))
            .collect();
        findings.add(
            Code::BindingTooManyActive,
            Some(index),
            format!(
                "{whose} has {} active registrations on {} ({}); at most {} may be active",
                active.len(),
                at.date(),
                labels.join(", "),
                binding.max_active
            ),
            "Remove the registration of the certificate being replaced: during a rotation only the old and the new certificate should be registered.",
        );
    }

    let diffs: Vec<(usize, u8)> = active
        .iter()
        .map(|&i| (i, presented.differences(&binding.registrations[i], mode)))
        .collect();
    if let Some(&(i, _)) = diffs.iter().find(|(_, d)| *d == 0) {
        return Some(i);
    }

    // No active registration matches: explain against the closest one.
    let who = format!("the presented leaf, {},", leaf.describe(index));
    let expired_twin = binding
        .registrations
        .iter()
        .find(|r| !r.is_active_at(at) && presented.differences(r, BindingMode::Fingerprint) == 0);
    let twin_note = expired_twin.map_or(String::new(), |r| {
        format!(
            " (it is the registered certificate `{}`, which expired on {})",
            r.label,
            r.not_after().map_or_else(String::new, |t| t.date())
        )
    });
    let Some(&(closest, bits)) = diffs.iter().min_by_key(|(_, d)| d.count_ones()) else {
        let last = binding
            .registrations
            .iter()
            .filter_map(Registration::not_after)
            .max()
            .map_or_else(String::new, |t| format!(", the last on {}", t.date()));
        findings.add(
            Code::BindingNoRegisteredCertificate,
            Some(index),
            format!(
                "every certificate registered for {whose} has expired ({} registered{last}){twin_note}",
                binding.registrations.len()
            ),
            "Register the client's renewed certificate; an expired registration never matches.",
        );
        return None;
    };
    let reg = &binding.registrations[closest];
    let reg_name = format!("the registered certificate `{}`", reg.label);
    let others = if diffs.len() > 1 {
        format!(
            "; it is the closest of the {} active registrations for {whose}",
            diffs.len()
        )
    } else {
        String::new()
    };
    let hint = if binding.max_active > 0 {
        format!(
            "Connect with the certificate registered for {whose}, or register this one first (up to {} can be active during a rotation).",
            binding.max_active
        )
    } else {
        format!("Connect with the certificate registered for {whose}, or register this one first.")
    };
    let r = reg.registered();
    let mut add = |code: Code, message: String, hint: &str| {
        findings.add(
            code,
            Some(index),
            format!("{message}{others}{twin_note}"),
            hint,
        );
    };
    if bits & SERIAL != 0
        && let Some(r) = r
    {
        add(
            Code::BindingSerialMismatch,
            format!(
                "{who} has serial {}; {reg_name} has serial {}",
                serial_display(presented.serial),
                serial_display(&r.serial)
            ),
            &hint,
        );
    }
    if bits & CN != 0
        && let Some(r) = r
    {
        add(
            Code::BindingCnMismatch,
            format!(
                "{who} has {}; {reg_name} has {}",
                cn_shown(presented.cn.as_deref()),
                cn_shown(r.common_name.as_deref())
            ),
            &hint,
        );
    }
    if bits & ISSUER != 0
        && let Some(r) = r
    {
        add(
            Code::BindingIssuerMismatch,
            format!(
                "{who} was issued by `{}`; {reg_name} was issued by `{}`",
                leaf.issuer_string(),
                r.issuer
            ),
            "Serial numbers are unique only per issuer: connect with the certificate registered for this client, or register the certificate from the new CA first.",
        );
    }
    if bits & FINGERPRINT != 0 {
        add(
            Code::BindingFingerprintMismatch,
            format!(
                "{who} has SHA-256 fingerprint {}; {reg_name} has {}",
                leaf.sha256_hex(),
                reg.sha256().map(hex::encode).unwrap_or_default()
            ),
            &hint,
        );
    }
    if bits & SPKI != 0 {
        add(
            Code::BindingSpkiMismatch,
            format!(
                "{who} has a public key with SPKI SHA-256 {}; {reg_name} pins {}",
                hex::encode(presented.spki()),
                reg.spki_sha256().map(hex::encode).unwrap_or_default()
            ),
            "Connect with a certificate for the registered key, or register the new key first.",
        );
    }
    None
}

pub(crate) fn outcome(matched: Option<usize>, findings: Findings<'_>) -> BindingOutcome {
    let Finished { findings, accepted } = findings.finish();
    BindingOutcome {
        accepted,
        matched,
        findings,
    }
}

/// The validator's hook: checks the chain's leaf when the options carry a binding.
pub(crate) fn run_on_chain(
    slots: &[crate::input::Slot],
    chain: &crate::chain::Chain,
    binding: &Binding,
    at: Timestamp,
    findings: &mut Findings<'_>,
) {
    let Some(leaf) = chain.leaf else { return };
    let Some(Ok(cert)) = slots.get(leaf) else {
        return;
    };
    check(cert, leaf, binding, at, findings);
}
