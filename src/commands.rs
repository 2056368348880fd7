//! Command handlers that are more than a few lines: each returns the exit code.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::report;
use crate::scenario;
use crate::sweep::{self, SweepReport};

/// Set by the Ctrl-C handler; long commands poll it and stop cleanly.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler once (a second install is ignored).
pub fn install_ctrl_c() {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// A progress bar on stderr with `template`, or `None` when stderr is not a terminal.
fn progress_bar(len: u64, template: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let b = indicatif::ProgressBar::new(len);
    b.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(b)
}

/// Writes the latency profile a live command measured (`--write-latency-profile`); its source
/// names the command (`run` or `load`), the scenario, the backend and the endpoint.
fn write_profile(
    path: &Path,
    command: &str,
    scenario: &Path,
    target: &Target,
    endpoint: Option<&str>,
    calls: &[crate::loadtest::CallSample],
    creations_ms: &[u64],
) -> Result<(), u8> {
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
    write_file(path, profile.json()).map_err(fail)
}

/// Reads a latency profile for the model.
pub fn read_profile(path: &Path) -> Result<std::sync::Arc<crate::config::LatencyProfile>, String> {
    crate::config::LatencyProfile::read(path).map(std::sync::Arc::new)
}

/// Writes one file whole or not at all (a temporary file renamed into place).
pub fn write_file(path: &Path, content: String) -> Result<(), String> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{}: not a file name", path.display()))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    report::write_files(dir, &[(name, content)])
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Exit code 2 with a message.
pub fn fail(msg: impl std::fmt::Display) -> u8 {
    eprintln!("error: {msg}");
    2
}

pub struct SweepArgs<'a> {
    pub deployer: Option<crate::engine::Deployer>,
    pub scenario: &'a Path,
    pub customers: &'a str,
    pub step: usize,
    pub replications: u32,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub json: bool,
    pub csv: bool,
    pub out: Option<&'a Path>,
    pub latency_profile: Option<&'a Path>,
}

pub fn sweep(a: SweepArgs) -> u8 {
    let mut sc = match scenario::read(a.scenario) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if let Some(d) = a.deployer {
        if let Err(e) = sc.set_deployer(d) {
            return fail(e);
        }
    }
    if let Some(s) = a.seed {
        sc.seed = s;
    }
    if let Some(path) = a.latency_profile {
        match read_profile(path) {
            Ok(p) => sc.service.latency_profile = Some(p),
            Err(e) => return fail(e),
        }
    }
    let (lo, hi) = match sweep::parse_range(a.customers) {
        Ok(r) => r,
        Err(e) => return fail(format!("--customers: {e}")),
    };
    if a.step == 0 {
        return fail("--step must be at least 1");
    }
    if a.replications == 0 {
        return fail("--replications must be at least 1");
    }
    let counts = sweep::counts(lo, hi, a.step);
    let total = counts.len() as u64 * a.replications as u64;
    let threads = a.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    install_ctrl_c();
    let bar = (total >= 200)
        .then(|| {
            progress_bar(
                total,
                "{spinner} {bar:40} {pos}/{len} replications · {elapsed} elapsed · ETA {eta}",
            )
        })
        .flatten();
    let progress = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let rows = sweep::run_sweep(
        &sc,
        &counts,
        a.replications,
        threads,
        &progress,
        &INTERRUPTED,
    );
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let complete = rows.iter().all(Option::is_some);
    let rep = SweepReport {
        kind: "sweep".into(),
        scenario: sc.name.clone(),
        seed: sc.seed,
        replications: a.replications,
        complete,
        deployer: Some(sc.deploy.deployer),
        parallelism: sc.deploy.parallelism,
        account_quota: sc.organization.account_quota,
        latency_profile: sc
            .service
            .latency_profile
            .as_ref()
            .map(|p| p.source.clone()),
        counts: sweep::summaries(&counts, &rows),
    };
    let json = {
        let mut s = serde_json::to_string_pretty(&rep).expect("a sweep serializes");
        s.push('\n');
        s
    };
    let csv = sweep::csv(&rows);
    if let Some(dir) = a.out {
        let files = [
            ("sweep.json", json.clone()),
            ("sweep.csv", csv.clone()),
            ("sweep.md", report::sweep::markdown(&rep)),
            ("makespan.svg", report::sweep::makespan_svg(&rep)),
            ("conflicts.svg", report::sweep::conflicts_svg(&rep)),
        ];
        if let Err(e) = report::write_files(dir, &files) {
            return fail(format!("{}: cannot write the sweep: {e}", dir.display()));
        }
    }
    if a.json {
        print!("{json}");
    } else if a.csv {
        print!("{csv}");
    } else {
        print!("{}", report::sweep::text(&rep));
    }
    if !complete {
        let done = rows.iter().flatten().count();
        eprintln!(
            "interrupted: {done} of {total} replications done; the partial results are above{}",
            if a.out.is_some() { " and in --out" } else { "" }
        );
        return 2;
    }
    0
}

pub struct CheckArgs<'a> {
    pub result: &'a Path,
    pub baseline: &'a Path,
    pub tolerances: crate::check::Tolerances,
    pub markdown: Option<&'a Path>,
}

fn read_sweep(path: &Path) -> Result<SweepReport, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let rep: SweepReport = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not an `orgsim sweep --json` result: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if rep.kind != "sweep" {
        return Err(format!(
            "{}: `kind` is `{}`, expected `sweep`",
            path.display(),
            rep.kind
        ));
    }
    Ok(rep)
}

pub fn check(a: CheckArgs) -> u8 {
    for (name, v) in [
        ("makespan", a.tolerances.makespan),
        ("conflict", a.tolerances.conflicts),
        ("failure", a.tolerances.failures),
    ] {
        if !(v >= 0.0 && v.is_finite()) {
            return fail(format!(
                "the {name} tolerance must be a non-negative number"
            ));
        }
    }
    let (result, baseline) = match (read_sweep(a.result), read_sweep(a.baseline)) {
        (Ok(r), Ok(b)) => (r, b),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    match (result.deployer, baseline.deployer) {
        (Some(r), Some(b)) if r == b => {}
        (Some(r), Some(b)) => {
            return fail(format!(
                "{} ran deployer `{r}` but the baseline {} ran `{b}`: results of different \
                 deployers are not comparable (re-run the sweep with --deployer {b}, or update \
                 the baseline)",
                a.result.display(),
                a.baseline.display()
            ))
        }
        (r, _) => {
            let which = if r.is_none() { a.result } else { a.baseline };
            return fail(format!(
                "{}: records no deployer (written before deployer profiles): regenerate it",
                which.display()
            ));
        }
    }
    if result.scenario != baseline.scenario {
        eprintln!(
            "warning: comparing scenario `{}` with a baseline of `{}`",
            result.scenario, baseline.scenario
        );
    }
    let rows = crate::check::compare(&result, &baseline, &a.tolerances);
    if let Some(md) = a.markdown {
        let text = crate::check::markdown(&result, &a.baseline.display().to_string(), &rows);
        let dir = md
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = md
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Err(e) = report::write_files(dir, &[(name.as_str(), text)]) {
            return fail(format!("{}: cannot write: {e}", md.display()));
        }
    }
    let bad: Vec<_> = rows.iter().filter(|r| r.regressed).collect();
    for r in &bad {
        println!("REGRESSED {}", r.detail);
    }
    println!(
        "orgsim check · {} vs {} · {} comparison(s), {} regression(s)",
        a.result.display(),
        a.baseline.display(),
        rows.len(),
        bad.len()
    );
    if bad.is_empty() {
        0
    } else {
        1
    }
}

pub struct PhasesArgs<'a> {
    pub confidence: Option<f64>,
    pub deployer: Option<crate::engine::Deployer>,
    pub scenario: &'a Path,
    pub replications: u32,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub json: bool,
    pub out: Option<&'a Path>,
}

pub fn phases(a: PhasesArgs) -> u8 {
    let mut sc = match scenario::read(a.scenario) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if let Some(c) = a.confidence {
        if !(c > 0.0 && c <= 1.0) {
            return fail("--confidence must be a share above 0 and at most 1 (e.g. 0.95)");
        }
        for p in &mut sc.phases {
            p.confidence = c;
        }
    }
    if let Some(d) = a.deployer {
        if let Err(e) = sc.set_deployer(d) {
            return fail(e);
        }
    }
    if sc.phases.is_empty() {
        return fail(format!(
            "{}: the scenario has no [[phases]]",
            a.scenario.display()
        ));
    }
    if a.replications == 0 {
        return fail("--replications must be at least 1");
    }
    if let Some(s) = a.seed {
        sc.seed = s;
    }
    let threads = a.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    install_ctrl_c();
    let rep = crate::phases::evaluate(&sc, a.replications, threads, &INTERRUPTED);
    let mut json = serde_json::to_string_pretty(&rep).expect("a phases report serializes");
    json.push('\n');
    if let Some(dir) = a.out {
        let files = [
            ("phases.json", json.clone()),
            ("phases.md", crate::phases::markdown(&rep)),
        ];
        if let Err(e) = report::write_files(dir, &files) {
            return fail(format!("{}: cannot write: {e}", dir.display()));
        }
    }
    if a.json {
        print!("{json}");
    } else {
        print!("{}", crate::phases::text(&rep));
    }
    if !rep.complete {
        eprintln!("interrupted: partial results above");
        return 2;
    }
    if rep.verdict == "PASS" {
        0
    } else {
        1
    }
}

/// Writes a run's report (`--out`, `--json` or the summary) and gives the exit code of its
/// verdict.
pub fn emit_report(
    sc: &scenario::Scenario,
    plan: &crate::plan::Plan,
    trace: &crate::engine::trace::Trace,
    rep: &crate::analysis::Report,
    json: bool,
    out: Option<&Path>,
    verbose: bool,
) -> u8 {
    if let Some(dir) = out {
        let files = report::out_files(sc, plan, trace, rep);
        if let Err(e) = report::write_files(dir, &files) {
            return fail(format!("{}: cannot write the reports: {e}", dir.display()));
        }
    }
    if json {
        print!("{}", report::json(rep));
    } else {
        print!("{}", report::text(rep, verbose));
    }
    if rep.verdict == "PASS" {
        0
    } else {
        1
    }
}

/// `orgsim run --backend mock|sdk`.
pub struct LiveArgs<'a> {
    pub scenario: &'a scenario::Scenario,
    pub seed: u64,
    pub live: &'a crate::cli::LiveOpts,
    /// The checked `--time-scale` ([`check_live_opts`]).
    pub scale: f64,
    pub json: bool,
    pub out: Option<&'a Path>,
    pub verbose: bool,
    /// `--write-latency-profile`.
    pub write_profile: Option<&'a Path>,
    pub scenario_path: &'a Path,
}

/// Checks the backend options of `run` and `load` against each other, and the latency profile
/// flags `(--latency-profile, --write-latency-profile)`; returns the time scale.
pub fn check_live_opts(
    o: &crate::cli::LiveOpts,
    profiles: (Option<&Path>, Option<&Path>),
) -> Result<f64, u8> {
    use crate::cli::Backend;
    if o.backend == Backend::Sim {
        if o.poll_interval.is_some()
            || o.time_scale.is_some()
            || o.allow_real_aws
            || o.endpoint.is_some()
            || o.confirm_org.is_some()
        {
            return Err(fail("--endpoint, --allow-real-aws, --confirm-org, --poll-interval and --time-scale apply to --backend mock|sdk"));
        }
        if profiles.1.is_some() {
            return Err(fail("--write-latency-profile applies to --backend mock|sdk: the simulated backend measures nothing"));
        }
    } else if profiles.0.is_some() {
        return Err(fail("--latency-profile applies to --backend sim (the model); a live backend measures its own"));
    }
    if let Some(p) = o.poll_interval {
        if !(p > 0.0 && p.is_finite()) {
            return Err(fail(
                "--poll-interval must be a number of seconds greater than 0",
            ));
        }
    }
    let scale = o.time_scale.unwrap_or(1.0);
    if !(scale > 0.0 && scale.is_finite()) {
        return Err(fail("--time-scale must be greater than 0"));
    }
    if o.time_scale.is_some() && o.backend != Backend::Mock {
        return Err(fail(
            "--time-scale only applies to --backend mock (a real endpoint runs in real time)",
        ));
    }
    Ok(scale)
}

/// The `[deploy]` settings of a live run: lookups on (idempotent apply), no simulated deployer
/// overhead (the real one is what it is), the poll interval from `--poll-interval` if given.
pub fn live_deploy_config(
    sc: &scenario::Scenario,
    poll_interval: Option<f64>,
) -> crate::engine::DeployConfig {
    let mut cfg = sc.deploy.clone();
    cfg.lookup_existing = true;
    cfg.overhead_s = 0.0;
    if let Some(p) = poll_interval {
        cfg.poll_interval_s = p;
    }
    cfg
}

/// Where a live command sends its calls, and the user's consent for a real endpoint.
pub struct Target<'a> {
    pub backend: crate::cli::Backend,
    pub endpoint: Option<&'a str>,
    pub allow_real_aws: bool,
    pub confirm_org: Option<&'a str>,
}

impl<'a> Target<'a> {
    pub fn of(o: &'a crate::cli::LiveOpts) -> Target<'a> {
        Target {
            backend: o.backend,
            endpoint: o.endpoint.as_deref(),
            allow_real_aws: o.allow_real_aws,
            confirm_org: o.confirm_org.as_deref(),
        }
    }

    /// The guard, before anything is built or sent: `sdk` against an endpoint that is not a
    /// loopback address needs `--allow-real-aws`. Returns the resolved endpoint.
    pub fn check(&self) -> Result<Option<String>, u8> {
        use crate::cli::Backend;
        use crate::org::sdk;
        let endpoint = match self.backend {
            Backend::Sdk => sdk::resolve_endpoint(self.endpoint),
            _ => None,
        };
        let loopback = endpoint.as_deref().is_some_and(sdk::is_loopback);
        if self.backend == Backend::Sdk && !loopback && !self.allow_real_aws {
            return Err(fail(format!(
                "refusing to deploy to {}: it is not a loopback address, and accounts created in AWS cannot simply be deleted; pass --allow-real-aws (and confirm the organization id) to deploy there",
                endpoint.as_deref().unwrap_or("AWS (no --endpoint, no AWS_ENDPOINT_URL)")
            )));
        }
        Ok(endpoint)
    }

    /// The client: the in-process mock (answered by a model of `sc`), or the SDK's against
    /// `endpoint`, whose organization is read and — off loopback — confirmed by the user.
    pub async fn connect(
        &self,
        endpoint: Option<&str>,
        sc: &scenario::Scenario,
        seed: u64,
        clock: crate::clock::Clock,
    ) -> Result<
        (
            aws_sdk_organizations::Client,
            Option<crate::org::mock::MockService>,
        ),
        u8,
    > {
        use crate::cli::Backend;
        use crate::org::{mock, sdk};
        if self.backend == Backend::Mock {
            let m = mock::MockService::new(sc, seed, clock);
            return Ok((m.client().clone(), Some(m)));
        }
        let client = sdk::client(endpoint).await;
        let (org_id, _) = sdk::describe_organization(&client).await.map_err(|e| {
            fail(format!(
                "cannot read the organization at {}: {e}",
                endpoint.unwrap_or("AWS")
            ))
        })?;
        if !endpoint.is_some_and(sdk::is_loopback) {
            let typed = match self.confirm_org {
                Some(c) => c.to_string(),
                None => {
                    eprint!("Deploy into organization {org_id}? Type its id to confirm: ");
                    let mut line = String::new();
                    let _ = std::io::stdin().read_line(&mut line);
                    line.trim().to_string()
                }
            };
            if typed != org_id {
                return Err(fail(format!(
                    "organization id not confirmed (expected {org_id}); nothing was created"
                )));
            }
        }
        Ok((client, None))
    }
}

/// A multi-threaded tokio runtime for the live commands.
fn runtime() -> Result<tokio::runtime::Runtime, u8> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(format!("cannot start the async runtime: {e}")))
}

/// Deploys a scenario through the SDK client (`mock` or `sdk`), then judges it as `sim` would.
pub fn run_live(a: LiveArgs) -> u8 {
    use crate::cli::Backend;
    use crate::org::sdk;
    let sc = a.scenario;
    let scale = a.scale;
    let cfg = live_deploy_config(sc, a.live.poll_interval);
    let plan = crate::plan::build(sc);
    let target = Target::of(a.live);
    // The guard: nothing is built or sent before it.
    let endpoint = match target.check() {
        Ok(e) => e,
        Err(code) => return code,
    };
    if a.live.backend == Backend::Sdk {
        // Like `terraform plan`: what will be created, before anything is.
        eprint!("{}", report::plan_text(sc, &plan));
        eprintln!(
            "(resources that already exist are adopted, not created again; endpoint: {})",
            endpoint.as_deref().unwrap_or("AWS")
        );
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    rt.block_on(async {
        let clock = crate::clock::Clock::new(scale);
        let (client, mock_service) =
            match target.connect(endpoint.as_deref(), sc, a.seed, clock).await {
                Ok(c) => c,
                Err(code) => return code,
            };
        let engine_seed = crate::seed::Stream::Engine.seed(a.seed);
        let run = crate::live::apply(plan, &cfg, engine_seed, &client, clock).await;
        let snapshot = match &mock_service {
            Some(m) => m.snapshot(),
            None => match sdk::read_organization(&client).await {
                Ok(s) => s,
                Err(e) => return fail(format!("cannot read the organization back: {e}")),
            },
        };
        let rep = crate::analysis::analyze(
            sc,
            &run.plan,
            &run.trace,
            &snapshot,
            a.seed,
            a.live.backend.as_str(),
        );
        if let Some(path) = a.write_profile {
            let creations = run.trace.creation_times_ms();
            let endpoint = endpoint.as_deref();
            if let Err(code) = write_profile(
                path,
                "run",
                a.scenario_path,
                &target,
                endpoint,
                &run.calls,
                &creations,
            ) {
                return code;
            }
        }
        if run.interrupted {
            eprintln!(
                "interrupted after {:.1} s: run the same command again to finish (what exists is adopted, nothing is created twice)",
                run.wall.as_secs_f64()
            );
            let _ = emit_report(sc, &run.plan, &run.trace, &rep, a.json, a.out, a.verbose);
            return 2;
        }
        emit_report(sc, &run.plan, &run.trace, &rep, a.json, a.out, a.verbose)
    })
}

/// `orgsim load`.
pub struct LoadArgs<'a> {
    pub deployer: Option<crate::engine::Deployer>,
    pub scenario: &'a Path,
    pub live: &'a crate::cli::LiveOpts,
    pub seed: Option<u64>,
    pub rate: Option<&'a str>,
    pub duration: Option<&'a str>,
    pub stages: Option<&'a str>,
    pub arrivals: Option<crate::config::Arrivals>,
    pub thresholds: &'a [String],
    pub max_concurrent: Option<usize>,
    pub grace: Option<&'a str>,
    pub json: bool,
    pub out: Option<&'a Path>,
    pub latency_profile: Option<&'a Path>,
    pub write_profile: Option<&'a Path>,
}

/// The load test's settings: the command line over the scenario's `[load]` table.
fn load_spec(a: &LoadArgs, sc: &scenario::Scenario) -> Result<crate::loadtest::LoadSpec, String> {
    use crate::config::Stage;
    use crate::loadtest as load;
    let stages = match (a.rate, a.duration, a.stages) {
        (None, None, Some(s)) => crate::config::loadtest::parse_stages(s).map_err(|e| format!("--stages: {e}"))?,
        (_, _, Some(_)) => {
            return Err("give either --rate and --duration, or --stages, not both".into())
        }
        (Some(r), Some(d), None) => {
            let duration_ms = crate::config::units::parse_duration_ms(d).map_err(|e| format!("--duration: {e}"))?;
            if duration_ms == 0 {
                return Err("--duration must be more than 0".into());
            }
            vec![Stage {
                duration_ms,
                target_per_min: crate::config::loadtest::parse_rate_per_min(r).map_err(|e| format!("--rate: {e}"))?,
            }]
        }
        (Some(_), None, None) => return Err("--rate needs --duration (e.g. --duration 30m)".into()),
        (None, Some(_), None) => return Err("--duration needs --rate (e.g. --rate 2/min)".into()),
        (None, None, None) if !sc.load.stages.is_empty() => sc.load.stages.clone(),
        (None, None, None) => {
            return Err(format!(
                "no arrival process: pass --rate and --duration (or --stages), or give {} a [load] table",
                sc.source.display()
            ))
        }
    };
    let mut thresholds = sc.load.thresholds.clone();
    for t in a.thresholds {
        thresholds.push(
            crate::config::loadtest::parse_threshold(t).map_err(|e| format!("--threshold: {e}"))?,
        );
    }
    let grace_ms = match a.grace {
        Some(g) => {
            crate::config::units::parse_duration_ms(g).map_err(|e| format!("--grace: {e}"))?
        }
        None => sc.load.grace_ms.unwrap_or(load::DEFAULT_GRACE_MS),
    };
    let max_concurrent = a.max_concurrent.or(sc.load.max_concurrent);
    if max_concurrent == Some(0) {
        return Err("--max-concurrent must be at least 1".into());
    }
    Ok(load::LoadSpec {
        stages,
        arrivals: a
            .arrivals
            .or(sc.load.arrivals)
            .unwrap_or(crate::config::Arrivals::Poisson),
        thresholds,
        max_concurrent,
        grace_ms,
    })
}

/// Most arrivals one load test may schedule.
const MAX_ARRIVALS: usize = 100_000;

pub fn load(a: LoadArgs) -> u8 {
    use crate::cli::Backend;
    use crate::loadtest as load;
    let scale = match check_live_opts(a.live, (a.latency_profile, a.write_profile)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let target = Target::of(a.live);
    let mut sc = match scenario::read(a.scenario) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if let Some(d) = a.deployer {
        if let Err(e) = sc.set_deployer(d) {
            return fail(e);
        }
    }
    if let Some(path) = a.latency_profile {
        match read_profile(path) {
            Ok(p) => sc.service.latency_profile = Some(p),
            Err(e) => return fail(e),
        }
    }
    let spec = match load_spec(&a, &sc) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let seed = a.seed.unwrap_or(sc.seed);
    let live = target.backend != Backend::Sim;
    let times = load::schedule(
        &spec.stages,
        spec.arrivals,
        crate::seed::Stream::Arrivals.seed(seed),
    );
    if times.len() > MAX_ARRIVALS {
        return fail(format!(
            "the stages schedule {} arrivals; at most {MAX_ARRIVALS} are allowed",
            times.len()
        ));
    }
    let (report, interrupted) = if !live {
        (load::simulate(&sc, &spec, seed), false)
    } else {
        match live_load(&a, &sc, &spec, &times, seed, scale, &target) {
            Ok(r) => r,
            Err(code) => return code,
        }
    };
    let json = load::json(&report);
    let text = load::text(&report);
    if let Some(dir) = a.out {
        let md = format!(
            "# orgsim load · {}\n\n![onboarding latency over time](load.svg)\n\n```text\n{text}```\n",
            report.scenario
        );
        let svg = report::load::latency_svg(&report);
        let files = [
            ("load.json", json.clone()),
            ("load.md", md),
            ("load.svg", svg),
        ];
        if let Err(e) = report::write_files(dir, &files) {
            return fail(format!("cannot write into {}: {e}", dir.display()));
        }
    }
    if a.json {
        print!("{json}");
    } else {
        print!("{text}");
    }
    if interrupted {
        eprintln!("interrupted: the report covers what ran until then");
        return 2;
    }
    if report.verdict == "PASS" {
        0
    } else {
        1
    }
}

/// `orgsim load --backend mock|sdk`: the live load test, its profile if asked, its report; and
/// whether Ctrl-C stopped it.
fn live_load(
    a: &LoadArgs,
    sc: &scenario::Scenario,
    spec: &crate::loadtest::LoadSpec,
    times: &[u64],
    seed: u64,
    scale: f64,
    target: &Target,
) -> Result<(crate::loadtest::LoadReport, bool), u8> {
    let endpoint = target.check()?;
    let mut sized = sc.with_customers(times.len().max(1));
    sized.deploy = live_deploy_config(&sized, a.live.poll_interval);
    let rt = runtime()?;
    let bar = progress_bar(
        times.len() as u64,
        "{spinner} {bar:30} {pos}/{len} onboardings done · {msg} · {elapsed}",
    );
    if let Some(b) = &bar {
        b.enable_steady_tick(std::time::Duration::from_millis(200));
    }
    let seen = rt.block_on(async {
        let clock = crate::clock::Clock::new(scale);
        let (client, _mock) = target
            .connect(endpoint.as_deref(), &sized, seed, clock)
            .await?;
        Ok::<_, u8>(
            crate::live::load(&sized, spec, times, seed, &client, clock, bar.as_ref()).await,
        )
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let seen = seen?;
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
    if let Some(path) = a.write_profile {
        write_profile(
            path,
            "load",
            a.scenario,
            target,
            endpoint.as_deref(),
            &seen.calls,
            &seen.creations_ms,
        )?;
    }
    let report = crate::loadtest::summarize(crate::loadtest::Observed {
        sc,
        backend: target.backend.as_str(),
        seed,
        spec,
        onboardings: seen.onboardings,
        calls: seen.calls,
        failures: seen.failures,
        end_ms: seen.end_ms,
    });
    Ok((report, seen.interrupted))
}
