use super::*;
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
    assert!(c.most_in_flight <= 1, "{}", text(&c));
    assert!(o.most_in_flight > 1, "{}", text(&o));
    // One at a time, each waits for the one before: the queue grows.
    assert!(
        c.onboarding_corrected_s.p95 > 2.0 * c.onboarding_raw_s.p95,
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
