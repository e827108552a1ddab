//! The exceptions the module raises for misuse. Bad certificates are never exceptions:
//! they are findings in a `Report`.

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    chainvet,
    PolicyError,
    PyValueError,
    "A policy (or trust store) that cannot be used: an unknown knob, a value of the wrong \
     type, unreadable TOML, a trust store file without certificates. The message says \
     which and where."
);

create_exception!(
    chainvet,
    FixRefused,
    PyValueError,
    "`fix` cannot repair the bundle because no reordering or removal makes the chain \
     complete (e.g. an issuer is missing). `.reasons` lists why, `.report` is the \
     validation of the input."
);

create_exception!(
    chainvet,
    InternalError,
    PyRuntimeError,
    "A bug in chainvet (a Rust panic), caught so it cannot take the host process down. \
     Please report it with the input that caused it."
);

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    m.add("FixRefused", py.get_type::<FixRefused>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    Ok(())
}

/// A `PolicyError` carrying the core's message.
pub(crate) fn policy_error(e: impl core::fmt::Display) -> PyErr {
    PolicyError::new_err(e.to_string())
}
