//! `chainvet.RevocationPolicy`: the `[revocation]` table of a policy, typed.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

use crate::json;

/// Revocation checking (OCSP and CRLs), the `[revocation]` table of a policy. The
/// default is soft-fail for the leaf. Use it as
/// `Policy(revocation=RevocationPolicy(mode="hard-fail", scope="chain"))`.
///
/// Knobs: `mode` ("off", "soft-fail", "hard-fail"), `scope` ("leaf", "chain"), `prefer`
/// ("ocsp", "crl"), `require_url`, `cert_id_hash` ("sha1", "sha256"),
/// `clock_skew_seconds`, `max_age_seconds`, `timeout_ms`, `max_ocsp_bytes`,
/// `max_crl_bytes`, `cache_max_entries`, `cache_max_bytes`. Unknown knobs raise
/// `PolicyError`.
#[pyclass(frozen, eq, module = "chainvet", name = "RevocationPolicy")]
#[derive(PartialEq)]
pub(crate) struct RevocationPolicy {
    pub(crate) inner: chainvet::RevocationPolicy,
}

impl RevocationPolicy {
    fn as_json(&self) -> Value {
        serde_json::to_value(&self.inner).unwrap_or(Value::Null)
    }

    fn text(&self, knob: &str) -> String {
        match self.as_json().get(knob) {
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        }
    }
}

#[pymethods]
impl RevocationPolicy {
    #[new]
    #[pyo3(signature = (**knobs))]
    fn new(knobs: Option<&Bound<'_, PyDict>>) -> PyResult<RevocationPolicy> {
        super::with_knobs(
            Value::Object(serde_json::Map::new()),
            knobs,
            "revocation knob",
        )
        .map(|inner| RevocationPolicy { inner })
    }

    /// A copy with the given knobs changed.
    #[pyo3(signature = (**knobs))]
    fn replace(&self, knobs: Option<&Bound<'_, PyDict>>) -> PyResult<RevocationPolicy> {
        super::with_knobs(self.as_json(), knobs, "revocation knob")
            .map(|inner| RevocationPolicy { inner })
    }

    /// "off", "soft-fail" (an unreachable responder is a warning) or "hard-fail" (it
    /// rejects).
    #[getter]
    fn mode(&self) -> String {
        self.text("mode")
    }

    /// "leaf" or "chain" (every certificate but a self-signed root).
    #[getter]
    fn scope(&self) -> String {
        self.text("scope")
    }

    /// "ocsp" or "crl": asked first over the network; the other is the fallback.
    #[getter]
    fn prefer(&self) -> String {
        self.text("prefer")
    }

    /// Report `revocation.no_ocsp_url` for a certificate naming neither an OCSP
    /// responder nor a CRL distribution point.
    #[getter]
    fn require_url(&self) -> bool {
        self.inner.require_url
    }

    /// Hash of the CertID in requests chainvet builds: "sha1" or "sha256".
    #[getter]
    fn cert_id_hash(&self) -> String {
        self.text("cert_id_hash")
    }

    /// Tolerated clock difference for thisUpdate and nextUpdate, in seconds.
    #[getter]
    fn clock_skew_seconds(&self) -> u32 {
        self.inner.clock_skew_seconds
    }

    /// How long a response or CRL without nextUpdate counts as fresh, in seconds.
    #[getter]
    fn max_age_seconds(&self) -> u32 {
        self.inner.max_age_seconds
    }

    /// Total time allowed for one fetch (connect to last byte, redirects), in ms.
    #[getter]
    fn timeout_ms(&self) -> u32 {
        self.inner.timeout_ms
    }

    /// Largest OCSP response accepted, in bytes.
    #[getter]
    fn max_ocsp_bytes(&self) -> usize {
        self.inner.max_ocsp_bytes
    }

    /// Largest CRL accepted, in bytes.
    #[getter]
    fn max_crl_bytes(&self) -> usize {
        self.inner.max_crl_bytes
    }

    /// Most responses and CRLs a validator's cache holds.
    #[getter]
    fn cache_max_entries(&self) -> usize {
        self.inner.cache_max_entries
    }

    /// Most bytes a validator's cache holds.
    #[getter]
    fn cache_max_bytes(&self) -> usize {
        self.inner.cache_max_bytes
    }

    /// Every knob as a dict (the JSON form of the table).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.as_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        super::changed_repr(
            py,
            "RevocationPolicy",
            self.as_json(),
            &chainvet::RevocationPolicy::default(),
        )
    }
}
