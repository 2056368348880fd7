//! The key table: the keys a design can vary, their default ranges and reasons, and the design
//! and its points built from them.

use serde::{Deserialize, Serialize};

use crate::config::Invalid;
use crate::engine::Deployer;
use crate::org::types::Operation;
use crate::scenario::Scenario;

/// How a key's value is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Float,
    Int,
    Bool,
}

/// A key the design can vary.
pub(crate) struct KeySpec {
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
pub(crate) static KEYS: &[KeySpec] = &[
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
    // A constant in place of the profile's drawn overhead, as `overhead_s` in `[deploy]` is.
    KeySpec {
        name: "deploy.overhead_s",
        kind: Kind::Float,
        assumed_under: ALL,
        range: Some((0.0, 180.0)),
        reason: "the deployer's init, refresh and plan before its first call: none to 3 min",
        get: |s| match &s.deploy.overhead {
            Some(d) => d.median_s,
            None => s.deploy.overhead_s,
        },
        set: |s, v| {
            s.deploy.overhead_s = v;
            s.deploy.overhead = None;
        },
    },
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
pub(crate) fn key(name: &str) -> Option<&'static KeySpec> {
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
pub(crate) fn parse_key_arg(s: &str) -> Result<(String, Option<(f64, f64)>), Invalid> {
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
pub(crate) fn design(
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
pub(crate) fn apply(sc: &mut Scenario, name: &str, v: f64) {
    let spec = key(name).expect("a known key");
    (spec.set)(sc, v);
}

/// The design's points: the base (`None`), then each key's low and high value that differ
/// from its base (a key whose range is its value alone adds none).
pub(crate) fn points(keys: &[DesignKey]) -> Vec<Option<(usize, f64)>> {
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

/// A key's value as the reports print it: an integer without decimals, else up to 4.
pub(crate) fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// `1 customer`, `50 customers`.
pub(crate) fn customers(n: usize) -> String {
    format!("{n} customer{}", if n == 1 { "" } else { "s" })
}
