//! Shards of a sweep and their exact merge (`sweep --shard K/N`, `orgsim merge`).
//!
//! A shard runs the jobs [`Shard::runs`] gives it (job `j mod N == K-1`, whatever the machine's
//! speed) and writes a [`ShardFile`]: what identifies the run (scenario digest, seed, deployer,
//! replications, counts, orgsim version, K/N), and for each customer count its makespan
//! distribution as an HdrHistogram (V2 serialization, base64: any HdrHistogram library reads it)
//! and its rows' exact figures. `merge` puts the rows of shards 1..=N back in job order and
//! summarizes them as an unsharded sweep does, so its `sweep.json` (and the rest of `--out`) is
//! the unsharded run's byte for byte: the per-count means are sums of floats in job order and
//! the CSV has every replication, which no histogram can give back, hence the rows.
//!
//! The rows of a count are packed in columns (makespan, apply time, calls, ..., revenue, costs,
//! margin), each value an LEB128 varint (signed ones zigzagged, the margin its f64 bits), then
//! deflated and base64-encoded: about 12 bytes a replication for the brief's scenarios.
//!
//! Architecture invariant: pure; the commands read and write the files.

use std::io::{Read, Write};

use data_encoding::BASE64;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use serde::{Deserialize, Serialize};

use crate::engine::Deployer;
use crate::scenario::Scenario;
use crate::stats;
use crate::sweep::{self, RepRow, Shard, SweepReport, SweepRun};

/// The version of the shard file format.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// The orgsim that wrote a shard: its version and commit (`orgsim --version`). Shards of two
/// builds are not merged: the model may differ between them.
pub(crate) const ORGSIM_VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), " (", env!("ORGSIM_COMMIT"), ")");

/// The rule a shard's jobs follow, as the file records it.
pub(crate) const RULE: &str =
    "job j = count_index * replications + replication runs on shard (j mod N) + 1";

/// What identifies a sharded run: two shards merge only if all of it is equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub(crate) struct RunId {
    /// The orgsim that wrote the shard ([`ORGSIM_VERSION`]).
    pub orgsim_version: String,
    pub scenario: String,
    /// FNV-1a (64-bit, hex) of the scenario as loaded, with its flags applied (seed,
    /// deployer, latency profile) and without its file name: the same file anywhere gives
    /// the same digest.
    pub scenario_digest: String,
    pub seed: u64,
    pub deployer: Deployer,
    pub parallelism: u32,
    pub account_quota: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_profile: Option<String>,
    pub replications: u32,
    pub counts: Vec<usize>,
}

impl RunId {
    /// The identity of a sweep of `sc` at `counts` × `replications`.
    pub(crate) fn of(sc: &Scenario, counts: &[usize], replications: u32) -> RunId {
        RunId {
            orgsim_version: ORGSIM_VERSION.to_string(),
            scenario: sc.name.clone(),
            scenario_digest: scenario_digest(sc),
            seed: sc.seed,
            deployer: sc.deploy.deployer,
            parallelism: sc.deploy.parallelism,
            account_quota: sc.organization.account_quota,
            latency_profile: sc
                .service
                .latency_profile
                .as_ref()
                .map(|p| p.source.clone()),
            replications,
            counts: counts.to_vec(),
        }
    }

    /// The first field in which `other` differs, with both values.
    fn differs(&self, other: &RunId) -> Option<(&'static str, String, String)> {
        macro_rules! field {
            ($($f:ident),*) => {$(
                if self.$f != other.$f {
                    return Some((
                        stringify!($f),
                        format!("{:?}", self.$f),
                        format!("{:?}", other.$f),
                    ));
                }
            )*};
        }
        // The digest covers the seed, the deployer and the rest: the named fields first, so
        // the message says which.
        field!(
            orgsim_version,
            scenario,
            seed,
            deployer,
            replications,
            counts,
            parallelism,
            account_quota,
            latency_profile,
            scenario_digest
        );
        None
    }
}

/// FNV-1a, 64 bits, of the scenario's `Debug` form with its file name cleared (every map in it
/// is ordered, so the form is deterministic).
pub(crate) fn scenario_digest(sc: &Scenario) -> String {
    let mut sc = sc.clone();
    sc.source = std::path::PathBuf::new();
    format!("{:016x}", fnv1a(format!("{sc:?}").as_bytes()))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// One shard of a sweep, as `sweep --shard K/N` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub(crate) struct ShardFile {
    pub schema_version: u32,
    /// Always `sweep-shard`.
    pub kind: String,
    #[serde(flatten)]
    pub id: RunId,
    pub shard: Shard,
    /// The rule that chose this shard's jobs ([`RULE`]).
    pub rule: String,
    /// Every count of the sweep, in order (a count with no job here has `jobs: 0`).
    pub per_count: Vec<ShardCount>,
}

/// One customer count's jobs in a shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub(crate) struct ShardCount {
    pub customers: usize,
    /// Replications of this count in the shard.
    pub jobs: u64,
    /// The makespans (ms) as an HdrHistogram (1 ms .. 30 days, 3 significant digits), V2
    /// serialization, base64.
    pub makespan_ms_hdr: String,
    /// The rows' figures: columns of LEB128 varints, deflated, base64 (see the module doc).
    pub rows: String,
}

impl crate::json::JsonReport for ShardFile {
    const KIND: &'static str = "sweep-shard";
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    const CARRIES_VERSION: bool = true;
}

impl ShardFile {
    /// The shard file of `rows` (this shard's rows, in job order, all of them).
    pub(crate) fn new(id: RunId, shard: Shard, rows: &[RepRow]) -> ShardFile {
        let per_count = encode_counts(&id.counts, rows);
        ShardFile {
            schema_version: SCHEMA_VERSION,
            kind: "sweep-shard".into(),
            id,
            shard,
            rule: RULE.into(),
            per_count,
        }
    }

    /// This shard's rows in job order, checked against its header and its histograms.
    fn rows(&self) -> Result<Vec<RepRow>, String> {
        decode_counts(&self.per_count, &self.id, self.shard, "per_count")
    }
}

/// Each count's [`ShardCount`] of `rows` (a shard's rows of one sweep, in job order).
pub(crate) fn encode_counts(counts: &[usize], rows: &[RepRow]) -> Vec<ShardCount> {
    counts
        .iter()
        .map(|&n| {
            let mine: Vec<&RepRow> = rows.iter().filter(|r| r.customers == n).collect();
            ShardCount {
                customers: n,
                jobs: mine.len() as u64,
                makespan_ms_hdr: BASE64.encode(&histogram_bytes(
                    &mine.iter().map(|r| r.makespan_ms).collect::<Vec<_>>(),
                )),
                rows: BASE64.encode(&pack(&mine)),
            }
        })
        .collect()
}

/// The rows of `per_count` (shard `shard` of a sweep of `id`), in job order, checked against
/// the header and the histograms; `field` names the list in messages.
pub(crate) fn decode_counts(
    per_count: &[ShardCount],
    id: &RunId,
    shard: Shard,
    field: &str,
) -> Result<Vec<RepRow>, String> {
    let reps = u64::from(id.replications);
    if per_count.len() != id.counts.len() {
        return Err(format!(
            "{field}: {} counts, but `counts` lists {}",
            per_count.len(),
            id.counts.len()
        ));
    }
    let mut out = Vec::new();
    for (ci, (c, &n)) in per_count.iter().zip(&id.counts).enumerate() {
        let at = format!("{field}[{ci}]");
        if c.customers != n {
            return Err(format!(
                "{at}.customers: {} where `counts` has {n}",
                c.customers
            ));
        }
        let lo = ci as u64 * reps;
        let jobs: Vec<u64> = (lo..lo + reps).filter(|&j| shard.runs(j)).collect();
        if c.jobs != jobs.len() as u64 {
            return Err(format!(
                "{at}.jobs: {} where the shard has {} of this count",
                c.jobs,
                jobs.len()
            ));
        }
        let bytes = BASE64
            .decode(c.rows.as_bytes())
            .map_err(|e| format!("{at}.rows: not base64 ({e})"))?;
        let ks: Vec<u32> = jobs.iter().map(|j| (j - lo) as u32).collect();
        let rows = unpack(&bytes, n, &ks, id.seed).map_err(|e| format!("{at}.rows: {e}"))?;
        let hdr = BASE64
            .decode(c.makespan_ms_hdr.as_bytes())
            .map_err(|e| format!("{at}.makespan_ms_hdr: not base64 ({e})"))?;
        let h: hdrhistogram::Histogram<u64> = Deserializer::new()
            .deserialize(&mut &hdr[..])
            .map_err(|e| format!("{at}.makespan_ms_hdr: not an HdrHistogram ({e:?})"))?;
        let mut from_rows = stats::ms_histogram();
        for r in &rows {
            from_rows.saturating_record(r.makespan_ms.max(1));
        }
        if h != from_rows {
            return Err(format!(
                "{at}.makespan_ms_hdr: the histogram disagrees with the rows"
            ));
        }
        out.extend(rows);
    }
    Ok(out)
}

/// What [`check_set`] compares of a shard.
pub(crate) struct Head<'a> {
    pub kind: &'a str,
    pub want_kind: &'a str,
    pub schema_version: u32,
    pub id: &'a RunId,
    pub shard: Shard,
    /// More that must be equal across the shards (a design), as (field, value).
    pub extra: Option<(&'static str, String)>,
}

/// Checks that `heads` are shards 1..=N of one run: gives, for each shard index 1..=N, the
/// place of its shard in `heads`.
pub(crate) fn check_set(heads: &[Head]) -> Result<Vec<usize>, MergeError> {
    let at = |i: usize, message: String| MergeError {
        shard: Some(i),
        message,
    };
    let first = heads.first().ok_or(MergeError {
        shard: None,
        message: "no shards to merge".into(),
    })?;
    for (i, s) in heads.iter().enumerate() {
        if s.kind != s.want_kind {
            return Err(at(
                i,
                format!(
                    "kind: `{}`, but the first shard is a `{}`",
                    s.kind, s.want_kind
                ),
            ));
        }
        if s.schema_version != SCHEMA_VERSION {
            return Err(at(
                i,
                format!(
                    "schema_version: {} (this orgsim reads {SCHEMA_VERSION})",
                    s.schema_version
                ),
            ));
        }
        if let Some((field, a, b)) = first.id.differs(s.id) {
            return Err(at(
                i,
                format!("{field}: {b}, but the first shard's is {a}: a shard of another run"),
            ));
        }
        if let (Some((field, a)), Some((_, b))) = (&first.extra, &s.extra) {
            if a != b {
                return Err(at(
                    i,
                    format!("{field}: differs from the first shard's: a shard of another run"),
                ));
            }
        }
        if s.shard.of != first.shard.of {
            return Err(at(
                i,
                format!(
                    "shard: {}/{}, but the first shard is one of {}",
                    s.shard.index, s.shard.of, first.shard.of
                ),
            ));
        }
        if s.shard.index == 0 || s.shard.index > s.shard.of {
            return Err(at(
                i,
                format!("shard: {}/{} is not a shard", s.shard.index, s.shard.of),
            ));
        }
    }
    let n = first.shard.of as usize;
    let mut by_index: Vec<Option<usize>> = vec![None; n];
    for (i, s) in heads.iter().enumerate() {
        let slot = &mut by_index[s.shard.index as usize - 1];
        if let Some(j) = *slot {
            return Err(at(
                i,
                format!(
                    "shard: {}/{} is given twice (argument {} too)",
                    s.shard.index,
                    n,
                    j + 1
                ),
            ));
        }
        *slot = Some(i);
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| by_index[k - 1].is_none())
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError {
            shard: None,
            message: format!(
                "shard: {} of {n} missing (every shard 1..={n} is needed)",
                missing.join(", ")
            ),
        });
    }
    Ok(by_index.into_iter().flatten().collect())
}

/// The rows of shards 1..=N (`per_shard[K-1]`: shard K's rows in its job order) interleaved
/// back into the sweep's job order: job j is shard (j mod N)+1's (j div N)-th.
pub(crate) fn interleave(per_shard: Vec<Vec<RepRow>>, total: u64) -> Vec<RepRow> {
    let n = per_shard.len() as u64;
    let mut its: Vec<_> = per_shard.into_iter().map(Vec::into_iter).collect();
    (0..total)
        .map(|j| {
            its[(j % n) as usize]
                .next()
                .expect("each shard holds its jobs (checked by decode_counts)")
        })
        .collect()
}

/// The serialized histogram of makespans `ms` ([`stats::ms_histogram`]).
fn histogram_bytes(ms: &[u64]) -> Vec<u8> {
    let mut h = stats::ms_histogram();
    for &m in ms {
        h.saturating_record(m.max(1));
    }
    let mut out = Vec::new();
    V2Serializer::new()
        .serialize(&h, &mut out)
        .expect("a histogram serializes into memory");
    out
}

/// The number of packed columns (see [`pack`]).
const COLUMNS: usize = 13;

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// The rows' figures, column by column, as varints, deflated.
fn pack(rows: &[&RepRow]) -> Vec<u8> {
    let cols: [fn(&RepRow) -> u64; COLUMNS] = [
        |r| r.makespan_ms,
        |r| r.apply_ms,
        |r| r.calls,
        |r| r.retries,
        |r| r.throttled,
        |r| r.conflicts,
        |r| r.unresolved_conflicts,
        |r| r.failed_resources,
        |r| r.accounts_created,
        |r| zigzag(r.revenue_cents),
        |r| zigzag(r.costs_cents),
        |r| r.margin.to_bits(),
        |r| r.orphaned_accounts,
    ];
    let mut raw = Vec::with_capacity(rows.len() * 24);
    for col in cols {
        for r in rows {
            let mut v = col(r);
            loop {
                let b = (v & 0x7f) as u8;
                v >>= 7;
                if v == 0 {
                    raw.push(b);
                    break;
                }
                raw.push(b | 0x80);
            }
        }
    }
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&raw).expect("deflate into memory");
    z.finish().expect("deflate into memory")
}

/// The rows of replications `ks` of count `n` from [`pack`]'s bytes.
fn unpack(bytes: &[u8], n: usize, ks: &[u32], seed: u64) -> Result<Vec<RepRow>, String> {
    let mut raw = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        // A column of varints is at most 10 bytes a value: more is not a shard's.
        .take((ks.len() * COLUMNS * 10 + 1) as u64)
        .read_to_end(&mut raw)
        .map_err(|e| format!("not deflate data ({e})"))?;
    let mut at = 0;
    let mut next = || -> Result<u64, String> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *raw.get(at).ok_or("fewer values than the jobs")?;
            at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a value longer than 64 bits".into())
    };
    let mut cols: Vec<Vec<u64>> = (0..COLUMNS).map(|_| Vec::with_capacity(ks.len())).collect();
    for col in &mut cols {
        for _ in ks {
            col.push(next()?);
        }
    }
    if at != raw.len() {
        return Err("more values than the jobs".into());
    }
    Ok(ks
        .iter()
        .enumerate()
        .map(|(i, &k)| RepRow {
            customers: n,
            replication: k,
            seed: sweep::replication_seed(seed, n, k),
            makespan_ms: cols[0][i],
            apply_ms: cols[1][i],
            calls: cols[2][i],
            retries: cols[3][i],
            throttled: cols[4][i],
            conflicts: cols[5][i],
            unresolved_conflicts: cols[6][i],
            failed_resources: cols[7][i],
            accounts_created: cols[8][i],
            revenue_cents: unzigzag(cols[9][i]),
            costs_cents: unzigzag(cols[10][i]),
            margin: f64::from_bits(cols[11][i]),
            orphaned_accounts: cols[12][i],
        })
        .collect())
}

/// Why shards cannot be merged: the shard at fault (its place in the arguments) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MergeError {
    /// The index of the shard at fault in the list given to [`merge`] (`None`: the set).
    pub shard: Option<usize>,
    pub message: String,
}

/// The shards of one run merged: the identity and every row, in job order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Merged {
    pub id: RunId,
    pub rows: Vec<RepRow>,
}

/// Merges shards 1..=N of one run (in any order): refused when one is of another run (the
/// field named), or a shard is missing or given twice.
pub(crate) fn merge(shards: &[ShardFile]) -> Result<Merged, MergeError> {
    let heads: Vec<Head> = shards
        .iter()
        .map(|s| Head {
            kind: &s.kind,
            want_kind: "sweep-shard",
            schema_version: s.schema_version,
            id: &s.id,
            shard: s.shard,
            extra: None,
        })
        .collect();
    let order = check_set(&heads)?;
    let mut per_shard = Vec::with_capacity(order.len());
    for &i in &order {
        per_shard.push(shards[i].rows().map_err(|e| MergeError {
            shard: Some(i),
            message: e,
        })?);
    }
    let first = &shards[order[0]];
    let total = first.id.counts.len() as u64 * u64::from(first.id.replications);
    Ok(Merged {
        id: first.id.clone(),
        rows: interleave(per_shard, total),
    })
}

impl Merged {
    /// The sweep report an unsharded run of the same sweep gives.
    pub(crate) fn report(&self) -> SweepReport {
        let counts = self
            .id
            .counts
            .iter()
            .map(|&n| {
                let rows: Vec<&RepRow> = self.rows.iter().filter(|r| r.customers == n).collect();
                sweep::summarize(n, &rows)
            })
            .collect();
        let run = SweepRun {
            counts,
            done: self.rows.len() as u64,
            complete: true,
        };
        SweepReport {
            kind: "sweep".into(),
            schema_version: sweep::SCHEMA_VERSION,
            scenario: self.id.scenario.clone(),
            seed: self.id.seed,
            replications: self.id.replications,
            complete: run.complete,
            deployer: Some(self.id.deployer),
            parallelism: self.id.parallelism,
            account_quota: self.id.account_quota,
            latency_profile: self.id.latency_profile.clone(),
            counts: run.counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::scenario;
    use std::sync::atomic::AtomicBool;

    fn shard_rows(sc: &Scenario, counts: &[usize], reps: u32, shard: Shard) -> Vec<RepRow> {
        let mut rows = Vec::new();
        sweep::run_sweep_shard(
            sc,
            counts,
            reps,
            shard,
            2,
            &|| {},
            &AtomicBool::new(false),
            &mut |r| rows.push(r.clone()),
        );
        rows
    }

    #[test]
    fn shard_rule_covers_every_job_once() {
        for total in [0u64, 1, 5, 12, 13] {
            for of in 1..=7u32 {
                let mut seen = vec![0; total as usize];
                for index in 1..=of {
                    let s = Shard { index, of };
                    let mine: Vec<u64> = (0..s.jobs(total)).map(|i| s.job(i)).collect();
                    assert!(mine.iter().all(|&j| s.runs(j) && j < total));
                    for j in mine {
                        seen[j as usize] += 1;
                    }
                }
                assert!(seen.iter().all(|&c| c == 1), "total {total}, of {of}");
            }
        }
        assert_eq!(Shard::parse("3/8"), Ok(Shard { index: 3, of: 8 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "1/100001"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_merge_into_the_unsharded_rows_and_summaries() {
        let sc = scenario(6);
        let counts = [2, 6];
        let whole = shard_rows(&sc, &counts, 5, Shard::WHOLE);
        let id = RunId::of(&sc, &counts, 5);
        for of in [1, 2, 3, 7, 11] {
            let files: Vec<ShardFile> = (1..=of)
                .rev()
                .map(|index| {
                    let s = Shard { index, of };
                    ShardFile::new(id.clone(), s, &shard_rows(&sc, &counts, 5, s))
                })
                .collect();
            let m = merge(&files).expect("merges");
            assert_eq!(m.rows, whole, "N = {of}");
            let rep = m.report();
            let run = sweep::run_sweep(
                &sc,
                &counts,
                5,
                1,
                &|| {},
                &AtomicBool::new(false),
                &mut |_| {},
            );
            assert_eq!(rep, SweepReport::new(&sc, 5, run));
        }
    }

    #[test]
    fn packing_round_trips_every_field() {
        let rows: Vec<RepRow> = (0..3)
            .map(|k| RepRow {
                customers: 4,
                replication: k,
                seed: sweep::replication_seed(9, 4, k),
                makespan_ms: u64::MAX - u64::from(k),
                apply_ms: 7,
                calls: 0,
                retries: 1 << 40,
                throttled: 3,
                conflicts: 2,
                unresolved_conflicts: 1,
                failed_resources: 0,
                accounts_created: 4,
                revenue_cents: -5 + i64::from(k),
                costs_cents: i64::MAX,
                margin: -0.0,
                orphaned_accounts: 5,
            })
            .collect();
        let refs: Vec<&RepRow> = rows.iter().collect();
        let back = unpack(&pack(&refs), 4, &[0, 1, 2], 9).unwrap();
        assert_eq!(back.len(), 3);
        for (a, b) in rows.iter().zip(&back) {
            assert_eq!(a.margin.to_bits(), b.margin.to_bits());
        }
        assert_eq!(back, rows);
        assert!(
            unpack(&pack(&refs), 4, &[0, 1], 9).is_err(),
            "too many values"
        );
        assert!(
            unpack(&pack(&refs), 4, &[0, 1, 2, 3], 9).is_err(),
            "too few"
        );
        assert!(unpack(b"not deflate", 4, &[0], 9).is_err());
    }

    #[test]
    fn shards_of_another_run_missing_or_twice_are_refused() {
        let sc = scenario(3);
        let counts = [3];
        let id = RunId::of(&sc, &counts, 4);
        let mk = |id: &RunId, index| {
            let s = Shard { index, of: 2 };
            ShardFile::new(id.clone(), s, &shard_rows(&sc, &counts, 4, s))
        };
        let (a, b) = (mk(&id, 1), mk(&id, 2));
        let err = merge(std::slice::from_ref(&a)).unwrap_err();
        assert!(err.message.contains("2 of 2 missing"), "{err:?}");
        let err = merge(&[a.clone(), a.clone()]).unwrap_err();
        assert!(err.message.contains("given twice"), "{err:?}");
        for (field, change) in [
            ("seed", (|i: &mut RunId| i.seed += 1) as fn(&mut RunId)),
            ("orgsim_version", |i| i.orgsim_version.push('x')),
            ("scenario_digest", |i| i.scenario_digest.push('0')),
            ("deployer", |i| i.deployer = Deployer::ControlTower),
            ("replications", |i| i.replications += 1),
        ] {
            let mut other = b.clone();
            change(&mut other.id);
            let err = merge(&[a.clone(), other]).unwrap_err();
            assert_eq!(err.shard, Some(1));
            assert!(err.message.starts_with(field), "{field}: {err:?}");
        }
        let mut bad = b.clone();
        bad.per_count[0].makespan_ms_hdr = a.per_count[0].makespan_ms_hdr.clone();
        let err = merge(&[a.clone(), bad]).unwrap_err();
        assert!(err.message.contains("disagrees"), "{err:?}");
        assert!(merge(&[b, a]).is_ok());
    }
}
