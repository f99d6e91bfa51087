//! The text form of a license file (`docs/FORMAT.md` §1):
//!
//! ```text
//! -----BEGIN LICET LICENSE-----
//! <standard base64 (RFC 4648 §4) with padding, 64 characters a line>
//! -----END LICET LICENSE-----
//! ```
//!
//! Decoding accepts LF or CRLF line ends, surrounding whitespace and lines up
//! to 76 characters (a multiple of 4, padding only at the very end), and
//! needs no allocator: it decodes into a caller's buffer, constant-time
//! (base64ct).

use crate::error::{DecodeError, DecodeErrorKind};
use base64ct::{Base64, Encoding};

/// First line of the armor.
pub const BEGIN: &str = "-----BEGIN LICET LICENSE-----";
/// Last line of the armor.
pub const END: &str = "-----END LICET LICENSE-----";
/// Characters per base64 line when writing.
pub const LINE_WIDTH: usize = 64;
/// Longest base64 line accepted when reading.
pub const MAX_LINE_WIDTH: usize = 76;

/// True when `input` starts (after whitespace) like an armored license.
pub fn is_armored(input: &[u8]) -> bool {
    input.trim_ascii_start().starts_with(b"-----BEGIN ")
}

fn armor_err(offset: usize, what: &'static str) -> DecodeError {
    DecodeError::new(offset, DecodeErrorKind::Armor { what })
}

/// Decodes an armored license into `out`, returning the binary bytes.
/// Offsets in errors are offsets in the text.
pub fn decode<'o>(text: &[u8], out: &'o mut [u8]) -> Result<&'o [u8], DecodeError> {
    let mut lines = Lines { text, pos: 0 };
    let first = loop {
        match lines.next() {
            Some((_, [])) => continue,
            Some(l) => break l,
            None => return Err(armor_err(0, "empty input")),
        }
    };
    if first.1 != BEGIN.as_bytes() {
        return Err(armor_err(
            first.0,
            "first line is not -----BEGIN LICET LICENSE-----",
        ));
    }
    let mut len = 0usize;
    let mut padded = false;
    loop {
        let Some((off, line)) = lines.next() else {
            return Err(armor_err(
                text.len(),
                "missing -----END LICET LICENSE----- line",
            ));
        };
        if line == END.as_bytes() {
            break;
        }
        if padded {
            return Err(armor_err(off, "data after base64 padding"));
        }
        if line.is_empty() || line.len() > MAX_LINE_WIDTH || line.len() % 4 != 0 {
            return Err(armor_err(
                off,
                "base64 line length is not a multiple of 4 up to 76",
            ));
        }
        let dest = out
            .get_mut(len..)
            .ok_or_else(|| armor_err(off, "license larger than the buffer"))?;
        let written = Base64::decode(line, dest)
            .map_err(|e| match e {
                base64ct::Error::InvalidLength => armor_err(off, "license larger than the buffer"),
                base64ct::Error::InvalidEncoding => armor_err(off, "invalid base64"),
            })?
            .len();
        padded = line.ends_with(b"=");
        len = len
            .checked_add(written)
            .ok_or_else(|| armor_err(off, "license larger than the buffer"))?;
    }
    for (off, rest) in lines {
        if !rest.is_empty() {
            return Err(armor_err(off, "text after the END line"));
        }
    }
    if len == 0 {
        return Err(armor_err(0, "no data between BEGIN and END"));
    }
    out.get(..len)
        .ok_or_else(|| armor_err(0, "license larger than the buffer"))
}

/// Lines of `text` with their offsets, without line ends or surrounding
/// spaces and tabs.
struct Lines<'t> {
    text: &'t [u8],
    pos: usize,
}

impl<'t> Iterator for Lines<'t> {
    type Item = (usize, &'t [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.text.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let start = self.pos;
        let (line, advance) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (rest.get(..i)?, i.checked_add(1)?),
            None => (rest, rest.len()),
        };
        self.pos = self.pos.checked_add(advance)?;
        Some((start, line.trim_ascii()))
    }
}

/// The armored text of a binary license file, lines ending in LF.
#[cfg(feature = "alloc")]
pub fn encode(bytes: &[u8]) -> alloc::string::String {
    use alloc::string::String;
    let b64 = Base64::encode_string(bytes);
    let lines = b64.len().div_ceil(LINE_WIDTH);
    let mut out = String::with_capacity(b64.len().saturating_add(lines).saturating_add(64));
    out.push_str(BEGIN);
    out.push('\n');
    for chunk in b64.as_bytes().chunks(LINE_WIDTH) {
        // base64 output is ASCII.
        out.extend(chunk.iter().map(|b| char::from(*b)));
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    extern crate alloc;
    use alloc::vec::Vec;

    #[test]
    fn round_trip_various_lengths() {
        for n in [1usize, 2, 3, 47, 48, 49, 95, 96, 97, 500] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 + 3) as u8).collect();
            let text = encode(&data);
            let mut buf = [0u8; 600];
            assert_eq!(decode(text.as_bytes(), &mut buf).unwrap(), &data[..]);
            let crlf = text.replace('\n', "\r\n");
            assert_eq!(decode(crlf.as_bytes(), &mut buf).unwrap(), &data[..]);
        }
    }

    #[test]
    fn fail_broken_armor() {
        let good = encode(b"hello licet, this is long enough for two lines of base64 output ok");
        let mut buf = [0u8; 256];
        let cases = [
            good.replace("BEGIN LICET", "BEGIN X"),
            good.replace("-----END LICET LICENSE-----\n", ""),
            good.replacen('a', "!", 1),
            format!("{good}trailing"),
            String::from(""),
            format!("{BEGIN}\n{END}\n"),
        ];
        for case in cases {
            let e = decode(case.as_bytes(), &mut buf).unwrap_err();
            assert!(
                matches!(e.kind, DecodeErrorKind::Armor { .. }),
                "{case:?}: {e:?}"
            );
        }
        let mut small = [0u8; 4];
        assert!(decode(good.as_bytes(), &mut small).is_err());
    }

    use alloc::format;
    use alloc::string::String;
}
