//! The configured trust anchors: the roots a gateway's operator trusts.

use crate::certificate::Certificate;
use crate::policy::PolicyError;
use crate::signature;

/// A set of trusted root (or intermediate) certificates. Empty means "no trust store":
/// the bundle's own root anchors path validation, which proves the chain is consistent
/// but not that it is trusted.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<Certificate>,
}

impl TrustStore {
    /// An empty store.
    pub fn empty() -> TrustStore {
        TrustStore::default()
    }

    /// Reads every CERTIFICATE block of a PEM text. Fails, naming the block, if one
    /// does not parse or if there is none.
    pub fn from_pem(pem: &[u8]) -> Result<TrustStore, PolicyError> {
        let policy = crate::policy::Policy {
            max_certificates: usize::MAX / 2,
            max_input_bytes: 0,
            ..crate::policy::Policy::default()
        };
        let mut findings = crate::findings::Findings::new(&policy);
        let slots = crate::input::read_pem(pem, &policy, &mut findings);
        let mut anchors = Vec::new();
        for (i, slot) in slots.into_iter().flatten().enumerate() {
            match slot {
                Ok(cert) => anchors.push(cert),
                Err(e) => {
                    return Err(PolicyError(format!(
                        "trust store certificate {i} is not usable: {e}"
                    )));
                }
            }
        }
        if anchors.is_empty() {
            return Err(PolicyError(
                "the trust store holds no CERTIFICATE block".to_owned(),
            ));
        }
        Ok(TrustStore { anchors })
    }

    /// Reads a PEM file of trusted certificates.
    pub fn from_file(path: &std::path::Path) -> Result<TrustStore, PolicyError> {
        let bytes = std::fs::read(path)
            .map_err(|e| PolicyError(format!("cannot read trust store {}: {e}", path.display())))?;
        TrustStore::from_pem(&bytes)
            .map_err(|e| PolicyError(format!("{}: {}", path.display(), e.0)))
    }

    /// Builds a store from parsed certificates.
    pub fn from_certificates(anchors: Vec<Certificate>) -> TrustStore {
        TrustStore { anchors }
    }

    /// Whether no anchor is configured.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The anchors.
    pub fn anchors(&self) -> &[Certificate] {
        &self.anchors
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
