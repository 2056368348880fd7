//! `orgsim completions SHELL` and `orgsim man`: shell completions and manual pages, generated
//! from the clap definitions (clap_complete, clap_mangen), so they never drift from the flags.

use std::path::PathBuf;

use crate::error::{Error, Result, Verdict};

/// Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    orgsim completions bash > ~/.local/share/bash-completion/completions/orgsim\n  \
    orgsim completions zsh > \"${fpath[1]}/_orgsim\"\n  \
    orgsim completions fish > ~/.config/fish/completions/orgsim.fish")]
pub struct Args {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `cmd` is orgsim's whole command line (`Cli::command()`), passed in by `dispatch`.
pub(crate) fn run(a: Args, mut cmd: clap::Command) -> Result<Verdict> {
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "orgsim", &mut out);
    super::output::write_stdout(&String::from_utf8_lossy(&out))?;
    Ok(Verdict::Pass)
}

/// Print orgsim's manual page (roff), or write one page per command into DIR.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    orgsim man | man -l -\n  \
    orgsim man --out target/man      # orgsim.1, orgsim-run.1, orgsim-sweep.1, ...")]
pub struct ManArgs {
    /// Write orgsim.1 and orgsim-COMMAND.1 for every command into this directory, all or
    /// nothing.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The manual pages: (file name, roff), orgsim.1 first.
pub(crate) fn pages(cmd: &clap::Command) -> std::io::Result<Vec<(String, String)>> {
    let mut pages = vec![("orgsim.1".to_string(), render(cmd)?)];
    for sub in cmd.get_subcommands() {
        let name = format!("orgsim-{}", sub.get_name());
        let page = sub.clone().name(name.clone());
        pages.push((format!("{name}.1"), render(&page)?));
    }
    Ok(pages)
}

fn render(cmd: &clap::Command) -> std::io::Result<String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

pub(crate) fn run_man(a: ManArgs, cmd: clap::Command) -> Result<Verdict> {
    let pages = pages(&cmd).map_err(|e| Error::io("orgsim.1", format!("cannot render: {e}")))?;
    match &a.out {
        Some(dir) => {
            let files: Vec<(&str, &String)> = pages.iter().map(|(n, p)| (n.as_str(), p)).collect();
            super::common::write_out(dir, &files)?;
            super::style::note(&format!(
                "wrote {} manual pages into {}",
                pages.len(),
                dir.display()
            ));
        }
        None => super::output::write_stdout(&pages[0].1)?,
    }
    Ok(Verdict::Pass)
}
