//! The apply engine: a sans-IO state machine that walks a [`Plan`] like Terraform would.
//!
//! Architecture invariant: the engine never sleeps, never reads a clock and does no I/O. It is
//! told what time it is and how each call ended; it answers with the calls to start
//! ([`Engine::poll_call`]) and the time it next wants to be woken ([`Engine::poll_timeout`]).
//! The simulation driver (`crate::sim`) runs it in virtual time; a live driver runs the same
//! code against a real endpoint. Randomness (backoff jitter) comes from a generator seeded by
//! the driver.
//!
//! Behaviour, after Terraform with the AWS provider:
//! - at most `parallelism` resources in their operation at once (the slot is held through
//!   retries, backoff and polling, as Terraform's walker holds its semaphore);
//! - after the deployer's overhead, one ListRoots to find the root, then resources in plan
//!   order as their dependencies complete;
//! - accounts: CreateAccount → DescribeCreateAccountStatus every `poll_interval_s` until
//!   SUCCEEDED or FAILED (giving up after `create_timeout_s`) → MoveAccount into the tier OU;
//! - retries in two layers: the SDK's standard mode (throttling/transient errors, `max_attempts`
//!   attempts, full-jitter exponential backoff, a client-wide retry quota), then the provider's
//!   retries of `provider_retry_codes` with a fresh SDK call until `provider_retry_timeout_s`;
//! - a failed resource fails nothing else but its dependents, which are skipped.

pub mod config;
pub mod trace;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, VecDeque};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::org::types::{
    ApiError, ApiResult, CreateAccountState, ErrorCode, Request, Response, Tags,
};
use crate::plan::{Plan, Spec};
pub use config::DeployConfig;
use trace::{CallRecord, Outcome, ResourceRecord, Trace, Wait, WaitKind};

/// A call the driver must make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub id: u64,
    pub request: Request,
}

/// Where a resource is in its operation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Idempotent apply (`lookup_existing`): find the resource if it already exists.
    Lookup,
    /// An existing account was found: where is it?
    LookupParent {
        account_id: String,
    },
    Create,
    Poll {
        request_id: String,
        accepted_ms: u64,
    },
    Move {
        account_id: String,
        /// Where the account is now: the root after a creation.
        source: String,
        /// True when the account existed before the deployment (the move adopts it).
        adopted: bool,
    },
}

#[derive(Debug, Clone)]
struct Active {
    step: Step,
    /// SDK attempt of the current SDK call, from 1.
    attempt: u32,
    /// Provider try of the current step, from 1.
    provider_try: u32,
    /// When the current step began (for the provider's retry timeout).
    step_started_ms: u64,
}

const SETUP: usize = usize::MAX;

/// The apply engine. See the module documentation.
pub struct Engine {
    cfg: DeployConfig,
    provider_codes: BTreeSet<String>,
    plan: Plan,
    dependents: Vec<Vec<usize>>,
    remaining_deps: Vec<usize>,
    active: Vec<Option<Active>>,
    setup: Active,
    ready: BTreeSet<usize>,
    in_flight: usize,
    calls_in_flight: BTreeMap<u64, (usize, usize)>, // call id -> (who, record index)
    timers: BinaryHeap<Reverse<(u64, u64, usize)>>,
    timer_seq: u64,
    outbox: VecDeque<Call>,
    next_call: u64,
    root_id: Option<String>,
    retry_tokens: u32,
    rng: SmallRng,
    trace: Trace,
    started: bool,
    terminal: usize,
}

impl Engine {
    /// An engine for `plan`, with backoff jitter drawn from a generator seeded with `seed`.
    pub fn new(plan: Plan, cfg: &DeployConfig, seed: u64) -> Engine {
        let n = plan.resources.len();
        let dependents = plan.dependents();
        let remaining_deps = plan.resources.iter().map(|r| r.deps.len()).collect();
        Engine {
            provider_codes: cfg.provider_retry_codes.iter().cloned().collect(),
            cfg: cfg.clone(),
            plan,
            dependents,
            remaining_deps,
            active: vec![None; n],
            setup: Active {
                step: Step::Create,
                attempt: 1,
                provider_try: 1,
                step_started_ms: 0,
            },
            ready: BTreeSet::new(),
            in_flight: 0,
            calls_in_flight: BTreeMap::new(),
            timers: BinaryHeap::new(),
            timer_seq: 0,
            outbox: VecDeque::new(),
            next_call: 1,
            root_id: None,
            retry_tokens: cfg.retry_quota,
            rng: SmallRng::seed_from_u64(seed),
            trace: Trace {
                resources: vec![ResourceRecord::default(); n],
                ..Trace::default()
            },
            started: false,
            terminal: 0,
        }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Starts the deployment at `now_ms`: the deployer's overhead begins.
    pub fn start(&mut self, now_ms: u64) {
        if self.started {
            return;
        }
        self.started = true;
        let at = now_ms + self.cfg.overhead_ms();
        self.schedule(SETUP, at);
    }

    /// The next call to make, if any.
    pub fn poll_call(&mut self) -> Option<Call> {
        self.outbox.pop_front()
    }

    /// When the engine next wants [`Engine::handle_timeout`] called.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.timers.peek().map(|Reverse((t, _, _))| *t)
    }

    /// True when every resource is terminal and no call is in flight.
    pub fn is_done(&self) -> bool {
        self.started
            && self.terminal == self.plan.resources.len()
            && self.calls_in_flight.is_empty()
            && (self.root_id.is_some() || self.timers.is_empty())
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    pub fn into_trace(self) -> Trace {
        self.trace
    }

    /// Resources in their operation right now.
    pub fn resources_in_flight(&self) -> usize {
        self.in_flight
    }

    /// Fires every timer due at or before `now_ms`.
    pub fn handle_timeout(&mut self, now_ms: u64) {
        while let Some(&Reverse((t, _, who))) = self.timers.peek() {
            if t > now_ms {
                break;
            }
            self.timers.pop();
            self.issue(now_ms, who);
        }
    }

    /// Delivers the answer to call `id` at `now_ms`.
    pub fn handle_response(&mut self, now_ms: u64, id: u64, result: ApiResult) {
        let Some((who, rec)) = self.calls_in_flight.remove(&id) else {
            return; // unknown or duplicate delivery: ignore
        };
        let record = &mut self.trace.calls[rec];
        record.end_ms = Some(now_ms);
        if let Err(e) = &result {
            record.error = Some(e.code.clone());
            record.message = e.message.clone();
        }
        match result {
            Ok(resp) => self.on_success(now_ms, who, resp),
            Err(err) => self.on_error(now_ms, who, err),
        }
        self.pump(now_ms);
        if self.is_done() {
            self.trace.end_ms = self.trace.end_ms.max(now_ms);
        }
    }

    fn state(&mut self, who: usize) -> &mut Active {
        if who == SETUP {
            &mut self.setup
        } else {
            self.active[who].as_mut().expect("active resource")
        }
    }

    fn schedule(&mut self, who: usize, at: u64) {
        self.timer_seq += 1;
        self.timers.push(Reverse((at, self.timer_seq, who)));
    }

    fn wait(&mut self, now_ms: u64, who: usize, delay: u64, kind: WaitKind) {
        if who != SETUP {
            self.trace.resources[who].waits.push(Wait {
                start_ms: now_ms,
                end_ms: now_ms + delay,
                kind,
            });
        }
        self.schedule(who, now_ms + delay);
    }

    /// Sends the request of `who`'s current step.
    fn issue(&mut self, now_ms: u64, who: usize) {
        let request = match self.request_for(who) {
            Ok(r) => r,
            Err(msg) => {
                self.finish(
                    now_ms,
                    who,
                    Outcome::Failed {
                        code: "InvalidPlan".into(),
                        message: msg,
                    },
                );
                self.pump(now_ms);
                return;
            }
        };
        let (attempt, provider_try) = {
            let st = self.state(who);
            (st.attempt, st.provider_try)
        };
        let id = self.next_call;
        self.next_call += 1;
        let op = request.operation();
        self.calls_in_flight
            .insert(id, (who, self.trace.calls.len()));
        self.trace.max_calls_in_flight = self
            .trace
            .max_calls_in_flight
            .max(self.calls_in_flight.len());
        if self.trace.calls.is_empty() {
            self.trace.first_call_ms = now_ms;
        }
        self.trace.calls.push(CallRecord {
            id,
            resource: (who != SETUP).then_some(who),
            op,
            attempt,
            provider_try,
            start_ms: now_ms,
            end_ms: None,
            error: None,
            message: String::new(),
        });
        self.outbox.push_back(Call { id, request });
    }

    fn id_of(&self, i: usize) -> Result<String, String> {
        self.trace.resources[i]
            .outcome
            .id()
            .map(str::to_string)
            .ok_or_else(|| format!("{} has no id", self.plan.resources[i].address))
    }

    fn request_for(&self, who: usize) -> Result<Request, String> {
        if who == SETUP {
            return Ok(Request::ListRoots);
        }
        let root = self.root_id.clone().ok_or("no root")?;
        let st = self.active[who].as_ref().ok_or("not active")?;
        let r = &self.plan.resources[who];
        let ou_parent = |parent: &Option<usize>| match parent {
            Some(p) => self.id_of(*p),
            None => Ok(root.clone()),
        };
        Ok(match (&r.spec, &st.step) {
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
            (Spec::Tags { account, .. }, Step::Lookup) => Request::ListTagsForResource {
                resource_id: self.id_of(*account)?,
            },
            (_, Step::LookupParent { .. }) => return Err(format!("{} has no lookup", r.address)),
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
                description: format!("SecureBase {framework} guard rails"),
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
                tags: Tags::new(),
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
            ) => Request::MoveAccount {
                account_id: account_id.clone(),
                source_parent_id: source.clone(),
                destination_parent_id: self.id_of(*ou)?,
            },
            (Spec::Tags { account, tags }, _) => Request::TagResource {
                resource_id: self.id_of(*account)?,
                tags: tags.clone(),
            },
        })
    }

    fn refund(&mut self, retried: bool) {
        if self.cfg.retry_quota == 0 {
            return;
        }
        let back = if retried { self.cfg.retry_cost } else { 1 };
        self.retry_tokens = (self.retry_tokens + back).min(self.cfg.retry_quota);
    }

    fn on_success(&mut self, now_ms: u64, who: usize, resp: Response) {
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
                _ => self.fail_all(now_ms, "InvalidResponse", "ListRoots returned no root"),
            }
            return;
        }
        let step = self.active[who].as_ref().map(|a| a.step.clone());
        let unexpected = |r: &Response| Outcome::Failed {
            code: "InvalidResponse".into(),
            message: format!("unexpected answer {r:?}"),
        };
        match (&self.plan.resources[who].spec, step, resp) {
            (Spec::Ou { name, .. }, Some(Step::Lookup), Response::OrganizationalUnits(ous)) => {
                match ous.into_iter().find(|o| &o.name == name) {
                    Some(ou) => self.finish(now_ms, who, Outcome::Existing { id: ou.id }),
                    None => self.create_now(now_ms, who),
                }
            }
            (Spec::Policy { name, .. }, Some(Step::Lookup), Response::Policies(ps)) => {
                match ps.into_iter().find(|p| &p.name == name && !p.aws_managed) {
                    Some(p) => self.finish(now_ms, who, Outcome::Existing { id: p.id }),
                    None => self.create_now(now_ms, who),
                }
            }
            (Spec::Attachment { policy, ou }, Some(Step::Lookup), Response::Policies(ps)) => {
                let policy_id = self.trace.resources[*policy]
                    .outcome
                    .id()
                    .unwrap_or_default();
                if ps.iter().any(|p| p.id == policy_id) {
                    let id = format!(
                        "{}:{}",
                        self.trace.resources[*ou].outcome.id().unwrap_or_default(),
                        policy_id
                    );
                    self.finish(now_ms, who, Outcome::Existing { id })
                } else {
                    self.create_now(now_ms, who)
                }
            }
            (Spec::Tags { tags, .. }, Some(Step::Lookup), Response::Tags(have)) => {
                if tags.iter().all(|(k, v)| have.get(k) == Some(v)) {
                    let id = self.id_of(who_account(&self.plan, who)).unwrap_or_default();
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
                    Some(a) => {
                        self.next_step(now_ms, who, Step::LookupParent { account_id: a.id });
                        self.issue(now_ms, who);
                    }
                    None => self.create_now(now_ms, who),
                }
            }
            (
                Spec::Account { ou, .. },
                Some(Step::LookupParent { account_id }),
                Response::Parents(parents),
            ) => {
                let target = self.id_of(*ou).unwrap_or_default();
                match parents.into_iter().next() {
                    Some(p) if p.id == target => {
                        self.finish(now_ms, who, Outcome::Existing { id: account_id })
                    }
                    Some(p) => {
                        self.next_step(
                            now_ms,
                            who,
                            Step::Move {
                                account_id,
                                source: p.id,
                                adopted: true,
                            },
                        );
                        self.issue(now_ms, who);
                    }
                    None => self.finish(
                        now_ms,
                        who,
                        Outcome::Failed {
                            code: "InvalidResponse".into(),
                            message: format!("account {account_id} has no parent"),
                        },
                    ),
                }
            }
            (Spec::Ou { .. }, _, Response::OrganizationalUnit(ou)) => {
                self.finish(now_ms, who, Outcome::Created { id: ou.id })
            }
            (Spec::Policy { .. }, _, Response::Policy(p)) => {
                self.finish(now_ms, who, Outcome::Created { id: p.id })
            }
            (Spec::Attachment { policy, ou }, _, Response::Empty) => {
                let id = format!(
                    "{}:{}",
                    self.trace.resources[*ou].outcome.id().unwrap_or_default(),
                    self.trace.resources[*policy]
                        .outcome
                        .id()
                        .unwrap_or_default()
                );
                self.finish(now_ms, who, Outcome::Created { id })
            }
            (Spec::Tags { account, .. }, _, Response::Empty) => {
                let id = self.trace.resources[*account]
                    .outcome
                    .id()
                    .unwrap_or_default()
                    .to_string();
                self.finish(now_ms, who, Outcome::Created { id })
            }
            (Spec::Account { .. }, Some(Step::Create), Response::CreateAccountStatus(s)) => {
                self.trace.resources[who].create_request_id = Some(s.id.clone());
                self.next_step(
                    now_ms,
                    who,
                    Step::Poll {
                        request_id: s.id,
                        accepted_ms: now_ms,
                    },
                );
                let d = self.cfg.poll_interval_ms();
                self.wait(now_ms, who, d, WaitKind::Poll);
            }
            (
                Spec::Account { .. },
                Some(Step::Poll { accepted_ms, .. }),
                Response::CreateAccountStatus(s),
            ) => match s.state {
                CreateAccountState::InProgress => {
                    let timeout = self.cfg.create_timeout_ms();
                    if now_ms.saturating_sub(accepted_ms) >= timeout {
                        let message = format!(
                                "timeout while waiting for state to become 'SUCCEEDED' (last state: 'IN_PROGRESS', timeout: {}s)",
                                timeout / 1000
                            );
                        self.finish(
                            now_ms,
                            who,
                            Outcome::Failed {
                                code: "Timeout".into(),
                                message,
                            },
                        );
                    } else {
                        let st = self.state(who);
                        st.attempt = 1;
                        st.provider_try = 1;
                        let d = self.cfg.poll_interval_ms();
                        self.wait(now_ms, who, d, WaitKind::Poll);
                    }
                }
                CreateAccountState::Succeeded => match s.account_id {
                    Some(account_id) => {
                        let source = self.root_id.clone().unwrap_or_default();
                        self.next_step(
                            now_ms,
                            who,
                            Step::Move {
                                account_id,
                                source,
                                adopted: false,
                            },
                        );
                        self.issue(now_ms, who);
                    }
                    None => self.finish(
                        now_ms,
                        who,
                        Outcome::Failed {
                            code: "InvalidResponse".into(),
                            message: "SUCCEEDED without an AccountId".into(),
                        },
                    ),
                },
                CreateAccountState::Failed => {
                    let reason = s.failure_reason;
                    self.trace.resources[who].failure_reason = reason;
                    let code = reason.map(|r| r.as_str()).unwrap_or("FAILED").to_string();
                    let message = format!("CreateAccount {} failed: {code}", s.id);
                    self.finish(now_ms, who, Outcome::Failed { code, message });
                }
            },
            (
                Spec::Account { .. },
                Some(Step::Move {
                    account_id,
                    adopted,
                    ..
                }),
                Response::Empty,
            ) => {
                let outcome = if adopted {
                    Outcome::Existing { id: account_id }
                } else {
                    Outcome::Created { id: account_id }
                };
                self.finish(now_ms, who, outcome)
            }
            (_, _, other) => {
                let o = unexpected(&other);
                self.finish(now_ms, who, o)
            }
        }
    }

    /// The lookup found nothing: create the resource now.
    fn create_now(&mut self, now_ms: u64, who: usize) {
        self.next_step(now_ms, who, Step::Create);
        self.issue(now_ms, who);
    }

    fn next_step(&mut self, now_ms: u64, who: usize, step: Step) {
        let st = self.state(who);
        st.step = step;
        st.attempt = 1;
        st.provider_try = 1;
        st.step_started_ms = now_ms;
    }

    /// Full-jitter exponential backoff for SDK attempt `attempt` (the one that just failed).
    fn sdk_backoff(&mut self, attempt: u32) -> u64 {
        let exp = self
            .cfg
            .backoff_base_ms
            .saturating_mul(1u64 << (attempt - 1).min(30))
            .min(self.cfg.backoff_cap_ms);
        self.rng.random_range(0..=exp)
    }

    fn on_error(&mut self, now_ms: u64, who: usize, err: ApiError) {
        let (attempt, provider_try, step_started) = {
            let st = self.state(who);
            (st.attempt, st.provider_try, st.step_started_ms)
        };
        // Layer 1: the SDK's standard retry mode.
        if err.code.is_sdk_retryable() && attempt < self.cfg.max_attempts {
            let quota_ok = self.cfg.retry_quota == 0 || self.retry_tokens >= self.cfg.retry_cost;
            if quota_ok {
                if self.cfg.retry_quota > 0 {
                    self.retry_tokens -= self.cfg.retry_cost;
                }
                let delay = self.sdk_backoff(attempt);
                self.state(who).attempt += 1;
                self.wait(now_ms, who, delay, WaitKind::Backoff);
                return;
            }
            self.trace.retry_quota_exhausted += 1;
        }
        // Layer 2: the provider's own retries of "try again later" errors.
        if self.provider_codes.contains(err.code.as_str())
            && now_ms.saturating_sub(step_started) < self.cfg.provider_retry_timeout_ms()
        {
            let delay = self
                .cfg
                .provider_backoff_min_ms
                .saturating_mul(1u64 << (provider_try - 1).min(30))
                .min(self.cfg.provider_backoff_max_ms);
            let st = self.state(who);
            st.provider_try += 1;
            st.attempt = 1;
            self.wait(now_ms, who, delay, WaitKind::ProviderRetry);
            return;
        }
        if who == SETUP {
            self.fail_all(now_ms, err.code.as_str(), &err.message);
            return;
        }
        let code = match &err.code {
            ErrorCode::ConstraintViolationException(r) => r.as_str().to_string(),
            c => c.as_str().to_string(),
        };
        let code = if matches!(err.code, ErrorCode::ConstraintViolationException(_)) {
            format!("ConstraintViolationException:{code}")
        } else {
            code
        };
        self.finish(
            now_ms,
            who,
            Outcome::Failed {
                code,
                message: err.message,
            },
        );
    }

    fn fail_all(&mut self, now_ms: u64, code: &str, message: &str) {
        for i in 0..self.plan.resources.len() {
            if !self.trace.resources[i].outcome.is_terminal() {
                self.trace.resources[i].outcome = Outcome::Failed {
                    code: code.to_string(),
                    message: message.to_string(),
                };
                self.trace.resources[i].end_ms = Some(now_ms);
                self.terminal += 1;
            }
        }
        self.ready.clear();
        self.trace.end_ms = now_ms;
    }

    fn make_ready(&mut self, now_ms: u64, i: usize) {
        self.trace.resources[i].ready_ms = Some(now_ms);
        self.ready.insert(i);
    }

    /// Starts ready resources while slots are free.
    fn pump(&mut self, now_ms: u64) {
        while self.in_flight < self.cfg.parallelism as usize {
            let Some(i) = self.ready.pop_first() else {
                break;
            };
            self.in_flight += 1;
            self.trace.max_resources_in_flight =
                self.trace.max_resources_in_flight.max(self.in_flight);
            self.trace.resources[i].start_ms = Some(now_ms);
            let lookup = self.cfg.lookup_existing;
            self.active[i] = Some(Active {
                step: if lookup { Step::Lookup } else { Step::Create },
                attempt: 1,
                provider_try: 1,
                step_started_ms: now_ms,
            });
            self.issue(now_ms, i);
        }
    }

    fn finish(&mut self, now_ms: u64, who: usize, outcome: Outcome) {
        if self.trace.resources[who].outcome.is_terminal() {
            return;
        }
        let success = outcome.is_success();
        let rec = &mut self.trace.resources[who];
        rec.outcome = outcome;
        rec.end_ms = Some(now_ms);
        self.terminal += 1;
        if self.active[who].take().is_some() {
            self.in_flight -= 1;
        }
        self.trace.end_ms = self.trace.end_ms.max(now_ms);
        let deps = std::mem::take(&mut self.dependents[who]);
        for &d in &deps {
            if success {
                self.remaining_deps[d] -= 1;
                if self.remaining_deps[d] == 0 && !self.trace.resources[d].outcome.is_terminal() {
                    self.make_ready(now_ms, d);
                }
            } else {
                self.ready.remove(&d);
                self.finish(now_ms, d, Outcome::Skipped { cause: who });
            }
        }
        self.dependents[who] = deps;
    }
}

/// The account a `Tags` resource belongs to.
fn who_account(plan: &Plan, who: usize) -> usize {
    match plan.resources[who].spec {
        Spec::Tags { account, .. } => account,
        _ => who,
    }
}

/// Runs `engine` against a synchronous service function, for tests and small tools: each call
/// is answered by `service(now, request)` returning (latency, result).
pub fn run_to_completion(
    engine: &mut Engine,
    mut service: impl FnMut(u64, &Request) -> (u64, ApiResult),
) -> u64 {
    let mut pending: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::new();
    let mut results: BTreeMap<u64, ApiResult> = BTreeMap::new();
    let mut now = 0;
    engine.start(now);
    loop {
        while let Some(call) = engine.poll_call() {
            let (lat, res) = service(now, &call.request);
            pending.push(Reverse((now + lat, call.id)));
            results.insert(call.id, res);
        }
        let next_call = pending.peek().map(|Reverse((t, _))| *t);
        let next_timer = engine.poll_timeout();
        let call_first = match (next_call, next_timer) {
            (None, None) => break,
            (Some(c), Some(t)) => c <= t,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        if call_first {
            if let Some(Reverse((t, id))) = pending.pop() {
                now = t;
                if let Some(r) = results.remove(&id) {
                    engine.handle_response(now, id, r);
                }
            }
        } else if let Some(t) = next_timer {
            now = t;
            engine.handle_timeout(now);
        }
    }
    now
}

#[cfg(test)]
pub(crate) mod tests;
