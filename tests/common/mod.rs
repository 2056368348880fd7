//! What the integration tests share: the record of a test that skipped itself at run time.

use std::path::Path;
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
