//! [`LoadSpec`], what a load test is asked to do, shared by the simulated and the live
//! backends and the report (re-exported as `loadtest::LoadSpec`).

use crate::config::loadtest::{Arrivals, Stage, Threshold};

/// What a load test is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSpec {
    pub stages: Vec<Stage>,
    pub arrivals: Arrivals,
    pub thresholds: Vec<Threshold>,
    /// Most onboardings in flight at once (None: no cap). Later arrivals wait for a slot, and
    /// the wait shows in the corrected latency only.
    pub max_concurrent: Option<usize>,
    /// After the last stage, how long onboardings in flight may still finish; those that have
    /// not by then are `unfinished` (and count as errors).
    pub grace_ms: u64,
}

/// The default grace after the last stage: one hour.
pub const DEFAULT_GRACE_MS: u64 = 3_600_000;

impl LoadSpec {
    /// The length of the arrival process (the stages), in ms.
    pub(crate) fn duration_ms(&self) -> u64 {
        self.stages.iter().map(|s| s.duration_ms).sum()
    }
}
