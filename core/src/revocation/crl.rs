//! Certificate revocation lists (RFC 5280 section 5): parsed once into an index of
//! revoked serials, evaluated for a (certificate, issuer) pair like an OCSP response.
//!
//! The signature is verified over the tbsCertList bytes as received, through
//! `signature::verify`. Parsing keeps what selecting and combining CRLs needs (cRLNumber,
//! deltaCRLIndicator, issuingDistributionPoint, freshestCRL); `crl_select` decides which
//! CRLs answer for a certificate (see docs/crl-selection.md), and `crl_signer` which
//! key may have signed one. Indirect CRLs (RFC 5280 5.2.5, 5.3.3) are applied to the
//! certificates whose distribution points name their issuer, each entry attributed to
//! the issuer its certificateIssuer extension names. A CRL with a critical extension
//! chainvet does not understand, on the list or on an entry, is not used at all (RFC
//! 5280 5.2, 5.3).

use core::fmt;
use core::ops::Range;

use const_oid::db::rfc5280::{
    ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_CERTIFICATE_ISSUER, ID_CE_CRL_DISTRIBUTION_POINTS,
    ID_CE_CRL_NUMBER, ID_CE_CRL_REASONS, ID_CE_DELTA_CRL_INDICATOR, ID_CE_FRESHEST_CRL,
    ID_CE_INVALIDITY_DATE, ID_CE_ISSUER_ALT_NAME, ID_CE_ISSUING_DISTRIBUTION_POINT,
    ID_PE_AUTHORITY_INFO_ACCESS,
};
use der::asn1::IntRef;
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber};
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::name::GeneralNames;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CrlDistributionPoints, CrlReason};
use x509_cert::time::Time;

use crate::certificate::Certificate;
use crate::certificate::name_match::names_match;
use crate::code::Code;
use crate::der::{self as raw, split_certificate, value_of};
use crate::policy::revocation::RevocationPolicy;
use crate::report::revocation::{Answer, Reason, Source};
use crate::signature::{self, SignerKey, VerifyError};
use crate::time::Timestamp;

/// One revoked serial.
#[derive(Debug, Clone)]
struct Entry {
    serial: Range<usize>,
    time: Timestamp,
    reason: Option<Reason>,
    /// The certificateIssuer in force for this entry (RFC 5280 5.3.3: it applies to
    /// this entry and the ones after it up to the next one), as an index into
    /// `Crl::entry_issuers`; `None`: the CRL's own issuer.
    issuer: Option<usize>,
}

/// Most certificates accepted next to a CRL in one PEM input (CRL-signer and re-keyed
/// CA certificates handed over with the CRL; see `crl_signer`).
pub(crate) const MAX_CERTS_WITH_CRL: usize = 8;

/// Every reason of ReasonFlags (RFC 5280 4.2.1.13) but `unused`: keyCompromise (bit 1)
/// to aACompromise (bit 8), as `FlagSet<Reasons>::bits` numbers them. A certificate is
/// known not to be revoked only when the CRLs used cover all of them (6.3.3 (d), (k)).
pub(crate) const ALL_REASONS: u16 = 0x1fe;

/// A distribution point name in the form it is compared in (RFC 5280 6.3.3 (b)(2)(i)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DpName {
    /// A URI, compared exactly (as RFC 5280 7.4 compares URIs by default).
    Uri(String),
    /// A directoryName (or a nameRelativeToCRLIssuer made whole), as RDNSequence content
    /// octets, compared with RFC 5280 7.1 name matching.
    Directory(Vec<u8>),
    /// Any other GeneralName, compared by its DER.
    Other(Vec<u8>),
}

impl DpName {
    fn matches(&self, other: &DpName) -> bool {
        match (self, other) {
            (DpName::Uri(a), DpName::Uri(b)) => a == b,
            (DpName::Directory(a), DpName::Directory(b)) => names_match(a, b),
            (DpName::Other(a), DpName::Other(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for DpName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DpName::Uri(u) => f.write_str(u),
            DpName::Directory(n) => f.write_str(&decode_name(n)),
            DpName::Other(_) => f.write_str("a distribution point name of another kind"),
        }
    }
}

/// The full names of a DistributionPointName; a nameRelativeToCRLIssuer is appended to
/// `issuer` (RDNSequence content octets), as RFC 5280 4.2.1.13 defines it.
fn dp_names(dpn: &DistributionPointName, issuer: &[u8]) -> Vec<DpName> {
    match dpn {
        DistributionPointName::FullName(names) => names
            .iter()
            .map(|n| match n {
                GeneralName::UniformResourceIdentifier(u) => DpName::Uri(u.to_string()),
                GeneralName::DirectoryName(name) => match name.to_der() {
                    Ok(der) => match value_of(&der) {
                        Ok(content) => DpName::Directory(content.to_vec()),
                        Err(_) => DpName::Other(der),
                    },
                    Err(_) => DpName::Other(Vec::new()),
                },
                other => DpName::Other(other.to_der().unwrap_or_default()),
            })
            .collect(),
        DistributionPointName::NameRelativeToCRLIssuer(rdn) => {
            let mut full = issuer.to_vec();
            match rdn.to_der() {
                Ok(set) => {
                    full.extend(set);
                    vec![DpName::Directory(full)]
                }
                Err(_) => Vec::new(),
            }
        }
    }
}

/// What the issuingDistributionPoint extension limits the CRL to (RFC 5280 5.2.5).
#[derive(Debug, Clone, Default)]
pub(crate) struct Idp {
    /// The extension's value as received: two CRLs with the same one have the same scope.
    pub(crate) raw: Vec<u8>,
    /// The distribution point's names, if the extension names it.
    pub(crate) names: Option<Vec<DpName>>,
    pub(crate) only_user_certs: bool,
    pub(crate) only_ca_certs: bool,
    pub(crate) only_attribute_certs: bool,
    /// onlySomeReasons, as ReasonFlags bits.
    pub(crate) reasons: Option<u16>,
}

/// One entry of a certificate's cRLDistributionPoints (RFC 5280 4.2.1.13).
#[derive(Debug, Clone)]
pub(crate) struct CertDp {
    /// The distributionPoint names, if present.
    pub(crate) names: Option<Vec<DpName>>,
    /// The reasons field, as ReasonFlags bits.
    pub(crate) reasons: Option<u16>,
    /// The cRLIssuer's directoryNames (RDNSequence content octets), if the point names
    /// one: its CRLs are indirect ones from that issuer. Other kinds of name are left
    /// out, so a cRLIssuer without a directoryName matches no CRL.
    pub(crate) crl_issuer: Option<Vec<Vec<u8>>>,
}

/// The revocation-relevant extensions of a certificate: its CRL distribution points and
/// whether it names a freshest CRL (delta CRLs). Read from the certificate's DER when a
/// CRL is evaluated, so the hot path of validations without CRLs pays nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct CertDps {
    pub(crate) points: Vec<CertDp>,
    pub(crate) freshest: bool,
}

impl CertDps {
    /// Reads them from `cert`. An extension that does not decode counts as absent (the
    /// certificate checks report it as malformed).
    pub(crate) fn of(cert: &Certificate) -> CertDps {
        let mut out = CertDps::default();
        let Ok(Some(tbs)) = raw::read_tbs(cert.tbs(), raw::Shape::Any) else {
            return out;
        };
        for (oid, value) in tbs.extensions {
            if oid == ID_CE_FRESHEST_CRL.as_bytes() {
                out.freshest = true;
            } else if oid == ID_CE_CRL_DISTRIBUTION_POINTS.as_bytes()
                && let Ok(dps) = CrlDistributionPoints::from_der(value)
            {
                out.points = dps
                    .0
                    .iter()
                    .map(|dp| {
                        let crl_issuer = dp.crl_issuer.as_ref().map(|names| directory_names(names));
                        // 4.2.1.13: a nameRelativeToCRLIssuer is relative to the
                        // cRLIssuer when the point names one.
                        let base = crl_issuer
                            .as_ref()
                            .and_then(|n| n.first())
                            .map_or(cert.issuer_raw(), Vec::as_slice);
                        CertDp {
                            names: dp.distribution_point.as_ref().map(|n| dp_names(n, base)),
                            reasons: dp.reasons.map(|r| r.bits()),
                            crl_issuer,
                        }
                    })
                    .collect();
            }
        }
        out
    }
}

/// The directoryNames of a GeneralNames, as RDNSequence content octets.
fn directory_names(names: &[GeneralName]) -> Vec<Vec<u8>> {
    names
        .iter()
        .filter_map(|n| match n {
            GeneralName::DirectoryName(name) => {
                let der = name.to_der().ok()?;
                value_of(&der).ok().map(<[u8]>::to_vec)
            }
            _ => None,
        })
        .collect()
}

/// A CRLNumber as a magnitude without leading zeros; `None` if negative.
fn crl_number(value: &[u8]) -> der::Result<Option<Vec<u8>>> {
    let int = IntRef::from_der(value)?;
    let bytes = int.as_bytes();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        return Ok(None);
    }
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    Ok(Some(bytes[start..].to_vec()))
}

/// Orders two CRLNumber magnitudes.
pub(crate) fn cmp_numbers(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A CRLNumber for messages: decimal when it fits 128 bits, else hex.
pub(crate) fn number_text(n: &[u8]) -> String {
    if n.len() <= 16 {
        let v = n.iter().fold(0u128, |acc, &b| (acc << 8) | u128::from(b));
        v.to_string()
    } else {
        format!("0x{}", hex::encode(n))
    }
}

/// keyUsage bit 6, cRLSign, in `Extensions::key_usage_bits`.
pub(crate) const CRL_SIGN: u16 = crate::policy::usage::KeyUsageBit::CrlSign.mask();

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
    /// cRLNumber (RFC 5280 5.2.3), as a magnitude.
    number: Option<Vec<u8>>,
    /// deltaCRLIndicator's BaseCRLNumber (5.2.4): set only on delta CRLs.
    delta_base: Option<Vec<u8>>,
    /// issuingDistributionPoint (5.2.5).
    idp: Option<Idp>,
    /// Whether the CRL names a freshest CRL (5.2.6), i.e. delta CRLs exist for it.
    freshest: bool,
    /// Whether the issuingDistributionPoint marks the CRL indirect (5.2.5).
    indirect: bool,
    /// Whether an entry has a certificateIssuer extension.
    entry_issuer_ext: bool,
    /// The certificateIssuer values of the entries, in order, as directoryNames.
    entry_issuers: Vec<Vec<Vec<u8>>>,
    /// The authorityKeyIdentifier's keyIdentifier (5.2.1): which key signed the CRL.
    aki: Option<Vec<u8>>,
    /// Certificates handed over with the CRL in the same PEM input (candidate signers).
    certs: Vec<Certificate>,
    /// Why the CRL may not be used at all (a critical extension chainvet does not
    /// understand, a negative cRLNumber).
    unusable: Option<String>,
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
    /// The CRL was signed by a key other than the path issuer's, and the certificate
    /// carrying that key is not a valid CRL signer for it (RFC 5280 6.3.3 (f)).
    SignerNotValid {
        /// The signer certificate's subject DN.
        signer: String,
        /// Why it is not valid.
        why: String,
    },
    /// No certificate whose key verifies the CRL's signature was found among the
    /// issuer, the validation's certificates and those handed over with the CRLs.
    NoSigner {
        /// The CRL's issuer DN.
        issuer: String,
    },
    /// A CRL chainvet may not use: an unknown critical extension, or a delta CRL asked
    /// to answer on its own.
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
            CrlError::SignerNotValid { signer, why } => write!(
                f,
                "the CRL is signed by the certificate of {signer}, which is not a valid CRL signer here: {why}"
            ),
            CrlError::NoSigner { issuer } => write!(
                f,
                "no certificate of the CRL issuer {issuer} that may sign CRLs (cRLSign) has a key that verifies the CRL's signature"
            ),
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

/// The `CERTIFICATE` blocks of a PEM text, at most `MAX_CERTS_WITH_CRL`.
fn pem_certificates(text: &[u8]) -> Result<Vec<Certificate>, CrlError> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.windows(BEGIN.len()).position(|w| w == BEGIN) {
        let block = &rest[start..];
        let Some(end) = block.windows(END.len()).position(|w| w == END) else {
            return Err(CrlError::Malformed(
                "a CERTIFICATE block next to the CRL has no END line".to_owned(),
            ));
        };
        let end = end + END.len();
        if out.len() == MAX_CERTS_WITH_CRL {
            return Err(CrlError::Malformed(format!(
                "more than {MAX_CERTS_WITH_CRL} certificates come with the CRL"
            )));
        }
        let (_, der) = pem_rfc7468::decode_vec(&block[..end]).map_err(|e| {
            CrlError::Malformed(format!("a certificate next to the CRL is bad PEM: {e}"))
        })?;
        let cert = Certificate::from_der(der).map_err(|e| {
            CrlError::Malformed(format!("a certificate next to the CRL does not parse: {e}"))
        })?;
        out.push(cert);
        rest = &block[end..];
    }
    Ok(out)
}

impl Crl {
    /// Parses a CRL given as DER or as PEM (`-----BEGIN X509 CRL-----`).
    ///
    /// PEM input may also carry up to `MAX_CERTS_WITH_CRL` `CERTIFICATE` blocks: the
    /// certificate of a separate CRL signer, or a re-keyed CA's other certificate, that
    /// may have signed the CRL. They are only candidates: a signer is accepted after its
    /// own path is validated to the trust anchor of the certificate the CRL is about.
    pub fn from_bytes(bytes: &[u8]) -> Result<Crl, CrlError> {
        if bytes.first() == Some(&0x30) {
            return Crl::from_der(bytes.to_vec());
        }
        let block = pem_block(bytes).ok_or_else(|| {
            CrlError::Malformed("neither DER nor a PEM `X509 CRL` block".to_owned())
        })?;
        let (_, der) = pem_rfc7468::decode_vec(block)
            .map_err(|e| CrlError::Malformed(format!("bad PEM: {e}")))?;
        let mut crl = Crl::from_der(der)?;
        crl.certs = pem_certificates(bytes)?;
        Ok(crl)
    }

    /// The certificates handed over with the CRL (PEM input), candidate signers.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certs
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
        let mut unusable = None;
        let mut indirect = false;
        let mut entry_issuer_ext = false;
        let mut entry_issuers: Vec<Vec<Vec<u8>>> = Vec::new();
        let mut aki = None;
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
                        let mut seen = 0usize;
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
                                        seen += 1;
                                        let names = GeneralNames::from_der(
                                            ext.extn_value.as_bytes(),
                                        )?;
                                        entry_issuer_ext = true;
                                        entry_issuers.push(directory_names(&names));
                                    }
                                    oid if ext.critical => {
                                        unusable = Some(format!(
                                            "an entry has a critical extension {oid} that is not understood"
                                        ));
                                    }
                                    _ => {}
                                }
                            }
                        }
                        if seen > 1 {
                            // Which issuer would the entry be of?
                            return Err(der::Error::from(der::ErrorKind::Failed));
                        }
                        Ok::<_, der::Error>(Entry {
                            serial: range_in(&der, serial),
                            time,
                            reason,
                            // The newest certificateIssuer so far, this entry's included.
                            issuer: entry_issuers.len().checked_sub(1),
                        })
                    })
                    .map_err(|e| bad("revokedCertificates", e))?;
                entries.push(entry);
            }
        }
        let mut number = None;
        let mut delta_base = None;
        let mut idp = None;
        let mut freshest = false;
        if let Some(ext_bytes) = tbs.extensions {
            let exts = Extensions::from_der(ext_bytes).map_err(|e| bad("crlExtensions", e))?;
            let mut seen = Vec::with_capacity(exts.len());
            for ext in exts {
                if seen.contains(&ext.extn_id) {
                    return Err(CrlError::Malformed(format!(
                        "the extension {} appears twice",
                        ext.extn_id
                    )));
                }
                seen.push(ext.extn_id);
                let value = ext.extn_value.as_bytes();
                match ext.extn_id {
                    ID_CE_CRL_NUMBER => match crl_number(value).map_err(|e| bad("cRLNumber", e))? {
                        Some(n) => number = Some(n),
                        None => unusable = Some("its cRLNumber is negative".to_owned()),
                    },
                    ID_CE_DELTA_CRL_INDICATOR => {
                        match crl_number(value).map_err(|e| bad("deltaCRLIndicator", e))? {
                            Some(n) => delta_base = Some(n),
                            None => {
                                unusable =
                                    Some("its deltaCRLIndicator base number is negative".to_owned())
                            }
                        }
                    }
                    ID_CE_ISSUING_DISTRIBUTION_POINT => {
                        let parsed = IssuingDistributionPoint::from_der(value)
                            .map_err(|e| bad("issuingDistributionPoint", e))?;
                        indirect |= parsed.indirect_crl;
                        idp = Some(Idp {
                            raw: value.to_vec(),
                            names: parsed
                                .distribution_point
                                .as_ref()
                                .map(|n| dp_names(n, tbs.issuer)),
                            only_user_certs: parsed.only_contains_user_certs,
                            only_ca_certs: parsed.only_contains_ca_certs,
                            only_attribute_certs: parsed.only_contains_attribute_certs,
                            reasons: parsed.only_some_reasons.map(|r| r.bits()),
                        });
                    }
                    ID_CE_FRESHEST_CRL => freshest = true,
                    ID_CE_AUTHORITY_KEY_IDENTIFIER => {
                        let parsed = AuthorityKeyIdentifier::from_der(value)
                            .map_err(|e| bad("authorityKeyIdentifier", e))?;
                        aki = parsed.key_identifier.map(|k| k.as_bytes().to_vec());
                    }
                    ID_CE_ISSUER_ALT_NAME | ID_PE_AUTHORITY_INFO_ACCESS => {}
                    oid if ext.critical => {
                        unusable = Some(format!(
                            "it has a critical extension {oid} that is not understood"
                        ));
                    }
                    _ => {}
                }
            }
        }
        if delta_base.is_some() && number.is_none() {
            // RFC 5280 5.2.4: a delta CRL MUST carry its own cRLNumber.
            unusable = Some("it is a delta CRL without a cRLNumber".to_owned());
        }
        let crl = Crl {
            tbs: range_in(&der, parts.tbs),
            signature_algorithm: range_in(&der, parts.signature_algorithm),
            signature: range_in(&der, parts.signature),
            issuer: range_in(&der, tbs.issuer),
            this_update: tbs.this_update,
            next_update: tbs.next_update,
            entries,
            number,
            delta_base,
            idp,
            freshest,
            indirect,
            entry_issuer_ext,
            entry_issuers,
            aki,
            certs: Vec::new(),
            unusable,
            der: Vec::new(),
        };
        let mut crl = Crl { der, ..crl };
        let der = &crl.der;
        // Stable: entries of one serial (of different issuers) keep their order.
        crl.entries
            .sort_by(|a, b| der[a.serial.clone()].cmp(&der[b.serial.clone()]));
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

    /// The entry for a serial (DER content octets) of a certificate issued by
    /// `cert_issuer` (RDNSequence content octets): in an indirect CRL several issuers'
    /// certificates may share a serial, and an entry counts only for the issuer it is
    /// attributed to (RFC 5280 5.3.3).
    fn lookup(&self, serial: &[u8], cert_issuer: &[u8]) -> Option<&Entry> {
        let start = self
            .entries
            .partition_point(|e| self.der[e.serial.clone()] < *serial);
        let same = self.entries[start..]
            .iter()
            .take_while(|e| self.der[e.serial.clone()] == *serial);
        // Each distinct attribution is compared once, however many entries repeat it.
        let mut checked: Vec<(Option<usize>, bool)> = Vec::new();
        for e in same {
            let matches = match checked.iter().find(|(i, _)| *i == e.issuer) {
                Some(&(_, m)) => m,
                None => {
                    let m = match e.issuer {
                        None => names_match(self.issuer_raw(), cert_issuer),
                        Some(i) => self.entry_issuers[i]
                            .iter()
                            .any(|n| names_match(n, cert_issuer)),
                    };
                    checked.push((e.issuer, m));
                    m
                }
            };
            if matches {
                return Some(e);
            }
        }
        None
    }

    /// What this CRL alone says of a serial of a certificate issued by `cert_issuer`:
    /// revoked (with the date and reason) or not listed. A removeFromCRL entry is
    /// returned as listed; `crl_select` gives it its meaning (it un-revokes only in a
    /// delta CRL).
    pub(crate) fn listed(
        &self,
        serial: &[u8],
        cert_issuer: &[u8],
    ) -> Option<(Timestamp, Option<Reason>)> {
        self.lookup(serial, cert_issuer).map(|e| (e.time, e.reason))
    }

    /// The keyIdentifier of the CRL's authorityKeyIdentifier, if any.
    pub(crate) fn authority_key_id(&self) -> Option<&[u8]> {
        self.aki.as_deref()
    }

    /// Whether the issuingDistributionPoint marks the CRL indirect.
    pub fn is_indirect(&self) -> bool {
        self.indirect
    }

    /// cRLNumber as a big-endian magnitude without leading zeros, if present.
    pub fn crl_number(&self) -> Option<&[u8]> {
        self.number.as_deref()
    }

    /// For a delta CRL, the BaseCRLNumber of its deltaCRLIndicator.
    pub fn base_crl_number(&self) -> Option<&[u8]> {
        self.delta_base.as_deref()
    }

    /// Whether this is a delta CRL (it has a deltaCRLIndicator).
    pub fn is_delta(&self) -> bool {
        self.delta_base.is_some()
    }

    /// Whether the CRL names a freshest CRL, where its delta CRLs are published.
    pub fn has_freshest_crl(&self) -> bool {
        self.freshest
    }

    /// The issuingDistributionPoint's value as received (empty without one): CRLs with
    /// the same value have the same scope, and only those combine as complete and delta.
    pub(crate) fn scope_key(&self) -> &[u8] {
        self.idp.as_ref().map_or(&[], |i| i.raw.as_slice())
    }

    /// Why the CRL may not be used at all, if it may not.
    pub(crate) fn unusable(&self) -> Option<&str> {
        self.unusable.as_deref()
    }

    /// Whether the CRL's issuer is `cert`'s issuer, names compared as RFC 5280 7.1 says
    /// (so differences in string type, case or spacing do not matter).
    pub fn is_for(&self, cert: &Certificate) -> bool {
        names_match(self.issuer_raw(), cert.issuer_raw())
    }

    /// Checks the signature with `signer`'s key (no other check on `signer`).
    pub fn verify_signature(&self, signer: &Certificate) -> Result<(), CrlError> {
        signature::verify(
            &self.der[self.signature_algorithm.clone()],
            SignerKey::of(signer),
            &self.der[self.tbs.clone()],
            &self.der[self.signature.clone()],
        )
        .map(|_| ())
        .map_err(CrlError::Signature)
    }

    /// The status of `cert`, issued by `issuer`, at `at` from this CRL alone: issuer
    /// name, signature, scope and freshness checked, then the serial looked up. A delta
    /// CRL gives no status on its own; `crl_select` combines it with its complete CRL.
    /// Only `issuer`'s key is accepted as the signer here (no pool of other
    /// certificates to find a separate CRL signer in).
    pub fn evaluate(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Timestamp,
        policy: &RevocationPolicy,
    ) -> Result<Answer, CrlError> {
        self.evaluate_alone(cert, issuer, at, policy)
    }

    /// Whether the CRL may be about `cert` at all (RFC 5280 6.3.3 (b)(1)): it is from
    /// the certificate's issuer, or from a cRLIssuer one of its distribution points
    /// names.
    pub(crate) fn may_cover(&self, cert: &Certificate, dps: &CertDps) -> bool {
        self.is_for(cert) || self.via_crl_issuer(dps)
    }

    /// Whether one of the certificate's distribution points names this CRL's issuer as
    /// its cRLIssuer.
    fn via_crl_issuer(&self, dps: &CertDps) -> bool {
        dps.points.iter().any(|p| self.serves(p))
    }

    /// Whether this CRL's issuer is the cRLIssuer of `point`.
    fn serves(&self, point: &CertDp) -> bool {
        point
            .crl_issuer
            .as_ref()
            .is_some_and(|names| names.iter().any(|n| names_match(n, self.issuer_raw())))
    }

    /// RFC 5280 6.3.3 (b) and (d): whether the CRL's scope includes `cert`, and if so
    /// the reasons it covers for it (ReasonFlags bits, never empty).
    pub(crate) fn scope_for(&self, cert: &Certificate, dps: &CertDps) -> Result<u16, CrlError> {
        let na = |why: String| Err(CrlError::NotApplicable(why));
        if self.entry_issuer_ext && !self.indirect {
            // 5.3.3: certificateIssuer belongs in indirect CRLs only; which entries are
            // whose is then anybody's guess.
            return na(
                "it has certificateIssuer entries but its issuingDistributionPoint does not mark it an indirect CRL"
                    .to_owned(),
            );
        }
        let direct = self.is_for(cert);
        // (b)(1): the distribution points this CRL may serve. A point with a cRLIssuer
        // is served by that issuer's indirect CRLs only; one without, by the
        // certificate's issuer.
        let points: Vec<&CertDp> = dps
            .points
            .iter()
            .filter(|p| match &p.crl_issuer {
                Some(_) => self.indirect && self.serves(p),
                None => direct,
            })
            .collect();
        if !direct {
            if !self.via_crl_issuer(dps) {
                return Err(CrlError::WrongIssuer {
                    crl_issuer: decode_name(self.issuer_raw()),
                    cert_issuer: cert.issuer_string(),
                });
            }
            if !self.indirect {
                return na(format!(
                    "the certificate names {} as the CRL issuer of a distribution point, but this CRL is not marked indirect (issuingDistributionPoint indirectCRL)",
                    decode_name(self.issuer_raw())
                ));
            }
        }
        let Some(idp) = &self.idp else {
            return Ok(ALL_REASONS);
        };
        if idp.only_attribute_certs {
            return na("it lists attribute certificates only".to_owned());
        }
        if idp.only_ca_certs && !cert.is_ca() {
            return na("it lists CA certificates only".to_owned());
        }
        if idp.only_user_certs && cert.is_ca() {
            return na("it lists end-entity certificates only".to_owned());
        }
        let union = |ps: &[&CertDp]| {
            ps.iter()
                .fold(0u16, |acc, p| acc | p.reasons.unwrap_or(ALL_REASONS))
        };
        let mut dp_reasons = if direct && points.is_empty() {
            ALL_REASONS
        } else {
            union(&points)
        };
        if let Some(names) = &idp.names {
            // (b)(2)(i): one of the CRL's distribution point names is one of the names
            // of a distribution point in the certificate, or, for a point without a
            // name, one of its cRLIssuer's names.
            let matching: Vec<&CertDp> = points
                .iter()
                .copied()
                .filter(|p| {
                    let own: Vec<DpName> = match (&p.names, &p.crl_issuer) {
                        (Some(own), _) => own.clone(),
                        (None, Some(issuers)) => {
                            issuers.iter().cloned().map(DpName::Directory).collect()
                        }
                        (None, None) => Vec::new(),
                    };
                    own.iter().any(|a| names.iter().any(|b| a.matches(b)))
                })
                .collect();
            if matching.is_empty() {
                let theirs = names
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                return na(format!(
                    "it is the CRL of the distribution point {theirs}, which the certificate does not name"
                ));
            }
            dp_reasons = union(&matching);
        }
        let reasons = idp.reasons.unwrap_or(ALL_REASONS) & dp_reasons & ALL_REASONS;
        if reasons == 0 {
            return na("it covers none of the revocation reasons".to_owned());
        }
        Ok(reasons)
    }

    /// thisUpdate is not in the future (with the policy's clock skew).
    pub(crate) fn check_not_future(
        &self,
        at: Timestamp,
        policy: &RevocationPolicy,
    ) -> Result<(), CrlError> {
        if self.this_update.0 > at.0.saturating_add(policy.skew()) {
            return Err(CrlError::NotYetValid {
                this_update: self.this_update,
                at,
            });
        }
        Ok(())
    }

    /// nextUpdate (or thisUpdate plus the maximum age) has not passed (with skew).
    pub(crate) fn check_current(
        &self,
        at: Timestamp,
        policy: &RevocationPolicy,
    ) -> Result<(), CrlError> {
        let valid_until = self.valid_until(policy);
        if at.0.saturating_sub(policy.skew()) > valid_until.0 {
            return Err(CrlError::Stale { valid_until, at });
        }
        Ok(())
    }

    /// `evaluate`: this CRL as the only candidate, `issuer`'s key the only signer.
    fn evaluate_alone(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Timestamp,
        policy: &RevocationPolicy,
    ) -> Result<Answer, CrlError> {
        if !names_match(issuer.subject_raw(), cert.issuer_raw()) {
            return Err(CrlError::WrongIssuer {
                crl_issuer: decode_name(self.issuer_raw()),
                cert_issuer: cert.issuer_string(),
            });
        }
        let candidate = super::crl_select::Candidate {
            label: "CRL",
            source: Source::Supplied,
            crl: self,
            verified: false,
        };
        let pool = super::crl_signer::SignerPool::none(at);
        match super::crl_select::select(cert, issuer, &[candidate], at, policy, &pool) {
            super::crl_select::Selection::Answer(chosen) => Ok(chosen.answer),
            super::crl_select::Selection::Invalid { error, .. }
            | super::crl_select::Selection::NotApplicable {
                error: Some(error), ..
            } => Err(error),
            super::crl_select::Selection::NotApplicable {
                error: None,
                detail,
            } => Err(CrlError::NotApplicable(detail)),
        }
    }

    /// nextUpdate, or thisUpdate plus the policy's maximum age.
    pub fn valid_until(&self, policy: &RevocationPolicy) -> Timestamp {
        self.next_update.unwrap_or(Timestamp(
            self.this_update.0.saturating_add(policy.max_age()),
        ))
    }
}

/// A Name given as RDNSequence content octets, for messages.
pub(crate) fn decode_name(content: &[u8]) -> String {
    let mut tlv = vec![0x30];
    if let Ok(len) = der::Length::try_from(content.len())
        && let Ok(enc) = Encode::to_der(&len)
    {
        tlv.extend(enc);
        tlv.extend_from_slice(content);
    }
    match x509_cert::name::Name::from_der(&tlv) {
        Ok(n) if !n.is_empty() => n.to_string(),
        _ => "an undecodable name".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crl_numbers_compare_by_magnitude() {
        // INTEGER content octets: 0x00 0x80 is 128, 0x7f is 127, 0x01 0x00 is 256.
        let n = |content: &[u8]| {
            let mut tlv = vec![0x02, u8::try_from(content.len()).expect("short")];
            tlv.extend_from_slice(content);
            crl_number(&tlv).expect("integer")
        };
        let (n127, n128, n256) = (n(&[0x7f]), n(&[0x00, 0x80]), n(&[0x01, 0x00]));
        let (n127, n128, n256) = (
            n127.expect("positive"),
            n128.expect("positive"),
            n256.expect("positive"),
        );
        assert_eq!(cmp_numbers(&n127, &n128), core::cmp::Ordering::Less);
        assert_eq!(cmp_numbers(&n256, &n128), core::cmp::Ordering::Greater);
        assert_eq!(number_text(&n256), "256");
        assert_eq!(n(&[0x00]).expect("zero"), Vec::<u8>::new());
        assert_eq!(number_text(&[]), "0");
        // Negative numbers are no CRL numbers.
        assert_eq!(n(&[0xff]), None);
        // Numbers too long for 128 bits are shown in hex.
        assert_eq!(number_text(&[1; 17]), format!("0x{}", "01".repeat(17)));
    }
}
