//! `chainvet check FILE|-`: vet a bundle and print every finding.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Common, read_input, wipe};
use crate::output;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The PEM bundle, or `-` for standard input.
    file: PathBuf,
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    registry: super::match_::RegistryArgs,
    #[command(flatten)]
    revocation: super::revocation::RevocationArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    let mut policy = args.common.policy()?;
    args.revocation.apply(&mut policy);
    let validator = chainvet::Validator::new(policy).map_err(|e| e.to_string())?;
    let options = args
        .registry
        .bind(args.revocation.options(args.common.time())?)?;
    let input = read_input(&args.file)?;
    let report = validator.validate_with(&input, &options);
    wipe(input);
    if args.json {
        println!("{}", report.to_json_pretty());
    } else {
        output::print_report(&report, &args.file.display().to_string());
    }
    Ok(if report.accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
