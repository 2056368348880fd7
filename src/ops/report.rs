//! `ops` and `staff` reports: serde structs (JSON), and text and Markdown renderers that return
//! strings. Money is integer cents; times are hours (support) and minutes (onboarding).

use std::fmt::Write as _;

use serde::Serialize;

use super::claims::Claim;
use super::config::{self, fmt_duration, HandleTime, OperationsConfig};
use super::onboarding::BatchComparison;
use super::staff::StaffOptions;

/// `orgsim ops`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct OpsReport {
    pub seed: u64,
    pub horizon_days: f64,
    pub replications: u32,
    pub support: SupportSection,
    pub onboarding: OnboardingSection,
    pub claims: Vec<Claim>,
    /// The assumed ([X]) inputs and their values.
    pub assumptions: Vec<String>,
    /// Ctrl-C (or SIGTERM) stopped it: `replications` were run, the claims were not judged.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SupportSection {
    pub staff: u32,
    pub hours: String,
    pub handle_time: String,
    pub customers: usize,
    /// Over all replications.
    pub tickets: u64,
    pub tickets_per_replication: f64,
    /// People: tickets per hour × mean handling time ÷ open share of the week.
    pub offered_load: f64,
    pub response_sla_h: f64,
    pub resolution_sla_h: f64,
    /// Mean over replications of the share within the SLA; `_ci95` the half-width of its 95%
    /// confidence interval.
    pub response_sla_attainment: f64,
    pub response_sla_attainment_ci95: f64,
    pub resolution_sla_attainment: f64,
    pub resolution_sla_attainment_ci95: f64,
    /// Busy staff time ÷ open staff time over the horizon (mean over replications).
    pub utilisation: f64,
    /// Calendar time from arrival to first response, nearest rank over all tickets.
    pub wait_p50_h: f64,
    pub wait_p95_h: f64,
    pub wait_mean_h: f64,
    /// Share of tickets that waited at all.
    pub p_wait: f64,
    pub monthly_cost: i64,
    /// Mean over replications, sampled daily.
    pub queue: Vec<QueuePoint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct QueuePoint {
    pub day: f64,
    /// Tickets no one has started on.
    pub waiting: f64,
    pub in_service: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct OnboardingSection {
    pub customers: usize,
    pub engineers: u32,
    pub hours: String,
    pub lead_time_p50_min: f64,
    pub lead_time_p95_min: f64,
    pub lead_time_max_min: f64,
    /// All human work (configurations and post-setups).
    pub staff_minutes: f64,
    /// Per customer, on its path: human work, its deployment, and the rest (waiting for an
    /// engineer or for opening hours).
    pub human_minutes_mean: f64,
    pub deployment_minutes_mean: f64,
    pub waiting_minutes_mean: f64,
    pub lead_time_sla_h: f64,
    pub lead_time_sla_attainment: f64,
    pub monthly_cost: i64,
    pub batch_vs_sequential: BatchComparison,
    /// Per customer, in order.
    pub lead_time_min: Vec<f64>,
}

/// `orgsim staff`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StaffReport {
    pub seed: u64,
    pub target: f64,
    pub replications: u32,
    /// The search stops here.
    pub limit: u32,
    pub horizon_days: f64,
    pub hours: String,
    pub handle_time: String,
    pub response_sla_h: f64,
    pub resolution_sla_h: f64,
    pub lead_time_sla_h: f64,
    pub support_cost_per_person: i64,
    pub onboarding_cost_per_person: i64,
    pub staff: Vec<StaffRow>,
    pub sensitivity: Vec<Sensitivity>,
    pub curves: Vec<AttainmentCurve>,
    pub notes: Vec<String>,
    /// Ctrl-C (or SIGTERM) stopped the search: the rows are the counts it finished.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StaffRow {
    pub customers: usize,
    /// `null`: not met within the limit (see `note`).
    pub support_staff: Option<u32>,
    pub onboarding_staff: Option<u32>,
    pub response_sla_attainment: f64,
    pub resolution_sla_attainment: f64,
    pub onboarding_attainment: f64,
    pub offered_load: f64,
    pub monthly_revenue: i64,
    pub monthly_staff_cost: Option<i64>,
    pub profit_after_staff: Option<i64>,
    /// (revenue − staff cost) ÷ revenue: staff costs only.
    pub margin: Option<f64>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Sensitivity {
    pub ticket_rate_multiplier: f64,
    pub staff: Vec<StaffRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AttainmentCurve {
    pub support_staff: u32,
    pub points: Vec<CurvePoint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CurvePoint {
    pub customers: usize,
    pub response_sla_attainment: f64,
    pub resolution_sla_attainment: f64,
}

impl StaffReport {
    pub(crate) fn new(
        cfg: &OperationsConfig,
        o: &StaffOptions,
        staff: Vec<StaffRow>,
        sensitivity: Vec<Sensitivity>,
        curves: Vec<AttainmentCurve>,
    ) -> StaffReport {
        let h = |ms: u64| ms as f64 / 3_600_000.0;
        let mut notes = vec![format!(
            "the search stops at {} (the limit); a count not met by then is reported unmeetable",
            people(o.limit)
        )];
        if staff.iter().any(|r| r.note.is_some()) {
            notes.push("some counts are unmeetable: see their notes".into());
        }
        notes.push(
            "staff margin: (revenue − the support and onboarding staff's cost) ÷ revenue; the \
             scenario's cost lines are not counted (run's margin counts those, not these staff)"
                .into(),
        );
        StaffReport {
            seed: o.seed,
            target: o.target,
            replications: o.replications,
            limit: o.limit,
            horizon_days: cfg.horizon_ms as f64 / 86_400_000.0,
            hours: cfg.support.hours.describe(),
            handle_time: cfg.support.handle_time.describe(),
            response_sla_h: h(cfg.support.response_sla_ms),
            resolution_sla_h: h(cfg.support.resolution_sla_ms),
            lead_time_sla_h: h(cfg.onboarding.lead_time_sla_ms),
            support_cost_per_person: cfg.support.monthly_cost_per_person_cents,
            onboarding_cost_per_person: cfg.onboarding.monthly_cost_per_person_cents,
            staff,
            sensitivity,
            curves,
            notes,
            interrupted: false,
        }
    }
}

/// The line that heads an interrupted report.
const INTERRUPTED_LINE: &str =
    "INTERRUPTED: stopped before the end; what is below is what was finished";

/// The [X] inputs and their values, marked "(default)" where the default is used.
pub fn assumptions(cfg: &OperationsConfig) -> Vec<String> {
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

impl crate::json::JsonReport for OpsReport {
    const KIND: &'static str = "ops";
}

impl crate::json::JsonReport for StaffReport {
    const KIND: &'static str = "staff";
}

/// "1 person", "3 people".
pub fn people(n: u32) -> String {
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
pub fn ops_text(r: &OpsReport) -> String {
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
    let _ = writeln!(o, "The seed's claims:");
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
pub fn ops_markdown(r: &OpsReport) -> String {
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
        "\n### The seed's claims\n\n| claim | verdict | measured |\n|---|---|---|"
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
pub fn staff_text(r: &StaffReport) -> String {
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
pub fn staff_markdown(r: &StaffReport) -> String {
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
