//! The `[subject]` table: required subject attributes, the expected common name,
//! allowed subjectAltName DNS names and ISO 3166-1 country codes, one policy for the leaf
//! of a bundle and for a CSR (the rules themselves: `checks::subject`).

use const_oid::ObjectIdentifier;
use serde::{Deserialize, Serialize};

/// A subject attribute a policy can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SubjectAttribute {
    /// C, countryName (2.5.4.6).
    #[serde(rename = "C", alias = "countryName")]
    Country,
    /// ST, stateOrProvinceName (2.5.4.8).
    #[serde(rename = "ST", alias = "stateOrProvinceName")]
    StateOrProvince,
    /// L, localityName (2.5.4.7).
    #[serde(rename = "L", alias = "localityName")]
    Locality,
    /// O, organizationName (2.5.4.10).
    #[serde(rename = "O", alias = "organizationName")]
    Organization,
    /// OU, organizationalUnitName (2.5.4.11).
    #[serde(rename = "OU", alias = "organizationalUnitName")]
    OrganizationalUnit,
    /// CN, commonName (2.5.4.3).
    #[serde(rename = "CN", alias = "commonName")]
    CommonName,
    /// emailAddress (PKCS#9, 1.2.840.113549.1.9.1).
    #[serde(rename = "emailAddress")]
    EmailAddress,
    /// serialNumber (2.5.4.5): e.g. a company registration number, not the certificate
    /// serial.
    #[serde(rename = "serialNumber")]
    SerialNumber,
}

impl SubjectAttribute {
    /// Every attribute, in the order an `openssl req -subj` string usually has them.
    pub const ALL: [SubjectAttribute; 8] = [
        SubjectAttribute::Country,
        SubjectAttribute::StateOrProvince,
        SubjectAttribute::Locality,
        SubjectAttribute::Organization,
        SubjectAttribute::OrganizationalUnit,
        SubjectAttribute::CommonName,
        SubjectAttribute::EmailAddress,
        SubjectAttribute::SerialNumber,
    ];

    /// The short name used in policies and DN strings, e.g. `ST`, `emailAddress`.
    pub const fn short_name(self) -> &'static str {
        match self {
            SubjectAttribute::Country => "C",
            SubjectAttribute::StateOrProvince => "ST",
            SubjectAttribute::Locality => "L",
            SubjectAttribute::Organization => "O",
            SubjectAttribute::OrganizationalUnit => "OU",
            SubjectAttribute::CommonName => "CN",
            SubjectAttribute::EmailAddress => "emailAddress",
            SubjectAttribute::SerialNumber => "serialNumber",
        }
    }

    /// The X.520 / PKCS#9 attribute name, e.g. `stateOrProvinceName`.
    pub const fn long_name(self) -> &'static str {
        match self {
            SubjectAttribute::Country => "countryName",
            SubjectAttribute::StateOrProvince => "stateOrProvinceName",
            SubjectAttribute::Locality => "localityName",
            SubjectAttribute::Organization => "organizationName",
            SubjectAttribute::OrganizationalUnit => "organizationalUnitName",
            SubjectAttribute::CommonName => "commonName",
            SubjectAttribute::EmailAddress => "emailAddress",
            SubjectAttribute::SerialNumber => "serialNumber",
        }
    }

    /// The attribute type OID.
    pub const fn oid(self) -> ObjectIdentifier {
        match self {
            SubjectAttribute::Country => ObjectIdentifier::new_unwrap("2.5.4.6"),
            SubjectAttribute::StateOrProvince => ObjectIdentifier::new_unwrap("2.5.4.8"),
            SubjectAttribute::Locality => ObjectIdentifier::new_unwrap("2.5.4.7"),
            SubjectAttribute::Organization => ObjectIdentifier::new_unwrap("2.5.4.10"),
            SubjectAttribute::OrganizationalUnit => ObjectIdentifier::new_unwrap("2.5.4.11"),
            SubjectAttribute::CommonName => ObjectIdentifier::new_unwrap("2.5.4.3"),
            SubjectAttribute::EmailAddress => ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1"),
            SubjectAttribute::SerialNumber => ObjectIdentifier::new_unwrap("2.5.4.5"),
        }
    }

    pub(crate) fn example(self) -> &'static str {
        match self {
            SubjectAttribute::Country => "DE",
            SubjectAttribute::StateOrProvince => "Berlin",
            SubjectAttribute::Locality => "Berlin",
            SubjectAttribute::Organization => "Example GmbH",
            SubjectAttribute::OrganizationalUnit => "Payments",
            SubjectAttribute::CommonName => "client.example.com",
            SubjectAttribute::EmailAddress => "pki@example.com",
            SubjectAttribute::SerialNumber => "HRB 12345",
        }
    }
}

/// Rules for the subject of the leaf certificate and of CSRs. Everything is off by
/// default (`SubjectPolicy::default()`); in a policy file it is the `[subject]` table:
///
/// ```toml
/// [subject]
/// required_attributes = ["C", "ST", "O", "CN"]
/// common_names = ["api.*.payrails.io"]      # exact values or `*` patterns
/// dns_names = ["*.example.com"]             # every SAN dNSName must match one
/// check_country = true                      # C must be an assigned ISO 3166-1 code
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubjectPolicy {
    /// Attributes the subject must carry with a non-empty value
    /// (`subject.missing_attribute`). Default: none.
    pub required_attributes: Vec<SubjectAttribute>,
    /// Allowed common names, each an exact value or a pattern in which `*` stands for
    /// one or more characters other than `.` (`api.*.example.com`); compared ignoring
    /// ASCII case (`subject.cn_mismatch`). Empty (the default): any CN.
    pub common_names: Vec<String>,
    /// Allowed subjectAltName DNS names, exact or `*` patterns as for `common_names`;
    /// every dNSName must match one (`subject.dns_name_not_allowed`). Empty (the
    /// default): any.
    pub dns_names: Vec<String>,
    /// Every C attribute must be an officially assigned ISO 3166-1 alpha-2 code
    /// (`subject.country_invalid`). Default false.
    pub check_country: bool,
}

impl SubjectPolicy {
    /// Whether the policy checks nothing.
    pub fn is_off(&self) -> bool {
        self.required_attributes.is_empty()
            && self.common_names.is_empty()
            && self.dns_names.is_empty()
            && !self.check_country
    }

    /// An `openssl req -subj` argument that satisfies the required attributes and CN,
    /// with example values, for hints.
    pub(crate) fn example_subj(&self) -> String {
        let mut wanted: Vec<SubjectAttribute> = self.required_attributes.clone();
        if !self.common_names.is_empty() || wanted.is_empty() {
            wanted.push(SubjectAttribute::CommonName);
        }
        let mut out = String::new();
        for attr in SubjectAttribute::ALL {
            if !wanted.contains(&attr) {
                continue;
            }
            let value = match (attr, self.common_names.first()) {
                (SubjectAttribute::CommonName, Some(cn)) => cn.replace('*', "example"),
                _ => attr.example().to_owned(),
            };
            out.push('/');
            out.push_str(attr.short_name());
            out.push('=');
            out.push_str(&value);
        }
        out
    }
}
