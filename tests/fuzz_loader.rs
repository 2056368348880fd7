//! The scenario loader under random input (proptest): arbitrary byte strings (as read from a
//! file, `parse_bytes`, and in their lossy UTF-8 form, `parse`), and the shipped
//! scenarios (`scenarios/`, `scenarios/faults/`, `scenarios/incidents/`) with random byte and line mutations. Whatever
//! the text, loading returns a scenario or an error that names the file and is placed — a line
//! and column within the text, or (a fault of the whole file) neither — and never panics.
//!
//! 10,000 cases of each kind in the normal test run; `PROPTEST_CASES=N` sets another number
//! (docs/testing.md: a million, in a release build).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use orgsim::scenario::{parse, parse_bytes, ScenarioError};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Cases per property: `PROPTEST_CASES`, else 10,000.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        // No regression files written into the tree; a failure prints its minimal input.
        failure_persistence: None,
        ..Config::default()
    })
}

/// Every shipped scenario's text.
fn shipped() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut texts = Vec::new();
    for dir in [root.clone(), root.join("faults"), root.join("incidents")] {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        texts.extend(paths.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    }
    assert!(texts.len() >= 15, "{} scenarios", texts.len());
    texts
}

/// How the cases ended: loaded, refused as TOML, refused by a later check.
#[derive(Default)]
struct Seen {
    ok: AtomicUsize,
    syntax: AtomicUsize,
    checks: AtomicUsize,
}

impl Seen {
    fn counts(&self) -> (usize, usize, usize) {
        let l = |a: &AtomicUsize| a.load(Ordering::Relaxed);
        (l(&self.ok), l(&self.syntax), l(&self.checks))
    }
}

/// The loader's contract on `src`: Ok, or an error naming the file, with a message, placed
/// within the text (line and column from 1, the column within its line) or not at all.
fn check(src: &str, seen: &Seen) -> Result<(), TestCaseError> {
    check_result(src, parse(src, Path::new("fuzz.toml")), seen)
}

/// The same on bytes as the file reader gets them ([`parse_bytes`]): text that is not UTF-8 is
/// refused at its first bad byte, placed within the valid text before it.
fn check_bytes(b: &[u8], seen: &Seen) -> Result<(), TestCaseError> {
    let r = parse_bytes(b, Path::new("fuzz.toml"));
    match std::str::from_utf8(b) {
        Ok(text) => check_result(text, r, seen),
        Err(u) => {
            let e = r.expect_err("not UTF-8");
            prop_assert!(e.message.contains("not UTF-8"), "{}", e);
            let before = std::str::from_utf8(&b[..u.valid_up_to()]).unwrap();
            check_result(before, Err(e), &Seen::default())
        }
    }
}

fn check_result(
    src: &str,
    r: Result<orgsim::scenario::Scenario, ScenarioError>,
    seen: &Seen,
) -> Result<(), TestCaseError> {
    let file = Path::new("fuzz.toml");
    let e: ScenarioError = match r {
        Ok(_) => {
            seen.ok.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        Err(e) => e,
    };
    if e.message.starts_with("invalid TOML") {
        seen.syntax.fetch_add(1, Ordering::Relaxed);
    } else {
        seen.checks.fetch_add(1, Ordering::Relaxed);
    }
    prop_assert_eq!(&e.file, file);
    prop_assert!(!e.message.trim().is_empty(), "no message: {:?}", e);
    if e.line == 0 {
        prop_assert_eq!(e.column, 0, "{}", e);
    } else {
        let lines: Vec<&str> = src.split('\n').collect();
        prop_assert!(
            e.line <= lines.len(),
            "line {} of {}: {}",
            e.line,
            lines.len(),
            e
        );
        let width = lines[e.line - 1].chars().count();
        prop_assert!(
            e.column >= 1 && e.column <= width + 1,
            "column {} of a {}-character line: {}",
            e.column,
            width,
            e
        );
    }
    let shown = e.to_string();
    prop_assert!(shown.starts_with("fuzz.toml"), "{}", shown);
    Ok(())
}

#[test]
fn arbitrary_bytes_load_or_are_refused_at_a_place() {
    // Bytes as the file reader gets them (a text that is not UTF-8 is refused at its first bad
    // byte); their lossy UTF-8 form too, so that the rest of the bytes reach the parser.
    let bytes = prop::collection::vec(any::<u8>(), 0..512);
    // TOML-ish bytes: much more likely to get past the syntax check.
    let tomlish = prop::collection::vec(
        prop::sample::select(b"[]{}=.,\"'#\n \t0123456789abcdefnrstu_-+:eE".to_vec()),
        0..256,
    );
    let input = prop_oneof![bytes, tomlish];
    let seen = Seen::default();
    runner()
        .run(&input, |b| {
            check_bytes(&b, &Seen::default())?;
            check(&String::from_utf8_lossy(&b), &seen)
        })
        .unwrap();
    let (ok, syntax, checks) = seen.counts();
    eprintln!("arbitrary bytes: {ok} loaded, {syntax} refused as TOML, {checks} by a check");
    if cases() >= 1000 {
        assert!(syntax > 0 && checks > 0, "{ok} {syntax} {checks}");
    }
}

/// One edit of a scenario's text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the byte at this fraction of the text.
    SetByte(f64, u8),
    /// Insert bytes at a fraction of the text.
    Insert(f64, Vec<u8>),
    /// Delete up to this many bytes from a fraction of the text.
    Delete(f64, usize),
    /// Delete a line.
    DropLine(f64),
    /// Repeat a line right after itself.
    DupLine(f64),
    /// Swap two lines.
    SwapLines(f64, f64),
    /// Put a token where a line's value was (after its `=`), or append it as a line.
    Token(f64, &'static str),
}

/// Values and keys the loader must judge: out of range, wrong type, huge, odd tables.
const TOKENS: &[&str] = &[
    "-1",
    "0",
    "1e309",
    "-1e309",
    "nan",
    "inf",
    "18446744073709551616",
    "9223372036854775807",
    "\"\"",
    "\"1h30m\"",
    "\"-5m\"",
    "\"99999999999h\"",
    "[]",
    "{}",
    "[[customers]]",
    "[[service.faults]]",
    "[service.throttle.CreateAccount]",
    "from = \"10m\"",
    "to = 0",
    "operations = [\"Nope\"]",
    "error = \"ConstraintViolationException:\"",
    "probability = 2",
    "count = 100000",
    "existing_accounts = 99999",
    "account_quota = 0",
    "a.b.c.d.e.f = 1",
    "name = \"x\"",
    "tier = \"platinum\"",
    "email = \"@\"",
    "\u{0}",
    "é",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), any::<u8>()).prop_map(|(a, b)| Mutation::SetByte(a, b)),
        (at.clone(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(a, b)| Mutation::Insert(a, b)),
        (at.clone(), 1..64usize).prop_map(|(a, n)| Mutation::Delete(a, n)),
        at.clone().prop_map(Mutation::DropLine),
        at.clone().prop_map(Mutation::DupLine),
        (at.clone(), at.clone()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (at, prop::sample::select(TOKENS)).prop_map(|(a, t)| Mutation::Token(a, t)),
    ]
}

fn index(frac: f64, len: usize) -> usize {
    ((frac * len as f64) as usize).min(len.saturating_sub(1))
}

fn apply(text: &[u8], m: &Mutation) -> Vec<u8> {
    let mut b = text.to_vec();
    let mut lines: Vec<Vec<u8>> = b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
    let joined = |lines: Vec<Vec<u8>>| lines.join(&b'\n');
    match m {
        Mutation::SetByte(a, v) => {
            if !b.is_empty() {
                let i = index(*a, b.len());
                b[i] = *v;
            }
            b
        }
        Mutation::Insert(a, v) => {
            let i = index(*a, b.len() + 1);
            b.splice(i..i, v.iter().copied());
            b
        }
        Mutation::Delete(a, n) => {
            if !b.is_empty() {
                let i = index(*a, b.len());
                let end = (i + n).min(b.len());
                b.drain(i..end);
            }
            b
        }
        Mutation::DropLine(a) => {
            let i = index(*a, lines.len());
            lines.remove(i);
            joined(lines)
        }
        Mutation::DupLine(a) => {
            let i = index(*a, lines.len());
            let l = lines[i].clone();
            lines.insert(i + 1, l);
            joined(lines)
        }
        Mutation::SwapLines(a, c) => {
            let (i, j) = (index(*a, lines.len()), index(*c, lines.len()));
            lines.swap(i, j);
            joined(lines)
        }
        Mutation::Token(a, t) => {
            let i = index(*a, lines.len());
            let line = &mut lines[i];
            match line.iter().position(|&c| c == b'=') {
                Some(eq) if !t.contains('=') && !t.starts_with('[') => {
                    line.truncate(eq + 1);
                    line.push(b' ');
                    line.extend_from_slice(t.as_bytes());
                }
                _ => lines.insert(i + 1, t.as_bytes().to_vec()),
            }
            joined(lines)
        }
    }
}

#[test]
fn mutated_shipped_scenarios_load_or_are_refused_at_a_place() {
    let texts = shipped();
    let n = texts.len();
    let input = (0..n, prop::collection::vec(mutation(), 1..5));
    let seen = Seen::default();
    runner()
        .run(&input, |(k, ms)| {
            let mut b = texts[k].clone().into_bytes();
            for m in &ms {
                b = apply(&b, m);
            }
            check_bytes(&b, &Seen::default())?;
            check(&String::from_utf8_lossy(&b), &seen)
        })
        .unwrap();
    let (ok, syntax, checks) = seen.counts();
    eprintln!("mutated scenarios: {ok} loaded, {syntax} refused as TOML, {checks} by a check");
    // The mutations reach every stage: some still load, some break the syntax, some get past
    // it to the checks.
    if cases() >= 1000 {
        assert!(ok > 0 && syntax > 0 && checks > 0, "{ok} {syntax} {checks}");
    }
}

#[test]
fn the_shipped_scenarios_themselves_load() {
    // The base of the mutations is valid: a failure above is the mutation's.
    for t in shipped() {
        parse(&t, Path::new("fuzz.toml")).unwrap_or_else(|e| panic!("{e}"));
    }
}
