//! Monte Carlo over customer counts: many independent replications of one scenario.
//!
//! Replication `k` of customer count `n` runs with the seed `derive_seed(seed, [n, k])`, so any
//! one of them can be re-run alone (`orgsim run SCENARIO --customers n --replication k`) and
//! reproduces exactly. Rows come out in job order (count by count, replication by
//! replication), so the output does not depend on the number of threads or on which thread
//! ran what.
//!
//! A sweep runs in bounded memory: jobs are generated lazily, one count's plan is built once
//! for all its replications, a replication keeps its trace only until its row is taken, and
//! the per-count summaries hold one count's columns at a time.
//!
//! Architecture invariant: [`run_one`], [`metrics`] and [`summarize`] are pure; [`run_sweep`]
//! only adds threads, a progress callback, a row sink and a cancellation flag.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use crate::config::Invalid;

use serde::{Deserialize, Serialize};

use crate::analysis::conflict_kind;
use crate::engine::trace::{Outcome, Trace};
use crate::finance;
use crate::plan::{Plan, ResourceKind};
use crate::scenario::Scenario;
use crate::sim;
use crate::stats::{self, MeanP95, Percentiles};

/// The seed of replication `k` at customer count `n`.
pub(crate) fn replication_seed(seed: u64, n: usize, k: u32) -> u64 {
    crate::seed::replication(seed, n, k)
}

/// The figures of one replication.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
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
    /// Accounts created but not in the deployer's state (`Trace::orphans`).
    pub orphaned_accounts: u64,
}

#[cfg(test)]
/// Runs replication `k` of `n` customers of `sc`.
pub(crate) fn run_one(sc: &Scenario, n: usize, k: u32) -> RepRow {
    let sized = sc.with_customers(n);
    let plan = Arc::new(crate::plan::build(&sized));
    let seed = replication_seed(sc.seed, n, k);
    let never = AtomicBool::new(false);
    let (trace, _) = sim::replicate(&sized, plan.clone(), seed, &never).expect("not cancelled");
    metrics(&sized, &plan, &trace, seed, n, k)
}

/// The figures of one finished run (the same counts the full report gives).
pub fn metrics(sc: &Scenario, plan: &Plan, t: &Trace, seed: u64, n: usize, k: u32) -> RepRow {
    let mut conflicts = plan.findings.len() as u64;
    let mut unresolved = conflicts;
    let mut throttled = 0;
    for (resource, e) in &t.tally.errors {
        if *e == crate::org::types::ErrorCode::TooManyRequestsException {
            throttled += 1;
        }
        if let Some(r) = *resource {
            if conflict_kind(&e.report_key_str()).is_some() {
                conflicts += 1;
                if !t.resources[r].outcome.is_success() {
                    unresolved += 1;
                }
            }
        }
    }
    let mut onboarded = vec![false; sc.customers.len()];
    let (mut failed, mut accounts) = (0, 0);
    for (r, rec) in plan.resources.iter().zip(&t.resources) {
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
        seed,
        makespan_ms: end,
        apply_ms: end.saturating_sub(t.first_call_ms),
        calls: t.tally.calls,
        retries: t.tally.retries,
        throttled,
        conflicts,
        unresolved_conflicts: unresolved,
        failed_resources: failed,
        accounts_created: accounts,
        revenue_cents: fin.revenue_cents,
        costs_cents: fin.costs_cents,
        margin: fin.margin,
        orphaned_accounts: t.orphans.len() as u64,
    }
}

/// What a sweep did.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRun {
    /// The summary of each customer count with replications done, in count order.
    pub counts: Vec<CountSummary>,
    /// Replications done: always the first `done` jobs, in job order.
    pub done: u64,
    /// Every job done (not cancelled).
    pub complete: bool,
}

/// How many finished rows may wait for an earlier, slower job before workers pause: the bound
/// on the reorder buffer (a few hundred bytes a row).
const REORDER_WINDOW: u64 = 4096;

/// One customer count, ready to replicate: its scenario and its plan, built once and shared by
/// the replications (and threads) of that count.
struct Prepared {
    sized: Scenario,
    plan: Arc<Plan>,
}

/// The state the workers share.
struct Shared<'a> {
    /// The next job to hand out.
    next: u64,
    /// Jobs emitted so far (all of `0..emitted`).
    emitted: u64,
    /// Finished jobs waiting for an earlier one, by job index.
    pending: BTreeMap<u64, RepRow>,
    /// Counts being replicated, by count index (dropped once all their rows are emitted).
    prepared: BTreeMap<usize, Arc<OnceLock<Prepared>>>,
    acc: Option<CountAcc>,
    counts: Vec<CountSummary>,
    on_row: &'a mut (dyn FnMut(&RepRow) + Send),
}

/// Runs every (count, replication) job on `threads` threads, in bounded memory.
///
/// Jobs are generated lazily, count by count; each count's scenario and plan are built once,
/// when its first job starts, and dropped when its last row is out. Finished rows go to
/// `on_row` in job order (the same order whatever the threads), and into the per-count
/// summaries, which keep one count's columns at a time (56 bytes a replication). `progress`
/// is called after each job.
///
/// When `cancel` becomes true, workers stop within a moment (a replication in progress stops
/// too) and the sweep returns what was emitted: the first jobs in job order.
pub fn run_sweep(
    sc: &Scenario,
    counts: &[usize],
    replications: u32,
    threads: usize,
    progress: &(dyn Fn() + Sync),
    cancel: &AtomicBool,
    on_row: &mut (dyn FnMut(&RepRow) + Send),
) -> SweepRun {
    run_sweep_shard(
        sc,
        counts,
        replications,
        Shard::WHOLE,
        threads,
        progress,
        cancel,
        on_row,
    )
}

/// Which jobs of a sweep one process runs: shard `index` of `of` (1-based) runs the jobs `j`
/// with `j mod of == index - 1`, where job `j = count_index × replications + replication`
/// (count by count, replication by replication). The rule depends on nothing but the job's
/// place, so N processes on N machines of any speeds split a sweep the same way, and the
/// shards of 1..=N together hold every job exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Shard {
    /// This shard, 1..=`of`.
    pub index: u32,
    /// How many shards the sweep is split into.
    pub of: u32,
}

impl Shard {
    /// The whole sweep: one shard of one.
    pub(crate) const WHOLE: Shard = Shard { index: 1, of: 1 };

    /// The most shards a sweep may be split into.
    pub(crate) const MAX: u32 = 100_000;

    /// Parses `K/N` (1 <= K <= N).
    pub fn parse(s: &str) -> Result<Shard, Invalid> {
        let bad = || {
            Invalid::new(format!(
                "`{s}` is not a shard: write K/N with 1 <= K <= N <= {} (e.g. 3/8)",
                Shard::MAX
            ))
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u32 = k.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || k > n || n > Shard::MAX {
            return Err(bad());
        }
        Ok(Shard { index: k, of: n })
    }

    /// Whether job `j` is this shard's.
    pub(crate) fn runs(self, j: u64) -> bool {
        j % u64::from(self.of) == u64::from(self.index - 1)
    }

    /// How many of the jobs `0..total` are this shard's.
    pub(crate) fn jobs(self, total: u64) -> u64 {
        let first = u64::from(self.index - 1);
        if first >= total {
            0
        } else {
            (total - first - 1) / u64::from(self.of) + 1
        }
    }

    /// The job index of this shard's `i`-th job.
    pub(crate) fn job(self, i: u64) -> u64 {
        u64::from(self.index - 1) + i * u64::from(self.of)
    }
}

/// [`run_sweep`] restricted to the jobs of `shard` (see [`Shard`]); [`Shard::WHOLE`] runs
/// them all. Rows come out in job order; the summaries summarize the shard's rows only (what
/// `orgsim merge` combines is the rows, in [`crate::shard`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_sweep_shard(
    sc: &Scenario,
    counts: &[usize],
    replications: u32,
    shard: Shard,
    threads: usize,
    progress: &(dyn Fn() + Sync),
    cancel: &AtomicBool,
    on_row: &mut (dyn FnMut(&RepRow) + Send),
) -> SweepRun {
    let reps = u64::from(replications);
    // `total` and `next`/`emitted` count this shard's jobs; `shard.job(i)` is the sweep's job.
    let total = shard.jobs(counts.len() as u64 * reps);
    let shared = Mutex::new(Shared {
        next: 0,
        emitted: 0,
        pending: BTreeMap::new(),
        prepared: BTreeMap::new(),
        acc: None,
        counts: Vec::new(),
        on_row,
    });
    let moved = Condvar::new();
    let threads = threads.clamp(1, total.clamp(1, 1024) as usize);
    let lock = || shared.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut replicator = sim::Replicator::default();
                loop {
                    // Take the next job, waiting while the reorder buffer is full.
                    let (i, prep) = {
                        let mut st = lock();
                        loop {
                            if cancel.load(Ordering::Relaxed) || st.next >= total {
                                return;
                            }
                            if st.next < st.emitted + REORDER_WINDOW {
                                break;
                            }
                            st = moved
                                .wait_timeout(st, Duration::from_millis(50))
                                .unwrap_or_else(|e| e.into_inner())
                                .0;
                        }
                        let i = st.next;
                        st.next += 1;
                        let ci = (shard.job(i) / reps) as usize;
                        (i, Arc::clone(st.prepared.entry(ci).or_default()))
                    };
                    let j = shard.job(i);
                    let ci = (j / reps) as usize;
                    let (n, k) = (counts[ci], (j % reps) as u32);
                    let p = prep.get_or_init(|| {
                        let sized = sc.with_customers(n);
                        let plan = Arc::new(crate::plan::build(&sized));
                        Prepared { sized, plan }
                    });
                    let seed = replication_seed(sc.seed, n, k);
                    let Some((trace, _)) =
                        replicator.run(&p.sized, Arc::clone(&p.plan), seed, cancel)
                    else {
                        return; // cancelled mid-run
                    };
                    let row = metrics(&p.sized, &p.plan, trace, seed, n, k);
                    progress();
                    let mut st = lock();
                    st.pending.insert(i, row);
                    st.emit(reps, shard, total);
                    moved.notify_all();
                }
            });
        }
    });
    let mut st = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(acc) = st.acc.take() {
        st.counts.push(acc.summary());
    }
    SweepRun {
        counts: st.counts,
        done: st.emitted,
        complete: st.emitted == total,
    }
}

impl Shared<'_> {
    /// Emits the finished rows that are next in job order (`total`: the shard's jobs).
    fn emit(&mut self, reps: u64, shard: Shard, total: u64) {
        while let Some(row) = self.pending.remove(&self.emitted) {
            let ci = (shard.job(self.emitted) / reps) as usize;
            if self.acc.as_ref().is_some_and(|a| a.index != ci) {
                let done = self.acc.take().expect("checked");
                self.counts.push(done.summary());
            }
            (self.on_row)(&row);
            self.acc
                .get_or_insert_with(|| CountAcc::new(ci, row.customers))
                .push(&row);
            self.emitted += 1;
            // The count's last job of this shard is out: its plan is no longer needed.
            if self.emitted == total || (shard.job(self.emitted) / reps) as usize != ci {
                self.prepared.remove(&ci);
            }
        }
    }
}

/// The figures of one customer count, gathered row by row in job order: the columns whose
/// percentiles are reported, and running sums for the means.
struct CountAcc {
    index: usize,
    customers: usize,
    makespan_ms: Vec<u64>,
    calls: Vec<u64>,
    retries: Vec<u64>,
    throttled: Vec<u64>,
    conflicts: Vec<u64>,
    unresolved: Vec<u64>,
    accounts: Vec<u64>,
    orphaned: Vec<u64>,
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
    fn new(index: usize, customers: usize) -> CountAcc {
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
            orphaned: Vec::new(),
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

    fn push(&mut self, r: &RepRow) {
        self.makespan_ms.push(r.makespan_ms);
        self.calls.push(r.calls);
        self.retries.push(r.retries);
        self.throttled.push(r.throttled);
        self.conflicts.push(r.conflicts);
        self.unresolved.push(r.unresolved_conflicts);
        self.accounts.push(r.accounts_created);
        self.orphaned.push(r.orphaned_accounts);
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

    fn summary(&self) -> CountSummary {
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
            orphaned_accounts: Some(stats::mean_p95(&self.orphaned)),
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
    /// Accounts created but not in the deployer's state at the end of a replication (their
    /// creation outlived the deployer's wait): mean and p95 (`None` in files written before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orphaned_accounts: Option<MeanP95>,
    /// Mean monthly revenue, costs (dollars) and margin over replications.
    pub revenue: f64,
    pub costs: f64,
    pub margin: f64,
    /// Every replication's makespan (ms), sorted: written with `sweep --samples`, what
    /// `orgsim check` tests the p95 makespan on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub makespan_ms_sample: Option<Vec<u64>>,
}

/// Summarizes the rows of one customer count (the same figures [`run_sweep`] gives).
pub fn summarize(n: usize, rows: &[&RepRow]) -> CountSummary {
    let mut acc = CountAcc::new(0, n);
    for r in rows {
        acc.push(r);
    }
    acc.summary()
}

/// A whole sweep, as `orgsim sweep --json` prints it and `orgsim check` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SweepReport {
    /// The format's version ([`SCHEMA_VERSION`]); 1 in files written before it was recorded.
    /// The first key (files of schema 2 written before it led have it second: keys are read by
    /// name).
    #[serde(default = "schema_1")]
    pub schema_version: u32,
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

/// The version of the sweep JSON format. 2 added `schema_version`, each count's `failures`
/// and `conflict_rate_sd`, and (with `sweep --samples`) `makespan_ms_sample`; every key of 1
/// is kept.
pub(crate) const SCHEMA_VERSION: u32 = 2;

impl crate::json::JsonReport for SweepReport {
    const KIND: &'static str = "sweep";
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    /// The sweep carries its own `schema_version` (it reads files of schema 1 too).
    const CARRIES_VERSION: bool = true;
}

fn schema_1() -> u32 {
    1
}

impl SweepReport {
    /// The report of a sweep of `sc` (its seed, deployer, quota) that ran `replications` per
    /// count.
    pub fn new(sc: &Scenario, replications: u32, run: SweepRun) -> SweepReport {
        SweepReport {
            kind: "sweep".into(),
            schema_version: SCHEMA_VERSION,
            scenario: sc.name.clone(),
            seed: sc.seed,
            replications,
            complete: run.complete,
            deployer: Some(sc.deploy.deployer),
            parallelism: sc.deploy.parallelism,
            account_quota: sc.organization.account_quota,
            latency_profile: sc
                .service
                .latency_profile
                .as_ref()
                .map(|p| p.source.clone()),
            counts: run.counts,
        }
    }
}

/// Each count's makespans, gathered row by row (8 bytes a replication), for
/// `sweep --samples`.
#[derive(Debug, Default)]
pub(crate) struct Samples(BTreeMap<usize, Vec<u64>>);

impl Samples {
    pub(crate) fn push(&mut self, r: &RepRow) {
        self.0.entry(r.customers).or_default().push(r.makespan_ms);
    }

    /// Sets each count's `makespan_ms_sample` (sorted).
    pub(crate) fn attach(mut self, counts: &mut [CountSummary]) {
        for c in counts {
            let mut v = self.0.remove(&c.customers).unwrap_or_default();
            v.sort_unstable();
            c.makespan_ms_sample = Some(v);
        }
    }
}

/// A sweep of `sc` at `counts` on `threads` threads, as `orgsim sweep --samples --json` reports
/// it (each count's sorted makespans included).
pub fn sweep_with_samples(
    sc: &Scenario,
    counts: &[usize],
    replications: u32,
    threads: usize,
) -> SweepReport {
    let never = AtomicBool::new(false);
    let mut samples = Samples::default();
    let mut run = run_sweep(
        sc,
        counts,
        replications,
        threads,
        &|| {},
        &never,
        &mut |r| samples.push(r),
    );
    samples.attach(&mut run.counts);
    SweepReport::new(sc, replications, run)
}

/// The header of the per-replication CSV.
pub(crate) const CSV_HEADER: &str = "customers,replication,seed,makespan_s,apply_s,calls,retries,throttled,conflicts,unresolved_conflicts,failed_resources,accounts_created,revenue,costs,margin,orphaned_accounts\n";

/// One replication as a CSV line (with its newline).
pub(crate) fn csv_row(r: &RepRow) -> String {
    format!(
        "{},{},{},{:.3},{:.3},{},{},{},{},{},{},{},{:.2},{:.2},{:.4},{}\n",
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
        r.margin,
        r.orphaned_accounts
    )
}

/// Parses `A..=B` or `A` into an inclusive range.
pub fn parse_range(s: &str) -> Result<(usize, usize), Invalid> {
    let bad = || {
        Invalid::new(format!(
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

// ---------------------------------------------------------------------------------------------
// The existing-size axis (`sweep --existing A..=B --step S`): a fixed number of new customers
// onboarded into organizations of growing size, per deployer profile.

/// An existing-size range `A..=B` (or one size): `0 <= A <= B`.
pub(crate) fn parse_existing_range(s: &str) -> Result<(usize, usize), Invalid> {
    let bad = || {
        Invalid::new(format!(
            "`{s}` is not a range of existing customers: write A..=B (e.g. 0..=2000) or one size"
        ))
    };
    let (a, b) = match s.split_once("..=") {
        Some((a, b)) => (
            a.trim().parse::<usize>().map_err(|_| bad())?,
            b.trim().parse::<usize>().map_err(|_| bad())?,
        ),
        None => {
            let n = s.trim().parse::<usize>().map_err(|_| bad())?;
            (n, n)
        }
    };
    if a > b {
        return Err(bad());
    }
    Ok((a, b))
}

/// One growth replication: refresh ms, refresh throttled, refresh failed, any resource failed,
/// makespan ms.
type GrowthRep = (u64, u64, bool, bool, u64);

/// One (profile, existing size) of a growth sweep: its replications' figures.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct GrowthPoint {
    pub deployer: crate::config::Deployer,
    /// Customers already in the organization (and in the deployer's state).
    pub existing: usize,
    /// New customers onboarded.
    pub customers: usize,
    pub replications: u32,
    /// The refresh phase's time (s): mean and p95 over replications (0 without a refresh).
    pub refresh_s_mean: f64,
    pub refresh_s_p95: f64,
    /// Refresh calls answered TooManyRequestsException, mean over replications.
    pub refresh_throttled_mean: f64,
    /// Share of replications whose refresh was given up ("Planning failed").
    pub refresh_failure_probability: f64,
    /// Share of replications in which any resource failed (the apply failed).
    pub failure_probability: f64,
    /// Makespan (s): mean over replications, overhead and refresh included.
    pub makespan_s_mean: f64,
    /// `makespan_s_mean / customers / 60`: what onboarding costs per new customer, in minutes.
    pub minutes_per_customer: f64,
}

/// A growth sweep: every profile in `deployers` at every size in `sizes`, `customers` new ones
/// (the scenario's first `customers`, extended as [`Scenario::with_customers`] does), on
/// `threads` threads; the points in (profile, size) order whatever the thread count. Each
/// replication's seed is `seed::replication(seed, existing, k)`.
pub(crate) fn run_growth(
    sc: &Scenario,
    deployers: &[crate::config::Deployer],
    sizes: &[usize],
    customers: usize,
    replications: u32,
    threads: usize,
    cancel: &AtomicBool,
) -> Result<Vec<GrowthPoint>, crate::config::Invalid> {
    use std::sync::atomic::AtomicUsize;
    let mut cells: Vec<(Scenario, Arc<Plan>)> = Vec::new();
    for &d in deployers {
        let mut one = sc.with_customers(customers);
        one.set_deployer(d)?;
        for &n in sizes {
            let grown = one.with_existing(n);
            let plan = Arc::new(crate::plan::build(&grown));
            cells.push((grown, plan));
        }
    }
    let reps = replications.max(1) as usize;
    let jobs = cells.len() * reps;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<GrowthRep>>> = Mutex::new(vec![None; jobs]);
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, jobs.max(1)) {
            s.spawn(|| {
                let mut replicator = sim::Replicator::default();
                loop {
                    let j = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if j >= jobs || cancel.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    let (cell, k) = (j / reps, (j % reps) as u32);
                    let (grown, plan) = &cells[cell];
                    let seed =
                        crate::seed::replication(grown.seed, grown.existing.customers.len(), k);
                    let Some((trace, _)) = replicator.run(grown, Arc::clone(plan), seed, cancel)
                    else {
                        break;
                    };
                    let (rms, rthr, rfail) = trace.refresh.map_or((0, 0, false), |r| {
                        (
                            r.end_ms.saturating_sub(r.start_ms),
                            r.throttled,
                            r.failures > 0,
                        )
                    });
                    let failed = trace
                        .resources
                        .iter()
                        .any(|r| matches!(r.outcome, crate::engine::trace::Outcome::Failed { .. }));
                    let row = (rms, rthr, rfail, failed, trace.makespan_ms());
                    results.lock().unwrap_or_else(|e| e.into_inner())[j] = Some(row);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut out = Vec::with_capacity(cells.len());
    for (c, (grown, _)) in cells.iter().enumerate() {
        let rows: Vec<_> = results[c * reps..(c + 1) * reps].iter().flatten().collect();
        let n = rows.len().max(1) as f64;
        let mut refresh: Vec<u64> = rows.iter().map(|r| r.0).collect();
        refresh.sort_unstable();
        let p95 = refresh
            .get(((refresh.len() as f64 * 0.95).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let mean = |f: &dyn Fn(&GrowthRep) -> f64| rows.iter().map(|r| f(r)).sum::<f64>() / n;
        let makespan = mean(&|r| r.4 as f64 / 1000.0);
        let round = |x: f64| (x * 1000.0).round() / 1000.0;
        out.push(GrowthPoint {
            deployer: grown.deploy.deployer,
            existing: grown.existing.customers.len(),
            customers: grown.customers.len(),
            replications: rows.len() as u32,
            refresh_s_mean: round(mean(&|r| r.0 as f64 / 1000.0)),
            refresh_s_p95: round(p95 as f64 / 1000.0),
            refresh_throttled_mean: round(mean(&|r| r.1 as f64)),
            refresh_failure_probability: round(mean(&|r| f64::from(u8::from(r.2)))),
            failure_probability: round(mean(&|r| f64::from(u8::from(r.3)))),
            makespan_s_mean: round(makespan),
            minutes_per_customer: round(makespan / grown.customers.len().max(1) as f64 / 60.0),
        });
    }
    Ok(out)
}

/// The first existing size at which onboarding costs more than `minutes` per new customer, and
/// the first at which the refresh fails in at least half the replications, for `deployer`.
pub(crate) fn growth_thresholds(
    points: &[GrowthPoint],
    deployer: crate::config::Deployer,
    minutes: f64,
) -> (Option<usize>, Option<usize>) {
    let mine = || points.iter().filter(move |p| p.deployer == deployer);
    (
        mine()
            .find(|p| p.minutes_per_customer > minutes)
            .map(|p| p.existing),
        mine()
            .find(|p| p.refresh_failure_probability >= 0.5)
            .map(|p| p.existing),
    )
}

/// A growth sweep as a text table, with its thresholds.
pub(crate) fn growth_text(points: &[GrowthPoint], minutes: f64) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{:<17} {:>8} {:>5} {:>10} {:>10} {:>10} {:>9} {:>9} {:>10} {:>8}",
        "deployer",
        "existing",
        "new",
        "refresh s",
        "p95 s",
        "throttled",
        "P(plan)",
        "P(fail)",
        "makespan s",
        "min/cust"
    );
    for p in points {
        let _ = writeln!(
            o,
            "{:<17} {:>8} {:>5} {:>10.1} {:>10.1} {:>10.1} {:>9.2} {:>9.2} {:>10.1} {:>8.2}",
            p.deployer.as_str(),
            p.existing,
            p.customers,
            p.refresh_s_mean,
            p.refresh_s_p95,
            p.refresh_throttled_mean,
            p.refresh_failure_probability,
            p.failure_probability,
            p.makespan_s_mean,
            p.minutes_per_customer
        );
    }
    let mut deployers: Vec<_> = points.iter().map(|p| p.deployer).collect();
    deployers.dedup();
    for d in deployers {
        let (slow, fails) = growth_thresholds(points, d, minutes);
        let say = |x: Option<usize>| {
            x.map_or("not in this range".to_string(), |n| format!("{n} existing"))
        };
        let _ = writeln!(
            o,
            "{d}: more than {minutes} min per new customer from {}; refresh fails (P >= 0.5) from {}",
            say(slow),
            say(fails)
        );
    }
    o
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

    fn collect(
        sc: &Scenario,
        counts: &[usize],
        reps: u32,
        threads: usize,
    ) -> (SweepRun, Vec<RepRow>) {
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
}
