//! Scenario → plan: the resource graph a deployer would apply, with pre-flight checks.
//!
//! One OU per tier in use (under the root), one service control policy per framework in use,
//! one attachment per tier OU, one account per customer (create → poll status → move into its
//! tier's OU) and one set of tags per account (tenant id, tier, framework: billing isolation).
//! Addresses are Terraform-style (`aws_organizations_account.acme_finance_inc`).

mod build;
mod preflight;
mod state;
mod types;

pub use types::*;

/// The plan of `sc`: its customers' resources with the pre-flight findings, and, for an
/// organization that exists (`[organization.existing]`), its state and the no-ops in it.
pub fn build(sc: &crate::scenario::Scenario) -> Plan {
    state::with_state(sc, build::build(sc))
}
pub use preflight::account_quota_finding;
pub use state::state;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_terraform_names() {
        assert_eq!(slug("ACME Finance Inc"), "acme_finance_inc");
        assert_eq!(slug("Customers-Fintech"), "customers_fintech");
        assert_eq!(slug("  --x--  "), "x");
        assert_eq!(slug("!!"), "_");
        assert_eq!(
            tenant_id("MediCorp Solutions Inc"),
            "medicorp-solutions-inc"
        );
    }

    #[test]
    fn policies_are_json_and_small() {
        for fw in ["SOC2", "HIPAA", "FedRAMP", "CIS", "X"] {
            let c = policy_content(fw);
            let v: serde_json::Value = serde_json::from_str(&c).unwrap();
            assert!(v["Statement"].is_array());
            assert!(c.len() < 5120, "{fw}: {}", c.len());
        }
    }
}
