//! CBOR diagnostic notation (RFC 8949 §8, with RFC 8610 Appendix G's
//! `<< >>` for byte strings holding CBOR) for the subset licet uses, written
//! for the worked example in docs/FORMAT.md.

/// Renders `bytes` (one data item) in indented diagnostic notation; byte
/// strings that hold exactly one well-formed item are shown as `<< item >>`
/// when `embedded` says so for their path.
pub fn diag(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut pos = 0;
    item(bytes, &mut pos, 0, &mut out).expect("a well-formed item of the supported subset");
    assert_eq!(pos, bytes.len(), "trailing bytes");
    out
}

fn head(b: &[u8], pos: &mut usize) -> Option<(u8, u64)> {
    let ib = *b.get(*pos)?;
    *pos += 1;
    let (major, info) = (ib >> 5, ib & 0x1f);
    let n = match info {
        0..=23 => 0,
        24 => 1,
        25 => 2,
        26 => 4,
        27 => 8,
        _ => return None,
    };
    let mut arg = u64::from(info);
    if n > 0 {
        arg = b
            .get(*pos..*pos + n)?
            .iter()
            .fold(0, |a, x| (a << 8) | u64::from(*x));
        *pos += n;
    }
    Some((major, arg))
}

fn is_single_item(b: &[u8]) -> bool {
    if b.is_empty() || !matches!(b[0] >> 5, 4 | 5) {
        return false;
    }
    let mut pos = 0;
    let mut out = String::new();
    item(b, &mut pos, 0, &mut out).is_some() && pos == b.len()
}

fn item(b: &[u8], pos: &mut usize, indent: usize, out: &mut String) -> Option<()> {
    let pad = "  ".repeat(indent + 1);
    let (major, arg) = head(b, pos)?;
    match major {
        0 => out.push_str(&arg.to_string()),
        1 => out.push_str(&format!("-{}", u128::from(arg) + 1)),
        2 => {
            let len = usize::try_from(arg).ok()?;
            let data = b.get(*pos..pos.checked_add(len)?)?;
            *pos += len;
            if is_single_item(data) {
                let mut p = 0;
                out.push_str("<< ");
                item(data, &mut p, indent, out)?;
                out.push_str(" >>");
            } else {
                out.push_str(&format!(
                    "h'{}'",
                    data.iter().map(|x| format!("{x:02x}")).collect::<String>()
                ));
            }
        }
        3 => {
            let len = usize::try_from(arg).ok()?;
            out.push_str(&format!(
                "\"{}\"",
                std::str::from_utf8(b.get(*pos..pos.checked_add(len)?)?).ok()?
            ));
            *pos += len;
        }
        4 => {
            if arg == 0 {
                out.push_str("[]");
                return Some(());
            }
            out.push_str("[\n");
            for i in 0..arg {
                out.push_str(&pad);
                item(b, pos, indent + 1, out)?;
                out.push_str(if i + 1 < arg { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push(']');
        }
        5 => {
            if arg == 0 {
                out.push_str("{}");
                return Some(());
            }
            out.push_str("{\n");
            for i in 0..arg {
                out.push_str(&pad);
                item(b, pos, indent + 1, out);
                out.push_str(": ");
                item(b, pos, indent + 1, out)?;
                out.push_str(if i + 1 < arg { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push('}');
        }
        6 => {
            out.push_str(&format!("{arg}("));
            item(b, pos, indent, out)?;
            out.push(')');
        }
        7 => out.push_str(match arg {
            20 => "false",
            21 => "true",
            22 => "null",
            _ => return None,
        }),
        _ => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::diag;

    #[test]
    fn renders_the_basics() {
        assert_eq!(diag(&[0x82, 0x01, 0x20]), "[\n  1,\n  -1\n]");
        assert_eq!(diag(&[0xa1, 0x01, 0xf6]), "{\n  1: null\n}");
        assert_eq!(diag(&[0x42, 0xab, 0xcd]), "h'abcd'");
        assert_eq!(diag(&[0x43, 0xa1, 0x01, 0x02]), "<< {\n  1: 2\n} >>");
        assert_eq!(diag(&[0x3a, 0x00, 0x01, 0x00, 0x00]), "-65537");
    }
}
