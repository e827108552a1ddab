//! `ChainvetClientVerifier`: rustls's client-certificate hook running chainvet's
//! trust-store mode.

use core::fmt;
use std::sync::{Arc, Mutex};

use chainvet::{Binding, Certificate, Code, Finding, PresentedOptions, Report, Severity};
use chainvet::{Timestamp, Usage, Validator};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, Error, SignatureScheme};

use crate::alert::{self, Class};
use crate::bindings::ClientBindings;
use crate::builder::Builder;
use crate::rejection::ChainvetRejection;

/// Maps the parsed end-entity certificate to a client id (see [`Builder::client_id_from_certificate`]).
pub(crate) type ClientIdFn = dyn Fn(&Certificate) -> Option<String> + Send + Sync;
/// Called with every rejection (see [`Builder::on_rejection`]).
pub(crate) type RejectionHook = dyn Fn(&ChainvetRejection) + Send + Sync;

/// What the builder fixed; shared by the verifier and every per-connection copy.
pub(crate) struct Shared {
    pub(crate) validator: Arc<Validator>,
    pub(crate) options: PresentedOptions,
    pub(crate) mandatory: bool,
    pub(crate) root_hints: Vec<DistinguishedName>,
    pub(crate) bindings: Option<Arc<dyn ClientBindings>>,
    pub(crate) client_id_from_certificate: Option<Arc<ClientIdFn>>,
    pub(crate) on_rejection: Option<Arc<RejectionHook>>,
    pub(crate) report_in_error: bool,
    pub(crate) algorithms: WebPkiSupportedAlgorithms,
}

/// What the verifier decided for the connection it was made for (see
/// [`ChainvetClientVerifier::for_connection`]).
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The certificate was accepted; the report may hold warnings (e.g.
    /// `validity.expires_soon`) and describes the leaf (serial, SHA-256). The handshake
    /// can still fail afterwards, e.g. when the client's CertificateVerify signature
    /// does not verify with the certificate's key.
    Accepted(Arc<Report>),
    /// The certificate was rejected.
    Rejected(Arc<ChainvetRejection>),
}

impl Outcome {
    /// The report, whichever way it went.
    pub fn report(&self) -> &Report {
        match self {
            Outcome::Accepted(report) => report,
            Outcome::Rejected(rejection) => rejection.report(),
        }
    }
}

/// A rustls [`ClientCertVerifier`] that validates the client's certificate with
/// chainvet in trust-store mode (client usage; the end-entity and the intermediates the
/// client sent, against the validator's trust store), under the validator's policy,
/// optionally checking it is the certificate registered for the client.
///
/// Build one with [`ChainvetClientVerifier::builder`]; use it for every connection
/// (`ServerConfig::builder().with_client_cert_verifier(verifier)`), or make a copy per
/// connection with [`for_connection`](Self::for_connection) to bind a client id taken
/// from the ClientHello (SNI) and to read the outcome after the handshake.
pub struct ChainvetClientVerifier {
    shared: Arc<Shared>,
    /// Set on per-connection copies only.
    connection: Option<Connection>,
}

struct Connection {
    client_id: Option<String>,
    outcome: Mutex<Option<Outcome>>,
}

impl ChainvetClientVerifier {
    /// A builder over `validator` (its policy and trust store). See [`Builder`] for
    /// the defaults.
    pub fn builder(validator: Arc<Validator>) -> Builder {
        Builder::new(validator)
    }

    pub(crate) fn from_shared(shared: Shared) -> ChainvetClientVerifier {
        ChainvetClientVerifier {
            shared: Arc::new(shared),
            connection: None,
        }
    }

    /// A copy of this verifier for one connection: it checks the binding for
    /// `client_id` (when the builder set [`Builder::bindings`]; `None` then rejects
    /// with `binding.no_registered_certificate`, fail closed) and records the
    /// [`Outcome`], readable with [`outcome`](Self::outcome) after the handshake, also
    /// after a rejection. Cheap: the configuration is shared, not copied.
    ///
    /// rustls gives a verifier no SNI; read it first with `rustls::server::Acceptor`
    /// (`accepted.client_hello().server_name()`), map it to a client id, and finish the
    /// handshake with a `ServerConfig` built around this copy (see the crate docs).
    pub fn for_connection(&self, client_id: Option<&str>) -> Arc<ChainvetClientVerifier> {
        Arc::new(ChainvetClientVerifier {
            shared: Arc::clone(&self.shared),
            connection: Some(Connection {
                client_id: client_id.map(str::to_owned),
                outcome: Mutex::new(None),
            }),
        })
    }

    /// What this per-connection verifier decided (`None` before the client sent a
    /// certificate, when it sent none, and always on the shared verifier, which serves
    /// many connections at once and so records nothing).
    pub fn outcome(&self) -> Option<Outcome> {
        let connection = self.connection.as_ref()?;
        lock(&connection.outcome).clone()
    }

    /// The rejection of this connection, if its certificate was rejected.
    pub fn rejection(&self) -> Option<Arc<ChainvetRejection>> {
        match self.outcome()? {
            Outcome::Rejected(rejection) => Some(rejection),
            Outcome::Accepted(_) => None,
        }
    }

    /// The validator the verifier runs.
    pub fn validator(&self) -> &Arc<Validator> {
        &self.shared.validator
    }

    /// Runs the validation rustls asks for at `now`, returning the report and the
    /// client id the binding was checked for.
    fn validate(&self, end_entity: &[u8], intermediates: &[&[u8]], now: UnixTime) -> Verdict {
        let shared = &*self.shared;
        let mut options = shared.options.clone();
        if options.base.at.is_none() {
            options.base.at = Some(Timestamp(i64::try_from(now.as_secs()).unwrap_or(i64::MAX)));
        }
        let Some(bindings) = &shared.bindings else {
            let report = shared
                .validator
                .validate_presented(end_entity, intermediates, &options);
            return Verdict {
                report,
                client_id: None,
            };
        };
        let client_id = match self.connection.as_ref().and_then(|c| c.client_id.clone()) {
            Some(id) => Some(id),
            None => shared.client_id_from_certificate.as_ref().and_then(|f| {
                Certificate::from_der(end_entity.to_vec())
                    .ok()
                    .and_then(|cert| f(&cert))
            }),
        };
        options.base.binding = client_id.as_deref().map(|id| bindings.binding(id));
        let mut report = shared
            .validator
            .validate_presented(end_entity, intermediates, &options);
        if client_id.is_none() {
            // Binding is on but nothing named the client: fail closed.
            report.findings.push(Finding {
                code: Code::BindingNoRegisteredCertificate,
                severity: Severity::Error,
                certificate: Some(0),
                message: "the connection names no client (no server name, or none the gateway maps to a client), so the certificate cannot be checked against a registration".to_owned(),
                hint: "Connect with the server name assigned to your client.".to_owned(),
                detail: None,
            });
            report.accepted = false;
        }
        Verdict { report, client_id }
    }

    fn record(&self, outcome: Outcome) {
        if let Some(connection) = &self.connection {
            *lock(&connection.outcome) = Some(outcome);
        }
    }
}

struct Verdict {
    report: Report,
    client_id: Option<String>,
}

/// A poisoned lock only means another thread panicked mid-write of an `Option`.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl fmt::Debug for ChainvetClientVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &*self.shared;
        f.debug_struct("ChainvetClientVerifier")
            .field(
                "trust_anchors",
                &shared.validator.trust_store().anchors().len(),
            )
            .field("mandatory", &shared.mandatory)
            .field("root_hints", &shared.root_hints.len())
            .field("binding", &shared.bindings.is_some())
            .field("report_in_error", &shared.report_in_error)
            .field(
                "client_id",
                &self.connection.as_ref().map(|c| c.client_id.as_deref()),
            )
            .finish_non_exhaustive()
    }
}

impl ClientCertVerifier for ChainvetClientVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        self.shared.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.shared.root_hints
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        let pool: Vec<&[u8]> = intermediates.iter().map(|c| c.as_ref()).collect();
        let Verdict { report, client_id } = self.validate(end_entity.as_ref(), &pool, now);
        if report.accepted {
            self.record(Outcome::Accepted(Arc::new(report)));
            return Ok(ClientCertVerified::assertion());
        }
        let specific = alert::main_finding(&report)
            .and_then(|f| Class::of(f.code).certificate_error())
            .filter(|_| !self.shared.report_in_error);
        let sent = match &specific {
            Some(e) => e.clone().into(),
            None => rustls::AlertDescription::CertificateUnknown,
        };
        let rejection = Arc::new(ChainvetRejection::new(report, sent, client_id));
        if let Some(hook) = &self.shared.on_rejection {
            hook(&rejection);
        }
        self.record(Outcome::Rejected(Arc::clone(&rejection)));
        Err(match specific {
            Some(e) => Error::InvalidCertificate(e),
            None => rejection.into_carrying_error(),
        })
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.shared.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.shared.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.shared.algorithms.supported_schemes()
    }
}

/// The signature algorithms of `provider`, or of the process default provider, or of
/// aws-lc-rs.
pub(crate) fn algorithms(provider: Option<&Arc<CryptoProvider>>) -> WebPkiSupportedAlgorithms {
    let default = CryptoProvider::get_default();
    match provider.or(default) {
        Some(p) => p.signature_verification_algorithms,
        None => rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms,
    }
}

/// The trust anchors' subjects, as CertificateRequest's certificate_authorities lists
/// them (the DER Name, SEQUENCE included).
pub(crate) fn root_hints(validator: &Validator) -> Vec<DistinguishedName> {
    validator
        .trust_store()
        .anchors()
        .iter()
        .map(|a| DistinguishedName::in_sequence(a.subject_raw()))
        .collect()
}

/// The options the builder starts from: client usage, offline.
pub(crate) fn default_options() -> PresentedOptions {
    let mut options = PresentedOptions::default();
    options.usage = Usage::ClientAuth;
    options.base.offline = true;
    options
}

/// A binding with no registration: the client is unknown.
pub(crate) fn unknown_client(id: &str) -> Arc<Binding> {
    Arc::new(Binding::new(Vec::new()).with_client(id))
}
