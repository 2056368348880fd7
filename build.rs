//! Puts the commit orgsim is built from into `orgsim --version` (ORGSIM_COMMIT): `git
//! rev-parse --short=12 HEAD`; "unknown commit" outside a git checkout (a crate tarball) or
//! without git. (Uncommitted changes are not marked: a build is not rerun for each edit.)

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let commit = match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(c) if !c.is_empty() => format!("commit {c}"),
        _ => "unknown commit".to_string(),
    };
    println!("cargo:rustc-env=ORGSIM_COMMIT={commit}");
    // Again when HEAD moves (a checkout) or its branch does (a commit).
    for path in ["HEAD"] {
        if let Some(p) = git(&["rev-parse", "--git-path", path]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
        if let Some(p) = git(&["rev-parse", "--git-path", &r]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
}
