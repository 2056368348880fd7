//! Issue 21, "documented limits that exhaust memory or time" and the arithmetic items (5, 6, 7,
//! 8, 9, 11, 13, 14): every input inside what the docs allow runs in bounded memory and time,
//! and every input beyond them is refused (exit 2, naming the limit, the field or the flag).
//! Each test uses a small input that proves the bound, never a multi-gigabyte run.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{code, run, stderr, stdout, write};

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
#[allow(dead_code)]
fn scratch(name: &str) -> PathBuf {
    common::scratch(Path::new("limits").join(name))
}

// ---- 13. --time-scale and --poll-interval ----------------------------------------------------

#[test]
fn time_scale_and_poll_interval_are_bounded_like_their_file_counterparts() {
    let s = "scenarios/single-customer.toml";
    for bad in ["1e-18", "1e-3", "1e300"] {
        let o = run(&["run", s, "--backend", "mock", "--time-scale", bad]);
        refused(&o, &["--time-scale must be between 0.01 and 100000"]);
    }
    for bad in ["1e17", "604801"] {
        let o = run(&["run", s, "--backend", "mock", "--poll-interval", bad]);
        refused(&o, &["--poll-interval", "at most 604800"]);
    }
    // Polls of one creation as the file's: 600 s of create_timeout_s at 1 ms is 600,000.
    let o = run(&["run", s, "--backend", "mock", "--poll-interval", "0.001"]);
    refused(&o, &["--poll-interval 0.001", "the poll limit"]);
    let o = run(&[
        "load",
        "scenarios/capacity.toml",
        "--backend",
        "mock",
        "--time-scale",
        "1e-18",
    ]);
    refused(&o, &["--time-scale must be between"]);
}

// ---- 14. Durations -----------------------------------------------------------------------------

#[test]
fn load_durations_accept_days_as_their_limit_message_says_and_refuse_repeated_units() {
    let d = scratch("durations");
    let base = std::fs::read_to_string("scenarios/single-customer.toml").unwrap();
    let f = write(
        &d,
        "days.toml",
        &format!("{base}\n[load]\nrate = \"0.001/min\"\nduration = \"30d\"\n"),
    );
    let o = run(&["validate", &f]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let f = write(
        &d,
        "repeated.toml",
        &format!("{base}\n[load]\nrate = \"1/min\"\nduration = \"1d1d1d\"\n"),
    );
    refused(
        &run(&["validate", &f]),
        &[
            "repeated.toml:",
            "load.duration: `1d1d1d` is not a duration",
        ],
    );
    let f = write(
        &d,
        "too-long.toml",
        &format!("{base}\n[load]\nrate = \"0.001/min\"\nduration = \"31d\"\n"),
    );
    refused(&run(&["validate", &f]), &["30 days"]);
    // `[operations]` durations read the same way ("1d1d1d" was three days there).
    let ops = std::fs::read_to_string("scenarios/operations.toml").unwrap();
    let f = write(
        &d,
        "ops-repeated.toml",
        &ops.replace("horizon = \"90d\"", "horizon = \"1d1d1d\""),
    );
    refused(
        &run(&["ops", &f]),
        &[
            "ops-repeated.toml:",
            "operations.horizon",
            "`1d1d1d` is not a duration",
        ],
    );
}

// ---- 6. Every count the scenario file accepts is bounded -------------------------------------

#[test]
fn deploy_counts_are_bounded_at_their_key() {
    let d = scratch("deploy-counts");
    let base = std::fs::read_to_string("scenarios/single-customer.toml").unwrap();
    let cases = [
        (
            "[deploy]\nmax_attempts = 4000000000\nbackoff_base_ms = 0\nbackoff_cap_ms = 0\n\
             [service]\ninternal_error_probability = 1.0\n",
            "deploy.max_attempts",
            "at most 100 (the attempt limit)",
        ),
        (
            "[deploy]\nparallelism = 4000000000\n",
            "deploy.parallelism",
            "at most 10000",
        ),
        (
            "[deploy]\naccount_factory = 4000000000\n",
            "deploy.account_factory",
            "at most 10000",
        ),
        (
            "[deploy]\npoll_interval_s = 0.001\ncreate_timeout_s = 604800\n",
            "deploy.poll_interval_s",
            "the poll limit",
        ),
        (
            "[deploy]\nprovider_retry_timeout_s = 604800\nprovider_backoff_min_ms = 1\n\
             provider_backoff_max_ms = 1\n",
            "deploy.provider_retry_timeout_s",
            "the provider retry limit",
        ),
    ];
    for (i, (table, key, why)) in cases.iter().enumerate() {
        let f = write(&d, &format!("c{i}.toml"), &format!("{base}\n{table}"));
        for cmd in ["validate", "run"] {
            let o = run(&[cmd, &f]);
            refused(&o, &[&format!("c{i}.toml:"), key, why]);
            let err = stderr(&o);
            // Placed at a line and column of the file.
            let place = err.split(&format!("c{i}.toml:")).nth(1).unwrap();
            assert!(
                place.split(':').take(2).all(|n| n.parse::<u32>().is_ok()),
                "{err}"
            );
        }
    }
    let f = write(&d, "sweep.toml", &format!("{base}\n{}", cases[0].0));
    refused(
        &run(&["sweep", &f, "--customers", "1", "--replications", "1"]),
        &["deploy.max_attempts"],
    );
}

// ---- 8. Input files: a size limit, regular files only, a bounded tree -------------------------

#[test]
fn devices_and_fifos_are_refused_where_a_file_is_expected() {
    let d = scratch("special-files");
    let fifo = d.join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let fifo = fifo.to_str().unwrap();
    let o = run(&[
        "sweep",
        "scenarios/single-customer.toml",
        "--customers",
        "1",
        "--replications",
        "2",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let sweep = &write(&d, "sweep.json", &stdout(&o));
    for (args, kind) in [
        (
            vec!["check", "/dev/zero", "--baseline", sweep],
            "a character device",
        ),
        (
            vec!["check", sweep, "--baseline", "/dev/zero"],
            "a character device",
        ),
        (vec!["check", fifo, "--baseline", sweep], "a FIFO"),
        (vec!["validate", "/dev/zero"], "a character device"),
        (vec!["validate", fifo], "a FIFO"),
        (
            vec![
                "run",
                "scenarios/single-customer.toml",
                "--latency-profile",
                "/dev/zero",
            ],
            "a character device",
        ),
        (
            vec![
                "run",
                "scenarios/single-customer.toml",
                "--latency-profile",
                fifo,
            ],
            "a FIFO",
        ),
    ] {
        refused(&run(&args), &[kind, "not a regular file"]);
    }
}

#[test]
fn a_scenario_s_tree_is_bounded_before_it_is_parsed() {
    let d = scratch("tree");
    // 1,500,001 array elements in 3 MB: refused before any value is parsed (the unknown key
    // `x` is never reached).
    let mut big = String::from("name = \"x\"\nx = [");
    big.push_str(&"1,".repeat(1_500_001));
    big.push_str("]\n");
    let f = write(&d, "values.toml", &big);
    let o = run(&["validate", &f]);
    refused(&o, &["values.toml", "the scenario value limit", "1500000"]);
    assert!(!stderr(&o).contains("unknown"), "{}", stderr(&o));
    // Nesting within the value limit: refused by the parser's depth limit, no stack overflow.
    for (open, close) in [("[", "]"), ("{a=", "}")] {
        let deep = format!(
            "name = \"x\"\nx = {}1{}\n",
            open.repeat(200_000),
            close.repeat(200_000)
        );
        let f = write(&d, "deep.toml", &deep);
        refused(&run(&["validate", &f]), &["deep.toml:"]);
    }
    // 101 cost lines (3 of the file's own): the 101st is refused at its place.
    let base = std::fs::read_to_string("scenarios/single-customer.toml").unwrap();
    let mut costs = base.clone();
    for i in 0..98 {
        costs.push_str(&format!("\n[[costs]]\nname = \"line {i}\"\nmonthly = 1\n"));
    }
    let f = write(&d, "costs.toml", &costs);
    refused(
        &run(&["validate", &f]),
        &["costs.toml:", "costs[100]", "the cost line limit"],
    );
    // 100 are fine (the file has 3 of its own).
    let mut costs = base;
    for i in 0..97 {
        costs.push_str(&format!("\n[[costs]]\nname = \"line {i}\"\nmonthly = 1\n"));
    }
    let mut phases = std::fs::read_to_string("scenarios/single-customer.toml").unwrap();
    for i in 0..1001 {
        phases.push_str(&format!(
            "\n[[phases]]\nname = \"p{i}\"\ncustomers = [1, 1]\n"
        ));
    }
    let f = write(&d, "phases.toml", &phases);
    refused(
        &run(&["validate", &f]),
        &["phases.toml:", "phases[1000]", "the phase limit"],
    );
    let regions: Vec<String> = (0..1001).map(|i| format!("\"r{i}\"")).collect();
    let f = write(
        &d,
        "regions.toml",
        &format!(
            "{}\n[organization]\nregions = [{}]\n",
            std::fs::read_to_string("scenarios/single-customer.toml").unwrap(),
            regions.join(", ")
        ),
    );
    refused(
        &run(&["validate", &f]),
        &[
            "regions.toml:",
            "organization.regions",
            "1001 names",
            "the region limit",
        ],
    );
    let mut tiers = String::from("name = \"t\"\n");
    for i in 0..1001 {
        tiers.push_str(&format!(
            "[tiers.t{i:04}]\nframework = \"SOC2\"\nou = \"OU-{i}\"\nmonthly_price = 1\n"
        ));
    }
    tiers.push_str("[[customers]]\nname = \"a\"\ntier = \"t0000\"\nemail = \"a@b.com\"\n");
    let f = write(&d, "tiers.toml", &tiers);
    refused(
        &run(&["validate", &f]),
        &["tiers.toml:", "tiers.t1000", "the tier limit"],
    );
    let f = write(&d, "costs-100.toml", &costs);
    let o = run(&["validate", &f]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

// ---- 11. Support-desk times never wrap; absurd tails refused ---------------------------------

fn operations_with(d: &Path, name: &str, hours: &str, handle: &str) -> String {
    let base = std::fs::read_to_string("scenarios/operations.toml").unwrap();
    let text: String = base
        .lines()
        .map(|l| {
            if l.starts_with("hours = ") && hours != "keep" {
                format!("hours = {hours}")
            } else if l.starts_with("handle_time = ") {
                format!("handle_time = {handle}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    write(d, name, &text)
}

#[test]
fn a_desk_that_cannot_keep_up_is_said_to_and_its_waits_grow_with_the_customers() {
    let d = scratch("desk-overflow");
    // One minute a week against tickets of up to 366 days: the work queued ends past u64.
    let f = operations_with(
        &d,
        "desk.toml",
        "{ days = \"mon\", from = \"09:00\", to = \"09:01\" }",
        "{ distribution = \"exponential\", mean = \"366d\" }",
    );
    let p50 = |n: &str| -> f64 {
        let o = run(&["ops", &f, "--customers", n, "--replications", "1", "--json"]);
        assert!(code(&o) < 2, "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["support"]["wait_p50_h"].as_f64().unwrap()
    };
    // Monotone in the customer count (it was modulo 2^64: larger at 100 than at 20,000).
    let (small, large) = (p50("100"), p50("20000"));
    assert!(
        small <= large,
        "p50 {small} h at 100 customers, {large} h at 20,000"
    );
    let o = run(&["ops", &f, "--customers", "100", "--replications", "1"]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("the desk cannot keep up"),
        "{}",
        stdout(&o)
    );
    // A desk that keeps up is not said not to.
    let o = run(&["ops", "scenarios/operations.toml", "--replications", "1"]);
    assert!(!stdout(&o).contains("cannot keep up"), "{}", stdout(&o));
}

#[test]
fn a_handling_time_whose_tail_is_absurd_is_refused_at_its_p95() {
    let d = scratch("desk-tail");
    let f = operations_with(
        &d,
        "tail.toml",
        "keep",
        "{ distribution = \"lognormal\", median = \"1ms\", p95 = \"366d\" }",
    );
    for args in [vec!["ops", &f], vec!["staff", &f, "--customers", "1..=2"]] {
        refused(
            &run(&args),
            &[
                "tail.toml:",
                "handle_time.p95",
                "mean is 8.218e46 ms",
                "beyond 366d",
            ],
        );
    }
}

// ---- 5. ops and staff: tickets bounded per replication, waits streamed ------------------------

#[test]
fn ops_and_staff_refuse_more_tickets_than_one_replication_may_draw() {
    let d = scratch("tickets");
    // 1,000 tickets a customer a month for ten years: 100,000 customers would be 1.2e10.
    let base = std::fs::read_to_string("scenarios/operations.toml").unwrap();
    let text = base
        .replace("horizon = \"90d\"", "horizon = \"3650d\"")
        .replace(
            "tickets_per_customer_month = { fintech = 6, healthcare = 8 }",
            "tickets_per_customer_month = 1000",
        );
    let f = write(&d, "busy.toml", &text);
    let o = run(&["ops", &f, "--customers", "20000", "--replications", "1"]);
    refused(
        &o,
        &[
            "--customers",
            "20000 customers",
            "the ticket limit",
            "10000000",
        ],
    );
    // The claims' 100 customers count too, whatever --customers says.
    let o = run(&["ops", &f, "--customers", "2", "--replications", "1"]);
    refused(&o, &["the claims: 100 customers", "the ticket limit"]);
    // staff: at its largest count, at twice the rate (its sensitivity table).
    let o = run(&["staff", &f, "--customers", "1..=5000", "--step", "4999"]);
    refused(&o, &["5000 customers", "× 2", "the ticket limit"]);
}

#[test]
fn ops_waits_over_many_replications_are_percentiles_of_all_of_them() {
    // The waits of every replication go into one histogram: the percentiles are those of
    // all the tickets, whatever the replication count (200 replications here).
    let o = run(&[
        "ops",
        "scenarios/operations.toml",
        "--replications",
        "200",
        "--json",
    ]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = &v["support"];
    let (p50, p95, mean) = (
        s["wait_p50_h"].as_f64().unwrap(),
        s["wait_p95_h"].as_f64().unwrap(),
        s["wait_mean_h"].as_f64().unwrap(),
    );
    assert!(p50 <= p95 && p95 > 0.0 && mean > 0.0, "{s}");
    assert_eq!(v["replications"], 200);
}

// ---- 14. Interrupted output ------------------------------------------------------------------

#[test]
fn leftovers_of_a_killed_sweep_are_removed_by_the_next_write_to_that_directory() {
    let d = scratch("leftovers");
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // What `kill -9` during `sweep --out` leaves: a temporary of a process that is gone (no
    // process has an id above Linux's largest, 2^22), and one of a running process (1).
    let dead = [
        ".sweep.csv.4999999-0.orgsim-tmp",
        ".sweep.json.4999999-3.orgsim-tmp",
        ".sweep.json.4999999-7.orgsim-old",
    ];
    for n in dead {
        std::fs::write(out.join(n), "half").unwrap();
    }
    let alive = ".sweep.csv.1-0.orgsim-tmp";
    std::fs::write(out.join(alive), "someone else's").unwrap();
    let mine = "notes.orgsim-tmp";
    std::fs::write(out.join(mine), "not a temporary of orgsim's naming").unwrap();
    let o = run(&[
        "sweep",
        "scenarios/single-customer.toml",
        "--customers",
        "1",
        "--replications",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for n in dead {
        assert!(!left.contains(&n.to_string()), "{n} left: {left:?}");
    }
    if Path::new("/proc/1").exists() {
        assert!(left.contains(&alive.to_string()), "{left:?}");
    }
    assert!(left.contains(&mine.to_string()), "{left:?}");
    assert!(left.contains(&"sweep.csv".to_string()), "{left:?}");
}

#[test]
fn two_tiers_sharing_one_ou_are_a_validate_finding_not_a_failure_in_run() {
    let d = scratch("shared-ou");
    let base = std::fs::read_to_string("scenarios/two-customers.toml").unwrap();
    let f = write(
        &d,
        "shared.toml",
        &format!("{base}\n[tiers.healthcare]\nou = \"Customers-Fintech\"\n"),
    );
    let o = run(&["validate", &f]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("DuplicateOrganizationalUnitException"),
        "{out}"
    );
    assert!(
        out.contains("tiers `fintech` and `healthcare` both name the OU `Customers-Fintech`"),
        "{out}"
    );
    // The same OU twice is fine when only one of the tiers has customers.
    let one = std::fs::read_to_string("scenarios/single-customer.toml").unwrap();
    let f = write(
        &d,
        "unused.toml",
        &format!("{one}\n[tiers.healthcare]\nou = \"Customers-Fintech\"\n"),
    );
    let o = run(&["validate", &f]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

/// Starts `args` (a live command with `--out`), sends `signal` after `after_ms`, and gives its
/// output.
#[cfg(unix)]
/// Waits until process `pid` catches `signal` (`-INT`, `-TERM`): `common::wait_for_handler`.
fn wait_for_handler(pid: u32, signal: &str) {
    match signal {
        "-INT" => common::wait_for_handler(pid, 2),
        "-TERM" => common::wait_for_handler(pid, 15),
        _ => true,
    };
}

fn signalled(args: &[&str], signal: &str, after_ms: u64) -> Output {
    let child = common::bin()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(after_ms));
    wait_for_handler(child.id(), signal);
    let k = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(k.success());
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn an_interrupted_live_run_writes_reports_marked_interrupted_with_the_time_it_ran() {
    for signal in ["-INT", "-TERM"] {
        let d = scratch(&format!("run-interrupted{signal}"));
        let out = d.join("out");
        let started = std::time::Instant::now();
        let o = signalled(
            &[
                "run",
                "scenarios/hundred-customers.toml",
                "--backend",
                "mock",
                "--time-scale",
                "10",
                "--out",
                out.to_str().unwrap(),
            ],
            signal,
            2000,
        );
        let wall = started.elapsed().as_secs_f64();
        assert_eq!(code(&o), 2, "{signal}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("interrupted"),
            "{signal}: {}",
            stderr(&o)
        );
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap())
                .unwrap();
        assert_eq!(v["interrupted"], true, "{signal}");
        assert_eq!(v["verdict"], "INTERRUPTED", "{signal}");
        // Engine time runs 10× the wall clock: at least most of the 2 s before the signal
        // (the process starts first), at most the whole wall time.
        let makespan = v["timing"]["makespan_s"].as_f64().unwrap();
        assert!(
            (10.0..=10.0 * wall + 1.0).contains(&makespan),
            "{signal}: makespan {makespan} s for {wall} s × 10"
        );
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        assert!(md.contains("INTERRUPTED"), "{signal}: {md}");
    }
}

#[cfg(unix)]
#[test]
fn sigterm_stops_a_live_load_test_and_writes_what_it_has_like_ctrl_c() {
    let d = scratch("load-sigterm");
    let out = d.join("out");
    let o = signalled(
        &[
            "load",
            "scenarios/capacity.toml",
            "--backend",
            "mock",
            "--time-scale",
            "10",
            "--poll-interval",
            "5",
            "--rate",
            "30/min",
            "--duration",
            "10m",
            "--arrivals",
            "uniform",
            "--out",
            out.to_str().unwrap(),
        ],
        "-TERM",
        2500,
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("load.json")).unwrap()).unwrap();
    assert_eq!(v["interrupted"], true, "{v}");
    assert_eq!(v["verdict"], "INTERRUPTED");
}

#[cfg(unix)]
#[test]
fn ops_and_staff_stopped_by_ctrl_c_write_what_they_have() {
    let d = scratch("ops-staff-interrupted");
    let out = d.join("ops");
    let o = signalled(
        &[
            "ops",
            "scenarios/two-customers.toml",
            "--customers",
            "20000",
            "--replications",
            "2000",
            "--out",
            out.to_str().unwrap(),
        ],
        "-INT",
        1500,
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("ops.json")).unwrap()).unwrap();
    assert_eq!(v["interrupted"], true);
    let reps = v["replications"].as_u64().unwrap();
    assert!((1..2000).contains(&reps), "{reps}");
    assert!(v["support"]["tickets"].as_u64().unwrap() > 0);
    assert!(stdout(&o).starts_with("INTERRUPTED"), "{}", stdout(&o));
    let md = std::fs::read_to_string(out.join("ops.md")).unwrap();
    assert!(md.contains("INTERRUPTED"), "{md}");

    let out = d.join("staff");
    let o = signalled(
        &[
            "staff",
            "scenarios/operations.toml",
            "--customers",
            "1..=5000",
            "--out",
            out.to_str().unwrap(),
        ],
        "-INT",
        1500,
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("staff.json")).unwrap()).unwrap();
    assert_eq!(v["interrupted"], true);
    let rows = v["staff"].as_array().unwrap().len();
    assert!(rows < 5000, "{rows}");
    assert!(out.join("staff.svg").is_file());
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_staff_within_a_customer_count() {
    // One count of 100,000 customers: its search takes minutes; Ctrl-C stops it between two
    // replications of one evaluation, and the count is left out rather than half-measured.
    let d = scratch("staff-one-count");
    let out = d.join("out");
    let o = signalled(
        &[
            "staff",
            "scenarios/operations.toml",
            "--customers",
            "100000",
            "--out",
            out.to_str().unwrap(),
        ],
        "-INT",
        2000,
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("staff.json")).unwrap()).unwrap();
    assert_eq!(v["interrupted"], true);
    assert_eq!(v["staff"].as_array().unwrap().len(), 0, "{}", v["staff"]);
    assert!(
        stderr(&o).contains("after 0 of 1 customer count"),
        "{}",
        stderr(&o)
    );
}
