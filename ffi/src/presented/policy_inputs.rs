//! RFC 5280 certificate policies from C: the four 6.1.1 inputs of one trust-store
//! validation (setters on `chainvet_presented_options`), and the policy set the
//! accepted path is valid for (accessors on `chainvet_report`).

use core::ffi::c_char;

use chainvet_core::PolicyInputs;

use crate::panic::guard;
use crate::pointer;
use crate::presented::chainvet_presented_options;
use crate::result::chainvet_result;

/// The inputs being set: the first setter starts from RFC 5280's defaults, replacing the
/// policy's `[path_validation]` inputs for validations with these options.
fn inputs(presented: &mut chainvet_presented_options) -> &mut PolicyInputs {
    presented
        .inner
        .policy_inputs
        .get_or_insert_with(PolicyInputs::default)
}

/// Adds a certificate policy the path may be valid for to the user-initial-policy-set
/// (RFC 5280 6.1.1 (c)): `oid_len` bytes of a dotted OID at `oid`, no NUL needed (e.g.
/// `"2.23.140.1.2.1"`). An empty set means any policy. With
/// `chainvet_presented_options_set_explicit_policy` the path must be valid for one of
/// them (`chain.policy_invalid` otherwise). Once any policy input is set on these
/// options, the four inputs replace the policy's `[path_validation]` ones.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `presented` or `oid` is NULL,
/// `CHAINVET_RESULT_INVALID_PARAMETER` (changing nothing) if the bytes are not a dotted
/// OID.
///
/// Ownership: the OID is copied; the caller keeps `oid`.
///
/// # Safety
/// `presented` is NULL or a live object no other thread uses during the call; `oid` is
/// NULL or readable for `oid_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_presented_options_add_policy_oid(
    presented: *mut chainvet_presented_options,
    oid: *const c_char,
    oid_len: usize,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared object.
        let presented = unsafe { pointer::borrow_mut(presented) }?;
        // SAFETY: per this function's contract, NULL or `oid_len` readable bytes.
        let bytes = unsafe { pointer::slice(oid.cast::<u8>(), oid_len) }?;
        let text = std::str::from_utf8(bytes).map_err(|_| chainvet_result::InvalidParameter)?;
        let one = PolicyInputs {
            user_initial_policy_set: vec![text.to_owned()],
            ..PolicyInputs::default()
        };
        one.check().map_err(|_| chainvet_result::InvalidParameter)?;
        inputs(presented)
            .user_initial_policy_set
            .push(text.to_owned());
        Ok(())
    })
}

/// Sets initial-explicit-policy (RFC 5280 6.1.1 (f)): the path must be valid for at
/// least one policy of the user-initial-policy-set.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `presented` is NULL.
///
/// # Safety
/// `presented` is NULL or a live object no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_presented_options_set_explicit_policy(
    presented: *mut chainvet_presented_options,
    on: bool,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared object.
        let presented = unsafe { pointer::borrow_mut(presented) }?;
        inputs(presented).initial_explicit_policy = on;
        Ok(())
    })
}

/// Sets initial-policy-mapping-inhibit (RFC 5280 6.1.1 (e)): policy mappings in the
/// path are not honoured.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `presented` is NULL.
///
/// # Safety
/// `presented` is NULL or a live object no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_presented_options_set_inhibit_policy_mapping(
    presented: *mut chainvet_presented_options,
    on: bool,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared object.
        let presented = unsafe { pointer::borrow_mut(presented) }?;
        inputs(presented).initial_policy_mapping_inhibit = on;
        Ok(())
    })
}

/// Sets initial-any-policy-inhibit (RFC 5280 6.1.1 (g)): anyPolicy in a certificate is
/// not honoured.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `presented` is NULL.
///
/// # Safety
/// `presented` is NULL or a live object no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_presented_options_set_inhibit_any_policy(
    presented: *mut chainvet_presented_options,
    on: bool,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared object.
        let presented = unsafe { pointer::borrow_mut(presented) }?;
        inputs(presented).initial_any_policy_inhibit = on;
        Ok(())
    })
}

/// Forgets every policy input set on these options: validations use the policy's
/// `[path_validation]` inputs again (the default).
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `presented` is NULL.
///
/// # Safety
/// `presented` is NULL or a live object no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_presented_options_clear_policy_inputs(
    presented: *mut chainvet_presented_options,
) -> chainvet_result {
    guard(|| {
        // SAFETY: per this function's contract, NULL or a live, unshared object.
        let presented = unsafe { pointer::borrow_mut(presented) }?;
        presented.inner.policy_inputs = None;
        Ok(())
    })
}
