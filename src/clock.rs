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

    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Engine time now.
    pub fn now_ms(&self) -> u64 {
        (self.start.elapsed().as_secs_f64() * 1000.0 * self.scale) as u64
    }

    /// The wall-clock instant at which engine time reaches `ms`.
    pub fn instant_at(&self, ms: u64) -> Instant {
        self.start + Duration::from_secs_f64(ms as f64 / 1000.0 / self.scale)
    }
}
