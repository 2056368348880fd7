//! Monte Carlo over customer counts: many independent replications of one scenario.
//!
//! Replication `k` of customer count `n` runs with the seed `derive_seed(seed, [n, k])`, so any
//! one of them can be re-run alone (`orgsim run SCENARIO --customers n --replication k`) and
//! reproduces exactly. Results are stored by job index, so the output does not depend on the
//! number of threads or on which thread ran what.
//!
//! Architecture invariant: [`run_one`] and [`summarize`] are pure; [`run_sweep`] only adds
//! threads, a progress callback and a cancellation flag.

use crate::config::Invalid;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::analysis::conflict_kind;
use crate::engine::trace::Outcome;
use crate::finance;
use crate::plan::ResourceKind;
use crate::scenario::Scenario;
use crate::sim;
use crate::stats::{self, MeanP95, Percentiles};

/// The seed of replication `k` at customer count `n`.
pub fn replication_seed(seed: u64, n: usize, k: u32) -> u64 {
    crate::seed::replication(seed, n, k)
}

/// The figures of one replication.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepRow {
    pub customers: usize,
    pub replication: u32,
    pub seed: u64,
    pub makespan_ms: u64,
    pub apply_ms: u64,
    pub calls: u64,
    pub retries: u64,
    pub throttled: u64,
    pub conflicts: u64,
    pub unresolved_conflicts: u64,
    pub failed_resources: u64,
    pub accounts_created: u64,
    pub revenue_cents: i64,
    pub costs_cents: i64,
    pub margin: f64,
}

/// Runs replication `k` of `n` customers of `sc`.
pub fn run_one(sc: &Scenario, n: usize, k: u32) -> RepRow {
    let sized = sc.with_customers(n);
    let seed = replication_seed(sc.seed, n, k);
    let out = sim::run(&sized, seed);
    metrics(&sized, &out, n, k)
}

/// The figures of one finished run (the same counts the full report gives).
pub fn metrics(sc: &Scenario, out: &sim::RunOutput, n: usize, k: u32) -> RepRow {
    let t = &out.trace;
    let mut conflicts = out.plan.findings.len() as u64;
    let mut unresolved = conflicts;
    let (mut retries, mut throttled) = (0, 0);
    for c in &t.calls {
        if c.is_retry() {
            retries += 1;
        }
        if let Some(e) = &c.error {
            if *e == crate::org::types::ErrorCode::TooManyRequestsException {
                throttled += 1;
            }
            if let Some(r) = c.resource {
                if conflict_kind(&e.report_key()).is_some() {
                    conflicts += 1;
                    if !t.resources[r].outcome.is_success() {
                        unresolved += 1;
                    }
                }
            }
        }
    }
    let mut onboarded = vec![false; sc.customers.len()];
    let (mut failed, mut accounts) = (0, 0);
    for (r, rec) in out.plan.resources.iter().zip(&t.resources) {
        if let Some(reason) = rec.failure_reason {
            if conflict_kind(reason.as_str()).is_some() {
                conflicts += 1;
                unresolved += 1;
            }
        }
        if !rec.outcome.is_success() {
            failed += 1;
        }
        if r.kind == ResourceKind::Account
            && matches!(
                rec.outcome,
                Outcome::Created { .. } | Outcome::Existing { .. }
            )
        {
            accounts += 1;
            if let Some(c) = r.customer {
                onboarded[c] = true;
            }
        }
    }
    let end = t.makespan_ms();
    let fin = finance::compute(sc, &onboarded);
    RepRow {
        customers: n,
        replication: k,
        seed: out.seed,
        makespan_ms: end,
        apply_ms: end.saturating_sub(t.first_call_ms),
        calls: t.calls.len() as u64,
        retries,
        throttled,
        conflicts,
        unresolved_conflicts: unresolved,
        failed_resources: failed,
        accounts_created: accounts,
        revenue_cents: fin.revenue_cents,
        costs_cents: fin.costs_cents,
        margin: fin.margin,
    }
}

/// Runs every (count, replication) job on `threads` threads. `progress` is called after each
/// job; when `cancel` becomes true, workers stop taking jobs and the rows done so far are returned
/// (the others are `None`). Jobs go count by count, so a cancelled sweep has whole early counts.
pub fn run_sweep(
    sc: &Scenario,
    counts: &[usize],
    replications: u32,
    threads: usize,
    progress: &(dyn Fn() + Sync),
    cancel: &AtomicBool,
) -> Vec<Option<RepRow>> {
    let jobs: Vec<(usize, u32)> = counts
        .iter()
        .flat_map(|&n| (0..replications).map(move |k| (n, k)))
        .collect();
    let sized: Vec<Scenario> = counts.iter().map(|&n| sc.with_customers(n)).collect();
    let results: Mutex<Vec<Option<RepRow>>> = Mutex::new(vec![None; jobs.len()]);
    let next = AtomicUsize::new(0);
    let threads = threads.clamp(1, jobs.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut local = Vec::new();
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(n, k)) = jobs.get(j) else { break };
                    let ci = j / replications as usize;
                    let seed = replication_seed(sc.seed, n, k);
                    let out = sim::run(&sized[ci], seed);
                    local.push((j, metrics(&sized[ci], &out, n, k)));
                    progress();
                }
                let mut r = results.lock().unwrap_or_else(|e| e.into_inner());
                for (j, row) in local {
                    r[j] = Some(row);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The distribution at one customer count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountSummary {
    pub customers: usize,
    pub replications: usize,
    pub makespan_s: Percentiles,
    pub calls: MeanP95,
    pub retries: MeanP95,
    pub throttled: MeanP95,
    pub conflicts: MeanP95,
    pub unresolved_conflicts: MeanP95,
    /// Mean conflicts per customer.
    pub conflict_rate: f64,
    /// Share of replications in which any resource failed.
    pub failure_probability: f64,
    /// Mean accounts created per minute of apply time.
    pub accounts_per_minute: f64,
    pub accounts_created: MeanP95,
    /// Mean monthly revenue, costs (dollars) and margin over replications.
    pub revenue: f64,
    pub costs: f64,
    pub margin: f64,
}

/// Summarizes the rows of one customer count.
pub fn summarize(n: usize, rows: &[&RepRow]) -> CountSummary {
    let col = |f: &dyn Fn(&RepRow) -> u64| rows.iter().map(|r| f(r)).collect::<Vec<u64>>();
    let reps = rows.len().max(1) as f64;
    let conflicts = stats::mean_p95(&col(&|r| r.conflicts));
    let apm: f64 = rows
        .iter()
        .map(|r| {
            if r.apply_ms > 0 {
                r.accounts_created as f64 * 60_000.0 / r.apply_ms as f64
            } else {
                0.0
            }
        })
        .sum::<f64>()
        / reps;
    CountSummary {
        customers: n,
        replications: rows.len(),
        makespan_s: stats::percentiles_ms(&col(&|r| r.makespan_ms)),
        calls: stats::mean_p95(&col(&|r| r.calls)),
        retries: stats::mean_p95(&col(&|r| r.retries)),
        throttled: stats::mean_p95(&col(&|r| r.throttled)),
        unresolved_conflicts: stats::mean_p95(&col(&|r| r.unresolved_conflicts)),
        conflict_rate: stats::round3(conflicts.mean / n.max(1) as f64),
        conflicts,
        failure_probability: stats::round3(
            rows.iter().filter(|r| r.failed_resources > 0).count() as f64 / reps,
        ),
        accounts_per_minute: stats::round3(apm),
        accounts_created: stats::mean_p95(&col(&|r| r.accounts_created)),
        revenue: stats::round3(
            rows.iter().map(|r| r.revenue_cents as f64).sum::<f64>() / reps / 100.0,
        ),
        costs: stats::round3(rows.iter().map(|r| r.costs_cents as f64).sum::<f64>() / reps / 100.0),
        margin: stats::round3(rows.iter().map(|r| r.margin).sum::<f64>() / reps),
    }
}

/// A whole sweep, as `orgsim sweep --json` prints it and `orgsim check` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepReport {
    /// Always `sweep`.
    pub kind: String,
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    /// False when the sweep was interrupted; the counts then hold what was done.
    pub complete: bool,
    /// The deployer profile the sweep ran (`check` compares only sweeps of one deployer).
    /// `None` in files written before deployer profiles existed.
    #[serde(default)]
    pub deployer: Option<crate::engine::Deployer>,
    /// The deployer's parallelism and the scenario's account quota, for the record.
    pub parallelism: u32,
    pub account_quota: u32,
    /// The measured latency profile the model used (its `source`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_profile: Option<String>,
    pub counts: Vec<CountSummary>,
}

/// Summaries per count of the finished rows, in count order.
pub fn summaries(counts: &[usize], rows: &[Option<RepRow>]) -> Vec<CountSummary> {
    let mut by_count: std::collections::BTreeMap<usize, Vec<&RepRow>> = Default::default();
    for r in rows.iter().flatten() {
        by_count.entry(r.customers).or_default().push(r);
    }
    counts
        .iter()
        .filter_map(|n| by_count.get(n).map(|mine| summarize(*n, mine)))
        .collect()
}

/// The CSV of every replication.
pub fn csv(rows: &[Option<RepRow>]) -> String {
    let mut s = String::from(
        "customers,replication,seed,makespan_s,apply_s,calls,retries,throttled,conflicts,unresolved_conflicts,failed_resources,accounts_created,revenue,costs,margin\n",
    );
    for r in rows.iter().flatten() {
        s.push_str(&format!(
            "{},{},{},{:.3},{:.3},{},{},{},{},{},{},{},{:.2},{:.2},{:.4}\n",
            r.customers,
            r.replication,
            r.seed,
            r.makespan_ms as f64 / 1000.0,
            r.apply_ms as f64 / 1000.0,
            r.calls,
            r.retries,
            r.throttled,
            r.conflicts,
            r.unresolved_conflicts,
            r.failed_resources,
            r.accounts_created,
            r.revenue_cents as f64 / 100.0,
            r.costs_cents as f64 / 100.0,
            r.margin
        ));
    }
    s
}

/// Parses `A..=B` or `A` into an inclusive range.
pub fn parse_range(s: &str) -> Result<(usize, usize), Invalid> {
    let bad = || {
        Invalid(format!(
            "`{s}` is not a customer range: write A..=B (e.g. 1..=100) or a single count"
        ))
    };
    let (a, b) = match s.split_once("..=") {
        Some((a, b)) => (
            a.trim().parse::<usize>().map_err(|_| bad())?,
            b.trim().parse::<usize>().map_err(|_| bad())?,
        ),
        None => {
            let a = s.trim().parse::<usize>().map_err(|_| bad())?;
            (a, a)
        }
    };
    if a == 0 || b < a || b > 100_000 {
        return Err(Invalid::from(format!("`{s}`: need 1 <= A <= B <= 100000")));
    }
    Ok((a, b))
}

/// The counts A, A+S, ..., and B itself.
pub fn counts(a: usize, b: usize, step: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (a..=b).step_by(step.max(1)).collect();
    if v.last() != Some(&b) {
        v.push(b);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::scenario;

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

    #[test]
    fn thread_count_does_not_change_results_and_cancel_stops() {
        let sc = scenario(6);
        let never = AtomicBool::new(false);
        let a = run_sweep(&sc, &[2, 6], 4, 1, &|| {}, &never);
        let b = run_sweep(&sc, &[2, 6], 4, 3, &|| {}, &never);
        assert_eq!(a, b);
        assert!(a.iter().all(Option::is_some));
        assert_eq!(
            a[5].as_ref().unwrap(),
            &run_one(&sc, 6, 1),
            "replication re-run alone"
        );
        let stop = AtomicBool::new(true);
        let c = run_sweep(&sc, &[2, 6], 4, 2, &|| {}, &stop);
        assert!(c.iter().all(Option::is_none));
    }
}
