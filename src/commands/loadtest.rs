//! `orgsim load`: the load test (virtual time on `sim`, wall-clock time on `mock` and `sdk`).

use std::path::PathBuf;

use super::output::OutputOpts;
use super::target::{self, Backend, LiveOpts, Target};
use crate::clock::Clock;
use crate::config::limits::{MAX_ARRIVALS, MAX_GRACE_MS};
use crate::config::loadtest::{parse_rate_per_min, parse_stages, parse_threshold};
use crate::config::units::parse_duration_ms;
use crate::config::{Arrivals, Stage};
use crate::error::{Error, Result, Verdict};
use crate::loadtest::{self, LoadReport, LoadSpec};
use crate::scenario::Scenario;
use crate::seed::Stream;

/// Load test: customers arrive open-loop and each is onboarded by its own deployment.
///
/// Arrivals follow a constant rate or ramping stages, each onboarded against one shared backend.
/// It reports onboarding and per-operation latency percentiles (raw, and corrected from each
/// arrival's intended start), throughput, errors and latency over time, and exits 1 when a
/// threshold breaks. Against `sim` it runs in virtual time: capacity planning. With --out DIR it
/// also writes load.json, load.md and load.svg (and, with --png, load.png).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim load scenarios/capacity.toml\n  orgsim load scenarios/capacity.toml --rate 4/min --duration 60m\n  orgsim load scenarios/capacity.toml --stages 10m:1/min,30m:4/min --threshold \"p95 onboarding < 15m\""
)]
pub struct Args {
    /// The scenario file (TOML), optionally with a `[load]` table.
    pub scenario: PathBuf,
    #[command(flatten)]
    pub live: LiveOpts,
    /// Constant arrival rate, e.g. 2/min, 0.5/s, 30/h (with --duration).
    #[arg(long, value_name = "RATE", conflicts_with = "stages")]
    pub rate: Option<String>,
    /// How long customers arrive at --rate, e.g. 30m, 90s.
    #[arg(long, value_name = "DURATION", conflicts_with = "stages")]
    pub duration: Option<String>,
    /// Ramping arrival rate, k6-style: DURATION:RATE,... (the rate moves linearly to each
    /// stage's target), e.g. 5m:1/min,10m:4/min,5m:0/min.
    #[arg(long, value_name = "STAGES")]
    pub stages: Option<String>,
    /// How arrivals are spaced (default: the scenario's, else poisson).
    #[arg(long, value_enum)]
    pub arrivals: Option<Arrivals>,
    /// A threshold that makes the command exit 1 when broken (repeatable; added to the
    /// scenario's): `p95 onboarding < 15m`, `p99 CreateAccount < 2s`, `error rate < 1%`,
    /// `throughput > 2/min`.
    #[arg(long = "threshold", value_name = "THRESHOLD")]
    pub thresholds: Vec<String>,
    /// Most onboardings in flight at once (the deployer's runners); later arrivals wait, and
    /// the wait counts in the corrected latency.
    #[arg(long, value_name = "N")]
    pub max_concurrent: Option<usize>,
    /// How long after the last stage onboardings may still finish (default 1h).
    #[arg(long, value_name = "DURATION")]
    pub grace: Option<String>,
    #[command(flatten)]
    pub seed: super::shared::SeedArg,
    #[command(flatten)]
    pub deployer: super::shared::DeployerArg,
    #[command(flatten)]
    pub output: OutputOpts,
    #[command(flatten)]
    pub png: super::shared::PngArg,
    #[command(flatten)]
    pub latency_profile: super::shared::LatencyProfileArg,
    /// For `mock` and `sdk`: write the measured per-operation latencies and account
    /// creation times as a latency profile, for `--latency-profile` on the simulated backend.
    #[arg(long, value_name = "FILE")]
    pub write_latency_profile: Option<PathBuf>,
}

/// The load test's settings: the command line over the scenario's `[load]` table.
fn spec(a: &Args, sc: &Scenario) -> Result<LoadSpec> {
    fn flag(what: &'static str) -> impl Fn(crate::config::Invalid) -> Error {
        move |e| Error::flag_value(what, e)
    }
    let stages = match (&a.rate, &a.duration, &a.stages) {
        (None, None, Some(s)) => parse_stages(s).map_err(flag("--stages"))?,
        (_, _, Some(_)) => {
            return Err(Error::flag(
                "give either --rate and --duration, or --stages, not both",
            ))
        }
        (Some(r), Some(d), None) => {
            let duration_ms = parse_duration_ms(d).map_err(flag("--duration"))?;
            if duration_ms == 0 {
                return Err(Error::flag("--duration must be more than 0"));
            }
            vec![Stage {
                duration_ms,
                target_per_min: parse_rate_per_min(r).map_err(flag("--rate"))?,
            }]
        }
        (Some(_), None, None) => {
            return Err(Error::flag("--rate needs --duration (e.g. --duration 30m)"))
        }
        (None, Some(_), None) => {
            return Err(Error::flag("--duration needs --rate (e.g. --rate 2/min)"))
        }
        (None, None, None) if !sc.load.stages.is_empty() => sc.load.stages.clone(),
        (None, None, None) => {
            return Err(Error::flag(format!(
                "no arrival process: pass --rate and --duration (or --stages), or give {} a [load] table",
                sc.source.display()
            )))
        }
    };
    let from_flags = a.rate.is_some() || a.stages.is_some();
    crate::config::loadtest::check_stages(&stages).map_err(|e| {
        if from_flags {
            Error::flag(format!(
                "{}: {e}",
                if a.stages.is_some() {
                    "--stages"
                } else {
                    "--rate/--duration"
                }
            ))
        } else {
            Error::flag(format!("{}: [load]: {e}", sc.source.display()))
        }
    })?;
    let mut thresholds = sc.load.thresholds.clone();
    for t in &a.thresholds {
        let t = parse_threshold(t).map_err(flag("--threshold"))?;
        // The same threshold in the scenario and on the command line (however written:
        // `15m` or `900s`) is judged and listed once.
        let same = |u: &crate::config::loadtest::Threshold| {
            u.metric == t.metric && u.op == t.op && u.value == t.value
        };
        if !thresholds.iter().any(same) {
            thresholds.push(t);
        }
    }
    let grace_ms = match &a.grace {
        Some(g) => parse_duration_ms(g).map_err(flag("--grace"))?,
        None => sc.load.grace_ms.unwrap_or(loadtest::DEFAULT_GRACE_MS),
    };
    if grace_ms > MAX_GRACE_MS {
        return Err(Error::flag(format!(
            "--grace: {} s is longer than a load test's grace may be ({} s = 7 days, the grace \
             limit)",
            grace_ms / 1000,
            MAX_GRACE_MS / 1000
        )));
    }
    let max_concurrent = a.max_concurrent.or(sc.load.max_concurrent);
    if max_concurrent == Some(0) {
        return Err(Error::flag("--max-concurrent must be at least 1"));
    }
    Ok(LoadSpec {
        stages,
        arrivals: a.arrivals.or(sc.load.arrivals).unwrap_or(Arrivals::Poisson),
        thresholds,
        max_concurrent,
        grace_ms,
    })
}

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let scale = a.live.validate((
        a.latency_profile.latency_profile.is_some(),
        a.write_latency_profile.is_some(),
    ))?;
    let target = Target::of(&a.live);
    // The guard first: an endpoint that is refused is refused whatever else is wrong.
    let endpoint = target.guard()?;
    let mut sc = super::common::read_scenario(&a.scenario, a.deployer.deployer)?;
    super::common::use_latency_profile(&mut sc, a.latency_profile.latency_profile.as_ref())?;
    let spec = spec(&a, &sc)?;
    target::note_unapplied_faults(target.backend, &sc);
    let seed = a.seed.seed.unwrap_or(sc.seed);
    // The stages were checked analytically (`spec`); the draw can still land a little above the
    // limit, or at none at all.
    let times = loadtest::schedule(&spec.stages, spec.arrivals, Stream::Arrivals.seed(seed));
    if times.len() > MAX_ARRIVALS {
        return Err(Error::flag(format!(
            "the stages drew {} arrivals with this seed, more than a load test may schedule \
             ({MAX_ARRIVALS}, the arrival limit)",
            times.len()
        )));
    }
    if times.is_empty() {
        return Err(Error::flag(format!(
            "no arrivals: the stages expect {:.2} arrival(s) and this seed drew none, so nothing \
             would be tested; raise a rate or a duration",
            crate::config::loadtest::expected_arrivals(&spec.stages)
        )));
    }
    // Every output writable before any work, and before the first call to a backend.
    super::common::check_outputs(
        a.output
            .out
            .as_deref()
            .map(|d| (d, &["load.json", "load.md", "load.svg"][..])),
        &[a.write_latency_profile.as_deref()],
    )?;
    let (report, interrupted) = if target.backend == Backend::Sim {
        (loadtest::simulate(&sc, &spec, seed), false)
    } else {
        let to = Live {
            target: &target,
            endpoint,
            scale,
        };
        live(&a, &sc, &spec, &times, seed, &to)?
    };
    let json = loadtest::json(&report);
    let text = loadtest::text(&report);
    let md = || {
        format!(
            "# orgsim load · {}\n\n![onboarding latency over time](load.svg)\n\n```text\n{text}```\n",
            report.scenario
        )
    };
    if let Some(dir) = &a.output.out {
        let mut files = vec![
            ("load.json", json.clone().into_bytes()),
            ("load.md", md().into_bytes()),
            (
                "load.svg",
                crate::report::charts::latency_svg(&report).into_bytes(),
            ),
        ];
        if a.png.png {
            let chart = crate::report::charts::LoadChart(&report);
            files.push(("load.png", super::common::png_of("load.png", &chart)?));
        }
        super::common::write_out(dir, &files)?;
    }
    a.output.print(&json, md, || text.clone())?;
    if interrupted {
        return Err(Error::Interrupted(
            "the report covers what ran until then".into(),
        ));
    }
    Ok(report.verdict)
}

/// Where a live load test goes: the target, its endpoint once guarded, the time scale.
struct Live<'a> {
    target: &'a Target<'a>,
    endpoint: Option<String>,
    scale: f64,
}

/// The live load test (`mock` or `sdk`), its profile if asked, its report; and whether Ctrl-C
/// stopped it.
fn live(
    a: &Args,
    sc: &Scenario,
    spec: &LoadSpec,
    times: &[u64],
    seed: u64,
    to: &Live,
) -> Result<(LoadReport, bool)> {
    let (target, endpoint, scale) = (to.target, &to.endpoint, to.scale);
    let mut sized = sc.with_customers(times.len().max(1));
    sized.deploy = target::checked_live_deploy_config(&sized, a.live.poll_interval)?;
    let rt = target::runtime()?;
    let bar = super::common::progress_bar(
        times.len() as u64,
        "{spinner} {bar:30} {pos}/{len} onboardings done · {msg} · {elapsed}",
    );
    if let Some(b) = &bar {
        b.enable_steady_tick(std::time::Duration::from_millis(200));
    }
    let seen = rt.block_on(async {
        let clock = Clock::new(scale);
        let conn = target
            .connect(endpoint.as_deref(), &a.live.limits()?, &sized, seed, clock)
            .await?;
        Ok::<_, Error>(
            crate::loadtest::load_test(
                &sized,
                spec,
                times,
                seed,
                crate::loadtest::LiveOrg {
                    client: &conn.client,
                    management_account_id: &conn.org.management_account_id,
                },
                clock,
                bar.as_ref(),
            )
            .await,
        )
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let seen = seen?;
    if let Some(fault) = &seen.endpoint_fault {
        return Err(Error::endpoint(format!(
            "the endpoint {} broke off the load test: {fault}",
            endpoint.as_deref().unwrap_or("AWS")
        )));
    }
    let failed_boot = seen
        .bootstrap
        .trace
        .resources
        .iter()
        .filter(|r| !r.outcome.is_success())
        .count();
    if failed_boot > 0 && !seen.bootstrap.interrupted {
        eprintln!(
            "warning: {failed_boot} shared resource(s) (OUs, policies, attachments) could not be deployed before the load; onboardings will fail"
        );
    }
    if let Some(path) = &a.write_latency_profile {
        target::write_profile(
            path,
            "load",
            &a.scenario,
            target,
            endpoint.as_deref(),
            &seen.calls,
            &seen.creations_ms,
        )?;
    }
    let report = loadtest::summarize(loadtest::Observed {
        interrupted: seen.interrupted,
        sc,
        backend: target.backend.as_str(),
        seed,
        spec,
        onboardings: seen.onboardings,
        calls: seen.calls,
        unanswered: seen.unanswered,
        failures: seen.failures,
        end_ms: seen.end_ms,
    });
    Ok((report, seen.interrupted))
}
