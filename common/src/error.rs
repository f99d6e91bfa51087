//! Decoding errors: where in the file, and what was wrong there.

use core::fmt;

/// A decoding failure at a byte offset of the license file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Offset from the start of the binary license file.
    pub offset: usize,
    /// What was wrong.
    pub kind: DecodeErrorKind,
}

/// What was wrong with the bytes at [`DecodeError::offset`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended inside a data item.
    Truncated,
    /// Not well-formed CBOR (RFC 8949 §3), or invalid UTF-8 in a text string.
    Malformed,
    /// An integer, length or count not in its shortest form (RFC 8949 §4.2.1).
    NonCanonical,
    /// An indefinite-length item (RFC 8949 §3.2.2); deterministic CBOR forbids them.
    IndefiniteLength,
    /// A data item of the wrong type.
    UnexpectedType {
        /// What the format requires here.
        expected: &'static str,
    },
    /// Map keys out of deterministic order, or repeated (RFC 8949 §4.2.1).
    UnsortedOrDuplicateKey,
    /// Set elements (features, devices) out of order or repeated.
    UnsortedOrDuplicateElement,
    /// A map key the format does not define at this place.
    UnknownKey {
        /// The key, when it is an integer; `None` for a text or other key.
        key: Option<i64>,
    },
    /// A required entry is missing.
    Missing {
        /// Which one.
        what: &'static str,
    },
    /// A value outside what the format allows.
    InvalidValue {
        /// Which value.
        what: &'static str,
    },
    /// More bytes, entries or elements than the documented limit.
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// The documented limit.
        limit: usize,
    },
    /// Bytes after the end of the item.
    TrailingBytes,
    /// A container version this build does not read.
    UnsupportedVersion {
        /// The version found.
        version: u64,
    },
    /// The text form is broken, or the text holds no license
    /// (`crate::armor::Problem` says what, in plain words).
    Armor {
        /// What is wrong with it.
        problem: crate::armor::Problem,
    },
}

impl DecodeError {
    /// Creates an error at `offset`.
    pub const fn new(offset: usize, kind: DecodeErrorKind) -> Self {
        Self { offset, kind }
    }
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated => f.write_str("input ends inside a data item"),
            Self::Malformed => f.write_str("malformed CBOR"),
            Self::NonCanonical => f.write_str("integer or length not in shortest form"),
            Self::IndefiniteLength => f.write_str("indefinite-length item"),
            Self::UnexpectedType { expected } => write!(f, "expected {expected}"),
            Self::UnsortedOrDuplicateKey => f.write_str("map keys unsorted or repeated"),
            Self::UnsortedOrDuplicateElement => f.write_str("set elements unsorted or repeated"),
            Self::UnknownKey { key: Some(k) } => write!(f, "unknown key {k}"),
            Self::UnknownKey { key: None } => f.write_str("unknown non-integer key"),
            Self::Missing { what } => write!(f, "missing {what}"),
            Self::InvalidValue { what } => write!(f, "invalid {what}"),
            Self::TooLarge { what, limit } => write!(f, "{what} over the limit of {limit}"),
            Self::TrailingBytes => f.write_str("trailing bytes after the item"),
            Self::UnsupportedVersion { version } => {
                write!(
                    f,
                    "container version {version} is not supported (this build reads 1)"
                )
            }
            Self::Armor { problem } => f.write_str(problem.message()),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            DecodeErrorKind::Armor { problem } if !problem.has_position() => {
                write!(f, "{}", self.kind)
            }
            DecodeErrorKind::Armor { .. } => {
                write!(f, "{} (at byte {} of the text)", self.kind, self.offset)
            }
            _ => write!(f, "{} at byte {}", self.kind, self.offset),
        }
    }
}

impl core::error::Error for DecodeError {}
