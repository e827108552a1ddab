//! The verifier's builder, holding every default in one place.

use core::fmt;
use std::sync::Arc;

use chainvet::{Binding, Certificate, PresentedOptions, Timestamp, Usage, Validator};
use rustls::crypto::CryptoProvider;

use crate::bindings::{ClientBindings, FnBindings};
use crate::rejection::ChainvetRejection;
use crate::verifier::{self, ChainvetClientVerifier, ClientIdFn, RejectionHook, Shared};

/// Builds a [`ChainvetClientVerifier`]. The defaults, as [`ChainvetClientVerifier::builder`]
/// starts:
///
/// | setting | default |
/// |---|---|
/// | [`client_auth_mandatory`](Self::client_auth_mandatory) | `true`: no certificate, no handshake (`certificate_required`) |
/// | [`root_hints`](Self::root_hints) | `true`: CertificateRequest lists the trust anchors' subjects |
/// | [`crls`](Self::crls) | none |
/// | [`network_revocation`](Self::network_revocation) | `false`: never fetch OCSP or CRLs during a handshake |
/// | [`max_depth`](Self::max_depth) | none beyond the policy and rustls-webpki (6 intermediates) |
/// | [`validation_time`](Self::validation_time) | the time rustls passes (its `TimeProvider`) |
/// | [`bindings`](Self::bindings) | none: no binding check |
/// | [`report_in_error`](Self::report_in_error) | `false`: the alert maps the main finding |
/// | [`crypto_provider`](Self::crypto_provider) | the process default, else aws-lc-rs |
///
/// The policy (lifetimes, keys, revocation mode, severities) and the trust store come
/// from the [`Validator`]. The leaf is always validated for client authentication.
pub struct Builder {
    validator: Arc<Validator>,
    options: PresentedOptions,
    mandatory: bool,
    root_hints: bool,
    bindings: Option<Arc<dyn ClientBindings>>,
    client_id_from_certificate: Option<Arc<ClientIdFn>>,
    on_rejection: Option<Arc<RejectionHook>>,
    report_in_error: bool,
    provider: Option<Arc<CryptoProvider>>,
}

/// Why a verifier cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// The validator's trust store is empty: no client certificate could ever pass.
    NoTrustAnchors,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NoTrustAnchors => f.write_str(
                "the validator has no trust anchors: give it a trust store (Validator::with_trust_store, or the policy's trust_store)",
            ),
        }
    }
}

impl std::error::Error for BuildError {}

impl Builder {
    pub(crate) fn new(validator: Arc<Validator>) -> Builder {
        Builder {
            validator,
            options: verifier::default_options(),
            mandatory: true,
            root_hints: true,
            bindings: None,
            client_id_from_certificate: None,
            on_rejection: None,
            report_in_error: false,
            provider: None,
        }
    }

    /// Whether a client must present a certificate. With `false` a client without one
    /// completes the handshake (`ServerConnection::peer_certificates()` is `None`) and
    /// the application decides; a client that presents one is still validated.
    pub fn client_auth_mandatory(mut self, mandatory: bool) -> Builder {
        self.mandatory = mandatory;
        self
    }

    /// Whether the CertificateRequest lists the trust anchors' subjects (RFC 8446
    /// certificate_authorities). Turn off for large trust stores, or to keep the list
    /// of trusted CAs from unauthenticated clients.
    pub fn root_hints(mut self, send: bool) -> Builder {
        self.root_hints = send;
        self
    }

    /// CRLs (DER or PEM) to check revocation against, under the policy's
    /// `[revocation]` rules. To refresh them, build a new verifier (and `ServerConfig`).
    pub fn crls(mut self, crls: Vec<Vec<u8>>) -> Builder {
        self.options.base.crls = crls;
        self
    }

    /// Whether revocation may be fetched over the network (OCSP, CRL distribution
    /// points) during the handshake. Off by default: the verifier runs inside the
    /// handshake, so a fetch would hold the connection (and, under an async runtime,
    /// its worker thread) for up to the policy's timeout. It also needs chainvet's
    /// `fetch` feature.
    pub fn network_revocation(mut self, allow: bool) -> Builder {
        self.options.base.offline = !allow;
        self
    }

    /// Most intermediates between the leaf and the trust anchor (`chain.too_long`).
    pub fn max_depth(mut self, max: usize) -> Builder {
        self.options.max_depth = Some(max);
        self
    }

    /// Validate at this time instead of the time rustls passes (for replays and tests).
    pub fn validation_time(mut self, at: Timestamp) -> Builder {
        self.options.base.at = Some(at);
        self
    }

    /// Replaces every per-validation option at once (CRLs, stapled OCSP, names, key
    /// usage...), for what the other methods do not cover. Careful: a
    /// `PresentedOptions::default()` allows network revocation (`offline: false`). The
    /// usage is forced to client authentication and any binding in `options` is
    /// ignored (use [`bindings`](Self::bindings)).
    pub fn options(mut self, mut options: PresentedOptions) -> Builder {
        options.usage = Usage::ClientAuth;
        options.base.binding = None;
        self.options = options;
        self
    }

    /// Check that the client's certificate is one registered for the client (binding:
    /// serial, CN, issuer, fingerprint or SPKI, per the binding's mode). The client id
    /// comes from [`ChainvetClientVerifier::for_connection`] (e.g. mapped from SNI) or
    /// from [`client_id_from_certificate`](Self::client_id_from_certificate); a handshake
    /// with neither is rejected (`binding.no_registered_certificate`). A
    /// [`chainvet::Registry`] is a `ClientBindings`.
    pub fn bindings(mut self, bindings: impl ClientBindings + 'static) -> Builder {
        self.bindings = Some(Arc::new(bindings));
        self
    }

    /// [`bindings`](Self::bindings) from a closure; `None` means an unknown client.
    pub fn bindings_fn<F>(self, lookup: F) -> Builder
    where
        F: Fn(&str) -> Option<Arc<Binding>> + Send + Sync + 'static,
    {
        self.bindings(FnBindings(lookup))
    }

    /// Derive the client id from the presented end-entity certificate when the
    /// connection did not name one, e.g. its subject CN. The binding then pins *which*
    /// certificate with that name is accepted: a second certificate for the same CN,
    /// from the same trusted CA, is refused unless registered. Runs on a certificate
    /// no one has validated yet: treat what it reads as attacker-chosen.
    pub fn client_id_from_certificate<F>(mut self, f: F) -> Builder
    where
        F: Fn(&Certificate) -> Option<String> + Send + Sync + 'static,
    {
        self.client_id_from_certificate = Some(Arc::new(f));
        self
    }

    /// Called on the handshake's thread with every rejection, before the alert is
    /// sent: the place to log the codes when the verifier is shared by all
    /// connections. Keep it quick; it runs inside the handshake.
    pub fn on_rejection<F>(mut self, f: F) -> Builder
    where
        F: Fn(&ChainvetRejection) + Send + Sync + 'static,
    {
        self.on_rejection = Some(Arc::new(f));
        self
    }

    /// Return every rejection as `Error::InvalidCertificate(CertificateError::Other)`
    /// carrying the [`ChainvetRejection`], so the error itself holds the report. rustls
    /// then always sends `certificate_unknown`: the specific alerts (expired, revoked,
    /// unknown CA...) need the other `CertificateError` variants, which carry nothing.
    /// By default the report is in the error only for findings without a closer alert.
    pub fn report_in_error(mut self, carry: bool) -> Builder {
        self.report_in_error = carry;
        self
    }

    /// The provider whose signature algorithms check the client's TLS 1.2/1.3
    /// handshake signature (CertificateVerify).
    pub fn crypto_provider(mut self, provider: Arc<CryptoProvider>) -> Builder {
        self.provider = Some(provider);
        self
    }

    /// The verifier; fails when the validator has no trust anchors.
    pub fn build(self) -> Result<Arc<ChainvetClientVerifier>, BuildError> {
        if self.validator.trust_store().is_empty() {
            return Err(BuildError::NoTrustAnchors);
        }
        let root_hints = if self.root_hints {
            verifier::root_hints(&self.validator)
        } else {
            Vec::new()
        };
        Ok(Arc::new(ChainvetClientVerifier::from_shared(Shared {
            algorithms: verifier::algorithms(self.provider.as_ref()),
            validator: self.validator,
            options: self.options,
            mandatory: self.mandatory,
            root_hints,
            bindings: self.bindings,
            client_id_from_certificate: self.client_id_from_certificate,
            on_rejection: self.on_rejection,
            report_in_error: self.report_in_error,
        })))
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("mandatory", &self.mandatory)
            .field("root_hints", &self.root_hints)
            .field("binding", &self.bindings.is_some())
            .field("report_in_error", &self.report_in_error)
            .finish_non_exhaustive()
    }
}
