//! `orgsim sensitivity`: which assumption moves the answer, one key at a time.

use std::path::PathBuf;

use super::output::OutputOpts;
use crate::engine::Deployer;
use crate::error::{Error, Result, Verdict};
use crate::report;
use crate::sensitivity::{self, SensitivityReport, SensitivityShard};
use crate::sweep;

/// Vary each assumption ([X] in docs/model.md) over its range, one at a time, and rank them by
/// how much they move the p95 makespan and P(any failure); say whether each `[expect]` claim
/// holds across the whole range or which key breaks it at what value.
///
/// The keys: every `[service]` and `[deploy]` key docs/model.md marks [X] under the scenario's
/// deployer, with its default range and reason (docs/sensitivity.md), plus any named with
/// --key. Every point runs the same customer counts, replications and replication seeds. With
/// --out DIR it also writes sensitivity.json, sensitivity.md and tornado.svg (and with --png
/// tornado.png). With --shard K/N it runs one shard of the design's jobs (job j = (point ×
/// counts + count index) × replications + replication, shard (j mod N) + 1) and writes a
/// shard file for `orgsim merge`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim sensitivity scenarios/hundred-customers.toml --customers 10,50,100 --replications 200 --out sens/\n  orgsim sensitivity scenarios/two-customers.toml --customers 2 --replications 20 --key deploy.parallelism=5..20\n  orgsim sensitivity scenarios/hundred-customers.toml --shard 1/4 --out shards/"
)]
pub struct Args {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Customer counts, comma-separated.
    #[arg(long, value_name = "N,N,...", default_value = "10,50,100")]
    pub customers: String,
    /// Replications per point and count.
    #[arg(long, default_value_t = 200)]
    pub replications: u32,
    /// Also vary this key (a [service] or [deploy] key, e.g. deploy.parallelism), over its
    /// default range or LO..HI; repeatable. A key varied by default takes the range given.
    #[arg(long = "key", value_name = "KEY[=LO..HI]", value_parser = parse_key)]
    pub keys: Vec<(String, Option<(f64, f64)>)>,
    /// Base seed (default: the scenario's `seed`).
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Deployer profile: terraform-aws (default), aws-sdk-standard or control-tower
    /// (instead of the scenario's `[deploy] deployer`; its `[deploy]` keys still apply). The
    /// keys varied by default are those [X] under it.
    #[arg(long, value_name = "NAME", value_parser = super::common::parse_deployer)]
    pub deployer: Option<Deployer>,
    /// Use a measured latency profile (from `--write-latency-profile`) at every point.
    #[arg(long, value_name = "FILE")]
    pub latency_profile: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputOpts,
    /// With --out: also write the tornado chart as a PNG.
    #[arg(long, requires = "out")]
    pub png: bool,
    /// Run shard K of N and write a shard file (stdout, or DIR/sensitivity-shard-K-of-N.json
    /// with --out DIR); `orgsim merge` combines shards 1..=N into the report.
    #[arg(long, value_name = "K/N", value_parser = parse_shard,
          conflicts_with_all = ["json", "markdown", "png"])]
    pub shard: Option<sweep::Shard>,
}

fn parse_key(s: &str) -> std::result::Result<(String, Option<(f64, f64)>), crate::config::Invalid> {
    sensitivity::parse_key_arg(s)
}

fn parse_shard(s: &str) -> std::result::Result<sweep::Shard, crate::config::Invalid> {
    sweep::Shard::parse(s)
}

/// `--customers 10,50,100`: counts, sorted, each once.
fn parse_counts(s: &str) -> Result<Vec<usize>> {
    let mut v = Vec::new();
    for part in s.split(',') {
        let n: usize = part.trim().parse().map_err(|_| {
            Error::flag(format!(
                "--customers: `{s}` is not a list of counts: write N,N,... (e.g. 10,50,100)"
            ))
        })?;
        if n == 0 {
            return Err(Error::flag("--customers: a count is at least 1"));
        }
        v.push(n);
    }
    v.sort_unstable();
    v.dedup();
    Ok(v)
}

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let mut sc = super::common::read_scenario(&a.scenario, a.deployer)?;
    if let Some(s) = a.seed {
        sc.seed = s;
    }
    super::common::use_latency_profile(&mut sc, a.latency_profile.as_ref())?;
    let counts = parse_counts(&a.customers)?;
    if a.replications == 0 {
        return Err(Error::flag("--replications must be at least 1"));
    }
    super::common::check_customers(&sc, *counts.last().expect("one count"), "--customers")?;
    let keys = sensitivity::design(&sc, &a.keys)
        .map_err(|e| Error::flag(format!("--key: {}", e.message)))?;
    let points = sensitivity::points(&keys).len() as u64;
    let all = points * counts.len() as u64 * u64::from(a.replications);
    super::common::check_replications(all, "the design's points × --customers × --replications")?;
    let threads = super::common::threads(a.threads)?;
    super::common::check_outputs(a.output.out.as_deref().map(|d| (d, &[][..])), &[])?;
    super::common::install_ctrl_c();
    let shard = a.shard.unwrap_or(sweep::Shard::WHOLE);
    let total = shard.jobs(all);
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
    let rows = sensitivity::run(
        &sc,
        &keys,
        &counts,
        a.replications,
        shard,
        threads,
        &progress,
        &super::common::INTERRUPTED,
    );
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let Some(rows) = rows else {
        return Err(Error::Interrupted(
            "no report written: a sensitivity ranks only whole designs".into(),
        ));
    };
    if let Some(s) = a.shard {
        let file = SensitivityShard::new(&sc, &keys, &counts, a.replications, s, &rows);
        let json = report::report_json(&file);
        return match &a.output.out {
            Some(dir) => {
                let name = format!("sensitivity-shard-{}-of-{}.json", s.index, s.of);
                super::common::write_out(dir, &[(name.as_str(), json.as_bytes())])
                    .map(|()| Verdict::Pass)
            }
            None => super::output::write_stdout(&json).map(|()| Verdict::Pass),
        };
    }
    let rep = sensitivity::report(
        &sensitivity::Meta::of(&sc),
        &keys,
        &counts,
        a.replications,
        &rows,
    );
    emit(&rep, &a.output, a.png)?;
    // A sensitivity measures; it judges nothing.
    Ok(Verdict::Pass)
}

/// Prints the report and writes --out's files (as `merge` does for sensitivity shards).
pub(super) fn emit(rep: &SensitivityReport, output: &OutputOpts, png: bool) -> Result<()> {
    let json = report::report_json(rep);
    if let Some(dir) = &output.out {
        let mut files = vec![
            ("sensitivity.json", json.clone().into_bytes()),
            ("sensitivity.md", sensitivity::markdown(rep).into_bytes()),
            ("tornado.svg", report::charts::tornado_svg(rep).into_bytes()),
        ];
        if png {
            files.push((
                "tornado.png",
                super::common::png_of("tornado.png", &report::charts::TornadoChart(rep))?,
            ));
        }
        super::common::write_out(dir, &files)?;
    }
    output.print(
        &json,
        || sensitivity::markdown(rep),
        || sensitivity::text(rep),
    )
}
