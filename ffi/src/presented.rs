//! Trust-store mode from C: `chainvet_validator_validate_presented` judges the leaf a peer
//! presented, with an unordered pool of intermediates, against the validator's trust
//! anchors, as a TLS gateway's verify callback sees them. `chainvet_presented_options`
//! holds what only this mode has (usage, expected peer names, maximum depth); the time,
//! revocation input and registration binding come from the usual `chainvet_options`.

use core::ffi::c_char;
use std::net::IpAddr;

use chainvet_core::{Options, PeerName, PresentedOptions, Usage};

use crate::options::chainvet_options;
use crate::panic::{guard, guard_or};
use crate::pointer::{self, Out};
use crate::report::chainvet_report;
use crate::result::chainvet_result;
use crate::validator::chainvet_validator;

/// What the presented leaf is validated for (`chainvet_presented_options_set_usage`).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum chainvet_usage {
    /// TLS client authentication, as a gateway checks its clients (the default): an EKU,
    /// if present, must include clientAuth (`leaf.client_auth_missing`).
    ClientAuth = 1,
    /// TLS server authentication, as a client checks a server: an EKU, if present, must
    /// include serverAuth (`leaf.server_auth_missing`).
    ServerAuth = 2,
}

/// The kind of an expected peer name (`chainvet_presented_options_add_peer_name`).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum chainvet_peer_name_type {
    /// A DNS name, matched against the leaf's subjectAltName dNSName entries (wildcards
    /// per RFC 6125), never the common name.
    Dns = 1,
    /// An IPv4 or IPv6 address in text form (`192.0.2.1`, `2001:db8::1`), matched
    /// against iPAddress entries.
    Ip = 2,
    /// An email address, matched against rfc822Name entries (local part exactly, domain
    /// case-insensitively).
    Email = 3,
}

/// What only trust-store mode needs: the usage the leaf is validated for, the names it
/// must be valid for, and the most intermediates a path may have. Made by
/// `chainvet_presented_options_new`, freed by `chainvet_presented_options_free`. Passing
/// NULL instead means the defaults: client authentication, no expected name, no depth
/// limit beyond rustls-webpki's own.
///
/// Plain data, like `chainvet_options`: reuse it for any number of calls (a gateway makes
/// one at start-up), but do not change it while another thread validates with it.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Default)]
pub struct chainvet_presented_options {
    usage: Usage,
    peer_names: Vec<PeerName>,
    max_depth: Option<usize>,
}

impl chainvet_presented_options {
    /// The core's options for one call: this mode's settings plus the time, revocation
    /// input and binding of `options` (all defaults when NULL).
    fn core(&self, options: Option<&Options>) -> PresentedOptions {
        let mut out = match options {
            Some(o) => PresentedOptions::from_options(o, self.usage),
            None => PresentedOptions::default(),
        };
        out.usage = self.usage;
        out.peer_names = self.peer_names.clone();
        out.max_depth = self.max_depth;
        out
    }
}

/// Makes trust-store options with every default (client authentication, no expected
/// name, no depth limit) and writes them to `*presented_out`.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `presented_out` is NULL.
///
/// Ownership: the caller owns the new object and frees it with
/// `chainvet_presented_options_free`.
///
/// # Safety
/// `presented_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_presented_options_new(
    presented_out: *mut *mut chainvet_presented_options,
) -> chainvet_result {
    guard(|| {
        let out = Out::new(presented_out)?;
        let options = chainvet_presented_options::default();
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(pointer::into_handle(options)) };
        Ok(())
    })
}

/// Frees trust-store options. NULL is a no-op. Reports made with them are unaffected.
///
/// # Safety
/// `presented` is NULL or came from `chainvet_presented_options_new` and has not been
/// freed; no other thread is using it, and it is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_presented_options_free(
    presented: *mut chainvet_presented_options,
) {
    guard_or((), || {
        // SAFETY: per this function's contract, NULL or a live, unshared handle.
        unsafe { pointer::free(presented) }
    })
}

/// Sets what the leaf is validated for: `CHAINVET_USAGE_CLIENT_AUTH` (the default) or
/// `CHAINVET_USAGE_SERVER_AUTH` (a `chainvet_usage` value, passed as `uint32_t` so an
/// unknown number is refused rather than undefined behaviour).
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `presented` is NULL,
/// `CHAINVET_RESULT_INVALID_PARAMETER` (changing nothing) for any other number.
///
/// # Safety
/// `presented` is NULL or a live object no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_presented_options_set_usage(
    presented: *mut chainvet_presented_options,
    usage: u32,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared object.
        let presented = unsafe { pointer::borrow_mut(presented) }?;
        presented.usage = match usage {
            u if u == chainvet_usage::ClientAuth as u32 => Usage::ClientAuth,
            u if u == chainvet_usage::ServerAuth as u32 => Usage::ServerAuth,
            _ => return Err(chainvet_result::InvalidParameter),
        };
        Ok(())
    })
}

/// Adds a name the leaf must be valid for (every name added must match, or the report
/// has a `leaf.name_mismatch` finding per name that does not): `name_len` bytes of UTF-8
/// at `name`, no NUL needed, of kind `name_type` (a `chainvet_peer_name_type` value:
/// `CHAINVET_PEER_NAME_TYPE_DNS`, `_IP` or `_EMAIL`). A DNS name that is not
/// syntactically valid matches nothing.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `presented` or `name` is NULL (even with
/// `name_len == 0`); `CHAINVET_RESULT_INVALID_PARAMETER` for an unknown `name_type`, an
/// empty name, a name that is not UTF-8, an IP address that does not parse or a length
/// over `PTRDIFF_MAX`. Nothing changes then.
///
/// Ownership: the name is copied; the caller keeps `name`.
///
/// # Safety
/// `presented` is NULL or a live object no other thread uses during the call; `name` is
/// NULL or readable for `name_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_presented_options_add_peer_name(
    presented: *mut chainvet_presented_options,
    name_type: u32,
    name: *const c_char,
    name_len: usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared object.
        let presented = unsafe { pointer::borrow_mut(presented) }?;
        // SAFETY: per this function's contract, NULL or `name_len` readable bytes.
        let bytes = unsafe { pointer::slice(name.cast::<u8>(), name_len) }?;
        let text = std::str::from_utf8(bytes).map_err(|_| chainvet_result::InvalidParameter)?;
        if text.is_empty() {
            return Err(chainvet_result::InvalidParameter);
        }
        let peer_name = match name_type {
            t if t == chainvet_peer_name_type::Dns as u32 => PeerName::Dns(text.to_owned()),
            t if t == chainvet_peer_name_type::Ip as u32 => PeerName::Ip(
                text.parse::<IpAddr>()
                    .map_err(|_| chainvet_result::InvalidParameter)?,
            ),
            t if t == chainvet_peer_name_type::Email as u32 => PeerName::Email(text.to_owned()),
            _ => return Err(chainvet_result::InvalidParameter),
        };
        presented.peer_names.push(peer_name);
        Ok(())
    })
}

/// Removes every expected peer name added so far (the default is none).
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `presented` is NULL.
///
/// # Safety
/// `presented` is NULL or a live object no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_presented_options_clear_peer_names(
    presented: *mut chainvet_presented_options,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared object.
        let presented = unsafe { pointer::borrow_mut(presented) }?;
        presented.peer_names.clear();
        Ok(())
    })
}

/// Allows at most `max_depth` intermediates between the leaf and the trust anchor: a
/// longer path is refused with `chain.too_long`, and path building looks for a shorter
/// one. `SIZE_MAX` removes the limit (the default; rustls-webpki never builds paths with
/// more than 6 intermediates anyway). 0 accepts only leaves issued by a trust anchor.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `presented` is NULL.
///
/// # Safety
/// `presented` is NULL or a live object no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_presented_options_set_max_depth(
    presented: *mut chainvet_presented_options,
    max_depth: usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared object.
        let presented = unsafe { pointer::borrow_mut(presented) }?;
        presented.max_depth = (max_depth != usize::MAX).then_some(max_depth);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_carry_over_into_the_core() {
        let mut presented = chainvet_presented_options::default();
        let mut options = Options::at(chainvet_core::Timestamp(1_780_000_000));
        options.crls = vec![vec![1, 2, 3]];
        options.offline = true;
        options.ocsp_nonce = true;
        // SAFETY: `presented` is a live local; the name is 11 readable bytes.
        unsafe {
            assert_eq!(
                chainvet_presented_options_set_usage(&mut presented, 2),
                chainvet_result::Ok
            );
            assert_eq!(
                chainvet_presented_options_set_max_depth(&mut presented, 3),
                chainvet_result::Ok
            );
            let name = b"2001:db8::1";
            assert_eq!(
                chainvet_presented_options_add_peer_name(
                    &mut presented,
                    2,
                    name.as_ptr().cast(),
                    name.len()
                ),
                chainvet_result::Ok
            );
        }
        let core = presented.core(Some(&options));
        assert_eq!(core.usage, Usage::ServerAuth);
        assert_eq!(core.max_depth, Some(3));
        assert_eq!(
            core.peer_names,
            vec![PeerName::Ip("2001:db8::1".parse().expect("ip"))]
        );
        assert_eq!(core.at, options.at);
        assert_eq!(core.crls, options.crls);
        assert!(core.offline && core.ocsp_nonce);

        let defaults = chainvet_presented_options::default().core(None);
        assert_eq!(defaults.usage, Usage::ClientAuth);
        assert!(defaults.at.is_none() && defaults.max_depth.is_none());
    }
}
