//! The request each step sends: the ids it names (found or created before it), the guard on the
//! management account, and the read-backs the Terraform provider makes after a creation.

use crate::config::Invalid;
use crate::org::types::{Request, SharedStr, Tags};
use crate::plan::{Plan, Spec};

use super::machine::Engine;
use super::machine::Step;
use super::trace::{Failure, Outcome};

impl Engine {
    /// The request of resource `who`'s current step (the setup's is ListRoots).
    pub(super) fn request_for(&self, who: usize) -> Result<Request, Invalid> {
        let root = self.root_id.as_ref().ok_or("no root")?;
        let st = self.active[who].as_ref().ok_or("not active")?;
        let r = &self.plan.resources[who];
        let ou_parent = |parent: &Option<usize>| match parent {
            Some(p) => self.id_of(*p),
            None => Ok(root.clone()),
        };
        Ok(match (&r.spec, &st.step) {
            (_, Step::Read { id, k }) => self
                .read_request(who, id, *k)
                .ok_or_else(|| format!("{} has no read {k}", r.address))?,
            (Spec::Account { .. }, Step::Parent { account_id }) => Request::ListParents {
                child_id: account_id.clone(),
            },
            (Spec::Ou { parent, .. }, Step::Lookup) => Request::ListOrganizationalUnitsForParent {
                parent_id: ou_parent(parent)?,
            },
            (Spec::Policy { .. }, Step::Lookup) => Request::ListPolicies,
            (Spec::Attachment { ou, .. }, Step::Lookup) => Request::ListPoliciesForTarget {
                target_id: self.id_of(*ou)?,
            },
            (Spec::Account { .. }, Step::Lookup) => Request::ListAccounts,
            (Spec::Account { .. }, Step::LookupParent { account_id }) => Request::ListParents {
                child_id: account_id.clone(),
            },
            (Spec::Account { .. }, Step::LookupCreation) => Request::ListCreateAccountStatus,
            (Spec::Account { .. }, Step::LookupCreated { account_id }) => {
                Request::DescribeAccount {
                    account_id: account_id.clone(),
                }
            }
            (Spec::Policy { .. }, Step::LookupContent { policy_id }) => Request::DescribePolicy {
                policy_id: policy_id.clone(),
            },
            (Spec::Tags { account, .. }, Step::Lookup) => Request::ListTagsForResource {
                resource_id: self.id_of(*account)?,
            },
            (
                _,
                Step::LookupParent { .. }
                | Step::Parent { .. }
                | Step::Provision { .. }
                | Step::LookupCreation
                | Step::LookupCreated { .. }
                | Step::LookupContent { .. },
            ) => {
                return Err(Invalid::new(format!(
                    "{} has no request in this step",
                    r.address
                )))
            }
            (Spec::Ou { name, parent, .. }, _) => Request::CreateOrganizationalUnit {
                parent_id: ou_parent(parent)?,
                name: name.clone(),
                tags: Tags::new(),
            },
            (
                Spec::Policy {
                    name,
                    framework,
                    content,
                },
                _,
            ) => Request::CreatePolicy {
                name: name.clone(),
                description: format!("SecureBase {framework} guard rails").into(),
                content: content.clone(),
                tags: Tags::new(),
            },
            (Spec::Attachment { policy, ou }, _) => Request::AttachPolicy {
                policy_id: self.id_of(*policy)?,
                target_id: self.id_of(*ou)?,
            },
            (Spec::Account { name, email, .. }, Step::Create) => Request::CreateAccount {
                email: email.clone(),
                account_name: name.clone(),
                tags: self.create_tags(who),
            },
            (Spec::Account { .. }, Step::Poll { request_id, .. }) => {
                Request::DescribeCreateAccountStatus {
                    create_account_request_id: request_id.clone(),
                }
            }
            (
                Spec::Account { ou, .. },
                Step::Move {
                    account_id, source, ..
                },
            ) => {
                if self.is_management(account_id) {
                    return Err(Invalid::new(format!(
                        "{}: refusing to move {account_id}, the management account",
                        r.address
                    )));
                }
                Request::MoveAccount {
                    account_id: account_id.clone(),
                    source_parent_id: source.clone(),
                    destination_parent_id: self.id_of(*ou)?,
                }
            }
            (Spec::Tags { account, tags }, _) => {
                let resource_id = self.id_of(*account)?;
                if self.is_management(&resource_id) {
                    return Err(Invalid::new(format!(
                        "{}: refusing to tag {resource_id}, the management account",
                        r.address
                    )));
                }
                Request::TagResource {
                    resource_id,
                    tags: tags.clone(),
                }
            }
        })
    }

    /// How many read-back calls resource `who` makes (see [`Engine::read_request`]).
    pub(super) fn reads_of(&self, who: usize) -> usize {
        match self.plan.resources[who].spec {
            Spec::Ou { .. } => 4,
            Spec::Policy { .. } => 2,
            Spec::Attachment { .. } => 1,
            Spec::Account { .. } => 3,
            Spec::Tags { .. } => 0,
        }
    }

    /// The `k`-th read-back call of resource `who`, created as `id` (the Terraform provider's
    /// Read after Create, with its transparent tagging's ListTagsForResource); `None` past the
    /// last. Sources: `docs/model.md`, "terraform-aws".
    pub(super) fn read_request(&self, who: usize, id: &SharedStr, k: usize) -> Option<Request> {
        let id = id.clone();
        Some(match (&self.plan.resources[who].spec, k) {
            (Spec::Ou { .. }, 0) => Request::DescribeOrganizationalUnit {
                organizational_unit_id: id,
            },
            (Spec::Ou { .. }, 1) => Request::ListParents { child_id: id },
            (Spec::Ou { .. }, 2) => Request::ListAccountsForParent { parent_id: id },
            (Spec::Ou { .. }, 3) => Request::ListTagsForResource { resource_id: id },
            (Spec::Policy { .. }, 0) => Request::DescribePolicy { policy_id: id },
            (Spec::Policy { .. }, 1) => Request::ListTagsForResource { resource_id: id },
            (Spec::Attachment { .. }, 0) => Request::ListTargetsForPolicy {
                policy_id: id.split_once(':').map(|(_, p)| p.into())?,
            },
            (Spec::Account { .. }, 0) => Request::DescribeAccount { account_id: id },
            (Spec::Account { .. }, 1) => Request::ListParents { child_id: id },
            (Spec::Account { .. }, 2) => Request::ListTagsForResource { resource_id: id },
            _ => return None,
        })
    }

    /// The tags CreateAccount carries: the account's planned tags under `tags_in_create`.
    pub(super) fn create_tags(&self, account: usize) -> Tags {
        if !self.cfg.tags_in_create {
            return Tags::new();
        }
        match self.tags_of[account].map(|t| &self.plan.resources[t].spec) {
            Some(Spec::Tags { tags, .. }) => tags.clone(),
            _ => Tags::new(),
        }
    }

    pub(super) fn id_of(&self, i: usize) -> Result<SharedStr, Invalid> {
        self.id_ref(i).cloned()
    }

    /// The id resource `i` was created or found with; none is a broken invariant of the plan
    /// (a resource is started only once those it depends on succeeded).
    pub(super) fn id_ref(&self, i: usize) -> Result<&SharedStr, Invalid> {
        self.trace.resources[i]
            .outcome
            .shared_id()
            .ok_or_else(|| Invalid::new(format!("{} has no id", self.plan.resources[i].address)))
    }

    /// The root's id (ListRoots answered before any resource starts).
    pub(super) fn root_of(&self) -> Result<SharedStr, Invalid> {
        self.root_id
            .clone()
            .ok_or_else(|| Invalid::new("no root: ListRoots has not answered"))
    }

    /// True when `id` is the guarded management account.
    pub(super) fn is_management(&self, id: &str) -> bool {
        self.guard.as_deref() == Some(id)
    }

    /// The failure of a resource that would touch the management account `id`.
    pub(super) fn management_refused(&self, who: usize, id: &str) -> Outcome {
        let who = match &self.plan.resources[who_account(&self.plan, who)].spec {
            Spec::Account { name, email, .. } => format!("customer `{name}` ({email})"),
            _ => "this resource".to_string(),
        };
        Outcome::Failed {
            code: Failure::ManagementAccount,
            message: format!(
                "{who} names account {id}, the organization's management account: orgsim never adopts, moves or tags it; give the customer an email of its own"
            ),
        }
    }
}

/// The account a `Tags` resource belongs to.
pub(super) fn who_account(plan: &Plan, who: usize) -> usize {
    match plan.resources[who].spec {
        Spec::Tags { account, .. } => account,
        _ => who,
    }
}
