//! `[organization.existing]`: the customers already onboarded (listed, or generated with tiers
//! cycling), checked like `[[customers]]`.

use std::collections::{BTreeMap, BTreeSet};

use super::super::{Customer, ExistingOrg, ScenarioError, Tier};
use super::ctx::Ctx;
use super::limits::MAX_EXISTING_ACCOUNTS;
use super::raw::{RawExisting, RawExistingCustomers};
use super::span::{key, Seg};

impl Ctx<'_> {
    /// The existing organization's customers. `new` are the scenario's own customers (an
    /// existing customer may not share an email with one), `existing_accounts` the table's
    /// other accounts and `quota` its `account_quota` (every account must fit in it).
    pub(super) fn existing(
        &self,
        raw: Option<&RawExisting>,
        tiers: &BTreeMap<String, Tier>,
        new: &[Customer],
        existing_accounts: u32,
        quota: u32,
    ) -> Result<ExistingOrg, ScenarioError> {
        let Some(e) = raw else {
            return Ok(ExistingOrg::default());
        };
        let here = |field: &str| vec![key("organization"), key("existing"), key(field)];
        let mut cycle = Vec::new();
        if let Some(t) = &e.tiers {
            if t.get_ref().is_empty() {
                return Err(self.at(
                    t.span(),
                    &here("tiers"),
                    "tiers must name at least one tier",
                ));
            }
            for (i, k) in t.get_ref().iter().enumerate() {
                if !tiers.contains_key(k.get_ref()) {
                    let known: Vec<&str> = tiers.keys().map(String::as_str).collect();
                    let mut p = here("tiers");
                    p.push(Seg::Index(i));
                    return Err(self.at(
                        k.span(),
                        &p,
                        format!(
                            "unknown tier `{}`; the known tiers are {}",
                            k.get_ref(),
                            known.join(", ")
                        ),
                    ));
                }
                cycle.push(k.get_ref().clone());
            }
        }
        let org = match e.customers.get_ref() {
            RawExistingCustomers::Count(n) => {
                let n = *n;
                if n < 0 || n > i64::from(MAX_EXISTING_ACCOUNTS) {
                    return Err(self.at(
                        e.customers.span(),
                        &here("customers"),
                        format!(
                            "customers must be between 0 and {MAX_EXISTING_ACCOUNTS} (orgsim's \
                             limit: the model holds each one), not {n}"
                        ),
                    ));
                }
                ExistingOrg::generated(n as usize, cycle, tiers)
            }
            RawExistingCustomers::List(list) => {
                if list.len() > MAX_EXISTING_ACCOUNTS as usize {
                    return Err(self.at(
                        e.customers.span(),
                        &here("customers"),
                        format!(
                            "the table lists {} existing customers, more than orgsim holds \
                             ({MAX_EXISTING_ACCOUNTS})",
                            list.len()
                        ),
                    ));
                }
                let base = here("customers");
                let mut customers = Vec::with_capacity(list.len());
                for (i, c) in list.iter().enumerate() {
                    customers.push(self.customer_at(&base, i, c, tiers)?);
                }
                ExistingOrg {
                    customers,
                    tiers: cycle,
                }
            }
        };
        // One email, one account: an existing customer's email is taken.
        let mut seen: BTreeSet<String> = new.iter().map(|c| c.email.to_ascii_lowercase()).collect();
        for (i, c) in org.customers.iter().enumerate() {
            if !seen.insert(c.email.to_ascii_lowercase()) {
                let mut p = here("customers");
                let msg = format!(
                    "existing customer `{}` has the email {} of another customer: every account \
                     has an email of its own",
                    c.name, c.email
                );
                return Err(match e.customers.get_ref() {
                    RawExistingCustomers::List(list) => {
                        p.push(Seg::Index(i));
                        p.push(key("email"));
                        self.at(list[i].get_ref().email.span(), &p, msg)
                    }
                    RawExistingCustomers::Count(_) => self.at(e.customers.span(), &p, msg),
                });
            }
        }
        let accounts = 1 + u64::from(existing_accounts) + org.customers.len() as u64;
        if accounts > u64::from(quota) {
            return Err(self.at(
                e.customers.span(),
                &here("customers"),
                format!(
                    "{} existing customers, {existing_accounts} other existing accounts and the \
                     management account do not fit in an account_quota of {quota}: raise \
                     [organization] account_quota to at least {}",
                    org.customers.len(),
                    accounts + new.len() as u64
                ),
            ));
        }
        Ok(org)
    }
}
