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
pub use service::{Bucket, LatencyRange, ServiceParams};

/// The one field error: why a value is not acceptable, and which value when the code that
/// judged it knows (`field`: a dotted scenario key such as `deploy.parallelism`, or a flag such
/// as `--duration`). Parsers of a single value leave `field` empty; their callers name it
/// ([`Invalid::in_field`]) or place it (the scenario loader: file:line:col and field).
/// Printed as `field: message`, or the message alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: Option<String>,
    pub message: String,
}

impl Invalid {
    /// A value's fault, the value not named.
    pub fn new(message: impl Into<String>) -> Invalid {
        Invalid {
            field: None,
            message: message.into(),
        }
    }

    /// The fault of the value at `field`.
    pub fn at(field: impl Into<String>, message: impl Into<String>) -> Invalid {
        Invalid {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// Names the value at fault (a flag, a key) unless it is named already.
    pub fn in_field(mut self, field: impl Into<String>) -> Invalid {
        if self.field.is_none() {
            self.field = Some(field.into());
        }
        self
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Invalid {}

impl From<String> for Invalid {
    fn from(s: String) -> Invalid {
        Invalid::new(s)
    }
}

impl From<&str> for Invalid {
    fn from(s: &str) -> Invalid {
        Invalid::new(s)
    }
}

/// The printed form, `field: message` (what a caller that adds only a place shows).
impl From<Invalid> for String {
    fn from(i: Invalid) -> String {
        i.to_string()
    }
}
