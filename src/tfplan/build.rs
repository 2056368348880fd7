//! The plan's instances → orgsim's [`Plan`]: which are created and which are in state, each
//! instance's parent, policy and target resolved, the dependencies joined, the state's ids
//! renumbered, the resources put in dependency order, and the customers the accounts stand for.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::locate::Seg;
use super::read::{self, key, Change, Doc};
use super::types::{Imported, Options, UNMAPPED_TIER};
use crate::org::types::{SharedStr, Tags};
use crate::plan::{InState, OuRole, Plan, Resource, ResourceKind, Spec, State};
use crate::scenario::{Customer, Scenario, ScenarioError};

/// The first account id given to an account in state (as `plan::state` gives them).
const FIRST_STATE_ACCOUNT: u64 = 900_000_000_001;

/// A policy whose document the plan does not know yet (computed at apply time).
const UNKNOWN_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ou,
    Policy,
    Attachment,
    Account,
}

impl Kind {
    fn of(ty: &str) -> Option<Kind> {
        Some(match ty {
            "aws_organizations_organizational_unit" => Kind::Ou,
            "aws_organizations_policy" => Kind::Policy,
            "aws_organizations_policy_attachment" => Kind::Attachment,
            "aws_organizations_account" => Kind::Account,
            _ => return None,
        })
    }
}

/// What the apply does with an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// `create`: to apply.
    Create,
    /// `no-op`, `update`, `read`: in state, refreshed, existing.
    Existing,
    /// `delete`: in state (refreshed), not destroyed (orgsim applies no deletes).
    Delete,
    /// `delete, create` or `create, delete`: in state and created again.
    Replace,
}

/// One Organizations instance of the plan.
struct Inst<'v> {
    ch: &'v Change<'v>,
    kind: Kind,
    fate: Fate,
    /// What it will be (`change.after`) for a creation, what it is (`prior_state`) otherwise.
    values: &'v Map<String, Value>,
    /// Its values in state (`prior_state`, else `change.before`), when it is in state.
    prior: Option<&'v Map<String, Value>>,
    /// Its configuration block: (module path, address in the module).
    block: (String, String),
    /// Its instance key as text.
    key: Option<String>,
}

impl Inst<'_> {
    fn str(&self, k: &str) -> Option<&str> {
        self.values.get(k).and_then(Value::as_str)
    }

    fn in_state(&self) -> bool {
        self.fate != Fate::Create
    }

    fn planned(&self) -> bool {
        self.fate != Fate::Delete
    }

    fn path(&self) -> Vec<Seg> {
        vec![key("resource_changes"), Seg::Index(self.ch.at)]
    }

    fn tags(&self) -> Tags {
        let mut t = Tags::new();
        if let Some(Value::Object(m)) = self.values.get("tags") {
            for (k, v) in m {
                if let Some(v) = v.as_str() {
                    t.insert(k.as_str().into(), v.into());
                }
            }
        }
        t
    }
}

/// What an instance's attribute (`parent_id`, `policy_id`, `target_id`) names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Named {
    /// Another instance of the plan.
    Inst(usize),
    /// The organization's root.
    Root,
    /// Something outside the plan (its id).
    Outside(String),
    /// Nothing it could be resolved to.
    Unresolved,
}

pub(super) fn build(
    doc: &Doc<'_>,
    sc: &Scenario,
    opts: &Options,
) -> Result<Imported, ScenarioError> {
    let changes = read::changes(doc)?;
    let prior = read::prior_state(doc);
    let cfg = read::configuration(doc);
    let mut notes = Vec::new();
    let mut ignored: BTreeMap<&str, usize> = BTreeMap::new();
    let mut data = 0usize;
    let mut forgotten = 0usize;
    let mut insts: Vec<Inst<'_>> = Vec::new();
    for ch in &changes {
        if ch.mode == "data" {
            data += 1;
            continue;
        }
        let Some(kind) = Kind::of(&ch.ty) else {
            *ignored.entry(ch.ty.as_str()).or_insert(0) += 1;
            continue;
        };
        let at = vec![key("resource_changes"), Seg::Index(ch.at)];
        let acts: Vec<&str> = ch.actions.iter().map(String::as_str).collect();
        let fate = match acts.as_slice() {
            ["create"] => Fate::Create,
            ["no-op"] | ["update"] | ["read"] => Fate::Existing,
            ["delete"] => Fate::Delete,
            ["delete", "create"] | ["create", "delete"] => Fate::Replace,
            ["forget"] => {
                forgotten += 1;
                continue;
            }
            _ => {
                let mut p = at.clone();
                p.extend([key("change"), key("actions")]);
                return Err(doc.err(
                    &p,
                    format!(
                        "actions {:?} are not a Terraform plan's (create, no-op, update, \
                         read, delete, or a replace)",
                        acts.iter()
                            .map(|a| crate::text::clean(a))
                            .collect::<Vec<_>>()
                    ),
                ));
            }
        };
        let prior_values = match fate {
            Fate::Create => None,
            _ => match prior.get(ch.address.as_str()).copied().or(ch.before) {
                Some(p) => Some(p),
                None => {
                    return Err(doc.err(
                        &at,
                        format!(
                            "{} is in state (`{}`) but neither `prior_state` nor \
                             `change.before` holds its values",
                            crate::text::clean(&ch.address),
                            acts.join(", ")
                        ),
                    ))
                }
            },
        };
        let values = match (fate, prior_values) {
            (Fate::Existing | Fate::Delete, Some(p)) => p,
            _ => ch.after.ok_or_else(|| {
                let mut p = at.clone();
                p.push(key("change"));
                doc.err(
                    &p,
                    "a resource to create has no `change.after` object".into(),
                )
            })?,
        };
        let key_text = ch.index.map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        insts.push(Inst {
            ch,
            kind,
            fate,
            values,
            prior: prior_values,
            block: (
                read::module_path(&ch.module),
                format!("{}.{}", ch.ty, ch.name),
            ),
            key: key_text,
        });
    }
    // Text that reaches a terminal and the reports: no control character but a newline or a
    // tab, as in a scenario.
    for inst in &insts {
        let side = if inst.fate == Fate::Create {
            "after"
        } else {
            "before"
        };
        if let Some((field, c)) = unsafe_text(&inst.ch.address, inst.values) {
            let mut p = inst.path();
            if let Some(f) = &field {
                p.extend([key("change"), key(side), key(f)]);
            } else {
                p.push(key("address"));
            }
            return Err(doc.err(
                &p,
                format!(
                    "the text holds the control character {c}: orgsim refuses control \
                     characters (other than a newline or a tab) in the plan's Organizations \
                     resources, which could drive the terminal or a report it is shown in"
                ),
            ));
        }
    }
    if insts.is_empty() {
        let others: Vec<String> = ignored.iter().map(|(t, n)| format!("{t} ×{n}")).collect();
        return Err(doc.err(
            &[key("resource_changes")],
            format!(
                "no Organizations resource orgsim models (aws_organizations_organizational_unit, \
                 _policy, _policy_attachment, _account) among {} resource change(s){}",
                changes.len(),
                if others.is_empty() {
                    String::new()
                } else {
                    format!(": {}", crate::text::clean(&others.join(", ")))
                }
            ),
        ));
    }
    for (t, n) in &ignored {
        notes.push(format!(
            "{n} × {} ignored (orgsim models OUs, policies, attachments and accounts)",
            crate::text::clean(t)
        ));
    }
    if data > 0 {
        notes.push(format!(
            "{data} data source read(s) in resource_changes ignored (the refresh reads the \
             organization as the provider's data source does)"
        ));
    }
    if forgotten > 0 {
        notes.push(format!("{forgotten} resource(s) to forget ignored"));
    }
    for (fate, what) in [
        (
            Fate::Delete,
            "to destroy: refreshed, not destroyed (orgsim applies no deletes)",
        ),
        (
            Fate::Replace,
            "to replace: refreshed, then created again beside the old",
        ),
    ] {
        let n = insts.iter().filter(|i| i.fate == fate).count();
        if n > 0 {
            notes.push(format!("{n} resource(s) {what}"));
        }
    }
    let updates = insts
        .iter()
        .filter(|i| i.ch.actions.iter().any(|a| a == "update"))
        .count();
    if updates > 0 {
        notes.push(format!(
            "{updates} in-place update(s) applied as no-ops (refreshed, then existing)"
        ));
    }

    // Instances by configuration block, and by the id they have in state.
    let mut of_block: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    let mut by_id: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, inst) in insts.iter().enumerate() {
        of_block
            .entry((inst.block.0.as_str(), inst.block.1.as_str()))
            .or_default()
            .push(i);
        if let Some(id) = inst.prior.and_then(|p| p.get("id")).and_then(Value::as_str) {
            by_id.entry(id).or_insert(i);
        }
    }
    for inst in insts.iter().filter(|i| i.in_state()) {
        if inst
            .prior
            .and_then(|p| p.get("id"))
            .and_then(Value::as_str)
            .is_none()
        {
            return Err(doc.err(
                &inst.path(),
                format!(
                    "{} is in state but has no `id` in prior_state",
                    crate::text::clean(&inst.ch.address)
                ),
            ));
        }
    }

    // What each instance's configuration references: the instances of those blocks.
    let mut referenced: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); insts.len()];
    for (i, inst) in insts.iter().enumerate() {
        let Some(block) = cfg.blocks.get(&inst.block) else {
            if cfg.present {
                return Err(doc.err(
                    &inst.path(),
                    format!(
                        "{} has no resource block in the configuration",
                        crate::text::clean(&inst.ch.address)
                    ),
                ));
            }
            continue;
        };
        let module = inst.block.0.as_str();
        for (r, at) in &block.refs {
            let parts: Vec<&str> = r.split('.').collect();
            let strip = |s: &str| s.split('[').next().unwrap_or(s).to_string();
            match parts.as_slice() {
                ["var" | "local" | "each" | "count" | "path" | "terraform" | "self" | "data", ..] =>
                    {}
                ["module", name, ..] => {
                    let prefix = if module.is_empty() {
                        format!("module.{}", strip(name))
                    } else {
                        format!("{module}.module.{}", strip(name))
                    };
                    for ((m, _), js) in &of_block {
                        if *m == prefix || m.starts_with(&format!("{prefix}.")) {
                            referenced[i].extend(js.iter().copied());
                        }
                    }
                }
                [ty, name, ..] => {
                    let address = format!("{ty}.{}", strip(name));
                    if !cfg
                        .blocks
                        .contains_key(&(module.to_string(), address.clone()))
                    {
                        return Err(doc.err(
                            at,
                            format!(
                                "{} references {}, which the configuration does not declare{}",
                                crate::text::clean(&inst.block.1),
                                crate::text::clean(&address),
                                if module.is_empty() {
                                    String::new()
                                } else {
                                    format!(" in {}", crate::text::clean(module))
                                }
                            ),
                        ));
                    }
                    if let Some(js) = of_block.get(&(module, address.as_str())) {
                        referenced[i].extend(js.iter().copied().filter(|&j| j != i));
                    }
                }
                _ => {}
            }
        }
    }
    if !cfg.present {
        notes.push(
            "no `configuration` in the plan: dependencies only from the ids its values name".into(),
        );
    }

    // Each instance's parent, policy and target.
    let mut guessed = 0usize;
    let resolve = |i: usize, attr: &str, want: &[Kind], guessed: &mut usize| -> Named {
        let inst = &insts[i];
        let unknown = inst
            .ch
            .after_unknown
            .filter(|_| inst.fate != Fate::Existing && inst.fate != Fate::Delete)
            .and_then(|u| u.get(attr))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !unknown {
            if let Some(id) = inst.str(attr) {
                return match by_id.get(id) {
                    Some(&j) if want.contains(&insts[j].kind) => Named::Inst(j),
                    _ if id.starts_with("r-") => Named::Root,
                    _ => Named::Outside(id.to_string()),
                };
            }
        }
        let cands: Vec<usize> = referenced[i]
            .iter()
            .copied()
            .filter(|&j| want.contains(&insts[j].kind) && insts[j].planned())
            .collect();
        match cands.as_slice() {
            [] => Named::Unresolved,
            [j] => Named::Inst(*j),
            _ => {
                // The instance of the same key (for_each over the same set), else the one whose
                // key is one of this instance's values or tags (a tier key), else the first.
                let mut texts: Vec<String> = inst.key.iter().cloned().collect();
                texts.extend(inst.tags().values().cloned());
                texts.extend(
                    inst.values
                        .values()
                        .filter_map(Value::as_str)
                        .map(String::from),
                );
                for t in &texts {
                    if let Some(&j) = cands.iter().find(|&&j| insts[j].key.as_deref() == Some(t)) {
                        return Named::Inst(j);
                    }
                }
                *guessed += 1;
                Named::Inst(cands[0])
            }
        }
    };
    let n = insts.len();
    let mut parent = vec![Named::Unresolved; n];
    let mut policy = vec![Named::Unresolved; n];
    let mut target = vec![Named::Unresolved; n];
    for i in 0..n {
        match insts[i].kind {
            Kind::Ou => parent[i] = resolve(i, "parent_id", &[Kind::Ou], &mut guessed),
            Kind::Account => parent[i] = resolve(i, "parent_id", &[Kind::Ou], &mut guessed),
            Kind::Attachment => {
                policy[i] = resolve(i, "policy_id", &[Kind::Policy], &mut guessed);
                target[i] = resolve(i, "target_id", &[Kind::Ou, Kind::Account], &mut guessed);
            }
            Kind::Policy => {}
        }
    }
    if guessed > 0 {
        notes.push(format!(
            "{guessed} parent(s) or target(s) not known until apply and not told apart by \
             instance key: the first referenced instance taken"
        ));
    }

    // Which instances become planned resources: an account needs an OU of the plan to move
    // into, an attachment a policy and a target of the plan.
    let mut keep: Vec<bool> = insts.iter().map(Inst::planned).collect();
    let mut dropped: Vec<String> = Vec::new();
    for i in 0..n {
        if !keep[i] {
            continue;
        }
        let ok = match insts[i].kind {
            Kind::Account => matches!(parent[i], Named::Inst(_)),
            Kind::Attachment => matches!(policy[i], Named::Inst(_)),
            _ => true,
        };
        if !ok {
            keep[i] = false;
            dropped.push(insts[i].ch.address.clone());
        }
    }
    for i in 0..n {
        if keep[i] && insts[i].kind == Kind::Attachment {
            let ok = match &target[i] {
                Named::Inst(j) => keep[*j],
                _ => false,
            };
            if !ok {
                keep[i] = false;
                dropped.push(insts[i].ch.address.clone());
            }
        }
    }
    if !dropped.is_empty() {
        notes.push(format!(
            "{} resource(s) whose OU, policy or target is not a resource of the plan (the root, \
             or outside it) left out of the apply: {}",
            dropped.len(),
            crate::text::clean(&short_list(&dropped))
        ));
    }

    // Dependencies among the kept instances, then their order (Kahn's, stable).
    let mut deps: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for i in (0..n).filter(|&i| keep[i]) {
        for named in [&parent[i], &policy[i], &target[i]] {
            if let Named::Inst(j) = named {
                deps[i].insert(*j);
            }
        }
        deps[i].extend(referenced[i].iter().copied());
        deps[i].retain(|&j| keep[j] && j != i);
    }
    let order = topological(&deps, &keep).map_err(|i| {
        doc.err(
            &insts[i].path(),
            format!(
                "{} is in a dependency cycle",
                crate::text::clean(&insts[i].ch.address)
            ),
        )
    })?;

    // The state: ids renumbered, OUs parents first.
    let mut new_id: BTreeMap<usize, SharedStr> = BTreeMap::new();
    let (mut ous, mut policies, mut next_account) = (0u32, 0u32, FIRST_STATE_ACCOUNT);
    let state_order = state_order(&insts, &parent);
    for &i in &state_order {
        let id: SharedStr = match insts[i].kind {
            Kind::Ou => {
                ous += 1;
                format!("ou-sim1-s{ous:07}").into()
            }
            Kind::Policy => {
                policies += 1;
                format!("p-s{policies:07}").into()
            }
            Kind::Account => {
                next_account += 1;
                format!("{:012}", next_account - 1).into()
            }
            Kind::Attachment => continue,
        };
        new_id.insert(i, id);
    }
    let id_of = |named: &Named, new_id: &BTreeMap<usize, SharedStr>| -> Option<SharedStr> {
        match named {
            Named::Inst(j) => new_id.get(j).cloned(),
            Named::Root => Some(crate::org::model::ROOT_ID.into()),
            Named::Outside(id) => Some(id.as_str().into()),
            Named::Unresolved => None,
        }
    };
    let mut state = State::default();
    let mut outside = 0usize;
    for &i in &state_order {
        let inst = &insts[i];
        let Some(p) = inst.prior else { continue };
        let text = |k: &str| -> SharedStr { p.get(k).and_then(Value::as_str).unwrap_or("").into() };
        let entry = match inst.kind {
            Kind::Ou => InState::Ou {
                id: new_id[&i].clone(),
                name: text("name"),
                parent_id: match &parent[i] {
                    Named::Inst(j) => new_id.get(j).cloned(),
                    Named::Outside(_) => {
                        outside += 1;
                        None
                    }
                    _ => None,
                },
            },
            Kind::Policy => InState::Policy {
                id: new_id[&i].clone(),
                name: text("name"),
                content: match p.get("content").and_then(Value::as_str) {
                    Some(c) => c.into(),
                    None => UNKNOWN_POLICY.into(),
                },
            },
            Kind::Attachment => {
                let (Some(policy_id), Some(target_id)) =
                    (id_of(&policy[i], &new_id), id_of(&target[i], &new_id))
                else {
                    continue;
                };
                let id: SharedStr = format!("{target_id}:{policy_id}").into();
                new_id.insert(i, id);
                InState::Attachment {
                    policy_id,
                    target_id,
                }
            }
            Kind::Account => InState::Account {
                id: new_id[&i].clone(),
                name: text("name"),
                email: text("email"),
                parent_id: match id_of(&parent[i], &new_id) {
                    Some(id) => id,
                    None => crate::org::model::ROOT_ID.into(),
                },
                tags: inst.tags(),
            },
        };
        if let Some(id) = new_id.get(&i) {
            state.addresses.insert(inst.ch.address.clone(), id.clone());
        }
        state.resources.push(entry);
    }
    if outside > 0 {
        notes.push(format!(
            "{outside} OU(s) in state under an OU outside the plan: held under the root"
        ));
    }

    // The planned resources in dependency order, then one `tags` resource per tagged account.
    let mut at_of: Vec<usize> = vec![usize::MAX; n];
    for (k, &i) in order.iter().enumerate() {
        at_of[i] = k;
    }
    let mut resources: Vec<Resource> = Vec::with_capacity(order.len() * 2);
    let mut in_state: Vec<Option<SharedStr>> = Vec::with_capacity(order.len() * 2);
    let mut customers: Vec<Customer> = Vec::new();
    let mut tagged: Vec<(usize, Tags)> = Vec::new();
    for &i in &order {
        let inst = &insts[i];
        let at = |named: &Named| match named {
            Named::Inst(j) => Some(at_of[*j]),
            _ => None,
        };
        let text = |k: &str| -> SharedStr { inst.str(k).unwrap_or("").into() };
        let (kind, spec, customer) = match inst.kind {
            Kind::Ou => (
                ResourceKind::OrganizationalUnit,
                Spec::Ou {
                    name: text("name"),
                    parent: at(&parent[i]),
                    role: OuRole::Path,
                },
                None,
            ),
            Kind::Policy => (
                ResourceKind::Policy,
                Spec::Policy {
                    name: text("name"),
                    framework: inst.str("name").unwrap_or("").to_string(),
                    content: match inst.str("content") {
                        Some(c) => c.into(),
                        None => UNKNOWN_POLICY.into(),
                    },
                },
                None,
            ),
            Kind::Attachment => (
                ResourceKind::PolicyAttachment,
                Spec::Attachment {
                    policy: at(&policy[i]).unwrap_or(0),
                    ou: at(&target[i]).unwrap_or(0),
                },
                None,
            ),
            Kind::Account => {
                let c = customers.len();
                let tags = inst.tags();
                let tier = tags
                    .get(opts.tier_tag.as_str())
                    .filter(|t| sc.tiers.contains_key(t.as_str()))
                    .cloned()
                    .unwrap_or_else(|| UNMAPPED_TIER.to_string());
                let monthly_cents = sc.tiers.get(&tier).map_or(0, |t| t.monthly_price_cents);
                customers.push(Customer {
                    name: inst.str("name").unwrap_or(&inst.ch.address).to_string(),
                    tier: if tier == UNMAPPED_TIER || !sc.tiers.contains_key(&tier) {
                        UNMAPPED_TIER.into()
                    } else {
                        tier
                    },
                    email: inst.str("email").unwrap_or("").to_string(),
                    account_id: None,
                    monthly_cents,
                    generated: false,
                    line: 0,
                    region: None,
                });
                if !tags.is_empty() {
                    tagged.push((resources.len(), tags));
                }
                (
                    ResourceKind::Account,
                    Spec::Account {
                        customer: c,
                        name: text("name"),
                        email: text("email"),
                        ou: at(&parent[i]).unwrap_or(0),
                    },
                    Some(c),
                )
            }
        };
        let mut d: Vec<usize> = deps[i].iter().map(|&j| at_of[j]).collect();
        d.sort_unstable();
        resources.push(Resource {
            address: inst.ch.address.clone(),
            kind,
            deps: d,
            customer,
            spec,
        });
        in_state.push(if inst.fate == Fate::Existing {
            new_id.get(&i).cloned()
        } else {
            None
        });
    }
    for (account, tags) in tagged {
        let addr = &resources[account].address;
        let address = format!("{addr}#tags");
        let customer = resources[account].customer;
        let existing = in_state[account].clone();
        resources.push(Resource {
            address,
            kind: ResourceKind::Tags,
            deps: vec![account],
            customer,
            spec: Spec::Tags { account, tags },
        });
        in_state.push(existing);
    }
    let to_create = in_state.iter().filter(|s| s.is_none()).count();
    let new_accounts = resources
        .iter()
        .zip(&in_state)
        .filter(|(r, s)| r.kind == ResourceKind::Account && s.is_none())
        .count();
    let existing_accounts = state.accounts();
    let has_state = !state.is_empty();
    let plan = Plan {
        in_state: if has_state { in_state } else { Vec::new() },
        resources,
        findings: Vec::new(),
        advisories: Vec::new(),
        state,
    };
    Ok(Imported {
        source: doc.source.clone(),
        in_state: plan.resources.len() - to_create,
        to_create,
        new_accounts,
        existing_accounts,
        customers,
        plan,
        notes,
    })
}

/// The first control character in `address` (field `None`) or in a string of `values` (the
/// top-level field holding it).
fn unsafe_text(address: &str, values: &Map<String, Value>) -> Option<(Option<String>, String)> {
    fn first(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => crate::text::first_unsafe(s),
            Value::Array(a) => a.iter().find_map(first),
            Value::Object(m) => m
                .iter()
                .find_map(|(k, v)| crate::text::first_unsafe(k).or_else(|| first(v))),
            _ => None,
        }
    }
    if let Some(c) = crate::text::first_unsafe(address) {
        return Some((None, c));
    }
    values.iter().find_map(|(k, v)| {
        crate::text::first_unsafe(k)
            .or_else(|| first(v))
            .map(|c| (Some(k.clone()), c))
    })
}

/// The first five of `items`, and how many more.
fn short_list(items: &[String]) -> String {
    let mut s = items.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > 5 {
        s.push_str(&format!(" and {} more", items.len() - 5));
    }
    s
}

/// The kept instances in an order where each comes after what it depends on, ties in plan
/// order; `Err(i)` names an instance in a cycle.
fn topological(deps: &[BTreeSet<usize>], keep: &[bool]) -> Result<Vec<usize>, usize> {
    let n = deps.len();
    let mut waiting: Vec<usize> = deps.iter().map(BTreeSet::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, ds) in deps.iter().enumerate() {
        for &j in ds {
            dependents[j].push(i);
        }
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|&i| keep[i] && waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &d in &dependents[i] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                ready.insert(d);
            }
        }
    }
    if order.len() < keep.iter().filter(|&&k| k).count() {
        let stuck = (0..n).find(|&i| keep[i] && waiting[i] > 0).unwrap_or(0);
        return Err(stuck);
    }
    Ok(order)
}

/// The instances in state, OUs first with each parent before its children, then policies,
/// attachments and accounts, each in plan order.
fn state_order(insts: &[Inst<'_>], parent: &[Named]) -> Vec<usize> {
    let depth = |mut i: usize| {
        let mut d = 0usize;
        while let Named::Inst(j) = parent[i] {
            d += 1;
            if d > insts.len() {
                break;
            }
            i = j;
        }
        d
    };
    let mut out: Vec<usize> = Vec::new();
    let mut ous: Vec<(usize, usize)> = (0..insts.len())
        .filter(|&i| insts[i].in_state() && insts[i].kind == Kind::Ou)
        .map(|i| (depth(i), i))
        .collect();
    ous.sort_unstable();
    out.extend(ous.into_iter().map(|(_, i)| i));
    for kind in [Kind::Policy, Kind::Attachment, Kind::Account] {
        out.extend((0..insts.len()).filter(|&i| insts[i].in_state() && insts[i].kind == kind));
    }
    out
}
