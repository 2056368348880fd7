//! The reader on small plans written here in Terraform's form (the real Terraform's are in
//! `tests/fixtures/tfplan/`, read by `tests/tfplan.rs`).

use std::path::Path;

use serde_json::{json, Value};

use super::*;
use crate::plan::{InState, ResourceKind, Spec};

fn sc() -> Scenario {
    crate::engine::tests::scenario(1)
}

fn change(ty: &str, name: &str, key: &str, actions: &[&str], values: Value) -> Value {
    let create = actions == ["create"];
    json!({
        "address": format!("{ty}.{name}[\"{key}\"]"),
        "mode": "managed", "type": ty, "name": name, "index": key,
        "change": {
            "actions": actions,
            "before": if create { Value::Null } else { values.clone() },
            "after": values,
            "after_unknown": if create { json!({"id": true, "parent_id": values.get("parent_id").is_none(),
                "policy_id": values.get("policy_id").is_none(), "target_id": values.get("target_id").is_none()}) } else { json!({}) },
        }
    })
}

/// A day-2 plan: the fintech tier exists with one account; healthcare's OU, policy,
/// attachment and account are new, and so is a second fintech account (its parent known).
fn day2() -> Value {
    let ou = "aws_organizations_organizational_unit";
    let pol = "aws_organizations_policy";
    let att = "aws_organizations_policy_attachment";
    let acc = "aws_organizations_account";
    let tags = |t: &str| json!({"securebase:tier": t, "securebase:tenant-id": "x"});
    let existing = [
        (
            ou,
            "tier",
            "fintech",
            json!({"id": "ou-abcd-00000001", "name": "Customers-Fintech", "parent_id": "r-abcd"}),
        ),
        (
            pol,
            "tier",
            "fintech",
            json!({"id": "p-00000001", "name": "SecureBase-SOC2", "content": crate::plan::policy_content("SOC2")}),
        ),
        (
            att,
            "tier",
            "fintech",
            json!({"id": "ou-abcd-00000001:p-00000001", "policy_id": "p-00000001", "target_id": "ou-abcd-00000001"}),
        ),
        (
            acc,
            "customer",
            "acme",
            json!({"id": "100000000001", "name": "ACME", "email": "a@x.com", "parent_id": "ou-abcd-00000001", "tags": tags("fintech")}),
        ),
    ];
    let mut changes: Vec<Value> = existing
        .iter()
        .map(|(t, n, k, v)| change(t, n, k, &["no-op"], v.clone()))
        .collect();
    changes.push(change(
        ou,
        "tier",
        "healthcare",
        &["create"],
        json!({"name": "Customers-Healthcare"}),
    ));
    changes.push(change(
        pol,
        "tier",
        "healthcare",
        &["create"],
        json!({"name": "SecureBase-HIPAA", "content": crate::plan::policy_content("HIPAA")}),
    ));
    changes.push(change(att, "tier", "healthcare", &["create"], json!({})));
    changes.push(change(
        acc,
        "customer",
        "medi",
        &["create"],
        json!({"name": "Medi", "email": "m@x.com", "tags": tags("healthcare")}),
    ));
    changes.push(change(acc, "customer", "beta", &["create"], json!({"name": "Beta", "email": "b@x.com", "parent_id": "ou-abcd-00000001", "tags": tags("fintech")})));
    changes.push(
        json!({"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
        "change": {"actions": ["create"], "after": {}}}),
    );
    changes.push(
        json!({"address": "data.aws_organizations_organization.this", "mode": "data",
        "type": "aws_organizations_organization", "name": "this", "change": {"actions": ["read"]}}),
    );
    let prior: Vec<Value> = existing
        .iter()
        .map(|(t, n, k, v)| json!({"address": format!("{t}.{n}[\"{k}\"]"), "mode": "managed", "type": t, "name": n, "index": k, "values": v}))
        .collect();
    let refs = |r: &[&str]| json!({"references": r});
    json!({
        "format_version": "1.2",
        "prior_state": {"values": {"root_module": {"resources": prior}}},
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": [
            {"address": format!("{ou}.tier"), "mode": "managed", "type": ou, "name": "tier",
             "expressions": {"parent_id": refs(&["data.aws_organizations_organization.this.roots[0].id", "data.aws_organizations_organization.this"])}},
            {"address": format!("{pol}.tier"), "mode": "managed", "type": pol, "name": "tier", "expressions": {}},
            {"address": format!("{att}.tier"), "mode": "managed", "type": att, "name": "tier",
             "expressions": {"policy_id": refs(&[&format!("{pol}.tier"), "each.key"]), "target_id": refs(&[&format!("{ou}.tier"), "each.key"])}},
            {"address": format!("{acc}.customer"), "mode": "managed", "type": acc, "name": "customer",
             "expressions": {"parent_id": refs(&[&format!("{ou}.tier"), "each.value.tier", "each.value"])}},
            {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r", "expressions": {}},
        ]}}
    })
}

fn parse_value(v: &Value) -> Result<Imported, ScenarioError> {
    let text = serde_json::to_vec_pretty(v).unwrap();
    parse(&text, Path::new("plan.json"), &sc(), &Options::default())
}

#[test]
fn a_day_two_plan_splits_into_state_and_creations() {
    let imp = parse_value(&day2()).unwrap();
    let p = &imp.plan;
    // 3 shared + 1 account + its tags in state; 3 shared + 2 accounts + their tags to create.
    assert_eq!((imp.in_state, imp.to_create), (5, 7), "{:#?}", p.resources);
    assert_eq!((imp.existing_accounts, imp.new_accounts), (1, 2));
    assert_eq!(p.state.resources.len(), 4);
    // The state's ids are the model's state forms, never the plan's.
    for r in &p.state.resources {
        if let InState::Ou { id, parent_id, .. } = r {
            assert_eq!(id.as_ref(), "ou-sim1-s0000001");
            assert_eq!(parent_id, &None);
        }
    }
    assert_eq!(
        p.state.addresses["aws_organizations_account.customer[\"acme\"]"].as_ref(),
        "900000000001"
    );
    // Every resource after what it depends on; the new healthcare account under the new
    // healthcare OU (told apart from fintech's by its tier tag), the new fintech one under the
    // existing OU (its parent_id known).
    let at = |a: &str| p.resources.iter().position(|r| r.address == a).unwrap();
    for (i, r) in p.resources.iter().enumerate() {
        assert!(
            r.deps.iter().all(|&d| d < i),
            "{} before a dependency",
            r.address
        );
    }
    let ou_of = |a: &str| match p.resources[at(a)].spec {
        Spec::Account { ou, .. } => p.resources[ou].address.clone(),
        _ => unreachable!(),
    };
    assert_eq!(
        ou_of("aws_organizations_account.customer[\"medi\"]"),
        "aws_organizations_organizational_unit.tier[\"healthcare\"]"
    );
    assert_eq!(
        ou_of("aws_organizations_account.customer[\"beta\"]"),
        "aws_organizations_organizational_unit.tier[\"fintech\"]"
    );
    let att = &p.resources[at("aws_organizations_policy_attachment.tier[\"healthcare\"]")];
    let Spec::Attachment { policy, ou } = att.spec else {
        unreachable!()
    };
    assert_eq!(
        p.resources[policy].address,
        "aws_organizations_policy.tier[\"healthcare\"]"
    );
    assert_eq!(
        p.resources[ou].address,
        "aws_organizations_organizational_unit.tier[\"healthcare\"]"
    );
    // Customers from the accounts, tiers from their tag; the tags a resource of their own.
    let tiers: Vec<(&str, &str)> = imp
        .customers
        .iter()
        .map(|c| (c.name.as_str(), c.tier.as_str()))
        .collect();
    assert!(tiers.contains(&("Medi", "healthcare")) && tiers.contains(&("ACME", "fintech")));
    assert_eq!(p.count_by_kind()[&ResourceKind::Tags], 3);
    // The role and the data source are noted, not planned.
    assert!(
        imp.notes.iter().any(|n| n.contains("aws_iam_role")),
        "{:?}",
        imp.notes
    );
    assert!(
        imp.notes.iter().any(|n| n.contains("data source")),
        "{:?}",
        imp.notes
    );
}

#[test]
fn the_run_refreshes_the_state_and_creates_the_rest() {
    let imp = parse_value(&day2()).unwrap();
    let sc = imp.scenario(&sc());
    let out = crate::sim::run_plan(&sc, imp.plan.clone(), 7);
    let refresh = out.trace.refresh.expect("a refresh phase");
    // terraform-aws: 4 reads an OU, 2 a policy, 1 an attachment, 3 an account, and the data
    // source's four (DescribeOrganization, ListAccounts, ListRoots,
    // ListAWSServiceAccessForOrganization).
    assert_eq!(
        refresh.calls - refresh.throttled,
        4 + 2 + 1 + 3 + 4,
        "{refresh:?}"
    );
    let rep = crate::analysis::analyze(&sc, &out.plan, &out.trace, &out.snapshot, 7, "sim");
    // What is in state ends existing; the rest is created (or, an account that outlived the
    // provider's create timeout, failed with its tags skipped).
    assert_eq!(rep.resources.existing, 5);
    assert_eq!(rep.resources.created + rep.resources.failed, 7);
    let created: Vec<&str> = rep
        .resources
        .items
        .iter()
        .filter(|r| r.status == "created")
        .map(|r| r.address.as_str())
        .collect();
    assert!(created.contains(&"aws_organizations_organizational_unit.tier[\"healthcare\"]"));
}

#[test]
fn a_tier_tag_of_no_tier_is_unmapped_and_earns_nothing() {
    let opts = Options {
        tier_tag: "no-such-tag".into(),
    };
    let text = serde_json::to_vec(&day2()).unwrap();
    let imp = parse(&text, Path::new("p.json"), &sc(), &opts).unwrap();
    assert!(imp
        .customers
        .iter()
        .all(|c| c.tier == UNMAPPED_TIER && c.monthly_cents == 0));
    let s = imp.scenario(&sc());
    assert!(s.tiers.contains_key(UNMAPPED_TIER));
    let out = crate::sim::run_plan(&s, imp.plan.clone(), 1);
    let rep = crate::analysis::analyze(&s, &out.plan, &out.trace, &out.snapshot, 1, "sim");
    let failing: Vec<_> = rep
        .validation
        .iter()
        .filter(|c| c.status == "FAIL")
        .map(|c| (c.check, c.detail.clone()))
        .collect();
    assert!(failing.is_empty(), "{failing:?}");
}

/// Each kind of bad input: its place (line, column), its JSON path and what is wrong.
#[test]
fn bad_plans_are_placed_errors() {
    let e = |text: &str| {
        parse(
            text.as_bytes(),
            Path::new("p.json"),
            &sc(),
            &Options::default(),
        )
        .unwrap_err()
    };
    let not_json = e("{\n  \"format_version\": \"1.2\",\n  oops\n}");
    assert_eq!((not_json.line, not_json.column), (3, 3), "{not_json}");
    assert!(
        not_json.to_string().starts_with("p.json:3:3: not JSON"),
        "{not_json}"
    );
    let v2 = e("{\"format_version\": \"2.0\", \"resource_changes\": []}");
    assert_eq!(v2.field.as_deref(), Some("format_version"));
    assert_eq!((v2.line, v2.column), (1, 20));
    let state = e("{\"format_version\": \"1.0\", \"values\": {}}");
    assert!(state.message.contains("state"), "{state}");
    let none = e("{\"format_version\": \"1.0\", \"resource_changes\": [{\"address\": \"aws_s3_bucket.b\", \"type\": \"aws_s3_bucket\", \"name\": \"b\", \"change\": {\"actions\": [\"create\"], \"after\": {}}}]}");
    assert_eq!(none.field.as_deref(), Some("resource_changes"));
    assert!(none.message.contains("aws_s3_bucket ×1"), "{none}");
    // A reference to a block the configuration does not declare.
    let mut v = day2();
    v["configuration"]["root_module"]["resources"][3]["expressions"]["parent_id"]["references"]
        [0] = json!("aws_organizations_organizational_unit.nowhere");
    let text = serde_json::to_string_pretty(&v).unwrap();
    let missing = e(&text);
    assert_eq!(
        missing.field.as_deref(),
        Some("configuration.root_module.resources[3].expressions.parent_id.references[0]")
    );
    assert!(missing.message.contains("does not declare"), "{missing}");
    let line = text.lines().position(|l| l.contains(".nowhere")).unwrap() + 1;
    assert_eq!(missing.line, line);
    // An action no plan has; a no-op without values.
    let mut v = day2();
    v["resource_changes"][0]["change"]["actions"] = json!(["explode"]);
    let bad = e(&v.to_string());
    assert_eq!(
        bad.field.as_deref(),
        Some("resource_changes[0].change.actions")
    );
    let mut v = day2();
    v["prior_state"] = json!(null);
    v["resource_changes"][0]["change"]["before"] = json!(null);
    assert!(e(&v.to_string()).message.contains("neither `prior_state`"));
    // A control character in a name that would reach the terminal.
    let mut v = day2();
    v["resource_changes"][7]["change"]["after"]["name"] = json!("Medi\u{1b}[2J");
    let ctl = e(&v.to_string());
    assert_eq!(
        ctl.field.as_deref(),
        Some("resource_changes[7].change.after.name"),
        "{ctl}"
    );
    assert!(ctl.message.contains("U+001B"), "{ctl}");
    // Not an object, a change without actions: placed, never a panic.
    assert_eq!(e("[1]").line, 1);
    let mut v = day2();
    v["resource_changes"][2]["change"] = json!({});
    assert_eq!(
        e(&v.to_string()).field.as_deref(),
        Some("resource_changes[2].change")
    );
}

/// Modules and `count` instances: addresses as Terraform writes them, references within the
/// module, `module.NAME` references to every resource of that module.
#[test]
fn modules_and_counts_are_expanded() {
    let ou = "aws_organizations_organizational_unit";
    let acc = "aws_organizations_account";
    let changes = json!([
        {"address": format!("module.base[\"x\"].{ou}.o"), "module_address": "module.base[\"x\"]", "mode": "managed",
         "type": ou, "name": "o", "change": {"actions": ["create"], "after": {"name": "Base"}, "after_unknown": {"parent_id": true}}},
        {"address": format!("{acc}.x[0]"), "mode": "managed",
         "type": acc, "name": "x", "index": 0, "change": {"actions": ["create"], "after": {"name": "A0", "email": "a0@x.com"}, "after_unknown": {"parent_id": true}}},
        {"address": format!("{acc}.x[1]"), "mode": "managed",
         "type": acc, "name": "x", "index": 1, "change": {"actions": ["create"], "after": {"name": "A1", "email": "a1@x.com"}, "after_unknown": {"parent_id": true}}},
    ]);
    let v = json!({
        "format_version": "1.2",
        "resource_changes": changes,
        "configuration": {"root_module": {
            "resources": [{"address": format!("{acc}.x"), "type": acc, "name": "x",
                "expressions": {"parent_id": {"references": ["module.base.ou_id", "module.base"]}},
                "count_expression": {"constant_value": 2}}],
            "module_calls": {
                "base": {"module": {"resources": [{"address": format!("{ou}.o"), "type": ou, "name": "o", "expressions": {}}]}}
            }
        }}
    });
    // The accounts' parent is the module's output: every resource of the module.
    let imp = parse_value(&v).unwrap();
    let p = &imp.plan;
    assert_eq!(p.resources.len(), 3);
    assert_eq!(p.resources[0].address, format!("module.base[\"x\"].{ou}.o"));
    assert_eq!(p.resources[1].address, format!("{acc}.x[0]"));
    assert_eq!(p.resources[1].deps, vec![0]);
    assert!(matches!(p.resources[2].spec, Spec::Account { ou: 0, .. }));
    assert!(p.state.is_empty() && p.in_state.is_empty());
    assert_eq!(imp.new_accounts, 2);
}
