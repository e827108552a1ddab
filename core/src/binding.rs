//! Binding: is the presented leaf the certificate registered for this client?
//!
//! Gateways check, per request, that the certificate of the TLS handshake is the one the
//! client registered: "Serial Number and Common Name properties are identical in Request
//! certificate and DevApp-attached certificate". A registered certificate is parsed once
//! into a [`Registration`]; a client's registrations (up to two active during a
//! rotation, by default) form a [`Binding`], which is then checked against each
//! presented leaf without parsing anything registered again.
//!
//! Serials are compared as integers (DER's sign byte and any redundant leading bytes
//! do not count) and shown in hex without the sign byte. Issuers are compared as
//! encoded, and as RFC 4514 strings ignoring ASCII case when the encodings differ (a
//! CA that switched from PrintableString to UTF8String is still the same issuer).
//!
//! `registration` holds what was registered, `check` the per-request comparison; the
//! validator's `check_binding` methods and its bundle and trust-store modes call `check`.

mod check;
mod registration;

pub use check::BindingOutcome;
pub(crate) use check::{check, outcome, run_on_chain};
pub(crate) use registration::parse_sha256_hex;
pub use registration::{
    Binding, BindingMode, Registration, RegistrationError, RegistrationInfo, leaf_of,
};
