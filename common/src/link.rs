//! One link: a tagged COSE_Sign1 (RFC 9052 §4.2) signed with EdDSA (alg -8).
//!
//! ```text
//! 18([ protected: bstr .cbor {1: -8, 4: kid(8 bytes)},
//!      unprotected: {},
//!      payload: bstr .cbor Claims,
//!      signature: bstr(64) ])
//! ```
//!
//! The unprotected header must be the empty map: nothing unsigned is carried.

use crate::cbor::Cursor;
use crate::claims::Claims;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::keys::*;
use crate::kid::KID_LEN;
use crate::limits::{MAX_PAYLOAD_BYTES, MAX_PROTECTED_BYTES};

/// A decoded link, borrowed from the license file. Decoding checks form only:
/// nothing here has been verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link<'a> {
    /// Offset of the link in the license file.
    pub offset: usize,
    /// The whole link, tag included.
    pub bytes: &'a [u8],
    /// The protected header bytes, as signed.
    pub protected: &'a [u8],
    /// The key id from the protected header.
    pub kid: &'a [u8; KID_LEN],
    /// The payload bytes, as signed.
    pub payload: &'a [u8],
    /// The Ed25519 signature (R ‖ S).
    pub signature: &'a [u8; 64],
    /// The decoded claims.
    pub claims: Claims<'a>,
}

/// A COSE_Sign1 structure (RFC 9052 §4.2) as received, before any
/// licet-specific check: the tag, four members, and a 64-byte signature.
/// Header contents are not interpreted here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sign1<'a> {
    /// Offset of the structure in the input.
    pub offset: usize,
    /// The protected header bytes (`bstr .cbor header_map`), as signed.
    pub protected: &'a [u8],
    /// Offset of the protected header's first byte in the input.
    pub protected_offset: usize,
    /// The raw unprotected header map.
    pub unprotected: &'a [u8],
    /// The payload bytes, as signed.
    pub payload: &'a [u8],
    /// Offset of the payload's first byte in the input.
    pub payload_offset: usize,
    /// Offset of the payload's bstr head in the input.
    pub payload_head: usize,
    /// The signature.
    pub signature: &'a [u8; 64],
    /// The whole structure, tag included.
    pub bytes: &'a [u8],
}

impl<'a> Sign1<'a> {
    /// Decodes a tagged COSE_Sign1 whose unprotected header has at most
    /// `max_unprotected` entries (read generically: integer or text labels,
    /// values of any non-float type, no nesting deeper than one level).
    pub fn decode(c: &mut Cursor<'a>, max_unprotected: usize) -> Result<Self, DecodeError> {
        let offset = c.offset();
        let start = c.position();
        let tag_off = c.offset();
        if c.tag()? != TAG_COSE_SIGN1 {
            return Err(DecodeError::new(
                tag_off,
                DecodeErrorKind::InvalidValue {
                    what: "COSE_Sign1 tag (18)",
                },
            ));
        }
        let arr_off = c.offset();
        if c.array(4, "COSE_Sign1")? != 4 {
            return Err(DecodeError::new(
                arr_off,
                DecodeErrorKind::Missing {
                    what: "COSE_Sign1 member",
                },
            ));
        }
        let protected = c.bytes(MAX_PROTECTED_BYTES, "protected header")?;
        let protected_offset = c.offset().saturating_sub(protected.len());
        let unprot_start = c.position();
        let n = c.map(max_unprotected, "unprotected header")?;
        let mut prev = None;
        for _ in 0..n {
            let at = c.position();
            if c.peek_is_text() {
                c.text(MAX_PROTECTED_BYTES, "header label")?;
            } else {
                c.int()?;
            }
            c.check_order(at, &mut prev)?;
            c.scalar(MAX_PAYLOAD_BYTES)?;
        }
        let unprotected = c.slice_from(unprot_start)?;
        let payload_head = c.offset();
        let payload = c.bytes(MAX_PAYLOAD_BYTES, "payload")?;
        let payload_offset = c.offset().saturating_sub(payload.len());
        let sig_off = c.offset();
        let signature: &[u8; 64] = c.bytes(64, "signature")?.try_into().map_err(|_| {
            DecodeError::new(
                sig_off,
                DecodeErrorKind::InvalidValue {
                    what: "signature length",
                },
            )
        })?;
        Ok(Self {
            offset,
            protected,
            protected_offset,
            unprotected,
            payload,
            payload_offset,
            payload_head,
            signature,
            bytes: c.slice_from(start)?,
        })
    }

    /// Writes the Sig_structure this signature covers into `buf`.
    pub fn sig_structure<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8], SigStructureTooLarge> {
        write_sig_structure(self.protected, self.payload, buf)
    }
}

impl<'a> Link<'a> {
    /// Decodes one link from `c`.
    pub fn decode(c: &mut Cursor<'a>) -> Result<Self, DecodeError> {
        let s = Sign1::decode(c, 0)?;
        let kid = decode_protected(s.protected, s.protected_offset)?;
        let claims = Claims::decode(s.payload, s.payload_offset).map_err(|e| {
            // An empty payload has no item to point at: point at its head.
            if s.payload.is_empty() {
                DecodeError {
                    offset: s.payload_head,
                    ..e
                }
            } else {
                e
            }
        })?;
        Ok(Self {
            offset: s.offset,
            bytes: s.bytes,
            protected: s.protected,
            kid,
            payload: s.payload,
            signature: s.signature,
            claims,
        })
    }

    /// Decodes a single link that fills `bytes` exactly.
    pub fn decode_one(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        let mut c = Cursor::new(bytes, 0);
        let link = Self::decode(&mut c)?;
        c.finish()?;
        Ok(link)
    }

    /// Writes the Sig_structure (RFC 9052 §4.4) this link's signature covers
    /// into `buf` and returns it:
    /// `["Signature1", protected, h'', payload]`.
    pub fn sig_structure<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8], SigStructureTooLarge> {
        write_sig_structure(self.protected, self.payload, buf)
    }

    /// Feeds the same Sig_structure to `sink` piece by piece, without a
    /// buffer (the verifier hashes it as it goes).
    pub fn sig_structure_chunks(
        &self,
        sink: impl FnMut(&[u8]),
    ) -> Result<(), SigStructureTooLarge> {
        sig_structure_chunks(self.protected, self.payload, sink)
    }

    /// The same Sig_structure as its pieces, without a buffer.
    pub fn sig_structure_parts(&self) -> Result<SigStructureParts<'a>, SigStructureTooLarge> {
        SigStructureParts::new(self.protected, self.payload)
    }
}

/// The Sig_structure `["Signature1", protected, h'', payload]` (RFC 9052
/// §4.4) as the pieces it is made of: the two byte strings' heads are kept
/// here, the contents borrowed. The one definition of the bytes a link's
/// signature covers.
#[derive(Clone, Copy, Debug)]
pub struct SigStructureParts<'a> {
    protected_head: ([u8; 3], usize),
    protected: &'a [u8],
    payload_head: ([u8; 3], usize),
    payload: &'a [u8],
}

impl<'a> SigStructureParts<'a> {
    /// The pieces for a protected header and a payload.
    pub fn new(protected: &'a [u8], payload: &'a [u8]) -> Result<Self, SigStructureTooLarge> {
        Ok(Self {
            protected_head: bstr_head(protected.len())?,
            protected,
            payload_head: bstr_head(payload.len())?,
            payload,
        })
    }

    /// The pieces, in order: concatenated, they are the Sig_structure.
    pub fn parts(&self) -> [&[u8]; 7] {
        [
            &[0x84, 0x6a],
            SIG_CONTEXT_SIGN1.as_bytes(),
            head(&self.protected_head),
            self.protected,
            &[0x40],
            head(&self.payload_head),
            self.payload,
        ]
    }
}

fn head((bytes, len): &([u8; 3], usize)) -> &[u8] {
    bytes.get(..*len).unwrap_or_default()
}

/// The buffer given to [`Link::sig_structure`] is too small.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigStructureTooLarge;

/// Largest Sig_structure a valid link can have, in bytes.
pub const MAX_SIG_STRUCTURE_BYTES: usize =
    1 + 11 + 3 + MAX_PROTECTED_BYTES + 1 + 3 + MAX_PAYLOAD_BYTES;

/// Writes `["Signature1", protected, h'', payload]` (RFC 9052 §4.4) into `buf`.
pub fn write_sig_structure<'b>(
    protected: &[u8],
    payload: &[u8],
    buf: &'b mut [u8],
) -> Result<&'b [u8], SigStructureTooLarge> {
    let mut w = SliceWriter { buf, len: 0 };
    let mut written = Ok(());
    sig_structure_chunks(protected, payload, |chunk| {
        if written.is_ok() {
            written = w.put(chunk);
        }
    })?;
    written?;
    let SliceWriter { buf, len } = w;
    buf.get(..len).ok_or(SigStructureTooLarge)
}

/// Feeds `["Signature1", protected, h'', payload]` (RFC 9052 §4.4) to `sink`
/// in pieces: the one definition of the bytes a link's signature covers.
pub fn sig_structure_chunks(
    protected: &[u8],
    payload: &[u8],
    sink: impl FnMut(&[u8]),
) -> Result<(), SigStructureTooLarge> {
    SigStructureParts::new(protected, payload)?
        .parts()
        .into_iter()
        .for_each(sink);
    Ok(())
}

/// The CBOR head of a byte string of `n` bytes (major type 2), up to 65535.
fn bstr_head(n: usize) -> Result<([u8; 3], usize), SigStructureTooLarge> {
    if let Ok(small) = u8::try_from(n)
        && small < 24
    {
        Ok(([0x40 | small, 0, 0], 1))
    } else if let Ok(n) = u8::try_from(n) {
        Ok(([0x58, n, 0], 2))
    } else if let Ok(n) = u16::try_from(n) {
        let [hi, lo] = n.to_be_bytes();
        Ok(([0x59, hi, lo], 3))
    } else {
        Err(SigStructureTooLarge)
    }
}

struct SliceWriter<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl SliceWriter<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigStructureTooLarge> {
        let end = self
            .len
            .checked_add(bytes.len())
            .ok_or(SigStructureTooLarge)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(SigStructureTooLarge)?
            .copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

/// The protected header must be exactly `{1: -8, 4: h'<8 bytes>'}`.
fn decode_protected(protected: &[u8], base: usize) -> Result<&[u8; KID_LEN], DecodeError> {
    let mut c = Cursor::new(protected, base);
    let off = c.offset();
    if c.map(2, "protected header")? != 2 {
        return Err(DecodeError::new(
            off,
            DecodeErrorKind::Missing {
                what: "alg and kid in protected header",
            },
        ));
    }
    let mut prev = None;
    let koff = c.offset();
    if c.int_key(&mut prev)? != HEADER_ALG {
        return Err(DecodeError::new(
            koff,
            DecodeErrorKind::Missing { what: "alg" },
        ));
    }
    let aoff = c.offset();
    if c.int()? != ALG_EDDSA {
        return Err(DecodeError::new(
            aoff,
            DecodeErrorKind::InvalidValue {
                what: "alg (must be EdDSA, -8)",
            },
        ));
    }
    let koff = c.offset();
    let key = c.int_key(&mut prev)?;
    if key != HEADER_KID {
        return Err(DecodeError::new(
            koff,
            DecodeErrorKind::UnknownKey { key: Some(key) },
        ));
    }
    let voff = c.offset();
    let kid = c.bytes(KID_LEN, "kid")?.try_into().map_err(|_| {
        DecodeError::new(voff, DecodeErrorKind::InvalidValue { what: "kid length" })
    })?;
    c.finish()?;
    Ok(kid)
}
