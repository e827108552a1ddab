//! Distinguished-name comparison as RFC 5280 section 7.1 asks for it: two names match
//! when they have the same number of RDNs, the RDNs match pairwise in order, and each
//! RDN holds the same set of attributes (order within the SET does not matter), with
//! string values compared after RFC 4518 string preparation rather than byte for byte.
//!
//! What the preparation covers (RFC 4518 section 2, the caseIgnoreMatch rule, which
//! RFC 5280 7.1 applies to every string attribute):
//! - transcoding: PrintableString, UTF8String, IA5String, VisibleString, NumericString,
//!   TeletexString (read as Latin-1, as deployed CAs use it), BMPString (UTF-16BE) and
//!   UniversalString (UTF-32BE) are compared by the characters they carry, so a
//!   PrintableString `Example CA` equals a UTF8String `example  ca`;
//! - mapping (2.2): the characters RFC 4518 maps to nothing (soft hyphen, zero-width and
//!   other format characters) are dropped, the space-like characters become SPACE, and
//!   case is folded (Unicode lower-casing, which equals case folding except for a few
//!   characters such as U+00DF);
//! - insignificant space handling (2.6.1): leading and trailing spaces are ignored and
//!   inner runs of spaces count as one.
//!
//! Not done: Unicode NFKC normalization (step 2.3) and the prohibited-character check
//! (2.4), which need the Unicode tables of a crate chainvet does not carry; names that
//! differ only by NFKC-equivalent forms therefore do not match (the safe direction).
//! Values that are not strings, or whose encoding is invalid, match only when their DER
//! encodings are identical.

use der::{Decode, Header, Reader, SliceReader, Tag};

/// Most RDNs, and attributes per RDN, compared structurally. Real names have fewer than
/// 10; beyond the bound only byte-identical names match, so a hostile name cannot make
/// the comparison expensive.
const MAX_PARTS: usize = 64;

/// One AttributeTypeAndValue, borrowed: the type's OID content octets, the value's tag
/// and content octets, and the whole value TLV.
struct Atv<'a> {
    oid: &'a [u8],
    /// The value's identifier octet (all string types have low tag numbers).
    tag: u8,
    value: &'a [u8],
    tlv: &'a [u8],
}

/// Whether two Names, given as the content octets of their RDNSequence (as
/// `Certificate::issuer_raw` and `Crl::issuer_raw` return them), are the same name under
/// RFC 5280 7.1.
pub(crate) fn names_match(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    let (Some(a), Some(b)) = (rdns(a), rdns(b)) else {
        return false;
    };
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| rdn_match(x, y))
}

/// Reads one TLV from `r`: (tag, content, whole TLV).
fn next_tlv<'a>(r: &mut SliceReader<'a>) -> Option<(Tag, &'a [u8], &'a [u8])> {
    let tlv = r.tlv_bytes().ok()?;
    let mut inner = SliceReader::new(tlv).ok()?;
    let header = Header::decode(&mut inner).ok()?;
    let value = inner.read_slice(header.length()).ok()?;
    Some((header.tag(), value, tlv))
}

/// The RDNs of a name, each a list of its attributes; `None` if malformed or too big.
fn rdns(content: &[u8]) -> Option<Vec<Vec<Atv<'_>>>> {
    let mut out = Vec::new();
    if content.is_empty() {
        return Some(out);
    }
    let mut r = SliceReader::new(content).ok()?;
    while !r.is_finished() {
        if out.len() >= MAX_PARTS {
            return None;
        }
        let (tag, set, _) = next_tlv(&mut r)?;
        if tag != Tag::Set {
            return None;
        }
        let mut atvs = Vec::new();
        let mut s = SliceReader::new(set).ok()?;
        while !s.is_finished() {
            if atvs.len() >= MAX_PARTS {
                return None;
            }
            let (tag, seq, _) = next_tlv(&mut s)?;
            if tag != Tag::Sequence {
                return None;
            }
            let mut a = SliceReader::new(seq).ok()?;
            let (oid_tag, oid, _) = next_tlv(&mut a)?;
            let (_, value, tlv) = next_tlv(&mut a)?;
            if oid_tag != Tag::ObjectIdentifier || !a.is_finished() {
                return None;
            }
            atvs.push(Atv {
                oid,
                tag: tlv.first().copied().unwrap_or_default(),
                value,
                tlv,
            });
        }
        if atvs.is_empty() {
            return None;
        }
        out.push(atvs);
    }
    Some(out)
}

/// RDNs are SETs: every attribute of one matches a distinct attribute of the other.
/// Attribute matching is an equivalence, so taking the first unused match is enough.
fn rdn_match(a: &[Atv<'_>], b: &[Atv<'_>]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    a.iter().all(|x| {
        let found = b
            .iter()
            .enumerate()
            .find(|(j, y)| !used[*j] && atv_match(x, y))
            .map(|(j, _)| j);
        match found {
            Some(j) => {
                used[j] = true;
                true
            }
            None => false,
        }
    })
}

fn atv_match(a: &Atv<'_>, b: &Atv<'_>) -> bool {
    if a.oid != b.oid {
        return false;
    }
    if a.tlv == b.tlv {
        return true;
    }
    match (prepared(a.tag, a.value), prepared(b.tag, b.value)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

// Universal-class identifier octets of the string types (X.680 8.6).
const UTF8_STRING: u8 = 0x0c;
const NUMERIC_STRING: u8 = 0x12;
const PRINTABLE_STRING: u8 = 0x13;
const TELETEX_STRING: u8 = 0x14;
const IA5_STRING: u8 = 0x16;
const VISIBLE_STRING: u8 = 0x1a;
const UNIVERSAL_STRING: u8 = 0x1c;
const BMP_STRING: u8 = 0x1e;

/// The characters of a string value, `None` for anything else or a bad encoding.
fn characters(tag: u8, value: &[u8]) -> Option<Vec<char>> {
    match tag {
        UTF8_STRING => Some(core::str::from_utf8(value).ok()?.chars().collect()),
        PRINTABLE_STRING | IA5_STRING | VISIBLE_STRING | NUMERIC_STRING => value
            .iter()
            .map(|&c| c.is_ascii().then_some(char::from(c)))
            .collect(),
        TELETEX_STRING => Some(value.iter().map(|&c| char::from(c)).collect()),
        BMP_STRING => {
            if !value.len().is_multiple_of(2) {
                return None;
            }
            let units = value
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]));
            char::decode_utf16(units).collect::<Result<_, _>>().ok()
        }
        UNIVERSAL_STRING => {
            if !value.len().is_multiple_of(4) {
                return None;
            }
            value
                .chunks_exact(4)
                .map(|p| char::from_u32(u32::from_be_bytes([p[0], p[1], p[2], p[3]])))
                .collect()
        }
        _ => None,
    }
}

/// RFC 4518 2.2: characters mapped to nothing.
fn maps_to_nothing(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{1806}' | '\u{034F}' | '\u{180B}'..='\u{180D}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FFFC}' | '\u{200B}' | '\u{0000}'..='\u{0008}' | '\u{000E}'..='\u{001F}'
        | '\u{007F}'..='\u{0084}' | '\u{0086}'..='\u{009F}' | '\u{06DD}' | '\u{070F}'
        | '\u{180E}' | '\u{200C}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2063}' | '\u{206A}'..='\u{206F}' | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// RFC 4518 2.2: characters mapped to SPACE.
fn maps_to_space(c: char) -> bool {
    matches!(c,
        '\u{0009}'..='\u{000D}' | '\u{0085}' | ' ' | '\u{00A0}' | '\u{1680}'
        | '\u{2000}'..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}'
        | '\u{3000}')
}

/// The prepared form of a string value: mapped, case-folded, spaces made insignificant.
fn prepared(tag: u8, value: &[u8]) -> Option<String> {
    let chars = characters(tag, value)?;
    let mut out = String::with_capacity(chars.len());
    let mut pending_space = false;
    for c in chars {
        if maps_to_nothing(c) {
            continue;
        }
        if maps_to_space(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;
    use der::asn1::{BmpString, Ia5StringRef, ObjectIdentifier, PrintableStringRef, Utf8StringRef};
    use x509_cert::attr::AttributeTypeAndValue;
    use x509_cert::name::RelativeDistinguishedName;

    const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
    const O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
    const C: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");

    #[derive(Clone, Copy)]
    enum Kind {
        Printable,
        Utf8,
        Ia5,
        Bmp,
    }

    fn atv(oid: ObjectIdentifier, kind: Kind, text: &str) -> AttributeTypeAndValue {
        let value = match kind {
            Kind::Printable => der::Any::from(PrintableStringRef::new(text).expect("printable")),
            Kind::Utf8 => der::Any::from(Utf8StringRef::new(text).expect("utf8")),
            Kind::Ia5 => der::Any::from(Ia5StringRef::new(text).expect("ia5")),
            Kind::Bmp => {
                der::Any::encode_from(&BmpString::from_utf8(text).expect("bmp")).expect("any")
            }
        };
        AttributeTypeAndValue { oid, value }
    }

    /// Content octets of a name made of the given RDNs (each a list of attributes).
    fn name(rdns: Vec<Vec<AttributeTypeAndValue>>) -> Vec<u8> {
        rdns.into_iter()
            .flat_map(|atvs| {
                RelativeDistinguishedName::try_from(atvs)
                    .expect("set")
                    .to_der()
                    .expect("der")
            })
            .collect()
    }

    fn simple(kind: Kind, o: &str, cn: &str) -> Vec<u8> {
        name(vec![vec![atv(O, kind, o)], vec![atv(CN, kind, cn)]])
    }

    #[test]
    fn string_types_case_and_spaces_are_insignificant() {
        let base = simple(Kind::Printable, "Example Corp", "Example Issuing CA");
        for other in [
            simple(Kind::Utf8, "Example Corp", "Example Issuing CA"),
            simple(Kind::Utf8, "EXAMPLE CORP", "example issuing ca"),
            simple(Kind::Printable, "  Example   Corp ", "Example Issuing  CA"),
            simple(Kind::Ia5, "example corp", "EXAMPLE ISSUING CA"),
            simple(Kind::Bmp, "Example Corp", "Example\u{00A0}Issuing CA"),
            simple(Kind::Utf8, "Exam\u{00AD}ple Corp", "Example\tIssuing CA"),
        ] {
            assert!(names_match(&base, &other), "{other:02x?}");
            assert!(names_match(&other, &base), "{other:02x?}");
        }
    }

    #[test]
    fn different_names_do_not_match() {
        let base = simple(Kind::Printable, "Example Corp", "Example Issuing CA");
        for other in [
            simple(Kind::Printable, "Example Corp", "Example Issuing CA 2"),
            simple(Kind::Printable, "Example Corp", "ExampleIssuing CA"),
            simple(Kind::Printable, "Other Corp", "Example Issuing CA"),
            // Same attributes, RDNs in the other order.
            name(vec![
                vec![atv(CN, Kind::Printable, "Example Issuing CA")],
                vec![atv(O, Kind::Printable, "Example Corp")],
            ]),
            // One RDN fewer, one more.
            name(vec![vec![atv(CN, Kind::Printable, "Example Issuing CA")]]),
            name(vec![
                vec![atv(C, Kind::Printable, "DE")],
                vec![atv(O, Kind::Printable, "Example Corp")],
                vec![atv(CN, Kind::Printable, "Example Issuing CA")],
            ]),
            // The same value under another attribute type.
            name(vec![
                vec![atv(C, Kind::Printable, "Example Corp")],
                vec![atv(CN, Kind::Printable, "Example Issuing CA")],
            ]),
            Vec::new(),
        ] {
            assert!(!names_match(&base, &other), "{other:02x?}");
            assert!(!names_match(&other, &base), "{other:02x?}");
        }
        assert!(names_match(&[], &[]));
    }

    #[test]
    fn multi_valued_rdns_compare_as_sets() {
        let a = name(vec![vec![
            atv(O, Kind::Printable, "Example Corp"),
            atv(CN, Kind::Utf8, "Example CA"),
        ]]);
        let b = name(vec![vec![
            atv(CN, Kind::Printable, "example ca"),
            atv(O, Kind::Utf8, "EXAMPLE CORP"),
        ]]);
        assert!(names_match(&a, &b));
        // Two RDNs are not one multi-valued RDN.
        let split = name(vec![
            vec![atv(O, Kind::Printable, "Example Corp")],
            vec![atv(CN, Kind::Printable, "Example CA")],
        ]);
        assert!(!names_match(&a, &split));
        // Same count, but a duplicate cannot stand in for a missing attribute.
        let dup = name(vec![vec![
            atv(CN, Kind::Printable, "Example CA"),
            atv(CN, Kind::Printable, "example ca"),
        ]]);
        assert!(!names_match(&a, &dup));
    }

    #[test]
    fn malformed_or_oversized_names_match_only_themselves() {
        let base = simple(Kind::Printable, "Example Corp", "Example Issuing CA");
        let mut bad = base.clone();
        bad.truncate(bad.len() - 1);
        assert!(!names_match(&base, &bad));
        assert!(names_match(&bad, &bad));
        assert!(!names_match(&[0x31, 0x00], &[0x31, 0x00, 0x00]));
        // More RDNs than the structural bound: only identical bytes match.
        let many = |upper: bool| {
            name(
                (0..MAX_PARTS + 1)
                    .map(|i| {
                        let v = format!("part {i}");
                        let v = if upper { v.to_uppercase() } else { v };
                        vec![atv(CN, Kind::Utf8, &v)]
                    })
                    .collect(),
            )
        };
        assert!(names_match(&many(false), &many(false)));
        assert!(!names_match(&many(false), &many(true)));
        // Invalid UTF-8 is no string: compared by bytes only.
        let raw = |v: &[u8]| {
            let mut atv = vec![0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, v.len() as u8];
            atv.extend_from_slice(v);
            let mut seq = vec![0x30, atv.len() as u8];
            seq.extend(atv);
            let mut set = vec![0x31, seq.len() as u8];
            set.extend(seq);
            set
        };
        assert!(!names_match(&raw(b"\xff"), &raw(b"\xfe")));
        assert!(names_match(&raw(b"\xff"), &raw(b"\xff")));
    }
}
