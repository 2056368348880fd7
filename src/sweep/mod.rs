//! Monte Carlo over customer counts: many independent replications of one scenario.
//!
//! Replication `k` of customer count `n` runs with the seed `derive_seed(seed, [n, k])`, so any
//! one of them can be re-run alone (`orgsim run SCENARIO --customers n --replication k`) and
//! reproduces exactly. Rows come out in job order (count by count, replication by
//! replication), so the output does not depend on the number of threads or on which thread
//! ran what.
//!
//! A sweep runs in bounded memory: jobs are generated lazily, one count's plan is built once
//! for all its replications, a replication keeps its trace only until its row is taken, and
//! the per-count summaries hold one count's columns at a time.
//!
//! Architecture invariant: [`run_one`], [`metrics`] and [`summarize`] are pure; [`run_sweep`]
//! only adds threads, a progress callback, a row sink and a cancellation flag.

mod growth;
mod jobs;
mod output;
mod range;
mod row;
mod shard;
mod summary;

#[cfg(test)]
mod tests;

pub use growth::GrowthPoint;
pub(crate) use growth::{growth_text, parse_existing_range, run_growth};
pub use jobs::{run_sweep, SweepRun};
pub(crate) use jobs::{run_sweep_over, run_sweep_shard};
pub(crate) use output::{csv_row, Samples, CSV_HEADER, SCHEMA_VERSION};
pub use output::{sweep_with_samples, SweepReport};
pub use range::{counts, parse_range};
pub(crate) use row::replication_seed;
#[cfg(test)]
pub(crate) use row::run_one;
pub use row::{metrics, RepRow};
pub use shard::Shard;
pub use summary::{summarize, CountSummary};
