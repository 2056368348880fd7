//! Queueing building blocks on the event core, and the textbook results they must reproduce.
//!
//! [`ServerPool`] is a FIFO queue in front of `c` identical servers: the resource later models
//! (support desk, onboarding staff) are built from. [`simulate_mmc`] runs an M/M/c queue on the
//! event core ([`EventQueue`]) in integer virtual time; [`erlang_c`] gives the theory. The tests
//! check that the simulated mean wait lies inside the 99% confidence interval of a fixed set of
//! replications (see `shared/reference/queueing.md`).
//!
//! Architecture invariant: no I/O, no clock; randomness from the caller's seed.

use std::collections::VecDeque;

use rand::rngs::SmallRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp};

use super::EventQueue;

/// `c` identical servers with one FIFO queue.
#[derive(Debug, Clone)]
pub(crate) struct ServerPool<T> {
    servers: usize,
    busy: usize,
    queue: VecDeque<T>,
}

impl<T> ServerPool<T> {
    pub(crate) fn new(servers: usize) -> Self {
        ServerPool {
            servers: servers.max(1),
            busy: 0,
            queue: VecDeque::new(),
        }
    }

    /// An arrival: returns it back if a server is free (it starts service now), else queues it.
    pub(crate) fn arrive(&mut self, item: T) -> Option<T> {
        if self.busy < self.servers {
            self.busy += 1;
            Some(item)
        } else {
            self.queue.push_back(item);
            None
        }
    }

    /// A service completion: returns the next queued item, which starts service now.
    pub(crate) fn depart(&mut self) -> Option<T> {
        match self.queue.pop_front() {
            Some(next) => Some(next),
            None => {
                self.busy = self.busy.saturating_sub(1);
                None
            }
        }
    }

    #[cfg(test)]
    pub(crate) fn busy(&self) -> usize {
        self.busy
    }
    pub(crate) fn queued(&self) -> usize {
        self.queue.len()
    }
}

/// Erlang C: the M/M/c steady state.
#[cfg(test)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MmcTheory {
    /// Probability that an arrival waits (C).
    pub p_wait: f64,
    pub wq: f64,
    pub w: f64,
    pub lq: f64,
    pub l: f64,
}

#[cfg(test)]
/// The M/M/c results for arrival rate `lambda`, service rate `mu`, `c` servers; `None` unless
/// ρ = λ/(cμ) < 1.
pub(crate) fn erlang_c(lambda: f64, mu: f64, c: usize) -> Option<MmcTheory> {
    let a = lambda / mu;
    let cf = c as f64;
    let stable = a / cf < 1.0;
    if c == 0 || !stable || lambda <= 0.0 || mu <= 0.0 {
        return None;
    }
    // Erlang B by the stable recursion, then C.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let p_wait = cf * b / (cf - a * (1.0 - b));
    let wq = p_wait / (cf * mu - lambda);
    let w = wq + 1.0 / mu;
    Some(MmcTheory {
        p_wait,
        wq,
        w,
        lq: lambda * wq,
        l: lambda * w,
    })
}

#[cfg(test)]
/// P(Wq > t) for M/M/c.
pub(crate) fn p_wait_longer(lambda: f64, mu: f64, c: usize, t: f64) -> Option<f64> {
    erlang_c(lambda, mu, c).map(|th| th.p_wait * (-(c as f64 * mu - lambda) * t).exp())
}

/// What one simulated M/M/c run measured, after its warm-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MmcRun {
    /// Customers measured (after the warm-up).
    pub customers: usize,
    pub wq: f64,
    pub w: f64,
    pub p_wait: f64,
    /// Time-average number waiting, over the measured period.
    pub lq: f64,
    /// Events processed by the event core.
    pub events: u64,
}

/// Virtual time units per model time unit: microseconds when the rates are per second.
const TICKS: f64 = 1_000_000.0;

enum Ev {
    Arrival(usize),
    Departure,
}

/// Simulates an M/M/c queue: `customers` arrivals, the first `warmup` of which are not measured.
pub fn simulate_mmc(
    lambda: f64,
    mu: f64,
    c: usize,
    customers: usize,
    warmup: usize,
    seed: u64,
) -> MmcRun {
    let mut rng = SmallRng::seed_from_u64(seed);
    let inter = Exp::new(lambda).expect("lambda > 0");
    let service = Exp::new(mu).expect("mu > 0");
    let ticks = |x: f64| (x * TICKS).round() as u64;
    let mut q: EventQueue<Ev> = EventQueue::with_capacity(c + 2);
    let mut pool: ServerPool<usize> = ServerPool::new(c);
    let mut arrival_at = vec![0u64; customers];
    let (mut wq_sum, mut w_sum, mut waited, mut measured) = (0u128, 0u128, 0usize, 0usize);
    let mut events = 0u64;
    // Time-average queue length over the measured period.
    let (mut area, mut last_t, mut measure_from) = (0u128, 0u64, None::<u64>);
    q.push(ticks(inter.sample(&mut rng)), Ev::Arrival(0));
    let mut start =
        |now: u64, who: usize, arrived: u64, q: &mut EventQueue<Ev>, rng: &mut SmallRng| {
            let s = ticks(service.sample(rng));
            q.push(now + s, Ev::Departure);
            if who >= warmup {
                let wait = now - arrived;
                wq_sum += wait as u128;
                w_sum += (wait + s) as u128;
                waited += usize::from(wait > 0);
                measured += 1;
            }
        };
    while let Some((now, ev)) = q.pop() {
        events += 1;
        if measure_from.is_some() {
            area += pool.queued() as u128 * (now - last_t) as u128;
        }
        last_t = now;
        match ev {
            Ev::Arrival(i) => {
                if i == warmup {
                    measure_from = Some(now);
                }
                arrival_at[i] = now;
                if i + 1 < customers {
                    q.push(now + ticks(inter.sample(&mut rng)), Ev::Arrival(i + 1));
                }
                if let Some(who) = pool.arrive(i) {
                    start(now, who, arrival_at[who], &mut q, &mut rng);
                }
            }
            Ev::Departure => {
                if let Some(next) = pool.depart() {
                    start(now, next, arrival_at[next], &mut q, &mut rng);
                }
            }
        }
    }
    let m = measured.max(1) as f64;
    let span = measure_from
        .map(|f| last_t.saturating_sub(f))
        .unwrap_or(0)
        .max(1);
    MmcRun {
        customers: measured,
        wq: wq_sum as f64 / m / TICKS,
        w: w_sum as f64 / m / TICKS,
        p_wait: waited as f64 / m,
        lq: area as f64 / span as f64,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::mean_ci;

    #[test]
    fn erlang_c_matches_the_reference_table() {
        // λ, μ, c, C, Wq, W, Lq, P(Wq > 1) from shared/reference/queueing.md
        let table = [
            (0.5, 1.0, 1, 0.5, 1.0, 2.0, 0.5, 0.3033),
            (0.8, 1.0, 1, 0.8, 4.0, 5.0, 3.2, 0.6550),
            (0.9, 1.0, 1, 0.9, 9.0, 10.0, 8.1, 0.8144),
            (1.5, 1.0, 2, 0.642857, 1.285714, 2.285714, 1.928571, 0.3899),
            (3.0, 1.0, 4, 0.509434, 0.509434, 1.509434, 1.528302, 0.1874),
            (3.5, 1.0, 4, 0.737861, 1.475722, 2.475722, 5.165028, 0.4475),
            (8.0, 1.0, 10, 0.409180, 0.204590, 1.204590, 1.636721, 0.0554),
        ];
        for (l, m, c, pc, wq, w, lq, p1) in table {
            let t = erlang_c(l, m, c).unwrap();
            assert!((t.p_wait - pc).abs() < 1e-5, "C {l} {c}: {}", t.p_wait);
            assert!((t.wq - wq).abs() < 1e-5);
            assert!((t.w - w).abs() < 1e-5);
            assert!((t.lq - lq).abs() < 1e-5);
            assert!((p_wait_longer(l, m, c, 1.0).unwrap() - p1).abs() < 1e-4);
        }
        assert!(erlang_c(1.0, 1.0, 1).is_none(), "ρ = 1 has no steady state");
    }

    #[test]
    fn server_pool_is_fifo_over_c_servers() {
        let mut p = ServerPool::new(2);
        assert_eq!(p.arrive(1), Some(1));
        assert_eq!(p.arrive(2), Some(2));
        assert_eq!(p.arrive(3), None);
        assert_eq!(p.arrive(4), None);
        assert_eq!((p.busy(), p.queued()), (2, 2));
        assert_eq!(p.depart(), Some(3));
        assert_eq!(p.depart(), Some(4));
        assert_eq!(p.depart(), None);
        assert_eq!((p.busy(), p.queued()), (1, 0));
    }

    /// 10 replications × 50,000 customers, 5,000 warm-up, seeds 1..=10: the theory must lie in
    /// the 99% confidence interval of the simulated means.
    fn check_against_theory(lambda: f64, c: usize) {
        let th = erlang_c(lambda, 1.0, c).unwrap();
        let runs: Vec<MmcRun> = (1..=10)
            .map(|s| simulate_mmc(lambda, 1.0, c, 50_000, 5_000, s))
            .collect();
        let ci = |f: fn(&MmcRun) -> f64| mean_ci(&runs.iter().map(f).collect::<Vec<_>>(), 0.99);
        let wq = ci(|r| r.wq);
        assert!(
            wq.contains(th.wq),
            "Wq {} not in {:.3} ± {:.3}",
            th.wq,
            wq.mean,
            wq.half_width
        );
        let pw = ci(|r| r.p_wait);
        assert!(
            pw.contains(th.p_wait),
            "P(wait) {} not in {:.3} ± {:.3}",
            th.p_wait,
            pw.mean,
            pw.half_width
        );
        let lq = ci(|r| r.lq);
        assert!(
            lq.contains(th.lq),
            "Lq {} not in {:.3} ± {:.3}",
            th.lq,
            lq.mean,
            lq.half_width
        );
        // The interval is informative, not vacuous: within 10% of the value.
        assert!(wq.half_width < 0.1 * th.wq);
    }

    #[test]
    fn mm1_at_rho_0_8_matches_theory() {
        check_against_theory(0.8, 1);
    }

    #[test]
    fn mm4_at_lambda_3_5_matches_theory() {
        check_against_theory(3.5, 4);
    }

    #[test]
    fn a_wrong_model_is_caught() {
        // The same check must fail against a wrong theory (here: M/M/1 at ρ = 0.9).
        let runs: Vec<f64> = (1..=10)
            .map(|s| simulate_mmc(0.8, 1.0, 1, 50_000, 5_000, s).wq)
            .collect();
        assert!(!mean_ci(&runs, 0.99).contains(erlang_c(0.9, 1.0, 1).unwrap().wq));
    }
}
