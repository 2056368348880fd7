//! What the integration tests share: running the binary under test, and the record of a test
//! that skipped itself at run time. Each test file uses a part of it.
#![allow(dead_code)]

pub mod chromium;
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

/// The files of a directory, by name, with their bytes (to compare two output directories).
pub fn dir_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
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

/// Starts `orgsim serve scenario --port 0 extra...` and reads the first line of its stdout,
/// which names its address: the running server and its URL (`http://127.0.0.1:PORT`). The rest
/// of its stdout stays in the pipe (read byte by byte).
pub fn start_serve(
    scenario: &str,
    extra: &[&str],
    stderr: std::process::Stdio,
) -> (std::process::Child, String) {
    use std::io::Read;
    let mut child = bin()
        .args(["serve", scenario, "--port", "0"])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("orgsim serve starts");
    let mut line = String::new();
    let stdout = child.stdout.as_mut().expect("stdout");
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
        line.push(byte[0] as char);
    }
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    (child, url)
}

/// Waits (at most 60 s) until process `pid` catches signal number `signal`, as
/// `/proc/PID/status`'s `SigCgt` mask shows; `false` if it never did (or is gone). A signal
/// sent before the handler is installed ends the process by the default action, and on a busy
/// machine a test would measure that race instead of how orgsim stops.
pub fn wait_for_handler(pid: u32, signal: u32) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(60) {
        let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
            return false;
        };
        let caught = status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
            .is_some_and(|m| m & (1 << (signal - 1)) != 0);
        if caught {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    false
}
