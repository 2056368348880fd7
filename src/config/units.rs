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

/// Parses `"1h30m"`, `"90s"`, `"2.5m"`, `"500ms"`, `"30d"`, `"2w"` (units `w`, `d`, `h`, `m`,
/// `s`, `ms`; a bare number is seconds) into milliseconds, at most [`MAX_DURATION_S`].
pub fn parse_duration_ms(text: &str) -> Result<u64, Invalid> {
    let s = parse_duration_s(text)?;
    seconds_to_ms(s)
}

/// The one reading of a duration written as text, in seconds (not yet bounded): a bare number
/// of seconds, or numbers each followed by a unit, `w`, `d`, `h`, `m`, `s`, `ms`, each unit at
/// most once and from the largest down (`"1d12h"`, `"1h30m"`; `"1d1d1d"` and `"30m1h"` are
/// refused, as ambiguous as they look). `orgsim ops`' `[operations]` durations read the same.
pub fn parse_duration_s(text: &str) -> Result<f64, Invalid> {
    let bad = || {
        Invalid::new(format!(
            "`{text}` is not a duration; write e.g. \"90s\", \"15m\", \"1h30m\", \"30d\" or \"500ms\" \
             (units w, d, h, m, s, ms, each at most once, largest first)"
        ))
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(bad());
    }
    if let Ok(s) = t.parse::<f64>() {
        return if s.is_finite() { Ok(s) } else { Err(bad()) };
    }
    const UNITS: [(&str, f64); 6] = [
        ("w", 604_800.0),
        ("d", 86_400.0),
        ("h", 3_600.0),
        ("m", 60.0),
        ("s", 1.0),
        ("ms", 0.001),
    ];
    let mut total_s = 0.0f64;
    let mut rest = t;
    // Index into UNITS of the next unit allowed: each unit smaller than the last one.
    let mut next_unit = 0usize;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(bad());
        }
        let number: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = UNITS[next_unit..]
            .iter()
            .position(|(u, _)| *u == &rest[..unit_len])
            .ok_or_else(bad)?;
        total_s += number * UNITS[next_unit + unit].1;
        next_unit += unit + 1;
        rest = &rest[unit_len..];
    }
    Ok(total_s)
}

/// serde for a duration written as a scenario writes one (a number of seconds, or a string such
/// as `"90s"`, `"15m"`, `"1h30m"`, `"30d"`, `"500ms"`), held as integer milliseconds. A fault is reported
/// while deserializing, so the loader places it at the value.
pub mod duration_ms {
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};
    use serde::Serializer;

    use super::{parse_duration_ms, seconds_to_ms};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = u64;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number of seconds or a duration such as \"90s\", \"15m\" or \"1h30m\"",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
                seconds_to_ms(v as f64).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
                seconds_to_ms(v as f64).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
                seconds_to_ms(v).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
                parse_duration_ms(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }

    /// Written back as a string of milliseconds (`"90000ms"`), which reads back the same.
    pub fn serialize<S: Serializer>(ms: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{ms}ms"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 21: `"1d1d1d"` parsed as three days; `[load]` refused `"30d"` while its limit
    /// message spoke of 30 days.
    #[test]
    fn durations_take_each_unit_once_from_the_largest_down() {
        assert_eq!(parse_duration_ms("30d"), Ok(30 * 86_400_000));
        assert_eq!(parse_duration_ms("2w"), Ok(14 * 86_400_000));
        assert_eq!(parse_duration_ms("1d12h"), Ok(36 * 3_600_000));
        assert_eq!(parse_duration_ms("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration_ms("1m30s500ms"), Ok(90_500));
        assert_eq!(parse_duration_ms("90"), Ok(90_000));
        for bad in [
            "1d1d1d", "30m1h", "1s1s", "1ms1s", "1x", "d", "1.2.3s", "", "inf", "nan",
        ] {
            let e = parse_duration_ms(bad).unwrap_err();
            assert!(e.message.contains("is not a duration"), "{bad}: {e}");
        }
        assert!(parse_duration_ms("40000w")
            .unwrap_err()
            .message
            .contains("at most"));
    }
}
