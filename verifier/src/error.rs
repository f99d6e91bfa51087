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
    /// The license delegates (its leaf link gives its holder a key to mint
    /// children): it bounds a subtree, it does not license panels. A group
    /// that needs a license for its own panels gets its own, non-delegating
    /// one. Every prefix of a license chain ends in such a link.
    DelegationOnly {
        /// Link index of the leaf.
        link: usize,
        /// The group whose holder may mint.
        subject: Group<'a>,
    },
    /// The link's `iat` lies outside the window it may be minted in: not
    /// before its parent was minted, and before its own and its parent's end.
    IssuedOutsideWindow {
        /// Link index.
        link: usize,
        /// The link's `iat`.
        issued_at: u64,
        /// The earliest allowed `iat` (the parent's; 0 for the root link).
        earliest: u64,
        /// The end `iat` must be before (`None`: no end).
        before: Option<u64>,
    },
    /// The link says it was minted more than [`crate::CLOCK_TOLERANCE`]
    /// after the time it is checked at: a mistaken issuer clock or a link
    /// meant to poison a device's time floor. It counts for nothing until
    /// that time comes.
    IssuedInFuture {
        /// Link index.
        link: usize,
        /// The time it is checked at.
        now: u64,
        /// The link's `iat`.
        issued_at: u64,
    },
    /// The same license was given twice (same leaf link); it counts once.
    DuplicateLicense {
        /// Position of the copy that counts.
        of: usize,
    },
    /// Two different licenses claim the same serial: neither is used.
    SerialConflict {
        /// Position of the other license with that serial.
        other: usize,
    },
    /// What the license grants does not fit in an evaluation beside the
    /// licenses already in effect (docs/SEMANTICS.md, "Capacity").
    EvaluationFull {
        /// What ran out.
        what: &'static str,
        /// Its capacity.
        limit: usize,
    },
}

impl From<DecodeError> for Error<'_> {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

/// The one list of error variants: number (the C ABI's `LICET_E_*` code,
/// never reused), stable code (JSON, C names: `LICET_E_` + upper case).
/// `code`, `number` and [`Error::TABLE`] are generated from it, and a
/// variant missing here does not compile.
macro_rules! error_list {
    ($($variant:ident = $number:literal $code:literal,)*) => {
        impl Error<'_> {
            /// A stable, short, machine-readable name of the variant (the
            /// CLI's `--json` output; the C ABI's names are `LICET_E_` and
            /// this in upper case).
            pub fn code(&self) -> &'static str {
                match self {
                    $(Self::$variant { .. } => $code,)*
                }
            }

            /// A stable number for the variant: the C ABI's error codes
            /// (`LICET_E_*` in `licet.h`). Numbers are never reused.
            pub fn number(&self) -> u16 {
                match self {
                    $(Self::$variant { .. } => $number,)*
                }
            }

            /// Every variant's number, code and code with a trailing NUL (for
            /// C), in number order.
            pub const TABLE: &'static [(u16, &'static str, &'static str)] =
                &[$(($number, $code, concat!($code, "\0")),)*];
        }
    };
}

error_list! {
    Decode = 1 "decode",
    NoTrustedRoots = 2 "no_trusted_roots",
    InvalidRootKey = 3 "invalid_root_key",
    UnknownRoot = 4 "unknown_root",
    RootHasParent = 5 "root_has_parent",
    KidMismatch = 6 "kid_mismatch",
    InvalidDelegatedKey = 7 "invalid_delegated_key",
    BadSignature = 8 "bad_signature",
    ParentCannotDelegate = 9 "parent_cannot_delegate",
    WrongParent = 10 "wrong_parent",
    IssuerMismatch = 11 "issuer_mismatch",
    OutsideNamespace = 12 "outside_namespace",
    NotYetValid = 13 "not_yet_valid",
    Expired = 14 "expired",
    WindowWidened = 15 "window_widened",
    DepthExceeded = 16 "depth_exceeded",
    TierRaised = 17 "tier_raised",
    KindWidened = 18 "kind_widened",
    QuotaRaised = 19 "quota_raised",
    FeatureNotGranted = 20 "feature_not_granted",
    RoleGrantNotAllowed = 21 "role_grant_not_allowed",
    DevicesWidened = 22 "devices_widened",
    WrongGroup = 23 "wrong_group",
    DeviceNotBound = 24 "device_not_bound",
    ClockRollback = 25 "clock_rollback",
    TooManyLicenses = 26 "too_many_licenses",
    DelegationOnly = 27 "delegation_license",
    IssuedOutsideWindow = 28 "issued_outside_window",
    IssuedInFuture = 29 "issued_in_future",
    DuplicateLicense = 30 "duplicate_license",
    SerialConflict = 31 "serial_conflict",
    EvaluationFull = 32 "evaluation_full",
}

impl Error<'_> {
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
            | Self::DevicesWidened { link, .. }
            | Self::DelegationOnly { link, .. }
            | Self::IssuedOutsideWindow { link, .. }
            | Self::IssuedInFuture { link, .. } => Some(link),
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
            Self::DelegationOnly { subject, .. } => write!(
                f,
                "a delegation license for {subject}: it lets its holder mint licenses, it does not license panels"
            ),
            Self::IssuedOutsideWindow {
                link,
                issued_at,
                earliest,
                before,
            } => match before {
                Some(b) => write!(
                    f,
                    "link {link} says it was minted at {issued_at}, outside [{earliest}, {b}): before its parent or after its end"
                ),
                None => write!(
                    f,
                    "link {link} says it was minted at {issued_at}, before its parent ({earliest})"
                ),
            },
            Self::IssuedInFuture {
                link,
                now,
                issued_at,
            } => write!(
                f,
                "link {link} says it was minted at {issued_at}, more than a day after now ({now})"
            ),
            Self::DuplicateLicense { of } => {
                write!(f, "the same license as [{of}]: it counts once")
            }
            Self::SerialConflict { other } => write!(
                f,
                "another license ([{other}]) has the same serial with other contents: neither is used"
            ),
            Self::EvaluationFull { what, limit } => write!(
                f,
                "what it grants does not fit beside the licenses in effect ({what}: at most {limit})"
            ),
        }
    }
}

impl core::error::Error for Error<'_> {}
