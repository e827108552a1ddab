//! `chainvet.Crl`: a parsed certificate revocation list, for services that fetch CRLs
//! themselves (sans-IO). Inside `validate`, pass CRLs with `crls=` instead.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDateTime, PyList, PyTuple};

use super::ocsp::one_certificate;
use super::{RevocationAnswer, revocation_policy};
use crate::errors::{CrlError, with_code};
use crate::gil;
use crate::input::Blob;
use crate::time::{to_datetime, validation_time};

/// What a CRL argument may be.
pub(crate) const CRL_FORMS: &str = "bytes (DER or PEM) or str (PEM text), an os.PathLike (a \
     CRL file), or a cryptography.x509.CertificateRevocationList";

fn crl_error(py: Python<'_>, e: &chainvet::revocation::CrlError) -> PyErr {
    with_code::<CrlError>(py, e.to_string(), e.code())
}

/// Splits a `crls=` argument into the `Crl` objects it holds (used as parsed, shared)
/// and everything else (bytes, text, paths, pyca CRLs: parsed per call).
pub(crate) fn split_parsed<'a>(
    obj: Option<&'a Bound<'_, PyAny>>,
) -> PyResult<(Vec<Blob<'a>>, Vec<Arc<chainvet::revocation::Crl>>)> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok((Vec::new(), Vec::new()));
    };
    if let Ok(crl) = obj.cast::<Crl>() {
        return Ok((Vec::new(), vec![Arc::clone(&crl.get().inner)]));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let (mut blobs, mut parsed) = (Vec::new(), Vec::new());
        for (i, item) in obj.try_iter()?.enumerate() {
            let item = item?;
            match item.cast::<Crl>() {
                Ok(crl) => parsed.push(Arc::clone(&crl.get().inner)),
                Err(_) => blobs.push(Blob::extract_owned(
                    &item,
                    &format!("`crls`[{i}]"),
                    CRL_FORMS,
                    true,
                )?),
            }
        }
        return Ok((blobs, parsed));
    }
    Ok((
        vec![Blob::extract(obj, "crls", CRL_FORMS, true)?],
        Vec::new(),
    ))
}

/// A parsed CRL (RFC 5280). `Crl(data)` checks the structure only and raises
/// `CrlError` if it does not parse; `evaluate` checks issuer, signature, scope and
/// freshness for one certificate. Parse a CRL once and evaluate many certificates, or
/// pass it to `Validator.validate(..., crls=crl)` (and `validate_presented`) for every
/// validation without parsing it again.
#[pyclass(frozen, module = "chainvet", name = "Crl")]
pub(crate) struct Crl {
    inner: Arc<chainvet::revocation::Crl>,
}

#[pymethods]
impl Crl {
    #[new]
    fn new(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Crl> {
        let blob = Blob::extract(data, "data", CRL_FORMS, true)?;
        let parsed = gil::enter(py, || {
            let bytes = blob.read(0)?;
            Ok::<_, std::io::Error>(chainvet::revocation::Crl::from_bytes(&bytes))
        })??;
        parsed
            .map(|crl| Crl {
                inner: Arc::new(crl),
            })
            .map_err(|e| crl_error(py, &e))
    }

    /// thisUpdate, aware UTC.
    #[getter]
    fn this_update<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        to_datetime(py, self.inner.this_update())
    }

    /// nextUpdate, aware UTC, if set.
    #[getter]
    fn next_update<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        self.inner
            .next_update()
            .map(|t| to_datetime(py, t))
            .transpose()
    }

    /// The DER CertificateList.
    #[getter]
    fn der<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.der())
    }

    /// Whether the CRL is issued by the certificate's issuer (names compared exactly).
    fn is_for(&self, py: Python<'_>, certificate: &Bound<'_, PyAny>) -> PyResult<bool> {
        let cert = one_certificate(py, certificate, "certificate")?;
        Ok(self.inner.is_for(&cert))
    }

    /// The status of `certificate`, issued by `issuer`, at `at` (an aware datetime;
    /// default now): issuer name, signature, scope and freshness are checked, then the
    /// serial is looked up. `policy`: a `Policy` or `RevocationPolicy` (clock skew,
    /// maximum age). Raises `CrlError` (with `.code`) when the CRL gives no usable
    /// status for the certificate.
    #[pyo3(signature = (certificate, issuer, *, at=None, policy=None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        certificate: &Bound<'_, PyAny>,
        issuer: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<RevocationAnswer> {
        let at = validation_time(at)?.unwrap_or_else(chainvet::Timestamp::now);
        let policy = revocation_policy(policy)?;
        let cert = one_certificate(py, certificate, "certificate")?;
        let issuer = one_certificate(py, issuer, "issuer")?;
        let crl = Arc::clone(&self.inner);
        gil::enter(py, || crl.evaluate(&cert, &issuer, at, &policy))?
            .map(RevocationAnswer::new)
            .map_err(|e| crl_error(py, &e))
    }

    /// Number of revoked certificates listed.
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Crl entries={} this_update={}>",
            self.inner.len(),
            self.inner.this_update()
        )
    }
}
