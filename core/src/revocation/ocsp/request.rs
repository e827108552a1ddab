//! Building an OCSPRequest: DER for POST, the RFC 5019 GET URL, the responder from AIA.

use base64ct::{Base64, Encoding};
use const_oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
use der::Encode;
use der::asn1::OctetString;
use x509_cert::ext::Extension;

use super::Error;
use super::asn1::{OcspRequest, Request as SingleRequest, TbsRequest};
use super::cert_id;
use crate::certificate::Certificate;
use crate::policy::revocation::CertIdHash;

/// An OCSP request for one certificate, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    der: Vec<u8>,
    nonce: Option<Vec<u8>>,
    responder_url: Option<String>,
}

/// The first http or https OCSP responder URL in the certificate's authorityInfoAccess.
pub fn responder_url(cert: &Certificate) -> Option<&str> {
    cert.extensions()
        .ocsp_urls
        .iter()
        .map(String::as_str)
        .find(|u| is_http(u))
}

pub(crate) fn is_http(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

impl Request {
    /// A request for `cert`, issued by `issuer`, whose CertID uses `hash`. With a nonce,
    /// the request carries it (RFC 6960 4.4.1) and `evaluate` must be given it back to
    /// insist the response echoes it.
    pub fn new(
        cert: &Certificate,
        issuer: &Certificate,
        hash: CertIdHash,
        nonce: Option<&[u8]>,
    ) -> Result<Request, Error> {
        let req_cert = cert_id::build(cert, issuer, hash).map_err(Error::Request)?;
        let request_extensions = match nonce {
            None => None,
            Some(nonce) => {
                // extnValue is the DER of `Nonce ::= OCTET STRING`, as OpenSSL and
                // RFC 8954 encode it.
                let inner = OctetString::new(nonce)
                    .and_then(|n| n.to_der())
                    .and_then(OctetString::new)
                    .map_err(|e| Error::Request(e.to_string()))?;
                Some(vec![Extension {
                    extn_id: ID_PKIX_OCSP_NONCE,
                    critical: false,
                    extn_value: inner,
                }])
            }
        };
        let request = OcspRequest {
            tbs_request: TbsRequest {
                request_list: vec![SingleRequest {
                    req_cert,
                    single_request_extensions: None,
                }],
                request_extensions,
                ..TbsRequest::default()
            },
            optional_signature: None,
        };
        Ok(Request {
            der: request
                .to_der()
                .map_err(|e| Error::Request(e.to_string()))?,
            nonce: nonce.map(<[u8]>::to_vec),
            responder_url: responder_url(cert).map(str::to_owned),
        })
    }

    /// A request with a fresh random 16-byte nonce (RFC 8954's recommended size).
    pub fn with_random_nonce(
        cert: &Certificate,
        issuer: &Certificate,
        hash: CertIdHash,
    ) -> Result<Request, Error> {
        let mut nonce = [0u8; 16];
        aws_lc_rs::rand::fill(&mut nonce)
            .map_err(|_| Error::Request("no randomness for a nonce".to_owned()))?;
        Request::new(cert, issuer, hash, Some(&nonce))
    }

    /// The DER OCSPRequest: the body of a POST with content type
    /// `application/ocsp-request`.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The nonce sent, to pass to `evaluate`.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }

    /// The responder named in the certificate's authorityInfoAccess, if any.
    pub fn responder_url(&self) -> Option<&str> {
        self.responder_url.as_deref()
    }

    /// The RFC 5019 GET form for `responder`: the URL, a `/`, then the URL-encoded
    /// base64 of the DER request. RFC 5019 allows GET for requests under 255 bytes,
    /// which lets HTTP caches answer.
    pub fn get_url(&self, responder: &str) -> String {
        let b64 = Base64::encode_string(&self.der);
        let mut url = String::with_capacity(responder.len() + 1 + b64.len() * 3 / 2);
        url.push_str(responder);
        if !responder.ends_with('/') {
            url.push('/');
        }
        for c in b64.chars() {
            match c {
                '+' => url.push_str("%2B"),
                '/' => url.push_str("%2F"),
                '=' => url.push_str("%3D"),
                c => url.push(c),
            }
        }
        url
    }
}
