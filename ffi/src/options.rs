//! `chainvet_options`: per-call inputs beyond the certificates (validation time, the
//! client whose registration to check, revocation input: stapled or supplied OCSP
//! responses and CRLs, offline mode). An opaque handle so inputs can be added without
//! changing any function signature.

use chainvet_core::{Options, Timestamp};
use core::ffi::c_char;

use crate::crl::chainvet_crl;
use crate::panic::guard;
use crate::pointer::{self, Out};
use crate::registry::chainvet_registry;
use crate::result::chainvet_result;
use crate::text;

/// Per-call validation options. Made by `chainvet_options_new`, freed by
/// `chainvet_options_free`. Passing NULL instead of an options object to a validation
/// function means "all defaults": validate now, nothing else supplied.
///
/// An options object is plain data: it may be reused for any number of calls, but it
/// must not be changed while another thread validates with it.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Default)]
pub struct chainvet_options {
    /// The core's options, handed to each validation by reference: a CRL added once is
    /// not copied per call. The client binding is an `Arc` shared with the registry it
    /// came from (which may be freed first).
    inner: Options,
}

/// 0000-01-01T00:00:00Z, the earliest time an X.509 GeneralizedTime can express.
const EARLIEST: i64 = -62_167_219_200;
/// 9999-12-31T23:59:59Z, the latest.
const LATEST: i64 = 253_402_300_799;

impl chainvet_options {
    /// The core's per-call options.
    pub(crate) fn core(&self) -> &Options {
        &self.inner
    }

    /// The explicit validation time, if one is set.
    pub(crate) fn time(&self) -> Option<Timestamp> {
        self.inner.at
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
        options.inner.at = Some(Timestamp(unix_seconds));
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
        options.inner.at = None;
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
        let id = unsafe { text::utf8(client_id, client_id_len) }?;
        options.inner.binding = Some(registry.inner().binding_for(id));
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
        options.inner.binding = None;
        Ok(())
    })
}

/// Which list of revocation input a byte string joins.
enum Input {
    StapledOcsp,
    OcspResponse,
    Crl,
}

/// Copies `len` bytes at `data` into one of the options' revocation input lists.
///
/// # Safety
/// As for the exported `chainvet_options_add_*` functions.
unsafe fn add_input(
    options: *mut chainvet_options,
    data: *const u8,
    len: usize,
    input: Input,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per the exported function's contract, NULL or a live, unshared object.
        let options = unsafe { pointer::borrow_mut(options) }?;
        // SAFETY: per the exported function's contract, NULL or `len` readable bytes.
        let bytes = unsafe { pointer::slice(data, len) }?.to_vec();
        match input {
            Input::StapledOcsp => options.inner.stapled_ocsp.push(bytes),
            Input::OcspResponse => options.inner.ocsp_responses.push(bytes),
            Input::Crl => options.inner.crls.push(bytes),
        }
        Ok(())
    })
}

/// Adds a DER OCSP response stapled in the TLS handshake (`len` bytes at `der`), for
/// validations with these options to evaluate like a fetched one: the response's
/// signature (by the issuer, or a responder it authorised with id-kp-OCSPSigning), its
/// CertID, and its freshness at the validation time. It is matched to the certificates
/// by CertID; the report gives source `CHAINVET_REVOCATION_SOURCE_STAPLED`. A response
/// that says revoked gives `revocation.revoked`, unknown `revocation.unknown`, and one
/// that is malformed, badly signed, stale or about another certificate
/// `revocation.response_invalid` (a finding, never an error result). Checking follows
/// the policy's `[revocation]` table (`mode = "off"` ignores it).
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `options` or `der` is NULL (even with
/// `len == 0`), `CHAINVET_RESULT_INVALID_PARAMETER` if `len > PTRDIFF_MAX`.
///
/// Ownership: the bytes are copied; the caller keeps `der`.
///
/// # Safety
/// `options` is NULL or a live options object no other thread uses during the call;
/// `der` is NULL or readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_add_stapled_ocsp(
    options: *mut chainvet_options,
    der: *const u8,
    len: usize,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe { add_input(options, der, len, Input::StapledOcsp) }
}

/// Adds a DER OCSP response the caller obtained itself (its own client, a file):
/// evaluated like a stapled one, reported with source
/// `CHAINVET_REVOCATION_SOURCE_SUPPLIED`; one about no certificate of the chain is
/// `revocation.response_invalid`.
///
/// Errors and ownership as for `chainvet_options_add_stapled_ocsp`.
///
/// # Safety
/// As for `chainvet_options_add_stapled_ocsp`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_add_ocsp_response(
    options: *mut chainvet_options,
    der: *const u8,
    len: usize,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe { add_input(options, der, len, Input::OcspResponse) }
}

/// Adds a CRL (DER or PEM, `len` bytes at `crl`) the caller obtained itself, e.g.
/// downloaded periodically: it applies to the certificates its issuer issued (signature,
/// thisUpdate/nextUpdate and the serial's entry are checked). Reported with source
/// `CHAINVET_REVOCATION_SOURCE_SUPPLIED`.
///
/// Errors and ownership as for `chainvet_options_add_stapled_ocsp`.
///
/// # Safety
/// `options` is NULL or a live options object no other thread uses during the call;
/// `crl` is NULL or readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_add_crl(
    options: *mut chainvet_options,
    crl: *const u8,
    len: usize,
) -> chainvet_result {
    // SAFETY: forwarded from this function's contract.
    unsafe { add_input(options, crl, len, Input::Crl) }
}

/// Removes every stapled or supplied OCSP response and CRL added so far, e.g. to reuse
/// an options object for the next connection.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_clear_revocation_input(
    options: *mut chainvet_options,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared options object.
        let options = unsafe { pointer::borrow_mut(options) }?;
        options.inner.stapled_ocsp.clear();
        options.inner.ocsp_responses.clear();
        options.inner.crls.clear();
        options.inner.parsed_crls.clear();
        Ok(())
    })
}

/// With `offline` true, validations never contact an OCSP responder or CRL distribution
/// point: only stapled and supplied input and the validator's cache are used (a
/// certificate with no answer there gets `revocation.unavailable`, a warning in the
/// default soft-fail mode). False (the default) allows fetching for chains that verify
/// to the validator's trust store, to destinations the policy allows, bounded by the
/// policy's `timeout_ms` (3 s by default) per request and `deadline_ms` (5 s) per
/// validation (docs/security.md).
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_set_offline(
    options: *mut chainvet_options,
    offline: bool,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared options object.
        let options = unsafe { pointer::borrow_mut(options) }?;
        options.inner.offline = offline;
        Ok(())
    })
}

/// With `nonce` true, OCSP requests chainvet sends carry a random nonce the response
/// must echo (off by default: many responders serve pre-signed responses without one).
/// Stapled, supplied and cached responses are not affected.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_set_ocsp_nonce(
    options: *mut chainvet_options,
    nonce: bool,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared options object.
        let options = unsafe { pointer::borrow_mut(options) }?;
        options.inner.ocsp_nonce = nonce;
        Ok(())
    })
}

/// Adds a parsed CRL to `options`: validations with them use it like a CRL added with
/// `chainvet_options_add_crl` (after those), without parsing it again. The options take
/// their own reference; `chainvet_options_clear_revocation_input` removes it.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `options` or `crl` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object no other thread uses during the call;
/// `crl` is NULL or a live CRL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_options_add_parsed_crl(
    options: *mut chainvet_options,
    crl: *const chainvet_crl,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live CRL.
        let crl = unsafe { pointer::borrow(crl) }?;
        // SAFETY: per this function's contract, NULL or a live, unshared options object.
        let options = unsafe { pointer::borrow_mut(options) }?;
        options.inner.parsed_crls.push(crl.shared());
        Ok(())
    })
}
