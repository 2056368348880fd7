//! `orgsim serve`: the model of a scenario's organization ([`OrgModel::for_scenario`]) as an
//! AWS Organizations endpoint, so that a real deployer (a boto3 script, orgsim's own SDK
//! backend) runs against the service's limits in real time.
//!
//! [`Served`] is the state and the protocol, sans-IO: it is handed each request (its target,
//! its body) and the model time, and gives the answer (status, JSON body, and the latency the
//! model drew, which the HTTP layer waits before answering). [`http`] is the server: hyper's
//! HTTP/1.1 connections on tokio, the limits, the admin paths, the stop.
//!
//! One request at a time: the HTTP layer holds `Served` under a mutex, so requests are
//! handled in the order they take it (their arrival order) and one seeded RNG draws for them
//! all: the same seed and the same requests in the same order (at the same model times) give
//! the same answers.

pub(crate) mod http;
pub(crate) mod report;
pub mod wire;

use std::collections::BTreeMap;

use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::{json, Value};

use crate::analysis::Report;
use crate::engine::trace::Trace;
use crate::org::model::{OrgModel, ORG_ID};
use crate::org::types::{ApiError, ErrorCode, Request, Response};
use crate::scenario::Scenario;
use wire::{Call, Refusal};

/// The report's name for the deployer: whatever called the endpoint.
pub(crate) const CALLER: &str = "caller (orgsim serve)";

/// The most requests the trace keeps one by one (the counts go on past it): a bound on the
/// memory of a server left running.
pub(crate) const MAX_TRACED: usize = 200_000;

/// The most operation names the counts keep apart (what clients asked for); the requests
/// naming others are counted under [`OTHER_NAMES`]. The served operations are always apart.
pub(crate) const MAX_NAMES: usize = 256;

/// Where the requests past [`MAX_NAMES`] names are counted.
pub(crate) const OTHER_NAMES: &str = "(other names)";

/// One request as the trace records it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct Traced {
    /// Its place in arrival order, from 1.
    pub seq: u64,
    /// Model time at its arrival (ms since the start or the last reset, times the scale).
    pub at_ms: u64,
    /// The operation (`X-Amz-Target` after the prefix), or what was asked for instead.
    pub operation: String,
    /// `ok`, or the error code answered.
    pub outcome: String,
    /// A ConstraintViolationException's or InvalidInputException's reason, or a failed
    /// creation's, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub status: u16,
    /// The latency the model drew for the call (waited, divided by the time scale, before the
    /// answer was sent).
    pub latency_ms: u64,
}

/// What the server answers to one request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Value,
    /// Model milliseconds to wait before answering.
    pub latency_ms: u64,
}

/// The served organization and what was asked of it.
pub(crate) struct Served {
    scenario: Scenario,
    seed: u64,
    empty: bool,
    /// The page size when a client gives no `MaxResults`: the scenario's `list_page_size`.
    page_size: usize,
    model: OrgModel,
    rng: SmallRng,
    /// False until CreateOrganization, with `--empty`.
    org_exists: bool,
    /// Epoch milliseconds at model time 0.
    epoch_ms: u64,
    /// Account id → epoch seconds it joined; creation request id → (requested, completed).
    joined: BTreeMap<String, f64>,
    creations: BTreeMap<String, (f64, Option<f64>)>,
    descriptions: BTreeMap<String, String>,
    trace: Vec<Traced>,
    seq: u64,
    /// Operation → outcome → count, every request (also those past the trace's bound).
    counts: BTreeMap<String, BTreeMap<String, u64>>,
    /// The scenario's plan, onto which the report maps the requests.
    plan: crate::plan::Plan,
    /// The requests the model answered, for the report (as many as the trace keeps).
    seen: Vec<report::Seen>,
    /// What each id seen was (an OU, a policy, an account, a creation request).
    names: BTreeMap<String, report::Name>,
    /// The model time of the first request of any kind.
    first_request_ms: Option<u64>,
    /// Model milliseconds per wall-clock millisecond (for the report's read-back window).
    scale: f64,
}

/// The scenario's model, answering one page per request (the server slices the lists).
fn model_of(sc: &Scenario) -> OrgModel {
    let mut sc = sc.clone();
    sc.service.list_page_size = u32::MAX;
    OrgModel::for_scenario(&sc)
}

impl Served {
    /// The organization of `sc` (created, as a management account's is, unless `empty`),
    /// its randomness seeded from `seed`; model time 0 is `epoch_ms`.
    pub(crate) fn new(sc: &Scenario, seed: u64, empty: bool, epoch_ms: u64) -> Served {
        let mut s = Served {
            scenario: sc.clone(),
            seed,
            empty,
            page_size: (sc.service.list_page_size as usize).clamp(1, wire::MAX_RESULTS),
            model: model_of(sc),
            rng: SmallRng::seed_from_u64(crate::seed::Stream::Service.seed(seed)),
            org_exists: !empty,
            epoch_ms,
            joined: BTreeMap::new(),
            creations: BTreeMap::new(),
            descriptions: BTreeMap::new(),
            trace: Vec::new(),
            seq: 0,
            counts: BTreeMap::new(),
            plan: crate::plan::build(sc),
            seen: Vec::new(),
            names: BTreeMap::new(),
            first_request_ms: None,
            scale: 1.0,
        };
        s.note_existing(0);
        let snap = s.model.snapshot(0);
        report::learn_snapshot(&mut s.names, &snap);
        s
    }

    /// Tells the report the time scale (model ms per wall ms; 1 unless set).
    pub(crate) fn set_time_scale(&mut self, scale: f64) {
        self.scale = scale;
    }

    /// A fresh organization, as at the start (`POST /_orgsim/reset`); model time 0 is now
    /// `epoch_ms`. The trace starts again too.
    pub(crate) fn reset(&mut self, epoch_ms: u64) {
        let scale = self.scale;
        *self = Served::new(&self.scenario, self.seed, self.empty, epoch_ms);
        self.scale = scale;
    }

    /// The accounts in the organization at `now_ms`, joined now if not known yet.
    fn note_existing(&mut self, now_ms: u64) {
        let at = self.epoch_s(now_ms);
        for a in self.model.snapshot(now_ms).accounts {
            self.joined.entry(a.id.to_string()).or_insert(at);
        }
    }

    fn epoch_s(&self, now_ms: u64) -> f64 {
        (self.epoch_ms + now_ms) as f64 / 1000.0
    }

    /// The management account's id.
    pub(crate) fn management_account_id(&self) -> &str {
        self.model.management_account_id()
    }

    /// Answers the request `target` (`X-Amz-Target`, if any) with `body`, arrived at model
    /// time `now_ms`.
    pub(crate) fn handle(&mut self, now_ms: u64, target: Option<&str>, body: &[u8]) -> Reply {
        let op = target
            .and_then(|t| t.strip_prefix(wire::TARGET_PREFIX))
            .unwrap_or("");
        let (reply, outcome, reason) = self.answer(now_ms, op, body);
        let name = if op.is_empty() {
            target.unwrap_or("(no X-Amz-Target)").to_string()
        } else {
            op.to_string()
        };
        self.record(
            now_ms,
            name,
            outcome,
            reason,
            reply.status,
            reply.latency_ms,
        );
        reply
    }

    /// Records a request (also one the HTTP layer answered itself: a body over the cap, STS).
    /// The name is the client's: its control characters escaped, at most 100 characters kept,
    /// so that the summary on a terminal and the report show it safely.
    pub(crate) fn record(
        &mut self,
        now_ms: u64,
        operation: String,
        outcome: String,
        reason: Option<String>,
        status: u16,
        latency_ms: u64,
    ) {
        self.seq += 1;
        self.first_request_ms.get_or_insert(now_ms);
        let operation: String = crate::text::clean_line(&operation)
            .chars()
            .take(100)
            .collect();
        // A client names what it likes: past MAX_NAMES names, the new ones are counted together.
        let served =
            wire::SERVED.contains(&operation.as_str()) || operation == "sts:GetCallerIdentity";
        let operation =
            if self.counts.len() >= MAX_NAMES && !served && !self.counts.contains_key(&operation) {
                OTHER_NAMES.to_string()
            } else {
                operation
            };
        *self
            .counts
            .entry(operation.clone())
            .or_default()
            .entry(outcome.clone())
            .or_default() += 1;
        if self.trace.len() < MAX_TRACED {
            self.trace.push(Traced {
                seq: self.seq,
                at_ms: now_ms,
                operation,
                outcome,
                reason,
                status,
                latency_ms,
            });
        }
    }

    fn refused(r: Refusal) -> (Reply, String, Option<String>) {
        (
            Reply {
                status: 400,
                body: r.body(),
                latency_ms: 0,
            },
            r.code.to_string(),
            r.reason.map(str::to_string),
        )
    }

    fn answer(&mut self, now_ms: u64, op: &str, body: &[u8]) -> (Reply, String, Option<String>) {
        let call = match wire::decode(op, body, self.page_size) {
            Ok(Some(c)) => c,
            Ok(None) => {
                return Self::refused(Refusal {
                    code: "UnknownOperationException",
                    message: if op.is_empty() {
                        "no operation named: X-Amz-Target must be AWSOrganizationsV20161128.<Operation>".into()
                    } else {
                        format!(
                            "orgsim serve does not serve {}",
                            crate::text::clean_line(op)
                        )
                    },
                    reason: None,
                })
            }
            Err(r) => return Self::refused(r),
        };
        let ok = |body: Value| {
            (
                Reply {
                    status: 200,
                    body,
                    latency_ms: 0,
                },
                "ok".to_string(),
                None,
            )
        };
        match call {
            Call::CreateOrganization if !self.org_exists => {
                self.org_exists = true;
                ok(self.organization())
            }
            Call::CreateOrganization => Self::refused(Refusal {
                code: "AlreadyInOrganizationException",
                message: "The provided account is already a member of an organization.".into(),
                reason: None,
            }),
            _ if !self.org_exists => Self::refused(Refusal {
                code: "AWSOrganizationsNotInUseException",
                message: "Your account is not a member of an organization.".into(),
                reason: None,
            }),
            Call::DescribeOrganization => ok(self.organization()),
            Call::NoPolicies => ok(json!({ "Policies": [] })),
            Call::NoServiceAccess => ok(json!({ "EnabledServicePrincipals": [] })),
            Call::Model { req, page } => self.model_call(now_ms, op, req, page, body),
        }
    }

    fn model_call(
        &mut self,
        now_ms: u64,
        op: &str,
        req: Request,
        page: Option<wire::Page>,
        body: &[u8],
    ) -> (Reply, String, Option<String>) {
        let answer = self.model.handle(now_ms, &req, &mut self.rng);
        let latency_ms = answer.latency_ms;
        if self.seen.len() < MAX_TRACED {
            let (error, message, state) = match &answer.result {
                Ok(Response::CreateAccountStatus(c)) => {
                    (None, String::new(), Some((c.state, c.failure_reason)))
                }
                Ok(_) => (None, String::new(), None),
                Err(e) => (Some(e.code.clone()), e.message.to_string(), None),
            };
            self.seen.push(report::Seen {
                // This request's place in arrival order: `record` counts it next.
                seq: self.seq + 1,
                op: req.operation(),
                at_ms: now_ms,
                end_ms: now_ms + latency_ms,
                key: report::Key::of(&req),
                error,
                message,
                state,
            });
        }
        if let Ok(resp) = &answer.result {
            report::learn(&mut self.names, &req, resp);
        }
        match answer.result {
            Ok(mut resp) => {
                self.note(now_ms, &req, &mut resp, body);
                let failed = match &resp {
                    Response::CreateAccountStatus(c) => c.failure_reason.map(|r| r.as_str()),
                    _ => None,
                };
                let t = TimesOf(self);
                let descriptions = |id: &str| self.descriptions.get(id).cloned();
                let body = wire::encode(op, &resp, page, &t, &descriptions);
                (
                    Reply {
                        status: 200,
                        body,
                        latency_ms,
                    },
                    "ok".to_string(),
                    failed.map(str::to_string),
                )
            }
            Err(e) => {
                let (status, body) = wire::error(&e);
                let reason = match &e.code {
                    ErrorCode::ConstraintViolationException(r) => Some(r.as_str().to_string()),
                    _ => None,
                };
                (
                    Reply {
                        status,
                        body,
                        latency_ms,
                    },
                    e.code.as_str().to_string(),
                    reason,
                )
            }
        }
    }

    /// What the server keeps of a successful answer: timestamps, policy descriptions, and
    /// ListCreateAccountStatus's `States` filter applied.
    fn note(&mut self, now_ms: u64, req: &Request, resp: &mut Response, body: &[u8]) {
        let at = self.epoch_s(now_ms);
        match (req, &mut *resp) {
            (Request::CreatePolicy { description, .. }, Response::Policy(p)) => {
                self.descriptions
                    .insert(p.id.to_string(), description.to_string());
            }
            (Request::UpdatePolicy { policy_id, .. }, Response::PolicyDocument { .. }) => {
                if let Some(d) = wire::description(body) {
                    self.descriptions.insert(policy_id.to_string(), d);
                }
            }
            (_, Response::CreateAccountStatus(c)) => {
                let entry = self.creations.entry(c.id.to_string()).or_insert((at, None));
                if c.state != crate::org::types::CreateAccountState::InProgress {
                    entry.1.get_or_insert(at);
                }
            }
            (_, Response::CreateAccountStatuses(cs)) => {
                if let Some(states) = wire::states_filter(body) {
                    cs.retain(|c| states.iter().any(|s| s == c.state.as_str()));
                }
                for c in cs.iter() {
                    let entry = self.creations.entry(c.id.to_string()).or_insert((at, None));
                    if c.state != crate::org::types::CreateAccountState::InProgress {
                        entry.1.get_or_insert(at);
                    }
                }
            }
            _ => {}
        }
        if matches!(
            resp,
            Response::Accounts(_) | Response::Account(_) | Response::CreateAccountStatus(_)
        ) {
            let ids: Vec<String> = match &*resp {
                Response::Accounts(a) => a.iter().map(|a| a.id.to_string()).collect(),
                Response::Account(a) => vec![a.id.to_string()],
                Response::CreateAccountStatus(c) => {
                    c.account_id.iter().map(|a| a.to_string()).collect()
                }
                _ => Vec::new(),
            };
            for id in ids {
                self.joined.entry(id).or_insert(at);
            }
        }
    }

    /// DescribeOrganization's (and CreateOrganization's) answer: the organization with all
    /// features, SCPs enabled.
    fn organization(&self) -> Value {
        let mgmt = self.model.management_account_id();
        let email = self
            .scenario
            .organization
            .management_email
            .clone()
            .unwrap_or_else(|| crate::org::model::MANAGEMENT_EMAIL.to_string());
        json!({ "Organization": {
            "Id": ORG_ID,
            "Arn": format!("arn:aws:organizations::{mgmt}:organization/{ORG_ID}"),
            "FeatureSet": "ALL",
            "MasterAccountArn": format!("arn:aws:organizations::{mgmt}:account/{ORG_ID}/{mgmt}"),
            "MasterAccountId": mgmt,
            "MasterAccountEmail": email,
            "AvailablePolicyTypes": wire::scp_enabled(),
        } })
    }

    /// The trace as JSON: every request (up to [`MAX_TRACED`]), and the counts of all.
    pub(crate) fn report(&self, now_ms: u64) -> Value {
        json!({
            "scenario": self.scenario.name,
            "seed": self.seed,
            "model_time_ms": now_ms,
            "requests": self.seq,
            "traced": self.trace.len(),
            "counts": self.counts,
            "trace": self.trace,
        })
    }

    /// What the client did, judged as `run` judges a deployment: the requests the model
    /// answered mapped onto the scenario's plan ([`report`]), the organization as it stands
    /// at `now_ms`, through `analysis::analyze` (backend `serve`, the caller in place of the
    /// deployer profile).
    pub(crate) fn run_report(&mut self, now_ms: u64) -> (Trace, Report) {
        let snap = self.model.snapshot(now_ms);
        let trace = report::trace(
            &self.plan,
            &self.seen,
            &self.names,
            &snap,
            self.first_request_ms,
            self.scale,
        );
        let mut rep = crate::analysis::analyze(
            &self.scenario,
            &self.plan,
            &trace,
            &snap,
            self.seed,
            "serve",
        );
        rep.deployer = CALLER;
        (trace, rep)
    }

    /// The files `run --out` writes (report.json, .md, .html, the charts), of what the client
    /// did ([`Served::run_report`]).
    pub(crate) fn run_files(
        &mut self,
        now_ms: u64,
    ) -> Result<Vec<(&'static str, Vec<u8>)>, crate::report::charts::style::ChartError> {
        let (trace, rep) = self.run_report(now_ms);
        crate::report::out_files(&self.scenario, &self.plan, &trace, &rep, false)
    }

    /// The one-screen summary printed at the stop: requests by operation and outcome.
    pub(crate) fn summary(&self, now_ms: u64) -> String {
        use std::fmt::Write;
        let mut out = format!(
            "orgsim serve: {} requests in {:.1} s of model time\n",
            self.seq,
            now_ms as f64 / 1000.0
        );
        if self.counts.is_empty() {
            return out;
        }
        let _ = writeln!(
            out,
            "{:<34} {:>7} {:>7}  errors",
            "operation", "calls", "ok"
        );
        // One screen: the served operations, then what else was asked for in one line.
        let (listed, others): (Vec<_>, Vec<_>) = self.counts.iter().partition(|(op, _)| {
            wire::SERVED.contains(&op.as_str()) || op.as_str() == "sts:GetCallerIdentity"
        });
        for (op, outcomes) in listed {
            let total: u64 = outcomes.values().sum();
            let ok = outcomes.get("ok").copied().unwrap_or(0);
            let errors: Vec<String> = outcomes
                .iter()
                .filter(|(o, _)| *o != "ok")
                .map(|(o, n)| format!("{o} {n}"))
                .collect();
            let line = format!("{op:<34} {total:>7} {ok:>7}  {}", errors.join(", "));
            let _ = writeln!(out, "{}", line.trim_end());
        }
        if !others.is_empty() {
            let n: u64 = others.iter().flat_map(|(_, o)| o.values()).sum();
            let names: Vec<&str> = others.iter().take(5).map(|(op, _)| op.as_str()).collect();
            let more = if others.len() > 5 { ", ..." } else { "" };
            let _ = writeln!(
                out,
                "not served: {n} request(s) naming {} other operation(s): {}{more} (GET /_orgsim/report lists them)",
                others.len(),
                names.join(", ")
            );
        }
        out
    }
}

/// [`wire::Times`] from what the server noted.
struct TimesOf<'a>(&'a Served);

impl wire::Times for TimesOf<'_> {
    fn joined(&self, account_id: &str) -> f64 {
        self.0
            .joined
            .get(account_id)
            .copied()
            .unwrap_or(self.0.epoch_ms as f64 / 1000.0)
    }
    fn creation(&self, request_id: &str) -> (f64, Option<f64>) {
        self.0
            .creations
            .get(request_id)
            .copied()
            .unwrap_or((self.0.epoch_ms as f64 / 1000.0, None))
    }
}

/// An error the HTTP layer answers in the service's format.
pub(crate) fn error_body(code: &str, message: &str) -> Value {
    wire::error(&ApiError::new(
        ErrorCode::Other(code.to_string()),
        message.to_string(),
    ))
    .1
}

#[cfg(test)]
mod tests;
