//! The finding-code vocabulary: one stable dotted name and one stable integer per code.
//!
//! Codes never change meaning once released; new ones may be added. Integers are grouped
//! in ranges by area (input 1000s, pem 1100s, certificate 1200s, chain 1300s, leaf/ca/root
//! 1400s, signature 1500s, validity 1600s, key 1700s, subject 1800s, binding 1900s,
//! revocation 2000s, csr 2100s). A retired number stays reserved forever. The reference
//! with every code's meaning is `docs/findings.md`, generated from this table.
//!
//! Where the rule behind each area's codes lives (the default texts per code,
//! `Code::message_template` and `Code::default_hint`, follow below):
//!
//! | area | rule |
//! |---|---|
//! | `input.*`, `pem.*` | `input` (size, emptiness, BOM, PEM blocks), `input::sniff` (DER, PKCS#12, PKCS#7) |
//! | `certificate.*` | `certificate` (parsing), `findings::Findings::certificate_malformed` (unparsable bytes, one helper), `checks::conformance::rfc5280` and `checks::conformance::cabf` (profile rules), `checks::keys` (unparsable keys) |
//! | `chain.*` | `chain` (bundle order and completeness), `path_validation` (path building, name constraints, budgets), `rfc5280` (chainvet's RFC 5280 engine: path building, policies, name constraints, budgets), `validator::presented` (trust-store mode pool) |
//! | `leaf.*`, `ca.*` | `checks::profile` (EKU, basicConstraints, keyUsage, pathLen), `chain` (self-signed leaf), `validator::presented` (peer names, required keyUsage bits); usages and EKU OIDs in `policy::usage` |
//! | `root.*` | `trust` (the trust store; `trust::not_trusted`, the one finding both modes raise), `validator::bundle` and `validator::presented` (when each mode decides it) |
//! | `signature.*` | `chain` (each link), `signature` (algorithms, verification, cache) |
//! | `validity.*` | `checks::validity` |
//! | `key.*` | `checks::keys` |
//! | `subject.*` | `checks::subject` (rules), `policy::subject` (the `[subject]` table) |
//! | `binding.*` | `binding::check` (the comparison), `binding::registration` (what is registered) |
//! | `revocation.*` | `revocation::check` (what is asked, failure policy), `revocation::ocsp`, `revocation::crl`; the `[revocation]` table in `policy::revocation`, results in `report::revocation` |
//! | `csr.*` | `csr` |

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How serious a finding is. A report is accepted iff it has no `Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; changes nothing.
    Info,
    /// Should be fixed; does not reject.
    Warning,
    /// Rejects the bundle.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Default texts, next to the table: the message template and the hint a finding of a code
/// gets unless its call site has something more specific to say. In a template, each
/// `{}` stands for one specific the call site supplies (which certificate, what the
/// parser said), in order. Codes without an entry still carry their texts at the call
/// site: docs/architecture.md lists them.
impl Code {
    /// The message template, if the code has one.
    pub const fn message_template(self) -> Option<&'static str> {
        match self {
            Code::CertificateMalformed => Some("{} is not a valid X.509 certificate: {}"),
            Code::RootNotTrusted => Some(
                "the chain ends at {}, which is not in the trust store and was not issued by a certificate in it",
            ),
            _ => None,
        }
    }

    /// The hint a finding of this code gets by default, if the code has one.
    pub const fn default_hint(self) -> Option<&'static str> {
        match self {
            Code::CertificateMalformed => Some("Check what the peer sent; it is not DER X.509."),
            Code::CertificateUnsupportedCriticalExtension => {
                Some("Have the certificate re-issued without the unsupported critical extension.")
            }
            Code::ChainBudgetExceeded => Some(
                "Send only the leaf and the intermediates of its own chain; a pool of many same-named CA certificates looks like an attack.",
            ),
            Code::ChainPathInvalid => Some("Get a correct chain from your CA."),
            Code::RootNotTrusted => Some(
                "Use a certificate from a CA this gateway trusts, or ask the operator to add your root to the trust store.",
            ),
            Code::SignatureUnsupportedAlgorithm => Some(
                "Use an RSA, ECDSA (P-256, P-384, P-521) or Ed25519 key and SHA-256 or stronger.",
            ),
            _ => None,
        }
    }

    /// The code's message template with `specifics` in its `{}` places, in order; the
    /// specifics joined by `: ` for a code without a template. A missing specific leaves
    /// its place empty, a surplus one is appended after `: `, so nothing is lost.
    pub fn message(self, specifics: &[&dyn fmt::Display]) -> String {
        let mut out = String::new();
        let mut rest = specifics.iter();
        match self.message_template() {
            Some(template) => {
                let mut parts = template.split("{}");
                if let Some(first) = parts.next() {
                    out.push_str(first);
                }
                for part in parts {
                    if let Some(s) = rest.next() {
                        out.push_str(&s.to_string());
                    }
                    out.push_str(part);
                }
            }
            None => {
                if let Some(s) = rest.next() {
                    out.push_str(&s.to_string());
                }
            }
        }
        for s in rest {
            out.push_str(": ");
            out.push_str(&s.to_string());
        }
        out
    }
}

macro_rules! codes {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $num:literal, $name:literal, $sev:ident, $title:literal;
    )*) => {
        /// A stable finding code. See the crate documentation for the full table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u32)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant = $num, )*
        }

        impl Code {
            /// Every code, in the order of the table (integers rise within each area).
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The dotted, stable name, e.g. `chain.order_reversed`.
            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The stable integer used by the C ABI.
            pub const fn as_u32(self) -> u32 {
                self as u32
            }

            /// The severity this code has unless the policy overrides it.
            pub const fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// A one-line description of what the code means, independent of any bundle.
            pub const fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// The code with this integer, if there is one.
            pub const fn from_u32(n: u32) -> Option<Code> {
                match n { $($num => Some(Code::$variant),)* _ => None }
            }
        }

        impl FromStr for Code {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                match s { $($name => Ok(Code::$variant),)* _ => Err(UnknownCode(s.to_owned())) }
            }
        }
    };
}

codes! {
    /// No bytes, or only whitespace.
    InputEmpty = 1000, "input.empty", Error, "the input is empty";
    /// Over the policy's size limit.
    InputTooLarge = 1001, "input.too_large", Error, "the input is larger than the policy allows";
    /// Binary DER, PKCS#12 or PKCS#7 given where PEM text was expected.
    InputNotPem = 1002, "input.not_pem", Error, "the input is binary, not PEM text";
    /// The report reached its size limit: this last finding says how many findings
    /// were left out (as severe as the worst of them).
    InputTooManyFindings = 1003, "input.too_many_findings", Info, "more findings than a report lists";
    /// UTF-16 text (PowerShell `>`, `Out-File`) where ASCII PEM was expected.
    InputUtf16 = 1004, "input.utf16", Error, "the input is UTF-16 text, not ASCII";

    /// Bad base64, mismatched BEGIN/END labels, truncated block.
    PemMalformed = 1100, "pem.malformed", Error, "a PEM block is malformed";
    /// Text without any CERTIFICATE block.
    PemNoCertificate = 1101, "pem.no_certificate", Error, "the input holds no certificate";
    /// A CERTIFICATE REQUEST block: the CSR was sent, not the signed certificate.
    PemCsrNotCertificate = 1102, "pem.csr_not_certificate", Error, "a certificate signing request was given instead of a certificate";
    /// Any PRIVATE KEY block; its content is never echoed.
    PemPrivateKeyPresent = 1103, "pem.private_key_present", Error, "the input contains a private key";
    /// Other labels (PKCS7, PUBLIC KEY, X509 CRL, ...).
    PemUnexpectedBlock = 1104, "pem.unexpected_block", Warning, "a PEM block of an unexpected type";
    /// Text outside blocks (e.g. `openssl x509 -text` output).
    PemExplanatoryText = 1105, "pem.explanatory_text", Info, "text outside the PEM blocks";
    /// A BEGIN or END line shares its line with other text, typically `-----END ...----------BEGIN ...-----` from `cat` of files without a final line break.
    PemBoundariesJoined = 1106, "pem.boundaries_joined", Error, "a BEGIN or END line is run together with other text";
    /// Literal `\n` in place of line breaks (a JSON string, a Vault or Kubernetes secret, an .env file).
    PemEscapedNewlines = 1107, "pem.escaped_newlines", Error, "the PEM text has literal \\n in place of line breaks";
    /// Indented PEM lines (from YAML): read by chainvet, not by OpenSSL.
    PemIndented = 1108, "pem.indented", Warning, "PEM lines are indented";
    /// An OpenSSL `TRUSTED CERTIFICATE` block (`openssl x509 -trustout`): a certificate with trust settings.
    PemTrustedCertificate = 1109, "pem.trusted_certificate", Error, "a certificate is in OpenSSL's TRUSTED CERTIFICATE format";

    /// A CERTIFICATE block that is not a valid X.509 certificate.
    CertificateMalformed = 1200, "certificate.malformed", Error, "a certificate is not valid X.509 DER";
    /// A critical extension the validator does not understand (RFC 5280 4.2 requires rejection).
    CertificateUnsupportedCriticalExtension = 1201, "certificate.unsupported_critical_extension", Error, "a certificate has a critical extension that is not understood";
    /// A certificate breaks an RFC 5280 or CA/Browser Forum profile rule the policy enforces
    /// (`[conformance]`); the message names the rule.
    CertificateNonconforming = 1202, "certificate.nonconforming", Error, "a certificate breaks an RFC 5280 or CA/B Forum profile rule";

    /// Root first, leaf last: exactly reversed.
    ChainOrderReversed = 1300, "chain.order_reversed", Error, "the chain is in reverse order";
    /// Any other misorder; the hint gives the correct order.
    ChainOrderWrong = 1301, "chain.order_wrong", Error, "the chain is not in leaf-to-root order";
    /// The bundle ends before a self-signed root.
    ChainRootMissing = 1302, "chain.root_missing", Error, "the root certificate is missing";
    /// A gap: some certificate's issuer is not in the bundle.
    ChainIssuerMissing = 1303, "chain.issuer_missing", Error, "an issuing certificate is missing";
    /// The same certificate twice.
    ChainDuplicateCertificate = 1304, "chain.duplicate_certificate", Error, "a certificate appears twice";
    /// A certificate not on the leaf's path.
    ChainUnrelatedCertificate = 1305, "chain.unrelated_certificate", Error, "a certificate is not part of the leaf's chain";
    /// More certificates than the policy's maximum.
    ChainTooLong = 1306, "chain.too_long", Error, "the bundle has more certificates than allowed";
    /// Path validation (rustls-webpki) rejected the chain for a reason no other code names.
    ChainPathInvalid = 1307, "chain.path_invalid", Error, "path validation rejected the chain";
    /// A name in the chain violates an issuer's name constraints.
    ChainNameConstraintsViolated = 1308, "chain.name_constraints_violated", Error, "a name violates an issuer's name constraints";
    /// Path building or link checking gave up at a resource limit (signature checks,
    /// path-building steps): pathological or hostile input.
    ChainBudgetExceeded = 1309, "chain.budget_exceeded", Error, "validation gave up at a resource limit";
    /// More than one end-entity certificate (e.g. production and staging) in one bundle.
    ChainMultipleLeaves = 1310, "chain.multiple_leaves", Error, "the bundle holds more than one end-entity certificate";
    /// A cross-certificate (the root's name and key, issued by another CA) next to the self-signed root.
    ChainCrossCertificate = 1311, "chain.cross_certificate", Warning, "a cross-certificate of the root is in the bundle";
    /// RFC 5280 certificate policy processing (6.1.3 (d)-(f), 6.1.4 (a), 6.1.5 (g)) left
    /// no acceptable policy where one is required, or a certificate maps anyPolicy.
    ChainPolicyInvalid = 1312, "chain.policy_invalid", Error, "no acceptable certificate policy is valid for the path";

    /// The leaf is self-signed.
    LeafSelfSigned = 1400, "leaf.self_signed", Error, "the leaf certificate is self-signed";
    /// The leaf has basicConstraints cA=TRUE.
    LeafIsCa = 1401, "leaf.is_ca", Error, "the leaf certificate is a CA certificate";
    /// The leaf's EKU lacks clientAuth.
    LeafClientAuthMissing = 1402, "leaf.client_auth_missing", Error, "the leaf certificate is not valid for TLS client authentication";
    /// An issuing certificate lacks basicConstraints cA=TRUE.
    CaNotCa = 1403, "ca.not_ca", Error, "an issuing certificate is not a CA certificate";
    /// An issuing certificate's keyUsage lacks keyCertSign.
    CaKeyCertSignMissing = 1404, "ca.key_cert_sign_missing", Error, "an issuing certificate may not sign certificates";
    /// A pathLenConstraint is violated.
    CaPathLenExceeded = 1405, "ca.path_len_exceeded", Error, "a CA's path length constraint is exceeded";
    /// A trust store is configured and the root is not in it.
    RootNotTrusted = 1406, "root.not_trusted", Error, "the chain does not end at a trusted root";
    /// The leaf is not valid for an expected peer name (DNS name, IP address or email
    /// address in its subjectAltName).
    LeafNameMismatch = 1407, "leaf.name_mismatch", Error, "the leaf certificate is not valid for the expected name";
    /// Server usage: the leaf's EKU lacks serverAuth.
    LeafServerAuthMissing = 1408, "leaf.server_auth_missing", Error, "the leaf certificate is not valid for TLS server authentication";
    /// Client usage: the leaf has a keyUsage extension that asserts neither
    /// digitalSignature nor keyAgreement, so its key may not sign the TLS
    /// CertificateVerify (nor agree keys, for static (EC)DH). The policy knob
    /// `require_tls_client_key_usage` turns the check off.
    LeafKeyUsageUnsuitable = 1409, "leaf.key_usage_unsuitable", Error, "the leaf certificate's keyUsage does not allow TLS client authentication";

    /// A certificate is not signed by its issuer's key.
    SignatureInvalid = 1500, "signature.invalid", Error, "a signature does not verify";
    /// SHA-1 or MD5 signature (the root's self-signature excepted).
    SignatureWeakAlgorithm = 1501, "signature.weak_algorithm", Error, "a signature uses a broken hash algorithm";
    /// An algorithm the library cannot verify.
    SignatureUnsupportedAlgorithm = 1502, "signature.unsupported_algorithm", Error, "a signature algorithm is not supported";

    /// Now is after notAfter.
    ValidityExpired = 1600, "validity.expired", Error, "a certificate has expired";
    /// Now is before notBefore.
    ValidityNotYetValid = 1601, "validity.not_yet_valid", Error, "a certificate is not valid yet";
    /// The leaf's lifetime is under the policy minimum.
    ValidityTooShort = 1602, "validity.too_short", Error, "the leaf's lifetime is shorter than the policy minimum";
    /// The leaf's lifetime is over the policy maximum.
    ValidityTooLong = 1603, "validity.too_long", Error, "the leaf's lifetime is longer than the policy maximum";
    /// The leaf expires within the renewal window.
    ValidityExpiresSoon = 1604, "validity.expires_soon", Warning, "the leaf expires soon";

    /// RSA modulus under the policy minimum.
    KeyRsaTooSmall = 1700, "key.rsa_too_small", Error, "an RSA key is too small";
    /// EC curve not allowed.
    KeyCurveNotAllowed = 1701, "key.curve_not_allowed", Error, "an elliptic curve is not allowed";
    /// Key type not allowed by policy.
    KeyAlgorithmNotAllowed = 1702, "key.algorithm_not_allowed", Error, "a key algorithm is not allowed";

    /// A policy-required subject attribute is absent.
    SubjectMissingAttribute = 1800, "subject.missing_attribute", Error, "a required subject attribute is missing";
    /// CN does not match the policy's expected name or pattern.
    SubjectCnMismatch = 1801, "subject.cn_mismatch", Error, "the common name is not the expected one";
    /// C is not an ISO 3166-1 alpha-2 code.
    SubjectCountryInvalid = 1802, "subject.country_invalid", Error, "the country is not an ISO 3166-1 alpha-2 code";
    /// A subjectAltName DNS name is not among the policy's allowed names or patterns.
    SubjectDnsNameNotAllowed = 1803, "subject.dns_name_not_allowed", Error, "a DNS name is not allowed by the policy";
    /// A CSR subject holds a tool's placeholder value (OpenSSL's "Internet Widgits Pty Ltd", "Some-State"; keytool's "Unknown").
    SubjectPlaceholderValue = 1804, "subject.placeholder_value", Warning, "the subject holds a tool's placeholder value";

    /// No registered certificate for this client.
    BindingNoRegisteredCertificate = 1900, "binding.no_registered_certificate", Error, "no certificate is registered for this client";
    /// The presented leaf's serial differs from every registered one.
    BindingSerialMismatch = 1901, "binding.serial_mismatch", Error, "the serial number is not the registered one";
    /// The presented leaf's CN differs.
    BindingCnMismatch = 1902, "binding.cn_mismatch", Error, "the common name is not the registered one";
    /// The presented leaf's issuer differs.
    BindingIssuerMismatch = 1903, "binding.issuer_mismatch", Error, "the issuer is not the registered one";
    /// SHA-256 fingerprint pinning is on and differs.
    BindingFingerprintMismatch = 1904, "binding.fingerprint_mismatch", Error, "the certificate fingerprint is not the registered one";
    /// SPKI pinning is on and the presented leaf's public key differs.
    BindingSpkiMismatch = 1905, "binding.spki_mismatch", Error, "the public key is not the registered one";
    /// More registrations are active (not expired) for the client than allowed.
    BindingTooManyActive = 1906, "binding.too_many_active", Error, "more certificates are registered as active than allowed";

    /// OCSP or CRL says revoked.
    RevocationRevoked = 2000, "revocation.revoked", Error, "a certificate is revoked";
    /// OCSP says unknown.
    RevocationUnknown = 2001, "revocation.unknown", Error, "the responder does not know the certificate";
    /// Responder unreachable, timed out, or answered an error status.
    RevocationUnavailable = 2002, "revocation.unavailable", Warning, "revocation status could not be obtained";
    /// Bad signature, unauthorised responder, wrong CertID, stale, nonce mismatch.
    RevocationResponseInvalid = 2003, "revocation.response_invalid", Error, "a revocation response is not valid";
    /// Revocation checking is on and the certificate has no OCSP URL.
    RevocationNoOcspUrl = 2004, "revocation.no_ocsp_url", Warning, "a certificate names no OCSP responder";

    /// Not a parsable PKCS#10 request.
    CsrMalformed = 2100, "csr.malformed", Error, "the certificate signing request is malformed";
    /// The CSR's self-signature does not verify.
    CsrSignatureInvalid = 2101, "csr.signature_invalid", Error, "the certificate signing request's signature does not verify";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A dotted code name that is not in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown finding code `{}`", self.0)
    }
}

impl std::error::Error for UnknownCode {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_round_trip_and_are_unique() {
        let mut names = std::collections::HashSet::new();
        for &code in Code::ALL {
            assert!(names.insert(code.as_str()), "duplicate name {code}");
            assert_eq!(Code::from_u32(code.as_u32()), Some(code));
            assert_eq!(code.as_str().parse::<Code>(), Ok(code));
            let area = code.as_str().split('.').next().unwrap_or_default();
            let range = match area {
                "input" => 1000..1100,
                "pem" => 1100..1200,
                "certificate" => 1200..1300,
                "chain" => 1300..1400,
                "leaf" | "ca" | "root" => 1400..1500,
                "signature" => 1500..1600,
                "validity" => 1600..1700,
                "key" => 1700..1800,
                "subject" => 1800..1900,
                "binding" => 1900..2000,
                "revocation" => 2000..2100,
                "csr" => 2100..2200,
                other => panic!("code {code} has no range for area {other}"),
            };
            assert!(range.contains(&code.as_u32()), "{code} outside its range");
        }
        assert_eq!(Code::from_u32(0), None);
        assert!("nope.nope".parse::<Code>().is_err());
    }

    #[test]
    fn templates_take_the_specifics_in_order() {
        assert_eq!(
            Code::CertificateMalformed.message(&[&"certificate 2", &"bad tag"]),
            "certificate 2 is not a valid X.509 certificate: bad tag"
        );
        assert_eq!(
            Code::RootNotTrusted.message(&[&"certificate 1 (CN=x)"]),
            "the chain ends at certificate 1 (CN=x), which is not in the trust store and was not issued by a certificate in it"
        );
        // Nothing is lost: a surplus specific is appended, a missing one leaves a gap.
        assert_eq!(
            Code::CertificateMalformed.message(&[&"a", &"b", &"c"]),
            "a is not a valid X.509 certificate: b: c"
        );
        assert_eq!(
            Code::CertificateMalformed.message(&[&"a"]),
            "a is not a valid X.509 certificate: "
        );
        // Without a template the specifics are the message.
        assert_eq!(Code::InputEmpty.message(&[&"x", &"y"]), "x: y");
        assert_eq!(Code::InputEmpty.message(&[]), "");
    }

    #[test]
    fn every_template_has_a_hint() {
        for &code in Code::ALL {
            if code.message_template().is_some() {
                assert!(code.default_hint().is_some(), "{code}");
            }
            if let Some(hint) = code.default_hint() {
                assert!(hint.ends_with('.'), "{code}: {hint}");
            }
        }
    }
}
