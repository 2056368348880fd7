//! Issue 21, items 1–4, and issue 20's live-run output: a hostile or broken endpoint (a tiny
//! fake Organizations endpoint on 127.0.0.1, in the test), terminal escapes in what a file or
//! an endpoint says, a run stopped during an account creation and run again, the management
//! account. Every run of the binary is bounded in time: a hang fails the test, naming the
//! command, instead of hanging it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;
use common::{bin, code, stderr, stdout, write};

/// What the fake endpoint does with one request.
#[derive(Clone)]
enum Reply {
    /// An awsJson answer: status and body.
    Json(u16, String),
    /// These bytes, then the connection closed.
    Raw(Vec<u8>),
    /// A 200 whose chunked body never ends.
    Endless,
    /// Read the request, never answer.
    Silent,
}

type Handler = dyn Fn(&str, &str) -> Reply + Send + Sync;

/// A fake endpoint on a free loopback port: `handler(operation, body)` answers each request
/// (the operation from `X-Amz-Target`). Lives as long as the test process.
struct Fake {
    url: String,
}

fn fake(handler: impl Fn(&str, &str) -> Reply + Send + Sync + 'static) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handler: Arc<Handler> = Arc::new(handler);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = handler.clone();
            std::thread::spawn(move || serve(stream, &*handler));
        }
    });
    Fake { url }
}

fn serve(stream: TcpStream, handler: &Handler) {
    let mut out = match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    };
    let mut r = BufReader::new(stream);
    loop {
        let mut op = String::new();
        let mut len = 0usize;
        let mut first = true;
        loop {
            let mut line = String::new();
            match r.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let l = line.trim_end();
            if l.is_empty() && !first {
                break;
            }
            first = false;
            if let Some((k, v)) = l.split_once(':') {
                let v = v.trim();
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.parse().unwrap_or(0);
                } else if k.eq_ignore_ascii_case("x-amz-target") {
                    op = v.rsplit('.').next().unwrap_or("").to_string();
                }
            }
        }
        let mut body = vec![0; len];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        match handler(&op, &String::from_utf8_lossy(&body)) {
            Reply::Json(status, b) => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n",
                    b.len()
                );
                if out.write_all(head.as_bytes()).is_err() || out.write_all(b.as_bytes()).is_err() {
                    return;
                }
            }
            Reply::Raw(bytes) => {
                let _ = out.write_all(&bytes);
                return;
            }
            Reply::Endless => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ntransfer-encoding: chunked\r\n\r\n";
                if out.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let chunk = format!("{:x}\r\n{}\r\n", 65536, " ".repeat(65536));
                while out.write_all(chunk.as_bytes()).is_ok() {}
                return;
            }
            Reply::Silent => {
                std::thread::sleep(Duration::from_secs(120));
                return;
            }
        }
    }
}

const ORG: &str = r#"{"Organization":{"Id":"o-fake123456","Arn":"arn:aws:organizations::123456789012:organization/o-fake123456","FeatureSet":"ALL","MasterAccountArn":"arn:aws:organizations::123456789012:account/o-fake123456/123456789012","MasterAccountId":"123456789012","MasterAccountEmail":"boss@example.com"}}"#;
const ROOTS: &str = r#"{"Roots":[{"Id":"r-ab12","Arn":"arn:aws:organizations::123456789012:root/o-fake123456/r-ab12","Name":"Root","PolicyTypes":[]}]}"#;

/// An empty organization's answers to the reads of a refresh.
fn empty_org(op: &str) -> Option<Reply> {
    let j = |b: &str| Some(Reply::Json(200, b.to_string()));
    match op {
        "DescribeOrganization" => j(ORG),
        "ListRoots" => j(ROOTS),
        "ListOrganizationalUnitsForParent" => j(r#"{"OrganizationalUnits":[]}"#),
        "ListAccountsForParent" | "ListAccounts" => j(r#"{"Accounts":[]}"#),
        "ListPolicies" | "ListPoliciesForTarget" => j(r#"{"Policies":[]}"#),
        "ListTagsForResource" => j(r#"{"Tags":[]}"#),
        "ListAWSServiceAccessForOrganization" => j(r#"{"EnabledServicePrincipals":[]}"#),
        _ => None,
    }
}

/// Runs `orgsim args` with stdin closed; fails the test if it runs longer than `limit`.
fn run_within(args: &[&str], limit: Duration) -> Output {
    let mut child = bin()
        .args(args)
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_ORGANIZATIONS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("orgsim runs");
    let t0 = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            let o = child.wait_with_output().unwrap();
            panic!(
                "`orgsim {}` still running after {limit:?} (killed)\nstderr: {}",
                args.join(" "),
                stderr(&o)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Exit 2 with one line of error on stderr holding every needle, no panic, no debug dump, no
/// raw control character.
#[track_caller]
fn one_line_error(o: &Output, needles: &[&str]) -> String {
    let err = stderr(o);
    assert_eq!(code(o), 2, "stdout {}\nstderr {err}", stdout(o));
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line: {err}");
    let line = errors[0];
    for n in needles {
        assert!(line.contains(n), "the error lacks `{n}`: {line}");
    }
    assert!(!err.contains("panicked"), "{err}");
    for dump in ["DispatchFailure(", "ConnectorError {", "source: ", "Some("] {
        assert!(!line.contains(dump), "a debug dump: {line}");
    }
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err:?}");
    line.to_string()
}

fn scratch(name: &str) -> PathBuf {
    common::scratch(Path::new("hostile").join(name))
}

const TWO: &str = "scenarios/two-customers.toml";

fn sdk_args<'a>(url: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["run", TWO, "--backend", "sdk", "--endpoint", url];
    v.extend_from_slice(extra);
    v
}

const LIMIT: Duration = Duration::from_secs(60);

// ---- 3. Hostile and broken endpoints ---------------------------------------------------------

#[test]
fn an_endless_body_is_cut_at_the_cap_and_said_in_one_line() {
    let f = fake(|_, _| Reply::Endless);
    let o = run_within(&sdk_args(&f.url, &[]), LIMIT);
    one_line_error(
        &o,
        &[&f.url, "DescribeOrganization", "larger than 16777216 bytes"],
    );
}

#[test]
fn an_empty_answer_is_not_an_organization_with_id_empty() {
    let f = fake(|_, _| Reply::Json(200, "{}".into()));
    let o = run_within(&sdk_args(&f.url, &[]), LIMIT);
    one_line_error(&o, &[&f.url, "without an organization Id"]);
    assert!(!stderr(&o).contains("Plan:"), "{}", stderr(&o));
}

#[test]
fn an_endpoint_that_never_answers_times_out_in_one_line() {
    let f = fake(|_, _| Reply::Silent);
    let o = run_within(&sdk_args(&f.url, &["--read-timeout", "1"]), LIMIT);
    one_line_error(&o, &[&f.url, "read timeout (1 s, --read-timeout)"]);
}

#[test]
fn an_informational_status_and_nothing_else_times_out() {
    let f = fake(|_, _| Reply::Raw(b"HTTP/1.1 199 Wait\r\n\r\n".to_vec()));
    let o = run_within(
        &sdk_args(&f.url, &["--read-timeout", "1", "--operation-timeout", "2"]),
        LIMIT,
    );
    one_line_error(&o, &[&f.url, "DescribeOrganization"]);
}

#[test]
fn a_next_token_on_every_page_stops_at_the_page_cap() {
    let page = Arc::new(AtomicUsize::new(0));
    let p = page.clone();
    let f = fake(move |op, _| match op {
        "ListRoots" => {
            let n = p.fetch_add(1, Ordering::SeqCst);
            Reply::Json(200, format!(r#"{{"Roots":[],"NextToken":"token-{n}"}}"#))
        }
        other => empty_org(other).unwrap_or(Reply::Json(500, "{}".into())),
    });
    let o = run_within(&sdk_args(&f.url, &["--max-pages", "40"]), LIMIT);
    one_line_error(&o, &[&f.url, "ListRoots", "NextToken on each of 40 pages"]);
    assert_eq!(page.load(Ordering::SeqCst), 40, "no page past the cap");
    // The same token twice in a row is said as such (the SDK's paginator would stop silently).
    let f = fake(|op, _| match op {
        "ListRoots" => Reply::Json(200, r#"{"Roots":[],"NextToken":"again"}"#.into()),
        other => empty_org(other).unwrap_or(Reply::Json(500, "{}".into())),
    });
    let o = run_within(&sdk_args(&f.url, &[]), LIMIT);
    one_line_error(&o, &["ListRoots", "the same NextToken twice"]);
}

#[test]
fn an_endpoint_that_goes_silent_mid_run_stops_it_with_exit_2() {
    // The refresh reads an empty organization; the first write never gets an answer: the
    // operation timeout ends the run, not a hang.
    let f = fake(|op, _| empty_org(op).unwrap_or(Reply::Silent));
    let o = run_within(
        &sdk_args(&f.url, &["--operation-timeout", "1.5", "--json"]),
        LIMIT,
    );
    let line = one_line_error(
        &o,
        &[&f.url, "broke off the run", ": Create", "operation timeout"],
    );
    assert!(line.contains("1.5 s"), "{line}");
    assert!(
        stdout(&o).is_empty(),
        "no report of a broken run: {}",
        stdout(&o)
    );
}

#[test]
fn timeouts_and_the_page_cap_are_checked_flags() {
    for (flag, v) in [
        ("--read-timeout", "0"),
        ("--connect-timeout", "-1"),
        ("--operation-timeout", "1e300"),
        ("--max-pages", "0"),
    ] {
        let arg = format!("{flag}={v}");
        let o = run_within(&sdk_args("http://127.0.0.1:9", &[&arg]), LIMIT);
        let line = one_line_error(&o, &[flag]);
        assert!(
            line.contains("greater than 0 and at most 86400") || line.contains("at least 1"),
            "{line}"
        );
    }
    let o = run_within(&["run", TWO, "--read-timeout", "5"], LIMIT);
    one_line_error(&o, &["--read-timeout", "only apply to --backend sdk"]);
}

// ---- issue 20: the live run's output ----------------------------------------------------------

#[test]
fn an_endpoint_that_is_not_a_url_is_said_to_be_one() {
    for bad in [
        "localhost:5000",
        "ftp://127.0.0.1:5000",
        "http://",
        "http://127.0.0.1:99999",
    ] {
        let o = run_within(&sdk_args(bad, &[]), LIMIT);
        let line = one_line_error(&o, &["--endpoint", "is not a URL"]);
        assert!(!line.contains("loopback"), "{line}");
    }
}

#[test]
fn an_unreachable_endpoint_is_one_readable_line_before_any_plan() {
    // A port nobody listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let o = run_within(&sdk_args(&url, &[]), LIMIT);
    let line = one_line_error(&o, &[&url, "DescribeOrganization"]);
    assert!(line.to_lowercase().contains("connection refused"), "{line}");
    let err = stderr(&o);
    assert!(
        !err.contains("Plan:") && !err.contains("orgsim plan"),
        "{err}"
    );
}

// ---- 4. Terminal escapes -----------------------------------------------------------------------

const PWNED: &str = "\\u001b]0;PWNED\\u0007\\u001b[2J";

#[test]
fn a_scenario_with_an_escape_sequence_is_refused_at_its_place() {
    let d = scratch("escape-scenario");
    for (what, text) in [
        ("name", format!("name = \"x{PWNED}\"\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@example.com\"\n")),
        ("description", format!("name = \"x\"\ndescription = \"{PWNED}\"\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@example.com\"\n")),
        ("customers[0].name", "name = \"x\"\n[[customers]]\nname = \"A\\u009b2J\"\ntier = \"fintech\"\nemail = \"a@example.com\"\n".to_string()),
    ] {
        let p = write(&d, "s.toml", &text);
        for cmd in ["validate", "run", "plan"] {
            let o = run_within(&[cmd, &p], LIMIT);
            let line = one_line_error(&o, &["control character", what]);
            assert!(line.contains("U+001B") || line.contains("U+009B"), "{line}");
        }
    }
    // A newline and a tab in a description stay allowed.
    let p = write(
        &d,
        "ok.toml",
        "name = \"x\"\ndescription = \"\"\"two\n\tlines\"\"\"\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@example.com\"\n",
    );
    let o = run_within(&["validate", &p], LIMIT);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn a_latency_profile_whose_source_holds_an_escape_is_refused() {
    let d = scratch("escape-profile");
    let good = d.join("p.json");
    let o = run_within(
        &[
            "run",
            TWO,
            "--backend",
            "mock",
            "--time-scale",
            "1000",
            "--poll-interval",
            "0.01",
            "--write-latency-profile",
            good.to_str().unwrap(),
        ],
        LIMIT,
    );
    assert!(code(&o) < 2, "{}", stderr(&o));
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    v["source"] = serde_json::Value::String("\u{1b}]0;PWNED\u{7}\u{1b}[2J".into());
    let bad = write(&d, "bad.json", &v.to_string());
    let o = run_within(&["run", TWO, "--latency-profile", &bad], LIMIT);
    one_line_error(&o, &["`source`", "control character U+001B"]);
}

#[test]
fn an_endpoints_error_message_reaches_the_terminal_escaped() {
    let f = fake(|_, _| {
        Reply::Json(
            400,
            r#"{"__type":"AccessDeniedException","Message":"\u001b]0;PWNED\u0007\u001b[2J denied"}"#
                .into(),
        )
    });
    let o = run_within(&sdk_args(&f.url, &[]), LIMIT);
    let line = one_line_error(&o, &[&f.url, "AccessDeniedException", "denied"]);
    assert!(
        line.contains("\\u001b]0;PWNED\\u0007"),
        "escaped, visible: {line}"
    );
}

// ---- 1. The management account -----------------------------------------------------------------

#[test]
fn a_customer_with_the_management_accounts_email_fails_naming_it_on_mock() {
    let d = scratch("management");
    let p = write(
        &d,
        "m.toml",
        "name = \"m\"\n[[customers]]\nname = \"Boss\"\ntier = \"fintech\"\nemail = \"management@orgsim.invalid\"\n\
         [[customers]]\nname = \"Other\"\ntier = \"fintech\"\nemail = \"other@example.com\"\n\
         [service.account_creation]\nmedian_s = 5\np95_s = 10\nmax_s = 60\n",
    );
    // (Creations bounded well inside the provider's 10-minute wait: the mock's draws follow the
    // order calls arrive in wall-clock time, and an unbounded draw timed out now and then.)
    let o = run_within(
        &[
            "run",
            &p,
            "--backend",
            "mock",
            "--time-scale",
            "1000",
            "--poll-interval",
            "0.01",
            "--json",
        ],
        LIMIT,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = v.to_string();
    assert!(text.contains("ManagementAccount"), "{text}");
    assert!(
        text.contains("the organization's management account"),
        "{text}"
    );
    let boss = v["resources"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_organizations_account.boss")
        .cloned()
        .unwrap_or_else(|| panic!("{}", v["resources"]));
    assert_eq!(boss["status"], "failed", "{boss}");
    let other = v["resources"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_organizations_account.other")
        .cloned()
        .unwrap();
    assert_eq!(other["status"], "created", "{other}");
}

// ---- 2. A run stopped during a creation, then run again ---------------------------------------

#[test]
fn a_run_stopped_during_a_creation_then_run_again_makes_no_second_account() {
    use orgsim::clock::Clock;
    use orgsim::org::mock::MockService;
    use orgsim::org::types::Request;
    let mut sc = orgsim::scenario::read(Path::new(TWO)).unwrap();
    // Creations take ten model minutes; the model runs 200 times the wall clock: 3 s.
    sc.service.account_creation.median_s = 600.0;
    sc.service.account_creation.p95_s = 601.0;
    sc.service.account_creation.min_s = 599.0;
    sc.service.account_creation.max_s = 602.0;
    let mut cfg = orgsim::commands::target::live_deploy_config(&sc, Some(5.0));
    cfg.create_timeout_s = 3600.0;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let clock = Clock::new(200.0);
    let m = MockService::new(&sc, sc.seed, clock);
    let mgmt = m.org_info().management_account_id;
    let apply = || {
        orgsim::live::apply(
            orgsim::plan::build(&sc),
            &cfg,
            1,
            m.client(),
            clock,
            &mgmt,
            None,
        )
    };
    rt.block_on(async {
        // Stopped (as kill -9 would) one second in: the accounts' creations were accepted
        // and are in progress.
        let cut = tokio::time::timeout(Duration::from_secs(1), apply()).await;
        assert!(cut.is_err(), "the first run was still creating");
    });
    let snap = m.snapshot();
    let members = |s: &orgsim::org::types::OrgSnapshot| {
        s.accounts
            .iter()
            .filter(|a| a.id != s.management_account_id)
            .count()
    };
    assert_eq!(
        members(&snap),
        0,
        "nothing listed yet: the creations are in progress"
    );
    let run = rt.block_on(apply());
    assert!(run.endpoint_fault.is_none());
    assert!(
        run.trace.resources.iter().all(|r| r.outcome.is_success()),
        "{:#?}",
        run.trace.resources
    );
    let creates = run
        .trace
        .calls
        .iter()
        .filter(|c| c.op == orgsim::org::types::Operation::CreateAccount)
        .count();
    assert_eq!(
        creates, 0,
        "the run again awaited the creations in progress"
    );
    let snap = m.snapshot();
    assert_eq!(
        members(&snap),
        sc.customers.len(),
        "one account per customer"
    );
    for c in &sc.customers {
        let n = snap
            .accounts
            .iter()
            .filter(|a| a.email.eq_ignore_ascii_case(&c.email))
            .count();
        assert_eq!(n, 1, "{}", c.email);
    }
    let _ = Request::ListCreateAccountStatus;
}

#[test]
fn validate_flags_a_customer_with_the_management_accounts_email_when_the_file_gives_it() {
    let d = scratch("management-email");
    let text = "name = \"m\"\n[organization]\nmanagement_email = \"Root@Example.com\"\n\
                [[customers]]\nname = \"Boss\"\ntier = \"fintech\"\nemail = \"root@example.com\"\n";
    let p = write(&d, "m.toml", text);
    let o = run_within(&["validate", &p], LIMIT);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("finding: ManagementAccount aws_organizations_account.boss")
            && out.contains("the management account's"),
        "{out}"
    );
    // Without the key nothing is known, nothing flagged; a bad email is refused at its place.
    let p = write(
        &d,
        "plain.toml",
        &text.replace("management_email = \"Root@Example.com\"\n", ""),
    );
    assert_eq!(code(&run_within(&["validate", &p], LIMIT)), 0);
    let p = write(&d, "bad.toml", &text.replace("Root@Example.com", "nobody"));
    let o = run_within(&["validate", &p], LIMIT);
    one_line_error(&o, &["organization.management_email", "not a valid email"]);
    // On mock the model's management account has that email: the customer's account fails.
    let p = write(&d, "m2.toml", text);
    let o = run_within(
        &[
            "run",
            &p,
            "--backend",
            "mock",
            "--time-scale",
            "1000",
            "--poll-interval",
            "0.01",
            "--json",
        ],
        LIMIT,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).contains("ManagementAccount"), "{}", stdout(&o));
}

#[test]
fn a_throttled_refresh_shows_the_whole_plan_and_the_run_goes_on() {
    // The first ListRoots is throttled: the refresh cannot say what exists, so the whole plan
    // is shown (the apply still looks everything up); the run goes on (here into a silent
    // write, which the operation timeout ends).
    let throttled = Arc::new(AtomicUsize::new(0));
    let t = throttled.clone();
    let f = fake(move |op, _| {
        if op == "ListRoots" && t.fetch_add(1, Ordering::SeqCst) == 0 {
            return Reply::Json(
                400,
                r#"{"__type":"TooManyRequestsException","Message":"Rate exceeded"}"#.into(),
            );
        }
        empty_org(op).unwrap_or(Reply::Silent)
    });
    let o = run_within(&sdk_args(&f.url, &["--operation-timeout", "1"]), LIMIT);
    let err = stderr(&o);
    assert!(err.contains("Plan: 10 to add"), "{err}");
    assert!(
        err.contains("could not read what exists") && err.contains("Rate exceeded"),
        "{err}"
    );
    one_line_error(&o, &["broke off the run"]);
}

#[test]
fn a_first_run_on_an_empty_organization_lists_what_it_adds() {
    let f = fake(|op, _| empty_org(op).unwrap_or(Reply::Silent));
    let o = run_within(&sdk_args(&f.url, &["--operation-timeout", "1"]), LIMIT);
    let err = stderr(&o);
    assert!(
        err.contains("Plan: 10 to add, 0 exist") && err.contains("+ aws_organizations_account."),
        "{err}"
    );
    assert!(!err.contains("No changes"), "{err}");
}

#[test]
fn report_files_carry_no_raw_escape_and_pngs_are_left_as_they_are() {
    let d = scratch("report-files");
    let png = b"\x89PNG\r\n\x1a\n\x1b".to_vec();
    orgsim::report::write_files(
        &d,
        &[
            (
                "report.md",
                "# t\u{1b}]0;PWNED\u{7}\n\tok\n".as_bytes().to_vec(),
            ),
            ("chart.png", png.clone()),
        ],
    )
    .unwrap();
    let md = std::fs::read_to_string(d.join("report.md")).unwrap();
    assert_eq!(md, "# t\\u001b]0;PWNED\\u0007\n\tok\n");
    assert_eq!(std::fs::read(d.join("chart.png")).unwrap(), png);
}

#[test]
fn malformed_answers_are_each_one_line_never_a_panic() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let bodies: Vec<(&str, String)> = vec![
        ("not JSON", "<html>nope</html>".into()),
        ("a wrong type", r#"{"Organization":5}"#.into()),
        (
            "a number for an id",
            r#"{"Organization":{"Id":123,"MasterAccountId":"1"}}"#.into(),
        ),
        ("truncated", r#"{"Organization":{"Id":"o-abc"#.into()),
        ("deep nesting", deep),
        (
            "no master account",
            r#"{"Organization":{"Id":"o-abcdefghij"}}"#.into(),
        ),
    ];
    for (what, body) in bodies {
        let b = body.clone();
        let f = fake(move |_, _| Reply::Json(200, b.clone()));
        let o = run_within(&sdk_args(&f.url, &[]), LIMIT);
        let line = one_line_error(&o, &[&f.url, "DescribeOrganization"]);
        assert!(line.len() < 2_000, "{what}: a short line: {line}");
    }
    // A root without an id, a listed account without one.
    for (op, body) in [
        ("ListRoots", r#"{"Roots":[{"Name":"Root"}]}"#),
        (
            "ListOrganizationalUnitsForParent",
            r#"{"OrganizationalUnits":[{"Id":"","Name":"x"}]}"#,
        ),
    ] {
        let f = fake(move |o, _| {
            if o == op {
                Reply::Json(200, body.into())
            } else {
                empty_org(o).unwrap_or(Reply::Silent)
            }
        });
        let o = run_within(&sdk_args(&f.url, &[]), LIMIT);
        one_line_error(&o, &[&f.url, "without an Id", "InvalidResponse"]);
    }
}

#[test]
fn a_live_load_test_against_an_endpoint_that_goes_silent_ends_with_exit_2() {
    let f = fake(|op, _| empty_org(op).unwrap_or(Reply::Silent));
    let o = run_within(
        &[
            "load",
            TWO,
            "--backend",
            "sdk",
            "--endpoint",
            &f.url,
            "--rate",
            "60/min",
            "--duration",
            "1m",
            "--operation-timeout",
            "1",
        ],
        LIMIT,
    );
    one_line_error(
        &o,
        &[&f.url, "broke off the load test", "operation timeout"],
    );
}

#[test]
fn a_customer_claiming_the_management_accounts_id_is_refused_before_anything_is_sent() {
    let writes = Arc::new(AtomicUsize::new(0));
    let w = writes.clone();
    let f = fake(move |op, _| {
        empty_org(op).unwrap_or_else(|| {
            w.fetch_add(1, Ordering::SeqCst);
            Reply::Silent
        })
    });
    let d = scratch("management-id");
    let p = write(
        &d,
        "m.toml",
        "name = \"m\"\n[[customers]]\nname = \"Boss\"\ntier = \"fintech\"\nemail = \"boss2@example.com\"\naccount_id = \"123456789012\"\n",
    );
    let o = run_within(
        &["run", &p, "--backend", "sdk", "--endpoint", &f.url],
        LIMIT,
    );
    one_line_error(
        &o,
        &[
            "`Boss`",
            "123456789012",
            "management account of o-fake123456",
        ],
    );
    assert_eq!(writes.load(Ordering::SeqCst), 0, "nothing written");
}
