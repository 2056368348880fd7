//! The in-memory Organizations service: the state of one organization and the rules AWS applies
//! to each request (quotas, throttling, asynchronous account creation, concurrent modification).
//! Every rule and default is documented, with its source, in `docs/model.md`.
//!
//! Architecture invariant: plain data and rules. No I/O, no clock: the caller says what time it
//! is (`now_ms`), and randomness comes only from the caller's generator. The same sequence of
//! calls with the same generator state gives identical answers: ids come from counters, and
//! every collection whose order can reach an output is a `Vec` or a `BTreeMap`.
//!
//! Order of processing for a request arriving at `now_ms`:
//! 1. account creations due by `now_ms` complete (lazily, in order of completion time, then of
//!    request);
//! 2. the answer's latency is drawn, uniform in `ServiceParams::latency_for(op)` (or from a
//!    measured latency profile, `config::latency`, when one is loaded);
//! 3. the operation's token bucket is charged (`TooManyRequestsException`, "Rate exceeded");
//! 4. `[[service.faults]]`: each fault whose window `[from, to)` holds `now_ms` and whose
//!    operations include the request's, in file order, fails the call with its error with its
//!    probability (the first that fires answers; nothing is applied);
//! 5. with probability `internal_error_probability`: `ServiceException`;
//! 6. concurrent modification: a write whose lock keys overlap a still-open window of an earlier
//!    successful write fails (with probability `concurrent_modification_probability`);
//! 7. the operation's own validation and effect, applied at `now_ms`. A successful write then
//!    holds its lock keys for `[now_ms, now_ms + latency_ms)`.
//!
//! The files: this one holds the model's state and its public face (steps 1 and 2, and a
//! list's further pages); `pipeline.rs` steps 3 to 6 and the lock windows; `operations.rs`
//! step 7, each operation's rule (`OrgModel::apply`) and the locks it takes (`lock_keys`);
//! `state.rs` the records and the lookups and bookkeeping the rules share; `ids.rs` the ids
//! (their index, their text, the cache a sweep's models share); `validate.rs` the checks of
//! policy documents and emails.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rand::Rng;

use super::types::{
    AccountNode, ErrorCode, Operation, OrgSnapshot, OuNode, PolicySummary, Request, Root,
    SharedStr, Tags,
};
use crate::config::service::{LatencyRange, ServiceParams};
use crate::config::OrganizationConfig;
use ids::{org_arn, IdIndex, FIRST_ACCOUNT_NUMBER};
use operations::LockKey;
use pipeline::{FaultRule, TokenBucket};
use state::{AccountRec, Attached, Creation, Entity, OuRec, PolicyRec, FULL_AWS_ACCESS_CONTENT};
use validate::lower_email;

mod existing;
mod ids;
mod operations;
mod pipeline;
mod settle;
mod shared;
mod state;
mod validate;

pub use ids::IdCache;
pub use shared::*;
pub use validate::email_is_valid;

/// The simulated Organizations service.
#[derive(Debug, Clone)]
pub struct OrgModel {
    params: ServiceParams,
    account_quota: u32,
    management_account_id: String,
    root: Root,
    root_tags: Tags,
    ous: Vec<OuRec>,
    ou_index: IdIndex,
    accounts: Vec<AccountRec>,
    account_index: IdIndex,
    policies: Vec<PolicyRec>,
    policy_index: IdIndex,
    /// Every attachment, in the order made (a detached one removed). One list, not one per
    /// target: a created account's FullAWSAccess is one push, and the few calls that look
    /// attachments up (AttachPolicy, DetachPolicy, ListPoliciesForTarget,
    /// ListTargetsForPolicy: a handful a deployment) scan it.
    attachments: Vec<Attached>,
    creations: Vec<Creation>,
    creation_index: IdIndex,
    /// Creations not yet completed: (completion time, index into `creations`).
    pending: BTreeSet<(u64, usize)>,
    /// Acceptance times of every accepted creation (for the per-day limit).
    accepted_at: Vec<u64>,
    /// Lower-cased emails of the accounts and of the accepted, not-failed creations. Hashed:
    /// only looked up, never iterated; an email already in lower case is shared, not copied.
    emails: HashSet<SharedStr>,
    /// Lower-cased email → account id to give.
    hints: BTreeMap<String, String>,
    hinted_ids: BTreeSet<String>,
    buckets: Vec<TokenBucket>,
    /// Each operation's latency range (`ServiceParams::latency_for`), by `Operation::index`:
    /// looked up once per model, not by name per call.
    latency: Vec<LatencyRange>,
    /// `[[service.faults]]`, in file order (empty: no fault is looked at, nothing is drawn).
    faults: Vec<FaultRule>,
    /// Lock key → windows `[start, end)` of successful writes holding it. An id that names
    /// nothing holds no lock (no write on it succeeds), and ids are never reused.
    locks: BTreeMap<LockKey, Vec<(u64, u64)>>,
    next_ou: u64,
    next_policy: u64,
    next_account: u64,
    next_car: u64,
    /// The counter ids made so far, kept for the next model of the same organization
    /// ([`OrgModel::take_ids`], [`OrgModel::reuse_ids`]).
    ids: IdCache,
    /// `ACTIVE` (every account's status) and FullAWSAccess's id, made once per model: answers
    /// share them, and no other thread's model counts references to them.
    active: SharedStr,
    full_access: SharedStr,
}

impl OrgModel {
    pub fn new(params: ServiceParams, org: &OrganizationConfig) -> OrgModel {
        let mgmt = org.management_account_id.clone();
        let buckets = Operation::ALL
            .iter()
            .map(|&op| TokenBucket::new(params.bucket(op)))
            .collect();
        let latency = Operation::ALL
            .iter()
            .map(|&op| params.latency_for(op))
            .collect();
        let faults = params
            .faults
            .iter()
            .enumerate()
            .map(|(i, f)| FaultRule::new(i, f))
            .collect();
        let root = Root {
            id: ROOT_ID.into(),
            arn: org_arn(&mgmt, "root", ROOT_ID),
            name: "Root".into(),
        };
        let mut m = OrgModel {
            params,
            account_quota: org.account_quota,
            management_account_id: mgmt.clone(),
            root,
            root_tags: Tags::new(),
            ous: Vec::new(),
            ou_index: IdIndex::new(OU_ID_PREFIX, 8, 1),
            accounts: Vec::new(),
            account_index: IdIndex::new("", 12, FIRST_ACCOUNT_NUMBER),
            policies: Vec::new(),
            policy_index: IdIndex::new("p-", 8, 1),
            attachments: Vec::new(),
            creations: Vec::new(),
            creation_index: IdIndex::new("car-", 8, 1),
            pending: BTreeSet::new(),
            accepted_at: Vec::new(),
            emails: HashSet::new(),
            hints: BTreeMap::new(),
            hinted_ids: BTreeSet::new(),
            buckets,
            latency,
            faults,
            locks: BTreeMap::new(),
            next_ou: 1,
            next_policy: 1,
            next_account: FIRST_ACCOUNT_NUMBER,
            next_car: 1,
            ids: IdCache::default(),
            active: "ACTIVE".into(),
            full_access: FULL_AWS_ACCESS_ID.into(),
        };
        m.push_policy(PolicyRec {
            summary: PolicySummary {
                id: m.full_access.clone(),
                arn: format!(
                    "arn:aws:organizations::aws:policy/service_control_policy/{FULL_AWS_ACCESS_ID}"
                )
                .into(),
                name: FULL_AWS_ACCESS_NAME.into(),
                aws_managed: true,
            },
            content: FULL_AWS_ACCESS_CONTENT.into(),
            tags: Tags::new(),
        });
        debug_assert_eq!(m.policies[FULL_ACCESS_AT].summary.id, m.full_access);
        m.attach(FULL_ACCESS_AT, Entity::Root);
        m.add_account(
            mgmt.into(),
            None,
            "Management".into(),
            org.management_email
                .as_deref()
                .unwrap_or(MANAGEMENT_EMAIL)
                .into(),
            Tags::new(),
        );
        for i in 1..=org.existing_accounts {
            let (id, n) = m.next_free_account_id();
            m.add_account(
                id,
                Some(n),
                format!("Existing account {i}").into(),
                format!("existing-{i}@orgsim.invalid").into(),
                Tags::new(),
            );
        }
        m
    }

    /// The model of `sc`'s organization (its `[service]` and `[organization]` tables), giving the
    /// accounts it creates the ids the scenario's customers are known by (their `account_id`,
    /// first claim winning).
    pub(crate) fn for_scenario(sc: &crate::scenario::Scenario) -> OrgModel {
        let mut m = OrgModel::for_scenario_alone(sc);
        if !sc.existing.customers.is_empty() {
            m.hold_state(&crate::plan::state(sc));
        }
        m
    }

    /// [`OrgModel::for_scenario`] with the existing organization given as the plan's state
    /// (built once for many replications, not once per model).
    pub(crate) fn for_plan(sc: &crate::scenario::Scenario, plan: &crate::plan::Plan) -> OrgModel {
        let mut m = OrgModel::for_scenario_alone(sc);
        m.hold_state(&plan.state);
        m
    }

    /// The model of `sc`'s organization without its existing customers.
    fn for_scenario_alone(sc: &crate::scenario::Scenario) -> OrgModel {
        let mut hints = BTreeMap::new();
        let mut used = BTreeSet::new();
        used.insert(sc.organization.management_account_id.clone());
        for c in &sc.customers {
            if let Some(id) = &c.account_id {
                if used.insert(id.clone()) {
                    hints
                        .entry(c.email.to_ascii_lowercase())
                        .or_insert_with(|| id.clone());
                }
            }
        }
        let mut m = OrgModel::new(sc.service.clone(), &sc.organization);
        m.set_account_id_hints(hints);
        // One account and one creation a customer: room for them at once, not by doubling.
        let n = sc.customers.len();
        m.accounts.reserve(n);
        m.creations.reserve(n);
        m.accepted_at.reserve(n);
        m
    }

    /// The counter ids this model made (its account ids, their ARNs and its creation request
    /// ids), to hand to the next model of a sweep thread: [`OrgModel::reuse_ids`].
    pub(crate) fn take_ids(&mut self) -> IdCache {
        std::mem::take(&mut self.ids)
    }

    /// Makes the ids in `ids` (from [`OrgModel::take_ids`]) again by sharing them rather than
    /// writing them anew: the same texts, so nothing this model answers changes (an ARN names
    /// the management account: the ARNs are kept only for the same one).
    pub(crate) fn reuse_ids(&mut self, ids: IdCache) {
        self.ids = ids;
    }

    /// Account ids to give the accounts created for these emails (the scenario's `account_id`s),
    /// so that reports show the ids the customers are known by. Emails match case-insensitively.
    pub(crate) fn set_account_id_hints(&mut self, hints: BTreeMap<String, String>) {
        self.hinted_ids = hints.values().cloned().collect();
        self.hints = hints
            .into_iter()
            .map(|(e, id)| (lower_email(&e).into_owned(), id))
            .collect();
    }

    /// The root's id.
    pub fn root_id(&self) -> &str {
        &self.root.id
    }

    /// Account creations in progress at `now_ms` (those due by then are completed first).
    #[cfg(test)]
    pub(crate) fn in_progress_creations(&mut self, now_ms: u64) -> usize {
        self.complete_due(now_ms);
        self.pending.len()
    }

    /// Handles `req` arriving at `now_ms`.
    pub fn handle<R: Rng>(&mut self, now_ms: u64, req: &Request, rng: &mut R) -> Answer {
        self.complete_due(now_ms);
        let op = req.operation();
        let mut latency_ms = self.draw_latency(op, rng);
        let mut result = self.process(now_ms, latency_ms, req, rng);
        // A long list comes in pages, one request each (the SDK's paginator): every page after
        // the first takes its own latency and its own token, at the time it is sent.
        let pages = match &result {
            Ok(r) => r.list_len().map_or(1, |n| {
                n.div_ceil(self.params.list_page_size.max(1) as usize)
            }),
            Err(_) => 1,
        };
        for _ in 1..pages {
            let sent = now_ms + latency_ms;
            latency_ms += self.draw_latency(op, rng);
            if !self.buckets[op.index()].take(sent) {
                result = err(ErrorCode::TooManyRequestsException, MSG_RATE_EXCEEDED);
                break;
            }
        }
        Answer { latency_ms, result }
    }

    /// The management account's id.
    pub(crate) fn management_account_id(&self) -> &str {
        &self.management_account_id
    }

    /// The organization as it stands at `now_ms` (account creations due by then completed).
    pub(crate) fn snapshot(&mut self, now_ms: u64) -> OrgSnapshot {
        self.complete_due(now_ms);
        self.clone().into_snapshot(now_ms)
    }

    /// [`OrgModel::snapshot`], giving the model's records to the snapshot rather than copying
    /// them (the end of a run: half the memory at its peak).
    pub(crate) fn into_snapshot(mut self, now_ms: u64) -> OrgSnapshot {
        self.complete_due(now_ms);
        let attachments: Vec<(SharedStr, SharedStr)> = self
            .attachments
            .iter()
            .map(|a| {
                let policy = &self.policies[a.policy].summary.id;
                (policy.clone(), self.entity_id(a.target).clone())
            })
            .collect();
        OrgSnapshot {
            root_id: self.root.id.into(),
            management_account_id: self.management_account_id,
            ous: self
                .ous
                .into_iter()
                .map(|o| OuNode {
                    id: o.id,
                    name: o.name,
                    parent_id: o.parent_id,
                    tags: o.tags,
                })
                .collect(),
            accounts: self
                .accounts
                .into_iter()
                .map(|a| AccountNode {
                    id: a.id,
                    name: a.name,
                    email: a.email,
                    parent_id: a.parent_id,
                    tags: a.tags,
                })
                .collect(),
            policies: self.policies.into_iter().map(|p| p.summary).collect(),
            attachments,
        }
    }
}

#[cfg(test)]
mod tests;
