//! Certificate-profile rules of RFC 5280 section 4 and of the CA/Browser Forum Baseline
//! Requirements that path validation itself does not need: a conforming CA never breaks
//! them, so a certificate that does was mis-issued. Off in the onboarding profile (a
//! client cannot fix its CA's certificates and real private CAs break some of these);
//! on in `Policy::rfc5280()`. Every rule reports `certificate.nonconforming` naming the
//! section it comes from.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280 as oids;
use der::{Decode, Reader, SliceReader, Tag, TagNumber};
use serde::{Deserialize, Serialize};
use x509_cert::certificate::{Raw, TbsCertificateInner};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, NameConstraints,
    PolicyConstraints, SubjectAltName,
};

use super::Context;
use crate::certificate::{Certificate, PublicKey};
use crate::code::Code;
use crate::presented::Usage;
use crate::report::Role;

/// Which profile rules beyond path validation the policy enforces (`[conformance]` in a
/// policy file). Both default to off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Conformance {
    /// The certificate-profile MUSTs of RFC 5280 section 4 on every certificate of the
    /// path, trust anchor included: serial numbers (4.1.2.2; trust anchors exempt),
    /// matching signature algorithms (4.1.1.2), one instance per extension (4.2),
    /// authority and subject key identifiers (4.2.1.1, 4.2.1.2), keyUsage and
    /// basicConstraints consistency (4.2.1.3, 4.2.1.9), subjectAltName syntax (4.2.1.6),
    /// name and policy constraints only in CA certificates, critical and non-empty
    /// (4.2.1.10, 4.2.1.11), non-empty EKU (4.2.1.12).
    pub rfc5280: bool,
    /// The CA/Browser Forum Baseline Requirements for the Web PKI: RSA moduli divisible by
    /// 8 (6.1.5), root certificates without EKU and with a plain authority key identifier
    /// (7.1.2.1), and, when a server certificate is validated, an EKU that is present and
    /// not critical (7.1.2.7.6), a non-critical subjectAltName (7.1.2.7.12) and a
    /// commonName copied from the subjectAltName (7.1.4.3). Where the BRs relax RFC 5280
    /// they win: name constraints may be non-critical (7.1.2.5.2).
    pub cabf: bool,
}

/// An extension as it appears in the certificate, with its criticality.
struct Ext {
    oid: ObjectIdentifier,
    critical: bool,
    value: Vec<u8>,
}

/// One certificate's view for the rules: the extensions as listed and the inner
/// signature algorithm, decoded again from the signed bytes (only when the rules are on).
struct View {
    extensions: Vec<Ext>,
    inner_signature_algorithm: Option<Vec<u8>>,
}

impl View {
    fn of(cert: &Certificate) -> View {
        let extensions = TbsCertificateInner::<Raw>::from_der(cert.tbs())
            .ok()
            .and_then(|tbs| tbs.extensions().cloned())
            .unwrap_or_default()
            .into_iter()
            .map(|e: Extension| Ext {
                oid: e.extn_id,
                critical: e.critical,
                value: e.extn_value.into_bytes().into_vec(),
            })
            .collect();
        View {
            extensions,
            inner_signature_algorithm: inner_signature_algorithm(cert.tbs()),
        }
    }

    fn get(&self, oid: ObjectIdentifier) -> Option<&Ext> {
        self.extensions.iter().find(|e| e.oid == oid)
    }
}

/// The content octets of tbsCertificate.signature.
fn inner_signature_algorithm(tbs: &[u8]) -> Option<Vec<u8>> {
    let mut reader = SliceReader::new(tbs).ok()?;
    reader
        .sequence(|r| {
            if matches!(
                Tag::peek(r)?,
                Tag::ContextSpecific {
                    number: TagNumber(0),
                    ..
                }
            ) {
                r.tlv_bytes()?; // version
            }
            r.tlv_bytes()?; // serialNumber
            let alg = r.tlv_bytes()?;
            while !r.is_finished() {
                r.tlv_bytes()?;
            }
            crate::certificate::raw::value_of(alg).map(<[u8]>::to_vec)
        })
        .ok()
}

/// Collects the broken rules of one certificate.
struct Breaks(Vec<String>);

impl Breaks {
    fn rule(&mut self, broken: bool, what: impl FnOnce() -> String) {
        if broken {
            self.0.push(what());
        }
    }
}

pub(super) fn check(ctx: &mut Context<'_, '_>) {
    let rules = ctx.policy.conformance;
    if !rules.rfc5280 && !rules.cabf {
        return;
    }
    let leaf = ctx.chain.leaf;
    for (i, cert) in ctx.chain_certificates() {
        let view = View::of(cert);
        let is_leaf = leaf == Some(i);
        let is_root = ctx.chain.roles.get(i) == Some(&Role::Root) && cert.is_self_issued();
        let mut breaks = Breaks(Vec::new());
        if rules.rfc5280 {
            let is_anchor = ctx.chain.roles.get(i) == Some(&Role::Root);
            rfc5280(cert, &view, is_leaf, is_anchor, !rules.cabf, &mut breaks);
        }
        if rules.cabf {
            cabf(cert, &view, is_root, &mut breaks);
            if is_leaf && ctx.usage == Usage::ServerAuth {
                cabf_server_leaf(cert, &view, &mut breaks);
            }
        }
        for rule in breaks.0 {
            ctx.findings.add(
                Code::CertificateNonconforming,
                Some(i),
                format!("{} breaks {rule}", cert.describe(i)),
                if is_leaf {
                    "The issuing CA mis-issued this certificate: have it re-issued by a CA that follows RFC 5280 and the CA/B Forum Baseline Requirements."
                } else {
                    "This CA certificate was mis-issued: it cannot anchor or extend a conforming chain; use a chain from a CA that follows RFC 5280."
                },
            );
        }
    }
}

fn rfc5280(
    cert: &Certificate,
    view: &View,
    is_leaf: bool,
    is_anchor: bool,
    critical_name_constraints: bool,
    breaks: &mut Breaks,
) {
    // 4.1.2.2: positive, at most 20 octets (a leading 0x00 sign octet aside). A trust
    // anchor's serial plays no part in validation, and real roots break this rule
    // (Starfield Root Certificate Authority - G2 has serial 0).
    let serial = cert.serial_bytes();
    let magnitude = serial.strip_prefix(&[0]).unwrap_or(serial);
    breaks.rule(
        !is_anchor && serial.first().is_some_and(|b| b & 0x80 != 0),
        || "RFC 5280 4.1.2.2: its serial number is negative".to_owned(),
    );
    breaks.rule(!is_anchor && serial.iter().all(|&b| b == 0), || {
        "RFC 5280 4.1.2.2: its serial number is zero".to_owned()
    });
    breaks.rule(!is_anchor && magnitude.len() > 20, || {
        format!(
            "RFC 5280 4.1.2.2: its serial number is {} octets long (at most 20)",
            magnitude.len()
        )
    });
    // 4.1.1.2: signatureAlgorithm MUST be the same as tbsCertificate.signature.
    breaks.rule(
        view.inner_signature_algorithm.as_deref() != Some(cert.signature_algorithm_id()),
        || {
            "RFC 5280 4.1.1.2: its signatureAlgorithm differs from the algorithm in the signed tbsCertificate".to_owned()
        },
    );
    // 4.2: at most one instance of an extension; and each one this library reads decodes.
    for (n, e) in view.extensions.iter().enumerate() {
        if view.extensions[..n].iter().any(|p| p.oid == e.oid) {
            breaks.rule(true, || {
                format!("RFC 5280 4.2: it carries extension {} twice", e.oid)
            });
        }
    }
    for oid in &cert.extensions().malformed {
        if view.extensions.iter().filter(|e| e.oid == *oid).count() < 2 {
            breaks.rule(true, || {
                format!("RFC 5280 4.2: its extension {oid} does not decode")
            });
        }
    }

    let bc = view
        .get(oids::ID_CE_BASIC_CONSTRAINTS)
        .and_then(|e| BasicConstraints::from_der(&e.value).ok());
    let is_ca = bc.as_ref().is_some_and(|b| b.ca);
    let ku = view
        .get(oids::ID_CE_KEY_USAGE)
        .and_then(|e| KeyUsage::from_der(&e.value).ok());

    // 4.2.1.1: non-critical; keyIdentifier in every certificate but a self-signed one.
    let aki = view.get(oids::ID_CE_AUTHORITY_KEY_IDENTIFIER);
    breaks.rule(aki.is_some_and(|e| e.critical), || {
        "RFC 5280 4.2.1.1: its authorityKeyIdentifier is marked critical".to_owned()
    });
    let has_key_id = aki
        .and_then(|e| AuthorityKeyIdentifier::from_der(&e.value).ok())
        .is_some_and(|a| a.key_identifier.is_some());
    breaks.rule(!cert.is_self_issued() && !has_key_id, || {
        "RFC 5280 4.2.1.1: it lacks an authorityKeyIdentifier with a keyIdentifier".to_owned()
    });
    // 4.2.1.2: every CA certificate carries a subjectKeyIdentifier, non-critical.
    let ski = view.get(oids::ID_CE_SUBJECT_KEY_IDENTIFIER);
    breaks.rule(is_ca && ski.is_none(), || {
        "RFC 5280 4.2.1.2: it is a CA certificate without a subjectKeyIdentifier".to_owned()
    });
    breaks.rule(ski.is_some_and(|e| e.critical), || {
        "RFC 5280 4.2.1.2: its subjectKeyIdentifier is marked critical".to_owned()
    });
    // 4.2.1.9: keyCertSign only with cA; pathLenConstraint only with cA and keyCertSign;
    // basicConstraints critical in CA certificates.
    let cert_sign = ku.as_ref().map(KeyUsage::key_cert_sign);
    breaks.rule(!is_ca && cert_sign == Some(true), || {
        "RFC 5280 4.2.1.9: its keyUsage asserts keyCertSign but basicConstraints does not assert cA".to_owned()
    });
    breaks.rule(
        bc.as_ref().is_some_and(|b| b.path_len_constraint.is_some())
            && (!is_ca || cert_sign == Some(false)),
        || {
            "RFC 5280 4.2.1.9: it sets pathLenConstraint without asserting both cA and keyCertSign"
                .to_owned()
        },
    );
    breaks.rule(
        is_ca
            && view
                .get(oids::ID_CE_BASIC_CONSTRAINTS)
                .is_some_and(|e| !e.critical),
        || {
            "RFC 5280 4.2.1.9: it is a CA certificate whose basicConstraints is not critical"
                .to_owned()
        },
    );
    // 4.2.1.6: a well-formed, non-empty subjectAltName.
    if let Some(e) = view.get(oids::ID_CE_SUBJECT_ALT_NAME) {
        match SubjectAltName::from_der(&e.value) {
            Err(_) => breaks.rule(true, || {
                "RFC 5280 4.2.1.6: its subjectAltName is not valid DER".to_owned()
            }),
            Ok(san) => {
                breaks.rule(san.0.is_empty(), || {
                    "RFC 5280 4.2.1.6: its subjectAltName is empty".to_owned()
                });
                for name in &san.0 {
                    san_entry(name, breaks);
                }
            }
        }
    }
    // 4.2.1.10: name constraints only in CA certificates, critical, not empty.
    if let Some(e) = view.get(oids::ID_CE_NAME_CONSTRAINTS) {
        breaks.rule(!is_ca || is_leaf, || {
            "RFC 5280 4.2.1.10: it is not a CA certificate but carries nameConstraints".to_owned()
        });
        breaks.rule(critical_name_constraints && !e.critical, || {
            "RFC 5280 4.2.1.10: its nameConstraints is not marked critical".to_owned()
        });
        let nc = NameConstraints::from_der(&e.value).ok();
        let empty = nc
            .as_ref()
            .is_none_or(|nc| nc.permitted_subtrees.is_none() && nc.excluded_subtrees.is_none());
        breaks.rule(empty, || {
            "RFC 5280 4.2.1.10: its nameConstraints has neither permitted nor excluded subtrees"
                .to_owned()
        });
        // A dNSName constraint is a host name in the preferred syntax: no leading period
        // (that form exists for URIs and email addresses only) and no wildcard.
        let subtrees = nc
            .iter()
            .flat_map(|nc| {
                nc.permitted_subtrees
                    .iter()
                    .chain(nc.excluded_subtrees.iter())
            })
            .flatten();
        for subtree in subtrees {
            if let GeneralName::DnsName(dns) = &subtree.base {
                let dns = dns.as_str();
                breaks.rule(dns.starts_with("*.") || !is_preferred_dns_syntax(dns), || {
                    format!("RFC 5280 4.2.1.10: its nameConstraints dNSName {dns:?} is not a host name in the preferred syntax")
                });
            }
        }
    }
    // 4.2.1.11: policy constraints critical and not empty.
    if let Some(e) = view.get(oids::ID_CE_POLICY_CONSTRAINTS) {
        breaks.rule(!e.critical, || {
            "RFC 5280 4.2.1.11: its policyConstraints is not marked critical".to_owned()
        });
        let empty = PolicyConstraints::from_der(&e.value).map_or(true, |pc| {
            pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none()
        });
        breaks.rule(empty, || {
            "RFC 5280 4.2.1.11: its policyConstraints is empty".to_owned()
        });
    }
    // 4.2.1.12: "one or more" purposes.
    if let Some(e) = view.get(oids::ID_CE_EXT_KEY_USAGE) {
        breaks.rule(
            ExtendedKeyUsage::from_der(&e.value).map_or(true, |eku| eku.0.is_empty()),
            || "RFC 5280 4.2.1.12: its extendedKeyUsage lists no purpose".to_owned(),
        );
    }
    // 4.2.1.14: inhibitAnyPolicy is critical.
    breaks.rule(
        view.get(oids::ID_CE_INHIBIT_ANY_POLICY)
            .is_some_and(|e| !e.critical),
        || "RFC 5280 4.2.1.14: its inhibitAnyPolicy is not marked critical".to_owned(),
    );
}

fn san_entry(name: &GeneralName, breaks: &mut Breaks) {
    match name {
        GeneralName::DnsName(dns) => {
            let dns = dns.as_str();
            breaks.rule(!is_preferred_dns_syntax(dns), || {
                format!(
                    "RFC 5280 4.2.1.6: its subjectAltName dNSName {dns:?} is not in the preferred name syntax"
                )
            });
        }
        GeneralName::Rfc822Name(mail) => {
            let mail = mail.as_str();
            breaks.rule(!is_mailbox(mail), || {
                format!("RFC 5280 4.2.1.6: its subjectAltName rfc822Name {mail:?} is not a mailbox")
            });
        }
        GeneralName::IpAddress(ip) => {
            let len = ip.as_bytes().len();
            breaks.rule(len != 4 && len != 16, || {
                format!("RFC 5280 4.2.1.6: its subjectAltName iPAddress has {len} octets (4 or 16)")
            });
        }
        _ => {}
    }
}

/// RFC 1034 3.5 as amended by RFC 1123 2.1: letters, digits and inner hyphens, labels of
/// 1 to 63 octets; a leading `*.` wildcard label is allowed (RFC 6125 6.4.3).
pub(crate) fn is_preferred_dns_syntax(name: &str) -> bool {
    let name = name.strip_prefix("*.").unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// RFC 5321 Mailbox, simplified: one `@`, a non-empty local part of printable ASCII, and
/// a domain in the preferred name syntax.
pub(crate) fn is_mailbox(mail: &str) -> bool {
    match mail.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.bytes().all(|b| b.is_ascii_graphic() && b != b'@')
                && !domain.contains('@')
                && is_preferred_dns_syntax(domain)
                && !domain.starts_with("*.")
        }
        None => false,
    }
}

fn cabf(cert: &Certificate, view: &View, is_root: bool, breaks: &mut Breaks) {
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

fn cabf_server_leaf(cert: &Certificate, view: &View, breaks: &mut Breaks) {
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
    fn dns_and_mailbox_syntax() {
        for good in [
            "example.com",
            "*.example.com",
            "a-b.c0.example",
            "localhost",
        ] {
            assert!(is_preferred_dns_syntax(good), "{good}");
        }
        for bad in [
            "",
            ".example.com",
            "foo_bar.example.com",
            "-a.com",
            "a..b",
            "*",
            "a.*.b",
        ] {
            assert!(!is_preferred_dns_syntax(bad), "{bad}");
        }
        assert!(is_mailbox("user*@example.com"));
        assert!(!is_mailbox("invalid@address@example.com"));
        assert!(!is_mailbox("@example.com"));
        assert!(!is_mailbox("user@"));
    }

    #[test]
    fn ip_text_is_canonical() {
        let v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        assert_eq!(ip_text(&v6).as_deref(), Some("2001:db8::1"));
        assert_eq!(ip_text(&[192, 0, 2, 1]).as_deref(), Some("192.0.2.1"));
        assert_eq!(ip_text(&[1, 2, 3]), None);
    }
}
