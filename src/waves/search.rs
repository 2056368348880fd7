//! `sweep --waves A..=B`: the same customers onboarded in each number of waves, replicated,
//! and the wave count that minimises the mean total time among those whose P(any failure) is
//! within a target (issue 25 item 3). Replication `k` has the same seed at every wave count
//! (common random numbers: the counts differ by their waves, not by their draws).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Serialize;

use super::{run_sequence, Schedule, Sequence};
use crate::scenario::Scenario;
use crate::stats;

/// One wave count's replications.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WavesPoint {
    pub waves: usize,
    /// Customers in the largest wave (⌈customers / waves⌉).
    pub wave_size: usize,
    pub replications: usize,
    /// Total time over every apply (s): percentiles and mean.
    pub total_s: stats::Percentiles,
    /// Share of replications in which some apply left a resource not done.
    pub failure_probability: f64,
    /// Share of replications with something left for a person after every re-apply.
    pub left_probability: f64,
    /// Means over replications: applies made, calls, throttled calls, orphaned accounts
    /// (manual imports).
    pub applies_mean: f64,
    pub calls_mean: f64,
    pub throttled_mean: f64,
    pub orphaned_accounts_mean: f64,
    /// The wave count the search picked: the least mean total time with P(any failure) at
    /// most the target (P(left) with re-applies: `WavesReport::target_on`; ties: fewer waves).
    pub best: bool,
}

/// The wave sweep: every point and the pick.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WavesReport {
    pub kind: &'static str,
    pub scenario: String,
    pub deployer: &'static str,
    pub seed: u64,
    pub customers: usize,
    /// Applies allowed per wave (`--applies`).
    pub applies: u32,
    pub replications: u32,
    /// The largest P(any failure) the search accepts.
    pub failure_target: f64,
    /// The share the target bounds: `failure_probability` with one apply a wave,
    /// `left_probability` (what the re-applies leave) with more.
    pub target_on: &'static str,
    /// The picked wave count, if any point meets the target.
    pub best_waves: Option<usize>,
    pub points: Vec<WavesPoint>,
}

impl crate::json::JsonReport for WavesReport {
    const KIND: &'static str = "waves";
}

/// Runs `sc`'s customers in each of `waves` wave counts, `applies` applies allowed per wave,
/// `replications` times each, on `threads` threads: the points in wave-count order whatever
/// the thread count. `None` when `cancel` was set before the end.
pub(crate) fn run_waves(
    sc: &Scenario,
    waves: &[usize],
    applies: u32,
    replications: u32,
    threads: usize,
    failure_target: f64,
    cancel: &AtomicBool,
) -> Option<WavesReport> {
    let reps = replications.max(1) as usize;
    let n = sc.customers.len();
    let jobs = waves.len() * reps;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Sequence>>> = Mutex::new(vec![None; jobs]);
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, jobs.max(1)) {
            s.spawn(|| loop {
                let j = next.fetch_add(1, Ordering::Relaxed);
                if j >= jobs || cancel.load(Ordering::Relaxed) {
                    break;
                }
                let (w, k) = (waves[j / reps], (j % reps) as u32);
                let seed = crate::seed::replication(sc.seed, n, k);
                let schedule = Schedule { waves: w, applies };
                let Some(seq) = run_sequence(sc, schedule, seed, true, cancel) else {
                    break;
                };
                results.lock().unwrap_or_else(|e| e.into_inner())[j] = Some(seq);
            });
        }
    });
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut points: Vec<WavesPoint> = waves
        .iter()
        .enumerate()
        .map(|(c, &w)| point(w, n, results[c * reps..(c + 1) * reps].iter().flatten()))
        .collect();
    // With re-applies, a failure they fix is the operator's routine: what the target bounds is
    // what they leave for a person.
    let judged = |p: &WavesPoint| {
        if applies > 1 {
            p.left_probability
        } else {
            p.failure_probability
        }
    };
    let best = points
        .iter()
        .enumerate()
        .filter(|(_, p)| judged(p) <= failure_target)
        .min_by(|a, b| {
            a.1.total_s
                .mean
                .total_cmp(&b.1.total_s.mean)
                .then(a.1.waves.cmp(&b.1.waves))
        })
        .map(|(i, _)| i);
    if let Some(i) = best {
        points[i].best = true;
    }
    Some(WavesReport {
        kind: "waves",
        scenario: sc.name.clone(),
        deployer: sc.deploy.deployer.as_str(),
        seed: sc.seed,
        customers: n,
        applies,
        replications,
        failure_target,
        target_on: if applies > 1 {
            "left_probability"
        } else {
            "failure_probability"
        },
        best_waves: best.map(|i| points[i].waves),
        points,
    })
}

/// The figures of wave count `w` over its replications.
fn point<'a>(w: usize, n: usize, seqs: impl Iterator<Item = &'a Sequence>) -> WavesPoint {
    let seqs: Vec<&Sequence> = seqs.collect();
    let reps = seqs.len().max(1) as f64;
    let total: Vec<u64> = seqs
        .iter()
        .map(|s| (s.total_s * 1000.0).round() as u64)
        .collect();
    let share = |f: &dyn Fn(&Sequence) -> bool| {
        stats::round3(seqs.iter().filter(|s| f(s)).count() as f64 / reps)
    };
    let mean =
        |f: &dyn Fn(&Sequence) -> f64| stats::round3(seqs.iter().map(|s| f(s)).sum::<f64>() / reps);
    let waves = w.clamp(1, n.max(1));
    WavesPoint {
        waves,
        wave_size: n.div_ceil(waves),
        replications: seqs.len(),
        total_s: stats::percentiles_ms(&total),
        failure_probability: share(&|s| s.any_failure),
        left_probability: share(&|s| !s.left.is_empty() || s.orphaned_accounts > 0),
        applies_mean: mean(&|s| s.applies as f64),
        calls_mean: mean(&|s| s.calls as f64),
        throttled_mean: mean(&|s| s.throttled as f64),
        orphaned_accounts_mean: mean(&|s| s.orphaned_accounts as f64),
        best: false,
    }
}

/// The wave sweep as a table, the pick marked.
pub(crate) fn text(r: &WavesReport) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} · {} customers · {} · up to {} apply(ies) a wave · {} replications",
        r.scenario, r.customers, r.deployer, r.applies, r.replications
    );
    let _ = writeln!(
        o,
        "  {:>5} {:>9} {:>10} {:>10} {:>10} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "waves",
        "wave size",
        "total s",
        "p50 s",
        "p95 s",
        "P(fail)",
        "P(left)",
        "applies",
        "calls",
        "orphans"
    );
    for p in &r.points {
        let _ = writeln!(
            o,
            "{} {:>5} {:>9} {:>10.1} {:>10.1} {:>10.1} {:>8.3} {:>8.3} {:>8.2} {:>8.1} {:>8.2}",
            if p.best { "*" } else { " " },
            p.waves,
            p.wave_size,
            p.total_s.mean,
            p.total_s.p50,
            p.total_s.p95,
            p.failure_probability,
            p.left_probability,
            p.applies_mean,
            p.calls_mean,
            p.orphaned_accounts_mean
        );
    }
    match r
        .best_waves
        .and_then(|b| r.points.iter().find(|p| p.waves == b))
    {
        Some(p) => {
            let _ =
                writeln!(
                o,
                "* best: {} wave(s) of up to {} customers, {:.1} min mean total, {} {:.3} <= {}",
                p.waves,
                p.wave_size,
                p.total_s.mean / 60.0,
                if r.applies > 1 { "P(left)" } else { "P(any failure)" },
                if r.applies > 1 {
                    p.left_probability
                } else {
                    p.failure_probability
                },
                r.failure_target
            );
        }
        None => {
            let _ = writeln!(
                o,
                "no wave count has {} <= {}: onboard in smaller waves, or re-apply (--applies)",
                if r.applies > 1 {
                    "P(left)"
                } else {
                    "P(any failure)"
                },
                r.failure_target
            );
        }
    }
    o
}
