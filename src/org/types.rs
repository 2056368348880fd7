//! The AWS Organizations API as Rust types: operations, requests, responses and errors.
//!
//! Names and codes are spelled exactly as AWS spells them (`TooManyRequestsException`,
//! `EMAIL_ALREADY_EXISTS`, ...), so that a report cannot tell which backend produced an error.
//! Every backend (the in-memory model, the SDK adapter, the mocks) speaks these types.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

pub use super::errors::{
    ApiError, ConstraintViolationReason, CreateAccountFailureReason, ErrorCode,
};

/// An immutable string shared by reference count: the ids, names and ARNs that requests and
/// answers carry. The model makes each once; requests, answers and the engine's state then
/// share it, so the hot path copies pointers, not bytes. It compares, orders, hashes, prints
/// and debug-prints as its text does.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The pieces end to end, in one allocation (`format!(..).into()` makes two, the `String`
    /// and then the shared copy, and goes through the formatting machinery): for the ids and
    /// ARNs the model makes per call.
    pub(crate) fn concat(parts: &[&str]) -> SharedStr {
        use std::cell::RefCell;
        thread_local! {
            static BUF: RefCell<String> = const { RefCell::new(String::new()) };
        }
        BUF.with_borrow_mut(|buf| {
            buf.clear();
            for p in parts {
                buf.push_str(p);
            }
            SharedStr(Arc::from(buf.as_str()))
        })
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> SharedStr {
        SharedStr(s.into())
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        SharedStr(s.into())
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> SharedStr {
        SharedStr(s.as_str().into())
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> String {
        s.0.to_string()
    }
}

impl From<&SharedStr> for String {
    fn from(s: &SharedStr) -> String {
        s.0.to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}

impl serde::Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

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
    // What Terraform's `data "aws_organizations_organization"` reads at every plan besides
    // ListAccounts and ListRoots. Not in the published table: reads like the other lists.
    /// The organization: its id, feature set and management account.
    DescribeOrganization: Read, throttle(5.0, 8.0), latency(BY_ACCESS);
    /// The service principals trusted by the organization (the model trusts none).
    ListAWSServiceAccessForOrganization: Read, throttle(5.0, 8.0), latency(BY_ACCESS);
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

/// Tags, key to value, in key order: shared by reference count, so that a request, the model's
/// record and an answer carrying the same tags copy a pointer, not the map (a throttled
/// CreateAccount retried 25 times carried a fresh copy each time). Reads go through `Deref` to
/// the map; a change copies the map only while another holder shares it
/// ([`Tags::make_mut`]). No tags allocate nothing.
#[derive(Clone, Default)]
pub struct Tags(Option<Arc<BTreeMap<String, String>>>);

/// Equal when the maps are: no map and an empty one (all tags removed) are the same tags.
impl PartialEq for Tags {
    fn eq(&self, other: &Tags) -> bool {
        **self == **other
    }
}

impl Eq for Tags {}

/// The map of no tags, for [`Tags`]'s `Deref`.
static NO_TAGS: BTreeMap<String, String> = BTreeMap::new();

impl Tags {
    /// No tags.
    pub fn new() -> Tags {
        Tags(None)
    }

    /// The map, to change: copied first if another holder shares it.
    pub(crate) fn make_mut(&mut self) -> &mut BTreeMap<String, String> {
        Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub(crate) fn insert(&mut self, key: String, value: String) -> Option<String> {
        self.make_mut().insert(key, value)
    }
}

impl Deref for Tags {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &BTreeMap<String, String> {
        self.0.as_deref().unwrap_or(&NO_TAGS)
    }
}

impl fmt::Debug for Tags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl From<BTreeMap<String, String>> for Tags {
    fn from(map: BTreeMap<String, String>) -> Tags {
        if map.is_empty() {
            Tags(None)
        } else {
            Tags(Some(Arc::new(map)))
        }
    }
}

impl<const N: usize> From<[(String, String); N]> for Tags {
    fn from(pairs: [(String, String); N]) -> Tags {
        pairs.into_iter().collect()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Tags {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Tags {
        iter.into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect::<BTreeMap<_, _>>()
            .into()
    }
}

impl<'a> IntoIterator for &'a Tags {
    type Item = (&'a String, &'a String);
    type IntoIter = std::collections::btree_map::Iter<'a, String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl serde::Serialize for Tags {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Tags {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Tags, D::Error> {
        BTreeMap::<String, String>::deserialize(d).map(Tags::from)
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
    /// DescribeOrganization.
    Organization(Organization),
    /// ListAWSServiceAccessForOrganization: the trusted service principals.
    ServicePrincipals(Vec<SharedStr>),
}

/// What DescribeOrganization says: the organization's id and its management account (the
/// feature set is always ALL, SCPs enabled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: SharedStr,
    pub management_account_id: SharedStr,
    pub management_account_email: SharedStr,
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
            Response::ServicePrincipals(v) => Some(v.len()),
            _ => None,
        }
    }
}

pub(crate) type ApiResult = Result<Response, ApiError>;

/// A backend-neutral picture of an organization, for validation and comparison across backends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgSnapshot {
    pub root_id: String,
    pub management_account_id: String,
    pub ous: Vec<OuNode>,
    pub accounts: Vec<AccountNode>,
    pub policies: Vec<PolicySummary>,
    /// (policy id, target id) pairs, the FullAWSAccess ones included.
    pub attachments: Vec<(SharedStr, SharedStr)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OuNode {
    pub id: SharedStr,
    pub name: SharedStr,
    pub parent_id: SharedStr,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNode {
    pub id: SharedStr,
    pub name: SharedStr,
    pub email: SharedStr,
    pub parent_id: SharedStr,
    pub tags: Tags,
}

impl OrgSnapshot {
    /// An index of this snapshot for many lookups (each in O(log n) rather than a scan).
    pub(crate) fn index(&self) -> SnapshotIndex<'_> {
        SnapshotIndex::new(self)
    }

    pub fn ou(&self, id: &str) -> Option<&OuNode> {
        self.ous.iter().find(|o| o.id == id)
    }

    pub fn policy(&self, id: &str) -> Option<&PolicySummary> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The ids from `target` up to the root, `target` first.
    pub(crate) fn ancestry(&self, target: &str) -> Vec<String> {
        self.index().ancestry(target)
    }

    /// Names of the policies that apply to `target`: attached to it or to any ancestor.
    pub fn effective_policy_names(&self, target: &str) -> Vec<String> {
        self.index().effective_policy_names(target)
    }

    /// Depth of an OU below the root (a child of the root has depth 1).
    pub fn ou_depth(&self, id: &str) -> usize {
        self.ancestry(id).len().saturating_sub(1)
    }
}

/// Lookups by id into an [`OrgSnapshot`], built once for many (the checks of a 100,000-account
/// organization would otherwise scan it once per account).
///
/// Hash maps: only looked up, never iterated, so their order cannot reach an output.
pub(crate) struct SnapshotIndex<'a> {
    snap: &'a OrgSnapshot,
    accounts: HashMap<&'a str, &'a AccountNode>,
    ous: HashMap<&'a str, &'a OuNode>,
    policies: HashMap<&'a str, &'a PolicySummary>,
    /// Target id → the ids of the policies attached to it, in attachment order.
    attached: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> SnapshotIndex<'a> {
    pub(crate) fn new(snap: &'a OrgSnapshot) -> SnapshotIndex<'a> {
        // The first of equal ids wins, as a scan would find it.
        let mut accounts = HashMap::with_capacity(snap.accounts.len());
        for a in &snap.accounts {
            accounts.entry(a.id.as_str()).or_insert(a);
        }
        let mut ous = HashMap::with_capacity(snap.ous.len());
        for o in &snap.ous {
            ous.entry(o.id.as_str()).or_insert(o);
        }
        let mut policies = HashMap::with_capacity(snap.policies.len());
        for p in &snap.policies {
            policies.entry(p.id.as_str()).or_insert(p);
        }
        let mut attached: HashMap<&str, Vec<&str>> = HashMap::new();
        for (p, t) in &snap.attachments {
            attached.entry(t.as_str()).or_default().push(p.as_str());
        }
        SnapshotIndex {
            snap,
            accounts,
            ous,
            policies,
            attached,
        }
    }

    pub(crate) fn snapshot(&self) -> &'a OrgSnapshot {
        self.snap
    }

    pub(crate) fn account(&self, id: &str) -> Option<&'a AccountNode> {
        self.accounts.get(id).copied()
    }

    pub(crate) fn ou(&self, id: &str) -> Option<&'a OuNode> {
        self.ous.get(id).copied()
    }

    pub(crate) fn policy(&self, id: &str) -> Option<&'a PolicySummary> {
        self.policies.get(id).copied()
    }

    /// The ids of the policies attached to `target`, in attachment order.
    pub(crate) fn attached_to(&self, target: &str) -> &[&'a str] {
        self.attached.get(target).map_or(&[], Vec::as_slice)
    }

    /// The ids from `target` up to the root, `target` first.
    pub(crate) fn ancestry(&self, target: &str) -> Vec<String> {
        let mut out = vec![target.to_string()];
        let mut cur = self
            .account(target)
            .map(|a| a.parent_id.as_str())
            .or_else(|| self.ou(target).map(|o| o.parent_id.as_str()));
        while let Some(id) = cur {
            if out.iter().any(|o| o == id) {
                break;
            }
            out.push(id.to_string());
            cur = self.ou(id).map(|o| o.parent_id.as_str());
        }
        out
    }

    /// Names of the policies that apply to `target`: attached to it or to any ancestor.
    pub(crate) fn effective_policy_names(&self, target: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .ancestry(target)
            .iter()
            .flat_map(|t| self.attached_to(t))
            .filter_map(|p| self.policy(p).map(|p| p.name.to_string()))
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant is in `ALL`, at its index, once, under its own name: the table makes the
    /// enum and the list together, so a variant cannot be left out of a per-operation table
    /// (the model's buckets and latencies are indexed by `Operation::index`).
    #[test]
    fn every_operation_is_listed_once_at_its_index() {
        assert_eq!(Operation::ALL.len(), Operation::COUNT);
        for (i, op) in Operation::ALL.into_iter().enumerate() {
            assert_eq!(op.index(), i, "{op}");
            assert_eq!(Operation::parse(op.as_str()), Some(op));
            assert_eq!(
                format!("{op:?}"),
                op.as_str(),
                "the AWS name is the variant's"
            );
        }
        let mut names: Vec<&str> = Operation::ALL.iter().map(|o| o.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Operation::COUNT, "names unique");
        assert_eq!(Operation::parse("listroots"), None);
    }

    /// The writes are the operations that change the organization, as before the table.
    #[test]
    fn the_writes_are_the_changing_operations() {
        use Operation::*;
        let writes: Vec<Operation> = Operation::ALL
            .into_iter()
            .filter(|o| o.is_write())
            .collect();
        assert_eq!(
            writes,
            [
                CreateOrganizationalUnit,
                CreatePolicy,
                AttachPolicy,
                DetachPolicy,
                CreateAccount,
                MoveAccount,
                TagResource,
                UntagResource,
                UpdateOrganizationalUnit,
                UpdatePolicy,
                DeleteOrganizationalUnit,
                DeletePolicy,
                EnablePolicyType,
                RemoveAccountFromOrganization,
                CloseAccount
            ]
        );
    }

    /// Each request names its own operation (the variant of the same name).
    #[test]
    fn a_request_names_its_operation() {
        let id = SharedStr::from("x");
        let reqs = [
            Request::ListRoots,
            Request::ListCreateAccountStatus,
            Request::MoveAccount {
                account_id: id.clone(),
                source_parent_id: id.clone(),
                destination_parent_id: id.clone(),
            },
            Request::UntagResource {
                resource_id: id,
                tag_keys: vec![],
            },
        ];
        let ops: Vec<&str> = reqs.iter().map(|r| r.operation().as_str()).collect();
        assert_eq!(
            ops,
            [
                "ListRoots",
                "ListCreateAccountStatus",
                "MoveAccount",
                "UntagResource"
            ]
        );
    }

    #[test]
    fn an_op_set_holds_what_was_put_in_and_nothing_else() {
        let empty = OpSet::new();
        assert!(Operation::ALL.iter().all(|&o| !empty.contains(o)));
        let all: OpSet = Operation::ALL.into_iter().collect();
        assert!(Operation::ALL.iter().all(|&o| all.contains(o)));
        for op in Operation::ALL {
            let one: OpSet = [op].into_iter().collect();
            for other in Operation::ALL {
                assert_eq!(one.contains(other), other == op, "{op} {other}");
            }
        }
    }
}
