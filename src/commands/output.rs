//! The output options `run`, `sweep`, `phases` and `load` share, and the one way commands write
//! to standard output ([`write_stdout`]).

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// How the report is printed, and where its files go.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputOpts {
    /// Print the report as JSON instead of text.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print the report as Markdown instead of text.
    #[arg(long)]
    pub markdown: bool,
    /// Also write the report's files into this directory (listed in the command's help), all
    /// or nothing. Files of the same name already there are replaced; nothing else in it is
    /// touched. A line on stderr lists the files written.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
}

impl OutputOpts {
    /// Prints the report in the form asked for ([`write_stdout`]).
    pub(crate) fn print(
        &self,
        json: &str,
        markdown: impl FnOnce() -> String,
        text: impl FnOnce() -> String,
    ) -> Result<()> {
        if self.json {
            write_stdout(json)
        } else if self.markdown {
            write_stdout(&markdown())
        } else {
            write_text(&text())
        }
    }

    /// [`OutputOpts::print`] for a report too big to hold twice: the JSON is written straight
    /// to stdout by `json`, not built as a string first. A reader that went away (a closed
    /// pipe) ends the output quietly.
    pub(crate) fn print_streamed(
        &self,
        json: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
        markdown: impl FnOnce() -> String,
        text: impl FnOnce() -> String,
    ) -> Result<()> {
        if self.json {
            write_stdout_with(json)
        } else {
            self.print("", markdown, text)
        }
    }
}

/// Set once standard output's reader has gone away.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether standard output's reader has gone away (a closed pipe seen by [`write_stdout`]).
pub(crate) fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// A text report (not JSON, Markdown or CSV) to standard output through [`write_stdout`],
/// coloured where `--color` says stdout is (`style`).
pub(crate) fn write_text(text: &str) -> Result<()> {
    write_stdout(&super::style::paint_stdout(text))
}

/// Writes `text` to standard output, all of it, flushed. Every command prints through here.
///
/// - A closed pipe (the reader went away: `orgsim ... | head -3`) ends the output quietly, as
///   ripgrep and cargo do: the rest, and anything printed later, is dropped, and the command
///   ends with its own verdict. No panic, no message.
/// - Any other failure (a full disk: `--json > /dev/full`) is exit 2 naming standard output:
///   a report that was not written must not look like one that was.
pub(crate) fn write_stdout(text: &str) -> Result<()> {
    write_stdout_with(|w| w.write_all(text.as_bytes()))
}

/// [`write_stdout`] for output made by `write` as it goes (buffered, then flushed), under the
/// same rules.
pub(crate) fn write_stdout_with(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    if stdout_closed() {
        return Ok(());
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(Error::io("standard output", format!("cannot write: {e}"))),
    }
}
