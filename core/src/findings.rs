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

    pub(crate) fn into_vec(self) -> Vec<Finding> {
        self.list
    }
}
