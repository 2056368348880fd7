//! The steps every request goes through before its operation's rule (the module's order of
//! processing, steps 3 to 6): its token bucket, `[[service.faults]]`, internal errors, and
//! concurrent modification (the lock windows a successful write leaves).

use rand::Rng;

use super::operations::{lock_keys, LockKey, LockOn};
use super::shared::{cv_message, err, MSG_CONCURRENT, MSG_INTERNAL, MSG_RATE_EXCEEDED, TOKEN};
use super::OrgModel;
use crate::config::service::Bucket;
use crate::org::types::{ApiError, ApiResult, ErrorCode, OpSet, Operation, Request};

/// A token bucket counted in integer units (`TOKEN` per token), refilled per millisecond.
#[derive(Debug, Clone)]
pub(super) struct TokenBucket {
    units: u64,
    cap: u64,
    per_ms: u64,
    last_ms: u64,
}

impl TokenBucket {
    pub(super) fn new(b: Bucket) -> TokenBucket {
        let cap = (b.burst * TOKEN as f64).round().max(0.0) as u64;
        // rate tokens/s = rate * TOKEN units per 1000 ms.
        let per_ms = (b.rate * (TOKEN / 1000) as f64).round().max(0.0) as u64;
        TokenBucket {
            units: cap,
            cap,
            per_ms,
            last_ms: 0,
        }
    }

    pub(super) fn refill(&mut self, now_ms: u64) {
        if now_ms > self.last_ms {
            let add = (now_ms - self.last_ms).saturating_mul(self.per_ms);
            self.units = self.units.saturating_add(add).min(self.cap);
            self.last_ms = now_ms;
        }
    }

    /// Takes one token if there is one.
    pub(super) fn take(&mut self, now_ms: u64) -> bool {
        self.refill(now_ms);
        if self.units >= TOKEN {
            self.units -= TOKEN;
            true
        } else {
            false
        }
    }
}

/// A `[[service.faults]]` window as the model applies it.
#[derive(Debug, Clone)]
pub(super) struct FaultRule {
    from_ms: u64,
    to_ms: u64,
    /// The operations it covers.
    ops: OpSet,
    probability: f64,
    error: ApiError,
}

impl FaultRule {
    pub(super) fn new(i: usize, f: &crate::config::service::Fault) -> FaultRule {
        let ops = Operation::ALL
            .into_iter()
            .filter(|&op| f.covers(op))
            .collect();
        // Checked at load time; a fault built by hand with an unknown name answers as AWS
        // answers an unknown code.
        let code = f
            .code()
            .unwrap_or_else(|| ErrorCode::Other(f.error.clone()));
        // The message the model gives the code elsewhere; the fault's place for the others.
        let message = match &code {
            ErrorCode::TooManyRequestsException => MSG_RATE_EXCEEDED.to_string(),
            ErrorCode::ConcurrentModificationException => MSG_CONCURRENT.to_string(),
            ErrorCode::ServiceException => MSG_INTERNAL.to_string(),
            ErrorCode::ConstraintViolationException(r) => cv_message(r),
            _ => format!("{} (service.faults[{i}])", f.error),
        };
        FaultRule {
            from_ms: f.from,
            to_ms: f.to,
            ops,
            probability: f.probability,
            error: ApiError::new(code, message),
        }
    }
}

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
