//! See Cargo.toml: this library exists to fail to build if the verifier
//! ever needs an allocator or std.
#![no_std]

use licet_verifier::{Device, TrustedRoot, verify};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}

/// Verifies `len` bytes at `license` for the group `acme` at `now`: returns
/// 0 when valid, 1 otherwise. Exported so the whole verifier is linked.
#[unsafe(no_mangle)]
pub extern "C" fn licet_no_alloc_check(license: &[u8; 512], root: &[u8; 32], now: u64) -> i32 {
    let Ok(root) = TrustedRoot::from_bytes(root) else { return 1 };
    let Ok(device) = Device::new("acme", now) else { return 1 };
    match verify(license, &[root], &device) {
        Ok(_) => 0,
        Err(_) => 1,
    }
}
