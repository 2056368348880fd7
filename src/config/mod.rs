//! What a scenario configures, and nothing else: the deployer (`[deploy]` and its profiles), the
//! simulated service (`[service]`, latency profiles), the organization (`[organization]`), the
//! load test (`[load]`) and the units they are written in.
//!
//! Architecture: the config layer depends on the API types (`org::types`) only. `scenario`
//! fills it from a file, `engine`, `org::model` and the load test read it; none of them depends
//! on another's internals for it.

pub mod deploy;
pub mod latency;
pub mod loadtest;
pub mod organization;
pub mod service;
pub mod units;

pub use deploy::{DeployConfig, DeployOverrides, Deployer, Lognormal, ProvisioningOverrides};
pub use latency::{LatencyProfile, Quantiles};
pub use loadtest::{Arrivals, LoadSettings, Metric, Stage, Threshold};
pub use organization::{OrganizationConfig, OuLayout};
pub use service::{AccountCreation, Bucket, LatencyRange, ServiceParams};
