//! The customer-count axis: `--customers A..=B --step S`.

use crate::config::Invalid;

/// Parses `A..=B` or `A` into an inclusive range.
pub fn parse_range(s: &str) -> Result<(usize, usize), Invalid> {
    let bad = || {
        Invalid::new(format!(
            "`{s}` is not a customer range: write A..=B (e.g. 1..=100) or a single count"
        ))
    };
    let (a, b) = match s.split_once("..=") {
        Some((a, b)) => (
            a.trim().parse::<usize>().map_err(|_| bad())?,
            b.trim().parse::<usize>().map_err(|_| bad())?,
        ),
        None => {
            let a = s.trim().parse::<usize>().map_err(|_| bad())?;
            (a, a)
        }
    };
    if a == 0 || b < a || b > 100_000 {
        return Err(Invalid::from(format!("`{s}`: need 1 <= A <= B <= 100000")));
    }
    Ok((a, b))
}

/// The counts A, A+S, ..., and B itself.
pub fn counts(a: usize, b: usize, step: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (a..=b).step_by(step.max(1)).collect();
    if v.last() != Some(&b) {
        v.push(b);
    }
    v
}
