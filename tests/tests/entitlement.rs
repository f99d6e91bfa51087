//! A panel gets exactly what its own license grants: the regression tests of
//! the sound-entitlements review, each named after the defect it proves
//! fixed, and the properties behind them.

use licet_common::encode::LinkClaims;
use licet_common::{Container, Kind, Quota, QuotaName, Tier};
use licet_tests::*;
use licet_verifier::{
    Builtin, CACHE_ENTRY_BYTES, CLOCK_TOLERANCE, Device, Error, Finding, LicenseStatus, Options,
    Source, TrustedRoot, VerifyCache, check_candidate, evaluate, evaluate_with, explain, verify,
};
use proptest::prelude::*;

const BUILDING: &str = "acme/dist-7/dealer-3/complex-12/bldg-2";
const APARTMENT: &str = "acme/dist-7/dealer-3/complex-12/bldg-2/apt-14";

fn roots() -> [TrustedRoot; 1] {
    [TrustedRoot::from_bytes(&public(&key(1))).unwrap()]
}

/// The first `k` links of a license file, as a file: what anyone holding
/// the file can cut out of it.
fn prefix(file: &[u8], k: usize) -> Vec<u8> {
    let c = Container::decode(file).unwrap();
    chain(
        &c.links()
            .take(k)
            .map(|l| l.bytes.to_vec())
            .collect::<Vec<_>>(),
    )
}

/// Multi-link chains like the ones issuers hand out: a building's license,
/// an apartment's under a delegating building, a Basic and an add-on.
fn fixture_chains() -> Vec<Vec<u8>> {
    let delegating_building = ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push("acme/dist-7/dealer-3", |_| {})
        .push("acme/dist-7/dealer-3/complex-12", |_| {})
        .push(BUILDING, |c| {
            c.quotas.insert("sip_numbers".into(), Quota::Count(10));
        });
    vec![
        hierarchy().build(),
        delegating_building
            .push_leaf(APARTMENT, |c| {
                c.quotas.insert("sip_numbers".into(), Quota::Count(2));
            })
            .build(),
        ChainBuilder::new(key(1), "acme/dist-7", |_| {})
            .push("acme/dist-7/dealer-3", |_| {})
            .push_leaf(BUILDING, |c| c.tier = Tier::Basic)
            .build(),
        ChainBuilder::new(key(1), "acme/dist-7", |_| {})
            .push_leaf(BUILDING, |c| c.kind = Kind::AddOn)
            .build(),
    ]
}

/// Defect 1: keeping only the first k links of a building's file gave a
/// valid chain whose leaf was the dealer's or the complex's link, accepted
/// by the building's panel with the dealer's quotas. Every prefix of every
/// multi-link chain is now refused, for every group under it.
#[test]
fn cut_down_file_is_not_the_parents_license() {
    let roots = roots();
    for file in fixture_chains() {
        let full = Container::decode(&file).unwrap();
        let subjects: Vec<String> = full.links().map(|l| l.claims.sub.to_string()).collect();
        let leaf_group = subjects.last().unwrap().clone();
        assert!(
            verify(&file, &roots, &Device::new(&leaf_group, NOW).unwrap()).is_ok(),
            "the whole file is valid for {leaf_group}"
        );
        for k in 1..full.len() {
            let cut = prefix(&file, k);
            // Every group from the prefix's leaf down to the original leaf.
            for group in &subjects[k - 1..] {
                let device = Device::new(group, NOW).unwrap();
                let e = verify(&cut, &roots, &device).err();
                assert!(
                    matches!(e, Some(Error::DelegationOnly { link, .. }) if link == k - 1),
                    "{k} of {} links for {group}: {e:?}",
                    full.len()
                );
                // And evaluation grants nothing from it.
                let eval = evaluate(&roots, &[&cut], &device).unwrap();
                assert_eq!(eval.base_source(), None);
            }
        }
    }
}

/// A base license for the building with 10 SIP numbers, and an add-on of 5.
fn base_and_addon() -> (Vec<u8>, Vec<u8>) {
    let base = ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push_leaf(BUILDING, |c| {
            c.quotas.insert("sip_numbers".into(), Quota::Count(10));
        })
        .build();
    let addon = ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push_leaf(BUILDING, |c| {
            c.kind = Kind::AddOn;
            c.serial = vec![0xad; 8];
            c.quotas.clear();
            c.quotas.insert("sip_numbers".into(), Quota::Count(5));
        })
        .build();
    (base, addon)
}

/// Defect 2: the same add-on file handed to `evaluate` seven times added
/// its quota seven times.
#[test]
fn same_addon_seven_times_counts_once() {
    let (base, addon) = base_and_addon();
    let mut set = vec![base.as_slice()];
    set.extend([addon.as_slice(); 7]);
    let e = evaluate(&roots(), &set, &Device::new(BUILDING, NOW).unwrap()).unwrap();
    assert_eq!(
        e.quota(QuotaName::from_name("sip_numbers")),
        Some(Quota::Count(15))
    );
    assert_eq!(e.addons().collect::<Vec<_>>(), [1]);
    for i in 2..8 {
        assert_eq!(
            e.status(i),
            Some(&LicenseStatus::Rejected(Error::DuplicateLicense { of: 1 }))
        );
    }
}

/// Two different licenses with one serial: neither counts.
#[test]
fn two_licenses_claiming_one_serial_both_count_for_nothing() {
    let addon = |n: u32| {
        ChainBuilder::new(key(1), "acme/dist-7", |_| {})
            .push_leaf(BUILDING, |c| {
                c.kind = Kind::AddOn;
                c.serial = vec![0xad; 8];
                c.quotas.clear();
                c.quotas.insert("sip_numbers".into(), Quota::Count(n));
            })
            .build()
    };
    let base = ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push_leaf(BUILDING, |_| {})
        .build();
    let (a, b) = (addon(5), addon(50));
    let set = [base.as_slice(), a.as_slice(), b.as_slice()];
    let e = evaluate(&roots(), &set, &Device::new(BUILDING, NOW).unwrap()).unwrap();
    assert_eq!(e.addons().count(), 0);
    assert_eq!(
        e.status(1),
        Some(&LicenseStatus::Rejected(Error::SerialConflict { other: 2 }))
    );
    assert_eq!(
        e.status(2),
        Some(&LicenseStatus::Rejected(Error::SerialConflict { other: 1 }))
    );
    assert_eq!(
        e.quota(QuotaName::from_name("sip_numbers")),
        Some(Quota::Count(100))
    );
}

/// A Basic license without an end date, for the building.
fn basic() -> Vec<u8> {
    ChainBuilder::new(key(1), "acme/dist-7", |c| c.exp = None)
        .push_leaf(BUILDING, |c| {
            c.tier = Tier::Basic;
            c.serial = vec![0xba; 8];
            c.exp = None;
            c.quotas.insert("sip_numbers".into(), Quota::Count(2));
        })
        .build()
}

/// Plus for the building, ending at `exp`.
fn plus(exp: u64) -> Vec<u8> {
    ChainBuilder::new(key(1), "acme/dist-7", |c| c.exp = None)
        .push_leaf(BUILDING, |c| {
            c.tier = Tier::Plus;
            c.serial = vec![0x9a; 8];
            c.exp = Some(exp);
        })
        .build()
}

fn at_floor<'a>(
    set: &[&'a [u8]],
    device: &Device<'a>,
    floor: u64,
) -> licet_verifier::Evaluation<'a> {
    evaluate_at_floor(&roots(), set, device, floor)
}

/// Defect 3: `iat` was not checked: a worthless link "issued in 9999"
/// raised the persisted floor so far that every later evaluation failed,
/// the free Basic license included.
#[test]
fn far_future_iat_cannot_brick_a_panel() {
    let poison = ChainBuilder::new(key(1), "acme/dist-7", |c| c.exp = None)
        .push_leaf(BUILDING, |c| {
            c.serial = vec![0x99; 8];
            c.exp = None;
            c.iat = licet_common::limits::MAX_TIME;
        })
        .build();
    let basic = basic();
    let device = Device::new(BUILDING, NOW).unwrap();
    let e = at_floor(&[&basic, &poison], &device, 0);
    assert!(matches!(
        e.status(1),
        Some(LicenseStatus::Rejected(Error::IssuedInFuture {
            link: 1,
            ..
        }))
    ));
    assert_eq!(e.floor(), NOW, "the floor stays at the true time");
    assert_eq!(e.base(), Some(0));
    // The next boot, at the true time, with the floor persisted: nothing lost.
    let next = at_floor(&[&basic, &poison], &device, e.floor());
    assert_eq!((next.rollback(), next.base()), (None, Some(0)));
}

/// The tolerance boundary of the minting time: a day ahead is drift, more
/// is refused.
#[test]
fn iat_at_the_tolerance_boundary() {
    let with_iat = |iat: u64| {
        ChainBuilder::new(key(1), "acme/dist-7", |c| c.exp = None)
            .push_leaf(BUILDING, |c| {
                c.exp = None;
                c.iat = iat;
            })
            .build()
    };
    let device = Device::new(BUILDING, NOW).unwrap();
    assert!(verify(&with_iat(NOW + CLOCK_TOLERANCE), &roots(), &device).is_ok());
    assert_eq!(
        verify(&with_iat(NOW + CLOCK_TOLERANCE + 1), &roots(), &device).err(),
        Some(Error::IssuedInFuture {
            link: 1,
            now: NOW,
            issued_at: NOW + CLOCK_TOLERANCE + 1
        })
    );
    // Accepted a day ahead, it moves the floor at most a day ahead.
    let ahead = with_iat(NOW + CLOCK_TOLERANCE);
    let e = at_floor(&[&ahead], &device, 0);
    assert_eq!(e.floor(), NOW + CLOCK_TOLERANCE);
    assert_eq!(at_floor(&[&ahead], &device, e.floor()).rollback(), None);
}

/// A link minted before its parent, or at or after its end, is refused
/// whatever the clock says.
#[test]
fn iat_outside_its_window_is_refused() {
    let device = Device::new(BUILDING, NOW).unwrap();
    let after_end = ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push_leaf(BUILDING, |c| c.iat = c.exp.unwrap())
        .build();
    assert!(matches!(
        verify(&after_end, &roots(), &device).err(),
        Some(Error::IssuedOutsideWindow { link: 1, .. })
    ));
    let before_parent = ChainBuilder::new(key(1), "acme/dist-7", |c| c.iat = NOW)
        .push_leaf(BUILDING, |c| c.iat = NOW - 1)
        .build();
    assert_eq!(
        verify(&before_parent, &roots(), &device).err(),
        Some(Error::IssuedOutsideWindow {
            link: 1,
            issued_at: NOW - 1,
            earliest: NOW,
            before: before_parent_exp(&before_parent),
        })
    );
}

fn before_parent_exp(file: &[u8]) -> Option<u64> {
    let c = Container::decode(file).unwrap();
    c.links().filter_map(|l| l.claims.exp).min()
}

/// Defect 4: setting the clock back revived an expired license by months:
/// the floor was only the greatest `iat` seen. It now covers the time the
/// device has seen, and a clock behind it is evaluated at the floor.
#[test]
fn clock_set_back_cannot_revive_an_expired_license() {
    let end = NOW + 10 * DAY;
    let (plus, basic) = (plus(end), basic());
    let set = [plus.as_slice(), basic.as_slice()];
    // The device saw a time after Plus ended...
    let seen = at_floor(&set, &Device::new(BUILDING, end + 60 * DAY).unwrap(), 0);
    assert_eq!(seen.tier(), Some(Tier::Basic));
    let floor = seen.floor();
    assert_eq!(floor, end + 60 * DAY);
    // ...then its clock is set back two months: Plus stays expired.
    let back = at_floor(&set, &Device::new(BUILDING, end - DAY).unwrap(), floor);
    assert!(back.rollback().is_some());
    assert_eq!(back.now(), floor);
    assert_eq!(back.tier(), Some(Tier::Basic), "no revival");
    assert!(matches!(
        back.status(0),
        Some(LicenseStatus::Rejected(Error::Expired { .. }))
    ));
}

/// At the boundary a clock behind the floor by exactly the tolerance is
/// drift; one second more is a rollback. An expired license can come back
/// for at most the tolerance.
#[test]
fn clock_rollback_at_the_tolerance_boundary() {
    let end = NOW + 10 * DAY;
    let (plus, basic) = (plus(end), basic());
    let set = [plus.as_slice(), basic.as_slice()];
    let floor = end + CLOCK_TOLERANCE;
    let drift = at_floor(
        &set,
        &Device::new(BUILDING, end - 1).unwrap(),
        end - 1 + CLOCK_TOLERANCE,
    );
    assert_eq!((drift.rollback(), drift.tier()), (None, Some(Tier::Plus)));
    let at_edge = at_floor(&set, &Device::new(BUILDING, end).unwrap(), floor);
    assert_eq!(
        (at_edge.rollback(), at_edge.tier()),
        (None, Some(Tier::Basic))
    );
    let past = at_floor(&set, &Device::new(BUILDING, end - 1).unwrap(), floor);
    assert!(past.rollback().is_some());
    assert_eq!(past.tier(), Some(Tier::Basic));
}

/// A floor poisoned before this fix (or by a glitching clock) ends
/// time-limited licenses, never Basic.
#[test]
fn poisoned_floor_leaves_basic_working() {
    let (plus, basic) = (plus(NOW + 300 * DAY), basic());
    let device = Device::new(BUILDING, NOW).unwrap();
    let e = at_floor(&[&plus, &basic], &device, licet_common::limits::MAX_TIME);
    assert!(e.rollback().is_some());
    assert_eq!(e.base(), Some(1));
    assert_eq!(
        e.quota(QuotaName::from_name("sip_numbers")),
        Some(Quota::Count(2))
    );
}

const FIRMWARE_BASIC: Builtin<'static> = Builtin {
    quotas: &[
        ("sip_numbers", Quota::Count(1)),
        ("door_codes", Quota::Count(3)),
    ],
    features: &["video"],
    roles: &[("concierge", &["guest_passes"])],
};

fn with_builtin<'a>(set: &[&'a [u8]], device: &Device<'a>) -> licet_verifier::Evaluation<'a> {
    let options = Options {
        builtin: Some(&FIRMWARE_BASIC),
        ..Options::default()
    };
    evaluate_with(&roots(), set, device, options).unwrap()
}

/// Basic comes with every panel: with no file, only expired files or only
/// broken files, the firmware's Basic is in effect, and says so.
#[test]
fn builtin_basic_with_no_expired_or_broken_files() {
    let device = Device::new(BUILDING, NOW).unwrap();
    let expired = plus(NOW - 1);
    let mut broken = plus(NOW + DAY);
    let n = broken.len();
    broken[n - 5] ^= 1;
    for set in [
        vec![],
        vec![expired.as_slice()],
        vec![broken.as_slice(), b"garbage".as_slice()],
    ] {
        let e = with_builtin(&set, &device);
        assert_eq!(
            e.base_source(),
            Some(Source::Builtin),
            "{} files",
            set.len()
        );
        assert_eq!(e.tier(), Some(Tier::Basic));
        assert_eq!(
            e.quota(QuotaName::from_name("door_codes")),
            Some(Quota::Count(3))
        );
        assert_eq!(e.feature_source("video"), Some(Source::Builtin));
        assert!(e.role_has_feature("concierge", "guest_passes"));
        assert_eq!(e.next_change(), None);
    }
    // A licensed base takes over; the built-in one is not added to it.
    let plus = plus(NOW + DAY);
    let e = with_builtin(&[&plus], &device);
    assert_eq!(e.base(), Some(0));
    assert_eq!(e.quota(QuotaName::from_name("door_codes")), None);
}

/// What a quota counts: a group's license serves every panel of the group,
/// and each panel enforces the quota for itself: the same file on ten
/// entrance panels gives each of them the same 10 SIP numbers. Device
/// binding closes that where it matters.
#[test]
fn group_license_copied_to_panels_gives_each_the_same_and_binding_closes_it() {
    let file = ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push_leaf(BUILDING, |c| {
            c.quotas.insert("sip_numbers".into(), Quota::Count(10));
        })
        .build();
    for panel in 0..10 {
        let id = format!("entrance-{panel}");
        let device = Device::new(BUILDING, NOW).unwrap().with_device_id(&id);
        let e = evaluate(&roots(), &[&file], &device).unwrap();
        assert_eq!(
            e.quota(QuotaName::from_name("sip_numbers")),
            Some(Quota::Count(10))
        );
    }
    let bound = ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push_leaf(BUILDING, |c| {
            c.devices = Some(["entrance-0".to_string()].into());
        })
        .build();
    let here = Device::new(BUILDING, NOW).unwrap();
    assert!(verify(&bound, &roots(), &here.with_device_id("entrance-0")).is_ok());
    assert_eq!(
        verify(&bound, &roots(), &here.with_device_id("entrance-1")).err(),
        Some(Error::DeviceNotBound)
    );
}

/// Work in proportion to what is distinct: eight licenses under the same
/// two delegating links cost ten signature checks, not twenty-four (counted
/// by the entries a verify-once cache receives: one per check made).
#[test]
fn shared_links_are_verified_once_per_evaluation() {
    let upper =
        ChainBuilder::new(key(1), "acme/dist-7", |_| {}).push("acme/dist-7/dealer-3", |_| {});
    let files: Vec<Vec<u8>> = (0..8u8)
        .map(|i| {
            let b = ChainBuilder {
                links: upper.links.clone(),
                claims: upper.claims.clone(),
                keys: upper.keys.clone(),
                root: upper.root.clone(),
            };
            b.push_leaf(&format!("acme/dist-7/dealer-3/c{i}"), |c| {
                c.serial = vec![0x40 + i; 8];
                c.kind = if i == 0 { Kind::License } else { Kind::AddOn };
            })
            .build()
        })
        .collect();
    let set: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
    let mut slots = [[0u8; CACHE_ENTRY_BYTES]; 32];
    let mut cache = VerifyCache::new(&mut slots);
    let device = Device::new("acme/dist-7/dealer-3/c0", NOW).unwrap();
    let options = Options {
        cache: Some(&mut cache),
        ..Options::default()
    };
    let e = evaluate_with(&roots(), &set, &device, options).unwrap();
    assert_eq!(e.base(), Some(0));
    assert_eq!(cache.len(), 10);
}

/// The chains of the agreement property: random narrowing steps, each
/// link delegating except, sometimes, the leaf.
fn random_chain(steps: &[(u8, u32, bool)], leaf_delegates: bool) -> (Vec<u8>, String) {
    let mut b = ChainBuilder::new(key(1), "acme", |c| c.depth = 7);
    let mut group = String::from("acme");
    for (i, (feature, sip, widen_window)) in steps.iter().enumerate() {
        group.push_str(&format!("/g{i}"));
        let last = i + 1 == steps.len();
        let f = |c: &mut LinkClaims| {
            c.quotas.insert("sip_numbers".into(), Quota::Count(*sip));
            let all = ["video", "door_api", "remote_open", "teleport"];
            c.features = Some([all[usize::from(*feature) % 4].to_string()].into());
            if *widen_window {
                c.exp = c.exp.map(|e| e + 1);
            }
            if last && !leaf_delegates {
                c.cnf = None;
                c.depth = 0;
            }
        };
        b = b.push(&group, f);
    }
    (b.build(), group)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// One walk: on random hierarchies the panel's verdict, the first
    /// problem `licet inspect` lists and the refusal `licet issue` gives
    /// before signing (everything but signatures and time) agree.
    #[test]
    fn panel_inspect_and_issue_agree(
        steps in prop::collection::vec((0u8..4, 0u32..150, prop::bool::weighted(0.15)), 1..6),
        leaf_delegates in prop::bool::weighted(0.3),
    ) {
        let (file, group) = random_chain(&steps, leaf_delegates);
        let roots = roots();
        let device = Device::new(&group, NOW).unwrap();
        let panel = verify(&file, &roots, &device).err();
        let container = Container::decode(&file).unwrap();
        let mut first = None;
        explain(&container, &roots, NOW, Some(&device), &mut |f| {
            if let (Finding::Problem(e), None) = (f, &first) {
                first = Some(e);
            }
        });
        prop_assert_eq!(panel, first);
        // Minting checks the same rules, untimed and without a device.
        let minting = check_candidate(&container).err();
        match panel {
            None => prop_assert_eq!(minting, None),
            Some(Error::DelegationOnly { .. }) => prop_assert_eq!(minting, None),
            Some(e) => prop_assert_eq!(minting, Some(e)),
        }
        // What the panel is granted is what the minting check says the
        // license grants (the ledger records exactly this).
        if let (Ok(lic), Ok(g)) = (verify(&file, &roots, &device), check_candidate(&container)) {
            let a: Vec<_> = lic.quotas().collect();
            let b: Vec<_> = g.quotas().collect();
            prop_assert_eq!(a, b);
            prop_assert_eq!(lic.features(), g.features());
        }
    }

    /// Duplicates in a set: each license counts once, whatever the order
    /// and number of copies; a same-serial impostor cancels both.
    #[test]
    fn duplicates_count_once(copies in prop::collection::vec(0usize..3, 1..8), impostor in prop::option::of(0usize..8)) {
        let licenses: Vec<Vec<u8>> = (0..3u8)
            .map(|i| {
                ChainBuilder::new(key(1), "acme/dist-7", |_| {})
                    .push_leaf(BUILDING, |c| {
                        c.serial = vec![0x50 + i; 8];
                        c.kind = if i == 0 { Kind::License } else { Kind::AddOn };
                        c.quotas.clear();
                        c.quotas.insert("sip_numbers".into(), Quota::Count(1 + u32::from(i) * 10));
                    })
                    .build()
            })
            .collect();
        let fake = ChainBuilder::new(key(1), "acme/dist-7", |_| {})
            .push_leaf(BUILDING, |c| {
                c.serial = vec![0x51; 8];
                c.kind = Kind::AddOn;
                c.quotas.clear();
                c.quotas.insert("sip_numbers".into(), Quota::Count(99));
            })
            .build();
        let mut set: Vec<&[u8]> = copies.iter().map(|&i| licenses[i].as_slice()).collect();
        if let Some(at) = impostor {
            set.insert(at.min(set.len()), fake.as_slice());
            set.truncate(8);
        }
        let e = evaluate(&roots(), &set, &Device::new(BUILDING, NOW).unwrap()).unwrap();
        // The model: each distinct license once; serial 0x51 counts only
        // when every file claiming it is the same.
        let has = |l: &[u8]| set.contains(&l);
        let impostor_in = has(&fake);
        let mut want = 0u32;
        for (i, l) in licenses.iter().enumerate() {
            if has(l) && !(i == 1 && impostor_in) {
                want += 1 + u32::try_from(i).unwrap() * 10;
            }
        }
        if impostor_in && !has(&licenses[1]) {
            want += 99; // alone with its serial, it is a license like any other
        }
        let base_in = has(&licenses[0]);
        let got = e.quota(QuotaName::from_name("sip_numbers"));
        if base_in {
            prop_assert_eq!(got, Some(Quota::Count(want)));
        } else {
            prop_assert_eq!(got, None, "add-ons alone grant nothing");
        }
    }
}

/// A link checked once in an evaluation is only trusted again at the same
/// position after the same prefix: here the root key delegates to itself, so
/// the middle link of one license, put first in another, is signed by a
/// trusted root — and is still refused as a root link that names a parent.
#[test]
fn a_shared_link_at_another_position_is_checked_again() {
    let root = key(1);
    let mut p = claims("acme", "acme/dist-7", 1);
    p.cnf = Some(public(&root));
    p.depth = 3;
    let mut l = claims("acme/dist-7", "acme/dist-7/dealer-3", 2);
    l.parent = Some(p.serial.clone());
    l.cnf = Some(public(&root));
    l.depth = 2;
    let leaf = |serial: u8| {
        let mut m = claims("acme/dist-7/dealer-3", BUILDING, serial);
        m.parent = Some(l.serial.clone());
        sign_link(&m, &root)
    };
    let (p, l) = (sign_link(&p, &root), sign_link(&l, &root));
    let full = chain(&[p, l.clone(), leaf(3)]);
    let cut = chain(&[l, leaf(4)]);
    let device = Device::new(BUILDING, NOW).unwrap();
    let e = evaluate(&roots(), &[&full, &cut], &device).unwrap();
    assert!(
        matches!(e.status(0), Some(LicenseStatus::Valid { .. })),
        "{:?}",
        e.status(0)
    );
    assert_eq!(
        e.status(1),
        Some(&LicenseStatus::Rejected(Error::RootHasParent))
    );
}

/// Handing a panel a damaged or forged copy of a license next to the real
/// one takes nothing away: copies and serial conflicts are decided among
/// licenses that verify.
#[test]
fn a_forged_copy_cannot_shadow_or_cancel_a_license() {
    let (base, addon) = base_and_addon();
    // The same leaf under a damaged ancestor (a byte of the root link's
    // signature), and the whole file with its leaf signature damaged.
    let c = Container::decode(&addon).unwrap();
    let root_sig_end = c.link(0).unwrap().offset + c.link(0).unwrap().bytes.len();
    let mut bad_ancestor = addon.clone();
    bad_ancestor[root_sig_end - 3] ^= 1;
    let mut bad_leaf = addon.clone();
    let n = bad_leaf.len();
    bad_leaf[n - 3] ^= 1;
    let device = Device::new(BUILDING, NOW).unwrap();
    for forged in [&bad_ancestor, &bad_leaf] {
        for set in [
            [base.as_slice(), forged.as_slice(), addon.as_slice()],
            [base.as_slice(), addon.as_slice(), forged.as_slice()],
        ] {
            let e = evaluate(&roots(), &set, &device).unwrap();
            assert_eq!(
                e.quota(QuotaName::from_name("sip_numbers")),
                Some(Quota::Count(15)),
                "{:?}",
                e.statuses().collect::<Vec<_>>()
            );
            // Refused for its damage, or (the same leaf after the license
            // verified) counted once as a copy of it.
            let forged_at = set.iter().position(|s| *s == forged.as_slice()).unwrap();
            assert!(matches!(
                e.status(forged_at),
                Some(LicenseStatus::Rejected(
                    Error::BadSignature { .. } | Error::DuplicateLicense { .. }
                ))
            ));
        }
    }
}

/// A role's name is stored once in an evaluation, not once per grant: eight
/// roles with 32-byte names and sixteen grants each (a license licet issues)
/// fit, and are answered.
#[test]
fn role_names_are_stored_once_per_evaluation() {
    let role = |r: usize| format!("role-with-a-long-name-{r:02}-abcdefg")[..32].to_string();
    let file = ChainBuilder::new(key(1), "acme/dist-7", |c| {
        c.quotas.clear();
        c.quotas.insert("sip_numbers".into(), Quota::Count(3));
        c.features = Some((0..16).map(|i| format!("f{i:02}")).collect());
        c.roles = (0..8)
            .map(|r| (role(r), (0..16).map(|i| format!("f{i:02}")).collect()))
            .collect();
    })
    .push_leaf(BUILDING, |_| {})
    .build();
    let container = Container::decode(&file).unwrap();
    assert!(
        check_candidate(&container).is_ok(),
        "licet issue would mint it"
    );
    let e = evaluate(&roots(), &[&file], &Device::new(BUILDING, NOW).unwrap()).unwrap();
    assert_eq!(e.base(), Some(0), "{:?}", e.status(0));
    assert_eq!(e.roles().count(), 8);
    assert_eq!(e.role_grants(&role(7)).count(), 16);
}
