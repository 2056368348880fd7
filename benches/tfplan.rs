//! The plan-file reader (issue 25 item 5): a 10 MB `terraform show -json` plan read into a plan
//! and its customers (`orgsim run --terraform-plan`). The plan is made here from the real
//! Terraform's day-2 plan (`tests/fixtures/tfplan/day2.json`): its account changes copied
//! with new keys, ids, names and emails (half in state, half to create) until the JSON is
//! 10 MB. Goal: ≤ 1 s.
//!
//! `cargo bench --bench tfplan`

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use orgsim::{scenario, tfplan};
use serde_json::Value;

/// The day-2 plan with its accounts copied until the JSON holds at least `bytes`.
fn big_plan(bytes: usize) -> (Vec<u8>, usize) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tfplan/day2.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let changes = v["resource_changes"].as_array().unwrap().clone();
    let is_account = |c: &&Value, action: &str| {
        c["type"] == "aws_organizations_account" && c["change"]["actions"][0] == action
    };
    let existing = changes
        .iter()
        .find(|c| is_account(c, "no-op"))
        .unwrap()
        .clone();
    let new = changes
        .iter()
        .find(|c| is_account(c, "create"))
        .unwrap()
        .clone();
    let prior = v["prior_state"]["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == existing["address"])
        .unwrap()
        .clone();
    // Half the accounts in state (a change and a prior_state entry), half to create; 20% more
    // for what the copies add (longer keys, ids).
    let per = (serde_json::to_vec(&existing).unwrap().len() * 2
        + serde_json::to_vec(&new).unwrap().len())
        / 2;
    let n = bytes / per * 12 / 10 + 1;
    let (mut out_changes, mut out_prior) = (Vec::new(), Vec::new());
    let rename = |c: &Value, key: &str, id: Option<&str>| {
        let mut c = c.clone();
        let address = format!("aws_organizations_account.customer[\"{key}\"]");
        c["address"] = address.clone().into();
        c["index"] = key.into();
        for side in ["before", "after", "values"] {
            let Some(o) = c.get_mut("change").and_then(|ch| ch.get_mut(side)) else {
                continue;
            };
            if o.is_object() {
                o["name"] = format!("Customer {key}").into();
                o["email"] = format!("{key}@bench.example").into();
                if let Some(id) = id {
                    o["id"] = id.into();
                }
            }
        }
        if let Some(o) = c.get_mut("values") {
            o["name"] = format!("Customer {key}").into();
            o["email"] = format!("{key}@bench.example").into();
            if let Some(id) = id {
                o["id"] = id.into();
            }
        }
        c
    };
    for i in 0..n {
        let key = format!("tenant-{i:06}");
        let id = format!("5{i:011}");
        if i % 2 == 0 {
            out_changes.push(rename(&existing, &key, Some(&id)));
            out_prior.push(rename(&prior, &key, Some(&id)));
        } else {
            out_changes.push(rename(&new, &key, None));
        }
    }
    let mut all: Vec<Value> = changes
        .iter()
        .filter(|c| c["type"] != "aws_organizations_account")
        .cloned()
        .collect();
    all.extend(out_changes);
    v["resource_changes"] = Value::Array(all);
    let shared: Vec<Value> = v["prior_state"]["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] != "aws_organizations_account")
        .cloned()
        .chain(out_prior)
        .collect();
    v["prior_state"]["values"]["root_module"]["resources"] = Value::Array(shared);
    (serde_json::to_vec(&v).unwrap(), n)
}

fn read(c: &mut Criterion) {
    let (text, accounts) = big_plan(10 << 20);
    assert!(
        text.len() >= 10 << 20,
        "{} bytes, {accounts} accounts",
        text.len()
    );
    let sc = scenario::parse_settings("name = \"bench\"\n", Path::new("bench.toml")).unwrap();
    let opts = tfplan::Options::default();
    let once = tfplan::parse(&text, Path::new("big.json"), &sc, &opts).expect("the plan reads");
    assert_eq!(once.customers.len(), accounts);
    eprintln!(
        "plan: {:.1} MiB, {accounts} accounts ({} in state, {} to create), {} resources",
        text.len() as f64 / (1 << 20) as f64,
        once.existing_accounts,
        once.new_accounts,
        once.plan.resources.len()
    );
    let mut group = c.benchmark_group("tfplan");
    group.sample_size(10);
    group.bench_function("read a 10 MB plan", |b| {
        b.iter(|| {
            let imp = tfplan::parse(black_box(&text), Path::new("big.json"), &sc, &opts)
                .expect("the plan reads");
            black_box(imp.plan.resources.len())
        })
    });
    group.finish();
}

criterion_group!(benches, read);
criterion_main!(benches);
