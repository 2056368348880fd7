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
    pub fn concat(parts: &[&str]) -> SharedStr {
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
    ListCreateAccountStatus,
}

impl Operation {
    pub const ALL: [Operation; 22] = [
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
        Operation::ListCreateAccountStatus,
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
            Operation::ListCreateAccountStatus => "ListCreateAccountStatus",
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
    pub fn make_mut(&mut self) -> &mut BTreeMap<String, String> {
        Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
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

/// A request to the Organizations service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    ListRoots,
    CreateOrganizationalUnit {
        parent_id: SharedStr,
        name: SharedStr,
        tags: Tags,
    },
    CreatePolicy {
        name: SharedStr,
        description: SharedStr,
        content: SharedStr,
        tags: Tags,
    },
    AttachPolicy {
        policy_id: SharedStr,
        target_id: SharedStr,
    },
    DetachPolicy {
        policy_id: SharedStr,
        target_id: SharedStr,
    },
    CreateAccount {
        email: SharedStr,
        account_name: SharedStr,
        tags: Tags,
    },
    DescribeCreateAccountStatus {
        create_account_request_id: SharedStr,
    },
    MoveAccount {
        account_id: SharedStr,
        source_parent_id: SharedStr,
        destination_parent_id: SharedStr,
    },
    TagResource {
        resource_id: SharedStr,
        tags: Tags,
    },
    UntagResource {
        resource_id: SharedStr,
        tag_keys: Vec<String>,
    },
    ListParents {
        child_id: SharedStr,
    },
    ListAccountsForParent {
        parent_id: SharedStr,
    },
    ListOrganizationalUnitsForParent {
        parent_id: SharedStr,
    },
    ListAccounts,
    /// Service control policies only (the filter `SERVICE_CONTROL_POLICY`).
    ListPolicies,
    ListPoliciesForTarget {
        target_id: SharedStr,
    },
    ListTagsForResource {
        resource_id: SharedStr,
    },
    DescribeAccount {
        account_id: SharedStr,
    },
    DescribeOrganizationalUnit {
        organizational_unit_id: SharedStr,
    },
    DescribePolicy {
        policy_id: SharedStr,
    },
    /// The roots, OUs and accounts a policy is attached to, in attachment order.
    ListTargetsForPolicy {
        policy_id: SharedStr,
    },
    /// The account creation requests IN_PROGRESS or SUCCEEDED (the states a live run asks
    /// for before it creates an account, so that a creation in flight is not made twice).
    ListCreateAccountStatus,
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
            Request::ListCreateAccountStatus => Operation::ListCreateAccountStatus,
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
            Response::CreateAccountStatuses(v) => Some(v.len()),
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
    pub fn index(&self) -> SnapshotIndex<'_> {
        SnapshotIndex::new(self)
    }

    pub fn ou(&self, id: &str) -> Option<&OuNode> {
        self.ous.iter().find(|o| o.id == id)
    }

    pub fn policy(&self, id: &str) -> Option<&PolicySummary> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The ids from `target` up to the root, `target` first.
    pub fn ancestry(&self, target: &str) -> Vec<String> {
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
pub struct SnapshotIndex<'a> {
    snap: &'a OrgSnapshot,
    accounts: HashMap<&'a str, &'a AccountNode>,
    ous: HashMap<&'a str, &'a OuNode>,
    policies: HashMap<&'a str, &'a PolicySummary>,
    /// Target id → the ids of the policies attached to it, in attachment order.
    attached: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> SnapshotIndex<'a> {
    pub fn new(snap: &'a OrgSnapshot) -> SnapshotIndex<'a> {
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

    pub fn snapshot(&self) -> &'a OrgSnapshot {
        self.snap
    }

    pub fn account(&self, id: &str) -> Option<&'a AccountNode> {
        self.accounts.get(id).copied()
    }

    pub fn ou(&self, id: &str) -> Option<&'a OuNode> {
        self.ous.get(id).copied()
    }

    pub fn policy(&self, id: &str) -> Option<&'a PolicySummary> {
        self.policies.get(id).copied()
    }

    /// The ids of the policies attached to `target`, in attachment order.
    pub fn attached_to(&self, target: &str) -> &[&'a str] {
        self.attached.get(target).map_or(&[], Vec::as_slice)
    }

    /// The ids from `target` up to the root, `target` first.
    pub fn ancestry(&self, target: &str) -> Vec<String> {
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
    pub fn effective_policy_names(&self, target: &str) -> Vec<String> {
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
