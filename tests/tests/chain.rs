//! Chain mechanics and rule checks of the verifier, on chains built by a
//! signer that bypasses the issuer: each wrong chain is rejected with its
//! own error.

use licet_common::{Quota, QuotaName, Tier};
use licet_tests::*;
use licet_verifier::{Device, Error, TrustedRoot, verify};

const BUILDING: &str = "acme/dist-7/dealer-3/complex-12/bldg-2";

fn roots() -> [TrustedRoot; 1] {
    [TrustedRoot::from_bytes(&public(&key(1))).unwrap()]
}

fn check(bytes: &[u8], group: &str, now: u64) -> Result<(), String> {
    let device = Device::new(group, now).unwrap();
    verify(bytes, &roots(), &device)
        .map(|_| ())
        .map_err(|e| e.code().to_string())
}

fn err_of<'a>(bytes: &'a [u8], group: &'a str, now: u64) -> Error<'a> {
    let device = Device::new(group, now).unwrap();
    verify(bytes, &roots(), &device).expect_err("the chain must be rejected")
}

#[test]
fn valid_hierarchy_verifies_with_effective_values() {
    let b = hierarchy().build();
    let device = Device::new(BUILDING, NOW).unwrap();
    let roots = roots();
    let lic = verify(&b, &roots, &device).unwrap();
    assert_eq!(lic.chain_len(), 4);
    assert_eq!(lic.group().as_str(), BUILDING);
    assert_eq!(
        lic.quota(QuotaName::from_name("sip_numbers")),
        Some(Quota::Count(10))
    );
    // Inherited from the root, never restated.
    assert_eq!(
        lic.quota(QuotaName::from_name("app_installs")),
        Some(Quota::Count(100))
    );
    assert_eq!(lic.quota(QuotaName::from_name("integrations")), None);
    assert!(lic.has_feature("video"));
    assert!(!lic.has_feature("guest_passes"));
    assert!(lic.role_has_feature("concierge", "guest_passes"));
    assert_eq!(lic.quotas().count(), 2);
    // A descendant group is served too.
    assert!(check(&b, &format!("{BUILDING}/apt-14"), NOW).is_ok());
}

#[test]
fn fail_wrong_group() {
    let b = hierarchy().build();
    for g in [
        "acme/dist-7/dealer-3/complex-13/bldg-2",
        "acme/dist-7/dealer-3/complex-12",
        "acme/dist-7/dealer-3/complex-12/bldg-22",
        "other/dist-7/dealer-3/complex-12/bldg-2",
    ] {
        assert!(
            matches!(err_of(&b, g, NOW), Error::WrongGroup { .. }),
            "{g}"
        );
    }
}

#[test]
fn fail_sibling_namespace() {
    // The dealer mints for a complex under another dealer.
    let b = hierarchy_until_dealer()
        .push("acme/dist-7/dealer-4/complex-12", |_| {})
        .build();
    assert!(matches!(
        err_of(&b, "acme/dist-7/dealer-4/complex-12", NOW),
        Error::OutsideNamespace { link: 3, .. }
    ));
    // And a prefix that is not a segment boundary is another namespace too.
    let b = hierarchy_until_dealer()
        .push("acme/dist-7/dealer-30", |c| {
            c.iss = "acme/dist-7/dealer-3".into()
        })
        .build();
    assert!(matches!(
        err_of(&b, "acme/dist-7/dealer-30", NOW),
        Error::OutsideNamespace { link: 3, .. }
    ));
}

fn hierarchy_until_dealer() -> ChainBuilder {
    ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push("acme/dist-7/dealer-3", |_| {})
        .push("acme/dist-7/dealer-3", |c| {
            // A second link for the same group (a dealer re-delegating to itself) is allowed.
            c.quotas.insert("sip_numbers".into(), Quota::Count(10));
        })
}

#[test]
fn fail_expired_and_not_yet_valid() {
    let b = hierarchy().build();
    let exp = NOW + 265 * DAY;
    assert!(check(&b, BUILDING, exp - 1).is_ok());
    assert_eq!(
        err_of(&b, BUILDING, exp),
        Error::Expired {
            link: 0,
            now: exp,
            not_after: exp
        }
    );
    let nbf = NOW - 100 * DAY;
    assert!(check(&b, BUILDING, nbf).is_ok());
    assert_eq!(
        err_of(&b, BUILDING, nbf - 1),
        Error::NotYetValid {
            link: 0,
            now: nbf - 1,
            not_before: nbf
        }
    );
    // A leaf that ends earlier than its parents.
    let b = hierarchy_until_dealer()
        .push("acme/dist-7/dealer-3/c", |c| c.exp = Some(NOW + DAY))
        .build();
    assert!(matches!(
        err_of(&b, "acme/dist-7/dealer-3/c", NOW + DAY),
        Error::Expired { link: 3, .. }
    ));
}

#[test]
fn fail_wrong_trust_root() {
    let b = hierarchy().build();
    let device = Device::new(BUILDING, NOW).unwrap();
    let other = [TrustedRoot::from_bytes(&public(&key(2))).unwrap()];
    assert!(matches!(
        verify(&b, &other, &device),
        Err(Error::UnknownRoot { .. })
    ));
    assert!(matches!(
        verify(&b, &[], &device),
        Err(Error::NoTrustedRoots)
    ));
    // Rotation: the right root among several.
    let both = [other[0], roots()[0]];
    assert!(verify(&b, &both, &device).is_ok());
    // A root link signed by another key but claiming the trusted root's kid.
    let mut h = hierarchy();
    let c0 = h.claims[0].clone();
    let forged = {
        use ed25519_dalek::Signer;
        let protected =
            licet_common::encode::protected_header(&licet_common::kid::kid(&public(&key(1))));
        let payload = c0.to_payload();
        let sig = key(2)
            .sign(&licet_common::encode::sig_structure(&protected, &payload))
            .to_bytes();
        licet_common::encode::cose_sign1(&protected, &payload, &sig)
    };
    h.links[0] = forged;
    assert_eq!(
        err_of(&h.build(), BUILDING, NOW),
        Error::BadSignature { link: 0 }
    );
}

#[test]
fn fail_parent_swapped_for_another_parent() {
    // Another dealer link from the same distributor key, same group, new serial.
    let h = hierarchy();
    let other = ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push("acme/dist-7/dealer-3", |c| c.serial = vec![0xee; 8]);
    let mut links = h.links.clone();
    links[1] = other.links[1].clone();
    assert_eq!(
        err_of(&chain(&links), BUILDING, NOW),
        Error::WrongParent { link: 2 }
    );
}

#[test]
fn fail_middle_link_removed() {
    let h = hierarchy();
    let mut links = h.links.clone();
    links.remove(1);
    assert!(matches!(
        err_of(&chain(&links), BUILDING, NOW),
        Error::KidMismatch { link: 1, .. }
    ));
}

#[test]
fn fail_links_reordered() {
    let h = hierarchy();
    let mut links = h.links.clone();
    links.swap(1, 2);
    assert!(matches!(
        err_of(&chain(&links), BUILDING, NOW),
        Error::KidMismatch { link: 1, .. }
    ));
    let mut links = h.links.clone();
    links.reverse();
    assert!(matches!(
        err_of(&chain(&links), BUILDING, NOW),
        Error::UnknownRoot { .. }
    ));
}

#[test]
fn fail_signed_by_key_not_delegated() {
    // The complex link signed by a stranger's key: its kid gives it away.
    let mut h = hierarchy();
    let c = h.claims[3].clone();
    h.links[3] = sign_link(&c, &key(66));
    assert!(matches!(
        err_of(&h.build(), BUILDING, NOW),
        Error::KidMismatch { link: 3, .. }
    ));
    // Same, with the kid forged to the delegated key's: the signature fails.
    let mut h = hierarchy();
    let c = h.claims[3].clone();
    let delegated = h.keys[2].clone();
    h.links[3] = {
        use ed25519_dalek::Signer;
        let protected =
            licet_common::encode::protected_header(&licet_common::kid::kid(&public(&delegated)));
        let payload = c.to_payload();
        let sig = key(66)
            .sign(&licet_common::encode::sig_structure(&protected, &payload))
            .to_bytes();
        licet_common::encode::cose_sign1(&protected, &payload, &sig)
    };
    assert_eq!(
        err_of(&h.build(), BUILDING, NOW),
        Error::BadSignature { link: 3 }
    );
}

#[test]
fn fail_issuer_mismatch_and_root_with_parent() {
    let b = hierarchy_until_dealer()
        .push("acme/dist-7/dealer-3/c", |c| c.iss = "acme/dist-7".into())
        .build();
    assert!(matches!(
        err_of(&b, "acme/dist-7/dealer-3/c", NOW),
        Error::IssuerMismatch { link: 3, .. }
    ));
    let b = ChainBuilder::new(key(1), "acme/dist-7", |c| c.parent = Some(vec![9; 8])).build();
    assert_eq!(err_of(&b, "acme/dist-7", NOW), Error::RootHasParent);
}

/// A named chain and the check its error must pass.
type Case = (&'static str, Vec<u8>, fn(&Error<'_>) -> bool);

/// Every way a correctly signed link can escalate, each with its own error.
#[test]
fn fail_escalations_each_with_own_error() {
    let d = "acme/dist-7/dealer-3/c";
    let base = hierarchy_until_dealer;
    let cases: Vec<Case> = vec![
        (
            "raise a quota",
            base()
                .push(d, |c| {
                    c.quotas.insert("sip_numbers".into(), Quota::Count(11));
                })
                .build(),
            |e| {
                matches!(
                    e,
                    Error::QuotaRaised {
                        link: 3,
                        parent: Some(Quota::Count(10)),
                        requested: Quota::Count(11),
                        ..
                    }
                )
            },
        ),
        (
            "quota not granted",
            base()
                .push(d, |c| {
                    c.quotas.insert("integrations".into(), Quota::Count(1));
                })
                .build(),
            |e| {
                matches!(
                    e,
                    Error::QuotaRaised {
                        link: 3,
                        parent: None,
                        ..
                    }
                )
            },
        ),
        (
            "unlimited under limited",
            base()
                .push(d, |c| {
                    c.quotas.insert("app_installs".into(), Quota::Unlimited);
                })
                .build(),
            |e| {
                matches!(
                    e,
                    Error::QuotaRaised {
                        link: 3,
                        requested: Quota::Unlimited,
                        ..
                    }
                )
            },
        ),
        (
            "add a feature",
            base()
                .push(d, |c| {
                    c.features = Some(["video".to_string(), "teleport".to_string()].into())
                })
                .build(),
            |e| {
                matches!(
                    e,
                    Error::FeatureNotGranted {
                        link: 3,
                        feature: "teleport"
                    }
                )
            },
        ),
        (
            "widen a role",
            base()
                .push(d, |c| {
                    c.roles
                        .insert("concierge".into(), ["master_key".to_string()].into());
                })
                .build(),
            |e| {
                matches!(
                    e,
                    Error::RoleGrantNotAllowed {
                        link: 3,
                        role: "concierge",
                        feature: "master_key"
                    }
                )
            },
        ),
        (
            "extend exp",
            base().push(d, |c| c.exp = c.exp.map(|e| e + 1)).build(),
            |e| matches!(e, Error::WindowWidened { link: 3, .. }),
        ),
        ("drop exp", base().push(d, |c| c.exp = None).build(), |e| {
            matches!(e, Error::WindowWidened { link: 3, .. })
        }),
        (
            "start before the parent",
            base().push(d, |c| c.nbf -= 1).build(),
            |e| matches!(e, Error::WindowWidened { link: 3, .. }),
        ),
        (
            "raise the tier",
            ChainBuilder::new(key(1), "acme/dist-7", |c| c.tier = Tier::Trial)
                .push("acme/dist-7/x", |c| c.tier = Tier::Plus)
                .build(),
            |e| {
                matches!(
                    e,
                    Error::TierRaised {
                        link: 1,
                        parent: Tier::Trial,
                        tier: Tier::Plus
                    }
                )
            },
        ),
        (
            "raise the depth",
            base().push(d, |c| c.depth = 5).build(),
            |e| {
                matches!(
                    e,
                    Error::DepthExceeded {
                        link: 3,
                        parent: 5,
                        depth: 5
                    }
                )
            },
        ),
        (
            "widen the device list",
            ChainBuilder::new(key(1), "acme/dist-7", |c| {
                c.devices = Some(["panel-1".to_string()].into())
            })
            .push("acme/dist-7/x", |c| {
                c.devices = Some(["panel-1".to_string(), "panel-2".to_string()].into())
            })
            .build(),
            |e| {
                matches!(
                    e,
                    Error::DevicesWidened {
                        link: 1,
                        device: "panel-2"
                    }
                )
            },
        ),
        (
            "leave the namespace",
            base().push("acme/dist-8", |_| {}).build(),
            |e| matches!(e, Error::OutsideNamespace { link: 3, .. }),
        ),
        (
            "name a wrong parent serial",
            base().push(d, |c| c.parent = Some(vec![0x42; 8])).build(),
            |e| matches!(e, Error::WrongParent { link: 3 }),
        ),
        (
            "base license under an add-on",
            ChainBuilder::new(key(1), "acme/dist-7", |c| {
                c.kind = licet_common::Kind::AddOn
            })
            .push("acme/dist-7/x", |_| {})
            .build(),
            |e| matches!(e, Error::KindWidened { link: 1 }),
        ),
    ];
    for (what, bytes, expected) in &cases {
        let group = if what.contains("namespace") {
            "acme/dist-8"
        } else if what.contains("tier") || what.contains("device") || what.contains("add-on") {
            "acme/dist-7/x"
        } else {
            d
        };
        let device = Device::new(group, NOW).unwrap().with_device_id("panel-1");
        let roots = roots();
        let e = verify(bytes, &roots, &device)
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        assert!(expected(&e), "{what}: got {e:?}");
    }
}

#[test]
fn fail_child_under_link_without_cnf() {
    // The building link has no cnf; a link hung under it is refused, even
    // when signed by the key that was delegated one level up.
    let h = hierarchy();
    let mut c = claims(BUILDING, &format!("{BUILDING}/apt-1"), 9);
    c.parent = Some(h.claims[3].serial.clone());
    c.nbf = h.claims[3].nbf;
    c.exp = h.claims[3].exp;
    let mut links = h.links.clone();
    links.push(sign_link(&c, &h.keys[2]));
    assert_eq!(
        err_of(&chain(&links), &format!("{BUILDING}/apt-1"), NOW),
        Error::ParentCannotDelegate { link: 4 }
    );
}

#[test]
fn fail_depth_exhausted_and_link_cap() {
    // Depth 0 at the dealer: its child is refused.
    let b = ChainBuilder::new(key(1), "acme/d", |c| c.depth = 1)
        .push("acme/d/x", |c| c.depth = 0)
        .push("acme/d/x/y", |c| c.depth = 0)
        .build();
    assert!(matches!(
        err_of(&b, "acme/d/x/y", NOW),
        Error::DepthExceeded {
            link: 2,
            parent: 0,
            ..
        }
    ));
    // Eight links verify; nine do not even decode.
    let mut h = ChainBuilder::new(key(1), "a", |_| {});
    let mut group = String::from("a");
    for i in 0..7 {
        group = format!("{group}/s{i}");
        h = if i == 6 {
            h.push_leaf(&group, |_| {})
        } else {
            h.push(&group, |_| {})
        };
    }
    assert!(check(&h.build(), &group, NOW).is_ok(), "8 links");
    let mut links = h.links.clone();
    links.push(h.links[7].clone());
    let nine = chain(&links);
    let e = err_of(&nine, &group, NOW);
    assert!(
        matches!(e, Error::Decode(d) if matches!(d.kind, licet_common::DecodeErrorKind::TooLarge { what: "links", limit: 8 })),
        "{e:?}"
    );
}

#[test]
fn device_binding() {
    let b = ChainBuilder::new(key(1), "acme/d", |c| {
        c.devices = Some(["panel-1".to_string(), "panel-2".to_string()].into())
    })
    .push_leaf("acme/d/x", |c| {
        c.devices = Some(["panel-2".to_string()].into())
    })
    .build();
    let roots = roots();
    let dev = Device::new("acme/d/x", NOW).unwrap();
    assert_eq!(verify(&b, &roots, &dev).err(), Some(Error::DeviceNotBound));
    assert_eq!(
        verify(&b, &roots, &dev.with_device_id("panel-1")).err(),
        Some(Error::DeviceNotBound)
    );
    assert!(verify(&b, &roots, &dev.with_device_id("panel-2")).is_ok());
}
