//! The flags several commands take, each declared once here with one help text; a command
//! flattens the ones it takes (`#[command(flatten)] pub seed: SeedArg`), so `--seed` means the
//! same and reads the same in every `--help`.

use std::path::PathBuf;

use crate::config::Deployer;

/// `--seed`, `-s`.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct SeedArg {
    /// RNG seed (default: the scenario's `seed`). In virtual time the same seed gives the
    /// same output; replications derive theirs from it.
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
}

/// `--deployer NAME`.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct DeployerArg {
    /// Deployer profile: terraform-aws (default), aws-sdk-standard or control-tower
    /// (instead of the scenario's `[deploy] deployer`; its `[deploy]` keys still apply).
    #[arg(long, value_name = "NAME", value_parser = super::common::parse_deployer)]
    pub deployer: Option<Deployer>,
}

/// `--png` (with `--out`).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct PngArg {
    /// With --out: also write each chart as a PNG (drawn with an embedded font), for slides
    /// and wikis.
    #[arg(long, requires = "out")]
    pub png: bool,
}

/// `--latency-profile FILE`.
#[derive(Debug, Clone, clap::Args)]
pub struct LatencyProfileArg {
    /// Use a measured latency profile (from `--write-latency-profile`): the model draws call
    /// latencies and account creation times from it where it covers them.
    #[arg(long, value_name = "FILE")]
    pub latency_profile: Option<PathBuf>,
}

/// `--terraform-plan FILE` and `--tier-tag KEY`.
#[derive(Debug, Clone, clap::Args)]
pub struct TerraformPlanArg {
    /// Apply the plan of `terraform show -json PLANFILE` in place of the scenario's customers
    /// (the scenario file then optional, for its [service], [deploy] and money): its
    /// aws_organizations_* resources to create are applied, those in state refreshed first
    /// (docs/scenario.md, "A Terraform plan as input").
    #[arg(long, value_name = "FILE")]
    pub terraform_plan: Option<PathBuf>,
    /// With --terraform-plan: the account tag whose value is the customer's tier (a tier of
    /// the scenario, whose price is its revenue); an account without it is `unmapped`, its
    /// revenue left out.
    #[arg(long, value_name = "KEY", default_value = crate::tfplan::DEFAULT_TIER_TAG, requires = "terraform_plan")]
    pub tier_tag: String,
}

impl TerraformPlanArg {
    /// The plan file and the tier tag, as `common::read_scenario_or_plan` takes them.
    pub(crate) fn parts(&self) -> (Option<&std::path::Path>, &str) {
        (self.terraform_plan.as_deref(), &self.tier_tag)
    }
}
