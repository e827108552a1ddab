//! Subject policy: required subject attributes, the expected common name, allowed
//! subjectAltName DNS names and ISO 3166-1 country codes. One policy for the leaf of a
//! bundle and for a CSR (`crate::csr`), so what a client checks before sending a CSR is
//! what the gateway checks on the certificate that comes back.

mod countries;
pub(crate) mod defaults;

use const_oid::ObjectIdentifier;
use der::asn1::{
    Any, BmpString, Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef,
};
use der::{Tag, Tagged};
use x509_cert::name::Name;

use super::Context;
use crate::code::Code;
use crate::findings::Findings;
use crate::policy::subject::{SubjectAttribute, SubjectPolicy};

/// What is being checked: the leaf certificate or a CSR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    /// The leaf of a bundle: fixing it means a new certificate.
    Certificate,
    /// A CSR: fixing it means a new CSR.
    Csr,
}

/// The subject to check and how findings name it.
pub(crate) struct Target<'a> {
    pub(crate) kind: Subject,
    /// Certificate index for findings (`None` for a CSR).
    pub(crate) index: Option<usize>,
    /// How messages name it, as the subject of "... has ...": `the CSR (CN=...)` or
    /// `the leaf, certificate 0 (CN=...),`.
    pub(crate) describe: &'a str,
}

impl Target<'_> {
    fn redo(&self, policy: &SubjectPolicy, what: &str) -> String {
        let subj = policy.example_subj();
        match self.kind {
            Subject::Certificate => format!(
                "Request a new certificate {what}: make a new CSR, e.g. `openssl req -new -key client.key -subj '{subj}' -out client.csr`, and have it signed."
            ),
            Subject::Csr => format!(
                "Create the CSR again {what}, e.g. `openssl req -new -key client.key -subj '{subj}' -out client.csr`."
            ),
        }
    }
}

pub(super) fn check(ctx: &mut Context<'_, '_>) {
    let policy = &ctx.policy.subject;
    if policy.is_off() {
        return;
    }
    let Some(leaf) = ctx.chain.leaf else { return };
    let Ok(cert) = &ctx.slots[leaf] else { return };
    // The trailing comma closes the appositive: "the leaf, certificate 0 (...), has".
    let describe = format!("the leaf, {},", cert.describe(leaf));
    let target = Target {
        kind: Subject::Certificate,
        index: Some(leaf),
        describe: &describe,
    };
    check_subject(
        policy,
        cert.subject(),
        &cert.extensions().dns_names,
        &target,
        ctx.findings,
    );
}

/// The values of every attribute of type `oid`, as text (`None` for a value that is not
/// a string type).
fn values_of(name: &Name, oid: ObjectIdentifier) -> Vec<Option<String>> {
    name.iter()
        .filter(|atv| atv.oid == oid)
        .map(|atv| text_of(&atv.value))
        .collect()
}

fn text_of(value: &Any) -> Option<String> {
    let s = match value.tag() {
        Tag::PrintableString => PrintableStringRef::try_from(value)
            .ok()?
            .as_str()
            .to_owned(),
        Tag::Utf8String => Utf8StringRef::try_from(value).ok()?.as_str().to_owned(),
        Tag::Ia5String => Ia5StringRef::try_from(value).ok()?.as_str().to_owned(),
        Tag::TeletexString => TeletexStringRef::try_from(value).ok()?.as_str().to_owned(),
        Tag::BmpString => value.decode_as::<BmpString>().ok()?.to_string(),
        _ => return None,
    };
    Some(s)
}

/// Checks a subject name and its SAN DNS names against the subject policy.
pub(crate) fn check_subject(
    policy: &SubjectPolicy,
    subject: &Name,
    dns_names: &[String],
    target: &Target<'_>,
    findings: &mut Findings<'_>,
) {
    let (index, describe) = (target.index, target.describe);

    let mut missing = Vec::new();
    for &attr in &policy.required_attributes {
        if missing.contains(&attr) {
            continue;
        }
        let values = values_of(subject, attr.oid());
        let present = values
            .iter()
            .any(|v| v.as_deref().is_none_or(|s| !s.trim().is_empty()));
        if !present {
            missing.push(attr);
            let how = if values.is_empty() { "no" } else { "an empty" };
            findings.add(
                Code::SubjectMissingAttribute,
                index,
                format!(
                    "{describe} has {how} {} ({}) in its subject; the policy requires it",
                    attr.short_name(),
                    attr.long_name()
                ),
                target.redo(
                    policy,
                    &format!("with {} in the subject", attr.short_name()),
                ),
            );
        }
    }

    if !policy.common_names.is_empty() {
        let expected = expected_list(&policy.common_names);
        let cns = values_of(subject, SubjectAttribute::CommonName.oid());
        if cns.is_empty() && !missing.contains(&SubjectAttribute::CommonName) {
            findings.add(
                Code::SubjectMissingAttribute,
                index,
                format!("{describe} has no CN (commonName) in its subject; the policy expects {expected}"),
                target.redo(policy, "with the expected CN"),
            );
        }
        for cn in cns {
            let ok = cn
                .as_deref()
                .is_some_and(|cn| policy.common_names.iter().any(|p| matches(p, cn)));
            if !ok {
                findings.add(
                    Code::SubjectCnMismatch,
                    index,
                    format!(
                        "{describe} has CN {}; the policy expects {expected}",
                        shown(cn.as_deref())
                    ),
                    target.redo(policy, "with the expected CN"),
                );
            }
        }
    }

    if policy.check_country {
        for c in values_of(subject, SubjectAttribute::Country.oid()) {
            let Some(reason) = country_problem(c.as_deref()) else {
                continue;
            };
            findings.add(
                Code::SubjectCountryInvalid,
                index,
                format!("{describe} has C {}: {reason}", shown(c.as_deref())),
                target.redo(
                    policy,
                    "with C set to your country's two-letter ISO 3166-1 code (DE, FR, GB, US, ...)",
                ),
            );
        }
    }

    if !policy.dns_names.is_empty() {
        let expected = expected_list(&policy.dns_names);
        for name in dns_names {
            if !policy.dns_names.iter().any(|p| matches(p, name)) {
                findings.add(
                    Code::SubjectDnsNameNotAllowed,
                    index,
                    format!(
                        "{describe} has the subjectAltName DNS name `{name}`; the policy allows {expected}"
                    ),
                    match target.kind {
                        Subject::Certificate => "Request a new certificate whose subjectAltName lists only the allowed DNS names.",
                        Subject::Csr => "Create the CSR again with only the allowed DNS names in its subjectAltName (`-addext subjectAltName=DNS:...`).",
                    },
                );
            }
        }
    }
}

fn shown(value: Option<&str>) -> String {
    match value {
        Some(v) => format!("`{v}`"),
        None => "a value that is not a string".to_owned(),
    }
}

fn expected_list(patterns: &[String]) -> String {
    let quoted: Vec<String> = patterns.iter().map(|p| format!("`{p}`")).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

/// Why a C value is not an assigned ISO 3166-1 alpha-2 code, or `None` if it is one.
fn country_problem(value: Option<&str>) -> Option<String> {
    let Some(value) = value else {
        return Some("it is not a PrintableString".to_owned());
    };
    if countries::is_assigned(value) {
        return None;
    }
    let upper = value.to_ascii_uppercase();
    if let Some(code) = countries::usual_replacement(&upper) {
        return Some(format!(
            "`{upper}` is reserved, not an assigned ISO 3166-1 alpha-2 code; the code is `{code}`"
        ));
    }
    if countries::is_assigned(&upper) {
        return Some(format!(
            "ISO 3166-1 alpha-2 codes are upper case: `{upper}`"
        ));
    }
    if value.len() != 2 {
        return Some(format!(
            "an ISO 3166-1 alpha-2 code has two letters, not {}",
            value.chars().count()
        ));
    }
    Some("it is not an assigned ISO 3166-1 alpha-2 code".to_owned())
}

/// Whether `value` matches `pattern`, ignoring ASCII case, where `*` in the pattern
/// stands for one or more characters other than `.`. Runs in O(pattern x value) time
/// whatever the input, since values come from untrusted certificates.
pub(crate) fn matches(pattern: &str, value: &str) -> bool {
    let (p, v) = (pattern.as_bytes(), value.as_bytes());
    // row[j]: the pattern so far matches v[..j].
    let mut row = vec![false; v.len() + 1];
    row[0] = true;
    let mut next = vec![false; v.len() + 1];
    for &pc in p {
        next[0] = false;
        for j in 1..=v.len() {
            let vc = v[j - 1];
            next[j] = if pc == b'*' {
                vc != b'.' && (row[j - 1] || next[j - 1])
            } else {
                row[j - 1] && pc.eq_ignore_ascii_case(&vc)
            };
        }
        core::mem::swap(&mut row, &mut next);
    }
    row[v.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(matches("api.example.com", "API.Example.com"));
        assert!(!matches("api.example.com", "api.example.co"));
        assert!(matches("*.example.com", "a.example.com"));
        assert!(!matches("*.example.com", "a.b.example.com"));
        assert!(!matches("*.example.com", "example.com"));
        assert!(!matches("*.example.com", ".example.com"));
        assert!(matches("api.*.payrails.io", "api.acme.payrails.io"));
        assert!(matches(
            "*-api.staging.payrails.io",
            "acme-api.staging.payrails.io"
        ));
        assert!(!matches(
            "*-api.staging.payrails.io",
            "-api.staging.payrails.io"
        ));
        assert!(matches("client-*-*", "client-a-b"));
        assert!(!matches("", "x"));
        assert!(matches("", ""));
        // Many stars against a long value stays polynomial.
        let long = "a".repeat(5000);
        assert!(!matches(&"*a".repeat(40).replace("a", "b"), &long));
    }

    #[test]
    fn country_messages() {
        assert_eq!(country_problem(Some("DE")), None);
        assert!(country_problem(Some("de")).unwrap().contains("`DE`"));
        assert!(country_problem(Some("UK")).unwrap().contains("`GB`"));
        assert!(
            country_problem(Some("DEU"))
                .unwrap()
                .contains("two letters")
        );
        assert!(
            country_problem(Some("XX"))
                .unwrap()
                .contains("not an assigned")
        );
        assert!(country_problem(None).is_some());
    }

    #[test]
    fn example_subject_covers_required_attributes() {
        let p = SubjectPolicy {
            required_attributes: vec![SubjectAttribute::Country, SubjectAttribute::Organization],
            common_names: vec!["api.*.payrails.io".into()],
            ..SubjectPolicy::default()
        };
        assert_eq!(
            p.example_subj(),
            "/C=DE/O=Example GmbH/CN=api.example.payrails.io"
        );
        assert!(!p.is_off());
        assert!(SubjectPolicy::default().is_off());
    }
}
