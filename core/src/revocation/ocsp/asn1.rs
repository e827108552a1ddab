//! The OCSP ASN.1 types of RFC 6960 section 4, on der 0.8 / x509-cert 0.3.
//!
//! Ported from RustCrypto's `x509-ocsp` 0.2.1 (<https://github.com/RustCrypto/formats>,
//! `x509-ocsp/src/{lib,request,response,basic,cert_id,cert_status,responder_id}.rs`),
//! Copyright (c) the RustCrypto Developers, licensed Apache-2.0 OR MIT like chainvet.
//! Upstream is built on der 0.7 / x509-cert 0.2, the generation before ours; see the
//! `docs/revocation.md` ("ASN.1: why a port of x509-ocsp") for why we carry a port rather
//! than a second generation.
//!
//! Changes from upstream:
//! - der 0.8, spki 0.8, x509-cert 0.3, const-oid 0.10 (derive attributes unchanged);
//! - `GeneralizedTime` directly instead of the `OcspGeneralizedTime` newtype;
//! - `ResponderId::ByName` keeps the Name as raw DER (`Any`) so it is compared
//!   byte-for-byte with certificate names, never re-encoded;
//! - `CertId::serial_number` is an `Int`, so the over-long serials some CAs issue
//!   (more than 20 octets, which `SerialNumber` rejects) still round-trip;
//! - `OCSPResponse`, `ResponseBytes` and `BasicOCSPResponse` are not ported as types:
//!   `response.rs` splits them into borrowed slices so the signature is verified over
//!   the tbsResponseData bytes as received, without copying the response;
//! - the builders, the `digest`/`rand` features and the extensions chainvet does not
//!   read (CrlID, AcceptableResponses, ArchiveCutoff, ServiceLocator, preferred
//!   signature algorithms) are dropped.

use der::asn1::{Any, BitString, GeneralizedTime, Int, Null, OctetString};
use der::{Choice, Enumerated, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::CrlReason;
use x509_cert::ext::pkix::name::GeneralName;

/// ```text
/// Version ::= INTEGER { v1(0) }
/// ```
#[derive(Clone, Debug, Default, Copy, PartialEq, Eq, Enumerated)]
#[asn1(type = "INTEGER")]
#[repr(u8)]
pub(crate) enum Version {
    /// Version 1, the only one.
    #[default]
    V1 = 0,
}

/// ```text
/// OCSPRequest ::= SEQUENCE {
///    tbsRequest              TBSRequest,
///    optionalSignature   [0] EXPLICIT Signature OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct OcspRequest {
    pub(crate) tbs_request: TbsRequest,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub(crate) optional_signature: Option<Signature>,
}

/// ```text
/// TBSRequest ::= SEQUENCE {
///    version             [0] EXPLICIT Version DEFAULT v1,
///    requestorName       [1] EXPLICIT GeneralName OPTIONAL,
///    requestList             SEQUENCE OF Request,
///    requestExtensions   [2] EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Clone, Debug, Default, Eq, PartialEq, Sequence)]
pub(crate) struct TbsRequest {
    #[asn1(
        context_specific = "0",
        default = "Default::default",
        tag_mode = "EXPLICIT"
    )]
    pub(crate) version: Version,
    #[asn1(context_specific = "1", optional = "true", tag_mode = "EXPLICIT")]
    pub(crate) requestor_name: Option<GeneralName>,
    pub(crate) request_list: Vec<Request>,
    #[asn1(context_specific = "2", optional = "true", tag_mode = "EXPLICIT")]
    pub(crate) request_extensions: Option<Extensions>,
}

/// ```text
/// Signature ::= SEQUENCE {
///    signatureAlgorithm      AlgorithmIdentifier,
///    signature               BIT STRING,
///    certs                  [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct Signature {
    pub(crate) signature_algorithm: AlgorithmIdentifierOwned,
    pub(crate) signature: BitString,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub(crate) certs: Option<Vec<Certificate>>,
}

/// ```text
/// Request ::= SEQUENCE {
///    reqCert                     CertID,
///    singleRequestExtensions     [0] EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct Request {
    pub(crate) req_cert: CertId,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub(crate) single_request_extensions: Option<Extensions>,
}

/// ```text
/// CertID ::= SEQUENCE {
///    hashAlgorithm           AlgorithmIdentifier,
///    issuerNameHash          OCTET STRING, -- Hash of issuer's DN
///    issuerKeyHash           OCTET STRING, -- Hash of issuer's public key
///    serialNumber            CertificateSerialNumber }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct CertId {
    pub(crate) hash_algorithm: AlgorithmIdentifierOwned,
    pub(crate) issuer_name_hash: OctetString,
    pub(crate) issuer_key_hash: OctetString,
    pub(crate) serial_number: Int,
}

/// ```text
/// OCSPResponseStatus ::= ENUMERATED {
///    successful          (0),  -- Response has valid confirmations
///    malformedRequest    (1),  -- Illegal confirmation request
///    internalError       (2),  -- Internal error in issuer
///    tryLater            (3),  -- Try again later
///                              -- (4) is not used
///    sigRequired         (5),  -- Must sign the request
///    unauthorized        (6)   -- Request unauthorized
/// }
/// ```
#[derive(Enumerated, Copy, Clone, Debug, Eq, PartialEq)]
#[repr(u32)]
pub(crate) enum OcspResponseStatus {
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

/// ```text
/// ResponseData ::= SEQUENCE {
///    version              [0] EXPLICIT Version DEFAULT v1,
///    responderID             ResponderID,
///    producedAt              GeneralizedTime,
///    responses               SEQUENCE OF SingleResponse,
///    responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct ResponseData {
    #[asn1(
        context_specific = "0",
        default = "Default::default",
        tag_mode = "EXPLICIT"
    )]
    pub(crate) version: Version,
    pub(crate) responder_id: ResponderId,
    pub(crate) produced_at: GeneralizedTime,
    pub(crate) responses: Vec<SingleResponse>,
    #[asn1(context_specific = "1", optional = "true", tag_mode = "EXPLICIT")]
    pub(crate) response_extensions: Option<Extensions>,
}

/// ```text
/// ResponderID ::= CHOICE {
///    byName              [1] Name,
///    byKey               [2] KeyHash }
/// KeyHash ::= OCTET STRING -- SHA-1 hash of responder's public key
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Choice)]
pub(crate) enum ResponderId {
    /// The responder's subject Name, as raw DER (tag and length included).
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", constructed = "true")]
    ByName(Any),
    /// SHA-1 of the responder's subjectPublicKey bits.
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", constructed = "true")]
    ByKey(OctetString),
}

/// ```text
/// SingleResponse ::= SEQUENCE {
///    certID                  CertID,
///    certStatus              CertStatus,
///    thisUpdate              GeneralizedTime,
///    nextUpdate              [0] EXPLICIT GeneralizedTime OPTIONAL,
///    singleExtensions        [1] EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct SingleResponse {
    pub(crate) cert_id: CertId,
    pub(crate) cert_status: CertStatus,
    pub(crate) this_update: GeneralizedTime,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub(crate) next_update: Option<GeneralizedTime>,
    #[asn1(context_specific = "1", optional = "true", tag_mode = "EXPLICIT")]
    pub(crate) single_extensions: Option<Extensions>,
}

/// ```text
/// CertStatus ::= CHOICE {
///    good                [0] IMPLICIT NULL,
///    revoked             [1] IMPLICIT RevokedInfo,
///    unknown             [2] IMPLICIT UnknownInfo }
/// UnknownInfo ::= NULL
/// ```
#[derive(Copy, Clone, Debug, Eq, PartialEq, Choice)]
pub(crate) enum CertStatus {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    Good(Null),
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Revoked(RevokedInfo),
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT")]
    Unknown(Null),
}

/// ```text
/// RevokedInfo ::= SEQUENCE {
///    revocationTime          GeneralizedTime,
///    revocationReason        [0] EXPLICIT CRLReason OPTIONAL }
/// ```
#[derive(Copy, Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct RevokedInfo {
    pub(crate) revocation_time: GeneralizedTime,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub(crate) revocation_reason: Option<CrlReason>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Decode, Encode};

    #[test]
    fn status_choice_and_version_default_round_trip() {
        for status in [
            CertStatus::Good(Null),
            CertStatus::Unknown(Null),
            CertStatus::Revoked(RevokedInfo {
                revocation_time: GeneralizedTime::from_unix_duration(
                    core::time::Duration::from_secs(1_700_000_000),
                )
                .unwrap(),
                revocation_reason: Some(CrlReason::KeyCompromise),
            }),
        ] {
            let der = status.to_der().unwrap();
            assert_eq!(CertStatus::from_der(&der).unwrap(), status);
        }
        // good [0] IMPLICIT NULL is the two octets 80 00.
        assert_eq!(CertStatus::Good(Null).to_der().unwrap(), [0x80, 0x00]);
        // A v1 request omits the DEFAULT version field entirely.
        let tbs = TbsRequest::default().to_der().unwrap();
        assert_eq!(tbs, [0x30, 0x02, 0x30, 0x00]);
    }
}
