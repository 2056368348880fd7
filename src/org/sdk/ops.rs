//! Each operation as the SDK spells it, in both directions, so that an operation's SDK code is
//! in one place (ARCHITECTURE.md, "How to add an AWS operation"; the conversions the arms share
//! are in `convert.rs`):
//!
//! - [`call`]: a [`Request`] through the SDK client, its answer as a [`Response`] (the `sdk`
//!   backend, and the `mock` one through the same client);
//! - [`mock_rules`]: the SDK's input read back as the [`Request`] it means (the `mock`
//!   backend's aws-smithy-mocks rules);
//! - [`response_json`]: a [`Response`] in the service's wire format (the `mock` backend's
//!   answers, which the SDK then parses as it parses AWS's).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use aws_sdk_organizations::config::http::HttpResponse;
use aws_sdk_organizations::types as t;
use aws_sdk_organizations::Client;
use aws_smithy_mocks::{mock, MockResponse, Rule};
use serde_json::{json, Value};

use super::convert::{
    account, create_account_status, id, input, input_tags, missing, no_reason, ou, policy,
    policy_json, s, sdk_tags, status_json, too_many_pages,
};
use super::errors::map_error;
use super::limits::MAX_PAGES;
use crate::org::types::{
    Account, ApiError, ApiResult, Child, ChildType, OrganizationalUnit, Parent, ParentType,
    PolicyTarget, Request, Response, Root, SharedStr, Tags, TargetKind,
};

/// `|e| reason of e`, for operation error enums that have a ConstraintViolationException.
macro_rules! cv_reason {
    ($($p:ident)::+) => {
        |e: &$($p)::+| match e {
            $($p)::+::ConstraintViolationException(c) => {
                c.reason().map(|r| r.as_str().to_string())
            }
            _ => None,
        }
    };
}

/// Every page of a paginated call (the SDK's paginator), or its first error, mapped; in the
/// enclosing function, which returns `ApiResult`. At most the page cap
/// ([`super::Limits::max_pages`]): an endpoint that sends a `NextToken` on every page is a
/// `TooManyPages` error, not an endless loop; one that repeats its token is one too (the SDK's
/// paginator would stop silently).
macro_rules! all_pages {
    ($op:literal, $builder:expr) => {{
        let cap = MAX_PAGES.load(Ordering::Relaxed);
        let mut stream = $builder
            .into_paginator()
            .stop_on_duplicate_token(false)
            .send();
        let mut pages = Vec::new();
        let mut last: Option<String> = None;
        while let Some(page) = stream.next().await {
            let page = page.map_err(|e| map_error(e, no_reason))?;
            let token = page
                .next_token()
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            pages.push(page);
            if token.is_some() && token == last {
                return Err(too_many_pages(
                    $op,
                    format!("the same NextToken twice in a row (page {})", pages.len()),
                ));
            }
            if token.is_some() && pages.len() >= cap {
                return Err(too_many_pages(
                    $op,
                    format!("a NextToken on each of {cap} pages (the page cap, --max-pages)"),
                ));
            }
            last = token;
        }
        pages
    }};
}

/// Executes `req` through `client`.
pub async fn call(client: &Client, req: &Request) -> ApiResult {
    use aws_sdk_organizations::operation as op;
    let scp = t::PolicyType::ServiceControlPolicy;
    match req {
        Request::ListRoots => {
            let pages = all_pages!("ListRoots", client.list_roots());
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.roots())
                .map(|x| {
                    Ok(Root {
                        id: id(x.id(), "a root")?,
                        arn: s(x.arn()),
                        name: s(x.name()),
                    })
                })
                .collect::<Result<_, ApiError>>()?;
            Ok(Response::Roots(out))
        }
        Request::CreateOrganizationalUnit {
            parent_id,
            name,
            tags,
        } => {
            let r = client
                .create_organizational_unit()
                .parent_id(parent_id)
                .name(name)
                .set_tags(sdk_tags(tags))
                .send()
                .await
                .map_err(|e| {
                    map_error(
                        e,
                        cv_reason!(op::create_organizational_unit::CreateOrganizationalUnitError),
                    )
                })?;
            r.organizational_unit()
                .map(|o| ou(o).map(Response::OrganizationalUnit))
                .ok_or_else(|| missing("OrganizationalUnit"))?
        }
        Request::CreatePolicy {
            name,
            description,
            content,
            tags,
        } => {
            let r = client
                .create_policy()
                .name(name)
                .description(description)
                .content(content)
                .r#type(scp)
                .set_tags(sdk_tags(tags))
                .send()
                .await
                .map_err(|e| map_error(e, cv_reason!(op::create_policy::CreatePolicyError)))?;
            r.policy()
                .and_then(|p| p.policy_summary())
                .map(|p| policy(p).map(Response::Policy))
                .ok_or_else(|| missing("Policy"))?
        }
        Request::AttachPolicy {
            policy_id,
            target_id,
        } => {
            client
                .attach_policy()
                .policy_id(policy_id)
                .target_id(target_id)
                .send()
                .await
                .map_err(|e| map_error(e, cv_reason!(op::attach_policy::AttachPolicyError)))?;
            Ok(Response::Empty)
        }
        Request::DetachPolicy {
            policy_id,
            target_id,
        } => {
            client
                .detach_policy()
                .policy_id(policy_id)
                .target_id(target_id)
                .send()
                .await
                .map_err(|e| map_error(e, cv_reason!(op::detach_policy::DetachPolicyError)))?;
            Ok(Response::Empty)
        }
        Request::CreateAccount {
            email,
            account_name,
            tags,
        } => {
            let r = client
                .create_account()
                .email(email)
                .account_name(account_name)
                .set_tags(sdk_tags(tags))
                .send()
                .await
                .map_err(|e| map_error(e, cv_reason!(op::create_account::CreateAccountError)))?;
            create_account_status(r.create_account_status())
        }
        Request::DescribeCreateAccountStatus {
            create_account_request_id,
        } => {
            let r = client
                .describe_create_account_status()
                .create_account_request_id(create_account_request_id)
                .send()
                .await
                .map_err(|e| map_error(e, no_reason))?;
            create_account_status(r.create_account_status())
        }
        Request::MoveAccount {
            account_id,
            source_parent_id,
            destination_parent_id,
        } => {
            client
                .move_account()
                .account_id(account_id)
                .source_parent_id(source_parent_id)
                .destination_parent_id(destination_parent_id)
                .send()
                .await
                .map_err(|e| map_error(e, no_reason))?;
            Ok(Response::Empty)
        }
        Request::TagResource { resource_id, tags } => {
            client
                .tag_resource()
                .resource_id(resource_id)
                .set_tags(sdk_tags(tags).or(Some(vec![])))
                .send()
                .await
                .map_err(|e| map_error(e, cv_reason!(op::tag_resource::TagResourceError)))?;
            Ok(Response::Empty)
        }
        Request::UntagResource {
            resource_id,
            tag_keys,
        } => {
            client
                .untag_resource()
                .resource_id(resource_id)
                .set_tag_keys(Some(tag_keys.clone()))
                .send()
                .await
                .map_err(|e| map_error(e, cv_reason!(op::untag_resource::UntagResourceError)))?;
            Ok(Response::Empty)
        }
        Request::ListParents { child_id } => {
            let pages = all_pages!("ListParents", client.list_parents().child_id(child_id));
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.parents())
                .map(|p| {
                    Ok(Parent {
                        id: id(p.id(), "a parent")?,
                        kind: match p.r#type() {
                            Some(t::ParentType::Root) => ParentType::Root,
                            _ => ParentType::OrganizationalUnit,
                        },
                    })
                })
                .collect::<Result<_, ApiError>>()?;
            Ok(Response::Parents(out))
        }
        Request::ListAccountsForParent { parent_id } => {
            let pages = all_pages!(
                "ListAccountsForParent",
                client.list_accounts_for_parent().parent_id(parent_id)
            );
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.accounts())
                .map(account)
                .collect::<Result<_, ApiError>>()?;
            Ok(Response::Accounts(out))
        }
        Request::ListOrganizationalUnitsForParent { parent_id } => {
            let pages = all_pages!(
                "ListOrganizationalUnitsForParent",
                client
                    .list_organizational_units_for_parent()
                    .parent_id(parent_id)
            );
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.organizational_units())
                .map(ou)
                .collect::<Result<_, ApiError>>()?;
            Ok(Response::OrganizationalUnits(out))
        }
        Request::ListAccounts => {
            let pages = all_pages!("ListAccounts", client.list_accounts());
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.accounts())
                .map(account)
                .collect::<Result<_, ApiError>>()?;
            Ok(Response::Accounts(out))
        }
        Request::ListPolicies => {
            let pages = all_pages!("ListPolicies", client.list_policies().filter(scp.clone()));
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.policies())
                .map(policy)
                .collect::<Result<_, ApiError>>()?;
            Ok(Response::Policies(out))
        }
        Request::ListPoliciesForTarget { target_id } => {
            let pages = all_pages!(
                "ListPoliciesForTarget",
                client
                    .list_policies_for_target()
                    .target_id(target_id)
                    .filter(scp.clone())
            );
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.policies())
                .map(policy)
                .collect::<Result<_, ApiError>>()?;
            Ok(Response::Policies(out))
        }
        Request::ListTagsForResource { resource_id } => {
            let pages = all_pages!(
                "ListTagsForResource",
                client.list_tags_for_resource().resource_id(resource_id)
            );
            let out: Tags = pages
                .iter()
                .flat_map(|r| r.tags())
                .map(|x| {
                    (
                        crate::text::clean_line(x.key()).into_owned(),
                        crate::text::clean_line(x.value()).into_owned(),
                    )
                })
                .collect();
            Ok(Response::Tags(out))
        }
        Request::DescribeAccount { account_id } => {
            let r = client
                .describe_account()
                .account_id(account_id)
                .send()
                .await
                .map_err(|e| map_error(e, no_reason))?;
            r.account()
                .map(|a| account(a).map(Response::Account))
                .ok_or_else(|| missing("Account"))?
        }
        Request::DescribeOrganizationalUnit {
            organizational_unit_id,
        } => {
            let r = client
                .describe_organizational_unit()
                .organizational_unit_id(organizational_unit_id)
                .send()
                .await
                .map_err(|e| map_error(e, no_reason))?;
            r.organizational_unit()
                .map(|o| ou(o).map(Response::OrganizationalUnit))
                .ok_or_else(|| missing("OrganizationalUnit"))?
        }
        Request::DescribePolicy { policy_id } => {
            let r = client
                .describe_policy()
                .policy_id(policy_id)
                .send()
                .await
                .map_err(|e| map_error(e, no_reason))?;
            let p = r.policy().ok_or_else(|| missing("Policy"))?;
            let summary = policy(p.policy_summary().ok_or_else(|| missing("PolicySummary"))?)?;
            Ok(Response::PolicyDocument {
                summary,
                // Compared with the plan's, never shown: kept as sent.
                content: p.content().unwrap_or_default().into(),
            })
        }
        Request::UpdateOrganizationalUnit {
            organizational_unit_id,
            name,
        } => {
            let r = client
                .update_organizational_unit()
                .organizational_unit_id(organizational_unit_id)
                .set_name(name.as_ref().map(|n| n.to_string()))
                .send()
                .await
                .map_err(|e| map_error(e, no_reason))?;
            r.organizational_unit()
                .map(|o| ou(o).map(Response::OrganizationalUnit))
                .ok_or_else(|| missing("OrganizationalUnit"))?
        }
        Request::UpdatePolicy {
            policy_id,
            name,
            content,
        } => {
            let r = client
                .update_policy()
                .policy_id(policy_id)
                .set_name(name.as_ref().map(|n| n.to_string()))
                .set_content(content.as_ref().map(|c| c.to_string()))
                .send()
                .await
                .map_err(|e| map_error(e, cv_reason!(op::update_policy::UpdatePolicyError)))?;
            let p = r.policy().ok_or_else(|| missing("Policy"))?;
            let summary = policy(p.policy_summary().ok_or_else(|| missing("PolicySummary"))?)?;
            Ok(Response::PolicyDocument {
                summary,
                content: p.content().unwrap_or_default().into(),
            })
        }
        Request::DeleteOrganizationalUnit {
            organizational_unit_id,
        } => {
            client
                .delete_organizational_unit()
                .organizational_unit_id(organizational_unit_id)
                .send()
                .await
                .map_err(|e| map_error(e, no_reason))?;
            Ok(Response::Empty)
        }
        Request::DeletePolicy { policy_id } => {
            client
                .delete_policy()
                .policy_id(policy_id)
                .send()
                .await
                .map_err(|e| map_error(e, no_reason))?;
            Ok(Response::Empty)
        }
        Request::ListChildren {
            parent_id,
            child_type,
        } => {
            let ct = match child_type {
                ChildType::Account => t::ChildType::Account,
                ChildType::OrganizationalUnit => t::ChildType::OrganizationalUnit,
            };
            let pages = all_pages!(
                "ListChildren",
                client.list_children().parent_id(parent_id).child_type(ct)
            );
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.children())
                .map(|c| {
                    Ok(Child {
                        id: id(c.id(), "a child")?,
                        kind: match c.r#type() {
                            Some(t::ChildType::Account) => ChildType::Account,
                            _ => ChildType::OrganizationalUnit,
                        },
                    })
                })
                .collect::<Result<_, ApiError>>()?;
            Ok(Response::Children(out))
        }
        Request::EnablePolicyType {
            root_id,
            policy_type,
        } => {
            let r = client
                .enable_policy_type()
                .root_id(root_id)
                .policy_type(t::PolicyType::from(policy_type.as_str()))
                .send()
                .await
                .map_err(|e| {
                    map_error(e, cv_reason!(op::enable_policy_type::EnablePolicyTypeError))
                })?;
            let x = r.root().ok_or_else(|| missing("Root"))?;
            Ok(Response::Roots(vec![Root {
                id: id(x.id(), "a root")?,
                arn: s(x.arn()),
                name: s(x.name()),
            }]))
        }
        Request::RemoveAccountFromOrganization { account_id } => {
            client
                .remove_account_from_organization()
                .account_id(account_id)
                .send()
                .await
                .map_err(|e| map_error(e, no_reason))?;
            Ok(Response::Empty)
        }
        Request::CloseAccount { account_id } => {
            client
                .close_account()
                .account_id(account_id)
                .send()
                .await
                .map_err(|e| map_error(e, cv_reason!(op::close_account::CloseAccountError)))?;
            Ok(Response::Empty)
        }
        Request::ListCreateAccountStatus => {
            let pages = all_pages!(
                "ListCreateAccountStatus",
                client.list_create_account_status().set_states(Some(vec![
                    t::CreateAccountState::InProgress,
                    t::CreateAccountState::Succeeded,
                ]))
            );
            let mut out = Vec::new();
            for st in pages.iter().flat_map(|r| r.create_account_statuses()) {
                if let Response::CreateAccountStatus(c) = create_account_status(Some(st))? {
                    out.push(c);
                }
            }
            Ok(Response::CreateAccountStatuses(out))
        }
        Request::ListTargetsForPolicy { policy_id } => {
            let pages = all_pages!(
                "ListTargetsForPolicy",
                client.list_targets_for_policy().policy_id(policy_id)
            );
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.targets())
                .map(|x| PolicyTarget {
                    target_id: s(x.target_id()),
                    name: s(x.name()),
                    kind: match x.r#type() {
                        Some(t::TargetType::Root) => TargetKind::Root,
                        Some(t::TargetType::Account) => TargetKind::Account,
                        _ => TargetKind::OrganizationalUnit,
                    },
                })
                .collect();
            Ok(Response::PolicyTargets(out))
        }
    }
}

/// One mock rule: the SDK input of `$method` as the request it means, answered by `answer`.
macro_rules! rule {
    ($st:expr, $method:ident, |$i:ident| $req:expr) => {{
        let st = Arc::clone($st);
        mock!(Client::$method).then_compute_response(move |$i| MockResponse::Http(st($req)))
    }};
}

/// What answers the mock backend's requests (`org::mock`: the model, in the wire format).
pub(crate) type Answer = Arc<dyn Fn(Request) -> HttpResponse + Send + Sync>;

/// The mock backend's rules: one per operation, each reading the SDK's input back as the
/// [`Request`] it means and answering it with `answer`.
pub(crate) fn mock_rules(answer: Answer) -> Vec<Rule> {
    let st = &answer;
    vec![
        rule!(st, list_roots, |_i| Request::ListRoots),
        rule!(st, create_organizational_unit, |i| {
            Request::CreateOrganizationalUnit {
                parent_id: input(i.parent_id()),
                name: input(i.name()),
                tags: input_tags(i.tags()),
            }
        }),
        rule!(st, create_policy, |i| Request::CreatePolicy {
            name: input(i.name()),
            description: input(i.description()),
            content: input(i.content()),
            tags: input_tags(i.tags()),
        }),
        rule!(st, attach_policy, |i| Request::AttachPolicy {
            policy_id: input(i.policy_id()),
            target_id: input(i.target_id()),
        }),
        rule!(st, detach_policy, |i| Request::DetachPolicy {
            policy_id: input(i.policy_id()),
            target_id: input(i.target_id()),
        }),
        rule!(st, create_account, |i| Request::CreateAccount {
            email: input(i.email()),
            account_name: input(i.account_name()),
            tags: input_tags(i.tags()),
        }),
        rule!(st, describe_create_account_status, |i| {
            Request::DescribeCreateAccountStatus {
                create_account_request_id: input(i.create_account_request_id()),
            }
        }),
        rule!(st, move_account, |i| Request::MoveAccount {
            account_id: input(i.account_id()),
            source_parent_id: input(i.source_parent_id()),
            destination_parent_id: input(i.destination_parent_id()),
        }),
        rule!(st, tag_resource, |i| Request::TagResource {
            resource_id: input(i.resource_id()),
            tags: input_tags(i.tags()),
        }),
        rule!(st, untag_resource, |i| Request::UntagResource {
            resource_id: input(i.resource_id()),
            tag_keys: i.tag_keys().to_vec(),
        }),
        rule!(st, list_parents, |i| Request::ListParents {
            child_id: input(i.child_id()),
        }),
        rule!(st, list_accounts_for_parent, |i| {
            Request::ListAccountsForParent {
                parent_id: input(i.parent_id()),
            }
        }),
        rule!(st, list_organizational_units_for_parent, |i| {
            Request::ListOrganizationalUnitsForParent {
                parent_id: input(i.parent_id()),
            }
        }),
        rule!(st, list_accounts, |_i| Request::ListAccounts),
        rule!(st, list_policies, |_i| Request::ListPolicies),
        rule!(st, list_policies_for_target, |i| {
            Request::ListPoliciesForTarget {
                target_id: input(i.target_id()),
            }
        }),
        rule!(st, list_tags_for_resource, |i| {
            Request::ListTagsForResource {
                resource_id: input(i.resource_id()),
            }
        }),
        rule!(st, describe_account, |i| Request::DescribeAccount {
            account_id: input(i.account_id()),
        }),
        rule!(st, describe_organizational_unit, |i| {
            Request::DescribeOrganizationalUnit {
                organizational_unit_id: input(i.organizational_unit_id()),
            }
        }),
        rule!(st, describe_policy, |i| Request::DescribePolicy {
            policy_id: input(i.policy_id()),
        }),
        rule!(st, list_targets_for_policy, |i| {
            Request::ListTargetsForPolicy {
                policy_id: input(i.policy_id()),
            }
        }),
        rule!(st, update_organizational_unit, |i| {
            Request::UpdateOrganizationalUnit {
                organizational_unit_id: input(i.organizational_unit_id()),
                name: i.name().map(Into::into),
            }
        }),
        rule!(st, update_policy, |i| Request::UpdatePolicy {
            policy_id: input(i.policy_id()),
            name: i.name().map(Into::into),
            content: i.content().map(Into::into),
        }),
        rule!(st, delete_organizational_unit, |i| {
            Request::DeleteOrganizationalUnit {
                organizational_unit_id: input(i.organizational_unit_id()),
            }
        }),
        rule!(st, delete_policy, |i| Request::DeletePolicy {
            policy_id: input(i.policy_id()),
        }),
        rule!(st, list_create_account_status, |_i| {
            Request::ListCreateAccountStatus
        }),
        rule!(st, list_children, |i| Request::ListChildren {
            parent_id: input(i.parent_id()),
            child_type: match i.child_type() {
                Some(t::ChildType::Account) => ChildType::Account,
                _ => ChildType::OrganizationalUnit,
            },
        }),
        rule!(st, enable_policy_type, |i| Request::EnablePolicyType {
            root_id: input(i.root_id()),
            policy_type: i
                .policy_type()
                .map_or_else(|| SharedStr::from(""), |p| p.as_str().into()),
        }),
        rule!(st, remove_account_from_organization, |i| {
            Request::RemoveAccountFromOrganization {
                account_id: input(i.account_id()),
            }
        }),
        rule!(st, close_account, |i| Request::CloseAccount {
            account_id: input(i.account_id()),
        }),
    ]
}

/// A successful answer's body in the service's wire format (awsJson1.1), as AWS sends it.
pub(crate) fn response_json(r: &Response) -> Value {
    let account = |a: &Account| json!({ "Id": a.id, "Arn": a.arn, "Name": a.name, "Email": a.email, "Status": a.status });
    let ou = |o: &OrganizationalUnit| json!({ "Id": o.id, "Arn": o.arn, "Name": o.name });
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
        Response::Children(cs) => json!({ "Children": cs.iter().map(|c| json!({
            "Id": c.id, "Type": c.kind.as_str() })).collect::<Vec<_>>() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::types::Operation;

    /// One mock rule per row of the operation table: an operation without one would compile
    /// and then fail on the `mock` backend ("no rule matched").
    #[test]
    fn the_mock_has_a_rule_for_every_operation() {
        let answer: Answer = Arc::new(|_| {
            HttpResponse::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(200).expect("a status"),
                aws_smithy_types::body::SdkBody::empty(),
            )
        });
        assert_eq!(mock_rules(answer).len(), Operation::COUNT);
    }
}
