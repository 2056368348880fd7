//! `orgsim load`, the load test: customers arrive as an open-loop process and each is onboarded by its own
//! deployment (a Terraform workspace per customer, with idempotent lookups of the shared OUs and
//! policies), against one Organizations service they all share.
//!
//! The schedule, the thresholds and the aggregation here are pure; [`simulate`] runs a whole
//! load test in virtual time against the model (capacity planning). The live backends run the
//! same schedule through `live::apply`, one per arrival (`load_test`, in `live.rs`).
//!
//! Latency of an onboarding is measured two ways, as wrk2 and hdrhistogram's coordinated-omission
//! correction teach: *raw* from when its deployment actually started, *corrected* from when it was
//! meant to start (its arrival). When the harness falls behind (a concurrency cap, a slow client),
//! only the corrected figure shows the queue the customers actually saw.
//!
//! Layout: `schedule` (the open-loop arrival times), `plans` (what each onboarding deploys),
//! `simulate` (the virtual-time test on the simulation driver), `report` (what was observed,
//! summarized, thresholds judged, printed). The settings it reads (`[load]`, stages, thresholds)
//! are in `config::loadtest`.

mod live;
mod plans;
mod report;
mod schedule;
mod simulate;
mod spec;
mod text;

pub use live::{load_test, LiveLoad, LiveOrg};
pub use plans::{
    bootstrap_plan, count_failures, customer_plan, onboarding_config, without_customers,
};
pub use report::{
    censored_rank, json, summarize, CallSample, Interval, Latency, LatencyUnit, LoadReport,
    Observed, Onboarding, ThresholdResult,
};
pub use schedule::schedule;
pub use simulate::simulate;
pub use spec::{LoadSpec, DEFAULT_GRACE_MS};
pub use text::text;

#[cfg(test)]
mod tests;
