//! The live load test: the load test's schedule run in wall-clock time, one
//! [`crate::live::apply_logged`] per arriving customer against one shared client (the `mock` and `sdk`
//! backends of `orgsim load`). Built on the live driver, as [`super::simulate`] is on the
//! simulation driver.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_sdk_organizations::Client;

use super::plans::{
    bootstrap_plan, count_failures, customer_plan, onboarding_config, without_customers,
};
use super::report::Onboarding;
use super::LoadSpec;
use crate::clock::Clock;
use crate::engine::trace::CallSample;
use crate::live::{apply, apply_logged, interrupt, LiveRun, SharedCallLog, Watch};
use crate::org::types::Operation;
use crate::seed::Stream;

/// The organization a live load test deploys into: its client, and its management account
/// (never touched).
#[derive(Clone, Copy)]
pub struct LiveOrg<'a> {
    pub client: &'a Client,
    pub management_account_id: &'a str,
}

/// What a live load test saw (see [`load_test`]).
#[derive(Debug)]
pub struct LiveLoad {
    /// The shared resources' deployment, before the first arrival.
    pub bootstrap: LiveRun,
    pub onboardings: Vec<Onboarding>,
    /// Every answered call of the onboardings, finished or cut off.
    pub calls: Vec<CallSample>,
    /// Calls sent and unanswered when the test ended: operation, µs waited by then.
    pub unanswered: Vec<(Operation, u64)>,
    pub failures: BTreeMap<String, usize>,
    /// Asynchronous account creation times seen (engine ms; see `config::latency`).
    pub creations_ms: Vec<u64>,
    /// Engine ms from the first arrival's time 0 to the end of the test.
    pub end_ms: u64,
    pub interrupted: bool,
    /// The first endpoint fault of the bootstrap or an onboarding (see [`LiveRun`]): the test
    /// stopped there.
    pub endpoint_fault: Option<String>,
}

/// A live load test: deploys the shared resources of `sc` (sized to one customer per arrival),
/// then at each time of `times` (engine ms after the bootstrap) starts that customer's own
/// onboarding — its own engine and `apply`, all concurrent, sharing `client` — holding at most
/// `spec.max_concurrent` in flight. Stops at the end of the stages plus the grace, or on Ctrl-C;
/// onboardings still running then are `unfinished`. `progress`, if given, counts finished
/// onboardings.
pub async fn load_test(
    sc: &crate::scenario::Scenario,
    spec: &LoadSpec,
    times: &[u64],
    seed: u64,
    org: LiveOrg<'_>,
    clock: Clock,
    progress: Option<&indicatif::ProgressBar>,
) -> LiveLoad {
    let LiveOrg {
        client,
        management_account_id,
    } = org;
    let cfg = onboarding_config(sc);
    let bootstrap = apply(
        bootstrap_plan(sc),
        &cfg,
        Stream::Bootstrap.seed(seed),
        client,
        clock,
        management_account_id,
        None,
    )
    .await;
    let mut onboardings: Vec<Onboarding> = times
        .iter()
        .zip(&sc.customers)
        .map(|(&t, c)| Onboarding {
            customer: c.name.clone(),
            intended_ms: t,
            start_ms: None,
            end_ms: None,
            success: false,
        })
        .collect();
    let bootstrap_fault = bootstrap.endpoint_fault.clone();
    let mut out = LiveLoad {
        bootstrap,
        onboardings: Vec::new(),
        calls: Vec::new(),
        unanswered: Vec::new(),
        failures: BTreeMap::new(),
        creations_ms: Vec::new(),
        end_ms: 0,
        interrupted: false,
        endpoint_fault: bootstrap_fault,
    };
    if out.bootstrap.interrupted || out.endpoint_fault.is_some() {
        out.interrupted = true;
        out.onboardings = onboardings;
        return out;
    }
    let t0 = clock.now_ms();
    let since = move || clock.now_ms().saturating_sub(t0);
    let starts: Arc<Mutex<Vec<Option<u64>>>> = Arc::new(Mutex::new(vec![None; times.len()]));
    let slots = spec
        .max_concurrent
        .map(|n| Arc::new(tokio::sync::Semaphore::new(n)));
    let bare = Arc::new(without_customers(sc));
    let management: Arc<str> = management_account_id.into();
    // Each onboarding's calls, kept here so that one cut off at the deadline still counts.
    let logs: Vec<SharedCallLog> = times.iter().map(|_| SharedCallLog::default()).collect();
    let mut set = tokio::task::JoinSet::new();
    for (i, &t) in times.iter().enumerate() {
        let (client, cfg, starts, slots, bare, management, log) = (
            client.clone(),
            cfg.clone(),
            starts.clone(),
            slots.clone(),
            bare.clone(),
            management.clone(),
            logs[i].clone(),
        );
        let customer = sc.customers[i].clone();
        set.spawn(async move {
            tokio::time::sleep_until(clock.instant_at(t0 + t).into()).await;
            let _slot = match &slots {
                Some(s) => s.clone().acquire_owned().await.ok(),
                None => None,
            };
            let start = since();
            if let Ok(mut g) = starts.lock() {
                g[i] = Some(start);
            }
            let plan = customer_plan(&bare, &customer);
            let run = apply_logged(
                plan,
                &cfg,
                Stream::Onboarding.seed_of(seed, i as u64),
                &client,
                clock,
                &management,
                Watch {
                    progress: None,
                    log: Some(log),
                },
            )
            .await;
            (i, start, since(), run)
        });
    }
    let deadline = clock.instant_at(t0 + spec.duration_ms() + spec.grace_ms);
    let ctrl_c = interrupt();
    tokio::pin!(ctrl_c);
    let mut failed = 0usize;
    loop {
        tokio::select! {
            joined = set.join_next() => {
                let Some(joined) = joined else { break };
                let Ok((i, start, end, run)) = joined else { continue };
                if let Some(f) = &run.endpoint_fault {
                    out.endpoint_fault = Some(f.clone());
                    break;
                }
                let o = &mut onboardings[i];
                o.start_ms = Some(start);
                count_failures(&run.trace, &mut out.failures);
                out.creations_ms
                    .extend(run.trace.creation_times_ms());
                if run.interrupted {
                    out.interrupted = true;
                } else {
                    o.end_ms = Some(end);
                    o.success = run.trace.resources.iter().all(|r| r.outcome.is_success());
                    failed += usize::from(!o.success);
                    if let Some(p) = progress {
                        p.inc(1);
                        p.set_message(format!("{failed} failed"));
                    }
                }
            }
            _ = tokio::time::sleep_until(deadline.into()) => break,
            _ = &mut ctrl_c => {
                out.interrupted = true;
                break;
            }
        }
    }
    set.abort_all();
    // Onboardings cut off: when they started, if they had.
    if let Ok(g) = starts.lock() {
        for (o, s) in onboardings.iter_mut().zip(g.iter()) {
            if o.end_ms.is_none() {
                o.start_ms = *s;
            }
        }
    }
    out.end_ms = since();
    // Every call sent: answered ones with their latency, the rest with their wait so far.
    let now = Instant::now();
    for log in &logs {
        if let Ok(mut l) = log.lock() {
            out.calls.append(&mut l.answered);
            out.unanswered.extend(
                l.pending
                    .values()
                    .map(|(op, sent)| (*op, (now - *sent).as_micros() as u64)),
            );
        }
    }
    // Arrivals that never came (Ctrl-C before their time) are not part of the test.
    onboardings.retain(|o| o.intended_ms <= out.end_ms);
    out.onboardings = onboardings;
    out
}
