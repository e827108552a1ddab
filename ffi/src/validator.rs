//! `chainvet_validator`: a policy and its trust anchors; the validation entry points.

use core::ffi::c_char;
use std::ffi::CStr;
use std::path::PathBuf;

use chainvet_core::{Options, Policy, PolicyError, TrustStore, Validator};

use crate::options::chainvet_options;
use crate::panic::{guard, guard_or};
use crate::pointer::{self, Out};
use crate::report::chainvet_report;
use crate::result::chainvet_result;
use crate::text::Buffer;

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
}

// The thread-safety promise above, checked by the compiler: if the core validator ever
// stops being `Send + Sync`, this crate stops building.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<chainvet_validator>();
    assert_send_sync::<chainvet_report>();
    assert_send_sync::<crate::registry::chainvet_registry>();
};

/// Where the text of a policy error goes.
struct ErrorBuffer(Buffer);

impl ErrorBuffer {
    /// Copies `error` (truncated if need be) and gives `PolicyInvalid`, whatever the copy
    /// says: the policy failing is the result the caller must see.
    ///
    /// # Safety
    /// As `Buffer::write`.
    unsafe fn report(self, error: &PolicyError) -> chainvet_result {
        // SAFETY: forwarded from this function's contract.
        let _ = unsafe { self.0.write(&error.0) };
        chainvet_result::PolicyInvalid
    }
}

/// Shared tail of the three constructors: make the validator (or report why not) and
/// write it out.
///
/// # Safety
/// `out` and `error` were made from pointers valid for writes (the exported function's
/// contract).
unsafe fn finish(
    made: Result<Validator, PolicyError>,
    out: Out<*mut chainvet_validator>,
    error: ErrorBuffer,
) -> Result<(), chainvet_result> {
    match made {
        Ok(inner) => {
            // SAFETY: per this function's contract.
            unsafe { out.write(pointer::into_handle(chainvet_validator { inner })) };
            Ok(())
        }
        // SAFETY: per this function's contract.
        Err(e) => Err(unsafe { error.report(&e) }),
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
/// an unknown key or bad value, or its trust store cannot be loaded. The message (e.g.
/// `invalid policy TOML: TOML parse error at line 1, column 1 ... unknown field
/// `rsa_min_bit` ...`) is then copied into `error_buf` as `chainvet_code_message` copies
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
        let error = ErrorBuffer(Buffer::new(error_buf, error_buf_len, error_len_out)?);
        let made = std::str::from_utf8(text)
            .map_err(|e| {
                PolicyError(format!(
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
        let error = ErrorBuffer(Buffer::new(error_buf, error_buf_len, error_len_out)?);
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
/// block that is not a usable certificate; the message (e.g. `trust store certificate 1
/// is not usable: ...`) is copied into `error_buf` as for
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
        let error = ErrorBuffer(Buffer::new(error_buf, error_buf_len, error_len_out)?);
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
        let error = ErrorBuffer(Buffer::new(error_buf, error_buf_len, error_len_out)?);
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

/// A C path as a `PathBuf`: any bytes on Unix, UTF-8 elsewhere.
#[cfg(unix)]
pub(crate) fn path_of(path: &CStr) -> Result<PathBuf, chainvet_result> {
    use std::os::unix::ffi::OsStrExt;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(path.to_bytes())))
}

#[cfg(not(unix))]
pub(crate) fn path_of(path: &CStr) -> Result<PathBuf, chainvet_result> {
    path.to_str()
        .map(PathBuf::from)
        .map_err(|_| chainvet_result::InvalidParameter)
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

/// Runs `validate` with the caller's options, or all defaults for NULL.
///
/// # Safety
/// `options` is NULL or a live options object.
unsafe fn with_options<T>(
    options: *const chainvet_options,
    validate: impl FnOnce(&Options) -> T,
) -> T {
    // SAFETY: per this function's contract.
    match unsafe { pointer::borrow(options) } {
        Ok(o) => validate(o.core()),
        Err(_) => validate(&Options::default()),
    }
}

/// Vets a PEM bundle (`pem_len` bytes at `pem`, as a client uploaded it: leaf,
/// intermediates, root) and writes the report to `*report_out`. `options` may be NULL
/// (validate now).
///
/// Every problem with the bundle, however broken or hostile (binary data, a private key,
/// 10 MB of noise), is a finding in the report, never an error result: the call returns
/// `CHAINVET_RESULT_OK` unless an argument is wrong (`CHAINVET_RESULT_NULL_PARAMETER`
/// if `validator`, `pem` or `report_out` is NULL, even with `pem_len == 0`;
/// `CHAINVET_RESULT_INVALID_PARAMETER` if `pem_len > PTRDIFF_MAX`).
///
/// Ownership: the caller owns the report and frees it with `chainvet_report_free`;
/// nothing of `pem` or `options` is retained.
///
/// # Safety
/// `validator` is NULL or a live validator; `pem` is NULL or readable for `pem_len`
/// bytes; `options` is NULL or a live options object no thread changes during the call;
/// `report_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_validate_pem(
    validator: *const chainvet_validator,
    pem: *const u8,
    pem_len: usize,
    options: *const chainvet_options,
    report_out: *mut *mut chainvet_report,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live validator.
        let validator = unsafe { pointer::borrow(validator) }?;
        // SAFETY: per this function's contract, NULL or `pem_len` readable bytes.
        let pem = unsafe { pointer::slice(pem, pem_len) }?;
        let out = Out::new(report_out)?;
        // SAFETY: per this function's contract, NULL or a live options object.
        let report = unsafe { with_options(options, |o| validator.inner.validate_with(pem, o)) };
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(pointer::into_handle(chainvet_report::new(report))) };
        Ok(())
    })
}

/// Vets a list of `cert_count` DER certificates, leaf first, as a TLS stack hands over
/// the peer's chain: certificate `i` is `cert_lens[i]` bytes at `certs[i]`. With
/// OpenSSL on the server side, `SSL_get_peer_cert_chain` omits the leaf: put
/// `SSL_get0_peer_certificate` first (or, in a verify callback set with
/// `SSL_CTX_set_cert_verify_callback`, pass `X509_STORE_CTX_get0_untrusted`, which is the
/// chain as sent, leaf first). Convert each `X509` with `i2d_X509`. Certificate indices
/// in the report's findings are positions in this list.
///
/// As for `chainvet_validator_validate_pem`, problems with the certificates are findings
/// (`cert_count == 0` gives `input.empty`), and the result is `CHAINVET_RESULT_OK` unless
/// an argument is wrong: `CHAINVET_RESULT_NULL_PARAMETER` if `validator`, `certs`,
/// `cert_lens`, any `certs[i]` or `report_out` is NULL (`certs` and `cert_lens` even with
/// `cert_count == 0`); `CHAINVET_RESULT_INVALID_PARAMETER` for a length over
/// `PTRDIFF_MAX` or a misaligned array.
///
/// Ownership: the caller owns the report and frees it with `chainvet_report_free`;
/// nothing of `certs` or `options` is retained.
///
/// # Safety
/// `validator` is NULL or a live validator; `certs` and `cert_lens` are NULL or readable
/// arrays of `cert_count` elements; each non-NULL `certs[i]` is readable for
/// `cert_lens[i]` bytes; `options` is NULL or a live options object no thread changes
/// during the call; `report_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_validate_der(
    validator: *const chainvet_validator,
    certs: *const *const u8,
    cert_lens: *const usize,
    cert_count: usize,
    options: *const chainvet_options,
    report_out: *mut *mut chainvet_report,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live validator.
        let validator = unsafe { pointer::borrow(validator) }?;
        // SAFETY: per this function's contract, NULL or `cert_count` readable pointers.
        let ptrs = unsafe { pointer::slice(certs, cert_count) }?;
        // SAFETY: per this function's contract, NULL or `cert_count` readable lengths.
        let lens = unsafe { pointer::slice(cert_lens, cert_count) }?;
        let out = Out::new(report_out)?;
        let ders = ptrs
            .iter()
            .zip(lens)
            // SAFETY: per this function's contract, each `certs[i]` is NULL or readable
            // for `cert_lens[i]` bytes.
            .map(|(&p, &len)| unsafe { pointer::slice(p, len) })
            .collect::<Result<Vec<&[u8]>, _>>()?;
        // SAFETY: per this function's contract, NULL or a live options object.
        let report =
            unsafe { with_options(options, |o| validator.inner.validate_der_with(&ders, o)) };
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(pointer::into_handle(chainvet_report::new(report))) };
        Ok(())
    })
}
