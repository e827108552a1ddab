//! Revocation checking: OCSP (fetched, stapled or supplied) and CRLs, with an
//! operator-chosen failure policy, a bounded cache, and a sans-IO API for callers that
//! do their own I/O.
//!
//! Inside a validation (`Validator::validate_with`), each certificate in scope is
//! looked up in this order, and the first source that answers wins:
//! 1. stapled OCSP responses (`Options::stapled_ocsp`), then supplied ones
//!    (`Options::ocsp_responses`), matched to certificates by CertID;
//! 2. supplied CRLs (`Options::crls`) from the certificate's issuer;
//! 3. the validator's cache (the preferred method first);
//! 4. the network, unless `Options::offline` (feature `fetch`): the preferred method's
//!    URLs from the certificate (authorityInfoAccess OCSP, CRL distribution points),
//!    then the other's.
//!
//! `Report::revocation` records each certificate's outcome and where it came from.
//! Without the `fetch` feature the core does no I/O: step 4 reports
//! `revocation.unavailable`.

mod cache;
mod check;
pub mod crl;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod ocsp;
mod policy;
mod status;

pub use cache::{Cache, CachedOcsp};
pub(crate) use check::{Checker, Inputs, run};
pub use crl::{Crl, CrlError};
pub use policy::{CertIdHash, Mode, RevocationPolicy, Scope};
pub use status::{Answer, CertStatus, Method, Outcome, Reason, RevocationInfo, Source};
