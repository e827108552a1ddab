//! The one place raw pointers from C become Rust references, slices and handles. Every
//! function checks for NULL (and length and alignment where that is checkable) and turns
//! a failed check into a `chainvet_result`; what cannot be checked (that a non-NULL
//! pointer is live and of the right type) is the caller's contract, stated in each
//! exported function's `# Safety` section.

use core::ffi::{CStr, c_char};
use core::ptr::NonNull;

use crate::result::chainvet_result;

/// Borrows `*ptr`.
///
/// # Safety
/// `ptr` is NULL or points to a live `T` that is not mutated for `'a`.
pub(crate) unsafe fn borrow<'a, T>(ptr: *const T) -> Result<&'a T, chainvet_result> {
    // SAFETY: forwarded from this function's contract; `as_ref` handles NULL.
    unsafe { ptr.as_ref() }.ok_or(chainvet_result::NullParameter)
}

/// Borrows `*ptr` mutably.
///
/// # Safety
/// `ptr` is NULL or points to a live `T` that nothing else accesses for `'a`.
pub(crate) unsafe fn borrow_mut<'a, T>(ptr: *mut T) -> Result<&'a mut T, chainvet_result> {
    // SAFETY: forwarded from this function's contract; `as_mut` handles NULL.
    unsafe { ptr.as_mut() }.ok_or(chainvet_result::NullParameter)
}

/// Borrows `len` elements starting at `ptr`. NULL is refused even when `len` is 0, so a
/// caller's forgotten buffer never passes as empty input.
///
/// # Safety
/// `ptr` is NULL or points to `len` initialised, live `T`s not mutated for `'a`.
pub(crate) unsafe fn slice<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], chainvet_result> {
    if ptr.is_null() {
        return Err(chainvet_result::NullParameter);
    }
    let too_long = len
        .checked_mul(size_of::<T>())
        .is_none_or(|bytes| isize::try_from(bytes).is_err());
    if too_long || !ptr.is_aligned() {
        return Err(chainvet_result::InvalidParameter);
    }
    // SAFETY: non-NULL and aligned (checked above), the byte length fits in `isize`
    // (checked above), and the caller guarantees `len` live, initialised elements.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// Borrows a NUL-terminated string.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays live and unchanged for `'a`.
pub(crate) unsafe fn c_str<'a>(ptr: *const c_char) -> Result<&'a CStr, chainvet_result> {
    if ptr.is_null() {
        return Err(chainvet_result::NullParameter);
    }
    // SAFETY: non-NULL (checked above); NUL termination and liveness are the caller's
    // contract.
    Ok(unsafe { CStr::from_ptr(ptr) })
}

/// An out-parameter checked for NULL before any work is done, written at most once and
/// only on success.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks `ptr` for NULL and alignment. Takes no ownership of what it points to.
    pub(crate) fn new(ptr: *mut T) -> Result<Out<T>, chainvet_result> {
        let ptr = NonNull::new(ptr).ok_or(chainvet_result::NullParameter)?;
        if !ptr.is_aligned() {
            return Err(chainvet_result::InvalidParameter);
        }
        Ok(Out(ptr))
    }

    /// Writes `value` without reading or dropping what was there (C out-parameters are
    /// commonly uninitialised).
    ///
    /// # Safety
    /// The pointer given to `new` is valid for writes of a `T`.
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: non-NULL and aligned (checked in `new`); writable per the caller.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// Moves `value` to the heap and hands C the pointer; `free` takes it back.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Drops a handle made by `into_handle`. NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from `into_handle::<T>` and has not been freed.
pub(crate) unsafe fn free<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: per the caller, `ptr` is a live `Box<T>` leaked by `into_handle`.
        drop(unsafe { Box::from_raw(ptr) });
    }
}
