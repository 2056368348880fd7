//! The live driver: the same sans-IO [`Engine`] the simulation runs, driven by tokio in wall-clock
//! time against an SDK client (a real endpoint, or the `mock` backend's in-process one).
//!
//! This module does I/O and reads the clock (it is one of the edges, with `org::sdk`, `report`
//! and `main`). Each call the engine asks for is spawned as its own task, so calls run
//! concurrently — as many as the engine has resources in flight, i.e. up to its `parallelism`;
//! the engine's timers (backoff, provider retries, status polls) are real sleeps. Engine time is
//! milliseconds since the start, times an optional scale (1 against a real endpoint; the `mock`
//! backend may run faster than the wall clock). Each call's wall-clock latency is recorded (in
//! microseconds, with its operation and error code); a latency profile turns them into per-operation
//! HDR histograms (`config::latency`).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_sdk_organizations::Client;
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::engine::trace::Trace;
use crate::engine::{DeployConfig, Engine};
use crate::loadtest::CallSample;
use crate::org::sdk;
use crate::org::types::{ApiResult, Operation};
use crate::plan::Plan;

/// What one live deployment did.
#[derive(Debug)]
pub struct LiveRun {
    pub plan: Plan,
    pub trace: Trace,
    /// Stopped by Ctrl-C before every resource was terminal.
    pub interrupted: bool,
    /// Every call: operation, wall-clock latency in µs, error code if it failed.
    pub calls: Vec<CallSample>,
    /// Wall-clock duration of the apply.
    pub wall: Duration,
    /// The endpoint broke the protocol or went silent (`org::sdk::is_endpoint_fault`): the
    /// apply stopped at once; what the endpoint did, on one line.
    pub endpoint_fault: Option<String>,
}

/// Applies `plan` through `client`, with the engine's jitter seeded by `seed`, guarding the
/// organization's management account `management_account_id` (`Engine::guarding`: never
/// adopted, moved or tagged; creations in progress awaited, not made twice; adopted policies
/// compared). Stops early on Ctrl-C (what was created stays; a later run adopts it), and at
/// once when the endpoint breaks the protocol or goes silent (`endpoint_fault`).
/// `progress`, if given, shows the resources that are terminal.
pub async fn apply(
    plan: Plan,
    cfg: &DeployConfig,
    seed: u64,
    client: &Client,
    clock: Clock,
    management_account_id: &str,
    progress: Option<&indicatif::ProgressBar>,
) -> LiveRun {
    apply_logged(
        plan,
        cfg,
        seed,
        client,
        clock,
        management_account_id,
        Watch {
            progress,
            log: None,
        },
    )
    .await
}

/// Who watches an [`apply_logged`] as it goes: a progress bar of the resources that are
/// terminal, and a log of its calls.
#[derive(Debug, Default)]
pub struct Watch<'a> {
    pub progress: Option<&'a indicatif::ProgressBar>,
    pub log: Option<SharedCallLog>,
}

/// The calls of an `apply` as they go, kept outside it: a load test that stops an onboarding
/// at its deadline still counts what it sent (answered, and unanswered with their wait).
#[derive(Debug, Default)]
pub struct CallLog {
    pub answered: Vec<CallSample>,
    /// Sent and not yet answered: call id → (operation, when sent).
    pub pending: BTreeMap<u64, (Operation, Instant)>,
}

/// A [`CallLog`] shared between an `apply` and the load test that owns it.
pub type SharedCallLog = std::sync::Arc<std::sync::Mutex<CallLog>>;

/// [`apply`], recording each call in `log` too as it is sent and answered.
pub async fn apply_logged(
    plan: Plan,
    cfg: &DeployConfig,
    seed: u64,
    client: &Client,
    clock: Clock,
    management_account_id: &str,
    watch: Watch<'_>,
) -> LiveRun {
    let Watch { progress, log } = watch;
    let started = Instant::now();
    let mut engine = Engine::new(plan, cfg, seed).guarding(management_account_id);
    let mut endpoint_fault = None;
    let (tx, mut rx) = mpsc::unbounded_channel::<(u64, Operation, ApiResult, Duration)>();
    let mut in_flight = 0usize;
    let mut calls = Vec::new();
    let mut interrupted = false;
    let ctrl_c = interrupt();
    tokio::pin!(ctrl_c);
    engine.start(clock.now_ms());
    loop {
        while let Some(call) = engine.poll_call() {
            in_flight += 1;
            if let Some(Ok(mut l)) = log.as_ref().map(|l| l.lock()) {
                l.pending
                    .insert(call.id, (call.request.operation(), Instant::now()));
            }
            let client = client.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                let t0 = Instant::now();
                let result = sdk::call(&client, &call.request).await;
                let _ = tx.send((call.id, call.request.operation(), result, t0.elapsed()));
            });
        }
        let timer = engine.poll_timeout();
        if in_flight == 0 && timer.is_none() {
            break;
        }
        let sleep = async {
            match timer {
                Some(t) => tokio::time::sleep_until(clock.instant_at(t).into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            Some((id, op, result, dt)) = rx.recv() => {
                in_flight -= 1;
                let us = (dt.as_micros() as u64).max(1);
                let sample = (op, us, result.as_ref().err().map(|e| e.code.report_key()));
                if let Some(Ok(mut l)) = log.as_ref().map(|l| l.lock()) {
                    l.pending.remove(&id);
                    l.answered.push(sample.clone());
                }
                calls.push(sample);
                if let Err(e) = &result {
                    if sdk::is_endpoint_fault(&e.code) {
                        endpoint_fault = Some(format!("{op}: {} ({})", e.message, e.code));
                        break;
                    }
                }
                engine.handle_response(clock.now_ms(), id, result);
            }
            _ = sleep => {
                let now = clock.now_ms().max(timer.unwrap_or(0));
                engine.handle_timeout(now);
            }
            _ = &mut ctrl_c => {
                interrupted = true;
                break;
            }
        }
        if let Some(b) = progress {
            b.set_position(engine.resources_terminal() as u64);
        }
    }
    let plan = engine.plan().clone();
    LiveRun {
        plan,
        trace: engine.into_trace(),
        interrupted,
        calls,
        wall: started.elapsed(),
        endpoint_fault,
    }
}

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
    pub onboardings: Vec<crate::loadtest::Onboarding>,
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
    spec: &crate::loadtest::LoadSpec,
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
    use crate::loadtest::{
        bootstrap_plan, customer_plan, onboarding_config, without_customers, Onboarding,
    };
    use crate::seed::Stream;
    use std::sync::{Arc, Mutex};
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
                crate::loadtest::count_failures(&run.trace, &mut out.failures);
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

/// Which resources of `plan` already exist in `snap` as planned (Terraform's refresh before
/// its plan): an OU of its name under its planned parent, a customer policy of its name, an
/// attachment of both, an account of its email in its planned OU, tags all present. `true`:
/// nothing to do for it.
pub fn existing(plan: &Plan, snap: &crate::org::types::OrgSnapshot) -> Vec<bool> {
    use crate::org::types::SharedStr;
    use crate::plan::Spec;
    let mut ids: Vec<Option<SharedStr>> = vec![None; plan.resources.len()];
    let mut found = vec![false; plan.resources.len()];
    let root: SharedStr = snap.root_id.as_str().into();
    for (i, r) in plan.resources.iter().enumerate() {
        let id = match &r.spec {
            Spec::Ou { name, parent, .. } => {
                let parent_id = match parent {
                    Some(p) => ids[*p].clone(),
                    None => Some(root.clone()),
                };
                parent_id.and_then(|pid| {
                    snap.ous
                        .iter()
                        .find(|o| o.parent_id == pid && &o.name == name)
                        .map(|o| o.id.clone())
                })
            }
            Spec::Policy { name, .. } => snap
                .policies
                .iter()
                .find(|p| &p.name == name && !p.aws_managed)
                .map(|p| p.id.clone()),
            Spec::Attachment { policy, ou } => match (&ids[*policy], &ids[*ou]) {
                (Some(p), Some(o)) => snap
                    .attachments
                    .iter()
                    .any(|(ap, at)| ap == p && at == o)
                    .then(|| o.clone()),
                _ => None,
            },
            Spec::Account { email, ou, .. } => snap
                .accounts
                .iter()
                .find(|a| a.email.eq_ignore_ascii_case(email))
                .filter(|a| {
                    a.id != snap.management_account_id && ids[*ou].as_ref() == Some(&a.parent_id)
                })
                .map(|a| a.id.clone()),
            Spec::Tags { account, tags } => ids[*account].as_ref().and_then(|id| {
                snap.accounts
                    .iter()
                    .find(|a| &a.id == id)
                    .filter(|a| tags.iter().all(|(k, v)| a.tags.get(k) == Some(v)))
                    .map(|a| a.id.clone())
            }),
        };
        found[i] = id.is_some();
        ids[i] = id;
    }
    found
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM (`kill`, a CI job's timeout): a live run
/// stops the same way for both and writes what it has (issue 21: SIGTERM exited 143 with
/// nothing written). Also completes if the signals cannot be listened for.
async fn interrupt() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
