//! What path validation reads from one certificate beyond `Certificate`'s own fields:
//! every extension with its criticality, the policy extensions (4.2.1.4, 4.2.1.5,
//! 4.2.1.11, 4.2.1.14), nameConstraints (4.2.1.10) and the names the constraints apply
//! to (subject, emailAddress attributes, subjectAltName).

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280 as oids;
use der::{Decode, Encode};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    CertificatePolicies, InhibitAnyPolicy, NameConstraints, PolicyConstraints, PolicyMappings,
    SubjectAltName,
};

use super::PathError;
use crate::certificate::Certificate;

/// emailAddress (1.2.840.113549.1.9.1), PKCS #9; RFC 5280 4.1.2.6.
const EMAIL_ADDRESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");

/// The extensions the engine processes, so a critical one does not stop the path
/// (6.1.4 (o), 6.1.5 (f)). The same set rustls-webpki processes plus the four policy
/// extensions, which chainvet processes and webpki does not.
const PROCESSED: &[ObjectIdentifier] = &[
    oids::ID_CE_KEY_USAGE,
    oids::ID_CE_SUBJECT_ALT_NAME,
    oids::ID_CE_BASIC_CONSTRAINTS,
    oids::ID_CE_NAME_CONSTRAINTS,
    oids::ID_CE_CRL_DISTRIBUTION_POINTS,
    oids::ID_CE_EXT_KEY_USAGE,
    oids::ID_CE_CERTIFICATE_POLICIES,
    oids::ID_CE_POLICY_MAPPINGS,
    oids::ID_CE_POLICY_CONSTRAINTS,
    oids::ID_CE_INHIBIT_ANY_POLICY,
];

/// The names of a certificate that name constraints apply to (6.1.3 (b), (c)).
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    /// The subject's RDNSequence content octets (empty for an empty subject).
    pub(crate) subject: Vec<u8>,
    /// emailAddress attribute values in the subject (4.2.1.10: constrained as
    /// rfc822Name when there is no subjectAltName).
    pub(crate) subject_emails: Vec<String>,
    /// Whether the certificate has a subjectAltName extension.
    pub(crate) has_san: bool,
    /// subjectAltName entries.
    pub(crate) san: Vec<GeneralName>,
}

/// The parsed extensions of one certificate.
#[derive(Debug, Clone, Default)]
pub(crate) struct PathExtensions {
    /// certificatePolicies: policy OIDs in order (4.2.1.4).
    pub(crate) policies: Option<Vec<ObjectIdentifier>>,
    /// policyMappings: (issuerDomainPolicy, subjectDomainPolicy) (4.2.1.5).
    pub(crate) mappings: Vec<(ObjectIdentifier, ObjectIdentifier)>,
    /// policyConstraints requireExplicitPolicy (4.2.1.11).
    pub(crate) require_explicit_policy: Option<u32>,
    /// policyConstraints inhibitPolicyMapping (4.2.1.11).
    pub(crate) inhibit_policy_mapping: Option<u32>,
    /// inhibitAnyPolicy SkipCerts (4.2.1.14).
    pub(crate) inhibit_any_policy: Option<u32>,
    /// nameConstraints (4.2.1.10).
    pub(crate) name_constraints: Option<NameConstraints>,
    /// The first critical extension the engine does not process.
    pub(crate) unknown_critical: Option<ObjectIdentifier>,
    /// The names constraints apply to.
    pub(crate) names: Names,
}

fn malformed(what: &str, e: impl core::fmt::Display) -> PathError {
    PathError::Malformed(format!("{what} does not decode: {e}"))
}

impl PathExtensions {
    /// Reads a certificate chainvet already parsed (so its tbsCertificate decodes).
    pub(crate) fn of(cert: &Certificate) -> Result<PathExtensions, PathError> {
        // The extensions are read in place and the subject is decoded only when it
        // holds an emailAddress attribute: decoding the whole tbsCertificate with
        // x509-cert cost more than the rest of a validation with a known CA.
        let list = crate::der::extensions_with_criticality(cert.tbs())
            .map_err(|e| malformed("the tbsCertificate", e))?;
        let mut out = PathExtensions {
            names: Names {
                subject: cert.subject_raw().to_vec(),
                subject_emails: if holds_email_attribute(cert.subject_raw()) {
                    subject_emails(cert.subject())
                } else {
                    Vec::new()
                },
                ..Names::default()
            },
            ..PathExtensions::default()
        };
        let mut seen: Vec<ObjectIdentifier> = Vec::with_capacity(list.len());
        for ext in list {
            let id = ObjectIdentifier::from_bytes(ext.oid)
                .map_err(|e| malformed("an extension's extnID", e))?;
            // 4.2: a certificate MUST NOT include more than one instance of an extension.
            if seen.contains(&id) {
                return Err(PathError::Malformed(format!(
                    "the extension {id} appears twice"
                )));
            }
            seen.push(id);
            if ext.critical && !PROCESSED.contains(&id) && out.unknown_critical.is_none() {
                out.unknown_critical = Some(id);
            }
            out.read(id, ext.value)?;
        }
        Ok(out)
    }

    fn read(&mut self, id: ObjectIdentifier, value: &[u8]) -> Result<(), PathError> {
        match id {
            oids::ID_CE_CERTIFICATE_POLICIES => {
                let list = CertificatePolicies::from_der(value)
                    .map_err(|e| malformed("certificatePolicies", e))?;
                let mut policies: Vec<ObjectIdentifier> = Vec::with_capacity(list.0.len());
                for info in list.0 {
                    // 4.2.1.4: a policy OID MUST NOT appear more than once.
                    if policies.contains(&info.policy_identifier) {
                        return Err(PathError::Malformed(format!(
                            "certificatePolicies lists {} twice",
                            info.policy_identifier
                        )));
                    }
                    policies.push(info.policy_identifier);
                }
                self.policies = Some(policies);
            }
            oids::ID_CE_POLICY_MAPPINGS => {
                let list =
                    PolicyMappings::from_der(value).map_err(|e| malformed("policyMappings", e))?;
                self.mappings = list
                    .0
                    .into_iter()
                    .map(|m| (m.issuer_domain_policy, m.subject_domain_policy))
                    .collect();
            }
            oids::ID_CE_POLICY_CONSTRAINTS => {
                let pc = PolicyConstraints::from_der(value)
                    .map_err(|e| malformed("policyConstraints", e))?;
                // 4.2.1.11: conforming CAs MUST NOT issue an empty policyConstraints.
                if pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none() {
                    return Err(PathError::Malformed(
                        "policyConstraints is empty".to_owned(),
                    ));
                }
                self.require_explicit_policy = pc.require_explicit_policy;
                self.inhibit_policy_mapping = pc.inhibit_policy_mapping;
            }
            oids::ID_CE_INHIBIT_ANY_POLICY => {
                let skip = InhibitAnyPolicy::from_der(value)
                    .map_err(|e| malformed("inhibitAnyPolicy", e))?;
                self.inhibit_any_policy = Some(skip.0);
            }
            oids::ID_CE_NAME_CONSTRAINTS => {
                let nc = NameConstraints::from_der(value)
                    .map_err(|e| malformed("nameConstraints", e))?;
                self.name_constraints = Some(nc);
            }
            oids::ID_CE_SUBJECT_ALT_NAME => {
                let san =
                    SubjectAltName::from_der(value).map_err(|e| malformed("subjectAltName", e))?;
                self.names.has_san = true;
                self.names.san = san.0;
            }
            _ => {}
        }
        Ok(())
    }
}

/// Whether a subject's content octets can hold an emailAddress attribute: its OID's
/// encoding (tag, length, content) occurs in them. Without it there is none.
fn holds_email_attribute(subject: &[u8]) -> bool {
    const ENCODED: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01,
    ];
    subject.windows(ENCODED.len()).any(|w| w == ENCODED)
}

/// emailAddress attribute values of a subject, as text (IA5String per PKCS #9; other
/// string types are read as their characters).
fn subject_emails(subject: &x509_cert::name::Name) -> Vec<String> {
    let mut out = Vec::new();
    for atv in subject.iter() {
        if atv.oid != EMAIL_ADDRESS {
            continue;
        }
        let text = der::asn1::Ia5StringRef::try_from(&atv.value)
            .map(|s| s.as_str().to_owned())
            .or_else(|_| {
                der::asn1::Utf8StringRef::try_from(&atv.value).map(|s| s.as_str().to_owned())
            });
        // An undecodable value is kept as something no constraint matches, so a
        // permitted rfc822Name subtree still refuses it.
        out.push(text.unwrap_or_else(|_| "\u{0}".to_owned()));
    }
    out
}

/// The content octets of a directoryName as encoded (for RFC 5280 7.1 comparison).
pub(crate) fn name_content(name: &x509_cert::name::Name) -> Option<Vec<u8>> {
    let der = name.to_der().ok()?;
    crate::der::value_of(&der).ok().map(<[u8]>::to_vec)
}
