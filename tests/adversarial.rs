//! Issue 12, "bad input, big input, hostile environment": each defect found by trying orgsim as
//! a careful adversary would, reproduced by its command. orgsim must refuse early (exit 2 naming
//! the limit, the field or the path), never panic, never run away, never leak a request.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::{bin, code, run, stderr, stdout, write};

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
    common::scratch(Path::new("adversarial").join(name))
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
    // A well-formed file whose plan is refused: not "valid" alone, beside exit 1.
    assert!(out.contains(": valid file, 1 finding ·"), "{out}");
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

#[test]
fn a_file_that_is_not_utf8_is_refused_at_its_first_bad_byte() {
    let d = scratch("utf8");
    let p = d.join("latin1.toml");
    std::fs::write(&p, b"name = \"x\"\n# caf\xc3\xa9 cr\xe8me\n").unwrap();
    let o = run(&["validate", p.to_str().unwrap()]);
    refused(
        &o,
        &["latin1.toml:2:10: the file is not UTF-8 text: byte 0xe8 at offset 21"],
    );
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

// ---- 3. Live runs that deploy, then fail on a local mistake --------------------------------

#[test]
fn every_output_path_is_checked_before_the_first_call_to_a_backend() {
    let d = scratch("outputs");
    let file = write(&d, "existing-file", "x");
    let under_file = format!("{file}/profile.json");
    // A closed loopback port: a run that got as far as the backend would fail on it instead.
    let dead = "http://127.0.0.1:9";
    let s = "scenarios/two-customers.toml";
    for extra in [
        vec!["--out", file.as_str()],
        vec!["--write-latency-profile", under_file.as_str()],
        vec!["--write-latency-profile", d.to_str().unwrap()],
    ] {
        for backend in [["--backend", "mock"], ["--backend", "sdk"]] {
            let mut args = vec!["run", s];
            args.extend(backend);
            if backend[1] == "sdk" {
                args.extend(["--endpoint", dead]);
            }
            args.extend(extra.iter().copied());
            let o = run(&args);
            refused(&o, &["cannot write"]);
            assert!(!stderr(&o).contains("organization"), "{}", stderr(&o));
            assert!(o.stdout.is_empty());
        }
        let mut args = vec![
            "load",
            s,
            "--backend",
            "sdk",
            "--endpoint",
            dead,
            "--rate",
            "60/min",
            "--duration",
            "1m",
        ];
        args.extend(extra.iter().copied());
        let o = run(&args);
        refused(&o, &["cannot write"]);
        assert!(!stderr(&o).contains("organization"), "{}", stderr(&o));
    }
    // The --out directory is made where the command creates it, before the run.
    let out = d.join("made/here");
    let o = run(&["run", s, "--out", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(out.join("report.json").is_file());
}

// ---- 4. Interrupted load tests never PASS ----------------------------------------------------

#[test]
fn an_interrupted_load_test_is_marked_in_every_artifact_and_never_passes() {
    let d = scratch("interrupted");
    let out = d.join("out");
    let child = bin()
        .args([
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
        ])
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let k = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(k.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("Verdict: INTERRUPTED (Ctrl-C after"),
        "{text}"
    );
    assert!(!text.contains("Verdict: PASS"), "{text}");
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("load.json")).unwrap()).unwrap();
    assert_eq!(v["interrupted"], true, "{v}");
    assert_eq!(v["verdict"], "INTERRUPTED");
    assert_eq!(v["planned_duration_s"], 600.0);
    let ran = v["duration_s"].as_f64().unwrap();
    assert!(ran < 600.0, "the true duration, not the planned one: {ran}");
    let md = std::fs::read_to_string(out.join("load.md")).unwrap();
    assert!(
        md.contains("INTERRUPTED") && !md.contains("Verdict: PASS"),
        "{md}"
    );
}

// ---- 5. All or nothing; write errors; closed pipes -----------------------------------------

/// A sweep into `out` with `blocker` in the way (a directory where a file goes): refused with
/// `message`, the old sweep.json as it was, no temporaries and nothing new.
fn sweep_refused_leaves_out_as_it_was(out: &Path, blocker: &str, message: &str) {
    std::fs::create_dir_all(out.join(blocker)).unwrap();
    std::fs::write(out.join("sweep.json"), "old").unwrap();
    let o = run(&[
        "sweep",
        "scenarios/five-customers.toml",
        "--customers",
        "2",
        "--replications",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    refused(&o, &[message]);
    assert_eq!(
        std::fs::read_to_string(out.join("sweep.json")).unwrap(),
        "old"
    );
    let names: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no temporaries, nothing new: {names:?}");
}

#[test]
fn out_files_are_all_or_nothing() {
    let d = scratch("all-or-nothing");
    // A destination that is a directory: nothing is written, the old files stay as they were.
    sweep_refused_leaves_out_as_it_was(
        &d.join("sweep"),
        "makespan.svg",
        "makespan.svg exists and is not a regular file",
    );
    // The same when the destination in the way is the CSV the sweep streams while it runs:
    // the streamed rows are renamed into place with the other files or not at all.
    sweep_refused_leaves_out_as_it_was(
        &d.join("sweep-csv"),
        "sweep.csv",
        "sweep.csv exists and is not a regular file",
    );
    // A file that cannot be written (a name too long for the file system): the temporaries are
    // removed and nothing is replaced.
    let dir = d.join("direct");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.json"), "old").unwrap();
    let long = "x".repeat(250);
    let r = orgsim::report::write_files(
        &dir,
        &[("a.json", "new".to_string()), (long.as_str(), "y".into())],
    );
    assert!(r.is_err());
    assert_eq!(std::fs::read_to_string(dir.join("a.json")).unwrap(), "old");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    // And when all can be written, all are.
    orgsim::report::write_files(
        &dir,
        &[("a.json", "new".to_string()), ("b.json", "b".into())],
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("a.json")).unwrap(), "new");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
}

fn sweep_json(d: &Path) -> (String, Value) {
    let o = run(&[
        "sweep",
        "scenarios/five-customers.toml",
        "--customers",
        "2..=3",
        "--replications",
        "2",
        "--samples",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    (write(d, "result.json", &stdout(&o)), v)
}

#[test]
fn a_write_error_is_exit_2_with_the_path() {
    let d = scratch("write-errors");
    let (result, _) = sweep_json(&d);
    // `check --markdown-out /dev/full` lost its write and exited 0 (and, run by root, renamed
    // a temporary over /dev/full).
    let o = run(&[
        "check",
        &result,
        "--baseline",
        &result,
        "--markdown-out",
        "/dev/full",
    ]);
    refused(&o, &["/dev/full: cannot write:", "No space left on device"]);
    let m = std::fs::metadata("/dev/full").unwrap();
    assert!(!m.is_file(), "/dev/full is still a device");
    // --json to a full standard output.
    for args in [
        vec!["run", "scenarios/two-customers.toml", "--json"],
        vec!["check", &result, "--baseline", &result],
        vec!["validate", "scenarios/two-customers.toml"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = bin().args(&args).stdout(full).output().unwrap();
        refused(
            &o,
            &["standard output: cannot write:", "No space left on device"],
        );
    }
}

/// Runs `sh -c "orgsim ARGS | head -N"`; returns orgsim's exit code, its stderr and what head
/// printed.
fn piped_to_head(args: &str, n: usize) -> (i32, String, String) {
    let d = scratch(&format!("pipe-{n}"));
    let err = d.join("stderr");
    let rc = d.join("rc");
    let script = format!(
        "{bin} {args} 2>{err}; echo $? >{rc}",
        bin = env!("CARGO_BIN_EXE_orgsim"),
        err = err.display(),
        rc = rc.display()
    );
    let o = Command::new("sh")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("-c")
        .arg(format!("({script}) | head -{n}"))
        .output()
        .unwrap();
    let code: i32 = std::fs::read_to_string(&rc)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (code, std::fs::read_to_string(&err).unwrap(), stdout(&o))
}

#[test]
fn a_closed_pipe_is_a_quiet_exit() {
    // The commands, sized so that the output is larger than a pipe's buffer (64 KiB):
    // `head` leaves while orgsim still writes, which panicked with "failed printing to stdout:
    // Broken pipe" (exit 101).
    let (c, err, head) = piped_to_head(
        "sweep scenarios/single-customer.toml --customers 1 --replications 1000 --csv",
        3,
    );
    assert_eq!(head.lines().count(), 3);
    assert!(err.is_empty(), "quiet: {err}");
    assert_eq!(c, 0);
    let (c, err, head) = piped_to_head(
        "run scenarios/hundred-customers.toml --customers 300 --verbose",
        2,
    );
    assert_eq!(head.lines().count(), 2);
    assert!(err.is_empty(), "quiet: {err}");
    assert_eq!(
        c, 1,
        "the run's own verdict (FAIL: accounts beyond the quota)"
    );
    // The reader gone before the first byte: deterministic EPIPE on the first write.
    for args in [
        vec!["run", "scenarios/two-customers.toml", "--json"],
        vec!["plan", "scenarios/two-customers.toml"],
        vec![
            "compare",
            "scenarios/single-customer.toml",
            "scenarios/two-customers.toml",
        ],
    ] {
        let mut child = bin()
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
        assert_eq!(code(&o), 0, "{args:?}");
    }
}

// ---- 6. The regression gate that cannot fail -------------------------------------------------

#[test]
fn the_gate_refuses_nothing_to_compare_and_reports_coverage_lost() {
    let d = scratch("gate");
    let (result, v) = sweep_json(&d);
    let with = |name: &str, f: &dyn Fn(&mut Value)| {
        let mut x = v.clone();
        f(&mut x);
        write(&d, name, &serde_json::to_string_pretty(&x).unwrap())
    };
    let empty = with("empty.json", &|x| x["counts"] = Value::Array(vec![]));
    let o = run(&["check", &result, "--baseline", &empty]);
    refused(
        &o,
        &[
            "refused:",
            "the baseline has no customer counts (`counts: []`)",
        ],
    );
    let partial = with("partial.json", &|x| x["complete"] = Value::Bool(false));
    let o = run(&["check", &partial, "--baseline", &result]);
    refused(
        &o,
        &["refused:", "the result is incomplete (`complete: false`"],
    );
    let o = run(&["check", &result, "--baseline", &partial]);
    refused(&o, &["the baseline is incomplete"]);
    // A baseline count the result lacks: coverage lost, exit 1, said once per count.
    let fewer = with("fewer.json", &|x| {
        x["counts"].as_array_mut().unwrap().pop();
    });
    let o = run(&["check", &fewer, "--baseline", &result]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        stdout(&o).matches("COVERAGE LOST 3 customers").count(),
        1,
        "{}",
        stdout(&o)
    );
    let md = d.join("check.md");
    let o = run(&[
        "check",
        &fewer,
        "--baseline",
        &result,
        "--markdown-out",
        md.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1);
    assert!(std::fs::read_to_string(&md)
        .unwrap()
        .contains("**Coverage lost**"));
    // The same result against itself still passes.
    assert_eq!(code(&run(&["check", &result, "--baseline", &result])), 0);
}

// ---- 7. The real-AWS guard: no proxy, no instance metadata for a loopback endpoint ----------

/// A loopback listener that counts the connections it receives and closes each at once (a
/// client that reaches it fails fast instead of waiting for an answer).
struct Listener {
    port: u16,
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Listener {
    fn new() -> Listener {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let h = hits.clone();
        std::thread::spawn(move || {
            for s in l.incoming() {
                h.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                drop(s);
            }
        });
        Listener { port, hits }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}

const PROXY_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

/// orgsim with no proxy, region, profile or metadata settings from the test's own environment,
/// profile files that do not exist and the metadata service's endpoint at `imds`.
fn isolated(imds: &Listener) -> Command {
    let mut c = bin();
    for k in PROXY_VARS.iter().chain(&[
        "NO_PROXY",
        "no_proxy",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_ORGANIZATIONS",
        "AWS_EC2_METADATA_DISABLED",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ]) {
        c.env_remove(k);
    }
    c.env("AWS_CONFIG_FILE", "/nonexistent/orgsim-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/orgsim-test/credentials",
        )
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url());
    c
}

/// The live commands of the issue, against `endpoint`.
fn live_commands(endpoint: &str) -> Vec<Vec<String>> {
    let s = "scenarios/two-customers.toml";
    let live = |cmd: &[&str]| -> Vec<String> {
        cmd.iter()
            .map(|x| x.to_string())
            .chain(["--backend", "sdk", "--endpoint", endpoint].map(String::from))
            .collect()
    };
    vec![
        live(&["run", s]),
        live(&["load", s, "--rate", "60/min", "--duration", "1m"]),
    ]
}

#[test]
fn a_loopback_endpoint_is_never_reached_through_a_proxy() {
    let imds = Listener::new();
    let proxy = Listener::new();
    let endpoint = Listener::new();
    for args in live_commands(&endpoint.url()) {
        let before = endpoint.hits();
        let mut c = isolated(&imds);
        c.env("AWS_REGION", "us-east-1");
        for k in PROXY_VARS {
            c.env(k, proxy.url());
        }
        let o = c.args(&args).output().unwrap();
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{err}");
        // The endpoint is a listener that hangs up: the run fails, having tried it directly.
        assert_eq!(code(&o), 2, "{args:?}: {err}");
        assert_eq!(proxy.hits(), 0, "{args:?} went through the proxy: {err}");
        assert!(
            endpoint.hits() > before,
            "{args:?} never reached {}",
            endpoint.url()
        );
    }
    assert_eq!(imds.hits(), 0);
}

#[test]
fn a_loopback_run_never_asks_the_instance_metadata_service() {
    let imds = Listener::new();
    let endpoint = Listener::new();
    for args in live_commands(&endpoint.url()) {
        // No region anywhere: defaulted, and said so.
        let o = isolated(&imds).args(&args).output().unwrap();
        let err = stderr(&o);
        assert_eq!(code(&o), 2, "{args:?}: {err}");
        assert_eq!(imds.hits(), 0, "{args:?} asked the metadata service: {err}");
        assert!(
            err.contains("no AWS region configured") && err.contains("using us-east-1"),
            "{args:?}: {err}"
        );
        // A named profile that does not exist: no fall-through to instance credentials.
        let o = isolated(&imds)
            .env("AWS_REGION", "eu-west-1")
            .env("AWS_PROFILE", "orgsim-test-absent")
            .args(&args)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(code(&o), 2, "{args:?}: {err}");
        assert_eq!(imds.hits(), 0, "{args:?} asked the metadata service: {err}");
        assert!(!err.contains("no AWS region configured"), "{err}");
    }
    assert!(endpoint.hits() > 0);
}
