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

use std::collections::{BTreeMap, BinaryHeap, HashSet};
use std::fs::File;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use chainvet::{CacheLimit, CacheLimits, Code, Report, Severity, Timestamp, Validator};

use super::Common;

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

/// How many expiring certificates the summary keeps (the soonest); the count is exact.
const EXPIRING_KEPT: usize = 1_000;
/// Queue depths between walker, workers and printer: what bounds memory in flight.
const QUEUE: usize = 256;

/// One unit of work or its outcome.
enum Outcome {
    Vetted {
        path: PathBuf,
        report: Report,
        elapsed: Duration,
    },
    Unreadable {
        path: PathBuf,
        reason: String,
    },
}

/// What the walker found: a file to vet, or an entry it could not use.
enum Entry {
    File(PathBuf),
    Problem(PathBuf, String),
}

pub(crate) fn run(args: Args) -> Result<ExitCode, String> {
    // Every bundle is seen once: caching analyses would only cost memory. Verified
    // signatures are kept: bundles from one CA share their intermediate and root links.
    let validator = args.common.validator()?.with_cache_limits(CacheLimits {
        signatures: CacheLimits::default().signatures,
        analyses: CacheLimit::OFF,
    });
    let at = args.common.time();
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
    let entries_rx = std::sync::Mutex::new(entries_rx);

    let summary = std::thread::scope(|scope| {
        let target = args.target.clone();
        let walker_progress = progress.clone();
        scope.spawn(move || {
            let mut walker = Walker {
                tx: entries_tx,
                filter,
                seen_dirs: HashSet::new(),
                progress: walker_progress,
            };
            if from_stdin {
                walker.walk_stdin();
            } else {
                walker.walk(&target, true);
            }
        });
        for _ in 0..jobs {
            let tx = outcomes_tx.clone();
            let rx = &entries_rx;
            let validator = &validator;
            scope.spawn(move || worker(rx, tx, validator, at, max_bytes));
        }
        drop(outcomes_tx);
        print_and_summarise(outcomes_rx, &args, at, &progress)
    });
    progress.finish();
    let summary = summary.map_err(|e| format!("cannot write output: {e}"))?;
    summary
        .print(&args, at, started.elapsed(), jobs)
        .map_err(|e| format!("cannot write output: {e}"))?;
    Ok(if summary.rejected + summary.unreadable == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Which files a directory walk vets.
struct Filter {
    extensions: Vec<String>,
}

impl Filter {
    fn new(ext: &[String]) -> Filter {
        Filter {
            extensions: ext
                .iter()
                .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
                .filter(|e| !e.is_empty())
                .collect(),
        }
    }

    fn wants(&self, path: &Path) -> bool {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            return false;
        }
        self.extensions.is_empty()
            || path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| self.extensions.contains(&e.to_ascii_lowercase()))
    }
}

struct Walker {
    tx: SyncSender<Entry>,
    filter: Filter,
    /// (device, inode) of every directory entered: a symlink back to one is a loop.
    seen_dirs: HashSet<(u64, u64)>,
    progress: Progress,
}

impl Walker {
    fn send(&self, entry: Entry) {
        self.progress.found();
        // The receivers only go away if the printer failed; then there is nothing to do.
        let _ = self.tx.send(entry);
    }

    fn problem(&self, path: &Path, reason: impl Into<String>) {
        self.send(Entry::Problem(path.to_path_buf(), reason.into()));
    }

    fn walk_stdin(&mut self) {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            match line {
                Ok(line) if line.trim().is_empty() => {}
                Ok(line) => self.walk(Path::new(line.trim_end_matches('\r')), true),
                Err(e) => {
                    self.problem(Path::new("-"), format!("cannot read standard input: {e}"));
                    return;
                }
            }
        }
    }

    /// Vets `path` if it is a file, descends if it is a directory. `named` entries (the
    /// scan root, listed paths) are vetted whatever their name.
    fn walk(&mut self, path: &Path, named: bool) {
        // Follows symlinks: a dangling one or a self-referencing one fails here.
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => return self.problem(path, describe_io(path, &e)),
        };
        if meta.is_dir() {
            if !self.seen_dirs.insert(dir_id(&meta)) {
                return self.problem(
                    path,
                    "symlink loop: this directory was already entered, skipped",
                );
            }
            let listing = match std::fs::read_dir(path) {
                Ok(l) => l,
                Err(e) => return self.problem(path, format!("cannot list directory: {e}")),
            };
            let mut children = Vec::new();
            for entry in listing {
                match entry {
                    Ok(e) => children.push(e.path()),
                    Err(e) => self.problem(path, format!("cannot list directory: {e}")),
                }
            }
            // Sorted, so the order of JSON lines is stable for a given tree.
            children.sort();
            for child in children {
                let name_ok = child
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_none_or(|n| !n.starts_with('.'));
                if name_ok {
                    self.walk(&child, false);
                }
            }
        } else if meta.is_file() {
            if named || self.filter.wants(path) {
                self.send(Entry::File(path.to_path_buf()));
            }
        } else if named || self.filter.wants(path) {
            self.problem(path, format!("not a regular file ({})", kind(&meta)));
        }
    }
}

#[cfg(unix)]
fn dir_id(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn dir_id(meta: &std::fs::Metadata) -> (u64, u64) {
    // No inode numbers: tell directories apart by their timestamps as well as we can.
    let t = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (t, meta.len())
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "not a file or directory"
}

fn describe_io(path: &Path, e: &std::io::Error) -> String {
    let dangling = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match e.kind() {
        std::io::ErrorKind::NotFound if dangling => {
            "dangling symlink: its target does not exist".to_owned()
        }
        std::io::ErrorKind::NotFound => "vanished before it could be read".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ if e.raw_os_error() == Some(40) => {
            "symlink loop: too many levels of symbolic links".to_owned()
        }
        _ => e.to_string(),
    }
}

/// Opens without blocking (a FIFO without a writer would block a plain open), checks the
/// opened file is a regular file, reads at most `max + 1` bytes.
fn read_bounded(path: &Path, max: usize) -> Result<Vec<u8>, String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file: File = options.open(path).map_err(|e| describe_io(path, &e))?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(format!("not a regular file ({})", kind(&meta)));
    }
    let limit = if max == 0 { u64::MAX } else { max as u64 + 1 };
    let mut buf = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit)
        .read_to_end(&mut buf)
        .map_err(|e| format!("read failed: {e}"))?;
    Ok(buf)
}

fn worker(
    rx: &std::sync::Mutex<Receiver<Entry>>,
    tx: SyncSender<Outcome>,
    validator: &Validator,
    at: Timestamp,
    max_bytes: usize,
) {
    loop {
        let entry = {
            let rx = rx.lock().unwrap_or_else(|e| e.into_inner());
            rx.recv()
        };
        let Ok(entry) = entry else { return };
        let outcome = match entry {
            Entry::Problem(path, reason) => Outcome::Unreadable { path, reason },
            Entry::File(path) => match read_bounded(&path, max_bytes) {
                Err(reason) => Outcome::Unreadable { path, reason },
                Ok(mut input) => {
                    let start = Instant::now();
                    let report = validator.validate_at(&input, at);
                    let elapsed = start.elapsed();
                    // The bundle may have held a private key: do not leave it in freed memory.
                    input.fill(0);
                    std::hint::black_box(&input);
                    Outcome::Vetted {
                        path,
                        report,
                        elapsed,
                    }
                }
            },
        };
        if tx.send(outcome).is_err() {
            return;
        }
    }
}

/// A certificate expiring within the window, ordered by its notAfter.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Expiring {
    not_after: i64,
    path: PathBuf,
    index: usize,
    subject: String,
}

/// Counts and bounded lists: what the summary shows.
#[derive(Default)]
struct Summary {
    vetted: usize,
    accepted: usize,
    rejected: usize,
    unreadable: usize,
    by_code: BTreeMap<Code, (usize, Severity)>,
    /// Max-heap on time: the K slowest bundles seen so far (the root is the fastest
    /// of them, popped when a slower one arrives).
    slowest: BinaryHeap<std::cmp::Reverse<(Duration, PathBuf)>>,
    expiring: BinaryHeap<Expiring>,
    expiring_total: usize,
    validation_time: Duration,
}

impl Summary {
    fn add(&mut self, path: &Path, report: &Report, elapsed: Duration, args: &Args, at: Timestamp) {
        self.vetted += 1;
        self.validation_time += elapsed;
        if report.accepted {
            self.accepted += 1;
        } else {
            self.rejected += 1;
        }
        for f in &report.findings {
            let entry = self.by_code.entry(f.code).or_insert((0, f.severity));
            entry.0 += 1;
            entry.1 = entry.1.max(f.severity);
        }
        if args.slowest > 0 {
            self.slowest
                .push(std::cmp::Reverse((elapsed, path.to_path_buf())));
            if self.slowest.len() > args.slowest {
                self.slowest.pop();
            }
        }
        if let Some(span) = args.expiring {
            let until = at.0.saturating_add(span);
            for c in &report.certificates {
                let Ok(not_after) = Timestamp::parse_rfc3339(&c.not_after) else {
                    continue;
                };
                if not_after.0 >= at.0 && not_after.0 <= until {
                    self.expiring_total += 1;
                    self.expiring.push(Expiring {
                        not_after: not_after.0,
                        path: path.to_path_buf(),
                        index: c.index,
                        subject: c.subject.clone(),
                    });
                    if self.expiring.len() > EXPIRING_KEPT {
                        self.expiring.pop(); // the latest of those kept
                    }
                }
            }
        }
    }

    fn print(
        &self,
        args: &Args,
        at: Timestamp,
        wall: Duration,
        jobs: usize,
    ) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        let slowest: Vec<&(Duration, PathBuf)> = {
            let mut v: Vec<_> = self.slowest.iter().map(|r| &r.0).collect();
            v.sort_by_key(|e| std::cmp::Reverse(e.0));
            v
        };
        let mut expiring: Vec<&Expiring> = self.expiring.iter().collect();
        expiring.sort();
        if args.json {
            let summary = serde_json::json!({
                "summary": {
                    "bundles": self.vetted + self.unreadable,
                    "accepted": self.accepted,
                    "rejected": self.rejected,
                    "unreadable": self.unreadable,
                    "validated_at": at.to_rfc3339(),
                    "seconds": wall.as_secs_f64(),
                    "threads": jobs,
                    "findings": self.by_code.iter().map(|(code, (n, sev))| {
                        serde_json::json!({"code": code, "severity": sev, "count": n})
                    }).collect::<Vec<_>>(),
                    "expiring": args.expiring.map(|span| serde_json::json!({
                        "within_seconds": span,
                        "count": self.expiring_total,
                        "certificates": expiring.iter().map(|e| serde_json::json!({
                            "path": e.path.display().to_string(),
                            "certificate": e.index,
                            "subject": e.subject,
                            "not_after": Timestamp(e.not_after).to_rfc3339(),
                        })).collect::<Vec<_>>(),
                    })),
                    "slowest": slowest.iter().map(|(d, p)| serde_json::json!({
                        "path": p.display().to_string(),
                        "microseconds": d.as_micros(),
                    })).collect::<Vec<_>>(),
                }
            });
            return writeln!(out, "{summary}");
        }
        let total = self.vetted + self.unreadable;
        let rate = total as f64 / wall.as_secs_f64().max(1e-9);
        writeln!(
            out,
            "\nscanned {total} bundle(s) in {:.2} s ({rate:.0} per second, {jobs} thread(s)), validated at {}",
            wall.as_secs_f64(),
            at.to_rfc3339()
        )?;
        writeln!(out, "  accepted    {}", self.accepted)?;
        writeln!(out, "  rejected    {}", self.rejected)?;
        writeln!(out, "  unreadable  {}", self.unreadable)?;
        if !self.by_code.is_empty() {
            writeln!(out, "findings by code:")?;
            let mut codes: Vec<_> = self.by_code.iter().collect();
            codes.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
            for (code, (n, sev)) in codes {
                writeln!(out, "  {n:>8}  {:<7} {}", sev.as_str(), code.as_str())?;
            }
        }
        if let Some(span) = args.expiring {
            writeln!(
                out,
                "certificates expiring within {} day(s): {}",
                span / 86_400,
                self.expiring_total
            )?;
            for e in expiring.iter().take(50) {
                writeln!(
                    out,
                    "  {}  {}  certificate {} ({})",
                    Timestamp(e.not_after).date(),
                    e.path.display(),
                    e.index,
                    e.subject
                )?;
            }
            if self.expiring_total > 50 {
                writeln!(
                    out,
                    "  ... and {} more (--json lists up to {EXPIRING_KEPT})",
                    self.expiring_total - 50
                )?;
            }
        }
        if !slowest.is_empty() {
            writeln!(out, "slowest bundles:")?;
            for (d, p) in slowest {
                writeln!(out, "  {:>10.1} µs  {}", d.as_secs_f64() * 1e6, p.display())?;
            }
        }
        Ok(())
    }
}

/// Prints per-bundle lines as outcomes arrive and folds them into the summary.
fn print_and_summarise(
    rx: Receiver<Outcome>,
    args: &Args,
    at: Timestamp,
    progress: &Progress,
) -> std::io::Result<Summary> {
    let mut summary = Summary::default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for outcome in rx {
        progress.done();
        match outcome {
            Outcome::Unreadable { path, reason } => {
                summary.unreadable += 1;
                if args.json {
                    let line =
                        serde_json::json!({"path": path.display().to_string(), "error": reason});
                    writeln!(out, "{line}")?;
                } else {
                    progress
                        .suspend(|| writeln!(out, "{}: unreadable: {reason}", path.display()))?;
                }
            }
            Outcome::Vetted {
                path,
                report,
                elapsed,
            } => {
                summary.add(&path, &report, elapsed, args, at);
                if args.json {
                    let mut line = serde_json::to_value(&report).unwrap_or_default();
                    if let Some(obj) = line.as_object_mut() {
                        obj.insert("path".into(), path.display().to_string().into());
                        obj.insert("microseconds".into(), (elapsed.as_micros() as u64).into());
                    }
                    writeln!(out, "{line}")?;
                } else if !report.accepted {
                    let mut codes: Vec<&str> = report.errors().map(|f| f.code.as_str()).collect();
                    codes.dedup();
                    progress.suspend(|| {
                        writeln!(out, "{}: rejected: {}", path.display(), codes.join(", "))
                    })?;
                }
            }
        }
    }
    out.flush()?;
    Ok(summary)
}

/// The progress bar: drawn on standard error only when it is a terminal.
#[derive(Clone)]
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new() -> Progress {
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

    fn found(&self) {
        if let Some(b) = &self.bar {
            b.inc_length(1);
        }
    }

    fn done(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }

    fn finish(&self) {
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

    #[test]
    fn reads_are_bounded_and_never_block() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.pem");
        std::fs::write(&big, vec![b'A'; 10_000]).unwrap();
        assert_eq!(read_bounded(&big, 100).unwrap().len(), 101);
        assert_eq!(read_bounded(&big, 0).unwrap().len(), 10_000);

        let gone = dir.path().join("gone.pem");
        std::fs::write(&gone, b"x").unwrap();
        std::fs::remove_file(&gone).unwrap();
        let err = read_bounded(&gone, 100).unwrap_err();
        assert!(err.contains("vanished"), "{err}");

        // A FIFO with no writer: a blocking open would hang here forever.
        let fifo = dir.path().join("fifo.pem");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let err = read_bounded(&fifo, 100).unwrap_err();
        assert!(err.contains("FIFO"), "{err}");

        let err = read_bounded(dir.path(), 100).unwrap_err();
        assert_eq!(err, "not a regular file (a directory)");
    }
}
