//! orgsim as a person runs it: on a terminal (a pseudo-terminal, `common::term`), with a
//! progress bar drawing, and stopped with Ctrl-C or `kill`. Before issue 20 a sweep on a
//! terminal never returned (the progress bar's draw thread waited for the stderr lock `main`
//! held) and ignored Ctrl-C and SIGTERM; every test passed because none gave orgsim a terminal.
//!
//! Each test here has a deadline: a hang fails the test naming the command, it never stalls
//! the run. The deadlines are generous (a busy 2-core machine, a debug build); how fast a
//! command stops is measured by hand and stated in the closing notes, not asserted.
//!
//! The README's own commands run on a terminal in `tests/readme.rs`.

use std::path::Path;
use std::time::Duration;

mod common;
use common::term::Term;

const BIN: &str = env!("CARGO_BIN_EXE_orgsim");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `orgsim args` on a terminal of its own, in the repository.
fn orgsim(args: &[&str]) -> Term {
    let what = format!("orgsim {}", args.join(" "));
    Term::spawn(&what, Term::command(BIN, args, repo()))
}

/// The README's sweep, as pasted, on a terminal: it draws its progress bar and finishes.
#[test]
fn the_readme_sweep_finishes_on_a_terminal() {
    let t = orgsim(&[
        "sweep",
        "scenarios/hundred-customers.toml",
        "--customers",
        "1..=100",
        "--step",
        "11",
        "--replications",
        "200",
    ]);
    let end = t.finish(Duration::from_secs(300));
    assert_eq!(end.code, 0, "{}", end.screen);
    assert!(end.screen.contains("replications"), "{}", end.screen);
    assert!(
        end.screen.contains("\n      100 "),
        "the table: {}",
        end.screen
    );
}

/// A long sweep on a terminal: the progress bar draws, Ctrl-C stops it, the partial results are
/// printed and the exit code says interrupted (2).
#[test]
fn ctrl_c_stops_a_sweep_on_a_terminal() {
    let mut t = orgsim(&[
        "sweep",
        "scenarios/hundred-customers.toml",
        "--customers",
        "100",
        "--replications",
        "100000",
    ]);
    t.wait_for("replications ·", Duration::from_secs(60));
    std::thread::sleep(Duration::from_millis(300));
    t.ctrl_c();
    let end = t.finish(Duration::from_secs(20));
    eprintln!("ended {:?} after the signal", end.after);
    assert_eq!(end.code, 2, "{}", end.screen);
    assert!(end.screen.contains("INTERRUPTED"), "{}", end.screen);
}

/// SIGTERM from another terminal stops a sweep the same way.
#[test]
fn sigterm_stops_a_sweep_on_a_terminal() {
    let mut t = orgsim(&[
        "sweep",
        "scenarios/hundred-customers.toml",
        "--customers",
        "100",
        "--replications",
        "100000",
    ]);
    t.wait_for("replications ·", Duration::from_secs(60));
    t.signal("TERM");
    let end = t.finish(Duration::from_secs(20));
    eprintln!("ended {:?} after the signal", end.after);
    assert_eq!(end.code, 2, "{}", end.screen);
    assert!(end.screen.contains("INTERRUPTED"), "{}", end.screen);
}

/// A live load test on the mock backend (the real SDK client, in real time) on a terminal: the
/// progress bar draws, Ctrl-C stops it and what ran is reported, marked INTERRUPTED.
#[test]
fn ctrl_c_stops_a_live_load_test_on_a_terminal() {
    let mut t = orgsim(&[
        "load",
        "scenarios/capacity.toml",
        "--backend",
        "mock",
        "--rate",
        "30/min",
        "--duration",
        "10m",
    ]);
    t.wait_for("onboardings done", Duration::from_secs(60));
    std::thread::sleep(Duration::from_millis(500));
    t.ctrl_c();
    let end = t.finish(Duration::from_secs(20));
    eprintln!("ended {:?} after the signal", end.after);
    assert_eq!(end.code, 2, "{}", end.screen);
    assert!(end.screen.contains("INTERRUPTED"), "{}", end.screen);
}

/// A live run on the mock backend in real time (a hundred customers take many minutes): its
/// progress bar draws, Ctrl-C stops the apply, and the report says it was interrupted.
#[test]
fn ctrl_c_stops_a_live_run_on_a_terminal() {
    let mut t = orgsim(&[
        "run",
        "scenarios/hundred-customers.toml",
        "--backend",
        "mock",
    ]);
    t.wait_for("resources done", Duration::from_secs(60));
    std::thread::sleep(Duration::from_millis(500));
    t.ctrl_c();
    let end = t.finish(Duration::from_secs(20));
    eprintln!("ended {:?} after the signal", end.after);
    assert_eq!(end.code, 2, "{}", end.screen);
    assert!(
        end.screen.to_lowercase().contains("interrupted"),
        "{}",
        end.screen
    );
}

/// `phases` with many replications on a terminal: Ctrl-C stops it.
#[test]
fn ctrl_c_stops_phases_on_a_terminal() {
    let mut t = orgsim(&[
        "phases",
        "scenarios/growth-phases.toml",
        "--replications",
        "100000",
    ]);
    std::thread::sleep(Duration::from_secs(2));
    t.ctrl_c();
    let end = t.finish(Duration::from_secs(20));
    eprintln!("ended {:?} after the signal", end.after);
    assert_eq!(end.code, 2, "{}", end.screen);
    assert!(end.screen.contains("INTERRUPTED"), "{}", end.screen);
}
