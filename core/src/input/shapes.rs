//! The shapes copy-paste, JSON, YAML and Windows tools give a PEM bundle: UTF-16 text,
//! the whole bundle on one line with literal `\n`, boundary lines run together, indented
//! blocks, OpenSSL's `TRUSTED CERTIFICATE`. Each is recognised and reported once, with
//! its remedy, and the bundle is read as it was meant to be: later checks then see the
//! real chain instead of blaming the neighbouring certificates, and `fix` writes it
//! cleanly.

use std::borrow::Cow;

use der::asn1::AnyRef;
use der::{Decode, Reader, SliceReader};

use super::pem;
use crate::code::Code;
use crate::findings::Findings;

/// The sentence every hint of a shape `fix` repairs ends with.
const FIX: &str = "`chainvet fix FILE -o fixed.pem` does this.";

/// How many line numbers a message lists before it says "and N more".
const LINES_SHOWN: usize = 5;

/// Byte order of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ByteOrder {
    Little,
    Big,
}

/// UTF-16 text: its byte order and whether it starts with a byte-order mark.
fn detect_utf16(input: &[u8]) -> Option<(ByteOrder, bool)> {
    if input.starts_with(&[0xff, 0xfe]) {
        return Some((ByteOrder::Little, true));
    }
    if input.starts_with(&[0xfe, 0xff]) {
        return Some((ByteOrder::Big, true));
    }
    // Without a mark: the first code units are all ASCII, each with a zero high byte. A
    // PEM bundle is ASCII, and no DER, UTF-8 or PKCS#12 input looks like that.
    if input.len() < 8 {
        return None;
    }
    let sample = &input[..input.len().min(512) & !1];
    let ascii = |high_first: bool| {
        sample.chunks_exact(2).all(|u| {
            let (high, low) = if high_first {
                (u[0], u[1])
            } else {
                (u[1], u[0])
            };
            high == 0 && low != 0 && low < 0x80
        })
    };
    if ascii(false) {
        Some((ByteOrder::Little, false))
    } else if ascii(true) {
        Some((ByteOrder::Big, false))
    } else {
        None
    }
}

fn decode_utf16(body: &[u8], order: ByteOrder) -> Vec<u8> {
    let units = body.chunks_exact(2).map(|u| match order {
        ByteOrder::Little => u16::from_le_bytes([u[0], u[1]]),
        ByteOrder::Big => u16::from_be_bytes([u[0], u[1]]),
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect::<String>()
        .into_bytes()
}

/// Whether literal `\n` (backslash, n) stands where line breaks belong: right after a
/// boundary line's closing dashes.
fn has_escaped_newlines(text: &[u8]) -> bool {
    super::contains(text, b"-----\\n") || super::contains(text, b"-----\\r\\n")
}

/// Undoes one level of JSON/shell string escaping: `\n` becomes a line break, `\r` is
/// dropped, `\/`, `\"` and `\\` lose their backslash; any other escape is kept as is.
fn unescape(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.peek().copied() {
            Some(b'n') => {
                out.push(b'\n');
                bytes.next();
            }
            Some(b'r') => {
                bytes.next();
            }
            Some(c @ (b'/' | b'"' | b'\\')) => {
                out.push(c);
                bytes.next();
            }
            _ => out.push(b),
        }
    }
    out
}

/// Undoes the whole-input shapes that leave no PEM line readable (UTF-16 text, the
/// bundle on one line with literal `\n`), reporting each. Returns the text to read and
/// whether it was unescaped.
pub(crate) fn normalize<'a>(input: &'a [u8], findings: &mut Findings<'_>) -> (Cow<'a, [u8]>, bool) {
    let mut text = Cow::Borrowed(input);
    if let Some((order, bom)) = detect_utf16(input) {
        let body = if bom { &input[2..] } else { input };
        let decoded = decode_utf16(body, order);
        let (order_name, iconv_from) = match (order, bom) {
            (ByteOrder::Little, true) => ("little-endian, with a byte-order mark", "UTF-16"),
            (ByteOrder::Big, true) => ("big-endian, with a byte-order mark", "UTF-16"),
            (ByteOrder::Little, false) => ("little-endian, without a byte-order mark", "UTF-16LE"),
            (ByteOrder::Big, false) => ("big-endian, without a byte-order mark", "UTF-16BE"),
        };
        findings.add(
            Code::InputUtf16,
            None,
            format!(
                "the input is UTF-16 text ({order_name}), as Windows PowerShell's `>` and `Out-File` write it; OpenSSL and gateways read PEM only as ASCII"
            ),
            format!(
                "Save the file as ASCII: `iconv -f {iconv_from} -t UTF-8 FILE > fixed.pem`, or in PowerShell `Get-Content FILE | Set-Content -Encoding ascii fixed.pem`; {FIX}"
            ),
        );
        let decoded = match decoded.strip_prefix(super::BOM) {
            Some(rest) => rest.to_vec(),
            None => decoded,
        };
        text = Cow::Owned(decoded);
    }
    if has_escaped_newlines(&text) {
        // JSON inside JSON escapes twice; three levels is more than any tool writes.
        let mut unescaped = unescape(&text);
        for _ in 0..2 {
            if !has_escaped_newlines(&unescaped) {
                break;
            }
            unescaped = unescape(&unescaped);
        }
        let escaped_lines = text
            .split(|&b| b == b'\n')
            .filter(|l| has_escaped_newlines(l))
            .count();
        findings.add(
            Code::PemEscapedNewlines,
            None,
            format!(
                "the PEM text is written with literal `\\n` in place of line breaks ({}), as copied from JSON, a Vault or Kubernetes secret or an .env file; OpenSSL cannot read it",
                if escaped_lines == 1 {
                    "the whole bundle is on one line".to_owned()
                } else {
                    format!("{escaped_lines} lines hold escaped blocks")
                }
            ),
            format!(
                "Write the text with real line breaks: `sed 's/\\\\n/\\n/g' FILE > fixed.pem`, or take the value with `jq -r` instead of copying the JSON string; {FIX}"
            ),
        );
        return (Cow::Owned(unescaped), true);
    }
    (text, false)
}

/// One line as the PEM splitter sees it: a physical line, or the part of one that holds a
/// single BEGIN or END boundary when boundaries were run together with other text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    /// 1-based physical line number.
    pub(crate) number: usize,
    /// Byte offset of the line in the input.
    pub(crate) start: usize,
    /// The line's bytes, without its `\n`.
    pub(crate) bytes: &'a [u8],
}

const DASHES: &[u8] = b"-----";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where a physical line must be cut so each BEGIN or END boundary stands on a line of
/// its own: before a boundary that follows other text, after one that other text follows.
fn cut_points(line: &[u8]) -> Vec<usize> {
    let mut cuts = Vec::new();
    // Base64 has no '-': most lines are done after one scan.
    if !line.contains(&b'-') {
        return cuts;
    }
    let mut segment_start = 0;
    let mut from = 0;
    while let Some(pos) = find(&line[from..], DASHES).map(|p| p + from) {
        let rest = &line[pos..];
        let keyword = if rest.starts_with(b"-----BEGIN") {
            b"-----BEGIN".len()
        } else if rest.starts_with(b"-----END") {
            b"-----END".len()
        } else {
            from = pos + 1;
            continue;
        };
        if !line[segment_start..pos].trim_ascii().is_empty() {
            cuts.push(pos);
            segment_start = pos;
        }
        let after_keyword = pos + keyword;
        match find(&line[after_keyword..], DASHES) {
            Some(close) => {
                let end = after_keyword + close + DASHES.len();
                if !line[end..].trim_ascii().is_empty() {
                    cuts.push(end);
                    segment_start = end;
                }
                from = end;
            }
            None => break,
        }
    }
    cuts
}

/// The lines of `input` for the PEM splitter (see `Line`).
pub(crate) fn lines(input: &[u8]) -> Lines<'_> {
    Lines {
        rest: Some(input),
        offset: 0,
        number: 0,
        pending: Vec::new(),
    }
}

/// Iterator of `lines`: a physical line at a time, without allocating unless a line must
/// be cut (`pending` then holds its later parts, last first).
pub(crate) struct Lines<'a> {
    /// What is left to read; `None` once the last line (which may be empty) was read.
    rest: Option<&'a [u8]>,
    offset: usize,
    number: usize,
    pending: Vec<Line<'a>>,
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if let Some(line) = self.pending.pop() {
            return Some(line);
        }
        let rest = self.rest?;
        let (raw, after) = match super::find_byte(rest, b'\n') {
            Some(p) => (&rest[..p], Some(&rest[p + 1..])),
            None => (rest, None),
        };
        self.rest = after;
        self.number += 1;
        let start = self.offset;
        self.offset += raw.len() + 1;
        let cuts = cut_points(raw);
        let Some(&first_cut) = cuts.first() else {
            return Some(Line {
                number: self.number,
                start,
                bytes: raw,
            });
        };
        // Parts after the first, pushed last first so `pop` yields them in order.
        for (k, &from) in cuts.iter().enumerate().rev() {
            let to = cuts.get(k + 1).copied().unwrap_or(raw.len());
            self.pending.push(Line {
                number: self.number,
                start: start + from,
                bytes: &raw[from..to],
            });
        }
        Some(Line {
            number: self.number,
            start,
            bytes: &raw[..first_cut],
        })
    }
}

fn line_list(lines: &[usize]) -> String {
    let mut shown: Vec<String> = lines
        .iter()
        .take(LINES_SHOWN)
        .map(usize::to_string)
        .collect();
    if lines.len() > LINES_SHOWN {
        shown.push(format!("and {} more", lines.len() - LINES_SHOWN));
    }
    shown.join(", ")
}

/// Reports lines on which a BEGIN or END boundary shares the line with other text; the
/// splitter (`lines`) has already read them as separate lines. Not called for text that
/// was unescaped, where the text around the blocks is the JSON or YAML that held them.
pub(crate) fn report_joined(input: &[u8], findings: &mut Findings<'_>) {
    let mut concatenated = Vec::new();
    let mut other = Vec::new();
    // Line by line (as `split` would, the empty segment after a final break included),
    // finding each break 32 bytes at a time.
    let mut rest = Some(input);
    let mut number = 0usize;
    while let Some(text) = rest {
        let line = match super::find_byte(text, b'\n') {
            Some(p) => {
                rest = Some(&text[p + 1..]);
                &text[..p]
            }
            None => {
                rest = None;
                text
            }
        };
        number += 1;
        let cuts = cut_points(line);
        if cuts.is_empty() {
            continue;
        }
        let end_then_begin = cuts.iter().any(|&c| {
            line[c..].starts_with(b"-----BEGIN")
                && line[..c].trim_ascii_end().ends_with(DASHES)
                && find(&line[..c], b"-----END").is_some()
        });
        if end_then_begin {
            concatenated.push(number);
        } else {
            other.push(number);
        }
    }
    if concatenated.is_empty() && other.is_empty() {
        return;
    }
    let mut parts = Vec::new();
    if !concatenated.is_empty() {
        parts.push(format!(
            "{} {} hold{} the END line of one block and the BEGIN line of the next, as `cat` writes files that do not end with a line break",
            if concatenated.len() == 1 { "line" } else { "lines" },
            line_list(&concatenated),
            if concatenated.len() == 1 { "s" } else { "" }
        ));
    }
    if !other.is_empty() {
        parts.push(format!(
            "{} {} put{} a BEGIN or END line and other text on one line",
            if other.len() == 1 { "line" } else { "lines" },
            line_list(&other),
            if other.len() == 1 { "s" } else { "" }
        ));
    }
    findings.add(
        Code::PemBoundariesJoined,
        None,
        format!(
            "{}; OpenSSL reads a boundary only at the start of a line and would miss the certificate that follows",
            parts.join("; ")
        ),
        format!(
            "Put every -----BEGIN and -----END line on a line of its own: `sed 's/\\(.\\)-----BEGIN/\\1\\n-----BEGIN/g' FILE > fixed.pem`; when concatenating, `awk 1 leaf.pem intermediate.pem root.pem > chain.pem` adds the missing line breaks. {FIX}"
        ),
    );
}

/// Reports blocks whose lines are indented (as in YAML): OpenSSL does not recognise an
/// indented BEGIN line. The splitter reads them regardless.
pub(crate) fn report_indented(items: &[pem::Item<'_>], findings: &mut Findings<'_>) {
    let indented: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            pem::Item::Block(b) if is_indented(b.raw) => Some(if b.first_line == b.last_line {
                format!("line {}", b.first_line)
            } else {
                format!("lines {}-{}", b.first_line, b.last_line)
            }),
            _ => None,
        })
        .collect();
    if indented.is_empty() {
        return;
    }
    let shown: Vec<&str> = indented
        .iter()
        .take(LINES_SHOWN)
        .map(String::as_str)
        .collect();
    let more = indented.len().saturating_sub(LINES_SHOWN);
    findings.add(
        Code::PemIndented,
        None,
        format!(
            "the PEM {} at {}{} {} indented, as in a YAML file; chainvet reads {}, but OpenSSL and most gateways do not",
            if indented.len() == 1 { "block" } else { "blocks" },
            shown.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() },
            if indented.len() == 1 { "is" } else { "are" },
            if indented.len() == 1 { "it" } else { "them" },
        ),
        format!(
            "Remove the leading spaces: `sed 's/^[[:space:]]*//' FILE > fixed.pem`; {FIX}"
        ),
    );
}

fn is_indented(raw: &[u8]) -> bool {
    // Some line starts with a blank: the first, or one after a line break.
    matches!(raw.first(), Some(b' ' | b'\t'))
        || super::contains(raw, b"\n ")
        || super::contains(raw, b"\n\t")
}

/// The label `openssl x509 -trustout` writes.
pub(crate) const TRUSTED_CERTIFICATE: &str = "TRUSTED CERTIFICATE";

/// The certificate inside a `TRUSTED CERTIFICATE` block: OpenSSL writes the
/// Certificate SEQUENCE followed by its trust settings (`X509_CERT_AUX`); only the first
/// is kept.
pub(crate) fn strip_trust_settings(mut der: Vec<u8>) -> Result<Vec<u8>, String> {
    let mut reader = SliceReader::new(&der).map_err(|e| e.to_string())?;
    AnyRef::decode(&mut reader).map_err(|e| format!("the block does not start with DER: {e}"))?;
    let length = usize::try_from(u32::from(reader.position())).map_err(|e| e.to_string())?;
    der.truncate(length);
    Ok(der)
}

/// The finding for a certificate read from a `TRUSTED CERTIFICATE` block.
pub(crate) fn report_trusted(index: usize, at: &str, findings: &mut Findings<'_>) {
    findings.add(
        Code::PemTrustedCertificate,
        Some(index),
        format!(
            "certificate {} at {at} is in OpenSSL's TRUSTED CERTIFICATE format (as `openssl x509 -trustout` writes it): the certificate followed by trust settings, which gateways do not read",
            index + 1
        ),
        format!(
            "Convert it to a plain certificate: `openssl x509 -in FILE -out cert.pem` (one block at a time); {FIX} for every block, dropping the trust settings."
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &[u8]) -> Vec<(usize, String)> {
        lines(input)
            .map(|l| (l.number, String::from_utf8_lossy(l.bytes).into_owned()))
            .collect()
    }

    #[test]
    fn boundaries_on_one_line_become_separate_lines() {
        let got = texts(b"QUJD\n-----END A----------BEGIN B-----\nx");
        assert_eq!(
            got,
            [
                (1, "QUJD".to_owned()),
                (2, "-----END A-----".to_owned()),
                (2, "-----BEGIN B-----".to_owned()),
                (3, "x".to_owned())
            ]
        );
        let got = texts(b"{\"c\": \"-----BEGIN A-----\nQUJD\n-----END A-----\"}");
        assert_eq!(got[0], (1, "{\"c\": \"".to_owned()));
        assert_eq!(got[1], (1, "-----BEGIN A-----".to_owned()));
        assert_eq!(got[3], (3, "-----END A-----".to_owned()));
        assert_eq!(got[4], (3, "\"}".to_owned()));
        // Offsets point into the input.
        let input = b"ab-----BEGIN A-----";
        let l: Vec<Line<'_>> = lines(input).collect();
        assert_eq!(
            &input[l[1].start..l[1].start + l[1].bytes.len()],
            l[1].bytes
        );
        // Ordinary lines are untouched; a dash run that is no boundary is not cut.
        assert_eq!(texts(b"-----BEGIN A-----\r").len(), 1);
        assert_eq!(texts(b"a ----- b -----END").len(), 2);
        assert!(cut_points(b"-----BEGIN").is_empty());
    }

    #[test]
    fn lines_without_boundaries_are_the_physical_lines() {
        for input in [
            &b""[..],
            b"a",
            b"a\n",
            b"a\n\nb\r\n",
            b"\n\n",
            b"QUJD\n-----END A-----",
        ] {
            let got: Vec<(usize, usize, &[u8])> =
                lines(input).map(|l| (l.number, l.start, l.bytes)).collect();
            let mut offset = 0;
            let want: Vec<(usize, usize, &[u8])> = input
                .split(|&b| b == b'\n')
                .enumerate()
                .map(|(i, l)| {
                    let start = offset;
                    offset += l.len() + 1;
                    (i + 1, start, l)
                })
                .collect();
            assert_eq!(got, want, "{input:?}");
        }
    }

    #[test]
    fn utf16_is_detected_with_and_without_a_mark() {
        let text = "-----BEGIN A-----\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(detect_utf16(&le), Some((ByteOrder::Little, false)));
        assert_eq!(detect_utf16(&be), Some((ByteOrder::Big, false)));
        let with_bom = [&[0xff, 0xfe][..], &le].concat();
        assert_eq!(detect_utf16(&with_bom), Some((ByteOrder::Little, true)));
        assert_eq!(decode_utf16(&le, ByteOrder::Little), text.as_bytes());
        assert_eq!(detect_utf16(text.as_bytes()), None);
        assert_eq!(detect_utf16(&[0x30, 0x82, 0x01, 0x00, 0, 0, 0, 0]), None);
        // An odd trailing byte or an unpaired surrogate does not panic.
        let odd = [&le[..], &[0x41, 0xd8, 0x41]].concat();
        assert!(!decode_utf16(&odd, ByteOrder::Little).is_empty());
    }

    #[test]
    fn unescaping_handles_json_escapes() {
        assert_eq!(
            unescape(br#"a\nb\r\nc\/d\"e\\f\tg"#),
            b"a\nb\nc/d\"e\\f\\tg"
        );
        assert_eq!(unescape(b"trailing\\"), b"trailing\\");
    }

    #[test]
    fn trust_settings_are_dropped() {
        // SEQUENCE { INTEGER 1 } followed by SEQUENCE { NULL }.
        let der = vec![0x30, 0x03, 0x02, 0x01, 0x01, 0x30, 0x02, 0x05, 0x00];
        assert_eq!(
            strip_trust_settings(der).unwrap(),
            [0x30, 0x03, 0x02, 0x01, 0x01]
        );
        assert!(strip_trust_settings(vec![0x30, 0x05, 0x02]).is_err());
        assert!(strip_trust_settings(Vec::new()).is_err());
    }
}
