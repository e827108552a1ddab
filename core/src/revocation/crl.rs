//! Certificate revocation lists (RFC 5280 section 5): parsed once into an index of
//! revoked serials, evaluated for a (certificate, issuer) pair like an OCSP response.
//!
//! The signature is verified over the tbsCertList bytes as received, through
//! `signature::verify`. Delta CRLs, indirect CRLs and CRLs partitioned by reason are
//! refused (`Unsupported`) rather than half-applied.

use core::fmt;
use core::ops::Range;

use const_oid::db::rfc5280::{
    ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_CERTIFICATE_ISSUER, ID_CE_CRL_NUMBER, ID_CE_CRL_REASONS,
    ID_CE_DELTA_CRL_INDICATOR, ID_CE_INVALIDITY_DATE, ID_CE_ISSUING_DISTRIBUTION_POINT,
};
use der::{Decode, Reader, SliceReader, Tag, TagNumber};
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::CrlReason;
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::time::Time;

use super::policy::RevocationPolicy;
use super::status::{Answer, CertStatus, Method, Reason};
use crate::certificate::Certificate;
use crate::certificate::raw::{split_certificate, value_of};
use crate::code::Code;
use crate::signature::{self, SignerKey, VerifyError};
use crate::time::Timestamp;

/// One revoked serial.
#[derive(Debug, Clone)]
struct Entry {
    serial: Range<usize>,
    time: Timestamp,
    reason: Option<Reason>,
}

/// What the issuingDistributionPoint extension limits the CRL to.
#[derive(Debug, Clone, Default)]
struct Coverage {
    only_user_certs: bool,
    only_ca_certs: bool,
    only_attribute_certs: bool,
}

/// keyUsage bit 6, cRLSign, in `Extensions::key_usage_bits`.
const CRL_SIGN: u16 = 1 << 6;

/// A parsed CRL. Parsing checks structure only; `evaluate` checks the signature,
/// issuer, scope and freshness for a particular certificate.
#[derive(Debug, Clone)]
pub struct Crl {
    der: Vec<u8>,
    tbs: Range<usize>,
    signature_algorithm: Range<usize>,
    signature: Range<usize>,
    issuer: Range<usize>,
    this_update: Timestamp,
    next_update: Option<Timestamp>,
    /// Sorted by serial octets, for binary search.
    entries: Vec<Entry>,
    coverage: Coverage,
    /// A feature the CRL uses that chainvet does not apply.
    unsupported: Option<String>,
}

/// Why a CRL gives no usable status for a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CrlError {
    /// Not a DER (or PEM `X509 CRL`) CertificateList.
    Malformed(String),
    /// The CRL's issuer is not the certificate's issuer.
    WrongIssuer {
        /// The CRL's issuer DN.
        crl_issuer: String,
        /// The certificate's issuer DN.
        cert_issuer: String,
    },
    /// The signature does not verify with the issuer's key.
    Signature(VerifyError),
    /// The issuer's certificate has a keyUsage without cRLSign (RFC 5280 6.3.3 (f)).
    IssuerNotCrlSigner {
        /// The issuer's DN.
        issuer: String,
    },
    /// A delta, indirect or reason-partitioned CRL, or an unknown critical extension.
    Unsupported(String),
    /// The issuingDistributionPoint excludes this kind of certificate.
    NotApplicable(String),
    /// thisUpdate is in the future.
    NotYetValid {
        /// thisUpdate.
        this_update: Timestamp,
        /// The validation time.
        at: Timestamp,
    },
    /// nextUpdate (or thisUpdate plus the maximum age) has passed.
    Stale {
        /// Until when the CRL was fresh.
        valid_until: Timestamp,
        /// The validation time.
        at: Timestamp,
    },
}

impl CrlError {
    /// The finding code: always `revocation.response_invalid`.
    pub fn code(&self) -> Code {
        Code::RevocationResponseInvalid
    }
}

impl fmt::Display for CrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CrlError::Malformed(why) => write!(f, "not a valid CRL: {why}"),
            CrlError::WrongIssuer {
                crl_issuer,
                cert_issuer,
            } => write!(
                f,
                "the CRL is issued by {crl_issuer}, not by the certificate's issuer {cert_issuer}"
            ),
            CrlError::Signature(VerifyError::Invalid) => {
                f.write_str("the CRL's signature does not verify with the issuer's key")
            }
            CrlError::Signature(VerifyError::UnsupportedAlgorithm(alg)) => {
                write!(
                    f,
                    "the CRL is signed with {alg}, which chainvet cannot verify"
                )
            }
            CrlError::Signature(VerifyError::KeyMismatch { algorithm, key }) => write!(
                f,
                "the CRL is signed with {algorithm}, which the issuer's {key} key cannot make"
            ),
            CrlError::Unsupported(what) => write!(f, "the CRL cannot be applied: {what}"),
            CrlError::NotApplicable(why) => {
                write!(f, "the CRL does not cover this certificate: {why}")
            }
            CrlError::IssuerNotCrlSigner { issuer } => write!(
                f,
                "the CRL's issuer {issuer} has a keyUsage without cRLSign, so it may not sign CRLs"
            ),
            CrlError::NotYetValid { this_update, at } => write!(
                f,
                "the CRL's thisUpdate {this_update} is in the future (validation time {at})"
            ),
            CrlError::Stale { valid_until, at } => write!(
                f,
                "the CRL is stale: it was fresh until {valid_until} (validation time {at})"
            ),
        }
    }
}

impl std::error::Error for CrlError {}

fn range_in(outer: &[u8], inner: &[u8]) -> Range<usize> {
    // `inner` was borrowed out of `outer` by the DER reader.
    let start = (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize);
    start..start + inner.len()
}

fn is_time(tag: Tag) -> bool {
    matches!(tag, Tag::UtcTime | Tag::GeneralizedTime)
}

/// The parts of a tbsCertList, borrowed.
struct TbsList<'a> {
    signature: &'a [u8],
    issuer: &'a [u8],
    this_update: Timestamp,
    next_update: Option<Timestamp>,
    revoked: Option<&'a [u8]>,
    extensions: Option<&'a [u8]>,
}

fn split_tbs(tbs: &[u8]) -> der::Result<TbsList<'_>> {
    let mut reader = SliceReader::new(tbs)?;
    let parts = reader.sequence(|r| {
        if Tag::peek(r)? == Tag::Integer {
            r.tlv_bytes()?; // version v2
        }
        let signature = value_of(r.tlv_bytes()?)?;
        let issuer = value_of(r.tlv_bytes()?)?;
        let this_update = Timestamp::from_x509(Time::decode(r)?);
        let mut next_update = None;
        if !r.is_finished() && is_time(Tag::peek(r)?) {
            next_update = Some(Timestamp::from_x509(Time::decode(r)?));
        }
        let mut revoked = None;
        if !r.is_finished() && Tag::peek(r)? == Tag::Sequence {
            revoked = Some(value_of(r.tlv_bytes()?)?);
        }
        let mut extensions = None;
        if !r.is_finished() {
            let tag = Tag::peek(r)?;
            if !matches!(tag, Tag::ContextSpecific { number, .. } if number == TagNumber(0)) {
                return Err(der::Error::from(der::ErrorKind::TagUnexpected {
                    expected: None,
                    actual: tag,
                }));
            }
            extensions = Some(value_of(r.tlv_bytes()?)?);
        }
        Ok::<_, der::Error>(TbsList {
            signature,
            issuer,
            this_update,
            next_update,
            revoked,
            extensions,
        })
    })?;
    reader.finish()?;
    Ok(parts)
}

/// Finds the `X509 CRL` PEM block in `text`, if there is one.
fn pem_block(text: &[u8]) -> Option<&[u8]> {
    const BEGIN: &[u8] = b"-----BEGIN X509 CRL-----";
    const END: &[u8] = b"-----END X509 CRL-----";
    let start = text.windows(BEGIN.len()).position(|w| w == BEGIN)?;
    let rest = &text[start..];
    let end = rest.windows(END.len()).position(|w| w == END)? + END.len();
    Some(&rest[..end])
}

impl Crl {
    /// Parses a CRL given as DER or as PEM (`-----BEGIN X509 CRL-----`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Crl, CrlError> {
        if bytes.first() == Some(&0x30) {
            return Crl::from_der(bytes.to_vec());
        }
        let block = pem_block(bytes).ok_or_else(|| {
            CrlError::Malformed("neither DER nor a PEM `X509 CRL` block".to_owned())
        })?;
        let (_, der) = pem_rfc7468::decode_vec(block)
            .map_err(|e| CrlError::Malformed(format!("bad PEM: {e}")))?;
        Crl::from_der(der)
    }

    /// Parses a DER CertificateList.
    pub fn from_der(der: Vec<u8>) -> Result<Crl, CrlError> {
        let bad = |what: &str, e: der::Error| CrlError::Malformed(format!("{what}: {e}"));
        let parts = split_certificate(&der).map_err(|e| bad("CertificateList", e))?;
        let tbs = split_tbs(parts.tbs).map_err(|e| bad("tbsCertList", e))?;
        if tbs.signature != parts.signature_algorithm {
            return Err(CrlError::Malformed(
                "the signature algorithm inside tbsCertList differs from the outer one".to_owned(),
            ));
        }
        let mut entries = Vec::new();
        let mut unsupported = None;
        if let Some(list) = tbs.revoked {
            let mut reader = SliceReader::new(list).map_err(|e| bad("revokedCertificates", e))?;
            while !reader.is_finished() {
                let entry = reader
                    .sequence(|r| {
                        let serial_tlv = r.tlv_bytes()?;
                        if Tag::peek(&SliceReader::new(serial_tlv)?)? != Tag::Integer {
                            return Err(der::Error::from(der::ErrorKind::Failed));
                        }
                        let serial = value_of(serial_tlv)?;
                        let time = Timestamp::from_x509(Time::decode(r)?);
                        let mut reason = None;
                        if !r.is_finished() {
                            for ext in Extensions::decode(r)? {
                                match ext.extn_id {
                                    ID_CE_CRL_REASONS => {
                                        reason = CrlReason::from_der(ext.extn_value.as_bytes())
                                            .ok()
                                            .map(Reason::from_x509);
                                    }
                                    ID_CE_INVALIDITY_DATE => {}
                                    ID_CE_CERTIFICATE_ISSUER => {
                                        unsupported = Some(
                                            "it is an indirect CRL (certificateIssuer entries)"
                                                .to_owned(),
                                        );
                                    }
                                    oid if ext.critical => {
                                        unsupported = Some(format!(
                                            "an entry has a critical extension {oid} that is not understood"
                                        ));
                                    }
                                    _ => {}
                                }
                            }
                        }
                        Ok::<_, der::Error>(Entry {
                            serial: range_in(&der, serial),
                            time,
                            reason,
                        })
                    })
                    .map_err(|e| bad("revokedCertificates", e))?;
                entries.push(entry);
            }
        }
        let mut coverage = Coverage::default();
        if let Some(ext_bytes) = tbs.extensions {
            let exts = Extensions::from_der(ext_bytes).map_err(|e| bad("crlExtensions", e))?;
            for ext in exts {
                match ext.extn_id {
                    ID_CE_DELTA_CRL_INDICATOR => {
                        unsupported = Some("it is a delta CRL".to_owned());
                    }
                    ID_CE_ISSUING_DISTRIBUTION_POINT => {
                        let idp = IssuingDistributionPoint::from_der(ext.extn_value.as_bytes())
                            .map_err(|e| bad("issuingDistributionPoint", e))?;
                        if idp.indirect_crl {
                            unsupported = Some("it is an indirect CRL".to_owned());
                        }
                        if idp.only_some_reasons.is_some() {
                            unsupported = Some("it covers only some revocation reasons".to_owned());
                        }
                        coverage = Coverage {
                            only_user_certs: idp.only_contains_user_certs,
                            only_ca_certs: idp.only_contains_ca_certs,
                            only_attribute_certs: idp.only_contains_attribute_certs,
                        };
                    }
                    ID_CE_CRL_NUMBER | ID_CE_AUTHORITY_KEY_IDENTIFIER => {}
                    oid if ext.critical => {
                        unsupported = Some(format!(
                            "it has a critical extension {oid} that is not understood"
                        ));
                    }
                    _ => {}
                }
            }
        }
        let crl = Crl {
            tbs: range_in(&der, parts.tbs),
            signature_algorithm: range_in(&der, parts.signature_algorithm),
            signature: range_in(&der, parts.signature),
            issuer: range_in(&der, tbs.issuer),
            this_update: tbs.this_update,
            next_update: tbs.next_update,
            entries,
            coverage,
            unsupported,
            der: Vec::new(),
        };
        let mut crl = Crl { der, ..crl };
        let der = &crl.der;
        crl.entries
            .sort_unstable_by(|a, b| der[a.serial.clone()].cmp(&der[b.serial.clone()]));
        Ok(crl)
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Content octets of the issuer Name, for exact comparison with a certificate's.
    pub fn issuer_raw(&self) -> &[u8] {
        &self.der[self.issuer.clone()]
    }

    /// thisUpdate.
    pub fn this_update(&self) -> Timestamp {
        self.this_update
    }

    /// nextUpdate, if set.
    pub fn next_update(&self) -> Option<Timestamp> {
        self.next_update
    }

    /// How many serials the CRL lists.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the CRL lists no serial.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry for a serial (DER content octets), without any other check.
    fn lookup(&self, serial: &[u8]) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| self.der[e.serial.clone()].cmp(serial))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// Whether the CRL claims to be issued by `cert`'s issuer (names compared exactly).
    pub fn is_for(&self, cert: &Certificate) -> bool {
        self.issuer_raw() == cert.issuer_raw()
    }

    /// Checks the signature with `issuer`'s key.
    pub fn verify_signature(&self, issuer: &Certificate) -> Result<(), CrlError> {
        signature::verify(
            &self.der[self.signature_algorithm.clone()],
            SignerKey::of(issuer),
            &self.der[self.tbs.clone()],
            &self.der[self.signature.clone()],
        )
        .map(|_| ())
        .map_err(CrlError::Signature)
    }

    /// The status of `cert`, issued by `issuer`, at `at`: issuer name, signature, scope
    /// and freshness checked, then the serial looked up.
    pub fn evaluate(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Timestamp,
        policy: &RevocationPolicy,
    ) -> Result<Answer, CrlError> {
        self.check_issuer(cert, issuer)?;
        self.verify_signature(issuer)?;
        self.evaluate_verified(cert, issuer, at, policy)
    }

    fn check_issuer(&self, cert: &Certificate, issuer: &Certificate) -> Result<(), CrlError> {
        if self.is_for(cert) && issuer.subject_raw() == cert.issuer_raw() {
            // RFC 5280 6.3.3 (f): if the issuer's certificate has a keyUsage, cRLSign.
            if issuer
                .extensions()
                .key_usage_bits
                .is_some_and(|bits| bits & CRL_SIGN == 0)
            {
                return Err(CrlError::IssuerNotCrlSigner {
                    issuer: issuer.subject_string(),
                });
            }
            return Ok(());
        }
        Err(CrlError::WrongIssuer {
            crl_issuer: decode_name(self.issuer_raw()),
            cert_issuer: cert.issuer_string(),
        })
    }

    /// `evaluate` without the signature check, for a CRL whose signature by `issuer`
    /// was verified when it was cached.
    pub(crate) fn evaluate_verified(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Timestamp,
        policy: &RevocationPolicy,
    ) -> Result<Answer, CrlError> {
        self.check_issuer(cert, issuer)?;
        if let Some(what) = &self.unsupported {
            return Err(CrlError::Unsupported(what.clone()));
        }
        if self.coverage.only_attribute_certs {
            return Err(CrlError::NotApplicable(
                "it lists attribute certificates only".to_owned(),
            ));
        }
        if self.coverage.only_ca_certs && !cert.is_ca() {
            return Err(CrlError::NotApplicable(
                "it lists CA certificates only".to_owned(),
            ));
        }
        if self.coverage.only_user_certs && cert.is_ca() {
            return Err(CrlError::NotApplicable(
                "it lists end-entity certificates only".to_owned(),
            ));
        }
        let skew = policy.skew();
        if self.this_update.0 > at.0.saturating_add(skew) {
            return Err(CrlError::NotYetValid {
                this_update: self.this_update,
                at,
            });
        }
        let valid_until = self.valid_until(policy);
        if at.0.saturating_sub(skew) > valid_until.0 {
            return Err(CrlError::Stale { valid_until, at });
        }
        let status = match self.lookup(cert.serial_bytes()) {
            // removeFromCRL only means something in delta CRLs, which are refused above.
            Some(e) if e.reason != Some(Reason::RemoveFromCrl) => CertStatus::Revoked {
                time: e.time,
                reason: e.reason,
            },
            _ => CertStatus::Good,
        };
        Ok(Answer {
            status,
            method: Method::Crl,
            this_update: self.this_update,
            next_update: self.next_update,
            produced_at: None,
            valid_until,
            signer: issuer.subject_string(),
        })
    }

    /// nextUpdate, or thisUpdate plus the policy's maximum age.
    pub fn valid_until(&self, policy: &RevocationPolicy) -> Timestamp {
        self.next_update.unwrap_or(Timestamp(
            self.this_update.0.saturating_add(policy.max_age()),
        ))
    }
}

fn decode_name(content: &[u8]) -> String {
    let mut tlv = vec![0x30];
    if let Ok(len) = der::Length::try_from(content.len())
        && let Ok(enc) = der::Encode::to_der(&len)
    {
        tlv.extend(enc);
        tlv.extend_from_slice(content);
    }
    match x509_cert::name::Name::from_der(&tlv) {
        Ok(n) if !n.is_empty() => n.to_string(),
        _ => "an undecodable name".to_owned(),
    }
}
