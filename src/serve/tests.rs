use super::*;
use crate::org::types::Operation;
use std::path::Path;

/// Two customers; creations take 2 to 4 s; calls take 5 to 20 ms.
const FAST: &str = r#"
name = "serve-unit"
seed = 7

[[customers]]
name = "ACME Finance Inc"
tier = "fintech"
email = "john@acmefinance.com"
monthly = 8000

[[customers]]
name = "MediCorp Solutions Inc"
tier = "healthcare"
email = "compliance@medicorp.com"
monthly = 15000

[service]
write_latency = { min_ms = 5, max_ms = 20 }
read_latency = { min_ms = 5, max_ms = 20 }

[service.account_creation]
median_s = 2
p95_s = 3
min_s = 2
max_s = 4
"#;

fn scenario() -> Scenario {
    crate::scenario::parse(FAST, Path::new("serve-unit.toml")).expect("scenario")
}

fn served() -> Served {
    Served::new(&scenario(), 7, false, 1_700_000_000_000)
}

fn call(s: &mut Served, now: u64, op: &str, body: Value) -> Reply {
    let target = format!("{}{op}", wire::TARGET_PREFIX);
    s.handle(now, Some(&target), body.to_string().as_bytes())
}

fn code(r: &Reply) -> &str {
    r.body["__type"].as_str().unwrap_or("ok")
}

#[test]
fn a_creation_is_in_progress_for_its_drawn_duration_then_succeeded() {
    let mut s = served();
    let r = call(
        &mut s,
        0,
        "CreateAccount",
        json!({"Email": "a@example.com", "AccountName": "A"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["CreateAccountStatus"]["State"], "IN_PROGRESS");
    assert_eq!(
        r.body["CreateAccountStatus"]["RequestedTimestamp"],
        json!(1_700_000_000.0)
    );
    let id = r.body["CreateAccountStatus"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let ask = |s: &mut Served, now| {
        call(
            s,
            now,
            "DescribeCreateAccountStatus",
            json!({ "CreateAccountRequestId": id }),
        )
    };
    assert_eq!(
        ask(&mut s, 1_000).body["CreateAccountStatus"]["State"],
        "IN_PROGRESS"
    );
    let done = ask(&mut s, 10_000);
    assert_eq!(
        done.body["CreateAccountStatus"]["State"], "SUCCEEDED",
        "{}",
        done.body
    );
    assert!(done.body["CreateAccountStatus"]["AccountId"].is_string());
    assert_eq!(
        done.body["CreateAccountStatus"]["CompletedTimestamp"],
        json!(1_700_000_010.0)
    );
}

#[test]
fn a_burst_of_creations_is_throttled_with_http_400() {
    let mut s = served();
    let codes: Vec<String> = (0..5)
        .map(|i| {
            let r = call(
                &mut s,
                0,
                "CreateAccount",
                json!({"Email": format!("c{i}@example.com"), "AccountName": format!("C{i}")}),
            );
            if r.status != 200 {
                assert_eq!(r.status, 400);
            }
            code(&r).to_string()
        })
        .collect();
    // The default CreateAccount bucket: a burst of 3.
    assert_eq!(
        codes,
        [
            "ok",
            "ok",
            "ok",
            "TooManyRequestsException",
            "TooManyRequestsException"
        ]
    );
}

#[test]
fn a_duplicate_email_fails_the_creation_with_email_already_exists() {
    let mut s = served();
    let body = json!({"Email": "dup@example.com", "AccountName": "D"});
    let first = call(&mut s, 0, "CreateAccount", body.clone());
    assert_eq!(first.status, 200);
    let second = call(&mut s, 20_000, "CreateAccount", body);
    let st = &second.body["CreateAccountStatus"];
    let id = st["Id"].as_str().unwrap().to_string();
    let later = call(
        &mut s,
        40_000,
        "DescribeCreateAccountStatus",
        json!({ "CreateAccountRequestId": id }),
    );
    assert_eq!(
        later.body["CreateAccountStatus"]["State"], "FAILED",
        "{}",
        later.body
    );
    assert_eq!(
        later.body["CreateAccountStatus"]["FailureReason"],
        "EMAIL_ALREADY_EXISTS"
    );
}

#[test]
fn each_page_is_its_own_request_and_the_pages_cover_the_list_once() {
    let mut s = served();
    // Three accounts more than the management one, created 20 s apart (the bucket refills).
    for i in 0..3u64 {
        let r = call(
            &mut s,
            i * 20_000,
            "CreateAccount",
            json!({"Email": format!("p{i}@example.com"), "AccountName": format!("P{i}")}),
        );
        assert_eq!(r.status, 200);
    }
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut body = json!({ "MaxResults": 1 });
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        // ListAccounts' bucket refills in 10 s of model time at most.
        let r = call(&mut s, 100_000 + pages * 10_000, "ListAccounts", body);
        assert_eq!(r.status, 200, "{}", r.body);
        pages += 1;
        for a in r.body["Accounts"].as_array().unwrap() {
            ids.push(a["Id"].as_str().unwrap().to_string());
        }
        match r.body.get("NextToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(ids.len(), 4);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 4, "{ids:?}");
    let listed = s.report(0)["counts"]["ListAccounts"]["ok"].as_u64();
    assert_eq!(listed, Some(4), "each page is a request the model answered");
}

#[test]
fn the_same_seed_and_requests_give_the_same_answers() {
    let run = || {
        let mut s = served();
        let mut out = Vec::new();
        for i in 0..6u64 {
            out.push(call(
                &mut s,
                i * 700,
                "CreateAccount",
                json!({"Email": format!("d{i}@example.com"), "AccountName": "D"}),
            ));
            out.push(call(&mut s, i * 700 + 5, "ListRoots", json!({})));
        }
        out
    };
    assert_eq!(run(), run());
}

#[test]
fn an_unknown_target_is_an_unknown_operation_and_bad_bodies_are_refused() {
    let mut s = served();
    let r = call(&mut s, 0, "DeleteOrganization", json!({}));
    assert_eq!((r.status, code(&r)), (400, "UnknownOperationException"));
    let r = s.handle(0, None, b"{}");
    assert_eq!(code(&r), "UnknownOperationException");
    let r = s.handle(
        0,
        Some("AWSOrganizationsV20161128.CreateOrganizationalUnit"),
        b"{not json",
    );
    assert_eq!(code(&r), "SerializationException");
    let r = call(
        &mut s,
        0,
        "CreateOrganizationalUnit",
        json!({"ParentId": "r-sim1"}),
    );
    assert_eq!(code(&r), "InvalidInputException");
    assert_eq!(r.body["Reason"], "INPUT_REQUIRED");
    let report = s.report(0);
    assert_eq!(report["requests"], 4);
    assert_eq!(
        report["counts"]["DeleteOrganization"]["UnknownOperationException"],
        1
    );
}

#[test]
fn empty_has_no_organization_until_create_organization() {
    let mut s = Served::new(&scenario(), 7, true, 0);
    let r = call(&mut s, 0, "DescribeOrganization", json!({}));
    assert_eq!(code(&r), "AWSOrganizationsNotInUseException");
    let r = call(&mut s, 0, "ListRoots", json!({}));
    assert_eq!(code(&r), "AWSOrganizationsNotInUseException");
    let r = call(
        &mut s,
        0,
        "CreateOrganization",
        json!({"FeatureSet": "ALL"}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["Organization"]["FeatureSet"], "ALL");
    let r = call(&mut s, 0, "CreateOrganization", json!({}));
    assert_eq!(code(&r), "AlreadyInOrganizationException");
    let r = call(&mut s, 0, "DescribeOrganization", json!({}));
    assert_eq!(
        r.body["Organization"]["MasterAccountId"],
        s.management_account_id()
    );
}

#[test]
fn reset_gives_a_fresh_organization() {
    let mut s = served();
    call(
        &mut s,
        0,
        "CreateOrganizationalUnit",
        json!({"ParentId": "r-sim1", "Name": "Fintech"}),
    );
    let before = call(
        &mut s,
        10,
        "ListOrganizationalUnitsForParent",
        json!({"ParentId": "r-sim1"}),
    );
    assert_eq!(
        before.body["OrganizationalUnits"].as_array().unwrap().len(),
        1
    );
    s.reset(0);
    let after = call(
        &mut s,
        10,
        "ListOrganizationalUnitsForParent",
        json!({"ParentId": "r-sim1"}),
    );
    assert_eq!(after.body["OrganizationalUnits"], json!([]));
    assert_eq!(s.report(0)["requests"], 1);
}

#[test]
fn a_policy_keeps_its_description_and_list_policies_filters_by_type() {
    let mut s = served();
    let r = call(
        &mut s,
        0,
        "CreatePolicy",
        json!({"Name": "fintech-scp", "Description": "PCI", "Type": "SERVICE_CONTROL_POLICY",
               "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["Policy"]["PolicySummary"]["Description"], "PCI");
    let r = call(
        &mut s,
        10,
        "ListPolicies",
        json!({"Filter": "SERVICE_CONTROL_POLICY"}),
    );
    let names: Vec<&str> = r.body["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["FullAWSAccess", "fintech-scp"]);
    let r = call(&mut s, 20, "ListPolicies", json!({"Filter": "TAG_POLICY"}));
    assert_eq!(r.body, json!({"Policies": []}));
}

#[test]
fn made_up_operation_names_cannot_grow_the_counts_without_bound() {
    let mut s = served();
    for i in 0..(MAX_NAMES + 50) {
        call(&mut s, 0, &format!("Made{i}"), json!({}));
    }
    call(&mut s, 0, "ListRoots", json!({}));
    let report = s.report(0);
    let counts = report["counts"].as_object().unwrap();
    // The served operations always count apart.
    assert_eq!(counts.len(), MAX_NAMES + 2);
    assert_eq!(counts["ListRoots"]["ok"], 1);
    assert_eq!(counts[OTHER_NAMES]["UnknownOperationException"], 50);
    // A name counted before keeps its own line.
    assert_eq!(counts["Made0"]["UnknownOperationException"], 1);
    assert_eq!(report["requests"], (MAX_NAMES + 51) as u64);
}

#[test]
fn a_name_with_control_characters_is_escaped_in_the_summary() {
    let mut s = served();
    s.handle(
        0,
        Some("AWSOrganizationsV20161128.\u{1b}]0;pwned\u{7}"),
        b"{}",
    );
    let summary = s.summary(0);
    assert!(
        !summary.contains('\u{1b}') && !summary.contains('\u{7}'),
        "{summary:?}"
    );
    assert!(summary.contains("\\u001b"), "{summary}");
}

#[test]
fn the_summary_lists_the_served_operations_and_the_others_in_one_line() {
    let mut s = served();
    call(&mut s, 0, "ListRoots", json!({}));
    for i in 0..40 {
        call(&mut s, 0, &format!("Made{i}"), json!({}));
    }
    let summary = s.summary(0);
    assert!(summary.lines().count() <= 4, "{summary}");
    assert!(summary.contains("\nListRoots "), "{summary}");
    assert!(
        summary.contains("not served: 40 request(s) naming 40 other operation(s): Made0, Made1,"),
        "{summary}"
    );
}

#[test]
fn list_aws_service_access_is_an_empty_list_with_the_page_checks() {
    let mut s = served();
    let r = call(&mut s, 0, "ListAWSServiceAccessForOrganization", json!({}));
    assert_eq!(r.status, 200);
    assert_eq!(r.body, json!({ "EnabledServicePrincipals": [] }));
    let r = call(
        &mut s,
        0,
        "ListAWSServiceAccessForOrganization",
        json!({"MaxResults": 21}),
    );
    assert_eq!(code(&r), "InvalidInputException");
    let mut e = Served::new(&scenario(), 7, true, 0);
    let r = call(&mut e, 0, "ListAWSServiceAccessForOrganization", json!({}));
    assert_eq!(code(&r), "AWSOrganizationsNotInUseException");
}

#[test]
fn update_policy_keeps_a_new_description_and_a_refused_update_keeps_the_old() {
    let mut s = served();
    let r = call(
        &mut s,
        0,
        "CreatePolicy",
        json!({"Name": "fintech-scp", "Description": "PCI", "Type": "SERVICE_CONTROL_POLICY",
               "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}),
    );
    let id = r.body["Policy"]["PolicySummary"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = call(
        &mut s,
        10_000,
        "UpdatePolicy",
        json!({"PolicyId": id, "Description": "PCI DSS 4", "Name": "fintech-scp-2"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["Policy"]["PolicySummary"]["Description"],
        "PCI DSS 4"
    );
    assert_eq!(r.body["Policy"]["PolicySummary"]["Name"], "fintech-scp-2");
    let r = call(
        &mut s,
        20_000,
        "UpdatePolicy",
        json!({"PolicyId": id, "Description": "lost", "Content": "{}"}),
    );
    assert_eq!(code(&r), "MalformedPolicyDocumentException");
    let r = call(&mut s, 30_000, "DescribePolicy", json!({"PolicyId": id}));
    assert_eq!(
        r.body["Policy"]["PolicySummary"]["Description"],
        "PCI DSS 4"
    );
    let r = call(
        &mut s,
        40_000,
        "UpdatePolicy",
        json!({"PolicyId": id, "Name": ""}),
    );
    assert_eq!(code(&r), "InvalidInputException");
    assert_eq!(r.body["Reason"], "MIN_LENGTH_EXCEEDED");
}

/// A client that applies the scenario's plan by hand, one resource after another, at the
/// given model times: each OU, policy and attachment, then each account (created with its
/// tags, polled until it succeeds, moved into its OU), a request a few seconds later for one
/// done OU (a second plan's refresh), and a CreateOrganizationalUnit retried after a throttle.
fn apply_by_hand(s: &mut Served) -> u64 {
    use crate::plan::Spec;
    let plan = crate::plan::build(&s.scenario);
    let root = "r-sim1";
    let clock = std::cell::Cell::new(1_000u64);
    let mut ids: Vec<String> = vec![String::new(); plan.resources.len()];
    let tick = |n: u64| {
        clock.set(clock.get() + n);
        clock.get()
    };
    tick(1);
    for (i, r) in plan.resources.iter().enumerate() {
        match &r.spec {
            Spec::Ou { name, .. } => {
                // Every OU sent at the same instant: the root's lock (or its bucket) refuses
                // the ones after the first, which are tried again 1.5 s later.
                let body = json!({"ParentId": root, "Name": name.as_str()});
                let mut got = call(s, clock.get(), "CreateOrganizationalUnit", body.clone());
                while got.status != 200 {
                    got = call(s, tick(1_500), "CreateOrganizationalUnit", body.clone());
                }
                ids[i] = got.body["OrganizationalUnit"]["Id"]
                    .as_str()
                    .unwrap()
                    .into();
            }
            Spec::Policy { name, content, .. } => {
                let got = call(
                    s,
                    tick(2_000),
                    "CreatePolicy",
                    json!({"Name": name.as_str(), "Content": content.as_str(),
                           "Description": "d", "Type": "SERVICE_CONTROL_POLICY"}),
                );
                assert_eq!(got.status, 200, "{}", got.body);
                ids[i] = got.body["Policy"]["PolicySummary"]["Id"]
                    .as_str()
                    .unwrap()
                    .into();
            }
            Spec::Attachment { policy, ou } => {
                let got = call(
                    s,
                    tick(2_000),
                    "AttachPolicy",
                    json!({"PolicyId": ids[*policy], "TargetId": ids[*ou]}),
                );
                assert_eq!(got.status, 200, "{}", got.body);
            }
            Spec::Account {
                name, email, ou, ..
            } => {
                let tags = plan
                    .resources
                    .iter()
                    .find_map(|t| match &t.spec {
                        Spec::Tags { account, tags } if *account == i => Some(tags.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                let tags: Vec<Value> = tags
                    .iter()
                    .map(|(k, v)| json!({"Key": k, "Value": v}))
                    .collect();
                let got = call(
                    s,
                    tick(11_000),
                    "CreateAccount",
                    json!({"Email": email.as_str(), "AccountName": name.as_str(), "Tags": tags}),
                );
                assert_eq!(got.status, 200, "{}", got.body);
                let car = got.body["CreateAccountStatus"]["Id"]
                    .as_str()
                    .unwrap()
                    .to_string();
                let account = loop {
                    let st = call(
                        s,
                        tick(1_000),
                        "DescribeCreateAccountStatus",
                        json!({"CreateAccountRequestId": car}),
                    );
                    if st.body["CreateAccountStatus"]["State"] == "SUCCEEDED" {
                        break st.body["CreateAccountStatus"]["AccountId"]
                            .as_str()
                            .unwrap()
                            .to_string();
                    }
                };
                let mv = call(
                    s,
                    tick(20),
                    "MoveAccount",
                    json!({"AccountId": account, "SourceParentId": root,
                           "DestinationParentId": ids[*ou]}),
                );
                assert_eq!(mv.status, 200, "{}", mv.body);
                ids[i] = account;
            }
            Spec::Tags { .. } => {}
        }
    }
    // A second plan's refresh, well after the read-back window.
    call(
        s,
        tick(60_000),
        "DescribeOrganizationalUnit",
        json!({"OrganizationalUnitId": ids[0]}),
    );
    tick(10)
}

#[test]
fn the_report_maps_the_requests_onto_the_plan_as_run_judges_a_deployment() {
    let mut s = served();
    let end = apply_by_hand(&mut s);
    let (trace, rep) = s.run_report(end);
    assert_eq!(rep.backend, "serve");
    assert_eq!(rep.deployer, CALLER);
    assert_eq!(rep.resources.planned, s.plan.resources.len());
    assert_eq!(
        rep.resources.created, rep.resources.planned,
        "{:#?}",
        rep.resources.items
    );
    assert_eq!(
        rep.verdict,
        crate::error::Verdict::Pass,
        "{:#?}",
        rep.validation
    );
    // The first request was at 1 s: the client's own time before it is its overhead.
    assert_eq!(trace.first_call_ms, 1_001);
    let item = |addr_part: &str| {
        rep.resources
            .items
            .iter()
            .find(|i| i.address.contains(addr_part))
            .unwrap_or_else(|| panic!("no {addr_part}"))
    };
    // An account: its creation, its polls (a poll wait) and its move.
    let acme = item("aws_organizations_account.acme");
    assert!(acme.calls >= 3, "{acme:?}");
    assert!(acme.poll_s > 0.0, "{acme:?}");
    // Tags applied with the creation: the account's span, no calls of their own.
    let tags = item("aws_organizations_account_tags.acme");
    assert_eq!(tags.status, "created");
    assert_eq!((tags.start_s, tags.end_s), (acme.start_s, acme.end_s));
    // The refresh a minute later is on no resource's row; it counts in the API figures.
    let first_ou = &trace.resources[0];
    assert!(first_ou.end_ms.unwrap() < end - 50_000, "{first_ou:?}");
    let last = trace.calls.last().unwrap();
    assert_eq!(last.op, Operation::DescribeOrganizationalUnit);
    assert_eq!(last.resource, None);
    assert_eq!(rep.api.calls, trace.calls.len());
    // The second OU met the first's lock or the bucket: a retry, a backoff, a conflict.
    assert!(rep.api.retries >= 1, "{:?}", rep.api);
    assert!(!rep.conflicts.is_empty());
    assert!(
        rep.conflicts.iter().all(|c| c.resolved),
        "{:?}",
        rep.conflicts
    );
    // The same requests at the same times: the same files, byte for byte.
    let mut again = served();
    assert_eq!(apply_by_hand(&mut again), end);
    assert_eq!(s.run_files(end).unwrap(), again.run_files(end).unwrap());
}

#[test]
fn an_unfinished_creation_and_resources_never_asked_for_fail_the_report() {
    let mut s = served();
    // Only one account asked for, its creation still in progress at the report.
    let r = call(
        &mut s,
        10,
        "CreateAccount",
        json!({"Email": "john@acmefinance.com", "AccountName": "A"}),
    );
    assert_eq!(r.status, 200);
    let (trace, rep) = s.run_report(100);
    assert_eq!(rep.verdict, crate::error::Verdict::Fail);
    let acme = rep
        .resources
        .items
        .iter()
        .find(|i| i.address == "aws_organizations_account.acme_finance_inc")
        .unwrap();
    // In progress at the report: started, never finished.
    assert_eq!(acme.status, "pending");
    assert_eq!(acme.start_s, Some(0.01));
    // The OUs were never asked for: pending, and the attachments too.
    assert_eq!(rep.resources.created, 0);
    assert_eq!(trace.calls.len(), 1);
}

#[test]
fn list_children_pages_and_the_destroy_operations_answer_in_the_wire_format() {
    let mut s = served();
    for (i, name) in ["A", "B", "C"].iter().enumerate() {
        let r = call(
            &mut s,
            i as u64 * 1_000,
            "CreateOrganizationalUnit",
            json!({"ParentId": "r-sim1", "Name": name}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let first = call(
        &mut s,
        10_000,
        "ListChildren",
        json!({"ParentId": "r-sim1", "ChildType": "ORGANIZATIONAL_UNIT", "MaxResults": 2}),
    );
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["Children"].as_array().unwrap().len(), 2);
    assert_eq!(first.body["Children"][0]["Type"], "ORGANIZATIONAL_UNIT");
    let token = first.body["NextToken"].as_str().unwrap().to_string();
    let rest = call(
        &mut s,
        11_000,
        "ListChildren",
        json!({"ParentId": "r-sim1", "ChildType": "ORGANIZATIONAL_UNIT", "NextToken": token}),
    );
    assert_eq!(rest.body["Children"].as_array().unwrap().len(), 1);
    assert!(rest.body.get("NextToken").is_none());
    let accounts = call(
        &mut s,
        12_000,
        "ListChildren",
        json!({"ParentId": "r-sim1", "ChildType": "ACCOUNT"}),
    );
    let mgmt = s.management_account_id().to_string();
    assert_eq!(
        accounts.body["Children"],
        json!([{"Id": mgmt, "Type": "ACCOUNT"}])
    );
    let bad = call(
        &mut s,
        13_000,
        "ListChildren",
        json!({"ParentId": "r-sim1", "ChildType": "POLICY"}),
    );
    assert_eq!(
        (bad.status, bad.body["Reason"].as_str()),
        (400, Some("INVALID_ENUM"))
    );
    let enable = call(
        &mut s,
        14_000,
        "EnablePolicyType",
        json!({"RootId": "r-sim1", "PolicyType": "SERVICE_CONTROL_POLICY"}),
    );
    assert_eq!(
        (enable.status, code(&enable)),
        (400, "PolicyTypeAlreadyEnabledException")
    );
    let not_a_type = call(
        &mut s,
        15_000,
        "EnablePolicyType",
        json!({"RootId": "r-sim1", "PolicyType": "NOPE"}),
    );
    assert_eq!(not_a_type.body["Reason"], "INVALID_ENUM_POLICY_TYPE");
    let removed = call(
        &mut s,
        16_000,
        "RemoveAccountFromOrganization",
        json!({"AccountId": mgmt}),
    );
    assert_eq!(code(&removed), "MasterCannotLeaveOrganizationException");
    let closed = call(
        &mut s,
        17_000,
        "CloseAccount",
        json!({"AccountId": "123456789012"}),
    );
    assert_eq!(code(&closed), "AccountNotFoundException");
    let required = call(&mut s, 18_000, "CloseAccount", json!({}));
    assert_eq!(required.body["Reason"], "INPUT_REQUIRED");
}
