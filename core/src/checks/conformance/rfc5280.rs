//! The RFC 5280 section 4 rule book: the certificate-profile MUSTs a conforming CA
//! follows (serial numbers, algorithm identifiers, extension instances, key identifiers,
//! keyUsage and basicConstraints, subjectAltName syntax, constraints extensions, EKU).

use const_oid::db::rfc5280 as oids;
use der::Decode;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, NameConstraints,
    PolicyConstraints, SubjectAltName,
};

use super::{Breaks, View};
use crate::certificate::{Certificate, is_mailbox, is_preferred_dns_syntax};

pub(super) fn check(
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
