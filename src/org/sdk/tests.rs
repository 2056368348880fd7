//! The error mapping, checked through the real SDK client and aws-smithy-mocks: modeled errors
//! (with their metadata, as the SDK builds them from the wire), raw HTTP answers decoded by the
//! SDK itself, and CreateAccount failures.

use aws_sdk_organizations::config::http::HttpResponse;
use aws_sdk_organizations::error::ErrorMetadata;
use aws_sdk_organizations::operation::attach_policy::AttachPolicyError;
use aws_sdk_organizations::operation::create_account::{CreateAccountError, CreateAccountOutput};
use aws_sdk_organizations::operation::create_organizational_unit::CreateOrganizationalUnitError;
use aws_sdk_organizations::operation::describe_create_account_status::DescribeCreateAccountStatusOutput;
use aws_sdk_organizations::types::error as e;
use aws_sdk_organizations::types::{
    ConstraintViolationExceptionReason, CreateAccountFailureReason as SdkReason,
    CreateAccountState as SdkState, CreateAccountStatus as SdkStatus,
};
use aws_sdk_organizations::Client;
use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};

use super::*;
use crate::org::types::{
    ApiResult, ConstraintViolationReason as Cv, CreateAccountFailureReason as Reason,
    CreateAccountState, PolicyTarget, TargetKind,
};

/// A client answered by `rules`, SDK retries off (as orgsim runs it).
fn client(rules: &[Rule]) -> Client {
    let mut i = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in rules {
        i = i.with_rule(r);
    }
    let conf = aws_sdk_organizations::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(aws_sdk_organizations::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new("a", "b", None, None, "test"))
        .http_client(create_mock_http_client())
        .interceptor(i)
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(conf)
}

fn meta(code: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message("m").build()
}

fn create_ou() -> Request {
    Request::CreateOrganizationalUnit {
        parent_id: "r-1".into(),
        name: "Customers-Fintech".into(),
        tags: Tags::new(),
    }
}

fn create_account() -> Request {
    Request::CreateAccount {
        email: "a@example.com".into(),
        account_name: "A".into(),
        tags: Tags::new(),
    }
}

#[tokio::test]
async fn a_throttle_is_too_many_requests() {
    let r = mock!(Client::create_organizational_unit).then_error(|| {
        CreateOrganizationalUnitError::TooManyRequestsException(
            e::TooManyRequestsException::builder()
                .message("Rate exceeded")
                .meta(meta("TooManyRequestsException"))
                .build(),
        )
    });
    let err = call(&client(&[r]), &create_ou()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::TooManyRequestsException);
    assert!(err.code.is_sdk_retryable());
    // The same from the wire: HTTP 400 naming it, decoded by the SDK.
    let r = mock!(Client::create_organizational_unit)
        .sequence()
        .http_status(
            400,
            Some(r#"{"__type":"TooManyRequestsException","Message":"Rate exceeded"}"#.into()),
        )
        .build();
    let err = call(&client(&[r]), &create_ou()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::TooManyRequestsException);
    assert_eq!(err.message, "Rate exceeded");
}

#[tokio::test]
async fn concurrent_modification_and_duplicates_keep_their_codes() {
    let r = mock!(Client::attach_policy).then_error(|| {
        AttachPolicyError::ConcurrentModificationException(
            e::ConcurrentModificationException::builder()
                .meta(meta("ConcurrentModificationException"))
                .build(),
        )
    });
    let req = Request::AttachPolicy {
        policy_id: "p-1".into(),
        target_id: "ou-1".into(),
    };
    let err = call(&client(&[r]), &req).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::ConcurrentModificationException);

    let r = mock!(Client::create_organizational_unit).then_error(|| {
        CreateOrganizationalUnitError::DuplicateOrganizationalUnitException(
            e::DuplicateOrganizationalUnitException::builder()
                .meta(meta("DuplicateOrganizationalUnitException"))
                .build(),
        )
    });
    let err = call(&client(&[r]), &create_ou()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::DuplicateOrganizationalUnitException);

    let r = mock!(Client::attach_policy)
        .sequence()
        .http_status(
            400,
            Some(
                r#"{"__type":"DuplicatePolicyAttachmentException","Message":"already attached"}"#
                    .into(),
            ),
        )
        .build();
    let err = call(&client(&[r]), &req).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::DuplicatePolicyAttachmentException);
}

#[tokio::test]
async fn a_constraint_violation_carries_its_reason() {
    let r = mock!(Client::create_account).then_error(|| {
        CreateAccountError::ConstraintViolationException(
            e::ConstraintViolationException::builder()
                .reason(ConstraintViolationExceptionReason::AccountNumberLimitExceeded)
                .meta(meta("ConstraintViolationException"))
                .build(),
        )
    });
    let err = call(&client(&[r]), &create_account()).await.unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::ConstraintViolationException(Cv::AccountNumberLimitExceeded)
    );
    assert_eq!(
        err.code.report_key(),
        "ConstraintViolationException:ACCOUNT_NUMBER_LIMIT_EXCEEDED"
    );
    // From the wire, with a reason orgsim does not name: kept as it came.
    let r = mock!(Client::create_organizational_unit)
        .sequence()
        .http_status(
            400,
            Some(r#"{"__type":"ConstraintViolationException","Message":"x","Reason":"OU_DEPTH_LIMIT_EXCEEDED"}"#.into()),
        )
        .build();
    let err = call(&client(&[r]), &create_ou()).await.unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::ConstraintViolationException(Cv::OuDepthLimitExceeded)
    );
    let r = mock!(Client::create_organizational_unit)
        .sequence()
        .http_status(
            400,
            Some(r#"{"__type":"ConstraintViolationException","Message":"x","Reason":"WAIT_PERIOD_ACTIVE"}"#.into()),
        )
        .build();
    let err = call(&client(&[r]), &create_ou()).await.unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::ConstraintViolationException(Cv::Other("WAIT_PERIOD_ACTIVE".into()))
    );
}

#[tokio::test]
async fn create_account_failed_with_every_reason() {
    for reason in Reason::ALL {
        let status = SdkStatus::builder()
            .id("car-1")
            .account_name("A")
            .state(SdkState::Failed)
            .failure_reason(SdkReason::from(reason.as_str()))
            .build();
        let s2 = status.clone();
        let r1 = mock!(Client::create_account).then_output(move || {
            CreateAccountOutput::builder()
                .create_account_status(s2.clone())
                .build()
        });
        let r2 = mock!(Client::describe_create_account_status).then_output(move || {
            DescribeCreateAccountStatusOutput::builder()
                .create_account_status(status.clone())
                .build()
        });
        let c = client(&[r1, r2]);
        for req in [
            create_account(),
            Request::DescribeCreateAccountStatus {
                create_account_request_id: "car-1".into(),
            },
        ] {
            match call(&c, &req).await {
                Ok(Response::CreateAccountStatus(s)) => {
                    assert_eq!(s.state, CreateAccountState::Failed);
                    assert_eq!(s.failure_reason, Some(reason));
                }
                other => panic!("{reason:?}: {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn an_unmodeled_server_error_is_a_service_exception() {
    // moto answers some calls made before CreateOrganization with an HTML 500 page.
    let r = mock!(Client::create_policy)
        .sequence()
        .http_status(
            500,
            Some("<html><body>Internal Server Error</body></html>".into()),
        )
        .build();
    let req = Request::CreatePolicy {
        name: "p".into(),
        description: "d".into(),
        content: "{}".into(),
        tags: Tags::new(),
    };
    let err = call(&client(&[r]), &req).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::ServiceException);
}

/// Every error the model raises, sent through the mock backend's wire encoding and decoded by
/// the SDK, comes back as the same error: the backends share one vocabulary.
#[tokio::test]
async fn model_errors_survive_the_sdk_round_trip() {
    let codes = [
        ErrorCode::TooManyRequestsException,
        ErrorCode::ConcurrentModificationException,
        ErrorCode::DuplicateOrganizationalUnitException,
        ErrorCode::ParentNotFoundException,
        ErrorCode::InvalidInputException,
        ErrorCode::ServiceException,
        ErrorCode::ConstraintViolationException(Cv::OuDepthLimitExceeded),
        ErrorCode::ConstraintViolationException(Cv::OuNumberLimitExceeded),
        ErrorCode::ConstraintViolationException(Cv::MaxTagLimitExceeded),
    ];
    for code in codes {
        let want = ApiError::new(code.clone(), "because");
        let w = want.clone();
        let r = mock!(Client::create_organizational_unit)
            .then_http_response(move || crate::org::mock::to_http(&Err(w.clone())));
        let got = call(&client(&[r]), &create_ou()).await.unwrap_err();
        assert_eq!(got, want);
    }
}

/// The read calls a deployer makes after creating, through the real SDK client against the
/// `mock` backend: each request goes out through the SDK's serializer, the rule turns it into the
/// model's request, and the model's answer (or error) comes back through the SDK's deserializer.
#[tokio::test]
async fn the_mock_backend_answers_the_read_backs_through_the_sdk() {
    // The model's latency is not slept: without this, attaching the policy just created would
    // fall in CreatePolicy's lock window.
    let text = "name = \"t\"\n[service]\nconcurrent_modification_probability = 0.0\n\
        [[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@example.com\"\n";
    let sc = crate::scenario::parse(text, std::path::Path::new("t.toml")).unwrap();
    let m = crate::org::mock::MockService::new(&sc, 1, crate::clock::Clock::new(1.0));
    let c = m.client();
    let snap = m.snapshot();
    let (root, mgmt) = (snap.root_id, snap.management_account_id);
    let ou = match call(
        c,
        &Request::CreateOrganizationalUnit {
            parent_id: root.clone().into(),
            name: "Customers".into(),
            tags: Tags::new(),
        },
    )
    .await
    {
        Ok(Response::OrganizationalUnit(o)) => o,
        other => panic!("{other:?}"),
    };
    let p = match call(
        c,
        &Request::CreatePolicy {
            name: "Guard".into(),
            description: "d".into(),
            content: r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
            tags: Tags::new(),
        },
    )
    .await
    {
        Ok(Response::Policy(p)) => p,
        other => panic!("{other:?}"),
    };
    let attach = Request::AttachPolicy {
        policy_id: p.id.clone(),
        target_id: ou.id.clone(),
    };
    assert_eq!(call(c, &attach).await, Ok(Response::Empty));

    let describe_ou = |id: &str| Request::DescribeOrganizationalUnit {
        organizational_unit_id: id.into(),
    };
    assert_eq!(
        call(c, &describe_ou(&ou.id)).await,
        Ok(Response::OrganizationalUnit(ou.clone()))
    );
    let describe_policy = |id: &str| Request::DescribePolicy {
        policy_id: id.into(),
    };
    assert_eq!(
        call(c, &describe_policy(&p.id)).await,
        Ok(Response::PolicyDocument {
            summary: p.clone(),
            content: r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
        })
    );
    match call(c, &describe_policy("p-FullAWSAccess")).await {
        Ok(Response::PolicyDocument {
            summary: f,
            content,
        }) => {
            assert_eq!((f.name.as_str(), f.aws_managed), ("FullAWSAccess", true));
            assert!(content.contains(r#""Action":"*""#), "{content}");
        }
        other => panic!("{other:?}"),
    }
    let targets = |id: &str| Request::ListTargetsForPolicy {
        policy_id: id.into(),
    };
    let target = |id: &str, name: &str, kind| PolicyTarget {
        target_id: id.into(),
        name: name.into(),
        kind,
    };
    assert_eq!(
        call(c, &targets(&p.id)).await,
        Ok(Response::PolicyTargets(vec![target(
            &ou.id,
            "Customers",
            TargetKind::OrganizationalUnit
        )]))
    );
    // Every kind of target survives the wire.
    assert_eq!(
        call(c, &targets("p-FullAWSAccess")).await,
        Ok(Response::PolicyTargets(vec![
            target(&root, "Root", TargetKind::Root),
            target(&mgmt, "Management", TargetKind::Account),
            target(&ou.id, "Customers", TargetKind::OrganizationalUnit),
        ]))
    );

    let code = |r: ApiResult| r.unwrap_err().code;
    assert_eq!(
        code(call(c, &describe_ou("ou-sim1-99999999")).await),
        ErrorCode::OrganizationalUnitNotFoundException
    );
    assert_eq!(
        code(call(c, &describe_policy("p-99999999")).await),
        ErrorCode::PolicyNotFoundException
    );
    assert_eq!(
        code(call(c, &targets("p-99999999")).await),
        ErrorCode::PolicyNotFoundException
    );
}

#[test]
fn loopback_detection() {
    for u in [
        "http://127.0.0.1:5000",
        "http://localhost:5000/",
        "http://[::1]:80",
        "https://127.8.9.1",
        "http://user@127.0.0.1:1/x",
    ] {
        assert!(is_loopback(u), "{u}");
    }
    for u in [
        "https://organizations.us-east-1.amazonaws.com",
        "http://10.0.0.1:5000",
        "http://127.0.0.1.example.com",
        "http://[2001:db8::1]:80",
        "",
    ] {
        assert!(!is_loopback(u), "{u}");
    }
}

/// The response parser on arbitrary answers (issue 21): bytes, and JSON-like texts built from
/// the fields the SDK reads, as the body of a 200 or a 4xx/5xx to DescribeOrganization, ListRoots,
/// ListAccounts and ListCreateAccountStatus. Each ends in an answer or an `ApiError` whose
/// message is one line without control characters; nothing panics.
mod arbitrary_answers {
    use super::*;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use proptest::prelude::*;

    fn answer(status: u16, body: Vec<u8>) -> HttpResponse {
        let mut r = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body));
        r.headers_mut()
            .insert("content-type", "application/x-amz-json-1.1");
        r
    }

    fn json_like() -> impl Strategy<Value = Vec<u8>> {
        let token = prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"Organization\"",
            "\"Id\"",
            "\"MasterAccountId\"",
            "\"Roots\"",
            "\"Accounts\"",
            "\"NextToken\"",
            "\"CreateAccountStatuses\"",
            "\"State\"",
            "\"SUCCEEDED\"",
            "\"IN_PROGRESS\"",
            "\"__type\"",
            "\"Message\"",
            "\"\\u001b[2J\"",
            "\"o-abc\"",
            "null",
            "true",
            "1e309",
            "-1",
            "\"\"",
            "\"x\"",
        ]);
        prop::collection::vec(token, 0..40).prop_map(|t| t.concat().into_bytes())
    }

    fn check(r: &Result<(), ApiError>) -> Result<(), TestCaseError> {
        if let Err(e) = r {
            prop_assert!(!e.message.contains('\n'), "{:?}", e.message);
            prop_assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn every_answer_parses_or_is_one_clean_line(
            body in prop_oneof![prop::collection::vec(any::<u8>(), 0..200), json_like()],
            status in prop::sample::select(vec![200u16, 400, 500]),
        ) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let results = rt.block_on(async {
                let (b1, b2, b3, b4) = (body.clone(), body.clone(), body.clone(), body.clone());
                let c = client(&[
                    mock!(Client::describe_organization)
                        .then_http_response(move || answer(status, b1.clone())),
                    mock!(Client::list_roots).then_http_response(move || answer(status, b2.clone())),
                    mock!(Client::list_accounts)
                        .then_http_response(move || answer(status, b3.clone())),
                    mock!(Client::list_create_account_status)
                        .then_http_response(move || answer(status, b4.clone())),
                ]);
                let mut out = vec![describe_organization(&c).await.map(|_| ())];
                for req in [Request::ListRoots, Request::ListAccounts, Request::ListCreateAccountStatus] {
                    out.push(call(&c, &req).await.map(|_| ()));
                }
                out
            });
            for r in &results {
                check(r)?;
            }
        }
    }
}
