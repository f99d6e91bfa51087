//! Example panel firmware for a Cortex-M4 (QEMU `mps2-an386`; a Cortex-M3
//! build runs on `lm3s6965evb`): verifies
//! license chains that `licet` minted when the firmware was built, and
//! prints what it found over semihosting.
//!
//! Build and run it with `scripts/firmware.sh`; `scripts/footprint.sh`
//! builds the `stub` and `measure` variants to measure flash, stack and
//! instructions (docs/FOOTPRINT.md).
#![no_std]
#![no_main]

use core::hint::black_box;
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};

#[allow(dead_code)]
mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

#[cfg(feature = "measure")]
mod measure;

const DAY: u64 = 86_400;

/// What a check found: `None` for valid, else the error's name and link.
type Outcome = Option<(&'static str, Option<usize>)>;

/// What evaluating the building's Plus, Basic and add-on gives.
struct Summary {
    tier: &'static str,
    sip_numbers: Option<u32>,
    app_installs: Option<u32>,
    warning: bool,
}

#[cfg(not(feature = "stub"))]
mod engine {
    #[cfg(not(feature = "verify-only"))]
    pub use super::evaluation::{fallback, with_builtin};
    #[cfg(feature = "verify-only")]
    pub use super::stubs::{fallback, with_builtin};
    use super::{Outcome, fixtures};
    use licet_verifier::{Device, TrustedRoot, verify};

    /// Verifies `license` for a panel in `group` at `now`, from raw bytes:
    /// the root key is decoded here too.
    #[inline(never)]
    pub fn check(license: &[u8], group: &str, now: u64) -> Outcome {
        let root = match TrustedRoot::from_bytes(&fixtures::ROOT) {
            Ok(r) => r,
            Err(e) => return Some((e.code(), None)),
        };
        let Ok(device) = Device::new(group, now) else {
            return Some(("invalid_group", None));
        };
        match verify(license, &[root], &device) {
            Ok(_) => None,
            Err(e) => Some((e.code(), e.link())),
        }
    }

    /// The group a license says it is for (read, not checked): what a
    /// panel shows when a license is for another group.
    #[inline(never)]
    pub fn licensed_group(license: &'static [u8]) -> &'static str {
        licet_verifier::format::Container::decode(license)
            .map_or("(not a license)", |c| c.last().claims.sub.as_str())
    }
}

/// The evaluation side of the engine (not in the `verify-only` build).
#[cfg(not(any(feature = "stub", feature = "verify-only")))]
mod evaluation {
    use super::{Summary, fixtures};
    use licet_verifier::{
        Builtin, Device, Options, Quota, QuotaName, Tier, TrustedRoot, evaluate, evaluate_with,
    };

    fn count(q: Option<Quota>) -> Option<u32> {
        match q? {
            Quota::Count(n) => Some(n),
            Quota::Unlimited => Some(u32::MAX),
        }
    }

    /// Evaluates the building's licenses (Plus, Basic, add-on) at `now`.
    #[inline(never)]
    pub fn fallback(now: u64) -> Summary {
        let empty = Summary {
            tier: "none",
            sip_numbers: None,
            app_installs: None,
            warning: false,
        };
        let (Ok(root), Ok(device)) = (
            TrustedRoot::from_bytes(&fixtures::ROOT),
            Device::new(fixtures::GROUP, now),
        ) else {
            return empty;
        };
        let files = [fixtures::PLUS, fixtures::BASIC, fixtures::ADDON];
        let Ok(e) = evaluate(&[root], &files, &device) else {
            return empty;
        };
        summary(&e)
    }

    /// The Basic entitlement this firmware carries: in effect whenever no
    /// license is.
    const BUILTIN: Builtin<'static> = Builtin {
        quotas: &[
            ("sip_numbers", Quota::Count(1)),
            ("app_installs", Quota::Count(2)),
        ],
        features: &["video"],
        roles: &[],
    };

    /// Evaluates `license` alone, with the built-in Basic, at `now`.
    #[inline(never)]
    pub fn with_builtin(license: &'static [u8], now: u64) -> Summary {
        let (Ok(root), Ok(device)) = (
            TrustedRoot::from_bytes(&fixtures::ROOT),
            Device::new(fixtures::GROUP, now),
        ) else {
            return summary_none();
        };
        let options = Options {
            builtin: Some(&BUILTIN),
            ..Options::default()
        };
        match evaluate_with(&[root], &[license], &device, options) {
            Ok(e) => summary(&e),
            Err(_) => summary_none(),
        }
    }

    fn summary_none() -> Summary {
        Summary {
            tier: "none",
            sip_numbers: None,
            app_installs: None,
            warning: false,
        }
    }

    fn summary(e: &licet_verifier::Evaluation<'_>) -> Summary {
        Summary {
            tier: match e.tier() {
                Some(Tier::Basic) => "basic",
                Some(Tier::Trial) => "trial",
                Some(Tier::Plus) => "plus",
                None => "none",
            },
            sip_numbers: count(e.quota(QuotaName::from_name("sip_numbers"))),
            app_installs: count(e.quota(QuotaName::from_name("app_installs"))),
            warning: e.warning(),
        }
    }
}

/// The flash baseline: the same firmware with every call into the verifier
/// replaced by something the optimizer cannot remove or predict.
#[cfg(feature = "stub")]
mod engine {
    use super::Outcome;
    pub use super::stubs::{fallback, with_builtin};
    use core::hint::black_box;

    #[inline(never)]
    pub fn check(license: &[u8], group: &str, now: u64) -> Outcome {
        // black_box on the slices keeps the embedded license bytes in the
        // image, as the real build needs them: only code differs.
        let x = black_box(license).len() ^ black_box(group).len() ^ black_box(now as usize);
        if x == 0 {
            None
        } else {
            Some(("stub", Some(x)))
        }
    }

    #[inline(never)]
    pub fn licensed_group(license: &'static [u8]) -> &'static str {
        if black_box(license).is_empty() {
            "(not a license)"
        } else {
            "stub"
        }
    }
}

/// Stubs for the evaluation calls: in the `stub` build (with `check`) and
/// in the `verify-only` build, which measures a panel that only verifies.
#[cfg(any(feature = "stub", feature = "verify-only"))]
mod stubs {
    use super::Summary;
    use core::hint::black_box;

    #[inline(never)]
    pub fn with_builtin(license: &'static [u8], now: u64) -> Summary {
        Summary {
            tier: "stub",
            sip_numbers: Some(black_box(license).len() as u32 ^ black_box(now as u32)),
            app_installs: None,
            warning: black_box(false),
        }
    }

    #[inline(never)]
    pub fn fallback(now: u64) -> Summary {
        black_box([
            super::fixtures::PLUS,
            super::fixtures::BASIC,
            super::fixtures::ADDON,
        ]);
        Summary {
            tier: "stub",
            sip_numbers: Some(black_box(now as u32)),
            app_installs: None,
            warning: black_box(false),
        }
    }
}

/// Checks outcomes against expectations. The stub build runs the same code
/// (so both builds carry the same printing), it just cannot meet them.
struct Expect {
    failures: u32,
}

fn show(what: &str, o: Outcome) {
    match o {
        None => hprintln!("{}: valid", what),
        Some((code, Some(link))) => hprintln!("{}: rejected: {} at link {}", what, code, link),
        Some((code, None)) => hprintln!("{}: rejected: {}", what, code),
    }
}

/// A quota for printing: its count, or -1 when not granted.
fn count(q: Option<u32>) -> i64 {
    q.map_or(-1, i64::from)
}

impl Expect {
    fn check(&mut self, what: &str, got: Outcome, want: Outcome) {
        show(what, got);
        if got != want {
            show("  UNEXPECTED, wanted", want);
            self.failures += 1;
        }
    }

    fn summary(&mut self, what: &str, s: Summary, want: (&str, u32, u32, bool)) {
        hprintln!(
            "{}: tier {}, sip_numbers {}, app_installs {}, warning {}",
            what,
            s.tier,
            count(s.sip_numbers),
            count(s.app_installs),
            s.warning
        );
        let got = (s.tier, s.sip_numbers, s.app_installs, s.warning);
        if got != (want.0, Some(want.1), Some(want.2), want.3) {
            hprintln!(
                "  UNEXPECTED, wanted tier {}, sip_numbers {}, app_installs {}, warning {}",
                want.0,
                want.1,
                want.2,
                want.3
            );
            self.failures += 1;
        }
    }
}

/// Room for a tampered copy of a license.
static mut TAMPERED: [u8; 2048] = [0; 2048];

#[entry]
fn main() -> ! {
    use fixtures::*;
    hprintln!("licet firmware: panel in {}", GROUP);
    let mut e = Expect { failures: 0 };
    let now = black_box(NOW);

    e.check("1-link chain", engine::check(CHAIN1, GROUP, now), None);
    e.check("3-link chain", engine::check(CHAIN3, GROUP, now), None);
    e.check("5-link chain", engine::check(CHAIN5, GROUP, now), None);

    // One bit of the last link's signature changed.
    // SAFETY: single-threaded, no interrupt touches TAMPERED.
    let tampered: &mut [u8; 2048] = unsafe { &mut *core::ptr::addr_of_mut!(TAMPERED) };
    let n = CHAIN3.len();
    tampered[..n].copy_from_slice(CHAIN3);
    tampered[n - 10] ^= 0x01;
    e.check(
        "tampered 3-link chain",
        engine::check(&tampered[..n], GROUP, now),
        Some(("bad_signature", Some(2))),
    );
    e.check(
        "3-link chain, panel in another building",
        engine::check(CHAIN3, "acme/dist-7/dealer-3/complex-12/bldg-9", now),
        Some(("wrong_group", None)),
    );
    // What the panel shows then: the group the license is for.
    let licensed = engine::licensed_group(CHAIN3);
    hprintln!("  the license is for {}", licensed);
    if !GROUP.starts_with(licensed) || GROUP.as_bytes().get(licensed.len()) != Some(&b'/') {
        hprintln!("  UNEXPECTED, wanted a group above {}", GROUP);
        e.failures += 1;
    }
    e.check(
        "3-link chain, 400 days later",
        engine::check(CHAIN3, GROUP, now + 400 * DAY),
        Some(("expired", Some(2))),
    );
    e.check(
        "5-link chain cut to its first 4 links",
        engine::check(BUILDING, GROUP, now),
        Some(("delegation_license", Some(3))),
    );
    e.summary(
        "3-link chain 400 days later, with the built-in Basic",
        engine::with_builtin(CHAIN3, now + 400 * DAY),
        ("basic", 1, 2, false),
    );
    e.summary(
        "Plus + Basic + add-on now",
        engine::fallback(now),
        ("plus", 10, 14, true),
    );
    e.summary(
        "Plus + Basic + add-on, 21 days later",
        engine::fallback(now + 21 * DAY),
        ("basic", 2, 6, false),
    );

    #[cfg(feature = "measure")]
    measure::run(&mut e.failures);

    if cfg!(feature = "stub") {
        hprintln!("RESULT stub");
        debug::exit(debug::EXIT_SUCCESS);
    } else if e.failures == 0 {
        hprintln!("RESULT ok");
        debug::exit(debug::EXIT_SUCCESS);
    } else {
        hprintln!("RESULT FAILED ({} unexpected)", e.failures);
        debug::exit(debug::EXIT_FAILURE);
    }
    loop {
        cortex_m::asm::wfi();
    }
}

/// Never reached (the verifier denies every panicking construct). It does
/// not format the panic message, as production firmware does not: that
/// keeps core's formatting machinery out of the image.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    hprintln!("PANIC");
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
