//! `chainvet_crl`: a CRL parsed once and handed to many validations
//! (`chainvet_options_add_parsed_crl`), so a gateway that downloads its CA's CRL
//! periodically does not parse megabytes again for every handshake; and
//! `chainvet_crl_check`, so a broken CRL file fails a gateway's (re)load instead of
//! every later handshake.

use std::sync::Arc;

use chainvet_core::revocation::Crl;
use core::ffi::c_char;

use crate::panic::{guard, guard_or};
use crate::pointer::{self, Out};
use crate::result::chainvet_result;
use crate::text::Buffer;

/// A parsed certificate revocation list. Immutable: share it between threads and
/// options objects freely; each options object it is added to holds its own reference.
#[allow(non_camel_case_types)]
pub struct chainvet_crl {
    inner: Arc<Crl>,
}

impl chainvet_crl {
    /// Another reference to the parsed CRL (`chainvet_options_add_parsed_crl`).
    pub(crate) fn shared(&self) -> Arc<Crl> {
        Arc::clone(&self.inner)
    }
}

/// Parses a CRL (DER, or PEM `X509 CRL`; `len` bytes at `data`) once, for
/// `chainvet_options_add_parsed_crl`. Only the structure is checked here; issuer,
/// signature, scope and freshness are checked per certificate when a validation uses it,
/// and the policy's `max_crl_bytes` applies then too.
///
/// Returns `CHAINVET_RESULT_INVALID_PARAMETER` if the bytes are not a CRL, with the
/// reason copied into `error_buf` as for `chainvet_validator_new_from_policy`
/// (NUL-terminated, truncated if need be, full length to `*error_len_out`; both may be
/// NULL/0; untouched on success); `CHAINVET_RESULT_NULL_PARAMETER` if `data` or `crl_out`
/// is NULL or `error_buf` is NULL while `error_buf_len > 0`.
///
/// Ownership: the caller owns the new CRL and frees it with `chainvet_crl_free` (options
/// it was added to keep their own reference).
///
/// # Safety
/// `data` is NULL or readable for `len` bytes; `crl_out` is NULL or valid for writing a
/// pointer; `error_buf` is NULL or writable for `error_buf_len` bytes; `error_len_out` is
/// NULL or valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_crl_new(
    data: *const u8,
    len: usize,
    crl_out: *mut *mut chainvet_crl,
    error_buf: *mut c_char,
    error_buf_len: usize,
    error_len_out: *mut usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or `len` readable bytes.
        let bytes = unsafe { pointer::slice(data, len) }?;
        let out = Out::new(crl_out)?;
        let error = Buffer::new(error_buf, error_buf_len, error_len_out)?;
        match Crl::from_bytes(bytes) {
            Ok(crl) => {
                let handle = pointer::into_handle(chainvet_crl {
                    inner: Arc::new(crl),
                });
                // SAFETY: `out` was checked and is writable per the contract.
                unsafe { out.write(handle) };
                Ok(())
            }
            Err(e) => {
                // SAFETY: `error` was checked and is writable per the contract.
                let _ = unsafe { error.write(&e.to_string()) };
                Err(chainvet_result::InvalidParameter)
            }
        }
    })
}

/// Frees a CRL. NULL is a no-op. Options it was added to keep working.
///
/// # Safety
/// `crl` is NULL or came from `chainvet_crl_new` and has not been freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_crl_free(crl: *mut chainvet_crl) {
    guard_or((), || {
        // SAFETY: per this function's contract, NULL or a live CRL handle.
        unsafe { pointer::free(crl) }
    })
}

/// Checks that `len` bytes at `crl` are a CRL chainvet can use (DER, or PEM `X509 CRL`):
/// its structure only, as `chainvet_options_add_crl` would parse it. The signature,
/// issuer and freshness are judged per validation, against the chain they apply to.
///
/// Returns `CHAINVET_RESULT_OK` for a usable CRL; `CHAINVET_RESULT_CRL_INVALID` if it is
/// not one, with the reason (e.g. `not a valid CRL: neither DER nor a PEM `X509 CRL`
/// block`) copied into `error_buf` as for `chainvet_validator_new_from_policy`
/// (NUL-terminated, truncated if need be, full length to `*error_len_out`; both may be
/// NULL/0; untouched on success). Returns `CHAINVET_RESULT_NULL_PARAMETER` if `crl` is
/// NULL (even with `len == 0`) or `error_buf` is NULL while `error_buf_len > 0`;
/// `CHAINVET_RESULT_INVALID_PARAMETER` if `len > PTRDIFF_MAX`.
///
/// Ownership: nothing of `crl` or `error_buf` is retained.
///
/// # Safety
/// `crl` is NULL or readable for `len` bytes; `error_buf` is NULL or writable for
/// `error_buf_len` bytes; `error_len_out` is NULL or valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_crl_check(
    crl: *const u8,
    len: usize,
    error_buf: *mut c_char,
    error_buf_len: usize,
    error_len_out: *mut usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or `len` readable bytes.
        let bytes = unsafe { pointer::slice(crl, len) }?;
        let error = Buffer::new(error_buf, error_buf_len, error_len_out)?;
        match Crl::from_bytes(bytes) {
            Ok(_) => Ok(()),
            // SAFETY: `error` was checked and is writable per this function's contract.
            Err(e) => Err(unsafe { error.fail(&e, chainvet_result::CrlInvalid) }),
        }
    })
}
