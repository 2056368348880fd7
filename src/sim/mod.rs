//! The simulation driver: the apply engine against the in-memory Organizations model, in
//! virtual time.
//!
//! Architecture invariant: no I/O, no clock. Virtual time is an integer count of milliseconds;
//! randomness comes from generators seeded from the run seed alone (`crate::seed`), so the same
//! scenario and seed give the same run, bit for bit.

pub mod queueing;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rand::rngs::SmallRng;
use rand::SeedableRng;

pub use crate::engine::queue::EventQueue;
use crate::engine::trace::Trace;
use crate::engine::{Call, Engine};
use crate::org::model::OrgModel;
use crate::org::types::{ApiResult, OrgSnapshot, Request};
use crate::plan::{self, Plan};
use crate::scenario::Scenario;
use crate::seed::Stream;

/// Everything one simulated deployment produced.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub seed: u64,
    pub plan: Arc<Plan>,
    pub trace: Trace,
    /// The organization when the deployment ended.
    pub snapshot: OrgSnapshot,
    /// Events the driver processed (answers delivered and timers fired).
    pub events: u64,
}

/// A service answering the engines' calls in virtual time.
pub(crate) trait Service {
    /// Answers `request` sent at `now_ms`: the latency until the answer arrives, and the answer.
    fn answer(&mut self, now_ms: u64, request: &Request) -> (u64, ApiResult);
}

/// The simulated backend: the model of AWS Organizations and its generator.
pub(crate) struct ModelService {
    pub model: OrgModel,
    rng: SmallRng,
}

impl ModelService {
    /// The model of `sc`'s organization, drawing from the run's service stream of `seed`.
    pub(crate) fn new(sc: &Scenario, seed: u64) -> ModelService {
        ModelService {
            model: OrgModel::for_scenario(sc),
            rng: SmallRng::seed_from_u64(Stream::Service.seed(seed)),
        }
    }
}

impl ModelService {
    /// [`ModelService::new`] with the existing organization taken from `plan`'s state (built
    /// once for all replications of a plan).
    pub(crate) fn for_plan(sc: &Scenario, plan: &Plan, seed: u64) -> ModelService {
        ModelService {
            model: OrgModel::for_plan(sc, plan),
            rng: SmallRng::seed_from_u64(Stream::Service.seed(seed)),
        }
    }
}

impl Service for ModelService {
    fn answer(&mut self, now_ms: u64, request: &Request) -> (u64, ApiResult) {
        let a = self.model.handle(now_ms, request, &mut self.rng);
        (a.latency_ms, a.result)
    }
}

/// A service given as a function (for the unit tests).
#[cfg(test)]
pub(crate) struct FnService<F>(pub F);

#[cfg(test)]
impl<F: FnMut(u64, &Request) -> (u64, ApiResult)> Service for FnService<F> {
    fn answer(&mut self, now_ms: u64, request: &Request) -> (u64, ApiResult) {
        (self.0)(now_ms, request)
    }
}

/// The simulation driver: one or many engines against one service, in virtual time. `run`,
/// `sweep` and the virtual-time load test all go through it.
///
/// Each step sends every call the active engines want now, then delivers the earliest event:
/// one answer (answers before timers at the same instant, in the order they were sent), or the
/// timers due.
pub(crate) struct Driver<S> {
    pub service: S,
    engines: Vec<Engine>,
    active: Vec<usize>,
    /// Answers in flight: (engine, call id, slot in `answers`). The answers themselves wait in
    /// a slab, so the heap moves 24-byte entries rather than whole responses.
    queue: EventQueue<(usize, u64, usize)>,
    answers: Vec<Option<ApiResult>>,
    free: Vec<usize>,
    now: u64,
    events: u64,
}

impl<S: Service> Driver<S> {
    pub(crate) fn new(service: S) -> Driver<S> {
        Driver {
            service,
            engines: Vec::new(),
            active: Vec::new(),
            queue: EventQueue::with_capacity(64),
            answers: Vec::new(),
            free: Vec::new(),
            now: 0,
            events: 0,
        }
    }

    /// The current virtual time (ms).
    pub(crate) fn now(&self) -> u64 {
        self.now
    }

    /// Moves the clock to `t` without an event (an arrival from outside the driver).
    pub(crate) fn set_now(&mut self, t: u64) {
        self.now = self.now.max(t);
    }

    /// Answers delivered and timer instants processed.
    pub(crate) fn events(&self) -> u64 {
        self.events
    }

    /// Starts `engine` now; returns its index.
    pub(crate) fn start(&mut self, mut engine: Engine) -> usize {
        engine.start(self.now);
        self.engines.push(engine);
        let i = self.engines.len() - 1;
        self.active.push(i);
        i
    }

    pub(crate) fn engine(&self, i: usize) -> &Engine {
        &self.engines[i]
    }

    /// Engines still running.
    pub(crate) fn active(&self) -> &[usize] {
        &self.active
    }

    /// Takes the engines that are done out of the active set, showing each to `done`.
    pub(crate) fn retire_finished(&mut self, mut done: impl FnMut(usize, &Engine)) {
        let engines = &self.engines;
        self.active.retain(|&e| {
            if engines[e].is_done() {
                done(e, &engines[e]);
                false
            } else {
                true
            }
        });
    }

    /// Sends every call the active engines want now; `observe` sees each with its answer.
    pub(crate) fn send_calls(&mut self, observe: &mut impl FnMut(u64, &Call, &ApiResult)) {
        for &e in &self.active {
            while let Some(call) = self.engines[e].poll_call() {
                let (latency, result) = self.service.answer(self.now, &call.request);
                observe(self.now, &call, &result);
                let slot = match self.free.pop() {
                    Some(slot) => {
                        self.answers[slot] = Some(result);
                        slot
                    }
                    None => {
                        self.answers.push(Some(result));
                        self.answers.len() - 1
                    }
                };
                self.queue.push(self.now + latency, (e, call.id, slot));
            }
        }
    }

    /// When the next answer or timer of an active engine is due.
    pub(crate) fn next_time(&self) -> Option<u64> {
        let timer = self
            .active
            .iter()
            .filter_map(|&e| self.engines[e].poll_timeout())
            .min();
        match (self.queue.peek_time(), timer) {
            (Some(c), Some(t)) => Some(c.min(t)),
            (c, t) => c.or(t),
        }
    }

    /// Delivers what is due at `t` (from [`Driver::next_time`]): one answer if one is due then,
    /// else every timer due.
    pub(crate) fn advance(&mut self, t: u64) {
        self.events += 1;
        self.now = t;
        if self.queue.peek_time() == Some(t) {
            if let Some((_, (e, id, slot))) = self.queue.pop() {
                self.free.push(slot);
                if let Some(result) = self.answers[slot].take() {
                    self.engines[e].handle_response(t, id, result);
                }
            }
        } else {
            for &e in &self.active {
                if self.engines[e].poll_timeout().is_some_and(|x| x <= t) {
                    self.engines[e].handle_timeout(t);
                }
            }
        }
    }

    /// Runs until no answer or timer is left; returns the time it ended.
    pub(crate) fn run(&mut self, observe: &mut impl FnMut(u64, &Call, &ApiResult)) -> u64 {
        loop {
            self.send_calls(observe);
            match self.next_time() {
                Some(t) => self.advance(t),
                None => return self.now,
            }
        }
    }

    /// [`Driver::run`], looking at `cancel` every few thousand events (well under a
    /// millisecond apart): `None` when it was set before the run ended.
    pub(crate) fn run_cancellable(
        &mut self,
        observe: &mut impl FnMut(u64, &Call, &ApiResult),
        cancel: &AtomicBool,
    ) -> Option<u64> {
        loop {
            if self.events.is_multiple_of(4096) && cancel.load(Ordering::Relaxed) {
                return None;
            }
            self.send_calls(observe);
            match self.next_time() {
                Some(t) => self.advance(t),
                None => return Some(self.now),
            }
        }
    }

    /// The service and the engines, in the order they were started.
    pub(crate) fn into_parts(self) -> (S, Vec<Engine>) {
        (self.service, self.engines)
    }

    /// Takes the engines out (in the order they were started), leaving none.
    pub(crate) fn take_engines(&mut self) -> Vec<Engine> {
        self.active.clear();
        std::mem::take(&mut self.engines)
    }

    /// Makes this driver the one [`Driver::new`] would make for `service`, keeping the memory
    /// of its queue and answer slab (engines still in it are dropped: take them first).
    pub(crate) fn reset(&mut self, service: S) {
        self.service = service;
        self.engines.clear();
        self.active.clear();
        self.queue.clear();
        self.answers.clear();
        self.free.clear();
        self.now = 0;
        self.events = 0;
    }
}

#[cfg(test)]
/// Runs `engine` against a synchronous service function through the simulation driver, for
/// tests and small tools: each call is answered by `service(now, request)` returning
/// (latency, result). Returns the time it ended.
pub(crate) fn run_to_completion(
    engine: &mut Engine,
    service: impl FnMut(u64, &Request) -> (u64, ApiResult),
) -> u64 {
    let placeholder = Engine::new(Plan::default(), &crate::config::DeployConfig::default(), 0);
    let mut driver = Driver::new(FnService(service));
    driver.start(std::mem::replace(engine, placeholder));
    let end = driver.run(&mut |_, _, _| {});
    let (_, mut engines) = driver.into_parts();
    *engine = engines.pop().expect("one engine");
    end
}

#[cfg(test)]
/// One replication as a sweep runs it: the deployment of a plan built once for many, without
/// the organization snapshot, with its trace (counts only: [`Engine::counts_only`]) and the
/// number of events. `None` when `cancel` was set before it ended. (A sweep thread keeps a
/// [`Replicator`] instead, which reuses its memory from one replication to the next.)
pub(crate) fn replicate(
    sc: &Scenario,
    plan: Arc<Plan>,
    seed: u64,
    cancel: &AtomicBool,
) -> Option<(Trace, u64)> {
    let mut r = Replicator::default();
    let events = r.run(sc, plan, seed, cancel)?.1;
    Some((r.engine?.into_trace(), events))
}

/// Replications one after another, as a sweep thread runs them: the driver and the engine of
/// the last replication are reset for the next rather than rebuilt, so the vectors that grow
/// with the calls (the event queue, the answer slab, the engine's calls, timers and errors)
/// keep their memory. Each replication is the one [`replicate`] runs, bit for bit.
#[derive(Default)]
pub struct Replicator {
    driver: Option<Driver<ModelService>>,
    engine: Option<Engine>,
}

impl Replicator {
    /// Runs one replication (see [`replicate`]): its trace, counts only, and the number of
    /// events; `None` when `cancel` was set before it ended.
    pub fn run(
        &mut self,
        sc: &Scenario,
        plan: Arc<Plan>,
        seed: u64,
        cancel: &AtomicBool,
    ) -> Option<(&Trace, u64)> {
        let mut service = ModelService::for_plan(sc, &plan, seed);
        let engine_seed = Stream::Engine.seed(seed);
        let driver = match &mut self.driver {
            Some(d) => {
                // The ids the last model made, shared rather than written again.
                service.model.reuse_ids(d.service.model.take_ids());
                d.reset(service);
                d
            }
            None => self.driver.insert(Driver::new(service)),
        };
        let engine = match self.engine.take() {
            Some(mut e) => {
                e.reset(plan, &sc.deploy, engine_seed);
                e
            }
            None => Engine::new(plan, &sc.deploy, engine_seed).counts_only(),
        };
        driver.start(engine);
        let ended = driver.run_cancellable(&mut |_, _, _| {}, cancel);
        let events = driver.events();
        // Kept for the next replication, cancelled or not.
        self.engine = driver.take_engines().pop();
        ended?;
        let engine = self.engine.as_mut()?;
        settle(&mut driver.service.model, engine);
        Some((engine.trace(), events))
    }
}

/// The end of a simulated run: the service finishes the account creations it accepted (the
/// deployer may have stopped waiting for one), and the engine's trace records the accounts
/// that made and its state does not hold (`Trace::orphans`).
pub(crate) fn settle(model: &mut OrgModel, engine: &mut Engine) {
    model.settle();
    engine.settle_orphans(|request_id| model.created_by(request_id));
}

/// Runs one deployment of `sc` in virtual time with `seed`.
pub fn run(sc: &Scenario, seed: u64) -> RunOutput {
    run_plan(sc, plan::build(sc), seed)
}

/// Runs one deployment of an already built plan.
pub(crate) fn run_plan(sc: &Scenario, plan: impl Into<Arc<Plan>>, seed: u64) -> RunOutput {
    run_plan_observed(sc, plan, seed, |_, _, _| {})
}

/// [`run_plan`], showing `observe` every call as the model answers it: (time sent, request,
/// answer). For tests that check what a deployer saw.
pub fn run_plan_observed(
    sc: &Scenario,
    plan: impl Into<Arc<Plan>>,
    seed: u64,
    mut observe: impl FnMut(u64, &Call, &ApiResult),
) -> RunOutput {
    let plan: Arc<Plan> = plan.into();
    let mut driver = Driver::new(ModelService::for_plan(sc, &plan, seed));
    driver.start(Engine::new(plan, &sc.deploy, Stream::Engine.seed(seed)));
    let now = driver.run(&mut observe);
    let events = driver.events();
    let (service, engines) = driver.into_parts();
    let mut model = service.model;
    let mut engine = engines.into_iter().next().expect("one engine");
    settle(&mut model, &mut engine);
    let snapshot = model.into_snapshot(now);
    let plan = engine.shared_plan();
    RunOutput {
        seed,
        plan,
        trace: engine.into_trace(),
        snapshot,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::scenario;

    #[test]
    fn a_run_creates_every_resource_and_is_deterministic() {
        let sc = scenario(4);
        let a = run(&sc, 42);
        assert!(
            a.trace.resources.iter().all(|r| r.outcome.is_success()),
            "{:?}",
            a.trace.resources
        );
        assert_eq!(a.snapshot.accounts.len(), 5, "management + 4");
        let b = run(&sc, 42);
        assert_eq!(a.trace, b.trace);
        assert_eq!(a.snapshot, b.snapshot);
        let c = run(&sc, 43);
        assert_ne!(a.trace, c.trace);
    }

    #[test]
    fn a_reused_replicator_runs_what_a_fresh_one_runs() {
        // Plans of two sizes, one after the other and again, and a cancelled run in between:
        // what is kept from one replication must not leak into the next.
        let (small, big) = (scenario(2), scenario(6));
        let (small_plan, big_plan) = (Arc::new(plan::build(&small)), Arc::new(plan::build(&big)));
        let never = AtomicBool::new(false);
        let mut r = Replicator::default();
        for seed in 1..=6u64 {
            // small, big, big, small, small, big: the same plan again and another one.
            let (sc, p) = if (seed / 2) % 2 == 0 {
                (&small, &small_plan)
            } else {
                (&big, &big_plan)
            };
            if seed == 3 {
                assert!(r
                    .run(sc, Arc::clone(p), seed, &AtomicBool::new(true))
                    .is_none());
            }
            let fresh = replicate(sc, Arc::clone(p), seed, &never).expect("not cancelled");
            let (trace, events) = r
                .run(sc, Arc::clone(p), seed, &never)
                .expect("not cancelled");
            assert_eq!((trace, events), (&fresh.0, fresh.1), "seed {seed}");
            assert!(trace.tally.calls > 0);
        }
    }
}
