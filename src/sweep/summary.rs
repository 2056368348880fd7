//! The distribution at one customer count, gathered row by row.

use serde::{Deserialize, Serialize};

use crate::stats::{self, MeanP95, Percentiles};

use super::row::RepRow;

/// The figures of one customer count, gathered row by row in job order: the columns whose
/// percentiles are reported, and running sums for the means.
pub(super) struct CountAcc {
    pub(super) index: usize,
    customers: usize,
    makespan_ms: Vec<u64>,
    calls: Vec<u64>,
    retries: Vec<u64>,
    throttled: Vec<u64>,
    conflicts: Vec<u64>,
    unresolved: Vec<u64>,
    accounts: Vec<u64>,
    failed: usize,
    /// Running sums of conflicts per customer and its square, for the standard deviation.
    rate_sum: f64,
    rate_sq: f64,
    apm: f64,
    revenue: f64,
    costs: f64,
    margin: f64,
}

impl CountAcc {
    pub(super) fn new(index: usize, customers: usize) -> CountAcc {
        CountAcc {
            index,
            customers,
            makespan_ms: Vec::new(),
            calls: Vec::new(),
            retries: Vec::new(),
            throttled: Vec::new(),
            conflicts: Vec::new(),
            unresolved: Vec::new(),
            accounts: Vec::new(),
            failed: 0,
            rate_sum: 0.0,
            rate_sq: 0.0,
            // Sums start where `Iterator::sum` for f64 starts, so the figures match it bit
            // for bit.
            apm: -0.0,
            revenue: -0.0,
            costs: -0.0,
            margin: -0.0,
        }
    }

    pub(super) fn push(&mut self, r: &RepRow) {
        self.makespan_ms.push(r.makespan_ms);
        self.calls.push(r.calls);
        self.retries.push(r.retries);
        self.throttled.push(r.throttled);
        self.conflicts.push(r.conflicts);
        self.unresolved.push(r.unresolved_conflicts);
        self.accounts.push(r.accounts_created);
        if r.failed_resources > 0 {
            self.failed += 1;
        }
        let rate = r.conflicts as f64 / self.customers.max(1) as f64;
        self.rate_sum += rate;
        self.rate_sq += rate * rate;
        self.apm += if r.apply_ms > 0 {
            r.accounts_created as f64 * 60_000.0 / r.apply_ms as f64
        } else {
            0.0
        };
        self.revenue += r.revenue_cents as f64;
        self.costs += r.costs_cents as f64;
        self.margin += r.margin;
    }

    pub(super) fn summary(&self) -> CountSummary {
        let n = self.customers;
        let rows = self.makespan_ms.len();
        let reps = rows.max(1) as f64;
        let conflicts = stats::mean_p95(&self.conflicts);
        let sd = if rows > 1 {
            let mean = self.rate_sum / rows as f64;
            ((self.rate_sq - rows as f64 * mean * mean).max(0.0) / (rows - 1) as f64).sqrt()
        } else {
            0.0
        };
        CountSummary {
            customers: n,
            replications: rows,
            makespan_s: stats::percentiles_ms(&self.makespan_ms),
            calls: stats::mean_p95(&self.calls),
            retries: stats::mean_p95(&self.retries),
            throttled: stats::mean_p95(&self.throttled),
            unresolved_conflicts: stats::mean_p95(&self.unresolved),
            conflict_rate: stats::round3(conflicts.mean / n.max(1) as f64),
            conflict_rate_sd: Some((sd * 1e6).round() / 1e6),
            conflicts,
            failure_probability: stats::round3(self.failed as f64 / reps),
            failures: Some(self.failed as u64),
            accounts_per_minute: stats::round3(self.apm / reps),
            accounts_created: stats::mean_p95(&self.accounts),
            revenue: stats::round3(self.revenue / reps / 100.0),
            costs: stats::round3(self.costs / reps / 100.0),
            margin: stats::round3(self.margin / reps),
            makespan_ms_sample: None,
        }
    }
}

/// The distribution at one customer count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// The standard deviation of conflicts per customer over replications (schema 2; `None`
    /// in files written before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_rate_sd: Option<f64>,
    /// Share of replications in which any resource failed.
    pub failure_probability: f64,
    /// Replications in which any resource failed (schema 2; `None` in files written before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<u64>,
    /// Mean accounts created per minute of apply time.
    pub accounts_per_minute: f64,
    pub accounts_created: MeanP95,
    /// Mean monthly revenue, costs (dollars) and margin over replications.
    pub revenue: f64,
    pub costs: f64,
    pub margin: f64,
    /// Every replication's makespan (ms), sorted: written with `sweep --samples`, what
    /// `orgsim check` tests the p95 makespan on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub makespan_ms_sample: Option<Vec<u64>>,
}

/// Summarizes the rows of one customer count (the same figures
/// [`run_sweep`](super::run_sweep) gives).
pub fn summarize(n: usize, rows: &[&RepRow]) -> CountSummary {
    let mut acc = CountAcc::new(0, n);
    for r in rows {
        acc.push(r);
    }
    acc.summary()
}
