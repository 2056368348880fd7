//! One grammar for the whole file: the same value written in every table that takes that kind
//! of value (a duration, an amount of money, a lognormal) reads the same, and a bad one is
//! refused with the same message wherever it is written.

use std::path::Path;

use crate::config::units::parse_duration_ms;
use crate::scenario::{parse, CostKind, Scenario, ScenarioError};

const CUSTOMER: &str = "[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@b.com\"\n";

fn load(tables: &str) -> Result<Scenario, ScenarioError> {
    parse(
        &format!("name = \"x\"\n{CUSTOMER}{tables}"),
        Path::new("t.toml"),
    )
}

/// Where a value is written: the tables that hold it at `{v}`, and what the scenario reads.
type Place = (&'static str, String, fn(&Scenario) -> i64);

/// Every place a scenario takes a duration as a value (ms).
fn duration_places(v: &str, ms: u64) -> Vec<Place> {
    let ops = |table: &str, key: &str| format!("[operations.{table}]\n{key} = {v}\n");
    // Ten arrivals, whatever the duration (the load test needs at least one).
    let rate = 600_000.0 / ms.max(1) as f64;
    vec![
        ("expect.makespan_max", format!("[expect]\nmakespan_max = {v}\n"), |sc| {
            sc.expect.makespan_max_ms.unwrap() as i64
        }),
        (
            "load.duration",
            format!("[load]\nrate = \"{rate}/min\"\nduration = {v}\n"),
            |sc| sc.load.stages[0].duration_ms as i64,
        ),
        ("load.grace", format!("[load]\ngrace = {v}\n"), |sc| {
            sc.load.grace_ms.unwrap() as i64
        }),
        (
            "service.faults[0].from",
            format!("[[service.faults]]\nfrom = {v}\nto = \"30d\"\nerror = \"ServiceException\"\nprobability = 1\n"),
            |sc| sc.service.faults[0].from as i64,
        ),
        (
            "service.faults[0].to",
            format!("[[service.faults]]\nfrom = 0\nto = {v}\nerror = \"ServiceException\"\nprobability = 1\n"),
            |sc| sc.service.faults[0].to as i64,
        ),
        ("operations.horizon", format!("[operations]\nhorizon = {v}\n"), |sc| {
            sc.operations.as_ref().unwrap().horizon_ms as i64
        }),
        ("operations.support.response_sla", ops("support", "response_sla"), |sc| {
            sc.operations.as_ref().unwrap().support.response_sla_ms as i64
        }),
        ("operations.support.resolution_sla", ops("support", "resolution_sla"), |sc| {
            sc.operations.as_ref().unwrap().support.resolution_sla_ms as i64
        }),
        (
            "operations.support.handle_time.mean",
            format!("[operations.support]\nhandle_time = {{ distribution = \"exponential\", mean = {v} }}\n"),
            |sc| match sc.operations.as_ref().unwrap().support.handle_time {
                crate::config::operations::HandleTime::Exponential { mean_ms } => mean_ms as i64,
                _ => -1,
            },
        ),
        ("operations.onboarding.configuration", ops("onboarding", "configuration"), |sc| {
            sc.operations.as_ref().unwrap().onboarding.configuration_ms as i64
        }),
        ("operations.onboarding.post_setup_first", ops("onboarding", "post_setup_first"), |sc| {
            sc.operations.as_ref().unwrap().onboarding.post_setup_first_ms as i64
        }),
        (
            "operations.onboarding.post_setup_each_more",
            ops("onboarding", "post_setup_each_more"),
            |sc| sc.operations.as_ref().unwrap().onboarding.post_setup_each_more_ms as i64,
        ),
        ("operations.onboarding.lead_time_sla", ops("onboarding", "lead_time_sla"), |sc| {
            sc.operations.as_ref().unwrap().onboarding.lead_time_sla_ms as i64
        }),
    ]
}

#[test]
fn a_duration_reads_the_same_in_every_table_and_flag() {
    for (v, ms) in [
        ("90", 90_000),
        ("\"90\"", 90_000),
        ("1.5", 1_500),
        ("\"1m30s500ms\"", 90_500),
        ("\"1h30m\"", 5_400_000),
        ("\"2.5h\"", 9_000_000),
        ("\"1d12h\"", 129_600_000),
        ("\"1w\"", 604_800_000),
    ] {
        for (place, src, read) in duration_places(v, ms) {
            let sc = load(&src).unwrap_or_else(|e| panic!("{place} = {v}: {e}"));
            assert_eq!(read(&sc), ms as i64, "{place} = {v}");
        }
        // `--duration`, `--grace` and `serve --duration` read the text of the flag.
        assert_eq!(
            parse_duration_ms(v.trim_matches('"')),
            Ok(ms),
            "--duration {v}"
        );
    }
}

#[test]
fn a_bad_duration_is_refused_alike_in_every_table() {
    for v in ["\"1d1d1d\"", "\"30m1h\"", "\"5x\"", "-5", "true"] {
        let mut messages = Vec::new();
        for (place, src, _) in duration_places(v, 1_000) {
            let e = load(&src).expect_err(place);
            assert_eq!(e.field.as_deref(), Some(place), "{v}: {e}");
            messages.push((place, e.message));
        }
        let first = messages[0].1.clone();
        for (place, m) in &messages {
            assert_eq!(m, &first, "{place} = {v}");
        }
        if v != "true" {
            let flag = parse_duration_ms(v.trim_matches('"')).unwrap_err();
            assert_eq!(flag.to_string(), first, "--duration {v}");
        }
    }
}

/// Every place a scenario takes an amount of money (cents).
fn money_places(v: &str) -> Vec<Place> {
    fn line(sc: &Scenario) -> i64 {
        match &sc.costs[0].kind {
            CostKind::Fixed { monthly_cents } => *monthly_cents,
            CostKind::PerCustomer { cents } | CostKind::PerAccount { cents } => *cents,
            CostKind::PerTier { cents } => cents["fintech"],
            CostKind::Step { monthly_cents, .. } => *monthly_cents,
            CostKind::RevenueShare { .. } => -1,
        }
    }
    vec![
        (
            "tiers.fintech.monthly_price",
            format!("[tiers.fintech]\nmonthly_price = {v}\n"),
            |sc| sc.tiers["fintech"].monthly_price_cents,
        ),
        (
            "costs[0].monthly",
            format!("[[costs]]\nname = \"c\"\nmonthly = {v}\n"),
            line,
        ),
        (
            "costs[0].per_customer",
            format!("[[costs]]\nname = \"c\"\nper_customer = {v}\n"),
            line,
        ),
        (
            "costs[0].per_account",
            format!("[[costs]]\nname = \"c\"\nper_account = {v}\n"),
            line,
        ),
        (
            "costs[0].per_tier.fintech",
            format!("[[costs]]\nname = \"c\"\nper_tier = {{ fintech = {v} }}\n"),
            line,
        ),
        (
            "costs[0].step.monthly",
            format!("[[costs]]\nname = \"c\"\nstep = {{ every = 1, monthly = {v} }}\n"),
            line,
        ),
        (
            "phases[0].mrr[0]",
            format!("[[phases]]\nname = \"p\"\ncustomers = [1, 2]\nmrr = [{v}]\n"),
            |sc| sc.phases[0].mrr_cents.unwrap().0,
        ),
        (
            "operations.support.monthly_cost_per_person",
            format!("[operations.support]\nmonthly_cost_per_person = {v}\n"),
            |sc| {
                sc.operations
                    .as_ref()
                    .unwrap()
                    .support
                    .monthly_cost_per_person_cents
            },
        ),
        (
            "operations.onboarding.monthly_cost_per_person",
            format!("[operations.onboarding]\nmonthly_cost_per_person = {v}\n"),
            |sc| {
                sc.operations
                    .as_ref()
                    .unwrap()
                    .onboarding
                    .monthly_cost_per_person_cents
            },
        ),
    ]
}

#[test]
fn an_amount_of_money_reads_the_same_in_every_table() {
    for (v, cents) in [
        ("0", 0),
        ("0.29", 29),
        ("99.99", 9_999),
        ("8000", 800_000),
        ("8000.5", 800_050),
        ("1234567.89", 123_456_789),
        ("1000000000000", 100_000_000_000_000),
        ("1e12", 100_000_000_000_000),
    ] {
        for (place, src, read) in money_places(v) {
            let sc = load(&src).unwrap_or_else(|e| panic!("{place} = {v}: {e}"));
            assert_eq!(read(&sc), cents, "{place} = {v}");
        }
    }
    // A customer's own price, beside its tier's.
    let sc = parse(
        "name = \"x\"\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@b.com\"\nmonthly = 99.99\n",
        Path::new("t.toml"),
    )
    .unwrap();
    assert_eq!(sc.customers[0].monthly_cents, 9_999);
}

#[test]
fn a_bad_amount_is_refused_alike_in_every_table() {
    for v in [
        "0.001",
        "-1",
        "-0.5",
        "1000000000001",
        "1e13",
        "nan",
        "\"8000\"",
    ] {
        let mut first: Option<String> = None;
        for (place, src, _) in money_places(v) {
            let e = load(&src).expect_err(place);
            assert!(
                e.field.as_deref().is_some_and(|f| place.starts_with(f)),
                "{place} = {v}: {e}"
            );
            let first = first.get_or_insert_with(|| e.message.clone());
            assert_eq!(&e.message, first, "{place} = {v}");
        }
    }
}

#[test]
fn a_lognormal_is_the_same_distribution_in_every_table() {
    let (median, p95) = (600, 1_200);
    let deploy = load(&format!(
        "[deploy.provisioning]\nmedian_s = {median}\np95_s = {p95}\n"
    ))
    .unwrap();
    let service = load(&format!(
        "[service.account_creation]\nmedian_s = {median}\np95_s = {p95}\n"
    ))
    .unwrap();
    let ops = load(&format!(
        "[operations.support]\nhandle_time = {{ distribution = \"lognormal\", median = {median}, p95 = {p95} }}\n"
    ))
    .unwrap();
    let a = deploy.deploy.provisioning;
    let b = service.service.account_creation;
    let (mu_ms, sigma) = ops
        .operations
        .unwrap()
        .support
        .handle_time
        .lognormal_params()
        .unwrap();
    assert_eq!(a.sigma(), b.sigma());
    assert_eq!(a.sigma(), sigma);
    assert_eq!(sigma, (2.0f64).ln() / crate::config::Z95);
    for z in [-1.0, 0.0, 1.0, crate::config::Z95] {
        assert_eq!(a.at_s(z), b.at_s(z), "z = {z}");
        let handle_s = (mu_ms + sigma * z).exp() / 1000.0;
        assert!((a.at_s(z) - handle_s).abs() < 1e-9 * handle_s, "z = {z}");
    }
    // The 95th percentile is p95 itself, in each.
    assert!((a.at_s(crate::config::Z95) - p95 as f64).abs() < 1e-9);
}
