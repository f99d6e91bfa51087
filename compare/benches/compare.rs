//! Wall time, the secondary figure (instructions, counted by callgrind, are
//! the primary one: scripts/compare.sh). Each group times one level count:
//! the floor alongside every format, in the same run.

use criterion::{Criterion, criterion_group, criterion_main};
use licet_compare::*;
use std::hint::black_box;

fn levels(c: &mut Criterion) {
    for n in [1usize, 3, 5] {
        let mut g = c.benchmark_group(format!("levels-{n}"));
        let p = licet::prepare(n);
        let avg = p.sig_structure_bytes.iter().sum::<usize>() / p.sig_structure_bytes.len();
        let f = floor::input(avg);
        g.bench_function("floor", |b| {
            b.iter(|| assert!(floor::verify(black_box(&f))))
        });
        g.bench_function("licet", |b| {
            b.iter(|| assert!(licet::verify(black_box(&p))))
        });
        let s = licet::prepare_set(n);
        g.bench_function("licet-evaluate", |b| {
            b.iter(|| assert!(licet::evaluate(black_box(&s))))
        });
        let cp = cose::prepare(n);
        g.bench_function("coset", |b| {
            b.iter(|| assert!(cose::verify(black_box(&cp))))
        });
        let bp = biscuit::prepare(n);
        g.bench_function("biscuit", |b| {
            b.iter(|| assert!(biscuit::verify(black_box(&bp))))
        });
        if n == 1 {
            let pp = paseto::prepare();
            g.bench_function("paseto", |b| {
                b.iter(|| assert!(paseto::verify(black_box(&pp))))
            });
            let jp = jwt::prepare();
            g.bench_function("jwt", |b| b.iter(|| assert!(jwt::verify(black_box(&jp)))));
        }
        g.finish();
    }
}

criterion_group!(benches, levels);
criterion_main!(benches);
