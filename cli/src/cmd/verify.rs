//! `chainvet verify LEAF [--intermediates FILE]... --trust-store ROOTS.pem`: trust-store
//! mode, as a gateway validates what a peer presented: the leaf, an unordered pool of
//! intermediates, and the configured trust anchors.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chainvet::presented::der_certificates;
use chainvet::{KeyUsageBit, PeerName, PresentedOptions, TrustStore, Usage, Validator};

use super::vet::VetArgs;
use super::{read_input_within, wipe};

/// `--usage` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum UsageArg {
    /// TLS client authentication (EKU clientAuth), as a gateway checks its clients.
    Client,
    /// TLS server authentication (EKU serverAuth), as a client checks a server.
    Server,
}

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The peer's certificate, PEM or DER, or `-` for standard input. Further
    /// certificates in a PEM file join the intermediates (a chain as a peer sends it).
    leaf: PathBuf,
    /// Intermediate certificates the peer sent: a PEM file in any order, strangers
    /// allowed, or one DER certificate (repeatable).
    #[arg(long = "intermediates", value_name = "FILE")]
    intermediates: Vec<PathBuf>,
    /// The trusted roots (PEM), replacing the policy's `trust_store`; needed unless the
    /// policy names one.
    #[arg(long, value_name = "ROOTS.pem")]
    trust_store: Option<PathBuf>,
    /// What the leaf is for.
    #[arg(long, value_enum, value_name = "USAGE", default_value = "client")]
    usage: UsageArg,
    /// A name the leaf must be valid for (its subjectAltName): a DNS name, an IP address
    /// or an email address (repeatable; every one must match).
    #[arg(long = "name", value_name = "DNS|IP|EMAIL", value_parser = parse_name)]
    names: Vec<PeerName>,
    /// Most intermediates between the leaf and the trust anchor (`chain.too_long`).
    #[arg(long, value_name = "N")]
    max_depth: Option<usize>,
    /// keyUsage bits the leaf must assert when it has a keyUsage extension, by their RFC
    /// 5280 names (e.g. `digitalSignature,keyAgreement`; repeatable). Independent of
    /// the client-usage check `leaf.key_usage_unsuitable`.
    #[arg(
        long = "key-usage",
        value_name = "BIT[,BIT]",
        value_delimiter = ',',
        value_parser = clap::builder::ValueParser::new(|s: &str| s.parse::<KeyUsageBit>())
    )]
    key_usage: Vec<KeyUsageBit>,
    #[command(flatten)]
    vet: VetArgs,
    #[command(flatten)]
    policy_inputs: super::policy_inputs::PolicyInputArgs,
}

/// An expected peer name, told apart by its form.
fn parse_name(s: &str) -> Result<PeerName, String> {
    if s.is_empty() {
        return Err("the name is empty".to_owned());
    }
    Ok(if let Ok(ip) = s.parse::<IpAddr>() {
        PeerName::Ip(ip)
    } else if s.contains('@') {
        PeerName::Email(s.to_owned())
    } else {
        PeerName::Dns(s.to_owned())
    })
}

/// The certificates of a file as DER (PEM blocks in order, or the file as one DER
/// certificate).
fn certificates(path: &Path, limit: usize) -> Result<Vec<Vec<u8>>, String> {
    let bytes = read_input_within(path, limit)?;
    let ders = der_certificates(&bytes);
    // A PEM file of a client certificate often holds its private key too.
    wipe(bytes);
    ders.map_err(|e| format!("{}: {e}", path.display()))
}

pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    let policy = args.vet.policy()?;
    args.policy_inputs.check_engine(&policy)?;
    let validator = match &args.trust_store {
        Some(path) => {
            let trust = TrustStore::from_file(path).map_err(|e| e.to_string())?;
            Validator::with_trust_store(policy, trust)
        }
        None => Validator::new(policy).map_err(|e| e.to_string())?,
    };
    if validator.trust_store().is_empty() {
        return Err("trust-store mode needs trust anchors: give --trust-store ROOTS.pem, or a policy whose trust_store names them".to_owned());
    }
    let usage = match args.usage {
        UsageArg::Client => Usage::ClientAuth,
        UsageArg::Server => Usage::ServerAuth,
    };
    let mut options = PresentedOptions::with_base(args.vet.options()?, usage);
    options.peer_names = args.names;
    options.max_depth = args.max_depth;
    options.key_usage = args.key_usage;
    options.policy_inputs = args.policy_inputs.inputs();

    let limit = validator.policy().max_input_bytes;
    let mut pool = certificates(&args.leaf, limit)?;
    if pool.is_empty() {
        return Err(format!("{}: no certificate in it", args.leaf.display()));
    }
    let leaf = pool.remove(0);
    for path in &args.intermediates {
        pool.extend(certificates(path, limit)?);
    }
    let refs: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
    let report = validator.validate_presented(&leaf, &refs, &options);
    Ok(args.vet.finish(&report, &args.leaf.display().to_string()))
}
