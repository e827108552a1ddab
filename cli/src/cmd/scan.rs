//! `chainvet scan DIR|-`: vet every bundle under a directory (or every path listed on
//! standard input) on all cores, then summarise.
//!
//! Streaming and bounded: one thread walks the tree into a bounded queue, workers vet
//! and hand results over another bounded queue to the printer, which keeps only counts,
//! the K slowest bundles and the soonest-expiring certificates. Nothing is fatal past
//! the start: an unreadable entry (permission denied, dangling or looping symlink, FIFO,
//! socket or device, a file that vanished, a directory that cannot be listed) is
//! reported with its reason and the scan goes on. Files are opened non-blocking and
//! checked to be regular files *after* opening, so a FIFO swapped in never hangs it; at
//! most the policy's size limit plus one byte is read from any file.

//!
//! Three stages, one module each: `walk` (directory traversal or the path list, and the
//! bounded, non-blocking read of each file), `pipeline` (the workers that vet each file)
//! and `summary` (per-bundle output and the aggregate at the end). This module parses
//! the arguments and wires the stages with bounded queues.

mod pipeline;
mod summary;
mod walk;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use chainvet::{CacheLimit, CacheLimits, Validator};

use super::Common;
use pipeline::{Outcome, worker};
use summary::print_and_summarise;
use walk::{Entry, Filter, Walker};

/// Arguments of `scan`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Directory to scan recursively, or `-` to read one path per line from standard input.
    target: PathBuf,
    #[command(flatten)]
    common: Common,
    /// Print one JSON object per bundle (JSON lines), then one summary object.
    #[arg(long)]
    json: bool,
    /// List certificates that expire within this span of the validation time (`30d`,
    /// `12h`, `2w`; a bare number is days).
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    expiring: Option<i64>,
    /// Only vet files with one of these extensions (comma-separated, e.g. `pem,crt`);
    /// default: every regular file that is not hidden.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    ext: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// How many of the slowest bundles the summary lists.
    #[arg(long, value_name = "K", default_value_t = 10)]
    slowest: usize,
    #[command(flatten)]
    revocation: super::revocation::RevocationArgs,
}

/// Seconds in a span such as `30d`, `12h`, `2w` or `45m`; a bare number is days.
fn parse_span(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let (digits, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "d"),
    };
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a span such as 30d, 12h or 2w"))?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(format!("`{s}`: the unit must be s, m, h, d or w")),
    };
    n.checked_mul(unit)
        .ok_or_else(|| format!("`{s}` is too long a span"))
}

/// Queue depths between walker, workers and printer: what bounds memory in flight.
const QUEUE: usize = 256;
pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    // Every bundle is seen once: caching analyses would only cost memory. Verified
    // signatures are kept: bundles from one CA share their intermediate and root links.
    let mut policy = args.common.policy()?;
    args.revocation.apply(&mut policy);
    let validator = Validator::new(policy)
        .map_err(|e| e.to_string())?
        .with_cache_limits(CacheLimits {
            signatures: CacheLimits::default().signatures,
            analyses: CacheLimit::OFF,
        });
    let at = args.common.time();
    let options = args.revocation.options(at)?;
    let max_bytes = validator.policy().max_input_bytes;
    let from_stdin = args.target == Path::new("-");
    if !from_stdin {
        std::fs::metadata(&args.target)
            .map_err(|e| format!("cannot scan {}: {e}", args.target.display()))?;
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let filter = Filter::new(&args.ext);
    let progress = Progress::new();
    let started = Instant::now();

    let (entries_tx, entries_rx) = sync_channel::<Entry>(QUEUE);
    let (outcomes_tx, outcomes_rx) = sync_channel::<Outcome>(QUEUE);
    // Owned by the workers: when they all stop (the printer failed), the queue closes
    // and the walker's next send fails, so it stops instead of blocking on a full queue.
    let entries_rx = std::sync::Arc::new(std::sync::Mutex::new(entries_rx));

    let summary = std::thread::scope(|scope| {
        let target = args.target.clone();
        let walker_progress = progress.clone();
        scope.spawn(move || {
            let mut walker = Walker::new(entries_tx, filter, walker_progress);
            if from_stdin {
                walker.walk_stdin();
            } else {
                walker.walk(&target, true);
            }
        });
        for _ in 0..jobs {
            let tx = outcomes_tx.clone();
            let rx = std::sync::Arc::clone(&entries_rx);
            let validator = &validator;
            let options = &options;
            scope.spawn(move || worker(&rx, tx, validator, options, max_bytes));
        }
        drop(outcomes_tx);
        drop(entries_rx);
        print_and_summarise(outcomes_rx, &args, at, &progress)
    });
    progress.finish();
    let summary = summary.map_err(|e| format!("cannot write output: {e}"))?;
    summary
        .print(&args, at, started.elapsed(), jobs)
        .map_err(|e| format!("cannot write output: {e}"))?;
    Ok(if summary.all_accepted() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The progress bar: drawn on standard error only when it is a terminal.
#[derive(Clone)]
pub(super) struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    pub(super) fn new() -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = indicatif::ProgressBar::new(0);
        let style = indicatif::ProgressStyle::with_template(
            "{spinner} {pos}/{len} bundles [{elapsed_precise}] {per_sec}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        Progress { bar: Some(bar) }
    }

    pub(super) fn found(&self) {
        if let Some(b) = &self.bar {
            b.inc_length(1);
        }
    }

    pub(super) fn done(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    pub(super) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }

    pub(super) fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans() {
        assert_eq!(parse_span("30d"), Ok(30 * 86_400));
        assert_eq!(parse_span("30"), Ok(30 * 86_400));
        assert_eq!(parse_span("12h"), Ok(12 * 3_600));
        assert_eq!(parse_span("2w"), Ok(14 * 86_400));
        assert!(parse_span("soon").is_err());
        assert!(parse_span("3y").is_err());
        assert!(parse_span("99999999999999999999d").is_err());
    }
}
