//! A [`Response`] or an [`ApiError`] into the JSON body AWS sends: one page of a list, with
//! `NextToken`, timestamps handed in.

use serde_json::{json, Value};

use super::page::{token, Page};
use crate::org::types::{
    Account, ApiError, CreateAccountState, CreateAccountStatus, ErrorCode, OrganizationalUnit,
    ParentType, PolicySummary, Response,
};

/// The times the server knows of its entities, in epoch seconds, for the answers' timestamps.
pub(crate) trait Times {
    /// When the account joined the organization.
    fn joined(&self, account_id: &str) -> f64;
    /// When the creation request was made, and when it completed (if it has).
    fn creation(&self, request_id: &str) -> (f64, Option<f64>);
}

/// The ARN-bearing parts of an account, as the service model's `Account` has them.
fn account_json(a: &Account, t: &dyn Times) -> Value {
    json!({
        "Id": a.id, "Arn": a.arn, "Name": a.name, "Email": a.email,
        "Status": a.status, "State": a.status,
        "JoinedMethod": "CREATED", "JoinedTimestamp": t.joined(&a.id),
    })
}

fn ou_json(o: &OrganizationalUnit) -> Value {
    json!({ "Id": o.id, "Arn": o.arn, "Name": o.name })
}

fn policy_json(p: &PolicySummary, description: Option<&str>) -> Value {
    let mut v = json!({
        "Id": p.id, "Arn": p.arn, "Name": p.name,
        "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": p.aws_managed,
    });
    if let Some(d) = description {
        v["Description"] = json!(d);
    }
    v
}

fn status_json(c: &CreateAccountStatus, t: &dyn Times) -> Value {
    let (requested, completed) = t.creation(&c.id);
    let mut v = json!({
        "Id": c.id, "AccountName": c.account_name, "State": c.state.as_str(),
        "RequestedTimestamp": requested,
    });
    if c.state != CreateAccountState::InProgress {
        if let Some(done) = completed {
            v["CompletedTimestamp"] = json!(done);
        }
    }
    if let Some(id) = &c.account_id {
        v["AccountId"] = json!(id);
    }
    if let Some(r) = c.failure_reason {
        v["FailureReason"] = json!(r.as_str());
    }
    v
}

/// `PolicyTypes` of a root with SCPs enabled.
pub(crate) fn scp_enabled() -> Value {
    json!([{ "Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED" }])
}

/// The items of `v` in `page`, and the token of the next page if there is one.
fn slice<T>(v: &[T], page: Option<Page>, op: &str) -> (std::ops::Range<usize>, Option<String>) {
    let Some(p) = page else {
        return (0..v.len(), None);
    };
    let start = p.offset.min(v.len());
    let end = start.saturating_add(p.max).min(v.len());
    let next = (end < v.len()).then(|| token(op, end));
    (start..end, next)
}

/// The JSON body of a successful answer to `op`: one page of a list (`page`), with
/// `NextToken` when more follow. `descriptions` gives a policy's description by id.
pub(crate) fn encode(
    op: &str,
    r: &Response,
    page: Option<Page>,
    t: &dyn Times,
    descriptions: &dyn Fn(&str) -> Option<String>,
) -> Value {
    fn listed<T>(
        key: &str,
        v: &[T],
        page: Option<Page>,
        op: &str,
        f: impl Fn(&T) -> Value,
    ) -> Value {
        let (range, next) = slice(v, page, op);
        let mut out = json!({ key: v[range].iter().map(f).collect::<Vec<_>>() });
        if let Some(n) = next {
            out["NextToken"] = json!(n);
        }
        out
    }
    match r {
        Response::Roots(rs) => listed(
            "Roots",
            rs,
            page,
            op,
            |r| json!({ "Id": r.id, "Arn": r.arn, "Name": r.name, "PolicyTypes": scp_enabled() }),
        ),
        Response::OrganizationalUnit(o) => json!({ "OrganizationalUnit": ou_json(o) }),
        Response::Policy(p) => json!({ "Policy": {
            "PolicySummary": policy_json(p, descriptions(&p.id).as_deref()) } }),
        Response::Empty => json!({}),
        Response::CreateAccountStatus(c) => json!({ "CreateAccountStatus": status_json(c, t) }),
        Response::CreateAccountStatuses(cs) => {
            listed("CreateAccountStatuses", cs, page, op, |c| status_json(c, t))
        }
        Response::PolicyDocument { summary, content } => json!({ "Policy": {
            "PolicySummary": policy_json(summary, descriptions(&summary.id).as_deref()),
            "Content": content } }),
        Response::Parents(ps) => listed("Parents", ps, page, op, |p| {
            json!({ "Id": p.id, "Type": match p.kind {
                ParentType::Root => "ROOT",
                ParentType::OrganizationalUnit => "ORGANIZATIONAL_UNIT",
            } })
        }),
        Response::Accounts(a) => listed("Accounts", a, page, op, |a| account_json(a, t)),
        Response::OrganizationalUnits(os) => listed("OrganizationalUnits", os, page, op, ou_json),
        Response::Policies(ps) => listed("Policies", ps, page, op, |p| {
            policy_json(p, descriptions(&p.id).as_deref())
        }),
        Response::Tags(tags) => {
            let pairs: Vec<(&String, &String)> = tags.iter().collect();
            listed(
                "Tags",
                &pairs,
                page,
                op,
                |(k, v)| json!({ "Key": k, "Value": v }),
            )
        }
        Response::Account(a) => json!({ "Account": account_json(a, t) }),
        Response::PolicyTargets(ts) => listed(
            "Targets",
            ts,
            page,
            op,
            |x| json!({ "TargetId": x.target_id, "Name": x.name, "Type": x.kind.as_str() }),
        ),
        Response::Children(cs) => listed(
            "Children",
            cs,
            page,
            op,
            |c| json!({ "Id": c.id, "Type": c.kind.as_str() }),
        ),
    }
}

/// The JSON error body of `e`, and its HTTP status (400; a ServiceException 500), as AWS sends
/// them (throttling too is 400 in Organizations).
pub(crate) fn error(e: &ApiError) -> (u16, Value) {
    let status = if e.code == ErrorCode::ServiceException {
        500
    } else {
        400
    };
    let mut body = json!({ "__type": e.code.as_str(), "Message": e.message });
    if let ErrorCode::ConstraintViolationException(r) = &e.code {
        body["Reason"] = json!(r.as_str());
    }
    if e.code == ErrorCode::TooManyRequestsException {
        body["Type"] = json!("RATE_LIMIT");
    }
    (status, body)
}
