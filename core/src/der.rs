//! Borrowed views of the exact bytes inside a DER `SIGNED{}` object (a certificate, and
//! through the same three-part split a CRL or a CSR) that signatures and name
//! comparisons need. Signatures are checked over the bytes received, never over a
//! re-encoding, so that non-strict DER from real CAs verifies as its issuer signed it.
//! Ground band: it knows DER, nothing of chainvet.

use const_oid::ObjectIdentifier;
use der::asn1::{BitStringRef, IntRef, OctetStringRef};
use der::{Decode, Header, Reader, SliceReader, Tag, TagNumber};
use x509_cert::time::Time;

/// The three parts of `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
/// signatureValue }`.
pub(crate) struct CertificateParts<'a> {
    /// tbsCertificate, tag and length included: the signed bytes.
    pub(crate) tbs: &'a [u8],
    /// The content octets of signatureAlgorithm (what webpki compares algorithm ids on).
    pub(crate) signature_algorithm: &'a [u8],
    /// The signature bits.
    pub(crate) signature: &'a [u8],
}

/// Splits a DER certificate; fails on trailing data or a signature with unused bits.
pub(crate) fn split_certificate(der: &[u8]) -> der::Result<CertificateParts<'_>> {
    if let Some(parts) = split_certificate_plain(der) {
        return Ok(parts);
    }
    let mut reader = SliceReader::new(der)?;
    let parts = reader.sequence(|r| {
        let tbs = r.tlv_bytes()?;
        let signature_algorithm = value_of(r.tlv_bytes()?)?;
        let signature = octet_aligned_bits(r)?;
        Ok::<_, der::Error>(CertificateParts {
            tbs,
            signature_algorithm,
            signature,
        })
    })?;
    reader.finish()?;
    Ok(parts)
}

/// `split_certificate` for the plain shape (a SEQUENCE signature algorithm), without der.
fn split_certificate_plain(der: &[u8]) -> Option<CertificateParts<'_>> {
    let mut r = Plain(Plain::only(der, SEQUENCE)?);
    let (_, _, tbs) = r.next().filter(|t| t.0 == SEQUENCE)?;
    let signature_algorithm = r.expect(SEQUENCE)?;
    let [0, signature @ ..] = r.expect(0x03)? else {
        return None;
    };
    r.is_empty().then_some(CertificateParts {
        tbs,
        signature_algorithm,
        signature,
    })
}

/// Every field of a tbsCertificate chainvet reads, borrowed from the DER.
pub(crate) struct Tbs<'a> {
    /// 1, 2 or 3.
    pub(crate) version: u8,
    /// The serial number's content octets.
    pub(crate) serial: &'a [u8],
    /// The content octets of tbsCertificate.signature (the signed algorithm identifier).
    pub(crate) signature_algorithm: &'a [u8],
    /// The issuer Name, tag and length included.
    pub(crate) issuer: &'a [u8],
    /// notBefore, seconds since the Unix epoch (negative before 1970).
    pub(crate) not_before: i64,
    /// notAfter, seconds since the Unix epoch.
    pub(crate) not_after: i64,
    /// The subject Name, tag and length included.
    pub(crate) subject: &'a [u8],
    /// subjectPublicKeyInfo, tag and length included.
    pub(crate) spki: &'a [u8],
    /// The extensions in order: (extnID content octets, extnValue content octets).
    pub(crate) extensions: ExtensionList<'a>,
}

fn unix(t: Time) -> i64 {
    i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// Reads a validity Time (RFC 5280 4.1.2.5) as seconds since the Unix epoch. x509-cert
/// reads it, except a UTCTime of 1950-1969 (years 50-69), which RFC 5280 4.1.2.5.1 allows
/// but der's time type cannot hold (it starts at 1970): that one is read here, with the
/// same rules (`YYMMDDHHMMSSZ`, every field in range).
fn validity_time(r: &mut SliceReader<'_>) -> der::Result<i64> {
    let tlv = r.tlv_bytes()?;
    match Time::from_der(tlv) {
        Ok(t) => Ok(unix(t)),
        Err(e) => pre_epoch_utctime(tlv).ok_or(e),
    }
}

/// A UTCTime TLV of 1950-1969 as seconds since the epoch (negative).
fn pre_epoch_utctime(tlv: &[u8]) -> Option<i64> {
    let [0x17, 13, digits @ .., b'Z'] = tlv else {
        return None;
    };
    if digits.len() != 12 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let two = |i: usize| (digits[i] - b'0') * 10 + (digits[i + 1] - b'0');
    let year = two(0);
    if !(50..70).contains(&year) {
        return None;
    }
    let month = time::Month::try_from(two(2)).ok()?;
    let date = time::Date::from_calendar_date(1900 + i32::from(year), month, two(4)).ok()?;
    let clock = time::Time::from_hms(two(6), two(8), two(10)).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, clock)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// A copy of `tbs` in which every UTCTime of 1950-1969 says 28 years later (1978-1997,
/// whose calendar is the same, leap days included), or `None` when there is none:
/// x509-cert judges the structure of a certificate with such a validity on the copy (its
/// time type starts at 1970), and `read_tbs(.., Shape::Any)` then reads the real dates
/// from the original. Only the two year digits change, so the copy has the same
/// structure; a match outside the validity changes a string or number's content, not its
/// shape.
pub(crate) fn pre_epoch_validity_shifted(tbs: &[u8]) -> Option<Vec<u8>> {
    let mut copy = tbs.to_vec();
    let mut changed = false;
    for at in 0..tbs.len().saturating_sub(14) {
        if pre_epoch_utctime(&tbs[at..at + 15]).is_some() {
            let year = (tbs[at + 2] - b'0') * 10 + (tbs[at + 3] - b'0') + 28;
            copy[at + 2..at + 4].copy_from_slice(&[b'0' + year / 10, b'0' + year % 10]);
            changed = true;
        }
    }
    changed.then_some(copy)
}

/// How much of the tbsCertificate grammar `read_tbs` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Only the plain shape real certificates have (see `read_tbs`); anything else is
    /// `Ok(None)`.
    Plain,
    /// Everything x509-cert accepts (call only after it has accepted the certificate).
    Any,
}

/// Reads a tbsCertificate.
///
/// With `Shape::Plain` it answers only for the shape nearly every certificate has:
/// version absent (v1) or v2/v3, single-valued RDNs of string values, common algorithm
/// parameters, no unique identifiers, `critical` absent or TRUE, nothing after the
/// extensions, every header in DER's short form. It reads that without the der crate
/// but checks every value x509-cert's decoders check (canonical INTEGER, valid OIDs,
/// Time via x509-cert itself, BIT STRING without unused bits), so whatever it accepts
/// x509-cert accepts too, with the same values (`tests` check both over mutated
/// certificates). For anything else it returns `Ok(None)` and the caller lets x509-cert
/// decide, then reads with `Shape::Any`.
pub(crate) fn read_tbs(tbs: &[u8], shape: Shape) -> der::Result<Option<Tbs<'_>>> {
    match shape {
        Shape::Plain => Ok(read_tbs_plain(tbs)),
        Shape::Any => read_tbs_any(tbs).map(Some),
    }
}

/// Any tbsCertificate x509-cert accepted, read with der.
fn read_tbs_any(tbs: &[u8]) -> der::Result<Tbs<'_>> {
    let mut reader = SliceReader::new(tbs)?;
    let out = reader.sequence(|r| -> der::Result<Tbs<'_>> {
        let mut version = 1;
        if Tag::peek(r)?
            == (Tag::ContextSpecific {
                number: TagNumber(0),
                constructed: true,
            })
        {
            let v = IntRef::from_der(value_of(r.tlv_bytes()?)?)?;
            version = match v.as_bytes() {
                [0] => 1,
                [1] => 2,
                [2] => 3,
                _ => return Err(Tag::Integer.value_error().into()),
            };
        }
        let serial = IntRef::decode(r)?.as_bytes();
        let signature_algorithm = value_of(r.tlv_bytes()?)?;
        let issuer = r.tlv_bytes()?;
        let (not_before, not_after) =
            r.sequence(|v| Ok::<_, der::Error>((validity_time(v)?, validity_time(v)?)))?;
        let subject = r.tlv_bytes()?;
        let spki = r.tlv_bytes()?;
        let mut extensions = Vec::new();
        while !r.is_finished() {
            // issuerUniqueID [1] and subjectUniqueID [2] are skipped; extensions [3].
            if Tag::peek(r)?
                == (Tag::ContextSpecific {
                    number: TagNumber(3),
                    constructed: true,
                })
            {
                extensions = read_extensions(value_of(r.tlv_bytes()?)?)?;
            } else {
                r.tlv_bytes()?;
            }
        }
        Ok(Tbs {
            version,
            serial,
            signature_algorithm,
            issuer,
            not_before,
            not_after,
            subject,
            spki,
            extensions,
        })
    })?;
    reader.finish()?;
    Ok(out)
}

/// (extnID content octets, extnValue content octets) of each extension.
type ExtensionList<'a> = Vec<(&'a [u8], &'a [u8])>;

/// The content of `Extensions ::= SEQUENCE OF Extension`, wrapped in the [3] EXPLICIT.
fn read_extensions(explicit: &[u8]) -> der::Result<ExtensionList<'_>> {
    let mut r = SliceReader::new(explicit)?;
    let out = r.sequence(|list| {
        let mut out = Vec::with_capacity(10);
        while !list.is_finished() {
            out.push(list.sequence(|ext| {
                let oid = ext.tlv_bytes()?;
                let _: ObjectIdentifier = Decode::from_der(oid)?;
                if Tag::peek(ext)? == Tag::Boolean {
                    bool::decode(ext)?;
                }
                let value = <&OctetStringRef>::decode(ext)?.as_bytes();
                Ok::<_, der::Error>((value_of(oid)?, value))
            })?);
        }
        Ok::<_, der::Error>(out)
    })?;
    r.finish()?;
    Ok(out)
}

/// One extension as encoded, with its criticality.
pub(crate) struct RawExtension<'a> {
    /// extnID content octets.
    pub(crate) oid: &'a [u8],
    /// critical (DEFAULT FALSE).
    pub(crate) critical: bool,
    /// extnValue content octets.
    pub(crate) value: &'a [u8],
}

/// The extensions of a tbsCertificate (tag and length included) with their
/// criticality, in order, for a certificate that parsing accepted: the other fields are
/// stepped over as TLVs, not decoded, so this costs a fraction of x509-cert's decoding
/// of the whole tbsCertificate.
pub(crate) fn extensions_with_criticality(tbs: &[u8]) -> der::Result<Vec<RawExtension<'_>>> {
    let mut reader = SliceReader::new(tbs)?;
    let out = reader.sequence(|r| {
        let mut out = Vec::new();
        while !r.is_finished() {
            let tlv = r.tlv_bytes()?;
            // extensions [3] EXPLICIT, the only field with this tag.
            if tlv.first() == Some(&0xa3) {
                let mut explicit = SliceReader::new(value_of(tlv)?)?;
                out = explicit.sequence(|list| {
                    let mut out = Vec::with_capacity(10);
                    while !list.is_finished() {
                        out.push(list.sequence(|ext| {
                            let oid = value_of(ext.tlv_bytes()?)?;
                            let critical = if Tag::peek(ext)? == Tag::Boolean {
                                bool::decode(ext)?
                            } else {
                                false
                            };
                            let value = <&OctetStringRef>::decode(ext)?.as_bytes();
                            Ok::<_, der::Error>(RawExtension {
                                oid,
                                critical,
                                value,
                            })
                        })?);
                    }
                    Ok::<_, der::Error>(out)
                })?;
                explicit.finish()?;
            }
        }
        Ok::<_, der::Error>(out)
    })?;
    reader.finish()?;
    Ok(out)
}

/// A minimal reader for the plain shape: single-byte tags, definite lengths in the
/// shortest form (at most 4 length octets). DER requires exactly this of every header
/// that der accepts with a low tag number, so the reader accepts a subset of what der
/// does; `None` means "not the plain shape", never "malformed".
#[derive(Clone, Copy)]
pub(crate) struct Plain<'a>(pub(crate) &'a [u8]);

impl<'a> Plain<'a> {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    /// (tag, content, whole TLV).
    pub(crate) fn next(&mut self) -> Option<(u8, &'a [u8], &'a [u8])> {
        let (&tag, rest) = self.0.split_first()?;
        if tag & 0x1f == 0x1f {
            return None; // a high tag number
        }
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = match first {
            0..=0x7f => (usize::from(first), rest),
            0x81..=0x84 => {
                let n = usize::from(first & 0x7f);
                let (bytes, rest) = rest.split_at_checked(n)?;
                if bytes[0] == 0 || (n == 1 && bytes[0] < 0x80) {
                    return None; // not the shortest form
                }
                let len = bytes
                    .iter()
                    .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
                (len, rest)
            }
            _ => return None, // indefinite or oversized
        };
        let (content, rest) = rest.split_at_checked(len)?;
        let whole = &self.0[..self.0.len() - rest.len()];
        self.0 = rest;
        Some((tag, content, whole))
    }

    /// The content of the next TLV if it has `tag`.
    pub(crate) fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        match self.next()? {
            (t, content, _) if t == tag => Some(content),
            _ => None,
        }
    }

    /// The content of a TLV that must be exactly `tlv`.
    fn only(tlv: &'a [u8], tag: u8) -> Option<&'a [u8]> {
        let mut r = Plain(tlv);
        let content = r.expect(tag)?;
        r.is_empty().then_some(content)
    }
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;

fn plain_oid(content: &[u8]) -> Option<()> {
    ObjectIdentifier::from_bytes(content).ok().map(|_| ())
}

/// `AlgorithmIdentifier` with the parameters real certificates use: absent, NULL, an
/// OID (EC curves) or a SEQUENCE (RSASSA-PSS).
fn plain_algorithm_id(content: &[u8]) -> Option<()> {
    let mut r = Plain(content);
    plain_oid(r.expect(OID)?)?;
    if r.is_empty() {
        return Some(());
    }
    match r.next()? {
        (0x05, [], _) | (OID | SEQUENCE, _, _) if r.is_empty() => Some(()),
        _ => None,
    }
}

/// A Name of single-valued RDNs whose values are string types.
fn plain_name_content(content: &[u8]) -> Option<()> {
    let mut rdns = Plain(content);
    while !rdns.is_empty() {
        let mut rdn = Plain(rdns.expect(SET)?);
        let mut atv = Plain(rdn.expect(SEQUENCE)?);
        plain_oid(atv.expect(OID)?)?;
        // UTF8String, PrintableString, TeletexString, IA5String
        match atv.next()? {
            (0x0c | 0x13 | 0x14 | 0x16, _, _) => {}
            _ => return None,
        }
        if !atv.is_empty() || !rdn.is_empty() {
            return None;
        }
    }
    Some(())
}

/// A canonical INTEGER's content (what der's INTEGER decoders insist on).
fn plain_integer(content: &[u8]) -> Option<&[u8]> {
    match content {
        [] | [0x00, 0x00..=0x7f, ..] | [0xff, 0x80..=0xff, ..] => None,
        _ => Some(content),
    }
}

/// The plain shape of `read_tbs`, read without the der crate (whose general machinery
/// costs more than the rest of a validation's parsing).
fn read_tbs_plain(tbs: &[u8]) -> Option<Tbs<'_>> {
    let mut r = Plain(Plain::only(tbs, SEQUENCE)?);
    let mut version = 1;
    if r.peek() == Some(0xa0) {
        version = match r.expect(0xa0)? {
            [0x02, 0x01, 0x01] => 2,
            [0x02, 0x01, 0x02] => 3,
            _ => return None,
        };
    }
    let serial = plain_integer(r.expect(0x02)?)?;
    let signature_algorithm = r.expect(SEQUENCE)?;
    plain_algorithm_id(signature_algorithm)?;
    let (_, issuer_content, issuer) = r.next().filter(|t| t.0 == SEQUENCE)?;
    plain_name_content(issuer_content)?;
    let (_, validity, _) = r.next().filter(|t| t.0 == SEQUENCE)?;
    let mut v = Plain(validity);
    let (_, _, nb) = v.next()?;
    let (_, _, na) = v.next()?;
    if !v.is_empty() {
        return None;
    }
    let (not_before, not_after) = (
        unix(Time::from_der(nb).ok()?),
        unix(Time::from_der(na).ok()?),
    );
    let (_, subject_content, subject) = r.next().filter(|t| t.0 == SEQUENCE)?;
    plain_name_content(subject_content)?;
    let (_, spki_content, spki) = r.next().filter(|t| t.0 == SEQUENCE)?;
    let mut k = Plain(spki_content);
    plain_algorithm_id(k.expect(SEQUENCE)?)?;
    // BIT STRING with no unused bits, and nothing after it.
    if !matches!(k.expect(0x03)?, [0, ..]) || !k.is_empty() {
        return None;
    }
    let mut extensions = Vec::new();
    if !r.is_empty() {
        let mut list = Plain(Plain::only(r.expect(0xa3)?, SEQUENCE)?);
        extensions.reserve(10);
        while !list.is_empty() {
            let mut ext = Plain(list.expect(SEQUENCE)?);
            let oid = ext.expect(OID)?;
            plain_oid(oid)?;
            if ext.peek() == Some(0x01) && ext.expect(0x01)? != [0xff] {
                return None; // an encoded FALSE (DER leaves the default out)
            }
            let value = ext.expect(0x04)?;
            if !ext.is_empty() {
                return None;
            }
            extensions.push((oid, value));
        }
        if !r.is_empty() {
            return None;
        }
    }
    Some(Tbs {
        version,
        serial,
        signature_algorithm,
        issuer,
        not_before,
        not_after,
        subject,
        spki,
        extensions,
    })
}

/// The parts of a SubjectPublicKeyInfo.
pub(crate) struct SpkiParts<'a> {
    /// The content octets of the algorithm identifier.
    pub(crate) algorithm: &'a [u8],
    /// The subjectPublicKey bits.
    pub(crate) public_key: &'a [u8],
}

/// Splits a SubjectPublicKeyInfo TLV.
pub(crate) fn split_spki(spki: &[u8]) -> der::Result<SpkiParts<'_>> {
    let mut plain = Plain(Plain::only(spki, SEQUENCE).unwrap_or_default());
    if let (Some(algorithm), Some([0, public_key @ ..])) =
        (plain.expect(SEQUENCE), plain.expect(0x03))
        && plain.is_empty()
    {
        return Ok(SpkiParts {
            algorithm,
            public_key,
        });
    }
    let mut reader = SliceReader::new(spki)?;
    let parts = reader.sequence(|r| {
        let algorithm = value_of(r.tlv_bytes()?)?;
        let public_key = octet_aligned_bits(r)?;
        Ok::<_, der::Error>(SpkiParts {
            algorithm,
            public_key,
        })
    })?;
    reader.finish()?;
    Ok(parts)
}

/// The content octets of one complete TLV.
pub(crate) fn value_of(tlv: &[u8]) -> der::Result<&[u8]> {
    let mut plain = Plain(tlv);
    if let Some((_, content, _)) = plain.next()
        && plain.is_empty()
    {
        return Ok(content);
    }
    let mut reader = SliceReader::new(tlv)?;
    let header = Header::decode(&mut reader)?;
    let value = reader.read_slice(header.length())?;
    reader.finish()?;
    Ok(value)
}

/// The next BIT STRING's bytes, refused unless it is a whole number of octets (signatures
/// and public keys always are).
fn octet_aligned_bits<'a>(r: &mut SliceReader<'a>) -> der::Result<&'a [u8]> {
    let bits: BitStringRef<'a> = r.decode()?;
    bits.as_bytes().ok_or_else(|| {
        der::Error::from(der::ErrorKind::Noncanonical {
            tag: Tag::BitString,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;
    use x509_cert::certificate::{Raw, TbsCertificateInner};

    fn corpus() -> Vec<Vec<u8>> {
        use chainvet_testkit::{Chain, KeyKind, fixture};
        let mut ders = Vec::new();
        for (n, kind) in [
            (1, KeyKind::P256),
            (2, KeyKind::Ed25519),
            (1, KeyKind::Rsa2048),
        ] {
            ders.extend(Chain::new(n, kind).ders());
        }
        for name in [
            "sha1-signed",
            "md5-signed",
            "pss-signed",
            "secp256k1-key",
            "ed448-key",
        ] {
            for block in pem_rfc7468_blocks(fixture(name)) {
                ders.push(block);
            }
        }
        ders
    }

    fn pem_rfc7468_blocks(text: &str) -> Vec<Vec<u8>> {
        text.split_inclusive("-----END CERTIFICATE-----")
            .filter_map(|chunk| {
                let start = chunk.find("-----BEGIN CERTIFICATE-----")?;
                pem_rfc7468::decode_vec(&chunk.as_bytes()[start..])
                    .ok()
                    .map(|(_, d)| d)
            })
            .collect()
    }

    fn same_fields(t: &Tbs<'_>, x: &TbsCertificateInner<Raw>) {
        let version = match x.version() {
            x509_cert::certificate::Version::V1 => 1,
            x509_cert::certificate::Version::V2 => 2,
            x509_cert::certificate::Version::V3 => 3,
        };
        assert_eq!(t.version, version);
        assert_eq!(t.serial, x.serial_number().as_bytes());
        assert_eq!(
            t.signature_algorithm,
            value_of(&x.signature().to_der().unwrap()).unwrap()
        );
        assert_eq!(t.issuer, &x.issuer().to_der().unwrap()[..]);
        assert_eq!(t.subject, &x.subject().to_der().unwrap()[..]);
        assert_eq!(t.spki, &x.subject_public_key_info().to_der().unwrap()[..]);
        assert_eq!(t.not_before, unix(x.validity().not_before));
        assert_eq!(t.not_after, unix(x.validity().not_after));
        let exts: Vec<(&[u8], &[u8])> = x
            .extensions()
            .map(|l| {
                l.iter()
                    .map(|e| (e.extn_id.as_bytes(), e.extn_value.as_bytes()))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(t.extensions, exts);
    }

    /// The one-pass reader never accepts what x509-cert rejects, and reads the same
    /// values: over real certificates and thousands of mutations of them.
    #[test]
    fn plain_reader_agrees_with_x509_cert() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (mut plain, mut deferred, mut rejected) = (0, 0, 0);
        for der in corpus() {
            let tbs = split_certificate(&der).unwrap().tbs.to_vec();
            let plain_tbs = read_tbs(&tbs, Shape::Plain)
                .unwrap()
                .expect("real certificates are plain");
            same_fields(
                &plain_tbs,
                &TbsCertificateInner::<Raw>::from_der(&tbs).unwrap(),
            );
            for _ in 0..3_000 {
                let mut m = tbs.clone();
                for _ in 0..1 + next() % 3 {
                    let i = (next() as usize) % m.len();
                    match next() % 4 {
                        0 => m[i] ^= 1 << (next() % 8),
                        1 => m[i] = next() as u8,
                        2 => m.truncate(i.max(1)),
                        _ => m.insert(i, next() as u8),
                    }
                }
                let x509 = TbsCertificateInner::<Raw>::from_der(&m);
                match read_tbs(&m, Shape::Plain) {
                    Ok(Some(t)) => {
                        plain += 1;
                        let x = x509.unwrap_or_else(|e| {
                            panic!(
                                "x509-cert rejects what the plain reader took: {e}\n{}",
                                hex::encode(&m)
                            )
                        });
                        same_fields(&t, &x);
                    }
                    _ => match x509 {
                        Ok(x) => {
                            deferred += 1;
                            let t = read_tbs(&m, Shape::Any)
                                .unwrap()
                                .expect("any shape x509-cert takes");
                            same_fields(&t, &x);
                        }
                        Err(_) => rejected += 1,
                    },
                }
            }
        }
        eprintln!("{plain} plain, {deferred} deferred, {rejected} rejected");
        assert!(plain > 100 && rejected > 100);
    }

    #[test]
    fn plain_splitting_agrees_with_der() {
        for der in corpus() {
            let plain = split_certificate_plain(&der).expect("plain");
            let tbs = plain.tbs;
            let mut r = SliceReader::new(&der).unwrap();
            let (t, a, sig) = r
                .sequence(|r| {
                    let t = r.tlv_bytes()?;
                    let a = r.tlv_bytes()?;
                    let s: BitStringRef<'_> = r.decode()?;
                    Ok::<_, der::Error>((t, a, s.as_bytes().unwrap()))
                })
                .unwrap();
            assert_eq!(
                (plain.tbs, plain.signature_algorithm, plain.signature),
                (t, &a[2..], sig)
            );
            let spki = read_tbs(tbs, Shape::Any).unwrap().unwrap().spki;
            let parts = split_spki(spki).unwrap();
            let mut r = SliceReader::new(spki).unwrap();
            let (alg, key) = r
                .sequence(|r| {
                    let a = r.tlv_bytes()?;
                    let k: BitStringRef<'_> = r.decode()?;
                    Ok::<_, der::Error>((a, k.as_bytes().unwrap()))
                })
                .unwrap();
            assert_eq!((parts.algorithm, parts.public_key), (&alg[2..], key));
        }
    }

    #[test]
    fn unusual_shapes_are_deferred_to_x509_cert() {
        let der = chainvet_testkit::Chain::standard().ders().remove(0);
        let tbs = split_certificate(&der).unwrap().tbs.to_vec();
        // An explicit `critical FALSE` (DER says leave the default out).
        let t = read_tbs(&tbs, Shape::Plain).unwrap().unwrap();
        assert!(!t.extensions.is_empty());
        let mut odd = tbs.clone();
        let pos = odd
            .windows(3)
            .position(|w| w == [0x01, 0x01, 0xff])
            .expect("a critical extension");
        odd[pos + 2] = 0x00;
        assert!(!matches!(read_tbs(&odd, Shape::Plain), Ok(Some(_))));
    }
}
