//! `orgsim load`: customers arrive as an open-loop process and each is onboarded by its own
//! deployment (a Terraform workspace per customer, with idempotent lookups of the shared OUs and
//! policies), against one Organizations service they all share.
//!
//! The schedule, the thresholds and the aggregation here are pure; [`simulate`] runs a whole
//! load test in virtual time against the model (capacity planning). The live backends run the
//! same schedule through `live::apply` (see `commands::load`).
//!
//! Latency of an onboarding is measured two ways, as wrk2 and hdrhistogram's coordinated-omission
//! correction teach: *raw* from when its deployment actually started, *corrected* from when it was
//! meant to start (its arrival). When the harness falls behind (a concurrency cap, a slow client),
//! only the corrected figure shows the queue the customers actually saw.

use std::collections::BTreeMap;

use rand::rngs::SmallRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use serde::Serialize;

use crate::config::loadtest::{Arrivals, Metric, Stage, Threshold};
use crate::engine::trace::Trace;
use crate::engine::{DeployConfig, Engine};
use crate::org::types::Operation;
use crate::plan::{self, Plan, ResourceKind};
use crate::scenario::Scenario;
use crate::seed::Stream;
use crate::sim::{Driver, ModelService};
use crate::stats;

/// The arrival times (ms) of an open-loop process over `stages`. Deterministic for a seed.
pub fn schedule(stages: &[Stage], arrivals: Arrivals, seed: u64) -> Vec<u64> {
    // Integrate the rate in 100 ms steps; an arrival falls where the cumulative rate reaches
    // the next target (1, 2, 3, ... for uniform; a sum of Exp(1) draws for Poisson).
    const STEP: u64 = 100;
    let mut rng = SmallRng::seed_from_u64(seed);
    let next = |rng: &mut SmallRng| -> f64 {
        match arrivals {
            Arrivals::Uniform => 1.0,
            Arrivals::Poisson => Exp1.sample(rng),
        }
    };
    let mut out = Vec::new();
    // Uniform arrivals sit mid-way in each unit of cumulative rate, so a whole window of rate r
    // holds exactly r × duration of them.
    let mut target = match arrivals {
        Arrivals::Uniform => 0.5,
        Arrivals::Poisson => next(&mut rng),
    };
    let (mut cum, mut t0, mut prev_rate) = (0f64, 0u64, 0f64);
    for (k, st) in stages.iter().enumerate() {
        let from = if k == 0 && stages.len() > 1 {
            0.0
        } else if k == 0 {
            st.target_per_min
        } else {
            prev_rate
        };
        let mut t = 0;
        while t < st.duration_ms {
            let dt = STEP.min(st.duration_ms - t);
            let mid = (t as f64 + dt as f64 / 2.0) / st.duration_ms.max(1) as f64;
            let rate_per_ms = (from + (st.target_per_min - from) * mid) / 60_000.0;
            let add = rate_per_ms * dt as f64;
            // Arrivals inside this step, placed by linear interpolation.
            while cum + add >= target && out.len() < 1_000_000 {
                let frac = if add > 0.0 { (target - cum) / add } else { 0.0 };
                out.push(t0 + t + (frac * dt as f64) as u64);
                target += next(&mut rng);
            }
            cum += add;
            t += dt;
        }
        t0 += st.duration_ms;
        prev_rate = st.target_per_min;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Results.

/// One customer's onboarding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Onboarding {
    pub customer: String,
    /// When it was meant to start (its arrival), ms from the start of the load.
    pub intended_ms: u64,
    /// When its deployment started.
    pub start_ms: u64,
    /// When it ended; `None` if it had not ended when the test stopped.
    pub end_ms: Option<u64>,
    pub success: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pcts {
    pub count: u64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bucket {
    pub from_s: f64,
    pub to_s: f64,
    pub arrived: usize,
    pub completed: usize,
    pub failed: usize,
    /// Corrected onboarding latency (s) of those that completed in the bucket.
    pub p50_s: f64,
    pub p95_s: f64,
    /// Onboardings being deployed at the bucket's end.
    pub in_flight: usize,
    /// Onboardings arrived but not yet started (held back by `max_concurrent`) at its end.
    pub waiting: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThresholdResult {
    pub threshold: String,
    /// Seconds for latencies, a fraction for the error rate, per minute for throughput.
    pub measured: f64,
    pub unit: &'static str,
    pub status: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    pub kind: &'static str,
    pub scenario: String,
    pub backend: String,
    /// The measured latency profile the model used (its `source`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_profile: Option<String>,
    pub seed: u64,
    pub arrivals: Arrivals,
    pub stages: Vec<Stage>,
    pub max_concurrent: Option<usize>,
    pub grace_s: f64,
    pub duration_s: f64,
    pub onboardings: usize,
    pub completed: usize,
    pub failed: usize,
    pub unfinished: usize,
    /// Onboardings completed per minute of the test (arrival window plus drain).
    pub throughput_per_min: f64,
    pub error_rate: f64,
    /// Onboarding latency in seconds: from the actual start (raw) and from the arrival (corrected).
    pub onboarding_raw_s: Pcts,
    pub onboarding_corrected_s: Pcts,
    /// Per operation, call latency in milliseconds.
    pub operations_ms: BTreeMap<String, Pcts>,
    pub calls: usize,
    pub throttled: usize,
    /// Calls that returned an error, by error code.
    pub errors: BTreeMap<String, usize>,
    /// Resources of the onboardings that failed, by code (the error the deployer gave up on,
    /// the CreateAccount failure reason, or `Timeout`).
    pub failures: BTreeMap<String, usize>,
    pub most_in_flight: usize,
    pub over_time: Vec<Bucket>,
    pub thresholds: Vec<ThresholdResult>,
    pub verdict: &'static str,
}

fn pcts(samples_ms: &[u64], scale: f64) -> Pcts {
    let mut h = stats::ms_histogram();
    for &s in samples_ms {
        h.saturating_record(s.max(1));
    }
    let q = |p: f64| {
        if samples_ms.is_empty() {
            0.0
        } else {
            stats::round3(h.value_at_quantile(p) as f64 * scale)
        }
    };
    Pcts {
        count: samples_ms.len() as u64,
        p50: q(0.50),
        p90: q(0.90),
        p95: q(0.95),
        p99: q(0.99),
        max: if samples_ms.is_empty() {
            0.0
        } else {
            stats::round3(h.max() as f64 * scale)
        },
    }
}

/// Percentile `q` of millisecond samples (exact nearest rank), for thresholds at any pNN.
fn nearest_rank(samples: &[u64], q: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let mut v = samples.to_vec();
    v.sort_unstable();
    let rank = ((q / 100.0 * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1] as f64
}

/// What a load test is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSpec {
    pub stages: Vec<Stage>,
    pub arrivals: Arrivals,
    pub thresholds: Vec<Threshold>,
    /// Most onboardings in flight at once (None: no cap). Later arrivals wait for a slot, and
    /// the wait shows in the corrected latency only.
    pub max_concurrent: Option<usize>,
    /// After the last stage, how long onboardings in flight may still finish; those that have
    /// not by then are `unfinished` (and count as errors).
    pub grace_ms: u64,
}

/// The default grace after the last stage: one hour.
pub const DEFAULT_GRACE_MS: u64 = 3_600_000;

impl LoadSpec {
    /// The length of the arrival process (the stages), in ms.
    pub fn duration_ms(&self) -> u64 {
        self.stages.iter().map(|s| s.duration_ms).sum()
    }
}

/// One call: its operation, its latency in µs, and its error code if it failed.
pub type CallSample = (Operation, u64, Option<String>);

/// Everything a load test observed, before it is summarized.
pub struct Observed<'a> {
    pub sc: &'a Scenario,
    pub backend: &'a str,
    pub seed: u64,
    pub spec: &'a LoadSpec,
    pub onboardings: Vec<Onboarding>,
    /// Every call's (operation, latency in µs, error code if any), from all onboardings.
    pub calls: Vec<CallSample>,
    /// CreateAccount failure reasons and timeouts, by code.
    pub failures: BTreeMap<String, usize>,
    /// When the test ended (ms), drain included.
    pub end_ms: u64,
}

/// Summarizes a load test and judges its thresholds.
pub fn summarize(o: Observed) -> LoadReport {
    let duration_ms: u64 = o.spec.duration_ms();
    let done: Vec<&Onboarding> = o
        .onboardings
        .iter()
        .filter(|b| b.end_ms.is_some())
        .collect();
    let completed = done.iter().filter(|b| b.success).count();
    let failed = done.len() - completed;
    let unfinished = o.onboardings.len() - done.len();
    let raw: Vec<u64> = done
        .iter()
        .map(|b| b.end_ms.unwrap_or(0) - b.start_ms)
        .collect();
    let corrected: Vec<u64> = done
        .iter()
        .map(|b| b.end_ms.unwrap_or(0) - b.intended_ms)
        .collect();
    let mut per_op: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    let mut throttled = 0;
    for (op, us, err) in &o.calls {
        per_op.entry(op.as_str().to_string()).or_default().push(*us);
        if let Some(e) = err {
            *errors.entry(e.clone()).or_insert(0) += 1;
            if e == "TooManyRequestsException" {
                throttled += 1;
            }
        }
    }
    let operations_ms: BTreeMap<String, Pcts> = per_op
        .iter()
        .map(|(k, v)| (k.clone(), pcts(v, 0.001)))
        .collect();
    let minutes = (o.end_ms.max(1)) as f64 / 60_000.0;
    let throughput = stats::round3(completed as f64 / minutes);
    let error_rate = if o.onboardings.is_empty() {
        0.0
    } else {
        stats::round3((failed + unfinished) as f64 / o.onboardings.len() as f64)
    };
    // Over time: 20 buckets over the whole test.
    let width = (o.end_ms / 20).max(1000);
    let mut over_time = Vec::new();
    // Most deployments at once: a sweep over starts (+1) and ends (-1), ends first on a tie.
    let mut edges: Vec<(u64, i32)> = Vec::with_capacity(2 * o.onboardings.len());
    for b in &o.onboardings {
        edges.push((b.start_ms, 1));
        edges.push((b.end_ms.unwrap_or(u64::MAX), -1));
    }
    edges.sort_unstable();
    let (mut most, mut now_in) = (0usize, 0i64);
    for (_, d) in edges {
        now_in += d as i64;
        most = most.max(now_in.max(0) as usize);
    }
    let mut from = 0;
    while from < o.end_ms.max(1) {
        let to = from + width;
        let in_bucket: Vec<&&Onboarding> = done
            .iter()
            .filter(|b| b.end_ms.is_some_and(|e| e >= from && e < to))
            .collect();
        let lat: Vec<u64> = in_bucket
            .iter()
            .map(|b| b.end_ms.unwrap_or(0) - b.intended_ms)
            .collect();
        let running = |b: &&Onboarding| b.end_ms.is_none_or(|e| e >= to);
        let in_flight = o
            .onboardings
            .iter()
            .filter(|b| b.start_ms < to && running(b))
            .count();
        let waiting = o
            .onboardings
            .iter()
            .filter(|b| b.intended_ms < to && b.start_ms >= to && running(b))
            .count();
        over_time.push(Bucket {
            from_s: from as f64 / 1000.0,
            to_s: to as f64 / 1000.0,
            arrived: o
                .onboardings
                .iter()
                .filter(|b| b.intended_ms >= from && b.intended_ms < to)
                .count(),
            completed: in_bucket.iter().filter(|b| b.success).count(),
            failed: in_bucket.iter().filter(|b| !b.success).count(),
            p50_s: nearest_rank(&lat, 50.0) / 1000.0,
            p95_s: nearest_rank(&lat, 95.0) / 1000.0,
            in_flight,
            waiting,
        });
        from = to;
    }
    let corrected_s = pcts(&corrected, 0.001);
    let mut thresholds = Vec::new();
    for t in &o.spec.thresholds {
        let (measured, unit) = match &t.metric {
            Metric::Onboarding(q) => (nearest_rank(&corrected, *q), "s"),
            Metric::Operation(op, q) => (
                per_op
                    .get(op)
                    .map(|v| nearest_rank(v, *q) / 1000.0)
                    .unwrap_or(0.0),
                "s",
            ),
            Metric::ErrorRate => (error_rate, "fraction"),
            Metric::Throughput => (throughput, "per_min"),
        };
        let ok = match t.op.as_str() {
            "<" => measured < t.value,
            "<=" => measured <= t.value,
            ">" => measured > t.value,
            _ => measured >= t.value,
        };
        // Latencies are compared in ms and reported in seconds.
        let shown = if unit == "s" {
            stats::round3(measured / 1000.0)
        } else {
            measured
        };
        thresholds.push(ThresholdResult {
            threshold: t.text.clone(),
            measured: shown,
            unit,
            status: if ok { "PASS" } else { "FAIL" },
        });
    }
    let ok = thresholds.iter().all(|t| t.status == "PASS");
    LoadReport {
        kind: "load",
        scenario: o.sc.name.clone(),
        backend: o.backend.to_string(),
        latency_profile: o
            .sc
            .service
            .latency_profile
            .as_ref()
            .map(|p| p.source.clone()),
        seed: o.seed,
        arrivals: o.spec.arrivals,
        stages: o.spec.stages.clone(),
        max_concurrent: o.spec.max_concurrent,
        grace_s: o.spec.grace_ms as f64 / 1000.0,
        duration_s: duration_ms as f64 / 1000.0,
        onboardings: o.onboardings.len(),
        completed,
        failed,
        unfinished,
        throughput_per_min: throughput,
        error_rate,
        onboarding_raw_s: pcts(&raw, 0.001),
        onboarding_corrected_s: corrected_s,
        operations_ms,
        calls: o.calls.len(),
        throttled,
        errors,
        failures: o.failures.clone(),
        most_in_flight: most,
        over_time,
        thresholds,
        verdict: if ok { "PASS" } else { "FAIL" },
    }
}

// ---------------------------------------------------------------------------------------------
// Plans.

/// The shared part of the plan (OUs, policies, attachments) for every tier of `sc`'s customers.
pub fn bootstrap_plan(sc: &Scenario) -> Plan {
    let mut p = plan::build(sc);
    let keep: Vec<bool> = p
        .resources
        .iter()
        .map(|r| !matches!(r.kind, ResourceKind::Account | ResourceKind::Tags))
        .collect();
    // Shared resources come first in a plan and depend only on each other: truncation keeps the
    // indices valid.
    let n = keep.iter().take_while(|&&k| k).count();
    p.resources.truncate(n);
    p.findings.clear();
    p.advisories.clear();
    p
}

/// `sc` without its customers: what [`customer_plan`] adds one customer to.
pub fn template(sc: &Scenario) -> Scenario {
    Scenario {
        customers: Vec::new(),
        ..sc.clone()
    }
}

/// The plan of one customer's own onboarding: the shared resources (looked up and adopted) plus
/// its account and tags. `template` is the scenario without customers ([`template`]).
pub fn customer_plan(template: &Scenario, customer: &crate::scenario::Customer) -> Plan {
    let mut one = template.clone();
    one.customers = vec![customer.clone()];
    plan::build(&one)
}

/// The deploy settings of one onboarding: lookups on, so the shared resources are adopted.
pub fn onboarding_config(sc: &Scenario) -> DeployConfig {
    let mut cfg = sc.deploy.clone();
    cfg.lookup_existing = true;
    cfg
}

fn observe_trace(t: &Trace, calls: &mut Vec<CallSample>, failures: &mut BTreeMap<String, usize>) {
    for c in &t.calls {
        if let Some(end) = c.end_ms {
            calls.push((
                c.op,
                (end - c.start_ms) * 1000,
                c.error.as_ref().map(|e| e.report_key()),
            ));
        }
    }
    count_failures(t, failures);
}

/// Adds the resources of `t` that failed, by code: the AWS error code the deployer gave up on,
/// the CreateAccount failure reason, or `Timeout`.
pub fn count_failures(t: &Trace, failures: &mut BTreeMap<String, usize>) {
    for r in &t.resources {
        if let crate::engine::trace::Outcome::Failed { code, .. } = &r.outcome {
            *failures.entry(code.clone()).or_insert(0) += 1;
        }
    }
}

/// Runs a whole load test in virtual time against the model: the shared resources first, then
/// one deployment per arrival, all against one service. Pure and deterministic for a seed.
pub fn simulate(sc: &Scenario, spec: &LoadSpec, seed: u64) -> LoadReport {
    let times = schedule(&spec.stages, spec.arrivals, Stream::Arrivals.seed(seed));
    let sized = crate::sweep::resize(sc, times.len().max(1));
    let mut driver = Driver::new(ModelService::new(&sized, seed));
    let cfg = onboarding_config(&sized);
    let cap = spec.max_concurrent.unwrap_or(usize::MAX);
    let bare = template(&sized);
    // Which customer each engine onboards; the first engine deploys the shared resources,
    // before the first arrival is let in.
    let mut customer_of: Vec<Option<usize>> = vec![None];
    driver.start(Engine::new(
        bootstrap_plan(&sized),
        &cfg,
        Stream::Bootstrap.seed(seed),
    ));
    let mut offset: Option<u64> = None; // load time 0 = when the bootstrap ended
    let mut next_arrival = 0usize;
    // Arrived, waiting for a slot under `max_concurrent` (customer indices, in arrival order).
    let mut waiting: std::collections::VecDeque<usize> = Default::default();
    let mut onboardings: Vec<Onboarding> = Vec::with_capacity(times.len());
    let mut calls = Vec::new();
    let mut failures = BTreeMap::new();
    let end = loop {
        // Engines that finished leave the active set.
        let now = driver.now();
        driver.retire_finished(|e, engine| {
            let t = engine.trace();
            match customer_of[e] {
                None => offset = Some(now),
                Some(i) => {
                    let o = &mut onboardings[i];
                    o.end_ms = Some(t.makespan_ms() - offset.unwrap_or(0));
                    o.success = t.resources.iter().all(|r| r.outcome.is_success());
                    observe_trace(t, &mut calls, &mut failures);
                }
            }
        });
        // Waiting customers take the free slots.
        let base = offset.unwrap_or(0);
        while driver.active().len() < cap && offset.is_some() {
            let Some(i) = waiting.pop_front() else { break };
            driver.start(Engine::new(
                customer_plan(&bare, &sized.customers[i]),
                &cfg,
                Stream::Onboarding.seed_of(seed, i as u64),
            ));
            customer_of.push(Some(i));
            onboardings[i].start_ms = now - base;
        }
        // Every call the active engines want now goes to the service.
        driver.send_calls(&mut |_, _, _| {});
        let deadline = offset.map(|o| o + spec.duration_ms() + spec.grace_ms);
        let arrival_at = offset.and_then(|o| times.get(next_arrival).map(|t| t + o));
        let due = driver.next_time();
        let Some(t) = [due, arrival_at].into_iter().flatten().min() else {
            break driver.now();
        };
        if let Some(d) = deadline.filter(|&d| t > d) {
            break d;
        }
        if due == Some(t) {
            driver.advance(t);
        } else {
            driver.set_now(t);
            let i = next_arrival;
            next_arrival += 1;
            onboardings.push(Onboarding {
                customer: sized.customers[i].name.clone(),
                intended_ms: t - base,
                start_ms: t - base,
                end_ms: None,
                success: false,
            });
            waiting.push_back(i);
        }
    };
    // Calls of onboardings cut off by the deadline still count.
    for &e in driver.active() {
        if customer_of[e].is_some() {
            observe_trace(driver.engine(e).trace(), &mut calls, &mut failures);
        }
    }
    let end = end.saturating_sub(offset.unwrap_or(0));
    summarize(Observed {
        sc,
        backend: "sim",
        seed,
        spec,
        onboardings,
        calls,
        failures,
        end_ms: end,
    })
}

/// The JSON report, pretty-printed, with a final newline. Same test, same seed, same bytes
/// (against `sim`).
pub fn json(r: &LoadReport) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("a load report always serializes");
    s.push('\n');
    s
}

/// The terminal report.
pub fn text(r: &LoadReport) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let stages: Vec<String> = r
        .stages
        .iter()
        .map(|s| {
            format!(
                "{:.0}s→{:.2}/min",
                s.duration_ms as f64 / 1000.0,
                s.target_per_min
            )
        })
        .collect();
    let _ = writeln!(
        o,
        "orgsim load · {} · backend {} · seed {} · {:?} arrivals · stages {}",
        r.scenario,
        r.backend,
        r.seed,
        r.arrivals,
        stages.join(", ")
    );
    if let Some(p) = &r.latency_profile {
        let _ = writeln!(o, "latencies from a measured profile: {p}");
    }
    let _ = writeln!(
        o,
        "\n{} onboardings: {} completed, {} failed, {} unfinished · throughput {:.2}/min · error rate {:.1}% · most in flight {}",
        r.onboardings,
        r.completed,
        r.failed,
        r.unfinished,
        r.throughput_per_min,
        r.error_rate * 100.0,
        r.most_in_flight
    );
    let _ = writeln!(
        o,
        "\n{:<38} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "latency", "count", "p50", "p90", "p95", "p99", "max"
    );
    let row = |o: &mut String, name: &str, p: &Pcts, unit: &str| {
        let _ = writeln!(
            o,
            "{:<38} {:>6} {:>8.2}{unit} {:>8.2}{unit} {:>8.2}{unit} {:>8.2}{unit} {:>8.2}{unit}",
            name, p.count, p.p50, p.p90, p.p95, p.p99, p.max
        );
    };
    row(&mut o, "onboarding, raw (s)", &r.onboarding_raw_s, "s");
    row(
        &mut o,
        "onboarding, corrected (s)",
        &r.onboarding_corrected_s,
        "s",
    );
    for (op, p) in &r.operations_ms {
        row(&mut o, &format!("{op} (ms)"), p, " ");
    }
    let _ = writeln!(o, "\n{} calls, {} throttled", r.calls, r.throttled);
    if !r.errors.is_empty() {
        let e: Vec<String> = r.errors.iter().map(|(k, v)| format!("{k} ×{v}")).collect();
        let _ = writeln!(o, "call errors: {}", e.join(", "));
    }
    if !r.failures.is_empty() {
        let e: Vec<String> = r
            .failures
            .iter()
            .map(|(k, v)| format!("{k} ×{v}"))
            .collect();
        let _ = writeln!(o, "failed resources: {}", e.join(", "));
    }
    let _ = writeln!(
        o,
        "\nover time (corrected onboarding latency of those completing in each interval)"
    );
    let _ = writeln!(
        o,
        "{:>9} {:>9} {:>8} {:>10} {:>7} {:>8} {:>8} {:>10} {:>8}",
        "from s",
        "to s",
        "arrived",
        "completed",
        "failed",
        "p50 s",
        "p95 s",
        "in flight",
        "waiting"
    );
    for b in &r.over_time {
        let _ = writeln!(
            o,
            "{:>9.0} {:>9.0} {:>8} {:>10} {:>7} {:>8.1} {:>8.1} {:>10} {:>8}",
            b.from_s,
            b.to_s,
            b.arrived,
            b.completed,
            b.failed,
            b.p50_s,
            b.p95_s,
            b.in_flight,
            b.waiting
        );
    }
    if !r.thresholds.is_empty() {
        let _ = writeln!(o, "\nthresholds");
        for t in &r.thresholds {
            let m = match t.unit {
                "s" => format!("{:.1} s", t.measured),
                "fraction" => format!("{:.2}%", t.measured * 100.0),
                _ => format!("{:.2}/min", t.measured),
            };
            let _ = writeln!(o, "  {:<4} {:<34} measured {m}", t.status, t.threshold);
        }
    }
    let _ = writeln!(o, "\nVerdict: {}", r.verdict);
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::scenario;

    #[test]
    fn schedules_follow_the_rate() {
        let constant = [Stage {
            duration_ms: 60 * 60_000,
            target_per_min: 2.0,
        }];
        let u = schedule(&constant, Arrivals::Uniform, 1);
        assert_eq!(u.len(), 120);
        assert!(
            (u[1] as i64 - u[0] as i64 - 30_000).abs() <= 100,
            "evenly spaced: {:?}",
            &u[..3]
        );
        let p = schedule(&constant, Arrivals::Poisson, 1);
        assert!((90..=150).contains(&p.len()), "{}", p.len());
        assert_eq!(p, schedule(&constant, Arrivals::Poisson, 1));
        assert_ne!(p, schedule(&constant, Arrivals::Poisson, 2));
        // A ramp from 0 to 4/min over 10 min brings ~20 arrivals, later ones denser.
        let ramp = [
            Stage {
                duration_ms: 600_000,
                target_per_min: 0.0,
            },
            Stage {
                duration_ms: 600_000,
                target_per_min: 4.0,
            },
        ];
        let r = schedule(&ramp, Arrivals::Uniform, 1);
        assert_eq!(r.len(), 20);
        assert!(r.iter().all(|&t| t >= 600_000));
        assert!(r[1] - r[0] > r[19] - r[18]);
    }

    fn spec(minutes: u64, per_min: f64, thresholds: &[&str]) -> LoadSpec {
        LoadSpec {
            stages: vec![Stage {
                duration_ms: minutes * 60_000,
                target_per_min: per_min,
            }],
            arrivals: Arrivals::Uniform,
            thresholds: thresholds
                .iter()
                .map(|t| crate::config::loadtest::parse_threshold(t).unwrap())
                .collect(),
            max_concurrent: None,
            grace_ms: DEFAULT_GRACE_MS,
        }
    }

    #[test]
    fn a_light_load_is_served_and_a_heavy_one_queues() {
        let mut sc = scenario(2);
        sc.organization.account_quota = 1000;
        let r = simulate(&sc, &spec(30, 0.2, &["p95 onboarding < 15m"]), 7);
        assert_eq!(r.onboardings, 6);
        assert_eq!(r.unfinished, 0);
        assert_eq!(r.verdict, "PASS", "{}", text(&r));
        // 10 customers a minute is far beyond CreateAccount's 0.1/s and 5 in progress: the
        // Terraform provider's 25 attempts absorb the throttling, and the onboardings queue.
        let heavy = spec(10, 10.0, &["p95 onboarding < 15m", "error rate < 1%"]);
        let h = simulate(&sc, &heavy, 7);
        assert_eq!(h.onboardings, 100);
        assert!(h.throttled > 100, "{}", text(&h));
        assert!(
            h.throughput_per_min < 10.0 * 0.5,
            "the service cannot keep up"
        );
        assert_eq!(h.verdict, "FAIL");
        assert_eq!(h.thresholds[0].status, "FAIL", "{}", text(&h));
        // A script on the SDK's default retries gives up instead: onboardings fail.
        let mut script = sc.clone();
        script
            .set_deployer(crate::engine::Deployer::AwsSdkStandard)
            .unwrap();
        let f = simulate(&script, &heavy, 7);
        assert!(
            f.error_rate > 0.2,
            "CreateAccount's limits fail onboardings: {}",
            text(&f)
        );
        assert_eq!(f.thresholds[1].status, "FAIL");
        // Deterministic.
        let again = simulate(&sc, &heavy, 7);
        assert_eq!(
            serde_json::to_string(&again).unwrap(),
            serde_json::to_string(&h).unwrap()
        );
    }

    #[test]
    fn a_concurrency_cap_queues_arrivals_and_only_the_corrected_latency_shows_it() {
        let mut sc = scenario(2);
        sc.organization.account_quota = 1000;
        let open = spec(10, 1.0, &[]);
        let mut capped = open.clone();
        capped.max_concurrent = Some(1);
        let o = simulate(&sc, &open, 3);
        let c = simulate(&sc, &capped, 3);
        assert_eq!((o.onboardings, c.onboardings), (10, 10));
        assert!(c.most_in_flight <= 1, "{}", text(&c));
        assert!(o.most_in_flight > 1, "{}", text(&o));
        // One at a time, each waits for the one before: the queue grows.
        assert!(
            c.onboarding_corrected_s.p95 > 2.0 * c.onboarding_raw_s.p95,
            "{}",
            text(&c)
        );
        // Without a cap nobody waits: corrected equals raw.
        assert_eq!(o.onboarding_corrected_s.p95, o.onboarding_raw_s.p95);
        // A short grace cuts the queue off: the rest are unfinished and count as errors.
        let mut short = capped.clone();
        short.grace_ms = 0;
        let s = simulate(&sc, &short, 3);
        assert!(s.unfinished > 0, "{}", text(&s));
        assert!(s.error_rate > 0.0);
        assert!(s.completed + s.failed + s.unfinished == 10);
    }
}
