//! The flags `check` (bundle mode) and `verify` (trust-store mode) share, declared once
//! and flattened into both: the policy and time, the registry binding, the revocation
//! input and switches, and `--json`. They make the bundle-mode `Options`, which
//! trust-store mode takes whole as its `PresentedOptions::base`.

use std::process::ExitCode;

use chainvet::{Options, Policy, Report};

use super::Common;
use super::match_::RegistryArgs;
use super::revocation::RevocationArgs;
use crate::output;

/// Flags of both validating commands.
#[derive(Debug, clap::Args)]
pub(crate) struct VetArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    #[command(flatten)]
    pub(crate) registry: RegistryArgs,
    #[command(flatten)]
    pub(crate) revocation: RevocationArgs,
    /// Print the report as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

impl VetArgs {
    /// The policy (`--policy` or the default) with `--revocation` applied.
    pub(crate) fn policy(&self) -> Result<Policy, String> {
        let mut policy = self.common.policy()?;
        self.revocation.apply(&mut policy);
        Ok(policy)
    }

    /// The per-call options both modes share: `--at`, the revocation input and
    /// switches, and the client's binding when `--registry` and `--client` are given.
    pub(crate) fn options(&self) -> Result<Options, String> {
        self.registry
            .bind(self.revocation.options(self.common.time())?)
    }

    /// Prints `report` (as JSON with `--json`) about `input` and gives the exit code:
    /// 0 accepted, 1 rejected.
    pub(crate) fn finish(&self, report: &Report, input: &str) -> ExitCode {
        if self.json {
            println!("{}", report.to_json_pretty());
        } else {
            output::print_report(report, input);
        }
        if report.accepted {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }
}
