//! What the `[operations]` table configures ([`OperationsConfig`]), its defaults and limits.
//!
//! The scenario loader reads the table like every other (`scenario::parse`, its `operations`
//! checks): the same duration and money grammar, errors placed at file:line:col with their
//! field. Every default is documented in `docs/ops.md` with its tag: [D] from the seed
//! document, [X] an assumption.

use std::collections::BTreeMap;

use super::calendar::{Calendar, DAY_MS, HOUR_MS, MINUTE_MS};

/// Milliseconds in a month: 365.25 / 12 days.
pub const MONTH_MS: u64 = 2_629_800_000;

/// [X] How long to simulate: 90 days.
pub const DEFAULT_HORIZON_MS: u64 = 90 * DAY_MS;
/// [D] "Support staff: 1 person (part-time)".
pub const DEFAULT_SUPPORT_STAFF: u32 = 1;
/// [X] Tickets per customer per month (the example).
pub const DEFAULT_TICKETS_PER_CUSTOMER_MONTH: f64 = 4.8;
/// [X] Mean handling time, exponential (the example).
pub const DEFAULT_HANDLE_MEAN_MS: u64 = 10 * HOUR_MS;
/// [D] "Response time: 24 hours".
pub const DEFAULT_RESPONSE_SLA_MS: u64 = 24 * HOUR_MS;
/// [D] "Resolution: 72 hours".
pub const DEFAULT_RESOLUTION_SLA_MS: u64 = 72 * HOUR_MS;
/// [X] Monthly cost of one support person, cents ($6,000; the example).
pub const DEFAULT_SUPPORT_COST_CENTS: i64 = 600_000;
/// [X] Onboarding engineers.
pub const DEFAULT_ENGINEERS: u32 = 1;
/// [D] "Configuration: 5 minutes".
pub const DEFAULT_CONFIGURATION_MS: u64 = 5 * MINUTE_MS;
/// [D] "Post-setup: 30 minutes".
pub const DEFAULT_POST_SETUP_FIRST_MS: u64 = 30 * MINUTE_MS;
/// [D] "Post-setup: 45 minutes (+15 for 2nd customer)".
pub const DEFAULT_POST_SETUP_EACH_MORE_MS: u64 = 15 * MINUTE_MS;
/// [X] Lead time from signing to a set-up account that onboarding staff must meet.
pub const DEFAULT_LEAD_TIME_SLA_MS: u64 = 24 * HOUR_MS;
/// [X] Monthly cost of one onboarding engineer, cents ($9,000; the example).
pub const DEFAULT_ENGINEER_COST_CENTS: i64 = 900_000;

/// Most people of one kind (`staff`, `engineers`) and the staffing search's limit.
pub const MAX_PEOPLE: u32 = 1_000;
/// Longest horizon: 10 years.
pub const MAX_HORIZON_MS: u64 = 3_653 * DAY_MS;
/// Longest SLA, handling time or onboarding step: 1 year.
pub const MAX_DURATION_MS: u64 = 366 * DAY_MS;
/// Most tickets per customer per month.
pub const MAX_TICKETS_PER_CUSTOMER_MONTH: f64 = 1_000.0;

/// The validated `[operations]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationsConfig {
    pub horizon_ms: u64,
    pub support: SupportConfig,
    pub onboarding: OnboardingConfig,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SupportConfig {
    pub staff: u32,
    pub hours: Calendar,
    pub tickets_per_customer_month: TicketRates,
    pub handle_time: HandleTime,
    /// First response (a person starts on the ticket) within this, in calendar time.
    pub response_sla_ms: u64,
    /// Resolved within this of arrival, in calendar time.
    pub resolution_sla_ms: u64,
    pub monthly_cost_per_person_cents: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OnboardingConfig {
    pub engineers: u32,
    pub hours: Calendar,
    /// Human work once per batch of customers signed together.
    pub configuration_ms: u64,
    /// Human work for the first customer of a batch.
    pub post_setup_first_ms: u64,
    /// Human work for each further customer of the batch.
    pub post_setup_each_more_ms: u64,
    /// Signing to a set-up account within this (the staffing search's onboarding target).
    pub lead_time_sla_ms: u64,
    pub monthly_cost_per_person_cents: i64,
}

/// Tickets per customer per month: one rate, or rates per tier with the default for tiers not
/// listed.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketRates {
    pub default_per_month: f64,
    pub per_tier: BTreeMap<String, f64>,
}

impl TicketRates {
    pub fn uniform(per_month: f64) -> TicketRates {
        TicketRates {
            default_per_month: per_month,
            per_tier: BTreeMap::new(),
        }
    }
    pub fn per_month(&self, tier: &str) -> f64 {
        self.per_tier
            .get(tier)
            .copied()
            .unwrap_or(self.default_per_month)
    }
}

/// Handling time: the open (working) time one person needs for a ticket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HandleTime {
    Exponential {
        mean_ms: u64,
    },
    /// Lognormal from its median and 95th percentile (σ as [`super::lognormal::sigma`] has
    /// it, the one formula of every lognormal in a scenario).
    Lognormal {
        median_ms: u64,
        p95_ms: u64,
    },
}

impl HandleTime {
    /// (μ, σ) of the underlying normal, in ln(ms); `None` for the exponential.
    pub fn lognormal_params(&self) -> Option<(f64, f64)> {
        match *self {
            HandleTime::Exponential { .. } => None,
            HandleTime::Lognormal { median_ms, p95_ms } => {
                let (median, p95) = (median_ms as f64, p95_ms as f64);
                Some((median.ln(), super::lognormal::sigma(median, p95)))
            }
        }
    }
    pub fn mean_ms(&self) -> f64 {
        match *self {
            HandleTime::Exponential { mean_ms } => mean_ms as f64,
            HandleTime::Lognormal { .. } => {
                let (mu, sigma) = self.lognormal_params().unwrap_or((0.0, 0.0));
                (mu + sigma * sigma / 2.0).exp()
            }
        }
    }
    pub fn describe(&self) -> String {
        match *self {
            HandleTime::Exponential { mean_ms } => {
                format!("exponential, mean {}", fmt_duration(mean_ms))
            }
            HandleTime::Lognormal { median_ms, p95_ms } => format!(
                "lognormal, median {}, p95 {}",
                fmt_duration(median_ms),
                fmt_duration(p95_ms)
            ),
        }
    }
}

impl Default for OperationsConfig {
    fn default() -> Self {
        OperationsConfig {
            horizon_ms: DEFAULT_HORIZON_MS,
            support: SupportConfig {
                staff: DEFAULT_SUPPORT_STAFF,
                hours: Calendar::always(),
                tickets_per_customer_month: TicketRates::uniform(
                    DEFAULT_TICKETS_PER_CUSTOMER_MONTH,
                ),
                handle_time: HandleTime::Exponential {
                    mean_ms: DEFAULT_HANDLE_MEAN_MS,
                },
                response_sla_ms: DEFAULT_RESPONSE_SLA_MS,
                resolution_sla_ms: DEFAULT_RESOLUTION_SLA_MS,
                monthly_cost_per_person_cents: DEFAULT_SUPPORT_COST_CENTS,
            },
            onboarding: OnboardingConfig {
                engineers: DEFAULT_ENGINEERS,
                hours: Calendar::always(),
                configuration_ms: DEFAULT_CONFIGURATION_MS,
                post_setup_first_ms: DEFAULT_POST_SETUP_FIRST_MS,
                post_setup_each_more_ms: DEFAULT_POST_SETUP_EACH_MORE_MS,
                lead_time_sla_ms: DEFAULT_LEAD_TIME_SLA_MS,
                monthly_cost_per_person_cents: DEFAULT_ENGINEER_COST_CENTS,
            },
        }
    }
}

/// `90d`, `1h30m`, `45s`, `250ms` (the largest units first; a whole number of ms).
pub fn fmt_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = ms;
    for (unit, size) in [
        ("d", DAY_MS),
        ("h", HOUR_MS),
        ("m", MINUTE_MS),
        ("s", 1_000),
        ("ms", 1),
    ] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}
