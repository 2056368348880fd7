//! Scenarios: the TOML files users write, loaded into validated [`Scenario`] values.
//!
//! Loading never panics: any fault in the file is a [`ScenarioError`] naming the file, line,
//! column and field. See `docs/scenario.md` for the format.

pub use crate::config::{
    DeployConfig, DeployOverrides, Deployer, LoadSettings, OrganizationConfig, OuLayout,
    ServiceParams,
};

mod money;
mod parse;
mod tiers;
mod types;
pub use crate::config::units::parse_duration_ms;
pub use money::{MoneyOverflow, MonthCounts, MAX_CENTS};
pub use parse::{parse, parse_bytes, parse_settings, read, read_settings, MAX_GENERATED};
pub use tiers::builtin_tiers;
pub(crate) use types::{Cents, OPERATIONS_SUPPORT_LINE};
pub use types::{
    CostKind, CostLine, Customer, ExistingOrg, Expectations, Phase, Scenario, ScenarioError, Tier,
};
