//! The one place where the bindings leave Python to run the core (polars' `enter_polars`
//! pattern): the GIL is released, so other Python threads run meanwhile and a shared
//! `Validator` scales across threads, and a panic becomes `chainvet.InternalError`
//! instead of unwinding into the interpreter as a `BaseException`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::prelude::*;

use crate::errors::InternalError;

/// Runs `f` with the GIL released. Everything `f` touches must be plain Rust data
/// (`Send`): Python objects are read before and built after.
pub(crate) fn enter<T: Send>(py: Python<'_>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    // AssertUnwindSafe: on a panic nothing `f` touched is used again; the error is
    // reported and the call's inputs are dropped.
    py.detach(|| catch_unwind(AssertUnwindSafe(f)))
        .map_err(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            InternalError::new_err(format!(
                "internal error in chainvet ({what}); please report it with the input that caused it"
            ))
        })
}
