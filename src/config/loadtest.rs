//! The load test's settings: the `[load]` table and the command line's rates, stages and
//! thresholds, parsed.

use super::Invalid;

use serde::Serialize;

use super::units::parse_duration_ms;

/// `"2/min"`, `"0.5/s"`, `"30/h"` → arrivals per minute.
pub fn parse_rate_per_min(s: &str) -> Result<f64, Invalid> {
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
    if !(r >= 0.0 && r.is_finite() && r <= 1e6) {
        return Err(Invalid::from(bad()));
    }
    Ok(r)
}

/// A stage of the arrival process: over `duration_ms` the rate moves linearly from the previous
/// stage's target (0 before the first) to `target_per_min` (k6's ramping arrival rate).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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

/// How arrivals are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Arrivals {
    /// A Poisson process (exponential gaps) at the given rate.
    Poisson,
    /// Evenly spaced at the given rate.
    Uniform,
}

/// What a threshold measures.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize)]
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
            (Metric::ErrorRate, v)
        }
        ["throughput"] => (
            Metric::Throughput,
            parse_rate_per_min(rhs).map_err(|e| bad(&e.0))?,
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
            let d = parse_duration_ms(rhs).map_err(|e| bad(&e.0))? as f64;
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
    }
}
