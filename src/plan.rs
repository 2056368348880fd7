//! Scenario → plan: the resource graph a deployer would apply, with pre-flight checks.
//!
//! One OU per tier in use (under the root), one service control policy per framework in use,
//! one attachment per tier OU, one account per customer (create → poll status → move into its
//! tier's OU) and one set of tags per account (tenant id, tier, framework: billing isolation).
//! Addresses are Terraform-style (`aws_organizations_account.acme_finance_inc`).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::config::OuLayout;
use crate::org::types::{SharedStr, Tags};
use crate::scenario::Scenario;

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
    pub const ALL: [ResourceKind; 5] = [
        ResourceKind::OrganizationalUnit,
        ResourceKind::Policy,
        ResourceKind::PolicyAttachment,
        ResourceKind::Account,
        ResourceKind::Tags,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::OrganizationalUnit => "organizational_unit",
            ResourceKind::Policy => "policy",
            ResourceKind::PolicyAttachment => "policy_attachment",
            ResourceKind::Account => "account",
            ResourceKind::Tags => "tags",
        }
    }

    fn terraform_type(self) -> &'static str {
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
}

/// Lowercase, runs of anything but letters and digits turned into one `_`.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_slug(&mut out, s, '_');
    out
}

/// [`slug`] of `s` with `sep` between the runs, appended to `out`.
fn push_slug(out: &mut String, s: &str, sep: char) {
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
pub const TAG_TENANT: &str = "securebase:tenant-id";
pub const TAG_TIER: &str = "securebase:tier";
pub const TAG_FRAMEWORK: &str = "securebase:framework";

/// Builds the plan of a scenario. Never fails: clashes become findings.
pub fn build(sc: &Scenario) -> Plan {
    let n_customers = sc.customers.len();
    // Two resources a customer, and a few per tier: room for them at once.
    let mut resources: Vec<Resource> = Vec::with_capacity(2 * n_customers + 16);
    let mut findings = Vec::new();
    // Only looked up, never iterated: hashed.
    let mut used_addresses: HashMap<String, usize> = HashMap::with_capacity(2 * n_customers);
    let mut address = |kind: ResourceKind, name: &str| -> String {
        let ty = kind.terraform_type();
        let mut base = String::with_capacity(ty.len() + 1 + name.len() + 4);
        base.push_str(ty);
        base.push('.');
        push_slug(&mut base, name, '_');
        match used_addresses.get_mut(base.as_str()) {
            Some(n) => {
                *n += 1;
                format!("{base}_{n}")
            }
            None => {
                used_addresses.insert(base.clone(), 1);
                base
            }
        }
    };

    // Tiers and frameworks in order of first use.
    let mut tiers_in_use: Vec<&str> = Vec::new();
    let mut tier_seen: HashSet<&str> = HashSet::new();
    for c in &sc.customers {
        if tier_seen.insert(c.tier.as_str()) {
            tiers_in_use.push(&c.tier);
        }
    }
    let org = &sc.organization;
    let mut parent: Option<usize> = None;
    for name in &org.ou_path {
        let i = resources.len();
        resources.push(Resource {
            address: address(ResourceKind::OrganizationalUnit, name),
            kind: ResourceKind::OrganizationalUnit,
            deps: parent.into_iter().collect(),
            customer: None,
            spec: Spec::Ou {
                name: name.as_str().into(),
                parent,
                role: OuRole::Path,
            },
        });
        parent = Some(i);
    }
    let mut ou_of_tier: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &tiers_in_use {
        let tier = &sc.tiers[*t];
        ou_of_tier.insert(t, resources.len());
        resources.push(Resource {
            address: address(ResourceKind::OrganizationalUnit, &tier.ou),
            kind: ResourceKind::OrganizationalUnit,
            deps: parent.into_iter().collect(),
            customer: None,
            spec: Spec::Ou {
                name: tier.ou.as_str().into(),
                parent,
                role: OuRole::Tier {
                    tier: tier.key.clone(),
                },
            },
        });
    }
    // The OU each customer's account goes into. Customers without a region are spread over
    // the regions round-robin within their tier.
    let mut seen_in_tier: BTreeMap<&str, usize> = BTreeMap::new();
    let regions: Vec<&str> = sc
        .customers
        .iter()
        .map(|c| {
            let k = seen_in_tier.entry(c.tier.as_str()).or_insert(0);
            *k += 1;
            match &c.region {
                Some(r) => r.as_str(),
                None => org.regions[(*k - 1) % org.regions.len().max(1)].as_str(),
            }
        })
        .collect();
    let region_of = |i: usize| -> &str { regions[i] };
    let mut leaf_of_customer: Vec<usize> = sc
        .customers
        .iter()
        .map(|c| ou_of_tier[c.tier.as_str()])
        .collect();
    if org.layout == OuLayout::ByTierRegion {
        // The customers of each (tier, region), in customer order: one pass, not one per pair.
        let mut members_of: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
        for (i, c) in sc.customers.iter().enumerate() {
            members_of
                .entry((c.tier.as_str(), region_of(i)))
                .or_default()
                .push(i);
        }
        for t in &tiers_in_use {
            let tier_ou = ou_of_tier[t];
            for region in &org.regions {
                let Some(members) = members_of.remove(&(*t, region.as_str())) else {
                    continue;
                };
                let idx = resources.len();
                let tier = &sc.tiers[*t];
                resources.push(Resource {
                    address: address(
                        ResourceKind::OrganizationalUnit,
                        &format!("{}_{region}", tier.ou),
                    ),
                    kind: ResourceKind::OrganizationalUnit,
                    deps: vec![tier_ou],
                    customer: None,
                    spec: Spec::Ou {
                        name: region.as_str().into(),
                        parent: Some(tier_ou),
                        role: OuRole::Region {
                            tier: tier.key.clone(),
                            region: region.clone(),
                        },
                    },
                });
                for m in members {
                    leaf_of_customer[m] = idx;
                }
            }
        }
    }
    let mut policy_of_framework: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &tiers_in_use {
        let fw = sc.tiers[*t].framework.as_str();
        if policy_of_framework.contains_key(fw) {
            continue;
        }
        policy_of_framework.insert(fw, resources.len());
        let name = format!("SecureBase-{fw}");
        resources.push(Resource {
            address: address(ResourceKind::Policy, &name),
            kind: ResourceKind::Policy,
            deps: vec![],
            customer: None,
            spec: Spec::Policy {
                name: name.into(),
                framework: fw.to_string(),
                content: policy_content(fw).into(),
            },
        });
    }
    for t in &tiers_in_use {
        let tier = &sc.tiers[*t];
        let (ou, policy) = (ou_of_tier[t], policy_of_framework[tier.framework.as_str()]);
        resources.push(Resource {
            address: address(
                ResourceKind::PolicyAttachment,
                &format!("{}_{}", tier.ou, tier.framework),
            ),
            kind: ResourceKind::PolicyAttachment,
            deps: vec![policy, ou],
            customer: None,
            spec: Spec::Attachment { policy, ou },
        });
    }
    let mut account_of_customer = Vec::with_capacity(sc.customers.len());
    for (i, c) in sc.customers.iter().enumerate() {
        let ou = leaf_of_customer[i];
        account_of_customer.push(resources.len());
        resources.push(Resource {
            address: address(ResourceKind::Account, &c.name),
            kind: ResourceKind::Account,
            deps: vec![ou],
            customer: Some(i),
            spec: Spec::Account {
                customer: i,
                name: c.name.as_str().into(),
                email: c.email.as_str().into(),
                ou,
            },
        });
    }
    for (i, c) in sc.customers.iter().enumerate() {
        let account = account_of_customer[i];
        let tier = &sc.tiers[c.tier.as_str()];
        let mut tags = Tags::new();
        tags.insert(TAG_TENANT.into(), tenant_id(&c.name));
        tags.insert(TAG_TIER.into(), tier.key.clone());
        tags.insert(TAG_FRAMEWORK.into(), tier.framework.clone());
        let addr = &resources[account].address;
        let suffix = addr.split_once('.').map_or(addr.as_str(), |(_, s)| s);
        resources.push(Resource {
            address: [ResourceKind::Tags.terraform_type(), ".", suffix].concat(),
            kind: ResourceKind::Tags,
            deps: vec![account],
            customer: Some(i),
            spec: Spec::Tags { account, tags },
        });
    }

    // Two tiers in use with one OU name: both OUs go under the same parent, and the second
    // CreateOrganizationalUnit fails (DuplicateOrganizationalUnitException).
    let mut tier_of_ou: BTreeMap<&str, &str> = BTreeMap::new();
    for t in &tiers_in_use {
        let tier = &sc.tiers[*t];
        if let Some(first) = tier_of_ou.insert(tier.ou.as_str(), *t) {
            tier_of_ou.insert(tier.ou.as_str(), first);
            findings.push(Finding {
                kind: "duplicate",
                code: "DuplicateOrganizationalUnitException",
                resource: address(ResourceKind::OrganizationalUnit, &tier.ou),
                detail: format!(
                    "tiers `{first}` and `{t}` both name the OU `{}` under the same parent; AWS \
                     rejects the second one: give each tier its own `ou`",
                    tier.ou
                ),
            });
        }
    }

    // Pre-flight: duplicates that AWS (or the deployer) would trip over.
    // Only looked up, never iterated: hashed.
    let mut first_email: HashMap<String, usize> = HashMap::with_capacity(n_customers);
    let mut first_name: HashMap<String, usize> = HashMap::with_capacity(n_customers);
    let mut first_id: HashMap<&str, usize> = HashMap::new();
    for (i, c) in sc.customers.iter().enumerate() {
        let addr = &resources[account_of_customer[i]].address;
        if let Some(j) = first_seen(&mut first_email, c.email.to_ascii_lowercase(), i) {
            findings.push(Finding {
                kind: "duplicate",
                code: "EMAIL_ALREADY_EXISTS",
                resource: addr.clone(),
                detail: format!(
                    "customer `{}` uses the email {} already used by `{}`; AWS rejects the second account",
                    c.name, c.email, sc.customers[j].name
                ),
            });
        }
        if let Some(j) = first_seen(&mut first_name, slug(&c.name), i) {
            findings.push(Finding {
                kind: "duplicate",
                code: "DuplicateAccountName",
                resource: addr.clone(),
                detail: format!(
                    "customer `{}` has the same name as `{}` (address renamed to {addr}); tenant ids would collide",
                    c.name, sc.customers[j].name
                ),
            });
        }
        if let Some(m) = &sc.organization.management_email {
            if c.email.eq_ignore_ascii_case(m) {
                findings.push(Finding {
                    kind: "management",
                    code: "ManagementAccount",
                    resource: addr.clone(),
                    detail: format!(
                        "customer `{}` uses the email {}, the management account's ([organization] management_email): a live run never adopts, moves or tags the management account, so this account would fail",
                        c.name, c.email
                    ),
                });
            }
        }
        if let Some(id) = c.account_id.as_deref() {
            if let Some(&j) = first_id.get(id) {
                findings.push(Finding {
                    kind: "duplicate",
                    code: "DuplicateAccountId",
                    resource: addr.clone(),
                    detail: format!(
                        "customer `{}` claims account id {id}, already claimed by `{}`",
                        c.name, sc.customers[j].name
                    ),
                });
            } else {
                first_id.insert(id, i);
            }
            if id == sc.organization.management_account_id {
                findings.push(Finding {
                    kind: "duplicate",
                    code: "DuplicateAccountId",
                    resource: addr.clone(),
                    detail: format!(
                        "customer `{}` claims account id {id}, the management account's",
                        c.name
                    ),
                });
            }
        }
    }
    // Depth: AWS allows `max_ou_depth` levels below the root.
    let depth = |mut i: usize| {
        let mut d = 1;
        while let Spec::Ou {
            parent: Some(p), ..
        } = &resources[i].spec
        {
            d += 1;
            i = *p;
        }
        d
    };
    if let Some(deep) = (0..resources.len())
        .filter(|&i| resources[i].kind == ResourceKind::OrganizationalUnit)
        .find(|&i| depth(i) > sc.service.max_ou_depth as usize)
    {
        findings.push(Finding {
            kind: "quota",
            code: "ConstraintViolationException:OU_DEPTH_LIMIT_EXCEEDED",
            resource: resources[deep].address.clone(),
            detail: format!(
                "this OU would sit {} levels below the root; AWS allows {}",
                depth(deep),
                sc.service.max_ou_depth
            ),
        });
    }
    // OU navigation: the brief's "Issue 1", an OU holding more accounts than people can browse.
    let mut advisories = Vec::new();
    let mut per_leaf: BTreeMap<usize, usize> = BTreeMap::new();
    for &leaf in &leaf_of_customer {
        *per_leaf.entry(leaf).or_insert(0) += 1;
    }
    for (leaf, n) in per_leaf {
        if n > org.ou_navigation_threshold as usize {
            advisories.push(Finding {
                kind: "ou_navigation",
                code: "OU_NAVIGATION",
                resource: resources[leaf].address.clone(),
                detail: format!(
                    "{n} customer accounts in one OU (threshold {}): finding a customer's account gets hard; {}",
                    org.ou_navigation_threshold,
                    if org.layout == OuLayout::Flat {
                        "consider [organization] layout = \"by-tier-region\""
                    } else {
                        "consider more regions"
                    }
                ),
            });
        }
    }
    // People costed twice: `[operations]` staffs the support desk, and a `[[costs]]` line
    // looks like support staff too.
    if sc.operations.is_some() {
        for line in &sc.costs {
            let name = line.name.to_lowercase();
            if line.name != crate::scenario::OPERATIONS_SUPPORT_LINE
                && (name.contains("support") || name.contains("helpdesk"))
            {
                advisories.push(Finding {
                    kind: "double_counting",
                    code: "STAFF_COUNTED_TWICE",
                    resource: format!("costs.{}", line.name),
                    detail: format!(
                        "the [[costs]] line `{}` looks like support staff, and [operations] already costs its support staff (`{}`): the financials count them twice",
                        line.name,
                        crate::scenario::OPERATIONS_SUPPORT_LINE
                    ),
                });
            }
        }
    }
    Plan {
        resources,
        findings,
        advisories,
    }
}

/// The customer that first had `key`, if one did; else `i` is recorded as the first.
fn first_seen(first: &mut HashMap<String, usize>, key: String, i: usize) -> Option<usize> {
    match first.entry(key) {
        std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(i);
            None
        }
    }
}

/// The pre-flight check `validate` and `plan` add (a run does not: it runs into the limit and
/// reports each account AWS refuses): the organization's accounts after the plan — the
/// management account, `existing_accounts` and one per planned account — beyond
/// `[organization] account_quota`. The finding names the first account beyond the quota and
/// gives the numbers.
pub fn account_quota_finding(sc: &Scenario, plan: &Plan) -> Option<Finding> {
    let org = &sc.organization;
    let accounts: Vec<&Resource> = plan
        .resources
        .iter()
        .filter(|r| r.kind == ResourceKind::Account)
        .collect();
    let before = 1 + org.existing_accounts as usize;
    let after = before + accounts.len();
    let quota = org.account_quota as usize;
    if after <= quota {
        return None;
    }
    let room = quota.saturating_sub(before);
    let refused = accounts.len() - room;
    Some(Finding {
        kind: "quota",
        code: "ACCOUNT_LIMIT_EXCEEDED",
        resource: accounts[room].address.clone(),
        detail: format!(
            "the plan creates {} account(s); with the management account and {} existing \
             account(s) the organization would hold {after}, above its account quota of {quota} \
             ([organization] account_quota): the last {refused} would fail with \
             ACCOUNT_LIMIT_EXCEEDED",
            accounts.len(),
            org.existing_accounts
        ),
    })
}

/// The tenant id tagged on a customer's account.
pub fn tenant_id(name: &str) -> String {
    // `slug(name)` with `-` for `_` (a slug's only `_` are its separators).
    let mut out = String::with_capacity(name.len());
    push_slug(&mut out, name, '-');
    out
}

impl Plan {
    pub fn count_by_kind(&self) -> BTreeMap<ResourceKind, usize> {
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
    pub fn dependents(&self) -> (Vec<usize>, Vec<usize>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_terraform_names() {
        assert_eq!(slug("ACME Finance Inc"), "acme_finance_inc");
        assert_eq!(slug("Customers-Fintech"), "customers_fintech");
        assert_eq!(slug("  --x--  "), "x");
        assert_eq!(slug("!!"), "_");
        assert_eq!(
            tenant_id("MediCorp Solutions Inc"),
            "medicorp-solutions-inc"
        );
    }

    #[test]
    fn policies_are_json_and_small() {
        for fw in ["SOC2", "HIPAA", "FedRAMP", "CIS", "X"] {
            let c = policy_content(fw);
            let v: serde_json::Value = serde_json::from_str(&c).unwrap();
            assert!(v["Statement"].is_array());
            assert!(c.len() < 5120, "{fw}: {}", c.len());
        }
    }
}
