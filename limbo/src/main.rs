//! `chainvet-limbo`: runs the x509-limbo suite through chainvet's trust-store mode.
//!
//! ```text
//! chainvet-limbo < limbo.json > results.json          # the harness protocol
//! chainvet-limbo summary --suite limbo.json           # pass/fail/skip per namespace
//! chainvet-limbo gate --suite limbo.json --floor limbo/floor.txt --exceptions limbo/exceptions.json
//! ```

mod evaluate;
mod gate;
mod suite;
mod summary;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::suite::{Limbo, Results};

#[derive(Parser)]
#[command(version, about = "x509-limbo harness for chainvet")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Read the suite (standard input unless --suite) and write results JSON to stdout.
    Run {
        /// The suite file.
        #[arg(long)]
        suite: Option<PathBuf>,
    },
    /// Print pass / fail / skip per namespace beside the peers' figures.
    Summary {
        /// The suite file (standard input if omitted).
        #[arg(long)]
        suite: Option<PathBuf>,
        /// Results written earlier by `run`; without it the suite is run now.
        #[arg(long)]
        results: Option<PathBuf>,
    },
    /// Run the suite and fail if fewer cases pass than the floor, or if the exceptions
    /// file does not list exactly the cases that do not pass.
    Gate {
        /// The suite file.
        #[arg(long)]
        suite: PathBuf,
        /// A file holding the committed minimum pass count.
        #[arg(long)]
        floor: PathBuf,
        /// The exceptions file (JSON list of {id, expected, actual, reason}).
        #[arg(long)]
        exceptions: PathBuf,
        /// Also write the results here.
        #[arg(long)]
        results: Option<PathBuf>,
    },
}

fn read_text(path: Option<&Path>) -> Result<String, String> {
    match path {
        Some(p) => {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        }
        None => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(s)
        }
    }
}

fn load_suite(path: Option<&Path>) -> Result<Limbo, String> {
    let suite: Limbo = serde_json::from_str(&read_text(path)?)
        .map_err(|e| format!("the suite is not limbo JSON: {e}"))?;
    if suite.version != 1 {
        return Err(format!(
            "limbo schema version {} is not supported",
            suite.version
        ));
    }
    Ok(suite)
}

fn run_suite(suite: &Limbo) -> Results {
    let profiles = evaluate::Profiles::new();
    Results {
        version: 1,
        harness: format!("chainvet-{}", env!("CARGO_PKG_VERSION")),
        results: suite
            .testcases
            .iter()
            .map(|c| evaluate::evaluate(c, &profiles))
            .collect(),
    }
}

fn write_json(results: &Results, out: &mut dyn Write) -> Result<(), String> {
    serde_json::to_writer_pretty(&mut *out, results).map_err(|e| e.to_string())?;
    writeln!(out).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    match real_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("chainvet-limbo: {e}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<ExitCode, String> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Run { suite: None }) {
        Command::Run { suite } => {
            let suite = load_suite(suite.as_deref())?;
            write_json(&run_suite(&suite), &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Summary { suite, results } => {
            let suite = load_suite(suite.as_deref())?;
            let results = match results {
                Some(p) => serde_json::from_str::<Results>(&read_text(Some(&p))?)
                    .map_err(|e| format!("{}: not harness results: {e}", p.display()))?,
                None => run_suite(&suite),
            };
            print!(
                "{}",
                summary::render(&summary::summarize(&suite.testcases, &results.results))
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Gate {
            suite,
            floor,
            exceptions,
            results,
        } => {
            let suite = load_suite(Some(&suite))?;
            let floor: usize = read_text(Some(&floor))?
                .trim()
                .parse()
                .map_err(|e| format!("{}: not a number: {e}", floor.display()))?;
            let exceptions: Vec<gate::Exception> =
                serde_json::from_str(&read_text(Some(&exceptions))?)
                    .map_err(|e| format!("{}: {e}", exceptions.display()))?;
            let run = run_suite(&suite);
            if let Some(p) = results {
                let mut f = std::fs::File::create(&p)
                    .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
                write_json(&run, &mut f)?;
            }
            print!(
                "{}",
                summary::render(&summary::summarize(&suite.testcases, &run.results))
            );
            let (passed, problems) =
                gate::check(&suite.testcases, &run.results, &exceptions, floor);
            for p in &problems {
                println!("GATE: {p}");
            }
            if problems.is_empty() {
                if passed > floor {
                    println!(
                        "{passed} pass, above the floor of {floor}: raise the floor to {passed}."
                    );
                }
                println!("limbo gate: {passed} pass (floor {floor}), exceptions file matches");
                Ok(ExitCode::SUCCESS)
            } else {
                println!("limbo gate: {} problem(s)", problems.len());
                Ok(ExitCode::FAILURE)
            }
        }
    }
}
