//! chainvet vets the certificate chains clients present for mutual TLS: PEM bundle
//! parsing with strict diagnostics, chain order and completeness, signatures, validity
//! and lifetime policy, key and profile policy, with one finding per problem.
//!
//! ```no_run
//! use chainvet::{Policy, Validator};
//! let validator = Validator::new(Policy::default()).expect("policy");
//! let report = validator.validate(&std::fs::read("bundle.pem").expect("read"));
//! for finding in &report.findings {
//!     println!("{} {}: {}\n  hint: {}", finding.severity, finding.code, finding.message, finding.hint);
//! }
//! assert!(report.accepted);
//! ```
#![forbid(unsafe_code)]

mod cache;
mod chain;
mod checks;
mod der;
mod findings;
mod input;
mod path_validation;
mod rfc5280;
mod text;

pub mod binding;
pub mod certificate;
pub mod code;
pub mod csr;
pub mod fix;
pub mod load_error;
pub mod policy;
pub mod read;
pub mod registry;
pub mod report;
pub mod revocation;
pub mod signature;
pub mod time;
pub mod trust;
pub mod validator;

pub use binding::{Binding, BindingMode, BindingOutcome, Registration};
pub use certificate::Certificate;
pub use code::Code;
pub use csr::CsrReport;
pub use fix::{FixRefused, Fixed, LeafChoice};
pub use load_error::LoadError;
pub use policy::conformance::Conformance;
pub use policy::revocation::RevocationPolicy;
pub use policy::subject::{SubjectAttribute, SubjectPolicy};
pub use policy::usage::{KeyUsageBit, PeerName, Usage};
pub use policy::{Engine, Level, PathValidation, Policy, PolicyError, PolicyInputs};
pub use registry::{Registry, RegistryError};
pub use report::{CertificateInfo, ChainSummary, Finding, Report, Role, Severity, SubjectAltNames};
pub use time::Timestamp;
pub use trust::TrustStore;
pub use validator::presented;
pub use validator::presented::PresentedOptions;
pub use validator::{CacheLimit, CacheLimits, CacheUsage, Options, Validator};
