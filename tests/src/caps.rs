//! Chains at the documented caps (every list full, names as short as the
//! payload limit needs), for `scripts/caps.sh`: the `caps` example of this
//! crate (Rust API) and `caps_c` of licet-capi (the C ABI).

use crate::{ChainBuilder, key};
use licet_common::encode::LinkClaims;
use licet_common::{Container, Kind, Quota};

/// Every list at its cap, with names as short as the payload limit needs.
pub fn at_caps(c: &mut LinkClaims) {
    c.quotas = (0..16)
        .map(|i| {
            let name = match i {
                0 => "sip_numbers".to_string(),
                1 => "app_installs".to_string(),
                2 => "integrations".to_string(),
                i => format!("q{i:02}"),
            };
            (name, Quota::Count(1000))
        })
        .collect();
    c.features = Some((0..32).map(|i| format!("f{i:02}")).collect());
    c.roles = (0..8)
        .map(|r| {
            (
                format!("r{r}"),
                (0..16).map(|i| format!("f{i:02}")).collect(),
            )
        })
        .collect();
    c.devices = Some((0..16).map(|i| format!("d{i:02}")).collect());
}

/// A chain of `n` links at the caps, the last one for panels.
pub fn caps_chain(n: usize, leaf_serial: u8, kind: Kind) -> Vec<u8> {
    let mut b = ChainBuilder::new(key(1), "a", |c| {
        c.depth = 7;
        at_caps(c);
    });
    let mut group = String::from("a");
    for i in 1..n {
        group.push_str(&format!("/{i}"));
        let last = i + 1 == n;
        b = b.push(&group, |c| {
            at_caps(c);
            if last {
                c.cnf = None;
                c.depth = 0;
                c.serial = vec![leaf_serial; 8];
                c.kind = kind;
            }
        });
    }
    b.build()
}

/// The group of the leaf of an `n`-link caps chain.
pub fn group_of(n: usize) -> String {
    (1..n).fold(String::from("a"), |g, i| format!("{g}/{i}"))
}

/// The most links whose file stays within the 8 KiB limit at the caps.
pub fn caps_links() -> usize {
    (2..=8)
        .rev()
        .find(|&n| Container::decode(&caps_chain(n, 9, Kind::License)).is_ok())
        .expect("a caps chain fits")
}

/// Eight licenses at the caps sharing their upper links: a base license
/// and seven add-ons.
pub fn caps_set(n: usize) -> Vec<Vec<u8>> {
    (0..8u8)
        .map(|i| {
            caps_chain(
                n,
                0x60 + i,
                if i == 0 { Kind::License } else { Kind::AddOn },
            )
        })
        .collect()
}
