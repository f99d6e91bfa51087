//! Times `licet_verifier::verify` on one license, for
//! scripts/bindings-bench.sh (the Rust baseline the Java and Python
//! bindings are compared with in one run).
//!
//!   verify_timing FIXTURES_DIR FILE ROUNDS ITERATIONS
//!
//! Prints the median over the rounds of the mean time per verification, in
//! nanoseconds.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, file, rounds, iterations] = args.as_slice() else {
        eprintln!("usage: verify_timing FIXTURES_DIR FILE ROUNDS ITERATIONS");
        std::process::exit(2);
    };
    let dir = std::path::Path::new(dir);
    let read = |n: &str| {
        std::fs::read_to_string(dir.join(n))
            .unwrap()
            .trim()
            .to_owned()
    };
    let hex = read("root.hex");
    let key: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let root = licet_verifier::TrustedRoot::from_bytes(&key.try_into().unwrap()).unwrap();
    let group = read("group");
    let now: u64 = read("now").parse().unwrap();
    let license = std::fs::read(dir.join(file)).unwrap();
    let device = licet_verifier::Device::new(&group, now).unwrap();
    let rounds: usize = rounds.parse().unwrap();
    let iterations: u32 = iterations.parse().unwrap();
    let mut means = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = std::time::Instant::now();
        for _ in 0..iterations {
            let v = licet_verifier::verify(std::hint::black_box(&license), &[root], &device);
            assert!(v.is_ok());
        }
        means.push(start.elapsed().as_nanos() / u128::from(iterations));
    }
    means.sort_unstable();
    println!("{}", means[means.len() / 2]);
}
