//! Sans-IO OCSP (RFC 6960, RFC 5019): build a request for a (certificate, issuer) pair,
//! send it however you like, evaluate the response bytes.
//!
//! ```no_run
//! use chainvet::revocation::{ocsp, CertIdHash, RevocationPolicy};
//! use chainvet::{Certificate, Timestamp};
//! # fn send(_url: &str, _der: &[u8]) -> Vec<u8> { Vec::new() }
//! # let (leaf_der, issuer_der) = (Vec::new(), Vec::new());
//! let leaf = Certificate::from_der(leaf_der).expect("leaf");
//! let issuer = Certificate::from_der(issuer_der).expect("issuer");
//! let request = ocsp::Request::new(&leaf, &issuer, CertIdHash::Sha1, None).expect("request");
//! let url = request.responder_url().expect("the leaf names an OCSP responder");
//! let response = send(url, request.der()); // POST application/ocsp-request, your event loop
//! let policy = RevocationPolicy::default();
//! match ocsp::evaluate(&response, &leaf, &issuer, Timestamp::now(), request.nonce(), &policy) {
//!     Ok(answer) => println!("{:?} until {}", answer.status, answer.valid_until),
//!     Err(e) => println!("{}: {e}", e.code()),
//! }
//! ```

mod asn1;
mod cert_id;
mod request;
mod response;

use core::fmt;

pub(crate) use request::is_http;
pub use request::{Request, responder_url};
pub use response::evaluate;
pub(crate) use response::{Parsed, parse};

use crate::code::Code;
use crate::signature::VerifyError;
use crate::time::Timestamp;

/// A non-successful OCSPResponseStatus: the responder answered but gave no status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStatus {
    /// malformedRequest (1)
    MalformedRequest,
    /// internalError (2)
    InternalError,
    /// tryLater (3)
    TryLater,
    /// sigRequired (5)
    SigRequired,
    /// unauthorized (6)
    Unauthorized,
}

impl fmt::Display for ErrorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorStatus::MalformedRequest => "malformedRequest",
            ErrorStatus::InternalError => "internalError",
            ErrorStatus::TryLater => "tryLater",
            ErrorStatus::SigRequired => "sigRequired",
            ErrorStatus::Unauthorized => "unauthorized",
        })
    }
}

/// Why an OCSP request could not be built or a response gives no usable status.
/// `code()` says which finding it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be encoded (e.g. an unencodable serial number).
    Request(String),
    /// Not a DER OCSPResponse, or a BasicOCSPResponse that does not decode.
    Malformed(String),
    /// The responder answered with an error status instead of a response.
    Status(ErrorStatus),
    /// A responseType other than id-pkix-ocsp-basic.
    UnsupportedResponseType(String),
    /// A critical extension chainvet does not understand (RFC 6960 4.4).
    UnsupportedCriticalExtension(String),
    /// The ResponderID names neither the issuer nor a certificate in the response.
    UnknownResponder(String),
    /// A delegated responder certificate is not authorised to answer for the issuer.
    ResponderNotAuthorized {
        /// The responder certificate's subject.
        responder: String,
        /// What is missing.
        why: String,
    },
    /// The response's signature does not verify, or uses an unsupported algorithm.
    Signature(VerifyError),
    /// No SingleResponse is about this certificate; the serials it covers.
    WrongCertificate {
        /// The serial numbers (hex) the response does cover.
        serials: Vec<String>,
    },
    /// thisUpdate is later than the validation time plus the clock skew.
    NotYetValid {
        /// thisUpdate.
        this_update: Timestamp,
        /// The validation time.
        at: Timestamp,
    },
    /// nextUpdate (or thisUpdate plus the maximum age) has passed.
    Stale {
        /// Until when the response was fresh.
        valid_until: Timestamp,
        /// Whether that came from nextUpdate (false: thisUpdate plus max age).
        from_next_update: bool,
        /// The validation time.
        at: Timestamp,
    },
    /// A nonce was sent and the response carries none.
    NonceMissing,
    /// A nonce was sent and the response carries a different one.
    NonceMismatch,
}

impl Error {
    /// The finding code: `revocation.unavailable` for a responder's error status,
    /// `revocation.response_invalid` for everything else.
    pub fn code(&self) -> Code {
        match self {
            Error::Status(_) | Error::Request(_) => Code::RevocationUnavailable,
            _ => Code::RevocationResponseInvalid,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Request(why) => write!(f, "the OCSP request cannot be built: {why}"),
            Error::Malformed(why) => write!(f, "not a valid OCSP response: {why}"),
            Error::Status(s) => write!(f, "the responder answered `{s}` instead of a status"),
            Error::UnsupportedResponseType(oid) => {
                write!(f, "the response type {oid} is not id-pkix-ocsp-basic")
            }
            Error::UnsupportedCriticalExtension(oid) => {
                write!(
                    f,
                    "the response has a critical extension {oid} that is not understood"
                )
            }
            Error::UnknownResponder(id) => write!(
                f,
                "the response is signed by {id}, which is neither the issuer nor a responder certificate included in the response"
            ),
            Error::ResponderNotAuthorized { responder, why } => write!(
                f,
                "the responder certificate {responder} is not authorised to answer for the issuer: {why}"
            ),
            Error::Signature(VerifyError::Invalid) => {
                f.write_str("the response's signature does not verify with the signer's key")
            }
            Error::Signature(VerifyError::UnsupportedAlgorithm(alg)) => {
                write!(
                    f,
                    "the response is signed with {alg}, which chainvet cannot verify"
                )
            }
            Error::Signature(VerifyError::KeyMismatch { algorithm, key }) => write!(
                f,
                "the response is signed with {algorithm}, which a {key} key cannot make"
            ),
            Error::WrongCertificate { serials } => {
                if serials.is_empty() {
                    f.write_str("the response holds no status at all")
                } else {
                    write!(
                        f,
                        "the response is about another certificate (serial {}), not this one",
                        serials.join(", ")
                    )
                }
            }
            Error::NotYetValid { this_update, at } => write!(
                f,
                "the response's thisUpdate {this_update} is in the future (validation time {at})"
            ),
            Error::Stale {
                valid_until,
                from_next_update,
                at,
            } => {
                if *from_next_update {
                    write!(
                        f,
                        "the response is stale: its nextUpdate {valid_until} has passed (validation time {at})"
                    )
                } else {
                    write!(
                        f,
                        "the response is stale: it has no nextUpdate and is older than the policy's maximum age (fresh until {valid_until}, validation time {at})"
                    )
                }
            }
            Error::NonceMissing => {
                f.write_str("a nonce was sent but the response does not echo it")
            }
            Error::NonceMismatch => {
                f.write_str("the response's nonce differs from the one sent (a replayed response?)")
            }
        }
    }
}

impl std::error::Error for Error {}
