//! [`build`]: a scenario's plan, in named steps (the OUs, the policies and their attachments,
//! the accounts and their tags), then the pre-flight checks (`preflight.rs`).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::preflight;
use super::types::{
    policy_content, push_slug, tenant_id, OuRole, Plan, Resource, ResourceKind, Spec,
    TAG_FRAMEWORK, TAG_TENANT, TAG_TIER,
};
use crate::config::OuLayout;
use crate::org::types::Tags;
use crate::scenario::Scenario;

/// Builds the plan of a scenario. Never fails: clashes become findings.
pub(super) fn build(sc: &Scenario) -> Plan {
    let mut b = Builder::new(sc);
    let parent = b.path_ous();
    b.tier_ous(parent);
    if sc.organization.layout == OuLayout::ByTierRegion {
        b.region_ous();
    }
    b.policies();
    b.attachments();
    b.accounts();
    b.tags();
    let mut findings = b.duplicate_tier_ous();
    findings.extend(preflight::customer_findings(
        sc,
        &b.resources,
        &b.account_of_customer,
    ));
    findings.extend(preflight::depth_finding(sc, &b.resources));
    let mut advisories = preflight::navigation_advisories(sc, &b.resources, &b.leaf_of_customer);
    advisories.extend(preflight::double_counting_advisories(sc));
    Plan {
        resources: b.resources,
        findings,
        advisories,
        // The existing organization's part: `super::build`.
        state: Default::default(),
        in_state: Vec::new(),
    }
}

/// A plan being built: the resources so far and where each part of the scenario went.
struct Builder<'a> {
    sc: &'a Scenario,
    resources: Vec<Resource>,
    addresses: Addresses,
    /// Tiers in order of first use.
    tiers_in_use: Vec<&'a str>,
    ou_of_tier: BTreeMap<&'a str, usize>,
    /// The OU each customer's account goes into: its tier's, or its region's under it.
    leaf_of_customer: Vec<usize>,
    policy_of_framework: BTreeMap<&'a str, usize>,
    account_of_customer: Vec<usize>,
}

/// The Terraform-style addresses given so far: a second resource of one name gets `_2`.
struct Addresses {
    /// Only looked up, never iterated: hashed.
    used: HashMap<String, usize>,
}

impl Addresses {
    fn address(&mut self, kind: ResourceKind, name: &str) -> String {
        let ty = kind.terraform_type();
        let mut base = String::with_capacity(ty.len() + 1 + name.len() + 4);
        base.push_str(ty);
        base.push('.');
        push_slug(&mut base, name, '_');
        match self.used.get_mut(base.as_str()) {
            Some(n) => {
                *n += 1;
                format!("{base}_{n}")
            }
            None => {
                self.used.insert(base.clone(), 1);
                base
            }
        }
    }
}

impl<'a> Builder<'a> {
    fn new(sc: &'a Scenario) -> Builder<'a> {
        let n_customers = sc.customers.len();
        let mut tiers_in_use: Vec<&str> = Vec::new();
        let mut tier_seen: HashSet<&str> = HashSet::new();
        for c in &sc.customers {
            if tier_seen.insert(c.tier.as_str()) {
                tiers_in_use.push(&c.tier);
            }
        }
        Builder {
            sc,
            // Two resources a customer, and a few per tier: room for them at once.
            resources: Vec::with_capacity(2 * n_customers + 16),
            addresses: Addresses {
                used: HashMap::with_capacity(2 * n_customers),
            },
            tiers_in_use,
            ou_of_tier: BTreeMap::new(),
            leaf_of_customer: Vec::new(),
            policy_of_framework: BTreeMap::new(),
            account_of_customer: Vec::with_capacity(n_customers),
        }
    }

    /// `[organization] ou_path`, each OU under the one before: the last is the tier OUs' parent.
    fn path_ous(&mut self) -> Option<usize> {
        let mut parent: Option<usize> = None;
        for name in &self.sc.organization.ou_path {
            let i = self.resources.len();
            self.resources.push(Resource {
                address: self
                    .addresses
                    .address(ResourceKind::OrganizationalUnit, name),
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
        parent
    }

    /// One OU per tier in use, under `parent` (the root when `None`); each customer's account
    /// goes into its tier's.
    fn tier_ous(&mut self, parent: Option<usize>) {
        for t in &self.tiers_in_use {
            let tier = &self.sc.tiers[*t];
            self.ou_of_tier.insert(t, self.resources.len());
            self.resources.push(Resource {
                address: self
                    .addresses
                    .address(ResourceKind::OrganizationalUnit, &tier.ou),
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
        self.leaf_of_customer = self
            .sc
            .customers
            .iter()
            .map(|c| self.ou_of_tier[c.tier.as_str()])
            .collect();
    }

    /// `by-tier-region`: one OU per (tier, region) with customers, under the tier's OU; its
    /// customers' accounts go into it. Customers without a region are spread over the regions
    /// round-robin within their tier.
    fn region_ous(&mut self) {
        let sc = self.sc;
        let org = &sc.organization;
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
        // The customers of each (tier, region), in customer order: one pass, not one per pair.
        let mut members_of: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
        for (i, c) in sc.customers.iter().enumerate() {
            members_of
                .entry((c.tier.as_str(), regions[i]))
                .or_default()
                .push(i);
        }
        for t in &self.tiers_in_use {
            let tier_ou = self.ou_of_tier[t];
            for region in &org.regions {
                let Some(members) = members_of.remove(&(*t, region.as_str())) else {
                    continue;
                };
                let idx = self.resources.len();
                let tier = &sc.tiers[*t];
                self.resources.push(Resource {
                    address: self.addresses.address(
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
                    self.leaf_of_customer[m] = idx;
                }
            }
        }
    }

    /// One service control policy per framework in use.
    fn policies(&mut self) {
        for t in &self.tiers_in_use {
            let fw = self.sc.tiers[*t].framework.as_str();
            if self.policy_of_framework.contains_key(fw) {
                continue;
            }
            self.policy_of_framework.insert(fw, self.resources.len());
            let name = format!("SecureBase-{fw}");
            self.resources.push(Resource {
                address: self.addresses.address(ResourceKind::Policy, &name),
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
    }

    /// Each tier's framework policy attached to the tier's OU.
    fn attachments(&mut self) {
        for t in &self.tiers_in_use {
            let tier = &self.sc.tiers[*t];
            let (ou, policy) = (
                self.ou_of_tier[t],
                self.policy_of_framework[tier.framework.as_str()],
            );
            self.resources.push(Resource {
                address: self.addresses.address(
                    ResourceKind::PolicyAttachment,
                    &format!("{}_{}", tier.ou, tier.framework),
                ),
                kind: ResourceKind::PolicyAttachment,
                deps: vec![policy, ou],
                customer: None,
                spec: Spec::Attachment { policy, ou },
            });
        }
    }

    /// One account per customer, in its leaf OU.
    fn accounts(&mut self) {
        for (i, c) in self.sc.customers.iter().enumerate() {
            let ou = self.leaf_of_customer[i];
            self.account_of_customer.push(self.resources.len());
            self.resources.push(Resource {
                address: self.addresses.address(ResourceKind::Account, &c.name),
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
    }

    /// One set of tags per account (tenant id, tier, framework), addressed as its account.
    fn tags(&mut self) {
        for (i, c) in self.sc.customers.iter().enumerate() {
            let account = self.account_of_customer[i];
            let tier = &self.sc.tiers[c.tier.as_str()];
            let mut tags = Tags::new();
            tags.insert(TAG_TENANT.into(), tenant_id(&c.name));
            tags.insert(TAG_TIER.into(), tier.key.clone());
            tags.insert(TAG_FRAMEWORK.into(), tier.framework.clone());
            let addr = &self.resources[account].address;
            let suffix = addr.split_once('.').map_or(addr.as_str(), |(_, s)| s);
            self.resources.push(Resource {
                address: [ResourceKind::Tags.terraform_type(), ".", suffix].concat(),
                kind: ResourceKind::Tags,
                deps: vec![account],
                customer: Some(i),
                spec: Spec::Tags { account, tags },
            });
        }
    }

    /// Two tiers in use with one OU name: both OUs go under the same parent, and the second
    /// CreateOrganizationalUnit fails (DuplicateOrganizationalUnitException). The finding's
    /// address is the next one that name would get.
    fn duplicate_tier_ous(&mut self) -> Vec<super::types::Finding> {
        let mut findings = Vec::new();
        let mut tier_of_ou: BTreeMap<&str, &str> = BTreeMap::new();
        for t in &self.tiers_in_use {
            let tier = &self.sc.tiers[*t];
            if let Some(first) = tier_of_ou.insert(tier.ou.as_str(), *t) {
                tier_of_ou.insert(tier.ou.as_str(), first);
                findings.push(super::types::Finding {
                    kind: "duplicate",
                    code: "DuplicateOrganizationalUnitException",
                    resource: self
                        .addresses
                        .address(ResourceKind::OrganizationalUnit, &tier.ou),
                    detail: format!(
                        "tiers `{first}` and `{t}` both name the OU `{}` under the same parent; AWS \
                         rejects the second one: give each tier its own `ou`",
                        tier.ou
                    ),
                });
            }
        }
        findings
    }
}
