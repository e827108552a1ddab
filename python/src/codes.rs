//! The finding-code table exported to Python (`chainvet.codes` builds its constants from
//! it, so they cannot drift from the core), the check that a code string exists, and
//! the restoring half of pickling for the report's value types.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::report::{CertificateInfo, Finding};

/// Every finding code: (dotted code, stable integer, default severity, title), in the
/// core's table order.
#[pyfunction]
pub(crate) fn _codes() -> Vec<(&'static str, u32, &'static str, &'static str)> {
    chainvet::Code::ALL
        .iter()
        .map(|c| {
            (
                c.as_str(),
                c.as_u32(),
                c.default_severity().as_str(),
                c.title(),
            )
        })
        .collect()
}

/// Raises `ValueError` for a string that is no finding code, so a typo in
/// `report.has("chain.order_reversd")` fails loudly instead of always being false.
pub(crate) fn check(code: &str) -> PyResult<()> {
    if chainvet::Code::ALL.iter().any(|c| c.as_str() == code) {
        return Ok(());
    }
    Err(PyValueError::new_err(format!(
        "unknown finding code {code:?} (see chainvet.codes for the list)"
    )))
}

/// Rebuilds a `Finding` or `CertificateInfo` from its JSON (what `__reduce__` gives
/// pickle and `copy`).
#[pyfunction]
pub(crate) fn _restore(py: Python<'_>, kind: &str, json: &str) -> PyResult<Py<PyAny>> {
    let bad = |e: serde_json::Error| PyValueError::new_err(format!("not a serialised {kind}: {e}"));
    match kind {
        "Finding" => Ok(Py::new(
            py,
            Finding::from_core(serde_json::from_str(json).map_err(bad)?),
        )?
        .into_any()),
        "CertificateInfo" => Ok(Py::new(
            py,
            CertificateInfo::from_core(serde_json::from_str(json).map_err(bad)?),
        )?
        .into_any()),
        _ => Err(PyValueError::new_err(format!("cannot restore a {kind}"))),
    }
}
