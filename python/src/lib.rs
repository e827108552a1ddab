//! The native module `chainvet._native`: pyo3 bindings over the `chainvet` crate.
//!
//! The public Python API is the package `chainvet` (`python/chainvet/__init__.py`), which
//! re-exports everything defined here; the hand-written stubs are in
//! `python/chainvet/_native.pyi` and are checked against this module by `mypy.stubtest`.

use pyo3::prelude::*;

mod binding;
mod cache;
mod certificate;
mod codes;
mod csr;
mod errors;
mod gil;
mod input;
mod json;
mod policy;
mod presented;
mod report;
mod revocation;
mod time;
mod validator;
mod verdict;

/// The module initialiser. `gil_used = false`: every class is immutable (`frozen`) or
/// `Sync`, so the module is safe on free-threaded builds too.
#[pymodule(gil_used = false)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<policy::Policy>()?;
    m.add_class::<validator::Validator>()?;
    m.add_class::<validator::Repair>()?;
    m.add_class::<verdict::Verdict>()?;
    m.add_class::<report::Report>()?;
    m.add_class::<report::Finding>()?;
    m.add_class::<report::CertificateInfo>()?;
    m.add_class::<report::Chain>()?;
    m.add_class::<policy::SubjectPolicy>()?;
    m.add_class::<policy::RevocationPolicy>()?;
    m.add_class::<binding::Registration>()?;
    m.add_class::<binding::Binding>()?;
    m.add_class::<binding::BindingOutcome>()?;
    m.add_class::<binding::Registry>()?;
    m.add_class::<csr::CsrReport>()?;
    m.add_class::<csr::CsrInfo>()?;
    m.add_class::<revocation::RevocationInfo>()?;
    m.add_class::<revocation::RevocationAnswer>()?;
    m.add_class::<revocation::ocsp::OcspRequest>()?;
    m.add_class::<revocation::crl::Crl>()?;
    m.add_function(wrap_pyfunction!(validator::fix, m)?)?;
    m.add_function(wrap_pyfunction!(validator::check_csr, m)?)?;
    m.add_function(wrap_pyfunction!(revocation::ocsp::ocsp_request, m)?)?;
    m.add_function(wrap_pyfunction!(revocation::ocsp::ocsp_evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(revocation::ocsp::ocsp_responder_url, m)?)?;
    m.add_function(wrap_pyfunction!(codes::_codes, m)?)?;
    m.add_function(wrap_pyfunction!(codes::_restore, m)?)?;
    m.add_function(wrap_pyfunction!(binding::_restore_registration, m)?)?;
    errors::register(m)?;
    Ok(())
}
