//! The README's "Real and mocked backends" commands, run as written: the mock backend, moto
//! started by `scripts/moto.sh start` (which creates the organization), two runs against it
//! (the second adopts everything), and the refused real-AWS form (exit 2).
//!
//! The block is taken from README.md as it is; `orgsim` is the binary under test, put on the
//! `PATH` as `cargo install` would. The commands that need moto run when `ORGSIM_TEST_ENDPOINT`
//! says it can run here (`scripts/test.sh`, CI); the refused form runs always.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

/// The first ```sh block of the README's section `heading`.
fn block(heading: &str) -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split(&format!("\n{heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("README has no {heading}"));
    let start = section.find("```sh\n").expect("a sh block") + 6;
    let end = start + section[start..].find("```").expect("closed");
    section[start..end].to_string()
}

/// The commands of a shell block: continuation lines joined, comments and blank lines dropped,
/// a trailing comment cut (outside quotes).
fn commands(block: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in block.lines() {
        let t = line.trim();
        if cur.is_empty() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        if let Some(head) = t.strip_suffix('\\') {
            cur.push_str(head);
            cur.push(' ');
            continue;
        }
        cur.push_str(t);
        out.push(strip_comment(&cur));
        cur.clear();
    }
    out
}

fn strip_comment(cmd: &str) -> String {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in cmd.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev.is_whitespace() => {
                return cmd[..i].trim_end().to_string()
            }
            _ => {}
        }
        prev = c;
    }
    cmd.trim_end().to_string()
}

/// A directory of this process's own under the test target's temporary directory: the tests
/// of this file run in parallel, each in its own.
fn own_dir(what: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "readme-{what}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

/// A directory with `orgsim` in it: the binary under test.
fn bin_dir() -> PathBuf {
    let d = own_dir("bin");
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_orgsim"), d.join("orgsim")).unwrap();
    d
}

/// What one command did.
struct Ran {
    cmd: String,
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `cmds` in one bash, in the repository, each with its output captured; stops moto on the
/// way out if a command started it.
fn run_all(cmds: &[String]) -> Vec<Ran> {
    let work = own_dir("run");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let mut script =
        String::from("trap '[ -n \"${MOTO_PID:-}\" ] && kill \"$MOTO_PID\" 2>/dev/null' EXIT\n");
    for (i, c) in cmds.iter().enumerate() {
        let w = work.display();
        script.push_str(&format!(
            "{{ {c}\n}} >'{w}/{i}.out' 2>'{w}/{i}.err' </dev/null; echo $? >'{w}/{i}.rc'\n"
        ));
    }
    let bin = bin_dir();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", path)
        // What the README's commands set themselves, and nothing that would point them elsewhere.
        .env_remove("ORGSIM_TEST_ENDPOINT")
        .env_remove("MOTO_PID")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_ORGANIZATIONS")
        .output()
        .expect("bash runs");
    assert!(
        o.status.success() || o.status.code().is_some(),
        "bash: {o:?}"
    );
    let ran = cmds
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let read = |ext: &str| {
                std::fs::read_to_string(work.join(format!("{i}.{ext}"))).unwrap_or_default()
            };
            Ran {
                cmd: c.clone(),
                code: read("rc").trim().parse().unwrap_or(-1),
                stdout: read("out"),
                stderr: read("err"),
            }
        })
        .collect();
    let _ = std::fs::remove_dir_all(&work);
    let _ = std::fs::remove_dir_all(&bin);
    ran
}

fn show(r: &Ran) -> String {
    format!(
        "`{}` exited {}\nstdout:\n{}\nstderr:\n{}",
        r.cmd, r.code, r.stdout, r.stderr
    )
}

#[test]
fn readme_block_parses_as_expected() {
    let cmds = commands(&block("### Real and mocked backends"));
    assert_eq!(cmds.len(), 6, "{cmds:#?}");
    assert_eq!(cmds[1], "eval \"$(scripts/moto.sh start)\"");
    assert!(
        cmds[3].ends_with("--endpoint \"$ORGSIM_TEST_ENDPOINT\""),
        "{}",
        cmds[3]
    );
    assert_eq!(
        strip_comment("a \"b # c\" # d"),
        "a \"b # c\"",
        "a # inside quotes stays"
    );
}

/// The real-AWS example, as the README shows it, is refused: exit 2, nothing sent.
#[test]
fn readme_real_aws_example_is_refused() {
    let cmds = commands(&block("### Real and mocked backends"));
    let refused: Vec<String> = cmds
        .iter()
        .filter(|c| c.contains("--backend sdk") && !c.contains("--endpoint"))
        .cloned()
        .collect();
    assert_eq!(refused.len(), 1, "{cmds:#?}");
    let ran = run_all(&refused);
    assert_eq!(ran[0].code, 2, "{}", show(&ran[0]));
    assert!(
        ran[0].stderr.contains("refusing to deploy"),
        "{}",
        show(&ran[0])
    );
    assert!(ran[0].stdout.is_empty(), "{}", show(&ran[0]));
}

/// Every command of the block, as pasted, in one shell: moto started (and its organization
/// created) by the script, the first run creates 22 resources, the second adopts them.
#[test]
fn readme_backend_commands_run_as_written() {
    match std::env::var("ORGSIM_TEST_ENDPOINT") {
        Ok(e) if !e.is_empty() => {}
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set but ORGSIM_TEST_ENDPOINT is not: moto must be installed (scripts/test.sh)")
        }
        _ => {
            common::skipped("no moto here (ORGSIM_TEST_ENDPOINT not set; run scripts/test.sh)");
            return;
        }
    }
    let cmds = commands(&block("### Real and mocked backends"));
    let ran = run_all(&cmds);
    let by =
        |needle: &str| -> Vec<&Ran> { ran.iter().filter(|r| r.cmd.contains(needle)).collect() };
    let mock = by("--backend mock");
    assert_eq!(mock.len(), 1);
    assert_eq!(mock[0].code, 0, "{}", show(mock[0]));
    let start = by("moto.sh start");
    assert_eq!(start[0].code, 0, "{}", show(start[0]));
    let sdk = by("--endpoint \"$ORGSIM_TEST_ENDPOINT\"");
    assert_eq!(sdk.len(), 2);
    for r in &sdk {
        assert_eq!(r.code, 0, "{}", show(r));
        assert!(r.stdout.contains("Verdict: PASS"), "{}", show(r));
    }
    assert!(
        sdk[0].stdout.contains("created 22 · existing 0 "),
        "{}",
        show(sdk[0])
    );
    // "again: 0 created, 22 existing"
    assert!(
        sdk[1].stdout.contains("created 0 · existing 22 "),
        "{}",
        show(sdk[1])
    );
    let stop = by("moto.sh stop");
    assert_eq!(stop[0].code, 0, "{}", show(stop[0]));
    let refused = ran.last().unwrap();
    assert_eq!(refused.code, 2, "{}", show(refused));
}
