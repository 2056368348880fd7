//! The live driver: the same sans-IO [`Engine`] the simulation runs, driven by tokio in wall-clock
//! time against an SDK client (a real endpoint, or the `mock` backend's in-process one).
//!
//! This module does I/O and reads the clock (it is one of the edges, with `org::sdk`, `report`
//! and `main`). Each call the engine asks for is spawned as its own task, so calls run
//! concurrently — as many as the engine has resources in flight, i.e. up to its `parallelism`;
//! the engine's timers (backoff, provider retries, status polls) are real sleeps. Engine time is
//! milliseconds since the start, times an optional scale (1 against a real endpoint; the `mock`
//! backend may run faster than the wall clock). Each call's wall-clock latency is recorded per
//! operation in an HDR histogram (microseconds).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_sdk_organizations::Client;
use hdrhistogram::Histogram;
use tokio::sync::mpsc;

use crate::engine::trace::Trace;
use crate::engine::{DeployConfig, Engine};
use crate::org::sdk;
use crate::org::types::{ApiResult, Operation};
use crate::plan::Plan;

/// Engine time for a live run: milliseconds since `start`, times `scale`.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Instant,
    scale: f64,
}

impl Clock {
    /// A clock starting now; `scale` engine milliseconds pass per wall-clock millisecond.
    pub fn new(scale: f64) -> Clock {
        Clock {
            start: Instant::now(),
            scale: if scale.is_finite() && scale > 0.0 {
                scale
            } else {
                1.0
            },
        }
    }

    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Engine time now.
    pub fn now_ms(&self) -> u64 {
        (self.start.elapsed().as_secs_f64() * 1000.0 * self.scale) as u64
    }

    /// The wall-clock instant at which engine time reaches `ms`.
    pub fn instant_at(&self, ms: u64) -> Instant {
        self.start + Duration::from_secs_f64(ms as f64 / 1000.0 / self.scale)
    }
}

/// Wall-clock latencies per operation, in microseconds.
pub type Latencies = BTreeMap<Operation, Histogram<u64>>;

/// A new latency histogram: 1 µs to 1 h, 3 significant digits.
pub fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

/// What one live deployment did.
#[derive(Debug)]
pub struct LiveRun {
    pub plan: Plan,
    pub trace: Trace,
    /// Stopped by Ctrl-C before every resource was terminal.
    pub interrupted: bool,
    pub latencies_us: Latencies,
    /// Wall-clock duration of the apply.
    pub wall: Duration,
}

/// Applies `plan` through `client`, with the engine's jitter seeded by `seed`. Stops early on
/// Ctrl-C (what was created stays; a later run adopts it).
pub async fn apply(
    plan: Plan,
    cfg: &DeployConfig,
    seed: u64,
    client: &Client,
    clock: Clock,
) -> LiveRun {
    let started = Instant::now();
    let mut engine = Engine::new(plan, cfg, seed);
    let (tx, mut rx) = mpsc::unbounded_channel::<(u64, Operation, ApiResult, Duration)>();
    let mut in_flight = 0usize;
    let mut latencies = Latencies::new();
    let mut interrupted = false;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    engine.start(clock.now_ms());
    loop {
        while let Some(call) = engine.poll_call() {
            in_flight += 1;
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
                latencies.entry(op).or_insert_with(latency_histogram).saturating_record(us);
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
    }
    let plan = engine.plan().clone();
    LiveRun {
        plan,
        trace: engine.into_trace(),
        interrupted,
        latencies_us: latencies,
        wall: started.elapsed(),
    }
}
