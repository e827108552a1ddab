//! A rustls client-certificate verifier backed by chainvet: mutual TLS with chainvet's
//! policy, binding, revocation and stable finding codes instead of a bare yes/no.
//!
//! [`ChainvetClientVerifier`] implements `rustls::server::danger::ClientCertVerifier`.
//! For each client certificate it runs [`chainvet::Validator::validate_presented`]
//! (trust-store mode, client usage) on the end-entity and the intermediates the client
//! sent; the TLS 1.2/1.3 handshake signatures are checked by the crypto provider
//! (`rustls::crypto::verify_tls12_signature` / `verify_tls13_signature`).
//!
//! ```no_run
//! use std::sync::Arc;
//! use chainvet::{Policy, TrustStore, Validator};
//! use chainvet_rustls::ChainvetClientVerifier;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let (server_chain, server_key) = (Vec::new(), rustls::pki_types::PrivateKeyDer::Pkcs8(Vec::new().into()));
//! let trust = TrustStore::from_file(std::path::Path::new("client-roots.pem"))?;
//! let validator = Arc::new(Validator::with_trust_store(Policy::default(), trust));
//! let verifier = ChainvetClientVerifier::builder(validator)
//!     .crls(vec![std::fs::read("issuing-ca.crl")?])
//!     .on_rejection(|rejection| eprintln!("client refused: {rejection}"))
//!     .build()?;
//! let config = rustls::ServerConfig::builder()
//!     .with_client_cert_verifier(verifier)
//!     .with_single_cert(server_chain, server_key)?;
//! # let _ = config; Ok(()) }
//! ```
//!
//! # Rejections: the alert and the report
//! A rejected certificate ends the handshake with the TLS alert closest to the main
//! finding (`unknown_ca`, `certificate_expired`, `certificate_revoked`,
//! `access_denied`...; see [`alert_for`] and the README's table). rustls derives the
//! alert from the verifier's error, and only `CertificateError::Other` can carry data
//! (it always sends `certificate_unknown`), so the [`ChainvetRejection`] with the full
//! report reaches the server:
//! - in the handshake error itself when the main finding has no closer alert, or for
//!   every rejection with [`Builder::report_in_error`] (then always `certificate_unknown`);
//!   [`ChainvetRejection::from_error`] / [`ChainvetRejection::from_io_error`] get it out;
//! - through [`Builder::on_rejection`], called with every rejection;
//! - through a per-connection verifier ([`ChainvetClientVerifier::for_connection`]),
//!   whose [`outcome`](ChainvetClientVerifier::outcome) the server reads after the
//!   handshake failed (or succeeded: the accepted report names the leaf).
//!
//! # Binding: which client is this?
//! rustls calls the verifier with the certificates and the time only; the SNI is not
//! among its arguments. Two ways that work:
//! - **From SNI, per connection**: read the ClientHello with `rustls::server::Acceptor`,
//!   map `client_hello().server_name()` to a client id, and finish the handshake with a
//!   `ServerConfig` around `verifier.for_connection(Some(id))`. The binding is then
//!   checked inside the handshake (alert `access_denied`), before any request is read.
//!   Resumption stays safe: rustls resumes a session only for the same SNI.
//! - **From the certificate**: [`Builder::client_id_from_certificate`] maps the
//!   presented leaf (e.g. its CN) to the id; the binding pins which certificate of
//!   that name is accepted.
//!
//! A client id that arrives only after the handshake (an HTTP header, an API key) is
//! checked with [`chainvet::Validator::check_binding_der`] on
//! `ServerConnection::peer_certificates()`; the verifier cannot see it.
//!
//! # What the verifier does not do
//! - It never touches the network unless [`Builder::network_revocation`] allows it.
//! - Resumed sessions skip the verifier (rustls reuses the first handshake's verdict);
//!   keep ticket and session lifetimes short, or turn resumption off, when revocation
//!   must take effect on every connection.
//! - rustls calls it before the client proves it holds the key (CertificateVerify):
//!   a rejection's report describes what was *sent*, which anyone can send.
#![forbid(unsafe_code)]

mod alert;
mod bindings;
mod builder;
mod rejection;
mod verifier;

pub use alert::{alert_for, main_finding};
pub use bindings::ClientBindings;
pub use builder::{BuildError, Builder};
pub use rejection::{ChainvetRejection, alert_name};
pub use verifier::{ChainvetClientVerifier, Outcome};
