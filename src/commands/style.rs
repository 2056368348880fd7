//! How orgsim looks on a terminal, set once from the global flags: colour (`--color
//! auto|always|never`, `NO_COLOR`) and quiet (`-q`). The reports themselves stay plain text;
//! colour is added here, at the edge, to the words a reader scans for — PASS, FAIL,
//! INTERRUPTED, `warning:`, `finding:`, `error:` — and only where the text goes to a terminal (or
//! `--color always` says so). JSON, Markdown, CSV and files are never coloured.

use std::borrow::Cow;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

/// `--color`: when to colour the text on stdout and stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set (to anything not empty) or `TERM` is `dumb`.
    #[default]
    Auto,
    /// Always, even into a pipe or a file.
    Always,
    /// Never.
    Never,
}

/// The flags every command takes.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Look {
    /// When to colour PASS/FAIL, findings and errors: auto (on a terminal, unless NO_COLOR is
    /// set), always, never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Quiet: no progress bars and no notes on stderr (warnings and errors still print; the
    /// report on stdout is unchanged).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
}

static COLOR_STDOUT: AtomicBool = AtomicBool::new(false);
static COLOR_STDERR: AtomicBool = AtomicBool::new(false);
static QUIET: AtomicBool = AtomicBool::new(false);

/// Sets the look for the rest of the process, from the flags and the environment.
pub fn init(look: &Look) {
    let env_allows = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
    let on = |terminal: bool| match look.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && env_allows,
    };
    COLOR_STDOUT.store(on(std::io::stdout().is_terminal()), Ordering::Relaxed);
    COLOR_STDERR.store(on(std::io::stderr().is_terminal()), Ordering::Relaxed);
    QUIET.store(look.quiet, Ordering::Relaxed);
}

/// `-q` was given.
pub(crate) fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Whether text on stderr is coloured.
pub(crate) fn color_stderr() -> bool {
    COLOR_STDERR.load(Ordering::Relaxed)
}

/// A note on stderr (what orgsim assumed or did), unless `-q`.
pub(crate) fn note(text: &str) {
    if !quiet() {
        eprintln!("{text}");
    }
}

const GREEN: &str = "\x1b[1;32m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const RESET: &str = "\x1b[0m";

/// The words coloured, and how.
const WORDS: [(&str, &str); 6] = [
    ("PASS", GREEN),
    ("FAIL", RED),
    ("INTERRUPTED", YELLOW),
    ("warning:", YELLOW),
    ("finding:", YELLOW),
    ("error:", RED),
];

/// `text` for stdout: coloured when stdout is.
pub(crate) fn paint_stdout(text: &str) -> Cow<'_, str> {
    if COLOR_STDOUT.load(Ordering::Relaxed) {
        Cow::Owned(paint(text))
    } else {
        Cow::Borrowed(text)
    }
}

/// `text` for stderr: coloured when stderr is.
pub fn paint_stderr(text: &str) -> Cow<'_, str> {
    if color_stderr() {
        Cow::Owned(paint(text))
    } else {
        Cow::Borrowed(text)
    }
}

/// `text` with each of [`WORDS`] coloured where it stands as a word of its own (not inside
/// another word: `PASSWORD`, `FAILED` and `unFAIL` stay plain).
pub(crate) fn paint(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let bytes = text.as_bytes();
    let mut i = 0;
    'scan: while i < text.len() {
        let word_start = i == 0 || !is_word(bytes[i - 1]);
        if word_start {
            for (w, colour) in WORDS {
                if text[i..].starts_with(w) {
                    let end = i + w.len();
                    let word_end = end == text.len() || !is_word(bytes[end]) || w.ends_with(':');
                    if word_end {
                        out.push_str(colour);
                        out.push_str(w);
                        out.push_str(RESET);
                        i = end;
                        continue 'scan;
                    }
                }
            }
        }
        let c = text[i..].chars().next().expect("inside the text");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_words_are_coloured() {
        let p = paint("Verdict: PASS · FAILED PASSWORD FAIL\nerror: x · warning: y · INTERRUPTED");
        assert_eq!(
            p,
            format!(
                "Verdict: {GREEN}PASS{RESET} · FAILED PASSWORD {RED}FAIL{RESET}\n\
                 {RED}error:{RESET} x · {YELLOW}warning:{RESET} y · {YELLOW}INTERRUPTED{RESET}"
            )
        );
        assert_eq!(paint("ünïcode PASS"), format!("ünïcode {GREEN}PASS{RESET}"));
        assert_eq!(paint("xPASS PASSx _FAIL"), "xPASS PASSx _FAIL");
    }
}
