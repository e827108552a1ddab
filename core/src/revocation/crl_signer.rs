//! Which key may have signed a CRL (RFC 5280 6.3.3 (f), (g)).
//!
//! The certificate's issuer on the validated path signs most CRLs; its key is tried
//! first and needs no further validation. Otherwise the CRL may be signed by
//!
//! - a separate CRL-signing certificate of the same name (the CA issued a certificate
//!   with keyUsage cRLSign to another key),
//! - the CA's other key after a key rollover (the old or the new CA certificate of the
//!   same name, possibly through link certificates), or
//! - for an indirect CRL, the certificate of the cRLIssuer the certificate's
//!   distribution point names.
//!
//! Such a signer is a certificate whose subject is the CRL's issuer, whose keyUsage
//! allows cRLSign (a CA certificate without keyUsage also may), whose key verifies the
//! CRL's signature, and whose own certification path validates with chainvet's RFC 5280
//! engine to the trust anchor of the certificate the CRL is about (6.3.3 (f): "the same
//! trust anchor"). Candidates come from the certificates handed over with the CRLs first
//! (the operator's), then the validation's own certificates (bundle or presented
//! chain); the CRL's authorityKeyIdentifier puts the certificates with that key
//! identifier first. Everything is bounded: candidates per CRL, path searches per
//! validation, and each search has the engine's budgets.

use std::cell::RefCell;

use super::crl::{CRL_SIGN, Crl, CrlError, decode_name};
use crate::certificate::Certificate;
use crate::certificate::name_match::names_match;
use crate::rfc5280::{self, ANY_POLICY, MAX_INTERMEDIATES, Search};

/// Most candidate signers whose key is tried on one CRL (one signature check each).
pub(crate) const MAX_SIGNER_CANDIDATES: usize = 8;

/// Most CRL-signer certification paths validated in one revocation run (each a full
/// path search with the engine's budgets); results are remembered per certificate.
pub(crate) const MAX_SIGNER_PATHS: usize = 8;

/// Who signed a CRL that verified.
#[derive(Debug, Clone)]
pub(crate) enum Signer {
    /// The certificate's issuer on the path.
    Issuer,
    /// Another certificate, validated as its own path: its subject and serial.
    Other { subject: String, serial: String },
}

impl Signer {
    /// For the report: who signed, given the path issuer's subject.
    pub(crate) fn describe(&self, issuer: &Certificate) -> String {
        match self {
            Signer::Issuer => issuer.subject_string(),
            Signer::Other { subject, serial } => format!("{subject} (serial {serial})"),
        }
    }
}

/// The certificates that may have signed CRLs in one revocation run, and the trust
/// anchor their paths must reach.
#[derive(Debug)]
pub(crate) struct SignerPool<'a> {
    /// Handed over with the CRLs, sorted by DER without duplicates so that the order of
    /// the CRL inputs changes nothing.
    supplied: Vec<Certificate>,
    /// The validation's certificates.
    own: Vec<&'a Certificate>,
    /// The trust anchor of the path being checked; without one no other signer can be
    /// validated.
    anchor: Option<&'a Certificate>,
    at: i64,
    /// Path validations done so far.
    paths: RefCell<Vec<PathOutcome>>,
}

/// A signer certificate's fingerprint and whether its path validated (why not).
type PathOutcome = ([u8; 32], Result<(), String>);

impl<'a> SignerPool<'a> {
    /// A pool with no certificate: only the path issuer's key is accepted.
    pub(crate) fn none(at: crate::time::Timestamp) -> SignerPool<'static> {
        SignerPool {
            supplied: Vec::new(),
            own: Vec::new(),
            anchor: None,
            at: at.0,
            paths: RefCell::new(Vec::new()),
        }
    }

    /// A pool of `supplied` (from the CRL inputs) and `own` (the validation's
    /// certificates), with the path's trust `anchor`.
    pub(crate) fn new(
        mut supplied: Vec<Certificate>,
        own: Vec<&'a Certificate>,
        anchor: Option<&'a Certificate>,
        at: crate::time::Timestamp,
    ) -> SignerPool<'a> {
        supplied.sort_by(|a, b| a.der().cmp(b.der()));
        supplied.dedup_by(|a, b| a.der() == b.der());
        SignerPool {
            supplied,
            own,
            anchor,
            at: at.0,
            paths: RefCell::new(Vec::new()),
        }
    }

    /// The key that signed `crl`, if it may sign CRLs for a certificate issued by
    /// `issuer`'s name; see the module documentation.
    pub(crate) fn verify(&self, crl: &Crl, issuer: &Certificate) -> Result<Signer, CrlError> {
        let name = crl.issuer_raw();
        let mut error: Option<CrlError> = None;
        if names_match(issuer.subject_raw(), name) {
            if issuer
                .extensions()
                .key_usage_bits
                .is_some_and(|bits| bits & CRL_SIGN == 0)
            {
                error = Some(CrlError::IssuerNotCrlSigner {
                    issuer: issuer.subject_string(),
                });
            } else {
                match crl.verify_signature(issuer) {
                    Ok(()) => return Ok(Signer::Issuer),
                    Err(e) => error = Some(e),
                }
            }
        }
        let candidates = self.candidates(crl, issuer);
        let total = candidates.len();
        for cert in candidates.into_iter().take(MAX_SIGNER_CANDIDATES) {
            if crl.verify_signature(cert).is_err() {
                continue;
            }
            // The key that made the signature is the one whose failures count.
            if !may_sign_crls(cert) {
                error = Some(CrlError::IssuerNotCrlSigner {
                    issuer: cert.subject_string(),
                });
                continue;
            }
            match self.validate(cert) {
                Ok(()) => {
                    return Ok(Signer::Other {
                        subject: cert.subject_string(),
                        serial: cert.serial_hex(),
                    });
                }
                Err(why) => {
                    error = Some(CrlError::SignerNotValid {
                        signer: cert.subject_string(),
                        why,
                    });
                }
            }
        }
        if total > MAX_SIGNER_CANDIDATES && !matches!(error, Some(CrlError::SignerNotValid { .. }))
        {
            return Err(CrlError::Unsupported(format!(
                "{total} certificates could have signed it, more than the {MAX_SIGNER_CANDIDATES} chainvet tries for one CRL"
            )));
        }
        Err(error.unwrap_or_else(|| CrlError::NoSigner {
            issuer: decode_name(name),
        }))
    }

    /// Certificates named like the CRL's issuer, other than `issuer`'s key: supplied
    /// ones first, those whose subjectKeyIdentifier is the CRL's authorityKeyIdentifier
    /// first within each group, then by DER.
    fn candidates(&self, crl: &Crl, issuer: &Certificate) -> Vec<&Certificate> {
        let name = crl.issuer_raw();
        let aki = crl.authority_key_id();
        let mut out: Vec<(u8, &Certificate)> = Vec::new();
        let own = self.own.iter().copied().chain(self.anchor);
        for (group, cert) in self
            .supplied
            .iter()
            .map(|c| (0u8, c))
            .chain(own.map(|c| (2u8, c)))
        {
            if !names_match(cert.subject_raw(), name)
                || cert.spki() == issuer.spki()
                || out.iter().any(|(_, c)| c.der() == cert.der())
            {
                continue;
            }
            let by_key = aki.is_some() && cert.extensions().subject_key_id.as_deref() == aki;
            out.push((group + u8::from(!by_key), cert));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.der().cmp(b.1.der())));
        out.into_iter().map(|(_, c)| c).collect()
    }

    /// 6.3.3 (f): `cert`'s certification path validates to the anchor, remembered.
    fn validate(&self, cert: &Certificate) -> Result<(), String> {
        let key = *cert.sha256();
        if let Some((_, r)) = self.paths.borrow().iter().find(|(k, _)| *k == key) {
            return r.clone();
        }
        if self.paths.borrow().len() >= MAX_SIGNER_PATHS {
            return Err(format!(
                "chainvet validates at most {MAX_SIGNER_PATHS} CRL-signer paths per validation"
            ));
        }
        let result = self.search(cert);
        self.paths.borrow_mut().push((key, result.clone()));
        result
    }

    fn search(&self, cert: &Certificate) -> Result<(), String> {
        let Some(anchor) = self.anchor else {
            return Err("the certificate's own path ends at no trust anchor, so no other CRL signer can be validated against it".to_owned());
        };
        if cert.der() == anchor.der() {
            return Ok(());
        }
        let inputs = rfc5280::Inputs {
            at: self.at,
            max_intermediates: MAX_INTERMEDIATES,
            user_initial_policy_set: vec![ANY_POLICY],
            initial_policy_mapping_inhibit: false,
            initial_explicit_policy: false,
            initial_any_policy_inhibit: false,
            usage: None,
        };
        let mut slots: Vec<Option<&Certificate>> = vec![Some(cert)];
        slots.extend(
            self.supplied
                .iter()
                .chain(self.own.iter().copied())
                .filter(|c| c.der() != cert.der())
                .map(Some),
        );
        Search::new(slots, core::slice::from_ref(anchor), &inputs)
            .run(&mut |_| true)
            .map(|_| ())
            .map_err(|f| {
                format!(
                    "its certification path to the trust anchor {} does not validate: {} {}",
                    anchor.subject_string(),
                    match f.certificate {
                        Some(0) | None => "the signer certificate".to_owned(),
                        Some(_) => "a certificate on its path".to_owned(),
                    },
                    f.error.describe()
                )
            })
    }
}

/// 6.3.3 (f): a keyUsage that allows cRLSign. A certificate without keyUsage may sign
/// CRLs only if it is a CA certificate: an end-entity certificate that merely shares
/// the CA's name must say it is a CRL signer.
fn may_sign_crls(cert: &Certificate) -> bool {
    match cert.extensions().key_usage_bits {
        Some(bits) => bits & CRL_SIGN != 0,
        None => cert.is_ca(),
    }
}
