//! The AWS JSON 1.1 wire format of Organizations, as `orgsim serve` speaks it: a request body
//! (the operation named by `X-Amz-Target`) into a [`Request`], checked against the service
//! model's constraints (`botocore/data/organizations/2016-11-28/service-2.json`), and a
//! [`Response`] or an [`ApiError`] into the JSON body AWS sends. Pure: no I/O, no clock (the
//! timestamps are handed in).

use serde_json::{json, Map, Value};

use crate::org::types::{
    Account, ApiError, ChildType, CreateAccountState, CreateAccountStatus, ErrorCode,
    OrganizationalUnit, ParentType, PolicySummary, Request, Response, SharedStr, Tags,
};

/// `X-Amz-Target`'s prefix for Organizations (the service model's `targetPrefix`).
pub(crate) const TARGET_PREFIX: &str = "AWSOrganizationsV20161128.";

/// The largest `MaxResults` the service model allows (every List operation's `MaxResults`
/// shape: 1 to 20).
pub(crate) const MAX_RESULTS: usize = 20;

/// What a request asks for: an operation of the model (with its page, for a List), or one the
/// server answers itself from the organization it holds (DescribeOrganization and
/// ListAWSServiceAccessForOrganization at once and unthrottled, though they are operations of
/// the model for the simulated deployers: `orgsim serve`'s benchmark reads DescribeOrganization
/// at 1,000 requests a second).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Call {
    Model {
        req: Request,
        page: Option<Page>,
    },
    DescribeOrganization,
    CreateOrganization,
    /// ListPolicies or ListPoliciesForTarget for a policy type other than SCPs (the model has
    /// SCPs only): an empty list.
    NoPolicies,
    /// ListAWSServiceAccessForOrganization: the service principals trusted by the organization,
    /// none (the model enables no service access); Terraform's `aws_organizations_organization`
    /// data source asks for it at every plan.
    NoServiceAccess,
}

/// A page of a List operation: from `offset`, at most `max` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Page {
    pub offset: usize,
    pub max: usize,
}

/// A request refused before it reaches the model: its code, message and (for
/// InvalidInputException) reason, all as AWS spells them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub code: &'static str,
    pub message: String,
    pub reason: Option<&'static str>,
}

impl Refusal {
    fn serialization(message: String) -> Refusal {
        Refusal {
            code: "SerializationException",
            message,
            reason: None,
        }
    }

    fn invalid(reason: &'static str, message: String) -> Refusal {
        Refusal {
            code: "InvalidInputException",
            message,
            reason: Some(reason),
        }
    }

    /// The JSON error body (HTTP 400).
    pub(crate) fn body(&self) -> Value {
        let mut b = json!({ "__type": self.code, "Message": self.message });
        if let Some(r) = self.reason {
            b["Reason"] = json!(r);
        }
        b
    }
}

/// The operations the server answers, as AWS names them.
pub const SERVED: [&str; 33] = [
    "ListRoots",
    "CreateOrganizationalUnit",
    "CreatePolicy",
    "AttachPolicy",
    "DetachPolicy",
    "CreateAccount",
    "DescribeCreateAccountStatus",
    "MoveAccount",
    "TagResource",
    "UntagResource",
    "ListParents",
    "ListAccountsForParent",
    "ListOrganizationalUnitsForParent",
    "ListAccounts",
    "ListPolicies",
    "ListPoliciesForTarget",
    "ListTagsForResource",
    "DescribeAccount",
    "DescribeOrganizationalUnit",
    "DescribePolicy",
    "ListTargetsForPolicy",
    "ListCreateAccountStatus",
    "DescribeOrganization",
    "CreateOrganization",
    "ListAWSServiceAccessForOrganization",
    "UpdateOrganizationalUnit",
    "UpdatePolicy",
    "DeleteOrganizationalUnit",
    "DeletePolicy",
    "ListChildren",
    "EnablePolicyType",
    "RemoveAccountFromOrganization",
    "CloseAccount",
];

/// A field's constraints from the service model.
#[derive(Clone, Copy)]
struct Str {
    name: &'static str,
    min: usize,
    max: usize,
}

const fn s(name: &'static str, min: usize, max: usize) -> Str {
    Str { name, min, max }
}

// The lengths of the service model's string shapes.
const PARENT_ID: Str = s("ParentId", 0, 100);
const POLICY_ID: Str = s("PolicyId", 0, 130);
const TARGET_ID: Str = s("TargetId", 0, 100);
const ACCOUNT_ID: Str = s("AccountId", 0, 12);
const RESOURCE_ID: Str = s("ResourceId", 0, 130);
const CHILD_ID: Str = s("ChildId", 0, 100);

/// The request body as a JSON object (an empty body is `{}`, as AWS takes it).
fn object(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Refusal::serialization(
            "the request body is not a JSON object".into(),
        )),
        Err(e) => Err(Refusal::serialization(format!(
            "the request body is not valid JSON: {e}"
        ))),
    }
}

struct Fields(Map<String, Value>);

impl Fields {
    /// A string member, checked against its length; `None` when absent (or null).
    fn opt_str(&self, f: Str) -> Result<Option<SharedStr>, Refusal> {
        match self.0.get(f.name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(v)) => {
                let n = v.chars().count();
                if n < f.min {
                    Err(Refusal::invalid(
                        "MIN_LENGTH_EXCEEDED",
                        format!("{} is shorter than {} characters", f.name, f.min),
                    ))
                } else if n > f.max {
                    Err(Refusal::invalid(
                        "MAX_LENGTH_EXCEEDED",
                        format!("{} is longer than {} characters", f.name, f.max),
                    ))
                } else {
                    Ok(Some(v.as_str().into()))
                }
            }
            Some(_) => Err(Refusal::serialization(format!(
                "{} must be a string",
                f.name
            ))),
        }
    }

    /// A required string member.
    fn str(&self, f: Str) -> Result<SharedStr, Refusal> {
        self.opt_str(f)?.ok_or_else(|| {
            Refusal::invalid(
                "INPUT_REQUIRED",
                format!("{} is required but was not given", f.name),
            )
        })
    }

    /// `Tags`: a list of `{Key, Value}` (keys 1 to 128 characters, values 0 to 256).
    fn tags(&self, required: bool) -> Result<Tags, Refusal> {
        let list = match self.0.get("Tags") {
            None | Some(Value::Null) if required => {
                return Err(Refusal::invalid(
                    "INPUT_REQUIRED",
                    "Tags is required but was not given".into(),
                ))
            }
            None | Some(Value::Null) => return Ok(Tags::new()),
            Some(Value::Array(a)) => a,
            Some(_) => return Err(Refusal::serialization("Tags must be a list".into())),
        };
        let mut tags = std::collections::BTreeMap::new();
        for t in list {
            let t = match t {
                Value::Object(m) => Fields(m.clone()),
                _ => {
                    return Err(Refusal::serialization(
                        "each of Tags must be an object with Key and Value".into(),
                    ))
                }
            };
            let key = t.str(s("Key", 1, 128))?;
            let value = t.str(s("Value", 0, 256))?;
            if tags.insert(key.to_string(), value.to_string()).is_some() {
                return Err(Refusal::invalid(
                    "DUPLICATE_TAG_KEY",
                    format!("the tag key {key} is given twice"),
                ));
            }
        }
        Ok(tags.into())
    }

    /// A list of strings, required.
    fn strings(&self, name: &'static str) -> Result<Vec<String>, Refusal> {
        match self.0.get(name) {
            None | Some(Value::Null) => Err(Refusal::invalid(
                "INPUT_REQUIRED",
                format!("{name} is required but was not given"),
            )),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(Refusal::serialization(format!(
                        "each of {name} must be a string"
                    ))),
                })
                .collect(),
            Some(_) => Err(Refusal::serialization(format!("{name} must be a list"))),
        }
    }

    /// `Filter` or `Type`: a policy type, required; true for SCPs.
    fn policy_type(&self, name: &'static str) -> Result<bool, Refusal> {
        let t = self.str(s(name, 0, 64))?;
        if t == "SERVICE_CONTROL_POLICY" {
            Ok(true)
        } else if POLICY_TYPES.contains(&t.as_str()) {
            Ok(false)
        } else {
            Err(Refusal::invalid(
                "INVALID_ENUM_POLICY_TYPE",
                format!("{name} {t} is not a policy type"),
            ))
        }
    }

    /// `MaxResults` and `NextToken`: the page asked for. `NextToken` is the one this server
    /// gave for the same operation.
    fn page(&self, op: &str, default_max: usize) -> Result<Page, Refusal> {
        let max = match self.0.get("MaxResults") {
            None | Some(Value::Null) => default_max,
            Some(Value::Number(n)) => match n.as_i64() {
                Some(v) if v < 1 => {
                    return Err(Refusal::invalid(
                        "MIN_VALUE_EXCEEDED",
                        format!("MaxResults {v} is less than 1"),
                    ))
                }
                Some(v) if v > MAX_RESULTS as i64 => {
                    return Err(Refusal::invalid(
                        "MAX_VALUE_EXCEEDED",
                        format!("MaxResults {v} is more than {MAX_RESULTS}"),
                    ))
                }
                Some(v) => v as usize,
                None => {
                    return Err(Refusal::serialization(
                        "MaxResults must be an integer".into(),
                    ))
                }
            },
            Some(_) => {
                return Err(Refusal::serialization(
                    "MaxResults must be an integer".into(),
                ))
            }
        };
        let offset = match self.opt_str(s("NextToken", 0, 100_000))? {
            None => 0,
            Some(t) => parse_token(op, &t).ok_or_else(|| {
                Refusal::invalid(
                    "INVALID_NEXT_TOKEN",
                    "NextToken is not a token this endpoint gave for this operation".into(),
                )
            })?,
        };
        Ok(Page { offset, max })
    }
}

/// The policy types of the service model (`PolicyType`).
const POLICY_TYPES: [&str; 15] = [
    "SERVICE_CONTROL_POLICY",
    "RESOURCE_CONTROL_POLICY",
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
    "CHATBOT_POLICY",
    "DECLARATIVE_POLICY_EC2",
    "SECURITYHUB_POLICY",
    "SECURITYHUB_CSPM_POLICY",
    "INSPECTOR_POLICY",
    "UPGRADE_ROLLOUT_POLICY",
    "BEDROCK_POLICY",
    "S3_POLICY",
    "NETWORK_SECURITY_DIRECTOR_POLICY",
    "GUARDDUTY_POLICY",
];

/// The token of the page from `offset` of `op`.
pub(crate) fn token(op: &str, offset: usize) -> String {
    format!("{op}.{offset:x}")
}

fn parse_token(op: &str, token: &str) -> Option<usize> {
    let rest = token.strip_prefix(op)?.strip_prefix('.')?;
    if rest.is_empty() || rest.len() > 16 {
        return None;
    }
    usize::from_str_radix(rest, 16).ok()
}

/// The request `body` of the operation `op` (the part of `X-Amz-Target` after the prefix).
/// `default_max` is the page size when the client gives no `MaxResults`. `Ok(None)`: not an
/// operation this server answers.
pub(crate) fn decode(op: &str, body: &[u8], default_max: usize) -> Result<Option<Call>, Refusal> {
    if !SERVED.contains(&op) {
        return Ok(None);
    }
    let f = Fields(object(body)?);
    let list = |req: Request, f: &Fields| -> Result<Option<Call>, Refusal> {
        Ok(Some(Call::Model {
            req,
            page: Some(f.page(op, default_max)?),
        }))
    };
    let one = |req: Request| Ok(Some(Call::Model { req, page: None }));
    match op {
        "DescribeOrganization" => Ok(Some(Call::DescribeOrganization)),
        "ListAWSServiceAccessForOrganization" => {
            f.page(op, default_max)?;
            Ok(Some(Call::NoServiceAccess))
        }
        "CreateOrganization" => {
            match f.opt_str(s("FeatureSet", 0, 64))?.as_deref() {
                None | Some("ALL") | Some("CONSOLIDATED_BILLING") => {}
                Some(other) => {
                    return Err(Refusal::invalid(
                        "INVALID_ENUM",
                        format!("FeatureSet {other} is not ALL or CONSOLIDATED_BILLING"),
                    ))
                }
            }
            Ok(Some(Call::CreateOrganization))
        }
        "ListRoots" => list(Request::ListRoots, &f),
        "CreateOrganizationalUnit" => one(Request::CreateOrganizationalUnit {
            parent_id: f.str(PARENT_ID)?,
            name: f.str(s("Name", 1, 128))?,
            tags: f.tags(false)?,
        }),
        "CreatePolicy" => {
            let content = f.str(s("Content", 1, 1_000_000))?;
            let description = f.str(s("Description", 0, 512))?;
            let name = f.str(s("Name", 1, 128))?;
            if !f.policy_type("Type")? {
                return Err(Refusal {
                    code: "PolicyTypeNotEnabledException",
                    message: "orgsim serve has service control policies only".into(),
                    reason: None,
                });
            }
            one(Request::CreatePolicy {
                name,
                description,
                content,
                tags: f.tags(false)?,
            })
        }
        "AttachPolicy" => one(Request::AttachPolicy {
            policy_id: f.str(POLICY_ID)?,
            target_id: f.str(TARGET_ID)?,
        }),
        "DetachPolicy" => one(Request::DetachPolicy {
            policy_id: f.str(POLICY_ID)?,
            target_id: f.str(TARGET_ID)?,
        }),
        "CreateAccount" => {
            let email = f.str(s("Email", 6, 64))?;
            let account_name = f.str(s("AccountName", 1, 50))?;
            f.opt_str(s("RoleName", 0, 64))?;
            match f.opt_str(s("IamUserAccessToBilling", 0, 8))?.as_deref() {
                None | Some("ALLOW") | Some("DENY") => {}
                Some(v) => {
                    return Err(Refusal::invalid(
                        "INVALID_ENUM",
                        format!("IamUserAccessToBilling {v} is not ALLOW or DENY"),
                    ))
                }
            }
            one(Request::CreateAccount {
                email,
                account_name,
                tags: f.tags(false)?,
            })
        }
        "DescribeCreateAccountStatus" => one(Request::DescribeCreateAccountStatus {
            create_account_request_id: f.str(s("CreateAccountRequestId", 0, 36))?,
        }),
        "MoveAccount" => one(Request::MoveAccount {
            account_id: f.str(ACCOUNT_ID)?,
            source_parent_id: f.str(s("SourceParentId", 0, 100))?,
            destination_parent_id: f.str(s("DestinationParentId", 0, 100))?,
        }),
        "TagResource" => one(Request::TagResource {
            resource_id: f.str(RESOURCE_ID)?,
            tags: f.tags(true)?,
        }),
        "UntagResource" => one(Request::UntagResource {
            resource_id: f.str(RESOURCE_ID)?,
            tag_keys: f.strings("TagKeys")?,
        }),
        "ListParents" => list(
            Request::ListParents {
                child_id: f.str(CHILD_ID)?,
            },
            &f,
        ),
        "ListAccountsForParent" => list(
            Request::ListAccountsForParent {
                parent_id: f.str(PARENT_ID)?,
            },
            &f,
        ),
        "ListOrganizationalUnitsForParent" => list(
            Request::ListOrganizationalUnitsForParent {
                parent_id: f.str(PARENT_ID)?,
            },
            &f,
        ),
        "ListAccounts" => list(Request::ListAccounts, &f),
        "ListPolicies" => {
            if f.policy_type("Filter")? {
                list(Request::ListPolicies, &f)
            } else {
                f.page(op, default_max)?;
                Ok(Some(Call::NoPolicies))
            }
        }
        "ListPoliciesForTarget" => {
            let target_id = f.str(TARGET_ID)?;
            if f.policy_type("Filter")? {
                list(Request::ListPoliciesForTarget { target_id }, &f)
            } else {
                f.page(op, default_max)?;
                Ok(Some(Call::NoPolicies))
            }
        }
        "ListTagsForResource" => list(
            Request::ListTagsForResource {
                resource_id: f.str(RESOURCE_ID)?,
            },
            &f,
        ),
        "DescribeAccount" => one(Request::DescribeAccount {
            account_id: f.str(ACCOUNT_ID)?,
        }),
        "DescribeOrganizationalUnit" => one(Request::DescribeOrganizationalUnit {
            organizational_unit_id: f.str(s("OrganizationalUnitId", 0, 68))?,
        }),
        "DescribePolicy" => one(Request::DescribePolicy {
            policy_id: f.str(POLICY_ID)?,
        }),
        "UpdateOrganizationalUnit" => one(Request::UpdateOrganizationalUnit {
            organizational_unit_id: f.str(s("OrganizationalUnitId", 0, 68))?,
            name: f.opt_str(s("Name", 1, 128))?,
        }),
        "UpdatePolicy" => {
            let policy_id = f.str(POLICY_ID)?;
            let name = f.opt_str(s("Name", 1, 128))?;
            f.opt_str(s("Description", 0, 512))?;
            let content = f.opt_str(s("Content", 1, 1_000_000))?;
            one(Request::UpdatePolicy {
                policy_id,
                name,
                content,
            })
        }
        "DeleteOrganizationalUnit" => one(Request::DeleteOrganizationalUnit {
            organizational_unit_id: f.str(s("OrganizationalUnitId", 0, 68))?,
        }),
        "DeletePolicy" => one(Request::DeletePolicy {
            policy_id: f.str(POLICY_ID)?,
        }),
        "ListChildren" => {
            let parent_id = f.str(PARENT_ID)?;
            let t = f.str(s("ChildType", 0, 64))?;
            let Some(child_type) = ChildType::parse(&t) else {
                return Err(Refusal::invalid(
                    "INVALID_ENUM",
                    format!("ChildType {t} is not ACCOUNT or ORGANIZATIONAL_UNIT"),
                ));
            };
            list(
                Request::ListChildren {
                    parent_id,
                    child_type,
                },
                &f,
            )
        }
        "EnablePolicyType" => {
            let root_id = f.str(s("RootId", 0, 34))?;
            f.policy_type("PolicyType")?;
            one(Request::EnablePolicyType {
                root_id,
                policy_type: f.str(s("PolicyType", 0, 64))?,
            })
        }
        "RemoveAccountFromOrganization" => one(Request::RemoveAccountFromOrganization {
            account_id: f.str(ACCOUNT_ID)?,
        }),
        "CloseAccount" => one(Request::CloseAccount {
            account_id: f.str(ACCOUNT_ID)?,
        }),
        "ListTargetsForPolicy" => list(
            Request::ListTargetsForPolicy {
                policy_id: f.str(POLICY_ID)?,
            },
            &f,
        ),
        "ListCreateAccountStatus" => {
            if let Some(Value::Array(_)) = f.0.get("States") {
                for st in f.strings("States")? {
                    if !matches!(st.as_str(), "IN_PROGRESS" | "SUCCEEDED" | "FAILED") {
                        return Err(Refusal::invalid(
                            "INVALID_ENUM",
                            format!("States: {st} is not IN_PROGRESS, SUCCEEDED or FAILED"),
                        ));
                    }
                }
            } else if f.0.get("States").is_some_and(|v| !v.is_null()) {
                return Err(Refusal::serialization("States must be a list".into()));
            }
            list(Request::ListCreateAccountStatus, &f)
        }
        _ => Ok(None),
    }
}

/// `ListCreateAccountStatus`'s `States` filter, if the body gave one (checked by [`decode`]).
pub(crate) fn states_filter(body: &[u8]) -> Option<Vec<String>> {
    let f = Fields(object(body).ok()?);
    f.strings("States").ok()
}

/// UpdatePolicy's `Description`, if the body gives one (the server keeps descriptions).
pub(crate) fn description(body: &[u8]) -> Option<String> {
    let f = Fields(object(body).ok()?);
    f.opt_str(s("Description", 0, 512))
        .ok()
        .flatten()
        .map(|d| d.to_string())
}

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
        Response::Organization(o) => json!({ "Organization": {
            "Id": o.id,
            "Arn": format!("arn:aws:organizations::{}:organization/{}", o.management_account_id, o.id),
            "FeatureSet": "ALL",
            "MasterAccountArn": format!(
                "arn:aws:organizations::{}:account/{}/{}",
                o.management_account_id, o.id, o.management_account_id
            ),
            "MasterAccountId": o.management_account_id,
            "MasterAccountEmail": o.management_account_email,
            "AvailablePolicyTypes": scp_enabled(),
        } }),
        Response::ServicePrincipals(ps) => listed(
            "EnabledServicePrincipals",
            ps,
            page,
            op,
            |p| json!({ "ServicePrincipal": p, "DateEnabled": 0.0 }),
        ),
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
