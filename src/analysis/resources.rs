//! Every planned resource: how it ended, when, after how many calls and how much waiting.

use std::collections::BTreeMap;

use serde::Serialize;

use super::units::secs;
use crate::engine::trace::{Outcome, Trace, WaitKind};
use crate::plan::Plan;
use crate::scenario::Scenario;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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

/// The resources of `plan` as `trace` left them.
pub(super) fn resources(sc: &Scenario, plan: &Plan, trace: &Trace) -> Resources {
    let n = plan.resources.len();
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
        let wait = |pred: &dyn Fn(WaitKind) -> bool| {
            secs(
                rec.waits
                    .iter()
                    .filter(|w| pred(w.kind))
                    .map(|w| w.end_ms - w.start_ms)
                    .sum(),
            )
        };
        let (code, detail) = match &rec.outcome {
            Outcome::Failed { code, message } => (Some(code.to_string()), Some(message.clone())),
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
    Resources {
        planned: n,
        created,
        existing,
        failed,
        skipped,
        by_kind,
        items,
    }
}
