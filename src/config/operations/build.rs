//! Validation of the raw `[operations]` table into [`OperationsConfig`].

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use super::raw::{
    RawBlock, RawDuration, RawHandleTime, RawHours, RawOnboarding, RawOperations, RawRate,
    RawSupport,
};
use super::*;
use crate::config::calendar::{self, Calendar, DAY_MS};

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
            let days =
                calendar::parse_days(b.days.get_ref()).map_err(|m| at(&b.days, "days", m))?;
            let from =
                calendar::parse_clock(b.from.get_ref()).map_err(|m| at(&b.from, "from", m))?;
            let to = calendar::parse_clock(b.to.get_ref()).map_err(|m| at(&b.to, "to", m))?;
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
            let ht = HandleTime::Lognormal { median_ms, p95_ms };
            // The mean grows as exp(σ²/2): a wide p95 over a small median makes a mean no
            // desk could be staffed for (a median of 1 ms and a p95 of 366 days: 10^46 ms).
            let mean = ht.mean_ms();
            if mean.is_nan() || mean > MAX_DURATION_MS as f64 {
                let span = h_ref.p95.as_ref().map(|v| v.span()).unwrap_or(h.span());
                return Err(p.err(
                    span,
                    &[key, "p95"],
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

/// Parses `"90d"`, `"1h30m"`, `"2.5h"`, `"500ms"`, `"2w"` into milliseconds
/// ([`crate::config::units::parse_duration_s`]: each unit at most once, largest first).
pub fn parse_duration(text: &str) -> Result<u64, String> {
    seconds_to_ms(crate::config::units::parse_duration_s(text)?)
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
