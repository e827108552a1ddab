//! Name constraints, RFC 5280 4.2.1.10 and 6.1.3 (b), (c), 6.1.4 (g).
//!
//! The state keeps every nameConstraints extension seen on the path (the trust
//! anchor's, when it has one, first) instead of computing the intersection of permitted
//! subtrees: a name is within `permitted_subtrees` exactly when, for every extension
//! that permits some subtrees of the name's form, it lies in one of them; it is within
//! `excluded_subtrees` when any extension excludes a subtree containing it. That is the
//! same set as 6.1.4 (g)'s intersection and union, without the set algebra on
//! patterns.
//!
//! Forms processed: dNSName, rfc822Name (and the subject's emailAddress attributes when
//! there is no subjectAltName), iPAddress, directoryName and uniformResourceIdentifier.
//! A constraint on another form (otherName, ediPartyName, registeredID) cannot be
//! processed: a certificate that carries a name of that form is refused, as 4.2.1.10
//! requires of a critical constraint on a form the application does not process.

use x509_cert::ext::pkix::NameConstraints;
use x509_cert::ext::pkix::name::GeneralName;

use super::PathError;
use super::build::Budget;
use super::extensions::{Names, name_content};
use crate::certificate::name_match::names_match;

/// The subtrees of one nameConstraints extension, decoded for matching.
#[derive(Debug, Clone, Default)]
pub(crate) struct Subtrees {
    permitted: Vec<Base>,
    excluded: Vec<Base>,
}

/// One GeneralSubtree's base, in the form it is compared in.
#[derive(Debug, Clone)]
enum Base {
    Dns(String),
    Email(String),
    Uri(String),
    /// Address and mask, 4 + 4 or 16 + 16 octets.
    Ip(Vec<u8>, Vec<u8>),
    /// RDNSequence content octets.
    Directory(Vec<u8>),
    /// A form that is not processed, by its GeneralName tag number.
    Other(u8),
}

impl Base {
    fn form(&self) -> u8 {
        match self {
            Base::Email(_) => 1,
            Base::Dns(_) => 2,
            Base::Directory(_) => 4,
            Base::Uri(_) => 6,
            Base::Ip(..) => 7,
            Base::Other(tag) => *tag,
        }
    }
}

/// The GeneralName tag number of a name's form.
fn form_of(name: &GeneralName) -> u8 {
    match name {
        GeneralName::OtherName(_) => 0,
        GeneralName::Rfc822Name(_) => 1,
        GeneralName::DnsName(_) => 2,
        GeneralName::DirectoryName(_) => 4,
        GeneralName::EdiPartyName(_) => 5,
        GeneralName::UniformResourceIdentifier(_) => 6,
        GeneralName::IpAddress(_) => 7,
        GeneralName::RegisteredId(_) => 8,
    }
}

impl Subtrees {
    /// Decodes an extension; 4.2.1.10: minimum MUST be zero and maximum absent, and an
    /// iPAddress constraint is an address with a contiguous mask.
    pub(crate) fn new(nc: &NameConstraints) -> Result<Subtrees, PathError> {
        let mut out = Subtrees::default();
        for (list, into) in [
            (&nc.permitted_subtrees, &mut out.permitted),
            (&nc.excluded_subtrees, &mut out.excluded),
        ] {
            for subtree in list.iter().flatten() {
                if subtree.minimum != 0 || subtree.maximum.is_some() {
                    return Err(PathError::Malformed(
                        "nameConstraints uses minimum or maximum, which RFC 5280 4.2.1.10 forbids"
                            .to_owned(),
                    ));
                }
                into.push(base(&subtree.base)?);
            }
        }
        // 4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints
        // is an empty sequence."
        if out.permitted.is_empty() && out.excluded.is_empty() {
            return Err(PathError::Malformed("nameConstraints is empty".to_owned()));
        }
        Ok(out)
    }
}

fn base(name: &GeneralName) -> Result<Base, PathError> {
    Ok(match name {
        GeneralName::DnsName(s) => Base::Dns(s.to_string().to_ascii_lowercase()),
        GeneralName::Rfc822Name(s) => Base::Email(s.to_string()),
        GeneralName::UniformResourceIdentifier(s) => Base::Uri(s.to_string().to_ascii_lowercase()),
        GeneralName::IpAddress(o) => {
            let b = o.as_bytes();
            if (b.len() != 8 && b.len() != 32) || !contiguous(&b[b.len() / 2..]) {
                return Err(PathError::Malformed(
                    "an iPAddress name constraint is not an address with a contiguous mask"
                        .to_owned(),
                ));
            }
            let (addr, mask) = b.split_at(b.len() / 2);
            Base::Ip(addr.to_vec(), mask.to_vec())
        }
        GeneralName::DirectoryName(n) => Base::Directory(
            name_content(n)
                .ok_or_else(|| PathError::Malformed("a directoryName constraint".to_owned()))?,
        ),
        other => Base::Other(form_of(other)),
    })
}

/// Whether a mask is some one bits followed only by zero bits (CIDR).
fn contiguous(mask: &[u8]) -> bool {
    let mut zero_seen = false;
    for byte in mask {
        for bit in (0..8).rev() {
            let one = byte >> bit & 1 == 1;
            if one && zero_seen {
                return false;
            }
            zero_seen |= !one;
        }
    }
    true
}

/// A name of the certificate under test, in comparable form.
enum Subject<'a> {
    Dns(String),
    Email(&'a str),
    Uri(String),
    Ip(&'a [u8]),
    Directory(&'a [u8]),
    /// A directoryName from the subjectAltName, re-encoded for comparison.
    OwnedDirectory(Vec<u8>),
    Other(u8),
}

impl Subject<'_> {
    fn form(&self) -> u8 {
        match self {
            Subject::Email(_) => 1,
            Subject::Dns(_) => 2,
            Subject::Directory(_) | Subject::OwnedDirectory(_) => 4,
            Subject::Uri(_) => 6,
            Subject::Ip(_) => 7,
            Subject::Other(tag) => *tag,
        }
    }

    fn describe(&self) -> String {
        match self {
            Subject::Dns(s) => format!("DNS name {s}"),
            Subject::Email(s) => format!("email address {s}"),
            Subject::Uri(s) => format!("URI {s}"),
            Subject::Ip(b) => match <[u8; 4]>::try_from(*b) {
                Ok(v4) => format!("IP address {}", std::net::Ipv4Addr::from(v4)),
                Err(_) => match <[u8; 16]>::try_from(*b) {
                    Ok(v6) => format!("IP address {}", std::net::Ipv6Addr::from(v6)),
                    Err(_) => "a malformed IP address".to_owned(),
                },
            },
            Subject::Directory(_) => "its subject name".to_owned(),
            Subject::OwnedDirectory(_) => "a directoryName in its subjectAltName".to_owned(),
            Subject::Other(tag) => format!("a subjectAltName of form [{tag}]"),
        }
    }
}

/// 6.1.3 (b) and (c): every name of the certificate lies within the permitted subtrees
/// and outside the excluded subtrees of every extension in `sets`. Each comparison is
/// paid from `budget`.
pub(crate) fn check(
    names: &Names,
    sets: &[Subtrees],
    budget: &mut Budget,
) -> Result<(), PathError> {
    if sets.is_empty() {
        return Ok(());
    }
    let mut subjects: Vec<Subject<'_>> = Vec::new();
    // The subject: an empty one has no directoryName to constrain.
    if !names.subject.is_empty() {
        subjects.push(Subject::Directory(&names.subject));
    }
    // 4.2.1.10: with no subjectAltName, rfc822Name constraints apply to the subject's
    // emailAddress attributes.
    if !names.has_san {
        subjects.extend(names.subject_emails.iter().map(|e| Subject::Email(e)));
    }
    for n in &names.san {
        subjects.push(match n {
            GeneralName::DnsName(d) => Subject::Dns(d.to_string().to_ascii_lowercase()),
            GeneralName::UniformResourceIdentifier(u) => Subject::Uri(u.to_string()),
            GeneralName::Rfc822Name(e) => Subject::Email(e.as_str()),
            GeneralName::IpAddress(o) => Subject::Ip(o.as_bytes()),
            GeneralName::DirectoryName(d) => match name_content(d) {
                Some(content) => Subject::OwnedDirectory(content),
                None => Subject::Other(4),
            },
            other => Subject::Other(form_of(other)),
        });
    }
    for subject in &subjects {
        for set in sets {
            within_permitted(subject, set, budget)?;
            outside_excluded(subject, set, budget)?;
        }
    }
    Ok(())
}

/// 6.1.3 (b) for one extension: a name of a form the extension permits must match one
/// permitted subtree of that form.
fn within_permitted(
    subject: &Subject<'_>,
    set: &Subtrees,
    budget: &mut Budget,
) -> Result<(), PathError> {
    let form = subject.form();
    let mut constrained = false;
    for base in set.permitted.iter().filter(|b| b.form() == form) {
        constrained = true;
        budget.name_comparison()?;
        if matches(subject, base, false)? {
            return Ok(());
        }
    }
    if constrained {
        return Err(PathError::NameConstraint(format!(
            "{} is not within any permitted subtree",
            subject.describe()
        )));
    }
    Ok(())
}

/// 6.1.3 (c) for one extension.
fn outside_excluded(
    subject: &Subject<'_>,
    set: &Subtrees,
    budget: &mut Budget,
) -> Result<(), PathError> {
    let form = subject.form();
    for base in set.excluded.iter().filter(|b| b.form() == form) {
        budget.name_comparison()?;
        if matches(subject, base, true)? {
            return Err(PathError::NameConstraint(format!(
                "{} is within an excluded subtree",
                subject.describe()
            )));
        }
    }
    Ok(())
}

/// Whether `subject` lies in the subtree `base` (both of the same form). For excluded
/// subtrees a wildcard DNS name counts as every name it stands for.
fn matches(subject: &Subject<'_>, base: &Base, excluded: bool) -> Result<bool, PathError> {
    Ok(match (subject, base) {
        (Subject::Dns(name), Base::Dns(c)) => {
            dns_within(name, c) || (excluded && wildcard_reaches(name, c))
        }
        (Subject::Email(mail), Base::Email(c)) => email_within(mail, c),
        (Subject::Uri(uri), Base::Uri(c)) => match uri_host(uri) {
            Some(host) => host_within(&host, c),
            // 4.2.1.10 constrains the host part; a URI without a host name cannot be shown
            // to be inside a permitted subtree, and is treated as inside an excluded one.
            None => excluded,
        },
        (Subject::Ip(addr), Base::Ip(net, mask)) => ip_within(addr, net, mask),
        (Subject::Directory(name), Base::Directory(c)) => directory_within(name, c),
        (Subject::OwnedDirectory(name), Base::Directory(c)) => directory_within(name, c),
        (Subject::Other(_), Base::Other(_)) => {
            return Err(PathError::NameConstraint(format!(
                "{} is constrained by a name form chainvet does not process (RFC 5280 4.2.1.10)",
                subject.describe()
            )));
        }
        _ => false,
    })
}

/// dNSName (4.2.1.10): any name formed by adding zero or more labels to the left of the
/// constraint; a constraint with a leading period means strictly below it; the empty
/// constraint holds every name. Comparison ignores ASCII case (both are lowered).
fn dns_within(name: &str, constraint: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    let constraint = constraint.strip_suffix('.').unwrap_or(constraint);
    if constraint.is_empty() {
        return true;
    }
    if let Some(suffix) = constraint.strip_prefix('.') {
        return name.len() > suffix.len() + 1
            && name.ends_with(suffix)
            && name.as_bytes()[name.len() - suffix.len() - 1] == b'.';
    }
    name == constraint
        || (name.len() > constraint.len()
            && name.ends_with(constraint)
            && name.as_bytes()[name.len() - constraint.len() - 1] == b'.')
}

/// A wildcard name `*.D` stands for every `x.D`: it reaches into an excluded subtree
/// `C` when C is one label below D (or deeper, via the leading-period form).
fn wildcard_reaches(name: &str, constraint: &str) -> bool {
    let Some(domain) = name.strip_prefix("*.") else {
        return false;
    };
    let c = constraint.strip_prefix('.').unwrap_or(constraint);
    match c.split_once('.') {
        Some((_, parent)) => parent == domain,
        None => false,
    }
}

/// rfc822Name (4.2.1.10): a constraint with `@` is one mailbox; a host name holds every
/// mailbox on that host; a leading period holds every mailbox on hosts below the
/// domain. Local parts compare exactly, domains without ASCII case.
fn email_within(mail: &str, constraint: &str) -> bool {
    let Some((local, host)) = mail.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || host.is_empty() {
        return false;
    }
    if let Some((c_local, c_host)) = constraint.rsplit_once('@') {
        return local == c_local && host.eq_ignore_ascii_case(c_host);
    }
    host_within(&host.to_ascii_lowercase(), &constraint.to_ascii_lowercase())
}

/// A host against a URI or mailbox host constraint: equal, or with a leading period,
/// strictly below it.
fn host_within(host: &str, constraint: &str) -> bool {
    let host = host.to_ascii_lowercase();
    match constraint.strip_prefix('.') {
        Some(suffix) => {
            host.len() > suffix.len() + 1
                && host.ends_with(suffix)
                && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
        }
        None => host == constraint,
    }
}

/// The host of a URI (RFC 3986 authority without userinfo and port), when it is a
/// domain name; `None` for URIs without an authority and for IP literals.
fn uri_host(uri: &str) -> Option<String> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return None;
    }
    let host = host_port.split(':').next()?;
    if host.is_empty() || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

/// iPAddress (4.2.1.10): same family, and equal under the mask.
fn ip_within(addr: &[u8], net: &[u8], mask: &[u8]) -> bool {
    addr.len() == net.len()
        && addr
            .iter()
            .zip(net)
            .zip(mask)
            .all(|((a, n), m)| a & m == n & m)
}

/// directoryName (4.2.1.10, 7.1): the name starts with the constraint's RDNs, each
/// compared as RFC 5280 7.1 says. The first k RDNs of a name are a prefix of its
/// content octets, so the comparison is `names_match` on that prefix.
fn directory_within(name: &[u8], constraint: &[u8]) -> bool {
    let k = match rdn_ends(constraint) {
        Some(ends) => ends.len(),
        None => return false,
    };
    if k == 0 {
        return true;
    }
    let Some(ends) = rdn_ends(name) else {
        return false;
    };
    match ends.get(k - 1) {
        Some(&end) => names_match(&name[..end], constraint),
        None => false,
    }
}

/// The end offset of each RDN in an RDNSequence's content octets.
fn rdn_ends(content: &[u8]) -> Option<Vec<usize>> {
    let mut ends = Vec::new();
    let mut pos = 0;
    while pos < content.len() {
        let rest = &content[pos..];
        let mut reader = crate::der::Plain(rest);
        let (_, _, whole) = reader.next()?;
        pos += whole.len();
        ends.push(pos);
        if ends.len() > 64 {
            return None;
        }
    }
    Some(ends)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_subtrees_add_labels_on_the_left() {
        assert!(dns_within("example.com", "example.com"));
        assert!(dns_within("a.b.example.com", "example.com"));
        assert!(!dns_within("badexample.com", "example.com"));
        assert!(!dns_within("example.com", ".example.com"));
        assert!(dns_within("www.example.com", ".example.com"));
        assert!(dns_within("anything", ""));
        assert!(!dns_within("com", "example.com"));
        assert!(wildcard_reaches("*.example.com", "bad.example.com"));
        assert!(!wildcard_reaches("*.example.com", "example.com"));
    }

    #[test]
    fn mailboxes_hosts_and_domains() {
        assert!(email_within("alice@example.com", "alice@EXAMPLE.com"));
        assert!(!email_within("Alice@example.com", "alice@example.com"));
        assert!(email_within("bob@example.com", "example.com"));
        assert!(!email_within("bob@mail.example.com", "example.com"));
        assert!(email_within("bob@mail.example.com", ".example.com"));
        assert!(!email_within("bob@example.com", ".example.com"));
        assert!(!email_within("no-at-sign", "example.com"));
    }

    #[test]
    fn uri_hosts() {
        assert_eq!(
            uri_host("https://user@Host.Example.com:443/x").as_deref(),
            Some("host.example.com")
        );
        assert_eq!(uri_host("urn:isbn:123"), None);
        assert_eq!(uri_host("http://[::1]/"), None);
        assert_eq!(uri_host("http://10.0.0.1/"), None);
        assert!(host_within("host.example.com", ".example.com"));
        assert!(!host_within("host.example.com", "example.com"));
    }

    #[test]
    fn ip_masks() {
        assert!(contiguous(&[255, 255, 0, 0]));
        assert!(!contiguous(&[255, 0, 255, 0]));
        assert!(ip_within(&[10, 1, 2, 3], &[10, 0, 0, 0], &[255, 0, 0, 0]));
        assert!(!ip_within(&[11, 1, 2, 3], &[10, 0, 0, 0], &[255, 0, 0, 0]));
        assert!(!ip_within(&[10, 1, 2, 3], &[0; 16], &[0; 16]));
    }
}
