//! The X.509 profile of a client chain (RFC 5280 4.2.1.3, 4.2.1.9, 4.2.1.12): the leaf
//! is an end entity valid for client authentication; every issuer is a CA allowed to
//! sign certificates within its path length.

use super::Context;
use crate::code::Code;
use crate::policy::usage::{KeyUsageBit, Usage};
use crate::report::Role;

pub(super) fn check(ctx: &mut Context<'_, '_>) {
    let Some(leaf) = ctx.chain.leaf else { return };
    let Ok(leaf_cert) = &ctx.slots[leaf] else {
        return;
    };

    // 4.2.1.9: an end-entity certificate must not be a CA.
    if leaf_cert.is_ca() {
        ctx.findings.add(
            Code::LeafIsCa,
            Some(leaf),
            format!("the leaf, {}, is a CA certificate (basicConstraints cA=TRUE)", leaf_cert.describe(leaf)),
            "Authenticate with an end-entity certificate issued by the CA, not with a CA certificate.",
        );
    }

    // 4.2.1.12: the EKU must allow the usage (TLS client authentication unless the caller
    // validates a server).
    let (purpose, name) = (ctx.usage.eku(), ctx.usage.eku_name());
    let code = match ctx.usage {
        Usage::ClientAuth => Code::LeafClientAuthMissing,
        Usage::ServerAuth => Code::LeafServerAuthMissing,
    };
    let require = match ctx.usage {
        Usage::ClientAuth => ctx.policy.require_client_auth_eku,
        // CA/B BR 7.1.2.7.6: a subscriber certificate's extKeyUsage MUST be present.
        Usage::ServerAuth => ctx.policy.conformance.cabf,
    };
    match &leaf_cert.extensions().extended_key_usage {
        Some(ekus) if !ekus.contains(&purpose) => {
            let names: Vec<String> = ekus
                .iter()
                .map(|o| {
                    const_oid::db::DB
                        .by_oid(o)
                        .map(str::to_owned)
                        .unwrap_or_else(|| o.to_string())
                })
                .collect();
            ctx.findings.add(
                code,
                Some(leaf),
                format!(
                    "the leaf, {}, may be used only for {}: its extendedKeyUsage lacks {name}",
                    leaf_cert.describe(leaf),
                    if names.is_empty() { "nothing".to_owned() } else { names.join(", ") }
                ),
                match ctx.usage {
                    Usage::ClientAuth => "Have the certificate re-issued for TLS client authentication (extendedKeyUsage clientAuth); a server-only certificate cannot authenticate a client.",
                    Usage::ServerAuth => "Have the certificate re-issued for TLS server authentication (extendedKeyUsage serverAuth).",
                },
            );
        }
        None if require => ctx.findings.add(
            code,
            Some(leaf),
            format!(
                "the leaf, {}, has no extendedKeyUsage extension; the policy requires {name}",
                leaf_cert.describe(leaf)
            ),
            format!("Have the certificate re-issued with extendedKeyUsage {name}."),
        ),
        _ => {}
    }

    // A CA certificate as leaf is already `leaf.is_ca`; its keyCertSign-only keyUsage
    // would only repeat that.
    if ctx.usage == Usage::ClientAuth
        && ctx.policy.require_tls_client_key_usage
        && !leaf_cert.is_ca()
    {
        check_tls_client_key_usage(ctx, leaf);
    }

    let path = ctx.chain.path.clone();
    let issuers: Vec<usize> = path
        .iter()
        .skip(1)
        .chain(ctx.chain.above_gap.iter())
        .copied()
        .collect();
    for &i in &issuers {
        let Ok(cert) = &ctx.slots[i] else { continue };
        // A version 1 root predates extensions; RFC 5280 6.1 lets it anchor a path.
        let v1_root = ctx.chain.roles[i] == Role::Root && cert.version() < 3;
        if !cert.is_ca() && !v1_root {
            ctx.findings.add(
                Code::CaNotCa,
                Some(i),
                format!(
                    "{} issues certificates in this chain but is not a CA certificate (no basicConstraints cA=TRUE)",
                    cert.describe(i)
                ),
                "The chain must be made of CA certificates above the leaf: get the genuine intermediate and root from your CA.",
            );
        }
        if cert.extensions().key_cert_sign == Some(false) {
            ctx.findings.add(
                Code::CaKeyCertSignMissing,
                Some(i),
                format!("{} has a keyUsage without keyCertSign, so it may not sign certificates", cert.describe(i)),
                "Get the genuine CA certificate from your CA; a CA certificate's keyUsage must include keyCertSign.",
            );
        }
    }

    // 4.2.1.9: pathLenConstraint counts the non-self-issued intermediates below a CA.
    for (pos, &i) in path.iter().enumerate().skip(1) {
        let Ok(cert) = &ctx.slots[i] else { continue };
        let Some((true, Some(max))) = cert.extensions().basic_constraints else {
            continue;
        };
        let below = path[1..pos]
            .iter()
            .filter(|&&j| ctx.slots[j].as_ref().is_ok_and(|c| !c.is_self_issued()))
            .count();
        if below > usize::from(max) {
            ctx.findings.add(
                Code::CaPathLenExceeded,
                Some(i),
                format!(
                    "{} allows {max} intermediate certificate(s) below it (pathLenConstraint) but the chain has {below}",
                    cert.describe(i)
                ),
                "The chain is longer than this CA permits: get a chain from your CA that respects its path length constraint.",
            );
        }
    }
}

/// A TLS client proves possession of its key by signing CertificateVerify (RFC 8446
/// 4.4.3, RFC 5246 7.4.8: digitalSignature); the static (EC)DH client certificates of
/// RFC 4492 and RFC 5246 use it for key agreement instead (keyAgreement). RFC 5280
/// 4.2.1.3: a keyUsage that asserts neither forbids both uses.
fn check_tls_client_key_usage(ctx: &mut Context<'_, '_>, leaf: usize) {
    let Ok(cert) = &ctx.slots[leaf] else { return };
    let Some(bits) = cert.extensions().key_usage_bits else {
        return;
    };
    if bits & (KeyUsageBit::DigitalSignature.mask() | KeyUsageBit::KeyAgreement.mask()) != 0 {
        return;
    }
    let present: Vec<&str> = KeyUsageBit::ALL
        .into_iter()
        .filter(|bit| bits & bit.mask() != 0)
        .map(KeyUsageBit::as_str)
        .collect();
    let present = if present.is_empty() {
        "no usage at all".to_owned()
    } else {
        format!("only {}", present.join(", "))
    };
    ctx.findings.add(
        Code::LeafKeyUsageUnsuitable,
        Some(leaf),
        format!(
            "the leaf, {}, has a keyUsage that allows {present}; a TLS client certificate needs digitalSignature (or keyAgreement for a static ECDH key)",
            cert.describe(leaf)
        ),
        "Have the certificate re-issued with keyUsage digitalSignature (keyAgreement only for static (EC)DH keys): with this keyUsage its key may not sign the TLS handshake.",
    );
}
