//! What a load test observed, summarized: onboarding and call latency percentiles (raw and
//! corrected), throughput, errors, latency over time, thresholds judged; and its JSON and text.

use std::collections::BTreeMap;

use serde::Serialize;

use super::LoadSpec;
use crate::config::loadtest::{Arrivals, Metric, Stage};
use crate::error::Verdict;
use crate::org::types::Operation;
use crate::scenario::Scenario;
use crate::stats::{self, LatencySummary};

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
pub struct Interval {
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
    pub status: Verdict,
    /// The measured figure as the text report gives it: in the unit and the precision of the
    /// latency table's row (onboardings in s, calls in ms).
    #[serde(skip)]
    pub shown: String,
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
    /// The stages' length; when interrupted, how long arrivals ran before Ctrl-C.
    pub duration_s: f64,
    /// When interrupted: the stages' planned length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_duration_s: Option<f64>,
    pub onboardings: usize,
    pub completed: usize,
    pub failed: usize,
    pub unfinished: usize,
    /// Onboardings completed per minute of the test (arrival window plus drain).
    pub throughput_per_min: f64,
    pub error_rate: f64,
    /// Onboarding latency in seconds: from the actual start (raw) and from the arrival (corrected).
    pub onboarding_raw_s: LatencySummary,
    pub onboarding_corrected_s: LatencySummary,
    /// Per operation, call latency in milliseconds.
    pub operations_ms: BTreeMap<String, LatencySummary>,
    pub calls: usize,
    pub throttled: usize,
    /// Calls that returned an error, by error code.
    pub errors: BTreeMap<String, usize>,
    /// Resources of the onboardings that failed, by code (the error the deployer gave up on,
    /// the CreateAccount failure reason, or `Timeout`).
    pub failures: BTreeMap<String, usize>,
    pub most_in_flight: usize,
    pub over_time: Vec<Interval>,
    pub thresholds: Vec<ThresholdResult>,
    /// Ctrl-C stopped the test (present only then): the figures cover what ran, and the
    /// verdict is `INTERRUPTED`, never `PASS`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    pub verdict: Verdict,
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
    /// Ctrl-C stopped it at `end_ms`.
    pub interrupted: bool,
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
    let operations_ms: BTreeMap<String, LatencySummary> = per_op
        .iter()
        .map(|(k, v)| (k.clone(), stats::latency_summary(v, 0.001)))
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
        over_time.push(Interval {
            from_s: from as f64 / 1000.0,
            to_s: to as f64 / 1000.0,
            arrived: o
                .onboardings
                .iter()
                .filter(|b| b.intended_ms >= from && b.intended_ms < to)
                .count(),
            completed: in_bucket.iter().filter(|b| b.success).count(),
            failed: in_bucket.iter().filter(|b| !b.success).count(),
            p50_s: stats::nearest_rank(&lat, 50.0) / 1000.0,
            p95_s: stats::nearest_rank(&lat, 95.0) / 1000.0,
            in_flight,
            waiting,
        });
        from = to;
    }
    let corrected_s = stats::latency_summary(&corrected, 0.001);
    let mut thresholds = Vec::new();
    for t in &o.spec.thresholds {
        let (measured, unit) = match &t.metric {
            Metric::Onboarding(q) => (stats::nearest_rank(&corrected, *q), "s"),
            Metric::Operation(op, q) => (
                per_op
                    .get(op)
                    .map(|v| stats::nearest_rank(v, *q) / 1000.0)
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
            status: Verdict::of(ok),
            shown: match &t.metric {
                Metric::Onboarding(_) => format!("{:.2} s", stats::round3(measured / 1000.0)),
                Metric::Operation(..) => format!("{:.2} ms", stats::round3(measured)),
                Metric::ErrorRate => format!("{:.2}%", measured * 100.0),
                Metric::Throughput => format!("{measured:.2}/min"),
            },
        });
    }
    let ok = thresholds.iter().all(|t| t.status.is_pass());
    let verdict = if o.interrupted {
        Verdict::Interrupted
    } else {
        Verdict::of(ok)
    };
    // An interrupted test ran for as long as it ran, not as planned.
    let ran_ms = if o.interrupted {
        duration_ms.min(o.end_ms)
    } else {
        duration_ms
    };
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
        duration_s: ran_ms as f64 / 1000.0,
        planned_duration_s: o.interrupted.then_some(duration_ms as f64 / 1000.0),
        onboardings: o.onboardings.len(),
        completed,
        failed,
        unfinished,
        throughput_per_min: throughput,
        error_rate,
        onboarding_raw_s: stats::latency_summary(&raw, 0.001),
        onboarding_corrected_s: corrected_s,
        operations_ms,
        calls: o.calls.len(),
        throttled,
        errors,
        failures: o.failures.clone(),
        most_in_flight: most,
        over_time,
        thresholds,
        interrupted: o.interrupted,
        verdict,
    }
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
    // Every figure carries its unit: onboardings in seconds, calls in milliseconds.
    let _ = writeln!(
        o,
        "\n{:<38} {:>6} {:>11} {:>11} {:>11} {:>11} {:>11}",
        "latency (exact nearest rank)", "count", "p50", "p90", "p95", "p99", "max"
    );
    let row = |o: &mut String, name: &str, p: &LatencySummary, unit: &str| {
        let v = |x: f64| format!("{x:.2} {unit}");
        let _ = writeln!(
            o,
            "{:<38} {:>6} {:>11} {:>11} {:>11} {:>11} {:>11}",
            name,
            p.count,
            v(p.p50),
            v(p.p90),
            v(p.p95),
            v(p.p99),
            v(p.max)
        );
    };
    row(&mut o, "onboarding, raw", &r.onboarding_raw_s, "s");
    row(
        &mut o,
        "onboarding, corrected",
        &r.onboarding_corrected_s,
        "s",
    );
    for (op, p) in &r.operations_ms {
        row(&mut o, op, p, "ms");
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
        "p50 (s)",
        "p95 (s)",
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
            let _ = writeln!(
                o,
                "  {:<4} {:<34} measured {}",
                t.status, t.threshold, t.shown
            );
        }
    }
    if r.interrupted {
        let _ = writeln!(
            o,
            "\nVerdict: {} (Ctrl-C after {:.1} s of the planned {:.1} s of arrivals: the figures \
             cover what ran, and a partial test neither passes nor fails)",
            r.verdict,
            r.duration_s,
            r.planned_duration_s.unwrap_or(r.duration_s)
        );
    } else {
        let _ = writeln!(o, "\nVerdict: {}", r.verdict);
    }
    o
}
