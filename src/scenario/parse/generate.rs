//! `[generate]`: synthetic customers, in a deterministic order.

use std::collections::BTreeMap;

use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use super::super::tiers::builtin_tiers;
use super::super::{Customer, ScenarioError, Tier};
use super::checks::{check_account_name, check_domain, check_email};
use super::ctx::Ctx;
use super::limits::MAX_GENERATED;
use super::raw::*;
use super::span::key;

impl Ctx<'_> {
    pub(super) fn generate(
        &self,
        g: &RawGenerate,
        scenario_seed: u64,
        tiers: &BTreeMap<String, Tier>,
    ) -> Result<Vec<Customer>, ScenarioError> {
        let here = |field: &str| vec![key("generate"), key(field)];
        let count = *g.count.get_ref();
        if count > MAX_GENERATED {
            return Err(self.at(
                g.count.span(),
                &here("count"),
                format!("count must be between 0 and {MAX_GENERATED}, not {count}"),
            ));
        }

        // The mix, in tier key order.
        let mut mix: Vec<(String, f64)> = Vec::new();
        match &g.mix {
            None => {
                for k in builtin_tiers().keys() {
                    mix.push((k.clone(), 1.0));
                }
            }
            Some(m) => {
                for (k, w) in m {
                    let segs = vec![key("generate"), key("mix"), key(k)];
                    if !tiers.contains_key(k) {
                        let known: Vec<&str> = tiers.keys().map(String::as_str).collect();
                        return Err(self.at_path(
                            &segs,
                            format!(
                                "unknown tier `{k}` in the mix; the known tiers are {}",
                                known.join(", ")
                            ),
                        ));
                    }
                    let v = *w.get_ref();
                    if !(v.is_finite() && v >= 0.0) {
                        return Err(self.at(
                            w.span(),
                            &segs,
                            format!("a mix weight must be a finite number >= 0, not {v}"),
                        ));
                    }
                    mix.push((k.clone(), v));
                }
                let total: f64 = mix.iter().map(|(_, w)| w).sum();
                if !(total > 0.0 && total.is_finite()) {
                    return Err(self.at_path(
                        &here("mix"),
                        "the mix weights must add up to a finite number greater than 0",
                    ));
                }
            }
        }

        let domain = g
            .email_domain
            .as_ref()
            .map_or("example.com", |d| d.get_ref().as_str());
        if let Some(d) = &g.email_domain {
            check_domain(domain).map_err(|why| self.at(d.span(), &here("email_domain"), why))?;
        }
        let prefix = g
            .name_prefix
            .as_ref()
            .map_or("Customer", |p| p.get_ref().as_str());
        let slug = slugify(prefix);
        let make = |i: u64| {
            (
                format!("{prefix} {i:03}"),
                format!("{slug}-{i:03}@{domain}"),
            )
        };
        if count > 0 {
            // The longest name and email are those of the last customer.
            let (name, email) = make(count);
            let prefix_err = |why: String| match &g.name_prefix {
                Some(p) => self.at(p.span(), &here("name_prefix"), why),
                None => self.at(g.count.span(), &here("count"), why),
            };
            if prefix.trim().is_empty() {
                return Err(prefix_err("name_prefix must not be empty".into()));
            }
            check_account_name(&name)
                .map_err(|why| prefix_err(format!("generated name `{name}`: {why}")))?;
            check_email(&email).map_err(|why| {
                let why = format!("generated email `{email}`: {why}");
                match &g.email_domain {
                    Some(d) => self.at(d.span(), &here("email_domain"), why),
                    None => prefix_err(why),
                }
            })?;
        }

        let weights: Vec<f64> = mix.iter().map(|(_, w)| *w).collect();
        let counts = apportion(count, &weights);
        let mut order: Vec<&str> = Vec::with_capacity(count as usize);
        for ((k, _), n) in mix.iter().zip(&counts) {
            for _ in 0..*n {
                order.push(k);
            }
        }
        let mut rng = SmallRng::seed_from_u64(g.seed.unwrap_or(scenario_seed));
        order.shuffle(&mut rng);

        Ok(order
            .iter()
            .zip(1u64..)
            .map(|(tier, i)| {
                let (name, email) = make(i);
                Customer {
                    name,
                    tier: tier.to_string(),
                    email,
                    account_id: None,
                    monthly_cents: tiers.get(*tier).map_or(0, |t| t.monthly_price_cents),
                    generated: true,
                    line: 0,
                    region: None,
                }
            })
            .collect())
    }
}

/// `"Acme Customer"` → `"acme-customer"`: lowercase, every run of other characters a hyphen.
pub(super) fn slugify(prefix: &str) -> String {
    let mut out = String::new();
    for c in prefix.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("customer");
    }
    out
}

/// Largest-remainder apportionment of `count` over `weights` (not all zero): each gets the
/// floor of its quota, the rest go one each to the largest remainders, ties to the earlier one.
pub(super) fn apportion(count: u64, weights: &[f64]) -> Vec<u64> {
    let total: f64 = weights.iter().sum();
    if weights.is_empty() || !(total > 0.0 && total.is_finite()) {
        return vec![0; weights.len()];
    }
    let quotas: Vec<f64> = weights.iter().map(|w| count as f64 * (w / total)).collect();
    let mut counts: Vec<u64> = quotas.iter().map(|q| q.floor().max(0.0) as u64).collect();
    // Remainders quantized so that equal remainders compare equal despite rounding.
    let rem: Vec<i64> = quotas
        .iter()
        .zip(&counts)
        .map(|(q, c)| ((q - *c as f64) * 1e9).round() as i64)
        .collect();
    let mut by_rem: Vec<usize> = (0..weights.len()).collect();
    by_rem.sort_by(|&a, &b| rem[b].cmp(&rem[a]).then(a.cmp(&b)));
    let assigned: u64 = counts.iter().sum();
    if assigned < count {
        let mut left = count - assigned;
        // Only positive weights get seats; cycle in case rounding left more than one each.
        let eligible: Vec<usize> = by_rem
            .iter()
            .copied()
            .filter(|&i| weights[i] > 0.0)
            .collect();
        for &i in eligible.iter().cycle() {
            if left == 0 {
                break;
            }
            counts[i] += 1;
            left -= 1;
        }
    } else if assigned > count {
        // Floating-point rounding pushed a floor up: take back from the smallest remainders.
        let mut extra = assigned - count;
        for &i in by_rem.iter().rev() {
            if extra == 0 {
                break;
            }
            if counts[i] > 0 {
                counts[i] -= 1;
                extra -= 1;
            }
        }
    }
    counts
}
