//! What a load test observed, summarized: onboarding and call latency percentiles (raw and
//! corrected), throughput, errors, latency over time, thresholds judged; and its JSON (its
//! text: `text.rs`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::LoadSpec;
use crate::config::loadtest::{Arrivals, Metric, Stage};
use crate::org::types::Operation;
use crate::scenario::Scenario;
use crate::stats;
use crate::verdict::Verdict;

/// One customer's onboarding.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Onboarding {
    pub customer: String,
    /// When it was meant to start (its arrival), ms from the start of the load.
    pub intended_ms: u64,
    /// When its deployment started; `None` if it never did (still waiting for a slot under
    /// `max_concurrent` when the test ended).
    pub start_ms: Option<u64>,
    /// When it ended; `None` if it had not ended when the test stopped.
    pub end_ms: Option<u64>,
    pub success: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Interval {
    pub from_s: f64,
    pub to_s: f64,
    pub arrived: usize,
    pub completed: usize,
    pub failed: usize,
    /// Corrected onboarding latency (s) of those that completed in the interval; `null` when
    /// none did.
    pub p50_s: Option<f64>,
    pub p95_s: Option<f64>,
    /// Onboardings being deployed at the interval's end (at most `max_concurrent`).
    pub running: usize,
    /// Onboardings arrived but not yet started (held back by `max_concurrent`) at its end.
    pub waiting: usize,
}

/// Latency percentiles over exact samples and censored ones: an onboarding (or a call) that
/// had not finished when the test ended is counted, its latency known only to be at least its
/// time until the end. Exact nearest rank; a percentile that falls among the censored samples
/// is a lower bound (named in `at_least`). `null` percentiles: no samples at all.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Latency {
    /// Samples in all: finished and censored.
    pub count: u64,
    /// Of them, unfinished at the end of the test (censored).
    pub censored: u64,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
    /// The percentiles above that are only lower bounds ("at least"), because their rank
    /// falls among the censored samples.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub at_least: Vec<&'static str>,
}

/// Percentile `q` of `exact` samples and `censored` ones (each a lower bound), exact nearest
/// rank over all of them: `(value, exact)`. The value ranks the censored samples at their
/// censoring time (so it is a lower bound of the true percentile); it is exact when ranking
/// them anywhere above gives the same sample. `None`: no samples. Both slices sorted.
pub fn censored_rank(exact: &[u64], censored: &[u64], q: f64) -> Option<(u64, bool)> {
    let n = exact.len() + censored.len();
    if n == 0 {
        return None;
    }
    let rank = ((q / 100.0 * n as f64).ceil() as usize).clamp(1, n);
    // The rank-th smallest of the two sorted slices together (censored at their times).
    let (mut i, mut j) = (0, 0);
    let mut value = 0;
    for _ in 0..rank {
        let take_exact = j >= censored.len() || (i < exact.len() && exact[i] <= censored[j]);
        if take_exact {
            value = exact[i];
            i += 1;
        } else {
            value = censored[j];
            j += 1;
        }
    }
    // With the censored at +infinity, the rank-th smallest is an exact sample only if there
    // are that many; it is the same sample only if it equals `value`.
    let upper = exact.get(rank - 1).copied();
    Some((value, upper == Some(value)))
}

impl Latency {
    /// The summary of `exact` and `censored` millisecond samples, each figure times `scale`
    /// (0.001: seconds), rounded to 3 decimals.
    pub fn of(exact: &[u64], censored: &[u64], scale: f64) -> Latency {
        let mut e = exact.to_vec();
        let mut c = censored.to_vec();
        e.sort_unstable();
        c.sort_unstable();
        let mut at_least = Vec::new();
        let mut q = |name: &'static str, p: f64| {
            censored_rank(&e, &c, p).map(|(v, exact)| {
                if !exact {
                    at_least.push(name);
                }
                stats::round3(v as f64 * scale)
            })
        };
        let (p50, p90, p95, p99, max) = (
            q("p50", 50.0),
            q("p90", 90.0),
            q("p95", 95.0),
            q("p99", 99.0),
            q("max", 100.0),
        );
        Latency {
            count: (e.len() + c.len()) as u64,
            censored: c.len() as u64,
            p50,
            p90,
            p95,
            p99,
            max,
            at_least,
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ThresholdResult {
    pub threshold: String,
    /// Seconds for latencies, a fraction for the error rate, per minute for throughput;
    /// `null` when there was nothing to measure (no onboarding completed, no call answered):
    /// then the threshold fails.
    pub measured: Option<f64>,
    pub unit: &'static str,
    /// The measured latency is only a lower bound (its rank falls among onboardings or calls
    /// unfinished at the end of the test).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub at_least: bool,
    pub status: Verdict,
    /// The measured figure as the text report gives it: in the unit the threshold was written
    /// in (`p95 onboarding < 15m` in minutes), or why there is none.
    #[serde(skip)]
    pub shown: String,
    /// For a latency threshold: what it measures (`onboarding` or the operation) and the unit
    /// it was written in, which the latency table's row then uses too (one figure, one unit).
    #[serde(skip)]
    pub latency_of: Option<(String, LatencyUnit)>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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
    /// Not ended when the test stopped: `running_at_end` being deployed, `waiting_at_end`
    /// never started (held back by `max_concurrent`).
    pub unfinished: usize,
    pub running_at_end: usize,
    pub waiting_at_end: usize,
    /// Onboardings completed per minute of the test (arrival window plus drain).
    pub throughput_per_min: f64,
    pub error_rate: f64,
    /// Onboarding latency in seconds, of the onboardings that completed, with the unfinished
    /// ones censored at the end of the test (failed ones are errors, not latencies): from the
    /// actual start (raw: the deployment's own time; one that never started has none) and from
    /// the arrival (corrected).
    pub onboarding_raw_s: Latency,
    pub onboarding_corrected_s: Latency,
    /// Per operation, call latency in milliseconds (calls unanswered at the end censored).
    pub operations_ms: BTreeMap<String, Latency>,
    /// Calls sent, answered or not.
    pub calls: usize,
    /// Of them, unanswered when the test ended (in flight), by operation.
    pub unanswered: usize,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub unanswered_by_operation: BTreeMap<String, usize>,
    pub throttled: usize,
    /// Calls that returned an error, by error code.
    pub errors: BTreeMap<String, usize>,
    /// Resources of the onboardings that failed, by code (the error the deployer gave up on,
    /// the CreateAccount failure reason, or `Timeout`).
    pub failures: BTreeMap<String, usize>,
    /// Most onboardings being deployed at once (at most `max_concurrent`), and most waiting
    /// for a slot at once.
    pub most_running: usize,
    pub most_waiting: usize,
    pub over_time: Vec<Interval>,
    pub thresholds: Vec<ThresholdResult>,
    /// Ctrl-C stopped the test (present only then): the figures cover what ran, and the
    /// verdict is `INTERRUPTED`, never `PASS`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    pub verdict: Verdict,
}

pub use crate::engine::trace::CallSample;

/// Everything a load test observed, before it is summarized.
pub struct Observed<'a> {
    pub sc: &'a Scenario,
    pub backend: &'a str,
    pub seed: u64,
    pub spec: &'a LoadSpec,
    pub onboardings: Vec<Onboarding>,
    /// Every answered call's (operation, latency in µs, error code if any), from all
    /// onboardings.
    pub calls: Vec<CallSample>,
    /// Every call sent and not answered when the test ended: its operation and how long it
    /// had waited by then (µs).
    pub unanswered: Vec<(Operation, u64)>,
    /// CreateAccount failure reasons and timeouts, by code.
    pub failures: BTreeMap<String, usize>,
    /// When the test ended (ms), drain included.
    pub end_ms: u64,
    /// Ctrl-C stopped it at `end_ms`.
    pub interrupted: bool,
}

/// The unit a latency threshold was written in (its value's last unit: `15m` minutes, `1h30m`
/// minutes, `2s` seconds, `500ms` milliseconds; a bare number is seconds), in which it is
/// reported.
fn written_unit(text: &str) -> LatencyUnit {
    let rhs = ["<=", ">=", "<", ">"]
        .iter()
        .find_map(|op| text.split_once(op).map(|(_, r)| r.trim()))
        .unwrap_or("");
    let unit: String = rhs
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    match unit.as_str() {
        "h" => LatencyUnit::H,
        "m" => LatencyUnit::Min,
        "ms" => LatencyUnit::Ms,
        _ => LatencyUnit::S,
    }
}

/// A unit latencies are printed in, each with its precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencyUnit {
    Ms,
    S,
    Min,
    H,
}

impl LatencyUnit {
    /// The unit for a row of latencies whose largest is `max_ms`: ms below 10 s, s below 10
    /// min, min below 10 h, else h.
    pub fn for_max_ms(max_ms: f64) -> LatencyUnit {
        if max_ms < 10_000.0 {
            LatencyUnit::Ms
        } else if max_ms < 600_000.0 {
            LatencyUnit::S
        } else if max_ms < 36_000_000.0 {
            LatencyUnit::Min
        } else {
            LatencyUnit::H
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            LatencyUnit::Ms => "ms",
            LatencyUnit::S => "s",
            LatencyUnit::Min => "min",
            LatencyUnit::H => "h",
        }
    }

    /// `ms` milliseconds in this unit, without the unit: whole ms (two decimals below 10 ms),
    /// seconds to one decimal (two below 10 s), minutes to one, hours to two.
    pub fn number(self, ms: f64) -> String {
        match self {
            LatencyUnit::Ms if ms < 10.0 => format!("{ms:.2}"),
            LatencyUnit::Ms => format!("{ms:.0}"),
            LatencyUnit::S if ms < 10_000.0 => format!("{:.2}", ms / 1000.0),
            LatencyUnit::S => format!("{:.1}", ms / 1000.0),
            LatencyUnit::Min => format!("{:.1}", ms / 60_000.0),
            LatencyUnit::H => format!("{:.2}", ms / 3_600_000.0),
        }
    }

    /// [`LatencyUnit::number`] with the unit: "25.6 min".
    pub fn show(self, ms: f64) -> String {
        format!("{} {}", self.number(ms), self.name())
    }
}

/// Whether `measured` meets `op value`.
fn meets(measured: f64, op: &str, value: f64) -> bool {
    match op {
        "<" => measured < value,
        "<=" => measured <= value,
        ">" => measured > value,
        _ => measured >= value,
    }
}

/// Judges a latency threshold on a percentile that is `(value_ms, exact)` (None: no samples,
/// which fails: nothing was shown to meet it). A lower bound that already breaks an upper
/// limit (`<`, `<=`) fails; one that does not break it cannot show that the true value meets
/// it, and fails too; a lower bound meeting a lower limit (`>`, `>=`) passes.
fn judge_latency(
    t: &crate::config::loadtest::Threshold,
    at: Option<(f64, bool)>,
    none: &str,
) -> ThresholdResult {
    let unit = written_unit(&t.text);
    let (measured, at_least, ok, shown) = match at {
        None => (None, false, false, format!("nothing: {none}")),
        Some((v, exact)) => {
            let upper_limit = t.op.starts_with('<');
            let ok = meets(v, &t.op, t.value) && (exact || !upper_limit);
            let shown = if exact {
                unit.show(v)
            } else {
                format!("at least {} (unfinished at the end counted)", unit.show(v))
            };
            (Some(stats::round3(v / 1000.0)), !exact, ok, shown)
        }
    };
    ThresholdResult {
        threshold: t.text.clone(),
        measured,
        unit: "s",
        at_least,
        status: Verdict::of(ok),
        shown,
        latency_of: Some((
            match &t.metric {
                Metric::Operation(op, _) => op.clone(),
                _ => "onboarding".into(),
            },
            unit,
        )),
    }
}

/// Summarizes a load test and judges its thresholds.
pub fn summarize(o: Observed) -> LoadReport {
    let duration_ms: u64 = o.spec.duration_ms();
    let end = o.end_ms;
    let succeeded: Vec<&Onboarding> = o
        .onboardings
        .iter()
        .filter(|b| b.end_ms.is_some() && b.success)
        .collect();
    let completed = succeeded.len();
    let failed = o
        .onboardings
        .iter()
        .filter(|b| b.end_ms.is_some() && !b.success)
        .count();
    let unfinished: Vec<&Onboarding> = o
        .onboardings
        .iter()
        .filter(|b| b.end_ms.is_none())
        .collect();
    let running_at_end = unfinished.iter().filter(|b| b.start_ms.is_some()).count();
    // Latencies: the onboardings that completed, exactly; the unfinished, censored at the end.
    let since = |from: u64, to: u64| to.saturating_sub(from);
    let raw: Vec<u64> = succeeded
        .iter()
        .map(|b| since(b.start_ms.unwrap_or(b.intended_ms), b.end_ms.unwrap_or(end)))
        .collect();
    let corrected: Vec<u64> = succeeded
        .iter()
        .map(|b| since(b.intended_ms, b.end_ms.unwrap_or(end)))
        .collect();
    // Raw latency is the deployment's own: one that never started has none.
    let raw_cut: Vec<u64> = unfinished
        .iter()
        .filter_map(|b| b.start_ms.map(|s| since(s, end)))
        .collect();
    let corrected_cut: Vec<u64> = unfinished
        .iter()
        .map(|b| since(b.intended_ms, end))
        .collect();
    let mut per_op: BTreeMap<String, (Vec<u64>, Vec<u64>)> = BTreeMap::new();
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    let mut throttled = 0;
    for (op, us, err) in &o.calls {
        per_op
            .entry(op.as_str().to_string())
            .or_default()
            .0
            .push(*us);
        if let Some(e) = err {
            *errors.entry(e.clone()).or_insert(0) += 1;
            if e == "TooManyRequestsException" {
                throttled += 1;
            }
        }
    }
    let mut unanswered_by_operation: BTreeMap<String, usize> = BTreeMap::new();
    for (op, us) in &o.unanswered {
        per_op
            .entry(op.as_str().to_string())
            .or_default()
            .1
            .push(*us);
        *unanswered_by_operation
            .entry(op.as_str().to_string())
            .or_insert(0) += 1;
    }
    for (exact, cut) in per_op.values_mut() {
        exact.sort_unstable();
        cut.sort_unstable();
    }
    // µs samples, reported in ms.
    let operations_ms: BTreeMap<String, Latency> = per_op
        .iter()
        .map(|(k, (e, c))| (k.clone(), Latency::of(e, c, 0.001)))
        .collect();
    let minutes = (end.max(1)) as f64 / 60_000.0;
    let throughput = stats::round3(completed as f64 / minutes);
    let error_rate = if o.onboardings.is_empty() {
        0.0
    } else {
        stats::round3((failed + unfinished.len()) as f64 / o.onboardings.len() as f64)
    };
    // Most running at once: a sweep over starts (+1) and ends (-1), ends first on a tie; most
    // waiting: over arrivals (+1) and starts (-1), starts first. Never started: waits to the
    // end; never ended: runs to the end.
    let most = |edges: &mut Vec<(u64, i32)>| {
        edges.sort_unstable();
        let (mut most, mut now_in) = (0usize, 0i64);
        for &(_, d) in edges.iter() {
            now_in += d as i64;
            most = most.max(now_in.max(0) as usize);
        }
        most
    };
    let mut running_edges = Vec::with_capacity(2 * o.onboardings.len());
    let mut waiting_edges = Vec::with_capacity(2 * o.onboardings.len());
    for b in &o.onboardings {
        if let Some(s) = b.start_ms {
            running_edges.push((s, 1));
            running_edges.push((b.end_ms.unwrap_or(u64::MAX), -1));
        }
        waiting_edges.push((b.intended_ms, 1));
        waiting_edges.push((b.start_ms.unwrap_or(u64::MAX), -1));
    }
    let most_running = most(&mut running_edges);
    let most_waiting = most(&mut waiting_edges);
    // Over time: 20 intervals over the whole test.
    let width = (end / 20).max(1000);
    let mut over_time = Vec::new();
    let mut from = 0;
    while from < end.max(1) {
        let to = from + width;
        let ended_in = |b: &Onboarding| b.end_ms.is_some_and(|e| e >= from && e < to);
        let mut lat: Vec<u64> = succeeded
            .iter()
            .filter(|b| ended_in(b))
            .map(|b| since(b.intended_ms, b.end_ms.unwrap_or(end)))
            .collect();
        lat.sort_unstable();
        let not_ended = |b: &Onboarding| b.end_ms.is_none_or(|e| e >= to);
        let running = o
            .onboardings
            .iter()
            .filter(|b| b.start_ms.is_some_and(|s| s < to) && not_ended(b))
            .count();
        let waiting = o
            .onboardings
            .iter()
            .filter(|b| b.intended_ms < to && b.start_ms.is_none_or(|s| s >= to) && not_ended(b))
            .count();
        let pct =
            |q: f64| censored_rank(&lat, &[], q).map(|(v, _)| stats::round3(v as f64 / 1000.0));
        over_time.push(Interval {
            from_s: from as f64 / 1000.0,
            to_s: to as f64 / 1000.0,
            arrived: o
                .onboardings
                .iter()
                .filter(|b| b.intended_ms >= from && b.intended_ms < to)
                .count(),
            completed: lat.len(),
            failed: o
                .onboardings
                .iter()
                .filter(|b| !b.success && ended_in(b))
                .count(),
            p50_s: pct(50.0),
            p95_s: pct(95.0),
            running,
            waiting,
        });
        from = to;
    }
    let mut corrected_sorted = corrected.clone();
    corrected_sorted.sort_unstable();
    let mut corrected_cut_sorted = corrected_cut.clone();
    corrected_cut_sorted.sort_unstable();
    let mut thresholds = Vec::new();
    for t in &o.spec.thresholds {
        let r = match &t.metric {
            Metric::Onboarding(q) => judge_latency(
                t,
                censored_rank(&corrected_sorted, &corrected_cut_sorted, *q)
                    .map(|(v, e)| (v as f64, e)),
                &format!(
                    "no onboarding completed or was left unfinished ({} of {} failed)",
                    failed,
                    o.onboardings.len()
                ),
            ),
            Metric::Operation(op, q) => {
                let at = per_op.get(op).and_then(|(e, c)| {
                    censored_rank(e, c, *q).map(|(v, exact)| (v as f64 / 1000.0, exact))
                });
                judge_latency(t, at, &format!("no {op} call was sent"))
            }
            Metric::ErrorRate | Metric::Throughput => {
                let (measured, unit, shown) = if t.metric == Metric::ErrorRate {
                    (
                        error_rate,
                        "fraction",
                        format!("{:.2}%", error_rate * 100.0),
                    )
                } else {
                    (throughput, "per_min", format!("{throughput:.2}/min"))
                };
                let ok = !o.onboardings.is_empty() && meets(measured, &t.op, t.value);
                ThresholdResult {
                    threshold: t.text.clone(),
                    measured: Some(measured),
                    unit,
                    at_least: false,
                    status: Verdict::of(ok),
                    shown,
                    latency_of: None,
                }
            }
        };
        thresholds.push(r);
    }
    let ok = thresholds.iter().all(|t| t.status.is_pass());
    let verdict = if o.interrupted {
        Verdict::Interrupted
    } else {
        Verdict::of(ok)
    };
    // An interrupted test ran for as long as it ran, not as planned.
    let ran_ms = if o.interrupted {
        duration_ms.min(end)
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
        unfinished: unfinished.len(),
        running_at_end,
        waiting_at_end: unfinished.len() - running_at_end,
        throughput_per_min: throughput,
        error_rate,
        onboarding_raw_s: Latency::of(&raw, &raw_cut, 0.001),
        onboarding_corrected_s: Latency::of(&corrected, &corrected_cut, 0.001),
        operations_ms,
        calls: o.calls.len() + o.unanswered.len(),
        unanswered: o.unanswered.len(),
        unanswered_by_operation,
        throttled,
        errors,
        failures: o.failures.clone(),
        most_running,
        most_waiting,
        over_time,
        thresholds,
        interrupted: o.interrupted,
        verdict,
    }
}

/// The JSON report, pretty-printed, with a final newline. Same test, same seed, same bytes
/// (against `sim`).
pub fn json(r: &LoadReport) -> String {
    crate::json::report_json(r)
}

impl crate::json::JsonReport for LoadReport {
    const KIND: &'static str = "load";
}
