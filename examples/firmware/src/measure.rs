//! Measurements, printed as `MEASURE key=value ...` lines that
//! `scripts/footprint.sh` turns into docs/FOOTPRINT.md's table.
//!
//! * Instructions: QEMU runs with `-icount shift=0` (one instruction = 1 ns
//!   of virtual time) and SysTick counts the core clock, so SysTick ticks
//!   are proportional to instructions. A loop of known length calibrates
//!   instructions per tick in the same run.
//! * Stack: the free stack below the current stack pointer is painted
//!   before a call and scanned after it; the deepest changed word is the
//!   peak.
//! * Floor: one bare signature check per link from raw bytes
//!   (`VerifyingKey::from_bytes` + `verify_strict`, straight from
//!   ed25519-dalek) over that link's own Sig_structure,
//!   with its own key and signature: work no verifier can avoid.

use crate::fixtures::{self, GROUP, NOW, ROOT};
use core::hint::black_box;
use core::sync::atomic::{AtomicU32, Ordering};
use cortex_m::peripheral::SYST;
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m_rt::exception;
use cortex_m_semihosting::hprintln;
use licet_verifier::format::link::MAX_SIG_STRUCTURE_BYTES;
use licet_verifier::{
    CACHE_ENTRY_BYTES, Device, TrustedRoot, UnverifiedLicense, VerifyCache, evaluate, verify_cached,
};

/// The floor: `VerifyingKey::from_bytes` + `verify_strict` from raw bytes.
#[inline(never)]
fn bare_check(key: &[u8; 32], msg: &[u8], signature: &[u8; 64]) -> bool {
    ed25519_dalek::VerifyingKey::from_bytes(key)
        .and_then(|k| k.verify_strict(msg, &ed25519_dalek::Signature::from_bytes(signature)))
        .is_ok()
}

const RELOAD: u32 = 0x00FF_FFFF;
static WRAPS: AtomicU32 = AtomicU32::new(0);

#[exception]
fn SysTick() {
    WRAPS.fetch_add(1, Ordering::Relaxed);
}

fn now_ticks() -> u64 {
    // Read twice around the wrap counter so a wrap between the reads is seen.
    loop {
        let w = WRAPS.load(Ordering::Relaxed);
        let cvr = SYST::get_current();
        if WRAPS.load(Ordering::Relaxed) == w {
            return u64::from(w) * u64::from(RELOAD + 1) + u64::from(RELOAD - cvr);
        }
    }
}

const PAINT: u32 = 0x5A5A_A5A5;
/// Bytes of stack painted below the caller's frame.
const PAINT_BYTES: usize = 64 * 1024;

fn sp() -> usize {
    cortex_m::register::msp::read() as usize
}

/// Paints the free stack below the current frame; returns its bounds.
#[inline(never)]
fn paint() -> (usize, usize) {
    let top = sp() - 256;
    let bottom = top - PAINT_BYTES;
    let mut p = bottom;
    while p < top {
        // SAFETY: below the live stack, inside RAM; nothing else runs.
        unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
    (bottom, top)
}

/// The deepest painted word that changed.
fn deepest(bottom: usize, top: usize) -> usize {
    let mut p = bottom;
    // SAFETY: the region `paint` wrote.
    while p < top && unsafe { core::ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    p
}

/// Runs `f`, returning its result, the SysTick ticks it took and its peak
/// stack in bytes (from the stack pointer at the call).
#[inline(never)]
fn measured<R>(f: impl FnOnce() -> R) -> (R, u64, usize) {
    let at_call = sp();
    let (bottom, top) = paint();
    let start = now_ticks();
    let r = black_box(f());
    let end = now_ticks();
    let low = deepest(bottom, top);
    (r, end - start, at_call.saturating_sub(low))
}

/// Ticks for a loop of `2 * n + 1` instructions.
#[inline(never)]
fn calibrate(n: u32) -> u64 {
    let start = now_ticks();
    // SAFETY: a register-only countdown loop.
    unsafe {
        core::arch::asm!(
            "2:",
            "subs {n}, #1",
            "bne 2b",
            n = inout(reg) n => _,
            options(nomem, nostack),
        );
    }
    now_ticks() - start
}

struct Scale {
    insns: u64,
    ticks: u64,
}

impl Scale {
    fn insns(&self, ticks: u64) -> u64 {
        (ticks * self.insns + self.ticks / 2) / self.ticks
    }
}

fn root() -> TrustedRoot {
    TrustedRoot::from_bytes(&ROOT).unwrap_or_else(|_| panic!("the fixture root key is valid"))
}

/// Floor ticks for `license`: one bare check per link.
fn floor(license: &[u8], failures: &mut u32) -> (u64, usize, usize) {
    let Ok(parsed) = UnverifiedLicense::parse(license) else {
        *failures += 1;
        return (0, 0, 0);
    };
    let mut total = 0;
    let mut bytes = 0;
    let mut peak = 0;
    let mut key = ROOT;
    let mut buf = [0u8; MAX_SIG_STRUCTURE_BYTES];
    for link in parsed.links() {
        let Ok(msg) = link.sig_structure(&mut buf) else {
            *failures += 1;
            continue;
        };
        bytes += msg.len();
        let (ok, ticks, stack) = measured(|| bare_check(black_box(&key), msg, link.signature));
        peak = peak.max(stack);
        if !ok {
            hprintln!("  UNEXPECTED: floor signature check failed");
            *failures += 1;
        }
        total += ticks;
        if let Some(cnf) = link.claims.cnf {
            key = *cnf;
        }
    }
    (total, bytes, peak)
}

pub fn run(failures: &mut u32) {
    // SAFETY: taken once, nothing else uses the core peripherals.
    let mut cp = unsafe { cortex_m::Peripherals::steal() };
    cp.SYST.set_clock_source(SystClkSource::Core);
    cp.SYST.set_reload(RELOAD);
    cp.SYST.clear_current();
    cp.SYST.enable_interrupt();
    cp.SYST.enable_counter();

    hprintln!(
        "MEASURE sizes link={} container={} claims={} verified={} evaluation={} error={} decode_error={}",
        core::mem::size_of::<licet_verifier::format::Link<'static>>(),
        core::mem::size_of::<licet_verifier::format::Container<'static>>(),
        core::mem::size_of::<licet_verifier::format::Claims<'static>>(),
        core::mem::size_of::<licet_verifier::VerifiedLicense<'static>>(),
        core::mem::size_of::<licet_verifier::Evaluation<'static>>(),
        core::mem::size_of::<licet_verifier::Error<'static>>(),
        core::mem::size_of::<licet_verifier::DecodeError>(),
    );
    // The counter reads 0 until its first tick loads the reload value.
    while SYST::get_current() == 0 {}
    let n = 1_000_000;
    let scale = Scale {
        insns: 2 * u64::from(n) + 1,
        ticks: calibrate(n),
    };
    hprintln!(
        "MEASURE calibration insns={} ticks={}",
        scale.insns,
        scale.ticks
    );

    let chains = [
        (1, fixtures::CHAIN1),
        (3, fixtures::CHAIN3),
        (5, fixtures::CHAIN5),
    ];
    for (links, chain) in chains {
        let (outcome, ticks, stack) = measured(|| {
            let root = root();
            let device = Device::new(black_box(GROUP), black_box(NOW)).ok()?;
            Some(licet_verifier::verify(black_box(chain), &[root], &device).is_ok())
        });
        if outcome != Some(true) {
            *failures += 1;
        }
        let (floor_ticks, msg_bytes, floor_stack) = floor(chain, failures);

        // Verify once: a cold check fills the cache, a warm one hits it.
        let mut slots = [[0u8; CACHE_ENTRY_BYTES]; 8];
        let cached = |slots: &mut [[u8; CACHE_ENTRY_BYTES]; 8]| {
            measured(|| {
                let root = root();
                let device = Device::new(black_box(GROUP), black_box(NOW)).ok()?;
                let mut cache = VerifyCache::new(slots);
                Some(verify_cached(black_box(chain), &[root], &device, &mut cache).is_ok())
            })
        };
        let (cold_ok, cold, _) = cached(&mut slots);
        let (warm_ok, warm, warm_stack) = cached(&mut slots);
        if cold_ok != Some(true) || warm_ok != Some(true) {
            *failures += 1;
        }
        hprintln!(
            "MEASURE chain links={} bytes={} sig_structure_bytes={} insns={} floor_insns={} stack={} floor_stack={} cached_cold_insns={} cached_warm_insns={} cached_warm_stack={}",
            links,
            chain.len(),
            msg_bytes,
            scale.insns(ticks),
            scale.insns(floor_ticks),
            stack,
            floor_stack,
            scale.insns(cold),
            scale.insns(warm),
            warm_stack
        );
    }

    // Three licenses sharing their upper links, evaluated together.
    let files = [fixtures::PLUS, fixtures::BASIC, fixtures::ADDON];
    let (base, ticks, stack) = measured(|| {
        let root = root();
        let device = Device::new(black_box(GROUP), black_box(NOW)).ok()?;
        let e = evaluate(&[root], black_box(&files), &device).ok()?;
        e.base()
    });
    if base != Some(0) {
        *failures += 1;
    }
    let mut links = 0;
    let mut floor_ticks = 0;
    for f in files {
        links += UnverifiedLicense::parse(f).map_or(0, |l| l.len());
        floor_ticks += floor(f, failures).0;
    }
    hprintln!(
        "MEASURE evaluate licenses=3 links={} insns={} floor_insns={} stack={}",
        links,
        scale.insns(ticks),
        scale.insns(floor_ticks),
        stack
    );
}
