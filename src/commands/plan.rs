//! `orgsim plan`: the resource graph, like `terraform plan`.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::error::{Error, Result, Verdict};
use crate::plan::{Plan, Spec};
use crate::{plan, report};

/// Show the resource plan and its dependencies without running anything.
///
/// Exits 1 when the plan has pre-flight findings (duplicates, an OU too deep, more accounts than
/// the account quota).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim plan scenarios/five-customers.toml\n  orgsim plan scenarios/five-customers.toml --json\n  orgsim plan scenarios/terraform-vs-sim.toml --customers 5 --terraform /tmp/tf"
)]
pub struct Args {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
    /// Plan exactly this many customers (the scenario's first N, or extended with its mix, as
    /// `run --customers` and `sweep` do).
    #[arg(long, value_name = "N")]
    pub customers: Option<usize>,
    /// Also write the plan as a Terraform configuration for the hashicorp/aws provider into DIR:
    /// main.tf (examples/terraform/from-plan/main.tf) and plan.auto.tfvars.json (every OU,
    /// policy with its document, attachment and account with its tags). OUs under the root only.
    #[arg(long, value_name = "DIR")]
    pub terraform: Option<PathBuf>,
}

/// The configuration `--terraform` writes: the resources come from the variables.
const MAIN_TF: &str = include_str!("../../examples/terraform/from-plan/main.tf");

pub fn run(a: Args) -> Result<Verdict> {
    let mut sc = crate::scenario::read(&a.scenario)?;
    if let Some(n) = a.customers {
        if n == 0 {
            return Err(Error::flag("--customers must be at least 1"));
        }
        super::check_customers(&sc, n, "--customers")?;
        sc = sc.with_customers(n);
    }
    let mut p = plan::build(&sc);
    p.findings.extend(plan::account_quota_finding(&sc, &p));
    if let Some(dir) = &a.terraform {
        write_terraform(dir, &p)?;
    }
    if a.json {
        super::output::write_stdout(&report::plan_json(&sc, &p))?;
    } else {
        super::output::write_text(&report::plan_text(&sc, &p))?;
    }
    Ok(Verdict::of(p.findings.is_empty()))
}

/// The key a resource has in the variables: its address after the type.
fn key(p: &Plan, i: usize) -> &str {
    let a = &p.resources[i].address;
    a.split_once('.').map_or(a.as_str(), |(_, k)| k)
}

/// The plan as `examples/terraform/from-plan/main.tf`'s variables.
pub fn terraform_vars(p: &Plan) -> Result<Value> {
    let (mut ous, mut policies, mut attachments, mut accounts) =
        (Map::new(), Map::new(), Map::new(), Map::new());
    let mut tags_of = std::collections::HashMap::new();
    for r in &p.resources {
        if let Spec::Tags { account, tags } = &r.spec {
            tags_of.insert(*account, json!(&**tags));
        }
    }
    for (i, r) in p.resources.iter().enumerate() {
        let k = key(p, i).to_string();
        match &r.spec {
            Spec::Ou { name, parent, .. } => {
                if parent.is_some() {
                    return Err(Error::flag(format!(
                        "--terraform: {} is not under the root; the configuration has OUs under \
                         the root only ([organization] ou_path and the by-tier-region layout nest them)",
                        r.address
                    )));
                }
                ous.insert(k, json!({ "name": &**name }));
            }
            Spec::Policy { name, content, .. } => {
                policies.insert(k, json!({ "name": &**name, "content": &**content }));
            }
            Spec::Attachment { policy, ou } => {
                attachments.insert(k, json!({ "policy": key(p, *policy), "ou": key(p, *ou) }));
            }
            Spec::Account {
                name, email, ou, ..
            } => {
                let tags = tags_of.get(&i).cloned().unwrap_or_else(|| json!({}));
                accounts.insert(
                    k,
                    json!({ "name": &**name, "email": &**email, "ou": key(p, *ou), "tags": tags }),
                );
            }
            Spec::Tags { .. } => {}
        }
    }
    Ok(json!({
        "ous": ous,
        "policies": policies,
        "attachments": attachments,
        "accounts": accounts,
    }))
}

fn write_terraform(dir: &Path, p: &Plan) -> Result<()> {
    let vars = terraform_vars(p)?;
    let mut text = serde_json::to_string_pretty(&vars).map_err(|e| Error::io(dir, e))?;
    text.push('\n');
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for (name, body) in [
        ("main.tf", MAIN_TF),
        ("plan.auto.tfvars.json", text.as_str()),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, body).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}
