//! Issue 24: the real Terraform provider held to the simulation. `orgsim plan --terraform`
//! writes the plan as a configuration (checked here without Terraform), and a short real
//! apply through `scripts/terraform-vs-sim.sh` (2 customers, creations of seconds, one run)
//! against `orgsim serve` makes exactly the writes the simulation's plan predicts and ends with
//! the organization the simulation ends with. The apply needs `terraform`, hashicorp/aws
//! 5.100.0 in a filesystem mirror (`/opt/tf-plugins` or `ORGSIM_TF_MIRROR`), `python3` and
//! `curl`; without them it skips (counted).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;

const SCENARIO: &str = "scenarios/terraform-vs-sim.toml";
const PROVIDER: &str = "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64";

fn json_file(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn plan_json(customers: &str) -> Value {
    let o = common::run(&["plan", SCENARIO, "--customers", customers, "--json"]);
    assert_eq!(common::code(&o), 0, "{}", common::stderr(&o));
    serde_json::from_slice(&o.stdout).expect("plan --json")
}

/// The plan's resources of `kind`, by their key in the configuration (the address after the
/// type).
fn planned(plan: &Value, kind: &str) -> BTreeMap<String, Value> {
    plan["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == kind)
        .map(|r| {
            let a = r["address"].as_str().unwrap();
            (a.split_once('.').unwrap().1.to_string(), r.clone())
        })
        .collect()
}

#[test]
fn plan_writes_its_resources_as_a_terraform_configuration() {
    let dir = common::scratch("tf-vs-sim-plan");
    let out = dir.join("tf");
    let o = common::run(&[
        "plan",
        SCENARIO,
        "--customers",
        "6",
        "--terraform",
        out.to_str().unwrap(),
    ]);
    assert_eq!(common::code(&o), 0, "{}", common::stderr(&o));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        std::fs::read_to_string(out.join("main.tf")).unwrap(),
        std::fs::read_to_string(repo.join("examples/terraform/from-plan/main.tf")).unwrap()
    );
    let config = json_file(&out.join("plan.tf.json"));
    let plan = plan_json("6");
    let sc = orgsim::scenario::read(&repo.join(SCENARIO))
        .unwrap()
        .with_customers(6);
    let blocks = |ty: &str| config["resource"][ty].as_object().unwrap().clone();
    let id = |ty: &str, name: &str| format!("${{{ty}.{name}.id}}");

    // One block per planned resource, named as the plan names it.
    let ous = planned(&plan, "organizational_unit");
    assert_eq!(ous.len(), 4, "four tiers in six customers");
    let ou_blocks = blocks("aws_organizations_organizational_unit");
    assert_eq!(ou_blocks.len(), ous.len());
    for (k, r) in &ous {
        assert_eq!(ou_blocks[k]["name"], r["name"], "{k}");
        assert_eq!(
            ou_blocks[k]["parent_id"],
            "${data.aws_organizations_organization.this.roots[0].id}"
        );
    }
    let policies = planned(&plan, "policy");
    let policy_blocks = blocks("aws_organizations_policy");
    assert_eq!(policy_blocks.len(), policies.len());
    for (k, r) in &policies {
        let name = r["name"].as_str().unwrap();
        assert_eq!(policy_blocks[k]["name"], name);
        assert_eq!(policy_blocks[k]["type"], "SERVICE_CONTROL_POLICY");
        let framework = name.strip_prefix("SecureBase-").unwrap();
        assert_eq!(
            policy_blocks[k]["content"],
            orgsim::plan::policy_content(framework).as_str(),
            "{k}'s document"
        );
    }
    // Each dependency of the plan is a reference in the configuration, and nothing else is.
    let attachments = planned(&plan, "policy_attachment");
    let attachment_blocks = blocks("aws_organizations_policy_attachment");
    assert_eq!(attachment_blocks.len(), 4);
    for (k, r) in &attachments {
        let mut deps: Vec<String> = r["depends_on"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("${{{}.id}}", d.as_str().unwrap()))
            .collect();
        deps.sort();
        let a = &attachment_blocks[k];
        let mut refs = vec![
            a["policy_id"].as_str().unwrap().to_string(),
            a["target_id"].as_str().unwrap().to_string(),
        ];
        refs.sort();
        assert_eq!(refs, deps, "{k}");
    }
    let accounts = planned(&plan, "account");
    let account_blocks = blocks("aws_organizations_account");
    assert_eq!(account_blocks.len(), 6);
    for c in &sc.customers {
        let (k, a) = account_blocks
            .iter()
            .find(|(_, a)| a["email"] == c.email.as_str())
            .unwrap_or_else(|| panic!("{} not in the configuration", c.email));
        let tier = &sc.tiers[&c.tier];
        let ou = ous
            .iter()
            .find(|(_, r)| r["name"] == tier.ou.as_str())
            .unwrap()
            .0;
        assert_eq!(a["name"], c.name.as_str());
        assert_eq!(
            a["parent_id"],
            id("aws_organizations_organizational_unit", ou)
        );
        assert_eq!(
            accounts[k]["depends_on"],
            serde_json::json!([format!("aws_organizations_organizational_unit.{ou}")])
        );
        assert_eq!(a["tags"]["securebase:tier"], c.tier.as_str());
        assert_eq!(a["tags"]["securebase:framework"], tier.framework.as_str());
        assert_eq!(
            a["tags"]["securebase:tenant-id"],
            orgsim::plan::tenant_id(&c.name).as_str()
        );
        assert_eq!(a["timeouts"]["create"], "${var.create_timeout}");
    }
    assert!(config["resource"]
        .get("aws_organizations_account_tags")
        .is_none());

    // OUs below the root are refused, not written half.
    let nested = common::write(
        &dir,
        "nested.toml",
        "name = \"n\"\nseed = 1\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@example.com\"\nmonthly = 1\n[organization]\nou_path = [\"SecureBase\"]\n",
    );
    let refused = dir.join("refused");
    let o = common::run(&["plan", &nested, "--terraform", refused.to_str().unwrap()]);
    assert_eq!(common::code(&o), 2, "{}", common::stderr(&o));
    assert!(
        common::stderr(&o).contains("not under the root"),
        "{}",
        common::stderr(&o)
    );
    assert!(!refused.exists());
}

fn present(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Terraform, the provider mirror, python3 and curl, or `None` (with a counted skip).
fn tools() -> Option<PathBuf> {
    let mirror = std::env::var_os("ORGSIM_TF_MIRROR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/tf-plugins"));
    for (p, a) in [
        ("terraform", "version"),
        ("python3", "--version"),
        ("curl", "--version"),
    ] {
        if !present(p, a) {
            common::skipped(&format!("no {p} on PATH"));
            return None;
        }
    }
    if !mirror.join(PROVIDER).is_dir() {
        common::skipped(&format!(
            "no hashicorp/aws 5.100.0 in the mirror {} (ORGSIM_TF_MIRROR)",
            mirror.display()
        ));
        return None;
    }
    Some(mirror)
}

#[test]
fn a_short_real_apply_makes_the_planned_writes_and_ends_with_the_simulated_organization() {
    let Some(mirror) = tools() else { return };
    let dir = common::scratch("tf-vs-sim-apply");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = Command::new(repo.join("scripts/terraform-vs-sim.sh"))
        .args([SCENARIO, "2", "1", "--sim-replications", "5", "--out"])
        .arg(&dir)
        .current_dir(repo)
        .env("ORGSIM", env!("CARGO_BIN_EXE_orgsim"))
        .env("ORGSIM_TF_MIRROR", &mirror)
        .output()
        .expect("the harness runs");
    let text = format!(
        "--- stdout\n{}\n--- stderr\n{}",
        common::stdout(&o),
        common::stderr(&o)
    );
    assert_eq!(common::code(&o), 0, "{text}");
    assert!(common::stdout(&o).contains("makespan"), "{text}");

    let report = json_file(&dir.join("terraform-vs-sim.json"));
    let run = &report["real"]["runs"][0];
    assert_eq!(run["exit"], 0, "{run}");
    assert_eq!(run["failures"], 0, "{run}");
    assert!(run["makespan_s"].as_f64().unwrap() > 0.0, "{run}");

    // The writes that succeeded are the plan's, one for each resource that takes one (the
    // account's tags go in CreateAccount under terraform-aws: no TagResource), whatever was
    // throttled or in conflict on the way.
    let plan = plan_json("2");
    let n = |kind: &str| planned(&plan, kind).len() as u64;
    let served = json_file(&dir.join("run-1/report.json"));
    let ok = |op: &str| served["counts"][op]["ok"].as_u64().unwrap_or(0);
    let mut written = BTreeMap::new();
    for (op, outcomes) in served["counts"].as_object().unwrap() {
        assert!(
            outcomes.get("UnknownOperationException").is_none(),
            "Terraform called {op}, which serve does not answer"
        );
        let is_write = !(op.starts_with("List") || op.starts_with("Describe"));
        if is_write && op != "sts:GetCallerIdentity" {
            written.insert(op.clone(), ok(op));
        }
    }
    let expected: BTreeMap<String, u64> = [
        ("AttachPolicy", n("policy_attachment")),
        ("CreateAccount", n("account")),
        ("CreateOrganizationalUnit", n("organizational_unit")),
        ("CreatePolicy", n("policy")),
        ("MoveAccount", n("account")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(written, expected, "{}", served["counts"]);
    assert_eq!(n("account"), 2);

    // The simulation of the same plan makes the same successful writes...
    let sim = common::run(&["run", SCENARIO, "--customers", "2", "--json"]);
    let sim: Value = serde_json::from_slice(&sim.stdout).expect("run --json");
    assert_eq!(sim["resources"]["by_kind"], plan["by_kind"]);
    assert_eq!(
        sim["resources"]["created"],
        plan["resources"].as_array().unwrap().len(),
        "{}",
        sim["resources"]
    );
    assert_eq!(sim["resources"]["failed"], 0);
    // ...and ends with the organization Terraform left in serve.
    let mut real_org = run["organization"].clone();
    let creating = real_org
        .as_object_mut()
        .unwrap()
        .remove("creations_in_progress");
    assert_eq!(creating, Some(Value::Array(vec![])));
    assert_eq!(real_org, sim["organization"]);
    assert_eq!(run["accounts_in_state"], 2, "{run}");
}

#[test]
fn the_harness_refuses_bad_usage_with_exit_2() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for args in [
        &[SCENARIO, "2"][..],
        &[SCENARIO, "0", "1"],
        &[SCENARIO, "2", "x"],
        &["scenarios/no-such.toml", "2", "1"],
        &[SCENARIO, "2", "1", "--settle", "soon"],
        &[SCENARIO, "2", "1", "--frobnicate"],
    ] {
        let o = Command::new(repo.join("scripts/terraform-vs-sim.sh"))
            .args(args)
            .current_dir(repo)
            .env("ORGSIM", env!("CARGO_BIN_EXE_orgsim"))
            .output()
            .expect("the harness runs");
        assert_eq!(common::code(&o), 2, "{args:?}: {}", common::stderr(&o));
        assert!(!common::stderr(&o).is_empty(), "{args:?}");
    }
}
