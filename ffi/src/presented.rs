//! `chainvet_presented_options`: what only trust-store mode
//! (`chainvet_validator_validate_presented`) asks (usage, expected peer names, maximum
//! depth). The time, revocation input and registration binding are the usual
//! `chainvet_options`, handed to the same call: no setting exists in both objects, as
//! the core's `PresentedOptions` holds its bundle-mode `Options` as `base`.

use core::ffi::c_char;
use std::net::IpAddr;

use chainvet_core::{Options, PeerName, PresentedOptions, Usage};

use crate::panic::{guard, guard_or};

mod policy_inputs;

use crate::pointer::{self, Out};
use crate::result::chainvet_result;
pub use policy_inputs::*;

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
    /// The core's options with a default `base`: the trust-store-only fields are the
    /// core's own, never copies of them.
    inner: PresentedOptions,
}

impl chainvet_presented_options {
    /// The core's options for one call: this mode's settings on top of `base` (the
    /// time, revocation input and binding of a `chainvet_options`; defaults when NULL).
    pub(crate) fn core(&self, base: Option<&Options>) -> PresentedOptions {
        let mut out = self.inner.clone();
        out.base = base.cloned().unwrap_or_default();
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
        presented.inner.usage = match usage {
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
        presented.inner.peer_names.push(peer_name);
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
        presented.inner.peer_names.clear();
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
        presented.inner.max_depth = (max_depth != usize::MAX).then_some(max_depth);
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
        assert_eq!(core.base.at, options.at);
        assert_eq!(core.base.crls, options.crls);
        assert!(core.base.offline && core.base.ocsp_nonce);

        let defaults = chainvet_presented_options::default().core(None);
        assert_eq!(defaults.usage, Usage::ClientAuth);
        assert!(defaults.base.at.is_none() && defaults.max_depth.is_none());
    }
}
