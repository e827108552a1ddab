//! What a revocation source says about one certificate, and how the report records it.

use core::fmt;

use serde::{Deserialize, Serialize};
use x509_cert::ext::pkix::CrlReason;

use crate::time::Timestamp;

/// Why a certificate was revoked (RFC 5280 5.3.1 CRLReason), named as in the RFC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// unspecified (0)
    Unspecified,
    /// keyCompromise (1)
    KeyCompromise,
    /// cACompromise (2)
    #[serde(rename = "cACompromise")]
    CaCompromise,
    /// affiliationChanged (3)
    AffiliationChanged,
    /// superseded (4)
    Superseded,
    /// cessationOfOperation (5)
    CessationOfOperation,
    /// certificateHold (6)
    CertificateHold,
    /// removeFromCRL (8)
    #[serde(rename = "removeFromCRL")]
    RemoveFromCrl,
    /// privilegeWithdrawn (9)
    PrivilegeWithdrawn,
    /// aACompromise (10)
    #[serde(rename = "aACompromise")]
    AaCompromise,
}

impl Reason {
    /// The RFC 5280 name, e.g. `keyCompromise`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::Unspecified => "unspecified",
            Reason::KeyCompromise => "keyCompromise",
            Reason::CaCompromise => "cACompromise",
            Reason::AffiliationChanged => "affiliationChanged",
            Reason::Superseded => "superseded",
            Reason::CessationOfOperation => "cessationOfOperation",
            Reason::CertificateHold => "certificateHold",
            Reason::RemoveFromCrl => "removeFromCRL",
            Reason::PrivilegeWithdrawn => "privilegeWithdrawn",
            Reason::AaCompromise => "aACompromise",
        }
    }

    /// The CRLReason code (0-10, 7 unused).
    pub const fn code(self) -> u8 {
        match self {
            Reason::Unspecified => 0,
            Reason::KeyCompromise => 1,
            Reason::CaCompromise => 2,
            Reason::AffiliationChanged => 3,
            Reason::Superseded => 4,
            Reason::CessationOfOperation => 5,
            Reason::CertificateHold => 6,
            Reason::RemoveFromCrl => 8,
            Reason::PrivilegeWithdrawn => 9,
            Reason::AaCompromise => 10,
        }
    }

    pub(crate) fn from_x509(r: CrlReason) -> Reason {
        match r {
            CrlReason::Unspecified => Reason::Unspecified,
            CrlReason::KeyCompromise => Reason::KeyCompromise,
            CrlReason::CaCompromise => Reason::CaCompromise,
            CrlReason::AffiliationChanged => Reason::AffiliationChanged,
            CrlReason::Superseded => Reason::Superseded,
            CrlReason::CessationOfOperation => Reason::CessationOfOperation,
            CrlReason::CertificateHold => Reason::CertificateHold,
            CrlReason::RemoveFromCRL => Reason::RemoveFromCrl,
            CrlReason::PrivilegeWithdrawn => Reason::PrivilegeWithdrawn,
            CrlReason::AaCompromise => Reason::AaCompromise,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A certificate's status as an OCSP response or a CRL states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStatus {
    /// Not revoked.
    Good,
    /// Revoked at `time`, for `reason` if the source gave one.
    Revoked {
        /// revocationTime (OCSP) or revocationDate (CRL).
        time: Timestamp,
        /// The reason, if stated.
        reason: Option<Reason>,
    },
    /// The OCSP responder does not know the certificate (CRLs have no such state).
    Unknown,
}

/// How a status was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// An OCSP response (RFC 6960).
    Ocsp,
    /// A certificate revocation list (RFC 5280).
    Crl,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Ocsp => "OCSP",
            Method::Crl => "CRL",
        })
    }
}

/// Where the response or CRL that gave a status came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Fetched from the responder or distribution point during this validation.
    Network,
    /// The validator's cache (fetched earlier, still fresh).
    Cache,
    /// Stapled in the TLS handshake (`Options::stapled_ocsp`).
    Stapled,
    /// Handed over by the caller (`Options::ocsp_responses`, `Options::crls`, a file).
    Supplied,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Network => "network",
            Source::Cache => "cache",
            Source::Stapled => "stapled",
            Source::Supplied => "supplied",
        })
    }
}

/// A verified statement about one certificate: its status and the window in which the
/// statement may be relied on. Produced by `ocsp::evaluate` and `Crl::evaluate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The certificate's status.
    pub status: CertStatus,
    /// OCSP or CRL.
    pub method: Method,
    /// thisUpdate.
    pub this_update: Timestamp,
    /// nextUpdate, if the source set one.
    pub next_update: Option<Timestamp>,
    /// The OCSP response's producedAt (`None` for CRLs).
    pub produced_at: Option<Timestamp>,
    /// Until when the answer counts as fresh: nextUpdate, or thisUpdate plus the policy's
    /// `max_age_seconds` when there is none. Caches keep it until then.
    pub valid_until: Timestamp,
    /// Who signed it, e.g. `CN=Example Issuing CA` or `delegated responder CN=OCSP Signer`.
    pub signer: String,
}

/// What the report says about one certificate's revocation status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A valid response says good.
    Good,
    /// A valid response says revoked (`revocation.revoked`).
    Revoked,
    /// A valid OCSP response says unknown (`revocation.unknown`).
    Unknown,
    /// No response could be obtained (`revocation.unavailable`).
    Unavailable,
    /// A response was obtained but is not valid (`revocation.response_invalid`).
    Invalid,
    /// Nothing to check against: no responder URL, no distribution point, nothing
    /// supplied, or no issuer to verify a response with.
    NotChecked,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Good => "good",
            Outcome::Revoked => "revoked",
            Outcome::Unknown => "unknown",
            Outcome::Unavailable => "unavailable",
            Outcome::Invalid => "invalid",
            Outcome::NotChecked => "not checked",
        })
    }
}

/// The revocation status of one certificate of a report, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationInfo {
    /// Index of the certificate in the input, as in `Report::certificates`.
    pub certificate: usize,
    /// The outcome.
    pub status: Outcome,
    /// OCSP or CRL, when a response or CRL was used.
    pub method: Option<Method>,
    /// network, cache, stapled or supplied, when a response or CRL was used.
    pub source: Option<Source>,
    /// The responder or CRL URL, or which supplied item (e.g. `stapled OCSP response`).
    pub responder: Option<String>,
    /// Who signed the response or CRL.
    pub signer: Option<String>,
    /// thisUpdate, RFC 3339.
    pub this_update: Option<String>,
    /// nextUpdate, RFC 3339.
    pub next_update: Option<String>,
    /// Until when the status counts as fresh, RFC 3339.
    pub valid_until: Option<String>,
    /// When the certificate was revoked, RFC 3339.
    pub revoked_at: Option<String>,
    /// Why it was revoked, if stated.
    pub reason: Option<Reason>,
    /// Why no status was established, or what was wrong with the response.
    pub detail: Option<String>,
}

impl RevocationInfo {
    pub(crate) fn bare(certificate: usize, status: Outcome, detail: impl Into<String>) -> Self {
        RevocationInfo {
            certificate,
            status,
            method: None,
            source: None,
            responder: None,
            signer: None,
            this_update: None,
            next_update: None,
            valid_until: None,
            revoked_at: None,
            reason: None,
            detail: Some(detail.into()),
        }
    }

    pub(crate) fn from_answer(
        certificate: usize,
        answer: &Answer,
        source: Source,
        responder: &str,
    ) -> Self {
        let (status, revoked_at, reason) = match answer.status {
            CertStatus::Good => (Outcome::Good, None, None),
            CertStatus::Unknown => (Outcome::Unknown, None, None),
            CertStatus::Revoked { time, reason } => {
                (Outcome::Revoked, Some(time.to_rfc3339()), reason)
            }
        };
        RevocationInfo {
            certificate,
            status,
            method: Some(answer.method),
            source: Some(source),
            responder: Some(responder.to_owned()),
            signer: Some(answer.signer.clone()),
            this_update: Some(answer.this_update.to_rfc3339()),
            next_update: answer.next_update.map(Timestamp::to_rfc3339),
            valid_until: Some(answer.valid_until.to_rfc3339()),
            revoked_at,
            reason,
            detail: None,
        }
    }
}
