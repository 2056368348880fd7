//! What the engine did: every call and every resource, with times in integer milliseconds.

use std::borrow::Cow;
use std::fmt;

use crate::org::types::{CreateAccountFailureReason, ErrorCode, Operation, SharedStr};

/// One call: its operation, its latency in µs, and its error code if it failed.
pub type CallSample = (Operation, u64, Option<String>);

/// One API call (one SDK attempt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    pub id: u64,
    /// The plan resource it served; `None` for the deployer's own setup calls (ListRoots).
    pub resource: Option<usize>,
    pub op: Operation,
    /// SDK attempt within one SDK call, from 1.
    pub attempt: u32,
    /// Provider-level try (a fresh SDK call after the SDK gave up), from 1.
    pub provider_try: u32,
    pub start_ms: u64,
    /// `None` while the call is in flight.
    pub end_ms: Option<u64>,
    /// The error the call ended with, if any.
    pub error: Option<ErrorCode>,
    /// The error's message (empty when it succeeded).
    pub message: std::borrow::Cow<'static, str>,
}

impl CallRecord {
    /// True for any call after the first of its operation step.
    pub fn is_retry(&self) -> bool {
        self.attempt > 1 || self.provider_try > 1
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitKind {
    /// The SDK's backoff before retrying a throttled or transient error.
    Backoff,
    /// The provider's wait before trying an operation again after the SDK gave up.
    ProviderRetry,
    /// Waiting between DescribeCreateAccountStatus polls.
    Poll,
    /// Account factory: the account is in its OU and being enrolled (Control Tower).
    Provisioning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub start_ms: u64,
    pub end_ms: u64,
    pub kind: WaitKind,
}

/// Why a resource failed, typed from the engine to the reports; [`Failure::as_str`] is the code
/// the reports print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The deployer gave up on the service's error: the AWS error code (printed with a
    /// constraint violation's reason, `ConstraintViolationException:REASON`).
    Api(ErrorCode),
    /// The deployer's setup call (ListRoots) failed with this code, so every resource not yet
    /// done failed with it (printed as the code alone).
    Setup(ErrorCode),
    /// The account's creation ended FAILED, with AWS's reason (`None`: none given, `FAILED`).
    Creation(Option<CreateAccountFailureReason>),
    /// The account's creation status stayed IN_PROGRESS past the deployer's timeout.
    Timeout,
    /// An answer the engine cannot act on (no root, an account without a parent, a SUCCEEDED
    /// status without an account, an answer of the wrong kind).
    InvalidResponse,
    /// A broken invariant of the plan: a resource needs the id of one that has none (never an
    /// empty id sent to the service).
    InvalidPlan,
    /// A live run found the policy under the plan's name with another document.
    PolicyDrift,
    /// The resource names the organization's management account.
    ManagementAccount,
    /// A read of the refresh (or of the data source before it) was given up with this code:
    /// Terraform's "Planning failed", so nothing was created (printed as the code alone).
    Planning(ErrorCode),
}

impl Failure {
    /// The code as the reports print it: the AWS error code, the CreateAccount failure reason,
    /// or orgsim's own name (`Timeout`, `InvalidResponse`, ...).
    pub fn as_str(&self) -> Cow<'_, str> {
        match self {
            Failure::Api(c) => c.report_key_str(),
            Failure::Setup(c) => Cow::Borrowed(c.as_str()),
            Failure::Creation(r) => Cow::Borrowed(r.map_or("FAILED", |r| r.as_str())),
            Failure::Timeout => Cow::Borrowed("Timeout"),
            Failure::InvalidResponse => Cow::Borrowed("InvalidResponse"),
            Failure::InvalidPlan => Cow::Borrowed("InvalidPlan"),
            Failure::PolicyDrift => Cow::Borrowed("PolicyDrift"),
            Failure::ManagementAccount => Cow::Borrowed("ManagementAccount"),
            Failure::Planning(c) => Cow::Borrowed(c.as_str()),
        }
    }

    /// Throttled, a concurrent modification, or a creation timeout: the failures that running
    /// in parallel causes.
    pub(crate) fn is_collision(&self) -> bool {
        match self {
            Failure::Api(c) | Failure::Setup(c) | Failure::Planning(c) => matches!(
                c,
                ErrorCode::TooManyRequestsException | ErrorCode::ConcurrentModificationException
            ),
            Failure::Timeout => true,
            _ => false,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// How a resource ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not terminal yet.
    Pending,
    Created {
        id: SharedStr,
    },
    /// Found already in place (idempotent apply).
    Existing {
        id: SharedStr,
    },
    /// The service refused, or the deployer gave up: why ([`Failure`]), and the message.
    Failed {
        code: Failure,
        message: String,
    },
    /// Not attempted because a resource it depends on failed.
    Skipped {
        cause: usize,
    },
}

impl Outcome {
    pub fn is_terminal(&self) -> bool {
        !matches!(self, Outcome::Pending)
    }
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Created { .. } | Outcome::Existing { .. })
    }
    pub(crate) fn id(&self) -> Option<&str> {
        self.shared_id().map(SharedStr::as_str)
    }
    /// The id, shared (a reference count, not a copy).
    pub(crate) fn shared_id(&self) -> Option<&SharedStr> {
        match self {
            Outcome::Created { id } | Outcome::Existing { id } => Some(id),
            _ => None,
        }
    }
    pub(crate) fn status(&self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Created { .. } => "created",
            Outcome::Existing { .. } => "existing",
            Outcome::Failed { .. } => "failed",
            Outcome::Skipped { .. } => "skipped",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRecord {
    /// When all its dependencies were in place.
    pub ready_ms: Option<u64>,
    /// When it got one of the `parallelism` slots and its first call went out.
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
    pub outcome: Outcome,
    pub waits: Vec<Wait>,
    /// For accounts: the CreateAccount request id and, on failure, AWS's reason.
    pub create_request_id: Option<String>,
    pub failure_reason: Option<CreateAccountFailureReason>,
    /// For accounts: the creation the deployer had accepted and never saw end (it timed out,
    /// or its polling was given up), which the service goes on with: kept in every mode (a
    /// shared id, no copy), for [`Engine::settle_orphans`](crate::engine).
    pub unseen_creation: Option<SharedStr>,
}

impl Default for ResourceRecord {
    fn default() -> Self {
        ResourceRecord {
            ready_ms: None,
            start_ms: None,
            end_ms: None,
            outcome: Outcome::Pending,
            waits: Vec::new(),
            create_request_id: None,
            failure_reason: None,
            unseen_creation: None,
        }
    }
}

/// The counts a sweep needs, kept whether or not each call is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    /// Calls sent.
    pub calls: u64,
    /// Calls after the first of their operation step ([`CallRecord::is_retry`]).
    pub retries: u64,
    /// The calls that failed: (resource, error), in the order they ended.
    pub errors: Vec<(Option<usize>, ErrorCode)>,
}

/// The refresh phase of an apply into an organization that exists: the data source's reads and
/// the refresh of every resource in state, before anything is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RefreshTally {
    /// When its first call went out.
    pub start_ms: u64,
    /// When its last read was answered (or it failed); 0 while it runs.
    pub end_ms: u64,
    /// Calls sent (retries included).
    pub calls: u64,
    /// Calls answered TooManyRequestsException.
    pub throttled: u64,
    /// Reads given up (the apply's "Planning failed"): 0 or 1.
    pub failures: u64,
}

/// Everything the engine did in one deployment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trace {
    /// Every call, in the order sent (empty when the engine kept counts only).
    pub calls: Vec<CallRecord>,
    pub tally: Tally,
    /// When the last answer arrived.
    pub calls_end_ms: u64,
    pub resources: Vec<ResourceRecord>,
    /// When the deployer's own overhead (init/refresh/plan) ended and its first call went out.
    pub first_call_ms: u64,
    /// When the last resource became terminal.
    pub end_ms: u64,
    /// Most resources in flight at once (never above `parallelism`).
    pub max_resources_in_flight: usize,
    /// Most calls in flight at once.
    pub max_calls_in_flight: usize,
    /// Retries refused because the SDK's retry quota was empty.
    pub retry_quota_exhausted: u64,
    /// The refresh phase, when the organization exists and the deployer refreshes.
    pub refresh: Option<RefreshTally>,
    /// The accounts orphaned by this apply: their creation outlived the deployer's wait (a
    /// `Timeout`, or polling given up) and then succeeded, so each exists in the organization,
    /// in the root, but not in the deployer's state. Set when the run's creations are settled
    /// (the simulation; a live run leaves it empty), in plan order.
    pub orphans: Vec<Orphan>,
}

/// An account in the organization that the deployer does not know it made (issue 24's timeout
/// orphan): the next apply creates it again, and fails with `EMAIL_ALREADY_EXISTS`, until it
/// is imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    /// The plan's account resource.
    pub resource: usize,
    /// The id the service gave the account.
    pub account_id: SharedStr,
}

impl Trace {
    /// When the refresh ended, if there was one and it has.
    pub(crate) fn refresh_done_ms(&self) -> Option<u64> {
        self.refresh.filter(|r| r.end_ms > 0).map(|r| r.end_ms)
    }

    /// When the deployment ended: the last resource or call to finish (from time 0, the
    /// deployer's overhead included).
    pub fn makespan_ms(&self) -> u64 {
        self.resources
            .iter()
            .filter_map(|r| r.end_ms)
            .max()
            .unwrap_or(0)
            .max(self.calls_end_ms)
    }

    /// The asynchronous creation time of each account the trace created: from the end of its
    /// successful CreateAccount call to the end of the DescribeCreateAccountStatus poll that saw
    /// it succeed (the resource's last successful poll), in engine ms.
    pub(crate) fn creation_times_ms(&self) -> Vec<u64> {
        // One pass over the calls: each resource's last successful CreateAccount and status
        // poll.
        let mut last = vec![(None, None); self.resources.len()];
        for c in &self.calls {
            let (Some(r), None, Some(end)) = (c.resource, &c.error, c.end_ms) else {
                continue;
            };
            let Some(slot) = last.get_mut(r) else {
                continue;
            };
            match c.op {
                Operation::CreateAccount => slot.0 = slot.0.max(Some(end)),
                Operation::DescribeCreateAccountStatus => slot.1 = slot.1.max(Some(end)),
                _ => {}
            }
        }
        self.resources
            .iter()
            .zip(last)
            .filter(|(r, _)| {
                matches!(r.outcome, Outcome::Created { .. }) && r.create_request_id.is_some()
            })
            .filter_map(|(_, l)| match l {
                (Some(a), Some(s)) => Some(s.saturating_sub(a)),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::types::ConstraintViolationReason as Cv;

    /// The codes the reports print, as they were when the engine made them as strings.
    #[test]
    fn a_failure_prints_the_code_the_reports_always_printed() {
        let cases = [
            (
                Failure::Api(ErrorCode::TooManyRequestsException),
                "TooManyRequestsException",
            ),
            (
                Failure::Api(ErrorCode::ConstraintViolationException(
                    Cv::OuDepthLimitExceeded,
                )),
                "ConstraintViolationException:OU_DEPTH_LIMIT_EXCEEDED",
            ),
            (
                Failure::Api(ErrorCode::Other("RequestDispatchFailure".into())),
                "RequestDispatchFailure",
            ),
            (
                Failure::Setup(ErrorCode::ConstraintViolationException(
                    Cv::OuDepthLimitExceeded,
                )),
                "ConstraintViolationException",
            ),
            (
                Failure::Setup(ErrorCode::ServiceException),
                "ServiceException",
            ),
            (
                Failure::Creation(Some(CreateAccountFailureReason::EmailAlreadyExists)),
                "EMAIL_ALREADY_EXISTS",
            ),
            (Failure::Creation(None), "FAILED"),
            (Failure::Timeout, "Timeout"),
            (Failure::InvalidResponse, "InvalidResponse"),
            (Failure::InvalidPlan, "InvalidPlan"),
            (Failure::PolicyDrift, "PolicyDrift"),
            (Failure::ManagementAccount, "ManagementAccount"),
        ];
        for (f, want) in cases {
            assert_eq!(f.as_str(), want);
            assert_eq!(f.to_string(), want);
        }
    }

    /// The collisions of a parallel run: throttles, concurrent modifications, timeouts.
    #[test]
    fn collisions_are_throttles_conflicts_and_timeouts() {
        assert!(Failure::Api(ErrorCode::TooManyRequestsException).is_collision());
        assert!(Failure::Setup(ErrorCode::ConcurrentModificationException).is_collision());
        assert!(Failure::Timeout.is_collision());
        assert!(!Failure::Api(ErrorCode::ServiceException).is_collision());
        assert!(!Failure::Creation(None).is_collision());
        assert!(!Failure::InvalidPlan.is_collision());
    }
}
