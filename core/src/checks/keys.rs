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

/// The `openssl req -newkey` argument for a key the policy accepts: RSA at the policy's
/// minimum size (at least 2048 bits), else the first allowed curve, else Ed25519.
pub(crate) fn newkey_argument(policy: &Policy) -> String {
    use crate::certificate::KeyAlgorithm;
    let allows = |a: KeyAlgorithm| policy.allowed_key_algorithms.contains(&a);
    if allows(KeyAlgorithm::Rsa) || policy.allowed_key_algorithms.is_empty() {
        let bits = [2048u32, 3072, 4096]
            .into_iter()
            .find(|&b| b >= policy.rsa_min_bits)
            .unwrap_or(policy.rsa_min_bits);
        format!("rsa:{bits}")
    } else if let Some(curve) = policy
        .allowed_curves
        .first()
        .filter(|_| allows(KeyAlgorithm::Ec))
    {
        format!("ec -pkeyopt ec_paramgen_curve:{}", curve.as_str())
    } else if allows(KeyAlgorithm::Ed25519) {
        "ed25519".to_owned()
    } else {
        "rsa:3072".to_owned()
    }
}

/// The command that makes a new key and a CSR for it that the policy accepts.
pub(crate) fn new_key_command(policy: &Policy) -> String {
    format!(
        "`openssl req -new -newkey {} -nodes -keyout client.key -out client.csr`",
        newkey_argument(policy)
    )
}

/// "a" or "an" before a key description such as `RSA 2048` or `EC P-256`.
fn article(word: &str) -> &'static str {
    let mut chars = word.chars();
    let first = chars.next().unwrap_or('x');
    let spelled = chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == ' ');
    let vowel_sound = "AEIOUaeiou".contains(first) || (spelled && "FHLMNRSX".contains(first));
    if vowel_sound { "an" } else { "a" }
}

pub(super) fn check(ctx: &mut Context<'_, '_>) {
    let leaf = ctx.chain.leaf;
    let mut leaf_hint = String::new();
    for (i, cert) in ctx.chain_certificates() {
        // The messages below are built only for a key that has a finding: on every
        // validation of an acceptable chain they would be made and thrown away.
        if passes(cert.public_key(), ctx.policy) {
            continue;
        }
        let hint = if leaf == Some(i) {
            if leaf_hint.is_empty() {
                leaf_hint = format!(
                    "Generate a new key pair that meets the policy and have the certificate re-issued from a new CSR: {}.",
                    new_key_command(ctx.policy)
                );
            }
            leaf_hint.as_str()
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

/// Whether `check_key` finds nothing to say about `key` (the same rules, without the
/// messages).
fn passes(key: &PublicKey, policy: &Policy) -> bool {
    let allowed = key
        .algorithm()
        .is_some_and(|a| policy.allowed_key_algorithms.contains(&a));
    allowed
        && match key {
            PublicKey::Rsa { bits: Some(b) } => {
                policy.rsa_min_bits == 0 || *b >= policy.rsa_min_bits
            }
            PublicKey::Rsa { bits: None } => false,
            PublicKey::Ec { curve, .. } => {
                curve.is_some_and(|c| policy.allowed_curves.contains(&c))
            }
            _ => true,
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
                "{describe} has {} {key} key; the policy allows {}",
                article(&key.to_string()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_follow_pronunciation() {
        for (word, want) in [
            ("EC P-256", "an"),
            ("RSA 2048", "an"),
            ("Ed25519", "an"),
            ("DSA", "a"),
            ("unknown", "an"),
            ("secp256k1", "a"),
        ] {
            assert_eq!(article(word), want, "{word}");
        }
    }

    #[test]
    fn passes_agrees_with_check_key() {
        use crate::certificate::{Curve, KeyAlgorithm};
        let keys = [
            PublicKey::Rsa { bits: Some(1024) },
            PublicKey::Rsa { bits: Some(2048) },
            PublicKey::Rsa { bits: Some(4096) },
            PublicKey::Rsa { bits: None },
            PublicKey::Ec {
                curve: Some(Curve::P256),
                curve_oid: None,
            },
            PublicKey::Ec {
                curve: Some(Curve::P384),
                curve_oid: None,
            },
            PublicKey::Ec {
                curve: None,
                curve_oid: Some("1.3.132.0.10".to_owned()),
            },
            PublicKey::Ec {
                curve: None,
                curve_oid: None,
            },
            PublicKey::Ed25519,
            PublicKey::Ed448,
            PublicKey::Dsa,
        ];
        let mut policies = vec![Policy::default()];
        policies.push(Policy {
            rsa_min_bits: 3072,
            allowed_curves: vec![Curve::P384],
            ..Policy::default()
        });
        policies.push(Policy {
            rsa_min_bits: 0,
            allowed_key_algorithms: vec![KeyAlgorithm::Ec, KeyAlgorithm::Ed25519],
            ..Policy::default()
        });
        policies.push(Policy {
            allowed_key_algorithms: Vec::new(),
            allowed_curves: Vec::new(),
            ..Policy::default()
        });
        for policy in &policies {
            for key in &keys {
                let mut findings = Findings::new(policy);
                let holder = KeyHolder {
                    index: Some(0),
                    describe: "certificate 1 (CN=x)",
                    hint: "hint",
                    malformed: (Code::CertificateMalformed, "hint"),
                };
                check_key(key, &holder, policy, &mut findings);
                assert_eq!(
                    passes(key, policy),
                    findings.list().is_empty(),
                    "{key:?} under {policy:?}"
                );
            }
        }
    }

    #[test]
    fn the_new_key_command_meets_the_policy() {
        let mut policy = Policy {
            rsa_min_bits: 3000,
            ..Policy::default()
        };
        assert_eq!(newkey_argument(&policy), "rsa:3072");
        policy.allowed_key_algorithms = vec![crate::certificate::KeyAlgorithm::Ec];
        assert!(newkey_argument(&policy).ends_with("P-256"));
    }
}
