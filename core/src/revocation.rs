//! Revocation checking: OCSP (fetched, stapled or supplied) and CRLs, with an
//! operator-chosen failure policy, a bounded cache, and a sans-IO API for callers that
//! do their own I/O.
//!
//! Inside a validation (`Validator::validate_with`), each certificate in scope is
//! looked up in this order, and the first source that answers wins:
//! 1. stapled OCSP responses (`Options::stapled_ocsp`), then supplied ones
//!    (`Options::ocsp_responses`), matched to certificates by CertID;
//! 2. supplied CRLs (`Options::crls`) from the certificate's issuer, together with the
//!    cached CRLs of its distribution points, selected and combined by `crl_select`
//!    (newest complete CRL per scope, delta CRLs on top; docs/crl-selection.md);
//! 3. the validator's cache (the preferred method first);
//! 4. the network, unless `Options::offline` (feature `fetch`), and only for a chain
//!    that verified without path, signature or trust errors to an anchor of a
//!    configured trust store: the preferred method's URLs from the certificate
//!    (authorityInfoAccess OCSP, CRL distribution points), then the other's, at most
//!    `max_ocsp_urls` and `max_crl_urls` of each, within one `deadline_ms` for the
//!    whole validation, to destinations the destination policy allows.
//!
//! `Report::revocation` records each certificate's outcome and where it came from.
//! Without the `fetch` feature the core does no I/O: step 4 reports
//! `revocation.unavailable`.

mod cache;
mod check;
pub mod crl;
mod crl_select;
mod crl_signer;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod ocsp;

pub use crate::policy::destination::{BadEntry, Destinations};
pub use crate::policy::revocation::{CertIdHash, Mode, RevocationPolicy, Scope};
pub use crate::report::revocation::{
    Answer, CertStatus, Method, Outcome, Reason, RevocationInfo, Source,
};
pub use cache::{Cache, CachedOcsp};
pub(crate) use check::{Checker, Inputs, Session, Supplied, path_is_clean, run};
pub use crl::{Crl, CrlError};
