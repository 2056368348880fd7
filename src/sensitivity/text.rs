//! The report as Markdown and as text.

use super::keys::fmt_value;
use super::study::SensitivityReport;

/// The report as Markdown: the ranking (figures at the largest count), the swings at every
/// count, and a verdict line per claim.
pub(crate) fn markdown(r: &SensitivityReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let n = r.counts.last().copied().unwrap_or(0);
    let last = r.counts.len().saturating_sub(1);
    let _ = writeln!(
        s,
        "# Sensitivity: {} ({}, {} replications a point, counts {})\n",
        r.scenario,
        r.deployer.as_str(),
        r.replications,
        r.counts
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(b) = r.base.get(last) {
        let _ = writeln!(
            s,
            "At the scenario's values and {n} customers: p50 makespan {:.1} min, p95 {:.1} min, P(any failure) {:.1}%, {:.1} throttled calls.\n",
            b.p50_makespan_s / 60.0,
            b.p95_makespan_s / 60.0,
            b.failure_probability * 100.0,
            b.throttled
        );
    }
    let _ = writeln!(
        s,
        "## Ranking at {n} customers (one key at a time, the others at the scenario's values)\n"
    );
    let _ = writeln!(
        s,
        "| rank | key | scenario | range | p95 makespan (min) low / base / high | swing p95 (min) | swing P(any failure) | swing throttles | why this range |"
    );
    let _ = writeln!(s, "|---:|---|---:|---|---|---:|---:|---:|---|");
    for k in &r.keys {
        let at = |v: f64| {
            k.values
                .iter()
                .find(|x| x.value == v)
                .map(|x| format!("{:.1}", x.figures[last].p95_makespan_s / 60.0))
                .unwrap_or_else(|| "=".into())
        };
        let sw = &k.swing[last];
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {} .. {} | {} / {:.1} / {} | {:.1} | {:.1} pp | {:.1} | {} |",
            k.rank,
            k.design.key,
            fmt_value(k.design.base),
            fmt_value(k.design.low),
            fmt_value(k.design.high),
            at(k.design.low),
            r.base[last].p95_makespan_s / 60.0,
            at(k.design.high),
            sw.p95_makespan_s / 60.0,
            sw.failure_probability * 100.0,
            sw.throttled,
            k.design.reason.replace('|', "/")
        );
    }
    if r.counts.len() > 1 {
        let _ = writeln!(s, "\n## Swing of the p95 makespan (min) at each count\n");
        let _ = write!(s, "| key |");
        for c in &r.counts {
            let _ = write!(s, " {c} |");
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "|---|{}", "---:|".repeat(r.counts.len()));
        for k in &r.keys {
            let _ = write!(s, "| `{}` |", k.design.key);
            for sw in &k.swing {
                let _ = write!(s, " {:.1} |", sw.p95_makespan_s / 60.0);
            }
            let _ = writeln!(s);
        }
    }
    let _ = writeln!(
        s,
        "\n## The scenario's claims (`[expect]`; a claim holds at a point when {:.0}% of its replications meet it)\n",
        r.holds_share * 100.0
    );
    if r.claims.is_empty() {
        let _ = writeln!(s, "The scenario has no `[expect]` claims.");
    }
    for c in &r.claims {
        let _ = writeln!(s, "- {}", c.verdict);
    }
    s
}

/// The report as text: the Markdown's ranking, plainly.
pub fn text(r: &SensitivityReport) -> String {
    markdown(r)
}
