//! Statistics over replications: percentiles (hdrhistogram), means, confidence intervals.
//!
//! Architecture invariant: pure functions, no I/O.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Two-sided Student-t critical values t(1 − α/2, df) for 95% and 99% intervals, df = 1..=30.
const T95: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];
const T99: [f64; 30] = [
    63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169, 3.106, 3.055, 3.012,
    2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845, 2.831, 2.819, 2.807, 2.797, 2.787, 2.779,
    2.771, 2.763, 2.756, 2.750,
];

/// The two-sided Student-t critical value for `confidence` (0.95 or 0.99) and `df` degrees of
/// freedom. Beyond 30 degrees of freedom a Cornish–Fisher correction of the normal quantile is
/// used (error below 0.002 for df > 30).
pub(crate) fn t_critical(confidence: f64, df: usize) -> f64 {
    let (table, z) = if confidence >= 0.99 {
        (&T99, 2.575_829)
    } else {
        (&T95, 1.959_964)
    };
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= 30 {
        return table[df - 1];
    }
    let n = df as f64;
    let z3 = z * z * z;
    let z5 = z3 * z * z;
    z + (z3 + z) / (4.0 * n) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
}

/// Mean and the half-width of its confidence interval over independent samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub(crate) struct MeanCi {
    pub mean: f64,
    pub half_width: f64,
    pub n: usize,
}

/// The interval's ends, for the tests that check it holds the truth.
#[cfg(test)]
impl MeanCi {
    pub(crate) fn lo(&self) -> f64 {
        self.mean - self.half_width
    }
    pub(crate) fn hi(&self) -> f64 {
        self.mean + self.half_width
    }
    pub(crate) fn contains(&self, x: f64) -> bool {
        self.lo() <= x && x <= self.hi()
    }
}

/// The mean of `xs` with a `confidence` interval (Student t on the sample standard deviation).
pub(crate) fn mean_ci(xs: &[f64], confidence: f64) -> MeanCi {
    let n = xs.len();
    if n == 0 {
        return MeanCi {
            mean: 0.0,
            half_width: f64::INFINITY,
            n,
        };
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return MeanCi {
            mean,
            half_width: f64::INFINITY,
            n,
        };
    }
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    let half_width = t_critical(confidence, n - 1) * (var / n as f64).sqrt();
    MeanCi {
        mean,
        half_width,
        n,
    }
}

/// Percentiles of a set of durations in milliseconds, reported in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Percentiles {
    pub p5: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

/// A histogram of millisecond durations up to 30 days, 3 significant digits.
pub(crate) fn ms_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 30 * 86_400_000, 3).expect("valid histogram bounds")
}

/// The samples (ms, at least 1) in a histogram of [`ms_histogram`]'s bounds.
fn histogram_of(samples: &[u64]) -> Histogram<u64> {
    let mut h = ms_histogram();
    for &s in samples {
        h.saturating_record(s.max(1));
    }
    h
}

/// Percentiles (seconds) of millisecond samples, via hdrhistogram.
pub(crate) fn percentiles_ms(samples: &[u64]) -> Percentiles {
    let h = histogram_of(samples);
    let q = |p: f64| h.value_at_quantile(p) as f64 / 1000.0;
    let mean = if samples.is_empty() {
        0.0
    } else {
        samples.iter().map(|&s| s as f64).sum::<f64>() / samples.len() as f64 / 1000.0
    };
    Percentiles {
        p5: q(0.05),
        p50: q(0.50),
        p90: q(0.90),
        p95: q(0.95),
        p99: q(0.99),
        max: if samples.is_empty() {
            0.0
        } else {
            h.max() as f64 / 1000.0
        },
        mean: (mean * 1000.0).round() / 1000.0,
    }
}

/// Mean and 95th percentile (nearest rank) of counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MeanP95 {
    pub mean: f64,
    pub p95: u64,
}

pub(crate) fn mean_p95(xs: &[u64]) -> MeanP95 {
    if xs.is_empty() {
        return MeanP95 { mean: 0.0, p95: 0 };
    }
    let mut v = xs.to_vec();
    v.sort_unstable();
    let mean = v.iter().sum::<u64>() as f64 / v.len() as f64;
    MeanP95 {
        mean: round3(mean),
        p95: nearest_rank_sorted(&v, 95.0),
    }
}

/// Percentile `q` (0–100) of sorted samples, exact nearest rank; `v` must not be empty.
fn nearest_rank_sorted(v: &[u64], q: f64) -> u64 {
    let rank = ((q / 100.0 * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

/// Rounded to 3 decimals, so that JSON output does not carry float noise.
pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_values() {
        assert_eq!(t_critical(0.99, 9), 3.250);
        assert_eq!(t_critical(0.95, 1), 12.706);
        // df = 40: 2.704 (99%), 2.021 (95%); df = 120: 2.617, 1.980.
        assert!((t_critical(0.99, 40) - 2.704).abs() < 0.003);
        assert!((t_critical(0.95, 40) - 2.021).abs() < 0.002);
        assert!((t_critical(0.99, 120) - 2.617).abs() < 0.002);
        assert!((t_critical(0.95, 120) - 1.980).abs() < 0.002);
    }

    #[test]
    fn mean_ci_of_known_samples() {
        let ci = mean_ci(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.95);
        assert_eq!(ci.mean, 3.0);
        // s = sqrt(2.5), se = sqrt(0.5), t(0.975, 4) = 2.776
        assert!((ci.half_width - 2.776 * 0.5f64.sqrt()).abs() < 1e-9);
        assert!(ci.contains(1.1) && !ci.contains(1.0));
    }

    #[test]
    fn percentiles_and_means() {
        let xs: Vec<u64> = (1..=100).map(|s| s * 1000).collect();
        let p = percentiles_ms(&xs);
        // hdrhistogram at 3 significant digits: within 0.1%.
        for (got, want) in [(p.p50, 50.0), (p.p95, 95.0), (p.max, 100.0), (p.p5, 5.0)] {
            assert!((got - want).abs() <= want * 0.001, "{got} vs {want}");
        }
        assert_eq!(p.mean, 50.5);
        let m = mean_p95(&(1..=20).collect::<Vec<u64>>());
        assert_eq!((m.mean, m.p95), (10.5, 19));
    }
}
