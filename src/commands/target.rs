//! Where a live command sends its calls: the backend options of `run` and `load`, the guard
//! that keeps requests away from AWS without consent, the client, the runtime, and the latency
//! profile a live command writes.

use std::path::Path;

use clap::ValueEnum;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::scenario::Scenario;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// The in-memory Organizations model, in virtual time (default).
    Sim,
    /// The real SDK client wired to in-process mocks answered by the model (wall-clock time).
    Mock,
    /// A real endpoint through aws-sdk-organizations (loopback only, unless --allow-real-aws).
    Sdk,
}

impl Backend {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Backend::Sim => "sim",
            Backend::Mock => "mock",
            Backend::Sdk => "sdk",
        }
    }
}

/// The backend and the options of the live ones, shared by `run` and `load`.
#[derive(Debug, Clone, clap::Args)]
pub struct LiveOpts {
    /// Where to deploy.
    #[arg(long, value_enum, default_value = "sim")]
    pub backend: Backend,
    /// Endpoint URL for `--backend sdk` (default: the SDK's AWS_ENDPOINT_URL, else AWS).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Allow `--backend sdk` to deploy to an endpoint that is not a loopback address (AWS
    /// itself): the organization id must then be confirmed.
    #[arg(long)]
    pub allow_real_aws: bool,
    /// The organization id, confirmed without a prompt (with --allow-real-aws).
    #[arg(long, value_name = "o-ID")]
    pub confirm_org: Option<String>,
    /// For `mock` and `sdk`: seconds between DescribeCreateAccountStatus polls, instead of
    /// the scenario's `[deploy] poll_interval_s`.
    #[arg(long, value_name = "SECONDS")]
    pub poll_interval: Option<f64>,
    /// For `mock`: engine milliseconds per wall-clock millisecond (e.g. 60 runs a minute of
    /// the model's time per second).
    #[arg(long, value_name = "X")]
    pub time_scale: Option<f64>,
    /// For `sdk` against a loopback endpoint (moto) that has no organization yet: create one
    /// (all features) first. Refused for any other endpoint.
    #[arg(long)]
    pub create_organization: bool,
    /// For `sdk`: seconds to open a connection before the endpoint counts as unreachable
    /// [default: 10].
    #[arg(long, value_name = "SECONDS")]
    pub connect_timeout: Option<f64>,
    /// For `sdk`: seconds from a request to the first byte of its answer [default: 30].
    #[arg(long, value_name = "SECONDS")]
    pub read_timeout: Option<f64>,
    /// For `sdk`: seconds one call may take in all, its answer read [default: 60].
    #[arg(long, value_name = "SECONDS")]
    pub operation_timeout: Option<f64>,
    /// For `sdk`: pages one listing may take before the endpoint counts as looping
    /// [default: 5000].
    #[arg(long, value_name = "N")]
    pub max_pages: Option<usize>,
}

impl LiveOpts {
    /// Checks the backend options against each other and the latency-profile flags
    /// `(--latency-profile, --write-latency-profile)`; returns the time scale.
    pub(crate) fn validate(&self, profiles: (bool, bool)) -> Result<f64> {
        let (read, write) = profiles;
        if self.backend == Backend::Sim {
            if self.poll_interval.is_some()
                || self.time_scale.is_some()
                || self.allow_real_aws
                || self.endpoint.is_some()
                || self.confirm_org.is_some()
                || self.create_organization
            {
                return Err(Error::flag("--endpoint, --allow-real-aws, --confirm-org, --create-organization, --poll-interval and --time-scale apply to --backend mock|sdk"));
            }
            if write {
                return Err(Error::flag("--write-latency-profile applies to --backend mock|sdk: the simulated backend measures nothing"));
            }
        } else if read {
            return Err(Error::flag("--latency-profile applies to --backend sim (the model); a live backend measures its own"));
        }
        use crate::config::limits::{MAX_POLL_INTERVAL_S, MAX_TIME_SCALE, MIN_TIME_SCALE};
        if let Some(p) = self.poll_interval {
            if !(p > 0.0 && p <= MAX_POLL_INTERVAL_S) {
                return Err(Error::flag(format!(
                    "--poll-interval must be a number of seconds greater than 0 and at most \
                     {MAX_POLL_INTERVAL_S} (7 days, as [deploy] poll_interval_s), not {p:?}"
                )));
            }
        }
        let scale = self.time_scale.unwrap_or(1.0);
        if !(scale > 0.0 && scale.is_finite()) {
            return Err(Error::flag("--time-scale must be greater than 0"));
        }
        if !(MIN_TIME_SCALE..=MAX_TIME_SCALE).contains(&scale) {
            return Err(Error::flag(format!(
                "--time-scale must be between {MIN_TIME_SCALE} and {MAX_TIME_SCALE} (engine \
                 milliseconds per wall-clock millisecond), not {scale:?}"
            )));
        }
        if self.create_organization && self.backend != Backend::Sdk {
            return Err(Error::flag(
                "--create-organization only applies to --backend sdk (the mock backend has its organization)",
            ));
        }
        if self.has_limits() && self.backend != Backend::Sdk {
            return Err(Error::flag(
                "--connect-timeout, --read-timeout, --operation-timeout and --max-pages only apply to --backend sdk (the mock backend is in process)",
            ));
        }
        self.limits()?;
        if self.time_scale.is_some() && self.backend != Backend::Mock {
            return Err(Error::flag(
                "--time-scale only applies to --backend mock (a real endpoint runs in real time)",
            ));
        }
        Ok(scale)
    }
}

/// Longest timeout a flag may set: a day.
const MAX_TIMEOUT_S: f64 = 86_400.0;

impl LiveOpts {
    fn has_limits(&self) -> bool {
        self.connect_timeout.is_some()
            || self.read_timeout.is_some()
            || self.operation_timeout.is_some()
            || self.max_pages.is_some()
    }

    /// The endpoint's timeouts and caps: the defaults ([`crate::org::sdk::DEFAULT_LIMITS`])
    /// unless a flag says otherwise.
    pub(crate) fn limits(&self) -> Result<crate::org::sdk::Limits> {
        let mut l = crate::org::sdk::Limits::default();
        for (flag, value, slot) in [
            (
                "--connect-timeout",
                self.connect_timeout,
                &mut l.connect_timeout,
            ),
            ("--read-timeout", self.read_timeout, &mut l.read_timeout),
            (
                "--operation-timeout",
                self.operation_timeout,
                &mut l.operation_timeout,
            ),
        ] {
            if let Some(v) = value {
                if !(v > 0.0 && v <= MAX_TIMEOUT_S) {
                    return Err(Error::flag(format!(
                        "{flag} must be a number of seconds greater than 0 and at most {MAX_TIMEOUT_S}, not {v}"
                    )));
                }
                *slot = std::time::Duration::from_secs_f64(v);
            }
        }
        if let Some(n) = self.max_pages {
            if n == 0 {
                return Err(Error::flag("--max-pages must be at least 1"));
            }
            l.max_pages = n;
        }
        Ok(l)
    }
}

/// The `[deploy]` settings of a live run: lookups on (idempotent apply), no simulated deployer
/// overhead (the real one is what it is), the poll interval from `--poll-interval` if given.
pub fn live_deploy_config(
    sc: &Scenario,
    poll_interval: Option<f64>,
) -> crate::engine::DeployConfig {
    let mut cfg = sc.deploy.clone();
    cfg.lookup_existing = true;
    cfg.overhead_s = 0.0;
    cfg.overhead = None;
    if let Some(p) = poll_interval {
        cfg.poll_interval_s = p;
    }
    cfg
}

/// [`live_deploy_config`], with `--poll-interval` held to the file's bounds: with
/// `create_timeout_s`, at most `MAX_POLLS_PER_CREATION` polls of one creation.
pub(crate) fn checked_live_deploy_config(
    sc: &Scenario,
    poll_interval: Option<f64>,
) -> Result<crate::engine::DeployConfig> {
    let cfg = live_deploy_config(sc, poll_interval);
    if let Some(p) = poll_interval {
        cfg.check().map_err(|e| {
            let key = e.field.as_deref().unwrap_or("deploy");
            Error::flag_value(
                &format!("--poll-interval {p:?}"),
                format!("{key} {}", e.message),
            )
        })?;
    }
    Ok(cfg)
}

/// Where a live command sends its calls, and the user's consent for a real endpoint.
pub(crate) struct Target<'a> {
    pub backend: Backend,
    pub endpoint: Option<&'a str>,
    pub allow_real_aws: bool,
    pub confirm_org: Option<&'a str>,
    pub create_organization: bool,
}

impl<'a> Target<'a> {
    pub(crate) fn of(o: &'a LiveOpts) -> Target<'a> {
        Target {
            backend: o.backend,
            endpoint: o.endpoint.as_deref(),
            allow_real_aws: o.allow_real_aws,
            confirm_org: o.confirm_org.as_deref(),
            create_organization: o.create_organization,
        }
    }

    /// The guard, before anything is built or sent: `sdk` against an endpoint that is not a
    /// loopback address needs `--allow-real-aws`. Returns the resolved endpoint.
    pub(crate) fn guard(&self) -> Result<Option<String>> {
        use crate::org::sdk;
        let endpoint = match self.backend {
            Backend::Sdk => sdk::resolve_endpoint(self.endpoint),
            _ => None,
        };
        if let Some(ep) = endpoint.as_deref() {
            if let Err(why) = sdk::check_url(ep) {
                let from = if self.endpoint.is_some() {
                    "--endpoint"
                } else {
                    "AWS_ENDPOINT_URL"
                };
                return Err(Error::flag(format!(
                    "{from} `{}` is not a URL: {why} (e.g. http://127.0.0.1:5000)",
                    crate::text::clean_line(ep)
                )));
            }
        }
        let loopback = endpoint.as_deref().is_some_and(sdk::is_loopback);
        if self.backend == Backend::Sdk && !loopback && !self.allow_real_aws {
            return Err(Error::endpoint(format!(
                "refusing to deploy to {}: it is not a loopback address, and accounts created in AWS cannot simply be deleted; pass --allow-real-aws (and confirm the organization id) to deploy there",
                endpoint.as_deref().unwrap_or("AWS (no --endpoint, no AWS_ENDPOINT_URL)")
            )));
        }
        if self.create_organization && !loopback {
            return Err(Error::flag(format!(
                "--create-organization only applies to a loopback endpoint (moto), not {}: create the organization in AWS yourself ({CREATE_ORG_HINT})",
                endpoint.as_deref().unwrap_or("AWS")
            )));
        }
        Ok(endpoint)
    }

    /// The client: the in-process mock (answered by a model of `sc`), or the SDK's against
    /// `endpoint` within `limits`, whose organization is read and — off loopback — confirmed
    /// by the user. Any failure to read it is one line naming the endpoint and what it did.
    pub(crate) async fn connect(
        &self,
        endpoint: Option<&str>,
        limits: &crate::org::sdk::Limits,
        sc: &Scenario,
        seed: u64,
        clock: Clock,
    ) -> Result<Connected> {
        use crate::org::{mock, sdk};
        if self.backend == Backend::Mock {
            let m = mock::MockService::new(sc, seed, clock);
            return Ok(Connected {
                client: m.client().clone(),
                org: m.org_info(),
                mock: Some(m),
            });
        }
        let client = sdk::client(endpoint, limits).await;
        let loopback = endpoint.is_some_and(sdk::is_loopback);
        let at = endpoint.unwrap_or("AWS");
        let cannot_read = |e: crate::org::types::ApiError| {
            Error::endpoint(format!(
                "cannot read the organization at {at}: DescribeOrganization: {} ({})",
                e.message, e.code
            ))
        };
        let org = match sdk::describe_organization(&client).await {
            Ok(o) => o,
            Err(e) if e.code.as_str() == NOT_IN_USE && loopback && self.create_organization => {
                create_organization(&client, at).await?;
                sdk::describe_organization(&client)
                    .await
                    .map_err(cannot_read)?
            }
            Err(e) if e.code.as_str() == NOT_IN_USE && loopback => {
                return Err(Error::endpoint(format!(
                    "{at} has no organization ({NOT_IN_USE}): pass --create-organization to create one there, or start moto with `eval \"$(scripts/moto.sh start)\"`, which creates it"
                )));
            }
            Err(e) if e.code.as_str() == NOT_IN_USE => {
                return Err(Error::endpoint(format!(
                    "the account behind these credentials is not in an organization ({NOT_IN_USE}): orgsim deploys into an existing one; {CREATE_ORG_HINT}, then run again"
                )));
            }
            Err(e) => return Err(cannot_read(e)),
        };
        if !loopback {
            let typed = match self.confirm_org {
                Some(c) => c.to_string(),
                None => {
                    eprint!(
                        "Deploy into organization {}? Type its id to confirm: ",
                        org.id
                    );
                    let mut line = String::new();
                    let _ = std::io::stdin().read_line(&mut line);
                    line.trim().to_string()
                }
            };
            if typed != org.id {
                return Err(Error::OrgNotConfirmed { expected: org.id });
            }
        }
        Ok(Connected {
            client,
            mock: None,
            org,
        })
    }
}

/// A live command's connection: the client, the in-process model behind it (`mock`), and what
/// DescribeOrganization said (the management account, never touched).
pub(crate) struct Connected {
    pub client: aws_sdk_organizations::Client,
    pub mock: Option<crate::org::mock::MockService>,
    pub org: crate::org::sdk::OrgInfo,
}

/// `[[service.faults]]` are the model's: on `sdk` the endpoint answers for itself. Said on
/// stderr when a scenario has some.
pub(crate) fn note_unapplied_faults(backend: Backend, sc: &Scenario) {
    if backend == Backend::Sdk && !sc.service.faults.is_empty() {
        super::style::note(&format!(
            "note: the scenario's {} [[service.faults]] apply to the model (--backend sim or mock); the endpoint is not faulted",
            sc.service.faults.len()
        ));
    }
}

/// The error code of an endpoint whose account is not in an organization.
const NOT_IN_USE: &str = "AWSOrganizationsNotInUseException";

/// How to create an organization in AWS (orgsim does not, off loopback).
const CREATE_ORG_HINT: &str = "from the management account: the AWS console's Organizations page, \
     \"Create an organization\", or `aws organizations create-organization --feature-set ALL`";

/// `--create-organization`: CreateOrganization with all features (loopback only; checked by
/// [`Target::guard`]).
async fn create_organization(client: &aws_sdk_organizations::Client, at: &str) -> Result<()> {
    use aws_sdk_organizations::types::OrganizationFeatureSet;
    let out = client
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .map_err(|e| {
            Error::endpoint(format!(
                "cannot create the organization at {at}: {}",
                crate::org::sdk::map_error(e, |_| None).message
            ))
        })?;
    eprintln!(
        "created organization {} at {at}",
        crate::text::clean_line(out.organization().and_then(|o| o.id()).unwrap_or("(no id)"))
    );
    Ok(())
}

/// A multi-threaded tokio runtime for the live commands.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::endpoint(format!("cannot start the async runtime: {e}")))
}

/// Writes the latency profile a live command measured (`--write-latency-profile`); its source
/// names the command (`run` or `load`), the scenario, the backend and the endpoint.
pub(crate) fn write_profile(
    path: &Path,
    command: &str,
    scenario: &Path,
    target: &Target,
    endpoint: Option<&str>,
    calls: &[crate::loadtest::CallSample],
    creations_ms: &[u64],
) -> Result<()> {
    let source = format!(
        "orgsim {command} {} --backend {}{}",
        scenario.display(),
        target.backend.as_str(),
        endpoint
            .map(|e| format!(" --endpoint {e}"))
            .unwrap_or_default()
    );
    let profile = crate::config::LatencyProfile::measured(
        source,
        calls.iter().map(|c| (c.0, c.1)),
        creations_ms,
    );
    super::common::write_file(path, profile.json())
}
