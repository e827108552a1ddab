//! A second opinion from rustls-webpki's path validation for client authentication, with
//! what it rejects mapped onto chainvet's codes. chainvet's own checks come first and are
//! more specific; webpki adds what they do not cover (name constraints, unknown critical
//! extensions, strict DER) and guards against a gap in them.

use pki_types::{CertificateDer, TrustAnchor, UnixTime};
use webpki::{EndEntityCert, KeyUsage};

use crate::chain::Chain;
use crate::code::Code;
use crate::findings::Findings;
use crate::input::Slot;
use crate::policy::usage::Usage;
use crate::signature;
use crate::time::Timestamp;
use crate::trust::TrustStore;

/// Codes whose presence already explains a webpki `UnknownIssuer`.
const EXPLAINS_UNKNOWN_ISSUER: &[Code] = &[
    Code::ChainRootMissing,
    Code::ChainIssuerMissing,
    Code::RootNotTrusted,
    Code::SignatureInvalid,
    Code::SignatureUnsupportedAlgorithm,
    Code::SignatureWeakAlgorithm,
    Code::PemMalformed,
    Code::CertificateMalformed,
];

/// Runs webpki over the assembled chain and records what it rejects that chainvet's own
/// checks did not already report. Returns whether webpki verified a path to an anchor
/// of the configured trust store (never true without one).
pub(crate) fn run(
    slots: &[Slot],
    chain: &Chain,
    trust: &TrustStore,
    at: Timestamp,
    findings: &mut Findings<'_>,
) -> bool {
    let cert = |i: usize| slots[i].as_ref().ok();
    let Some(leaf) = chain.leaf else { return false };
    let Some(leaf_cert) = cert(leaf) else {
        return false;
    };
    if chain.path.len() < 2 && trust.is_empty() {
        return false; // nothing to anchor on: a lone certificate is reported by the chain checks
    }

    let leaf_der = CertificateDer::from(leaf_cert.der());
    let ee = match EndEntityCert::try_from(&leaf_der) {
        Ok(ee) => ee,
        Err(e) => {
            report(e, Some(leaf), findings);
            return false;
        }
    };

    let anchor_ders: Vec<CertificateDer<'_>> = if trust.is_empty() {
        // No trust store: anchor on the top of the assembled chain. This proves the chain
        // is internally consistent, not that it is trusted.
        chain
            .path
            .last()
            .and_then(|&t| cert(t))
            .map(|c| vec![CertificateDer::from(c.der())])
            .unwrap_or_default()
    } else {
        trust
            .anchors()
            .iter()
            .map(|c| CertificateDer::from(c.der()))
            .collect()
    };
    let anchors: Vec<TrustAnchor<'_>> = anchor_ders
        .iter()
        .filter_map(|d| webpki::anchor_from_trusted_cert(d).ok())
        .collect();
    if anchors.is_empty() {
        return false;
    }
    let intermediates: Vec<CertificateDer<'_>> = chain
        .path
        .iter()
        .skip(1)
        .chain(chain.above_gap.iter())
        .filter_map(|&i| cert(i))
        .map(|c| CertificateDer::from(c.der()))
        .collect();

    // webpki applies the EKU rule to every certificate on the path, intermediates
    // included, so "required" would reject CAs without an EKU extension. The leaf's
    // mandatory clientAuth is chainvet's own profile check (policy
    // `require_client_auth_eku`); webpki enforces "if present, must include".
    let usage = KeyUsage::required_if_present(Usage::ClientAuth.eku_der());
    let time = UnixTime::since_unix_epoch(core::time::Duration::from_secs(at.unix_seconds_u64()));
    if let Err(e) = ee.verify_for_usage(
        signature::webpki_algorithms(),
        &anchors,
        &intermediates,
        time,
        usage,
        None,
        None,
    ) {
        report(e, None, findings);
        return false;
    }
    !trust.is_empty()
}

/// Records what webpki rejected as a finding, unless a finding of the same code (or, for
/// `UnknownIssuer`, one that explains it) is already there. Shared by bundle mode and
/// trust-store mode.
pub(crate) fn report(
    error: webpki::Error,
    certificate: Option<usize>,
    findings: &mut Findings<'_>,
) {
    use webpki::Error as E;
    let (code, what) = match &error {
        E::UnknownIssuer => {
            if EXPLAINS_UNKNOWN_ISSUER.iter().any(|&c| findings.has(c)) {
                return;
            }
            (
                Code::ChainPathInvalid,
                "no path from the leaf to a trust anchor",
            )
        }
        E::CertExpired { .. } => (Code::ValidityExpired, "a certificate has expired"),
        E::CertNotValidYet { .. } => (Code::ValidityNotYetValid, "a certificate is not valid yet"),
        E::InvalidSignatureForPublicKey => {
            // chainvet's own walk verified every link it took; webpki failing a signature
            // then means it tried a candidate off that path (a trust anchor or pool
            // certificate with the right name but another key), which the untrusted root
            // or missing issuer already explains.
            if [
                Code::SignatureInvalid,
                Code::RootNotTrusted,
                Code::ChainIssuerMissing,
            ]
            .iter()
            .any(|&c| findings.has(c))
            {
                return;
            }
            (Code::SignatureInvalid, "a signature does not verify")
        }
        E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            if findings.has(Code::SignatureWeakAlgorithm) || findings.has(Code::SignatureInvalid) {
                return;
            }
            (
                Code::SignatureUnsupportedAlgorithm,
                "a signature algorithm is not supported",
            )
        }
        E::CaUsedAsEndEntity => (Code::LeafIsCa, "the leaf is a CA certificate"),
        E::EndEntityUsedAsCa => (
            Code::CaNotCa,
            "an end-entity certificate is used as an issuer",
        ),
        E::PathLenConstraintViolated => (
            Code::CaPathLenExceeded,
            "a path length constraint is violated",
        ),
        E::RequiredEkuNotFoundContext(context) => {
            if findings.has(Code::LeafClientAuthMissing)
                || findings.has(Code::LeafServerAuthMissing)
            {
                return;
            }
            // The leaf passed chainvet's own EKU check, so an issuer's EKU excludes the
            // usage: that CA may not issue such certificates.
            let server = context
                .required
                .oid_values()
                .eq(Usage::ServerAuth.eku().arcs().map(|arc| arc as usize));
            (
                Code::ChainPathInvalid,
                if server {
                    "an issuing CA's extendedKeyUsage excludes serverAuth, so it may not issue server certificates"
                } else {
                    "an issuing CA's extendedKeyUsage excludes clientAuth, so it may not issue client certificates"
                },
            )
        }
        E::NameConstraintViolation => (
            Code::ChainNameConstraintsViolated,
            "a name in the chain is outside an issuer's name constraints",
        ),
        E::UnsupportedCriticalExtension => (
            Code::CertificateUnsupportedCriticalExtension,
            "a certificate has a critical extension that is not understood",
        ),
        E::MaximumPathDepthExceeded => (
            Code::ChainTooLong,
            "the chain is deeper than path validation allows",
        ),
        // webpki's Budget: 100 signature checks (Go CVE-2018-16875), 200,000 path-building
        // calls (mozilla::pkix) and 250,000 name-constraint comparisons (Go crypto/x509).
        E::MaximumSignatureChecksExceeded
        | E::MaximumPathBuildCallsExceeded
        | E::MaximumNameConstraintComparisonsExceeded => (
            Code::ChainBudgetExceeded,
            "path building gave up at one of its resource limits",
        ),
        E::CertNotValidForName(_) => (
            Code::LeafNameMismatch,
            "the leaf is not valid for the expected name",
        ),
        E::CertRevoked => (Code::RevocationRevoked, "a certificate is revoked by a CRL"),
        E::UnknownRevocationStatus => (
            Code::RevocationUnknown,
            "no CRL covers a certificate of the path",
        ),
        E::CrlExpired { .. }
        | E::InvalidCrlSignatureForPublicKey
        | E::IssuerNotCrlSigner
        | E::InvalidCrlNumber
        | E::UnsupportedCrlVersion
        | E::UnsupportedDeltaCrl
        | E::UnsupportedIndirectCrl
        | E::UnsupportedRevocationReason
        | E::UnsupportedRevocationReasonsPartitioning
        | E::UnsupportedCrlIssuingDistributionPoint
        | E::UnsupportedCrlSignatureAlgorithmContext(_)
        | E::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(_) => {
            (Code::RevocationResponseInvalid, "a CRL cannot be used")
        }
        E::BadDer
        | E::BadDerTime
        | E::TrailingData(_)
        | E::MalformedExtensions
        | E::ExtensionValueInvalid
        | E::UnsupportedCertVersion
        | E::InvalidSerialNumber
        | E::EmptyEkuExtension
        | E::InvalidCertValidity
        | E::MalformedNameConstraint
        | E::MalformedDnsIdentifier => (
            Code::CertificateMalformed,
            "a certificate is not strictly valid DER X.509",
        ),
        _ => (Code::ChainPathInvalid, "path validation failed"),
    };
    if findings.has(code) {
        return;
    }
    let message = format!("rustls-webpki path validation rejected the chain: {what} ({error:?})");
    let hint = match code {
        Code::ChainNameConstraintsViolated => {
            "The leaf's names are outside what the issuing CA may certify: ask your CA to re-issue it with permitted names."
        }
        Code::CertificateUnsupportedCriticalExtension | Code::ChainBudgetExceeded => {
            code.default_hint().unwrap_or_default()
        }
        Code::CertificateMalformed => {
            "Export the certificates again from their source; one is not valid DER."
        }
        Code::RevocationRevoked => {
            "The CA revoked this certificate: request a new one and stop using the revoked key."
        }
        Code::RevocationResponseInvalid | Code::RevocationUnknown => {
            "Fetch a current CRL signed by the certificate's issuer (its key must be allowed to sign CRLs)."
        }
        Code::LeafNameMismatch => "Use a certificate issued for this name (in its subjectAltName).",
        _ => "Get a correct chain from your CA; chainvet's other findings may name the cause.",
    };
    findings.add(code, certificate, message, hint);
}
