//! The command line (clap derive). Doc comments are the help text.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
    /// The real SDK client wired to in-process mocks (not in this build yet).
    Mock,
    /// A real endpoint through aws-sdk-organizations (not in this build yet).
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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Deploy a scenario once and report timing, conflicts, validation and financials.
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Seed of the run (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Where to deploy.
        #[arg(long, value_enum, default_value = "sim")]
        backend: Backend,
        /// Endpoint URL for `--backend sdk`.
        #[arg(long)]
        endpoint: Option<String>,
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
