//! The apply engine: a sans-IO state machine that walks a [`Plan`] like a deployer would.
//!
//! Architecture invariant: the engine never sleeps, never reads a clock and does no I/O. It is
//! told what time it is and how each call ended; it answers with the calls to start
//! ([`Engine::poll_call`]) and the time it next wants to be woken ([`Engine::poll_timeout`]).
//! The simulation driver (`crate::sim`) runs it in virtual time; a live driver runs the same
//! code against a real endpoint. Randomness (backoff jitter, provisioning times) comes from
//! generators seeded by the driver.
//!
//! What it does is set by the deployer profile ([`DeployConfig`], `docs/model.md`):
//! - at most `parallelism` resources in their operation at once (the slot is held through
//!   retries, backoff and polling, as Terraform's walker holds its semaphore); with an account
//!   factory (`account_factory` > 0) accounts queue FIFO for a factory slot instead;
//! - after the deployer's overhead (a constant, or drawn per run from `[deploy.overhead]`),
//!   the setup's reads (ListRoots to find the root; with `data_source_reads` the organization
//!   data source's four reads), then resources in plan order as their dependencies complete;
//! - accounts: CreateAccount (with the tags when `tags_in_create`) → DescribeCreateAccountStatus
//!   (at once when `poll_at_once`, then every `poll_interval_s`) until SUCCEEDED or FAILED, or
//!   `Timeout` when `create_timeout_s` after acceptance no poll has seen it leave IN_PROGRESS →
//!   (ListParents when `read_after_create`) → MoveAccount into the tier OU → (the read-back) →
//!   (provisioning, with an account factory);
//! - `read_after_create`: every created resource is read back as the Terraform provider does;
//! - retries in two layers: the SDK's standard mode (throttling, transient errors and
//!   `sdk_retry_codes`; `max_attempts` attempts; full-jitter exponential backoff capped at
//!   `backoff_cap_ms`; a client-wide retry quota unless 0), then the deployer's own retries of
//!   `provider_retry_codes` with a fresh SDK call until `provider_retry_timeout_s`;
//! - a failed resource fails nothing else but its dependents, which are skipped.

/// The value of `$e`, an id lookup; on its error, resource `$who` fails as `InvalidPlan` and
/// the enclosing function returns (a missing id is never an empty one sent to the service).
macro_rules! or_invalid {
    ($self:ident, $now:expr, $who:expr, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => {
                $self.invalid_plan($now, $who, e);
                return;
            }
        }
    };
}

pub(crate) mod queue;
pub mod trace;

mod answers;
mod machine;
mod orphans;
mod refresh;
mod requests;
mod retry;

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

pub use crate::config::{DeployConfig, DeployOverrides, Deployer};
use crate::org::types::{ApiResult, SharedStr};
use crate::plan::Plan;
pub use machine::Call;
pub(crate) use machine::Engine;
use machine::{Active, Step, Structure, Wake, Who};
use queue::EventQueue;
use trace::{ResourceRecord, Trace};

impl Engine {
    /// An engine for `plan`, with backoff jitter drawn from a generator seeded with `seed`.
    pub(crate) fn new(plan: impl Into<Arc<Plan>>, cfg: &DeployConfig, seed: u64) -> Engine {
        let plan = plan.into();
        let Structure {
            dependents,
            dependents_at,
            tags_of,
        } = Structure::of(&plan);
        let mut engine = Engine {
            cfg: cfg.clone(),
            plan,
            dependents,
            dependents_at,
            tags_of,
            keep_calls: true,
            // The state of a run, set by `restart` below.
            remaining_deps: Vec::new(),
            active: Vec::new(),
            setup: Active::new(Step::Create, 0, false),
            ready: BTreeSet::new(),
            factory_queue: VecDeque::new(),
            in_flight: 0,
            factory_in_flight: 0,
            calls: Vec::new(),
            open_calls: 0,
            timers: EventQueue::new(),
            outbox: VecDeque::new(),
            next_call: 1,
            root_id: None,
            retry_tokens: 0,
            rng: SmallRng::seed_from_u64(seed),
            provision_rng: SmallRng::seed_from_u64(seed),
            overhead_ms: 0,
            trace: Trace::default(),
            started: false,
            terminal: 0,
            guard: None,
            refresh_active: Vec::new(),
            refresh_next: 0,
            refresh_left: 0,
            refresh_in_flight: 0,
            setup_call: 0,
        };
        engine.restart(seed);
        engine
    }

    /// For a live organization whose management account is `management_account_id` (with
    /// `lookup_existing`): the management account is never adopted, moved or tagged (a
    /// customer whose email is its email fails, naming it); before an account is created, the
    /// creation requests IN_PROGRESS or SUCCEEDED are asked for one of its name, which is
    /// awaited or adopted instead of creating a second account (a run killed during a
    /// creation, then run again); a policy adopted by name has its document compared with the
    /// plan's, and one that differs fails as drift. The simulation does not call it.
    pub(crate) fn guarding(mut self, management_account_id: impl Into<SharedStr>) -> Engine {
        self.guard = Some(management_account_id.into());
        self
    }

    /// Keeps only the counts of calls, retries and errors in the trace, not a record of each
    /// call and wait: what a sweep's figures need, at a fraction of the memory.
    pub(crate) fn counts_only(mut self) -> Engine {
        self.keep_calls = false;
        self
    }

    /// Makes this engine the one [`Engine::new`] would make for `plan`, `cfg` and `seed`
    /// (keeping [`Engine::counts_only`]), in place: the vectors keep their memory (a sweep
    /// thread runs one replication after another on one engine, instead of building an engine
    /// and growing fresh vectors call by call each time), and for the same plan what derives
    /// from the plan alone is kept.
    pub(crate) fn reset(&mut self, plan: impl Into<Arc<Plan>>, cfg: &DeployConfig, seed: u64) {
        let plan = plan.into();
        if !Arc::ptr_eq(&plan, &self.plan) {
            let Structure {
                dependents,
                dependents_at,
                tags_of,
            } = Structure::of(&plan);
            (self.dependents, self.dependents_at, self.tags_of) =
                (dependents, dependents_at, tags_of);
            self.plan = plan;
        }
        if self.cfg != *cfg {
            self.cfg = cfg.clone();
        }
        self.restart(seed);
    }

    /// Puts every part of a run back to where a run starts (on the engine's plan and profile,
    /// with generators seeded from `seed`), keeping the vectors' memory: the one place
    /// [`Engine::new`] and [`Engine::reset`] set the state of a run.
    fn restart(&mut self, seed: u64) {
        let n = self.plan.resources.len();
        self.remaining_deps.clear();
        self.remaining_deps
            .extend(self.plan.resources.iter().map(|r| r.deps.len()));
        self.active.clear();
        self.active.resize(n, None);
        self.setup = Active::new(Step::Create, 0, false);
        self.ready.clear();
        self.factory_queue.clear();
        self.in_flight = 0;
        self.factory_in_flight = 0;
        self.calls.clear();
        self.open_calls = 0;
        self.timers.clear();
        self.outbox.clear();
        self.next_call = 1;
        self.root_id = None;
        self.retry_tokens = self.cfg.retry_quota;
        self.rng = SmallRng::seed_from_u64(seed);
        self.provision_rng = SmallRng::seed_from_u64(crate::seed::provisioning(seed));
        self.overhead_ms = match self.cfg.overhead {
            Some(_) => {
                let mut rng = SmallRng::seed_from_u64(crate::seed::overhead(seed));
                self.cfg.overhead_at_ms(rng.sample(StandardNormal))
            }
            None => self.cfg.overhead_ms(),
        };
        let mut calls = std::mem::take(&mut self.trace.calls);
        let mut errors = std::mem::take(&mut self.trace.tally.errors);
        let mut resources = std::mem::take(&mut self.trace.resources);
        calls.clear();
        errors.clear();
        resources.clear();
        resources.resize(n, ResourceRecord::default());
        self.trace = Trace {
            calls,
            resources,
            ..Trace::default()
        };
        self.trace.tally.errors = errors;
        self.started = false;
        self.terminal = 0;
        self.restart_refresh();
    }

    pub(crate) fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The plan, shared.
    pub(crate) fn shared_plan(&self) -> Arc<Plan> {
        Arc::clone(&self.plan)
    }

    /// Starts the deployment at `now_ms`: the deployer's overhead begins.
    pub(crate) fn start(&mut self, now_ms: u64) {
        if self.started {
            return;
        }
        self.started = true;
        let at = now_ms + self.overhead_ms;
        self.schedule(Who::Setup, at, Wake::Issue);
    }

    /// The next call to make, if any.
    pub(crate) fn poll_call(&mut self) -> Option<Call> {
        self.outbox.pop_front()
    }

    /// When the engine next wants [`Engine::handle_timeout`] called.
    pub(crate) fn poll_timeout(&self) -> Option<u64> {
        self.timers.peek_time()
    }

    /// True when every resource is terminal and no call is in flight.
    pub(crate) fn is_done(&self) -> bool {
        self.started
            && self.terminal == self.plan.resources.len()
            && self.open_calls == 0
            && (self.root_id.is_some() || self.timers.is_empty())
    }

    pub(crate) fn trace(&self) -> &Trace {
        &self.trace
    }

    pub(crate) fn into_trace(self) -> Trace {
        self.trace
    }

    /// Resources that are terminal (created, existing, failed or skipped): a live run's progress.
    pub(crate) fn resources_terminal(&self) -> usize {
        self.terminal
    }

    /// Fires every timer due at or before `now_ms`.
    pub(crate) fn handle_timeout(&mut self, now_ms: u64) {
        while let Some((t, &(who, wake))) = self.timers.peek() {
            if t > now_ms {
                break;
            }
            self.timers.pop();
            if self.is_stale(who, wake) {
                continue;
            }
            match (wake, who.resource()) {
                (Wake::Issue, _) => self.wake(now_ms, who),
                (Wake::Deadline(accepted_ms), Some(i)) => self.on_deadline(now_ms, i, accepted_ms),
                // Only a resource's creation has a deadline, not the setup or a refresh.
                (Wake::Deadline(_), None) => {}
            }
        }
        self.prune_timers();
    }

    /// Delivers the answer to call `id` at `now_ms`.
    pub(crate) fn handle_response(&mut self, now_ms: u64, id: u64, result: ApiResult) {
        let Some(meta) = id
            .checked_sub(1)
            .and_then(|i| self.calls.get_mut(i as usize))
            .filter(|m| m.open)
        else {
            return; // unknown or duplicate delivery: ignore
        };
        meta.open = false;
        let (who, op) = (meta.who, meta.op);
        self.open_calls -= 1;
        self.trace.calls_end_ms = self.trace.calls_end_ms.max(now_ms);
        if let Err(e) = &result {
            self.trace
                .tally
                .errors
                .push((who.resource(), e.code.clone()));
            if e.code == crate::org::types::ErrorCode::TooManyRequestsException
                && self.in_refresh(who)
            {
                if let Some(r) = self.trace.refresh.as_mut() {
                    r.throttled += 1;
                }
            }
        }
        if self.keep_calls {
            let record = &mut self.trace.calls[(id - 1) as usize];
            record.end_ms = Some(now_ms);
            if let Err(e) = &result {
                record.error = Some(e.code.clone());
                record.message = e.message.clone();
            }
        }
        match who {
            Who::Setup => self.setup.in_call = false,
            Who::Resource(i) => match self.active[i as usize].as_mut() {
                Some(a) => a.in_call = false,
                None => return, // the resource already ended
            },
            Who::Refresh(k) => match self.refresh_active[k as usize].as_mut() {
                Some(a) => a.in_call = false,
                None => return, // the planning already failed
            },
        }
        match result {
            Ok(resp) => self.on_success(now_ms, who, resp),
            Err(err) => self.on_error(now_ms, who, op, err),
        }
        self.pump(now_ms);
        self.prune_timers();
        if self.is_done() {
            self.trace.end_ms = self.trace.end_ms.max(now_ms);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
