//! Trace → outcome: makespan, phases, critical path, API statistics, conflicts, the seed's
//! validation matrix, financials and expectations, gathered into a [`Report`].
//!
//! Architecture invariant: no I/O, no clock. Everything here is computed from the plan, the
//! trace, the final organization and the scenario, so any backend's run is judged the same way.

use std::collections::{BTreeMap, BTreeSet};

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::engine::trace::{Outcome, Trace};
use crate::finance::{self, dollars, Financials};
use crate::org::types::{ErrorCode, OrgSnapshot};
use crate::plan::{Plan, ResourceKind, Spec, TAG_FRAMEWORK, TAG_TENANT, TAG_TIER};
use crate::scenario::Scenario;

fn secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

#[derive(Debug, Clone, Serialize)]
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
    pub validation: Vec<Check>,
    pub financials: FinancialsJson,
    pub expectations: Vec<Check2>,
    /// Advice that fails nothing (e.g. `ou_navigation`: an OU holding more accounts than
    /// `[organization] ou_navigation_threshold`).
    pub findings: Vec<crate::plan::Finding>,
    /// The final organization in a backend-neutral form (names, not ids): what `sim`, `mock`
    /// and `sdk` runs of one scenario must agree on.
    pub organization: FinalOrg,
    /// `PASS` when every validation row and expectation held (exit 0), else `FAIL` (exit 1).
    pub verdict: crate::error::Verdict,
}

#[derive(Debug, Clone, Serialize)]
pub struct Resources {
    pub planned: usize,
    pub created: usize,
    pub existing: usize,
    /// Failed, including those skipped because something they depend on failed.
    pub failed: usize,
    pub skipped: usize,
    pub by_kind: BTreeMap<&'static str, usize>,
    pub items: Vec<ResourceItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResourceItem {
    pub address: String,
    pub kind: &'static str,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    pub ready_s: Option<f64>,
    pub start_s: Option<f64>,
    pub end_s: Option<f64>,
    pub calls: usize,
    /// Seconds spent waiting: SDK backoff, provider retries, status polling.
    pub backoff_s: f64,
    pub poll_s: f64,
    /// Account factory: seconds from the account in its OU to the account ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub kind: &'static str,
    pub start_s: f64,
    pub end_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathStep {
    pub address: String,
    pub start_s: f64,
    pub end_s: f64,
    /// Time between its dependencies completing and it getting a slot.
    pub queued_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub makespan_s: f64,
    /// The deployer's own time before its first call (init, refresh, plan).
    pub overhead_s: f64,
    /// From the first call to the last resource.
    pub apply_s: f64,
    pub phases: Vec<Phase>,
    pub critical_path: Vec<PathStep>,
    /// Accounts created per minute of apply time.
    pub accounts_per_minute: f64,
    pub max_resources_in_flight: usize,
    pub max_calls_in_flight: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub count: u64,
    pub p50: u64,
    pub p95: u64,
    pub p99: u64,
    pub max: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Api {
    pub calls: usize,
    pub retries: usize,
    pub throttled: usize,
    pub errors: BTreeMap<String, usize>,
    pub latency_ms: BTreeMap<&'static str, Latency>,
    pub retry_quota_exhausted: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub kind: &'static str,
    pub code: String,
    pub resource: String,
    pub at_s: f64,
    pub resolved: bool,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub status: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check2 {
    pub name: &'static str,
    pub status: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
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

pub fn conflict_kind(code: &str) -> Option<&'static str> {
    Some(match code {
        "TooManyRequestsException" => "throttle",
        "ConcurrentModificationException" => "concurrent_modification",
        "DuplicateOrganizationalUnitException"
        | "DuplicatePolicyException"
        | "DuplicatePolicyAttachmentException"
        | "DuplicateAccountException"
        | "EMAIL_ALREADY_EXISTS"
        | "DuplicateAccountName"
        | "DuplicateAccountId" => "duplicate",
        "ACCOUNT_LIMIT_EXCEEDED" => "quota",
        c if c.starts_with("ConstraintViolationException") => "quota",
        _ => return None,
    })
}

/// The final organization by names: OU paths, member accounts (by email, with their OU path
/// and tags), and customer-managed policy attachments (`policy -> target`). The management
/// account and AWS-managed policies (FullAWSAccess) are left out: backends differ there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinalOrg {
    pub ous: Vec<String>,
    pub accounts: Vec<FinalAccount>,
    pub attachments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FinalAccount {
    pub email: String,
    pub name: String,
    pub ou: String,
    pub tags: BTreeMap<String, String>,
}

pub fn final_org(snap: &OrgSnapshot) -> FinalOrg {
    let path = |id: &str| -> String {
        let mut names: Vec<&str> = snap
            .ancestry(id)
            .iter()
            .filter_map(|i| snap.ou(i).map(|o| o.name.as_str()))
            .collect();
        names.reverse();
        format!("/{}", names.join("/"))
    };
    let mut ous: Vec<String> = snap.ous.iter().map(|o| path(&o.id)).collect();
    ous.sort();
    let mut accounts: Vec<FinalAccount> = snap
        .accounts
        .iter()
        .filter(|a| a.id != snap.management_account_id)
        .map(|a| FinalAccount {
            email: a.email.clone(),
            name: a.name.clone(),
            ou: path(&a.id),
            tags: a.tags.clone(),
        })
        .collect();
    accounts.sort();
    let target_name = |t: &str| -> String {
        if t == snap.root_id {
            "/".to_string()
        } else if let Some(a) = snap.accounts.iter().find(|a| a.id == t) {
            a.email.clone()
        } else {
            path(t)
        }
    };
    let mut attachments: Vec<String> = snap
        .attachments
        .iter()
        .filter_map(|(p, t)| {
            let pol = snap.policy(p)?;
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

/// Builds the report of one run.
pub fn analyze(
    sc: &Scenario,
    plan: &Plan,
    trace: &Trace,
    snap: &OrgSnapshot,
    seed: u64,
    backend: &str,
) -> Report {
    let n = plan.resources.len();
    // --- resources
    let mut by_kind = BTreeMap::new();
    let (mut created, mut existing, mut failed, mut skipped) = (0, 0, 0, 0);
    let mut calls_of = vec![0usize; n];
    for c in &trace.calls {
        if let Some(r) = c.resource {
            calls_of[r] += 1;
        }
    }
    let mut items = Vec::with_capacity(n);
    for (i, r) in plan.resources.iter().enumerate() {
        *by_kind.entry(r.kind.as_str()).or_insert(0) += 1;
        let rec = &trace.resources[i];
        match &rec.outcome {
            Outcome::Created { .. } => created += 1,
            Outcome::Existing { .. } => existing += 1,
            Outcome::Skipped { .. } => {
                skipped += 1;
                failed += 1
            }
            Outcome::Failed { .. } | Outcome::Pending => failed += 1,
        }
        let wait = |pred: &dyn Fn(crate::engine::trace::WaitKind) -> bool| {
            secs(
                rec.waits
                    .iter()
                    .filter(|w| pred(w.kind))
                    .map(|w| w.end_ms - w.start_ms)
                    .sum(),
            )
        };
        use crate::engine::trace::WaitKind;
        let (code, detail) = match &rec.outcome {
            Outcome::Failed { code, message } => (Some(code.clone()), Some(message.clone())),
            Outcome::Skipped { cause } => (
                Some("DependencyFailed".to_string()),
                Some(format!(
                    "not attempted: {} failed",
                    plan.resources[*cause].address
                )),
            ),
            Outcome::Pending => (Some("Pending".into()), Some("never finished".into())),
            _ => (None, None),
        };
        items.push(ResourceItem {
            address: r.address.clone(),
            kind: r.kind.as_str(),
            status: rec.outcome.status(),
            id: rec.outcome.id().map(str::to_string),
            customer: r.customer.map(|c| sc.customers[c].name.clone()),
            ready_s: rec.ready_ms.map(secs),
            start_s: rec.start_ms.map(secs),
            end_s: rec.end_ms.map(secs),
            calls: calls_of[i],
            backoff_s: wait(&|k| matches!(k, WaitKind::Backoff | WaitKind::ProviderRetry)),
            poll_s: wait(&|k| k == WaitKind::Poll),
            provisioning_s: rec
                .waits
                .iter()
                .any(|w| w.kind == WaitKind::Provisioning)
                .then(|| wait(&|k| k == WaitKind::Provisioning)),
            code,
            detail,
        });
    }
    // --- timing
    let end_ms = trace.makespan_ms();
    let mut phases = vec![Phase {
        kind: "deployer_overhead",
        start_s: 0.0,
        end_s: secs(trace.first_call_ms),
    }];
    for kind in ResourceKind::ALL {
        let spans: Vec<(u64, u64)> = plan
            .resources
            .iter()
            .zip(&trace.resources)
            .filter(|(r, _)| r.kind == kind)
            .filter_map(|(_, rec)| Some((rec.start_ms?, rec.end_ms?)))
            .collect();
        if let (Some(s), Some(e)) = (
            spans.iter().map(|x| x.0).min(),
            spans.iter().map(|x| x.1).max(),
        ) {
            phases.push(Phase {
                kind: kind.as_str(),
                start_s: secs(s),
                end_s: secs(e),
            });
        }
    }
    let critical_path = critical_path(plan, trace);
    let apply_ms = end_ms.saturating_sub(trace.first_call_ms);
    let accounts_created = plan
        .resources
        .iter()
        .zip(&trace.resources)
        .filter(|(r, rec)| r.kind == ResourceKind::Account && rec.outcome.is_success())
        .count();
    let timing = Timing {
        makespan_s: secs(end_ms),
        overhead_s: secs(trace.first_call_ms),
        apply_s: secs(apply_ms),
        phases,
        critical_path,
        accounts_per_minute: if apply_ms > 0 {
            (accounts_created as f64 * 60_000.0 / apply_ms as f64 * 1000.0).round() / 1000.0
        } else {
            0.0
        },
        max_resources_in_flight: trace.max_resources_in_flight,
        max_calls_in_flight: trace.max_calls_in_flight,
    };
    // --- api
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    let mut hists: BTreeMap<&'static str, Histogram<u64>> = BTreeMap::new();
    let (mut retries, mut throttled) = (0, 0);
    for c in &trace.calls {
        if c.is_retry() {
            retries += 1;
        }
        if let Some(e) = &c.error {
            *errors.entry(e.report_key()).or_insert(0) += 1;
            if *e == ErrorCode::TooManyRequestsException {
                throttled += 1;
            }
        }
        if let Some(end) = c.end_ms {
            let h = hists.entry(c.op.as_str()).or_insert_with(|| {
                Histogram::new_with_bounds(1, 3_600_000, 3).expect("valid bounds")
            });
            h.saturating_record((end - c.start_ms).max(1));
        }
    }
    for rec in &trace.resources {
        if let Some(r) = rec.failure_reason {
            *errors.entry(r.as_str().to_string()).or_insert(0) += 1;
        }
        if let Outcome::Failed { code, .. } = &rec.outcome {
            if code == "Timeout" {
                *errors.entry("Timeout".into()).or_insert(0) += 1;
            }
        }
    }
    let latency_ms = hists
        .into_iter()
        .map(|(op, h)| {
            (
                op,
                Latency {
                    count: h.len(),
                    p50: h.value_at_quantile(0.50),
                    p95: h.value_at_quantile(0.95),
                    p99: h.value_at_quantile(0.99),
                    max: h.max(),
                },
            )
        })
        .collect();
    let api = Api {
        calls: trace.calls.len(),
        retries,
        throttled,
        errors,
        latency_ms,
        retry_quota_exhausted: trace.retry_quota_exhausted,
    };
    // --- conflicts
    let mut conflicts = Vec::new();
    for f in &plan.findings {
        conflicts.push(Conflict {
            kind: f.kind,
            code: f.code.to_string(),
            resource: f.resource.clone(),
            at_s: 0.0,
            resolved: false,
            detail: format!("pre-flight: {}", f.detail),
        });
    }
    for c in &trace.calls {
        let (Some(e), Some(r)) = (&c.error, c.resource) else {
            continue;
        };
        let key = e.report_key();
        let Some(kind) = conflict_kind(&key) else {
            continue;
        };
        conflicts.push(Conflict {
            kind,
            code: key,
            resource: plan.resources[r].address.clone(),
            at_s: secs(c.end_ms.unwrap_or(c.start_ms)),
            resolved: trace.resources[r].outcome.is_success(),
            detail: format!(
                "{} (attempt {}, try {}): {}",
                c.op, c.attempt, c.provider_try, c.message
            ),
        });
    }
    for (i, rec) in trace.resources.iter().enumerate() {
        if let Some(reason) = rec.failure_reason {
            if let Some(kind) = conflict_kind(reason.as_str()) {
                conflicts.push(Conflict {
                    kind,
                    code: reason.as_str().to_string(),
                    resource: plan.resources[i].address.clone(),
                    at_s: secs(rec.end_ms.unwrap_or(0)),
                    resolved: false,
                    detail: format!(
                        "CreateAccount {} FAILED with {}",
                        rec.create_request_id.as_deref().unwrap_or("?"),
                        reason.as_str()
                    ),
                });
            }
        }
    }
    conflicts.sort_by(|a, b| {
        a.at_s
            .total_cmp(&b.at_s)
            .then_with(|| a.resource.cmp(&b.resource))
    });
    // --- financials
    let account_res: Vec<usize> = plan
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == ResourceKind::Account)
        .map(|(i, _)| i)
        .collect();
    let mut onboarded = vec![false; sc.customers.len()];
    for &i in &account_res {
        if let (Some(c), true) = (
            plan.resources[i].customer,
            trace.resources[i].outcome.is_success(),
        ) {
            onboarded[c] = true;
        }
    }
    let fin = finance::compute(sc, &onboarded);
    let validation = validate(sc, plan, trace, snap, &conflicts, &onboarded, &fin);
    let financials = FinancialsJson {
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
    };
    let resources = Resources {
        planned: n,
        created,
        existing,
        failed,
        skipped,
        by_kind,
        items,
    };
    let expectations = expectations(sc, end_ms, &fin, &conflicts, throttled, failed);
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
        financials,
        expectations,
        findings: plan.advisories.clone(),
        organization: final_org(snap),
        verdict: crate::error::Verdict::of(ok),
    }
}

/// The chain of resources that set the makespan: from the last to finish, back through the
/// dependency that completed last before it became ready.
fn critical_path(plan: &Plan, trace: &Trace) -> Vec<PathStep> {
    let last = (0..plan.resources.len())
        .filter(|&i| trace.resources[i].end_ms.is_some())
        .max_by_key(|&i| (trace.resources[i].end_ms, std::cmp::Reverse(i)));
    let mut path = Vec::new();
    let mut cur = last;
    while let Some(i) = cur {
        let rec = &trace.resources[i];
        let (Some(s), Some(e)) = (rec.start_ms, rec.end_ms) else {
            break;
        };
        path.push(PathStep {
            address: plan.resources[i].address.clone(),
            start_s: secs(s),
            end_s: secs(e),
            queued_s: secs(s.saturating_sub(rec.ready_ms.unwrap_or(s))),
        });
        cur = plan.resources[i]
            .deps
            .iter()
            .copied()
            .filter(|&d| trace.resources[d].end_ms.is_some())
            .max_by_key(|&d| (trace.resources[d].end_ms, std::cmp::Reverse(d)));
    }
    path.reverse();
    path
}

fn check(check: &'static str, pass: bool, detail: String) -> Check {
    Check {
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

#[allow(clippy::too_many_arguments)]
fn validate(
    sc: &Scenario,
    plan: &Plan,
    trace: &Trace,
    snap: &OrgSnapshot,
    conflicts: &[Conflict],
    onboarded: &[bool],
    fin: &Financials,
) -> Vec<Check> {
    let res = &plan.resources;
    let id_of = |i: usize| trace.resources[i].outcome.id().map(str::to_string);
    // OUs
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
            Some(p) => id_of(*p),
            None => Some(snap.root_id.clone()),
        };
        match id_of(i).and_then(|id| snap.ou(&id).cloned()) {
            Some(ou) if Some(&ou.parent_id) == want_parent.as_ref() && &ou.name == name => {
                ou_names.push(name.clone())
            }
            Some(_) => ou_problems.push(format!("{name} is not under its planned parent")),
            None => ou_problems.push(format!("{name} missing")),
        }
    }
    let ous_created = check(
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
    );
    // Tier routing and isolation
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
        let ou_id = id_of(*ou);
        let acct = id_of(i).and_then(|id| snap.accounts.iter().find(|a| a.id == id).cloned());
        let Some(acct) = acct else {
            unrouted.push(format!("{} ({}) has no account", c.name, tier.key));
            continue;
        };
        if Some(&acct.parent_id) != ou_id.as_ref() {
            unrouted.push(format!("{} is not in {}", c.name, tier.ou));
            isolation.push(format!("{} sits outside its tier's OU", c.name));
        }
        let eff = snap.effective_policy_names(&acct.id);
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
        let attached = id_of(i).is_some_and(|ou| {
            snap.attachments
                .iter()
                .any(|(p, t)| *t == ou && snap.policy(p).is_some_and(|p| p.name == want))
        });
        if !attached {
            policy_problems.insert(0, format!("{want} not attached to {name}"));
        }
    }
    let total = sc.customers.len();
    let routed = total - unrouted.len();
    let tier_routing = check(
        "tier_routing",
        unrouted.is_empty(),
        if unrouted.is_empty() {
            format!("{routed} of {total} customers in their tier's OU")
        } else {
            format!("{routed} of {total} routed; {}", list(&unrouted))
        },
    );
    let accounts_created = onboarded.iter().filter(|&&b| b).count();
    let accounts_isolated = check(
        "accounts_isolated",
        isolation.is_empty() && accounts_created > 0,
        if accounts_created == 0 {
            "no account was created".into()
        } else if isolation.is_empty() {
            format!("{accounts_created} account(s), each in its own tier's OU, no other tier's policy inherited, distinct tenant ids")
        } else {
            list(&isolation)
        },
    );
    let frameworks: BTreeSet<&str> = sc
        .customers
        .iter()
        .map(|c| sc.tiers[&c.tier].framework.as_str())
        .collect();
    let policies_applied = check(
        "policies_applied",
        policy_problems.is_empty(),
        if policy_problems.is_empty() {
            format!(
                "{} attached to the tier OUs and inherited by every account",
                frameworks.iter().copied().collect::<Vec<_>>().join(" + ")
            )
        } else {
            list(&policy_problems)
        },
    );
    let dups: Vec<String> = conflicts
        .iter()
        .filter(|c| c.kind == "duplicate" && !c.resolved)
        .map(|c| format!("{} on {}", c.code, c.resource))
        .collect();
    let naming_conflicts = check(
        "naming_conflicts",
        dups.is_empty(),
        if dups.is_empty() {
            "none".into()
        } else {
            list(&dups)
        },
    );
    let parallel = if total <= 1 {
        Check {
            check: "parallel_deploy",
            status: "N/A",
            detail: "one customer: nothing to run in parallel".into(),
        }
    } else {
        let collision_failures: Vec<String> = res
            .iter()
            .zip(&trace.resources)
            .filter_map(|(r, rec)| match &rec.outcome {
                Outcome::Failed { code, .. }
                    if matches!(
                        code.as_str(),
                        "TooManyRequestsException" | "ConcurrentModificationException" | "Timeout"
                    ) =>
                {
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
    };
    let missing: Vec<String> = sc
        .customers
        .iter()
        .zip(onboarded)
        .filter(|(_, &ok)| !ok)
        .map(|(c, _)| c.name.clone())
        .collect();
    let revenue_tracking = check(
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
            format!("no tenant id on {}", list(&untagged))
        } else {
            format!(
                "{} attributed per customer by tenant id",
                finance::fmt_money(fin.revenue_cents)
            )
        },
    );
    let cost_allocation = check(
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
            format!("cost allocation tags missing on {}", list(&untagged))
        },
    );
    vec![
        tier_routing,
        ous_created,
        accounts_isolated,
        policies_applied,
        naming_conflicts,
        parallel,
        revenue_tracking,
        cost_allocation,
    ]
}

fn expectations(
    sc: &Scenario,
    end_ms: u64,
    fin: &Financials,
    conflicts: &[Conflict],
    throttled: usize,
    failed: usize,
) -> Vec<Check2> {
    let e = &sc.expect;
    let mut out = Vec::new();
    let mut push = |name: &'static str, pass: bool, detail: String| {
        out.push(Check2 {
            name,
            status: if pass { "PASS" } else { "FAIL" },
            detail,
        })
    };
    if let Some(max) = e.makespan_max_ms {
        push(
            "makespan_max",
            end_ms <= max,
            format!("makespan {:.1} s, limit {:.1} s", secs(end_ms), secs(max)),
        );
    }
    if let Some(min) = e.margin_min {
        push(
            "margin_min",
            fin.margin >= min,
            format!("margin {:.4}, minimum {min}", fin.margin),
        );
    }
    let unresolved = conflicts.iter().filter(|c| !c.resolved).count() as u64;
    if let Some(max) = e.unresolved_conflicts_max {
        push(
            "unresolved_conflicts_max",
            unresolved <= max,
            format!("{unresolved} unresolved, limit {max}"),
        );
    }
    if let Some(max) = e.conflicts_max {
        let n = conflicts.len() as u64;
        push(
            "conflicts_max",
            n <= max,
            format!("{n} conflicts, limit {max}"),
        );
    }
    if let Some(max) = e.throttled_max {
        push(
            "throttled_max",
            throttled as u64 <= max,
            format!("{throttled} throttled calls, limit {max}"),
        );
    }
    if let Some(max) = e.failed_max {
        push(
            "failed_max",
            failed as u64 <= max,
            format!("{failed} failed resources, limit {max}"),
        );
    }
    out
}
