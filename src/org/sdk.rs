//! The aws-sdk-organizations adapter: the engine's [`Request`]s executed through the real SDK
//! client, answers and errors mapped to the same [`Response`] / [`ApiError`] types the model
//! produces, so the engine, the analysis and the reports cannot tell the backends apart.
//!
//! This module does I/O (it is one of the edges, with `live`, `report` and `main`).
//!
//! - SDK-level retries are off ([`RetryConfig::disabled`]): the engine retries, and sees and
//!   records every throttle.
//! - Endpoint from `--endpoint` or the SDK's standard `AWS_ENDPOINT_URL`; region and credentials
//!   from the standard AWS chain (region `us-east-1` when the chain has none: Organizations is a
//!   global service served from there). A loopback endpoint never sees a proxy or the instance
//!   metadata service: no proxy in its connector, the region from the environment or the
//!   profile file else `us-east-1` (said on stderr), the credentials from the environment's
//!   keys else static test credentials (what moto and other emulators accept); see [`client`].
//! - List operations are paginated here: one engine call is one complete listing.
//! - Errors: the code from the SDK's error metadata, spelled as AWS spells it; a
//!   ConstraintViolationException carries its `Reason`; a 5xx without a code is a
//!   `ServiceException`; a failure to reach the endpoint is `RequestDispatchFailure`.

use std::net::IpAddr;

use aws_config::retry::RetryConfig;
use aws_config::BehaviorVersion;
use aws_sdk_organizations::config::http::HttpResponse;
use aws_sdk_organizations::config::Credentials;
use aws_sdk_organizations::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_organizations::types as t;
use aws_sdk_organizations::Client;

use super::types::{
    Account, AccountNode, ApiError, ApiResult, ConstraintViolationReason,
    CreateAccountFailureReason, CreateAccountState, CreateAccountStatus, ErrorCode, OrgSnapshot,
    OrganizationalUnit, OuNode, Parent, ParentType, PolicySummary, PolicyTarget, Request, Response,
    Root, SharedStr, Tags, TargetKind,
};

/// The region used when the standard chain gives none.
pub const DEFAULT_REGION: &str = "us-east-1";

/// True when `url`'s host is a loopback address (`127.0.0.0/8`, `::1`) or `localhost`.
pub fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(h) = host_port.strip_prefix('[') {
        h.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The endpoint a run will talk to: `--endpoint`, else the standard environment variables
/// (`AWS_ENDPOINT_URL_ORGANIZATIONS`, `AWS_ENDPOINT_URL`). `None`: AWS itself.
pub fn resolve_endpoint(flag: Option<&str>) -> Option<String> {
    flag.map(str::to_string).or_else(|| {
        ["AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_ENDPOINT_URL"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    })
}

/// An Organizations client for `endpoint` (or AWS), SDK retries off.
///
/// A loopback endpoint is local in every way: its requests never go through a proxy
/// (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` are not read: the connector has none), and nothing
/// asks the instance metadata service (169.254.169.254) — the region comes from `AWS_REGION`,
/// `AWS_DEFAULT_REGION` or the profile file, else [`DEFAULT_REGION`] (said on stderr), and the
/// credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, else static test credentials
/// (no profile, container or instance credentials).
pub async fn client(endpoint: Option<&str>) -> Client {
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).retry_config(RetryConfig::disabled());
    if let Some(ep) = endpoint {
        loader = loader.endpoint_url(ep);
        if is_loopback(ep) {
            loader = loader
                .http_client(no_proxy_http_client())
                .credentials_provider(loopback_credentials())
                .region(loopback_region().await);
        }
    }
    let conf = loader.load().await;
    let mut b = aws_sdk_organizations::config::Builder::from(&conf);
    if conf.region().is_none() {
        b = b.region(aws_sdk_organizations::config::Region::new(DEFAULT_REGION));
    }
    Client::from_conf(b.build())
}

/// The SDK's default HTTPS client (rustls with aws-lc, as `default-https-client` builds it),
/// with no proxy whatever the environment says.
fn no_proxy_http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::{tls, Builder, ConnectorBuilder};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut conn = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        conn.set_connector_settings(settings.cloned());
        if let Some(c) = components {
            conn.set_sleep_impl(c.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::disabled()));
        conn.build()
    })
}

/// A loopback endpoint's credentials: the environment's keys, else static test credentials.
fn loopback_credentials() -> aws_sdk_organizations::config::SharedCredentialsProvider {
    use aws_sdk_organizations::config::SharedCredentialsProvider;
    let id = std::env::var("AWS_ACCESS_KEY_ID")
        .ok()
        .filter(|v| !v.is_empty());
    let secret = std::env::var("AWS_SECRET_ACCESS_KEY")
        .ok()
        .filter(|v| !v.is_empty());
    match (id, secret) {
        (Some(_), Some(_)) => SharedCredentialsProvider::new(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        ),
        _ => SharedCredentialsProvider::new(Credentials::new("test", "test", None, None, "orgsim")),
    }
}

/// A loopback endpoint's region: the environment's or the profile file's, else
/// [`DEFAULT_REGION`], said on stderr. Never the instance metadata service.
async fn loopback_region() -> aws_sdk_organizations::config::Region {
    use aws_config::environment::EnvironmentVariableRegionProvider;
    use aws_config::meta::region::RegionProviderChain;
    use aws_config::profile::region::ProfileFileRegionProvider;
    let chain = RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
        .or_else(ProfileFileRegionProvider::new());
    match chain.region().await {
        Some(r) => r,
        None => {
            eprintln!(
                "note: no AWS region configured (AWS_REGION, AWS_DEFAULT_REGION, the profile file): using {DEFAULT_REGION} for the loopback endpoint"
            );
            aws_sdk_organizations::config::Region::new(DEFAULT_REGION)
        }
    }
}

/// The organization's id and its management account's id (DescribeOrganization).
pub async fn describe_organization(client: &Client) -> Result<(String, String), ApiError> {
    let out = client
        .describe_organization()
        .send()
        .await
        .map_err(|e| map_error(e, |_| None))?;
    let org = out.organization();
    Ok((
        org.and_then(|o| o.id()).unwrap_or_default().to_string(),
        org.and_then(|o| o.master_account_id())
            .unwrap_or_default()
            .to_string(),
    ))
}

/// Maps an SDK error to orgsim's error type. `reason` extracts a ConstraintViolationException's
/// `Reason` from the operation's typed error.
pub fn map_error<E>(e: SdkError<E, HttpResponse>, reason: impl Fn(&E) -> Option<String>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &e {
        SdkError::ServiceError(se) => {
            let err = se.err();
            let message = err.message().unwrap_or_default().to_string();
            let code = match err.code() {
                Some("ConstraintViolationException") => {
                    ErrorCode::ConstraintViolationException(ConstraintViolationReason::parse(
                        &reason(err).unwrap_or_else(|| "UNKNOWN".into()),
                    ))
                }
                Some(c) => ErrorCode::parse(c),
                None => {
                    // No code: an unmodeled answer (e.g. an HTML 500 page).
                    if se.raw().status().is_server_error() {
                        ErrorCode::ServiceException
                    } else {
                        ErrorCode::Other("UnknownError".into())
                    }
                }
            };
            let message = if message.is_empty() {
                DisplayErrorContext(&e).to_string()
            } else {
                message
            };
            ApiError::new(code, message)
        }
        SdkError::TimeoutError(_) => ApiError::new(
            ErrorCode::Other("RequestTimeout".into()),
            DisplayErrorContext(&e).to_string(),
        ),
        SdkError::ResponseError(r) => {
            // An answer the SDK could not parse (e.g. an HTML 500 page).
            let code = if r.raw().status().is_server_error() {
                ErrorCode::ServiceException
            } else {
                ErrorCode::Other("UnparseableResponse".into())
            };
            ApiError::new(code, DisplayErrorContext(&e).to_string())
        }
        SdkError::DispatchFailure(_) => ApiError::new(
            ErrorCode::Other("RequestDispatchFailure".into()),
            DisplayErrorContext(&e).to_string(),
        ),
        _ => ApiError::new(
            ErrorCode::Other("SdkError".into()),
            DisplayErrorContext(&e).to_string(),
        ),
    }
}

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
/// enclosing function, which returns `ApiResult`.
macro_rules! all_pages {
    ($builder:expr) => {
        $builder
            .into_paginator()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| map_error(e, no_reason))?
    };
}

fn no_reason<E>(_: &E) -> Option<String> {
    None
}

fn sdk_tags(tags: &Tags) -> Option<Vec<t::Tag>> {
    if tags.is_empty() {
        return None;
    }
    Some(
        tags.iter()
            .filter_map(|(k, v)| t::Tag::builder().key(k).value(v).build().ok())
            .collect(),
    )
}

fn s(o: Option<&str>) -> SharedStr {
    o.unwrap_or_default().into()
}

fn ou(o: &t::OrganizationalUnit) -> OrganizationalUnit {
    OrganizationalUnit {
        id: s(o.id()),
        arn: s(o.arn()),
        name: s(o.name()),
    }
}

fn policy(p: &t::PolicySummary) -> PolicySummary {
    PolicySummary {
        id: s(p.id()),
        arn: s(p.arn()),
        name: s(p.name()),
        aws_managed: p.aws_managed(),
    }
}

fn account(a: &t::Account) -> Account {
    Account {
        id: s(a.id()),
        arn: s(a.arn()),
        name: s(a.name()),
        email: s(a.email()),
        status: a.status().map(|x| x.as_str().into()).unwrap_or_default(),
    }
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
        id: s(c.id()),
        account_name: s(c.account_name()),
        state,
        account_id: c.account_id().map(SharedStr::from),
        failure_reason: c
            .failure_reason()
            .and_then(|r| CreateAccountFailureReason::parse(r.as_str())),
    }))
}

/// Executes `req` through `client`.
pub async fn call(client: &Client, req: &Request) -> ApiResult {
    use aws_sdk_organizations::operation as op;
    let scp = t::PolicyType::ServiceControlPolicy;
    match req {
        Request::ListRoots => {
            let pages = all_pages!(client.list_roots());
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.roots())
                .map(|x| Root {
                    id: s(x.id()),
                    arn: s(x.arn()),
                    name: s(x.name()),
                })
                .collect();
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
                .map(|o| Response::OrganizationalUnit(ou(o)))
                .ok_or_else(|| missing("OrganizationalUnit"))
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
                .map(|p| Response::Policy(policy(p)))
                .ok_or_else(|| missing("Policy"))
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
            let pages = all_pages!(client.list_parents().child_id(child_id));
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.parents())
                .map(|p| Parent {
                    id: s(p.id()),
                    kind: match p.r#type() {
                        Some(t::ParentType::Root) => ParentType::Root,
                        _ => ParentType::OrganizationalUnit,
                    },
                })
                .collect();
            Ok(Response::Parents(out))
        }
        Request::ListAccountsForParent { parent_id } => {
            let pages = all_pages!(client.list_accounts_for_parent().parent_id(parent_id));
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.accounts())
                .map(account)
                .collect();
            Ok(Response::Accounts(out))
        }
        Request::ListOrganizationalUnitsForParent { parent_id } => {
            let pages = all_pages!(client
                .list_organizational_units_for_parent()
                .parent_id(parent_id));
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.organizational_units())
                .map(ou)
                .collect();
            Ok(Response::OrganizationalUnits(out))
        }
        Request::ListAccounts => {
            let pages = all_pages!(client.list_accounts());
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.accounts())
                .map(account)
                .collect();
            Ok(Response::Accounts(out))
        }
        Request::ListPolicies => {
            let pages = all_pages!(client.list_policies().filter(scp.clone()));
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.policies())
                .map(policy)
                .collect();
            Ok(Response::Policies(out))
        }
        Request::ListPoliciesForTarget { target_id } => {
            let pages = all_pages!(client
                .list_policies_for_target()
                .target_id(target_id)
                .filter(scp.clone()));
            let out: Vec<_> = pages
                .iter()
                .flat_map(|r| r.policies())
                .map(policy)
                .collect();
            Ok(Response::Policies(out))
        }
        Request::ListTagsForResource { resource_id } => {
            let pages = all_pages!(client.list_tags_for_resource().resource_id(resource_id));
            let out: Tags = pages
                .iter()
                .flat_map(|r| r.tags())
                .map(|x| (x.key().to_string(), x.value().to_string()))
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
                .map(|a| Response::Account(account(a)))
                .ok_or_else(|| missing("Account"))
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
                .map(|o| Response::OrganizationalUnit(ou(o)))
                .ok_or_else(|| missing("OrganizationalUnit"))
        }
        Request::DescribePolicy { policy_id } => {
            let r = client
                .describe_policy()
                .policy_id(policy_id)
                .send()
                .await
                .map_err(|e| map_error(e, no_reason))?;
            r.policy()
                .and_then(|p| p.policy_summary())
                .map(|p| Response::Policy(policy(p)))
                .ok_or_else(|| missing("Policy"))
        }
        Request::ListTargetsForPolicy { policy_id } => {
            let pages = all_pages!(client.list_targets_for_policy().policy_id(policy_id));
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

fn missing(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::Other("InvalidResponse".into()),
        format!("no {what} in the answer"),
    )
}

/// Reads the whole organization back through `client`: the root, every OU (recursively), every
/// account and where it is, the service control policies, their attachments to the root, OUs
/// and accounts, and the tags of OUs and accounts.
pub async fn read_organization(client: &Client) -> Result<OrgSnapshot, ApiError> {
    let (_, management_account_id) = describe_organization(client).await?;
    let root_id = match call(client, &Request::ListRoots).await? {
        Response::Roots(r) if !r.is_empty() => String::from(&r[0].id),
        _ => return Err(missing("root")),
    };
    let mut snap = OrgSnapshot {
        root_id: root_id.clone(),
        management_account_id,
        ..OrgSnapshot::default()
    };
    let mut parents = vec![root_id.clone()];
    let mut targets = vec![root_id.clone()];
    while let Some(parent) = parents.pop() {
        let req = Request::ListOrganizationalUnitsForParent {
            parent_id: parent.as_str().into(),
        };
        if let Response::OrganizationalUnits(ous) = call(client, &req).await? {
            for o in ous {
                let tags = tags_of(client, &o.id).await?;
                parents.push(String::from(&o.id));
                targets.push(String::from(&o.id));
                snap.ous.push(OuNode {
                    id: o.id,
                    name: o.name,
                    parent_id: parent.as_str().into(),
                    tags,
                });
            }
        }
        let req = Request::ListAccountsForParent {
            parent_id: parent.as_str().into(),
        };
        if let Response::Accounts(accts) = call(client, &req).await? {
            for a in accts {
                let tags = tags_of(client, &a.id).await?;
                targets.push(String::from(&a.id));
                snap.accounts.push(AccountNode {
                    id: a.id,
                    name: a.name,
                    email: a.email,
                    parent_id: parent.as_str().into(),
                    tags,
                });
            }
        }
    }
    if let Response::Policies(ps) = call(client, &Request::ListPolicies).await? {
        snap.policies = ps;
    }
    for target in targets {
        let req = Request::ListPoliciesForTarget {
            target_id: target.as_str().into(),
        };
        if let Response::Policies(ps) = call(client, &req).await? {
            snap.attachments
                .extend(ps.into_iter().map(|p| (p.id, target.as_str().into())));
        }
    }
    snap.ous.sort_by(|a, b| a.id.cmp(&b.id));
    snap.accounts.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(snap)
}

async fn tags_of(client: &Client, id: &str) -> Result<Tags, ApiError> {
    match call(
        client,
        &Request::ListTagsForResource {
            resource_id: id.into(),
        },
    )
    .await?
    {
        Response::Tags(t) => Ok(t),
        _ => Ok(Tags::new()),
    }
}

#[cfg(test)]
mod tests;
