//! Every reason a license is rejected, one variant each, carrying the
//! values that explain it. Link indexes count from 0, the root-most link.

use core::fmt;
use licet_common::{DecodeError, Group, Quota, QuotaName, Tier};

/// Why a license was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error<'a> {
    /// The bytes are not a well-formed licet license (`docs/FORMAT.md`).
    Decode(DecodeError),
    /// No trusted root was given to the verifier.
    NoTrustedRoots,
    /// A trusted root key is not a valid Ed25519 public key, or is of small
    /// order (a weak key anyone can forge signatures for).
    InvalidRootKey,
    /// The root link is signed by a key that is not among the trusted roots.
    UnknownRoot {
        /// The root link's key id.
        kid: [u8; 8],
    },
    /// The root link names a parent: a root link has none.
    RootHasParent,
    /// The link's `kid` is not the key id of the key that must have signed it.
    KidMismatch {
        /// Link index.
        link: usize,
        /// Key id of the key named by the parent's `cnf`.
        expected: [u8; 8],
        /// Key id found in the link.
        found: [u8; 8],
    },
    /// The key the parent delegates to (`cnf`) is not a usable Ed25519 key.
    InvalidDelegatedKey {
        /// Link index of the parent carrying the key.
        link: usize,
    },
    /// The Ed25519 signature does not verify (RFC 8032 §5.1.7, strict).
    BadSignature {
        /// Link index.
        link: usize,
    },
    /// The link hangs under a parent without `cnf`: that parent may not mint.
    ParentCannotDelegate {
        /// Link index of the child.
        link: usize,
    },
    /// The link names a parent serial other than the previous link's.
    WrongParent {
        /// Link index.
        link: usize,
    },
    /// The link's `iss` is not its parent's `sub`.
    IssuerMismatch {
        /// Link index.
        link: usize,
        /// The parent's subject.
        expected: Group<'a>,
        /// The link's issuer.
        found: Group<'a>,
    },
    /// The link's subject is outside its issuer's subtree.
    OutsideNamespace {
        /// Link index.
        link: usize,
        /// The issuer.
        issuer: Group<'a>,
        /// The subject.
        subject: Group<'a>,
    },
    /// The link is not valid yet at `now`.
    NotYetValid {
        /// Link index.
        link: usize,
        /// The device's time.
        now: u64,
        /// The link's `nbf`.
        not_before: u64,
    },
    /// The link has expired at `now`.
    Expired {
        /// Link index.
        link: usize,
        /// The device's time.
        now: u64,
        /// The link's `exp`.
        not_after: u64,
    },
    /// The link's validity window reaches outside its parent's.
    WindowWidened {
        /// Link index.
        link: usize,
        /// The link's `nbf` and `exp`.
        window: (u64, Option<u64>),
        /// The parent's `nbf` and `exp`.
        parent: (u64, Option<u64>),
    },
    /// The parent's remaining delegation depth does not allow this link, or
    /// the link does not lower it.
    DepthExceeded {
        /// Link index.
        link: usize,
        /// The parent's remaining depth.
        parent: u8,
        /// The link's remaining depth.
        depth: u8,
    },
    /// The link's tier ranks above its parent's.
    TierRaised {
        /// Link index.
        link: usize,
        /// The parent's tier.
        parent: Tier,
        /// The link's tier.
        tier: Tier,
    },
    /// A child of an add-on link is not an add-on.
    KindWidened {
        /// Link index.
        link: usize,
    },
    /// A quota above what the chain above grants (`None`: not granted at all).
    QuotaRaised {
        /// Link index.
        link: usize,
        /// The quota.
        name: QuotaName<'a>,
        /// What the chain above grants.
        parent: Option<Quota>,
        /// What the link states.
        requested: Quota,
    },
    /// A feature the chain above does not grant.
    FeatureNotGranted {
        /// Link index.
        link: usize,
        /// The feature.
        feature: &'a str,
    },
    /// A role grant outside the parent's features and grants for that role.
    RoleGrantNotAllowed {
        /// Link index.
        link: usize,
        /// The role.
        role: &'a str,
        /// The feature granted to it.
        feature: &'a str,
    },
    /// A device id outside the parent's device binding.
    DevicesWidened {
        /// Link index.
        link: usize,
        /// The device id the parent does not allow.
        device: &'a str,
    },
    /// The license does not serve the device's group: it is minted for a
    /// group that is neither the device's group nor one of its ancestors.
    WrongGroup {
        /// The group the license is for.
        licensed: Group<'a>,
        /// The device's group.
        device: Group<'a>,
    },
    /// The license is bound to devices and this device is not one of them
    /// (or states no device id).
    DeviceNotBound,
    /// The device's clock is behind the time floor by more than the
    /// tolerance: its clock was set back (or lost), so no time-limited
    /// decision can be trusted.
    ClockRollback {
        /// The device's time.
        now: u64,
        /// The persisted time floor.
        floor: u64,
    },
    /// More licenses were given to [`crate::evaluate`] than it holds.
    TooManyLicenses {
        /// How many were given.
        given: usize,
        /// The capacity, [`crate::MAX_LICENSES`].
        limit: usize,
    },
}

impl From<DecodeError> for Error<'_> {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

impl Error<'_> {
    /// A stable, short, machine-readable name of the variant (used by the
    /// CLI's `--json` output and the C ABI's error codes).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Decode(_) => "decode",
            Self::NoTrustedRoots => "no_trusted_roots",
            Self::InvalidRootKey => "invalid_root_key",
            Self::UnknownRoot { .. } => "unknown_root",
            Self::RootHasParent => "root_has_parent",
            Self::KidMismatch { .. } => "kid_mismatch",
            Self::InvalidDelegatedKey { .. } => "invalid_delegated_key",
            Self::BadSignature { .. } => "bad_signature",
            Self::ParentCannotDelegate { .. } => "parent_cannot_delegate",
            Self::WrongParent { .. } => "wrong_parent",
            Self::IssuerMismatch { .. } => "issuer_mismatch",
            Self::OutsideNamespace { .. } => "outside_namespace",
            Self::NotYetValid { .. } => "not_yet_valid",
            Self::Expired { .. } => "expired",
            Self::WindowWidened { .. } => "window_widened",
            Self::DepthExceeded { .. } => "depth_exceeded",
            Self::TierRaised { .. } => "tier_raised",
            Self::KindWidened { .. } => "kind_widened",
            Self::QuotaRaised { .. } => "quota_raised",
            Self::FeatureNotGranted { .. } => "feature_not_granted",
            Self::RoleGrantNotAllowed { .. } => "role_grant_not_allowed",
            Self::DevicesWidened { .. } => "devices_widened",
            Self::WrongGroup { .. } => "wrong_group",
            Self::DeviceNotBound => "device_not_bound",
            Self::ClockRollback { .. } => "clock_rollback",
            Self::TooManyLicenses { .. } => "too_many_licenses",
        }
    }

    /// A stable number for the variant, 1 to 26 in declaration order: the C
    /// ABI's error codes (`LICET_E_*` in `licet.h`). Numbers are never reused.
    pub fn number(&self) -> u16 {
        match self {
            Self::Decode(_) => 1,
            Self::NoTrustedRoots => 2,
            Self::InvalidRootKey => 3,
            Self::UnknownRoot { .. } => 4,
            Self::RootHasParent => 5,
            Self::KidMismatch { .. } => 6,
            Self::InvalidDelegatedKey { .. } => 7,
            Self::BadSignature { .. } => 8,
            Self::ParentCannotDelegate { .. } => 9,
            Self::WrongParent { .. } => 10,
            Self::IssuerMismatch { .. } => 11,
            Self::OutsideNamespace { .. } => 12,
            Self::NotYetValid { .. } => 13,
            Self::Expired { .. } => 14,
            Self::WindowWidened { .. } => 15,
            Self::DepthExceeded { .. } => 16,
            Self::TierRaised { .. } => 17,
            Self::KindWidened { .. } => 18,
            Self::QuotaRaised { .. } => 19,
            Self::FeatureNotGranted { .. } => 20,
            Self::RoleGrantNotAllowed { .. } => 21,
            Self::DevicesWidened { .. } => 22,
            Self::WrongGroup { .. } => 23,
            Self::DeviceNotBound => 24,
            Self::ClockRollback { .. } => 25,
            Self::TooManyLicenses { .. } => 26,
        }
    }

    /// The link the error is about, when it is about one.
    pub fn link(&self) -> Option<usize> {
        match *self {
            Self::UnknownRoot { .. } | Self::RootHasParent => Some(0),
            Self::KidMismatch { link, .. }
            | Self::InvalidDelegatedKey { link }
            | Self::BadSignature { link }
            | Self::ParentCannotDelegate { link }
            | Self::WrongParent { link }
            | Self::IssuerMismatch { link, .. }
            | Self::OutsideNamespace { link, .. }
            | Self::NotYetValid { link, .. }
            | Self::Expired { link, .. }
            | Self::WindowWidened { link, .. }
            | Self::DepthExceeded { link, .. }
            | Self::TierRaised { link, .. }
            | Self::KindWidened { link }
            | Self::QuotaRaised { link, .. }
            | Self::FeatureNotGranted { link, .. }
            | Self::RoleGrantNotAllowed { link, .. }
            | Self::DevicesWidened { link, .. } => Some(link),
            _ => None,
        }
    }
}

struct Hex<'b>(&'b [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

struct Window((u64, Option<u64>));

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            (nbf, Some(exp)) => write!(f, "[{nbf}, {exp})"),
            (nbf, None) => write!(f, "[{nbf}, no end)"),
        }
    }
}

impl fmt::Display for Error<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode(e) => write!(f, "not a valid licet license: {e}"),
            Self::NoTrustedRoots => f.write_str("no trusted root keys were given"),
            Self::InvalidRootKey => {
                f.write_str("a trusted root key is not a valid Ed25519 public key")
            }
            Self::UnknownRoot { kid } => {
                write!(
                    f,
                    "root link is signed by key {} which is not a trusted root",
                    Hex(kid)
                )
            }
            Self::RootHasParent => f.write_str("root link names a parent"),
            Self::KidMismatch {
                link,
                expected,
                found,
            } => write!(
                f,
                "link {link} names signer key {} but its parent delegates to key {}",
                Hex(found),
                Hex(expected)
            ),
            Self::InvalidDelegatedKey { link } => {
                write!(
                    f,
                    "link {link} delegates to a key that is not a valid Ed25519 key"
                )
            }
            Self::BadSignature { link } => write!(f, "link {link}: signature does not verify"),
            Self::ParentCannotDelegate { link } => {
                write!(
                    f,
                    "link {link} hangs under a parent that may not mint (no cnf key)"
                )
            }
            Self::WrongParent { link } => {
                write!(
                    f,
                    "link {link} names a parent serial other than the link before it"
                )
            }
            Self::IssuerMismatch {
                link,
                expected,
                found,
            } => write!(
                f,
                "link {link} is issued by {found} but its parent licenses {expected}"
            ),
            Self::OutsideNamespace {
                link,
                issuer,
                subject,
            } => write!(
                f,
                "link {link}: {issuer} may not license {subject}, which is outside its subtree"
            ),
            Self::NotYetValid {
                link,
                now,
                not_before,
            } => {
                write!(
                    f,
                    "link {link} is not valid before {not_before} (now {now})"
                )
            }
            Self::Expired {
                link,
                now,
                not_after,
            } => {
                write!(f, "link {link} expired at {not_after} (now {now})")
            }
            Self::WindowWidened {
                link,
                window,
                parent,
            } => write!(
                f,
                "link {link} is valid {} outside its parent's window {}",
                Window(*window),
                Window(*parent)
            ),
            Self::DepthExceeded {
                link,
                parent,
                depth,
            } => write!(
                f,
                "link {link} has delegation depth {depth} but its parent allows only {}",
                parent.saturating_sub(1)
            ),
            Self::TierRaised { link, parent, tier } => {
                write!(f, "link {link} has tier {tier} above its parent's {parent}")
            }
            Self::KindWidened { link } => {
                write!(f, "link {link} is a base license under an add-on")
            }
            Self::QuotaRaised {
                link,
                name,
                parent: Some(p),
                requested,
            } => write!(
                f,
                "link {link}: quota {} = {requested} exceeds the parent's {p}",
                name.as_str()
            ),
            Self::QuotaRaised {
                link,
                name,
                parent: None,
                requested,
            } => write!(
                f,
                "link {link}: quota {} = {requested} is not granted by the parent",
                name.as_str()
            ),
            Self::FeatureNotGranted { link, feature } => {
                write!(
                    f,
                    "link {link}: feature {feature} is not granted by the parent"
                )
            }
            Self::RoleGrantNotAllowed {
                link,
                role,
                feature,
            } => write!(
                f,
                "link {link}: role {role} is granted {feature}, which the parent does not allow"
            ),
            Self::DevicesWidened { link, device } => {
                write!(
                    f,
                    "link {link}: device {device} is outside the parent's device binding"
                )
            }
            Self::WrongGroup { licensed, device } => write!(
                f,
                "license is for {licensed}, which does not include this device's group {device}"
            ),
            Self::DeviceNotBound => f.write_str("license is bound to other devices"),
            Self::ClockRollback { now, floor } => write!(
                f,
                "the device clock ({now}) is behind the time floor ({floor}) by more than the tolerance: clock rolled back"
            ),
            Self::TooManyLicenses { given, limit } => {
                write!(f, "{given} licenses given; a device holds at most {limit}")
            }
        }
    }
}

impl core::error::Error for Error<'_> {}
