//! The license file: `[1, [link, ...]]`, a version and the chain's links,
//! root-most first (`docs/FORMAT.md` §2).

use crate::cbor::Cursor;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::keys::CONTAINER_VERSION;
use crate::limits::{MAX_LICENSE_BYTES, MAX_LINKS};
use crate::link::Link;

/// A decoded license file: one to [`MAX_LINKS`] links, borrowed. Nothing
/// here has been verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Container<'a> {
    /// The root-most link: a container always has it.
    first: Link<'a>,
    /// The links after it.
    rest: [Option<Link<'a>>; MAX_LINKS - 1],
    len: usize,
}

impl<'a> Container<'a> {
    /// Decodes a binary license file.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        if bytes.len() > MAX_LICENSE_BYTES {
            return Err(DecodeError::new(
                MAX_LICENSE_BYTES,
                DecodeErrorKind::TooLarge {
                    what: "license file",
                    limit: MAX_LICENSE_BYTES,
                },
            ));
        }
        let mut c = Cursor::new(bytes, 0);
        let off = c.offset();
        if c.array(2, "license container")? != 2 {
            return Err(DecodeError::new(
                off,
                DecodeErrorKind::Missing {
                    what: "container version or links",
                },
            ));
        }
        let voff = c.offset();
        let version = c.uint()?;
        if version != CONTAINER_VERSION {
            return Err(DecodeError::new(
                voff,
                DecodeErrorKind::UnsupportedVersion { version },
            ));
        }
        let loff = c.offset();
        let len = c.array(MAX_LINKS, "links")?;
        if len == 0 {
            return Err(DecodeError::new(
                loff,
                DecodeErrorKind::Missing {
                    what: "at least one link",
                },
            ));
        }
        let first = Link::decode(&mut c)?;
        let mut rest = [None; MAX_LINKS - 1];
        for slot in rest.iter_mut().take(len.saturating_sub(1)) {
            *slot = Some(Link::decode(&mut c)?);
        }
        c.finish()?;
        Ok(Self { first, rest, len })
    }

    /// Number of links.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a container holds at least one link.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The links, root-most first.
    pub fn links(&self) -> impl DoubleEndedIterator<Item = &Link<'a>> + '_ {
        let rest = self.rest.iter().take(self.len.saturating_sub(1)).flatten();
        core::iter::once(&self.first).chain(rest)
    }

    /// Link `i` (0 is the root-most).
    pub fn link(&self, i: usize) -> Option<&Link<'a>> {
        match i.checked_sub(1) {
            None => Some(&self.first),
            Some(r) if i < self.len => self.rest.get(r).and_then(Option::as_ref),
            Some(_) => None,
        }
    }

    /// The last link: the one that licenses the holder.
    pub fn last(&self) -> &Link<'a> {
        self.len
            .checked_sub(1)
            .and_then(|i| self.link(i))
            .unwrap_or(&self.first)
    }

    /// [`Self::last`], for callers written for an optional leaf.
    pub fn leaf(&self) -> Option<&Link<'a>> {
        Some(self.last())
    }
}
