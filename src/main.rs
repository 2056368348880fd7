//! The `orgsim` binary: parse arguments, call the library, map outcomes to exit codes.

use std::process::ExitCode;

use clap::Parser;
use orgsim::cli::{Backend, Cli, Command};
use orgsim::{analysis, commands, compare, plan, report, scenario, sim, sweep};

/// Exit code 2: orgsim could not do its job.
fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Run {
            scenario,
            seed,
            deployer,
            live,
            json,
            out,
            verbose,
            customers,
            replication,
            latency_profile,
            write_latency_profile,
        } => {
            let profiles = (latency_profile.as_deref(), write_latency_profile.as_deref());
            let scale = match commands::check_live_opts(&live, profiles) {
                Ok(s) => s,
                Err(code) => return ExitCode::from(code),
            };
            let mut sc = match scenario::read(&scenario) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            if let Some(d) = deployer {
                if let Err(e) = sc.set_deployer(d) {
                    return fail(e);
                }
            }
            if let Some(n) = customers {
                if n == 0 {
                    return fail("--customers must be at least 1");
                }
                sc = sc.with_customers(n);
            }
            if let Some(path) = &latency_profile {
                match commands::read_profile(path) {
                    Ok(p) => sc.service.latency_profile = Some(p),
                    Err(e) => return fail(e),
                }
            }
            let mut seed = seed.unwrap_or(sc.seed);
            if let Some(k) = replication {
                seed = sweep::replication_seed(seed, sc.customers.len(), k);
            }
            if live.backend != Backend::Sim {
                return ExitCode::from(commands::run_live(commands::LiveArgs {
                    scenario: &sc,
                    seed,
                    live: &live,
                    scale,
                    json,
                    out: out.as_deref(),
                    verbose,
                    write_profile: write_latency_profile.as_deref(),
                    scenario_path: &scenario,
                }));
            }
            let out_run = sim::run(&sc, seed);
            let rep = analysis::analyze(
                &sc,
                &out_run.plan,
                &out_run.trace,
                &out_run.snapshot,
                seed,
                live.backend.as_str(),
            );
            ExitCode::from(commands::emit_report(
                &sc,
                &out_run.plan,
                &out_run.trace,
                &rep,
                json,
                out.as_deref(),
                verbose,
            ))
        }
        Command::Sweep {
            scenario,
            customers,
            step,
            replications,
            seed,
            threads,
            deployer,
            json,
            csv,
            out,
            latency_profile,
        } => ExitCode::from(commands::sweep(commands::SweepArgs {
            deployer,
            scenario: &scenario,
            customers: &customers,
            step,
            replications,
            seed,
            threads,
            json,
            csv,
            out: out.as_deref(),
            latency_profile: latency_profile.as_deref(),
        })),
        Command::Phases {
            scenario,
            replications,
            seed,
            threads,
            deployer,
            confidence,
            json,
            out,
        } => ExitCode::from(commands::phases(commands::PhasesArgs {
            deployer,
            confidence,
            scenario: &scenario,
            replications,
            seed,
            threads,
            json,
            out: out.as_deref(),
        })),
        Command::Check {
            result,
            baseline,
            tolerance,
            makespan_tolerance,
            conflict_tolerance,
            failure_tolerance,
            markdown,
        } => {
            let d = orgsim::check::Tolerances::default();
            let tolerances = orgsim::check::Tolerances {
                makespan: makespan_tolerance.or(tolerance).unwrap_or(d.makespan),
                conflicts: conflict_tolerance.or(tolerance).unwrap_or(d.conflicts),
                failures: failure_tolerance.unwrap_or(d.failures),
            };
            ExitCode::from(commands::check(commands::CheckArgs {
                result: &result,
                baseline: &baseline,
                tolerances,
                markdown: markdown.as_deref(),
            }))
        }
        Command::Load {
            scenario,
            live,
            rate,
            duration,
            stages,
            arrivals,
            thresholds,
            max_concurrent,
            grace,
            seed,
            deployer,
            json,
            out,
            latency_profile,
            write_latency_profile,
        } => ExitCode::from(commands::load(commands::LoadArgs {
            deployer,
            scenario: &scenario,
            live: &live,
            seed,
            rate: rate.as_deref(),
            duration: duration.as_deref(),
            stages: stages.as_deref(),
            arrivals,
            thresholds: &thresholds,
            max_concurrent,
            grace: grace.as_deref(),
            json,
            out: out.as_deref(),
            latency_profile: latency_profile.as_deref(),
            write_profile: write_latency_profile.as_deref(),
        })),
        Command::Plan { scenario, json } => {
            let sc = match scenario::read(&scenario) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let p = plan::build(&sc);
            if json {
                print!("{}", report::plan_json(&sc, &p));
            } else {
                print!("{}", report::plan_text(&sc, &p));
            }
            if p.findings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Command::Compare {
            a,
            b,
            seed,
            json,
            markdown,
        } => {
            let mut reps = Vec::new();
            for path in [&a, &b] {
                let sc = match scenario::read(path) {
                    Ok(s) => s,
                    Err(e) => return fail(e),
                };
                let seed = seed.unwrap_or(sc.seed);
                let o = sim::run(&sc, seed);
                reps.push(analysis::analyze(
                    &sc,
                    &o.plan,
                    &o.trace,
                    &o.snapshot,
                    seed,
                    "sim",
                ));
            }
            let c = compare::compare(&reps[0], &reps[1]);
            if json {
                print!("{}", compare::json(&c));
            } else if markdown {
                print!("{}", compare::markdown(&c));
            } else {
                print!("{}", compare::text(&c));
            }
            ExitCode::SUCCESS
        }
        Command::Validate { scenario } => {
            let sc = match scenario::read(&scenario) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let p = plan::build(&sc);
            for f in &p.findings {
                println!("finding: {} {}: {}", f.code, f.resource, f.detail);
            }
            println!(
                "{}: valid · {} customer(s) · {} resources planned · {} finding(s)",
                scenario.display(),
                sc.customers.len(),
                p.resources.len(),
                p.findings.len()
            );
            if p.findings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}
