//! What a command ends with: a [`Verdict`] when it did its job (exit 0 or 1), or an [`Error`]
//! when it could not (exit 2). Only `main` prints an error and picks the exit code.

use std::fmt;
use std::path::PathBuf;

use crate::config::Invalid;
use crate::scenario::ScenarioError;
pub use crate::verdict::Verdict;

/// Why a command could not do its job (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario file: its place (file:line:col) and field.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A command-line flag, or a combination of them: the flag in `field` when one is at fault.
    #[error("{0}")]
    Flag(Invalid),
    /// A latency profile that cannot be read or is not one.
    #[error("{}: {message}", path.display())]
    Profile { path: PathBuf, message: String },
    /// A file that cannot be read or written.
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
    /// An input file that is not what the command reads (e.g. not a sweep result).
    #[error("{}: {message}", path.display())]
    Input { path: PathBuf, message: String },
    /// The endpoint: refused by the guard, unreachable, or its organization unreadable.
    #[error("{0}")]
    Endpoint(Invalid),
    /// The user did not confirm the organization a real endpoint would deploy into.
    #[error("organization id not confirmed (expected {expected}); nothing was created")]
    OrgNotConfirmed { expected: String },
    /// Nothing the command could judge (e.g. sweeps of different deployers).
    #[error("{0}")]
    Refused(Invalid),
    /// Ctrl-C: what ran was reported.
    #[error("interrupted: {0}")]
    Interrupted(String),
}

impl Error {
    /// A bad flag or combination of flags.
    pub fn flag(message: impl Into<String>) -> Error {
        Error::Flag(Invalid::new(message))
    }

    /// The value of flag `flag` is not acceptable (printed `flag: why`).
    pub fn flag_value(flag: &str, why: impl Into<Invalid>) -> Error {
        Error::Flag(why.into().in_field(flag))
    }

    /// The endpoint cannot be used.
    pub fn endpoint(message: impl Into<String>) -> Error {
        Error::Endpoint(Invalid::new(message))
    }

    /// Nothing the command could judge.
    pub fn refused(message: impl Into<String>) -> Error {
        Error::Refused(Invalid::new(message))
    }

    /// A file that cannot be read or written.
    pub fn io(path: impl Into<PathBuf>, message: impl fmt::Display) -> Error {
        Error::Io {
            path: path.into(),
            message: message.to_string(),
        }
    }
}

/// A command's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// A flag's bad value is the one field error, the flag in its field, printed as before
    /// (`--duration: why`).
    #[test]
    fn a_flag_error_names_its_flag() {
        let why = crate::config::units::parse_duration_ms("5x").unwrap_err();
        let e = Error::flag_value("--duration", why.clone());
        let Error::Flag(Invalid { field, message }) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(field.as_deref(), Some("--duration"));
        assert_eq!(message, &why.message);
        assert_eq!(e.to_string(), format!("--duration: {}", why.message));
        // A value that named its field already keeps it.
        let e = Error::flag_value("--poll-interval", Invalid::at("deploy.x", "bad"));
        assert_eq!(e.to_string(), "deploy.x: bad");
        assert_eq!(Error::flag("no flags").to_string(), "no flags");
        assert_eq!(Error::endpoint("down").to_string(), "down");
    }
}
