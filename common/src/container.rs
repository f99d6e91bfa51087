//! The license file: `[1, [link, ...]]`, a version and the chain's links,
//! root-most first (`docs/FORMAT.md` §2).

use crate::cbor::Cursor;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::keys::CONTAINER_VERSION;
use crate::limits::{MAX_LICENSE_BYTES, MAX_LINKS};
use crate::link::Link;

/// A decoded license file: up to [`MAX_LINKS`] links, borrowed. Nothing
/// here has been verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Container<'a> {
    links: [Option<Link<'a>>; MAX_LINKS],
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
        let mut links = [None; MAX_LINKS];
        for slot in links.iter_mut().take(len) {
            *slot = Some(Link::decode(&mut c)?);
        }
        c.finish()?;
        Ok(Self { links, len })
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
        self.links.iter().take(self.len).flatten()
    }

    /// Link `i` (0 is the root-most).
    pub fn link(&self, i: usize) -> Option<&Link<'a>> {
        self.links.get(i).and_then(Option::as_ref)
    }

    /// The last link: the one that licenses the holder.
    pub fn leaf(&self) -> Option<&Link<'a>> {
        self.len.checked_sub(1).and_then(|i| self.link(i))
    }
}
