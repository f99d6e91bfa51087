//! Reading every answer of an evaluation through the C ABI, for
//! `scripts/caps.sh` (callgrind counts the instructions of
//! `licet_caps_measured` only):
//!
//!   caps_c queries ITERATIONS
//!
//! Eight licenses at the documented caps are evaluated with
//! `licet_evaluate`; the measured loop then asks what a panel's firmware
//! asks, the way C asks it: every quota by name, every feature by name, and
//! for each role the list of its grants (one call) and one feature check. The licenses'
//! buffers are overwritten before the loop: the answers come from the
//! evaluation's own copy.
use licet_capi::*;
use licet_tests::caps::{caps_links, caps_set, group_of};
use licet_tests::{NOW, key, public};
use std::ffi::c_char;
use std::hint::black_box;
use std::mem::MaybeUninit;

/// The measured loop (callgrind counts only inside it).
#[inline(never)]
pub fn licet_caps_measured(f: &dyn Fn() -> bool, iterations: u32) -> u32 {
    (0..iterations).filter(|_| f()).count() as u32
}

fn c(s: &str) -> (*const c_char, usize) {
    (s.as_ptr().cast(), s.len())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_default();
    let iterations: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    if case != "queries" {
        eprintln!("error: unknown case {case}\nhint: queries");
        std::process::exit(2);
    }
    let n = caps_links();
    let mut files = caps_set(n);
    let group = group_of(n);
    let root = public(&key(1));
    let inputs: Vec<LicetInput> = files
        .iter()
        .map(|f| LicetInput {
            data: f.as_ptr(),
            len: f.len(),
        })
        .collect();
    let device = LicetDevice {
        group: group.as_ptr().cast(),
        group_len: group.len(),
        device_id: c("d00").0,
        device_id_len: 3,
        now: NOW,
    };
    let mut ev = Box::new(MaybeUninit::<LicetEvaluation>::uninit());
    let ev = ev.as_mut_ptr();
    // SAFETY: every pointer is valid for its length; `ev` is writable.
    let rc = unsafe {
        licet_evaluate(
            root.as_ptr(),
            1,
            inputs.as_ptr(),
            inputs.len(),
            &device,
            0,
            std::ptr::null(),
            std::ptr::null_mut(),
            0,
            std::ptr::null_mut(),
            ev,
        )
    };
    assert_eq!(rc, LICET_OK, "licet_evaluate");
    // SAFETY: `ev` was filled by licet_evaluate.
    assert_eq!(unsafe { licet_evaluation_base(ev) }, 0, "the base license");
    for f in &mut files {
        f.fill(0xee);
    }
    let quotas: Vec<String> = ["sip_numbers", "app_installs", "integrations"]
        .into_iter()
        .map(String::from)
        .chain((3..16).map(|i| format!("q{i:02}")))
        .collect();
    let features: Vec<String> = (0..32).map(|i| format!("f{i:02}")).collect();
    let roles: Vec<String> = (0..8).map(|r| format!("r{r}")).collect();
    let ev = ev.cast_const();
    let read_all = || {
        let mut value = 0u64;
        let q = quotas.iter().all(|name| {
            let (p, len) = c(black_box(name));
            // SAFETY: `ev` is filled; the name and `value` are valid.
            unsafe { licet_evaluation_quota(ev, p, len, &mut value) == LICET_OK }
        });
        let f = features.iter().all(|name| {
            let (p, len) = c(black_box(name));
            // SAFETY: as above.
            unsafe { licet_evaluation_has_feature(ev, p, len) }
        });
        let r = roles.iter().all(|role| {
            let (rp, rlen) = c(black_box(role));
            let mut grants = [LicetName {
                name: std::ptr::null(),
                len: 0,
            }; 16];
            let mut count = 0;
            let (fp, flen) = c("f00");
            // SAFETY: as above; `grants` holds 16 entries, `count` is writable.
            unsafe {
                licet_evaluation_role_grants(ev, rp, rlen, grants.as_mut_ptr(), 16, &mut count)
                    == LICET_OK
                    && count == 16
                    && licet_evaluation_role_has_feature(ev, rp, rlen, fp, flen)
            }
        });
        q && f && r
    };
    assert!(
        read_all(),
        "every answer is there after the buffers changed"
    );
    let ok = licet_caps_measured(&read_all, iterations);
    assert_eq!(ok, iterations, "every iteration must succeed");
    println!("{case} links={n} iterations={iterations}");
}
