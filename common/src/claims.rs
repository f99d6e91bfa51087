//! The claims of one link: the CWT claims set (RFC 8392 §3) plus licet's
//! own claims under [`keys::CLAIM_LICET`](crate::keys::CLAIM_LICET).
//!
//! [`Claims::decode`] checks form only: types, canonical encoding, known keys,
//! value ranges and every size limit. Whether the claims are *true* (signed,
//! chained, narrowing, valid now) is for `licet-verifier` to say.

use crate::cbor::Cursor;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::group::Group;
use crate::keys::*;
use crate::limits::*;
use core::fmt;

/// License tier. Ranking, lowest first: Basic < Trial < Plus. A child link's
/// tier may not rank above its parent's; on a device the highest-ranked valid
/// license is the base (`docs/SEMANTICS.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Free with every panel, no end date. Encoded 1.
    Basic = 1,
    /// All features for a limited time. Encoded 2.
    Trial = 2,
    /// The paid tier. Encoded 3.
    Plus = 3,
}

impl Tier {
    /// The tier encoded as `v`, if any.
    pub fn from_u64(v: u64) -> Option<Self> {
        match v {
            1 => Some(Self::Basic),
            2 => Some(Self::Trial),
            3 => Some(Self::Plus),
            _ => None,
        }
    }

    /// The encoded value.
    pub fn code(self) -> u64 {
        match self {
            Self::Basic => 1,
            Self::Trial => 2,
            Self::Plus => 3,
        }
    }

    /// Lowercase name, as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Basic => "basic",
            Self::Trial => "trial",
            Self::Plus => "plus",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a link is a base license or an add-on that enhances one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A base license (encoded 0, and omitted).
    License,
    /// An add-on (encoded 1).
    AddOn,
}

impl Kind {
    /// Lowercase name, as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::License => "license",
            Self::AddOn => "add-on",
        }
    }
}

/// A quota's name: one of the well-known ones (encoded as small integers to
/// keep links short) or a custom text name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QuotaName<'a> {
    /// A well-known quota, see [`WELL_KNOWN_QUOTAS`].
    WellKnown(u8),
    /// Any other quota name.
    Custom(&'a str),
}

/// The well-known quota names and their codes.
pub const WELL_KNOWN_QUOTAS: [(u8, &str); 3] =
    [(1, "sip_numbers"), (2, "app_installs"), (3, "integrations")];

impl<'a> QuotaName<'a> {
    /// The name for `text`: well-known names map to their code.
    pub fn from_name(text: &'a str) -> Self {
        WELL_KNOWN_QUOTAS
            .iter()
            .find(|(_, n)| *n == text)
            .map_or(Self::Custom(text), |(c, _)| Self::WellKnown(*c))
    }

    /// The name as text.
    pub fn as_str(&self) -> &'a str {
        match self {
            Self::Custom(s) => s,
            Self::WellKnown(c) => WELL_KNOWN_QUOTAS
                .iter()
                .find(|(k, _)| k == c)
                .map_or("unknown", |(_, n)| n),
        }
    }
}

/// A quota value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quota {
    /// At most this many.
    Count(u32),
    /// No limit (encoded `null`); only a link whose parent is unlimited may say so.
    Unlimited,
}

impl Quota {
    /// True when `self` is no more than `other`.
    pub fn within(self, other: Quota) -> bool {
        match (self, other) {
            (_, Quota::Unlimited) => true,
            (Quota::Unlimited, Quota::Count(_)) => false,
            (Quota::Count(a), Quota::Count(b)) => a <= b,
        }
    }
}

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Count(n) => write!(f, "{n}"),
            Self::Unlimited => f.write_str("unlimited"),
        }
    }
}

/// A sorted set of names (features, role grants) or device ids, validated,
/// borrowed from the link. Iterate with [`Names::iter`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Names<'a> {
    /// The array as encoded, head included (its length is in the head).
    raw: &'a [u8],
}

/// A checked array or map kept as its encoding: a cursor on its first
/// element, and its number of elements (read from its head).
fn body(raw: &[u8]) -> (Cursor<'_>, usize) {
    let mut c = Cursor::new(raw, 0);
    let n = c
        .validated_head()
        .and_then(|(_, n)| usize::try_from(n).ok())
        .unwrap_or(0);
    (c, n)
}

impl<'a> Names<'a> {
    /// The empty set.
    pub const EMPTY: Names<'static> = Names { raw: &[0x80] };

    /// Number of names.
    pub fn len(&self) -> usize {
        body(self.raw).1
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The names, in deterministic order.
    pub fn iter(&self) -> NamesIter<'a> {
        let (cursor, left) = body(self.raw);
        NamesIter { cursor, left }
    }

    /// The names as bytes, in the same order, without checking UTF-8 again
    /// (they were checked when the link was decoded).
    pub fn iter_bytes(&self) -> NamesBytesIter<'a> {
        let (cursor, left) = body(self.raw);
        NamesBytesIter { cursor, left }
    }

    /// True when `name` is in the set.
    pub fn contains(&self, name: &str) -> bool {
        self.iter_bytes().any(|n| n == name.as_bytes())
    }

    /// True when every name of `self` is in `other`.
    pub fn is_subset_of(&self, other: &Names<'_>) -> bool {
        self.iter().all(|n| other.contains(n))
    }

    /// Reads an array of names decoded and validated before (inside a link
    /// that decoded): only the structure is walked, no name is checked again.
    fn read_validated(c: &mut Cursor<'a>) -> Option<Self> {
        let start = c.position();
        let len = c.validated_head()?.1;
        for _ in 0..len {
            c.validated_string()?;
        }
        Some(Self {
            raw: c.slice_from(start).ok()?,
        })
    }

    /// Reads an array of names: each checked by `valid` (which admits only
    /// ASCII, so no UTF-8 check is needed), sorted, unique.
    fn decode(
        c: &mut Cursor<'a>,
        max: usize,
        max_bytes: usize,
        what: &'static str,
        valid: fn(&[u8]) -> bool,
    ) -> Result<Self, DecodeError> {
        let start = c.position();
        let len = c.array(max, what)?;
        let mut prev = None;
        for _ in 0..len {
            let at = c.position();
            let off = c.offset();
            let name = c.text_bytes(max_bytes, what)?;
            if !valid(name) {
                return Err(DecodeError::new(
                    off,
                    DecodeErrorKind::InvalidValue { what },
                ));
            }
            c.check_order(at, &mut prev).map_err(|e| DecodeError {
                kind: DecodeErrorKind::UnsortedOrDuplicateElement,
                ..e
            })?;
        }
        Ok(Self {
            raw: c.slice_from(start)?,
        })
    }
}

impl fmt::Debug for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// Iterator over [`Names`].
#[derive(Debug, Clone)]
pub struct NamesIter<'a> {
    cursor: Cursor<'a>,
    left: usize,
}

impl<'a> Iterator for NamesIter<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        self.left = self.left.checked_sub(1)?;
        // The set was validated (ASCII names) when the link was decoded.
        core::str::from_utf8(self.cursor.validated_string()?).ok()
    }
}

/// Iterator over [`Names::iter_bytes`].
#[derive(Debug, Clone)]
pub struct NamesBytesIter<'a> {
    cursor: Cursor<'a>,
    left: usize,
}

impl<'a> Iterator for NamesBytesIter<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        self.left = self.left.checked_sub(1)?;
        self.cursor.validated_string()
    }
}

/// The quotas a link states, borrowed. Iterate with [`Quotas::iter`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Quotas<'a> {
    /// The map as encoded, head included.
    raw: &'a [u8],
}

impl<'a> Quotas<'a> {
    /// No quotas.
    pub const EMPTY: Quotas<'static> = Quotas { raw: &[0xa0] };

    /// Number of quotas stated.
    pub fn len(&self) -> usize {
        body(self.raw).1
    }

    /// True when none are stated.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stated quotas, in deterministic order.
    pub fn iter(&self) -> QuotasIter<'a> {
        let (cursor, left) = body(self.raw);
        QuotasIter { cursor, left }
    }

    /// The value stated for `name`, if any.
    pub fn get(&self, name: QuotaName<'_>) -> Option<Quota> {
        self.iter().find(|(n, _)| *n == name).map(|(_, q)| q)
    }

    fn decode(c: &mut Cursor<'a>) -> Result<Self, DecodeError> {
        let start = c.position();
        let len = c.map(MAX_QUOTAS, "quotas")?;
        let mut prev = None;
        for _ in 0..len {
            let at = c.position();
            check_quota_name(c)?;
            c.check_order(at, &mut prev)?;
            read_quota_value(c)?;
        }
        Ok(Self {
            raw: c.slice_from(start)?,
        })
    }
}

impl fmt::Debug for Quotas<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(n, q)| (n.as_str(), q)))
            .finish()
    }
}

fn check_quota_name(c: &mut Cursor<'_>) -> Result<(), DecodeError> {
    let off = c.offset();
    let bad = DecodeError::new(off, DecodeErrorKind::InvalidValue { what: "quota name" });
    let ok = if c.peek_is_text() {
        let name = c.text_bytes(MAX_NAME_BYTES, "quota name")?;
        // A well-known name must use its code: one spelling per quota.
        is_name_bytes(name) && !WELL_KNOWN_QUOTAS.iter().any(|(_, n)| n.as_bytes() == name)
    } else {
        let code = c.uint()?;
        WELL_KNOWN_QUOTAS.iter().any(|(k, _)| u64::from(*k) == code)
    };
    if ok { Ok(()) } else { Err(bad) }
}

fn read_quota_value(c: &mut Cursor<'_>) -> Result<Quota, DecodeError> {
    if c.peek_null() {
        c.null()?;
        return Ok(Quota::Unlimited);
    }
    let off = c.offset();
    let v = c.uint_max(MAX_QUOTA_COUNT, "quota count")?;
    u32::try_from(v).map(Quota::Count).map_err(|_| {
        DecodeError::new(
            off,
            DecodeErrorKind::InvalidValue {
                what: "quota count",
            },
        )
    })
}

/// Iterator over [`Quotas`].
#[derive(Debug, Clone)]
pub struct QuotasIter<'a> {
    cursor: Cursor<'a>,
    left: usize,
}

impl<'a> Iterator for QuotasIter<'a> {
    type Item = (QuotaName<'a>, Quota);
    fn next(&mut self) -> Option<Self::Item> {
        self.left = self.left.checked_sub(1)?;
        // Validated when the link was decoded: a known code or a name.
        let c = &mut self.cursor;
        let name = if c.validated_is_text() {
            QuotaName::Custom(core::str::from_utf8(c.validated_string()?).ok()?)
        } else {
            QuotaName::WellKnown(u8::try_from(c.validated_head()?.1).ok()?)
        };
        let value = if c.peek_null() {
            c.validated_head()?;
            Quota::Unlimited
        } else {
            Quota::Count(u32::try_from(c.validated_head()?.1).ok()?)
        };
        Some((name, value))
    }
}

/// Role grants a link states: role name → features. Borrowed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Roles<'a> {
    /// The map as encoded, head included.
    raw: &'a [u8],
}

impl<'a> Roles<'a> {
    /// No roles.
    pub const EMPTY: Roles<'static> = Roles { raw: &[0xa0] };

    /// Number of roles stated.
    pub fn len(&self) -> usize {
        body(self.raw).1
    }

    /// True when none are stated.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The roles and their grants, in deterministic order.
    pub fn iter(&self) -> RolesIter<'a> {
        let (cursor, left) = body(self.raw);
        RolesIter { cursor, left }
    }

    /// The grants stated for `role`, if any.
    pub fn get(&self, role: &str) -> Option<Names<'a>> {
        self.iter().find(|(r, _)| *r == role).map(|(_, g)| g)
    }

    fn decode(c: &mut Cursor<'a>) -> Result<Self, DecodeError> {
        let start = c.position();
        let len = c.map(MAX_ROLES, "roles")?;
        let mut prev = None;
        for _ in 0..len {
            let at = c.position();
            let off = c.offset();
            let role = c.text_bytes(MAX_NAME_BYTES, "role name")?;
            if !is_name_bytes(role) {
                return Err(DecodeError::new(
                    off,
                    DecodeErrorKind::InvalidValue { what: "role name" },
                ));
            }
            c.check_order(at, &mut prev)?;
            Names::decode(
                c,
                MAX_ROLE_GRANTS,
                MAX_NAME_BYTES,
                "role grants",
                is_name_bytes,
            )?;
        }
        Ok(Self {
            raw: c.slice_from(start)?,
        })
    }
}

impl fmt::Debug for Roles<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Iterator over [`Roles`].
#[derive(Debug, Clone)]
pub struct RolesIter<'a> {
    cursor: Cursor<'a>,
    left: usize,
}

impl<'a> Iterator for RolesIter<'a> {
    type Item = (&'a str, Names<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        self.left = self.left.checked_sub(1)?;
        let role = core::str::from_utf8(self.cursor.validated_string()?).ok()?;
        // Validated when the link was decoded.
        let grants = Names::read_validated(&mut self.cursor)?;
        Some((role, grants))
    }
}

/// True for a valid quota, feature or role name: 1 to 32 bytes of
/// `a-z 0-9 _ - .`, starting with a letter.
pub fn is_name(s: &str) -> bool {
    is_name_bytes(s.as_bytes())
}

/// [`is_name`] on bytes: a valid name is ASCII, hence UTF-8.
fn is_name_bytes(b: &[u8]) -> bool {
    matches!(b.first(), Some(b'a'..=b'z'))
        && b.len() <= MAX_NAME_BYTES
        && b.iter()
            .all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.'))
}

/// True for a valid device id: 1 to 64 bytes of printable ASCII, no space.
pub fn is_device_id(s: &str) -> bool {
    is_device_id_bytes(s.as_bytes())
}

/// [`is_device_id`] on bytes: a valid id is ASCII, hence UTF-8.
fn is_device_id_bytes(b: &[u8]) -> bool {
    !b.is_empty() && b.len() <= MAX_DEVICE_ID_BYTES && b.iter().all(|c| c.is_ascii_graphic())
}

/// The claims of one link, borrowed from the license file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claims<'a> {
    /// `iss`: the group that issued this link (its parent's subject).
    pub iss: Group<'a>,
    /// `sub`: the group this link licenses.
    pub sub: Group<'a>,
    /// `nbf`: valid from (UNIX seconds, inclusive).
    pub nbf: u64,
    /// `exp`: valid until (UNIX seconds, exclusive); `None` means no end date.
    pub exp: Option<u64>,
    /// `iat`: when the link was minted.
    pub iat: u64,
    /// `cti`: the link's serial.
    pub serial: &'a [u8],
    /// `cnf`: the subject's Ed25519 public key, when it may mint children.
    pub cnf: Option<&'a [u8; 32]>,
    /// The parent link's serial; `None` on the root link.
    pub parent: Option<&'a [u8]>,
    /// Tier.
    pub tier: Tier,
    /// License or add-on.
    pub kind: Kind,
    /// Quotas stated by this link (others are inherited).
    pub quotas: Quotas<'a>,
    /// Features, when this link states them (else inherited).
    pub features: Option<Names<'a>>,
    /// Role grants stated by this link (other roles are inherited).
    pub roles: Roles<'a>,
    /// Remaining delegation depth: how many more links may follow.
    pub depth: u8,
    /// Device binding, when this link states one.
    pub devices: Option<Names<'a>>,
    /// Reminder window in seconds before `exp`, when stated.
    pub remind: Option<u64>,
}

impl<'a> Claims<'a> {
    /// Decodes a claims payload. `base` is the payload's offset in the file.
    pub fn decode(payload: &'a [u8], base: usize) -> Result<Self, DecodeError> {
        let mut c = Cursor::new(payload, base);
        let n = c.map(8, "claims")?;
        let mut prev = None;
        let mut iss = None;
        let mut sub = None;
        let mut exp = None;
        let mut nbf = None;
        let mut iat = None;
        let mut serial = None;
        let mut cnf = None;
        let mut licet = None;
        for _ in 0..n {
            let key_off = c.offset();
            match c.int_key(&mut prev)? {
                CLAIM_ISS => iss = Some(read_group(&mut c, "iss")?),
                CLAIM_SUB => sub = Some(read_group(&mut c, "sub")?),
                CLAIM_EXP => exp = Some(c.uint_max(MAX_TIME, "exp")?),
                CLAIM_NBF => nbf = Some(c.uint_max(MAX_TIME, "nbf")?),
                CLAIM_IAT => iat = Some(c.uint_max(MAX_TIME, "iat")?),
                CLAIM_CTI => {
                    let off = c.offset();
                    let s = c.bytes(MAX_SERIAL_BYTES, "cti")?;
                    if s.len() < MIN_SERIAL_BYTES {
                        return Err(DecodeError::new(
                            off,
                            DecodeErrorKind::InvalidValue { what: "cti length" },
                        ));
                    }
                    serial = Some(s);
                }
                CLAIM_CNF => cnf = Some(read_cnf(&mut c)?),
                CLAIM_LICET => licet = Some(LicetClaims::decode(&mut c)?),
                other => {
                    return Err(DecodeError::new(
                        key_off,
                        DecodeErrorKind::UnknownKey { key: Some(other) },
                    ));
                }
            }
        }
        c.finish()?;
        let missing = |what| c.err(DecodeErrorKind::Missing { what });
        let licet = licet.ok_or_else(|| missing("licet claims (-65537)"))?;
        let nbf = nbf.ok_or_else(|| missing("nbf"))?;
        if let Some(exp) = exp
            && exp <= nbf
        {
            return Err(c.err(DecodeErrorKind::InvalidValue {
                what: "exp not after nbf",
            }));
        }
        Ok(Self {
            iss: iss.ok_or_else(|| missing("iss"))?,
            sub: sub.ok_or_else(|| missing("sub"))?,
            nbf,
            exp,
            iat: iat.ok_or_else(|| missing("iat"))?,
            serial: serial.ok_or_else(|| missing("cti"))?,
            cnf,
            parent: licet.parent,
            tier: licet.tier,
            kind: licet.kind,
            quotas: licet.quotas,
            features: licet.features,
            roles: licet.roles,
            depth: licet.depth,
            devices: licet.devices,
            remind: licet.remind,
        })
    }
}

fn read_group<'a>(c: &mut Cursor<'a>, what: &'static str) -> Result<Group<'a>, DecodeError> {
    let off = c.offset();
    let text = c.text(MAX_GROUP_BYTES, what)?;
    Group::parse(text).map_err(|_| DecodeError::new(off, DecodeErrorKind::InvalidValue { what }))
}

/// `cnf` = `{1: COSE_Key}` with COSE_Key = `{1: 1, -1: 6, -2: x}` (RFC 8747 §3.2).
fn read_cnf<'a>(c: &mut Cursor<'a>) -> Result<&'a [u8; 32], DecodeError> {
    let off = c.offset();
    if c.map(1, "cnf")? != 1 {
        return Err(DecodeError::new(
            off,
            DecodeErrorKind::Missing {
                what: "cnf COSE_Key",
            },
        ));
    }
    let mut prev = None;
    let key_off = c.offset();
    if c.int_key(&mut prev)? != CNF_COSE_KEY {
        return Err(DecodeError::new(
            key_off,
            DecodeErrorKind::UnknownKey { key: None },
        ));
    }
    let key_map_off = c.offset();
    if c.map(3, "COSE_Key")? != 3 {
        return Err(DecodeError::new(
            key_map_off,
            DecodeErrorKind::Missing {
                what: "COSE_Key kty, crv and x",
            },
        ));
    }
    let mut prev = None;
    let expect = |c: &mut Cursor<'a>,
                  prev: &mut Option<&'a [u8]>,
                  label: i64,
                  value: i64,
                  what: &'static str| {
        let off = c.offset();
        if c.int_key(prev)? != label {
            return Err(DecodeError::new(off, DecodeErrorKind::Missing { what }));
        }
        let voff = c.offset();
        if c.int()? != value {
            return Err(DecodeError::new(
                voff,
                DecodeErrorKind::InvalidValue { what },
            ));
        }
        Ok(())
    };
    expect(c, &mut prev, COSE_KEY_KTY, KTY_OKP, "COSE_Key kty (OKP)")?;
    expect(c, &mut prev, OKP_CRV, CRV_ED25519, "COSE_Key crv (Ed25519)")?;
    let off = c.offset();
    if c.int_key(&mut prev)? != OKP_X {
        return Err(DecodeError::new(
            off,
            DecodeErrorKind::Missing { what: "COSE_Key x" },
        ));
    }
    let xoff = c.offset();
    c.bytes(32, "COSE_Key x")?.try_into().map_err(|_| {
        DecodeError::new(
            xoff,
            DecodeErrorKind::InvalidValue {
                what: "COSE_Key x length",
            },
        )
    })
}

/// licet's private claims, decoded from the nested map.
struct LicetClaims<'a> {
    parent: Option<&'a [u8]>,
    tier: Tier,
    kind: Kind,
    quotas: Quotas<'a>,
    features: Option<Names<'a>>,
    roles: Roles<'a>,
    depth: u8,
    devices: Option<Names<'a>>,
    remind: Option<u64>,
}

impl<'a> LicetClaims<'a> {
    fn decode(c: &mut Cursor<'a>) -> Result<Self, DecodeError> {
        let map_off = c.offset();
        let n = c.map(9, "licet claims")?;
        let mut prev = None;
        let mut out = LicetClaims {
            parent: None,
            tier: Tier::Basic,
            kind: Kind::License,
            quotas: Quotas::EMPTY,
            features: None,
            roles: Roles::EMPTY,
            depth: 0,
            devices: None,
            remind: None,
        };
        let mut tier = None;
        for _ in 0..n {
            let key_off = c.offset();
            let key = c.int_key(&mut prev)?;
            let key = u64::try_from(key).map_err(|_| {
                DecodeError::new(key_off, DecodeErrorKind::UnknownKey { key: Some(key) })
            })?;
            match key {
                LICET_PARENT => {
                    let off = c.offset();
                    let p = c.bytes(MAX_SERIAL_BYTES, "parent serial")?;
                    if p.len() < MIN_SERIAL_BYTES {
                        return Err(DecodeError::new(
                            off,
                            DecodeErrorKind::InvalidValue {
                                what: "parent serial length",
                            },
                        ));
                    }
                    out.parent = Some(p);
                }
                LICET_TIER => {
                    let off = c.offset();
                    tier = Some(Tier::from_u64(c.uint()?).ok_or(DecodeError::new(
                        off,
                        DecodeErrorKind::InvalidValue { what: "tier" },
                    ))?);
                }
                LICET_KIND => {
                    out.kind = match c.uint_max(1, "kind")? {
                        0 => Kind::License,
                        _ => Kind::AddOn,
                    }
                }
                LICET_QUOTAS => out.quotas = Quotas::decode(c)?,
                LICET_FEATURES => {
                    out.features = Some(Names::decode(
                        c,
                        MAX_FEATURES,
                        MAX_NAME_BYTES,
                        "features",
                        is_name_bytes,
                    )?)
                }
                LICET_ROLES => out.roles = Roles::decode(c)?,
                LICET_DEPTH => {
                    let d = c.uint_max(MAX_DEPTH, "depth")?;
                    out.depth = u8::try_from(d)
                        .map_err(|_| c.err(DecodeErrorKind::InvalidValue { what: "depth" }))?;
                }
                LICET_DEVICES => {
                    out.devices = Some(Names::decode(
                        c,
                        MAX_DEVICES,
                        MAX_DEVICE_ID_BYTES,
                        "devices",
                        is_device_id_bytes,
                    )?)
                }
                LICET_REMIND => out.remind = Some(c.uint_max(MAX_TIME, "remind")?),
                _ => {
                    return Err(DecodeError::new(
                        key_off,
                        DecodeErrorKind::UnknownKey {
                            key: Some(i64::try_from(key).unwrap_or(i64::MAX)),
                        },
                    ));
                }
            }
        }
        out.tier = tier.ok_or(DecodeError::new(
            map_off,
            DecodeErrorKind::Missing { what: "tier" },
        ))?;
        Ok(out)
    }
}
