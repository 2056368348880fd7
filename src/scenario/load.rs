//! Loading scenario files: TOML text → validated [`Scenario`].
//!
//! Two passes over the text:
//!
//! 1. [`toml::de::DeTable::parse`] gives the document as a tree of spanned keys and values. It
//!    reports TOML syntax errors, and afterwards it is used to name and place errors: the dotted
//!    field path at a byte offset ([`path_at`]) and the place of a dotted path ([`locate`]).
//! 2. serde deserializes private "raw" structs (`deny_unknown_fields` everywhere), which reports
//!    unknown keys, wrong types and missing keys with toml's span. Fields that semantic checks
//!    need to place are [`Spanned`].
//!
//! Then the semantic checks run in file order (tiers, customers, generate, organization, deploy,
//! service, costs, expect), and the first fault becomes the [`ScenarioError`].

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::tiers::{builtin_tiers, check_framework, check_ou_name, check_tier_key};
use super::{
    Cents, CostKind, CostLine, Customer, DeployConfig, DeployOverrides, Expectations, LoadSettings,
    OrganizationConfig, OuLayout, Phase, Scenario, ScenarioError, ServiceParams, Tier,
};
use crate::config::units::{parse_duration_ms, seconds_to_ms};

/// Most customers `[generate]` may add.
pub const MAX_GENERATED: u64 = 100_000;
/// Largest amount of money accepted anywhere, in dollars.
pub const MAX_DOLLARS: i64 = 1_000_000_000_000;

/// Reads and validates the scenario at `path`.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let src = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: path.to_path_buf(),
        line: 0,
        column: 0,
        field: None,
        message: format!("cannot read the file: {e}"),
    })?;
    parse(&src, path)
}

/// Parses and validates scenario text; `source` names it in errors.
pub fn parse(src: &str, source: &Path) -> Result<Scenario, ScenarioError> {
    let tree = match DeTable::parse(src) {
        Ok(t) => t.into_inner(),
        Err(e) => {
            let ctx = Ctx {
                src,
                source,
                tree: DeTable::new(),
            };
            let msg = format!("invalid TOML: {}", tidy_message(e.message()));
            return Err(match e.span() {
                Some(span) => ctx.err_at(span, None, msg),
                None => ctx.err_at(0..0, None, msg),
            });
        }
    };
    let ctx = Ctx { src, source, tree };
    let raw: RawScenario = toml::from_str(src).map_err(|e| ctx.serde_error(&e))?;
    ctx.build(raw)
}

// ---------------------------------------------------------------------------------------------
// Raw structs: the file as written.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    customers: Vec<Spanned<RawCustomer>>,
    #[serde(default)]
    tiers: BTreeMap<String, RawTier>,
    #[serde(default)]
    generate: Option<RawGenerate>,
    #[serde(default)]
    organization: Option<RawOrganization>,
    #[serde(default)]
    deploy: Option<DeployOverrides>,
    #[serde(default)]
    service: Option<ServiceParams>,
    #[serde(default)]
    costs: Vec<RawCost>,
    #[serde(default)]
    expect: Option<RawExpect>,
    #[serde(default)]
    phases: Vec<Spanned<RawPhase>>,
    #[serde(default)]
    load: Option<RawLoad>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLoad {
    #[serde(default)]
    rate: Option<Spanned<String>>,
    #[serde(default)]
    duration: Option<Spanned<DurationMs>>,
    #[serde(default)]
    stages: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    arrivals: Option<Spanned<String>>,
    #[serde(default)]
    thresholds: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    max_concurrent: Option<Spanned<u64>>,
    #[serde(default)]
    grace: Option<DurationMs>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    name: Spanned<String>,
    customers: Spanned<Vec<u64>>,
    #[serde(default)]
    ous: Option<Spanned<Vec<u64>>>,
    #[serde(default)]
    accounts: Option<Spanned<Vec<u64>>>,
    #[serde(default)]
    mrr: Option<Spanned<Vec<Money>>>,
    #[serde(default)]
    deploy_minutes_max: Option<Spanned<f64>>,
    #[serde(default)]
    conflicts_max: Option<Spanned<f64>>,
    #[serde(default)]
    confidence: Option<Spanned<f64>>,
    #[serde(default)]
    layout: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustomer {
    name: Spanned<String>,
    tier: Spanned<String>,
    email: Spanned<String>,
    #[serde(default)]
    account_id: Option<Spanned<String>>,
    #[serde(default)]
    monthly: Option<Money>,
    #[serde(default)]
    region: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    #[serde(default)]
    framework: Option<Spanned<String>>,
    #[serde(default)]
    ou: Option<Spanned<String>>,
    #[serde(default)]
    monthly_price: Option<Money>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGenerate {
    count: Spanned<u64>,
    #[serde(default)]
    mix: Option<BTreeMap<String, Spanned<f64>>>,
    #[serde(default)]
    email_domain: Option<Spanned<String>>,
    #[serde(default)]
    name_prefix: Option<Spanned<String>>,
    #[serde(default)]
    seed: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganization {
    #[serde(default)]
    account_quota: Option<Spanned<u32>>,
    #[serde(default)]
    management_account_id: Option<Spanned<String>>,
    #[serde(default)]
    existing_accounts: Option<u32>,
    #[serde(default)]
    layout: Option<Spanned<String>>,
    #[serde(default)]
    regions: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    ou_path: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    ou_navigation_threshold: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCost {
    name: Spanned<String>,
    #[serde(default)]
    monthly: Option<Money>,
    #[serde(default)]
    per_customer: Option<Money>,
    #[serde(default)]
    per_account: Option<Money>,
    #[serde(default)]
    per_tier: Option<BTreeMap<String, Money>>,
    #[serde(default)]
    step: Option<RawStep>,
    #[serde(default)]
    revenue_share: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    every: Spanned<u64>,
    monthly: Money,
}

/// The keys that choose a cost line's kind, in the order the docs list them.
const COST_KINDS: [&str; 6] = [
    "monthly",
    "per_customer",
    "per_account",
    "per_tier",
    "step",
    "revenue_share",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    #[serde(default)]
    makespan_max: Option<DurationMs>,
    #[serde(default)]
    margin_min: Option<Spanned<f64>>,
    #[serde(default)]
    unresolved_conflicts_max: Option<u64>,
    #[serde(default)]
    conflicts_max: Option<u64>,
    #[serde(default)]
    throttled_max: Option<u64>,
    #[serde(default)]
    failed_max: Option<u64>,
}

/// Dollars in the file (a TOML integer or float, at most 2 decimals), integer cents here.
/// All checks happen while deserializing, so toml places the error at the value.
struct Money(Cents);

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount of US dollars (a number such as 8000 or 99.99)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                if v < 0 {
                    return Err(E::custom(format!(
                        "an amount of money must not be negative, not {v}"
                    )));
                }
                self.visit_u64(v as u64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                if v > MAX_DOLLARS as u64 {
                    return Err(E::custom(format!(
                        "an amount of money must be at most {MAX_DOLLARS} dollars, not {v}"
                    )));
                }
                Ok(Money(v as i64 * 100))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
                dollars_to_cents(v).map(Money).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Converts dollars to cents exactly: the value's shortest decimal form must have at most two
/// decimals (`99.99` → 9999; `0.001` is an error).
fn dollars_to_cents(v: f64) -> Result<Cents, String> {
    if !v.is_finite() {
        return Err(format!(
            "an amount of money must be a finite number, not {v}"
        ));
    }
    if v < 0.0 {
        return Err(format!("an amount of money must not be negative, not {v}"));
    }
    if v > MAX_DOLLARS as f64 {
        return Err(format!(
            "an amount of money must be at most {MAX_DOLLARS} dollars, not {v}"
        ));
    }
    // `Display` for f64 gives the shortest decimal that reads back as the same value, never
    // in exponent form; -0.0 prints as "-0".
    let text = format!("{}", v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    if frac.len() > 2 {
        return Err(format!(
            "an amount of money may have at most 2 decimal places (whole cents), not {v}"
        ));
    }
    let whole: i64 = int
        .parse()
        .map_err(|_| format!("`{v}` is not an amount of dollars"))?;
    let mut cents: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse()
            .map_err(|_| format!("`{v}` is not an amount of dollars"))?
    };
    if frac.len() == 1 {
        cents *= 10;
    }
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents))
        .ok_or_else(|| format!("an amount of money must be at most {MAX_DOLLARS} dollars"))
}

/// A fraction of revenue (0..=1, at most 6 decimal places) as parts per million, exactly:
/// `0.03` → 30,000; `0.0000001` is an error.
fn fraction_to_ppm(v: f64) -> Result<u32, String> {
    if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
        return Err(format!(
            "a revenue share is a fraction between 0 and 1 (0.03 for 3%), not {v}"
        ));
    }
    let text = format!("{v}");
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    if frac.len() > 6 {
        return Err(format!(
            "a revenue share may have at most 6 decimal places, not {v}"
        ));
    }
    let whole: u32 = int
        .parse()
        .map_err(|_| format!("`{v}` is not a fraction"))?;
    let padded = format!("{frac:0<6}");
    let part: u32 = padded
        .parse()
        .map_err(|_| format!("`{v}` is not a fraction"))?;
    Ok(whole * 1_000_000 + part)
}

/// A duration: a number of seconds or a string like `"90s"`, `"15m"`, `"1h30m"`, `"500ms"`;
/// integer milliseconds here.
struct DurationMs(u64);

impl<'de> Deserialize<'de> for DurationMs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DurationMs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number of seconds or a duration such as \"90s\", \"15m\" or \"1h30m\"",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DurationMs, E> {
                seconds_to_ms(v as f64).map(DurationMs).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DurationMs, E> {
                seconds_to_ms(v as f64).map(DurationMs).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DurationMs, E> {
                seconds_to_ms(v).map(DurationMs).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DurationMs, E> {
                parse_duration_ms(v).map(DurationMs).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Placing errors.

/// One step of a field path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// `customers[1].email` from its segments.
fn format_path(segs: &[Seg]) -> String {
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
fn split_path(path: &str) -> Vec<Seg> {
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

fn span_contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

/// The path of the deepest key or value whose span holds `offset`.
fn path_at(table: &DeTable, offset: usize, path: &mut Vec<Seg>) -> bool {
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

fn value_path_at(v: &Spanned<DeValue>, offset: usize, path: &mut Vec<Seg>) -> bool {
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
fn table_with_span(table: &DeTable, span: &Range<usize>, path: &mut Vec<Seg>) -> bool {
    for (k, v) in table.iter() {
        path.push(key(k.get_ref()));
        if value_with_span(v, span, path) {
            return true;
        }
        path.pop();
    }
    false
}

fn value_with_span(v: &Spanned<DeValue>, span: &Range<usize>, path: &mut Vec<Seg>) -> bool {
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
fn locate(table: &DeTable, segs: &[Seg]) -> Option<Range<usize>> {
    let (first, rest) = segs.split_first()?;
    let Seg::Key(k) = first else { return None };
    let (kspan, v) = table.get_key_value(k.as_str())?;
    Some(locate_value(v, rest).unwrap_or_else(|| kspan.span()))
}

fn locate_value(v: &Spanned<DeValue>, segs: &[Seg]) -> Option<Range<usize>> {
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
fn line_col(src: &str, offset: usize) -> (usize, usize) {
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
fn tidy_message(msg: &str) -> String {
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

struct Ctx<'a> {
    src: &'a str,
    source: &'a Path,
    tree: DeTable<'a>,
}

impl Ctx<'_> {
    fn err_at(&self, span: Range<usize>, field: Option<String>, message: String) -> ScenarioError {
        let (line, column) = line_col(self.src, span.start);
        ScenarioError {
            file: self.source.to_path_buf(),
            line,
            column,
            field,
            message,
        }
    }

    /// An error at a value we hold a span for.
    fn at(&self, span: Range<usize>, segs: &[Seg], message: impl Into<String>) -> ScenarioError {
        self.err_at(span, Some(format_path(segs)), message.into())
    }

    /// An error at a path: placed at its key (or nearest existing ancestor, else line 1).
    fn at_path(&self, segs: &[Seg], message: impl Into<String>) -> ScenarioError {
        let span = locate(&self.tree, segs).unwrap_or(0..0);
        self.err_at(span, Some(format_path(segs)), message.into())
    }

    fn serde_error(&self, e: &toml::de::Error) -> ScenarioError {
        let raw = e.message();
        let span = e.span().unwrap_or(0..0);
        let mut segs = Vec::new();
        // A missing key is reported at its table; name the key itself.
        if let Some(missing) = raw
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            // No table has exactly that span: it is the document's (top-level keys).
            if e.span().is_some() && !table_with_span(&self.tree, &span, &mut segs) {
                segs.clear();
            }
            segs.push(key(missing));
            return self.err_at(
                span,
                Some(format_path(&segs)),
                format!("required key `{missing}` is missing"),
            );
        }
        if e.span().is_some() {
            path_at(&self.tree, span.start, &mut segs);
        }
        let field = if segs.is_empty() {
            None
        } else {
            Some(format_path(&segs))
        };
        self.err_at(span, field, tidy_message(raw))
    }

    // -----------------------------------------------------------------------------------------
    // Semantic checks.

    fn build(&self, raw: RawScenario) -> Result<Scenario, ScenarioError> {
        let name = raw.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(self.at(
                raw.name.span(),
                &[key("name")],
                "the scenario name must not be empty",
            ));
        }
        let seed = raw.seed.unwrap_or(1);

        let tiers = self.tiers(&raw.tiers)?;

        let mut customers = Vec::with_capacity(raw.customers.len());
        for (i, c) in raw.customers.iter().enumerate() {
            customers.push(self.customer(i, c, &tiers)?);
        }

        let mut generate_at = None;
        if let Some(g) = &raw.generate {
            generate_at = Some(g.count.span());
            customers.extend(self.generate(g, seed, &tiers)?);
        }
        let organization = self.organization(raw.organization.as_ref())?;
        for (i, c) in raw.customers.iter().enumerate() {
            if let Some(r) = &c.get_ref().region {
                if !organization.regions.contains(r.get_ref()) {
                    return Err(self.at(
                        r.span(),
                        &[key("customers"), Seg::Index(i), key("region")],
                        format!(
                            "unknown region `{}`; [organization] regions are {}",
                            r.get_ref(),
                            organization.regions.join(", ")
                        ),
                    ));
                }
            }
        }

        let deploy_overrides = raw.deploy.unwrap_or_default();
        let deploy = DeployConfig::resolve(
            deploy_overrides.deployer.unwrap_or_default(),
            &deploy_overrides,
        );
        if let Err((path, why)) = deploy.check() {
            return Err(self.at_path(&split_path(&path), why));
        }
        let service = raw.service.unwrap_or_default();
        if let Err((path, why)) = service.check() {
            return Err(self.at_path(&split_path(&path), why));
        }

        let mut costs = Vec::with_capacity(raw.costs.len());
        for (i, c) in raw.costs.iter().enumerate() {
            let n = c.name.get_ref().trim();
            if n.is_empty() {
                return Err(self.at(
                    c.name.span(),
                    &[key("costs"), Seg::Index(i), key("name")],
                    "a cost line's name must not be empty",
                ));
            }
            costs.push(CostLine {
                name: n.to_string(),
                kind: self.cost_kind(i, c, &tiers)?,
            });
        }

        let expect = self.expect(raw.expect.as_ref())?;
        let phases = self.phases(&raw.phases)?;
        let load = self.load_settings(raw.load.as_ref())?;

        if customers.is_empty() {
            let msg = "the scenario has no customers: list some under [[customers]] or \
                       generate some with [generate] count > 0";
            return Err(match generate_at {
                Some(span) => self.at(span, &[key("generate"), key("count")], msg),
                None => self.err_at(0..0, Some("customers".into()), msg.into()),
            });
        }

        Ok(Scenario {
            name,
            description: raw.description,
            seed,
            source: self.source.to_path_buf(),
            customers,
            tiers,
            organization,
            deploy,
            deploy_overrides,
            service,
            costs,
            expect,
            phases,
            load,
        })
    }

    /// The kind of `[[costs]]` line `i`: exactly one of [`COST_KINDS`].
    fn cost_kind(
        &self,
        i: usize,
        c: &RawCost,
        tiers: &BTreeMap<String, Tier>,
    ) -> Result<CostKind, ScenarioError> {
        let here = |rest: &[&str]| {
            let mut s = vec![key("costs"), Seg::Index(i)];
            s.extend(rest.iter().map(|k| key(k)));
            s
        };
        let present: Vec<&str> = COST_KINDS
            .iter()
            .copied()
            .zip([
                c.monthly.is_some(),
                c.per_customer.is_some(),
                c.per_account.is_some(),
                c.per_tier.is_some(),
                c.step.is_some(),
                c.revenue_share.is_some(),
            ])
            .filter(|(_, p)| *p)
            .map(|(k, _)| k)
            .collect();
        match present.as_slice() {
            [] => {
                return Err(self.at_path(
                    &here(&["monthly"]),
                    format!(
                        "required key `monthly` is missing: a cost line needs one of {}",
                        COST_KINDS.join(", ")
                    ),
                ))
            }
            [_] => {}
            [first, second, ..] => {
                return Err(self.at_path(
                    &here(&[second]),
                    format!(
                        "a cost line has exactly one kind; this one has both `{first}` and \
                         `{second}`: split it into two [[costs]] lines"
                    ),
                ))
            }
        }
        if let Some(m) = &c.monthly {
            return Ok(CostKind::Fixed { monthly_cents: m.0 });
        }
        if let Some(m) = &c.per_customer {
            return Ok(CostKind::PerCustomer { cents: m.0 });
        }
        if let Some(m) = &c.per_account {
            return Ok(CostKind::PerAccount { cents: m.0 });
        }
        if let Some(t) = &c.per_tier {
            let mut cents = BTreeMap::new();
            for (k, m) in t {
                if !tiers.contains_key(k) {
                    let known: Vec<&str> = tiers.keys().map(String::as_str).collect();
                    return Err(self.at_path(
                        &here(&["per_tier", k]),
                        format!(
                            "unknown tier `{k}`; the known tiers are {}",
                            known.join(", ")
                        ),
                    ));
                }
                cents.insert(k.clone(), m.0);
            }
            if cents.is_empty() {
                return Err(self.at_path(
                    &here(&["per_tier"]),
                    "`per_tier` lists no tier: write e.g. per_tier = { fintech = 300 }",
                ));
            }
            return Ok(CostKind::PerTier { cents });
        }
        if let Some(st) = &c.step {
            let every = *st.every.get_ref();
            if every == 0 {
                return Err(self.at(
                    st.every.span(),
                    &here(&["step", "every"]),
                    "`every` must be at least 1 (customers per step)",
                ));
            }
            return Ok(CostKind::Step {
                every,
                monthly_cents: st.monthly.0,
            });
        }
        let share = c.revenue_share.as_ref().expect("one kind is present");
        let ppm = fraction_to_ppm(*share.get_ref())
            .map_err(|why| self.at(share.span(), &here(&["revenue_share"]), why))?;
        Ok(CostKind::RevenueShare { ppm })
    }

    fn tiers(
        &self,
        raw: &BTreeMap<String, RawTier>,
    ) -> Result<BTreeMap<String, Tier>, ScenarioError> {
        let mut tiers = builtin_tiers();
        for (k, t) in raw {
            let here = |field: &str| {
                let mut s = vec![key("tiers"), key(k)];
                if !field.is_empty() {
                    s.push(key(field));
                }
                s
            };
            check_tier_key(k).map_err(|why| self.at_path(&here(""), why))?;
            if let Some(fw) = &t.framework {
                check_framework(fw.get_ref())
                    .map_err(|why| self.at(fw.span(), &here("framework"), why))?;
            }
            if let Some(ou) = &t.ou {
                check_ou_name(ou.get_ref()).map_err(|why| self.at(ou.span(), &here("ou"), why))?;
            }
            let tier = match tiers.get(k) {
                Some(base) => Tier {
                    key: k.clone(),
                    framework: t
                        .framework
                        .as_ref()
                        .map_or(base.framework.clone(), |f| f.get_ref().clone()),
                    ou: t
                        .ou
                        .as_ref()
                        .map_or(base.ou.clone(), |o| o.get_ref().clone()),
                    monthly_price_cents: t
                        .monthly_price
                        .as_ref()
                        .map_or(base.monthly_price_cents, |m| m.0),
                },
                None => {
                    let missing = [
                        ("framework", t.framework.is_none()),
                        ("ou", t.ou.is_none()),
                        ("monthly_price", t.monthly_price.is_none()),
                    ];
                    if let Some((m, _)) = missing.iter().find(|(_, absent)| *absent) {
                        return Err(self
                            .at_path(
                                &here(""),
                                format!(
                                "the new tier `{k}` needs `framework`, `ou` and `monthly_price`; \
                                 `{m}` is missing"
                            ),
                            )
                            .with_field(format_path(&here(m))));
                    }
                    Tier {
                        key: k.clone(),
                        framework: t
                            .framework
                            .as_ref()
                            .map(|f| f.get_ref().clone())
                            .unwrap_or_default(),
                        ou: t
                            .ou
                            .as_ref()
                            .map(|o| o.get_ref().clone())
                            .unwrap_or_default(),
                        monthly_price_cents: t.monthly_price.as_ref().map_or(0, |m| m.0),
                    }
                }
            };
            tiers.insert(k.clone(), tier);
        }
        Ok(tiers)
    }

    fn customer(
        &self,
        i: usize,
        c: &Spanned<RawCustomer>,
        tiers: &BTreeMap<String, Tier>,
    ) -> Result<Customer, ScenarioError> {
        let here = |field: &str| vec![key("customers"), Seg::Index(i), key(field)];
        let raw = c.get_ref();

        let name = raw.name.get_ref();
        check_account_name(name).map_err(|why| self.at(raw.name.span(), &here("name"), why))?;

        let tier_key = raw.tier.get_ref();
        let Some(tier) = tiers.get(tier_key) else {
            let known: Vec<&str> = tiers.keys().map(String::as_str).collect();
            return Err(self.at(
                raw.tier.span(),
                &here("tier"),
                format!(
                    "unknown tier `{tier_key}`; the known tiers are {}",
                    known.join(", ")
                ),
            ));
        };

        let email = raw.email.get_ref();
        check_email(email).map_err(|why| self.at(raw.email.span(), &here("email"), why))?;

        if let Some(id) = &raw.account_id {
            check_account_id(id.get_ref())
                .map_err(|why| self.at(id.span(), &here("account_id"), why))?;
        }

        // The customer's line: the `name` key's line when the table's own span says little.
        let line = line_col(self.src, c.span().start.min(raw.name.span().start)).0;
        Ok(Customer {
            name: name.clone(),
            tier: tier_key.clone(),
            email: email.clone(),
            account_id: raw.account_id.as_ref().map(|a| a.get_ref().clone()),
            monthly_cents: raw
                .monthly
                .as_ref()
                .map_or(tier.monthly_price_cents, |m| m.0),
            generated: false,
            line,
            region: raw.region.as_ref().map(|r| r.get_ref().clone()),
        })
    }

    fn generate(
        &self,
        g: &RawGenerate,
        scenario_seed: u64,
        tiers: &BTreeMap<String, Tier>,
    ) -> Result<Vec<Customer>, ScenarioError> {
        let here = |field: &str| vec![key("generate"), key(field)];
        let count = *g.count.get_ref();
        if count > MAX_GENERATED {
            return Err(self.at(
                g.count.span(),
                &here("count"),
                format!("count must be between 0 and {MAX_GENERATED}, not {count}"),
            ));
        }

        // The mix, in tier key order.
        let mut mix: Vec<(String, f64)> = Vec::new();
        match &g.mix {
            None => {
                for k in builtin_tiers().keys() {
                    mix.push((k.clone(), 1.0));
                }
            }
            Some(m) => {
                for (k, w) in m {
                    let segs = vec![key("generate"), key("mix"), key(k)];
                    if !tiers.contains_key(k) {
                        let known: Vec<&str> = tiers.keys().map(String::as_str).collect();
                        return Err(self.at_path(
                            &segs,
                            format!(
                                "unknown tier `{k}` in the mix; the known tiers are {}",
                                known.join(", ")
                            ),
                        ));
                    }
                    let v = *w.get_ref();
                    if !(v.is_finite() && v >= 0.0) {
                        return Err(self.at(
                            w.span(),
                            &segs,
                            format!("a mix weight must be a finite number >= 0, not {v}"),
                        ));
                    }
                    mix.push((k.clone(), v));
                }
                let total: f64 = mix.iter().map(|(_, w)| w).sum();
                if !(total > 0.0 && total.is_finite()) {
                    return Err(self.at_path(
                        &here("mix"),
                        "the mix weights must add up to a finite number greater than 0",
                    ));
                }
            }
        }

        let domain = g
            .email_domain
            .as_ref()
            .map_or("example.com", |d| d.get_ref().as_str());
        if let Some(d) = &g.email_domain {
            check_domain(domain).map_err(|why| self.at(d.span(), &here("email_domain"), why))?;
        }
        let prefix = g
            .name_prefix
            .as_ref()
            .map_or("Customer", |p| p.get_ref().as_str());
        let slug = slugify(prefix);
        let make = |i: u64| {
            (
                format!("{prefix} {i:03}"),
                format!("{slug}-{i:03}@{domain}"),
            )
        };
        if count > 0 {
            // The longest name and email are those of the last customer.
            let (name, email) = make(count);
            let prefix_err = |why: String| match &g.name_prefix {
                Some(p) => self.at(p.span(), &here("name_prefix"), why),
                None => self.at(g.count.span(), &here("count"), why),
            };
            if prefix.trim().is_empty() {
                return Err(prefix_err("name_prefix must not be empty".into()));
            }
            check_account_name(&name)
                .map_err(|why| prefix_err(format!("generated name `{name}`: {why}")))?;
            check_email(&email).map_err(|why| {
                let why = format!("generated email `{email}`: {why}");
                match &g.email_domain {
                    Some(d) => self.at(d.span(), &here("email_domain"), why),
                    None => prefix_err(why),
                }
            })?;
        }

        let weights: Vec<f64> = mix.iter().map(|(_, w)| *w).collect();
        let counts = apportion(count, &weights);
        let mut order: Vec<&str> = Vec::with_capacity(count as usize);
        for ((k, _), n) in mix.iter().zip(&counts) {
            for _ in 0..*n {
                order.push(k);
            }
        }
        let mut rng = SmallRng::seed_from_u64(g.seed.unwrap_or(scenario_seed));
        order.shuffle(&mut rng);

        Ok(order
            .iter()
            .zip(1u64..)
            .map(|(tier, i)| {
                let (name, email) = make(i);
                Customer {
                    name,
                    tier: tier.to_string(),
                    email,
                    account_id: None,
                    monthly_cents: tiers.get(*tier).map_or(0, |t| t.monthly_price_cents),
                    generated: true,
                    line: 0,
                    region: None,
                }
            })
            .collect())
    }

    fn organization(
        &self,
        raw: Option<&RawOrganization>,
    ) -> Result<OrganizationConfig, ScenarioError> {
        let mut org = OrganizationConfig::default();
        let Some(o) = raw else { return Ok(org) };
        let here = |field: &str| vec![key("organization"), key(field)];
        if let Some(q) = &o.account_quota {
            if *q.get_ref() == 0 {
                return Err(self.at(
                    q.span(),
                    &here("account_quota"),
                    "account_quota must be at least 1",
                ));
            }
            org.account_quota = *q.get_ref();
        }
        if let Some(id) = &o.management_account_id {
            check_account_id(id.get_ref())
                .map_err(|why| self.at(id.span(), &here("management_account_id"), why))?;
            org.management_account_id = id.get_ref().clone();
        }
        if let Some(n) = o.existing_accounts {
            org.existing_accounts = n;
        }
        if let Some(l) = &o.layout {
            org.layout = match l.get_ref().as_str() {
                "flat" => OuLayout::Flat,
                "by-tier-region" => OuLayout::ByTierRegion,
                other => {
                    return Err(self.at(
                        l.span(),
                        &here("layout"),
                        format!("unknown layout `{other}`; use `flat` or `by-tier-region`"),
                    ))
                }
            };
        }
        for (field, list) in [("regions", &o.regions), ("ou_path", &o.ou_path)] {
            let Some(list) = list else { continue };
            let mut seen = std::collections::BTreeSet::new();
            for name in list.get_ref() {
                check_ou_name(name).map_err(|why| self.at(list.span(), &here(field), why))?;
                if field == "regions" && !seen.insert(name.as_str()) {
                    return Err(self.at(
                        list.span(),
                        &here(field),
                        format!("region `{name}` is listed twice"),
                    ));
                }
            }
            if field == "regions" && list.get_ref().is_empty() {
                return Err(self.at(
                    list.span(),
                    &here(field),
                    "regions must name at least one region",
                ));
            }
            let v = list.get_ref().clone();
            if field == "regions" {
                org.regions = v;
            } else {
                org.ou_path = v;
            }
        }
        if let Some(t) = &o.ou_navigation_threshold {
            if *t.get_ref() == 0 {
                return Err(self.at(
                    t.span(),
                    &here("ou_navigation_threshold"),
                    "must be at least 1",
                ));
            }
            org.ou_navigation_threshold = *t.get_ref();
        }
        Ok(org)
    }

    fn phases(&self, raw: &[Spanned<RawPhase>]) -> Result<Vec<Phase>, ScenarioError> {
        let mut out = Vec::with_capacity(raw.len());
        for (i, p) in raw.iter().enumerate() {
            let here = |field: &str| vec![key("phases"), Seg::Index(i), key(field)];
            let p = p.get_ref();
            let name = p.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(self.at(p.name.span(), &here("name"), "a phase needs a name"));
            }
            let range = |field: &str,
                         v: &Spanned<Vec<u64>>,
                         need_both: bool|
             -> Result<(u64, Option<u64>), ScenarioError> {
                let bad = |why: &str| self.at(v.span(), &here(field), why.to_string());
                match v.get_ref().as_slice() {
                    [a] if !need_both => Ok((*a, None)),
                    [a, b] if a <= b => Ok((*a, Some(*b))),
                    [_, _] => Err(bad("write [low, high] with low <= high")),
                    _ if need_both => Err(bad("write [low, high], e.g. [3, 5]")),
                    _ => Err(bad("write [low, high], or [low] for \"low or more\"")),
                }
            };
            let (lo, hi) = range("customers", &p.customers, true)?;
            let hi = hi.unwrap_or(lo);
            if lo == 0 || hi > 100_000 {
                return Err(self.at(
                    p.customers.span(),
                    &here("customers"),
                    "customer counts must be between 1 and 100000",
                ));
            }
            let ous = p.ous.as_ref().map(|v| range("ous", v, false)).transpose()?;
            let accounts = p
                .accounts
                .as_ref()
                .map(|v| range("accounts", v, false))
                .transpose()?;
            let mrr_cents = match &p.mrr {
                None => None,
                Some(v) => match v.get_ref().as_slice() {
                    [a] => Some((a.0, None)),
                    [a, b] if a.0 <= b.0 => Some((a.0, Some(b.0))),
                    _ => {
                        return Err(self.at(
                            v.span(),
                            &here("mrr"),
                            "write [low, high] in dollars, or [low] for \"low or more\"",
                        ))
                    }
                },
            };
            for (field, v) in [
                ("deploy_minutes_max", &p.deploy_minutes_max),
                ("conflicts_max", &p.conflicts_max),
            ] {
                if let Some(v) = v {
                    if !(*v.get_ref() >= 0.0 && v.get_ref().is_finite()) {
                        return Err(self.at(
                            v.span(),
                            &here(field),
                            "must be a non-negative number",
                        ));
                    }
                }
            }
            let confidence = match &p.confidence {
                None => crate::phases::DEFAULT_CONFIDENCE,
                Some(c) => {
                    let v = *c.get_ref();
                    if !(v > 0.0 && v <= 1.0) {
                        return Err(self.at(
                            c.span(),
                            &here("confidence"),
                            "must be a share of replications above 0 and at most 1 (e.g. 0.95)",
                        ));
                    }
                    v
                }
            };
            let layout = match &p.layout {
                None => None,
                Some(l) => Some(match l.get_ref().as_str() {
                    "flat" => OuLayout::Flat,
                    "by-tier-region" => OuLayout::ByTierRegion,
                    other => {
                        return Err(self.at(
                            l.span(),
                            &here("layout"),
                            format!("unknown layout `{other}`; use `flat` or `by-tier-region`"),
                        ))
                    }
                }),
            };
            out.push(Phase {
                name,
                customers: (lo as usize, hi as usize),
                ous: ous.map(|(a, b)| (a as usize, b.map(|b| b as usize))),
                accounts: accounts.map(|(a, b)| (a as usize, b.map(|b| b as usize))),
                mrr_cents,
                deploy_minutes_max: p.deploy_minutes_max.as_ref().map(|v| *v.get_ref()),
                conflicts_max: p.conflicts_max.as_ref().map(|v| *v.get_ref()),
                confidence,
                layout,
            });
        }
        Ok(out)
    }

    fn load_settings(&self, raw: Option<&RawLoad>) -> Result<LoadSettings, ScenarioError> {
        use crate::config::loadtest as load;
        let Some(l) = raw else {
            return Ok(LoadSettings::default());
        };
        let here = |k: &str| [key("load"), key(k)];
        let mut stages = Vec::new();
        match (&l.rate, &l.duration, &l.stages) {
            (Some(r), Some(d), None) => {
                let rate = crate::config::loadtest::parse_rate_per_min(r.get_ref())
                    .map_err(|e| self.at(r.span(), &here("rate"), e))?;
                if d.get_ref().0 == 0 {
                    return Err(self.at(
                        d.span(),
                        &here("duration"),
                        "the duration must be more than 0",
                    ));
                }
                stages.push(load::Stage {
                    duration_ms: d.get_ref().0,
                    target_per_min: rate,
                });
            }
            (None, None, Some(st)) => {
                for (i, text) in st.get_ref().iter().enumerate() {
                    let one = crate::config::loadtest::parse_stages(text).map_err(|e| {
                        self.at(st.span(), &here("stages"), format!("stage {}: {e}", i + 1))
                    })?;
                    stages.extend(one);
                }
                if stages.is_empty() {
                    return Err(self.at(
                        st.span(),
                        &here("stages"),
                        "list at least one stage, e.g. [\"5m:1/min\", \"10m:4/min\"]",
                    ));
                }
            }
            (None, None, None) => {}
            (Some(r), None, None) => {
                return Err(self.at(
                    r.span(),
                    &here("rate"),
                    "a rate needs a duration too (duration = \"30m\")",
                ));
            }
            (None, Some(d), None) => {
                return Err(self.at(
                    d.span(),
                    &here("duration"),
                    "a duration needs a rate too (rate = \"2/min\")",
                ));
            }
            (_, _, Some(st)) => {
                return Err(self.at(
                    st.span(),
                    &here("stages"),
                    "give either rate and duration, or stages, not both",
                ));
            }
        }
        let arrivals = match &l.arrivals {
            None => None,
            Some(a) => Some(match a.get_ref().as_str() {
                "poisson" => crate::config::Arrivals::Poisson,
                "uniform" => crate::config::Arrivals::Uniform,
                other => {
                    return Err(self.at(
                        a.span(),
                        &here("arrivals"),
                        format!("arrivals are \"poisson\" or \"uniform\", not \"{other}\""),
                    ))
                }
            }),
        };
        let mut thresholds = Vec::new();
        if let Some(ts) = &l.thresholds {
            for t in ts.get_ref() {
                thresholds.push(
                    crate::config::loadtest::parse_threshold(t)
                        .map_err(|e| self.at(ts.span(), &here("thresholds"), e))?,
                );
            }
        }
        let max_concurrent = match &l.max_concurrent {
            None => None,
            Some(m) if *m.get_ref() == 0 || *m.get_ref() > 1_000_000 => {
                return Err(self.at(
                    m.span(),
                    &here("max_concurrent"),
                    format!(
                        "max_concurrent is between 1 and 1000000, not {}",
                        m.get_ref()
                    ),
                ))
            }
            Some(m) => Some(*m.get_ref() as usize),
        };
        Ok(LoadSettings {
            stages,
            arrivals,
            thresholds,
            max_concurrent,
            grace_ms: l.grace.as_ref().map(|g| g.0),
        })
    }

    fn expect(&self, raw: Option<&RawExpect>) -> Result<Expectations, ScenarioError> {
        let Some(e) = raw else {
            return Ok(Expectations::default());
        };
        if let Some(m) = &e.margin_min {
            let v = *m.get_ref();
            if !(0.0..=1.0).contains(&v) {
                return Err(self.at(
                    m.span(),
                    &[key("expect"), key("margin_min")],
                    format!("margin_min is a fraction between 0 and 1 (0.79 for 79%), not {v}"),
                ));
            }
        }
        Ok(Expectations {
            makespan_max_ms: e.makespan_max.as_ref().map(|d| d.0),
            margin_min: e.margin_min.as_ref().map(|m| *m.get_ref()),
            unresolved_conflicts_max: e.unresolved_conflicts_max,
            conflicts_max: e.conflicts_max,
            throttled_max: e.throttled_max,
            failed_max: e.failed_max,
        })
    }
}

impl ScenarioError {
    fn with_field(mut self, field: String) -> Self {
        self.field = Some(field);
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Field rules.

/// An AWS account name: 1 to 50 characters, not blank, no control characters.
fn check_account_name(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    if n == 0 || n > 50 {
        return Err(format!(
            "a customer name must be 1 to 50 characters long (the AWS account name limit), not {n}"
        ));
    }
    if name.trim().is_empty() {
        return Err("a customer name must not be blank".into());
    }
    if name.chars().any(char::is_control) {
        return Err("a customer name must not contain control characters".into());
    }
    Ok(())
}

/// An account's email: 6 to 64 characters, one `@`, a local part, a domain with a dot.
fn check_email(email: &str) -> Result<(), String> {
    let n = email.chars().count();
    if !(6..=64).contains(&n) {
        return Err(format!(
            "`{email}` is not a valid email address: it must be 6 to 64 characters long, not {n}"
        ));
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{email}` is not a valid email address: it contains whitespace"
        ));
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(format!(
            "`{email}` is not a valid email address: it has no `@`"
        ));
    };
    if domain.contains('@') {
        return Err(format!(
            "`{email}` is not a valid email address: it has more than one `@`"
        ));
    }
    if local.is_empty() {
        return Err(format!(
            "`{email}` is not a valid email address: nothing comes before the `@`"
        ));
    }
    if let Err(why) = check_domain(domain) {
        return Err(format!("`{email}` is not a valid email address: {why}"));
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), String> {
    if domain.is_empty()
        || domain.contains('@')
        || domain.chars().any(|c| c.is_whitespace() || c.is_control())
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(format!(
            "`{domain}` is not a valid domain: it needs a dot, like example.com"
        ));
    }
    Ok(())
}

/// An AWS account id: exactly 12 ASCII digits.
fn check_account_id(id: &str) -> Result<(), String> {
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{id}` is not an AWS account id: it must be exactly 12 digits"
        ));
    }
    Ok(())
}

/// `"Acme Customer"` → `"acme-customer"`: lowercase, every run of other characters a hyphen.
fn slugify(prefix: &str) -> String {
    let mut out = String::new();
    for c in prefix.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("customer");
    }
    out
}

/// Largest-remainder apportionment of `count` over `weights` (not all zero): each gets the
/// floor of its quota, the rest go one each to the largest remainders, ties to the earlier one.
fn apportion(count: u64, weights: &[f64]) -> Vec<u64> {
    let total: f64 = weights.iter().sum();
    if weights.is_empty() || !(total > 0.0 && total.is_finite()) {
        return vec![0; weights.len()];
    }
    let quotas: Vec<f64> = weights.iter().map(|w| count as f64 * (w / total)).collect();
    let mut counts: Vec<u64> = quotas.iter().map(|q| q.floor().max(0.0) as u64).collect();
    // Remainders quantized so that equal remainders compare equal despite rounding.
    let rem: Vec<i64> = quotas
        .iter()
        .zip(&counts)
        .map(|(q, c)| ((q - *c as f64) * 1e9).round() as i64)
        .collect();
    let mut by_rem: Vec<usize> = (0..weights.len()).collect();
    by_rem.sort_by(|&a, &b| rem[b].cmp(&rem[a]).then(a.cmp(&b)));
    let assigned: u64 = counts.iter().sum();
    if assigned < count {
        let mut left = count - assigned;
        // Only positive weights get seats; cycle in case rounding left more than one each.
        let eligible: Vec<usize> = by_rem
            .iter()
            .copied()
            .filter(|&i| weights[i] > 0.0)
            .collect();
        for &i in eligible.iter().cycle() {
            if left == 0 {
                break;
            }
            counts[i] += 1;
            left -= 1;
        }
    } else if assigned > count {
        // Floating-point rounding pushed a floor up: take back from the smallest remainders.
        let mut extra = assigned - count;
        for &i in by_rem.iter().rev() {
            if extra == 0 {
                break;
            }
            if counts[i] > 0 {
                counts[i] -= 1;
                extra -= 1;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests;
