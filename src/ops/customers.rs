//! The customers as the people side sees them: a tier, when each signs, what each pays.

use crate::scenario::Scenario;

/// One customer as the operations model sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsCustomer {
    pub tier: String,
    /// When the customer signs (calendar ms from Monday 00:00).
    pub signed_ms: u64,
    /// Monthly revenue, cents (for the staffing table's margin).
    pub monthly_cents: i64,
}

/// The scenario's customers in order, signing at `signed_ms[i]` (e.g. a `[load]` schedule)
/// or, where not given, at time 0.
pub fn customers_from_scenario(sc: &Scenario, signed_ms: Option<&[u64]>) -> Vec<OpsCustomer> {
    sc.customers
        .iter()
        .enumerate()
        .map(|(i, c)| OpsCustomer {
            tier: c.tier.clone(),
            signed_ms: signed_ms.and_then(|s| s.get(i)).copied().unwrap_or(0),
            monthly_cents: c.monthly_cents,
        })
        .collect()
}

/// `n` customers taken from `customers` in turn (cycled when there are fewer); with
/// `at_zero`, all signing at time 0.
pub fn cycle_customers(customers: &[OpsCustomer], n: usize, at_zero: bool) -> Vec<OpsCustomer> {
    if customers.is_empty() {
        return Vec::new();
    }
    (0..n)
        .map(|i| {
            let mut c = customers[i % customers.len()].clone();
            if at_zero {
                c.signed_ms = 0;
            }
            c
        })
        .collect()
}
