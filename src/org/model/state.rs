//! The model's state: [`OrgModel`]'s fields and the records they hold (accounts, OUs,
//! policies, attachments, creations, what an id names, what a write locks). Plain data: the
//! children of `org::model` give `OrgModel` its methods.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::ids::{IdCache, IdIndex};
use super::limits::{FaultRule, TokenBucket};
use crate::config::service::{LatencyRange, ServiceParams};
use crate::org::types::{
    Account, CreateAccountFailureReason, CreateAccountState, CreateAccountStatus,
    OrganizationalUnit, PolicySummary, Root, SharedStr, Tags,
};

/// The simulated Organizations service.
#[derive(Debug, Clone)]
pub struct OrgModel {
    pub(super) params: ServiceParams,
    pub(super) account_quota: u32,
    pub(super) management_account_id: String,
    pub(super) root: Root,
    pub(super) root_tags: Tags,
    pub(super) ous: Vec<OuRec>,
    pub(super) ou_index: IdIndex,
    pub(super) accounts: Vec<AccountRec>,
    pub(super) account_index: IdIndex,
    pub(super) policies: Vec<PolicyRec>,
    pub(super) policy_index: IdIndex,
    /// Every attachment, in the order made (a detached one removed). One list, not one per
    /// target: a created account's FullAWSAccess is one push, and the few calls that look
    /// attachments up (AttachPolicy, DetachPolicy, ListPoliciesForTarget,
    /// ListTargetsForPolicy: a handful a deployment) scan it.
    pub(super) attachments: Vec<Attached>,
    pub(super) creations: Vec<Creation>,
    pub(super) creation_index: IdIndex,
    /// Creations not yet completed: (completion time, index into `creations`).
    pub(super) pending: BTreeSet<(u64, usize)>,
    /// Acceptance times of every accepted creation (for the per-day limit).
    pub(super) accepted_at: Vec<u64>,
    /// Lower-cased emails of the accounts and of the accepted, not-failed creations. Hashed:
    /// only looked up, never iterated; an email already in lower case is shared, not copied.
    pub(super) emails: HashSet<SharedStr>,
    /// Lower-cased email → account id to give.
    pub(super) hints: BTreeMap<String, String>,
    pub(super) hinted_ids: BTreeSet<String>,
    pub(super) buckets: Vec<TokenBucket>,
    /// Each operation's latency range (`ServiceParams::latency_for`), by `Operation::index`:
    /// looked up once per model, not by name per call.
    pub(super) latency: Vec<LatencyRange>,
    /// `[[service.faults]]`, in file order (empty: no fault is looked at, nothing is drawn).
    pub(super) faults: Vec<FaultRule>,
    /// Lock key → windows `[start, end)` of successful writes holding it. An id that names
    /// nothing holds no lock (no write on it succeeds), and ids are never reused.
    pub(super) locks: BTreeMap<LockKey, Vec<(u64, u64)>>,
    pub(super) next_ou: u64,
    pub(super) next_policy: u64,
    pub(super) next_account: u64,
    pub(super) next_car: u64,
    /// The counter ids made so far, kept for the next model of the same organization
    /// ([`OrgModel::take_ids`], [`OrgModel::reuse_ids`]).
    pub(super) ids: IdCache,
    /// `ACTIVE` (every account's status) and FullAWSAccess's id, made once per model: answers
    /// share them, and no other thread's model counts references to them.
    pub(super) active: SharedStr,
    pub(super) full_access: SharedStr,
}

#[derive(Debug, Clone)]
pub(super) struct AccountRec {
    pub(super) id: SharedStr,
    pub(super) arn: SharedStr,
    pub(super) name: SharedStr,
    pub(super) email: SharedStr,
    pub(super) parent_id: SharedStr,
    pub(super) tags: Tags,
    /// Closed (CloseAccount): `SUSPENDED`, still in the organization.
    pub(super) closed: bool,
}

impl AccountRec {
    /// The account as the API gives it; `active` is the model's `ACTIVE`.
    pub(super) fn api(&self, active: &SharedStr) -> Account {
        Account {
            id: self.id.clone(),
            arn: self.arn.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            status: if self.closed {
                SharedStr::from("SUSPENDED")
            } else {
                active.clone()
            },
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct OuRec {
    pub(super) id: SharedStr,
    pub(super) arn: SharedStr,
    pub(super) name: SharedStr,
    pub(super) parent_id: SharedStr,
    pub(super) tags: Tags,
    /// Depth below the root (a child of the root has depth 1).
    pub(super) depth: u32,
}

impl OuRec {
    pub(super) fn api(&self) -> OrganizationalUnit {
        OrganizationalUnit {
            id: self.id.clone(),
            arn: self.arn.clone(),
            name: self.name.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct PolicyRec {
    pub(super) summary: PolicySummary,
    /// The policy document (JSON), as CreatePolicy gave it.
    pub(super) content: SharedStr,
    pub(super) tags: Tags,
}

/// The document of the AWS-managed FullAWSAccess policy.
pub(super) const FULL_AWS_ACCESS_CONTENT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// One policy attached to one target.
#[derive(Debug, Clone, Copy)]
pub(super) struct Attached {
    /// The policy's place in `OrgModel::policies`.
    pub(super) policy: usize,
    pub(super) target: Entity,
}

#[derive(Debug, Clone)]
pub(super) struct Creation {
    pub(super) id: SharedStr,
    pub(super) name: SharedStr,
    pub(super) email: SharedStr,
    pub(super) tags: Tags,
    /// Decided at acceptance: `Some` when the creation will fail.
    pub(super) failure: Option<CreateAccountFailureReason>,
    pub(super) state: CreateAccountState,
    pub(super) account_id: Option<SharedStr>,
}

impl Creation {
    pub(super) fn status(&self) -> CreateAccountStatus {
        CreateAccountStatus {
            id: self.id.clone(),
            account_name: self.name.clone(),
            state: self.state,
            account_id: self.account_id.clone(),
            failure_reason: if self.state == CreateAccountState::Failed {
                self.failure
            } else {
                None
            },
        }
    }
}

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Entity {
    Root,
    Ou(usize),
    Account(usize),
    Policy(usize),
}

/// What a write locks: the entity it changes, or the organization's policy list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum LockKey {
    Policies,
    Entity(Entity),
}
