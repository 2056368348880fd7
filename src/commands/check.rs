//! `orgsim check`: the regression gate, a sweep against a committed baseline.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result, Verdict};
use crate::gate;
use crate::sweep::SweepReport;

/// Regression gate: test a sweep result against a baseline; exit 1 when it is worse.
///
/// Both are `orgsim sweep --samples --json` files of the same experiment (scenario, deployer,
/// parallelism, account quota, latency profile, replications; the seed may differ). At every
/// customer count of the baseline, three figures are tested against the noise of their
/// replications: the p95 makespan (the control quantile test: how many result replications
/// are slower than the baseline's p95), the failure probability (Newcombe's interval for a
/// difference of proportions) and the conflict rate (Welch's t interval for a difference of
/// means). A figure regresses when its test says it is worse at the per-figure false-alarm
/// rate: --false-alarm split evenly over the comparison's figures. How small a change is
/// caught depends on the replication counts; each line prints its interval. A baseline count
/// missing from the result is coverage lost (exit 1). Files of different experiments, values
/// outside their domain, files without the samples and incomplete sweeps are refused (exit 2).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    orgsim sweep scenarios/two-customers.toml --customers 1..=2 --replications 5000 --seed 7 --samples --json > result.json\n  \
    orgsim check result.json --baseline reports/baseline/two-customers.json\n  \
    orgsim check result.json --baseline reports/baseline/two-customers.json --markdown-out gate.md")]
pub struct Args {
    /// The result: an `orgsim sweep --samples --json` file.
    pub result: PathBuf,
    /// The baseline: an `orgsim sweep --samples --json` file (e.g. under reports/baseline/).
    #[arg(long)]
    pub baseline: PathBuf,
    /// The probability, at most, that this comparison flags a regression in a sweep of an
    /// unchanged scenario (all its figures together) [default: 0.001].
    #[arg(long, value_name = "P")]
    pub false_alarm: Option<f64>,
    /// Print the comparison as Markdown.
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
    /// Print the comparison as JSON: its verdict, each comparison with its interval, and the
    /// counts (see docs/testing.md).
    #[arg(long)]
    pub json: bool,
    /// Also write the comparison as Markdown to this file (for a CI job to post).
    #[arg(long, value_name = "FILE")]
    pub markdown_out: Option<PathBuf>,
    /// Replaced by --false-alarm (the gate tests the noise; it has no tolerances).
    #[arg(long, hide = true, value_name = "X")]
    pub tolerance: Option<String>,
    #[arg(long, hide = true, value_name = "X")]
    pub makespan_tolerance: Option<String>,
    #[arg(long, hide = true, value_name = "X")]
    pub conflict_tolerance: Option<String>,
    #[arg(long, hide = true, value_name = "X")]
    pub failure_tolerance: Option<String>,
}

fn read_sweep(path: &Path) -> Result<SweepReport> {
    let input = |message: String| Error::Input {
        path: path.to_path_buf(),
        message,
    };
    let text = crate::config::files::read_regular_text(
        path,
        crate::config::limits::MAX_SWEEP_JSON_BYTES,
        "the sweep result size limit",
    )
    .map_err(|e| Error::io(path, e))?;
    let rep: SweepReport = serde_json::from_str(&text).map_err(|e| {
        input(format!(
            "{}:{}: not an `orgsim sweep --json` result: {e}",
            e.line(),
            e.column()
        ))
    })?;
    if rep.kind != "sweep" {
        return Err(input(format!("`kind` is `{}`, expected `sweep`", rep.kind)));
    }
    Ok(rep)
}

pub(crate) fn run(a: Args) -> Result<Verdict> {
    for (flag, given) in [
        ("--tolerance", &a.tolerance),
        ("--makespan-tolerance", &a.makespan_tolerance),
        ("--conflict-tolerance", &a.conflict_tolerance),
        ("--failure-tolerance", &a.failure_tolerance),
    ] {
        if given.is_some() {
            return Err(Error::flag(format!(
                "{flag} is gone: `check` now tests each figure against the noise of its \
                 replications; set how often it may cry wolf with --false-alarm P (default \
                 {})",
                gate::DEFAULT_FALSE_ALARM
            )));
        }
    }
    let false_alarm = a.false_alarm.unwrap_or(gate::DEFAULT_FALSE_ALARM);
    if !(false_alarm > 0.0 && false_alarm < 1.0) {
        return Err(Error::flag(
            "--false-alarm must be a probability between 0 and 1 (exclusive), e.g. 0.001",
        ));
    }
    let md_file = a.markdown_out.as_ref();
    let result = read_sweep(&a.result)?;
    let baseline = read_sweep(&a.baseline)?;
    super::common::check_outputs(None, &[md_file.map(|p| p.as_path())])?;
    if let Some(why) = gate::refusal(&result, &baseline) {
        return Err(Error::refused(format!(
            "refused: {} vs {}: {why}",
            a.result.display(),
            a.baseline.display()
        )));
    }
    let rows = gate::compare(&result, &baseline, false_alarm);
    let missing = gate::missing_counts(&result, &baseline);
    let markdown = || {
        gate::markdown(
            &result,
            &a.baseline.display().to_string(),
            &rows,
            &missing,
            false_alarm,
        )
    };
    if let Some(file) = md_file {
        super::common::write_file(file, markdown())?;
    }
    let bad: Vec<_> = rows.iter().filter(|r| r.regressed).collect();
    if a.json {
        let rep = gate::CheckReport::new(
            a.result.display().to_string(),
            a.baseline.display().to_string(),
            false_alarm,
            rows.clone(),
            missing.clone(),
        );
        super::output::write_stdout(&crate::report::report_json(&rep))?;
    } else if a.markdown {
        super::output::write_stdout(&markdown())?;
    } else {
        use std::fmt::Write as _;
        let mut o = String::new();
        for n in &missing {
            let _ = writeln!(
                o,
                "COVERAGE LOST {n} customers: in the baseline, missing from the result"
            );
        }
        for r in &rows {
            let mark = if r.regressed { "REGRESSED" } else { "ok" };
            let _ = writeln!(o, "{mark} {}", r.detail);
        }
        let _ = writeln!(
            o,
            "orgsim check · {} vs {} · {} comparison(s), {} regression(s), {} count(s) missing \
             · false-alarm rate {false_alarm} in all",
            a.result.display(),
            a.baseline.display(),
            rows.len(),
            bad.len(),
            missing.len()
        );
        super::output::write_text(&o)?;
    }
    Ok(Verdict::of(bad.is_empty() && missing.is_empty()))
}
