//! `chainvet csr FILE`: pre-flight a certificate signing request before sending it.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Common, read_input, wipe};
use crate::output;

/// Arguments of `csr`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The CSR, PEM or DER, or `-` for standard input.
    file: PathBuf,
    /// Policy file (TOML, or JSON starting with `{`): its key rules and `[subject]`
    /// table apply; defaults to the mTLS onboarding policy.
    #[arg(long, value_name = "POLICY")]
    policy: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    let validator = Common {
        policy: args.policy.clone(),
        at: None,
    }
    .validator()?;
    let input = read_input(&args.file, validator.policy().max_input_bytes)?;
    let report = validator.check_csr(&input);
    // The file may hold a private key by mistake.
    wipe(input);
    if args.json {
        println!("{}", report.to_json_pretty());
    } else {
        let name = args.file.display();
        output::print_findings(&output::naming_file(&report.findings, &name.to_string()));
        let what = report
            .csr
            .as_ref()
            .map(|c| format!(": CSR for {} with an {} key", c.subject, c.key))
            .unwrap_or_default();
        let errors = report
            .findings
            .iter()
            .filter(|f| f.severity == chainvet::Severity::Error)
            .count();
        if report.accepted {
            println!("{name}: {}{what}", output::verdict(true));
        } else {
            println!(
                "{name}: {}: {errors} error(s){what}",
                output::verdict(false)
            );
        }
    }
    Ok(if report.accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
