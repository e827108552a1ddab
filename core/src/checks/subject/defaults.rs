//! What every onboarding guide asks of a CSR's subject, checked even under a policy
//! without a `[subject]` table: a CN (an error without one), C, ST and O (warnings),
//! and no placeholder values left over from pressing Enter at `openssl req` or `keytool`
//! prompts (warnings). A policy that lists `required_attributes` has decided which
//! attributes it needs: then only the placeholder check runs. A CN the policy's
//! `common_names` expects is reported by the policy check, not twice.

use x509_cert::name::Name;

use super::{SubjectAttribute, SubjectPolicy, Target, values_of};
use crate::code::Code;
use crate::findings::Findings;
use crate::report::Severity;

/// Values tools put into a subject when the user just presses Enter: OpenSSL's
/// `openssl.cnf` (upstream and Red Hat's) and Java keytool's.
const PLACEHOLDERS: &[(SubjectAttribute, &str)] = &[
    (SubjectAttribute::Organization, "Internet Widgits Pty Ltd"),
    (SubjectAttribute::StateOrProvince, "Some-State"),
    (SubjectAttribute::Organization, "Default Company Ltd"),
    (SubjectAttribute::Locality, "Default City"),
    (SubjectAttribute::Country, "XX"),
];

/// keytool answers "Unknown" for every attribute left blank.
const KEYTOOL_UNKNOWN: &str = "Unknown";

/// The attributes most platforms' guides require besides the CN.
const EXPECTED: [SubjectAttribute; 3] = [
    SubjectAttribute::Country,
    SubjectAttribute::StateOrProvince,
    SubjectAttribute::Organization,
];

fn present(subject: &Name, attr: SubjectAttribute) -> bool {
    values_of(subject, attr.oid())
        .iter()
        .any(|v| v.as_deref().is_none_or(|s| !s.trim().is_empty()))
}

/// A `-subj` example with C, ST, O and CN, for the hints.
fn example_policy(policy: &SubjectPolicy) -> SubjectPolicy {
    let mut p = policy.clone();
    p.required_attributes.extend(EXPECTED);
    p.required_attributes.push(SubjectAttribute::CommonName);
    p
}

/// Checks a CSR's subject against the defaults (see the module documentation).
pub(crate) fn check(
    policy: &SubjectPolicy,
    subject: &Name,
    target: &Target<'_>,
    findings: &mut Findings<'_>,
) {
    let describe = target.describe;
    let example = example_policy(policy);
    let defaults = policy.required_attributes.is_empty();

    if defaults && !present(subject, SubjectAttribute::CommonName) && policy.common_names.is_empty()
    {
        findings.add(
            Code::SubjectMissingAttribute,
            target.index,
            format!(
                "{describe} has no CN (commonName) in its subject; every onboarding guide requires one"
            ),
            target.redo(&example, "with a CN (the name your platform asks for)"),
        );
    }

    let missing: Vec<&str> = EXPECTED
        .iter()
        .filter(|&&a| defaults && !present(subject, a))
        .map(|a| a.short_name())
        .collect();
    if !missing.is_empty() {
        findings.add_with_default(
            Code::SubjectMissingAttribute,
            Severity::Warning,
            target.index,
            format!(
                "{describe} has no {} in its subject; most platforms require C, ST and O",
                missing.join(", ")
            ),
            target.redo(
                &example,
                &format!("with {} in the subject", missing.join(", ")),
            ),
        );
    }

    let mut placeholders: Vec<String> = Vec::new();
    for attr in SubjectAttribute::ALL {
        for value in values_of(subject, attr.oid()).into_iter().flatten() {
            let value = value.trim();
            let placeholder = value == KEYTOOL_UNKNOWN
                || PLACEHOLDERS
                    .iter()
                    .any(|&(a, p)| a == attr && value.eq_ignore_ascii_case(p));
            if placeholder {
                placeholders.push(format!("{}={value}", attr.short_name()));
            }
        }
    }
    if !placeholders.is_empty() {
        findings.add(
            Code::SubjectPlaceholderValue,
            target.index,
            format!(
                "{describe} has placeholder values in its subject: {}; they are what `openssl req` or `keytool` fill in when a prompt is answered with Enter",
                placeholders.join(", ")
            ),
            target.redo(&example, "with your organisation's real values"),
        );
    }
}
