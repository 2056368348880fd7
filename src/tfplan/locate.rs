//! Where a JSON path's value starts in the text: `serde_json::Value` keeps no positions, so an
//! error about a field (an unknown `format_version`, a reference to a resource that is not
//! there) walks the text once to place it (line and column, 1-based). Only on the error path.

/// One step of a JSON path: an object's key or an array's index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// A JSON path as `resource_changes[3].change.actions`.
pub(crate) fn format(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                let plain = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain {
                    s.push_str(k);
                } else {
                    s.push_str(&serde_json::Value::String(k.clone()).to_string());
                }
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

/// The (line, column) of the value at `path` in `text`, or of the deepest part of it that
/// exists; (0, 0) for text that is not the JSON it was parsed as.
pub(crate) fn line_col(text: &[u8], path: &[Seg]) -> (usize, usize) {
    let at = find(text, path);
    let before = &text[..at.min(text.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    // Columns count characters, not bytes.
    let column = 1 + String::from_utf8_lossy(&before[start..]).chars().count();
    (line, column)
}

/// The byte offset of the value at `path` (of the deepest enclosing value found).
fn find(text: &[u8], path: &[Seg]) -> usize {
    let mut pos = skip_ws(text, 0);
    for seg in path {
        let next = match seg {
            Seg::Key(k) => member(text, pos, k),
            Seg::Index(n) => element(text, pos, *n),
        };
        match next {
            Some(p) => pos = p,
            None => return pos,
        }
    }
    pos
}

fn skip_ws(t: &[u8], mut p: usize) -> usize {
    while p < t.len() && matches!(t[p], b' ' | b'\t' | b'\n' | b'\r') {
        p += 1;
    }
    p
}

/// The end of the string starting at `p` (its opening quote).
fn skip_string(t: &[u8], mut p: usize) -> usize {
    p += 1;
    while p < t.len() {
        match t[p] {
            b'\\' => p += 2,
            b'"' => return p + 1,
            _ => p += 1,
        }
    }
    t.len()
}

/// The end of the value starting at `p`.
fn skip_value(t: &[u8], p: usize) -> usize {
    match t.get(p) {
        Some(b'"') => skip_string(t, p),
        Some(b'{') | Some(b'[') => {
            let mut depth = 0usize;
            let mut q = p;
            while q < t.len() {
                match t[q] {
                    b'"' => {
                        q = skip_string(t, q);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return q + 1;
                        }
                    }
                    _ => {}
                }
                q += 1;
            }
            t.len()
        }
        _ => {
            let mut q = p;
            while q < t.len() && !matches!(t[q], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            {
                q += 1;
            }
            q
        }
    }
}

/// The start of member `key`'s value in the object at `p`.
fn member(t: &[u8], p: usize, key: &str) -> Option<usize> {
    if t.get(p) != Some(&b'{') {
        return None;
    }
    let mut q = skip_ws(t, p + 1);
    while t.get(q) == Some(&b'"') {
        let end = skip_string(t, q);
        let raw = &t[q..end];
        let k: Option<String> = serde_json::from_slice(raw).ok();
        q = skip_ws(t, end);
        if t.get(q) != Some(&b':') {
            return None;
        }
        let v = skip_ws(t, q + 1);
        if k.as_deref() == Some(key) {
            return Some(v);
        }
        q = skip_ws(t, skip_value(t, v));
        if t.get(q) == Some(&b',') {
            q = skip_ws(t, q + 1);
        } else {
            return None;
        }
    }
    None
}

/// The start of element `n` of the array at `p`.
fn element(t: &[u8], p: usize, n: usize) -> Option<usize> {
    if t.get(p) != Some(&b'[') {
        return None;
    }
    let mut q = skip_ws(t, p + 1);
    for _ in 0..n {
        if matches!(t.get(q), None | Some(b']')) {
            return None;
        }
        q = skip_ws(t, skip_value(t, q));
        if t.get(q) != Some(&b',') {
            return None;
        }
        q = skip_ws(t, q + 1);
    }
    (!matches!(t.get(q), None | Some(b']'))).then_some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Seg {
        Seg::Key(s.into())
    }

    #[test]
    fn a_path_is_placed_at_its_value() {
        let text = b"{\n  \"a\": [1, {\"b\\\"x\": \"y\"}],\n  \"c\": {\"d\": [true,\n  null]}\n}";
        assert_eq!(line_col(text, &[k("a")]), (2, 8));
        assert_eq!(line_col(text, &[k("a"), Seg::Index(1), k("b\"x")]), (2, 21));
        assert_eq!(line_col(text, &[k("c"), k("d"), Seg::Index(1)]), (4, 3));
        // A path that goes on past what exists: the deepest part found.
        assert_eq!(line_col(text, &[k("c"), k("zz")]), (3, 8));
        assert_eq!(line_col(text, &[k("a"), Seg::Index(7)]), (2, 8));
        assert_eq!(
            format(&[k("resource_changes"), Seg::Index(3), k("a b")]),
            "resource_changes[3].\"a b\""
        );
    }
}
