//! The conventions of the CLIs orgsim's users know (cargo, ripgrep, Terraform, k6): `init`,
//! shell completions and man pages from the clap definitions, `--version` with the commit,
//! examples in every `--help`, colour on a terminal only (`--color`, `NO_COLOR`), `-q`.

use std::time::Duration;

use clap::Parser;

mod common;
use common::term::Term;
use common::{code, run, scratch, stderr, stdout};

const COMMANDS: [&str; 16] = [
    "run",
    "sweep",
    "merge",
    "sensitivity",
    "phases",
    "check",
    "load",
    "serve",
    "ops",
    "staff",
    "plan",
    "validate",
    "compare",
    "init",
    "completions",
    "man",
];

#[test]
fn init_writes_a_starter_that_validates_and_never_overwrites_unasked() {
    let dir = scratch("conventions-init");
    let o = common::bin()
        .current_dir(&dir)
        .args(["init", "acme-onboarding"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let file = dir.join("acme-onboarding.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("name = \"acme-onboarding\""), "{text}");
    let v = run(&["validate", file.to_str().unwrap()]);
    assert_eq!(code(&v), 0, "{}{}", stdout(&v), stderr(&v));
    let r = run(&["run", file.to_str().unwrap()]);
    assert_eq!(code(&r), 0, "{}{}", stdout(&r), stderr(&r));

    // The commented keys are real keys: uncommented, the file still validates.
    let uncommented: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest.starts_with('[')
                    || rest.split_once(" = ").is_some_and(|(k, _)| {
                        k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    }) =>
            {
                rest.to_string()
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(uncommented.contains("\n[generate]\n"), "{uncommented}");
    let all = common::write(&dir, "all-keys.toml", &uncommented);
    let v = run(&["validate", &all]);
    assert_eq!(code(&v), 0, "{}{}", stdout(&v), stderr(&v));

    // A second init leaves the file alone; --force replaces it.
    std::fs::write(&file, "mine").unwrap();
    let again = common::bin()
        .current_dir(&dir)
        .args(["init", "acme-onboarding"])
        .output()
        .unwrap();
    assert_eq!(code(&again), 2, "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    let forced = common::bin()
        .current_dir(&dir)
        .args(["init", "acme-onboarding", "--force"])
        .output()
        .unwrap();
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);

    let bad = run(&["init", "a\u{1b}]0;x\u{7}"]);
    assert_eq!(code(&bad), 2);
}

#[test]
fn completions_and_man_pages_cover_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(&["completions", shell]);
        assert_eq!(code(&o), 0, "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for c in COMMANDS {
            assert!(script.contains(c), "{shell} completions lack `{c}`");
        }
        assert!(script.contains("replications"), "{shell}");
    }
    let o = run(&["man"]);
    assert_eq!(code(&o), 0);
    let page = stdout(&o);
    assert!(
        page.starts_with(".ie") || page.contains(".TH orgsim"),
        "{page}"
    );
    let dir = scratch("conventions-man");
    let o = run(&["man", "--out", dir.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for c in COMMANDS {
        let p = std::fs::read_to_string(dir.join(format!("orgsim-{c}.1")))
            .unwrap_or_else(|e| panic!("orgsim-{c}.1: {e}"));
        assert!(p.contains(&format!(".TH orgsim-{c}")), "{p}");
    }
    let man = std::fs::read_to_string(dir.join("orgsim-sweep.1")).unwrap();
    assert!(man.contains("replications"), "{man}");
}

#[test]
fn version_names_the_commit() {
    let o = run(&["--version"]);
    assert_eq!(code(&o), 0);
    let v = stdout(&o);
    assert!(v.starts_with("orgsim 0."), "{v}");
    assert!(
        v.contains("(commit ") || v.contains("(unknown commit)"),
        "{v}"
    );
}

/// Every command's --help ends with examples, and every example is a command line orgsim
/// accepts (parsed by the same clap definitions; comments and redirections aside).
#[test]
fn every_help_has_examples_that_parse() {
    for c in COMMANDS {
        let o = run(&[c, "--help"]);
        assert_eq!(code(&o), 0, "{c}");
        let help = stdout(&o);
        let examples: Vec<&str> = help
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("`orgsim {c} --help` has no examples:\n{help}"))
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("orgsim "))
            .collect();
        assert!(!examples.is_empty(), "{c}: {help}");
        for e in examples {
            // (An example may make the command's input first: `sweep ... > result.json`.)
            let words = words(e);
            if let Err(err) = orgsim::commands::Cli::try_parse_from(&words) {
                panic!("`orgsim {c} --help` shows `{e}`, which orgsim refuses: {err}");
            }
        }
    }
}

/// A command line's words as a shell splits them (double quotes kept together), up to a
/// comment, a redirection or a pipe.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            '#' | '>' | '|' if !quoted && cur.is_empty() => break,
            _ => cur.push(ch),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[test]
fn colour_only_where_a_terminal_reads_it() {
    let plain = run(&["run", "scenarios/two-customers.toml"]);
    assert!(!stdout(&plain).contains('\u{1b}'), "piped output is plain");
    let always = run(&["--color", "always", "run", "scenarios/two-customers.toml"]);
    assert!(
        stdout(&always).contains("\u{1b}[1;32mPASS\u{1b}[0m"),
        "{}",
        stdout(&always)
    );
    let json = run(&[
        "--color",
        "always",
        "run",
        "scenarios/two-customers.toml",
        "--json",
    ]);
    assert!(!stdout(&json).contains('\u{1b}'), "JSON is never coloured");
    serde_json::from_str::<serde_json::Value>(&stdout(&json)).unwrap();

    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = env!("CARGO_BIN_EXE_orgsim");
    let args = ["run", "scenarios/two-customers.toml"];
    let tty = Term::spawn("orgsim run (tty)", Term::command(bin, &args, repo))
        .finish(Duration::from_secs(60));
    assert_eq!(tty.code, 0);
    let mut no_color = Term::command(bin, &args, repo);
    no_color.env("NO_COLOR", "1");
    let raw = Term::spawn("orgsim run (NO_COLOR)", no_color);
    let raw = raw.finish(Duration::from_secs(60));
    assert_eq!(raw.code, 0);
    assert!(tty.raw.contains("\u{1b}[1;32mPASS"), "{}", tty.screen);
    assert!(!raw.raw.contains('\u{1b}'), "{}", raw.screen);
}

#[test]
fn quiet_hides_the_progress_bar_on_a_terminal() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = env!("CARGO_BIN_EXE_orgsim");
    let args = [
        "-q",
        "sweep",
        "scenarios/two-customers.toml",
        "--customers",
        "1..=2",
        "--replications",
        "300",
    ];
    let end = Term::spawn("orgsim -q sweep", Term::command(bin, &args, repo))
        .finish(Duration::from_secs(120));
    assert_eq!(end.code, 0, "{}", end.screen);
    assert!(!end.screen.contains("replications ·"), "{}", end.screen);
    assert!(end.screen.contains("orgsim sweep"), "{}", end.screen);
}

/// A flag says what it takes where it is: every `--deployer` lists the profiles.
#[test]
fn every_deployer_flag_names_its_values() {
    for c in [
        "run",
        "sweep",
        "sensitivity",
        "phases",
        "load",
        "ops",
        "staff",
    ] {
        let help = stdout(&run(&[c, "--help"]));
        let at = help
            .find("--deployer")
            .unwrap_or_else(|| panic!("{c} has no --deployer"));
        let text = &help[at..help[at..].find("\n  -").map_or(help.len(), |e| at + e)];
        for d in ["terraform-aws", "aws-sdk-standard", "control-tower"] {
            assert!(
                text.contains(d),
                "`orgsim {c} --help`: --deployer lacks {d}:\n{text}"
            );
        }
    }
}
