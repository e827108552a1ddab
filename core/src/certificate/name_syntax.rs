//! The syntax of names in certificates: DNS names in the preferred name syntax and
//! RFC 5321 mailboxes, as the conformance rules and trust-store mode's email matching
//! judge them.

/// RFC 1034 3.5 as amended by RFC 1123 2.1: letters, digits and inner hyphens, labels of
/// 1 to 63 octets; a leading `*.` wildcard label is allowed (RFC 6125 6.4.3).
pub(crate) fn is_preferred_dns_syntax(name: &str) -> bool {
    let name = name.strip_prefix("*.").unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// RFC 5321 Mailbox, simplified: one `@`, a non-empty local part of printable ASCII, and
/// a domain in the preferred name syntax.
pub(crate) fn is_mailbox(mail: &str) -> bool {
    match mail.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.bytes().all(|b| b.is_ascii_graphic() && b != b'@')
                && !domain.contains('@')
                && is_preferred_dns_syntax(domain)
                && !domain.starts_with("*.")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_and_mailbox_syntax() {
        for good in [
            "example.com",
            "*.example.com",
            "a-b.c0.example",
            "localhost",
        ] {
            assert!(is_preferred_dns_syntax(good), "{good}");
        }
        for bad in [
            "",
            ".example.com",
            "foo_bar.example.com",
            "-a.com",
            "a..b",
            "*",
            "a.*.b",
        ] {
            assert!(!is_preferred_dns_syntax(bad), "{bad}");
        }
        assert!(is_mailbox("user*@example.com"));
        assert!(!is_mailbox("invalid@address@example.com"));
        assert!(!is_mailbox("@example.com"));
        assert!(!is_mailbox("user@"));
    }
}
