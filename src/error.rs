//! What a command ends with: a [`Verdict`] when it did its job (exit 0 or 1), or an [`Error`]
//! when it could not (exit 2). Only `main` prints an error and picks the exit code.

use std::fmt;
use std::path::PathBuf;

use crate::scenario::ScenarioError;
pub use crate::verdict::Verdict;

/// Why a command could not do its job (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario file: its place (file:line:col) and field.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A command-line flag, or a combination of them.
    #[error("{0}")]
    Flag(String),
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
    Endpoint(String),
    /// The user did not confirm the organization a real endpoint would deploy into.
    #[error("organization id not confirmed (expected {expected}); nothing was created")]
    OrgNotConfirmed { expected: String },
    /// Nothing the command could judge (e.g. sweeps of different deployers).
    #[error("{0}")]
    Refused(String),
    /// Ctrl-C: what ran was reported.
    #[error("interrupted: {0}")]
    Interrupted(String),
}

impl Error {
    /// A bad flag or combination of flags.
    pub fn flag(message: impl Into<String>) -> Error {
        Error::Flag(message.into())
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
