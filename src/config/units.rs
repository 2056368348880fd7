//! Units written in scenario files and on the command line.

use super::Invalid;

/// Largest duration accepted, in seconds (about 31 years).
pub const MAX_DURATION_S: f64 = 1e9;

pub fn seconds_to_ms(s: f64) -> Result<u64, Invalid> {
    if !(s.is_finite() && s >= 0.0) {
        return Err(Invalid::from(format!(
            "a duration must be a non-negative number of seconds, not {s}"
        )));
    }
    if s > MAX_DURATION_S {
        return Err(Invalid::from(format!(
            "a duration must be at most {MAX_DURATION_S} seconds, not {s}"
        )));
    }
    Ok((s * 1000.0).round() as u64)
}

/// Parses `"1h30m"`, `"90s"`, `"2.5m"`, `"500ms"` (units `h`, `m`, `s`, `ms`; a bare number is
/// seconds) into milliseconds.
pub fn parse_duration_ms(text: &str) -> Result<u64, Invalid> {
    let bad = || {
        format!("`{text}` is not a duration; write e.g. \"90s\", \"15m\", \"1h30m\" or \"500ms\"")
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(Invalid::from(bad()));
    }
    if let Ok(s) = t.parse::<f64>() {
        return seconds_to_ms(s);
    }
    let mut total_s = 0.0f64;
    let mut rest = t;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(Invalid::from(bad()));
        }
        let number: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return Err(Invalid::from(bad())),
        };
        rest = &rest[unit_len..];
        total_s += number * factor;
    }
    seconds_to_ms(total_s)
}
