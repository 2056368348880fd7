//! A List's page: where it starts, how many it holds, and the `NextToken` that names it.

/// The largest `MaxResults` the service model allows (every List operation's `MaxResults`
/// shape: 1 to 20).
pub(crate) const MAX_RESULTS: usize = 20;

/// A page of a List operation: from `offset`, at most `max` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Page {
    pub offset: usize,
    pub max: usize,
}

/// The token of the page from `offset` of `op`.
pub(super) fn token(op: &str, offset: usize) -> String {
    format!("{op}.{offset:x}")
}

/// The offset a token of `op` names (`None`: not a token this server gave for `op`).
pub(super) fn parse_token(op: &str, token: &str) -> Option<usize> {
    let rest = token.strip_prefix(op)?.strip_prefix('.')?;
    if rest.is_empty() || rest.len() > 16 {
        return None;
    }
    usize::from_str_radix(rest, 16).ok()
}
