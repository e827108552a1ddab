//! The x509-limbo input and output formats (schema version 1), as far as the harness
//! reads and writes them.

use serde::{Deserialize, Serialize};

/// The whole suite.
#[derive(Debug, Deserialize)]
pub(crate) struct Limbo {
    pub(crate) version: u32,
    pub(crate) testcases: Vec<Testcase>,
}

/// One testcase.
#[derive(Debug, Deserialize)]
pub(crate) struct Testcase {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) features: Vec<String>,
    pub(crate) validation_kind: Kind,
    pub(crate) trusted_certs: Vec<String>,
    pub(crate) untrusted_intermediates: Vec<String>,
    pub(crate) peer_certificate: String,
    #[serde(default)]
    pub(crate) validation_time: Option<String>,
    #[serde(default)]
    pub(crate) signature_algorithms: Vec<String>,
    #[serde(default)]
    pub(crate) key_usage: Vec<String>,
    #[serde(default)]
    pub(crate) extended_key_usage: Vec<String>,
    pub(crate) expected_result: Outcome,
    #[serde(default)]
    pub(crate) expected_peer_name: Option<PeerName>,
    #[serde(default)]
    pub(crate) expected_peer_names: Vec<PeerName>,
    #[serde(default)]
    pub(crate) max_chain_depth: Option<usize>,
    #[serde(default)]
    pub(crate) crls: Vec<String>,
}

/// SERVER or CLIENT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) enum Kind {
    #[serde(rename = "SERVER")]
    Server,
    #[serde(rename = "CLIENT")]
    Client,
}

/// An expected or actual result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Outcome {
    #[serde(rename = "SUCCESS")]
    Success,
    #[serde(rename = "FAILURE")]
    Failure,
    #[serde(rename = "SKIPPED")]
    Skipped,
}

impl Outcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "SUCCESS",
            Outcome::Failure => "FAILURE",
            Outcome::Skipped => "SKIPPED",
        }
    }
}

/// A peer name to check.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PeerName {
    pub(crate) kind: String,
    pub(crate) value: String,
}

/// The harness output.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Results {
    pub(crate) version: u32,
    pub(crate) harness: String,
    pub(crate) results: Vec<CaseResult>,
}

/// The result of one testcase.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CaseResult {
    pub(crate) id: String,
    pub(crate) actual_result: Outcome,
    pub(crate) context: Option<String>,
}
