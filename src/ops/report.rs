//! `ops` and `staff` reports rendered: text and Markdown that return strings, and the JSON of the
//! data in `types`. Money is integer cents; times are hours (support) and minutes (onboarding).

use std::fmt::Write as _;

use super::types::{OpsReport, StaffReport, StaffRow};
use crate::config::operations::{self as config, fmt_duration, HandleTime, OperationsConfig};

/// The line that heads an interrupted report.
const INTERRUPTED_LINE: &str =
    "INTERRUPTED: stopped before the end; what is below is what was finished";

/// The [X] inputs and their values, marked "(default)" where the default is used.
pub(crate) fn assumptions(cfg: &OperationsConfig) -> Vec<String> {
    let d = OperationsConfig::default();
    let mark = |same: bool| if same { " (default)" } else { "" };
    let s = &cfg.support;
    let rates = &s.tickets_per_customer_month;
    let mut rate = format!("{} per customer per month", rates.default_per_month);
    for (t, r) in &rates.per_tier {
        let _ = write!(rate, ", {t} {r}");
    }
    let handle_default = s.handle_time
        == HandleTime::Exponential {
            mean_ms: config::DEFAULT_HANDLE_MEAN_MS,
        };
    vec![
        format!(
            "[X] ticket rate: {rate}{}",
            mark(*rates == d.support.tickets_per_customer_month)
        ),
        format!(
            "[X] handling time: {}{}",
            s.handle_time.describe(),
            mark(handle_default)
        ),
        format!(
            "[X] horizon: {}{}",
            fmt_duration(cfg.horizon_ms),
            mark(cfg.horizon_ms == d.horizon_ms)
        ),
        format!(
            "[X] onboarding lead-time SLA: {}{}",
            fmt_duration(cfg.onboarding.lead_time_sla_ms),
            mark(cfg.onboarding.lead_time_sla_ms == d.onboarding.lead_time_sla_ms)
        ),
        format!(
            "[X] monthly cost per person: support {}, onboarding {}",
            dollars(s.monthly_cost_per_person_cents),
            dollars(cfg.onboarding.monthly_cost_per_person_cents)
        ),
    ]
}

/// `$1,234` or `$1,234.56`: the one money formatter, `finance`'s.
pub use crate::finance::fmt_money as dollars;

/// Pretty JSON with a final newline, its `schema_version` first.
pub fn json<T: crate::json::JsonReport>(r: &T) -> String {
    crate::json::report_json(r)
}

/// "1 person", "3 people".
pub(crate) fn people(n: u32) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{} people", group(n as u64))
    }
}

/// 1000 as "1,000".
fn group(n: u64) -> String {
    let d = n.to_string();
    let mut g = String::new();
    for (i, ch) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            g.push(',');
        }
        g.push(ch);
    }
    g
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

/// The `ops` summary for a terminal.
pub(crate) fn ops_text(r: &OpsReport) -> String {
    let mut o = String::new();
    if r.interrupted {
        let _ = writeln!(o, "{INTERRUPTED_LINE}");
    }
    let s = &r.support;
    let b = &r.onboarding;
    let _ = writeln!(
        o,
        "orgsim ops · seed {} · horizon {:.0} days · {} replication(s)\n",
        r.seed, r.horizon_days, r.replications
    );
    let _ = writeln!(
        o,
        "Support desk: {}, {} · {} customers · handling {} · offered load {:.2} (people busy on average)",
        people(s.staff),
        s.hours,
        s.customers,
        s.handle_time,
        s.offered_load
    );
    if s.offered_load >= s.staff as f64 {
        let _ = writeln!(
            o,
            "  the desk cannot keep up: {:.2} people of work for {} staff; its queue grows \
             without end and the waits below grow with the horizon (a wait that ends past \
             any representable time is held there)",
            s.offered_load, s.staff
        );
    }
    let _ = writeln!(
        o,
        "  tickets {} ({:.1} per replication) · utilisation {}",
        s.tickets,
        s.tickets_per_replication,
        pct(s.utilisation)
    );
    let _ = writeln!(
        o,
        "  response within {:.0} h: {} (± {:.1} pts) · resolution within {:.0} h: {} (± {:.1} pts)",
        s.response_sla_h,
        pct(s.response_sla_attainment),
        s.response_sla_attainment_ci95 * 100.0,
        s.resolution_sla_h,
        pct(s.resolution_sla_attainment),
        s.resolution_sla_attainment_ci95 * 100.0
    );
    let peak = s.queue.iter().map(|q| q.waiting).fold(0.0f64, f64::max);
    let _ = writeln!(
        o,
        "  wait to first response: p50 {:.2} h, p95 {:.2} h, mean {:.2} h · {} waited · queue peak {:.1} (daily mean)",
        s.wait_p50_h,
        s.wait_p95_h,
        s.wait_mean_h,
        pct(s.p_wait),
        peak
    );
    let _ = writeln!(o, "  monthly cost {}\n", dollars(s.monthly_cost));
    let _ = writeln!(
        o,
        "Onboarding: {} engineer{}, {} · {} customers",
        b.engineers,
        if b.engineers == 1 { "" } else { "s" },
        b.hours,
        b.customers
    );
    let _ = writeln!(
        o,
        "  lead time p50 {:.1} min, p95 {:.1} min, max {:.1} min · within {:.0} h: {}",
        b.lead_time_p50_min,
        b.lead_time_p95_min,
        b.lead_time_max_min,
        b.lead_time_sla_h,
        pct(b.lead_time_sla_attainment)
    );
    let _ = writeln!(
        o,
        "  per customer (mean): human {:.1} min, deployment {:.1} min, waiting {:.1} min · staff time {:.0} min in all",
        b.human_minutes_mean, b.deployment_minutes_mean, b.waiting_minutes_mean, b.staff_minutes
    );
    let c = &b.batch_vs_sequential;
    let _ = writeln!(
        o,
        "  all {} at once: {:.1} min vs {:.1} min one after the other (each deployed alone) · monthly cost {}\n",
        c.customers,
        c.batch_total_min,
        c.sequential_total_min,
        dollars(b.monthly_cost)
    );
    let _ = writeln!(o, "The brief's claims:");
    for c in &r.claims {
        let _ = writeln!(
            o,
            "  {:<4} {}{} — {}",
            c.verdict.as_str(),
            c.claim,
            if c.label.is_empty() {
                String::new()
            } else {
                format!(" {}", c.label)
            },
            c.measured
        );
    }
    let _ = writeln!(o, "\nAssumptions:");
    for a in &r.assumptions {
        let _ = writeln!(o, "  {a}");
    }
    o
}

/// The `ops` summary as Markdown.
pub(crate) fn ops_markdown(r: &OpsReport) -> String {
    let mut o = String::new();
    let s = &r.support;
    let b = &r.onboarding;
    let _ = writeln!(o, "## orgsim ops\n");
    if r.interrupted {
        let _ = writeln!(o, "**{INTERRUPTED_LINE}**\n");
    }
    let _ = writeln!(
        o,
        "Seed {} · horizon {:.0} days · {} replication(s)\n",
        r.seed, r.horizon_days, r.replications
    );
    let _ = writeln!(o, "### Support desk\n\n| metric | value |\n|---|---:|");
    for (k, v) in [
        ("staff", s.staff.to_string()),
        ("hours", s.hours.clone()),
        ("customers", s.customers.to_string()),
        ("tickets (all replications)", s.tickets.to_string()),
        ("offered load (people)", format!("{:.2}", s.offered_load)),
        (
            "response SLA attainment",
            format!(
                "{} (within {:.0} h)",
                pct(s.response_sla_attainment),
                s.response_sla_h
            ),
        ),
        (
            "resolution SLA attainment",
            format!(
                "{} (within {:.0} h)",
                pct(s.resolution_sla_attainment),
                s.resolution_sla_h
            ),
        ),
        ("utilisation", pct(s.utilisation)),
        (
            "wait p50 / p95",
            format!("{:.2} h / {:.2} h", s.wait_p50_h, s.wait_p95_h),
        ),
        ("monthly cost", dollars(s.monthly_cost)),
    ] {
        let _ = writeln!(o, "| {k} | {v} |");
    }
    let c = &b.batch_vs_sequential;
    let _ = writeln!(o, "\n### Onboarding\n\n| metric | value |\n|---|---:|");
    for (k, v) in [
        ("engineers", b.engineers.to_string()),
        ("customers", b.customers.to_string()),
        (
            "lead time p50 / p95",
            format!(
                "{:.1} / {:.1} min",
                b.lead_time_p50_min, b.lead_time_p95_min
            ),
        ),
        (
            "human / deployment / waiting (mean)",
            format!(
                "{:.1} / {:.1} / {:.1} min",
                b.human_minutes_mean, b.deployment_minutes_mean, b.waiting_minutes_mean
            ),
        ),
        ("staff minutes", format!("{:.0}", b.staff_minutes)),
        (
            "all at once vs one after the other",
            format!(
                "{:.1} vs {:.1} min",
                c.batch_total_min, c.sequential_total_min
            ),
        ),
        ("monthly cost", dollars(b.monthly_cost)),
    ] {
        let _ = writeln!(o, "| {k} | {v} |");
    }
    let _ = writeln!(
        o,
        "\n### The brief's claims\n\n| claim | verdict | measured |\n|---|---|---|"
    );
    for c in &r.claims {
        let _ = writeln!(
            o,
            "| {}{} | {} | {} |",
            c.claim,
            if c.label.is_empty() {
                String::new()
            } else {
                format!(" {}", c.label)
            },
            c.verdict.as_str(),
            c.measured
        );
    }
    let _ = writeln!(o, "\n{}", r.assumptions.join("  \n"));
    o
}

fn staff_rows_text(o: &mut String, rows: &[StaffRow]) {
    let _ = writeln!(
        o,
        "{:>9} {:>7} │ {:>7} {:>9} {:>10} │ {:>10} {:>7} │ {:>12} {:>12} {:>12}",
        "customers",
        "load",
        "support",
        "response",
        "resolution",
        "onboarding",
        "within",
        "revenue",
        "staff cost",
        "staff margin"
    );
    for r in rows {
        let _ = writeln!(
            o,
            "{:>9} {:>7.2} │ {:>7} {:>9} {:>10} │ {:>10} {:>7} │ {:>12} {:>12} {:>12}{}",
            r.customers,
            r.offered_load,
            opt(r.support_staff),
            pct(r.response_sla_attainment),
            pct(r.resolution_sla_attainment),
            opt(r.onboarding_staff),
            pct(r.onboarding_attainment),
            dollars(r.monthly_revenue),
            opt(r.monthly_staff_cost.map(dollars)),
            opt(r.margin.map(pct)),
            r.note
                .as_ref()
                .map(|n| format!("  {n}"))
                .unwrap_or_default()
        );
    }
}

/// The `staff` table for a terminal.
pub(crate) fn staff_text(r: &StaffReport) -> String {
    let mut o = String::new();
    if r.interrupted {
        let _ = writeln!(o, "{INTERRUPTED_LINE}");
    }
    let _ = writeln!(
        o,
        "orgsim staff · seed {} · target {} · {} replication(s) · horizon {:.0} days · limit {}",
        r.seed,
        pct(r.target),
        r.replications,
        r.horizon_days,
        people(r.limit)
    );
    let _ = writeln!(
        o,
        "support: {}, handling {}, response {:.0} h, resolution {:.0} h · onboarding: lead time {:.0} h\n",
        r.hours, r.handle_time, r.response_sla_h, r.resolution_sla_h, r.lead_time_sla_h
    );
    staff_rows_text(&mut o, &r.staff);
    for s in &r.sensitivity {
        let _ = writeln!(o, "\nat {}× the ticket rate [X]:", s.ticket_rate_multiplier);
        staff_rows_text(&mut o, &s.staff);
    }
    let _ = writeln!(o);
    for n in &r.notes {
        let _ = writeln!(o, "note: {n}");
    }
    o
}

fn staff_rows_markdown(o: &mut String, rows: &[StaffRow]) {
    let _ = writeln!(
        o,
        "| customers | support staff | response | resolution | onboarding staff | monthly staff cost | staff margin | note |\n|---:|---:|---:|---:|---:|---:|---:|---|"
    );
    for r in rows {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.customers,
            opt(r.support_staff),
            pct(r.response_sla_attainment),
            pct(r.resolution_sla_attainment),
            opt(r.onboarding_staff),
            opt(r.monthly_staff_cost.map(dollars)),
            opt(r.margin.map(pct)),
            r.note.clone().unwrap_or_default()
        );
    }
}

/// The `staff` table as Markdown.
pub(crate) fn staff_markdown(r: &StaffReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## orgsim staff\n");
    if r.interrupted {
        let _ = writeln!(o, "**{INTERRUPTED_LINE}**\n");
    }
    let _ = writeln!(
        o,
        "Seed {} · target {} · {} replication(s) · horizon {:.0} days · limit {} · support {}, handling {}\n",
        r.seed,
        pct(r.target),
        r.replications,
        r.horizon_days,
        people(r.limit),
        r.hours,
        r.handle_time
    );
    staff_rows_markdown(&mut o, &r.staff);
    for s in &r.sensitivity {
        let _ = writeln!(
            o,
            "\n### At {}× the ticket rate [X]\n",
            s.ticket_rate_multiplier
        );
        staff_rows_markdown(&mut o, &s.staff);
    }
    let _ = writeln!(o);
    for n in &r.notes {
        let _ = writeln!(o, "- {n}");
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_group_thousands() {
        assert_eq!(dollars(0), "$0");
        assert_eq!(dollars(600_000), "$6,000");
        assert_eq!(dollars(123_456_789), "$1,234,567.89");
        assert_eq!(dollars(-100_000), "-$1,000");
    }
}
