//! Revocation: the per-certificate statuses of a `Report` (`RevocationInfo`), the
//! verified answers of the sans-IO API (`RevocationAnswer`), and the sans-IO API itself
//! for services that fetch OCSP responses and CRLs themselves (`ocsp`, `crl`).

pub(crate) mod crl;
pub(crate) mod ocsp;

use chainvet::revocation::{Answer, CertStatus};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDateTime;

use crate::json;
use crate::policy::{Policy, RevocationPolicy};
use crate::time::{parse_datetime, to_datetime};

/// A serde enum's name, e.g. `not_checked`, `keyCompromise`, `ocsp`.
fn name_of(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn optional_datetime<'py>(
    py: Python<'py>,
    s: Option<&str>,
) -> PyResult<Option<Bound<'py, PyDateTime>>> {
    s.map(|s| parse_datetime(py, s)).transpose()
}

/// The revocation status of one certificate of a report, and where it came from.
#[pyclass(frozen, eq, module = "chainvet", name = "RevocationInfo")]
#[derive(PartialEq)]
pub(crate) struct RevocationInfo {
    inner: chainvet::revocation::RevocationInfo,
}

impl RevocationInfo {
    pub(crate) fn new(inner: chainvet::revocation::RevocationInfo) -> RevocationInfo {
        RevocationInfo { inner }
    }
}

#[pymethods]
impl RevocationInfo {
    /// Index of the certificate in the input, as in `Report.certificates`.
    #[getter]
    fn certificate(&self) -> usize {
        self.inner.certificate
    }

    /// "good", "revoked", "unknown" (the OCSP responder does not know it),
    /// "unavailable" (no response could be obtained), "invalid" (a response was
    /// obtained but is not valid) or "not_checked" (nothing to check against).
    #[getter]
    fn status(&self) -> String {
        name_of(&self.inner.status)
    }

    /// "ocsp" or "crl", when a response or CRL was used.
    #[getter]
    fn method(&self) -> Option<String> {
        self.inner.method.as_ref().map(name_of)
    }

    /// "stapled", "supplied", "cache" or "network", when a response or CRL was used.
    #[getter]
    fn source(&self) -> Option<String> {
        self.inner.source.as_ref().map(name_of)
    }

    /// The responder or CRL URL, or which supplied item (e.g. "stapled OCSP response").
    #[getter]
    fn responder(&self) -> Option<&str> {
        self.inner.responder.as_deref()
    }

    /// Who signed the response or CRL, e.g. "CN=Example Issuing CA".
    #[getter]
    fn signer(&self) -> Option<&str> {
        self.inner.signer.as_deref()
    }

    /// thisUpdate, aware UTC.
    #[getter]
    fn this_update<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        optional_datetime(py, self.inner.this_update.as_deref())
    }

    /// nextUpdate, aware UTC, if the source set one.
    #[getter]
    fn next_update<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        optional_datetime(py, self.inner.next_update.as_deref())
    }

    /// Until when the status counts as fresh, aware UTC.
    #[getter]
    fn valid_until<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        optional_datetime(py, self.inner.valid_until.as_deref())
    }

    /// When the certificate was revoked, aware UTC.
    #[getter]
    fn revoked_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        optional_datetime(py, self.inner.revoked_at.as_deref())
    }

    /// Why it was revoked, as RFC 5280 names it (e.g. "keyCompromise"), if stated.
    #[getter]
    fn reason(&self) -> Option<&'static str> {
        self.inner.reason.map(|r| r.as_str())
    }

    /// Why no status was established, or what was wrong with the response.
    #[getter]
    fn detail(&self) -> Option<&str> {
        self.inner.detail.as_deref()
    }

    /// The status as a dict with the keys of the JSON output.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &serde_json::to_value(&self.inner).unwrap_or_default())
    }

    fn __repr__(&self) -> String {
        let how = match (&self.inner.method, &self.inner.source) {
            (Some(m), Some(s)) => format!(" {m} ({s})"),
            _ => String::new(),
        };
        format!(
            "<RevocationInfo certificate={} {}{how}>",
            self.inner.certificate,
            self.status()
        )
    }
}

/// A verified statement about one certificate from an OCSP response or a CRL: its
/// status and the window in which it may be relied on.
#[pyclass(frozen, eq, module = "chainvet", name = "RevocationAnswer")]
#[derive(PartialEq)]
pub(crate) struct RevocationAnswer {
    inner: Answer,
}

impl RevocationAnswer {
    pub(crate) fn new(inner: Answer) -> RevocationAnswer {
        RevocationAnswer { inner }
    }
}

#[pymethods]
impl RevocationAnswer {
    /// "good", "revoked" or "unknown" (OCSP only: the responder does not know it).
    #[getter]
    fn status(&self) -> &'static str {
        match self.inner.status {
            CertStatus::Good => "good",
            CertStatus::Revoked { .. } => "revoked",
            CertStatus::Unknown => "unknown",
        }
    }

    /// When the certificate was revoked, aware UTC (None unless revoked).
    #[getter]
    fn revoked_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        match self.inner.status {
            CertStatus::Revoked { time, .. } => to_datetime(py, time).map(Some),
            _ => Ok(None),
        }
    }

    /// Why it was revoked (e.g. "keyCompromise"), if stated.
    #[getter]
    fn reason(&self) -> Option<&'static str> {
        match self.inner.status {
            CertStatus::Revoked { reason, .. } => reason.map(|r| r.as_str()),
            _ => None,
        }
    }

    /// "ocsp" or "crl".
    #[getter]
    fn method(&self) -> String {
        name_of(&self.inner.method)
    }

    /// thisUpdate, aware UTC.
    #[getter]
    fn this_update<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        to_datetime(py, self.inner.this_update)
    }

    /// nextUpdate, aware UTC, if the source set one.
    #[getter]
    fn next_update<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        self.inner
            .next_update
            .map(|t| to_datetime(py, t))
            .transpose()
    }

    /// The OCSP response's producedAt, aware UTC (None for CRLs).
    #[getter]
    fn produced_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        self.inner
            .produced_at
            .map(|t| to_datetime(py, t))
            .transpose()
    }

    /// Until when the answer counts as fresh: nextUpdate, or thisUpdate plus the
    /// policy's `max_age_seconds`. Cache it until then.
    #[getter]
    fn valid_until<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        to_datetime(py, self.inner.valid_until)
    }

    /// Who signed it, e.g. "CN=Example Issuing CA" or "delegated responder CN=OCSP".
    #[getter]
    fn signer(&self) -> &str {
        &self.inner.signer
    }

    fn __repr__(&self) -> String {
        format!(
            "<RevocationAnswer {} {} until {}>",
            self.status(),
            self.inner.method,
            self.inner.valid_until
        )
    }
}

/// The revocation policy of a `policy` argument: a `Policy` (its `revocation` table), a
/// `RevocationPolicy`, or None (the default).
pub(crate) fn revocation_policy(
    policy: Option<&Bound<'_, PyAny>>,
) -> PyResult<chainvet::RevocationPolicy> {
    let Some(policy) = policy.filter(|p| !p.is_none()) else {
        return Ok(chainvet::RevocationPolicy::default());
    };
    if let Ok(p) = policy.cast::<Policy>() {
        return Ok(p.get().inner.revocation.clone());
    }
    if let Ok(p) = policy.cast::<RevocationPolicy>() {
        return Ok(p.get().inner.clone());
    }
    Err(PyTypeError::new_err(format!(
        "`policy` must be a chainvet.Policy or chainvet.RevocationPolicy, got {}",
        policy.get_type().name()?
    )))
}
