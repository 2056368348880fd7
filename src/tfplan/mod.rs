//! The user's own Terraform plan as input (`--terraform-plan FILE`): the JSON that
//! `terraform show -json PLANFILE` prints (Terraform's "JSON Output Format": `format_version`,
//! `resource_changes`, `prior_state`, `configuration`) read into a [`Plan`] and the customers
//! its accounts stand for, in place of a scenario's customers. Sans-IO: the command reads the
//! file (`config::files`), this module reads its bytes.
//!
//! - `aws_organizations_organizational_unit`, `_policy`, `_policy_attachment` and `_account`
//!   instances come from `resource_changes`: `create` is to apply; `no-op`, `update` and `read`
//!   are in the deployer's state (refreshed, then existing; an update is applied as a no-op);
//!   `delete` stays in state (refreshed, not destroyed); a replace is refreshed and created.
//! - Ids and names of what exists come from `prior_state` (`change.before` where it has none),
//!   renumbered into the model's state forms (`ou-sim1-s0000001`, `p-s0000001`,
//!   `900000000001`) so that no id the model makes later can clash with one; addresses keep
//!   the plan's (modules and `for_each`/`count` instances expanded as Terraform writes them).
//! - Dependencies: every instance of each resource its configuration block references
//!   (`expressions`' `references`, `depends_on`), as Terraform's graph joins them, plus the
//!   parent, policy and target the instance's own values name.
//! - An account's tags are a `tags` resource of their own, as orgsim plans them. Its customer is
//!   named by the account; its tier is the value of its `--tier-tag` tag (default
//!   `securebase:tier`) where that names a tier of the scenario, and then its revenue is the
//!   tier's price; otherwise its tier is `unmapped` and its revenue left out.
//! - Other resource types are listed in the notes and ignored.
//!
//! Bad input is a [`ScenarioError`] naming the file, the line and column of the JSON value at
//! fault and its JSON path (`resource_changes[3].change.actions`): never a panic.

mod build;
mod locate;
mod read;
mod types;

use std::path::Path;

use crate::scenario::{Scenario, ScenarioError};
pub use types::{Imported, Options, DEFAULT_TIER_TAG, UNMAPPED_TIER};

/// Reads the JSON of `terraform show -json PLANFILE`; `source` names the file in errors and
/// `sc` gives the tiers an account's tier tag may name.
pub fn parse(
    bytes: &[u8],
    source: &Path,
    sc: &Scenario,
    opts: &Options,
) -> Result<Imported, ScenarioError> {
    let doc = read::Doc::parse(bytes, source)?;
    build::build(&doc, sc, opts)
}

#[cfg(test)]
mod tests;
