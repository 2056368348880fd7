//! The reader's types: its [`Options`], what it gives ([`Imported`]) and the scenario that
//! runs it (re-exported from `tfplan`).

use crate::plan::Plan;
use crate::scenario::{Customer, Scenario, Tier};

/// The tier of an account whose tier tag is missing or names no tier of the scenario: no
/// framework, no revenue; the validation matrix does not judge its tier's OU, policy or tags.
pub const UNMAPPED_TIER: &str = "unmapped";

/// The tag whose value is an account's tier unless `--tier-tag` names another (orgsim's own,
/// `examples/terraform/main.tf`'s).
pub const DEFAULT_TIER_TAG: &str = crate::plan::TAG_TIER;

/// How a plan's accounts become customers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The tag whose value is an account's tier (`--tier-tag`).
    pub tier_tag: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tier_tag: DEFAULT_TIER_TAG.into(),
        }
    }
}

/// A Terraform plan read: the plan orgsim applies, the customers its accounts stand for, and
/// what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The file it came from.
    pub source: std::path::PathBuf,
    pub plan: Plan,
    /// One per account of the plan (new and existing), in plan order.
    pub customers: Vec<Customer>,
    /// Planned resources to create, and in state (existing after the refresh).
    pub to_create: usize,
    pub in_state: usize,
    /// Accounts to create, and in state.
    pub new_accounts: usize,
    pub existing_accounts: usize,
    /// What was ignored or approximated, one line each.
    pub notes: Vec<String>,
}

impl Imported {
    /// `base` (the scenario file's settings, or the defaults) with the plan's customers in
    /// place of its own and no `[organization.existing]` (the plan's state is the existing
    /// organization); the `unmapped` tier added when an account needs it, and the account
    /// quota raised to hold the plan's accounts (with a note) when it would not.
    pub fn scenario(&self, base: &Scenario) -> Scenario {
        let mut sc = base.clone();
        sc.customers = self.customers.clone();
        sc.existing = Default::default();
        if sc.customers.iter().any(|c| c.tier == UNMAPPED_TIER) {
            sc.tiers
                .entry(UNMAPPED_TIER.into())
                .or_insert_with(|| Tier {
                    key: UNMAPPED_TIER.into(),
                    framework: UNMAPPED_TIER.into(),
                    ou: "(the plan's)".into(),
                    monthly_price_cents: 0,
                });
        }
        let need = 1 + sc.organization.existing_accounts as usize + self.customers.len();
        if (sc.organization.account_quota as usize) < need {
            sc.organization.account_quota = need.min(u32::MAX as usize) as u32;
        }
        sc
    }

    /// The notes, with the quota's when `base`'s would not hold the plan's accounts.
    pub fn notes_for(&self, base: &Scenario) -> Vec<String> {
        let mut notes = self.notes.clone();
        let need = 1 + base.organization.existing_accounts as usize + self.customers.len();
        if (base.organization.account_quota as usize) < need {
            notes.push(format!(
                "the account quota is raised from {} to {need} to hold the plan's accounts \
                 (the organization holds them already, or the plan would fail on the quota)",
                base.organization.account_quota
            ));
        }
        notes
    }
}
