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
use crate::engine::trace::CallSample;
use crate::engine::trace::Trace;
use crate::engine::{DeployConfig, Engine};
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
pub async fn interrupt() {
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
