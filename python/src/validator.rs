//! `chainvet.Validator` (validate with binding and revocation inputs, validate_presented
//! in trust-store mode, check_binding, check_csr, cache_ocsp_response, fix, repair) and
//! the module-level `fix` and `check_csr`.

use std::borrow::Cow;
use std::sync::Arc;

use chainvet::{Options, PresentedOptions, Timestamp, TrustStore};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};

use crate::binding::{Binding, BindingOutcome};
use crate::cache;
use crate::certificate::{self, CertError, Pick};
use crate::csr::{CSR_FORMS, CsrReport};
use crate::errors::{FixRefused, OcspError, policy_load_error, with_code};
use crate::gil;
use crate::input::{self, Blob, Input};
use crate::policy::Policy;
use crate::presented;
use crate::report::Report;
use crate::revocation::RevocationAnswer;
use crate::revocation::ocsp::one_certificate;
use crate::time::validation_time;

/// What an OCSP response argument may be.
const OCSP_FORMS: &str = "bytes (a DER OCSPResponse), an os.PathLike (a file holding one), \
     or a cryptography.x509.ocsp.OCSPResponse";

/// The revocation inputs of one `validate` call, before files are read.
struct RevocationInputs<'a> {
    stapled: Vec<Blob<'a>>,
    responses: Vec<Blob<'a>>,
    crls: Vec<Blob<'a>>,
    /// `chainvet.Crl` objects among `crls`: parsed once, shared, not parsed again.
    parsed_crls: Vec<Arc<chainvet::revocation::Crl>>,
}

impl<'a> RevocationInputs<'a> {
    fn extract(
        stapled_ocsp: Option<&'a Bound<'_, PyAny>>,
        ocsp_responses: Option<&'a Bound<'_, PyAny>>,
        crls: Option<&'a Bound<'_, PyAny>>,
    ) -> PyResult<RevocationInputs<'a>> {
        let (crls, parsed_crls) = crate::revocation::crl::split_parsed(crls)?;
        Ok(RevocationInputs {
            stapled: Blob::extract_many(stapled_ocsp, "stapled_ocsp", OCSP_FORMS, false)?,
            responses: Blob::extract_many(ocsp_responses, "ocsp_responses", OCSP_FORMS, false)?,
            crls,
            parsed_crls,
        })
    }

    /// Reads files (with the GIL released by the caller), whole, as the CLI's
    /// `--ocsp-response` and `--crl` do (the policy's size caps bound fetches), into the
    /// options both modes share.
    fn read_into(self, o: &mut Options) -> std::io::Result<()> {
        let read = |blobs: Vec<Blob<'_>>| {
            blobs
                .into_iter()
                .map(|b| b.read(0).map(Cow::into_owned))
                .collect::<std::io::Result<Vec<_>>>()
        };
        o.parsed_crls = self.parsed_crls;
        o.stapled_ocsp = read(self.stapled)?;
        o.ocsp_responses = read(self.responses)?;
        o.crls = read(self.crls)?;
        Ok(())
    }
}

/// Vets certificate bundles against one policy. Immutable and thread-safe: create one
/// and share it between threads; validation releases the GIL.
#[pyclass(frozen, module = "chainvet", name = "Validator")]
pub(crate) struct Validator {
    inner: chainvet::Validator,
    policy: Py<Policy>,
    /// DER intermediates configured once (`intermediates=`), for gateways whose TLS
    /// stack hands over the leaf alone.
    intermediates: Vec<Vec<u8>>,
    /// The default of `offline` for every call.
    offline: bool,
}

/// Where the bytes come from once `data` has been read (plain Rust data).
enum Source<'a> {
    Pem(Cow<'a, [u8]>),
    Der(Vec<Cow<'a, [u8]>>),
}

impl Validator {
    /// The options both modes share (`Options`, the `base` of trust-store mode's), from
    /// the keyword arguments `validate` and `validate_presented` have in common, the
    /// revocation input aside (read with the GIL released).
    fn options(
        &self,
        at: Option<&Bound<'_, PyAny>>,
        binding: Option<&Bound<'_, Binding>>,
        offline: Option<bool>,
        ocsp_nonce: bool,
    ) -> PyResult<Options> {
        let mut options = Options::default();
        options.at = validation_time(at)?;
        options.binding = binding.map(|b| Arc::clone(&b.get().inner));
        options.offline = offline.unwrap_or(self.offline);
        options.ocsp_nonce = ocsp_nonce;
        Ok(options)
    }

    /// Checks `presented` (already extracted) against `binding` at `at`. Reads files:
    /// call with the GIL released.
    fn run_check_binding(
        &self,
        presented: Input<'_>,
        binding: &chainvet::Binding,
        at: Timestamp,
    ) -> std::io::Result<chainvet::BindingOutcome> {
        let pem = match presented {
            // A peer chain as a TLS stack hands it over: the first is the leaf, and an
            // unparsable one is a `certificate.malformed` finding.
            Input::Der(list) => {
                let leaf = list.first().map_or(&[][..], |d| &d[..]);
                return Ok(self.inner.check_binding_der(leaf, binding, at));
            }
            Input::Pem(bytes) => bytes,
            Input::Path(path) => Cow::Owned(input::read_file(&path, self.inner.policy())?),
        };
        if !pem.windows(10).any(|w| w == b"-----BEGIN") {
            return Ok(self.inner.check_binding_der(&pem, binding, at));
        }
        Ok(match certificate::parse(Input::Pem(pem), Pick::Leaf) {
            Ok(cert) => self.inner.check_binding(&cert, binding, at),
            Err(CertError::Io(e)) => return Err(e),
            Err(CertError::Invalid(why)) => {
                // The core's DER path reports an unusable leaf with the policy's severity
                // for `certificate.malformed`; only its message is about DER, so say why
                // the PEM gave no certificate instead.
                let mut outcome = self.inner.check_binding_der(&[], binding, at);
                for f in &mut outcome.findings {
                    if f.code == chainvet::Code::CertificateMalformed {
                        f.message =
                            format!("the presented leaf is not a usable certificate: {why}");
                    }
                }
                outcome
            }
        })
    }

    /// Reads a path input (with the GIL released by the caller).
    fn source<'a>(&self, input: Input<'a>) -> std::io::Result<Source<'a>> {
        Ok(match input {
            Input::Pem(bytes) => Source::Pem(bytes),
            Input::Der(list) => Source::Der(list),
            Input::Path(path) => {
                Source::Pem(Cow::Owned(input::read_file(&path, self.inner.policy())?))
            }
        })
    }

    /// `complete`: a DER leaf alone is completed with the configured intermediates.
    fn run_validate(
        &self,
        input: Input<'_>,
        options: &Options,
        complete: bool,
    ) -> std::io::Result<chainvet::Report> {
        Ok(match self.source(input)? {
            Source::Pem(bytes) => self.inner.validate_with(&bytes, options),
            Source::Der(list) => {
                // The policy's size limit holds for DER as for PEM: over it, the bytes go
                // the bundle way, which reports `input.too_large` before parsing.
                let limit = self.inner.policy().max_input_bytes;
                if limit > 0 && list.iter().map(|d| d.len()).sum::<usize>() > limit {
                    return Ok(self.inner.validate_with(&list.concat(), options));
                }
                let mut refs: Vec<&[u8]> = list.iter().map(|d| &d[..]).collect();
                if complete && refs.len() == 1 {
                    refs.extend(self.intermediates.iter().map(Vec::as_slice));
                }
                self.inner.validate_der_with(&refs, options)
            }
        })
    }

    fn run_fix(
        &self,
        input: Input<'_>,
        at: Timestamp,
    ) -> std::io::Result<Result<chainvet::Fixed, chainvet::FixRefused>> {
        let pem = match self.source(input)? {
            Source::Pem(bytes) => bytes,
            // A peer chain as DER is repaired like the same certificates as PEM.
            Source::Der(list) => Cow::Owned(
                list.iter()
                    .map(|d| chainvet::fix::encode_pem(d))
                    .collect::<String>()
                    .into_bytes(),
            ),
        };
        Ok(self.inner.fix_at(&pem, at))
    }

    fn repair_inner(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Repair> {
        let at = validation_time(at)?.unwrap_or_else(Timestamp::now);
        let input = Input::extract(data, "data")?;
        let result = gil::enter(py, || self.run_fix(input, at))??;
        match result {
            Ok(fixed) => Ok(Repair {
                pem: PyBytes::new(py, fixed.pem.as_bytes()).unbind(),
                changes: fixed.changes,
                report: Report::new(py, fixed.report)?,
            }),
            Err(refused) => {
                let err = FixRefused::new_err(refused.to_string());
                let value = err.value(py);
                value.setattr("reasons", PyList::new(py, &refused.reasons)?)?;
                value.setattr("report", Report::new(py, *refused.report)?)?;
                Err(err)
            }
        }
    }
}

#[pymethods]
impl Validator {
    /// A validator for `policy` (default: `Policy()`). `trust_store` gives the trusted
    /// roots (PEM bytes or text, a path, or a list of certificates) and replaces any
    /// `trust_store` file the policy names; without one, the bundle's own root anchors
    /// path validation (consistency, not trust).
    ///
    /// `intermediates` (certificates in any form `validate` takes) join the pool of
    /// every `validate_presented` call, and complete a lone DER leaf (bytes, a TLS
    /// socket) given to `validate`. `offline` is the default of every call's `offline`.
    /// `cache_limits`: `{"signatures": {"entries": n, "bytes": m}, "analyses": {...}}`
    /// (missing keys keep the defaults; 0 entries disables a cache) or "off".
    #[new]
    #[pyo3(signature = (policy=None, *, trust_store=None, intermediates=None, offline=false, cache_limits=None))]
    fn new(
        py: Python<'_>,
        policy: Option<Bound<'_, Policy>>,
        trust_store: Option<&Bound<'_, PyAny>>,
        intermediates: Option<&Bound<'_, PyAny>>,
        offline: bool,
        cache_limits: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Validator> {
        let policy = match policy {
            Some(p) => p.unbind(),
            None => Py::new(
                py,
                Policy {
                    inner: chainvet::Policy::default(),
                },
            )?,
        };
        let core_policy = policy.get().inner.clone();
        let inner = match trust_store {
            Some(store) if !store.is_none() => {
                let input = Input::extract(store, "trust_store")?;
                let store = gil::enter(py, || load_trust_store(input))??;
                chainvet::Validator::with_trust_store(core_policy, store)
            }
            _ => gil::enter(py, || chainvet::Validator::new(core_policy))?
                .map_err(policy_load_error)?,
        };
        let inner = match cache_limits.filter(|c| !c.is_none()) {
            Some(limits) => inner.with_cache_limits(cache::limits(limits)?),
            None => inner,
        };
        let intermediates = match intermediates.filter(|i| !i.is_none()) {
            Some(i) => {
                let input = Input::extract(i, "intermediates")?;
                let core_policy = inner.policy();
                gil::enter(py, || presented::ders(input, "intermediates", core_policy))??
                    .into_iter()
                    .map(Cow::into_owned)
                    .collect()
            }
            None => Vec::new(),
        };
        Ok(Validator {
            inner,
            policy,
            intermediates,
            offline,
        })
    }

    /// The intermediates configured with `intermediates=`, as DER.
    #[getter]
    fn intermediates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.intermediates.iter().map(|d| PyBytes::new(py, d)))
    }

    /// The default of every call's `offline`.
    #[getter]
    fn offline(&self) -> bool {
        self.offline
    }

    /// The cache limits in force, in the form `cache_limits=` takes.
    fn cache_limits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let l = self.inner.cache_limits();
        cache::pairs(
            py,
            (l.signatures.entries, l.signatures.bytes),
            (l.analyses.entries, l.analyses.bytes),
        )
    }

    /// How full the caches are: `{"signatures": {"entries": n, "bytes": m},
    /// "analyses": {...}}`. The caches are shared by every call on this validator.
    fn cache_usage<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let u = self.inner.cache_usage();
        cache::pairs(py, u.signatures, u.analyses)
    }

    /// Forgets every cached signature and analysis (not cached revocation answers).
    fn clear_caches(&self) {
        self.inner.clear_caches();
    }

    /// `validate` in a worker thread (`asyncio.to_thread`), for event loops: same
    /// arguments, awaited. The native call releases the GIL, so the loop keeps running.
    #[pyo3(signature = (*args, **kwargs))]
    fn avalidate<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        offload(slf, "validate", args, kwargs)
    }

    /// `validate_presented` in a worker thread, awaited; see `avalidate`.
    #[pyo3(signature = (*args, **kwargs))]
    fn avalidate_presented<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        offload(slf, "validate_presented", args, kwargs)
    }

    /// The policy this validator applies.
    #[getter]
    fn policy(&self, py: Python<'_>) -> Py<Policy> {
        self.policy.clone_ref(py)
    }

    /// Number of configured trust anchors (0: the bundle's own root anchors validation).
    #[getter]
    fn trust_anchors(&self) -> usize {
        self.inner.trust_store().anchors().len()
    }

    /// Vets `data` at time `at` (an aware datetime; default now) and reports every
    /// problem. Bad certificates are findings in the report, never exceptions.
    ///
    /// `data`: bytes or str (PEM text; a str is never treated as a path), an
    /// os.PathLike (a PEM file), a cryptography.x509.Certificate, or a list of
    /// certificates (Certificate objects or DER bytes) leaf first.
    ///
    /// `binding`: also check that the leaf is a certificate the client registered
    /// (`binding.*` findings). Revocation (per the policy's `revocation` table; default
    /// soft-fail for the leaf) uses, first to last: `stapled_ocsp` (the OCSP response(s)
    /// stapled in the TLS handshake), `ocsp_responses` and `crls` (DER, or PEM for
    /// CRLs, obtained by the caller; bytes, a path, a cryptography object, or a list of
    /// them), the validator's cache, then the network (the responders and distribution
    /// points the certificates name), unless `offline`. `ocsp_nonce` sends a nonce in
    /// fetched OCSP requests and requires it echoed. Fetching runs with the GIL
    /// released, bounded by the policy's `timeout_ms` per fetch.
    #[pyo3(signature = (data, at=None, *, binding=None, stapled_ocsp=None, ocsp_responses=None, crls=None, offline=None, ocsp_nonce=false))]
    #[allow(clippy::too_many_arguments)]
    fn validate(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
        binding: Option<&Bound<'_, Binding>>,
        stapled_ocsp: Option<&Bound<'_, PyAny>>,
        ocsp_responses: Option<&Bound<'_, PyAny>>,
        crls: Option<&Bound<'_, PyAny>>,
        offline: Option<bool>,
        ocsp_nonce: bool,
    ) -> PyResult<Py<Report>> {
        let mut options = self.options(at, binding, offline, ocsp_nonce)?;
        let revocation = RevocationInputs::extract(stapled_ocsp, ocsp_responses, crls)?;
        let complete = !self.intermediates.is_empty()
            && (data.is_instance_of::<PyBytes>() || input::is_tls_object(data)?);
        let input = Input::extract(data, "data")?;
        let report = gil::enter(py, || {
            revocation.read_into(&mut options)?;
            self.run_validate(input, &options, complete)
        })??;
        Report::new(py, report)
    }

    /// Trust-store mode: validates the certificate a peer presented (`leaf`) with an
    /// unordered pool of `intermediates` against this validator's trust anchors (its
    /// `trust_store`; without one nothing validates: `root.not_trusted`), as a TLS
    /// gateway sees them. Path building goes through the pool in any order, strangers
    /// and duplicates allowed, and backtracks past a path the policy refuses. Returns a
    /// `Report` (bundle-order findings do not apply); certificate indices are 0 for the
    /// leaf, then the pool in order, then the trust anchor that ended the path.
    ///
    /// `leaf`: DER or PEM bytes, PEM text, an os.PathLike, a
    /// cryptography.x509.Certificate, or a list leaf first; further certificates in it
    /// join the pool ahead of `intermediates` (bytes or text PEM, a path, a certificate
    /// object, or a list of them / of DER bytes). PEM whose base64 is broken raises
    /// ValueError; bytes that are not a certificate are a `certificate.malformed`
    /// finding. `usage`: "client" (clientAuth, the default) or "server". `peer_names`:
    /// names the leaf must be valid for (each missing one is `leaf.name_mismatch`): a
    /// DNS name, an IP address (text or an ipaddress object) or an email address, or a
    /// list of them. `max_depth`: most intermediates on the path (`chain.too_long`).
    /// `at`, `binding`, `stapled_ocsp`, `ocsp_responses`, `crls`, `offline` and
    /// `ocsp_nonce` are as for `validate`; revocation is checked for the certificates
    /// of each candidate path, never for trust anchors. The RFC 5280 6.1.1
    /// certificate-policy inputs: `policy_oids` (a dotted OID or a list of them, the
    /// user-initial-policy-set; a string that is no OID raises ValueError),
    /// `explicit_policy`, `inhibit_policy_mapping` and `inhibit_any_policy`; when any of
    /// them is given they replace the policy's `[path_validation]` inputs for this call
    /// (the others at RFC 5280's defaults), and `Report.certificate_policies` says
    /// which policies the accepted path is valid for. Runs with the GIL released.
    #[pyo3(signature = (leaf, intermediates=None, *, usage="client", peer_names=None, max_depth=None, at=None, binding=None, stapled_ocsp=None, ocsp_responses=None, crls=None, offline=None, ocsp_nonce=false, policy_oids=None, explicit_policy=None, inhibit_policy_mapping=None, inhibit_any_policy=None))]
    #[allow(clippy::too_many_arguments)]
    fn validate_presented(
        &self,
        py: Python<'_>,
        leaf: &Bound<'_, PyAny>,
        intermediates: Option<&Bound<'_, PyAny>>,
        usage: &str,
        peer_names: Option<&Bound<'_, PyAny>>,
        max_depth: Option<i64>,
        at: Option<&Bound<'_, PyAny>>,
        binding: Option<&Bound<'_, Binding>>,
        stapled_ocsp: Option<&Bound<'_, PyAny>>,
        ocsp_responses: Option<&Bound<'_, PyAny>>,
        crls: Option<&Bound<'_, PyAny>>,
        offline: Option<bool>,
        ocsp_nonce: bool,
        policy_oids: Option<&Bound<'_, PyAny>>,
        explicit_policy: Option<bool>,
        inhibit_policy_mapping: Option<bool>,
        inhibit_any_policy: Option<bool>,
    ) -> PyResult<Py<Report>> {
        let base = self.options(at, binding, offline, ocsp_nonce)?;
        let mut options = PresentedOptions::with_base(base, presented::usage(usage)?);
        options.policy_inputs = presented::policy_inputs(
            policy_oids,
            explicit_policy,
            inhibit_policy_mapping,
            inhibit_any_policy,
        )?;
        options.peer_names = presented::peer_names(peer_names)?;
        options.max_depth = presented::max_depth(max_depth)?;
        let revocation = RevocationInputs::extract(stapled_ocsp, ocsp_responses, crls)?;
        let leaf = Input::extract(leaf, "leaf")?;
        let intermediates = intermediates
            .filter(|i| !i.is_none())
            .map(|i| Input::extract(i, "intermediates"))
            .transpose()?;
        let policy = self.inner.policy();
        let report = gil::enter(py, || {
            let presented = presented::leaf_and_pool(leaf, intermediates, policy)?;
            revocation
                .read_into(&mut options.base)
                .map_err(presented::PresentedError::Io)?;
            let pool: Vec<&[u8]> = presented
                .pool
                .iter()
                .map(|d| &d[..])
                .chain(self.intermediates.iter().map(Vec::as_slice))
                .collect();
            let report = self
                .inner
                .validate_presented(&presented.leaf, &pool, &options);
            Ok::<_, presented::PresentedError>(report)
        })??;
        Report::new(py, report)
    }

    /// Checks that `presented` (the leaf of the TLS handshake: DER or PEM bytes, a
    /// cryptography.x509.Certificate, the peer chain as a list leaf first, or a PEM
    /// bundle, whose leaf is taken) is a certificate registered in `binding`, at `at`
    /// (an aware datetime; default now). Nothing registered is parsed again. An
    /// unusable leaf is a `certificate.malformed` finding, not an exception.
    #[pyo3(signature = (presented, binding, at=None))]
    fn check_binding(
        &self,
        py: Python<'_>,
        presented: &Bound<'_, PyAny>,
        binding: &Bound<'_, Binding>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<BindingOutcome>> {
        let at = validation_time(at)?.unwrap_or_else(Timestamp::now);
        let binding = Arc::clone(&binding.get().inner);
        let presented = Input::extract(presented, "presented")?;
        let outcome = gil::enter(py, || self.run_check_binding(presented, &binding, at))??;
        BindingOutcome::new(py, outcome, &binding)
    }

    /// Pre-flight of a certificate signing request (bytes PEM or DER, str PEM, an
    /// os.PathLike, or a cryptography.x509.CertificateSigningRequest): parse, verify its
    /// self-signature, and apply the policy's key and subject rules, so a CSR that
    /// passes yields a certificate that passes `validate`. Anything that is not a CSR (a
    /// private key, never shown; a certificate) is a `csr.malformed` finding.
    fn check_csr(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Py<CsrReport>> {
        run_check_csr(py, &self.inner, data)
    }

    /// Evaluates an OCSP response the caller fetched itself (see `chainvet.ocsp`) for
    /// `certificate` issued by `issuer` under this validator's revocation policy and, if
    /// it is valid, stores the answer in the validator's cache until it goes stale:
    /// later validations of that certificate use it (source "cache") without a network
    /// call. `responder` is how reports name where it came from (default: the
    /// certificate's OCSP URL). Raises `OcspError` if the response gives no status.
    #[pyo3(signature = (response, certificate, issuer, *, responder=None, at=None))]
    fn cache_ocsp_response(
        &self,
        py: Python<'_>,
        response: &Bound<'_, PyAny>,
        certificate: &Bound<'_, PyAny>,
        issuer: &Bound<'_, PyAny>,
        responder: Option<String>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<RevocationAnswer> {
        use chainvet::revocation::{CachedOcsp, ocsp};
        let at = validation_time(at)?.unwrap_or_else(Timestamp::now);
        let response = Blob::extract(response, "response", OCSP_FORMS, false)?;
        let cert = one_certificate(py, certificate, "certificate")?;
        let issuer = one_certificate(py, issuer, "issuer")?;
        let policy = &self.inner.policy().revocation;
        let answer = gil::enter(py, || {
            let bytes = response.read(0)?;
            let answer = ocsp::evaluate(&bytes, &cert, &issuer, at, None, policy)?;
            let responder = responder
                .or_else(|| ocsp::responder_url(&cert).map(str::to_owned))
                .unwrap_or_else(|| "OCSP response cached by the caller".to_owned());
            let cached = CachedOcsp {
                answer: answer.clone(),
                responder,
                response: bytes.into_owned().into(),
            };
            self.inner
                .revocation_cache()
                .insert_ocsp(&cert, &issuer, cached, at);
            Ok::<_, CacheError>(answer)
        })?;
        match answer {
            Ok(a) => Ok(RevocationAnswer::new(a)),
            Err(CacheError::Io(e)) => Err(e.into()),
            Err(CacheError::Ocsp(e)) => Err(with_code::<OcspError>(py, e.to_string(), e.code())),
        }
    }

    /// Repairs `data` where repair is mechanical (leaf-to-root order; duplicates,
    /// unrelated certificates, text, CSRs and private keys dropped) and returns the
    /// PEM bundle. Raises `FixRefused` when no reordering makes the chain complete. The
    /// result may still have problems no reordering repairs (an expired certificate):
    /// use `repair` to see them.
    #[pyo3(signature = (data, at=None))]
    fn fix(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyBytes>> {
        Ok(self.repair_inner(py, data, at)?.pem)
    }

    /// Like `fix`, returning the repaired bundle with the list of changes and the
    /// validation of the result.
    #[pyo3(signature = (data, at=None))]
    fn repair(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Repair> {
        self.repair_inner(py, data, at)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Validator({}, trust_anchors={}, intermediates={}, offline={})",
            self.policy.bind(py).repr()?,
            self.trust_anchors(),
            self.intermediates.len(),
            if self.offline { "True" } else { "False" }
        ))
    }
}

/// Calls `chainvet._aio.offload(validator.<method>, *args, **kwargs)`: a coroutine that
/// runs the method in a worker thread.
fn offload<'py>(
    slf: &Bound<'py, Validator>,
    method: &str,
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = slf.py();
    let bound = slf.getattr(method)?;
    let items: Vec<Bound<'py, PyAny>> = std::iter::once(bound).chain(args.iter()).collect();
    let call_args = PyTuple::new(py, items)?;
    py.import("chainvet._aio")?
        .getattr("offload")?
        .call(call_args, kwargs)
}

/// Why `cache_ocsp_response` stored nothing.
enum CacheError {
    Io(std::io::Error),
    Ocsp(chainvet::revocation::ocsp::Error),
}

impl From<std::io::Error> for CacheError {
    fn from(e: std::io::Error) -> Self {
        CacheError::Io(e)
    }
}

impl From<chainvet::revocation::ocsp::Error> for CacheError {
    fn from(e: chainvet::revocation::ocsp::Error) -> Self {
        CacheError::Ocsp(e)
    }
}

fn load_trust_store(input: Input<'_>) -> PyResult<TrustStore> {
    match input {
        Input::Pem(pem) => TrustStore::from_pem(&pem).map_err(policy_load_error),
        Input::Path(path) => TrustStore::from_file(&path).map_err(policy_load_error),
        Input::Der(list) => {
            let mut anchors = Vec::with_capacity(list.len());
            for (i, der) in list.into_iter().enumerate() {
                let cert = chainvet::Certificate::from_der(der.into_owned()).map_err(|e| {
                    policy_load_error(
                        chainvet::LoadError::new(format!("not a usable certificate: {e}"))
                            .in_field(format!("certificate {}", i + 1)),
                    )
                })?;
                anchors.push(cert);
            }
            if anchors.is_empty() {
                return Err(policy_load_error(chainvet::LoadError::new(
                    "the trust store list is empty",
                )));
            }
            Ok(TrustStore::from_certificates(anchors))
        }
    }
}

/// A repaired bundle: `pem` (bytes, leaf first), the `changes` made, and the `report`
/// of validating the result.
#[pyclass(frozen, module = "chainvet", name = "Repair")]
pub(crate) struct Repair {
    pem: Py<PyBytes>,
    changes: Vec<String>,
    report: Py<Report>,
}

#[pymethods]
impl Repair {
    /// The repaired bundle: the chain's certificates as PEM, leaf first.
    #[getter]
    fn pem(&self, py: Python<'_>) -> Py<PyBytes> {
        self.pem.clone_ref(py)
    }

    /// What was changed, one sentence each; empty when the input was already in shape.
    #[getter]
    fn changes(&self) -> Vec<String> {
        self.changes.clone()
    }

    /// The validation of the repaired bundle.
    #[getter]
    fn report(&self, py: Python<'_>) -> Py<Report> {
        self.report.clone_ref(py)
    }

    fn __repr__(&self) -> String {
        format!("<Repair changes={}>", self.changes.len())
    }
}

/// Repairs a bundle with the given policy (default `Policy()`) and returns the PEM
/// bytes; see `Validator.fix`.
#[pyfunction]
#[pyo3(signature = (data, *, policy=None, at=None))]
pub(crate) fn fix(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    policy: Option<Bound<'_, Policy>>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyBytes>> {
    let validator = Validator::new(py, policy, None, None, false, None)?;
    validator.fix(py, data, at)
}

/// Pre-flight of a certificate signing request with the given policy (default
/// `Policy()`); see `Validator.check_csr`.
#[pyfunction]
#[pyo3(signature = (data, *, policy=None))]
pub(crate) fn check_csr(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    policy: Option<Bound<'_, Policy>>,
) -> PyResult<Py<CsrReport>> {
    // The trust store plays no part in a CSR check: do not load the policy's file.
    let policy = policy.map_or_else(chainvet::Policy::default, |p| p.get().inner.clone());
    let validator = chainvet::Validator::with_trust_store(policy, TrustStore::empty());
    run_check_csr(py, &validator, data)
}

fn run_check_csr(
    py: Python<'_>,
    validator: &chainvet::Validator,
    data: &Bound<'_, PyAny>,
) -> PyResult<Py<CsrReport>> {
    let blob = Blob::extract(data, "data", CSR_FORMS, true)?;
    let limit = validator.policy().max_input_bytes;
    let report = gil::enter(py, || {
        let bytes = blob.read(limit)?;
        let report = validator.check_csr(&bytes);
        // A CSR file sometimes holds the private key too.
        input::wipe(bytes);
        Ok::<_, std::io::Error>(report)
    })??;
    CsrReport::new(py, report)
}
