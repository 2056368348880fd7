//! Which jobs of a sweep one process runs.

use serde::{Deserialize, Serialize};

use crate::config::Invalid;

/// Which jobs of a sweep one process runs: shard `index` of `of` (1-based) runs the jobs `j`
/// with `j mod of == index - 1`, where job `j = count_index × replications + replication`
/// (count by count, replication by replication). The rule depends on nothing but the job's
/// place, so N processes on N machines of any speeds split a sweep the same way, and the
/// shards of 1..=N together hold every job exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Shard {
    /// This shard, 1..=`of`.
    pub index: u32,
    /// How many shards the sweep is split into.
    pub of: u32,
}

impl Shard {
    /// The whole sweep: one shard of one.
    pub(crate) const WHOLE: Shard = Shard { index: 1, of: 1 };

    /// The most shards a sweep may be split into.
    pub(crate) const MAX: u32 = 100_000;

    /// Parses `K/N` (1 <= K <= N).
    pub fn parse(s: &str) -> Result<Shard, Invalid> {
        let bad = || {
            Invalid::new(format!(
                "`{s}` is not a shard: write K/N with 1 <= K <= N <= {} (e.g. 3/8)",
                Shard::MAX
            ))
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u32 = k.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || k > n || n > Shard::MAX {
            return Err(bad());
        }
        Ok(Shard { index: k, of: n })
    }

    /// Whether job `j` is this shard's.
    pub(crate) fn runs(self, j: u64) -> bool {
        j % u64::from(self.of) == u64::from(self.index - 1)
    }

    /// How many of the jobs `0..total` are this shard's.
    pub(crate) fn jobs(self, total: u64) -> u64 {
        let first = u64::from(self.index - 1);
        if first >= total {
            0
        } else {
            (total - first - 1) / u64::from(self.of) + 1
        }
    }

    /// The job index of this shard's `i`-th job.
    pub(crate) fn job(self, i: u64) -> u64 {
        u64::from(self.index - 1) + i * u64::from(self.of)
    }
}
