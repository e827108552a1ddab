//! `chainvet.Validator` (validate, fix, repair) and the module-level `fix`.

use std::borrow::Cow;

use chainvet::{Options, Timestamp, TrustStore};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use crate::errors::{FixRefused, policy_error};
use crate::gil;
use crate::input::{self, Input};
use crate::policy::Policy;
use crate::report::Report;
use crate::time::validation_time;

/// Vets certificate bundles against one policy. Immutable and thread-safe: create one
/// and share it between threads; validation releases the GIL.
#[pyclass(frozen, module = "chainvet", name = "Validator")]
pub(crate) struct Validator {
    inner: chainvet::Validator,
    policy: Py<Policy>,
}

/// Where the bytes come from once `data` has been read (plain Rust data).
enum Source<'a> {
    Pem(Cow<'a, [u8]>),
    Der(Vec<Cow<'a, [u8]>>),
}

impl Validator {
    fn options(at: Option<&Bound<'_, PyAny>>) -> PyResult<Options> {
        let mut options = Options::default();
        options.at = validation_time(at)?;
        Ok(options)
    }

    /// Reads a path input (with the GIL released by the caller).
    fn source<'a>(&self, input: Input<'a>) -> std::io::Result<Source<'a>> {
        Ok(match input {
            Input::Pem(bytes) => Source::Pem(bytes),
            Input::Der(list) => Source::Der(list),
            Input::Path(path) => {
                Source::Pem(Cow::Owned(input::read_file(&path, self.inner.policy())?))
            }
        })
    }

    fn run_validate(
        &self,
        input: Input<'_>,
        options: &Options,
    ) -> std::io::Result<chainvet::Report> {
        Ok(match self.source(input)? {
            Source::Pem(bytes) => self.inner.validate_with(&bytes, options),
            Source::Der(list) => {
                let refs: Vec<&[u8]> = list.iter().map(|d| &d[..]).collect();
                self.inner.validate_der_with(&refs, options)
            }
        })
    }

    fn run_fix(
        &self,
        input: Input<'_>,
        at: Timestamp,
    ) -> std::io::Result<Result<chainvet::Fixed, chainvet::FixRefused>> {
        let pem = match self.source(input)? {
            Source::Pem(bytes) => bytes,
            // A peer chain as DER is repaired like the same certificates as PEM.
            Source::Der(list) => Cow::Owned(
                list.iter()
                    .map(|d| chainvet::fix::encode_pem(d))
                    .collect::<String>()
                    .into_bytes(),
            ),
        };
        Ok(self.inner.fix_at(&pem, at))
    }

    fn repair_inner(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Repair> {
        let at = validation_time(at)?.unwrap_or_else(Timestamp::now);
        let input = Input::extract(data, "data")?;
        let result = gil::enter(py, || self.run_fix(input, at))??;
        match result {
            Ok(fixed) => Ok(Repair {
                pem: PyBytes::new(py, fixed.pem.as_bytes()).unbind(),
                changes: fixed.changes,
                report: Py::new(py, Report::new(fixed.report))?,
            }),
            Err(refused) => {
                let err = FixRefused::new_err(refused.to_string());
                let value = err.value(py);
                value.setattr("reasons", PyList::new(py, &refused.reasons)?)?;
                value.setattr("report", Report::new(*refused.report))?;
                Err(err)
            }
        }
    }
}

#[pymethods]
impl Validator {
    /// A validator for `policy` (default: `Policy()`). `trust_store` gives the trusted
    /// roots (PEM bytes or text, a path, or a list of certificates) and replaces any
    /// `trust_store` file the policy names; without one, the bundle's own root anchors
    /// path validation (consistency, not trust).
    #[new]
    #[pyo3(signature = (policy=None, *, trust_store=None))]
    fn new(
        py: Python<'_>,
        policy: Option<Bound<'_, Policy>>,
        trust_store: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Validator> {
        let policy = match policy {
            Some(p) => p.unbind(),
            None => Py::new(
                py,
                Policy {
                    inner: chainvet::Policy::default(),
                },
            )?,
        };
        let core_policy = policy.get().inner.clone();
        let inner = match trust_store {
            Some(store) if !store.is_none() => {
                let input = Input::extract(store, "trust_store")?;
                let store = gil::enter(py, || load_trust_store(input))??;
                chainvet::Validator::with_trust_store(core_policy, store)
            }
            _ => gil::enter(py, || chainvet::Validator::new(core_policy))?.map_err(policy_error)?,
        };
        Ok(Validator { inner, policy })
    }

    /// The policy this validator applies.
    #[getter]
    fn policy(&self, py: Python<'_>) -> Py<Policy> {
        self.policy.clone_ref(py)
    }

    /// Number of configured trust anchors (0: the bundle's own root anchors validation).
    #[getter]
    fn trust_anchors(&self) -> usize {
        self.inner.trust_store().anchors().len()
    }

    /// Vets `data` at time `at` (an aware datetime; default now) and reports every
    /// problem. Bad certificates are findings in the report, never exceptions.
    ///
    /// `data`: bytes or str (PEM text; a str is never treated as a path), an
    /// os.PathLike (a PEM file), a cryptography.x509.Certificate, or a list of
    /// certificates (Certificate objects or DER bytes) leaf first.
    #[pyo3(signature = (data, at=None))]
    fn validate(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Report> {
        let options = Validator::options(at)?;
        let input = Input::extract(data, "data")?;
        let report = gil::enter(py, || self.run_validate(input, &options))??;
        Ok(Report::new(report))
    }

    /// Repairs `data` where repair is mechanical (leaf-to-root order; duplicates,
    /// unrelated certificates, text, CSRs and private keys dropped) and returns the
    /// PEM bundle. Raises `FixRefused` when no reordering makes the chain complete. The
    /// result may still have problems no reordering repairs (an expired certificate):
    /// use `repair` to see them.
    #[pyo3(signature = (data, at=None))]
    fn fix(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyBytes>> {
        Ok(self.repair_inner(py, data, at)?.pem)
    }

    /// Like `fix`, returning the repaired bundle with the list of changes and the
    /// validation of the result.
    #[pyo3(signature = (data, at=None))]
    fn repair(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Repair> {
        self.repair_inner(py, data, at)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Validator({}, trust_anchors={})",
            self.policy.bind(py).repr()?,
            self.trust_anchors()
        ))
    }
}

fn load_trust_store(input: Input<'_>) -> PyResult<TrustStore> {
    match input {
        Input::Pem(pem) => TrustStore::from_pem(&pem).map_err(policy_error),
        Input::Path(path) => TrustStore::from_file(&path).map_err(policy_error),
        Input::Der(list) => {
            let mut anchors = Vec::with_capacity(list.len());
            for (i, der) in list.into_iter().enumerate() {
                let cert = chainvet::Certificate::from_der(der.into_owned()).map_err(|e| {
                    policy_error(format!("trust store certificate {i} is not usable: {e}"))
                })?;
                anchors.push(cert);
            }
            if anchors.is_empty() {
                return Err(policy_error("the trust store list is empty"));
            }
            Ok(TrustStore::from_certificates(anchors))
        }
    }
}

/// A repaired bundle: `pem` (bytes, leaf first), the `changes` made, and the `report`
/// of validating the result.
#[pyclass(frozen, module = "chainvet", name = "Repair")]
pub(crate) struct Repair {
    pem: Py<PyBytes>,
    changes: Vec<String>,
    report: Py<Report>,
}

#[pymethods]
impl Repair {
    /// The repaired bundle: the chain's certificates as PEM, leaf first.
    #[getter]
    fn pem(&self, py: Python<'_>) -> Py<PyBytes> {
        self.pem.clone_ref(py)
    }

    /// What was changed, one sentence each; empty when the input was already in shape.
    #[getter]
    fn changes(&self) -> Vec<String> {
        self.changes.clone()
    }

    /// The validation of the repaired bundle.
    #[getter]
    fn report(&self, py: Python<'_>) -> Py<Report> {
        self.report.clone_ref(py)
    }

    fn __repr__(&self) -> String {
        format!("<Repair changes={}>", self.changes.len())
    }
}

/// Repairs a bundle with the given policy (default `Policy()`) and returns the PEM
/// bytes; see `Validator.fix`.
#[pyfunction]
#[pyo3(signature = (data, *, policy=None, at=None))]
pub(crate) fn fix(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    policy: Option<Bound<'_, Policy>>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyBytes>> {
    let validator = Validator::new(py, policy, None)?;
    validator.fix(py, data, at)
}
