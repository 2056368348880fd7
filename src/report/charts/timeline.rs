//! The timeline of one run: one row per resource, grouped by customer and kind (folded into
//! one row per customer, and per kind for the shared resources, for large runs), each a bar from
//! start to finish in which time in a call, backing off, and polling the account's status (a
//! light fill, its status calls included) are drawn apart; conflicts marked where they happened
//! (a cross for one a retry resolved, a triangle for one left unresolved). The deployer's
//! init/plan, however long, is one labelled bar of fixed width before a break in the time axis,
//! and the apply fills the rest of the width; a bar too short to see is drawn
//! [`MIN_BAR_PX`] wide with its duration after it; the time axis in minutes is at the bottom,
//! and at the top too on a chart of more than [`AXIS_TOP_ABOVE_ROWS`] rows. The legend names
//! only what is drawn at a visible size.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::raster::text_width;
use super::style::{self, clip, err, Chart, ChartError, Item, Layer, Sample, FONT, WIDTH};
use crate::analysis::Report;
use crate::engine::trace::{Outcome, Trace, WaitKind};
use crate::org::types::Operation;
use crate::plan::{Plan, ResourceKind, Spec};
use crate::scenario::Scenario;

/// Above this many resources the timeline folds: one row per customer (account and tags on
/// the same row) and one row per kind of shared resource.
pub const FOLD_ABOVE_ROWS: usize = 60;
/// Most rows a timeline draws; beyond it customers share rows (consecutive customers, in
/// order).
pub const MAX_ROWS: usize = 120;

// Each colour by its role, from the palette (style.rs).
const C_ACTIVE: RGBColor = style::BLUE_LIGHT;
const C_CALL: RGBColor = style::BLUE_DARK;
const C_BACKOFF: RGBColor = style::ORANGE;
const C_RETRY: RGBColor = style::BROWN;
const C_POLL: RGBColor = style::YELLOW;
const C_PROVISION: RGBColor = style::BLUISH_GREEN;
const C_RESOLVED: RGBColor = style::RED;
const C_UNRESOLVED: RGBColor = style::INK;
const C_FAILED: RGBColor = style::RED;
const C_OVERHEAD: RGBColor = style::GREY_LIGHT;
const C_GRID: RGBColor = style::GREY_LIGHTEST;
const C_GROUP: RGBColor = style::GREY;
const C_AXIS: RGBColor = style::INK;
const C_TEXT: RGBColor = style::INK;

/// The timeline's colours drawn together (checked for colour-blind readers in `style`); a
/// resolved and a failed mark share a colour and differ in shape, as the grid and the text
/// are not series.
#[cfg(test)]
pub(crate) const COLOURS: style::Swatches = &[
    ("running, between calls", C_ACTIVE),
    ("in an API call", C_CALL),
    ("SDK backoff", C_BACKOFF),
    ("deployer retry", C_RETRY),
    ("polling", C_POLL),
    ("provisioning", C_PROVISION),
    ("conflict, resolved", C_RESOLVED),
    ("conflict, unresolved", C_UNRESOLVED),
    ("init/plan", C_OVERHEAD),
];

/// What a stretch of a row was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SpanKind {
    /// Started and not yet finished, between calls and waits (the deployer's own time).
    Active,
    /// The SDK's backoff after a throttled or transient error.
    Backoff,
    /// The provider's wait before trying the operation again.
    ProviderRetry,
    /// Polling the account's creation status: the DescribeCreateAccountStatus calls and the
    /// waits between them.
    Poll,
    /// Account factory: the account being enrolled after its creation.
    Provisioning,
    /// An API call in flight.
    Call,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start_ms: u64,
    pub end_ms: u64,
    pub kind: SpanKind,
}

/// A row of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    /// Rows of one group (the shared resources, or one customer) are drawn together.
    pub group: String,
    pub spans: Vec<Span>,
    /// Conflicts: (time in ms, resolved).
    pub conflicts: Vec<(u64, bool)>,
    /// Resources on the row that failed or were skipped.
    pub failed: usize,
    /// Why they did: the failure code (or `skipped`) and how many.
    pub reasons: BTreeMap<String, usize>,
}

/// The rows of the timeline and whether they were folded.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub rows: Vec<Row>,
    pub folded: bool,
    /// Customers per row when even one row per customer is too many (1 otherwise).
    pub customers_per_row: usize,
    pub overhead_ms: u64,
    pub end_ms: u64,
}

fn short_kind(k: ResourceKind) -> &'static str {
    match k {
        ResourceKind::OrganizationalUnit => "OU",
        ResourceKind::Policy => "SCP",
        ResourceKind::PolicyAttachment => "attachment",
        ResourceKind::Account => "account",
        ResourceKind::Tags => "tags",
    }
}

fn resource_label(plan: &Plan, i: usize) -> String {
    let name = |j: usize| match &plan.resources[j].spec {
        Spec::Ou { name, .. } | Spec::Policy { name, .. } => name.to_string(),
        _ => plan.resources[j].address.clone(),
    };
    match &plan.resources[i].spec {
        Spec::Ou { name, .. } => format!("OU {name}"),
        Spec::Policy { framework, .. } => format!("SCP {framework}"),
        Spec::Attachment { policy, ou } => {
            let fw = match &plan.resources[*policy].spec {
                Spec::Policy { framework, .. } => framework.clone(),
                _ => name(*policy),
            };
            format!("attach {fw} → {}", name(*ou))
        }
        Spec::Account { .. } => "account".into(),
        Spec::Tags { .. } => "tags".into(),
    }
}

/// Groups the run into rows (see the module docs).
pub fn timeline(sc: &Scenario, plan: &Plan, trace: &Trace, rep: &Report) -> Timeline {
    let n = plan.resources.len();
    let end_ms = trace.makespan_ms().max(trace.first_call_ms);
    let folded = n > FOLD_ABOVE_ROWS;
    let customers = sc.customers.len().max(1);
    let shared_rows = if folded { ResourceKind::ALL.len() } else { n };
    let customers_per_row = if folded {
        customers.div_ceil(MAX_ROWS.saturating_sub(shared_rows).max(1))
    } else {
        1
    };
    // Row of each resource.
    let mut keyed: BTreeMap<(usize, usize, usize), Row> = BTreeMap::new();
    let mut row_of = vec![(0usize, 0usize, 0usize); n];
    for (i, r) in plan.resources.iter().enumerate() {
        let kind_ix = ResourceKind::ALL
            .iter()
            .position(|&k| k == r.kind)
            .unwrap_or(0);
        let (key, label, group) = match (r.customer, folded) {
            (None, false) => (
                (0, kind_ix, i),
                resource_label(plan, i),
                "shared".to_string(),
            ),
            (None, true) => (
                (0, kind_ix, 0),
                format!("{}s (all)", short_kind(r.kind)),
                "shared".to_string(),
            ),
            (Some(c), false) => (
                (1 + c, kind_ix, i),
                format!(
                    "{} · {}",
                    clip(&sc.customers[c].name, 28),
                    short_kind(r.kind)
                ),
                sc.customers[c].name.clone(),
            ),
            (Some(c), true) => {
                let b = c / customers_per_row;
                let label = if customers_per_row == 1 {
                    clip(&sc.customers[c].name, 36)
                } else {
                    let last = ((b + 1) * customers_per_row).min(sc.customers.len());
                    format!("customers {}–{}", b * customers_per_row + 1, last)
                };
                ((1 + b, 0, 0), label, "customers".to_string())
            }
        };
        row_of[i] = key;
        keyed.entry(key).or_insert_with(|| Row {
            label,
            group,
            spans: Vec::new(),
            conflicts: Vec::new(),
            failed: 0,
            reasons: BTreeMap::new(),
        });
    }
    for (i, rec) in trace.resources.iter().enumerate() {
        let row = keyed.get_mut(&row_of[i]).expect("every resource has a row");
        if let (Some(s), Some(e)) = (rec.start_ms, rec.end_ms.or(Some(end_ms))) {
            row.spans.push(Span {
                start_ms: s,
                end_ms: e,
                kind: SpanKind::Active,
            });
        }
        for w in &rec.waits {
            row.spans.push(Span {
                start_ms: w.start_ms,
                end_ms: w.end_ms,
                kind: match w.kind {
                    WaitKind::Backoff => SpanKind::Backoff,
                    WaitKind::ProviderRetry => SpanKind::ProviderRetry,
                    WaitKind::Poll => SpanKind::Poll,
                    WaitKind::Provisioning => SpanKind::Provisioning,
                },
            });
        }
        if !rec.outcome.is_success() {
            row.failed += 1;
            let why = match &rec.outcome {
                Outcome::Failed { code, .. } => code.to_string(),
                Outcome::Skipped { .. } => "skipped".to_string(),
                _ => "unfinished".to_string(),
            };
            *row.reasons.entry(why).or_insert(0) += 1;
        }
    }
    for c in &trace.calls {
        if let Some(r) = c.resource {
            keyed.get_mut(&row_of[r]).expect("row").spans.push(Span {
                start_ms: c.start_ms,
                end_ms: c.end_ms.unwrap_or(end_ms),
                // A status poll is part of polling: drawn as its light fill, not as a dark
                // tick every few seconds (which read as hatching on a long creation).
                kind: if c.op == Operation::DescribeCreateAccountStatus {
                    SpanKind::Poll
                } else {
                    SpanKind::Call
                },
            });
        }
    }
    let index: BTreeMap<&str, usize> = plan
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.as_str(), i))
        .collect();
    for c in &rep.conflicts {
        if let Some(&i) = index.get(c.resource.as_str()) {
            let at = (c.at_s * 1000.0).round() as u64;
            keyed
                .get_mut(&row_of[i])
                .expect("row")
                .conflicts
                .push((at, c.resolved));
        }
    }
    let rows = keyed
        .into_values()
        .map(|mut r| {
            r.spans.sort_by_key(|s| (s.kind, s.start_ms, s.end_ms));
            r.conflicts.sort();
            r
        })
        .collect();
    Timeline {
        rows,
        folded,
        customers_per_row,
        overhead_ms: trace.first_call_ms,
        end_ms,
    }
}

/// Merges spans of one kind that overlap or nearly touch (closer than `gap_ms`), so that a
/// folded row of many short calls draws as few rectangles as it looks like.
fn merge(spans: &[Span], gap_ms: u64) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(l) if l.kind == s.kind && s.start_ms <= l.end_ms + gap_ms => {
                l.end_ms = l.end_ms.max(s.end_ms);
            }
            _ => out.push(s.clone()),
        }
    }
    out
}

fn span_style(k: SpanKind) -> (RGBColor, f64) {
    // (colour, share of the row's height)
    match k {
        SpanKind::Active => (C_ACTIVE, 0.5),
        SpanKind::Backoff => (C_BACKOFF, 0.7),
        SpanKind::ProviderRetry => (C_RETRY, 0.7),
        SpanKind::Poll => (C_POLL, 0.7),
        SpanKind::Provisioning => (C_PROVISION, 0.7),
        SpanKind::Call => (C_CALL, 0.7),
    }
}

/// Nice tick step for `max` minutes.
fn minute_step(max_min: f64) -> f64 {
    [0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0]
        .into_iter()
        .find(|s| max_min / s <= 12.0)
        .unwrap_or(240.0)
}

/// A duration for a row's label: seconds under two minutes, else minutes.
fn duration_label(ms: u64) -> String {
    if ms < 10_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else if ms < 120_000 {
        format!("{:.0} s", ms as f64 / 1000.0)
    } else {
        format!("{:.1} min", ms as f64 / 60_000.0)
    }
}

/// The timeline chart of one run (SVG).
pub fn timeline_svg(sc: &Scenario, plan: &Plan, trace: &Trace, rep: &Report) -> String {
    style::svg(&TimelineChart::new(sc, plan, trace, rep))
}

/// Row labels: right-aligned in the first `LABEL_W` pixels.
const LABEL_W: i32 = 290;
/// The deployer's init/plan, drawn as one labelled bar this wide (whatever its length) between
/// the labels and the apply, which fills the rest of the width.
const INIT_W: i32 = 92;
/// The gap between the init/plan bar and the apply (where the axis is broken).
const BREAK_W: i32 = 14;
/// The right margin (the last tick's label).
const RIGHT: i32 = 24;
/// Above this many rows the time axis is drawn at the top as well as at the bottom.
pub const AXIS_TOP_ABOVE_ROWS: usize = 30;
/// The narrowest a row's bar is drawn, in pixels; a bar that short also gets its duration
/// written after it.
pub const MIN_BAR_PX: i32 = 4;
/// A bar narrower than this gets its duration written after it.
const LABEL_BAR_BELOW_PX: i32 = 24;
/// The least one span of a kind must show, in pixel columns, for the kind to have a legend entry.
const VISIBLE_PX: i32 = 3;
/// The half-width of a conflict's mark, in pixels (the larger, unfolded).
const MARK_R: i32 = 5;
/// Font sizes (plotters' sizes; a PNG's and an SVG's text is `size / 1.24` pixels: 14 → 11.3).
const LABEL_FONT: u32 = 14;
const TOP_AXIS: i32 = 26;
const BOTTOM: i32 = 52;

/// The timeline chart: [`timeline`]'s rows drawn.
pub struct TimelineChart {
    tl: Timeline,
    title: String,
    /// Each row's spans, merged at the chart's resolution.
    spans: Vec<Vec<Span>>,
    /// The kinds of span that show at least [`VISIBLE_PX`] pixels somewhere.
    visible: Vec<SpanKind>,
}

/// The x scale: the apply's time in milliseconds to a pixel column of the body.
#[derive(Debug, Clone, Copy)]
struct Scale {
    /// The first pixel of the apply (after the init/plan bar and the break).
    x0: i32,
    x1: i32,
    from_ms: u64,
    to_ms: u64,
}

impl Scale {
    fn new(tl: &Timeline) -> Scale {
        let init = if tl.overhead_ms > 0 {
            INIT_W + BREAK_W
        } else {
            0
        };
        let x0 = 8 + LABEL_W + init;
        let from_ms = tl.overhead_ms;
        let span = tl.end_ms.saturating_sub(from_ms).max(6_000);
        Scale {
            x0,
            x1: WIDTH as i32 - RIGHT,
            from_ms,
            to_ms: from_ms + span + span / 50,
        }
    }

    fn px(&self, ms: u64) -> i32 {
        let f = ms.saturating_sub(self.from_ms) as f64 / (self.to_ms - self.from_ms) as f64;
        self.x0 + (f * (self.x1 - self.x0) as f64).round() as i32
    }

    /// Milliseconds per pixel.
    fn ms_per_px(&self) -> u64 {
        ((self.to_ms - self.from_ms) / (self.x1 - self.x0).max(1) as u64).max(1)
    }

    /// A span's pixel columns: at least one pixel wide (a call), the row's extent at least
    /// [`MIN_BAR_PX`].
    fn cols(&self, s: &Span) -> (i32, i32) {
        let (a, b) = (self.px(s.start_ms), self.px(s.end_ms));
        let min = if s.kind == SpanKind::Active {
            MIN_BAR_PX
        } else {
            1
        };
        (a, b.max(a + min))
    }
}

/// The most pixel columns of a row one span of each kind shows once all are drawn in order
/// (the active band first, calls last: each covers what is under it), but under the conflicts'
/// marks (at `marks`).
fn shown_px(scale: &Scale, spans: &[Span], marks: &[u64]) -> BTreeMap<SpanKind, i32> {
    let mut owner: BTreeMap<i32, usize> = BTreeMap::new();
    for (i, s) in spans.iter().enumerate() {
        let (a, b) = scale.cols(s);
        for x in a..b {
            owner.insert(x, i);
        }
    }
    // A conflict's mark covers the columns around it.
    for &at in marks {
        let x = scale.px(at);
        for dx in -MARK_R..=MARK_R {
            owner.remove(&(x + dx));
        }
    }
    let mut per_span: BTreeMap<usize, i32> = BTreeMap::new();
    for i in owner.into_values() {
        *per_span.entry(i).or_insert(0) += 1;
    }
    let mut out = BTreeMap::new();
    for (i, n) in per_span {
        let e = out.entry(spans[i].kind).or_insert(0);
        *e = (*e).max(n);
    }
    out
}

/// A row's extent: its first start and last end (0, 0 without spans).
fn extent(spans: &[Span]) -> (u64, u64) {
    let a = spans.iter().map(|s| s.start_ms).min().unwrap_or(0);
    let b = spans.iter().map(|s| s.end_ms).max().unwrap_or(0);
    (a, b)
}

impl TimelineChart {
    pub fn new(sc: &Scenario, plan: &Plan, trace: &Trace, rep: &Report) -> TimelineChart {
        let tl = timeline(sc, plan, trace, rep);
        let title = format!(
            "{} · seed {} · {} customer(s) · {} resources · makespan {:.1} min{}",
            rep.scenario,
            rep.seed,
            rep.customers,
            rep.resources.planned,
            rep.timing.makespan_s / 60.0,
            if tl.folded {
                if tl.customers_per_row > 1 {
                    format!(" · folded: {} customers per row", tl.customers_per_row)
                } else {
                    " · folded: one row per customer".to_string()
                }
            } else {
                String::new()
            }
        );
        let scale = Scale::new(&tl);
        let spans: Vec<Vec<Span>> = tl
            .rows
            .iter()
            .map(|r| merge(&r.spans, scale.ms_per_px()))
            .collect();
        // The most a kind shows on any one row (a pixel on each of many rows is no mark).
        let mut shown: BTreeMap<SpanKind, i32> = BTreeMap::new();
        for (s, row) in spans.iter().zip(&tl.rows) {
            let marks: Vec<u64> = row.conflicts.iter().map(|c| c.0).collect();
            for (k, n) in shown_px(&scale, s, &marks) {
                let e = shown.entry(k).or_insert(0);
                *e = (*e).max(n);
            }
        }
        // A call is dark (contrast on white over 3:1, WCAG's for a graphic): a column of it
        // shows; the light fills need VISIBLE_PX.
        let visible = shown
            .into_iter()
            .filter(|&(k, n)| n >= if k == SpanKind::Call { 1 } else { VISIBLE_PX })
            .map(|(k, _)| k)
            .collect();
        TimelineChart {
            tl,
            title,
            spans,
            visible,
        }
    }

    fn row_h(&self) -> i32 {
        if self.tl.folded {
            16
        } else {
            24
        }
    }

    fn axis_top(&self) -> bool {
        self.tl.rows.len() > AXIS_TOP_ABOVE_ROWS
    }

    /// The legend: an entry for each kind of span, conflict and note the chart draws, and
    /// none for what it does not.
    fn items(&self) -> Vec<Item> {
        let tl = &self.tl;
        let has = |k: SpanKind| self.visible.contains(&k);
        let mut items = Vec::new();
        if has(SpanKind::Call) {
            items.push(Item::new(Sample::Box(C_CALL), "in an API call"));
        }
        if has(SpanKind::Backoff) {
            items.push(Item::new(
                Sample::Box(C_BACKOFF),
                "SDK backoff (throttled or transient)",
            ));
        }
        if has(SpanKind::ProviderRetry) {
            items.push(Item::new(Sample::Box(C_RETRY), "provider retry wait"));
        }
        if has(SpanKind::Poll) {
            items.push(Item::new(
                Sample::Box(C_POLL),
                "polling account status (its calls included)",
            ));
        }
        if has(SpanKind::Provisioning) {
            items.push(Item::new(
                Sample::Box(C_PROVISION),
                "account factory provisioning",
            ));
        }
        if has(SpanKind::Active) {
            items.push(Item::new(
                Sample::Box(C_ACTIVE),
                "started, between calls (the deployer's own time)",
            ));
        }
        if tl.overhead_ms > 0 {
            items.push(Item::new(
                Sample::Box(C_OVERHEAD),
                "deployer init/plan (compressed)",
            ));
        }
        if tl.rows.iter().any(|r| r.conflicts.iter().any(|c| c.1)) {
            items.push(Item::new(
                Sample::Cross(C_RESOLVED),
                "conflict, resolved by a retry",
            ));
        }
        if tl.rows.iter().any(|r| r.conflicts.iter().any(|c| !c.1)) {
            items.push(Item::new(
                Sample::Triangle(C_UNRESOLVED),
                "conflict, unresolved",
            ));
        }
        if tl.rows.iter().any(|r| r.failed > 0) {
            items.push(Item::new(
                Sample::Note(C_FAILED),
                "red label: resources on the row failed or were skipped; how many and why follows the bar",
            ));
        }
        items
    }

    /// What follows a row's bar: its duration if the bar is short, and what failed on it.
    fn note(&self, y: usize, scale: &Scale) -> Option<String> {
        let row = &self.tl.rows[y];
        let (a, b) = extent(&self.spans[y]);
        let short = b > 0 && scale.px(b) - scale.px(a) < LABEL_BAR_BELOW_PX;
        let calls = self.spans[y].iter().any(|s| s.kind != SpanKind::Active);
        let mut parts = Vec::new();
        if short && !calls && a == b {
            // Tags the account's CreateAccount request carried: done with it, no call.
            parts.push("no call of its own".to_string());
        } else if short {
            parts.push(duration_label(b - a));
        }
        if row.failed > 0 {
            parts.push(failure_note(row));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

impl Chart for TimelineChart {
    fn size(&self) -> (u32, u32) {
        let rows = self.tl.rows.len().max(1) as i32;
        // The legend's height depends on the font's metrics only: measure it on a scratch area.
        let mut scratch = String::new();
        let lh = {
            let area = SVGBackend::with_string(&mut scratch, (WIDTH, 100)).into_drawing_area();
            style::legend_height(&area, &self.items(), WIDTH - 24)
        };
        let top = if self.axis_top() { TOP_AXIS } else { 8 };
        (
            WIDTH,
            36 + lh + 8 + (top + BOTTOM + self.row_h() * rows) as u32,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        draw_timeline(self, root)
    }
}

fn failure_note(row: &Row) -> String {
    let why: Vec<String> = row
        .reasons
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    format!("{} not created: {}", row.failed, why.join(", "))
}

fn text_style(size: u32, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).pos(Pos::new(h, v))
}

/// A time axis along `y` (its line), ticks and labels below it (`down`) or above it.
fn draw_axis<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    c: &TimelineChart,
    scale: &Scale,
    y: i32,
    down: bool,
) -> Result<(), ChartError> {
    let tl = &c.tl;
    body.draw(&PathElement::new(
        vec![(scale.x0, y), (scale.x1, y)],
        C_AXIS.stroke_width(1),
    ))
    .map_err(err)?;
    let font = text_style(
        LABEL_FONT,
        HPos::Center,
        if down { VPos::Top } else { VPos::Bottom },
    );
    let (t0, t1) = (y, if down { y + 5 } else { y - 5 });
    let ly = if down { y + 8 } else { y - 8 };
    let step = minute_step((scale.to_ms - scale.from_ms) as f64 / 60_000.0);
    let step_ms = (step * 60_000.0) as u64;
    let mut t = scale.from_ms.div_ceil(step_ms) * step_ms;
    while t <= scale.to_ms {
        let x = scale.px(t);
        body.draw(&PathElement::new(
            vec![(x, t0), (x, t1)],
            C_AXIS.stroke_width(1),
        ))
        .map_err(err)?;
        let m = t as f64 / 60_000.0;
        let label = if step < 1.0 {
            format!("{m:.1}")
        } else {
            format!("{m:.0}")
        };
        body.draw(&Text::new(label, (x, ly), font.clone()))
            .map_err(err)?;
        t += step_ms;
    }
    if tl.overhead_ms > 0 {
        // The init/plan bar's axis: 0 at its left, its length at its right, and the break.
        let (a, b) = (8 + LABEL_W, 8 + LABEL_W + INIT_W);
        body.draw(&PathElement::new(
            vec![(a, y), (b, y)],
            C_AXIS.stroke_width(1),
        ))
        .map_err(err)?;
        for x in [a, b] {
            body.draw(&PathElement::new(
                vec![(x, t0), (x, t1)],
                C_AXIS.stroke_width(1),
            ))
            .map_err(err)?;
        }
        body.draw(&Text::new(
            "0",
            (a, ly),
            text_style(
                LABEL_FONT,
                HPos::Left,
                if down { VPos::Top } else { VPos::Bottom },
            ),
        ))
        .map_err(err)?;
        // The break: two short slashes between the bars.
        for dx in [3, 8] {
            let x = b + dx;
            body.draw(&PathElement::new(
                vec![(x - 2, y + 4), (x + 2, y - 4)],
                C_AXIS.stroke_width(1),
            ))
            .map_err(err)?;
        }
    }
    Ok(())
}

fn draw_timeline<DB: DrawingBackend>(
    c: &TimelineChart,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), ChartError> {
    let tl = &c.tl;
    let row_h = c.row_h();
    let scale = Scale::new(tl);
    let body = style::frame(root, &c.title, &c.items())?;
    let top = if c.axis_top() { TOP_AXIS } else { 8 };
    let rows = tl.rows.len().max(1) as i32;
    let (y0, y1) = (top, top + rows * row_h);
    let row_y = |y: usize| y0 + y as i32 * row_h;
    let label_font = text_style(LABEL_FONT, HPos::Right, VPos::Center);
    let note_font = text_style(LABEL_FONT, HPos::Left, VPos::Center);
    // Grid lines at the ticks, under everything.
    let step = minute_step((scale.to_ms - scale.from_ms) as f64 / 60_000.0);
    let step_ms = (step * 60_000.0) as u64;
    let mut t = scale.from_ms.div_ceil(step_ms) * step_ms;
    while t <= scale.to_ms {
        let x = scale.px(t);
        body.draw(&PathElement::new(vec![(x, y0), (x, y1)], C_GRID))
            .map_err(err)?;
        t += step_ms;
    }
    // Row labels, left of the bars.
    for (y, row) in tl.rows.iter().enumerate() {
        let color = if row.failed > 0 { C_FAILED } else { C_TEXT };
        let mut label = row.label.clone();
        let fits = |l: &str| text_width(l, LABEL_FONT, style::FONT_BYTES) <= LABEL_W - 12;
        let mut n = label.chars().count();
        while n > 4 && !fits(&label) {
            n -= 1;
            label = clip(&row.label, n);
        }
        body.draw(&Text::new(
            label,
            (8 + LABEL_W - 8, row_y(y) + row_h / 2),
            label_font.clone().color(&color),
        ))
        .map_err(err)?;
    }
    style::begin(&body, Layer::Series)?;
    if tl.overhead_ms > 0 {
        body.draw(&Rectangle::new(
            [(8 + LABEL_W, y0), (8 + LABEL_W + INIT_W, y1)],
            C_OVERHEAD.filled(),
        ))
        .map_err(err)?;
    }
    let mut last_group = None;
    for (y, row) in tl.rows.iter().enumerate() {
        let (top, yc) = (row_y(y), row_y(y) + row_h / 2);
        if last_group.as_ref() != Some(&row.group) && y > 0 {
            body.draw(&PathElement::new(
                vec![(8 + LABEL_W, top), (scale.x1, top)],
                C_GROUP.stroke_width(1),
            ))
            .map_err(err)?;
        }
        last_group = Some(row.group.clone());
        for s in &c.spans[y] {
            let (color, h) = span_style(s.kind);
            let half = (h * row_h as f64 / 2.0).round() as i32;
            let (a, b) = scale.cols(s);
            body.draw(&Rectangle::new(
                [(a, yc - half), (b, yc + half)],
                color.filled(),
            ))
            .map_err(err)?;
        }
        // Conflicts: a cross for one a retry resolved, a triangle for one left unresolved; at
        // most one mark per few pixels, so a burst reads as a run of marks, not a smear.
        let r = if tl.folded { MARK_R - 1 } else { MARK_R };
        let mut last_px = [i32::MIN; 2];
        for &(at, resolved) in &row.conflicts {
            let x = scale.px(at);
            let k = usize::from(resolved);
            if x < last_px[k] + 2 * r {
                continue;
            }
            last_px[k] = x;
            if resolved {
                body.draw(&Cross::new((x, yc), r, C_RESOLVED.stroke_width(2)))
                    .map_err(err)?;
            } else {
                body.draw(&TriangleMarker::new(
                    (x, yc),
                    r as u32 + 2,
                    C_UNRESOLVED.filled(),
                ))
                .map_err(err)?;
            }
        }
    }
    style::end(&body)?;
    // The init/plan bar's label: once in its middle, and at its top and bottom on tall charts.
    if tl.overhead_ms > 0 {
        let cx = 8 + LABEL_W + INIT_W / 2;
        let lines = ["init/plan".to_string(), duration_label(tl.overhead_ms)];
        let at: Vec<i32> = if c.axis_top() {
            vec![y0 + 24, y1 - 24]
        } else {
            vec![(y0 + y1) / 2]
        };
        let font = text_style(LABEL_FONT, HPos::Center, VPos::Center);
        for yc in at {
            for (i, l) in lines.iter().enumerate() {
                body.draw(&Text::new(
                    l.clone(),
                    (cx, yc - 8 + 16 * i as i32),
                    font.clone().color(&C_TEXT),
                ))
                .map_err(err)?;
            }
        }
    }
    // After each bar: its duration if it is short, and what failed on the row.
    for y in 0..tl.rows.len() {
        let Some(note) = c.note(y, &scale) else {
            continue;
        };
        let (start, end) = extent(&c.spans[y]);
        let yc = row_y(y) + row_h / 2;
        let before = scale.px(start);
        let after = scale.px(end).max(before + MIN_BAR_PX);
        let w = text_width(&note, LABEL_FONT, style::FONT_BYTES);
        // After the bar (and its conflict marks) if it fits, else before it, else
        // right-aligned at the edge.
        let x = if after + 10 + w <= scale.x1 {
            after + 10
        } else if before - 10 - w >= scale.x0 {
            before - 10 - w
        } else {
            scale.x1 - w - 2
        };
        let color = if tl.rows[y].failed > 0 {
            C_FAILED
        } else {
            C_TEXT
        };
        body.draw(&Rectangle::new(
            [(x - 2, yc - row_h / 2 + 1), (x + w + 2, yc + row_h / 2 - 1)],
            WHITE.mix(0.9).filled(),
        ))
        .map_err(err)?;
        body.draw(&Text::new(note, (x, yc), note_font.clone().color(&color)))
            .map_err(err)?;
    }
    // The time axis: at the bottom, and at the top too on tall charts.
    draw_axis(&body, c, &scale, y1, true)?;
    if c.axis_top() {
        draw_axis(&body, c, &scale, y0, false)?;
    }
    body.draw(&Text::new(
        "minutes since the deployment started",
        ((scale.x0 + scale.x1) / 2, y1 + 30),
        text_style(LABEL_FONT, HPos::Center, VPos::Top).color(&C_TEXT),
    ))
    .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analysis, scenario, sim};

    fn shipped(name: &str) -> Scenario {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name);
        scenario::read(&p).unwrap()
    }

    fn rows_of(name: &str) -> (Timeline, Report) {
        let sc = shipped(name);
        let o = sim::run(&sc, sc.seed);
        let rep = analysis::analyze(&sc, &o.plan, &o.trace, &o.snapshot, sc.seed, "sim");
        (timeline(&sc, &o.plan, &o.trace, &rep), rep)
    }

    #[test]
    fn small_runs_get_a_row_per_resource_grouped_by_customer() {
        let (tl, rep) = rows_of("two-customers.toml");
        assert!(!tl.folded);
        assert_eq!(tl.rows.len(), rep.resources.planned);
        let groups: Vec<&str> = tl.rows.iter().map(|r| r.group.as_str()).collect();
        assert_eq!(&groups[..6], ["shared"; 6]);
        assert_eq!(&groups[6..8], ["ACME Finance Inc"; 2]);
        // Accounts poll their creation status: waiting drawn apart from calls.
        let acct = &tl.rows[6];
        assert_eq!(acct.label, "ACME Finance Inc · account");
        assert!(acct.spans.iter().any(|s| s.kind == SpanKind::Poll));
        assert!(acct.spans.iter().any(|s| s.kind == SpanKind::Call));
        // The two conflicts of this run sit on the rows of the resources they hit.
        let marked: usize = tl.rows.iter().map(|r| r.conflicts.len()).sum();
        assert_eq!(marked, rep.conflicts.len());
        assert!(marked > 0);
    }

    #[test]
    fn large_runs_fold() {
        let (tl, rep) = rows_of("hundred-customers.toml");
        assert!(tl.folded);
        assert_eq!(tl.customers_per_row, 1);
        // 3 kinds of shared resources + 100 customers.
        assert_eq!(tl.rows.len(), 103);
        assert_eq!(
            tl.rows.iter().map(|r| r.failed).sum::<usize>(),
            rep.resources.failed
        );
        // A failed row says once how many and why.
        let failed: Vec<&Row> = tl.rows.iter().filter(|r| r.failed > 0).collect();
        assert!(!failed.is_empty());
        for r in &failed {
            assert_eq!(r.reasons.values().sum::<usize>(), r.failed, "{r:?}");
        }
        assert!(
            failed.iter().any(|r| failure_note(r).contains(" Timeout")),
            "{:?}",
            failed.iter().map(|r| failure_note(r)).collect::<Vec<_>>()
        );
        assert!(tl.rows.iter().any(|r| r
            .spans
            .iter()
            .any(|s| matches!(s.kind, SpanKind::Backoff | SpanKind::ProviderRetry))));
    }

    #[test]
    fn the_legend_names_only_what_is_drawn() {
        for (name, tall) in [
            ("two-customers.toml", false),
            ("hundred-customers.toml", true),
        ] {
            let sc = shipped(name);
            let o = sim::run(&sc, sc.seed);
            let rep = analysis::analyze(&sc, &o.plan, &o.trace, &o.snapshot, sc.seed, "sim");
            let c = TimelineChart::new(&sc, &o.plan, &o.trace, &rep);
            assert_eq!(c.axis_top(), tall, "{name}");
            let labels: Vec<String> = c.items().into_iter().map(|i| i.label).collect();
            // No provider retry and no account factory in either run: no entry for them.
            assert!(
                !labels.iter().any(|l| l.contains("provider retry")),
                "{labels:?}"
            );
            assert!(!labels.iter().any(|l| l.contains("factory")), "{labels:?}");
            assert!(labels.iter().any(|l| l == "in an API call"), "{labels:?}");
            assert!(labels.iter().any(|l| l.starts_with("deployer init/plan")));
            // Every kind named shows at least VISIBLE_PX pixels on some row (a call, dark, one).
            let scale = Scale::new(&c.tl);
            for k in &c.visible {
                let most = c
                    .spans
                    .iter()
                    .zip(&c.tl.rows)
                    .map(|(s, r)| {
                        let marks: Vec<u64> = r.conflicts.iter().map(|c| c.0).collect();
                        shown_px(&scale, s, &marks).get(k).copied().unwrap_or(0)
                    })
                    .max()
                    .unwrap_or(0);
                let least = if *k == SpanKind::Call { 1 } else { VISIBLE_PX };
                assert!(most >= least, "{name}: {k:?} shows {most} px");
            }
        }
    }

    #[test]
    fn status_polls_are_polling_and_short_rows_are_labelled() {
        let sc = shipped("two-customers.toml");
        let o = sim::run(&sc, sc.seed);
        let rep = analysis::analyze(&sc, &o.plan, &o.trace, &o.snapshot, sc.seed, "sim");
        let c = TimelineChart::new(&sc, &o.plan, &o.trace, &rep);
        let acct =
            c.tl.rows
                .iter()
                .position(|r| r.label.ends_with("· account"))
                .unwrap();
        let polls = o
            .trace
            .calls
            .iter()
            .filter(|k| k.op == Operation::DescribeCreateAccountStatus)
            .filter(|k| {
                k.resource
                    .is_some_and(|r| o.plan.resources[r].kind == ResourceKind::Account)
            })
            .count();
        assert!(polls > 2, "{polls}");
        // The account row's calls are CreateAccount and the read-backs; its polls one fill.
        let merged_polls = c.spans[acct]
            .iter()
            .filter(|s| s.kind == SpanKind::Poll)
            .count();
        assert_eq!(merged_polls, 1, "{:?}", c.spans[acct]);
        let scale = Scale::new(&c.tl);
        // An OU is created in a second or two: its bar is short, and
        // its duration written after it; a tags row, made with its account, says so.
        let ou =
            c.tl.rows
                .iter()
                .position(|r| r.label.starts_with("OU "))
                .unwrap();
        let (a, b) = extent(&c.spans[ou]);
        assert!(scale.px(b) - scale.px(a) < LABEL_BAR_BELOW_PX);
        let note = c.note(ou, &scale).unwrap();
        assert!(note.ends_with(" s"), "{note}");
        let tags =
            c.tl.rows
                .iter()
                .position(|r| r.label.ends_with("· tags"))
                .unwrap();
        assert_eq!(c.note(tags, &scale).as_deref(), Some("no call of its own"));
        for s in &c.spans[tags] {
            let (a, b) = scale.cols(s);
            assert!(b - a >= MIN_BAR_PX, "{s:?}");
        }
        // The init/plan minute takes INIT_W pixels; the apply starts after the break.
        assert_eq!(scale.x0, 8 + LABEL_W + INIT_W + BREAK_W);
        assert_eq!(scale.px(c.tl.overhead_ms), scale.x0);
    }

    #[test]
    fn merging_joins_what_touches() {
        let s = |a, b, kind| Span {
            start_ms: a,
            end_ms: b,
            kind,
        };
        let m = merge(
            &[
                s(0, 10, SpanKind::Call),
                s(12, 20, SpanKind::Call),
                s(40, 50, SpanKind::Call),
                s(45, 60, SpanKind::Poll),
            ],
            5,
        );
        assert_eq!(
            m,
            vec![
                s(0, 20, SpanKind::Call),
                s(40, 50, SpanKind::Call),
                s(45, 60, SpanKind::Poll)
            ]
        );
    }
}
