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
use aws_sdk_organizations::Client;
use aws_smithy_mocks::{create_mock_http_client, MockResponseInterceptor, RuleMode};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::{json, Value};

use super::model::OrgModel;
use super::types::{ApiError, ApiResult, ErrorCode, OrgSnapshot, Request};
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

fn client_for(st: &Arc<State>) -> Client {
    let st = Arc::clone(st);
    let rules = super::sdk::ops::mock_rules(Arc::new(move |req| st.answer(req)));
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

/// An answer in the service's wire format (awsJson1.1).
pub(crate) fn to_http(result: &ApiResult) -> HttpResponse {
    let (status, body) = match result {
        Ok(r) => (200, super::sdk::ops::response_json(r)),
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
pub(crate) fn error_json(e: &ApiError) -> (u16, Value) {
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
