//! The verified-signature cache: which (algorithm, public key, signed bytes, signature)
//! tuples have verified. A hit is exactly as sound as a verification: the full tuple is
//! stored and compared byte for byte (see `crate::cache`), and verification is a
//! deterministic function of that tuple. Only successes are stored.
//!
//! The cache belongs to a `Validator`. It is made *active* on the validating thread for
//! the duration of one validation (`enter`), so every verification during it consults
//! the cache: chainvet's link checks, rustls-webpki's path validation (which calls back
//! into `Algorithm::verify_signature`), and whatever else goes through
//! `signature::verify` (CSRs, OCSP). Outside a validation nothing is cached. The cache
//! only ever saves work; whether it is active never changes a result.

use std::cell::RefCell;
use std::sync::Arc;

use crate::cache::BytesCache;

/// Verified signatures; the value is unused (presence is the fact).
pub(crate) type SignatureCache = BytesCache<()>;

thread_local! {
    static ACTIVE: RefCell<Option<Arc<SignatureCache>>> = const { RefCell::new(None) };
}

/// Makes `cache` the active one on this thread until the guard drops (then the previous
/// one, if any, is active again).
pub(crate) fn enter(cache: &Arc<SignatureCache>) -> Scope {
    let previous = ACTIVE.with(|a| a.replace(Some(Arc::clone(cache))));
    Scope { previous }
}

/// Restores the previously active cache when dropped.
pub(crate) struct Scope {
    previous: Option<Arc<SignatureCache>>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        ACTIVE.with(|a| *a.borrow_mut() = previous);
    }
}

/// Runs `f` with the active cache, if any.
pub(crate) fn with_active<R>(f: impl FnOnce(Option<&SignatureCache>) -> R) -> R {
    ACTIVE.with(|a| f(a.borrow().as_deref()))
}
