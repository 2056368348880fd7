//! The load test's settings: the `[load]` table and the command line's rates, stages and
//! thresholds, parsed.

use super::Invalid;

use serde::Serialize;

use super::units::parse_duration_ms;

/// `"2/min"`, `"0.5/s"`, `"30/h"` → arrivals per minute; at most
/// [`MAX_RATE_PER_MIN`](super::limits::MAX_RATE_PER_MIN).
pub fn parse_rate_per_min(s: &str) -> Result<f64, Invalid> {
    use super::limits::MAX_RATE_PER_MIN;
    let bad = || format!("`{s}` is not a rate (use e.g. 2/min, 0.5/s, 30/h)");
    let (n, unit) = s.trim().split_once('/').ok_or_else(bad)?;
    let n: f64 = n.trim().parse().map_err(|_| bad())?;
    let per = match unit.trim() {
        "s" | "sec" | "second" => 60.0,
        "m" | "min" | "minute" => 1.0,
        "h" | "hour" => 1.0 / 60.0,
        _ => return Err(Invalid::from(bad())),
    };
    let r = n * per;
    if !r.is_finite() {
        return Err(Invalid::from(bad()));
    }
    if r < 0.0 {
        return Err(Invalid::new(format!("`{s}`: a rate must not be negative")));
    }
    if r > MAX_RATE_PER_MIN {
        return Err(Invalid::new(format!(
            "`{s}` is {r}/min, more than the largest rate orgsim takes: {MAX_RATE_PER_MIN}/min \
             (the rate limit)"
        )));
    }
    Ok(r)
}

/// A stage of the arrival process: over `duration_ms` the rate moves linearly from the previous
/// stage's target (0 before the first) to `target_per_min` (k6's ramping arrival rate).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Stage {
    pub duration_ms: u64,
    pub target_per_min: f64,
}

/// `"5m:1/min,10m:4/min"` → stages.
pub fn parse_stages(s: &str) -> Result<Vec<Stage>, Invalid> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (d, r) = part
            .split_once(':')
            .ok_or_else(|| format!("stage `{part}`: write DURATION:RATE, e.g. 5m:2/min"))?;
        out.push(Stage {
            duration_ms: parse_duration_ms(d)?,
            target_per_min: parse_rate_per_min(r)?,
        });
    }
    if out.is_empty() {
        return Err(Invalid::from("no stages: write e.g. 5m:1/min,10m:4/min"));
    }
    Ok(out)
}

/// The rate (per minute) at which stage `k` of `stages` starts: the previous stage's target; 0
/// for the first of several (a ramp up); a lone stage's own target (a constant rate).
pub fn stage_start_rate(stages: &[Stage], k: usize) -> f64 {
    match k {
        0 if stages.len() > 1 => 0.0,
        0 => stages[0].target_per_min,
        k => stages[k - 1].target_per_min,
    }
}

/// The expected number of arrivals over `stages`: each stage's rate, moving linearly, integrated
/// over its duration, in closed form (the schedule draws about this many; exactly this many,
/// rounded, when they are uniform).
pub fn expected_arrivals(stages: &[Stage]) -> f64 {
    stages
        .iter()
        .enumerate()
        .map(|(k, st)| {
            let from = stage_start_rate(stages, k);
            (from + st.target_per_min) / 2.0 * st.duration_ms as f64 / 60_000.0
        })
        .sum()
}

/// Checks a load test's stages against the limits before anything is scheduled: at most
/// [`MAX_STAGES`](super::limits::MAX_STAGES) stages lasting at most
/// [`MAX_LOAD_DURATION_MS`](super::limits::MAX_LOAD_DURATION_MS) together, at most
/// [`MAX_ARRIVALS`](super::limits::MAX_ARRIVALS) expected arrivals, and some arrivals at all (a
/// stage at 0/min inside a ramp is fine; stages that all stay at 0/min are not). Returns the
/// expected number of arrivals.
pub fn check_stages(stages: &[Stage]) -> Result<f64, Invalid> {
    use super::limits::{MAX_ARRIVALS, MAX_LOAD_DURATION_MS, MAX_STAGES};
    if stages.len() > MAX_STAGES {
        return Err(Invalid::new(format!(
            "{} stages are more than a load test may have ({MAX_STAGES}, the stage limit)",
            stages.len()
        )));
    }
    let total: u64 = stages
        .iter()
        .fold(0u64, |t, s| t.saturating_add(s.duration_ms));
    if total > MAX_LOAD_DURATION_MS {
        return Err(Invalid::new(format!(
            "the stages last {} s, longer than a load test may ({} s = 30 days, the load \
             duration limit)",
            total / 1000,
            MAX_LOAD_DURATION_MS / 1000
        )));
    }
    let expected = expected_arrivals(stages);
    if expected > MAX_ARRIVALS as f64 {
        return Err(Invalid::new(format!(
            "the stages would bring about {:.0} arrivals (the rate integrated over the stages), \
             more than a load test may schedule ({MAX_ARRIVALS}, the arrival limit)",
            expected.round()
        )));
    }
    if expected <= 0.0 {
        return Err(Invalid::from(
            "no arrivals: every stage stays at 0/min, so no customer would arrive and nothing \
             would be tested; give a stage a rate above 0",
        ));
    }
    Ok(expected)
}

/// How arrivals are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Arrivals {
    /// A Poisson process (exponential gaps) at the given rate.
    Poisson,
    /// Evenly spaced at the given rate.
    Uniform,
}

/// What a threshold measures.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub enum Metric {
    /// A percentile (50, 90, 95, 99, 100 = max) of the corrected onboarding latency.
    Onboarding(f64),
    /// A percentile of one operation's call latency.
    Operation(String, f64),
    /// Share of onboardings that failed or did not finish.
    ErrorRate,
    /// Onboardings completed per minute.
    Throughput,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Threshold {
    pub text: String,
    pub metric: Metric,
    pub op: String,
    /// Milliseconds for latencies, a fraction for the error rate, per minute for throughput.
    pub value: f64,
}

/// k6-style: `p95 onboarding < 15m`, `p99 CreateAccount < 2s`, `max onboarding <= 1h`,
/// `error rate < 1%`, `throughput > 2/min`.
pub fn parse_threshold(s: &str) -> Result<Threshold, Invalid> {
    let text = s.trim().to_string();
    let bad = |why: &str| format!("threshold `{text}`: {why}");
    let ops = ["<=", ">=", "<", ">"];
    let (lhs, op, rhs) = ops
        .iter()
        .find_map(|op| text.split_once(op).map(|(l, r)| (l.trim(), *op, r.trim())))
        .ok_or_else(|| bad("needs a comparison: <, <=, > or >="))?;
    let words: Vec<&str> = lhs.split_whitespace().collect();
    let (metric, value) = match words.as_slice() {
        ["error", "rate"] | ["error_rate"] | ["errors"] => {
            let v = match rhs.strip_suffix('%') {
                Some(p) => p.trim().parse::<f64>().map(|p| p / 100.0),
                None => rhs.parse::<f64>(),
            }
            .map_err(|_| bad("the error rate is a percentage (1%) or a fraction (0.01)"))?;
            if !(0.0..=1.0).contains(&v) {
                return Err(Invalid::from(bad(
                    "the error rate is between 0% and 100% (a fraction between 0 and 1)",
                )));
            }
            (Metric::ErrorRate, v)
        }
        ["throughput"] => (
            Metric::Throughput,
            parse_rate_per_min(rhs).map_err(|e| bad(&e.message))?,
        ),
        [pct, what] => {
            let p = match *pct {
                "max" => 100.0,
                "median" => 50.0,
                p => p
                    .strip_prefix('p')
                    .and_then(|n| n.parse::<f64>().ok())
                    .filter(|n| *n > 0.0 && *n <= 100.0)
                    .ok_or_else(|| bad("start with p50, p90, p95, p99 (any pNN) or max"))?,
            };
            let d = parse_duration_ms(rhs).map_err(|e| bad(&e.message))? as f64;
            let m = if *what == "onboarding" {
                Metric::Onboarding(p)
            } else if crate::org::types::Operation::parse(what).is_some() {
                Metric::Operation(what.to_string(), p)
            } else {
                return Err(Invalid::from(bad(
                    "measure `onboarding` or an Organizations operation (CreateAccount, ...)",
                )));
            };
            (m, d)
        }
        _ => {
            return Err(Invalid::from(bad(
                "write e.g. `p95 onboarding < 15m`, `error rate < 1%`, `throughput > 2/min`",
            )))
        }
    };
    Ok(Threshold {
        text,
        metric,
        op: op.to_string(),
        value,
    })
}

/// The `[load]` table: what `orgsim load` does when its command line does not say. Empty when the
/// table is absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadSettings {
    /// `rate` + `duration` (one constant stage) or `stages` (ramps).
    pub stages: Vec<Stage>,
    pub arrivals: Option<Arrivals>,
    /// k6-style thresholds: breaking one makes `load` exit 1.
    pub thresholds: Vec<Threshold>,
    /// Most onboardings in flight at once; later arrivals wait (and the wait counts in the
    /// corrected latency).
    pub max_concurrent: Option<usize>,
    /// How long after the last stage onboardings may still finish.
    pub grace_ms: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_rates_stages_thresholds_parse() {
        assert_eq!(parse_duration_ms("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration_ms("500ms"), Ok(500));
        assert_eq!(parse_duration_ms("90"), Ok(90_000));
        assert!(parse_duration_ms("5x").is_err());
        assert_eq!(parse_rate_per_min("0.5/s"), Ok(30.0));
        assert_eq!(parse_rate_per_min("30/h"), Ok(0.5));
        assert!(parse_rate_per_min("3").is_err());
        let s = parse_stages("5m:1/min, 10m:4/min").unwrap();
        assert_eq!(
            s,
            vec![
                Stage {
                    duration_ms: 300_000,
                    target_per_min: 1.0
                },
                Stage {
                    duration_ms: 600_000,
                    target_per_min: 4.0
                }
            ]
        );
        let t = parse_threshold("p95 onboarding < 15m").unwrap();
        assert_eq!(
            (t.metric, t.op.as_str(), t.value),
            (Metric::Onboarding(95.0), "<", 900_000.0)
        );
        assert_eq!(parse_threshold("error rate < 1%").unwrap().value, 0.01);
        assert_eq!(
            parse_threshold("p99 CreateAccount <= 2s").unwrap().metric,
            Metric::Operation("CreateAccount".into(), 99.0)
        );
        assert_eq!(
            parse_threshold("throughput > 2/min").unwrap().metric,
            Metric::Throughput
        );
        assert!(parse_threshold("p95 onboarding 15m").is_err());
        assert!(parse_threshold("p95 Foo < 1s").is_err());
        assert!(parse_threshold("error rate < -1%").is_err());
        assert!(parse_threshold("error rate < 101%").is_err());
        assert!(parse_threshold("error rate < NaN").is_err());
        assert!(parse_rate_per_min("-1/min")
            .unwrap_err()
            .message
            .contains("negative"));
        assert!(parse_rate_per_min("1000001/min")
            .unwrap_err()
            .message
            .contains("1000000/min (the rate limit)"));
    }

    #[test]
    fn arrivals_are_counted_in_closed_form() {
        let st = |d: u64, r: f64| Stage {
            duration_ms: d * 60_000,
            target_per_min: r,
        };
        // A lone stage is a constant rate; several ramp from 0.
        assert_eq!(expected_arrivals(&[st(60, 2.0)]), 120.0);
        assert_eq!(expected_arrivals(&[st(10, 1.0), st(30, 2.0)]), 5.0 + 45.0);
        assert_eq!(
            expected_arrivals(&[st(5, 2.0), st(5, 0.0), st(5, 2.0)]),
            5.0 + 5.0 + 5.0
        );
        assert!(check_stages(&[st(5, 2.0), st(5, 0.0), st(5, 2.0)]).is_ok());
        assert!(check_stages(&[st(10, 0.0), st(20, 0.0)])
            .unwrap_err()
            .message
            .starts_with("no arrivals"));
        assert!(check_stages(&[st(31 * 24 * 60, 0.001)])
            .unwrap_err()
            .message
            .contains("the load duration limit"));
        assert!(check_stages(&[st(60, 2000.0)])
            .unwrap_err()
            .message
            .contains("about 120000 arrivals"));
        assert!(check_stages(&vec![st(1, 1.0); 1001])
            .unwrap_err()
            .message
            .contains("the stage limit"));
    }
}
