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
    /// Offset of the payload in the license file.
    pub payload_offset: usize,
    /// The Ed25519 signature (R ‖ S).
    pub signature: &'a [u8; 64],
    /// The decoded claims.
    pub claims: Claims<'a>,
}

impl<'a> Link<'a> {
    /// Decodes one link from `c`.
    pub fn decode(c: &mut Cursor<'a>) -> Result<Self, DecodeError> {
        let offset = c.offset();
        let start = c.position();
        let tag_off = c.offset();
        if c.tag()? != TAG_COSE_SIGN1 {
            return Err(DecodeError::new(tag_off, DecodeErrorKind::InvalidValue { what: "COSE_Sign1 tag (18)" }));
        }
        let arr_off = c.offset();
        if c.array(4, "COSE_Sign1")? != 4 {
            return Err(DecodeError::new(arr_off, DecodeErrorKind::Missing { what: "COSE_Sign1 member" }));
        }
        let prot_off = c.offset();
        let protected = c.bytes(MAX_PROTECTED_BYTES, "protected header")?;
        let kid = decode_protected(protected, prot_off.saturating_add(1))?;
        let unprot_off = c.offset();
        if c.map(0, "unprotected header (must be empty)")? != 0 {
            return Err(DecodeError::new(unprot_off, DecodeErrorKind::InvalidValue { what: "unprotected header" }));
        }
        let payload_head = c.offset();
        let payload = c.bytes(MAX_PAYLOAD_BYTES, "payload")?;
        let payload_offset = c.offset().saturating_sub(payload.len());
        let sig_off = c.offset();
        let signature: &[u8; 64] = c
            .bytes(64, "signature")?
            .try_into()
            .map_err(|_| DecodeError::new(sig_off, DecodeErrorKind::InvalidValue { what: "signature length" }))?;
        let claims = Claims::decode(payload, payload_offset).map_err(|e| {
            // An empty payload has no item to point at: point at its head.
            if payload.is_empty() { DecodeError { offset: payload_head, ..e } } else { e }
        })?;
        Ok(Self {
            offset,
            bytes: c.slice_from(start)?,
            protected,
            kid,
            payload,
            payload_offset,
            signature,
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
}

/// The buffer given to [`Link::sig_structure`] is too small.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigStructureTooLarge;

/// Largest Sig_structure a valid link can have, in bytes.
pub const MAX_SIG_STRUCTURE_BYTES: usize = 1 + 11 + 3 + MAX_PROTECTED_BYTES + 1 + 3 + MAX_PAYLOAD_BYTES;

/// Writes `["Signature1", protected, h'', payload]` (RFC 9052 §4.4) into `buf`.
pub fn write_sig_structure<'b>(
    protected: &[u8],
    payload: &[u8],
    buf: &'b mut [u8],
) -> Result<&'b [u8], SigStructureTooLarge> {
    let mut w = SliceWriter { buf, len: 0 };
    w.put(&[0x84, 0x6a])?;
    w.put(SIG_CONTEXT_SIGN1.as_bytes())?;
    w.bstr(protected)?;
    w.put(&[0x40])?;
    w.bstr(payload)?;
    let SliceWriter { buf, len } = w;
    buf.get(..len).ok_or(SigStructureTooLarge)
}

struct SliceWriter<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl SliceWriter<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigStructureTooLarge> {
        let end = self.len.checked_add(bytes.len()).ok_or(SigStructureTooLarge)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(SigStructureTooLarge)?
            .copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    fn bstr(&mut self, bytes: &[u8]) -> Result<(), SigStructureTooLarge> {
        let n = bytes.len();
        if n < 24 {
            self.put(&[0x40 | u8::try_from(n).map_err(|_| SigStructureTooLarge)?])?;
        } else if let Ok(n) = u8::try_from(n) {
            self.put(&[0x58, n])?;
        } else if let Ok(n) = u16::try_from(n) {
            let [hi, lo] = n.to_be_bytes();
            self.put(&[0x59, hi, lo])?;
        } else {
            return Err(SigStructureTooLarge);
        }
        self.put(bytes)
    }
}

/// The protected header must be exactly `{1: -8, 4: h'<8 bytes>'}`.
fn decode_protected(protected: &[u8], base: usize) -> Result<&[u8; KID_LEN], DecodeError> {
    let mut c = Cursor::new(protected, base);
    let off = c.offset();
    if c.map(2, "protected header")? != 2 {
        return Err(DecodeError::new(off, DecodeErrorKind::Missing { what: "alg and kid in protected header" }));
    }
    let mut prev = None;
    let koff = c.offset();
    if c.int_key(&mut prev)? != HEADER_ALG {
        return Err(DecodeError::new(koff, DecodeErrorKind::Missing { what: "alg" }));
    }
    let aoff = c.offset();
    if c.int()? != ALG_EDDSA {
        return Err(DecodeError::new(aoff, DecodeErrorKind::InvalidValue { what: "alg (must be EdDSA, -8)" }));
    }
    let koff = c.offset();
    let key = c.int_key(&mut prev)?;
    if key != HEADER_KID {
        return Err(DecodeError::new(koff, DecodeErrorKind::UnknownKey { key: Some(key) }));
    }
    let voff = c.offset();
    let kid = c
        .bytes(KID_LEN, "kid")?
        .try_into()
        .map_err(|_| DecodeError::new(voff, DecodeErrorKind::InvalidValue { what: "kid length" }))?;
    c.finish()?;
    Ok(kid)
}
