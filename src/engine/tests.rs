//! Engine tests against small scripted services (the real model is tested in `org::model`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::org::types::Request;
use crate::org::types::{
    ApiError, CreateAccountState, CreateAccountStatus, ErrorCode, Operation, OrganizationalUnit,
    Parent, ParentType, PolicySummary, Response, Root, Tags,
};
use crate::plan::{self, Spec};
use crate::scenario::{Customer, Expectations, OrganizationConfig, Scenario, ServiceParams, Tier};
use crate::sim::run_to_completion;
use trace::{CallRecord, Failure, Outcome};

pub(crate) fn scenario(n: usize) -> Scenario {
    let mut tiers = BTreeMap::new();
    for (k, fw, ou) in [
        ("fintech", "SOC2", "Customers-Fintech"),
        ("healthcare", "HIPAA", "Customers-Healthcare"),
    ] {
        tiers.insert(
            k.to_string(),
            Tier {
                key: k.into(),
                framework: fw.into(),
                ou: ou.into(),
                monthly_price_cents: 100,
            },
        );
    }
    Scenario {
        name: "t".into(),
        description: None,
        seed: 1,
        source: PathBuf::from("<test>"),
        customers: (0..n)
            .map(|i| Customer {
                name: format!("Customer {i}"),
                tier: if i % 2 == 0 { "fintech" } else { "healthcare" }.into(),
                email: format!("c{i}@example.com"),
                account_id: None,
                monthly_cents: 100,
                generated: false,
                line: 0,
                region: None,
            })
            .collect(),
        tiers,
        organization: OrganizationConfig::default(),
        deploy: DeployConfig::default(),
        deploy_overrides: Default::default(),
        service: ServiceParams::default(),
        costs: vec![],
        expect: Expectations::default(),
        phases: vec![],
        load: Default::default(),
        operations: None,
        existing: Default::default(),
    }
}

/// A service that succeeds at everything; accounts take `create_ms` to create. `fault` may
/// replace any answer.
struct Fake {
    n: u64,
    creations: BTreeMap<String, (u64, String)>,
    create_ms: u64,
    calls: Vec<(u64, Operation)>,
}

impl Fake {
    fn new(create_ms: u64) -> Self {
        Fake {
            n: 0,
            creations: BTreeMap::new(),
            create_ms,
            calls: vec![],
        }
    }
    fn answer(&mut self, now: u64, req: &Request) -> ApiResult {
        self.n += 1;
        self.calls.push((now, req.operation()));
        Ok(match req {
            Request::ListRoots => Response::Roots(vec![Root {
                id: "r-test".into(),
                arn: String::new().into(),
                name: "Root".into(),
            }]),
            Request::CreateOrganizationalUnit { name, .. } => {
                Response::OrganizationalUnit(OrganizationalUnit {
                    id: format!("ou-test-{:08}", self.n).into(),
                    arn: String::new().into(),
                    name: name.clone(),
                })
            }
            Request::CreatePolicy { name, .. } => Response::Policy(PolicySummary {
                id: format!("p-{:08}", self.n).into(),
                arn: String::new().into(),
                name: name.clone(),
                aws_managed: false,
            }),
            Request::CreateAccount { account_name, .. } => {
                let id = format!("car-{:08}", self.n);
                self.creations.insert(
                    id.clone(),
                    (now + self.create_ms, format!("{:012}", self.n)),
                );
                Response::CreateAccountStatus(CreateAccountStatus {
                    id: id.into(),
                    account_name: account_name.clone(),
                    state: CreateAccountState::InProgress,
                    account_id: None,
                    failure_reason: None,
                })
            }
            Request::DescribeCreateAccountStatus {
                create_account_request_id,
            } => {
                let (done, acct) = self.creations[create_account_request_id.as_str()].clone();
                let ok = now >= done;
                Response::CreateAccountStatus(CreateAccountStatus {
                    id: create_account_request_id.clone(),
                    account_name: String::new().into(),
                    state: if ok {
                        CreateAccountState::Succeeded
                    } else {
                        CreateAccountState::InProgress
                    },
                    account_id: ok.then_some(acct.into()),
                    failure_reason: None,
                })
            }
            // New accounts are in the root.
            Request::ListParents { .. } => Response::Parents(vec![Parent {
                id: "r-test".into(),
                kind: ParentType::Root,
            }]),
            _ => Response::Empty,
        })
    }
}

fn engine(n: usize, f: impl FnOnce(&mut DeployConfig)) -> Engine {
    let mut sc = scenario(n);
    f(&mut sc.deploy);
    Engine::new(plan::build(&sc), &sc.deploy, 7)
}

/// Most resources whose [start, end) spans overlap at any instant.
fn max_overlap(t: &Trace) -> usize {
    let mut ev: Vec<(u64, i32)> = Vec::new();
    for r in &t.resources {
        if let (Some(s), Some(e)) = (r.start_ms, r.end_ms) {
            ev.push((s, 1));
            ev.push((e, -1));
        }
    }
    ev.sort_by_key(|&(t, d)| (t, d)); // ends before starts at the same instant
    let (mut cur, mut max) = (0i32, 0i32);
    for (_, d) in ev {
        cur += d;
        max = max.max(cur);
    }
    max as usize
}

#[test]
fn everything_created_once_and_parallelism_respected() {
    for parallelism in [1u32, 3, 10] {
        let mut e = engine(12, |d| d.parallelism = parallelism);
        let mut fake = Fake::new(30_000);
        run_to_completion(&mut e, |now, req| (500, fake.answer(now, req)));
        assert!(e.is_done());
        let t = e.trace();
        assert!(t
            .resources
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Created { .. })));
        assert!(t.max_resources_in_flight <= parallelism as usize);
        assert!(
            max_overlap(t) <= parallelism as usize,
            "overlap {} > {parallelism}",
            max_overlap(t)
        );
        let creates = fake
            .calls
            .iter()
            .filter(|(_, o)| *o == Operation::CreateAccount)
            .count();
        assert_eq!(creates, 12, "each account created exactly once");
        // The first call waits for the deployer's overhead, drawn from the measured
        // distribution (9 to 44 s): the data source's DescribeOrganization, then its other
        // reads, ListRoots among them, before any resource call.
        let first = fake.calls[0].0;
        assert!((9_000..=44_000).contains(&first), "{first}");
        assert_eq!(t.first_call_ms, first);
        let setup: Vec<Operation> = fake.calls[..4].iter().map(|c| c.1).collect();
        assert_eq!(
            setup,
            [
                Operation::DescribeOrganization,
                Operation::ListAccounts,
                Operation::ListRoots,
                Operation::ListAWSServiceAccessForOrganization
            ]
        );
        // Polls are 10 s apart, MoveAccount only after SUCCEEDED.
        let polls: Vec<u64> = fake
            .calls
            .iter()
            .filter(|(_, o)| *o == Operation::DescribeCreateAccountStatus)
            .map(|(t, _)| *t)
            .collect();
        assert!(!polls.is_empty());
    }
}

#[test]
fn parallelism_one_serializes_and_is_slower() {
    let mut fast = engine(6, |d| d.parallelism = 10);
    let mut f1 = Fake::new(30_000);
    let t_fast = run_to_completion(&mut fast, |now, req| (500, f1.answer(now, req)));
    let mut slow = engine(6, |d| d.parallelism = 1);
    let mut f2 = Fake::new(30_000);
    let t_slow = run_to_completion(&mut slow, |now, req| (500, f2.answer(now, req)));
    assert_eq!(slow.trace().max_resources_in_flight, 1);
    assert!(
        t_slow > t_fast + 100_000,
        "serial {t_slow} vs parallel {t_fast}"
    );
}

#[test]
fn throttles_are_retried_with_bounded_attempts() {
    // CreateAccount throttled on its first two attempts, then accepted.
    let mut e = engine(2, |_| {});
    let mut fake = Fake::new(1_000);
    let mut throttled: BTreeMap<String, u32> = BTreeMap::new();
    run_to_completion(&mut e, |now, req| {
        if let Request::CreateAccount { email, .. } = req {
            let n = throttled.entry(email.to_string()).or_insert(0);
            if *n < 2 {
                *n += 1;
                return (
                    300,
                    Err(ApiError::new(
                        ErrorCode::TooManyRequestsException,
                        "Rate exceeded",
                    )),
                );
            }
        }
        (300, fake.answer(now, req))
    });
    let t = e.trace();
    assert!(t.resources.iter().all(|r| r.outcome.is_success()));
    let creates: Vec<&CallRecord> = t
        .calls
        .iter()
        .filter(|c| c.op == Operation::CreateAccount)
        .collect();
    assert_eq!(creates.len(), 6);
    assert!(creates
        .iter()
        .all(|c| c.attempt <= 3 && c.provider_try == 1));
    // Each retry waited a full-jitter backoff recorded on the resource.
    assert!(t
        .resources
        .iter()
        .any(|r| r.waits.iter().any(|w| w.kind == trace::WaitKind::Backoff)));
}

#[test]
fn a_service_that_always_throttles_ends_with_every_resource_failed_and_bounded_calls() {
    let mut e = engine(4, |_| {});
    run_to_completion(&mut e, |now, req| match req {
        // The setup's reads (the data source's and ListRoots) pass.
        Request::ListRoots
        | Request::DescribeOrganization
        | Request::ListAccounts
        | Request::ListAWSServiceAccessForOrganization => (100, Fake::new(0).answer(now, req)),
        _ => (
            300,
            Err(ApiError::new(
                ErrorCode::TooManyRequestsException,
                "Rate exceeded",
            )),
        ),
    });
    assert!(e.is_done());
    let t = e.trace();
    let cfg = DeployConfig::default();
    // Throttles are the SDK's to retry: at most max_attempts calls each, then it gives up.
    for (i, r) in t.resources.iter().enumerate() {
        assert!(r.outcome.is_terminal());
        assert!(!r.outcome.is_success());
        let calls = t.calls.iter().filter(|c| c.resource == Some(i)).count() as u64;
        assert!(calls <= cfg.max_attempts as u64, "{calls} calls");
        if let Outcome::Failed { message, .. } = &r.outcome {
            assert!(message.contains("gave up after 25 attempts"), "{message}");
        }
    }
    // Dependents of the failed OUs were skipped, not attempted.
    assert!(t
        .resources
        .iter()
        .any(|r| matches!(r.outcome, Outcome::Skipped { .. })));
}

/// Runs 2 customers where the first CreateOrganizationalUnit meets a ConcurrentModification.
fn first_ou_conflicts(deployer: Deployer) -> Trace {
    let mut e = engine(2, |d| *d = DeployConfig::profile(deployer));
    let mut fake = Fake::new(1_000);
    let mut first = true;
    run_to_completion(&mut e, |now, req| {
        if matches!(req, Request::CreateOrganizationalUnit { .. }) && first {
            first = false;
            return (
                400,
                Err(ApiError::new(
                    ErrorCode::ConcurrentModificationException,
                    "AWS Organizations can't complete your request because it conflicts with \
                     another attempt to modify the same entity. Try again later.",
                )),
            );
        }
        (400, fake.answer(now, req))
    });
    e.into_trace()
}

#[test]
fn concurrent_modification_is_retried_by_the_providers_sdk_retryer_not_by_a_plain_sdk() {
    // terraform-aws: the provider adds CME to its SDK retryer (service_package.go).
    let t = first_ou_conflicts(Deployer::TerraformAws);
    assert!(t.resources.iter().all(|r| r.outcome.is_success()));
    let retry = t
        .calls
        .iter()
        .find(|c| c.op == Operation::CreateOrganizationalUnit && c.attempt == 2);
    assert!(retry.is_some(), "an SDK-level retry follows the CME");
    assert!(t.calls.iter().all(|c| c.provider_try == 1));
    // ... within [60, 120) ms of the conflict's answer: the conflict's own backoff, 2·U[30, 60)
    // ms as measured, not the throttles' 2·U[500, 1000) ms.
    let failed = t
        .calls
        .iter()
        .find(|c| c.error == Some(ErrorCode::ConcurrentModificationException))
        .expect("the conflict");
    let wait = retry.unwrap().start_ms - failed.end_ms.unwrap();
    assert!((60..120).contains(&wait), "{wait} ms");
    // aws-sdk-standard: the SDK's default retryer does not retry it.
    let t = first_ou_conflicts(Deployer::AwsSdkStandard);
    let failed: Vec<_> = t
        .resources
        .iter()
        .filter(|r| {
            matches!(
                &r.outcome,
                Outcome::Failed {
                    code: Failure::Api(ErrorCode::ConcurrentModificationException),
                    ..
                }
            )
        })
        .collect();
    assert_eq!(failed.len(), 1);
}

#[test]
fn non_retryable_errors_fail_at_once_and_skip_dependents() {
    let mut e = engine(2, |_| {});
    let mut fake = Fake::new(1_000);
    run_to_completion(&mut e, |now, req| {
        if let Request::CreateOrganizationalUnit { name, .. } = req {
            if name == "Customers-Healthcare" {
                return (
                    400,
                    Err(ApiError::new(
                        ErrorCode::DuplicateOrganizationalUnitException,
                        "dup",
                    )),
                );
            }
        }
        (400, fake.answer(now, req))
    });
    let t = e.trace();
    let p = e.plan();
    for (r, rec) in p.resources.iter().zip(&t.resources) {
        let healthcare = r.address.contains("healthcare") || r.address.contains("customer_1");
        assert_eq!(
            !rec.outcome.is_success(),
            healthcare,
            "{}: {:?}",
            r.address,
            rec.outcome
        );
    }
    let ou_calls = t
        .calls
        .iter()
        .filter(|c| c.op == Operation::CreateOrganizationalUnit)
        .count();
    assert_eq!(ou_calls, 2, "no retry of a duplicate");
}

#[test]
fn account_creation_gives_up_after_the_timeout() {
    let mut e = engine(1, |d| d.create_timeout_s = 60.0);
    let mut fake = Fake::new(10_000_000);
    run_to_completion(&mut e, |now, req| (200, fake.answer(now, req)));
    let t = e.trace();
    let acct = e
        .plan()
        .resources
        .iter()
        .position(|r| r.kind == plan::ResourceKind::Account)
        .unwrap();
    match &t.resources[acct].outcome {
        Outcome::Failed { code, .. } => assert_eq!(*code, Failure::Timeout),
        o => panic!("{o:?}"),
    }
    let polls = t
        .calls
        .iter()
        .filter(|c| c.op == Operation::DescribeCreateAccountStatus)
        .count();
    assert!((5..=7).contains(&polls), "{polls} polls in 60 s at 10 s");
    // It times out exactly 60 s after CreateAccount was accepted.
    let accepted = t
        .calls
        .iter()
        .find(|c| c.op == Operation::CreateAccount)
        .and_then(|c| c.end_ms)
        .unwrap();
    assert_eq!(t.resources[acct].end_ms, Some(accepted + 60_000));
}

#[test]
fn same_seed_same_trace() {
    let run = |seed| {
        let sc = scenario(6);
        let mut e = Engine::new(plan::build(&sc), &sc.deploy, seed);
        let mut fake = Fake::new(20_000);
        let mut k = 0u32;
        run_to_completion(&mut e, |now, req| {
            k += 1;
            if k.is_multiple_of(3) {
                return (
                    250,
                    Err(ApiError::new(
                        ErrorCode::TooManyRequestsException,
                        "Rate exceeded",
                    )),
                );
            }
            (250, fake.answer(now, req))
        });
        e.into_trace()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2), "jitter follows the seed");
}

/// Runs `sc` with `lookup_existing` against `model`, counting writes.
fn apply_with_lookup(
    sc: &Scenario,
    model: &mut crate::org::model::OrgModel,
    base: u64,
) -> (Trace, usize) {
    use rand::SeedableRng;
    let mut cfg = sc.deploy.clone();
    cfg.lookup_existing = true;
    let mut engine = Engine::new(plan::build(sc), &cfg, 7);
    let mut rng = SmallRng::seed_from_u64(3);
    let mut writes = 0;
    // `base`: the model's clock keeps running between deployments.
    run_to_completion(&mut engine, |now, req| {
        if req.operation().is_write() {
            writes += 1;
        }
        let a = model.handle(base + now, req, &mut rng);
        (a.latency_ms, a.result)
    });
    (engine.into_trace(), writes)
}

#[test]
fn lookup_adopts_everything_on_a_second_apply() {
    let sc = scenario(4);
    let mut model = crate::org::model::OrgModel::new(sc.service.clone(), &sc.organization);
    let (first, _) = apply_with_lookup(&sc, &mut model, 0);
    assert!(first
        .resources
        .iter()
        .all(|r| matches!(r.outcome, Outcome::Created { .. })));
    let snap1 = model.snapshot(u64::MAX / 2);
    let (second, writes) = apply_with_lookup(&sc, &mut model, 100_000_000);
    assert_eq!(writes, 0, "nothing written the second time");
    assert!(second
        .resources
        .iter()
        .all(|r| matches!(r.outcome, Outcome::Existing { .. })));
    // Same ids adopted as created.
    for (a, b) in first.resources.iter().zip(&second.resources) {
        assert_eq!(a.outcome.id(), b.outcome.id());
    }
    assert_eq!(model.snapshot(u64::MAX / 2), snap1);
}

#[test]
fn lookup_resumes_a_half_done_apply_without_duplicates() {
    // The first run deploys two customers of four; the second deploys all four.
    let full = scenario(4);
    let mut half = full.clone();
    half.customers.truncate(2);
    let mut model = crate::org::model::OrgModel::new(full.service.clone(), &full.organization);
    apply_with_lookup(&half, &mut model, 0);
    // An account created but never moved (the run was killed after SUCCEEDED) must be adopted
    // and moved.
    let mut rng = <SmallRng as rand::SeedableRng>::seed_from_u64(1);
    let t = 50_000_000;
    let r = model.handle(
        t,
        &Request::CreateAccount {
            email: "c2@example.com".into(),
            account_name: "Customer 2".into(),
            tags: Tags::new(),
        },
        &mut rng,
    );
    assert!(r.result.is_ok());
    let (trace, _) = apply_with_lookup(&full, &mut model, 100_000_000);
    assert!(trace.resources.iter().all(|r| r.outcome.is_success()));
    let snap = model.snapshot(u64::MAX / 2);
    assert_eq!(snap.accounts.len(), 5, "management + 4, no duplicates");
    let fintech = snap
        .ous
        .iter()
        .find(|o| o.name == "Customers-Fintech")
        .unwrap();
    let c2 = snap
        .accounts
        .iter()
        .find(|a| a.email == "c2@example.com")
        .unwrap();
    assert_eq!(c2.parent_id, fintech.id, "the adopted account was moved");
    assert_eq!(snap.ous.len(), 2);
    let statuses: Vec<&str> = trace.resources.iter().map(|r| r.outcome.status()).collect();
    assert!(statuses.contains(&"existing") && statuses.contains(&"created"));
}

/// Runs `sc` as a live run does (lookups, [`Engine::guarding`] the model's management
/// account) against `model` from `base`, keeping every request.
fn apply_guarded(
    sc: &Scenario,
    model: &mut crate::org::model::OrgModel,
    base: u64,
) -> (Trace, Vec<Request>) {
    use rand::SeedableRng;
    let mut cfg = sc.deploy.clone();
    cfg.lookup_existing = true;
    let mgmt = model.management_account_id().to_string();
    let mut engine = Engine::new(plan::build(sc), &cfg, 7).guarding(mgmt);
    let mut rng = SmallRng::seed_from_u64(3);
    let mut sent = Vec::new();
    run_to_completion(&mut engine, |now, req| {
        sent.push(req.clone());
        let a = model.handle(base + now, req, &mut rng);
        (a.latency_ms, a.result)
    });
    (engine.into_trace(), sent)
}

#[test]
fn a_guarded_lookup_awaits_a_creation_in_progress_instead_of_creating_a_second_account() {
    // A run killed during c1's CreateAccount: the request is accepted, the account not yet in
    // ListAccounts (as on AWS). The run again must wait for that request, not create anew.
    let sc = scenario(2);
    let mut model = crate::org::model::OrgModel::new(sc.service.clone(), &sc.organization);
    let mut rng = <SmallRng as rand::SeedableRng>::seed_from_u64(1);
    let accepted = model.handle(
        0,
        &Request::CreateAccount {
            email: "c1@example.com".into(),
            account_name: "Customer 1".into(),
            tags: Tags::new(),
        },
        &mut rng,
    );
    let request_id = match accepted.result {
        Ok(Response::CreateAccountStatus(s)) => {
            assert_eq!(s.state, CreateAccountState::InProgress);
            s.id
        }
        other => panic!("{other:?}"),
    };
    let (trace, sent) = apply_guarded(&sc, &mut model, 1);
    let creations: Vec<&SharedStr> = sent
        .iter()
        .filter_map(|r| match r {
            Request::CreateAccount { email, .. } => Some(email),
            _ => None,
        })
        .collect();
    assert_eq!(
        creations,
        ["c0@example.com"],
        "c1's creation is not sent again"
    );
    assert!(sent.iter().any(|r| matches!(r,
        Request::DescribeCreateAccountStatus { create_account_request_id } if *create_account_request_id == request_id)),
        "the request in progress is polled");
    assert!(
        trace.resources.iter().all(|r| r.outcome.is_success()),
        "{:?}",
        trace.resources
    );
    let snap = model.snapshot(u64::MAX / 2);
    let c1 = snap
        .accounts
        .iter()
        .filter(|a| a.email == "c1@example.com")
        .count();
    assert_eq!(c1, 1, "one account for c1");
    // Without the guard the same situation sends a second CreateAccount for c1.
    let mut model = crate::org::model::OrgModel::new(sc.service.clone(), &sc.organization);
    let _ = model.handle(
        0,
        &Request::CreateAccount {
            email: "c1@example.com".into(),
            account_name: "Customer 1".into(),
            tags: Tags::new(),
        },
        &mut rng,
    );
    let mut cfg = sc.deploy.clone();
    cfg.lookup_existing = true;
    let mut engine = Engine::new(plan::build(&sc), &cfg, 7);
    let mut again = 0;
    run_to_completion(&mut engine, |now, req| {
        if matches!(req, Request::CreateAccount { email, .. } if *email == "c1@example.com") {
            again += 1;
        }
        let a = model.handle(1 + now, req, &mut rng);
        (a.latency_ms, a.result)
    });
    assert!(again >= 1, "the unguarded engine creates c1 again");
}

#[test]
fn a_guarded_second_apply_adopts_everything_and_writes_nothing() {
    let sc = scenario(1);
    let mut model = crate::org::model::OrgModel::new(sc.service.clone(), &sc.organization);
    let (first, _) = apply_guarded(&sc, &mut model, 0);
    assert!(first.resources.iter().all(|r| r.outcome.is_success()));
    let (second, sent) = apply_guarded(&sc, &mut model, 100_000_000);
    assert!(!sent.iter().any(|r| r.operation().is_write()), "{sent:?}");
    assert!(second
        .resources
        .iter()
        .all(|r| r.outcome.status() == "existing"));
}

#[test]
fn the_management_account_is_never_adopted_moved_or_tagged() {
    let mut sc = scenario(2);
    sc.customers[1].email = crate::org::model::MANAGEMENT_EMAIL.to_ascii_uppercase();
    let mut model = crate::org::model::OrgModel::new(sc.service.clone(), &sc.organization);
    let mgmt = model.management_account_id().to_string();
    let (trace, sent) = apply_guarded(&sc, &mut model, 0);
    let p = plan::build(&sc);
    let i = p
        .resources
        .iter()
        .position(|r| matches!(&r.spec, Spec::Account { customer: 1, .. }))
        .unwrap();
    match &trace.resources[i].outcome {
        Outcome::Failed { code, message } => {
            assert_eq!(*code, Failure::ManagementAccount);
            assert!(
                message.contains(&mgmt) && message.contains("management account"),
                "{message}"
            );
        }
        o => panic!("{o:?}"),
    }
    for r in &sent {
        match r {
            Request::MoveAccount { account_id, .. } => assert_ne!(*account_id, mgmt),
            Request::TagResource { resource_id, .. } => assert_ne!(*resource_id, mgmt),
            _ => {}
        }
    }
    // The other customer deploys.
    let j = p
        .resources
        .iter()
        .position(|r| matches!(&r.spec, Spec::Account { customer: 0, .. }))
        .unwrap();
    assert!(trace.resources[j].outcome.is_success());
}

#[test]
fn an_adopted_policy_is_compared_and_drift_fails_it() {
    let sc = scenario(2);
    let p = plan::build(&sc);
    let (soc2, planned) = p
        .resources
        .iter()
        .enumerate()
        .find_map(|(i, r)| match &r.spec {
            Spec::Policy { name, content, .. } if name.contains("SOC2") => {
                Some((i, (name.clone(), content.clone())))
            }
            _ => None,
        })
        .unwrap();
    let run_with = |content: &str| {
        let mut model = crate::org::model::OrgModel::new(sc.service.clone(), &sc.organization);
        let mut rng = <SmallRng as rand::SeedableRng>::seed_from_u64(1);
        let made = model.handle(
            0,
            &Request::CreatePolicy {
                name: planned.0.clone(),
                description: "".into(),
                content: content.into(),
                tags: Tags::new(),
            },
            &mut rng,
        );
        assert!(made.result.is_ok());
        apply_guarded(&sc, &mut model, 10_000).0
    };
    let allow_all =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let t = run_with(allow_all);
    match &t.resources[soc2].outcome {
        Outcome::Failed { code, message } => {
            assert_eq!(*code, Failure::PolicyDrift);
            assert!(
                message.contains(&*planned.0) && message.contains("drift"),
                "{message}"
            );
        }
        o => panic!("{o:?}"),
    }
    // The same document, spaced and ordered otherwise, is adopted.
    let v: serde_json::Value = serde_json::from_str(&planned.1).unwrap();
    let t = run_with(&serde_json::to_string_pretty(&v).unwrap());
    assert_eq!(t.resources[soc2].outcome.status(), "existing");
}

/// Runs `plan` on a fresh model (with `lookup_existing` as given), returning the trace and
/// every request sent.
fn run_plan(sc: &Scenario, plan: plan::Plan, lookup: bool) -> (Trace, Vec<Request>) {
    use rand::SeedableRng;
    let mut cfg = sc.deploy.clone();
    cfg.lookup_existing = lookup;
    let mut model = crate::org::model::OrgModel::new(sc.service.clone(), &sc.organization);
    let mut engine = Engine::new(plan, &cfg, 7);
    let mut rng = SmallRng::seed_from_u64(3);
    let mut sent = Vec::new();
    run_to_completion(&mut engine, |now, req| {
        sent.push(req.clone());
        let a = model.handle(now, req, &mut rng);
        (a.latency_ms, a.result)
    });
    (engine.into_trace(), sent)
}

/// A plan whose attachments do not wait for their policies, and whose policies wait for the
/// last account (a broken invariant): each attachment fails as `InvalidPlan`, naming the
/// policy without an id, and no request carries an empty id, with or without the lookups of a
/// live run (there the lookup's answer comes back before the policy has an id).
#[test]
fn a_missing_id_is_an_invalid_plan_never_an_empty_id_sent() {
    let sc = scenario(2);
    for lookup in [false, true] {
        let mut p = plan::build(&sc);
        let last_account = p
            .resources
            .iter()
            .rposition(|r| matches!(r.spec, Spec::Account { .. }))
            .unwrap();
        let mut broken = Vec::new();
        for i in 0..p.resources.len() {
            if let Spec::Attachment { policy, .. } = p.resources[i].spec {
                p.resources[i].deps.retain(|&d| d != policy);
                if !p.resources[policy].deps.contains(&last_account) {
                    p.resources[policy].deps.push(last_account);
                }
                broken.push((i, p.resources[policy].address.clone()));
            }
        }
        assert!(!broken.is_empty());
        let (t, sent) = run_plan(&sc, p, lookup);
        for (i, policy) in &broken {
            match &t.resources[*i].outcome {
                Outcome::Failed { code, message } => {
                    assert_eq!(*code, Failure::InvalidPlan, "lookup {lookup}: {message}");
                    assert_eq!(code.as_str(), "InvalidPlan");
                    assert!(message.contains(policy.as_str()), "{message}");
                }
                o => panic!("lookup {lookup}: {o:?}"),
            }
        }
        for req in &sent {
            let dbg = format!("{req:?}");
            assert!(!dbg.contains("_id: \"\""), "an empty id sent: {dbg}");
        }
        // With lookups, each attachment's lookup was answered first: the id went missing in the
        // answer's handling, not in building a request.
        let lookups = sent
            .iter()
            .filter(|r| matches!(r, Request::ListPoliciesForTarget { .. }))
            .count();
        assert!(!lookup || lookups >= broken.len(), "{lookups} lookups");
        assert!(
            !sent
                .iter()
                .any(|r| matches!(r, Request::AttachPolicy { .. })),
            "no attachment was made"
        );
    }
}

/// The backoff rules: full jitter (aws-sdk-go-v2) below its ceiling and exactly the cap above
/// it; equal jitter (what hashicorp/aws 5.100.0 was measured doing) in [ceiling, 2·ceiling)
/// and never past the cap.
#[test]
fn backoffs_fall_in_their_rule_s_range() {
    use crate::config::Jitter;
    use rand::SeedableRng;
    let mut rng = rand::rngs::SmallRng::seed_from_u64(3);
    for attempt in 1..=6u32 {
        let ceiling = 500u64 << attempt;
        let mut seen_low = false;
        for _ in 0..200 {
            let d = super::retry::backoff(&mut rng, attempt, 500, 300_000, Jitter::Equal);
            assert!(
                (ceiling..2 * ceiling).contains(&d),
                "attempt {attempt}: {d}"
            );
            let f = super::retry::backoff(&mut rng, attempt, 1000, 300_000, Jitter::Full);
            assert!(f < 1000 << attempt, "attempt {attempt}: {f}");
            seen_low |= f < 500 << attempt;
        }
        assert!(seen_low, "full jitter reaches below half its ceiling");
    }
    // Past the cap: the cap itself, under either rule.
    assert_eq!(
        super::retry::backoff(&mut rng, 10, 500, 300_000, Jitter::Equal),
        300_000
    );
    assert_eq!(
        super::retry::backoff(&mut rng, 9, 1000, 300_000, Jitter::Full),
        300_000
    );
    // A ceiling below the cap whose double passes it is held to the cap.
    let d = super::retry::backoff(&mut rng, 9, 500, 300_000, Jitter::Equal);
    assert!((256_000..=300_000).contains(&d), "{d}");
    assert_eq!(
        super::retry::backoff(&mut rng, 3, 0, 300_000, Jitter::Equal),
        0
    );
}

/// A throttle under `terraform-aws` waits 2^a·U[500, 1000) ms after failed attempt a, as
/// measured against `orgsim serve` (docs/model.md, "Held to the real provider").
#[test]
fn a_throttle_waits_the_measured_backoff_under_terraform_aws() {
    let mut e = engine(1, |_| {});
    let mut fake = Fake::new(1_000);
    let mut throttled = 0;
    run_to_completion(&mut e, |now, req| {
        if matches!(req, Request::CreateOrganizationalUnit { .. }) && throttled < 3 {
            throttled += 1;
            return (
                100,
                Err(ApiError::new(
                    ErrorCode::TooManyRequestsException,
                    "Rate exceeded",
                )),
            );
        }
        (100, fake.answer(now, req))
    });
    let t = e.trace();
    let ou: Vec<&CallRecord> = t
        .calls
        .iter()
        .filter(|c| c.op == Operation::CreateOrganizationalUnit)
        .collect();
    assert_eq!(ou.len(), 4);
    for w in ou.windows(2) {
        let a = w[0].attempt as u64;
        let wait = w[1].start_ms - w[0].end_ms.unwrap();
        assert!(
            ((500 << a)..(1000 << a)).contains(&wait),
            "after attempt {a}: {wait} ms"
        );
    }
}
