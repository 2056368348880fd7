//! The real Terraform CLI with the real hashicorp/aws provider (5.100.0) against `orgsim serve`:
//! `examples/terraform/main.tf` (the brief's tier OUs, one SCP per tier attached to its OU, one
//! tagged account per customer) applied to `examples/terraform/serve.toml`'s organization, the
//! served organization compared with `orgsim plan`'s, and a second plan that finds nothing to
//! change. Needs `terraform` on PATH and the provider in a filesystem mirror (`/opt/tf-plugins`,
//! or `ORGSIM_TF_MIRROR`): `terraform init` never reaches the network. Skipped (counted) where
//! either is missing.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod common;

const SCENARIO: &str = "examples/terraform/serve.toml";
const PROVIDER: &str = "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64";

/// A running `orgsim serve`, killed when dropped.
struct Server {
    child: Child,
    hostport: String,
}

impl Server {
    fn start(scenario: &str, extra: &[&str]) -> Server {
        let (child, url) = common::start_serve(scenario, extra, Stdio::null());
        Server {
            hostport: url.trim_start_matches("http://").to_string(),
            child,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.hostport)
    }

    fn http(&self, method: &str, path: &str, headers: &str, body: &str) -> (u16, Value) {
        let mut s = TcpStream::connect(&self.hostport).expect("connects");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.hostport,
            body.len()
        )
        .unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let text = String::from_utf8_lossy(&out);
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
        let v = serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON: {body:?}"));
        (status, v)
    }

    /// One Organizations call, retried (up to 10 s) while throttled: the test reads the
    /// organization through the same buckets Terraform did.
    fn aws(&self, op: &str, body: Value) -> Value {
        let headers = format!("X-Amz-Target: AWSOrganizationsV20161128.{op}\r\n");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (status, v) = self.http("POST", "/", &headers, &body.to_string());
            if status == 200 {
                return v;
            }
            let retry = matches!(
                v["__type"].as_str(),
                Some("TooManyRequestsException" | "ConcurrentModificationException")
            );
            assert!(
                retry && Instant::now() < deadline,
                "{op} {body}: {status} {v}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    fn report(&self) -> Value {
        let (status, v) = self.http("GET", "/_orgsim/report", "", "");
        assert_eq!(status, 200);
        v
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The provider mirror and the `terraform` binary, or `None` (with a counted skip).
fn terraform() -> Option<PathBuf> {
    let mirror = std::env::var_os("ORGSIM_TF_MIRROR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/tf-plugins"));
    let present = Command::new("terraform")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !present {
        common::skipped("no terraform on PATH");
        return None;
    }
    if !mirror.join(PROVIDER).is_dir() {
        common::skipped(&format!(
            "no hashicorp/aws 5.100.0 in the mirror {} (ORGSIM_TF_MIRROR)",
            mirror.display()
        ));
        return None;
    }
    Some(mirror)
}

/// `terraform ARGS` in `dir` with the mirror's CLI config, killed after 5 minutes.
fn tf(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new("terraform")
        .args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", dir.join("cli.tfrc"))
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_INPUT", "0")
        .env("CHECKPOINT_DISABLE", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .env_remove("TF_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("terraform starts");
    // Drain the pipes on threads so that a verbose command cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let o = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let e = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let deadline = Instant::now() + Duration::from_secs(300);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("terraform {args:?} still running after 5 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    Output {
        status,
        stdout: o.join().unwrap(),
        stderr: e.join().unwrap(),
    }
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn list(server: &Server, op: &str, body: Value, key: &str) -> Vec<Value> {
    server.aws(op, body)[key]
        .as_array()
        .unwrap_or_else(|| panic!("{op}: no {key}"))
        .clone()
}

#[test]
fn terraform_applies_the_seed_to_serve_and_a_second_plan_changes_nothing() {
    let Some(mirror) = terraform() else { return };
    let dir = common::scratch("terraform-apply");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("examples/terraform/main.tf"), dir.join("main.tf")).unwrap();
    let mirror = mirror.display();
    common::write(
        &dir,
        "cli.tfrc",
        &format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{mirror}\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n}}\n"
        ),
    );
    let out = dir.join("served");
    let server = Server::start(SCENARIO, &["--out", out.to_str().unwrap()]);
    let endpoint = format!("endpoint={}", server.url());

    let init = tf(&dir, &["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "terraform init: {}", show(&init));
    let apply = tf(
        &dir,
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &endpoint,
        ],
    );
    assert!(apply.status.success(), "terraform apply: {}", show(&apply));
    let text = String::from_utf8_lossy(&apply.stdout);
    assert!(
        text.contains("Apply complete! Resources: 8 added, 0 changed, 0 destroyed."),
        "{text}"
    );

    // Every request Terraform made was one serve answers.
    let report = server.report();
    let counts = report["counts"].as_object().unwrap();
    for (op, outcomes) in counts {
        assert!(
            outcomes.get("UnknownOperationException").is_none(),
            "Terraform called {op}, which serve does not answer"
        );
    }
    assert_eq!(counts["CreateAccount"]["ok"], 2, "{counts:?}");
    let applied = report["requests"].as_u64().unwrap();

    // That GET wrote the report of Terraform's apply into --out, as `run --out` writes one:
    // every planned resource created (the accounts' tags with their CreateAccount), the
    // accounts polled for seconds, and each on the timeline.
    let run: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("report.json")).expect("report.json written"),
    )
    .unwrap();
    assert_eq!(run["verdict"], "PASS", "{:#}", run["validation"]);
    let items = run["resources"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 10, "{items:#?}");
    for i in items {
        assert_eq!(i["status"], "created", "{i:#}");
        let (s, e) = (i["start_s"].as_f64().unwrap(), i["end_s"].as_f64().unwrap());
        assert!(s > 0.0 && e >= s, "{i:#}");
        if i["kind"] == "account" {
            assert!(i["calls"].as_u64().unwrap() >= 5, "{i:#}");
            assert!(i["poll_s"].as_f64().unwrap() > 0.0, "{i:#}");
        }
    }
    let timeline = std::fs::read_to_string(out.join("timeline.svg")).unwrap();
    for label in [
        "OU Customers-Fintech",
        "OU Customers-Healthcare",
        "SCP SOC2",
        "SCP HIPAA",
        "attach SOC2 → Customers-Fintech",
        "attach HIPAA → Customers-Healthcare",
        "ACME Finance Inc · account",
        "ACME Finance Inc · tags",
        "MediCorp Solutions Inc · account",
        "MediCorp Solutions Inc · tags",
    ] {
        assert!(timeline.contains(label), "no row {label} on the timeline");
    }

    // The served organization is the scenario's plan: its OUs under the root, one policy per
    // tier with orgsim's content attached to the tier's OU, each account in its tier's OU with
    // its tags.
    let plan = common::run(&["plan", SCENARIO, "--json"]);
    let plan: Value = serde_json::from_slice(&plan.stdout).expect("plan --json");
    let sc = orgsim::scenario::read(&repo.join(SCENARIO)).expect("scenario loads");
    let root = list(&server, "ListRoots", json!({}), "Roots")[0]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let ous: BTreeMap<String, String> = list(
        &server,
        "ListOrganizationalUnitsForParent",
        json!({ "ParentId": root }),
        "OrganizationalUnits",
    )
    .iter()
    .map(|o| {
        (
            o["Name"].as_str().unwrap().to_string(),
            o["Id"].as_str().unwrap().to_string(),
        )
    })
    .collect();
    let planned = |kind: &str| -> Vec<String> {
        let mut v: Vec<String> = plan["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == kind)
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        ous.keys().cloned().collect::<Vec<_>>(),
        planned("organizational_unit")
    );
    let policies = list(
        &server,
        "ListPolicies",
        json!({ "Filter": "SERVICE_CONTROL_POLICY" }),
        "Policies",
    );
    let mut names: Vec<String> = policies
        .iter()
        .map(|p| p["Name"].as_str().unwrap().to_string())
        .filter(|n| n != "FullAWSAccess")
        .collect();
    names.sort();
    assert_eq!(names, planned("policy"));
    for c in &sc.customers {
        let tier = &sc.tiers[&c.tier];
        let ou_id = &ous[tier.ou.as_str()];
        let policy = policies
            .iter()
            .find(|p| p["Name"] == format!("SecureBase-{}", tier.framework).as_str())
            .expect("the tier's policy");
        let pid = policy["Id"].as_str().unwrap();
        let described = server.aws("DescribePolicy", json!({ "PolicyId": pid }));
        let content: Value =
            serde_json::from_str(described["Policy"]["Content"].as_str().unwrap()).unwrap();
        let expected: Value =
            serde_json::from_str(&orgsim::plan::policy_content(&tier.framework)).unwrap();
        assert_eq!(content, expected, "{}'s content", tier.framework);
        let targets: Vec<String> = list(
            &server,
            "ListTargetsForPolicy",
            json!({ "PolicyId": pid }),
            "Targets",
        )
        .iter()
        .map(|t| t["TargetId"].as_str().unwrap().to_string())
        .collect();
        assert_eq!(targets, vec![ou_id.clone()], "{pid}'s targets");
        let accounts = list(
            &server,
            "ListAccountsForParent",
            json!({ "ParentId": ou_id }),
            "Accounts",
        );
        let account = accounts
            .iter()
            .find(|a| a["Email"] == c.email.as_str())
            .unwrap_or_else(|| panic!("{} not in {}: {accounts:?}", c.email, tier.ou));
        assert_eq!(account["Name"], c.name.as_str());
        let tags: BTreeMap<String, String> = list(
            &server,
            "ListTagsForResource",
            json!({ "ResourceId": account["Id"] }),
            "Tags",
        )
        .iter()
        .map(|t| {
            (
                t["Key"].as_str().unwrap().to_string(),
                t["Value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
        assert_eq!(tags["securebase:tier"], tier.key.as_str(), "{tags:?}");
        assert_eq!(tags["securebase:framework"], tier.framework.as_str());
        assert!(tags.contains_key("securebase:tenant-id"), "{tags:?}");
    }
    let all = list(&server, "ListAccounts", json!({}), "Accounts");
    assert_eq!(all.len(), 1 + sc.customers.len(), "{all:?}");

    // A second plan refreshes everything and finds nothing to change (-detailed-exitcode: 0
    // no changes, 2 changes), and it writes nothing.
    let before = server.report()["requests"].as_u64().unwrap();
    assert!(before > applied);
    let again = tf(
        &dir,
        &[
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            "-var",
            &endpoint,
        ],
    );
    assert_eq!(
        again.status.code(),
        Some(0),
        "terraform plan: {}",
        show(&again)
    );
    let report = server.report();
    let trace = report["trace"].as_array().unwrap();
    let refresh: Vec<&Value> = trace
        .iter()
        .filter(|t| t["seq"].as_u64().unwrap() > before)
        .collect();
    assert!(!refresh.is_empty());
    for t in &refresh {
        let op = t["operation"].as_str().unwrap();
        assert!(
            op.starts_with("List") || op.starts_with("Describe") || op == "sts:GetCallerIdentity",
            "the second plan called {op}"
        );
    }

    // terraform destroy completes: the attachments detached, the policies and OUs deleted, the
    // accounts removed from the organization (RemoveAccountFromOrganization; the example does
    // not set close_on_deletion). Only the management account stays.
    let destroy = tf(
        &dir,
        &[
            "destroy",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &endpoint,
        ],
    );
    assert!(
        destroy.status.success(),
        "terraform destroy: {}",
        show(&destroy)
    );
    let text = String::from_utf8_lossy(&destroy.stdout);
    assert!(
        text.contains("Destroy complete! Resources: 8 destroyed."),
        "{text}"
    );
    let counts = server.report()["counts"].clone();
    assert_eq!(
        counts["RemoveAccountFromOrganization"]["ok"], 2,
        "{counts:#}"
    );
    assert_eq!(
        list(
            &server,
            "ListOrganizationalUnitsForParent",
            json!({ "ParentId": root }),
            "OrganizationalUnits",
        ),
        Vec::<Value>::new()
    );
    let left: Vec<String> = list(
        &server,
        "ListPolicies",
        json!({ "Filter": "SERVICE_CONTROL_POLICY" }),
        "Policies",
    )
    .iter()
    .map(|p| p["Name"].as_str().unwrap().to_string())
    .collect();
    assert_eq!(left, ["FullAWSAccess"]);
    let all = list(&server, "ListAccounts", json!({}), "Accounts");
    assert_eq!(all.len(), 1, "{all:?}");
}
