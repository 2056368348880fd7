//! Headless Chromium for the tests that render the charts and report.html (`report_out.rs`,
//! `charts.rs`): finding it, skipping (counted) where it is absent, and one launch.

use std::path::Path;
use std::process::{Command, Output};

/// The Chromium binary, if there is one.
pub fn chromium() -> Option<&'static str> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}

/// Chromium, or `None` after recording the skip (and a panic under CI, which installs it).
pub fn chromium_or_skip() -> Option<&'static str> {
    let c = chromium();
    if c.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is not installed; .ci/run installs it (apt-get install chromium)");
        }
        super::skipped("chromium is not installed (apt-get install -y chromium)");
    }
    c
}

/// Runs `chrome` headless in a window `width` × `height`, its profile in `profile`, quiet (no
/// first run, no network of its own, no scrollbars), with `args` after those flags.
pub fn headless<I, S>(chrome: &str, profile: &Path, width: u32, height: u32, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}
