use super::*;
use crate::config::loadtest::{Arrivals, Stage};
use crate::engine::tests::scenario;

#[test]
fn schedules_follow_the_rate() {
    let constant = [Stage {
        duration_ms: 60 * 60_000,
        target_per_min: 2.0,
    }];
    let u = schedule(&constant, Arrivals::Uniform, 1);
    assert_eq!(u.len(), 120);
    assert!(
        (u[1] as i64 - u[0] as i64 - 30_000).abs() <= 100,
        "evenly spaced: {:?}",
        &u[..3]
    );
    let p = schedule(&constant, Arrivals::Poisson, 1);
    assert!((90..=150).contains(&p.len()), "{}", p.len());
    assert_eq!(p, schedule(&constant, Arrivals::Poisson, 1));
    assert_ne!(p, schedule(&constant, Arrivals::Poisson, 2));
    // A ramp from 0 to 4/min over 10 min brings ~20 arrivals, later ones denser.
    let ramp = [
        Stage {
            duration_ms: 600_000,
            target_per_min: 0.0,
        },
        Stage {
            duration_ms: 600_000,
            target_per_min: 4.0,
        },
    ];
    let r = schedule(&ramp, Arrivals::Uniform, 1);
    assert_eq!(r.len(), 20);
    assert!(r.iter().all(|&t| t >= 600_000));
    assert!(r[1] - r[0] > r[19] - r[18]);
    // A quiet stage is skipped whole: 29 days at 0/min cost no steps, and the arrivals after it
    // fall where the integration puts them.
    let quiet = [
        Stage {
            duration_ms: 29 * 86_400_000,
            target_per_min: 0.0,
        },
        Stage {
            duration_ms: 600_000,
            target_per_min: 4.0,
        },
    ];
    let t = std::time::Instant::now();
    let q = schedule(&quiet, Arrivals::Uniform, 1);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(
        q,
        r.iter()
            .map(|&x| x - 600_000 + 29 * 86_400_000)
            .collect::<Vec<_>>()
    );
}

fn spec(minutes: u64, per_min: f64, thresholds: &[&str]) -> LoadSpec {
    LoadSpec {
        stages: vec![Stage {
            duration_ms: minutes * 60_000,
            target_per_min: per_min,
        }],
        arrivals: Arrivals::Uniform,
        thresholds: thresholds
            .iter()
            .map(|t| crate::config::loadtest::parse_threshold(t).unwrap())
            .collect(),
        max_concurrent: None,
        grace_ms: DEFAULT_GRACE_MS,
    }
}

#[test]
fn a_light_load_is_served_and_a_heavy_one_queues() {
    let mut sc = scenario(2);
    sc.organization.account_quota = 1000;
    let r = simulate(&sc, &spec(30, 0.2, &["p95 onboarding < 15m"]), 7);
    assert_eq!(r.onboardings, 6);
    assert_eq!(r.unfinished, 0);
    assert_eq!(r.verdict.as_str(), "PASS", "{}", text(&r));
    // 10 customers a minute is far beyond CreateAccount's 0.1/s and 5 in progress: the
    // Terraform provider's 25 attempts absorb the throttling, and the onboardings queue.
    let heavy = spec(10, 10.0, &["p95 onboarding < 15m", "error rate < 1%"]);
    let h = simulate(&sc, &heavy, 7);
    assert_eq!(h.onboardings, 100);
    assert!(h.throttled > 100, "{}", text(&h));
    assert!(
        h.throughput_per_min < 10.0 * 0.5,
        "the service cannot keep up"
    );
    assert_eq!(h.verdict.as_str(), "FAIL");
    assert_eq!(h.thresholds[0].status.as_str(), "FAIL", "{}", text(&h));
    // A script on the SDK's default retries gives up instead: onboardings fail.
    let mut script = sc.clone();
    script
        .set_deployer(crate::engine::Deployer::AwsSdkStandard)
        .unwrap();
    let f = simulate(&script, &heavy, 7);
    assert!(
        f.error_rate > 0.2,
        "CreateAccount's limits fail onboardings: {}",
        text(&f)
    );
    assert_eq!(f.thresholds[1].status.as_str(), "FAIL");
    // Deterministic.
    let again = simulate(&sc, &heavy, 7);
    assert_eq!(
        serde_json::to_string(&again).unwrap(),
        serde_json::to_string(&h).unwrap()
    );
}

#[test]
fn a_concurrency_cap_queues_arrivals_and_only_the_corrected_latency_shows_it() {
    let mut sc = scenario(2);
    sc.organization.account_quota = 1000;
    let open = spec(10, 1.0, &[]);
    let mut capped = open.clone();
    capped.max_concurrent = Some(1);
    let o = simulate(&sc, &open, 3);
    let c = simulate(&sc, &capped, 3);
    assert_eq!((o.onboardings, c.onboardings), (10, 10));
    assert!(c.most_running <= 1, "{}", text(&c));
    assert!(o.most_running > 1, "{}", text(&o));
    // One at a time, each waits for the one before: the queue grows.
    assert!(
        c.onboarding_corrected_s.p95.unwrap() > 2.0 * c.onboarding_raw_s.p95.unwrap(),
        "{}",
        text(&c)
    );
    // Without a cap nobody waits: corrected equals raw.
    assert_eq!(o.onboarding_corrected_s.p95, o.onboarding_raw_s.p95);
    // A short grace cuts the queue off: the rest are unfinished and count as errors.
    let mut short = capped.clone();
    short.grace_ms = 0;
    let s = simulate(&sc, &short, 3);
    assert!(s.unfinished > 0, "{}", text(&s));
    assert!(s.error_rate > 0.0);
    assert!(s.completed + s.failed + s.unfinished == 10);
}

#[test]
fn running_never_exceeds_the_cap_and_the_waiting_are_named_apart() {
    // Far beyond capacity with a cap of 4: the queue of arrivals waits, and the summary, the
    // over-time table and the unfinished count say the same.
    let mut sc = scenario(2);
    sc.organization.account_quota = 1000;
    let mut heavy = spec(30, 6.0, &[]);
    heavy.max_concurrent = Some(4);
    heavy.grace_ms = 0;
    let r = simulate(&sc, &heavy, 5);
    assert_eq!(r.most_running, 4, "{}", text(&r));
    assert!(r.over_time.iter().all(|b| b.running <= 4), "{}", text(&r));
    assert!(r.waiting_at_end > 0, "{}", text(&r));
    assert_eq!(r.unfinished, r.running_at_end + r.waiting_at_end);
    assert!(r.running_at_end <= 4);
    let last = r.over_time.last().unwrap();
    assert_eq!(
        (last.running, last.waiting),
        (r.running_at_end, r.waiting_at_end),
        "{}",
        text(&r)
    );
    assert!(r.most_waiting >= r.waiting_at_end);
    let t = text(&r);
    assert!(
        t.contains(&format!(
            "{} unfinished ({} running, {} still waiting for a slot when the test ended)",
            r.unfinished, r.running_at_end, r.waiting_at_end
        )),
        "{t}"
    );
    assert!(
        t.contains("most running at once 4 (max_concurrent 4)"),
        "{t}"
    );
}

#[test]
fn censored_ranks_are_lower_bounds_where_they_fall_among_the_unfinished() {
    // Exact 10, 20, 30; censored at 5 and 25 (at least).
    let (e, c) = ([10, 20, 30], [5, 25]);
    // p20 is the 1st of 5: the censored 5, at least 5 (its true value may be above 10).
    assert_eq!(censored_rank(&e, &c, 20.0), Some((5, false)));
    // p60 is the 3rd: 5, 10, 20 → 20; with the censored anywhere higher, 10, 20, 30 → 30.
    assert_eq!(censored_rank(&e, &c, 60.0), Some((20, false)));
    // Without censoring, exact.
    assert_eq!(censored_rank(&e, &[], 60.0), Some((20, true)));
    assert_eq!(censored_rank(&[], &[], 50.0), None);
    // Censored above every exact one: the low percentiles are exact.
    assert_eq!(censored_rank(&e, &[100], 50.0), Some((20, true)));
    assert_eq!(censored_rank(&e, &[100], 100.0), Some((100, false)));
    let l = Latency::of(&[10_000, 20_000, 30_000], &[100_000], 0.001);
    assert_eq!((l.count, l.censored), (4, 1));
    assert_eq!(l.p50, Some(20.0));
    assert_eq!(l.at_least, vec!["p90", "p95", "p99", "max"]);
}

fn observed<'a>(
    sc: &'a crate::scenario::Scenario,
    spec: &'a LoadSpec,
    onboardings: Vec<Onboarding>,
    calls: Vec<CallSample>,
    unanswered: Vec<(crate::org::types::Operation, u64)>,
    end_ms: u64,
) -> LoadReport {
    summarize(Observed {
        sc,
        backend: "sdk",
        seed: 1,
        spec,
        onboardings,
        calls,
        unanswered,
        failures: Default::default(),
        end_ms,
        interrupted: false,
    })
}

fn onboarding(intended_ms: u64, start: Option<u64>, end: Option<u64>, ok: bool) -> Onboarding {
    Onboarding {
        customer: "c".into(),
        intended_ms,
        start_ms: start,
        end_ms: end,
        success: ok,
    }
}

#[test]
fn a_latency_threshold_over_no_samples_fails_and_failures_are_not_latencies() {
    use crate::org::types::Operation;
    let sc = scenario(1);
    let th = spec(
        1,
        1.0,
        &[
            "p95 onboarding < 15m",
            "p99 CreateAccount < 2s",
            "error rate < 100%",
        ],
    );
    // 44 arrivals, every one failed quickly: a 100%-failing run has no onboarding latency.
    let failed: Vec<Onboarding> = (0..44)
        .map(|i| onboarding(i * 1000, Some(i * 1000), Some(i * 1000 + 50), false))
        .collect();
    let r = observed(&sc, &th, failed, Vec::new(), Vec::new(), 60_000);
    assert_eq!(r.onboarding_corrected_s.count, 0);
    assert_eq!(r.onboarding_corrected_s.p95, None);
    assert_eq!(r.thresholds[0].status.as_str(), "FAIL", "{}", text(&r));
    assert_eq!(r.thresholds[0].measured, None);
    assert!(
        r.thresholds[0]
            .shown
            .starts_with("nothing: no onboarding completed"),
        "{}",
        r.thresholds[0].shown
    );
    assert_eq!(r.thresholds[1].status.as_str(), "FAIL");
    assert_eq!(r.verdict.as_str(), "FAIL");
    // 44 arrivals, 0 completed, 44 unfinished (a stalled CreateAccount): censored at the end,
    // and every call sent is counted, answered or not.
    let stalled: Vec<Onboarding> = (0..44)
        .map(|i| onboarding(i * 1000, Some(i * 1000), None, false))
        .collect();
    let sent: Vec<(Operation, u64)> = (0..77)
        .map(|i| (Operation::CreateAccount, 1_000_000 + i))
        .collect();
    let r = observed(&sc, &th, stalled, Vec::new(), sent, 20 * 60_000);
    assert_eq!((r.completed, r.unfinished), (0, 44));
    assert_eq!(r.onboarding_corrected_s.censored, 44);
    // The earliest arrivals waited nearly the whole 20 minutes: p95 is at least 1198 s (the
    // 42nd of 44, censored at the end), which breaks 15m.
    let t = &r.thresholds[0];
    assert_eq!(t.status.as_str(), "FAIL", "{}", text(&r));
    assert!(t.at_least);
    assert!(t.shown.starts_with("at least 20.0 min"), "{}", t.shown);
    assert_eq!(t.measured, Some(1198.0));
    assert!(t.shown.contains(" min"), "in the unit written: {}", t.shown);
    assert_eq!((r.calls, r.unanswered), (77, 77));
    assert_eq!(r.operations_ms["CreateAccount"].censored, 77);
    assert!(
        text(&r).contains("77 calls sent, 0 answered"),
        "{}",
        text(&r)
    );
    assert_eq!(r.thresholds[1].status.as_str(), "FAIL");
    // A censored figure below an upper limit cannot show the limit is met: it fails too.
    let short = spec(1, 1.0, &["p50 onboarding < 15m"]);
    let r = observed(
        &sc,
        &short,
        vec![onboarding(0, Some(0), None, false)],
        Vec::new(),
        Vec::new(),
        60_000,
    );
    assert_eq!(r.thresholds[0].status.as_str(), "FAIL");
    assert!(r.thresholds[0].shown.starts_with("at least 1.0 min"));
}

#[test]
fn thresholds_are_reported_in_the_unit_they_were_written_in() {
    let sc = scenario(1);
    let th = spec(
        1,
        1.0,
        &[
            "p95 onboarding < 15m",
            "p95 onboarding < 2h",
            "p95 onboarding < 1000s",
        ],
    );
    let done: Vec<Onboarding> = (0..10)
        .map(|i| onboarding(0, Some(0), Some(60_000 * (i + 20)), true))
        .collect();
    let r = observed(&sc, &th, done, Vec::new(), Vec::new(), 60 * 60_000);
    let shown: Vec<&str> = r.thresholds.iter().map(|t| t.shown.as_str()).collect();
    assert_eq!(shown, vec!["29.0 min", "0.48 h", "1740.0 s"]);
    assert_eq!(r.thresholds[0].measured, Some(1740.0));
    // Empty intervals have no latency: blank in the text, null in JSON.
    assert!(r
        .over_time
        .iter()
        .any(|b| b.completed == 0 && b.p50_s.is_none()));
}
