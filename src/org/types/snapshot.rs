//! A backend-neutral picture of an organization ([`OrgSnapshot`]) and its index for many
//! lookups ([`SnapshotIndex`]).

use std::collections::HashMap;

use super::records::PolicySummary;
use super::values::{SharedStr, Tags};

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
