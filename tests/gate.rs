//! The regression gate (`orgsim check`) on the shipped scenarios, at the replication counts
//! `scripts/regression.sh` runs and against the committed `reports/baseline/`: sweeps of other
//! seeds of an unchanged scenario raise no alarm, and a 20% slower account creation or a
//! doubled failure probability is caught. The sweeps run in-process through the library.

use std::path::Path;

use orgsim::gate::{self, DEFAULT_FALSE_ALARM};
use orgsim::scenario::Scenario;
use orgsim::sweep::{self, RepRow, SweepReport, SweepRun};

/// One line of `scripts/regression.sh`'s `sweeps` table.
struct Shipped {
    name: String,
    counts: Vec<usize>,
    replications: u32,
}

/// The sweeps `scripts/regression.sh` runs, read from it (so that these tests follow it).
fn shipped(name: &str) -> Shipped {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read_to_string(root.join("scripts/regression.sh")).unwrap();
    let table = script.split("sweeps=(").nth(1).unwrap();
    let table = &table[..table.find(')').unwrap()];
    for line in table.lines() {
        let f: Vec<&str> = line.trim().trim_matches('"').split_whitespace().collect();
        if f.first() == Some(&name) {
            let (lo, hi) = sweep::parse_range(f[1]).unwrap();
            return Shipped {
                name: name.into(),
                counts: sweep::counts(lo, hi, f[2].parse().unwrap()),
                replications: f[3].parse().unwrap(),
            };
        }
    }
    panic!("{name} is not in scripts/regression.sh");
}

impl Shipped {
    fn scenario(&self) -> Scenario {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        orgsim::scenario::read(&root.join(format!("scenarios/{}.toml", self.name))).unwrap()
    }

    fn baseline(&self) -> SweepReport {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text =
            std::fs::read_to_string(root.join(format!("reports/baseline/{}.json", self.name)))
                .unwrap();
        let b: SweepReport = serde_json::from_str(&text).unwrap();
        let counts: Vec<usize> = b.counts.iter().map(|c| c.customers).collect();
        assert_eq!(counts, self.counts, "{}: the baseline's counts", self.name);
        assert_eq!(b.replications, self.replications, "{}", self.name);
        b
    }

    fn sweep(&self, sc: &Scenario, seed: u64) -> SweepReport {
        let mut sc = sc.clone();
        sc.seed = seed;
        sweep::sweep_with_samples(&sc, &self.counts, self.replications, 2)
    }
}

/// The regressed figures of `result` against `baseline` (the test fails on a refusal).
fn alarms(result: &SweepReport, baseline: &SweepReport) -> Vec<String> {
    assert_eq!(gate::refusal(result, baseline), None);
    assert!(gate::missing_counts(result, baseline).is_empty());
    gate::compare(result, baseline, DEFAULT_FALSE_ALARM)
        .into_iter()
        .filter(|c| c.regressed)
        .map(|c| c.detail)
        .collect()
}

/// Seeds 1..=20 (the baselines are made at the scenarios' seed 42) raise no alarm.
fn twenty_seeds_raise_no_alarm(name: &str) {
    let s = shipped(name);
    let (sc, base) = (s.scenario(), s.baseline());
    assert_eq!(base.seed, sc.seed);
    for seed in 1..=20 {
        assert_ne!(seed, sc.seed);
        let found = alarms(&s.sweep(&sc, seed), &base);
        assert!(found.is_empty(), "{name} seed {seed}: {found:#?}");
    }
}

#[test]
fn twenty_other_seeds_of_two_customers_raise_no_alarm() {
    twenty_seeds_raise_no_alarm("two-customers");
}

#[test]
fn twenty_other_seeds_of_five_customers_raise_no_alarm() {
    twenty_seeds_raise_no_alarm("five-customers");
}

#[test]
fn twenty_other_seeds_of_hundred_customers_raise_no_alarm() {
    twenty_seeds_raise_no_alarm("hundred-customers");
}

/// Every account creation 20% slower: the lognormal's median, p95 and both clamps.
#[test]
fn a_twenty_percent_slower_account_creation_is_caught_in_each_scenario() {
    for name in ["two-customers", "five-customers", "hundred-customers"] {
        let s = shipped(name);
        let mut sc = s.scenario();
        let ac = &mut sc.service.account_creation;
        for v in [
            &mut ac.median_s,
            &mut ac.p95_s,
            &mut ac.min_s,
            &mut ac.max_s,
        ] {
            *v *= 1.2;
        }
        let found = alarms(&s.sweep(&sc, 7), &s.baseline());
        assert!(!found.is_empty(), "{name}: the slower creation passed");
    }
}

/// A deterministic draw in [0, 1) for replication `k` of count `n` (splitmix64).
fn uniform(n: usize, k: u32) -> f64 {
    let mut z = (n as u64) << 32 ^ u64::from(k) ^ 0x9e37_79b9_7f4a_7c15;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) as f64 / 2f64.powi(64)
}

/// The rows of a sweep of an unchanged scenario at another seed, with each replication that
/// did not fail made to fail with probability p / (1 − p), p the baseline's failure
/// probability at that count: the failure probability doubles (to 1 at p ≥ 0.5); nothing
/// else changes.
#[test]
fn a_doubled_failure_probability_is_caught_in_each_scenario() {
    for name in ["two-customers", "five-customers", "hundred-customers"] {
        let s = shipped(name);
        let (mut sc, base) = (s.scenario(), s.baseline());
        sc.seed = 7;
        let mut rows: Vec<RepRow> = Vec::new();
        let never = std::sync::atomic::AtomicBool::new(false);
        sweep::run_sweep(
            &sc,
            &s.counts,
            s.replications,
            2,
            &|| {},
            &never,
            &mut |r| rows.push(r.clone()),
        );
        let mut counts = Vec::new();
        let (mut before, mut after) = (0, 0);
        for b in &base.counts {
            let p = b.failure_probability;
            let flip = if p >= 0.5 { 1.0 } else { p / (1.0 - p) };
            let mut mine: Vec<RepRow> = rows
                .iter()
                .filter(|r| r.customers == b.customers)
                .cloned()
                .collect();
            for r in &mut mine {
                before += u64::from(r.failed_resources > 0);
                if r.failed_resources == 0 && uniform(r.customers, r.replication) < flip {
                    r.failed_resources = 1;
                }
                after += u64::from(r.failed_resources > 0);
            }
            let mut c = sweep::summarize(b.customers, &mine.iter().collect::<Vec<_>>());
            let mut sample: Vec<u64> = mine.iter().map(|r| r.makespan_ms).collect();
            sample.sort_unstable();
            c.makespan_ms_sample = Some(sample);
            counts.push(c);
        }
        assert!(
            after > before * 3 / 2,
            "{name}: {before} → {after} failures"
        );
        let run = SweepRun {
            counts,
            done: rows.len() as u64,
            complete: true,
        };
        let result = SweepReport::new(&sc, s.replications, run);
        let found = alarms(&result, &base);
        assert!(!found.is_empty(), "{name}: doubled failures passed");
        assert!(
            found.iter().all(|d| d.contains("failure_probability")),
            "{name}: only the failures changed: {found:#?}"
        );
    }
}
