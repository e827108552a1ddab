//! `Registration`, `Binding`, `BindingOutcome` and `Registry`: is the presented leaf the
//! certificate a client registered?

use std::path::PathBuf;
use std::sync::Arc;

use chainvet::{BindingMode, Timestamp};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDateTime, PyInt, PyString, PyTuple};

use crate::certificate::{self, Pick};
use crate::errors::{RegistrationError, RegistryError, load_error};
use crate::gil;
use crate::input::Input;
use crate::json;
use crate::time::{to_datetime, validation_time};
use crate::verdict::Verdict;

/// One certificate (or fingerprint or public-key pin) registered for a client, parsed
/// once: what binding checks compare with each presented leaf.
#[pyclass(frozen, eq, module = "chainvet", name = "Registration")]
pub(crate) struct Registration {
    pub(crate) inner: chainvet::Registration,
    /// The registered certificate's DER when it was given here (`from_certificate`),
    /// which is what pickling needs; registrations loaded by a `Registry` have none.
    pub(crate) der: Option<Vec<u8>>,
}

impl PartialEq for Registration {
    /// What binding compares: the same registration whether or not its DER was kept.
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

/// What `Registration.__reduce__` returns: the restoring function and its arguments.
type Reduced<'py> = (Bound<'py, PyAny>, (&'static str, Bound<'py, PyAny>, String));

/// Rebuilds a `Registration` for pickle and `copy` (see `Registration.__reduce__`).
#[pyfunction]
pub(crate) fn _restore_registration(
    py: Python<'_>,
    kind: &str,
    value: &Bound<'_, PyAny>,
    label: String,
) -> PyResult<Registration> {
    match kind {
        "certificate" => Registration::from_certificate(py, value, Some(label)),
        "sha256" => Registration::from_sha256(&value.extract::<String>()?, Some(label)),
        "spki" => Registration::from_spki_sha256(&value.extract::<String>()?, Some(label)),
        _ => Err(PyValueError::new_err(format!(
            "cannot restore a {kind} registration"
        ))),
    }
}

fn registration_error(e: chainvet::binding::RegistrationError) -> PyErr {
    RegistrationError::new_err(e.0)
}

impl Registration {
    fn labelled(inner: chainvet::Registration, label: Option<String>) -> Registration {
        Registration {
            inner: match label {
                Some(l) => inner.with_label(l),
                None => inner,
            },
            der: None,
        }
    }
}

#[pymethods]
impl Registration {
    /// Registers a certificate: bytes (PEM or DER) or str (PEM text), an os.PathLike (a
    /// PEM or DER file), a cryptography.x509.Certificate, or a list of certificates leaf
    /// first. A PEM bundle registers its leaf. Raises `RegistrationError` for anything
    /// else, and for input holding a private key (whose content is never shown).
    /// `label` names the registration in messages (default "CN <cn>, serial <hex>").
    #[staticmethod]
    #[pyo3(signature = (data, *, label=None))]
    fn from_certificate(
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        label: Option<String>,
    ) -> PyResult<Registration> {
        let input = Input::extract(data, "data")?;
        let cert = gil::enter(py, || certificate::parse(input, Pick::Leaf))?
            .map_err(|e| e.into_py::<RegistrationError>("cannot register the certificate"))?;
        let inner = chainvet::Registration::from_certificate(&cert);
        let mut registration = Registration::labelled(inner, label);
        registration.der = Some(cert.der().to_vec());
        Ok(registration)
    }

    /// Pins the SHA-256 fingerprint of the whole certificate: 64 hex digits, colons
    /// allowed, optionally prefixed `sha256:`. A pin is compared on what it pins,
    /// whatever the binding's mode, and never expires.
    #[staticmethod]
    #[pyo3(signature = (fingerprint, *, label=None))]
    fn from_sha256(fingerprint: &str, label: Option<String>) -> PyResult<Registration> {
        let inner =
            chainvet::Registration::from_sha256_hex(fingerprint).map_err(registration_error)?;
        Ok(Registration::labelled(inner, label))
    }

    /// Pins the SHA-256 of a SubjectPublicKeyInfo (64 hex digits): any certificate for
    /// that key matches, whatever the binding's mode.
    #[staticmethod]
    #[pyo3(signature = (spki_sha256, *, label=None))]
    fn from_spki_sha256(spki_sha256: &str, label: Option<String>) -> PyResult<Registration> {
        let inner = chainvet::Registration::from_spki_sha256_hex(spki_sha256)
            .map_err(registration_error)?;
        Ok(Registration::labelled(inner, label))
    }

    /// A copy named `label` in messages (e.g. the registered file's name).
    fn with_label(&self, label: String) -> Registration {
        Registration {
            inner: self.inner.clone().with_label(label),
            der: self.der.clone(),
        }
    }

    /// How messages name this registration.
    #[getter]
    fn label(&self) -> &str {
        self.inner.label()
    }

    /// "certificate", "sha256" (a fingerprint pin) or "spki" (a public-key pin).
    #[getter]
    fn kind(&self) -> &'static str {
        if self.inner.serial_hex().is_some() {
            "certificate"
        } else if self.inner.sha256().is_some() {
            "sha256"
        } else {
            "spki"
        }
    }

    /// Serial number as an int (a registered certificate only; None for pins).
    #[getter]
    fn serial<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .serial_hex()
            .map(|hex| py.get_type::<PyInt>().call1((hex, 16)))
            .transpose()
    }

    /// Serial number as lowercase hex without the sign byte, e.g. "8001" (None for pins).
    #[getter]
    fn serial_hex(&self) -> Option<String> {
        self.inner.serial_hex()
    }

    /// Subject common name (None for pins, or a certificate without one).
    #[getter]
    fn common_name(&self) -> Option<&str> {
        self.inner.common_name()
    }

    /// Issuer DN, RFC 4514 (None for pins).
    #[getter]
    fn issuer(&self) -> Option<&str> {
        self.inner.issuer()
    }

    /// Subject DN, RFC 4514 (None for pins).
    #[getter]
    fn subject(&self) -> Option<&str> {
        self.inner.subject()
    }

    /// SHA-256 of the certificate, lowercase hex (None for a public-key pin).
    #[getter]
    fn sha256(&self) -> Option<String> {
        self.inner.sha256().map(hex)
    }

    /// SHA-256 of the SubjectPublicKeyInfo, lowercase hex (None for a fingerprint pin).
    #[getter]
    fn spki_sha256(&self) -> Option<String> {
        self.inner.spki_sha256().map(hex)
    }

    /// notAfter of a registered certificate, aware UTC (None for pins, which do not
    /// expire).
    #[getter]
    fn not_after<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        self.inner
            .not_after()
            .map(|t| to_datetime(py, t))
            .transpose()
    }

    /// Whether the registration can match at `at` (an aware datetime; default now): an
    /// expired registered certificate never does.
    #[pyo3(signature = (at=None))]
    fn is_active_at(&self, at: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
        let at = validation_time(at)?.unwrap_or_else(Timestamp::now);
        Ok(self.inner.is_active_at(at))
    }

    /// The registration as a dict (label, serial, common_name, issuer, sha256,
    /// spki_sha256, not_after), as `chainvet match --json` shows it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(
            py,
            &serde_json::to_value(self.inner.info()).unwrap_or_default(),
        )
    }

    fn __repr__(&self) -> String {
        format!("<Registration {} {:?}>", self.kind(), self.inner.label())
    }

    /// Pickling and `copy`: the certificate's DER (or the pinned hash) and the label. A
    /// certificate registration loaded by a `Registry` keeps no DER and raises
    /// `TypeError`: pickle the registry's source instead.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        let restore = py
            .import("chainvet._native")?
            .getattr("_restore_registration")?;
        let label = self.inner.label().to_owned();
        let (kind, value) = match (self.kind(), &self.der) {
            ("certificate", Some(der)) => ("certificate", PyBytes::new(py, der).into_any()),
            ("certificate", None) => {
                return Err(PyTypeError::new_err(
                    "a certificate registration loaded from a registry cannot be pickled; \
                     pickle the registry file or text and load it again",
                ));
            }
            ("sha256", _) => (
                "sha256",
                PyString::new(py, &self.sha256().unwrap_or_default()).into_any(),
            ),
            _ => (
                "spki",
                PyString::new(py, &self.spki_sha256().unwrap_or_default()).into_any(),
            ),
        };
        Ok((restore, (kind, value, label)))
    }
}

fn hex(bytes: [u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A client's registrations and how a presented leaf is compared with them. Build it
/// once (at registration time) and check every request against it.
///
/// `mode`: "serial+cn", "serial+cn+issuer" (default: serials are unique only per
/// issuer), "fingerprint" or "spki". `max_active`: how many registrations may be active
/// (unexpired) at once, default 2 (old and new during a rotation); 0 means no limit.
/// `client` names the client in messages.
#[pyclass(frozen, module = "chainvet", name = "Binding")]
pub(crate) struct Binding {
    pub(crate) inner: Arc<chainvet::Binding>,
}

#[pymethods]
impl Binding {
    #[new]
    #[pyo3(signature = (registrations, *, mode="serial+cn+issuer", max_active=2, client=None))]
    fn new(
        registrations: &Bound<'_, PyAny>,
        mode: &str,
        max_active: usize,
        client: Option<String>,
    ) -> PyResult<Binding> {
        let mode: BindingMode = mode.parse().map_err(PyValueError::new_err)?;
        let mut regs = Vec::new();
        for (i, item) in registrations.try_iter()?.enumerate() {
            let item = item?;
            let reg = item.cast::<Registration>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "`registrations`[{i}] must be a chainvet.Registration (made with \
                     Registration.from_certificate, .from_sha256 or .from_spki_sha256)"
                ))
            })?;
            regs.push(reg.get().inner.clone());
        }
        let mut binding = chainvet::Binding::new(regs)
            .with_mode(mode)
            .with_max_active(max_active);
        if let Some(client) = client {
            binding = binding.with_client(client);
        }
        Ok(Binding {
            inner: Arc::new(binding),
        })
    }

    /// The registrations, in the order given.
    #[getter]
    fn registrations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items = self.inner.registrations().iter().map(|r| Registration {
            inner: r.clone(),
            der: None,
        });
        PyTuple::new(py, items)
    }

    /// The comparison mode, e.g. "serial+cn+issuer".
    #[getter]
    fn mode(&self) -> &'static str {
        self.inner.mode().as_str()
    }

    /// How many registrations may be active at once (0: no limit).
    #[getter]
    fn max_active(&self) -> usize {
        self.inner.max_active()
    }

    /// The client id, if named.
    #[getter]
    fn client(&self) -> Option<&str> {
        self.inner.client()
    }

    fn __len__(&self) -> usize {
        self.inner.registrations().len()
    }

    fn __repr__(&self) -> String {
        let client = self
            .inner
            .client()
            .map_or_else(String::new, |c| format!(" client={c:?}"));
        format!(
            "<Binding{client} mode={} registrations={} max_active={}>",
            self.inner.mode(),
            self.inner.registrations().len(),
            self.inner.max_active()
        )
    }
}

/// The result of checking a presented leaf against a client's registrations: the
/// verdict and the `binding.*` findings (`Verdict`; `certificate.malformed` for an
/// unusable leaf), and the registration matched.
#[pyclass(frozen, extends = Verdict, module = "chainvet", name = "BindingOutcome")]
pub(crate) struct BindingOutcome {
    inner: Arc<chainvet::BindingOutcome>,
    registration: Option<chainvet::Registration>,
}

impl BindingOutcome {
    /// A Python `BindingOutcome` of `inner`, naming the registration of `binding` it
    /// matched.
    pub(crate) fn new(
        py: Python<'_>,
        inner: chainvet::BindingOutcome,
        binding: &chainvet::Binding,
    ) -> PyResult<Py<BindingOutcome>> {
        let registration = inner
            .matched
            .and_then(|i| binding.registrations().get(i))
            .cloned();
        let inner = Arc::new(inner);
        let base = Verdict::new(Arc::clone(&inner) as Arc<dyn crate::verdict::Outcome>);
        let outcome = BindingOutcome {
            inner,
            registration,
        };
        Py::new(py, PyClassInitializer::from(base).add_subclass(outcome))
    }
}

#[pymethods]
impl BindingOutcome {
    /// Index (into `Binding.registrations`) of the registration the leaf matched.
    #[getter]
    fn matched(&self) -> Option<usize> {
        self.inner.matched
    }

    /// The registration the leaf matched, or None.
    #[getter]
    fn registration(&self) -> Option<Registration> {
        self.registration
            .clone()
            .map(|inner| Registration { inner, der: None })
    }

    fn __repr__(&self) -> String {
        format!(
            "<BindingOutcome accepted={} matched={} findings={}>",
            if self.inner.accepted { "True" } else { "False" },
            self.inner
                .matched
                .map_or_else(|| "None".to_owned(), |i| i.to_string()),
            self.inner.findings.len()
        )
    }
}

/// The clients of a registry file (TOML or JSON), each with its `Binding`, loaded and
/// checked once: every certificate file is read and parsed, every fingerprint decoded.
/// Certificate paths are relative to the registry file (or `base_dir`).
#[pyclass(frozen, module = "chainvet", name = "Registry")]
pub(crate) struct Registry {
    inner: chainvet::Registry,
}

impl Registry {
    fn load(
        py: Python<'_>,
        load: impl FnOnce() -> Result<chainvet::Registry, chainvet::RegistryError> + Send,
    ) -> PyResult<Registry> {
        gil::enter(py, load)?
            .map(|inner| Registry { inner })
            .map_err(load_error::<RegistryError>)
    }
}

fn base_dir(base_dir: Option<PathBuf>) -> PathBuf {
    base_dir.unwrap_or_else(|| PathBuf::from("."))
}

#[pymethods]
impl Registry {
    /// Loads a registry file: TOML, or JSON if it starts with `{`. Raises
    /// `RegistryError` saying where (file, line, column, field) and what is wrong.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Registry> {
        Registry::load(py, || chainvet::Registry::from_file(&path))
    }

    /// Parses TOML registry text; certificate paths are relative to `base_dir` (default:
    /// the current directory).
    #[staticmethod]
    #[pyo3(signature = (text, *, base_dir=None))]
    fn from_toml(py: Python<'_>, text: &str, base_dir: Option<PathBuf>) -> PyResult<Registry> {
        let dir = self::base_dir(base_dir);
        Registry::load(py, || chainvet::Registry::from_toml(text, &dir))
    }

    /// Parses JSON registry text; certificate paths are relative to `base_dir` (default:
    /// the current directory).
    #[staticmethod]
    #[pyo3(signature = (text, *, base_dir=None))]
    fn from_json(py: Python<'_>, text: &str, base_dir: Option<PathBuf>) -> PyResult<Registry> {
        let dir = self::base_dir(base_dir);
        Registry::load(py, || chainvet::Registry::from_json(text, &dir))
    }

    /// The client's binding. An unknown client gets an empty binding naming it, which
    /// rejects every leaf with `binding.no_registered_certificate`.
    fn binding_for(&self, client: &str) -> Binding {
        Binding {
            inner: self.inner.binding_for(client),
        }
    }

    /// The client's binding, or None if the client is not registered.
    fn get(&self, client: &str) -> Option<Binding> {
        self.inner.client(client).map(|b| Binding {
            inner: Arc::clone(b),
        })
    }

    /// The client ids, sorted.
    #[getter]
    fn client_ids(&self) -> Vec<String> {
        self.inner.client_ids().map(str::to_owned).collect()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __contains__(&self, client: &str) -> bool {
        self.inner.client(client).is_some()
    }

    fn __repr__(&self) -> String {
        format!("<Registry clients={}>", self.inner.len())
    }
}
