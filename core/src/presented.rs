//! Trust-store mode: the certificate a peer presented, an unordered pool of
//! intermediates and the configured trust anchors, as a TLS gateway (or the x509-limbo
//! suite) sees them. rustls-webpki builds the path; chainvet's policy checks judge every
//! complete path it finds (webpki's `verify_path` hook), so path building backtracks past
//! a path the policy rejects just as it does past a bad signature. Findings use the same
//! codes as bundle mode; bundle-order findings do not apply.
//!
//! Certificate indices in the report count the leaf as 0, then the intermediates in the
//! order given, then (last) the trust anchor that ended the path.

use std::cell::RefCell;
use std::net::IpAddr;
use std::sync::Arc;

use der::Decode;
use pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};
use webpki::{EndEntityCert, KeyUsage, VerifiedPath};
use x509_cert::certificate::Raw;
use x509_cert::crl::CertificateList;

use crate::binding::{self, Binding};
use crate::certificate::Certificate;
use crate::chain::{self, Chain};
use crate::checks;
use crate::code::Code;
use crate::findings::Findings;
use crate::input::{self, Slot, pem};
use crate::path_validation;
use crate::report::{ChainSummary, Finding, Report};
use crate::revocation::{self, RevocationInfo};
use crate::signature;
use crate::time::Timestamp;
use crate::validator::{Options, Validator, info};

/// id-kp-clientAuth (1.3.6.1.5.5.7.3.2), content octets.
const CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
/// id-kp-serverAuth (1.3.6.1.5.5.7.3.1), content octets.
const SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];

/// Most signature checks the diagnosis of a failed validation spends walking the pool
/// (webpki's own path building has its own budget of 100, from Go CVE-2018-16875).
const DIAGNOSIS_SIGNATURE_BUDGET: usize = 32;

/// What the leaf is validated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Usage {
    /// TLS client authentication (mTLS at a gateway): EKU clientAuth.
    #[default]
    ClientAuth,
    /// TLS server authentication: EKU serverAuth.
    ServerAuth,
}

impl Usage {
    fn eku(self) -> &'static [u8] {
        match self {
            Usage::ClientAuth => CLIENT_AUTH,
            Usage::ServerAuth => SERVER_AUTH,
        }
    }
}

/// A name the leaf must be valid for, matched against its subjectAltName.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerName {
    /// A DNS name (wildcards in the certificate match per RFC 6125).
    Dns(String),
    /// An IP address (iPAddress entries only, never the common name).
    Ip(IpAddr),
    /// An email address (rfc822Name entries; the domain compares case-insensitively).
    Email(String),
}

/// A keyUsage bit the leaf must assert (when it carries a keyUsage extension at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUsageBit {
    /// digitalSignature (0).
    DigitalSignature,
    /// contentCommitment, formerly nonRepudiation (1).
    ContentCommitment,
    /// keyEncipherment (2).
    KeyEncipherment,
    /// dataEncipherment (3).
    DataEncipherment,
    /// keyAgreement (4).
    KeyAgreement,
    /// keyCertSign (5).
    KeyCertSign,
    /// cRLSign (6).
    CrlSign,
    /// encipherOnly (7).
    EncipherOnly,
    /// decipherOnly (8).
    DecipherOnly,
}

/// Per-call inputs of trust-store mode. `PresentedOptions::default()` validates now, for
/// client authentication, with no expected name, no depth limit beyond webpki's and no
/// CRLs.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PresentedOptions {
    /// Validation time; `None` means now.
    pub at: Option<Timestamp>,
    /// What the leaf is for.
    pub usage: Usage,
    /// Names the leaf must be valid for (every one of them).
    pub peer_names: Vec<PeerName>,
    /// Most intermediates between the leaf and the trust anchor (`chain.too_long`).
    /// rustls-webpki never builds paths with more than 6.
    pub max_depth: Option<usize>,
    /// keyUsage bits the leaf must assert if it has a keyUsage extension.
    pub key_usage: Vec<KeyUsageBit>,
    /// CRLs (DER or PEM) the caller obtained, OCSP responses stapled in the handshake or
    /// obtained otherwise, and whether the network may be used: as in bundle mode
    /// (`Options`), evaluated by the policy's `[revocation]` rules for the certificates of
    /// each candidate path, so a path through a revoked intermediate is abandoned for
    /// another. Trust anchors are never checked.
    pub crls: Vec<Vec<u8>>,
    /// DER OCSP responses stapled in the TLS handshake.
    pub stapled_ocsp: Vec<Vec<u8>>,
    /// DER OCSP responses the caller obtained itself.
    pub ocsp_responses: Vec<Vec<u8>>,
    /// Never contact a responder or distribution point.
    pub offline: bool,
    /// Send a random nonce in fetched OCSP requests and require it echoed (as in
    /// `Options`).
    pub ocsp_nonce: bool,
    /// The client's registrations: when set, the leaf must match one of them
    /// (`binding.*`), as in bundle mode.
    pub binding: Option<Arc<Binding>>,
}

impl PresentedOptions {
    /// Options that validate at `at` for `usage`.
    pub fn new(at: Timestamp, usage: Usage) -> PresentedOptions {
        PresentedOptions {
            at: Some(at),
            usage,
            ..PresentedOptions::default()
        }
    }

    /// Options for `usage` with the inputs both modes share taken from bundle-mode
    /// `options`: the time, the binding, and the revocation input (copied) and switches.
    pub fn from_options(options: &Options, usage: Usage) -> PresentedOptions {
        PresentedOptions {
            at: options.at,
            usage,
            crls: options.crls.clone(),
            stapled_ocsp: options.stapled_ocsp.clone(),
            ocsp_responses: options.ocsp_responses.clone(),
            offline: options.offline,
            ocsp_nonce: options.ocsp_nonce,
            binding: options.binding.clone(),
            ..PresentedOptions::default()
        }
    }
}

/// The outcome of checking one complete path.
struct Candidate {
    anchor: Option<Certificate>,
    path: Vec<usize>,
    findings: Vec<Finding>,
    revocation: Vec<RevocationInfo>,
    errors: usize,
}

impl Validator {
    /// Validates the certificate a peer presented (`leaf`, DER) with an unordered pool of
    /// `intermediates` (DER) against this validator's trust store. Without trust anchors
    /// nothing validates (`root.not_trusted`).
    pub fn validate_presented(
        &self,
        leaf: &[u8],
        intermediates: &[&[u8]],
        options: &PresentedOptions,
    ) -> Report {
        let at = options.at.unwrap_or_else(Timestamp::now);
        let policy = self.policy();
        let mut findings = Findings::new(policy);
        let finish = |slots: Vec<Slot>, chain: Chain, findings: Findings<'_>| {
            report(slots, chain, findings, at)
        };

        // Bounds first: a peer controls how many certificates it sends.
        if policy.max_certificates > 0 && intermediates.len() + 1 > policy.max_certificates {
            findings.add(
                Code::ChainTooLong,
                None,
                format!(
                    "the peer presented {} certificates; the policy allows at most {}",
                    intermediates.len() + 1,
                    policy.max_certificates
                ),
                "Send only the leaf and the intermediates of its own chain.",
            );
            return finish(Vec::new(), Chain::default(), findings);
        }
        let total: usize = leaf.len() + intermediates.iter().map(|c| c.len()).sum::<usize>();
        if policy.max_input_bytes > 0 && total > policy.max_input_bytes {
            findings.add(
                Code::InputTooLarge,
                None,
                format!(
                    "the certificates total {total} bytes, over the limit of {} bytes",
                    policy.max_input_bytes
                ),
                "Send only the leaf and the intermediates of its own chain.",
            );
            return finish(Vec::new(), Chain::default(), findings);
        }

        let mut slots: Vec<Slot> = Vec::with_capacity(intermediates.len() + 2);
        match Certificate::from_der(leaf.to_vec()) {
            Ok(c) => slots.push(Ok(c)),
            Err(e) => {
                findings.add(
                    Code::CertificateMalformed,
                    Some(0),
                    format!("certificate 0 (the leaf) is not a valid X.509 certificate: {e}"),
                    "Check what the peer sent; it is not DER X.509.",
                );
                slots.push(Err(e.0));
                return finish(slots, Chain::default(), findings);
            }
        }
        for der in intermediates {
            slots.push(Certificate::from_der(der.to_vec()).map_err(|e| e.0));
        }

        let trust = self.trust_store();
        let anchor_ders: Vec<CertificateDer<'_>> = trust
            .anchors()
            .iter()
            .map(|c| CertificateDer::from(c.der()))
            .collect();
        // Which trust-store certificate each webpki anchor came from.
        let mut anchor_source = Vec::with_capacity(anchor_ders.len());
        let mut anchors: Vec<TrustAnchor<'_>> = Vec::with_capacity(anchor_ders.len());
        for (i, der) in anchor_ders.iter().enumerate() {
            if let Ok(a) = webpki::anchor_from_trusted_cert(der) {
                anchors.push(a);
                anchor_source.push(i);
            }
        }

        let leaf_der = CertificateDer::from(leaf);
        let ee = match EndEntityCert::try_from(&leaf_der) {
            Ok(ee) => ee,
            Err(e) => {
                path_validation::report(e.clone(), Some(0), &mut findings);
                reject_anyway(&mut findings, &e);
                let chain = Chain::from_path(&slots, vec![0], false);
                return finish(slots, chain, findings);
            }
        };
        check_names(&ee, &slots, &options.peer_names, &mut findings);
        check_key_usage(&slots, &options.key_usage, &mut findings);
        if let (Some(registrations), Some(Ok(presented))) = (&options.binding, slots.first()) {
            binding::check(presented, 0, registrations, at, &mut findings);
        }

        if policy.conformance.rfc5280 {
            check_crl_numbers(&options.crls, &mut findings);
        }
        let revocation_options = Options {
            at: Some(at),
            crls: options.crls.clone(),
            stapled_ocsp: options.stapled_ocsp.clone(),
            ocsp_responses: options.ocsp_responses.clone(),
            offline: options.offline,
            ocsp_nonce: options.ocsp_nonce,
            ..Options::default()
        };

        let pool: Vec<CertificateDer<'_>> = intermediates
            .iter()
            .map(|d| CertificateDer::from(*d))
            .collect();
        let accepted: RefCell<Option<Candidate>> = RefCell::new(None);
        let rejected: RefCell<Option<Candidate>> = RefCell::new(None);
        // The anchor of each candidate path is appended for its checks and taken off again.
        let shared_slots = RefCell::new(slots);
        let judge = |path: &VerifiedPath<'_>| -> Result<(), webpki::Error> {
            let anchor = anchors
                .iter()
                .position(|a| std::ptr::eq(a, path.anchor()))
                .and_then(|k| anchor_source.get(k))
                .map(|&src| trust.anchors()[src].clone());
            let candidate = self.judge_path(
                &mut shared_slots.borrow_mut(),
                path,
                anchor,
                options,
                &revocation_options,
                at,
            );
            if candidate.errors == 0 {
                *accepted.borrow_mut() = Some(candidate);
                return Ok(());
            }
            let mut best = rejected.borrow_mut();
            if best.as_ref().is_none_or(|b| candidate.errors < b.errors) {
                *best = Some(candidate);
            }
            // Any error will do: webpki ranks it lowest and keeps looking.
            Err(webpki::Error::UnknownIssuer)
        };
        let time =
            UnixTime::since_unix_epoch(core::time::Duration::from_secs(at.unix_seconds_u64()));
        let result = ee.verify_for_usage(
            signature::webpki_algorithms(),
            &anchors,
            &pool,
            time,
            KeyUsage::required_if_present(options.usage.eku()),
            None,
            Some(&judge),
        );

        let webpki_error = result.err();
        let mut slots = shared_slots.into_inner();
        let candidate = match &webpki_error {
            None => accepted.into_inner(),
            Some(_) => rejected.into_inner(),
        };
        let mut revocation = Vec::new();
        let chain = match candidate {
            Some(c) => {
                let anchored = c.anchor.is_some();
                if let Some(anchor) = c.anchor {
                    slots.push(Ok(anchor));
                }
                findings.append(c.findings);
                revocation = c.revocation;
                Chain::from_path(&slots, c.path, anchored)
            }
            None => {
                let error = webpki_error.clone().unwrap_or(webpki::Error::UnknownIssuer);
                self.diagnose(&mut slots, error, options, at, &mut findings)
            }
        };
        if let Some(e) = &webpki_error {
            reject_anyway(&mut findings, e);
        }
        let mut out = finish(slots, chain, findings);
        out.revocation = revocation;
        out
    }

    /// Runs the policy checks over one path webpki verified (signatures, validity of
    /// the non-anchor certificates, name constraints, EKU chaining, revocation).
    fn judge_path(
        &self,
        slots: &mut Vec<Slot>,
        path: &VerifiedPath<'_>,
        anchor: Option<Certificate>,
        options: &PresentedOptions,
        revocation_options: &Options,
        at: Timestamp,
    ) -> Candidate {
        let policy = self.policy();
        let mut findings = Findings::new(policy);
        let mut indices = vec![0];
        for cert in path.intermediate_certificates() {
            let der = cert.der();
            // Position in the pool; slot 0 is the leaf.
            match slots
                .iter()
                .skip(1)
                .position(|s| matches!(s, Ok(c) if c.der() == der.as_ref()))
            {
                Some(p) => indices.push(p + 1),
                None => {
                    // webpki accepted a certificate chainvet cannot parse: fail closed.
                    findings.add(
                        Code::CertificateMalformed,
                        None,
                        "an intermediate on the path webpki built is not a certificate chainvet can parse",
                        "Export the intermediate certificates again from their source.",
                    );
                    let errors = findings.error_count().max(1);
                    return Candidate {
                        anchor: None,
                        path: indices,
                        findings: findings.into_vec(),
                        revocation: Vec::new(),
                        errors,
                    };
                }
            }
        }
        if let Some(max) = options.max_depth
            && indices.len() - 1 > max
        {
            findings.add(
                Code::ChainTooLong,
                None,
                format!(
                    "the path has {} intermediate certificates; at most {max} are allowed",
                    indices.len() - 1
                ),
                "Use a chain with fewer intermediate CAs.",
            );
        }

        let anchored = anchor.is_some();
        if let Some(a) = anchor {
            indices.push(slots.len());
            slots.push(Ok(a));
        }
        let chain = Chain::from_path(slots, indices.clone(), anchored);
        run_checks(self, slots, &chain, options.usage, at, &mut findings);
        // Revocation of every certificate in the policy's scope but the trust anchor.
        let mut below_anchor = chain.clone();
        if anchored {
            below_anchor.path.pop();
        }
        let revocation = revocation::run(
            self.revocation_checker(),
            &policy.revocation,
            &revocation::Inputs {
                slots,
                chain: &below_anchor,
                trust: self.trust_store(),
                options: revocation_options,
                at,
            },
            &mut findings,
        );
        let errors = findings.error_count();
        let anchor = if anchored {
            slots.pop().and_then(Result::ok)
        } else {
            None
        };
        Candidate {
            anchor,
            path: indices,
            findings: findings.into_vec(),
            revocation,
            errors,
        }
    }

    /// No path passed: walk from the leaf through the pool by name and signature to say
    /// where the chain breaks, run the policy checks over what was found, and record
    /// webpki's reason.
    fn diagnose(
        &self,
        slots: &mut Vec<Slot>,
        error: webpki::Error,
        options: &PresentedOptions,
        at: Timestamp,
        findings: &mut Findings<'_>,
    ) -> Chain {
        let trust = self.trust_store();
        let mut path = vec![0];
        let mut budget = DIAGNOSIS_SIGNATURE_BUDGET;
        let mut exhausted = false;
        let mut anchor = None;
        while let Some(&cur) = path.last() {
            let Ok(cert) = &slots[cur] else { break };
            // An anchor that signed it; failing that, one with the issuer's name whose
            // signature chainvet cannot check (webpki's error then says why), so the
            // anchor's own checks still run. A same-named anchor with another key is not
            // the issuer.
            if let Some(a) = trust.find_issuer(cert).or_else(|| {
                trust.anchors().iter().find(|a| {
                    a.subject_raw() == cert.issuer_raw()
                        && !matches!(
                            signature::verify_issued_by(cert, a),
                            Err(signature::VerifyError::Invalid)
                        )
                })
            }) {
                anchor = Some(a.clone());
                break;
            }
            if trust.contains(cert) {
                break;
            }
            if cert.is_self_issued() {
                if cur == 0 && signature::verify_issued_by(cert, cert).is_ok() {
                    // As in bundle mode: the leaf's own problem first, then the trust.
                    findings.add(
                        Code::LeafSelfSigned,
                        Some(0),
                        format!("{} is self-signed: its issuer is itself", cert.describe(0)),
                        "Self-signed certificates are not accepted: have a certificate authority the verifier trusts issue one from your CSR, and send it with its intermediates.",
                    );
                }
                findings.add(
                    Code::RootNotTrusted,
                    Some(cur),
                    format!(
                        "the chain ends at {}, which is not in the trust store and was not issued by a certificate in it",
                        cert.describe(cur)
                    ),
                    "Use a certificate from a CA this gateway trusts, or ask the operator to add your root to the trust store.",
                );
                break;
            }
            let mut next = None;
            for (j, slot) in slots.iter().enumerate().skip(1) {
                let Ok(parent) = slot else { continue };
                if path.contains(&j) || parent.subject_raw() != cert.issuer_raw() {
                    continue;
                }
                if budget == 0 {
                    exhausted = true;
                    break;
                }
                budget -= 1;
                if signature::verify_issued_by(cert, parent).is_ok() {
                    next = Some(j);
                    break;
                }
            }
            match next {
                Some(j) if path.len() <= 8 => path.push(j),
                // Out of budget: the issuer may be there; webpki's error says what failed.
                None if exhausted => break,
                Some(_) => break,
                None => {
                    findings.add(
                        Code::ChainIssuerMissing,
                        Some(cur),
                        format!(
                            "{} was issued by {}, which is neither among the intermediates presented nor in the trust store",
                            cert.describe(cur),
                            cert.issuer_string()
                        ),
                        "Send the intermediate certificates of your chain along with the leaf.",
                    );
                    break;
                }
            }
        }
        for (j, slot) in slots.iter().enumerate().skip(1) {
            if let Err(e) = slot {
                findings.add(
                    Code::CertificateMalformed,
                    Some(j),
                    format!("certificate {j} is not a valid X.509 certificate: {e}"),
                    "Check what the peer sent; it is not DER X.509.",
                );
            }
        }
        let anchored = anchor.is_some();
        if let Some(a) = anchor {
            path.push(slots.len());
            slots.push(Ok(a));
        }
        let chain = Chain::from_path(slots, path, anchored);
        run_checks(self, slots, &chain, options.usage, at, findings);
        path_validation::report(error, None, findings);
        chain
    }
}

/// A failed path search always rejects, even when the policy turned off (or downgraded)
/// the codes that explain it: then `chain.path_invalid` is recorded as an error whatever
/// its override says.
fn reject_anyway(findings: &mut Findings<'_>, error: &webpki::Error) {
    if !findings.has_error() {
        findings.add_unwaivable(
            Code::ChainPathInvalid,
            None,
            format!("no path from the leaf to a trust anchor passes validation ({error:?})"),
            "Get a correct chain from your CA.",
        );
    }
}

/// The shared policy checks, plus the weak-hash rule on every signature the path relies
/// on (the anchor's own self-signature carries no trust and is exempt).
fn run_checks(
    validator: &Validator,
    slots: &[Slot],
    chain: &Chain,
    usage: Usage,
    at: Timestamp,
    findings: &mut Findings<'_>,
) {
    let anchored = chain.ends_at_root;
    for (pos, &i) in chain.path.iter().enumerate() {
        if anchored && pos + 1 == chain.path.len() {
            continue;
        }
        if let Ok(c) = &slots[i] {
            chain::report_weak_signature(i, c, findings);
        }
    }
    checks::run(&mut checks::Context {
        slots,
        chain,
        policy: validator.policy(),
        at,
        usage,
        findings,
    });
}

fn check_names(
    ee: &EndEntityCert<'_>,
    slots: &[Slot],
    names: &[PeerName],
    findings: &mut Findings<'_>,
) {
    let Some(Ok(leaf)) = slots.first() else {
        return;
    };
    for name in names {
        let ok = match name {
            PeerName::Dns(dns) => ServerName::try_from(dns.as_str())
                .is_ok_and(|n| ee.verify_is_valid_for_subject_name(&n).is_ok()),
            PeerName::Ip(ip) => ee
                .verify_is_valid_for_subject_name(&ServerName::IpAddress((*ip).into()))
                .is_ok(),
            PeerName::Email(mail) => leaf
                .extensions()
                .email_addresses
                .iter()
                .any(|m| email_matches(m, mail)),
        };
        if !ok {
            let (kind, value) = match name {
                PeerName::Dns(d) => ("DNS name", d.clone()),
                PeerName::Ip(ip) => ("IP address", ip.to_string()),
                PeerName::Email(m) => ("email address", m.clone()),
            };
            findings.add(
                Code::LeafNameMismatch,
                Some(0),
                format!(
                    "the leaf, {}, is not valid for the {kind} {value}: its subjectAltName does not list it",
                    leaf.describe(0)
                ),
                format!("Use a certificate issued for {value} (in its subjectAltName)."),
            );
        }
    }
}

/// RFC 5280 4.2.1.6 / RFC 5321: the local part compares exactly, the domain
/// case-insensitively.
fn email_matches(presented: &str, expected: &str) -> bool {
    match (presented.rsplit_once('@'), expected.rsplit_once('@')) {
        (Some((pl, pd)), Some((el, ed))) => {
            pl == el && pd.eq_ignore_ascii_case(ed) && checks::is_mailbox(presented)
        }
        _ => false,
    }
}

fn check_key_usage(slots: &[Slot], wanted: &[KeyUsageBit], findings: &mut Findings<'_>) {
    let Some(Ok(leaf)) = slots.first() else {
        return;
    };
    let Some(bits) = leaf.extensions().key_usage_bits else {
        return;
    };
    for &bit in wanted {
        let mask = 1u16 << (bit as u16);
        if bits & mask == 0 {
            findings.add(
                Code::ChainPathInvalid,
                Some(0),
                format!(
                    "the leaf, {}, has a keyUsage without {bit:?}, which this validation requires",
                    leaf.describe(0)
                ),
                format!("Use a certificate whose keyUsage includes {bit:?}."),
            );
        }
    }
}

/// RFC 5280 5.2.3: conforming CRL issuers MUST include the CRL number; under the
/// `[conformance] rfc5280` rules a CRL without one is refused. (The revocation module
/// reports CRLs that do not parse at all.)
fn check_crl_numbers(crls: &[Vec<u8>], findings: &mut Findings<'_>) {
    for (n, bytes) in crls.iter().enumerate() {
        let Ok(crl) = revocation::Crl::from_bytes(bytes) else {
            continue;
        };
        let has_number = CertificateList::<Raw>::from_der(crl.der()).is_ok_and(|list| {
            list.tbs_cert_list
                .crl_extensions
                .iter()
                .flatten()
                .any(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_CRL_NUMBER)
        });
        if !has_number {
            findings.add(
                Code::RevocationResponseInvalid,
                None,
                format!(
                    "supplied CRL {} has no CRL number, which RFC 5280 5.2.3 requires",
                    n + 1
                ),
                "Have the CA publish its CRLs with the cRLNumber extension.",
            );
        }
    }
}

/// The certificates of a PEM text as DER, in order: the form trust-store mode takes
/// them in, for callers holding PEM (a file of intermediates, a leaf saved as PEM).
/// Each CERTIFICATE block is decoded but not parsed, so a block that is not X.509
/// becomes a `certificate.malformed` finding of the validation, with its index. Input
/// without `-----BEGIN` is returned whole, as one DER certificate. Private keys (never
/// decoded), CSRs, other blocks and text around the blocks are skipped. Fails, naming
/// the block by its lines, when a certificate block's framing or base64 is broken.
pub fn der_certificates(input: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let input = input.strip_prefix(input::BOM).unwrap_or(input);
    if input.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    if !input::contains(input, b"-----BEGIN") {
        return Ok(vec![input.to_vec()]);
    }
    let mut ders = Vec::new();
    for item in pem::split(input) {
        let pem::Item::Block(block) = item else {
            continue;
        };
        if !input::is_certificate_label(&block.label) {
            continue;
        }
        let lines = if block.first_line == block.last_line {
            format!("line {}", block.first_line)
        } else {
            format!("lines {}-{}", block.first_line, block.last_line)
        };
        let der = match &block.framing_error {
            Some(err) => Err(err.clone()),
            None => pem::decode(&block),
        };
        ders.push(der.map_err(|e| format!("the certificate block at {lines} is malformed: {e}"))?);
    }
    Ok(ders)
}

fn report(slots: Vec<Slot>, chain: Chain, findings: Findings<'_>, at: Timestamp) -> Report {
    let findings = findings.into_vec();
    let certificates = slots
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.as_ref().ok().map(|c| info(i, c, &chain)))
        .collect();
    Report {
        accepted: !findings
            .iter()
            .any(|f| f.severity == crate::report::Severity::Error),
        findings,
        certificates,
        chain: ChainSummary {
            leaf: chain.leaf,
            leaf_reason: chain.leaf_reason.clone(),
            path: chain.path.clone(),
        },
        validated_at: at.to_rfc3339(),
        revocation: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_local_part_is_exact_and_domain_case_insensitive() {
        assert!(email_matches("User@Example.COM", "User@example.com"));
        assert!(!email_matches("user@example.com", "User@example.com"));
        assert!(email_matches("*@example.com", "*@example.com"));
        assert!(!email_matches("**@example.com", "*@example.com"));
        assert!(!email_matches("a@b@example.com", "b@example.com"));
        assert!(!email_matches("example.com", "example.com"));
    }
}
