//! The `[operations]` table as written: serde structs, every leaf [`Spanned`] so that
//! validation can place its errors; `deny_unknown_fields` everywhere.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOperations {
    #[serde(default)]
    pub horizon: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub support: Option<RawSupport>,
    #[serde(default)]
    pub onboarding: Option<RawOnboarding>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSupport {
    #[serde(default)]
    pub staff: Option<Spanned<i64>>,
    #[serde(default)]
    pub hours: Option<Spanned<RawHours>>,
    #[serde(default)]
    pub tickets_per_customer_month: Option<Spanned<RawRate>>,
    #[serde(default)]
    pub handle_time: Option<Spanned<RawHandleTime>>,
    #[serde(default)]
    pub response_sla: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub resolution_sla: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub monthly_cost_per_person: Option<Spanned<f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOnboarding {
    #[serde(default)]
    pub engineers: Option<Spanned<i64>>,
    #[serde(default)]
    pub hours: Option<Spanned<RawHours>>,
    #[serde(default)]
    pub configuration: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub post_setup_first: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub post_setup_each_more: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub lead_time_sla: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub monthly_cost_per_person: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHandleTime {
    pub distribution: Spanned<String>,
    #[serde(default)]
    pub mean: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub median: Option<Spanned<RawDuration>>,
    #[serde(default)]
    pub p95: Option<Spanned<RawDuration>>,
}

/// One weekly block: `{ days = "mon-fri", from = "09:00", to = "17:00" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBlock {
    pub days: Spanned<String>,
    pub from: Spanned<String>,
    pub to: Spanned<String>,
}

/// A duration as written: a string (`"24h"`) or a number of seconds.
#[derive(Debug, Clone, PartialEq)]
pub enum RawDuration {
    Text(String),
    Seconds(f64),
}

/// `hours`: `"24x7"`, one block, or a list of blocks.
#[derive(Debug)]
pub enum RawHours {
    Text(String),
    Block(RawBlock),
    Blocks(Vec<Spanned<RawBlock>>),
}

/// `tickets_per_customer_month`: a number, or a table of numbers per tier.
#[derive(Debug)]
pub enum RawRate {
    Number(f64),
    PerTier(Vec<(Spanned<String>, Spanned<f64>)>),
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as \"24h\", \"5m\", \"90d\" or \"1h30m\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDuration, E> {
                Ok(RawDuration::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawHours;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "\"24x7\" or a weekly schedule such as { days = \"mon-fri\", from = \"09:00\", to = \"17:00\" } (or a list of them)",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawHours, E> {
                Ok(RawHours::Text(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawHours, A::Error> {
                RawBlock::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawHours::Block)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawHours, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element::<Spanned<RawBlock>>()? {
                    out.push(b);
                }
                Ok(RawHours::Blocks(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawRate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of tickets per customer per month, or a table of them per tier such as { fintech = 6, healthcare = 8 }")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawRate, E> {
                Ok(RawRate::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawRate, E> {
                Ok(RawRate::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawRate, E> {
                Ok(RawRate::Number(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRate, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    let v = map.next_value::<Spanned<f64>>()?;
                    out.push((k, v));
                }
                Ok(RawRate::PerTier(out))
            }
        }
        d.deserialize_any(V)
    }
}
