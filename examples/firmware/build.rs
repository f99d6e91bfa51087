//! Embeds the license files minted by `scripts/mint-fixtures.sh`: the folder
//! named by LICET_FIXTURES (scripts/firmware.sh sets it).
use std::{env, fs, path::PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=LICET_FIXTURES");
    // Cortex-M3 builds run on QEMU's lm3s6965evb, Cortex-M4 ones on mps2-an386.
    let memory = if env::var("TARGET")
        .unwrap_or_default()
        .starts_with("thumbv7m-")
    {
        "memory-lm3s6965.x"
    } else {
        "memory-mps2-an386.x"
    };
    println!("cargo:rerun-if-changed={memory}");
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::copy(memory, out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());

    let Some(dir) = env::var_os("LICET_FIXTURES").map(PathBuf::from) else {
        panic!(
            "LICET_FIXTURES is not set: build through scripts/firmware.sh, which mints the licenses"
        );
    };
    let dir = dir.canonicalize().expect("LICET_FIXTURES exists");
    let read = |name: &str| {
        let p = dir.join(name);
        println!("cargo:rerun-if-changed={}", p.display());
        fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let hex = read("root.hex");
    let hex = hex.trim();
    let root: Vec<String> = (0..32)
        .map(|i| format!("0x{}", &hex[2 * i..2 * i + 2]))
        .collect();
    let mut src = format!(
        "pub const ROOT: [u8; 32] = [{}];\npub const NOW: u64 = {};\npub const GROUP: &str = {:?};\n",
        root.join(", "),
        read("now").trim(),
        read("group").trim()
    );
    for name in [
        "chain1", "chain3", "chain5", "plus", "basic", "addon", "building",
    ] {
        let p = dir.join(format!("{name}.lic"));
        println!("cargo:rerun-if-changed={}", p.display());
        src += &format!(
            "pub static {}: &[u8] = include_bytes!({:?});\n",
            name.to_uppercase(),
            p.display().to_string()
        );
    }
    fs::write(out.join("fixtures.rs"), src).unwrap();
}
