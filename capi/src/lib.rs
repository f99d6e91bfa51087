//! The C ABI of the licet verifier: `liblicet_capi.a` and `include/licet.h`.
//!
//! Everything the verifier does, callable from C firmware: verify one
//! license, evaluate the set a device holds, read the quotas, features, role
//! grants, next change and warning in effect, and turn an error code into a
//! name and a message. All memory is the caller's: inputs are pointer and
//! length pairs, an evaluation lives in a [`LicetEvaluation`] the caller
//! allocates (on the stack, statically), the verify-once cache is a byte
//! array. Nothing is allocated, nothing is kept between calls.
//!
//! Every function checks its pointers for null and its lengths against the
//! verifier's limits and returns a code: [`LICET_OK`], one of the verifier's
//! rejections (`LICET_E_DECODE` … `LICET_E_TOO_MANY_LICENSES`, the numbers of
//! `licet_verifier::Error::number`), or an argument error (100 and up).
//!
//! The header is generated with cbindgen (`cargo test -p licet-capi` checks
//! that the committed one is current; `LICET_BLESS=1` rewrites it).
#![no_std]
#![deny(missing_docs)]
#![allow(non_camel_case_types)]

// Hosted builds use std's panic machinery, except the installed library
// (`hosted-abort`: no std, a panic aborts through libc), which is a fifth
// of the size. The verifier never panics either way.
#[cfg(any(test, all(not(target_os = "none"), not(feature = "hosted-abort"))))]
extern crate std;

use core::ffi::c_char;
use core::mem::{align_of, size_of};
use licet_verifier::{
    Builtin, CACHE_ENTRY_BYTES, Device, Error, Evaluation, LicenseStatus, Options, Quota,
    QuotaName, Source, Tier, TrustedRoot, VerifyCache,
};

/// The version of the C ABI: raised whenever a change would break a program
/// built against an older `licet.h` (a struct's size or layout, a
/// function's parameters). The shared library's SONAME is
/// `liblicet.so.<LICET_ABI_VERSION>` (`scripts/install-capi.sh`).
pub const LICET_ABI_VERSION: u32 = 1;

/// Success.
pub const LICET_OK: i32 = 0;
/// The bytes are not a well-formed licet license.
pub const LICET_E_DECODE: i32 = 1;
/// No trusted root key was given.
pub const LICET_E_NO_TRUSTED_ROOTS: i32 = 2;
/// A trusted root key is not a valid Ed25519 public key, or is weak.
pub const LICET_E_INVALID_ROOT_KEY: i32 = 3;
/// The root link is signed by a key that is not trusted.
pub const LICET_E_UNKNOWN_ROOT: i32 = 4;
/// The root link names a parent.
pub const LICET_E_ROOT_HAS_PARENT: i32 = 5;
/// A link's key id is not its signer's.
pub const LICET_E_KID_MISMATCH: i32 = 6;
/// A parent delegates to an unusable key.
pub const LICET_E_INVALID_DELEGATED_KEY: i32 = 7;
/// A signature does not verify.
pub const LICET_E_BAD_SIGNATURE: i32 = 8;
/// A link hangs under a parent that may not mint.
pub const LICET_E_PARENT_CANNOT_DELEGATE: i32 = 9;
/// A link names another parent serial.
pub const LICET_E_WRONG_PARENT: i32 = 10;
/// A link's issuer is not its parent's subject.
pub const LICET_E_ISSUER_MISMATCH: i32 = 11;
/// A link's subject is outside its issuer's subtree.
pub const LICET_E_OUTSIDE_NAMESPACE: i32 = 12;
/// A link is not valid yet.
pub const LICET_E_NOT_YET_VALID: i32 = 13;
/// A link has expired.
pub const LICET_E_EXPIRED: i32 = 14;
/// A link's validity reaches outside its parent's.
pub const LICET_E_WINDOW_WIDENED: i32 = 15;
/// A link exceeds the delegation depth.
pub const LICET_E_DEPTH_EXCEEDED: i32 = 16;
/// A link raises the tier.
pub const LICET_E_TIER_RAISED: i32 = 17;
/// A child of an add-on is not an add-on.
pub const LICET_E_KIND_WIDENED: i32 = 18;
/// A link raises a quota.
pub const LICET_E_QUOTA_RAISED: i32 = 19;
/// A link adds a feature its parent does not grant.
pub const LICET_E_FEATURE_NOT_GRANTED: i32 = 20;
/// A link grants a role a feature it may not.
pub const LICET_E_ROLE_GRANT_NOT_ALLOWED: i32 = 21;
/// A link widens the device binding.
pub const LICET_E_DEVICES_WIDENED: i32 = 22;
/// The license is for another group.
pub const LICET_E_WRONG_GROUP: i32 = 23;
/// The license is bound to other devices.
pub const LICET_E_DEVICE_NOT_BOUND: i32 = 24;
/// The clock is behind the persisted time floor.
pub const LICET_E_CLOCK_ROLLBACK: i32 = 25;
/// More licenses than an evaluation holds.
pub const LICET_E_TOO_MANY_LICENSES: i32 = 26;
/// The license delegates: it lets its holder mint, it does not license panels.
pub const LICET_E_DELEGATION_LICENSE: i32 = 27;
/// A link's minting time is before its parent's or after its end.
pub const LICET_E_ISSUED_OUTSIDE_WINDOW: i32 = 28;
/// A link says it was minted more than a day after the device's time.
pub const LICET_E_ISSUED_IN_FUTURE: i32 = 29;
/// The same license twice in one evaluation; the copy counts for nothing.
pub const LICET_E_DUPLICATE_LICENSE: i32 = 30;
/// Two different licenses with one serial in one evaluation; neither is used.
pub const LICET_E_SERIAL_CONFLICT: i32 = 31;
/// What the license grants does not fit beside the licenses in effect.
pub const LICET_E_EVALUATION_FULL: i32 = 32;
/// A required pointer is null.
pub const LICET_E_NULL_ARGUMENT: i32 = 100;
/// An argument is out of range: a length over its limit, text that is not
/// UTF-8, a group id that is not valid, an index past the end.
pub const LICET_E_INVALID_ARGUMENT: i32 = 101;
/// The output buffer is too small.
pub const LICET_E_BUFFER_TOO_SMALL: i32 = 102;
/// The evaluation was not filled by `licet_evaluate`.
pub const LICET_E_NOT_EVALUATED: i32 = 103;
/// The quota, feature or entry asked for is not granted (not an error of
/// the license: the answer is "no").
pub const LICET_E_NOT_GRANTED: i32 = 104;

/// Most trusted root keys one call takes.
pub const LICET_MAX_ROOTS: usize = 4;
/// Most licenses one evaluation holds.
pub const LICET_MAX_LICENSES: usize = 8;
/// Most role grants one evaluation holds (all roles together).
pub const LICET_MAX_EFFECTIVE_GRANTS: usize = 128;
/// Largest binary license.
pub const LICET_MAX_LICENSE_BYTES: usize = 8192;
/// Largest text `licet_dearmor` reads for one license, in bytes.
pub const LICET_MAX_ARMOR_BYTES: usize = 32768;
/// Most links in one license's chain.
pub const LICET_MAX_LINKS: usize = 8;
/// Longest group id, in bytes.
pub const LICET_MAX_GROUP_BYTES: usize = 128;
/// Longest serial, in bytes.
pub const LICET_MAX_SERIAL_BYTES: usize = 16;
/// Longest quota, feature or role name, in bytes.
pub const LICET_MAX_NAME_BYTES: usize = 32;
/// Bytes per verify-once cache slot.
pub const LICET_CACHE_ENTRY_BYTES: usize = 32;
/// A quota value meaning "unlimited".
pub const LICET_UNLIMITED: u64 = u64::MAX;
/// No link (in `failed_link` outputs); `SIZE_MAX` in C.
///
/// cbindgen:ignore
pub const LICET_NO_LINK: usize = usize::MAX;
/// Size of `LicetEvaluation` in 64-bit words.
pub const LICET_EVALUATION_WORDS: usize = 976;

/// The device a license is checked for. Text is UTF-8, not NUL-terminated.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct LicetDevice {
    /// The device's group id, e.g. `acme/dist-7/dealer-3/complex-12/bldg-2`.
    pub group: *const c_char,
    /// Length of `group` in bytes.
    pub group_len: usize,
    /// The device's own id for device-bound licenses; NULL for none.
    pub device_id: *const c_char,
    /// Length of `device_id` in bytes.
    pub device_id_len: usize,
    /// The time, UNIX seconds.
    pub now: u64,
}

/// What one license says about itself, for a panel's screen or for quoting
/// to support (`licet_license_info`). It is read from the file without
/// checking it: whether the license is valid is `licet_verify`'s or
/// `licet_evaluate`'s answer. Texts are copied in (UTF-8, not
/// NUL-terminated), so the struct outlives the license buffer.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct LicetLicenseInfo {
    /// The license's serial (its leaf link's), `serial_len` bytes.
    pub serial: [u8; LICET_MAX_SERIAL_BYTES],
    /// Length of `serial`: 8 to 16.
    pub serial_len: usize,
    /// The group the license is for, e.g. `acme/dist-7/dealer-3/complex-12`.
    pub subject: [u8; LICET_MAX_GROUP_BYTES],
    /// Length of `subject`.
    pub subject_len: usize,
    /// The group that issued it (its parent's subject).
    pub issuer: [u8; LICET_MAX_GROUP_BYTES],
    /// Length of `issuer`.
    pub issuer_len: usize,
    /// Start of validity, UNIX seconds.
    pub not_before: u64,
    /// End of validity, UNIX seconds; 0 for no end date.
    pub not_after: u64,
    /// When it was minted, UNIX seconds.
    pub issued_at: u64,
    /// Links in the chain, root included.
    pub links: usize,
    /// 1 basic, 2 trial, 3 plus.
    pub tier: u8,
    /// True for an add-on (it enhances a base license).
    pub addon: bool,
    /// True when it delegates: it lets its holder mint licenses and
    /// licenses no panel (`LICET_E_DELEGATION_LICENSE`).
    pub delegates: bool,
}

/// One license file (binary form) for `licet_evaluate`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct LicetInput {
    /// The bytes.
    pub data: *const u8,
    /// Their length.
    pub len: usize,
}

/// A name (UTF-8, not NUL-terminated).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct LicetName {
    /// The bytes.
    pub name: *const c_char,
    /// Their length.
    pub len: usize,
}

/// One quota of the built-in Basic entitlement.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct LicetBuiltinQuota {
    /// The quota's name, e.g. `sip_numbers`.
    pub name: LicetName,
    /// Its value; `LICET_UNLIMITED` for no limit.
    pub value: u64,
}

/// One role of the built-in Basic entitlement and the features granted to it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct LicetBuiltinRole {
    /// The role, e.g. `concierge`.
    pub role: LicetName,
    /// Its grants (at most `LICET_MAX_BUILTIN_GRANTS`).
    pub grants: *const LicetName,
    /// How many.
    pub grant_count: usize,
}

/// The Basic entitlement the firmware carries as constants: in effect
/// whenever no license is (no file, expired files, broken files).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct LicetBuiltin {
    /// Quotas (at most `LICET_MAX_BUILTIN_QUOTAS`).
    pub quotas: *const LicetBuiltinQuota,
    /// How many.
    pub quota_count: usize,
    /// Features everyone in the group may use (at most `LICET_MAX_BUILTIN_FEATURES`).
    pub features: *const LicetName,
    /// How many.
    pub feature_count: usize,
    /// Role grants (at most `LICET_MAX_BUILTIN_ROLES`).
    pub roles: *const LicetBuiltinRole,
    /// How many.
    pub role_count: usize,
}

/// Most quotas in a `LicetBuiltin`.
pub const LICET_MAX_BUILTIN_QUOTAS: usize = 16;
/// Most features in a `LicetBuiltin`.
pub const LICET_MAX_BUILTIN_FEATURES: usize = 32;
/// Most roles in a `LicetBuiltin`.
pub const LICET_MAX_BUILTIN_ROLES: usize = 8;
/// Most grants per role in a `LicetBuiltin`.
pub const LICET_MAX_BUILTIN_GRANTS: usize = 16;

/// Caller-owned storage for an evaluation. Opaque: read it with the
/// `licet_evaluation_*` functions. It holds its own copy of every answer
/// (names included): the license buffers may be reused as soon as
/// `licet_evaluate` returns, and names it hands out point into it.
#[repr(C)]
#[derive(Debug)]
pub struct LicetEvaluation {
    opaque: [u64; LICET_EVALUATION_WORDS],
}

const MAGIC: u64 = 0x6c69_6365_7465_7631; // "licetev1"

#[repr(C)]
struct Stored {
    magic: u64,
    evaluation: Evaluation<'static>,
}

const _: () = assert!(size_of::<Stored>() <= size_of::<LicetEvaluation>());
const _: () = assert!(LICET_MAX_EFFECTIVE_GRANTS == licet_verifier::MAX_EFFECTIVE_GRANTS);
const _: () = assert!(align_of::<Stored>() <= align_of::<LicetEvaluation>());
const _: () = assert!(LICET_MAX_LICENSES == licet_verifier::MAX_LICENSES);
const _: () = assert!(LICET_CACHE_ENTRY_BYTES == CACHE_ENTRY_BYTES);
const _: () = assert!(LICET_MAX_LICENSE_BYTES == licet_verifier::format::limits::MAX_LICENSE_BYTES);
const _: () = assert!(LICET_MAX_ARMOR_BYTES == licet_verifier::format::limits::MAX_ARMOR_BYTES);
const _: () = assert!(LICET_MAX_LINKS == licet_verifier::format::limits::MAX_LINKS);
const _: () = assert!(LICET_MAX_GROUP_BYTES == licet_verifier::format::limits::MAX_GROUP_BYTES);
const _: () = assert!(LICET_MAX_SERIAL_BYTES == licet_verifier::format::limits::MAX_SERIAL_BYTES);
const _: () = assert!(LICET_MAX_NAME_BYTES == licet_verifier::format::limits::MAX_NAME_BYTES);

/// The value of a `Result<T, i32>`, or return its code from the function.
macro_rules! try_code {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(code) => return code,
        }
    };
}

fn code(e: &Error<'_>) -> i32 {
    i32::from(e.number())
}

/// A byte slice from C. Null is an error even with length 0.
///
/// # Safety
/// `ptr` must be null or valid for reads of `len` bytes for `'a`.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], i32> {
    if ptr.is_null() {
        return Err(LICET_E_NULL_ARGUMENT);
    }
    if isize::try_from(len).is_err() {
        return Err(LICET_E_INVALID_ARGUMENT);
    }
    // SAFETY: non-null, and the caller promises `len` readable bytes.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// UTF-8 text from C.
///
/// # Safety
/// As [`bytes`].
unsafe fn text<'a>(ptr: *const c_char, len: usize) -> Result<&'a str, i32> {
    // SAFETY: forwarded contract.
    let b = unsafe { bytes(ptr.cast::<u8>(), len) }?;
    if b.is_ascii() {
        // SAFETY: ASCII is UTF-8. (Names and group ids are ASCII: this
        // skips the general check, a fifth of a query's cost.)
        return Ok(unsafe { core::str::from_utf8_unchecked(b) });
    }
    core::str::from_utf8(b).map_err(|_| LICET_E_INVALID_ARGUMENT)
}

/// The trusted roots from `count` consecutive 32-byte keys.
///
/// # Safety
/// `keys` must be null or valid for reads of `32 * count` bytes.
unsafe fn roots(
    keys: *const u8,
    count: usize,
) -> Result<([TrustedRoot; LICET_MAX_ROOTS], usize), i32> {
    if count == 0 {
        return Err(LICET_E_NO_TRUSTED_ROOTS);
    }
    if count > LICET_MAX_ROOTS {
        return Err(LICET_E_INVALID_ARGUMENT);
    }
    // SAFETY: forwarded contract; count <= 4 so the product cannot overflow.
    let all = unsafe { bytes(keys, count * 32) }?;
    let mut out = [None; LICET_MAX_ROOTS];
    for (slot, key) in out.iter_mut().zip(all.chunks_exact(32)) {
        let key: &[u8; 32] = key.try_into().map_err(|_| LICET_E_INVALID_ARGUMENT)?;
        *slot = Some(TrustedRoot::from_bytes(key).map_err(|e| code(&e))?);
    }
    let first = out[0].ok_or(LICET_E_NO_TRUSTED_ROOTS)?;
    Ok((out.map(|r| r.unwrap_or(first)), count))
}

/// The device from C.
///
/// # Safety
/// `device` must be null or point to a valid [`LicetDevice`] whose text
/// pointers are valid for their lengths for `'a`.
unsafe fn device<'a>(device: *const LicetDevice) -> Result<Device<'a>, i32> {
    // SAFETY: the caller promises a valid pointer or null.
    let d = unsafe { device.as_ref() }.ok_or(LICET_E_NULL_ARGUMENT)?;
    // SAFETY: forwarded contract.
    let group = unsafe { text(d.group, d.group_len) }?;
    let mut device = Device::new(group, d.now).map_err(|_| LICET_E_INVALID_ARGUMENT)?;
    if !d.device_id.is_null() {
        // SAFETY: forwarded contract.
        device = device.with_device_id(unsafe { text(d.device_id, d.device_id_len) }?);
    }
    Ok(device)
}

/// The verify-once cache over `slots` slots at `cache`, or none when
/// `cache` is null.
///
/// # Safety
/// `cache` must be null or valid for reads and writes of
/// `slots * LICET_CACHE_ENTRY_BYTES` bytes, not aliased during the call.
unsafe fn cache<'c>(cache: *mut u8, slots: usize) -> Result<Option<VerifyCache<'c>>, i32> {
    if cache.is_null() {
        return Ok(None);
    }
    if slots
        .checked_mul(CACHE_ENTRY_BYTES)
        .is_none_or(|l| isize::try_from(l).is_err())
    {
        return Err(LICET_E_INVALID_ARGUMENT);
    }
    // SAFETY: non-null, and the caller promises `slots` writable 32-byte
    // slots; `[u8; 32]` has alignment 1.
    let slots =
        unsafe { core::slice::from_raw_parts_mut(cache.cast::<[u8; CACHE_ENTRY_BYTES]>(), slots) };
    Ok(Some(VerifyCache::new(slots)))
}

fn set<T>(out: *mut T, value: T) {
    // SAFETY: callers pass pointers the C caller promised valid or null.
    if let Some(o) = unsafe { out.as_mut() } {
        *o = value;
    }
}

/// Verifies one license (binary form) for a device.
///
/// - `root_keys`: `root_count` (1 to `LICET_MAX_ROOTS`) consecutive 32-byte
///   Ed25519 public keys of the trusted roots.
/// - `license`, `license_len`: the license file, binary form (see
///   `licet_dearmor` for the text form).
/// - `device`: the device's group, optional device id, and time.
/// - `cache`, `cache_slots`: a verify-once cache of `cache_slots` slots of
///   `LICET_CACHE_ENTRY_BYTES` bytes (zeroed = empty), or NULL for none.
///   Signatures found in it are not checked again; the result is the same
///   as without it. Keep the cache where only the firmware can write.
/// - `cache_modified`: set to true when the cache changed and is worth
///   persisting; may be NULL.
/// - `failed_link`: set to the index of the link a rejection is about, or
///   `LICET_NO_LINK`; may be NULL.
///
/// Returns `LICET_OK` when the license is valid for the device now, else the
/// reason.
///
/// # Safety
/// Every pointer must be null or valid for its stated length; `cache` must
/// not overlap the other inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_verify(
    root_keys: *const u8,
    root_count: usize,
    license: *const u8,
    license_len: usize,
    device: *const LicetDevice,
    cache: *mut u8,
    cache_slots: usize,
    cache_modified: *mut bool,
    failed_link: *mut usize,
) -> i32 {
    set(failed_link, LICET_NO_LINK);
    set(cache_modified, false);
    // SAFETY: the caller's contract, forwarded.
    let inputs = unsafe {
        (|| {
            Ok::<_, i32>((
                roots(root_keys, root_count)?,
                bytes(license, license_len)?,
                self::device(device)?,
                self::cache(cache, cache_slots)?,
            ))
        })()
    };
    let ((roots, n), license, device, mut cache) = try_code!(inputs);
    let roots = roots.get(..n).unwrap_or(&[]);
    let result = match cache.as_mut() {
        Some(c) => licet_verifier::verify_cached(license, roots, &device, c),
        None => licet_verifier::verify(license, roots, &device),
    };
    if let Some(c) = cache {
        set(cache_modified, c.is_modified());
    }
    match result {
        Ok(_) => LICET_OK,
        Err(e) => {
            set(failed_link, e.link().unwrap_or(LICET_NO_LINK));
            code(&e)
        }
    }
}

/// Evaluates the licenses a device holds (`docs/SEMANTICS.md`): picks the
/// base license (highest tier valid now; the built-in Basic when none is),
/// adds valid add-ons, and reports each license's status. One rejected
/// license does not fail the call.
///
/// - `licenses`, `count`: up to `LICET_MAX_LICENSES` binary license files.
/// - `floor`: the time floor the device persisted (0 when none). A clock more
///   than 24 h behind it is a rollback: the evaluation is made at the floor
///   and `licet_evaluation_clock_rollback` says so. Persist
///   `licet_evaluation_floor` afterwards.
/// - `builtin`: the firmware's Basic entitlement, or NULL for none.
/// - `cache`, `cache_slots`, `cache_modified`: as for `licet_verify`.
/// - `out`: filled on `LICET_OK`, with its own copy of every answer: the
///   license buffers may be reused as soon as this returns.
///
/// # Safety
/// Every pointer must be null or valid for its stated length; `out` must be
/// valid for writes of one `LicetEvaluation`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluate(
    root_keys: *const u8,
    root_count: usize,
    licenses: *const LicetInput,
    count: usize,
    device: *const LicetDevice,
    floor: u64,
    builtin: *const LicetBuiltin,
    cache: *mut u8,
    cache_slots: usize,
    cache_modified: *mut bool,
    out: *mut LicetEvaluation,
) -> i32 {
    set(cache_modified, false);
    if out.is_null() {
        return LICET_E_NULL_ARGUMENT;
    }
    // SAFETY: `out` is non-null and valid for writes (caller's contract);
    // clearing the magic marks it unfilled until this call succeeds.
    unsafe { out.cast::<u64>().write(0) };
    if count > LICET_MAX_LICENSES {
        return LICET_E_TOO_MANY_LICENSES;
    }
    // SAFETY: the caller's contract, forwarded.
    let inputs = unsafe {
        (|| {
            let list = if count == 0 {
                &[][..]
            } else {
                if licenses.is_null() {
                    return Err(LICET_E_NULL_ARGUMENT);
                }
                core::slice::from_raw_parts(licenses, count)
            };
            let mut files: [&'static [u8]; LICET_MAX_LICENSES] = [&[]; LICET_MAX_LICENSES];
            for (f, input) in files.iter_mut().zip(list) {
                *f = bytes(input.data, input.len)?;
            }
            Ok::<_, i32>((
                roots(root_keys, root_count)?,
                files,
                self::device(device)?,
                self::cache(cache, cache_slots)?,
            ))
        })()
    };
    let ((roots, n), files, device, mut cache) = try_code!(inputs);
    let roots = roots.get(..n).unwrap_or(&[]);
    let files = files.get(..count).unwrap_or(&[]);
    // SAFETY: the caller's contract for `builtin`.
    let result = try_code!(unsafe {
        with_builtin(builtin, |b| {
            let options = Options {
                floor,
                builtin: b,
                cache: cache.as_mut(),
            };
            licet_verifier::evaluate_with(roots, files, &device, options)
        })
    });
    if let Some(c) = cache {
        set(cache_modified, c.is_modified());
    }
    match result {
        Ok(evaluation) => {
            // SAFETY: `out` is valid for writes of a LicetEvaluation, which is
            // at least as large and aligned as `Stored` (checked at compile
            // time). The evaluation owns its answers; what it borrows (the
            // input slices, text inside rejection details) is never read
            // through the C functions, which is what makes 'static sound here.
            unsafe {
                out.cast::<Stored>().write(Stored {
                    magic: MAGIC,
                    evaluation,
                })
            };
            LICET_OK
        }
        Err(e) => code(&e),
    }
}

/// Runs `f` with the verifier's view of a C built-in Basic (or none).
///
/// # Safety
/// `b` null or valid, with its arrays and texts valid for their lengths.
unsafe fn with_builtin<R>(
    b: *const LicetBuiltin,
    f: impl FnOnce(Option<&Builtin<'_>>) -> R,
) -> Result<R, i32> {
    // SAFETY: the caller's contract.
    let Some(b) = (unsafe { b.as_ref() }) else {
        return Ok(f(None));
    };
    /// A C array as a slice (null only when empty), at most `max` long.
    unsafe fn list<'t, T>(p: *const T, n: usize, max: usize) -> Result<&'t [T], i32> {
        if n > max {
            return Err(LICET_E_INVALID_ARGUMENT);
        }
        if n == 0 {
            return Ok(&[]);
        }
        if p.is_null() {
            return Err(LICET_E_NULL_ARGUMENT);
        }
        // SAFETY: non-null, valid for `n` elements by contract.
        Ok(unsafe { core::slice::from_raw_parts(p, n) })
    }
    // SAFETY: each name is valid for its length (the caller's contract).
    let name = |n: &LicetName| unsafe { text(n.name, n.len) };
    let mut quotas = [("", Quota::Count(0)); LICET_MAX_BUILTIN_QUOTAS];
    // SAFETY: `quotas` is valid for `quota_count` entries (the contract).
    let q = unsafe { list(b.quotas, b.quota_count, LICET_MAX_BUILTIN_QUOTAS)? };
    for (slot, q) in quotas.iter_mut().zip(q) {
        let value = match q.value {
            LICET_UNLIMITED => Quota::Unlimited,
            v => Quota::Count(u32::try_from(v).map_err(|_| LICET_E_INVALID_ARGUMENT)?),
        };
        *slot = (name(&q.name)?, value);
    }
    let mut features = [""; LICET_MAX_BUILTIN_FEATURES];
    // SAFETY: `features` is valid for `feature_count` entries (the contract).
    let fs = unsafe { list(b.features, b.feature_count, LICET_MAX_BUILTIN_FEATURES)? };
    for (slot, f) in features.iter_mut().zip(fs) {
        *slot = name(f)?;
    }
    let mut grants = [[""; LICET_MAX_BUILTIN_GRANTS]; LICET_MAX_BUILTIN_ROLES];
    let mut role_names = [""; LICET_MAX_BUILTIN_ROLES];
    // SAFETY: `roles` is valid for `role_count` entries (the contract).
    let rs = unsafe { list(b.roles, b.role_count, LICET_MAX_BUILTIN_ROLES)? };
    for ((r, slots), role) in rs.iter().zip(grants.iter_mut()).zip(role_names.iter_mut()) {
        *role = name(&r.role)?;
        // SAFETY: each role's `grants` is valid for `grant_count` entries.
        let gs = unsafe { list(r.grants, r.grant_count, LICET_MAX_BUILTIN_GRANTS)? };
        for (slot, g) in slots.iter_mut().zip(gs) {
            *slot = name(g)?;
        }
    }
    let mut roles: [(&str, &[&str]); LICET_MAX_BUILTIN_ROLES] =
        [("", &[]); LICET_MAX_BUILTIN_ROLES];
    for (((slot, role), g), r) in roles.iter_mut().zip(role_names).zip(&grants).zip(rs) {
        *slot = (role, g.get(..r.grant_count).unwrap_or(&[]));
    }
    let builtin = Builtin {
        quotas: quotas.get(..q.len()).unwrap_or(&[]),
        features: features.get(..fs.len()).unwrap_or(&[]),
        roles: roles.get(..rs.len()).unwrap_or(&[]),
    };
    Ok(f(Some(&builtin)))
}

/// The evaluation in `ev`, when `licet_evaluate` filled it.
fn stored<'e>(ev: *const LicetEvaluation) -> Result<&'e Evaluation<'static>, i32> {
    if ev.is_null() {
        return Err(LICET_E_NULL_ARGUMENT);
    }
    // SAFETY: non-null and, by the caller's contract, a LicetEvaluation:
    // its first word (`Stored::magic`, repr(C)) is readable. No reference
    // to the possibly unfilled rest is made.
    if unsafe { core::ptr::addr_of!((*ev.cast::<Stored>()).magic).read() } != MAGIC {
        return Err(LICET_E_NOT_EVALUATED);
    }
    // SAFETY: the magic is only written together with a whole `Stored` by
    // `licet_evaluate`.
    Ok(unsafe { &(*ev.cast::<Stored>()).evaluation })
}

/// Number of licenses evaluated (0 when `ev` is not filled).
///
/// # Safety
/// `ev` must be null or point to a `LicetEvaluation`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_count(ev: *const LicetEvaluation) -> usize {
    stored(ev).map_or(0, |e| e.len())
}

/// The status of license `index`: `LICET_OK` when it is valid now, else why
/// it was rejected (`failed_link`, which may be NULL, names the link).
///
/// # Safety
/// As `licet_evaluation_count`; `failed_link` null or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_status(
    ev: *const LicetEvaluation,
    index: usize,
    failed_link: *mut usize,
) -> i32 {
    set(failed_link, LICET_NO_LINK);
    let e = try_code!(stored(ev));
    match e.status(index) {
        None => LICET_E_INVALID_ARGUMENT,
        Some(LicenseStatus::Valid { .. }) => LICET_OK,
        Some(LicenseStatus::Rejected(err)) => {
            set(failed_link, err.link().unwrap_or(LICET_NO_LINK));
            code(err)
        }
    }
}

/// The position of the base license in effect; -2 when the built-in Basic
/// is the base (no license is in effect); -1 when nothing is (then nothing
/// is granted).
///
/// # Safety
/// As `licet_evaluation_count`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_base(ev: *const LicetEvaluation) -> i32 {
    match stored(ev).ok().and_then(|e| e.base_source()) {
        Some(Source::License(b)) => i32::try_from(b).unwrap_or(-1),
        Some(Source::Builtin) => -2,
        None => -1,
    }
}

/// True when the device's clock was more than 24 h behind the floor: the
/// evaluation was made at the floor instead (`licet_evaluation_now`).
///
/// # Safety
/// As `licet_evaluation_count`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_clock_rollback(ev: *const LicetEvaluation) -> bool {
    stored(ev).is_ok_and(|e| e.rollback().is_some())
}

/// The time the evaluation was made at: the device's time, or the floor
/// after a clock rollback (0 when `ev` is not filled).
///
/// # Safety
/// As `licet_evaluation_count`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_now(ev: *const LicetEvaluation) -> u64 {
    stored(ev).map_or(0, |e| e.now())
}

/// The tier in effect: 1 basic, 2 trial, 3 plus; 0 when no license is.
///
/// # Safety
/// As `licet_evaluation_count`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_tier(ev: *const LicetEvaluation) -> u8 {
    match stored(ev).ok().and_then(|e| e.tier()) {
        Some(Tier::Basic) => 1,
        Some(Tier::Trial) => 2,
        Some(Tier::Plus) => 3,
        None => 0,
    }
}

/// Hands `found` (text inside the evaluation) to C as pointer and length,
/// or says it is not granted.
fn name_out(found: Option<&str>, name: *mut *const c_char, name_len: *mut usize) -> i32 {
    match found {
        Some(f) => {
            set(name, f.as_ptr().cast::<c_char>());
            set(name_len, f.len());
            LICET_OK
        }
        None => LICET_E_NOT_GRANTED,
    }
}

fn quota_value(q: Quota) -> u64 {
    match q {
        Quota::Count(n) => u64::from(n),
        Quota::Unlimited => LICET_UNLIMITED,
    }
}

/// The quota `name` in effect (base plus add-ons) into `value`
/// (`LICET_UNLIMITED` for no limit). Returns `LICET_E_NOT_GRANTED` when no
/// license in use grants it.
///
/// # Safety
/// As `licet_evaluation_count`; `name` valid for `name_len` bytes; `value`
/// writable or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_quota(
    ev: *const LicetEvaluation,
    name: *const c_char,
    name_len: usize,
    value: *mut u64,
) -> i32 {
    let e = try_code!(stored(ev));
    // SAFETY: the caller's contract.
    let name = try_code!(unsafe { text(name, name_len) });
    match e.quota(QuotaName::from_name(name)) {
        Some(q) => {
            set(value, quota_value(q));
            LICET_OK
        }
        None => LICET_E_NOT_GRANTED,
    }
}

/// The `index`-th quota in effect: its name (UTF-8, not NUL-terminated,
/// pointing into the evaluation or static memory) and value. Returns
/// `LICET_E_NOT_GRANTED` past the last one.
///
/// # Safety
/// As `licet_evaluation_count`; the outputs writable or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_quota_at(
    ev: *const LicetEvaluation,
    index: usize,
    name: *mut *const c_char,
    name_len: *mut usize,
    value: *mut u64,
) -> i32 {
    let e = try_code!(stored(ev));
    match e.quota_at(index) {
        Some((n, q)) => {
            let n = n.as_str();
            set(name, n.as_ptr().cast::<c_char>());
            set(name_len, n.len());
            set(value, quota_value(q));
            LICET_OK
        }
        None => LICET_E_NOT_GRANTED,
    }
}

/// True when a license in use grants `feature`.
///
/// # Safety
/// As `licet_evaluation_count`; `feature` valid for `feature_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_has_feature(
    ev: *const LicetEvaluation,
    feature: *const c_char,
    feature_len: usize,
) -> bool {
    // SAFETY: the caller's contract.
    match (stored(ev), unsafe { text(feature, feature_len) }) {
        (Ok(e), Ok(f)) => e.has_feature(f),
        _ => false,
    }
}

/// The `index`-th feature in effect, each once (UTF-8, not NUL-terminated,
/// pointing into the evaluation). Returns `LICET_E_NOT_GRANTED` past the last.
///
/// # Safety
/// As `licet_evaluation_count`; the outputs writable or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_feature_at(
    ev: *const LicetEvaluation,
    index: usize,
    name: *mut *const c_char,
    name_len: *mut usize,
) -> i32 {
    let e = try_code!(stored(ev));
    name_out(e.feature_at(index).map(|(f, _)| f), name, name_len)
}

/// True when `role` (e.g. `concierge`) may use `feature`: the feature is in
/// effect, or a license in use grants it to the role.
///
/// # Safety
/// As `licet_evaluation_count`; the texts valid for their lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_role_has_feature(
    ev: *const LicetEvaluation,
    role: *const c_char,
    role_len: usize,
    feature: *const c_char,
    feature_len: usize,
) -> bool {
    // SAFETY: the caller's contract.
    let texts = unsafe { (text(role, role_len), text(feature, feature_len)) };
    match (stored(ev), texts) {
        (Ok(e), (Ok(r), Ok(f))) => e.role_has_feature(r, f),
        _ => false,
    }
}

/// The `index`-th feature granted to `role` by the licenses in use (beyond
/// the features everyone has), each once. Returns `LICET_E_NOT_GRANTED`
/// past the last.
///
/// # Safety
/// As `licet_evaluation_count`; `role` valid for `role_len` bytes; the
/// outputs writable or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_role_grant_at(
    ev: *const LicetEvaluation,
    role: *const c_char,
    role_len: usize,
    index: usize,
    name: *mut *const c_char,
    name_len: *mut usize,
) -> i32 {
    let e = try_code!(stored(ev));
    // SAFETY: the caller's contract.
    let role = try_code!(unsafe { text(role, role_len) });
    name_out(e.role_grant_at(role, index).map(|(f, _)| f), name, name_len)
}

/// Every feature granted to `role` beyond those everyone has, in one call:
/// writes up to `capacity` names (pointing into the evaluation) to
/// `names`, in name order, and their number to `count`. Returns
/// `LICET_E_BUFFER_TOO_SMALL` when there are more (`count` then says how
/// many; the first `capacity` are written), `LICET_OK` otherwise (also for
/// none). A role has at most `LICET_MAX_EFFECTIVE_GRANTS` grants.
///
/// # Safety
/// As `licet_evaluation_count`; `role` valid for `role_len` bytes; `names`
/// writable for `capacity` entries (or NULL with `capacity` 0); `count`
/// writable or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_role_grants(
    ev: *const LicetEvaluation,
    role: *const c_char,
    role_len: usize,
    names: *mut LicetName,
    capacity: usize,
    count: *mut usize,
) -> i32 {
    set(count, 0);
    let e = try_code!(stored(ev));
    // SAFETY: the caller's contract.
    let role = try_code!(unsafe { text(role, role_len) });
    if names.is_null() && capacity != 0 {
        return LICET_E_NULL_ARGUMENT;
    }
    let mut n = 0usize;
    for (i, (feature, _)) in e.role_grants(role).enumerate() {
        if i < capacity {
            // SAFETY: `names` is writable for `capacity` entries.
            unsafe {
                names.add(i).write(LicetName {
                    name: feature.as_ptr().cast::<c_char>(),
                    len: feature.len(),
                })
            };
        }
        n = i.saturating_add(1);
    }
    set(count, n);
    if n > capacity {
        LICET_E_BUFFER_TOO_SMALL
    } else {
        LICET_OK
    }
}

/// When the entitlement next changes (the earliest end among the licenses
/// in use) into `at`, UNIX seconds. Returns false when nothing in use ends.
///
/// # Safety
/// As `licet_evaluation_count`; `at` writable or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_next_change(
    ev: *const LicetEvaluation,
    at: *mut u64,
) -> bool {
    match stored(ev).ok().and_then(|e| e.next_change()) {
        Some((t, _)) => {
            set(at, t);
            true
        }
        None => false,
    }
}

/// True when the next change falls inside its license's reminder window:
/// time to warn the administrator.
///
/// # Safety
/// As `licet_evaluation_count`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_warning(ev: *const LicetEvaluation) -> bool {
    stored(ev).is_ok_and(|e| e.warning())
}

/// The time floor to persist after this evaluation (0 when `ev` is not
/// filled).
///
/// # Safety
/// As `licet_evaluation_count`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_evaluation_floor(ev: *const LicetEvaluation) -> u64 {
    stored(ev).map_or(0, |e| e.floor())
}

/// Reads what a license (binary form) says about itself into `out`: serial,
/// subject and issuer groups, validity, tier, kind, whether it delegates. It
/// checks nothing: after `licet_verify` returned `LICET_E_WRONG_GROUP`, say,
/// `out->subject` names the group the license is for. Returns `LICET_OK`, or
/// `LICET_E_DECODE` when the bytes are not a well-formed license (then `out`
/// is zeroed).
///
/// # Safety
/// `license` valid for `license_len` bytes; `out` valid for writes of one
/// `LicetLicenseInfo`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_license_info(
    license: *const u8,
    license_len: usize,
    out: *mut LicetLicenseInfo,
) -> i32 {
    if out.is_null() {
        return LICET_E_NULL_ARGUMENT;
    }
    const EMPTY: LicetLicenseInfo = LicetLicenseInfo {
        serial: [0; LICET_MAX_SERIAL_BYTES],
        serial_len: 0,
        subject: [0; LICET_MAX_GROUP_BYTES],
        subject_len: 0,
        issuer: [0; LICET_MAX_GROUP_BYTES],
        issuer_len: 0,
        not_before: 0,
        not_after: 0,
        issued_at: 0,
        links: 0,
        tier: 0,
        addon: false,
        delegates: false,
    };
    let mut info = EMPTY;
    // SAFETY: the caller's contract.
    let bytes = unsafe { bytes(license, license_len) };
    let result = bytes.and_then(|b| {
        let c = licet_verifier::format::Container::decode(b).map_err(|_| LICET_E_DECODE)?;
        let claims = &c.last().claims;
        let fill = |to: &mut [u8], from: &[u8]| -> Result<usize, i32> {
            to.get_mut(..from.len())
                .ok_or(LICET_E_DECODE)?
                .copy_from_slice(from);
            Ok(from.len())
        };
        info.serial_len = fill(&mut info.serial, claims.serial)?;
        info.subject_len = fill(&mut info.subject, claims.sub.as_str().as_bytes())?;
        info.issuer_len = fill(&mut info.issuer, claims.iss.as_str().as_bytes())?;
        info.not_before = claims.nbf;
        info.not_after = claims.exp.unwrap_or(0);
        info.issued_at = claims.iat;
        info.links = c.len();
        info.tier = match claims.tier {
            Tier::Basic => 1,
            Tier::Trial => 2,
            Tier::Plus => 3,
        };
        info.addon = claims.kind == licet_verifier::format::Kind::AddOn;
        info.delegates = claims.cnf.is_some();
        Ok(())
    });
    let (code, info) = match result {
        Ok(()) => (LICET_OK, info),
        Err(c) => (c, EMPTY),
    };
    // SAFETY: non-null and writable by contract.
    unsafe { out.write(info) };
    code
}

/// Decodes a license in text armor (`-----BEGIN LICET LICENSE-----`) into
/// `out` (`out_cap` bytes; `LICET_MAX_LICENSE_BYTES` always suffices) and
/// sets `out_len`. Binary input is copied unchanged. Text is read as people
/// paste it (a byte order mark, CRLF, indentation, email quoting, the text
/// of an email around the license; at most `LICET_MAX_ARMOR_BYTES`); text
/// that holds no license or a broken one returns `LICET_E_DECODE`.
///
/// # Safety
/// `input` valid for `input_len` bytes, `out` for writes of `out_cap` bytes
/// and not overlapping `input`; `out_len` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_dearmor(
    input: *const u8,
    input_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> i32 {
    set(out_len, 0);
    // SAFETY: the caller's contract.
    let input = try_code!(unsafe { bytes(input, input_len) });
    if out.is_null() || out_len.is_null() {
        return LICET_E_NULL_ARGUMENT;
    }
    if isize::try_from(out_cap).is_err() {
        return LICET_E_INVALID_ARGUMENT;
    }
    // SAFETY: non-null and writable for `out_cap` bytes by contract.
    let out = unsafe { core::slice::from_raw_parts_mut(out, out_cap) };
    let mut buf = [0u8; LICET_MAX_LICENSE_BYTES];
    let decoded = match licet_verifier::dearmor(input, &mut buf) {
        Ok(d) => copy(d, out),
        Err(e) => Err(code(&e)),
    };
    match decoded {
        Ok(n) => {
            set(out_len, n);
            LICET_OK
        }
        Err(c) => c,
    }
}

fn copy(from: &[u8], to: &mut [u8]) -> Result<usize, i32> {
    let dst = to.get_mut(..from.len()).ok_or(LICET_E_BUFFER_TOO_SMALL)?;
    dst.copy_from_slice(from);
    Ok(from.len())
}

/// The C message of each verifier error, by number (0: ok); names come
/// from the verifier's one list (`Error::TABLE`), and a test checks that
/// this table has one message per entry there.
const MESSAGES: [&core::ffi::CStr; 33] = [
    c"valid",                                                                              // ok
    c"not a well-formed licet license file",                                               // decode
    c"no trusted root key was given", // no_trusted_roots
    c"a trusted root key is not a valid Ed25519 public key", // invalid_root_key
    c"signed by a root key this device does not trust", // unknown_root
    c"the root link names a parent",  // root_has_parent
    c"a link's key id is not the key its parent delegates to", // kid_mismatch
    c"a link delegates to an unusable key", // invalid_delegated_key
    c"a signature does not verify: the file was changed or forged", // bad_signature
    c"a link hangs under a license that may not mint", // parent_cannot_delegate
    c"a link names another parent license", // wrong_parent
    c"a link's issuer is not its parent's group", // issuer_mismatch
    c"a link is for a group outside its issuer's subtree", // outside_namespace
    c"not valid yet: check the device clock", // not_yet_valid
    c"the license has expired",       // expired
    c"a link's validity reaches outside its parent's", // window_widened
    c"a link goes deeper than its parent allows", // depth_exceeded
    c"a link raises the tier above its parent's", // tier_raised
    c"a link under an add-on is not an add-on", // kind_widened
    c"a link grants more of a quota than its parent", // quota_raised
    c"a link grants a feature its parent does not", // feature_not_granted
    c"a link grants a role a feature its parent does not", // role_grant_not_allowed
    c"a link adds devices its parent is not bound to", // devices_widened
    c"the license is for another group: licenses cannot move", // wrong_group
    c"the license is bound to other devices", // device_not_bound
    c"the device clock is behind the last license seen: set the clock", // clock_rollback
    c"more licenses than one evaluation holds", // too_many_licenses
    c"a delegation license: it lets its holder mint licenses, it does not license panels", // delegation_license
    c"a link says it was minted before its parent or after its end", // issued_outside_window
    c"a link says it was minted more than a day from now: check the clocks", // issued_in_future
    c"the same license was given twice: it counts once",             // duplicate_license
    c"two different licenses claim the same serial: neither is used", // serial_conflict
    c"the licenses together grant more than one evaluation holds",   // evaluation_full
];

const ARG_NAMES: [(&core::ffi::CStr, &core::ffi::CStr); 5] = [
    (c"null_argument", c"a required pointer is NULL"),
    (
        c"invalid_argument",
        c"an argument is out of range, not UTF-8 or not a valid group id",
    ),
    (c"buffer_too_small", c"the output buffer is too small"),
    (
        c"not_evaluated",
        c"the evaluation was not filled by licet_evaluate",
    ),
    (c"not_granted", c"not granted by the licenses in use"),
];

fn names(code: i32) -> Option<(&'static core::ffi::CStr, &'static core::ffi::CStr)> {
    if code >= LICET_E_NULL_ARGUMENT {
        let i = usize::try_from(code - LICET_E_NULL_ARGUMENT).ok()?;
        return ARG_NAMES.get(i).copied();
    }
    let i = usize::try_from(code).ok()?;
    let message = *MESSAGES.get(i)?;
    if code == LICET_OK {
        return Some((c"ok", message));
    }
    let (_, _, name) = Error::TABLE
        .iter()
        .find(|(n, _, _)| i32::from(*n) == code)?;
    let name = core::ffi::CStr::from_bytes_with_nul(name.as_bytes()).ok()?;
    Some((name, message))
}

/// A short, stable, machine-readable name for `code` (`"bad_signature"`),
/// NUL-terminated and static; `"unknown"` for a code licet never returns.
#[unsafe(no_mangle)]
pub extern "C" fn licet_error_name(code: i32) -> *const c_char {
    names(code).map_or(c"unknown", |n| n.0).as_ptr()
}

/// A one-line English message for `code`, NUL-terminated and static.
#[unsafe(no_mangle)]
pub extern "C" fn licet_error_message(code: i32) -> *const c_char {
    names(code).map_or(c"unknown error code", |n| n.1).as_ptr()
}

#[cfg(all(not(target_os = "none"), feature = "hosted-abort", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    unsafe extern "C" {
        safe fn abort() -> !;
    }
    // Unreachable: the verifier's lints deny every panicking construct.
    abort()
}

/// The precompiled `core` of hosted targets carries unwind tables naming
/// this personality routine; with `panic = "abort"` nothing ever unwinds,
/// so it is never called. Defined so a C program can link `liblicet.a`.
///
/// cbindgen:ignore
#[cfg(all(not(target_os = "none"), feature = "hosted-abort", not(test)))]
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}

#[cfg(all(target_os = "none", feature = "panic-handler", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // Unreachable: the verifier's lints deny every panicking construct.
    loop {
        core::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use core::ffi::CStr;
    use licet_verifier::format::{DecodeError, DecodeErrorKind, Group};

    fn name(code: i32) -> &'static str {
        // SAFETY: licet_error_name returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(licet_error_name(code)) }
            .to_str()
            .unwrap()
    }

    /// The header's numbers and names are the verifier's: a variant added or
    /// renumbered there cannot drift from licet.h unnoticed.
    #[test]
    fn codes_and_names_match_the_verifier() {
        let g = Group::parse("acme/x").unwrap();
        let errors = [
            (
                Error::Decode(DecodeError::new(0, DecodeErrorKind::Truncated)),
                LICET_E_DECODE,
            ),
            (Error::NoTrustedRoots, LICET_E_NO_TRUSTED_ROOTS),
            (Error::InvalidRootKey, LICET_E_INVALID_ROOT_KEY),
            (Error::UnknownRoot { kid: [0; 8] }, LICET_E_UNKNOWN_ROOT),
            (Error::RootHasParent, LICET_E_ROOT_HAS_PARENT),
            (
                Error::KidMismatch {
                    link: 1,
                    expected: [0; 8],
                    found: [1; 8],
                },
                LICET_E_KID_MISMATCH,
            ),
            (
                Error::InvalidDelegatedKey { link: 0 },
                LICET_E_INVALID_DELEGATED_KEY,
            ),
            (Error::BadSignature { link: 0 }, LICET_E_BAD_SIGNATURE),
            (
                Error::ParentCannotDelegate { link: 1 },
                LICET_E_PARENT_CANNOT_DELEGATE,
            ),
            (Error::WrongParent { link: 1 }, LICET_E_WRONG_PARENT),
            (
                Error::IssuerMismatch {
                    link: 1,
                    expected: g,
                    found: g,
                },
                LICET_E_ISSUER_MISMATCH,
            ),
            (
                Error::OutsideNamespace {
                    link: 1,
                    issuer: g,
                    subject: g,
                },
                LICET_E_OUTSIDE_NAMESPACE,
            ),
            (
                Error::NotYetValid {
                    link: 0,
                    now: 0,
                    not_before: 1,
                },
                LICET_E_NOT_YET_VALID,
            ),
            (
                Error::Expired {
                    link: 0,
                    now: 1,
                    not_after: 0,
                },
                LICET_E_EXPIRED,
            ),
            (
                Error::WindowWidened {
                    link: 1,
                    window: (0, None),
                    parent: (0, Some(1)),
                },
                LICET_E_WINDOW_WIDENED,
            ),
            (
                Error::DepthExceeded {
                    link: 1,
                    parent: 0,
                    depth: 0,
                },
                LICET_E_DEPTH_EXCEEDED,
            ),
            (
                Error::TierRaised {
                    link: 1,
                    parent: Tier::Basic,
                    tier: Tier::Plus,
                },
                LICET_E_TIER_RAISED,
            ),
            (Error::KindWidened { link: 1 }, LICET_E_KIND_WIDENED),
            (
                Error::QuotaRaised {
                    link: 1,
                    name: QuotaName::from_name("x"),
                    parent: None,
                    requested: Quota::Count(1),
                },
                LICET_E_QUOTA_RAISED,
            ),
            (
                Error::FeatureNotGranted {
                    link: 1,
                    feature: "f",
                },
                LICET_E_FEATURE_NOT_GRANTED,
            ),
            (
                Error::RoleGrantNotAllowed {
                    link: 1,
                    role: "r",
                    feature: "f",
                },
                LICET_E_ROLE_GRANT_NOT_ALLOWED,
            ),
            (
                Error::DevicesWidened {
                    link: 1,
                    device: "d",
                },
                LICET_E_DEVICES_WIDENED,
            ),
            (
                Error::WrongGroup {
                    licensed: g,
                    device: g,
                },
                LICET_E_WRONG_GROUP,
            ),
            (Error::DeviceNotBound, LICET_E_DEVICE_NOT_BOUND),
            (
                Error::ClockRollback { now: 0, floor: 1 },
                LICET_E_CLOCK_ROLLBACK,
            ),
            (
                Error::TooManyLicenses { given: 9, limit: 8 },
                LICET_E_TOO_MANY_LICENSES,
            ),
        ];
        let errors: std::vec::Vec<_> = errors
            .into_iter()
            .chain([
                (
                    Error::DelegationOnly {
                        link: 0,
                        subject: g,
                    },
                    LICET_E_DELEGATION_LICENSE,
                ),
                (
                    Error::IssuedOutsideWindow {
                        link: 0,
                        issued_at: 0,
                        earliest: 1,
                        before: None,
                    },
                    LICET_E_ISSUED_OUTSIDE_WINDOW,
                ),
                (
                    Error::IssuedInFuture {
                        link: 0,
                        now: 0,
                        issued_at: 1,
                    },
                    LICET_E_ISSUED_IN_FUTURE,
                ),
                (Error::DuplicateLicense { of: 0 }, LICET_E_DUPLICATE_LICENSE),
                (Error::SerialConflict { other: 0 }, LICET_E_SERIAL_CONFLICT),
                (
                    Error::EvaluationFull {
                        what: "x",
                        limit: 1,
                    },
                    LICET_E_EVALUATION_FULL,
                ),
            ])
            .collect();
        assert_eq!(errors.len(), Error::TABLE.len(), "one entry per variant");
        assert_eq!(
            MESSAGES.len(),
            Error::TABLE.len() + 1,
            "one message per variant"
        );
        for (e, constant) in errors {
            assert_eq!(code(&e), constant, "{}", e.code());
            assert_eq!(name(constant), e.code());
        }
        assert_eq!(name(LICET_OK), "ok");
        assert_eq!(name(LICET_E_NOT_GRANTED), "not_granted");
        assert_eq!(name(99), "unknown");
    }
}
