//! Golden outputs: the JSON that users and their CI read, byte for byte, for every shipped
//! scenario (`run`), a small `sweep` (its JSON, and another's per-replication CSV), `load` on the simulated backend, `compare` and `phases`.
//!
//! A change of output must be deliberate: regenerate the files with
//! `ORGSIM_BLESS=1 cargo test --test golden` in a commit of its own that says why.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `orgsim args` and compares its stdout with `tests/golden/name` (or writes it when
/// `ORGSIM_BLESS` is set). Returns a description of the mismatch, if any.
fn check(name: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("orgsim runs");
    let code = out.status.code().unwrap_or(-1);
    if code == 2 {
        return Some(format!(
            "{name}: orgsim {} exited 2: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let path: PathBuf = root().join("tests/golden").join(name);
    if std::env::var_os("ORGSIM_BLESS").is_some() {
        std::fs::write(&path, &out.stdout).expect("write the golden file");
        return None;
    }
    let want = match std::fs::read(&path) {
        Ok(w) => w,
        Err(e) => return Some(format!("{}: {e} (bless it first)", path.display())),
    };
    if want == out.stdout {
        return None;
    }
    let got = String::from_utf8_lossy(&out.stdout);
    let want = String::from_utf8_lossy(&want);
    let line = got
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
    Some(format!(
        "{name}: orgsim {} differs from {} at line {}:\n  golden: {}\n  now:    {}",
        args.join(" "),
        path.display(),
        line + 1,
        want.lines().nth(line).unwrap_or("<end>"),
        got.lines().nth(line).unwrap_or("<end>")
    ))
}

#[test]
fn outputs_match_the_golden_files() {
    let mut scenarios: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            if p.extension()? != "toml" {
                return None;
            }
            Some(p.file_stem()?.to_string_lossy().into_owned())
        })
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 10, "{scenarios:?}");
    let mut cases: Vec<(String, Vec<String>)> = scenarios
        .iter()
        .map(|s| {
            (
                format!("run-{s}.json"),
                vec!["run".into(), format!("scenarios/{s}.toml"), "--json".into()],
            )
        })
        .collect();
    let more: [(&str, &[&str]); 5] = [
        (
            "sweep-hundred-customers.csv",
            &[
                "sweep",
                "scenarios/hundred-customers.toml",
                "--customers",
                "1..=100",
                "--step",
                "33",
                "--replications",
                "5",
                "--csv",
            ],
        ),
        (
            "sweep-five-customers.json",
            &[
                "sweep",
                "scenarios/five-customers.toml",
                "--customers",
                "1..=5",
                "--step",
                "2",
                "--replications",
                "20",
                "--json",
            ],
        ),
        (
            "load-capacity.json",
            &["load", "scenarios/capacity.toml", "--json"],
        ),
        (
            "compare-single-two.json",
            &[
                "compare",
                "scenarios/single-customer.toml",
                "scenarios/two-customers.toml",
                "--json",
            ],
        ),
        (
            "phases-growth.json",
            &[
                "phases",
                "scenarios/growth-phases.toml",
                "--replications",
                "10",
                "--json",
            ],
        ),
    ];
    for (name, args) in more {
        cases.push((name.into(), args.iter().map(|a| a.to_string()).collect()));
    }
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, args)| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            check(name, &args)
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
