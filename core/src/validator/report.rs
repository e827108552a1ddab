//! Report assembly, one for both modes: the certificate summaries, the chain summary and
//! the `Report` itself.

use crate::certificate::Certificate;
use crate::chain::Chain;
use crate::findings::Finished;
use crate::input::Slot;
use crate::report::revocation::RevocationInfo;
use crate::report::{CertificateInfo, ChainSummary, Report, Role, SubjectAltNames};
use crate::signature;
use crate::time::Timestamp;

/// The summaries of the certificates that parsed, by their index in the input.
pub(crate) fn certificates(slots: &[Slot], chain: &Chain) -> Vec<CertificateInfo> {
    slots
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.as_ref().ok().map(|c| info(i, c, chain)))
        .collect()
}

/// What the chain analysis decided: the leaf, why, and the path.
pub(crate) fn summary(chain: &Chain) -> ChainSummary {
    ChainSummary {
        leaf: chain.leaf,
        leaf_reason: chain.leaf_reason.clone(),
        path: chain.path.clone(),
    }
}

/// The report of a validation at `at`, with the verdict `Findings::finish` reached.
pub(crate) fn assemble(
    finished: Finished,
    certificates: Vec<CertificateInfo>,
    chain: ChainSummary,
    at: Timestamp,
    revocation: Vec<RevocationInfo>,
) -> Report {
    Report {
        accepted: finished.accepted,
        findings: finished.findings,
        certificates,
        chain,
        validated_at: at.to_rfc3339(),
        revocation,
        certificate_policies: None,
    }
}

fn info(index: usize, cert: &Certificate, chain: &Chain) -> CertificateInfo {
    let text = cert.rendered();
    CertificateInfo {
        index,
        role: chain.roles.get(index).copied().unwrap_or(Role::Unrelated),
        subject: cert.subject_string(),
        issuer: text.issuer.clone(),
        serial: text.serial.clone(),
        not_before: text.not_before.clone(),
        not_after: text.not_after.clone(),
        sha256: text.sha256.clone(),
        key: text.key.clone(),
        signature_algorithm: signature::algorithm_name(cert.signature_algorithm_id()),
        self_signed: chain.self_signed.get(index).copied().unwrap_or_else(|| {
            cert.is_self_issued() && signature::verify_issued_by(cert, cert).is_ok()
        }),
        san: subject_alt_names(cert),
        spki_sha256: text.spki_sha256.clone(),
    }
}

fn subject_alt_names(cert: &Certificate) -> SubjectAltNames {
    let ext = cert.extensions();
    let ip = |raw: &Vec<u8>| match raw.len() {
        4 => std::net::IpAddr::from(<[u8; 4]>::try_from(&raw[..]).unwrap_or_default()).to_string(),
        16 => {
            std::net::IpAddr::from(<[u8; 16]>::try_from(&raw[..]).unwrap_or_default()).to_string()
        }
        _ => raw.iter().map(|b| format!("{b:02x}")).collect(),
    };
    SubjectAltNames {
        dns: ext.dns_names.clone(),
        ip: ext.ip_addresses.iter().map(ip).collect(),
        email: ext.email_addresses.clone(),
        uri: ext.uris.clone(),
    }
}
