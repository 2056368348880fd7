//! Parameters of the simulated Organizations service: quotas, throttling, latencies, faults.
//!
//! Every default is documented, with its source and tag, in `docs/model.md`; every one can be
//! overridden from a scenario's `[service]` table (and the account quota from `[organization]`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::limits::{
    MAX_CALL_LATENCY_MS, MAX_FAULTS, MAX_FAULT_TIME_MS, MAX_SERVICE_SECONDS, MAX_THROTTLE_BURST,
    MAX_THROTTLE_RATE, MIN_THROTTLE_RATE,
};
use super::lognormal::Lognormal;
use super::Invalid;
use crate::org::types::{ConstraintViolationReason, DefaultLatency, ErrorCode, Operation};

/// A token bucket: `rate` tokens per second refill, at most `burst` tokens held.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    pub rate: f64,
    pub burst: f64,
}

/// A uniform latency range for a synchronous call, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LatencyRange {
    pub min_ms: u64,
    pub max_ms: u64,
}

/// CreateAccount's creation time (its asynchronous part) by default: the one [`Lognormal`],
/// median and p95 clamped to `[min_s, max_s]`.
pub const ACCOUNT_CREATION: Lognormal = Lognormal {
    median_s: 60.0,
    p95_s: 300.0,
    min_s: 10.0,
    max_s: 1800.0,
};

/// `[service.account_creation]`: its keys over [`ACCOUNT_CREATION`].
fn account_creation<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Lognormal, D::Error> {
    super::lognormal::read_over(d, ACCOUNT_CREATION)
}

/// A time-windowed fault, `[[service.faults]]`: from `from` to `to` into the run, each call
/// to one of `operations` (all when empty) fails with `error`, with probability `probability`.
/// How the model applies it: `docs/model.md`, "Faults".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Start of the window, ms into the run (inclusive).
    #[serde(with = "super::units::duration_ms")]
    #[schemars(with = "String")]
    pub from: u64,
    /// End of the window, ms into the run (exclusive).
    #[serde(with = "super::units::duration_ms")]
    #[schemars(with = "String")]
    pub to: u64,
    /// AWS operation names; empty: every operation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
    /// The error, spelled as reports count it ([`fault_error`]).
    pub error: String,
    /// Probability per call in the window.
    pub probability: f64,
}

impl Fault {
    /// The error code this fault answers with (checked at load time).
    pub fn code(&self) -> Option<ErrorCode> {
        fault_error(&self.error)
    }

    /// True when it applies to `op` (by name).
    pub fn covers(&self, op: Operation) -> bool {
        self.operations.is_empty() || self.operations.iter().any(|o| o == op.as_str())
    }
}

/// The error a fault names, spelled as reports count errors: a code orgsim knows
/// (`TooManyRequestsException`, `ServiceException`, ...) or
/// `ConstraintViolationException:REASON` with one of the reasons the model raises.
pub fn fault_error(name: &str) -> Option<ErrorCode> {
    if let Some(r) = name.strip_prefix("ConstraintViolationException:") {
        return ConstraintViolationReason::KNOWN
            .contains(&r)
            .then(|| ErrorCode::ConstraintViolationException(ConstraintViolationReason::parse(r)));
    }
    ErrorCode::known().into_iter().find(|c| c.as_str() == name)
}

/// Every name [`fault_error`] accepts, in the order the refusal lists them.
pub fn fault_error_names() -> Vec<String> {
    let mut names: Vec<String> = ErrorCode::known()
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    names.extend(
        ConstraintViolationReason::KNOWN
            .iter()
            .map(|r| format!("ConstraintViolationException:{r}")),
    );
    names
}

/// The `[service]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceParams {
    /// CreateAccount requests in progress at once (AWS: 5).
    pub create_account_concurrency: u32,
    /// Accounts created per day (`ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED`); AWS does not publish
    /// it, so by default there is none (0 = unlimited).
    pub account_creations_per_day: u32,
    /// OUs per organization.
    pub max_ous: u32,
    /// OU nesting depth below the root.
    pub max_ou_depth: u32,
    /// Service control policies directly attached per root, OU or account (FullAWSAccess counts).
    pub max_policies_per_target: u32,
    /// Service control policies per organization.
    pub max_policies: u32,
    /// Size of one SCP document, in characters.
    pub max_policy_size: u32,
    /// Tags per root, OU or account.
    pub max_tags_per_resource: u32,
    /// Items per page of a List call (the API's `MaxResults`, at most 20). The SDK's paginator
    /// pages through a long list, one request per page: each page is charged to the
    /// operation's token bucket and takes its own latency.
    pub list_page_size: u32,
    /// Probability that a write to a target that another write is still modifying fails with
    /// ConcurrentModificationException (1.0: always).
    pub concurrent_modification_probability: f64,
    /// Probability that any call fails with ServiceException (a transient 5xx). Default 0.
    pub internal_error_probability: f64,
    /// The asynchronous account creation time.
    #[serde(deserialize_with = "account_creation")]
    pub account_creation: Lognormal,
    /// Default latency of a write call.
    pub write_latency: LatencyRange,
    /// Default latency of a read call.
    pub read_latency: LatencyRange,
    /// Per-operation latency overrides, keyed by the AWS operation name.
    pub latency: BTreeMap<String, LatencyRange>,
    /// Per-operation token buckets, keyed by the AWS operation name; merged over the defaults.
    pub throttle: BTreeMap<String, Bucket>,
    /// Time-windowed faults, `[[service.faults]]`, in file order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
    /// A measured latency profile (`--latency-profile FILE`, not a scenario key): where it covers
    /// an operation, or the account creation time, it replaces the ranges above.
    #[serde(skip)]
    pub latency_profile: Option<std::sync::Arc<super::latency::LatencyProfile>>,
}

impl Default for ServiceParams {
    fn default() -> Self {
        ServiceParams {
            create_account_concurrency: 5,
            account_creations_per_day: 0,
            max_ous: 2000,
            max_ou_depth: 5,
            max_policies_per_target: 5,
            max_policies: 1000,
            max_policy_size: 5120,
            max_tags_per_resource: 50,
            list_page_size: 20,
            concurrent_modification_probability: 1.0,
            internal_error_probability: 0.0,
            account_creation: ACCOUNT_CREATION,
            write_latency: LatencyRange {
                min_ms: 400,
                max_ms: 900,
            },
            read_latency: LatencyRange {
                min_ms: 100,
                max_ms: 300,
            },
            latency: BTreeMap::new(),
            throttle: BTreeMap::new(),
            faults: Vec::new(),
            latency_profile: None,
        }
    }
}

/// The documented throttling rate and burst of an operation (its row of the operation table,
/// `org::types`: the "Throttling limits" section of the Organizations quotas page).
pub fn default_bucket(op: Operation) -> Bucket {
    let info = op.info();
    Bucket {
        rate: info.rate,
        burst: info.burst,
    }
}

impl ServiceParams {
    /// The bucket in force for `op`: the scenario's override or the documented default.
    pub fn bucket(&self, op: Operation) -> Bucket {
        self.throttle
            .get(op.as_str())
            .copied()
            .unwrap_or_else(|| default_bucket(op))
    }

    /// The latency range in force for `op`.
    pub fn latency_for(&self, op: Operation) -> LatencyRange {
        if let Some(l) = self.latency.get(op.as_str()) {
            return *l;
        }
        match op.info().latency {
            DefaultLatency::Ms { min_ms, max_ms } => LatencyRange { min_ms, max_ms },
            DefaultLatency::ByAccess if op.is_write() => self.write_latency,
            DefaultLatency::ByAccess => self.read_latency,
        }
    }

    /// Checks the values; returns the dotted key path of the first bad one and why.
    pub fn check(&self) -> Result<(), Invalid> {
        for key in self.throttle.keys().chain(self.latency.keys()) {
            if Operation::parse(key).is_none() {
                let table = if self.throttle.contains_key(key) {
                    "throttle"
                } else {
                    "latency"
                };
                return Err(Invalid::at(
                    format!("service.{table}.{key}"),
                    format!("`{key}` is not an Organizations operation orgsim knows"),
                ));
            }
        }
        for (k, b) in &self.throttle {
            if !(MIN_THROTTLE_RATE..=MAX_THROTTLE_RATE).contains(&b.rate) {
                return Err(Invalid::at(
                    format!("service.throttle.{k}.rate"),
                    format!(
                        "rate is between {MIN_THROTTLE_RATE} and {MAX_THROTTLE_RATE} tokens per \
                         second (the throttle rate limits), not {}",
                        b.rate
                    ),
                ));
            }
            if !(1.0..=MAX_THROTTLE_BURST).contains(&b.burst) {
                return Err(Invalid::at(
                    format!("service.throttle.{k}.burst"),
                    format!(
                        "burst is between 1 and {MAX_THROTTLE_BURST} tokens (the throttle burst \
                         limit), not {}",
                        b.burst
                    ),
                ));
            }
        }
        let lat = self
            .latency
            .iter()
            .map(|(k, v)| (format!("service.latency.{k}"), *v))
            .chain([
                ("service.write_latency".to_string(), self.write_latency),
                ("service.read_latency".to_string(), self.read_latency),
            ]);
        for (k, l) in lat {
            if l.max_ms > MAX_CALL_LATENCY_MS {
                return Err(Invalid::at(
                    format!("{k}.max_ms"),
                    format!(
                        "a call latency is at most {MAX_CALL_LATENCY_MS} ms (one hour, the call \
                         latency limit), not {}",
                        l.max_ms
                    ),
                ));
            }
            if l.min_ms > l.max_ms {
                return Err(Invalid::at(k, "min_ms must not exceed max_ms"));
            }
        }
        let p = [
            (
                "concurrent_modification_probability",
                self.concurrent_modification_probability,
            ),
            (
                "internal_error_probability",
                self.internal_error_probability,
            ),
        ];
        for (k, v) in p {
            if !(0.0..=1.0).contains(&v) {
                return Err(Invalid::at(
                    format!("service.{k}"),
                    "must be between 0 and 1",
                ));
            }
        }
        let ac = &self.account_creation;
        for (k, v) in [
            ("median_s", ac.median_s),
            ("p95_s", ac.p95_s),
            ("min_s", ac.min_s),
            ("max_s", ac.max_s),
        ] {
            if !(0.0..=MAX_SERVICE_SECONDS).contains(&v) {
                return Err(Invalid::at(
                    format!("service.account_creation.{k}"),
                    format!(
                        "a time between 0 and {MAX_SERVICE_SECONDS} seconds (7 days, the account \
                         creation limit), not {v}"
                    ),
                ));
            }
        }
        if !(ac.median_s > 0.0
            && ac.p95_s >= ac.median_s
            && ac.min_s >= 0.0
            && ac.max_s >= ac.min_s)
        {
            return Err(Invalid::at(
                "service.account_creation",
                "need 0 < median_s <= p95_s and 0 <= min_s <= max_s",
            ));
        }
        if !(1..=1000).contains(&self.list_page_size) {
            return Err(Invalid::at(
                "service.list_page_size",
                "must be between 1 and 1000",
            ));
        }
        if self.create_account_concurrency == 0 {
            return Err(Invalid::at(
                "service.create_account_concurrency",
                "must be at least 1",
            ));
        }
        if self.max_ou_depth == 0 || self.max_policies_per_target == 0 {
            return Err(Invalid::at(
                "service",
                "max_ou_depth and max_policies_per_target must be at least 1",
            ));
        }
        self.check_faults()
    }

    /// Checks `[[service.faults]]`: their number, each window, operation, error and
    /// probability.
    fn check_faults(&self) -> Result<(), Invalid> {
        if self.faults.len() > MAX_FAULTS {
            return Err(Invalid::at(
                format!("service.faults[{MAX_FAULTS}]"),
                format!(
                    "{} fault windows; at most {MAX_FAULTS} (the fault limit)",
                    self.faults.len()
                ),
            ));
        }
        for (i, f) in self.faults.iter().enumerate() {
            let at = |k: &str| format!("service.faults[{i}].{k}");
            if f.to > MAX_FAULT_TIME_MS {
                return Err(Invalid::at(
                    at("to"),
                    format!(
                        "a fault window ends at most {} s into the run (30 days, the fault time \
                         limit), not {} s",
                        MAX_FAULT_TIME_MS / 1000,
                        f.to as f64 / 1000.0
                    ),
                ));
            }
            if f.from >= f.to {
                return Err(Invalid::at(
                    at("to"),
                    format!(
                        "a fault window must end after it starts: from {} s, to {} s",
                        f.from as f64 / 1000.0,
                        f.to as f64 / 1000.0
                    ),
                ));
            }
            for (j, op) in f.operations.iter().enumerate() {
                if Operation::parse(op).is_none() {
                    let all: Vec<&str> = Operation::ALL.iter().map(|o| o.as_str()).collect();
                    return Err(Invalid::at(
                        format!("service.faults[{i}].operations[{j}]"),
                        format!(
                            "`{op}` is not an Organizations operation orgsim knows; the \
                             operations are {}",
                            all.join(", ")
                        ),
                    ));
                }
            }
            if f.code().is_none() {
                return Err(Invalid::at(
                    at("error"),
                    format!(
                        "`{}` is not an error a fault can answer with; the errors are {}",
                        f.error,
                        fault_error_names().join(", ")
                    ),
                ));
            }
            if !(0.0..=1.0).contains(&f.probability) {
                return Err(Invalid::at(
                    at("probability"),
                    format!("must be between 0 and 1, not {}", f.probability),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The defaults the operation table gives are the documented ones (`docs/model.md`), as the
    /// hand-written match before the table had them.
    #[test]
    fn default_buckets_and_latencies_are_the_documented_ones() {
        use Operation::*;
        let documented = |op| match op {
            CreateAccount => (0.1, 3.0),
            DescribeCreateAccountStatus => (2.0, 2.0),
            CreateOrganizationalUnit | ListRoots => (1.0, 2.0),
            CreatePolicy
            | AttachPolicy
            | DetachPolicy
            | MoveAccount
            | UpdateOrganizationalUnit
            | UpdatePolicy
            | DeleteOrganizationalUnit
            | DeletePolicy
            | EnablePolicyType
            | RemoveAccountFromOrganization
            | CloseAccount => (2.0, 3.0),
            TagResource | UntagResource => (4.0, 6.0),
            ListAccounts => (8.0, 12.0),
            DescribeAccount => (20.0, 30.0),
            _ => (5.0, 8.0),
        };
        let p = ServiceParams::default();
        for op in Operation::ALL {
            let (rate, burst) = documented(op);
            assert_eq!(default_bucket(op), Bucket { rate, burst }, "{op}");
            assert_eq!(p.bucket(op), Bucket { rate, burst }, "{op}");
            let want = if op.is_write() {
                p.write_latency
            } else {
                p.read_latency
            };
            assert_eq!(p.latency_for(op), want, "{op}");
        }
    }

    /// A scenario's override wins over the table for that operation only.
    #[test]
    fn an_override_wins_over_the_table() {
        let mut p = ServiceParams::default();
        let b = Bucket {
            rate: 3.0,
            burst: 4.0,
        };
        let l = LatencyRange {
            min_ms: 1,
            max_ms: 2,
        };
        p.throttle.insert("ListRoots".into(), b);
        p.latency.insert("ListRoots".into(), l);
        assert_eq!(p.bucket(Operation::ListRoots), b);
        assert_eq!(p.latency_for(Operation::ListRoots), l);
        assert_eq!(
            p.bucket(Operation::ListAccounts),
            default_bucket(Operation::ListAccounts)
        );
        assert_eq!(p.latency_for(Operation::ListAccounts), p.read_latency);
    }

    /// `docs/model.md`'s throttle table gives every operation, once, with the table's rate and
    /// burst, and `docs/scenario.md` names every operation a scenario may key: the docs follow
    /// the operation table.
    #[test]
    fn the_docs_list_every_operation_with_its_throttle() {
        let model = include_str!("../../docs/model.md");
        let start = model
            .find("| OPERATION | rate (req/s) | burst | tag |")
            .expect("the throttle table");
        let mut seen = Vec::new();
        for row in model[start..].lines().skip(2) {
            if !row.starts_with('|') {
                break;
            }
            let cols: Vec<&str> = row.split('|').map(str::trim).collect();
            let rate: f64 = cols[2].parse().expect(row);
            let burst: f64 = cols[3].parse().expect(row);
            for name in cols[1].split('`').skip(1).step_by(2) {
                let op = Operation::parse(name).unwrap_or_else(|| panic!("{name} in {row}"));
                assert_eq!(default_bucket(op), Bucket { rate, burst }, "{row}");
                seen.push(op);
            }
        }
        seen.sort();
        assert_eq!(seen, Operation::ALL, "each operation once in docs/model.md");
        let scenario = include_str!("../../docs/scenario.md");
        let at = scenario
            .find("`OPERATION` is one of")
            .expect("the list of operations");
        let list = &scenario[at..at + scenario[at..].find(".\n").expect("ends")];
        let mut named: Vec<Operation> = list
            .split('`')
            .skip(3)
            .step_by(2)
            .map(|n| Operation::parse(n).unwrap_or_else(|| panic!("{n}")))
            .collect();
        named.sort();
        assert_eq!(
            named,
            Operation::ALL,
            "each operation once in docs/scenario.md"
        );
    }
}
