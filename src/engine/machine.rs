//! The state machine: where each resource is (`Step`, `Active`), the timers, the slots, and a
//! resource's start, next step and end (its dependents readied or skipped).

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use rand::rngs::SmallRng;

use crate::config::{DeployConfig, Invalid};
use crate::org::types::Request;
use crate::org::types::{Operation, SharedStr};
use crate::plan::{Plan, Spec};

use super::queue::EventQueue;
use super::trace::{CallRecord, Failure, Outcome, Trace, Wait, WaitKind};

/// A call the driver must make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub id: u64,
    pub request: Request,
}

/// The apply engine. See the module documentation.
pub(crate) struct Engine {
    pub(super) cfg: DeployConfig,
    /// Shared: a sweep builds one plan per customer count for all its replications.
    pub(super) plan: Arc<Plan>,
    /// The resources that depend on each: those of resource `i` are
    /// `dependents[dependents_at[i]..dependents_at[i + 1]]`, in plan order (two allocations per
    /// engine, not one per resource).
    pub(super) dependents: Vec<usize>,
    pub(super) dependents_at: Vec<usize>,
    pub(super) remaining_deps: Vec<usize>,
    /// For each account resource, its tags resource (for `tags_in_create`).
    pub(super) tags_of: Vec<Option<usize>>,
    pub(super) active: Vec<Option<Active>>,
    pub(super) setup: Active,
    pub(super) ready: BTreeSet<usize>,
    /// Accounts waiting for an account-factory slot, first come first served.
    pub(super) factory_queue: VecDeque<usize>,
    pub(super) in_flight: usize,
    pub(super) factory_in_flight: usize,
    /// Every call sent: call `id` is `calls[id - 1]` (and `trace.calls[id - 1]` when calls are
    /// kept): ids count from 1.
    pub(super) calls: Vec<CallMeta>,
    /// Calls sent and not yet answered.
    pub(super) open_calls: usize,
    /// Record every call and wait in the trace (a run's reports need them); a sweep keeps only
    /// the counts ([`Engine::counts_only`]).
    pub(super) keep_calls: bool,
    /// Each timer: its time, whom it serves and what it does; FIFO among equal times.
    pub(super) timers: EventQueue<(Who, Wake)>,
    pub(super) outbox: VecDeque<Call>,
    pub(super) next_call: u64,
    pub(super) root_id: Option<SharedStr>,
    pub(super) retry_tokens: u32,
    pub(super) rng: SmallRng,
    /// Provisioning times (account factory), a stream apart from the jitter.
    pub(super) provision_rng: SmallRng,
    /// This run's overhead before its first call: drawn from `[deploy.overhead]` at the
    /// restart, or the constant `overhead_s`.
    pub(super) overhead_ms: u64,
    pub(super) trace: Trace,
    pub(super) started: bool,
    pub(super) terminal: usize,
    /// The management account of a live organization ([`Engine::guarding`]).
    pub(super) guard: Option<SharedStr>,
    /// The refresh of each resource of the plan's state in flight (`None`: not started, done,
    /// or abandoned when the planning failed).
    pub(super) refresh_active: Vec<Option<Active>>,
    /// The next resource of the state to refresh, those not yet refreshed, and those in flight.
    pub(super) refresh_next: usize,
    pub(super) refresh_left: usize,
    pub(super) refresh_in_flight: usize,
    /// The setup's call in progress: the data source's ListAccounts (0) before ListRoots (1)
    /// when refreshing; ListRoots alone otherwise.
    pub(super) setup_call: usize,
}

/// What the engine remembers of each call it sent.
#[derive(Debug, Clone, Copy)]
pub(super) struct CallMeta {
    pub(super) who: Who,
    pub(super) op: Operation,
    /// Not answered yet.
    pub(super) open: bool,
}

/// Where a resource is in its operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    /// Idempotent apply (`lookup_existing`): find the resource if it already exists.
    Lookup,
    /// An existing account was found: where is it?
    LookupParent {
        account_id: SharedStr,
    },
    Create,
    Poll {
        request_id: SharedStr,
        accepted_ms: u64,
    },
    /// `read_after_create`: where is the new account? (The provider's ListParents before
    /// deciding to move it.)
    Parent {
        account_id: SharedStr,
    },
    Move {
        account_id: SharedStr,
        /// Where the account is now: the root after a creation.
        source: SharedStr,
        /// True when the account existed before the deployment (the move adopts it).
        adopted: bool,
    },
    /// `read_after_create`: read-back call `k` of the resource created as `id`.
    Read {
        id: SharedStr,
        k: usize,
    },
    /// Account factory: the account is in its OU and being enrolled (no calls).
    Provision {
        account_id: SharedStr,
    },
    /// Guarded lookup ([`Engine::guarding`]): no account with the email exists; is a creation
    /// of it in progress or done (a run stopped during a creation)?
    LookupCreation,
    /// Guarded lookup: a creation of an account of that name succeeded as `account_id`; is it
    /// this email's?
    LookupCreated {
        account_id: SharedStr,
    },
    /// Guarded lookup: a policy of that name exists as `policy_id`; is its document the plan's?
    LookupContent {
        policy_id: SharedStr,
    },
}

#[derive(Debug, Clone)]
pub(super) struct Active {
    pub(super) step: Step,
    /// SDK attempt of the current SDK call, from 1.
    pub(super) attempt: u32,
    /// Provider try of the current step, from 1.
    pub(super) provider_try: u32,
    /// When the current step began (for the provider's retry timeout).
    pub(super) step_started_ms: u64,
    /// A call of this resource is in flight.
    pub(super) in_call: bool,
    /// The creation deadline passed while a status poll was in flight: its answer decides.
    pub(super) deadline_hit: bool,
    /// Holds an account-factory slot rather than a `parallelism` slot.
    pub(super) factory: bool,
}

impl Active {
    pub(super) fn new(step: Step, now_ms: u64, factory: bool) -> Active {
        Active {
            step,
            attempt: 1,
            provider_try: 1,
            step_started_ms: now_ms,
            in_call: false,
            deadline_hit: false,
            factory,
        }
    }
}

/// What an engine derives from its plan alone (the same for every engine of that plan).
pub(super) struct Structure {
    pub(super) dependents: Vec<usize>,
    pub(super) dependents_at: Vec<usize>,
    pub(super) tags_of: Vec<Option<usize>>,
}

impl Structure {
    pub(super) fn of(plan: &Plan) -> Structure {
        let (dependents, dependents_at) = plan.dependents();
        let mut tags_of = vec![None; plan.resources.len()];
        for (i, r) in plan.resources.iter().enumerate() {
            if let Spec::Tags { account, .. } = r.spec {
                tags_of[account] = Some(i);
            }
        }
        Structure {
            dependents,
            dependents_at,
            tags_of,
        }
    }
}

/// What a timer does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Wake {
    /// Send the current step's request again (after a backoff or a poll interval), or end a
    /// provisioning wait.
    Issue,
    /// The account creation accepted at this time has reached `create_timeout_s`.
    Deadline(u64),
}

/// Whom a call or a timer serves: the setup (the deployer's overhead, then ListRoots, before any
/// resource starts) or resource `i` of the plan. Eight bytes: every timer and call carries one
/// (with a `usize` index a timer took 48 bytes instead of 40, and a sweep 1.4% more
/// instructions, callgrind); a plan has far fewer than `u32::MAX` resources
/// (`config::limits::MAX_CUSTOMERS`, two resources each, and a few per tier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Who {
    Setup,
    Resource(u32),
    /// The refresh of resource `k` of the plan's state.
    Refresh(u32),
}

impl Who {
    /// Resource `i` of the plan.
    pub(super) fn of(i: usize) -> Who {
        debug_assert!(u32::try_from(i).is_ok(), "a plan's resources fit in u32");
        Who::Resource(i as u32)
    }

    /// The resource served, `None` for the setup.
    pub(super) fn resource(self) -> Option<usize> {
        match self {
            Who::Setup | Who::Refresh(_) => None,
            Who::Resource(i) => Some(i as usize),
        }
    }
}

/// Calls to make room for per resource when the first call goes out (1,940 calls for the 220
/// resources of `scenarios/hundred-customers.toml` under the default profile).
pub(super) const CALLS_PER_RESOURCE: usize = 10;

impl Engine {
    /// A timer whose purpose has passed: its resource ended, or (a creation deadline) the
    /// status left IN_PROGRESS in time.
    pub(super) fn is_stale(&self, who: Who, wake: Wake) -> bool {
        let i = match who {
            Who::Resource(i) => i as usize,
            Who::Refresh(k) => {
                return self
                    .refresh_active
                    .get(k as usize)
                    .is_none_or(Option::is_none)
            }
            Who::Setup => return false,
        };
        match (&self.active[i], wake) {
            (None, _) => true,
            (Some(_), Wake::Issue) => false,
            (Some(a), Wake::Deadline(accepted)) => {
                !matches!(a.step, Step::Poll { accepted_ms, .. } if accepted_ms == accepted)
            }
        }
    }

    /// Drops stale timers from the top of the heap, so that [`Engine::poll_timeout`] never
    /// asks to be woken for nothing (a live driver would sleep until then).
    pub(super) fn prune_timers(&mut self) {
        while let Some((_, &(who, wake))) = self.timers.peek() {
            if !self.is_stale(who, wake) {
                break;
            }
            self.timers.pop();
        }
    }

    pub(super) fn state(&mut self, who: Who) -> &mut Active {
        match who {
            Who::Setup => &mut self.setup,
            Who::Resource(i) => self.active[i as usize].as_mut().expect("active resource"),
            Who::Refresh(k) => self.refresh_active[k as usize]
                .as_mut()
                .expect("refresh in flight"),
        }
    }

    pub(super) fn schedule(&mut self, who: Who, at: u64, wake: Wake) {
        self.timers.push(at, (who, wake));
    }

    pub(super) fn wait(&mut self, now_ms: u64, who: Who, delay: u64, kind: WaitKind) {
        if let (Some(i), true) = (who.resource(), self.keep_calls) {
            let waits = &mut self.trace.resources[i].waits;
            if waits.capacity() == 0 {
                // An account polls its creation about ten times: room for them at once.
                waits.reserve_exact(16);
            }
            waits.push(Wait {
                start_ms: now_ms,
                end_ms: now_ms + delay,
                kind,
            });
        }
        self.schedule(who, now_ms + delay, Wake::Issue);
    }

    /// A wait of `who` ended: send its request again, or end its provisioning.
    pub(super) fn wake(&mut self, now_ms: u64, who: Who) {
        if let Some(i) = who.resource() {
            if let Some(Active {
                step: Step::Provision { account_id },
                ..
            }) = &self.active[i]
            {
                let id = account_id.clone();
                self.finish(now_ms, i, Outcome::Created { id });
                self.pump(now_ms);
                return;
            }
        }
        self.issue(now_ms, who);
    }

    /// Sends the request of `who`'s current step.
    pub(super) fn issue(&mut self, now_ms: u64, who: Who) {
        let request = match (who, who.resource()) {
            (Who::Setup, _) => self.setup_request(),
            (Who::Refresh(k), _) => match self.refresh_request(k as usize) {
                Some(r) => r,
                None => return,
            },
            (Who::Resource(_), None) => return, // never: a resource's index
            (Who::Resource(_), Some(i)) => match self.request_for(i) {
                Ok(r) => r,
                Err(e) => {
                    self.invalid_plan(now_ms, i, e);
                    self.pump(now_ms);
                    return;
                }
            },
        };
        let (attempt, provider_try) = {
            let st = self.state(who);
            st.in_call = true;
            (st.attempt, st.provider_try)
        };
        let id = self.next_call;
        self.next_call += 1;
        let op = request.operation();
        debug_assert_eq!(id, self.calls.len() as u64 + 1, "one entry per call id");
        self.open_calls += 1;
        self.trace.max_calls_in_flight = self.trace.max_calls_in_flight.max(self.open_calls);
        if self.calls.is_empty() {
            self.trace.first_call_ms = now_ms;
            // Room for the calls at once rather than by doubling: about nine a resource under
            // the default profile (an account's creation, polls, move and read-back).
            let room = CALLS_PER_RESOURCE * self.plan.resources.len();
            self.calls.reserve(room);
            if self.keep_calls {
                self.trace.calls.reserve(room);
            }
        }
        self.calls.push(CallMeta {
            who,
            op,
            open: true,
        });
        self.trace.tally.calls += 1;
        if self.in_refresh(who) {
            if let Some(r) = self.trace.refresh.as_mut() {
                if r.calls == 0 {
                    r.start_ms = now_ms;
                }
                r.calls += 1;
            }
        }
        if attempt > 1 || provider_try > 1 {
            self.trace.tally.retries += 1;
        }
        if self.keep_calls {
            self.trace.calls.push(CallRecord {
                id,
                resource: who.resource(),
                op,
                attempt,
                provider_try,
                start_ms: now_ms,
                end_ms: None,
                error: None,
                message: "".into(),
            });
        }
        self.outbox.push_back(Call { id, request });
    }

    pub(super) fn next_step(&mut self, now_ms: u64, who: usize, step: Step) {
        let st = self.state(Who::of(who));
        st.step = step;
        st.attempt = 1;
        st.provider_try = 1;
        st.step_started_ms = now_ms;
    }

    /// Resource `who` fails as `InvalidPlan`: the id it needs is missing, and no call goes out with an
    /// empty one.
    pub(super) fn invalid_plan(&mut self, now_ms: u64, who: usize, e: Invalid) {
        let o = Outcome::Failed {
            code: Failure::InvalidPlan,
            message: e.message,
        };
        self.finish(now_ms, who, o);
    }

    pub(super) fn fail_all(&mut self, now_ms: u64, code: Failure, message: &str) {
        for i in 0..self.plan.resources.len() {
            if !self.trace.resources[i].outcome.is_terminal() {
                self.trace.resources[i].outcome = Outcome::Failed {
                    code: code.clone(),
                    message: message.to_string(),
                };
                self.trace.resources[i].end_ms = Some(now_ms);
                self.terminal += 1;
            }
        }
        self.ready.clear();
        self.factory_queue.clear();
        self.trace.end_ms = now_ms;
    }

    pub(super) fn make_ready(&mut self, now_ms: u64, i: usize) {
        self.trace.resources[i].ready_ms = Some(now_ms);
        if let Some(id) = self.plan.state_id(i).cloned() {
            // In state and refreshed: a no-op of this apply.
            self.trace.resources[i].start_ms = Some(now_ms);
            self.finish(now_ms, i, Outcome::Existing { id });
            return;
        }
        match &self.plan.resources[i].spec {
            // The account's CreateAccount carried these tags: nothing left to do.
            Spec::Tags { account, .. }
                if self.cfg.tags_in_create
                    && matches!(
                        self.trace.resources[*account].outcome,
                        Outcome::Created { .. }
                    ) =>
            {
                let id = or_invalid!(self, now_ms, i, self.id_of(*account));
                self.trace.resources[i].start_ms = Some(now_ms);
                self.finish(now_ms, i, Outcome::Created { id });
            }
            Spec::Account { .. } if self.cfg.account_factory > 0 => self.factory_queue.push_back(i),
            _ => {
                self.ready.insert(i);
            }
        }
    }

    /// Starts ready resources while slots are free: accounts in the factory first come first
    /// served, the rest in plan order.
    pub(super) fn pump(&mut self, now_ms: u64) {
        while self.factory_in_flight < self.cfg.account_factory as usize {
            let Some(i) = self.factory_queue.pop_front() else {
                break;
            };
            self.factory_in_flight += 1;
            self.begin(now_ms, i, true);
        }
        while self.in_flight < self.cfg.parallelism as usize {
            let Some(i) = self.ready.pop_first() else {
                break;
            };
            self.in_flight += 1;
            self.trace.max_resources_in_flight =
                self.trace.max_resources_in_flight.max(self.in_flight);
            self.begin(now_ms, i, false);
        }
    }

    pub(super) fn begin(&mut self, now_ms: u64, i: usize, factory: bool) {
        self.trace.resources[i].start_ms = Some(now_ms);
        let step = if self.cfg.lookup_existing {
            Step::Lookup
        } else {
            Step::Create
        };
        self.active[i] = Some(Active::new(step, now_ms, factory));
        self.issue(now_ms, Who::of(i));
    }

    pub(super) fn finish(&mut self, now_ms: u64, who: usize, outcome: Outcome) {
        if self.trace.resources[who].outcome.is_terminal() {
            return;
        }
        let success = outcome.is_success();
        let rec = &mut self.trace.resources[who];
        rec.outcome = outcome;
        rec.end_ms = Some(now_ms);
        self.terminal += 1;
        if let Some(a) = self.active[who].take() {
            if a.factory {
                self.factory_in_flight -= 1;
            } else {
                self.in_flight -= 1;
            }
        }
        self.trace.end_ms = self.trace.end_ms.max(now_ms);
        for k in self.dependents_at[who]..self.dependents_at[who + 1] {
            let d = self.dependents[k];
            if success {
                self.remaining_deps[d] -= 1;
                if self.remaining_deps[d] == 0 && !self.trace.resources[d].outcome.is_terminal() {
                    self.make_ready(now_ms, d);
                }
            } else {
                self.ready.remove(&d);
                self.factory_queue.retain(|&q| q != d);
                self.finish(now_ms, d, Outcome::Skipped { cause: who });
            }
        }
    }
}
