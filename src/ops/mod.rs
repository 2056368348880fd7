//! The people side of onboarding (issue 14): the support desk and the onboarding engineers,
//! simulated on the event core in virtual time and checked against queueing theory.
//!
//! - [`config`]: what the `[operations]` table configures and its defaults (read by
//!   `scenario::parse` like every other table).
//! - [`calendar`]: weekly opening hours, open time, preemptive-resume work arithmetic.
//! - [`desk`]: the support desk (tickets, FIFO staff, SLA attainment, waits, utilisation).
//! - [`onboarding`]: signing to a set-up account (configuration, deployment, post-setup).
//! - [`staff`]: the staffing search over customer counts, with its sensitivity to the ticket
//!   rate.
//! - [`claims`]: the brief's four claims, judged.
//! - [`customers`]: the customers as the people side sees them.
//! - [`types`]: [`OpsReport`], [`StaffReport`] and [`claims::Claim`] as data; [`report`]: their text
//!   and Markdown. Their charts are drawn in [`crate::report::charts`].
//!
//! [`run`] is `orgsim ops`'s computation and [`staff::table`] is `orgsim staff`'s.
//!
//! Architecture invariant: no I/O, no clock; randomness only from seeds derived with
//! [`crate::seed::Stream`]. Same inputs and seed ⇒ byte-identical JSON.

pub mod claims;
pub mod customers;
pub mod desk;
pub mod onboarding;
pub mod report;
pub mod staff;
pub mod types;

#[cfg(test)]
mod tests;

pub use crate::config::calendar;
pub use crate::config::operations::{self as config, OperationsConfig};
pub use customers::{customers_from_scenario, cycle_customers, OpsCustomer};
pub use types::{OpsReport, StaffReport};

use std::sync::atomic::{AtomicBool, Ordering};

use crate::stats::mean_ci;
use calendar::{DAY_MS, HOUR_MS, MINUTE_MS};
use desk::{Demand, QueueTrace, Scratch, ServeParams};
use types::{OnboardingSection, QueuePoint, SupportSection};

/// Checks that one support replication of `customers` (ticket rates × `multiplier`) draws at
/// most [`MAX_TICKETS_PER_REPLICATION`](crate::config::limits::MAX_TICKETS_PER_REPLICATION)
/// tickets, expected, before any is drawn.
pub fn check_tickets(
    cfg: &OperationsConfig,
    customers: &[OpsCustomer],
    multiplier: f64,
) -> Result<(), crate::config::Invalid> {
    use crate::config::limits::MAX_TICKETS_PER_REPLICATION;
    let demand = Demand::new(
        customers.iter().map(|c| (c.signed_ms, c.tier.as_str())),
        &cfg.support.tickets_per_customer_month,
        multiplier,
    );
    let n = demand.expected_tickets(cfg.horizon_ms);
    if n > MAX_TICKETS_PER_REPLICATION {
        return Err(crate::config::Invalid::new(format!(
            "{} customers would raise about {n:.0} support tickets in one replication (their \
             tickets_per_customer_month{} over a horizon of {:.0} days), more than orgsim draws \
             at once ({MAX_TICKETS_PER_REPLICATION:.0}, the ticket limit): fewer customers, a \
             shorter horizon or lower ticket rates",
            customers.len(),
            if multiplier == 1.0 {
                String::new()
            } else {
                format!(" × {multiplier}")
            },
            cfg.horizon_ms as f64 / DAY_MS as f64
        )));
    }
    Ok(())
}

/// What `orgsim ops` computes from.
pub struct OpsInput<'a> {
    pub config: &'a OperationsConfig,
    pub customers: &'a [OpsCustomer],
    /// Each customer's deployment duration, all deploying together
    /// ([`onboarding::deployment_durations`]).
    pub deploy_ms: &'a [u64],
    /// Each customer's deployment duration deployed alone
    /// ([`onboarding::deployment_durations_each_alone`]): the "one after the other" figure.
    pub alone_ms: &'a [u64],
    /// For the claims ([`claims::ClaimsDeploy::from_scenario`]).
    pub claims_deploy: &'a claims::ClaimsDeploy,
    /// Support replications (also the claims').
    pub replications: u32,
    pub seed: u64,
}

/// Simulates support over the horizon (`replications` times) and onboarding, and judges the
/// claims.
pub fn run(input: &OpsInput) -> OpsReport {
    run_cancellable(input, &AtomicBool::new(false))
}

/// [`run`], stopping between support replications when `cancel` is set: the report then
/// holds the replications run (at least one), no claims, and says it was interrupted.
pub fn run_cancellable(input: &OpsInput, cancel: &AtomicBool) -> OpsReport {
    let cfg = input.config;
    let reps = input.replications.max(1);
    let (support, done) = support_section(input, reps, cancel);
    let interrupted = done < reps || cancel.load(Ordering::Relaxed);
    OpsReport {
        seed: input.seed,
        horizon_days: cfg.horizon_ms as f64 / DAY_MS as f64,
        replications: done,
        support,
        onboarding: onboarding_section(input),
        claims: if interrupted {
            Vec::new()
        } else {
            claims::evaluate(&claims::ClaimsInput {
                config: cfg,
                customers: input.customers,
                deploy: input.claims_deploy,
                replications: reps,
                // The desk's own seed: the claim about a desk the section also shows (1 person, 2
                // customers signing at once) gives the section's figure, not a second draw of it.
                seed: input.seed,
                target: 0.95,
                limit: config::MAX_PEOPLE,
            })
        },
        assumptions: report::assumptions(cfg),
        interrupted,
    }
}

/// The support section over `reps` replications, or fewer (at least one) when `cancel` is
/// set; with the number run.
fn support_section(input: &OpsInput, reps: u32, cancel: &AtomicBool) -> (SupportSection, u32) {
    let cfg = input.config;
    let s = &cfg.support;
    let demand = Demand::new(
        input
            .customers
            .iter()
            .map(|c| (c.signed_ms, c.tier.as_str())),
        &s.tickets_per_customer_month,
        1.0,
    );
    let days = cfg.horizon_ms.div_ceil(DAY_MS) as usize;
    let mut trace = QueueTrace::new(cfg.horizon_ms, (days + 1).min(1001));
    let mut queue_sum: Vec<(u64, f64, f64)> = Vec::new();
    // Every measured wait of every replication, in a histogram (3 significant digits) rather
    // than a list: memory stays at one replication's tickets whatever `replications` is.
    let mut waits = wait_histogram();
    let (mut tickets, mut rep_waits) = (Vec::new(), Vec::new());
    let mut scratch = Scratch::default();
    let params = ServeParams {
        staff: s.staff,
        calendar: &s.hours,
        response_sla_ms: s.response_sla_ms,
        resolution_sla_ms: s.resolution_sla_ms,
        horizon_ms: cfg.horizon_ms,
        measure_from_ms: 0,
    };
    let (mut resp, mut res, mut util) = (Vec::new(), Vec::new(), Vec::new());
    let (mut total, mut waited, mut wait_sum) = (0u64, 0u64, 0u128);
    let mut done = 0u32;
    for r in 0..reps {
        if r > 0 && cancel.load(Ordering::Relaxed) {
            break;
        }
        done += 1;
        // The staffing search's ticket streams (`staff::desk_seed`): the same desk, the same
        // draws, the same figure in `ops`, its claims and `staff`.
        let seed = staff::desk_seed(input.seed, input.customers.len(), r as usize);
        desk::generate_tickets(
            &demand,
            &s.handle_time,
            &s.hours,
            cfg.horizon_ms,
            seed,
            &mut tickets,
        );
        let st = desk::serve(
            &tickets,
            &params,
            &mut scratch,
            Some(&mut rep_waits),
            Some(&mut trace),
        );
        for w in rep_waits.drain(..) {
            waits.saturating_record(w);
        }
        resp.push(st.response_attainment());
        res.push(st.resolution_attainment());
        util.push(st.utilisation());
        total += st.tickets;
        waited += st.waited;
        wait_sum += st.wait_sum_ms;
        let samples = trace.samples();
        if queue_sum.is_empty() {
            queue_sum = samples.iter().map(|&(t, _, _)| (t, 0.0, 0.0)).collect();
        }
        for (acc, &(_, w, b)) in queue_sum.iter_mut().zip(&samples) {
            acc.1 += w as f64;
            acc.2 += b as f64;
        }
    }
    let hours = |ms: u64| ms as f64 / HOUR_MS as f64;
    let ci = |xs: &[f64]| mean_ci(xs, 0.95);
    let (r_ci, s_ci, u_ci) = (ci(&resp), ci(&res), ci(&util));
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
    let n = done as f64;
    let section = SupportSection {
        staff: s.staff,
        hours: s.hours.describe(),
        handle_time: s.handle_time.describe(),
        customers: input.customers.len(),
        tickets: total,
        tickets_per_replication: total as f64 / n,
        offered_load: desk::offered_load(&demand, s),
        response_sla_h: hours(s.response_sla_ms),
        resolution_sla_h: hours(s.resolution_sla_ms),
        response_sla_attainment: r_ci.mean,
        response_sla_attainment_ci95: finite(r_ci.half_width),
        resolution_sla_attainment: s_ci.mean,
        resolution_sla_attainment_ci95: finite(s_ci.half_width),
        utilisation: u_ci.mean,
        wait_p50_h: hours(waits.value_at_quantile(0.50)),
        wait_p95_h: hours(waits.value_at_quantile(0.95)),
        wait_mean_h: if total == 0 {
            0.0
        } else {
            wait_sum as f64 / total as f64 / HOUR_MS as f64
        },
        p_wait: if total == 0 {
            0.0
        } else {
            waited as f64 / total as f64
        },
        monthly_cost: s.staff as i64 * s.monthly_cost_per_person_cents,
        queue: queue_sum
            .into_iter()
            .map(|(t, w, b)| QueuePoint {
                day: t as f64 / DAY_MS as f64,
                waiting: w / n,
                in_service: b / n,
            })
            .collect(),
    };
    (section, done)
}

/// Waits in ms, 0 to 2^62 (a wait held at "never" is recorded at the top), 3 significant
/// digits: exact below 2,048 ms, within 0.1% above.
fn wait_histogram() -> hdrhistogram::Histogram<u64> {
    hdrhistogram::Histogram::new_with_bounds(1, u64::MAX / 4, 3).expect("valid histogram bounds")
}

fn onboarding_section(input: &OpsInput) -> OnboardingSection {
    let o = &input.config.onboarding;
    let signed: Vec<u64> = input.customers.iter().map(|c| c.signed_ms).collect();
    let run = onboarding::simulate(o, o.engineers, &signed, input.deploy_ms);
    let min = |ms: u64| ms as f64 / MINUTE_MS as f64;
    let mut leads: Vec<u64> = run.customers.iter().map(|c| c.lead_ms).collect();
    let n = run.customers.len().max(1) as f64;
    let mean = |f: fn(&onboarding::CustomerLead) -> u64| {
        run.customers.iter().map(|c| f(c) as f64).sum::<f64>() / n / MINUTE_MS as f64
    };
    let lead_time_min = leads.iter().map(|&l| min(l)).collect();
    let batch_deploy: Vec<u64> = (0..signed.len())
        .map(|i| input.deploy_ms.get(i).copied().unwrap_or(0))
        .collect();
    OnboardingSection {
        customers: run.customers.len(),
        engineers: o.engineers,
        hours: o.hours.describe(),
        lead_time_p50_min: min(desk::nearest_rank(&mut leads, 0.50)),
        lead_time_p95_min: min(desk::nearest_rank(&mut leads, 0.95)),
        lead_time_max_min: min(leads.iter().copied().max().unwrap_or(0)),
        staff_minutes: min(run.staff_ms),
        human_minutes_mean: mean(|c| c.human_ms),
        deployment_minutes_mean: mean(|c| c.deploy_ms),
        waiting_minutes_mean: mean(|c| c.waiting_ms),
        lead_time_sla_h: o.lead_time_sla_ms as f64 / HOUR_MS as f64,
        lead_time_sla_attainment: onboarding::attainment(&run, o.lead_time_sla_ms),
        monthly_cost: o.engineers as i64 * o.monthly_cost_per_person_cents,
        // One after the other: each deployed alone, not as long as it took beside the others.
        batch_vs_sequential: onboarding::batch_vs_sequential(
            o,
            o.engineers,
            &batch_deploy,
            input.alone_ms,
        ),
        lead_time_min,
    }
}
