//! `orgsim schema KIND` (hidden): the JSON Schema of a report kind, generated from the types
//! that serialize it (schemars), `schema_version` first and pinned to the kind's number.
//! `schemas/KIND.schema.json` holds each, and tests/schema.rs checks that they equal what the
//! types give now and that real outputs of every kind validate against them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::error::{Error, Result, Verdict};
use crate::json::JsonReport;
use crate::org::types::{SharedStr, Tags};

/// Print the JSON Schema of one report kind (the files under schemas/).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The report kind: run, sweep, phases, load, ops, staff, plan, validate, compare, check,
    /// serve, sweep-shard, sensitivity, sensitivity-shard, applies or waves.
    pub kind: String,
}

/// Every report kind, in the order `schemas/` lists them.
pub(crate) const KINDS: [&str; 16] = [
    "run",
    "sweep",
    "phases",
    "load",
    "ops",
    "staff",
    "plan",
    "validate",
    "compare",
    "check",
    "serve",
    "sweep-shard",
    "sensitivity",
    "sensitivity-shard",
    "applies",
    "waves",
];

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let s = schema(&a.kind).ok_or_else(|| {
        Error::flag(format!(
            "unknown report kind `{}`; expected one of {}",
            a.kind,
            KINDS.join(", ")
        ))
    })?;
    super::output::write_stdout(&s)?;
    Ok(Verdict::Pass)
}

/// The JSON Schema of `kind` as pretty JSON with a final newline, or `None` for an unknown
/// kind.
pub(crate) fn schema(kind: &str) -> Option<String> {
    let s = match kind {
        "run" => of::<crate::analysis::Report>(),
        "sweep" => of::<crate::sweep::SweepReport>(),
        "phases" => of::<crate::phases::PhasesReport>(),
        "load" => of::<crate::loadtest::LoadReport>(),
        "ops" => of::<crate::ops::OpsReport>(),
        "staff" => of::<crate::ops::StaffReport>(),
        "plan" => of::<crate::report::PlanJson<'static>>(),
        "validate" => of::<super::validate::Validation<'static>>(),
        "compare" => of::<crate::compare::Comparison>(),
        "check" => of::<crate::gate::CheckReport>(),
        "serve" => of::<ServeReport>(),
        "sweep-shard" => of::<crate::shard::ShardFile>(),
        "sensitivity" => of::<crate::sensitivity::SensitivityReport>(),
        "sensitivity-shard" => of::<crate::sensitivity::SensitivityShard>(),
        "applies" => of::<crate::waves::AppliesReport>(),
        "waves" => of::<crate::waves::search::WavesReport>(),
        _ => return None,
    };
    Some(crate::json::pretty_json(&s))
}

/// `T`'s schema with `schema_version` as a required integer equal to `T::SCHEMA_VERSION`.
fn of<T: JsonReport + JsonSchema>() -> Schema {
    // The serialize contract: what orgsim writes (a key skipped when empty is not required).
    let mut s = schemars::generate::SchemaSettings::default()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    let obj = s.ensure_object();
    obj.insert("title".into(), format!("orgsim {} report", T::KIND).into());
    let version = serde_json::json!({
        "description": "The version of this report kind's format (the first key).",
        "type": "integer",
        "const": T::SCHEMA_VERSION,
    });
    let props = obj
        .entry("properties")
        .or_insert_with(|| serde_json::Value::Object(Default::default()));
    if let Some(p) = props.as_object_mut() {
        p.insert("schema_version".into(), version);
    }
    let req = obj
        .entry("required")
        .or_insert_with(|| serde_json::Value::Array(vec![]));
    if let Some(r) = req.as_array_mut() {
        if !r.iter().any(|v| v == "schema_version") {
            r.insert(0, "schema_version".into());
        }
    }
    s
}

/// `orgsim serve`'s report (`GET /_orgsim/report`, requests.json), as `serve::Served::report`
/// builds it with `json!`: the same keys, typed here for its schema.
#[derive(serde::Serialize, JsonSchema)]
struct ServeReport {
    scenario: String,
    seed: u64,
    model_time_ms: u64,
    /// Every request served.
    requests: u64,
    /// The requests in `trace` (at most `serve::MAX_TRACED`).
    traced: u64,
    /// Operation → outcome (`ok` or the error code) → count, of every request.
    counts: BTreeMap<String, BTreeMap<String, u64>>,
    trace: Vec<crate::serve::Traced>,
}

impl JsonReport for ServeReport {
    const KIND: &'static str = "serve";
}

// The types with their own `Serialize`: each schema is what it serializes to.

impl JsonSchema for SharedStr {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "SharedStr".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string" })
    }
}

impl JsonSchema for Tags {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Tags".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        <BTreeMap<String, String>>::json_schema(g)
    }
}

impl JsonSchema for Verdict {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Verdict".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "enum": ["PASS", "FAIL", "INTERRUPTED"] })
    }
}
