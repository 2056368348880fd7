//! `orgsim sensitivity`: the [X] keys varied one at a time, ranked, with a tornado chart, JSON
//! (and its schema), Markdown and a verdict per `[expect]` claim; its shards merged equal the
//! unsharded run's files byte for byte.

mod common;
use common::{bin, code, run, scratch, stderr, stdout};

const SCENARIO: &str = "scenarios/two-customers.toml";

/// `sensitivity SCENARIO` with `extra`, at 1 and 2 customers, 6 replications, 2 threads
/// unless `extra` says otherwise.
fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["sensitivity", SCENARIO, "--replications", "6"];
    if !extra.contains(&"--customers") {
        v.extend(["--customers", "1,2"]);
    }
    if !extra.contains(&"-j") {
        v.extend(["-j", "2"]);
    }
    v.extend_from_slice(extra);
    v
}

#[test]
fn ranks_the_assumed_keys_and_judges_each_claim() {
    let dir = scratch("sensitivity-out");
    let o = bin()
        .args(args(&["--key", "deploy.overhead_s=0..900", "--out"]))
        .arg(&dir)
        .arg("--png")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let names: Vec<String> = common::dir_files(&dir)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "sensitivity.json",
            "sensitivity.md",
            "tornado.png",
            "tornado.svg"
        ]
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("sensitivity.json")).unwrap())
            .unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["kind"], "sensitivity");
    let keys = v["keys"].as_array().unwrap();
    assert!(
        keys.len() >= 10,
        "every [X] key of terraform-aws: {}",
        keys.len()
    );
    for (i, k) in keys.iter().enumerate() {
        assert_eq!(k["rank"], i + 1);
        assert!(!k["reason"].as_str().unwrap().is_empty());
    }
    // 900 s of overhead moves every makespan by about 15 minutes: nothing else does as much.
    assert_eq!(keys[0]["key"], "deploy.overhead_s");
    assert_eq!(keys[0]["range_from"], "--key");
    let sw = keys[0]["swing"][1]["p95_makespan_s"].as_f64().unwrap();
    assert!((sw - 900.0).abs() < 5.0, "{sw}");
    // two-customers has [expect] claims: one verdict line each, in the JSON and the Markdown.
    let claims = v["claims"].as_array().unwrap();
    assert!(!claims.is_empty());
    let md = std::fs::read_to_string(dir.join("sensitivity.md")).unwrap();
    for c in claims {
        assert!(md.contains(c["verdict"].as_str().unwrap()));
    }
    let svg = std::fs::read_to_string(dir.join("tornado.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("<g class=\"series\">"));
    assert!(svg.contains("deploy.overhead_s"));
    // Deterministic: the same run, the same bytes.
    let a = run(&args(&["--json"]));
    let b = run(&args(&["--json", "-j", "1"]));
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    assert_eq!(stdout(&a), stdout(&b));
}

#[test]
fn sensitivity_shards_merge_into_the_unsharded_files() {
    let base = scratch("sensitivity-shards");
    let whole = base.join("whole");
    let o = bin().args(args(&["--out"])).arg(&whole).output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for n in [2u32, 7] {
        let dir = base.join(format!("n{n}"));
        let children: Vec<_> = (1..=n)
            .map(|k| {
                bin()
                    .args(args(&["--shard", &format!("{k}/{n}"), "--out"]))
                    .arg(dir.join("shards"))
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
            .map(|k| dir.join(format!("shards/sensitivity-shard-{k}-of-{n}.json")))
            .collect();
        let merged = dir.join("merged");
        let o = bin()
            .arg("merge")
            .args(&shards)
            .arg("--out")
            .arg(&merged)
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert!(
            common::dir_files(&whole) == common::dir_files(&merged),
            "N = {n}"
        );
        // Two of the shards alone merge only when they are all of them.
        let o = bin()
            .args(["merge"])
            .arg(&shards[0])
            .arg(&shards[1])
            .output()
            .unwrap();
        assert_eq!(code(&o), if n == 2 { 0 } else { 2 }, "{}", stderr(&o));
    }
}

#[test]
fn a_sweep_shard_among_sensitivity_shards_is_refused() {
    let dir = scratch("sensitivity-mixed");
    let o = bin()
        .args(args(&["--shard", "1/2", "--out"]))
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = run(&[
        "sweep",
        SCENARIO,
        "--customers",
        "1..=2",
        "--replications",
        "6",
        "--shard",
        "2/2",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let sweep_shard = common::write(&dir, "shard-2-of-2.json", &stdout(&o));
    let o = bin()
        .arg("merge")
        .arg(dir.join("sensitivity-shard-1-of-2.json"))
        .arg(&sweep_shard)
        .output()
        .unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "shard-2-of-2.json: kind: `sweep-shard`, but the first shard is a `sensitivity-shard`"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_keys_and_counts_are_refused() {
    for (extra, want) in [
        (
            vec!["--key", "deploy.nonsense"],
            "unknown key `deploy.nonsense`",
        ),
        (vec!["--key", "deploy.parallelism=9..3"], "LO <= HI"),
        (
            vec!["--key", "service.account_creation.p95_s=1..2"],
            "service.account_creation.p95_s = 1",
        ),
        (vec!["--customers", "0"], "at least 1"),
        (vec!["--customers", "a,b"], "N,N"),
    ] {
        let o = run(&args(&extra));
        assert_eq!(code(&o), 2, "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{extra:?}: {}", stderr(&o));
    }
}
