//! The model's public face: a model built for an organization or a scenario, a request
//! handled (steps 1 and 2 of the order of processing, and a list's further pages), the
//! organization as a snapshot.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rand::Rng;

use super::ids::{org_arn, IdCache, IdIndex, FIRST_ACCOUNT_NUMBER};
use super::limits::{FaultRule, TokenBucket};
use super::shared::{
    err, Answer, FULL_ACCESS_AT, FULL_AWS_ACCESS_ID, FULL_AWS_ACCESS_NAME, MANAGEMENT_EMAIL,
    MSG_RATE_EXCEEDED, OU_ID_PREFIX, ROOT_ID,
};
use super::state::{Entity, OrgModel, PolicyRec, FULL_AWS_ACCESS_CONTENT};
use super::validate::lower_email;
use crate::config::service::ServiceParams;
use crate::config::OrganizationConfig;
use crate::org::types::{
    AccountNode, ErrorCode, Operation, OrgSnapshot, OuNode, PolicySummary, Request, Root,
    SharedStr, Tags,
};

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
