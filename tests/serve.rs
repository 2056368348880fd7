//! `orgsim serve` from the outside: the binary started on a free loopback port, driven by
//! clients no one here wrote (boto3 through `tests/serve_boto3.py`, in the venv
//! `scripts/moto.sh` installs; orgsim's own `--backend sdk`, the aws-sdk-organizations client)
//! and by raw sockets for what a hostile client does. The boto3 test skips itself where the
//! venv is missing, and fails when `CI` is set.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

mod common;

const FAST: &str = "tests/fixtures/serve-fast.toml";

/// A running `orgsim serve`, stopped (SIGTERM, then killed) when dropped.
struct Server {
    child: Option<Child>,
    url: String,
    hostport: String,
}

impl Server {
    fn start(scenario: &str, extra: &[&str]) -> Server {
        let (child, url) = common::start_serve(scenario, extra, Stdio::piped());
        let hostport = url.trim_start_matches("http://").to_string();
        Server {
            child: Some(child),
            url,
            hostport,
        }
    }

    /// Sends `raw` on a new connection and reads the answer to the end.
    fn raw(&self, raw: &[u8]) -> String {
        let mut s = TcpStream::connect(&self.hostport).expect("connects");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(raw).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn request(&self, method: &str, path: &str, headers: &str, body: &str) -> (u16, String) {
        let text = self.raw(
            format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                self.hostport,
                body.len()
            )
            .as_bytes(),
        );
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
        (status, body)
    }

    fn aws(&self, op: &str, body: &str) -> (u16, Value) {
        let (status, body) = self.request(
            "POST",
            "/",
            &format!(
                "X-Amz-Target: AWSOrganizationsV20161128.{op}\r\nContent-Type: application/x-amz-json-1.1\r\n"
            ),
            body,
        );
        (
            status,
            serde_json::from_str(&body).unwrap_or_else(|_| panic!("JSON: {body:?}")),
        )
    }

    /// Stops it with SIGTERM and gives its standard output (after the address line).
    fn stop(mut self) -> (i32, String) {
        let mut child = self.child.take().unwrap();
        let pid = child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let mut out = String::new();
        let _ = child.stdout.take().unwrap().read_to_string(&mut out);
        let status = child.wait().unwrap();
        (status.code().unwrap_or(-1), out)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The venv `scripts/moto.sh install` makes (boto3 and botocore come with moto), or `None`
/// (with a counted skip) outside CI.
fn python() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/moto-venv/bin/python");
    if p.exists() {
        return Some(p);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "CI is set but {} is missing: scripts/moto.sh install makes it",
            p.display()
        );
    }
    common::skipped("no target/moto-venv (scripts/moto.sh install makes it, with boto3)");
    None
}

#[test]
fn boto3_onboards_the_seed_customers_against_the_served_limits() {
    let Some(py) = python() else { return };
    let dir = common::scratch("serve-boto3-report").join("served");
    let server = Server::start(FAST, &["--out", dir.to_str().unwrap()]);
    let seen = boto3(&py, &server, "onboard");
    // Every served operation's successful answer was checked against botocore's model (all
    // but CreateOrganization, refused here: the organization exists, and EnablePolicyType,
    // which the model always refuses: SCPs are enabled, and it holds no other type; the
    // script checks both of its errors as botocore's modelled exceptions).
    let checked: Vec<&str> = seen["checked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut expected: Vec<&str> = orgsim::serve::wire::SERVED
        .iter()
        .copied()
        .filter(|o| !matches!(*o, "CreateOrganization" | "EnablePolicyType"))
        .collect();
    expected.sort();
    assert_eq!(checked, expected);
    assert_eq!(
        seen["first_states"],
        serde_json::json!(["IN_PROGRESS", "IN_PROGRESS"])
    );
    assert!(seen["throttled"].as_u64().unwrap() >= 1);
    // The server's own trace saw the throttles boto3 was answered.
    let (status, report) = server.request("GET", "/_orgsim/report", "", "");
    assert_eq!(status, 200);
    let report: Value = serde_json::from_str(&report).unwrap();
    let throttled = report["counts"]["CreateAccount"]["TooManyRequestsException"]
        .as_u64()
        .unwrap_or(0);
    assert!(throttled >= seen["throttled"].as_u64().unwrap(), "{report}");
    assert_eq!(
        report["counts"]["sts:GetCallerIdentity"]["ok"], 1,
        "the script asked STS who it is"
    );
    let traced = report["trace"].as_array().unwrap();
    assert_eq!(traced.len() as u64, report["requests"].as_u64().unwrap());
    assert!(traced.iter().all(|t| t["operation"].is_string()
        && t["outcome"].is_string()
        && t["latency_ms"].is_u64()));
    // GET /_orgsim/report wrote the run-style report into --out: the script's requests mapped
    // onto the scenario's plan. Its accounts are the plan's (by email); its OUs and policies
    // are named otherwise ("Fintech", "fintech-scp"), so the plan's are never made and the
    // verdict is FAIL, the accounts outside their tier's OU.
    let written = report_json(&dir);
    let status_of = |r: &Value, addr: &str| -> String {
        r["resources"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["address"] == addr)
            .unwrap_or_else(|| panic!("no {addr}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for r in [&written, &run_report(&server)] {
        assert_eq!(
            status_of(r, "aws_organizations_account.acme_finance_inc"),
            "created"
        );
        assert_eq!(
            status_of(r, "aws_organizations_account.medicorp_solutions_inc"),
            "created"
        );
        assert_eq!(
            status_of(r, "aws_organizations_organizational_unit.customers_fintech"),
            "pending"
        );
        assert_eq!(r["verdict"], "FAIL");
        assert!(
            r["api"]["throttled"].as_u64().unwrap() >= 1,
            "{:#}",
            r["api"]
        );
    }
}

/// `GET /_orgsim/report/run`: report.json of what the clients did so far.
fn run_report(server: &Server) -> Value {
    let (status, body) = server.request("GET", "/_orgsim/report/run", "", "");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Runs `tests/serve_boto3.py URL MODE` and gives its summary line.
fn boto3(py: &Path, server: &Server, mode: &str) -> Value {
    let out = Command::new(py)
        .args(["tests/serve_boto3.py", &server.url, mode])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "serve_boto3.py {mode} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or(""),
    )
    .expect("the script's summary")
}

#[test]
fn boto3_meets_the_in_progress_limit_and_the_account_quota() {
    let Some(py) = python() else { return };
    let server = Server::start("tests/fixtures/serve-limits.toml", &[]);
    let seen = boto3(&py, &server, "limits");
    assert_eq!(seen["quota"], "ACCOUNT_LIMIT_EXCEEDED");
    assert_eq!(
        seen["in_progress_refused"],
        orgsim::org::model::MSG_IN_PROGRESS,
        "the sixth creation is refused with the model's in-progress message"
    );
}

#[test]
fn orgsims_own_sdk_backend_deploys_the_seed_customers_against_serve() {
    let dir = common::scratch("serve-sdk-report").join("served");
    let server = Server::start(FAST, &["--out", dir.to_str().unwrap()]);
    let out = common::bin()
        .args(["run", FAST, "--backend", "sdk", "--endpoint", &server.url])
        .env("AWS_ACCESS_KEY_ID", "anything")
        .env("AWS_SECRET_ACCESS_KEY", "anything")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("orgsim run");
    let stdout = common::stdout(&out);
    assert_eq!(common::code(&out), 0, "{stdout}\n{}", common::stderr(&out));
    assert!(stdout.contains("Verdict: PASS"), "{stdout}");
    let (code, summary) = server.stop();
    assert_eq!(code, 0);
    // The summary names what the run called: two accounts created, polled.
    let line = |op: &str| {
        summary
            .lines()
            .find(|l| l.split_whitespace().next() == Some(op))
            .unwrap_or_else(|| panic!("no {op} in the summary:\n{summary}"))
            .to_string()
    };
    assert!(summary.starts_with("orgsim serve: "), "{summary}");
    let create = line("CreateAccount");
    let ok: u64 = create.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert_eq!(ok, 2, "{create}");
    line("DescribeCreateAccountStatus");
    line("DescribeOrganization");
    // At the SIGTERM, --out wrote what `run --out` writes, of what the client did: the
    // requests mapped onto the plan, every resource created, judged PASS as the run was.
    let report = report_json(&dir);
    assert_eq!(report["backend"], "serve");
    assert_eq!(report["deployer"], "caller (orgsim serve)");
    assert_eq!(report["verdict"], "PASS", "{:#}", report["validation"]);
    let plan = plan_addresses(FAST);
    let items = report["resources"]["items"].as_array().unwrap();
    let addresses: Vec<&str> = items
        .iter()
        .map(|i| i["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        addresses,
        plan.iter().map(String::as_str).collect::<Vec<_>>()
    );
    for i in items {
        assert_eq!(i["status"], "created", "{i:#}");
        assert!(i["end_s"].as_f64().unwrap() > 0.0, "{i:#}");
    }
    // The accounts waited for their creation: polls, seconds long.
    let acme = items
        .iter()
        .find(|i| i["address"] == "aws_organizations_account.acme_finance_inc")
        .unwrap();
    assert!(acme["calls"].as_u64().unwrap() >= 3, "{acme:#}");
    assert!(acme["end_s"].as_f64().unwrap() >= 2.0, "{acme:#}");
    assert!(report["api"]["calls"].as_u64().unwrap() > 10);
    // The timeline draws every resource (its row label) and the HTML embeds it.
    let timeline = std::fs::read_to_string(dir.join("timeline.svg")).unwrap();
    for label in [
        "OU Customers-Fintech",
        "SCP SOC2",
        "ACME Finance Inc · account",
    ] {
        assert!(timeline.contains(label), "no {label} in the timeline");
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<svg"), "the page embeds the charts");
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        md.contains("aws_organizations_account.acme_finance_inc"),
        "{md}"
    );
    let requests = read_json(&dir.join("requests.json"));
    assert!(requests["requests"].as_u64().unwrap() > 10);
}

/// `orgsim load --backend sdk` against serve: customers arriving every two seconds, each
/// onboarded by its own apply, all against the one served organization and its limits (the
/// buckets, the in-progress creations, the conflict windows): every onboarding completes,
/// and what the load test counts is what the server answered.
#[test]
fn orgsims_own_load_test_runs_against_serve() {
    let server = Server::start(FAST, &[]);
    let out = common::bin()
        .args([
            "load",
            FAST,
            "--backend",
            "sdk",
            "--endpoint",
            &server.url,
            "--rate",
            "30/min",
            "--duration",
            "6s",
            "--arrivals",
            "uniform",
            "--poll-interval",
            "0.5",
            "--grace",
            "60s",
            "--json",
        ])
        .env("AWS_ACCESS_KEY_ID", "anything")
        .env("AWS_SECRET_ACCESS_KEY", "anything")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("orgsim load");
    let stdout = common::stdout(&out);
    assert_eq!(common::code(&out), 0, "{stdout}\n{}", common::stderr(&out));
    let v: Value = serde_json::from_str(&stdout).expect("load --json");
    assert_eq!(v["backend"], "sdk");
    let onboardings = v["onboardings"].as_u64().unwrap();
    assert!(onboardings >= 3, "{v:#}");
    assert_eq!(v["completed"].as_u64().unwrap(), onboardings, "{v:#}");
    assert_eq!(v["failed"].as_u64().unwrap(), 0, "{v:#}");
    // One account created per onboarding, each polled until the server said SUCCEEDED (its
    // creation takes 2 to 4 s here), and the calls the load test counted are the ones served.
    let counts = server_counts(&server);
    assert_eq!(
        counts["CreateAccount"]["ok"].as_u64(),
        Some(onboardings),
        "{counts:#}"
    );
    let polls = counts["DescribeCreateAccountStatus"]["ok"]
        .as_u64()
        .unwrap();
    assert!(polls >= 2 * onboardings, "{counts:#}");
    // What the load test timed of each onboarding is what the server answered for it (the
    // shared OUs and policies before the first arrival are the bootstrap's, not counted there).
    for op in ["CreateAccount", "MoveAccount"] {
        assert_eq!(
            counts[op]["ok"].as_u64(),
            Some(onboardings),
            "{op}: {counts:#}"
        );
        assert_eq!(
            v["operations_ms"][op]["count"].as_u64(),
            Some(onboardings),
            "{op}: {v:#}"
        );
    }
    let (code, _) = server.stop();
    assert_eq!(code, 0);
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The report.json `--out` wrote into `dir`, with its companions there.
fn report_json(dir: &Path) -> Value {
    for f in [
        "report.md",
        "report.html",
        "timeline.svg",
        "margin.svg",
        "requests.json",
    ] {
        assert!(dir.join(f).is_file(), "no {f} in {}", dir.display());
    }
    read_json(&dir.join("report.json"))
}

/// The addresses `orgsim plan --json` lists for `scenario`, in its order.
fn plan_addresses(scenario: &str) -> Vec<String> {
    let o = common::run(&["plan", scenario, "--json"]);
    assert_eq!(common::code(&o), 0, "{}", common::stderr(&o));
    let plan: Value = serde_json::from_str(&common::stdout(&o)).unwrap();
    plan["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_admin_paths_answer_and_reset_empties_the_organization() {
    let server = Server::start(FAST, &[]);
    let (status, body) = server.request("GET", "/_orgsim/health", "", "");
    assert_eq!(status, 200);
    assert!(body.contains("\"ready\""), "{body}");
    let (status, body) = server.aws(
        "CreateOrganizationalUnit",
        r#"{"ParentId": "r-sim1", "Name": "Fintech"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let (_, listed) = server.aws(
        "ListOrganizationalUnitsForParent",
        r#"{"ParentId": "r-sim1"}"#,
    );
    assert_eq!(listed["OrganizationalUnits"].as_array().unwrap().len(), 1);
    let (status, _) = server.request("POST", "/_orgsim/reset", "", "");
    assert_eq!(status, 200);
    let (_, listed) = server.aws(
        "ListOrganizationalUnitsForParent",
        r#"{"ParentId": "r-sim1"}"#,
    );
    assert_eq!(listed["OrganizationalUnits"], serde_json::json!([]));
    let (status, _) = server.request("GET", "/_orgsim/nothing", "", "");
    assert_eq!(status, 404);
}

#[test]
fn empty_starts_without_an_organization() {
    let server = Server::start(FAST, &["--empty"]);
    let (status, body) = server.aws("DescribeOrganization", "{}");
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "AWSOrganizationsNotInUseException");
    let (status, body) = server.aws("CreateOrganization", r#"{"FeatureSet": "ALL"}"#);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Organization"]["Id"], "o-sim0000001");
    let (status, _) = server.aws("ListRoots", "{}");
    assert_eq!(status, 200);
}

#[test]
fn hostile_requests_are_answered_and_never_take_the_server_down() {
    let server = Server::start(FAST, &[]);
    // A body over the cap: refused from its declared length, before it is read.
    let big = server.raw(
        b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSOrganizationsV20161128.ListRoots\r\nContent-Length: 2097152\r\n\r\n",
    );
    assert!(big.starts_with("HTTP/1.1 413"), "{big}");
    assert!(big.contains("RequestEntityTooLarge"), "{big}");
    // Not HTTP at all, a head that never ends, an unknown operation, malformed JSON.
    let garbage = server.raw(b"\x00\x01\x02 hello\r\n\r\n");
    assert!(!garbage.starts_with("HTTP/1.1 200"), "{garbage}");
    let mut slow = TcpStream::connect(&server.hostport).unwrap();
    slow.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Tar")
        .unwrap();
    let (status, body) = server.aws("DeleteOrganization", "{}");
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("UnknownOperationException"))
    );
    let (status, body) = server.aws("ListAccounts", "{\"MaxResults\": ");
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("SerializationException"))
    );
    let (status, body) = server.aws("ListAccounts", r#"{"MaxResults": "ten"}"#);
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("SerializationException"))
    );
    let (status, body) = server.aws("DescribeAccount", "{}");
    assert_eq!(
        (status, body["Reason"].as_str()),
        (400, Some("INPUT_REQUIRED"))
    );
    // Still serving, with the slow client still connected.
    let (status, body) = server.aws("ListRoots", "{}");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Roots"][0]["Id"], "r-sim1");
    drop(slow);
    let (code, summary) = server.stop();
    assert_eq!(code, 0);
    assert!(summary.contains("RequestEntityTooLarge"), "{summary}");
    let list_roots = summary
        .lines()
        .find(|l| l.starts_with("ListRoots "))
        .unwrap();
    assert!(list_roots.contains("RequestEntityTooLarge 1"), "{summary}");
    assert!(summary.contains("not served: "), "{summary}");
}

#[test]
fn duration_stops_the_server_with_its_summary_and_out_writes_the_requests() {
    let dir = common::scratch("serve-out");
    let out_dir = dir.join("served");
    let mut child = common::bin()
        .args(["serve", FAST, "--port", "0", "--duration", "1s", "--out"])
        .arg(&out_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let lines: Vec<String> = out.lines().map_while(Result::ok).collect();
    assert!(child.wait().unwrap().success());
    assert!(
        lines[0].contains("listening on http://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("orgsim serve: 0 requests")),
        "{lines:?}"
    );
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("requests.json")).unwrap())
            .unwrap();
    assert_eq!(written["requests"], 0);
    assert_eq!(written["scenario"], "serve-fast");
    assert_eq!(written["trace"], serde_json::json!([]));
    // An --out that cannot be written is refused before anything is served.
    let file = common::write(&dir, "a-file", "x");
    let o = common::run(&["serve", FAST, "--port", "0", "--out", &file]);
    assert_eq!(common::code(&o), 2, "{}", common::stderr(&o));
}

#[test]
fn a_non_loopback_bind_needs_allow_remote_and_bad_flags_exit_2() {
    let o = common::run(&["serve", FAST, "--bind", "0.0.0.0", "--port", "0"]);
    assert_eq!(common::code(&o), 2);
    assert!(
        common::stderr(&o).contains("--allow-remote"),
        "{}",
        common::stderr(&o)
    );
    for bad in [
        &["--time-scale", "0"][..],
        &["--time-scale", "nan"][..],
        &["--duration", "soon"][..],
        &["--duration", "0s"][..],
    ] {
        let mut args = vec!["serve", FAST, "--port", "0"];
        args.extend_from_slice(bad);
        let o = common::run(&args);
        assert_eq!(common::code(&o), 2, "{bad:?}: {}", common::stderr(&o));
    }
    let o = common::run(&["serve", "tests/fixtures/no-such.toml", "--port", "0"]);
    assert_eq!(common::code(&o), 2);
}

#[test]
fn connections_past_the_cap_are_closed_and_the_server_goes_on() {
    let server = Server::start(FAST, &["--max-connections", "2"]);
    let held: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(&server.hostport).unwrap())
        .collect();
    // Both held open (nothing sent); a third is closed without an answer.
    std::thread::sleep(Duration::from_millis(200));
    let mut third = TcpStream::connect(&server.hostport).unwrap();
    third
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = third.write_all(b"GET /_orgsim/health HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut buf = Vec::new();
    let _ = third.read_to_end(&mut buf);
    assert!(buf.is_empty(), "{}", String::from_utf8_lossy(&buf));
    drop(held);
    // Their slots free again, the server answers.
    let mut status = 0;
    for _ in 0..50 {
        status = server.request("GET", "/_orgsim/health", "", "").0;
        if status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(status, 200);
    let o = common::run(&["serve", FAST, "--port", "0", "--max-connections", "0"]);
    assert_eq!(common::code(&o), 2);
}

/// A service whose answers depend on its RNG alone: half of all calls fail with a
/// ServiceException, no latency, buckets wide, and time all but frozen (--time-scale 1e-6).
const COIN: &str = r#"
name = "serve-coin"
seed = 1

[[customers]]
name = "A"
tier = "fintech"
email = "a@example.com"

[service]
internal_error_probability = 0.5
write_latency = { min_ms = 0, max_ms = 0 }
read_latency = { min_ms = 0, max_ms = 0 }

[service.throttle.ListRoots]
rate = 1000
burst = 1000
"#;

/// The outcomes of 40 ListRoots calls against a server seeded `seed`.
fn coin_flips(scenario: &str, seed: &str) -> Vec<String> {
    let server = Server::start(scenario, &["--seed", seed, "--time-scale", "0.000001"]);
    (0..40)
        .map(|_| {
            let (status, body) = server.aws("ListRoots", "{}");
            format!("{status} {}", body["__type"].as_str().unwrap_or("ok"))
        })
        .collect()
}

#[test]
fn the_same_seed_and_requests_give_the_same_answers_over_http() {
    let dir = common::scratch("serve-coin");
    let scenario = common::write(&dir, "coin.toml", COIN);
    let a = coin_flips(&scenario, "7");
    assert_eq!(a, coin_flips(&scenario, "7"));
    assert!(a.iter().any(|o| o == "200 ok"), "{a:?}");
    assert!(a.iter().any(|o| o == "500 ServiceException"), "{a:?}");
    assert_ne!(a, coin_flips(&scenario, "8"), "another seed, other answers");
}

#[test]
fn help_says_signatures_are_not_checked() {
    let o = common::run(&["serve", "--help"]);
    assert_eq!(common::code(&o), 0);
    let help = common::stdout(&o);
    assert!(help.contains("any SigV4 signature"), "{help}");
    assert!(help.contains("--allow-remote"), "{help}");
}

/// The AWS CLI `scripts/awscli.sh install` puts in `target/awscli-venv` (scripts/test.sh
/// installs it), or `None` with a counted skip where pip could not install it.
fn aws_cli() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/awscli-venv/bin/aws");
    if p.exists() {
        return Some(p);
    }
    common::skipped("no target/awscli-venv (scripts/awscli.sh install makes it with pip)");
    None
}

/// `aws organizations ARGS --endpoint-url URL --output json`, which must succeed.
fn aws_org(aws: &Path, server: &Server, args: &[&str]) -> Value {
    let out = Command::new(aws)
        .arg("organizations")
        .args(args)
        .args(["--endpoint-url", &server.url, "--output", "json"])
        .env("AWS_ACCESS_KEY_ID", "anything")
        .env("AWS_SECRET_ACCESS_KEY", "anything")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_ORGANIZATIONS")
        .output()
        .expect("aws runs");
    assert!(
        out.status.success(),
        "aws organizations {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "aws organizations {args:?}: {e}: {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn the_aws_cli_reads_creates_and_paginates_against_serve() {
    let Some(aws) = aws_cli() else { return };
    let server = Server::start(FAST, &[]);
    let org = aws_org(&aws, &server, &["describe-organization"]);
    let mgmt = org["Organization"]["MasterAccountId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(org["Organization"]["FeatureSet"], "ALL");
    let roots = aws_org(&aws, &server, &["list-roots"]);
    let root = roots["Roots"][0]["Id"].as_str().unwrap().to_string();
    let ou = aws_org(
        &aws,
        &server,
        &[
            "create-organizational-unit",
            "--parent-id",
            &root,
            "--name",
            "Customers-Fintech",
        ],
    );
    assert_eq!(ou["OrganizationalUnit"]["Name"], "Customers-Fintech");
    let created = aws_org(
        &aws,
        &server,
        &[
            "create-account",
            "--email",
            "john@acmefinance.com",
            "--account-name",
            "ACME Finance Inc",
        ],
    );
    let status = &created["CreateAccountStatus"];
    assert_eq!(status["State"], "IN_PROGRESS");
    let id = status["Id"].as_str().unwrap().to_string();
    // The creation takes 2 to 4 s: the first status asked for is IN_PROGRESS, then SUCCEEDED.
    let describe = |aws: &Path| {
        aws_org(
            aws,
            &server,
            &[
                "describe-create-account-status",
                "--create-account-request-id",
                &id,
            ],
        )["CreateAccountStatus"]
            .clone()
    };
    assert_eq!(describe(&aws)["State"], "IN_PROGRESS");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let account = loop {
        let st = describe(&aws);
        if st["State"] == "SUCCEEDED" {
            break st["AccountId"].as_str().unwrap().to_string();
        }
        assert_eq!(st["State"], "IN_PROGRESS", "{st}");
        assert!(std::time::Instant::now() < deadline, "never SUCCEEDED");
        std::thread::sleep(Duration::from_millis(500));
    };
    // The CLI's auto-pagination walks a page of one account a request.
    let before = server_counts(&server)["ListAccounts"]["ok"]
        .as_u64()
        .unwrap_or(0);
    let listed = aws_org(&aws, &server, &["list-accounts", "--page-size", "1"]);
    let mut ids: Vec<&str> = listed["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut want = vec![mgmt.as_str(), account.as_str()];
    want.sort();
    assert_eq!(ids, want, "{listed}");
    let after = server_counts(&server)["ListAccounts"]["ok"]
        .as_u64()
        .unwrap();
    assert_eq!(after - before, 2, "one request a page");
}

/// The counts of `GET /_orgsim/report`: operation → outcome → requests.
fn server_counts(server: &Server) -> Value {
    let (status, body) = server.request("GET", "/_orgsim/report", "", "");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<Value>(&body).unwrap()["counts"].clone()
}
