//! Onboarding lead time: from a customer signing to a usable, set-up account.
//!
//! Customers who sign at the same instant form a *batch* (the brief's "2 customers
//! simultaneously"). Per batch, one configuration task (human, `configuration`, "+0 with
//! automation" for further customers); then each customer's deployment runs (automated, its own
//! duration, from the deployment simulation: [`deployment_durations`]); then each customer's
//! post-setup (human): `post_setup_first` for the first of its batch whose deployment ends,
//! `post_setup_each_more` for each further one. Human tasks are served FIFO by `engineers`
//! people during the onboarding hours, with preemptive resume.
//!
//! Architecture invariant: no I/O, no clock; [`deployment_durations`] runs the deployment
//! simulation, which is itself pure.

use serde::Serialize;

use super::calendar::{Calendar, MINUTE_MS};
use crate::config::operations::OnboardingConfig;
use crate::plan::ResourceKind;
use crate::scenario::Scenario;
use crate::sim::queueing::ServerPool;
use crate::sim::EventQueue;

/// One customer's way from signing to a set-up account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct CustomerLead {
    pub signed_ms: u64,
    pub done_ms: u64,
    /// Signing to done.
    pub lead_ms: u64,
    /// Human work on its path: its batch's configuration and its own post-setup.
    pub human_ms: u64,
    pub deploy_ms: u64,
    /// The rest: waiting for an engineer, and closed hours.
    pub waiting_ms: u64,
}

/// One onboarding simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OnboardingRun {
    /// In the order of the input.
    pub customers: Vec<CustomerLead>,
    /// All human work done (configurations and post-setups), ms.
    pub staff_ms: u64,
    /// First signing to the last customer done.
    pub makespan_ms: u64,
}

#[derive(Debug, Clone, Copy)]
enum Task {
    Configure(usize),
    PostSetup(usize),
}

enum Ev {
    Signed(usize),
    Deployed(usize),
    Done(Task),
}

/// Simulates onboarding customers who sign at `signed_ms[i]`, whose deployments take
/// `deploy_ms[i]` (missing entries count as 0), with `engineers` people.
pub fn simulate(
    cfg: &OnboardingConfig,
    engineers: u32,
    signed_ms: &[u64],
    deploy_ms: &[u64],
) -> OnboardingRun {
    let n = signed_ms.len();
    // Batches: customers signed at the same instant, in signing order, input order within.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (signed_ms[i], i));
    let mut batches: Vec<Vec<usize>> = Vec::new();
    for &i in &order {
        match batches.last_mut() {
            Some(b) if signed_ms[b[0]] == signed_ms[i] => b.push(i),
            _ => batches.push(vec![i]),
        }
    }
    let mut batch_of = vec![0usize; n];
    for (b, members) in batches.iter().enumerate() {
        for &i in members {
            batch_of[i] = b;
        }
    }
    let mut post_ready = vec![0usize; batches.len()];
    let deploy = |i: usize| deploy_ms.get(i).copied().unwrap_or(0);
    let mut q: EventQueue<Ev> = EventQueue::with_capacity(n + 4);
    for (b, members) in batches.iter().enumerate() {
        q.push(signed_ms[members[0]], Ev::Signed(b));
    }
    let cal: &Calendar = &cfg.hours;
    let mut pool: ServerPool<(Task, u64)> = ServerPool::new(engineers.max(1) as usize);
    let mut done = vec![0u64; n];
    let mut post_ms = vec![0u64; n];
    let mut staff_ms = 0u64;
    let mut begin = |task: (Task, u64), now: u64, q: &mut EventQueue<Ev>| {
        staff_ms += task.1;
        q.push(cal.work_end(now, task.1), Ev::Done(task.0));
    };
    while let Some((now, ev)) = q.pop() {
        match ev {
            Ev::Signed(b) => {
                let task = (Task::Configure(b), cfg.configuration_ms);
                if let Some(t) = pool.arrive(task) {
                    begin(t, now, &mut q);
                }
            }
            Ev::Deployed(i) => {
                let b = batch_of[i];
                let work = if post_ready[b] == 0 {
                    cfg.post_setup_first_ms
                } else {
                    cfg.post_setup_each_more_ms
                };
                post_ready[b] += 1;
                post_ms[i] = work;
                if let Some(t) = pool.arrive((Task::PostSetup(i), work)) {
                    begin(t, now, &mut q);
                }
            }
            Ev::Done(task) => {
                match task {
                    Task::Configure(b) => {
                        for &i in &batches[b] {
                            q.push(now.saturating_add(deploy(i)), Ev::Deployed(i));
                        }
                    }
                    Task::PostSetup(i) => done[i] = now,
                }
                if let Some(t) = pool.depart() {
                    begin(t, now, &mut q);
                }
            }
        }
    }
    let customers: Vec<CustomerLead> = (0..n)
        .map(|i| {
            let lead = done[i] - signed_ms[i];
            let human = cfg.configuration_ms + post_ms[i];
            CustomerLead {
                signed_ms: signed_ms[i],
                done_ms: done[i],
                lead_ms: lead,
                human_ms: human,
                deploy_ms: deploy(i),
                waiting_ms: lead.saturating_sub(human + deploy(i)),
            }
        })
        .collect();
    let first = signed_ms.iter().copied().min().unwrap_or(0);
    let last = done.iter().copied().max().unwrap_or(first);
    OnboardingRun {
        customers,
        staff_ms,
        makespan_ms: last.saturating_sub(first),
    }
}

/// Share of customers set up within `sla_ms` of signing (1 when there are none).
pub(crate) fn attainment(run: &OnboardingRun, sla_ms: u64) -> f64 {
    if run.customers.is_empty() {
        return 1.0;
    }
    run.customers.iter().filter(|c| c.lead_ms <= sla_ms).count() as f64 / run.customers.len() as f64
}

/// The brief's comparison: every customer at once (one batch) against one after the other.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BatchComparison {
    pub customers: usize,
    pub engineers: u32,
    /// All signed at once: first signing to the last set up.
    pub batch_total_min: f64,
    /// One at a time, each alone: the sum of their onboardings.
    pub sequential_total_min: f64,
    /// Human minutes of the batch.
    pub batch_staff_min: f64,
    pub sequential_staff_min: f64,
}

/// Batch against sequential, counting working minutes as the brief does: both on a 24x7
/// calendar. `batch_deploy_ms[i]`: customer i's deployment when all deploy together;
/// `alone_deploy_ms[i]`: when it deploys alone.
pub(crate) fn batch_vs_sequential(
    cfg: &OnboardingConfig,
    engineers: u32,
    batch_deploy_ms: &[u64],
    alone_deploy_ms: &[u64],
) -> BatchComparison {
    let always = OnboardingConfig {
        hours: Calendar::always(),
        ..cfg.clone()
    };
    let n = batch_deploy_ms.len();
    let batch = simulate(&always, engineers, &vec![0; n], batch_deploy_ms);
    let (mut seq_total, mut seq_staff) = (0u64, 0u64);
    for (i, &together) in batch_deploy_ms.iter().enumerate() {
        let d = alone_deploy_ms.get(i).copied().unwrap_or(together);
        let one = simulate(&always, engineers, &[0], &[d]);
        seq_total += one.makespan_ms;
        seq_staff += one.staff_ms;
    }
    let min = |ms: u64| ms as f64 / MINUTE_MS as f64;
    BatchComparison {
        customers: n,
        engineers,
        batch_total_min: min(batch.makespan_ms),
        sequential_total_min: min(seq_total),
        batch_staff_min: min(batch.staff_ms),
        sequential_staff_min: min(seq_staff),
    }
}

/// Runs the deployment of `sc` once (`crate::sim::run` with `seed`) and returns, per customer
/// in order, the time from the start to the end of that customer's account resource (the end
/// of the whole deployment if the account never ended).
pub(crate) fn deployment_durations(sc: &Scenario, seed: u64) -> Vec<u64> {
    let out = crate::sim::run(sc, seed);
    let mut ends = vec![None; sc.customers.len()];
    for (i, r) in out.plan.resources.iter().enumerate() {
        if let (ResourceKind::Account, Some(c)) = (r.kind, r.customer) {
            if let Some(slot) = ends.get_mut(c) {
                *slot = out.trace.resources.get(i).and_then(|rec| rec.end_ms);
            }
        }
    }
    let whole = out.trace.makespan_ms();
    ends.into_iter().map(|e| e.unwrap_or(whole)).collect()
}

/// The scenario with only its customer `i` (for deploying one customer alone).
pub(crate) fn only_customer(sc: &Scenario, i: usize) -> Scenario {
    let mut one = sc.clone();
    one.customers = sc.customers.get(i).cloned().into_iter().collect();
    one
}

/// Each of the first `n` customers deployed alone: [`deployment_durations`] of a scenario with
/// only that customer.
pub(crate) fn deployment_durations_alone(sc: &Scenario, n: usize, seed: u64) -> Vec<u64> {
    (0..n.min(sc.customers.len()))
        .map(|i| {
            deployment_durations(&only_customer(sc, i), seed)
                .first()
                .copied()
                .unwrap_or(0)
        })
        .collect()
}

/// Every customer of `sc` deployed alone ([`deployment_durations_alone`] for all of them),
/// each distinct single-customer deployment run once: customers alike in what shapes their
/// deployment (tier, region, a known account id) share one run. The "one after the other"
/// figure of `ops` sums these.
pub(crate) fn deployment_durations_each_alone(sc: &Scenario, seed: u64) -> Vec<u64> {
    let mut seen: std::collections::HashMap<(&str, Option<&str>, bool), u64> =
        std::collections::HashMap::new();
    sc.customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let key = (c.tier.as_str(), c.region.as_deref(), c.account_id.is_some());
            *seen.entry(key).or_insert_with(|| {
                deployment_durations(&only_customer(sc, i), seed)
                    .first()
                    .copied()
                    .unwrap_or(0)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::calendar::{DAY_MS, HOUR_MS};
    use crate::config::operations::OperationsConfig;

    const M: u64 = MINUTE_MS;

    fn cfg() -> OnboardingConfig {
        OperationsConfig::default().onboarding
    }

    #[test]
    fn the_seeds_two_customer_batch_takes_58_minutes() {
        let run = simulate(&cfg(), 1, &[0, 0], &[8 * M, 8 * M]);
        // Configure 0-5, both deploy 5-13, post-setup 13-43 (30) and 43-58 (15).
        assert_eq!(run.customers[0].lead_ms, 43 * M);
        assert_eq!(run.customers[1].lead_ms, 58 * M);
        assert_eq!(run.makespan_ms, 58 * M);
        assert_eq!(run.staff_ms, 50 * M);
        assert_eq!(run.customers[1].waiting_ms, 58 * M - (5 + 8 + 15) * M);
        let cmp = batch_vs_sequential(&cfg(), 1, &[8 * M, 8 * M], &[8 * M, 8 * M]);
        assert_eq!(cmp.batch_total_min, 58.0);
        assert_eq!(cmp.sequential_total_min, 86.0, "2 × (5 + 8 + 30)");
        // The customer whose deployment ends first gets the first (longer) post-setup.
        let run = simulate(&cfg(), 1, &[0, 0], &[9 * M, 8 * M]);
        assert_eq!(run.customers[1].lead_ms, 43 * M);
        assert_eq!(run.customers[0].lead_ms, 58 * M);
    }

    #[test]
    fn more_engineers_work_in_parallel_and_separate_signings_are_separate_batches() {
        let run = simulate(&cfg(), 2, &[0, 0], &[8 * M, 8 * M]);
        assert_eq!(run.customers[0].lead_ms, 43 * M);
        assert_eq!(run.customers[1].lead_ms, 28 * M);
        let run = simulate(&cfg(), 1, &[0, 60 * M], &[8 * M, 8 * M]);
        assert_eq!(run.customers[0].lead_ms, 43 * M);
        assert_eq!(run.customers[1].lead_ms, 43 * M);
        assert_eq!(run.staff_ms, 70 * M);
    }

    #[test]
    fn onboarding_waits_for_office_hours() {
        let mut c = cfg();
        c.hours = Calendar::weekly(&Calendar::block("mon-fri", "09:00", "17:00").unwrap()).unwrap();
        // Signed Friday 16:50: configuration 16:50-16:55, deployment to 17:03, post-setup
        // Monday 09:00-09:30.
        let signed = 4 * DAY_MS + 16 * HOUR_MS + 50 * M;
        let run = simulate(&c, 1, &[signed], &[8 * M]);
        assert_eq!(run.customers[0].done_ms, 7 * DAY_MS + 9 * HOUR_MS + 30 * M);
        assert_eq!(attainment(&run, 24 * HOUR_MS), 0.0);
        assert_eq!(attainment(&run, 72 * HOUR_MS), 1.0);
    }
}
