//! Key ids.
//!
//! A link's `kid` header names the key that signed it: the first 8 bytes of
//! the RFC 9679 COSE Key Thumbprint of the signer's public key, i.e.
//! SHA-256 over the deterministic encoding of the required parameters of its
//! COSE_Key, `{1: 1, -1: 6, -2: h'<32-byte x>'}` (kty OKP, crv Ed25519, x).
//! Anyone holding the public key can recompute it (`docs/FORMAT.md` §3).

use sha2::{Digest, Sha256};

/// Length of a key id in bytes.
pub const KID_LEN: usize = 8;

/// The RFC 9679 thumbprint input for an Ed25519 public key (40 bytes).
pub fn thumbprint_input(public_key: &[u8; 32]) -> [u8; 40] {
    let mut out = [0u8; 40];
    // a3 01 01 20 06 21 58 20 <x>
    let head = [0xa3, 0x01, 0x01, 0x20, 0x06, 0x21, 0x58, 0x20];
    for (o, b) in out.iter_mut().zip(head.iter().chain(public_key.iter())) {
        *o = *b;
    }
    out
}

/// The full 32-byte RFC 9679 thumbprint of an Ed25519 public key.
pub fn thumbprint(public_key: &[u8; 32]) -> [u8; 32] {
    Sha256::digest(thumbprint_input(public_key)).into()
}

/// The key id of an Ed25519 public key: the thumbprint's first 8 bytes.
pub fn kid(public_key: &[u8; 32]) -> [u8; KID_LEN] {
    let t = thumbprint(public_key);
    let mut out = [0u8; KID_LEN];
    for (o, b) in out.iter_mut().zip(t.iter()) {
        *o = *b;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_input_layout() {
        let x = [0x11u8; 32];
        let t = thumbprint_input(&x);
        assert_eq!(&t[..8], &[0xa3, 0x01, 0x01, 0x20, 0x06, 0x21, 0x58, 0x20]);
        assert_eq!(&t[8..], &x);
    }

    #[test]
    fn kid_is_thumbprint_prefix() {
        let x = [7u8; 32];
        assert_eq!(kid(&x), thumbprint(&x)[..8]);
        assert_ne!(kid(&x), kid(&[8u8; 32]));
    }
}
