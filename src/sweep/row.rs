//! One replication's figures: its seed, and the row [`metrics`] makes of its trace.

use serde::Serialize;

use crate::analysis::conflict_kind;
use crate::engine::trace::{Outcome, Trace};
use crate::finance;
use crate::plan::{Plan, ResourceKind};
use crate::scenario::Scenario;
#[cfg(test)]
use crate::sim;
#[cfg(test)]
use std::sync::{atomic::AtomicBool, Arc};

/// The seed of replication `k` at customer count `n`.
pub(crate) fn replication_seed(seed: u64, n: usize, k: u32) -> u64 {
    crate::seed::replication(seed, n, k)
}

/// The figures of one replication.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RepRow {
    pub customers: usize,
    pub replication: u32,
    pub seed: u64,
    pub makespan_ms: u64,
    pub apply_ms: u64,
    pub calls: u64,
    pub retries: u64,
    pub throttled: u64,
    pub conflicts: u64,
    pub unresolved_conflicts: u64,
    pub failed_resources: u64,
    pub accounts_created: u64,
    pub revenue_cents: i64,
    pub costs_cents: i64,
    pub margin: f64,
}

#[cfg(test)]
/// Runs replication `k` of `n` customers of `sc`.
pub(crate) fn run_one(sc: &Scenario, n: usize, k: u32) -> RepRow {
    let sized = sc.with_customers(n);
    let plan = Arc::new(crate::plan::build(&sized));
    let seed = replication_seed(sc.seed, n, k);
    let never = AtomicBool::new(false);
    let (trace, _) = sim::replicate(&sized, plan.clone(), seed, &never).expect("not cancelled");
    metrics(&sized, &plan, &trace, seed, n, k)
}

/// The figures of one finished run (the same counts the full report gives).
pub fn metrics(sc: &Scenario, plan: &Plan, t: &Trace, seed: u64, n: usize, k: u32) -> RepRow {
    let mut conflicts = plan.findings.len() as u64;
    let mut unresolved = conflicts;
    let mut throttled = 0;
    for (resource, e) in &t.tally.errors {
        if *e == crate::org::types::ErrorCode::TooManyRequestsException {
            throttled += 1;
        }
        if let Some(r) = *resource {
            if conflict_kind(&e.report_key_str()).is_some() {
                conflicts += 1;
                if !t.resources[r].outcome.is_success() {
                    unresolved += 1;
                }
            }
        }
    }
    let mut onboarded = vec![false; sc.customers.len()];
    let (mut failed, mut accounts) = (0, 0);
    for (r, rec) in plan.resources.iter().zip(&t.resources) {
        if let Some(reason) = rec.failure_reason {
            if conflict_kind(reason.as_str()).is_some() {
                conflicts += 1;
                unresolved += 1;
            }
        }
        if !rec.outcome.is_success() {
            failed += 1;
        }
        if r.kind == ResourceKind::Account
            && matches!(
                rec.outcome,
                Outcome::Created { .. } | Outcome::Existing { .. }
            )
        {
            accounts += 1;
            if let Some(c) = r.customer {
                onboarded[c] = true;
            }
        }
    }
    let end = t.makespan_ms();
    let fin = finance::compute(sc, &onboarded);
    RepRow {
        customers: n,
        replication: k,
        seed,
        makespan_ms: end,
        apply_ms: end.saturating_sub(t.first_call_ms),
        calls: t.tally.calls,
        retries: t.tally.retries,
        throttled,
        conflicts,
        unresolved_conflicts: unresolved,
        failed_resources: failed,
        accounts_created: accounts,
        revenue_cents: fin.revenue_cents,
        costs_cents: fin.costs_cents,
        margin: fin.margin,
    }
}
