//! Sweep output: the terminal table and the Markdown summary.

use std::fmt::Write as _;

use crate::sweep::SweepReport;

fn min(s: f64) -> String {
    format!("{:.1}", s / 60.0)
}

fn deployer(r: &SweepReport) -> &'static str {
    r.deployer.map(|d| d.as_str()).unwrap_or("unrecorded")
}

/// The terminal table.
pub fn text(r: &SweepReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "orgsim sweep · {} · seed {} · {} replication(s) per count · deployer {} · parallelism {} · account quota {}{}",
        r.scenario,
        r.seed,
        r.replications,
        deployer(r),
        r.parallelism,
        r.account_quota,
        if r.complete { "" } else { " · INTERRUPTED (partial)" }
    );
    let _ = writeln!(
        o,
        "\n  makespan in minutes; counts as mean/p95 per replication\n"
    );
    let _ = writeln!(
        o,
        "{:>9} {:>5} │ {:>6} {:>6} {:>6} {:>6} {:>6} │ {:>11} {:>11} {:>11} │ {:>7} {:>8} {:>7}",
        "customers",
        "reps",
        "p50",
        "p90",
        "p95",
        "p99",
        "max",
        "calls",
        "throttled",
        "conflicts",
        "P(fail)",
        "acct/min",
        "margin"
    );
    for c in &r.counts {
        let m = &c.makespan_s;
        let mp = |x: &crate::stats::MeanP95| format!("{:.1}/{}", x.mean, x.p95);
        let _ = writeln!(
            o,
            "{:>9} {:>5} │ {:>6} {:>6} {:>6} {:>6} {:>6} │ {:>11} {:>11} {:>11} │ {:>7.3} {:>8.2} {:>6.1}%",
            c.customers,
            c.replications,
            min(m.p50),
            min(m.p90),
            min(m.p95),
            min(m.p99),
            min(m.max),
            mp(&c.calls),
            mp(&c.throttled),
            mp(&c.conflicts),
            c.failure_probability,
            c.accounts_per_minute,
            c.margin * 100.0
        );
    }
    let _ = writeln!(o, "{MARGIN_NOTE}");
    o
}

/// What the sweep's margin column counts (see `finance::Financials`).
const MARGIN_NOTE: &str =
    "margin: the mean over replications of each run's margin, (revenue − the \
scenario's cost lines) ÷ revenue, a customer whose account was not created not billed; with every \
customer onboarded it is the margin chart's and phases' figure";

/// A Markdown summary a CI job can post.
pub fn markdown(r: &SweepReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## orgsim sweep: {}\n", r.scenario);
    let _ = writeln!(
        o,
        "Seed {} · {} replication(s) per count · deployer {} · parallelism {} · account quota {}{}\n",
        r.seed,
        r.replications,
        deployer(r),
        r.parallelism,
        r.account_quota,
        if r.complete {
            ""
        } else {
            " · **interrupted: partial results**"
        }
    );
    let _ = writeln!(
        o,
        "| customers | reps | makespan p50 (min) | p95 (min) | p99 (min) | throttled (mean) | conflicts (mean) | P(any failure) | accounts/min | margin |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for c in &r.counts {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {:.1} | {:.1} | {:.3} | {:.2} | {:.1}% |",
            c.customers,
            c.replications,
            min(c.makespan_s.p50),
            min(c.makespan_s.p95),
            min(c.makespan_s.p99),
            c.throttled.mean,
            c.conflicts.mean,
            c.failure_probability,
            c.accounts_per_minute,
            c.margin * 100.0
        );
    }
    let _ = writeln!(o, "\n{MARGIN_NOTE}.");
    o
}
