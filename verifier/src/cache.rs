//! Verify once: a device that checks the same licenses at every boot keeps
//! the digests of the link signatures it already verified, so checking an
//! unchanged chain again costs a SHA-256 per link instead of an Ed25519
//! verification.
//!
//! An entry is `SHA-256("licet verified link v1\0" ‖ key ‖ signature ‖
//! Sig_structure)`: it stands for "this exact key verified this exact
//! signature over these exact bytes". A hit skips only the signature check;
//! every other rule (chaining, time, narrowing, group, device binding) runs
//! in full on every call, so a cached check accepts exactly what a full check
//! accepts. A link that fails its time check loses its entry, so once its
//! validity has ended it is verified in full again.
//!
//! The slots are the caller's memory (RAM, or flash that survives a reboot).
//! Whoever can write them can mark a forged link as verified: keep them
//! where only the firmware writes, as trusted as the firmware itself.
//! All-zero slots are empty. A hit changes nothing; a miss that verifies
//! inserts at the front and drops the oldest entry when the slots are full;
//! [`VerifyCache::is_modified`] tells whether there is anything to persist.

use sha2::{Digest, Sha256};

/// Bytes in one cache slot: a SHA-256 digest.
pub const CACHE_ENTRY_BYTES: usize = 32;

const DOMAIN: &[u8] = b"licet verified link v1\0";
const EMPTY: [u8; CACHE_ENTRY_BYTES] = [0; CACHE_ENTRY_BYTES];

/// A verify-once cache over caller-provided slots. A few slots per link the
/// device holds are enough: a chain of 5 links needs 5, licenses sharing
/// their upper links share those entries.
#[derive(Debug)]
pub struct VerifyCache<'c> {
    slots: &'c mut [[u8; CACHE_ENTRY_BYTES]],
    modified: bool,
}

impl<'c> VerifyCache<'c> {
    /// A cache over `slots`, which keep whatever they held (zeroed slots are
    /// empty): pass the slots persisted last time to reuse them.
    pub fn new(slots: &'c mut [[u8; CACHE_ENTRY_BYTES]]) -> Self {
        Self {
            slots,
            modified: false,
        }
    }

    /// Empties every slot.
    pub fn clear(&mut self) {
        for s in self.slots.iter_mut() {
            *s = EMPTY;
        }
        self.modified = true;
    }

    /// Number of slots.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Number of slots in use.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| **s != EMPTY).count()
    }

    /// True when no slot is in use.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when a check changed the slots since this cache was made (the
    /// device then persists them).
    pub fn is_modified(&self) -> bool {
        self.modified
    }

    fn position(&self, digest: &[u8; CACHE_ENTRY_BYTES]) -> Option<usize> {
        if *digest == EMPTY {
            return None;
        }
        self.slots.iter().position(|s| s == digest)
    }

    pub(crate) fn contains(&self, digest: &[u8; CACHE_ENTRY_BYTES]) -> bool {
        self.position(digest).is_some()
    }

    /// Records a verified signature at the front, dropping the oldest entry
    /// when full.
    pub(crate) fn insert(&mut self, digest: [u8; CACHE_ENTRY_BYTES]) {
        if digest == EMPTY || self.contains(&digest) || self.slots.is_empty() {
            return;
        }
        crate::slots::shift_in(self.slots, digest);
        self.modified = true;
    }

    /// Forgets an entry, keeping the others in order.
    pub(crate) fn remove(&mut self, digest: &[u8; CACHE_ENTRY_BYTES]) {
        let Some(pos) = self.position(digest) else {
            return;
        };
        if let Some(tail) = self.slots.get_mut(pos..) {
            crate::slots::shift_out(tail, EMPTY);
        }
        self.modified = true;
    }
}

/// The cache entry for `signature` by `key` over a Sig_structure fed in
/// pieces by `message` (`None` when it could not produce it).
pub(crate) fn entry(
    key: &[u8; 32],
    signature: &[u8; 64],
    message: impl FnOnce(&mut dyn FnMut(&[u8])) -> bool,
) -> Option<[u8; CACHE_ENTRY_BYTES]> {
    let mut h = Sha256::new()
        .chain_update(DOMAIN)
        .chain_update(key)
        .chain_update(signature);
    message(&mut |chunk| h.update(chunk)).then(|| h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: u8) -> [u8; 32] {
        [n; 32]
    }

    #[test]
    fn inserts_at_front_and_drops_oldest() {
        let mut slots = [[0u8; 32]; 3];
        let mut c = VerifyCache::new(&mut slots);
        assert!(c.is_empty() && !c.is_modified());
        for n in 1..=4 {
            c.insert(d(n));
        }
        assert_eq!(c.len(), 3);
        assert!(c.is_modified());
        assert!(!c.contains(&d(1)), "the oldest entry is dropped");
        assert!(c.contains(&d(2)) && c.contains(&d(4)));
        assert_eq!(slots, [d(4), d(3), d(2)]);
    }

    #[test]
    fn a_hit_or_a_repeat_changes_nothing() {
        let mut slots = [d(7), d(8), [0; 32]];
        let mut c = VerifyCache::new(&mut slots);
        assert!(c.contains(&d(8)));
        c.insert(d(7));
        assert!(!c.is_modified());
        assert!(!c.contains(&[0; 32]), "an empty slot is never a hit");
    }

    #[test]
    fn remove_keeps_order_and_frees_the_last_slot() {
        let mut slots = [d(1), d(2), d(3)];
        let mut c = VerifyCache::new(&mut slots);
        c.remove(&d(1));
        c.remove(&d(9));
        assert!(c.is_modified());
        assert_eq!(slots, [d(2), d(3), [0; 32]]);
    }

    #[test]
    fn zero_slots_cache_nothing() {
        let mut slots: [[u8; 32]; 0] = [];
        let mut c = VerifyCache::new(&mut slots);
        c.insert(d(1));
        assert!(!c.contains(&d(1)) && !c.is_modified());
    }

    #[test]
    fn entry_binds_key_signature_and_message() {
        let e = |k: u8, s: u8, m: &'static [u8]| {
            entry(&[k; 32], &[s; 64], |sink| {
                sink(m);
                true
            })
            .unwrap()
        };
        assert_ne!(e(1, 2, b"m"), e(3, 2, b"m"));
        assert_ne!(e(1, 2, b"m"), e(1, 4, b"m"));
        assert_ne!(e(1, 2, b"m"), e(1, 2, b"n"));
        assert_eq!(e(1, 2, b"m"), e(1, 2, b"m"));
    }
}
