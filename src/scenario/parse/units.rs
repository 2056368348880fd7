//! Money, shares and durations as written, checked while deserializing so that toml places
//! a fault at its value: one reader of each for the whole file.

use crate::config::Invalid;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::super::types::Cents;
use super::limits::MAX_DOLLARS;

/// Dollars in the file (a TOML integer or float, at most 2 decimals), integer cents here.
/// All checks happen while deserializing, so toml places the error at the value.
pub(super) struct Money(pub(super) Cents);

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount of US dollars (a number such as 8000 or 99.99)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                if v < 0 {
                    return Err(E::custom(format!(
                        "an amount of money must not be negative, not {v}"
                    )));
                }
                self.visit_u64(v as u64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                if v > MAX_DOLLARS as u64 {
                    return Err(E::custom(format!(
                        "an amount of money must be at most {MAX_DOLLARS} dollars, not {v}"
                    )));
                }
                Ok(Money(v as i64 * 100))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
                dollars_to_cents(v).map(Money).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Converts dollars to cents exactly: the value's shortest decimal form must have at most two
/// decimals (`99.99` → 9999; `0.001` is an error).
pub(super) fn dollars_to_cents(v: f64) -> Result<Cents, Invalid> {
    if !v.is_finite() {
        return Err(Invalid::from(format!(
            "an amount of money must be a finite number, not {v}"
        )));
    }
    if v < 0.0 {
        return Err(Invalid::from(format!(
            "an amount of money must not be negative, not {v}"
        )));
    }
    if v > MAX_DOLLARS as f64 {
        return Err(Invalid::from(format!(
            "an amount of money must be at most {MAX_DOLLARS} dollars, not {v}"
        )));
    }
    // `Display` for f64 gives the shortest decimal that reads back as the same value, never
    // in exponent form; -0.0 prints as "-0".
    let text = format!("{}", v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    if frac.len() > 2 {
        return Err(Invalid::from(format!(
            "an amount of money may have at most 2 decimal places (whole cents), not {v}"
        )));
    }
    let whole: i64 = int
        .parse()
        .map_err(|_| format!("`{v}` is not an amount of dollars"))?;
    let mut cents: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse()
            .map_err(|_| format!("`{v}` is not an amount of dollars"))?
    };
    if frac.len() == 1 {
        cents *= 10;
    }
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents))
        .ok_or_else(|| {
            Invalid::new(format!(
                "an amount of money must be at most {MAX_DOLLARS} dollars"
            ))
        })
}

/// A fraction of revenue (0..=1, at most 6 decimal places) as parts per million, exactly:
/// `0.03` → 30,000; `0.0000001` is an error.
pub(super) fn fraction_to_ppm(v: f64) -> Result<u32, Invalid> {
    if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
        return Err(Invalid::from(format!(
            "a revenue share is a fraction between 0 and 1 (0.03 for 3%), not {v}"
        )));
    }
    let text = format!("{v}");
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    if frac.len() > 6 {
        return Err(Invalid::from(format!(
            "a revenue share may have at most 6 decimal places, not {v}"
        )));
    }
    let whole: u32 = int
        .parse()
        .map_err(|_| format!("`{v}` is not a fraction"))?;
    let padded = format!("{frac:0<6}");
    let part: u32 = padded
        .parse()
        .map_err(|_| format!("`{v}` is not a fraction"))?;
    Ok(whole * 1_000_000 + part)
}

/// A duration in the file's one grammar (`config::units::duration_ms`: a number of seconds or
/// a string such as `"90s"`, `"1h30m"`, `"2w"`), integer milliseconds here.
pub(super) struct DurationMs(pub(super) u64);

impl<'de> Deserialize<'de> for DurationMs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::config::units::duration_ms::deserialize(d).map(DurationMs)
    }
}
