//! The file as written: serde structs with every key optional where the format allows it.

use std::collections::BTreeMap;

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
    pub(super) operations: Option<crate::config::operations::RawOperations>,
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
