//! What the commands share that is no flag: reading the scenario with `--deployer` and
//! `--latency-profile` applied, the bounds checks on `--customers` and replications, the Ctrl-C
//! flag, the progress bar, and writing outputs whole or not at all.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::Deployer;
use crate::error::{Error, Result};
use crate::scenario::{self, Scenario};

use super::style;

/// `--deployer NAME`: one of the deployer profiles.
pub(crate) fn parse_deployer(s: &str) -> std::result::Result<Deployer, crate::config::Invalid> {
    Deployer::parse(s).ok_or_else(|| {
        crate::config::Invalid::new(format!(
            "unknown deployer `{s}`; expected one of {}",
            Deployer::names()
        ))
    })
}

/// The scenario at `path`, with `--deployer` applied.
pub(crate) fn read_scenario(path: &Path, deployer: Option<Deployer>) -> Result<Scenario> {
    let mut sc = scenario::read(path)?;
    if let Some(d) = deployer {
        sc.set_deployer(d).map_err(Error::Flag)?;
    }
    Ok(sc)
}

/// The scenario to run: the file's, or with `--terraform-plan` the plan's customers in the
/// file's settings (or the defaults, with no file), `--deployer` applied; the plan read, and its
/// notes printed on stderr.
pub(crate) fn read_scenario_or_plan(
    path: Option<&Path>,
    (terraform_plan, tier_tag): (Option<&Path>, &str),
    deployer: Option<Deployer>,
) -> Result<(Scenario, Option<crate::tfplan::Imported>)> {
    let Some(plan_path) = terraform_plan else {
        let path = path.ok_or_else(|| Error::flag("a scenario file or --terraform-plan FILE"))?;
        return Ok((read_scenario(path, deployer)?, None));
    };
    let mut base = match path {
        Some(p) => scenario::read_settings(p)?,
        None => {
            let name = plan_path.file_name().map_or("terraform plan".into(), |n| {
                n.to_string_lossy().into_owned()
            });
            let text = format!("name = {}\n", toml_string(&name));
            scenario::parse_settings(&text, plan_path)?
        }
    };
    if let Some(d) = deployer {
        base.set_deployer(d).map_err(Error::Flag)?;
    }
    let whole = |message: String| {
        Error::Scenario(scenario::ScenarioError {
            file: plan_path.to_path_buf(),
            line: 0,
            column: 0,
            field: None,
            message,
        })
    };
    let bytes = crate::config::files::read_regular(
        plan_path,
        crate::config::limits::MAX_TERRAFORM_PLAN_BYTES,
        "the Terraform plan size limit",
    )
    .map_err(|e| whole(e.to_string()))?;
    let opts = crate::tfplan::Options {
        tier_tag: tier_tag.to_string(),
    };
    let imported = crate::tfplan::parse(&bytes, plan_path, &base, &opts)?;
    for n in imported.notes_for(&base) {
        style::note(&format!(
            "note: {}: {}",
            crate::text::clean(&plan_path.display().to_string()),
            crate::text::clean(&n)
        ));
    }
    let sc = imported.scenario(&base);
    Ok((sc, Some(imported)))
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push('_'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `--latency-profile FILE` into the scenario's service.
pub(crate) fn use_latency_profile(sc: &mut Scenario, path: Option<&PathBuf>) -> Result<()> {
    if let Some(path) = path {
        let p = crate::config::LatencyProfile::read(path).map_err(|e| Error::Profile {
            path: path.clone(),
            message: e.to_string(),
        })?;
        // Its source is shown in the reports: no text that could drive a terminal.
        for (field, text) in std::iter::once(("source", p.source.as_str()))
            .chain(std::iter::once(("kind", p.kind.as_str())))
            .chain(p.operations.keys().map(|k| ("operations", k.as_str())))
        {
            if let Some(c) = crate::text::first_unsafe(text) {
                return Err(Error::Profile {
                    path: path.clone(),
                    message: format!(
                        "`{field}` holds the control character {c}: orgsim refuses control \
                         characters in a profile, which could drive the terminal or a report it \
                         is shown in"
                    ),
                });
            }
        }
        sc.service.latency_profile = Some(std::sync::Arc::new(p));
    }
    Ok(())
}

/// `--threads N` (at most `MAX_THREADS`), or every core.
pub(crate) fn threads(n: Option<usize>) -> Result<usize> {
    use crate::config::limits::MAX_THREADS;
    match n {
        Some(n) if n > MAX_THREADS => Err(Error::flag(format!(
            "--threads: {n} is more than orgsim starts ({MAX_THREADS}, the thread limit)"
        ))),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)),
    }
}

/// A run of `sc` extended (or cut) to `n` customers (`--customers`, a sweep's largest count):
/// at most the customer limit, and every amount of money of such a month fits in cents. Checked
/// before the customers are made.
pub(crate) fn check_customers(sc: &Scenario, n: usize, flag: &str) -> Result<()> {
    use crate::config::limits::MAX_CUSTOMERS;
    if n > MAX_CUSTOMERS {
        return Err(Error::flag(format!(
            "{flag}: {n} customers are more than a run may have ({MAX_CUSTOMERS}, the customer \
             limit)"
        )));
    }
    check_money(sc, n)
}

/// Every amount of money of a month with up to `n` customers of `sc` (and the margin curves' 100)
/// fits in cents; otherwise exit 2 naming the field the amount comes from.
pub(crate) fn check_money(sc: &Scenario, n: usize) -> Result<()> {
    sc.check_money(n.max(100)).map_err(|e| {
        Error::Scenario(scenario::ScenarioError {
            file: sc.source.clone(),
            line: 0,
            column: 0,
            field: Some(e.field(sc)),
            message: e.to_string(),
        })
    })
}

/// `jobs` replications in all (counts × replications): at most the replication limit.
pub(crate) fn check_replications(jobs: u64, what: &str) -> Result<()> {
    use crate::config::limits::MAX_REPLICATIONS_IN_ALL;
    if jobs > MAX_REPLICATIONS_IN_ALL {
        return Err(Error::flag(format!(
            "{what}: {jobs} replications in all are more than orgsim runs at once \
             ({MAX_REPLICATIONS_IN_ALL}, the replication limit): fewer customer counts (--step) \
             or fewer --replications"
        )));
    }
    Ok(())
}

/// Set by the Ctrl-C handler; long commands poll it and stop cleanly.
pub(crate) static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler once (a second install is ignored).
pub(crate) fn install_ctrl_c() {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// A progress bar on stderr with `template`, or `None` when stderr is not a terminal (or `-q`).
pub(crate) fn progress_bar(len: u64, template: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || style::quiet() {
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
pub(crate) fn png_of(name: &str, chart: &impl crate::report::charts::Chart) -> Result<Vec<u8>> {
    crate::report::charts::png(chart)
        .map_err(|e| Error::io(name, format!("cannot draw the PNG: {e}")))
}

/// Writes one file whole or not at all (a temporary file renamed into place). A path that
/// exists and is not a plain regular file — a device such as `/dev/full` or `/dev/stdout`, a
/// pipe, a symbolic link — is written in place instead (renaming over it would replace the
/// device or the link), and its write errors are reported all the same.
pub fn write_file(path: &Path, content: String) -> Result<()> {
    use std::io::Write;
    let cannot = |e: std::io::Error| Error::io(path, format!("cannot write: {e}"));
    if let Ok(m) = std::fs::symlink_metadata(path) {
        if std::fs::metadata(path).is_ok_and(|t| t.is_dir()) {
            return Err(Error::io(path, "cannot write: it is a directory"));
        }
        if !m.file_type().is_file() {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .map_err(cannot)?;
            return f
                .write_all(content.as_bytes())
                .and_then(|()| f.flush())
                .map_err(cannot);
        }
    }
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

/// Writes `files` into `dir`, all or nothing, and says so on stderr ([`wrote_note`]).
pub(crate) fn write_out<C: AsRef<[u8]>>(dir: &Path, files: &[(&str, C)]) -> Result<()> {
    write_out_with(dir, files, &[])
}

/// [`write_out`] with files already written as temporaries in `dir` (`staged`: name,
/// temporary), renamed into place with the others, all or nothing.
///
/// How `--out DIR` treats what is already there: a file of the same name as one the command
/// writes is replaced (all of them or none: a failure leaves the directory as it was); every
/// other file in `DIR` is left alone. Re-running a command into the same directory (as the
/// README's example regeneration and the scripts do) refreshes its files. The line on stderr
/// names the files written and how many replaced one already there.
pub(crate) fn write_out_with<C: AsRef<[u8]>>(
    dir: &Path,
    files: &[(&str, C)],
    staged: &[(&str, &Path)],
) -> Result<()> {
    let names: Vec<&str> = files
        .iter()
        .map(|(n, _)| *n)
        .chain(staged.iter().map(|(n, _)| *n))
        .collect();
    let replaced = names.iter().filter(|n| dir.join(n).is_file()).count();
    crate::report::write_files_with(dir, files, staged)
        .map_err(|e| Error::io(dir, format!("cannot write: {e}")))?;
    eprintln!("{}", wrote_note(dir, &names, replaced));
    Ok(())
}

/// The line `--out` prints on stderr once its files are in place: "wrote 3 files to out/:
/// load.json, load.md, load.svg (2 replaced the files of the same name; nothing else in out/
/// touched)".
pub(crate) fn wrote_note(dir: &Path, names: &[&str], replaced: usize) -> String {
    let d = dir.display();
    let what = match replaced {
        0 => "all new".to_string(),
        n if n == names.len() => {
            format!("each replaced the file of the same name; nothing else in {d} touched")
        }
        n => format!("{n} replaced the files of the same name; nothing else in {d} touched"),
    };
    format!(
        "wrote {} file{} to {d}: {} ({what})",
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        names.join(", ")
    )
}

/// Checks, before any work is done and before any call to a backend, that a command can write
/// what it will write, so that a live run never deploys and then fails on a local mistake:
/// each `--out` directory is created (as the command would create it) and must be a writable
/// directory in which none of `names` is a directory; each single file's directory is created
/// and must be writable, and the file must not be a directory.
pub(crate) fn check_outputs(out: Option<(&Path, &[&str])>, files: &[Option<&Path>]) -> Result<()> {
    fn writable_dir(dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        if !std::fs::metadata(dir)?.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        let probe = dir.join(format!(".orgsim-probe-{}", std::process::id()));
        std::fs::write(&probe, b"")?;
        std::fs::remove_file(&probe)
    }
    if let Some((dir, names)) = out {
        writable_dir(dir).map_err(|e| Error::io(dir, format!("cannot write here: {e}")))?;
        for n in names {
            let p = dir.join(n);
            if std::fs::metadata(&p).is_ok_and(|m| !m.is_file()) {
                return Err(Error::io(
                    p,
                    "cannot write: it exists and is not a regular file",
                ));
            }
        }
    }
    for path in files.iter().flatten() {
        if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            return Err(Error::io(*path, "cannot write: it is a directory"));
        }
        if std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file()) {
            // A device, a pipe or a link: written in place (`write_file`).
            continue;
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        writable_dir(dir).map_err(|e| Error::io(*path, format!("cannot write here: {e}")))?;
        if path.exists() {
            std::fs::OpenOptions::new()
                .append(true)
                .open(path)
                .map_err(|e| Error::io(*path, format!("cannot write: {e}")))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_out_note_names_the_files_and_what_it_replaced() {
        let d = std::path::Path::new("out");
        let names = ["load.json", "load.md", "load.svg"];
        assert_eq!(
            super::wrote_note(d, &names, 0),
            "wrote 3 files to out: load.json, load.md, load.svg (all new)"
        );
        assert_eq!(
            super::wrote_note(d, &names, 3),
            "wrote 3 files to out: load.json, load.md, load.svg (each replaced the file of the \
             same name; nothing else in out touched)"
        );
        assert!(super::wrote_note(d, &names[..1], 1).starts_with("wrote 1 file to out: "));
        assert!(super::wrote_note(d, &names, 2).contains("(2 replaced the files of the same name"));
    }
}
