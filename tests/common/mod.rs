//! What the integration tests share: running the binary under test, and the record of a test
//! that skipped itself at run time. Each test file uses a part of it.
#![allow(dead_code)]

pub mod term;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

static SKIPS: AtomicUsize = AtomicUsize::new(0);

/// Says that the running test skipped itself (`why`), on stderr and — under `scripts/test.sh`,
/// which sets `ORGSIM_SKIP_DIR` — as a marker file named after the test, which the script
/// counts as skipped rather than passed. Call it only where the test then returns without
/// checking anything.
pub fn skipped(why: &str) {
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("unnamed-test").replace("::", "-");
    eprintln!("SKIPPED {name}: {why}");
    if let Some(dir) = std::env::var_os("ORGSIM_SKIP_DIR") {
        let dir = Path::new(&dir);
        let _ = std::fs::create_dir_all(dir);
        // One file per skip, even if two tests share a thread name (--test-threads=1).
        let n = SKIPS.fetch_add(1, Ordering::SeqCst);
        let file = format!("{}-{n}-{name}", std::process::id());
        let _ = std::fs::write(dir.join(file), why);
    }
}

/// The binary under test, to be run in the repository.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_orgsim"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Runs `orgsim args` in the repository.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("orgsim runs")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An empty scratch directory `rel` under the tests' temporary directory (emptied first).
pub fn scratch(rel: impl AsRef<Path>) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(rel);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes `text` to `dir/name` and gives its path.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}
