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
mod findings;
mod input;
mod path_validation;

pub mod binding;
pub mod certificate;
pub mod code;
pub mod csr;
pub mod fix;
pub mod policy;
pub mod presented;
pub mod registry;
pub mod report;
pub mod revocation;
pub mod signature;
pub mod time;
pub mod trust;
pub mod validator;

pub use binding::{Binding, BindingMode, BindingOutcome, Registration};
pub use certificate::Certificate;
pub use checks::Conformance;
pub use checks::{SubjectAttribute, SubjectPolicy};
pub use code::Code;
pub use csr::CsrReport;
pub use fix::{FixRefused, Fixed};
pub use policy::{Level, Policy, PolicyError};
pub use presented::{KeyUsageBit, PeerName, PresentedOptions, Usage};
pub use registry::{Registry, RegistryError};
pub use report::{CertificateInfo, ChainSummary, Finding, Report, Role, Severity};
pub use revocation::RevocationPolicy;
pub use time::Timestamp;
pub use trust::TrustStore;
pub use validator::{CacheLimit, CacheLimits, CacheUsage, Options, Validator};
