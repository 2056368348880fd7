//! The unit conversion the analysis children share: engine milliseconds as the seconds the
//! report prints.

/// `ms` milliseconds in seconds.
pub(super) fn secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}
