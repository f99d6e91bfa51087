//! The text form of a license file (`docs/FORMAT.md` §1):
//!
//! ```text
//! -----BEGIN LICET LICENSE-----
//! <standard base64 (RFC 4648 §4) with padding, 64 characters a line>
//! -----END LICET LICENSE-----
//! ```
//!
//! Writing produces exactly that. Reading takes the text as people paste it
//! (one reader for the CLI, the C ABI and the inspector): a UTF-8 byte order
//! mark, CRLF or CR line ends, spaces, tabs and no-break spaces anywhere,
//! email quoting (`> `, `> > `) at line starts, lines re-wrapped to any
//! width, and any text before the BEGIN line and after the END line (the
//! rest of an email). What is really broken gets a [`Problem`] that says so
//! in plain words, with what to do. Reading needs no allocator: it decodes
//! into a caller's buffer, each 4-character group constant-time (base64ct).

use crate::error::{DecodeError, DecodeErrorKind};
use base64ct::{Base64, Encoding};

/// First line of the armor.
pub const BEGIN: &str = "-----BEGIN LICET LICENSE-----";
/// Last line of the armor.
pub const END: &str = "-----END LICET LICENSE-----";
/// Characters per base64 line when writing.
pub const LINE_WIDTH: usize = 64;

/// What is wrong with a text that should hold a license.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Nothing but whitespace.
    Empty,
    /// Saved as UTF-16 (a byte order mark FF FE or FE FF).
    Utf16,
    /// A `-----BEGIN PUBLIC KEY-----` block.
    PublicKey,
    /// A `-----BEGIN … PRIVATE KEY-----` block.
    SecretKey,
    /// Another `-----BEGIN …-----` block.
    OtherBlock,
    /// Text without a BEGIN line.
    NoBegin,
    /// An END line without a BEGIN line before it.
    BeginMissing,
    /// Only base64, without the BEGIN and END lines.
    BodyOnly,
    /// A BEGIN line without an END line after it.
    EndMissing,
    /// A character between BEGIN and END that is not base64.
    NotBase64,
    /// The base64 stops in the middle of a group: characters are missing.
    Incomplete,
    /// Base64 after the padding (`=`) that ends the data.
    AfterPadding,
    /// Nothing between the BEGIN and END lines.
    NoData,
    /// A second license after the first one's END line.
    SeveralLicenses,
    /// More data than the largest license file.
    TooLarge,
    /// The base64 decodes, but not to a license: lines were dropped or
    /// changed between BEGIN and END.
    Damaged,
}

impl Problem {
    /// One line that says what is wrong.
    pub const fn message(self) -> &'static str {
        match self {
            Self::Empty => "the file is empty",
            Self::Utf16 => "the text is saved as UTF-16, not as UTF-8 or plain ASCII",
            Self::PublicKey => "this is a public key, not a license",
            Self::SecretKey => "this is a secret key, not a license",
            Self::OtherBlock => "this is a -----BEGIN block of another kind, not a licet license",
            Self::NoBegin => {
                "this is text without a license in it (no -----BEGIN LICET LICENSE----- line)"
            }
            Self::BeginMissing => {
                "the BEGIN line is missing: the start of the license was not copied"
            }
            Self::BodyOnly => {
                "the -----BEGIN LICET LICENSE----- and -----END LICET LICENSE----- lines are missing: only the middle of the license was copied"
            }
            Self::EndMissing => "the END line is missing: the file was cut",
            Self::NotBase64 => {
                "a character between the BEGIN and END lines is not part of a license"
            }
            Self::Incomplete => {
                "the license text is incomplete: characters are missing between the BEGIN and END lines"
            }
            Self::AfterPadding => "the license text goes on after its end (the '=' padding)",
            Self::NoData => "there is nothing between the BEGIN and END lines",
            Self::SeveralLicenses => "the text holds more than one license",
            Self::TooLarge => "the license text is larger than any license can be",
            Self::Damaged => {
                "the license text is damaged: lines between the BEGIN and END lines are missing or were changed"
            }
        }
    }

    /// What to do about it.
    pub const fn hint(self) -> &'static str {
        match self {
            Self::Empty | Self::BeginMissing | Self::EndMissing | Self::Incomplete => {
                "copy the whole license again, from the -----BEGIN line to the -----END line, or ask its issuer for the file"
            }
            Self::Utf16 => "save the text again as UTF-8 (\"plain text\") and try again",
            Self::PublicKey => {
                "a public key goes to --trust; the license is the .lic file its issuer sent"
            }
            Self::SecretKey => {
                "keep it private and do not send it to anyone; the license is the .lic file its issuer sent"
            }
            Self::OtherBlock | Self::NoBegin => {
                "a licet license starts with -----BEGIN LICET LICENSE-----; ask its issuer for the .lic file"
            }
            Self::BodyOnly => "copy the license again with its -----BEGIN and -----END lines",
            Self::Damaged => {
                "copy the whole license again, or ask its issuer for the file (an attachment survives email better than pasted text)"
            }
            Self::NotBase64 | Self::AfterPadding => {
                "the text was changed after it was copied (an email client or an editor); send the .lic file as an attachment instead"
            }
            Self::NoData => "the license was not copied: ask its issuer for the file again",
            Self::SeveralLicenses => "save each license in its own file",
            Self::TooLarge => "this is not a licet license, or two were pasted into one",
        }
    }

    /// Whether the error's offset points at the place that is wrong (it
    /// does for characters inside the armor, not for a missing line).
    pub const fn has_position(self) -> bool {
        matches!(
            self,
            Self::NotBase64 | Self::AfterPadding | Self::SeveralLicenses
        )
    }
}

fn problem(offset: usize, problem: Problem) -> DecodeError {
    DecodeError::new(offset, DecodeErrorKind::Armor { problem })
}

/// True when `input` is text to be read as armor: it holds a `-----BEGIN `
/// line, or it has none of the control bytes a binary license always has.
/// A binary license file starts with 0x82 (the container's array head).
pub fn is_armored(input: &[u8]) -> bool {
    if input.first() == Some(&0x82) {
        return false;
    }
    find(input, b"-----BEGIN ").is_some()
        || !input
            .iter()
            .any(|b| matches!(b, 0x00..=0x08 | 0x0e..=0x1a | 0x1c..=0x1f | 0x7f))
}

/// The first offset of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Length of the space-like character at the start of `s`: ASCII
/// whitespace, a no-break space (U+00A0, also as the single Latin-1 byte),
/// a byte order mark or zero-width space, a narrow or figure space.
fn space_len(s: &[u8]) -> usize {
    match s {
        [b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c | 0xa0, ..] => 1,
        [0xc2, 0xa0, ..] => 2,
        [0xef, 0xbb, 0xbf, ..] | [0xe2, 0x80, 0x8b | 0x87 | 0xaf, ..] => 3,
        _ => 0,
    }
}

/// Decodes the license in `text` into `out`, returning the binary bytes.
/// Offsets in errors are offsets in the text.
pub fn decode<'o>(text: &[u8], out: &'o mut [u8]) -> Result<&'o [u8], DecodeError> {
    if text.starts_with(&[0xff, 0xfe]) || text.starts_with(&[0xfe, 0xff]) {
        return Err(problem(0, Problem::Utf16));
    }
    let Some(begin) = find(text, BEGIN.as_bytes()) else {
        return Err(problem(0, classify(text)));
    };
    let body_start = begin.saturating_add(BEGIN.len());
    let rest = text.get(body_start..).unwrap_or_default();
    let Some(end) = find(rest, END.as_bytes()) else {
        return Err(problem(text.len(), Problem::EndMissing));
    };
    let body = rest.get(..end).unwrap_or_default();
    if let Some(again) = find(body, BEGIN.as_bytes()) {
        // A second BEGIN before the first END: the first license was cut.
        return Err(problem(
            body_start.saturating_add(again),
            Problem::EndMissing,
        ));
    }
    let after_end = body_start.saturating_add(end).saturating_add(END.len());
    if let Some(again) = find(text.get(after_end..).unwrap_or_default(), BEGIN.as_bytes()) {
        return Err(problem(
            after_end.saturating_add(again),
            Problem::SeveralLicenses,
        ));
    }
    decode_body(body, body_start, out)
}

/// Decodes the base64 between the armor lines: spaces of every kind and
/// quote marks at line starts are skipped, everything else is base64 read in
/// groups of four, padding only in the last group.
fn decode_body<'o>(body: &[u8], base: usize, out: &'o mut [u8]) -> Result<&'o [u8], DecodeError> {
    let mut quad = [0u8; 4];
    let mut filled = 0usize;
    let mut quad_at = base;
    let mut len = 0usize;
    let mut padded = false;
    let mut line_start = true;
    let mut i = 0usize;
    while let Some(rest) = body.get(i..).filter(|r| !r.is_empty()) {
        let at = base.saturating_add(i);
        let space = space_len(rest);
        if space > 0 {
            if matches!(rest.first(), Some(b'\n' | b'\r')) {
                line_start = true;
            }
            i = i.saturating_add(space);
            continue;
        }
        i = i.saturating_add(1);
        let b = rest.first().copied().unwrap_or_default();
        if b == b'>' && line_start {
            continue;
        }
        line_start = false;
        if !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')) {
            return Err(problem(at, Problem::NotBase64));
        }
        if padded {
            return Err(problem(at, Problem::AfterPadding));
        }
        if filled == 0 {
            quad_at = at;
        }
        if let Some(slot) = quad.get_mut(filled) {
            *slot = b;
        }
        filled = filled.saturating_add(1);
        if filled == quad.len() {
            filled = 0;
            let dest = out
                .get_mut(len..)
                .ok_or_else(|| problem(quad_at, Problem::TooLarge))?;
            let written = Base64::decode(quad, dest)
                .map_err(|e| match e {
                    base64ct::Error::InvalidLength => problem(quad_at, Problem::TooLarge),
                    base64ct::Error::InvalidEncoding => problem(quad_at, Problem::NotBase64),
                })?
                .len();
            len = len.saturating_add(written);
            padded = quad.last() == Some(&b'=');
        }
    }
    if filled != 0 {
        return Err(problem(
            base.saturating_add(body.len()),
            Problem::Incomplete,
        ));
    }
    if len == 0 {
        return Err(problem(base, Problem::NoData));
    }
    out.get(..len)
        .ok_or_else(|| problem(base, Problem::TooLarge))
}

/// What a text without a licet BEGIN line is.
fn classify(text: &[u8]) -> Problem {
    if find(text, b"-----BEGIN PUBLIC KEY-----").is_some() {
        return Problem::PublicKey;
    }
    if find(text, b"PRIVATE KEY-----").is_some() {
        return Problem::SecretKey;
    }
    if find(text, b"-----BEGIN ").is_some() {
        return Problem::OtherBlock;
    }
    if find(text, END.as_bytes()).is_some() {
        return Problem::BeginMissing;
    }
    // Only base64 (with spaces and quoting) is a body without its lines.
    let mut base64 = 0usize;
    let mut line_start = true;
    let mut i = 0usize;
    while let Some(rest) = text.get(i..).filter(|r| !r.is_empty()) {
        let space = space_len(rest);
        if space > 0 {
            line_start |= matches!(rest.first(), Some(b'\n' | b'\r'));
            i = i.saturating_add(space);
            continue;
        }
        i = i.saturating_add(1);
        match rest.first().copied().unwrap_or_default() {
            b'>' if line_start => {}
            b if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') => {
                line_start = false;
                base64 = base64.saturating_add(1);
            }
            _ => return Problem::NoBegin,
        }
    }
    match base64 {
        0 => Problem::Empty,
        1..64 => Problem::NoBegin,
        _ => Problem::BodyOnly,
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
    use alloc::format;
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;

    fn sample(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + 3) as u8).collect()
    }

    fn problem_of(text: &str) -> Problem {
        let mut buf = [0u8; 1024];
        match decode(text.as_bytes(), &mut buf) {
            Err(DecodeError {
                kind: DecodeErrorKind::Armor { problem },
                ..
            }) => problem,
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn round_trip_various_lengths() {
        for n in [1usize, 2, 3, 47, 48, 49, 95, 96, 97, 500] {
            let data = sample(n);
            let text = encode(&data);
            let mut buf = [0u8; 600];
            assert_eq!(decode(text.as_bytes(), &mut buf).unwrap(), &data[..]);
            let crlf = text.replace('\n', "\r\n");
            assert_eq!(decode(crlf.as_bytes(), &mut buf).unwrap(), &data[..]);
        }
    }

    /// Each way a pasted license arrives, from an editor or an email.
    #[test]
    fn reads_licenses_as_people_paste_them() {
        let data = sample(300);
        let good = encode(&data);
        let quoted: String = good.lines().map(|l| format!("> {l}\n")).collect();
        let twice: String = good.lines().map(|l| format!("> > {l}\r\n")).collect();
        let nbsp: String = good
            .lines()
            .map(|l| format!("\u{a0}\u{a0}{l}\u{a0}\n"))
            .collect();
        let tabs: String = good.lines().map(|l| format!("\t{l} \t\n")).collect();
        let b64: String = good.lines().filter(|l| !l.starts_with("-----")).collect();
        let rewrapped = format!(
            "{BEGIN}\n{}\n{END}\n",
            b64.as_bytes()
                .chunks(37)
                .map(|c| core::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("\n")
        );
        let one_line = format!("{BEGIN}{b64}{END}");
        let cases = [
            ("BOM", format!("\u{feff}{good}")),
            ("CR only", good.replace('\n', "\r")),
            ("quoted", quoted),
            ("quoted twice, CRLF", twice),
            ("NBSP indentation", nbsp),
            ("tabs", tabs),
            ("re-wrapped", rewrapped),
            ("one line", one_line),
            (
                "inside an email",
                format!("Hello,\n\nhere is your license:\n\n{good}\nRegards,\nDealer\n-- \nACME\n"),
            ),
            ("blank line inside", good.replacen('\n', "\n\n", 2)),
        ];
        for (what, text) in cases {
            let mut buf = [0u8; 1024];
            assert_eq!(
                decode(text.as_bytes(), &mut buf).map(<[u8]>::to_vec),
                Ok(data.clone()),
                "{what}"
            );
            assert!(is_armored(text.as_bytes()), "{what}");
        }
    }

    #[test]
    fn broken_text_says_what_is_wrong() {
        let good = encode(&sample(100));
        let cut_at_half = &good[..good.len() / 2];
        let b64: String = good.lines().filter(|l| !l.starts_with("-----")).collect();
        let cases = [
            ("", Problem::Empty),
            ("  \n\t\n", Problem::Empty),
            (cut_at_half, Problem::EndMissing),
            (
                "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n",
                Problem::PublicKey,
            ),
            (
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGb\n-----END ENCRYPTED PRIVATE KEY-----\n",
                Problem::SecretKey,
            ),
            (
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                Problem::OtherBlock,
            ),
            (
                "Dear support, my panel says no license.\n",
                Problem::NoBegin,
            ),
            (&b64, Problem::BodyOnly),
            (&good[good.find('\n').unwrap()..], Problem::BeginMissing),
            (&format!("{BEGIN}\n{END}\n"), Problem::NoData),
            (&good.replacen('A', "!", 1), Problem::NotBase64),
            (&format!("{good}{good}"), Problem::SeveralLicenses),
        ];
        for (text, want) in cases {
            assert_eq!(problem_of(text), want, "{text:?}");
            assert!(!want.message().is_empty() && !want.hint().is_empty());
        }
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(good.bytes().flat_map(|b| [b, 0]));
        let mut buf = [0u8; 1024];
        assert!(matches!(
            decode(&utf16, &mut buf).unwrap_err().kind,
            DecodeErrorKind::Armor {
                problem: Problem::Utf16
            }
        ));
        // One character dropped from the middle: the groups no longer close.
        let mut lines: Vec<String> = good.lines().map(String::from).collect();
        lines[1].remove(10);
        assert_eq!(problem_of(&(lines.join("\n") + "\n")), Problem::Incomplete);
        // Base64 after the padding.
        let padded = encode(&sample(100)).replace(&format!("\n{END}"), &format!("\nAAAA\n{END}"));
        assert_eq!(problem_of(&padded), Problem::AfterPadding);
        let mut small = [0u8; 4];
        assert!(decode(good.as_bytes(), &mut small).is_err());
    }

    #[test]
    fn binary_licenses_are_not_text() {
        assert!(!is_armored(&[0x82, 0x01, 0x81]));
        assert!(!is_armored(b"\x84\x43\xa1\x01\x27\xa0"));
        assert!(is_armored(b"hello"));
    }
}
