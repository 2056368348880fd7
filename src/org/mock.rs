//! The `mock` backend: the real aws-sdk-organizations client, wired to aws-smithy-mocks rules
//! whose answers come from the in-memory model ([`OrgModel`]).
//!
//! Every request goes through the SDK's own code path: the fluent builder, the input's
//! validation and serialization, the orchestrator and its interceptors, and the response's
//! deserialization. The rules answer with HTTP responses in the service's wire format
//! (awsJson1.1: a JSON body, and for errors `__type`, `Message` and `Reason`), so the SDK also
//! parses every answer and every error itself — the same path an answer from AWS takes. No
//! network: the HTTP client is aws-smithy-mocks' in-process one.
//!
//! The model runs in the live driver's clock (wall-clock time, optionally scaled): its
//! throttling, quotas, concurrent-modification windows and asynchronous account creation apply
//! as they do in simulation. Answers arrive at once (the model's latency is not slept).

use std::sync::{Arc, Mutex};

use aws_sdk_organizations::config::http::HttpResponse;
use aws_sdk_organizations::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_organizations::types::Tag;
use aws_sdk_organizations::Client;
use aws_smithy_mocks::{
    create_mock_http_client, mock, MockResponse, MockResponseInterceptor, RuleMode,
};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::{json, Value};

use super::model::OrgModel;
use super::types::{
    ApiError, ApiResult, ErrorCode, OrgSnapshot, ParentType, PolicySummary, Request, Response, Tags,
};
use crate::clock::Clock;
use crate::scenario::Scenario;

struct State {
    model: Mutex<(OrgModel, SmallRng)>,
    clock: Clock,
}

impl State {
    fn answer(&self, req: Request) -> HttpResponse {
        let now = self.clock.now_ms();
        let result = {
            let mut g = self.model.lock().unwrap_or_else(|e| e.into_inner());
            let (model, rng) = &mut *g;
            model.handle(now, &req, rng).result
        };
        to_http(&result)
    }
}

/// The model behind an SDK client.
pub struct MockService {
    state: Arc<State>,
    client: Client,
    /// The management account's email (`[organization] management_email`, else the model's).
    management_email: String,
}

impl MockService {
    /// A model of `sc`'s organization (its `[service]` and `[organization]` tables), with
    /// randomness seeded from `seed`, answering in `clock`'s time.
    pub fn new(sc: &Scenario, seed: u64, clock: Clock) -> MockService {
        let model = OrgModel::for_scenario(sc);
        let rng = SmallRng::seed_from_u64(crate::seed::Stream::Service.seed(seed));
        let state = Arc::new(State {
            model: Mutex::new((model, rng)),
            clock,
        });
        let client = client_for(&state);
        let management_email = sc
            .organization
            .management_email
            .clone()
            .unwrap_or_else(|| super::model::MANAGEMENT_EMAIL.to_string());
        MockService {
            state,
            client,
            management_email,
        }
    }

    /// The SDK client whose requests the model answers.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// What DescribeOrganization would say of the model's organization.
    pub fn org_info(&self) -> super::sdk::OrgInfo {
        let g = self.state.model.lock().unwrap_or_else(|e| e.into_inner());
        super::sdk::OrgInfo {
            id: super::model::ORG_ID.to_string(),
            management_account_id: g.0.management_account_id().to_string(),
            management_email: Some(self.management_email.clone()),
        }
    }

    /// The organization as it stands now.
    pub fn snapshot(&self) -> OrgSnapshot {
        let now = self.state.clock.now_ms();
        let mut g = self.state.model.lock().unwrap_or_else(|e| e.into_inner());
        g.0.snapshot(now)
    }
}

fn tags(ts: &[Tag]) -> Tags {
    ts.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

fn s(o: Option<&str>) -> crate::org::types::SharedStr {
    o.unwrap_or_default().into()
}

/// One rule per operation, each answering from the model.
macro_rules! rule {
    ($st:expr, $method:ident, |$i:ident| $req:expr) => {{
        let st = Arc::clone($st);
        mock!(Client::$method).then_compute_response(move |$i| MockResponse::Http(st.answer($req)))
    }};
}

fn client_for(st: &Arc<State>) -> Client {
    let rules = [
        rule!(st, list_roots, |_i| Request::ListRoots),
        rule!(st, create_organizational_unit, |i| {
            Request::CreateOrganizationalUnit {
                parent_id: s(i.parent_id()),
                name: s(i.name()),
                tags: tags(i.tags()),
            }
        }),
        rule!(st, create_policy, |i| Request::CreatePolicy {
            name: s(i.name()),
            description: s(i.description()),
            content: s(i.content()),
            tags: tags(i.tags()),
        }),
        rule!(st, attach_policy, |i| Request::AttachPolicy {
            policy_id: s(i.policy_id()),
            target_id: s(i.target_id()),
        }),
        rule!(st, detach_policy, |i| Request::DetachPolicy {
            policy_id: s(i.policy_id()),
            target_id: s(i.target_id()),
        }),
        rule!(st, create_account, |i| Request::CreateAccount {
            email: s(i.email()),
            account_name: s(i.account_name()),
            tags: tags(i.tags()),
        }),
        rule!(st, describe_create_account_status, |i| {
            Request::DescribeCreateAccountStatus {
                create_account_request_id: s(i.create_account_request_id()),
            }
        }),
        rule!(st, move_account, |i| Request::MoveAccount {
            account_id: s(i.account_id()),
            source_parent_id: s(i.source_parent_id()),
            destination_parent_id: s(i.destination_parent_id()),
        }),
        rule!(st, tag_resource, |i| Request::TagResource {
            resource_id: s(i.resource_id()),
            tags: tags(i.tags()),
        }),
        rule!(st, untag_resource, |i| Request::UntagResource {
            resource_id: s(i.resource_id()),
            tag_keys: i.tag_keys().to_vec(),
        }),
        rule!(st, list_parents, |i| Request::ListParents {
            child_id: s(i.child_id()),
        }),
        rule!(st, list_accounts_for_parent, |i| {
            Request::ListAccountsForParent {
                parent_id: s(i.parent_id()),
            }
        }),
        rule!(st, list_organizational_units_for_parent, |i| {
            Request::ListOrganizationalUnitsForParent {
                parent_id: s(i.parent_id()),
            }
        }),
        rule!(st, list_accounts, |_i| Request::ListAccounts),
        rule!(st, list_policies, |_i| Request::ListPolicies),
        rule!(st, list_policies_for_target, |i| {
            Request::ListPoliciesForTarget {
                target_id: s(i.target_id()),
            }
        }),
        rule!(st, list_tags_for_resource, |i| {
            Request::ListTagsForResource {
                resource_id: s(i.resource_id()),
            }
        }),
        rule!(st, describe_account, |i| Request::DescribeAccount {
            account_id: s(i.account_id()),
        }),
        rule!(st, describe_organizational_unit, |i| {
            Request::DescribeOrganizationalUnit {
                organizational_unit_id: s(i.organizational_unit_id()),
            }
        }),
        rule!(st, describe_policy, |i| Request::DescribePolicy {
            policy_id: s(i.policy_id()),
        }),
        rule!(st, list_targets_for_policy, |i| {
            Request::ListTargetsForPolicy {
                policy_id: s(i.policy_id()),
            }
        }),
        rule!(st, list_create_account_status, |_i| {
            Request::ListCreateAccountStatus
        }),
    ];
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in &rules {
        interceptor = interceptor.with_rule(r);
    }
    let conf = aws_sdk_organizations::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(super::sdk::DEFAULT_REGION))
        .credentials_provider(Credentials::new("mock", "mock", None, None, "orgsim-mock"))
        .http_client(create_mock_http_client())
        .interceptor(interceptor)
        .retry_config(aws_sdk_organizations::config::retry::RetryConfig::disabled())
        .build();
    Client::from_conf(conf)
}

fn policy_json(p: &PolicySummary) -> Value {
    json!({
        "Id": p.id, "Arn": p.arn, "Name": p.name,
        "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": p.aws_managed,
    })
}

/// An answer in the service's wire format (awsJson1.1).
pub fn to_http(result: &ApiResult) -> HttpResponse {
    let (status, body) = match result {
        Ok(r) => (200, response_json(r)),
        Err(e) => error_json(e),
    };
    let mut resp = HttpResponse::new(
        StatusCode::try_from(status).expect("valid status"),
        SdkBody::from(body.to_string()),
    );
    resp.headers_mut()
        .insert("content-type", "application/x-amz-json-1.1");
    resp
}

/// An error's status and body, as AWS sends it.
pub fn error_json(e: &ApiError) -> (u16, Value) {
    let status = if e.code == ErrorCode::ServiceException {
        500
    } else {
        400
    };
    let mut body = json!({ "__type": e.code.as_str(), "Message": e.message });
    if let ErrorCode::ConstraintViolationException(r) = &e.code {
        body["Reason"] = json!(r.as_str());
    }
    (status, body)
}

fn status_json(c: &super::types::CreateAccountStatus) -> Value {
    let mut v = json!({ "Id": c.id, "AccountName": c.account_name, "State": c.state.as_str() });
    if let Some(id) = &c.account_id {
        v["AccountId"] = json!(id);
    }
    if let Some(r) = c.failure_reason {
        v["FailureReason"] = json!(r.as_str());
    }
    v
}

fn response_json(r: &Response) -> Value {
    let account = |a: &super::types::Account| json!({ "Id": a.id, "Arn": a.arn, "Name": a.name, "Email": a.email, "Status": a.status });
    let ou =
        |o: &super::types::OrganizationalUnit| json!({ "Id": o.id, "Arn": o.arn, "Name": o.name });
    match r {
        Response::Roots(rs) => json!({ "Roots": rs.iter().map(|r| json!({
            "Id": r.id, "Arn": r.arn, "Name": r.name, "PolicyTypes": [] })).collect::<Vec<_>>() }),
        Response::OrganizationalUnit(o) => json!({ "OrganizationalUnit": ou(o) }),
        Response::Policy(p) => json!({ "Policy": { "PolicySummary": policy_json(p) } }),
        Response::Empty => json!({}),
        Response::CreateAccountStatus(c) => json!({ "CreateAccountStatus": status_json(c) }),
        Response::CreateAccountStatuses(cs) => {
            json!({ "CreateAccountStatuses": cs.iter().map(status_json).collect::<Vec<_>>() })
        }
        Response::PolicyDocument { summary, content } => json!({ "Policy": {
            "PolicySummary": policy_json(summary), "Content": content } }),
        Response::Parents(ps) => json!({ "Parents": ps.iter().map(|p| json!({
            "Id": p.id,
            "Type": match p.kind { ParentType::Root => "ROOT", ParentType::OrganizationalUnit => "ORGANIZATIONAL_UNIT" },
        })).collect::<Vec<_>>() }),
        Response::Accounts(a) => json!({ "Accounts": a.iter().map(account).collect::<Vec<_>>() }),
        Response::OrganizationalUnits(os) => {
            json!({ "OrganizationalUnits": os.iter().map(ou).collect::<Vec<_>>() })
        }
        Response::Policies(ps) => {
            json!({ "Policies": ps.iter().map(policy_json).collect::<Vec<_>>() })
        }
        Response::Tags(t) => {
            json!({ "Tags": t.iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect::<Vec<_>>() })
        }
        Response::Account(a) => json!({ "Account": account(a) }),
        Response::PolicyTargets(ts) => json!({ "Targets": ts.iter().map(|t| json!({
            "TargetId": t.target_id, "Name": t.name, "Type": t.kind.as_str() })).collect::<Vec<_>>() }),
    }
}
