//! Key algorithm, RSA size and EC curve of every certificate on the chain.

use super::Context;
use crate::certificate::PublicKey;
use crate::code::Code;

pub(super) fn check(ctx: &mut Context<'_, '_>) {
    let policy = ctx.policy;
    let leaf = ctx.chain.leaf;
    for (i, cert) in ctx.chain_certificates() {
        let whose = if leaf == Some(i) {
            "Generate a new key pair that meets the policy and have the certificate re-issued from a new CSR."
        } else {
            "A CA certificate in the chain has a key the policy does not accept: ask your CA for a chain with stronger keys."
        };
        let key = cert.public_key();
        let allowed = key
            .algorithm()
            .is_some_and(|a| policy.allowed_key_algorithms.contains(&a));
        if !allowed {
            let names: Vec<&str> = policy
                .allowed_key_algorithms
                .iter()
                .map(|a| a.as_str())
                .collect();
            ctx.findings.add(
                Code::KeyAlgorithmNotAllowed,
                Some(i),
                format!(
                    "{} has a {key} key; the policy allows {}",
                    cert.describe(i),
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                ),
                whose,
            );
            continue;
        }
        match key {
            PublicKey::Rsa { bits } => {
                let min = policy.rsa_min_bits;
                match bits {
                    Some(b) if min > 0 && *b < min => ctx.findings.add(
                        Code::KeyRsaTooSmall,
                        Some(i),
                        format!(
                            "{} has a {b}-bit RSA key; the policy requires at least {min} bits",
                            cert.describe(i)
                        ),
                        whose,
                    ),
                    None => ctx.findings.add(
                        Code::CertificateMalformed,
                        Some(i),
                        format!(
                            "{} has an RSA public key that does not decode",
                            cert.describe(i)
                        ),
                        "Export the certificate again from its source.",
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
                ctx.findings.add(
                    Code::KeyCurveNotAllowed,
                    Some(i),
                    format!(
                        "{} has an EC key on curve {name}; the policy allows {}",
                        cert.describe(i),
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
}
