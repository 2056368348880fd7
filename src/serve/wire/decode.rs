//! A request body (the operation named by `X-Amz-Target`) into a [`Request`], checked against
//! the service model's constraints, or the [`Refusal`] AWS would send.

use serde_json::{json, Map, Value};

use super::page::{parse_token, Page, MAX_RESULTS};
use crate::org::types::{ChildType, Request, SharedStr, Tags};

/// `X-Amz-Target`'s prefix for Organizations (the service model's `targetPrefix`).
pub(crate) const TARGET_PREFIX: &str = "AWSOrganizationsV20161128.";

/// What a request asks for: an operation of the model (with its page, for a List), or one the
/// server answers itself from the organization it holds.
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
