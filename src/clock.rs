//! Wall-clock time for the live drivers: engine milliseconds since a start, optionally scaled.
//! The simulation has no clock: its time is the time of the next event.

use std::time::{Duration, Instant};

/// Engine time for a live run: milliseconds since `start`, times `scale`.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Instant,
    scale: f64,
}

impl Clock {
    /// A clock starting now; `scale` engine milliseconds pass per wall-clock millisecond.
    pub fn new(scale: f64) -> Clock {
        Clock {
            start: Instant::now(),
            scale: if scale.is_finite() && scale > 0.0 {
                scale
            } else {
                1.0
            },
        }
    }

    pub(crate) fn scale(&self) -> f64 {
        self.scale
    }

    /// Engine time now.
    pub(crate) fn now_ms(&self) -> u64 {
        (self.start.elapsed().as_secs_f64() * 1000.0 * self.scale) as u64
    }

    /// The wall-clock instant at which engine time reaches `ms`.
    pub(crate) fn instant_at(&self, ms: u64) -> Instant {
        // Far beyond any run (a year) rather than a panic when the quotient does not fit.
        let far = Duration::from_secs(365 * 86_400);
        let d = Duration::try_from_secs_f64(ms as f64 / 1000.0 / self.scale).unwrap_or(far);
        self.start.checked_add(d).unwrap_or(self.start + far)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 21: a tiny scale made `Duration::from_secs_f64` panic on the quotient.
    #[test]
    fn an_instant_out_of_reach_is_far_not_a_panic() {
        let c = Clock::new(1e-18);
        let far = c.instant_at(u64::MAX);
        assert!(far > Instant::now() + Duration::from_secs(86_400));
        assert!(Clock::new(1.0).instant_at(1_000) > c.start);
    }
}
