//! The validation entry points of `chainvet_validator`: bundle mode (PEM text, DER
//! list), trust-store mode (the leaf a peer presented and a pool of intermediates) and
//! the registration binding alone.

use core::ffi::c_char;

use chainvet_core::{Options, Report, Timestamp};

use super::chainvet_validator;
use crate::options::chainvet_options;
use crate::panic::guard;
use crate::pointer::{self, Out};
use crate::presented::chainvet_presented_options;
use crate::registry::chainvet_registry;
use crate::report::chainvet_report;
use crate::result::chainvet_result;
use crate::text;

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
        let report = unsafe { with_options(options, |o| validator.inner().validate_with(pem, o)) };
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
            unsafe { with_options(options, |o| validator.inner().validate_der_with(&ders, o)) };
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(pointer::into_handle(chainvet_report::new(report))) };
        Ok(())
    })
}

/// Trust-store mode: validates the certificate a peer presented (`leaf_len` bytes of DER
/// at `leaf_der`) with an unordered pool of `intermediate_count` DER intermediates
/// (`intermediate_lens[i]` bytes at `intermediates[i]`; strangers and duplicates allowed)
/// against the validator's trust anchors (`chainvet_validator_new_with_trust_store*` or
/// the policy's `trust_store`; without any, nothing validates: `root.not_trusted`), and
/// writes the report to `*report_out`. rustls-webpki builds the path; chainvet's policy
/// checks judge every complete path it finds, so a path the policy refuses (an expired
/// anchor, a revoked intermediate) sends path building on to another one. Bundle-order
/// findings do not apply. Certificate indices in the report: 0 is the leaf, 1 to
/// `intermediate_count` the intermediates in the order given, and the trust anchor that
/// ended the path comes last.
///
/// From OpenSSL on the server side: the leaf is `SSL_get0_peer_certificate` and the pool
/// `SSL_get_peer_cert_chain` (which omits the leaf there); in a verify callback set with
/// `SSL_CTX_set_cert_verify_callback`, `X509_STORE_CTX_get0_untrusted` is the chain as
/// sent, leaf first: pass its first element as the leaf and the rest as the pool. Convert
/// each `X509` with `i2d_X509`.
///
/// `presented` may be NULL (client authentication, no expected name, no depth limit);
/// `options` may be NULL (validate now). From `options` this mode takes the time, the
/// stapled and supplied OCSP responses and CRLs, offline mode, the OCSP nonce setting and
/// the client whose registration the leaf must match (`chainvet_options_set_client`);
/// revocation follows the policy's `[revocation]` table for the certificates of each
/// candidate path (trust anchors are never checked). The revocation input is copied per
/// call in this mode.
///
/// As in bundle mode, problems with the certificates, however hostile (garbage bytes, an
/// empty leaf, 10 MB of noise), are findings (e.g. `certificate.malformed`,
/// `input.too_large`, `chain.too_long`), never error results: the call returns
/// `CHAINVET_RESULT_OK` unless an argument is wrong (`CHAINVET_RESULT_NULL_PARAMETER` if
/// `validator`, `leaf_der`, `intermediates`, `intermediate_lens`, any `intermediates[i]`
/// or `report_out` is NULL: pointers are required even with length or count 0;
/// `CHAINVET_RESULT_INVALID_PARAMETER` for a length over `PTRDIFF_MAX` or a misaligned
/// array).
///
/// Ownership: the caller owns the report and frees it with `chainvet_report_free`;
/// nothing of the certificates, `presented` or `options` is retained.
///
/// # Safety
/// `validator` is NULL or a live validator; `leaf_der` is NULL or readable for
/// `leaf_len` bytes; `intermediates` and `intermediate_lens` are NULL or readable arrays
/// of `intermediate_count` elements; each non-NULL `intermediates[i]` is readable for
/// `intermediate_lens[i]` bytes; `presented` and `options` are NULL or live objects no
/// thread changes during the call; `report_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_validate_presented(
    validator: *const chainvet_validator,
    leaf_der: *const u8,
    leaf_len: usize,
    intermediates: *const *const u8,
    intermediate_lens: *const usize,
    intermediate_count: usize,
    presented: *const chainvet_presented_options,
    options: *const chainvet_options,
    report_out: *mut *mut chainvet_report,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live validator.
        let validator = unsafe { pointer::borrow(validator) }?;
        // SAFETY: per this function's contract, NULL or `leaf_len` readable bytes.
        let leaf = unsafe { pointer::slice(leaf_der, leaf_len) }?;
        // SAFETY: per this function's contract, NULL or `intermediate_count` pointers.
        let ptrs = unsafe { pointer::slice(intermediates, intermediate_count) }?;
        // SAFETY: per this function's contract, NULL or `intermediate_count` lengths.
        let lens = unsafe { pointer::slice(intermediate_lens, intermediate_count) }?;
        let out = Out::new(report_out)?;
        let pool = ptrs
            .iter()
            .zip(lens)
            // SAFETY: per this function's contract, each `intermediates[i]` is NULL or
            // readable for `intermediate_lens[i]` bytes.
            .map(|(&p, &len)| unsafe { pointer::slice(p, len) })
            .collect::<Result<Vec<&[u8]>, _>>()?;
        // SAFETY: per this function's contract, NULL or live objects.
        let options = unsafe { pointer::borrow(options) }
            .ok()
            .map(chainvet_options::core);
        let defaults = chainvet_presented_options::default();
        // SAFETY: as above.
        let presented = unsafe { pointer::borrow(presented) }.unwrap_or(&defaults);
        let core = presented.core(options);
        let report = validator.inner().validate_presented(leaf, &pool, &core);
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(pointer::into_handle(chainvet_report::new(report))) };
        Ok(())
    })
}

/// Checks only the registration binding: is `leaf_der` (`leaf_len` bytes of DER, the
/// presented leaf, e.g. `i2d_X509(SSL_get0_peer_certificate(ssl))`) a certificate that
/// client `client_id` (`client_id_len` bytes of UTF-8) registered, and is it within the
/// client's limit of active registrations? No chain validation and no signature
/// verification: for a per-request check after the chain was vetted once at the
/// handshake. The report holds only `binding.*` findings (or `certificate.malformed`),
/// with the validator's severity overrides applied, at the time in `options` (NULL:
/// now). An unknown client gives `binding.no_registered_certificate`.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `validator`, `registry`, `client_id`,
/// `leaf_der` or `report_out` is NULL; `CHAINVET_RESULT_INVALID_PARAMETER` if the client
/// id is not UTF-8 or a length is over `PTRDIFF_MAX`. (To check the binding as part of a
/// full validation instead, see `chainvet_options_set_client`.)
///
/// Ownership: the caller owns the report and frees it with `chainvet_report_free`;
/// nothing of the arguments is retained.
///
/// # Safety
/// `validator` and `registry` are NULL or live objects; `client_id` is NULL or readable
/// for `client_id_len` bytes; `leaf_der` is NULL or readable for `leaf_len` bytes;
/// `options` is NULL or a live options object no thread changes during the call;
/// `report_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_validator_check_binding_der(
    validator: *const chainvet_validator,
    registry: *const chainvet_registry,
    client_id: *const c_char,
    client_id_len: usize,
    leaf_der: *const u8,
    leaf_len: usize,
    options: *const chainvet_options,
    report_out: *mut *mut chainvet_report,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or live objects.
        let validator = unsafe { pointer::borrow(validator) }?;
        // SAFETY: as above.
        let registry = unsafe { pointer::borrow(registry) }?;
        // SAFETY: per this function's contract, NULL or `client_id_len` readable bytes.
        let id = unsafe { text::utf8(client_id, client_id_len) }?;
        // SAFETY: per this function's contract, NULL or `leaf_len` readable bytes.
        let leaf = unsafe { pointer::slice(leaf_der, leaf_len) }?;
        let out = Out::new(report_out)?;
        // SAFETY: per this function's contract, NULL or a live options object.
        let at = unsafe { pointer::borrow(options) }
            .ok()
            .and_then(chainvet_options::time)
            .unwrap_or_else(Timestamp::now);
        let binding = registry.inner().binding_for(id);
        let outcome = validator.inner().check_binding_der(leaf, &binding, at);
        let report = Report {
            accepted: outcome.accepted,
            findings: outcome.findings,
            validated_at: at.to_rfc3339(),
            ..Report::default()
        };
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(pointer::into_handle(chainvet_report::new(report))) };
        Ok(())
    })
}
