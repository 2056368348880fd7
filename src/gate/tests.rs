use super::*;
use crate::stats::MeanP95;

/// A change made to a copy of a valid file.
type Edit<T> = fn(&mut T);

#[test]
fn the_exceedance_distribution_is_the_count_over_all_arrangements() {
    // m baseline and n result samples of one distribution: every interleaving is equally
    // likely. Count, over all of them, how many result samples lie above the j-th baseline.
    fn brute(m: u64, n: u64, j: u64) -> Vec<f64> {
        let total = m + n;
        let mut counts = vec![0u64; n as usize + 1];
        let mut all = 0u64;
        for mask in 0u32..(1 << total) {
            if u64::from(mask.count_ones()) != n {
                continue; // bit set = a result sample at that position
            }
            all += 1;
            let (mut seen_b, mut above) = (0, 0);
            for pos in 0..total {
                if mask & (1 << pos) != 0 {
                    if seen_b >= j {
                        above += 1;
                    }
                } else {
                    seen_b += 1;
                }
            }
            counts[above] += 1;
        }
        counts.iter().map(|&c| c as f64 / all as f64).collect()
    }
    for (m, n, j) in [(1, 1, 1), (4, 3, 2), (6, 5, 6), (5, 7, 1), (8, 6, 7)] {
        let got = exceedance_pmf(m, n, j);
        let want = brute(m, n, j);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert!(
                (g - w).abs() < 1e-12,
                "m={m} n={n} j={j}: {got:?} vs {want:?}"
            );
        }
    }
    // Large counts still sum to 1.
    let sum: f64 = exceedance_pmf(5000, 5000, 4750).iter().sum();
    assert!((sum - 1.0).abs() < 1e-9, "{sum}");
}

#[test]
fn the_critical_count_holds_the_false_alarm_rate() {
    let (m, n) = (200, 200);
    let j = rank(m, 0.95);
    assert_eq!(j, 190);
    let pmf = exceedance_pmf(m, n, j);
    for alpha in [0.05, 0.001, 3.3e-5] {
        let c = exceedance_critical(m, n, j, alpha);
        let tail: f64 = pmf[c as usize..].iter().sum();
        let one_less: f64 = pmf[c as usize - 1..].iter().sum();
        assert!(tail <= alpha && one_less > alpha, "{alpha}: c={c}");
    }
    // Too few replications for the rate: the test cannot flag anything.
    assert_eq!(exceedance_critical(5, 5, 5, 1e-6), 6);
}

#[test]
fn normal_and_t_quantiles_match_the_tables() {
    for (p, z) in [
        (0.975, 1.959_964),
        (0.995, 2.575_829),
        (0.999, 3.090_232),
        (0.5, 0.0),
        (0.025, -1.959_964),
        (1.0 - 1e-6, 4.753_424),
    ] {
        assert!((normal_quantile(p) - z).abs() < 1e-5, "{p}");
    }
    for (p, df, t) in [
        (0.975, 1.0, 12.706),
        (0.995, 9.0, 3.250),
        (0.975, 30.0, 2.042),
        (0.999, 10.0, 4.144),
        (0.975, 120.0, 1.980),
    ] {
        assert!((t_quantile(p, df) - t).abs() < 1e-3, "{p} {df}");
    }
    assert!((t_quantile(0.999, 1e7) - 3.090_232).abs() < 1e-4);
}

#[test]
fn wilson_and_newcombe_give_the_published_intervals() {
    let z = normal_quantile(0.975);
    // Newcombe (1998), Statistics in Medicine 17:873, table II: 56/70 − 48/80 = 0.2, method
    // 10 gives 0.0524 to 0.3339; and 0/10 has the Wilson interval 0 to 0.2775.
    let (lo, hi) = newcombe(56, 70, 48, 80, z);
    assert!(
        (lo - 0.0524).abs() < 1e-4 && (hi - 0.3339).abs() < 1e-4,
        "{lo} {hi}"
    );
    let (lo, hi) = wilson(0, 10, z);
    assert!(lo == 0.0 && (hi - 0.2775).abs() < 1e-4, "{hi}");
}

fn count(customers: usize, makespans: &[u64], failures: u64, rate: f64, sd: f64) -> CountSummary {
    let mut sample = makespans.to_vec();
    sample.sort_unstable();
    let n = sample.len();
    CountSummary {
        customers,
        replications: n,
        makespan_s: crate::stats::percentiles_ms(&sample),
        calls: MeanP95 { mean: 0.0, p95: 0 },
        retries: MeanP95 { mean: 0.0, p95: 0 },
        throttled: MeanP95 { mean: 0.0, p95: 0 },
        conflicts: MeanP95 { mean: 0.0, p95: 0 },
        unresolved_conflicts: MeanP95 { mean: 0.0, p95: 0 },
        conflict_rate: rate,
        conflict_rate_sd: Some(sd),
        failure_probability: crate::stats::round3(failures as f64 / n as f64),
        failures: Some(failures),
        accounts_per_minute: 0.0,
        accounts_created: MeanP95 { mean: 0.0, p95: 0 },
        orphaned_accounts: None,
        revenue: 0.0,
        costs: 0.0,
        margin: 0.0,
        makespan_ms_sample: Some(sample),
    }
}

fn report(counts: Vec<CountSummary>) -> SweepReport {
    SweepReport {
        kind: "sweep".into(),
        schema_version: SCHEMA_VERSION,
        scenario: "s".into(),
        seed: 1,
        replications: counts[0].replications as u32,
        complete: true,
        deployer: Some(crate::engine::Deployer::TerraformAws),
        parallelism: 10,
        account_quota: 10,
        latency_profile: None,
        counts,
    }
}

/// 400 makespans spread evenly over 100 s to 500 s, times `scale`.
fn spread(scale: f64) -> Vec<u64> {
    (0..400)
        .map(|i| ((100_000 + i * 1000) as f64 * scale) as u64)
        .collect()
}

#[test]
fn each_figure_regresses_only_beyond_its_noise() {
    let base = report(vec![count(2, &spread(1.0), 40, 1.0, 0.5)]);
    let rows = compare(&base, &base, DEFAULT_FALSE_ALARM);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| !r.regressed && r.can_fail), "{rows:?}");
    // Slower by 20%: a quarter of the result above the baseline's p95.
    let slow = report(vec![count(2, &spread(1.2), 40, 1.0, 0.5)]);
    let rows = compare(&slow, &base, DEFAULT_FALSE_ALARM);
    let p95 = &rows[0];
    assert_eq!(p95.metric, "makespan_p95_s");
    assert!(p95.regressed, "{}", p95.detail);
    assert!(p95.result_above.unwrap() > p95.hi as u64);
    assert!(
        p95.detail.contains("above the baseline's p95"),
        "{}",
        p95.detail
    );
    assert!(!rows[1].regressed && !rows[2].regressed);
    // Slower by 2%: within the noise of 400 replications.
    let little = report(vec![count(2, &spread(1.02), 40, 1.0, 0.5)]);
    assert!(!compare(&little, &base, DEFAULT_FALSE_ALARM)[0].regressed);
    // Failures doubled (10% → 20% of 400) and conflicts up by a third.
    let worse = report(vec![count(2, &spread(1.0), 80, 1.33, 0.5)]);
    let rows = compare(&worse, &base, DEFAULT_FALSE_ALARM);
    assert!(
        !rows[0].regressed && rows[1].regressed && rows[2].regressed,
        "{rows:?}"
    );
    assert!(
        rows[1].lo > 0.0 && rows[1].detail.contains("interval +0.0"),
        "{}",
        rows[1].detail
    );
    // 10% → 13%: not beyond the noise.
    let near = report(vec![count(2, &spread(1.0), 52, 1.05, 0.5)]);
    let rows = compare(&near, &base, DEFAULT_FALSE_ALARM);
    assert!(rows.iter().all(|r| !r.regressed), "{rows:?}");
    // A looser false-alarm rate flags a smaller change.
    let rows = compare(&near, &base, 0.5);
    assert!(rows[1].regressed || rows[2].regressed, "{rows:?}");
}

#[test]
fn a_mismatched_baseline_is_refused_naming_the_field_but_not_for_its_seed() {
    let base = report(vec![count(2, &spread(1.0), 40, 1.0, 0.5)]);
    let mut other_seed = base.clone();
    other_seed.seed = 7;
    assert_eq!(refusal(&other_seed, &base), None);
    let cases: [(&str, Edit<SweepReport>); 6] = [
        ("`scenario`", |r| r.scenario = "other".into()),
        ("`deployer`", |r| {
            r.deployer = Some(crate::engine::Deployer::ControlTower)
        }),
        ("`parallelism`", |r| r.parallelism = 20),
        ("`account_quota`", |r| r.account_quota = 200),
        ("`latency_profile`", |r| {
            r.latency_profile = Some("x".into())
        }),
        ("`replications`", |r| {
            r.replications = 200;
            r.counts[0] = count(2, &spread(1.0)[..200], 20, 1.0, 0.5);
        }),
    ];
    for (field, change) in cases {
        let mut r = base.clone();
        change(&mut r);
        let why = refusal(&r, &base).unwrap_or_default();
        assert!(why.contains(field), "{field}: {why}");
    }
}

#[test]
fn values_outside_their_domain_are_refused_naming_the_field() {
    let base = report(vec![count(2, &spread(1.0), 40, 1.0, 0.5)]);
    let cases: [(&str, Edit<CountSummary>); 9] = [
        ("`counts[0].failure_probability` (2 customers) is 50", |c| {
            c.failure_probability = 50.0
        }),
        ("`counts[0].makespan_s.p95` (2 customers) is 1.7e308", |c| {
            c.makespan_s.p95 = 1.7e308
        }),
        ("`counts[0].failures`", |c| c.failures = Some(41)),
        ("`counts[0].failures` (2 customers) is missing", |c| {
            c.failures = None
        }),
        ("`counts[0].conflict_rate`", |c| c.conflict_rate = f64::NAN),
        ("`counts[0].conflict_rate_sd`", |c| {
            c.conflict_rate_sd = Some(-1.0)
        }),
        (
            "`counts[0].makespan_ms_sample` (2 customers) is missing",
            |c| c.makespan_ms_sample = None,
        ),
        ("`counts[0].makespan_ms_sample`", |c| {
            c.makespan_ms_sample.as_mut().unwrap().reverse()
        }),
        ("but its `makespan_ms_sample` gives", |c| {
            c.makespan_s.p95 = 400.0
        }),
    ];
    for (want, change) in cases {
        let mut b = base.clone();
        change(&mut b.counts[0]);
        let why = refusal(&base, &b).unwrap_or_default();
        assert!(
            why.contains("the baseline") && why.contains(want),
            "{want}: {why}"
        );
        let why = refusal(&b, &base).unwrap_or_default();
        assert!(
            why.contains("the result") && why.contains(want),
            "{want}: {why}"
        );
    }
    let mut newer = base.clone();
    newer.schema_version = SCHEMA_VERSION + 1;
    assert!(refusal(&newer, &base)
        .unwrap_or_default()
        .contains("`schema_version`"));
}

#[test]
fn makespans_beyond_thirty_days_are_in_the_domain() {
    // A daily creation limit can make a run last longer than the sweep histogram's nominal 30
    // days: such a file is valid (the checker once refused it).
    let long: Vec<u64> = (0..100).map(|i| 40 * 86_400_000 + i).collect();
    let b = report(vec![count(2, &long, 0, 0.0, 0.0)]);
    assert!(b.counts[0].makespan_s.mean > 30.0 * 86_400.0);
    assert_eq!(refusal(&b, &b), None);
    assert!(compare(&b, &b, DEFAULT_FALSE_ALARM)
        .iter()
        .all(|r| !r.regressed));
}

#[test]
fn the_check_report_counts_regressions_and_lost_coverage_in_its_verdict() {
    let base = report(vec![count(2, &spread(1.0), 40, 1.0, 0.5)]);
    let same = CheckReport::new(
        "r".into(),
        "b".into(),
        0.001,
        compare(&base, &base, 0.001),
        vec![],
    );
    assert!(same.verdict.is_pass());
    assert_eq!((same.comparison_count, same.regression_count), (3, 0));
    assert_eq!(same.per_figure_false_alarm, 0.001 / 3.0);
    let slow = report(vec![count(2, &spread(1.2), 40, 1.0, 0.5)]);
    let worse = CheckReport::new(
        "r".into(),
        "b".into(),
        0.001,
        compare(&slow, &base, 0.001),
        vec![],
    );
    assert!(!worse.verdict.is_pass());
    assert_eq!(worse.regression_count, 1);
    let lost = CheckReport::new(
        "r".into(),
        "b".into(),
        0.001,
        compare(&base, &base, 0.001),
        vec![5],
    );
    assert!(!lost.verdict.is_pass());
    assert_eq!(
        (lost.missing_count, lost.missing_counts.clone()),
        (1, vec![5])
    );
    let json = crate::json::report_json(&lost);
    assert!(
        json.starts_with("{\n  \"schema_version\": 1,\n  \"kind\": \"check\","),
        "{json}"
    );
}
