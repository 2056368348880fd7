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
