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
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    let validator = args.common.validator()?;
    let options = args.registry.options(args.common.time())?;
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
