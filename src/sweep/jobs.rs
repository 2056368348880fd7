//! The jobs of a sweep on threads, in bounded memory: handed out lazily, one count's plan
//! built once, finished rows emitted in job order through a bounded reorder buffer.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use crate::plan::Plan;
use crate::scenario::Scenario;
use crate::sim;

use super::row::{metrics, replication_seed, RepRow};
use super::shard::Shard;
use super::summary::{CountAcc, CountSummary};

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
    run_sweep_over(
        sc,
        counts,
        None,
        replications,
        shard,
        threads,
        progress,
        cancel,
        on_row,
    )
}

/// The sweep: each count's plan built from `sc` sized to it, or `fixed` for every count (one
/// plan given whole, `sweep --terraform-plan`: `sc` with exactly the plan's customers and
/// `counts` theirs).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_sweep_over(
    sc: &Scenario,
    counts: &[usize],
    fixed: Option<Arc<Plan>>,
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
                    let p = prep.get_or_init(|| match &fixed {
                        Some(plan) => Prepared {
                            sized: sc.clone(),
                            plan: Arc::clone(plan),
                        },
                        None => {
                            let sized = sc.with_customers(n);
                            let plan = Arc::new(crate::plan::build(&sized));
                            Prepared { sized, plan }
                        }
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
