//! `chainvet_registry`: which certificates each client registered (registration binding),
//! loaded once and consulted per connection or request.

use core::ffi::c_char;
use std::path::{Path, PathBuf};

use chainvet_core::{LoadError, Registry};

use crate::panic::{guard, guard_or};
use crate::pointer::{self, Out};
use crate::result::chainvet_result;
use crate::text::{Buffer, path_of};

/// The registered certificates (or fingerprint and public-key pins) of every client, as a
/// registry file describes them (TOML or JSON; see docs/binding.md). Made by
/// `chainvet_registry_new_from_file` or `_from_text`, freed by `chainvet_registry_free`.
///
/// Immutable once loaded: any number of threads may use one registry at once. Options
/// and reports made with it keep what they need, so it may be freed before them.
#[allow(non_camel_case_types)]
pub struct chainvet_registry {
    inner: Registry,
}

impl chainvet_registry {
    pub(crate) fn inner(&self) -> &Registry {
        &self.inner
    }
}

/// Shared tail of the constructors: write the registry out, or copy the error.
///
/// # Safety
/// `out` and `error` were made from pointers valid for writes.
unsafe fn finish(
    loaded: Result<Registry, LoadError>,
    out: Out<*mut chainvet_registry>,
    error: Buffer,
) -> Result<(), chainvet_result> {
    match loaded {
        Ok(inner) => {
            // SAFETY: per this function's contract.
            unsafe { out.write(pointer::into_handle(chainvet_registry { inner })) };
            Ok(())
        }
        // SAFETY: per this function's contract.
        Err(e) => Err(unsafe { error.fail(&e, chainvet_result::RegistryInvalid) }),
    }
}

/// Loads a registry file (TOML, or JSON if it starts with `{`), named by the
/// NUL-terminated `path`. Registered certificate files are read and parsed now, relative
/// to the registry file's directory; nothing is read later.
///
/// Returns `CHAINVET_RESULT_REGISTRY_INVALID` if the file cannot be read or parsed, has
/// an unknown key, a bad fingerprint, or names a certificate file that cannot be read or
/// is not a certificate. The message names the file, line, column and field (e.g.
/// `reg.toml:4:11: clients.acme.sha256[0]: ...`) and is copied into
/// `error_buf` as for `chainvet_validator_new_from_policy` (NUL-terminated, truncated if
/// need be, full length to `*error_len_out`; both may be NULL/0; untouched on success).
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `path` or `registry_out` is NULL or
/// `error_buf` is NULL while `error_buf_len > 0`.
///
/// Ownership: the caller owns the new registry and frees it with `chainvet_registry_free`.
///
/// # Safety
/// `path` is NULL or NUL-terminated; `registry_out` is NULL or valid for writing a
/// pointer; `error_buf` is NULL or writable for `error_buf_len` bytes; `error_len_out` is
/// NULL or valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_registry_new_from_file(
    path: *const c_char,
    registry_out: *mut *mut chainvet_registry,
    error_buf: *mut c_char,
    error_buf_len: usize,
    error_len_out: *mut usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or NUL-terminated.
        let path = path_of(unsafe { pointer::c_str(path) }?)?;
        let out = Out::new(registry_out)?;
        let error = Buffer::new(error_buf, error_buf_len, error_len_out)?;
        // SAFETY: `out` and `error` were checked and are writable per the contract.
        unsafe { finish(Registry::from_file(&path), out, error) }
    })
}

/// Loads a registry from TOML or JSON text (`text_len` bytes at `text`, no NUL needed).
/// Relative certificate file paths in it are resolved against the NUL-terminated
/// directory `base_dir`, or the working directory if `base_dir` is NULL.
///
/// Errors, the error buffer and ownership are as for `chainvet_registry_new_from_file`;
/// text that is not UTF-8 is `CHAINVET_RESULT_REGISTRY_INVALID` too.
///
/// # Safety
/// `text` is NULL or readable for `text_len` bytes; `base_dir` is NULL or NUL-terminated;
/// the other pointers as for `chainvet_registry_new_from_file`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_registry_new_from_text(
    text: *const c_char,
    text_len: usize,
    base_dir: *const c_char,
    registry_out: *mut *mut chainvet_registry,
    error_buf: *mut c_char,
    error_buf_len: usize,
    error_len_out: *mut usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or `text_len` readable bytes.
        let text = unsafe { pointer::slice(text.cast::<u8>(), text_len) }?;
        let base_dir = if base_dir.is_null() {
            PathBuf::from(".")
        } else {
            // SAFETY: per this function's contract, non-NULL (checked) and NUL-terminated.
            path_of(unsafe { pointer::c_str(base_dir) }?)?
        };
        let out = Out::new(registry_out)?;
        let error = Buffer::new(error_buf, error_buf_len, error_len_out)?;
        let loaded = std::str::from_utf8(text)
            .map_err(|e| {
                LoadError::new(format!(
                    "the registry is not UTF-8 text: invalid byte at offset {}",
                    e.valid_up_to()
                ))
            })
            .and_then(|t| Registry::from_text(t, Path::new(&base_dir)));
        // SAFETY: `out` and `error` were checked and are writable per the contract.
        unsafe { finish(loaded, out, error) }
    })
}

/// Frees a registry. NULL is a no-op. Options and reports made with it stay valid.
///
/// # Safety
/// `registry` is NULL or came from a `chainvet_registry_new_*` function and has not been
/// freed; no other thread is using it, and it is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_registry_free(registry: *mut chainvet_registry) {
    guard_or((), || {
        // SAFETY: per this function's contract, NULL or a live, unshared registry.
        unsafe { pointer::free(registry) }
    })
}

/// The number of clients in the registry; 0 for NULL.
///
/// # Safety
/// `registry` is NULL or a live registry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_registry_client_count(
    registry: *const chainvet_registry,
) -> usize {
    guard_or(0, || {
        // SAFETY: per this function's contract, NULL or a live registry.
        unsafe { pointer::borrow(registry) }.map_or(0, |r| r.inner.len())
    })
}
