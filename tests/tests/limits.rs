//! Every documented limit (docs/FORMAT.md §7), at the limit and one past it.

use licet_common::encode::LinkClaims;
use licet_common::limits::*;
use licet_common::{Claims, Container, DecodeErrorKind, Quota};
use licet_tests::*;
use std::collections::BTreeSet;

fn base() -> LinkClaims {
    claims("acme", "acme/x", 1)
}

fn decode(c: &LinkClaims) -> Result<(), DecodeErrorKind> {
    Claims::decode(&c.to_payload(), 0)
        .map(|_| ())
        .map_err(|e| e.kind)
}

fn names(prefix: &str, n: usize) -> BTreeSet<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn too_large(what: &'static str, limit: usize) -> Result<(), DecodeErrorKind> {
    Err(DecodeErrorKind::TooLarge { what, limit })
}

#[test]
fn counts_at_and_past_their_limits() {
    let mut c = base();
    c.features = Some(names("f", MAX_FEATURES));
    assert_eq!(decode(&c), Ok(()));
    c.features = Some(names("f", MAX_FEATURES + 1));
    assert_eq!(decode(&c), too_large("features", MAX_FEATURES));

    let mut c = base();
    c.quotas = (0..MAX_QUOTAS)
        .map(|i| (format!("q{i}"), Quota::Count(1)))
        .collect();
    assert_eq!(decode(&c), Ok(()));
    c.quotas.insert("q99".into(), Quota::Count(1));
    assert_eq!(decode(&c), too_large("quotas", MAX_QUOTAS));

    let mut c = base();
    c.roles = (0..MAX_ROLES)
        .map(|i| (format!("r{i}"), names("g", 1)))
        .collect();
    assert_eq!(decode(&c), Ok(()));
    c.roles.insert("r99".into(), names("g", 1));
    assert_eq!(decode(&c), too_large("roles", MAX_ROLES));

    let mut c = base();
    c.roles
        .insert("concierge".into(), names("g", MAX_ROLE_GRANTS));
    assert_eq!(decode(&c), Ok(()));
    c.roles
        .insert("concierge".into(), names("g", MAX_ROLE_GRANTS + 1));
    assert_eq!(decode(&c), too_large("role grants", MAX_ROLE_GRANTS));

    let mut c = base();
    c.devices = Some(names("panel-", MAX_DEVICES));
    assert_eq!(decode(&c), Ok(()));
    c.devices = Some(names("panel-", MAX_DEVICES + 1));
    assert_eq!(decode(&c), too_large("devices", MAX_DEVICES));
}

#[test]
fn lengths_at_and_past_their_limits() {
    let name = |n: usize| format!("f{}", "x".repeat(n - 1));
    let mut c = base();
    c.features = Some([name(MAX_NAME_BYTES)].into());
    assert_eq!(decode(&c), Ok(()));
    c.features = Some([name(MAX_NAME_BYTES + 1)].into());
    assert_eq!(decode(&c), too_large("features", MAX_NAME_BYTES));

    let mut c = base();
    c.devices = Some(["d".repeat(MAX_DEVICE_ID_BYTES)].into());
    assert_eq!(decode(&c), Ok(()));
    c.devices = Some(["d".repeat(MAX_DEVICE_ID_BYTES + 1)].into());
    assert_eq!(decode(&c), too_large("devices", MAX_DEVICE_ID_BYTES));

    let mut c = base();
    for (len, ok) in [
        (MIN_SERIAL_BYTES - 1, false),
        (MIN_SERIAL_BYTES, true),
        (MAX_SERIAL_BYTES, true),
        (MAX_SERIAL_BYTES + 1, false),
    ] {
        c.serial = vec![7; len];
        assert_eq!(decode(&c).is_ok(), ok, "serial of {len} bytes");
    }

    // A group of exactly 128 bytes, then 129.
    let seg = "s".repeat(31);
    let g128 = format!("{seg}/{seg}/{seg}/{}", "t".repeat(128 - 3 * 32));
    assert_eq!(g128.len(), MAX_GROUP_BYTES);
    let mut c = base();
    c.iss = g128.clone();
    c.sub = g128.clone();
    assert_eq!(decode(&c), Ok(()));
    c.sub = format!("{g128}u");
    assert_eq!(decode(&c), too_large("sub", MAX_GROUP_BYTES));
}

#[test]
fn values_at_and_past_their_limits() {
    let mut c = base();
    c.depth = u8::try_from(MAX_DEPTH).unwrap();
    assert_eq!(decode(&c), Ok(()));
    c.depth += 1;
    assert_eq!(
        decode(&c),
        Err(DecodeErrorKind::InvalidValue { what: "depth" })
    );

    let mut c = base();
    c.exp = Some(MAX_TIME);
    assert_eq!(decode(&c), Ok(()));
    c.exp = Some(MAX_TIME + 1);
    assert_eq!(
        decode(&c),
        Err(DecodeErrorKind::InvalidValue { what: "exp" })
    );

    // Quota counts: u32::MAX fits; one more can only be written by hand.
    let mut c = base();
    c.quotas
        .insert("sip_numbers".into(), Quota::Count(u32::MAX));
    assert_eq!(decode(&c), Ok(()));
    let payload = c.to_payload();
    let at = payload
        .windows(5)
        .position(|w| w == [0x1a, 0xff, 0xff, 0xff, 0xff])
        .unwrap();
    let mut over = payload[..at].to_vec();
    over.extend_from_slice(&[0x1b, 0, 0, 0, 1, 0, 0, 0, 0]);
    over.extend_from_slice(&payload[at + 5..]);
    assert_eq!(
        Claims::decode(&over, 0).map(|_| ()).map_err(|e| e.kind),
        Err(DecodeErrorKind::InvalidValue {
            what: "quota count"
        })
    );
}

#[test]
fn payload_and_file_sizes_at_and_past_their_limits() {
    // Fill a payload to exactly `target` bytes with device ids: devices of
    // 60 bytes while far from it, then search the last two lengths.
    let fill = |target: usize| -> LinkClaims {
        let mut c = base();
        let id = |i: usize, len: usize| format!("{i:02}{}", "d".repeat(len - 2));
        let mut devices: Vec<String> = Vec::new();
        loop {
            c.devices = Some(devices.iter().cloned().collect());
            if target - c.to_payload().len() < 140 {
                break;
            }
            devices.push(id(devices.len(), 60));
        }
        for a in 2..=MAX_DEVICE_ID_BYTES {
            for b in 2..=MAX_DEVICE_ID_BYTES {
                let mut d = devices.clone();
                d.push(id(d.len(), a));
                d.push(id(d.len(), b));
                c.devices = Some(d.into_iter().collect());
                if c.to_payload().len() == target {
                    return c;
                }
            }
        }
        panic!("cannot reach {target} bytes");
    };
    let exact = fill(MAX_PAYLOAD_BYTES);
    assert_eq!(exact.to_payload().len(), MAX_PAYLOAD_BYTES);
    let link = sign_link(&exact, &key(1));
    assert!(licet_common::Link::decode_one(&link).is_ok());
    let over = fill(MAX_PAYLOAD_BYTES + 1);
    let link = sign_link(&over, &key(1));
    assert_eq!(
        licet_common::Link::decode_one(&link).unwrap_err().kind,
        DecodeErrorKind::TooLarge {
            what: "payload",
            limit: MAX_PAYLOAD_BYTES
        }
    );

    // The whole file: 8192 bytes are read, 8193 are refused before parsing.
    let mut file = vec![0u8; MAX_LICENSE_BYTES];
    assert_ne!(
        Container::decode(&file).unwrap_err().kind,
        DecodeErrorKind::TooLarge {
            what: "license file",
            limit: MAX_LICENSE_BYTES
        }
    );
    file.push(0);
    assert_eq!(
        Container::decode(&file).unwrap_err().kind,
        DecodeErrorKind::TooLarge {
            what: "license file",
            limit: MAX_LICENSE_BYTES
        }
    );

    // Armor: the same, for the text form.
    let mut buf = [0u8; MAX_LICENSE_BYTES];
    let text = vec![b'-'; MAX_ARMOR_BYTES + 1];
    let mut armored = b"-----BEGIN LICET LICENSE-----\n".to_vec();
    armored.extend_from_slice(&text);
    assert!(
        matches!(licet_verifier::dearmor(&armored, &mut buf), Err(licet_verifier::Error::Decode(d)) if matches!(d.kind, DecodeErrorKind::TooLarge { .. }))
    );

    // A protected header longer than 32 bytes.
    let c = base();
    let payload = c.to_payload();
    let mut protected = licet_common::encode::protected_header(&[1; 8]);
    protected.resize(MAX_PROTECTED_BYTES + 1, 0);
    let link = licet_common::encode::cose_sign1(&protected, &payload, &[0; 64]);
    assert_eq!(
        licet_common::Link::decode_one(&link).unwrap_err().kind,
        DecodeErrorKind::TooLarge {
            what: "protected header",
            limit: MAX_PROTECTED_BYTES
        }
    );
}
