//! The summary of `scan`: each outcome printed as it arrives (a line per rejected or
//! unreadable bundle, or JSON lines), folded into counts and bounded lists (the slowest
//! bundles, the soonest-expiring certificates), and the summary printed at the end.

use std::collections::{BTreeMap, BinaryHeap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use chainvet::{Code, Report, Severity, Timestamp};

use super::pipeline::Outcome;
use super::{Args, Progress};

/// How many expiring certificates the summary keeps (the soonest); the count is exact.
const EXPIRING_KEPT: usize = 1_000;
/// A certificate expiring within the window, ordered by its notAfter.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Expiring {
    not_after: i64,
    path: PathBuf,
    index: usize,
    subject: String,
}

/// Counts and bounded lists: what the summary shows.
#[derive(Default)]
pub(super) struct Summary {
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
    /// Whether every bundle was read and accepted (exit code 0).
    pub(super) fn all_accepted(&self) -> bool {
        self.rejected + self.unreadable == 0
    }

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

    pub(super) fn print(
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
                    e.index + 1,
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
pub(super) fn print_and_summarise(
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
