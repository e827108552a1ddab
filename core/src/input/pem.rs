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

    // Boundaries run together with other text on one line are read as lines of their own
    // (`shapes::report_joined` says so).
    for l in super::shapes::lines(input) {
        let line_no = l.number;
        let line_start = l.start;
        let line_end = (line_start + l.bytes.len()).min(input.len());
        let line = l.bytes.trim_ascii();

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
                            "BEGIN {} at line {} does not match END {} at line {line_no}",
                            super::label::shown(&block.label),
                            block.first_line,
                            super::label::shown(&end_label)
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
    if let Some(der) = decode_plain(block.raw) {
        return Ok(der);
    }
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
                super::label::shown(&String::from_utf8_lossy(
                    line.split(|&b| b == b':').next().unwrap_or_default()
                ))
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

/// Base64 alphabet values; `INVALID` for every other byte.
const INVALID: u8 = 0xff;
const BASE64: [u8; 256] = {
    let mut t = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The fast path for the overwhelmingly common block: lines of standard base64 (any
/// width, LF or CRLF), canonical padding, nothing else between the BEGIN and END lines.
/// Anything else returns `None` and goes to the strict decoder, which alone produces
/// error messages; whatever this accepts, that decoder would decode to the same bytes.
/// Not constant-time: certificates are public (private key blocks never get here).
fn decode_plain(raw: &[u8]) -> Option<Vec<u8>> {
    let mut lines = raw.split(|&b| b == b'\n');
    lines.next()?; // BEGIN
    let mut out = Vec::with_capacity(raw.len() / 4 * 3);
    // Sextets carried over a line break when a line's length is not a multiple of 4.
    let (mut acc, mut held) = (0u32, 0u32);
    let mut padded = false;
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.starts_with(b"-----END") {
            // An empty body is the strict decoder's to report.
            return (held == 0 && !out.is_empty()).then_some(out);
        }
        if padded {
            return None; // data after the padding
        }
        let mut i = 0;
        if held == 0 {
            // Whole quads straight into the output: four lookups and one validity test
            // per three bytes.
            let old = out.len();
            out.resize(old + line.len() / 4 * 3, 0);
            let mut done = 0;
            for (q, dst) in line.chunks_exact(4).zip(out[old..].chunks_exact_mut(3)) {
                let (a, b, c, d) = (
                    BASE64[usize::from(q[0])],
                    BASE64[usize::from(q[1])],
                    BASE64[usize::from(q[2])],
                    BASE64[usize::from(q[3])],
                );
                if (a | b | c | d) & 0xc0 != 0 {
                    break; // padding or an invalid byte: the careful loop decides
                }
                let n = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
                dst.copy_from_slice(&n.to_be_bytes()[1..]);
                done += 1;
            }
            out.truncate(old + done * 3);
            i = done * 4;
        }
        let mut bytes = line[i..].iter();
        while let Some(&ch) = bytes.next() {
            if ch == b'=' {
                // `xx==` or `xxx=` with zero leftover bits ends the data.
                let ok = match held {
                    2 => bytes.next() == Some(&b'=') && acc & 0xf == 0,
                    3 => acc & 0x3 == 0,
                    _ => false,
                };
                if !ok || bytes.next().is_some() {
                    return None;
                }
                if held == 2 {
                    out.push((acc >> 4) as u8);
                } else {
                    out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]);
                }
                (acc, held, padded) = (0, 0, true);
                break;
            }
            let v = BASE64[usize::from(ch)];
            if v == INVALID {
                return None;
            }
            acc = acc << 6 | u32::from(v);
            held += 1;
            if held == 4 {
                out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
                (acc, held) = (0, 0);
            }
        }
    }
    None // no END line
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

    /// The strict decoder alone (what `decode` falls back to).
    fn strict(raw: &[u8]) -> Option<Vec<u8>> {
        let items = split(raw);
        let Some(Item::Block(b)) = items.first() else {
            return None;
        };
        let mut copy = b.clone();
        copy.raw = raw;
        pem_rfc7468::decode_vec(raw)
            .map(|(_, d)| d)
            .ok()
            .or_else(|| {
                // the re-framing path, without the fast path in front
                let body: Vec<u8> = raw
                    .split(|&c| c == b'\n')
                    .skip(1)
                    .map(<[u8]>::trim_ascii)
                    .take_while(|l| !l.starts_with(END))
                    .flatten()
                    .copied()
                    .filter(|c| !c.is_ascii_whitespace())
                    .collect();
                let mut doc = b"-----BEGIN X-----\n".to_vec();
                for chunk in body.chunks(64) {
                    doc.extend_from_slice(chunk);
                    doc.push(b'\n');
                }
                doc.extend_from_slice(b"-----END X-----\n");
                pem_rfc7468::decode_vec(&doc).map(|(_, d)| d).ok()
            })
    }

    #[test]
    fn fast_path_agrees_with_the_strict_decoder() {
        let data: Vec<u8> = (0u16..700).map(|i| (i * 7 + i / 3) as u8).collect();
        assert_eq!(decode_plain(b"-----BEGIN X-----\n-----END X-----"), None);
        for len in [1usize, 2, 3, 4, 5, 47, 48, 49, 95, 96, 97, 400, 700] {
            let body = &data[..len];
            let pem = pem_rfc7468::encode_string("X", pem_rfc7468::LineEnding::LF, body).unwrap();
            let crlf =
                pem_rfc7468::encode_string("X", pem_rfc7468::LineEnding::CRLF, body).unwrap();
            for doc in [pem.clone(), crlf] {
                assert_eq!(
                    decode_plain(doc.trim_end().as_bytes()).as_deref(),
                    Some(body),
                    "{len}"
                );
            }
            // Other widths: the fast path takes them, with the strict decoder's result.
            let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
            for width in [1usize, 3, 5, 63, 76] {
                let mut doc = String::from("-----BEGIN X-----\n");
                for chunk in b64.as_bytes().chunks(width) {
                    doc.push_str(std::str::from_utf8(chunk).unwrap());
                    doc.push('\n');
                }
                doc.push_str("-----END X-----");
                let fast = decode_plain(doc.as_bytes());
                assert_eq!(strict(doc.as_bytes()).as_deref(), Some(body));
                // Declined only when the padding is split over lines.
                let n = b64.len();
                let split_padding = b64.ends_with("==") && (n - 2) / width != (n - 1) / width;
                if split_padding {
                    assert!(fast.is_none() || fast.as_deref() == Some(body));
                } else {
                    assert_eq!(fast.as_deref(), Some(body), "{len} at width {width}");
                }
            }
        }
    }

    #[test]
    fn fast_path_declines_what_it_does_not_understand() {
        for body in [
            "QUJD\nREVG=\n",                    // padding where none belongs
            "QUI=QUJD\n",                       // data after padding
            "QUI=\nQUJD\n",                     // a line after padding
            "QUJ\n",                            // incomplete quad
            "QR==\n",                           // non-zero leftover bits
            " QUJD\n",                          // leading space
            "QUJD \n",                          // trailing space
            "Q*JD\n",                           // not base64
            "Proc-Type: 4,ENCRYPTED\n\nQUJD\n", // headers
            "QUJD\n",                           // no END line (below)
        ] {
            let doc = format!("-----BEGIN X-----\n{body}-----END X-----");
            let doc = if body == "QUJD\n" {
                "-----BEGIN X-----\nQUJD\n".to_owned()
            } else {
                doc
            };
            assert_eq!(decode_plain(doc.as_bytes()), None, "{body:?}");
        }
        // Unusual but valid layouts: taken only with the strict decoder's result.
        for body in ["QUI\n=\n", "QU\nI=\n", "QUJD\n\nREVG\n", "Q\r\nUJD\r\n"] {
            let doc = format!("-----BEGIN X-----\n{body}-----END X-----");
            let fast = decode_plain(doc.as_bytes());
            assert!(fast.is_none() || fast == strict(doc.as_bytes()), "{body:?}");
        }
        let ok = "-----BEGIN X-----\nQUI=\n-----END X-----";
        assert_eq!(decode_plain(ok.as_bytes()).as_deref(), Some(&b"AB"[..]));
        assert_eq!(strict(ok.as_bytes()).as_deref(), Some(&b"AB"[..]));
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
