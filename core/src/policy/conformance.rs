//! The `[conformance]` table: which certificate-profile rule books beyond path
//! validation the policy enforces (the rules themselves: `checks::conformance`).

use serde::{Deserialize, Serialize};

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
