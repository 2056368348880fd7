//! The JSON form every report shares: `schema_version` first ([`Versioned`]), pretty-printed,
//! with a final newline. A leaf: the report kinds (in every layer) implement [`JsonReport`];
//! `schema` turns each into its JSON Schema.

/// A report kind orgsim prints or writes as JSON. Every such report starts with
/// `schema_version`: its format's version, raised when a key changes meaning or goes away (a
/// new key keeps the number). Its JSON Schema is `schemas/KIND.schema.json`.
pub trait JsonReport: serde::Serialize {
    /// The kind's name: `run`, `sweep`, `load`, ... (the schema file's stem).
    const KIND: &'static str;
    /// The format's version: 1 for a kind whose JSON had none before.
    const SCHEMA_VERSION: u32 = 1;
    /// True when the type has its own `schema_version` field, first: [`report_json`] then
    /// prints it as it is.
    const CARRIES_VERSION: bool = false;
}

/// The version of `orgsim serve`'s report (`GET /_orgsim/report`, `--out DIR`'s requests.json).
pub(crate) const SERVE_SCHEMA_VERSION: u32 = 1;

/// A report with its `schema_version` as its first key, then its own keys.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Versioned<'a, T: ?Sized> {
    pub schema_version: u32,
    #[serde(flatten)]
    pub report: &'a T,
}

impl<'a, T: JsonReport + ?Sized> Versioned<'a, T> {
    pub(crate) fn new(report: &'a T) -> Self {
        Versioned {
            schema_version: T::SCHEMA_VERSION,
            report,
        }
    }
}

/// `r` as JSON with its `schema_version` first ([`Versioned`]), pretty-printed, with a final
/// newline. Deterministic: same report, same bytes.
pub fn report_json<T: JsonReport + ?Sized>(r: &T) -> String {
    if T::CARRIES_VERSION {
        pretty_json(r)
    } else {
        pretty_json(&Versioned::new(r))
    }
}

/// `v` as JSON, pretty-printed, with a final newline: how every report file and `--json` print.
/// Its types serialize without fail (no maps with non-string keys, no failing `Serialize`).
pub fn pretty_json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("orgsim's reports always serialize");
    s.push('\n');
    s
}
