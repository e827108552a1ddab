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
use std::path::PathBuf;

use chainvet::Policy;
use pyo3::exceptions::{
    PyFileNotFoundError, PyOSError, PyPermissionError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMemoryView, PyString, PyTuple};

/// A `data` argument, read into Rust data that can cross `gil::enter`.
pub(crate) enum Input<'a> {
    /// A PEM bundle (bytes borrowed from an immutable `bytes` object, or copied).
    Pem(Cow<'a, [u8]>),
    /// DER certificates, leaf first.
    Der(Vec<Cow<'a, [u8]>>),
    /// A file to read.
    Path(PathBuf),
}

const EXPECTED: &str = "bytes or str (PEM text), DER bytes, a memoryview, an os.PathLike (a \
     file), a cryptography.x509.Certificate, an ssl.SSLSocket or ssl.SSLObject, or a list \
     (or any iterable) of certificates (Certificate objects, DER or PEM bytes, PEM str), \
     leaf first";

/// Most items taken from a list or iterable: a bound on what an iterator may make us
/// allocate (the policy's `max_certificates` bounds what is validated).
pub(crate) const MAX_ITEMS: usize = 1024;

/// Most certificates split out of one DER `bytes` (concatenated DER, as some TLS
/// stacks hand a peer chain over).
const MAX_DER_SPLIT: usize = 64;

impl<'a> Input<'a> {
    /// Reads `data`; raises `TypeError` for anything that is not one of the forms above.
    pub(crate) fn extract(data: &'a Bound<'_, PyAny>, name: &str) -> PyResult<Input<'a>> {
        if let Ok(b) = data.cast::<PyBytes>() {
            return Ok(bytes_input(Cow::Borrowed(b.as_bytes())));
        }
        if let Ok(b) = data.cast::<PyByteArray>() {
            return Ok(bytes_input(Cow::Owned(b.to_vec())));
        }
        if data.is_instance_of::<PyMemoryView>() {
            let bytes = data.call_method0("tobytes")?;
            let bytes = bytes.cast::<PyBytes>()?;
            return Ok(bytes_input(Cow::Owned(bytes.as_bytes().to_vec())));
        }
        if let Ok(s) = data.cast::<PyString>() {
            let text = s.to_cow()?;
            refuse_path_text(&text, name)?;
            return Ok(Input::Pem(Cow::Owned(text.into_owned().into_bytes())));
        }
        if data.is_instance_of::<PyList>() || data.is_instance_of::<PyTuple>() {
            return Ok(Input::Der(items(data, name)?));
        }
        if let Some(chain) = tls_peer_chain(data)? {
            return Ok(Input::Der(chain.into_iter().map(Cow::Owned).collect()));
        }
        if let Some(der) = certificate_der(data)? {
            return Ok(Input::Der(vec![Cow::Owned(der)]));
        }
        if data.hasattr("__fspath__")? {
            return Ok(Input::Path(data.extract::<PathBuf>()?));
        }
        // Any other iterable (a generator, a deque, a set of certificates): its items,
        // in iteration order, leaf first. Mappings are not certificate lists.
        if !data.is_instance_of::<PyDict>() && data.hasattr("__iter__")? {
            return Ok(Input::Der(items(data, name)?));
        }
        Err(PyTypeError::new_err(format!(
            "`{name}` must be {EXPECTED}; got {}",
            data.get_type().name()?
        )))
    }
}

/// `bytes` as given: DER certificate(s) (what `getpeercert(binary_form=True)` returns)
/// become a DER list; anything else is a bundle (PEM, or binary the validator reports).
fn bytes_input(bytes: Cow<'_, [u8]>) -> Input<'_> {
    match split_der_certificates(&bytes) {
        Some(ders) => Input::Der(ders.into_iter().map(|d| Cow::Owned(d.to_vec())).collect()),
        None => Input::Pem(bytes),
    }
}

/// The DER certificates `bytes` is made of, back to back, or `None` when it is not only
/// certificate-shaped SEQUENCEs: each a complete SEQUENCE whose first field is a SEQUENCE
/// (the tbsCertificate). PKCS#12 and private keys (an INTEGER version first) and PKCS#7
/// (an OID first) stay bundles, so the validator names them.
pub(crate) fn split_der_certificates(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if out.len() == MAX_DER_SPLIT {
            return None;
        }
        let (header, len) = der_header(rest)?;
        let total = header.checked_add(len)?;
        if total > rest.len() || len < 2 || rest[header] != 0x30 {
            return None;
        }
        out.push(&rest[..total]);
        rest = &rest[total..];
    }
    (!out.is_empty()).then_some(out)
}

/// The header length and content length of a DER SEQUENCE at the start of `bytes`.
fn der_header(bytes: &[u8]) -> Option<(usize, usize)> {
    if bytes.len() < 2 || bytes[0] != 0x30 {
        return None;
    }
    let first = bytes[1];
    if first < 0x80 {
        return Some((2, usize::from(first)));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 || bytes.len() < 2 + n {
        return None;
    }
    let len = bytes[2..2 + n]
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    Some((2 + n, len))
}

/// The items of a list, tuple or other iterable as DER, leaf first: certificate
/// objects, DER bytes, or PEM (bytes or str; each may hold several certificates).
fn items(data: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<Cow<'static, [u8]>>> {
    let mut ders = Vec::new();
    for (i, item) in data.try_iter()?.enumerate() {
        if i == MAX_ITEMS {
            return Err(PyValueError::new_err(format!(
                "`{name}` has more than {MAX_ITEMS} items"
            )));
        }
        let item = item?;
        let bytes: Option<Vec<u8>> = if let Ok(b) = item.cast::<PyBytes>() {
            Some(b.as_bytes().to_vec())
        } else if let Ok(b) = item.cast::<PyByteArray>() {
            Some(b.to_vec())
        } else if item.is_instance_of::<PyMemoryView>() {
            Some(
                item.call_method0("tobytes")?
                    .cast::<PyBytes>()?
                    .as_bytes()
                    .to_vec(),
            )
        } else if let Ok(s) = item.cast::<PyString>() {
            let text = s.to_cow()?;
            if !text.contains("-----BEGIN") {
                return Err(PyValueError::new_err(format!(
                    "`{name}`[{i}] is a str without a PEM block (a str item must be PEM text)"
                )));
            }
            Some(text.into_owned().into_bytes())
        } else {
            None
        };
        match bytes {
            Some(b) if b.windows(10).any(|w| w == b"-----BEGIN") => {
                let decoded = chainvet::presented::der_certificates(&b).map_err(|e| {
                    PyValueError::new_err(format!("`{name}`[{i}] is not usable PEM: {e}"))
                });
                // PEM text sometimes carries the private key too.
                wipe(Cow::Owned(b));
                ders.extend(decoded?.into_iter().map(Cow::Owned));
            }
            Some(b) => ders.push(Cow::Owned(b)),
            None => match certificate_der(&item)? {
                Some(der) => ders.push(Cow::Owned(der)),
                None => {
                    return Err(PyTypeError::new_err(format!(
                        "`{name}`[{i}] must be a certificate (a cryptography.x509.Certificate, \
                         DER or PEM bytes, or PEM str), got {}",
                        item.get_type().name()?
                    )));
                }
            },
        }
    }
    Ok(ders)
}

/// A `str` that looks like a file name rather than PEM text is refused: a `str` is
/// never opened (uploads arrive as text), and silently reporting a path as "not PEM"
/// hides the caller's mistake. Whether the file exists is not looked at, so uploaded
/// text cannot probe the server's file system.
fn refuse_path_text(text: &str, name: &str) -> PyResult<()> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let looks_like_path = !t.is_empty()
        && t.len() <= 4096
        && !t.contains("-----")
        && !t.contains('\n')
        && (t.contains('/')
            || t.contains('\\')
            || [
                ".pem", ".crt", ".cer", ".der", ".p7b", ".p12", ".pfx", ".key",
            ]
            .iter()
            .any(|ext| lower.ends_with(ext)));
    if looks_like_path {
        return Err(PyValueError::new_err(format!(
            "`{name}` is a str that looks like a file name, not PEM text; a str is never \
             opened as a file: pass pathlib.Path(...) to read a file"
        )));
    }
    Ok(())
}

/// The chain a TLS peer presented on an `ssl.SSLSocket` or `ssl.SSLObject`, leaf first
/// (`get_unverified_chain()` where Python has it, 3.13+; else the leaf alone from
/// `getpeercert(binary_form=True)`), or `None` if `obj` is neither.
fn tls_peer_chain(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<Vec<u8>>>> {
    let py = obj.py();
    let ssl = py.import("ssl")?;
    let is_tls = obj.is_instance(&ssl.getattr("SSLSocket")?)?
        || obj.is_instance(&ssl.getattr("SSLObject")?)?;
    if !is_tls {
        return Ok(None);
    }
    if obj.hasattr("get_unverified_chain")? {
        let chain = obj.call_method0("get_unverified_chain")?;
        if !chain.is_none() {
            let mut out = Vec::new();
            for item in chain.try_iter()?.take(MAX_ITEMS) {
                let item = item?;
                let der = match item.cast::<PyBytes>() {
                    Ok(b) => b.as_bytes().to_vec(),
                    // Some releases hand over `_ssl.Certificate` objects.
                    Err(_) => item
                        .call_method1("public_bytes", (ssl.getattr("ENCODING_DER")?,))?
                        .cast::<PyBytes>()?
                        .as_bytes()
                        .to_vec(),
                };
                out.push(der);
            }
            if !out.is_empty() {
                return Ok(Some(out));
            }
        }
    }
    let leaf = obj.call_method1("getpeercert", (true,))?;
    if leaf.is_none() {
        return Err(PyValueError::new_err(
            "the TLS peer presented no certificate (does the context request one: \
             verify_mode CERT_REQUIRED or CERT_OPTIONAL?)",
        ));
    }
    Ok(Some(vec![leaf.cast::<PyBytes>()?.as_bytes().to_vec()]))
}

/// Whether `obj` is an `ssl.SSLSocket` or `ssl.SSLObject`.
pub(crate) fn is_tls_object(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let ssl = obj.py().import("ssl")?;
    Ok(obj.is_instance(&ssl.getattr("SSLSocket")?)?
        || obj.is_instance(&ssl.getattr("SSLObject")?)?)
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
    pub(crate) fn extract_owned(
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

/// Reads at most `limit + 1` bytes of a file (`limit` 0: the library's hard ceiling),
/// whatever it is (`/dev/zero`, a FIFO that never ends).
fn read_limited(path: &std::path::Path, limit: usize) -> std::io::Result<Vec<u8>> {
    chainvet::read::file(path, limit).map_err(|e| with_path(e, path))
}

/// The error as Python's `OSError` subclass for its kind, with `filename` set (so
/// `except FileNotFoundError as e: e.filename` works), carried inside the `io::Error`
/// for pyo3's conversion to unwrap. Built without the GIL: `new_err` is lazy.
fn with_path(e: std::io::Error, path: &std::path::Path) -> std::io::Error {
    let errno = e.raw_os_error().unwrap_or(0);
    let strerror = format!("cannot read the file: {e}");
    let filename = path.display().to_string();
    let args = (errno, strerror, filename);
    let err = match e.kind() {
        std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(args),
        std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(args),
        _ => PyOSError::new_err(args),
    };
    std::io::Error::new(e.kind(), err)
}
