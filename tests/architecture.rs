//! The module graph has no cycles: no layer needs a layer that needs it.
//!
//! Nodes are the crate's top-level modules, plus each file of `org` (`org::types`,
//! `org::model`, ...). An edge is any path into another node: `use crate::x`, `crate::x::y` in an
//! expression or a type, `super::y` between `org` files. Comments are ignored, and so is test
//! code (`tests.rs` files and the `#[cfg(test)] mod tests` at the end of a file): a test may
//! build with any layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The node a source file belongs to (`None` for the crate root and the binary).
fn node_of(rel: &str) -> Option<String> {
    let rel = rel.strip_suffix(".rs")?;
    let mut parts = rel.split('/');
    let top = parts.next()?;
    match top {
        "lib" | "main" => None,
        "org" => Some(format!("org::{}", parts.next()?)),
        _ => Some(top.to_string()),
    }
}

/// The code of a file without its comments (line comments and doc comments).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string literal (a URL) is rare in this crate; such a line keeps
            // only what precedes it, which can only hide an edge, never invent one.
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first names after `prefix` in `text`: `crate::a`, `crate::{a, b::c}` give `a`, `b`.
fn names_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        // Not part of a longer identifier (`foo_crate::`).
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "self" {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// The edges of the module graph of `files` (path relative to `src/` → text).
pub fn graph(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let org_files: BTreeSet<String> = files
        .keys()
        .filter_map(|p| p.strip_prefix("org/"))
        .filter_map(|p| p.split('/').next())
        .map(|p| p.trim_end_matches(".rs").to_string())
        .collect();
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in files {
        let Some(from) = node_of(path) else { continue };
        if path.ends_with("/tests.rs") {
            continue;
        }
        let text = match text.find("#[cfg(test)]\nmod tests") {
            Some(i) => &text[..i],
            None => text.as_str(),
        };
        let text = code(text);
        let mut to = BTreeSet::new();
        for name in names_after(&text, "crate::") {
            if name == "org" {
                continue; // below: crate::org::x
            }
            to.insert(name);
        }
        for name in names_after(&text, "crate::org::") {
            to.insert(format!("org::{name}"));
        }
        // `super::x` from a file directly in `org/` names a sibling file.
        if path.starts_with("org/") && path.matches('/').count() == 1 {
            for name in names_after(&text, "super::") {
                if org_files.contains(&name) {
                    to.insert(format!("org::{name}"));
                }
            }
        }
        to.remove(&from);
        g.entry(from).or_default().extend(to);
    }
    g
}

/// A cycle of `g`, if it has one: the nodes in order, the first repeated at the end.
pub fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    // Depth-first search with colours: 1 on the stack, 2 done.
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        colour: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        colour.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            match colour.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|s| s == m).unwrap_or(0);
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, g, colour, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        colour.insert(n.to_string(), 2);
        None
    }
    let mut colour = BTreeMap::new();
    for n in g.keys() {
        if colour.get(n.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, g, &mut colour, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

fn sources(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, root, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read_to_string(&p).unwrap());
        }
    }
}

#[test]
fn the_module_graph_has_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    sources(&src, &src, &mut files);
    let g = graph(&files);
    assert!(g.contains_key("engine") && g.contains_key("org::model"));
    if let Some(c) = find_cycle(&g) {
        panic!("import cycle: {}", c.join(" → "));
    }
}

#[test]
fn the_check_finds_a_cycle_through_a_use_an_inline_path_or_an_org_sibling() {
    let files = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    };
    // A `use` one way, an inline path in a field type the other.
    let g = graph(&files(&[
        ("engine/mod.rs", "use crate::plan::Plan;"),
        ("plan.rs", "struct S { x: crate::engine::Engine }"),
    ]));
    assert_eq!(
        find_cycle(&g),
        Some(vec!["engine".into(), "plan".into(), "engine".into()])
    );
    // Between org files, through `super::` and `crate::org::{...}`.
    let g = graph(&files(&[
        ("org/model.rs", "use super::types::Request;"),
        ("org/types.rs", "use crate::org::{model, sdk};"),
        ("org/sdk.rs", ""),
    ]));
    assert!(find_cycle(&g).is_some());
    // Comments and tests do not count; no cycle.
    let g = graph(&files(&[
        ("engine/mod.rs", "use crate::plan::Plan;"),
        ("engine/tests.rs", "use crate::sim::Driver;"),
        (
            "plan.rs",
            "// see crate::engine::Engine\n#[cfg(test)]\nmod tests { use crate::engine; }",
        ),
        ("sim/mod.rs", "use crate::engine::Engine;"),
    ]));
    assert_eq!(find_cycle(&g), None);
}
