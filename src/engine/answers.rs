//! What a successful answer does: the next step of the resource, or its end (created, existing,
//! failed); an account creation's deadline.

use rand::Rng;
use rand_distr::StandardNormal;

use crate::org::types::{
    CreateAccountState, CreateAccountStatus, Operation, Parent, PolicySummary, Response, SharedStr,
};
use crate::plan::Spec;

use super::machine::Engine;
use super::machine::{Step, Wake, Who};
use super::requests::who_account;
use super::retry::go_duration;
use super::trace::{Failure, Outcome, WaitKind};

impl Engine {
    /// A call of `who` succeeded with `resp`: the setup found the root, or the resource goes on
    /// to its next step or ends.
    pub(super) fn on_success(&mut self, now_ms: u64, who: Who, resp: Response) {
        let retried = self.state(who).attempt > 1;
        self.refund(retried);
        match who {
            Who::Setup => self.setup_answered(now_ms, resp),
            Who::Resource(i) => self.answered(now_ms, i as usize, resp),
            Who::Refresh(k) => self.refreshed(now_ms, k as usize),
        }
    }

    /// A setup read answered ([`Engine::setup_reads`]): ListRoots names the root; after the
    /// last read the refresh starts, or the resources that depend on nothing are ready.
    fn setup_answered(&mut self, now_ms: u64, resp: Response) {
        let reads = self.setup_reads();
        if reads.get(self.setup_call) == Some(&Operation::ListRoots) {
            match resp {
                Response::Roots(roots) if !roots.is_empty() => {
                    self.root_id = Some(roots[0].id.clone());
                }
                _ => {
                    self.fail_all(
                        now_ms,
                        Failure::InvalidResponse,
                        "ListRoots returned no root",
                    );
                    return;
                }
            }
        }
        self.setup_call += 1;
        if self.setup_call < reads.len() {
            let st = self.state(Who::Setup);
            st.attempt = 1;
            st.provider_try = 1;
            st.step_started_ms = now_ms;
            self.issue(now_ms, Who::Setup);
            return;
        }
        if self.refreshes() {
            // The refresh first; the plan's roots are ready when it ends.
            self.pump_refresh(now_ms);
            return;
        }
        self.ready_roots(now_ms);
    }

    /// The resources that depend on nothing are ready.
    /// (Those that depend on nothing from the start: a resource in state ends at once and
    /// readies its dependents itself, which are not readied again here.)
    pub(super) fn ready_roots(&mut self, now_ms: u64) {
        for i in 0..self.plan.resources.len() {
            if self.plan.resources[i].deps.is_empty() {
                self.make_ready(now_ms, i);
            }
        }
    }

    /// Resource `who`'s call succeeded with `resp`. Which step follows depends on the resource,
    /// the step it was in and the answer: one arm each, in this order, each a named step below.
    fn answered(&mut self, now_ms: u64, who: usize, resp: Response) {
        // Half of all answers: a status poll that finds the account still being created, before
        // its deadline. Only the next poll's wait follows (the general match below would take
        // the step out and put it back).
        if let (Some(a), Response::CreateAccountStatus(s)) = (self.active[who].as_mut(), &resp) {
            if matches!(a.step, Step::Poll { .. })
                && s.state == CreateAccountState::InProgress
                && !a.deadline_hit
            {
                a.attempt = 1;
                a.provider_try = 1;
                let d = self.cfg.poll_interval_ms();
                self.wait(now_ms, Who::of(who), d, WaitKind::Poll);
                return;
            }
        }
        // Every arm below sets the next step or ends the resource.
        let step = self.active[who]
            .as_mut()
            .map(|a| std::mem::replace(&mut a.step, Step::Create));
        match (&self.plan.resources[who].spec, step, resp) {
            (_, Some(Step::Read { id, k }), _) => self.read_back(now_ms, who, id, k),
            (Spec::Ou { name, .. }, Some(Step::Lookup), Response::OrganizationalUnits(ous)) => {
                let found = ous.into_iter().find(|o| &o.name == name).map(|o| o.id);
                self.adopt_or_create(now_ms, who, found)
            }
            (Spec::Policy { name, .. }, Some(Step::Lookup), Response::Policies(ps)) => {
                let found = ps
                    .into_iter()
                    .find(|p| &p.name == name && !p.aws_managed)
                    .map(|p| p.id);
                self.policy_found(now_ms, who, found)
            }
            (
                Spec::Policy { name, content, .. },
                Some(Step::LookupContent { policy_id }),
                Response::PolicyDocument { content: have, .. },
            ) => {
                let drift =
                    (!same_document(content, &have)).then(|| drift_message(name, &policy_id));
                self.document_compared(now_ms, who, policy_id, drift)
            }
            (Spec::Attachment { policy, ou }, Some(Step::Lookup), Response::Policies(ps)) => {
                self.attachment_looked_up(now_ms, who, *policy, *ou, &ps)
            }
            (Spec::Tags { tags, .. }, Some(Step::Lookup), Response::Tags(have)) => {
                let present = tags.iter().all(|(k, v)| have.get(k) == Some(v));
                self.tags_looked_up(now_ms, who, present)
            }
            (Spec::Account { email, .. }, Some(Step::Lookup), Response::Accounts(accts)) => {
                let found = accts
                    .into_iter()
                    .find(|a| a.email.eq_ignore_ascii_case(email))
                    .map(|a| a.id);
                self.account_found(now_ms, who, found)
            }
            (
                Spec::Account { name, .. },
                Some(Step::LookupCreation),
                Response::CreateAccountStatuses(statuses),
            ) => {
                // A creation of this account in progress is awaited; one that succeeded is
                // adopted if the account is this email's. In progress first: the latest try.
                let mine = |st: CreateAccountState| {
                    statuses
                        .iter()
                        .find(|s| s.state == st && &s.account_name == name)
                };
                if let Some(s) = mine(CreateAccountState::InProgress) {
                    let request_id = s.id.clone();
                    self.creation_accepted(now_ms, who, request_id);
                    self.issue(now_ms, Who::of(who));
                } else if let Some(account_id) =
                    mine(CreateAccountState::Succeeded).and_then(|s| s.account_id.clone())
                {
                    self.go_to(now_ms, who, Step::LookupCreated { account_id });
                } else {
                    self.create_now(now_ms, who)
                }
            }
            (
                Spec::Account { email, .. },
                Some(Step::LookupCreated { account_id }),
                Response::Account(a),
            ) => {
                let emails_match = a.email.eq_ignore_ascii_case(email);
                self.created_account_found(now_ms, who, account_id, emails_match, &a.id)
            }
            (
                Spec::Account { ou, .. },
                Some(Step::LookupParent { account_id }),
                Response::Parents(parents),
            ) => self.parent_found(now_ms, who, *ou, account_id, true, parents),
            (
                Spec::Account { ou, .. },
                Some(Step::Parent { account_id }),
                Response::Parents(parents),
            ) => self.parent_found(now_ms, who, *ou, account_id, false, parents),
            (Spec::Ou { .. }, _, Response::OrganizationalUnit(ou)) => {
                self.created(now_ms, who, ou.id)
            }
            (Spec::Policy { .. }, _, Response::Policy(p)) => self.created(now_ms, who, p.id),
            (Spec::Attachment { policy, ou }, _, Response::Empty) => {
                self.attached(now_ms, who, *policy, *ou)
            }
            (Spec::Tags { account, .. }, _, Response::Empty) => self.tagged(now_ms, who, *account),
            (Spec::Account { .. }, Some(Step::Create), Response::CreateAccountStatus(s)) => {
                self.creation_accepted(now_ms, who, s.id);
                if self.cfg.poll_at_once {
                    self.issue(now_ms, Who::of(who));
                } else {
                    let d = self.cfg.poll_interval_ms();
                    self.wait(now_ms, Who::of(who), d, WaitKind::Poll);
                }
            }
            (Spec::Account { .. }, Some(Step::Poll { .. }), Response::CreateAccountStatus(s)) => {
                self.polled(now_ms, who, s)
            }
            (
                Spec::Account { .. },
                Some(Step::Move {
                    account_id,
                    adopted,
                    ..
                }),
                Response::Empty,
            ) => self.moved(now_ms, who, account_id, adopted),
            (_, _, other) => {
                let o = Outcome::Failed {
                    code: Failure::InvalidResponse,
                    message: format!("unexpected answer {other:?}"),
                };
                self.finish(now_ms, who, o)
            }
        }
    }

    /// `step` is the resource's next: it starts now, with its request.
    fn go_to(&mut self, now_ms: u64, who: usize, step: Step) {
        self.next_step(now_ms, who, step);
        self.issue(now_ms, Who::of(who));
    }

    /// Read-back call `k` of the resource created as `id` answered: the next, or the end.
    fn read_back(&mut self, now_ms: u64, who: usize, id: SharedStr, k: usize) {
        if k + 1 < self.reads_of(who) {
            self.go_to(now_ms, who, Step::Read { id, k: k + 1 });
        } else {
            self.provision_or_finish(now_ms, who, id);
        }
    }

    /// A lookup found the resource as `found` (adopted), or nothing (created now).
    fn adopt_or_create(&mut self, now_ms: u64, who: usize, found: Option<SharedStr>) {
        match found {
            Some(id) => self.finish(now_ms, who, Outcome::Existing { id }),
            None => self.create_now(now_ms, who),
        }
    }

    /// A policy of the plan's name exists as `found`: guarded, its document is read first.
    fn policy_found(&mut self, now_ms: u64, who: usize, found: Option<SharedStr>) {
        match found {
            Some(policy_id) if self.guard.is_some() => {
                self.go_to(now_ms, who, Step::LookupContent { policy_id })
            }
            found => self.adopt_or_create(now_ms, who, found),
        }
    }

    /// The document of the policy found as `policy_id` was read: the plan's (adopted), or
    /// another (`drift`, the failure's message).
    fn document_compared(
        &mut self,
        now_ms: u64,
        who: usize,
        policy_id: SharedStr,
        drift: Option<String>,
    ) {
        let outcome = match drift {
            None => Outcome::Existing { id: policy_id },
            Some(message) => Outcome::Failed {
                code: Failure::PolicyDrift,
                message,
            },
        };
        self.finish(now_ms, who, outcome)
    }

    /// The policies attached to the attachment's OU were listed (`attached`).
    fn attachment_looked_up(
        &mut self,
        now_ms: u64,
        who: usize,
        policy: usize,
        ou: usize,
        attached: &[PolicySummary],
    ) {
        let policy_id = or_invalid!(self, now_ms, who, self.id_ref(policy));
        if attached.iter().any(|p| p.id == *policy_id) {
            let ou_id = or_invalid!(self, now_ms, who, self.id_ref(ou));
            let id = format!("{ou_id}:{policy_id}");
            self.finish(now_ms, who, Outcome::Existing { id: id.into() })
        } else {
            self.create_now(now_ms, who)
        }
    }

    /// The account's tags were listed: all the plan's `present` (adopted), or not.
    fn tags_looked_up(&mut self, now_ms: u64, who: usize, present: bool) {
        if present {
            let id = or_invalid!(self, now_ms, who, self.id_of(who_account(&self.plan, who)));
            self.finish(now_ms, who, Outcome::Existing { id })
        } else {
            self.create_now(now_ms, who)
        }
    }

    /// The accounts were listed: one has the customer's email (`found`), or none does.
    fn account_found(&mut self, now_ms: u64, who: usize, found: Option<SharedStr>) {
        match found {
            Some(id) if self.is_management(&id) => {
                let o = self.management_refused(who, &id);
                self.finish(now_ms, who, o)
            }
            Some(account_id) => self.go_to(now_ms, who, Step::LookupParent { account_id }),
            None if self.guard.is_some() => self.go_to(now_ms, who, Step::LookupCreation),
            None => self.create_now(now_ms, who),
        }
    }

    /// The account a creation of this name made (`account_id`) was described: `emails_match`
    /// when it is this customer's, `id` as the answer names it.
    fn created_account_found(
        &mut self,
        now_ms: u64,
        who: usize,
        account_id: SharedStr,
        emails_match: bool,
        id: &str,
    ) {
        if !emails_match {
            self.create_now(now_ms, who)
        } else if self.is_management(id) {
            let o = self.management_refused(who, id);
            self.finish(now_ms, who, o)
        } else {
            self.go_to(now_ms, who, Step::LookupParent { account_id });
        }
    }

    /// The parents of `account_id` were listed: in its OU `ou` already, or moved there.
    /// `adopted`: the account existed before the deployment.
    fn parent_found(
        &mut self,
        now_ms: u64,
        who: usize,
        ou: usize,
        account_id: SharedStr,
        adopted: bool,
        parents: Vec<Parent>,
    ) {
        let target = or_invalid!(self, now_ms, who, self.id_of(ou));
        match parents.into_iter().next() {
            Some(p) if p.id == target => self.moved(now_ms, who, account_id, adopted),
            Some(p) => self.go_to(
                now_ms,
                who,
                Step::Move {
                    account_id,
                    source: p.id,
                    adopted,
                },
            ),
            None => self.finish(
                now_ms,
                who,
                Outcome::Failed {
                    code: Failure::InvalidResponse,
                    message: format!("account {account_id} has no parent"),
                },
            ),
        }
    }

    /// The account is in its OU (moved, or found there): adopted, or created.
    fn moved(&mut self, now_ms: u64, who: usize, account_id: SharedStr, adopted: bool) {
        if adopted {
            self.finish(now_ms, who, Outcome::Existing { id: account_id })
        } else {
            self.created(now_ms, who, account_id)
        }
    }

    /// AttachPolicy succeeded: the attachment's id is its OU's and its policy's.
    fn attached(&mut self, now_ms: u64, who: usize, policy: usize, ou: usize) {
        let ou_id = or_invalid!(self, now_ms, who, self.id_ref(ou));
        let policy_id = or_invalid!(self, now_ms, who, self.id_ref(policy));
        let id = format!("{ou_id}:{policy_id}");
        self.created(now_ms, who, id.into())
    }

    /// TagResource succeeded on the account resource `account`.
    fn tagged(&mut self, now_ms: u64, who: usize, account: usize) {
        let id = or_invalid!(self, now_ms, who, self.id_of(account));
        self.finish(now_ms, who, Outcome::Created { id })
    }

    /// A creation of the account was accepted (or found in progress) as `request_id`, now:
    /// its status is polled until its deadline. The caller sends the first poll or waits.
    fn creation_accepted(&mut self, now_ms: u64, who: usize, request_id: SharedStr) {
        if self.keep_calls {
            self.trace.resources[who].create_request_id = Some(request_id.to_string());
        }
        // Until a poll sees it end, the creation goes on whatever the deployer does.
        self.trace.resources[who].unseen_creation = Some(request_id.clone());
        self.next_step(
            now_ms,
            who,
            Step::Poll {
                request_id,
                accepted_ms: now_ms,
            },
        );
        let timeout = self.cfg.create_timeout_ms();
        self.schedule(Who::of(who), now_ms + timeout, Wake::Deadline(now_ms));
    }

    /// A status poll answered after the creation's deadline (in progress), or with the
    /// creation's end: the account's parent is read or it is moved, or it failed.
    fn polled(&mut self, now_ms: u64, who: usize, s: CreateAccountStatus) {
        if s.state != CreateAccountState::InProgress {
            self.trace.resources[who].unseen_creation = None;
        }
        match s.state {
            // Still in progress, and the creation's deadline passed while this poll was in
            // flight (before it, a poll goes the short way at the top of `answered`).
            CreateAccountState::InProgress => self.time_out(now_ms, who),
            CreateAccountState::Succeeded => match s.account_id {
                Some(account_id) => {
                    if self.cfg.read_after_create {
                        self.next_step(now_ms, who, Step::Parent { account_id });
                    } else {
                        let source = or_invalid!(self, now_ms, who, self.root_of());
                        self.next_step(
                            now_ms,
                            who,
                            Step::Move {
                                account_id,
                                source,
                                adopted: false,
                            },
                        );
                    }
                    self.issue(now_ms, Who::of(who));
                }
                None => self.finish(
                    now_ms,
                    who,
                    Outcome::Failed {
                        code: Failure::InvalidResponse,
                        message: "SUCCEEDED without an AccountId".into(),
                    },
                ),
            },
            CreateAccountState::Failed => {
                let reason = s.failure_reason;
                self.trace.resources[who].failure_reason = reason;
                let code = Failure::Creation(reason);
                let message = format!("CreateAccount {} failed: {code}", s.id);
                self.finish(now_ms, who, Outcome::Failed { code, message });
            }
        }
    }

    /// The lookup found nothing: create the resource now.
    pub(super) fn create_now(&mut self, now_ms: u64, who: usize) {
        self.go_to(now_ms, who, Step::Create);
    }

    /// The resource is created as `id`: read it back (`read_after_create`), then provision it
    /// (account factory), then it is done.
    pub(super) fn created(&mut self, now_ms: u64, who: usize, id: SharedStr) {
        if self.cfg.read_after_create && self.reads_of(who) > 0 {
            self.go_to(now_ms, who, Step::Read { id, k: 0 });
        } else {
            self.provision_or_finish(now_ms, who, id);
        }
    }

    pub(super) fn provision_or_finish(&mut self, now_ms: u64, who: usize, id: SharedStr) {
        let factory = self.active[who].as_ref().is_some_and(|a| a.factory);
        if factory && matches!(self.plan.resources[who].spec, Spec::Account { .. }) {
            let z: f64 = self.provision_rng.sample(StandardNormal);
            let d = self.cfg.provisioning.at_ms(z);
            self.next_step(now_ms, who, Step::Provision { account_id: id });
            self.wait(now_ms, Who::of(who), d, WaitKind::Provisioning);
        } else {
            self.finish(now_ms, who, Outcome::Created { id });
        }
    }

    /// The creation deadline of the account accepted at `accepted_ms` has come. A poll in
    /// flight is awaited (the plugin SDK's grace for a refresh in progress); otherwise the
    /// account times out now.
    pub(super) fn on_deadline(&mut self, now_ms: u64, who: usize, accepted_ms: u64) {
        let Some(a) = self.active[who].as_mut() else {
            return;
        };
        if !matches!(a.step, Step::Poll { accepted_ms: t, .. } if t == accepted_ms) {
            return; // the status left IN_PROGRESS in time
        }
        if a.in_call {
            a.deadline_hit = true;
        } else {
            self.time_out(now_ms, who);
            self.pump(now_ms);
        }
    }

    /// The account's creation status stayed IN_PROGRESS for `create_timeout_s`: give up.
    pub(super) fn time_out(&mut self, now_ms: u64, who: usize) {
        if let Some(last) = self.trace.resources[who].waits.last_mut() {
            last.end_ms = last.end_ms.min(now_ms);
        }
        let timeout = self.cfg.create_timeout_ms();
        let message = format!(
            "timeout while waiting for state to become 'SUCCEEDED' (last state: 'IN_PROGRESS', timeout: {})",
            go_duration(timeout)
        );
        self.finish(
            now_ms,
            who,
            Outcome::Failed {
                code: Failure::Timeout,
                message,
            },
        );
    }
}

/// True when two policy documents say the same: equal as JSON values (whitespace and key order
/// aside), else equal as text.
pub(super) fn same_document(planned: &str, found: &str) -> bool {
    if planned == found {
        return true;
    }
    match (
        serde_json::from_str::<serde_json::Value>(planned),
        serde_json::from_str::<serde_json::Value>(found),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The failure's message of policy `name`, found as `policy_id` with another document.
fn drift_message(name: &str, policy_id: &str) -> String {
    format!(
        "policy {name} exists as {policy_id} with a document other than the plan's (drift): orgsim does not adopt it nor overwrite it; compare it with `orgsim plan`, update or delete it, then run again"
    )
}
