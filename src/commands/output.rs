//! The output options `run`, `sweep`, `phases` and `load` share.

use std::path::PathBuf;

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
    /// or nothing.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
}

impl OutputOpts {
    /// Prints the report in the form asked for.
    pub fn print(
        &self,
        json: &str,
        markdown: impl FnOnce() -> String,
        text: impl FnOnce() -> String,
    ) {
        if self.json {
            print!("{json}");
        } else if self.markdown {
            print!("{}", markdown());
        } else {
            print!("{}", text());
        }
    }

    /// [`OutputOpts::print`] for a report too big to hold twice: the JSON is written straight
    /// to stdout by `json`, not built as a string first. A reader that went away (a closed
    /// pipe) ends the output quietly.
    pub fn print_streamed(
        &self,
        json: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
        markdown: impl FnOnce() -> String,
        text: impl FnOnce() -> String,
    ) {
        if self.json {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            let _ = json(&mut w).and_then(|()| std::io::Write::flush(&mut w));
        } else {
            self.print("", markdown, text);
        }
    }
}
