//! One 100-customer replication in simulated time: the deployment alone, with its analysis, and
//! as a sweep does it (the plan built once and shared, a tally instead of a trace, the driver
//! and engine reused, the row of metrics).
//!
//! `cargo bench --bench replication`

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use orgsim::{analysis, plan, scenario, sim, sweep};

fn replication(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hundred-customers.toml");
    let sc = scenario::read(&path).expect("the shipped scenario loads");
    assert_eq!(sc.customers.len(), 100);
    let mut seed = 0u64;
    c.bench_function("sim::run, 100 customers", |b| {
        b.iter(|| {
            seed += 1;
            black_box(sim::run(&sc, seed))
        })
    });
    c.bench_function("sim::run + analyze, 100 customers", |b| {
        b.iter(|| {
            seed += 1;
            let out = sim::run(&sc, seed);
            black_box(analysis::analyze(
                &sc,
                &out.plan,
                &out.trace,
                &out.snapshot,
                seed,
                "sim",
            ))
        })
    });
    let shared = Arc::new(plan::build(&sc));
    let cancel = AtomicBool::new(false);
    // As a sweep thread does it: one replicator, reset from one replication to the next.
    let mut replicator = sim::Replicator::default();
    c.bench_function("sweep replication (metrics only), 100 customers", |b| {
        b.iter(|| {
            seed += 1;
            let (trace, _) = replicator
                .run(&sc, Arc::clone(&shared), seed, &cancel)
                .expect("not cancelled");
            black_box(sweep::metrics(&sc, &shared, trace, seed, 100, 0))
        })
    });
}

criterion_group!(benches, replication);
criterion_main!(benches);
