//! An organization that exists before the run (`[organization.existing]`): the deployer's state
//! ([`crate::plan::State`]) held as records, as the earlier applies left them.

use super::ids::org_arn;
use super::state::{Entity, OrgModel, OuRec, PolicyRec};
use crate::org::types::PolicySummary;
use crate::plan::{InState, State};

impl OrgModel {
    /// Holds every resource of `state`: its OUs under their parents, its policies, their
    /// attachments, its accounts in their OUs with their tags (each account and OU with
    /// FullAWSAccess, as AWS attaches it). Ids are the state's; the model's own counters go
    /// on from where they were (the state's ids are never of their form).
    pub(crate) fn hold_state(&mut self, state: &State) {
        let accounts = state.accounts();
        self.accounts.reserve(accounts);
        self.attachments.reserve(accounts + state.resources.len());
        for r in &state.resources {
            match r {
                InState::Ou {
                    id,
                    name,
                    parent_id,
                } => {
                    let parent_id = parent_id.clone().unwrap_or_else(|| self.root.id.clone());
                    let depth = match self.entity(&parent_id) {
                        Some(Entity::Ou(i)) => self.ous[i].depth + 1,
                        _ => 1,
                    };
                    let at = self.ous.len();
                    self.ou_index.insert(id.clone(), at);
                    self.ous.push(OuRec {
                        arn: org_arn(&self.management_account_id, "ou", id),
                        id: id.clone(),
                        name: name.clone(),
                        parent_id,
                        tags: Default::default(),
                        depth,
                    });
                    self.attach(super::shared::FULL_ACCESS_AT, Entity::Ou(at));
                }
                InState::Policy { id, name, content } => {
                    let arn = org_arn(
                        &self.management_account_id,
                        "policy",
                        &["service_control_policy/", id].concat(),
                    );
                    self.push_policy(PolicyRec {
                        summary: PolicySummary {
                            id: id.clone(),
                            arn,
                            name: name.clone(),
                            aws_managed: false,
                        },
                        content: content.clone(),
                        tags: Default::default(),
                    });
                }
                InState::Attachment {
                    policy_id,
                    target_id,
                } => {
                    if let (Some(p), Some(t)) = (
                        self.policy_index.get(policy_id),
                        self.attach_target(target_id),
                    ) {
                        self.attach(p, t);
                    }
                }
                InState::Account {
                    id,
                    name,
                    email,
                    parent_id,
                    tags,
                } => {
                    self.add_account(id.clone(), None, name.clone(), email.clone(), tags.clone());
                    if let Some(a) = self.accounts.last_mut() {
                        a.parent_id = parent_id.clone();
                    }
                }
            }
        }
    }
}
