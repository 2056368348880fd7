//! The lookups and bookkeeping the operations share: completing creations, drawing
//! latencies, finding what an id names.

use rand::Rng;
use rand_distr::StandardNormal;

use super::shared::{err, FULL_ACCESS_AT};
use super::state::{AccountRec, Attached, Entity, OrgModel, PolicyRec};
use super::validate::{lower_email, lower_shared};
use crate::org::types::{
    ApiResult, CreateAccountState, ErrorCode, Operation, PolicyTarget, SharedStr, Tags, TargetKind,
};

impl OrgModel {
    /// Completes every creation due by `now`, in order of completion time, then of request.
    pub(super) fn complete_due(&mut self, now: u64) {
        while let Some(&(t, idx)) = self.pending.first() {
            if t > now {
                break;
            }
            self.pending.pop_first();
            self.finish_creation(idx);
        }
    }

    pub(super) fn finish_creation(&mut self, idx: usize) {
        if self.creations[idx].failure.is_some() {
            self.creations[idx].state = CreateAccountState::Failed;
            return;
        }
        // The account takes the creation's email and tags (the status keeps only its name).
        let c = &mut self.creations[idx];
        let (name, email, tags) = (
            c.name.clone(),
            std::mem::take(&mut c.email),
            std::mem::take(&mut c.tags),
        );
        // Most scenarios give no account ids: then no email is lower-cased for a lookup.
        let hint = if self.hints.is_empty() {
            None
        } else {
            self.hints.get(&*lower_email(&email))
        };
        let (id, counter) = match hint {
            Some(h) if !self.account_index.contains_key(h.as_str()) => (h.as_str().into(), None),
            _ => {
                let (id, n) = self.next_free_account_id();
                (id, Some(n))
            }
        };
        self.add_account(id.clone(), counter, name, email, tags);
        let c = &mut self.creations[idx];
        c.state = CreateAccountState::Succeeded;
        c.account_id = Some(id);
    }

    /// The next counter id not used by an account nor promised to an email, and its counter
    /// value.
    pub(super) fn next_free_account_id(&mut self) -> (SharedStr, u64) {
        loop {
            let n = self.next_account;
            let id = self.ids.account(n);
            self.next_account += 1;
            if !self.account_index.contains_key(&id) && !self.hinted_ids.contains(id.as_str()) {
                return (id, n);
            }
        }
    }

    /// Adds account `id`, made from counter value `counter` when it was.
    pub(super) fn add_account(
        &mut self,
        id: SharedStr,
        counter: Option<u64>,
        name: SharedStr,
        email: SharedStr,
        tags: Tags,
    ) {
        // A created account's email was taken when its creation was accepted.
        let lower = lower_email(&email);
        if !self.emails.contains(&*lower) {
            let lower = lower_shared(&email, lower);
            self.emails.insert(lower);
        }
        let arn = self
            .ids
            .account_arn(&self.management_account_id, &id, counter);
        let at = self.accounts.len();
        self.account_index.insert(id.clone(), at);
        self.accounts.push(AccountRec {
            id: id.clone(),
            arn,
            name,
            email,
            parent_id: self.root.id.clone(),
            tags,
            closed: false,
        });
        self.attach(FULL_ACCESS_AT, Entity::Account(at));
    }

    pub(super) fn push_policy(&mut self, p: PolicyRec) {
        self.policy_index
            .insert(p.summary.id.clone(), self.policies.len());
        self.policies.push(p);
    }

    /// Attaches policy `policy` (its place in `policies`) to `target`.
    pub(super) fn attach(&mut self, policy: usize, target: Entity) {
        self.attachments.push(Attached { policy, target });
    }

    /// The attachments on `target`, in the order made.
    pub(super) fn attached_to(&self, target: Entity) -> impl Iterator<Item = &Attached> {
        self.attachments.iter().filter(move |a| a.target == target)
    }

    /// The id of what `e` names.
    pub(super) fn entity_id(&self, e: Entity) -> &SharedStr {
        match e {
            Entity::Root => &self.root.id,
            Entity::Ou(i) => &self.ous[i].id,
            Entity::Account(i) => &self.accounts[i].id,
            Entity::Policy(i) => &self.policies[i].summary.id,
        }
    }

    /// A policy target as ListTargetsForPolicy lists it (`None`: not a root, OU or account).
    pub(super) fn policy_target(&self, target: Entity) -> Option<PolicyTarget> {
        let (name, kind) = match target {
            Entity::Root => (&self.root.name, TargetKind::Root),
            Entity::Ou(i) => (&self.ous[i].name, TargetKind::OrganizationalUnit),
            Entity::Account(i) => (&self.accounts[i].name, TargetKind::Account),
            Entity::Policy(_) => return None,
        };
        Some(PolicyTarget {
            target_id: self.entity_id(target).clone(),
            name: name.clone(),
            kind,
        })
    }

    /// Accepted, not-failed creations still in progress.
    pub(super) fn pending_successes(&self) -> usize {
        self.pending
            .iter()
            .filter(|&&(_, i)| self.creations[i].failure.is_none())
            .count()
    }

    /// One request's latency: from the latency profile when it covers `op`, else uniform in
    /// the operation's range.
    pub(super) fn draw_latency<R: Rng>(&self, op: Operation, rng: &mut R) -> u64 {
        if let Some(p) = &self.params.latency_profile {
            if let Some(ms) = Self::measured_latency(p, op, rng) {
                return ms;
            }
        }
        let lat = self.latency[op.index()];
        if lat.max_ms > lat.min_ms {
            rng.random_range(lat.min_ms..=lat.max_ms)
        } else {
            lat.min_ms
        }
    }

    /// Drawn from the latency profile's measurement of `op`, if it has one. Apart, and never
    /// inlined, so that the common call, without a profile, stays a few instructions (the
    /// profile's lookup inlined into `draw_latency` cost every call 9 instructions more).
    #[inline(never)]
    pub(super) fn measured_latency<R: Rng>(
        p: &crate::config::latency::LatencyProfile,
        op: Operation,
        rng: &mut R,
    ) -> Option<u64> {
        let q = p.operation(op)?;
        Some(q.at(rng.random::<f64>()).round() as u64)
    }

    /// A successful creation's duration: lognormal with the configured median and p95,
    /// clamped to `[min_s, max_s]`, in ms.
    /// With a latency profile that measured creations, drawn from those instead.
    pub(super) fn draw_creation_ms<R: Rng>(&self, rng: &mut R) -> u64 {
        if let Some(q) = self
            .params
            .latency_profile
            .as_ref()
            .and_then(|p| p.account_creation.as_ref())
        {
            return q.at(rng.random::<f64>()).round() as u64;
        }
        let z: f64 = rng.sample(StandardNormal);
        self.params.account_creation.at_ms(z)
    }

    pub(super) fn entity(&self, id: &str) -> Option<Entity> {
        if id == self.root.id {
            Some(Entity::Root)
        } else if let Some(i) = self.ou_index.get(id) {
            Some(Entity::Ou(i))
        } else if let Some(i) = self.account_index.get(id) {
            Some(Entity::Account(i))
        } else {
            self.policy_index.get(id).map(Entity::Policy)
        }
    }

    pub(super) fn is_parent(&self, id: &str) -> bool {
        matches!(self.entity(id), Some(Entity::Root | Entity::Ou(_)))
    }

    /// What `id` names when it is something a policy attaches to: the root, an OU or an
    /// account.
    pub(super) fn attach_target(&self, id: &str) -> Option<Entity> {
        self.entity(id)
            .filter(|e| matches!(e, Entity::Root | Entity::Ou(_) | Entity::Account(_)))
    }

    /// The tags of a taggable resource: the root, an OU, an account or a customer-managed policy.
    pub(super) fn tags_mut(&mut self, id: &str) -> Option<&mut Tags> {
        match self.entity(id)? {
            Entity::Root => Some(&mut self.root_tags),
            Entity::Ou(i) => Some(&mut self.ous[i].tags),
            Entity::Account(i) => Some(&mut self.accounts[i].tags),
            Entity::Policy(i) if !self.policies[i].summary.aws_managed => {
                Some(&mut self.policies[i].tags)
            }
            Entity::Policy(_) => None,
        }
    }

    pub(super) fn parent_not_found() -> ApiResult {
        err(
            ErrorCode::ParentNotFoundException,
            "We can't find a root or OU with the ParentId that you specified.",
        )
    }

    pub(super) fn target_not_found() -> ApiResult {
        err(
            ErrorCode::TargetNotFoundException,
            "We can't find a root, OU, account, or policy with the TargetId that you specified.",
        )
    }

    pub(super) fn policy_not_found() -> ApiResult {
        err(
            ErrorCode::PolicyNotFoundException,
            "We can't find a policy with the PolicyId that you specified.",
        )
    }

    pub(super) fn account_not_found() -> ApiResult {
        err(
            ErrorCode::AccountNotFoundException,
            "We can't find an AWS account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization.",
        )
    }
}
