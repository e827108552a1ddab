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
    /// When the bundle holds more than one end-entity certificate: the one to keep, by
    /// its number as the findings give it (counting from 1), or by its subject common
    /// name.
    #[arg(long, value_name = "N|CN")]
    leaf: Option<String>,
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    revocation: super::revocation::RevocationArgs,
}

pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    let mut policy = args.common.policy()?;
    args.revocation.apply(&mut policy);
    let validator = chainvet::Validator::new(policy).map_err(|e| e.to_string())?;
    let options = args.revocation.options(args.common.time())?;
    let input = read_input(&args.file, validator.policy().max_input_bytes)?;
    let result = match &args.leaf {
        None => validator.fix_with(&input, &options),
        Some(leaf) => {
            // Numbers as the messages give them: counting from 1.
            let choice = match leaf.parse::<usize>() {
                Ok(0) => return Err("--leaf counts certificates from 1".to_owned()),
                Ok(n) => chainvet::LeafChoice::Index(n - 1),
                Err(_) => chainvet::LeafChoice::CommonName(leaf.clone()),
            };
            validator.fix_with_leaf_options(&input, &options, &choice)
        }
    };
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
