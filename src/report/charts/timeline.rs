//! The timeline of one run: one row per resource, grouped by customer and kind (folded into
//! one row per customer, and per kind for the shared resources, for large runs), each a bar from
//! start to finish in which time in a call, backing off, and polling the account's status are
//! drawn apart; conflicts marked where they happened; a time axis in minutes; a legend.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, clip, err, Chart, ChartError, Item, Layer, Sample, FONT, WIDTH};
use crate::analysis::Report;
use crate::engine::trace::{Outcome, Trace, WaitKind};
use crate::plan::{Plan, ResourceKind, Spec};
use crate::scenario::Scenario;

/// Above this many resources the timeline folds: one row per customer (account and tags on
/// the same row) and one row per kind of shared resource.
pub const FOLD_ABOVE_ROWS: usize = 60;
/// Most rows a timeline draws; beyond it customers share rows (consecutive customers, in
/// order).
pub const MAX_ROWS: usize = 120;

const LABEL_W: u32 = 270;

const C_ACTIVE: RGBColor = style::BLUE_LIGHT;
const C_CALL: RGBColor = style::BLUE_DARK;
const C_BACKOFF: RGBColor = style::ORANGE;
const C_RETRY: RGBColor = style::BROWN;
const C_POLL: RGBColor = style::YELLOW;
const C_PROVISION: RGBColor = style::GREEN_LIGHT;
const C_CONFLICT: RGBColor = style::RED;
const C_OVERHEAD: RGBColor = style::GREY_LIGHTEST;
const C_GRID: RGBColor = style::GREY_LIGHT;

/// What a stretch of a row was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SpanKind {
    /// Started and not yet finished, between calls and waits (the deployer's own time).
    Active,
    /// The SDK's backoff after a throttled or transient error.
    Backoff,
    /// The provider's wait before trying the operation again.
    ProviderRetry,
    /// Waiting between DescribeCreateAccountStatus polls.
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
                kind: SpanKind::Call,
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

/// The timeline chart of one run (SVG).
pub fn timeline_svg(sc: &Scenario, plan: &Plan, trace: &Trace, rep: &Report) -> String {
    style::svg(&TimelineChart::new(sc, plan, trace, rep))
}

/// The timeline chart: [`timeline`]'s rows drawn.
pub struct TimelineChart {
    tl: Timeline,
    title: String,
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
        TimelineChart { tl, title }
    }

    fn row_h(&self) -> u32 {
        if self.tl.folded {
            16
        } else {
            24
        }
    }

    fn items(&self) -> Vec<Item> {
        let tl = &self.tl;
        let has = |k: SpanKind| tl.rows.iter().any(|r| r.spans.iter().any(|s| s.kind == k));
        let mut items = vec![
            Item::new(Sample::Box(C_CALL), "in an API call"),
            Item::new(Sample::Box(C_BACKOFF), "backing off (throttled/retry)"),
        ];
        if has(SpanKind::ProviderRetry) {
            items.push(Item::new(Sample::Box(C_RETRY), "provider retry wait"));
        }
        if has(SpanKind::Poll) {
            items.push(Item::new(Sample::Box(C_POLL), "polling account status"));
        }
        if has(SpanKind::Provisioning) {
            items.push(Item::new(
                Sample::Box(C_PROVISION),
                "account factory provisioning",
            ));
        }
        items.push(Item::new(
            Sample::Box(C_ACTIVE),
            "started, between calls (the deployer's own time)",
        ));
        items.push(Item::new(Sample::Box(C_OVERHEAD), "deployer init/plan"));
        let resolved = tl.rows.iter().any(|r| r.conflicts.iter().any(|c| c.1));
        let unresolved = tl.rows.iter().any(|r| r.conflicts.iter().any(|c| !c.1));
        if resolved && tl.folded {
            items.push(Item::new(
                Sample::Tick(C_CONFLICT),
                "conflict a retry resolved (a tick at the row's top)",
            ));
        } else if resolved {
            items.push(Item::new(
                Sample::Cross(C_CONFLICT),
                "conflict, resolved by a retry",
            ));
        }
        if unresolved {
            items.push(Item::new(
                Sample::Triangle(C_CONFLICT),
                "conflict, unresolved",
            ));
        }
        if tl.rows.iter().any(|r| r.failed > 0) {
            items.push(Item::new(
                Sample::Note(C_CONFLICT),
                "red label: resources on the row failed or were skipped; how many and why follows the bar",
            ));
        }
        items
    }
}

impl Chart for TimelineChart {
    fn size(&self) -> (u32, u32) {
        let rows = self.tl.rows.len().max(1) as u32;
        // The legend's height depends on the font's metrics only: measure it on a scratch area.
        let mut scratch = String::new();
        let lh = {
            let area = SVGBackend::with_string(&mut scratch, (WIDTH, 100)).into_drawing_area();
            style::legend_height(&area, &self.items(), WIDTH - 24)
        };
        (WIDTH, TOP + lh + 12 + BOTTOM + self.row_h() * rows)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        draw_timeline(self, root)
    }
}

const TOP: u32 = 36;
const BOTTOM: u32 = 56;

fn failure_note(row: &Row) -> String {
    let why: Vec<String> = row
        .reasons
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    format!("{} not created: {}", row.failed, why.join(", "))
}

fn draw_timeline<DB: DrawingBackend>(
    c: &TimelineChart,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), ChartError> {
    let tl = &c.tl;
    let rows = tl.rows.len().max(1);
    let row_h = c.row_h();
    let max_min = (tl.end_ms as f64 / 60_000.0).max(0.1) * 1.02;
    let step = minute_step(max_min);
    root.fill(&WHITE).map_err(err)?;
    root.draw(&Text::new(
        c.title.clone(),
        (12, 10),
        (FONT, 17).into_font().style(FontStyle::Bold),
    ))
    .map_err(err)?;
    let items = c.items();
    let lh = style::legend_height(root, &items, WIDTH - 24);
    let (_, below) = root.split_vertically(TOP);
    let (leg, body) = below.split_vertically(lh + 12);
    style::legend(&leg.margin(0, 0, 12, 12), &items)?;
    let mut chart = ChartBuilder::on(&body)
        .margin_right(20)
        .margin_left(8)
        .x_label_area_size(BOTTOM - 8)
        .y_label_area_size(LABEL_W)
        .build_cartesian_2d(0f64..max_min, rows as f64..0f64)
        .map_err(err)?;
    let ticks = (max_min / step).floor() as usize + 1;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(ticks + 1)
        .x_label_formatter(&|v| {
            if step < 1.0 {
                format!("{v:.1}")
            } else {
                format!("{v:.0}")
            }
        })
        .x_desc("minutes since the deployment started")
        .light_line_style(WHITE)
        .bold_line_style(C_GRID)
        .label_style((FONT, 13))
        .draw()
        .map_err(err)?;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    let px_ms = (max_min * 60_000.0 / (xr.end - xr.start).max(1) as f64).max(1.0);
    let min_w = px_ms / 60_000.0;
    let font = TextStyle::from((FONT, 13).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    let note_font = TextStyle::from((FONT, 12).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    // Row labels, outside the plotting area.
    for (y, row) in tl.rows.iter().enumerate() {
        let yc = y as f64 + 0.5;
        let color = if row.failed > 0 { C_CONFLICT } else { BLACK };
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((0.0, yc))
                    + Text::new(row.label.clone(), (-8, 0), font.clone().color(&color)),
            ))
            .map_err(err)?;
    }
    style::begin(root, Layer::Series)?;
    // The deployer's own overhead before its first call.
    let oh = tl.overhead_ms as f64 / 60_000.0;
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(0.0, 0.0), (oh, rows as f64)],
            C_OVERHEAD.filled(),
        )))
        .map_err(err)?;
    let mut last_group = None;
    for (y, row) in tl.rows.iter().enumerate() {
        let yc = y as f64 + 0.5;
        if last_group.as_ref() != Some(&row.group) && y > 0 {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, y as f64), (max_min, y as f64)],
                    BLACK.mix(0.25),
                )))
                .map_err(err)?;
        }
        last_group = Some(row.group.clone());
        let spans = merge(&row.spans, px_ms as u64);
        chart
            .draw_series(spans.iter().map(|s| {
                let (c, h) = span_style(s.kind);
                let x0 = s.start_ms as f64 / 60_000.0;
                let x1 = (s.end_ms as f64 / 60_000.0).max(x0 + min_w);
                Rectangle::new([(x0, yc - h / 2.0), (x1, yc + h / 2.0)], c.filled())
            }))
            .map_err(err)?;
        if tl.folded {
            // Resolved conflicts as thin ticks at the top of the row, one per 3 pixels at
            // most: a burst reads as a short red stretch, not a pile of crosses.
            let mut last_px = i64::MIN;
            let mut ticks = Vec::new();
            for &(at, resolved) in &row.conflicts {
                let px = (at as f64 / px_ms) as i64;
                if resolved && px >= last_px + 3 {
                    last_px = px;
                    ticks.push(at as f64 / 60_000.0);
                }
            }
            chart
                .draw_series(ticks.into_iter().map(|x| {
                    PathElement::new(
                        vec![(x, yc - 0.45), (x, yc - 0.1)],
                        C_CONFLICT.stroke_width(1),
                    )
                }))
                .map_err(err)?;
        } else {
            chart
                .draw_series(row.conflicts.iter().filter(|c| c.1).map(|&(at, _)| {
                    Cross::new((at as f64 / 60_000.0, yc), 6, C_CONFLICT.stroke_width(2))
                }))
                .map_err(err)?;
        }
        let size = if tl.folded { 5 } else { 7 };
        chart
            .draw_series(row.conflicts.iter().filter(|c| !c.1).map(|&(at, _)| {
                TriangleMarker::new((at as f64 / 60_000.0, yc), size, C_CONFLICT.filled())
            }))
            .map_err(err)?;
    }
    style::end(root)?;
    // A failed row says once how many failed and why, after its bar.
    for (y, row) in tl.rows.iter().enumerate() {
        if row.failed == 0 {
            continue;
        }
        let end = row.spans.iter().map(|s| s.end_ms).max().unwrap_or(0) as f64 / 60_000.0;
        let note = failure_note(row);
        let (x0, yc) = chart.backend_coord(&(end, y as f64 + 0.5));
        let w = root
            .estimate_text_size(&note, &note_font)
            .map(|(w, _)| w as i32)
            .unwrap_or(0);
        // After the bar if it fits, else right-aligned at the chart's right edge.
        let x = if x0 + 8 + w <= xr.end {
            x0 + 8
        } else {
            xr.end - w - 2
        };
        root.draw(&Rectangle::new(
            [
                (x - 2, yc - row_h as i32 / 2 + 1),
                (x + w + 2, yc + row_h as i32 / 2 - 1),
            ],
            WHITE.mix(0.9).filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            note,
            (x, yc),
            note_font.clone().color(&C_CONFLICT),
        ))
        .map_err(err)?;
    }
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
