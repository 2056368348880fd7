//! Money: revenue, costs, profit, margin and unit economics, in integer cents.
//!
//! Architecture invariant: no floating point touches an amount; only the margin (a ratio) is a
//! float, computed once from integers.

use serde::Serialize;

use std::collections::BTreeMap;

use crate::scenario::{Cents, CostKind, Customer, MonthCounts, Scenario, MAX_CENTS};

/// Cents as dollars for JSON: exact to the cent (a cent amount below 2^53 is exact in f64 and
/// prints in its shortest form).
pub fn dollars(c: Cents) -> f64 {
    c as f64 / 100.0
}

/// `$23,000` or `$1,234.56`, with a minus sign before the dollar sign for losses.
pub fn fmt_money(c: Cents) -> String {
    let neg = c < 0;
    let a = c.unsigned_abs();
    let (d, cents) = (a / 100, a % 100);
    let digits = d.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if neg { "-" } else { "" };
    if cents == 0 {
        format!("{sign}${grouped}")
    } else {
        format!("{sign}${grouped}.{cents:02}")
    }
}

/// One cost line's monthly amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineAmount {
    pub name: String,
    pub monthly_cents: Cents,
}

/// A month's financials.
///
/// **Margin, one definition per cost model.** Under the scenario's cost model (its `[[costs]]`
/// lines) the margin of a month is (revenue − the cost lines) ÷ revenue, the revenue of the
/// customers billed that month: in `run` (and `compare`) those whose account exists after the
/// run; in the margin chart and table and in `phases`, all N onboarded (the planned month); in
/// `sweep` the mean of each replication's `run` margin. Under the staff cost model of `staff`
/// it is (revenue − support and onboarding staff) ÷ revenue, the cost lines not counted. Each
/// report labels which it gives (docs/scenario.md, "Margin").
#[derive(Debug, Clone, PartialEq)]
pub struct Financials {
    /// Revenue of the customers that were onboarded (their account exists).
    pub revenue_cents: Cents,
    /// Revenue of every customer in the scenario.
    pub planned_revenue_cents: Cents,
    pub costs_cents: Cents,
    pub profit_cents: Cents,
    /// profit / revenue, 0 when there is no revenue.
    pub margin: f64,
    pub billable_customers: usize,
    pub revenue_per_customer_cents: Cents,
    pub profit_per_customer_cents: Cents,
    pub lines: Vec<LineAmount>,
}

/// Integer division rounded half away from zero.
pub fn div_round(a: Cents, b: Cents) -> Cents {
    if b == 0 {
        return 0;
    }
    let q = a / b;
    let r = a % b;
    if 2 * r.abs() >= b.abs() {
        q + if (a < 0) == (b < 0) { 1 } else { -1 }
    } else {
        q
    }
}

/// What a month's cost lines depend on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Month {
    /// Billable customers (their account exists).
    pub customers: usize,
    /// Member accounts: the billable customers' accounts plus the organization's
    /// `existing_accounts`.
    pub accounts: usize,
    /// Billable customers per tier key.
    pub by_tier: BTreeMap<String, usize>,
    pub revenue_cents: Cents,
}

impl Month {
    /// The month in which the customers of `sc` flagged in `onboarded` are billed.
    pub fn of(sc: &Scenario, onboarded: &[bool]) -> Month {
        Month::from_customers(
            sc,
            sc.customers
                .iter()
                .zip(onboarded)
                .filter(|(_, &ok)| ok)
                .map(|(c, _)| c),
        )
    }

    fn from_customers<'a>(sc: &Scenario, billed: impl Iterator<Item = &'a Customer>) -> Month {
        let mut m = Month::default();
        for c in billed {
            m.add(c);
        }
        m.accounts = m.customers + sc.organization.existing_accounts as usize;
        m
    }

    /// One more billable customer (`accounts` is left to the caller).
    fn add(&mut self, c: &Customer) {
        self.customers += 1;
        self.revenue_cents = self.revenue_cents.saturating_add(c.monthly_cents);
        match self.by_tier.get_mut(&c.tier) {
            Some(k) => *k += 1,
            None => {
                self.by_tier.insert(c.tier.clone(), 1);
            }
        }
    }
}

/// One line's amount for `m` ([`CostKind::monthly_cents`]: fixed, per customer, per account,
/// per tier, step, revenue share). Commands check beforehand that every amount of the months
/// they compute fits (`Scenario::check_money`, refused naming the field); an amount that does
/// not is held at the largest one, never wrapped.
pub fn line_amount(kind: &CostKind, m: &Month) -> Cents {
    kind.monthly_cents(&MonthCounts {
        customers: m.customers as u64,
        accounts: m.accounts as u64,
        by_tier: &m.by_tier,
        revenue_cents: m.revenue_cents,
    })
    .unwrap_or(MAX_CENTS)
}

/// The cost lines of `sc` for the month `m`.
pub fn cost_lines(sc: &Scenario, m: &Month) -> Vec<LineAmount> {
    sc.costs
        .iter()
        .map(|l| LineAmount {
            name: l.name.clone(),
            monthly_cents: line_amount(&l.kind, m),
        })
        .collect()
}

/// The financials of a month in which the customers flagged in `onboarded` are billed.
pub fn compute(sc: &Scenario, onboarded: &[bool]) -> Financials {
    let planned: Cents = sc
        .customers
        .iter()
        .map(|c| c.monthly_cents)
        .fold(0, Cents::saturating_add);
    financials(sc, &Month::of(sc, onboarded), planned)
}

fn financials(sc: &Scenario, m: &Month, planned: Cents) -> Financials {
    let revenue = m.revenue_cents;
    let lines = cost_lines(sc, m);
    let costs: Cents = lines
        .iter()
        .map(|l| l.monthly_cents)
        .fold(0, Cents::saturating_add);
    // Both are at least 0, so the difference always fits.
    let profit = revenue - costs;
    let margin = if revenue > 0 {
        profit as f64 / revenue as f64
    } else {
        0.0
    };
    let n = m.customers as Cents;
    Financials {
        revenue_cents: revenue,
        planned_revenue_cents: planned,
        costs_cents: costs,
        profit_cents: profit,
        margin,
        billable_customers: m.customers,
        revenue_per_customer_cents: div_round(revenue, n),
        profit_per_customer_cents: div_round(profit, n),
        lines,
    }
}

/// The financials of a month with `k` customers, all onboarded: the scenario's customers in
/// order, the list repeated when `k` is larger (so the tier mix follows the scenario's).
pub fn with_customers(sc: &Scenario, k: usize) -> Financials {
    let n = sc.customers.len().max(1);
    let m = Month::from_customers(sc, (0..k).filter_map(|i| sc.customers.get(i % n)));
    financials(sc, &m, m.revenue_cents)
}

/// Which costs a margin curve counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostView {
    /// The brief's "Margin Expansion" table: only the base infrastructure, held flat (the
    /// scenario's first fixed `monthly` line).
    BriefBaseInfrastructure,
    /// Every `[[costs]]` line of the scenario.
    Scenario,
}

impl CostView {
    pub fn title(self) -> &'static str {
        match self {
            CostView::BriefBaseInfrastructure => "the brief's view: base infrastructure only",
            CostView::Scenario => "the scenario's cost model",
        }
    }
}

/// `sc` with the costs of `view` only.
pub fn with_view(sc: &Scenario, view: CostView) -> Scenario {
    let mut s = sc.clone();
    if view == CostView::BriefBaseInfrastructure {
        s.costs = sc
            .costs
            .iter()
            .find(|l| matches!(l.kind, CostKind::Fixed { .. }))
            .cloned()
            .into_iter()
            .collect();
    }
    s
}

/// One point of a margin curve.
#[derive(Debug, Clone, PartialEq)]
pub struct MarginPoint {
    pub customers: usize,
    pub fin: Financials,
}

/// The financials at 1..=`max` customers (see [`with_customers`]) under `view`.
///
/// Linear in `max`: the month grows by one customer from one point to the next instead of
/// being counted again from the first customer (issue 21: `--customers 100000 --out` took
/// minutes when every point recounted all of them).
pub fn margin_curve(sc: &Scenario, view: CostView, max: usize) -> Vec<MarginPoint> {
    let s = with_view(sc, view);
    let n = s.customers.len().max(1);
    let mut m = Month::from_customers(&s, std::iter::empty());
    let mut points = Vec::with_capacity(max);
    for k in 1..=max {
        if let Some(c) = s.customers.get((k - 1) % n) {
            m.add(c);
        }
        m.accounts = m.customers + s.organization.existing_accounts as usize;
        points.push(MarginPoint {
            customers: k,
            fin: financials(&s, &m, m.revenue_cents),
        });
    }
    points
}

/// How far margin curves go: at least 100 customers (the brief's table ends there), at least
/// the scenario's own count.
pub fn curve_len(sc: &Scenario) -> usize {
    sc.customers.len().max(100)
}

/// The customer counts of the margin table: the brief's 1, 2, 5, 10, 100, with 20 and 50 and the
/// scenario's own count, up to `max`.
pub fn table_counts(sc: &Scenario, max: usize) -> Vec<usize> {
    let mut v = vec![1, 2, 5, 10, 20, 50, 100, sc.customers.len(), max];
    v.retain(|&k| k >= 1 && k <= max);
    v.sort_unstable();
    v.dedup();
    v
}

/// A margin with one decimal (`97.8%`), two when one would round up to 100% (`99.98%`).
pub fn fmt_margin_fine(m: f64) -> String {
    let pct = m * 100.0;
    if (99.95..100.0).contains(&pct) {
        format!("{pct:.2}%")
    } else {
        format!("{pct:.1}%")
    }
}

/// A margin as every command prints it: one decimal, `79.0%`, `57.8%` (the same figure in
/// `run`, `compare`, `phases`, `sweep` and the margin chart and table), two where one would round
/// up to 100% ([`fmt_margin_fine`]).
pub fn fmt_margin(m: f64) -> String {
    fmt_margin_fine(m)
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LineJson {
    pub name: String,
    pub monthly: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats() {
        assert_eq!(fmt_money(800_000), "$8,000");
        assert_eq!(fmt_money(110_000_000), "$1,100,000");
        assert_eq!(fmt_money(123_456), "$1,234.56");
        assert_eq!(fmt_money(-5), "-$0.05");
        assert_eq!(fmt_money(-100_000), "-$1,000");
        assert_eq!(fmt_money(i64::MIN), "-$92,233,720,368,547,758.08");
        assert_eq!(fmt_money(0), "$0");
    }

    #[test]
    fn rounding_division() {
        assert_eq!(div_round(2_300_000, 2), 1_150_000);
        assert_eq!(div_round(10, 3), 3);
        assert_eq!(div_round(11, 2), 6);
        assert_eq!(div_round(-11, 2), -6);
        assert_eq!(div_round(5, 0), 0);
    }

    fn scenario(costs: &str) -> Scenario {
        let src = format!(
            "name = \"t\"\n\
             [[customers]]\nname = \"ACME Finance Inc\"\ntier = \"fintech\"\n\
             email = \"john@acmefinance.com\"\nmonthly = 8000\n\
             [[customers]]\nname = \"MediCorp Solutions Inc\"\ntier = \"healthcare\"\n\
             email = \"compliance@medicorp.com\"\nmonthly = 15000\n\
             [organization]\nexisting_accounts = 3\n{costs}"
        );
        crate::scenario::parse(&src, std::path::Path::new("t.toml")).unwrap()
    }

    /// Per-account and step costs, checked against a hand calculation. Customers alternate
    /// ACME ($8,000, fintech) and MediCorp ($15,000, healthcare); 3 accounts already exist.
    #[test]
    fn per_account_and_step_costs_by_hand() {
        let sc = scenario(
            "[[costs]]\nname = \"Base infrastructure\"\nmonthly = 180\n\
             [[costs]]\nname = \"Per-account baseline\"\nper_account = 25\n\
             [[costs]]\nname = \"Support staff\"\nstep = { every = 10, monthly = 6000 }\n",
        );
        // 1 customer: $8,000; costs 180 + 25 × (1 + 3) + 6,000 × ceil(1/10) = 6,280.
        let f = with_customers(&sc, 1);
        assert_eq!(f.revenue_cents, 800_000);
        assert_eq!(f.costs_cents, 628_000);
        assert_eq!(f.profit_cents, 172_000);
        assert!((f.margin - 1_720.0 / 8_000.0).abs() < 1e-12);
        // 10: 5 × 8,000 + 5 × 15,000 = 115,000; 180 + 25 × 13 + 6,000 × 1 = 6,505.
        let f = with_customers(&sc, 10);
        assert_eq!(f.revenue_cents, 11_500_000);
        assert_eq!(f.costs_cents, 650_500);
        assert_eq!(f.profit_cents, 10_849_500);
        assert!((f.margin - 108_495.0 / 115_000.0).abs() < 1e-12);
        // 11 customers need a second support person.
        assert_eq!(with_customers(&sc, 11).lines[2].monthly_cents, 1_200_000);
        // 100: 1,150,000; 180 + 25 × 103 + 6,000 × 10 = 62,755.
        let f = with_customers(&sc, 100);
        assert_eq!(f.revenue_cents, 115_000_000);
        assert_eq!(f.costs_cents, 6_275_500);
        assert_eq!(f.profit_cents, 108_724_500);
        assert_eq!(fmt_margin_fine(f.margin), "94.5%");
        // The brief's view keeps only the base infrastructure.
        let brief = margin_curve(&sc, CostView::BriefBaseInfrastructure, 100);
        assert_eq!(brief[0].fin.costs_cents, 18_000);
        assert_eq!(brief[99].fin.costs_cents, 18_000);
        assert_eq!(fmt_margin_fine(brief[0].fin.margin), "97.8%");
        assert_eq!(fmt_margin_fine(brief[1].fin.margin), "99.2%");
        assert_eq!(fmt_margin_fine(brief[99].fin.margin), "99.98%");
    }

    /// The curve is built one customer at a time (linear); each point is still what
    /// `with_customers` computes from scratch, for both views, past the list's length.
    #[test]
    fn margin_curve_points_match_a_fresh_count_at_every_k() {
        let sc = scenario(
            "[[costs]]\nname = \"Base\"\nmonthly = 180\n\
             [[costs]]\nname = \"Per-account\"\nper_account = 25\n\
             [[costs]]\nname = \"Audits\"\nper_tier = { healthcare = 800 }\n\
             [[costs]]\nname = \"Support\"\nstep = { every = 3, monthly = 6000 }\n\
             [[costs]]\nname = \"Payments\"\nrevenue_share = 0.029\n",
        );
        for view in [CostView::Scenario, CostView::BriefBaseInfrastructure] {
            let curve = margin_curve(&sc, view, 25);
            assert_eq!(curve.len(), 25);
            let s = with_view(&sc, view);
            for (i, p) in curve.iter().enumerate() {
                assert_eq!(p.customers, i + 1);
                assert_eq!(p.fin, with_customers(&s, i + 1), "k = {}", i + 1);
            }
        }
        assert!(margin_curve(&sc, CostView::Scenario, 0).is_empty());
    }

    #[test]
    fn per_customer_per_tier_and_revenue_share() {
        let sc = scenario(
            "[[costs]]\nname = \"Sales\"\nper_customer = 1000\n\
             [[costs]]\nname = \"Audits\"\nper_tier = { healthcare = 800, gov-federal = 2500 }\n\
             [[costs]]\nname = \"Payments\"\nrevenue_share = 0.029\n",
        );
        // 3 customers: fintech, healthcare, fintech = $31,000.
        let f = with_customers(&sc, 3);
        let amounts: Vec<Cents> = f.lines.iter().map(|l| l.monthly_cents).collect();
        assert_eq!(amounts, vec![300_000, 80_000, 89_900]);
        // The share rounds half away from zero to the cent: 0.5 cent → 1 cent.
        let kind = CostKind::RevenueShare { ppm: 5_000 };
        let m = |revenue_cents| Month {
            revenue_cents,
            ..Month::default()
        };
        assert_eq!(line_amount(&kind, &m(100)), 1);
        assert_eq!(line_amount(&kind, &m(99)), 0);
        assert_eq!(line_amount(&kind, &m(0)), 0);
        // No customers: no steps.
        let step = CostKind::Step {
            every: 10,
            monthly_cents: 600_000,
        };
        assert_eq!(line_amount(&step, &Month::default()), 0);
    }

    #[test]
    fn fixed_lines_reproduce_the_seed() {
        let sc = scenario(
            "[[costs]]\nname = \"Base infrastructure\"\nmonthly = 180\n\
             [[costs]]\nname = \"Customer support\"\nmonthly = 1200\n\
             [[costs]]\nname = \"Sales and marketing\"\nmonthly = 2000\n",
        );
        let f = compute(&sc, &[true, true]);
        assert_eq!(f.costs_cents, 338_000);
        assert_eq!(f.profit_cents, 1_962_000);
        assert_eq!(table_counts(&sc, 100), vec![1, 2, 5, 10, 20, 50, 100]);
    }

    #[test]
    fn margins_print_with_one_decimal_everywhere() {
        assert_eq!(fmt_margin(632_000.0 / 800_000.0), "79.0%");
        assert_eq!(fmt_margin(1_962_000.0 / 2_300_000.0), "85.3%");
        // Two customers' fixed costs with one customer: the chart's 57.8%, not "58%".
        assert_eq!(fmt_margin(462_000.0 / 800_000.0), "57.8%");
        assert_eq!(fmt_margin(0.99681), "99.7%");
        assert_eq!(fmt_margin(0.99981), "99.98%");
        assert_eq!(fmt_margin(1.0), "100.0%");
    }
}
