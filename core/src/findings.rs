//! Collects findings as the checks run, applying the policy's severity overrides.

use crate::code::Code;
use crate::policy::Policy;
use crate::report::{Finding, Severity};
use crate::time::Window;

/// The findings of one validation so far.
pub(crate) struct Findings<'p> {
    list: Vec<Finding>,
    policy: &'p Policy,
    /// The validation times for which these findings would be the same: a check whose
    /// outcome or message depends on the time narrows it (see `Window`).
    pub(crate) window: Window,
}

impl<'p> Findings<'p> {
    pub(crate) fn new(policy: &'p Policy) -> Self {
        Findings {
            list: Vec::new(),
            policy,
            window: Window::ALWAYS,
        }
    }

    /// Continues from findings recorded earlier (e.g. a cached analysis).
    pub(crate) fn resume(policy: &'p Policy, list: Vec<Finding>) -> Self {
        Findings {
            list,
            policy,
            window: Window::ALWAYS,
        }
    }

    /// Records a finding unless the policy turns its code off.
    pub(crate) fn add(
        &mut self,
        code: Code,
        certificate: Option<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        if let Some(severity) = self.policy.severity_of(code) {
            self.list.push(Finding {
                code,
                severity,
                certificate,
                message: message.into(),
                hint: hint.into(),
            });
        }
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
        self.list.push(Finding {
            code,
            severity: Severity::Error,
            certificate,
            message: message.into(),
            hint: hint.into(),
        });
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
            self.list.push(Finding {
                code,
                severity,
                certificate,
                message: message.into(),
                hint: hint.into(),
            });
        }
    }

    /// Whether a finding with this code was recorded (for any certificate).
    pub(crate) fn has(&self, code: Code) -> bool {
        self.list.iter().any(|f| f.code == code)
    }

    /// Whether any recorded finding is an error.
    pub(crate) fn has_error(&self) -> bool {
        self.list.iter().any(|f| f.severity == Severity::Error)
    }

    /// How many recorded findings are errors.
    pub(crate) fn error_count(&self) -> usize {
        self.list
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    /// Takes over findings recorded elsewhere under the same policy.
    pub(crate) fn append(&mut self, more: Vec<Finding>) {
        self.list.extend(more);
    }

    pub(crate) fn into_vec(self) -> Vec<Finding> {
        self.list
    }
}
