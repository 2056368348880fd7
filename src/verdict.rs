//! [`Verdict`]: whether what a command judged held. A leaf: the layers that judge (analysis,
//! the sweeps, the gate, the load test, the people side) make one; `error` re-exports it beside
//! `Error` for the commands and `main`, which turn it into an exit code.

use std::fmt;

use serde::Serialize;

/// Whether everything a command judged held. Serialized as `"PASS"`, `"FAIL"` or
/// `"INTERRUPTED"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// Ctrl-C stopped it before the end: what ran is reported, but it is neither a pass nor a
    /// fail of the whole (exit 2).
    Interrupted,
}

impl Verdict {
    /// `Pass` when `ok`.
    pub fn of(ok: bool) -> Verdict {
        if ok {
            Verdict::Pass
        } else {
            Verdict::Fail
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Interrupted => "INTERRUPTED",
        }
    }

    pub fn is_pass(self) -> bool {
        self == Verdict::Pass
    }

    /// Both held (interrupted if either was).
    pub fn and(self, other: Verdict) -> Verdict {
        if self == Verdict::Interrupted || other == Verdict::Interrupted {
            return Verdict::Interrupted;
        }
        Verdict::of(self.is_pass() && other.is_pass())
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
