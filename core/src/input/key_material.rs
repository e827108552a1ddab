//! Finds private key material in an input, whatever its shape, so that it is reported
//! (by position and kind, never by content) and the input is never cached.
//!
//! A well-formed `-----BEGIN PRIVATE KEY-----` block is the easy case. Keys also arrive
//! with lower-case labels, on one line with literal `\n` escapes (JSON, Vault, `.env`),
//! with CR-only line endings, as a body pasted without its BEGIN line, in UTF-16, as DER
//! PKCS#8/PKCS#1/SEC1 and inside PKCS#12 archives. So detection does not rest on the
//! label: runs of base64 text anywhere in the input are decoded (their first bytes only)
//! and recognised by the DER structure of a private key.
//!
//! Every pass is linear in the input and bounded: at most `MAX_HITS` hits are kept,
//! and each candidate run costs at most `PROBE_CHARS` characters of decoding.

use super::label;

/// What kind of key material was found. Each has a fixed description: nothing of the
/// key itself is ever part of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyShape {
    /// A `BEGIN ... PRIVATE KEY` line, recognised by its label.
    Labelled,
    /// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey`.
    Pkcs8,
    /// PKCS#8 `EncryptedPrivateKeyInfo`.
    EncryptedPkcs8,
    /// PKCS#1 `RSAPrivateKey` (or the same shape for DSA).
    Pkcs1,
    /// SEC1 `ECPrivateKey`.
    Sec1,
    /// A PKCS#12 (.p12/.pfx) archive, which usually holds a key.
    Pkcs12,
    /// An OpenSSH or PuTTY private key file.
    Ssh,
}

impl KeyShape {
    /// A fixed description for messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            KeyShape::Labelled => "private key",
            KeyShape::Pkcs8 => "PKCS#8 private key",
            KeyShape::EncryptedPkcs8 => "encrypted PKCS#8 private key",
            KeyShape::Pkcs1 => "PKCS#1 (RSA) private key",
            KeyShape::Sec1 => "SEC1 (EC) private key",
            KeyShape::Pkcs12 => "PKCS#12 archive, which usually holds a private key",
            KeyShape::Ssh => "SSH private key",
        }
    }
}

/// Key material found at a position of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Byte offset in the input where the material starts.
    pub(crate) offset: usize,
    /// 1-based line of `offset` (LF, CRLF or CR-only line endings).
    pub(crate) line: usize,
    /// What it is.
    pub(crate) shape: KeyShape,
}

/// At most this many hits are kept; one is enough to refuse the input and never cache it.
pub(crate) const MAX_HITS: usize = 64;
/// Base64 characters decoded per candidate run: enough for the headers of every key
/// structure (66 bytes), so that a key's first line suffices.
const PROBE_CHARS: usize = 88;
/// The shortest run probed: an Ed25519 PKCS#8 key, the smallest real key, is 64.
const MIN_RUN: usize = 40;

/// Every place in `input` that holds private key material (up to `MAX_HITS`), in order.
pub(crate) fn scan(input: &[u8]) -> Vec<Hit> {
    let mut hits = Vec::new();
    if let Some(shape) = der_shape(input, true) {
        hits.push(Hit {
            offset: 0,
            line: 1,
            shape,
        });
        return hits;
    }
    let mut found: Vec<(usize, KeyShape)> = labelled(input);
    found.extend(base64_runs(input));
    found.sort_by_key(|&(offset, _)| offset);
    found.dedup_by_key(|&mut (offset, _)| offset);
    found.truncate(MAX_HITS);
    let mut lines = LineCounter::new(input);
    hits.extend(found.into_iter().map(|(offset, shape)| Hit {
        offset,
        line: lines.line_of(offset),
        shape,
    }));
    hits
}

/// `BEGIN` followed on the same line by a label naming a private key, in any case and
/// however the line is framed (quoted in JSON, short of dashes, run into its body); and
/// PuTTY's key file header.
fn labelled(input: &[u8]) -> Vec<(usize, KeyShape)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i + 5 <= input.len() && found.len() < MAX_HITS {
        // Only `BE` or `PU` (any case) can start a match: skip 32 positions at a time
        // where none does, then single positions.
        if i + 33 <= input.len() && !may_start_label(&input[i..i + 33]) {
            i += 32;
            continue;
        }
        if !starts_label(input[i], input[i + 1]) {
            i += 1;
            continue;
        }
        let w = &input[i..i + 5];
        if w.eq_ignore_ascii_case(b"BEGIN") {
            // The label ends at the line's end, at the closing dashes or at an escape.
            let rest = &input[i + 5..input.len().min(i + 5 + label::MAX_LABEL_LEN)];
            let end = rest
                .iter()
                .position(|&b| b == b'\n' || b == b'\r' || b == b'\\')
                .unwrap_or(rest.len());
            if label::bytes_name_private_key(&rest[..end]) {
                found.push((i, KeyShape::Labelled));
            }
            i += 5;
        } else if w.eq_ignore_ascii_case(b"PuTTY") && input[i..].starts_with(b"PuTTY-User-Key-File")
        {
            found.push((i, KeyShape::Ssh));
            i += 5;
        } else {
            i += 1;
        }
    }
    found
}

/// What a byte is to the base64 run finder.
enum Class {
    /// Part of a run (the base64 alphabet and padding).
    Char(u8),
    /// Ends a line within a run: whitespace, or a literal `\n`, `\r` or `\t` escape
    /// (`skip` bytes long).
    Soft(usize),
    /// Ignored: NUL (so UTF-16 text reads as its ASCII).
    Skip,
    /// Ends the run.
    Hard,
}

// The scans below run over every input on every validation, so the common case (no
// label, long base64 lines) is tested 32 bytes at a time with non-short-circuit
// operators, which the compiler turns into vector instructions.

/// Whether `a`, `b` (any case) are `BE` or `PU`: the start of `BEGIN` or `PuTTY`.
fn starts_label(a: u8, b: u8) -> bool {
    let (a, b) = (a | 0x20, b | 0x20);
    (a == b'b') & (b == b'e') | (a == b'p') & (b == b'u')
}

/// Whether a label may start at one of the first 32 positions of `w` (33 bytes).
fn may_start_label(w: &[u8]) -> bool {
    w[..32]
        .iter()
        .zip(&w[1..33])
        .fold(false, |any, (&a, &b)| any | starts_label(a, b))
}

/// A base64 alphabet character other than padding.
fn is_plain_base64(b: u8) -> bool {
    b.is_ascii_uppercase() | b.is_ascii_lowercase() | b.is_ascii_digit() | (b == b'+') | (b == b'/')
}

/// How many bytes `is_plain_base64` holds for from the start of `bytes`.
fn plain_base64_len(bytes: &[u8]) -> usize {
    let mut n = 0;
    while n + 32 <= bytes.len()
        && bytes[n..n + 32]
            .iter()
            .fold(true, |all, &b| all & is_plain_base64(b))
    {
        n += 32;
    }
    n + bytes[n..]
        .iter()
        .position(|&b| !is_plain_base64(b))
        .unwrap_or(bytes.len() - n)
}

fn classify(input: &[u8], i: usize) -> Class {
    let b = input[i];
    match b {
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' | b'=' => Class::Char(b),
        b' ' | b'\t' | b'\r' | b'\n' => Class::Soft(1),
        0 => Class::Skip,
        b'\\' => match input.get(i + 1) {
            Some(b'n' | b'r' | b't') => Class::Soft(2),
            // JSON may escape the solidus.
            Some(b'/') => Class::Char(b'/'),
            _ => Class::Hard,
        },
        _ => Class::Hard,
    }
}

/// Runs of base64 text (lines joined across line breaks when every line but the last is
/// a whole number of quads, as encoders write them) whose decoded start has the shape of
/// a private key. Candidates start where a line of a run starts.
fn base64_runs(input: &[u8]) -> Vec<(usize, KeyShape)> {
    let mut found = Vec::new();
    // The current run's characters, and where each of its lines starts (run position,
    // input offset).
    let mut run: Vec<u8> = Vec::new();
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut line_len = 0usize;
    let mut pending_break = false;
    let mut i = 0;
    let flush = |run: &mut Vec<u8>, starts: &mut Vec<(usize, usize)>, found: &mut Vec<_>| {
        for &(pos, offset) in starts.iter() {
            if found.len() >= MAX_HITS {
                break;
            }
            if run.len() - pos < MIN_RUN || !matches!(run[pos], b'M' | b'b') {
                continue;
            }
            let end = run.len().min(pos + PROBE_CHARS);
            if let Some(shape) = probe(&run[pos..end]) {
                found.push((offset, shape));
            }
        }
        run.clear();
        starts.clear();
    };
    while i < input.len() {
        match classify(input, i) {
            Class::Char(c) => {
                let step = if input[i] == b'\\' { 2 } else { 1 };
                if pending_break || run.is_empty() {
                    // A new line: it continues the run only after a whole line of quads.
                    let joins =
                        !run.is_empty() && line_len.is_multiple_of(4) && run.last() != Some(&b'=');
                    if !joins {
                        flush(&mut run, &mut starts, &mut found);
                    }
                    starts.push((run.len(), i));
                    line_len = 0;
                    pending_break = false;
                } else if run.last() == Some(&b'=') && c != b'=' {
                    // Data after padding: a new run (`key=MIIE...`).
                    flush(&mut run, &mut starts, &mut found);
                    starts.push((0, i));
                    line_len = 0;
                }
                run.push(c);
                line_len += 1;
                i += step;
                // The rest of the line's plain base64 characters (no padding, no
                // escape) would each take the branch above with nothing to decide:
                // take them at once.
                if c != b'=' {
                    let span = plain_base64_len(&input[i..]);
                    run.extend_from_slice(&input[i..i + span]);
                    line_len += span;
                    i += span;
                }
            }
            Class::Soft(n) => {
                if !run.is_empty() {
                    pending_break = true;
                }
                i += n;
            }
            Class::Skip => i += 1,
            Class::Hard => {
                flush(&mut run, &mut starts, &mut found);
                pending_break = false;
                line_len = 0;
                i += 1;
            }
        }
        if found.len() >= MAX_HITS {
            return found;
        }
    }
    flush(&mut run, &mut starts, &mut found);
    found
}

/// Decodes the start of a base64 run (up to its padding) and judges its shape.
fn probe(chars: &[u8]) -> Option<KeyShape> {
    // Cheap rejection before any decoding.
    if chars.len() < 2 || !probe_start(chars[0], chars[1]) {
        return None;
    }
    let mut buf = [0u8; PROBE_CHARS / 4 * 3 + 3];
    let mut n = 0usize;
    let (mut acc, mut held) = (0u32, 0u32);
    for &c in chars {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => break,
        };
        acc = acc << 6 | u32::from(v);
        held += 1;
        if held == 4 && n + 3 <= buf.len() {
            buf[n..n + 3].copy_from_slice(&acc.to_be_bytes()[1..]);
            n += 3;
            (acc, held) = (0, 0);
        }
    }
    let out = &buf[..n];
    if out.starts_with(b"openssh-key-v1\0") {
        return Some(KeyShape::Ssh);
    }
    der_shape(out, false)
}

/// Whether a run starting with these two base64 characters can decode to a SEQUENCE
/// (`M`, 0x30) or to OpenSSH's magic (`b3Bl`): a test on two characters before any
/// decoding.
fn probe_start(first: u8, second: u8) -> bool {
    match first {
        // 0x30 = 001100|00: the second sextet's top two bits are the length octet's.
        b'M' => true,
        b'b' => second == b'3',
        _ => false,
    }
}

/// One DER header: (tag, content length, header length). Indefinite lengths (BER, as
/// some PKCS#12 writers use) read as "the rest".
fn header(b: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    if first < 0x80 {
        return Some((tag, usize::from(first), 2));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 {
        return Some((tag, usize::MAX, 2));
    }
    if n > 4 {
        return None;
    }
    let bytes = b.get(2..2 + n)?;
    let len = bytes.iter().fold(0usize, |l, &x| l << 8 | usize::from(x));
    Some((tag, len, 2 + n))
}

/// The elements of a constructed value, as far as `b` holds them: (tag, length, the
/// available part of the value).
fn elements(b: &[u8]) -> impl Iterator<Item = (u8, usize, &[u8])> {
    let mut rest = b;
    core::iter::from_fn(move || {
        let (tag, len, hl) = header(rest)?;
        let available = rest.get(hl..)?;
        let value = &available[..len.min(available.len())];
        rest = available.get(len..).unwrap_or(&[]);
        Some((tag, len, value))
    })
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
/// 1.2.840.113549.1.5 (PKCS#5 PBES1/PBES2) and 1.2.840.113549.1.12.1 (PKCS#12 PBE).
const PKCS5: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05];
const PKCS12_PBE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];
/// 1.2.840.113549.1.7.1 (data) and .2 (signedData): a PFX's authSafe content types.
const PKCS7_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
const PKCS7_SIGNED: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// Whether the first element of a constructed value is an OID starting with `prefix`
/// (any OID when `prefix` is empty).
fn starts_with_oid(value: &[u8], prefixes: &[&[u8]]) -> bool {
    matches!(elements(value).next(), Some((OID, _, oid))
        if prefixes.is_empty() || prefixes.iter().any(|p| oid.starts_with(p)))
}

/// The private-key structure `der` starts with, judged from its first elements only, so
/// a truncated prefix (the first line of a base64 body) suffices. With `whole`, `der`
/// must be exactly one structure (a binary file), which rules out chance matches.
pub(crate) fn der_shape(der: &[u8], whole: bool) -> Option<KeyShape> {
    let (tag, len, hl) = header(der)?;
    if tag != SEQUENCE {
        return None;
    }
    if whole && len != usize::MAX && hl.checked_add(len)? != der.len() {
        return None;
    }
    let body = &der[hl..];
    let body = &body[..len.min(body.len())];
    let mut items = elements(body);
    let (t1, l1, v1) = items.next()?;
    if t1 == SEQUENCE && starts_with_oid(v1, &[PKCS5, PKCS12_PBE]) {
        // EncryptedPrivateKeyInfo: a PBE AlgorithmIdentifier, then the encrypted key.
        // The PBES2 parameters are long: the OCTET STRING may lie past a probe's bytes.
        return match items.next() {
            None if !whole => Some(KeyShape::EncryptedPkcs8),
            Some((OCTET_STRING, _, _)) => Some(KeyShape::EncryptedPkcs8),
            _ => None,
        };
    }
    let (t2, l2, v2) = items.next()?;
    match (t1, t2) {
        // PrivateKeyInfo / OneAsymmetricKey: version 0 or 1, AlgorithmIdentifier.
        (INTEGER, SEQUENCE) if l1 == 1 && (v1[..] == [0] || v1[..] == [1]) => {
            starts_with_oid(v2, &[]).then_some(KeyShape::Pkcs8)
        }
        // RSAPrivateKey (and DSA): version 0, then a modulus of at least 512 bits.
        (INTEGER, INTEGER) if l1 == 1 && v1[..] == [0] && l2 >= 64 => Some(KeyShape::Pkcs1),
        // ECPrivateKey: version 1, the private scalar.
        (INTEGER, OCTET_STRING) if l1 == 1 && v1[..] == [1] && (16..=72).contains(&l2) => {
            Some(KeyShape::Sec1)
        }
        // PFX: version 3, authSafe ContentInfo of type data or signedData.
        (INTEGER, SEQUENCE) if l1 == 1 && v1[..] == [3] => {
            starts_with_oid(v2, &[PKCS7_DATA, PKCS7_SIGNED]).then_some(KeyShape::Pkcs12)
        }
        _ => None,
    }
}

/// Maps increasing offsets to line numbers in one pass over the input.
struct LineCounter<'a> {
    input: &'a [u8],
    at: usize,
    line: usize,
    /// CR alone ends lines (old Mac files) when the input has no LF at all.
    cr_only: bool,
}

impl<'a> LineCounter<'a> {
    fn new(input: &'a [u8]) -> Self {
        LineCounter {
            input,
            at: 0,
            line: 1,
            cr_only: !input.contains(&b'\n'),
        }
    }

    fn line_of(&mut self, offset: usize) -> usize {
        let end = offset.min(self.input.len());
        if end > self.at {
            let eol = if self.cr_only { b'\r' } else { b'\n' };
            self.line += self.input[self.at..end]
                .iter()
                .filter(|&&b| b == eol)
                .count();
            self.at = end;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    /// Bytes that exercise the vectorised scans: base64, padding, line breaks, escapes,
    /// label letters in both cases, high bytes.
    fn mixed(len: usize, seed: u64) -> Vec<u8> {
        const ALPHABET: &[u8] = b"AbBePpUu09+/=\n\r-\\ \x00\xff";
        let mut x = seed;
        (0..len)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let r = (x >> 33) as usize;
                if r.is_multiple_of(4) {
                    ALPHABET[r / 4 % ALPHABET.len()]
                } else {
                    (r >> 8) as u8
                }
            })
            .collect()
    }

    #[test]
    fn chunked_scans_agree_with_byte_by_byte_ones() {
        for seed in 0..200u64 {
            let bytes = mixed(40 + (seed as usize * 7) % 200, seed);
            let naive_len = bytes
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/'))
                .unwrap_or(bytes.len());
            assert_eq!(plain_base64_len(&bytes), naive_len, "seed {seed}");
            let plain: Vec<u8> = bytes
                .iter()
                .map(|&b| if is_plain_base64(b) { b } else { b'A' })
                .collect();
            assert_eq!(plain_base64_len(&plain), plain.len());
            if bytes.len() >= 33 {
                let naive = (0..32).any(|k| {
                    let (a, b) = (
                        bytes[k].to_ascii_lowercase(),
                        bytes[k + 1].to_ascii_lowercase(),
                    );
                    (a, b) == (b'b', b'e') || (a, b) == (b'p', b'u')
                });
                assert_eq!(may_start_label(&bytes[..33]), naive, "seed {seed}");
            }
        }
    }

    #[test]
    fn a_label_is_found_at_every_offset_and_in_any_case() {
        for offset in 0..70 {
            for label in [
                &b"-----BEGIN PRIVATE KEY-----"[..],
                b"-----begin ec private key-----",
            ] {
                let mut input = vec![b'Q'; offset];
                input.extend_from_slice(label);
                input.extend_from_slice(b"\nQQQQ\n");
                let hits = labelled(&input);
                assert_eq!(
                    hits,
                    vec![(offset + 5, KeyShape::Labelled)],
                    "offset {offset}"
                );
            }
            let mut input = vec![b'z'; offset];
            input.extend_from_slice(b"PuTTY-User-Key-File-3: ssh-ed25519\n");
            assert_eq!(
                labelled(&input),
                vec![(offset, KeyShape::Ssh)],
                "offset {offset}"
            );
        }
    }

    use super::*;

    #[test]
    fn der_shapes() {
        // PKCS#8 Ed25519 (RFC 8410 example).
        let ed = [
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        let mut full = ed.to_vec();
        full.extend_from_slice(&[7u8; 32]);
        assert_eq!(der_shape(&full, true), Some(KeyShape::Pkcs8));
        assert_eq!(der_shape(&full[..16], false), Some(KeyShape::Pkcs8));
        assert_eq!(der_shape(&full[..16], true), None);
        // A certificate's start: SEQUENCE { SEQUENCE { [0] ...
        assert_eq!(
            der_shape(
                &[
                    0x30, 0x82, 0x01, 0x00, 0x30, 0x81, 0xf0, 0xa0, 0x03, 0x02, 0x01, 0x02
                ],
                false
            ),
            None
        );
        // A SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID rsaEncryption }, BIT STRING }
        let spki = [
            0x30, 0x20, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00, 0x03, 0x0f, 0x00,
        ];
        assert_eq!(der_shape(&spki, false), None);
        assert_eq!(der_shape(b"", false), None);
        assert_eq!(der_shape(b"0", false), None);
    }

    #[test]
    fn lines_in_any_ending() {
        let mut c = LineCounter::new(b"a\r\nb\r\nc");
        assert_eq!(c.line_of(0), 1);
        assert_eq!(c.line_of(3), 2);
        assert_eq!(c.line_of(6), 3);
        let mut c = LineCounter::new(b"a\rb\rc");
        assert_eq!(c.line_of(4), 3);
    }

    #[test]
    fn prose_and_certificates_are_not_keys() {
        let text = b"Certificate:\n    Data:\n        Version: 3 (0x2)\n        Serial Number: 4096\nMMMM MMMM MMMM MMMM MMMM MMMM MMMM MMMM MMMM MMMM MMMM MMMM\n";
        assert!(scan(text).is_empty());
        assert!(scan(&[0u8; 4096]).is_empty());
        assert!(scan(&[b'M'; 4096]).is_empty());
    }
}
