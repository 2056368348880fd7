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
    let want = common::dir_files(&whole);
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
        let got = common::dir_files(&merged);
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

fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/ci")
            .join(name),
    )
    .unwrap()
}

/// The value of `key: value` on the first line that has it (indentation ignored).
fn yaml_value<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(':')))
        .unwrap_or_else(|| panic!("no `{key}:` line"))
        .trim()
}

/// The GitHub Actions workflow: its matrix lists every shard 1..=N once, the shard step passes
/// `--shard ${{ matrix.shard }}/N`, each artifact holds the file that shard writes, and the
/// merge job needs the shards and merges every file of N. (actionlint, where installed, checks
/// the rest: docs/distributed.md.)
#[test]
fn the_github_actions_workflow_covers_every_shard() {
    let wf = example("github-actions-sweep.yml");
    let n: u32 = yaml_value(&wf, "SHARDS").trim_matches('"').parse().unwrap();
    // The matrix's `shard: [1, 2, ...]` (the job `shard:` above it has no value).
    let list = wf
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("shard: ["))
        .expect("a matrix of shards");
    let shards: Vec<u32> = list
        .trim_end_matches(']')
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
    assert_eq!(shards, (1..=n).collect::<Vec<_>>(), "the matrix is 1..=N");
    assert!(wf.contains("--shard ${{ matrix.shard }}/${{ env.SHARDS }} --out shards/"));
    assert!(wf.contains("path: shards/shard-${{ matrix.shard }}-of-${{ env.SHARDS }}.json"));
    assert!(wf.contains("needs: shard"));
    assert!(wf.contains("orgsim merge shards/shard-*-of-${{ env.SHARDS }}.json --out sweep/"));
    // The sweep step's arguments are ones orgsim accepts.
    let o = run(&[
        "sweep",
        SCENARIO,
        "--customers",
        "1..=100",
        "--step",
        "11",
        "--replications",
        "1000",
        "--shard",
        &format!("{n}/{n}"),
        "--help",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// The Kubernetes Indexed Job: N completions, indexed, each pod's shard is
/// JOB_COMPLETION_INDEX + 1 of N; run here as its shell runs it, for every index, in parallel,
/// and merged: the unsharded sweep's files.
#[test]
fn the_kubernetes_indexed_job_runs_every_shard_and_merges() {
    let job = example("kubernetes-indexed-job.yaml");
    assert_eq!(yaml_value(&job, "completionMode"), "Indexed");
    let n: u32 = yaml_value(&job, "completions").parse().unwrap();
    let shard_arg = format!("--shard \"$((JOB_COMPLETION_INDEX + 1))/{n}\"");
    assert!(job.contains(&shard_arg), "{job}");
    assert!(job.contains(&format!("orgsim merge /shards/shard-*-of-{n}.json")));
    let base = scratch("shards-k8s");
    let children: Vec<_> = (0..n)
        .map(|index| {
            let script = format!(
                "\"$ORGSIM\" sweep {SCENARIO} --customers 2..=20 --step 9 --replications 7 {shard_arg} --out \"$OUT\""
            );
            std::process::Command::new("/bin/sh")
                .args(["-c", &script])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("ORGSIM", env!("CARGO_BIN_EXE_orgsim"))
                .env("OUT", base.join("shards"))
                .env("JOB_COMPLETION_INDEX", index.to_string())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let shards: Vec<_> = (1..=n)
        .map(|k| base.join(format!("shards/shard-{k}-of-{n}.json")))
        .collect();
    let o = merge(&shards, &["--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let whole = run(&[sweep_args("2..=20", "7", "2"), vec!["--json"]].concat());
    assert_eq!(stdout(&o), stdout(&whole));
}

/// The Slurm array script, run as Slurm runs it (one process per SLURM_ARRAY_TASK_ID of its
/// `--array`, all at once), then merged: the unsharded sweep's files, byte for byte.
#[test]
fn the_slurm_array_script_runs_every_shard_and_merges() {
    let script = example("slurm-array.sh");
    let array = script
        .lines()
        .find_map(|l| l.strip_prefix("#SBATCH --array="))
        .expect("an --array line");
    let (lo, hi) = array.split_once('-').unwrap();
    let (lo, hi): (u32, u32) = (lo.parse().unwrap(), hi.parse().unwrap());
    assert_eq!(lo, 1);
    assert!(script.contains(&format!("SHARDS={hi}\n")));
    let base = scratch("shards-slurm");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci/slurm-array.sh");
    let children: Vec<_> = (lo..=hi)
        .map(|k| {
            std::process::Command::new("bash")
                .arg(&path)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("ORGSIM", env!("CARGO_BIN_EXE_orgsim"))
                .env("OUT", base.join("shards"))
                .env("SWEEP_ARGS", "--customers 2..=20 --step 9 --replications 7")
                .env("SLURM_ARRAY_TASK_ID", k.to_string())
                .env("SLURM_CPUS_PER_TASK", "1")
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let shards: Vec<_> = (lo..=hi)
        .map(|k| base.join(format!("shards/shard-{k}-of-{hi}.json")))
        .collect();
    let merged = base.join("sweep");
    let o = merge(&shards, &["--out", merged.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let whole = base.join("whole");
    let o = bin()
        .args(sweep_args("2..=20", "7", "2"))
        .arg("--out")
        .arg(&whole)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(common::dir_files(&whole) == common::dir_files(&merged));
}
