//! The `chainvet` command: vet mTLS client certificate bundles.
//!
//! Exit codes: 0 accepted, 1 rejected, 2 usage or I/O error.

mod cmd;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Vets the certificate chains clients present for mutual TLS.
#[derive(Debug, Parser)]
#[command(name = "chainvet", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Vet a PEM bundle: every problem, each with a fix.
    Check(cmd::check::Args),
    /// Write the bundle repaired: leaf-to-root order, duplicates, unrelated
    /// certificates, text and private keys dropped.
    Fix(cmd::fix::Args),
    /// Vet every bundle under a directory (or listed on standard input) on all cores:
    /// JSON lines with --json, then a summary.
    Scan(cmd::scan::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Fix(args) => cmd::fix::run(args),
        Command::Scan(args) => cmd::scan::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("chainvet: {err}");
            ExitCode::from(2)
        }
    }
}
