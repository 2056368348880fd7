//! The command line: one file per command, each owning its clap arguments and returning a
//! [`Verdict`] or an [`Error`]; [`dispatch`] runs the one parsed. The option groups several
//! commands share (the backend, the outputs) are defined once (`target`, `output`) and flattened.
//!
//! This module is an edge: it reads files, prints, writes, installs the Ctrl-C handler and runs
//! the live drivers' runtime. The library modules it calls stay pure.

pub mod check;
pub mod compare;
pub mod loadtest;
pub mod output;
pub mod phases;
pub mod plan;
pub mod run;
pub mod sweep;
pub mod target;
pub mod validate;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Parser, Subcommand};

use crate::engine::Deployer;
use crate::error::{Error, Result, Verdict};
use crate::scenario::{self, Scenario};

/// orgsim: simulate and load-test multi-tenant AWS Organizations onboarding.
///
/// Exit codes: 0 everything judged held; 1 something judged failed (validation matrix,
/// expectations, findings, thresholds, regressions); 2 orgsim could not do its job (bad
/// arguments, a bad scenario file, an endpoint refused).
#[derive(Debug, Parser)]
#[command(name = "orgsim", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Run(run::Args),
    Sweep(sweep::Args),
    Phases(phases::Args),
    Check(check::Args),
    Load(loadtest::Args),
    Plan(plan::Args),
    Validate(validate::Args),
    Compare(compare::Args),
}

/// Runs the command.
pub fn dispatch(command: Command) -> Result<Verdict> {
    match command {
        Command::Run(a) => run::run(a),
        Command::Sweep(a) => sweep::run(a),
        Command::Phases(a) => phases::run(a),
        Command::Check(a) => check::run(a),
        Command::Load(a) => loadtest::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Compare(a) => compare::run(a),
    }
}

/// `--deployer NAME`: one of the deployer profiles.
fn parse_deployer(s: &str) -> std::result::Result<Deployer, crate::config::Invalid> {
    Deployer::parse(s).ok_or_else(|| {
        crate::config::Invalid(format!(
            "unknown deployer `{s}`; expected one of {}",
            Deployer::names()
        ))
    })
}

/// The scenario at `path`, with `--deployer` applied.
fn read_scenario(path: &Path, deployer: Option<Deployer>) -> Result<Scenario> {
    let mut sc = scenario::read(path)?;
    if let Some(d) = deployer {
        sc.set_deployer(d).map_err(|e| Error::Flag(e.0))?;
    }
    Ok(sc)
}

/// `--latency-profile FILE` into the scenario's service.
fn use_latency_profile(sc: &mut Scenario, path: Option<&PathBuf>) -> Result<()> {
    if let Some(path) = path {
        let p = crate::config::LatencyProfile::read(path).map_err(|e| Error::Profile {
            path: path.clone(),
            message: e.0,
        })?;
        sc.service.latency_profile = Some(std::sync::Arc::new(p));
    }
    Ok(())
}

/// `--threads N`, or every core.
fn threads(n: Option<usize>) -> usize {
    n.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    })
}

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

/// A chart drawn as PNG (`--png`), or the error that says which one could not be.
fn png_of(name: &str, chart: &impl crate::report::charts::Chart) -> Result<Vec<u8>> {
    crate::report::charts::png(chart)
        .map_err(|e| Error::io(name, format!("cannot draw the PNG: {e}")))
}

/// Writes one file whole or not at all (a temporary file renamed into place).
pub fn write_file(path: &Path, content: String) -> Result<()> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::io(path, "not a file name"))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    crate::report::write_files(dir, &[(name, content)])
        .map_err(|e| Error::io(path, format!("cannot write: {e}")))
}

/// Writes `files` into `dir`, all or nothing.
fn write_out<C: AsRef<[u8]>>(dir: &Path, files: &[(&str, C)]) -> Result<()> {
    crate::report::write_files(dir, files).map_err(|e| Error::io(dir, format!("cannot write: {e}")))
}
