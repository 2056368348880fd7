//! The people side of onboarding: a year of support for 1,000 customers (about 58,000
//! tickets: drawing them, serving them with 70 people, the waits' percentiles and the daily
//! queue), and the staffing table over 1..=100 customers at 20 replications (with its 0.5× and
//! 2× ticket-rate tables and the attainment curves for 1..=5 people).
//!
//! `cargo bench --bench ops`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use orgsim::config::calendar::{DAY_MS, MINUTE_MS};
use orgsim::ops::desk::{self, Demand, QueueTrace, Scratch, ServeParams};
use orgsim::ops::staff::{self, StaffInput, StaffOptions};
use orgsim::ops::{OperationsConfig, OpsCustomer};

fn customers(n: usize) -> Vec<OpsCustomer> {
    let tiers = ["fintech", "healthcare", "gov-federal", "standard"];
    (0..n)
        .map(|i| OpsCustomer {
            tier: tiers[i % 4].to_string(),
            signed_ms: 0,
            monthly_cents: 800_000,
        })
        .collect()
}

fn year_of_support(c: &mut Criterion) {
    let cfg = OperationsConfig {
        horizon_ms: 365 * DAY_MS,
        ..OperationsConfig::default()
    };
    let s = &cfg.support;
    let cs = customers(1_000);
    let demand = Demand::new(
        cs.iter().map(|c| (c.signed_ms, c.tier.as_str())),
        &s.tickets_per_customer_month,
        1.0,
    );
    let p = ServeParams {
        staff: 70,
        calendar: &s.hours,
        response_sla_ms: s.response_sla_ms,
        resolution_sla_ms: s.resolution_sla_ms,
        horizon_ms: cfg.horizon_ms,
        measure_from_ms: 0,
    };
    let (mut tickets, mut waits) = (Vec::new(), Vec::new());
    let mut trace = QueueTrace::new(cfg.horizon_ms, 366);
    let mut scratch = Scratch::default();
    let mut seed = 0u64;
    c.bench_function("ops: a year of support, 1,000 customers", |b| {
        b.iter(|| {
            seed += 1;
            desk::generate_tickets(
                &demand,
                &s.handle_time,
                &s.hours,
                cfg.horizon_ms,
                seed,
                &mut tickets,
            );
            waits.clear();
            let st = desk::serve(
                &tickets,
                &p,
                &mut scratch,
                Some(&mut waits),
                Some(&mut trace),
            );
            let p50 = desk::nearest_rank(&mut waits, 0.5);
            let p95 = desk::nearest_rank(&mut waits, 0.95);
            black_box((st, p50, p95, trace.samples()))
        })
    });
}

fn staff_table(c: &mut Criterion) {
    let cfg = OperationsConfig::default();
    let cs = customers(100);
    let counts: Vec<usize> = (1..=100).collect();
    let deploy = |n: usize| vec![8 * MINUTE_MS; n];
    let mut g = c.benchmark_group("ops");
    g.sample_size(10);
    g.bench_function("staff table 1..=100 customers, 20 replications", |b| {
        b.iter(|| {
            black_box(
                staff::table(&StaffInput {
                    config: &cfg,
                    customers: &cs,
                    counts: &counts,
                    deploy_ms: &deploy,
                    options: StaffOptions::default(),
                })
                .expect("valid"),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, year_of_support, staff_table);
criterion_main!(benches);
