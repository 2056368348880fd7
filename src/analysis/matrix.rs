//! The seed document's validation matrix, computed from the final organization and the trace.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Conflict;
use crate::engine::trace::{Failure, Outcome, Trace};
use crate::finance::{self, Financials};
use crate::org::types::SnapshotIndex;
use crate::plan::{Plan, ResourceKind, Spec, TAG_FRAMEWORK, TAG_TENANT, TAG_TIER};
use crate::scenario::Scenario;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MatrixCheck {
    pub check: &'static str,
    pub status: &'static str,
    pub detail: String,
}

fn check(check: &'static str, pass: bool, detail: String) -> MatrixCheck {
    MatrixCheck {
        check,
        status: if pass { "PASS" } else { "FAIL" },
        detail,
    }
}

fn list(items: &[String]) -> String {
    const SHOW: usize = 5;
    let mut s = items
        .iter()
        .take(SHOW)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOW {
        s.push_str(&format!(" and {} more", items.len() - SHOW));
    }
    s
}

/// What the checks read: the scenario, its plan, the run's trace and the final organization.
struct Run<'a> {
    sc: &'a Scenario,
    plan: &'a Plan,
    trace: &'a Trace,
    idx: &'a SnapshotIndex<'a>,
}

impl Run<'_> {
    /// The id resource `i` was created or found with.
    fn id_of(&self, i: usize) -> Option<String> {
        self.trace.resources[i].outcome.id().map(str::to_string)
    }
}

/// The validation matrix, one check after another in the report's order.
pub(super) fn validate(
    sc: &Scenario,
    plan: &Plan,
    trace: &Trace,
    idx: &SnapshotIndex<'_>,
    conflicts: &[Conflict],
    (onboarded, fin): (&[bool], &Financials),
    orphans: &[super::orphans::OrphanJson],
) -> Vec<MatrixCheck> {
    let run = Run {
        sc,
        plan,
        trace,
        idx,
    };
    let ous_created = ous_created(&run);
    let accounts = account_problems(&run);
    let policy_problems = policy_problems(&run, accounts.policies);
    let accounts_created = onboarded.iter().filter(|&&b| b).count();
    vec![
        tier_routing(sc.customers.len(), &accounts.unrouted),
        ous_created,
        accounts_isolated(&accounts.isolation, accounts_created),
        policies_applied(sc, &policy_problems),
        naming_conflicts(conflicts),
        parallel_deploy(&run, conflicts),
        revenue_tracking(sc, onboarded, &accounts.untagged, fin),
        cost_allocation(&accounts.untagged, accounts_created, fin),
        orphaned_accounts(orphans),
    ]
}

/// `orphaned_accounts`: no account exists that the deployer's state does not hold (a creation
/// that outlived the deployer's wait and then succeeded: the next apply would create it again,
/// and fail with `EMAIL_ALREADY_EXISTS`, until it is imported).
fn orphaned_accounts(orphans: &[super::orphans::OrphanJson]) -> MatrixCheck {
    let named: Vec<String> = orphans
        .iter()
        .map(|o| {
            format!(
                "{} as {} in {} (terraform import '{}' {})",
                o.email, o.account_id, o.ou, o.resource, o.account_id
            )
        })
        .collect();
    check(
        "orphaned_accounts",
        orphans.is_empty(),
        if orphans.is_empty() {
            "every account the deployment created is in the deployer's state".into()
        } else {
            format!(
                "{} account(s) created but not in the deployer's state (the creation outlived the deployer's wait); the next apply fails with EMAIL_ALREADY_EXISTS until each is imported: {}",
                orphans.len(),
                list(&named)
            )
        },
    )
}

/// `ous_created`: every planned OU exists, with its name, under its planned parent.
fn ous_created(run: &Run<'_>) -> MatrixCheck {
    let (res, idx) = (&run.plan.resources, run.idx);
    let snap = idx.snapshot();
    let ou_res: Vec<usize> = (0..res.len())
        .filter(|&i| res[i].kind == ResourceKind::OrganizationalUnit)
        .collect();
    let mut ou_problems = Vec::new();
    let mut ou_names = Vec::new();
    for &i in &ou_res {
        let Spec::Ou { name, parent, .. } = &res[i].spec else {
            continue;
        };
        let want_parent = match parent {
            Some(p) => run.id_of(*p),
            None => Some(snap.root_id.clone()),
        };
        match run.id_of(i).and_then(|id| idx.ou(&id).cloned()) {
            Some(ou)
                if want_parent.as_deref() == Some(ou.parent_id.as_str()) && &ou.name == name =>
            {
                ou_names.push(name.to_string())
            }
            Some(_) => ou_problems.push(format!("{name} is not under its planned parent")),
            None => ou_problems.push(format!("{name} missing")),
        }
    }
    check(
        "ous_created",
        ou_problems.is_empty(),
        if ou_problems.is_empty() {
            format!(
                "{} OU{}: {}",
                ou_names.len(),
                if ou_names.len() == 1 { "" } else { "s" },
                list(&ou_names)
            )
        } else {
            list(&ou_problems)
        },
    )
}

/// What each planned account shows in the final organization.
struct AccountProblems {
    /// Customers without an account, or not in their tier's OU.
    unrouted: Vec<String>,
    /// Accounts outside their tier's OU, inheriting another tier's policy, sharing a tenant id.
    isolation: Vec<String>,
    /// Customers whose account lacks a tenant, tier or framework tag.
    untagged: Vec<String>,
    /// Accounts that do not inherit their own framework's policy.
    policies: Vec<String>,
}

/// Tier routing and isolation, account by account, then the tenant ids shared.
fn account_problems(run: &Run<'_>) -> AccountProblems {
    let (sc, res, idx) = (run.sc, &run.plan.resources, run.idx);
    let mut unrouted = Vec::new();
    let mut isolation = Vec::new();
    let mut untagged = Vec::new();
    let mut tenants: BTreeMap<String, usize> = BTreeMap::new();
    let mut policy_problems = Vec::new();
    let framework_policy_names: BTreeSet<String> = sc
        .tiers
        .values()
        .map(|t| format!("SecureBase-{}", t.framework))
        .collect();
    for i in (0..res.len()).filter(|&i| res[i].kind == ResourceKind::Account) {
        let Spec::Account { customer, ou, .. } = &res[i].spec else {
            continue;
        };
        let c = &sc.customers[*customer];
        let tier = &sc.tiers[&c.tier];
        let own_policy = format!("SecureBase-{}", tier.framework);
        let ou_id = run.id_of(*ou);
        let acct = run.id_of(i).and_then(|id| idx.account(&id));
        let Some(acct) = acct else {
            let orphan = run.trace.orphans.iter().find(|o| o.resource == i);
            unrouted.push(match orphan {
                Some(o) => format!(
                    "{} ({}) has no account in the deployer's state ({} is orphaned in the root)",
                    c.name, tier.key, o.account_id
                ),
                None => format!("{} ({}) has no account", c.name, tier.key),
            });
            continue;
        };
        if ou_id.as_deref() != Some(acct.parent_id.as_str()) {
            unrouted.push(format!("{} is not in {}", c.name, tier.ou));
            isolation.push(format!("{} sits outside its tier's OU", c.name));
        }
        if c.tier == crate::tfplan::UNMAPPED_TIER {
            // An account of a Terraform plan whose tier is not known: no tier policy or tags
            // to judge it by (`--tier-tag`).
            continue;
        }
        let eff = idx.effective_policy_names(&acct.id);
        let foreign: Vec<&String> = eff
            .iter()
            .filter(|p| framework_policy_names.contains(*p) && **p != own_policy)
            .collect();
        if !foreign.is_empty() {
            isolation.push(format!(
                "{} inherits {}",
                c.name,
                foreign
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !eff.contains(&own_policy) {
            policy_problems.push(format!("{} lacks {own_policy}", c.name));
        }
        let has = |k: &str, v: &str| acct.tags.get(k).map(String::as_str) == Some(v);
        let tenant = crate::plan::tenant_id(&c.name);
        if !(has(TAG_TENANT, &tenant)
            && has(TAG_TIER, &tier.key)
            && has(TAG_FRAMEWORK, &tier.framework))
        {
            untagged.push(c.name.clone());
        }
        if let Some(t) = acct.tags.get(TAG_TENANT) {
            *tenants.entry(t.clone()).or_insert(0) += 1;
        }
    }
    for (t, k) in &tenants {
        if *k > 1 {
            isolation.push(format!("{k} accounts share tenant id {t}"));
        }
    }
    AccountProblems {
        unrouted,
        isolation,
        untagged,
        policies: policy_problems,
    }
}

/// The policy problems: a tier OU without its framework's policy, then a policy adopted with
/// another document (drift), each put before those of the accounts (`of_accounts`).
fn policy_problems(run: &Run<'_>, of_accounts: Vec<String>) -> Vec<String> {
    let (sc, res, idx) = (run.sc, &run.plan.resources, run.idx);
    let mut policy_problems = of_accounts;
    for i in (0..res.len()).filter(|&i| res[i].kind == ResourceKind::OrganizationalUnit) {
        let Spec::Ou {
            name,
            role: crate::plan::OuRole::Tier { tier },
            ..
        } = &res[i].spec
        else {
            continue;
        };
        let want = format!("SecureBase-{}", sc.tiers[tier].framework);
        let attached = run.id_of(i).is_some_and(|ou| {
            idx.attached_to(&ou)
                .iter()
                .any(|p| idx.policy(p).is_some_and(|p| p.name == want))
        });
        if !attached {
            policy_problems.insert(0, format!("{want} not attached to {name}"));
        }
    }
    // A policy adopted by name whose document is not the plan's (a live run's drift check):
    // attached or not, it is not the guard rail the plan applies.
    for (i, r) in res.iter().enumerate() {
        if let (
            Spec::Policy { name, .. },
            Outcome::Failed {
                code: Failure::PolicyDrift,
                ..
            },
        ) = (&r.spec, &run.trace.resources[i].outcome)
        {
            policy_problems.insert(0, format!("{name} differs from the plan (drift)"));
        }
    }
    policy_problems
}

/// `tier_routing`: every one of the `total` customers has an account in its tier's OU.
fn tier_routing(total: usize, unrouted: &[String]) -> MatrixCheck {
    let routed = total - unrouted.len();
    check(
        "tier_routing",
        unrouted.is_empty(),
        if unrouted.is_empty() {
            format!("{routed} of {total} customers in their tier's OU")
        } else {
            format!("{routed} of {total} routed; {}", list(unrouted))
        },
    )
}

/// `accounts_isolated`: accounts were created, and none has an isolation problem.
fn accounts_isolated(isolation: &[String], accounts_created: usize) -> MatrixCheck {
    check(
        "accounts_isolated",
        isolation.is_empty() && accounts_created > 0,
        if accounts_created == 0 {
            "no account was created".into()
        } else if isolation.is_empty() {
            format!("{accounts_created} account(s), each in its own tier's OU, no other tier's policy inherited, distinct tenant ids")
        } else {
            list(isolation)
        },
    )
}

/// `policies_applied`: each framework's policy attached to its tier OUs and inherited.
fn policies_applied(sc: &Scenario, policy_problems: &[String]) -> MatrixCheck {
    let frameworks: BTreeSet<&str> = sc
        .customers
        .iter()
        .filter(|c| c.tier != crate::tfplan::UNMAPPED_TIER)
        .map(|c| sc.tiers[&c.tier].framework.as_str())
        .collect();
    check(
        "policies_applied",
        policy_problems.is_empty(),
        if policy_problems.is_empty() {
            format!(
                "{} attached to the tier OUs and inherited by every account",
                frameworks.iter().copied().collect::<Vec<_>>().join(" + ")
            )
        } else {
            list(policy_problems)
        },
    )
}

/// `naming_conflicts`: no duplicate left unresolved.
fn naming_conflicts(conflicts: &[Conflict]) -> MatrixCheck {
    let dups: Vec<String> = conflicts
        .iter()
        .filter(|c| c.kind == "duplicate" && !c.resolved)
        .map(|c| format!("{} on {}", c.code, c.resource))
        .collect();
    check(
        "naming_conflicts",
        dups.is_empty(),
        if dups.is_empty() {
            "none".into()
        } else {
            list(&dups)
        },
    )
}

/// `parallel_deploy`: resources overlapped, and none failed from contention (N/A for one
/// customer).
fn parallel_deploy(run: &Run<'_>, conflicts: &[Conflict]) -> MatrixCheck {
    let (res, trace) = (&run.plan.resources, run.trace);
    if run.sc.customers.len() <= 1 {
        return MatrixCheck {
            check: "parallel_deploy",
            status: "N/A",
            detail: "one customer: nothing to run in parallel".into(),
        };
    }
    let collision_failures: Vec<String> = res
        .iter()
        .zip(&trace.resources)
        .filter_map(|(r, rec)| match &rec.outcome {
            Outcome::Failed { code, .. } if code.is_collision() => {
                Some(format!("{} ({code})", r.address))
            }
            _ => None,
        })
        .collect();
    let absorbed = conflicts.iter().filter(|c| c.resolved).count();
    let overlapped = trace.max_resources_in_flight > 1;
    check(
        "parallel_deploy",
        overlapped && collision_failures.is_empty(),
        if !overlapped {
            "resources ran one at a time".into()
        } else if collision_failures.is_empty() {
            format!(
                "up to {} resources in flight; {absorbed} conflict(s) absorbed by retries",
                trace.max_resources_in_flight
            )
        } else {
            format!(
                "{} resource(s) failed from contention: {}",
                collision_failures.len(),
                list(&collision_failures)
            )
        },
    )
}

/// `revenue_tracking`: every customer has an account, each tagged with its tenant id.
fn revenue_tracking(
    sc: &Scenario,
    onboarded: &[bool],
    untagged: &[String],
    fin: &Financials,
) -> MatrixCheck {
    let missing: Vec<String> = sc
        .customers
        .iter()
        .zip(onboarded)
        .filter(|(_, &ok)| !ok)
        .map(|(c, _)| c.name.clone())
        .collect();
    check(
        "revenue_tracking",
        missing.is_empty() && untagged.is_empty(),
        if !missing.is_empty() {
            format!(
                "{} customer(s) without an account, {}/month not billable: {}",
                missing.len(),
                finance::fmt_money(fin.planned_revenue_cents - fin.revenue_cents),
                list(&missing)
            )
        } else if !untagged.is_empty() {
            format!("no tenant id on {}", list(untagged))
        } else {
            format!(
                "{} attributed per customer by tenant id",
                finance::fmt_money(fin.revenue_cents)
            )
        },
    )
}

/// `cost_allocation`: accounts were created, each with its cost allocation tags.
fn cost_allocation(untagged: &[String], accounts_created: usize, fin: &Financials) -> MatrixCheck {
    check(
        "cost_allocation",
        untagged.is_empty() && accounts_created > 0,
        if accounts_created == 0 {
            "no account to allocate costs to".into()
        } else if untagged.is_empty() {
            format!(
                "{} of costs over {accounts_created} account(s) tagged with tenant, tier and framework",
                finance::fmt_money(fin.costs_cents)
            )
        } else {
            format!("cost allocation tags missing on {}", list(untagged))
        },
    )
}
