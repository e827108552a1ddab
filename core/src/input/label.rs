//! PEM block labels as they may appear in a message: validated against RFC 7468 and
//! bounded before any of their text is shown. A label is attacker-written text (a key
//! pasted on one line has its whole body in the "label" of its BEGIN line), so anything
//! that fails these rules is named by a fixed description, never by its text.

/// The longest label shown. The longest label in RFC 7468 and common use ("ENCRYPTED
/// PRIVATE KEY", "PGP PRIVATE KEY BLOCK") is 21 characters.
pub(crate) const MAX_LABEL_LEN: usize = 64;

/// The longest run of characters between separators (space or hyphen). Real labels use
/// words of at most 11 ("CERTIFICATE"); 15 keeps any 16-character run of base64 (a
/// key's body pasted as a "label") out of every message.
const MAX_WORD_LEN: usize = 15;

/// What a label that may not be shown is called.
pub(crate) const UNREADABLE: &str = "a label that is not shown (not a valid RFC 7468 label)";

/// From RFC 7468 section 3:
/// > labelchar = %x21-2C / %x2E-7E ; any printable character, except hyphen-minus
fn is_labelchar(b: u8) -> bool {
    matches!(b, 0x21..=0x2c | 0x2e..=0x7e)
}

/// Whether `label` is a label this crate may show: RFC 7468 section 3's
/// > label = [ labelchar *( ["-" / SP] labelchar ) ]
///
/// at most `MAX_LABEL_LEN` bytes, and no word longer than `MAX_WORD_LEN`. The empty
/// label is valid (RFC 7468 allows it).
pub(crate) fn is_valid(label: &[u8]) -> bool {
    if label.len() > MAX_LABEL_LEN {
        return false;
    }
    let mut word = 0usize;
    let mut after_separator = true; // at the start, a separator is not allowed either
    for &b in label {
        if is_labelchar(b) {
            word += 1;
            if word > MAX_WORD_LEN {
                return false;
            }
            after_separator = false;
        } else if b == b' ' || b == b'-' {
            if after_separator {
                return false; // leading, doubled or mixed separators
            }
            word = 0;
            after_separator = true;
        } else {
            return false;
        }
    }
    label.is_empty() || !after_separator
}

/// The label as it may appear in a message: itself when valid, else `UNREADABLE`.
pub(crate) fn shown(label: &str) -> &str {
    if is_valid(label.as_bytes()) {
        label
    } else {
        UNREADABLE
    }
}

/// "a X509 CRL block", or a fixed phrase when the label may not be shown.
pub(crate) fn describe_block(label: &str) -> String {
    if is_valid(label.as_bytes()) {
        format!("a {label} block")
    } else {
        "a block whose label is not shown (not a valid RFC 7468 label)".to_owned()
    }
}

/// Whether a label names a private key, however it is spelt: case-insensitive, and
/// also when the label is malformed (a one-line key's "label" runs on into its body).
pub(crate) fn names_private_key(label: &str) -> bool {
    bytes_name_private_key(label.as_bytes())
}

/// `names_private_key` on bytes: "PRIVATE", then a space, an underscore or nothing,
/// then "KEY", in any case. One pass, no allocation (it runs for every `BEGIN` of an
/// input, which may hold 200,000 of them).
pub(crate) fn bytes_name_private_key(label: &[u8]) -> bool {
    let mut rest = label;
    while let Some(i) = rest.iter().position(|b| b.eq_ignore_ascii_case(&b'P')) {
        let after = &rest[i..];
        if after.len() >= 7 && after[..7].eq_ignore_ascii_case(b"PRIVATE") {
            let tail = &after[7..];
            let tail = match tail.first() {
                Some(b' ' | b'_') => &tail[1..],
                _ => tail,
            };
            if tail.len() >= 3 && tail[..3].eq_ignore_ascii_case(b"KEY") {
                return true;
            }
        }
        rest = &after[1..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7468_labels_are_valid() {
        for ok in [
            "CERTIFICATE",
            "X509 CRL",
            "ENCRYPTED PRIVATE KEY",
            "X.509 CERTIFICATE",
            "NEW CERTIFICATE REQUEST",
            "A-B",
            "",
            "private key",
        ] {
            assert!(is_valid(ok.as_bytes()), "{ok:?}");
            assert_eq!(shown(ok), ok);
        }
    }

    #[test]
    fn everything_else_is_not_shown() {
        let long_word = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC";
        let too_long = "AB ".repeat(30);
        for bad in [
            " CERTIFICATE",
            "CERTIFICATE ",
            "CERT  X",
            "CERT- X",
            "-CERT",
            "CERT-",
            "PRIVATE KEY-----\\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49",
            "PRIVATE KEY\u{7f}",
            "CERT\tX",
            "CERTIFICAT\u{e9}",
            long_word,
            too_long.trim_end(),
        ] {
            assert!(!is_valid(bad.as_bytes()), "{bad:?}");
            assert_eq!(shown(bad), UNREADABLE);
        }
    }

    #[test]
    fn private_key_labels_in_any_spelling() {
        for label in [
            "PRIVATE KEY",
            "private key",
            "Rsa Private Key",
            "ENCRYPTED PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
            "PRIVATE KEY-----\\nMIGH",
        ] {
            assert!(names_private_key(label), "{label}");
        }
        assert!(!names_private_key("PUBLIC KEY"));
        assert!(!names_private_key("CERTIFICATE"));
    }
}
