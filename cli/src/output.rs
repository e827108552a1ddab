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

/// `name` as one shell word: as is when it needs no quoting, else in single quotes.
fn shell_word(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/+=:@,".contains(&b));
    if plain {
        name.to_owned()
    } else {
        format!("'{}'", name.replace('\'', r"'\''"))
    }
}

/// The findings with the `FILE` placeholder in the hints' commands (the text between
/// backticks) replaced by the file's name; standard input (`-`) keeps the placeholder.
pub(crate) fn naming_file(findings: &[Finding], name: &str) -> Vec<Finding> {
    let word = shell_word(name);
    findings
        .iter()
        .map(|f| {
            let mut f = f.clone();
            if name != "-" {
                f.hint = f
                    .hint
                    .split('`')
                    .enumerate()
                    .map(|(i, part)| {
                        if i % 2 == 1 {
                            replace_word(part, "FILE", &word)
                        } else {
                            part.to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("`");
            }
            f
        })
        .collect()
}

/// Replaces `word` where it stands alone (not inside a longer name such as `FILES`).
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(word) {
        let before = rest[..pos].chars().next_back();
        let after = rest[pos + word.len()..].chars().next();
        let alone = |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        out.push_str(&rest[..pos]);
        out.push_str(if alone(before) && alone(after) {
            with
        } else {
            word
        });
        rest = &rest[pos + word.len()..];
    }
    out.push_str(rest);
    out
}

/// Prints a report to standard output, with a verdict line.
pub(crate) fn print_report(report: &Report, name: &str) {
    let style = Style::detect(std::io::stdout().is_terminal());
    print!("{}", render(&naming_file(&report.findings, name), &style));
    let count = |s| report.findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    if let Some(leaf) = report.chain.leaf.filter(|&l| l != 0) {
        // The leaf is not where a reader would look for it: say which one was taken.
        println!(
            "note: certificate {} was taken as the leaf: {}",
            leaf + 1,
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
        if let Some(policies) = report
            .certificate_policies
            .as_deref()
            .filter(|p| !p.is_empty())
        {
            // RFC 5280 6.1.5 (g): what the path is valid for, when it carries policies.
            let named: Vec<String> = policies
                .iter()
                .map(|p| match p.as_str() {
                    "2.5.29.32.0" => "anyPolicy (2.5.29.32.0)".to_owned(),
                    _ => p.clone(),
                })
                .collect();
            println!("certificate policies: {}", named.join(", "));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_replace_the_placeholder_in_commands_only() {
        let f = Finding {
            code: chainvet::Code::PemIndented,
            severity: Severity::Warning,
            certificate: None,
            message: "FILE".into(),
            hint: "FILE: run `sed x FILE > fixed.pem` or `chainvet fix FILE -o FILES`".into(),
            detail: None,
        };
        let named = naming_file(std::slice::from_ref(&f), "my chain.pem");
        assert_eq!(
            named[0].hint,
            "FILE: run `sed x 'my chain.pem' > fixed.pem` or `chainvet fix 'my chain.pem' -o FILES`"
        );
        assert_eq!(named[0].message, "FILE");
        assert_eq!(naming_file(std::slice::from_ref(&f), "-")[0].hint, f.hint);
        assert_eq!(shell_word("certs/a.pem"), "certs/a.pem");
        assert_eq!(shell_word("it's.pem"), r"'it'\''s.pem'");
    }
}
