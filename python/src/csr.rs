//! `CsrReport` and `CsrInfo`: the CSR pre-flight a client runs before sending a
//! certificate signing request, with the same key and subject rules as `validate`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;

use crate::json;
use crate::report::{errors_tuple, findings_tuple, to_json};

/// What a `data` argument of `check_csr` may be.
pub(crate) const CSR_FORMS: &str = "bytes (PEM or DER) or str (PEM text), an os.PathLike (a \
     CSR file), or a cryptography.x509.CertificateSigningRequest";

/// The result of a CSR pre-flight: the verdict, every finding, and what the request
/// asks for.
#[pyclass(frozen, module = "chainvet", name = "CsrReport")]
pub(crate) struct CsrReport {
    inner: chainvet::CsrReport,
    findings: PyOnceLock<Py<PyTuple>>,
}

impl CsrReport {
    pub(crate) fn new(inner: chainvet::CsrReport) -> CsrReport {
        CsrReport {
            inner,
            findings: PyOnceLock::new(),
        }
    }
}

#[pymethods]
impl CsrReport {
    /// True iff no finding has severity "error": a certificate issued for this request
    /// passes the same key and subject rules.
    #[getter]
    fn accepted(&self) -> bool {
        self.inner.accepted
    }

    /// Every problem found (`csr.*`, `key.*`, `subject.*`, `signature.*`, `input.*`).
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        findings_tuple(py, &self.findings, &self.inner.findings)
    }

    /// The findings of severity "error".
    #[getter]
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        errors_tuple(py, &self.findings, &self.inner.findings)
    }

    /// What the request asks for, or None when it does not parse.
    #[getter]
    fn csr(&self) -> Option<CsrInfo> {
        self.inner.csr.clone().map(|inner| CsrInfo { inner })
    }

    /// Whether any finding has this code, e.g. `report.has("subject.missing_attribute")`.
    fn has(&self, code: &str) -> bool {
        self.inner.findings.iter().any(|f| f.code.as_str() == code)
    }

    /// The report as a dict, in the shape `chainvet csr --json` prints.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &serde_json::to_value(&self.inner).unwrap_or_default())
    }

    /// The report as JSON text (`chainvet csr --json`); `indent` pretty-prints.
    #[pyo3(signature = (*, indent=None))]
    fn to_json(&self, indent: Option<usize>) -> String {
        to_json(&self.inner, indent)
    }

    fn __repr__(&self) -> String {
        format!(
            "<CsrReport accepted={} findings={}>",
            if self.inner.accepted { "True" } else { "False" },
            self.inner.findings.len()
        )
    }
}

/// What a certificate signing request asks for.
#[pyclass(frozen, eq, module = "chainvet", name = "CsrInfo")]
#[derive(PartialEq)]
pub(crate) struct CsrInfo {
    inner: chainvet::csr::CsrInfo,
}

#[pymethods]
impl CsrInfo {
    /// Subject DN, RFC 4514 (most specific attribute first, e.g. "CN=a,O=b,C=DE").
    #[getter]
    fn subject(&self) -> &str {
        &self.inner.subject
    }

    /// Public key, e.g. "RSA 2048", "EC P-256".
    #[getter]
    fn key(&self) -> &str {
        &self.inner.key
    }

    /// The algorithm of the request's self-signature, e.g. "ecdsa-with-SHA256".
    #[getter]
    fn signature_algorithm(&self) -> &str {
        &self.inner.signature_algorithm
    }

    /// subjectAltName DNS names requested (extensionRequest).
    #[getter]
    fn dns_names(&self) -> Vec<String> {
        self.inner.dns_names.clone()
    }

    /// The request summary as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &serde_json::to_value(&self.inner).unwrap_or_default())
    }

    fn __repr__(&self) -> String {
        format!(
            "<CsrInfo subject={:?} key={:?}>",
            self.inner.subject, self.inner.key
        )
    }
}
