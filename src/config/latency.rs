//! Latency profiles: what a live run measured, for the model to replay.
//!
//! A live run (`run` or `load` against `mock` or `sdk`) can write the wall-clock latencies it
//! measured per operation, and the asynchronous account creation time it saw, as quantiles
//! (`--write-latency-profile FILE`). `run`, `sweep` and `load` on the simulated backend read such
//! a file (`--latency-profile FILE`): the model then draws each call's latency, and each
//! successful account creation's duration, from the measured distribution (inverse transform
//! sampling, linear between the stored quantiles) instead of its documented defaults. Operations
//! the profile does not cover keep the defaults. So a measured staging environment turns into
//! predictions at 100 customers.
//!
//! The file is JSON: `{"kind": "latency-profile", "version": 1, "source": ..., "operations":
//! {"CreateAccount": {"count": 20, "quantiles": [[0.0, 1.2], [0.5, 2.0], ..., [1.0, 9.8]]}, ...},
//! "account_creation": {...}}`, quantile in [0, 1] and milliseconds, both ascending.

use std::collections::BTreeMap;
use std::path::Path;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::Invalid;
use crate::org::types::Operation;

/// A latency histogram: 1 µs to 1 h, 3 significant digits.
fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

/// The quantiles stored for each distribution.
pub const GRID: [f64; 11] = [0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0];

/// An empirical distribution, as `(quantile, milliseconds)` points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quantiles {
    /// How many samples it was measured from.
    pub count: u64,
    pub quantiles: Vec<(f64, f64)>,
}

impl Quantiles {
    /// From a histogram of microseconds.
    pub fn from_histogram_us(h: &Histogram<u64>) -> Quantiles {
        let quantiles = GRID
            .iter()
            .map(|&q| {
                let us = match q {
                    0.0 => h.min(),
                    1.0 => h.max(),
                    q => h.value_at_quantile(q),
                };
                (q, us as f64 / 1000.0)
            })
            .collect();
        Quantiles {
            count: h.len(),
            quantiles,
        }
    }

    /// The value at quantile `u` (0..=1), linear between the stored points.
    pub fn at(&self, u: f64) -> f64 {
        let pts = &self.quantiles;
        let u = u.clamp(0.0, 1.0);
        let k = pts.partition_point(|&(q, _)| q < u);
        if k == 0 {
            return pts[0].1;
        }
        if k >= pts.len() {
            return pts[pts.len() - 1].1;
        }
        let ((q0, v0), (q1, v1)) = (pts[k - 1], pts[k]);
        if q1 <= q0 {
            return v1;
        }
        v0 + (v1 - v0) * (u - q0) / (q1 - q0)
    }

    fn check(&self, what: &str) -> Result<(), Invalid> {
        if self.quantiles.len() < 2 {
            return Err(Invalid::from(format!(
                "{what}: at least two quantiles are needed"
            )));
        }
        let (first, last) = (
            self.quantiles[0].0,
            self.quantiles[self.quantiles.len() - 1].0,
        );
        if first != 0.0 || last != 1.0 {
            return Err(Invalid::from(format!(
                "{what}: the quantiles must run from 0 to 1, not {first} to {last}"
            )));
        }
        for w in self.quantiles.windows(2) {
            let ((q0, v0), (q1, v1)) = (w[0], w[1]);
            if !(q1 > q0 && v1 >= v0) {
                return Err(Invalid::from(format!(
                    "{what}: quantiles and values must ascend ([{q0}, {v0}] then [{q1}, {v1}])"
                )));
            }
        }
        if self
            .quantiles
            .iter()
            .any(|&(_, v)| !(v.is_finite() && (0.0..=1e9).contains(&v)))
        {
            return Err(Invalid::from(format!(
                "{what}: values are milliseconds between 0 and 1e9"
            )));
        }
        Ok(())
    }
}

/// A latency profile file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LatencyProfile {
    pub kind: String,
    pub version: u32,
    /// Where it was measured (command, backend, endpoint).
    pub source: String,
    /// Call latency per operation (AWS operation names).
    pub operations: BTreeMap<String, Quantiles>,
    /// From a successful CreateAccount to the status poll that saw SUCCEEDED: the asynchronous
    /// creation, over-estimated by at most one poll interval.
    #[serde(default)]
    pub account_creation: Option<Quantiles>,
}

impl LatencyProfile {
    /// A profile from live measurements: each call's operation and latency in µs, and the
    /// account creation times in ms.
    pub fn measured(
        source: String,
        calls_us: impl IntoIterator<Item = (Operation, u64)>,
        creations_ms: &[u64],
    ) -> LatencyProfile {
        let mut per_op: BTreeMap<Operation, Histogram<u64>> = BTreeMap::new();
        for (op, us) in calls_us {
            per_op
                .entry(op)
                .or_insert_with(latency_histogram)
                .saturating_record(us.max(1));
        }
        let operations = per_op
            .iter()
            .map(|(op, h)| (op.as_str().to_string(), Quantiles::from_histogram_us(h)))
            .collect();
        let account_creation = if creations_ms.is_empty() {
            None
        } else {
            let mut h = latency_histogram();
            for &ms in creations_ms {
                h.saturating_record((ms * 1000).max(1));
            }
            Some(Quantiles::from_histogram_us(&h))
        };
        LatencyProfile {
            kind: "latency-profile".into(),
            version: 1,
            source,
            operations,
            account_creation,
        }
    }

    /// The JSON file, pretty-printed, with a final newline.
    pub fn json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a profile always serializes");
        s.push('\n');
        s
    }

    /// Reads and checks a profile file (the error says why, not where: the caller names the
    /// file).
    pub fn read(path: &Path) -> Result<LatencyProfile, Invalid> {
        let text = super::files::read_regular_text(
            path,
            super::limits::MAX_PROFILE_BYTES,
            "the latency profile size limit",
        )?;
        let p: LatencyProfile = serde_json::from_str(&text).map_err(|e| {
            Invalid::new(format!(
                "line {}, column {}: not a latency profile: {e}",
                e.line(),
                e.column()
            ))
        })?;
        p.check()?;
        Ok(p)
    }

    fn check(&self) -> Result<(), Invalid> {
        if self.kind != "latency-profile" || self.version != 1 {
            return Err(Invalid::from(format!(
                "kind \"{}\" version {}: expected kind \"latency-profile\" version 1",
                self.kind, self.version
            )));
        }
        for (op, q) in &self.operations {
            if Operation::parse(op).is_none() {
                return Err(Invalid::from(format!(
                    "operations.{op}: not an Organizations operation"
                )));
            }
            q.check(&format!("operations.{op}"))?;
        }
        if let Some(c) = &self.account_creation {
            c.check("account_creation")?;
        }
        Ok(())
    }

    /// The measured call latency distribution of `op`, if the profile has one.
    pub fn operation(&self, op: Operation) -> Option<&Quantiles> {
        self.operations.get(op.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(us: &[u64]) -> Histogram<u64> {
        let mut h = latency_histogram();
        for &v in us {
            h.record(v).unwrap();
        }
        h
    }

    #[test]
    fn quantiles_interpolate_and_round_trip() {
        let h = hist(&(1..=1000).map(|i| i * 1000).collect::<Vec<_>>());
        let q = Quantiles::from_histogram_us(&h);
        assert_eq!(q.count, 1000);
        assert!((q.at(0.0) - 1.0).abs() < 0.01, "{q:?}");
        assert!((q.at(0.5) - 500.0).abs() < 2.0, "{q:?}");
        assert!((q.at(1.0) - 1000.0).abs() < 1.0, "{q:?}");
        // Between two stored points: linear.
        let mid = q.at(0.375);
        assert!((mid - (q.at(0.25) + q.at(0.5)) / 2.0).abs() < 1e-9);
        let calls = (1..=1000).map(|i| (Operation::CreateAccount, i * 1000));
        let p = LatencyProfile::measured("test".into(), calls, &[1000, 2000, 3000]);
        assert_eq!(p.operations["CreateAccount"], q);
        let back: LatencyProfile = serde_json::from_str(&p.json()).unwrap();
        assert_eq!(back, p);
        assert!(back.check().is_ok());
        let c = back.account_creation.unwrap();
        assert!((c.at(0.5) - 2000.0).abs() < 5.0, "{c:?}");
    }

    #[test]
    fn bad_profiles_are_refused() {
        let good = LatencyProfile::measured(
            "t".into(),
            [(Operation::ListRoots, 100), (Operation::ListRoots, 200)],
            &[],
        );
        let mut p = good.clone();
        p.operations
            .insert("MakeCoffee".into(), good.operations["ListRoots"].clone());
        assert!(p.check().unwrap_err().message.contains("MakeCoffee"));
        let mut p = good.clone();
        p.operations.get_mut("ListRoots").unwrap().quantiles = vec![(0.0, 5.0), (1.0, 1.0)];
        assert!(p.check().unwrap_err().message.contains("ascend"));
        let mut p = good.clone();
        p.operations.get_mut("ListRoots").unwrap().quantiles = vec![(0.1, 1.0), (1.0, 2.0)];
        assert!(p.check().unwrap_err().message.contains("from 0 to 1"));
        let mut p = good;
        p.kind = "something".into();
        assert!(p.check().is_err());
    }
}
