//! The scenario's `[expect]` statements, judged.

use serde::Serialize;

use super::units::secs;
use super::Conflict;
use crate::finance::Financials;
use crate::scenario::Scenario;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Expectation {
    pub name: &'static str,
    pub status: &'static str,
    pub detail: String,
}

pub(super) fn expectations(
    sc: &Scenario,
    end_ms: u64,
    fin: &Financials,
    conflicts: &[Conflict],
    throttled: usize,
    failed: usize,
) -> Vec<Expectation> {
    let e = &sc.expect;
    let mut out = Vec::new();
    let mut push = |name: &'static str, pass: bool, detail: String| {
        out.push(Expectation {
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
