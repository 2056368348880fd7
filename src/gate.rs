//! The regression gate: a sweep's result against a committed baseline.
//!
//! For every customer count present in the baseline, three figures are compared: the p95
//! makespan and the conflict rate (relative tolerances) and the failure probability (an
//! absolute tolerance, in probability points). Worse beyond tolerance is a regression; a
//! baseline count the result lacks is coverage lost. A baseline with no counts, or a result (or
//! baseline) that is incomplete, leaves nothing to compare: the gate refuses it ([`refusal`])
//! rather than pass vacuously.
//!
//! Architecture invariant: pure; reading the files is the caller's job.

use serde::Serialize;

use crate::sweep::SweepReport;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerances {
    /// Allowed relative increase of the p95 makespan (0.10 = 10%).
    pub makespan: f64,
    /// Allowed relative increase of the conflict rate.
    pub conflicts: f64,
    /// Allowed absolute increase of the failure probability (0.02 = 2 points).
    pub failures: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            makespan: 0.10,
            conflicts: 0.10,
            failures: 0.02,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub customers: usize,
    pub metric: &'static str,
    pub baseline: f64,
    pub result: Option<f64>,
    /// The largest value that still passes.
    pub limit: f64,
    pub regressed: bool,
    pub detail: String,
}

/// Why `result` and `baseline` cannot be compared at all, if they cannot: the baseline has no
/// customer counts, or either is incomplete (`complete: false`, an interrupted sweep).
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
    }
    None
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

/// Compares `result` with `baseline` at every customer count both have (the others are
/// [`missing_counts`]).
pub fn compare(result: &SweepReport, baseline: &SweepReport, tol: &Tolerances) -> Vec<Comparison> {
    let mut out = Vec::new();
    for b in &baseline.counts {
        let Some(r) = result.counts.iter().find(|c| c.customers == b.customers) else {
            continue;
        };
        let metrics: [(&'static str, f64, Option<f64>, f64); 3] = [
            (
                "makespan_p95_s",
                b.makespan_s.p95,
                Some(r.makespan_s.p95),
                b.makespan_s.p95 * (1.0 + tol.makespan),
            ),
            (
                "conflict_rate",
                b.conflict_rate,
                Some(r.conflict_rate),
                b.conflict_rate * (1.0 + tol.conflicts),
            ),
            (
                "failure_probability",
                b.failure_probability,
                Some(r.failure_probability),
                b.failure_probability + tol.failures,
            ),
        ];
        for (metric, base, res, limit) in metrics {
            let (regressed, detail) = match res {
                None => (
                    true,
                    format!("{} customers: missing from the result", b.customers),
                ),
                Some(v) if v > limit + 1e-9 => {
                    let pct = if base > 0.0 {
                        format!(" ({:+.1}%)", (v - base) / base * 100.0)
                    } else {
                        String::new()
                    };
                    (true, format!("{} customers: {metric} {v} vs baseline {base}{pct}, above the limit {limit:.3}", b.customers))
                }
                Some(v) => (
                    false,
                    format!("{} customers: {metric} {v} vs baseline {base}", b.customers),
                ),
            };
            out.push(Comparison {
                customers: b.customers,
                metric,
                baseline: base,
                result: res,
                limit,
                regressed,
                detail,
            });
        }
    }
    out
}

/// A Markdown summary of a comparison, for a CI job to post.
pub fn markdown(
    result: &SweepReport,
    baseline_name: &str,
    rows: &[Comparison],
    missing: &[usize],
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
    let _ = writeln!(o, "Baseline `{baseline_name}`.\n");
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|n| n.to_string()).collect();
        let _ = writeln!(
            o,
            "**Coverage lost**: the baseline's customer count(s) {} are missing from the result.\n",
            list.join(", ")
        );
    }
    let _ = writeln!(o, "| customers | metric | baseline | result | limit | verdict |\n|---:|---|---:|---:|---:|---|");
    for r in rows {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {:.3} | {} |",
            r.customers,
            r.metric,
            r.baseline,
            r.result
                .map(|v| v.to_string())
                .unwrap_or_else(|| "missing".into()),
            r.limit,
            if r.regressed { "**REGRESSED**" } else { "ok" }
        );
    }
    o
}
