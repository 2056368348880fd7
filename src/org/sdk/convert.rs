//! The conversions every operation's arm in `ops.rs` shares: the SDK's records as orgsim's
//! (texts cleaned, required ids checked), tags both ways, the errors of a bad answer, and the
//! wire format of a policy and of a creation status (the `mock` backend's answers).

use aws_sdk_organizations::types as t;
use serde_json::{json, Value};

use crate::org::types::{
    Account, ApiError, ApiResult, CreateAccountFailureReason, CreateAccountState,
    CreateAccountStatus, ErrorCode, OrganizationalUnit, PolicySummary, Response, SharedStr, Tags,
};

pub(super) fn too_many_pages(op: &str, what: String) -> ApiError {
    ApiError::new(
        ErrorCode::Other("TooManyPages".into()),
        format!("{op} answered with {what}"),
    )
}

pub(super) fn no_reason<E>(_: &E) -> Option<String> {
    None
}

pub(super) fn sdk_tags(tags: &Tags) -> Option<Vec<t::Tag>> {
    if tags.is_empty() {
        return None;
    }
    Some(
        tags.iter()
            .filter_map(|(k, v)| t::Tag::builder().key(k).value(v).build().ok())
            .collect(),
    )
}

/// A text of the endpoint's answer, control characters escaped.
pub(super) fn s(o: Option<&str>) -> SharedStr {
    crate::text::clean_line(o.unwrap_or_default())
        .as_ref()
        .into()
}

/// A required id of the answer: absent or empty is an `InvalidResponse` (an empty answer is
/// not a resource with id "").
pub(super) fn id(o: Option<&str>, what: &str) -> Result<SharedStr, ApiError> {
    match o {
        Some(v) if !v.is_empty() => Ok(s(Some(v))),
        _ => Err(ApiError::new(
            ErrorCode::Other("InvalidResponse".into()),
            format!("the answer holds {what} without an Id"),
        )),
    }
}

pub(super) fn ou(o: &t::OrganizationalUnit) -> Result<OrganizationalUnit, ApiError> {
    Ok(OrganizationalUnit {
        id: id(o.id(), "an organizational unit")?,
        arn: s(o.arn()),
        name: s(o.name()),
    })
}

pub(super) fn policy(p: &t::PolicySummary) -> Result<PolicySummary, ApiError> {
    Ok(PolicySummary {
        id: id(p.id(), "a policy")?,
        arn: s(p.arn()),
        name: s(p.name()),
        aws_managed: p.aws_managed(),
    })
}

pub(super) fn account(a: &t::Account) -> Result<Account, ApiError> {
    Ok(Account {
        id: id(a.id(), "an account")?,
        arn: s(a.arn()),
        name: s(a.name()),
        email: s(a.email()),
        status: a.status().map(|x| x.as_str().into()).unwrap_or_default(),
    })
}

/// The SDK's CreateAccountStatus as orgsim's.
pub fn create_account_status(c: Option<&t::CreateAccountStatus>) -> ApiResult {
    let Some(c) = c else {
        return Err(ApiError::new(
            ErrorCode::Other("InvalidResponse".into()),
            "no CreateAccountStatus in the answer",
        ));
    };
    let state = match c.state() {
        Some(t::CreateAccountState::Succeeded) => CreateAccountState::Succeeded,
        Some(t::CreateAccountState::Failed) => CreateAccountState::Failed,
        _ => CreateAccountState::InProgress,
    };
    Ok(Response::CreateAccountStatus(CreateAccountStatus {
        id: id(c.id(), "a CreateAccountStatus")?,
        account_name: s(c.account_name()),
        state,
        account_id: c.account_id().map(SharedStr::from),
        failure_reason: c
            .failure_reason()
            .and_then(|r| CreateAccountFailureReason::parse(r.as_str())),
    }))
}

pub(super) fn missing(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::Other("InvalidResponse".into()),
        format!("no {what} in the answer"),
    )
}

pub(super) fn input_tags(ts: &[t::Tag]) -> Tags {
    ts.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

pub(super) fn input(o: Option<&str>) -> SharedStr {
    o.unwrap_or_default().into()
}

pub(super) fn policy_json(p: &PolicySummary) -> Value {
    json!({
        "Id": p.id, "Arn": p.arn, "Name": p.name,
        "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": p.aws_managed,
    })
}

pub(super) fn status_json(c: &CreateAccountStatus) -> Value {
    let mut v = json!({ "Id": c.id, "AccountName": c.account_name, "State": c.state.as_str() });
    if let Some(id) = &c.account_id {
        v["AccountId"] = json!(id);
    }
    if let Some(r) = c.failure_reason {
        v["FailureReason"] = json!(r.as_str());
    }
    v
}
