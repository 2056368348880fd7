//! What a successful answer does: the next step of the resource, or its end (created, existing,
//! failed); an account creation's deadline.

use rand::Rng;
use rand_distr::StandardNormal;

use crate::org::types::{CreateAccountState, Response, SharedStr};
use crate::plan::Spec;

use super::machine::{Step, Wake, SETUP};
use super::requests::who_account;
use super::retry::go_duration;
use super::trace::{Failure, Outcome, WaitKind};
use super::Engine;

impl Engine {
    pub(super) fn on_success(&mut self, now_ms: u64, who: usize, resp: Response) {
        let retried = self.state(who).attempt > 1;
        self.refund(retried);
        if who == SETUP {
            match resp {
                Response::Roots(roots) if !roots.is_empty() => {
                    self.root_id = Some(roots[0].id.clone());
                    for i in 0..self.plan.resources.len() {
                        if self.remaining_deps[i] == 0 {
                            self.make_ready(now_ms, i);
                        }
                    }
                }
                _ => self.fail_all(
                    now_ms,
                    Failure::InvalidResponse,
                    "ListRoots returned no root",
                ),
            }
            return;
        }
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
                self.wait(now_ms, who, d, WaitKind::Poll);
                return;
            }
        }
        // Every arm below sets the next step or ends the resource.
        let step = self.active[who]
            .as_mut()
            .map(|a| std::mem::replace(&mut a.step, Step::Create));
        let unexpected = |r: &Response| Outcome::Failed {
            code: Failure::InvalidResponse,
            message: format!("unexpected answer {r:?}"),
        };
        match (&self.plan.resources[who].spec, step, resp) {
            (_, Some(Step::Read { id, k }), _) => {
                if k + 1 < self.reads_of(who) {
                    self.next_step(now_ms, who, Step::Read { id, k: k + 1 });
                    self.issue(now_ms, who);
                } else {
                    self.provision_or_finish(now_ms, who, id);
                }
            }
            (Spec::Ou { name, .. }, Some(Step::Lookup), Response::OrganizationalUnits(ous)) => {
                match ous.into_iter().find(|o| &o.name == name) {
                    Some(ou) => self.finish(now_ms, who, Outcome::Existing { id: ou.id }),
                    None => self.create_now(now_ms, who),
                }
            }
            (Spec::Policy { name, .. }, Some(Step::Lookup), Response::Policies(ps)) => {
                match ps.into_iter().find(|p| &p.name == name && !p.aws_managed) {
                    Some(p) if self.guard.is_some() => {
                        self.next_step(now_ms, who, Step::LookupContent { policy_id: p.id });
                        self.issue(now_ms, who);
                    }
                    Some(p) => self.finish(now_ms, who, Outcome::Existing { id: p.id }),
                    None => self.create_now(now_ms, who),
                }
            }
            (
                Spec::Policy { name, content, .. },
                Some(Step::LookupContent { policy_id }),
                Response::PolicyDocument { content: have, .. },
            ) => {
                if same_document(content, &have) {
                    self.finish(now_ms, who, Outcome::Existing { id: policy_id })
                } else {
                    let message = format!(
                        "policy {name} exists as {policy_id} with a document other than the plan's (drift): orgsim does not adopt it nor overwrite it; compare it with `orgsim plan`, update or delete it, then run again"
                    );
                    self.finish(
                        now_ms,
                        who,
                        Outcome::Failed {
                            code: Failure::PolicyDrift,
                            message,
                        },
                    )
                }
            }
            (Spec::Attachment { policy, ou }, Some(Step::Lookup), Response::Policies(ps)) => {
                let policy_id = or_invalid!(self, now_ms, who, self.id_ref(*policy));
                if ps.iter().any(|p| p.id == *policy_id) {
                    let ou_id = or_invalid!(self, now_ms, who, self.id_ref(*ou));
                    let id = format!("{ou_id}:{policy_id}");
                    self.finish(now_ms, who, Outcome::Existing { id: id.into() })
                } else {
                    self.create_now(now_ms, who)
                }
            }
            (Spec::Tags { tags, .. }, Some(Step::Lookup), Response::Tags(have)) => {
                if tags.iter().all(|(k, v)| have.get(k) == Some(v)) {
                    let id =
                        or_invalid!(self, now_ms, who, self.id_of(who_account(&self.plan, who)));
                    self.finish(now_ms, who, Outcome::Existing { id })
                } else {
                    self.create_now(now_ms, who)
                }
            }
            (Spec::Account { email, .. }, Some(Step::Lookup), Response::Accounts(accts)) => {
                match accts
                    .into_iter()
                    .find(|a| a.email.eq_ignore_ascii_case(email))
                {
                    Some(a) if self.is_management(&a.id) => {
                        let o = self.management_refused(who, &a.id);
                        self.finish(now_ms, who, o)
                    }
                    Some(a) => {
                        self.next_step(now_ms, who, Step::LookupParent { account_id: a.id });
                        self.issue(now_ms, who);
                    }
                    None if self.guard.is_some() => {
                        self.next_step(now_ms, who, Step::LookupCreation);
                        self.issue(now_ms, who);
                    }
                    None => self.create_now(now_ms, who),
                }
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
                    if self.keep_calls {
                        self.trace.resources[who].create_request_id = Some(request_id.to_string());
                    }
                    self.next_step(
                        now_ms,
                        who,
                        Step::Poll {
                            request_id,
                            accepted_ms: now_ms,
                        },
                    );
                    let timeout = self.cfg.create_timeout_ms();
                    self.schedule(who, now_ms + timeout, Wake::Deadline(now_ms));
                    self.issue(now_ms, who);
                } else if let Some(account_id) =
                    mine(CreateAccountState::Succeeded).and_then(|s| s.account_id.clone())
                {
                    self.next_step(now_ms, who, Step::LookupCreated { account_id });
                    self.issue(now_ms, who);
                } else {
                    self.create_now(now_ms, who)
                }
            }
            (
                Spec::Account { email, .. },
                Some(Step::LookupCreated { account_id }),
                Response::Account(a),
            ) => {
                if !a.email.eq_ignore_ascii_case(email) {
                    self.create_now(now_ms, who)
                } else if self.is_management(&a.id) {
                    let o = self.management_refused(who, &a.id);
                    self.finish(now_ms, who, o)
                } else {
                    self.next_step(now_ms, who, Step::LookupParent { account_id });
                    self.issue(now_ms, who);
                }
            }
            (
                Spec::Account { ou, .. },
                Some(step @ (Step::LookupParent { .. } | Step::Parent { .. })),
                Response::Parents(parents),
            ) => {
                let (account_id, adopted) = match step {
                    Step::LookupParent { account_id } => (account_id, true),
                    Step::Parent { account_id } => (account_id, false),
                    _ => unreachable!("matched above"),
                };
                let target = or_invalid!(self, now_ms, who, self.id_of(*ou));
                match parents.into_iter().next() {
                    Some(p) if p.id == target => {
                        if adopted {
                            self.finish(now_ms, who, Outcome::Existing { id: account_id })
                        } else {
                            self.created(now_ms, who, account_id)
                        }
                    }
                    Some(p) => {
                        self.next_step(
                            now_ms,
                            who,
                            Step::Move {
                                account_id,
                                source: p.id,
                                adopted,
                            },
                        );
                        self.issue(now_ms, who);
                    }
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
            (Spec::Ou { .. }, _, Response::OrganizationalUnit(ou)) => {
                self.created(now_ms, who, ou.id)
            }
            (Spec::Policy { .. }, _, Response::Policy(p)) => self.created(now_ms, who, p.id),
            (Spec::Attachment { policy, ou }, _, Response::Empty) => {
                let ou_id = or_invalid!(self, now_ms, who, self.id_ref(*ou));
                let policy_id = or_invalid!(self, now_ms, who, self.id_ref(*policy));
                let id = format!("{ou_id}:{policy_id}");
                self.created(now_ms, who, id.into())
            }
            (Spec::Tags { account, .. }, _, Response::Empty) => {
                let id = or_invalid!(self, now_ms, who, self.id_of(*account));
                self.finish(now_ms, who, Outcome::Created { id })
            }
            (Spec::Account { .. }, Some(Step::Create), Response::CreateAccountStatus(s)) => {
                if self.keep_calls {
                    self.trace.resources[who].create_request_id = Some(s.id.to_string());
                }
                self.next_step(
                    now_ms,
                    who,
                    Step::Poll {
                        request_id: s.id,
                        accepted_ms: now_ms,
                    },
                );
                let timeout = self.cfg.create_timeout_ms();
                self.schedule(who, now_ms + timeout, Wake::Deadline(now_ms));
                if self.cfg.poll_at_once {
                    self.issue(now_ms, who);
                } else {
                    let d = self.cfg.poll_interval_ms();
                    self.wait(now_ms, who, d, WaitKind::Poll);
                }
            }
            (Spec::Account { .. }, Some(Step::Poll { .. }), Response::CreateAccountStatus(s)) => {
                match s.state {
                    // Still in progress, and the creation's deadline passed while this poll was in
                    // flight (before it, a poll goes the short way at the top).
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
                            self.issue(now_ms, who);
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
            (
                Spec::Account { .. },
                Some(Step::Move {
                    account_id,
                    adopted,
                    ..
                }),
                Response::Empty,
            ) => {
                if adopted {
                    self.finish(now_ms, who, Outcome::Existing { id: account_id })
                } else {
                    self.created(now_ms, who, account_id)
                }
            }
            (_, _, other) => {
                let o = unexpected(&other);
                self.finish(now_ms, who, o)
            }
        }
    }

    /// The lookup found nothing: create the resource now.
    pub(super) fn create_now(&mut self, now_ms: u64, who: usize) {
        self.next_step(now_ms, who, Step::Create);
        self.issue(now_ms, who);
    }

    /// The resource is created as `id`: read it back (`read_after_create`), then provision it
    /// (account factory), then it is done.
    pub(super) fn created(&mut self, now_ms: u64, who: usize, id: SharedStr) {
        if self.cfg.read_after_create && self.reads_of(who) > 0 {
            self.next_step(now_ms, who, Step::Read { id, k: 0 });
            self.issue(now_ms, who);
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
            self.wait(now_ms, who, d, WaitKind::Provisioning);
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
