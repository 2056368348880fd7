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
                !code.is_empty() && !message.is_empty(),
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
        let plan = orgsim::plan::build(sc);
        let run = orgsim::live::apply(
            plan,
            &cfg,
            seed::Stream::Engine.seed(sc.seed),
            m.client(),
            clock,
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
                    assert_eq!(code, reason, "{backend}: {}: {message}", r.address);
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
