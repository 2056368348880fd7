//! The Organizations API's errors, spelled as AWS spells them: error codes, the reasons of a
//! `ConstraintViolationException`, the failure reasons of an account creation.

use std::borrow::Cow;
use std::fmt;

/// The 15 values of the SDK enum `CreateAccountFailureReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CreateAccountFailureReason {
    AccountLimitExceeded,
    ConcurrentAccountModification,
    EmailAlreadyExists,
    FailedBusinessValidation,
    GovcloudAccountAlreadyExists,
    InternalFailure,
    InvalidAddress,
    InvalidEmail,
    InvalidIdentityForBusinessValidation,
    InvalidPaymentInstrument,
    MissingBusinessValidation,
    MissingPaymentInstrument,
    PendingBusinessValidation,
    UnknownBusinessValidation,
    UpdateExistingResourcePolicyWithTagsNotSupported,
}

impl CreateAccountFailureReason {
    pub(crate) const ALL: [CreateAccountFailureReason; 15] = [
        CreateAccountFailureReason::AccountLimitExceeded,
        CreateAccountFailureReason::ConcurrentAccountModification,
        CreateAccountFailureReason::EmailAlreadyExists,
        CreateAccountFailureReason::FailedBusinessValidation,
        CreateAccountFailureReason::GovcloudAccountAlreadyExists,
        CreateAccountFailureReason::InternalFailure,
        CreateAccountFailureReason::InvalidAddress,
        CreateAccountFailureReason::InvalidEmail,
        CreateAccountFailureReason::InvalidIdentityForBusinessValidation,
        CreateAccountFailureReason::InvalidPaymentInstrument,
        CreateAccountFailureReason::MissingBusinessValidation,
        CreateAccountFailureReason::MissingPaymentInstrument,
        CreateAccountFailureReason::PendingBusinessValidation,
        CreateAccountFailureReason::UnknownBusinessValidation,
        CreateAccountFailureReason::UpdateExistingResourcePolicyWithTagsNotSupported,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        use CreateAccountFailureReason::*;
        match self {
            AccountLimitExceeded => "ACCOUNT_LIMIT_EXCEEDED",
            ConcurrentAccountModification => "CONCURRENT_ACCOUNT_MODIFICATION",
            EmailAlreadyExists => "EMAIL_ALREADY_EXISTS",
            FailedBusinessValidation => "FAILED_BUSINESS_VALIDATION",
            GovcloudAccountAlreadyExists => "GOVCLOUD_ACCOUNT_ALREADY_EXISTS",
            InternalFailure => "INTERNAL_FAILURE",
            InvalidAddress => "INVALID_ADDRESS",
            InvalidEmail => "INVALID_EMAIL",
            InvalidIdentityForBusinessValidation => "INVALID_IDENTITY_FOR_BUSINESS_VALIDATION",
            InvalidPaymentInstrument => "INVALID_PAYMENT_INSTRUMENT",
            MissingBusinessValidation => "MISSING_BUSINESS_VALIDATION",
            MissingPaymentInstrument => "MISSING_PAYMENT_INSTRUMENT",
            PendingBusinessValidation => "PENDING_BUSINESS_VALIDATION",
            UnknownBusinessValidation => "UNKNOWN_BUSINESS_VALIDATION",
            UpdateExistingResourcePolicyWithTagsNotSupported => {
                "UPDATE_EXISTING_RESOURCE_POLICY_WITH_TAGS_NOT_SUPPORTED"
            }
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.as_str() == s)
    }
}

/// The `Reason` of a `ConstraintViolationException` (the ones the simulator raises; the SDK
/// enum has 34, anything else arrives as `Other`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConstraintViolationReason {
    AccountNumberLimitExceeded,
    AccountCreationRateLimitExceeded,
    OuDepthLimitExceeded,
    OuNumberLimitExceeded,
    MaxPolicyTypeAttachmentLimitExceeded,
    MinPolicyTypeAttachmentLimitExceeded,
    PolicyContentLimitExceeded,
    PolicyNumberLimitExceeded,
    MaxTagLimitExceeded,
    Other(String),
}

impl ConstraintViolationReason {
    pub(crate) fn as_str(&self) -> &str {
        use ConstraintViolationReason::*;
        match self {
            AccountNumberLimitExceeded => "ACCOUNT_NUMBER_LIMIT_EXCEEDED",
            AccountCreationRateLimitExceeded => "ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED",
            OuDepthLimitExceeded => "OU_DEPTH_LIMIT_EXCEEDED",
            OuNumberLimitExceeded => "OU_NUMBER_LIMIT_EXCEEDED",
            MaxPolicyTypeAttachmentLimitExceeded => "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            MinPolicyTypeAttachmentLimitExceeded => "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            PolicyContentLimitExceeded => "POLICY_CONTENT_LIMIT_EXCEEDED",
            PolicyNumberLimitExceeded => "POLICY_NUMBER_LIMIT_EXCEEDED",
            MaxTagLimitExceeded => "MAX_TAG_LIMIT_EXCEEDED",
            Other(s) => s,
        }
    }

    /// The reasons the simulator raises, as AWS spells them (every variant but `Other`).
    pub(crate) const KNOWN: [&'static str; 9] = [
        "ACCOUNT_NUMBER_LIMIT_EXCEEDED",
        "ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED",
        "OU_DEPTH_LIMIT_EXCEEDED",
        "OU_NUMBER_LIMIT_EXCEEDED",
        "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
        "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
        "POLICY_CONTENT_LIMIT_EXCEEDED",
        "POLICY_NUMBER_LIMIT_EXCEEDED",
        "MAX_TAG_LIMIT_EXCEEDED",
    ];

    pub fn parse(s: &str) -> Self {
        use ConstraintViolationReason::*;
        match s {
            "ACCOUNT_NUMBER_LIMIT_EXCEEDED" => AccountNumberLimitExceeded,
            "ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED" => AccountCreationRateLimitExceeded,
            "OU_DEPTH_LIMIT_EXCEEDED" => OuDepthLimitExceeded,
            "OU_NUMBER_LIMIT_EXCEEDED" => OuNumberLimitExceeded,
            "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED" => MaxPolicyTypeAttachmentLimitExceeded,
            "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED" => MinPolicyTypeAttachmentLimitExceeded,
            "POLICY_CONTENT_LIMIT_EXCEEDED" => PolicyContentLimitExceeded,
            "POLICY_NUMBER_LIMIT_EXCEEDED" => PolicyNumberLimitExceeded,
            "MAX_TAG_LIMIT_EXCEEDED" => MaxTagLimitExceeded,
            other => Other(other.to_string()),
        }
    }
}

/// An Organizations error code, as AWS spells it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorCode {
    TooManyRequestsException,
    ConcurrentModificationException,
    DuplicateOrganizationalUnitException,
    DuplicatePolicyException,
    DuplicatePolicyAttachmentException,
    DuplicateAccountException,
    ConstraintViolationException(ConstraintViolationReason),
    AccountNotFoundException,
    CreateAccountStatusNotFoundException,
    ParentNotFoundException,
    SourceParentNotFoundException,
    DestinationParentNotFoundException,
    OrganizationalUnitNotFoundException,
    PolicyNotFoundException,
    PolicyNotAttachedException,
    TargetNotFoundException,
    InvalidInputException,
    MalformedPolicyDocumentException,
    FinalizingOrganizationException,
    PolicyChangesInProgressException,
    AccessDeniedException,
    ServiceException,
    /// Any other code a real endpoint returned.
    Other(String),
}

impl ErrorCode {
    pub(crate) fn as_str(&self) -> &str {
        use ErrorCode::*;
        match self {
            TooManyRequestsException => "TooManyRequestsException",
            ConcurrentModificationException => "ConcurrentModificationException",
            DuplicateOrganizationalUnitException => "DuplicateOrganizationalUnitException",
            DuplicatePolicyException => "DuplicatePolicyException",
            DuplicatePolicyAttachmentException => "DuplicatePolicyAttachmentException",
            DuplicateAccountException => "DuplicateAccountException",
            ConstraintViolationException(_) => "ConstraintViolationException",
            AccountNotFoundException => "AccountNotFoundException",
            CreateAccountStatusNotFoundException => "CreateAccountStatusNotFoundException",
            ParentNotFoundException => "ParentNotFoundException",
            SourceParentNotFoundException => "SourceParentNotFoundException",
            DestinationParentNotFoundException => "DestinationParentNotFoundException",
            OrganizationalUnitNotFoundException => "OrganizationalUnitNotFoundException",
            PolicyNotFoundException => "PolicyNotFoundException",
            PolicyNotAttachedException => "PolicyNotAttachedException",
            TargetNotFoundException => "TargetNotFoundException",
            InvalidInputException => "InvalidInputException",
            MalformedPolicyDocumentException => "MalformedPolicyDocumentException",
            FinalizingOrganizationException => "FinalizingOrganizationException",
            PolicyChangesInProgressException => "PolicyChangesInProgressException",
            AccessDeniedException => "AccessDeniedException",
            ServiceException => "ServiceException",
            Other(s) => s,
        }
    }

    /// The code for a string AWS sent (anything unknown is `Other`).
    pub fn parse(s: &str) -> ErrorCode {
        if s == "ConstraintViolationException" {
            return ErrorCode::ConstraintViolationException(ConstraintViolationReason::Other(
                "UNKNOWN".into(),
            ));
        }
        Self::known()
            .into_iter()
            .find(|c| c.as_str() == s)
            .unwrap_or_else(|| ErrorCode::Other(s.to_string()))
    }

    /// The codes orgsim knows by name, but `ConstraintViolationException` (which has a reason)
    /// and `Other`.
    pub(crate) fn known() -> [ErrorCode; 21] {
        use ErrorCode::*;
        [
            TooManyRequestsException,
            ConcurrentModificationException,
            DuplicateOrganizationalUnitException,
            DuplicatePolicyException,
            DuplicatePolicyAttachmentException,
            DuplicateAccountException,
            AccountNotFoundException,
            CreateAccountStatusNotFoundException,
            ParentNotFoundException,
            SourceParentNotFoundException,
            DestinationParentNotFoundException,
            OrganizationalUnitNotFoundException,
            PolicyNotFoundException,
            PolicyNotAttachedException,
            TargetNotFoundException,
            InvalidInputException,
            MalformedPolicyDocumentException,
            FinalizingOrganizationException,
            PolicyChangesInProgressException,
            AccessDeniedException,
            ServiceException,
        ]
    }

    /// The code as reports count it: a constraint violation is counted under its reason
    /// (`ConstraintViolationException:OU_DEPTH_LIMIT_EXCEEDED`) so that quota hits are visible.
    pub fn report_key(&self) -> String {
        self.report_key_str().into_owned()
    }

    /// [`ErrorCode::report_key`], borrowed when it is the code's own text (all but constraint
    /// violations): what a sweep's per-replication count needs without an allocation.
    pub(crate) fn report_key_str(&self) -> Cow<'_, str> {
        match self {
            ErrorCode::ConstraintViolationException(r) => {
                format!("ConstraintViolationException:{}", r.as_str()).into()
            }
            other => other.as_str().into(),
        }
    }

    /// Errors the AWS SDK's standard retry mode retries (throttling and transient errors).
    pub(crate) fn is_sdk_retryable(&self) -> bool {
        matches!(
            self,
            ErrorCode::TooManyRequestsException | ErrorCode::ServiceException
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorCode::ConstraintViolationException(r) => {
                write!(f, "ConstraintViolationException ({})", r.as_str())
            }
            other => f.write_str(other.as_str()),
        }
    }
}

/// An error answer from the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    /// The service's message: most are fixed texts, borrowed rather than copied per answer.
    pub message: Cow<'static, str>,
}

impl ApiError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}
