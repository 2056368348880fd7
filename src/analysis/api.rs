//! The calls: counts, retries, throttles, errors by code, latency per operation; and the
//! conflicts among them (throttling, concurrent modification, duplicates, quota hits) with
//! whether a retry resolved them.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::Serialize;

use super::units::secs;
use crate::engine::trace::{Failure, Outcome, Trace};
use crate::org::types::ErrorCode;
use crate::plan::Plan;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Latency {
    pub count: u64,
    pub p50: u64,
    pub p95: u64,
    pub p99: u64,
    pub max: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Api {
    pub calls: usize,
    pub retries: usize,
    pub throttled: usize,
    pub errors: BTreeMap<String, usize>,
    pub latency_ms: BTreeMap<&'static str, Latency>,
    pub retry_quota_exhausted: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Conflict {
    pub kind: &'static str,
    pub code: String,
    pub resource: String,
    pub at_s: f64,
    pub resolved: bool,
    pub detail: String,
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

/// The API statistics of `trace`.
pub(super) fn api(trace: &Trace) -> Api {
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
        if let Outcome::Failed {
            code: Failure::Timeout,
            ..
        } = &rec.outcome
        {
            *errors.entry(Failure::Timeout.to_string()).or_insert(0) += 1;
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
    Api {
        calls: trace.calls.len(),
        retries,
        throttled,
        errors,
        latency_ms,
        retry_quota_exhausted: trace.retry_quota_exhausted,
    }
}

/// The conflicts: the plan's pre-flight findings, the calls that met one, and the account
/// creations that failed with one.
pub(super) fn conflicts(plan: &Plan, trace: &Trace) -> Vec<Conflict> {
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
    conflicts
}
