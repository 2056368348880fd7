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
    after_help = "Examples:\n  orgsim plan scenarios/five-customers.toml\n  orgsim plan scenarios/five-customers.toml --json\n  orgsim plan scenarios/terraform-vs-sim.toml --customers 5 --terraform /tmp/tf\n  orgsim plan --terraform-plan tests/fixtures/tfplan/day2.json"
)]
pub struct Args {
    /// The scenario file (TOML); optional with --terraform-plan, which gives the customers.
    #[arg(required_unless_present = "terraform_plan")]
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub terraform_plan: super::shared::TerraformPlanArg,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
    /// Plan exactly this many customers (the scenario's first N, or extended with its mix, as
    /// `run --customers` and `sweep` do).
    #[arg(long, value_name = "N")]
    pub customers: Option<usize>,
    /// Also write the plan as a Terraform configuration for the hashicorp/aws provider into DIR:
    /// main.tf (examples/terraform/from-plan/main.tf: the provider and the root) and
    /// plan.tf.json (one resource block per planned resource, at its address, with the plan's
    /// names, emails, tags, policy documents and dependencies). OUs under the root only.
    #[arg(long, value_name = "DIR")]
    pub terraform: Option<PathBuf>,
}

/// The part of the configuration `--terraform` writes that is the same for every plan.
const MAIN_TF: &str = include_str!("../../examples/terraform/from-plan/main.tf");

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let (mut sc, imported) = super::common::read_scenario_or_plan(
        a.scenario.as_deref(),
        a.terraform_plan.parts(),
        None,
    )?;
    if imported.is_some() && a.customers.is_some() {
        return Err(Error::flag(
            "--customers makes a scenario's customers; a Terraform plan (--terraform-plan) has \
             its own",
        ));
    }
    if let Some(n) = a.customers {
        if n == 0 {
            return Err(Error::flag("--customers must be at least 1"));
        }
        super::common::check_customers(&sc, n, "--customers")?;
        sc = sc.with_customers(n);
    }
    let mut p = match imported {
        Some(imp) => imp.plan,
        None => plan::build(&sc),
    };
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

/// A literal string in Terraform's JSON syntax, where `${` and `%{` open templates.
fn literal(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

/// A resource's name in the configuration: its address after the type (Terraform's names
/// start with a letter or `_`: one that would not gets a `_` in front).
fn name(p: &Plan, i: usize) -> String {
    let a = &p.resources[i].address;
    let n = a.split_once('.').map_or(a.as_str(), |(_, k)| k);
    if n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        n.to_string()
    } else {
        format!("_{n}")
    }
}

/// A resource's type: its address before the name.
fn type_of(p: &Plan, i: usize) -> &str {
    let a = &p.resources[i].address;
    a.split_once('.').map_or(a.as_str(), |(t, _)| t)
}

/// `${TYPE.NAME.id}` of resource `i`.
fn id_of(p: &Plan, i: usize) -> String {
    format!("${{{}.{}.id}}", type_of(p, i), name(p, i))
}

/// The plan's resources in Terraform's JSON configuration syntax: one block per planned
/// resource, named as the plan names it, each referring to what it depends on.
pub(crate) fn terraform_json(p: &Plan) -> Result<Value> {
    let mut by_type: Map<String, Value> = Map::new();
    let mut tags_of = std::collections::HashMap::new();
    for r in &p.resources {
        if let Spec::Tags { account, tags } = &r.spec {
            let t: Map<String, Value> = tags
                .iter()
                .map(|(k, v)| (literal(k), Value::from(literal(v))))
                .collect();
            tags_of.insert(*account, Value::Object(t));
        }
    }
    for (i, r) in p.resources.iter().enumerate() {
        let body = match &r.spec {
            Spec::Ou { name, parent, .. } => {
                if parent.is_some() {
                    return Err(Error::flag(format!(
                        "--terraform: {} is not under the root; the configuration has OUs under \
                         the root only ([organization] ou_path and the by-tier-region layout nest them)",
                        r.address
                    )));
                }
                json!({
                    "name": literal(name),
                    "parent_id": "${data.aws_organizations_organization.this.roots[0].id}",
                })
            }
            Spec::Policy { name, content, .. } => json!({
                "name": literal(name),
                "type": "SERVICE_CONTROL_POLICY",
                "content": literal(content),
            }),
            Spec::Attachment { policy, ou } => json!({
                "policy_id": id_of(p, *policy),
                "target_id": id_of(p, *ou),
            }),
            Spec::Account {
                name, email, ou, ..
            } => json!({
                "name": literal(name),
                "email": literal(email),
                "parent_id": id_of(p, *ou),
                "tags": tags_of.get(&i).cloned().unwrap_or_else(|| json!({})),
                "timeouts": { "create": "${var.create_timeout}" },
            }),
            // terraform-aws: the account's tags go in CreateAccount (the account's `tags`).
            Spec::Tags { .. } => continue,
        };
        let blocks = by_type
            .entry(type_of(p, i))
            .or_insert_with(|| Value::Object(Map::new()));
        blocks
            .as_object_mut()
            .expect("an object")
            .insert(name(p, i), body);
    }
    Ok(json!({ "resource": by_type }))
}

fn write_terraform(dir: &Path, p: &Plan) -> Result<()> {
    let config = terraform_json(p)?;
    let mut text = serde_json::to_string_pretty(&config).map_err(|e| Error::io(dir, e))?;
    text.push('\n');
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for (file, body) in [("main.tf", MAIN_TF), ("plan.tf.json", text.as_str())] {
        let path = dir.join(file);
        std::fs::write(&path, body).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_terraform_templates() {
        assert_eq!(literal("a${b} %{c} $d %e"), "a$${b} %%{c} $d %e");
    }
}
