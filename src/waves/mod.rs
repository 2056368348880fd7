//! Applies one after another against one organization (issue 25 items 3 and 4): onboarding a
//! scenario's customers in `waves` applies, each of the next wave's customers, and re-applying
//! after a failed apply up to `applies` times, as an operator would. One simulated service
//! holds the organization throughout; what each apply made joins the deployer's state
//! (`plan::State::absorb`), so the next apply refreshes it (the engine's refresh phase) and its
//! resources already in state are no-ops. An account whose creation outlived the deployer's
//! wait is not written to state: its re-apply sends CreateAccount again, whose creation the
//! service fails with `EMAIL_ALREADY_EXISTS` (the email is taken), until a person imports it.
//! `docs/model.md`, "Waves and re-applies".

pub(crate) mod search;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde::Serialize;

use crate::engine::trace::{Failure, Outcome, Trace};
use crate::engine::Engine;
use crate::org::types::{CreateAccountFailureReason, ErrorCode, SharedStr};
use crate::plan::{self, Plan, ResourceKind, Spec, State};
use crate::scenario::Scenario;
use crate::seed::{derive_seed, Stream};
use crate::sim::{Driver, ModelService};

/// How the customers are onboarded: in how many waves, and how many applies each may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Applies one after another, each of the next share of the customers (at least 1).
    pub waves: usize,
    /// Applies per wave at most: the first, then a re-apply after each failed one (at least 1).
    pub applies: u32,
}

/// One apply of the sequence.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ApplyFigures {
    /// The wave (from 1) and its apply (1: the first, 2 on: re-applies).
    pub wave: usize,
    pub apply: u32,
    /// The wave's new customers.
    pub customers: usize,
    /// When it started and ended (s from the start of the first apply), and its time.
    pub start_s: f64,
    pub end_s: f64,
    pub time_s: f64,
    /// Its refresh phase's time (0 without one: nothing in state yet).
    pub refresh_s: f64,
    pub calls: u64,
    pub throttled: u64,
    /// Resources it created, and those it left not done (failed or skipped).
    pub created: usize,
    pub failed: usize,
    /// Its accounts refused `EMAIL_ALREADY_EXISTS`: another creation of the email came first
    /// (an orphan of an earlier apply).
    pub email_already_exists: usize,
    /// Its accounts whose creation outlived the deployer's wait (future orphans).
    pub timed_out: usize,
    /// The first failure's code, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_failure: Option<String>,
}

/// An account a person must import into the deployer's state (an orphan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Import {
    pub resource: String,
    pub account_id: String,
    pub email: String,
    /// `terraform import 'ADDRESS' ID`.
    pub command: String,
}

/// What a sequence of applies did.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Sequence {
    pub waves: usize,
    /// Applies allowed per wave.
    pub applies_allowed: u32,
    /// Applies made over all waves.
    pub applies: usize,
    pub customers: usize,
    /// From the first apply's start to the last apply's end (s): overheads, refreshes and
    /// re-applies included.
    pub total_s: f64,
    pub calls: u64,
    pub throttled: u64,
    /// Some apply left a resource not done (a person or a re-apply was needed).
    pub any_failure: bool,
    /// After the last apply of every wave, resources still not done: what is left for a
    /// person (the orphans' accounts, and what failed the last time), by address.
    pub left: Vec<String>,
    /// Accounts in the organization and not in the deployer's state at the end: each needs
    /// a manual import.
    pub orphaned_accounts: usize,
    pub imports: Vec<Import>,
    /// Customers whose account is in the deployer's state at the end.
    pub onboarded: usize,
    pub per_apply: Vec<ApplyFigures>,
}

/// `run --waves` / `--applies` as JSON (`orgsim schema applies`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AppliesReport {
    pub kind: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub deployer: &'static str,
    pub sequence: Sequence,
}

impl AppliesReport {
    pub(crate) fn new(sc: &Scenario, seed: u64, sequence: Sequence) -> AppliesReport {
        AppliesReport {
            kind: "applies",
            scenario: sc.name.clone(),
            seed,
            deployer: sc.deploy.deployer.as_str(),
            sequence,
        }
    }
}

impl crate::json::JsonReport for AppliesReport {
    const KIND: &'static str = "applies";
}

/// The customers of wave `w` of `waves` (0-based): `n` split as evenly as possible, the
/// earlier waves one larger.
pub(crate) fn wave_range(n: usize, waves: usize, w: usize) -> std::ops::Range<usize> {
    let (base, extra) = (n / waves, n % waves);
    let start = w * base + w.min(extra);
    start..start + base + usize::from(w < extra)
}

/// The engine seed of apply `j` (0-based over the sequence): the first apply's is `run`'s, so
/// one wave of one apply is `orgsim run`, bit for bit.
fn engine_seed(seed: u64, j: usize) -> u64 {
    let first = Stream::Engine.seed(seed);
    if j == 0 {
        first
    } else {
        derive_seed(first, &[j as u64])
    }
}

fn secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// Runs `sc`'s customers as `schedule` says with `seed`; `None` when `cancel` was set first.
/// `counts_only`: the engines keep the counts, not every call (a sweep).
pub(crate) fn run_sequence(
    sc: &Scenario,
    schedule: Schedule,
    seed: u64,
    counts_only: bool,
    cancel: &AtomicBool,
) -> Option<Sequence> {
    let n = sc.customers.len();
    let waves = schedule.waves.clamp(1, n.max(1));
    let applies = schedule.applies.max(1);
    let wave_plans: Vec<Plan> = (0..waves)
        .map(|w| {
            let mut one = sc.clone();
            one.customers = sc.customers[wave_range(n, waves, w)].to_vec();
            plan::build(&one)
        })
        .collect();
    let mut driver = Driver::new(ModelService::for_plan(sc, &wave_plans[0], seed));
    let mut state: State = wave_plans[0].state.clone();
    let mut per_apply = Vec::new();
    // Accounts whose creation the deployer never saw end: (address, creation request, email).
    let mut unseen: Vec<(String, SharedStr, SharedStr)> = Vec::new();
    let mut left = Vec::new();
    let (mut calls, mut throttled, mut any_failure, mut onboarded) = (0, 0, false, 0);
    for (w, base) in wave_plans.into_iter().enumerate() {
        for a in 1..=applies {
            let plan = Arc::new(base.clone().over_state(state.clone()));
            let j = per_apply.len();
            let mut engine = Engine::new(Arc::clone(&plan), &sc.deploy, engine_seed(seed, j));
            if counts_only {
                engine = engine.counts_only();
            }
            let start = driver.now();
            driver.start(engine);
            driver.run_cancellable(&mut |_, _, _| {}, cancel)?;
            let engine = driver.take_engines().pop()?;
            let t = engine.trace();
            let fig = figures(&plan, t, (w + 1, a), start);
            calls += fig.calls;
            throttled += fig.throttled;
            let done = fig.failed == 0;
            per_apply.push(fig);
            for (i, rec) in t.resources.iter().enumerate() {
                if let (Spec::Account { email, .. }, false, Some(req)) = (
                    &plan.resources[i].spec,
                    rec.outcome.is_success(),
                    &rec.unseen_creation,
                ) {
                    unseen.push((
                        plan.resources[i].address.clone(),
                        req.clone(),
                        email.clone(),
                    ));
                }
            }
            state.absorb(&plan, |i| {
                plan.state_id(i)
                    .is_none()
                    .then(|| t.resources[i].outcome.shared_id().cloned())
                    .flatten()
            });
            if done {
                break;
            }
            any_failure = true;
            if a == applies {
                left.extend(
                    plan.resources
                        .iter()
                        .zip(&t.resources)
                        .filter(|(_, r)| !r.outcome.is_success())
                        .map(|(r, _)| r.address.clone()),
                );
            }
        }
        onboarded += state_accounts_of(&base, &state);
    }
    // A shared resource a wave left not done may have been made by a later wave.
    left.retain(|a| !state.addresses.contains_key(a));
    let end = driver.now();
    // The service finishes what it accepted; each creation the deployer never saw end that
    // made an account not in state is an orphan to import.
    let (service, _) = driver.into_parts();
    let mut model = service.model;
    model.settle();
    let mut imports: Vec<Import> = Vec::new();
    for (address, req, email) in unseen {
        let Some(id) = model.created_by(&req) else {
            continue;
        };
        if state.addresses.contains_key(&address) || imports.iter().any(|i| i.resource == address) {
            continue;
        }
        imports.push(Import {
            command: format!("terraform import '{address}' {id}"),
            resource: address,
            account_id: id.to_string(),
            email: email.to_string(),
        });
    }
    Some(Sequence {
        waves,
        applies_allowed: applies,
        applies: per_apply.len(),
        customers: n,
        total_s: secs(end),
        calls,
        throttled,
        any_failure,
        left,
        orphaned_accounts: imports.len(),
        imports,
        onboarded,
        per_apply,
    })
}

/// The wave's account resources in `state` at the end.
fn state_accounts_of(plan: &Plan, state: &State) -> usize {
    plan.resources
        .iter()
        .filter(|r| r.kind == ResourceKind::Account && state.addresses.contains_key(&r.address))
        .count()
}

/// The figures of one apply of `plan` (wave and apply `at`), started at `start_ms`.
fn figures(plan: &Plan, t: &Trace, at: (usize, u32), start_ms: u64) -> ApplyFigures {
    let end = t.makespan_ms().max(start_ms);
    let mut fig = ApplyFigures {
        wave: at.0,
        apply: at.1,
        customers: plan
            .resources
            .iter()
            .filter(|r| r.kind == ResourceKind::Account)
            .count(),
        start_s: secs(start_ms),
        end_s: secs(end),
        time_s: secs(end - start_ms),
        refresh_s: t
            .refresh
            .map_or(0.0, |r| secs(r.end_ms.saturating_sub(r.start_ms))),
        calls: t.tally.calls,
        throttled: t
            .tally
            .errors
            .iter()
            .filter(|(_, e)| *e == ErrorCode::TooManyRequestsException)
            .count() as u64,
        created: 0,
        failed: 0,
        email_already_exists: 0,
        timed_out: 0,
        first_failure: None,
    };
    for rec in &t.resources {
        match &rec.outcome {
            Outcome::Created { .. } => fig.created += 1,
            Outcome::Existing { .. } => {}
            Outcome::Failed { code, .. } => {
                fig.failed += 1;
                match code {
                    Failure::Creation(Some(CreateAccountFailureReason::EmailAlreadyExists)) => {
                        fig.email_already_exists += 1
                    }
                    Failure::Timeout => fig.timed_out += 1,
                    _ => {}
                }
                if fig.first_failure.is_none() {
                    fig.first_failure = Some(code.as_str().into_owned());
                }
            }
            Outcome::Skipped { .. } | Outcome::Pending => fig.failed += 1,
        }
    }
    fig
}

/// The sequence as text: one line per apply, then the totals and what is left for a person.
pub(crate) fn text(s: &Sequence) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} customer(s) in {} wave(s), up to {} apply(ies) each: {} apply(ies)",
        s.customers, s.waves, s.applies_allowed, s.applies
    );
    let _ = writeln!(
        o,
        "  {:>4} {:>5} {:>9} {:>9} {:>9} {:>9} {:>6} {:>9} {:>7} {:>6}  first failure",
        "wave",
        "apply",
        "customers",
        "start s",
        "time s",
        "refresh s",
        "calls",
        "throttled",
        "created",
        "failed"
    );
    for a in &s.per_apply {
        let _ = writeln!(
            o,
            "  {:>4} {:>5} {:>9} {:>9.1} {:>9.1} {:>9.1} {:>6} {:>9} {:>7} {:>6}  {}",
            a.wave,
            a.apply,
            a.customers,
            a.start_s,
            a.time_s,
            a.refresh_s,
            a.calls,
            a.throttled,
            a.created,
            a.failed,
            a.first_failure.as_deref().unwrap_or("-")
        );
    }
    let _ = writeln!(
        o,
        "total {:.1} s ({:.1} min) · {} calls · {} throttled · {} of {} customers onboarded",
        s.total_s,
        s.total_s / 60.0,
        s.calls,
        s.throttled,
        s.onboarded,
        s.customers
    );
    if s.left.is_empty() && s.imports.is_empty() {
        let _ = writeln!(o, "nothing is left for a person");
    } else {
        let _ = writeln!(
            o,
            "left for a person: {} resource(s) not done, {} manual import(s)",
            s.left.len(),
            s.imports.len()
        );
        for i in &s.imports {
            let _ = writeln!(
                o,
                "  import {} ({}, in the organization, not in state): {}",
                i.account_id, i.email, i.command
            );
        }
        for l in s.left.iter().take(12) {
            let _ = writeln!(o, "  not done: {l}");
        }
        if s.left.len() > 12 {
            let _ = writeln!(o, "  ... and {} more", s.left.len() - 12);
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waves_split_the_customers_evenly_in_order() {
        let sizes: Vec<usize> = (0..3).map(|w| wave_range(10, 3, w).len()).collect();
        assert_eq!(sizes, [4, 3, 3]);
        assert_eq!(wave_range(10, 3, 0), 0..4);
        assert_eq!(wave_range(10, 3, 2), 7..10);
        assert_eq!(wave_range(5, 1, 0), 0..5);
    }

    /// One wave of one apply is `orgsim run`: the same calls and the same time.
    #[test]
    fn one_wave_of_one_apply_is_the_run() {
        let sc = crate::engine::tests::scenario(6);
        let never = AtomicBool::new(false);
        let once = Schedule {
            waves: 1,
            applies: 1,
        };
        let s = run_sequence(&sc, once, 7, false, &never).unwrap();
        let r = crate::sim::run(&sc, 7);
        assert_eq!(s.calls, r.trace.tally.calls);
        assert_eq!(s.total_s, secs(r.trace.makespan_ms()));
        assert_eq!(s.applies, 1);
    }

    /// Three waves: each after the last, each refreshing what the waves before made (its shared
    /// OUs and policies are no-ops), every customer onboarded once.
    #[test]
    fn later_waves_refresh_what_earlier_ones_made() {
        let sc = crate::engine::tests::scenario(6);
        let never = AtomicBool::new(false);
        let s = run_sequence(
            &sc,
            Schedule {
                waves: 3,
                applies: 1,
            },
            7,
            false,
            &never,
        )
        .unwrap();
        assert_eq!(s.per_apply.len(), 3);
        assert_eq!(s.per_apply[0].refresh_s, 0.0, "nothing in state yet");
        for pair in s.per_apply.windows(2) {
            assert!(pair[1].start_s >= pair[0].end_s, "{pair:?}");
            assert!(pair[1].refresh_s > 0.0, "{pair:?}");
        }
        assert_eq!(s.onboarded, 6, "{s:?}");
        assert!(!s.any_failure);
    }
}
