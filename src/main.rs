//! The `orgsim` binary: parse the arguments, run the command, map its outcome to an exit code
//! (0 everything judged held, 1 something judged failed, 2 orgsim could not do its job).

#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use orgsim::commands::{dispatch, Cli};
use orgsim::error::{Error, Verdict};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    orgsim::commands::style::init(&cli.look);
    let outcome = dispatch(cli.command);
    // Errors go to stderr; if it is gone too, the exit code still says it. The lock is taken
    // only now: held while the command runs, it would block every other thread that writes to
    // stderr — a progress bar's draw thread, and with it the command (issue 20).
    let mut err = std::io::stderr().lock();
    match outcome {
        Ok(Verdict::Pass) => ExitCode::SUCCESS,
        Ok(Verdict::Fail) => ExitCode::from(1),
        Ok(Verdict::Interrupted) => ExitCode::from(2),
        Err(e @ Error::Interrupted(_)) => {
            let _ = writeln!(err, "{}", orgsim::text::clean(&e.to_string()));
            ExitCode::from(2)
        }
        Err(e) => {
            // The one place errors are printed: whatever text from a file or the network they
            // quote, no control character reaches the terminal.
            let line = format!("error: {}", orgsim::text::clean(&e.to_string()));
            let _ = writeln!(err, "{}", orgsim::commands::style::paint_stderr(&line));
            ExitCode::from(2)
        }
    }
}
