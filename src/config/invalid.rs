//! [`Invalid`], the field error every config parser returns (re-exported as
//! `config::Invalid`).

/// The one field error: why a value is not acceptable, and which value when the code that
/// judged it knows (`field`: a dotted scenario key such as `deploy.parallelism`, or a flag such
/// as `--duration`). Parsers of a single value leave `field` empty; their callers name it
/// ([`Invalid::in_field`]) or place it (the scenario loader: file:line:col and field).
/// Printed as `field: message`, or the message alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: Option<String>,
    pub message: String,
}

impl Invalid {
    /// A value's fault, the value not named.
    pub(crate) fn new(message: impl Into<String>) -> Invalid {
        Invalid {
            field: None,
            message: message.into(),
        }
    }

    /// The fault of the value at `field`.
    pub(crate) fn at(field: impl Into<String>, message: impl Into<String>) -> Invalid {
        Invalid {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// Names the value at fault (a flag, a key) unless it is named already.
    pub(crate) fn in_field(mut self, field: impl Into<String>) -> Invalid {
        if self.field.is_none() {
            self.field = Some(field.into());
        }
        self
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Invalid {}

impl From<String> for Invalid {
    fn from(s: String) -> Invalid {
        Invalid::new(s)
    }
}

impl From<&str> for Invalid {
    fn from(s: &str) -> Invalid {
        Invalid::new(s)
    }
}

/// The printed form, `field: message` (what a caller that adds only a place shows).
impl From<Invalid> for String {
    fn from(i: Invalid) -> String {
        i.to_string()
    }
}
