//! `Validator(cache_limits=...)`, `cache_limits()` and `cache_usage()`: the core's
//! `CacheLimits` / `CacheUsage` as nested dicts.

use chainvet::{CacheLimit, CacheLimits};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

const FORM: &str = "cache_limits must be \"off\" or a dict {\"signatures\": {\"entries\": n, \
     \"bytes\": m}, \"analyses\": {...}} (missing keys keep the defaults)";

/// Reads `cache_limits=`.
pub(crate) fn limits(obj: &Bound<'_, PyAny>) -> PyResult<CacheLimits> {
    if let Ok(s) = obj.cast::<PyString>() {
        return match &*s.to_cow()? {
            "off" => Ok(CacheLimits::OFF),
            _ => Err(PyValueError::new_err(FORM)),
        };
    }
    let dict = obj
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err(FORM))?;
    let mut limits = CacheLimits::default();
    for (key, value) in dict.iter() {
        let key: String = key.extract().map_err(|_| PyTypeError::new_err(FORM))?;
        let slot = match key.as_str() {
            "signatures" => &mut limits.signatures,
            "analyses" => &mut limits.analyses,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "unknown cache {key:?}; {FORM}"
                )));
            }
        };
        *slot = limit(&value, *slot)?;
    }
    Ok(limits)
}

fn limit(obj: &Bound<'_, PyAny>, mut limit: CacheLimit) -> PyResult<CacheLimit> {
    let dict = obj
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err(FORM))?;
    for (key, value) in dict.iter() {
        let key: String = key.extract().map_err(|_| PyTypeError::new_err(FORM))?;
        let n: usize = value.extract().map_err(|_| {
            PyValueError::new_err(format!("cache limit {key:?} must be a non-negative int"))
        })?;
        match key.as_str() {
            "entries" => limit.entries = n,
            "bytes" => limit.bytes = n,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "unknown cache limit {key:?}; {FORM}"
                )));
            }
        }
    }
    Ok(limit)
}

/// `{"signatures": {"entries": .., "bytes": ..}, "analyses": {...}}`.
pub(crate) fn pairs(
    py: Python<'_>,
    signatures: (usize, usize),
    analyses: (usize, usize),
) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    for (name, (entries, bytes)) in [("signatures", signatures), ("analyses", analyses)] {
        let d = PyDict::new(py);
        d.set_item("entries", entries)?;
        d.set_item("bytes", bytes)?;
        out.set_item(name, d)?;
    }
    Ok(out)
}
