//! The brief's claims about the people side of onboarding, checked by the rules of issue 14.
//!
//! The rules are pure functions of measured figures ([`batch_claim`], [`leverage_claim`],
//! [`linear_claim`], [`one_customer_claim`]), so they are tested alone; [`evaluate`] measures
//! the figures by simulation. Verdicts that rest on the ticket rate or the handling time (both
//! assumptions) carry `rests_on_assumptions` and the label `[X]`.

use std::collections::BTreeMap;

use super::calendar::MINUTE_MS;
use super::onboarding;
use super::staff::SupportSearch;
use super::OpsCustomer;
use crate::config::operations::OperationsConfig;

pub use super::types::Claim;
pub use crate::verdict::Verdict;

fn label(rests: bool) -> &'static str {
    if rests {
        "[X]"
    } else {
        ""
    }
}

fn within(x: f64, target: f64, tolerance: f64) -> bool {
    (x - target).abs() <= tolerance * target
}

/// "2 customers onboard in 58 min (vs 90 sequential)": PASS when the batch total lies within
/// 10% of 58 min and the sequential total within 10% of 90 min.
pub(crate) fn batch_claim(batch_min: f64, sequential_min: f64) -> Claim {
    let pass = within(batch_min, 58.0, 0.10) && within(sequential_min, 90.0, 0.10);
    Claim {
        id: "two_customers_58_vs_90_min",
        claim: "2 customers onboard in 58 minutes (vs 90 sequential)",
        rule: "PASS when the simulated batch total lies within 10% of 58 min and the sequential total within 10% of 90 min",
        verdict: Verdict::of(pass),
        measured: format!(
            "1 engineer, as in the brief: batch {batch_min:.1} min, sequential (each deployed alone) {sequential_min:.1} min"
        ),
        figures: BTreeMap::from([
            ("batch_total_min", batch_min),
            ("sequential_total_min", sequential_min),
        ]),
        rests_on_assumptions: false,
        label: label(false),
        note: "configuration and post-setup efforts are the brief's; deployment times come from the deployment simulation".into(),
    }
}

/// "1 person handles 2× customers": PASS when 1 support person meets both SLAs at ≥ `target`
/// attainment for 2 customers.
pub(crate) fn leverage_claim(response: f64, resolution: f64, target: f64) -> Claim {
    let t = target - 1e-12;
    let pass = response >= t && resolution >= t;
    Claim {
        id: "one_person_handles_2x_customers",
        claim: "1 support person handles 2x customers",
        rule: "PASS when 1 support person meets both the response and the resolution SLA at >= 95% attainment (mean over replications) for 2 customers",
        verdict: Verdict::of(pass),
        measured: format!(
            "1 person, 2 customers signing at once: response {:.1}%, resolution {:.1}%",
            response * 100.0,
            resolution * 100.0
        ),
        figures: BTreeMap::from([
            ("response_sla_attainment", response),
            ("resolution_sla_attainment", resolution),
            ("target", target),
        ]),
        rests_on_assumptions: true,
        label: label(true),
        note: "rests on the assumed ticket rate and handling time [X]".into(),
    }
}

/// "Support scales linearly": PASS when the staff needed at 100 customers lies within 15% of
/// 50× the staff needed at 2; else FAIL with the ratio. `None`: not met within `limit`.
pub(crate) fn linear_claim(
    staff_at_2: Option<u32>,
    staff_at_100: Option<u32>,
    limit: u32,
) -> Claim {
    let mut figures = BTreeMap::new();
    let (verdict, measured) = match (staff_at_2, staff_at_100) {
        (Some(a), Some(b)) => {
            let linear = 50.0 * a as f64;
            let ratio = b as f64 / linear;
            figures.insert("staff_at_2", a as f64);
            figures.insert("staff_at_100", b as f64);
            figures.insert("linear_prediction", linear);
            figures.insert("ratio", ratio);
            (
                Verdict::of(within(b as f64, linear, 0.15)),
                format!(
                    "{} at 100 customers vs 50 x {a} = {linear:.0} linear: ratio {ratio:.2}",
                    super::report::people(b)
                ),
            )
        }
        (a, b) => {
            // A count not met within the search's limit has no staff figure: say so, and that
            // there is then no ratio to judge.
            let show = |x: Option<u32>, n: usize| match x {
                Some(v) => format!("{} at {n} customers", super::report::people(v)),
                None => format!(
                    "{n} customers: the SLAs not met at the target even by {} (the search's \
                     limit)",
                    super::report::people(limit)
                ),
            };
            (
                Verdict::Fail,
                format!(
                    "{}; {}: no ratio to judge linearity by",
                    show(b, 100),
                    show(a, 2)
                ),
            )
        }
    };
    Claim {
        id: "support_scales_linearly",
        claim: "Support scales linearly",
        rule: "compare the staff needed at 100 customers with 50x the staff needed at 2; PASS when within 15%, else FAIL with the ratio",
        verdict,
        measured,
        figures,
        rests_on_assumptions: true,
        label: label(true),
        note: "queueing theory predicts economies of scale (square-root staffing: c ≈ a + β√a for offered load a), so expect sublinear growth; rests on the assumed ticket rate and handling time [X]".into(),
    }
}

/// The brief's 1-customer total: "5 + 8 + 30 = 45 minutes" (its parts sum to 43). Reported as
/// it is: PASS when the simulated total (configuration + simulated deployment + post-setup)
/// lies within 10% of the stated 45 min.
pub(crate) fn one_customer_claim(
    total_min: f64,
    configuration_min: f64,
    deploy_min: f64,
    post_min: f64,
) -> Claim {
    Claim {
        id: "one_customer_45_min",
        claim: "Onboarding 1 customer: configuration 5 + deployment 8 + post-setup 30 min, total 45 minutes",
        rule: "PASS when the simulated total lies within 10% of the stated 45 min; the brief's own parts sum to 43, not 45, which is reported as it is",
        verdict: Verdict::of(within(total_min, 45.0, 0.10)),
        measured: format!(
            "{configuration_min:.1} + {deploy_min:.1} + {post_min:.1} = {total_min:.1} min (the brief's parts: 5 + 8 + 30 = 43, stated 45)"
        ),
        figures: BTreeMap::from([
            ("total_min", total_min),
            ("configuration_min", configuration_min),
            ("deployment_min", deploy_min),
            ("post_setup_min", post_min),
            ("brief_parts_sum_min", 43.0),
            ("brief_stated_total_min", 45.0),
        ]),
        rests_on_assumptions: false,
        label: label(false),
        note: "the brief's arithmetic is inconsistent: 5 + 8 + 30 = 43".into(),
    }
}

/// Deployment durations the claims need, from the deployment simulation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ClaimsDeploy {
    /// The scenario's first 2 customers deployed together: each one's duration.
    pub two_together_ms: Vec<u64>,
    /// Each of the first 2 customers deployed alone.
    pub alone_ms: Vec<u64>,
}

impl ClaimsDeploy {
    /// Runs the needed deployments of `sc` (its first two customers; with one customer, it
    /// stands in for both).
    pub(crate) fn from_scenario(sc: &crate::scenario::Scenario, seed: u64) -> ClaimsDeploy {
        let mut two = sc.clone();
        two.customers.truncate(2);
        let mut together = onboarding::deployment_durations(&two, seed);
        let mut alone = onboarding::deployment_durations_alone(sc, 2, seed);
        while !together.is_empty() && together.len() < 2 {
            together.push(together[0]);
        }
        while !alone.is_empty() && alone.len() < 2 {
            alone.push(alone[0]);
        }
        ClaimsDeploy {
            two_together_ms: together,
            alone_ms: alone,
        }
    }
}

/// Everything [`evaluate`] measures from.
pub(crate) struct ClaimsInput<'a> {
    pub config: &'a OperationsConfig,
    /// Customers (tiers); cycled to reach 100, all signing at time 0.
    pub customers: &'a [OpsCustomer],
    pub deploy: &'a ClaimsDeploy,
    pub replications: u32,
    pub seed: u64,
    pub target: f64,
    pub limit: u32,
}

/// Measures and judges the four claims.
pub(crate) fn evaluate(input: &ClaimsInput) -> Vec<Claim> {
    let cfg = input.config;
    let o = &cfg.onboarding;
    let min = |ms: u64| ms as f64 / MINUTE_MS as f64;
    let d = input.deploy;
    let two: Vec<u64> = (0..2)
        .map(|i| d.two_together_ms.get(i).copied().unwrap_or(0))
        .collect();
    let alone: Vec<u64> = (0..2)
        .map(|i| d.alone_ms.get(i).copied().unwrap_or(two[i]))
        .collect();
    let cmp = onboarding::batch_vs_sequential(o, 1, &two, &alone);
    let batch = batch_claim(cmp.batch_total_min, cmp.sequential_total_min);

    let one = onboarding::batch_vs_sequential(o, 1, &alone[..1], &alone[..1]);
    let one_customer = one_customer_claim(
        one.batch_total_min,
        min(o.configuration_ms),
        min(alone[0]),
        min(o.post_setup_first_ms),
    );

    let at = |n: usize| super::cycle_customers(input.customers, n, true);
    let mut search = SupportSearch::new(cfg, input.target, input.limit);
    search.load(&at(2), 1.0, input.replications, input.seed);
    let (resp, res) = search.evaluate(1);
    let leverage = leverage_claim(resp, res, input.target);
    let staff_2 = search.answer().staff;
    search.load(&at(100), 1.0, input.replications, input.seed);
    let staff_100 = search.answer().staff;
    let linear = linear_claim(staff_2, staff_100, input.limit);
    vec![batch, leverage, linear, one_customer]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_rule_is_ten_percent_of_58_and_90() {
        assert_eq!(batch_claim(58.0, 90.0).verdict, Verdict::Pass);
        assert_eq!(batch_claim(52.2, 99.0).verdict, Verdict::Pass);
        assert_eq!(batch_claim(52.1, 90.0).verdict, Verdict::Fail);
        assert_eq!(batch_claim(58.0, 80.9).verdict, Verdict::Fail);
        assert_eq!(batch_claim(58.0, 86.0).verdict, Verdict::Pass);
        assert!(!batch_claim(58.0, 90.0).rests_on_assumptions);
    }

    #[test]
    fn leverage_rule_needs_both_slas_at_the_target() {
        assert_eq!(leverage_claim(0.95, 0.99, 0.95).verdict, Verdict::Pass);
        assert_eq!(leverage_claim(0.949, 1.0, 0.95).verdict, Verdict::Fail);
        assert_eq!(leverage_claim(1.0, 0.9, 0.95).verdict, Verdict::Fail);
        let c = leverage_claim(1.0, 1.0, 0.95);
        assert!(c.rests_on_assumptions);
        assert_eq!(c.label, "[X]");
    }

    #[test]
    fn linear_rule_is_fifteen_percent_of_fifty_times() {
        assert_eq!(linear_claim(Some(1), Some(50), 1000).verdict, Verdict::Pass);
        assert_eq!(linear_claim(Some(1), Some(43), 1000).verdict, Verdict::Pass);
        assert_eq!(linear_claim(Some(1), Some(42), 1000).verdict, Verdict::Fail);
        assert_eq!(linear_claim(Some(1), Some(58), 1000).verdict, Verdict::Fail);
        let c = linear_claim(Some(1), Some(9), 1000);
        assert_eq!(c.verdict, Verdict::Fail);
        assert_eq!(c.figures["ratio"], 9.0 / 50.0);
        assert!(c.measured.contains("ratio 0.18"), "{}", c.measured);
        assert!(c.note.contains("sublinear"));
        let c = linear_claim(Some(1), None, 1000);
        assert_eq!(c.verdict, Verdict::Fail);
        assert_eq!(
            c.measured,
            "100 customers: the SLAs not met at the target even by 1,000 people (the search's \
             limit); 1 person at 2 customers: no ratio to judge linearity by"
        );
        assert!(linear_claim(Some(2), Some(9), 1000)
            .measured
            .starts_with("9 people at 100 customers vs 50 x 2"));
    }

    #[test]
    fn one_customer_total_is_reported_against_the_stated_45() {
        let c = one_customer_claim(43.0, 5.0, 8.0, 30.0);
        assert_eq!(c.verdict, Verdict::Pass);
        assert!(c.measured.contains("5 + 8 + 30 = 43, stated 45"));
        assert_eq!(
            one_customer_claim(37.0, 5.0, 2.0, 30.0).verdict,
            Verdict::Fail
        );
        assert_eq!(
            one_customer_claim(40.5, 5.0, 5.5, 30.0).verdict,
            Verdict::Pass
        );
    }
}
