//! The timeout orphan (issue 24): an account whose creation the deployer stopped waiting for
//! (its `Timeout`, or its polling given up) goes on being created by the service; once the
//! run's creations are settled, each that succeeded is an account in the organization, in the
//! root, that the deployer's state does not hold. `docs/model.md`, "The timeout orphan".

use crate::org::types::SharedStr;

use super::machine::Engine;
use super::trace::Orphan;

impl Engine {
    /// Records the orphans of this apply: each account resource that did not succeed and whose
    /// accepted creation it never saw end, when `account_of` (the service, its creations
    /// settled) says that creation made an account.
    pub(crate) fn settle_orphans(&mut self, mut account_of: impl FnMut(&str) -> Option<SharedStr>) {
        let mut orphans = std::mem::take(&mut self.trace.orphans);
        orphans.clear();
        for (resource, rec) in self.trace.resources.iter().enumerate() {
            if rec.outcome.is_success() {
                continue;
            }
            if let Some(account_id) = rec.unseen_creation.as_deref().and_then(&mut account_of) {
                orphans.push(Orphan {
                    resource,
                    account_id,
                });
            }
        }
        self.trace.orphans = orphans;
    }
}
