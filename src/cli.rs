//! The command line (clap derive). Doc comments are the help text.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::Deployer;

/// `--deployer NAME`: one of the deployer profiles.
fn parse_deployer(s: &str) -> Result<Deployer, String> {
    Deployer::parse(s).ok_or_else(|| {
        format!(
            "unknown deployer `{s}`; expected one of {}",
            Deployer::names()
        )
    })
}

/// orgsim: simulate and load-test multi-tenant AWS Organizations onboarding.
///
/// Exit codes: 0 everything judged held; 1 something judged failed (validation matrix,
/// expectations, findings); 2 orgsim could not do its job (bad arguments, bad scenario file).
#[derive(Debug, Parser)]
#[command(name = "orgsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// The in-memory Organizations model, in virtual time (default).
    Sim,
    /// The real SDK client wired to in-process mocks answered by the model (wall-clock time).
    Mock,
    /// A real endpoint through aws-sdk-organizations (loopback only, unless --allow-real-aws).
    Sdk,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sim => "sim",
            Backend::Mock => "mock",
            Backend::Sdk => "sdk",
        }
    }
}

/// The backend and the options of the live ones, shared by `run` and `load`.
#[derive(Debug, Clone, clap::Args)]
pub struct LiveOpts {
    /// Where to deploy.
    #[arg(long, value_enum, default_value = "sim")]
    pub backend: Backend,
    /// Endpoint URL for `--backend sdk` (default: the SDK's AWS_ENDPOINT_URL, else AWS).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Allow `--backend sdk` to deploy to an endpoint that is not a loopback address (AWS
    /// itself): the organization id must then be confirmed.
    #[arg(long)]
    pub allow_real_aws: bool,
    /// The organization id, confirmed without a prompt (with --allow-real-aws).
    #[arg(long, value_name = "o-ID")]
    pub confirm_org: Option<String>,
    /// For `mock` and `sdk`: seconds between DescribeCreateAccountStatus polls, instead of
    /// the scenario's `[deploy] poll_interval_s`.
    #[arg(long, value_name = "SECONDS")]
    pub poll_interval: Option<f64>,
    /// For `mock`: engine milliseconds per wall-clock millisecond (e.g. 60 runs a minute of
    /// the model's time per second).
    #[arg(long, value_name = "X")]
    pub time_scale: Option<f64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Deploy a scenario once and report timing, conflicts, validation and financials.
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Seed of the run (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Deployer profile: terraform-aws (default), aws-sdk-standard or control-tower
        /// (instead of the scenario's `[deploy] deployer`; its `[deploy]` keys still apply).
        #[arg(long, value_name = "NAME", value_parser = parse_deployer)]
        deployer: Option<Deployer>,
        #[command(flatten)]
        live: LiveOpts,
        /// Print the JSON report instead of the summary.
        #[arg(long)]
        json: bool,
        /// Also write report.json, report.md, report.html, timeline.svg and margin.svg into
        /// this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// List every resource and conflict, however many.
        #[arg(long, short)]
        verbose: bool,
        /// Run with exactly this many customers (the scenario's first N, or extended with its
        /// tier mix), as `sweep` does.
        #[arg(long, value_name = "N")]
        customers: Option<usize>,
        /// Re-run replication K of a sweep alone: the seed becomes the sweep's derived seed for
        /// (customer count, K).
        #[arg(long, value_name = "K")]
        replication: Option<u32>,
        /// Use a measured latency profile (from `--write-latency-profile`): the model draws call
        /// latencies and account creation times from it where it covers them.
        #[arg(long, value_name = "FILE")]
        latency_profile: Option<PathBuf>,
        /// For `mock` and `sdk`: write the measured per-operation latencies and account
        /// creation times as a latency profile, for `--latency-profile` on the simulated backend.
        #[arg(long, value_name = "FILE")]
        write_latency_profile: Option<PathBuf>,
    },
    /// Monte Carlo over customer counts: distributions of makespan, conflicts, failures, margin.
    Sweep {
        scenario: PathBuf,
        /// Customer counts: A..=B (or a single count).
        #[arg(long, value_name = "A..=B")]
        customers: String,
        /// Step between customer counts (B is always included).
        #[arg(long, default_value_t = 1)]
        step: usize,
        /// Replications per customer count.
        #[arg(long, default_value_t = 100)]
        replications: u32,
        /// Base seed (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Deployer profile: terraform-aws (default), aws-sdk-standard or control-tower
        /// (instead of the scenario's `[deploy] deployer`; its `[deploy]` keys still apply).
        #[arg(long, value_name = "NAME", value_parser = parse_deployer)]
        deployer: Option<Deployer>,
        /// Print the JSON summary instead of the table.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print one CSV row per replication instead of the table.
        #[arg(long)]
        csv: bool,
        /// Also write sweep.json, sweep.csv, sweep.md, makespan.svg and conflicts.svg here.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Use a measured latency profile (from `--write-latency-profile`): the model draws call
        /// latencies and account creation times from it where it covers them.
        #[arg(long, value_name = "FILE")]
        latency_profile: Option<PathBuf>,
    },
    /// Growth phases: check each `[[phases]]` statement (OUs, accounts, MRR, deployment time,
    /// conflicts) against replications at both ends of the phase's customer range.
    Phases {
        scenario: PathBuf,
        /// Replications at each end of each phase.
        #[arg(long, default_value_t = 100)]
        replications: u32,
        /// Base seed (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Deployer profile: terraform-aws (default), aws-sdk-standard or control-tower
        /// (instead of the scenario's `[deploy] deployer`; its `[deploy]` keys still apply).
        #[arg(long, value_name = "NAME", value_parser = parse_deployer)]
        deployer: Option<Deployer>,
        /// The share of replications a claim must hold in (instead of each phase's
        /// `confidence`, default 0.95).
        #[arg(long, value_name = "SHARE")]
        confidence: Option<f64>,
        /// Print JSON instead of the report.
        #[arg(long)]
        json: bool,
        /// Also write phases.json and phases.md into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Regression gate: compare a sweep result with a baseline; exit 1 when it is worse.
    Check {
        /// The result: a `orgsim sweep --json` file.
        result: PathBuf,
        /// The baseline: a `orgsim sweep --json` file (e.g. under reports/baseline/).
        #[arg(long)]
        baseline: PathBuf,
        /// Relative tolerance for both the p95 makespan and the conflict rate (0.10 = 10%).
        #[arg(long)]
        tolerance: Option<f64>,
        /// Relative tolerance for the p95 makespan (default 0.10).
        #[arg(long)]
        makespan_tolerance: Option<f64>,
        /// Relative tolerance for the conflict rate (default 0.10).
        #[arg(long)]
        conflict_tolerance: Option<f64>,
        /// Absolute tolerance for the failure probability (default 0.02).
        #[arg(long)]
        failure_tolerance: Option<f64>,
        /// Also write a Markdown summary here (for a CI job to post).
        #[arg(long, value_name = "FILE")]
        markdown: Option<PathBuf>,
    },
    /// Load test: customers arrive as an open-loop process (a constant rate, or ramping stages)
    /// and each is onboarded by its own deployment against one backend. Reports onboarding and
    /// per-operation latency percentiles (raw, and corrected from each arrival's intended start),
    /// throughput, errors and latency over time; exits 1 when a threshold breaks. Against `sim`
    /// it runs in virtual time: capacity planning.
    Load {
        scenario: PathBuf,
        #[command(flatten)]
        live: LiveOpts,
        /// Constant arrival rate, e.g. 2/min, 0.5/s, 30/h (with --duration).
        #[arg(long, value_name = "RATE", conflicts_with = "stages")]
        rate: Option<String>,
        /// How long customers arrive at --rate, e.g. 30m, 90s.
        #[arg(long, value_name = "DURATION", conflicts_with = "stages")]
        duration: Option<String>,
        /// Ramping arrival rate, k6-style: DURATION:RATE,... (the rate moves linearly to each
        /// stage's target), e.g. 5m:1/min,10m:4/min,5m:0/min.
        #[arg(long, value_name = "STAGES")]
        stages: Option<String>,
        /// How arrivals are spaced (default: the scenario's, else poisson).
        #[arg(long, value_enum)]
        arrivals: Option<crate::config::Arrivals>,
        /// A threshold that makes the command exit 1 when broken (repeatable; added to the
        /// scenario's): `p95 onboarding < 15m`, `p99 CreateAccount < 2s`, `error rate < 1%`,
        /// `throughput > 2/min`.
        #[arg(long = "threshold", value_name = "THRESHOLD")]
        thresholds: Vec<String>,
        /// Most onboardings in flight at once (the deployer's runners); later arrivals wait, and
        /// the wait counts in the corrected latency.
        #[arg(long, value_name = "N")]
        max_concurrent: Option<usize>,
        /// How long after the last stage onboardings may still finish (default 1h).
        #[arg(long, value_name = "DURATION")]
        grace: Option<String>,
        /// Seed of the arrival process and the engines (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Deployer profile: terraform-aws (default), aws-sdk-standard or control-tower
        /// (instead of the scenario's `[deploy] deployer`; its `[deploy]` keys still apply).
        #[arg(long, value_name = "NAME", value_parser = parse_deployer)]
        deployer: Option<Deployer>,

        /// Print the JSON report instead of the summary.
        #[arg(long)]
        json: bool,
        /// Also write load.json, load.md and load.svg (latency over time) into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Use a measured latency profile (from `--write-latency-profile`): the model draws call
        /// latencies and account creation times from it where it covers them.
        #[arg(long, value_name = "FILE")]
        latency_profile: Option<PathBuf>,
        /// For `mock` and `sdk`: write the measured per-operation latencies and account
        /// creation times as a latency profile, for `--latency-profile` on the simulated backend.
        #[arg(long, value_name = "FILE")]
        write_latency_profile: Option<PathBuf>,
    },
    /// Show the resource plan and its dependencies without running anything.
    Plan {
        scenario: PathBuf,
        /// Print the plan as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a scenario file: syntax, fields, and the plan's pre-flight checks.
    Validate { scenario: PathBuf },
    /// Run two scenarios and show them side by side with deltas and % changes (the seed's
    /// "Comparison Summary"). Exits 0 once both ran: it judges nothing.
    Compare {
        /// The baseline scenario.
        a: PathBuf,
        /// The scenario compared with it.
        b: PathBuf,
        /// Seed of both runs (default: each scenario's own `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Print the comparison as JSON.
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// Print the comparison as a Markdown table.
        #[arg(long)]
        markdown: bool,
    },
}
