//! The run and the report: each point's figures, the claims, and the ranking of the keys.

use std::sync::atomic::AtomicBool;

use super::keys::{apply, customers, fmt_value, points, DesignKey};

use serde::{Deserialize, Serialize};

use crate::engine::Deployer;
use crate::scenario::Scenario;
use crate::stats;
use crate::sweep::{self, RepRow, Shard};

/// The version of the sensitivity JSON format.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// The share of replications a claim must hold in to hold at a point.
pub(crate) const HOLDS_SHARE: f64 = 0.95;

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
    pub met: ClaimTest,
}

/// A claim as a shard records it: its `[expect]` key and bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub(crate) struct ClaimSpec {
    pub claim: String,
    pub bound: f64,
}

/// What a report needs of the scenario besides the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub(crate) struct Meta {
    pub scenario: String,
    pub seed: u64,
    pub deployer: Deployer,
    pub claims: Vec<ClaimSpec>,
}

impl Meta {
    pub(crate) fn of(sc: &Scenario) -> Meta {
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
pub(crate) fn claim(name: &str, bound: f64) -> Option<Claim> {
    claim_list(|n| (n == name).then_some(bound)).pop()
}

/// The scenario's `[expect]` claims that a replication's figures can judge.
pub(crate) fn claims(sc: &Scenario) -> Vec<Claim> {
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
/// The `[expect]` keys a replication's row can be judged on, in report order, with the test.
/// Whether a replication's row meets a claim's bound.
type ClaimTest = fn(&RepRow, f64) -> bool;

const CLAIM_TESTS: &[(&str, ClaimTest)] = &[
    ("makespan_max_ms", |r, b| r.makespan_ms as f64 <= b),
    ("margin_min", |r, b| r.margin >= b),
    ("unresolved_conflicts_max", |r, b| {
        r.unresolved_conflicts as f64 <= b
    }),
    ("conflicts_max", |r, b| r.conflicts as f64 <= b),
    ("throttled_max", |r, b| r.throttled as f64 <= b),
    ("failed_max", |r, b| r.failed_resources as f64 <= b),
];

fn claim_list(bound_of: impl Fn(&str) -> Option<f64>) -> Vec<Claim> {
    CLAIM_TESTS
        .iter()
        .filter_map(|&(name, met)| bound_of(name).map(|bound| Claim { name, bound, met }))
        .collect()
}

/// The figures of `rows` (one count's, all its replications).
pub(crate) fn figures(n: usize, rows: &[&RepRow], claims: &[Claim]) -> Figures {
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
pub(crate) fn point_scenario(
    sc: &Scenario,
    keys: &[DesignKey],
    p: Option<(usize, f64)>,
) -> Scenario {
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
pub(crate) fn point_shard(shard: Shard, p: usize, jobs_per_point: u64) -> Shard {
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
pub(crate) fn run(
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
pub(crate) fn report(
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
