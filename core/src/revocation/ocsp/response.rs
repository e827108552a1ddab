//! Evaluating an OCSPResponse: status, responder authorisation, signature over the
//! tbsResponseData bytes as received, CertID, freshness and nonce.

use const_oid::db::rfc5280::ID_KP_OCSP_SIGNING;
use const_oid::db::rfc6960::{ID_PKIX_OCSP_BASIC, ID_PKIX_OCSP_NONCE};
use der::asn1::{BitStringRef, GeneralizedTime, ObjectIdentifier, OctetString};
use der::{Decode, Reader, SliceReader, Tag, TagNumber};
use x509_cert::ext::Extensions;

use super::asn1::{CertStatus as RawStatus, OcspResponseStatus, ResponderId, ResponseData};
use super::{Error, ErrorStatus, cert_id};
use crate::certificate::Certificate;
use crate::der::value_of;
use crate::policy::revocation::RevocationPolicy;
use crate::report::revocation::{Answer, CertStatus, Method, Reason};
use crate::signature::{self, SignerKey};
use crate::time::Timestamp;

/// A decoded BasicOCSPResponse whose signed part is kept as the bytes received.
pub(crate) struct Parsed<'a> {
    /// tbsResponseData, tag and length included: the signed bytes.
    tbs: &'a [u8],
    /// Content octets of signatureAlgorithm.
    signature_algorithm: &'a [u8],
    signature: &'a [u8],
    /// The certificates of `certs [0]`, each a DER TLV.
    certs: Vec<&'a [u8]>,
    data: ResponseData,
}

fn malformed(what: &str, e: der::Error) -> Error {
    Error::Malformed(format!("{what}: {e}"))
}

fn is_context(tag: Tag, n: u32) -> bool {
    matches!(tag, Tag::ContextSpecific { number, .. } if number == TagNumber(n))
}

/// Splits an OCSPResponse. Error statuses come back as `Error::Status`.
pub(crate) fn parse(response: &[u8]) -> Result<Parsed<'_>, Error> {
    let mut reader = SliceReader::new(response).map_err(|e| malformed("OCSPResponse", e))?;
    let (status, bytes) = reader
        .sequence(|r| {
            let status = OcspResponseStatus::decode(r)?;
            let bytes = if r.is_finished() {
                None
            } else if is_context(Tag::peek(r)?, 0) {
                Some(value_of(r.tlv_bytes()?)?)
            } else {
                return Err(der::Error::from(der::ErrorKind::Failed));
            };
            Ok::<_, der::Error>((status, bytes))
        })
        .map_err(|e| malformed("OCSPResponse", e))?;
    reader.finish().map_err(|e| malformed("OCSPResponse", e))?;
    let bytes = match (status, bytes) {
        (OcspResponseStatus::Successful, Some(bytes)) => bytes,
        (OcspResponseStatus::Successful, None) => {
            return Err(Error::Malformed(
                "a successful response without responseBytes".to_owned(),
            ));
        }
        (OcspResponseStatus::MalformedRequest, _) => {
            return Err(Error::Status(ErrorStatus::MalformedRequest));
        }
        (OcspResponseStatus::InternalError, _) => {
            return Err(Error::Status(ErrorStatus::InternalError));
        }
        (OcspResponseStatus::TryLater, _) => return Err(Error::Status(ErrorStatus::TryLater)),
        (OcspResponseStatus::SigRequired, _) => {
            return Err(Error::Status(ErrorStatus::SigRequired));
        }
        (OcspResponseStatus::Unauthorized, _) => {
            return Err(Error::Status(ErrorStatus::Unauthorized));
        }
    };

    // ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
    let mut reader = SliceReader::new(bytes).map_err(|e| malformed("ResponseBytes", e))?;
    let (response_type, basic) = reader
        .sequence(|r| {
            let oid = ObjectIdentifier::decode(r)?;
            let octets = r.tlv_bytes()?;
            if Tag::peek(&SliceReader::new(octets)?)? != Tag::OctetString {
                return Err(der::Error::from(der::ErrorKind::Failed));
            }
            Ok::<_, der::Error>((oid, value_of(octets)?))
        })
        .map_err(|e| malformed("ResponseBytes", e))?;
    reader.finish().map_err(|e| malformed("ResponseBytes", e))?;
    if response_type != ID_PKIX_OCSP_BASIC {
        return Err(Error::UnsupportedResponseType(response_type.to_string()));
    }

    // BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm,
    //   signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
    let mut reader = SliceReader::new(basic).map_err(|e| malformed("BasicOCSPResponse", e))?;
    let (tbs, signature_algorithm, signature, certs) = reader
        .sequence(|r| {
            let tbs = r.tlv_bytes()?;
            let signature_algorithm = value_of(r.tlv_bytes()?)?;
            let bits: BitStringRef<'_> = r.decode()?;
            let signature = bits
                .as_bytes()
                .ok_or_else(|| der::Error::from(der::ErrorKind::Failed))?;
            let mut certs = Vec::new();
            if !r.is_finished() {
                if !is_context(Tag::peek(r)?, 0) {
                    return Err(der::Error::from(der::ErrorKind::Failed));
                }
                let seq = value_of(r.tlv_bytes()?)?;
                let mut list = SliceReader::new(seq)?;
                list.sequence(|l| {
                    while !l.is_finished() {
                        certs.push(l.tlv_bytes()?);
                    }
                    Ok::<_, der::Error>(())
                })?;
                list.finish()?;
            }
            Ok::<_, der::Error>((tbs, signature_algorithm, signature, certs))
        })
        .map_err(|e| malformed("BasicOCSPResponse", e))?;
    reader
        .finish()
        .map_err(|e| malformed("BasicOCSPResponse", e))?;
    let data = ResponseData::from_der(tbs).map_err(|e| malformed("ResponseData", e))?;
    Ok(Parsed {
        tbs,
        signature_algorithm,
        signature,
        certs,
        data,
    })
}

fn timestamp(t: &GeneralizedTime) -> Timestamp {
    Timestamp(i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX))
}

fn check_critical(extensions: Option<&Extensions>) -> Result<(), Error> {
    for ext in extensions.into_iter().flatten() {
        if ext.critical && ext.extn_id != ID_PKIX_OCSP_NONCE {
            return Err(Error::UnsupportedCriticalExtension(ext.extn_id.to_string()));
        }
    }
    Ok(())
}

/// Who signed the response.
enum Signer {
    Issuer,
    Delegated(Box<Certificate>),
}

impl<'a> Parsed<'a> {
    /// Whether some SingleResponse is about `cert` issued by `issuer`.
    pub(crate) fn covers(&self, cert: &Certificate, issuer: &Certificate) -> bool {
        self.data
            .responses
            .iter()
            .any(|s| cert_id::matches(&s.cert_id, cert, issuer))
    }

    /// The serials the response covers, for messages.
    pub(crate) fn serials(&self) -> Vec<String> {
        self.data
            .responses
            .iter()
            .map(|s| crate::certificate::serial_hex(s.cert_id.serial_number.as_bytes()))
            .collect()
    }

    fn responder_matches(&self, cert: &Certificate) -> bool {
        match &self.data.responder_id {
            ResponderId::ByName(name) => name.value() == cert.subject_raw(),
            ResponderId::ByKey(hash) => cert_id::key_hash(cert).as_ref() == hash.as_bytes(),
        }
    }

    fn describe_responder(&self) -> String {
        match &self.data.responder_id {
            ResponderId::ByName(name) => match x509_cert::name::Name::from_der(
                &der::Encode::to_der(name).unwrap_or_default(),
            ) {
                Ok(n) if !n.is_empty() => n.to_string(),
                _ => "an undecodable name".to_owned(),
            },
            ResponderId::ByKey(hash) => {
                format!("the key with SHA-1 {}", hex::encode(hash.as_bytes()))
            }
        }
    }

    /// RFC 6960 4.2.2.2: the issuer itself, or a certificate it issued for
    /// id-kp-OCSPSigning that is included in the response.
    fn signer(&self, issuer: &Certificate, at: Timestamp, skew: i64) -> Result<Signer, Error> {
        if self.responder_matches(issuer) {
            return Ok(Signer::Issuer);
        }
        let mut found = None;
        for der in &self.certs {
            let Ok(cert) = Certificate::from_der(der.to_vec()) else {
                continue;
            };
            if self.responder_matches(&cert) {
                found = Some(cert);
                break;
            }
        }
        let Some(responder) = found else {
            return Err(Error::UnknownResponder(self.describe_responder()));
        };
        let refuse = |why: String| Error::ResponderNotAuthorized {
            responder: responder.subject_string(),
            why,
        };
        if responder.issuer_raw() != issuer.subject_raw()
            || signature::verify_issued_by(&responder, issuer).is_err()
        {
            return Err(refuse(format!(
                "it was not issued by the certificate's issuer {}",
                issuer.subject_string()
            )));
        }
        let ocsp_signing = responder
            .extensions()
            .extended_key_usage
            .as_ref()
            .is_some_and(|eku| eku.contains(&ID_KP_OCSP_SIGNING));
        if !ocsp_signing {
            return Err(refuse(
                "its extendedKeyUsage lacks id-kp-OCSPSigning".to_owned(),
            ));
        }
        if at.0 + skew < responder.not_before().0 || at.0 - skew > responder.not_after().0 {
            return Err(refuse(format!(
                "it is valid only from {} to {}",
                responder.not_before(),
                responder.not_after()
            )));
        }
        Ok(Signer::Delegated(Box::new(responder)))
    }

    fn nonce(&self) -> Option<&OctetString> {
        self.data
            .response_extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == ID_PKIX_OCSP_NONCE)
            .map(|e| &e.extn_value)
    }

    /// Verifies the response for `cert` issued by `issuer` at `at`.
    pub(crate) fn evaluate(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Timestamp,
        nonce: Option<&[u8]>,
        policy: &RevocationPolicy,
    ) -> Result<Answer, Error> {
        let skew = policy.skew();
        let signer = self.signer(issuer, at, skew)?;
        let (key, signer_name) = match &signer {
            Signer::Issuer => (SignerKey::of(issuer), issuer.subject_string()),
            Signer::Delegated(r) => (
                SignerKey::of(r),
                format!("delegated responder {}", r.subject_string()),
            ),
        };
        signature::verify(self.signature_algorithm, key, self.tbs, self.signature)
            .map_err(Error::Signature)?;
        check_critical(self.data.response_extensions.as_ref())?;

        let single = self
            .data
            .responses
            .iter()
            .find(|s| cert_id::matches(&s.cert_id, cert, issuer))
            .ok_or_else(|| Error::WrongCertificate {
                serials: self.serials(),
            })?;
        check_critical(single.single_extensions.as_ref())?;

        let this_update = timestamp(&single.this_update);
        let next_update = single.next_update.as_ref().map(timestamp);
        if this_update.0 > at.0.saturating_add(skew) {
            return Err(Error::NotYetValid { this_update, at });
        }
        let valid_until =
            next_update.unwrap_or(Timestamp(this_update.0.saturating_add(policy.max_age())));
        if at.0.saturating_sub(skew) > valid_until.0 {
            return Err(Error::Stale {
                valid_until,
                from_next_update: next_update.is_some(),
                at,
            });
        }

        if let Some(sent) = nonce {
            let echoed = self.nonce().ok_or(Error::NonceMissing)?;
            // The value is the DER of an OCTET STRING holding the nonce; some responders
            // put the bare nonce there, which is accepted too.
            let inner = OctetString::from_der(echoed.as_bytes()).ok();
            let same =
                inner.as_ref().is_some_and(|i| i.as_bytes() == sent) || echoed.as_bytes() == sent;
            if !same {
                return Err(Error::NonceMismatch);
            }
        }

        let status = match &single.cert_status {
            RawStatus::Good(_) => CertStatus::Good,
            RawStatus::Unknown(_) => CertStatus::Unknown,
            RawStatus::Revoked(info) => CertStatus::Revoked {
                time: timestamp(&info.revocation_time),
                reason: info.revocation_reason.map(Reason::from_x509),
            },
        };
        Ok(Answer {
            status,
            method: Method::Ocsp,
            this_update,
            next_update,
            produced_at: Some(timestamp(&self.data.produced_at)),
            valid_until,
            signer: signer_name,
        })
    }
}

/// Evaluates OCSP response bytes for `cert`, issued by `issuer`, at time `at`: the
/// response status; a signature by the issuer, or by a delegated responder certificate
/// included in the response that the issuer signed and that carries id-kp-OCSPSigning;
/// a SingleResponse whose CertID (any of SHA-1/256/384/512) names the certificate;
/// thisUpdate not in the future and nextUpdate (or thisUpdate plus
/// `policy.max_age_seconds`) not past, both with `policy.clock_skew_seconds` of slack;
/// and, when `nonce` is given, the same nonce echoed. Never panics, whatever the bytes.
pub fn evaluate(
    response: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
    at: Timestamp,
    nonce: Option<&[u8]>,
    policy: &RevocationPolicy,
) -> Result<Answer, Error> {
    parse(response)?.evaluate(cert, issuer, at, nonce, policy)
}
