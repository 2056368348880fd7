//! The plan's JSON as read: the document, and its three parts walked into flat lists —
//! `resource_changes`' instances, `prior_state`'s resources by address (child modules
//! included) and `configuration`'s resource blocks by module and address with what each
//! references.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::locate::{self, Seg};
use crate::scenario::ScenarioError;

/// The major `format_version` read (Terraform: reject any other).
const FORMAT_MAJOR: &str = "1";

/// The parsed document, with its text kept to place errors.
pub(super) struct Doc<'a> {
    pub(super) text: &'a [u8],
    pub(super) source: PathBuf,
    pub(super) root: Map<String, Value>,
}

pub(super) fn key(k: &str) -> Seg {
    Seg::Key(k.into())
}

impl<'a> Doc<'a> {
    /// The document, if it is JSON, a plan (it has `resource_changes`) and of a
    /// `format_version` this reader knows.
    pub(super) fn parse(text: &'a [u8], source: &Path) -> Result<Doc<'a>, ScenarioError> {
        let value: Value = serde_json::from_slice(text).map_err(|e| {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            ScenarioError {
                file: source.to_path_buf(),
                line: e.line(),
                column: e.column(),
                field: None,
                message: format!(
                    "not JSON ({msg}): expected the output of `terraform show -json PLANFILE`"
                ),
            }
        })?;
        let mut doc = Doc {
            text,
            source: source.to_path_buf(),
            root: Map::new(),
        };
        let Value::Object(root) = value else {
            return Err(doc.err(
                &[],
                "not a Terraform plan: the document is not a JSON object".into(),
            ));
        };
        doc.root = root;
        let version = match doc.root.get("format_version") {
            Some(Value::String(v)) => v.clone(),
            Some(_) => {
                return Err(doc.err(
                    &[key("format_version")],
                    "`format_version` is not a string".into(),
                ))
            }
            None => {
                return Err(doc.err(
                    &[],
                    "not a Terraform plan: no `format_version` (expected the output of \
                     `terraform show -json PLANFILE`)"
                        .into(),
                ))
            }
        };
        if version.split('.').next() != Some(FORMAT_MAJOR) {
            return Err(doc.err(
                &[key("format_version")],
                format!(
                    "format_version \"{}\" is not one orgsim reads (1.x, Terraform 1.x's \
                     JSON output format)",
                    crate::text::clean(&version)
                ),
            ));
        }
        if !doc.root.contains_key("resource_changes") {
            let what = if doc.root.contains_key("values") {
                "it looks like a state (`values`), not a plan: run `terraform plan -out \
                 PLANFILE`, then `terraform show -json PLANFILE`"
            } else {
                "it has no `resource_changes`"
            };
            return Err(doc.err(&[], format!("not a Terraform plan: {what}")));
        }
        Ok(doc)
    }

    /// An error at `path` (its line and column in the text), naming the path as its field.
    pub(super) fn err(&self, path: &[Seg], message: String) -> ScenarioError {
        let (line, column) = locate::line_col(self.text, path);
        ScenarioError {
            file: self.source.clone(),
            line,
            column,
            field: (!path.is_empty()).then(|| locate::format(path)),
            message,
        }
    }
}

/// One element of `resource_changes`.
pub(super) struct Change<'v> {
    /// Its place: `resource_changes[i]`.
    pub(super) at: usize,
    pub(super) address: String,
    /// `module.a["x"].module.b` or empty for the root module.
    pub(super) module: String,
    pub(super) mode: String,
    pub(super) ty: String,
    pub(super) name: String,
    /// The instance key (`"fintech"` or `0`) as written after the name, if any.
    pub(super) index: Option<&'v Value>,
    pub(super) actions: Vec<String>,
    pub(super) before: Option<&'v Map<String, Value>>,
    pub(super) after: Option<&'v Map<String, Value>>,
    pub(super) after_unknown: Option<&'v Map<String, Value>>,
}

/// A string member, or an error naming the path.
fn string(
    doc: &Doc<'_>,
    obj: &Map<String, Value>,
    k: &str,
    at: &[Seg],
) -> Result<String, ScenarioError> {
    match obj.get(k) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => {
            let mut p = at.to_vec();
            p.push(key(k));
            Err(doc.err(&p, format!("`{k}` is not a string")))
        }
        None => Err(doc.err(at, format!("no `{k}`"))),
    }
}

/// `resource_changes`, each checked for the members the reader needs.
pub(super) fn changes<'v>(doc: &'v Doc<'_>) -> Result<Vec<Change<'v>>, ScenarioError> {
    let rc = [key("resource_changes")];
    let Some(Value::Array(items)) = doc.root.get("resource_changes") else {
        return Err(doc.err(&rc, "`resource_changes` is not an array".into()));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = vec![key("resource_changes"), Seg::Index(i)];
        let Value::Object(o) = item else {
            return Err(doc.err(&at, "a resource change is not an object".into()));
        };
        let mut change_at = at.clone();
        change_at.push(key("change"));
        let Some(Value::Object(change)) = o.get("change") else {
            return Err(doc.err(&at, "no `change` object".into()));
        };
        let mut actions_at = change_at.clone();
        actions_at.push(key("actions"));
        let actions = match change.get("actions") {
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(j, v)| match v {
                    Value::String(s) => Ok(s.clone()),
                    _ => {
                        let mut p = actions_at.clone();
                        p.push(Seg::Index(j));
                        Err(doc.err(&p, "an action is not a string".into()))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(doc.err(&change_at, "no `actions` array".into())),
        };
        let obj = |k: &str| match change.get(k) {
            Some(Value::Object(m)) => Some(m),
            _ => None,
        };
        out.push(Change {
            at: i,
            address: string(doc, o, "address", &at)?,
            module: match o.get("module_address") {
                Some(Value::String(s)) => s.clone(),
                _ => String::new(),
            },
            mode: match o.get("mode") {
                Some(Value::String(s)) => s.clone(),
                _ => "managed".into(),
            },
            ty: string(doc, o, "type", &at)?,
            name: string(doc, o, "name", &at)?,
            index: o.get("index"),
            actions,
            before: obj("before"),
            after: obj("after"),
            after_unknown: obj("after_unknown"),
        });
    }
    Ok(out)
}

/// `prior_state`'s managed resources by address, every module's: their `values`.
pub(super) fn prior_state<'v>(doc: &'v Doc<'_>) -> BTreeMap<&'v str, &'v Map<String, Value>> {
    fn walk<'v>(m: &'v Value, out: &mut BTreeMap<&'v str, &'v Map<String, Value>>) {
        if let Some(Value::Array(rs)) = m.get("resources") {
            for r in rs {
                if let (Some(Value::String(a)), Some(Value::Object(v))) =
                    (r.get("address"), r.get("values"))
                {
                    if r.get("mode").and_then(Value::as_str) != Some("data") {
                        out.insert(a.as_str(), v);
                    }
                }
            }
        }
        if let Some(Value::Array(cs)) = m.get("child_modules") {
            for c in cs {
                walk(c, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    if let Some(root) = doc
        .root
        .get("prior_state")
        .and_then(|p| p.get("values"))
        .and_then(|v| v.get("root_module"))
    {
        walk(root, &mut out);
    }
    out
}

/// A resource block of the configuration.
pub(super) struct Block {
    /// Every reference of its expressions (and of nested blocks'), and its `depends_on`, each
    /// with the path it was read at.
    pub(super) refs: Vec<(String, Vec<Seg>)>,
}

/// The configuration's resource blocks: by module path (`module.a.module.b`, instance keys
/// left out; empty for the root) and address within it (`aws_organizations_account.x`);
/// `present` when the document has a configuration at all.
pub(super) struct Config {
    pub(super) blocks: BTreeMap<(String, String), Block>,
    pub(super) present: bool,
}

pub(super) fn configuration(doc: &Doc<'_>) -> Config {
    fn refs_in(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<(String, Vec<Seg>)>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    at.push(key(k));
                    if k == "references" {
                        if let Value::Array(a) = x {
                            for (j, r) in a.iter().enumerate() {
                                if let Value::String(s) = r {
                                    let mut p = at.clone();
                                    p.push(Seg::Index(j));
                                    out.push((s.clone(), p));
                                }
                            }
                        }
                    } else {
                        refs_in(x, at, out);
                    }
                    at.pop();
                }
            }
            Value::Array(a) => {
                for (j, x) in a.iter().enumerate() {
                    at.push(Seg::Index(j));
                    refs_in(x, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    fn walk(
        m: &Value,
        module: &str,
        at: &mut Vec<Seg>,
        out: &mut BTreeMap<(String, String), Block>,
    ) {
        if let Some(Value::Array(rs)) = m.get("resources") {
            at.push(key("resources"));
            for (i, r) in rs.iter().enumerate() {
                at.push(Seg::Index(i));
                let Some(Value::String(address)) = r.get("address") else {
                    at.pop();
                    continue;
                };
                let mut refs = Vec::new();
                for part in ["expressions", "count_expression", "for_each_expression"] {
                    if let Some(e) = r.get(part) {
                        at.push(key(part));
                        refs_in(e, at, &mut refs);
                        at.pop();
                    }
                }
                if let Some(Value::Array(d)) = r.get("depends_on") {
                    for (j, x) in d.iter().enumerate() {
                        if let Value::String(s) = x {
                            let mut p = at.clone();
                            p.push(key("depends_on"));
                            p.push(Seg::Index(j));
                            refs.push((s.clone(), p));
                        }
                    }
                }
                out.insert((module.to_string(), address.clone()), Block { refs });
                at.pop();
            }
            at.pop();
        }
        if let Some(Value::Object(calls)) = m.get("module_calls") {
            at.push(key("module_calls"));
            for (name, call) in calls {
                at.push(key(name));
                if let Some(inner) = call.get("module") {
                    at.push(key("module"));
                    let path = if module.is_empty() {
                        format!("module.{name}")
                    } else {
                        format!("{module}.module.{name}")
                    };
                    walk(inner, &path, at, out);
                    at.pop();
                }
                at.pop();
            }
            at.pop();
        }
    }
    let mut blocks = BTreeMap::new();
    let root = doc
        .root
        .get("configuration")
        .and_then(|c| c.get("root_module"));
    if let Some(root) = root {
        let mut at = vec![key("configuration"), key("root_module")];
        walk(root, "", &mut at, &mut blocks);
    }
    Config {
        blocks,
        present: root.is_some(),
    }
}

/// `module.a["x"].module.b[0]` without its instance keys: `module.a.module.b`.
pub(super) fn module_path(module_address: &str) -> String {
    let mut out = String::with_capacity(module_address.len());
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    for c in module_address.chars() {
        if depth > 0 {
            if in_str {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_str = false;
                }
            } else if c == '"' {
                in_str = true;
            } else if c == '[' {
                depth += 1;
            } else if c == ']' {
                depth -= 1;
            }
            continue;
        }
        if c == '[' {
            depth = 1;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn module_paths_lose_their_instance_keys() {
        assert_eq!(super::module_path(""), "");
        assert_eq!(super::module_path("module.a"), "module.a");
        assert_eq!(
            super::module_path("module.a[\"x].y[\"].module.b[0]"),
            "module.a.module.b"
        );
    }
}
