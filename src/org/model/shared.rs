//! What the children of `org::model` share: the answer type, the fixed ids and messages of
//! the simulated service, and the error helpers.

use crate::org::types::{ApiError, ApiResult, ConstraintViolationReason as Cv, ErrorCode};

/// What the service answers to one request, and how long the call takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Time from the request's arrival to the answer's delivery (ms).
    pub latency_ms: u64,
    pub result: ApiResult,
}

/// The id of the AWS-managed SCP attached to every root, OU and account.
pub(crate) const FULL_AWS_ACCESS_ID: &str = "p-FullAWSAccess";
/// Its name.
pub(crate) const FULL_AWS_ACCESS_NAME: &str = "FullAWSAccess";
/// FullAWSAccess's place in the model's policies: the first.
pub(super) const FULL_ACCESS_AT: usize = 0;
/// The simulated organization's root id.
pub(crate) const ROOT_ID: &str = "r-sim1";
/// What the model's OU ids start with (then 8 digits).
pub(super) const OU_ID_PREFIX: &str = "ou-sim1-";

/// The simulated organization's id.
pub(crate) const ORG_ID: &str = "o-sim0000001";
/// The simulated management account's email.
pub(crate) const MANAGEMENT_EMAIL: &str = "management@orgsim.invalid";

/// The message of a throttled call (token bucket empty).
pub(crate) const MSG_RATE_EXCEEDED: &str = "Rate exceeded";
/// The message of a CreateAccount refused because too many creations are in progress.
pub const MSG_IN_PROGRESS: &str = "AWS Organizations can't complete your request because another request is already in progress. Try again later.";
/// The message of a ConcurrentModificationException.
pub(crate) const MSG_CONCURRENT: &str = "AWS Organizations can't complete your request because it conflicts with another attempt to modify the same entity. Try again later.";
pub(super) const MSG_INTERNAL: &str = "AWS Organizations can't complete your request because of an internal service error. Try again later.";
pub(super) const MSG_INVALID_INPUT: &str = "The requested operation failed because you provided invalid values for one or more of the request parameters.";

/// One token, in the integer units the buckets count in.
pub(super) const TOKEN: u64 = 1_000_000_000;
pub(super) const DAY_MS: u64 = 86_400_000;

pub(super) fn err(code: ErrorCode, msg: impl Into<std::borrow::Cow<'static, str>>) -> ApiResult {
    Err(ApiError::new(code, msg))
}

pub(super) fn cv_message(reason: &Cv) -> String {
    format!(
        "You can't perform the operation because it would violate a constraint: {}.",
        reason.as_str()
    )
}

pub(super) fn cv(reason: Cv) -> ApiResult {
    let msg = cv_message(&reason);
    err(ErrorCode::ConstraintViolationException(reason), msg)
}

pub(super) fn secs_to_ms(s: f64) -> u64 {
    (s * 1000.0).round().max(0.0) as u64
}
