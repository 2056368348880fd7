//! What each onboarding deploys: the shared resources once, then per customer its account and
//! tags, with the shared ones looked up and adopted.

use std::collections::BTreeMap;

use crate::engine::trace::Trace;
use crate::engine::DeployConfig;
use crate::plan::{self, Plan, ResourceKind};
use crate::scenario::Scenario;

/// The shared part of the plan (OUs, policies, attachments) for every tier of `sc`'s customers.
pub fn bootstrap_plan(sc: &Scenario) -> Plan {
    let mut p = plan::build(sc);
    let keep: Vec<bool> = p
        .resources
        .iter()
        .map(|r| !matches!(r.kind, ResourceKind::Account | ResourceKind::Tags))
        .collect();
    // Shared resources come first in a plan and depend only on each other: truncation keeps the
    // indices valid.
    let n = keep.iter().take_while(|&&k| k).count();
    p.resources.truncate(n);
    p.findings.clear();
    p.advisories.clear();
    p
}

/// `sc` without its customers: what [`customer_plan`] adds one customer to.
pub fn without_customers(sc: &Scenario) -> Scenario {
    Scenario {
        customers: Vec::new(),
        ..sc.clone()
    }
}

/// The plan of one customer's own onboarding: the shared resources (looked up and adopted) plus
/// its account and tags. `bare` is the scenario without customers ([`without_customers`]).
pub fn customer_plan(bare: &Scenario, customer: &crate::scenario::Customer) -> Plan {
    let mut one = bare.clone();
    one.customers = vec![customer.clone()];
    plan::build(&one)
}

/// The deploy settings of one onboarding: lookups on, so the shared resources are adopted.
pub fn onboarding_config(sc: &Scenario) -> DeployConfig {
    let mut cfg = sc.deploy.clone();
    cfg.lookup_existing = true;
    cfg
}

/// Adds the resources of `t` that failed, by code: the AWS error code the deployer gave up on,
/// the CreateAccount failure reason, or `Timeout`.
pub fn count_failures(t: &Trace, failures: &mut BTreeMap<String, usize>) {
    for r in &t.resources {
        if let crate::engine::trace::Outcome::Failed { code, .. } = &r.outcome {
            *failures.entry(code.to_string()).or_insert(0) += 1;
        }
    }
}
