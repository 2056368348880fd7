//! One-at-a-time sensitivity of a scenario's results to its assumptions (`orgsim sensitivity`).
//!
//! Every key varied is a `[service]` or `[deploy]` key of the scenario file: by default those
//! docs/model.md marks **[X]** (an assumption of orgsim) under the scenario's deployer, each
//! with the default range [`KEYS`] gives and its reason; `--key NAME[=LO..HI]` adds any key
//! of the registry (or sets its range). The design is the scenario's values (the base point)
//! plus, for each key, the low and the high end of its range with every other key at the
//! scenario's value. Each point runs the same customer counts and replications, with the same
//! replication seeds (common random numbers: the differences between points are the keys',
//! not the draws').
//!
//! Per key and count, the swing of a figure is the largest minus the smallest of its values
//! over the key's points (base included). Keys are ranked by the swing of the p95 makespan at
//! the largest count, then of P(any failure). An `[expect]` claim holds at a point and count
//! when at least 95% of its replications meet it (the p95 replication does).
//!
//! Architecture invariant: pure apart from [`run`]'s threads (through `sweep`).

mod keys;
mod shard;
mod study;
mod text;

pub use keys::*;
pub(crate) use shard::*;
pub use study::*;
pub use text::*;

#[cfg(test)]
mod tests;
