//! The retry policy: the SDK's standard mode (attempts, full-jitter backoff, the retry quota),
//! then the deployer's own retries, and the message of a call given up.

use rand::Rng;

use crate::config::Jitter;
use crate::org::types::{ApiError, ErrorCode, Operation};

use super::machine::Engine;
use super::machine::Who;
use super::trace::{Failure, Outcome, WaitKind};

/// Why the retry layers gave a failed call up.
pub(super) enum GaveUp {
    /// Not an error either layer retries.
    NotRetryable,
    /// The SDK's attempts ran out.
    Attempts,
    /// The SDK's retry quota was empty.
    Quota,
    /// The deployer's own retries ran past their timeout.
    ProviderTimeout,
}

impl Engine {
    /// A call of `who` failed with `err`: retried by the SDK or the deployer, or given up (the
    /// resource fails; the setup fails them all).
    pub(super) fn on_error(&mut self, now_ms: u64, who: Who, op: Operation, err: ApiError) {
        let (attempt, provider_try, step_started, deadline_hit) = {
            let st = self.state(who);
            (
                st.attempt,
                st.provider_try,
                st.step_started_ms,
                st.deadline_hit,
            )
        };
        if deadline_hit {
            // A status poll in flight at the creation deadline failed: the wait is over (only
            // a resource's creation has a deadline).
            if let Some(i) = who.resource() {
                self.time_out(now_ms, i);
            }
            return;
        }
        // Layer 1: the SDK's standard retry mode.
        let sdk_retryable =
            err.code.is_sdk_retryable() || listed(&self.cfg.sdk_retry_codes, &err.code);
        let mut gave_up = GaveUp::NotRetryable;
        if sdk_retryable {
            if attempt >= self.cfg.max_attempts {
                gave_up = GaveUp::Attempts;
            } else if self.cfg.retry_quota > 0 && self.retry_tokens < self.cfg.retry_cost {
                gave_up = GaveUp::Quota;
                self.trace.retry_quota_exhausted += 1;
            } else {
                if self.cfg.retry_quota > 0 {
                    self.retry_tokens -= self.cfg.retry_cost;
                }
                let delay = self.sdk_backoff(attempt, &err.code);
                self.state(who).attempt += 1;
                self.wait(now_ms, who, delay, WaitKind::Backoff);
                return;
            }
        }
        // Layer 2: the deployer's own retries of "try again later" errors.
        if listed(&self.cfg.provider_retry_codes, &err.code) {
            if now_ms.saturating_sub(step_started) < self.cfg.provider_retry_timeout_ms() {
                let delay = self
                    .cfg
                    .provider_backoff_min_ms
                    .saturating_mul(1u64 << (provider_try - 1).min(30))
                    .min(self.cfg.provider_backoff_max_ms);
                let st = self.state(who);
                st.provider_try += 1;
                st.attempt = 1;
                self.wait(now_ms, who, delay, WaitKind::ProviderRetry);
                return;
            }
            gave_up = GaveUp::ProviderTimeout;
        }
        let who = match (who, who.resource()) {
            (Who::Resource(_), Some(i)) => i,
            (Who::Setup, _) if !self.in_refresh(who) => {
                self.fail_all(now_ms, Failure::Setup(err.code), &err.message);
                return;
            }
            _ => {
                let message =
                    self.gave_up_message(op, &gave_up, attempt, provider_try, &err.message);
                self.planning_failed(now_ms, err.code, &message);
                return;
            }
        };
        let message = self.gave_up_message(op, &gave_up, attempt, provider_try, &err.message);
        let code = Failure::Api(err.code);
        self.finish(now_ms, who, Outcome::Failed { code, message });
    }

    /// What a call given up says: the operation, why the retries stopped, the service's message.
    fn gave_up_message(
        &self,
        op: Operation,
        gave_up: &GaveUp,
        attempt: u32,
        provider_try: u32,
        err_message: &str,
    ) -> String {
        let message = match gave_up {
            GaveUp::NotRetryable => format!("{op} (not retried): {}", err_message),
            GaveUp::Attempts => format!(
                "{op} gave up after {attempt} attempt{} (max_attempts {}): {}",
                if attempt == 1 { "" } else { "s" },
                self.cfg.max_attempts,
                err_message
            ),
            GaveUp::Quota => format!(
                "{op} gave up after {attempt} attempt{}: the SDK's retry quota is empty \
                 ({} of {} tokens left, a retry costs {}): {}",
                if attempt == 1 { "" } else { "s" },
                self.retry_tokens,
                self.cfg.retry_quota,
                self.cfg.retry_cost,
                err_message
            ),
            GaveUp::ProviderTimeout => format!(
                "{op} gave up after {provider_try} tries over {}: {}",
                go_duration(self.cfg.provider_retry_timeout_ms()),
                err_message
            ),
        };
        message
    }

    /// The SDK's backoff after failed attempt `attempt` (from 1) with `code`: the code's own
    /// rule in `backoff_by_code`, else `backoff_base_ms`, `backoff_cap_ms`, `backoff_jitter`.
    pub(super) fn sdk_backoff(&mut self, attempt: u32, code: &ErrorCode) -> u64 {
        let (base, cap, jitter) = match self.cfg.backoff_by_code.get(code.as_str()) {
            Some(b) => (b.base_ms, b.cap_ms, b.jitter),
            None => (
                self.cfg.backoff_base_ms,
                self.cfg.backoff_cap_ms,
                self.cfg.backoff_jitter,
            ),
        };
        backoff(&mut self.rng, attempt, base, cap, jitter)
    }

    pub(super) fn refund(&mut self, retried: bool) {
        if self.cfg.retry_quota == 0 {
            return;
        }
        let back = if retried { self.cfg.retry_cost } else { 1 };
        self.retry_tokens = (self.retry_tokens + back).min(self.cfg.retry_quota);
    }
}

/// A backoff after failed attempt `attempt` from the ceiling base·2^attempt:
/// - `Full`, aws-sdk-go-v2's `ExponentialJitterBackoff`: U(0, ceiling) while the ceiling is
///   within the cap, and exactly the cap (no jitter) from then on;
/// - `Equal`, aws-sdk-go's `DefaultRetryer` (what hashicorp/aws 5.100.0 was measured doing):
///   U[ceiling, 2·ceiling), at most the cap.
pub(super) fn backoff(
    rng: &mut impl Rng,
    attempt: u32,
    base: u64,
    cap: u64,
    jitter: Jitter,
) -> u64 {
    if base == 0 {
        return 0;
    }
    let ceiling = if attempt >= 63 {
        u64::MAX
    } else {
        base.saturating_mul(1u64 << attempt)
    };
    match jitter {
        Jitter::Full if ceiling > cap => cap,
        Jitter::Full => rng.random_range(0..ceiling),
        Jitter::Equal if ceiling >= cap => cap,
        Jitter::Equal => rng
            .random_range(ceiling..ceiling.saturating_mul(2))
            .min(cap),
    }
}

/// True when `code` is one of `codes` (a profile's few retry codes: a scan, no set to build).
pub(super) fn listed(codes: &[String], code: &ErrorCode) -> bool {
    let code = code.as_str();
    codes.iter().any(|c| c == code)
}

/// A duration as Go prints it ("10m0s", "4m0s", "1h0m0s", "30s"), as the provider's messages
/// show it.
pub(super) fn go_duration(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{h}h{m}m{sec}s")
    } else if m > 0 {
        format!("{m}m{sec}s")
    } else {
        format!("{sec}s")
    }
}
