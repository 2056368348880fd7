//! The pre-flight checks: what AWS (or the deployer) would trip over, found before anything is
//! sent (findings, reported as unresolved conflicts), and advice that fails nothing
//! (advisories).

use std::collections::{BTreeMap, HashMap};

use super::types::{slug, Finding, Plan, Resource, ResourceKind, Spec};
use crate::config::OuLayout;
use crate::scenario::Scenario;

/// Each customer's duplicates, in customer order: an email, a name (its address was renamed), a
/// claimed account id used before, the management account's email or id.
pub(super) fn customer_findings(
    sc: &Scenario,
    resources: &[Resource],
    account_of_customer: &[usize],
) -> Vec<Finding> {
    let n_customers = sc.customers.len();
    let mut findings = Vec::new();
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
    findings
}

/// Depth: AWS allows `max_ou_depth` levels below the root; the first OU deeper than that.
pub(super) fn depth_finding(sc: &Scenario, resources: &[Resource]) -> Option<Finding> {
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
    let deep = (0..resources.len())
        .filter(|&i| resources[i].kind == ResourceKind::OrganizationalUnit)
        .find(|&i| depth(i) > sc.service.max_ou_depth as usize)?;
    Some(Finding {
        kind: "quota",
        code: "ConstraintViolationException:OU_DEPTH_LIMIT_EXCEEDED",
        resource: resources[deep].address.clone(),
        detail: format!(
            "this OU would sit {} levels below the root; AWS allows {}",
            depth(deep),
            sc.service.max_ou_depth
        ),
    })
}

/// OU navigation: the brief's "Issue 1", an OU holding more accounts than people can browse.
pub(super) fn navigation_advisories(
    sc: &Scenario,
    resources: &[Resource],
    leaf_of_customer: &[usize],
) -> Vec<Finding> {
    let org = &sc.organization;
    let mut advisories = Vec::new();
    let mut per_leaf: BTreeMap<usize, usize> = BTreeMap::new();
    for &leaf in leaf_of_customer {
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
    advisories
}

/// People costed twice: `[operations]` staffs the support desk, and a `[[costs]]` line looks
/// like support staff too.
pub(super) fn double_counting_advisories(sc: &Scenario) -> Vec<Finding> {
    let mut advisories = Vec::new();
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
    advisories
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
    let before = 1 + org.existing_accounts as usize + sc.existing.customers.len();
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
            org.existing_accounts as usize + sc.existing.customers.len()
        ),
    })
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
