//! `orgsim compare`: two scenarios side by side.

use std::path::PathBuf;

use crate::error::{Result, Verdict};
use crate::{analysis, compare, sim};

/// Run two scenarios and show them side by side with deltas and % changes.
///
/// The brief's "Comparison Summary": customers, resources, revenue, costs, profit, margin,
/// deployment time and conflicts. It exits 0 once both ran: it judges nothing.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim compare scenarios/single-customer.toml scenarios/two-customers.toml\n  orgsim compare scenarios/single-customer.toml scenarios/two-customers.toml --markdown"
)]
pub struct Args {
    /// The baseline scenario file (TOML).
    pub a: PathBuf,
    /// The scenario file compared with it (TOML).
    pub b: PathBuf,
    #[command(flatten)]
    pub seed: super::shared::SeedArg,
    /// Print the comparison as JSON.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print the comparison as a Markdown table.
    #[arg(long)]
    pub markdown: bool,
}

pub fn run(a: Args) -> Result<Verdict> {
    let mut reps = Vec::with_capacity(2);
    for path in [&a.a, &a.b] {
        let sc = crate::scenario::read(path)?;
        let seed = a.seed.seed.unwrap_or(sc.seed);
        let o = sim::run(&sc, seed);
        reps.push(analysis::analyze(
            &sc,
            &o.plan,
            &o.trace,
            &o.snapshot,
            seed,
            "sim",
        ));
    }
    let c = compare::compare(&reps[0], &reps[1]);
    if a.json {
        super::output::write_stdout(&compare::json(&c))?;
    } else if a.markdown {
        super::output::write_stdout(&compare::markdown(&c))?;
    } else {
        super::output::write_text(&compare::text(&c))?;
    }
    Ok(Verdict::Pass)
}
