//! Hierarchical group ids: `/`-separated segments, root-most first
//! (`acme/dist-7/dealer-3/complex-12/bldg-2`).
//!
//! Rules (`docs/FORMAT.md` §6): 1 to [`MAX_GROUP_SEGMENTS`] segments, at most
//! [`MAX_GROUP_BYTES`] bytes in all; each segment 1 to [`MAX_SEGMENT_BYTES`]
//! bytes of lowercase ASCII letters, digits, `-`, `_` and `.`, starting with a
//! letter or digit. No leading, trailing or doubled `/`. So the text of a group
//! id is the only spelling of it, and containment is a segment-wise prefix
//! test: `complex-1` never contains `complex-12/…`.

use crate::limits::{MAX_GROUP_BYTES, MAX_GROUP_SEGMENTS, MAX_SEGMENT_BYTES};
use core::fmt;

/// A validated group id, borrowed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Group<'a>(&'a str);

/// Why a text is not a group id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupError {
    /// Empty text, or an empty segment (leading, trailing or doubled `/`).
    EmptySegment,
    /// Over [`MAX_GROUP_BYTES`].
    TooLong,
    /// Over [`MAX_GROUP_SEGMENTS`].
    TooManySegments,
    /// A segment over [`MAX_SEGMENT_BYTES`].
    SegmentTooLong,
    /// A byte outside `a-z 0-9 - _ .`, or a segment not starting with a letter or digit.
    BadCharacter,
}

impl fmt::Display for GroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EmptySegment => "empty segment (no leading, trailing or doubled '/')",
            Self::TooLong => "longer than 128 bytes",
            Self::TooManySegments => "more than 12 segments",
            Self::SegmentTooLong => "a segment is longer than 32 bytes",
            Self::BadCharacter => {
                "segments use a-z, 0-9, '-', '_', '.' and start with a letter or digit"
            }
        })
    }
}

impl<'a> Group<'a> {
    /// Validates `text` as a group id.
    pub fn parse(text: &'a str) -> Result<Self, GroupError> {
        if text.len() > MAX_GROUP_BYTES {
            return Err(GroupError::TooLong);
        }
        let mut segments = 0usize;
        for segment in text.split('/') {
            segments = segments.saturating_add(1);
            if segments > MAX_GROUP_SEGMENTS {
                return Err(GroupError::TooManySegments);
            }
            let bytes = segment.as_bytes();
            let Some(first) = bytes.first() else {
                return Err(GroupError::EmptySegment);
            };
            if bytes.len() > MAX_SEGMENT_BYTES {
                return Err(GroupError::SegmentTooLong);
            }
            if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
                return Err(GroupError::BadCharacter);
            }
            if !bytes.iter().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
            }) {
                return Err(GroupError::BadCharacter);
            }
        }
        Ok(Self(text))
    }

    /// The group id as text.
    pub fn as_str(&self) -> &'a str {
        self.0
    }

    /// True when `other` is this group or one of its descendants.
    pub fn contains(&self, other: &Group<'_>) -> bool {
        let (mine, theirs) = (self.0.as_bytes(), other.0.as_bytes());
        matches!(theirs.strip_prefix(mine), Some([] | [b'/', ..]))
    }

    /// Number of segments (1 for a vendor's root group).
    pub fn depth(&self) -> usize {
        self.0.split('/').count()
    }
}

impl fmt::Debug for Group<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Group({:?})", self.0)
    }
}

impl fmt::Display for Group<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_groups() {
        for g in ["acme", "acme/dist-7", "a/b_c/d.e/0"] {
            assert!(Group::parse(g).is_ok(), "{g}");
        }
    }

    #[test]
    fn fail_invalid_groups() {
        let cases = [
            ("", GroupError::EmptySegment),
            ("/acme", GroupError::EmptySegment),
            ("acme/", GroupError::EmptySegment),
            ("acme//x", GroupError::EmptySegment),
            ("Acme", GroupError::BadCharacter),
            ("acme/-x", GroupError::BadCharacter),
            ("acme/x y", GroupError::BadCharacter),
            ("acme/é", GroupError::BadCharacter),
        ];
        for (g, e) in cases {
            assert_eq!(Group::parse(g), Err(e), "{g:?}");
        }
        let long_segment = "a".repeat(MAX_SEGMENT_BYTES + 1);
        assert_eq!(Group::parse(&long_segment), Err(GroupError::SegmentTooLong));
        let exact = "a".repeat(MAX_SEGMENT_BYTES);
        assert!(Group::parse(&exact).is_ok());
        let many = ["a"; MAX_GROUP_SEGMENTS + 1].join("/");
        assert_eq!(Group::parse(&many), Err(GroupError::TooManySegments));
        let twelve = ["a"; MAX_GROUP_SEGMENTS].join("/");
        assert!(Group::parse(&twelve).is_ok());
    }

    #[test]
    fn containment_is_segment_wise() {
        let p = |s| Group::parse(s).unwrap();
        let complex = p("acme/d/complex-1");
        assert!(complex.contains(&p("acme/d/complex-1")));
        assert!(complex.contains(&p("acme/d/complex-1/bldg-2")));
        assert!(!complex.contains(&p("acme/d/complex-12")));
        assert!(!complex.contains(&p("acme/d/complex-12/bldg-2")));
        assert!(!complex.contains(&p("acme/d")));
        assert!(!complex.contains(&p("other/d/complex-1")));
    }
}
