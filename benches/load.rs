//! A whole load test in virtual time: `scenarios/capacity.toml` at 2 and at 4 customers a
//! minute for an hour (about 100 and 220 onboardings against one model).
//!
//! `cargo bench --bench load`

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use orgsim::config::{Arrivals, Stage};
use orgsim::loadtest::{self, LoadSpec};
use orgsim::scenario;

fn load_sim(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/capacity.toml");
    let sc = scenario::read(&path).expect("the shipped scenario loads");
    for per_min in [2.0, 4.0] {
        let spec = LoadSpec {
            stages: vec![Stage {
                duration_ms: 3_600_000,
                target_per_min: per_min,
            }],
            arrivals: Arrivals::Poisson,
            thresholds: vec![],
            max_concurrent: Some(20),
            grace_ms: loadtest::DEFAULT_GRACE_MS,
        };
        let mut seed = 0u64;
        c.bench_function(&format!("loadtest::simulate, {per_min}/min for 1 h"), |b| {
            b.iter(|| {
                seed += 1;
                black_box(loadtest::simulate(&sc, &spec, seed))
            })
        });
    }
}

criterion_group!(benches, load_sim);
criterion_main!(benches);
