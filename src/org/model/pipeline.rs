//! The steps every request goes through before its operation's rule (the module's order of
//! processing, steps 3 to 6): its token bucket, `[[service.faults]]`, internal errors, and
//! concurrent modification (the lock windows a successful write leaves).

use rand::Rng;

use super::operations::{lock_keys, LockOn};
use super::shared::{err, MSG_CONCURRENT, MSG_INTERNAL, MSG_RATE_EXCEEDED};
use super::state::{LockKey, OrgModel};
use crate::org::types::{ApiError, ApiResult, ErrorCode, Operation, Request};

impl OrgModel {
    pub(super) fn process<R: Rng>(
        &mut self,
        now: u64,
        latency_ms: u64,
        req: &Request,
        rng: &mut R,
    ) -> ApiResult {
        let op = req.operation();
        if !self.buckets[op.index()].take(now) {
            return err(ErrorCode::TooManyRequestsException, MSG_RATE_EXCEEDED);
        }
        if !self.faults.is_empty() {
            if let Some(e) = self.fault(now, op, rng) {
                return Err(e);
            }
        }
        if Self::chance(self.params.internal_error_probability, rng) {
            return err(ErrorCode::ServiceException, MSG_INTERNAL);
        }
        let (takes, checks) = lock_keys(req);
        let overlap = [takes, checks]
            .into_iter()
            .flatten()
            .filter_map(|k| self.lock_key(k))
            .any(|k| self.is_locked(k, now));
        if overlap && Self::chance(self.params.concurrent_modification_probability, rng) {
            return err(ErrorCode::ConcurrentModificationException, MSG_CONCURRENT);
        }
        let result = self.apply(now, req, rng);
        if result.is_ok() && latency_ms > 0 {
            if let Some(k) = takes.and_then(|k| self.lock_key(k)) {
                let windows = self.locks.entry(k).or_default();
                windows.retain(|&(_, end)| end > now);
                windows.push((now, now + latency_ms));
            }
        }
        result
    }

    /// The error of the first fault, in file order, that covers `op` at `now` and fires (each
    /// draws only when its window and operations hold and 0 < probability < 1).
    pub(super) fn fault<R: Rng>(&self, now: u64, op: Operation, rng: &mut R) -> Option<ApiError> {
        self.faults
            .iter()
            .filter(|f| f.from_ms <= now && now < f.to_ms && f.ops.contains(op))
            .find(|f| Self::chance(f.probability, rng))
            .map(|f| f.error.clone())
    }

    /// True with probability `p`; draws from `rng` only when 0 < p < 1.
    pub(super) fn chance<R: Rng>(p: f64, rng: &mut R) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            rng.random::<f64>() < p
        }
    }

    pub(super) fn lock_key(&self, on: LockOn<'_>) -> Option<LockKey> {
        match on {
            LockOn::Policies => Some(LockKey::Policies),
            LockOn::Id(id) => self.entity(id).map(LockKey::Entity),
        }
    }

    pub(super) fn is_locked(&self, key: LockKey, now: u64) -> bool {
        self.locks
            .get(&key)
            .is_some_and(|ws| ws.iter().any(|&(start, end)| start <= now && now < end))
    }
}
