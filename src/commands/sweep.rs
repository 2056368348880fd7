//! `orgsim sweep`: replications over customer counts.

use std::path::PathBuf;

use super::output::OutputOpts;
use crate::engine::Deployer;
use crate::error::{Error, Result, Verdict};
use crate::report;
use crate::sweep::{self, SweepReport};

/// Monte Carlo over customer counts: distributions of makespan, conflicts, failures, margin.
///
/// With --out DIR it also writes sweep.json, sweep.csv, sweep.md, makespan.svg and
/// conflicts.svg (and, with --png, makespan.png and conflicts.png). Ctrl-C stops it cleanly and prints (and writes) the partial results.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Customer counts: A..=B (or a single count).
    #[arg(long, value_name = "A..=B")]
    pub customers: String,
    /// Step between customer counts (B is always included).
    #[arg(long, default_value_t = 1)]
    pub step: usize,
    /// Replications per customer count.
    #[arg(long, default_value_t = 100)]
    pub replications: u32,
    /// Base seed (default: the scenario's `seed`).
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Deployer profile: terraform-aws (default), aws-sdk-standard or control-tower
    /// (instead of the scenario's `[deploy] deployer`; its `[deploy]` keys still apply).
    #[arg(long, value_name = "NAME", value_parser = super::parse_deployer)]
    pub deployer: Option<Deployer>,
    #[command(flatten)]
    pub output: OutputOpts,
    /// With --out: also write each chart as a PNG (drawn with an embedded font).
    #[arg(long, requires = "out")]
    pub png: bool,
    /// Print one CSV row per replication instead of the table.
    #[arg(long, conflicts_with_all = ["json", "markdown"])]
    pub csv: bool,
    /// Use a measured latency profile (from `--write-latency-profile`): the model draws call
    /// latencies and account creation times from it where it covers them.
    #[arg(long, value_name = "FILE")]
    pub latency_profile: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<Verdict> {
    let mut sc = super::read_scenario(&a.scenario, a.deployer)?;
    if let Some(s) = a.seed {
        sc.seed = s;
    }
    super::use_latency_profile(&mut sc, a.latency_profile.as_ref())?;
    let (lo, hi) =
        sweep::parse_range(&a.customers).map_err(|e| Error::flag(format!("--customers: {e}")))?;
    if a.step == 0 {
        return Err(Error::flag("--step must be at least 1"));
    }
    if a.replications == 0 {
        return Err(Error::flag("--replications must be at least 1"));
    }
    let counts = sweep::counts(lo, hi, a.step);
    let total = counts.len() as u64 * a.replications as u64;
    super::install_ctrl_c();
    let bar = (total >= 200)
        .then(|| {
            super::progress_bar(
                total,
                "{spinner} {bar:40} {pos}/{len} replications · {elapsed} elapsed · ETA {eta}",
            )
        })
        .flatten();
    let progress = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let rows = sweep::run_sweep(
        &sc,
        &counts,
        a.replications,
        super::threads(a.threads),
        &progress,
        &super::INTERRUPTED,
    );
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let complete = rows.iter().all(Option::is_some);
    let rep = SweepReport {
        kind: "sweep".into(),
        scenario: sc.name.clone(),
        seed: sc.seed,
        replications: a.replications,
        complete,
        deployer: Some(sc.deploy.deployer),
        parallelism: sc.deploy.parallelism,
        account_quota: sc.organization.account_quota,
        latency_profile: sc
            .service
            .latency_profile
            .as_ref()
            .map(|p| p.source.clone()),
        counts: sweep::summaries(&counts, &rows),
    };
    let json = {
        let mut s = serde_json::to_string_pretty(&rep).expect("a sweep serializes");
        s.push('\n');
        s
    };
    let csv = sweep::csv(&rows);
    if let Some(dir) = &a.output.out {
        let mut files = vec![
            ("sweep.json", json.clone().into_bytes()),
            ("sweep.csv", csv.clone().into_bytes()),
            ("sweep.md", report::sweep::markdown(&rep).into_bytes()),
            (
                "makespan.svg",
                report::sweep::makespan_svg(&rep).into_bytes(),
            ),
            (
                "conflicts.svg",
                report::sweep::conflicts_svg(&rep).into_bytes(),
            ),
        ];
        if a.png {
            use report::sweep::{ConflictsChart, MakespanChart};
            files.push((
                "makespan.png",
                super::png_of("makespan.png", &MakespanChart(&rep))?,
            ));
            files.push((
                "conflicts.png",
                super::png_of("conflicts.png", &ConflictsChart(&rep))?,
            ));
        }
        super::write_out(dir, &files)?;
    }
    if a.csv {
        print!("{csv}");
    } else {
        a.output.print(
            &json,
            || report::sweep::markdown(&rep),
            || report::sweep::text(&rep),
        );
    }
    if !complete {
        let done = rows.iter().flatten().count();
        return Err(Error::Interrupted(format!(
            "{done} of {total} replications done; the partial results are above{}",
            if a.output.out.is_some() {
                " and in --out"
            } else {
                ""
            }
        )));
    }
    // A sweep measures; it judges nothing.
    Ok(Verdict::Pass)
}
