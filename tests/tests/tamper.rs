//! Tampering: every single-byte change and every single-bit flip of a valid
//! multi-link license is rejected. Exhaustive, not sampled.

use licet_tests::*;
use licet_verifier::{Device, TrustedRoot, UnverifiedLicense};

const BUILDING: &str = "acme/dist-7/dealer-3/complex-12/bldg-2";

fn accepted(bytes: &[u8]) -> bool {
    let roots = [TrustedRoot::from_bytes(&public(&key(1))).unwrap()];
    let device = Device::new(BUILDING, NOW)
        .unwrap()
        .with_device_id("panel-1");
    UnverifiedLicense::parse(bytes)
        .and_then(|l| l.verify(&roots, &device))
        .is_ok()
}

/// A chain exercising every claim kind: quotas (well-known, custom,
/// unlimited), features, roles, devices, reminder, add-on-free base links.
fn rich_chain() -> Vec<u8> {
    ChainBuilder::new(key(1), "acme/dist-7", |c| {
        c.quotas
            .insert("door_codes".into(), licet_common::Quota::Unlimited);
        c.devices = Some(["panel-1".to_string(), "panel-9".to_string()].into());
        c.remind = Some(14 * DAY);
    })
    .push("acme/dist-7/dealer-3", |c| {
        c.quotas
            .insert("sip_numbers".into(), licet_common::Quota::Count(40));
        c.features = Some(["video".to_string(), "door_api".to_string()].into());
    })
    .push("acme/dist-7/dealer-3/complex-12", |c| {
        c.roles
            .insert("concierge".into(), ["guest_passes".to_string()].into());
        c.devices = Some(["panel-1".to_string()].into());
    })
    .push(BUILDING, |c| {
        c.quotas
            .insert("door_codes".into(), licet_common::Quota::Count(500));
        c.cnf = None;
        c.depth = 0;
    })
    .build()
}

#[test]
fn every_byte_change_is_rejected() {
    for original in [hierarchy().build(), rich_chain()] {
        assert!(accepted(&original));
        let mut bytes = original.clone();
        for i in 0..bytes.len() {
            bytes[i] ^= 0x01;
            assert!(!accepted(&bytes), "byte {i} XOR 0x01 accepted");
            bytes[i] ^= 0x01;
        }
        assert_eq!(bytes, original);
    }
}

#[test]
fn every_bit_flip_is_rejected() {
    let original = rich_chain();
    let mut bytes = original.clone();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            bytes[i] ^= 1 << bit;
            assert!(!accepted(&bytes), "byte {i} bit {bit} flip accepted");
            bytes[i] ^= 1 << bit;
        }
    }
}

#[test]
fn truncations_and_extensions_are_rejected() {
    let original = hierarchy().build();
    for n in 0..original.len() {
        assert!(!accepted(&original[..n]), "truncated to {n} accepted");
    }
    for extra in [&[0u8][..], &[0xa0], &[0xf6], &original[..1]] {
        let mut b = original.clone();
        b.extend_from_slice(extra);
        assert!(!accepted(&b), "trailing {extra:02x?} accepted");
    }
}
