//! What a validation produces: findings, certificate summaries and the verdict.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::code::Code;

pub mod revocation;

pub use crate::code::Severity;
pub use revocation::RevocationInfo;

/// One problem (or remark) about the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code.
    pub code: Code,
    /// Severity after the policy's overrides.
    pub severity: Severity,
    /// Index of the certificate concerned, counting certificate blocks in the bundle as
    /// given (or DER certificates in the list given); `None` when the finding is about the
    /// input as a whole or a non-certificate block.
    pub certificate: Option<usize>,
    /// What is wrong, naming the certificate by subject.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// Operator-facing detail the uploader should not see (e.g. why a responder could
    /// not be reached: connection refused, HTTP status, a refused destination).
    /// Serialized only when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.severity, self.code, self.message)
    }
}

/// What a certificate is in the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The end-entity certificate the client authenticates with.
    Leaf,
    /// A CA certificate between the leaf and the root.
    Intermediate,
    /// The self-signed certificate the chain ends at.
    Root,
    /// A second copy of another certificate.
    Duplicate,
    /// Not on the leaf's path.
    Unrelated,
    /// Could not be parsed.
    Malformed,
}

/// A summary of one certificate of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// Index among the certificates of the input, as given.
    pub index: usize,
    /// Role in the chain.
    pub role: Role,
    /// Subject DN, RFC 4514 string form.
    pub subject: String,
    /// Issuer DN, RFC 4514 string form.
    pub issuer: String,
    /// Serial number, lowercase hex of the DER INTEGER's content octets (sign byte kept).
    pub serial: String,
    /// notBefore, RFC 3339 UTC.
    pub not_before: String,
    /// notAfter, RFC 3339 UTC.
    pub not_after: String,
    /// SHA-256 of the DER encoding, lowercase hex.
    pub sha256: String,
    /// Public key, e.g. `RSA 2048`, `EC P-256`, `Ed25519`.
    pub key: String,
    /// Signature algorithm of the certificate's own signature, e.g. `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// Self-issued and verifies with its own key.
    pub self_signed: bool,
    /// Subject alternative names; omitted from JSON when there are none.
    #[serde(default, skip_serializing_if = "SubjectAltNames::is_empty")]
    pub san: SubjectAltNames,
    /// SHA-256 of the SubjectPublicKeyInfo (tag and length included), lowercase hex:
    /// what a public-key pin compares.
    #[serde(default)]
    pub spki_sha256: String,
}

/// The subjectAltName entries of a certificate, by kind, in certificate order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SubjectAltNames {
    /// dNSName entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dns: Vec<String>,
    /// iPAddress entries as text (IPv4 dotted, IPv6 RFC 5952; other lengths as hex).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ip: Vec<String>,
    /// rfc822Name entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email: Vec<String>,
    /// uniformResourceIdentifier entries (SPIFFE IDs are `spiffe://` URIs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uri: Vec<String>,
}

impl SubjectAltNames {
    /// No entry of any kind.
    pub fn is_empty(&self) -> bool {
        self.dns.is_empty() && self.ip.is_empty() && self.email.is_empty() && self.uri.is_empty()
    }
}

/// The chain the validator assembled from the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChainSummary {
    /// Index of the certificate taken as the leaf, if any.
    pub leaf: Option<usize>,
    /// Why that certificate was taken as the leaf.
    pub leaf_reason: String,
    /// Certificate indices from leaf towards the root: the correct order.
    pub path: Vec<usize>,
}

/// The result of vetting one input.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Report {
    /// True iff no finding has severity `error`.
    pub accepted: bool,
    /// Every problem found, in the order the checks ran.
    pub findings: Vec<Finding>,
    /// Every parsed certificate, in input order.
    pub certificates: Vec<CertificateInfo>,
    /// The assembled chain.
    pub chain: ChainSummary,
    /// The validation time used, RFC 3339 UTC.
    pub validated_at: String,
    /// Revocation status of each certificate checked, and where it came from (empty
    /// when revocation checking is off).
    #[serde(default)]
    pub revocation: Vec<RevocationInfo>,
    /// Trust-store mode with chainvet's RFC 5280 engine, on an accepted path: the
    /// certificate policies the path is valid for, dotted OIDs (`2.5.29.32.0` is
    /// anyPolicy), i.e. the valid_policy_tree after RFC 5280 6.1.5 (g) (the
    /// authorities-constrained policy set intersected with the user-initial-policy-set;
    /// with the default {anyPolicy} the two are the same). Empty when the tree is NULL
    /// (no policy common to the path, which is valid unless an explicit policy was
    /// required). `None` (absent from JSON) otherwise: bundle mode, the rustls-webpki
    /// engine, or no path accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_policies: Option<Vec<String>>,
}

impl Report {
    /// Findings with the given code.
    pub fn with_code(&self, code: Code) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.code == code)
    }

    /// Whether any finding has the given code.
    pub fn has(&self, code: Code) -> bool {
        self.with_code(code).next().is_some()
    }

    /// Findings of severity `error`.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// The report as pretty JSON, in the shape documented in `docs/cli.md`.
    pub fn to_json_pretty(&self) -> String {
        // Serialising plain strings, numbers and enums cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report as compact JSON (one line).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
