//! `orgsim serve`: the scenario's organization as an AWS Organizations endpoint on loopback,
//! with the model's limits in real time (`crate::serve`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::config::units::parse_duration_ms;
use crate::error::{Error, Result, Verdict};
use crate::serve::{http, Served};

/// Serve a scenario's organization as an AWS Organizations endpoint, with its limits.
///
/// Speaks the AWS JSON 1.1 protocol as the SDKs do (POST /, X-Amz-Target:
/// AWSOrganizationsV20161128.<Operation>): point boto3, the AWS CLI or `orgsim run --backend
/// sdk` at it with an endpoint URL. The scenario's [service] applies in real time: token
/// buckets, the five creations in progress, account creation times, quotas, faults. Any
/// credentials and any SigV4 signature are accepted: nothing is checked. Admin paths: GET
/// /_orgsim/health, GET /_orgsim/report (every request traced), POST /_orgsim/reset. Stops on
/// Ctrl-C, SIGTERM or --duration, printing what was served (and with --out DIR writing the
/// report of what the client did, as `run --out` writes one, and requests.json there). See docs/serve.md.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim serve scenarios/two-customers.toml\n  orgsim serve scenarios/two-customers.toml --port 4566 --time-scale 10\n  orgsim serve scenarios/two-customers.toml --port 0 --duration 10m --empty\n  orgsim serve scenarios/two-customers.toml --out out/served"
)]
pub struct Args {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// The port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 4566)]
    pub port: u16,
    /// The address to listen on. Anything but loopback needs --allow-remote.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// Listen on a non-loopback --bind address: anyone who reaches it can call the endpoint,
    /// which checks no credentials.
    #[arg(long)]
    pub allow_remote: bool,
    #[command(flatten)]
    pub seed: super::shared::SeedArg,
    /// Model milliseconds per wall-clock millisecond (default 1): 10 makes creations,
    /// latencies and bucket refills 10 times faster. A client's own backoff does not scale.
    #[arg(long, value_name = "X")]
    pub time_scale: Option<f64>,
    /// Stop after this long (wall clock), e.g. 90s, 15m.
    #[arg(long, value_name = "D")]
    pub duration: Option<String>,
    /// Start with no organization: clients call CreateOrganization themselves.
    #[arg(long)]
    pub empty: bool,
    /// Connections open at once; more are closed as they arrive.
    #[arg(long, value_name = "N", default_value_t = http::Limits::default().max_connections)]
    pub max_connections: usize,
    /// At the stop (and at each GET /_orgsim/report), write into this directory what `run
    /// --out` writes (report.json, .md, .html, timeline.svg, margin.svg) of what the client
    /// did, and requests.json (every request traced, the counts).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub latency_profile: super::shared::LatencyProfileArg,
}

/// The files `--out` writes: the requests, and what `run --out` writes.
const OUT_FILES: [&str; 6] = [
    "requests.json",
    "report.json",
    "report.md",
    "report.html",
    "timeline.svg",
    "margin.svg",
];

/// The most --max-connections may be.
const MAX_CONNECTIONS: usize = 10_000;

/// The most a --time-scale may be.
const MAX_TIME_SCALE: f64 = 1_000_000.0;

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let scale = a.time_scale.unwrap_or(1.0);
    if !(scale > 0.0 && scale.is_finite() && scale <= MAX_TIME_SCALE) {
        return Err(Error::flag(format!(
            "--time-scale must be greater than 0 and at most {MAX_TIME_SCALE}"
        )));
    }
    let duration = match &a.duration {
        Some(d) => {
            let ms = parse_duration_ms(d).map_err(|e| Error::flag_value("--duration", e))?;
            if ms == 0 {
                return Err(Error::flag("--duration must be more than 0"));
            }
            Some(Duration::from_millis(ms))
        }
        None => None,
    };
    if !(1..=MAX_CONNECTIONS).contains(&a.max_connections) {
        return Err(Error::flag(format!(
            "--max-connections must be 1 to {MAX_CONNECTIONS}"
        )));
    }
    if !a.bind.is_loopback() && !a.allow_remote {
        return Err(Error::flag(format!(
            "--bind {}: not a loopback address; the endpoint checks no credentials, so pass \
             --allow-remote to listen there",
            a.bind
        )));
    }
    super::common::check_outputs(a.out.as_deref().map(|d| (d, &OUT_FILES[..])), &[])?;
    let mut sc = crate::scenario::read(&a.scenario)?;
    super::common::use_latency_profile(&mut sc, a.latency_profile.latency_profile.as_ref())?;
    let seed = a.seed.seed.unwrap_or(sc.seed);
    let served = Served::new(&sc, seed, a.empty, http::epoch_ms());
    let shared = Arc::new(http::Shared::new(served, scale).with_out(a.out.clone()));
    let rt = super::target::runtime()?;
    let addr = SocketAddr::new(a.bind, a.port);
    rt.block_on(async move {
        let listener = http::bind(addr)
            .await
            .map_err(|e| Error::flag(format!("--port {}: cannot listen on {addr}: {e}", a.port)))?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::flag(format!("cannot read the bound address: {e}")))?;
        if !a.bind.is_loopback() {
            eprintln!(
                "warning: listening on {local}, not loopback: anyone who reaches it can call this endpoint, which checks no credentials"
            );
        }
        println!(
            "orgsim serve: listening on http://{local} (scenario {}, seed {seed}, time scale {scale}{})",
            crate::text::clean_line(&sc.name),
            if a.empty { ", no organization yet" } else { "" }
        );
        super::style::note(
            "note: any credentials and any SigV4 signature are accepted; Ctrl-C stops and prints a summary",
        );
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let limits = http::Limits {
            max_connections: a.max_connections,
            ..http::Limits::default()
        };
        http::serve(listener, Arc::clone(&shared), limits, stop(duration)).await;
        if let Some(dir) = &a.out {
            let files = shared.out_files().map_err(|e| Error::io(dir, e))?;
            super::common::write_out(dir, &files)?;
        }
        super::output::write_stdout(&shared.summary())
    })?;
    Ok(Verdict::Pass)
}

/// Completes on Ctrl-C, SIGTERM or after `duration`.
async fn stop(duration: Option<Duration>) {
    let after = async {
        match duration {
            Some(d) => tokio::time::sleep(d).await,
            None => std::future::pending().await,
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
        () = after => {}
    }
}
