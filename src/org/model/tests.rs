//! Unit tests of the in-memory Organizations service: one per documented rule.

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng;

use super::*;
use crate::config::service::{Bucket, LatencyRange, ServiceParams};
use crate::config::OrganizationConfig;
use crate::org::types::ConstraintViolationReason as Cv;
use crate::org::types::{
    Account, CreateAccountFailureReason, CreateAccountState, CreateAccountStatus, ErrorCode,
    Operation, OrgSnapshot, Parent, ParentType, Request, Response, Tags, TargetKind,
};
use rand::rngs::SmallRng;
use rand::SeedableRng;

fn rng() -> SmallRng {
    SmallRng::seed_from_u64(7)
}

fn org() -> OrganizationConfig {
    OrganizationConfig::default()
}

/// No throttling, zero latency (so no lock windows), large quotas: isolates one rule at a time.
fn loose() -> ServiceParams {
    let mut p = ServiceParams::default();
    for op in Operation::ALL {
        p.throttle.insert(
            op.as_str().into(),
            Bucket {
                rate: 1000.0,
                burst: 1000.0,
            },
        );
    }
    p.write_latency = LatencyRange {
        min_ms: 0,
        max_ms: 0,
    };
    p.read_latency = LatencyRange {
        min_ms: 0,
        max_ms: 0,
    };
    p
}

fn big_org() -> OrganizationConfig {
    OrganizationConfig {
        account_quota: 10_000,
        ..org()
    }
}

fn tags(kv: &[(&str, &str)]) -> Tags {
    kv.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn n_tags(n: usize) -> Tags {
    (0..n).map(|i| (format!("k{i}"), "v".to_string())).collect()
}

fn code(a: &Answer) -> ErrorCode {
    a.result.clone().expect_err("expected an error").code
}

fn cv_of(a: &Answer) -> Cv {
    match code(a) {
        ErrorCode::ConstraintViolationException(r) => r,
        other => panic!("expected a constraint violation, got {other}"),
    }
}

fn ok(a: &Answer) -> Response {
    a.result
        .clone()
        .unwrap_or_else(|e| panic!("expected success, got {e}"))
}

struct T {
    m: OrgModel,
    r: SmallRng,
}

impl T {
    fn new(p: ServiceParams, o: OrganizationConfig) -> T {
        T {
            m: OrgModel::new(p, &o),
            r: rng(),
        }
    }
    fn call(&mut self, now: u64, req: Request) -> Answer {
        self.m.handle(now, &req, &mut self.r)
    }
    fn ou(&mut self, now: u64, parent: &str, name: &str) -> Answer {
        self.call(
            now,
            Request::CreateOrganizationalUnit {
                parent_id: parent.into(),
                name: name.into(),
                tags: Tags::new(),
            },
        )
    }
    fn ou_id(&mut self, now: u64, parent: &str, name: &str) -> String {
        match ok(&self.ou(now, parent, name)) {
            Response::OrganizationalUnit(o) => o.id.into(),
            r => panic!("{r:?}"),
        }
    }
    fn create(&mut self, now: u64, email: &str) -> Answer {
        self.call(
            now,
            Request::CreateAccount {
                email: email.into(),
                account_name: format!("acct {email}").into(),
                tags: Tags::new(),
            },
        )
    }
    fn create_id(&mut self, now: u64, email: &str) -> String {
        match ok(&self.create(now, email)) {
            Response::CreateAccountStatus(s) => {
                assert_eq!(s.state, CreateAccountState::InProgress);
                s.id.into()
            }
            r => panic!("{r:?}"),
        }
    }
    fn status(&mut self, now: u64, car: &str) -> CreateAccountStatus {
        match ok(&self.call(
            now,
            Request::DescribeCreateAccountStatus {
                create_account_request_id: car.into(),
            },
        )) {
            Response::CreateAccountStatus(s) => s,
            r => panic!("{r:?}"),
        }
    }
    fn policy(&mut self, now: u64, name: &str) -> Answer {
        self.call(
            now,
            Request::CreatePolicy {
                name: name.into(),
                description: String::new().into(),
                content: r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
                tags: Tags::new(),
            },
        )
    }
    fn policy_id(&mut self, now: u64, name: &str) -> String {
        match ok(&self.policy(now, name)) {
            Response::Policy(p) => p.id.into(),
            r => panic!("{r:?}"),
        }
    }
    fn attach(&mut self, now: u64, p: &str, t: &str) -> Answer {
        self.call(
            now,
            Request::AttachPolicy {
                policy_id: p.into(),
                target_id: t.into(),
            },
        )
    }
    fn detach(&mut self, now: u64, p: &str, t: &str) -> Answer {
        self.call(
            now,
            Request::DetachPolicy {
                policy_id: p.into(),
                target_id: t.into(),
            },
        )
    }
    fn mv(&mut self, now: u64, a: &str, s: &str, d: &str) -> Answer {
        self.call(
            now,
            Request::MoveAccount {
                account_id: a.into(),
                source_parent_id: s.into(),
                destination_parent_id: d.into(),
            },
        )
    }
    /// Creates an account and waits for it (completion at most max_s = 1800 s later).
    fn account(&mut self, now: u64, email: &str) -> String {
        let car = self.create_id(now, email);
        let s = self.status(now + 1_800_000, &car);
        assert_eq!(s.state, CreateAccountState::Succeeded, "{s:?}");
        s.account_id.unwrap().into()
    }
}

// ---- ids shared from one model to the next -------------------------------------------------

#[test]
fn a_model_sharing_the_last_models_ids_answers_as_a_fresh_model_does() {
    // As a sweep thread makes its models, one after another: the second takes the first's ids,
    // the third (another management account, so other ARNs) the second's.
    fn run(t: &mut T) -> (OrgSnapshot, Vec<Account>) {
        for (i, e) in ["a@x.example", "b@x.example", "c@x.example"]
            .iter()
            .enumerate()
        {
            t.account(i as u64 * 2_000_000, e);
        }
        let accounts = match ok(&t.call(7_000_000, Request::ListAccounts)) {
            Response::Accounts(a) => a,
            r => panic!("{r:?}"),
        };
        (t.m.snapshot(7_000_000), accounts)
    }
    let o = OrganizationConfig {
        existing_accounts: 2,
        ..big_org()
    };
    let mut first = T::new(loose(), o.clone());
    let fresh = run(&mut first);
    let mut second = T::new(loose(), o.clone());
    second.m.reuse_ids(first.m.take_ids());
    assert_eq!(run(&mut second), fresh);

    let other = OrganizationConfig {
        management_account_id: "222222222222".into(),
        ..o
    };
    let fresh_other = run(&mut T::new(loose(), other.clone()));
    let mut third = T::new(loose(), other);
    third.m.reuse_ids(second.m.take_ids());
    assert_eq!(run(&mut third), fresh_other);
    // The same account ids, each ARN naming its own management account.
    let (last, last_other) = (&fresh.1[5], &fresh_other.1[5]);
    assert_eq!(last.id, last_other.id);
    assert!(last.arn.contains(":111111111111:"), "{}", last.arn);
    assert!(
        last_other.arn.contains(":222222222222:"),
        "{}",
        last_other.arn
    );
}

// ---- construction -------------------------------------------------------------------------

#[test]
fn construction_has_root_management_and_existing_accounts_with_full_aws_access() {
    let o = OrganizationConfig {
        existing_accounts: 3,
        ..org()
    };
    let mut m = OrgModel::new(ServiceParams::default(), &o);
    let s = m.snapshot(0);
    assert_eq!(s.root_id, "r-sim1");
    assert_eq!(s.management_account_id, "111111111111");
    assert_eq!(s.accounts.len(), 4);
    assert_eq!(s.accounts[0].id, "111111111111");
    assert!(s
        .accounts
        .iter()
        .all(|a| a.parent_id == "r-sim1" && a.id.len() == 12));
    assert!(s
        .accounts
        .iter()
        .all(|a| a.id.chars().all(|c| c.is_ascii_digit())));
    assert_eq!(s.policies.len(), 1);
    assert_eq!(s.policies[0].id, "p-FullAWSAccess");
    assert_eq!(s.policies[0].name, "FullAWSAccess");
    assert!(s.policies[0].aws_managed);
    assert!(s
        .attachments
        .contains(&("p-FullAWSAccess".into(), "r-sim1".into())));
    for a in &s.accounts {
        assert!(s
            .attachments
            .contains(&("p-FullAWSAccess".into(), a.id.clone())));
    }
    assert_eq!(s.attachments.len(), 5);
    assert!(s.ous.is_empty());
}

#[test]
fn new_ous_and_accounts_get_full_aws_access() {
    let mut t = T::new(loose(), org());
    let ou = t.ou_id(0, ROOT_ID, "A");
    assert!(ou.starts_with("ou-sim1-") && ou.len() >= "ou-sim1-".len() + 8);
    let acct = t.account(0, "a@example.com");
    let s = t.m.snapshot(2_000_000);
    assert!(s
        .attachments
        .contains(&(FULL_AWS_ACCESS_ID.into(), ou.as_str().into())));
    assert!(s
        .attachments
        .contains(&(FULL_AWS_ACCESS_ID.into(), acct.as_str().into())));
    for target in [ou, acct] {
        match ok(&t.call(
            3_000_000,
            Request::ListPoliciesForTarget {
                target_id: target.into(),
            },
        )) {
            Response::Policies(ps) => {
                assert_eq!(ps.len(), 1);
                assert_eq!(ps[0].id, FULL_AWS_ACCESS_ID);
            }
            r => panic!("{r:?}"),
        }
    }
}

// ---- throttling, latency, internal errors -------------------------------------------------

#[test]
fn create_account_bucket_burst_3_then_one_per_10_s() {
    let mut t = T::new(ServiceParams::default(), big_org());
    for i in 0..3 {
        t.create_id(0, &format!("u{i}@example.com"));
    }
    let a = t.create(0, "u3@example.com");
    assert_eq!(code(&a), ErrorCode::TooManyRequestsException);
    assert_eq!(a.result.unwrap_err().message, MSG_RATE_EXCEEDED);
    assert_eq!(
        code(&t.create(9_999, "u3@example.com")),
        ErrorCode::TooManyRequestsException
    );
    t.create_id(10_000, "u3@example.com");
    assert_eq!(
        code(&t.create(10_001, "u4@example.com")),
        ErrorCode::TooManyRequestsException
    );
}

#[test]
fn buckets_are_per_operation_and_refill_up_to_burst() {
    let mut t = T::new(ServiceParams::default(), org());
    // ListRoots: rate 1, burst 2.
    ok(&t.call(0, Request::ListRoots));
    ok(&t.call(0, Request::ListRoots));
    assert_eq!(
        code(&t.call(0, Request::ListRoots)),
        ErrorCode::TooManyRequestsException
    );
    // Another operation's bucket is untouched.
    ok(&t.call(0, Request::ListAccounts));
    // After an hour the bucket holds only `burst` tokens.
    ok(&t.call(3_600_000, Request::ListRoots));
    ok(&t.call(3_600_000, Request::ListRoots));
    assert_eq!(
        code(&t.call(3_600_000, Request::ListRoots)),
        ErrorCode::TooManyRequestsException
    );
    ok(&t.call(3_601_000, Request::ListRoots));
}

#[test]
fn latency_is_drawn_from_the_operation_range_for_errors_too() {
    let mut p = ServiceParams::default();
    p.latency.insert(
        "ListRoots".into(),
        LatencyRange {
            min_ms: 50,
            max_ms: 60,
        },
    );
    let mut t = T::new(p, org());
    let mut seen = BTreeSet::new();
    for i in 0..200u64 {
        let a = t.call(i * 1000, Request::ListRoots);
        assert!((50..=60).contains(&a.latency_ms), "{}", a.latency_ms);
        seen.insert(a.latency_ms);
        let e = t.call(
            i * 1000,
            Request::DescribeAccount {
                account_id: "999".into(),
            },
        );
        assert_eq!(code(&e), ErrorCode::AccountNotFoundException);
        assert!((100..=300).contains(&e.latency_ms));
        let w = t.ou(i * 1000 + 500, "r-nope", "x");
        assert_eq!(code(&w), ErrorCode::ParentNotFoundException);
        assert!((400..=900).contains(&w.latency_ms));
    }
    assert!(seen.contains(&50) && seen.contains(&60), "inclusive range");
}

#[test]
fn internal_error_probability_gives_service_exception_without_effect() {
    let mut p = loose();
    p.internal_error_probability = 1.0;
    let mut t = T::new(p, org());
    assert_eq!(code(&t.ou(0, ROOT_ID, "A")), ErrorCode::ServiceException);
    assert_eq!(
        code(&t.call(0, Request::ListRoots)),
        ErrorCode::ServiceException
    );
    assert!(t.m.snapshot(0).ous.is_empty());

    let mut p = loose();
    p.internal_error_probability = 0.3;
    let mut t = T::new(p, org());
    let fails = (0..1000)
        .filter(|_| t.call(0, Request::ListRoots).result.is_err())
        .count();
    assert!((220..=380).contains(&fails), "{fails}");
}

#[test]
fn throttling_comes_before_internal_errors() {
    let p = ServiceParams {
        internal_error_probability: 1.0,
        ..Default::default()
    };
    let mut t = T::new(p, org());
    assert_eq!(
        code(&t.call(0, Request::ListRoots)),
        ErrorCode::ServiceException
    );
    assert_eq!(
        code(&t.call(0, Request::ListRoots)),
        ErrorCode::ServiceException
    );
    assert_eq!(
        code(&t.call(0, Request::ListRoots)),
        ErrorCode::TooManyRequestsException
    );
}

// ---- [[service.faults]] -------------------------------------------------------------------

fn fault(from: u64, to: u64, ops: &[&str], error: &str, p: f64) -> crate::config::service::Fault {
    crate::config::service::Fault {
        from,
        to,
        operations: ops.iter().map(|o| o.to_string()).collect(),
        error: error.into(),
        probability: p,
    }
}

#[test]
fn a_fault_fails_the_calls_of_its_operations_within_its_window_only() {
    let mut p = loose();
    p.faults = vec![fault(
        10_000,
        20_000,
        &["CreateOrganizationalUnit"],
        "ServiceException",
        1.0,
    )];
    let mut t = T::new(p, org());
    assert!(t.ou(9_999, ROOT_ID, "before").result.is_ok());
    assert_eq!(
        code(&t.ou(10_000, ROOT_ID, "at-from")),
        ErrorCode::ServiceException
    );
    let a = t.ou(19_999, ROOT_ID, "last-ms");
    assert_eq!(code(&a), ErrorCode::ServiceException);
    assert_eq!(a.result.unwrap_err().message, MSG_INTERNAL);
    // Another operation in the window is not affected.
    assert!(t.call(15_000, Request::ListRoots).result.is_ok());
    assert!(t.ou(20_000, ROOT_ID, "at-to").result.is_ok());
    // The failed calls changed nothing.
    let names: Vec<String> =
        t.m.snapshot(20_000)
            .ous
            .into_iter()
            .map(|o| o.name.to_string())
            .collect();
    assert_eq!(names, ["before", "at-to"]);
}

#[test]
fn a_faulted_create_account_creates_nothing_and_carries_its_reason() {
    let mut p = loose();
    p.faults = vec![fault(
        60_000,
        120_000,
        &["CreateAccount"],
        "ConstraintViolationException:ACCOUNT_NUMBER_LIMIT_EXCEEDED",
        1.0,
    )];
    let mut t = T::new(p, big_org());
    t.create_id(0, "a@example.com");
    let a = t.create(60_000, "b@example.com");
    assert_eq!(cv_of(&a), Cv::AccountNumberLimitExceeded);
    assert!(a
        .result
        .unwrap_err()
        .message
        .contains("ACCOUNT_NUMBER_LIMIT_EXCEEDED"));
    // Nothing was accepted: the same email is not a duplicate once the window is over.
    t.create_id(120_000, "b@example.com");
    let snap = t.m.snapshot(10_000_000);
    let emails: Vec<&str> = snap.accounts.iter().map(|a| a.email.as_str()).collect();
    assert!(emails.contains(&"a@example.com") && emails.contains(&"b@example.com"));
    assert_eq!(snap.accounts.len(), 3, "{emails:?}");
}

#[test]
fn faults_apply_in_file_order_after_throttling_and_with_their_probability() {
    // All operations (empty list); the first fault that fires answers.
    let p = ServiceParams {
        faults: vec![
            fault(0, 1_000_000, &[], "ConcurrentModificationException", 1.0),
            fault(0, 1_000_000, &[], "ServiceException", 1.0),
        ],
        ..Default::default()
    };
    let mut t = T::new(p, org());
    // ListRoots' bucket holds 2 tokens: the third call is throttled before any fault.
    for _ in 0..2 {
        assert_eq!(
            code(&t.call(0, Request::ListRoots)),
            ErrorCode::ConcurrentModificationException
        );
    }
    assert_eq!(
        code(&t.call(0, Request::ListRoots)),
        ErrorCode::TooManyRequestsException
    );
    // A probability: about that share of the calls.
    let mut p = loose();
    p.faults = vec![fault(0, 1_000_000, &[], "TooManyRequestsException", 0.3)];
    let mut t = T::new(p, org());
    let fails = (0..1000)
        .filter(|_| t.call(0, Request::ListRoots).result.is_err())
        .count();
    assert!((220..=380).contains(&fails), "{fails}");
}

#[test]
fn a_fault_that_does_not_apply_draws_no_random_number() {
    // The same calls and generator, with and without faults outside their window or for
    // other operations: the same answers, and the generator in the same state.
    let run = |faults: Vec<crate::config::service::Fault>| {
        let p = ServiceParams {
            concurrent_modification_probability: 0.5,
            internal_error_probability: 0.2,
            faults,
            ..Default::default()
        };
        let mut t = T::new(p, big_org());
        let answers: Vec<Answer> = (0..50u64)
            .map(|i| t.ou(i * 300, ROOT_ID, &format!("ou-{i}")))
            .collect();
        (answers, t.r.random::<u64>())
    };
    let none = run(vec![]);
    assert_eq!(
        none,
        run(vec![
            fault(1_000_000, 2_000_000, &[], "ServiceException", 0.5),
            fault(0, 1_000_000, &["CreateAccount"], "ServiceException", 0.5),
        ])
    );
    // One that applies does draw (and changes the answers).
    assert_ne!(
        none,
        run(vec![fault(0, 1_000_000, &[], "ServiceException", 0.5)])
    );
}

// ---- concurrent modification --------------------------------------------------------------

fn cme_params() -> ServiceParams {
    let mut p = loose();
    p.write_latency = LatencyRange {
        min_ms: 500,
        max_ms: 500,
    };
    p
}

#[test]
fn overlapping_ou_creations_under_the_root_conflict() {
    let mut t = T::new(cme_params(), org());
    ok(&t.ou(0, ROOT_ID, "A"));
    let b = t.ou(499, ROOT_ID, "B");
    assert_eq!(code(&b), ErrorCode::ConcurrentModificationException);
    assert_eq!(b.result.unwrap_err().message, MSG_CONCURRENT);
    // The failed call took no lock: the window ends at 500 still.
    ok(&t.ou(500, ROOT_ID, "B"));
    assert_eq!(t.m.snapshot(10_000).ous.len(), 2);
}

#[test]
fn non_overlapping_windows_and_other_keys_do_not_conflict() {
    let mut t = T::new(cme_params(), org());
    let a = t.ou_id(0, ROOT_ID, "A");
    ok(&t.ou(600, ROOT_ID, "B"));
    // Different parent key, same time.
    ok(&t.ou(700, &a, "C"));
    // Reads never conflict.
    ok(&t.call(
        700,
        Request::ListOrganizationalUnitsForParent {
            parent_id: ROOT_ID.into(),
        },
    ));
    // CreateAccount takes no lock.
    t.create_id(700, "x@example.com");
    t.create_id(700, "y@example.com");
}

#[test]
fn failed_writes_hold_no_lock() {
    let mut t = T::new(cme_params(), org());
    ok(&t.ou(0, ROOT_ID, "A"));
    // Duplicate, after the window: fails validation, takes no lock.
    assert_eq!(
        code(&t.ou(1000, ROOT_ID, "A")),
        ErrorCode::DuplicateOrganizationalUnitException
    );
    ok(&t.ou(1001, ROOT_ID, "B"));
}

#[test]
fn policy_writes_conflict_on_the_policies_key_and_the_target() {
    let mut t = T::new(cme_params(), org());
    let p1 = t.policy_id(0, "P1");
    // AttachPolicy checks "policies", held by CreatePolicy until 500.
    assert_eq!(
        code(&t.attach(100, &p1, ROOT_ID)),
        ErrorCode::ConcurrentModificationException
    );
    // CreatePolicy takes "policies".
    assert_eq!(
        code(&t.policy(200, "P2")),
        ErrorCode::ConcurrentModificationException
    );
    ok(&t.attach(500, &p1, ROOT_ID));
    // AttachPolicy only checks "policies": another policy write on another target passes...
    let p2 = t.policy_id(1000, "P2");
    let ou = t.ou_id(2000, ROOT_ID, "A");
    ok(&t.attach(3000, &p2, ROOT_ID));
    ok(&t.attach(3001, &p2, &ou));
    // ...but the same target is locked.
    assert_eq!(
        code(&t.detach(3002, &p2, ROOT_ID)),
        ErrorCode::ConcurrentModificationException
    );
}

#[test]
fn move_and_tag_lock_their_resource() {
    let mut t = T::new(cme_params(), org());
    let ou = t.ou_id(0, ROOT_ID, "A");
    let acct = t.account(0, "a@example.com");
    let now = 2_000_000;
    ok(&t.mv(now, &acct, ROOT_ID, &ou));
    assert_eq!(
        code(&t.mv(now + 1, &acct, &ou, ROOT_ID)),
        ErrorCode::ConcurrentModificationException
    );
    let tag = Request::TagResource {
        resource_id: acct.clone().into(),
        tags: tags(&[("a", "1")]),
    };
    assert_eq!(
        code(&t.call(now + 2, tag.clone())),
        ErrorCode::ConcurrentModificationException
    );
    ok(&t.call(now + 500, tag));
    let untag = Request::UntagResource {
        resource_id: acct.clone().into(),
        tag_keys: vec!["a".into()],
    };
    assert_eq!(
        code(&t.call(now + 501, untag)),
        ErrorCode::ConcurrentModificationException
    );
}

#[test]
fn conflict_probability_zero_never_conflicts_and_fractional_sometimes() {
    let mut p = cme_params();
    p.concurrent_modification_probability = 0.0;
    let mut t = T::new(p, org());
    for i in 0..20 {
        ok(&t.ou(0, ROOT_ID, &format!("O{i}")));
    }
    let mut p = cme_params();
    p.concurrent_modification_probability = 0.5;
    let mut t = T::new(p, org());
    ok(&t.ou(0, ROOT_ID, "first"));
    let cme = (0..400)
        .filter(|i| t.ou(1, ROOT_ID, &format!("O{i}")).result.is_err())
        .count();
    assert!((150..=250).contains(&cme), "{cme}");
}

// ---- CreateAccount ------------------------------------------------------------------------

#[test]
fn create_account_is_asynchronous_and_completes_lazily_in_the_root() {
    let mut p = loose();
    p.account_creation.min_s = 30.0;
    p.account_creation.max_s = 30.0;
    let mut t = T::new(p, org());
    let car = match ok(&t.call(
        0,
        Request::CreateAccount {
            email: "ACME@example.com".into(),
            account_name: "ACME".into(),
            tags: tags(&[("tier", "fintech")]),
        },
    )) {
        Response::CreateAccountStatus(s) => {
            assert_eq!(s.state, CreateAccountState::InProgress);
            assert_eq!(s.account_name, "ACME");
            assert!(s.account_id.is_none() && s.failure_reason.is_none());
            s.id
        }
        r => panic!("{r:?}"),
    };
    assert!(car.starts_with("car-") && car.len() >= 12);
    assert!(car[4..]
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    assert_eq!(t.m.in_progress_creations(29_999), 1);
    assert_eq!(t.status(29_999, &car).state, CreateAccountState::InProgress);
    assert_eq!(t.m.snapshot(29_999).accounts.len(), 1);
    let s = t.status(30_000, &car);
    assert_eq!(s.state, CreateAccountState::Succeeded);
    let id = s.account_id.unwrap();
    let snap = t.m.snapshot(30_000);
    let a = snap.accounts.iter().find(|a| a.id == id).unwrap();
    assert_eq!(a.parent_id, ROOT_ID);
    assert_eq!(a.name, "ACME");
    assert_eq!(a.email, "ACME@example.com");
    assert_eq!(a.tags, tags(&[("tier", "fintech")]));
    assert_eq!(t.m.in_progress_creations(30_000), 0);
}

#[test]
fn completions_happen_in_completion_time_then_request_order() {
    let mut p = loose();
    p.account_creation.min_s = 20.0;
    p.account_creation.max_s = 20.0;
    let mut t = T::new(p, org());
    t.create_id(0, "a@example.com");
    t.create_id(0, "b@example.com");
    t.create_id(0, "bad-email");
    let s = t.m.snapshot(25_000);
    let emails: Vec<&str> = s.accounts.iter().map(|a| a.email.as_str()).collect();
    assert_eq!(
        emails,
        [
            "management@orgsim.invalid",
            "a@example.com",
            "b@example.com"
        ]
    );
}

#[test]
fn six_in_progress_creations_are_refused_with_too_many_requests() {
    let mut t = T::new(loose(), big_org());
    for i in 0..5 {
        t.create_id(0, &format!("u{i}@example.com"));
    }
    let a = t.create(0, "u5@example.com");
    assert_eq!(code(&a), ErrorCode::TooManyRequestsException);
    assert_eq!(a.result.unwrap_err().message, MSG_IN_PROGRESS);
    // Failed creations count while in progress too.
    let mut t = T::new(loose(), big_org());
    for i in 0..5 {
        t.create_id(0, &format!("bad{i}"));
    }
    assert_eq!(
        code(&t.create(0, "ok@example.com")),
        ErrorCode::TooManyRequestsException
    );
    // Once they complete (min_s = 10 s), new ones are accepted.
    t.create_id(10_000, "ok@example.com");
}

#[test]
fn per_day_creation_limit() {
    let mut p = loose();
    p.account_creations_per_day = 2;
    let mut t = T::new(p, big_org());
    t.create_id(0, "a@example.com");
    t.create_id(1_000, "bad");
    let a = t.create(2_000_000, "c@example.com");
    assert_eq!(cv_of(&a), Cv::AccountCreationRateLimitExceeded);
    assert_eq!(
        code(&t.create(DAY_MS - 1, "c@example.com")),
        ErrorCode::ConstraintViolationException(Cv::AccountCreationRateLimitExceeded)
    );
    t.create_id(DAY_MS, "c@example.com");
    assert_eq!(
        cv_of(&t.create(DAY_MS + 999, "d@example.com")),
        Cv::AccountCreationRateLimitExceeded
    );
    // Unlimited by default.
    let mut t = T::new(loose(), big_org());
    for i in 0..30u64 {
        t.create_id(i * 2_000_000, &format!("u{i}@example.com"));
    }
}

#[test]
fn quota_10_with_management_account_fails_the_10th_member() {
    let mut t = T::new(loose(), org());
    let mut cars = Vec::new();
    for i in 0..10u64 {
        // Space them out so the concurrency limit (5) does not interfere.
        cars.push(t.create_id(i * 2_000_000, &format!("c{i}@example.com")));
    }
    for car in &cars[..9] {
        assert_eq!(
            t.status(30_000_000, car).state,
            CreateAccountState::Succeeded
        );
    }
    let last = t.status(30_000_000, &cars[9]);
    assert_eq!(last.state, CreateAccountState::Failed);
    assert_eq!(
        last.failure_reason,
        Some(CreateAccountFailureReason::AccountLimitExceeded)
    );
    assert!(last.account_id.is_none());
    assert_eq!(t.m.snapshot(30_000_000).accounts.len(), 10);
}

#[test]
fn quota_counts_existing_accounts_and_creations_in_progress() {
    let o = OrganizationConfig {
        account_quota: 5,
        existing_accounts: 2,
        ..org()
    };
    let mut t = T::new(loose(), o);
    let a = t.create_id(0, "a@example.com");
    let b = t.create_id(0, "b@example.com");
    let bad = t.create_id(0, "bad"); // failed creations never count
    let c = t.create_id(0, "c@example.com");
    assert_eq!(t.status(2_000_000, &a).state, CreateAccountState::Succeeded);
    assert_eq!(t.status(2_000_000, &b).state, CreateAccountState::Succeeded);
    assert_eq!(
        t.status(2_000_000, &bad).failure_reason,
        Some(CreateAccountFailureReason::InvalidEmail)
    );
    assert_eq!(
        t.status(2_000_000, &c).failure_reason,
        Some(CreateAccountFailureReason::AccountLimitExceeded)
    );
}

#[test]
fn duplicate_email_fails_with_email_already_exists() {
    let mut t = T::new(loose(), big_org());
    let a = t.create_id(0, "dup@example.com");
    let b = t.create_id(0, "DUP@Example.com"); // in progress, case-insensitive
    let c = t.create_id(0, "management@orgsim.invalid"); // an existing account's
    let s = t.status(2_000_000, &a);
    assert_eq!(s.state, CreateAccountState::Succeeded);
    for car in [&b, &c] {
        let s = t.status(2_000_000, car);
        assert_eq!(s.state, CreateAccountState::Failed);
        assert_eq!(
            s.failure_reason,
            Some(CreateAccountFailureReason::EmailAlreadyExists)
        );
    }
    let d = t.create_id(2_000_000, "dup@EXAMPLE.com"); // an account's now
    assert_eq!(
        t.status(4_000_000, &d).failure_reason,
        Some(CreateAccountFailureReason::EmailAlreadyExists)
    );
    // A failed creation reserves nothing.
    let e = t.create_id(4_000_000, "bad email@example.com");
    assert_eq!(
        t.status(6_000_000, &e).failure_reason,
        Some(CreateAccountFailureReason::InvalidEmail)
    );
    let f = t.create_id(6_000_000, "ok@example.com");
    let g = t.create_id(6_000_000, "ok2@example.com");
    assert_eq!(t.status(8_000_000, &f).state, CreateAccountState::Succeeded);
    assert_eq!(t.status(8_000_000, &g).state, CreateAccountState::Succeeded);
}

#[test]
fn malformed_emails_are_invalid() {
    for bad in [
        "",
        "a@b.c",
        "noatsign.example.com",
        "a@@example.com",
        "a@b@example.com",
        "@example.com",
        "user@",
        "user@localhost",
        "us er@example.com",
        "user@example.com ",
        "user@.com",
        &format!("{}@example.com", "x".repeat(60)),
    ] {
        assert!(!email_is_valid(bad), "{bad:?}");
    }
    for good in ["a@b.co", "john@acmefinance.com", "a.b+c@sub.example.org"] {
        assert!(email_is_valid(good), "{good:?}");
    }
    let mut t = T::new(loose(), org());
    let car = t.create_id(0, "user@localhost");
    let s = t.status(9_999, &car);
    assert_eq!(s.state, CreateAccountState::InProgress);
    let s = t.status(10_000, &car); // failed creations complete after min_s
    assert_eq!(s.state, CreateAccountState::Failed);
    assert_eq!(
        s.failure_reason,
        Some(CreateAccountFailureReason::InvalidEmail)
    );
}

#[test]
fn creation_time_is_lognormal_with_median_and_p95_and_clamped() {
    let m = OrgModel::new(ServiceParams::default(), &org());
    let mut r = rng();
    let mut d: Vec<u64> = (0..4000).map(|_| m.draw_creation_ms(&mut r)).collect();
    d.sort();
    let median = d[2000] as f64 / 1000.0;
    let p95 = d[3800] as f64 / 1000.0;
    assert!((54.0..=66.0).contains(&median), "median {median}");
    assert!((255.0..=345.0).contains(&p95), "p95 {p95}");
    assert!(d[0] >= 10_000 && *d.last().unwrap() <= 1_800_000);

    let p = ServiceParams {
        account_creation: crate::config::Lognormal {
            median_s: 60.0,
            p95_s: 300.0,
            min_s: 50.0,
            max_s: 70.0,
        },
        ..Default::default()
    };
    let m = OrgModel::new(p, &org());
    let d: Vec<u64> = (0..500).map(|_| m.draw_creation_ms(&mut r)).collect();
    assert!(d.iter().all(|&x| (50_000..=70_000).contains(&x)));
    assert!(d.contains(&50_000) && d.contains(&70_000));
}

#[test]
fn account_id_hints_are_used_when_free() {
    let mut t = T::new(loose(), big_org());
    let mut h = BTreeMap::new();
    h.insert("Acme@Example.com".to_string(), "222233334444".to_string());
    h.insert("clash@example.com".to_string(), "111111111111".to_string()); // the management id
    h.insert("later@example.com".to_string(), "100000000001".to_string()); // the first counter id
    t.m.set_account_id_hints(h);
    assert_eq!(t.account(0, "acme@example.com"), "222233334444");
    let clash = t.account(0, "clash@example.com");
    assert_ne!(clash, "111111111111");
    assert_ne!(clash, "100000000001", "counter ids skip hinted ids");
    assert_eq!(clash.len(), 12);
    assert_eq!(t.account(0, "later@example.com"), "100000000001");
}

#[test]
fn describe_unknown_create_account_status() {
    let mut t = T::new(loose(), org());
    let a = t.call(
        0,
        Request::DescribeCreateAccountStatus {
            create_account_request_id: "car-nope0000".into(),
        },
    );
    assert_eq!(code(&a), ErrorCode::CreateAccountStatusNotFoundException);
}

// ---- OUs ----------------------------------------------------------------------------------

#[test]
fn create_ou_requires_an_existing_parent() {
    let mut t = T::new(loose(), org());
    assert_eq!(
        code(&t.ou(0, "ou-sim1-nope0000", "A")),
        ErrorCode::ParentNotFoundException
    );
    // An account is not a parent.
    assert_eq!(
        code(&t.ou(0, "111111111111", "A")),
        ErrorCode::ParentNotFoundException
    );
    let a = t.ou_id(0, ROOT_ID, "A");
    ok(&t.ou(0, &a, "B"));
}

#[test]
fn duplicate_ou_name_under_the_same_parent() {
    let mut t = T::new(loose(), org());
    let a = t.ou_id(0, ROOT_ID, "A");
    assert_eq!(
        code(&t.ou(0, ROOT_ID, "A")),
        ErrorCode::DuplicateOrganizationalUnitException
    );
    ok(&t.ou(0, &a, "A")); // same name, other parent
    assert_eq!(
        code(&t.ou(0, ROOT_ID, "")),
        ErrorCode::InvalidInputException
    );
}

#[test]
fn ou_depth_5_is_allowed_6_is_not() {
    let mut t = T::new(loose(), org());
    let mut parent = ROOT_ID.to_string();
    for d in 1..=5 {
        parent = t.ou_id(0, &parent, &format!("L{d}"));
    }
    assert_eq!(t.m.snapshot(0).ou_depth(&parent), 5);
    assert_eq!(cv_of(&t.ou(0, &parent, "L6")), Cv::OuDepthLimitExceeded);
}

#[test]
fn ou_number_limit() {
    let mut p = loose();
    p.max_ous = 3;
    let mut t = T::new(p, org());
    for i in 0..3 {
        ok(&t.ou(0, ROOT_ID, &format!("O{i}")));
    }
    assert_eq!(cv_of(&t.ou(0, ROOT_ID, "O3")), Cv::OuNumberLimitExceeded);
}

#[test]
fn ou_tag_limit() {
    let mut t = T::new(loose(), org());
    let req = |n| Request::CreateOrganizationalUnit {
        parent_id: ROOT_ID.into(),
        name: format!("T{n}").into(),
        tags: n_tags(n),
    };
    ok(&t.call(0, req(50)));
    assert_eq!(cv_of(&t.call(0, req(51))), Cv::MaxTagLimitExceeded);
}

// ---- policies -----------------------------------------------------------------------------

fn create_policy_req(name: &str, content: &str) -> Request {
    Request::CreatePolicy {
        name: name.into(),
        description: "d".into(),
        content: content.into(),
        tags: Tags::new(),
    }
}

#[test]
fn create_policy_validation() {
    let mut t = T::new(loose(), org());
    let good =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
    let p = ok(&t.call(0, create_policy_req("SOC2", good)));
    match p {
        Response::Policy(p) => {
            assert!(p.id.starts_with("p-") && p.id.len() >= 10 && !p.aws_managed);
            assert_eq!(p.name, "SOC2");
        }
        r => panic!("{r:?}"),
    }
    assert_eq!(
        code(&t.call(0, create_policy_req("SOC2", good))),
        ErrorCode::DuplicatePolicyException
    );
    assert_eq!(
        code(&t.call(0, create_policy_req("FullAWSAccess", good))),
        ErrorCode::DuplicatePolicyException
    );
    assert_eq!(
        code(&t.call(0, create_policy_req("", good))),
        ErrorCode::InvalidInputException
    );
    assert_eq!(
        code(&t.call(0, create_policy_req(&"n".repeat(129), good))),
        ErrorCode::InvalidInputException
    );
    ok(&t.call(0, create_policy_req(&"n".repeat(128), good)));
    let pad = |n: usize| format!(r#"{{"Statement":[],"x":"{}"}}"#, "a".repeat(n - 23));
    assert_eq!(pad(5120).len(), 5120);
    ok(&t.call(0, create_policy_req("max", &pad(5120))));
    assert_eq!(
        cv_of(&t.call(0, create_policy_req("big", &pad(5121)))),
        Cv::PolicyContentLimitExceeded
    );
    for bad in [
        "",
        "not json",
        "[]",
        r#"{"Version":"2012-10-17"}"#,
        r#""Statement""#,
    ] {
        assert_eq!(
            code(&t.call(0, create_policy_req("bad", bad))),
            ErrorCode::MalformedPolicyDocumentException,
            "{bad}"
        );
    }
}

#[test]
fn policy_number_limit_counts_customer_policies_only() {
    let mut p = loose();
    p.max_policies = 2;
    let mut t = T::new(p, org());
    t.policy_id(0, "A");
    t.policy_id(0, "B");
    assert_eq!(cv_of(&t.policy(0, "C")), Cv::PolicyNumberLimitExceeded);
}

#[test]
fn attach_policy_errors_and_five_per_target_counting_full_aws_access() {
    let mut t = T::new(loose(), org());
    let ou = t.ou_id(0, ROOT_ID, "A");
    let ps: Vec<String> = (0..5).map(|i| t.policy_id(0, &format!("P{i}"))).collect();
    assert_eq!(
        code(&t.attach(0, "p-nope0000", &ou)),
        ErrorCode::PolicyNotFoundException
    );
    assert_eq!(
        code(&t.attach(0, &ps[0], "ou-sim1-nope0000")),
        ErrorCode::TargetNotFoundException
    );
    assert_eq!(
        code(&t.attach(0, &ps[0], &ps[1])),
        ErrorCode::TargetNotFoundException
    );
    assert_eq!(
        code(&t.attach(0, FULL_AWS_ACCESS_ID, &ou)),
        ErrorCode::DuplicatePolicyAttachmentException
    );
    for p in &ps[..4] {
        ok(&t.attach(0, p, &ou));
    }
    assert_eq!(
        code(&t.attach(0, &ps[0], &ou)),
        ErrorCode::DuplicatePolicyAttachmentException
    );
    assert_eq!(
        cv_of(&t.attach(0, &ps[4], &ou)),
        Cv::MaxPolicyTypeAttachmentLimitExceeded
    );
    // Accounts and the root are targets too.
    ok(&t.attach(0, &ps[4], "111111111111"));
    ok(&t.attach(0, &ps[4], ROOT_ID));
    let s = t.m.snapshot(0);
    assert_eq!(s.attachments.iter().filter(|(_, tg)| tg == &ou).count(), 5);
    assert!(s
        .effective_policy_names("111111111111")
        .contains(&"P4".to_string()));
}

#[test]
fn detach_policy_errors_and_minimum_one() {
    let mut t = T::new(loose(), org());
    let ou = t.ou_id(0, ROOT_ID, "A");
    let p = t.policy_id(0, "P");
    assert_eq!(
        code(&t.detach(0, "p-nope0000", &ou)),
        ErrorCode::PolicyNotFoundException
    );
    assert_eq!(
        code(&t.detach(0, &p, "ou-sim1-nope0000")),
        ErrorCode::TargetNotFoundException
    );
    assert_eq!(
        code(&t.detach(0, &p, &ou)),
        ErrorCode::PolicyNotAttachedException
    );
    assert_eq!(
        cv_of(&t.detach(0, FULL_AWS_ACCESS_ID, &ou)),
        Cv::MinPolicyTypeAttachmentLimitExceeded
    );
    ok(&t.attach(0, &p, &ou));
    ok(&t.detach(0, FULL_AWS_ACCESS_ID, &ou));
    assert_eq!(
        cv_of(&t.detach(0, &p, &ou)),
        Cv::MinPolicyTypeAttachmentLimitExceeded
    );
    let s = t.m.snapshot(0);
    assert!(s
        .attachments
        .contains(&(p.as_str().into(), ou.as_str().into())));
    assert!(!s
        .attachments
        .contains(&(FULL_AWS_ACCESS_ID.into(), ou.as_str().into())));
}

// ---- MoveAccount --------------------------------------------------------------------------

#[test]
fn move_account_rules() {
    let mut t = T::new(loose(), org());
    let ou = t.ou_id(0, ROOT_ID, "A");
    let ou2 = t.ou_id(0, ROOT_ID, "B");
    let acct = t.account(0, "a@example.com");
    let now = 2_000_000;
    assert_eq!(
        code(&t.mv(now, "999999999999", ROOT_ID, &ou)),
        ErrorCode::AccountNotFoundException
    );
    assert_eq!(
        code(&t.mv(now, &acct, "r-nope", &ou)),
        ErrorCode::SourceParentNotFoundException
    );
    assert_eq!(
        code(&t.mv(now, &acct, &ou2, &ou)),
        ErrorCode::SourceParentNotFoundException
    );
    assert_eq!(
        code(&t.mv(now, &acct, ROOT_ID, "ou-sim1-nope0000")),
        ErrorCode::DestinationParentNotFoundException
    );
    assert_eq!(
        code(&t.mv(now, &acct, ROOT_ID, ROOT_ID)),
        ErrorCode::DuplicateAccountException
    );
    ok(&t.mv(now, &acct, ROOT_ID, &ou));
    assert_eq!(
        code(&t.mv(now, &acct, ROOT_ID, &ou)),
        ErrorCode::SourceParentNotFoundException
    );
    assert_eq!(
        code(&t.mv(now, &acct, &ou, &ou)),
        ErrorCode::DuplicateAccountException
    );
    let s = t.m.snapshot(now);
    assert_eq!(
        s.accounts.iter().find(|a| a.id == acct).unwrap().parent_id,
        ou
    );
}

// ---- tags ---------------------------------------------------------------------------------

#[test]
fn tag_and_untag_resources() {
    let mut t = T::new(loose(), org());
    let ou = t.ou_id(0, ROOT_ID, "A");
    let p = t.policy_id(0, "P");
    let tag = |id: &str, tg: Tags| Request::TagResource {
        resource_id: id.into(),
        tags: tg,
    };
    assert_eq!(
        code(&t.call(0, tag("ou-sim1-nope0000", n_tags(1)))),
        ErrorCode::TargetNotFoundException
    );
    for id in [ROOT_ID, ou.as_str(), "111111111111", p.as_str()] {
        ok(&t.call(0, tag(id, tags(&[("a", "1"), ("b", "2")]))));
        ok(&t.call(0, tag(id, tags(&[("b", "3"), ("c", "4")]))));
        match ok(&t.call(
            0,
            Request::ListTagsForResource {
                resource_id: id.into(),
            },
        )) {
            Response::Tags(tg) => assert_eq!(tg, tags(&[("a", "1"), ("b", "3"), ("c", "4")])),
            r => panic!("{r:?}"),
        }
        ok(&t.call(
            0,
            Request::UntagResource {
                resource_id: id.into(),
                tag_keys: vec!["a".into(), "zz".into()],
            },
        ));
        match ok(&t.call(
            0,
            Request::ListTagsForResource {
                resource_id: id.into(),
            },
        )) {
            Response::Tags(tg) => assert_eq!(tg, tags(&[("b", "3"), ("c", "4")])),
            r => panic!("{r:?}"),
        }
    }
    // 2 tags + 48 new = 50 ok; overwriting existing keys does not add.
    ok(&t.call(0, tag(&ou, n_tags(48))));
    ok(&t.call(0, tag(&ou, n_tags(48))));
    assert_eq!(
        cv_of(&t.call(0, tag(&ou, n_tags(49)))),
        Cv::MaxTagLimitExceeded
    );
    assert_eq!(t.m.snapshot(0).ou(&ou).unwrap().tags.len(), 50);
    let untag = Request::UntagResource {
        resource_id: "nope".into(),
        tag_keys: vec![],
    };
    assert_eq!(code(&t.call(0, untag)), ErrorCode::TargetNotFoundException);
}

// ---- reads --------------------------------------------------------------------------------

#[test]
fn read_operations() {
    let mut t = T::new(
        loose(),
        OrganizationConfig {
            existing_accounts: 1,
            ..big_org()
        },
    );
    let a = t.ou_id(0, ROOT_ID, "A");
    let b = t.ou_id(0, &a, "B");
    let c = t.ou_id(0, ROOT_ID, "C");
    let acct = t.account(0, "a@example.com");
    let now = 2_000_000;
    ok(&t.mv(now, &acct, ROOT_ID, &b));
    let p = t.policy_id(now, "P");
    ok(&t.attach(now, &p, &b));

    match ok(&t.call(now, Request::ListRoots)) {
        Response::Roots(r) => {
            assert_eq!(r.len(), 1);
            assert_eq!(r[0].id, ROOT_ID);
        }
        r => panic!("{r:?}"),
    }
    let parents = |t: &mut T, id: &str| {
        t.call(
            now,
            Request::ListParents {
                child_id: id.into(),
            },
        )
    };
    assert_eq!(
        ok(&parents(&mut t, &acct)),
        Response::Parents(vec![Parent {
            id: b.clone().into(),
            kind: ParentType::OrganizationalUnit
        }])
    );
    assert_eq!(
        ok(&parents(&mut t, &a)),
        Response::Parents(vec![Parent {
            id: ROOT_ID.into(),
            kind: ParentType::Root
        }])
    );
    assert_eq!(
        code(&parents(&mut t, "nope")),
        ErrorCode::Other("ChildNotFoundException".into())
    );
    assert_eq!(
        code(&parents(&mut t, ROOT_ID)),
        ErrorCode::Other("ChildNotFoundException".into())
    );

    let ids = |r: Response| match r {
        Response::Accounts(v) => v.into_iter().map(|a| a.id).collect::<Vec<_>>(),
        Response::OrganizationalUnits(v) => v.into_iter().map(|o| o.id).collect(),
        Response::Policies(v) => v.into_iter().map(|p| p.id).collect(),
        r => panic!("{r:?}"),
    };
    let root_accts = ids(ok(&t.call(
        now,
        Request::ListAccountsForParent {
            parent_id: ROOT_ID.into(),
        },
    )));
    assert_eq!(root_accts.len(), 2);
    assert_eq!(root_accts[0], "111111111111");
    assert_eq!(
        ids(ok(&t.call(
            now,
            Request::ListAccountsForParent {
                parent_id: b.clone().into()
            }
        ))),
        std::slice::from_ref(&acct)
    );
    assert_eq!(
        code(&t.call(
            now,
            Request::ListAccountsForParent {
                parent_id: acct.clone().into()
            }
        )),
        ErrorCode::ParentNotFoundException
    );
    assert_eq!(
        ids(ok(&t.call(
            now,
            Request::ListOrganizationalUnitsForParent {
                parent_id: ROOT_ID.into()
            }
        ))),
        [a.clone(), c.clone()]
    );
    assert_eq!(
        code(&t.call(
            now,
            Request::ListOrganizationalUnitsForParent {
                parent_id: "ou-x".into()
            }
        )),
        ErrorCode::ParentNotFoundException
    );
    let all = ids(ok(&t.call(now, Request::ListAccounts)));
    assert_eq!(all.len(), 3);
    assert_eq!(all[2], acct);
    assert_eq!(
        ids(ok(&t.call(now, Request::ListPolicies))),
        [FULL_AWS_ACCESS_ID.to_string(), p.clone()]
    );
    assert_eq!(
        ids(ok(&t.call(
            now,
            Request::ListPoliciesForTarget {
                target_id: b.clone().into()
            }
        ))),
        [FULL_AWS_ACCESS_ID.to_string(), p.clone()]
    );
    assert_eq!(
        code(&t.call(
            now,
            Request::ListPoliciesForTarget {
                target_id: p.clone().into()
            }
        )),
        ErrorCode::TargetNotFoundException
    );
    assert_eq!(
        code(&t.call(
            now,
            Request::ListTagsForResource {
                resource_id: "nope".into()
            }
        )),
        ErrorCode::TargetNotFoundException
    );
    match ok(&t.call(
        now,
        Request::DescribeAccount {
            account_id: acct.clone().into(),
        },
    )) {
        Response::Account(x) => {
            assert_eq!(
                (x.id.as_str(), x.email.as_str(), x.status.as_str()),
                (acct.as_str(), "a@example.com", "ACTIVE")
            );
        }
        r => panic!("{r:?}"),
    }
    assert_eq!(
        code(&t.call(
            now,
            Request::DescribeAccount {
                account_id: "000000000000".into()
            }
        )),
        ErrorCode::AccountNotFoundException
    );
}

#[test]
fn describe_organizational_unit_answers_the_ou_or_not_found() {
    let mut t = T::new(loose(), org());
    let created = match ok(&t.ou(0, ROOT_ID, "A")) {
        Response::OrganizationalUnit(o) => o,
        r => panic!("{r:?}"),
    };
    let b = t.ou_id(0, &created.id, "B");
    let describe = |t: &mut T, id: &str| {
        t.call(
            0,
            Request::DescribeOrganizationalUnit {
                organizational_unit_id: id.into(),
            },
        )
    };
    assert_eq!(
        ok(&describe(&mut t, &created.id)),
        Response::OrganizationalUnit(created.clone())
    );
    match ok(&describe(&mut t, &b)) {
        Response::OrganizationalUnit(o) => {
            assert_eq!((o.id.as_str(), o.name.as_str()), (b.as_str(), "B"))
        }
        r => panic!("{r:?}"),
    }
    // Neither an unknown id nor the root nor an account is an OU.
    for id in ["ou-sim1-99999999", ROOT_ID, "111111111111"] {
        assert_eq!(
            code(&describe(&mut t, id)),
            ErrorCode::OrganizationalUnitNotFoundException,
            "{id}"
        );
    }
}

#[test]
fn describe_policy_answers_the_summary_or_not_found() {
    let mut t = T::new(loose(), org());
    let created = match ok(&t.policy(0, "P")) {
        Response::Policy(p) => p,
        r => panic!("{r:?}"),
    };
    let describe = |t: &mut T, id: &str| {
        t.call(
            0,
            Request::DescribePolicy {
                policy_id: id.into(),
            },
        )
    };
    match ok(&describe(&mut t, &created.id)) {
        Response::PolicyDocument { summary, content } => {
            assert_eq!(summary, created);
            // The document CreatePolicy was given.
            assert!(
                content.starts_with('{') && content.contains("Statement"),
                "{content}"
            );
        }
        r => panic!("{r:?}"),
    }
    assert!(!created.aws_managed);
    match ok(&describe(&mut t, FULL_AWS_ACCESS_ID)) {
        Response::PolicyDocument { summary: p, .. } => {
            assert_eq!(
                (p.id.as_str(), p.name.as_str(), p.aws_managed),
                (FULL_AWS_ACCESS_ID, FULL_AWS_ACCESS_NAME, true)
            );
        }
        r => panic!("{r:?}"),
    }
    for id in ["p-99999999", ROOT_ID] {
        assert_eq!(
            code(&describe(&mut t, id)),
            ErrorCode::PolicyNotFoundException,
            "{id}"
        );
    }
}

fn targets(t: &mut T, now: u64, policy: &str) -> Answer {
    t.call(
        now,
        Request::ListTargetsForPolicy {
            policy_id: policy.into(),
        },
    )
}

fn target_list(a: &Answer) -> Vec<(String, String, TargetKind)> {
    match ok(a) {
        Response::PolicyTargets(v) => v
            .into_iter()
            .map(|x| (x.target_id.into(), x.name.into(), x.kind))
            .collect(),
        r => panic!("{r:?}"),
    }
}

#[test]
fn list_targets_for_policy_in_attachment_order() {
    let mut t = T::new(loose(), big_org());
    let ou = t.ou_id(0, ROOT_ID, "A");
    let acct = t.account(0, "a@example.com");
    let now = 2_000_000;
    let p = t.policy_id(now, "P");
    assert!(target_list(&targets(&mut t, now, &p)).is_empty());
    // Attached to the account first, then to the OU (the reverse of their creation order).
    ok(&t.attach(now, &p, &acct));
    ok(&t.attach(now, &p, &ou));
    let want = vec![
        (
            acct.clone(),
            "acct a@example.com".to_string(),
            TargetKind::Account,
        ),
        (ou.clone(), "A".to_string(), TargetKind::OrganizationalUnit),
    ];
    assert_eq!(target_list(&targets(&mut t, now, &p)), want);
    // FullAWSAccess: the root, the management account, the OU, the new account.
    assert_eq!(
        target_list(&targets(&mut t, now, FULL_AWS_ACCESS_ID)),
        [
            (ROOT_ID.to_string(), "Root".to_string(), TargetKind::Root),
            (
                "111111111111".to_string(),
                "Management".to_string(),
                TargetKind::Account
            ),
            (ou.clone(), "A".to_string(), TargetKind::OrganizationalUnit),
            (
                acct.clone(),
                "acct a@example.com".to_string(),
                TargetKind::Account
            ),
        ]
    );
    // A detached target leaves the list; attached again, it comes last.
    ok(&t.detach(now, &p, &acct));
    assert_eq!(target_list(&targets(&mut t, now, &p)), want[1..]);
    ok(&t.attach(now, &p, &acct));
    assert_eq!(
        target_list(&targets(&mut t, now, &p)),
        [want[1].clone(), want[0].clone()]
    );
    // Unknown policy (an OU id is not a policy id either).
    for id in ["p-99999999", ou.as_str()] {
        assert_eq!(
            code(&targets(&mut t, now, id)),
            ErrorCode::PolicyNotFoundException,
            "{id}"
        );
    }
}

#[test]
fn list_targets_for_policy_comes_in_pages() {
    // Page size 2, three targets: two requests, two tokens, two latencies.
    let mut p = loose();
    p.list_page_size = 2;
    p.read_latency = LatencyRange {
        min_ms: 10,
        max_ms: 10,
    };
    p.throttle.insert(
        "ListTargetsForPolicy".into(),
        Bucket {
            rate: 0.001,
            burst: 3.0,
        },
    );
    let mut t = T::new(p, org());
    let ou = t.ou_id(0, ROOT_ID, "A");
    let pol = t.policy_id(0, "P");
    for target in [ROOT_ID, ou.as_str(), "111111111111"] {
        ok(&t.attach(0, &pol, target));
    }
    let a = targets(&mut t, 0, &pol);
    assert_eq!(target_list(&a).len(), 3);
    assert_eq!(a.latency_ms, 20, "two pages of 10 ms");
    // One of the three tokens is left: the same listing gets its first page, not its second.
    let b = targets(&mut t, 0, &pol);
    assert_eq!(code(&b), ErrorCode::TooManyRequestsException);
    assert_eq!(b.latency_ms, 20, "throttled on the second page");
    let c = targets(&mut t, 0, &pol);
    assert_eq!(code(&c), ErrorCode::TooManyRequestsException);
    assert_eq!(c.latency_ms, 10, "throttled on the first page");
}

// ---- snapshot and determinism -------------------------------------------------------------

#[test]
fn snapshot_completes_due_creations_and_lists_everything() {
    let mut t = T::new(loose(), org());
    let ou = t.ou_id(0, ROOT_ID, "A");
    let p = t.policy_id(0, "P");
    ok(&t.attach(0, &p, &ou));
    let car = t.create_id(0, "a@example.com");
    assert_eq!(t.m.snapshot(0).accounts.len(), 1);
    let s = t.m.snapshot(1_800_000);
    assert_eq!(s.accounts.len(), 2);
    assert_eq!(s.ous.len(), 1);
    assert_eq!(s.ous[0].parent_id, ROOT_ID);
    assert_eq!(s.policies.len(), 2);
    // Root, management, OU, P on OU, new account.
    assert_eq!(s.attachments.len(), 5);
    assert_eq!(s.attachments[3], (p.as_str().into(), ou.as_str().into()));
    // The status agrees with the snapshot.
    let st = t.status(1_800_000, &car);
    assert_eq!(st.account_id.as_deref(), Some(s.accounts[1].id.as_str()));
}

fn script(seed: u64) -> (Vec<Answer>, OrgSnapshot) {
    let p = ServiceParams {
        concurrent_modification_probability: 0.5,
        internal_error_probability: 0.05,
        ..Default::default()
    };
    let mut m = OrgModel::new(p, &big_org());
    let mut r = SmallRng::seed_from_u64(seed);
    let mut out = Vec::new();
    let mut cars = Vec::new();
    for i in 0..300u64 {
        let now = i * 300;
        let req = match i % 6 {
            0 => Request::CreateAccount {
                email: format!("u{i}@example.com").into(),
                account_name: format!("u{i}").into(),
                tags: Tags::new(),
            },
            1 => Request::CreateOrganizationalUnit {
                parent_id: ROOT_ID.into(),
                name: format!("O{i}").into(),
                tags: Tags::new(),
            },
            2 => Request::TagResource {
                resource_id: ROOT_ID.into(),
                tags: tags(&[("k", "v")]),
            },
            3 => Request::ListAccounts,
            4 => Request::DescribeCreateAccountStatus {
                create_account_request_id: cars.last().cloned().unwrap_or_default(),
            },
            _ => Request::ListOrganizationalUnitsForParent {
                parent_id: ROOT_ID.into(),
            },
        };
        let a = m.handle(now, &req, &mut r);
        if let Ok(Response::CreateAccountStatus(s)) = &a.result {
            cars.push(s.id.clone());
        }
        out.push(a);
    }
    (out, m.snapshot(10_000_000))
}

#[test]
fn same_seed_same_answers() {
    let (a, sa) = script(42);
    let (b, sb) = script(42);
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    let (c, _) = script(43);
    assert_ne!(a, c, "a different seed should change something");
    // The script exercises several outcomes.
    assert!(a.iter().any(|x| x.result.is_ok()));
    assert!(a.iter().any(
        |x| matches!(&x.result, Err(e) if e.code == ErrorCode::ConcurrentModificationException)
    ));
    assert!(a
        .iter()
        .any(|x| matches!(&x.result, Err(e) if e.code == ErrorCode::TooManyRequestsException)));
    assert!(sa.accounts.len() > 1);
}

#[test]
fn a_long_list_comes_in_pages_each_charged_and_timed() {
    // 44 members + the management account = 45 accounts: 3 pages of 20.
    let mut p = loose();
    p.create_account_concurrency = 100;
    p.account_creation.min_s = 1.0;
    p.account_creation.max_s = 1.0;
    p.read_latency = LatencyRange {
        min_ms: 100,
        max_ms: 100,
    };
    p.throttle.insert(
        "ListAccounts".into(),
        Bucket {
            rate: 0.001,
            burst: 4.0,
        },
    );
    let mut t = T::new(p, big_org());
    for i in 0..44 {
        t.create_id(0, &format!("a{i}@example.com"));
    }
    let a = t.call(10_000, Request::ListAccounts);
    match ok(&a) {
        Response::Accounts(v) => assert_eq!(v.len(), 45),
        r => panic!("{r:?}"),
    }
    assert_eq!(a.latency_ms, 300, "three pages of 100 ms");
    // Three of the four tokens are spent: the next long list runs dry on its second page.
    let b = t.call(10_300, Request::ListAccounts);
    assert_eq!(code(&b), ErrorCode::TooManyRequestsException);
    // A short list is one page, one token (and the bucket is empty now).
    let mut p = loose();
    p.read_latency = LatencyRange {
        min_ms: 100,
        max_ms: 100,
    };
    let mut t = T::new(p, big_org());
    let c = t.call(0, Request::ListAccounts);
    assert_eq!(c.latency_ms, 100);
    // The page size is a parameter.
    let mut p = loose();
    p.list_page_size = 1;
    p.read_latency = LatencyRange {
        min_ms: 10,
        max_ms: 10,
    };
    let mut t = T::new(p, big_org());
    t.create_id(0, "x@example.com");
    t.create_id(0, "y@example.com");
    let d = t.call(2_000_000, Request::ListAccounts);
    assert_eq!(d.latency_ms, 30, "3 accounts, one a page");
}

#[test]
fn the_id_index_finds_counter_ids_by_number_and_others_by_text() {
    let mut ix = super::ids::IdIndex::new("ou-sim1-", 8, 1);
    ix.insert("ou-sim1-00000007".into(), 3);
    ix.insert("ou-other-1".into(), 4);
    assert_eq!(ix.get("ou-sim1-00000007"), Some(3));
    assert_eq!(ix.get("ou-other-1"), Some(4));
    // Another spelling of the same number is another id, and names nothing.
    for other in [
        "ou-sim1-7",
        "ou-sim1-000000007",
        "ou-sim1-0000000x",
        "ou-sim1-+0000007",
        "OU-SIM1-00000007",
    ] {
        assert_eq!(ix.get(other), None, "{other}");
    }
    assert!(!ix.contains_key("ou-sim1-00000008"));
    let mut accounts = super::ids::IdIndex::new("", 12, 100_000_000_001);
    accounts.insert("100000000001".into(), 0);
    accounts.insert("22223333444".into(), 1); // 11 digits: by its text
    assert_eq!(accounts.get("100000000001"), Some(0));
    assert_eq!(accounts.get("22223333444"), Some(1));
    assert_eq!(accounts.get("0100000000001"), None);
    // Numbers far from the counter's (below its first, or well past its last) go to the map;
    // later numbers near the last extend the vector, over a number already in the map too.
    accounts.insert("123456789012".into(), 2);
    accounts.insert("000000000009".into(), 3);
    accounts.insert("100000005000".into(), 4);
    for (k, n) in (2..1200u64).enumerate() {
        accounts.insert(format!("{:012}", 100_000_000_000 + n).into(), 10 + k);
    }
    assert_eq!(accounts.get("123456789012"), Some(2));
    assert_eq!(accounts.get("000000000009"), Some(3));
    assert_eq!(accounts.get("100000005000"), Some(4));
    assert_eq!(accounts.get("100000000002"), Some(10));
    assert_eq!(accounts.get("100000001199"), Some(10 + 1197));
    assert_eq!(accounts.get("100000001200"), None, "a hole past the last");
    assert_eq!(accounts.get("100000000000"), None, "below the first");
    let dense = accounts.dense.len();
    assert!((1199..=1200).contains(&dense), "{dense}");
}

#[test]
fn a_policy_document_is_read_as_serde_json_reads_it() {
    let by_value = |c: &str| {
        serde_json::from_str::<serde_json::Value>(c)
            .ok()
            .is_some_and(|v| v.as_object().is_some_and(|o| o.contains_key("Statement")))
    };
    for doc in [
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*"}]}"#,
        r#"{"Statement":1}"#,
        r#"{"St\u0061tement":{}}"#,
        r#"{"Statement\n":{}}"#,
        r#"{"statement":[]}"#,
        r#"{"Version":"1","Statement":[],"Statement":null}"#,
        r#"{"a":{"Statement":1}}"#,
        r#"[{"Statement":1}]"#,
        r#"{"Statement":1} x"#,
        r#"{"Statement":1}   "#,
        r#"{"Statement":}"#,
        r#"{"Statement":[1,2,}"#,
        r#""Statement""#,
        "",
        "{}",
        "null",
    ] {
        assert_eq!(super::validate::has_statement(doc), by_value(doc), "{doc}");
    }
}

#[test]
fn padded_numbers_are_what_format_writes() {
    use super::ids::Padded;
    for n in [
        0u64,
        1,
        7,
        42,
        99_999_999,
        100_000_000,
        100_000_000_001,
        u64::MAX,
    ] {
        for width in [0usize, 1, 8, 12, 20, 25] {
            let want = format!("{n:0width$}");
            let want = if want.len() > 20 {
                &want[want.len() - 20..]
            } else {
                &want
            };
            assert_eq!(Padded::new(n, width).as_str(), want, "{n} {width}");
        }
    }
}

#[test]
fn the_email_check_reads_ascii_and_unicode_alike() {
    // The rule as first written, by characters: the fast ASCII path must agree with it.
    let by_chars = |email: &str| {
        let len = email.chars().count();
        if !(6..=64).contains(&len) || email.chars().any(char::is_whitespace) {
            return false;
        }
        let mut parts = email.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        !local.is_empty()
            && !domain.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    };
    let pieces = [
        "a",
        "ab",
        "@",
        ".",
        "x.y",
        "\u{0B}",
        "\u{0C}",
        "\t",
        " ",
        "\u{85}",
        "\u{A0}",
        "é",
        "ü",
        "example.com",
        "..",
        "\u{2003}",
        "+",
    ];
    let mut n = 0;
    for a in pieces {
        for b in pieces {
            for c in pieces {
                for d in ["", "@", "@sub.example.org", "."] {
                    let email = format!("{a}{b}{d}{c}");
                    assert_eq!(email_is_valid(&email), by_chars(&email), "{email:?}");
                    n += usize::from(by_chars(&email));
                }
            }
        }
    }
    assert!(n > 100, "some of them are valid: {n}");
}

#[test]
fn eight_digits_at_once_read_as_one_at_a_time() {
    let scalar = |b: [u8; 8]| {
        b.iter().try_fold(0u64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u64::from(c - b'0'))
        })
    };
    for base in [
        *b"00000000",
        *b"12345678",
        *b"99999999",
        *b"00000007",
        *b"90817263",
    ] {
        assert_eq!(super::ids::eight_digits(base), scalar(base));
        // Every byte value at every place.
        for at in 0..8 {
            for v in 0..=255u8 {
                let mut b = base;
                b[at] = v;
                assert_eq!(super::ids::eight_digits(b), scalar(b), "{b:?}");
            }
        }
    }
    // Two bad bytes at once, one of them below '0' (a borrow in the subtraction).
    for v in [0u8, b'/', b' ', b':', 0xFF] {
        for w in [0u8, b'/', b'9', b'0', 0x80] {
            let b = [b'1', v, b'2', w, b'3', b'4', b'5', b'6'];
            assert_eq!(super::ids::eight_digits(b), scalar(b), "{b:?}");
        }
    }
}

#[test]
fn shared_tags_copy_on_change_and_compare_by_content() {
    let mut t = Tags::new();
    t.insert("a".into(), "1".into());
    let shared = t.clone();
    t.make_mut().remove("a");
    // Every key removed: the same tags as none at all.
    assert_eq!(t, Tags::new());
    assert!(t.is_empty());
    // The clone kept its own copy.
    assert_ne!(shared, Tags::new());
    assert_eq!(shared.get("a").map(String::as_str), Some("1"));
    let rebuilt: Tags = [("a".to_string(), "1".to_string())].into();
    assert_eq!(shared, rebuilt);
}

#[test]
fn update_ou_renames_unless_a_sibling_has_the_name() {
    let mut t = T::new(loose(), org());
    let a = t.ou_id(0, "r-sim1", "Customers-Fintech");
    t.ou_id(10_000, "r-sim1", "Customers-Healthcare");
    let rename = |id: &str, name: Option<&str>| Request::UpdateOrganizationalUnit {
        organizational_unit_id: id.into(),
        name: name.map(Into::into),
    };
    match ok(&t.call(20_000, rename(&a, Some("Customers-Banking")))) {
        Response::OrganizationalUnit(o) => {
            assert_eq!(
                (o.id.as_ref(), o.name.as_ref()),
                (a.as_str(), "Customers-Banking")
            )
        }
        r => panic!("{r:?}"),
    }
    match ok(&t.call(
        30_000,
        Request::DescribeOrganizationalUnit {
            organizational_unit_id: a.clone().into(),
        },
    )) {
        Response::OrganizationalUnit(o) => assert_eq!(o.name, "Customers-Banking"),
        r => panic!("{r:?}"),
    }
    assert_eq!(
        code(&t.call(40_000, rename(&a, Some("Customers-Healthcare")))),
        ErrorCode::DuplicateOrganizationalUnitException
    );
    // Its own name again, or no name: unchanged, not a duplicate.
    assert!(t
        .call(50_000, rename(&a, Some("Customers-Banking")))
        .result
        .is_ok());
    assert!(t.call(60_000, rename(&a, None)).result.is_ok());
    assert_eq!(
        code(&t.call(70_000, rename("ou-sim1-99999999", Some("X")))),
        ErrorCode::OrganizationalUnitNotFoundException
    );
    assert_eq!(
        code(&t.call(80_000, rename(&a, Some("")))),
        ErrorCode::InvalidInputException
    );
}

#[test]
fn update_policy_changes_name_and_document_with_create_policys_checks() {
    let mut t = T::new(loose(), org());
    let good =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
    let id = match ok(&t.call(0, create_policy_req("SOC2", good))) {
        Response::Policy(p) => p.id.to_string(),
        r => panic!("{r:?}"),
    };
    ok(&t.call(10_000, create_policy_req("HIPAA", good)));
    let update = |id: &str, name: Option<&str>, content: Option<&str>| Request::UpdatePolicy {
        policy_id: id.into(),
        name: name.map(Into::into),
        content: content.map(Into::into),
    };
    let other = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;
    match ok(&t.call(20_000, update(&id, Some("SOC2-v2"), Some(other)))) {
        Response::PolicyDocument { summary, content } => {
            assert_eq!(summary.name, "SOC2-v2");
            assert_eq!(content.as_ref(), other);
        }
        r => panic!("{r:?}"),
    }
    match ok(&t.call(
        30_000,
        Request::DescribePolicy {
            policy_id: id.clone().into(),
        },
    )) {
        Response::PolicyDocument { summary, content } => {
            assert_eq!(
                (summary.name.as_ref(), content.as_ref()),
                ("SOC2-v2", other)
            )
        }
        r => panic!("{r:?}"),
    }
    assert_eq!(
        code(&t.call(40_000, update(&id, Some("HIPAA"), None))),
        ErrorCode::DuplicatePolicyException
    );
    assert_eq!(
        code(&t.call(
            50_000,
            update(&id, None, Some(r#"{"Version":"2012-10-17"}"#))
        )),
        ErrorCode::MalformedPolicyDocumentException
    );
    // A refused update changes nothing.
    match ok(&t.call(
        60_000,
        Request::DescribePolicy {
            policy_id: id.clone().into(),
        },
    )) {
        Response::PolicyDocument { summary, content } => {
            assert_eq!(
                (summary.name.as_ref(), content.as_ref()),
                ("SOC2-v2", other)
            )
        }
        r => panic!("{r:?}"),
    }
    assert_eq!(
        code(&t.call(70_000, update(FULL_AWS_ACCESS_ID, None, Some(good)))),
        ErrorCode::AccessDeniedException
    );
    assert_eq!(
        code(&t.call(80_000, update("p-99999999", None, Some(good)))),
        ErrorCode::PolicyNotFoundException
    );
}

fn ou_names(t: &mut T, now: u64, parent: &str) -> Vec<String> {
    match ok(&t.call(
        now,
        Request::ListOrganizationalUnitsForParent {
            parent_id: parent.into(),
        },
    )) {
        Response::OrganizationalUnits(os) => os.iter().map(|o| o.name.to_string()).collect(),
        r => panic!("{r:?}"),
    }
}

#[test]
fn delete_ou_refuses_a_non_empty_ou_and_the_others_keep_their_ids_and_attachments() {
    let mut t = T::new(loose(), org());
    let a = t.ou_id(0, "r-sim1", "A");
    let b = t.ou_id(10_000, "r-sim1", "B");
    let c = t.ou_id(20_000, "r-sim1", "C");
    let inner = t.ou_id(30_000, &a, "A1");
    let p = t.policy_id(40_000, "P");
    ok(&t.attach(50_000, &p, &c));
    let acct = t.account(60_000, "x@example.com");
    let now = 2_000_000;
    ok(&t.mv(now, &acct, "r-sim1", &b));
    let delete = |id: &str| Request::DeleteOrganizationalUnit {
        organizational_unit_id: id.into(),
    };
    let not_empty = ErrorCode::Other("OrganizationalUnitNotEmptyException".into());
    assert_eq!(
        code(&t.call(now + 10_000, delete(&a))),
        not_empty,
        "an OU in it"
    );
    assert_eq!(
        code(&t.call(now + 20_000, delete(&b))),
        not_empty,
        "an account in it"
    );
    assert!(t.call(now + 30_000, delete(&inner)).result.is_ok());
    assert!(t.call(now + 40_000, delete(&a)).result.is_ok());
    assert_eq!(
        code(&t.call(now + 50_000, delete(&a))),
        ErrorCode::OrganizationalUnitNotFoundException
    );
    assert_eq!(ou_names(&mut t, now + 60_000, "r-sim1"), ["B", "C"]);
    // The OUs after the deleted ones are still found by id, with their policies and accounts.
    match ok(&t.call(
        now + 70_000,
        Request::ListPoliciesForTarget {
            target_id: c.clone().into(),
        },
    )) {
        Response::Policies(ps) => {
            let names: Vec<&str> = ps.iter().map(|p| p.name.as_ref()).collect();
            assert_eq!(names, ["FullAWSAccess", "P"]);
        }
        r => panic!("{r:?}"),
    }
    match ok(&t.call(
        now + 80_000,
        Request::ListTargetsForPolicy {
            policy_id: p.clone().into(),
        },
    )) {
        Response::PolicyTargets(ts) => {
            assert_eq!(ts.len(), 1);
            assert_eq!(ts[0].target_id.as_ref(), c.as_str());
        }
        r => panic!("{r:?}"),
    }
    match ok(&t.call(
        now + 90_000,
        Request::ListParents {
            child_id: acct.clone().into(),
        },
    )) {
        Response::Parents(ps) => assert_eq!(ps[0].id.as_ref(), b.as_str()),
        r => panic!("{r:?}"),
    }
    // A new OU gets a new id, never a deleted one's.
    let d = t.ou_id(now + 100_000, "r-sim1", "A");
    assert!(d != a && d != inner, "{d}");
    assert_eq!(t.m.snapshot(now + 110_000).ous.len(), 3);
}

#[test]
fn delete_policy_refuses_one_in_use_and_aws_managed_ones() {
    let mut t = T::new(loose(), org());
    let ou = t.ou_id(0, "r-sim1", "A");
    let p1 = t.policy_id(10_000, "P1");
    let p2 = t.policy_id(20_000, "P2");
    let p3 = t.policy_id(30_000, "P3");
    ok(&t.attach(40_000, &p1, &ou));
    ok(&t.attach(50_000, &p3, &ou));
    let delete = |id: &str| Request::DeletePolicy {
        policy_id: id.into(),
    };
    assert_eq!(
        code(&t.call(60_000, delete(&p1))),
        ErrorCode::Other("PolicyInUseException".into())
    );
    assert_eq!(
        code(&t.call(70_000, delete(FULL_AWS_ACCESS_ID))),
        ErrorCode::AccessDeniedException
    );
    assert!(t.call(80_000, delete(&p2)).result.is_ok());
    assert_eq!(
        code(&t.call(90_000, delete(&p2))),
        ErrorCode::PolicyNotFoundException
    );
    ok(&t.detach(100_000, &p1, &ou));
    assert!(t.call(110_000, delete(&p1)).result.is_ok());
    // P3, after both in the list, is still itself: found, attached, detachable.
    match ok(&t.call(120_000, Request::ListPolicies)) {
        Response::Policies(ps) => {
            let names: Vec<&str> = ps.iter().map(|p| p.name.as_ref()).collect();
            assert_eq!(names, ["FullAWSAccess", "P3"]);
        }
        r => panic!("{r:?}"),
    }
    match ok(&t.call(
        130_000,
        Request::ListTargetsForPolicy {
            policy_id: p3.clone().into(),
        },
    )) {
        Response::PolicyTargets(ts) => assert_eq!(ts[0].target_id.as_ref(), ou.as_str()),
        r => panic!("{r:?}"),
    }
    ok(&t.detach(140_000, &p3, &ou));
    assert!(t.call(150_000, delete(&p3)).result.is_ok());
    let snap = t.m.snapshot(160_000);
    assert_eq!(snap.policies.len(), 1, "FullAWSAccess only");
}

#[test]
fn list_children_gives_the_accounts_or_the_ous_under_a_parent() {
    use crate::org::types::{Child, ChildType};
    let mut t = T::new(loose(), org());
    let a = t.ou_id(0, "r-sim1", "A");
    let inner = t.ou_id(10_000, &a, "A1");
    let acct = t.account(20_000, "x@example.com");
    let now = 2_000_000;
    ok(&t.mv(now, &acct, "r-sim1", &a));
    let children = |t: &mut T, at, parent: &str, kind| match ok(&t.call(
        at,
        Request::ListChildren {
            parent_id: parent.into(),
            child_type: kind,
        },
    )) {
        Response::Children(c) => c,
        r => panic!("{r:?}"),
    };
    assert_eq!(
        children(&mut t, now + 1, &a, ChildType::Account),
        [Child {
            id: acct.clone().into(),
            kind: ChildType::Account
        }]
    );
    assert_eq!(
        children(&mut t, now + 2, &a, ChildType::OrganizationalUnit),
        [Child {
            id: inner.into(),
            kind: ChildType::OrganizationalUnit
        }]
    );
    let ous: Vec<String> = children(&mut t, now + 3, "r-sim1", ChildType::OrganizationalUnit)
        .into_iter()
        .map(|c| c.id.to_string())
        .collect();
    assert_eq!(ous, std::slice::from_ref(&a));
    assert_eq!(
        code(&t.call(
            now + 4,
            Request::ListChildren {
                parent_id: "ou-sim1-99999999".into(),
                child_type: ChildType::Account,
            }
        )),
        ErrorCode::ParentNotFoundException
    );
}

#[test]
fn enable_policy_type_finds_scps_enabled_and_holds_no_other_type() {
    let mut t = T::new(loose(), org());
    let enable = |root: &str, ty: &str| Request::EnablePolicyType {
        root_id: root.into(),
        policy_type: ty.into(),
    };
    assert_eq!(
        code(&t.call(0, enable("r-sim1", "SERVICE_CONTROL_POLICY"))),
        ErrorCode::Other("PolicyTypeAlreadyEnabledException".into())
    );
    assert_eq!(
        code(&t.call(1, enable("r-sim1", "TAG_POLICY"))),
        ErrorCode::Other("PolicyTypeNotAvailableForOrganizationException".into())
    );
    assert_eq!(
        code(&t.call(2, enable("r-nope", "SERVICE_CONTROL_POLICY"))),
        ErrorCode::Other("RootNotFoundException".into())
    );
}

#[test]
fn a_removed_account_leaves_with_its_attachments_and_the_others_keep_theirs() {
    let mut t = T::new(loose(), org());
    let p = t.policy_id(0, "P");
    let x = t.account(10_000, "x@example.com");
    let y = t.account(2_000_000, "y@example.com");
    let now = 4_000_000;
    ok(&t.attach(now, &p, &y));
    let remove = |id: &str| Request::RemoveAccountFromOrganization {
        account_id: id.into(),
    };
    assert!(t.call(now + 1, remove(&x)).result.is_ok());
    assert_eq!(
        code(&t.call(now + 2, remove(&x))),
        ErrorCode::AccountNotFoundException
    );
    let mgmt = t.m.management_account_id().to_string();
    assert_eq!(
        code(&t.call(now + 3, remove(&mgmt))),
        ErrorCode::Other("MasterCannotLeaveOrganizationException".into())
    );
    // The account after it: still found, with its policy.
    match ok(&t.call(
        now + 4,
        Request::ListTargetsForPolicy {
            policy_id: p.clone().into(),
        },
    )) {
        Response::PolicyTargets(ts) => {
            assert_eq!(ts.len(), 1);
            assert_eq!(ts[0].target_id.as_ref(), y.as_str());
        }
        r => panic!("{r:?}"),
    }
    let snap = t.m.snapshot(now + 5);
    let ids: Vec<&str> = snap.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, [mgmt.as_str(), y.as_str()]);
    // Its email stays taken: the account goes on outside the organization.
    let again = t.call(
        now + 6,
        Request::CreateAccount {
            email: "x@example.com".into(),
            account_name: "X".into(),
            tags: Tags::new(),
        },
    );
    let failed = match again.result {
        Ok(Response::CreateAccountStatus(c)) => {
            let id = c.id.to_string();
            match ok(&t.call(
                now + 10_000_000,
                Request::DescribeCreateAccountStatus {
                    create_account_request_id: id.into(),
                },
            )) {
                Response::CreateAccountStatus(c) => c.failure_reason,
                r => panic!("{r:?}"),
            }
        }
        r => panic!("{r:?}"),
    };
    assert_eq!(failed, Some(CreateAccountFailureReason::EmailAlreadyExists));
}

#[test]
fn a_closed_account_stays_suspended_and_cannot_be_closed_twice() {
    let mut t = T::new(loose(), org());
    let x = t.account(0, "x@example.com");
    let now = 2_000_000;
    let close = |id: &str| Request::CloseAccount {
        account_id: id.into(),
    };
    assert!(t.call(now, close(&x)).result.is_ok());
    match ok(&t.call(
        now + 1,
        Request::DescribeAccount {
            account_id: x.clone().into(),
        },
    )) {
        Response::Account(a) => assert_eq!(a.status.as_ref(), "SUSPENDED"),
        r => panic!("{r:?}"),
    }
    assert_eq!(
        code(&t.call(now + 2, close(&x))),
        ErrorCode::Other("AccountAlreadyClosedException".into())
    );
    let mgmt = t.m.management_account_id().to_string();
    assert_eq!(
        code(&t.call(now + 3, close(&mgmt))),
        ErrorCode::AccessDeniedException
    );
    assert_eq!(
        code(&t.call(now + 4, close("999999999999"))),
        ErrorCode::AccountNotFoundException
    );
}
