//! `orgsim merge`: shards of a sweep (`sweep --shard K/N`) into the sweep's report.

use std::path::{Path, PathBuf};

use super::output::OutputOpts;
use crate::error::{Error, Result, Verdict};
use crate::report;
use crate::shard::{self, ShardFile};
use crate::sweep;

/// Combine the shard files of one sweep (`orgsim sweep --shard K/N`, K = 1..=N) into its report
/// (or those of one `orgsim sensitivity --shard K/N` into its report and --out files).
///
/// The report, and with --out DIR sweep.json, sweep.csv, sweep.md, makespan.svg and
/// conflicts.svg (and with --png their PNGs), are those the unsharded sweep writes, byte for
/// byte. Shards of another run (scenario, seed, deployer, replications, counts, orgsim
/// version), a missing shard or one given twice are refused (exit 2, naming the field).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim merge shards/shard-*-of-4.json --out sweep/\n  orgsim merge a.json b.json --json > sweep.json\n  orgsim merge shards/sensitivity-shard-*-of-4.json --out sens/"
)]
pub struct Args {
    /// The shard files, in any order: every shard 1..=N of one sweep.
    #[arg(required = true, value_name = "SHARD")]
    pub shards: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputOpts,
    /// With --out: also write each chart as a PNG (drawn with an embedded font).
    #[arg(long, requires = "out")]
    pub png: bool,
    /// Also record each count's makespans, sorted, in the JSON (as `sweep --samples` does).
    #[arg(long)]
    pub samples: bool,
}

/// The largest shard file merge reads.
const MAX_SHARD_BYTES: u64 = crate::config::limits::MAX_SWEEP_JSON_BYTES;

/// Reads one file of the shard type `T` (its text read already).
fn parse<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        message: format!(
            "{}:{}: not an `orgsim sweep --shard` or `sensitivity --shard` file: {e}",
            e.line(),
            e.column()
        ),
    })
}

/// The `kind` of a shard file (`sweep-shard` when it has none to read).
fn kind_of(text: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Kind {
        kind: Option<String>,
    }
    serde_json::from_str::<Kind>(text)
        .ok()
        .and_then(|k| k.kind)
        .unwrap_or_else(|| "sweep-shard".into())
}

pub(crate) fn run(a: Args) -> Result<Verdict> {
    super::common::check_outputs(a.output.out.as_deref().map(|d| (d, &[][..])), &[])?;
    let texts = a
        .shards
        .iter()
        .map(|p| {
            crate::config::files::read_regular_text(p, MAX_SHARD_BYTES, "the shard size limit")
                .map_err(|e| Error::io(p, e))
        })
        .collect::<Result<Vec<_>>>()?;
    let refused = |e: shard::MergeError| match e.shard {
        Some(i) => Error::Input {
            path: a.shards[i].clone(),
            message: e.message,
        },
        None => Error::refused(e.message),
    };
    let first = kind_of(&texts[0]);
    for (p, t) in a.shards.iter().zip(&texts).skip(1) {
        let k = kind_of(t);
        if k != first {
            return Err(Error::Input {
                path: p.clone(),
                message: format!("kind: `{k}`, but the first shard is a `{first}`"),
            });
        }
    }
    if first == "sensitivity-shard" {
        if a.samples {
            return Err(Error::flag(
                "--samples: sensitivity shards have no sweep to sample",
            ));
        }
        let files = a
            .shards
            .iter()
            .zip(&texts)
            .map(|(p, t)| parse::<crate::sensitivity::SensitivityShard>(p, t))
            .collect::<Result<Vec<_>>>()?;
        let rep = crate::sensitivity::merge(&files).map_err(refused)?;
        super::sensitivity::emit(&rep, &a.output, a.png)?;
        return Ok(Verdict::Pass);
    }
    let files = a
        .shards
        .iter()
        .zip(&texts)
        .map(|(p, t)| parse::<ShardFile>(p, t))
        .collect::<Result<Vec<_>>>()?;
    let merged = shard::merge(&files).map_err(refused)?;
    let mut rep = merged.report();
    if a.samples {
        let mut samples = sweep::Samples::default();
        for r in &merged.rows {
            samples.push(r);
        }
        samples.attach(&mut rep.counts);
    }
    let json = report::report_json(&rep);
    if let Some(dir) = &a.output.out {
        let mut files = super::sweep::out_files(&rep, &json, a.png)?;
        let mut csv = String::from(sweep::CSV_HEADER);
        for r in &merged.rows {
            csv.push_str(&sweep::csv_row(r));
        }
        files.insert(1, ("sweep.csv", csv.into_bytes()));
        super::common::write_out(dir, &files)?;
    }
    a.output.print(
        &json,
        || report::sweep::markdown(&rep),
        || report::sweep::text(&rep),
    )?;
    Ok(Verdict::Pass)
}
