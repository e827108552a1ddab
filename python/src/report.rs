//! `Report`, `Finding`, `CertificateInfo` and `Chain`: read-only views of the core's
//! report. Python objects (findings, certificates, datetimes) are built on first access
//! and cached, so a caller that only reads `accepted` pays for nothing else.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDateTime, PyInt, PyTuple};

use pyo3::exceptions::PyValueError;

use std::sync::Arc;

use crate::json;
use crate::revocation::RevocationInfo;
use crate::time::parse_datetime;
use crate::verdict::Verdict;

/// The result of vetting one input: the verdict and every finding (`Verdict`), every
/// certificate, the chain, the revocation status.
#[pyclass(frozen, extends = Verdict, module = "chainvet", name = "Report")]
pub(crate) struct Report {
    inner: Arc<chainvet::Report>,
    certificates: PyOnceLock<Py<PyTuple>>,
    revocation: PyOnceLock<Py<PyTuple>>,
}

impl Report {
    /// A Python `Report` of `inner`.
    pub(crate) fn new(py: Python<'_>, inner: chainvet::Report) -> PyResult<Py<Report>> {
        let inner = Arc::new(inner);
        let base = Verdict::new(Arc::clone(&inner) as Arc<dyn crate::verdict::Outcome>);
        let report = Report {
            inner,
            certificates: PyOnceLock::new(),
            revocation: PyOnceLock::new(),
        };
        Py::new(py, PyClassInitializer::from(base).add_subclass(report))
    }
}

/// The findings as a tuple of `Finding`, built once into `cache`.
pub(crate) fn findings_tuple<'py>(
    py: Python<'py>,
    cache: &PyOnceLock<Py<PyTuple>>,
    findings: &[chainvet::Finding],
) -> PyResult<Bound<'py, PyTuple>> {
    cache
        .get_or_try_init(py, || {
            let items = findings.iter().map(|f| Finding { inner: f.clone() });
            PyTuple::new(py, items).map(Bound::unbind)
        })
        .map(|t| t.bind(py).clone())
}

/// The findings of severity "error", from the cached tuple of all of them.
pub(crate) fn errors_tuple<'py>(
    py: Python<'py>,
    cache: &PyOnceLock<Py<PyTuple>>,
    findings: &[chainvet::Finding],
) -> PyResult<Bound<'py, PyTuple>> {
    let all = findings_tuple(py, cache, findings)?;
    let errors = findings
        .iter()
        .zip(all.iter())
        .filter(|(f, _)| f.severity == chainvet::Severity::Error)
        .map(|(_, item)| item)
        .collect::<Vec<_>>();
    PyTuple::new(py, errors)
}

/// Serialises plain data (strings, numbers, enums) as JSON; `indent` pretty-prints.
pub(crate) fn to_json(value: &impl serde::Serialize, indent: Option<usize>) -> String {
    let mut out = Vec::new();
    // Serialising plain strings, numbers and enums into a Vec cannot fail.
    let _ = match indent {
        None => value.serialize(&mut serde_json::Serializer::new(&mut out)),
        Some(n) => {
            let indent = " ".repeat(n);
            let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
            value.serialize(&mut serde_json::Serializer::with_formatter(
                &mut out, formatter,
            ))
        }
    };
    String::from_utf8(out).unwrap_or_default()
}

#[pymethods]
impl Report {
    /// Every parsed certificate, in input order.
    #[getter]
    fn certificates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.certificates
            .get_or_try_init(py, || {
                let items = self
                    .inner
                    .certificates
                    .iter()
                    .map(|c| CertificateInfo { inner: c.clone() });
                PyTuple::new(py, items).map(Bound::unbind)
            })
            .map(|t| t.bind(py).clone())
    }

    /// The chain assembled from the input: which certificate is the leaf and why, and
    /// the leaf-to-root order.
    #[getter]
    fn chain(&self) -> Chain {
        Chain {
            inner: self.inner.chain.clone(),
        }
    }

    /// The revocation status of each certificate checked (by default the leaf) and
    /// where it came from; empty when revocation checking is off.
    #[getter]
    fn revocation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.revocation
            .get_or_try_init(py, || {
                let items = self
                    .inner
                    .revocation
                    .iter()
                    .map(|r| RevocationInfo::new(r.clone()));
                PyTuple::new(py, items).map(Bound::unbind)
            })
            .map(|t| t.bind(py).clone())
    }

    /// Trust-store mode with chainvet's RFC 5280 engine, on an accepted path: the
    /// certificate policies it is valid for, as dotted OIDs ("2.5.29.32.0" is
    /// anyPolicy), named in the trust anchor's domain (RFC 5280 6.1.5 (g)); an empty
    /// tuple when the path is valid for no particular policy. None otherwise (bundle
    /// mode, the webpki engine, a rejected path).
    #[getter]
    fn certificate_policies<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        self.inner
            .certificate_policies
            .as_ref()
            .map(|p| PyTuple::new(py, p))
            .transpose()
    }

    /// The validation time used (aware, UTC).
    #[getter]
    fn validated_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        parse_datetime(py, &self.inner.validated_at)
    }

    /// A report from its JSON (`to_json`, `chainvet check --json`); raises `ValueError`
    /// for anything else.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Py<Report>> {
        let report = serde_json::from_str(text)
            .map_err(|e| PyValueError::new_err(format!("not a chainvet report: {e}")))?;
        Report::new(py, report)
    }

    /// A report from its dict (`to_dict`).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Py<Report>> {
        let text = py.import("json")?.call_method1("dumps", (data,))?;
        Report::from_json(py, &text.extract::<String>()?)
    }

    /// Pickling and `copy` go through the JSON form.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (to_json(&*slf.get().inner, None),)))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Report accepted={} findings={} certificates={}>",
            if self.inner.accepted { "True" } else { "False" },
            self.inner.findings.len(),
            self.inner.certificates.len()
        )
    }
}

/// One problem (or remark) about the input.
#[pyclass(frozen, eq, module = "chainvet", name = "Finding")]
#[derive(PartialEq)]
pub(crate) struct Finding {
    inner: chainvet::Finding,
}

impl Finding {
    pub(crate) fn from_core(inner: chainvet::Finding) -> Finding {
        Finding { inner }
    }
}

/// `(chainvet._native._restore, (kind, json))`: what pickle and `copy` call to rebuild.
fn restore_with<'py>(
    py: Python<'py>,
    kind: &str,
    value: &impl serde::Serialize,
) -> PyResult<(Bound<'py, PyAny>, (String, String))> {
    let restore = py.import("chainvet._native")?.getattr("_restore")?;
    Ok((restore, (kind.to_owned(), to_json(value, None))))
}

/// A hash of the JSON form, consistent with `==` (which compares every field).
fn hash_of(value: &impl serde::Serialize) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    to_json(value, None).hash(&mut h);
    h.finish()
}

#[pymethods]
impl Finding {
    /// Stable dotted code, e.g. "chain.order_reversed".
    #[getter]
    fn code(&self) -> &'static str {
        self.inner.code.as_str()
    }

    /// "error", "warning" or "info" (after the policy's severity overrides).
    #[getter]
    fn severity(&self) -> &'static str {
        self.inner.severity.as_str()
    }

    /// Index of the certificate concerned, counting certificates in the input as given;
    /// None when the finding is about the input as a whole or a non-certificate block.
    #[getter]
    fn certificate(&self) -> Option<usize> {
        self.inner.certificate
    }

    /// What is wrong, naming the certificate by index and subject.
    #[getter]
    fn message(&self) -> &str {
        &self.inner.message
    }

    /// How to fix it.
    #[getter]
    fn hint(&self) -> &str {
        &self.inner.hint
    }

    /// Operator-facing detail the uploader should not see (e.g. why a responder could
    /// not be reached), or None.
    #[getter]
    fn detail(&self) -> Option<&str> {
        self.inner.detail.as_deref()
    }

    /// The finding as a dict with the keys of the JSON output.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &serde_json::to_value(&self.inner).unwrap_or_default())
    }

    fn __repr__(&self) -> String {
        format!(
            "<Finding {} {} certificate={}: {}>",
            self.inner.severity,
            self.inner.code,
            self.inner
                .certificate
                .map_or_else(|| "None".to_owned(), |i| i.to_string()),
            self.inner.message
        )
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String, String))> {
        restore_with(py, "Finding", &self.inner)
    }

    fn __hash__(&self) -> u64 {
        hash_of(&self.inner)
    }
}

/// A summary of one certificate of the input.
#[pyclass(frozen, eq, module = "chainvet", name = "CertificateInfo")]
#[derive(PartialEq)]
pub(crate) struct CertificateInfo {
    inner: chainvet::CertificateInfo,
}

impl CertificateInfo {
    pub(crate) fn from_core(inner: chainvet::CertificateInfo) -> CertificateInfo {
        CertificateInfo { inner }
    }
}

#[pymethods]
impl CertificateInfo {
    /// Index among the certificates of the input, as given.
    #[getter]
    fn index(&self) -> usize {
        self.inner.index
    }

    /// "leaf", "intermediate", "root", "duplicate", "unrelated" or "malformed".
    #[getter]
    fn role(&self) -> PyResult<String> {
        match serde_json::to_value(self.inner.role) {
            Ok(serde_json::Value::String(s)) => Ok(s),
            _ => Ok(format!("{:?}", self.inner.role).to_lowercase()),
        }
    }

    /// Subject DN, RFC 4514 string (most specific attribute first, e.g. "CN=a,O=b,C=DE").
    #[getter]
    fn subject(&self) -> &str {
        &self.inner.subject
    }

    /// Issuer DN, RFC 4514 string.
    #[getter]
    fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// Serial number as an int: negative for a (non-conforming) negative serial, as
    /// OpenSSL shows it.
    #[getter]
    fn serial<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let hex = if self.inner.serial.is_empty() {
            "0"
        } else {
            &self.inner.serial
        };
        py.get_type::<PyInt>().call1((hex, 16))
    }

    /// Serial number as lowercase hex of its DER content octets without the sign byte
    /// (leading zero octets of a non-minimal encoding are kept); a negative serial as
    /// `-` and its magnitude, e.g. `-04316693ed`.
    #[getter]
    fn serial_hex(&self) -> &str {
        &self.inner.serial
    }

    /// notBefore, an aware datetime in UTC.
    #[getter]
    fn not_before<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        parse_datetime(py, &self.inner.not_before)
    }

    /// notAfter, an aware datetime in UTC.
    #[getter]
    fn not_after<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        parse_datetime(py, &self.inner.not_after)
    }

    /// SHA-256 of the DER encoding, lowercase hex.
    #[getter]
    fn sha256(&self) -> &str {
        &self.inner.sha256
    }

    /// Public key, e.g. "RSA 2048", "EC P-256", "Ed25519".
    #[getter]
    fn key(&self) -> &str {
        &self.inner.key
    }

    /// Signature algorithm of the certificate's own signature, e.g. "ecdsa-with-SHA256".
    #[getter]
    fn signature_algorithm(&self) -> &str {
        &self.inner.signature_algorithm
    }

    /// Self-issued and verifies with its own key.
    #[getter]
    fn self_signed(&self) -> bool {
        self.inner.self_signed
    }

    /// dNSName entries of the subjectAltName, in certificate order.
    #[getter]
    fn dns_names(&self) -> Vec<String> {
        self.inner.san.dns.clone()
    }

    /// iPAddress entries of the subjectAltName as text ("192.0.2.1", "2001:db8::1").
    #[getter]
    fn ip_addresses(&self) -> Vec<String> {
        self.inner.san.ip.clone()
    }

    /// rfc822Name (email) entries of the subjectAltName.
    #[getter]
    fn emails(&self) -> Vec<String> {
        self.inner.san.email.clone()
    }

    /// uniformResourceIdentifier entries of the subjectAltName.
    #[getter]
    fn uris(&self) -> Vec<String> {
        self.inner.san.uri.clone()
    }

    /// The SPIFFE IDs among `uris` (those with the `spiffe://` scheme).
    #[getter]
    fn spiffe_ids(&self) -> Vec<String> {
        let spiffe = |u: &&String| {
            u.get(..9)
                .is_some_and(|s| s.eq_ignore_ascii_case("spiffe://"))
        };
        self.inner.san.uri.iter().filter(spiffe).cloned().collect()
    }

    /// SHA-256 of the SubjectPublicKeyInfo, lowercase hex (what
    /// `Registration.from_spki_sha256` pins).
    #[getter]
    fn spki_sha256(&self) -> &str {
        &self.inner.spki_sha256
    }

    /// The certificate summary as a dict with the keys of the JSON output.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &serde_json::to_value(&self.inner).unwrap_or_default())
    }

    fn __repr__(&self) -> PyResult<String> {
        Ok(format!(
            "<CertificateInfo {} {} subject={:?} serial=0x{}>",
            self.inner.index,
            self.role()?,
            self.inner.subject,
            self.inner.serial
        ))
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String, String))> {
        restore_with(py, "CertificateInfo", &self.inner)
    }

    fn __hash__(&self) -> u64 {
        hash_of(&self.inner)
    }
}

/// The chain assembled from the input.
#[pyclass(frozen, eq, module = "chainvet", name = "Chain")]
#[derive(PartialEq)]
pub(crate) struct Chain {
    inner: chainvet::ChainSummary,
}

#[pymethods]
impl Chain {
    /// Index of the certificate taken as the leaf, or None.
    #[getter]
    fn leaf(&self) -> Option<usize> {
        self.inner.leaf
    }

    /// Why that certificate was taken as the leaf.
    #[getter]
    fn leaf_reason(&self) -> &str {
        &self.inner.leaf_reason
    }

    /// Certificate indices from the leaf towards the root: the correct order.
    #[getter]
    fn path(&self) -> Vec<usize> {
        self.inner.path.clone()
    }

    fn __repr__(&self) -> String {
        let leaf = self
            .inner
            .leaf
            .map_or_else(|| "None".to_owned(), |i| i.to_string());
        format!("<Chain leaf={leaf} path={:?}>", self.inner.path)
    }
}
