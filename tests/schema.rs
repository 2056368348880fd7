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
        (
            "sweep-shard",
            stdout_of(&[
                "sweep",
                "scenarios/two-customers.toml",
                "--customers",
                "1..=2",
                "--replications",
                "5",
                "--shard",
                "2/3",
            ]),
        ),
        (
            "sensitivity",
            stdout_of(&[
                "sensitivity",
                "scenarios/two-customers.toml",
                "--customers",
                "2",
                "--replications",
                "3",
                "--json",
            ]),
        ),
        (
            "sensitivity-shard",
            stdout_of(&[
                "sensitivity",
                "scenarios/two-customers.toml",
                "--customers",
                "2",
                "--replications",
                "3",
                "--shard",
                "1/2",
            ]),
        ),
        (
            "applies",
            stdout_of(&[
                "run",
                "examples/terraform/orphan.toml",
                "--applies",
                "2",
                "--json",
            ]),
        ),
        (
            "waves",
            stdout_of(&[
                "sweep",
                "scenarios/five-customers.toml",
                "--customers",
                "5",
                "--waves",
                "1..=2",
                "--replications",
                "3",
                "--json",
            ]),
        ),
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

/// The kinds `schemas/` holds, one file each.
const KINDS: [&str; 16] = [
    "run",
    "sweep",
    "phases",
    "load",
    "ops",
    "staff",
    "plan",
    "validate",
    "compare",
    "check",
    "serve",
    "sweep-shard",
    "sensitivity",
    "sensitivity-shard",
    "applies",
    "waves",
];

fn committed_schema(kind: &str) -> String {
    let path = format!("schemas/{kind}.schema.json");
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&path))
        .unwrap_or_else(|e| panic!("{path}: {e} (write it with `orgsim schema {kind}`)"))
}

/// The committed schemas are what the types give now: a change of a report's types without
/// its schema fails here. `ORGSIM_BLESS=1` writes them again.
#[test]
fn the_committed_schemas_are_what_the_types_generate() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut want: Vec<String> = KINDS.iter().map(|k| format!("{k}.schema.json")).collect();
    want.sort();
    assert_eq!(on_disk, want, "one schema per report kind, no other file");
    for kind in KINDS {
        let now = stdout_of(&["schema", kind]);
        if std::env::var_os("ORGSIM_BLESS").is_some() {
            std::fs::write(dir.join(format!("{kind}.schema.json")), &now).unwrap();
            continue;
        }
        assert!(
            now == committed_schema(kind),
            "schemas/{kind}.schema.json differs from `orgsim schema {kind}`: regenerate it \
             (ORGSIM_BLESS=1 cargo test --test schema)"
        );
    }
    let bad = common::run(&["schema", "nonsense"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("run, sweep"));
}

fn validator(kind: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&committed_schema(kind)).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{kind}: not a schema: {e}"))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Real outputs of every kind, made by the binary, validate against their kind's schema; and
/// every shipped scenario's run report too.
#[test]
fn real_outputs_of_every_kind_validate_against_their_schema() {
    let mut seen = std::collections::BTreeSet::new();
    for (kind, text) in one_of_each() {
        let doc: Value = serde_json::from_str(&text).unwrap();
        let errs = errors(&validator(kind), &doc);
        assert!(errs.is_empty(), "{kind}: {errs:#?}");
        seen.insert(kind);
    }
    assert_eq!(seen.len(), KINDS.len(), "{seen:?}");
    let run = validator("run");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let text = stdout_of(&["run", p.to_str().unwrap(), "--json"]);
            let errs = errors(&run, &serde_json::from_str(&text).unwrap());
            assert!(errs.is_empty(), "{}: {errs:#?}", p.display());
            n += 1;
        }
    }
    assert!(n >= 10);
    // The committed baselines (schema 2, written before `schema_version` led) are sweeps too.
    let sweep = validator("sweep");
    for name in ["two-customers", "five-customers", "hundred-customers"] {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("reports/baseline/{name}.json")),
        )
        .unwrap();
        let errs = errors(&sweep, &serde_json::from_str(&text).unwrap());
        assert!(errs.is_empty(), "{name}: {errs:#?}");
    }
}

/// The schemas can fail: a wrong version, a missing key, a wrong type, an unknown verdict.
#[test]
fn a_wrong_document_fails_its_schema() {
    let base = "reports/baseline/two-customers.json";
    let check: Value =
        serde_json::from_str(&stdout_of(&["check", base, "--baseline", base, "--json"])).unwrap();
    let v = validator("check");
    assert!(errors(&v, &check).is_empty());
    let mut wrong = check.clone();
    wrong["schema_version"] = 2.into();
    assert!(!errors(&v, &wrong).is_empty(), "a newer version");
    let mut wrong = check.clone();
    wrong.as_object_mut().unwrap().remove("verdict");
    assert!(!errors(&v, &wrong).is_empty(), "no verdict");
    let mut wrong = check.clone();
    wrong["verdict"] = "MAYBE".into();
    assert!(!errors(&v, &wrong).is_empty(), "an unknown verdict");
    let mut wrong = check.clone();
    wrong["comparisons"][0]["lo"] = "low".into();
    assert!(
        !errors(&v, &wrong).is_empty(),
        "a string for a number in an item"
    );
    let run: Value = serde_json::from_str(&stdout_of(&[
        "run",
        "scenarios/two-customers.toml",
        "--json",
    ]))
    .unwrap();
    let v = validator("run");
    let mut wrong = run.clone();
    wrong["seed"] = (-1).into();
    assert!(!errors(&v, &wrong).is_empty(), "a negative seed");
    let mut wrong = run.clone();
    wrong.as_object_mut().unwrap().remove("financials");
    assert!(!errors(&v, &wrong).is_empty(), "no financials");
    // A run report is not a load report.
    assert!(!errors(&validator("load"), &run).is_empty());
}
