//! What a scenario configures, and nothing else: the deployer (`[deploy]` and its profiles), the
//! simulated service (`[service]`, latency profiles), the organization (`[organization]`), the
//! load test (`[load]`) and the units they are written in.
//!
//! Architecture: the config layer depends on the API types (`org::types`) only. `scenario`
//! fills it from a file, `engine`, `org::model` and the load test read it; none of them depends
//! on another's internals for it.

pub mod calendar;
pub mod deploy;
pub mod files;
pub mod latency;
pub mod limits;
pub mod loadtest;
pub mod lognormal;
pub mod operations;
pub mod organization;
pub mod service;
pub mod units;

pub use deploy::{DeployConfig, DeployOverrides, Deployer};
pub use latency::{LatencyProfile, Quantiles};
pub use loadtest::{Arrivals, LoadSettings, Metric, Stage, Threshold};
pub use lognormal::{Lognormal, LognormalOverrides, Z95};
pub use organization::{OrganizationConfig, OuLayout};
pub use service::{AccountCreation, Bucket, LatencyRange, ServiceParams};

/// Why a written value (a duration, a rate, a name, a profile file) is not acceptable: the
/// message names what was expected. Callers add where the value was (a flag, a file position).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl From<String> for Invalid {
    fn from(s: String) -> Invalid {
        Invalid(s)
    }
}

impl From<&str> for Invalid {
    fn from(s: &str) -> Invalid {
        Invalid(s.to_string())
    }
}

impl From<Invalid> for String {
    fn from(i: Invalid) -> String {
        i.0
    }
}
