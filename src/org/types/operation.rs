//! The operations and their messages: the operation table (one row per AWS operation, from
//! which [`Operation`] and [`Request`] are made), [`Response`] (one variant per shape of
//! answer), and [`OpSet`], a set of operations.

use std::fmt;

use super::records::{
    Account, Child, ChildType, CreateAccountStatus, OrganizationalUnit, Parent, PolicySummary,
    PolicyTarget, Root,
};
use super::values::{SharedStr, Tags};
use crate::org::errors::ApiError;

/// Whether an operation changes the organization or only reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
}

/// An operation's default latency: its access's range (`[service] read_latency` or
/// `write_latency`), or a range of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultLatency {
    /// `[service] read_latency` for a read, `write_latency` for a write.
    ByAccess,
    /// Uniform between these, in milliseconds (a scenario's `[service.latency]` still wins).
    Ms { min_ms: u64, max_ms: u64 },
}

/// The latency of every operation that has no range of its own (see [`DefaultLatency`]).
const BY_ACCESS: DefaultLatency = DefaultLatency::ByAccess;

/// One row of the operation table: what orgsim knows of an operation besides its request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OperationInfo {
    /// The AWS action name.
    pub name: &'static str,
    pub access: Access,
    /// The documented throttle: tokens per second refilled.
    pub rate: f64,
    /// The documented throttle: tokens held at most.
    pub burst: f64,
    pub latency: DefaultLatency,
}

/// The operation table: one row per operation, from which [`Operation`] (its variants,
/// [`Operation::ALL`], `as_str`, `is_write`, [`Operation::info`]), [`Request`] (one variant per
/// operation, with the row's fields) and [`Request::operation`] are made. The throttle is the
/// "Throttling limits" section of the Organizations quotas page (`docs/model.md`); an operation
/// that table does not list is marked so. Adding an operation: ARCHITECTURE.md, "How to add".
///
/// A row: `Name { request fields }: Read|Write, throttle(rate, burst), latency(L);` with
/// `L` either `BY_ACCESS` or `DefaultLatency::Ms { .. }`; doc comments go to the request variant.
macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        $name:ident $({ $($field:ident : $fty:ty),* $(,)? })?
            : $access:ident, throttle($rate:literal, $burst:literal), latency($lat:expr);
    )*) => {
        /// One Organizations API operation. The string forms are the AWS action names.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Operation {
            $($name,)*
        }

        impl Operation {
            /// How many operations there are.
            pub const COUNT: usize = [$(stringify!($name)),*].len();

            /// Every operation, in table order (`ALL[op.index()] == op`).
            pub const ALL: [Operation; Operation::COUNT] = [$(Operation::$name),*];

            /// The table's rows, by [`Operation::index`].
            const TABLE: [OperationInfo; Operation::COUNT] = [$(OperationInfo {
                name: stringify!($name),
                access: Access::$access,
                rate: $rate,
                burst: $burst,
                latency: $lat,
            }),*];
        }

        /// A request to the Organizations service: one variant per operation.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Request {
            $(
                $(#[$doc])*
                $name $({ $($field: $fty),* })?,
            )*
        }

        impl Request {
            pub fn operation(&self) -> Operation {
                match self {
                    $(Request::$name { .. } => Operation::$name,)*
                }
            }
        }
    };
}

operations! {
    ListRoots: Read, throttle(1.0, 2.0), latency(BY_ACCESS);
    CreateOrganizationalUnit { parent_id: SharedStr, name: SharedStr, tags: Tags }
        : Write, throttle(1.0, 2.0), latency(BY_ACCESS);
    CreatePolicy { name: SharedStr, description: SharedStr, content: SharedStr, tags: Tags }
        : Write, throttle(2.0, 3.0), latency(BY_ACCESS);
    AttachPolicy { policy_id: SharedStr, target_id: SharedStr }
        : Write, throttle(2.0, 3.0), latency(BY_ACCESS);
    DetachPolicy { policy_id: SharedStr, target_id: SharedStr }
        : Write, throttle(2.0, 3.0), latency(BY_ACCESS);
    CreateAccount { email: SharedStr, account_name: SharedStr, tags: Tags }
        : Write, throttle(0.1, 3.0), latency(BY_ACCESS);
    DescribeCreateAccountStatus { create_account_request_id: SharedStr }
        : Read, throttle(2.0, 2.0), latency(BY_ACCESS);
    MoveAccount {
        account_id: SharedStr,
        source_parent_id: SharedStr,
        destination_parent_id: SharedStr,
    } : Write, throttle(2.0, 3.0), latency(BY_ACCESS);
    TagResource { resource_id: SharedStr, tags: Tags }
        : Write, throttle(4.0, 6.0), latency(BY_ACCESS);
    UntagResource { resource_id: SharedStr, tag_keys: Vec<String> }
        : Write, throttle(4.0, 6.0), latency(BY_ACCESS);
    ListParents { child_id: SharedStr }: Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    ListAccountsForParent { parent_id: SharedStr }
        : Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    ListOrganizationalUnitsForParent { parent_id: SharedStr }
        : Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    ListAccounts: Read, throttle(8.0, 12.0), latency(BY_ACCESS);
    // Not in the published table, from here to the end but DescribeAccount: treated like the
    // other list calls (the Describe calls too).
    /// Service control policies only (the filter `SERVICE_CONTROL_POLICY`).
    ListPolicies: Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    ListPoliciesForTarget { target_id: SharedStr }
        : Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    ListTagsForResource { resource_id: SharedStr }
        : Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    DescribeAccount { account_id: SharedStr }: Read, throttle(20.0, 30.0), latency(BY_ACCESS);
    DescribeOrganizationalUnit { organizational_unit_id: SharedStr }
        : Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    DescribePolicy { policy_id: SharedStr }: Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    /// The roots, OUs and accounts a policy is attached to, in attachment order.
    ListTargetsForPolicy { policy_id: SharedStr }
        : Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    /// The account creation requests IN_PROGRESS or SUCCEEDED (the states a live run asks
    /// for before it creates an account, so that a creation in flight is not made twice).
    ListCreateAccountStatus: Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    // Not used by the simulated deployers: what Terraform calls when a tier's OU or policy
    // changes in place. Not in the published table: treated like the other policy writes.
    /// Renames an OU (`Name` is optional in AWS's request; without it nothing changes).
    UpdateOrganizationalUnit { organizational_unit_id: SharedStr, name: Option<SharedStr> }
        : Write, throttle(2.0, 3.0), latency(BY_ACCESS);
    /// Changes a policy's name or document (the description is the server's: serve keeps it).
    UpdatePolicy { policy_id: SharedStr, name: Option<SharedStr>, content: Option<SharedStr> }
        : Write, throttle(2.0, 3.0), latency(BY_ACCESS);
    /// Deletes an OU with no accounts and no OUs in it (Terraform's destroy of an OU).
    DeleteOrganizationalUnit { organizational_unit_id: SharedStr }
        : Write, throttle(2.0, 3.0), latency(BY_ACCESS);
    /// Deletes a customer-managed policy attached to nothing (Terraform's destroy of a policy).
    DeletePolicy { policy_id: SharedStr }: Write, throttle(2.0, 3.0), latency(BY_ACCESS);
    // Not used by the simulated deployers either: what the AWS CLI, boto3 scripts and
    // Terraform's destroy of an account call. Not in the published table: a read like the
    // other lists, the writes like the other policy writes.
    /// The accounts or the OUs directly under a root or an OU.
    ListChildren { parent_id: SharedStr, child_type: ChildType }
        : Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    /// Enables a policy type in the root (the model holds SCPs only, enabled from the start).
    EnablePolicyType { root_id: SharedStr, policy_type: SharedStr }
        : Write, throttle(2.0, 3.0), latency(BY_ACCESS);
    /// A member account leaves the organization (Terraform's destroy of an account).
    RemoveAccountFromOrganization { account_id: SharedStr }
        : Write, throttle(2.0, 3.0), latency(BY_ACCESS);
    /// Closes a member account: it stays in the organization, SUSPENDED.
    CloseAccount { account_id: SharedStr }: Write, throttle(2.0, 3.0), latency(BY_ACCESS);
}

impl Operation {
    /// The operation's row of the table.
    pub(crate) fn info(self) -> &'static OperationInfo {
        &Operation::TABLE[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    pub fn parse(s: &str) -> Option<Operation> {
        Operation::ALL.iter().copied().find(|o| o.as_str() == s)
    }

    /// Operations that change the organization (as opposed to reads).
    pub fn is_write(self) -> bool {
        self.info().access == Access::Write
    }

    /// A dense index, for per-operation tables: `0..Operation::COUNT`.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of operations: one bit per row of the table, as many words as the table needs (no
/// limit on the number of operations; no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct OpSet([u64; OpSet::WORDS]);

impl OpSet {
    const WORDS: usize = Operation::COUNT.div_ceil(64);

    /// No operation.
    pub(crate) const fn new() -> OpSet {
        OpSet([0; OpSet::WORDS])
    }

    pub(crate) fn insert(&mut self, op: Operation) {
        self.0[op.index() / 64] |= 1 << (op.index() % 64);
    }

    pub(crate) fn contains(&self, op: Operation) -> bool {
        self.0[op.index() / 64] & (1 << (op.index() % 64)) != 0
    }
}

// Every operation has its bit.
const _: () = assert!(OpSet::WORDS * 64 >= Operation::COUNT);

impl FromIterator<Operation> for OpSet {
    fn from_iter<I: IntoIterator<Item = Operation>>(iter: I) -> OpSet {
        let mut s = OpSet::new();
        for op in iter {
            s.insert(op);
        }
        s
    }
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
    /// DescribePolicy: the policy and its document.
    PolicyDocument {
        summary: PolicySummary,
        content: SharedStr,
    },
    /// ListCreateAccountStatus.
    CreateAccountStatuses(Vec<CreateAccountStatus>),
    /// ListChildren.
    Children(Vec<Child>),
}

impl Response {
    /// How many items a List response holds (`None` for other responses).
    pub(crate) fn list_len(&self) -> Option<usize> {
        match self {
            Response::Roots(v) => Some(v.len()),
            Response::Parents(v) => Some(v.len()),
            Response::Accounts(v) => Some(v.len()),
            Response::OrganizationalUnits(v) => Some(v.len()),
            Response::Policies(v) => Some(v.len()),
            Response::Tags(t) => Some(t.len()),
            Response::PolicyTargets(v) => Some(v.len()),
            Response::CreateAccountStatuses(v) => Some(v.len()),
            Response::Children(v) => Some(v.len()),
            _ => None,
        }
    }
}

pub(crate) type ApiResult = Result<Response, ApiError>;
