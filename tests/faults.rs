//! Fault injection, `[[service.faults]]`: the shipped fault scenarios (`scenarios/faults/`) on
//! the `sim` backend and on the `mock` backend (the real SDK client answered by the same model),
//! each checked for the engine's invariants — nothing lost (every planned resource terminal:
//! created, existing, failed with its reason, or skipped because a dependency failed), nothing
//! duplicated (at most one accepted CreateAccount per account, no email twice in the
//! organization), and counts that add up — and for the fault's own effect.

use std::collections::BTreeMap;
use std::path::Path;

use orgsim::clock::Clock;
use orgsim::engine::trace::{Outcome, Trace};
use orgsim::org::mock::MockService;
use orgsim::org::types::{ErrorCode, Operation, OrgSnapshot};
use orgsim::plan::{Plan, ResourceKind};
use orgsim::scenario::Scenario;
use orgsim::{scenario, seed, sim};

fn load(name: &str) -> Scenario {
    scenario::read(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/faults")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The engine's invariants on one deployment; `what` names it in failures.
#[track_caller]
fn invariants(what: &str, plan: &Plan, t: &Trace, snap: &OrgSnapshot) {
    assert_eq!(t.resources.len(), plan.resources.len(), "{what}");
    for (i, (r, rec)) in plan.resources.iter().zip(&t.resources).enumerate() {
        assert!(rec.end_ms.is_some(), "{what}: {} has no end", r.address);
        match &rec.outcome {
            Outcome::Pending => panic!("{what}: {} is not terminal", r.address),
            Outcome::Created { id } | Outcome::Existing { id } => {
                assert!(!id.is_empty(), "{what}: {}", r.address)
            }
            Outcome::Failed { code, message } => assert!(
                !code.as_str().is_empty() && !message.is_empty(),
                "{what}: {} failed without its reason",
                r.address
            ),
            Outcome::Skipped { cause } => {
                assert!(
                    matches!(
                        t.resources[*cause].outcome,
                        Outcome::Failed { .. } | Outcome::Skipped { .. }
                    ),
                    "{what}: {} skipped for {}, which did not fail",
                    r.address,
                    plan.resources[*cause].address
                );
                assert_ne!(*cause, i, "{what}: {} skipped for itself", r.address);
            }
        }
    }
    // Nothing created twice: at most one accepted CreateAccount per account resource, and each
    // account resource that ended created has exactly one.
    let mut accepted: BTreeMap<usize, usize> = BTreeMap::new();
    for c in &t.calls {
        assert!(c.end_ms.is_some(), "{what}: a call still in flight");
        if c.op == Operation::CreateAccount && c.error.is_none() {
            *accepted
                .entry(c.resource.expect("an account's call"))
                .or_default() += 1;
        }
    }
    assert!(
        accepted.values().all(|&n| n == 1),
        "{what}: CreateAccount accepted twice: {accepted:?}"
    );
    for (i, (r, rec)) in plan.resources.iter().zip(&t.resources).enumerate() {
        if r.kind == ResourceKind::Account {
            if let Outcome::Created { id } = &rec.outcome {
                assert_eq!(accepted.get(&i), Some(&1), "{what}: {}", r.address);
                assert!(
                    snap.accounts.iter().any(|a| &a.id == id),
                    "{what}: {} created as {id}, not in the organization",
                    r.address
                );
            }
        }
    }
    let mut emails: Vec<String> = snap
        .accounts
        .iter()
        .map(|a| a.email.to_lowercase())
        .collect();
    let n = emails.len();
    emails.sort();
    emails.dedup();
    assert_eq!(
        emails.len(),
        n,
        "{what}: an email twice in the organization"
    );
    // The counts add up: every call is a success or an error, retries are the calls after the
    // first of their step.
    assert_eq!(t.tally.calls as usize, t.calls.len(), "{what}");
    let errors = t.calls.iter().filter(|c| c.error.is_some()).count();
    assert_eq!(t.tally.errors.len(), errors, "{what}");
    assert_eq!(
        t.tally.retries as usize,
        t.calls.iter().filter(|c| c.is_retry()).count(),
        "{what}"
    );
}

/// Failed calls by error, as reports count them.
fn errors(t: &Trace) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for (_, e) in &t.tally.errors {
        *m.entry(e.report_key()).or_default() += 1;
    }
    m
}

fn sim_run(sc: &Scenario) -> (std::sync::Arc<Plan>, Trace, OrgSnapshot) {
    let out = sim::run(sc, sc.seed);
    invariants(
        &format!("{} on sim", sc.name),
        &out.plan,
        &out.trace,
        &out.snapshot,
    );
    (out.plan, out.trace, out.snapshot)
}

/// The same scenario on `mock`: the live driver and the real SDK client, the model behind
/// them, its time `scale` times faster than the wall clock (as `--time-scale`). Invariants
/// checked.
fn mock_run(sc: &Scenario, scale: f64) -> (Plan, Trace, OrgSnapshot) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (plan, trace, snap) = rt.block_on(async {
        let clock = Clock::new(scale);
        let m = MockService::new(sc, sc.seed, clock);
        // As `run --backend mock` configures a live deployer.
        let mut cfg = sc.deploy.clone();
        cfg.lookup_existing = true;
        cfg.overhead_s = 0.0;
        cfg.overhead = None;
        let plan = orgsim::plan::build(sc);
        let run = orgsim::live::apply(
            plan,
            &cfg,
            seed::Stream::Engine.seed(sc.seed),
            m.client(),
            clock,
            &m.org_info().management_account_id,
            None,
        )
        .await;
        assert!(!run.interrupted);
        (run.plan, run.trace, m.snapshot())
    });
    invariants(&format!("{} on mock", sc.name), &plan, &trace, &snap);
    (plan, trace, snap)
}

fn without_faults(sc: &Scenario) -> Scenario {
    let mut s = sc.clone();
    s.service.faults.clear();
    s
}

fn count(t: &Trace, code: &str) -> usize {
    errors(t).get(code).copied().unwrap_or(0)
}

fn created_all(plan: &Plan, t: &Trace) -> bool {
    plan.resources.len()
        == t.resources
            .iter()
            .filter(|r| r.outcome.is_success())
            .count()
}

#[test]
fn a_throttle_storm_is_ridden_out_on_sim_and_mock() {
    let sc = load("throttle-storm.toml");
    let (plan, t, _) = sim_run(&sc);
    let (_, calm, _) = sim_run(&without_faults(&sc));
    // Terraform's 25 attempts ride out a 50% storm: everything created, with many more
    // throttles than the token buckets alone give.
    assert!(created_all(&plan, &t), "{:?}", errors(&t));
    let (storm, base) = (
        count(&t, "TooManyRequestsException"),
        count(&calm, "TooManyRequestsException"),
    );
    assert!(
        storm > base + 30,
        "{storm} throttles with the storm, {base} without"
    );
    let (_, t, _) = mock_run(&sc, 200.0);
    assert!(
        count(&t, "TooManyRequestsException") > 0,
        "{:?}",
        errors(&t)
    );
}

#[test]
fn a_5xx_burst_is_retried_on_sim_and_mock() {
    let sc = load("service-errors.toml");
    let (plan, t, _) = sim_run(&sc);
    assert!(created_all(&plan, &t), "{:?}", errors(&t));
    assert!(count(&t, "ServiceException") > 10, "{:?}", errors(&t));
    assert_eq!(
        count(&sim_run(&without_faults(&sc)).1, "ServiceException"),
        0
    );
    // Only calls sent within [1 min, 3 min) are refused.
    for c in &t.calls {
        if c.error == Some(ErrorCode::ServiceException) {
            assert!((60_000..180_000).contains(&c.start_ms), "{c:?}");
        }
    }
    let (plan, t, _) = mock_run(&sc, 200.0);
    assert!(created_all(&plan, &t), "{:?}", errors(&t));
    assert!(count(&t, "ServiceException") > 0, "{:?}", errors(&t));
}

#[test]
fn concurrent_modification_on_every_write_is_retried_on_sim_and_mock() {
    let sc = load("concurrent-modification.toml");
    let (plan, t, _) = sim_run(&sc);
    let (_, calm, _) = sim_run(&without_faults(&sc));
    assert!(created_all(&plan, &t), "{:?}", errors(&t));
    let code = "ConcurrentModificationException";
    assert!(
        count(&t, code) > count(&calm, code),
        "{:?} / {:?}",
        errors(&t),
        errors(&calm)
    );
    // Reads are never faulted.
    for c in &t.calls {
        if c.error == Some(ErrorCode::ConcurrentModificationException) {
            assert!(c.op.is_write(), "{c:?}");
        }
    }
    let (plan, t, _) = mock_run(&sc, 200.0);
    assert!(created_all(&plan, &t), "{:?}", errors(&t));
    assert!(count(&t, code) > 0, "{:?}", errors(&t));
}

#[test]
fn quota_exhaustion_mid_run_fails_the_later_accounts_with_their_reason_on_sim_and_mock() {
    let sc = load("quota-exhaustion.toml");
    let reason = "ConstraintViolationException:ACCOUNT_NUMBER_LIMIT_EXCEEDED";
    for (backend, (plan, t)) in [
        ("sim", {
            let (p, t, _) = sim_run(&sc);
            ((*p).clone(), t)
        }),
        ("mock", {
            let (p, t, _) = mock_run(&sc, 200.0);
            (p, t)
        }),
    ] {
        let mut created = 0;
        let mut refused = 0;
        for (i, (r, rec)) in plan.resources.iter().zip(&t.resources).enumerate() {
            if r.kind != ResourceKind::Account {
                continue;
            }
            match &rec.outcome {
                Outcome::Created { .. } => created += 1,
                Outcome::Failed { code, message } => {
                    assert_eq!(code.as_str(), reason, "{backend}: {}: {message}", r.address);
                    refused += 1;
                    // Its tags are skipped, for it.
                    let tags = plan
                        .resources
                        .iter()
                        .position(|x| x.kind == ResourceKind::Tags && x.deps.contains(&i))
                        .unwrap();
                    assert_eq!(
                        t.resources[tags].outcome,
                        Outcome::Skipped { cause: i },
                        "{backend}"
                    );
                }
                other => panic!("{backend}: {} {other:?}", r.address),
            }
        }
        // Refused from 90 s on, not before; never retried (a constraint is final): one refusal
        // per refused account.
        let mut refusals: BTreeMap<usize, usize> = BTreeMap::new();
        for c in t.calls.iter().filter(|c| c.op == Operation::CreateAccount) {
            match &c.error {
                Some(e) if e.report_key() == reason => {
                    // On mock the model reads its clock when the request reaches it, a little
                    // after the engine sent it (at 200x, a wall-clock millisecond is 200 ms).
                    let slack = if backend == "mock" { 10_000 } else { 0 };
                    assert!(c.start_ms + slack >= 90_000, "{backend}: {c:?}");
                    *refusals.entry(c.resource.unwrap()).or_default() += 1;
                }
                None => assert!(c.start_ms < 90_000, "{backend}: {c:?}"),
                _ => {}
            }
        }
        assert_eq!(refusals.len(), refused, "{backend}");
        assert!(
            refusals.values().all(|&n| n == 1),
            "{backend}: {refusals:?}"
        );
        assert_eq!(created + refused, 12, "{backend}");
        // CreateAccount's rate (0.1/s after a burst of 3) spreads the 12 requests past 90 s.
        assert!(
            created > 0 && refused > 0,
            "{backend}: {created} created, {refused} refused"
        );
    }
}

// ---- Property: the engine's invariants under random service parameters and faults ---------

mod properties {
    use super::*;
    use orgsim::config::service::{fault_error_names, Bucket, Fault, LatencyRange};
    use orgsim::engine::Deployer;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    /// Random `[[service.faults]]`: up to 3 windows in the first half hour, some operations or
    /// all, any error a fault may name, any probability (0 and 1 included).
    fn faults() -> impl Strategy<Value = Vec<Fault>> {
        let ops: Vec<&'static str> = Operation::ALL.iter().map(|o| o.as_str()).collect();
        let fault = (
            0..1_800_000u64,
            1..1_200_000u64,
            prop::sample::subsequence(ops.clone(), 0..4),
            prop::sample::select(fault_error_names()),
            prop_oneof![Just(0.0), Just(1.0), 0.0..1.0f64],
        )
            .prop_map(|(from, len, ops, error, probability)| Fault {
                from,
                to: from + len,
                operations: ops.into_iter().map(String::from).collect(),
                error,
                probability,
            });
        prop::collection::vec(fault, 0..4)
    }

    #[derive(Debug, Clone)]
    struct Case {
        customers: usize,
        deployer: Deployer,
        parallelism: u32,
        seed: u64,
        concurrent_modification: f64,
        internal_error: f64,
        concurrency: u32,
        create_rate: f64,
        create_burst: f64,
        write_ms: (u64, u64),
        creation_s: (f64, f64, f64, f64),
        faults: Vec<Fault>,
    }

    fn case() -> impl Strategy<Value = Case> {
        (
            (
                1..8usize,
                prop::sample::select(Deployer::ALL.to_vec()),
                1..12u32,
                any::<u64>(),
            ),
            (0.0..=1.0f64, 0.0..0.3f64, 1..6u32, 0.01..5.0f64, 1..6u32),
            (0..800u64, 0..1500u64),
            (5.0..180.0f64, 1.0..5.0f64, 0.0..1.0f64, 1.0..4.0f64),
            faults(),
        )
            .prop_map(
                |((customers, deployer, parallelism, seed), s, w, c, faults)| {
                    let (median, spread, low, high) = c;
                    let p95 = median * spread;
                    Case {
                        customers,
                        deployer,
                        parallelism,
                        seed,
                        concurrent_modification: s.0,
                        internal_error: s.1,
                        concurrency: s.2,
                        create_rate: s.3,
                        create_burst: s.4 as f64,
                        write_ms: (w.0, w.0 + w.1),
                        creation_s: (median, p95, median * low, p95 * high),
                        faults,
                    }
                },
            )
    }

    fn scenario(base: &Scenario, c: &Case) -> Scenario {
        let mut sc = base.with_customers(c.customers);
        sc.organization.account_quota = 20;
        sc.set_deployer(c.deployer).unwrap();
        sc.deploy.parallelism = c.parallelism;
        let s = &mut sc.service;
        s.concurrent_modification_probability = c.concurrent_modification;
        s.internal_error_probability = c.internal_error;
        s.create_account_concurrency = c.concurrency;
        s.throttle.insert(
            "CreateAccount".into(),
            Bucket {
                rate: c.create_rate,
                burst: c.create_burst,
            },
        );
        s.write_latency = LatencyRange {
            min_ms: c.write_ms.0,
            max_ms: c.write_ms.1,
        };
        let (median_s, p95_s, min_s, max_s) = c.creation_s;
        s.account_creation.median_s = median_s;
        s.account_creation.p95_s = p95_s;
        s.account_creation.min_s = min_s;
        s.account_creation.max_s = max_s;
        s.faults = c.faults.clone();
        sc
    }

    /// Cases: `PROPTEST_CASES`, else 300.
    fn cases() -> u32 {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300)
    }

    #[test]
    fn the_engine_s_invariants_hold_under_random_parameters_and_faults() {
        let base = scenario::read(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/five-customers.toml"),
        )
        .unwrap();
        let mut runner = TestRunner::new(Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        });
        // What the cases did, to show that they reach both ends: deployments that completed,
        // and deployments with failures.
        let complete = std::sync::atomic::AtomicUsize::new(0);
        let failing = std::sync::atomic::AtomicUsize::new(0);
        let calls = std::sync::atomic::AtomicUsize::new(0);
        runner
            .run(&case(), |c| {
                let sc = scenario(&base, &c);
                prop_assert_eq!(sc.service.check(), Ok(()));
                let out = sim::run(&sc, c.seed);
                invariants(&format!("{c:?}"), &out.plan, &out.trace, &out.snapshot);
                // Retries bounded: no SDK call beyond max_attempts.
                prop_assert!(out
                    .trace
                    .calls
                    .iter()
                    .all(|k| k.attempt <= sc.deploy.max_attempts));
                // Same seed, same deployment, faults and all.
                prop_assert_eq!(&sim::run(&sc, c.seed).trace, &out.trace);
                let all = out.trace.resources.iter().all(|r| r.outcome.is_success());
                let counter = if all { &complete } else { &failing };
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                calls.fetch_add(out.trace.calls.len(), std::sync::atomic::Ordering::Relaxed);
                Ok(())
            })
            .unwrap();
        let (complete, failing) = (complete.into_inner(), failing.into_inner());
        eprintln!(
            "{complete} deployments complete, {failing} with failures, {} calls",
            calls.into_inner()
        );
        if cases() >= 100 {
            assert!(complete > 0 && failing > 0, "{complete} / {failing}");
        }
    }
}
