use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::*;
use crate::engine::tests::scenario;
use crate::scenario::Scenario;
use crate::sim;

#[test]
fn ranges_and_counts() {
    assert_eq!(parse_range("1..=100"), Ok((1, 100)));
    assert_eq!(parse_range("7"), Ok((7, 7)));
    assert!(parse_range("5..=1").is_err());
    assert!(parse_range("0..=3").is_err());
    assert!(parse_range("1..100").is_err());
    assert_eq!(
        counts(1, 100, 11),
        vec![1, 12, 23, 34, 45, 56, 67, 78, 89, 100]
    );
    assert_eq!(counts(3, 3, 1), vec![3]);
}

#[test]
fn resize_truncates_and_extends_with_the_mix() {
    let sc = scenario(3);
    assert_eq!(sc.with_customers(2).customers.len(), 2);
    let big = sc.with_customers(7);
    assert_eq!(big.customers.len(), 7);
    assert_eq!(big.customers[3].tier, sc.customers[0].tier);
    assert_eq!(big.customers[4].tier, sc.customers[1].tier);
    let mut emails: Vec<_> = big.customers.iter().map(|c| c.email.clone()).collect();
    emails.sort();
    emails.dedup();
    assert_eq!(emails.len(), 7);
}

fn collect(sc: &Scenario, counts: &[usize], reps: u32, threads: usize) -> (SweepRun, Vec<RepRow>) {
    let never = AtomicBool::new(false);
    let mut rows = Vec::new();
    let run = run_sweep(sc, counts, reps, threads, &|| {}, &never, &mut |r| {
        rows.push(r.clone())
    });
    (run, rows)
}

#[test]
fn thread_count_does_not_change_results_and_rows_come_in_job_order() {
    let sc = scenario(6);
    let (a, rows_a) = collect(&sc, &[2, 6], 4, 1);
    let (b, rows_b) = collect(&sc, &[2, 6], 4, 3);
    assert_eq!(a, b);
    assert_eq!(rows_a, rows_b);
    assert!(a.complete);
    assert_eq!(a.done, 8);
    let order: Vec<_> = rows_a
        .iter()
        .map(|r| (r.customers, r.replication))
        .collect();
    assert_eq!(
        order,
        vec![
            (2, 0),
            (2, 1),
            (2, 2),
            (2, 3),
            (6, 0),
            (6, 1),
            (6, 2),
            (6, 3)
        ]
    );
    assert_eq!(rows_a[5], run_one(&sc, 6, 1), "replication re-run alone");
    // The streamed summaries are the ones the rows give.
    let six: Vec<&RepRow> = rows_a.iter().filter(|r| r.customers == 6).collect();
    assert_eq!(a.counts[1], summarize(6, &six));
    assert_eq!(a.counts.len(), 2);
}

#[test]
fn a_cancelled_sweep_stops_and_keeps_only_a_prefix() {
    let sc = scenario(6);
    let stop = AtomicBool::new(true);
    let mut rows = 0;
    let c = run_sweep(&sc, &[2, 6], 4, 2, &|| {}, &stop, &mut |_| rows += 1);
    assert_eq!((c.done, c.complete, rows), (0, false, 0));
    assert!(c.counts.is_empty());
    // Cancelled after the third row: the rows out are the first ones, in order, and the
    // partial count is summarized from them.
    let stop = AtomicBool::new(false);
    let mut seen = Vec::new();
    let c = run_sweep(&sc, &[2, 6], 4, 1, &|| {}, &stop, &mut |r| {
        seen.push((r.customers, r.replication));
        if seen.len() == 3 {
            stop.store(true, Ordering::Relaxed);
        }
    });
    assert!(!c.complete);
    assert_eq!(c.done, 3);
    assert_eq!(seen, vec![(2, 0), (2, 1), (2, 2)]);
    assert_eq!(c.counts.len(), 1);
    assert_eq!(c.counts[0].replications, 3);
}

#[test]
fn counts_only_gives_the_figures_a_full_trace_gives() {
    let mut sc = scenario(12);
    // Errors of every kind the figures count: throttling, conflicts, internal errors.
    sc.service.internal_error_probability = 0.05;
    sc.service.concurrent_modification_probability = 1.0;
    sc.service.throttle.insert(
        "MoveAccount".into(),
        crate::config::service::Bucket {
            rate: 0.5,
            burst: 1.0,
        },
    );
    let plan = Arc::new(crate::plan::build(&sc));
    let never = AtomicBool::new(false);
    let mut seen_errors = 0;
    for seed in 1..=5 {
        let full = sim::run_plan(&sc, plan.clone(), seed);
        let (counts, _) = sim::replicate(&sc, plan.clone(), seed, &never).unwrap();
        assert!(counts.calls.is_empty() && !full.trace.calls.is_empty());
        assert_eq!(counts.tally, full.trace.tally);
        assert_eq!(counts.tally.calls, full.trace.calls.len() as u64);
        let a = metrics(&sc, &plan, &full.trace, seed, 12, 0);
        let b = metrics(&sc, &plan, &counts, seed, 12, 0);
        assert_eq!(a, b);
        seen_errors += a.retries + a.conflicts + a.throttled;
    }
    assert!(seen_errors > 0, "the errors were exercised");
}

#[test]
fn a_replication_in_progress_stops_when_cancelled() {
    let sc = scenario(6);
    let plan = Arc::new(crate::plan::build(&sc));
    assert!(sim::replicate(&sc, plan.clone(), 1, &AtomicBool::new(true)).is_none());
    assert!(sim::replicate(&sc, plan, 1, &AtomicBool::new(false)).is_some());
}
