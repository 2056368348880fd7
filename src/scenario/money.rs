//! Money that fits: every amount a month's financials add up, in checked integer cents.
//!
//! Each amount in a file is at most 10^12 dollars (10^14 cents), but sums are not: 100,000
//! customers at 10^12 dollars a month are 10^19 cents, beyond `i64`. Rather than wrap (a
//! negative revenue) or saturate (a wrong one), the figures a command would compute are checked
//! before it runs ([`Scenario::check_money`]), and an overflow is refused naming the field it
//! comes from. `finance` computes with the same [`CostKind::monthly_cents`].

use std::collections::BTreeMap;
use std::fmt;

use super::types::Cents;
use super::{CostKind, Scenario};

/// The most money orgsim holds: `i64::MAX` cents.
pub const MAX_CENTS: Cents = Cents::MAX;

/// What a month's cost lines depend on.
#[derive(Debug, Clone, Copy)]
pub struct MonthCounts<'a> {
    /// Billable customers.
    pub customers: u64,
    /// Member accounts (billable customers' plus `existing_accounts`).
    pub accounts: u64,
    /// Billable customers per tier key.
    pub by_tier: &'a BTreeMap<String, usize>,
    /// The month's revenue.
    pub revenue_cents: Cents,
}

impl CostKind {
    /// The line's monthly amount in a month of `m`, or `None` when it does not fit in cents:
    ///
    /// - `Fixed`: its amount;
    /// - `PerCustomer`: amount × customers; `PerAccount`: amount × accounts;
    /// - `PerTier`: Σ over tiers of amount × customers of that tier;
    /// - `Step`: ceil(customers / every) × amount (0 customers cost nothing);
    /// - `RevenueShare`: revenue × ppm / 1,000,000, rounded to the cent half away from zero.
    pub(crate) fn monthly_cents(&self, m: &MonthCounts) -> Option<Cents> {
        let times = |cents: Cents, n: u64| cents.checked_mul(Cents::try_from(n).ok()?);
        match self {
            CostKind::Fixed { monthly_cents } => Some(*monthly_cents),
            CostKind::PerCustomer { cents } => times(*cents, m.customers),
            CostKind::PerAccount { cents } => times(*cents, m.accounts),
            CostKind::PerTier { cents } => cents.iter().try_fold(0 as Cents, |sum, (tier, c)| {
                sum.checked_add(times(*c, m.by_tier.get(tier).copied().unwrap_or(0) as u64)?)
            }),
            CostKind::Step {
                every,
                monthly_cents,
            } => times(*monthly_cents, m.customers.div_ceil((*every).max(1))),
            CostKind::RevenueShare { ppm } => {
                let x = m.revenue_cents as i128 * *ppm as i128;
                let (q, r) = (x / 1_000_000, x % 1_000_000);
                let q = if 2 * r.abs() >= 1_000_000 {
                    q + x.signum()
                } else {
                    q
                };
                Cents::try_from(q).ok()
            }
        }
    }
}

/// Where the money of a month with many customers stops fitting in cents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyOverflow {
    /// The revenue: the running sum passes the limit at this customer (an index into
    /// `Scenario::customers`; the list repeats when the month has more customers).
    Revenue { customer: usize, customers: usize },
    /// One `[[costs]]` line (an index into `Scenario::costs`).
    Line { line: usize, customers: usize },
    /// The sum of the lines passes the limit at this line.
    Costs { line: usize, customers: usize },
}

impl MoneyOverflow {
    /// The customer count of the month that overflowed.
    pub(crate) fn customers(&self) -> usize {
        match *self {
            MoneyOverflow::Revenue { customers, .. }
            | MoneyOverflow::Line { customers, .. }
            | MoneyOverflow::Costs { customers, .. } => customers,
        }
    }

    /// The field the overflowing amount comes from, for a message.
    pub(crate) fn field(&self, sc: &Scenario) -> String {
        match *self {
            MoneyOverflow::Revenue { customer, .. } => match sc.customers.get(customer) {
                Some(c) if c.generated => format!("generate.count (tier `{}`)", c.tier),
                Some(_) => format!("customers[{customer}].monthly"),
                None => "customers".into(),
            },
            MoneyOverflow::Line { line, .. } | MoneyOverflow::Costs { line, .. } => {
                match sc.costs.get(line) {
                    Some(l) => format!("costs[{line}].{} (`{}`)", l.kind.key(), l.name),
                    None => "costs".into(),
                }
            }
        }
    }
}

impl fmt::Display for MoneyOverflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            MoneyOverflow::Revenue { .. } => "the monthly revenue",
            MoneyOverflow::Line { .. } => "this cost line's monthly amount",
            MoneyOverflow::Costs { .. } => "the monthly costs",
        };
        write!(
            f,
            "with {} customers, {what} exceeds $92,233,720,368,547,758.07, the most orgsim holds \
             in integer cents: lower the amounts or the customer count",
            self.customers()
        )
    }
}

impl Scenario {
    /// Checks that every figure of a month with up to `customers` customers fits in cents: the
    /// revenue (this scenario's customers, the list repeated beyond its length, as
    /// `with_customers` and the margin curves extend it), each cost line and their sum. Every
    /// amount is at least 0 and grows with the count, so checking the largest month checks
    /// every smaller one, and profit (revenue − costs) always fits.
    pub(crate) fn check_money(&self, customers: usize) -> Result<(), MoneyOverflow> {
        let n = self.customers.len();
        let mut revenue: Cents = 0;
        let mut by_tier: BTreeMap<String, usize> = BTreeMap::new();
        if n > 0 {
            for i in 0..customers {
                let c = &self.customers[i % n];
                revenue = revenue
                    .checked_add(c.monthly_cents)
                    .ok_or(MoneyOverflow::Revenue {
                        customer: i % n,
                        customers,
                    })?;
                if i < n {
                    *by_tier.entry(c.tier.clone()).or_insert(0) += 1;
                }
            }
            // Tier counts of the repetitions beyond the list, without walking them one by one.
            let (rounds, rest) = (customers / n, customers % n);
            if rounds > 1 || (rounds == 1 && rest > 0) {
                by_tier.clear();
                for (i, c) in self.customers.iter().enumerate() {
                    *by_tier.entry(c.tier.clone()).or_insert(0) += rounds + usize::from(i < rest);
                }
            }
        }
        let m = MonthCounts {
            customers: customers as u64,
            accounts: customers as u64 + self.organization.existing_accounts as u64,
            by_tier: &by_tier,
            revenue_cents: revenue,
        };
        let mut costs: Cents = 0;
        for (line, l) in self.costs.iter().enumerate() {
            let amount = l
                .kind
                .monthly_cents(&m)
                .ok_or(MoneyOverflow::Line { line, customers })?;
            costs = costs
                .checked_add(amount)
                .ok_or(MoneyOverflow::Costs { line, customers })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;
    use std::path::Path;

    #[test]
    fn a_hundred_thousand_customers_at_the_largest_price_overflow_the_revenue() {
        let sc = parse(
            "name = \"x\"\n[tiers.fintech]\nmonthly_price = 1000000000000\n[generate]\ncount = 90000\nmix = { fintech = 1 }\n",
            Path::new("t.toml"),
        )
        .unwrap();
        assert_eq!(sc.check_money(90_000), Ok(()));
        // 92,234 × 10^14 cents > i64::MAX.
        let e = sc.check_money(100_000).unwrap_err();
        assert_eq!(
            e,
            MoneyOverflow::Revenue {
                customer: 2_233,
                customers: 100_000
            }
        );
        assert_eq!(e.field(&sc), "generate.count (tier `fintech`)");
    }

    #[test]
    fn cost_lines_are_checked_one_by_one_and_summed() {
        let base =
            "name = \"x\"\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@b.com\"\n";
        let sc = parse(
            &format!("{base}[[costs]]\nname = \"per\"\nper_customer = 1000000000000\n"),
            Path::new("t.toml"),
        )
        .unwrap();
        assert_eq!(
            sc.check_money(100_000),
            Err(MoneyOverflow::Line {
                line: 0,
                customers: 100_000
            })
        );
        assert_eq!(sc.check_money(92_233), Ok(()));
        let sc = parse(
            &format!(
                "{base}[[costs]]\nname = \"a\"\nper_account = 600000000000\n[[costs]]\nname = \"b\"\nper_tier = {{ fintech = 600000000000 }}\n"
            ),
            Path::new("t.toml"),
        )
        .unwrap();
        assert_eq!(
            sc.check_money(100_000),
            Err(MoneyOverflow::Costs {
                line: 1,
                customers: 100_000
            })
        );
        assert!(sc.check_money(1_000).is_ok());
    }
}
