//! The `[operations]` table: raw serde structs (every leaf [`Spanned`]) and their validation
//! into [`OperationsConfig`].
//!
//! The scenario loader deserializes `operations: Option<RawOperations>` with the rest of the
//! file and calls [`build`] with the scenario's tier keys; an [`OpsConfigError`] carries the byte
//! span of the offending value in the file and its field path, for the loader's
//! `file:line:col: field: message` errors. Every default is documented in `docs/ops.md` with its
//! tag: [D] from the seed document, [X] an assumption.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

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
/// Largest monthly cost per person, in dollars.
pub const MAX_DOLLARS: f64 = 1e9;

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
    /// Lognormal from its median and 95th percentile (σ = ln(p95/median) / 1.6449).
    Lognormal {
        median_ms: u64,
        p95_ms: u64,
    },
}

/// z for the 95th percentile of the standard normal.
pub const Z95: f64 = 1.644_853_626_951_472_2;

impl HandleTime {
    /// (μ, σ) of the underlying normal, in ln(ms); `None` for the exponential.
    pub fn lognormal_params(&self) -> Option<(f64, f64)> {
        match *self {
            HandleTime::Exponential { .. } => None,
            HandleTime::Lognormal { median_ms, p95_ms } => {
                let mu = (median_ms as f64).ln();
                Some((mu, ((p95_ms as f64).ln() - mu) / Z95))
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

// ---------------------------------------------------------------------------------------------
// Errors.

/// A fault in the `[operations]` table: the span of the value in the file, its field path
/// (`["operations", "support", "staff"]`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsConfigError {
    pub span: Range<usize>,
    pub path: Vec<String>,
    pub message: String,
}

impl OpsConfigError {
    /// The dotted field path, `operations.support.staff`.
    pub fn field(&self) -> String {
        self.path.join(".")
    }
}

impl fmt::Display for OpsConfigError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: {}", self.field(), self.message)
    }
}

impl std::error::Error for OpsConfigError {}

// ---------------------------------------------------------------------------------------------
// Raw structs: the table as written.

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOperations {
    #[serde(default)]
    pub horizon: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub support: Option<RawSupport>,
    #[serde(default)]
    pub onboarding: Option<RawOnboarding>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSupport {
    #[serde(default)]
    pub staff: Option<Spanned<i64>>,
    #[serde(default)]
    pub hours: Option<Spanned<RawHours>>,
    #[serde(default)]
    pub tickets_per_customer_month: Option<Spanned<RawRate>>,
    #[serde(default)]
    pub handle_time: Option<Spanned<RawHandleTime>>,
    #[serde(default)]
    pub response_sla: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub resolution_sla: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub monthly_cost_per_person: Option<Spanned<f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOnboarding {
    #[serde(default)]
    pub engineers: Option<Spanned<i64>>,
    #[serde(default)]
    pub hours: Option<Spanned<RawHours>>,
    #[serde(default)]
    pub configuration: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub post_setup_first: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub post_setup_each_more: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub lead_time_sla: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub monthly_cost_per_person: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHandleTime {
    pub distribution: Spanned<String>,
    #[serde(default)]
    pub mean: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub median: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub p95: Option<Spanned<RawDuration>>,
}

/// One weekly block: `{ days = "mon-fri", from = "09:00", to = "17:00" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBlock {
    pub days: Spanned<String>,
    pub from: Spanned<String>,
    pub to: Spanned<String>,
}

/// A duration as written: a string (`"24h"`) or a number of seconds.
#[derive(Debug, Clone, PartialEq)]
pub enum RawDuration {
    Text(String),
    Seconds(f64),
}

/// `hours`: `"24x7"`, one block, or a list of blocks.
#[derive(Debug)]
pub enum RawHours {
    Text(String),
    Block(RawBlock),
    Blocks(Vec<Spanned<RawBlock>>),
}

/// `tickets_per_customer_month`: a number, or a table of numbers per tier.
#[derive(Debug)]
pub enum RawRate {
    Number(f64),
    PerTier(Vec<(Spanned<String>, Spanned<f64>)>),
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as \"24h\", \"5m\", \"90d\" or \"1h30m\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDuration, E> {
                Ok(RawDuration::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawHours;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "\"24x7\" or a weekly schedule such as { days = \"mon-fri\", from = \"09:00\", to = \"17:00\" } (or a list of them)",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawHours, E> {
                Ok(RawHours::Text(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawHours, A::Error> {
                RawBlock::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawHours::Block)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawHours, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element::<Spanned<RawBlock>>()? {
                    out.push(b);
                }
                Ok(RawHours::Blocks(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawRate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of tickets per customer per month, or a table of them per tier such as { fintech = 6, healthcare = 8 }")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawRate, E> {
                Ok(RawRate::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawRate, E> {
                Ok(RawRate::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawRate, E> {
                Ok(RawRate::Number(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRate, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    let v = map.next_value::<Spanned<f64>>()?;
                    out.push((k, v));
                }
                Ok(RawRate::PerTier(out))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Validation.

struct Path<'a>(&'a [&'a str]);

impl Path<'_> {
    fn err(&self, span: Range<usize>, extra: &[&str], message: String) -> OpsConfigError {
        let mut path: Vec<String> = self.0.iter().map(|s| s.to_string()).collect();
        path.extend(extra.iter().map(|s| s.to_string()));
        OpsConfigError {
            span,
            path,
            message,
        }
    }

    fn duration(
        &self,
        key: &str,
        v: &Option<Spanned<RawDuration>>,
        default: u64,
        min: u64,
        max: u64,
    ) -> Result<u64, OpsConfigError> {
        let Some(v) = v else { return Ok(default) };
        let ms = duration_ms(v.get_ref()).map_err(|m| self.err(v.span(), &[key], m))?;
        if ms < min {
            let what = if min == 1 { "longer than 0" } else { "longer" };
            return Err(self.err(
                v.span(),
                &[key],
                format!("must be {what}, not {}", fmt_duration(ms)),
            ));
        }
        if ms > max {
            return Err(self.err(
                v.span(),
                &[key],
                format!(
                    "must be at most {}, not {}",
                    fmt_duration(max),
                    fmt_duration(ms)
                ),
            ));
        }
        Ok(ms)
    }

    fn people(
        &self,
        key: &str,
        v: &Option<Spanned<i64>>,
        default: u32,
    ) -> Result<u32, OpsConfigError> {
        let Some(v) = v else { return Ok(default) };
        let n = *v.get_ref();
        if n <= 0 {
            return Err(self.err(
                v.span(),
                &[key],
                format!("must be at least 1 person, not {n}"),
            ));
        }
        if n > MAX_PEOPLE as i64 {
            return Err(self.err(
                v.span(),
                &[key],
                format!("must be at most {MAX_PEOPLE} people, not {n}"),
            ));
        }
        Ok(n as u32)
    }

    fn money(
        &self,
        key: &str,
        v: &Option<Spanned<f64>>,
        default: i64,
    ) -> Result<i64, OpsConfigError> {
        let Some(v) = v else { return Ok(default) };
        dollars_to_cents(*v.get_ref()).map_err(|m| self.err(v.span(), &[key], m))
    }

    fn hours(&self, v: &Option<Spanned<RawHours>>) -> Result<Calendar, OpsConfigError> {
        let Some(v) = v else {
            return Ok(Calendar::always());
        };
        let whole = v.span();
        let block = |b: &RawBlock, extra: &[&str]| -> Result<Vec<(u64, u64)>, OpsConfigError> {
            let at = |s: &Spanned<String>, key: &str, m: String| {
                let mut p: Vec<&str> = extra.to_vec();
                p.push(key);
                self.err(s.span(), &p, m)
            };
            let days = super::calendar::parse_days(b.days.get_ref())
                .map_err(|m| at(&b.days, "days", m))?;
            let from = super::calendar::parse_clock(b.from.get_ref())
                .map_err(|m| at(&b.from, "from", m))?;
            let to =
                super::calendar::parse_clock(b.to.get_ref()).map_err(|m| at(&b.to, "to", m))?;
            if to <= from {
                return Err(at(
                    &b.to,
                    "to",
                    format!(
                        "`to` ({}) must be after `from` ({}); the window is empty (overnight windows are written as two blocks)",
                        b.to.get_ref(),
                        b.from.get_ref()
                    ),
                ));
            }
            Ok(days
                .iter()
                .map(|&d| (d * DAY_MS + from, d * DAY_MS + to))
                .collect())
        };
        let intervals = match v.get_ref() {
            RawHours::Text(t) if t.trim().eq_ignore_ascii_case("24x7") => {
                return Ok(Calendar::always())
            }
            RawHours::Text(t) => {
                return Err(self.err(
                    whole,
                    &["hours"],
                    format!("`{t}` is not a schedule; write \"24x7\" or e.g. {{ days = \"mon-fri\", from = \"09:00\", to = \"17:00\" }}"),
                ))
            }
            RawHours::Block(b) => block(b, &["hours"])?,
            RawHours::Blocks(bs) => {
                let mut all = Vec::new();
                for (i, b) in bs.iter().enumerate() {
                    let idx = format!("hours[{i}]");
                    all.extend(block(b.get_ref(), &[idx.as_str()])?);
                }
                all
            }
        };
        Calendar::weekly(&intervals).map_err(|m| self.err(whole, &["hours"], m))
    }
}

/// Validates the `[operations]` table. `tiers` are the scenario's tier keys (for a per-tier
/// ticket-rate table).
pub fn build(raw: &RawOperations, tiers: &[&str]) -> Result<OperationsConfig, OpsConfigError> {
    let top = Path(&["operations"]);
    let horizon_ms = top.duration(
        "horizon",
        &raw.horizon,
        DEFAULT_HORIZON_MS,
        1,
        MAX_HORIZON_MS,
    )?;
    let d = OperationsConfig::default();
    let support = match &raw.support {
        None => d.support,
        Some(s) => build_support(s, tiers)?,
    };
    let onboarding = match &raw.onboarding {
        None => d.onboarding,
        Some(o) => build_onboarding(o)?,
    };
    Ok(OperationsConfig {
        horizon_ms,
        support,
        onboarding,
    })
}

fn build_support(s: &RawSupport, tiers: &[&str]) -> Result<SupportConfig, OpsConfigError> {
    let p = Path(&["operations", "support"]);
    let staff = p.people("staff", &s.staff, DEFAULT_SUPPORT_STAFF)?;
    let hours = p.hours(&s.hours)?;
    let key = "tickets_per_customer_month";
    let rate_ok = |v: f64, span: Range<usize>, extra: &[&str]| -> Result<f64, OpsConfigError> {
        if !v.is_finite() || v <= 0.0 || v > MAX_TICKETS_PER_CUSTOMER_MONTH {
            return Err(p.err(
                span,
                extra,
                format!("a ticket rate must be a number above 0 and at most {MAX_TICKETS_PER_CUSTOMER_MONTH} per customer per month, not {v}"),
            ));
        }
        Ok(v)
    };
    let tickets = match &s.tickets_per_customer_month {
        None => TicketRates::uniform(DEFAULT_TICKETS_PER_CUSTOMER_MONTH),
        Some(r) => match r.get_ref() {
            RawRate::Number(v) => TicketRates::uniform(rate_ok(*v, r.span(), &[key])?),
            RawRate::PerTier(entries) => {
                if entries.is_empty() {
                    return Err(p.err(
                        r.span(),
                        &[key],
                        "the table lists no tier; give a number or rates per tier".into(),
                    ));
                }
                let mut per_tier = BTreeMap::new();
                for (k, v) in entries {
                    let tier = k.get_ref().as_str();
                    if !tiers.contains(&tier) {
                        return Err(p.err(
                            k.span(),
                            &[key, tier],
                            format!(
                                "unknown tier `{tier}`; the scenario's tiers are {}",
                                tiers.join(", ")
                            ),
                        ));
                    }
                    per_tier.insert(
                        tier.to_string(),
                        rate_ok(*v.get_ref(), v.span(), &[key, tier])?,
                    );
                }
                TicketRates {
                    default_per_month: DEFAULT_TICKETS_PER_CUSTOMER_MONTH,
                    per_tier,
                }
            }
        },
    };
    let handle_time = match &s.handle_time {
        None => HandleTime::Exponential {
            mean_ms: DEFAULT_HANDLE_MEAN_MS,
        },
        Some(h) => handle_time(&p, h)?,
    };
    let sla =
        |k: &str, v: &Option<Spanned<RawDuration>>, d: u64| p.duration(k, v, d, 1, MAX_DURATION_MS);
    Ok(SupportConfig {
        staff,
        hours,
        tickets_per_customer_month: tickets,
        handle_time,
        response_sla_ms: sla("response_sla", &s.response_sla, DEFAULT_RESPONSE_SLA_MS)?,
        resolution_sla_ms: sla(
            "resolution_sla",
            &s.resolution_sla,
            DEFAULT_RESOLUTION_SLA_MS,
        )?,
        monthly_cost_per_person_cents: p.money(
            "monthly_cost_per_person",
            &s.monthly_cost_per_person,
            DEFAULT_SUPPORT_COST_CENTS,
        )?,
    })
}

fn handle_time(p: &Path, h: &Spanned<RawHandleTime>) -> Result<HandleTime, OpsConfigError> {
    let h_ref = h.get_ref();
    let key = "handle_time";
    let need = |name: &str, v: &Option<Spanned<RawDuration>>| -> Result<u64, OpsConfigError> {
        let inner = Path(&["operations", "support", "handle_time"]);
        match v {
            None => Err(p.err(
                h.span(),
                &[key, name],
                format!("missing `{name}` for this distribution"),
            )),
            Some(_) => inner.duration(name, v, 0, 1, MAX_DURATION_MS),
        }
    };
    let forbid = |name: &str, v: &Option<Spanned<RawDuration>>, dist: &str| match v {
        Some(v) => Err(p.err(
            v.span(),
            &[key, name],
            format!("`{name}` does not apply to the {dist} distribution"),
        )),
        None => Ok(()),
    };
    match h_ref.distribution.get_ref().as_str() {
        "exponential" => {
            forbid("median", &h_ref.median, "exponential")?;
            forbid("p95", &h_ref.p95, "exponential")?;
            Ok(HandleTime::Exponential {
                mean_ms: need("mean", &h_ref.mean)?,
            })
        }
        "lognormal" => {
            forbid("mean", &h_ref.mean, "lognormal")?;
            let median_ms = need("median", &h_ref.median)?;
            let p95_ms = need("p95", &h_ref.p95)?;
            if p95_ms < median_ms {
                let span = h_ref.p95.as_ref().map(|v| v.span()).unwrap_or(h.span());
                return Err(p.err(
                    span,
                    &[key, "p95"],
                    format!(
                        "the 95th percentile ({}) must not be below the median ({})",
                        fmt_duration(p95_ms),
                        fmt_duration(median_ms)
                    ),
                ));
            }
            Ok(HandleTime::Lognormal { median_ms, p95_ms })
        }
        other => Err(p.err(
            h_ref.distribution.span(),
            &[key, "distribution"],
            format!("unknown distribution `{other}`; use \"exponential\" (with mean) or \"lognormal\" (with median and p95)"),
        )),
    }
}

fn build_onboarding(o: &RawOnboarding) -> Result<OnboardingConfig, OpsConfigError> {
    let p = Path(&["operations", "onboarding"]);
    let step =
        |k: &str, v: &Option<Spanned<RawDuration>>, d: u64| p.duration(k, v, d, 0, MAX_DURATION_MS);
    Ok(OnboardingConfig {
        engineers: p.people("engineers", &o.engineers, DEFAULT_ENGINEERS)?,
        hours: p.hours(&o.hours)?,
        configuration_ms: step("configuration", &o.configuration, DEFAULT_CONFIGURATION_MS)?,
        post_setup_first_ms: step(
            "post_setup_first",
            &o.post_setup_first,
            DEFAULT_POST_SETUP_FIRST_MS,
        )?,
        post_setup_each_more_ms: step(
            "post_setup_each_more",
            &o.post_setup_each_more,
            DEFAULT_POST_SETUP_EACH_MORE_MS,
        )?,
        lead_time_sla_ms: p.duration(
            "lead_time_sla",
            &o.lead_time_sla,
            DEFAULT_LEAD_TIME_SLA_MS,
            1,
            MAX_DURATION_MS,
        )?,
        monthly_cost_per_person_cents: p.money(
            "monthly_cost_per_person",
            &o.monthly_cost_per_person,
            DEFAULT_ENGINEER_COST_CENTS,
        )?,
    })
}

/// A [`RawDuration`] in ms: strings `"90d"`, `"1h30m"`, `"2.5h"`, `"500ms"`, `"2w"` (units w, d,
/// h, m, s, ms); numbers are seconds.
pub fn duration_ms(v: &RawDuration) -> Result<u64, String> {
    match v {
        RawDuration::Seconds(s) => seconds_to_ms(*s),
        RawDuration::Text(t) => parse_duration(t),
    }
}

fn seconds_to_ms(s: f64) -> Result<u64, String> {
    if !s.is_finite() || s < 0.0 {
        return Err(format!(
            "a duration must be a non-negative number of seconds, not {s}"
        ));
    }
    let ms = s * 1000.0;
    if ms > MAX_HORIZON_MS as f64 * 10.0 {
        return Err(format!("a duration of {s} s is too long"));
    }
    Ok(ms.round() as u64)
}

/// Parses `"90d"`, `"1h30m"`, `"2.5h"`, `"500ms"`, `"2w"` into milliseconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let bad =
        || format!("`{text}` is not a duration; write e.g. \"24h\", \"5m\", \"90d\" or \"1h30m\"");
    let t = text.trim();
    if t.is_empty() {
        return Err(bad());
    }
    let mut total_ms = 0.0f64;
    let mut rest = t;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(bad());
        }
        let number: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "w" => (7 * DAY_MS) as f64,
            "d" => DAY_MS as f64,
            "h" => HOUR_MS as f64,
            "m" => MINUTE_MS as f64,
            "s" => 1_000.0,
            "ms" => 1.0,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total_ms += number * factor;
    }
    seconds_to_ms(total_ms / 1000.0)
}

/// Dollars (at most 2 decimals, not negative) to integer cents.
pub fn dollars_to_cents(v: f64) -> Result<i64, String> {
    if !v.is_finite() || v < 0.0 {
        return Err(format!(
            "an amount of money must be a non-negative number of dollars, not {v}"
        ));
    }
    if v > MAX_DOLLARS {
        return Err(format!(
            "an amount of money must be at most {MAX_DOLLARS} dollars, not {v}"
        ));
    }
    let cents = v * 100.0;
    if (cents - cents.round()).abs() > 1e-6 {
        return Err(format!(
            "an amount of money may have at most 2 decimal places (whole cents), not {v}"
        ));
    }
    Ok(cents.round() as i64)
}
