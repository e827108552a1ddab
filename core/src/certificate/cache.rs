//! CA certificates parsed before, by DER, shared by a validator's calls: a CA's
//! certificate arrives with every client it issued (in a bundle or presented to a
//! gateway), so it is parsed and its report text rendered once per validator, not once
//! per call. Active on a thread for the duration of a validation, as the
//! verified-signature cache is.
//!
//! A hit is a copy of an earlier parse of exactly the same bytes (the cache compares the
//! whole key), and parsing is a function of the bytes alone, so a hit is exactly what
//! parsing would return. Only certificates that parse and say cA=TRUE are kept: their
//! bytes are public, never a key or other pasted input, and leaves (new on nearly every
//! call) do not push the CAs out.

use std::cell::RefCell;
use std::sync::Arc;

use super::{Certificate, MalformedCertificate};
use crate::cache::BytesCache;

/// Parsed CA certificates by DER.
pub(crate) type ParsedCertificates = BytesCache<Certificate>;

thread_local! {
    static ACTIVE: RefCell<Option<Arc<ParsedCertificates>>> = const { RefCell::new(None) };
}

/// Makes `cache` the active one on this thread until the guard drops (then the previous
/// one, if any, is active again).
pub(crate) fn enter(cache: &Arc<ParsedCertificates>) -> Scope {
    let previous = ACTIVE.with(|a| a.replace(Some(Arc::clone(cache))));
    Scope { previous }
}

/// Restores the previously active cache when dropped.
pub(crate) struct Scope {
    previous: Option<Arc<ParsedCertificates>>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        ACTIVE.with(|a| *a.borrow_mut() = previous);
    }
}

/// Parses `der` as `Certificate::from_der` does, or copies the parse of the same bytes
/// from the active cache.
pub(crate) fn parse(der: Vec<u8>) -> Result<Certificate, MalformedCertificate> {
    let Some(cache) = ACTIVE.with(|a| a.borrow().clone()) else {
        return Certificate::from_der(der);
    };
    if !cache.enabled() {
        return Certificate::from_der(der);
    }
    if let Some(hit) = cache.get(&[&der]) {
        return Ok(hit);
    }
    let cert = Certificate::from_der(der)?;
    if cert.is_ca() {
        cert.render_text();
        // DER, the rendered text and the decoded extensions, counted generously.
        let cost = 3 * cert.der().len() + 2048;
        cache.insert(&[cert.der()], cert.clone(), cost);
    }
    Ok(cert)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::CacheLimit;

    fn limit() -> CacheLimit {
        CacheLimit {
            entries: 64,
            bytes: 1 << 20,
        }
    }

    #[test]
    fn a_hit_is_the_same_certificate_and_only_cas_are_kept() {
        let chain = chainvet_testkit::Chain::standard();
        let (leaf, ca) = (chain.certs[0].der.clone(), chain.certs[1].der.clone());
        let cache = Arc::new(ParsedCertificates::new(limit()));
        let _scope = enter(&cache);
        let first = parse(ca.clone()).expect("parses");
        assert_eq!(cache.usage().0, 1, "the CA is kept");
        let again = parse(ca.clone()).expect("parses");
        let fresh = Certificate::from_der(ca).expect("parses");
        assert_eq!(again.der(), fresh.der());
        assert_eq!(again.subject_string(), fresh.subject_string());
        assert_eq!(again.rendered().sha256, fresh.rendered().sha256);
        assert_eq!(again.rendered().issuer, first.rendered().issuer);
        parse(leaf).expect("parses");
        assert_eq!(cache.usage().0, 1, "a leaf is not kept");
        assert!(parse(b"not a certificate".to_vec()).is_err());
        assert_eq!(cache.usage().0, 1, "what does not parse is not kept");
    }

    #[test]
    fn without_an_active_cache_it_parses() {
        let chain = chainvet_testkit::Chain::standard();
        let cache = Arc::new(ParsedCertificates::new(limit()));
        {
            let _scope = enter(&cache);
        }
        parse(chain.certs[1].der.clone()).expect("parses");
        assert_eq!(cache.usage().0, 0, "the scope ended");
    }
}
