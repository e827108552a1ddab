//! `chainvet.Policy`: the core's `Policy`, built from keyword arguments, TOML or JSON.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

use crate::errors::{policy_error, policy_load_error};
use crate::json;

mod revocation;
mod subject;

pub(crate) use revocation::RevocationPolicy;
pub(crate) use subject::SubjectPolicy;

/// Every rule the validator applies. `Policy()` is the mTLS onboarding default;
/// keyword arguments change single knobs, e.g.
/// `Policy(leaf_min_lifetime_days=0, severity={"chain.root_missing": "off"})`.
/// Unknown knobs raise `PolicyError`, so a typo never silently weakens a policy. The
/// tables `subject` and `revocation` take a dict or a `SubjectPolicy` /
/// `RevocationPolicy`, and replace the whole table.
#[pyclass(frozen, eq, module = "chainvet", name = "Policy")]
#[derive(PartialEq)]
pub(crate) struct Policy {
    pub(crate) inner: chainvet::Policy,
}

/// A `T` from the JSON object `base` with `knobs` (keyword arguments) set on it, so
/// serde's `deny_unknown_fields` and type checks apply as for a policy file. `what`
/// names a knob in errors, e.g. "policy knob".
pub(crate) fn with_knobs<T: serde::de::DeserializeOwned>(
    base: Value,
    knobs: Option<&Bound<'_, PyDict>>,
    what: &str,
) -> PyResult<T> {
    let Value::Object(mut map) = base else {
        return Err(policy_error("internal: a policy is not a JSON object"));
    };
    let base = map.clone();
    let mut keys = Vec::new();
    if let Some(knobs) = knobs {
        for (key, value) in knobs.iter() {
            let key: String = key.extract()?;
            let value = knob_value(&value, &format!("{what} `{key}`"))?;
            map.insert(key.clone(), value);
            keys.push(key);
        }
    }
    match serde_json::from_value(Value::Object(map.clone())) {
        Ok(inner) => Ok(inner),
        Err(e) => {
            // serde_json's errors for values carry no path: find the knob that fails on
            // its own so the message names it.
            for key in &keys {
                let mut one = base.clone();
                if let Some(v) = map.get(key) {
                    one.insert(key.clone(), v.clone());
                }
                if let Err(e) = serde_json::from_value::<T>(Value::Object(one)) {
                    return Err(policy_error(format!("invalid {what} `{key}`: {e}")));
                }
            }
            Err(policy_error(format!("invalid {what}: {e}")))
        }
    }
}

/// A knob's value as JSON: a `SubjectPolicy` or `RevocationPolicy` object stands for its
/// table, anything else is converted as plain data.
fn knob_value(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    if let Ok(subject) = value.cast::<SubjectPolicy>() {
        return Ok(serde_json::to_value(&subject.get().inner).unwrap_or(Value::Null));
    }
    if let Ok(revocation) = value.cast::<RevocationPolicy>() {
        return Ok(serde_json::to_value(&revocation.get().inner).unwrap_or(Value::Null));
    }
    json::from_py(value, what)
}

impl Policy {
    fn with_knobs(base: Value, knobs: Option<&Bound<'_, PyDict>>) -> PyResult<Policy> {
        with_knobs(base, knobs, "policy knob").map(|inner| Policy { inner })
    }

    fn as_json(&self) -> Value {
        // Serialising plain data cannot fail; `Null` would only make getters return None.
        serde_json::to_value(&self.inner).unwrap_or(Value::Null)
    }

    fn knob<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, self.as_json().get(name).unwrap_or(&Value::Null))
    }
}

#[pymethods]
impl Policy {
    #[new]
    #[pyo3(signature = (**knobs))]
    fn new(knobs: Option<&Bound<'_, PyDict>>) -> PyResult<Policy> {
        Policy::with_knobs(Value::Object(serde_json::Map::new()), knobs)
    }

    /// Parses a policy from TOML text (the format of `chainvet check --policy`).
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Policy> {
        chainvet::Policy::from_toml(text)
            .map(|inner| Policy { inner })
            .map_err(policy_load_error)
    }

    /// Parses a policy from JSON text.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Policy> {
        chainvet::Policy::from_json(text)
            .map(|inner| Policy { inner })
            .map_err(policy_load_error)
    }

    /// Loads a policy file (TOML, or JSON if it starts with `{`); a relative
    /// `trust_store` is resolved against the file's directory.
    #[staticmethod]
    fn from_file(path: PathBuf) -> PyResult<Policy> {
        chainvet::Policy::from_file(&path)
            .map(|inner| Policy { inner })
            .map_err(policy_load_error)
    }

    /// A copy with the given knobs changed.
    #[pyo3(signature = (**knobs))]
    fn replace(&self, knobs: Option<&Bound<'_, PyDict>>) -> PyResult<Policy> {
        Policy::with_knobs(self.as_json(), knobs)
    }

    /// The policy as TOML text, loadable with `from_toml` or `chainvet check --policy`.
    fn to_toml(&self) -> String {
        self.inner.to_toml()
    }

    /// Every knob as a dict (the JSON form of the policy).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.as_json())
    }

    /// Pickling and `copy` go through the JSON form (`from_json`).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().as_json().to_string(),)))
    }

    /// Largest input accepted, in bytes (`input.too_large`).
    #[getter]
    fn max_input_bytes(&self) -> usize {
        self.inner.max_input_bytes
    }

    /// Most certificates a bundle may hold (`chain.too_long`).
    #[getter]
    fn max_certificates(&self) -> usize {
        self.inner.max_certificates
    }

    /// Minimum leaf lifetime in days (`validity.too_short`); 0 = off.
    #[getter]
    fn leaf_min_lifetime_days(&self) -> u32 {
        self.inner.leaf_min_lifetime_days
    }

    /// Maximum leaf lifetime in days (`validity.too_long`); 0 = no maximum.
    #[getter]
    fn leaf_max_lifetime_days(&self) -> u32 {
        self.inner.leaf_max_lifetime_days
    }

    /// Warn when the leaf expires within this many days (`validity.expires_soon`).
    #[getter]
    fn renewal_window_days(&self) -> u32 {
        self.inner.renewal_window_days
    }

    /// Smallest RSA modulus in bits (`key.rsa_too_small`); 0 = off.
    #[getter]
    fn rsa_min_bits(&self) -> u32 {
        self.inner.rsa_min_bits
    }

    /// EC curves allowed (`key.curve_not_allowed`), e.g. `["P-256", "P-384"]`.
    #[getter]
    fn allowed_curves<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.knob(py, "allowed_curves")
    }

    /// Key algorithms allowed (`key.algorithm_not_allowed`), e.g. `["rsa", "ec"]`.
    #[getter]
    fn allowed_key_algorithms<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.knob(py, "allowed_key_algorithms")
    }

    /// The leaf must carry extendedKeyUsage clientAuth (`leaf.client_auth_missing`).
    #[getter]
    fn require_client_auth_eku(&self) -> bool {
        self.inner.require_client_auth_eku
    }

    /// A client leaf's keyUsage, if present, must allow digitalSignature or keyAgreement
    /// (`leaf.key_usage_unsuitable`).
    #[getter]
    fn require_tls_client_key_usage(&self) -> bool {
        self.inner.require_tls_client_key_usage
    }

    /// A PEM file of trusted roots, or None.
    #[getter]
    fn trust_store(&self) -> Option<String> {
        self.inner
            .trust_store
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned())
    }

    /// Subject rules for the leaf and for CSRs (the `[subject]` table); everything off
    /// by default.
    #[getter]
    fn subject(&self) -> SubjectPolicy {
        SubjectPolicy {
            inner: self.inner.subject.clone(),
        }
    }

    /// Revocation checking (the `[revocation]` table): mode, scope, timeouts, cache.
    #[getter]
    fn revocation(&self) -> RevocationPolicy {
        RevocationPolicy {
            inner: self.inner.revocation.clone(),
        }
    }

    /// Per-code severity overrides, e.g. `{"validity.too_short": "warning"}`.
    #[getter]
    fn severity<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.knob(py, "severity")
    }

    /// `Policy(knob=value, ...)` listing the knobs that differ from the default.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        changed_repr(py, "Policy", self.as_json(), &chainvet::Policy::default())
    }
}

/// `Name(knob=value, ...)` listing the knobs of `mine` that differ from `default`; the
/// `subject` and `revocation` tables as `SubjectPolicy(...)` / `RevocationPolicy(...)`
/// listing their own changed knobs.
fn changed_repr(
    py: Python<'_>,
    name: &str,
    mine: Value,
    default: &impl serde::Serialize,
) -> PyResult<String> {
    let default = serde_json::to_value(default).unwrap_or(Value::Null);
    let mut changed = Vec::new();
    if let (Value::Object(mine), Value::Object(default)) = (mine, default) {
        for (k, v) in mine {
            let Some(d) = default.get(&k).filter(|d| **d != v) else {
                if !default.contains_key(&k) {
                    changed.push(format!("{k}={}", json::to_py(py, &v)?.repr()?));
                }
                continue;
            };
            let table = match k.as_str() {
                "subject" => Some("SubjectPolicy"),
                "revocation" => Some("RevocationPolicy"),
                _ => None,
            };
            let shown = match table {
                Some(table) => changed_repr(py, table, v, d)?,
                None => json::to_py(py, &v)?.repr()?.to_string(),
            };
            changed.push(format!("{k}={shown}"));
        }
    }
    Ok(format!("{name}({})", changed.join(", ")))
}
