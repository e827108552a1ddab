//! `chainvet_options`: per-call inputs beyond the certificates (validation time, the
//! client whose registration to check). An opaque handle so inputs can be added without
//! changing any function signature.

use core::ffi::c_char;
use std::sync::Arc;

use chainvet_core::{Binding, Options, Timestamp};

use crate::panic::guard;
use crate::pointer::{self, Out};
use crate::registry::{chainvet_registry, client_id_str};
use crate::result::chainvet_result;

/// Per-call validation options. Made by `chainvet_options_new`, freed by
/// `chainvet_options_free`. Passing NULL instead of an options object to a validation
/// function means "all defaults": validate now, nothing else supplied.
///
/// An options object is plain data: it may be reused for any number of calls, but it
/// must not be changed while another thread validates with it.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Default)]
pub struct chainvet_options {
    at: Option<Timestamp>,
    /// The client's registrations, shared with the registry they came from (which may be
    /// freed first).
    binding: Option<Arc<Binding>>,
}

/// 0000-01-01T00:00:00Z, the earliest time an X.509 GeneralizedTime can express.
const EARLIEST: i64 = -62_167_219_200;
/// 9999-12-31T23:59:59Z, the latest.
const LATEST: i64 = 253_402_300_799;

impl chainvet_options {
    /// The core's per-call options.
    pub(crate) fn to_core(&self) -> Options {
        let mut options = Options::default();
        options.at = self.at;
        options.binding = self.binding.clone();
        options
    }

    /// The explicit validation time, if one is set.
    pub(crate) fn time(&self) -> Option<Timestamp> {
        self.at
    }
}

/// Makes an options object with every default (validate now) and writes it to
/// `*options_out`.
///
/// Ownership: the caller owns the new object and frees it with `chainvet_options_free`.
///
/// # Safety
/// `options_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_new(
    options_out: *mut *mut chainvet_options,
) -> chainvet_result {
    guard(|| {
        let out = Out::new(options_out)?;
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(pointer::into_handle(chainvet_options::default())) };
        Ok(())
    })
}

/// Frees an options object. NULL is a no-op. Reports made with it are unaffected.
///
/// # Safety
/// `options` is NULL or came from `chainvet_options_new` and has not been freed; it is not
/// used again afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_free(options: *mut chainvet_options) {
    crate::panic::guard_or((), || {
        // SAFETY: per this function's contract, a live handle from `chainvet_options_new`
        // or NULL.
        unsafe { pointer::free(options) }
    })
}

/// Validates at `unix_seconds` (seconds since 1970-01-01T00:00:00Z, negative before)
/// instead of now, so results are reproducible.
///
/// Returns `CHAINVET_RESULT_INVALID_PARAMETER` (and changes nothing) for a time outside
/// 0000-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z, the range certificates can express;
/// `CHAINVET_RESULT_NULL_PARAMETER` if `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live object from `chainvet_options_new` that no other thread
/// uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_set_time(
    options: *mut chainvet_options,
    unix_seconds: i64,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared options object.
        let options = unsafe { pointer::borrow_mut(options) }?;
        if !(EARLIEST..=LATEST).contains(&unix_seconds) {
            return Err(chainvet_result::InvalidParameter);
        }
        options.at = Some(Timestamp(unix_seconds));
        Ok(())
    })
}

/// Validates at the current system time (the default), undoing
/// `chainvet_options_set_time`.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live object from `chainvet_options_new` that no other thread
/// uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_set_time_now(
    options: *mut chainvet_options,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared options object.
        let options = unsafe { pointer::borrow_mut(options) }?;
        options.at = None;
        Ok(())
    })
}

/// Makes validations with these options also check the registration binding: the chain's
/// leaf must be a certificate that client `client_id` (`client_id_len` bytes of UTF-8)
/// registered in `registry` (`binding.*` findings otherwise; an unknown client gives
/// `binding.no_registered_certificate`). Replaces any client set before.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if a pointer is NULL,
/// `CHAINVET_RESULT_INVALID_PARAMETER` if the id is not UTF-8; nothing changes then.
///
/// Ownership: the options keep what they need of the client's registrations; `registry`
/// may be freed before them. Nothing of `client_id` is retained.
///
/// # Safety
/// `options` is NULL or a live options object no other thread uses during the call;
/// `registry` is NULL or a live registry; `client_id` is NULL or readable for
/// `client_id_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_set_client(
    options: *mut chainvet_options,
    registry: *const chainvet_registry,
    client_id: *const c_char,
    client_id_len: usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared options object.
        let options = unsafe { pointer::borrow_mut(options) }?;
        // SAFETY: per this function's contract, NULL or a live registry.
        let registry = unsafe { pointer::borrow(registry) }?;
        // SAFETY: per this function's contract, NULL or `client_id_len` readable bytes.
        let id = unsafe { client_id_str(client_id, client_id_len) }?;
        options.binding = Some(registry.inner().binding_for(id));
        Ok(())
    })
}

/// Stops checking a registration binding with these options (the default).
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_clear_client(
    options: *mut chainvet_options,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared options object.
        let options = unsafe { pointer::borrow_mut(options) }?;
        options.binding = None;
        Ok(())
    })
}
