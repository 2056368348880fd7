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
//!   `ServiceException`; a failure to reach the endpoint is `RequestDispatchFailure`. Messages
//!   are one line: the error's causes in plain words, never the SDK's debug dump.
//! - A hostile or broken endpoint cannot hang or exhaust a run ([`Limits`]): connect, read
//!   (first byte) and operation timeouts, a cap on every response body, a cap on the pages of
//!   a listing, and required fields checked (an empty answer is not an organization with id
//!   ""). What breaks one is an [`is_endpoint_fault`] error: the live driver stops on it.
//! - Every text the endpoint sends (names, messages) has its control characters escaped
//!   (`crate::text`): it reaches terminals and reports.

use std::net::IpAddr;
use std::sync::atomic::Ordering;

use aws_config::retry::RetryConfig;
use aws_config::BehaviorVersion;
use aws_sdk_organizations::config::Credentials;
use aws_sdk_organizations::Client;

use super::types::{
    AccountNode, ApiError, ErrorCode, OrgSnapshot, OuNode, Request, Response, Tags,
};

mod convert;
mod errors;
mod limits;
pub(crate) mod ops;
pub use convert::create_account_status;
use convert::missing;
pub(crate) use errors::map_error;
pub use limits::Limits;
use limits::{MAX_BODY, MAX_PAGES, TIMEOUTS_MS};
pub use ops::call;

/// The region used when the standard chain gives none.
pub(crate) const DEFAULT_REGION: &str = "us-east-1";

/// True when `url`'s host is a loopback address (`127.0.0.0/8`, `::1`) or `localhost`.
pub(crate) fn is_loopback(url: &str) -> bool {
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

/// Why `url` is not an endpoint URL (`http://` or `https://`, then a host), if it is not.
pub(crate) fn check_url(url: &str) -> Result<(), &'static str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err("it has no scheme (http:// or https://)");
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err("its scheme is not http or https");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it holds a space or a control character");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(h) = host_port.strip_prefix('[') {
        h.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return Err("it has no host");
    }
    if let Some((_, port)) = host_port
        .rsplit_once(':')
        .filter(|_| !host_port.ends_with(']'))
    {
        if !port.is_empty() && port.parse::<u16>().is_err() {
            return Err("its port is not a number from 0 to 65535");
        }
    }
    Ok(())
}

/// The endpoint a run will talk to: `--endpoint`, else the standard environment variables
/// (`AWS_ENDPOINT_URL_ORGANIZATIONS`, `AWS_ENDPOINT_URL`). `None`: AWS itself.
pub(crate) fn resolve_endpoint(flag: Option<&str>) -> Option<String> {
    flag.map(str::to_string).or_else(|| {
        ["AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_ENDPOINT_URL"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    })
}

/// True when `code` says the endpoint broke the protocol or went silent (no answer within a
/// timeout, an answer too large, endless pages, required fields missing or unparseable): a live
/// run stops at once on it, rather than retrying or judging what such an endpoint built.
pub(crate) fn is_endpoint_fault(code: &ErrorCode) -> bool {
    matches!(
        code.as_str(),
        "RequestTimeout"
            | "ResponseTooLarge"
            | "TooManyPages"
            | "InvalidResponse"
            | "UnparseableResponse"
    )
}

/// Caps the body of every answer at `cap` bytes: the SDK reads a body whole before parsing
/// it, so an endless one would otherwise grow until memory runs out.
#[derive(Debug)]
struct BodyCap(u64);

impl aws_smithy_runtime_api::client::interceptors::Intercept for BodyCap {
    fn name(&self) -> &'static str {
        "orgsim::BodyCap"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut<'_>,
        _: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let cap = self.0 as usize;
        let resp = context.response_mut();
        let body = resp.take_body();
        *resp.body_mut() = body.map(move |b| {
            aws_smithy_types::body::SdkBody::from_body_1_x(http_body_util::Limited::new(b, cap))
        });
        Ok(())
    }
}

/// An Organizations client for `endpoint` (or AWS), SDK retries off, within `limits`.
///
/// A loopback endpoint is local in every way: its requests never go through a proxy
/// (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` are not read: the connector has none), and nothing
/// asks the instance metadata service (169.254.169.254) — the region comes from `AWS_REGION`,
/// `AWS_DEFAULT_REGION` or the profile file, else [`DEFAULT_REGION`] (said on stderr), and the
/// credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, else static test credentials
/// (no profile, container or instance credentials).
pub async fn client(endpoint: Option<&str>, limits: &Limits) -> Client {
    MAX_PAGES.store(limits.max_pages.max(1), Ordering::Relaxed);
    MAX_BODY.store(limits.max_response_bytes, Ordering::Relaxed);
    for (slot, d) in TIMEOUTS_MS.iter().zip([
        limits.connect_timeout,
        limits.read_timeout,
        limits.operation_timeout,
    ]) {
        slot.store(d.as_millis() as u64, Ordering::Relaxed);
    }
    let timeouts = aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(limits.connect_timeout)
        .read_timeout(limits.read_timeout)
        .operation_timeout(limits.operation_timeout)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeouts);
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
    let mut b = aws_sdk_organizations::config::Builder::from(&conf)
        .interceptor(BodyCap(limits.max_response_bytes));
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

/// What DescribeOrganization says of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgInfo {
    pub id: String,
    /// The management account: never adopted, moved or tagged.
    pub management_account_id: String,
    /// Its email, when the endpoint gives it.
    pub management_email: Option<String>,
}

/// The organization's id and its management account (DescribeOrganization). An answer
/// without an organization id or a management account id is an `InvalidResponse`.
pub(crate) async fn describe_organization(client: &Client) -> Result<OrgInfo, ApiError> {
    let out = client
        .describe_organization()
        .send()
        .await
        .map_err(|e| map_error(e, |_| None))?;
    let org = out.organization();
    let field = |v: Option<&str>, name: &str| {
        v.filter(|v| !v.is_empty())
            .map(|v| crate::text::clean_line(v).into_owned())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Other("InvalidResponse".into()),
                    format!("DescribeOrganization answered without {name}"),
                )
            })
    };
    Ok(OrgInfo {
        id: field(org.and_then(|o| o.id()), "an organization Id")?,
        management_account_id: field(org.and_then(|o| o.master_account_id()), "a MasterAccountId")?,
        management_email: org
            .and_then(|o| o.master_account_email())
            .filter(|e| !e.is_empty())
            .map(|e| crate::text::clean_line(e).into_owned()),
    })
}

/// Reads the whole organization back through `client`: the root, every OU (recursively), every
/// account and where it is, the service control policies, their attachments to the root, OUs
/// and accounts, and the tags of OUs and accounts.
pub async fn read_organization(client: &Client) -> Result<OrgSnapshot, ApiError> {
    let management_account_id = describe_organization(client).await?.management_account_id;
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
