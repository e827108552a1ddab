//! The X.509 extensions chainvet's checks read, decoded once per certificate.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280;
use der::Decode;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CrlDistributionPoints,
    ExtendedKeyUsage, KeyUsage, SubjectAltName,
};

/// The decoded extensions of interest. An extension that fails to decode is left `None`
/// and named in `malformed`.
#[derive(Debug, Clone, Default)]
pub struct Extensions {
    /// basicConstraints: (cA, pathLenConstraint).
    pub basic_constraints: Option<(bool, Option<u8>)>,
    /// keyUsage: whether keyCertSign is set (only when the extension is present).
    pub key_cert_sign: Option<bool>,
    /// keyUsage bits, bit 0 = digitalSignature ... bit 8 = decipherOnly (only when the
    /// extension is present).
    pub key_usage_bits: Option<u16>,
    /// extendedKeyUsage purposes.
    pub extended_key_usage: Option<Vec<ObjectIdentifier>>,
    /// subjectKeyIdentifier.
    pub subject_key_id: Option<Vec<u8>>,
    /// authorityKeyIdentifier keyIdentifier.
    pub authority_key_id: Option<Vec<u8>>,
    /// dNSName entries of subjectAltName.
    pub dns_names: Vec<String>,
    /// rfc822Name entries of subjectAltName.
    pub email_addresses: Vec<String>,
    /// iPAddress entries of subjectAltName (raw 4 or 16 octets).
    pub ip_addresses: Vec<Vec<u8>>,
    /// uniformResourceIdentifier entries of subjectAltName (e.g. SPIFFE IDs).
    pub uris: Vec<String>,
    /// OCSP responder URLs from authorityInfoAccess.
    pub ocsp_urls: Vec<String>,
    /// caIssuers URLs from authorityInfoAccess.
    pub ca_issuers_urls: Vec<String>,
    /// URLs of the CRL distribution points.
    pub crl_urls: Vec<String>,
    /// OIDs of extensions that are present but do not decode, or appear twice.
    pub malformed: Vec<ObjectIdentifier>,
}

impl Extensions {
    /// Decodes what the checks need from a certificate's extension list: (extnID
    /// content octets, extnValue content octets), in order.
    pub(crate) fn decode(list: &[(&[u8], &[u8])]) -> Extensions {
        let mut out = Extensions::default();
        let mut seen: Vec<ObjectIdentifier> = Vec::with_capacity(list.len());
        for &(oid, value) in list {
            // Parsing checked every extnID decodes.
            let Ok(id) = ObjectIdentifier::from_bytes(oid) else {
                continue;
            };
            if seen.contains(&id) {
                out.malformed.push(id);
                continue;
            }
            seen.push(id);
            if out.decode_one(id, value).is_err() {
                out.malformed.push(id);
            }
        }
        out
    }

    fn decode_one(&mut self, id: ObjectIdentifier, value: &[u8]) -> der::Result<()> {
        match id {
            rfc5280::ID_CE_BASIC_CONSTRAINTS => {
                let bc = BasicConstraints::from_der(value)?;
                self.basic_constraints = Some((bc.ca, bc.path_len_constraint));
            }
            rfc5280::ID_CE_KEY_USAGE => {
                let ku = KeyUsage::from_der(value)?;
                self.key_cert_sign = Some(ku.key_cert_sign());
                self.key_usage_bits = Some(ku.0.bits());
            }
            rfc5280::ID_CE_EXT_KEY_USAGE => {
                self.extended_key_usage = Some(ExtendedKeyUsage::from_der(value)?.0);
            }
            rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER => {
                let ski = der::asn1::OctetString::from_der(value)?;
                self.subject_key_id = Some(ski.as_bytes().to_vec());
            }
            rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER => {
                let aki = AuthorityKeyIdentifier::from_der(value)?;
                self.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
            }
            rfc5280::ID_CE_SUBJECT_ALT_NAME => {
                for name in SubjectAltName::from_der(value)?.0 {
                    match name {
                        GeneralName::DnsName(n) => self.dns_names.push(n.to_string()),
                        GeneralName::Rfc822Name(n) => self.email_addresses.push(n.to_string()),
                        GeneralName::IpAddress(ip) => {
                            self.ip_addresses.push(ip.as_bytes().to_vec())
                        }
                        GeneralName::UniformResourceIdentifier(u) => self.uris.push(u.to_string()),
                        _ => {}
                    }
                }
            }
            rfc5280::ID_PE_AUTHORITY_INFO_ACCESS => {
                for desc in AuthorityInfoAccessSyntax::from_der(value)?.0 {
                    if let GeneralName::UniformResourceIdentifier(uri) = desc.access_location {
                        match desc.access_method {
                            rfc5280::ID_AD_OCSP => self.ocsp_urls.push(uri.to_string()),
                            rfc5280::ID_AD_CA_ISSUERS => self.ca_issuers_urls.push(uri.to_string()),
                            _ => {}
                        }
                    }
                }
            }
            rfc5280::ID_CE_CRL_DISTRIBUTION_POINTS => {
                for dp in CrlDistributionPoints::from_der(value)?.0 {
                    if let Some(DistributionPointName::FullName(names)) = dp.distribution_point {
                        for name in names {
                            if let GeneralName::UniformResourceIdentifier(uri) = name {
                                self.crl_urls.push(uri.to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether basicConstraints says cA=TRUE.
    pub fn is_ca(&self) -> bool {
        matches!(self.basic_constraints, Some((true, _)))
    }
}
