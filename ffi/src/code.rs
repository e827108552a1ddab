//! Finding codes and severities as C sees them, and the functions that name and explain
//! any code.

use core::ffi::{CStr, c_char};

use chainvet_core::{Code, Severity};

use crate::panic::guard;
use crate::pointer::Out;
use crate::result::chainvet_result;
use crate::text::Buffer;

/// The stable integer of every finding code, for `switch` statements in C. Functions
/// hand codes out as `uint32_t` (`chainvet_report_finding_code`), because a newer
/// library may report codes this header does not list yet: treat an unknown code as an
/// error finding and explain it with `chainvet_code_message`.
///
/// Ranges by area: input 1000s, pem 1100s, certificate 1200s, chain 1300s, leaf/ca/root
/// 1400s, signature 1500s, validity 1600s, key 1700s, subject 1800s, binding 1900s,
/// revocation 2000s, csr 2100s. A number never changes meaning; retired numbers stay
/// reserved.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum chainvet_code {
    /// `input.empty` (error by default): the input is empty.
    InputEmpty = 1000,
    /// `input.too_large` (error by default): the input is larger than the policy allows.
    InputTooLarge = 1001,
    /// `input.not_pem` (error by default): the input is binary, not PEM text.
    InputNotPem = 1002,
    /// `input.too_many_findings` (info by default): more findings than a report lists.
    InputTooManyFindings = 1003,
    /// `input.utf16` (error by default): the input is UTF-16 text, not ASCII.
    InputUtf16 = 1004,
    /// `pem.malformed` (error by default): a PEM block is malformed.
    PemMalformed = 1100,
    /// `pem.no_certificate` (error by default): the input holds no certificate.
    PemNoCertificate = 1101,
    /// `pem.csr_not_certificate` (error by default): a certificate signing request was given instead of a certificate.
    PemCsrNotCertificate = 1102,
    /// `pem.private_key_present` (error by default): the input contains a private key.
    PemPrivateKeyPresent = 1103,
    /// `pem.unexpected_block` (warning by default): a PEM block of an unexpected type.
    PemUnexpectedBlock = 1104,
    /// `pem.explanatory_text` (info by default): text outside the PEM blocks.
    PemExplanatoryText = 1105,
    /// `pem.boundaries_joined` (error by default): a BEGIN or END line is run together with other text.
    PemBoundariesJoined = 1106,
    /// `pem.escaped_newlines` (error by default): the PEM text has literal \\n in place of line breaks.
    PemEscapedNewlines = 1107,
    /// `pem.indented` (warning by default): PEM lines are indented.
    PemIndented = 1108,
    /// `pem.trusted_certificate` (error by default): a certificate is in OpenSSL's TRUSTED CERTIFICATE format.
    PemTrustedCertificate = 1109,
    /// `certificate.malformed` (error by default): a certificate is not valid X.509 DER.
    CertificateMalformed = 1200,
    /// `certificate.unsupported_critical_extension` (error by default): a certificate has a critical extension that is not understood.
    CertificateUnsupportedCriticalExtension = 1201,
    /// `certificate.nonconforming` (error by default): a certificate breaks an RFC 5280 or CA/B Forum profile rule.
    CertificateNonconforming = 1202,
    /// `chain.order_reversed` (error by default): the chain is in reverse order.
    ChainOrderReversed = 1300,
    /// `chain.order_wrong` (error by default): the chain is not in leaf-to-root order.
    ChainOrderWrong = 1301,
    /// `chain.root_missing` (error by default): the root certificate is missing.
    ChainRootMissing = 1302,
    /// `chain.issuer_missing` (error by default): an issuing certificate is missing.
    ChainIssuerMissing = 1303,
    /// `chain.duplicate_certificate` (error by default): a certificate appears twice.
    ChainDuplicateCertificate = 1304,
    /// `chain.unrelated_certificate` (error by default): a certificate is not part of the leaf's chain.
    ChainUnrelatedCertificate = 1305,
    /// `chain.too_long` (error by default): the bundle has more certificates than allowed.
    ChainTooLong = 1306,
    /// `chain.path_invalid` (error by default): path validation rejected the chain.
    ChainPathInvalid = 1307,
    /// `chain.name_constraints_violated` (error by default): a name violates an issuer's name constraints.
    ChainNameConstraintsViolated = 1308,
    /// `chain.budget_exceeded` (error by default): validation gave up at a resource limit.
    ChainBudgetExceeded = 1309,
    /// `chain.multiple_leaves` (error by default): the bundle holds more than one end-entity certificate.
    ChainMultipleLeaves = 1310,
    /// `chain.cross_certificate` (warning by default): a cross-certificate of the root is in the bundle.
    ChainCrossCertificate = 1311,
    /// `chain.policy_invalid` (error by default): no acceptable certificate policy is valid for the path.
    ChainPolicyInvalid = 1312,
    /// `leaf.self_signed` (error by default): the leaf certificate is self-signed.
    LeafSelfSigned = 1400,
    /// `leaf.is_ca` (error by default): the leaf certificate is a CA certificate.
    LeafIsCa = 1401,
    /// `leaf.client_auth_missing` (error by default): the leaf certificate is not valid for TLS client authentication.
    LeafClientAuthMissing = 1402,
    /// `ca.not_ca` (error by default): an issuing certificate is not a CA certificate.
    CaNotCa = 1403,
    /// `ca.key_cert_sign_missing` (error by default): an issuing certificate may not sign certificates.
    CaKeyCertSignMissing = 1404,
    /// `ca.path_len_exceeded` (error by default): a CA's path length constraint is exceeded.
    CaPathLenExceeded = 1405,
    /// `root.not_trusted` (error by default): the chain does not end at a trusted root.
    RootNotTrusted = 1406,
    /// `leaf.name_mismatch` (error by default): the leaf certificate is not valid for the expected name.
    LeafNameMismatch = 1407,
    /// `leaf.server_auth_missing` (error by default): the leaf certificate is not valid for TLS server authentication.
    LeafServerAuthMissing = 1408,
    /// `leaf.key_usage_unsuitable` (error by default): the leaf certificate's keyUsage does not allow TLS client authentication.
    LeafKeyUsageUnsuitable = 1409,
    /// `signature.invalid` (error by default): a signature does not verify.
    SignatureInvalid = 1500,
    /// `signature.weak_algorithm` (error by default): a signature uses a broken hash algorithm.
    SignatureWeakAlgorithm = 1501,
    /// `signature.unsupported_algorithm` (error by default): a signature algorithm is not supported.
    SignatureUnsupportedAlgorithm = 1502,
    /// `validity.expired` (error by default): a certificate has expired.
    ValidityExpired = 1600,
    /// `validity.not_yet_valid` (error by default): a certificate is not valid yet.
    ValidityNotYetValid = 1601,
    /// `validity.too_short` (error by default): the leaf's lifetime is shorter than the policy minimum.
    ValidityTooShort = 1602,
    /// `validity.too_long` (error by default): the leaf's lifetime is longer than the policy maximum.
    ValidityTooLong = 1603,
    /// `validity.expires_soon` (warning by default): the leaf expires soon.
    ValidityExpiresSoon = 1604,
    /// `key.rsa_too_small` (error by default): an RSA key is too small.
    KeyRsaTooSmall = 1700,
    /// `key.curve_not_allowed` (error by default): an elliptic curve is not allowed.
    KeyCurveNotAllowed = 1701,
    /// `key.algorithm_not_allowed` (error by default): a key algorithm is not allowed.
    KeyAlgorithmNotAllowed = 1702,
    /// `subject.missing_attribute` (error by default): a required subject attribute is missing.
    SubjectMissingAttribute = 1800,
    /// `subject.cn_mismatch` (error by default): the common name is not the expected one.
    SubjectCnMismatch = 1801,
    /// `subject.country_invalid` (error by default): the country is not an ISO 3166-1 alpha-2 code.
    SubjectCountryInvalid = 1802,
    /// `subject.dns_name_not_allowed` (error by default): a DNS name is not allowed by the policy.
    SubjectDnsNameNotAllowed = 1803,
    /// `subject.placeholder_value` (warning by default): the subject holds a tool's placeholder value.
    SubjectPlaceholderValue = 1804,
    /// `binding.no_registered_certificate` (error by default): no certificate is registered for this client.
    BindingNoRegisteredCertificate = 1900,
    /// `binding.serial_mismatch` (error by default): the serial number is not the registered one.
    BindingSerialMismatch = 1901,
    /// `binding.cn_mismatch` (error by default): the common name is not the registered one.
    BindingCnMismatch = 1902,
    /// `binding.issuer_mismatch` (error by default): the issuer is not the registered one.
    BindingIssuerMismatch = 1903,
    /// `binding.fingerprint_mismatch` (error by default): the certificate fingerprint is not the registered one.
    BindingFingerprintMismatch = 1904,
    /// `binding.spki_mismatch` (error by default): the public key is not the registered one.
    BindingSpkiMismatch = 1905,
    /// `binding.too_many_active` (error by default): more certificates are registered as active than allowed.
    BindingTooManyActive = 1906,
    /// `revocation.revoked` (error by default): a certificate is revoked.
    RevocationRevoked = 2000,
    /// `revocation.unknown` (error by default): the responder does not know the certificate.
    RevocationUnknown = 2001,
    /// `revocation.unavailable` (warning by default): revocation status could not be obtained.
    RevocationUnavailable = 2002,
    /// `revocation.response_invalid` (error by default): a revocation response is not valid.
    RevocationResponseInvalid = 2003,
    /// `revocation.no_ocsp_url` (warning by default): a certificate names no OCSP responder.
    RevocationNoOcspUrl = 2004,
    /// `csr.malformed` (error by default): the certificate signing request is malformed.
    CsrMalformed = 2100,
    /// `csr.signature_invalid` (error by default): the certificate signing request's signature does not verify.
    CsrSignatureInvalid = 2101,
}

/// How serious a finding is. A report is accepted iff no finding is
/// `CHAINVET_SEVERITY_ERROR`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum chainvet_severity {
    /// Worth knowing; changes nothing.
    Info = 1,
    /// Should be fixed; does not reject.
    Warning = 2,
    /// Rejects the chain.
    Error = 3,
}

impl From<Severity> for chainvet_severity {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Info => chainvet_severity::Info,
            Severity::Warning => chainvet_severity::Warning,
            Severity::Error => chainvet_severity::Error,
        }
    }
}

/// Room for the longest dotted name plus its NUL; a longer name fails the build.
const NAME_CAPACITY: usize = 64;

/// Every code's dotted name, NUL-padded, in `Code::ALL` order: built at compile time so
/// the static strings handed to C are never allocated (and never look leaked).
static NAMES: [[u8; NAME_CAPACITY]; Code::ALL.len()] = {
    let mut names = [[0u8; NAME_CAPACITY]; Code::ALL.len()];
    let mut i = 0;
    while i < Code::ALL.len() {
        let name = Code::ALL[i].as_str().as_bytes();
        assert!(name.len() < NAME_CAPACITY, "a code name is too long");
        let mut j = 0;
        while j < name.len() {
            names[i][j] = name[j];
            j += 1;
        }
        i += 1;
    }
    names
};

/// The dotted name of `code` as a static C string.
pub(crate) fn static_name(code: Code) -> &'static CStr {
    Code::ALL
        .iter()
        .position(|&c| c == code)
        .and_then(|i| CStr::from_bytes_until_nul(&NAMES[i]).ok())
        // Every `Code` is in `Code::ALL` and every name is NUL-padded, so this cannot
        // miss; an empty string keeps the function total anyway.
        .unwrap_or(c"")
}

/// The explanation of any integer chainvet hands out.
fn message(code: u32) -> String {
    if let Some(c) = Code::from_u32(code) {
        return format!("{}: {}", c.as_str(), c.title());
    }
    if let Some(r) = chainvet_result::from_u32(code) {
        return r.to_string();
    }
    format!(
        "unknown chainvet code {code}: neither a result nor a finding code of chainvet {}",
        env!("CARGO_PKG_VERSION")
    )
}

/// Writes the dotted name of finding code `code` (e.g. `"validity.expired"` for 1600)
/// to `*name_out`.
///
/// Returns `CHAINVET_RESULT_NOT_PRESENT` if no finding code has this number (nothing is
/// written), `CHAINVET_RESULT_NULL_PARAMETER` if `name_out` is NULL.
///
/// Ownership: the string is static: valid for the life of the process, never freed by
/// the caller.
///
/// # Safety
/// `name_out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_code_name(
    code: u32,
    name_out: *mut *const c_char,
) -> chainvet_result {
    guard(|| {
        let out = Out::new(name_out)?;
        let code = Code::from_u32(code).ok_or(chainvet_result::NotPresent)?;
        // SAFETY: `out` is non-NULL and aligned; writable per this function's contract.
        unsafe { out.write(static_name(code).as_ptr()) };
        Ok(())
    })
}

/// Copies a one-line English explanation of any integer chainvet hands out into `buf`,
/// NUL-terminated: a finding code (`"validity.expired: a certificate has expired"`), a
/// `chainvet_result` (`"CHAINVET_RESULT_NULL_PARAMETER: a required pointer argument
/// was NULL"`) or an unknown number (`"unknown chainvet code 4242: ..."`, still
/// `CHAINVET_RESULT_OK`: every number has a message).
///
/// `buf` holds `buf_len` bytes. If the message (plus its NUL) does not fit, the longest
/// prefix that does is written, NUL-terminated and cut on a UTF-8 character boundary,
/// and `CHAINVET_RESULT_INSUFFICIENT_BUFFER` is returned. `*len_out`, if `len_out` is not
/// NULL, receives the full message length without the NUL either way, so a caller can
/// ask for the length with `buf = NULL, buf_len = 0` and call again.
///
/// Returns `CHAINVET_RESULT_NULL_PARAMETER` if `buf` is NULL while `buf_len > 0`.
///
/// Ownership: the caller owns `buf`; nothing is retained.
///
/// # Safety
/// `buf` is NULL (with `buf_len == 0`) or valid for writing `buf_len` bytes; `len_out` is
/// NULL or valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn chainvet_code_message(
    code: u32,
    buf: *mut c_char,
    buf_len: usize,
    len_out: *mut usize,
) -> chainvet_result {
    guard(|| {
        let buffer = Buffer::new(buf, buf_len, len_out)?;
        // SAFETY: the buffer arguments were checked in `Buffer::new`; their validity for
        // writes is this function's contract.
        unsafe { buffer.write(&message(code)) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header is what C compiles against: every core code must be in it with its
    /// number and a constant named after its dotted name, and nothing else.
    #[test]
    fn header_lists_every_code_with_its_number() {
        let header = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../include/chainvet.h"
        ));
        let mut listed = Vec::new();
        for line in header.lines() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("CHAINVET_CODE_") {
                let (name, number) = rest.split_once(" = ").expect("NAME = number");
                let number: u32 = number.trim_end_matches(',').parse().expect("number");
                listed.push((name.to_owned(), number));
            }
        }
        let expected: Vec<(String, u32)> = Code::ALL
            .iter()
            .map(|c| (c.as_str().replace('.', "_").to_uppercase(), c.as_u32()))
            .collect();
        if listed != expected {
            // Print what `chainvet_code` must hold, ready to paste, then regenerate the
            // header with `make -C ffi header`.
            for c in Code::ALL {
                let severity = c.default_severity();
                println!("    /// `{c}` ({severity} by default): {}.", c.title());
                println!("    {c:?} = {},", c.as_u32());
            }
        }
        assert_eq!(
            listed, expected,
            "chainvet_code is out of date: see the output"
        );
    }

    #[test]
    fn names_and_messages_cover_every_number() {
        for &c in Code::ALL {
            assert_eq!(static_name(c).to_str(), Ok(c.as_str()));
            assert!(message(c.as_u32()).starts_with(c.as_str()));
        }
        assert!(message(0).starts_with("CHAINVET_RESULT_OK"));
        assert!(message(4242).starts_with("unknown chainvet code 4242"));
        assert!(message(u32::MAX).contains("4294967295"));
    }
}
