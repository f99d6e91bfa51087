//! Property tests: encoding round trips, and no input can make decoding or
//! verification panic.

use licet_common::encode::LinkClaims;
use licet_common::{Claims, Container, Kind, Quota, Tier};
use licet_tests::*;
use licet_verifier::{Device, TrustedRoot, UnverifiedLicense};
use proptest::collection::{btree_map, btree_set, vec};
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_.-]{0,31}"
}

fn group() -> impl Strategy<Value = String> {
    vec("[a-z0-9][a-z0-9_.-]{0,9}", 1..6).prop_map(|s| s.join("/"))
}

fn quota() -> impl Strategy<Value = Quota> {
    prop_oneof![any::<u32>().prop_map(Quota::Count), Just(Quota::Unlimited)]
}

fn link_claims() -> impl Strategy<Value = LinkClaims> {
    let times = (0u64..4_000_000_000, 1u64..1_000_000_000, any::<bool>());
    (
        (
            group(),
            group(),
            times,
            vec(any::<u8>(), 8..=16),
            proptest::option::of(any::<[u8; 32]>()),
            proptest::option::of(vec(any::<u8>(), 8..=16)),
        ),
        (
            prop_oneof![Just(Tier::Basic), Just(Tier::Trial), Just(Tier::Plus)],
            any::<bool>(),
            btree_map(
                prop_oneof![
                    Just("sip_numbers".to_string()),
                    Just("app_installs".to_string()),
                    Just("integrations".to_string()),
                    name()
                ],
                quota(),
                0..6,
            ),
            proptest::option::of(btree_set(name(), 0..8)),
            btree_map(name(), btree_set(name(), 0..4), 0..4),
            0u8..=7,
            proptest::option::of(btree_set("[!-~]{1,64}", 0..4)),
            proptest::option::of(0u64..10_000_000),
        ),
    )
        .prop_map(
            |(
                (iss, sub, (nbf, len, has_exp), serial, cnf, parent),
                (tier, addon, quotas, features, roles, depth, devices, remind),
            )| LinkClaims {
                iss,
                sub,
                nbf,
                exp: has_exp.then_some(nbf + len),
                iat: nbf,
                serial,
                cnf,
                parent,
                tier,
                kind: if addon { Kind::AddOn } else { Kind::License },
                quotas,
                features,
                roles,
                depth,
                devices,
                remind,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// What the issuer encodes, the device decodes to the same claims.
    #[test]
    fn claims_round_trip(c in link_claims()) {
        let payload = c.to_payload();
        let d = Claims::decode(&payload, 0).unwrap();
        prop_assert_eq!(d.iss.as_str(), c.iss.as_str());
        prop_assert_eq!(d.sub.as_str(), c.sub.as_str());
        prop_assert_eq!((d.nbf, d.exp, d.iat), (c.nbf, c.exp, c.iat));
        prop_assert_eq!(d.serial, &c.serial[..]);
        prop_assert_eq!(d.cnf.copied(), c.cnf);
        prop_assert_eq!(d.parent.map(<[u8]>::to_vec), c.parent.clone());
        prop_assert_eq!((d.tier, d.kind, d.depth, d.remind), (c.tier, c.kind, c.depth, c.remind));
        let quotas: std::collections::BTreeMap<String, Quota> = d.quotas.iter().map(|(n, q)| (n.as_str().to_owned(), q)).collect();
        prop_assert_eq!(quotas, c.quotas.clone());
        let features = d.features.map(|f| f.iter().map(str::to_owned).collect::<std::collections::BTreeSet<_>>());
        prop_assert_eq!(features, c.features.clone());
        let roles: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            d.roles.iter().map(|(r, g)| (r.to_owned(), g.iter().map(str::to_owned).collect())).collect();
        prop_assert_eq!(roles, c.roles.clone());
        let devices = d.devices.map(|f| f.iter().map(str::to_owned).collect::<std::collections::BTreeSet<_>>());
        prop_assert_eq!(devices, c.devices.clone());
        // Deterministic: encoding is a function of the claims alone.
        prop_assert_eq!(c.clone().to_payload(), payload);
    }

    /// A signed link with random claims decodes inside a container, and its
    /// signature checks out with the signer's key.
    #[test]
    fn signed_links_decode(c in link_claims(), seed in any::<u8>()) {
        let signer = key(seed);
        let file = chain(&[sign_link(&c, &signer)]);
        let container = Container::decode(&file).unwrap();
        let roots = [TrustedRoot::from_bytes(&public(&signer)).unwrap()];
        let mut signature = None;
        licet_verifier::explain(&container, &roots, 0, None, &mut |f| {
            if let licet_verifier::Finding::Signature { link: 0, check } = f {
                signature = Some(check);
            }
        });
        prop_assert_eq!(signature, Some(licet_verifier::SignatureCheck::Valid));
    }

    /// Arbitrary bytes never panic the decoder, the armor reader or the verifier.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..2048)) {
        let roots = [TrustedRoot::from_bytes(&public(&key(1))).unwrap()];
        let device = Device::new("acme/dist-7", NOW).unwrap();
        let _ = UnverifiedLicense::parse(&bytes).and_then(|l| l.verify(&roots, &device));
        let mut buf = [0u8; licet_common::limits::MAX_LICENSE_BYTES];
        let _ = licet_verifier::dearmor(&bytes, &mut buf);
        let mut armored = b"-----BEGIN LICET LICENSE-----\n".to_vec();
        armored.extend_from_slice(&bytes);
        let _ = licet_verifier::dearmor(&armored, &mut buf);
    }

    /// Random splices of a valid chain (a window of bytes overwritten) never
    /// panic and are never accepted.
    #[test]
    fn spliced_chains_are_rejected(at in 0usize..2000, junk in vec(any::<u8>(), 1..16)) {
        let original = hierarchy().build();
        let mut bytes = original.clone();
        let at = at % bytes.len();
        for (i, b) in junk.iter().enumerate() {
            if let Some(x) = bytes.get_mut(at + i) { *x = *b; }
        }
        prop_assume!(bytes != original);
        let roots = [TrustedRoot::from_bytes(&public(&key(1))).unwrap()];
        let device = Device::new("acme/dist-7/dealer-3/complex-12/bldg-2", NOW).unwrap();
        prop_assert!(licet_verifier::verify(&bytes, &roots, &device).is_err());
    }
}
