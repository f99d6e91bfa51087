//! Random hierarchies: the verifier accepts exactly the chains a small,
//! independent model of the narrowing rules (docs/SEMANTICS.md §1) allows,
//! and rejects the others at the first offending link.

use licet_common::encode::LinkClaims;
use licet_common::{Kind, Quota, Tier};
use licet_tests::*;
use licet_verifier::{Device, TrustedRoot, verify};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Well-known quotas (encoded as codes) and custom ones (encoded as text,
/// sorted after the codes, shorter names first).
const QUOTAS: [&str; 5] = [
    "sip_numbers",
    "app_installs",
    "integrations",
    "lift_calls",
    "zz",
];
const FEATURES: [&str; 4] = ["video", "door_api", "remote_open", "teleport"];
const ROLES: [&str; 2] = ["concierge", "technical_manager"];

/// What one link states, relative to its parent.
#[derive(Clone, Debug)]
struct Step {
    quotas: Vec<(usize, Option<u32>)>, // None = unlimited
    features: Option<Vec<usize>>,
    roles: Vec<(usize, Vec<usize>)>,
    devices: Option<Vec<u8>>,
    nbf_shift: i64,
    exp_shift: Option<i64>,
    depth_drop: u8,
    tier: Tier,
    addon: bool,
}

fn step() -> impl Strategy<Value = Step> {
    (
        prop::collection::vec((0usize..5, prop::option::weighted(0.9, 0u32..120)), 0..4),
        prop::option::of(prop::collection::vec(0usize..4, 0..4)),
        prop::collection::vec((0usize..2, prop::collection::vec(0usize..4, 0..3)), 0..2),
        prop::option::weighted(0.3, prop::collection::vec(0u8..4, 0..3)),
        -1i64..3,
        prop::option::weighted(0.9, -1i64..3),
        0u8..3,
        prop_oneof![Just(Tier::Basic), Just(Tier::Trial), Just(Tier::Plus)],
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(quotas, features, roles, devices, nbf_shift, exp_shift, depth_drop, tier, addon)| {
                Step {
                    quotas,
                    features,
                    roles,
                    devices,
                    nbf_shift,
                    exp_shift,
                    depth_drop,
                    tier,
                    addon,
                }
            },
        )
}

/// The model's view of the chain so far: the effective values.
#[derive(Clone, Debug)]
struct Effective {
    quotas: BTreeMap<String, Quota>,
    features: BTreeSet<String>,
    roles: BTreeMap<String, BTreeSet<String>>,
    devices: Option<BTreeSet<String>>,
    nbf: u64,
    exp: Option<u64>,
    depth: u8,
    tier: Tier,
    kind: Kind,
}

fn within(a: Quota, b: Quota) -> bool {
    match (a, b) {
        (_, Quota::Unlimited) => true,
        (Quota::Unlimited, _) => false,
        (Quota::Count(x), Quota::Count(y)) => x <= y,
    }
}

/// True when the model allows `c` under `p`.
fn allowed(p: &Effective, c: &LinkClaims) -> bool {
    let window = c.nbf >= p.nbf
        && match p.exp {
            None => true,
            Some(pe) => c.exp.is_some_and(|e| e <= pe),
        };
    let depth = p.depth >= 1 && c.depth < p.depth;
    let tier = c.tier <= p.tier;
    let kind = p.kind == Kind::License || c.kind == Kind::AddOn;
    let quotas = c
        .quotas
        .iter()
        .all(|(n, q)| p.quotas.get(n).is_some_and(|pq| within(*q, *pq)));
    let features = c.features.as_ref().is_none_or(|f| f.is_subset(&p.features));
    let roles = c.roles.iter().all(|(r, g)| {
        let pg = p.roles.get(r).cloned().unwrap_or_default();
        g.iter().all(|f| p.features.contains(f) || pg.contains(f))
    });
    let devices = match (&c.devices, &p.devices) {
        (Some(d), Some(pd)) => d.is_subset(pd),
        _ => true,
    };
    window && depth && tier && kind && quotas && features && roles && devices
}

fn apply(p: &Effective, c: &LinkClaims) -> Effective {
    let mut e = p.clone();
    e.quotas.extend(c.quotas.clone());
    if let Some(f) = &c.features {
        e.features = f.clone();
    }
    e.roles.extend(c.roles.clone());
    if c.devices.is_some() {
        e.devices = c.devices.clone();
    }
    (e.nbf, e.exp, e.depth, e.tier, e.kind) = (c.nbf, c.exp, c.depth, c.tier, c.kind);
    e
}

fn to_claims(s: &Step, p: &Effective, c: &mut LinkClaims) {
    c.quotas = s
        .quotas
        .iter()
        .map(|(i, v)| {
            (
                QUOTAS[*i].to_string(),
                v.map_or(Quota::Unlimited, Quota::Count),
            )
        })
        .collect();
    c.features = s
        .features
        .as_ref()
        .map(|f| f.iter().map(|i| FEATURES[*i].to_string()).collect());
    c.roles = s
        .roles
        .iter()
        .map(|(r, g)| {
            (
                ROLES[*r].to_string(),
                g.iter().map(|i| FEATURES[*i].to_string()).collect(),
            )
        })
        .collect();
    c.devices = s
        .devices
        .as_ref()
        .map(|d| d.iter().map(|i| format!("panel-{i}")).collect());
    let shift = |t: u64, by: i64| t.saturating_add_signed(by * DAY as i64);
    c.nbf = shift(p.nbf, s.nbf_shift);
    c.exp = match (s.exp_shift, p.exp) {
        (Some(x), Some(pe)) => Some(shift(pe, -x)),
        (Some(x), None) => Some(NOW + (100 + x.unsigned_abs()) * DAY),
        (None, _) => None,
    };
    c.depth = p.depth.saturating_sub(s.depth_drop);
    c.tier = s.tier;
    c.kind = if s.addon { Kind::AddOn } else { Kind::License };
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn verifier_accepts_exactly_what_the_rules_allow(
        steps in prop::collection::vec(step(), 1..5),
        leaf_delegates in prop::bool::weighted(0.3),
    ) {
        let mut b = ChainBuilder::new(key(1), "acme", |c| {
            c.quotas = QUOTAS.iter().map(|q| (q.to_string(), Quota::Count(100))).collect();
            c.features = Some(FEATURES[..3].iter().map(|s| s.to_string()).collect());
            c.roles = [("concierge".to_string(), ["teleport".to_string()].into())].into();
            c.devices = Some(["panel-0", "panel-1", "panel-2"].iter().map(|s| s.to_string()).collect());
            c.depth = 6;
        });
        let root = &b.claims[0];
        let mut eff = Effective {
            quotas: root.quotas.clone(),
            features: root.features.clone().unwrap(),
            roles: root.roles.clone(),
            devices: root.devices.clone(),
            nbf: root.nbf,
            exp: root.exp,
            depth: root.depth,
            tier: root.tier,
            kind: root.kind,
        };
        let mut first_bad = None;
        let mut group = String::from("acme");
        for (i, s) in steps.iter().enumerate() {
            group.push_str(&format!("/g{i}"));
            let p = eff.clone();
            let leaf = i + 1 == steps.len() && !leaf_delegates;
            b = b.push(&group, |c| {
                to_claims(s, &p, c);
                if leaf {
                    // A license for panels delegates nothing.
                    c.cnf = None;
                    c.depth = 0;
                }
            });
            let c = b.claims.last().unwrap();
            if first_bad.is_none() && !allowed(&p, c) {
                first_bad = Some(i + 1);
            }
            eff = apply(&p, c);
        }
        let file = b.build();
        let roots = [TrustedRoot::from_bytes(&public(&key(1))).unwrap()];
        // A device in the leaf's group, inside every window, bound to panel-0.
        let last = b.claims.last().unwrap();
        let now = b.claims.iter().map(|c| c.nbf).max().unwrap();
        let in_windows = b.claims.iter().all(|c| c.exp.is_none_or(|e| now < e));
        prop_assume!(in_windows);
        let device = Device::new(&last.sub, now).unwrap().with_device_id("panel-0");
        let bound_ok = eff.devices.as_ref().is_none_or(|d| d.contains("panel-0"));
        let result = verify(&file, &roots, &device);
        match first_bad {
            // A delegation bounds a subtree; it licenses no panel.
            None if leaf_delegates => prop_assert!(
                matches!(result, Err(licet_verifier::Error::DelegationOnly { .. })),
                "{:?}", result.err()
            ),
            None if bound_ok => prop_assert!(result.is_ok(), "model allows, verifier says {:?}", result.err()),
            None => prop_assert_eq!(result.err(), Some(licet_verifier::Error::DeviceNotBound)),
            Some(i) => {
                let e = result.expect_err("model refuses, verifier accepts");
                prop_assert_eq!(e.link(), Some(i), "{:?}", e);
            }
        }
    }
}
