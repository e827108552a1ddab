//! Collects findings as the checks run, applying the policy's severity overrides, and
//! keeps a report's size bounded whatever the input: findings of one code beyond
//! `MERGE_OVER` become one finding listing where they occur, a report lists at most
//! `MAX_FINDINGS`, and no message or hint is longer than `MAX_TEXT_CHARS`.

use core::fmt;

use crate::code::Code;
use crate::policy::Policy;
use crate::report::{Finding, Severity};
use crate::text::ellipsize;
use crate::time::Window;

/// A code with more findings than this in one report is merged into one finding.
pub(crate) const MERGE_OVER: usize = 4;
/// Most findings a report lists; one more says how many were left out.
pub(crate) const MAX_FINDINGS: usize = 64;
/// Most places a merged finding lists.
pub(crate) const MAX_LOCATIONS: usize = 16;
/// Longest message or hint, in characters (longer ones end in an ellipsis).
pub(crate) const MAX_TEXT_CHARS: usize = 1024;
/// Findings of one code kept whole while a validation runs; later ones of that code are
/// only counted (they would be merged anyway), so memory stays bounded per code however
/// repetitive the input.
const KEEP_PER_CODE: usize = MERGE_OVER + MAX_LOCATIONS + 1;

/// What is left of the findings of a code past `KEEP_PER_CODE`: how many, how severe,
/// and whether they were about another certificate than the first of the code.
#[derive(Debug, Default, Clone, Copy)]
struct Folded {
    count: usize,
    severity: Option<Severity>,
    other_certificate: bool,
}

/// The findings of one validation so far.
pub(crate) struct Findings<'p> {
    list: Vec<Finding>,
    /// The input lines each finding is about, where it is about lines (parallel to
    /// `list`): what a merged finding lists.
    lines: Vec<Option<(usize, usize)>>,
    /// Per code: findings kept whole, and those only counted.
    kept: std::collections::BTreeMap<Code, (usize, Option<usize>)>,
    folded: std::collections::BTreeMap<Code, Folded>,
    policy: &'p Policy,
    /// The validation times for which these findings would be the same: a check whose
    /// outcome or message depends on the time narrows it (see `Window`).
    pub(crate) window: Window,
}

impl<'p> Findings<'p> {
    pub(crate) fn new(policy: &'p Policy) -> Self {
        Findings {
            list: Vec::new(),
            lines: Vec::new(),
            kept: Default::default(),
            folded: Default::default(),
            policy,
            window: Window::ALWAYS,
        }
    }

    /// Continues from findings recorded earlier (e.g. a cached analysis).
    pub(crate) fn resume(policy: &'p Policy, list: Vec<Finding>) -> Self {
        Findings {
            lines: vec![None; list.len()],
            list,
            kept: Default::default(),
            folded: Default::default(),
            policy,
            window: Window::ALWAYS,
        }
    }

    /// The input lines of the first finding about certificate `index` that has any:
    /// where the reader found that certificate's block.
    pub(crate) fn first_lines_of(&self, index: usize) -> Option<(usize, usize)> {
        self.list
            .iter()
            .zip(&self.lines)
            .find_map(|(f, lines)| lines.filter(|_| f.certificate == Some(index)))
    }

    /// Records a finding unless the policy turns its code off.
    pub(crate) fn add(
        &mut self,
        code: Code,
        certificate: Option<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.add_at_lines(code, certificate, None, message, hint);
    }

    /// Records a finding with its code's default texts (`Code::message_template`,
    /// `Code::default_hint`): the call site adds only the specifics.
    pub(crate) fn raise(
        &mut self,
        code: Code,
        certificate: Option<usize>,
        specifics: &[&dyn fmt::Display],
    ) {
        self.add(
            code,
            certificate,
            code.message(specifics),
            code.default_hint().unwrap_or_default(),
        );
    }

    /// The one place `certificate.malformed` is raised for bytes that do not parse as
    /// X.509: "`what` is not a valid X.509 certificate: `error`", at input `lines` when
    /// known, with the code's default hint unless the input's form calls for `hint`.
    pub(crate) fn certificate_malformed(
        &mut self,
        index: usize,
        lines: Option<(usize, usize)>,
        what: &dyn fmt::Display,
        error: &dyn fmt::Display,
        hint: Option<&str>,
    ) {
        let code = Code::CertificateMalformed;
        self.add_at_lines(
            code,
            Some(index),
            lines,
            code.message(&[what, error]),
            hint.or(code.default_hint()).unwrap_or_default(),
        );
    }

    /// Records a finding about input lines `first..=last` (merged findings list them).
    pub(crate) fn add_at_lines(
        &mut self,
        code: Code,
        certificate: Option<usize>,
        lines: Option<(usize, usize)>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        if let Some(severity) = self.policy.severity_of(code) {
            self.push(
                code,
                severity,
                certificate,
                message.into(),
                hint.into(),
                lines,
            );
        }
    }

    fn push(
        &mut self,
        code: Code,
        severity: Severity,
        certificate: Option<usize>,
        message: String,
        hint: String,
        lines: Option<(usize, usize)>,
    ) {
        let finding = Finding {
            code,
            severity,
            certificate,
            message,
            hint,
            detail: None,
        };
        let kept = self
            .kept
            .entry(finding.code)
            .or_insert((0, finding.certificate));
        if kept.0 >= KEEP_PER_CODE {
            let first_certificate = kept.1;
            let folded = self.folded.entry(finding.code).or_default();
            folded.count += 1;
            folded.severity = folded.severity.max(Some(finding.severity));
            folded.other_certificate |= finding.certificate != first_certificate;
            return;
        }
        kept.0 += 1;
        self.list.push(finding);
        self.lines.push(lines);
    }

    /// Records an error that no severity override can lower or turn off: for verdicts
    /// the policy must not be able to waive (trust-store mode without a trusted path).
    pub(crate) fn add_unwaivable(
        &mut self,
        code: Code,
        certificate: Option<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let (message, hint) = (message.into(), hint.into());
        self.push(code, Severity::Error, certificate, message, hint, None);
    }

    /// Records a finding whose severity, unless the policy overrides this code, is
    /// `default` rather than the code's own (e.g. `revocation.unavailable` is an error
    /// under hard-fail).
    pub(crate) fn add_with_default(
        &mut self,
        code: Code,
        default: Severity,
        certificate: Option<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let severity = match self.policy.severity.get(&code) {
            Some(level) => level.severity(),
            None => Some(default),
        };
        if let Some(severity) = severity {
            self.push(
                code,
                severity,
                certificate,
                message.into(),
                hint.into(),
                None,
            );
        }
    }

    /// As `add_with_default`, with operator-facing `detail` kept apart from the
    /// message (`Finding::detail`).
    pub(crate) fn add_detailed(
        &mut self,
        code: Code,
        default: Severity,
        certificate: Option<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
        detail: impl Into<String>,
    ) {
        let before = self.list.len();
        self.add_with_default(code, default, certificate, message, hint);
        if self.list.len() > before
            && let Some(last) = self.list.last_mut()
        {
            let detail = detail.into();
            last.detail = (!detail.is_empty()).then_some(detail);
        }
    }

    /// Whether a finding with this code was recorded (for any certificate).
    pub(crate) fn has(&self, code: Code) -> bool {
        self.list.iter().any(|f| f.code == code)
    }

    /// Whether any recorded finding is an error.
    pub(crate) fn has_error(&self) -> bool {
        self.error_count() > 0
    }

    /// How many recorded findings are errors.
    pub(crate) fn error_count(&self) -> usize {
        let folded: usize = self
            .folded
            .values()
            .filter(|f| f.severity == Some(Severity::Error))
            .map(|f| f.count)
            .sum();
        folded
            + self
                .list
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count()
    }

    /// Takes over findings recorded elsewhere under the same policy.
    pub(crate) fn append(&mut self, more: Vec<Finding>) {
        self.lines.extend(more.iter().map(|_| None));
        self.list.extend(more);
    }

    /// The findings recorded so far.
    pub(crate) fn list(&self) -> &[Finding] {
        &self.list
    }

    /// The end of a run of checks: the findings a report holds (merged and capped, as
    /// `into_vec`) and the verdict over them. Every report, binding outcome and CSR
    /// report takes `accepted` from here, so the rule (no finding is an error) is
    /// decided in one place.
    pub(crate) fn finish(self) -> Finished {
        let findings = self.into_vec();
        let accepted = !findings.iter().any(|f| f.severity == Severity::Error);
        Finished { findings, accepted }
    }

    /// The findings, merged per code and capped: what a report holds.
    pub(crate) fn into_vec(self) -> Vec<Finding> {
        cap(merge(self.list, &self.lines, &self.folded))
    }

    /// The findings merged per code but not capped: for an intermediate list that more
    /// findings join before it becomes a report (`into_vec` caps it then).
    pub(crate) fn into_merged(self) -> Vec<Finding> {
        merge(self.list, &self.lines, &self.folded)
    }
}

/// What `Findings::finish` hands over: the findings and the verdict.
#[derive(Debug)]
pub(crate) struct Finished {
    /// Merged and capped, in the order recorded.
    pub(crate) findings: Vec<Finding>,
    /// True iff no finding is an error.
    pub(crate) accepted: bool,
}

/// Where a finding is, for a merged finding's list: its lines, else its certificate.
fn location(finding: &Finding, lines: Option<(usize, usize)>) -> Option<String> {
    match (lines, finding.certificate) {
        (Some((a, b)), _) if a == b => Some(format!("line {a}")),
        (Some((a, b)), _) => Some(format!("lines {a}-{b}")),
        (None, Some(i)) => Some(format!("certificate {i}")),
        (None, None) => None,
    }
}

/// Findings of a code that occurs more than `MERGE_OVER` times become one, where the
/// first of them was, listing where the others are; every text is bounded. Order is
/// kept, and nothing changes for a code that occurs `MERGE_OVER` times or fewer.
fn merge(
    list: Vec<Finding>,
    lines: &[Option<(usize, usize)>],
    folded: &std::collections::BTreeMap<Code, Folded>,
) -> Vec<Finding> {
    let mut counts: std::collections::BTreeMap<Code, usize> = Default::default();
    for f in &list {
        *counts.entry(f.code).or_default() += 1;
    }
    for (code, f) in folded {
        *counts.entry(*code).or_default() += f.count;
    }
    // code -> (index in `out`, places listed, places left out, certificates seen)
    struct Group {
        at: usize,
        places: Vec<String>,
        more_places: usize,
        certificate: Option<Option<usize>>,
    }
    let mut groups: std::collections::BTreeMap<Code, Group> = Default::default();
    let mut out: Vec<Finding> = Vec::with_capacity(list.len().min(MAX_FINDINGS * 2));
    for (i, mut f) in list.into_iter().enumerate() {
        bound_text(&mut f);
        if counts[&f.code] <= MERGE_OVER {
            out.push(f);
            continue;
        }
        let place = location(&f, lines.get(i).copied().flatten());
        match groups.get_mut(&f.code) {
            None => {
                groups.insert(
                    f.code,
                    Group {
                        at: out.len(),
                        places: Vec::new(),
                        more_places: 0,
                        certificate: Some(f.certificate),
                    },
                );
                out.push(f);
            }
            Some(g) => {
                let first = &mut out[g.at];
                first.severity = first.severity.max(f.severity);
                if g.certificate != Some(f.certificate) {
                    g.certificate = Some(None);
                }
                match place {
                    Some(p) if g.places.len() < MAX_LOCATIONS => g.places.push(p),
                    _ => g.more_places += 1,
                }
            }
        }
    }
    for (code, mut g) in groups {
        let n = counts[&code];
        let first = &mut out[g.at];
        if let Some(f) = folded.get(&code) {
            g.more_places += f.count;
            first.severity = first.severity.max(f.severity.unwrap_or(first.severity));
            if f.other_certificate {
                g.certificate = Some(None);
            }
        }
        first.certificate = g.certificate.flatten();
        let mut also = g.places.join(", ");
        if g.more_places > 0 {
            if !also.is_empty() {
                also.push_str(", ");
            }
            also.push_str(&format!("{} more", g.more_places));
        }
        first.message = ellipsize(
            &format!(
                "{} ({} findings of this kind in all; the others: {also})",
                first.message, n
            ),
            MAX_TEXT_CHARS,
        )
        .into_owned();
    }
    out
}

fn bound_text(f: &mut Finding) {
    if f.message.chars().count() > MAX_TEXT_CHARS {
        f.message = ellipsize(&f.message, MAX_TEXT_CHARS).into_owned();
    }
    if f.hint.chars().count() > MAX_TEXT_CHARS {
        f.hint = ellipsize(&f.hint, MAX_TEXT_CHARS).into_owned();
    }
}

/// At most `MAX_FINDINGS`, keeping errors before warnings before info (each in order),
/// then one finding saying how many were left out, as severe as the worst of them so
/// the verdict stays what the whole list says.
fn cap(mut list: Vec<Finding>) -> Vec<Finding> {
    if list.len() <= MAX_FINDINGS {
        return list;
    }
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by_key(|&i| (core::cmp::Reverse(list[i].severity), i));
    let mut keep = vec![false; list.len()];
    for &i in &order[..MAX_FINDINGS] {
        keep[i] = true;
    }
    let mut worst = Severity::Info;
    let mut left_out = 0usize;
    let mut i = 0;
    list.retain(|f| {
        let kept = keep[i];
        i += 1;
        if !kept {
            worst = worst.max(f.severity);
            left_out += 1;
        }
        kept
    });
    list.push(Finding {
        code: Code::InputTooManyFindings,
        severity: worst,
        certificate: None,
        message: format!(
            "{left_out} more findings were left out of this report, which lists at most {MAX_FINDINGS}"
        ),
        hint: "Fix the problems listed and check again; an input with this many problems is probably not a certificate chain.".to_owned(),
        detail: None,
    });
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add_n(f: &mut Findings<'_>, code: Code, n: usize) {
        for i in 0..n {
            f.add_at_lines(
                code,
                None,
                Some((i * 2 + 1, i * 2 + 1)),
                format!("line {}", i * 2 + 1),
                "h",
            );
        }
    }

    #[test]
    fn few_findings_of_a_code_are_kept_as_they_are() {
        let policy = Policy::default();
        let mut f = Findings::new(&policy);
        add_n(&mut f, Code::PemExplanatoryText, MERGE_OVER);
        f.add(Code::ChainRootMissing, None, "m", "h");
        let list = f.into_vec();
        assert_eq!(list.len(), MERGE_OVER + 1);
        assert_eq!(list[0].message, "line 1");
    }

    #[test]
    fn many_findings_of_a_code_become_one_listing_places() {
        let policy = Policy::default();
        let mut f = Findings::new(&policy);
        f.add(Code::ChainRootMissing, None, "first", "h");
        add_n(&mut f, Code::PemExplanatoryText, 1000);
        f.add(
            Code::PemMalformed,
            Some(3),
            "x".repeat(10 * MAX_TEXT_CHARS),
            "h",
        );
        let list = f.into_vec();
        assert_eq!(list.len(), 3, "{list:#?}");
        assert_eq!(list[0].code, Code::ChainRootMissing);
        let merged = &list[1];
        assert_eq!(merged.code, Code::PemExplanatoryText);
        assert!(
            merged.message.starts_with("line 1 (1000 findings"),
            "{}",
            merged.message
        );
        assert!(
            merged.message.contains("line 3, line 5"),
            "{}",
            merged.message
        );
        assert!(
            merged
                .message
                .contains(&format!("{} more", 999 - MAX_LOCATIONS))
        );
        assert!(list[2].message.chars().count() <= MAX_TEXT_CHARS);
        assert!(list[2].message.ends_with('…'));
    }

    #[test]
    fn reports_are_capped_and_keep_the_verdict() {
        let policy = Policy::default();
        let mut f = Findings::new(&policy);
        // MERGE_OVER findings of every code (none merged): more than the cap.
        let mut total = 0;
        for code in Code::ALL.iter().rev() {
            for i in 0..MERGE_OVER {
                f.add(*code, Some(i), format!("{code}"), "h");
                total += usize::from(policy.severity_of(*code).is_some());
            }
        }
        let list = f.into_vec();
        assert_eq!(list.len(), MAX_FINDINGS + 1);
        let last = list.last().unwrap();
        assert_eq!(last.code, Code::InputTooManyFindings);
        assert_eq!(
            last.message,
            format!(
                "{} more findings were left out of this report, which lists at most {MAX_FINDINGS}",
                total - MAX_FINDINGS
            )
        );
        // Errors are kept before warnings and info, and the order is kept.
        assert!(
            list[..MAX_FINDINGS]
                .iter()
                .all(|f| f.severity == Severity::Error)
        );
        assert_eq!(last.severity, Severity::Info.max(last.severity));
        assert!(
            list.windows(2)
                .take(MAX_FINDINGS - 1)
                .all(|w| w[0].code >= w[1].code)
        );
    }
}
