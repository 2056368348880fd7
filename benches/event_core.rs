//! The event core: events per second of the queue alone (the classic "hold" model: pop the
//! earliest event, push one a random time later) at 1,000 and 100,000 pending events, and of a
//! whole M/M/1 simulation; and a 1..=100 customer sweep.
//!
//! `cargo bench --bench event_core`

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use orgsim::sim::queueing::simulate_mmc;
use orgsim::sim::EventQueue;
use orgsim::{scenario, sweep};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn hold(c: &mut Criterion) {
    let mut g = c.benchmark_group("event queue hold");
    const OPS: u64 = 100_000;
    g.throughput(Throughput::Elements(OPS));
    for pending in [1_000usize, 100_000] {
        let mut rng = SmallRng::seed_from_u64(1);
        let mut q: EventQueue<u32> = EventQueue::with_capacity(pending + 1);
        for i in 0..pending {
            q.push(rng.random_range(0..1_000_000), i as u32);
        }
        g.bench_function(format!("{pending} pending"), |b| {
            b.iter(|| {
                for _ in 0..OPS {
                    let (t, v) = q.pop().expect("non-empty");
                    q.push(t + rng.random_range(1..1_000_000), v);
                }
            })
        });
    }
    g.finish();
}

fn mm1(c: &mut Criterion) {
    let mut g = c.benchmark_group("M/M/1 rho 0.8");
    let events = simulate_mmc(0.8, 1.0, 1, 100_000, 0, 1).events;
    g.throughput(Throughput::Elements(events));
    g.bench_function("100k customers", |b| {
        b.iter(|| black_box(simulate_mmc(0.8, 1.0, 1, 100_000, 0, 1)))
    });
    g.finish();
}

fn sweep_1_to_100(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hundred-customers.toml");
    let sc = scenario::read(&path).expect("loads");
    let counts: Vec<usize> = (1..=100).collect();
    let never = AtomicBool::new(false);
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.bench_function("1..=100 customers x 10 replications, all cores", |b| {
        b.iter(|| {
            black_box(sweep::run_sweep(
                &sc,
                &counts,
                10,
                2,
                &|| {},
                &never,
                &mut |_| {},
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, hold, mm1, sweep_1_to_100);
criterion_main!(benches);
