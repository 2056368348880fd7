//! What a sweep writes: the JSON report (`sweep --json`, read by `orgsim check`), each count's
//! makespans for `sweep --samples`, and the per-replication CSV.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;

use super::jobs::{run_sweep, SweepRun};
use super::row::RepRow;
use super::summary::CountSummary;

/// A whole sweep, as `orgsim sweep --json` prints it and `orgsim check` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SweepReport {
    /// The format's version ([`SCHEMA_VERSION`]); 1 in files written before it was recorded.
    /// The first key (files of schema 2 written before it led have it second: keys are read by
    /// name).
    #[serde(default = "schema_1")]
    pub schema_version: u32,
    /// Always `sweep`.
    pub kind: String,
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    /// False when the sweep was interrupted; the counts then hold what was done.
    pub complete: bool,
    /// The deployer profile the sweep ran (`check` compares only sweeps of one deployer).
    /// `None` in files written before deployer profiles existed.
    #[serde(default)]
    pub deployer: Option<crate::engine::Deployer>,
    /// The deployer's parallelism and the scenario's account quota, for the record.
    pub parallelism: u32,
    pub account_quota: u32,
    /// The measured latency profile the model used (its `source`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_profile: Option<String>,
    pub counts: Vec<CountSummary>,
}

/// The version of the sweep JSON format. 2 added `schema_version`, each count's `failures`
/// and `conflict_rate_sd`, and (with `sweep --samples`) `makespan_ms_sample`; every key of 1
/// is kept.
pub(crate) const SCHEMA_VERSION: u32 = 2;

impl crate::json::JsonReport for SweepReport {
    const KIND: &'static str = "sweep";
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    /// The sweep carries its own `schema_version` (it reads files of schema 1 too).
    const CARRIES_VERSION: bool = true;
}

fn schema_1() -> u32 {
    1
}

impl SweepReport {
    /// The report of a sweep of `sc` (its seed, deployer, quota) that ran `replications` per
    /// count.
    pub fn new(sc: &Scenario, replications: u32, run: SweepRun) -> SweepReport {
        SweepReport {
            kind: "sweep".into(),
            schema_version: SCHEMA_VERSION,
            scenario: sc.name.clone(),
            seed: sc.seed,
            replications,
            complete: run.complete,
            deployer: Some(sc.deploy.deployer),
            parallelism: sc.deploy.parallelism,
            account_quota: sc.organization.account_quota,
            latency_profile: sc
                .service
                .latency_profile
                .as_ref()
                .map(|p| p.source.clone()),
            counts: run.counts,
        }
    }
}

/// Each count's makespans, gathered row by row (8 bytes a replication), for
/// `sweep --samples`.
#[derive(Debug, Default)]
pub(crate) struct Samples(BTreeMap<usize, Vec<u64>>);

impl Samples {
    pub(crate) fn push(&mut self, r: &RepRow) {
        self.0.entry(r.customers).or_default().push(r.makespan_ms);
    }

    /// Sets each count's `makespan_ms_sample` (sorted).
    pub(crate) fn attach(mut self, counts: &mut [CountSummary]) {
        for c in counts {
            let mut v = self.0.remove(&c.customers).unwrap_or_default();
            v.sort_unstable();
            c.makespan_ms_sample = Some(v);
        }
    }
}

/// A sweep of `sc` at `counts` on `threads` threads, as `orgsim sweep --samples --json` reports
/// it (each count's sorted makespans included).
pub fn sweep_with_samples(
    sc: &Scenario,
    counts: &[usize],
    replications: u32,
    threads: usize,
) -> SweepReport {
    let never = AtomicBool::new(false);
    let mut samples = Samples::default();
    let mut run = run_sweep(
        sc,
        counts,
        replications,
        threads,
        &|| {},
        &never,
        &mut |r| samples.push(r),
    );
    samples.attach(&mut run.counts);
    SweepReport::new(sc, replications, run)
}

/// The header of the per-replication CSV.
pub(crate) const CSV_HEADER: &str = "customers,replication,seed,makespan_s,apply_s,calls,retries,throttled,conflicts,unresolved_conflicts,failed_resources,accounts_created,revenue,costs,margin\n";

/// One replication as a CSV line (with its newline).
pub(crate) fn csv_row(r: &RepRow) -> String {
    format!(
        "{},{},{},{:.3},{:.3},{},{},{},{},{},{},{},{:.2},{:.2},{:.4}\n",
        r.customers,
        r.replication,
        r.seed,
        r.makespan_ms as f64 / 1000.0,
        r.apply_ms as f64 / 1000.0,
        r.calls,
        r.retries,
        r.throttled,
        r.conflicts,
        r.unresolved_conflicts,
        r.failed_resources,
        r.accounts_created,
        r.revenue_cents as f64 / 100.0,
        r.costs_cents as f64 / 100.0,
        r.margin
    )
}
