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
    /// Check that the presented leaf is a registered certificate (serial, CN, issuer,
    /// fingerprint or public key).
    Match(cmd::match_::Args),
    /// Pre-flight a certificate signing request: signature, key and subject policy.
    Csr(cmd::csr::Args),
    /// Revocation status of every certificate (OCSP or CRL), where it came from and
    /// how long it is valid.
    Revocation(cmd::revocation::Args),
    /// Trust-store mode: validate a peer's leaf with an unordered pool of intermediates
    /// against trusted roots, as a gateway does.
    Verify(cmd::verify::Args),
}

/// Restores the default action of SIGPIPE, which the Rust runtime ignores: a write to a
/// closed pipe (`chainvet scan --json DIR | head -1`) then ends the process quietly, as
/// it ends `cat` or `grep`, instead of failing every later write (a `println!` panics,
/// exit 101). Sockets are unaffected: the standard library sends with MSG_NOSIGNAL.
#[cfg(unix)]
#[allow(unsafe_code)]
fn die_quietly_on_closed_pipes() {
    // SAFETY: `signal` with SIG_DFL installs no handler (no code runs in signal
    // context) and is called once, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn die_quietly_on_closed_pipes() {}

fn main() -> ExitCode {
    die_quietly_on_closed_pipes();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Fix(args) => cmd::fix::run(args),
        Command::Scan(args) => cmd::scan::run(args),
        Command::Match(args) => cmd::match_::run(args),
        Command::Csr(args) => cmd::csr::run(args),
        Command::Revocation(args) => cmd::revocation::run(args),
        Command::Verify(args) => cmd::verify::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("chainvet: {err}");
            ExitCode::from(2)
        }
    }
}
