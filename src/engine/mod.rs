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
//! - after the deployer's overhead, one ListRoots to find the root, then resources in plan
//!   order as their dependencies complete;
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

pub mod trace;

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, VecDeque};
use std::sync::Arc;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

use crate::config::Invalid;
pub use crate::config::{DeployConfig, DeployOverrides, Deployer};
use crate::org::types::{
    ApiError, ApiResult, CreateAccountState, ErrorCode, Operation, Request, Response, SharedStr,
    Tags,
};
use crate::plan::{Plan, Spec};
use trace::{CallRecord, Failure, Outcome, ResourceRecord, Trace, Wait, WaitKind};

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

/// What the engine remembers of each call it sent.
#[derive(Debug, Clone, Copy)]
struct CallMeta {
    /// The resource it serves, or `SETUP`.
    who: usize,
    op: Operation,
    /// Not answered yet.
    open: bool,
}

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
struct Active {
    step: Step,
    /// SDK attempt of the current SDK call, from 1.
    attempt: u32,
    /// Provider try of the current step, from 1.
    provider_try: u32,
    /// When the current step began (for the provider's retry timeout).
    step_started_ms: u64,
    /// A call of this resource is in flight.
    in_call: bool,
    /// The creation deadline passed while a status poll was in flight: its answer decides.
    deadline_hit: bool,
    /// Holds an account-factory slot rather than a `parallelism` slot.
    factory: bool,
}

impl Active {
    fn new(step: Step, now_ms: u64, factory: bool) -> Active {
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
struct Structure {
    dependents: Vec<usize>,
    dependents_at: Vec<usize>,
    tags_of: Vec<Option<usize>>,
}

impl Structure {
    fn of(plan: &Plan) -> Structure {
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
enum Wake {
    /// Send the current step's request again (after a backoff or a poll interval), or end a
    /// provisioning wait.
    Issue,
    /// The account creation accepted at this time has reached `create_timeout_s`.
    Deadline(u64),
}

const SETUP: usize = usize::MAX;

/// Calls to make room for per resource when the first call goes out (1,940 calls for the 220
/// resources of `scenarios/hundred-customers.toml` under the default profile).
const CALLS_PER_RESOURCE: usize = 10;

/// Why the retry layers gave a failed call up.
enum GaveUp {
    /// Not an error either layer retries.
    NotRetryable,
    /// The SDK's attempts ran out.
    Attempts,
    /// The SDK's retry quota was empty.
    Quota,
    /// The deployer's own retries ran past their timeout.
    ProviderTimeout,
}

/// The apply engine. See the module documentation.
pub struct Engine {
    cfg: DeployConfig,
    /// Shared: a sweep builds one plan per customer count for all its replications.
    plan: Arc<Plan>,
    /// The resources that depend on each: those of resource `i` are
    /// `dependents[dependents_at[i]..dependents_at[i + 1]]`, in plan order (two allocations per
    /// engine, not one per resource).
    dependents: Vec<usize>,
    dependents_at: Vec<usize>,
    remaining_deps: Vec<usize>,
    /// For each account resource, its tags resource (for `tags_in_create`).
    tags_of: Vec<Option<usize>>,
    active: Vec<Option<Active>>,
    setup: Active,
    ready: BTreeSet<usize>,
    /// Accounts waiting for an account-factory slot, first come first served.
    factory_queue: VecDeque<usize>,
    in_flight: usize,
    factory_in_flight: usize,
    /// Every call sent: call `id` is `calls[id - 1]` (and `trace.calls[id - 1]` when calls are
    /// kept): ids count from 1.
    calls: Vec<CallMeta>,
    /// Calls sent and not yet answered.
    open_calls: usize,
    /// Record every call and wait in the trace (a run's reports need them); a sweep keeps only
    /// the counts ([`Engine::counts_only`]).
    keep_calls: bool,
    timers: BinaryHeap<Reverse<(u64, u64, usize, Wake)>>,
    timer_seq: u64,
    outbox: VecDeque<Call>,
    next_call: u64,
    root_id: Option<SharedStr>,
    retry_tokens: u32,
    rng: SmallRng,
    /// Provisioning times (account factory), a stream apart from the jitter.
    provision_rng: SmallRng,
    trace: Trace,
    started: bool,
    terminal: usize,
    /// The management account of a live organization ([`Engine::guarding`]).
    guard: Option<SharedStr>,
}

impl Engine {
    /// An engine for `plan`, with backoff jitter drawn from a generator seeded with `seed`.
    pub fn new(plan: impl Into<Arc<Plan>>, cfg: &DeployConfig, seed: u64) -> Engine {
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
            timers: BinaryHeap::new(),
            timer_seq: 0,
            outbox: VecDeque::new(),
            next_call: 1,
            root_id: None,
            retry_tokens: 0,
            rng: SmallRng::seed_from_u64(seed),
            provision_rng: SmallRng::seed_from_u64(seed),
            trace: Trace::default(),
            started: false,
            terminal: 0,
            guard: None,
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
    pub fn guarding(mut self, management_account_id: impl Into<SharedStr>) -> Engine {
        self.guard = Some(management_account_id.into());
        self
    }

    /// True when `id` is the guarded management account.
    fn is_management(&self, id: &str) -> bool {
        self.guard.as_deref() == Some(id)
    }

    /// The failure of a resource that would touch the management account `id`.
    fn management_refused(&self, who: usize, id: &str) -> Outcome {
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

    /// Keeps only the counts of calls, retries and errors in the trace, not a record of each
    /// call and wait: what a sweep's figures need, at a fraction of the memory.
    pub fn counts_only(mut self) -> Engine {
        self.keep_calls = false;
        self
    }

    /// Makes this engine the one [`Engine::new`] would make for `plan`, `cfg` and `seed`
    /// (keeping [`Engine::counts_only`]), in place: the vectors keep their memory (a sweep
    /// thread runs one replication after another on one engine, instead of building an engine
    /// and growing fresh vectors call by call each time), and for the same plan what derives
    /// from the plan alone is kept.
    pub fn reset(&mut self, plan: impl Into<Arc<Plan>>, cfg: &DeployConfig, seed: u64) {
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
        self.timer_seq = 0;
        self.outbox.clear();
        self.next_call = 1;
        self.root_id = None;
        self.retry_tokens = self.cfg.retry_quota;
        self.rng = SmallRng::seed_from_u64(seed);
        self.provision_rng = SmallRng::seed_from_u64(crate::seed::provisioning(seed));
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
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The plan, shared.
    pub fn shared_plan(&self) -> Arc<Plan> {
        Arc::clone(&self.plan)
    }

    /// Starts the deployment at `now_ms`: the deployer's overhead begins.
    pub fn start(&mut self, now_ms: u64) {
        if self.started {
            return;
        }
        self.started = true;
        let at = now_ms + self.cfg.overhead_ms();
        self.schedule(SETUP, at, Wake::Issue);
    }

    /// The next call to make, if any.
    pub fn poll_call(&mut self) -> Option<Call> {
        self.outbox.pop_front()
    }

    /// When the engine next wants [`Engine::handle_timeout`] called.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.timers.peek().map(|Reverse((t, ..))| *t)
    }

    /// True when every resource is terminal and no call is in flight.
    pub fn is_done(&self) -> bool {
        self.started
            && self.terminal == self.plan.resources.len()
            && self.open_calls == 0
            && (self.root_id.is_some() || self.timers.is_empty())
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    pub fn into_trace(self) -> Trace {
        self.trace
    }

    /// Resources that are terminal (created, existing, failed or skipped): a live run's progress.
    pub fn resources_terminal(&self) -> usize {
        self.terminal
    }

    /// Resources in their operation right now (`parallelism` slots).
    pub fn resources_in_flight(&self) -> usize {
        self.in_flight
    }

    /// Fires every timer due at or before `now_ms`.
    pub fn handle_timeout(&mut self, now_ms: u64) {
        while let Some(&Reverse((t, _, who, wake))) = self.timers.peek() {
            if t > now_ms {
                break;
            }
            self.timers.pop();
            if self.is_stale(who, wake) {
                continue;
            }
            match wake {
                Wake::Issue => self.wake(now_ms, who),
                Wake::Deadline(accepted_ms) => self.on_deadline(now_ms, who, accepted_ms),
            }
        }
        self.prune_timers();
    }

    /// A timer whose purpose has passed: its resource ended, or (a creation deadline) the
    /// status left IN_PROGRESS in time.
    fn is_stale(&self, who: usize, wake: Wake) -> bool {
        if who == SETUP {
            return false;
        }
        match (&self.active[who], wake) {
            (None, _) => true,
            (Some(_), Wake::Issue) => false,
            (Some(a), Wake::Deadline(accepted)) => {
                !matches!(a.step, Step::Poll { accepted_ms, .. } if accepted_ms == accepted)
            }
        }
    }

    /// Drops stale timers from the top of the heap, so that [`Engine::poll_timeout`] never
    /// asks to be woken for nothing (a live driver would sleep until then).
    fn prune_timers(&mut self) {
        while let Some(&Reverse((_, _, who, wake))) = self.timers.peek() {
            if !self.is_stale(who, wake) {
                break;
            }
            self.timers.pop();
        }
    }

    /// Delivers the answer to call `id` at `now_ms`.
    pub fn handle_response(&mut self, now_ms: u64, id: u64, result: ApiResult) {
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
                .push(((who != SETUP).then_some(who), e.code.clone()));
        }
        if self.keep_calls {
            let record = &mut self.trace.calls[(id - 1) as usize];
            record.end_ms = Some(now_ms);
            if let Err(e) = &result {
                record.error = Some(e.code.clone());
                record.message = e.message.clone();
            }
        }
        if who == SETUP {
            self.setup.in_call = false;
        } else {
            match self.active[who].as_mut() {
                Some(a) => a.in_call = false,
                None => return, // the resource already ended
            }
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

    fn state(&mut self, who: usize) -> &mut Active {
        if who == SETUP {
            &mut self.setup
        } else {
            self.active[who].as_mut().expect("active resource")
        }
    }

    fn schedule(&mut self, who: usize, at: u64, wake: Wake) {
        self.timer_seq += 1;
        self.timers.push(Reverse((at, self.timer_seq, who, wake)));
    }

    fn wait(&mut self, now_ms: u64, who: usize, delay: u64, kind: WaitKind) {
        if who != SETUP && self.keep_calls {
            let waits = &mut self.trace.resources[who].waits;
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
    fn wake(&mut self, now_ms: u64, who: usize) {
        if who != SETUP {
            if let Some(Active {
                step: Step::Provision { account_id },
                ..
            }) = &self.active[who]
            {
                let id = account_id.clone();
                self.finish(now_ms, who, Outcome::Created { id });
                self.pump(now_ms);
                return;
            }
        }
        self.issue(now_ms, who);
    }

    /// Sends the request of `who`'s current step.
    fn issue(&mut self, now_ms: u64, who: usize) {
        let request = match self.request_for(who) {
            Ok(r) => r,
            Err(e) => {
                self.invalid_plan(now_ms, who, e);
                self.pump(now_ms);
                return;
            }
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
        if attempt > 1 || provider_try > 1 {
            self.trace.tally.retries += 1;
        }
        if self.keep_calls {
            self.trace.calls.push(CallRecord {
                id,
                resource: (who != SETUP).then_some(who),
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

    fn id_of(&self, i: usize) -> Result<SharedStr, Invalid> {
        self.id_ref(i).cloned()
    }

    /// The id resource `i` was created or found with; none is a broken invariant of the plan
    /// (a resource is started only once those it depends on succeeded).
    fn id_ref(&self, i: usize) -> Result<&SharedStr, Invalid> {
        self.trace.resources[i]
            .outcome
            .shared_id()
            .ok_or_else(|| Invalid::new(format!("{} has no id", self.plan.resources[i].address)))
    }

    /// The root's id (ListRoots answered before any resource starts).
    fn root_of(&self) -> Result<SharedStr, Invalid> {
        self.root_id
            .clone()
            .ok_or_else(|| Invalid::new("no root: ListRoots has not answered"))
    }

    /// `who` fails as `InvalidPlan`: the id it needs is missing, and no call goes out with an
    /// empty one.
    fn invalid_plan(&mut self, now_ms: u64, who: usize, e: Invalid) {
        let o = Outcome::Failed {
            code: Failure::InvalidPlan,
            message: e.message,
        };
        self.finish(now_ms, who, o);
    }

    /// How many read-back calls resource `who` makes (see [`Engine::read_request`]).
    fn reads_of(&self, who: usize) -> usize {
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
    fn read_request(&self, who: usize, id: &SharedStr, k: usize) -> Option<Request> {
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

    fn request_for(&self, who: usize) -> Result<Request, Invalid> {
        if who == SETUP {
            return Ok(Request::ListRoots);
        }
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

    /// The tags CreateAccount carries: the account's planned tags under `tags_in_create`.
    fn create_tags(&self, account: usize) -> Tags {
        if !self.cfg.tags_in_create {
            return Tags::new();
        }
        match self.tags_of[account].map(|t| &self.plan.resources[t].spec) {
            Some(Spec::Tags { tags, .. }) => tags.clone(),
            _ => Tags::new(),
        }
    }

    fn refund(&mut self, retried: bool) {
        if self.cfg.retry_quota == 0 {
            return;
        }
        let back = if retried { self.cfg.retry_cost } else { 1 };
        self.retry_tokens = (self.retry_tokens + back).min(self.cfg.retry_quota);
    }

    /// The resource is created as `id`: read it back (`read_after_create`), then provision it
    /// (account factory), then it is done.
    fn created(&mut self, now_ms: u64, who: usize, id: SharedStr) {
        if self.cfg.read_after_create && self.reads_of(who) > 0 {
            self.next_step(now_ms, who, Step::Read { id, k: 0 });
            self.issue(now_ms, who);
        } else {
            self.provision_or_finish(now_ms, who, id);
        }
    }

    fn provision_or_finish(&mut self, now_ms: u64, who: usize, id: SharedStr) {
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

    /// The creation deadline of the account accepted at `accepted_ms` has come. A poll in
    /// flight is awaited (the plugin SDK's grace for a refresh in progress); otherwise the
    /// account times out now.
    fn on_deadline(&mut self, now_ms: u64, who: usize, accepted_ms: u64) {
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
    fn time_out(&mut self, now_ms: u64, who: usize) {
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

    /// Full-jitter exponential backoff after failed SDK attempt `attempt` (from 1), as
    /// aws-sdk-go-v2's `ExponentialJitterBackoff`: U(0, base·2^attempt) while that ceiling is
    /// within the cap, and exactly the cap (no jitter) from then on.
    fn sdk_backoff(&mut self, attempt: u32) -> u64 {
        let base = self.cfg.backoff_base_ms;
        let cap = self.cfg.backoff_cap_ms;
        if base == 0 {
            return 0;
        }
        let ceiling = if attempt >= 63 {
            u64::MAX
        } else {
            base.saturating_mul(1u64 << attempt)
        };
        if ceiling > cap {
            cap
        } else {
            self.rng.random_range(0..ceiling)
        }
    }

    fn on_error(&mut self, now_ms: u64, who: usize, op: Operation, err: ApiError) {
        let (attempt, provider_try, step_started, deadline_hit) = {
            let st = self.state(who);
            (
                st.attempt,
                st.provider_try,
                st.step_started_ms,
                st.deadline_hit,
            )
        };
        if deadline_hit {
            // A status poll in flight at the creation deadline failed: the wait is over.
            self.time_out(now_ms, who);
            return;
        }
        // Layer 1: the SDK's standard retry mode.
        let sdk_retryable =
            err.code.is_sdk_retryable() || listed(&self.cfg.sdk_retry_codes, &err.code);
        let mut gave_up = GaveUp::NotRetryable;
        if sdk_retryable {
            if attempt >= self.cfg.max_attempts {
                gave_up = GaveUp::Attempts;
            } else if self.cfg.retry_quota > 0 && self.retry_tokens < self.cfg.retry_cost {
                gave_up = GaveUp::Quota;
                self.trace.retry_quota_exhausted += 1;
            } else {
                if self.cfg.retry_quota > 0 {
                    self.retry_tokens -= self.cfg.retry_cost;
                }
                let delay = self.sdk_backoff(attempt);
                self.state(who).attempt += 1;
                self.wait(now_ms, who, delay, WaitKind::Backoff);
                return;
            }
        }
        // Layer 2: the deployer's own retries of "try again later" errors.
        if listed(&self.cfg.provider_retry_codes, &err.code) {
            if now_ms.saturating_sub(step_started) < self.cfg.provider_retry_timeout_ms() {
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
            gave_up = GaveUp::ProviderTimeout;
        }
        if who == SETUP {
            self.fail_all(now_ms, Failure::Setup(err.code), &err.message);
            return;
        }
        let message = match gave_up {
            GaveUp::NotRetryable => format!("{op} (not retried): {}", err.message),
            GaveUp::Attempts => format!(
                "{op} gave up after {attempt} attempt{} (max_attempts {}): {}",
                if attempt == 1 { "" } else { "s" },
                self.cfg.max_attempts,
                err.message
            ),
            GaveUp::Quota => format!(
                "{op} gave up after {attempt} attempt{}: the SDK's retry quota is empty \
                 ({} of {} tokens left, a retry costs {}): {}",
                if attempt == 1 { "" } else { "s" },
                self.retry_tokens,
                self.cfg.retry_quota,
                self.cfg.retry_cost,
                err.message
            ),
            GaveUp::ProviderTimeout => format!(
                "{op} gave up after {provider_try} tries over {}: {}",
                go_duration(self.cfg.provider_retry_timeout_ms()),
                err.message
            ),
        };
        let code = Failure::Api(err.code);
        self.finish(now_ms, who, Outcome::Failed { code, message });
    }

    fn fail_all(&mut self, now_ms: u64, code: Failure, message: &str) {
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

    fn make_ready(&mut self, now_ms: u64, i: usize) {
        self.trace.resources[i].ready_ms = Some(now_ms);
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
    fn pump(&mut self, now_ms: u64) {
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

    fn begin(&mut self, now_ms: u64, i: usize, factory: bool) {
        self.trace.resources[i].start_ms = Some(now_ms);
        let step = if self.cfg.lookup_existing {
            Step::Lookup
        } else {
            Step::Create
        };
        self.active[i] = Some(Active::new(step, now_ms, factory));
        self.issue(now_ms, i);
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

/// A duration as Go prints it ("10m0s", "4m0s", "1h0m0s", "30s"), as the provider's messages
/// show it.
fn go_duration(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{h}h{m}m{sec}s")
    } else if m > 0 {
        format!("{m}m{sec}s")
    } else {
        format!("{sec}s")
    }
}

/// True when two policy documents say the same: equal as JSON values (whitespace and key order
/// aside), else equal as text.
fn same_document(planned: &str, found: &str) -> bool {
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

/// True when `code` is one of `codes` (a profile's few retry codes: a scan, no set to build).
fn listed(codes: &[String], code: &ErrorCode) -> bool {
    let code = code.as_str();
    codes.iter().any(|c| c == code)
}

/// The account a `Tags` resource belongs to.
fn who_account(plan: &Plan, who: usize) -> usize {
    match plan.resources[who].spec {
        Spec::Tags { account, .. } => account,
        _ => who,
    }
}

#[cfg(test)]
pub(crate) mod tests;
