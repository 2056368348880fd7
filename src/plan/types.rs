//! The plan's types (its resources, their kinds and specs, the findings), the names a plan gives
//! (slugs, tenant ids, tags) and the policy text.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::org::types::{SharedStr, Tags};

/// The kinds of resource, as the JSON report spells them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    OrganizationalUnit,
    Policy,
    PolicyAttachment,
    Account,
    Tags,
}

impl ResourceKind {
    pub(crate) const ALL: [ResourceKind; 5] = [
        ResourceKind::OrganizationalUnit,
        ResourceKind::Policy,
        ResourceKind::PolicyAttachment,
        ResourceKind::Account,
        ResourceKind::Tags,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ResourceKind::OrganizationalUnit => "organizational_unit",
            ResourceKind::Policy => "policy",
            ResourceKind::PolicyAttachment => "policy_attachment",
            ResourceKind::Account => "account",
            ResourceKind::Tags => "tags",
        }
    }

    pub(super) fn terraform_type(self) -> &'static str {
        match self {
            ResourceKind::OrganizationalUnit => "aws_organizations_organizational_unit",
            ResourceKind::Policy => "aws_organizations_policy",
            ResourceKind::PolicyAttachment => "aws_organizations_policy_attachment",
            ResourceKind::Account => "aws_organizations_account",
            // The provider applies an account's tags with TagResource; orgsim plans them as a
            // resource of their own so that the brief's "tags applied" phase can be measured.
            ResourceKind::Tags => "aws_organizations_account_tags",
        }
    }
}

/// What a resource is, with the indices of the resources it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// An OU under `parent` (a planned OU's index) or, for `None`, under the root.
    Ou {
        name: SharedStr,
        parent: Option<usize>,
        role: OuRole,
    },
    Policy {
        name: SharedStr,
        framework: String,
        content: SharedStr,
    },
    Attachment {
        policy: usize,
        ou: usize,
    },
    Account {
        customer: usize,
        name: SharedStr,
        email: SharedStr,
        ou: usize,
    },
    Tags {
        account: usize,
        tags: Tags,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub address: String,
    pub kind: ResourceKind,
    /// Indices of the resources that must be created first.
    pub deps: Vec<usize>,
    /// The customer the resource belongs to, if any.
    pub customer: Option<usize>,
    pub spec: Spec,
}

/// What an OU is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OuRole {
    /// One of `[organization] ou_path`, above the tier OUs.
    Path,
    /// A tier's OU: its framework's SCP is attached here.
    Tier { tier: String },
    /// A region's OU under a tier OU (`by-tier-region` layout).
    Region { tier: String, region: String },
}

/// Something the pre-flight checks found before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// `duplicate`.
    pub kind: &'static str,
    /// The code AWS would answer with, or orgsim's name for the clash.
    pub code: &'static str,
    /// Address of the resource the finding is about.
    pub resource: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub resources: Vec<Resource>,
    /// Clashes found before anything was sent: reported as unresolved conflicts.
    pub findings: Vec<Finding>,
    /// Advice that fails nothing, e.g. an OU too crowded to navigate.
    pub advisories: Vec<Finding>,
    /// What earlier applies made (`[organization.existing]`): refreshed before anything is
    /// planned. Empty for a new organization.
    pub state: State,
    /// For each resource, its id when it is already in `state` (a no-op: it ends `existing`
    /// after the refresh); empty when `state` is.
    pub in_state: Vec<Option<SharedStr>>,
}

/// Lowercase, runs of anything but letters and digits turned into one `_`.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_slug(&mut out, s, '_');
    out
}

/// [`slug`] of `s` with `sep` between the runs, appended to `out`.
pub(super) fn push_slug(out: &mut String, s: &str, sep: char) {
    let start = out.len();
    let mut gap = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && out.len() > start {
                out.push(sep);
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    if out.len() == start {
        out.push(sep);
    }
}

/// The SCP orgsim attaches for a framework: a guard-rail policy a compliance tier would carry.
pub fn policy_content(framework: &str) -> String {
    let mut statements = vec![
        r#"{"Sid":"DenyLeaveOrganization","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}"#.to_string(),
        r#"{"Sid":"ProtectAuditTrail","Effect":"Deny","Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail","config:DeleteConfigurationRecorder","config:StopConfigurationRecorder"],"Resource":"*"}"#.to_string(),
        r#"{"Sid":"RequireEncryptedStorage","Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"Null":{"s3:x-amz-server-side-encryption":"true"}}}"#.to_string(),
    ];
    let regions = match framework {
        "FedRAMP" => Some(r#"["us-east-1","us-west-2","us-gov-west-1","us-gov-east-1"]"#),
        "HIPAA" | "SOC2" => Some(r#"["us-east-1","us-east-2","us-west-2"]"#),
        _ => None,
    };
    if let Some(r) = regions {
        statements.push(format!(
            r#"{{"Sid":"{framework}RegionLock","Effect":"Deny","NotAction":["iam:*","organizations:*","sts:*","support:*"],"Resource":"*","Condition":{{"StringNotEquals":{{"aws:RequestedRegion":{r}}}}}}}"#
        ));
    }
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

/// The tag keys put on every customer account.
pub(crate) const TAG_TENANT: &str = "securebase:tenant-id";
pub(crate) const TAG_TIER: &str = "securebase:tier";
pub(crate) const TAG_FRAMEWORK: &str = "securebase:framework";

/// The tenant id tagged on a customer's account.
pub fn tenant_id(name: &str) -> String {
    // `slug(name)` with `-` for `_` (a slug's only `_` are its separators).
    let mut out = String::with_capacity(name.len());
    push_slug(&mut out, name, '-');
    out
}

impl Plan {
    pub(crate) fn count_by_kind(&self) -> BTreeMap<ResourceKind, usize> {
        let mut m = BTreeMap::new();
        for r in &self.resources {
            *m.entry(r.kind).or_insert(0) += 1;
        }
        m
    }

    /// Indices of the resources that depend on `i`.
    ///
    /// As two vectors: the dependents of resource `i` are `list[at[i]..at[i + 1]]`, in plan
    /// order.
    pub(crate) fn dependents(&self) -> (Vec<usize>, Vec<usize>) {
        let n = self.resources.len();
        let mut at = vec![0; n + 1];
        for r in &self.resources {
            for &d in &r.deps {
                at[d + 1] += 1;
            }
        }
        for i in 0..n {
            at[i + 1] += at[i];
        }
        let mut next = at.clone();
        let mut list = vec![0; at[n]];
        for (i, r) in self.resources.iter().enumerate() {
            for &d in &r.deps {
                list[next[d]] = i;
                next[d] += 1;
            }
        }
        (list, at)
    }
}

/// One resource in state, with what the model needs to hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InState {
    /// An OU under `parent_id` (the root's id, `None`, or an OU in state).
    Ou {
        id: SharedStr,
        name: SharedStr,
        parent_id: Option<SharedStr>,
    },
    Policy {
        id: SharedStr,
        name: SharedStr,
        content: SharedStr,
    },
    /// A policy attached to an OU.
    Attachment {
        policy_id: SharedStr,
        target_id: SharedStr,
    },
    /// A customer's account in its OU with its tags (`aws_organizations_account`'s `tags`).
    Account {
        id: SharedStr,
        name: SharedStr,
        email: SharedStr,
        parent_id: SharedStr,
        tags: Tags,
    },
}

/// The resources in state, in the order the earlier applies' plan lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub resources: Vec<InState>,
    /// Terraform address → id, of the resources in state (for the new plan's no-ops).
    pub addresses: BTreeMap<String, SharedStr>,
}

impl State {
    pub(crate) fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// Accounts in state.
    pub(crate) fn accounts(&self) -> usize {
        self.resources
            .iter()
            .filter(|r| matches!(r, InState::Account { .. }))
            .count()
    }
}
