//! Who must have signed a link, and the one Ed25519 check of the crate.

use crate::cache::{self, CACHE_ENTRY_BYTES, VerifyCache};
use crate::{Error, TrustedRoot};
use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::ed25519::signature::MultipartVerifier;
use ed25519_dalek::{Signature, VerifyingKey};
use licet_common::Link;
use licet_common::kid::kid;

/// Links already checked during one call (an evaluation of several licenses
/// sharing their upper links checks each shared link once). An entry is the
/// exact link bytes and the exact key that verified them, so a hit stands
/// for the same check with the same outcome; `rules` holds the position at
/// which the link, and the whole prefix before it, passed the untimed rules
/// (chaining, minting time, narrowing), which depend on nothing but those
/// bytes and that position.
#[derive(Debug)]
pub(crate) struct Memo<'a> {
    entries: [Option<MemoEntry<'a>>; MEMO_ENTRIES],
}

/// The link's bytes, the key that verified them, and the position at which
/// the untimed rules passed for it and its prefix.
type MemoEntry<'a> = (&'a [u8], [u8; 32], Option<usize>);

const MEMO_ENTRIES: usize = 16;

impl<'a> Memo<'a> {
    pub(crate) fn new() -> Self {
        Self {
            entries: [None; MEMO_ENTRIES],
        }
    }

    fn contains(&self, link: &[u8], key: &[u8; 32]) -> bool {
        self.entries
            .iter()
            .flatten()
            .any(|(l, k, _)| *l == link && k == key)
    }

    fn insert(&mut self, link: &'a [u8], key: &[u8; 32]) {
        if let Some(slot) = self.entries.iter_mut().find(|e| e.is_none()) {
            *slot = Some((link, *key, None));
        }
    }
}

/// How signatures are checked during one walk.
#[derive(Debug)]
pub(crate) struct Checker<'s, 'k, 'a> {
    /// The device's verify-once cache.
    pub cache: Option<&'s mut VerifyCache<'k>>,
    /// This call's memo.
    pub memo: Option<&'s mut Memo<'a>>,
}

impl<'a> Checker<'_, '_, 'a> {
    /// No cache, no memo: every signature checked.
    pub(crate) fn plain() -> Self {
        Checker {
            cache: None,
            memo: None,
        }
    }

    /// Through a verify-once cache, no memo.
    pub(crate) fn cached<'c, 'k>(cache: &'c mut VerifyCache<'k>) -> Checker<'c, 'k, 'a> {
        Checker {
            cache: Some(cache),
            memo: None,
        }
    }

    /// Checks link `i`'s signer and signature; returns its cache entry when
    /// a cache is in use.
    #[inline(always)]
    pub(crate) fn check(
        &mut self,
        i: usize,
        link: &Link<'a>,
        parent: Option<&Link<'a>>,
        roots: &[TrustedRoot],
    ) -> Result<Option<[u8; CACHE_ENTRY_BYTES]>, Error<'a>> {
        let signer = signer(i, link, parent, roots)?;
        if self
            .memo
            .as_deref()
            .is_some_and(|m| m.contains(link.bytes, signer.bytes()))
        {
            return Ok(None);
        }
        let entry = match self.cache.as_deref_mut() {
            None => {
                check_with(i, link, &signer)?;
                None
            }
            Some(cache) => Some(check_cached(i, link, &signer, cache)?),
        };
        if let Some(memo) = self.memo.as_deref_mut() {
            memo.insert(link.bytes, signer.bytes());
        }
        Ok(entry)
    }

    /// True when `link` passed every untimed rule at position `i` earlier
    /// in this call, after a prefix that passed them too (the caller knows
    /// the links before it are those same bytes).
    pub(crate) fn rules_known(&self, i: usize, link: &[u8]) -> bool {
        self.memo.as_deref().is_some_and(|m| {
            m.entries
                .iter()
                .flatten()
                .any(|(l, _, at)| *at == Some(i) && *l == link)
        })
    }

    /// Records that `link`, at position `i` and with its prefix, passed
    /// every untimed rule.
    pub(crate) fn rules_passed(&mut self, i: usize, link: &[u8]) {
        if let Some(m) = self.memo.as_deref_mut() {
            for e in m.entries.iter_mut().flatten() {
                if e.0 == link && e.2.is_none() {
                    e.2 = Some(i);
                }
            }
        }
    }

    /// Forgets a link that failed its time check, so it is verified in full
    /// when it is next seen.
    pub(crate) fn forget(&mut self, entry: Option<[u8; CACHE_ENTRY_BYTES]>) {
        if let (Some(cache), Some(entry)) = (self.cache.as_deref_mut(), entry) {
            cache.remove(&entry);
        }
    }
}

#[inline(never)]
fn check_with<'a>(i: usize, link: &Link<'a>, signer: &Signer<'_, 'a>) -> Result<(), Error<'a>> {
    let key = signer.decode()?;
    let valid = link
        .sig_structure_parts()
        .is_ok_and(|m| ed25519_verify(&key, link.signature, &m.parts()));
    if valid {
        Ok(())
    } else {
        Err(Error::BadSignature { link: i })
    }
}

/// The check through a verify-once cache; returns the link's cache entry.
#[inline(never)]
fn check_cached<'a>(
    i: usize,
    link: &Link<'a>,
    signer: &Signer<'_, 'a>,
    cache: &mut VerifyCache<'_>,
) -> Result<[u8; CACHE_ENTRY_BYTES], Error<'a>> {
    let entry = cache::entry(signer.bytes(), link.signature, |sink| {
        link.sig_structure_chunks(sink).is_ok()
    })
    .ok_or(Error::BadSignature { link: i })?;
    // A hit stands for this key having verified these bytes: the key need
    // not even be decoded again.
    if cache.contains(&entry) {
        return Ok(entry);
    }
    check_with(i, link, signer)?;
    cache.insert(entry);
    Ok(entry)
}

/// The key that must have signed a link, found but not yet decoded.
enum Signer<'r, 'a> {
    /// A trusted root (decoded and checked when it was made).
    Root(&'r VerifyingKey),
    /// The key the parent (link `parent`) delegates to, as its bytes.
    Delegated { key: &'a [u8; 32], parent: usize },
}

impl<'a> Signer<'_, 'a> {
    fn bytes(&self) -> &[u8; 32] {
        match self {
            Self::Root(key) => key.as_bytes(),
            Self::Delegated { key, .. } => key,
        }
    }

    /// The key, decoded; a delegated key that does not decode or is of
    /// small order is the parent's fault.
    fn decode(&self) -> Result<VerifyingKey, Error<'a>> {
        match *self {
            Self::Root(key) => Ok(*key),
            Self::Delegated { key, parent } => match VerifyingKey::from_bytes(key) {
                Ok(k) if !k.is_weak() => Ok(k),
                _ => Err(Error::InvalidDelegatedKey { link: parent }),
            },
        }
    }
}

/// Who must have signed link `i`: a trusted root chosen by `kid` for the
/// root link, the key the parent delegates to for any other.
fn signer<'r, 'a>(
    i: usize,
    link: &Link<'a>,
    parent: Option<&Link<'a>>,
    roots: &'r [TrustedRoot],
) -> Result<Signer<'r, 'a>, Error<'a>> {
    match parent {
        None => roots
            .iter()
            .find(|r| r.kid() == link.kid)
            .map(|r| Signer::Root(r.key()))
            .ok_or(Error::UnknownRoot { kid: *link.kid }),
        Some(parent) => {
            let cnf = parent
                .claims
                .cnf
                .ok_or(Error::ParentCannotDelegate { link: i })?;
            let expected = kid(cnf);
            if &expected != link.kid {
                return Err(Error::KidMismatch {
                    link: i,
                    expected,
                    found: *link.kid,
                });
            }
            Ok(Signer::Delegated {
                key: cnf,
                parent: i.saturating_sub(1),
            })
        }
    }
}

/// The one Ed25519 check of the crate, with `verify_strict`'s rules (see
/// the crate docs for why strict) over a message given in pieces.
///
/// ed25519-dalek's `verify_strict` needs the message in one slice; its
/// `multipart_verify` hashes it in pieces but skips two of the strict
/// checks. This is `verify_strict` over pieces: `S` must be canonical (both
/// parse the signature the same way), `R` must decode and not be of small
/// order (checked here exactly as `verify_strict` does), `A` must not be of
/// small order (every key reaching here was checked when decoded:
/// [`TrustedRoot::from_bytes`], `Signer::decode`, [`verify_signature`]), and
/// the recomputed `R` must equal the signature's. The Wycheproof, RFC 8032,
/// CCTV and speccheck vectors run through this function
/// ([`verify_signature`]). (Pieces, not a stream: a stream verifier is
/// moved by value through ed25519-dalek, which cost 776 bytes of stack on a
/// Cortex-M4, docs/FOOTPRINT.md.)
fn ed25519_verify(key: &VerifyingKey, signature: &[u8; 64], message: &[&[u8]]) -> bool {
    let signature = Signature::from_bytes(signature);
    match CompressedEdwardsY(*signature.r_bytes()).decompress() {
        Some(r) if !r.is_small_order() => {}
        _ => return false,
    }
    key.multipart_verify(message, &signature).is_ok()
}

/// Checks an Ed25519 signature from raw bytes exactly as license links are
/// checked: the key must decode and not be of small order, and the signature
/// must pass `verify_strict`. Exposed for conformance tests (Wycheproof,
/// RFC 8032) and for the footprint floor measurement.
pub fn verify_signature(public_key: &[u8; 32], msg: &[u8], signature: &[u8; 64]) -> bool {
    match VerifyingKey::from_bytes(public_key) {
        Ok(key) if !key.is_weak() => ed25519_verify(&key, signature, &[msg]),
        _ => false,
    }
}
