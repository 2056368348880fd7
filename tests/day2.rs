//! Day two (issue 25): onboarding into an organization that exists. The existing customers are
//! in the model and the deployer's state; Terraform refreshes them before it plans, and a read
//! given up fails the apply before anything is created.

mod common;

use common::{code, run, scratch, stderr, stdout, write};

fn json(args: &[&str]) -> serde_json::Value {
    let o = run(args);
    assert!(code(&o) != 2, "orgsim {args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("JSON")
}

/// 100 existing customers under Terraform: a refresh phase with the observed calls (the data
/// source's DescribeOrganization, ListAccounts in ⌈101/20⌉ pages counted as one call, ListRoots,
/// ListAWSServiceAccessForOrganization, then per account
/// DescribeAccount, ListParents, ListTagsForResource; per OU four reads; per policy two; per
/// attachment one), before any resource starts, and the shared OUs end `existing`.
#[test]
fn terraform_refreshes_what_exists_before_it_creates() {
    let r = json(&[
        "run",
        "scenarios/five-customers.toml",
        "--existing",
        "100",
        "--json",
    ]);
    let t = &r["timing"];
    let rf = &t["refresh"];
    assert_eq!(rf["failures"], 0, "{rf}");
    // 4 data-source calls + 100 accounts × 3 + 4 OUs × 4 + 4 policies × 2 + 4 attachments,
    // plus retries of throttled reads.
    let calls = rf["calls"].as_u64().unwrap();
    let throttles = rf["throttles"].as_u64().unwrap();
    assert!(calls >= 4 + 300 + 16 + 8 + 4, "{rf}");
    assert!(
        calls >= 332 + throttles,
        "every throttled read is retried: {rf}"
    );
    assert_eq!(rf["start_s"], t["overhead_s"], "{rf}");
    let end = rf["end_s"].as_f64().unwrap();
    for p in t["phases"].as_array().unwrap() {
        if p["kind"] != "deployer_overhead" && p["kind"] != "refresh" {
            assert!(
                p["start_s"].as_f64().unwrap() >= end,
                "{p} before the refresh ended"
            );
        }
    }
    // The tier OUs, policies and attachments the existing customers use are no-ops.
    assert!(
        r["resources"]["existing"].as_u64().unwrap() >= 1,
        "{}",
        r["resources"]
    );
    assert_eq!(r["verdict"], "PASS");
}

/// A new organization has no refresh phase (the report has no `refresh` key).
#[test]
fn a_new_organization_has_no_refresh() {
    let r = json(&["run", "scenarios/five-customers.toml", "--json"]);
    assert!(r["timing"].get("refresh").is_none());
    let r = json(&[
        "run",
        "scenarios/five-customers.toml",
        "--existing",
        "0",
        "--json",
    ]);
    assert!(r["timing"].get("refresh").is_none());
}

/// The refresh grows with the organization.
#[test]
fn the_refresh_grows_with_the_organization() {
    let time = |n: &str| {
        let r = json(&[
            "run",
            "scenarios/five-customers.toml",
            "--existing",
            n,
            "--json",
        ]);
        r["timing"]["refresh"]["time_s"].as_f64().unwrap()
    };
    let (small, large) = (time("50"), time("500"));
    assert!(large > 3.0 * small, "50: {small} s, 500: {large} s");
}

/// A script on the SDK's standard retries (3 attempts) gives a throttled inventory read up:
/// "Planning failed", every resource fails with the code and nothing is created.
#[test]
fn a_read_given_up_fails_the_apply_before_anything_is_created() {
    let r = json(&[
        "run",
        "scenarios/five-customers.toml",
        "--existing",
        "500",
        "--deployer",
        "aws-sdk-standard",
        "--json",
    ]);
    assert_eq!(r["timing"]["refresh"]["failures"], 1, "{}", r["timing"]);
    assert_eq!(r["resources"]["created"], 0, "{}", r["resources"]);
    assert_eq!(r["verdict"], "FAIL");
    let text = r.to_string();
    assert!(text.contains("Planning failed"), "{text}");
    // The text report says so too.
    let o = run(&[
        "run",
        "scenarios/five-customers.toml",
        "--existing",
        "500",
        "--deployer",
        "aws-sdk-standard",
    ]);
    assert!(stdout(&o).contains("Planning failed"), "{}", stdout(&o));
}

/// `[organization.existing]` in the file, listed or generated; and the same seed gives the same
/// bytes.
#[test]
fn the_table_lists_or_generates_existing_customers() {
    let dir = scratch("day2-table");
    let base = std::fs::read_to_string("scenarios/five-customers.toml").unwrap();
    let listed = format!(
        "{base}\n[organization.existing]\ncustomers = [\n  {{ name = \"Old One\", tier = \"fintech\", email = \"old1@example.com\" }},\n  {{ name = \"Old Two\", tier = \"healthcare\", email = \"old2@example.com\", account_id = \"222222222222\" }},\n]\n"
    );
    let p = write(&dir, "listed.toml", &listed);
    let a = run(&["run", &p, "--json"]);
    let b = run(&["run", &p, "--json"]);
    assert_eq!(stdout(&a), stdout(&b));
    let r: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert!(r["timing"]["refresh"]["calls"].as_u64().unwrap() >= 2 + 6);
    let org = r["organization"].to_string();
    assert!(
        org.contains(r#""email":"old2@example.com","name":"Old Two","ou":"/Customers-Healthcare""#),
        "the existing customer in its tier's OU: {org}"
    );
    let two = std::fs::read_to_string("scenarios/two-customers.toml").unwrap();
    assert!(
        !two.contains("[organization"),
        "the test writes its own table"
    );
    let generated = format!(
        "{two}\n[organization]\naccount_quota = 100\n\n[organization.existing]\ncustomers = 40\ntiers = [\"fintech\"]\n"
    );
    let p = write(&dir, "generated.toml", &generated);
    let r = json(&["run", &p, "--json"]);
    assert!(r["timing"]["refresh"]["calls"].as_u64().unwrap() >= 2 + 40 * 3);
    let org = r["organization"].to_string();
    assert!(org.matches("/Customers-Fintech\"").count() >= 40, "{org}");
    assert!(org.contains("existing-0040@existing.example"), "{org}");
}

/// Bad input: positioned errors naming the field, exit 2.
#[test]
fn bad_existing_tables_are_refused_with_their_place() {
    let dir = scratch("day2-bad");
    let base = std::fs::read_to_string("scenarios/two-customers.toml").unwrap();
    assert!(
        !base.contains("[organization"),
        "the test writes its own table"
    );
    let cases = [
        (
            "customers = -1",
            "organization.existing.customers",
            "between 0 and",
        ),
        (
            "customers = 50",
            "organization.existing.customers",
            "account_quota",
        ),
        (
            "customers = 2\ntiers = [\"nope\"]",
            "organization.existing.tiers[0]",
            "unknown tier `nope`",
        ),
        (
            "customers = [{ name = \"X\", tier = \"fintech\", email = \"not-an-email\" }]",
            "organization.existing.customers[0].email",
            "",
        ),
        ("customers = \"many\"", "customers", ""),
        ("count = 3", "count", ""),
    ];
    for (i, (table, field, says)) in cases.iter().enumerate() {
        let text = format!("{base}\n[organization.existing]\n{table}\n");
        let p = write(&dir, &format!("bad{i}.toml"), &text);
        let o = run(&["run", &p]);
        let err = stderr(&o);
        assert_eq!(code(&o), 2, "{table}: {err}");
        assert!(
            err.contains(&format!("bad{i}.toml:")),
            "{table}: no file:line:col: {err}"
        );
        assert!(err.contains(field), "{table}: no field {field}: {err}");
        assert!(err.contains(says), "{table}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// The account factory reads nothing organization-wide, and each new account is created once
/// (a tier OU in state readies its accounts once, not again as a root).
#[test]
fn the_account_factory_onboards_into_an_existing_organization() {
    let r = json(&[
        "run",
        "scenarios/five-customers.toml",
        "--existing",
        "200",
        "--deployer",
        "control-tower",
        "--json",
    ]);
    assert!(r["timing"].get("refresh").is_none());
    assert_eq!(r["resources"]["failed"], 0, "{}", r["resources"]);
    assert_eq!(r["resources"]["created"], 10, "{}", r["resources"]);
}

/// `sweep --existing A..=B`: per profile and size, the refresh's time and throttles and the
/// chance the apply fails; Terraform's refresh grows, a script on the SDK's standard retries
/// fails its refresh, the account factory has none; the same seed gives the same bytes.
#[test]
fn the_growth_sweep_gives_each_profile_at_each_size() {
    let args = [
        "sweep",
        "scenarios/five-customers.toml",
        "--customers",
        "5",
        "--existing",
        "0..=400",
        "--step",
        "200",
        "--replications",
        "3",
        "--json",
    ];
    let o = run(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&run(&args)), "same seed, same bytes");
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let points = r["points"].as_array().unwrap();
    assert_eq!(points.len(), 9, "3 profiles × 3 sizes");
    let at = |d: &str, n: u64| {
        points
            .iter()
            .find(|p| p["deployer"] == d && p["existing"] == n)
            .unwrap_or_else(|| panic!("{d} {n}"))
    };
    let tf = |n| at("terraform-aws", n)["refresh_s_mean"].as_f64().unwrap();
    assert_eq!(tf(0), 0.0);
    assert!(tf(400) > tf(200) && tf(200) > 0.0);
    assert_eq!(at("terraform-aws", 400)["refresh_failure_probability"], 0.0);
    assert_eq!(
        at("aws-sdk-standard", 400)["refresh_failure_probability"],
        1.0
    );
    assert_eq!(at("control-tower", 400)["refresh_s_mean"], 0.0);
    // Bad flags: exit 2, naming the flag.
    for (bad, says) in [
        (&["--existing", "9..=3"][..], "--existing"),
        (
            &["--existing", "0..=10", "--customers", "1..=5"][..],
            "--customers",
        ),
        (&["--existing", "x"][..], "--existing"),
    ] {
        let mut a = vec![
            "sweep",
            "scenarios/five-customers.toml",
            "--replications",
            "1",
        ];
        if !bad.contains(&"--customers") {
            a.extend(["--customers", "5"]);
        }
        a.extend(bad);
        let o = run(&a);
        assert_eq!(code(&o), 2, "{a:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{a:?}: {}", stderr(&o));
    }
}

/// Against a real endpoint the organization is what it holds: an existing one is refused before
/// anything is sent (exit 2); the mock backend, answered by the model, refreshes it.
#[test]
fn an_existing_organization_is_the_models() {
    let o = run(&[
        "run",
        "scenarios/five-customers.toml",
        "--existing",
        "3",
        "--backend",
        "sdk",
        "--endpoint",
        "http://127.0.0.1:1",
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("--existing"), "{}", stderr(&o));
    let r = json(&[
        "run",
        "scenarios/five-customers.toml",
        "--existing",
        "30",
        "--backend",
        "mock",
        "--time-scale",
        "1000",
        "--json",
    ]);
    let rf = &r["timing"]["refresh"];
    assert!(rf["calls"].as_u64().unwrap() >= 2 + 30 * 3, "{rf}");
    assert_eq!(r["resources"]["failed"], 0, "{}", r["resources"]);
}

/// The timeout orphan (issue 24 item 4): `examples/terraform/orphan.toml`'s creation (80 to
/// 90 s) outlives its 30 s create timeout. The account fails `Timeout` and is not in the
/// deployer's state, while the service goes on creating it: once the run's creations are
/// settled it is in the final organization, in the root, and the report counts it orphaned.
/// With a timeout the creation fits in, there is no orphan.
#[test]
fn a_creation_that_outlives_the_timeout_is_orphaned_in_the_root() {
    let r = json(&["run", "examples/terraform/orphan.toml", "--json"]);
    let account = "aws_organizations_account.acme_finance_inc";
    let item = r["resources"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["address"] == account)
        .unwrap()
        .clone();
    assert_eq!(item["status"], "failed", "{item}");
    assert_eq!(item["code"], "Timeout", "{item}");
    assert_eq!(r["orphaned_accounts"], 1, "{}", r["orphans"]);
    let o = &r["orphans"][0];
    assert_eq!(o["resource"], account);
    assert_eq!(o["email"], "john@acmefinance.com");
    assert_eq!(o["ou"], "/", "in the root: MoveAccount never ran");
    let accounts = r["organization"]["accounts"].as_array().unwrap();
    assert!(
        accounts
            .iter()
            .any(|a| a["email"] == "john@acmefinance.com" && a["ou"] == "/"),
        "the account is in the final organization, in the root: {accounts:?}"
    );
    let check = r["validation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "orphaned_accounts")
        .unwrap()
        .clone();
    assert_eq!(check["status"], "FAIL", "{check}");
    assert!(
        check["detail"]
            .as_str()
            .unwrap()
            .contains("EMAIL_ALREADY_EXISTS"),
        "{check}"
    );
    // The same scenario with a create timeout the creation fits in: created and moved, no
    // orphan.
    let text = std::fs::read_to_string("examples/terraform/orphan.toml")
        .unwrap()
        .replace("create_timeout_s = 30", "create_timeout_s = 600");
    let dir = scratch("day2-no-orphan");
    let path = write(&dir, "no-orphan.toml", &text);
    let r = json(&["run", &path, "--json"]);
    assert_eq!(r["orphaned_accounts"], 0, "{}", r["orphans"]);
    assert_eq!(r["resources"]["failed"], 0, "{}", r["resources"]);
    let accounts = r["organization"]["accounts"].as_array().unwrap();
    assert!(accounts.iter().all(|a| a["ou"] != "/"), "{accounts:?}");
    // The sweep counts it too.
    let s = json(&[
        "sweep",
        "examples/terraform/orphan.toml",
        "--customers",
        "1",
        "--replications",
        "5",
        "--json",
    ]);
    assert_eq!(
        s["counts"][0]["orphaned_accounts"]["mean"], 1.0,
        "{}",
        s["counts"][0]
    );
}

/// `--applies K` (issue 25 item 4): a script on the SDK's defaults fails its first apply of
/// five customers (concurrent modifications it does not retry); applying again, each
/// re-apply refreshing what is in state and retrying what failed, it finishes in the third
/// apply, nothing left. Its first apply is the plain run.
#[test]
fn re_applies_retry_what_failed_until_it_is_done() {
    let once = json(&[
        "run",
        "scenarios/five-customers.toml",
        "--deployer",
        "aws-sdk-standard",
        "--json",
    ]);
    let o = run(&[
        "run",
        "scenarios/five-customers.toml",
        "--deployer",
        "aws-sdk-standard",
        "--applies",
        "5",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s = &r["sequence"];
    let applies = s["per_apply"].as_array().unwrap();
    assert_eq!(applies[0]["failed"], once["resources"]["failed"], "{s}");
    assert_eq!(applies[0]["calls"], once["api"]["calls"], "{s}");
    assert_eq!(s["applies"], 3, "{s}");
    assert!(s["any_failure"].as_bool().unwrap());
    assert_eq!(s["left"].as_array().unwrap().len(), 0, "{s}");
    assert_eq!(s["onboarded"], 5, "{s}");
    for pair in applies.windows(2) {
        assert!(
            pair[1]["start_s"].as_f64() >= pair[0]["end_s"].as_f64(),
            "{pair:?}"
        );
        assert!(pair[1]["refresh_s"].as_f64().unwrap() > 0.0, "{pair:?}");
        // A re-apply makes only what is not in state yet.
        assert!(
            pair[1]["created"].as_u64() <= pair[0]["failed"].as_u64(),
            "{pair:?}"
        );
    }
    let total = s["total_s"].as_f64().unwrap();
    assert_eq!(total, applies[2]["end_s"].as_f64().unwrap());
    // With one apply allowed, the sequence leaves what the run left (exit 1).
    let o = run(&[
        "run",
        "scenarios/five-customers.toml",
        "--deployer",
        "aws-sdk-standard",
        "--applies",
        "1",
    ]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("left for a person"), "{}", stdout(&o));
}

/// An orphan is not in state: each re-apply creates it again and the service fails that
/// creation with EMAIL_ALREADY_EXISTS (its email is taken), so re-applies do not finish; a
/// person must import it, which the report lists (exit 1).
#[test]
fn an_orphan_needs_a_manual_import_whatever_the_re_applies() {
    // Failed creations take `min_s`: 5 s here, within the 30 s timeout.
    let text = std::fs::read_to_string("examples/terraform/orphan.toml")
        .unwrap()
        .replace("min_s = 80", "min_s = 5");
    let dir = scratch("day2-orphan-applies");
    let path = write(&dir, "orphan.toml", &text);
    let o = run(&["run", &path, "--applies", "3", "--json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s = &r["sequence"];
    let applies = s["per_apply"].as_array().unwrap();
    assert_eq!(s["applies"], 3, "{s}");
    assert_eq!(applies[0]["timed_out"], 1, "{s}");
    for a in &applies[1..] {
        assert_eq!(a["email_already_exists"], 1, "{a}");
        assert_eq!(a["first_failure"], "EMAIL_ALREADY_EXISTS", "{a}");
    }
    assert_eq!(s["orphaned_accounts"], 1, "{s}");
    let import = &s["imports"][0];
    assert_eq!(import["email"], "john@acmefinance.com");
    assert!(
        import["command"]
            .as_str()
            .unwrap()
            .starts_with("terraform import 'aws_organizations_account.acme_finance_inc' "),
        "{import}"
    );
    assert_eq!(s["onboarded"], 0);
}

/// `--waves W` (issue 25 item 3): five customers as five applies one after another, each with
/// its own refresh of what the waves before made; one wave is the plain run; the wave sweep
/// gives each W and marks the pick.
#[test]
fn waves_run_one_after_another_and_the_sweep_marks_the_best() {
    let r = json(&[
        "run",
        "scenarios/five-customers.toml",
        "--waves",
        "5",
        "--json",
    ]);
    let s = &r["sequence"];
    let applies = s["per_apply"].as_array().unwrap();
    assert_eq!(applies.len(), 5, "{s}");
    assert_eq!(applies[0]["refresh_s"], 0.0);
    for (w, a) in applies.iter().enumerate() {
        assert_eq!(a["wave"], w + 1);
        assert_eq!(a["customers"], 1);
    }
    for pair in applies.windows(2) {
        assert!(
            pair[1]["start_s"].as_f64() >= pair[0]["end_s"].as_f64(),
            "{pair:?}"
        );
        assert!(pair[1]["refresh_s"].as_f64().unwrap() > 0.0, "{pair:?}");
    }
    assert_eq!(s["onboarded"], 5, "{s}");
    let one = json(&[
        "run",
        "scenarios/five-customers.toml",
        "--waves",
        "1",
        "--json",
    ]);
    let plain = json(&["run", "scenarios/five-customers.toml", "--json"]);
    assert_eq!(one["sequence"]["total_s"], plain["timing"]["makespan_s"]);
    assert_eq!(one["sequence"]["calls"], plain["api"]["calls"]);
    // Five waves pay five overheads: longer than one.
    assert!(s["total_s"].as_f64() > one["sequence"]["total_s"].as_f64());
    let w = json(&[
        "sweep",
        "scenarios/five-customers.toml",
        "--customers",
        "5",
        "--waves",
        "1..=5",
        "--step",
        "2",
        "--replications",
        "8",
        "--failure-target",
        "1",
        "--json",
    ]);
    let points = w["points"].as_array().unwrap();
    let ws: Vec<u64> = points
        .iter()
        .map(|p| p["waves"].as_u64().unwrap())
        .collect();
    assert_eq!(ws, [1, 3, 5]);
    assert_eq!(points[1]["wave_size"], 2);
    assert_eq!(points.iter().filter(|p| p["best"] == true).count(), 1);
    let best = points.iter().find(|p| p["best"] == true).unwrap();
    assert_eq!(w["best_waves"], best["waves"]);
    let mean = |p: &serde_json::Value| p["total_s"]["mean"].as_f64().unwrap();
    assert!(points.iter().all(|p| mean(best) <= mean(p)), "{points:?}");
    // A target nothing meets picks nothing: the orphan scenario's one account always times
    // out.
    let w = json(&[
        "sweep",
        "examples/terraform/orphan.toml",
        "--customers",
        "1",
        "--waves",
        "1",
        "--replications",
        "3",
        "--failure-target",
        "0.5",
        "--json",
    ]);
    assert_eq!(w["points"][0]["failure_probability"], 1.0, "{w}");
    assert_eq!(w["points"][0]["orphaned_accounts_mean"], 1.0, "{w}");
    assert!(w["best_waves"].is_null(), "{w}");
    assert_eq!(w["points"][0]["best"], false);
}

/// Bad `--waves` and `--applies` values are exit 2, naming the flag.
#[test]
fn bad_waves_and_applies_are_refused() {
    for args in [
        &["run", "scenarios/five-customers.toml", "--waves", "0"][..],
        &["run", "scenarios/five-customers.toml", "--waves", "6"],
        &["run", "scenarios/five-customers.toml", "--applies", "0"],
        &[
            "run",
            "scenarios/five-customers.toml",
            "--applies",
            "1",
            "--backend",
            "mock",
        ],
        &[
            "sweep",
            "scenarios/five-customers.toml",
            "--customers",
            "5",
            "--waves",
            "two",
        ],
        &[
            "sweep",
            "scenarios/five-customers.toml",
            "--customers",
            "1..=5",
            "--waves",
            "2",
        ],
        &[
            "sweep",
            "scenarios/five-customers.toml",
            "--customers",
            "5",
            "--waves",
            "1..=9",
        ],
        &[
            "sweep",
            "scenarios/five-customers.toml",
            "--customers",
            "5",
            "--waves",
            "2",
            "--failure-target",
            "2",
        ],
    ] {
        let o = run(args);
        assert_eq!(code(&o), 2, "orgsim {args:?}: {}", stdout(&o));
        let e = stderr(&o);
        assert!(
            e.contains("--waves")
                || e.contains("--applies")
                || e.contains("--customers")
                || e.contains("--failure-target"),
            "orgsim {args:?}: {e}"
        );
    }
}
