//! The one lognormal of a scenario: a duration given by its median and 95th percentile
//! (`[deploy.provisioning]`, `[service.account_creation]`, `[operations.support] handle_time`),
//! with one z₀.₉₅ and one formula for σ.

use serde::{Deserialize, Deserializer, Serialize};

/// z for the 95th percentile of the standard normal: Φ⁻¹(0.95).
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// σ of the underlying normal of a lognormal with this median and 95th percentile (any one
/// unit): ln(p95 / median) / z₀.₉₅.
pub fn sigma(median: f64, p95: f64) -> f64 {
    (p95 / median).ln() / Z95
}

/// A lognormal duration given by its median and 95th percentile, clamped to `[min_s, max_s]`
/// (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Lognormal {
    pub median_s: f64,
    pub p95_s: f64,
    pub min_s: f64,
    pub max_s: f64,
}

impl Lognormal {
    /// σ of the underlying normal ([`sigma`]).
    pub fn sigma(&self) -> f64 {
        sigma(self.median_s, self.p95_s)
    }

    /// The duration at standard-normal deviate `z`, clamped, in seconds. Values the checks
    /// refuse (a median of 0, a p95 below it, a minimum above the maximum) draw the median or
    /// the minimum instead of panicking.
    pub fn at_s(&self, z: f64) -> f64 {
        let median = self.median_s.max(f64::MIN_POSITIVE);
        let sigma = sigma(median, self.p95_s).max(0.0);
        (median.ln() + sigma * z)
            .exp()
            .clamp(self.min_s, self.max_s.max(self.min_s))
    }

    /// The duration at standard-normal deviate `z`, clamped, in whole milliseconds.
    pub fn at_ms(&self, z: f64) -> u64 {
        (self.at_s(z) * 1000.0).round() as u64
    }

    /// These values with the keys written in `o` applied on top.
    pub fn with(mut self, o: &LognormalOverrides) -> Lognormal {
        self.median_s = o.median_s.unwrap_or(self.median_s);
        self.p95_s = o.p95_s.unwrap_or(self.p95_s);
        self.min_s = o.min_s.unwrap_or(self.min_s);
        self.max_s = o.max_s.unwrap_or(self.max_s);
        self
    }
}

/// A lognormal's table as written (`[deploy.provisioning]`, `[service.account_creation]`):
/// every key optional, applied over the defaults ([`Lognormal::with`]).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LognormalOverrides {
    pub median_s: Option<f64>,
    pub p95_s: Option<f64>,
    pub min_s: Option<f64>,
    pub max_s: Option<f64>,
}

/// Reads a lognormal's table over `base`'s values (for serde's `deserialize_with`).
pub fn read_over<'de, D: Deserializer<'de>>(d: D, base: Lognormal) -> Result<Lognormal, D::Error> {
    LognormalOverrides::deserialize(d).map(|o| base.with(&o))
}
