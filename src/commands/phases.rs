//! `orgsim phases`: the growth phases' claims against replications.

use std::path::PathBuf;

use super::output::OutputOpts;
use crate::error::{Error, Result, Verdict};

/// Growth phases: check each `[[phases]]` claim against replications at both ends.
///
/// Each claim (OUs, accounts, MRR, deployment time, conflicts) is judged at a stated confidence:
/// it holds when it holds in at least that share of the replications (default 0.95). With
/// --out DIR it also writes phases.json, phases.md and phases.svg, each claim's share of
/// replications held against the share it needed (and, with --png, phases.png).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim phases scenarios/growth-phases.toml\n  orgsim phases scenarios/growth-phases.toml --confidence 0.9 --json"
)]
pub struct Args {
    /// The scenario file (TOML), with its `[[phases]]`.
    pub scenario: PathBuf,
    /// Replications at each end of each phase.
    #[arg(long, default_value_t = 100)]
    pub replications: u32,
    #[command(flatten)]
    pub seed: super::shared::SeedArg,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub deployer: super::shared::DeployerArg,
    /// The share of replications a claim must hold in (instead of each phase's
    /// `confidence`, default 0.95).
    #[arg(long, value_name = "SHARE")]
    pub confidence: Option<f64>,
    #[command(flatten)]
    pub output: OutputOpts,
    #[command(flatten)]
    pub png: super::shared::PngArg,
}

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let mut sc = super::common::read_scenario(&a.scenario, a.deployer.deployer)?;
    if let Some(c) = a.confidence {
        if !(c > 0.0 && c <= 1.0) {
            return Err(Error::flag(
                "--confidence must be a share above 0 and at most 1 (e.g. 0.95)",
            ));
        }
        for p in &mut sc.phases {
            p.confidence = c;
        }
    }
    if sc.phases.is_empty() {
        return Err(Error::flag(format!(
            "{}: the scenario has no [[phases]]",
            a.scenario.display()
        )));
    }
    if a.replications == 0 {
        return Err(Error::flag("--replications must be at least 1"));
    }
    if let Some(s) = a.seed.seed {
        sc.seed = s;
    }
    super::common::check_replications(
        sc.phases.len() as u64 * 2 * a.replications as u64,
        "phases × 2 ends × --replications",
    )?;
    let largest = sc.phases.iter().map(|p| p.customers.1).max().unwrap_or(1);
    super::common::check_money(&sc, largest)?;
    let threads = super::common::threads(a.threads)?;
    super::common::check_outputs(a.output.out.as_deref().map(|d| (d, &[][..])), &[])?;
    super::common::install_ctrl_c();
    let rep = crate::phases::evaluate(&sc, a.replications, threads, &super::common::INTERRUPTED);
    let json = crate::report::report_json(&rep);
    if let Some(dir) = &a.output.out {
        let mut files = vec![
            ("phases.json", json.clone().into_bytes()),
            ("phases.md", crate::phases::markdown(&rep).into_bytes()),
            (
                "phases.svg",
                crate::report::charts::phases_svg(&rep).into_bytes(),
            ),
        ];
        if a.png.png {
            let chart = crate::report::charts::PhasesChart(&rep);
            files.push(("phases.png", super::common::png_of("phases.png", &chart)?));
        }
        super::common::write_out(dir, &files)?;
    }
    a.output.print(
        &json,
        || crate::phases::markdown(&rep),
        || crate::phases::text(&rep),
    )?;
    if !rep.complete {
        return Err(Error::Interrupted("partial results above".into()));
    }
    Ok(rep.verdict)
}
