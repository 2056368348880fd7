//! `orgsim init [NAME]`: writes a commented starter scenario that validates.

use std::path::PathBuf;

use crate::error::{Error, Result, Verdict};

/// Write a commented starter scenario (two customers, the main tables) to NAME.toml.
///
/// The file validates as written; its commented lines are optional keys with their defaults.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    orgsim init                      # writes my-scenario.toml\n  \
    orgsim init acme-onboarding      # writes acme-onboarding.toml, name = \"acme-onboarding\"\n  \
    orgsim init acme -o scenarios/acme.toml --force")]
pub struct Args {
    /// The scenario's name (letters, digits, `-`, `_` and `.`, at most 64); the file is
    /// NAME.toml unless `-o` says where.
    #[arg(default_value = "my-scenario")]
    pub name: String,
    /// Where to write it (default: NAME.toml in the current directory).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace a file that exists (without it, an existing file is left alone: exit 2).
    #[arg(long)]
    pub force: bool,
}

/// The starter scenario, with `{name}` and `{file}` to fill in.
const STARTER: &str = include_str!("init/starter.toml");

/// The starter scenario for `name`, to be written at `file`.
pub(crate) fn starter(name: &str, file: &str) -> String {
    STARTER.replace("{name}", name).replace("{file}", file)
}

/// `name` if it is a name the starter can carry as it is (it lands in TOML and a file name).
fn check_name(name: &str) -> Result<&str> {
    let name = name.strip_suffix(".toml").unwrap_or(name);
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(name)
    } else {
        Err(Error::flag(format!(
            "NAME: {:?} is not a scenario name: 1 to 64 letters, digits, `-`, `_` and `.`, not \
             beginning with `.`",
            name
        )))
    }
}

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let name = check_name(&a.name)?;
    let path = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{name}.toml")));
    if !a.force && std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::io(
            &path,
            "exists: left as it is (--force replaces it)",
        ));
    }
    let file = path.display().to_string();
    super::common::write_file(&path, starter(name, &file))?;
    super::style::note(&format!(
        "wrote {file}: check it with `orgsim validate {file}`, run it with `orgsim run {file}`"
    ));
    Ok(Verdict::Pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_would_break_the_file_or_its_path_are_refused() {
        assert_eq!(check_name("acme").unwrap(), "acme");
        assert_eq!(check_name("acme.toml").unwrap(), "acme");
        for bad in [
            "",
            ".hidden",
            "a/b",
            "a\"b",
            "a b",
            "\u{1b}[2J",
            &"x".repeat(65),
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
