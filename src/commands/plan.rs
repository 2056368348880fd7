//! `orgsim plan`: the resource graph, like `terraform plan`.

use std::path::PathBuf;

use crate::error::{Result, Verdict};
use crate::{plan, report};

/// Show the resource plan and its dependencies without running anything.
///
/// Exits 1 when the plan has pre-flight findings (duplicates, an OU too deep, more accounts than
/// the account quota).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim plan scenarios/five-customers.toml\n  orgsim plan scenarios/five-customers.toml --json"
)]
pub struct Args {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let sc = crate::scenario::read(&a.scenario)?;
    let mut p = plan::build(&sc);
    p.findings.extend(plan::account_quota_finding(&sc, &p));
    if a.json {
        super::output::write_stdout(&report::plan_json(&sc, &p))?;
    } else {
        super::output::write_text(&report::plan_text(&sc, &p))?;
    }
    Ok(Verdict::of(p.findings.is_empty()))
}
