//! Serial numbers: compared as the integers they encode, shown as OpenSSL shows them
//! (a negative one with its sign), whatever redundant bytes a CA wrote.

/// A serial's content octets with redundant leading bytes removed: the minimal two's
/// complement encoding, so equal integers compare equal.
pub(crate) fn canonical_serial(content: &[u8]) -> &[u8] {
    let mut s = content;
    while let [first, second, ..] = s {
        let redundant =
            (*first == 0x00 && second & 0x80 == 0) || (*first == 0xff && second & 0x80 != 0);
        if !redundant {
            break;
        }
        s = &s[1..];
    }
    s
}

/// A serial in lowercase hex without the sign byte: `8001` for content `00 80 01`. A
/// negative serial (non-conforming but seen) is shown as `-` and its magnitude.
pub(crate) fn serial_display(content: &[u8]) -> String {
    let s = canonical_serial(content);
    match s.first() {
        None => "00".to_owned(),
        Some(b) if b & 0x80 != 0 => {
            // Two's complement negation: invert and add one.
            let mut magnitude: Vec<u8> = s.iter().map(|b| !b).collect();
            for byte in magnitude.iter_mut().rev() {
                let (sum, carry) = byte.overflowing_add(1);
                *byte = sum;
                if !carry {
                    break;
                }
            }
            let trimmed = match magnitude.iter().position(|&b| b != 0) {
                Some(i) => &magnitude[i..],
                None => &magnitude[magnitude.len().saturating_sub(1)..],
            };
            format!("-{}", hex::encode(trimmed))
        }
        Some(_) => super::serial_hex(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_compare_as_integers() {
        assert_eq!(canonical_serial(&[0x00, 0x80, 0x01]), &[0x00, 0x80, 0x01]);
        assert_eq!(
            canonical_serial(&[0x00, 0x00, 0x80, 0x01]),
            &[0x00, 0x80, 0x01]
        );
        assert_eq!(canonical_serial(&[0x00, 0x00, 0x01]), &[0x01]);
        assert_eq!(canonical_serial(&[0xff, 0x80]), &[0x80]);
        assert_eq!(canonical_serial(&[0x00]), &[0x00]);
        // 128 and -128 are different integers.
        assert_ne!(canonical_serial(&[0x00, 0x80]), canonical_serial(&[0x80]));
    }

    #[test]
    fn serials_display_without_sign_byte() {
        assert_eq!(serial_display(&[0x00, 0x80, 0x01]), "8001");
        assert_eq!(serial_display(&[0x00, 0x00, 0x01]), "01");
        assert_eq!(serial_display(&[0x0a, 0x00]), "0a00");
        assert_eq!(serial_display(&[0x00]), "00");
        assert_eq!(serial_display(&[]), "00");
        assert_eq!(serial_display(&[0xff]), "-01");
        assert_eq!(serial_display(&[0x80]), "-80");
        assert_eq!(serial_display(&[0xff, 0x00]), "-0100");
        let twenty = [0xffu8; 20];
        let mut with_sign = vec![0u8];
        with_sign.extend_from_slice(&twenty);
        assert_eq!(serial_display(&with_sign), "ff".repeat(20));
    }
}
