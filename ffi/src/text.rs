//! Text across the boundary, shared by every handle's file: strings handed to C
//! (NUL-terminated copies owned by a handle, or copies into a caller's buffer with
//! truncation reported, e.g. the message of a load error) and strings and paths taken
//! from C.

use core::ffi::c_char;
use std::ffi::{CStr, CString};
use std::path::PathBuf;

use crate::pointer::{self, Out};
use crate::result::chainvet_result;

/// Borrows `len` bytes of UTF-8 at `ptr` (a client id, a name): not UTF-8 is
/// `InvalidParameter`.
///
/// # Safety
/// `ptr` is NULL or readable for `len` bytes.
pub(crate) unsafe fn utf8<'a>(ptr: *const c_char, len: usize) -> Result<&'a str, chainvet_result> {
    // SAFETY: forwarded from this function's contract.
    let bytes = unsafe { pointer::slice(ptr.cast::<u8>(), len) }?;
    std::str::from_utf8(bytes).map_err(|_| chainvet_result::InvalidParameter)
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

/// A NUL-terminated copy of `s`. A NUL inside `s` (possible in a certificate's subject)
/// would cut the C string short, so it becomes U+FFFD.
pub(crate) fn c_string(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|_| {
        let cleaned = s.replace('\0', "\u{FFFD}");
        CString::new(cleaned).unwrap_or_default()
    })
}

/// A caller-supplied buffer: `buf` of `len` bytes (NULL only when `len` is 0, to ask for
/// the length), and an optional place for the full length.
pub(crate) struct Buffer {
    buf: *mut c_char,
    len: usize,
    len_out: Option<Out<usize>>,
}

impl Buffer {
    /// Checks the arguments before any work is done: `buf` may be NULL only with
    /// `len == 0`; `len_out` may be NULL.
    pub(crate) fn new(
        buf: *mut c_char,
        len: usize,
        len_out: *mut usize,
    ) -> Result<Buffer, chainvet_result> {
        if buf.is_null() && len > 0 {
            return Err(chainvet_result::NullParameter);
        }
        if isize::try_from(len).is_err() {
            return Err(chainvet_result::InvalidParameter);
        }
        let len_out = if len_out.is_null() {
            None
        } else {
            Some(Out::new(len_out)?)
        };
        Ok(Buffer { buf, len, len_out })
    }

    /// Copies `s` and a NUL terminator. If it does not fit, copies the longest prefix
    /// that ends on a character boundary and fits with its NUL, and returns
    /// `InsufficientBuffer`. Either way the full length of `s` (without NUL) goes to
    /// `len_out`.
    ///
    /// # Safety
    /// The buffer given to `new` is valid for writes of `len` bytes, and `len_out` (if
    /// not NULL) for a `usize`.
    pub(crate) unsafe fn write(self, s: &str) -> Result<(), chainvet_result> {
        let fits = s.len() < self.len;
        if self.len > 0 {
            let mut n = s.len().min(self.len - 1);
            while !s.is_char_boundary(n) {
                n -= 1;
            }
            // SAFETY: `buf` is non-NULL when `len > 0` (checked in `new`) and writable for
            // `len` bytes (caller); `n + 1 <= len`; a Rust `&str` never overlaps a
            // buffer C handed us for writing.
            unsafe {
                core::ptr::copy_nonoverlapping(s.as_ptr().cast::<c_char>(), self.buf, n);
                self.buf.add(n).write(0);
            }
        }
        if let Some(out) = self.len_out {
            // SAFETY: checked non-NULL and aligned in `new`; writable per the caller.
            unsafe { out.write(s.len()) };
        }
        if fits {
            Ok(())
        } else {
            Err(chainvet_result::InsufficientBuffer)
        }
    }

    /// Copies `error`'s text (a load error reads `FILE:LINE:COL: field: message`) and
    /// gives `result`, whatever the copy says: the failure is what the caller must see,
    /// a truncated message is still reported through the full length.
    ///
    /// # Safety
    /// As `write`.
    pub(crate) unsafe fn fail(
        self,
        error: &dyn core::fmt::Display,
        result: chainvet_result,
    ) -> chainvet_result {
        // SAFETY: forwarded from this function's contract.
        let _ = unsafe { self.write(&error.to_string()) };
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interior_nul_is_replaced_not_truncated() {
        assert_eq!(c_string("CN=a\0b").to_str(), Ok("CN=a\u{FFFD}b"));
        assert_eq!(c_string("plain").to_str(), Ok("plain"));
    }

    /// Copies `s` into a fresh buffer of `len` bytes: (result, full length, C string).
    fn copy(s: &str, len: usize) -> (Result<(), chainvet_result>, usize, Vec<u8>) {
        let mut buf = vec![0x55u8; len];
        let mut full = 0usize;
        let b = Buffer::new(buf.as_mut_ptr().cast(), len, &mut full).unwrap();
        // SAFETY: `buf` holds `len` writable bytes and `full` is a live `usize`.
        let result = unsafe { b.write(s) };
        let text = buf.iter().take_while(|&&c| c != 0).copied().collect();
        (result, full, text)
    }

    #[test]
    fn copies_truncate_on_character_boundaries() {
        let s = "ab\u{e9}cdef"; // 'é' is 2 bytes: 8 bytes in all, 9 with the NUL
        assert_eq!(copy(s, 9), (Ok(()), 8, s.as_bytes().to_vec()));
        let short = Err(chainvet_result::InsufficientBuffer);
        assert_eq!(copy(s, 8), (short, 8, "ab\u{e9}cde".as_bytes().to_vec()));
        // 3 bytes of room: "ab" plus half of 'é' would fit, so the cut goes back to "ab".
        assert_eq!(copy(s, 4), (short, 8, b"ab".to_vec()));
        assert_eq!(copy(s, 1), (short, 8, Vec::new()));

        let mut full = 0usize;
        let query = Buffer::new(core::ptr::null_mut(), 0, &mut full).unwrap();
        // SAFETY: a zero-length buffer is never written; `full` is a live `usize`.
        assert_eq!(unsafe { query.write("xyz") }, short);
        assert_eq!(full, 3);
        assert!(Buffer::new(core::ptr::null_mut(), 1, &mut full).is_err());
        let mut byte = 0u8;
        assert!(Buffer::new((&raw mut byte).cast(), usize::MAX, core::ptr::null_mut()).is_err());
    }
}
