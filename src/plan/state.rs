
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
                    assert!(tags.contains_key(crate::plan::TAG_TENANT), "{tags:?}");
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
