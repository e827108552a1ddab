//! `chainvet fix FILE [-o OUT]`: write the repaired bundle, or refuse and say why.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{Common, read_input, wipe};
use crate::output;

/// Arguments of `fix`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The PEM bundle, or `-` for standard input.
    file: PathBuf,
    /// Where to write the repaired bundle (default: standard output).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    let validator = args.common.validator()?;
    let input = read_input(&args.file)?;
    let result = validator.fix_at(&input, args.common.time());
    wipe(input);
    match result {
        Err(refused) => {
            eprintln!("chainvet fix: cannot repair {}:", args.file.display());
            for reason in &refused.reasons {
                eprintln!("  - {reason}");
            }
            Ok(ExitCode::from(1))
        }
        Ok(fixed) => {
            match &args.output {
                Some(path) => std::fs::write(path, &fixed.pem)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
                None => std::io::stdout()
                    .write_all(fixed.pem.as_bytes())
                    .map_err(|e| format!("cannot write standard output: {e}"))?,
            }
            if fixed.changes.is_empty() {
                eprintln!("chainvet fix: nothing to change");
            } else {
                eprintln!("chainvet fix: changed:");
                for change in &fixed.changes {
                    eprintln!("  - {change}");
                }
            }
            if fixed.report.accepted {
                eprintln!("chainvet fix: the repaired bundle is accepted");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "chainvet fix: the repaired bundle is still rejected; problems no reordering can fix:"
                );
                output::print_findings_to_stderr(&fixed.report);
                Ok(ExitCode::from(1))
            }
        }
    }
}
