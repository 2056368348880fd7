//! `orgsim run`: deploy a scenario once (simulated, mocked or live) and judge it.

use std::path::PathBuf;

use super::output::OutputOpts;
use super::target::{self, Backend, LiveOpts, Target};
use crate::clock::Clock;
use crate::error::{Error, Result, Verdict};
use crate::scenario::Scenario;
use crate::{analysis, report, seed, sim};

/// Deploy a scenario once and report timing, conflicts, validation and financials.
///
/// With --out DIR it also writes report.json, report.md, report.html, timeline.svg and
/// margin.svg (and, with --png, timeline.png and margin.png).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim run scenarios/two-customers.toml\n  orgsim run scenarios/two-customers.toml --json > report.json\n  orgsim run scenarios/two-customers.toml --out out/two --png\n  orgsim run scenarios/hundred-customers.toml --customers 34 --replication 17 --verbose\n  orgsim run scenarios/five-customers.toml --backend mock --time-scale 100\n  orgsim run --terraform-plan tests/fixtures/tfplan/day2.json\n  orgsim run scenarios/two-customers.toml --terraform-plan tests/fixtures/tfplan/day2.json --json"
)]
pub struct Args {
    /// The scenario file (TOML); optional with --terraform-plan, which gives the customers.
    #[arg(required_unless_present = "terraform_plan")]
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub terraform_plan: super::shared::TerraformPlanArg,
    #[command(flatten)]
    pub seed: super::shared::SeedArg,
    #[command(flatten)]
    pub deployer: super::shared::DeployerArg,
    #[command(flatten)]
    pub live: LiveOpts,
    #[command(flatten)]
    pub output: OutputOpts,
    #[command(flatten)]
    pub png: super::shared::PngArg,
    /// List every resource and conflict, however many.
    #[arg(long, short)]
    pub verbose: bool,
    /// Run with exactly this many customers (the scenario's first N, or extended with its
    /// tier mix), as `sweep` does.
    #[arg(long, value_name = "N")]
    pub customers: Option<usize>,
    /// Onboard into an organization that already holds N customers (generated as
    /// `[organization.existing] customers = N` does, tiers cycling), in place of the
    /// scenario's own `[organization.existing]`: their accounts, OUs and policies are in the
    /// deployer's state and refreshed before anything is created.
    #[arg(long, value_name = "N")]
    pub existing: Option<usize>,
    /// Re-run replication K of a sweep alone: the seed becomes the sweep's derived seed for
    /// (customer count, K).
    #[arg(long, value_name = "K")]
    pub replication: Option<u32>,
    /// Onboard the customers in W applies one after another (W waves, the customers split
    /// evenly in order), each refreshing what the waves before made: one line per apply, the
    /// total time, calls, and what is left (sim only; with --out DIR, DIR/applies.json).
    #[arg(long, value_name = "W")]
    pub waves: Option<usize>,
    /// After a failed apply, apply again, up to K applies a wave, as an operator would: each
    /// re-apply refreshes what is in state and retries what failed; an account whose creation
    /// outlived the wait is not in state, and its re-create fails with EMAIL_ALREADY_EXISTS
    /// until it is imported (listed as manual imports). Exit 1 when anything is left.
    #[arg(long, value_name = "K")]
    pub applies: Option<u32>,
    #[command(flatten)]
    pub latency_profile: super::shared::LatencyProfileArg,
    /// For `mock` and `sdk`: write the measured per-operation latencies and account
    /// creation times as a latency profile, for `--latency-profile` on the simulated backend.
    #[arg(long, value_name = "FILE")]
    pub write_latency_profile: Option<PathBuf>,
}

/// The files `--out` writes.
const OUT_FILES: [&str; 5] = [
    "report.json",
    "report.md",
    "report.html",
    "timeline.svg",
    "margin.svg",
];

/// Runs the command. Meant for the binary's one command: on `sim` it leaves its largest
/// structures to the process's exit instead of freeing them.
pub(crate) fn run(a: Args) -> Result<Verdict> {
    let scale = a.live.validate((
        a.latency_profile.latency_profile.is_some(),
        a.write_latency_profile.is_some(),
    ))?;
    let (mut sc, imported) = super::common::read_scenario_or_plan(
        a.scenario.as_deref(),
        a.terraform_plan.parts(),
        a.deployer.deployer,
    )?;
    if imported.is_some() {
        if a.customers.is_some() || a.existing.is_some() {
            return Err(Error::flag(
                "--customers and --existing make a scenario's customers; a Terraform plan \
                 (--terraform-plan) has its own, new and in state",
            ));
        }
        if a.waves.is_some() || a.applies.is_some() {
            return Err(Error::flag(
                "--waves and --applies split a scenario's customers into applies; a Terraform \
                 plan (--terraform-plan) is applied as it is",
            ));
        }
        if a.live.backend != Backend::Sim {
            return Err(Error::flag(
                "--terraform-plan runs on the sim backend: the plan's state is built in the \
                 model (a real endpoint's organization is what it holds)",
            ));
        }
    }
    if let Some(n) = a.customers {
        if n == 0 {
            return Err(Error::flag("--customers must be at least 1"));
        }
        super::common::check_customers(&sc, n, "--customers")?;
        sc = sc.with_customers(n);
    }
    if let Some(n) = a.existing {
        if n > crate::config::limits::MAX_EXISTING_ACCOUNTS as usize {
            return Err(Error::flag(format!(
                "--existing is at most {} (orgsim's limit: the model holds each one), not {n}",
                crate::config::limits::MAX_EXISTING_ACCOUNTS
            )));
        }
        sc = sc.with_existing(n);
    }
    super::common::use_latency_profile(&mut sc, a.latency_profile.latency_profile.as_ref())?;
    let mut seed = a.seed.seed.unwrap_or(sc.seed);
    if let Some(k) = a.replication {
        seed = seed::replication(seed, sc.customers.len(), k);
    }
    // Every output writable before any work, and before the first call to a backend.
    super::common::check_outputs(
        a.output.out.as_deref().map(|d| (d, &OUT_FILES[..])),
        &[a.write_latency_profile.as_deref()],
    )?;
    if a.live.backend == Backend::Sdk && !sc.existing.customers.is_empty() {
        return Err(Error::flag(
            "--existing and [organization.existing] build the organization in the model (the sim \
             and mock backends); a real endpoint's organization is what it holds",
        ));
    }
    if a.waves.is_some() || a.applies.is_some() {
        return run_applies(&a, &sc, seed);
    }
    if a.live.backend != Backend::Sim {
        return run_live(&a, &sc, seed, scale);
    }
    let plan = match imported {
        Some(imp) => imp.plan,
        None => crate::plan::build(&sc),
    };
    let sim::RunOutput {
        plan,
        trace,
        snapshot,
        ..
    } = sim::run_plan(&sc, plan, seed);
    let rep = analysis::analyze(&sc, &plan, &trace, &snapshot, seed, "sim");
    drop(snapshot); // the report holds what it needs of it
    let verdict = emit(&sc, &plan, &trace, &rep, &a);
    // The command is the process's last work: its memory goes back to the system whole when the
    // process exits, so the trace, the plan and the report are not taken apart one allocation
    // at a time (a tenth of a 10,000-customer run's time).
    std::mem::forget((plan, trace, rep, sc));
    verdict
}

/// `run --waves W` / `--applies K`: applies one after another on one simulated organization
/// (`waves::run_sequence`).
fn run_applies(a: &Args, sc: &Scenario, seed: u64) -> Result<Verdict> {
    if a.live.backend != Backend::Sim {
        return Err(Error::flag(
            "--waves and --applies run on the simulated backend (sim) only",
        ));
    }
    let waves = a.waves.unwrap_or(1);
    let applies = a.applies.unwrap_or(1);
    if waves == 0 || waves > sc.customers.len().max(1) {
        return Err(Error::flag(format!(
            "--waves is from 1 to the number of customers ({}), not {waves}",
            sc.customers.len()
        )));
    }
    if applies == 0 || applies > MAX_APPLIES {
        return Err(Error::flag(format!(
            "--applies is from 1 to {MAX_APPLIES}, not {applies}"
        )));
    }
    if a.png.png {
        return Err(Error::flag(
            "--png draws a single apply's charts: not with --waves or --applies",
        ));
    }
    let schedule = crate::waves::Schedule { waves, applies };
    super::common::install_ctrl_c();
    let Some(seq) =
        crate::waves::run_sequence(sc, schedule, seed, false, &super::common::INTERRUPTED)
    else {
        return Err(Error::Interrupted("the applies were stopped".into()));
    };
    let text = crate::waves::text(&seq);
    let ok = seq.left.is_empty() && seq.imports.is_empty();
    let json = crate::json::report_json(&crate::waves::AppliesReport::new(sc, seed, seq));
    if let Some(dir) = &a.output.out {
        super::common::write_out(dir, &[("applies.json", json.as_bytes())])?;
    }
    a.output.print(&json, || text.clone(), || text.clone())?;
    Ok(Verdict::of(ok))
}

/// The most applies `--applies` takes (each apply is a whole deployment).
pub(crate) const MAX_APPLIES: u32 = 20;

/// Writes a run's report (`--out`, and `--json`, `--markdown` or the summary) and gives its
/// verdict.
fn emit(
    sc: &Scenario,
    plan: &crate::plan::Plan,
    trace: &crate::engine::trace::Trace,
    rep: &analysis::Report,
    a: &Args,
) -> Result<Verdict> {
    if let Some(dir) = &a.output.out {
        let files = report::out_files(sc, plan, trace, rep, a.png.png)
            .map_err(|e| Error::io(dir, format!("cannot draw a chart: {e}")))?;
        super::common::write_out(dir, &files)?;
    }
    a.output.print_streamed(
        |w| report::write_json(rep, w),
        || report::markdown(rep),
        || report::text(rep, a.verbose),
    )?;
    Ok(rep.verdict)
}

/// Deploys the scenario through the SDK client (`mock` or `sdk`), then judges it as `sim` would.
fn run_live(a: &Args, sc: &Scenario, seed: u64, scale: f64) -> Result<Verdict> {
    use crate::org::sdk;
    let cfg = target::checked_live_deploy_config(sc, a.live.poll_interval)?;
    let plan = crate::plan::build(sc);
    let target = Target::of(&a.live);
    let limits = a.live.limits()?;
    // The guard: nothing is built or sent before it.
    let endpoint = target.guard()?;
    target::note_unapplied_faults(a.live.backend, sc);
    let at = endpoint.as_deref().unwrap_or("AWS").to_string();
    let rt = target::runtime()?;
    rt.block_on(async {
        let clock = Clock::new(scale);
        // Reached and read before the plan is shown: an endpoint that cannot be read is one
        // line, with nothing printed before it.
        let conn = target
            .connect(endpoint.as_deref(), &limits, sc, seed, clock)
            .await?;
        // A customer that claims the management account's id: refused before anything is sent
        // (the engine finds accounts by email, and fails one whose email is the management
        // account's).
        if let Some(c) = sc
            .customers
            .iter()
            .find(|c| c.account_id.as_deref() == Some(conn.org.management_account_id.as_str()))
        {
            return Err(Error::refused(format!(
                "customer `{}` claims account id {}, the management account of {} at {at}: orgsim never adopts, moves or tags it; nothing was sent",
                c.name, conn.org.management_account_id, conn.org.id
            )));
        }
        if a.live.backend == Backend::Sdk {
            // Like `terraform plan`: refreshed first, then what will be created.
            match sdk::read_organization(&conn.client).await {
                Ok(before) => eprint!(
                    "{}",
                    live_plan_text(sc, &plan, &crate::live::existing(&plan, &before), &at)
                ),
                Err(e) if sdk::is_endpoint_fault(&e.code) => {
                    return Err(Error::endpoint(format!(
                        "cannot read the organization at {at}: {} ({})",
                        e.message, e.code
                    )))
                }
                // A throttle or a 5xx while refreshing: the whole plan, as without a refresh;
                // the apply still looks every resource up.
                Err(e) => {
                    eprint!("{}", report::plan_text(sc, &plan));
                    eprintln!(
                        "(could not read what exists at {at}: {} ({}); what exists is adopted, not created again)",
                        e.message, e.code
                    );
                }
            }
        }
        let engine_seed = seed::Stream::Engine.seed(seed);
        // Drawn once the plan is out (a bar drawn over the plan would garble it).
        let bar = super::common::progress_bar(
            plan.resources.len() as u64,
            "{spinner} {bar:30} {pos}/{len} resources done · {elapsed} elapsed",
        );
        if let Some(b) = &bar {
            b.enable_steady_tick(std::time::Duration::from_millis(200));
        }
        let run = crate::live::apply(
            plan,
            &cfg,
            engine_seed,
            &conn.client,
            clock,
            &conn.org.management_account_id,
            bar.as_ref(),
        )
        .await;
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        if let Some(fault) = &run.endpoint_fault {
            return Err(Error::endpoint(format!(
                "the endpoint {at} broke off the run: {fault}; nothing more was sent (a run again adopts what was made)"
            )));
        }
        let snapshot = match &conn.mock {
            Some(m) => m.snapshot(),
            None => sdk::read_organization(&conn.client).await.map_err(|e| {
                Error::endpoint(format!("cannot read the organization back from {at}: {} ({})", e.message, e.code))
            })?,
        };
        let mut rep = analysis::analyze(
            sc,
            &run.plan,
            &run.trace,
            &snapshot,
            seed,
            a.live.backend.as_str(),
        );
        if run.interrupted {
            rep.mark_interrupted((run.wall.as_secs_f64() * 1000.0 * clock.scale()) as u64);
        }
        if let Some(path) = &a.write_latency_profile {
            target::write_profile(
                path,
                "run",
                a.scenario.as_deref().unwrap_or(std::path::Path::new("")),
                &target,
                endpoint.as_deref(),
                &run.calls,
                &run.trace.creation_times_ms(),
            )?;
        }
        let verdict = emit(sc, &run.plan, &run.trace, &rep, a)?;
        if run.interrupted {
            return Err(Error::Interrupted(format!(
                "after {:.1} s: run the same command again to finish (what exists is adopted, nothing is created twice)",
                run.wall.as_secs_f64()
            )));
        }
        Ok(verdict)
    })
}

/// What a live run will do, as `terraform plan` says it after its refresh: "No changes" when
/// every resource exists as planned, else the resources to add and how many exist.
fn live_plan_text(sc: &Scenario, plan: &crate::plan::Plan, exists: &[bool], at: &str) -> String {
    use std::fmt::Write as _;
    let n = plan.resources.len();
    let have = exists.iter().filter(|&&e| e).count();
    let mut o = String::new();
    if have == n {
        let _ = writeln!(
            o,
            "No changes: {n} resources exist at {at} as planned (nothing to create; each is looked up and adopted)."
        );
        return o;
    }
    let _ = writeln!(
        o,
        "orgsim plan · {} · {} customer(s) · endpoint {at}\n",
        sc.name,
        sc.customers.len()
    );
    for (r, _) in plan.resources.iter().zip(exists).filter(|(_, &e)| !e) {
        let _ = writeln!(o, "  + {}", r.address);
    }
    let _ = writeln!(
        o,
        "\nPlan: {} to add, {have} exist (adopted, not created again).",
        n - have
    );
    if !plan.findings.is_empty() {
        let _ = writeln!(o, "\nPre-flight findings:");
        for f in &plan.findings {
            let _ = writeln!(o, "  ! {} {}: {}", f.code, f.resource, f.detail);
        }
    }
    o
}
