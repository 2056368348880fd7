//! Issue 12, "bad input, big input, hostile environment": each defect found by trying orgsim as
//! a careful adversary would, reproduced by its command. orgsim must refuse early (exit 2 naming
//! the limit, the field or the path), never panic, never run away, never leak a request.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
