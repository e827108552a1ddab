//! The configured trust anchors: the roots a gateway's operator trusts.

use std::sync::Arc;

use pki_types::{CertificateDer, TrustAnchor};

use crate::certificate::Certificate;
use crate::code::Code;
use crate::findings::Findings;
use crate::load_error::LoadError;
use crate::signature;

/// The one `root.not_trusted` finding for a chain that ends at `cert` (certificate
/// `index`), outside the trust store and not issued by an anchor of it: bundle mode's
/// trust decision and trust-store mode's diagnosis both raise it here, with the code's
/// default texts.
pub(crate) fn not_trusted(index: usize, cert: &Certificate, findings: &mut Findings<'_>) {
    findings.raise(Code::RootNotTrusted, Some(index), &[&cert.describe(index)]);
}

/// A set of trusted root (or intermediate) certificates. Empty means "no trust store":
/// the bundle's own root anchors path validation, which proves the chain is consistent
/// but not that it is trusted. Immutable once built and cheap to clone (the anchors are
/// shared), so one store can serve every thread of a gateway.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Arc<[Certificate]>,
    /// The anchors as rustls-webpki takes them, prepared once when the store is built
    /// rather than on every validation, with the index in `anchors` each came from (a
    /// certificate webpki cannot read as an anchor has none).
    prepared: Arc<[TrustAnchor<'static>]>,
    prepared_source: Arc<[usize]>,
}

impl TrustStore {
    /// An empty store.
    pub fn empty() -> TrustStore {
        TrustStore::default()
    }

    /// Reads every CERTIFICATE block of a PEM text. Fails, naming the block (its place
    /// and number), if one does not parse or if there is none.
    pub fn from_pem(pem: &[u8]) -> Result<TrustStore, LoadError> {
        let policy = crate::policy::Policy {
            max_certificates: usize::MAX / 2,
            max_input_bytes: 0,
            ..crate::policy::Policy::default()
        };
        let mut findings = Findings::new(&policy);
        let slots = crate::input::read_pem(pem, &policy, &mut findings);
        let mut anchors = Vec::new();
        for (i, slot) in slots.into_iter().flatten().enumerate() {
            match slot {
                Ok(cert) => anchors.push(cert),
                Err(e) => {
                    let error = LoadError::new(format!("not a usable certificate: {e}"))
                        .in_field(format!("certificate {}", i + 1));
                    // The block's BEGIN line, as the reader recorded it for its finding.
                    return Err(match findings.first_lines_of(i) {
                        Some((line, _)) => error.at(line, 1),
                        None => error,
                    });
                }
            }
        }
        if anchors.is_empty() {
            return Err(LoadError::new("the trust store holds no CERTIFICATE block"));
        }
        Ok(TrustStore::from_certificates(anchors))
    }

    /// Reads a PEM file of trusted certificates.
    pub fn from_file(path: &std::path::Path) -> Result<TrustStore, LoadError> {
        let limit = crate::read::MAX_TRUST_STORE_BYTES;
        let bytes = crate::read::file(path, limit)
            .map_err(|e| LoadError::new(format!("cannot read trust store: {e}")).in_file(path))?;
        if bytes.len() > limit {
            return Err(LoadError::new(format!(
                "cannot read trust store: it is larger than {limit} bytes"
            ))
            .in_file(path));
        }
        TrustStore::from_pem(&bytes).map_err(|e| e.in_file(path))
    }

    /// Builds a store from parsed certificates.
    pub fn from_certificates(anchors: Vec<Certificate>) -> TrustStore {
        // Every report that names an anchor shows this text: render it once, here.
        for anchor in &anchors {
            anchor.render_text();
        }
        let (prepared, prepared_source): (Vec<_>, Vec<_>) = anchors
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                webpki::anchor_from_trusted_cert(&CertificateDer::from(c.der()))
                    .ok()
                    .map(|a| (a.to_owned(), i))
            })
            .unzip();
        TrustStore {
            anchors: anchors.into(),
            prepared: prepared.into(),
            prepared_source: prepared_source.into(),
        }
    }

    /// Whether no anchor is configured.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The anchors.
    pub fn anchors(&self) -> &[Certificate] {
        &self.anchors
    }

    /// The anchors rustls-webpki reads, and for each its index in `anchors()`.
    pub(crate) fn prepared(&self) -> (&[TrustAnchor<'static>], &[usize]) {
        (&self.prepared, &self.prepared_source)
    }

    /// Whether this exact certificate, or one with the same subject and key, is an anchor.
    pub fn contains(&self, cert: &Certificate) -> bool {
        self.anchors
            .iter()
            .any(|a| a.subject_raw() == cert.subject_raw() && a.spki() == cert.spki())
    }

    /// An anchor that issued `cert` (same name, signature verifies).
    pub fn find_issuer(&self, cert: &Certificate) -> Option<&Certificate> {
        self.anchors.iter().find(|a| {
            a.subject_raw() == cert.issuer_raw() && signature::verify_issued_by(cert, a).is_ok()
        })
    }
}
