//! Trace → outcome: makespan, phases, critical path, API statistics, conflicts, the brief's
//! validation matrix, financials and expectations, gathered into a [`Report`].
//!
//! Layout: `resources` (every planned resource), `timing`, `api` (calls and conflicts),
//! `matrix` (the validation matrix), `expectations` (`[expect]`); this file gathers them.
//!
//! Architecture invariant: no I/O, no clock. Everything here is computed from the plan, the
//! trace, the final organization and the scenario, so any backend's run is judged the same way.

mod api;
mod expectations;
mod matrix;
mod orphans;
mod resources;
mod timing;
mod units;

use std::collections::BTreeMap;

use serde::Serialize;

pub use api::{conflict_kind, Api, Conflict, Latency};
pub use expectations::Expectation;
pub use matrix::MatrixCheck;
pub use orphans::OrphanJson;
pub use resources::{ResourceItem, Resources};
pub use timing::{PathStep, Phase, Timing};

use crate::engine::trace::Trace;
use crate::finance::{self, dollars, Financials};
use crate::org::types::{OrgSnapshot, SnapshotIndex};
use crate::plan::{Plan, ResourceKind};
use crate::scenario::Scenario;
use crate::verdict::Verdict;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub scenario: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub seed: u64,
    pub backend: String,
    /// The deployer profile that applied the plan (`terraform-aws`, ...).
    pub deployer: &'static str,
    /// The measured latency profile the model used (its `source`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_profile: Option<String>,
    pub customers: usize,
    pub resources: Resources,
    pub timing: Timing,
    pub api: Api,
    pub conflicts: Vec<Conflict>,
    pub validation: Vec<MatrixCheck>,
    pub financials: FinancialsJson,
    pub expectations: Vec<Expectation>,
    /// Advice that fails nothing (e.g. `ou_navigation`: an OU holding more accounts than
    /// `[organization] ou_navigation_threshold`).
    pub findings: Vec<crate::plan::Finding>,
    /// The final organization in a backend-neutral form (names, not ids): what `sim`, `mock`
    /// and `sdk` runs of one scenario must agree on.
    pub organization: FinalOrg,
    /// Accounts in the final organization that the deployer's state does not hold: their
    /// creation outlived its wait (a `Timeout`) and then succeeded, so they sit in the root and
    /// the next apply would create them again (issue 24's timeout orphan). 0 on live backends,
    /// which do not settle the service's creations.
    pub orphaned_accounts: usize,
    /// Each orphaned account: its plan resource, its id, and where it is.
    pub orphans: Vec<OrphanJson>,
    /// `PASS` when every validation row and expectation held (exit 0), else `FAIL` (exit 1);
    /// `INTERRUPTED` when a live run was stopped (Ctrl-C, SIGTERM) before the end.
    pub verdict: crate::verdict::Verdict,
    /// A live run stopped before the end: what it did so far, judged as far as it got; the
    /// makespan is then the time until it was stopped. Absent otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
}

impl Report {
    /// Marks a live run stopped after `engine_ms` of engine time: verdict `INTERRUPTED`, and a
    /// makespan no shorter than the time it ran (the trace ends at its last event).
    pub(crate) fn mark_interrupted(&mut self, engine_ms: u64) {
        self.interrupted = true;
        self.verdict = crate::verdict::Verdict::Interrupted;
        let ran_s = engine_ms as f64 / 1000.0;
        if ran_s > self.timing.makespan_s {
            self.timing.makespan_s = ran_s;
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FinancialsJson {
    pub revenue: f64,
    pub costs: f64,
    pub profit: f64,
    pub margin: f64,
    pub revenue_per_customer: f64,
    pub profit_per_customer: f64,
    pub lines: Vec<finance::LineJson>,
    pub planned_revenue: f64,
    pub revenue_at_risk: f64,
    pub billable_customers: usize,
}

/// The final organization by names: OU paths, member accounts (by email, with their OU path
/// and tags), and customer-managed policy attachments (`policy -> target`). The management
/// account and AWS-managed policies (FullAWSAccess) are left out: backends differ there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FinalOrg {
    pub ous: Vec<String>,
    pub accounts: Vec<FinalAccount>,
    pub attachments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct FinalAccount {
    pub email: String,
    pub name: String,
    pub ou: String,
    pub tags: BTreeMap<String, String>,
}

/// [`final_org`] from an index already built (the analysis builds one for both this and the
/// validation matrix).
fn final_org_indexed(idx: &SnapshotIndex<'_>) -> FinalOrg {
    let snap = idx.snapshot();
    let path = |id: &str| orphans::ou_path(idx, id);
    let mut ous: Vec<String> = snap.ous.iter().map(|o| path(&o.id)).collect();
    ous.sort();
    let mut accounts: Vec<FinalAccount> = snap
        .accounts
        .iter()
        .filter(|a| a.id != snap.management_account_id)
        .map(|a| FinalAccount {
            email: a.email.to_string(),
            name: a.name.to_string(),
            ou: path(&a.id),
            tags: (*a.tags).clone(),
        })
        .collect();
    accounts.sort();
    let target_name = |t: &str| -> String {
        if t == snap.root_id {
            "/".to_string()
        } else if let Some(a) = idx.account(t) {
            a.email.to_string()
        } else {
            path(t)
        }
    };
    let mut attachments: Vec<String> = snap
        .attachments
        .iter()
        .filter_map(|(p, t)| {
            let pol = idx.policy(p)?;
            (!pol.aws_managed).then(|| format!("{} -> {}", pol.name, target_name(t)))
        })
        .collect();
    attachments.sort();
    attachments.dedup();
    FinalOrg {
        ous,
        accounts,
        attachments,
    }
}

/// Judges one deployment of `sc`: the plan, what the engine did, and the organization it left.
pub fn analyze(
    sc: &Scenario,
    plan: &Plan,
    trace: &Trace,
    snap: &OrgSnapshot,
    seed: u64,
    backend: &str,
) -> Report {
    let resources = resources::resources(sc, plan, trace);
    let timing = timing::timing(plan, trace);
    let api = api::api(trace);
    let conflicts = api::conflicts(plan, trace);
    let onboarded = onboarded(sc, plan, trace);
    let fin = finance::compute(sc, &onboarded);
    let idx = snap.index();
    let orphans = orphans::orphans_json(plan, trace, &idx);
    let validation = matrix::validate(
        sc,
        plan,
        trace,
        &idx,
        &conflicts,
        (&onboarded, &fin),
        &orphans,
    );
    let expectations = expectations::expectations(
        sc,
        trace.makespan_ms(),
        &fin,
        &conflicts,
        api.throttled,
        resources.failed,
    );
    let ok = validation.iter().all(|c| c.status != "FAIL")
        && expectations.iter().all(|c| c.status != "FAIL");
    Report {
        scenario: sc.name.clone(),
        description: sc.description.clone(),
        seed,
        backend: backend.to_string(),
        deployer: sc.deploy.deployer.as_str(),
        latency_profile: sc
            .service
            .latency_profile
            .as_ref()
            .map(|p| p.source.clone()),
        customers: sc.customers.len(),
        resources,
        timing,
        api,
        conflicts,
        validation,
        financials: financials_json(&fin),
        expectations,
        findings: plan.advisories.clone(),
        organization: final_org_indexed(&idx),
        orphaned_accounts: orphans.len(),
        orphans,
        verdict: Verdict::of(ok),
        interrupted: false,
    }
}

/// Which customers got their account.
fn onboarded(sc: &Scenario, plan: &Plan, trace: &Trace) -> Vec<bool> {
    let mut onboarded = vec![false; sc.customers.len()];
    for (r, rec) in plan.resources.iter().zip(&trace.resources) {
        if let (ResourceKind::Account, Some(c), true) =
            (r.kind, r.customer, rec.outcome.is_success())
        {
            onboarded[c] = true;
        }
    }
    onboarded
}

fn financials_json(fin: &Financials) -> FinancialsJson {
    FinancialsJson {
        revenue: dollars(fin.revenue_cents),
        costs: dollars(fin.costs_cents),
        profit: dollars(fin.profit_cents),
        margin: fin.margin,
        revenue_per_customer: dollars(fin.revenue_per_customer_cents),
        profit_per_customer: dollars(fin.profit_per_customer_cents),
        lines: fin
            .lines
            .iter()
            .map(|l| finance::LineJson {
                name: l.name.clone(),
                monthly: dollars(l.monthly_cents),
            })
            .collect(),
        planned_revenue: dollars(fin.planned_revenue_cents),
        revenue_at_risk: dollars(fin.planned_revenue_cents - fin.revenue_cents),
        billable_customers: fin.billable_customers,
    }
}
