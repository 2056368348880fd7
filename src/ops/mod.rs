//! The people side of onboarding (issue 14): the support desk and the onboarding engineers,
//! simulated on the event core in virtual time and checked against queueing theory.
//!
//! - [`config`]: the `[operations]` table (raw serde structs with spans, validation, defaults).
//! - [`calendar`]: weekly opening hours, open time, preemptive-resume work arithmetic.
//! - [`desk`]: the support desk (tickets, FIFO staff, SLA attainment, waits, utilisation).
//! - [`onboarding`]: signing to a set-up account (configuration, deployment, post-setup).
//!
//! Architecture invariant: no I/O, no clock.

pub mod calendar;
pub mod config;
pub mod desk;
pub mod onboarding;

#[cfg(test)]
mod tests;

pub use config::{OperationsConfig, OpsConfigError, RawOperations};
