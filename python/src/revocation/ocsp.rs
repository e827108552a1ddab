//! `chainvet.ocsp`: build OCSP requests and evaluate responses, for services that send
//! them with their own HTTP client (sans-IO). The functions here are exported by the
//! Python module `chainvet/ocsp.py` as `request`, `evaluate` and `responder_url`.

use chainvet::revocation::CertIdHash;
use chainvet::revocation::ocsp::{self, Request};
use pyo3::Borrowed;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::{RevocationAnswer, revocation_policy};
use crate::certificate::{self, Pick};
use crate::errors::{OcspError, with_code};
use crate::gil;
use crate::input::{Blob, Input};
use crate::time::validation_time;

/// What a `response` argument may be.
const RESPONSE_FORMS: &str = "bytes (a DER OCSPResponse), an os.PathLike (a file holding \
     one), or a cryptography.x509.ocsp.OCSPResponse";

/// A certificate argument that must be exactly one certificate; parse errors raise
/// `ValueError` naming the argument.
pub(crate) fn one_certificate(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    name: &str,
) -> PyResult<chainvet::Certificate> {
    let input = Input::extract(obj, name)?;
    gil::enter(py, || certificate::parse(input, Pick::Single))?
        .map_err(|e| e.into_py::<PyValueError>(&format!("`{name}` is not a usable certificate")))
}

fn ocsp_error(py: Python<'_>, e: &ocsp::Error) -> PyErr {
    with_code::<OcspError>(py, e.to_string(), e.code())
}

/// An OCSP request for one certificate, ready to send: POST `der` with content type
/// `application/ocsp-request` to the responder, or GET `get_url()`.
#[pyclass(frozen, module = "chainvet", name = "OcspRequest")]
pub(crate) struct OcspRequest {
    inner: Request,
    hash: CertIdHash,
}

#[pymethods]
impl OcspRequest {
    /// The DER OCSPRequest: the body of a POST with content type
    /// `application/ocsp-request`.
    #[getter]
    fn der<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.der())
    }

    /// The nonce sent (None without one): pass it to `ocsp.evaluate(..., nonce=...)` to
    /// insist the response echoes it.
    #[getter]
    fn nonce<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.inner.nonce().map(|n| PyBytes::new(py, n))
    }

    /// The OCSP responder named in the certificate's authorityInfoAccess, or None.
    #[getter]
    fn responder_url(&self) -> Option<&str> {
        self.inner.responder_url()
    }

    /// The hash of the request's CertID: "sha1" or "sha256".
    #[getter]
    fn hash(&self) -> &'static str {
        match self.hash {
            CertIdHash::Sha1 => "sha1",
            CertIdHash::Sha256 => "sha256",
        }
    }

    /// The RFC 5019 GET form: `responder` (default `responder_url`), a `/`, then the
    /// URL-encoded base64 of the DER request. Raises `ValueError` if there is no
    /// responder to send it to.
    #[pyo3(signature = (responder=None))]
    fn get_url(&self, responder: Option<&str>) -> PyResult<String> {
        let responder = responder.or(self.inner.responder_url()).ok_or_else(|| {
            PyValueError::new_err(
                "the certificate names no OCSP responder (authorityInfoAccess); pass `responder`",
            )
        })?;
        Ok(self.inner.get_url(responder))
    }

    fn __repr__(&self) -> String {
        format!(
            "<OcspRequest {} bytes hash={} nonce={} responder_url={:?}>",
            self.inner.der().len(),
            self.hash(),
            if self.inner.nonce().is_some() {
                "True"
            } else {
                "False"
            },
            self.inner.responder_url()
        )
    }
}

/// Builds an OCSP request for `certificate`, issued by `issuer` (each: bytes PEM or DER,
/// str PEM, an os.PathLike, or a cryptography.x509.Certificate). `nonce`: False (the
/// default: many responders serve pre-signed responses without one), True (a random
/// 16-byte nonce) or the nonce bytes. `hash`: the CertID hash, "sha1" (what responders
/// expect) or "sha256". Raises `OcspError` if the request cannot be encoded.
#[pyfunction]
#[pyo3(
    signature = (certificate, issuer, *, nonce=false.into(), hash="sha1"),
    text_signature = "(certificate, issuer, *, nonce=False, hash='sha1')"
)]
pub(crate) fn ocsp_request(
    py: Python<'_>,
    certificate: &Bound<'_, PyAny>,
    issuer: &Bound<'_, PyAny>,
    nonce: NonceArg,
    hash: &str,
) -> PyResult<OcspRequest> {
    let hash = match hash {
        "sha1" => CertIdHash::Sha1,
        "sha256" => CertIdHash::Sha256,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown CertID hash `{other}`; expected \"sha1\" or \"sha256\""
            )));
        }
    };
    let cert = one_certificate(py, certificate, "certificate")?;
    let issuer = one_certificate(py, issuer, "issuer")?;
    let request = match nonce {
        NonceArg::Flag(false) => Request::new(&cert, &issuer, hash, None),
        NonceArg::Flag(true) => Request::with_random_nonce(&cert, &issuer, hash),
        NonceArg::Bytes(n) => Request::new(&cert, &issuer, hash, Some(&n)),
    };
    let inner = request.map_err(|e| ocsp_error(py, &e))?;
    Ok(OcspRequest { inner, hash })
}

/// The `nonce` argument of `ocsp.request`: a flag or the nonce itself.
pub(crate) enum NonceArg {
    Flag(bool),
    Bytes(Vec<u8>),
}

impl From<bool> for NonceArg {
    fn from(b: bool) -> Self {
        NonceArg::Flag(b)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for NonceArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(b) = obj.cast::<pyo3::types::PyBool>() {
            return Ok(NonceArg::Flag(b.is_true()));
        }
        if let Ok(b) = obj.cast::<PyBytes>() {
            if b.as_bytes().is_empty() {
                return Err(PyValueError::new_err("`nonce` must not be empty"));
            }
            return Ok(NonceArg::Bytes(b.as_bytes().to_vec()));
        }
        Err(PyTypeError::new_err(format!(
            "`nonce` must be a bool or bytes, got {}",
            obj.get_type().name()?
        )))
    }
}

/// Evaluates an OCSP response for `certificate`, issued by `issuer`, at `at` (an aware
/// datetime; default now): the response status, a signature by the issuer or by a
/// delegated responder it authorised, a CertID naming the certificate, freshness (with
/// the policy's clock skew and maximum age), and, when `nonce` is given, the nonce
/// echoed. `policy`: a `Policy` or `RevocationPolicy` (default `RevocationPolicy()`).
/// Returns the verified `RevocationAnswer`; raises `OcspError` (with `.code`) when the
/// response gives no usable status. Never crashes, whatever the bytes.
#[pyfunction]
#[pyo3(signature = (response, certificate, issuer, *, at=None, nonce=None, policy=None))]
pub(crate) fn ocsp_evaluate(
    py: Python<'_>,
    response: &Bound<'_, PyAny>,
    certificate: &Bound<'_, PyAny>,
    issuer: &Bound<'_, PyAny>,
    at: Option<&Bound<'_, PyAny>>,
    nonce: Option<&[u8]>,
    policy: Option<&Bound<'_, PyAny>>,
) -> PyResult<RevocationAnswer> {
    let at = validation_time(at)?.unwrap_or_else(chainvet::Timestamp::now);
    let policy = revocation_policy(policy)?;
    let response = Blob::extract(response, "response", RESPONSE_FORMS, false)?;
    let cert = one_certificate(py, certificate, "certificate")?;
    let issuer = one_certificate(py, issuer, "issuer")?;
    let answer = gil::enter(py, || {
        let bytes = response.read(0)?;
        Ok::<_, std::io::Error>(ocsp::evaluate(&bytes, &cert, &issuer, at, nonce, &policy))
    })??;
    answer
        .map(RevocationAnswer::new)
        .map_err(|e| ocsp_error(py, &e))
}

/// The first http(s) OCSP responder URL in the certificate's authorityInfoAccess, or
/// None.
#[pyfunction]
pub(crate) fn ocsp_responder_url(
    py: Python<'_>,
    certificate: &Bound<'_, PyAny>,
) -> PyResult<Option<String>> {
    let cert = one_certificate(py, certificate, "certificate")?;
    Ok(ocsp::responder_url(&cert).map(str::to_owned))
}
