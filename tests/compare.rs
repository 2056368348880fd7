//! `orgsim compare A B`: the brief's Comparison Summary from two scenarios.

use serde_json::Value;

mod common;
use common::run;

const A: &str = "scenarios/single-customer.toml";
const B: &str = "scenarios/two-customers.toml";

fn metric<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == name)
        .unwrap_or_else(|| panic!("no metric {name}"))
}

fn makespan(path: &str) -> f64 {
    let o = run(&["run", path, "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["timing"]["makespan_s"].as_f64().unwrap()
}

#[test]
fn terminal_table_has_the_seeds_figures() {
    let o = run(&["compare", A, B]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    let line = |label: &str| {
        out.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label} row in\n{out}"))
            .split('|')
            .map(|c| c.trim().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        line("Monthly revenue"),
        ["Monthly revenue", "$8,000", "$23,000", "+$15,000", "+188%"]
    );
    assert_eq!(
        line("Monthly costs"),
        ["Monthly costs", "$1,680", "$3,380", "+$1,700", "+101%"]
    );
    assert_eq!(line("Monthly profit")[1..3], ["$6,320", "$19,620"]);
    assert_eq!(line("Margin")[1..4], ["79.0%", "85.3%", "+6.3 pts"]);
    assert_eq!(line("Customers")[1..5], ["1", "2", "+1", "+100%"]);
    // The deployment times are the measured ones, the same as `run` reports.
    let (ta, tb) = (makespan(A), makespan(B));
    let row = line("Deployment time");
    assert_eq!(row[1], format!("{:.1} min", ta / 60.0));
    assert_eq!(row[2], format!("{:.1} min", tb / 60.0));
}

#[test]
fn json_carries_the_same_numbers() {
    let o = run(&["compare", A, B, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["a"]["scenario"], "single-customer");
    assert_eq!(v["b"]["scenario"], "two-customers");
    let r = metric(&v, "revenue");
    assert_eq!(
        (r["a"].as_f64(), r["b"].as_f64()),
        (Some(8000.0), Some(23000.0))
    );
    assert_eq!(r["delta"].as_f64(), Some(15000.0));
    assert_eq!(r["change_pct"].as_f64(), Some(187.5));
    assert_eq!(r["display"]["change"], "+188%");
    let c = metric(&v, "costs");
    assert_eq!(
        (c["a"].as_f64(), c["b"].as_f64()),
        (Some(1680.0), Some(3380.0))
    );
    let p = metric(&v, "profit");
    assert_eq!(
        (p["a"].as_f64(), p["b"].as_f64()),
        (Some(6320.0), Some(19620.0))
    );
    let m = metric(&v, "margin");
    assert_eq!(m["a"].as_f64(), Some(0.79));
    assert!((m["b"].as_f64().unwrap() - 19620.0 / 23000.0).abs() < 1e-12);
    assert_eq!(m["display"]["delta"], "+6.3 pts");
    let t = metric(&v, "deployment_time_s");
    assert_eq!(t["a"].as_f64(), Some(makespan(A)));
    assert_eq!(t["b"].as_f64(), Some(makespan(B)));
    assert!(metric(&v, "conflicts")["b"].as_f64().unwrap() >= 0.0);
    assert!(
        metric(&v, "resources")["b"].as_f64().unwrap()
            > metric(&v, "resources")["a"].as_f64().unwrap()
    );
}

#[test]
fn markdown_and_errors() {
    let o = run(&["compare", A, B, "--markdown"]);
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(
        md.contains("| Monthly revenue | $8,000 | $23,000 | +$15,000 | +188% |"),
        "{md}"
    );
    let o = run(&["compare", A, "scenarios/nope.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope.toml"));
}
