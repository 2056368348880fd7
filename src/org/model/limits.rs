//! The limits a request meets before its operation's rule, as data: a token bucket per
//! operation (step 3) and the `[[service.faults]]` rules (step 4). `pipeline.rs` applies them.

use super::shared::{cv_message, MSG_CONCURRENT, MSG_INTERNAL, MSG_RATE_EXCEEDED, TOKEN};
use crate::config::service::Bucket;
use crate::org::types::{ApiError, ErrorCode, OpSet, Operation};

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
    pub(super) from_ms: u64,
    pub(super) to_ms: u64,
    /// The operations it covers.
    pub(super) ops: OpSet,
    pub(super) probability: f64,
    pub(super) error: ApiError,
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
