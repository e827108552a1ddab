//! Revocation options shared by `check` and `revocation`, and `chainvet revocation FILE`:
//! the status of every certificate, where it came from, and its validity window.

use std::path::PathBuf;
use std::process::ExitCode;

use chainvet::revocation::{Mode, Outcome, RevocationInfo, Scope};
use chainvet::{Options, Policy, Report, Role, Severity, Timestamp, Validator};

use super::{Common, read_input, wipe};
use crate::output;

/// `--revocation` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ModeArg {
    /// No revocation checking.
    Off,
    /// Revoked/unknown reject; an unreachable responder is a warning.
    Soft,
    /// An unreachable responder rejects too.
    Hard,
}

/// Revocation flags.
#[derive(Debug, clap::Args)]
pub(crate) struct RevocationArgs {
    /// Revocation mode, overriding the policy's `[revocation] mode` (default soft).
    #[arg(long, value_enum, value_name = "MODE")]
    revocation: Option<ModeArg>,
    /// A DER OCSP response to use (repeatable), e.g. one saved by `openssl ocsp -respout`.
    #[arg(long = "ocsp-response", value_name = "FILE")]
    ocsp_responses: Vec<PathBuf>,
    /// A CRL, DER or PEM, to use (repeatable).
    #[arg(long = "crl", value_name = "FILE")]
    crls: Vec<PathBuf>,
    /// Never contact OCSP responders or CRL distribution points.
    #[arg(long)]
    offline: bool,
    /// Send a nonce in OCSP requests and require the responder to echo it.
    #[arg(long)]
    ocsp_nonce: bool,
}

impl RevocationArgs {
    /// Applies `--revocation` to a policy.
    pub(crate) fn apply(&self, policy: &mut Policy) {
        if let Some(mode) = self.revocation {
            policy.revocation.mode = match mode {
                ModeArg::Off => Mode::Off,
                ModeArg::Soft => Mode::SoftFail,
                ModeArg::Hard => Mode::HardFail,
            };
        }
    }

    /// Per-call options: the time, supplied responses and CRLs, offline, nonce.
    pub(crate) fn options(&self, at: Timestamp) -> Result<Options, String> {
        // Bounded by the library's hard ceiling here; the policy's own size caps for
        // responses and CRLs apply when they are evaluated.
        let read = |p: &PathBuf| {
            chainvet::read::file(p, 0).map_err(|e| format!("cannot read {}: {e}", p.display()))
        };
        let mut options = Options::at(at);
        options.ocsp_responses = self
            .ocsp_responses
            .iter()
            .map(read)
            .collect::<Result<_, _>>()?;
        options.crls = self.crls.iter().map(read).collect::<Result<_, _>>()?;
        options.offline = self.offline;
        options.ocsp_nonce = self.ocsp_nonce;
        Ok(options)
    }
}

/// Arguments of `revocation`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The PEM bundle, or `-` for standard input.
    file: PathBuf,
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    revocation: RevocationArgs,
    /// Print the report (revocation findings only) as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    let mut policy = args.common.policy()?;
    args.revocation.apply(&mut policy);
    if policy.revocation.mode == Mode::Off {
        return Err("revocation checking is off (`--revocation off` or the policy's [revocation] mode): nothing to report".to_owned());
    }
    policy.revocation.scope = Scope::Chain;
    let validator = Validator::new(policy).map_err(|e| e.to_string())?;
    let options = args.revocation.options(args.common.time())?;
    let input = read_input(&args.file, validator.policy().max_input_bytes)?;
    let mut report = validator.validate_with(&input, &options);
    wipe(input);
    report
        .findings
        .retain(|f| f.code.as_str().starts_with("revocation."));
    report.accepted = !report
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    if args.json {
        println!("{}", report.to_json_pretty());
    } else {
        print!("{}", render_statuses(&report));
        output::print_report(&report, &args.file.display().to_string());
    }
    Ok(if report.accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn window(info: &RevocationInfo) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &info.this_update {
        parts.push(format!("thisUpdate {t}"));
    }
    match &info.next_update {
        Some(t) => parts.push(format!("nextUpdate {t}")),
        None if info.this_update.is_some() => parts.push(format!(
            "no nextUpdate, fresh until {}",
            info.valid_until.as_deref().unwrap_or("?")
        )),
        None => {}
    }
    parts.join(", ")
}

/// One block per certificate: status, then the source, signer and validity window.
fn render_statuses(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.certificates {
        let name = format!("certificate {} ({})", c.index + 1, c.subject);
        let Some(info) = report.revocation.iter().find(|r| r.certificate == c.index) else {
            let why = match c.role {
                Role::Root => "a self-signed root: nobody above it to ask",
                _ if c.self_signed => "self-signed",
                _ => "not on the leaf's path",
            };
            out.push_str(&format!("{name}: not checked ({why})\n"));
            continue;
        };
        let mut status = info.status.to_string();
        if info.status == Outcome::Revoked {
            status.push_str(&format!(
                " since {}",
                info.revoked_at.as_deref().unwrap_or("?")
            ));
            if let Some(r) = info.reason {
                status.push_str(&format!(" ({r})"));
            }
        }
        out.push_str(&format!("{name}: {status}\n"));
        if let (Some(method), Some(source), Some(responder)) =
            (info.method, info.source, info.responder.as_deref())
        {
            out.push_str(&format!("    {method} {responder} ({source})"));
            if let Some(signer) = &info.signer {
                out.push_str(&format!(", signed by {signer}"));
            }
            out.push('\n');
            let w = window(info);
            if !w.is_empty() {
                out.push_str(&format!("    {w}\n"));
            }
        }
        if let Some(detail) = &info.detail {
            out.push_str(&format!("    {detail}\n"));
        }
    }
    out
}
