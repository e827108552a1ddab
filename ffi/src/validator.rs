//! `chainvet_validator`: a policy and its trust anchors, made from a policy (text or
//! file), with a trust store (PEM text or file) or with a gateway's own revocation mode;
//! the validation entry points are in `validate`.

use core::ffi::c_char;

use chainvet_core::revocation::Mode;
use chainvet_core::{LoadError, Policy, TrustStore, Validator};

use crate::panic::{guard, guard_or};
use crate::pointer::{self, Out};
use crate::report::chainvet_report;
use crate::result::chainvet_result;
use crate::text::{Buffer, path_of};

mod validate;

pub use validate::*;

/// A policy plus its trust anchors. Made by `chainvet_validator_new*`, freed by
/// `chainvet_validator_free`.
///
/// Thread safety: a validator is immutable once made. Any number of threads may validate
/// with the same validator at once without locking (make it once at start-up, share the
/// pointer); only `chainvet_validator_free` must wait until every other call with it has
/// returned.
#[allow(non_camel_case_types)]
pub struct chainvet_validator {
    inner: Validator,
}

impl chainvet_validator {
    pub(crate) fn inner(&self) -> &Validator {
        &self.inner
    }

    pub(crate) fn from_inner(inner: Validator) -> chainvet_validator {
        chainvet_validator { inner }
    }
}

// The thread-safety promise above, checked by the compiler: if the core validator ever
// stops being `Send + Sync`, this crate stops building.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<chainvet_validator>();
    assert_send_sync::<chainvet_report>();
    assert_send_sync::<crate::registry::chainvet_registry>();
};

/// Shared tail of the three constructors: make the validator (or report why not) and
/// write it out.
///
/// # Safety
/// `out` and `error` were made from pointers valid for writes (the exported function's
/// contract).
unsafe fn finish(
    made: Result<Validator, LoadError>,
    out: Out<*mut chainvet_validator>,
    error: Buffer,
) -> Result<(), chainvet_result> {
    match made {
        Ok(inner) => {
            // SAFETY: per this function's contract.
            unsafe { out.write(pointer::into_handle(chainvet_validator { inner })) };
            Ok(())
        }
        // SAFETY: per this function's contract.
        Err(e) => Err(unsafe { error.fail(&e, chainvet_result::PolicyInvalid) }),
    }
}

/// Makes a validator with the default policy (mTLS client onboarding: complete
/// leaf-to-root chain, clientAuth, 180-day minimum leaf lifetime, RSA >= 2048, NIST
/// curves, no SHA-1; no trust store) and writes it to `*validator_out`.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `validator_out` is NULL.
///
/// Ownership: the caller owns the new validator and frees it with
/// `chainvet_validator_free`.
///
/// # Safety
/// `validator_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_new(
    validator_out: *mut *mut chainvet_validator,
) -> chainvet_result {
    guard(|| {
        let out = Out::new(validator_out)?;
        let inner = Validator::default();
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(pointer::into_handle(chainvet_validator { inner })) };
        Ok(())
    })
}

/// Makes a validator from a policy given as TOML or JSON text (`policy_len` bytes at
/// `policy`, no NUL needed; JSON if the first non-blank character is `{`). Missing keys
/// take their defaults; unknown keys are an error. A relative `trust_store` path is
/// resolved against the process's working directory (use
/// `chainvet_validator_new_from_policy_file` to resolve it against the policy file).
///
/// Returns `CHAINVET_RESULT_POLICY_INVALID` if the text is not UTF-8, does not parse, has
/// an unknown key or bad value, or its trust store cannot be loaded. The message, in the
/// one format of every load error (policy, trust store, registry),
/// `FILE:LINE:COLUMN: field: message` with the parts that are known (text has the file
/// `<text>`; e.g. `<text>:1:1: rsa_min_bit: invalid policy TOML: unknown field
/// `rsa_min_bit`, expected one of ...`), is then copied into `error_buf` as
/// `chainvet_code_message` copies
/// (NUL-terminated, truncated to `error_buf_len` bytes if need be; the result stays
/// `CHAINVET_RESULT_POLICY_INVALID`), and its full length to `*error_len_out`. Pass
/// `error_buf = NULL, error_buf_len = 0` and/or `error_len_out = NULL` if you do not want
/// them. Neither is touched on success. Returns `CHAINVET_RESULT_NULL_PARAMETER` if
/// `policy` or `validator_out` is NULL or `error_buf` is NULL while `error_buf_len > 0`.
///
/// Ownership: the caller owns the new validator and frees it with
/// `chainvet_validator_free`; nothing of `policy` or `error_buf` is retained.
///
/// # Safety
/// `policy` is NULL or readable for `policy_len` bytes; `validator_out` is NULL or valid
/// for writing a pointer; `error_buf` is NULL or writable for `error_buf_len` bytes;
/// `error_len_out` is NULL or valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_new_from_policy(
    policy: *const c_char,
    policy_len: usize,
    validator_out: *mut *mut chainvet_validator,
    error_buf: *mut c_char,
    error_buf_len: usize,
    error_len_out: *mut usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or `policy_len` readable bytes.
        let text = unsafe { pointer::slice(policy.cast::<u8>(), policy_len) }?;
        let out = Out::new(validator_out)?;
        let error = Buffer::new(error_buf, error_buf_len, error_len_out)?;
        let made = std::str::from_utf8(text)
            .map_err(|e| {
                LoadError::new(format!(
                    "the policy is not UTF-8 text: invalid byte at offset {}",
                    e.valid_up_to()
                ))
            })
            .and_then(Policy::from_text)
            .and_then(Validator::new);
        // SAFETY: `out` and `error` were checked and are writable per this function's
        // contract.
        unsafe { finish(made, out, error) }
    })
}

/// Makes a validator from a policy file (TOML, or JSON if it starts with `{`), named by
/// the NUL-terminated path `path`. A relative `trust_store` in it is resolved against the
/// file's directory.
///
/// Errors, the error buffer and ownership are as for `chainvet_validator_new_from_policy`
/// (an unreadable file is `CHAINVET_RESULT_POLICY_INVALID` too, with the OS error in the
/// message).
///
/// # Safety
/// `path` is NULL or a NUL-terminated string; the other pointers as for
/// `chainvet_validator_new_from_policy`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_new_from_policy_file(
    path: *const c_char,
    validator_out: *mut *mut chainvet_validator,
    error_buf: *mut c_char,
    error_buf_len: usize,
    error_len_out: *mut usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or NUL-terminated.
        let path = path_of(unsafe { pointer::c_str(path) }?)?;
        let out = Out::new(validator_out)?;
        let error = Buffer::new(error_buf, error_buf_len, error_len_out)?;
        let made = Policy::from_file(&path).and_then(Validator::new);
        // SAFETY: `out` and `error` were checked and are writable per this function's
        // contract.
        unsafe { finish(made, out, error) }
    })
}

/// Makes a validator with the policy of `validator` whose trust anchors are the
/// CERTIFICATE blocks of a PEM text (`pem_len` bytes at `pem`, no NUL needed), replacing
/// any the policy's `trust_store` names: the roots (or intermediates) a gateway trusts,
/// e.g. its client CAs from a configuration store. Trust anchors end the paths of
/// trust-store mode (`chainvet_validator_validate_presented`) and make bundle validation
/// require a trusted root (`root.not_trusted`). The new validator has caches of its own;
/// `validator` is unchanged.
///
/// Returns `CHAINVET_RESULT_POLICY_INVALID` if the text holds no CERTIFICATE block or a
/// block that is not a usable certificate; the message, naming the block's BEGIN line
/// and its number (e.g. `<text>:27:1: certificate 2: not a usable certificate: ...`),
/// is copied into `error_buf` as for
/// `chainvet_validator_new_from_policy` (NUL-terminated, truncated if need be, full
/// length to `*error_len_out`; both may be NULL/0; untouched on success). Returns
/// `CHAINVET_RESULT_NULL_PARAMETER` if `validator`, `pem` or `validator_out` is NULL or
/// `error_buf` is NULL while `error_buf_len > 0`; `CHAINVET_RESULT_INVALID_PARAMETER` if
/// `pem_len > PTRDIFF_MAX`.
///
/// Ownership: the caller owns the new validator and frees it with
/// `chainvet_validator_free`, independently of `validator`; nothing of `pem` is retained.
///
/// # Safety
/// `validator` is NULL or a live validator; `pem` is NULL or readable for `pem_len`
/// bytes; `validator_out` is NULL or valid for writing a pointer; `error_buf` is NULL or
/// writable for `error_buf_len` bytes; `error_len_out` is NULL or valid for writing a
/// `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_new_with_trust_store(
    validator: *const chainvet_validator,
    pem: *const u8,
    pem_len: usize,
    validator_out: *mut *mut chainvet_validator,
    error_buf: *mut c_char,
    error_buf_len: usize,
    error_len_out: *mut usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live validator.
        let base = unsafe { pointer::borrow(validator) }?;
        // SAFETY: per this function's contract, NULL or `pem_len` readable bytes.
        let pem = unsafe { pointer::slice(pem, pem_len) }?;
        let out = Out::new(validator_out)?;
        let error = Buffer::new(error_buf, error_buf_len, error_len_out)?;
        let made = TrustStore::from_pem(pem)
            .map(|trust| Validator::with_trust_store(base.inner.policy().clone(), trust));
        // SAFETY: `out` and `error` were checked and are writable per this function's
        // contract.
        unsafe { finish(made, out, error) }
    })
}

/// Makes a validator with the policy of `validator` whose trust anchors are read from a
/// PEM file named by the NUL-terminated `path` (read now, never again), replacing any
/// the policy's `trust_store` names.
///
/// Errors, the error buffer and ownership are as for
/// `chainvet_validator_new_with_trust_store` (an unreadable file is
/// `CHAINVET_RESULT_POLICY_INVALID` too, with the path and the OS error in the message).
///
/// # Safety
/// `path` is NULL or a NUL-terminated string; the other pointers as for
/// `chainvet_validator_new_with_trust_store`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_new_with_trust_store_file(
    validator: *const chainvet_validator,
    path: *const c_char,
    validator_out: *mut *mut chainvet_validator,
    error_buf: *mut c_char,
    error_buf_len: usize,
    error_len_out: *mut usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live validator.
        let base = unsafe { pointer::borrow(validator) }?;
        // SAFETY: per this function's contract, NULL or NUL-terminated.
        let path = path_of(unsafe { pointer::c_str(path) }?)?;
        let out = Out::new(validator_out)?;
        let error = Buffer::new(error_buf, error_buf_len, error_len_out)?;
        let made = TrustStore::from_file(&path)
            .map(|trust| Validator::with_trust_store(base.inner.policy().clone(), trust));
        // SAFETY: `out` and `error` were checked and are writable per this function's
        // contract.
        unsafe { finish(made, out, error) }
    })
}

/// The number of trust anchors the validator holds (0: none configured; bundle mode then
/// anchors on the bundle's own root, and trust-store mode accepts nothing). 0 for NULL.
///
/// # Safety
/// `validator` is NULL or a live validator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_trust_anchor_count(
    validator: *const chainvet_validator,
) -> usize {
    guard_or(0, || {
        // SAFETY: per this function's contract, NULL or a live validator.
        unsafe { pointer::borrow(validator) }.map_or(0, |v| v.inner.trust_store().anchors().len())
    })
}

/// Frees a validator. NULL is a no-op. Reports it made stay valid.
///
/// # Safety
/// `validator` is NULL or came from a `chainvet_validator_new*` function and has not been
/// freed; no other thread is using it, and it is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_free(validator: *mut chainvet_validator) {
    guard_or((), || {
        // SAFETY: per this function's contract, NULL or a live, unshared validator.
        unsafe { pointer::free(validator) }
    })
}

/// A revocation mode (`chainvet_validator_new_with_revocation_mode`), as the policy's
/// `[revocation] mode` key names it.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum chainvet_revocation_mode {
    /// No revocation checking (`mode = "off"`).
    Off = 1,
    /// Revoked and unknown reject; no answer is a warning (`mode = "soft-fail"`).
    SoftFail = 2,
    /// Revoked and unknown reject, and so does no answer (`mode = "hard-fail"`).
    HardFail = 3,
}

/// Makes a validator with the policy and trust anchors of `validator` but the
/// revocation mode `mode` (a `chainvet_revocation_mode`), whatever the policy's
/// `[revocation] mode` says. The new validator has caches of its own; `validator` is
/// unchanged.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `validator` or `validator_out` is NULL,
/// `CHAINVET_RESULT_INVALID_PARAMETER` if `mode` is not a `chainvet_revocation_mode`;
/// nothing is written then.
///
/// Ownership: the caller owns the new validator and frees it with
/// `chainvet_validator_free`, independently of `validator`.
///
/// # Safety
/// `validator` is NULL or a live validator; `validator_out` is NULL or valid for writing
/// a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_new_with_revocation_mode(
    validator: *const chainvet_validator,
    mode: u32,
    validator_out: *mut *mut chainvet_validator,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live validator.
        let base = unsafe { pointer::borrow(validator) }?;
        let out = Out::new(validator_out)?;
        let mode = match mode {
            1 => Mode::Off,
            2 => Mode::SoftFail,
            3 => Mode::HardFail,
            _ => return Err(chainvet_result::InvalidParameter),
        };
        let mut policy = base.inner().policy().clone();
        policy.revocation.mode = mode;
        let made = Validator::with_trust_store(policy, base.inner().trust_store().clone());
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(pointer::into_handle(chainvet_validator::from_inner(made))) };
        Ok(())
    })
}
