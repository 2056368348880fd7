//! The AWS Organizations API as Rust types: operations, requests, responses and errors.
//!
//! Names and codes are spelled exactly as AWS spells them (`TooManyRequestsException`,
//! `EMAIL_ALREADY_EXISTS`, ...), so that a report cannot tell which backend produced an error.
//! Every backend (the in-memory model, the SDK adapter, the mocks) speaks these types.

use std::collections::BTreeMap;
use std::fmt;

/// One Organizations API operation. The string forms are the AWS action names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operation {
    ListRoots,
    CreateOrganizationalUnit,
    CreatePolicy,
    AttachPolicy,
    DetachPolicy,
    CreateAccount,
    DescribeCreateAccountStatus,
    MoveAccount,
    TagResource,
    UntagResource,
    ListParents,
    ListAccountsForParent,
    ListOrganizationalUnitsForParent,
    ListAccounts,
    ListPolicies,
    ListPoliciesForTarget,
    ListTagsForResource,
    DescribeAccount,
    DescribeOrganizationalUnit,
    DescribePolicy,
    ListTargetsForPolicy,
}

impl Operation {
    pub const ALL: [Operation; 21] = [
        Operation::ListRoots,
        Operation::CreateOrganizationalUnit,
        Operation::CreatePolicy,
        Operation::AttachPolicy,
        Operation::DetachPolicy,
        Operation::CreateAccount,
        Operation::DescribeCreateAccountStatus,
        Operation::MoveAccount,
        Operation::TagResource,
        Operation::UntagResource,
        Operation::ListParents,
        Operation::ListAccountsForParent,
        Operation::ListOrganizationalUnitsForParent,
        Operation::ListAccounts,
        Operation::ListPolicies,
        Operation::ListPoliciesForTarget,
        Operation::ListTagsForResource,
        Operation::DescribeAccount,
        Operation::DescribeOrganizationalUnit,
        Operation::DescribePolicy,
        Operation::ListTargetsForPolicy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Operation::ListRoots => "ListRoots",
            Operation::CreateOrganizationalUnit => "CreateOrganizationalUnit",
            Operation::CreatePolicy => "CreatePolicy",
            Operation::AttachPolicy => "AttachPolicy",
            Operation::DetachPolicy => "DetachPolicy",
            Operation::CreateAccount => "CreateAccount",
            Operation::DescribeCreateAccountStatus => "DescribeCreateAccountStatus",
            Operation::MoveAccount => "MoveAccount",
            Operation::TagResource => "TagResource",
            Operation::UntagResource => "UntagResource",
            Operation::ListParents => "ListParents",
            Operation::ListAccountsForParent => "ListAccountsForParent",
            Operation::ListOrganizationalUnitsForParent => "ListOrganizationalUnitsForParent",
            Operation::ListAccounts => "ListAccounts",
            Operation::ListPolicies => "ListPolicies",
            Operation::ListPoliciesForTarget => "ListPoliciesForTarget",
            Operation::ListTagsForResource => "ListTagsForResource",
            Operation::DescribeAccount => "DescribeAccount",
            Operation::DescribeOrganizationalUnit => "DescribeOrganizationalUnit",
            Operation::DescribePolicy => "DescribePolicy",
            Operation::ListTargetsForPolicy => "ListTargetsForPolicy",
        }
    }

    pub fn parse(s: &str) -> Option<Operation> {
        Operation::ALL.iter().copied().find(|o| o.as_str() == s)
    }

    /// Operations that change the organization (as opposed to reads).
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Operation::CreateOrganizationalUnit
                | Operation::CreatePolicy
                | Operation::AttachPolicy
                | Operation::DetachPolicy
                | Operation::CreateAccount
                | Operation::MoveAccount
                | Operation::TagResource
                | Operation::UntagResource
        )
    }

    /// A dense index, for per-operation tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub type Tags = BTreeMap<String, String>;

/// A request to the Organizations service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    ListRoots,
    CreateOrganizationalUnit {
        parent_id: String,
        name: String,
        tags: Tags,
    },
    CreatePolicy {
        name: String,
        description: String,
        content: String,
        tags: Tags,
    },
    AttachPolicy {
        policy_id: String,
        target_id: String,
    },
    DetachPolicy {
        policy_id: String,
        target_id: String,
    },
    CreateAccount {
        email: String,
        account_name: String,
        tags: Tags,
    },
    DescribeCreateAccountStatus {
        create_account_request_id: String,
    },
    MoveAccount {
        account_id: String,
        source_parent_id: String,
        destination_parent_id: String,
    },
    TagResource {
        resource_id: String,
        tags: Tags,
    },
    UntagResource {
        resource_id: String,
        tag_keys: Vec<String>,
    },
    ListParents {
        child_id: String,
    },
    ListAccountsForParent {
        parent_id: String,
    },
    ListOrganizationalUnitsForParent {
        parent_id: String,
    },
    ListAccounts,
    /// Service control policies only (the filter `SERVICE_CONTROL_POLICY`).
    ListPolicies,
    ListPoliciesForTarget {
        target_id: String,
    },
    ListTagsForResource {
        resource_id: String,
    },
    DescribeAccount {
        account_id: String,
    },
    DescribeOrganizationalUnit {
        organizational_unit_id: String,
    },
    DescribePolicy {
        policy_id: String,
    },
    /// The roots, OUs and accounts a policy is attached to, in attachment order.
    ListTargetsForPolicy {
        policy_id: String,
    },
}

impl Request {
    pub fn operation(&self) -> Operation {
        match self {
            Request::ListRoots => Operation::ListRoots,
            Request::CreateOrganizationalUnit { .. } => Operation::CreateOrganizationalUnit,
            Request::CreatePolicy { .. } => Operation::CreatePolicy,
            Request::AttachPolicy { .. } => Operation::AttachPolicy,
            Request::DetachPolicy { .. } => Operation::DetachPolicy,
            Request::CreateAccount { .. } => Operation::CreateAccount,
            Request::DescribeCreateAccountStatus { .. } => Operation::DescribeCreateAccountStatus,
            Request::MoveAccount { .. } => Operation::MoveAccount,
            Request::TagResource { .. } => Operation::TagResource,
            Request::UntagResource { .. } => Operation::UntagResource,
            Request::ListParents { .. } => Operation::ListParents,
            Request::ListAccountsForParent { .. } => Operation::ListAccountsForParent,
            Request::ListOrganizationalUnitsForParent { .. } => {
                Operation::ListOrganizationalUnitsForParent
            }
            Request::ListAccounts => Operation::ListAccounts,
            Request::ListPolicies => Operation::ListPolicies,
            Request::ListPoliciesForTarget { .. } => Operation::ListPoliciesForTarget,
            Request::ListTagsForResource { .. } => Operation::ListTagsForResource,
            Request::DescribeAccount { .. } => Operation::DescribeAccount,
            Request::DescribeOrganizationalUnit { .. } => Operation::DescribeOrganizationalUnit,
            Request::DescribePolicy { .. } => Operation::DescribePolicy,
            Request::ListTargetsForPolicy { .. } => Operation::ListTargetsForPolicy,
        }
    }
}

/// `CreateAccountStatus.State`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateAccountState {
    InProgress,
    Succeeded,
    Failed,
}

impl CreateAccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            CreateAccountState::InProgress => "IN_PROGRESS",
            CreateAccountState::Succeeded => "SUCCEEDED",
            CreateAccountState::Failed => "FAILED",
        }
    }
}

/// `CreateAccountStatus`: what CreateAccount and DescribeCreateAccountStatus return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateAccountStatus {
    /// `car-` followed by 8 to 32 lowercase letters or digits.
    pub id: String,
    pub account_name: String,
    pub state: CreateAccountState,
    /// Set when `state` is `Succeeded`.
    pub account_id: Option<String>,
    /// Set when `state` is `Failed`.
    pub failure_reason: Option<CreateAccountFailureReason>,
}

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
    pub const ALL: [CreateAccountFailureReason; 15] = [
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

    pub fn as_str(self) -> &'static str {
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
    pub fn as_str(&self) -> &str {
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
    pub fn as_str(&self) -> &str {
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
        use ErrorCode::*;
        let known = [
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
        ];
        if s == "ConstraintViolationException" {
            return ConstraintViolationException(ConstraintViolationReason::Other(
                "UNKNOWN".into(),
            ));
        }
        known
            .into_iter()
            .find(|c| c.as_str() == s)
            .unwrap_or_else(|| Other(s.to_string()))
    }

    /// The code as reports count it: a constraint violation is counted under its reason
    /// (`ConstraintViolationException:OU_DEPTH_LIMIT_EXCEEDED`) so that quota hits are visible.
    pub fn report_key(&self) -> String {
        match self {
            ErrorCode::ConstraintViolationException(r) => {
                format!("ConstraintViolationException:{}", r.as_str())
            }
            other => other.as_str().to_string(),
        }
    }

    /// Errors the AWS SDK's standard retry mode retries (throttling and transient errors).
    pub fn is_sdk_retryable(&self) -> bool {
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
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub id: String,
    pub arn: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationalUnit {
    pub id: String,
    pub arn: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySummary {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub aws_managed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub email: String,
    /// `ACTIVE` for every account the simulator creates.
    pub status: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentType {
    Root,
    OrganizationalUnit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parent {
    pub id: String,
    pub kind: ParentType,
}

/// `PolicyTargetSummary.Type`: what a policy is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Root,
    OrganizationalUnit,
    Account,
}

impl TargetKind {
    /// As AWS spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Root => "ROOT",
            TargetKind::OrganizationalUnit => "ORGANIZATIONAL_UNIT",
            TargetKind::Account => "ACCOUNT",
        }
    }
}

/// `PolicyTargetSummary`: one entry of a ListTargetsForPolicy answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyTarget {
    pub target_id: String,
    pub name: String,
    pub kind: TargetKind,
}

/// A successful answer from the service. Variants follow the operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Roots(Vec<Root>),
    OrganizationalUnit(OrganizationalUnit),
    Policy(PolicySummary),
    /// AttachPolicy, DetachPolicy, MoveAccount, TagResource, UntagResource: no output.
    Empty,
    CreateAccountStatus(CreateAccountStatus),
    Parents(Vec<Parent>),
    Accounts(Vec<Account>),
    OrganizationalUnits(Vec<OrganizationalUnit>),
    Policies(Vec<PolicySummary>),
    Tags(Tags),
    Account(Account),
    /// ListTargetsForPolicy.
    PolicyTargets(Vec<PolicyTarget>),
}

impl Response {
    /// How many items a List response holds (`None` for other responses).
    pub fn list_len(&self) -> Option<usize> {
        match self {
            Response::Roots(v) => Some(v.len()),
            Response::Parents(v) => Some(v.len()),
            Response::Accounts(v) => Some(v.len()),
            Response::OrganizationalUnits(v) => Some(v.len()),
            Response::Policies(v) => Some(v.len()),
            Response::Tags(t) => Some(t.len()),
            Response::PolicyTargets(v) => Some(v.len()),
            _ => None,
        }
    }
}

pub type ApiResult = Result<Response, ApiError>;

/// A backend-neutral picture of an organization, for validation and comparison across backends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgSnapshot {
    pub root_id: String,
    pub management_account_id: String,
    pub ous: Vec<OuNode>,
    pub accounts: Vec<AccountNode>,
    pub policies: Vec<PolicySummary>,
    /// (policy id, target id) pairs, the FullAWSAccess ones included.
    pub attachments: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OuNode {
    pub id: String,
    pub name: String,
    pub parent_id: String,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNode {
    pub id: String,
    pub name: String,
    pub email: String,
    pub parent_id: String,
    pub tags: Tags,
}

impl OrgSnapshot {
    pub fn ou(&self, id: &str) -> Option<&OuNode> {
        self.ous.iter().find(|o| o.id == id)
    }

    pub fn policy(&self, id: &str) -> Option<&PolicySummary> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The ids from `target` up to the root, `target` first.
    pub fn ancestry(&self, target: &str) -> Vec<String> {
        let mut out = vec![target.to_string()];
        let mut cur = self
            .accounts
            .iter()
            .find(|a| a.id == target)
            .map(|a| a.parent_id.clone())
            .or_else(|| self.ou(target).map(|o| o.parent_id.clone()));
        while let Some(id) = cur {
            if out.contains(&id) {
                break;
            }
            out.push(id.clone());
            cur = self.ou(&id).map(|o| o.parent_id.clone());
        }
        out
    }

    /// Names of the policies that apply to `target`: attached to it or to any ancestor.
    pub fn effective_policy_names(&self, target: &str) -> Vec<String> {
        let chain = self.ancestry(target);
        let mut names: Vec<String> = self
            .attachments
            .iter()
            .filter(|(_, t)| chain.contains(t))
            .filter_map(|(p, _)| self.policy(p).map(|p| p.name.clone()))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Depth of an OU below the root (a child of the root has depth 1).
    pub fn ou_depth(&self, id: &str) -> usize {
        self.ancestry(id).len().saturating_sub(1)
    }
}
