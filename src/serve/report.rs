//! The report of what the real client did: the served requests mapped onto the scenario's
//! plan (accounts by email, OUs by name under their parent, policies by name, attachments by
//! their (policy, OU) pair, an account's tags by its account) and gathered into the engine's
//! [`Trace`], so that `analysis::analyze` and `report::out_files` judge and draw the client's
//! apply exactly as they do a simulated one. Sans-IO: the requests, their model times and the
//! final organization in, the trace out; the same requests at the same times give the same
//! trace.
//!
//! A resource starts with the first request mapped to it and is done with the request that
//! made it (CreateOrganizationalUnit, CreatePolicy, AttachPolicy, TagResource answered; for an
//! account, the first status that showed its creation SUCCEEDED), followed by the client's
//! read-back: the requests mapped to it that follow, each within [`READBACK_GAP_MS`] (of wall
//! time) of the one before. Later requests for a done resource (a second plan's refresh) are
//! counted in the API statistics but drawn on no resource's row. Waits are what the requests
//! show: the time between a failed request and the next of the same operation for the
//! resource is backoff, between two status polls of an account in progress polling.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::engine::trace::{
    CallRecord, Failure, Outcome, ResourceRecord, Tally, Trace, Wait, WaitKind,
};
use crate::org::types::{
    CreateAccountFailureReason, CreateAccountState, ErrorCode, Operation, OrgSnapshot, Request,
    Response, SharedStr,
};
use crate::plan::{Plan, Spec};

/// Wall-clock milliseconds within which a request for a done resource still counts as its
/// read-back (the provider's Read after Create comes within milliseconds; a second `terraform
/// plan` starts seconds later, the provider's own start).
pub(crate) const READBACK_GAP_MS: u64 = 3_000;

/// What a request names, as the request says it (ids resolved at report time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    /// A request for no resource of the plan's (ListRoots, ListAccounts, ...).
    None,
    /// An OU, a policy or an account by its id (or a parent: the root is no resource).
    Id(SharedStr),
    /// CreateOrganizationalUnit: its name under a parent id.
    OuName { parent: SharedStr, name: SharedStr },
    /// CreatePolicy: its name.
    PolicyName(SharedStr),
    /// AttachPolicy, DetachPolicy: (policy id, target id).
    Attach(SharedStr, SharedStr),
    /// CreateAccount: its email.
    Email(SharedStr),
    /// DescribeCreateAccountStatus: the creation request's id.
    Creation(SharedStr),
    /// TagResource, UntagResource: the tagged resource's id.
    Tags(SharedStr),
    /// ListTargetsForPolicy: the policy's id.
    Targets(SharedStr),
}

impl Key {
    /// What `req` names.
    pub(crate) fn of(req: &Request) -> Key {
        match req {
            Request::CreateOrganizationalUnit {
                parent_id, name, ..
            } => Key::OuName {
                parent: parent_id.clone(),
                name: name.clone(),
            },
            Request::CreatePolicy { name, .. } => Key::PolicyName(name.clone()),
            Request::AttachPolicy {
                policy_id,
                target_id,
            }
            | Request::DetachPolicy {
                policy_id,
                target_id,
            } => Key::Attach(policy_id.clone(), target_id.clone()),
            Request::CreateAccount { email, .. } => Key::Email(email.clone()),
            Request::DescribeCreateAccountStatus {
                create_account_request_id,
            } => Key::Creation(create_account_request_id.clone()),
            Request::TagResource { resource_id, .. }
            | Request::UntagResource { resource_id, .. } => Key::Tags(resource_id.clone()),
            Request::ListTargetsForPolicy { policy_id } => Key::Targets(policy_id.clone()),
            Request::DescribeOrganizationalUnit {
                organizational_unit_id,
            }
            | Request::UpdateOrganizationalUnit {
                organizational_unit_id,
                ..
            }
            | Request::DeleteOrganizationalUnit {
                organizational_unit_id,
            } => Key::Id(organizational_unit_id.clone()),
            Request::DescribePolicy { policy_id }
            | Request::UpdatePolicy { policy_id, .. }
            | Request::DeletePolicy { policy_id } => Key::Id(policy_id.clone()),
            Request::MoveAccount { account_id, .. } | Request::DescribeAccount { account_id } => {
                Key::Id(account_id.clone())
            }
            Request::ListParents { child_id } => Key::Id(child_id.clone()),
            Request::ListAccountsForParent { parent_id }
            | Request::ListOrganizationalUnitsForParent { parent_id } => Key::Id(parent_id.clone()),
            Request::ListTagsForResource { resource_id } => Key::Id(resource_id.clone()),
            Request::ListPoliciesForTarget { target_id } => Key::Id(target_id.clone()),
            Request::ListChildren { parent_id, .. } => Key::Id(parent_id.clone()),
            Request::RemoveAccountFromOrganization { account_id }
            | Request::CloseAccount { account_id } => Key::Id(account_id.clone()),
            Request::EnablePolicyType { .. } => Key::None,
            Request::ListRoots
            | Request::DescribeOrganization
            | Request::ListAWSServiceAccessForOrganization
            | Request::ListAccounts
            | Request::ListPolicies
            | Request::ListCreateAccountStatus => Key::None,
        }
    }
}

/// One request the model answered, as the report needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seen {
    pub seq: u64,
    pub op: Operation,
    pub at_ms: u64,
    /// Its arrival plus the latency the model drew (the answer's time).
    pub end_ms: u64,
    pub key: Key,
    pub error: Option<ErrorCode>,
    pub message: String,
    /// A creation status answered (CreateAccount, DescribeCreateAccountStatus).
    pub state: Option<(CreateAccountState, Option<CreateAccountFailureReason>)>,
}

/// What an id was seen to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Name {
    Ou {
        name: SharedStr,
        parent: Option<SharedStr>,
    },
    Policy(SharedStr),
    Account(SharedStr),
    /// A creation request, by the email it creates.
    Creation(SharedStr),
}

/// The ids a request or its answer made known: an OU's, a policy's, an account's, a
/// creation request's.
pub(crate) fn learn(names: &mut BTreeMap<String, Name>, req: &Request, resp: &Response) {
    let mut put = |id: &SharedStr, n: Name| {
        names.entry(id.to_string()).or_insert(n);
    };
    match (req, resp) {
        (Request::CreateOrganizationalUnit { parent_id, .. }, Response::OrganizationalUnit(o)) => {
            put(
                &o.id,
                Name::Ou {
                    name: o.name.clone(),
                    parent: Some(parent_id.clone()),
                },
            )
        }
        (
            Request::ListOrganizationalUnitsForParent { parent_id },
            Response::OrganizationalUnits(v),
        ) => {
            for o in v {
                put(
                    &o.id,
                    Name::Ou {
                        name: o.name.clone(),
                        parent: Some(parent_id.clone()),
                    },
                )
            }
        }
        (_, Response::OrganizationalUnit(o)) => put(
            &o.id,
            Name::Ou {
                name: o.name.clone(),
                parent: None,
            },
        ),
        (_, Response::Policy(p)) => put(&p.id, Name::Policy(p.name.clone())),
        (_, Response::PolicyDocument { summary, .. }) => {
            put(&summary.id, Name::Policy(summary.name.clone()))
        }
        (_, Response::Policies(v)) => {
            for p in v {
                put(&p.id, Name::Policy(p.name.clone()))
            }
        }
        (_, Response::Account(a)) => put(&a.id, Name::Account(a.email.clone())),
        (_, Response::Accounts(v)) => {
            for a in v {
                put(&a.id, Name::Account(a.email.clone()))
            }
        }
        _ => {}
    }
    let statuses: &[_] = match resp {
        Response::CreateAccountStatus(c) => std::slice::from_ref(c),
        Response::CreateAccountStatuses(v) => v,
        _ => &[],
    };
    for c in statuses {
        if let Request::CreateAccount { email, .. } = req {
            names
                .entry(c.id.to_string())
                .or_insert(Name::Creation(email.clone()));
        }
        if let (Some(acct), Some(Name::Creation(email))) =
            (&c.account_id, names.get(c.id.as_str()).cloned())
        {
            names
                .entry(acct.to_string())
                .or_insert(Name::Account(email));
        }
    }
}

/// The ids of an organization's OUs, policies and accounts.
pub(crate) fn learn_snapshot(names: &mut BTreeMap<String, Name>, snap: &OrgSnapshot) {
    for o in &snap.ous {
        names.entry(o.id.to_string()).or_insert(Name::Ou {
            name: o.name.clone(),
            parent: Some(o.parent_id.clone()),
        });
    }
    for p in &snap.policies {
        names
            .entry(p.id.to_string())
            .or_insert(Name::Policy(p.name.clone()));
    }
    for a in &snap.accounts {
        names
            .entry(a.id.to_string())
            .or_insert(Name::Account(a.email.clone()));
    }
}

/// The plan's resources by what names them.
struct Index<'a> {
    plan: &'a Plan,
    names: &'a BTreeMap<String, Name>,
    root_id: &'a str,
    /// (parent OU's resource, or `None` for the root; name) → OU resource.
    ous: BTreeMap<(Option<usize>, &'a str), usize>,
    ous_by_name: BTreeMap<&'a str, Vec<usize>>,
    policies: BTreeMap<&'a str, usize>,
    attachments: BTreeMap<(usize, usize), usize>,
    /// Policy resource → its attachments.
    attachments_of: BTreeMap<usize, Vec<usize>>,
    accounts: BTreeMap<&'a str, usize>,
    /// Account resource → its tags resource.
    tags_of: BTreeMap<usize, usize>,
}

impl<'a> Index<'a> {
    fn new(plan: &'a Plan, names: &'a BTreeMap<String, Name>, root_id: &'a str) -> Index<'a> {
        let mut ix = Index {
            plan,
            names,
            root_id,
            ous: BTreeMap::new(),
            ous_by_name: BTreeMap::new(),
            policies: BTreeMap::new(),
            attachments: BTreeMap::new(),
            attachments_of: BTreeMap::new(),
            accounts: BTreeMap::new(),
            tags_of: BTreeMap::new(),
        };
        for (i, r) in plan.resources.iter().enumerate() {
            match &r.spec {
                Spec::Ou { name, parent, .. } => {
                    ix.ous.insert((*parent, name.as_str()), i);
                    ix.ous_by_name.entry(name.as_str()).or_default().push(i);
                }
                Spec::Policy { name, .. } => {
                    ix.policies.insert(name.as_str(), i);
                }
                Spec::Attachment { policy, ou } => {
                    ix.attachments.insert((*policy, *ou), i);
                    ix.attachments_of.entry(*policy).or_default().push(i);
                }
                Spec::Account { email, .. } => {
                    ix.accounts.insert(email.as_str(), i);
                }
                Spec::Tags { account, .. } => {
                    ix.tags_of.insert(*account, i);
                }
            }
        }
        ix
    }

    /// The OU resource of an OU named `name` under `parent` (an id): by its parent's resource
    /// when the parent is known, else by its name alone when one planned OU has it.
    fn ou(&self, parent: Option<&str>, name: &str, depth: usize) -> Option<usize> {
        match parent {
            Some(p) if p == self.root_id => self.ous.get(&(None, name)).copied(),
            Some(p) if depth < 8 => match self.ou_id(p, depth + 1) {
                Some(pi) => self.ous.get(&(Some(pi), name)).copied(),
                None => None,
            },
            _ => match self.ous_by_name.get(name).map(Vec::as_slice) {
                Some([one]) => Some(*one),
                _ => None,
            },
        }
    }

    fn ou_id(&self, id: &str, depth: usize) -> Option<usize> {
        match self.names.get(id)? {
            Name::Ou { name, parent } => self.ou(parent.as_deref(), name, depth),
            _ => None,
        }
    }

    /// The resource an id names (an OU, a policy, an account).
    fn id(&self, id: &str) -> Option<usize> {
        match self.names.get(id)? {
            Name::Ou { .. } => self.ou_id(id, 0),
            Name::Policy(name) => self.policies.get(name.as_str()).copied(),
            Name::Account(email) => self.accounts.get(email.as_str()).copied(),
            Name::Creation(email) => self.accounts.get(email.as_str()).copied(),
        }
    }

    fn resource(&self, key: &Key) -> Option<usize> {
        match key {
            Key::None => None,
            Key::Id(id) | Key::Creation(id) => self.id(id),
            Key::OuName { parent, name } => self.ou(Some(parent), name, 0),
            Key::PolicyName(name) => self.policies.get(name.as_str()).copied(),
            Key::Attach(p, t) => {
                let p = self.id(p)?;
                let t = self.ou_id(t, 0)?;
                self.attachments.get(&(p, t)).copied()
            }
            Key::Email(email) => self.accounts.get(email.as_str()).copied(),
            Key::Tags(id) => {
                let r = self.id(id)?;
                match self.plan.resources[r].spec {
                    Spec::Account { .. } => self.tags_of.get(&r).copied(),
                    _ => Some(r),
                }
            }
            Key::Targets(p) => {
                let p = self.id(p)?;
                match self.attachments_of.get(&p).map(Vec::as_slice) {
                    Some([one]) => Some(*one),
                    _ => Some(p),
                }
            }
        }
    }
}

/// Whether `call` is the one that made resource `spec` (its creation confirmed).
fn makes(spec: &Spec, c: &Seen) -> bool {
    if c.error.is_some() {
        return false;
    }
    match spec {
        Spec::Ou { .. } => c.op == Operation::CreateOrganizationalUnit,
        Spec::Policy { .. } => c.op == Operation::CreatePolicy,
        Spec::Attachment { .. } => c.op == Operation::AttachPolicy,
        Spec::Account { .. } => matches!(c.state, Some((CreateAccountState::Succeeded, _))),
        Spec::Tags { .. } => c.op == Operation::TagResource,
    }
}

/// The served requests as the engine's trace of `plan`, with the organization they left
/// (`snap`); `first_request_ms` is the model time of the first request of any kind (the
/// client's own time before it is its overhead), `scale` the server's time scale (model ms
/// per wall ms).
pub(crate) fn trace(
    plan: &Plan,
    seen: &[Seen],
    names: &BTreeMap<String, Name>,
    snap: &OrgSnapshot,
    first_request_ms: Option<u64>,
    scale: f64,
) -> Trace {
    let n = plan.resources.len();
    let gap_ms = (READBACK_GAP_MS as f64 * scale).min(u64::MAX as f64 / 2.0) as u64;
    let mut all = names.clone();
    learn_snapshot(&mut all, snap);
    let ix = Index::new(plan, &all, &snap.root_id);
    let mapped: Vec<Option<usize>> = seen.iter().map(|c| ix.resource(&c.key)).collect();
    let mut of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, r) in mapped.iter().enumerate() {
        if let Some(r) = r {
            of[*r].push(k);
        }
    }
    // Each resource: its calls until done and read back; how it ended.
    let mut resources = vec![ResourceRecord::default(); n];
    let mut owner: Vec<Option<usize>> = vec![None; seen.len()];
    let snap_ix = snap.index();
    let ids = resource_ids(plan, snap, &ix);
    // The ids the answers gave, for a resource made and gone since (a destroy).
    let mut made: Vec<Option<String>> = vec![None; n];
    for (id, name) in &all {
        if !matches!(name, Name::Creation(_)) {
            if let Some(i) = ix.id(id) {
                made[i].get_or_insert_with(|| id.clone());
            }
        }
    }
    for (i, r) in plan.resources.iter().enumerate() {
        made[i] = match &r.spec {
            Spec::Attachment { policy, ou } => match (&made[*ou], &made[*policy]) {
                (Some(o), Some(p)) => Some(format!("{o}:{p}")),
                _ => None,
            },
            Spec::Tags { account, .. } => made[*account].clone(),
            _ => made[i].take(),
        };
    }
    for i in 0..n {
        let spec = &plan.resources[i].spec;
        let calls = &of[i];
        let done = calls.iter().position(|&k| makes(spec, &seen[k]));
        let mut last = calls.len();
        if let Some(d) = done {
            last = d + 1;
            let mut end = seen[calls[d]].end_ms;
            while last < calls.len() && seen[calls[last]].at_ms <= end.saturating_add(gap_ms) {
                end = end.max(seen[calls[last]].end_ms);
                last += 1;
            }
        }
        let mine = &calls[..last];
        for &k in mine {
            owner[k] = Some(i);
        }
        let rec = &mut resources[i];
        rec.start_ms = mine.first().map(|&k| seen[k].at_ms);
        rec.end_ms = mine.iter().map(|&k| seen[k].end_ms).max();
        // Waits: backoff after a failure, polling while in progress.
        for w in mine.windows(2) {
            let (a, b) = (&seen[w[0]], &seen[w[1]]);
            let kind = if a.error.is_some() && a.op == b.op {
                WaitKind::Backoff
            } else if matches!(a.state, Some((CreateAccountState::InProgress, _)))
                && b.op == Operation::DescribeCreateAccountStatus
            {
                WaitKind::Poll
            } else {
                continue;
            };
            if b.at_ms > a.end_ms {
                rec.waits.push(Wait {
                    start_ms: a.end_ms,
                    end_ms: b.at_ms,
                    kind,
                });
            }
        }
        if let Some(c) = mine.iter().rev().find_map(|&k| match seen[k].key {
            Key::Creation(ref id) => Some(id.to_string()),
            _ => None,
        }) {
            rec.create_request_id = Some(c);
        }
        let failed_creation = mine.iter().find_map(|&k| match seen[k].state {
            Some((CreateAccountState::Failed, reason)) => Some((k, reason)),
            _ => None,
        });
        let id = ids[i].clone();
        let rec = &mut resources[i];
        rec.outcome = match (done, failed_creation, id) {
            (Some(_), _, Some(id)) => Outcome::Created { id: id.into() },
            // Made, and gone from the organization since (deleted, removed): made all the
            // same; the validation matrix judges the organization as it stands.
            (Some(_), _, None) if made[i].is_some() => Outcome::Created {
                id: made[i].clone().unwrap_or_default().into(),
            },
            (_, Some((k, reason)), _) => {
                rec.failure_reason = reason;
                Outcome::Failed {
                    code: Failure::Creation(reason),
                    message: seen[k].message.clone(),
                }
            }
            // In the organization without a call that made it: there before, or made by
            // calls the report does not see (an account created in the plan's email with its
            // status never asked for).
            (None, None, Some(id)) => Outcome::Existing { id: id.into() },
            _ => match mine.last().map(|&k| &seen[k]) {
                Some(Seen {
                    error: Some(e),
                    message,
                    ..
                }) => Outcome::Failed {
                    code: Failure::Api(e.clone()),
                    message: message.clone(),
                },
                _ => Outcome::Pending,
            },
        };
    }
    // The tags of an account created with them: applied with its creation.
    for i in 0..n {
        let Spec::Tags { account, tags } = &plan.resources[i].spec else {
            continue;
        };
        if matches!(resources[i].outcome, Outcome::Created { .. })
            || !resources[*account].outcome.is_success()
        {
            continue;
        }
        let Some(acct) = resources[*account]
            .outcome
            .id()
            .and_then(|id| snap_ix.account(id))
        else {
            continue;
        };
        if tags.iter().all(|(k, v)| acct.tags.get(k) == Some(v)) {
            let (start, end) = (resources[*account].start_ms, resources[*account].end_ms);
            let rec = &mut resources[i];
            rec.outcome = Outcome::Created {
                id: acct.id.clone(),
            };
            rec.start_ms = rec.start_ms.or(start);
            rec.end_ms = rec.end_ms.max(end);
        }
    }
    // Ready when its dependencies were done (or at its start, with none).
    for i in 0..n {
        let deps = plan.resources[i]
            .deps
            .iter()
            .map(|&d| resources[d].end_ms)
            .max()
            .flatten();
        let start = resources[i].start_ms;
        resources[i].ready_ms = match (deps, start) {
            (Some(d), Some(s)) => Some(d.min(s)),
            (None, s) => s,
            (d, None) => d,
        };
    }
    // A resource never asked for whose dependency failed: skipped.
    for i in 0..n {
        if resources[i].outcome == Outcome::Pending && resources[i].start_ms.is_none() {
            if let Some(&d) = plan.resources[i]
                .deps
                .iter()
                .find(|&&d| !resources[d].outcome.is_success())
            {
                if resources[d].outcome != Outcome::Pending {
                    resources[i].outcome = Outcome::Skipped { cause: d };
                }
            }
        }
    }
    // The calls: attempts counted per resource and operation (a call after a failed one of
    // the same operation is its retry).
    let mut calls = Vec::with_capacity(seen.len());
    let mut tally = Tally::default();
    let mut last_failed: BTreeMap<(usize, Operation), u32> = BTreeMap::new();
    for (k, c) in seen.iter().enumerate() {
        let resource = owner[k];
        let attempt = match resource {
            Some(r) => {
                let a = last_failed.get(&(r, c.op)).copied().unwrap_or(0) + 1;
                if c.error.is_some() {
                    last_failed.insert((r, c.op), a);
                } else {
                    last_failed.remove(&(r, c.op));
                }
                a
            }
            None => 1,
        };
        let rec = CallRecord {
            id: c.seq,
            resource,
            op: c.op,
            attempt,
            provider_try: 1,
            start_ms: c.at_ms,
            end_ms: Some(c.end_ms),
            error: c.error.clone(),
            message: Cow::Owned(c.message.clone()),
        };
        tally.calls += 1;
        if rec.is_retry() {
            tally.retries += 1;
        }
        if let Some(e) = &c.error {
            tally.errors.push((resource, e.clone()));
        }
        calls.push(rec);
    }
    let calls_end_ms = seen.iter().map(|c| c.end_ms).max().unwrap_or(0);
    let end_ms = resources.iter().filter_map(|r| r.end_ms).max().unwrap_or(0);
    let max_resources_in_flight = most_at_once(
        resources
            .iter()
            .filter_map(|r| Some((r.start_ms?, r.end_ms?))),
    );
    let max_calls_in_flight = most_at_once(seen.iter().map(|c| (c.at_ms, c.end_ms)));
    Trace {
        calls,
        tally,
        calls_end_ms,
        resources,
        first_call_ms: first_request_ms
            .or_else(|| seen.first().map(|c| c.at_ms))
            .unwrap_or(0),
        end_ms,
        max_resources_in_flight,
        max_calls_in_flight,
        retry_quota_exhausted: 0,
        // What serve saw is one apply's calls; a refresh is not told apart from them.
        refresh: None,
        // Serve does not settle its creations for the client: none is told apart.
        orphans: Vec::new(),
    }
}

/// The id of each resource in the final organization, where it is there as planned (an
/// attachment's id as the engine makes it, `OU:POLICY`; a tags resource's, its account's once
/// its tags are the plan's).
fn resource_ids(plan: &Plan, snap: &OrgSnapshot, ix: &Index<'_>) -> Vec<Option<String>> {
    let n = plan.resources.len();
    let mut ids: Vec<Option<String>> = vec![None; n];
    for o in &snap.ous {
        if let Some(i) = ix.ou_id(&o.id, 0) {
            ids[i].get_or_insert_with(|| o.id.to_string());
        }
    }
    for p in snap.policies.iter().filter(|p| !p.aws_managed) {
        if let Some(&i) = ix.policies.get(p.name.as_str()) {
            ids[i].get_or_insert_with(|| p.id.to_string());
        }
    }
    for a in &snap.accounts {
        if let Some(&i) = ix.accounts.get(a.email.as_str()) {
            ids[i].get_or_insert_with(|| a.id.to_string());
        }
    }
    let attached: std::collections::BTreeSet<(&str, &str)> = snap
        .attachments
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let snap_ix = snap.index();
    for (i, r) in plan.resources.iter().enumerate() {
        match &r.spec {
            Spec::Attachment { policy, ou } => {
                if let (Some(p), Some(o)) = (&ids[*policy], &ids[*ou]) {
                    if attached.contains(&(p.as_str(), o.as_str())) {
                        ids[i] = Some(format!("{o}:{p}"));
                    }
                }
            }
            Spec::Tags { account, tags } => {
                let acct = ids[*account].as_deref().and_then(|a| snap_ix.account(a));
                if let Some(acct) = acct {
                    if tags.iter().all(|(k, v)| acct.tags.get(k) == Some(v)) {
                        ids[i] = Some(acct.id.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    ids
}

/// The most intervals `[start, end)` open at once.
fn most_at_once(spans: impl Iterator<Item = (u64, u64)>) -> usize {
    let mut edges: Vec<(u64, i32)> = Vec::new();
    for (s, e) in spans {
        edges.push((s, 1));
        edges.push((e.max(s + 1), -1));
    }
    // Ends before starts at the same instant.
    edges.sort();
    let (mut open, mut most) = (0i64, 0i64);
    for (_, d) in edges {
        open += d as i64;
        most = most.max(open);
    }
    most as usize
}
