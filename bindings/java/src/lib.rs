//! The JNI side of `licet.Licet` (bindings/java/java/licet): the verifier's
//! own evaluation, for Android panels and JVM backends. An evaluation is
//! computed once and copied into an owned [`Answers`] that Java holds by
//! handle (`licet.Evaluation`, closed by `close()` or its cleaner); every
//! accessor reads that copy, so the license arrays may be reused at once.
//! Argument errors (a bad group, a root key that is not one) are thrown as
//! `licet.LicetException` with the verifier's code, message and hint.

use jni::JNIEnv;
use jni::objects::{JByteArray, JClass, JObject, JObjectArray, JString};
use jni::sys::{jboolean, jint, jlong, jobjectArray, jstring};
use licet_verifier::{
    Device, Error, LicenseStatus, MAX_LICENSES, Options, Quota, Source, TrustedRoot, evaluate_with,
};

/// Everything a Java `Evaluation` can ask, copied out of the verifier's
/// evaluation.
#[derive(Debug, Default)]
pub struct Answers {
    /// `plus`, `trial`, `basic`, or empty when nothing is in effect.
    pub tier: String,
    /// Index of the base license; -2 the built-in Basic; -1 none.
    pub base: i32,
    /// Quotas in effect: `None` is unlimited.
    pub quotas: Vec<(String, Option<u64>)>,
    pub features: Vec<String>,
    pub roles: Vec<(String, Vec<String>)>,
    pub warning: bool,
    pub next_change: Option<(u64, usize)>,
    pub floor: u64,
    pub now: u64,
    pub rollback: bool,
    /// Per license: "ok" or the error code, and the message.
    pub statuses: Vec<(String, String)>,
}

/// A rejection or argument error for Java: code, message, hint.
#[derive(Debug)]
pub struct Failure {
    pub code: String,
    pub message: String,
    pub hint: String,
}

impl Failure {
    fn usage(message: impl Into<String>, hint: &str) -> Self {
        Self {
            code: "usage".to_owned(),
            message: message.into(),
            hint: hint.to_owned(),
        }
    }
}

/// A root public key's 32 bytes from an SPKI PEM text, 64 hex digits, the
/// firmware constant or the raw 32 bytes (`licet_report::root_key_bytes`).
pub fn root_key(data: &[u8]) -> Result<[u8; 32], Failure> {
    licet_report::root_key_bytes(data).map_err(|e| Failure::usage(e.message(), e.hint()))
}

fn hint(e: &Error<'_>) -> &'static str {
    match e {
        Error::Expired { .. } | Error::NotYetValid { .. } => {
            "check the device clock, or ask the issuer for a license valid now"
        }
        Error::WrongGroup { .. } => {
            "licenses cannot move between groups: use the license minted for this group"
        }
        Error::DelegationOnly { .. } => {
            "this file lets its holder mint licenses; install the group's own license"
        }
        Error::UnknownRoot { .. } => "pass the vendor root key the license was minted under",
        _ => "run `licet inspect` on the file to see every problem",
    }
}

/// The verifier's evaluation of `licenses` (text or binary each) for a
/// panel of `group`, copied into [`Answers`].
pub fn evaluate(
    licenses: &[Vec<u8>],
    roots: &[[u8; 32]],
    group: &str,
    device_id: Option<&str>,
    now: u64,
    floor: u64,
) -> Result<Answers, Failure> {
    let roots: Vec<TrustedRoot> = roots
        .iter()
        .map(|k| {
            TrustedRoot::from_bytes(k).map_err(|e| {
                Failure::usage(
                    format!("a trusted root is not usable: {e}"),
                    "pass the vendor's root key",
                )
            })
        })
        .collect::<Result<_, _>>()?;
    if licenses.len() > MAX_LICENSES {
        return Err(Failure::usage(
            format!(
                "{} licenses given; a device holds at most {MAX_LICENSES}",
                licenses.len()
            ),
            "pass at most 8 licenses",
        ));
    }
    let mut device = Device::new(group, now).map_err(|e| {
        Failure::usage(
            format!("group {group:?}: {e}"),
            "a group id looks like acme/dist-7/dealer-3",
        )
    })?;
    device.device_id = device_id;
    let mut buffers =
        vec![[0u8; licet_verifier::format::limits::MAX_LICENSE_BYTES]; licenses.len()];
    let mut decoded: Vec<&[u8]> = Vec::with_capacity(licenses.len());
    let mut unreadable: Vec<Option<Error<'static>>> = Vec::with_capacity(licenses.len());
    for (raw, buf) in licenses.iter().zip(buffers.iter_mut()) {
        match licet_verifier::dearmor(raw, buf) {
            Ok(b) => {
                decoded.push(b);
                unreadable.push(None);
            }
            // Kept as a file the verifier rejects, so indexes stay the caller's.
            Err(e) => {
                decoded.push(&[]);
                unreadable.push(Some(e));
            }
        }
    }
    let eval = evaluate_with(
        &roots,
        &decoded,
        &device,
        Options {
            floor,
            ..Options::default()
        },
    )
    .map_err(|e| Failure {
        code: e.code().to_owned(),
        message: e.to_string(),
        hint: hint(&e).to_owned(),
    })?;
    let tier = eval.tier().map_or("", |t| t.name()).to_owned();
    let base = match eval.base_source() {
        Some(Source::License(i)) => i32::try_from(i).unwrap_or(-1),
        Some(Source::Builtin) => -2,
        None => -1,
    };
    let quotas = eval
        .quotas()
        .map(|(n, q)| {
            (
                n.as_str().to_owned(),
                match q {
                    Quota::Count(c) => Some(u64::from(c)),
                    Quota::Unlimited => None,
                },
            )
        })
        .collect();
    let features = eval.features().map(|(f, _)| f.to_owned()).collect();
    let roles = eval
        .roles()
        .map(|r| {
            (
                r.to_owned(),
                eval.role_grants(r).map(|(g, _)| g.to_owned()).collect(),
            )
        })
        .collect();
    let statuses = (0..licenses.len())
        .map(
            |i| match (unreadable.get(i).and_then(Option::as_ref), eval.status(i)) {
                (Some(e), _) => (e.code().to_owned(), e.to_string()),
                (None, Some(LicenseStatus::Valid { .. })) => ("ok".to_owned(), "valid".to_owned()),
                (None, Some(LicenseStatus::Rejected(e))) => (e.code().to_owned(), e.to_string()),
                (None, None) => ("decode".to_owned(), "not evaluated".to_owned()),
            },
        )
        .collect();
    Ok(Answers {
        tier,
        base,
        quotas,
        features,
        roles,
        warning: eval.warning(),
        next_change: eval.next_change(),
        floor: eval.floor(),
        now: eval.now(),
        rollback: eval.rollback().is_some(),
        statuses,
    })
}

// ---- JNI -------------------------------------------------------------

fn throw(env: &mut JNIEnv<'_>, f: &Failure) {
    let _ = env.throw_new(
        "licet/LicetException",
        format!("{}\u{0}{}\u{0}{}", f.code, f.message, f.hint),
    );
}

fn byte_arrays(env: &mut JNIEnv<'_>, arr: &JObjectArray<'_>) -> jni::errors::Result<Vec<Vec<u8>>> {
    let n = env.get_array_length(arr)?;
    (0..n)
        .map(|i| {
            let o = env.get_object_array_element(arr, i)?;
            env.convert_byte_array(JByteArray::from(o))
        })
        .collect()
}

fn optional_string(env: &mut JNIEnv<'_>, s: &JString<'_>) -> jni::errors::Result<Option<String>> {
    if s.is_null() {
        Ok(None)
    } else {
        Ok(Some(env.get_string(s)?.into()))
    }
}

/// The answers behind a handle.
fn answers<'h>(handle: jlong) -> Option<&'h Answers> {
    if handle == 0 {
        return None;
    }
    // SAFETY: non-zero handles come from `Box::into_raw` in `evaluate0` and
    // stay valid until `free0`, which `licet.Evaluation` calls once.
    Some(unsafe { &*(handle as *const Answers) })
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Licet_rootKey0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    data: JByteArray<'l>,
) -> JByteArray<'l> {
    let result = env
        .convert_byte_array(&data)
        .map_err(|e| Failure::usage(e.to_string(), "pass a byte array"))
        .and_then(|d| root_key(&d));
    match result {
        Ok(k) => env.byte_array_from_slice(&k).unwrap_or_default(),
        Err(f) => {
            throw(&mut env, &f);
            JByteArray::default()
        }
    }
}

#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_licet_Licet_evaluate0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    licenses: JObjectArray<'l>,
    roots: JObjectArray<'l>,
    group: JString<'l>,
    device_id: JString<'l>,
    now: jlong,
    floor: jlong,
) -> jlong {
    let inputs = (|| -> jni::errors::Result<_> {
        Ok((
            byte_arrays(&mut env, &licenses)?,
            byte_arrays(&mut env, &roots)?,
            String::from(env.get_string(&group)?),
            optional_string(&mut env, &device_id)?,
        ))
    })();
    let (licenses, roots, group, device_id) = match inputs {
        Ok(v) => v,
        Err(e) => {
            throw(
                &mut env,
                &Failure::usage(e.to_string(), "pass byte arrays and a group"),
            );
            return 0;
        }
    };
    let keys: Result<Vec<[u8; 32]>, Failure> = roots.iter().map(|k| root_key(k)).collect();
    let result = keys.and_then(|keys| {
        evaluate(
            &licenses,
            &keys,
            &group,
            device_id.as_deref(),
            u64::try_from(now).unwrap_or(0),
            u64::try_from(floor).unwrap_or(0),
        )
    });
    match result {
        Ok(a) => Box::into_raw(Box::new(a)) as jlong,
        Err(f) => {
            throw(&mut env, &f);
            0
        }
    }
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Evaluation_free0(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    if handle != 0 {
        // SAFETY: the handle came from `Box::into_raw` and Java frees it once.
        drop(unsafe { Box::from_raw(handle as *mut Answers) });
    }
}

fn new_string(env: &mut JNIEnv<'_>, s: &str) -> jstring {
    env.new_string(s)
        .map_or(std::ptr::null_mut(), |s| s.into_raw())
}

fn string_array(env: &mut JNIEnv<'_>, items: &[String]) -> jobjectArray {
    let made = (|| -> jni::errors::Result<jobjectArray> {
        let len = i32::try_from(items.len()).unwrap_or(i32::MAX);
        let arr = env.new_object_array(len, "java/lang/String", JObject::null())?;
        for (i, s) in items.iter().enumerate() {
            let js = env.new_string(s)?;
            env.set_object_array_element(&arr, i32::try_from(i).unwrap_or(0), js)?;
        }
        Ok(arr.into_raw())
    })();
    made.unwrap_or(std::ptr::null_mut())
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Evaluation_tier0(
    mut env: JNIEnv<'_>,
    _c: JClass<'_>,
    h: jlong,
) -> jstring {
    let tier = answers(h).map_or("", |a| a.tier.as_str()).to_owned();
    new_string(&mut env, &tier)
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Evaluation_base0(
    _env: JNIEnv<'_>,
    _c: JClass<'_>,
    h: jlong,
) -> jint {
    answers(h).map_or(-1, |a| a.base)
}

/// A quota: its count, `Long.MAX_VALUE` for unlimited, -1 when not granted.
#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Evaluation_quota0(
    mut env: JNIEnv<'_>,
    _c: JClass<'_>,
    h: jlong,
    name: JString<'_>,
) -> jlong {
    let Ok(name) = env.get_string(&name).map(String::from) else {
        return -1;
    };
    answers(h)
        .and_then(|a| a.quotas.iter().find(|(n, _)| *n == name))
        .map_or(-1, |(_, v)| {
            v.map_or(jlong::MAX, |v| jlong::try_from(v).unwrap_or(jlong::MAX))
        })
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Evaluation_quotaNames0(
    mut env: JNIEnv<'_>,
    _c: JClass<'_>,
    h: jlong,
) -> jobjectArray {
    let names: Vec<String> = answers(h).map_or_else(Vec::new, |a| {
        a.quotas.iter().map(|(n, _)| n.clone()).collect()
    });
    string_array(&mut env, &names)
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Evaluation_features0(
    mut env: JNIEnv<'_>,
    _c: JClass<'_>,
    h: jlong,
) -> jobjectArray {
    let f: Vec<String> = answers(h).map_or_else(Vec::new, |a| a.features.clone());
    string_array(&mut env, &f)
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Evaluation_roleGrants0(
    mut env: JNIEnv<'_>,
    _c: JClass<'_>,
    h: jlong,
    role: JString<'_>,
) -> jobjectArray {
    let role: String = env.get_string(&role).map(String::from).unwrap_or_default();
    let g: Vec<String> = answers(h)
        .and_then(|a| a.roles.iter().find(|(r, _)| *r == role))
        .map_or_else(Vec::new, |(_, g)| g.clone());
    string_array(&mut env, &g)
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Evaluation_warning0(
    _env: JNIEnv<'_>,
    _c: JClass<'_>,
    h: jlong,
) -> jboolean {
    jboolean::from(answers(h).is_some_and(|a| a.warning))
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Evaluation_clockRollback0(
    _env: JNIEnv<'_>,
    _c: JClass<'_>,
    h: jlong,
) -> jboolean {
    jboolean::from(answers(h).is_some_and(|a| a.rollback))
}

/// 0: floor, 1: time evaluated at, 2: next change's time (-1 none), 3: next
/// change's license (-1 none), 4: licenses evaluated.
#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Evaluation_number0(
    _env: JNIEnv<'_>,
    _c: JClass<'_>,
    h: jlong,
    which: jint,
) -> jlong {
    let Some(a) = answers(h) else { return -1 };
    let signed = |v: u64| jlong::try_from(v).unwrap_or(jlong::MAX);
    match which {
        0 => signed(a.floor),
        1 => signed(a.now),
        2 => a.next_change.map_or(-1, |(t, _)| signed(t)),
        3 => a
            .next_change
            .map_or(-1, |(_, i)| jlong::try_from(i).unwrap_or(-1)),
        4 => jlong::try_from(a.statuses.len()).unwrap_or(0),
        _ => -1,
    }
}

/// License `index`'s status: [code, message] ("ok" when valid).
#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Evaluation_status0(
    mut env: JNIEnv<'_>,
    _c: JClass<'_>,
    h: jlong,
    index: jint,
) -> jobjectArray {
    let s = answers(h)
        .and_then(|a| usize::try_from(index).ok().and_then(|i| a.statuses.get(i)))
        .map_or_else(Vec::new, |(c, m)| vec![c.clone(), m.clone()]);
    string_array(&mut env, &s)
}

/// What a license (text or binary) says about itself, unchecked: serial
/// (hex), subject, issuer, tier, kind, "delegates" or "", not before, not
/// after (0: none), issued at, links.
pub fn info(data: &[u8]) -> Result<[String; 10], Failure> {
    let mut buf = [0u8; licet_verifier::format::limits::MAX_LICENSE_BYTES];
    let binary = licet_verifier::dearmor(data, &mut buf).map_err(|e| Failure {
        code: e.code().to_owned(),
        message: e.to_string(),
        hint: "the file is damaged or not a licet license; ask its issuer for a fresh copy"
            .to_owned(),
    })?;
    let license = licet_verifier::UnverifiedLicense::parse(binary).map_err(|e| Failure {
        code: e.code().to_owned(),
        message: e.to_string(),
        hint: "the file is damaged or not a licet license; ask its issuer for a fresh copy"
            .to_owned(),
    })?;
    let c = &license.container().last().claims;
    let hex: String = c.serial.iter().map(|b| format!("{b:02x}")).collect();
    Ok([
        hex,
        c.sub.as_str().to_owned(),
        c.iss.as_str().to_owned(),
        c.tier.name().to_owned(),
        c.kind.name().to_owned(),
        if c.cnf.is_some() { "delegates" } else { "" }.to_owned(),
        c.nbf.to_string(),
        c.exp.unwrap_or(0).to_string(),
        c.iat.to_string(),
        license.len().to_string(),
    ])
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_licet_Licet_info0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    data: JByteArray<'l>,
) -> jobjectArray {
    let result = env
        .convert_byte_array(&data)
        .map_err(|e| Failure::usage(e.to_string(), "pass a byte array"))
        .and_then(|d| info(&d));
    match result {
        Ok(fields) => string_array(&mut env, &fields),
        Err(f) => {
            throw(&mut env, &f);
            std::ptr::null_mut()
        }
    }
}
