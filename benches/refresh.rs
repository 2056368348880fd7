//! Day two (issue 25): one replication onboarding 5 new customers into an organization of 2,000
//! existing ones under `terraform-aws`: the model holding the existing organization, the
//! refresh of everything in state (~7,500 calls with their retries) and the apply, as a sweep
//! runs it (the plan built once and shared, a tally instead of a trace). Goal: ≤ 50 ms.
//!
//! `cargo bench --bench refresh`

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use orgsim::{plan, scenario, sim};

fn refresh(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/five-customers.toml");
    let sc = scenario::read(&path)
        .expect("the shipped scenario loads")
        .with_existing(2000);
    assert_eq!(sc.existing.customers.len(), 2000);
    let shared = Arc::new(plan::build(&sc));
    let cancel = AtomicBool::new(false);
    let mut replicator = sim::Replicator::default();
    let mut seed = 0u64;
    let mut group = c.benchmark_group("refresh");
    group.sample_size(20);
    group.bench_function("2,000 existing + 5 new customers, one replication", |b| {
        b.iter(|| {
            seed += 1;
            let (trace, _) = replicator
                .run(&sc, Arc::clone(&shared), seed, &cancel)
                .expect("not cancelled");
            assert!(trace.refresh.is_some_and(|r| r.calls > 6000));
            black_box(trace.makespan_ms())
        })
    });
    group.finish();
}

criterion_group!(benches, refresh);
criterion_main!(benches);
