//! `chainvet check FILE|-`: vet a bundle and print every finding.

use std::path::PathBuf;
use std::process::ExitCode;

use super::vet::VetArgs;
use super::{read_input, wipe};

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The PEM bundle, or `-` for standard input.
    file: PathBuf,
    #[command(flatten)]
    vet: VetArgs,
}

pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    let validator = chainvet::Validator::new(args.vet.policy()?).map_err(|e| e.to_string())?;
    let options = args.vet.options()?;
    let input = read_input(&args.file, validator.policy().max_input_bytes)?;
    let report = validator.validate_with(&input, &options);
    wipe(input);
    Ok(args.vet.finish(&report, &args.file.display().to_string()))
}
