//! The deployer's state of an organization that exists (`[organization.existing]`): what earlier
//! applies made, with the ids they were given. The model starts holding it
//! (`OrgModel::for_scenario`), the engine refreshes it before its plan (the `refresh` phase),
//! and the new plan's resources already in it (the tier OUs, policies and attachments the
//! existing customers use) are no-ops that end `existing`.

use std::collections::BTreeMap;

use super::build::build;
use super::types::{InState, Plan, Spec, State};
use crate::org::types::{SharedStr, Tags};
use crate::scenario::Scenario;

/// The first account id given to an existing customer without an `account_id` of its own: far
/// above the model's counter (`100000000001` up), so no account it creates later has it.
const FIRST_STATE_ACCOUNT: u64 = 900_000_000_001;

/// The state of `sc`'s existing organization: the plan of its existing customers as an earlier
/// apply made it, ids given in plan order (OUs `ou-sim1-s0000001`, policies `p-s0000001`:
/// never a model counter's form; accounts their `account_id` or `9000000000NN`).
pub fn state(sc: &Scenario) -> State {
    if sc.existing.customers.is_empty() {
        return State::default();
    }
    let mut before = sc.clone();
    before.customers = sc.existing.customers.clone();
    before.existing = Default::default();
    let plan = build(&before);
    // Ids a customer claims are not given to another.
    let claimed: std::collections::BTreeSet<&str> = sc
        .customers
        .iter()
        .chain(&sc.existing.customers)
        .filter_map(|c| c.account_id.as_deref())
        .chain([sc.organization.management_account_id.as_str()])
        .collect();
    let mut next_account = FIRST_STATE_ACCOUNT;
    let (mut ous, mut policies) = (0u32, 0u32);
    let mut ids: Vec<Option<SharedStr>> = vec![None; plan.resources.len()];
    // Where each account resource of the plan went in `out.resources`.
    let mut entry_of: Vec<usize> = vec![usize::MAX; plan.resources.len()];
    let mut out = State {
        resources: Vec::with_capacity(plan.resources.len()),
        addresses: BTreeMap::new(),
    };
    for (i, r) in plan.resources.iter().enumerate() {
        let id_of = |j: usize| ids[j].clone().unwrap_or_default();
        let (id, entry): (SharedStr, InState) = match &r.spec {
            Spec::Ou { name, parent, .. } => {
                ous += 1;
                let id: SharedStr = format!("ou-sim1-s{ous:07}").into();
                let e = InState::Ou {
                    id: id.clone(),
                    name: name.clone(),
                    parent_id: parent.map(id_of),
                };
                (id, e)
            }
            Spec::Policy { name, content, .. } => {
                policies += 1;
                let id: SharedStr = format!("p-s{policies:07}").into();
                let e = InState::Policy {
                    id: id.clone(),
                    name: name.clone(),
                    content: content.clone(),
                };
                (id, e)
            }
            Spec::Attachment { policy, ou } => {
                let (policy_id, target_id) = (id_of(*policy), id_of(*ou));
                let id = format!("{target_id}:{policy_id}").into();
                let e = InState::Attachment {
                    policy_id,
                    target_id,
                };
                (id, e)
            }
            Spec::Account {
                customer,
                name,
                email,
                ou,
            } => {
                let id: SharedStr = match &before.customers[*customer].account_id {
                    Some(id) => id.as_str().into(),
                    None => loop {
                        let id = format!("{next_account:012}");
                        next_account += 1;
                        if !claimed.contains(id.as_str()) {
                            break id.into();
                        }
                    },
                };
                entry_of[i] = out.resources.len();
                let e = InState::Account {
                    id: id.clone(),
                    name: name.clone(),
                    email: email.clone(),
                    parent_id: id_of(*ou),
                    tags: Tags::new(),
                };
                (id, e)
            }
            Spec::Tags { account, tags } => {
                // An account's tags are its own attribute in state.
                if let Some(InState::Account { tags: t, .. }) =
                    out.resources.get_mut(entry_of[*account])
                {
                    *t = tags.clone();
                }
                continue;
            }
        };
        ids[i] = Some(id.clone());
        out.addresses.insert(r.address.clone(), id);
        out.resources.push(entry);
    }
    out
}

/// `plan` (the scenario's new customers) with `sc`'s existing organization: its state, and the
/// ids of its resources already in state.
pub(super) fn with_state(sc: &Scenario, mut plan: Plan) -> Plan {
    let state = state(sc);
    if !state.is_empty() {
        plan.in_state = plan
            .resources
            .iter()
            .map(|r| state.addresses.get(&r.address).cloned())
            .collect();
        plan.state = state;
    }
    plan
}

impl Plan {
    /// The id of resource `i` when it is already in state (a no-op of this apply).
    pub(crate) fn state_id(&self, i: usize) -> Option<&SharedStr> {
        self.in_state.get(i).and_then(Option::as_ref)
    }

    /// This plan applied over `state` (what earlier applies made, `State::absorb`): its
    /// resources whose address is in it are no-ops, and the apply refreshes all of it.
    pub(crate) fn over_state(mut self, state: State) -> Plan {
        self.in_state = if state.is_empty() {
            Vec::new()
        } else {
            self.resources
                .iter()
                .map(|r| state.addresses.get(&r.address).cloned())
                .collect()
        };
        self.state = state;
        self
    }
}

impl State {
    /// Adds what an apply of `plan` made to the state, as Terraform writes each resource it
    /// created: every resource not yet in state for which `made(i)` gives the id it ended
    /// with, in plan order (an account's tags as the account's attribute, their address kept
    /// so that they are a no-op next time). A resource that failed is not written; an account
    /// whose creation outlived the wait is not either (the orphan).
    pub(crate) fn absorb(&mut self, plan: &Plan, made: impl Fn(usize) -> Option<SharedStr>) {
        let id_at = |state: &State, j: usize| -> SharedStr {
            state
                .addresses
                .get(&plan.resources[j].address)
                .cloned()
                .unwrap_or_default()
        };
        for (i, r) in plan.resources.iter().enumerate() {
            if plan.state_id(i).is_some() || self.addresses.contains_key(&r.address) {
                continue;
            }
            let Some(id) = made(i) else {
                continue;
            };
            let entry = match &r.spec {
                Spec::Ou { name, parent, .. } => InState::Ou {
                    id: id.clone(),
                    name: name.clone(),
                    parent_id: parent.map(|p| id_at(self, p)),
                },
                Spec::Policy { name, content, .. } => InState::Policy {
                    id: id.clone(),
                    name: name.clone(),
                    content: content.clone(),
                },
                Spec::Attachment { policy, ou } => InState::Attachment {
                    policy_id: id_at(self, *policy),
                    target_id: id_at(self, *ou),
                },
                Spec::Account {
                    name, email, ou, ..
                } => InState::Account {
                    id: id.clone(),
                    name: name.clone(),
                    email: email.clone(),
                    parent_id: id_at(self, *ou),
                    tags: Tags::new(),
                },
                Spec::Tags { tags, .. } => {
                    // The account's entry (written before its tags, or by an earlier apply).
                    let entry = self
                        .resources
                        .iter_mut()
                        .rev()
                        .find(|e| matches!(e, InState::Account { id: a, .. } if *a == id));
                    if let Some(InState::Account { tags: t, .. }) = entry {
                        *t = tags.clone();
                    }
                    self.addresses.insert(r.address.clone(), id);
                    continue;
                }
            };
            self.addresses.insert(r.address.clone(), id);
            self.resources.push(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::model::OrgModel;

    fn scenario(existing: usize) -> Scenario {
        let mut sc = crate::engine::tests::scenario(3);
        sc.organization.account_quota = 1000;
        sc.with_existing(existing)
    }

    /// Every id is given once, an attachment names a policy and an OU in state, an account's
    /// OU is in state and its tags are the plan's.
    #[test]
    fn the_state_names_what_it_holds() {
        let st = state(&scenario(50));
        assert_eq!(st.accounts(), 50);
        let mut ids = std::collections::BTreeSet::new();
        let mut ous = std::collections::BTreeSet::new();
        let mut policies = std::collections::BTreeSet::new();
        for r in &st.resources {
            match r {
                InState::Ou { id, .. } => {
                    assert!(ids.insert(id.clone()), "{id} twice");
                    ous.insert(id.clone());
                }
                InState::Policy { id, .. } => {
                    assert!(ids.insert(id.clone()), "{id} twice");
                    policies.insert(id.clone());
                }
                InState::Attachment {
                    policy_id,
                    target_id,
                } => {
                    assert!(policies.contains(policy_id) && ous.contains(target_id));
                }
                InState::Account {
                    id,
                    parent_id,
                    tags,
                    ..
                } => {
                    assert!(ids.insert(id.clone()), "{id} twice");
                    assert!(ous.contains(parent_id));
                    assert!(
                        tags.contains_key(crate::plan::types::TAG_TENANT),
                        "{tags:?}"
                    );
                }
            }
        }
        assert!(state(&scenario(0)).is_empty());
    }

    /// The new plan's shared resources already in state are its no-ops; its accounts are not.
    #[test]
    fn the_new_plan_knows_what_is_in_state() {
        let sc = scenario(10);
        let plan = crate::plan::build(&sc);
        assert_eq!(plan.in_state.len(), plan.resources.len());
        for (i, r) in plan.resources.iter().enumerate() {
            let known = plan.state_id(i).is_some();
            match r.spec {
                Spec::Account { .. } | Spec::Tags { .. } => assert!(!known, "{}", r.address),
                _ => assert!(known, "{} is used by the existing customers", r.address),
            }
        }
        assert!(crate::plan::build(&scenario(0)).in_state.is_empty());
    }

    /// The model holds the state: the same organization whether it builds the state itself or
    /// is given the plan's.
    #[test]
    fn the_model_holds_the_state() {
        let sc = scenario(25);
        let plan = crate::plan::build(&sc);
        let a = OrgModel::for_scenario(&sc).into_snapshot(0);
        let b = OrgModel::for_plan(&sc, &plan).into_snapshot(0);
        assert_eq!(a, b);
        // The management account and 25 existing customers, each in its tier's OU.
        assert_eq!(a.accounts.len(), 1 + 25);
        let in_ous = a
            .accounts
            .iter()
            .filter(|acc| a.ous.iter().any(|o| o.id == acc.parent_id))
            .count();
        assert_eq!(in_ous, 25);
    }
}
