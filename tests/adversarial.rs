//! Issue 12, "bad input, big input, hostile environment": each defect found by trying orgsim as
//! a careful adversary would, reproduced by its command. orgsim must refuse early (exit 2 naming
//! the limit, the field or the path), never panic, never run away, never leak a request.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_orgsim"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("orgsim runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2, and stderr holds every one of `needles` (and no panic).
#[track_caller]
fn refused(o: &Output, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(code(o), 2, "stdout {}\nstderr {err}", stdout(o));
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks `{n}`: {err}");
    }
}

/// A scratch directory of this test's own.
fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("adversarial")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

const ONE: &str = "name = \"one\"\n\
                   [[customers]]\n\
                   name = \"ACME Finance Inc\"\n\
                   tier = \"fintech\"\n\
                   email = \"john@acmefinance.com\"\n";

// ---- 9. Validation gaps ----------------------------------------------------------------------

#[test]
fn validate_and_plan_find_a_plan_beyond_the_account_quota_while_run_runs_into_it() {
    let s = "scenarios/twelve-customers-over-quota.toml";
    let o = run(&["validate", s]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("finding: ACCOUNT_LIMIT_EXCEEDED"), "{out}");
    assert!(
        out.contains("the plan creates 12 account(s)")
            && out.contains("would hold 13, above its account quota of 10")
            && out.contains("the last 3 would fail"),
        "{out}"
    );
    assert!(out.contains("1 finding(s)"), "{out}");
    let o = run(&["validate", s, "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"][0]["code"], "ACCOUNT_LIMIT_EXCEEDED");
    assert_eq!(v["verdict"], "FAIL");
    let o = run(&["plan", s]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("ACCOUNT_LIMIT_EXCEEDED"),
        "{}",
        stdout(&o)
    );
    // `run` behaves as before: it runs into the limit and reports each refused account.
    let o = run(&["run", s, "--json"]);
    assert_eq!(code(&o), 1);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let failed = v["resources"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"].as_str() == Some("ACCOUNT_LIMIT_EXCEEDED"))
        .count();
    assert_eq!(failed, 3, "{}", stdout(&o));
    // Within the quota, no finding.
    let o = run(&["validate", "scenarios/two-customers.toml"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn existing_accounts_beyond_the_quota_are_refused() {
    let d = scratch("existing");
    for (n, needle) in [
        ("10", "do not fit in an account_quota of 10"),
        ("20", "do not fit in an account_quota of 10"),
        ("4000000000", "at most 100000"),
    ] {
        let f = write(
            &d,
            "e.toml",
            &format!("{ONE}[organization]\nexisting_accounts = {n}\n"),
        );
        let o = run(&["validate", &f]);
        refused(
            &o,
            &["e.toml:7:21: organization.existing_accounts:", needle],
        );
    }
    let f = write(
        &d,
        "ok.toml",
        &format!("{ONE}[organization]\nexisting_accounts = 8\n"),
    );
    assert_eq!(code(&run(&["validate", &f])), 0);
}

#[test]
fn a_non_ascii_email_is_refused_at_its_place() {
    let d = scratch("email");
    let f = write(
        &d,
        "e.toml",
        "name = \"x\"\n[[customers]]\nname = \"J\"\ntier = \"fintech\"\nemail = \"jöhn@acmé.com\"\n",
    );
    refused(
        &run(&["validate", &f]),
        &[
            "e.toml:5:9: customers[0].email:",
            "`ö` is not a 7-bit ASCII character",
        ],
    );
    for bad in [
        ".john@acme.com",
        "jo(hn@acme.com",
        "john@-acme.com",
        "john@ac_me.com",
    ] {
        let f = write(
            &d,
            "b.toml",
            &format!("name = \"x\"\n[[customers]]\nname = \"J\"\ntier = \"fintech\"\nemail = \"{bad}\"\n"),
        );
        refused(&run(&["validate", &f]), &["customers[0].email:"]);
    }
}

#[test]
fn whole_file_errors_duplicate_keys_and_deep_keys_are_placed() {
    let d = scratch("placed");
    let o = run(&["validate", "/nonexistent/x.toml"]);
    refused(&o, &["error: /nonexistent/x.toml: cannot read the file"]);
    assert!(!stderr(&o).contains(":0:0"), "{}", stderr(&o));
    let f = write(
        &d,
        "dup.toml",
        &format!("{ONE}[deploy]\nparallelism = 2\nparallelism = 3\n"),
    );
    refused(
        &run(&["validate", &f]),
        &["dup.toml:8:1:", "duplicate key `parallelism`"],
    );
    let deep = vec!["a"; 300].join(".");
    let f = write(&d, "deep.toml", &format!("{ONE}\n{deep} = 1\n"));
    refused(&run(&["validate", &f]), &["deep.toml:7:1:", "300 parts"]);
}

// ---- 1. Runaway sizes --------------------------------------------------------------------------

/// Runs `orgsim args`, which must end (refused) within `secs` seconds.
#[track_caller]
fn refused_within(secs: u64, args: &[&str], needles: &[&str]) {
    let t = Instant::now();
    let o = run(args);
    let took = t.elapsed();
    refused(&o, needles);
    assert!(
        took < Duration::from_secs(secs),
        "orgsim {} took {took:?}",
        args.join(" ")
    );
}

#[test]
fn runaway_customer_counts_and_sweeps_are_refused_before_anything_is_allocated() {
    let s = "scenarios/two-customers.toml";
    refused_within(
        5,
        &["run", s, "--customers", "1000000000"],
        &[
            "--customers: 1000000000 customers",
            "100000, the customer limit",
        ],
    );
    // `run --customers` and `[generate] count` share one cap.
    refused_within(
        5,
        &["run", s, "--customers", "100001"],
        &["the customer limit"],
    );
    let d = scratch("sizes");
    let f = write(&d, "g.toml", "name = \"g\"\n[generate]\ncount = 100001\n");
    refused_within(5, &["run", &f], &["g.toml:3:9: generate.count:", "100000"]);
    let f = write(&d, "g2.toml", &format!("{ONE}[generate]\ncount = 100000\n"));
    refused_within(
        5,
        &["validate", &f],
        &[
            "generate.count:",
            "1 listed and 100000 generated",
            "the customer limit",
        ],
    );
    refused_within(
        5,
        &[
            "sweep",
            "scenarios/hundred-customers.toml",
            "--customers",
            "1..=100000",
            "--replications",
            "1000000",
        ],
        &[
            "100000000000 replications in all",
            "100000000, the replication limit",
        ],
    );
    refused_within(
        5,
        &["sweep", s, "--customers", "2", "--threads", "100000"],
        &["1024, the thread limit"],
    );
}

// ---- 2. Silent wrong numbers ------------------------------------------------------------------

#[test]
fn money_that_does_not_fit_in_cents_is_refused_naming_the_field() {
    let d = scratch("money");
    // 100,000 customers at $10^12 a month printed -$84,476,440,737,095,516.16 not billable.
    let f = write(
        &d,
        "rich.toml",
        "name = \"rich\"\n[organization]\naccount_quota = 200000\n\
         [tiers.fintech]\nmonthly_price = 1000000000000\n\
         [generate]\ncount = 100000\nmix = { fintech = 1 }\n",
    );
    refused_within(
        10,
        &["run", &f],
        &[
            "rich.toml:7:1: generate.count:",
            "exceeds $92,233,720,368,547,758.07",
        ],
    );
    // The same through --customers: the one customer's `monthly`, repeated.
    let f = write(
        &d,
        "one.toml",
        "name = \"one\"\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@b.com\"\nmonthly = 1000000000000\n",
    );
    assert_eq!(code(&run(&["validate", &f])), 0);
    refused_within(
        10,
        &["run", &f, "--customers", "100000"],
        &["one.toml: customers[0].monthly: with 100000 customers, the monthly revenue exceeds"],
    );
    refused_within(
        10,
        &[
            "sweep",
            &f,
            "--customers",
            "1..=100000",
            "--step",
            "50000",
            "--replications",
            "1",
        ],
        &["customers[0].monthly"],
    );
    // A cost line.
    let f = write(
        &d,
        "cost.toml",
        &format!("{ONE}[generate]\ncount = 99999\n[[costs]]\nname = \"per\"\nper_customer = 1000000000000\n"),
    );
    refused_within(
        10,
        &["validate", &f],
        &["costs[0].per_customer:", "this cost line's monthly amount"],
    );
}

#[test]
fn service_durations_beyond_their_bounds_are_refused_at_load_time() {
    let d = scratch("durations");
    for (table, needle) in [
        (
            "[service]\nwrite_latency = { min_ms = 1, max_ms = 9223372036854775807 }\n",
            "t.toml:7:31: service.write_latency.max_ms: a call latency is at most 3600000 ms",
        ),
        (
            "[service.latency.CreateAccount]\nmin_ms = 0\nmax_ms = 3600001\n",
            "service.latency.CreateAccount.max_ms:",
        ),
        (
            "[service.account_creation]\nmedian_s = 1e300\np95_s = 1e301\n",
            "service.account_creation.median_s: a time between 0 and 604800 seconds",
        ),
        (
            "[service.throttle.CreateAccount]\nrate = 1e-300\nburst = 3\n",
            "service.throttle.CreateAccount.rate:",
        ),
        (
            "[service.throttle.CreateAccount]\nrate = 1\nburst = 1e300\n",
            "service.throttle.CreateAccount.burst:",
        ),
    ] {
        let f = write(&d, "t.toml", &format!("{ONE}{table}"));
        refused(&run(&["run", &f]), &[needle]);
    }
}

// ---- 8. Load-test parameters -----------------------------------------------------------------

#[test]
fn load_parameters_are_counted_analytically_and_refused_fast() {
    let s = "scenarios/capacity.toml";
    // Spun 50 s integrating 100 ms steps before refusing.
    refused_within(
        3,
        &["load", s, "--rate", "2/min", "--duration", "1000000000"],
        &["--rate/--duration:", "30 days, the load duration limit"],
    );
    // Ran 103 s, then PASSed with no arrivals at all.
    refused_within(
        3,
        &["load", s, "--stages", "1000000000:0/min"],
        &["the load duration limit"],
    );
    refused_within(
        3,
        &["load", s, "--stages", "10m:0/min,20m:0/min"],
        &["no arrivals"],
    );
    refused_within(
        3,
        &["load", s, "--rate", "0/min", "--duration", "1h"],
        &["no arrivals"],
    );
    // Expected arrivals, but none drawn.
    refused_within(
        3,
        &[
            "load",
            s,
            "--rate",
            "0.1/h",
            "--duration",
            "1m",
            "--arrivals",
            "uniform",
        ],
        &["no arrivals", "this seed drew none"],
    );
    // A single 0/min stage inside a ramp is legitimate.
    let o = run(&[
        "load",
        s,
        "--stages",
        "5m:2/min,5m:0/min,5m:2/min",
        "--json",
    ]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["onboardings"].as_u64().unwrap() > 0);
    // The refusal reports the real (expected) arrival count, and the caps name themselves.
    refused_within(
        3,
        &["load", s, "--rate", "20000/min", "--duration", "6m"],
        &["about 120000 arrivals", "100000, the arrival limit"],
    );
    refused_within(
        3,
        &["load", s, "--rate", "2000000/min", "--duration", "1m"],
        &[
            "--rate: `2000000/min` is 2000000/min",
            "1000000/min (the rate limit)",
        ],
    );
    refused_within(
        3,
        &[
            "load",
            s,
            "--rate",
            "2/min",
            "--duration",
            "1m",
            "--threshold",
            "error rate < -1%",
        ],
        &[
            "--threshold: threshold `error rate < -1%`",
            "between 0% and 100%",
        ],
    );
    refused_within(
        3,
        &[
            "load",
            s,
            "--rate",
            "2/min",
            "--duration",
            "1m",
            "--grace",
            "30d",
        ],
        &["--grace"],
    );
    refused_within(
        3,
        &[
            "load",
            s,
            "--rate",
            "2/min",
            "--duration",
            "1m",
            "--grace",
            "8000000",
        ],
        &["the grace limit"],
    );
    let stages = vec!["1s:1/min"; 1001].join(",");
    refused_within(
        3,
        &["load", s, "--stages", &stages],
        &["1000, the stage limit"],
    );
    // The [load] table is checked by the loader, at its place.
    let d = scratch("load");
    let f = write(
        &d,
        "l.toml",
        &format!("{ONE}[load]\nstages = [\"10m:0/min\"]\n"),
    );
    refused(
        &run(&["validate", &f]),
        &["l.toml:7:10: load.stages:", "no arrivals"],
    );
}
