//! The command line: one file per command, each owning its clap arguments and returning a
//! [`Verdict`] or an [`Error`]; [`dispatch`] runs the one parsed. The option groups several
//! commands share (the backend, the outputs) are defined once (`target`, `output`) and flattened.
//!
//! This module is an edge: it reads files, prints, writes, installs the Ctrl-C handler and runs
//! the live drivers' runtime. The library modules it calls stay pure.

pub(crate) mod check;
pub(crate) mod common;
pub(crate) mod compare;
pub(crate) mod completions;
pub(crate) mod init;
pub(crate) mod loadtest;
pub(crate) mod merge;
pub(crate) mod ops;
pub(crate) mod output;
pub(crate) mod phases;
pub(crate) mod plan;
pub(crate) mod run;
pub(crate) mod schema;
pub(crate) mod sensitivity;
pub(crate) mod serve;
pub(crate) mod shared;
pub(crate) mod staff;
pub mod style;
pub(crate) mod sweep;
pub mod target;
pub(crate) mod validate;

use clap::{CommandFactory, Parser, Subcommand};

use crate::error::{Result, Verdict};

pub use common::write_file;

/// `orgsim --version`: the crate's version and the commit it was built from (build.rs).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("ORGSIM_COMMIT"), ")");

/// orgsim: simulate and load-test multi-tenant AWS Organizations onboarding.
///
/// Exit codes: 0 everything judged held; 1 something judged failed (validation matrix,
/// expectations, findings, thresholds, regressions); 2 orgsim could not do its job (bad
/// arguments, a bad scenario file, an endpoint refused).
#[derive(Debug, Parser)]
#[command(name = "orgsim", version = VERSION, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub look: style::Look,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Run(run::Args),
    Sweep(sweep::Args),
    Merge(merge::Args),
    Sensitivity(sensitivity::Args),
    Phases(phases::Args),
    Check(check::Args),
    Load(loadtest::Args),
    Serve(serve::Args),
    Ops(ops::Args),
    Staff(staff::Args),
    Plan(plan::Args),
    Validate(validate::Args),
    Compare(compare::Args),
    Init(init::Args),
    Completions(completions::Args),
    Man(completions::ManArgs),
    #[command(hide = true)]
    Schema(schema::Args),
}

/// Runs the command.
pub fn dispatch(command: Command) -> Result<Verdict> {
    match command {
        Command::Run(a) => run::run(a),
        Command::Sweep(a) => sweep::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Sensitivity(a) => sensitivity::run(a),
        Command::Phases(a) => phases::run(a),
        Command::Check(a) => check::run(a),
        Command::Load(a) => loadtest::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Ops(a) => ops::run(a),
        Command::Staff(a) => staff::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Init(a) => init::run(a),
        Command::Completions(a) => completions::run(a, Cli::command()),
        Command::Man(a) => completions::run_man(a, Cli::command()),
        Command::Schema(a) => schema::run(a),
    }
}
