//! The simulation driver: the apply engine against the in-memory Organizations model, in
//! virtual time.
//!
//! Architecture invariant: no I/O, no clock. Virtual time is an integer count of milliseconds;
//! randomness comes from generators seeded from the run seed alone ([`derive_seed`]), so the same
//! scenario and seed give the same run, bit for bit.

pub mod queue;
pub mod queueing;

use std::collections::BTreeMap;

use rand::rngs::SmallRng;
use rand::SeedableRng;

use crate::engine::trace::Trace;
use crate::engine::Engine;
use crate::org::model::OrgModel;
use crate::org::types::{ApiResult, OrgSnapshot};
use crate::plan::{self, Plan};
use crate::scenario::Scenario;
pub use queue::EventQueue;

/// SplitMix64: a well-mixed 64-bit value from `x`.
pub fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed derived from a base seed and a path of indices (customer count, replication, stream).
/// Each part is mixed in turn, so different paths give independent-looking seeds.
pub fn derive_seed(seed: u64, parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(splitmix64(seed), |acc, &p| splitmix64(acc ^ splitmix64(p)))
}

/// Stream ids for the generators of one run.
const STREAM_SERVICE: u64 = 1;
const STREAM_ENGINE: u64 = 2;

/// Everything one simulated deployment produced.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub seed: u64,
    pub plan: Plan,
    pub trace: Trace,
    /// The organization when the deployment ended.
    pub snapshot: OrgSnapshot,
    /// Events the driver processed (answers delivered and timers fired).
    pub events: u64,
}

/// The account ids the scenario's customers are known by, first claim winning.
pub fn account_id_hints(sc: &Scenario) -> BTreeMap<String, String> {
    let mut hints = BTreeMap::new();
    let mut used = std::collections::BTreeSet::new();
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
    hints
}

/// Runs one deployment of `sc` in virtual time with `seed`.
pub fn run(sc: &Scenario, seed: u64) -> RunOutput {
    run_plan(sc, plan::build(sc), seed)
}

/// Runs one deployment of an already built plan.
pub fn run_plan(sc: &Scenario, plan: Plan, seed: u64) -> RunOutput {
    run_plan_observed(sc, plan, seed, |_, _, _| {})
}

/// [`run_plan`], showing `observe` every call as the model answers it: (time sent, request,
/// answer). For tests that check what a deployer saw.
pub fn run_plan_observed(
    sc: &Scenario,
    plan: Plan,
    seed: u64,
    mut observe: impl FnMut(u64, &crate::engine::Call, &ApiResult),
) -> RunOutput {
    let mut model = OrgModel::new(sc.service.clone(), &sc.organization);
    model.set_account_id_hints(account_id_hints(sc));
    let mut rng = SmallRng::seed_from_u64(derive_seed(seed, &[STREAM_SERVICE]));
    let mut engine = Engine::new(plan, &sc.deploy, derive_seed(seed, &[STREAM_ENGINE]));
    let mut queue: EventQueue<(u64, ApiResult)> = EventQueue::with_capacity(64);
    let mut now = 0u64;
    let mut events = 0u64;
    engine.start(now);
    loop {
        while let Some(call) = engine.poll_call() {
            let answer = model.handle(now, &call.request, &mut rng);
            observe(now, &call, &answer.result);
            queue.push(now + answer.latency_ms, (call.id, answer.result));
        }
        let call_at = queue.peek_time();
        let timer_at = engine.poll_timeout();
        let call_first = match (call_at, timer_at) {
            (None, None) => break,
            (Some(c), Some(t)) => c <= t,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        events += 1;
        if call_first {
            if let Some((t, (id, result))) = queue.pop() {
                now = t;
                engine.handle_response(now, id, result);
            }
        } else if let Some(t) = timer_at {
            now = t;
            engine.handle_timeout(now);
        }
    }
    let snapshot = model.snapshot(now);
    let plan = engine.plan().clone();
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
    fn derived_seeds_differ_by_path() {
        assert_ne!(derive_seed(1, &[1]), derive_seed(1, &[2]));
        assert_ne!(derive_seed(1, &[1, 2]), derive_seed(1, &[2, 1]));
        assert_eq!(derive_seed(9, &[3, 4]), derive_seed(9, &[3, 4]));
    }
}
