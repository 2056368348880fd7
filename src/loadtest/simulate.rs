//! The load test in virtual time against the model: capacity planning.

use std::collections::BTreeMap;

use super::plans::{
    bootstrap_plan, count_failures, customer_plan, onboarding_config, without_customers,
};
use super::report::{summarize, CallSample, LoadReport, Observed, Onboarding};
use super::schedule::schedule;
use super::LoadSpec;
use crate::engine::trace::Trace;
use crate::engine::Engine;
use crate::scenario::Scenario;
use crate::seed::Stream;
use crate::sim::{Driver, ModelService};

fn observe_trace(t: &Trace, calls: &mut Vec<CallSample>, failures: &mut BTreeMap<String, usize>) {
    for c in &t.calls {
        if let Some(end) = c.end_ms {
            calls.push((
                c.op,
                (end - c.start_ms) * 1000,
                c.error.as_ref().map(|e| e.report_key()),
            ));
        }
    }
    count_failures(t, failures);
}

/// Runs a whole load test in virtual time against the model: the shared resources first, then
/// one deployment per arrival, all against one service. Pure and deterministic for a seed.
pub fn simulate(sc: &Scenario, spec: &LoadSpec, seed: u64) -> LoadReport {
    let times = schedule(&spec.stages, spec.arrivals, Stream::Arrivals.seed(seed));
    let sized = sc.with_customers(times.len().max(1));
    let mut driver = Driver::new(ModelService::new(&sized, seed));
    let cfg = onboarding_config(&sized);
    let cap = spec.max_concurrent.unwrap_or(usize::MAX);
    let bare = without_customers(&sized);
    // Which customer each engine onboards; the first engine deploys the shared resources,
    // before the first arrival is let in.
    let mut customer_of: Vec<Option<usize>> = vec![None];
    driver.start(Engine::new(
        bootstrap_plan(&sized),
        &cfg,
        Stream::Bootstrap.seed(seed),
    ));
    let mut offset: Option<u64> = None; // load time 0 = when the bootstrap ended
    let mut next_arrival = 0usize;
    // Arrived, waiting for a slot under `max_concurrent` (customer indices, in arrival order).
    let mut waiting: std::collections::VecDeque<usize> = Default::default();
    let mut onboardings: Vec<Onboarding> = Vec::with_capacity(times.len());
    let mut calls = Vec::new();
    let mut failures = BTreeMap::new();
    let end = loop {
        // Engines that finished leave the active set.
        let now = driver.now();
        driver.retire_finished(|e, engine| {
            let t = engine.trace();
            match customer_of[e] {
                None => offset = Some(now),
                Some(i) => {
                    let o = &mut onboardings[i];
                    o.end_ms = Some(t.makespan_ms() - offset.unwrap_or(0));
                    o.success = t.resources.iter().all(|r| r.outcome.is_success());
                    observe_trace(t, &mut calls, &mut failures);
                }
            }
        });
        // Waiting customers take the free slots.
        let base = offset.unwrap_or(0);
        while driver.active().len() < cap && offset.is_some() {
            let Some(i) = waiting.pop_front() else { break };
            driver.start(Engine::new(
                customer_plan(&bare, &sized.customers[i]),
                &cfg,
                Stream::Onboarding.seed_of(seed, i as u64),
            ));
            customer_of.push(Some(i));
            onboardings[i].start_ms = Some(now - base);
        }
        // Every call the active engines want now goes to the service.
        driver.send_calls(&mut |_, _, _| {});
        let deadline = offset.map(|o| o + spec.duration_ms() + spec.grace_ms);
        let arrival_at = offset.and_then(|o| times.get(next_arrival).map(|t| t + o));
        let due = driver.next_time();
        let Some(t) = [due, arrival_at].into_iter().flatten().min() else {
            break driver.now();
        };
        if let Some(d) = deadline.filter(|&d| t > d) {
            break d;
        }
        if due == Some(t) {
            driver.advance(t);
        } else {
            driver.set_now(t);
            let i = next_arrival;
            next_arrival += 1;
            onboardings.push(Onboarding {
                customer: sized.customers[i].name.clone(),
                intended_ms: t - base,
                start_ms: None,
                end_ms: None,
                success: false,
            });
            waiting.push_back(i);
        }
    };
    // Calls of onboardings cut off by the deadline still count: those answered with their
    // latency, those still unanswered with how long they had waited by the end.
    let mut unanswered = Vec::new();
    for &e in driver.active() {
        if customer_of[e].is_some() {
            let t = driver.engine(e).trace();
            observe_trace(t, &mut calls, &mut failures);
            for c in t.calls.iter().filter(|c| c.end_ms.is_none()) {
                unanswered.push((c.op, end.saturating_sub(c.start_ms) * 1000));
            }
        }
    }
    let end = end.saturating_sub(offset.unwrap_or(0));
    summarize(Observed {
        interrupted: false,
        sc,
        backend: "sim",
        seed,
        spec,
        onboardings,
        calls,
        unanswered,
        failures,
        end_ms: end,
    })
}
