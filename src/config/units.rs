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

/// serde for a duration written as a scenario writes one (a number of seconds, or a string such
/// as `"90s"`, `"15m"`, `"1h30m"`, `"500ms"`), held as integer milliseconds. A fault is reported
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
