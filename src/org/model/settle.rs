//! The end of a simulated run: the creations the service accepted are finished (a deployer may
//! have stopped waiting for one: issue 24's timeout orphan), and the account a creation made is
//! named for the engine's orphans.

use super::OrgModel;
use crate::org::types::SharedStr;

impl OrgModel {
    /// Completes every account creation still in progress, as lazy completion would when its
    /// time came (in order of completion time, then of request): the organization once the
    /// service has finished what it accepted. The end of a simulated run, whose deployer may
    /// have stopped waiting for a creation that goes on (issue 24's timeout orphan).
    pub(crate) fn settle(&mut self) {
        self.complete_due(u64::MAX);
    }

    /// The account the creation `request_id` made, once it has succeeded.
    pub(crate) fn created_by(&self, request_id: &str) -> Option<SharedStr> {
        let i = self.creation_index.get(request_id)?;
        self.creations[i].account_id.clone()
    }
}
