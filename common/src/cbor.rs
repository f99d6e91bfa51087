//! The one CBOR reader of the format.
//!
//! [`Cursor`] reads exactly what deterministic encoding (RFC 8949 §4.2.1)
//! allows and nothing else: every head in its shortest form, no indefinite
//! lengths, no floats, map keys in strictly increasing bytewise order (which
//! also rules out duplicates), and byte offsets relative to the whole file in
//! every error. It reads each head once, itself: the format needs only
//! integers, strings, definite arrays and maps, tags and simple values, and
//! checking canonical form already means decoding the head. (minicbor builds
//! licenses on the issuer side, `crate::encode`; a second decode through it
//! here cost 3.7 KiB of flash on a Cortex-M4, docs/FOOTPRINT.md.)

use crate::error::{DecodeError, DecodeErrorKind};

/// Major types (RFC 8949 §3.1).
const MAJOR_UINT: u8 = 0;
const MAJOR_NINT: u8 = 1;
const MAJOR_BYTES: u8 = 2;
const MAJOR_TEXT: u8 = 3;
const MAJOR_ARRAY: u8 = 4;
const MAJOR_MAP: u8 = 5;
const MAJOR_TAG: u8 = 6;
const MAJOR_SIMPLE: u8 = 7;

/// `null` (major 7, simple value 22).
const NULL: u8 = 0xf6;

/// An integer map key, as read by [`Cursor::int_key`].
pub type IntKey = i64;

/// A canonical-CBOR reader over a borrowed buffer.
#[derive(Debug, Clone)]
pub struct Cursor<'b> {
    input: &'b [u8],
    pos: usize,
    /// Offset of this buffer inside the license file, for error reporting.
    base: usize,
}

/// The decoded head of a data item: major type, argument, and the head's
/// length in bytes.
#[derive(Debug, Clone, Copy)]
struct Head {
    major: u8,
    arg: u64,
    len: usize,
}

impl<'b> Cursor<'b> {
    /// A cursor over `input`, which starts at `base` in the license file.
    pub fn new(input: &'b [u8], base: usize) -> Self {
        Self {
            input,
            pos: 0,
            base,
        }
    }

    /// Offset in the license file of the next item.
    pub fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    /// An error of `kind` at the current position.
    pub fn err(&self, kind: DecodeErrorKind) -> DecodeError {
        DecodeError::new(self.offset(), kind)
    }

    fn err_at(&self, pos: usize, kind: DecodeErrorKind) -> DecodeError {
        DecodeError::new(self.base.saturating_add(pos), kind)
    }

    /// True when every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// Fails with [`DecodeErrorKind::TrailingBytes`] unless every byte was read.
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.err(DecodeErrorKind::TrailingBytes))
        }
    }

    /// Reads and checks the head of the next item without consuming it.
    ///
    /// Rejects reserved additional information (28..=30), indefinite lengths
    /// and any argument not in its shortest encoding.
    fn peek_head(&self) -> Result<Head, DecodeError> {
        let initial = *self
            .input
            .get(self.pos)
            .ok_or_else(|| self.err(DecodeErrorKind::Truncated))?;
        let major = initial >> 5;
        let info = initial & 0x1f;
        let width: usize = match info {
            0..=23 => 0,
            24 => 1,
            25 => 2,
            26 => 4,
            27 => 8,
            31 if major != MAJOR_UINT && major != MAJOR_NINT && major != MAJOR_TAG => {
                return Err(self.err(DecodeErrorKind::IndefiniteLength));
            }
            _ => return Err(self.err(DecodeErrorKind::Malformed)),
        };
        let start = self
            .pos
            .checked_add(1)
            .ok_or_else(|| self.err(DecodeErrorKind::Truncated))?;
        let end = start
            .checked_add(width)
            .ok_or_else(|| self.err(DecodeErrorKind::Truncated))?;
        let bytes = self
            .input
            .get(start..end)
            .ok_or_else(|| self.err(DecodeErrorKind::Truncated))?;
        let arg = if width == 0 {
            u64::from(info)
        } else {
            bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
        };
        // Shortest form: each width must be needed (RFC 8949 §4.2.1).
        // Floats (major 7 with widths 2..8) are not part of the format at all.
        let minimal = match width {
            0 => true,
            1 => arg >= 24,
            2 => arg > 0xff,
            4 => arg > 0xffff,
            _ => arg > 0xffff_ffff,
        };
        if major == MAJOR_SIMPLE && width != 0 {
            return Err(self.err(DecodeErrorKind::UnexpectedType {
                expected: "no floating-point or extended simple values",
            }));
        }
        if !minimal {
            return Err(self.err(DecodeErrorKind::NonCanonical));
        }
        Ok(Head {
            major,
            arg,
            len: width.saturating_add(1),
        })
    }

    /// Consumes the head of the next item, which must be of `major` type.
    fn take_head(&mut self, major: u8, expected: &'static str) -> Result<Head, DecodeError> {
        let head = self.peek_head()?;
        if head.major != major {
            return Err(self.err(DecodeErrorKind::UnexpectedType { expected }));
        }
        self.pos = self.pos.saturating_add(head.len);
        Ok(head)
    }

    /// Consumes the `n` bytes of a string's content; `at` is the string's
    /// start, for the error.
    fn take(&mut self, n: usize, at: usize) -> Result<&'b [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or_else(|| self.err_at(at, DecodeErrorKind::Truncated))?;
        let bytes = self
            .input
            .get(self.pos..end)
            .ok_or_else(|| self.err_at(at, DecodeErrorKind::Truncated))?;
        self.pos = end;
        Ok(bytes)
    }

    /// Reads an unsigned integer.
    pub fn uint(&mut self) -> Result<u64, DecodeError> {
        Ok(self.take_head(MAJOR_UINT, "unsigned integer")?.arg)
    }

    /// Reads an unsigned integer no larger than `max`.
    pub fn uint_max(&mut self, max: u64, what: &'static str) -> Result<u64, DecodeError> {
        let pos = self.pos;
        let v = self.uint()?;
        if v > max {
            return Err(self.err_at(pos, DecodeErrorKind::InvalidValue { what }));
        }
        Ok(v)
    }

    /// Reads a signed integer that fits in an `i64`.
    pub fn int(&mut self) -> Result<i64, DecodeError> {
        let pos = self.pos;
        let head = self.peek_head()?;
        let value = match head.major {
            // -1 - n for a negative integer (RFC 8949 §3.1).
            MAJOR_UINT => i64::try_from(head.arg).ok(),
            MAJOR_NINT => i64::try_from(head.arg)
                .ok()
                .and_then(|n| (-1i64).checked_sub(n)),
            _ => {
                return Err(self.err(DecodeErrorKind::UnexpectedType {
                    expected: "integer",
                }));
            }
        };
        let value = value.ok_or_else(|| {
            self.err_at(
                pos,
                DecodeErrorKind::InvalidValue {
                    what: "integer range",
                },
            )
        })?;
        self.pos = self.pos.saturating_add(head.len);
        Ok(value)
    }

    /// Reads a definite-length byte string of at most `max` bytes.
    pub fn bytes(&mut self, max: usize, what: &'static str) -> Result<&'b [u8], DecodeError> {
        self.string(MAJOR_BYTES, "byte string", max, what)
    }

    /// Reads a definite-length UTF-8 text string of at most `max` bytes.
    pub fn text(&mut self, max: usize, what: &'static str) -> Result<&'b str, DecodeError> {
        let pos = self.pos;
        let bytes = self.string(MAJOR_TEXT, "text string", max, what)?;
        core::str::from_utf8(bytes).map_err(|_| self.err_at(pos, DecodeErrorKind::Malformed))
    }

    /// Reads a definite-length text string's bytes, without checking UTF-8:
    /// for data a decoder has already validated.
    #[inline]
    pub fn text_bytes(&mut self, max: usize, what: &'static str) -> Result<&'b [u8], DecodeError> {
        // Fast path, inlined: a short string (length in the initial byte,
        // so always in shortest form) that fits.
        if let Some(&initial) = self.input.get(self.pos)
            && initial >> 5 == MAJOR_TEXT
            && let n = usize::from(initial & 0x1f)
            && n < 24
            && n <= max
            && let Some(start) = self.pos.checked_add(1)
            && let Some(end) = start.checked_add(n)
            && let Some(bytes) = self.input.get(start..end)
        {
            self.pos = end;
            return Ok(bytes);
        }
        self.string(MAJOR_TEXT, "text string", max, what)
    }

    /// Reads a byte or text string's head and content, refusing a length
    /// over `max` before reading it.
    fn string(
        &mut self,
        major: u8,
        expected: &'static str,
        max: usize,
        what: &'static str,
    ) -> Result<&'b [u8], DecodeError> {
        let pos = self.pos;
        let n = self.container_head(major, expected, max, what)?;
        self.take(n, pos)
    }

    /// Reads the head of a definite-length array of at most `max` elements.
    pub fn array(&mut self, max: usize, what: &'static str) -> Result<usize, DecodeError> {
        self.container_head(MAJOR_ARRAY, "array", max, what)
    }

    /// Reads the head of a definite-length map of at most `max` entries.
    pub fn map(&mut self, max: usize, what: &'static str) -> Result<usize, DecodeError> {
        self.container_head(MAJOR_MAP, "map", max, what)
    }

    fn container_head(
        &mut self,
        major: u8,
        expected: &'static str,
        max: usize,
        what: &'static str,
    ) -> Result<usize, DecodeError> {
        let head = self.peek_head()?;
        if head.major != major {
            return Err(self.err(DecodeErrorKind::UnexpectedType { expected }));
        }
        let n = check_len(head.arg, max)
            .map_err(|limit| self.err(DecodeErrorKind::TooLarge { what, limit }))?;
        self.pos = self.pos.saturating_add(head.len);
        Ok(n)
    }

    /// Reads a tag number.
    pub fn tag(&mut self) -> Result<u64, DecodeError> {
        Ok(self.take_head(MAJOR_TAG, "tag")?.arg)
    }

    /// True when the next item is `null`; does not consume anything.
    pub fn peek_null(&self) -> bool {
        self.input.get(self.pos) == Some(&NULL)
    }

    /// Reads `null`.
    pub fn null(&mut self) -> Result<(), DecodeError> {
        self.peek_head()?;
        if !self.peek_null() {
            return Err(self.err(DecodeErrorKind::UnexpectedType { expected: "null" }));
        }
        self.pos = self.pos.saturating_add(1);
        Ok(())
    }

    /// True when the next item is a text string; does not consume anything.
    pub fn peek_is_text(&self) -> bool {
        matches!(
            self.peek_head(),
            Ok(Head {
                major: MAJOR_TEXT,
                ..
            })
        )
    }

    /// Reads an integer map key that must sort after `prev` (the previous
    /// key's encoding, if any), returning the key and its encoding.
    ///
    /// Deterministic order is bytewise order of the encoded keys
    /// (RFC 8949 §4.2.1); a key equal to or below the previous one is an error.
    pub fn int_key(&mut self, prev: &mut Option<&'b [u8]>) -> Result<IntKey, DecodeError> {
        let start = self.pos;
        let key = self.int()?;
        self.check_order(start, prev)?;
        Ok(key)
    }

    /// Compares the item just read (starting at `start`) with `prev` and
    /// records it: the bytes must be strictly greater.
    pub fn check_order(
        &self,
        start: usize,
        prev: &mut Option<&'b [u8]>,
    ) -> Result<(), DecodeError> {
        let this = self
            .input
            .get(start..self.pos)
            .ok_or_else(|| self.err_at(start, DecodeErrorKind::Malformed))?;
        if let Some(p) = prev
            && canonical_cmp(p, this) != core::cmp::Ordering::Less
        {
            return Err(self.err_at(start, DecodeErrorKind::UnsortedOrDuplicateKey));
        }
        *prev = Some(this);
        Ok(())
    }

    /// Reads one scalar item (integer, byte or text string, simple value), or
    /// a tag on one, skipping its value. Arrays and maps are refused: this is
    /// for header values the format does not interpret, and reading them must
    /// not recurse.
    pub fn scalar(&mut self, max_len: usize) -> Result<(), DecodeError> {
        let mut tags = 0u8;
        loop {
            let head = self.peek_head()?;
            match head.major {
                MAJOR_UINT | MAJOR_NINT | MAJOR_SIMPLE => {
                    self.pos = self.pos.saturating_add(head.len);
                }
                MAJOR_BYTES => {
                    self.bytes(max_len, "header value")?;
                }
                MAJOR_TEXT => {
                    self.text(max_len, "header value")?;
                }
                MAJOR_TAG if tags < 1 => {
                    tags = tags.saturating_add(1);
                    self.tag()?;
                    continue;
                }
                _ => {
                    return Err(self.err(DecodeErrorKind::UnexpectedType {
                        expected: "a scalar header value",
                    }));
                }
            }
            return Ok(());
        }
    }

    /// Reads the head of the next item of bytes this cursor's decoder has
    /// already checked (a set or map stored by a decoded link), returning
    /// its major type and argument. Nothing is checked again, so this is for
    /// re-reading validated data only; `None` at the end of the bytes.
    pub fn validated_head(&mut self) -> Option<(u8, u64)> {
        let initial = *self.input.get(self.pos)?;
        let info = initial & 0x1f;
        let width: usize = match info {
            0..=23 => 0,
            24 => 1,
            25 => 2,
            26 => 4,
            27 => 8,
            _ => return None,
        };
        let start = self.pos.checked_add(1)?;
        let end = start.checked_add(width)?;
        let bytes = self.input.get(start..end)?;
        let arg = if width == 0 {
            u64::from(info)
        } else {
            bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
        };
        self.pos = end;
        Some((initial >> 5, arg))
    }

    /// Reads a validated string item's content ([`Self::validated_head`]).
    pub fn validated_string(&mut self) -> Option<&'b [u8]> {
        let (_, n) = self.validated_head()?;
        let end = self.pos.checked_add(usize::try_from(n).ok()?)?;
        let bytes = self.input.get(self.pos..end)?;
        self.pos = end;
        Some(bytes)
    }

    /// True when the next byte is a text string's head (validated data).
    pub fn validated_is_text(&self) -> bool {
        self.input
            .get(self.pos)
            .is_some_and(|b| b >> 5 == MAJOR_TEXT)
    }

    /// Position in this cursor's buffer (not the file): used with [`Self::slice_from`].
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The raw bytes read since `start` (a value of [`Self::position`]).
    pub fn slice_from(&self, start: usize) -> Result<&'b [u8], DecodeError> {
        self.input
            .get(start..self.pos)
            .ok_or_else(|| self.err_at(start, DecodeErrorKind::Malformed))
    }
}

/// Converts a CBOR length argument to `usize`, failing with the limit when
/// it is larger than `max`.
fn check_len(arg: u64, max: usize) -> Result<usize, usize> {
    match usize::try_from(arg) {
        Ok(n) if n <= max => Ok(n),
        _ => Err(max),
    }
}

/// Deterministic order of two encoded data items: bytewise lexicographic
/// (RFC 8949 §4.2.1). For the text strings of a set that is shorter first,
/// then bytewise, because the head carries the length.
pub fn canonical_cmp(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    // Keys are short: a loop beats a call to `memcmp`.
    a.iter()
        .zip(b)
        .find(|(x, y)| x != y)
        .map_or_else(|| a.len().cmp(&b.len()), |(x, y)| x.cmp(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_minimal_integer() {
        // 0x18 0x05: 5 encoded in one extra byte.
        let mut c = Cursor::new(&[0x18, 0x05], 0);
        assert_eq!(c.uint().unwrap_err().kind, DecodeErrorKind::NonCanonical);
        let mut c = Cursor::new(&[0x19, 0x00, 0xff], 0);
        assert_eq!(c.uint().unwrap_err().kind, DecodeErrorKind::NonCanonical);
        let mut c = Cursor::new(&[0x18, 0x18], 0);
        assert_eq!(c.uint().unwrap(), 24);
    }

    #[test]
    fn rejects_indefinite_length() {
        let mut c = Cursor::new(&[0x9f, 0xff], 0);
        assert_eq!(
            c.array(8, "a").unwrap_err().kind,
            DecodeErrorKind::IndefiniteLength
        );
        let mut c = Cursor::new(&[0x5f, 0x41, 0x00, 0xff], 0);
        assert_eq!(
            c.bytes(8, "b").unwrap_err().kind,
            DecodeErrorKind::IndefiniteLength
        );
    }

    #[test]
    fn rejects_long_length_before_reading() {
        // A byte string that claims 2^32 bytes.
        let mut c = Cursor::new(&[0x5a, 0xff, 0xff, 0xff, 0xff], 7);
        let e = c.bytes(16, "x").unwrap_err();
        assert_eq!(
            e.kind,
            DecodeErrorKind::TooLarge {
                what: "x",
                limit: 16
            }
        );
        assert_eq!(e.offset, 7);
    }

    #[test]
    fn truncated_is_reported() {
        let mut c = Cursor::new(&[0x43, 0x01], 0);
        assert_eq!(
            c.bytes(16, "x").unwrap_err().kind,
            DecodeErrorKind::Truncated
        );
        let mut c = Cursor::new(&[0x19, 0x01], 0);
        assert_eq!(c.uint().unwrap_err().kind, DecodeErrorKind::Truncated);
    }

    #[test]
    fn key_order_is_enforced() {
        // {1: 0, 1: 0} and {-1: 0, 1: 0}
        for input in [&[0x01, 0x01][..], &[0x20, 0x01]] {
            let mut c = Cursor::new(input, 0);
            let mut prev = None;
            c.int_key(&mut prev).unwrap();
            let e = c.int_key(&mut prev).unwrap_err();
            assert_eq!(e.kind, DecodeErrorKind::UnsortedOrDuplicateKey);
        }
        let mut c = Cursor::new(&[0x01, 0x20], 0);
        let mut prev = None;
        assert_eq!(c.int_key(&mut prev).unwrap(), 1);
        assert_eq!(c.int_key(&mut prev).unwrap(), -1);
    }

    extern crate std;
    use proptest::prelude::*;
    use std::vec;

    proptest! {
        /// Whatever the cursor accepts, minicbor (an independent decoder)
        /// reads as the same value ending at the same byte.
        #[test]
        fn agrees_with_minicbor(input in prop::collection::vec(any::<u8>(), 0..12), first in any::<u8>()) {
            let mut bytes = vec![first];
            bytes.extend(input);
            let d = || minicbor::Decoder::new(&bytes);
            let mut c = Cursor::new(&bytes, 0);
            if let Ok(v) = c.uint() {
                let mut m = d();
                prop_assert_eq!(m.u64().unwrap(), v);
                prop_assert_eq!(m.position(), c.position());
            }
            let mut c = Cursor::new(&bytes, 0);
            if let Ok(v) = c.int() {
                let mut m = d();
                prop_assert_eq!(m.i64().unwrap(), v);
                prop_assert_eq!(m.position(), c.position());
            }
            let mut c = Cursor::new(&bytes, 0);
            if let Ok(v) = c.bytes(64, "b") {
                let mut m = d();
                prop_assert_eq!(m.bytes().unwrap(), v);
                prop_assert_eq!(m.position(), c.position());
            }
            let mut c = Cursor::new(&bytes, 0);
            if let Ok(v) = c.text(64, "t") {
                let mut m = d();
                prop_assert_eq!(m.str().unwrap(), v);
                prop_assert_eq!(m.position(), c.position());
            }
            let mut c = Cursor::new(&bytes, 0);
            if let Ok(n) = c.array(64, "a") {
                let mut m = d();
                prop_assert_eq!(m.array().unwrap(), Some(n as u64));
                prop_assert_eq!(m.position(), c.position());
            }
            let mut c = Cursor::new(&bytes, 0);
            if let Ok(n) = c.map(64, "m") {
                let mut m = d();
                prop_assert_eq!(m.map().unwrap(), Some(n as u64));
                prop_assert_eq!(m.position(), c.position());
            }
            let mut c = Cursor::new(&bytes, 0);
            if let Ok(t) = c.tag() {
                let mut m = d();
                prop_assert_eq!(u64::from(m.tag().unwrap()), t);
                prop_assert_eq!(m.position(), c.position());
            }
            let mut c = Cursor::new(&bytes, 0);
            if c.null().is_ok() {
                let mut m = d();
                m.null().unwrap();
                prop_assert_eq!(m.position(), c.position());
            }
            let mut c = Cursor::new(&bytes, 0);
            if c.scalar(64).is_ok() {
                let mut m = d();
                m.skip().unwrap();
                prop_assert_eq!(m.position(), c.position());
            }
        }
    }

    proptest! {
        /// On any item the strict reader accepts, the validated reader (for
        /// re-reading checked data) ends at the same byte with the same value.
        #[test]
        fn validated_reader_agrees_with_strict(input in prop::collection::vec(any::<u8>(), 0..40), first in any::<u8>()) {
            let mut bytes = vec![first];
            bytes.extend(input);
            let mut strict = Cursor::new(&bytes, 0);
            let mut fast = Cursor::new(&bytes, 0);
            if let Ok(s) = strict.text_bytes(64, "t") {
                prop_assert!(Cursor::new(&bytes, 0).validated_is_text());
                prop_assert_eq!(fast.validated_string(), Some(s));
                prop_assert_eq!(fast.position(), strict.position());
            }
            let mut strict = Cursor::new(&bytes, 0);
            let mut fast = Cursor::new(&bytes, 0);
            if let Ok(v) = strict.uint() {
                prop_assert!(!Cursor::new(&bytes, 0).validated_is_text());
                prop_assert_eq!(fast.validated_head(), Some((MAJOR_UINT, v)));
                prop_assert_eq!(fast.position(), strict.position());
            }
            let mut strict = Cursor::new(&bytes, 0);
            let mut fast = Cursor::new(&bytes, 0);
            if let Ok(n) = strict.array(64, "a") {
                prop_assert_eq!(fast.validated_head(), Some((MAJOR_ARRAY, n as u64)));
                prop_assert_eq!(fast.position(), strict.position());
            }
        }
    }

    #[test]
    fn floats_are_rejected() {
        let mut c = Cursor::new(&[0xf9, 0x3c, 0x00], 0);
        assert!(c.uint().is_err());
        let mut c = Cursor::new(&[0xfb, 0, 0, 0, 0, 0, 0, 0, 0], 0);
        assert!(c.null().is_err());
    }
}
