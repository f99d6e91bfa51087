//! The verify-once cache: a cached check accepts and rejects exactly what a
//! full check does, whatever the cache saw before; hits leave it unchanged;
//! a link past its validity loses its entry.

use licet_tests::*;
use licet_verifier::{
    CACHE_ENTRY_BYTES, Device, Options, TrustedRoot, VerifyCache, evaluate, evaluate_with, verify,
    verify_cached,
};
use proptest::prelude::*;

const BUILDING: &str = "acme/dist-7/dealer-3/complex-12/bldg-2";

fn roots() -> [TrustedRoot; 1] {
    [TrustedRoot::from_bytes(&public(&key(1))).unwrap()]
}

/// Licenses for the pool: the 4-link hierarchy, a 2-link one ending soon,
/// an add-on sharing the hierarchy's upper links, one signed by a stranger,
/// and the hierarchy with its last link re-signed under a different parent key.
fn pool() -> Vec<Vec<u8>> {
    let h = hierarchy();
    let short = ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push(BUILDING, |c| {
            c.exp = Some(NOW + DAY);
            c.cnf = None;
            c.depth = 0;
        })
        .build();
    let addon = ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push("acme/dist-7/dealer-3", |_| {})
        .push(BUILDING, |c| {
            c.kind = licet_common::Kind::AddOn;
            c.serial = vec![0x77; 8];
            c.cnf = None;
            c.depth = 0;
        })
        .build();
    let stranger = ChainBuilder::new(key(9), "acme/dist-7", |_| {})
        .push(BUILDING, |c| {
            c.cnf = None;
            c.depth = 0;
        })
        .build();
    // The same leaf link bytes under a parent that delegates to another key.
    let mut regrafted = hierarchy();
    let other = ChainBuilder::new(key(1), "acme/dist-7", |c| c.cnf = Some(public(&key(42))));
    regrafted.links[0] = other.links[0].clone();
    vec![h.build(), short, addon, stranger, regrafted.build()]
}

#[derive(Clone, Debug)]
struct Op {
    license: usize,
    flip: Option<(usize, u8)>,
    days: i64,
}

fn op() -> impl Strategy<Value = Op> {
    (
        0usize..5,
        prop::option::weighted(0.3, (any::<usize>(), 0u8..8)),
        -200i64..400,
    )
        .prop_map(|(license, flip, days)| Op {
            license,
            flip,
            days,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// After any history of checks, a cached check gives the full check's
    /// result (the same error, or the same acceptance).
    #[test]
    fn cached_equals_full(history in prop::collection::vec(op(), 1..12), slots in 0usize..10) {
        let pool = pool();
        let roots = roots();
        let mut storage = vec![[0u8; CACHE_ENTRY_BYTES]; slots];
        for op in history {
            let mut bytes = pool[op.license].clone();
            if let Some((at, bit)) = op.flip {
                let at = at % bytes.len();
                bytes[at] ^= 1 << bit;
            }
            let now = NOW.checked_add_signed(op.days * DAY as i64).unwrap();
            let device = Device::new(BUILDING, now).unwrap();
            let full = verify(&bytes, &roots, &device).map(|l| l.serial().to_vec());
            let mut cache = VerifyCache::new(&mut storage);
            let cached = verify_cached(&bytes, &roots, &device, &mut cache)
                .map(|l| l.serial().to_vec());
            prop_assert_eq!(&cached, &full, "license {} flip {:?} at {}", op.license, op.flip, now);
        }
    }
}

#[test]
fn a_warm_cache_is_hit_and_left_unchanged() {
    let bytes = hierarchy().build();
    let roots = roots();
    let device = Device::new(BUILDING, NOW).unwrap();
    let mut storage = [[0u8; CACHE_ENTRY_BYTES]; 8];
    let mut cache = VerifyCache::new(&mut storage);
    verify_cached(&bytes, &roots, &device, &mut cache).unwrap();
    assert_eq!(cache.len(), 4, "one entry per link");
    assert!(cache.is_modified());
    let persisted = storage;

    // Next boot: the slots as persisted.
    let mut next_boot = persisted;
    let mut cache = VerifyCache::new(&mut next_boot);
    verify_cached(&bytes, &roots, &device, &mut cache).unwrap();
    assert!(!cache.is_modified(), "a fully cached check writes nothing");
    assert_eq!(next_boot, persisted);
}

#[test]
fn a_forged_entry_needs_the_exact_link() {
    // Entries from one chain do not help another chain whose links differ.
    let roots = roots();
    let device = Device::new(BUILDING, NOW).unwrap();
    let mut storage = [[0u8; CACHE_ENTRY_BYTES]; 16];
    let mut cache = VerifyCache::new(&mut storage);
    let pool = pool();
    verify_cached(&pool[0], &roots, &device, &mut cache).unwrap();
    let regrafted = &pool[4];
    assert_eq!(
        verify_cached(regrafted, &roots, &device, &mut cache).map(|_| ()),
        verify(regrafted, &roots, &device).map(|_| ())
    );
    assert!(verify(regrafted, &roots, &device).is_err());
}

#[test]
fn an_expired_link_loses_its_entry() {
    let roots = roots();
    let short = &pool()[1];
    let mut storage = [[0u8; CACHE_ENTRY_BYTES]; 4];
    let mut cache = VerifyCache::new(&mut storage);
    let today = Device::new(BUILDING, NOW).unwrap();
    verify_cached(short, &roots, &today, &mut cache).unwrap();
    assert_eq!(cache.len(), 2);
    let later = Device::new(BUILDING, NOW + 2 * DAY).unwrap();
    let err = verify_cached(short, &roots, &later, &mut cache).unwrap_err();
    assert_eq!(err.code(), "expired");
    assert_eq!(err.link(), Some(1));
    assert_eq!(
        cache.len(),
        1,
        "the expired leaf is forgotten, the root kept"
    );
}

#[test]
fn cached_evaluation_equals_full_and_shares_upper_links() {
    let roots = roots();
    let pool = pool();
    let set: Vec<&[u8]> = vec![&pool[0], &pool[2], &pool[3]];
    let device = Device::new(BUILDING, NOW).unwrap();
    let mut storage = [[0u8; CACHE_ENTRY_BYTES]; 16];
    for round in 0..2 {
        let mut cache = VerifyCache::new(&mut storage);
        let options = Options {
            cache: Some(&mut cache),
            ..Options::default()
        };
        let cached = evaluate_with(&roots, &set, &device, options).unwrap();
        let full = evaluate(&roots, &set, &device).unwrap();
        assert_eq!(
            cached.statuses().collect::<Vec<_>>(),
            full.statuses().collect::<Vec<_>>()
        );
        assert_eq!(cached.base(), full.base());
        assert_eq!(
            cached.quotas().collect::<Vec<_>>(),
            full.quotas().collect::<Vec<_>>()
        );
        // hierarchy: 4 links; the add-on shares its root link with it (same
        // bytes) and adds 2 of its own; the stranger's chain verifies nothing.
        assert_eq!(cache.len(), 6, "round {round}");
        assert_eq!(cache.is_modified(), round == 0);
    }
}
