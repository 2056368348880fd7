use serde_json::{json, Value};

use super::page::parse_token;
use super::*;
use crate::org::types::{Account, ApiError, ErrorCode, Request, Response};

struct NoTimes;
impl Times for NoTimes {
    fn joined(&self, _: &str) -> f64 {
        1.5
    }
    fn creation(&self, _: &str) -> (f64, Option<f64>) {
        (2.0, Some(3.0))
    }
}

fn refused(op: &str, body: &str) -> Refusal {
    decode(op, body.as_bytes(), 20).expect_err(body)
}

#[test]
fn a_body_that_is_not_json_is_a_serialization_exception() {
    for body in ["{", "[1]", "\"x\"", "{\"ParentId\": 1, \"Name\": \"a\"}"] {
        let r = refused("CreateOrganizationalUnit", body);
        assert_eq!(r.code, "SerializationException", "{body}");
    }
}

#[test]
fn missing_and_out_of_range_fields_are_invalid_input_with_the_reason_aws_gives() {
    let r = refused("CreateOrganizationalUnit", r#"{"Name": "a"}"#);
    assert_eq!(
        (r.code, r.reason),
        ("InvalidInputException", Some("INPUT_REQUIRED"))
    );
    let r = refused("ListAccounts", r#"{"MaxResults": 21}"#);
    assert_eq!(r.reason, Some("MAX_VALUE_EXCEEDED"));
    let r = refused("ListAccounts", r#"{"MaxResults": 0}"#);
    assert_eq!(r.reason, Some("MIN_VALUE_EXCEEDED"));
    let r = refused("ListAccounts", r#"{"NextToken": "ListRoots.1"}"#);
    assert_eq!(r.reason, Some("INVALID_NEXT_TOKEN"));
    let r = refused("CreateAccount", r#"{"Email": "a@b.c", "AccountName": "x"}"#);
    assert_eq!(r.reason, Some("MIN_LENGTH_EXCEEDED"));
    let r = refused("ListPolicies", r#"{"Filter": "NOPE"}"#);
    assert_eq!(r.reason, Some("INVALID_ENUM_POLICY_TYPE"));
    let r = refused(
        "TagResource",
        r#"{"ResourceId": "r-sim1", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}"#,
    );
    assert_eq!(r.reason, Some("DUPLICATE_TAG_KEY"));
}

#[test]
fn an_operation_not_served_decodes_to_none() {
    assert_eq!(decode("DeleteOrganization", b"{}", 20), Ok(None));
    assert_eq!(decode("", b"{", 20), Ok(None));
}

#[test]
fn a_request_decodes_to_the_model_request() {
    let c = decode(
        "CreateAccount",
        br#"{"Email": "a@example.com", "AccountName": "A", "Tags": [{"Key": "k", "Value": "v"}]}"#,
        20,
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        c,
        Call::Model {
            req: Request::CreateAccount {
                email: "a@example.com".into(),
                account_name: "A".into(),
                tags: [("k".to_string(), "v".to_string())].into(),
            },
            page: None
        }
    );
    let c = decode(
        "ListAccounts",
        br#"{"MaxResults": 3, "NextToken": "ListAccounts.6"}"#,
        20,
    );
    assert_eq!(
        c.unwrap().unwrap(),
        Call::Model {
            req: Request::ListAccounts,
            page: Some(Page { offset: 6, max: 3 })
        }
    );
}

#[test]
fn pages_slice_the_list_and_the_last_has_no_token() {
    let accounts: Vec<Account> = (0..5)
        .map(|i| Account {
            id: format!("00000000000{i}").into(),
            arn: "arn".into(),
            name: "n".into(),
            email: "e".into(),
            status: "ACTIVE".into(),
        })
        .collect();
    let r = Response::Accounts(accounts);
    let mut offset = 0;
    let mut seen = Vec::new();
    loop {
        let page = Page { offset, max: 2 };
        let v = encode("ListAccounts", &r, Some(page), &NoTimes, &|_| None);
        for a in v["Accounts"].as_array().unwrap() {
            seen.push(a["Id"].as_str().unwrap().to_string());
            assert_eq!(a["JoinedTimestamp"], json!(1.5));
        }
        match v.get("NextToken").and_then(Value::as_str) {
            Some(t) => offset = parse_token("ListAccounts", t).unwrap(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(seen[4], "000000000004");
}

#[test]
fn throttling_is_http_400_and_a_service_exception_500() {
    let (st, b) = error(&ApiError::new(
        ErrorCode::TooManyRequestsException,
        "Rate exceeded",
    ));
    assert_eq!(st, 400);
    assert_eq!(b["__type"], "TooManyRequestsException");
    assert_eq!(b["Message"], "Rate exceeded");
    assert_eq!(
        error(&ApiError::new(ErrorCode::ServiceException, "x")).0,
        500
    );
}
