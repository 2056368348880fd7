//! The file as written: serde structs with every key optional where the format allows it.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

use super::units::{DurationMs, Money};
use crate::config::DeployOverrides;
use crate::config::ServiceParams;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenario {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) seed: Option<u64>,
    #[serde(default)]
    pub(super) customers: Vec<Spanned<RawCustomer>>,
    #[serde(default)]
    pub(super) tiers: BTreeMap<String, RawTier>,
    #[serde(default)]
    pub(super) generate: Option<RawGenerate>,
    #[serde(default)]
    pub(super) organization: Option<RawOrganization>,
    #[serde(default)]
    pub(super) deploy: Option<DeployOverrides>,
    #[serde(default)]
    pub(super) service: Option<ServiceParams>,
    #[serde(default)]
    pub(super) costs: Vec<RawCost>,
    #[serde(default)]
    pub(super) expect: Option<RawExpect>,
    #[serde(default)]
    pub(super) phases: Vec<Spanned<RawPhase>>,
    #[serde(default)]
    pub(super) load: Option<RawLoad>,
    #[serde(default)]
    pub(super) operations: Option<RawOperations>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLoad {
    #[serde(default)]
    pub(super) rate: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) duration: Option<Spanned<DurationMs>>,
    #[serde(default)]
    pub(super) stages: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub(super) arrivals: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) thresholds: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub(super) max_concurrent: Option<Spanned<u64>>,
    #[serde(default)]
    pub(super) grace: Option<DurationMs>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPhase {
    pub(super) name: Spanned<String>,
    pub(super) customers: Spanned<Vec<u64>>,
    #[serde(default)]
    pub(super) ous: Option<Spanned<Vec<u64>>>,
    #[serde(default)]
    pub(super) accounts: Option<Spanned<Vec<u64>>>,
    #[serde(default)]
    pub(super) mrr: Option<Spanned<Vec<Money>>>,
    #[serde(default)]
    pub(super) deploy_minutes_max: Option<Spanned<f64>>,
    #[serde(default)]
    pub(super) conflicts_max: Option<Spanned<f64>>,
    #[serde(default)]
    pub(super) confidence: Option<Spanned<f64>>,
    #[serde(default)]
    pub(super) layout: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCustomer {
    pub(super) name: Spanned<String>,
    pub(super) tier: Spanned<String>,
    pub(super) email: Spanned<String>,
    #[serde(default)]
    pub(super) account_id: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) monthly: Option<Money>,
    #[serde(default)]
    pub(super) region: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTier {
    #[serde(default)]
    pub(super) framework: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) ou: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) monthly_price: Option<Money>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGenerate {
    pub(super) count: Spanned<u64>,
    #[serde(default)]
    pub(super) mix: Option<BTreeMap<String, Spanned<f64>>>,
    #[serde(default)]
    pub(super) email_domain: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) name_prefix: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) seed: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOrganization {
    #[serde(default)]
    pub(super) account_quota: Option<Spanned<u32>>,
    #[serde(default)]
    pub(super) management_account_id: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) management_email: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) existing_accounts: Option<Spanned<u32>>,
    #[serde(default)]
    pub(super) layout: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) regions: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub(super) ou_path: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub(super) ou_navigation_threshold: Option<Spanned<u32>>,
    #[serde(default)]
    pub(super) existing: Option<RawExisting>,
}

/// `[organization.existing]`: the customers already onboarded.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExisting {
    pub(super) customers: Spanned<RawExistingCustomers>,
    #[serde(default)]
    pub(super) tiers: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `customers = N` (generated) or a list of customer tables.
pub(super) enum RawExistingCustomers {
    Count(i64),
    List(Vec<Spanned<RawCustomer>>),
}

impl<'de> Deserialize<'de> for RawExistingCustomers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawExistingCustomers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of customers or a list of customer tables")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(RawExistingCustomers::Count(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(RawExistingCustomers::Count(v.min(i64::MAX as u64) as i64))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(c) = seq.next_element()? {
                    out.push(c);
                }
                Ok(RawExistingCustomers::List(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCost {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) monthly: Option<Money>,
    #[serde(default)]
    pub(super) per_customer: Option<Money>,
    #[serde(default)]
    pub(super) per_account: Option<Money>,
    #[serde(default)]
    pub(super) per_tier: Option<BTreeMap<String, Money>>,
    #[serde(default)]
    pub(super) step: Option<RawStep>,
    #[serde(default)]
    pub(super) revenue_share: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStep {
    pub(super) every: Spanned<u64>,
    pub(super) monthly: Money,
}

/// The keys that choose a cost line's kind, in the order the docs list them.
pub(super) const COST_KINDS: [&str; 6] = [
    "monthly",
    "per_customer",
    "per_account",
    "per_tier",
    "step",
    "revenue_share",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExpect {
    #[serde(default)]
    pub(super) makespan_max: Option<DurationMs>,
    #[serde(default)]
    pub(super) margin_min: Option<Spanned<f64>>,
    #[serde(default)]
    pub(super) unresolved_conflicts_max: Option<u64>,
    #[serde(default)]
    pub(super) conflicts_max: Option<u64>,
    #[serde(default)]
    pub(super) throttled_max: Option<u64>,
    #[serde(default)]
    pub(super) failed_max: Option<u64>,
}

/// `[operations]`: durations and money in the file's one grammar (`units`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOperations {
    #[serde(default)]
    pub(super) horizon: Option<Spanned<DurationMs>>,
    #[serde(default)]
    pub(super) support: Option<RawSupport>,
    #[serde(default)]
    pub(super) onboarding: Option<RawOnboarding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSupport {
    #[serde(default)]
    pub(super) staff: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) hours: Option<Spanned<RawHours>>,
    #[serde(default)]
    pub(super) tickets_per_customer_month: Option<Spanned<RawRate>>,
    #[serde(default)]
    pub(super) handle_time: Option<Spanned<RawHandleTime>>,
    #[serde(default)]
    pub(super) response_sla: Option<Spanned<DurationMs>>,
    #[serde(default)]
    pub(super) resolution_sla: Option<Spanned<DurationMs>>,
    #[serde(default)]
    pub(super) monthly_cost_per_person: Option<Money>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOnboarding {
    #[serde(default)]
    pub(super) engineers: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) hours: Option<Spanned<RawHours>>,
    #[serde(default)]
    pub(super) configuration: Option<Spanned<DurationMs>>,
    #[serde(default)]
    pub(super) post_setup_first: Option<Spanned<DurationMs>>,
    #[serde(default)]
    pub(super) post_setup_each_more: Option<Spanned<DurationMs>>,
    #[serde(default)]
    pub(super) lead_time_sla: Option<Spanned<DurationMs>>,
    #[serde(default)]
    pub(super) monthly_cost_per_person: Option<Money>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHandleTime {
    pub(super) distribution: Spanned<String>,
    #[serde(default)]
    pub(super) mean: Option<Spanned<DurationMs>>,
    #[serde(default)]
    pub(super) median: Option<Spanned<DurationMs>>,
    #[serde(default)]
    pub(super) p95: Option<Spanned<DurationMs>>,
}

/// One weekly block: `{ days = "mon-fri", from = "09:00", to = "17:00" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBlock {
    pub(super) days: Spanned<String>,
    pub(super) from: Spanned<String>,
    pub(super) to: Spanned<String>,
}

/// `hours`: `"24x7"`, one block, or a list of blocks.
pub(super) enum RawHours {
    Text(String),
    Block(RawBlock),
    Blocks(Vec<Spanned<RawBlock>>),
}

/// `tickets_per_customer_month`: a number, or a table of numbers per tier.
pub(super) enum RawRate {
    Number(f64),
    PerTier(Vec<(Spanned<String>, Spanned<f64>)>),
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
