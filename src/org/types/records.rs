//! The records the service's answers carry ([`Account`], [`OrganizationalUnit`],
//! [`PolicySummary`], [`CreateAccountStatus`], ...).

use super::values::SharedStr;
use crate::org::errors::CreateAccountFailureReason;

/// `CreateAccountStatus.State`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateAccountState {
    InProgress,
    Succeeded,
    Failed,
}

impl CreateAccountState {
    pub(crate) fn as_str(self) -> &'static str {
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
    pub id: SharedStr,
    pub account_name: SharedStr,
    pub state: CreateAccountState,
    /// Set when `state` is `Succeeded`.
    pub account_id: Option<SharedStr>,
    /// Set when `state` is `Failed`.
    pub failure_reason: Option<CreateAccountFailureReason>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub id: SharedStr,
    pub arn: SharedStr,
    pub name: SharedStr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationalUnit {
    pub id: SharedStr,
    pub arn: SharedStr,
    pub name: SharedStr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySummary {
    pub id: SharedStr,
    pub arn: SharedStr,
    pub name: SharedStr,
    pub aws_managed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: SharedStr,
    pub arn: SharedStr,
    pub name: SharedStr,
    pub email: SharedStr,
    /// `ACTIVE` for every account the simulator creates.
    pub status: SharedStr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentType {
    Root,
    OrganizationalUnit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parent {
    pub id: SharedStr,
    pub kind: ParentType,
}

/// `ListChildren`'s `ChildType`: what a child is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildType {
    Account,
    OrganizationalUnit,
}

impl ChildType {
    /// As AWS spells it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ChildType::Account => "ACCOUNT",
            ChildType::OrganizationalUnit => "ORGANIZATIONAL_UNIT",
        }
    }

    /// From AWS's spelling.
    pub fn parse(s: &str) -> Option<ChildType> {
        match s {
            "ACCOUNT" => Some(ChildType::Account),
            "ORGANIZATIONAL_UNIT" => Some(ChildType::OrganizationalUnit),
            _ => None,
        }
    }
}

/// One entry of a ListChildren answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    pub id: SharedStr,
    pub kind: ChildType,
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
    pub(crate) fn as_str(self) -> &'static str {
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
    pub target_id: SharedStr,
    pub name: SharedStr,
    pub kind: TargetKind,
}
