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
/// `max_crl_bytes`, `cache_max_entries`, `cache_max_bytes`, `deadline_ms`,
/// `max_ocsp_urls`, `max_crl_urls`, `negative_cache_seconds`, `allow_destinations`,
/// `deny_private_destinations`, `cache_issuer_share_percent`. Unknown knobs raise
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

/// Refuses an `allow_destinations` entry that is neither a host, an address nor a CIDR
/// block, as a policy file would.
fn checked(policy: chainvet::RevocationPolicy) -> PyResult<chainvet::RevocationPolicy> {
    chainvet::revocation::Destinations::from_policy(&policy)
        .map_err(|e| crate::errors::policy_error(format!("[revocation] {e}")))?;
    Ok(policy)
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
        .and_then(checked)
        .map(|inner| RevocationPolicy { inner })
    }

    /// A copy with the given knobs changed.
    #[pyo3(signature = (**knobs))]
    fn replace(&self, knobs: Option<&Bound<'_, PyDict>>) -> PyResult<RevocationPolicy> {
        super::with_knobs(self.as_json(), knobs, "revocation knob")
            .and_then(checked)
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

    /// Total time for all network work of one validation, in ms.
    #[getter]
    fn deadline_ms(&self) -> u32 {
        self.inner.deadline_ms
    }

    /// Most OCSP URLs tried per certificate.
    #[getter]
    fn max_ocsp_urls(&self) -> usize {
        self.inner.max_ocsp_urls
    }

    /// Most CRL URLs tried per certificate.
    #[getter]
    fn max_crl_urls(&self) -> usize {
        self.inner.max_crl_urls
    }

    /// How long a failed destination is not asked again, in seconds.
    #[getter]
    fn negative_cache_seconds(&self) -> u32 {
        self.inner.negative_cache_seconds
    }

    /// Hosts, addresses and CIDR blocks opened although denied by default (loopback,
    /// link-local, private when denied).
    #[getter]
    fn allow_destinations(&self) -> Vec<String> {
        self.inner.allow_destinations.clone()
    }

    /// Whether private addresses (RFC 1918, ULA) are denied too.
    #[getter]
    fn deny_private_destinations(&self) -> bool {
        self.inner.deny_private_destinations
    }

    /// Most of the cache's bytes one issuer may take, in percent.
    #[getter]
    fn cache_issuer_share_percent(&self) -> u8 {
        self.inner.cache_issuer_share_percent
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
