//! `[operations]` read through the scenario loader like every other table: defaults, every
//! key, and each bad input named by field and placed at file:line:col.

use std::path::Path;

use crate::config::calendar::{Calendar, DAY_MS, HOUR_MS, MINUTE_MS};
use crate::config::operations::{HandleTime, OperationsConfig, TicketRates};
use crate::scenario::ScenarioError;

/// A scenario with one customer before the `[operations]` tables under test.
const HEAD: &str =
    "name = \"x\"\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@b.com\"\n";

fn parse(src: &str) -> Result<OperationsConfig, ScenarioError> {
    crate::scenario::parse(&format!("{HEAD}{src}"), Path::new("t.toml"))
        .map(|sc| sc.operations.expect("an [operations] table"))
}

/// The error, checking its field and that it is placed at the last `text` of `src`.
fn fails(src: &str, path: &str, text: &str) -> ScenarioError {
    let e = parse(src).expect_err(src);
    assert_eq!(e.field.as_deref(), Some(path), "{e}");
    let whole = format!("{HEAD}{src}");
    let at = HEAD.len() + src.rfind(text).expect("text in src");
    let line = whole[..at].matches('\n').count() + 1;
    let column = whole[..at]
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .chars()
        .count()
        + 1;
    assert_eq!((e.line, e.column), (line, column), "place of {e}");
    e
}

#[test]
fn an_empty_table_gives_the_documented_defaults() {
    let c = parse("[operations]\n").unwrap();
    assert_eq!(c, OperationsConfig::default());
    assert_eq!(c.horizon_ms, 90 * DAY_MS);
    assert_eq!(c.support.staff, 1);
    assert!(c.support.hours.is_always());
    assert_eq!(
        c.support.tickets_per_customer_month,
        TicketRates::uniform(4.8)
    );
    assert_eq!(
        c.support.handle_time,
        HandleTime::Exponential {
            mean_ms: 10 * HOUR_MS
        }
    );
    assert_eq!(c.support.response_sla_ms, 24 * HOUR_MS);
    assert_eq!(c.support.resolution_sla_ms, 72 * HOUR_MS);
    assert_eq!(c.support.monthly_cost_per_person_cents, 600_000);
    assert_eq!(c.onboarding.engineers, 1);
    assert_eq!(c.onboarding.configuration_ms, 5 * MINUTE_MS);
    assert_eq!(c.onboarding.post_setup_first_ms, 30 * MINUTE_MS);
    assert_eq!(c.onboarding.post_setup_each_more_ms, 15 * MINUTE_MS);
    assert_eq!(c.onboarding.monthly_cost_per_person_cents, 900_000);
}

#[test]
fn the_issues_example_parses_with_every_key() {
    let c = parse(
        r#"
[operations]
horizon = "30d"

[operations.support]
staff = 2
hours = { days = "mon-fri", from = "09:00", to = "17:00" }
tickets_per_customer_month = { fintech = 6, healthcare = 8.5 }
handle_time = { distribution = "lognormal", median = "2h", p95 = "1d" }
response_sla = "8h"
resolution_sla = "1h30m"
monthly_cost_per_person = 6000.50

[operations.onboarding]
engineers = 3
hours = [{ days = "mon-fri", from = "09:00", to = "12:00" }, { days = "mon-fri", from = "13:00", to = "17:00" }]
configuration = "0m"
post_setup_first = 1800
post_setup_each_more = "10m"
lead_time_sla = "2d"
monthly_cost_per_person = 9000
"#,
    )
    .unwrap();
    assert_eq!(c.horizon_ms, 30 * DAY_MS);
    let s = &c.support;
    assert_eq!(s.staff, 2);
    assert_eq!(s.hours.open_per_week_ms(), 40 * HOUR_MS);
    assert_eq!(s.tickets_per_customer_month.per_month("fintech"), 6.0);
    assert_eq!(s.tickets_per_customer_month.per_month("healthcare"), 8.5);
    assert_eq!(
        s.tickets_per_customer_month.per_month("standard"),
        4.8,
        "unlisted tiers keep the default"
    );
    assert_eq!(
        s.handle_time,
        HandleTime::Lognormal {
            median_ms: 2 * HOUR_MS,
            p95_ms: DAY_MS
        }
    );
    assert_eq!(s.response_sla_ms, 8 * HOUR_MS);
    assert_eq!(s.resolution_sla_ms, 90 * MINUTE_MS);
    assert_eq!(s.monthly_cost_per_person_cents, 600_050);
    let o = &c.onboarding;
    assert_eq!(o.engineers, 3);
    assert_eq!(o.hours.open_per_week_ms(), 35 * HOUR_MS);
    assert_eq!(o.configuration_ms, 0, "+0 with automation");
    assert_eq!(o.post_setup_first_ms, 30 * MINUTE_MS, "a number is seconds");
    assert_eq!(o.post_setup_each_more_ms, 10 * MINUTE_MS);
    assert_eq!(o.lead_time_sla_ms, 2 * DAY_MS);
    let c =
        parse("[operations.support]\nhours = \"24x7\"\ntickets_per_customer_month = 3\n").unwrap();
    assert_eq!(c.support.hours, Calendar::always());
    assert_eq!(
        c.support.tickets_per_customer_month,
        TicketRates::uniform(3.0)
    );
}

#[test]
fn zero_or_negative_staff_is_refused_by_field() {
    let src = "[operations.support]\nstaff = 0\n";
    let e = fails(src, "operations.support.staff", "0");
    assert!(e.message.contains("at least 1"), "{e}");
    fails(
        "[operations.support]\nstaff = -3\n",
        "operations.support.staff",
        "-3",
    );
    fails(
        "[operations.onboarding]\nengineers = 0\n",
        "operations.onboarding.engineers",
        "0",
    );
    fails(
        "[operations.support]\nstaff = 1001\n",
        "operations.support.staff",
        "1001",
    );
}

#[test]
fn a_rate_of_zero_or_nan_is_refused_by_field() {
    let key = "operations.support.tickets_per_customer_month";
    fails(
        "[operations.support]\ntickets_per_customer_month = 0\n",
        key,
        "0",
    );
    fails(
        "[operations.support]\ntickets_per_customer_month = nan\n",
        key,
        "nan",
    );
    fails(
        "[operations.support]\ntickets_per_customer_month = -1.5\n",
        key,
        "-1.5",
    );
    fails(
        "[operations.support]\ntickets_per_customer_month = inf\n",
        key,
        "inf",
    );
    let e = fails(
        "[operations.support]\ntickets_per_customer_month = { fintech = 2, healthcare = nan }\n",
        "operations.support.tickets_per_customer_month.healthcare",
        "nan",
    );
    assert!(e.message.contains("NaN"), "{e}");
    fails(
        "[operations.support]\ntickets_per_customer_month = {}\n",
        key,
        "{}",
    );
}

#[test]
fn an_unknown_tier_in_a_rate_table_is_refused_at_its_key() {
    let e = fails(
        "[operations.support]\ntickets_per_customer_month = { fintech = 2, crypto = 9 }\n",
        "operations.support.tickets_per_customer_month.crypto",
        "crypto",
    );
    assert!(e.message.contains("unknown tier `crypto`"), "{e}");
    assert!(
        e.message
            .contains("fintech, gov-federal, healthcare, standard"),
        "{e}"
    );
}

#[test]
fn an_sla_of_zero_or_a_bad_duration_is_refused_by_field() {
    let e = fails(
        "[operations.support]\nresponse_sla = \"0h\"\n",
        "operations.support.response_sla",
        "\"0h\"",
    );
    assert!(e.message.contains("longer than 0"), "{e}");
    fails(
        "[operations.support]\nresolution_sla = 0\n",
        "operations.support.resolution_sla",
        "0",
    );
    fails(
        "[operations.onboarding]\nlead_time_sla = \"0s\"\n",
        "operations.onboarding.lead_time_sla",
        "\"0s\"",
    );
    fails(
        "[operations]\nhorizon = \"0d\"\n",
        "operations.horizon",
        "\"0d\"",
    );
    let e = fails(
        "[operations]\nhorizon = \"3 fortnights\"\n",
        "operations.horizon",
        "\"3 fortnights\"",
    );
    assert!(e.message.contains("not a duration"), "{e}");
    fails(
        "[operations]\nhorizon = \"20000d\"\n",
        "operations.horizon",
        "\"20000d\"",
    );
    fails(
        "[operations.onboarding]\nconfiguration = -5\n",
        "operations.onboarding.configuration",
        "-5",
    );
}

#[test]
fn an_empty_or_malformed_schedule_is_refused_by_field() {
    let e = fails(
        "[operations.support]\nhours = []\n",
        "operations.support.hours",
        "[]",
    );
    assert!(e.message.contains("no open hours"), "{e}");
    let e = fails(
        "[operations.support]\nhours = { days = \"mon-fri\", from = \"17:00\", to = \"09:00\" }\n",
        "operations.support.hours.to",
        "\"09:00\"",
    );
    assert!(e.message.contains("must be after"), "{e}");
    fails(
        "[operations.support]\nhours = { days = \"mon-fri\", from = \"09:00\", to = \"09:00\" }\n",
        "operations.support.hours.to",
        "\"09:00\"",
    );
    fails(
        "[operations.support]\nhours = { days = \"\", from = \"09:00\", to = \"17:00\" }\n",
        "operations.support.hours.days",
        "\"\"",
    );
    fails(
        "[operations.onboarding]\nhours = [{ days = \"mon\", from = \"09:00\", to = \"17:00\" }, { days = \"tue\", from = \"9am\", to = \"17:00\" }]\n",
        "operations.onboarding.hours[1].from",
        "\"9am\"",
    );
    fails(
        "[operations.support]\nhours = \"weekdays\"\n",
        "operations.support.hours",
        "\"weekdays\"",
    );
}

#[test]
fn handle_time_distributions_are_checked() {
    let key = "operations.support.handle_time";
    let e = fails(
        "[operations.support]\nhandle_time = { distribution = \"lognormal\", median = \"2h\", p95 = \"1h\" }\n",
        &format!("{key}.p95"),
        "\"1h\"",
    );
    assert!(e.message.contains("must not be below the median"), "{e}");
    fails(
        "[operations.support]\nhandle_time = { distribution = \"gamma\", mean = \"2h\" }\n",
        &format!("{key}.distribution"),
        "\"gamma\"",
    );
    let src = "[operations.support]\nhandle_time = { distribution = \"exponential\" }\n";
    let e = fails(
        src,
        &format!("{key}.mean"),
        "{ distribution = \"exponential\" }",
    );
    assert!(e.message.contains("missing `mean`"), "{e}");
    fails(
        "[operations.support]\nhandle_time = { distribution = \"exponential\", mean = \"0m\" }\n",
        &format!("{key}.mean"),
        "\"0m\"",
    );
    fails(
        "[operations.support]\nhandle_time = { distribution = \"exponential\", mean = \"1h\", p95 = \"2h\" }\n",
        &format!("{key}.p95"),
        "\"2h\"",
    );
}

#[test]
fn money_must_be_whole_cents_and_not_negative() {
    let key = "operations.support.monthly_cost_per_person";
    fails(
        "[operations.support]\nmonthly_cost_per_person = -1\n",
        key,
        "-1",
    );
    fails(
        "[operations.support]\nmonthly_cost_per_person = 0.001\n",
        key,
        "0.001",
    );
}

#[test]
fn unknown_keys_and_wrong_types_are_placed_like_any_table() {
    for (src, field) in [
        ("[operations.support]\nstafff = 2\n", "operations.support.stafff"),
        ("[operations]\nsupport = 3\n", "operations.support"),
        ("[operations.support]\nstaff = 1.5\n", "operations.support.staff"),
        (
            "[operations.support]\nhandle_time = { distribution = \"exponential\", mean = \"1h\", shape = 2 }\n",
            "operations.support.handle_time.shape",
        ),
        (
            "[operations.support]\nhours = { days = \"mon\", from = \"09:00\" }\n",
            "operations.support.hours.to",
        ),
    ] {
        let e = parse(src).expect_err(src);
        assert!(e.line > 5, "{src}: {e}");
        assert_eq!(e.field.as_deref(), Some(field), "{src}: {e}");
    }
}

#[test]
fn the_example_in_docs_ops_md_is_valid() {
    let doc = include_str!("../../../docs/ops.md");
    let start = doc.find("```toml\n").expect("an example") + "```toml\n".len();
    let end = start + doc[start..].find("```").expect("closed");
    let c = parse(&doc[start..end]).unwrap();
    assert_eq!(c.support.staff, 2);
    assert_eq!(c.onboarding.lead_time_sla_ms, 24 * HOUR_MS);
}
