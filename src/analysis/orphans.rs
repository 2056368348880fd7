//! The timeout orphans of a run, named for the report (`Trace::orphans`: accounts in the
//! organization, not in the deployer's state), and the OU path the final organization uses.

use serde::Serialize;

use crate::engine::trace::Trace;
use crate::org::types::SnapshotIndex;
use crate::plan::Plan;

/// An account in the organization and not in the deployer's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct OrphanJson {
    /// The plan's account resource, whose apply failed.
    pub resource: String,
    pub account_id: String,
    pub email: String,
    /// Its OU path (`/`: the root, where a creation leaves it).
    pub ou: String,
}

/// The OU path of `id` (`/` for the root or a member of it).
pub(super) fn ou_path(idx: &SnapshotIndex<'_>, id: &str) -> String {
    let mut names: Vec<&str> = idx
        .ancestry(id)
        .iter()
        .filter_map(|i| idx.ou(i).map(|o| o.name.as_str()))
        .collect();
    names.reverse();
    format!("/{}", names.join("/"))
}

/// The trace's orphans, named (`Trace::orphans`).
pub(super) fn orphans_json(plan: &Plan, trace: &Trace, idx: &SnapshotIndex<'_>) -> Vec<OrphanJson> {
    trace
        .orphans
        .iter()
        .map(|o| OrphanJson {
            resource: plan.resources[o.resource].address.clone(),
            account_id: o.account_id.to_string(),
            email: idx
                .account(&o.account_id)
                .map_or_else(String::new, |a| a.email.to_string()),
            ou: ou_path(idx, &o.account_id),
        })
        .collect()
}
