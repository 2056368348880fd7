//! The `orgsim` binary: parse arguments, call the library, map outcomes to exit codes.

use std::process::ExitCode;

use clap::Parser;
use orgsim::cli::{Backend, Cli, Command};
use orgsim::{analysis, compare, plan, report, scenario, sim};

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
            backend,
            endpoint: _,
            json,
            out,
            verbose,
        } => {
            let sc = match scenario::load(&scenario) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            if backend != Backend::Sim {
                return fail(format!(
                    "backend `{}` is not available in this build yet; use --backend sim",
                    backend.as_str()
                ));
            }
            let seed = seed.unwrap_or(sc.seed);
            let out_run = sim::run(&sc, seed);
            let rep = analysis::analyze(
                &sc,
                &out_run.plan,
                &out_run.trace,
                &out_run.snapshot,
                seed,
                backend.as_str(),
            );
            if let Some(dir) = out {
                let files = report::out_files(&sc, &out_run.plan, &out_run.trace, &rep);
                if let Err(e) = report::write_files(&dir, &files) {
                    return fail(format!("{}: cannot write the reports: {e}", dir.display()));
                }
            }
            if json {
                print!("{}", report::json(&rep));
            } else {
                print!("{}", report::text(&rep, verbose));
            }
            if rep.verdict == "PASS" {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Command::Plan { scenario, json } => {
            let sc = match scenario::load(&scenario) {
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
                let sc = match scenario::load(path) {
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
            let sc = match scenario::load(&scenario) {
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
