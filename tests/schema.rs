//! Every JSON report orgsim prints or writes starts with its `schema_version`, and (with
//! `schemas/`) matches the JSON Schema of its kind.

use std::path::PathBuf;

use serde_json::Value;

mod common;

/// A scratch directory of this test file, made empty.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("orgsim-schema-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `orgsim args`'s stdout, which must be a report (exit 0 or 1).
fn stdout_of(args: &[&str]) -> String {
    let o = common::run(args);
    let code = o.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "orgsim {} exited {code}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 JSON")
}

/// One real report of every kind, made by the binary on shipped scenarios: (kind, JSON text).
fn one_of_each() -> Vec<(&'static str, String)> {
    let base = "reports/baseline/two-customers.json";
    let serve_dir = scratch("serve");
    let served = common::run(&[
        "serve",
        "tests/fixtures/serve-fast.toml",
        "--port",
        "0",
        "--duration",
        "1s",
        "--out",
        serve_dir.to_str().unwrap(),
    ]);
    assert!(
        served.status.success(),
        "{}",
        String::from_utf8_lossy(&served.stderr)
    );
    let requests = std::fs::read_to_string(serve_dir.join("requests.json")).unwrap();
    let _ = std::fs::remove_dir_all(&serve_dir);
    let run_dir = scratch("run");
    stdout_of(&[
        "run",
        "scenarios/single-customer.toml",
        "--out",
        run_dir.to_str().unwrap(),
    ]);
    let report_json = std::fs::read_to_string(run_dir.join("report.json")).unwrap();
    let _ = std::fs::remove_dir_all(&run_dir);
    vec![
        (
            "run",
            stdout_of(&["run", "scenarios/two-customers.toml", "--json"]),
        ),
        ("run", report_json),
        (
            "sweep",
            stdout_of(&[
                "sweep",
                "scenarios/two-customers.toml",
                "--customers",
                "1..=2",
                "--replications",
                "20",
                "--samples",
                "--json",
            ]),
        ),
        (
            "phases",
            stdout_of(&[
                "phases",
                "scenarios/growth-phases.toml",
                "--replications",
                "3",
                "--json",
            ]),
        ),
        (
            "load",
            stdout_of(&["load", "scenarios/capacity.toml", "--json"]),
        ),
        (
            "ops",
            stdout_of(&[
                "ops",
                "scenarios/operations.toml",
                "--replications",
                "3",
                "--json",
            ]),
        ),
        (
            "staff",
            stdout_of(&[
                "staff",
                "scenarios/two-customers.toml",
                "--customers",
                "1..=20",
                "--step",
                "19",
                "--replications",
                "5",
                "--json",
            ]),
        ),
        (
            "plan",
            stdout_of(&["plan", "scenarios/two-customers.toml", "--json"]),
        ),
        (
            "plan",
            stdout_of(&[
                "plan",
                "scenarios/twelve-customers-over-quota.toml",
                "--json",
            ]),
        ),
        (
            "validate",
            stdout_of(&["validate", "scenarios/five-customers.toml", "--json"]),
        ),
        (
            "compare",
            stdout_of(&[
                "compare",
                "scenarios/single-customer.toml",
                "scenarios/two-customers.toml",
                "--json",
            ]),
        ),
        (
            "check",
            stdout_of(&["check", base, "--baseline", base, "--json"]),
        ),
        ("serve", requests),
    ]
}

/// The format version each kind's JSON carries.
fn version_of(kind: &str) -> u64 {
    match kind {
        "sweep" => 2,
        _ => 1,
    }
}

#[test]
fn every_json_report_starts_with_its_schema_version() {
    for (kind, text) in one_of_each() {
        let want = format!("{{\n  \"schema_version\": {},\n", version_of(kind));
        assert!(
            text.starts_with(&want),
            "{kind}: the first key is not `schema_version`: {}",
            &text[..text.len().min(120)]
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["schema_version"], version_of(kind), "{kind}");
    }
}

#[test]
fn check_json_reads_the_committed_baselines_and_gives_verdict_intervals_and_counts() {
    for name in ["two-customers", "five-customers", "hundred-customers"] {
        let base = format!("reports/baseline/{name}.json");
        let o = common::run(&["check", &base, "--baseline", &base, "--json"]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["kind"], "check");
        assert_eq!(v["verdict"], "PASS");
        let rows = v["comparisons"].as_array().unwrap();
        let counts = serde_json::from_str::<Value>(&std::fs::read_to_string(&base).unwrap())
            .unwrap()["counts"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(rows.len(), 3 * counts, "{name}: three figures a count");
        assert_eq!(v["comparison_count"], rows.len());
        assert_eq!(v["regression_count"], 0);
        assert_eq!(v["missing_count"], 0);
        for r in rows {
            assert!(
                r["lo"].as_f64().unwrap() <= r["hi"].as_f64().unwrap(),
                "{r}"
            );
            assert_eq!(r["regressed"], false);
        }
        // The same files, the same bytes.
        let again = common::run(&["check", &base, "--baseline", &base, "--json"]);
        assert_eq!(o.stdout, again.stdout);
    }
    // --json and --markdown are one or the other.
    let base = "reports/baseline/two-customers.json";
    let both = common::run(&["check", base, "--baseline", base, "--json", "--markdown"]);
    assert_eq!(both.status.code(), Some(2));
}
