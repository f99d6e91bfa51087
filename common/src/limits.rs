//! Every size and count the format allows. Inputs over a limit are rejected
//! before the work they would cause. `docs/FORMAT.md` §7 lists the same table.

/// Largest binary license file (the CBOR container), in bytes.
pub const MAX_LICENSE_BYTES: usize = 8192;
/// Largest text read for one license, in bytes: the armor of
/// [`MAX_LICENSE_BYTES`] is about 11.2 KB; the rest is room for what pasting
/// adds (email quoting, indentation, the email's own text around it).
pub const MAX_ARMOR_BYTES: usize = 32_768;
/// Most links in one chain (root-most first).
pub const MAX_LINKS: usize = 8;
/// Largest encoded protected header of a link, in bytes.
pub const MAX_PROTECTED_BYTES: usize = 32;
/// Largest claims payload of one link, in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 1024;
/// Largest group id, in bytes.
pub const MAX_GROUP_BYTES: usize = 128;
/// Most `/`-separated segments in a group id.
pub const MAX_GROUP_SEGMENTS: usize = 12;
/// Longest segment of a group id, in bytes.
pub const MAX_SEGMENT_BYTES: usize = 32;
/// Longest name (quota, feature, role), in bytes.
pub const MAX_NAME_BYTES: usize = 32;
/// Longest device id, in bytes.
pub const MAX_DEVICE_ID_BYTES: usize = 64;
/// Most quotas one link states.
pub const MAX_QUOTAS: usize = 16;
/// Most features one link states.
pub const MAX_FEATURES: usize = 32;
/// Most roles one link states.
pub const MAX_ROLES: usize = 8;
/// Most features granted to one role.
pub const MAX_ROLE_GRANTS: usize = 16;
/// Most device ids in one link's binding.
pub const MAX_DEVICES: usize = 16;
/// Shortest serial (`cti`), in bytes.
pub const MIN_SERIAL_BYTES: usize = 8;
/// Longest serial (`cti`), in bytes.
pub const MAX_SERIAL_BYTES: usize = 16;
/// Largest quota count; larger needs are stated as unlimited.
pub const MAX_QUOTA_COUNT: u64 = 0xffff_ffff;
/// Largest remaining delegation depth (one less than [`MAX_LINKS`]).
pub const MAX_DEPTH: u64 = 7;
/// Largest time value (UNIX seconds): 9999-12-31T23:59:59Z.
pub const MAX_TIME: u64 = 253_402_300_799;
