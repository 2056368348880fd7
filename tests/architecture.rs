//! The layers `src/lib.rs` states are the layers in the code.
//!
//! 1. **The floors.** [`FLOORS`] is lib.rs's list of layers, top first (the test checks that the
//!    crate doc lists the same names in the same bullets). A module may use its own floor and the
//!    floors above it, never one below: `engine` may use `plan`, `plan` may not use `engine`.
//! 2. **No cycle at any level.** At the crate level the nodes are the floors' modules (`org`'s
//!    files stand apart, as lib.rs lists them); inside every directory module (`ops`,
//!    `report::charts`, `scenario::parse`, ...) the nodes are its child modules, every file at
//!    every depth collapsed into the child it belongs to. No two nodes of one level may need
//!    each other, directly or round a loop. A directory's own file (`mod.rs`) is a node of its
//!    level too: it declares and re-exports its children and may use them, but a child may not
//!    need it back (what they share lives in a child of its own). lib.rs, which declares the
//!    floors, is no node.
//!
//! An edge is any path from one module into another: `use crate::x::y`, `crate::x::y` in an
//! expression or a type, `super::y`, `self::y`, a child named bare (`desk::Scratch` in
//! `ops/mod.rs`), groups at any depth (`use super::{a::{self, X}, b}`). A name a module
//! re-exports (`pub use child::Name`, `pub use crate::x as y`) leads to where it comes from.
//! Comments are ignored, and so is test code (`tests.rs` files, `tests/` directories, and any
//! `#[cfg(test)] mod x { ... }`): a test may build with any layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// lib.rs's layers, top first; the names of one bullet share a floor. A module belongs to the
/// longest name that prefixes its path (`org::model::ids` to `org::model`).
const FLOORS: &[&[&str]] = &[
    &["text", "json", "verdict"],
    &["org::types", "org::errors"],
    &["config"],
    &["scenario", "plan", "finance"],
    &["org::model", "seed", "engine"],
    &["sim", "clock", "org::sdk", "org::mock", "live"],
    &[
        "analysis", "stats", "sweep", "phases", "gate", "loadtest", "compare",
    ],
    &["shard", "sensitivity"],
    &["ops"],
    &["report", "error"],
    &["serve"],
    &["commands"],
];

type Module = Vec<String>;

fn path_of(s: &str) -> Module {
    if s.is_empty() {
        return Vec::new();
    }
    s.split("::").map(String::from).collect()
}

fn show(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// The floor of `m` (0 the top), if lib.rs lists it.
fn floor_of(m: &[String]) -> Option<(usize, String)> {
    let mut best: Option<(usize, &str)> = None;
    for (i, names) in FLOORS.iter().enumerate() {
        for name in names.iter() {
            let p = path_of(name);
            if m.starts_with(&p) && best.is_none_or(|(_, b)| b.len() < name.len()) {
                best = Some((i, name));
            }
        }
    }
    best.map(|(i, n)| (i, n.to_string()))
}

/// The module a file is (`ops/staff.rs` → `ops::staff`, `ops/mod.rs` → `ops`); `None` for the
/// crate root, the binary and test files.
fn module_of_file(rel: &str) -> Option<Module> {
    let rel = rel.strip_suffix(".rs")?;
    let mut parts: Vec<String> = rel.split('/').map(String::from).collect();
    if parts.iter().any(|p| p == "tests") {
        return None;
    }
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        return None;
    }
    Some(parts)
}

/// `text` without comments (`//` to the end of a line; a `//` inside a string literal, a URL,
/// cuts the rest of its line, which can only hide an edge, never invent one) and without test
/// modules (`#[cfg(test)]` then `mod x { ... }`).
fn code(text: &str) -> String {
    let mut out: String = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    while let Some(i) = out.find("#[cfg(test)]") {
        let after = out[i + "#[cfg(test)]".len()..].trim_start();
        let start = out.len() - after.len();
        let end = if after.starts_with("mod ") && block_opens(after) {
            let open = start + after.find('{').unwrap_or(0);
            matching_brace(&out, open).map_or(out.len(), |e| e + 1)
        } else {
            start // an attribute on something else: only the attribute goes
        };
        out.replace_range(i..end, "");
    }
    out
}

/// `mod x {` (a block), not `mod x;`.
fn block_opens(s: &str) -> bool {
    let semi = s.find(';').unwrap_or(usize::MAX);
    s.find('{').is_some_and(|b| b < semi)
}

fn matching_brace(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The code of one file split by inline module: (`mod` path below the file's module, code
/// outside any deeper inline module).
fn inline_modules(code: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut rest = String::new();
    let mut i = 0;
    while i < code.len() {
        let at = &code[i..];
        let starts_word = !code[..i].chars().next_back().is_some_and(is_ident);
        if starts_word && at.starts_with("mod ") && block_opens(at) {
            let name: String = at[4..]
                .trim_start()
                .chars()
                .take_while(|&c| is_ident(c))
                .collect();
            let open = i + at.find('{').unwrap_or(0);
            if let (false, Some(close)) = (name.is_empty(), matching_brace(code, open)) {
                for (sub, text) in inline_modules(&code[open + 1..close]) {
                    let mut p = vec![name.clone()];
                    p.extend(sub);
                    out.push((p, text));
                }
                i = close + 1;
                continue;
            }
        }
        let c = at.chars().next().unwrap_or(' ');
        rest.push(c);
        i += c.len_utf8();
    }
    out.push((Vec::new(), rest));
    out
}

/// The paths in `text` that start at `crate::`, `super::` or `self::`, or at one of `bare`
/// (the file's child modules, which a file may name without `self::`), each as its segments;
/// a group (`a::{b, c::{d, self}}`) gives one path per leaf, `self` ending a path at its group.
fn paths(text: &str, bare: &BTreeSet<String>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut prev = ' ';
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        if is_ident(c) && !(is_ident(prev) || prev == ':') {
            let word: String = text[i..].chars().take_while(|&c| is_ident(c)).collect();
            let end = i + word.len();
            let leads = ["crate", "super", "self"].contains(&word.as_str()) || bare.contains(&word);
            if leads && text[end..].starts_with("::") {
                let mut tree = Vec::new();
                parse_tree(text, end, vec![word.clone()], &mut tree);
                out.extend(tree);
            }
            prev = word.chars().last().unwrap_or(c);
            i = end;
        } else {
            prev = c;
            i += c.len_utf8();
        }
    }
    out
}

/// From `at` (just after a segment), the rest of a path: `::seg`, `::{...}`.
fn parse_tree(text: &str, mut at: usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    loop {
        let rest = &text[at..];
        let Some(r) = rest.strip_prefix("::") else {
            break;
        };
        let r2 = r.trim_start();
        if let Some(group) = r2.strip_prefix('{') {
            let open = text.len() - group.len() - 1;
            let close = matching_brace(text, open).unwrap_or(text.len() - 1);
            let inner = &text[open + 1..close];
            // Split at the group's own commas.
            let (mut depth, mut start) = (0usize, 0usize);
            let mut items = Vec::new();
            for (k, ch) in inner.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    ',' if depth == 0 => {
                        items.push((open + 1 + start, &inner[start..k]));
                        start = k + 1;
                    }
                    _ => {}
                }
            }
            items.push((open + 1 + start, &inner[start..]));
            for (offset, item) in items {
                let lead = item.len() - item.trim_start().len();
                let item = item.trim_start();
                let word: String = item.chars().take_while(|&c| is_ident(c)).collect();
                if word.is_empty() {
                    continue;
                }
                if word == "self" {
                    // `self as name` keeps its alias as a last segment no module has.
                    let mut p = prefix.clone();
                    if let Some(a) = item[4..].trim_start().strip_prefix("as ") {
                        let name: String = a
                            .trim_start()
                            .chars()
                            .take_while(|&c| is_ident(c))
                            .collect();
                        p.push(format!("self as {name}"));
                    }
                    out.push(p);
                    continue;
                }
                let mut p = prefix.clone();
                p.push(word.clone());
                let after = offset + lead + word.len();
                let before = out.len();
                parse_tree(text, after, p.clone(), out);
                if out.len() == before {
                    out.push(p);
                }
            }
            return;
        }
        let word: String = r.chars().take_while(|&c| is_ident(c)).collect();
        if word.is_empty() {
            break;
        }
        at += 2 + word.len();
        prefix.push(word);
    }
    out.push(prefix);
}

/// The module graph of `files` (path relative to `src/` → text): each module's edges into
/// the others, every path resolved to the deepest module it names.
pub struct Graph {
    pub modules: BTreeSet<Module>,
    /// Modules with a file of their own (not `org`, declared inline in lib.rs).
    pub with_file: BTreeSet<Module>,
    pub edges: BTreeMap<Module, BTreeSet<Module>>,
}

pub fn graph(files: &BTreeMap<String, String>) -> Graph {
    // Every module, its parents, and the inline modules of each file.
    let mut modules = BTreeSet::new();
    let mut with_file = BTreeSet::new();
    let mut units: Vec<(Module, String)> = Vec::new();
    for (rel, text) in files {
        let Some(m) = module_of_file(rel) else {
            continue;
        };
        if rel.ends_with("/tests.rs") || rel == "tests.rs" {
            continue;
        }
        for (sub, text) in inline_modules(&code(text)) {
            let mut full = m.clone();
            full.extend(sub);
            with_file.insert(full.clone());
            units.push((full, text));
        }
    }
    for m in &with_file {
        for k in 1..=m.len() {
            modules.insert(m[..k].to_vec());
        }
    }
    let children = |m: &Module| -> BTreeSet<String> {
        modules
            .iter()
            .filter(|c| c.len() == m.len() + 1 && c.starts_with(m))
            .map(|c| c[m.len()].clone())
            .collect()
    };
    // Where a path from `from` leads, given the re-exports known so far.
    let resolve = |from: &Module,
                   p: &[String],
                   reexports: &BTreeMap<Module, BTreeMap<String, Module>>|
     -> Module {
        let mut segs = p.iter().peekable();
        let mut cur: Module = match segs.peek().map(|s| s.as_str()) {
            Some("crate") => {
                segs.next();
                Vec::new()
            }
            Some("self") => {
                segs.next();
                from.clone()
            }
            Some("super") => from.clone(),
            _ => from.clone(), // a child named bare
        };
        while segs.peek().is_some_and(|s| *s == "super") {
            segs.next();
            cur.pop();
        }
        for s in segs {
            let mut next = cur.clone();
            next.push(s.clone());
            if modules.contains(&next) {
                cur = next;
            } else if let Some(to) = reexports.get(&cur).and_then(|r| r.get(s)) {
                cur = to.clone();
            } else {
                break;
            }
        }
        cur
    };
    // Re-exports: `pub use PATH;`, `pub use PATH as NAME;`, groups; twice, so that a
    // re-export of a re-export resolves.
    let mut reexports: BTreeMap<Module, BTreeMap<String, Module>> = BTreeMap::new();
    for _ in 0..3 {
        let mut next: BTreeMap<Module, BTreeMap<String, Module>> = BTreeMap::new();
        for (m, text) in &units {
            let bare = children(m);
            let mut rest = text.as_str();
            while let Some(i) = rest.find("pub use ") {
                let stmt = &rest[i + 8..];
                let end = stmt.find(';').unwrap_or(stmt.len());
                let stmt = &stmt[..end];
                rest = &rest[i + 8 + end..];
                // Leaves with their `as` names: split the statement the way `paths` does, but
                // keep the alias.
                let mut leads = bare.clone();
                leads.extend(["crate", "super", "self"].map(String::from));
                let first: String = stmt.chars().take_while(|&c| is_ident(c)).collect();
                if !leads.contains(&first) {
                    continue;
                }
                let mut tree = Vec::new();
                parse_tree(stmt, first.len(), vec![first.clone()], &mut tree);
                for mut leaf in tree {
                    let name = leaf.last().cloned().unwrap_or_default();
                    let alias = match name.strip_prefix("self as ") {
                        Some(a) => {
                            let a = a.to_string();
                            leaf.pop();
                            a
                        }
                        None => alias_of(stmt, &leaf).unwrap_or(name),
                    };
                    let to = resolve(m, &leaf, &reexports);
                    if to != *m && !to.is_empty() {
                        next.entry(m.clone()).or_default().insert(alias, to);
                    }
                }
            }
        }
        reexports = next;
    }
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, text) in &units {
        let bare = children(m);
        let out = edges.entry(m.clone()).or_default();
        for p in paths(text, &bare) {
            let to = resolve(m, &p, &reexports);
            if !to.is_empty() && to != *m {
                out.insert(to);
            }
        }
    }
    Graph {
        modules,
        with_file,
        edges,
    }
}

/// `x as y` after the last segment of `leaf` in `stmt`: `y`.
fn alias_of(stmt: &str, leaf: &[String]) -> Option<String> {
    let last = leaf.last()?;
    let mut rest = stmt;
    while let Some(i) = rest.find(last.as_str()) {
        let after = &rest[i + last.len()..];
        let before_ok = i == 0 || !is_ident(rest[..i].chars().last().unwrap_or(' '));
        let after_ok = !after.chars().next().is_some_and(is_ident);
        if before_ok && after_ok {
            let t = after.trim_start();
            if let Some(a) = t.strip_prefix("as ") {
                let name: String = a
                    .trim_start()
                    .chars()
                    .take_while(|&c| is_ident(c))
                    .collect();
                return Some(name);
            }
            return None;
        }
        rest = after;
    }
    None
}

/// Every edge that goes to a floor below its own: (from, to), as `a → b (floor i → j)`; and
/// every module no floor holds.
pub fn back_arrows(g: &Graph) -> Vec<String> {
    let mut out = Vec::new();
    for (from, tos) in &g.edges {
        let Some((fa, na)) = floor_of(from) else {
            out.push(format!("{} is on no floor of lib.rs", show(from)));
            continue;
        };
        for to in tos {
            let Some((fb, nb)) = floor_of(to) else {
                out.push(format!("{} is on no floor of lib.rs", show(to)));
                continue;
            };
            if fb > fa {
                out.push(format!(
                    "{} → {} ({na} is on floor {fa}, {nb} below it on floor {fb})",
                    show(from),
                    show(to)
                ));
            }
        }
    }
    out
}

/// The node that `m` is at the level of directory module `dir`: the child of `dir` that holds
/// it (a child without a file of its own, `org`, stands aside for its own children), or
/// `dir`'s own file (`mod.rs`, or `sdk.rs` beside `sdk/`), a node of its level like any child:
/// it may use its children, but then none of them may need it back. The crate's own file
/// (lib.rs, which declares every floor) is no node.
fn node_at(g: &Graph, dir: &[String], m: &[String]) -> Option<Module> {
    if !m.starts_with(dir) {
        return None;
    }
    if m.len() == dir.len() {
        if dir.is_empty() || !g.with_file.contains(dir) {
            return None;
        }
        let mut own = dir.to_vec();
        own.push("(own file)".into());
        return Some(own);
    }
    let mut n = m[..dir.len() + 1].to_vec();
    while n.len() < m.len() && !g.with_file.contains(&n) {
        n.push(m[n.len()].clone());
    }
    Some(n)
}

/// A cycle at some level: the level, and the nodes in order, the first repeated at the end.
pub fn find_cycle(g: &Graph) -> Option<(String, Vec<String>)> {
    cycles(g).into_iter().next()
}

/// One cycle of each level that has one.
pub fn cycles(g: &Graph) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let dirs: BTreeSet<Module> = g
        .modules
        .iter()
        .filter(|m| !m.is_empty())
        .map(|m| m[..m.len() - 1].to_vec())
        .collect();
    for dir in &dirs {
        let mut level: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
        for (from, tos) in &g.edges {
            let Some(a) = node_at(g, dir, from) else {
                continue;
            };
            for to in tos {
                if let Some(b) = node_at(g, dir, to) {
                    if a != b {
                        level.entry(a.clone()).or_default().insert(b);
                    }
                }
            }
        }
        if let Some(c) = cycle_of(&level) {
            out.push((show(dir), c.iter().map(|m| show(m)).collect()));
        }
    }
    out
}

fn cycle_of(g: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    // Depth-first search with colours: 1 on the stack, 2 done.
    fn visit(
        n: &Module,
        g: &BTreeMap<Module, BTreeSet<Module>>,
        colour: &mut BTreeMap<Module, u8>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        colour.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in g.get(n).into_iter().flatten() {
            match colour.get(m).copied().unwrap_or(0) {
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
        colour.insert(n.clone(), 2);
        None
    }
    let mut colour = BTreeMap::new();
    for n in g.keys() {
        if colour.get(n).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, g, &mut colour, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

/// lib.rs's layer list: the names in `` [`x`] `` of each bullet of the crate doc, in order.
fn doc_floors(lib: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut in_list = false;
    for line in lib.lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            break;
        };
        let doc = doc.strip_prefix(' ').unwrap_or(doc);
        if let Some(item) = doc.strip_prefix("- ") {
            in_list = true;
            out.push(Vec::new());
            push_links(item, out.last_mut().unwrap());
        } else if in_list && doc.starts_with("  ") {
            push_links(doc, out.last_mut().unwrap());
        } else if in_list {
            in_list = false;
        }
    }
    out
}

fn push_links(text: &str, into: &mut Vec<String>) {
    let mut rest = text;
    while let Some(i) = rest.find("[`") {
        rest = &rest[i + 2..];
        let end = rest.find("`]").unwrap_or(rest.len());
        into.push(rest[..end].to_string());
        rest = &rest[end..];
    }
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

fn crate_sources() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    sources(&src, &src, &mut files);
    files
}

fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

fn m(s: &str) -> Module {
    path_of(s)
}

#[test]
fn the_floors_here_are_the_layers_lib_rs_lists() {
    let lib = &crate_sources()["lib.rs"];
    let listed = doc_floors(lib);
    let here: Vec<Vec<String>> = FLOORS
        .iter()
        .map(|f| f.iter().map(|s| s.to_string()).collect())
        .collect();
    assert_eq!(listed, here, "lib.rs's layer list and FLOORS differ");
}

#[test]
fn every_module_uses_only_its_floor_and_those_above() {
    let g = graph(&crate_sources());
    // The graph saw the crate: modules at several depths, their edges.
    for must in [
        "engine",
        "org::model",
        "org::model::state",
        "ops::staff",
        "sweep::jobs",
        "report::charts::style",
    ] {
        assert!(g.edges.contains_key(&m(must)), "{must} not read");
    }
    assert!(g.edges[&m("ops::staff")].contains(&m("ops::types")));
    let back = back_arrows(&g);
    assert!(
        back.is_empty(),
        "against lib.rs's layers:\n{}",
        back.join("\n")
    );
}

#[test]
fn no_level_of_the_module_tree_has_a_cycle() {
    let g = graph(&crate_sources());
    let found: Vec<String> = cycles(&g)
        .into_iter()
        .map(|(level, c)| format!("in {level}: {}", c.join(" → ")))
        .collect();
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

#[test]
fn a_back_arrow_is_caught_wherever_it_is_written() {
    // Straight, inline in an expression, through nested groups, and through a re-export: each
    // is caught, named as the module it reaches.
    for (text, caught) in [
        (
            "use crate::report::charts::style::Chart;",
            vec!["engine → report::charts::style"],
        ),
        (
            "fn f() { crate::commands::dispatch(); }",
            vec!["engine → commands"],
        ),
        (
            "use crate::{plan::Plan, ops::{self, staff::Row}};",
            vec!["engine → ops", "engine → ops::staff"],
        ),
        (
            "use crate::analysis::Report;",
            vec!["engine → analysis::api"],
        ),
    ] {
        let g = graph(&files(&[
            ("engine/mod.rs", text),
            ("analysis/mod.rs", "mod api;\npub use api::Report;"),
            ("analysis/api.rs", "pub struct Report;"),
            ("plan.rs", ""),
            ("ops/mod.rs", "pub mod staff;"),
            ("ops/staff.rs", ""),
            ("report/charts/style.rs", ""),
            ("commands/mod.rs", ""),
        ]));
        let back = back_arrows(&g);
        let named: Vec<&str> = back.iter().map(|b| b.split(" (").next().unwrap()).collect();
        assert_eq!(named, caught, "{text}: {back:?}");
    }
    // Downward and sideways are fine, and so is a test.
    let g = graph(&files(&[
        (
            "engine/mod.rs",
            "use crate::plan::Plan;\n#[cfg(test)]\nmod tests { use crate::sim; }",
        ),
        ("engine/tests.rs", "use crate::commands::dispatch;"),
        (
            "plan.rs",
            "use crate::scenario::Scenario; // see crate::ops::run",
        ),
        ("scenario/mod.rs", ""),
        ("sim/mod.rs", ""),
        ("ops/mod.rs", ""),
        ("commands/mod.rs", ""),
    ]));
    assert_eq!(back_arrows(&g), Vec::<String>::new());
    // A module lib.rs does not list is refused.
    let g = graph(&files(&[
        ("nowhere.rs", "use crate::text::clean;"),
        ("text.rs", ""),
    ]));
    assert_eq!(back_arrows(&g), vec!["nowhere is on no floor of lib.rs"]);
}

#[test]
fn a_cycle_is_caught_at_every_level() {
    // Between top-level modules: a `use` one way, an inline path in a type the other.
    let g = graph(&files(&[
        ("engine/mod.rs", "use crate::plan::Plan;"),
        ("plan.rs", "struct S { x: crate::engine::Engine }"),
    ]));
    assert_eq!(
        find_cycle(&g),
        Some((
            "crate".into(),
            vec!["engine".into(), "plan".into(), "engine".into()]
        ))
    );
    // Between `org` files (org has no file of its own), through `super::` and a group.
    let g = graph(&files(&[
        ("org/model.rs", "use super::types::Request;"),
        ("org/types.rs", "use crate::org::{model, sdk};"),
        ("org/sdk.rs", ""),
    ]));
    assert_eq!(find_cycle(&g).map(|c| c.0), Some("crate".into()));
    // Three files of one directory (the ops cycle this test once missed), one of them through
    // a re-export of the directory's `mod.rs`.
    let g = graph(&files(&[
        (
            "ops/mod.rs",
            "pub mod claims;\npub mod report;\npub mod staff;\npub use report::people;",
        ),
        ("ops/staff.rs", "use super::people;"),
        ("ops/report.rs", "use super::claims::Claim;"),
        ("ops/claims.rs", "use super::staff::SupportSearch;"),
    ]));
    let (level, c) = find_cycle(&g).expect("the ops cycle");
    assert_eq!(level, "ops");
    assert_eq!(c.len(), 4, "{c:?}");
    // Two levels down, between two files of `report::charts`, one named bare from a group.
    let g = graph(&files(&[
        ("report/charts/mod.rs", "pub mod a;\npub mod b;"),
        ("report/charts/a.rs", "use super::{b::{self, Draw}};"),
        (
            "report/charts/b.rs",
            "fn f() { crate::report::charts::a::g(); }",
        ),
    ]));
    assert_eq!(
        find_cycle(&g),
        Some((
            "report::charts".into(),
            vec![
                "report::charts::a".into(),
                "report::charts::b".into(),
                "report::charts::a".into()
            ]
        ))
    );
    // A directory's own file is a node of its level: it may use its children, but a child
    // that needs it back is a cycle.
    let g = graph(&files(&[
        (
            "report/charts/mod.rs",
            "pub mod style;\npub struct Chart;\nfn f() { style::draw(); }",
        ),
        ("report/charts/style.rs", "use super::Chart;"),
    ]));
    assert_eq!(
        find_cycle(&g).map(|c| c.0),
        Some("report::charts".into()),
        "mod.rs and a child that need each other"
    );
    let g = graph(&files(&[
        (
            "report/charts/mod.rs",
            "pub mod style;\npub mod types;\npub use types::Chart;\nfn f() { style::draw(); }",
        ),
        ("report/charts/types.rs", "pub struct Chart;"),
        ("report/charts/style.rs", "use super::Chart;"),
    ]));
    assert_eq!(
        find_cycle(&g),
        None,
        "the shared type in a child of its own: one way"
    );
    // The shape `org::model` once had (the struct in `mod.rs`, its methods in the children):
    // a cycle of its level, with no exception for any level.
    let g = graph(&files(&[
        (
            "org/model/mod.rs",
            "pub mod state;\npub struct OrgModel;\nfn f() { state::g(); }",
        ),
        ("org/model/state.rs", "use super::OrgModel;"),
    ]));
    assert_eq!(
        find_cycle(&g),
        Some((
            "org::model".into(),
            vec![
                "org::model::(own file)".into(),
                "org::model::state".into(),
                "org::model::(own file)".into()
            ]
        ))
    );
    // Comments, tests and an inline module's own `super::` do not count; no cycle.
    let g = graph(&files(&[
        ("engine/mod.rs", "use crate::plan::Plan;"),
        ("engine/tests.rs", "use crate::sim::Driver;"),
        (
            "plan.rs",
            "// see crate::engine::Engine\n#[cfg(test)]\nmod tests { use crate::engine; }",
        ),
        ("sim/mod.rs", "use crate::engine::Engine;"),
        ("config/mod.rs", "pub mod units;\nuse units::seconds;"),
        (
            "config/units.rs",
            "pub fn seconds() {}\npub mod serde_ms { use super::seconds; }",
        ),
    ]));
    assert_eq!(find_cycle(&g), None);
}
