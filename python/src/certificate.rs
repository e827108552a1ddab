//! Arguments that name one certificate: a certificate to register, a presented leaf, the
//! certificate and issuer of an OCSP request or a CRL lookup.
//!
//! They take the forms of a bundle (`input::Input`): bytes or `str` PEM (bytes may also
//! be DER), an `os.PathLike`, a `cryptography.x509.Certificate`, or a list of
//! certificates leaf first. Which certificate is meant depends on the argument
//! (`Pick`).

use chainvet::Certificate;
use chainvet::binding::leaf_of;
use pyo3::prelude::*;

use crate::input::{self, Input};

/// Which certificate of the input an argument means.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pick {
    /// The leaf: of a PEM bundle, the certificate that issued no other (whatever the
    /// order); of a list, the first (a TLS stack's peer chain is leaf first).
    Leaf,
    /// Exactly one certificate: an issuer given as a bundle is ambiguous.
    Single,
}

/// Why an argument yields no certificate.
pub(crate) enum CertError {
    /// The file could not be read.
    Io(std::io::Error),
    /// The content is not usable; the message says why (never showing a private key).
    Invalid(String),
}

impl From<std::io::Error> for CertError {
    fn from(e: std::io::Error) -> Self {
        CertError::Io(e)
    }
}

impl CertError {
    /// `OSError` for unreadable files, else an exception of class `E` naming `what`.
    pub(crate) fn into_py<E: pyo3::PyTypeInfo>(self, what: &str) -> PyErr {
        match self {
            CertError::Io(e) => e.into(),
            CertError::Invalid(m) => PyErr::new::<E, _>(format!("{what}: {m}")),
        }
    }
}

/// Largest certificate file read (a registered certificate is a few kilobytes; a bundle
/// of ten a few dozen).
const MAX_FILE_BYTES: usize = 1024 * 1024;

/// The certificate `input` names, per `pick`. Reads files: call with the GIL released.
pub(crate) fn parse(input: Input<'_>, pick: Pick) -> Result<Certificate, CertError> {
    match input {
        Input::Der(list) => {
            if pick == Pick::Single && list.len() > 1 {
                return Err(CertError::Invalid(format!(
                    "a list of {} certificates was given where exactly one is expected",
                    list.len()
                )));
            }
            let Some(first) = list.into_iter().next() else {
                return Err(CertError::Invalid(
                    "the certificate list is empty".to_owned(),
                ));
            };
            Certificate::from_der(first.into_owned())
                .map_err(|e| CertError::Invalid(format!("not a valid X.509 certificate: {e}")))
        }
        Input::Pem(bytes) => from_bytes(&bytes, pick),
        Input::Path(path) => {
            let bytes = input::Blob::Path(path).read(MAX_FILE_BYTES)?;
            if bytes.len() > MAX_FILE_BYTES {
                input::wipe(bytes);
                return Err(CertError::Invalid(format!(
                    "the file is over {MAX_FILE_BYTES} bytes; a certificate file is a few kilobytes"
                )));
            }
            let cert = from_bytes(&bytes, pick);
            input::wipe(bytes);
            cert
        }
    }
}

/// PEM (a bundle registers its leaf) or DER, through the core's `leaf_of`.
fn from_bytes(bytes: &[u8], pick: Pick) -> Result<Certificate, CertError> {
    if pick == Pick::Single {
        let n = pem_certificates(bytes);
        if n > 1 {
            return Err(CertError::Invalid(format!(
                "the PEM text holds {n} certificates where exactly one is expected"
            )));
        }
    }
    leaf_of(bytes).map_err(|e| CertError::Invalid(e.0))
}

/// Number of PEM certificate blocks (`CERTIFICATE`, `X509 CERTIFICATE`, `TRUSTED
/// CERTIFICATE`) in `bytes`.
fn pem_certificates(bytes: &[u8]) -> usize {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let mut count = 0;
    let mut rest = bytes;
    while let Some(at) = rest.windows(BEGIN.len()).position(|w| w == BEGIN) {
        rest = &rest[at + BEGIN.len()..];
        let label_end = rest.windows(5).position(|w| w == b"-----");
        if let Some(end) = label_end {
            let label = &rest[..end];
            if matches!(
                label,
                b"CERTIFICATE" | b"X509 CERTIFICATE" | b"TRUSTED CERTIFICATE"
            ) {
                count += 1;
            }
        }
    }
    count
}
