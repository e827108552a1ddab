//! The exceptions the module raises for misuse. Bad certificates are never exceptions:
//! they are findings in a `Report`.

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    chainvet,
    LoadError,
    PyValueError,
    "A policy, trust store or registry that cannot be loaded, in the one format \
     `FILE:LINE:COLUMN: field: message`. `.path` (the file; `.file` is the same), `.line`, \
     `.column` (1-based) and `.field` (e.g. `revocation.mode`, \
     `clients.acme.certificates[1]`, `certificate 2` for a PEM block) say where, None when \
     not known; `.message` says what is wrong."
);

create_exception!(
    chainvet,
    PolicyError,
    LoadError,
    "A policy (or trust store) that cannot be used: an unknown knob, a value of the wrong \
     type, unreadable TOML, a trust store file without certificates. The message says \
     which and where (`LoadError` attributes)."
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

create_exception!(
    chainvet,
    RegistrationError,
    PyValueError,
    "A certificate (or fingerprint) that cannot be registered: not PEM or DER, no \
     certificate in it, a private key (whose content is never shown), or a fingerprint \
     that is not 64 hexadecimal digits."
);

create_exception!(
    chainvet,
    RegistryError,
    LoadError,
    "A registry file that cannot be loaded. `.path`, `.line`, `.column` and `.field` \
     (e.g. `clients.acme.certificates[1]`) say where, when known; `.message` says what \
     is wrong (`LoadError` attributes)."
);

create_exception!(
    chainvet,
    OcspError,
    PyValueError,
    "An OCSP request that cannot be built, or a response that gives no usable status \
     (malformed, an error status, a bad signature, an unauthorised responder, another \
     certificate, stale, a nonce mismatch). `.code` is the finding code it stands for: \
     `revocation.unavailable` or `revocation.response_invalid`."
);

create_exception!(
    chainvet,
    CrlError,
    PyValueError,
    "A CRL that cannot be parsed, or that gives no usable status for a certificate \
     (another issuer, a bad signature, stale, out of scope). `.code` is \
     `revocation.response_invalid`."
);

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("LoadError", py.get_type::<LoadError>())?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    m.add("FixRefused", py.get_type::<FixRefused>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add("RegistrationError", py.get_type::<RegistrationError>())?;
    m.add("RegistryError", py.get_type::<RegistryError>())?;
    m.add("OcspError", py.get_type::<OcspError>())?;
    m.add("CrlError", py.get_type::<CrlError>())?;
    Ok(())
}

/// A `PolicyError` with this message (a bad keyword argument, a knob of the wrong type):
/// no file or place to name.
pub(crate) fn policy_error(e: impl core::fmt::Display) -> PyErr {
    load_error::<PolicyError>(chainvet::LoadError::new(e.to_string()))
}

/// An exception of class `E` (`PolicyError` or `RegistryError`) for a core load error,
/// its place and field as attributes (None where not known: every instance has them
/// all) and its text in the one `FILE:LINE:COL: field: message` format.
pub(crate) fn load_error<E: pyo3::PyTypeInfo>(e: chainvet::LoadError) -> PyErr {
    let err = PyErr::new::<E, _>(e.to_string());
    Python::attach(|py| {
        let value = err.value(py);
        let path = e.file.as_ref().map(|f| f.to_string_lossy().into_owned());
        // Setting attributes on a fresh exception instance cannot fail.
        let _ = value.setattr("path", path.clone());
        let _ = value.setattr("file", path);
        let _ = value.setattr("line", e.line);
        let _ = value.setattr("column", e.column);
        let _ = value.setattr("field", e.field);
        let _ = value.setattr("message", e.message);
    });
    err
}

/// A `PolicyError` for a policy or trust store that does not load.
pub(crate) fn policy_load_error(e: chainvet::LoadError) -> PyErr {
    load_error::<PolicyError>(e)
}

/// An exception of class `E` with a `code` attribute (the finding code it stands for).
pub(crate) fn with_code<E: pyo3::PyTypeInfo>(
    py: Python<'_>,
    message: String,
    code: chainvet::Code,
) -> PyErr {
    let err = PyErr::new::<E, _>(message);
    // Setting an attribute on a fresh exception instance cannot fail.
    let _ = err.value(py).setattr("code", code.as_str());
    err
}
