//! The arguments of `Validator.validate_presented` (trust-store mode): the presented leaf
//! and the pool of intermediates as DER, the usage, and the expected peer names.
//!
//! Certificates take the forms of a bundle (`input::Input`). Bytes or a `str` holding
//! `-----BEGIN` are PEM: their CERTIFICATE blocks are used in order (other blocks are
//! skipped, a private key is never decoded), and a block whose base64 or framing is
//! broken raises `ValueError`. Anything else is DER, handed to the validator as is, so
//! garbage (or nothing) is a `certificate.malformed` finding, not an exception.

use std::borrow::Cow;
use std::net::IpAddr;

use chainvet::{PeerName, Policy, Usage};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

use crate::input::{self, Input};

/// Why an argument gives no certificates: an unreadable file or unusable PEM.
pub(crate) enum PresentedError {
    Io(std::io::Error),
    Pem(String),
}

impl From<PresentedError> for PyErr {
    fn from(e: PresentedError) -> PyErr {
        match e {
            PresentedError::Io(e) => e.into(),
            PresentedError::Pem(m) => PyValueError::new_err(m),
        }
    }
}

/// The certificates of `input` as DER, in order. Reads files (up to the policy's size
/// limit plus one byte): call with the GIL released. Input over the limit is handed over
/// whole, so the validator reports `input.too_large` instead of this decoding it.
pub(crate) fn ders<'a>(
    input: Input<'a>,
    name: &str,
    policy: &Policy,
) -> Result<Vec<Cow<'a, [u8]>>, PresentedError> {
    let bytes = match input {
        Input::Der(list) => return Ok(list),
        Input::Pem(bytes) => bytes,
        Input::Path(path) => {
            Cow::Owned(input::read_file(&path, policy).map_err(PresentedError::Io)?)
        }
    };
    let over = policy.max_input_bytes > 0 && bytes.len() > policy.max_input_bytes;
    if over || !bytes.windows(10).any(|w| w == b"-----BEGIN") {
        return Ok(vec![bytes]);
    }
    let decoded = chainvet::presented::der_certificates(&bytes)
        .map_err(|e| PresentedError::Pem(format!("`{name}`: {e}")));
    // A PEM file of certificates sometimes holds the private key too.
    input::wipe(bytes);
    Ok(decoded?.into_iter().map(Cow::Owned).collect())
}

/// What a peer presented, as DER.
pub(crate) struct Presented<'a> {
    pub(crate) leaf: Cow<'a, [u8]>,
    pub(crate) pool: Vec<Cow<'a, [u8]>>,
}

/// The leaf and the pool: the first certificate of `leaf` is the leaf; any further ones
/// (a PEM bundle or a list, leaf first) join the pool ahead of `intermediates`.
pub(crate) fn leaf_and_pool<'a>(
    leaf: Input<'a>,
    intermediates: Option<Input<'a>>,
    policy: &Policy,
) -> Result<Presented<'a>, PresentedError> {
    let mut certs = ders(leaf, "leaf", policy)?.into_iter();
    let Some(first) = certs.next() else {
        return Err(PresentedError::Pem(
            "`leaf` holds no certificate (a PEM text without a CERTIFICATE block, or an empty list)".to_owned(),
        ));
    };
    let mut pool: Vec<Cow<'a, [u8]>> = certs.collect();
    if let Some(more) = intermediates {
        pool.extend(ders(more, "intermediates", policy)?);
    }
    Ok(Presented { leaf: first, pool })
}

/// The `usage` argument: `"client"` or `"server"`.
pub(crate) fn usage(usage: &str) -> PyResult<Usage> {
    match usage {
        "client" => Ok(Usage::ClientAuth),
        "server" => Ok(Usage::ServerAuth),
        other => Err(PyValueError::new_err(format!(
            "`usage` must be \"client\" or \"server\", got {other:?}"
        ))),
    }
}

/// One expected peer name, told apart by its form: an IP address (text or an
/// `ipaddress` object), an email address (with `@`), else a DNS name.
fn peer_name(item: &Bound<'_, PyAny>, i: usize) -> PyResult<PeerName> {
    // `ipaddress.IPv4Address`/`IPv6Address` objects read as their text.
    let text = match item.cast::<PyString>() {
        Ok(s) => s.to_cow()?.into_owned(),
        Err(_) if item.hasattr("packed")? && item.hasattr("version")? => item.str()?.to_string(),
        Err(_) => {
            return Err(PyTypeError::new_err(format!(
                "`peer_names`[{i}] must be a str (a DNS name, an IP address or an email \
                 address) or an ipaddress object, got {}",
                item.get_type().name()?
            )));
        }
    };
    if text.is_empty() {
        return Err(PyValueError::new_err(format!("`peer_names`[{i}] is empty")));
    }
    Ok(if let Ok(ip) = text.parse::<IpAddr>() {
        PeerName::Ip(ip)
    } else if text.contains('@') {
        PeerName::Email(text)
    } else {
        PeerName::Dns(text)
    })
}

/// The `peer_names` argument: `None`, one name, or a list/tuple of names.
pub(crate) fn peer_names(names: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PeerName>> {
    let Some(names) = names.filter(|n| !n.is_none()) else {
        return Ok(Vec::new());
    };
    if names.is_instance_of::<PyList>() || names.is_instance_of::<PyTuple>() {
        return names
            .try_iter()?
            .enumerate()
            .map(|(i, item)| peer_name(&item?, i))
            .collect();
    }
    // A single name (a str is not taken as a sequence of one-letter names).
    Ok(vec![peer_name(names, 0)?])
}

/// The `max_depth` argument: `None` or a count of intermediates, at least 0.
pub(crate) fn max_depth(depth: Option<i64>) -> PyResult<Option<usize>> {
    depth
        .map(|d| {
            usize::try_from(d).map_err(|_| {
                PyValueError::new_err(format!("`max_depth` must be 0 or more, got {d}"))
            })
        })
        .transpose()
}

/// The RFC 5280 6.1.1 keyword arguments of `validate_presented`: `None` when none is
/// given (the policy's inputs apply), otherwise the inputs with the unset ones at RFC
/// 5280's defaults. `policy_oids` is one dotted OID or a sequence of them.
pub(crate) fn policy_inputs(
    policy_oids: Option<&Bound<'_, PyAny>>,
    explicit_policy: Option<bool>,
    inhibit_policy_mapping: Option<bool>,
    inhibit_any_policy: Option<bool>,
) -> PyResult<Option<chainvet::PolicyInputs>> {
    let oids: Option<Vec<String>> = match policy_oids.filter(|o| !o.is_none()) {
        None => None,
        Some(o) => Some(match o.extract::<String>() {
            Ok(one) => vec![one],
            Err(_) => o.extract::<Vec<String>>().map_err(|_| {
                PyTypeError::new_err("`policy_oids` must be a dotted OID string or a list of them")
            })?,
        }),
    };
    if oids.is_none()
        && explicit_policy.is_none()
        && inhibit_policy_mapping.is_none()
        && inhibit_any_policy.is_none()
    {
        return Ok(None);
    }
    let inputs = chainvet::PolicyInputs {
        user_initial_policy_set: oids.unwrap_or_default(),
        initial_explicit_policy: explicit_policy.unwrap_or(false),
        initial_policy_mapping_inhibit: inhibit_policy_mapping.unwrap_or(false),
        initial_any_policy_inhibit: inhibit_any_policy.unwrap_or(false),
    };
    inputs
        .check()
        .map_err(|e| PyValueError::new_err(format!("`policy_oids`: {e}")))?;
    Ok(Some(inputs))
}
