//! The deployer's behaviour: the `[deploy]` table.
//!
//! Defaults follow Terraform with the AWS provider and the AWS SDK's standard retry mode; each is
//! documented, with its source, in `docs/model.md`.

use serde::{Deserialize, Serialize};

/// The `[deploy]` table. Times are given in seconds in the file and used as integer
/// milliseconds by the engine (see the `*_ms` accessors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeployConfig {
    /// Resource operations in flight at once (Terraform's `-parallelism`, default 10).
    pub parallelism: u32,
    /// The deployer's own time before its first call: init, refresh, plan (seconds).
    pub overhead_s: f64,
    /// Interval between DescribeCreateAccountStatus polls (seconds).
    pub poll_interval_s: f64,
    /// How long the deployer waits for one account to be created before giving up (seconds).
    pub create_timeout_s: f64,
    /// Attempts per SDK call for retryable (throttling, transient) errors: the SDK's standard mode.
    pub max_attempts: u32,
    /// Full-jitter exponential backoff: base and cap, in milliseconds.
    pub backoff_base_ms: u64,
    pub backoff_cap_ms: u64,
    /// The SDK client's retry quota (tokens); 0 disables it.
    pub retry_quota: u32,
    /// Tokens one retry costs.
    pub retry_cost: u32,
    /// Error codes the provider retries on top of the SDK (a fresh SDK call each time).
    pub provider_retry_codes: Vec<String>,
    /// How long the provider keeps retrying those codes for one operation (seconds).
    pub provider_retry_timeout_s: f64,
    /// The provider's backoff between those retries: it starts here and doubles...
    pub provider_backoff_min_ms: u64,
    /// ...up to this.
    pub provider_backoff_max_ms: u64,
    /// Idempotent apply: before creating a resource, look up what exists (OUs by name under
    /// their parent, policies by name, attachments by target, accounts by email, tags by
    /// account) and adopt it (`existing`). Off by default for the simulated backend (a fresh
    /// organization); always on for the `mock` and `sdk` backends.
    pub lookup_existing: bool,
}

impl Default for DeployConfig {
    fn default() -> Self {
        DeployConfig {
            parallelism: 10,
            overhead_s: 60.0,
            poll_interval_s: 10.0,
            create_timeout_s: 600.0,
            max_attempts: 3,
            backoff_base_ms: 1000,
            backoff_cap_ms: 20_000,
            retry_quota: 500,
            retry_cost: 5,
            provider_retry_codes: vec![
                "ConcurrentModificationException".into(),
                "TooManyRequestsException".into(),
            ],
            provider_retry_timeout_s: 120.0,
            provider_backoff_min_ms: 500,
            provider_backoff_max_ms: 10_000,
            lookup_existing: false,
        }
    }
}

fn secs_to_ms(s: f64) -> u64 {
    (s * 1000.0).round().max(0.0) as u64
}

impl DeployConfig {
    pub fn overhead_ms(&self) -> u64 {
        secs_to_ms(self.overhead_s)
    }
    pub fn poll_interval_ms(&self) -> u64 {
        secs_to_ms(self.poll_interval_s).max(1)
    }
    pub fn create_timeout_ms(&self) -> u64 {
        secs_to_ms(self.create_timeout_s)
    }
    pub fn provider_retry_timeout_ms(&self) -> u64 {
        secs_to_ms(self.provider_retry_timeout_s)
    }

    /// Checks the values; returns the dotted key path of the first bad one and why.
    pub fn check(&self) -> Result<(), (String, String)> {
        let bad = |k: &str, why: &str| Err((format!("deploy.{k}"), why.to_string()));
        if self.parallelism == 0 {
            return bad("parallelism", "must be at least 1");
        }
        if self.max_attempts == 0 {
            return bad("max_attempts", "must be at least 1");
        }
        for (k, v) in [
            ("overhead_s", self.overhead_s),
            ("poll_interval_s", self.poll_interval_s),
            ("create_timeout_s", self.create_timeout_s),
            ("provider_retry_timeout_s", self.provider_retry_timeout_s),
        ] {
            if !(v >= 0.0 && v.is_finite() && v <= 7.0 * 86_400.0) {
                return bad(k, "must be a number of seconds between 0 and 604800");
            }
        }
        if self.poll_interval_s <= 0.0 {
            return bad("poll_interval_s", "must be greater than 0");
        }
        if self.backoff_base_ms > self.backoff_cap_ms {
            return bad("backoff_base_ms", "must not exceed backoff_cap_ms");
        }
        if self.provider_backoff_min_ms > self.provider_backoff_max_ms
            || self.provider_backoff_min_ms == 0
        {
            return bad(
                "provider_backoff_min_ms",
                "must be at least 1 and not exceed provider_backoff_max_ms",
            );
        }
        Ok(())
    }
}
