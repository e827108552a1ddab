//! `chainvet match --registered R.pem --presented P.pem`: is the presented leaf a
//! registered certificate? Also the `--registry`/`--client` flags `check` takes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chainvet::binding::leaf_of;
use chainvet::{Binding, BindingMode, Options, Registration, Registry};

use super::{Common, read_input_within, wipe};
use crate::output;

/// Arguments of `match`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A registered certificate, PEM or DER (a bundle registers its leaf). Repeat it
    /// during a rotation: the presented leaf must match one of them.
    #[arg(long, value_name = "R.pem", required = true)]
    registered: Vec<PathBuf>,
    /// The presented certificate or bundle (its leaf is compared), or `-` for standard
    /// input.
    #[arg(long, value_name = "P.pem")]
    presented: PathBuf,
    /// How to compare: serial+cn, serial+cn+issuer, fingerprint or spki.
    #[arg(long, value_name = "M", default_value = "serial+cn+issuer", value_parser = parse_mode)]
    mode: BindingMode,
    /// Registrations that may be active (not expired) at once; 0 for no limit.
    #[arg(long, value_name = "N", default_value_t = Binding::DEFAULT_MAX_ACTIVE)]
    max_active: usize,
    #[command(flatten)]
    common: Common,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

fn parse_mode(s: &str) -> Result<BindingMode, String> {
    s.parse()
}

pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    let validator = args.common.validator()?;
    let at = args.common.time();
    let mut registrations = Vec::with_capacity(args.registered.len());
    for path in &args.registered {
        let bytes = read_input_within(path, validator.policy().max_input_bytes)?;
        let registration = Registration::from_bytes(&bytes);
        wipe(bytes);
        let registration =
            registration.map_err(|e| format!("registered certificate {}: {e}", path.display()))?;
        registrations.push(registration.with_label(path.display().to_string()));
    }
    let binding = Binding::new(registrations)
        .with_mode(args.mode)
        .with_max_active(args.max_active);

    let input = read_input_within(&args.presented, validator.policy().max_input_bytes)?;
    let presented = leaf_of(&input);
    wipe(input);
    let presented = presented
        .map_err(|e| format!("presented certificate {}: {e}", args.presented.display()))?;
    let outcome = validator.check_binding(&presented, &binding, at);

    let name = args.presented.display().to_string();
    if args.json {
        let registered: Vec<serde_json::Value> = binding
            .registrations()
            .iter()
            .map(|r| {
                let mut v = serde_json::to_value(r.info()).unwrap_or_default();
                v["active"] = r.is_active_at(at).into();
                v
            })
            .collect();
        let json = serde_json::json!({
            "accepted": outcome.accepted,
            "matched": outcome.matched,
            "mode": binding.mode().as_str(),
            "findings": outcome.findings,
            "presented": presented_json(&presented, &name, at),
            "registered": registered,
            "validated_at": at.to_rfc3339(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
    } else {
        output::print_findings(&outcome.findings);
        match outcome.matched {
            Some(i) => {
                let label = binding.registrations()[i].label();
                // In spki mode the match is another certificate with the same key.
                let how = if binding.mode() == BindingMode::Spki {
                    format!("the leaf has the public key of the registered certificate {label}")
                } else {
                    format!("the leaf matches the registered certificate {label}")
                };
                let errors = outcome
                    .findings
                    .iter()
                    .filter(|f| f.severity == chainvet::Severity::Error)
                    .count();
                if outcome.accepted {
                    println!(
                        "{name}: {}: {how} (mode {})",
                        output::verdict(true),
                        binding.mode()
                    );
                } else {
                    println!(
                        "{name}: {}: {how} (mode {}), but {errors} error(s) remain",
                        output::verdict(false),
                        binding.mode()
                    );
                }
            }
            None => println!(
                "{name}: {}: the leaf matches no registered certificate (mode {})",
                output::verdict(false),
                binding.mode()
            ),
        }
    }
    Ok(if outcome.accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The presented leaf with every field a registration has (README: `match --json`),
/// plus its subject, labelled with the file it came from.
fn presented_json(
    presented: &chainvet::Certificate,
    name: &str,
    at: chainvet::Timestamp,
) -> serde_json::Value {
    let registration = Registration::from_certificate(presented).with_label(name);
    let mut v = serde_json::to_value(registration.info()).unwrap_or_default();
    v["subject"] = presented.subject_string().into();
    v["active"] = registration.is_active_at(at).into();
    v
}

/// `check`'s flags for checking the leaf against a registry.
#[derive(Debug, clap::Args)]
pub(crate) struct RegistryArgs {
    /// Registry file (TOML, or JSON): the leaf must be a certificate registered for
    /// `--client`.
    #[arg(long, value_name = "REG.toml", requires = "client")]
    registry: Option<PathBuf>,
    /// The client whose registrations the leaf must match.
    #[arg(long, value_name = "ID", requires = "registry")]
    client: Option<String>,
}

impl RegistryArgs {
    /// Validation options at `at`, with the client's binding when a registry is given.
    /// Adds the client's registrations to `options` when `--registry` and `--client` are given.
    pub(crate) fn bind(&self, options: Options) -> Result<Options, String> {
        match (&self.registry, &self.client) {
            (Some(path), Some(client)) => {
                let registry = Registry::from_file(path).map_err(|e| e.to_string())?;
                let binding: Arc<Binding> = registry.binding_for(client);
                Ok(options.with_binding(binding))
            }
            _ => Ok(options),
        }
    }
}
