//! What a `data` argument may be, and how each form reaches the core.
//!
//! - `bytes` / `bytearray`: a PEM bundle as uploaded (binary DER or PKCS#12 bytes are
//!   reported as `input.not_pem`, not raised).
//! - `str`: PEM text, always. A `str` is never opened as a file: onboarding services
//!   pass user uploads around as text, and an upload reading `/etc/passwd` must not make
//!   the server read that file. Paths are given as `os.PathLike` (`pathlib.Path`).
//! - `os.PathLike`: a file holding a PEM bundle, read with the GIL released.
//! - a certificate object with `public_bytes(Encoding.DER)` (pyca/cryptography's
//!   `x509.Certificate`), or a list/tuple of them and/or DER `bytes`, leaf first: the
//!   peer chain as a TLS stack hands it over.

use std::borrow::Cow;
use std::io::Read as _;
use std::path::PathBuf;

use chainvet::Policy;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple};

/// A `data` argument, read into Rust data that can cross `gil::enter`.
pub(crate) enum Input<'a> {
    /// A PEM bundle (bytes borrowed from an immutable `bytes` object, or copied).
    Pem(Cow<'a, [u8]>),
    /// DER certificates, leaf first.
    Der(Vec<Cow<'a, [u8]>>),
    /// A file to read.
    Path(PathBuf),
}

const EXPECTED: &str = "bytes or str (PEM text), an os.PathLike (a file), a \
     cryptography.x509.Certificate, or a list of certificates (Certificate objects or DER \
     bytes, leaf first)";

impl<'a> Input<'a> {
    /// Reads `data`; raises `TypeError` for anything that is not one of the forms above.
    pub(crate) fn extract(data: &'a Bound<'_, PyAny>, name: &str) -> PyResult<Input<'a>> {
        if let Ok(b) = data.cast::<PyBytes>() {
            return Ok(Input::Pem(Cow::Borrowed(b.as_bytes())));
        }
        if let Ok(b) = data.cast::<PyByteArray>() {
            return Ok(Input::Pem(Cow::Owned(b.to_vec())));
        }
        if let Ok(s) = data.cast::<PyString>() {
            return Ok(Input::Pem(Cow::Owned(
                s.to_cow()?.into_owned().into_bytes(),
            )));
        }
        if data.is_instance_of::<PyList>() || data.is_instance_of::<PyTuple>() {
            let mut ders = Vec::new();
            for (i, item) in data.try_iter()?.enumerate() {
                let item = item?;
                if let Ok(b) = item.cast::<PyBytes>() {
                    ders.push(Cow::Owned(b.as_bytes().to_vec()));
                } else if let Ok(b) = item.cast::<PyByteArray>() {
                    ders.push(Cow::Owned(b.to_vec()));
                } else if let Some(der) = certificate_der(&item)? {
                    ders.push(Cow::Owned(der));
                } else {
                    return Err(PyTypeError::new_err(format!(
                        "`{name}`[{i}] must be a certificate (a cryptography.x509.Certificate \
                         or DER bytes), got {}",
                        item.get_type().name()?
                    )));
                }
            }
            return Ok(Input::Der(ders));
        }
        if let Some(der) = certificate_der(data)? {
            return Ok(Input::Der(vec![Cow::Owned(der)]));
        }
        if data.hasattr("__fspath__")? {
            return Ok(Input::Path(data.extract::<PathBuf>()?));
        }
        Err(PyTypeError::new_err(format!(
            "`{name}` must be {EXPECTED}; got {}",
            data.get_type().name()?
        )))
    }
}

/// One binary item that is not a bundle: a CSR, an OCSP response, a CRL, read into Rust
/// data that can cross `gil::enter`.
pub(crate) enum Blob<'a> {
    /// Bytes as given (or a `str`'s UTF-8, PEM text), or an object's DER.
    Bytes(Cow<'a, [u8]>),
    /// A file to read.
    Path(PathBuf),
}

impl<'a> Blob<'a> {
    /// Reads one item: `bytes`/`bytearray`, `str` (PEM text; only when `text` is true),
    /// an `os.PathLike`, or an object with `public_bytes(Encoding.DER)` (pyca's
    /// `CertificateSigningRequest`, `CertificateRevocationList`, `OCSPResponse`).
    pub(crate) fn extract(
        obj: &'a Bound<'_, PyAny>,
        name: &str,
        expected: &str,
        text: bool,
    ) -> PyResult<Blob<'a>> {
        Blob::extract_shown(obj, &format!("`{name}`"), expected, text)
    }

    /// `extract`, naming the argument as `shown` (e.g. "`crls`[1]") in errors.
    fn extract_shown(
        obj: &'a Bound<'_, PyAny>,
        shown: &str,
        expected: &str,
        text: bool,
    ) -> PyResult<Blob<'a>> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Blob::Bytes(Cow::Borrowed(b.as_bytes())));
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Blob::Bytes(Cow::Owned(b.to_vec())));
        }
        if text && let Ok(s) = obj.cast::<PyString>() {
            return Ok(Blob::Bytes(Cow::Owned(
                s.to_cow()?.into_owned().into_bytes(),
            )));
        }
        if let Some(der) = certificate_der(obj)? {
            return Ok(Blob::Bytes(Cow::Owned(der)));
        }
        if obj.hasattr("__fspath__")? {
            return Ok(Blob::Path(obj.extract::<PathBuf>()?));
        }
        Err(PyTypeError::new_err(format!(
            "{shown} must be {expected}; got {}",
            obj.get_type().name()?
        )))
    }

    /// `None`, one item, or a list/tuple of items (a single `bytes` is one item, not a
    /// sequence of ints).
    pub(crate) fn extract_many(
        obj: Option<&'a Bound<'_, PyAny>>,
        name: &str,
        expected: &str,
        text: bool,
    ) -> PyResult<Vec<Blob<'a>>> {
        let Some(obj) = obj.filter(|o| !o.is_none()) else {
            return Ok(Vec::new());
        };
        if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            let mut items = Vec::new();
            for (i, item) in obj.try_iter()?.enumerate() {
                let item = item?;
                let shown = format!("`{name}`[{i}]");
                items.push(Blob::extract_owned(&item, &shown, expected, text)?);
            }
            return Ok(items);
        }
        Ok(vec![Blob::extract(obj, name, expected, text)?])
    }

    /// `extract` for an item that does not outlive this call (a list element).
    fn extract_owned(
        obj: &Bound<'_, PyAny>,
        shown: &str,
        expected: &str,
        text: bool,
    ) -> PyResult<Blob<'static>> {
        Ok(match Blob::extract_shown(obj, shown, expected, text)? {
            Blob::Bytes(b) => Blob::Bytes(Cow::Owned(b.into_owned())),
            Blob::Path(p) => Blob::Path(p),
        })
    }

    /// The bytes, reading a file (with the GIL released by the caller) up to `limit`
    /// bytes plus one (0: no limit).
    pub(crate) fn read(self, limit: usize) -> std::io::Result<Cow<'a, [u8]>> {
        match self {
            Blob::Bytes(b) => Ok(b),
            Blob::Path(path) => read_limited(&path, limit).map(Cow::Owned),
        }
    }
}

/// Overwrites bytes read from a file before they are freed: registered certificate
/// files and CSR files sometimes hold the private key too.
pub(crate) fn wipe(bytes: Cow<'_, [u8]>) {
    if let Cow::Owned(mut v) = bytes {
        v.fill(0);
        std::hint::black_box(&v);
    }
}

static DER_ENCODING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The DER of a certificate object (anything with `public_bytes(Encoding.DER)`, as
/// pyca/cryptography's certificates have), or `None` if `obj` has no `public_bytes`.
/// `cryptography` is imported only when such an object is passed.
fn certificate_der(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    if !obj.hasattr("public_bytes")? {
        return Ok(None);
    }
    let py = obj.py();
    let der_encoding = DER_ENCODING.get_or_try_init(py, || {
        py.import("cryptography.hazmat.primitives.serialization")?
            .getattr("Encoding")?
            .getattr("DER")
            .map(Bound::unbind)
    })?;
    let der = obj.call_method1("public_bytes", (der_encoding.bind(py),))?;
    let der = der
        .cast::<PyBytes>()
        .map_err(|_| PyTypeError::new_err("public_bytes(Encoding.DER) did not return bytes"))?;
    Ok(Some(der.as_bytes().to_vec()))
}

/// Reads a bundle file, at most one byte over the policy's size limit, so that an
/// oversized file becomes an `input.too_large` finding without being read whole.
pub(crate) fn read_file(path: &std::path::Path, policy: &Policy) -> std::io::Result<Vec<u8>> {
    read_limited(path, policy.max_input_bytes)
}

/// Reads at most `limit + 1` bytes of a file (`limit` 0: all of it).
fn read_limited(path: &std::path::Path, limit: usize) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| with_path(e, path))?;
    let mut bytes = Vec::new();
    let read = if limit > 0 {
        let limit = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
        file.take(limit).read_to_end(&mut bytes)
    } else {
        let mut file = file;
        file.read_to_end(&mut bytes)
    };
    read.map_err(|e| with_path(e, path))?;
    Ok(bytes)
}

fn with_path(e: std::io::Error, path: &std::path::Path) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
}
