//! The arrival times of an open-loop process.

use rand::rngs::SmallRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};

use crate::config::loadtest::{Arrivals, Stage};

/// The arrival times (ms) of an open-loop process over `stages`. Deterministic for a seed.
///
/// The work is one step per 100 ms of stages with a rate above 0 (a stage at 0/min throughout
/// is skipped whole): callers check the stages first (`config::loadtest::check_stages`: at
/// most 30 days, at most 100,000 expected arrivals).
pub fn schedule(stages: &[Stage], arrivals: Arrivals, seed: u64) -> Vec<u64> {
    // Integrate the rate in 100 ms steps; an arrival falls where the cumulative rate reaches
    // the next target (1, 2, 3, ... for uniform; a sum of Exp(1) draws for Poisson).
    const STEP: u64 = 100;
    let mut rng = SmallRng::seed_from_u64(seed);
    let next = |rng: &mut SmallRng| -> f64 {
        match arrivals {
            Arrivals::Uniform => 1.0,
            Arrivals::Poisson => Exp1.sample(rng),
        }
    };
    let mut out = Vec::new();
    // Uniform arrivals sit mid-way in each unit of cumulative rate, so a whole window of rate r
    // holds exactly r × duration of them.
    let mut target = match arrivals {
        Arrivals::Uniform => 0.5,
        Arrivals::Poisson => next(&mut rng),
    };
    let (mut cum, mut t0, mut prev_rate) = (0f64, 0u64, 0f64);
    for (k, st) in stages.iter().enumerate() {
        let from = if k == 0 && stages.len() > 1 {
            0.0
        } else if k == 0 {
            st.target_per_min
        } else {
            prev_rate
        };
        if from == 0.0 && st.target_per_min == 0.0 {
            // No rate, no arrivals, nothing added to the cumulative rate.
            t0 += st.duration_ms;
            prev_rate = 0.0;
            continue;
        }
        let mut t = 0;
        while t < st.duration_ms {
            let dt = STEP.min(st.duration_ms - t);
            let mid = (t as f64 + dt as f64 / 2.0) / st.duration_ms.max(1) as f64;
            let rate_per_ms = (from + (st.target_per_min - from) * mid) / 60_000.0;
            let add = rate_per_ms * dt as f64;
            // Arrivals inside this step, placed by linear interpolation.
            while cum + add >= target && out.len() < 1_000_000 {
                let frac = if add > 0.0 { (target - cum) / add } else { 0.0 };
                out.push(t0 + t + (frac * dt as f64) as u64);
                target += next(&mut rng);
            }
            cum += add;
            t += dt;
        }
        t0 += st.duration_ms;
        prev_rate = st.target_per_min;
    }
    out
}
