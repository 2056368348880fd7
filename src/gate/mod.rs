//! The regression gate: a sweep's result against a committed baseline, judged as samples.
//!
//! For every customer count of the baseline, three figures are tested, each with a test that
//! accounts for the replication counts of both sweeps:
//!
//! - **the p95 makespan**: the control quantile test (Kimball, Burnett & Doherty 1957;
//!   Gastwirth 1968): the number of result replications slower than the baseline's p95,
//!   against its exact distribution when both sweeps sample one distribution (distribution
//!   free: it depends only on the two replication counts);
//! - **the failure probability**: Newcombe's hybrid score interval (Wilson intervals of each
//!   side) for the difference of two proportions;
//! - **the conflict rate** (a mean): Welch's t interval for the difference of two means.
//!
//! A figure regresses when the test says, at the per-figure false-alarm rate, that the result
//! is worse than the baseline (the difference interval lies above 0). The per-figure rate is
//! the false-alarm rate of the whole comparison ([`DEFAULT_FALSE_ALARM`], `check
//! --false-alarm`) split evenly over its comparisons (Bonferroni), so that one `check` of an
//! unchanged scenario raises an alarm with at most that probability. Everything is computed in
//! closed form: no random numbers, the same files give the same verdict.
//!
//! A baseline count the result lacks is coverage lost. Sweeps of different experiments
//! (scenario, deployer, parallelism, quota, latency profile, replications), files with values
//! outside their domain, files without the data the tests need, incomplete sweeps and a
//! baseline without counts are refused ([`refusal`]), never compared.
//!
//! Architecture invariant: pure; reading the files is the caller's job.

use serde::Serialize;

use crate::sweep::{CountSummary, SweepReport, SCHEMA_VERSION};

mod distributions;

pub use distributions::{
    exceedance_critical, exceedance_pmf, newcombe, normal_quantile, t_quantile, wilson,
};

/// The default false-alarm rate of one comparison: the probability that `check` flags a
/// regression in a sweep of an unchanged scenario (all its figures together), at most.
pub const DEFAULT_FALSE_ALARM: f64 = 0.001;

/// The percentile of the makespan that is tested.
const QUANTILE: f64 = 0.95;

/// One figure at one customer count, tested.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    pub customers: usize,
    pub metric: &'static str,
    pub baseline: f64,
    pub result: f64,
    /// The interval the verdict reads, in the figure's unit: for the failure probability and
    /// the conflict rate, the difference result − baseline (regressed when `lo > 0`); for the
    /// p95 makespan, the number of result replications above the baseline's p95: the measured
    /// count is `result_above` and an unchanged scenario gives at most `hi`.
    pub lo: f64,
    pub hi: f64,
    /// p95 makespan only: result replications slower than the baseline's p95.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_above: Option<u64>,
    pub regressed: bool,
    /// False when the replication counts are too small for the test ever to flag this figure
    /// at its false-alarm rate.
    pub can_fail: bool,
    pub detail: String,
}

/// `orgsim check --json`: the verdict, every comparison with its interval, and the counts.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CheckReport {
    /// Always `check`.
    pub kind: &'static str,
    /// The two files, as given.
    pub result: String,
    pub baseline: String,
    /// The false-alarm rate of the whole comparison, and of each figure (split evenly).
    pub false_alarm: f64,
    pub per_figure_false_alarm: f64,
    /// `PASS` when no figure regressed and no baseline count is missing, else `FAIL` (exit 1).
    pub verdict: crate::verdict::Verdict,
    /// How many figures were tested, how many regressed, how many baseline counts are missing.
    pub comparison_count: usize,
    pub regression_count: usize,
    pub missing_count: usize,
    /// The customer counts of the baseline missing from the result (coverage lost).
    pub missing_counts: Vec<usize>,
    pub comparisons: Vec<Comparison>,
}

impl CheckReport {
    pub fn new(
        result: String,
        baseline: String,
        false_alarm: f64,
        comparisons: Vec<Comparison>,
        missing_counts: Vec<usize>,
    ) -> CheckReport {
        let regression_count = comparisons.iter().filter(|c| c.regressed).count();
        CheckReport {
            kind: "check",
            result,
            baseline,
            false_alarm,
            per_figure_false_alarm: per_figure(false_alarm, comparisons.len()),
            verdict: crate::verdict::Verdict::of(
                regression_count == 0 && missing_counts.is_empty(),
            ),
            comparison_count: comparisons.len(),
            regression_count,
            missing_count: missing_counts.len(),
            missing_counts,
            comparisons,
        }
    }
}

impl crate::json::JsonReport for CheckReport {
    const KIND: &'static str = "check";
}

/// The per-figure false-alarm rate of a comparison of `n` figures at a family rate `family`.
pub fn per_figure(family: f64, n: usize) -> f64 {
    family / n.max(1) as f64
}

/// Why `result` and `baseline` cannot be compared at all, if they cannot, naming the field:
/// the baseline has no counts; either is incomplete, lacks what the tests need or holds a
/// value outside its domain; or they are sweeps of different experiments.
///
/// The seeds may differ: a sweep at another seed is another sample of the same experiment,
/// which is what the tests compare (the same seed gives the same sample, which passes).
pub fn refusal(result: &SweepReport, baseline: &SweepReport) -> Option<String> {
    if baseline.counts.is_empty() {
        return Some(
            "the baseline has no customer counts (`counts: []`): nothing to compare, and a gate \
             that compares nothing cannot fail; regenerate the baseline"
                .into(),
        );
    }
    for (which, r) in [("result", result), ("baseline", baseline)] {
        if !r.complete {
            return Some(format!(
                "the {which} is incomplete (`complete: false`: an interrupted sweep), so its \
                 figures are not the sweep's; nothing to compare: run the sweep to the end"
            ));
        }
        if let Err(e) = validate(r) {
            return Some(format!("the {which}: {e}"));
        }
    }
    mismatch(result, baseline)
}

/// The first field in which `result` and `baseline` describe different experiments.
pub fn mismatch(result: &SweepReport, baseline: &SweepReport) -> Option<String> {
    let show = |v: Option<String>| v.unwrap_or_else(|| "none".into());
    let fields: [(&str, String, String); 6] = [
        (
            "scenario",
            result.scenario.clone(),
            baseline.scenario.clone(),
        ),
        (
            "deployer",
            show(result.deployer.map(|d| d.to_string())),
            show(baseline.deployer.map(|d| d.to_string())),
        ),
        (
            "parallelism",
            result.parallelism.to_string(),
            baseline.parallelism.to_string(),
        ),
        (
            "account_quota",
            result.account_quota.to_string(),
            baseline.account_quota.to_string(),
        ),
        (
            "latency_profile",
            show(result.latency_profile.clone()),
            show(baseline.latency_profile.clone()),
        ),
        (
            "replications",
            result.replications.to_string(),
            baseline.replications.to_string(),
        ),
    ];
    for (field, r, b) in fields {
        if r != b {
            return Some(format!(
                "`{field}` differs: the result has `{r}`, the baseline `{b}`; a sweep is \
                 compared only with a baseline of the same experiment (the seed may differ): \
                 re-run the sweep as the baseline was made, or regenerate the baseline"
            ));
        }
    }
    None
}

/// Checks that every figure the gate reads is inside its domain and present, naming the field.
pub fn validate(r: &SweepReport) -> Result<(), String> {
    if r.schema_version > SCHEMA_VERSION {
        return Err(format!(
            "`schema_version` is {}: this orgsim reads sweep files up to version \
             {SCHEMA_VERSION}",
            r.schema_version
        ));
    }
    if r.deployer.is_none() {
        return Err(
            "records no `deployer` (written before deployer profiles): regenerate it".into(),
        );
    }
    if r.replications == 0 {
        return Err("`replications` is 0".into());
    }
    let mut last = 0;
    for (i, c) in r.counts.iter().enumerate() {
        let at = |field: &str| format!("`counts[{i}].{field}` ({} customers)", c.customers);
        if c.customers == 0 || c.customers <= last {
            return Err(format!(
                "{} is {}: customer counts are at least 1 and ascending",
                at("customers"),
                c.customers
            ));
        }
        last = c.customers;
        if c.replications != r.replications as usize {
            return Err(format!(
                "{} is {}, but the sweep's `replications` is {}",
                at("replications"),
                c.replications,
                r.replications
            ));
        }
        validate_count(c, &at)?;
    }
    Ok(())
}

fn validate_count(c: &CountSummary, at: &dyn Fn(&str) -> String) -> Result<(), String> {
    let n = c.replications as u64;
    let fp = c.failure_probability;
    if !(0.0..=1.0).contains(&fp) {
        return Err(format!(
            "{} is {fp:?}: a probability is between 0 and 1",
            at("failure_probability")
        ));
    }
    let missing = |field: &str, why: &str| {
        format!(
            "{} is missing (a file of schema 1): {why}; make the sweep again with this orgsim",
            at(field)
        )
    };
    let Some(k) = c.failures else {
        return Err(missing("failures", "the failure test needs the count"));
    };
    if k > n || (k as f64 / n as f64 - fp).abs() > 0.0005 + 1e-9 {
        return Err(format!(
            "{} is {k} of {n} replications, which does not give its `failure_probability` {fp}",
            at("failures")
        ));
    }
    let rate = c.conflict_rate;
    if !(rate.is_finite() && rate >= 0.0) {
        return Err(format!(
            "{} is {rate:?}: a rate is a finite number, at least 0",
            at("conflict_rate")
        ));
    }
    let Some(sd) = c.conflict_rate_sd else {
        return Err(missing(
            "conflict_rate_sd",
            "the conflict test needs the spread",
        ));
    };
    if !(sd.is_finite() && sd >= 0.0) {
        return Err(format!(
            "{} is {sd:?}: a standard deviation is a finite number, at least 0",
            at("conflict_rate_sd")
        ));
    }
    let m = &c.makespan_s;
    // Makespans are u64 milliseconds (a run may last longer than the sweep histogram's
    // nominal 30 days, e.g. under a daily creation limit).
    let top = u64::MAX as f64 / 1000.0;
    for (name, v) in [
        ("p5", m.p5),
        ("p50", m.p50),
        ("p90", m.p90),
        ("p95", m.p95),
        ("p99", m.p99),
        ("max", m.max),
        ("mean", m.mean),
    ] {
        if !(v.is_finite() && v >= 0.0 && v <= top) {
            return Err(format!(
                "{} is {v:?}: a makespan is between 0 and {top:e} s (u64 milliseconds)",
                at(&format!("makespan_s.{name}"))
            ));
        }
    }
    let Some(sample) = &c.makespan_ms_sample else {
        return Err(format!(
            "{} is missing: the p95 test needs every replication's makespan; make the sweep \
             with `orgsim sweep --samples --json`",
            at("makespan_ms_sample")
        ));
    };
    if sample.len() as u64 != n {
        return Err(format!(
            "{} holds {} makespans for {n} replications",
            at("makespan_ms_sample"),
            sample.len()
        ));
    }
    if sample.windows(2).any(|w| w[0] > w[1]) {
        return Err(format!(
            "{} is not sorted in ascending order",
            at("makespan_ms_sample")
        ));
    }
    let p95 = crate::stats::percentiles_ms(sample).p95;
    if p95 != m.p95 {
        return Err(format!(
            "{} is {}, but its `makespan_ms_sample` gives {p95}",
            at("makespan_s.p95"),
            m.p95
        ));
    }
    Ok(())
}

/// The baseline's customer counts that the result lacks: coverage lost.
pub fn missing_counts(result: &SweepReport, baseline: &SweepReport) -> Vec<usize> {
    baseline
        .counts
        .iter()
        .map(|b| b.customers)
        .filter(|n| !result.counts.iter().any(|c| c.customers == *n))
        .collect()
}

/// Tests `result` against `baseline` at every customer count both have (the others are
/// [`missing_counts`]), at the family false-alarm rate `false_alarm`. Both must have passed
/// [`refusal`]; a count without the data a test needs is skipped.
pub fn compare(result: &SweepReport, baseline: &SweepReport, false_alarm: f64) -> Vec<Comparison> {
    let pairs: Vec<(&CountSummary, &CountSummary)> = baseline
        .counts
        .iter()
        .filter_map(|b| {
            let r = result.counts.iter().find(|c| c.customers == b.customers)?;
            Some((r, b))
        })
        .collect();
    let alpha = per_figure(false_alarm, 3 * pairs.len());
    let mut out = Vec::new();
    for (r, b) in pairs {
        if let (Some(rs), Some(bs)) = (&r.makespan_ms_sample, &b.makespan_ms_sample) {
            out.push(p95_test(b.customers, rs, bs, r, b, alpha));
        }
        if let (Some(rk), Some(bk)) = (r.failures, b.failures) {
            out.push(failure_test(b.customers, rk, bk, r, b, alpha));
        }
        if let (Some(rsd), Some(bsd)) = (r.conflict_rate_sd, b.conflict_rate_sd) {
            out.push(conflict_test(b.customers, r, b, rsd, bsd, alpha));
        }
    }
    out
}

fn pct(alpha: f64) -> String {
    let p = alpha * 100.0;
    let digits = if p >= 1.0 {
        0
    } else {
        (-p.log10()).ceil() as usize + 1
    };
    format!("{p:.digits$}%")
}

fn p95_test(
    customers: usize,
    rs: &[u64],
    bs: &[u64],
    r: &CountSummary,
    b: &CountSummary,
    alpha: f64,
) -> Comparison {
    let (n, m) = (rs.len() as u64, bs.len() as u64);
    let j = rank(m, QUANTILE);
    let threshold = bs[(j - 1) as usize];
    let above = rs.iter().filter(|&&x| x > threshold).count() as u64;
    let c = exceedance_critical(m, n, j, alpha);
    let (base, res) = (b.makespan_s.p95, r.makespan_s.p95);
    let regressed = above >= c;
    let can_fail = c <= n;
    let limit = if can_fail {
        format!("an unchanged scenario gives at most {}", c - 1)
    } else {
        format!("the test cannot flag it at {n} and {m} replications")
    };
    let detail = format!(
        "{customers} customers: makespan_p95_s {res} vs baseline {base}{}: {above} of {n} \
         result replications above the baseline's p95 ({limit}; false-alarm rate {})",
        change(res, base),
        pct(alpha)
    );
    Comparison {
        customers,
        metric: "makespan_p95_s",
        baseline: base,
        result: res,
        lo: 0.0,
        hi: (c - 1) as f64,
        result_above: Some(above),
        regressed,
        can_fail,
        detail,
    }
}

fn change(res: f64, base: f64) -> String {
    if base > 0.0 {
        format!(" ({:+.1}%)", (res - base) / base * 100.0)
    } else {
        String::new()
    }
}

fn failure_test(
    customers: usize,
    rk: u64,
    bk: u64,
    r: &CountSummary,
    b: &CountSummary,
    alpha: f64,
) -> Comparison {
    let (n, m) = (r.replications as u64, b.replications as u64);
    let z = normal_quantile(1.0 - alpha);
    let (lo, hi) = newcombe(rk, n, bk, m, z);
    // The largest difference the test can ever flag is the one of all failures against none.
    let can_fail = newcombe(n, n, 0, m, z).0 > 0.0;
    interval_comparison(
        customers,
        "failure_probability",
        r.failure_probability,
        b.failure_probability,
        (lo, hi),
        can_fail,
        alpha,
    )
}

fn conflict_test(
    customers: usize,
    r: &CountSummary,
    b: &CountSummary,
    rsd: f64,
    bsd: f64,
    alpha: f64,
) -> Comparison {
    let (n, m) = (r.replications as f64, b.replications as f64);
    let diff = r.conflict_rate - b.conflict_rate;
    let (vr, vb) = (rsd * rsd / n, bsd * bsd / m);
    let se = (vr + vb).sqrt();
    let (lo, hi) = if se > 0.0 {
        // Welch–Satterthwaite degrees of freedom.
        let mut den = 0.0;
        if n > 1.0 {
            den += vr * vr / (n - 1.0);
        }
        if m > 1.0 {
            den += vb * vb / (m - 1.0);
        }
        let df = if den > 0.0 {
            (vr + vb) * (vr + vb) / den
        } else {
            1.0
        };
        let t = t_quantile(1.0 - alpha, df);
        (diff - t * se, diff + t * se)
    } else {
        // No spread on either side: the difference is what it is (rates are rounded to 3
        // decimals).
        let d = if diff.abs() < 0.0005 { 0.0 } else { diff };
        (d, d)
    };
    interval_comparison(
        customers,
        "conflict_rate",
        r.conflict_rate,
        b.conflict_rate,
        (lo, hi),
        true,
        alpha,
    )
}

fn interval_comparison(
    customers: usize,
    metric: &'static str,
    res: f64,
    base: f64,
    (lo, hi): (f64, f64),
    can_fail: bool,
    alpha: f64,
) -> Comparison {
    let regressed = lo > 0.0;
    let detail = format!(
        "{customers} customers: {metric} {res} vs baseline {base}: difference {:+.3}, \
         interval {:+.3} to {:+.3} (false-alarm rate {}{})",
        res - base,
        lo,
        hi,
        pct(alpha),
        if can_fail {
            ""
        } else {
            "; the test cannot flag it at these replication counts"
        }
    );
    Comparison {
        customers,
        metric,
        baseline: base,
        result: res,
        lo,
        hi,
        result_above: None,
        regressed,
        can_fail,
        detail,
    }
}

/// The rank of percentile `q` among `n` sorted samples, as hdrhistogram takes it (the sweep's
/// `makespan_s` figures): `ceil(q·n)`, at least 1.
fn rank(n: u64, q: f64) -> u64 {
    ((q * n as f64).ceil() as u64).clamp(1, n.max(1))
}

/// A Markdown summary of a comparison, for a CI job to post.
pub fn markdown(
    result: &SweepReport,
    baseline_name: &str,
    rows: &[Comparison],
    missing: &[usize],
    false_alarm: f64,
) -> String {
    use std::fmt::Write as _;
    let bad = rows.iter().filter(|r| r.regressed).count();
    let mut o = String::new();
    let mut verdict = if bad == 0 {
        "no regression".to_string()
    } else {
        format!("{bad} regression(s)")
    };
    if !missing.is_empty() {
        verdict.push_str(&format!(", coverage lost at {} count(s)", missing.len()));
    }
    let _ = writeln!(o, "## orgsim check: {} — {verdict}\n", result.scenario);
    let _ = writeln!(
        o,
        "Baseline `{baseline_name}`. False-alarm rate {} for the whole comparison ({} per \
         figure).\n",
        pct(false_alarm),
        pct(per_figure(false_alarm, rows.len()))
    );
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|n| n.to_string()).collect();
        let _ = writeln!(
            o,
            "**Coverage lost**: the baseline's customer count(s) {} are missing from the result.\n",
            list.join(", ")
        );
    }
    let _ = writeln!(
        o,
        "| customers | metric | baseline | result | test | verdict |\n|---:|---|---:|---:|---|---|"
    );
    for r in rows {
        let test = match r.result_above {
            Some(above) => format!("{above} above baseline p95 (unchanged: ≤ {})", r.hi),
            None => format!("difference {:+.3} to {:+.3}", r.lo, r.hi),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {test} | {} |",
            r.customers,
            r.metric,
            r.baseline,
            r.result,
            if r.regressed {
                "**REGRESSED**"
            } else if !r.can_fail {
                "ok (cannot fail)"
            } else {
                "ok"
            }
        );
    }
    o
}

#[cfg(test)]
mod tests;
