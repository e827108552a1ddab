//! `Verdict`: what `Report`, `CsrReport` and `BindingOutcome` have in common (the
//! verdict, the findings, the errors among them, `has`, and the dict and JSON forms),
//! implemented once as their base class. Each subclass keeps its own data and shares it
//! with the base through one `Arc`, so nothing is copied.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;

use crate::json;
use crate::report::{errors_tuple, findings_tuple, to_json};

/// A core result with a verdict and findings, serialisable as the CLI prints it.
pub(crate) trait Outcome: Send + Sync + 'static {
    /// Whether no finding is an error.
    fn accepted(&self) -> bool;
    /// Every finding, in the order the checks ran.
    fn findings(&self) -> &[chainvet::Finding];
    /// The JSON form (the CLI's `--json`), `indent` pretty-printing.
    fn json(&self, indent: Option<usize>) -> String;
    /// The JSON form as a value, for `to_dict`.
    fn value(&self) -> serde_json::Value;
}

macro_rules! outcome {
    ($($t:ty),*) => {$(
        impl Outcome for $t {
            fn accepted(&self) -> bool {
                self.accepted
            }
            fn findings(&self) -> &[chainvet::Finding] {
                &self.findings
            }
            fn json(&self, indent: Option<usize>) -> String {
                to_json(self, indent)
            }
            fn value(&self) -> serde_json::Value {
                serde_json::to_value(self).unwrap_or_default()
            }
        }
    )*};
}

outcome!(
    chainvet::Report,
    chainvet::CsrReport,
    chainvet::BindingOutcome
);

/// The verdict and findings of a `Report`, `CsrReport` or `BindingOutcome` (their common
/// base class; never made directly).
#[pyclass(frozen, subclass, module = "chainvet", name = "Verdict")]
pub(crate) struct Verdict {
    outcome: Arc<dyn Outcome>,
    findings: PyOnceLock<Py<PyTuple>>,
}

impl Verdict {
    pub(crate) fn new(outcome: Arc<dyn Outcome>) -> Verdict {
        Verdict {
            outcome,
            findings: PyOnceLock::new(),
        }
    }
}

#[pymethods]
impl Verdict {
    /// True iff no finding has severity "error".
    #[getter]
    fn accepted(&self) -> bool {
        self.outcome.accepted()
    }

    /// Every problem found, in the order the checks ran.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        findings_tuple(py, &self.findings, self.outcome.findings())
    }

    /// The findings of severity "error" (the reasons for rejection).
    #[getter]
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        errors_tuple(py, &self.findings, self.outcome.findings())
    }

    /// Whether any finding has this code, e.g. `report.has("chain.order_reversed")` or
    /// `report.has(codes.CHAIN_ORDER_REVERSED)`. A string that is no finding code raises
    /// `ValueError` (a typo would otherwise always be false).
    fn has(&self, code: &str) -> PyResult<bool> {
        crate::codes::check(code)?;
        Ok(self
            .outcome
            .findings()
            .iter()
            .any(|f| f.code.as_str() == code))
    }

    /// As a dict, in the JSON shape the CLI prints with `--json` (times as RFC 3339
    /// strings, serials as hex).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.outcome.value())
    }

    /// As JSON text (the CLI's `--json`); `indent` pretty-prints.
    #[pyo3(signature = (*, indent=None))]
    fn to_json(&self, indent: Option<usize>) -> String {
        self.outcome.json(indent)
    }
}
