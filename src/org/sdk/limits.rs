//! What an endpoint may cost a run ([`Limits`]), and the caps and timeouts of the last client
//! made, which the listing code and the error messages read.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// What an endpoint may cost a run: its timeouts, the size of an answer, the pages of a
/// listing. Defaults in [`Limits::default`] (stated in docs/testing.md); `run` and `load`
/// override them with `--connect-timeout`, `--read-timeout`, `--operation-timeout` and
/// `--max-pages`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// To open a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// From sending a request to the answer's first byte.
    pub read_timeout: Duration,
    /// One whole call: sending, waiting, reading the body.
    pub operation_timeout: Duration,
    /// Bytes of one answer's body.
    pub max_response_bytes: u64,
    /// Pages of one listing (a `NextToken` on every page stops here).
    pub max_pages: usize,
}

/// The default timeouts and caps.
pub(crate) const DEFAULT_LIMITS: Limits = Limits {
    connect_timeout: Duration::from_secs(10),
    read_timeout: Duration::from_secs(30),
    operation_timeout: Duration::from_secs(60),
    max_response_bytes: 16 * 1024 * 1024,
    max_pages: 5_000,
};

impl Default for Limits {
    fn default() -> Limits {
        DEFAULT_LIMITS
    }
}

/// The page cap and timeouts of the last client made ([`client`]): one process runs one
/// command against one endpoint, so the listing code and the error messages read them here
/// rather than from every caller.
pub(super) static MAX_PAGES: AtomicUsize = AtomicUsize::new(DEFAULT_LIMITS.max_pages);
pub(super) static MAX_BODY: AtomicU64 = AtomicU64::new(DEFAULT_LIMITS.max_response_bytes);
pub(super) static TIMEOUTS_MS: [AtomicU64; 3] = [
    AtomicU64::new(10_000),
    AtomicU64::new(30_000),
    AtomicU64::new(60_000),
];

pub(super) fn timeout_s(i: usize) -> String {
    let ms = TIMEOUTS_MS[i].load(Ordering::Relaxed);
    format!("{} s", ms as f64 / 1000.0)
}
