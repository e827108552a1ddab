//! The CA/Browser Forum Baseline Requirements rule book: RSA modulus sizes, root
//! certificates' EKU and authority key identifier, and the server-leaf rules (EKU present
//! and not critical, non-critical subjectAltName, commonName copied from it).

use const_oid::db::rfc5280 as oids;
use der::Decode;
use x509_cert::ext::pkix::AuthorityKeyIdentifier;

use super::{Breaks, View};
use crate::certificate::{Certificate, PublicKey};

pub(super) fn check(cert: &Certificate, view: &View, is_root: bool, breaks: &mut Breaks) {
    // 6.1.5: RSA modulus size in bits evenly divisible by 8.
    if let PublicKey::Rsa { bits: Some(bits) } = cert.public_key() {
        breaks.rule(bits % 8 != 0, || {
            format!("CA/B BR 6.1.5: its RSA modulus is {bits} bits, not a multiple of 8")
        });
    }
    if !is_root {
        return;
    }
    // 7.1.2.1.2: a root certificate has no extKeyUsage.
    breaks.rule(view.get(oids::ID_CE_EXT_KEY_USAGE).is_some(), || {
        "CA/B BR 7.1.2.1.2: it is a root certificate with an extKeyUsage".to_owned()
    });
    // 7.1.2.1.3: a root's authorityKeyIdentifier has only keyIdentifier, equal to its SKI.
    if let Some(e) = view.get(oids::ID_CE_AUTHORITY_KEY_IDENTIFIER) {
        let aki = AuthorityKeyIdentifier::from_der(&e.value).ok();
        let key_id = aki
            .as_ref()
            .and_then(|a| a.key_identifier.as_ref())
            .map(|k| k.as_bytes().to_vec());
        breaks.rule(key_id.is_none(), || {
            "CA/B BR 7.1.2.1.3: its authorityKeyIdentifier lacks keyIdentifier".to_owned()
        });
        breaks.rule(
            aki.as_ref()
                .is_some_and(|a| a.authority_cert_issuer.is_some()),
            || "CA/B BR 7.1.2.1.3: its authorityKeyIdentifier has authorityCertIssuer".to_owned(),
        );
        breaks.rule(
            aki.as_ref()
                .is_some_and(|a| a.authority_cert_serial_number.is_some()),
            || {
                "CA/B BR 7.1.2.1.3: its authorityKeyIdentifier has authorityCertSerialNumber"
                    .to_owned()
            },
        );
        breaks.rule(
            key_id.is_some() && key_id != cert.extensions().subject_key_id,
            || {
                "CA/B BR 7.1.2.1.3: its authorityKeyIdentifier differs from its subjectKeyIdentifier"
                    .to_owned()
            },
        );
    }
}

pub(super) fn server_leaf(cert: &Certificate, view: &View, breaks: &mut Breaks) {
    // 7.1.2.7.6: the EKU of a subscriber certificate is not critical.
    breaks.rule(
        view.get(oids::ID_CE_EXT_KEY_USAGE)
            .is_some_and(|e| e.critical),
        || "CA/B BR 7.1.2.7.6: its extKeyUsage is marked critical".to_owned(),
    );
    // 7.1.2.7.12: subjectAltName is critical exactly when the subject is empty.
    let san_critical = view
        .get(oids::ID_CE_SUBJECT_ALT_NAME)
        .is_some_and(|e| e.critical);
    breaks.rule(san_critical && !cert.subject().is_empty(), || {
        "CA/B BR 7.1.2.7.12: its subjectAltName is critical although the subject is not empty"
            .to_owned()
    });
    // 7.1.4.3: a commonName is a character-for-character copy of a subjectAltName entry
    // (IP addresses in their canonical text: dotted quad, or RFC 5952 for IPv6).
    let ext = cert.extensions();
    for cn in common_names(cert) {
        let in_san = ext.dns_names.contains(&cn)
            || ext
                .ip_addresses
                .iter()
                .any(|ip| ip_text(ip).as_deref() == Some(&cn));
        breaks.rule(!in_san, || {
            format!(
                "CA/B BR 7.1.4.3: its commonName {cn:?} is not a copy of a subjectAltName entry"
            )
        });
    }
}

fn common_names(cert: &Certificate) -> Vec<String> {
    cert.subject()
        .iter()
        .filter(|atv| atv.oid == const_oid::db::rfc4519::CN)
        .map(|atv| {
            x509_cert::ext::pkix::name::DirectoryString::try_from(&atv.value)
                .map(|s| s.value().into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(atv.value.value()).into_owned())
        })
        .collect()
}

/// Canonical text of a 4- or 16-octet address (`Ipv6Addr`'s Display is RFC 5952).
fn ip_text(octets: &[u8]) -> Option<String> {
    match octets.len() {
        4 => <[u8; 4]>::try_from(octets)
            .ok()
            .map(|o| std::net::Ipv4Addr::from(o).to_string()),
        16 => <[u8; 16]>::try_from(octets)
            .ok()
            .map(|o| std::net::Ipv6Addr::from(o).to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_text_is_canonical() {
        let v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        assert_eq!(ip_text(&v6).as_deref(), Some("2001:db8::1"));
        assert_eq!(ip_text(&[192, 0, 2, 1]).as_deref(), Some("192.0.2.1"));
        assert_eq!(ip_text(&[1, 2, 3]), None);
    }
}
