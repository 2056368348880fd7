//! `orgsim check`: the regression gate, a sweep against a committed baseline.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result, Verdict};
use crate::gate::{self, Tolerances};
use crate::sweep::SweepReport;

/// Regression gate: compare a sweep result with a baseline; exit 1 when it is worse.
///
/// For every customer count of the baseline: the p95 makespan and the conflict rate (relative
/// tolerances) and the failure probability (an absolute one). `--makespan-tolerance` and
/// `--conflict-tolerance` each override `--tolerance` for their figure; without either, both
/// are 0.10. A baseline count missing from the result is coverage lost (exit 1). Sweeps of
/// different deployers, a baseline without counts and an incomplete sweep are not compared
/// (exit 2).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim check sweep.json --baseline reports/baseline/two-customers.json"
)]
pub struct Args {
    /// The result: a `orgsim sweep --json` file.
    pub result: PathBuf,
    /// The baseline: a `orgsim sweep --json` file (e.g. under reports/baseline/).
    #[arg(long)]
    pub baseline: PathBuf,
    /// Relative tolerance for both the p95 makespan and the conflict rate [default: 0.10].
    #[arg(long)]
    pub tolerance: Option<f64>,
    /// Relative tolerance for the p95 makespan (over --tolerance) [default: 0.10].
    #[arg(long)]
    pub makespan_tolerance: Option<f64>,
    /// Relative tolerance for the conflict rate (over --tolerance) [default: 0.10].
    #[arg(long)]
    pub conflict_tolerance: Option<f64>,
    /// Absolute tolerance for the failure probability [default: 0.02].
    #[arg(long)]
    pub failure_tolerance: Option<f64>,
    /// Print the comparison as Markdown. (The old spelling `--markdown FILE` writes it to FILE,
    /// as --markdown-out does.)
    #[arg(long, num_args = 0..=1, value_name = "FILE")]
    pub markdown: Option<Option<PathBuf>>,
    /// Also write the comparison as Markdown to this file (for a CI job to post).
    #[arg(long, value_name = "FILE")]
    pub markdown_out: Option<PathBuf>,
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

pub fn run(a: Args) -> Result<Verdict> {
    let d = Tolerances::default();
    let tolerances = Tolerances {
        makespan: a.makespan_tolerance.or(a.tolerance).unwrap_or(d.makespan),
        conflicts: a.conflict_tolerance.or(a.tolerance).unwrap_or(d.conflicts),
        failures: a.failure_tolerance.unwrap_or(d.failures),
    };
    for (name, v) in [
        ("makespan", tolerances.makespan),
        ("conflict", tolerances.conflicts),
        ("failure", tolerances.failures),
    ] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(Error::flag(format!(
                "the {name} tolerance must be a non-negative number"
            )));
        }
    }
    let (print_md, md_file) = match (&a.markdown, &a.markdown_out) {
        (Some(Some(old)), Some(_)) => {
            return Err(Error::flag(format!(
                "give the Markdown file once: --markdown-out {} (not also --markdown FILE)",
                old.display()
            )))
        }
        (Some(Some(file)), None) => (false, Some(file)),
        (Some(None), file) => (true, file.as_ref()),
        (None, file) => (false, file.as_ref()),
    };
    let result = read_sweep(&a.result)?;
    let baseline = read_sweep(&a.baseline)?;
    match (result.deployer, baseline.deployer) {
        (Some(r), Some(b)) if r == b => {}
        (Some(r), Some(b)) => {
            return Err(Error::Refused(format!(
                "{} ran deployer `{r}` but the baseline {} ran `{b}`: results of different \
                 deployers are not comparable (re-run the sweep with --deployer {b}, or update \
                 the baseline)",
                a.result.display(),
                a.baseline.display()
            )))
        }
        (r, _) => {
            let which = if r.is_none() { &a.result } else { &a.baseline };
            return Err(Error::Refused(format!(
                "{}: records no deployer (written before deployer profiles): regenerate it",
                which.display()
            )));
        }
    }
    super::check_outputs(None, &[md_file.map(|p| p.as_path())])?;
    if let Some(why) = gate::refusal(&result, &baseline) {
        return Err(Error::Refused(format!(
            "refused: {} vs {}: {why}",
            a.result.display(),
            a.baseline.display()
        )));
    }
    if result.scenario != baseline.scenario {
        eprintln!(
            "warning: comparing scenario `{}` with a baseline of `{}`",
            result.scenario, baseline.scenario
        );
    }
    let rows = gate::compare(&result, &baseline, &tolerances);
    let missing = gate::missing_counts(&result, &baseline);
    let markdown = || gate::markdown(&result, &a.baseline.display().to_string(), &rows, &missing);
    if let Some(file) = md_file {
        super::write_file(file, markdown())?;
    }
    let bad: Vec<_> = rows.iter().filter(|r| r.regressed).collect();
    if print_md {
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
        for r in &bad {
            let _ = writeln!(o, "REGRESSED {}", r.detail);
        }
        let _ = writeln!(
            o,
            "orgsim check · {} vs {} · {} comparison(s), {} regression(s), {} count(s) missing",
            a.result.display(),
            a.baseline.display(),
            rows.len(),
            bad.len(),
            missing.len()
        );
        super::output::write_stdout(&o)?;
    }
    Ok(Verdict::of(bad.is_empty() && missing.is_empty()))
}
