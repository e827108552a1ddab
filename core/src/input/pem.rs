//! Splits PEM text into blocks and the text between them (RFC 7468), tolerant of CRLF,
//! leading/trailing whitespace and explanatory text; decoding of each block's base64 is
//! left to `pem-rfc7468`, which is strict.

/// One `-----BEGIN X-----` ... `-----END Y-----` block, or the start of one that never
/// ended.
#[derive(Debug, Clone)]
pub(crate) struct Block<'a> {
    /// The BEGIN label.
    pub(crate) label: String,
    /// 1-based line of the BEGIN boundary.
    pub(crate) first_line: usize,
    /// 1-based line of the END boundary (or the last line read).
    pub(crate) last_line: usize,
    /// The bytes from the BEGIN line to the end of the END line.
    pub(crate) raw: &'a [u8],
    /// Why the framing is broken, if it is.
    pub(crate) framing_error: Option<String>,
}

/// A run of non-blank lines outside any block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Text {
    pub(crate) first_line: usize,
    pub(crate) last_line: usize,
}

/// What the splitter found, in order.
#[derive(Debug, Clone)]
pub(crate) enum Item<'a> {
    Block(Block<'a>),
    Text(Text),
}

const BEGIN: &[u8] = b"-----BEGIN";
const END: &[u8] = b"-----END";
const DASHES: &[u8] = b"-----";

/// Parses a boundary line's label: `Ok(label)` when the line is exactly
/// `-----BEGIN label-----` (or END), `Err(label as far as it can be read)` otherwise.
fn boundary_label(line: &[u8], keyword: &[u8]) -> Result<String, String> {
    let rest = &line[keyword.len()..];
    let loose = || {
        let s = String::from_utf8_lossy(rest);
        s.trim_matches(|c: char| c == '-' || c.is_whitespace())
            .to_owned()
    };
    let Some(inner) = rest.strip_suffix(DASHES) else {
        return Err(loose());
    };
    let Some(label) = inner.strip_prefix(b" ") else {
        // `-----BEGIN-----` has an empty label, which RFC 7468 allows.
        return if inner.is_empty() {
            Ok(String::new())
        } else {
            Err(loose())
        };
    };
    // RFC 7468 section 3: labels are printable ASCII without leading, trailing or
    // doubled spaces and without hyphens at either end.
    let valid = !label.is_empty()
        && label.iter().all(|&b| (0x20..0x7f).contains(&b))
        && !label.starts_with(b" ")
        && !label.ends_with(b" ")
        && !label.starts_with(b"-")
        && !label.ends_with(b"-")
        && !label.windows(2).any(|w| w == b"  ");
    let text = String::from_utf8_lossy(label).into_owned();
    if valid { Ok(text) } else { Err(text) }
}

/// Splits `input` into blocks and text runs.
pub(crate) fn split(input: &[u8]) -> Vec<Item<'_>> {
    let mut items = Vec::new();
    let mut open: Option<(Block<'_>, usize)> = None; // block, byte offset of its BEGIN line
    let mut text: Option<Text> = None;
    let mut offset = 0usize;

    for (i, raw_line) in input.split(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        let line_start = offset;
        offset += raw_line.len() + 1;
        let line_end = (line_start + raw_line.len()).min(input.len());
        let line = raw_line.trim_ascii();

        if line.starts_with(BEGIN) {
            if let Some(t) = text.take() {
                items.push(Item::Text(t));
            }
            if let Some((mut block, start)) = open.take() {
                block.framing_error = Some(format!(
                    "the block that starts at line {} has no END line before the next BEGIN at line {line_no}",
                    block.first_line
                ));
                block.raw = &input[start..line_start];
                items.push(Item::Block(block));
            }
            let (label, framing_error) = match boundary_label(line, BEGIN) {
                Ok(l) => (l, None),
                Err(l) => (
                    l,
                    Some(format!(
                        "line {line_no} is not a well-formed `-----BEGIN LABEL-----` line"
                    )),
                ),
            };
            open = Some((
                Block {
                    label,
                    first_line: line_no,
                    last_line: line_no,
                    raw: &[],
                    framing_error,
                },
                line_start,
            ));
            continue;
        }

        if let Some((block, start)) = open.as_mut() {
            block.last_line = line_no;
            if line.starts_with(END) {
                match boundary_label(line, END) {
                    Ok(end_label) if end_label == block.label => {}
                    Ok(end_label) => {
                        block.framing_error.get_or_insert(format!(
                            "BEGIN {} at line {} does not match END {end_label} at line {line_no}",
                            block.label, block.first_line
                        ));
                    }
                    Err(_) => {
                        block.framing_error.get_or_insert(format!(
                            "line {line_no} is not a well-formed `-----END LABEL-----` line"
                        ));
                    }
                }
                block.raw = &input[*start..line_end];
                if let Some((block, _)) = open.take() {
                    items.push(Item::Block(block));
                }
            }
            continue;
        }

        if line.is_empty() {
            if let Some(t) = text.take() {
                items.push(Item::Text(t));
            }
        } else {
            match text.as_mut() {
                Some(t) => t.last_line = line_no,
                None => {
                    text = Some(Text {
                        first_line: line_no,
                        last_line: line_no,
                    })
                }
            }
        }
    }

    if let Some(t) = text.take() {
        items.push(Item::Text(t));
    }
    if let Some((mut block, start)) = open.take() {
        block.framing_error.get_or_insert(format!(
            "the block that starts at line {} is truncated: no END line",
            block.first_line
        ));
        block.raw = &input[start..];
        items.push(Item::Block(block));
    }
    items
}

/// Decodes a certificate-like block's base64 with pem-rfc7468. Well-formed blocks
/// (64-column lines, LF or CRLF) decode in place; others are re-framed first (whitespace
/// trimmed, lines re-wrapped) so only genuine base64 errors fail.
pub(crate) fn decode(block: &Block<'_>) -> Result<Vec<u8>, String> {
    if let Ok((_, der)) = pem_rfc7468::decode_vec(block.raw) {
        return Ok(der);
    }
    let mut body = Vec::with_capacity(block.raw.len());
    let mut lines = block.raw.split(|&b| b == b'\n').map(<[u8]>::trim_ascii);
    lines.next(); // BEGIN
    for line in lines {
        if line.starts_with(END) {
            break;
        }
        if line.contains(&b':') {
            return Err(format!(
                "encapsulated headers such as `{}` are not allowed in a certificate block",
                String::from_utf8_lossy(line.split(|&b| b == b':').next().unwrap_or_default())
            ));
        }
        body.extend(line.iter().filter(|b| !b.is_ascii_whitespace()));
    }
    let mut doc = Vec::with_capacity(body.len() + body.len() / 64 + 64);
    doc.extend_from_slice(b"-----BEGIN ");
    doc.extend_from_slice(block.label.as_bytes());
    doc.extend_from_slice(b"-----\n");
    for chunk in body.chunks(64) {
        doc.extend_from_slice(chunk);
        doc.push(b'\n');
    }
    doc.extend_from_slice(b"-----END ");
    doc.extend_from_slice(block.label.as_bytes());
    doc.extend_from_slice(b"-----\n");
    pem_rfc7468::decode_vec(&doc)
        .map(|(_, der)| der)
        .map_err(|e| match e {
            pem_rfc7468::Error::Base64(_) => "the base64 text is invalid".to_owned(),
            other => format!("the block does not decode: {other}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_rfc7468() {
        assert_eq!(
            boundary_label(b"-----BEGIN CERTIFICATE-----", BEGIN),
            Ok("CERTIFICATE".into())
        );
        assert!(boundary_label(b"-----BEGIN CERTIFICATE----", BEGIN).is_err());
        assert!(boundary_label(b"-----BEGIN  CERTIFICATE-----", BEGIN).is_err());
        assert!(boundary_label(b"-----BEGIN CERT  X-----", BEGIN).is_err());
        assert_eq!(
            boundary_label(b"-----END X509 CRL-----", END),
            Ok("X509 CRL".into())
        );
    }

    #[test]
    fn splits_blocks_text_and_truncation() {
        let input = b"hello\nworld\n\n-----BEGIN A-----\nQUJD\n-----END A-----\ntrailer\n-----BEGIN B-----\nQUJD\n";
        let items = split(input);
        assert_eq!(items.len(), 4, "{items:?}");
        assert!(matches!(
            items[0],
            Item::Text(Text {
                first_line: 1,
                last_line: 2
            })
        ));
        match &items[1] {
            Item::Block(b) => {
                assert_eq!(b.label, "A");
                assert_eq!((b.first_line, b.last_line), (4, 6));
                assert!(b.framing_error.is_none());
                assert!(b.raw.ends_with(b"-----END A-----"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            items[2],
            Item::Text(Text {
                first_line: 7,
                last_line: 7
            })
        ));
        match &items[3] {
            Item::Block(b) => assert!(
                b.framing_error
                    .as_deref()
                    .unwrap_or("")
                    .contains("truncated")
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mismatched_end_label_is_a_framing_error() {
        let items =
            split(b"-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE REQUEST-----\n");
        match &items[0] {
            Item::Block(b) => assert!(
                b.framing_error
                    .as_deref()
                    .unwrap_or("")
                    .contains("does not match")
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn decode_tolerates_whitespace_and_odd_wrapping_but_not_bad_base64() {
        let ok = b"  -----BEGIN X-----  \r\nQUJD  \r\nREVG\r\n-----END X-----\r\n";
        let items = split(ok);
        let Item::Block(b) = &items[0] else { panic!() };
        assert_eq!(decode(b).unwrap(), b"ABCDEF");

        let bad = b"-----BEGIN X-----\nQU*D\n-----END X-----\n";
        let items = split(bad);
        let Item::Block(b) = &items[0] else { panic!() };
        assert!(decode(b).is_err());
    }
}
