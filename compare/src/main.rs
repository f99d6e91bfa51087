//! `licet-compare CASE LEVELS ITERATIONS`: prepares one case, then verifies
//! it ITERATIONS times inside `licet_compare_measured`, the only function
//! callgrind counts (`--toggle-collect`, scripts/compare.sh).
//! `licet-compare sizes`: token sizes per format and level.

use licet_compare::*;
use std::hint::black_box;
use std::process::ExitCode;

/// The measured region: `iterations` verifications, nothing else.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn licet_compare_measured(iterations: u32, verify: &dyn Fn() -> bool) -> bool {
    let mut ok = true;
    for _ in 0..iterations {
        ok &= black_box(verify());
    }
    ok
}

fn run(case: &str, levels: usize, iterations: u32) -> Option<bool> {
    Some(match case {
        "floor" => {
            // The floor for one link of an N-level licet chain: the average
            // Sig_structure size of its links.
            let p = licet::prepare(levels);
            let avg = p.sig_structure_bytes.iter().sum::<usize>() / p.sig_structure_bytes.len();
            let input = floor::input(avg);
            licet_compare_measured(iterations, &|| floor::verify(&input))
        }
        "licet" => {
            let p = licet::prepare(levels);
            licet_compare_measured(iterations, &|| licet::verify(&p))
        }
        "licet-evaluate" => {
            let s = licet::prepare_set(levels);
            licet_compare_measured(iterations, &|| licet::evaluate(&s))
        }
        "coset" => {
            let p = cose::prepare(levels);
            licet_compare_measured(iterations, &|| cose::verify(&p))
        }
        "biscuit" => {
            let p = biscuit::prepare(levels);
            licet_compare_measured(iterations, &|| biscuit::verify(&p))
        }
        "paseto" if levels == 1 => {
            let p = paseto::prepare();
            licet_compare_measured(iterations, &|| paseto::verify(&p))
        }
        "jwt" if levels == 1 => {
            let p = jwt::prepare();
            licet_compare_measured(iterations, &|| jwt::verify(&p))
        }
        _ => return None,
    })
}

fn sizes() {
    println!("| format | levels | binary bytes | text bytes |");
    println!("|---|---|---|---|");
    for n in [1, 3, 5] {
        let p = licet::prepare(n);
        let text = licet_common::armor::encode(&p.bytes);
        println!(
            "| licet (COSE_Sign1 chain) | {n} | {} | {} |",
            p.bytes.len(),
            text.len()
        );
    }
    for n in [1, 3, 5] {
        let p = biscuit::prepare(n);
        println!(
            "| Biscuit | {n} | {} | {} |",
            p.bytes.len(),
            biscuit::text(&p).len()
        );
    }
    let p = paseto::prepare();
    // v4.public: header, then base64url(message ‖ 64-byte signature).
    let raw = p.token.len() - "v4.public.".len();
    println!(
        "| PASETO v4.public | 1 | {} | {} |",
        raw * 3 / 4,
        p.token.len()
    );
    let p = jwt::prepare();
    let parts: Vec<&str> = p.token.split('.').collect();
    let binary: usize = parts.iter().map(|s| s.len() * 3 / 4).sum();
    println!("| JWT (EdDSA) | 1 | {binary} | {} |", p.token.len());
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [s] if s == "sizes" => {
            sizes();
            ExitCode::SUCCESS
        }
        [case, levels, iterations] => {
            let (Ok(levels), Ok(iterations)) = (levels.parse(), iterations.parse()) else {
                eprintln!("error: LEVELS and ITERATIONS are numbers");
                return ExitCode::from(2);
            };
            match run(case, levels, iterations) {
                Some(true) => ExitCode::SUCCESS,
                Some(false) => {
                    eprintln!("error: {case} at {levels} levels did not verify");
                    ExitCode::from(1)
                }
                None => {
                    eprintln!(
                        "error: unknown case {case} at {levels} levels\nhint: floor, licet, licet-evaluate, coset, biscuit (1, 3, 5); paseto, jwt (1)"
                    );
                    ExitCode::from(2)
                }
            }
        }
        _ => {
            eprintln!("usage: licet-compare CASE LEVELS ITERATIONS | licet-compare sizes");
            ExitCode::from(2)
        }
    }
}
