//! Key algorithm, RSA size and EC curve: of every certificate on the chain, and of any
//! other key (a CSR's) through `check_key`, so both follow the one key policy.

use super::Context;
use crate::certificate::PublicKey;
use crate::code::Code;
use crate::findings::Findings;
use crate::policy::Policy;

/// Whose key is checked, as the findings name it.
pub(crate) struct KeyHolder<'a> {
    /// The certificate index findings carry (`None` for a CSR).
    pub(crate) index: Option<usize>,
    /// How messages name the holder, e.g. `certificate 0 (CN=...)`.
    pub(crate) describe: &'a str,
    /// How to fix a key the policy does not accept.
    pub(crate) hint: &'a str,
    /// The code and hint for an RSA key that does not decode.
    pub(crate) malformed: (Code, &'a str),
}

pub(super) fn check(ctx: &mut Context<'_, '_>) {
    let leaf = ctx.chain.leaf;
    for (i, cert) in ctx.chain_certificates() {
        let hint = if leaf == Some(i) {
            "Generate a new key pair that meets the policy and have the certificate re-issued from a new CSR."
        } else {
            "A CA certificate in the chain has a key the policy does not accept: ask your CA for a chain with stronger keys."
        };
        let holder = KeyHolder {
            index: Some(i),
            describe: &cert.describe(i),
            hint,
            malformed: (
                Code::CertificateMalformed,
                "Export the certificate again from its source.",
            ),
        };
        check_key(cert.public_key(), &holder, ctx.policy, ctx.findings);
    }
}

/// Checks one public key against the policy's key rules.
pub(crate) fn check_key(
    key: &PublicKey,
    holder: &KeyHolder<'_>,
    policy: &Policy,
    findings: &mut Findings<'_>,
) {
    let (i, whose, describe) = (holder.index, holder.hint, holder.describe);
    let allowed = key
        .algorithm()
        .is_some_and(|a| policy.allowed_key_algorithms.contains(&a));
    if !allowed {
        let names: Vec<&str> = policy
            .allowed_key_algorithms
            .iter()
            .map(|a| a.as_str())
            .collect();
        findings.add(
            Code::KeyAlgorithmNotAllowed,
            i,
            format!(
                "{describe} has a {key} key; the policy allows {}",
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            ),
            whose,
        );
        return;
    }
    match key {
        PublicKey::Rsa { bits } => {
            let min = policy.rsa_min_bits;
            match bits {
                Some(b) if min > 0 && *b < min => findings.add(
                    Code::KeyRsaTooSmall,
                    i,
                    format!(
                        "{describe} has a {b}-bit RSA key; the policy requires at least {min} bits"
                    ),
                    whose,
                ),
                None => findings.add(
                    holder.malformed.0,
                    i,
                    format!("{describe} has an RSA public key that does not decode"),
                    holder.malformed.1,
                ),
                _ => {}
            }
        }
        PublicKey::Ec { curve, curve_oid }
            if !curve.is_some_and(|c| policy.allowed_curves.contains(&c)) =>
        {
            let name = curve
                .map(|c| c.as_str().to_owned())
                .or_else(|| curve_oid.clone())
                .unwrap_or_else(|| "unnamed".to_owned());
            let names: Vec<&str> = policy.allowed_curves.iter().map(|c| c.as_str()).collect();
            findings.add(
                Code::KeyCurveNotAllowed,
                i,
                format!(
                    "{describe} has an EC key on curve {name}; the policy allows {}",
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                ),
                whose,
            );
        }
        _ => {}
    }
}
