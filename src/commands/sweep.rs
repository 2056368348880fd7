//! `orgsim sweep`: replications over customer counts.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use super::output::OutputOpts;
use crate::error::{Error, Result, Verdict};
use crate::report;
use crate::sweep::{self, SweepReport};

/// Monte Carlo over customer counts: distributions of makespan, conflicts, failures, margin.
///
/// With --out DIR it also writes sweep.json, sweep.csv, sweep.md, makespan.svg and
/// conflicts.svg (and, with --png, makespan.png and conflicts.png). Ctrl-C stops it cleanly and prints (and writes) the partial results.
/// With --shard K/N it runs one shard of the jobs and writes a shard file for `orgsim merge`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim sweep scenarios/hundred-customers.toml --customers 1..=100 --step 11 --replications 200\n  orgsim sweep scenarios/two-customers.toml --customers 1..=2 --replications 500 --json > sweep.json\n  orgsim sweep scenarios/hundred-customers.toml --customers 100 --replications 1000 --csv > rows.csv\n  orgsim sweep scenarios/hundred-customers.toml --customers 10..=100 --step 45 --replications 200 --shard 2/4 --out shards/\n  orgsim merge shards/shard-*-of-4.json --out sweep/\n  orgsim sweep --terraform-plan tests/fixtures/tfplan/day2.json --replications 200"
)]
pub struct Args {
    /// The scenario file (TOML); optional with --terraform-plan, which gives the customers.
    #[arg(required_unless_present = "terraform_plan")]
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub terraform_plan: super::shared::TerraformPlanArg,
    /// Customer counts: A..=B (or a single count). With --terraform-plan: the plan's count
    /// (the plan is applied as it is).
    #[arg(long, value_name = "A..=B", required_unless_present = "terraform_plan")]
    pub customers: Option<String>,
    /// Step between customer counts (B is always included).
    #[arg(long, default_value_t = 1)]
    pub step: usize,
    /// Replications per customer count.
    #[arg(long, default_value_t = 100)]
    pub replications: u32,
    #[command(flatten)]
    pub seed: super::shared::SeedArg,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub deployer: super::shared::DeployerArg,
    #[command(flatten)]
    pub output: OutputOpts,
    #[command(flatten)]
    pub png: super::shared::PngArg,
    /// Also record each count's makespans, sorted, in the JSON (`makespan_ms_sample`, 8 bytes
    /// a replication in memory): what `orgsim check` needs of a result and of a baseline.
    #[arg(long)]
    pub samples: bool,
    /// Print one CSV row per replication instead of the table.
    #[arg(long, conflicts_with_all = ["json", "markdown"])]
    pub csv: bool,
    #[command(flatten)]
    pub latency_profile: super::shared::LatencyProfileArg,
    /// Run shard K of N (1 <= K <= N) and write a shard file instead of the report: to stdout,
    /// or with --out DIR as DIR/shard-K-of-N.json. Shard K runs the jobs j with
    /// j mod N = K-1, job j = count index × replications + replication (count by count), so
    /// the split depends on nothing but N. `orgsim merge` combines shards 1..=N into the
    /// report (and --out files) the unsharded sweep writes, byte for byte.
    #[arg(long, value_name = "K/N", value_parser = parse_shard,
          conflicts_with_all = ["csv", "json", "markdown", "samples", "png", "existing"])]
    pub shard: Option<sweep::Shard>,
    /// Sweep the size of the organization that exists instead of the customer count: A..=B
    /// existing customers (every --step), onboarding --customers N new ones (one count), under
    /// each deployer profile (or --deployer's alone): refresh time, throttled reads,
    /// P(planning failed), P(the apply fails), minutes per new customer. With --out DIR it
    /// writes growth.json and growth.svg (and, with --png, growth.png).
    #[arg(long, value_name = "A..=B")]
    pub existing: Option<String>,
    /// With --existing: the minutes per new customer whose first crossing is reported.
    #[arg(long, value_name = "N", default_value_t = 5.0, requires = "existing")]
    pub minutes: f64,
    /// Onboard --customers N (one count) in W applies one after another, for each W in A..=B
    /// (or one W): total time, P(any failure), calls, applies and orphans per W, and the W
    /// that minimises the mean total time with P(any failure) at most --failure-target,
    /// marked (`waves::search`; with --out DIR, DIR/waves.json).
    #[arg(long, value_name = "A..=B", conflicts_with_all = ["existing", "shard", "csv"])]
    pub waves: Option<String>,
    /// Applies allowed a wave: after a failed apply, apply again up to K applies, as an
    /// operator would (with --waves, or alone for one wave).
    #[arg(long, value_name = "K", conflicts_with_all = ["existing", "shard", "csv"])]
    pub applies: Option<u32>,
    /// With --waves: the largest P(any failure) the search accepts (with --applies K > 1,
    /// the largest P(something left after the re-applies)).
    #[arg(long, value_name = "P", default_value_t = 0.05)]
    pub failure_target: f64,
}

fn parse_shard(s: &str) -> std::result::Result<sweep::Shard, crate::config::Invalid> {
    sweep::Shard::parse(s)
}

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let (mut sc, imported) = super::common::read_scenario_or_plan(
        a.scenario.as_deref(),
        a.terraform_plan.parts(),
        a.deployer.deployer,
    )?;
    if let Some(s) = a.seed.seed {
        sc.seed = s;
    }
    super::common::use_latency_profile(&mut sc, a.latency_profile.latency_profile.as_ref())?;
    let plan_count = sc.customers.len().to_string();
    let fixed = match imported {
        Some(imp) => {
            if a.existing.is_some() || a.shard.is_some() {
                return Err(Error::flag(
                    "--existing and --shard sweep a scenario's organization; a Terraform plan \
                     (--terraform-plan) is applied as it is",
                ));
            }
            if a.waves.is_some() || a.applies.is_some() {
                return Err(Error::flag(
                    "--waves and --applies split a scenario's customers into applies; a \
                     Terraform plan (--terraform-plan) is applied as it is",
                ));
            }
            if let Some(c) = &a.customers {
                if *c != plan_count {
                    return Err(Error::flag(format!(
                        "--customers {c}: the Terraform plan has {plan_count} customer(s), \
                         applied as they are (leave --customers out)"
                    )));
                }
            }
            Some(std::sync::Arc::new(imp.plan))
        }
        None => None,
    };
    if let Some(range) = &a.existing {
        return run_growth(&a, &sc, range);
    }
    if a.waves.is_some() || a.applies.is_some() {
        return run_waves(&a, &sc);
    }
    let customers = a.customers.as_deref().unwrap_or(&plan_count);
    let (lo, hi) =
        sweep::parse_range(customers).map_err(|e| Error::flag_value("--customers", e))?;
    if a.step == 0 {
        return Err(Error::flag("--step must be at least 1"));
    }
    if a.replications == 0 {
        return Err(Error::flag("--replications must be at least 1"));
    }
    let counts = sweep::counts(lo, hi, a.step);
    let total = counts.len() as u64 * a.replications as u64;
    super::common::check_replications(total, "--customers × --replications")?;
    super::common::check_customers(&sc, hi, "--customers")?;
    let threads = super::common::threads(a.threads)?;
    super::common::check_outputs(a.output.out.as_deref().map(|d| (d, &[][..])), &[])?;
    super::common::install_ctrl_c();
    if let Some(shard) = a.shard {
        return run_shard(&a, &sc, &counts, shard, threads);
    }
    let bar = (total >= 200)
        .then(|| {
            super::common::progress_bar(
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
    // Rows stream out as they finish, in job order: to stdout with --csv, and into a temporary
    // sweep.csv in --out (renamed into place with the other files at the end).
    let mut csv_file = match &a.output.out {
        Some(dir) => Some(StagedFile::create(dir, "sweep.csv")?),
        None => None,
    };
    let stdout_csv = a.csv;
    let mut samples = a.samples.then(sweep::Samples::default);
    let mut write_error: Option<Error> = None;
    let mut on_row = |row: &sweep::RepRow| {
        if let Some(s) = samples.as_mut() {
            s.push(row);
        }
        if write_error.is_some() {
            return;
        }
        let line = sweep::csv_row(row);
        let written = csv_file
            .as_mut()
            .map_or(Ok(()), |f| f.write(&line))
            .and_then(|()| {
                if stdout_csv {
                    super::output::write_stdout(&line)
                } else {
                    Ok(())
                }
            });
        // A row that cannot be written, or a reader of --csv that went away, stops the sweep.
        write_error = written.err();
        if write_error.is_some() || (stdout_csv && super::output::stdout_closed()) {
            super::common::INTERRUPTED.store(true, Ordering::SeqCst);
        }
    };
    if stdout_csv {
        super::output::write_stdout(sweep::CSV_HEADER)?;
        if super::output::stdout_closed() {
            return Ok(Verdict::Pass); // the reader is gone: a quiet exit
        }
    }
    let run = match fixed {
        Some(plan) => sweep::run_sweep_over(
            &sc,
            &[sc.customers.len()],
            Some(plan),
            a.replications,
            sweep::Shard::WHOLE,
            threads,
            &progress,
            &super::common::INTERRUPTED,
            &mut on_row,
        ),
        None => sweep::run_sweep(
            &sc,
            &counts,
            a.replications,
            threads,
            &progress,
            &super::common::INTERRUPTED,
            &mut on_row,
        ),
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(e) = write_error {
        return Err(e);
    }
    if stdout_csv && super::output::stdout_closed() {
        return Ok(Verdict::Pass); // the reader of --csv is gone: a quiet exit
    }
    let complete = run.complete;
    let done = run.done;
    let mut run = run;
    if let Some(samples) = samples {
        samples.attach(&mut run.counts);
    }
    let rep = SweepReport::new(&sc, a.replications, run);
    let json = report::report_json(&rep);
    if let (Some(dir), Some(csv)) = (&a.output.out, csv_file) {
        let files = out_files(&rep, &json, a.png.png)?;
        let tmp = csv.close()?;
        super::common::write_out_with(dir, &files, &[("sweep.csv", &tmp)])?;
    }
    if !a.csv {
        a.output.print(
            &json,
            || report::sweep::markdown(&rep),
            || report::sweep::text(&rep),
        )?;
    }
    if !complete {
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

/// The files `--out` holds besides sweep.csv: sweep.json (`json`), sweep.md, the charts (and
/// with `png` their PNGs). `orgsim merge --out` writes the same.
pub(super) fn out_files(
    rep: &SweepReport,
    json: &str,
    png: bool,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let mut files = vec![
        ("sweep.json", json.as_bytes().to_vec()),
        ("sweep.md", report::sweep::markdown(rep).into_bytes()),
        (
            "makespan.svg",
            report::charts::makespan_svg(rep).into_bytes(),
        ),
        (
            "conflicts.svg",
            report::charts::conflicts_svg(rep).into_bytes(),
        ),
    ];
    if png {
        use report::charts::{ConflictsChart, MakespanChart};
        files.push((
            "makespan.png",
            super::common::png_of("makespan.png", &MakespanChart(rep))?,
        ));
        files.push((
            "conflicts.png",
            super::common::png_of("conflicts.png", &ConflictsChart(rep))?,
        ));
    }
    Ok(files)
}

/// `sweep --shard K/N`: runs the shard's jobs and writes its shard file (stdout, or
/// DIR/shard-K-of-N.json with --out DIR). An interrupted shard writes nothing: it could not
/// be merged.
fn run_shard(
    a: &Args,
    sc: &crate::scenario::Scenario,
    counts: &[usize],
    shard: sweep::Shard,
    threads: usize,
) -> Result<Verdict> {
    let all = counts.len() as u64 * u64::from(a.replications);
    let total = shard.jobs(all);
    let bar = (total >= 200)
        .then(|| {
            super::common::progress_bar(
                total,
                "{spinner} {bar:40} {pos}/{len} replications of the shard · {elapsed} elapsed · ETA {eta}",
            )
        })
        .flatten();
    let progress = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let mut rows = Vec::with_capacity(total as usize);
    let run = sweep::run_sweep_shard(
        sc,
        counts,
        a.replications,
        shard,
        threads,
        &progress,
        &super::common::INTERRUPTED,
        &mut |r| rows.push(r.clone()),
    );
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if !run.complete {
        return Err(Error::Interrupted(format!(
            "{} of the shard's {total} replications done; no shard file written (a partial \
             shard cannot be merged)",
            run.done
        )));
    }
    let id = crate::shard::RunId::of(sc, counts, a.replications);
    let file = crate::shard::ShardFile::new(id, shard, &rows);
    let json = report::report_json(&file);
    match &a.output.out {
        Some(dir) => {
            let name = shard_file_name(shard);
            super::common::write_out(dir, &[(name.as_str(), json.as_bytes())])?;
        }
        None => super::output::write_stdout(&json)?,
    }
    Ok(Verdict::Pass)
}

/// The name `sweep --shard K/N --out DIR` gives its file.
pub(crate) fn shard_file_name(shard: sweep::Shard) -> String {
    format!("shard-{}-of-{}.json", shard.index, shard.of)
}

/// A file written a piece at a time under a temporary name in its directory
/// ([`report::temporary_name`]), handed to [`report::write_files_with`] by [`StagedFile::close`]
/// to be renamed into place with the other files, and removed if dropped before: never
/// half-written.
struct StagedFile {
    tmp: PathBuf,
    path: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl StagedFile {
    fn create(dir: &Path, name: &str) -> Result<StagedFile> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(dir, format!("cannot create the directory: {e}")))?;
        // What an earlier sweep killed here left (`kill -9`), before this one adds its own.
        report::remove_leftovers(dir);
        let tmp = report::temporary_name(dir, name, "tmp");
        let file = std::fs::File::create(&tmp)
            .map_err(|e| Error::io(&tmp, format!("cannot write: {e}")))?;
        let mut staged = StagedFile {
            tmp,
            path: dir.join(name),
            file: Some(std::io::BufWriter::new(file)),
        };
        staged.write(sweep::CSV_HEADER)?;
        Ok(staged)
    }

    fn write(&mut self, s: &str) -> Result<()> {
        let f = self.file.as_mut().expect("open until closed");
        f.write_all(s.as_bytes())
            .map_err(|e| Error::io(&self.path, format!("cannot write: {e}")))
    }

    /// Flushes and closes the file; its temporary is then the caller's to rename or remove.
    fn close(mut self) -> Result<PathBuf> {
        let f = self.file.take().expect("open until closed");
        let tmp = std::mem::take(&mut self.tmp);
        f.into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                Error::io(&self.path, format!("cannot write: {e}"))
            })?;
        Ok(tmp)
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// `sweep --existing A..=B`: the growth sweep (`sweep::run_growth`).
fn run_growth(a: &Args, sc: &crate::scenario::Scenario, range: &str) -> Result<Verdict> {
    let (lo, hi) =
        sweep::parse_existing_range(range).map_err(|e| Error::flag_value("--existing", e))?;
    let limit = crate::config::limits::MAX_EXISTING_ACCOUNTS as usize;
    if hi > limit {
        return Err(Error::flag(format!(
            "--existing is at most {limit} (orgsim's limit: the model holds each one), not {hi}"
        )));
    }
    let (n, m) = sweep::parse_range(a.customers.as_deref().unwrap_or_default())
        .map_err(|e| Error::flag_value("--customers", e))?;
    if n != m || n == 0 {
        return Err(Error::flag(
            "with --existing, --customers is one count of new customers (at least 1), not a range",
        ));
    }
    if a.step == 0 {
        return Err(Error::flag("--step must be at least 1"));
    }
    if a.replications == 0 {
        return Err(Error::flag("--replications must be at least 1"));
    }
    if !(a.minutes.is_finite() && a.minutes > 0.0) {
        return Err(Error::flag("--minutes must be a number greater than 0"));
    }
    super::common::check_customers(sc, n, "--customers")?;
    let sizes = sweep::counts(lo, hi, a.step);
    let deployers: Vec<crate::config::Deployer> = match a.deployer.deployer {
        Some(d) => vec![d],
        None => crate::config::Deployer::ALL.to_vec(),
    };
    let total = (sizes.len() * deployers.len()) as u64 * u64::from(a.replications);
    super::common::check_replications(total, "--existing × profiles × --replications")?;
    super::common::check_outputs(
        a.output.out.as_deref().map(|d| {
            if a.png.png {
                (d, &["growth.json", "growth.svg", "growth.png"][..])
            } else {
                (d, &["growth.json", "growth.svg"][..])
            }
        }),
        &[],
    )?;
    let threads = super::common::threads(a.threads)?;
    super::common::install_ctrl_c();
    let points = sweep::run_growth(
        sc,
        &deployers,
        &sizes,
        n,
        a.replications,
        threads,
        &super::common::INTERRUPTED,
    )
    .map_err(Error::Flag)?;
    if super::common::INTERRUPTED.load(Ordering::SeqCst) {
        return Err(Error::Interrupted("the growth sweep was stopped".into()));
    }
    let json = crate::json::pretty_json(&serde_json::json!({
        "scenario": sc.name,
        "customers": n,
        "replications": a.replications,
        "minutes": a.minutes,
        "points": points,
    }));
    if let Some(dir) = &a.output.out {
        let svg = report::charts::growth_svg(&sc.name, &points);
        let mut files = vec![
            ("growth.json", json.clone().into_bytes()),
            ("growth.svg", svg.into_bytes()),
        ];
        if a.png.png {
            let chart = report::charts::GrowthChart {
                scenario: &sc.name,
                points: &points,
            };
            files.push(("growth.png", super::common::png_of("growth.png", &chart)?));
        }
        super::common::write_out_with(dir, &files, &[])?;
    }
    let text = sweep::growth_text(&points, a.minutes);
    a.output.print(&json, || text.clone(), || text.clone())?;
    Ok(Verdict::Pass)
}

/// `sweep --waves A..=B` / `--applies K`: the wave sweep and its search
/// (`waves::search::run_waves`).
fn run_waves(a: &Args, sc: &crate::scenario::Scenario) -> Result<Verdict> {
    let (n, m) = sweep::parse_range(a.customers.as_deref().unwrap_or_default())
        .map_err(|e| Error::flag_value("--customers", e))?;
    if n != m || n == 0 {
        return Err(Error::flag(
            "with --waves or --applies, --customers is one count (at least 1), not a range",
        ));
    }
    super::common::check_customers(sc, n, "--customers")?;
    let (lo, hi) = match &a.waves {
        Some(w) => sweep::parse_range(w).map_err(|_| {
            Error::flag_value(
                "--waves",
                crate::config::Invalid::new(format!(
                    "`{w}` is not a range of wave counts: write A..=B (e.g. 1..=10) or one count"
                )),
            )
        })?,
        None => (1, 1),
    };
    if lo == 0 || hi > n {
        return Err(Error::flag(format!(
            "--waves is from 1 to the number of customers ({n}), not {lo}..={hi}"
        )));
    }
    let applies = a.applies.unwrap_or(1);
    if applies == 0 || applies > super::run::MAX_APPLIES {
        return Err(Error::flag(format!(
            "--applies is from 1 to {}, not {applies}",
            super::run::MAX_APPLIES
        )));
    }
    if !(a.failure_target.is_finite() && (0.0..=1.0).contains(&a.failure_target)) {
        return Err(Error::flag(
            "--failure-target is a probability, from 0 to 1",
        ));
    }
    if a.replications == 0 {
        return Err(Error::flag("--replications must be at least 1"));
    }
    let waves = sweep::counts(lo, hi, a.step.max(1));
    let total = waves.len() as u64 * u64::from(a.replications);
    super::common::check_replications(total, "--waves × --replications")?;
    super::common::check_outputs(
        a.output.out.as_deref().map(|d| (d, &["waves.json"][..])),
        &[],
    )?;
    let threads = super::common::threads(a.threads)?;
    super::common::install_ctrl_c();
    let sized = sc.with_customers(n);
    let Some(rep) = crate::waves::search::run_waves(
        &sized,
        &waves,
        applies,
        a.replications,
        threads,
        a.failure_target,
        &super::common::INTERRUPTED,
    ) else {
        return Err(Error::Interrupted("the wave sweep was stopped".into()));
    };
    let json = crate::json::report_json(&rep);
    if let Some(dir) = &a.output.out {
        super::common::write_out(dir, &[("waves.json", json.as_bytes())])?;
    }
    let text = crate::waves::search::text(&rep);
    a.output.print(&json, || text.clone(), || text.clone())?;
    Ok(Verdict::Pass)
}
