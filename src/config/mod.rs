//! What a scenario configures, and nothing else: the deployer (`[deploy]` and its profiles), the
//! simulated service (`[service]`, latency profiles), the organization (`[organization]`), the
//! load test (`[load]`) and the units they are written in.
//!
//! Architecture: the config layer depends on the API types (`org::types`) only. `scenario`
//! fills it from a file, `engine`, `org::model` and the load test read it; none of them depends
//! on another's internals for it.

pub mod calendar;
pub(crate) mod deploy;
pub(crate) mod files;
mod invalid;
pub(crate) mod latency;
pub(crate) mod limits;
pub(crate) mod loadtest;
pub(crate) mod lognormal;
pub(crate) mod operations;
pub(crate) mod organization;
pub mod service;
pub(crate) mod units;

pub use deploy::{CodeBackoff, DeployConfig, DeployOverrides, Deployer, Jitter};
pub use invalid::Invalid;
pub use latency::{LatencyProfile, Quantiles};
pub use loadtest::{Arrivals, LoadSettings, Metric, Stage, Threshold};
pub use lognormal::{Lognormal, LognormalOverrides, Z95};
pub use organization::{OrganizationConfig, OuLayout};
pub use service::{Bucket, LatencyRange, ServiceParams};
