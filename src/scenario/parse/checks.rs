//! The semantic checks of each table, in file order, and the rules of single fields.

use crate::config::Invalid;
use std::collections::BTreeMap;

use toml::Spanned;

use super::super::tiers::{builtin_tiers, check_framework, check_ou_name, check_tier_key};
use super::super::{
    CostKind, Customer, Expectations, LoadSettings, OrganizationConfig, OuLayout, Phase,
    ScenarioError, Tier,
};
use super::ctx::Ctx;
use super::raw::*;
use super::span::{format_path, key, Seg};
use super::units::fraction_to_ppm;

impl Ctx<'_> {
    /// The kind of `[[costs]]` line `i`: exactly one of [`COST_KINDS`].
    pub(super) fn cost_kind(
        &self,
        i: usize,
        c: &RawCost,
        tiers: &BTreeMap<String, Tier>,
    ) -> Result<CostKind, ScenarioError> {
        let here = |rest: &[&str]| {
            let mut s = vec![key("costs"), Seg::Index(i)];
            s.extend(rest.iter().map(|k| key(k)));
            s
        };
        let present: Vec<&str> = COST_KINDS
            .iter()
            .copied()
            .zip([
                c.monthly.is_some(),
                c.per_customer.is_some(),
                c.per_account.is_some(),
                c.per_tier.is_some(),
                c.step.is_some(),
                c.revenue_share.is_some(),
            ])
            .filter(|(_, p)| *p)
            .map(|(k, _)| k)
            .collect();
        match present.as_slice() {
            [] => {
                return Err(self.at_path(
                    &here(&["monthly"]),
                    format!(
                        "required key `monthly` is missing: a cost line needs one of {}",
                        COST_KINDS.join(", ")
                    ),
                ))
            }
            [_] => {}
            [first, second, ..] => {
                return Err(self.at_path(
                    &here(&[second]),
                    format!(
                        "a cost line has exactly one kind; this one has both `{first}` and \
                         `{second}`: split it into two [[costs]] lines"
                    ),
                ))
            }
        }
        if let Some(m) = &c.monthly {
            return Ok(CostKind::Fixed { monthly_cents: m.0 });
        }
        if let Some(m) = &c.per_customer {
            return Ok(CostKind::PerCustomer { cents: m.0 });
        }
        if let Some(m) = &c.per_account {
            return Ok(CostKind::PerAccount { cents: m.0 });
        }
        if let Some(t) = &c.per_tier {
            let mut cents = BTreeMap::new();
            for (k, m) in t {
                if !tiers.contains_key(k) {
                    let known: Vec<&str> = tiers.keys().map(String::as_str).collect();
                    return Err(self.at_path(
                        &here(&["per_tier", k]),
                        format!(
                            "unknown tier `{k}`; the known tiers are {}",
                            known.join(", ")
                        ),
                    ));
                }
                cents.insert(k.clone(), m.0);
            }
            if cents.is_empty() {
                return Err(self.at_path(
                    &here(&["per_tier"]),
                    "`per_tier` lists no tier: write e.g. per_tier = { fintech = 300 }",
                ));
            }
            return Ok(CostKind::PerTier { cents });
        }
        if let Some(st) = &c.step {
            let every = *st.every.get_ref();
            if every == 0 {
                return Err(self.at(
                    st.every.span(),
                    &here(&["step", "every"]),
                    "`every` must be at least 1 (customers per step)",
                ));
            }
            return Ok(CostKind::Step {
                every,
                monthly_cents: st.monthly.0,
            });
        }
        let share = c.revenue_share.as_ref().expect("one kind is present");
        let ppm = fraction_to_ppm(*share.get_ref())
            .map_err(|why| self.at(share.span(), &here(&["revenue_share"]), why))?;
        Ok(CostKind::RevenueShare { ppm })
    }

    pub(super) fn tiers(
        &self,
        raw: &BTreeMap<String, RawTier>,
    ) -> Result<BTreeMap<String, Tier>, ScenarioError> {
        let mut tiers = builtin_tiers();
        let max = crate::config::limits::MAX_TIERS;
        if raw.len() > max {
            let k = raw.keys().nth(max).map(String::as_str).unwrap_or_default();
            return Err(self.at_path(
                &[key("tiers"), key(k)],
                format!(
                    "the file defines {} tiers, more than a scenario may ({max}, the tier limit)",
                    raw.len()
                ),
            ));
        }
        for (k, t) in raw {
            let here = |field: &str| {
                let mut s = vec![key("tiers"), key(k)];
                if !field.is_empty() {
                    s.push(key(field));
                }
                s
            };
            check_tier_key(k).map_err(|why| self.at_path(&here(""), why))?;
            if let Some(fw) = &t.framework {
                check_framework(fw.get_ref())
                    .map_err(|why| self.at(fw.span(), &here("framework"), why))?;
            }
            if let Some(ou) = &t.ou {
                check_ou_name(ou.get_ref()).map_err(|why| self.at(ou.span(), &here("ou"), why))?;
            }
            let tier = match tiers.get(k) {
                Some(base) => Tier {
                    key: k.clone(),
                    framework: t
                        .framework
                        .as_ref()
                        .map_or(base.framework.clone(), |f| f.get_ref().clone()),
                    ou: t
                        .ou
                        .as_ref()
                        .map_or(base.ou.clone(), |o| o.get_ref().clone()),
                    monthly_price_cents: t
                        .monthly_price
                        .as_ref()
                        .map_or(base.monthly_price_cents, |m| m.0),
                },
                None => {
                    let missing = [
                        ("framework", t.framework.is_none()),
                        ("ou", t.ou.is_none()),
                        ("monthly_price", t.monthly_price.is_none()),
                    ];
                    if let Some((m, _)) = missing.iter().find(|(_, absent)| *absent) {
                        return Err(self
                            .at_path(
                                &here(""),
                                format!(
                                "the new tier `{k}` needs `framework`, `ou` and `monthly_price`; \
                                 `{m}` is missing"
                            ),
                            )
                            .with_field(format_path(&here(m))));
                    }
                    Tier {
                        key: k.clone(),
                        framework: t
                            .framework
                            .as_ref()
                            .map(|f| f.get_ref().clone())
                            .unwrap_or_default(),
                        ou: t
                            .ou
                            .as_ref()
                            .map(|o| o.get_ref().clone())
                            .unwrap_or_default(),
                        monthly_price_cents: t.monthly_price.as_ref().map_or(0, |m| m.0),
                    }
                }
            };
            tiers.insert(k.clone(), tier);
        }
        Ok(tiers)
    }

    pub(super) fn customer(
        &self,
        i: usize,
        c: &Spanned<RawCustomer>,
        tiers: &BTreeMap<String, Tier>,
    ) -> Result<Customer, ScenarioError> {
        self.customer_at(&[key("customers")], i, c, tiers)
    }

    /// [`Ctx::customer`] for the list at `base` (`customers`, or
    /// `organization.existing.customers`).
    pub(super) fn customer_at(
        &self,
        base: &[Seg],
        i: usize,
        c: &Spanned<RawCustomer>,
        tiers: &BTreeMap<String, Tier>,
    ) -> Result<Customer, ScenarioError> {
        let here = |field: &str| {
            let mut p = base.to_vec();
            p.push(Seg::Index(i));
            p.push(key(field));
            p
        };
        let raw = c.get_ref();

        let name = raw.name.get_ref();
        check_account_name(name).map_err(|why| self.at(raw.name.span(), &here("name"), why))?;

        let tier_key = raw.tier.get_ref();
        let Some(tier) = tiers.get(tier_key) else {
            let known: Vec<&str> = tiers.keys().map(String::as_str).collect();
            return Err(self.at(
                raw.tier.span(),
                &here("tier"),
                format!(
                    "unknown tier `{tier_key}`; the known tiers are {}",
                    known.join(", ")
                ),
            ));
        };

        let email = raw.email.get_ref();
        check_email(email).map_err(|why| self.at(raw.email.span(), &here("email"), why))?;

        if let Some(id) = &raw.account_id {
            check_account_id(id.get_ref())
                .map_err(|why| self.at(id.span(), &here("account_id"), why))?;
        }

        // The customer's line: the `name` key's line when the table's own span says little.
        let line = self
            .lines
            .line_col(self.src, c.span().start.min(raw.name.span().start))
            .0;
        Ok(Customer {
            name: name.clone(),
            tier: tier_key.clone(),
            email: email.clone(),
            account_id: raw.account_id.as_ref().map(|a| a.get_ref().clone()),
            monthly_cents: raw
                .monthly
                .as_ref()
                .map_or(tier.monthly_price_cents, |m| m.0),
            generated: false,
            line,
            region: raw.region.as_ref().map(|r| r.get_ref().clone()),
        })
    }

    pub(super) fn organization(
        &self,
        raw: Option<&RawOrganization>,
    ) -> Result<OrganizationConfig, ScenarioError> {
        let mut org = OrganizationConfig::default();
        let Some(o) = raw else { return Ok(org) };
        let here = |field: &str| vec![key("organization"), key(field)];
        if let Some(q) = &o.account_quota {
            if *q.get_ref() == 0 {
                return Err(self.at(
                    q.span(),
                    &here("account_quota"),
                    "account_quota must be at least 1",
                ));
            }
            org.account_quota = *q.get_ref();
        }
        if let Some(id) = &o.management_account_id {
            check_account_id(id.get_ref())
                .map_err(|why| self.at(id.span(), &here("management_account_id"), why))?;
            org.management_account_id = id.get_ref().clone();
        }
        if let Some(e) = &o.management_email {
            check_email(e.get_ref())
                .map_err(|why| self.at(e.span(), &here("management_email"), why.message))?;
            org.management_email = Some(e.get_ref().clone());
        }
        if let Some(n) = &o.existing_accounts {
            let n_v = *n.get_ref();
            if n_v > super::limits::MAX_EXISTING_ACCOUNTS {
                return Err(self.at(
                    n.span(),
                    &here("existing_accounts"),
                    format!(
                        "existing_accounts is at most {} (orgsim's limit: the model holds each \
                         one), not {n_v}",
                        super::limits::MAX_EXISTING_ACCOUNTS
                    ),
                ));
            }
            if n_v >= org.account_quota {
                return Err(self.at(
                    n.span(),
                    &here("existing_accounts"),
                    format!(
                        "{n_v} existing accounts and the management account do not fit in an \
                         account_quota of {} (the quota counts the management account): raise \
                         account_quota above {n_v}",
                        org.account_quota
                    ),
                ));
            }
            org.existing_accounts = n_v;
        }
        if let Some(l) = &o.layout {
            org.layout = match l.get_ref().as_str() {
                "flat" => OuLayout::Flat,
                "by-tier-region" => OuLayout::ByTierRegion,
                other => {
                    return Err(self.at(
                        l.span(),
                        &here("layout"),
                        format!("unknown layout `{other}`; use `flat` or `by-tier-region`"),
                    ))
                }
            };
        }
        use crate::config::limits::{MAX_OU_PATH, MAX_REGIONS};
        for (field, list, max) in [
            ("regions", &o.regions, MAX_REGIONS),
            ("ou_path", &o.ou_path, MAX_OU_PATH),
        ] {
            let Some(list) = list else { continue };
            if list.get_ref().len() > max {
                return Err(self.at(
                    list.span(),
                    &here(field),
                    format!(
                        "{} names, more than `{field}` may hold ({max}, the {} limit)",
                        list.get_ref().len(),
                        if field == "regions" {
                            "region"
                        } else {
                            "OU path"
                        }
                    ),
                ));
            }
            let mut seen = std::collections::BTreeSet::new();
            for name in list.get_ref() {
                check_ou_name(name).map_err(|why| self.at(list.span(), &here(field), why))?;
                if field == "regions" && !seen.insert(name.as_str()) {
                    return Err(self.at(
                        list.span(),
                        &here(field),
                        format!("region `{name}` is listed twice"),
                    ));
                }
            }
            if field == "regions" && list.get_ref().is_empty() {
                return Err(self.at(
                    list.span(),
                    &here(field),
                    "regions must name at least one region",
                ));
            }
            let v = list.get_ref().clone();
            if field == "regions" {
                org.regions = v;
            } else {
                org.ou_path = v;
            }
        }
        if let Some(t) = &o.ou_navigation_threshold {
            if *t.get_ref() == 0 {
                return Err(self.at(
                    t.span(),
                    &here("ou_navigation_threshold"),
                    "must be at least 1",
                ));
            }
            org.ou_navigation_threshold = *t.get_ref();
        }
        Ok(org)
    }

    pub(super) fn phases(&self, raw: &[Spanned<RawPhase>]) -> Result<Vec<Phase>, ScenarioError> {
        let mut out = Vec::with_capacity(raw.len());
        for (i, p) in raw.iter().enumerate() {
            let here = |field: &str| vec![key("phases"), Seg::Index(i), key(field)];
            let p = p.get_ref();
            let name = p.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(self.at(p.name.span(), &here("name"), "a phase needs a name"));
            }
            let range = |field: &str,
                         v: &Spanned<Vec<u64>>,
                         need_both: bool|
             -> Result<(u64, Option<u64>), ScenarioError> {
                let bad = |why: &str| self.at(v.span(), &here(field), why.to_string());
                match v.get_ref().as_slice() {
                    [a] if !need_both => Ok((*a, None)),
                    [a, b] if a <= b => Ok((*a, Some(*b))),
                    [_, _] => Err(bad("write [low, high] with low <= high")),
                    _ if need_both => Err(bad("write [low, high], e.g. [3, 5]")),
                    _ => Err(bad("write [low, high], or [low] for \"low or more\"")),
                }
            };
            let (lo, hi) = range("customers", &p.customers, true)?;
            let hi = hi.unwrap_or(lo);
            let max = crate::config::limits::MAX_CUSTOMERS as u64;
            if lo == 0 || hi > max {
                return Err(self.at(
                    p.customers.span(),
                    &here("customers"),
                    format!("customer counts must be between 1 and {max} (the customer limit)"),
                ));
            }
            let ous = p.ous.as_ref().map(|v| range("ous", v, false)).transpose()?;
            let accounts = p
                .accounts
                .as_ref()
                .map(|v| range("accounts", v, false))
                .transpose()?;
            let mrr_cents = match &p.mrr {
                None => None,
                Some(v) => match v.get_ref().as_slice() {
                    [a] => Some((a.0, None)),
                    [a, b] if a.0 <= b.0 => Some((a.0, Some(b.0))),
                    _ => {
                        return Err(self.at(
                            v.span(),
                            &here("mrr"),
                            "write [low, high] in dollars, or [low] for \"low or more\"",
                        ))
                    }
                },
            };
            for (field, v) in [
                ("deploy_minutes_max", &p.deploy_minutes_max),
                ("conflicts_max", &p.conflicts_max),
            ] {
                if let Some(v) = v {
                    if !(*v.get_ref() >= 0.0 && v.get_ref().is_finite()) {
                        return Err(self.at(
                            v.span(),
                            &here(field),
                            "must be a non-negative number",
                        ));
                    }
                }
            }
            let confidence = match &p.confidence {
                None => super::super::types::DEFAULT_CONFIDENCE,
                Some(c) => {
                    let v = *c.get_ref();
                    if !(v > 0.0 && v <= 1.0) {
                        return Err(self.at(
                            c.span(),
                            &here("confidence"),
                            "must be a share of replications above 0 and at most 1 (e.g. 0.95)",
                        ));
                    }
                    v
                }
            };
            let layout = match &p.layout {
                None => None,
                Some(l) => Some(match l.get_ref().as_str() {
                    "flat" => OuLayout::Flat,
                    "by-tier-region" => OuLayout::ByTierRegion,
                    other => {
                        return Err(self.at(
                            l.span(),
                            &here("layout"),
                            format!("unknown layout `{other}`; use `flat` or `by-tier-region`"),
                        ))
                    }
                }),
            };
            out.push(Phase {
                name,
                customers: (lo as usize, hi as usize),
                ous: ous.map(|(a, b)| (a as usize, b.map(|b| b as usize))),
                accounts: accounts.map(|(a, b)| (a as usize, b.map(|b| b as usize))),
                mrr_cents,
                deploy_minutes_max: p.deploy_minutes_max.as_ref().map(|v| *v.get_ref()),
                conflicts_max: p.conflicts_max.as_ref().map(|v| *v.get_ref()),
                confidence,
                layout,
            });
        }
        Ok(out)
    }

    pub(super) fn load_settings(
        &self,
        raw: Option<&RawLoad>,
    ) -> Result<LoadSettings, ScenarioError> {
        use crate::config::loadtest as load;
        let Some(l) = raw else {
            return Ok(LoadSettings::default());
        };
        let here = |k: &str| [key("load"), key(k)];
        let mut stages = Vec::new();
        match (&l.rate, &l.duration, &l.stages) {
            (Some(r), Some(d), None) => {
                let rate = crate::config::loadtest::parse_rate_per_min(r.get_ref())
                    .map_err(|e| self.at(r.span(), &here("rate"), e))?;
                if d.get_ref().0 == 0 {
                    return Err(self.at(
                        d.span(),
                        &here("duration"),
                        "the duration must be more than 0",
                    ));
                }
                stages.push(load::Stage {
                    duration_ms: d.get_ref().0,
                    target_per_min: rate,
                });
            }
            (None, None, Some(st)) => {
                for (i, text) in st.get_ref().iter().enumerate() {
                    let one = crate::config::loadtest::parse_stages(text).map_err(|e| {
                        self.at(st.span(), &here("stages"), format!("stage {}: {e}", i + 1))
                    })?;
                    stages.extend(one);
                }
                if stages.is_empty() {
                    return Err(self.at(
                        st.span(),
                        &here("stages"),
                        "list at least one stage, e.g. [\"5m:1/min\", \"10m:4/min\"]",
                    ));
                }
            }
            (None, None, None) => {}
            (Some(r), None, None) => {
                return Err(self.at(
                    r.span(),
                    &here("rate"),
                    "a rate needs a duration too (duration = \"30m\")",
                ));
            }
            (None, Some(d), None) => {
                return Err(self.at(
                    d.span(),
                    &here("duration"),
                    "a duration needs a rate too (rate = \"2/min\")",
                ));
            }
            (_, _, Some(st)) => {
                return Err(self.at(
                    st.span(),
                    &here("stages"),
                    "give either rate and duration, or stages, not both",
                ));
            }
        }
        if !stages.is_empty() {
            let (span, field) = match (&l.rate, &l.stages) {
                (Some(r), _) => (r.span(), "rate"),
                (_, Some(st)) => (st.span(), "stages"),
                _ => (0..0, "stages"),
            };
            load::check_stages(&stages).map_err(|e| self.at(span, &here(field), e))?;
        }
        if let Some(g) = &l.grace {
            let max = crate::config::limits::MAX_GRACE_MS;
            if g.0 > max {
                return Err(self.at_path(
                    &here("grace"),
                    format!(
                        "the grace is {} s, longer than it may be ({} s = 7 days, the grace limit)",
                        g.0 / 1000,
                        max / 1000
                    ),
                ));
            }
        }
        let arrivals = match &l.arrivals {
            None => None,
            Some(a) => Some(match a.get_ref().as_str() {
                "poisson" => crate::config::Arrivals::Poisson,
                "uniform" => crate::config::Arrivals::Uniform,
                other => {
                    return Err(self.at(
                        a.span(),
                        &here("arrivals"),
                        format!("arrivals are \"poisson\" or \"uniform\", not \"{other}\""),
                    ))
                }
            }),
        };
        let mut thresholds = Vec::new();
        if let Some(ts) = &l.thresholds {
            for t in ts.get_ref() {
                thresholds.push(
                    crate::config::loadtest::parse_threshold(t)
                        .map_err(|e| self.at(ts.span(), &here("thresholds"), e))?,
                );
            }
        }
        let max_concurrent = match &l.max_concurrent {
            None => None,
            Some(m) if *m.get_ref() == 0 || *m.get_ref() > 1_000_000 => {
                return Err(self.at(
                    m.span(),
                    &here("max_concurrent"),
                    format!(
                        "max_concurrent is between 1 and 1000000, not {}",
                        m.get_ref()
                    ),
                ))
            }
            Some(m) => Some(*m.get_ref() as usize),
        };
        Ok(LoadSettings {
            stages,
            arrivals,
            thresholds,
            max_concurrent,
            grace_ms: l.grace.as_ref().map(|g| g.0),
        })
    }

    pub(super) fn expect(&self, raw: Option<&RawExpect>) -> Result<Expectations, ScenarioError> {
        let Some(e) = raw else {
            return Ok(Expectations::default());
        };
        if let Some(m) = &e.margin_min {
            let v = *m.get_ref();
            if !(0.0..=1.0).contains(&v) {
                return Err(self.at(
                    m.span(),
                    &[key("expect"), key("margin_min")],
                    format!("margin_min is a fraction between 0 and 1 (0.79 for 79%), not {v}"),
                ));
            }
        }
        Ok(Expectations {
            makespan_max_ms: e.makespan_max.as_ref().map(|d| d.0),
            margin_min: e.margin_min.as_ref().map(|m| *m.get_ref()),
            unresolved_conflicts_max: e.unresolved_conflicts_max,
            conflicts_max: e.conflicts_max,
            throttled_max: e.throttled_max,
            failed_max: e.failed_max,
        })
    }
}

/// An AWS account name: 1 to 50 characters, not blank, no control characters.
pub(super) fn check_account_name(name: &str) -> Result<(), Invalid> {
    let n = name.chars().count();
    if n == 0 || n > 50 {
        return Err(Invalid::from(format!(
            "a customer name must be 1 to 50 characters long (the AWS account name limit), not {n}"
        )));
    }
    if name.trim().is_empty() {
        return Err(Invalid::from("a customer name must not be blank"));
    }
    if name.chars().any(char::is_control) {
        return Err(Invalid::from(
            "a customer name must not contain control characters",
        ));
    }
    Ok(())
}

/// An account's email, by the rules AWS documents for CreateAccount's `Email`: 6 to 64
/// characters, all 7-bit ASCII; exactly one `@`; a local part that is not empty, does not begin
/// with a dot and holds none of whitespace `" ' ( ) < > [ ] : ; , \ | % &`; a domain as
/// [`check_domain`] has it.
pub(super) fn check_email(email: &str) -> Result<(), Invalid> {
    let bad = |why: String| Invalid::new(format!("`{email}` is not a valid email address: {why}"));
    let n = email.chars().count();
    if !(6..=64).contains(&n) {
        return Err(bad(format!("it must be 6 to 64 characters long, not {n}")));
    }
    if let Some(c) = email.chars().find(|c| !c.is_ascii()) {
        return Err(bad(format!(
            "`{c}` is not a 7-bit ASCII character, and AWS accepts only those in an account's email"
        )));
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains whitespace".into()));
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(bad("it has no `@`".into()));
    };
    if domain.contains('@') {
        return Err(bad("it has more than one `@`".into()));
    }
    if local.is_empty() {
        return Err(bad("nothing comes before the `@`".into()));
    }
    if local.starts_with('.') {
        return Err(bad(
            "the part before the `@` must not begin with a dot".into()
        ));
    }
    if let Some(c) = local.chars().find(|c| "\"'()<>[]:;,\\|%&".contains(*c)) {
        return Err(bad(format!(
            "`{c}` is not allowed before the `@` (AWS refuses \" ' ( ) < > [ ] : ; , \\ | % &)"
        )));
    }
    check_domain(domain).map_err(|e| bad(e.message))
}

/// An email's domain: only ASCII letters, digits, `-` and `.`; at least one dot; not beginning
/// or ending with `-` or `.`; no empty label (`..`).
pub(super) fn check_domain(domain: &str) -> Result<(), Invalid> {
    let bad = |why: &str| Invalid::new(format!("`{domain}` is not a valid domain: {why}"));
    if let Some(c) = domain
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
    {
        return Err(bad(&format!(
            "`{c}` is not allowed; a domain has only the letters a-z and A-Z, digits, `-` and `.`"
        )));
    }
    if domain.is_empty()
        || !domain.contains('.')
        || domain.starts_with(['.', '-'])
        || domain.ends_with(['.', '-'])
        || domain.contains("..")
    {
        return Err(bad(
            "it needs a dot, like example.com, and must not begin or end with `.` or `-`",
        ));
    }
    Ok(())
}

/// An AWS account id: exactly 12 ASCII digits.
pub(super) fn check_account_id(id: &str) -> Result<(), Invalid> {
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid::from(format!(
            "`{id}` is not an AWS account id: it must be exactly 12 digits"
        )));
    }
    Ok(())
}
