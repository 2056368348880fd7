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

/// The start of every line of a text, found in one pass: line and column of any byte offset by
/// a binary search (so placing n items costs O(n log lines), not a rescan of the file per item).
pub(super) struct LineIndex {
    /// Byte offset of the first byte of each line; `starts[0] == 0`.
    starts: Vec<usize>,
}

impl LineIndex {
    pub(super) fn new(src: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of a byte offset of `src`, the text the index
    /// was built from. An offset past the end is placed at the end.
    pub(super) fn line_col(&self, src: &str, offset: usize) -> (usize, usize) {
        let mut off = offset.min(src.len());
        while off > 0 && !src.is_char_boundary(off) {
            off -= 1;
        }
        // The last line starting at or before `off`.
        let line = self.starts.partition_point(|&s| s <= off).max(1);
        let start = self.starts[line - 1];
        (line, src[start..off].chars().count() + 1)
    }
}

/// 1-based line and column (in characters) of a byte offset (one scan of the text: for a single
/// position; many positions go through a [`LineIndex`]).
#[cfg(test)]
pub(super) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(src).line_col(src, offset)
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

/// The dotted key with the most parts (`a.b.c` has 3): its byte offset and its number of parts;
/// the first one when several tie. toml reports a key deeper than its recursion limit without a
/// place; this finds it. Strings (keys or values, quoted with `"`, `'` or tripled) and comments
/// are skipped, and parts are counted only before a key's `=` (or inside a `[table]` header),
/// so the dots of values (`1.5`, dates) do not count.
pub(super) fn deepest_dotted_key(src: &str) -> Option<(usize, usize)> {
    let b = src.as_bytes();
    let mut best: Option<(usize, usize)> = None;
    // The key being read: where it starts and its dots so far; `None` while reading a value.
    let mut key: Option<(usize, usize)> = Some((0, 0));
    let mut in_header = false;
    // `{` nesting: inside an inline table, a `,` starts another key.
    let mut inline = 0usize;
    let mut i = 0;
    let close = |best: &mut Option<(usize, usize)>, k: (usize, usize)| {
        let parts = k.1 + 1;
        if best.is_none_or(|(_, p)| parts > p) {
            *best = Some((k.0, parts));
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                if let Some(k) = &mut key {
                    if k.1 == 0 && src[k.0..i].trim().is_empty() {
                        k.0 = i;
                    }
                }
                let triple = b.get(i..i + 3) == Some(&[c, c, c][..]);
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    if c == b'"' && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if triple {
                        if b.get(i..i + 3) == Some(&[c, c, c][..]) {
                            i += 3;
                            break;
                        }
                    } else if b[i] == c || b[i] == b'\n' {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'\n' => {
                if let Some(k) = key.take() {
                    close(&mut best, k);
                }
                in_header = false;
                key = (inline == 0).then_some((i + 1, 0));
            }
            b'[' if key.is_some_and(|k| k.1 == 0 && src[k.0..i].trim().is_empty()) => {
                in_header = true;
                key = Some((i + 1, 0));
            }
            b']' if in_header => {
                if let Some(k) = key.take() {
                    close(&mut best, k);
                }
            }
            b'{' => {
                inline += 1;
                key = Some((i + 1, 0));
            }
            b'}' => inline = inline.saturating_sub(1),
            b',' if inline > 0 => key = Some((i + 1, 0)),
            b'=' => {
                if let Some(k) = key.take() {
                    close(&mut best, k);
                }
            }
            b'.' => {
                if let Some(k) = &mut key {
                    k.1 += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    // Skip the whitespace before the key.
    best.map(|(at, parts)| {
        let lead = src[at..].len() - src[at..].trim_start().len();
        (at + lead, parts)
    })
}

/// The first key or string whose text holds a control character that could drive a terminal
/// (`crate::text::is_unsafe`: anything but a newline or a tab), with its path and the
/// character (`U+001B`).
pub(super) fn control_character(
    table: &DeTable,
    path: &mut Vec<Seg>,
) -> Option<(Range<usize>, String)> {
    for (k, v) in table.iter() {
        path.push(key(k.get_ref()));
        if let Some(c) = crate::text::first_unsafe(k.get_ref()) {
            return Some((k.span(), c));
        }
        if let Some(found) = value_control_character(v, path) {
            return Some(found);
        }
        path.pop();
    }
    None
}

fn value_control_character(
    v: &Spanned<DeValue>,
    path: &mut Vec<Seg>,
) -> Option<(Range<usize>, String)> {
    match v.get_ref() {
        DeValue::String(s) => crate::text::first_unsafe(s).map(|c| (v.span(), c)),
        DeValue::Table(t) => control_character(t, path),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                if let Some(found) = value_control_character(item, path) {
                    return Some(found);
                }
                path.pop();
            }
            None
        }
        _ => None,
    }
}
