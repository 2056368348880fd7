//! Placing errors: field paths and their byte ranges in the document, and line:column.

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// One step of a field path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Seg {
    Key(String),
    Index(usize),
}

pub(super) fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// `customers[1].email` from its segments.
pub(super) fn format_path(segs: &[Seg]) -> String {
    let mut out = String::new();
    for s in segs {
        match s {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The segments of a dotted path such as `service.throttle.CreateAccount` or `customers[0].name`.
pub(super) fn split_path(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (name, mut idx) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            segs.push(key(name));
        }
        while let Some(inner) = idx.strip_prefix('[') {
            let Some(end) = inner.find(']') else { break };
            if let Ok(i) = inner[..end].parse() {
                segs.push(Seg::Index(i));
            }
            idx = &inner[end + 1..];
        }
    }
    segs
}

pub(super) fn span_contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

/// The path of the deepest key or value whose span holds `offset`.
pub(super) fn path_at(table: &DeTable, offset: usize, path: &mut Vec<Seg>) -> bool {
    for (k, v) in table.iter() {
        path.push(key(k.get_ref()));
        if span_contains(&k.span(), offset)
            || value_path_at(v, offset, path)
            || span_contains(&v.span(), offset)
        {
            return true;
        }
        path.pop();
    }
    false
}

pub(super) fn value_path_at(v: &Spanned<DeValue>, offset: usize, path: &mut Vec<Seg>) -> bool {
    match v.get_ref() {
        DeValue::Table(t) => path_at(t, offset, path),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                if value_path_at(item, offset, path) || span_contains(&item.span(), offset) {
                    return true;
                }
                path.pop();
            }
            false
        }
        _ => false,
    }
}

/// The path of the table whose span is exactly `span` (empty for the whole document).
pub(super) fn table_with_span(table: &DeTable, span: &Range<usize>, path: &mut Vec<Seg>) -> bool {
    for (k, v) in table.iter() {
        path.push(key(k.get_ref()));
        if value_with_span(v, span, path) {
            return true;
        }
        path.pop();
    }
    false
}

pub(super) fn value_with_span(
    v: &Spanned<DeValue>,
    span: &Range<usize>,
    path: &mut Vec<Seg>,
) -> bool {
    if v.span() == *span && v.get_ref().is_table() {
        return true;
    }
    match v.get_ref() {
        DeValue::Table(t) => {
            let depth = path.len();
            if table_with_span(t, span, path) {
                return true;
            }
            path.truncate(depth);
            false
        }
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                if value_with_span(item, span, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        _ => false,
    }
}

/// Where `segs` is in the document: the span of the last key (or array element) of the path,
/// or of its nearest ancestor that exists.
pub(super) fn locate(table: &DeTable, segs: &[Seg]) -> Option<Range<usize>> {
    let (first, rest) = segs.split_first()?;
    let Seg::Key(k) = first else { return None };
    let (kspan, v) = table.get_key_value(k.as_str())?;
    Some(locate_value(v, rest).unwrap_or_else(|| kspan.span()))
}

pub(super) fn locate_value(v: &Spanned<DeValue>, segs: &[Seg]) -> Option<Range<usize>> {
    let (first, rest) = segs.split_first()?;
    match (first, v.get_ref()) {
        (Seg::Key(_), DeValue::Table(t)) => locate(t, segs),
        (Seg::Index(i), DeValue::Array(items)) => {
            let item = items.get(*i)?;
            Some(locate_value(item, rest).unwrap_or_else(|| item.span()))
        }
        _ => None,
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let mut off = offset.min(src.len());
    while off > 0 && !src.is_char_boundary(off) {
        off -= 1;
    }
    let before = &src[..off];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Rewrites serde's wording into the file's terms.
pub(super) fn tidy_message(msg: &str) -> String {
    let msg = msg.trim().trim_end_matches('.');
    let plain = |s: &str| -> String {
        let s = s.trim();
        match s {
            "u8" | "u16" | "u32" => "a non-negative integer (at most 4294967295)".into(),
            "u64" => "a non-negative integer".into(),
            "i64" | "i32" => "an integer".into(),
            "f64" | "f32" => "a number".into(),
            "a sequence" => "an array".into(),
            "a map" | "map" => "a table".into(),
            "sequence" => "an array".into(),
            _ if s.starts_with("struct ") => "a table".into(),
            _ => s.to_string(),
        }
    };
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!(
                "wrong type: expected {}, found {}",
                plain(expected),
                plain(found)
            );
        }
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!(
                "invalid value: expected {}, found {}",
                plain(expected),
                plain(found)
            );
        }
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        if let Some((name, expected)) = rest.split_once(", expected ") {
            let expected = expected.trim_start_matches("one of ");
            return format!("unknown key {name}; the keys allowed here are {expected}");
        }
        if let Some((name, _)) = rest.split_once(", there are no fields") {
            return format!("unknown key {name}; no keys are allowed here");
        }
        return format!("unknown key {rest}");
    }
    msg.to_string()
}
