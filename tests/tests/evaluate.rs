//! Several licenses on one device: fallback on expiry, add-ons, the time
//! floor, and `evaluate` against a small reference model.

use licet_common::{Kind, Quota, QuotaName, Tier};
use licet_tests::*;
use licet_verifier::{
    CLOCK_TOLERANCE, Device, Error, LicenseStatus, Source, TrustedRoot, evaluate,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const GROUP: &str = "acme/c1/b2";
const POOL_QUOTAS: [&str; 3] = ["sip_numbers", "app_installs", "door_codes"];
const POOL_FEATURES: [&str; 3] = ["video", "door_api", "remote_open"];

fn roots() -> [TrustedRoot; 1] {
    [TrustedRoot::from_bytes(&public(&key(1))).unwrap()]
}

/// A root for `acme/c1` with no end date granting every pool quota
/// (unlimited) and feature, and a concierge grant; delegating to key(100).
fn root() -> ChainBuilder {
    ChainBuilder::new(key(1), "acme/c1", |c| {
        c.exp = None;
        c.nbf = 0;
        c.quotas.clear();
        for q in POOL_QUOTAS {
            c.quotas.insert(q.into(), Quota::Unlimited);
        }
        c.features = Some(POOL_FEATURES.iter().map(|s| s.to_string()).collect());
    })
}

/// One leaf license for the building under [`root`].
fn leaf(serial: u8, f: impl FnOnce(&mut licet_common::encode::LinkClaims)) -> Vec<u8> {
    root()
        .push(GROUP, |c| {
            c.serial = vec![serial; 8];
            c.cnf = None;
            c.depth = 0;
            c.nbf = NOW - 10 * DAY;
            c.exp = None;
            f(c);
        })
        .build()
}

fn q(lic: &licet_verifier::Evaluation<'_>, name: &str) -> Option<Quota> {
    lic.quota(QuotaName::from_name(name))
}

/// Plus until T1, Basic with no end, an add-on until T2 < T1.
#[test]
fn fallback_timeline() {
    let t1 = NOW + 60 * DAY;
    let t2 = NOW + 20 * DAY;
    let plus = leaf(10, |c| {
        c.tier = Tier::Plus;
        c.exp = Some(t1);
        c.quotas.insert("sip_numbers".into(), Quota::Count(10));
    });
    let basic = leaf(11, |c| {
        c.tier = Tier::Basic;
        c.quotas.insert("sip_numbers".into(), Quota::Count(2));
        c.quotas.insert("app_installs".into(), Quota::Count(2));
        c.features = Some(["video".to_string()].into());
    });
    let addon = leaf(12, |c| {
        c.kind = Kind::AddOn;
        c.exp = Some(t2);
        c.quotas.insert("sip_numbers".into(), Quota::Count(5));
        c.features = Some(["remote_open".to_string()].into());
    });
    let set = [plus.as_slice(), basic.as_slice(), addon.as_slice()];
    let roots = roots();
    let at = |now| evaluate(&roots, &set, &Device::new(GROUP, now).unwrap()).unwrap();

    let e = at(t2 - 1);
    assert_eq!(e.base(), Some(0));
    assert_eq!(e.addons().collect::<Vec<_>>(), [2]);
    assert_eq!(q(&e, "sip_numbers"), Some(Quota::Count(15)));
    assert_eq!(
        e.quota_sources(QuotaName::from_name("sip_numbers"))
            .collect::<Vec<_>>(),
        [
            (Source::License(0), Quota::Count(10)),
            (Source::License(2), Quota::Count(5))
        ]
    );
    // The add-on adds what it states, not what it inherits from the root.
    assert_eq!(q(&e, "app_installs"), Some(Quota::Unlimited));
    assert_eq!(
        e.quota_sources(QuotaName::from_name("app_installs"))
            .count(),
        1
    );
    assert_eq!(e.next_change(), Some((t2, 2)));
    assert!(e.warning(), "add-on ends within its 30-day window");

    let e = at(t2);
    assert_eq!(e.base(), Some(0));
    assert_eq!(e.addons().count(), 0);
    assert!(matches!(
        e.status(2),
        Some(LicenseStatus::Rejected(Error::Expired { .. }))
    ));
    assert_eq!(q(&e, "sip_numbers"), Some(Quota::Count(10)));
    assert_eq!(e.next_change(), Some((t1, 0)));
    assert!(!e.warning(), "40 days left, outside the 30-day window");

    let e = at(t1 - 1);
    assert_eq!(e.tier(), Some(Tier::Plus));
    assert!(e.warning());

    let e = at(t1);
    assert_eq!(e.base(), Some(1));
    assert_eq!(e.tier(), Some(Tier::Basic));
    assert_eq!(q(&e, "sip_numbers"), Some(Quota::Count(2)));
    assert_eq!(q(&e, "app_installs"), Some(Quota::Count(2)));
    assert!(e.has_feature("video") && !e.has_feature("door_api"));
    assert_eq!(e.next_change(), None);
    assert!(!e.warning());
}

#[test]
fn add_ons_need_a_base_and_foreign_licenses_are_reported() {
    let addon = leaf(12, |c| c.kind = Kind::AddOn);
    let foreign = root().push("acme/c1/b3", |c| c.cnf = None).build();
    let garbage = b"not a license".to_vec();
    let set = [addon.as_slice(), foreign.as_slice(), garbage.as_slice()];
    let e = evaluate(&roots(), &set, &Device::new(GROUP, NOW).unwrap()).unwrap();
    assert_eq!(e.base(), None);
    assert_eq!(e.addons().count(), 0);
    assert_eq!(q(&e, "sip_numbers"), None);
    assert!(matches!(
        e.status(1),
        Some(LicenseStatus::Rejected(Error::WrongGroup { .. }))
    ));
    assert!(matches!(
        e.status(2),
        Some(LicenseStatus::Rejected(Error::Decode(_)))
    ));
}

#[test]
fn role_grants_from_base_and_add_ons() {
    let base = leaf(10, |c| {
        c.roles
            .insert("concierge".into(), ["video".to_string()].into());
        c.features = Some(["door_api".to_string()].into());
    });
    let addon = leaf(11, |c| {
        c.kind = Kind::AddOn;
        c.roles.insert(
            "technical_manager".into(),
            ["remote_open".to_string()].into(),
        );
    });
    let set = [base.as_slice(), addon.as_slice()];
    let e = evaluate(&roots(), &set, &Device::new(GROUP, NOW).unwrap()).unwrap();
    assert!(e.role_has_feature("concierge", "video"));
    assert!(
        e.role_has_feature("concierge", "door_api"),
        "everyone's features count for roles"
    );
    assert!(!e.has_feature("video"));
    assert_eq!(
        e.role_feature_source("technical_manager", "remote_open"),
        Some(Source::License(1))
    );
    assert!(!e.role_has_feature("concierge", "remote_open"));
}

#[test]
fn clock_floor_and_capacity() {
    let a = leaf(10, |c| c.iat = NOW - 5 * DAY);
    let b = leaf(11, |c| c.iat = NOW - 2 * DAY);
    let set = [a.as_slice(), b.as_slice()];
    let roots = roots();
    let e = evaluate(&roots, &set, &Device::new(GROUP, NOW).unwrap()).unwrap();
    // The floor covers the time the device has seen, not only the iat.
    assert_eq!(e.floor(), NOW);
    let floor = NOW + DAY;
    let ok = Device::new(GROUP, floor - CLOCK_TOLERANCE).unwrap();
    let e = evaluate_at_floor(&roots, &set, &ok, floor);
    assert_eq!((e.rollback(), e.now()), (None, floor - CLOCK_TOLERANCE));
    let back = Device::new(GROUP, floor - CLOCK_TOLERANCE - 1).unwrap();
    let e = evaluate_at_floor(&roots, &set, &back, floor);
    assert_eq!(
        e.rollback(),
        Some(Error::ClockRollback {
            now: floor - CLOCK_TOLERANCE - 1,
            floor
        })
    );
    assert_eq!(
        e.now(),
        floor,
        "a rolled-back clock is evaluated at the floor"
    );
    // The floor only moves forward.
    assert_eq!(evaluate_at_floor(&roots, &set, &ok, floor).floor(), floor);
    let nine = [a.as_slice(); 9];
    assert_eq!(
        evaluate(&roots, &nine, &ok).err(),
        Some(Error::TooManyLicenses { given: 9, limit: 8 })
    );
}

/// A license of the model: what its leaf states.
#[derive(Clone, Debug)]
struct ModelLicense {
    tier: Tier,
    addon: bool,
    nbf: u64,
    exp: Option<u64>,
    quotas: BTreeMap<String, Quota>,
    features: Option<BTreeSet<String>>,
}

fn model_license() -> impl Strategy<Value = ModelLicense> {
    (
        prop_oneof![Just(Tier::Basic), Just(Tier::Trial), Just(Tier::Plus)],
        prop::bool::weighted(0.3),
        0u64..40,
        prop::option::weighted(0.7, 1u64..60),
        prop::collection::btree_map(
            prop::sample::select(POOL_QUOTAS.to_vec()).prop_map(String::from),
            (0u32..50).prop_map(Quota::Count),
            0..3,
        ),
        prop::option::of(prop::collection::btree_set(
            prop::sample::select(POOL_FEATURES.to_vec()).prop_map(String::from),
            0..3,
        )),
    )
        .prop_map(|(tier, addon, start, len, quotas, features)| ModelLicense {
            tier,
            addon,
            nbf: NOW + start * DAY,
            exp: len.map(|l| NOW + (start + l) * DAY),
            quotas,
            features,
        })
}

/// The license files of the model's licenses.
fn model_files(ls: &[ModelLicense]) -> Vec<Vec<u8>> {
    ls.iter()
        .enumerate()
        .map(|(i, m)| {
            leaf(20 + u8::try_from(i).unwrap(), |c| {
                c.tier = m.tier;
                c.kind = if m.addon { Kind::AddOn } else { Kind::License };
                c.nbf = m.nbf;
                c.exp = m.exp;
                c.quotas = m.quotas.clone();
                c.features = m.features.clone();
            })
        })
        .collect()
}

/// The obviously-correct model of evaluation (docs/SEMANTICS.md §2).
struct Expected {
    base: Option<usize>,
    addons: Vec<usize>,
    quotas: BTreeMap<String, Quota>,
    features: BTreeSet<String>,
    next_change: Option<(u64, usize)>,
}

fn model(ls: &[ModelLicense], now: u64) -> Expected {
    let valid = |l: &ModelLicense| l.nbf <= now && l.exp.is_none_or(|e| now < e);
    let mut base: Option<usize> = None;
    for (i, l) in ls.iter().enumerate() {
        if !valid(l) || l.addon {
            continue;
        }
        let key = |l: &ModelLicense| (l.tier, l.exp.unwrap_or(u64::MAX));
        if base.is_none_or(|b| key(l) > key(&ls[b])) {
            base = Some(i);
        }
    }
    let addons: Vec<usize> = if base.is_some() {
        (0..ls.len())
            .filter(|&i| ls[i].addon && valid(&ls[i]))
            .collect()
    } else {
        vec![]
    };
    let mut quotas = BTreeMap::new();
    let mut features = BTreeSet::new();
    let add = |a: Quota, b: Quota| match (a, b) {
        (Quota::Count(x), Quota::Count(y)) => Quota::Count(x.saturating_add(y)),
        _ => Quota::Unlimited,
    };
    if let Some(b) = base {
        for q in POOL_QUOTAS {
            // What the base does not state it inherits from the root: unlimited.
            quotas.insert(
                q.to_string(),
                *ls[b].quotas.get(q).unwrap_or(&Quota::Unlimited),
            );
        }
        features = ls[b]
            .features
            .clone()
            .unwrap_or_else(|| POOL_FEATURES.iter().map(|s| s.to_string()).collect());
        for &a in &addons {
            for (n, v) in &ls[a].quotas {
                let cur = quotas[n];
                quotas.insert(n.clone(), add(cur, *v));
            }
            features.extend(ls[a].features.clone().unwrap_or_default());
        }
    }
    let next_change = base
        .into_iter()
        .chain(addons.iter().copied())
        .filter_map(|i| ls[i].exp.map(|e| (e, i)))
        .min();
    Expected {
        base,
        addons,
        quotas,
        features,
        next_change,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn evaluate_matches_reference_model(ls in prop::collection::vec(model_license(), 1..6), day in 0u64..70) {
        let files = model_files(&ls);
        let now = NOW + day * DAY;
        let set: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
        let e = evaluate(&roots(), &set, &Device::new(GROUP, now).unwrap()).unwrap();
        let m = model(&ls, now);
        prop_assert_eq!(e.base(), m.base);
        prop_assert_eq!(e.addons().collect::<Vec<_>>(), m.addons);
        for name in POOL_QUOTAS {
            prop_assert_eq!(e.quota(QuotaName::from_name(name)), m.quotas.get(name).copied(), "quota {}", name);
        }
        let got: BTreeMap<String, Quota> = e.quotas().map(|(n, q)| (n.as_str().to_owned(), q)).collect();
        prop_assert_eq!(got, m.quotas);
        for f in POOL_FEATURES {
            prop_assert_eq!(e.has_feature(f), m.features.contains(f), "feature {}", f);
        }
        prop_assert_eq!(e.next_change(), m.next_change);
    }

    /// The same model with duplicates: the set holds copies of the licenses
    /// in any order; each license counts once, at its first copy.
    #[test]
    fn evaluate_with_copies_matches_reference_model(
        ls in prop::collection::vec(model_license(), 1..5),
        picks in prop::collection::vec(0usize..5, 1..9),
        day in 0u64..70,
    ) {
        let files = model_files(&ls);
        let picks: Vec<usize> = picks.into_iter().map(|p| p % ls.len()).collect();
        let now = NOW + day * DAY;
        let set: Vec<&[u8]> = picks.iter().map(|&p| files[p].as_slice()).collect();
        let e = evaluate(&roots(), &set, &Device::new(GROUP, now).unwrap()).unwrap();
        // The model sees each license once, in the order of its first copy.
        let mut first: Vec<(usize, usize)> = Vec::new(); // (license, position)
        for (pos, &p) in picks.iter().enumerate() {
            if !first.iter().any(|(l, _)| *l == p) {
                first.push((p, pos));
            }
        }
        let distinct: Vec<ModelLicense> = first.iter().map(|(l, _)| ls[*l].clone()).collect();
        let m = model(&distinct, now);
        let at = |i: usize| first[i].1;
        prop_assert_eq!(e.base(), m.base.map(at));
        prop_assert_eq!(e.addons().collect::<Vec<_>>(), m.addons.iter().map(|&i| at(i)).collect::<Vec<_>>());
        let got: BTreeMap<String, Quota> = e.quotas().map(|(n, q)| (n.as_str().to_owned(), q)).collect();
        prop_assert_eq!(got, m.quotas);
        for f in POOL_FEATURES {
            prop_assert_eq!(e.has_feature(f), m.features.contains(f), "feature {}", f);
        }
        prop_assert_eq!(e.next_change(), m.next_change.map(|(t, i)| (t, at(i))));
        // Every later copy of a license that verified is reported as a copy.
        for (pos, &p) in picks.iter().enumerate() {
            let first_pos = first.iter().find(|(l, _)| *l == p).unwrap().1;
            if pos != first_pos && matches!(e.status(first_pos), Some(LicenseStatus::Valid { .. })) {
                prop_assert_eq!(e.status(pos), Some(&LicenseStatus::Rejected(Error::DuplicateLicense { of: first_pos })));
            }
        }
    }
}

/// A name for the lookup test: valid, of varied length.
fn lookup_name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,5}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The panel's lookups (hash indexes over the sorted tables) find
    /// exactly the names in effect, whatever they are, and the direct
    /// `*_at` accessors agree with the iterators.
    #[test]
    fn lookups_find_exactly_the_names_in_effect(
        // Within one link's caps: the root states the union of the features.
        base_features in prop::collection::btree_set(lookup_name(), 0..16),
        addon_features in prop::collection::btree_set(lookup_name(), 0..16),
        quotas in prop::collection::btree_map(lookup_name(), 0u32..1000, 0..12),
        roles in prop::collection::btree_map(lookup_name(), prop::collection::btree_set(lookup_name(), 0..5), 0..6),
        others in prop::collection::vec(lookup_name(), 0..24),
    ) {
        let all: BTreeSet<String> = base_features.union(&addon_features).cloned().collect();
        let chain = || ChainBuilder::new(key(1), "acme/c1", |c| {
            c.exp = None;
            c.nbf = 0;
            c.quotas = quotas.iter().map(|(n, v)| (n.clone(), Quota::Count(*v))).collect();
            c.features = Some(all.clone());
            c.roles = roles.clone();
        });
        let mut files = Vec::new();
        for (serial, (features, kind)) in [(&base_features, Kind::License), (&addon_features, Kind::AddOn)].into_iter().enumerate() {
            let serial = 30 + u8::try_from(serial).unwrap();
            let b = chain().push(GROUP, |c| {
                c.serial = vec![serial; 8];
                c.cnf = None;
                c.depth = 0;
                c.nbf = NOW - DAY;
                c.exp = None;
                c.kind = kind;
                c.features = Some(features.clone());
                if kind == Kind::AddOn {
                    c.quotas.clear();
                    c.roles.clear();
                }
            });
            files.push(b.build());
        }
        let set: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
        let e = evaluate(&roots(), &set, &Device::new(GROUP, NOW).unwrap()).unwrap();
        prop_assert_eq!(e.base(), Some(0));
        for f in &all {
            prop_assert!(e.has_feature(f), "feature {}", f);
        }
        for (n, v) in &quotas {
            prop_assert_eq!(e.quota(QuotaName::from_name(n)), Some(Quota::Count(*v)), "quota {}", n);
        }
        for (role, grants) in &roles {
            let got: Vec<&str> = e.role_grants(role).map(|(g, _)| g).collect();
            // In name order: shorter names first (canonical CBOR).
            let mut want: Vec<&str> = grants.iter().map(String::as_str).collect();
            want.sort_by_key(|g| (g.len(), *g));
            prop_assert_eq!(&got, &want, "role {}", role);
            for (i, g) in got.iter().enumerate() {
                prop_assert_eq!(e.role_grant_at(role, i).map(|(g, _)| g), Some(*g));
                prop_assert!(e.role_has_feature(role, g));
            }
            prop_assert_eq!(e.role_grant_at(role, got.len()), None);
        }
        for o in &others {
            prop_assert_eq!(e.has_feature(o), all.contains(o), "feature {}", o);
            let stated = quotas.get(o).map(|v| Quota::Count(*v));
            prop_assert_eq!(e.quota(QuotaName::from_name(o)), stated, "quota {}", o);
            if !roles.contains_key(o) {
                prop_assert_eq!(e.role_grants(o).count(), 0);
                prop_assert_eq!(e.role_grant_at(o, 0), None);
            }
        }
        let features: Vec<_> = e.features().collect();
        prop_assert_eq!(features.len(), all.len());
        for (i, f) in features.iter().enumerate() {
            prop_assert_eq!(e.feature_at(i), Some(*f));
        }
        prop_assert_eq!(e.feature_at(features.len()), None);
        let totals: Vec<_> = e.quotas().collect();
        for (i, q) in totals.iter().enumerate() {
            prop_assert_eq!(e.quota_at(i), Some(*q));
        }
        prop_assert_eq!(e.quota_at(totals.len()), None);
    }
}
