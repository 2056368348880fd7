//! `sweep --shard K/N` and `orgsim merge`: shards run as separate processes (in parallel, on any
//! thread counts) merge into the files the unsharded sweep writes, byte for byte; shards of
//! another run, a missing shard and a shard given twice are refused (exit 2, the field named).

use std::path::{Path, PathBuf};

mod common;
use common::{bin, code, run, scratch, stderr, stdout};

const SCENARIO: &str = "scenarios/hundred-customers.toml";

fn sweep_args<'a>(counts: &'a str, reps: &'a str, threads: &'a str) -> Vec<&'a str> {
    vec![
        "sweep",
        SCENARIO,
        "--customers",
        counts,
        "--step",
        "9",
        "--replications",
        reps,
        "-j",
        threads,
    ]
}

/// The files of a directory, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Runs shards 1..=n of the sweep as n processes at once, each on `threads` threads, into `dir`.
fn run_shards(dir: &Path, extra: &[&str], n: u32, threads: &str) -> Vec<PathBuf> {
    let children: Vec<_> = (1..=n)
        .map(|k| {
            let shard = format!("{k}/{n}");
            let mut args = sweep_args("2..=20", "7", threads);
            args.extend_from_slice(extra);
            bin()
                .args(&args)
                .args(["--shard", &shard, "--out"])
                .arg(dir)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    (1..=n)
        .map(|k| dir.join(format!("shard-{k}-of-{n}.json")))
        .collect()
}

fn merge(shards: &[PathBuf], extra: &[&str]) -> std::process::Output {
    bin()
        .arg("merge")
        .args(shards)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn parallel_shards_merge_into_the_unsharded_files_byte_for_byte() {
    let base = scratch("shards-equal");
    let whole = base.join("whole");
    let o = bin()
        .args(sweep_args("2..=20", "7", "2"))
        .args(["--png", "--out"])
        .arg(&whole)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let want = files(&whole);
    assert_eq!(want.len(), 7, "sweep.json, .csv, .md and four charts");
    let whole_json = stdout(&run(&[
        sweep_args("2..=20", "7", "1"),
        vec!["--json", "--samples"],
    ]
    .concat()));
    // 1 shard, shards with fewer jobs than shards (9 > 7 replications of a count), and more
    // shards than a count has; each on one thread or several.
    for (n, threads) in [(1, "2"), (2, "1"), (3, "3"), (9, "1"), (40, "2")] {
        let dir = base.join(format!("n{n}-j{threads}"));
        let mut shards = run_shards(&dir.join("shards"), &[], n, threads);
        shards.reverse(); // any order
        let merged = dir.join("merged");
        let o = merge(&shards, &["--png", "--out", merged.to_str().unwrap()]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let got = files(&merged);
        assert_eq!(got.len(), want.len());
        for ((a, x), (b, y)) in want.iter().zip(&got) {
            assert_eq!(a, b);
            assert!(
                x == y,
                "N={n} -j{threads}: {a} differs from the unsharded run's"
            );
        }
        let o = merge(&shards, &["--json", "--samples"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(stdout(&o), whole_json, "N={n}: merge --json --samples");
    }
}

#[test]
fn shard_files_hold_hdr_histograms_and_stay_small() {
    let o = run(&[sweep_args("100", "1000", "2"), vec!["--shard", "1/1"]].concat());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    // 1,000 hundred-customer replications in one count's shard: at most 64 KB.
    assert!(text.len() <= 64 * 1024, "{} bytes", text.len());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["kind"], "sweep-shard");
    let hdr = v["per_count"][0]["makespan_ms_hdr"].as_str().unwrap();
    // HdrHistogram's V2 serialization cookie, base64 (0x1c849303: "HISTEw").
    assert!(hdr.starts_with("HISTEw"), "{hdr}");
}

#[test]
fn shards_of_another_run_missing_or_twice_are_refused() {
    let base = scratch("shards-refused");
    let a = run_shards(&base.join("a"), &[], 3, "1");
    let seed = run_shards(&base.join("seed"), &["--seed", "7"], 3, "1");
    let deployer = run_shards(
        &base.join("dep"),
        &["--deployer", "aws-sdk-standard"],
        3,
        "1",
    );
    let check = |shards: Vec<PathBuf>, want: &[&str]| {
        let o = merge(&shards, &[]);
        let err = stderr(&o);
        assert_eq!(code(&o), 2, "{err}");
        for w in want {
            assert!(err.contains(w), "wanted `{w}` in: {err}");
        }
    };
    check(
        vec![a[0].clone(), a[1].clone(), seed[2].clone()],
        &["shard-3-of-3.json", "seed: 7"],
    );
    check(
        vec![a[0].clone(), deployer[1].clone(), a[2].clone()],
        &["deployer:"],
    );
    check(vec![a[0].clone(), a[1].clone()], &["shard: 3 of 3 missing"]);
    check(
        vec![a[0].clone(), a[1].clone(), a[2].clone(), a[1].clone()],
        &["given twice"],
    );
    // Another scenario, and another orgsim (the version field edited).
    let other = base.join("other");
    let o = bin()
        .args([
            "sweep",
            "scenarios/two-customers.toml",
            "--customers",
            "2..=20",
            "--step",
            "9",
            "--replications",
            "7",
            "--shard",
            "2/3",
            "--out",
        ])
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    check(
        vec![a[0].clone(), other.join("shard-2-of-3.json"), a[2].clone()],
        &["scenario: \"two-customers\""],
    );
    let text = std::fs::read_to_string(&a[1]).unwrap();
    let digest = base.join("digest.json");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let d = v["scenario_digest"].as_str().unwrap().to_string();
    std::fs::write(&digest, text.replace(&d, "0123456789abcdef")).unwrap();
    check(
        vec![a[0].clone(), digest, a[2].clone()],
        &["scenario_digest"],
    );
    let version = base.join("version.json");
    let ver = v["orgsim_version"].as_str().unwrap().to_string();
    std::fs::write(&version, text.replace(&ver, "0.0.1 (commit 000000000000)")).unwrap();
    check(
        vec![a[0].clone(), version, a[2].clone()],
        &["orgsim_version"],
    );
    // Not a shard file at all: file:line:col.
    let junk = common::write(&base, "junk.json", "{\n  \"kind\": 3\n}\n");
    check(vec![PathBuf::from(junk)], &["junk.json: 2:"]);
}

#[test]
fn shard_flag_is_checked() {
    for bad in ["0/3", "4/3", "x"] {
        let o = run(&[sweep_args("2", "3", "1"), vec!["--shard", bad]].concat());
        assert_eq!(code(&o), 2, "{bad}: {}", stderr(&o));
        assert!(stderr(&o).contains("K/N"), "{}", stderr(&o));
    }
    let o = run(&[sweep_args("2", "3", "1"), vec!["--shard", "1/2", "--json"]].concat());
    assert_eq!(code(&o), 2);
}
