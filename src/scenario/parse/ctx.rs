//! [`Ctx`], the file being loaded: its text, its TOML tree and where each line starts, and the
//! errors placed in it (file:line:col and field). The checks take it to say where a fault is.

use std::ops::Range;
use std::path::Path;

use toml::de::DeTable;

use super::super::ScenarioError;
use super::span::{
    deepest_dotted_key, format_path, key, locate, path_at, table_with_span, tidy_message,
    LineIndex, Seg,
};

pub(super) struct Ctx<'a> {
    pub(super) src: &'a str,
    pub(super) source: &'a Path,
    pub(super) tree: DeTable<'a>,
    /// Where each line starts: every position is placed with one binary search.
    pub(super) lines: LineIndex,
    /// A file read for its settings only (`--terraform-plan` gives the customers): one
    /// without customers is no fault.
    pub(super) customers_optional: bool,
}

impl Ctx<'_> {
    pub(super) fn err_at(
        &self,
        span: Range<usize>,
        field: Option<String>,
        message: String,
    ) -> ScenarioError {
        let (line, column) = self.lines.line_col(self.src, span.start);
        ScenarioError {
            file: self.source.to_path_buf(),
            line,
            column,
            field,
            message,
        }
    }

    /// An error that belongs to the whole file (no line: printed as just the path).
    pub(super) fn err_file(&self, field: Option<String>, message: String) -> ScenarioError {
        ScenarioError {
            file: self.source.to_path_buf(),
            line: 0,
            column: 0,
            field,
            message,
        }
    }

    /// A TOML syntax error: at its span; a duplicate key named; the recursion limit of a
    /// dotted key (which toml reports without a place) at that key.
    pub(super) fn toml_error(&self, message: &str, span: Option<Range<usize>>) -> ScenarioError {
        let mut msg = format!("invalid TOML: {}", tidy_message(message));
        if let Some(span) = &span {
            if message.trim_end_matches('.') == "duplicate key" {
                let written = self.src.get(span.clone()).unwrap_or("").trim();
                if !written.is_empty() {
                    msg = format!(
                        "invalid TOML: duplicate key `{written}`: it is already defined above"
                    );
                }
            }
        }
        match span {
            Some(span) => self.err_at(span, None, msg),
            None if message.contains("recursion") => match deepest_dotted_key(self.src) {
                Some((at, parts)) => self.err_at(
                    at..at,
                    None,
                    format!(
                        "invalid TOML: a dotted key of {parts} parts is deeper than the TOML \
                         reader allows (80 levels)"
                    ),
                ),
                None => self.err_file(None, msg),
            },
            None => self.err_file(None, msg),
        }
    }

    /// An error at a value we hold a span for.
    pub(super) fn at(
        &self,
        span: Range<usize>,
        segs: &[Seg],
        message: impl Into<String>,
    ) -> ScenarioError {
        self.err_at(span, Some(format_path(segs)), message.into())
    }

    /// An error at a path: placed at its key (or nearest existing ancestor, else line 1).
    pub(super) fn at_path(&self, segs: &[Seg], message: impl Into<String>) -> ScenarioError {
        match locate(&self.tree, segs) {
            Some(span) => self.err_at(span, Some(format_path(segs)), message.into()),
            None => self.err_file(Some(format_path(segs)), message.into()),
        }
    }

    pub(super) fn serde_error(&self, e: &toml::de::Error) -> ScenarioError {
        let raw = e.message();
        let Some(span) = e.span() else {
            return self.err_file(None, tidy_message(raw));
        };
        let mut segs = Vec::new();
        // A missing key is reported at its table; name the key itself.
        if let Some(missing) = raw
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            // No table has exactly that span: it is the document's (top-level keys), and the
            // fault belongs to the whole file.
            let in_table = table_with_span(&self.tree, &span, &mut segs);
            if !in_table {
                segs.clear();
            }
            segs.push(key(missing));
            let msg = format!("required key `{missing}` is missing");
            return if in_table {
                self.err_at(span, Some(format_path(&segs)), msg)
            } else {
                self.err_file(Some(format_path(&segs)), msg)
            };
        }
        path_at(&self.tree, span.start, &mut segs);
        let field = if segs.is_empty() {
            None
        } else {
            Some(format_path(&segs))
        };
        self.err_at(span, field, tidy_message(raw))
    }
}
