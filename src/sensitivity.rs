//! One-at-a-time sensitivity of a scenario's results to its assumptions (`orgsim sensitivity`).
//!
//! Every key varied is a `[service]` or `[deploy]` key of the scenario file: by default those
//! docs/model.md marks **[X]** (an assumption of orgsim) under the scenario's deployer, each
//! with the default range [`KEYS`] gives and its reason; `--key NAME[=LO..HI]` adds any key
//! of the registry (or sets its range). The design is the scenario's values (the base point)
//! plus, for each key, the low and the high end of its range with every other key at the
//! scenario's value. Each point runs the same customer counts and replications, with the same
//! replication seeds (common random numbers: the differences between points are the keys',
//! not the draws').
//!
//! Per key and count, the swing of a figure is the largest minus the smallest of its values
//! over the key's points (base included). Keys are ranked by the swing of the p95 makespan at
//! the largest count, then of P(any failure). An `[expect]` claim holds at a point and count
//! when at least 95% of its replications meet it (the p95 replication does).
//!
//! Architecture invariant: pure apart from [`run`]'s threads (through `sweep`).

use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use crate::config::Invalid;
use crate::engine::Deployer;
use crate::org::types::Operation;
use crate::scenario::Scenario;
use crate::stats;
use crate::sweep::{self, RepRow, Shard};

/// The version of the sensitivity JSON format.
pub const SCHEMA_VERSION: u32 = 1;

/// The share of replications a claim must hold in to hold at a point.
pub const HOLDS_SHARE: f64 = 0.95;

/// How a key's value is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Float,
    Int,
    Bool,
}

/// A key the design can vary.
pub struct KeySpec {
    /// Its TOML name (`service.account_creation.p95_s`).
    pub name: &'static str,
    pub kind: Kind,
    /// The deployers under which docs/model.md marks it [X] (varied by default).
    pub assumed_under: &'static [Deployer],
    /// The default range (low, high) and why.
    pub range: Option<(f64, f64)>,
    pub reason: &'static str,
    pub get: fn(&Scenario) -> f64,
    pub set: fn(&mut Scenario, f64),
}

const ALL: &[Deployer] = &[
    Deployer::TerraformAws,
    Deployer::AwsSdkStandard,
    Deployer::ControlTower,
];
const SDK_CT: &[Deployer] = &[Deployer::AwsSdkStandard, Deployer::ControlTower];
const SDK: &[Deployer] = &[Deployer::AwsSdkStandard];
const CT: &[Deployer] = &[Deployer::ControlTower];
const NONE: &[Deployer] = &[];

macro_rules! key {
    ($name:literal, $kind:ident, $under:expr, $range:expr, $reason:literal, |$s:ident| $field:expr) => {
        KeySpec {
            name: $name,
            kind: Kind::$kind,
            assumed_under: $under,
            range: $range,
            reason: $reason,
            get: |$s: &Scenario| key!(@get $kind, $field),
            set: |$s: &mut Scenario, v: f64| key!(@set $kind, $field, v),
        }
    };
    (@get Float, $f:expr) => { $f };
    (@get Int, $f:expr) => { $f as f64 };
    (@get Bool, $f:expr) => { if $f { 1.0 } else { 0.0 } };
    (@set Float, $f:expr, $v:ident) => { $f = $v };
    (@set Int, $f:expr, $v:ident) => { $f = $v.round() as _ };
    (@set Bool, $f:expr, $v:ident) => { $f = $v >= 0.5 };
}

/// Every key `sensitivity` can vary, with its default range and the reason for it.
pub static KEYS: &[KeySpec] = &[
    key!("service.concurrent_modification_probability", Float, ALL, Some((0.25, 1.0)),
        "overlapping writes are reported to conflict, how often is not known: from a quarter of them to all",
        |s| s.service.concurrent_modification_probability),
    key!("service.internal_error_probability", Float, ALL, Some((0.0, 0.01)),
        "transient ServiceExceptions: none, to 1 call in 100 (a bad day)",
        |s| s.service.internal_error_probability),
    key!("service.list_page_size", Int, ALL, Some((5.0, 20.0)),
        "MaxResults may be 1 to 20; the default page size is not published",
        |s| s.service.list_page_size),
    key!("service.account_creation.median_s", Float, ALL, Some((30.0, 120.0)),
        "the user guide's example took ~54 s: from half to double the assumed 60 s",
        |s| s.service.account_creation.median_s),
    key!("service.account_creation.p95_s", Float, ALL, Some((150.0, 600.0)),
        "users report accounts unusable for up to ~7 min: from half to double the assumed 5 min",
        |s| s.service.account_creation.p95_s),
    key!("service.account_creation.min_s", Float, ALL, Some((5.0, 30.0)),
        "the lower clamp (also the time to FAILED): from 5 s to 30 s",
        |s| s.service.account_creation.min_s),
    key!("service.account_creation.max_s", Float, ALL, Some((900.0, 3600.0)),
        "the upper clamp: operators treat 10 min as hung; from 15 min to 1 h",
        |s| s.service.account_creation.max_s),
    key!("service.read_latency.min_ms", Int, ALL, Some((50.0, 200.0)),
        "read latencies have no source: from half to double the assumed 100 ms",
        |s| s.service.read_latency.min_ms),
    key!("service.read_latency.max_ms", Int, ALL, Some((200.0, 600.0)),
        "read latencies have no source: the assumed 300 ms from 200 ms to double",
        |s| s.service.read_latency.max_ms),
    KeySpec {
        name: "service.throttle.ListTagsForResource.rate",
        kind: Kind::Float,
        assumed_under: ALL,
        range: Some((2.5, 10.0)),
        reason: "not published (treated like the other list calls, 5/s): from half to double",
        get: |s| s.service.bucket(list_tags()).rate,
        set: |s, v| {
            let b = s.service.bucket(list_tags());
            s.service
                .throttle
                .insert("ListTagsForResource".into(), crate::config::service::Bucket { rate: v, ..b });
        },
    },
    key!("service.create_account_concurrency", Int, NONE, None,
        "documented (5 in progress at a time)",
        |s| s.service.create_account_concurrency),
    key!("service.account_creations_per_day", Int, NONE, None,
        "the limit exists, its value is not published (0: no limit); name a range with --key",
        |s| s.service.account_creations_per_day),
    key!("service.write_latency.min_ms", Int, NONE, None,
        "from ADF's log timestamps [A]",
        |s| s.service.write_latency.min_ms),
    key!("service.write_latency.max_ms", Int, NONE, None,
        "from ADF's log timestamps [A]",
        |s| s.service.write_latency.max_ms),
    key!("deploy.overhead_s", Float, ALL, Some((0.0, 180.0)),
        "the deployer's init, refresh and plan before its first call: none to 3 min",
        |s| s.deploy.overhead_s),
    key!("deploy.parallelism", Int, SDK, Some((5.0, 20.0)),
        "a script's concurrency is its author's choice: from half to double Terraform's 10",
        |s| s.deploy.parallelism),
    key!("deploy.poll_interval_s", Float, SDK_CT, Some((5.0, 30.0)),
        "a script's or the factory's polling is not documented: 5 s to 30 s",
        |s| s.deploy.poll_interval_s),
    key!("deploy.poll_at_once", Bool, SDK_CT, Some((0.0, 1.0)),
        "whether the first poll waits an interval is not documented",
        |s| s.deploy.poll_at_once),
    key!("deploy.create_timeout_s", Float, SDK_CT, Some((300.0, 3600.0)),
        "how long a script or the factory waits for an account is not documented: 5 min to 1 h",
        |s| s.deploy.create_timeout_s),
    key!("deploy.max_attempts", Int, CT, Some((3.0, 25.0)),
        "the factory's retries are assumed the provider's: from the SDK's 3 to the provider's 25",
        |s| s.deploy.max_attempts),
    key!("deploy.backoff_base_ms", Int, CT, Some((500.0, 2000.0)),
        "the factory's retries are assumed the provider's: half to double",
        |s| s.deploy.backoff_base_ms),
    key!("deploy.backoff_cap_ms", Int, CT, Some((20000.0, 300000.0)),
        "the factory's retries are assumed the provider's: from the SDK's 20 s cap to 300 s",
        |s| s.deploy.backoff_cap_ms),
    key!("deploy.retry_quota", Int, CT, Some((0.0, 500.0)),
        "the factory's retries are assumed the provider's (no quota): to the SDK's 500 tokens",
        |s| s.deploy.retry_quota),
    key!("deploy.provider_retry_timeout_s", Float, CT, Some((120.0, 480.0)),
        "the factory's retries are assumed the provider's 4 min: half to double",
        |s| s.deploy.provider_retry_timeout_s),
    key!("deploy.provider_backoff_min_ms", Int, CT, Some((250.0, 1000.0)),
        "the factory's retries are assumed the provider's: half to double",
        |s| s.deploy.provider_backoff_min_ms),
    key!("deploy.provider_backoff_max_ms", Int, CT, Some((5000.0, 20000.0)),
        "the factory's retries are assumed the provider's: half to double",
        |s| s.deploy.provider_backoff_max_ms),
    key!("deploy.tags_in_create", Bool, SDK, Some((0.0, 1.0)),
        "whether a script tags in CreateAccount is its author's choice",
        |s| s.deploy.tags_in_create),
    key!("deploy.read_after_create", Bool, SDK_CT, Some((0.0, 1.0)),
        "whether a script or the factory reads back what it created is not documented",
        |s| s.deploy.read_after_create),
    key!("deploy.account_factory", Int, NONE, None,
        "documented (5 account operations at once)",
        |s| s.deploy.account_factory),
    key!("deploy.provisioning.median_s", Float, CT, Some((600.0, 1800.0)),
        "a vend takes \"20 min and more\" [A]: the assumed 18 min from 10 to 30",
        |s| s.deploy.provisioning.median_s),
    key!("deploy.provisioning.p95_s", Float, CT, Some((1800.0, 5400.0)),
        "a heavy tail [A]: the assumed 45 min from 30 to 90",
        |s| s.deploy.provisioning.p95_s),
    key!("deploy.provisioning.min_s", Float, CT, Some((120.0, 600.0)),
        "the lower clamp, assumed 5 min: 2 to 10",
        |s| s.deploy.provisioning.min_s),
    key!("deploy.provisioning.max_s", Float, CT, Some((5400.0, 21600.0)),
        "the upper clamp, assumed 3 h: 1.5 h to 6 h",
        |s| s.deploy.provisioning.max_s),
];

/// The key named `name`.
pub fn key(name: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|k| k.name == name)
}

/// One key of a design: its name, the values tried besides the scenario's, where its range
/// comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DesignKey {
    pub key: String,
    /// The scenario's value.
    pub base: f64,
    pub low: f64,
    pub high: f64,
    /// `default` (docs/model.md's [X], the range of [`KEYS`]) or `--key`.
    pub range_from: String,
    pub reason: String,
}

/// `--key NAME` or `--key NAME=LO..HI`.
pub fn parse_key_arg(s: &str) -> Result<(String, Option<(f64, f64)>), Invalid> {
    let (name, range) = match s.split_once('=') {
        Some((n, r)) => (n.trim(), Some(r.trim())),
        None => (s.trim(), None),
    };
    let spec = key(name).ok_or_else(|| {
        Invalid::new(format!(
            "unknown key `{name}`; sensitivity varies {}",
            KEYS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
        ))
    })?;
    let range = match range {
        None => None,
        Some(r) => {
            let bad = || Invalid::new(format!("`{s}`: write {name}=LO..HI with numbers LO <= HI"));
            let (a, b) = r.split_once("..").ok_or_else(bad)?;
            let a: f64 = a.trim().parse().map_err(|_| bad())?;
            let b: f64 = b.trim().parse().map_err(|_| bad())?;
            if !(a.is_finite() && b.is_finite() && a <= b) {
                return Err(bad());
            }
            Some((a, b))
        }
    };
    if range.is_none() && spec.range.is_none() {
        return Err(Invalid::new(format!(
            "`{name}` has no default range ({}): name one, {name}=LO..HI",
            spec.reason
        )));
    }
    Ok((spec.name.to_string(), range))
}

/// The design for `sc`: its deployer's [X] keys with their default ranges, then the keys of
/// `extra` (a key named twice keeps the last range given). A variant that the scenario's
/// checks refuse (e.g. a p95 below the median) is an error naming the key and value.
pub fn design(
    sc: &Scenario,
    extra: &[(String, Option<(f64, f64)>)],
) -> Result<Vec<DesignKey>, Invalid> {
    let mut keys: Vec<DesignKey> = Vec::new();
    let mut put = |name: &str, range: Option<(f64, f64)>| {
        let spec = key(name).expect("checked name");
        let (lo, hi) = range.or(spec.range).expect("checked range");
        let d = DesignKey {
            key: spec.name.into(),
            base: (spec.get)(sc),
            low: lo,
            high: hi,
            range_from: if range.is_some() { "--key" } else { "default" }.into(),
            reason: if range.is_some() {
                "the range given with --key".into()
            } else {
                spec.reason.into()
            },
        };
        match keys.iter_mut().find(|k| k.key == d.key) {
            Some(k) => *k = d,
            None => keys.push(d),
        }
    };
    for k in KEYS {
        if k.range.is_some() && k.assumed_under.contains(&sc.deploy.deployer) {
            put(k.name, None);
        }
    }
    for (name, range) in extra {
        put(name, *range);
    }
    for d in &keys {
        for v in [d.low, d.high] {
            let mut s = sc.clone();
            apply(&mut s, &d.key, v);
            s.service
                .check()
                .and_then(|()| s.deploy.check())
                .map_err(|e| {
                    Invalid::new(format!(
                        "{} = {v}: the scenario refuses it ({e}); give a range that fits, --key {}=LO..HI",
                        d.key, d.key
                    ))
                })?;
        }
    }
    Ok(keys)
}

/// Sets key `name` of `sc` to `v`.
pub fn apply(sc: &mut Scenario, name: &str, v: f64) {
    let spec = key(name).expect("a known key");
    (spec.set)(sc, v);
}

/// The design's points: the base (`None`), then each key's low and high value that differ
/// from its base (a key whose range is its value alone adds none).
pub fn points(keys: &[DesignKey]) -> Vec<Option<(usize, f64)>> {
    let mut out = vec![None];
    for (i, k) in keys.iter().enumerate() {
        let spec = key(&k.key).expect("a known key");
        let norm = |v: f64| match spec.kind {
            Kind::Float => v,
            Kind::Int => v.round(),
            Kind::Bool => {
                if v >= 0.5 {
                    1.0
                } else {
                    0.0
                }
            }
        };
        let base = norm(k.base);
        let mut seen = vec![base];
        for v in [k.low, k.high] {
            let v = norm(v);
            if !seen.contains(&v) {
                seen.push(v);
                out.push(Some((i, v)));
            }
        }
    }
    out
}

fn list_tags() -> Operation {
    Operation::parse("ListTagsForResource").expect("a known operation")
}

/// The figures of one point at one count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Figures {
    pub customers: usize,
    pub p50_makespan_s: f64,
    pub p95_makespan_s: f64,
    /// Share of replications in which any resource failed.
    pub failure_probability: f64,
    /// Mean throttled calls a replication.
    pub throttled: f64,
    /// Per `[expect]` claim (in [`claims`] order): the share of replications meeting it.
    pub claims_met: Vec<f64>,
}

/// An `[expect]` claim: its name (the TOML key), its bound, and the test of one replication.
pub struct Claim {
    pub name: &'static str,
    pub bound: f64,
    pub met: fn(&RepRow, f64) -> bool,
}

/// A claim as a shard records it: its `[expect]` key and bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClaimSpec {
    pub claim: String,
    pub bound: f64,
}

/// What a report needs of the scenario besides the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Meta {
    pub scenario: String,
    pub seed: u64,
    pub deployer: Deployer,
    pub claims: Vec<ClaimSpec>,
}

impl Meta {
    pub fn of(sc: &Scenario) -> Meta {
        Meta {
            scenario: sc.name.clone(),
            seed: sc.seed,
            deployer: sc.deploy.deployer,
            claims: claims(sc)
                .iter()
                .map(|c| ClaimSpec {
                    claim: c.name.into(),
                    bound: c.bound,
                })
                .collect(),
        }
    }

    fn claims(&self) -> Vec<Claim> {
        self.claims
            .iter()
            .filter_map(|c| claim(&c.claim, c.bound))
            .collect()
    }
}

/// The claim `name` (an `[expect]` key) with its bound.
pub fn claim(name: &str, bound: f64) -> Option<Claim> {
    claim_list(|n| (n == name).then_some(bound)).pop()
}

/// The scenario's `[expect]` claims that a replication's figures can judge.
pub fn claims(sc: &Scenario) -> Vec<Claim> {
    let e = &sc.expect;
    claim_list(|n| match n {
        "makespan_max_ms" => e.makespan_max_ms.map(|b| b as f64),
        "margin_min" => e.margin_min,
        "unresolved_conflicts_max" => e.unresolved_conflicts_max.map(|b| b as f64),
        "conflicts_max" => e.conflicts_max.map(|b| b as f64),
        "throttled_max" => e.throttled_max.map(|b| b as f64),
        "failed_max" => e.failed_max.map(|b| b as f64),
        _ => None,
    })
}

/// The claims whose bound `bound_of` gives, in `[expect]` order.
fn claim_list(bound_of: impl Fn(&str) -> Option<f64>) -> Vec<Claim> {
    let mut v = Vec::new();
    if let Some(b) = bound_of("makespan_max_ms") {
        v.push(Claim {
            name: "makespan_max_ms",
            bound: b,
            met: |r, b| r.makespan_ms as f64 <= b,
        });
    }
    if let Some(b) = bound_of("margin_min") {
        v.push(Claim {
            name: "margin_min",
            bound: b,
            met: |r, b| r.margin >= b,
        });
    }
    if let Some(b) = bound_of("unresolved_conflicts_max") {
        v.push(Claim {
            name: "unresolved_conflicts_max",
            bound: b,
            met: |r, b| r.unresolved_conflicts as f64 <= b,
        });
    }
    if let Some(b) = bound_of("conflicts_max") {
        v.push(Claim {
            name: "conflicts_max",
            bound: b,
            met: |r, b| r.conflicts as f64 <= b,
        });
    }
    if let Some(b) = bound_of("throttled_max") {
        v.push(Claim {
            name: "throttled_max",
            bound: b,
            met: |r, b| r.throttled as f64 <= b,
        });
    }
    if let Some(b) = bound_of("failed_max") {
        v.push(Claim {
            name: "failed_max",
            bound: b,
            met: |r, b| r.failed_resources as f64 <= b,
        });
    }
    v
}

/// The figures of `rows` (one count's, all its replications).
pub fn figures(n: usize, rows: &[&RepRow], claims: &[Claim]) -> Figures {
    let ms: Vec<u64> = rows.iter().map(|r| r.makespan_ms).collect();
    let p = stats::percentiles_ms(&ms);
    let reps = rows.len().max(1) as f64;
    let share = |f: &dyn Fn(&RepRow) -> bool| {
        stats::round3(rows.iter().filter(|r| f(r)).count() as f64 / reps)
    };
    Figures {
        customers: n,
        p50_makespan_s: p.p50,
        p95_makespan_s: p.p95,
        failure_probability: share(&|r| r.failed_resources > 0),
        throttled: stats::round3(rows.iter().map(|r| r.throttled as f64).sum::<f64>() / reps),
        claims_met: claims
            .iter()
            .map(|c| share(&|r| (c.met)(r, c.bound)))
            .collect(),
    }
}

/// The scenario of point `p`.
pub fn point_scenario(sc: &Scenario, keys: &[DesignKey], p: Option<(usize, f64)>) -> Scenario {
    let mut s = sc.clone();
    if let Some((i, v)) = p {
        apply(&mut s, &keys[i].key, v);
    }
    s
}

/// The shard of point `p`'s sweep that holds the design's shard `shard`: the design's job
/// `j = (p × counts + count index) × replications + replication` is the shard's when
/// `j mod N = K-1`, so point `p`'s local job `i` is when `(i + p × counts × replications) mod
/// N = K-1`.
pub fn point_shard(shard: Shard, p: usize, jobs_per_point: u64) -> Shard {
    let n = u64::from(shard.of);
    let offset = (p as u64 * jobs_per_point) % n;
    let index = (u64::from(shard.index - 1) + n - offset) % n + 1;
    Shard {
        index: index as u32,
        of: shard.of,
    }
}

/// Runs the points of the design's shard `shard` (all with [`Shard::WHOLE`]): each point's
/// rows, in job order. `None` when cancelled.
#[allow(clippy::too_many_arguments)]
pub fn run(
    sc: &Scenario,
    keys: &[DesignKey],
    counts: &[usize],
    replications: u32,
    shard: Shard,
    threads: usize,
    progress: &(dyn Fn() + Sync),
    cancel: &AtomicBool,
) -> Option<Vec<Vec<RepRow>>> {
    let per_point = counts.len() as u64 * u64::from(replications);
    let mut out = Vec::new();
    for (p, point) in points(keys).into_iter().enumerate() {
        let s = point_scenario(sc, keys, point);
        let mut rows = Vec::new();
        let run = sweep::run_sweep_shard(
            &s,
            counts,
            replications,
            point_shard(shard, p, per_point),
            threads,
            progress,
            cancel,
            &mut |r| rows.push(r.clone()),
        );
        if !run.complete {
            return None;
        }
        out.push(rows);
    }
    Some(out)
}

/// How much one key moves the figures at one count: the largest minus the smallest value over
/// the key's points (its base included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Swing {
    pub customers: usize,
    pub p50_makespan_s: f64,
    pub p95_makespan_s: f64,
    pub failure_probability: f64,
    pub throttled: f64,
}

/// One key's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KeyResult {
    #[serde(flatten)]
    pub design: DesignKey,
    /// 1 = moves the p95 makespan at the largest count most.
    pub rank: usize,
    /// The values tried besides the base, each with its figures per count.
    pub values: Vec<ValueResult>,
    pub swing: Vec<Swing>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValueResult {
    pub value: f64,
    pub figures: Vec<Figures>,
}

/// A claim's verdict over the design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClaimVerdict {
    pub claim: String,
    pub bound: f64,
    /// Holds (in at least 95% of the replications) at every point and count.
    pub holds_across_range: bool,
    /// Holds at the scenario's values at every count.
    pub holds_at_base: bool,
    /// The points where it does not hold: key, value, count, share of replications meeting it.
    pub breaks: Vec<Break>,
    /// The verdict as a sentence.
    pub verdict: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Break {
    /// The key varied (`None`: the scenario's values).
    pub key: Option<String>,
    pub value: Option<f64>,
    pub customers: usize,
    pub share_met: f64,
}

/// `orgsim sensitivity`'s report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SensitivityReport {
    pub schema_version: u32,
    /// Always `sensitivity`.
    pub kind: String,
    pub scenario: String,
    pub seed: u64,
    pub deployer: Deployer,
    pub replications: u32,
    pub counts: Vec<usize>,
    /// The share of replications a claim must hold in ([`HOLDS_SHARE`]).
    pub holds_share: f64,
    /// The figures at the scenario's values, per count.
    pub base: Vec<Figures>,
    /// Every key, ranked (rank 1 first).
    pub keys: Vec<KeyResult>,
    pub claims: Vec<ClaimVerdict>,
}

impl crate::json::JsonReport for SensitivityReport {
    const KIND: &'static str = "sensitivity";
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    const CARRIES_VERSION: bool = true;
}

/// The report of the design's rows (every point's, all of them, in job order).
pub fn report(
    meta: &Meta,
    keys: &[DesignKey],
    counts: &[usize],
    replications: u32,
    rows: &[Vec<RepRow>],
) -> SensitivityReport {
    let cl = meta.claims();
    let pts = points(keys);
    let figs: Vec<Vec<Figures>> = rows
        .iter()
        .map(|rs| {
            counts
                .iter()
                .map(|&n| {
                    let mine: Vec<&RepRow> = rs.iter().filter(|r| r.customers == n).collect();
                    figures(n, &mine, &cl)
                })
                .collect()
        })
        .collect();
    let mut results: Vec<KeyResult> = keys
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let values: Vec<ValueResult> = pts
                .iter()
                .zip(&figs)
                .filter_map(|(p, f)| match p {
                    Some((k, v)) if *k == i => Some(ValueResult {
                        value: *v,
                        figures: f.clone(),
                    }),
                    _ => None,
                })
                .collect();
            let swing = counts
                .iter()
                .enumerate()
                .map(|(ci, &n)| {
                    let all: Vec<&Figures> = std::iter::once(&figs[0][ci])
                        .chain(values.iter().map(|v| &v.figures[ci]))
                        .collect();
                    let sw = |f: fn(&Figures) -> f64| {
                        let (lo, hi) = all
                            .iter()
                            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                                (a.min(f(x)), b.max(f(x)))
                            });
                        stats::round3(hi - lo)
                    };
                    Swing {
                        customers: n,
                        p50_makespan_s: sw(|f| f.p50_makespan_s),
                        p95_makespan_s: sw(|f| f.p95_makespan_s),
                        failure_probability: sw(|f| f.failure_probability),
                        throttled: sw(|f| f.throttled),
                    }
                })
                .collect();
            KeyResult {
                design: d.clone(),
                rank: 0,
                values,
                swing,
            }
        })
        .collect();
    let last = counts.len().saturating_sub(1);
    // Ranked by the p95 makespan's swing at the largest count, then P(any failure)'s, then
    // the throttles'; the design's order breaks ties (a stable sort).
    results.sort_by(|a, b| {
        let (x, y) = (&a.swing[last], &b.swing[last]);
        y.p95_makespan_s
            .total_cmp(&x.p95_makespan_s)
            .then(y.failure_probability.total_cmp(&x.failure_probability))
            .then(y.throttled.total_cmp(&x.throttled))
    });
    for (i, r) in results.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    let verdicts = cl
        .iter()
        .enumerate()
        .map(|(c, claim)| {
            let mut breaks = Vec::new();
            for (p, f) in pts.iter().zip(&figs) {
                for fc in f {
                    if fc.claims_met[c] < HOLDS_SHARE {
                        breaks.push(Break {
                            key: p.map(|(k, _)| keys[k].key.clone()),
                            value: p.map(|(_, v)| v),
                            customers: fc.customers,
                            share_met: fc.claims_met[c],
                        });
                    }
                }
            }
            let holds_at_base = !breaks.iter().any(|b| b.key.is_none());
            let what = format!("`{} = {}`", claim.name, claim.bound);
            let verdict = if breaks.is_empty() {
                format!("{what} holds across the whole range (every key, every count)")
            } else if !holds_at_base {
                let at_base: Vec<String> = breaks
                    .iter()
                    .filter(|b| b.key.is_none())
                    .map(|b| {
                        format!(
                            "{} ({:.1}% meet it)",
                            customers(b.customers),
                            b.share_met * 100.0
                        )
                    })
                    .collect();
                // The points at which it holds at every count.
                let rescued: Vec<String> = pts
                    .iter()
                    .flatten()
                    .filter(|(k, v)| {
                        !breaks.iter().any(|b| {
                            b.key.as_deref() == Some(keys[*k].key.as_str()) && b.value == Some(*v)
                        })
                    })
                    .map(|(k, v)| format!("{} = {}", keys[*k].key, fmt_value(*v)))
                    .collect();
                format!(
                    "{what} does not hold at the scenario's own values at {}; {}",
                    at_base.join(", "),
                    if rescued.is_empty() {
                        "no single key's range makes it hold at every count".to_string()
                    } else {
                        format!("it holds at every count only with {}", rescued.join(", "))
                    }
                )
            } else {
                let mut by_key: Vec<String> = Vec::new();
                for b in &breaks {
                    let s = format!(
                        "{} = {} ({}: {:.1}% meet it)",
                        b.key.as_deref().unwrap_or(""),
                        fmt_value(b.value.unwrap_or(0.0)),
                        customers(b.customers),
                        b.share_met * 100.0
                    );
                    if !by_key
                        .iter()
                        .any(|k| k.starts_with(b.key.as_deref().unwrap_or("")))
                    {
                        by_key.push(s);
                    }
                }
                format!(
                    "{what} holds at the scenario's values, but breaks at {}",
                    by_key.join("; ")
                )
            };
            ClaimVerdict {
                claim: claim.name.into(),
                bound: claim.bound,
                holds_across_range: breaks.is_empty(),
                holds_at_base,
                breaks,
                verdict,
            }
        })
        .collect();
    SensitivityReport {
        schema_version: SCHEMA_VERSION,
        kind: "sensitivity".into(),
        scenario: meta.scenario.clone(),
        seed: meta.seed,
        deployer: meta.deployer,
        replications,
        counts: counts.to_vec(),
        holds_share: HOLDS_SHARE,
        base: figs[0].clone(),
        keys: results,
        claims: verdicts,
    }
}

/// One shard of a sensitivity design, as `sensitivity --shard K/N` writes it: the design's
/// job `j = (point × counts + count index) × replications + replication` is shard
/// `(j mod N) + 1`'s; each point's rows as a sweep shard holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SensitivityShard {
    pub schema_version: u32,
    /// Always `sensitivity-shard`.
    pub kind: String,
    #[serde(flatten)]
    pub id: crate::shard::RunId,
    pub meta: Meta,
    pub design: Vec<DesignKey>,
    pub shard: Shard,
    pub rule: String,
    /// Per point of the design (the base first, then each key's values), its counts.
    pub points: Vec<Vec<crate::shard::ShardCount>>,
}

/// The rule a sensitivity shard's jobs follow, as the file records it.
pub const RULE: &str = "job j = (point * counts + count_index) * replications + replication runs on shard (j mod N) + 1";

impl crate::json::JsonReport for SensitivityShard {
    const KIND: &'static str = "sensitivity-shard";
    const SCHEMA_VERSION: u32 = crate::shard::SCHEMA_VERSION;
    const CARRIES_VERSION: bool = true;
}

impl SensitivityShard {
    /// The shard file of `rows` (per point, this shard's rows in job order).
    pub fn new(
        sc: &Scenario,
        keys: &[DesignKey],
        counts: &[usize],
        replications: u32,
        shard: Shard,
        rows: &[Vec<RepRow>],
    ) -> SensitivityShard {
        SensitivityShard {
            schema_version: crate::shard::SCHEMA_VERSION,
            kind: "sensitivity-shard".into(),
            id: crate::shard::RunId::of(sc, counts, replications),
            meta: Meta::of(sc),
            design: keys.to_vec(),
            shard,
            rule: RULE.into(),
            points: rows
                .iter()
                .map(|r| crate::shard::encode_counts(counts, r))
                .collect(),
        }
    }
}

/// Merges shards 1..=N of one design (in any order) into its report; refused as
/// [`crate::shard::merge`] refuses sweeps, and when the designs differ.
pub fn merge(shards: &[SensitivityShard]) -> Result<SensitivityReport, crate::shard::MergeError> {
    use crate::shard::{check_set, decode_counts, interleave, Head, MergeError};
    let heads: Vec<Head> = shards
        .iter()
        .map(|s| Head {
            kind: &s.kind,
            want_kind: "sensitivity-shard",
            schema_version: s.schema_version,
            id: &s.id,
            shard: s.shard,
            extra: Some(("design", format!("{:?}{:?}", s.design, s.meta))),
        })
        .collect();
    let order = check_set(&heads)?;
    let first = &shards[order[0]];
    let n = first.shard.of;
    let pts = points(&first.design);
    let per_point = first.id.counts.len() as u64 * u64::from(first.id.replications);
    let mut rows = Vec::with_capacity(pts.len());
    for p in 0..pts.len() {
        // The point's sweep shard q holds the design shard K with point_shard(K, p) = q.
        let mut per_shard = vec![Vec::new(); n as usize];
        for &i in &order {
            let s = &shards[i];
            let fault = |message: String| MergeError {
                shard: Some(i),
                message,
            };
            let counts = s.points.get(p).ok_or_else(|| {
                fault(format!(
                    "points: {} points, the design has {}",
                    s.points.len(),
                    pts.len()
                ))
            })?;
            let q = point_shard(s.shard, p, per_point);
            per_shard[q.index as usize - 1] =
                decode_counts(counts, &s.id, q, &format!("points[{p}]")).map_err(fault)?;
        }
        rows.push(interleave(per_shard, per_point));
    }
    Ok(report(
        &first.meta,
        &first.design,
        &first.id.counts,
        first.id.replications,
        &rows,
    ))
}

/// `1 customer`, `50 customers`.
fn customers(n: usize) -> String {
    format!("{n} customer{}", if n == 1 { "" } else { "s" })
}

/// A key's value as the reports print it: an integer without decimals, else up to 4.
pub fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The report as Markdown: the ranking (figures at the largest count), the swings at every
/// count, and a verdict line per claim.
pub fn markdown(r: &SensitivityReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let n = r.counts.last().copied().unwrap_or(0);
    let last = r.counts.len().saturating_sub(1);
    let _ = writeln!(
        s,
        "# Sensitivity: {} ({}, {} replications a point, counts {})\n",
        r.scenario,
        r.deployer.as_str(),
        r.replications,
        r.counts
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(b) = r.base.get(last) {
        let _ = writeln!(
            s,
            "At the scenario's values and {n} customers: p50 makespan {:.1} min, p95 {:.1} min, P(any failure) {:.1}%, {:.1} throttled calls.\n",
            b.p50_makespan_s / 60.0,
            b.p95_makespan_s / 60.0,
            b.failure_probability * 100.0,
            b.throttled
        );
    }
    let _ = writeln!(
        s,
        "## Ranking at {n} customers (one key at a time, the others at the scenario's values)\n"
    );
    let _ = writeln!(
        s,
        "| rank | key | scenario | range | p95 makespan (min) low / base / high | swing p95 (min) | swing P(any failure) | swing throttles | why this range |"
    );
    let _ = writeln!(s, "|---:|---|---:|---|---|---:|---:|---:|---|");
    for k in &r.keys {
        let at = |v: f64| {
            k.values
                .iter()
                .find(|x| x.value == v)
                .map(|x| format!("{:.1}", x.figures[last].p95_makespan_s / 60.0))
                .unwrap_or_else(|| "=".into())
        };
        let sw = &k.swing[last];
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {} .. {} | {} / {:.1} / {} | {:.1} | {:.1} pp | {:.1} | {} |",
            k.rank,
            k.design.key,
            fmt_value(k.design.base),
            fmt_value(k.design.low),
            fmt_value(k.design.high),
            at(k.design.low),
            r.base[last].p95_makespan_s / 60.0,
            at(k.design.high),
            sw.p95_makespan_s / 60.0,
            sw.failure_probability * 100.0,
            sw.throttled,
            k.design.reason.replace('|', "/")
        );
    }
    if r.counts.len() > 1 {
        let _ = writeln!(s, "\n## Swing of the p95 makespan (min) at each count\n");
        let _ = write!(s, "| key |");
        for c in &r.counts {
            let _ = write!(s, " {c} |");
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "|---|{}", "---:|".repeat(r.counts.len()));
        for k in &r.keys {
            let _ = write!(s, "| `{}` |", k.design.key);
            for sw in &k.swing {
                let _ = write!(s, " {:.1} |", sw.p95_makespan_s / 60.0);
            }
            let _ = writeln!(s);
        }
    }
    let _ = writeln!(
        s,
        "\n## The scenario's claims (`[expect]`; a claim holds at a point when {:.0}% of its replications meet it)\n",
        r.holds_share * 100.0
    );
    if r.claims.is_empty() {
        let _ = writeln!(s, "The scenario has no `[expect]` claims.");
    }
    for c in &r.claims {
        let _ = writeln!(s, "- {}", c.verdict);
    }
    s
}

/// The report as text: the Markdown's ranking, plainly.
pub fn text(r: &SensitivityReport) -> String {
    markdown(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::scenario;

    #[test]
    fn every_default_range_is_one_the_default_scenario_accepts() {
        for d in [
            Deployer::TerraformAws,
            Deployer::AwsSdkStandard,
            Deployer::ControlTower,
        ] {
            let mut sc = scenario(3);
            sc.set_deployer(d).unwrap();
            let keys = design(&sc, &[]).unwrap_or_else(|e| panic!("{d:?}: {}", e.message));
            assert!(keys.iter().any(|k| k.key == "deploy.overhead_s"), "{d:?}");
            for k in &keys {
                let spec = key(&k.key).unwrap();
                assert!(spec.assumed_under.contains(&d));
                // Set and read back.
                let mut s = sc.clone();
                apply(&mut s, &k.key, k.high);
                assert_eq!((spec.get)(&s), k.high, "{}", k.key);
            }
        }
    }

    /// docs/sensitivity.md lists every key with its default range, and says how many are
    /// varied by default under each deployer.
    #[test]
    fn the_docs_list_every_key_and_its_range() {
        let doc = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sensitivity.md"),
        )
        .unwrap();
        for k in KEYS {
            let range = match k.range {
                Some((lo, hi)) => format!("{} .. {}", fmt_value(lo), fmt_value(hi)),
                None => "— (name one: `--key KEY=LO..HI`)".into(),
            };
            let row = format!("| `{}` | {range} |", k.name);
            assert!(doc.contains(&row), "docs/sensitivity.md lacks {row}");
        }
        for (d, name) in [
            (Deployer::TerraformAws, "terraform-aws"),
            (Deployer::AwsSdkStandard, "aws-sdk-standard"),
            (Deployer::ControlTower, "control-tower"),
        ] {
            let n = KEYS
                .iter()
                .filter(|k| k.range.is_some() && k.assumed_under.contains(&d))
                .count();
            let said = format!("{n} under\n  `{name}`");
            let said2 = format!("{n} under `{name}`");
            assert!(
                doc.contains(&said) || doc.contains(&said2),
                "docs/sensitivity.md: {n} keys under {name}"
            );
        }
    }

    #[test]
    fn point_shards_split_the_design_as_one_job_list() {
        for of in 1..=5u32 {
            let per_point = 7u64;
            let mut seen = vec![0; 3 * per_point as usize];
            for index in 1..=of {
                let shard = Shard { index, of };
                for p in 0..3usize {
                    let s = point_shard(shard, p, per_point);
                    for i in 0..per_point {
                        if s.runs(i) {
                            let j = p as u64 * per_point + i;
                            assert!(shard.runs(j));
                            seen[j as usize] += 1;
                        }
                    }
                }
            }
            assert!(seen.iter().all(|&c| c == 1), "{of}");
        }
    }

    #[test]
    fn a_key_that_moves_the_makespan_ranks_above_one_that_cannot() {
        let sc = scenario(4);
        let extra = vec![
            ("deploy.overhead_s".to_string(), Some((0.0, 600.0))),
            (
                "service.internal_error_probability".to_string(),
                Some((0.0, 0.0)),
            ),
        ];
        let mut keys = design(&sc, &extra).unwrap();
        keys.retain(|k| extra.iter().any(|(n, _)| *n == k.key));
        let rows = run(
            &sc,
            &keys,
            &[2, 4],
            6,
            Shard::WHOLE,
            2,
            &|| {},
            &AtomicBool::new(false),
        )
        .unwrap();
        let r = report(&Meta::of(&sc), &keys, &[2, 4], 6, &rows);
        assert_eq!(r.keys[0].design.key, "deploy.overhead_s");
        // 600 s of overhead moves every makespan by 600 s, less the base's own 60.
        assert!(
            (r.keys[0].swing[1].p95_makespan_s - 600.0).abs() < 2.0,
            "{:?}",
            r.keys[0].swing
        );
        assert_eq!(r.keys[1].swing[1].p95_makespan_s, 0.0);
        assert!(r.keys[1].values.is_empty(), "0..0 around 0: no other value");
        assert_eq!(r.base.len(), 2);
    }

    #[test]
    fn sensitivity_shards_merge_into_the_unsharded_report() {
        let sc = scenario(3);
        let extra = vec![("deploy.overhead_s".to_string(), Some((0.0, 120.0)))];
        let keys = design(&sc, &extra).unwrap();
        let counts = [1, 3];
        let never = AtomicBool::new(false);
        let whole = run(&sc, &keys, &counts, 4, Shard::WHOLE, 2, &|| {}, &never).unwrap();
        let want = report(&Meta::of(&sc), &keys, &counts, 4, &whole);
        for of in [1, 2, 5, 13] {
            let files: Vec<SensitivityShard> = (1..=of)
                .map(|index| {
                    let s = Shard { index, of };
                    let rows = run(&sc, &keys, &counts, 4, s, 1, &|| {}, &never).unwrap();
                    SensitivityShard::new(&sc, &keys, &counts, 4, s, &rows)
                })
                .collect();
            assert_eq!(merge(&files).unwrap(), want, "N = {of}");
        }
        let a = SensitivityShard::new(&sc, &keys, &counts, 4, Shard { index: 1, of: 2 }, &whole);
        let mut b = a.clone();
        b.shard.index = 2;
        b.design[0].high += 1.0;
        let e = merge(&[a, b]).unwrap_err();
        assert!(e.message.starts_with("design"), "{e:?}");
    }

    #[test]
    fn a_variant_the_scenario_refuses_is_an_error_naming_it() {
        let sc = scenario(2);
        let e = design(
            &sc,
            &[("service.account_creation.p95_s".into(), Some((10.0, 20.0)))],
        )
        .unwrap_err();
        assert!(
            e.message.contains("service.account_creation.p95_s = 10"),
            "{}",
            e.message
        );
        assert!(parse_key_arg("deploy.nonsense").is_err());
        assert!(parse_key_arg("deploy.parallelism=9..3").is_err());
        assert!(parse_key_arg("service.account_creations_per_day").is_err());
        assert_eq!(
            parse_key_arg("deploy.parallelism=5..20").unwrap(),
            ("deploy.parallelism".into(), Some((5.0, 20.0)))
        );
    }
}
