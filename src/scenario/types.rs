//! The loaded scenario's types: [`Scenario`] and its parts, and [`ScenarioError`]
//! (re-exported from `scenario`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::config::{
    DeployConfig, DeployOverrides, Deployer, LoadSettings, OrganizationConfig, OuLayout,
    ServiceParams,
};

/// The share of replications a phase's claim must hold in, unless the phase says otherwise.
pub(crate) const DEFAULT_CONFIDENCE: f64 = 0.95;

/// Money in integer US cents.
pub(crate) type Cents = i64;

/// A loaded, validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    /// The run seed (the file's `seed`, default 1; `--seed` replaces it).
    pub seed: u64,
    /// The file it came from (for messages); `<string>` when parsed from memory.
    pub source: PathBuf,
    /// Listed customers first, then generated ones, in a deterministic order.
    pub customers: Vec<Customer>,
    /// Every tier known to the scenario: the built-in four, overridden or extended by `[tiers]`.
    pub tiers: BTreeMap<String, Tier>,
    pub organization: OrganizationConfig,
    /// The deployer: its profile's defaults with the `[deploy]` keys applied.
    pub deploy: DeployConfig,
    /// The `[deploy]` keys as written, so that another profile can be chosen later
    /// ([`Scenario::set_deployer`]) and they still override it.
    pub deploy_overrides: DeployOverrides,
    pub service: ServiceParams,
    pub costs: Vec<CostLine>,
    pub expect: Expectations,
    /// Growth phases (`[[phases]]`): statements about customer ranges to check by `orgsim phases`.
    pub phases: Vec<Phase>,
    /// The `[load]` table: defaults of `orgsim load` (arrival stages, thresholds, ...).
    pub load: LoadSettings,
    /// The `[operations]` table: support desk and onboarding staff (`orgsim ops`, `staff`).
    /// Its staff's monthly cost is added to `costs` as two lines.
    pub operations: Option<crate::config::operations::OperationsConfig>,
    /// `[organization.existing]` (or `--existing N`): the customers already onboarded, in
    /// their OUs with their tier policies attached and known to the deployer's state.
    pub existing: ExistingOrg,
}

/// The organization as it stands before the run: customers onboarded by earlier applies.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExistingOrg {
    /// Listed customers, or generated ones (`Existing Customer 0001`,
    /// `existing-0001@existing.example`), tiers cycling through `tiers`.
    pub customers: Vec<Customer>,
    /// The tiers generated existing customers cycle through (the table's `tiers`, else every
    /// tier of the scenario in key order).
    pub tiers: Vec<String>,
}

impl ExistingOrg {
    /// `n` generated existing customers, tiers cycling through `tiers` (empty: `standard`).
    pub(crate) fn generated(
        n: usize,
        tiers: Vec<String>,
        all: &BTreeMap<String, Tier>,
    ) -> ExistingOrg {
        let cycle: Vec<String> = if tiers.is_empty() {
            all.keys().cloned().collect()
        } else {
            tiers.clone()
        };
        let customers = (0..n)
            .map(|i| {
                let tier = cycle
                    .get(i % cycle.len().max(1))
                    .cloned()
                    .unwrap_or_else(|| "standard".into());
                let monthly_cents = all.get(&tier).map_or(0, |t| t.monthly_price_cents);
                Customer {
                    name: format!("Existing Customer {:04}", i + 1),
                    tier,
                    email: format!("existing-{:04}@existing.example", i + 1),
                    account_id: None,
                    monthly_cents,
                    generated: true,
                    line: 0,
                    region: None,
                }
            })
            .collect();
        ExistingOrg { customers, tiers }
    }
}

/// The cost lines `[operations]` adds: its support staff and onboarding engineers.
pub(crate) const OPERATIONS_SUPPORT_LINE: &str = "Support staff ([operations])";
pub(crate) const OPERATIONS_ONBOARDING_LINE: &str = "Onboarding engineers ([operations])";

impl Scenario {
    /// The scenario with `n` generated existing customers in place of its own
    /// (`--existing N`, a sweep's existing size), tiers cycling as `[organization.existing]`
    /// says.
    pub fn with_existing(&self, n: usize) -> Scenario {
        let mut out = self.clone();
        out.existing = ExistingOrg::generated(n, self.existing.tiers.clone(), &self.tiers);
        // The existing accounts count against the quota: room for them and the new ones.
        let need = 1 + self.organization.existing_accounts as usize + n + self.customers.len();
        if (out.organization.account_quota as usize) < need {
            out.organization.account_quota = need.min(u32::MAX as usize) as u32;
        }
        out
    }

    /// The scenario with exactly `n` customers: its first `n`, or, when it has fewer, its customers
    /// followed by synthetic ones that repeat its tier mix in order (`Sweep Customer 0101`,
    /// `sweep-0101@sweep.example`).
    pub fn with_customers(&self, n: usize) -> Scenario {
        let sc = self;
        let mut out = sc.clone();
        if n <= sc.customers.len() {
            out.customers.truncate(n);
            return out;
        }
        let base = sc.customers.len().max(1);
        for i in sc.customers.len()..n {
            let model = sc.customers.get(i % base);
            let tier = model
                .map(|c| c.tier.clone())
                .unwrap_or_else(|| "standard".into());
            let monthly = model.map(|c| c.monthly_cents).unwrap_or(0);
            out.customers.push(Customer {
                name: format!("Sweep Customer {:04}", i + 1),
                tier,
                email: format!("sweep-{:04}@sweep.example", i + 1),
                account_id: None,
                monthly_cents: monthly,
                generated: true,
                line: 0,
                region: model.and_then(|c| c.region.clone()),
            });
        }
        out
    }

    /// Switches to deployer profile `d` (`--deployer`); the `[deploy]` keys written in the file
    /// still override its defaults.
    pub fn set_deployer(&mut self, d: Deployer) -> Result<(), crate::config::Invalid> {
        let cfg = DeployConfig::resolve(d, &self.deploy_overrides);
        cfg.check().map_err(|e| {
            let key = e.field.as_deref().unwrap_or("deploy");
            crate::config::Invalid::at(
                self.source.display().to_string(),
                format!("{key} {} (with --deployer {d})", e.message),
            )
        })?;
        self.deploy = cfg;
        Ok(())
    }
}

/// One `[[phases]]` entry: a stage of growth and what is claimed about it. Ranges are
/// (low, high); a high of `None` means "low or more".
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub name: String,
    /// The customer counts the phase spans (inclusive).
    pub customers: (usize, usize),
    /// Claimed number of OUs.
    pub ous: Option<(usize, Option<usize>)>,
    /// Claimed number of accounts.
    pub accounts: Option<(usize, Option<usize>)>,
    /// Claimed monthly recurring revenue, in cents.
    pub mrr_cents: Option<(Cents, Option<Cents>)>,
    /// Claimed deployment time: p95 makespan at most this many minutes.
    pub deploy_minutes_max: Option<f64>,
    /// Claimed conflicts: conflicts per deployment at most this.
    pub conflicts_max: Option<f64>,
    /// A claim about deployments holds when it holds in at least this share of replications
    /// (`confidence`, default 0.95).
    pub confidence: f64,
    /// The OU layout during this phase, if it differs from `[organization] layout`.
    pub layout: Option<OuLayout>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub name: String,
    /// Key into `Scenario::tiers`.
    pub tier: String,
    pub email: String,
    /// The 12-digit account id the customer is known by, if the file gives one.
    pub account_id: Option<String>,
    /// Monthly revenue: the customer's `monthly` or else its tier's price.
    pub monthly_cents: Cents,
    /// True for customers made by `[generate]`.
    pub generated: bool,
    /// 1-based line of the customer's table in the file (0 for generated customers).
    pub line: usize,
    /// The customer's region, for the `by-tier-region` layout; `None`: assigned round-robin.
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub key: String,
    /// Compliance framework, e.g. `SOC2`; one service control policy per framework.
    pub framework: String,
    /// Name of the tier's OU, e.g. `Customers-Fintech`.
    pub ou: String,
    pub monthly_price_cents: Cents,
}

/// One `[[costs]]` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostLine {
    pub name: String,
    pub kind: CostKind,
}

/// How a `[[costs]]` line's monthly amount follows the business. Amounts are integer cents;
/// see `finance::cost_lines` for how each is computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CostKind {
    /// A fixed monthly amount (`monthly = 180`).
    Fixed { monthly_cents: Cents },
    /// This much per billable customer per month (`per_customer = 500`).
    PerCustomer { cents: Cents },
    /// This much per member account per month: the billable customers' accounts plus the
    /// organization's `existing_accounts` (`per_account = 25`).
    PerAccount { cents: Cents },
    /// This much per billable customer of each listed tier per month; tiers not listed cost
    /// nothing (`per_tier = { fintech = 300, healthcare = 800 }`).
    PerTier { cents: BTreeMap<String, Cents> },
    /// `ceil(customers / every) × monthly`: one more unit (a support person, say) for every
    /// `every` customers (`step = { every = 10, monthly = 6000 }`).
    Step { every: u64, monthly_cents: Cents },
    /// A fraction of the month's revenue, in parts per million (`revenue_share = 0.03` is
    /// 30,000 ppm), rounded to the cent half away from zero.
    RevenueShare { ppm: u32 },
}

impl CostKind {
    /// The key that selects the kind in a `[[costs]]` line.
    pub(crate) fn key(&self) -> &'static str {
        match self {
            CostKind::Fixed { .. } => "monthly",
            CostKind::PerCustomer { .. } => "per_customer",
            CostKind::PerAccount { .. } => "per_account",
            CostKind::PerTier { .. } => "per_tier",
            CostKind::Step { .. } => "step",
            CostKind::RevenueShare { .. } => "revenue_share",
        }
    }
}

/// The `[expect]` table: judgements that make `run` exit 1 when they fail.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expectations {
    /// Makespan at most this many milliseconds.
    pub makespan_max_ms: Option<u64>,
    /// Margin (0..1) at least this.
    pub margin_min: Option<f64>,
    /// Conflicts that no retry resolved: at most this many.
    pub unresolved_conflicts_max: Option<u64>,
    /// Conflicts of any kind: at most this many.
    pub conflicts_max: Option<u64>,
    /// Throttled calls: at most this many.
    pub throttled_max: Option<u64>,
    /// Failed resources: at most this many.
    pub failed_max: Option<u64>,
}

/// Where a scenario went wrong. `Display` gives `file:line:col: field: message`, or
/// `file: field: message` for a fault of the whole file (it cannot be read, a required top-level
/// key is missing, it has no customers).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioError {
    pub file: PathBuf,
    /// 1-based; 0 when the fault has no place in the file (it belongs to the whole file).
    pub line: usize,
    /// 1-based.
    pub column: usize,
    /// Dotted path of the field at fault (`deploy.parallelism`, `customers[1].email`).
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}
