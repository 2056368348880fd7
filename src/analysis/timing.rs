//! When things happened: the makespan, the deployer's overhead, the phases per resource kind,
//! the critical path, the accounts per minute.

use serde::Serialize;

use super::units::secs;
use crate::engine::trace::Trace;
use crate::plan::{Plan, ResourceKind};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Phase {
    pub kind: &'static str,
    pub start_s: f64,
    pub end_s: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PathStep {
    pub address: String,
    pub start_s: f64,
    pub end_s: f64,
    /// Time between its dependencies completing and it getting a slot.
    pub queued_s: f64,
}

/// The refresh phase of an apply into an organization that exists: the data source's reads and
/// the refresh of every resource in the deployer's state, before anything is planned.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Refresh {
    pub start_s: f64,
    pub end_s: f64,
    /// `end_s - start_s`.
    pub time_s: f64,
    /// Calls sent (retries included).
    pub calls: u64,
    /// Calls answered TooManyRequestsException.
    pub throttles: u64,
    /// Reads given up: 1 when the apply failed in planning ("Planning failed"), else 0.
    pub failures: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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
    /// The refresh phase; absent for a new organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh: Option<Refresh>,
}

/// The timing of `trace`.
pub(super) fn timing(plan: &Plan, trace: &Trace) -> Timing {
    let end_ms = trace.makespan_ms();
    let mut phases = vec![Phase {
        kind: "deployer_overhead",
        start_s: 0.0,
        end_s: secs(trace.first_call_ms),
    }];
    let refresh = trace.refresh.map(|r| {
        let end = if r.end_ms > 0 { r.end_ms } else { end_ms };
        Refresh {
            start_s: secs(r.start_ms),
            end_s: secs(end),
            time_s: secs(end.saturating_sub(r.start_ms)),
            calls: r.calls,
            throttles: r.throttled,
            failures: r.failures,
        }
    });
    if let Some(r) = &refresh {
        phases.push(Phase {
            kind: "refresh",
            start_s: r.start_s,
            end_s: r.end_s,
        });
    }
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
    Timing {
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
        refresh,
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
