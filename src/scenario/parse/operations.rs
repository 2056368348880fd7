//! The `[operations]` table's checks: people, opening hours, ticket rates, the handling time,
//! SLAs and onboarding steps, each fault placed at its value like every other table's. Its
//! durations and money are read while deserializing (`units`), in the file's one grammar.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use super::ctx::Ctx;
use super::raw::{
    RawBlock, RawHandleTime, RawHours, RawOnboarding, RawOperations, RawRate, RawSupport,
};
use super::span::{key, Seg};
use super::units::{DurationMs, Money};
use crate::config::calendar::{self, Calendar, DAY_MS};
use crate::config::operations::*;
use crate::scenario::ScenarioError;

/// The field path `operations.<table>.<rest...>`.
fn here(table: &[&str], rest: &[&str]) -> Vec<Seg> {
    let mut s = vec![key("operations")];
    s.extend(table.iter().chain(rest).map(|k| key(k)));
    s
}

impl Ctx<'_> {
    /// Validates the `[operations]` table; `tiers` are the scenario's tier keys (for a
    /// per-tier ticket-rate table).
    pub(super) fn operations(
        &self,
        raw: &RawOperations,
        tiers: &[&str],
    ) -> Result<OperationsConfig, ScenarioError> {
        let horizon_ms = self.ops_duration(
            &here(&[], &["horizon"]),
            &raw.horizon,
            DEFAULT_HORIZON_MS,
            1,
            MAX_HORIZON_MS,
        )?;
        let d = OperationsConfig::default();
        let support = match &raw.support {
            None => d.support,
            Some(s) => self.ops_support(s, tiers)?,
        };
        let onboarding = match &raw.onboarding {
            None => d.onboarding,
            Some(o) => self.ops_onboarding(o)?,
        };
        Ok(OperationsConfig {
            horizon_ms,
            support,
            onboarding,
        })
    }

    /// A duration at `segs`, `default` when absent, within `min..=max` ms.
    fn ops_duration(
        &self,
        segs: &[Seg],
        v: &Option<Spanned<DurationMs>>,
        default: u64,
        min: u64,
        max: u64,
    ) -> Result<u64, ScenarioError> {
        let Some(v) = v else { return Ok(default) };
        let ms = v.get_ref().0;
        if ms < min {
            let what = if min == 1 { "longer than 0" } else { "longer" };
            return Err(self.at(
                v.span(),
                segs,
                format!("must be {what}, not {}", fmt_duration(ms)),
            ));
        }
        if ms > max {
            return Err(self.at(
                v.span(),
                segs,
                format!(
                    "must be at most {}, not {}",
                    fmt_duration(max),
                    fmt_duration(ms)
                ),
            ));
        }
        Ok(ms)
    }

    fn ops_people(
        &self,
        segs: &[Seg],
        v: &Option<Spanned<i64>>,
        default: u32,
    ) -> Result<u32, ScenarioError> {
        let Some(v) = v else { return Ok(default) };
        let n = *v.get_ref();
        if n <= 0 {
            return Err(self.at(
                v.span(),
                segs,
                format!("must be at least 1 person, not {n}"),
            ));
        }
        if n > MAX_PEOPLE as i64 {
            return Err(self.at(
                v.span(),
                segs,
                format!("must be at most {MAX_PEOPLE} people, not {n}"),
            ));
        }
        Ok(n as u32)
    }

    /// `hours` of `table`: `"24x7"`, one weekly block or a list of them.
    fn ops_hours(
        &self,
        table: &str,
        v: &Option<Spanned<RawHours>>,
    ) -> Result<Calendar, ScenarioError> {
        let Some(v) = v else {
            return Ok(Calendar::always());
        };
        let whole = v.span();
        let hours = here(&[table], &["hours"]);
        let block = |b: &RawBlock, at: &[Seg]| -> Result<Vec<(u64, u64)>, ScenarioError> {
            let err = |s: &Spanned<String>, k: &str, m: String| {
                let mut segs = at.to_vec();
                segs.push(key(k));
                self.at(s.span(), &segs, m)
            };
            let days = calendar::parse_days(b.days.get_ref())
                .map_err(|m| err(&b.days, "days", m.message))?;
            let from = calendar::parse_clock(b.from.get_ref())
                .map_err(|m| err(&b.from, "from", m.message))?;
            let to =
                calendar::parse_clock(b.to.get_ref()).map_err(|m| err(&b.to, "to", m.message))?;
            if to <= from {
                return Err(err(
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
                return Err(self.at(
                    whole,
                    &hours,
                    format!("`{t}` is not a schedule; write \"24x7\" or e.g. {{ days = \"mon-fri\", from = \"09:00\", to = \"17:00\" }}"),
                ))
            }
            RawHours::Block(b) => block(b, &hours)?,
            RawHours::Blocks(bs) => {
                let mut all = Vec::new();
                for (i, b) in bs.iter().enumerate() {
                    let mut at = hours.clone();
                    at.push(Seg::Index(i));
                    all.extend(block(b.get_ref(), &at)?);
                }
                all
            }
        };
        Calendar::weekly(&intervals).map_err(|m| self.at(whole, &hours, m))
    }

    fn ops_support(&self, s: &RawSupport, tiers: &[&str]) -> Result<SupportConfig, ScenarioError> {
        let at = |k: &str| here(&["support"], &[k]);
        let staff = self.ops_people(&at("staff"), &s.staff, DEFAULT_SUPPORT_STAFF)?;
        let hours = self.ops_hours("support", &s.hours)?;
        let k = "tickets_per_customer_month";
        let rate_ok = |v: f64, span: Range<usize>, segs: &[Seg]| -> Result<f64, ScenarioError> {
            if !v.is_finite() || v <= 0.0 || v > MAX_TICKETS_PER_CUSTOMER_MONTH {
                return Err(self.at(
                    span,
                    segs,
                    format!("a ticket rate must be a number above 0 and at most {MAX_TICKETS_PER_CUSTOMER_MONTH} per customer per month, not {v}"),
                ));
            }
            Ok(v)
        };
        let tickets = match &s.tickets_per_customer_month {
            None => TicketRates::uniform(DEFAULT_TICKETS_PER_CUSTOMER_MONTH),
            Some(r) => match r.get_ref() {
                RawRate::Number(v) => TicketRates::uniform(rate_ok(*v, r.span(), &at(k))?),
                RawRate::PerTier(entries) => {
                    if entries.is_empty() {
                        return Err(self.at(
                            r.span(),
                            &at(k),
                            "the table lists no tier; give a number or rates per tier",
                        ));
                    }
                    let mut per_tier = BTreeMap::new();
                    for (name, v) in entries {
                        let tier = name.get_ref().as_str();
                        let segs = here(&["support"], &[k, tier]);
                        if !tiers.contains(&tier) {
                            return Err(self.at(
                                name.span(),
                                &segs,
                                format!(
                                    "unknown tier `{tier}`; the scenario's tiers are {}",
                                    tiers.join(", ")
                                ),
                            ));
                        }
                        per_tier.insert(tier.to_string(), rate_ok(*v.get_ref(), v.span(), &segs)?);
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
            Some(h) => self.ops_handle_time(h)?,
        };
        let sla = |k: &str, v: &Option<Spanned<DurationMs>>, d: u64| {
            self.ops_duration(&at(k), v, d, 1, MAX_DURATION_MS)
        };
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
            monthly_cost_per_person_cents: cents(
                &s.monthly_cost_per_person,
                DEFAULT_SUPPORT_COST_CENTS,
            ),
        })
    }

    fn ops_handle_time(&self, h: &Spanned<RawHandleTime>) -> Result<HandleTime, ScenarioError> {
        let raw = h.get_ref();
        let at = |k: &str| here(&["support"], &["handle_time", k]);
        let need = |name: &str, v: &Option<Spanned<DurationMs>>| -> Result<u64, ScenarioError> {
            match v {
                None => Err(self.at(
                    h.span(),
                    &at(name),
                    format!("missing `{name}` for this distribution"),
                )),
                Some(_) => self.ops_duration(&at(name), v, 0, 1, MAX_DURATION_MS),
            }
        };
        let forbid = |name: &str, v: &Option<Spanned<DurationMs>>, dist: &str| match v {
            Some(v) => Err(self.at(
                v.span(),
                &at(name),
                format!("`{name}` does not apply to the {dist} distribution"),
            )),
            None => Ok(()),
        };
        match raw.distribution.get_ref().as_str() {
            "exponential" => {
                forbid("median", &raw.median, "exponential")?;
                forbid("p95", &raw.p95, "exponential")?;
                Ok(HandleTime::Exponential {
                    mean_ms: need("mean", &raw.mean)?,
                })
            }
            "lognormal" => {
                forbid("mean", &raw.mean, "lognormal")?;
                let median_ms = need("median", &raw.median)?;
                let p95_ms = need("p95", &raw.p95)?;
                let p95_span = raw.p95.as_ref().map_or(h.span(), |v| v.span());
                if p95_ms < median_ms {
                    return Err(self.at(
                        p95_span,
                        &at("p95"),
                        format!(
                            "the 95th percentile ({}) must not be below the median ({})",
                            fmt_duration(p95_ms),
                            fmt_duration(median_ms)
                        ),
                    ));
                }
                let ht = HandleTime::Lognormal { median_ms, p95_ms };
                // The mean grows as exp(σ²/2): a wide p95 over a small median makes a mean no
                // desk could be staffed for (a median of 1 ms and a p95 of 366 days: 10^46 ms).
                let mean = ht.mean_ms();
                if mean.is_nan() || mean > MAX_DURATION_MS as f64 {
                    return Err(self.at(
                        p95_span,
                        &at("p95"),
                        format!(
                            "a median of {} and a 95th percentile of {} make a lognormal whose \
                             mean is {mean:.3e} ms, beyond {} (the longest handling time); bring \
                             the two closer together",
                            fmt_duration(median_ms),
                            fmt_duration(p95_ms),
                            fmt_duration(MAX_DURATION_MS)
                        ),
                    ));
                }
                Ok(ht)
            }
            other => Err(self.at(
                raw.distribution.span(),
                &at("distribution"),
                format!("unknown distribution `{other}`; use \"exponential\" (with mean) or \"lognormal\" (with median and p95)"),
            )),
        }
    }

    fn ops_onboarding(&self, o: &RawOnboarding) -> Result<OnboardingConfig, ScenarioError> {
        let at = |k: &str| here(&["onboarding"], &[k]);
        let step = |k: &str, v: &Option<Spanned<DurationMs>>, d: u64| {
            self.ops_duration(&at(k), v, d, 0, MAX_DURATION_MS)
        };
        Ok(OnboardingConfig {
            engineers: self.ops_people(&at("engineers"), &o.engineers, DEFAULT_ENGINEERS)?,
            hours: self.ops_hours("onboarding", &o.hours)?,
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
            lead_time_sla_ms: self.ops_duration(
                &at("lead_time_sla"),
                &o.lead_time_sla,
                DEFAULT_LEAD_TIME_SLA_MS,
                1,
                MAX_DURATION_MS,
            )?,
            monthly_cost_per_person_cents: cents(
                &o.monthly_cost_per_person,
                DEFAULT_ENGINEER_COST_CENTS,
            ),
        })
    }
}

/// An amount read in the file's one money grammar (`units::Money`), or `default`.
fn cents(v: &Option<Money>, default: i64) -> i64 {
    v.as_ref().map_or(default, |m| m.0)
}
