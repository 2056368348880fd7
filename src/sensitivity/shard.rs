//! A shard of a sensitivity design (`sensitivity --shard K/N`) and the merge of a set.

use super::keys::{points, DesignKey};
use super::study::{point_shard, report, Meta, SensitivityReport};

use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;
use crate::sweep::{RepRow, Shard};

/// One shard of a sensitivity design, as `sensitivity --shard K/N` writes it: the design's
/// job `j = (point × counts + count index) × replications + replication` is shard
/// `(j mod N) + 1`'s; each point's rows as a sweep shard holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub(crate) struct SensitivityShard {
    pub schema_version: u32,
    /// Always `sensitivity-shard`.
    pub kind: String,
    #[serde(flatten)]
    pub id: crate::shard::RunId,
    pub meta: Meta,
    pub design: Vec<DesignKey>,
    pub shard: Shard,
    pub rule: String,
    /// Per point of the design (the base first, then each key's values), its counts.
    pub points: Vec<Vec<crate::shard::ShardCount>>,
}

/// The rule a sensitivity shard's jobs follow, as the file records it.
pub(crate) const RULE: &str = "job j = (point * counts + count_index) * replications + replication runs on shard (j mod N) + 1";

impl crate::json::JsonReport for SensitivityShard {
    const KIND: &'static str = "sensitivity-shard";
    const SCHEMA_VERSION: u32 = crate::shard::SCHEMA_VERSION;
    const CARRIES_VERSION: bool = true;
}

impl SensitivityShard {
    /// The shard file of `rows` (per point, this shard's rows in job order).
    pub(crate) fn new(
        sc: &Scenario,
        keys: &[DesignKey],
        counts: &[usize],
        replications: u32,
        shard: Shard,
        rows: &[Vec<RepRow>],
    ) -> SensitivityShard {
        SensitivityShard {
            schema_version: crate::shard::SCHEMA_VERSION,
            kind: "sensitivity-shard".into(),
            id: crate::shard::RunId::of(sc, counts, replications),
            meta: Meta::of(sc),
            design: keys.to_vec(),
            shard,
            rule: RULE.into(),
            points: rows
                .iter()
                .map(|r| crate::shard::encode_counts(counts, r))
                .collect(),
        }
    }
}

/// Merges shards 1..=N of one design (in any order) into its report; refused as
/// [`crate::shard::merge`] refuses sweeps, and when the designs differ.
pub(crate) fn merge(
    shards: &[SensitivityShard],
) -> Result<SensitivityReport, crate::shard::MergeError> {
    use crate::shard::{check_set, decode_counts, interleave, Head, MergeError};
    let heads: Vec<Head> = shards
        .iter()
        .map(|s| Head {
            kind: &s.kind,
            want_kind: "sensitivity-shard",
            schema_version: s.schema_version,
            id: &s.id,
            shard: s.shard,
            extra: Some(("design", format!("{:?}{:?}", s.design, s.meta))),
        })
        .collect();
    let order = check_set(&heads)?;
    let first = &shards[order[0]];
    let n = first.shard.of;
    let pts = points(&first.design);
    let per_point = first.id.counts.len() as u64 * u64::from(first.id.replications);
    let mut rows = Vec::with_capacity(pts.len());
    for p in 0..pts.len() {
        // The point's sweep shard q holds the design shard K with point_shard(K, p) = q.
        let mut per_shard = vec![Vec::new(); n as usize];
        for &i in &order {
            let s = &shards[i];
            let fault = |message: String| MergeError {
                shard: Some(i),
                message,
            };
            let counts = s.points.get(p).ok_or_else(|| {
                fault(format!(
                    "points: {} points, the design has {}",
                    s.points.len(),
                    pts.len()
                ))
            })?;
            let q = point_shard(s.shard, p, per_point);
            per_shard[q.index as usize - 1] =
                decode_counts(counts, &s.id, q, &format!("points[{p}]")).map_err(fault)?;
        }
        rows.push(interleave(per_shard, per_point));
    }
    Ok(report(
        &first.meta,
        &first.design,
        &first.id.counts,
        first.id.replications,
        &rows,
    ))
}
