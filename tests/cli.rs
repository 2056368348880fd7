//! Black-box tests of the `orgsim` binary: what a user types, what they get, the exit codes.

use std::process::Command;

use serde_json::Value;

mod common;
use common::{bin, code, run, scratch, stderr, stdout, write};

fn json_of(args: &[&str]) -> (i32, Value) {
    let o = run(args);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: stdout {} stderr {}", stdout(&o), stderr(&o)));
    (code(&o), v)
}

fn statuses(v: &Value) -> Vec<(String, String)> {
    v["validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["check"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn status_of(v: &Value, check: &str) -> String {
    statuses(v)
        .into_iter()
        .find(|(c, _)| c == check)
        .map(|(_, s)| s)
        .unwrap_or_default()
}

const SEED_CHECKS: [&str; 8] = [
    "tier_routing",
    "ous_created",
    "accounts_isolated",
    "policies_applied",
    "naming_conflicts",
    "parallel_deploy",
    "revenue_tracking",
    "cost_allocation",
];

#[test]
fn single_customer_reproduces_the_seed() {
    let (c, v) = json_of(&["run", "scenarios/single-customer.toml", "--json"]);
    assert_eq!(c, 0, "{v}");
    let k = &v["resources"]["by_kind"];
    assert_eq!(k["organizational_unit"], 1);
    assert_eq!(k["account"], 1);
    assert_eq!(k["policy_attachment"], 1);
    assert_eq!(k["policy"], 1);
    assert_eq!(k["tags"], 1);
    assert_eq!(v["resources"]["failed"], 0);
    let f = &v["financials"];
    assert_eq!(f["revenue"], 8000.0);
    assert_eq!(f["costs"], 1680.0);
    assert_eq!(f["profit"], 6320.0);
    assert_eq!(f["margin"], 0.79);
    let checks = statuses(&v);
    // The seed's matrix, then orgsim's own row: accounts created but not in state.
    let mut want = SEED_CHECKS.to_vec();
    want.push("orphaned_accounts");
    assert_eq!(
        checks.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
        want
    );
    for (c, s) in checks {
        if c == "parallel_deploy" {
            assert_eq!(s, "N/A");
        } else {
            assert_eq!(s, "PASS", "{c}");
        }
    }
    assert_eq!(v["backend"], "sim");
    assert_eq!(v["seed"], 42);
    assert!(
        v["timing"]["makespan_s"].as_f64().unwrap() > v["timing"]["overhead_s"].as_f64().unwrap()
    );
}

#[test]
fn two_customers_reproduce_the_seed_figures_and_the_matrix() {
    let (c, v) = json_of(&["run", "scenarios/two-customers.toml", "--json"]);
    assert_eq!(c, 0, "{v}");
    let k = &v["resources"]["by_kind"];
    assert_eq!(
        (
            k["organizational_unit"].as_u64(),
            k["account"].as_u64(),
            k["policy_attachment"].as_u64()
        ),
        (Some(2), Some(2), Some(2))
    );
    let f = &v["financials"];
    assert_eq!(
        (
            f["revenue"].as_f64(),
            f["costs"].as_f64(),
            f["profit"].as_f64()
        ),
        (Some(23000.0), Some(3380.0), Some(19620.0))
    );
    assert_eq!((f["margin"].as_f64().unwrap() * 100.0).round(), 85.0);
    assert_eq!(f["revenue_per_customer"], 11500.0);
    assert_eq!(f["profit_per_customer"], 9810.0);
    for (c, s) in statuses(&v) {
        assert_eq!(s, "PASS", "{c}");
    }
    // The text summary shows the same.
    let o = run(&["run", "scenarios/two-customers.toml"]);
    assert_eq!(code(&o), 0);
    let t = stdout(&o);
    for needle in [
        "$23,000",
        "$3,380",
        "$19,620",
        "85.3%",
        "PASS tier_routing",
        "makespan",
    ] {
        assert!(t.contains(needle), "missing {needle} in\n{t}");
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_timings() {
    let a = run(&[
        "run",
        "scenarios/five-customers.toml",
        "--json",
        "--seed",
        "7",
    ]);
    let b = run(&[
        "run",
        "scenarios/five-customers.toml",
        "--json",
        "--seed",
        "7",
    ]);
    assert_eq!(a.stdout, b.stdout);
    let c = run(&[
        "run",
        "scenarios/five-customers.toml",
        "--json",
        "--seed",
        "8",
    ]);
    let va: Value = serde_json::from_slice(&a.stdout).unwrap();
    let vc: Value = serde_json::from_slice(&c.stdout).unwrap();
    assert_eq!(vc["seed"], 8);
    assert_ne!(va["timing"], vc["timing"]);
}

fn customers_toml(n: usize, tiers: &[&str]) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "[[customers]]\nname = \"Tenant {i:03}\"\ntier = \"{}\"\nemail = \"tenant{i:03}@example.com\"\n\n",
            tiers[i % tiers.len()]
        ));
    }
    s
}

#[test]
fn twelve_customers_hit_the_default_account_quota() {
    let (c, v) = json_of(&[
        "run",
        "scenarios/twelve-customers-over-quota.toml",
        "--json",
    ]);
    assert_eq!(c, 1);
    let items = v["resources"]["items"].as_array().unwrap();
    let accounts: Vec<&Value> = items.iter().filter(|i| i["kind"] == "account").collect();
    let created = accounts.iter().filter(|a| a["status"] == "created").count();
    let over: Vec<&&Value> = accounts
        .iter()
        .filter(|a| a["code"] == "ACCOUNT_LIMIT_EXCEEDED")
        .collect();
    // Quota 10 counts the management account: 9 members fit.
    assert_eq!(created, 9);
    assert_eq!(over.len(), 3);
    assert_eq!(v["api"]["errors"]["ACCOUNT_LIMIT_EXCEEDED"], 3);
    assert_eq!(status_of(&v, "tier_routing"), "FAIL");
    assert!(v["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["kind"] == "quota" && c["code"] == "ACCOUNT_LIMIT_EXCEEDED"));
    assert_eq!(v["verdict"], "FAIL");
}

#[test]
fn a_shared_email_is_a_conflict_never_a_merge() {
    let d = scratch("dup-email");
    let text = r#"name = "dup"
[[customers]]
name = "ACME Finance Inc"
tier = "fintech"
email = "john@acmefinance.com"

[[customers]]
name = "ACME Finance Europe"
tier = "fintech"
email = "john@acmefinance.com"
"#;
    let p = write(&d, "dup.toml", text);
    let (c, v) = json_of(&["run", &p, "--json"]);
    assert_eq!(c, 1);
    assert_eq!(status_of(&v, "naming_conflicts"), "FAIL");
    let conflicts = v["conflicts"].as_array().unwrap();
    assert!(conflicts
        .iter()
        .any(|c| c["code"] == "EMAIL_ALREADY_EXISTS" && c["resolved"] == false));
    let items = v["resources"]["items"].as_array().unwrap();
    let accounts: Vec<&Value> = items.iter().filter(|i| i["kind"] == "account").collect();
    assert_eq!(accounts.len(), 2, "both customers planned");
    assert_eq!(
        accounts.iter().filter(|a| a["status"] == "created").count(),
        1
    );
    assert_eq!(
        accounts
            .iter()
            .filter(|a| a["code"] == "EMAIL_ALREADY_EXISTS")
            .count(),
        1
    );
    // validate and plan say so too, before anything runs.
    let o = run(&["validate", &p]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("EMAIL_ALREADY_EXISTS"));
}

fn hundred(parallelism: Option<u32>) -> String {
    let mut s =
        String::from("name = \"hundred\"\nseed = 42\n\n[organization]\naccount_quota = 200\n\n");
    if let Some(p) = parallelism {
        s.push_str(&format!("[deploy]\nparallelism = {p}\n\n"));
    }
    s + &customers_toml(100, &["fintech", "healthcare", "gov-federal", "standard"])
}

#[test]
fn a_hundred_customers_every_account_terminal_none_twice() {
    let d = scratch("hundred");
    let one = write(
        &d,
        "one.toml",
        &format!(
            "name = \"one\"\nseed = 42\n{}",
            customers_toml(1, &["fintech"])
        ),
    );
    let (_, v1) = json_of(&["run", &one, "--json"]);
    for par in [None, Some(5)] {
        let p = write(&d, "h.toml", &hundred(par));
        let (_, v) = json_of(&["run", &p, "--json"]);
        let items = v["resources"]["items"].as_array().unwrap();
        let accounts: Vec<&Value> = items.iter().filter(|i| i["kind"] == "account").collect();
        assert_eq!(accounts.len(), 100);
        let created = accounts.iter().filter(|a| a["status"] == "created").count();
        let failed: Vec<&&Value> = accounts
            .iter()
            .filter(|a| a["status"] == "failed")
            .collect();
        assert_eq!(
            created + failed.len(),
            100,
            "every account created or failed"
        );
        for f in &failed {
            assert!(
                f["code"].as_str().is_some_and(|c| !c.is_empty()),
                "failed with a reason: {f}"
            );
        }
        let mut ids: Vec<&str> = accounts.iter().filter_map(|a| a["id"].as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), created, "no account id twice");
        // CreateAccount's rate (0.1/s, burst 3) alone needs ≥ 970 s for 100 accounts.
        let makespan = v["timing"]["makespan_s"].as_f64().unwrap();
        assert!(makespan > 3.0 * v1["timing"]["makespan_s"].as_f64().unwrap());
        assert!(makespan > 970.0, "{makespan}");
        // The Terraform provider retries every throttle up to 25 times: the only accounts it
        // loses are creations still IN_PROGRESS after its 10-minute timeout.
        for f in &failed {
            assert_eq!(f["code"], "Timeout", "{f}");
        }
        if par == Some(5) {
            assert!(v["timing"]["max_resources_in_flight"].as_u64().unwrap() <= 5);
        }
    }
}

#[test]
fn out_dir_gets_the_json_and_markdown_reports() {
    let d = scratch("out");
    let dir = d.join("reports");
    let o = run(&[
        "run",
        "scenarios/two-customers.toml",
        "--json",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0);
    let written = std::fs::read(dir.join("report.json")).unwrap();
    assert_eq!(written, o.stdout);
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("## Validation matrix"));
    assert!(md.contains("| tier_routing | PASS |"));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn bad_scenarios_exit_2_with_the_line() {
    let d = scratch("bad");
    let cases = [
        ("typo.toml", "name = \"x\"\n\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemial = \"a@b.co\"\n", ":6:", "emial"),
        ("type.toml", "name = \"x\"\n[deploy]\nparallelism = \"ten\"\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@b.co\"\n", ":3:", "parallelism"),
        ("syntax.toml", "name = \"x\"\n[[customers]\nname = \"A\"\n", ":2:", ""),
        ("tier.toml", "name = \"x\"\n[[customers]]\nname = \"A\"\ntier = \"fintek\"\nemail = \"a@b.co\"\n", ":4:", "tier"),
    ];
    for (file, text, line, field) in cases {
        let p = write(&d, file, text);
        for args in [
            vec!["run", p.as_str()],
            vec!["validate", p.as_str()],
            vec!["plan", p.as_str()],
        ] {
            let o = run(&args);
            assert_eq!(code(&o), 2, "{file} {args:?}: {}", stderr(&o));
            let e = stderr(&o);
            assert!(
                e.contains(&format!("{file}{line}")),
                "{file}: no line in {e}"
            );
            assert!(e.contains(field), "{file}: no field in {e}");
            assert!(o.stdout.is_empty());
        }
    }
    let o = run(&["run", "no/such/file.toml"]);
    assert_eq!(code(&o), 2);
    let o = run(&["run"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn a_bad_out_dir_is_exit_2_and_writes_nothing() {
    let d = scratch("badout");
    let file = write(&d, "not-a-dir", "x");
    let o = run(&[
        "run",
        "scenarios/single-customer.toml",
        "--out",
        &format!("{file}/sub"),
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        o.stdout.is_empty(),
        "no report printed when the run cannot be written"
    );
}

#[test]
fn plan_shows_the_graph() {
    let o = run(&["plan", "scenarios/two-customers.toml"]);
    assert_eq!(code(&o), 0);
    let t = stdout(&o);
    assert!(t.contains("aws_organizations_account.acme_finance_inc"));
    assert!(t.contains("depends on aws_organizations_organizational_unit.customers_fintech"));
    let (c, v) = json_of(&["plan", "scenarios/two-customers.toml", "--json"]);
    assert_eq!(c, 0);
    assert_eq!(v["by_kind"]["account"], 2);
    assert_eq!(v["resources"].as_array().unwrap().len(), 10);
    let o = run(&["validate", "scenarios/hundred-customers.toml"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains(": valid file, no findings ·"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn sdk_backend_refuses_a_non_loopback_endpoint_without_allow_real_aws() {
    // A listener that would see any request: nothing must reach it.
    let listener = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    for endpoint in [
        format!("http://192.0.2.10:{port}"),
        "https://organizations.us-east-1.amazonaws.com".to_string(),
    ] {
        let o = run(&[
            "run",
            "scenarios/two-customers.toml",
            "--backend",
            "sdk",
            "--endpoint",
            &endpoint,
        ]);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(stderr(&o).contains("--allow-real-aws"), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
    // No endpoint at all means AWS itself: refused too.
    let o = bin()
        .args(["run", "scenarios/two-customers.toml", "--backend", "sdk"])
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_ORGANIZATIONS")
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("not a loopback address"),
        "{}",
        stderr(&o)
    );
    assert!(listener.accept().is_err(), "nothing was sent");
}

#[test]
fn live_only_flags_are_refused_on_sim() {
    let o = run(&[
        "run",
        "scenarios/two-customers.toml",
        "--poll-interval",
        "1",
    ]);
    assert_eq!(code(&o), 2);
    let o = run(&[
        "run",
        "scenarios/two-customers.toml",
        "--backend",
        "mock",
        "--time-scale",
        "0",
    ]);
    assert_eq!(code(&o), 2);
}

/// Every planned resource's address, kind and status.
fn organization_of(v: &Value) -> Vec<String> {
    let mut out = vec![];
    for r in v["resources"]["items"].as_array().unwrap() {
        out.push(format!(
            "{} {} {}",
            r["address"].as_str().unwrap(),
            r["kind"].as_str().unwrap(),
            r["status"].as_str().unwrap()
        ));
    }
    out.sort();
    out
}

#[test]
fn mock_backend_deploys_what_sim_deploys() {
    for sc in [
        "scenarios/two-customers.toml",
        "scenarios/five-customers.toml",
    ] {
        let (c_sim, sim) = json_of(&["run", sc, "--json"]);
        let (c_mock, mock) = json_of(&[
            "run",
            sc,
            "--json",
            "--backend",
            "mock",
            "--time-scale",
            "200",
            "--poll-interval",
            "2",
        ]);
        assert_eq!((c_sim, c_mock), (0, 0));
        assert_eq!(mock["backend"], "mock");
        assert_eq!(organization_of(&sim), organization_of(&mock), "{sc}");
        assert_eq!(sim["organization"], mock["organization"], "{sc}");
        assert!(!sim["organization"]["accounts"]
            .as_array()
            .unwrap()
            .is_empty());
        let rows = |v: &Value| {
            v["validation"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| format!("{} {}", r["check"], r["status"]))
                .collect::<Vec<_>>()
        };
        assert_eq!(rows(&sim), rows(&mock));
        // The mock's org is read from the model: same account ids (the scenario's hints).
        let ids = |v: &Value| {
            let mut ids: Vec<String> = v["resources"]["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["kind"] == "account")
                .map(|r| r["id"].as_str().unwrap().to_string())
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(&sim), ids(&mock));
    }
}

fn small_scenario(extra: &str) -> String {
    format!(
        "name = \"gate\"\nseed = 5\n{extra}\n{}",
        customers_toml(4, &["fintech", "healthcare"])
    )
}

#[test]
fn sweep_is_deterministic_and_any_replication_reruns_alone() {
    let d = scratch("sweep");
    let p = write(&d, "s.toml", &small_scenario(""));
    let a = run(&[
        "sweep",
        &p,
        "--customers",
        "1..=4",
        "--step",
        "3",
        "--replications",
        "6",
        "--json",
    ]);
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    let b = run(&[
        "sweep",
        &p,
        "--customers",
        "1..=4",
        "--step",
        "3",
        "--replications",
        "6",
        "--json",
        "--threads",
        "1",
    ]);
    assert_eq!(
        a.stdout, b.stdout,
        "same sweep, same bytes, whatever the threads"
    );
    let v: Value = serde_json::from_slice(&a.stdout).unwrap();
    let counts: Vec<u64> = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["customers"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, vec![1, 4]);
    // Replication 5 of 4 customers, from the CSV, re-run alone with `run`.
    let csv = stdout(&run(&[
        "sweep",
        &p,
        "--customers",
        "4",
        "--replications",
        "6",
        "--csv",
    ]));
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("4,5,"))
        .expect("row 4,5")
        .split(',')
        .collect();
    let (_, one) = json_of(&[
        "run",
        &p,
        "--customers",
        "4",
        "--replication",
        "5",
        "--json",
    ]);
    assert_eq!(one["seed"].as_u64().unwrap().to_string(), row[2]);
    assert_eq!(
        format!("{:.3}", one["timing"]["makespan_s"].as_f64().unwrap()),
        row[3]
    );
    assert_eq!(one["api"]["calls"].as_u64().unwrap().to_string(), row[5]);
    assert_eq!(
        one["conflicts"].as_array().unwrap().len().to_string(),
        row[8]
    );
    // --out writes the three files.
    let out = d.join("out");
    let o = run(&[
        "sweep",
        &p,
        "--customers",
        "2",
        "--replications",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0);
    for f in ["sweep.json", "sweep.csv", "sweep.md"] {
        assert!(out.join(f).exists(), "{f}");
    }
    assert_eq!(
        code(&run(&[
            "sweep",
            &p,
            "--customers",
            "5..=1",
            "--replications",
            "2"
        ])),
        2
    );
}

#[test]
fn check_passes_the_baseline_and_catches_a_slower_model() {
    let d = scratch("check");
    let base = write(&d, "base.toml", &small_scenario(""));
    let slow = write(
        &d,
        "slow.toml",
        &small_scenario("[service.account_creation]\nmedian_s = 240\np95_s = 900\n"),
    );
    let sweep = |p: &str, seed: &str| {
        stdout(&run(&[
            "sweep",
            p,
            "--customers",
            "1..=4",
            "--step",
            "3",
            "--replications",
            "100",
            "--seed",
            seed,
            "--samples",
            "--json",
        ]))
    };
    let b = write(&d, "base.json", &sweep(&base, "5"));
    let other = write(&d, "other.json", &sweep(&base, "6"));
    let s = write(&d, "slow.json", &sweep(&slow, "6"));
    let o = run(&["check", &b, "--baseline", &b]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // Another seed of the same scenario: another sample, compared, no alarm; every figure
    // printed with its interval.
    let o = run(&["check", &other, "--baseline", &b]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o).matches("\nok ").count() + 1, 6, "{}", stdout(&o));
    assert!(stdout(&o).contains("interval") && stdout(&o).contains("false-alarm rate"));
    let md = d.join("check.md");
    let o = run(&[
        "check",
        &s,
        "--baseline",
        &b,
        "--markdown-out",
        md.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("REGRESSED") && stdout(&o).contains("makespan_p95_s"));
    assert!(std::fs::read_to_string(&md)
        .unwrap()
        .contains("**REGRESSED**"));
    // --markdown prints the Markdown (it takes no file).
    let o = run(&["check", &s, "--baseline", &b, "--markdown"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).starts_with("## orgsim check: gate — "),
        "{}",
        stdout(&o)
    );
    let o = run(&["check", &s, "--baseline", &b, "--markdown", "x.md"]);
    assert_eq!(code(&o), 2, "no file argument on --markdown");
    // Faster than the baseline is no regression; so small a false-alarm rate that 100
    // replications cannot reach it lets the slow one pass, and says so.
    assert_eq!(code(&run(&["check", &b, "--baseline", &s])), 0);
    let o = run(&["check", &s, "--baseline", &b, "--false-alarm", "1e-200"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("cannot flag"), "{}", stdout(&o));
    for bad in ["0", "1", "-0.1", "nan"] {
        let flag = format!("--false-alarm={bad}");
        let o = run(&["check", &s, "--baseline", &b, &flag]);
        assert_eq!(code(&o), 2, "{bad}");
        assert!(stderr(&o).contains("--false-alarm"), "{}", stderr(&o));
    }
    // The old tolerances are gone, and say what replaced them.
    let o = run(&["check", &s, "--baseline", &b, "--tolerance", "100"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--false-alarm"), "{}", stderr(&o));
    let help = stdout(&run(&["check", "--help"]));
    assert!(
        help.contains("--false-alarm") && !help.contains("tolerance"),
        "{help}"
    );
    // Not a sweep: exit 2.
    assert_eq!(code(&run(&["check", &base, "--baseline", &b])), 2);
}

#[test]
fn check_refuses_another_experiment_and_values_outside_their_domain() {
    let d = scratch("check-refuses");
    let p = write(&d, "s.toml", &small_scenario(""));
    let sweep = |reps: &str, extra: &[&str]| {
        let mut args = vec![
            "sweep",
            p.as_str(),
            "--customers",
            "2",
            "--replications",
            reps,
            "--samples",
            "--json",
        ];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stdout(&o)
    };
    let b = write(&d, "b.json", &sweep("20", &[]));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&b).unwrap()).unwrap();
    assert_eq!(v["schema_version"], 2);
    assert_eq!(
        v["counts"][0]["makespan_ms_sample"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    // Another seed is compared; another replication count is refused.
    assert_eq!(
        code(&run(&[
            "check",
            &write(&d, "seed.json", &sweep("20", &["--seed", "9"])),
            "--baseline",
            &b
        ])),
        0
    );
    let reps = write(&d, "reps.json", &sweep("30", &[]));
    let o = run(&["check", &reps, "--baseline", &b]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("`replications` differs"),
        "{}",
        stderr(&o)
    );
    let edited = |name: &str, f: &dyn Fn(&mut Value)| {
        let mut x = v.clone();
        f(&mut x);
        write(&d, name, &serde_json::to_string_pretty(&x).unwrap())
    };
    for (field, f) in [
        (
            "`scenario`",
            &(|x: &mut Value| x["scenario"] = "other".into()) as &dyn Fn(&mut Value),
        ),
        ("`parallelism`", &|x: &mut Value| {
            x["parallelism"] = 3.into()
        }),
        ("`account_quota`", &|x: &mut Value| {
            x["account_quota"] = 500.into()
        }),
        (
            "`counts[0].failure_probability` (2 customers) is 50",
            &|x: &mut Value| x["counts"][0]["failure_probability"] = 50.into(),
        ),
        (
            "`counts[0].failures` (2 customers) is missing",
            &|x: &mut Value| {
                x["counts"][0].as_object_mut().unwrap().remove("failures");
            },
        ),
        (
            "`counts[0].makespan_ms_sample` (2 customers) is missing",
            &|x: &mut Value| {
                x["counts"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("makespan_ms_sample");
            },
        ),
    ] {
        let other = edited("edited.json", f);
        let o = run(&["check", &b, "--baseline", &other]);
        assert_eq!(code(&o), 2, "{field}: {}", stdout(&o));
        assert!(stderr(&o).contains(field), "{field}: {}", stderr(&o));
    }
    // A p95 beyond any makespan (written as the issue wrote it): refused.
    let text = std::fs::read_to_string(&b).unwrap();
    let p95 = format!("\"p95\": {}", v["counts"][0]["makespan_s"]["p95"]);
    assert!(text.contains(&p95), "{p95}");
    // 1.8e308 is beyond f64 (refused as it is read, placed); 1.7e308 is a number, but no
    // makespan.
    for (value, want) in [
        ("1.8e308", "number out of range at line"),
        (
            "1.7e308",
            "`counts[0].makespan_s.p95` (2 customers) is 1.7e308",
        ),
    ] {
        let huge = write(
            &d,
            "huge.json",
            &text.replacen(&p95, &format!("\"p95\": {value}"), 1),
        );
        let o = run(&["check", &b, "--baseline", &huge]);
        assert_eq!(code(&o), 2, "{value}");
        assert!(stderr(&o).contains(want), "{}", stderr(&o));
    }
}

#[test]
fn growth_phases_check_each_statement() {
    let (c, v) = json_of(&[
        "phases",
        "scenarios/growth-phases.toml",
        "--replications",
        "8",
        "--json",
    ]);
    assert_eq!(c, 1, "the brief's flat-time claim fails at scale");
    let phases = v["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 5);
    let status = |p: usize, claim: &str| -> String {
        phases[p]["statements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["claim"] == claim)
            .map(|s| s["status"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        status(0, "mrr"),
        "PASS",
        "Phase 1: $8K-$23K from ACME and MediCorp"
    );
    assert_eq!(status(0, "ous"), "PASS");
    assert_eq!(
        status(3, "deploy_minutes"),
        "FAIL",
        "50 customers cannot deploy in 10 minutes"
    );
    assert_eq!(phases[4]["layout"], "by-tier-region");
    assert!(phases[4]["ous"][0].as_u64().unwrap() >= 10);
    // The p95 makespan grows with the phase.
    let p95 = |p: usize| phases[p]["high"]["makespan_s"]["p95"].as_f64().unwrap();
    assert!(p95(4) > p95(2) && p95(2) > p95(0));

    let d = scratch("phases");
    let ok = write(
        &d,
        "ok.toml",
        &format!(
            "name = \"ok\"\nseed = 1\n[deploy]\nparallelism = 5\n{}\n[[phases]]\nname = \"small\"\ncustomers = [1, 2]\nous = [1, 2]\nmrr = [8000, 23000]\ndeploy_minutes_max = 1000\n",
            "[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@example.com\"\n[[customers]]\nname = \"B\"\ntier = \"healthcare\"\nemail = \"b@example.com\"\n"
        ),
    );
    let o = run(&["phases", &ok, "--replications", "4"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let bad = write(&d, "bad.toml", "name = \"b\"\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@example.com\"\n[[phases]]\nname = \"x\"\ncustomers = [5, 1]\n");
    let o = run(&["phases", &bad]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("bad.toml:8:") && stderr(&o).contains("phases[0].customers"),
        "{}",
        stderr(&o)
    );
    let none = run(&["phases", "scenarios/two-customers.toml"]);
    assert_eq!(code(&none), 2);
}

#[test]
fn sweep_out_writes_well_formed_deterministic_charts() {
    let d = scratch("sweep-charts");
    let p = write(&d, "s.toml", &small_scenario(""));
    let mut bytes = Vec::new();
    for k in 0..2 {
        let out = d.join(format!("o{k}"));
        let o = run(&[
            "sweep",
            &p,
            "--customers",
            "1..=4",
            "--replications",
            "5",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code(&o), 0);
        for f in ["makespan.svg", "conflicts.svg"] {
            let svg = std::fs::read_to_string(out.join(f)).unwrap();
            let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert_eq!(doc.root_element().tag_name().name(), "svg");
            assert!(svg.contains("p5–p95 band") || svg.contains("P(any resource fails)"));
            bytes.push(svg);
        }
    }
    assert_eq!(bytes[0], bytes[2]);
    assert_eq!(bytes[1], bytes[3]);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_sweep_cleanly_with_partial_results() {
    let d = scratch("ctrl-c");
    let out = d.join("out");
    let child = bin()
        .args([
            "sweep",
            "scenarios/hundred-customers.toml",
            "--customers",
            "1..=100",
            "--replications",
            "5000",
            "--json",
            "--out",
        ])
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let k = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(k.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["complete"], false);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(written, v, "the partial results are written too");
}

#[test]
fn load_against_sim_is_deterministic_and_judges_its_thresholds() {
    let args = [
        "load",
        "scenarios/capacity.toml",
        "--rate",
        "2/min",
        "--duration",
        "20m",
        "--json",
    ];
    let a = run(&args);
    let b = run(&args);
    assert!(code(&a) < 2, "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout, "same scenario, same seed: same bytes");
    let v: Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(v["kind"], "load");
    assert_eq!(v["backend"], "sim");
    let n = v["onboardings"].as_u64().unwrap();
    assert!(
        n > 20 && n < 65,
        "about 40 arrivals in 20 min at 2/min: {n}"
    );
    // Latencies are of the onboardings that completed and, censored, of the unfinished;
    // failed ones are errors, not latencies.
    let (done, cut) = (
        v["completed"].as_u64().unwrap(),
        v["unfinished"].as_u64().unwrap(),
    );
    assert_eq!(done + cut + v["failed"].as_u64().unwrap(), n);
    assert_eq!(
        v["onboarding_corrected_s"]["count"].as_u64().unwrap(),
        done + cut
    );
    assert_eq!(
        v["onboarding_corrected_s"]["censored"].as_u64().unwrap(),
        cut
    );
    assert!(v["operations_ms"]["CreateAccount"]["p95"].as_f64().unwrap() > 0.0);
    // The scenario's thresholds are judged: at 2/min onboardings keep up (p95 well under 15
    // minutes), and the error rate (creations that time out) is judged against its 5%.
    let t = v["thresholds"].as_array().unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0]["status"], "PASS", "{t:?}");
    let err = v["error_rate"].as_f64().unwrap();
    assert_eq!(
        t[1]["status"],
        if err < 0.05 { "PASS" } else { "FAIL" },
        "{t:?}"
    );
    assert_eq!(code(&a), if err < 0.05 { 0 } else { 1 });
    // Another seed, other arrivals.
    let mut other = args.to_vec();
    other.extend(["--seed", "7"]);
    assert_ne!(run(&other).stdout, a.stdout);
    // A threshold that cannot hold: exit 1, and the report says which.
    let mut strict = args.to_vec();
    strict.extend(["--threshold", "p50 onboarding < 10s"]);
    let (c, v) = json_of(&strict);
    assert_eq!(c, 1);
    assert_eq!(v["verdict"], "FAIL");
    let last = v["thresholds"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["threshold"], "p50 onboarding < 10s");
    assert_eq!(last["status"], "FAIL");
    assert!(last["measured"].as_f64().unwrap() >= 10.0);
}

#[test]
fn load_beyond_capacity_queues_behind_a_concurrency_cap() {
    // 6 customers a minute for 30 minutes, 5 runners: the deployer cannot keep up, the
    // corrected latency (from each arrival) grows far beyond the raw one (from each start).
    let (c, v) = json_of(&[
        "load",
        "scenarios/capacity.toml",
        "--rate",
        "6/min",
        "--duration",
        "30m",
        "--max-concurrent",
        "5",
        "--json",
    ]);
    assert_eq!(c, 1, "p95 < 15m breaks: {v}");
    assert!(v["most_running"].as_u64().unwrap() <= 5);
    assert!(v["over_time"]
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["running"].as_u64().unwrap() <= 5));
    let raw = v["onboarding_raw_s"]["p95"].as_f64().unwrap();
    let corrected = v["onboarding_corrected_s"]["p95"].as_f64().unwrap();
    assert!(corrected > 2.0 * raw, "raw {raw} corrected {corrected}");
    assert!(v["over_time"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["waiting"].as_u64().unwrap() > 0));
    // --out: the same JSON, a Markdown page and the chart.
    let dir = scratch("load-out");
    let out = dir.join("out");
    let o = run(&[
        "load",
        "scenarios/capacity.toml",
        "--rate",
        "6/min",
        "--duration",
        "30m",
        "--max-concurrent",
        "5",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1);
    assert_eq!(std::fs::read(out.join("load.json")).unwrap(), o.stdout);
    let md = std::fs::read_to_string(out.join("load.md")).unwrap();
    assert!(md.contains("](load.svg)") && md.contains("onboarding, corrected"));
    let svg = std::fs::read_to_string(out.join("load.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("load.svg is XML");
    let lines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .count();
    assert!(
        lines >= 4,
        "p50, p95, in flight, waiting (+ legend): {lines}"
    );
    assert!(svg.contains("onboarding latency over time"));
}

#[test]
fn load_against_the_mock_backend_onboards_every_arrival() {
    let (c, v) = json_of(&[
        "load",
        "scenarios/capacity.toml",
        "--backend",
        "mock",
        "--time-scale",
        "300",
        "--poll-interval",
        "5",
        "--rate",
        "2/min",
        "--duration",
        "5m",
        "--arrivals",
        "uniform",
        "--json",
    ]);
    assert_eq!(c, 0, "{v}");
    assert_eq!(v["backend"], "mock");
    assert_eq!(v["onboardings"], 10);
    assert_eq!(v["completed"], 10, "{v}");
    assert!(
        v["operations_ms"]["CreateAccount"]["count"]
            .as_u64()
            .unwrap()
            >= 10
    );
}

#[test]
fn load_refuses_bad_input_with_exit_2() {
    let dir = scratch("load-bad-input");
    for (args, needle) in [
        (vec!["--rate", "2/min"], "--rate needs --duration"),
        (vec!["--rate", "fast", "--duration", "5m"], "--rate"),
        (vec!["--stages", "5m:x"], "--stages"),
        (
            vec![
                "--rate",
                "1/min",
                "--duration",
                "5m",
                "--threshold",
                "p95 banana < 3s",
            ],
            "--threshold",
        ),
        (
            vec![
                "--rate",
                "1/min",
                "--duration",
                "5m",
                "--max-concurrent",
                "0",
            ],
            "at least 1",
        ),
    ] {
        let mut a = vec!["load", "scenarios/two-customers.toml"];
        a.extend(args.iter().copied());
        let o = run(&a);
        assert_eq!(code(&o), 2, "{a:?}");
        assert!(stderr(&o).contains(needle), "{a:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
    // Off loopback without --allow-real-aws: refused before anything is sent.
    let o = run(&[
        "load",
        "scenarios/two-customers.toml",
        "--backend",
        "sdk",
        "--endpoint",
        "https://organizations.us-east-1.amazonaws.com",
        "--rate",
        "1/min",
        "--duration",
        "1m",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("refusing"), "{}", stderr(&o));
    // Live-only options on the simulated backend.
    let o = run(&[
        "load",
        "scenarios/two-customers.toml",
        "--time-scale",
        "10",
        "--rate",
        "1/min",
        "--duration",
        "1m",
    ]);
    assert_eq!(code(&o), 2);
    // No arrival process anywhere.
    let o = run(&["load", "scenarios/two-customers.toml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("[load]"), "{}", stderr(&o));
    // A bad [load] table is placed: file, line, column, field.
    let base = std::fs::read_to_string("scenarios/two-customers.toml").unwrap();
    let bad = write(
        &dir,
        "bad-load.toml",
        &format!("{base}\n[load]\nrate = \"2/min\"\nduration = \"10m\"\nthresholds = [\"p95 onboarding < soon\"]\n"),
    );
    let o = run(&["load", &bad]);
    assert_eq!(code(&o), 2);
    let line = base.lines().count() + 5;
    assert!(
        stderr(&o).contains(&format!("bad-load.toml:{line}:14: load.thresholds:")),
        "{}",
        stderr(&o)
    );
    // Nothing half-written: --out is not created when the input is bad.
    let out = dir.join("out");
    let o = run(&["load", &bad, "--out", out.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(!out.exists());
}

#[test]
fn a_latency_profile_replaces_the_models_latencies() {
    let dir = scratch("latency-profile");
    let q = |ms: f64| format!("{{\"count\": 3, \"quantiles\": [[0.0, {ms}], [1.0, {ms}]]}}");
    let profile = write(
        &dir,
        "profile.json",
        &format!(
            "{{\"kind\": \"latency-profile\", \"version\": 1, \"source\": \"by hand\", \
             \"operations\": {{\"ListRoots\": {}, \"CreateAccount\": {}}}, \
             \"account_creation\": {}}}",
            q(5000.0),
            q(2000.0),
            q(1000.0)
        ),
    );
    let (c, v) = json_of(&[
        "load",
        "scenarios/capacity.toml",
        "--rate",
        "1/min",
        "--duration",
        "5m",
        "--latency-profile",
        &profile,
        "--json",
    ]);
    assert_eq!(c, 0, "{v}");
    assert_eq!(v["latency_profile"], "by hand");
    for op in ["ListRoots", "CreateAccount"] {
        let want = if op == "ListRoots" { 5000.0 } else { 2000.0 };
        let p = &v["operations_ms"][op];
        // Percentiles come from an HDR histogram (3 significant digits).
        for k in ["p50", "max"] {
            let got = p[k].as_f64().unwrap();
            assert!((got - want).abs() <= want * 0.001, "{op} {k}: {got}");
        }
    }
    // Operations the profile does not cover keep the model's defaults (100–300 ms reads).
    let ou = v["operations_ms"]["ListOrganizationalUnitsForParent"]["max"]
        .as_f64()
        .unwrap();
    assert!((100.0..=300.0).contains(&ou), "{ou}");
    // `run` and `sweep` take it too, and say so.
    let (_, plain) = json_of(&["run", "scenarios/two-customers.toml", "--json"]);
    let (c, calibrated) = json_of(&[
        "run",
        "scenarios/two-customers.toml",
        "--latency-profile",
        &profile,
        "--json",
    ]);
    assert_eq!(c, 0);
    assert_eq!(calibrated["latency_profile"], "by hand");
    assert!(plain.get("latency_profile").is_none());
    assert_ne!(plain["timing"], calibrated["timing"]);
    let (c, sw) = json_of(&[
        "sweep",
        "scenarios/two-customers.toml",
        "--customers",
        "2",
        "--replications",
        "3",
        "--latency-profile",
        &profile,
        "--json",
    ]);
    assert_eq!(c, 0);
    assert_eq!(sw["latency_profile"], "by hand");
    // A broken profile: exit 2, named.
    let bad = write(&dir, "bad.json", "{\"kind\": \"latency-profile\", \"version\": 1, \"source\": \"x\", \"operations\": {\"ListRoots\": {\"count\": 1, \"quantiles\": [[0.0, 9.0], [1.0, 1.0]]}}}");
    let o = run(&[
        "run",
        "scenarios/two-customers.toml",
        "--latency-profile",
        &bad,
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("bad.json") && stderr(&o).contains("ascend"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
    // Only the model takes a profile; only a live backend writes one.
    let o = run(&[
        "run",
        "scenarios/two-customers.toml",
        "--backend",
        "mock",
        "--latency-profile",
        &profile,
    ]);
    assert_eq!(code(&o), 2);
    let o = run(&[
        "run",
        "scenarios/two-customers.toml",
        "--write-latency-profile",
        "x.json",
    ]);
    assert_eq!(code(&o), 2);
}

#[test]
fn a_live_run_writes_a_profile_the_model_replays() {
    let dir = scratch("write-profile");
    let path = dir.join("mock-profile.json");
    let p = path.to_str().unwrap();
    let o = run(&[
        "run",
        "scenarios/five-customers.toml",
        "--backend",
        "mock",
        "--time-scale",
        "300",
        "--poll-interval",
        "5",
        "--write-latency-profile",
        p,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let prof: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(prof["kind"], "latency-profile");
    assert!(prof["source"].as_str().unwrap().contains("--backend mock"));
    assert!(
        prof["operations"]["CreateAccount"]["count"]
            .as_u64()
            .unwrap()
            >= 5
    );
    // Five accounts created: five creation times, each at least one poll (5 s = 5000 ms of
    // engine time) apart from its CreateAccount.
    let ac = &prof["account_creation"];
    assert_eq!(ac["count"], 5, "{prof}");
    let q = ac["quantiles"].as_array().unwrap();
    assert!(q[0][1].as_f64().unwrap() >= 4900.0, "{ac}");
    let (c, v) = json_of(&[
        "run",
        "scenarios/five-customers.toml",
        "--latency-profile",
        p,
        "--json",
    ]);
    assert_eq!(c, 0, "{v}");
    assert!(v["latency_profile"]
        .as_str()
        .unwrap()
        .contains("--backend mock"));
}

#[test]
fn deployer_profiles_are_chosen_by_flag_or_key_and_unknown_names_are_refused() {
    // An unknown deployer on the command line: exit 2, naming the three.
    let o = run(&[
        "run",
        "scenarios/two-customers.toml",
        "--deployer",
        "pulumi",
    ]);
    assert_eq!(code(&o), 2);
    for name in ["terraform-aws", "aws-sdk-standard", "control-tower"] {
        assert!(stderr(&o).contains(name), "{}", stderr(&o));
    }
    // ... and in the scenario: exit 2 with file:line:col and field.
    let d = scratch("deployer");
    let bad = write(
        &d,
        "bad.toml",
        "name = \"b\"\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@example.com\"\n[deploy]\ndeployer = \"pulumi\"\n",
    );
    let o = run(&["run", &bad]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(
        e.contains("bad.toml:7:") && e.contains("deploy.deployer"),
        "{e}"
    );
    assert!(
        e.contains("terraform-aws") && e.contains("control-tower"),
        "{e}"
    );
    // The default is terraform-aws; the report records the profile.
    let (_, v) = json_of(&["run", "scenarios/two-customers.toml", "--json"]);
    assert_eq!(v["deployer"], "terraform-aws");
    let (_, v) = json_of(&[
        "run",
        "scenarios/two-customers.toml",
        "--json",
        "--deployer",
        "control-tower",
    ]);
    assert_eq!(v["deployer"], "control-tower");
    // A written [deploy] key still overrides the profile chosen on the command line.
    let one_at_a_time = write(
        &d,
        "one.toml",
        &format!(
            "name = \"one\"\n[deploy]\nparallelism = 1\n{}",
            customers_toml(3, &["fintech", "healthcare"])
        ),
    );
    let (_, v) = json_of(&[
        "run",
        &one_at_a_time,
        "--json",
        "--deployer",
        "aws-sdk-standard",
    ]);
    assert_eq!(v["deployer"], "aws-sdk-standard");
    assert_eq!(v["timing"]["max_resources_in_flight"], 1);
}

#[test]
fn check_refuses_to_compare_sweeps_of_different_deployers() {
    let d = scratch("check-deployers");
    let p = write(&d, "s.toml", &small_scenario(""));
    let sweep = |deployer: &str| {
        let o = run(&[
            "sweep",
            &p,
            "--customers",
            "2",
            "--replications",
            "5",
            "--samples",
            "--json",
            "--deployer",
            deployer,
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stdout(&o)
    };
    let tf = write(&d, "tf.json", &sweep("terraform-aws"));
    let ct = write(&d, "ct.json", &sweep("control-tower"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&tf).unwrap()).unwrap();
    assert_eq!(v["deployer"], "terraform-aws");
    assert_eq!(code(&run(&["check", &tf, "--baseline", &tf])), 0);
    let o = run(&["check", &ct, "--baseline", &tf]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("`deployer` differs"), "{}", stderr(&o));
}

#[test]
fn phase_claims_are_judged_at_a_stated_confidence_with_the_share_reported() {
    let d = scratch("confidence");
    // Two customers, a 4-minute claim: most deployments make it, some (the creation time's
    // long tail) do not.
    let p = write(
        &d,
        "p.toml",
        &format!(
            "name = \"c\"\nseed = 3\n{}\n[[phases]]\nname = \"small\"\ncustomers = [1, 2]\ndeploy_minutes_max = 4\n",
            customers_toml(2, &["fintech", "healthcare"])
        ),
    );
    let share = |conf: &str| {
        let (c, v) = json_of(&[
            "phases",
            &p,
            "--replications",
            "60",
            "--json",
            "--confidence",
            conf,
        ]);
        let s = &v["phases"][0]["statements"][0];
        (
            c,
            s["held_share"].as_f64().unwrap(),
            s["status"].as_str().unwrap().to_string(),
        )
    };
    let (_, held, _) = share("0.5");
    assert!(held > 0.5 && held < 1.0, "held in {held}");
    // Below the share it held in: PASS; above it: FAIL, with the same measured share.
    let (c, h1, s1) = share(&format!("{:.3}", held - 0.01));
    assert_eq!((c, s1.as_str()), (0, "PASS"));
    let (c, h2, s2) = share(&format!("{:.3}", held + 0.01));
    assert_eq!((c, s2.as_str()), (1, "FAIL"));
    assert_eq!(h1, h2);
    assert_eq!(code(&run(&["phases", &p, "--confidence", "1.5"])), 2);
}

#[test]
fn ops_and_staff_simulate_the_people_side_and_refuse_bad_operations_tables() {
    // `ops` on the shipped scenario: the issue's JSON keys, deterministic.
    let args = [
        "ops",
        "scenarios/operations.toml",
        "--replications",
        "3",
        "--json",
    ];
    let a = run(&args);
    assert!(code(&a) < 2, "{}", stderr(&a));
    assert_eq!(a.stdout, run(&args).stdout, "same seed, same bytes");
    let v: Value = serde_json::from_slice(&a.stdout).unwrap();
    for k in [
        "tickets",
        "response_sla_attainment",
        "resolution_sla_attainment",
        "utilisation",
        "wait_p50_h",
        "wait_p95_h",
    ] {
        assert!(v["support"][k].is_number(), "support.{k}");
    }
    for k in [
        "customers",
        "lead_time_p50_min",
        "lead_time_p95_min",
        "staff_minutes",
    ] {
        assert!(v["onboarding"][k].is_number(), "onboarding.{k}");
    }
    assert_eq!(v["claims"].as_array().unwrap().len(), 4);
    // More staff never answers later.
    let more = |k: &str| {
        let (_, v) = json_of(&[
            "ops",
            "scenarios/operations.toml",
            "--replications",
            "3",
            "--json",
            "--support-staff",
            k,
        ]);
        v["support"]["wait_p95_h"].as_f64().unwrap()
    };
    assert!(more("4") <= more("1"));
    // `staff`: one row per count, each with its staff and cost.
    let (c, v) = json_of(&[
        "staff",
        "scenarios/two-customers.toml",
        "--customers",
        "1..=20",
        "--step",
        "19",
        "--replications",
        "5",
        "--json",
    ]);
    assert_eq!(c, 0);
    let rows = v["staff"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[1]["support_staff"].as_u64() >= rows[0]["support_staff"].as_u64());
    assert!(rows[0]["monthly_staff_cost"].is_number());
    // The staff's cost joins the financials only with an [operations] table.
    let (_, with) = json_of(&["run", "scenarios/operations.toml", "--json"]);
    let lines: Vec<String> = with["financials"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        lines.iter().any(|l| l.starts_with("Support staff")),
        "{lines:?}"
    );
    // Bad tables: exit 2 with file:line:col and the field.
    let d = scratch("ops");
    let base = "name = \"o\"\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@example.com\"\n";
    for (table, field) in [
        (
            "[operations.support]\nstaff = 0\n",
            "operations.support.staff",
        ),
        (
            "[operations.support]\ntickets_per_customer_month = 0\n",
            "operations.support.tickets_per_customer_month",
        ),
        (
            "[operations.support]\nresponse_sla = \"0h\"\n",
            "operations.support.response_sla",
        ),
        (
            "[operations.onboarding]\nengineers = -1\n",
            "operations.onboarding.engineers",
        ),
    ] {
        let p = write(&d, "bad.toml", &format!("{base}{table}"));
        let o = run(&["ops", &p]);
        assert_eq!(code(&o), 2, "{table}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains("bad.toml:7:") && e.contains(field),
            "{table}: {e}"
        );
    }
    // A support [[costs]] line beside [operations] is reported as counted twice.
    let p = write(
        &d,
        "twice.toml",
        &format!("{base}[[costs]]\nname = \"Customer support\"\nmonthly = 1200\n[operations]\n"),
    );
    let (_, v) = json_of(&["run", &p, "--json"]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "STAFF_COUNTED_TWICE"),
        "{}",
        v["findings"]
    );
    assert_eq!(
        code(&run(&[
            "staff",
            "scenarios/two-customers.toml",
            "--customers",
            "2",
            "--sla",
            "150%"
        ])),
        2
    );
}

/// One figure, one computation: the load test's table and its thresholds give the same
/// percentile (exact nearest rank), each with its unit; a threshold given in the scenario and
/// again on the command line (in other units) is judged and listed once.
#[test]
fn load_table_and_thresholds_give_one_figure() {
    let args = [
        "load",
        "scenarios/capacity.toml",
        "--rate",
        "2/min",
        "--duration",
        "20m",
        // The scenario's `p95 onboarding < 15m`, written in seconds.
        "--threshold",
        "p95 onboarding < 900s",
        "--threshold",
        "p99 CreateAccount < 10s",
    ];
    let mut json = args.to_vec();
    json.push("--json");
    let (_, v) = json_of(&json);
    let t = v["thresholds"].as_array().unwrap();
    let names: Vec<&str> = t.iter().map(|x| x["threshold"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "p95 onboarding < 15m",
            "error rate < 5%",
            "p99 CreateAccount < 10s"
        ]
    );
    let p95 = v["onboarding_corrected_s"]["p95"].as_f64().unwrap();
    assert_eq!(t[0]["measured"].as_f64().unwrap(), p95);
    let p99_ms = v["operations_ms"]["CreateAccount"]["p99"].as_f64().unwrap();
    assert!((t[2]["measured"].as_f64().unwrap() * 1000.0 - p99_ms).abs() < 1.0);
    let o = run(&args);
    let text = stdout(&o);
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} row: {text}"))
            .to_string()
    };
    // Each row in the unit its threshold was written in: the onboarding in minutes (`15m`),
    // CreateAccount in seconds (`10s`), to a sensible precision.
    let p95_min = format!("{:.1} min", p95 / 60.0);
    let p99_s = format!("{:.2} s", p99_ms / 1000.0);
    assert!(row("onboarding, corrected").contains(&p95_min), "{text}");
    assert!(row("CreateAccount").contains(&p99_s), "{text}");
    // Every figure of a row carries its unit.
    let s_row = row("CreateAccount");
    assert_eq!(s_row.matches(" s").count(), 5, "{s_row}");
    // A row without a threshold picks its own: calls of well under 10 s in whole ms.
    assert_eq!(row("DescribeAccount").matches(" ms").count(), 5, "{text}");
    let measured = |name: &str| {
        text.lines()
            .find(|l| l.contains(name) && l.contains("measured"))
            .unwrap_or_else(|| panic!("no threshold {name}: {text}"))
            .to_string()
    };
    assert!(
        measured("p95 onboarding").ends_with(&format!("measured {p95_min}")),
        "{text}"
    );
    assert!(
        measured("p99 CreateAccount").ends_with(&format!("measured {p99_s}")),
        "{text}"
    );
    assert_eq!(text.matches("p95 onboarding < ").count(), 1, "{text}");
}

#[test]
fn phases_shows_its_mrr_tolerance() {
    let o = run(&[
        "phases",
        "scenarios/growth-phases.toml",
        "--replications",
        "2",
    ]);
    let text = stdout(&o);
    let mrr: Vec<&str> = text.lines().filter(|l| l.contains(" mrr ")).collect();
    assert_eq!(mrr.len(), 5, "{text}");
    assert!(mrr.iter().all(|l| l.contains("±10%")), "{mrr:#?}");
    assert!(!text.contains("1 customers"), "{text}");
}

#[test]
fn create_organization_is_for_a_loopback_sdk_endpoint_only() {
    // Not on the simulated or mocked backends.
    for backend in ["sim", "mock"] {
        let o = run(&[
            "run",
            "scenarios/two-customers.toml",
            "--backend",
            backend,
            "--create-organization",
        ]);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(
            stderr(&o).contains("--create-organization"),
            "{}",
            stderr(&o)
        );
    }
    // Not in AWS, even with its consent: refused before anything is sent.
    let o = run(&[
        "run",
        "scenarios/two-customers.toml",
        "--backend",
        "sdk",
        "--endpoint",
        "https://organizations.us-east-1.amazonaws.com",
        "--allow-real-aws",
        "--create-organization",
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("only applies to a loopback endpoint"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn png_needs_out_and_writes_every_chart() {
    let o = run(&["run", "scenarios/two-customers.toml", "--png"]);
    assert_eq!(code(&o), 2, "--png without --out: {}", stderr(&o));
    let d = scratch("png-run");
    let o = run(&[
        "run",
        "scenarios/two-customers.toml",
        "--out",
        d.to_str().unwrap(),
        "--png",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for f in ["timeline.png", "margin.png"] {
        let b = std::fs::read(d.join(f)).unwrap();
        assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{f}");
        assert!(b.len() > 10_000, "{f}: {} bytes", b.len());
    }
    let d = scratch("png-sweep");
    let o = run(&[
        "sweep",
        "scenarios/two-customers.toml",
        "--customers",
        "1..=2",
        "--replications",
        "2",
        "--out",
        d.to_str().unwrap(),
        "--png",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // sweep --out writes five files, and the two charts as PNG.
    let mut names: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "conflicts.png",
            "conflicts.svg",
            "makespan.png",
            "makespan.svg",
            "sweep.csv",
            "sweep.json",
            "sweep.md"
        ]
    );
    let d = scratch("png-load");
    let o = run(&[
        "load",
        "scenarios/capacity.toml",
        "--rate",
        "2/min",
        "--duration",
        "5m",
        "--out",
        d.to_str().unwrap(),
        "--png",
    ]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    assert!(d.join("load.png").exists());
}

#[test]
fn out_says_what_it_wrote_and_replaces_only_its_own_files() {
    let d = scratch("out-note");
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let dir = out.to_str().unwrap();
    let args = ["load", "scenarios/capacity.toml", "--out", dir];
    let o = run(&args);
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "wrote 3 files to {dir}: load.json, load.md, load.svg (all new)"
        )),
        "{err}"
    );
    let first = std::fs::read(out.join("load.json")).unwrap();
    // Again into the same directory: its own files replaced, the others left alone.
    std::fs::write(out.join("load.md"), "stale").unwrap();
    let o = run(&args);
    assert_eq!(code(&o), code(&run(&["load", "scenarios/capacity.toml"])));
    let err = stderr(&o);
    assert!(
        err.contains("(each replaced the file of the same name; nothing else in"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("load.json")).unwrap(), first);
    assert_ne!(
        std::fs::read_to_string(out.join("load.md")).unwrap(),
        "stale"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn ops_gives_each_figure_once() {
    // The scenario's desk is the claim's desk (1 person, 2 customers signing at once) and its two
    // customers are the claim's: the section and the claims give the same figures.
    let (_, v) = json_of(&["ops", "scenarios/operations.toml", "--json"]);
    let s = &v["support"];
    let claim = |id: &str| {
        v["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no claim {id}: {v}"))
            .clone()
    };
    assert_eq!(s["staff"], 1);
    assert_eq!(s["customers"], 2);
    let lev = claim("one_person_handles_2x_customers");
    assert_eq!(
        lev["figures"]["response_sla_attainment"],
        s["response_sla_attainment"]
    );
    assert_eq!(
        lev["figures"]["resolution_sla_attainment"],
        s["resolution_sla_attainment"]
    );
    let b = &v["onboarding"]["batch_vs_sequential"];
    let batch = claim("two_customers_58_vs_90_min");
    assert_eq!(
        batch["figures"]["sequential_total_min"],
        b["sequential_total_min"]
    );
    assert_eq!(batch["figures"]["batch_total_min"], b["batch_total_min"]);
    let o = run(&["ops", "scenarios/operations.toml"]);
    let t = stdout(&o);
    assert!(t.contains("Support desk: 1 person,"), "{t}");
    assert!(
        !t.contains("1 people") && !t.contains("(the limit) people"),
        "{t}"
    );
    assert!(t.contains("Onboarding: 1 engineer,"), "{t}");
}

#[test]
fn one_margin_per_cost_model_printed_alike_by_every_command() {
    // The scenario's cost lines: run, compare, the margin table and a sweep whose replications
    // all onboard give one figure with one decimal.
    let s = "scenarios/two-customers.toml";
    let t = stdout(&run(&["run", s]));
    assert!(
        t.contains(
            "margin          85.3%   (revenue − the cost lines above, of the customers billed)"
        ),
        "{t}"
    );
    let d = scratch("margin-alike");
    let o = run(&["run", s, "--out", d.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    let md = std::fs::read_to_string(d.join("report.md")).unwrap();
    assert!(md.contains("| 1 |") && md.contains("57.8%"), "{md}");
    let c = stdout(&run(&["compare", "scenarios/single-customer.toml", s]));
    assert!(c.contains("| 79.0%") && c.contains("| 85.3%"), "{c}");
    let (_, v) = json_of(&[
        "sweep",
        s,
        "--customers",
        "2",
        "--replications",
        "3",
        "--json",
    ]);
    let count = &v["counts"][0];
    if count["failure_probability"] == 0.0 {
        let (_, r) = json_of(&["run", s, "--json"]);
        let m = r["financials"]["margin"].as_f64().unwrap();
        assert!(
            (count["margin"].as_f64().unwrap() - m).abs() < 1e-3,
            "{count}"
        );
    }
    let sw = stdout(&run(&[
        "sweep",
        s,
        "--customers",
        "2",
        "--replications",
        "3",
    ]));
    assert!(
        sw.contains("margin: the mean over replications of each run's margin"),
        "{sw}"
    );
    // staff has its own cost model, and says so.
    let st = stdout(&run(&["staff", s, "--customers", "2"]));
    assert!(st.contains("staff margin") && st.contains("34.8%"), "{st}");
    assert!(
        st.contains("the scenario's cost lines are not counted"),
        "{st}"
    );
}
