//! Money: revenue, costs, profit, margin and unit economics, in integer cents.
//!
//! Architecture invariant: no floating point touches an amount; only the margin (a ratio) is a
//! float, computed once from integers.

use serde::Serialize;

use crate::scenario::{Cents, CostKind, Scenario};

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

/// The cost lines of `sc` for a month in which `billable` customers are served.
pub fn cost_lines(sc: &Scenario, _billable: usize) -> Vec<LineAmount> {
    sc.costs
        .iter()
        .map(|l| LineAmount {
            name: l.name.clone(),
            monthly_cents: match l.kind {
                CostKind::Fixed { monthly_cents } => monthly_cents,
            },
        })
        .collect()
}

/// The financials of a month in which the customers flagged in `onboarded` are billed.
pub fn compute(sc: &Scenario, onboarded: &[bool]) -> Financials {
    let planned: Cents = sc.customers.iter().map(|c| c.monthly_cents).sum();
    let revenue: Cents = sc
        .customers
        .iter()
        .zip(onboarded)
        .filter(|(_, &ok)| ok)
        .map(|(c, _)| c.monthly_cents)
        .sum();
    let billable = onboarded.iter().filter(|&&b| b).count();
    let lines = cost_lines(sc, billable);
    let costs: Cents = lines.iter().map(|l| l.monthly_cents).sum();
    let profit = revenue - costs;
    let margin = if revenue > 0 {
        profit as f64 / revenue as f64
    } else {
        0.0
    };
    let n = billable as Cents;
    Financials {
        revenue_cents: revenue,
        planned_revenue_cents: planned,
        costs_cents: costs,
        profit_cents: profit,
        margin,
        billable_customers: billable,
        revenue_per_customer_cents: div_round(revenue, n),
        profit_per_customer_cents: div_round(profit, n),
        lines,
    }
}

/// A margin as the seed prints it: `79%`.
pub fn fmt_margin(m: f64) -> String {
    let pct = m * 100.0;
    if (99.5..100.0).contains(&pct) {
        // Whole percents would round these to a misleading 100%.
        format!("{pct:.2}%")
    } else {
        format!("{pct:.0}%")
    }
}

#[derive(Debug, Clone, Serialize)]
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

    #[test]
    fn margins_print_like_the_seed() {
        assert_eq!(fmt_margin(632_000.0 / 800_000.0), "79%");
        assert_eq!(fmt_margin(1_962_000.0 / 2_300_000.0), "85%");
        assert_eq!(fmt_margin(0.99681), "99.68%");
        assert_eq!(fmt_margin(1.0), "100%");
    }
}
