//! Fidelity: each deployer profile behaves as its sources say (`docs/model.md`, "The deployer"),
//! checked on the traces of many seeded deployments against the model of AWS Organizations.
//!
//! `cargo test --test fidelity`. Each test also checks that the behaviour it tests happened at
//! all in its runs (throttles, long backoffs, timeouts, a full factory), so it cannot pass
//! vacuously.

use std::collections::BTreeMap;
use std::path::Path;

use orgsim::engine::trace::{Outcome, Trace, WaitKind};
use orgsim::engine::Deployer;
use orgsim::org::types::{CreateAccountState, ErrorCode, Operation, Request, Response};
use orgsim::plan::{Plan, ResourceKind};
use orgsim::scenario::Scenario;
use orgsim::{plan, scenario, sim};

/// `scenarios/fidelity-100.toml` under `deployer`, resized to `n` customers.
fn fidelity(deployer: Deployer, n: usize) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/fidelity-100.toml");
    let mut sc = scenario::read(&path).expect("the fidelity scenario loads");
    sc.set_deployer(deployer).expect("the profile checks");
    sc.with_customers(n)
}

/// One deployment, with what every status poll saw.
struct Run {
    plan: std::sync::Arc<Plan>,
    trace: Trace,
    /// Call id → the state a DescribeCreateAccountStatus answer carried.
    poll_states: BTreeMap<u64, CreateAccountState>,
    /// Call id → the tags a CreateAccount request carried.
    create_tags: BTreeMap<u64, usize>,
}

fn run(sc: &Scenario, seed: u64) -> Run {
    let mut poll_states = BTreeMap::new();
    let mut create_tags = BTreeMap::new();
    let out = sim::run_plan_observed(sc, plan::build(sc), seed, |_, call, result| {
        match (&call.request, result) {
            (Request::DescribeCreateAccountStatus { .. }, Ok(Response::CreateAccountStatus(s))) => {
                poll_states.insert(call.id, s.state);
            }
            (Request::CreateAccount { tags, .. }, _) => {
                create_tags.insert(call.id, tags.len());
            }
            _ => {}
        }
    });
    Run {
        plan: out.plan,
        trace: out.trace,
        poll_states,
        create_tags,
    }
}

fn runs(deployer: Deployer, n: usize, seeds: std::ops::Range<u64>) -> Vec<Run> {
    let sc = fidelity(deployer, n);
    seeds.map(|s| run(&sc, s)).collect()
}

fn is_throttle(e: &Option<ErrorCode>) -> bool {
    matches!(e, Some(ErrorCode::TooManyRequestsException))
}

#[test]
fn terraform_aws_retries_a_throttle_until_its_25th_attempt_and_never_sleeps_past_300_s() {
    let mut throttles = 0;
    let mut longest_backoff = 0;
    let mut late_attempts = 0;
    for r in runs(Deployer::TerraformAws, 100, 1..7) {
        let t = &r.trace;
        for (i, c) in t.calls.iter().enumerate() {
            if c.attempt >= 9 {
                late_attempts += 1;
            }
            if !is_throttle(&c.error) {
                continue;
            }
            throttles += 1;
            let Some(res) = c.resource else { continue };
            if c.attempt < 25 {
                // The SDK retries it: the resource's next call is attempt + 1 of the same op.
                let next = t.calls[i + 1..].iter().find(|n| n.resource == Some(res));
                let next = next.unwrap_or_else(|| {
                    panic!(
                        "{} gave up on a throttle at attempt {}",
                        r.plan.resources[res].address, c.attempt
                    )
                });
                assert_eq!((next.op, next.attempt), (c.op, c.attempt + 1));
            }
        }
        for (i, rec) in t.resources.iter().enumerate() {
            if let Outcome::Failed { code, .. } = &rec.outcome {
                if code.as_str() == "TooManyRequestsException" {
                    let last = t
                        .calls
                        .iter()
                        .rev()
                        .find(|c| c.resource == Some(i))
                        .unwrap();
                    assert_eq!(last.attempt, 25, "{}", r.plan.resources[i].address);
                }
            }
            for w in &rec.waits {
                if w.kind == WaitKind::Backoff {
                    longest_backoff = longest_backoff.max(w.end_ms - w.start_ms);
                }
            }
        }
    }
    assert!(throttles > 100, "the runs must throttle ({throttles})");
    assert!(
        late_attempts > 0,
        "some call must reach the flat 300 s backoff (attempt ≥ 9)"
    );
    assert!(
        longest_backoff <= 300_000,
        "a retry slept {longest_backoff} ms, more than 300 s"
    );
    assert_eq!(
        longest_backoff, 300_000,
        "beyond attempt 8 the backoff is exactly 300 s"
    );
}

#[test]
fn terraform_aws_gives_a_throttled_call_up_at_its_25th_attempt_and_not_before() {
    // A CreateAccount bucket 20 times slower than AWS's: some accounts run out of attempts.
    let mut sc = fidelity(Deployer::TerraformAws, 60);
    sc.service.throttle.insert(
        "CreateAccount".into(),
        orgsim::config::Bucket {
            rate: 0.005,
            burst: 1.0,
        },
    );
    let mut exhausted = 0;
    for seed in 1..3 {
        let r = run(&sc, seed);
        let t = &r.trace;
        for (i, rec) in t.resources.iter().enumerate() {
            let Outcome::Failed { code, message } = &rec.outcome else {
                continue;
            };
            if code.as_str() != "TooManyRequestsException" {
                continue;
            }
            exhausted += 1;
            let attempts: Vec<u32> = t
                .calls
                .iter()
                .filter(|c| c.resource == Some(i) && c.op == Operation::CreateAccount)
                .map(|c| c.attempt)
                .collect();
            assert_eq!(
                attempts,
                (1..=25).collect::<Vec<_>>(),
                "{}",
                r.plan.resources[i].address
            );
            assert!(message.contains("gave up after 25 attempts"), "{message}");
        }
    }
    assert!(
        exhausted > 0,
        "the slow bucket must exhaust some accounts' attempts"
    );
}

#[test]
fn terraform_aws_tags_travel_in_create_account_and_each_resource_is_read_back() {
    for r in runs(Deployer::TerraformAws, 40, 1..5) {
        let t = &r.trace;
        assert!(
            t.calls.iter().all(|c| c.op != Operation::TagResource),
            "no TagResource under terraform-aws"
        );
        assert!(
            r.create_tags.values().all(|&n| n > 0),
            "CreateAccount carries the tags"
        );
        for (i, res) in r.plan.resources.iter().enumerate() {
            if !matches!(t.resources[i].outcome, Outcome::Created { .. }) {
                continue;
            }
            // The resource's calls, one per SDK call (retries folded).
            let ops: Vec<Operation> = t
                .calls
                .iter()
                .filter(|c| c.resource == Some(i) && c.attempt == 1)
                .map(|c| c.op)
                .collect();
            let tail = |k: usize| &ops[ops.len().saturating_sub(k)..];
            use Operation::*;
            match res.kind {
                ResourceKind::Account => assert_eq!(
                    tail(5),
                    [
                        ListParents,
                        MoveAccount,
                        DescribeAccount,
                        ListParents,
                        ListTagsForResource
                    ],
                    "{}",
                    res.address
                ),
                ResourceKind::OrganizationalUnit => assert_eq!(
                    ops,
                    [
                        CreateOrganizationalUnit,
                        DescribeOrganizationalUnit,
                        ListParents,
                        ListAccountsForParent,
                        ListTagsForResource
                    ]
                ),
                ResourceKind::Policy => {
                    assert_eq!(ops, [CreatePolicy, DescribePolicy, ListTagsForResource])
                }
                ResourceKind::PolicyAttachment => {
                    assert_eq!(ops, [AttachPolicy, ListTargetsForPolicy])
                }
                ResourceKind::Tags => assert!(ops.is_empty(), "tags make no call"),
            }
        }
    }
}

#[test]
fn terraform_aws_times_out_only_when_no_poll_saw_the_account_leave_in_progress_for_10_minutes() {
    let mut timeouts = 0;
    for r in runs(Deployer::TerraformAws, 100, 1..7) {
        let t = &r.trace;
        for (i, rec) in t.resources.iter().enumerate() {
            let Outcome::Failed { code, .. } = &rec.outcome else {
                continue;
            };
            if code.as_str() != "Timeout" {
                continue;
            }
            timeouts += 1;
            let mine: Vec<_> = t.calls.iter().filter(|c| c.resource == Some(i)).collect();
            let accepted = mine
                .iter()
                .filter(|c| c.op == Operation::CreateAccount && c.error.is_none())
                .find_map(|c| c.end_ms)
                .expect("a timed-out account was accepted");
            let end = rec.end_ms.unwrap();
            assert!(
                end >= accepted + 600_000,
                "timed out {} ms after acceptance",
                end - accepted
            );
            for c in mine
                .iter()
                .filter(|c| c.op == Operation::DescribeCreateAccountStatus)
            {
                if let Some(state) = r.poll_states.get(&c.id) {
                    assert_eq!(
                        *state,
                        CreateAccountState::InProgress,
                        "a poll saw {state:?} but the account timed out"
                    );
                }
            }
        }
    }
    assert!(
        timeouts > 0,
        "600 accounts give a few creations over 10 minutes"
    );
}

#[test]
fn aws_sdk_standard_gives_a_throttle_up_after_3_attempts_or_an_empty_retry_quota() {
    let mut gave_up = 0;
    for r in runs(Deployer::AwsSdkStandard, 50, 1..5) {
        let t = &r.trace;
        assert!(t
            .calls
            .iter()
            .all(|c| c.attempt <= 3 && c.provider_try == 1));
        for (i, c) in t.calls.iter().enumerate() {
            if !is_throttle(&c.error) {
                continue;
            }
            let Some(res) = c.resource else { continue };
            let next = t.calls[i + 1..].iter().find(|n| n.resource == Some(res));
            match next {
                Some(n) if n.op == c.op && n.attempt == c.attempt + 1 => {}
                _ => {
                    let Outcome::Failed { code, message } = &t.resources[res].outcome else {
                        panic!("a throttle was not retried, yet the resource did not fail")
                    };
                    assert_eq!(code.as_str(), "TooManyRequestsException");
                    let quota = message.contains("retry quota is empty");
                    assert!(
                        c.attempt == 3 || quota,
                        "gave up at attempt {}: {message}",
                        c.attempt
                    );
                    gave_up += 1;
                }
            }
        }
    }
    assert!(
        gave_up > 0,
        "a script on the SDK's defaults loses accounts to throttling"
    );
}

#[test]
fn control_tower_vends_at_most_5_accounts_at_once_first_come_first_served() {
    let mut full = 0;
    for r in runs(Deployer::ControlTower, 20, 1..5) {
        let t = &r.trace;
        let accounts: Vec<usize> = r
            .plan
            .resources
            .iter()
            .enumerate()
            .filter(|(_, res)| res.kind == ResourceKind::Account)
            .map(|(i, _)| i)
            .collect();
        // At most 5 in progress at any instant (ends before starts at the same instant).
        let mut ev: Vec<(u64, i32)> = Vec::new();
        for &i in &accounts {
            let rec = &t.resources[i];
            ev.push((rec.start_ms.unwrap(), 1));
            ev.push((rec.end_ms.unwrap(), -1));
        }
        ev.sort();
        let (mut cur, mut max) = (0, 0);
        for (_, d) in ev {
            cur += d;
            max = max.max(cur);
        }
        assert!(max <= 5, "{max} accounts in progress at once");
        if max == 5 {
            full += 1;
        }
        // FIFO: an account ready earlier never starts later.
        let mut by_ready = accounts.clone();
        by_ready.sort_by_key(|&i| (t.resources[i].ready_ms, i));
        let starts: Vec<u64> = by_ready
            .iter()
            .map(|&i| t.resources[i].start_ms.unwrap())
            .collect();
        assert!(
            starts.windows(2).all(|w| w[0] <= w[1]),
            "started out of order: {starts:?}"
        );
        // Vends are slow: every account spent its provisioning time.
        for &i in &accounts {
            if t.resources[i].outcome.is_success() {
                assert!(t.resources[i]
                    .waits
                    .iter()
                    .any(|w| w.kind == WaitKind::Provisioning));
            }
        }
    }
    assert!(full > 0, "20 accounts fill the factory's 5 slots");
}
