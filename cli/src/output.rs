//! Human output: one line per finding plus its hint, coloured only on a terminal and
//! never when NO_COLOR is set.

use std::io::IsTerminal;

use chainvet::{Finding, Report, Severity};

struct Style {
    on: bool,
}

impl Style {
    fn detect(terminal: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Style {
            on: terminal && !no_color && !dumb,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn severity(&self, s: Severity) -> String {
        let label = format!("{:<7}", s.as_str());
        match s {
            Severity::Error => self.paint("1;31", &label),
            Severity::Warning => self.paint("1;33", &label),
            Severity::Info => self.paint("36", &label),
        }
    }
}

fn render(findings: &[Finding], style: &Style) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!(
            "{} {}: {}\n        hint: {}\n",
            style.severity(f.severity),
            style.paint("1", f.code.as_str()),
            f.message,
            f.hint
        ));
    }
    out
}

/// Prints a report to standard output, with a verdict line.
pub(crate) fn print_report(report: &Report, name: &str) {
    let style = Style::detect(std::io::stdout().is_terminal());
    print!("{}", render(&report.findings, &style));
    let count = |s| report.findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    if let Some(leaf) = report.chain.leaf.filter(|&l| l != 0) {
        // The leaf is not where a reader would look for it: say which one was taken.
        println!(
            "note: certificate {leaf} was taken as the leaf: {}",
            report.chain.leaf_reason
        );
    }
    let leaf = report
        .chain
        .leaf
        .and_then(|i| report.certificates.iter().find(|c| c.index == i))
        .map(|c| format!(", leaf {}", c.subject))
        .unwrap_or_default();
    if report.accepted {
        let verdict = style.paint("1;32", "accepted");
        println!(
            "{name}: {verdict}: chain of {} certificate(s){leaf}{}",
            report.chain.path.len(),
            if warnings > 0 {
                format!(", {warnings} warning(s)")
            } else {
                String::new()
            }
        );
    } else {
        let verdict = style.paint("1;31", "rejected");
        println!("{name}: {verdict}: {errors} error(s), {warnings} warning(s)");
    }
}

/// Prints the findings of a report to standard error.
pub(crate) fn print_findings_to_stderr(report: &Report) {
    let style = Style::detect(std::io::stderr().is_terminal());
    eprint!("{}", render(&report.findings, &style));
}

/// Prints findings to standard output, one line each plus its hint.
pub(crate) fn print_findings(findings: &[Finding]) {
    let style = Style::detect(std::io::stdout().is_terminal());
    print!("{}", render(findings, &style));
}

/// `accepted` or `rejected`, coloured for standard output.
pub(crate) fn verdict(accepted: bool) -> String {
    let style = Style::detect(std::io::stdout().is_terminal());
    if accepted {
        style.paint("1;32", "accepted")
    } else {
        style.paint("1;31", "rejected")
    }
}
