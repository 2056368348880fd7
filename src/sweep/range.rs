//! The customer-count axis: `--customers A..=B --step S`.

use crate::config::Invalid;

/// Parses `A..=B` or `A` into an inclusive range.
pub fn parse_range(s: &str) -> Result<(usize, usize), Invalid> {
    let (a, b) = parse_inclusive(
        s,
        "a customer range: write A..=B (e.g. 1..=100) or a single count",
    )?;
    if a == 0 || b < a || b > 100_000 {
        return Err(Invalid::from(format!("`{s}`: need 1 <= A <= B <= 100000")));
    }
    Ok((a, b))
}

/// `A..=B` or `A` (as `(A, A)`), unchecked beyond being whole numbers; anything else is
/// "`s` is not `what`".
pub(crate) fn parse_inclusive(s: &str, what: &str) -> Result<(usize, usize), Invalid> {
    let bad = || Invalid::new(format!("`{s}` is not {what}"));
    let whole = |t: &str| t.trim().parse::<usize>().map_err(|_| bad());
    match s.split_once("..=") {
        Some((a, b)) => Ok((whole(a)?, whole(b)?)),
        None => whole(s).map(|n| (n, n)),
    }
}

/// The counts A, A+S, ..., and B itself.
pub fn counts(a: usize, b: usize, step: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (a..=b).step_by(step.max(1)).collect();
    if v.last() != Some(&b) {
        v.push(b);
    }
    v
}
