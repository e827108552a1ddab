//! Distinguished names as RFC 4514 strings, exactly as x509-cert's `Display` writes them
//! but without its per-attribute scan of the whole OID database (which made formatting
//! the names of a report cost more than parsing the certificates).

use core::fmt::Write as _;
use std::sync::OnceLock;

use const_oid::ObjectIdentifier;
use der::asn1::{Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
use der::{Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;

use crate::der::Plain;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

/// The attribute types seen in practically every certificate name.
const COMMON: &[&str] = &[
    "2.5.4.3",                    // commonName
    "2.5.4.6",                    // countryName
    "2.5.4.10",                   // organizationName
    "2.5.4.11",                   // organizationalUnitName
    "2.5.4.7",                    // localityName
    "2.5.4.8",                    // stateOrProvinceName
    "2.5.4.9",                    // streetAddress
    "2.5.4.5",                    // serialNumber
    "2.5.4.12",                   // title
    "2.5.4.4",                    // surname
    "2.5.4.42",                   // givenName
    "2.5.4.17",                   // postalCode
    "2.5.4.97",                   // organizationIdentifier
    "0.9.2342.19200300.100.1.25", // domainComponent
    "0.9.2342.19200300.100.1.1",  // userId
    "1.2.840.113549.1.9.1",       // emailAddress
];

/// (type, the name x509-cert would print for it), computed once the way x509-cert
/// computes it: the shortest database name, the first of equals, upper-cased.
fn labels() -> &'static [(ObjectIdentifier, String)] {
    static LABELS: OnceLock<Vec<(ObjectIdentifier, String)>> = OnceLock::new();
    LABELS.get_or_init(|| {
        COMMON
            .iter()
            .filter_map(|s| {
                let oid = ObjectIdentifier::new(s).ok()?;
                let name = const_oid::db::DB
                    .find_names_for_oid(oid)
                    .min_by_key(|n| n.len())?;
                Some((oid, name.to_ascii_uppercase()))
            })
            .collect()
    })
}

fn string_value(atv: &AttributeTypeAndValue) -> Option<&str> {
    match atv.value.tag() {
        Tag::PrintableString => PrintableStringRef::try_from(&atv.value)
            .ok()
            .map(|s| s.as_str()),
        Tag::Utf8String => Utf8StringRef::try_from(&atv.value).ok().map(|s| s.as_str()),
        Tag::Ia5String => Ia5StringRef::try_from(&atv.value).ok().map(|s| s.as_str()),
        Tag::TeletexString => TeletexStringRef::try_from(&atv.value)
            .ok()
            .map(|s| s.as_str()),
        _ => None,
    }
}

fn label_of(oid: &ObjectIdentifier) -> Option<&'static str> {
    labels()
        .iter()
        .find(|(o, _)| o == oid)
        .map(|(_, l)| l.as_str())
}

fn write_atv(out: &mut String, atv: &AttributeTypeAndValue) {
    let (Some(label), Some(value)) = (label_of(&atv.oid), string_value(atv)) else {
        // Anything unusual: x509-cert's own rendering (it cannot fail for a decoded name).
        let _ = write!(out, "{atv}");
        return;
    };
    push_escaped(out, label, value);
}

/// `LABEL=value` with RFC 4514 section 2.4 escaping, as x509-cert does it.
fn push_escaped(out: &mut String, label: &str, value: &str) {
    out.push_str(label);
    out.push('=');
    let mut chars = value.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || chars.peek().is_none() => out.push_str("\\ "),
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\x00'..='\x1f' | '\x7f' => {
                let _ = write!(out, "\\{:02x}", c as u8);
            }
            _ => out.push(c),
        }
    }
}

/// The RFC 4514 string of a Name given as its DER content octets, without decoding it
/// into x509-cert types; `None` when the name has anything the common case lacks
/// (multi-valued RDNs, attribute types outside the table, other string types, more than
/// 16 RDNs), for `to_rfc4514` on the decoded `Name` to render.
pub(crate) fn raw_to_rfc4514(content: &[u8], empty: &str) -> Option<String> {
    if content.is_empty() {
        return Some(empty.to_owned());
    }
    let mut rdns: [&[u8]; 16] = [&[]; 16];
    let mut n = 0;
    let mut reader = Plain(content);
    while !reader.is_empty() {
        *rdns.get_mut(n)? = reader.expect(0x31)?;
        n += 1;
    }
    let mut out = String::with_capacity(content.len());
    for (i, rdn) in rdns[..n].iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut set = Plain(rdn);
        let mut atv = Plain(set.expect(0x30)?);
        if !set.is_empty() {
            return None; // a multi-valued RDN
        }
        let oid = atv.expect(0x06)?;
        let (tag, value, _) = atv.next()?;
        if !atv.is_empty() {
            return None;
        }
        // The same checks x509-cert applies before printing a value as text.
        let text = match tag {
            0x13 => PrintableStringRef::new(value).ok()?.as_str(),
            0x0c => Utf8StringRef::new(value).ok()?.as_str(),
            0x16 => Ia5StringRef::new(value).ok()?.as_str(),
            0x14 => TeletexStringRef::new(value).ok()?.as_str(),
            _ => return None,
        };
        let label = labels().iter().find(|(o, _)| o.as_bytes() == oid)?;
        push_escaped(&mut out, &label.1, text);
    }
    Some(out)
}

/// The RFC 4514 string of a name (`empty` when it has no attributes).
pub(crate) fn to_rfc4514(name: &Name, empty: &str) -> String {
    if name.is_empty() {
        return empty.to_owned();
    }
    let mut out = String::with_capacity(64);
    let rdns: &RdnSequence = name.as_ref();
    let rdns: &Vec<RelativeDistinguishedName> = rdns.as_ref();
    // RFC 4514 section 2.1: the last RDN first.
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            write_atv(&mut out, atv);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Decode, Encode};
    use std::str::FromStr;

    fn same_as_x509_cert(dn: &str) {
        let name = Name::from_str(dn).expect("parses");
        let der = name.to_der().unwrap();
        let round = Name::from_der(&der).unwrap();
        assert_eq!(to_rfc4514(&round, "-"), round.to_string(), "{dn}");
        let content = crate::der::value_of(&der).unwrap();
        if let Some(raw) = raw_to_rfc4514(content, "-") {
            assert_eq!(raw, round.to_string(), "{dn}");
        }
    }

    #[test]
    fn matches_x509_cert_display() {
        for dn in [
            "CN=Test Leaf,O=Example Client GmbH,C=DE",
            "CN=a\\,b\\+c\\;d\\<e\\>f\\\"g\\\\h,O=x",
            "CN=\\#hash,OU=\\ lead and trail\\ ",
            "CN=Ünïcödé,L=Zürich,ST=ZH",
            "DC=com,DC=example,UID=jsmith,CN=J. Smith",
            "CN=multi+OU=valued,O=rdn",
            "2.5.4.65=#0c0670736575646f,CN=unknown type",
            "SERIALNUMBER=1234,STREET=Main St 1,POSTALCODE=10115,TITLE=Dr",
            "CN=x,1.2.840.113549.1.9.1=#160b6140652e6578616d706c65",
        ] {
            same_as_x509_cert(dn);
        }
        assert_eq!(to_rfc4514(&Name::default(), "<empty>"), "<empty>");
        assert_eq!(raw_to_rfc4514(&[], "<empty>").as_deref(), Some("<empty>"));
        // The common case is taken by the raw path.
        let der = Name::from_str("CN=a\\,b,O=Ünï,C=DE")
            .unwrap()
            .to_der()
            .unwrap();
        let content = crate::der::value_of(&der).unwrap();
        assert_eq!(
            raw_to_rfc4514(content, "-").as_deref(),
            Some("CN=a\\,b,O=Ünï,C=DE")
        );
    }

    #[test]
    fn labels_cover_the_common_types() {
        assert!(labels().len() >= COMMON.len() - 1, "{:?}", labels());
        let cn = labels().iter().find(|(o, _)| o.to_string() == "2.5.4.3");
        assert_eq!(cn.map(|(_, l)| l.as_str()), Some("CN"));
    }
}
