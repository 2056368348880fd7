//! The README's "Real and mocked backends" commands, run as written: the mock backend, moto
//! started by `scripts/moto.sh start` (which creates the organization), two runs against it
//! (the second adopts everything), and the refused real-AWS form (exit 2).
//!
//! The block is taken from README.md as it is; `orgsim` is the binary under test, put on the
//! `PATH` as `cargo install` would. The commands that need moto run when `ORGSIM_TEST_ENDPOINT`
//! says it can run here (`scripts/test.sh`, CI); the refused form runs always.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

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

// ---------------------------------------------------------------------------------------------
// Every command of the README, as pasted, on a terminal.

/// Every ```sh block of the README, with the heading it is under.
fn all_blocks() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut heading = String::from("(top)");
    let mut block: Option<String> = None;
    for line in readme.lines() {
        match &mut block {
            Some(b) if line.starts_with("```") => {
                out.push((heading.clone(), std::mem::take(b)));
                block = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None if line == "```sh" => block = Some(String::new()),
            None if line.starts_with('#') => heading = line.trim_start_matches('#').trim().into(),
            None => {}
        }
    }
    out
}

/// One command of a block: its text as bash reads it (lines joined until bash finds it
/// complete, so a `for` loop over several lines is one command) and its own trailing comments.
#[derive(Debug)]
struct Pasted {
    text: String,
    comments: String,
}

fn complete(text: &str) -> bool {
    Command::new("bash")
        .args(["-n", "-c", text])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn pasted(block: &str) -> Vec<Pasted> {
    let mut out = Vec::new();
    let (mut cur, mut comments) = (String::new(), String::new());
    for line in block.lines() {
        let t = line.trim();
        if cur.is_empty() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        let code = strip_comment(line);
        comments.push_str(&line[code.len().min(line.len())..]);
        comments.push('\n');
        cur.push_str(&code);
        cur.push('\n');
        if !code.trim_end().ends_with('\\') && complete(&cur) {
            out.push(Pasted {
                text: cur.trim_end().to_string(),
                comments: std::mem::take(&mut comments),
            });
            cur.clear();
        }
    }
    assert!(cur.is_empty(), "an unfinished command in the README: {cur}");
    out
}

/// The exit code a command's comments promise ("exit 1", "exit 2"), else 0.
fn promised_exit(comments: &str) -> i32 {
    let mut code = 0;
    for (i, _) in comments.match_indices("exit ") {
        if let Some(d) = comments[i + 5..]
            .chars()
            .next()
            .and_then(|c| c.to_digit(10))
        {
            code = d as i32;
        }
    }
    code
}

/// Why a README command is not run here, or `None` to run it. Each of these runs elsewhere.
fn not_run_here(cmd: &str) -> Option<&'static str> {
    if cmd.starts_with("scripts/test.sh") {
        Some("the test command itself, which runs this test")
    } else if cmd.starts_with("cargo bench") {
        Some("a benchmark: minutes of measurement, run by hand (docs/performance.md)")
    } else if cmd.starts_with("scripts/scale.sh") {
        Some("a measurement of 100,000-customer runs, minutes long, run by hand")
    } else {
        None
    }
}

/// The README's `cargo run --release [--quiet] --` is `orgsim` here: the binary under test
/// (the test build holds cargo's lock on the target directory, so cargo cannot run inside it).
fn as_installed(cmd: &str) -> String {
    cmd.replace("cargo run --release --quiet --", "orgsim")
        .replace("cargo run --release --", "orgsim")
}

/// A copy of the repository's inputs to run the README in: scenarios, scripts and examples
/// linked, the baselines copied (`scripts/regression.sh update` rewrites them), `target` linked
/// to this build's (moto's venv), an empty `docs/` for the commands that regenerate its examples.
fn readme_workdir() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = own_dir("terminal");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(work.join("docs/examples")).unwrap();
    for d in [
        "scenarios",
        "scripts",
        "examples",
        "tests",
        "src",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        std::os::unix::fs::symlink(repo.join(d), work.join(d)).unwrap();
    }
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    std::os::unix::fs::symlink(target, work.join("target")).unwrap();
    let copy = Command::new("cp")
        .arg("-R")
        .arg(repo.join("reports"))
        .arg(work.join("reports"))
        .status()
        .unwrap();
    assert!(copy.success());
    work
}

/// Every command in every ```sh block of the README, as pasted, each block in one bash on a
/// terminal of its own, with the built `orgsim` on the `PATH`: each ends (a hang fails naming
/// the command) with the exit code its comment promises (0 unless it says "exit N"), and none
/// panics. Blocks that use moto run where scripts/test.sh started one (and start their own).
#[test]
fn every_readme_command_runs_on_a_terminal() {
    use common::term::Term;
    let moto_here = std::env::var("ORGSIM_TEST_ENDPOINT").is_ok_and(|e| !e.is_empty());
    let bin = bin_dir();
    let work = readme_workdir();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    let (mut ran, mut skipped) = (0, Vec::new());
    for (heading, block) in all_blocks() {
        let cmds = pasted(&block);
        let needs_moto = block.contains("moto") || block.contains("ORGSIM_TEST_ENDPOINT");
        if needs_moto && !moto_here {
            if std::env::var_os("CI").is_some() {
                panic!("CI is set but ORGSIM_TEST_ENDPOINT is not (scripts/test.sh starts moto)");
            }
            skipped.push(format!("{heading}: needs moto (run scripts/test.sh)"));
            continue;
        }
        let mut script = String::from(
            "trap '[ -n \"${MOTO_PID:-}\" ] && kill \"$MOTO_PID\" 2>/dev/null' EXIT\n",
        );
        let mut run: Vec<(usize, &Pasted)> = Vec::new();
        for (i, c) in cmds.iter().enumerate() {
            if let Some(why) = not_run_here(&c.text) {
                skipped.push(format!("{heading}: `{}`: {why}", c.text));
                continue;
            }
            script.push_str(&as_installed(&c.text));
            script.push_str(&format!("\necho \"@@readme-rc {i} $?@@\"\n"));
            run.push((i, c));
        }
        if run.is_empty() {
            continue;
        }
        ran += run.len();
        let mut cmd = Term::command("bash", &["-c", &script], &work);
        cmd.env("PATH", &path);
        // What the README's commands set themselves, and nothing that points them elsewhere.
        cmd.env_remove("ORGSIM_TEST_ENDPOINT");
        cmd.env_remove("MOTO_PID");
        // scripts/regression.sh would build the release binary first: the one under test.
        cmd.env("ORGSIM", env!("CARGO_BIN_EXE_orgsim"));
        let term = Term::spawn(&format!("the README's block under {heading}"), cmd);
        let (screen, hung) = match term.try_finish(Duration::from_secs(900)) {
            Ok(end) => {
                eprintln!(
                    "ran {} command(s) under {heading} in {:?}",
                    run.len(),
                    end.after
                );
                (end.screen, false)
            }
            Err(screen) => (screen, true),
        };
        for (i, c) in &run {
            let marker = format!("@@readme-rc {i} ");
            let Some(at) = screen.find(&marker) else {
                let why = if hung { "hung" } else { "never ended" };
                failures.push(format!(
                    "{heading}: `{}` {why}; screen:\n{}",
                    c.text,
                    common::term::tail(&screen)
                ));
                break;
            };
            let rest = &screen[at + marker.len()..];
            let code: i32 = rest[..rest.find('@').unwrap()].trim().parse().unwrap();
            let want = promised_exit(&c.comments);
            if code != want {
                failures.push(format!(
                    "{heading}: `{}` exited {code}, the README says {want}; screen:\n{}",
                    c.text,
                    common::term::tail(&screen[..at])
                ));
            }
        }
        if screen.contains("panicked at") {
            failures.push(format!(
                "{heading}: a panic:\n{}",
                common::term::tail(&screen)
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    let _ = std::fs::remove_dir_all(&bin);
    for s in &skipped {
        eprintln!("not run here: {s}");
    }
    assert!(ran >= 30, "only {ran} README commands ran");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn readme_commands_are_read_as_bash_reads_them() {
    let cmds = pasted("# exit 2\nfor d in a b; do\n  echo $d   # exit 1\ndone\necho x \\\n  y\n");
    assert_eq!(cmds.len(), 2, "{cmds:#?}");
    assert!(cmds[0].text.starts_with("for d in a b; do"));
    assert_eq!(promised_exit(&cmds[0].comments), 1);
    assert_eq!(cmds[1].text, "echo x \\\n  y");
    assert_eq!(promised_exit(&cmds[1].comments), 0);
    assert_eq!(
        as_installed("cargo run --release -- run x.toml"),
        "orgsim run x.toml"
    );
}
