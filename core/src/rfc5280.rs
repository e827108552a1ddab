//! chainvet's own path validation, RFC 5280 section 6, step by step: path building from
//! the presented leaf through an unordered pool to the configured trust anchors
//! (`build`), the basic certificate processing of 6.1.3 (`basic`), the preparation for
//! the next certificate of 6.1.4 and the wrap-up of 6.1.5 (`state`), the
//! valid_policy_tree of 6.1.2-6.1.5 (`policy_tree`) and the name constraints of
//! 4.2.1.10 (`name_constraints`). Each step is a small function that cites its section.
//!
//! The engine decides whether a path is valid under RFC 5280; whether it is good enough
//! for the operator (key sizes, lifetime, EKU, revocation) stays with the policy checks,
//! which judge every path the engine finds valid, exactly as they judge the paths
//! rustls-webpki finds. `docs/path-validation.md` lists what is and is not supported.

mod basic;
mod build;
mod extensions;
mod name_constraints;
mod policy_tree;
mod state;

use const_oid::ObjectIdentifier;

use crate::code::Code;

pub(crate) use build::Search;

/// anyPolicy (2.5.29.32.0), RFC 5280 4.2.1.4.
pub(crate) const ANY_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32.0");

/// The inputs of one path search (RFC 5280 6.1.1), parsed.
#[derive(Debug, Clone)]
pub(crate) struct Inputs {
    /// 6.1.1 (b): the time of validation, Unix seconds.
    pub(crate) at: i64,
    /// Most intermediates on a path.
    pub(crate) max_intermediates: usize,
    /// 6.1.1 (c); contains anyPolicy when the caller accepts any.
    pub(crate) user_initial_policy_set: Vec<ObjectIdentifier>,
    /// 6.1.1 (e).
    pub(crate) initial_policy_mapping_inhibit: bool,
    /// 6.1.1 (f).
    pub(crate) initial_explicit_policy: bool,
    /// 6.1.1 (g).
    pub(crate) initial_any_policy_inhibit: bool,
    /// The purpose the leaf is validated for: an issuing certificate with an
    /// extendedKeyUsage must list it (not RFC 5280; see `state::issuer_eku`).
    pub(crate) usage: Option<ObjectIdentifier>,
}

/// Most intermediates on a path: rustls-webpki's and mozilla::pkix's figure, so both
/// engines search the same space (docs/resource-bounds.md).
pub(crate) const MAX_INTERMEDIATES: usize = 6;

/// Why a path (or the whole search) failed, with the section it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathError {
    /// No certificate in the pool or trust store has the issuer's name (6.1, path
    /// building).
    UnknownIssuer,
    /// A same-named candidate issuer's key does not verify the signature (6.1.3 (a)(1)).
    BadSignature,
    /// The signature algorithm is not one chainvet verifies (6.1.3 (a)(1)).
    UnsupportedSignature(String),
    /// The path would need more intermediates than allowed.
    TooDeep,
    /// 6.1.3 (a)(2): the time of validation is after notAfter.
    Expired,
    /// 6.1.3 (a)(2): the time of validation is before notBefore.
    NotYetValid,
    /// 6.1.3 (a)(4): the issuer name is not the working issuer name.
    NameChaining,
    /// 6.1.4 (k): an issuing certificate is not a CA.
    NotCa,
    /// 6.1.4 (l): more non-self-issued intermediates than a pathLenConstraint allows.
    PathLen,
    /// 6.1.4 (n): keyUsage without keyCertSign on an issuing certificate.
    KeyCertSign,
    /// An issuing certificate's extendedKeyUsage excludes the purpose (EKU chaining),
    /// named as RFC 5280 names it (`serverAuth`, `clientAuth`).
    IssuerEku(&'static str),
    /// 6.1.4 (o), 6.1.5 (f): a critical extension the engine does not process (its OID).
    UnknownCritical(String),
    /// A known extension that does not decode or breaks its own grammar.
    Malformed(String),
    /// 6.1.3 (b), (c): a name outside the permitted or inside the excluded subtrees.
    NameConstraint(String),
    /// 6.1.3 (f), 6.1.4 (a), 6.1.5 (g): certificate policy processing failed.
    Policy(String),
    /// A resource limit was hit; the search stops.
    Budget(&'static str),
}

impl PathError {
    /// How specific the diagnosis is: the search keeps the highest-ranked failure.
    fn rank(&self) -> u8 {
        match self {
            PathError::UnknownIssuer => 0,
            PathError::BadSignature | PathError::UnsupportedSignature(_) => 1,
            PathError::TooDeep => 2,
            PathError::Budget(_) => 9,
            _ => 5,
        }
    }

    /// The finding code this failure is reported with.
    pub(crate) fn code(&self) -> Code {
        match self {
            PathError::UnknownIssuer | PathError::NameChaining | PathError::IssuerEku(_) => {
                Code::ChainPathInvalid
            }
            PathError::BadSignature => Code::SignatureInvalid,
            PathError::UnsupportedSignature(_) => Code::SignatureUnsupportedAlgorithm,
            PathError::TooDeep => Code::ChainTooLong,
            PathError::Expired => Code::ValidityExpired,
            PathError::NotYetValid => Code::ValidityNotYetValid,
            PathError::NotCa => Code::CaNotCa,
            PathError::PathLen => Code::CaPathLenExceeded,
            PathError::KeyCertSign => Code::CaKeyCertSignMissing,
            PathError::UnknownCritical(_) => Code::CertificateUnsupportedCriticalExtension,
            PathError::Malformed(_) => Code::CertificateMalformed,
            PathError::NameConstraint(_) => Code::ChainNameConstraintsViolated,
            PathError::Policy(_) => Code::ChainPolicyInvalid,
            PathError::Budget(_) => Code::ChainBudgetExceeded,
        }
    }

    /// What failed, for a message naming the certificate around it.
    pub(crate) fn describe(&self) -> String {
        match self {
            PathError::UnknownIssuer => "has no issuer among the intermediates presented or the trust anchors (RFC 5280 6.1)".to_owned(),
            PathError::BadSignature => "has a signature that does not verify with its issuer's key (RFC 5280 6.1.3 (a)(1))".to_owned(),
            PathError::UnsupportedSignature(alg) => format!("is signed with {alg}, which chainvet cannot verify (RFC 5280 6.1.3 (a)(1))"),
            PathError::TooDeep => format!("would need more than {MAX_INTERMEDIATES} intermediate certificates above it"),
            PathError::Expired => "has expired (RFC 5280 6.1.3 (a)(2))".to_owned(),
            PathError::NotYetValid => "is not valid yet (RFC 5280 6.1.3 (a)(2))".to_owned(),
            PathError::NameChaining => "names an issuer that is not its issuer's subject (RFC 5280 6.1.3 (a)(4))".to_owned(),
            PathError::NotCa => "issues certificates on the path but is not a CA certificate (RFC 5280 6.1.4 (k))".to_owned(),
            PathError::PathLen => "is below more intermediate certificates than a pathLenConstraint above it allows (RFC 5280 6.1.4 (l))".to_owned(),
            PathError::KeyCertSign => "issues certificates but its keyUsage lacks keyCertSign (RFC 5280 6.1.4 (n))".to_owned(),
            PathError::IssuerEku(purpose) => format!("issues certificates but its extendedKeyUsage excludes {purpose}, the purpose the leaf is validated for, so it may not issue such certificates"),
            PathError::UnknownCritical(oid) => format!("has the critical extension {oid}, which chainvet does not process (RFC 5280 6.1.4 (o), 6.1.5 (f))"),
            PathError::Malformed(what) => format!("has a malformed extension: {what}"),
            PathError::NameConstraint(what) => format!("has a name outside its issuers' name constraints: {what} (RFC 5280 6.1.3 (b), (c))"),
            PathError::Policy(what) => format!("is not valid for an acceptable certificate policy: {what}"),
            PathError::Budget(what) => format!("could not be validated: path validation gave up at its limit of {what}"),
        }
    }
}

/// A failed path or search: what, on which certificate (slot index: 0 the leaf, then
/// the pool in the order given; `None` for the trust anchor or the search as a whole),
/// and the path it happened on when it was complete up to a trust anchor.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) error: PathError,
    pub(crate) certificate: Option<usize>,
    /// Slot indices leaf first, and the anchor's index in the trust store.
    pub(crate) path: Option<(Vec<usize>, usize)>,
}

impl Failure {
    pub(crate) fn at(error: PathError, certificate: Option<usize>) -> Failure {
        Failure {
            error,
            certificate,
            path: None,
        }
    }
}
