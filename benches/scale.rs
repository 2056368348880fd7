//! One run at 100, 1,000, 10,000 and 100,000 customers (`scenarios/scale.toml`, its quota raised
//! to 200,001): the plan, the deployment in virtual time and its analysis, as `orgsim run` does
//! them. The cost should grow about linearly with the customers.
//!
//! `cargo bench --bench scale` (about three minutes; the 100,000-customer run takes seconds).
//! Whole-process time and peak memory per size: `scripts/scale.sh`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use orgsim::{analysis, scenario, sim};

fn scale(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/scale.toml");
    let sc = scenario::read(&path).expect("the shipped scenario loads");
    let mut g = c.benchmark_group("scale");
    g.sample_size(10);
    for n in [100usize, 1_000, 10_000, 100_000] {
        let sized = sc.with_customers(n);
        g.throughput(Throughput::Elements(n as u64));
        g.measurement_time(Duration::from_secs(match n {
            100_000 => 60,
            10_000 => 10,
            _ => 5,
        }));
        g.bench_with_input(BenchmarkId::new("run + analyze", n), &sized, |b, sized| {
            b.iter(|| {
                let out = sim::run(sized, sized.seed);
                black_box(analysis::analyze(
                    sized,
                    &out.plan,
                    &out.trace,
                    &out.snapshot,
                    sized.seed,
                    "sim",
                ))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
