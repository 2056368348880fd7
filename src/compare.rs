//! Two runs side by side: the brief's "Comparison Summary" (customers, resources, revenue,
//! costs, profit, margin, deployment time, conflicts), each with its delta and % change.
//!
//! Pure: built from two [`Report`]s; `main` runs the scenarios. The % change is computed as the
//! seed computes it: (B − A) / A, so $8K → $23K is +188% (187.5% rounded half away from zero).

use std::fmt::Write as _;

use serde::Serialize;

use crate::analysis::Report;
use crate::finance::fmt_money;

/// What a metric counts, which decides how it prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    /// US dollars per month (exact to the cent).
    Usd,
    /// A fraction 0..1; its delta prints in percentage points.
    Fraction,
    Seconds,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Display {
    pub a: String,
    pub b: String,
    pub delta: String,
    pub change: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Metric {
    pub metric: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub a: f64,
    pub b: f64,
    /// b − a (for a margin: a difference of fractions, 0.063 = 6.3 points).
    pub delta: f64,
    /// (b − a) / a × 100; `None` when a is 0, and for margins (their change is the delta).
    pub change_pct: Option<f64>,
    /// The values as printed in the terminal and in Markdown.
    pub display: Display,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Side {
    pub scenario: String,
    pub seed: u64,
    pub verdict: crate::verdict::Verdict,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    pub a: Side,
    pub b: Side,
    pub metrics: Vec<Metric>,
}

fn cents(d: f64) -> i64 {
    (d * 100.0).round() as i64
}

fn signed_money(c: i64) -> String {
    if c >= 0 {
        format!("+{}", fmt_money(c))
    } else {
        fmt_money(c)
    }
}

fn minutes(s: f64) -> String {
    format!("{:.1} min", s / 60.0)
}

fn pct(p: Option<f64>) -> String {
    match p {
        None => "n/a".into(),
        Some(p) => {
            let r = p.round() as i64;
            if r > 0 {
                format!("+{r}%")
            } else {
                format!("{r}%")
            }
        }
    }
}

fn metric(
    metric: &'static str,
    label: &'static str,
    unit: Unit,
    a: f64,
    b: f64,
    detail: (Option<String>, Option<String>),
) -> Metric {
    let delta = match unit {
        Unit::Usd => (cents(b) - cents(a)) as f64 / 100.0,
        _ => b - a,
    };
    let change_pct = match unit {
        Unit::Fraction => None,
        _ if a == 0.0 => None,
        Unit::Usd => Some((cents(b) - cents(a)) as f64 * 100.0 / cents(a) as f64),
        _ => Some(delta * 100.0 / a),
    };
    let (fa, fb, fd) = match unit {
        Unit::Count => (
            format!("{a}"),
            format!("{b}"),
            format!("{}{delta}", if delta >= 0.0 { "+" } else { "" }),
        ),
        Unit::Usd => (
            fmt_money(cents(a)),
            fmt_money(cents(b)),
            signed_money(cents(b) - cents(a)),
        ),
        Unit::Fraction => {
            // A margin, printed as every command prints one (one decimal).
            let pts = (delta * 1000.0).round() / 10.0;
            (
                crate::finance::fmt_margin(a),
                crate::finance::fmt_margin(b),
                format!("{}{pts:.1} pts", if pts >= 0.0 { "+" } else { "" }),
            )
        }
        Unit::Seconds => (
            minutes(a),
            minutes(b),
            format!(
                "{}{}",
                if delta >= 0.0 { "+" } else { "-" },
                minutes(delta.abs())
            ),
        ),
    };
    let with = |v: String, d: Option<String>| match d {
        Some(d) => format!("{v} ({d})"),
        None => v,
    };
    Metric {
        metric,
        label,
        unit,
        a,
        b,
        delta,
        change_pct,
        display: Display {
            a: with(fa, detail.0),
            b: with(fb, detail.1),
            delta: fd,
            change: if unit == Unit::Fraction {
                String::new()
            } else {
                pct(change_pct)
            },
        },
    }
}

/// The comparison of run `a` with run `b`.
pub fn compare(a: &Report, b: &Report) -> Comparison {
    let fa = &a.financials;
    let fb = &b.financials;
    let unresolved = |r: &Report| r.conflicts.iter().filter(|c| !c.resolved).count();
    let none = (None, None);
    let metrics = vec![
        metric(
            "customers",
            "Customers",
            Unit::Count,
            a.customers as f64,
            b.customers as f64,
            none.clone(),
        ),
        metric(
            "resources",
            "Resources planned",
            Unit::Count,
            a.resources.planned as f64,
            b.resources.planned as f64,
            (
                Some(format!("{} failed", a.resources.failed)),
                Some(format!("{} failed", b.resources.failed)),
            ),
        ),
        metric(
            "revenue",
            "Monthly revenue",
            Unit::Usd,
            fa.revenue,
            fb.revenue,
            none.clone(),
        ),
        metric(
            "costs",
            "Monthly costs",
            Unit::Usd,
            fa.costs,
            fb.costs,
            none.clone(),
        ),
        metric(
            "profit",
            "Monthly profit",
            Unit::Usd,
            fa.profit,
            fb.profit,
            none.clone(),
        ),
        metric(
            "margin",
            "Margin",
            Unit::Fraction,
            fa.margin,
            fb.margin,
            none.clone(),
        ),
        metric(
            "deployment_time_s",
            "Deployment time",
            Unit::Seconds,
            a.timing.makespan_s,
            b.timing.makespan_s,
            none,
        ),
        metric(
            "conflicts",
            "Conflicts",
            Unit::Count,
            a.conflicts.len() as f64,
            b.conflicts.len() as f64,
            (
                Some(format!("{} unresolved", unresolved(a))),
                Some(format!("{} unresolved", unresolved(b))),
            ),
        ),
    ];
    let side = |r: &Report| Side {
        scenario: r.scenario.clone(),
        seed: r.seed,
        verdict: r.verdict,
    };
    Comparison {
        a: side(a),
        b: side(b),
        metrics,
    }
}

/// The comparison as JSON, pretty-printed, with a final newline.
pub fn json(c: &Comparison) -> String {
    crate::json::report_json(c)
}

impl crate::json::JsonReport for Comparison {
    const KIND: &'static str = "compare";
}

fn rows(c: &Comparison) -> Vec<[String; 5]> {
    let mut v = vec![[
        "Metric".to_string(),
        c.a.scenario.clone(),
        c.b.scenario.clone(),
        "Delta".to_string(),
        "Change".to_string(),
    ]];
    for m in &c.metrics {
        v.push([
            m.label.to_string(),
            m.display.a.clone(),
            m.display.b.clone(),
            m.display.delta.clone(),
            m.display.change.clone(),
        ]);
    }
    v
}

/// The terminal table, laid out like the brief's Comparison Summary.
pub fn text(c: &Comparison) -> String {
    let rows = rows(c);
    let mut w = [0usize; 5];
    for r in &rows {
        for (i, cell) in r.iter().enumerate() {
            w[i] = w[i].max(cell.chars().count());
        }
    }
    let mut o = String::new();
    let _ = writeln!(
        o,
        "orgsim compare · {} (seed {}, {}) vs {} (seed {}, {})\n",
        c.a.scenario, c.a.seed, c.a.verdict, c.b.scenario, c.b.seed, c.b.verdict
    );
    for (n, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, cell)| format!("{cell:<width$}", width = w[i]))
            .collect();
        let _ = writeln!(o, "{}", cells.join(" | ").trim_end());
        if n == 0 {
            let rule: Vec<String> = w.iter().map(|&k| "─".repeat(k)).collect();
            let _ = writeln!(o, "{}", rule.join("─┼─"));
        }
    }
    o
}

/// The comparison as a Markdown table.
pub fn markdown(c: &Comparison) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "## Comparison: {} vs {}\n\nSeeds {} and {}; verdicts {} and {}.\n",
        c.a.scenario, c.b.scenario, c.a.seed, c.b.seed, c.a.verdict, c.b.verdict
    );
    for (n, r) in rows(c).iter().enumerate() {
        let cells: Vec<String> = r.iter().map(|s| s.replace('|', "\\|")).collect();
        let _ = writeln!(o, "| {} |", cells.join(" | "));
        if n == 0 {
            let _ = writeln!(o, "|---|---:|---:|---:|---:|");
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_computed_like_the_seed() {
        let m = metric("revenue", "r", Unit::Usd, 8_000.0, 23_000.0, (None, None));
        assert_eq!(m.display.delta, "+$15,000");
        assert_eq!(m.display.change, "+188%");
        assert_eq!(m.change_pct, Some(187.5));
        let m = metric("costs", "c", Unit::Usd, 1_680.0, 3_380.0, (None, None));
        assert_eq!(m.display.change, "+101%");
        let m = metric(
            "m",
            "m",
            Unit::Fraction,
            0.79,
            19_620.0 / 23_000.0,
            (None, None),
        );
        assert_eq!(
            (m.display.a.as_str(), m.display.b.as_str()),
            ("79.0%", "85.3%")
        );
        assert_eq!(m.display.delta, "+6.3 pts");
        assert_eq!(m.change_pct, None);
        let m = metric("x", "x", Unit::Count, 0.0, 3.0, (None, None));
        assert_eq!(m.display.change, "n/a");
        let m = metric("t", "t", Unit::Seconds, 600.0, 300.0, (None, None));
        assert_eq!(m.display.delta, "-5.0 min");
        assert_eq!(m.display.change, "-50%");
    }
}
