//! `chainvet.SubjectPolicy`: the `[subject]` table of a policy, typed.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

use crate::json;

/// Subject rules for the leaf of every bundle and for CSRs (`subject.*` codes), the
/// `[subject]` table of a policy. Everything is off by default. Use it as
/// `Policy(subject=SubjectPolicy(required_attributes=["C", "O", "CN"]))`.
///
/// Knobs: `required_attributes` (any of "C", "ST", "L", "O", "OU", "CN",
/// "emailAddress", "serialNumber"), `common_names` and `dns_names` (exact values or
/// patterns in which `*` stands for one or more characters other than `.`), and
/// `check_country` (C must be an assigned ISO 3166-1 alpha-2 code). Unknown knobs
/// raise `PolicyError`.
#[pyclass(frozen, eq, module = "chainvet", name = "SubjectPolicy")]
#[derive(PartialEq)]
pub(crate) struct SubjectPolicy {
    pub(crate) inner: chainvet::SubjectPolicy,
}

impl SubjectPolicy {
    fn as_json(&self) -> Value {
        serde_json::to_value(&self.inner).unwrap_or(Value::Null)
    }
}

#[pymethods]
impl SubjectPolicy {
    #[new]
    #[pyo3(signature = (**knobs))]
    fn new(knobs: Option<&Bound<'_, PyDict>>) -> PyResult<SubjectPolicy> {
        super::with_knobs(Value::Object(serde_json::Map::new()), knobs, "subject knob")
            .map(|inner| SubjectPolicy { inner })
    }

    /// A copy with the given knobs changed.
    #[pyo3(signature = (**knobs))]
    fn replace(&self, knobs: Option<&Bound<'_, PyDict>>) -> PyResult<SubjectPolicy> {
        super::with_knobs(self.as_json(), knobs, "subject knob")
            .map(|inner| SubjectPolicy { inner })
    }

    /// Attributes the subject must carry with a non-empty value, e.g. ["C", "O", "CN"].
    #[getter]
    fn required_attributes(&self) -> Vec<&'static str> {
        self.inner
            .required_attributes
            .iter()
            .map(|a| a.short_name())
            .collect()
    }

    /// Allowed common names (exact or `*` patterns); empty: any.
    #[getter]
    fn common_names(&self) -> Vec<String> {
        self.inner.common_names.clone()
    }

    /// Allowed subjectAltName DNS names (exact or `*` patterns); empty: any.
    #[getter]
    fn dns_names(&self) -> Vec<String> {
        self.inner.dns_names.clone()
    }

    /// Every C attribute must be an assigned ISO 3166-1 alpha-2 code.
    #[getter]
    fn check_country(&self) -> bool {
        self.inner.check_country
    }

    /// Whether the policy checks nothing (the default).
    #[getter]
    fn is_off(&self) -> bool {
        self.inner.is_off()
    }

    /// Every knob as a dict (the JSON form of the table).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.as_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        super::changed_repr(
            py,
            "SubjectPolicy",
            self.as_json(),
            &chainvet::SubjectPolicy::default(),
        )
    }
}
