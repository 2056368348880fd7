//! The whole `ops` and `staff` computations: JSON keys, determinism, the staffing search's
//! answers and limits, the claims on the defaults, and the deployment durations.

use crate::config::calendar::{Calendar, DAY_MS, HOUR_MS, MINUTE_MS};
use crate::config::operations::{HandleTime, OperationsConfig, TicketRates};
use crate::ops::claims::{self, ClaimsDeploy, Verdict};
use crate::ops::desk::{self, Demand, QueueTrace, Scratch, ServeParams};
use crate::ops::staff::{self, StaffInput, StaffOptions};
use crate::ops::{onboarding, report, OpsCustomer, OpsInput};
use crate::report::charts;

fn customers(n: usize) -> Vec<OpsCustomer> {
    (0..n)
        .map(|i| OpsCustomer {
            tier: if i % 2 == 0 { "fintech" } else { "healthcare" }.into(),
            signed_ms: 0,
            monthly_cents: if i % 2 == 0 { 800_000 } else { 1_500_000 },
        })
        .collect()
}

const EIGHT_MIN: u64 = 8 * MINUTE_MS;

fn deploy() -> ClaimsDeploy {
    ClaimsDeploy {
        two_together_ms: vec![EIGHT_MIN, EIGHT_MIN],
        alone_ms: vec![EIGHT_MIN, EIGHT_MIN],
    }
}

fn ops_report(cfg: &OperationsConfig, n: usize, seed: u64) -> crate::ops::OpsReport {
    let cs = customers(n);
    let d = vec![EIGHT_MIN; n];
    let cd = deploy();
    crate::ops::run(&OpsInput {
        config: cfg,
        customers: &cs,
        deploy_ms: &d,
        alone_ms: &d,
        claims_deploy: &cd,
        replications: 5,
        seed,
    })
}

/// 10 customers, 90 days, 5 replications (plus the claims' 5 at 2 and 100 customers).
#[test]
fn ops_json_has_the_issues_keys_and_is_byte_identical_for_a_seed() {
    let cfg = OperationsConfig::default();
    let a = report::json(&ops_report(&cfg, 10, 42));
    let b = report::json(&ops_report(&cfg, 10, 42));
    assert_eq!(a, b, "same seed, same bytes");
    assert_ne!(a, report::json(&ops_report(&cfg, 10, 43)));
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    for k in [
        "tickets",
        "response_sla_attainment",
        "resolution_sla_attainment",
        "utilisation",
        "wait_p50_h",
        "wait_p95_h",
        "queue",
    ] {
        assert!(v["support"].get(k).is_some(), "support.{k}");
    }
    for k in [
        "customers",
        "lead_time_p50_min",
        "lead_time_p95_min",
        "staff_minutes",
        "batch_vs_sequential",
    ] {
        assert!(v["onboarding"].get(k).is_some(), "onboarding.{k}");
    }
    assert_eq!(v["claims"].as_array().unwrap().len(), 4);
    assert_eq!(v["support"]["queue"].as_array().unwrap().len(), 91, "daily");
    // 10 customers × 4.8 a month × 90 days ≈ 142 tickets per replication.
    let t = v["support"]["tickets_per_replication"].as_f64().unwrap();
    assert!((110.0..175.0).contains(&t), "{t}");
    let r = ops_report(&cfg, 10, 42);
    assert_eq!(r.onboarding.customers, 10);
    // One engineer, 10 at once: 5 + 8, then 30 + 9 × 15 = 165 min of post-setup.
    assert_eq!(r.onboarding.lead_time_max_min, 178.0);
    assert_eq!(r.onboarding.staff_minutes, 170.0);
    assert!(r.support.utilisation > 0.0 && r.support.utilisation < 1.0);
    let text = report::ops_text(&r);
    assert!(text.contains("The brief's claims"), "{text}");
    assert!(report::ops_markdown(&r).contains("| claim | verdict | measured |"));
}

/// The brief's claims on the defaults with 8-minute deployments, 20 replications.
#[test]
fn the_claims_on_the_defaults() {
    let cfg = OperationsConfig::default();
    let cs = customers(2);
    let cd = deploy();
    let out = claims::evaluate(&claims::ClaimsInput {
        config: &cfg,
        customers: &cs,
        deploy: &cd,
        replications: 20,
        seed: 9,
        target: 0.95,
        limit: 1000,
    });
    let by = |id: &str| out.iter().find(|c| c.id == id).unwrap();
    let batch = by("two_customers_58_vs_90_min");
    assert_eq!(batch.figures["batch_total_min"], 58.0);
    assert_eq!(batch.figures["sequential_total_min"], 86.0);
    assert_eq!(batch.verdict, Verdict::Pass);
    let one = by("one_customer_45_min");
    assert_eq!(one.figures["total_min"], 43.0);
    assert_eq!(one.verdict, Verdict::Pass);
    let lev = by("one_person_handles_2x_customers");
    assert_eq!(lev.verdict, Verdict::Pass, "{}", lev.measured);
    assert_eq!(lev.label, "[X]");
    let lin = by("support_scales_linearly");
    assert_eq!(lin.verdict, Verdict::Fail, "{}", lin.measured);
    assert_eq!(lin.figures["staff_at_2"], 1.0);
    // Offered load at 100 customers: 480 tickets a month × 10 h = 6.6 people; square-root
    // staffing needs a few more, far fewer than 50.
    let at_100 = lin.figures["staff_at_100"];
    assert!((7.0..=12.0).contains(&at_100), "{at_100}");
    assert!(lin.figures["ratio"] < 0.25);
}

fn staff_input<'a>(
    cfg: &'a OperationsConfig,
    cs: &'a [OpsCustomer],
    counts: &'a [usize],
    deploy: &'a dyn Fn(usize) -> Vec<u64>,
    options: StaffOptions,
) -> StaffInput<'a> {
    StaffInput {
        config: cfg,
        customers: cs,
        counts,
        deploy_ms: deploy,
        options,
    }
}

/// 1..=30 customers, 20 replications, 90 days.
#[test]
fn the_staff_table_is_minimal_and_grows_sublinearly() {
    let cfg = OperationsConfig::default();
    let cs = customers(30);
    let counts: Vec<usize> = (1..=30).collect();
    let d = |n: usize| vec![EIGHT_MIN; n];
    let r = staff::table(&staff_input(
        &cfg,
        &cs,
        &counts,
        &d,
        StaffOptions::default(),
    ))
    .unwrap();
    assert_eq!(r.staff.len(), 30);
    assert_eq!(r.sensitivity.len(), 2);
    for row in &r.staff {
        let s = row.support_staff.expect("meetable");
        assert!(row.response_sla_attainment >= 0.95 && row.resolution_sla_attainment >= 0.95);
        assert!(s as f64 > row.offered_load, "stable");
        // Minimal: one fewer misses the target (the search's cache holds the answer).
        if s > 1 {
            let mut search = staff::SupportSearch::new(&cfg, 0.95, 1000);
            search.load(&cs[..row.customers], 1.0, 20, 1);
            let (a, b) = search.evaluate(s - 1);
            assert!(
                a < 0.95 || b < 0.95,
                "{} customers: {} would do",
                row.customers,
                s - 1
            );
        }
        let cost = row.monthly_staff_cost.unwrap();
        assert_eq!(
            cost,
            s as i64 * 600_000 + row.onboarding_staff.unwrap() as i64 * 900_000
        );
        assert_eq!(row.profit_after_staff, Some(row.monthly_revenue - cost));
    }
    let first = r.staff[0].support_staff.unwrap();
    let last = r.staff[29].support_staff.unwrap();
    assert!(last < 30 * first, "sublinear: {first} at 1, {last} at 30");
    // Half the tickets never need more people, twice as many never fewer.
    for ((base, half), double) in r
        .staff
        .iter()
        .zip(&r.sensitivity[0].staff)
        .zip(&r.sensitivity[1].staff)
    {
        assert!(half.support_staff <= base.support_staff);
        assert!(double.support_staff >= base.support_staff);
    }
    assert_eq!(r.curves.len(), 5);
    assert!(r.notes[0].contains("1,000 people"), "{}", r.notes[0]);
    let svg = charts::attainment_svg(&r);
    assert!(
        svg.starts_with("<svg") && svg.contains("polyline"),
        "{}",
        &svg[..200]
    );
    let svg = charts::staff_svg(&r);
    assert!(svg.starts_with("<svg") && svg.contains("polyline"));
    assert!(report::staff_text(&r).contains("at 2× the ticket rate"));
    assert!(report::staff_markdown(&r).contains("| customers | support staff |"));
    let again = staff::table(&staff_input(
        &cfg,
        &cs,
        &counts,
        &d,
        StaffOptions::default(),
    ))
    .unwrap();
    assert_eq!(report::json(&r), report::json(&again));
}

#[test]
fn an_unmeetable_sla_is_reported_with_the_limit_and_ends() {
    let cs = customers(3);
    let counts = [3usize];
    let d = |n: usize| vec![EIGHT_MIN; n];
    // Offered load beyond the limit: 3 customers × 1000 tickets a month of 30 days each is
    // 4.1 tickets an hour × 720 h ≈ 2,960 people.
    let mut cfg = OperationsConfig::default();
    cfg.support.tickets_per_customer_month = TicketRates::uniform(1000.0);
    cfg.support.handle_time = HandleTime::Exponential {
        mean_ms: 30 * DAY_MS,
    };
    cfg.horizon_ms = 7 * DAY_MS;
    let r = staff::table(&staff_input(
        &cfg,
        &cs,
        &counts,
        &d,
        StaffOptions::default(),
    ))
    .unwrap();
    let row = &r.staff[0];
    assert_eq!(row.support_staff, None);
    assert_eq!(row.monthly_staff_cost, None);
    let note = row.note.as_ref().unwrap();
    assert!(
        note.contains("ρ ≥ 1") && note.contains("limit of 1000"),
        "{note}"
    );
    // Stable but never met: handling takes longer than the resolution SLA.
    let mut cfg = OperationsConfig::default();
    cfg.support.handle_time = HandleTime::Lognormal {
        median_ms: 100 * HOUR_MS,
        p95_ms: 200 * HOUR_MS,
    };
    let o = StaffOptions {
        replications: 3,
        limit: 50,
        curve_staff: 0,
        multipliers: vec![],
        ..StaffOptions::default()
    };
    let r = staff::table(&staff_input(&cfg, &cs, &counts, &d, o)).unwrap();
    let note = r.staff[0].note.as_ref().unwrap();
    assert!(note.contains("even 50 people (the limit)"), "{note}");
    // Office hours and a 24 h response SLA in calendar time: weekend tickets wait 64 h.
    let mut cfg = OperationsConfig::default();
    cfg.support.hours =
        Calendar::weekly(&Calendar::block("mon-fri", "09:00", "17:00").unwrap()).unwrap();
    let o = StaffOptions {
        replications: 5,
        limit: 30,
        multipliers: vec![],
        ..StaffOptions::default()
    };
    let r = staff::table(&staff_input(&cfg, &cs, &counts, &d, o)).unwrap();
    let note = r.staff[0].note.as_ref().unwrap();
    assert!(
        note.contains("cap response attainment near 76.2%"),
        "{note}"
    );
    // Onboarding that no number of engineers can make: the deployment alone outlasts the SLA.
    let slow = |n: usize| vec![2 * DAY_MS; n];
    let r = staff::table(&staff_input(
        &OperationsConfig::default(),
        &cs,
        &counts,
        &slow,
        StaffOptions {
            limit: 20,
            ..StaffOptions::default()
        },
    ))
    .unwrap();
    assert_eq!(r.staff[0].onboarding_staff, None);
    assert!(r.staff[0]
        .note
        .as_ref()
        .unwrap()
        .contains("onboarding: unmeetable"));
    // Bad options are errors, not panics.
    let bad = StaffOptions {
        target: 0.0,
        ..StaffOptions::default()
    };
    assert!(staff::table(&staff_input(&cfg, &cs, &counts, &d, bad)).is_err());
    assert!(staff::table(&staff_input(&cfg, &cs, &[4], &d, StaffOptions::default())).is_err());
}

#[test]
fn the_desk_is_deterministic_for_a_seed_under_office_hours() {
    let mut cfg = OperationsConfig::default();
    cfg.support.hours =
        Calendar::weekly(&Calendar::block("mon-fri", "09:00", "17:00").unwrap()).unwrap();
    cfg.support.staff = 2;
    let cs = customers(50);
    let s = &cfg.support;
    let demand = Demand::new(
        cs.iter().map(|c| (c.signed_ms, c.tier.as_str())),
        &s.tickets_per_customer_month,
        1.0,
    );
    let run = |seed: u64| {
        let mut t = Vec::new();
        desk::generate_tickets(
            &demand,
            &s.handle_time,
            &s.hours,
            cfg.horizon_ms,
            seed,
            &mut t,
        );
        let mut w = Vec::new();
        let mut tr = QueueTrace::new(cfg.horizon_ms, 91);
        let p = ServeParams {
            staff: s.staff,
            calendar: &s.hours,
            response_sla_ms: s.response_sla_ms,
            resolution_sla_ms: s.resolution_sla_ms,
            horizon_ms: cfg.horizon_ms,
            measure_from_ms: 0,
        };
        let st = desk::serve(&t, &p, &mut Scratch::default(), Some(&mut w), Some(&mut tr));
        (st, w, tr.samples())
    };
    let (a, b) = (run(5), run(5));
    assert_eq!(a, b);
    assert_ne!(a.1, run(6).1);
    // Office hours: utilisation counts open staff time only; nobody starts while closed.
    assert!(a.0.utilisation() > 0.0 && a.0.utilisation() <= 1.0);
    assert_eq!(
        a.0.open_staff_ms,
        2 * cfg.support.hours.open_time(cfg.horizon_ms)
    );
}

#[test]
fn deployment_durations_come_from_the_simulated_accounts() {
    let sc = crate::engine::tests::scenario(3);
    let d = onboarding::deployment_durations(&sc, 42);
    assert_eq!(d.len(), 3);
    let out = crate::sim::run(&sc, 42);
    assert!(d.iter().all(|&x| x > 0 && x <= out.trace.makespan_ms()));
    assert_eq!(d, onboarding::deployment_durations(&sc, 42));
    let alone = onboarding::deployment_durations_alone(&sc, 2, 42);
    assert_eq!(alone.len(), 2);
    assert!(alone.iter().all(|&x| x > 0));
    let cd = ClaimsDeploy::from_scenario(&sc, 42);
    assert_eq!(cd.two_together_ms.len(), 2);
    assert_eq!(cd.alone_ms, alone);
    let one = ClaimsDeploy::from_scenario(&onboarding::only_customer(&sc, 0), 42);
    assert_eq!(
        one.two_together_ms.len(),
        2,
        "one customer stands in for both"
    );
}

/// Issue 21: the staffing search held every replication's tickets at once (a 100,000-customer
/// search with 20 replications, gigabytes). Beyond its budget it draws each replication again
/// from the same seed: the same tickets, the same answers.
#[test]
fn the_search_draws_its_tickets_again_rather_than_hold_beyond_its_budget() {
    let cfg = OperationsConfig::default();
    let cs = customers(40);
    let mut held = staff::SupportSearch::new(&cfg, 0.95, 1000);
    let mut drawn = staff::SupportSearch::new(&cfg, 0.95, 1000).with_held_limit(0);
    held.load(&cs, 1.0, 6, 3);
    drawn.load(&cs, 1.0, 6, 3);
    for staff in [1, 2, 3, 5] {
        assert_eq!(held.evaluate(staff), drawn.evaluate(staff), "{staff} staff");
    }
    assert_eq!(held.answer().staff, drawn.answer().staff);
    let d = Demand::new(
        cs.iter().map(|c| (c.signed_ms, c.tier.as_str())),
        &cfg.support.tickets_per_customer_month,
        1.0,
    );
    // 40 customers × 4.8 tickets a month over 90 days.
    let expected = 40.0 * 4.8 * (90 * DAY_MS) as f64 / crate::config::operations::MONTH_MS as f64;
    assert!((d.expected_tickets(cfg.horizon_ms) - expected).abs() < 1e-6);
}
