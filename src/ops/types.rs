//! The `ops` and `staff` reports as data: what the JSON holds (serde and schemars), apart from
//! the rendering in `report` and from the searches that fill them (`staff`, `claims`, `mod`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::onboarding::BatchComparison;
use crate::verdict::Verdict;

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

/// One claim and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Claim {
    pub id: &'static str,
    /// The brief's words.
    pub claim: &'static str,
    /// The rule the verdict follows.
    pub rule: &'static str,
    pub verdict: Verdict,
    /// The measured figure, in words.
    pub measured: String,
    /// The measured figures by name.
    pub figures: BTreeMap<&'static str, f64>,
    /// The verdict rests on assumed ticket rates or handling times.
    pub rests_on_assumptions: bool,
    /// `[X]` when it does, else empty.
    pub label: &'static str,
    pub note: String,
}

impl crate::json::JsonReport for OpsReport {
    const KIND: &'static str = "ops";
}

impl crate::json::JsonReport for StaffReport {
    const KIND: &'static str = "staff";
}
