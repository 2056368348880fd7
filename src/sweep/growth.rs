//! The existing-size axis (`sweep --existing A..=B --step S`): a fixed number of new customers
//! onboarded into organizations of growing size, per deployer profile.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use crate::config::Invalid;
use crate::plan::Plan;
use crate::scenario::Scenario;
use crate::sim;

/// An existing-size range `A..=B` (or one size): `0 <= A <= B`.
pub(crate) fn parse_existing_range(s: &str) -> Result<(usize, usize), Invalid> {
    const WHAT: &str = "a range of existing customers: write A..=B (e.g. 0..=2000) or one size";
    let (a, b) = super::range::parse_inclusive(s, WHAT)?;
    if a > b {
        return Err(Invalid::new(format!("`{s}` is not {WHAT}")));
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
