//! `CsrReport` and `CsrInfo`: the CSR pre-flight a client runs before sending a
//! certificate signing request, with the same key and subject rules as `validate`.

use std::sync::Arc;

use pyo3::prelude::*;

use crate::json;
use crate::verdict::Verdict;

/// What a `data` argument of `check_csr` may be.
pub(crate) const CSR_FORMS: &str = "bytes (PEM or DER) or str (PEM text), an os.PathLike (a \
     CSR file), or a cryptography.x509.CertificateSigningRequest";

/// The result of a CSR pre-flight: the verdict and every finding (`Verdict`: `csr.*`,
/// `key.*`, `subject.*`, `signature.*`, `input.*`; accepted means a certificate issued
/// for this request passes the same key and subject rules), and what the request asks
/// for.
#[pyclass(frozen, extends = Verdict, module = "chainvet", name = "CsrReport")]
pub(crate) struct CsrReport {
    inner: Arc<chainvet::CsrReport>,
}

impl CsrReport {
    /// A Python `CsrReport` of `inner`.
    pub(crate) fn new(py: Python<'_>, inner: chainvet::CsrReport) -> PyResult<Py<CsrReport>> {
        let inner = Arc::new(inner);
        let base = Verdict::new(Arc::clone(&inner) as Arc<dyn crate::verdict::Outcome>);
        Py::new(
            py,
            PyClassInitializer::from(base).add_subclass(CsrReport { inner }),
        )
    }
}

#[pymethods]
impl CsrReport {
    /// What the request asks for, or None when it does not parse.
    #[getter]
    fn csr(&self) -> Option<CsrInfo> {
        self.inner.csr.clone().map(|inner| CsrInfo { inner })
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
