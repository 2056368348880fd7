//! The `[organization]` table: the AWS organization deployed into.

/// The `[organization]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationConfig {
    /// Accounts allowed in the organization, the management account included (AWS default 10).
    pub account_quota: u32,
    /// The management account's id.
    pub management_account_id: String,
    /// The management account's email, if the file gives it: a customer with it is a
    /// finding, and the model's management account has it.
    pub management_email: Option<String>,
    /// Member accounts already in the organization before the deployment (they count
    /// against the quota).
    pub existing_accounts: u32,
    /// How customer OUs are arranged.
    pub layout: OuLayout,
    /// Region OUs under each tier OU, for the `by-tier-region` layout.
    pub regions: Vec<String>,
    /// OUs between the root and the tier OUs (outermost first), e.g. `["SecureBase"]`.
    pub ou_path: Vec<String>,
    /// A finding is reported when one OU holds more customer accounts than this.
    pub ou_navigation_threshold: u32,
}

/// The `[organization] layout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OuLayout {
    /// One OU per tier; every account of a tier in it.
    #[default]
    Flat,
    /// A tier OU with one OU per region under it; accounts in their region's OU.
    ByTierRegion,
}

impl OuLayout {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            OuLayout::Flat => "flat",
            OuLayout::ByTierRegion => "by-tier-region",
        }
    }
}

impl Default for OrganizationConfig {
    fn default() -> Self {
        OrganizationConfig {
            account_quota: 10,
            management_account_id: "111111111111".into(),
            management_email: None,
            existing_accounts: 0,
            layout: OuLayout::Flat,
            regions: vec!["us-east".into(), "us-west".into(), "eu-west".into()],
            ou_path: Vec::new(),
            ou_navigation_threshold: 10,
        }
    }
}
