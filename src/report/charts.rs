//! The charts, as SVG text (plotters' SVG backend; no fonts are loaded: text is written as
//! `<text>` elements and laid out by whoever displays the SVG).
//!
//! - [`timeline_svg`]: one row per resource, grouped by customer and kind (folded into one row
//!   per customer, and per kind for the shared resources, for large runs), each a bar from start
//!   to finish in which time in a call, backing off, and polling the account's status are drawn
//!   apart; conflicts marked where they happened; a time axis in minutes; a legend.
//! - [`margin_svg`]: revenue, costs stacked by line, profit and margin across customer counts
//!   1..N, in two panels: the seed's view (base infrastructure only) and the scenario's model.
//!
//! Deterministic: the same inputs give the same bytes (plotters writes integer pixel
//! coordinates; every label is formatted here).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::analysis::Report;
use crate::engine::trace::{Trace, WaitKind};
use crate::finance::{self, fmt_margin_fine, fmt_money, CostView, MarginPoint};
use crate::plan::{Plan, ResourceKind, Spec};
use crate::scenario::Scenario;

/// Above this many resources the timeline folds: one row per customer (account and tags on
/// the same row) and one row per kind of shared resource.
pub const FOLD_ABOVE_ROWS: usize = 60;
/// Most rows a timeline draws; beyond it customers share rows (consecutive customers, in
/// order).
pub const MAX_ROWS: usize = 120;

pub(crate) const FONT: &str = "sans-serif";
const WIDTH: u32 = 1200;
const LABEL_W: u32 = 270;

const C_ACTIVE: RGBColor = RGBColor(0xc6, 0xdb, 0xef);
const C_CALL: RGBColor = RGBColor(0x08, 0x51, 0x9c);
const C_BACKOFF: RGBColor = RGBColor(0xfd, 0x8d, 0x3c);
const C_RETRY: RGBColor = RGBColor(0xa6, 0x36, 0x03);
const C_POLL: RGBColor = RGBColor(0xfe, 0xe3, 0x91);
const C_PROVISION: RGBColor = RGBColor(0x74, 0xc4, 0x76);
const C_CONFLICT: RGBColor = RGBColor(0xd6, 0x27, 0x28);
const C_OVERHEAD: RGBColor = RGBColor(0xee, 0xee, 0xee);
const C_GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

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
        Spec::Ou { name, .. } | Spec::Policy { name, .. } => name.clone(),
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

/// Truncates to `max` characters with an ellipsis.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
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

pub(crate) fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("chart drawing failed: {e:?}")
}

/// Nice tick step for `max` minutes.
fn minute_step(max_min: f64) -> f64 {
    [0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0]
        .into_iter()
        .find(|s| max_min / s <= 12.0)
        .unwrap_or(240.0)
}

/// The timeline chart of one run.
pub fn timeline_svg(sc: &Scenario, plan: &Plan, trace: &Trace, rep: &Report) -> String {
    let tl = timeline(sc, plan, trace, rep);
    draw_timeline(&tl, rep).unwrap_or_else(|e| error_svg(&e))
}

fn draw_timeline(tl: &Timeline, rep: &Report) -> Result<String, String> {
    let rows = tl.rows.len().max(1);
    let row_h: u32 = if tl.folded { 12 } else { 24 };
    let top: u32 = 96;
    let bottom: u32 = 56;
    let height = top + bottom + row_h * rows as u32;
    let max_min = (tl.end_ms as f64 / 60_000.0).max(0.1) * 1.02;
    let step = minute_step(max_min);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
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
        root.draw(&Text::new(
            title,
            (12, 10),
            (FONT, 17).into_font().style(FontStyle::Bold),
        ))
        .map_err(err)?;
        let provisioning = tl
            .rows
            .iter()
            .any(|r| r.spans.iter().any(|s| s.kind == SpanKind::Provisioning));
        draw_legend(&root, 12, 38, provisioning)?;
        let mut chart = ChartBuilder::on(&root)
            .margin_top(top - 8)
            .margin_right(20)
            .margin_left(8)
            .x_label_area_size(bottom - 8)
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
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        // The deployer's own overhead before its first call.
        let oh = tl.overhead_ms as f64 / 60_000.0;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, 0.0), (oh, rows as f64)],
                C_OVERHEAD.filled(),
            )))
            .map_err(err)?;
        let (xr, _) = chart.plotting_area().get_pixel_range();
        let px_ms = (max_min * 60_000.0 / (xr.end - xr.start).max(1) as f64).max(1.0);
        let min_w = px_ms / 60_000.0;
        let font = TextStyle::from((FONT, if tl.folded { 10 } else { 12 }).into_font())
            .pos(Pos::new(HPos::Right, VPos::Center));
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
            let label = if row.failed > 0 {
                format!("{} ✗{}", row.label, row.failed)
            } else {
                row.label.clone()
            };
            let color = if row.failed > 0 { C_CONFLICT } else { BLACK };
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((0.0, yc))
                        + Text::new(label, (-8, 0), font.clone().color(&color)),
                ))
                .map_err(err)?;
            let spans = merge(&row.spans, px_ms as u64);
            chart
                .draw_series(spans.iter().map(|s| {
                    let (c, h) = span_style(s.kind);
                    let x0 = s.start_ms as f64 / 60_000.0;
                    let x1 = (s.end_ms as f64 / 60_000.0).max(x0 + min_w);
                    Rectangle::new([(x0, yc - h / 2.0), (x1, yc + h / 2.0)], c.filled())
                }))
                .map_err(err)?;
            let size = if tl.folded { 4 } else { 6 };
            chart
                .draw_series(row.conflicts.iter().map(|&(at, resolved)| {
                    let x = at as f64 / 60_000.0;
                    let e: DynElement<_, _> = if resolved {
                        Cross::new((x, yc), size, C_CONFLICT.stroke_width(2)).into_dyn()
                    } else {
                        TriangleMarker::new((x, yc), size + 1, C_CONFLICT.filled()).into_dyn()
                    };
                    e
                }))
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(buf)
}

fn draw_legend(
    root: &DrawingArea<SVGBackend, Shift>,
    x0: i32,
    y0: i32,
    provisioning: bool,
) -> Result<(), String> {
    let font = TextStyle::from((FONT, 12).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    let mut items: Vec<(&str, RGBColor)> = vec![
        ("in an API call", C_CALL),
        ("backing off (throttled/retry)", C_BACKOFF),
        ("provider retry wait", C_RETRY),
        ("polling account status", C_POLL),
        ("in progress, between calls", C_ACTIVE),
        ("deployer init/plan", C_OVERHEAD),
    ];
    if provisioning {
        items.push(("account factory provisioning", C_PROVISION));
    }
    let mut x = x0;
    let mut y = y0;
    for (label, c) in items {
        if x > WIDTH as i32 - 220 {
            x = x0;
            y += 20;
        }
        root.draw(&Rectangle::new([(x, y - 6), (x + 18, y + 6)], c.filled()))
            .map_err(err)?;
        root.draw(&Rectangle::new(
            [(x, y - 6), (x + 18, y + 6)],
            BLACK.mix(0.3),
        ))
        .map_err(err)?;
        root.draw(&Text::new(label, (x + 24, y), font.clone()))
            .map_err(err)?;
        x += 30 + 7 * label.chars().count() as i32;
    }
    x = x0;
    y += 22;
    root.draw(&Cross::new((x + 9, y), 6, C_CONFLICT.stroke_width(2)))
        .map_err(err)?;
    root.draw(&Text::new(
        "conflict, resolved by a retry",
        (x + 24, y),
        font.clone(),
    ))
    .map_err(err)?;
    x += 230;
    root.draw(&TriangleMarker::new((x + 9, y), 7, C_CONFLICT.filled()))
        .map_err(err)?;
    root.draw(&Text::new(
        "conflict, unresolved",
        (x + 24, y),
        font.clone(),
    ))
    .map_err(err)?;
    x += 170;
    root.draw(&Text::new(
        "✗N  resources on the row that failed",
        (x, y),
        font.color(&C_CONFLICT),
    ))
    .map_err(err)?;
    Ok(())
}

/// A minimal SVG that says the chart could not be drawn (never expected; keeps `--out` whole).
pub(crate) fn error_svg(msg: &str) -> String {
    let esc = msg
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"40\">\
         <text x=\"10\" y=\"25\">{esc}</text></svg>\n"
    )
}

// ---------------------------------------------------------------------------------------------
// Margin chart.

const LINE_COLORS: [RGBColor; 8] = [
    RGBColor(0x9e, 0xca, 0xe1),
    RGBColor(0xfd, 0xae, 0x6b),
    RGBColor(0xa1, 0xd9, 0x9b),
    RGBColor(0xbc, 0xbd, 0xdc),
    RGBColor(0xfc, 0x92, 0x72),
    RGBColor(0xd9, 0xb3, 0x8c),
    RGBColor(0xcc, 0xcc, 0xcc),
    RGBColor(0xe7, 0xe7, 0x8f),
];
const C_REVENUE: RGBColor = RGBColor(0x25, 0x25, 0x25);
const C_PROFIT: RGBColor = RGBColor(0x23, 0x8b, 0x45);
const C_MARGIN: RGBColor = RGBColor(0x6a, 0x51, 0xa3);

/// The seed's customer counts, marked on the margin curve with their margin.
const SEED_COUNTS: [usize; 5] = [1, 2, 5, 10, 100];

fn axis_money(d: f64) -> String {
    let a = d.abs();
    if a >= 1e6 {
        format!("${:.1}M", d / 1e6)
    } else if a >= 1e3 {
        format!("${:.0}K", d / 1e3)
    } else {
        format!("${d:.0}")
    }
}

/// The margin chart of a scenario: two panels, the seed's view and the scenario's costs.
pub fn margin_svg(sc: &Scenario) -> String {
    draw_margin(sc).unwrap_or_else(|e| error_svg(&e))
}

fn draw_margin(sc: &Scenario) -> Result<String, String> {
    let n = finance::curve_len(sc);
    let views = [CostView::SeedBaseInfrastructure, CostView::Scenario];
    let curves: Vec<Vec<MarginPoint>> = views
        .iter()
        .map(|&v| finance::margin_curve(sc, v, n))
        .collect();
    let names: Vec<Vec<String>> = views
        .iter()
        .map(|&v| {
            finance::with_view(sc, v)
                .costs
                .iter()
                .map(|c| c.name.clone())
                .collect()
        })
        .collect();
    // Money on a log axis: $180 of infrastructure and $1M of revenue both stay readable. The
    // axis runs between powers of ten around the smallest and largest positive amounts.
    let amounts = || {
        curves.iter().flatten().flat_map(|p| {
            p.fin.lines.iter().map(|l| l.monthly_cents).chain([
                p.fin.revenue_cents,
                p.fin.costs_cents,
                p.fin.profit_cents,
            ])
        })
    };
    let hi = amounts().max().unwrap_or(100).max(100) as f64 / 100.0;
    let lo = amounts().filter(|&c| c > 0).min().unwrap_or(100) as f64 / 100.0;
    let ymax = 10f64.powf(hi.log10().ceil()).max(10.0);
    let ymin = 10f64.powf(lo.log10().floor()).min(ymax / 10.0);
    let mmin = curves
        .iter()
        .flatten()
        .map(|p| p.fin.margin)
        .fold(0.0f64, f64::min);
    let mmin = ((mmin * 100.0 / 10.0).floor() * 10.0).max(-100.0);
    let (w, h) = (WIDTH, 520u32);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        root.draw(&Text::new(
            format!(
                "{} · monthly revenue, costs, profit and margin at 1..{n} customers (the scenario's customers in order, repeated)",
                sc.name
            ),
            (12, 10),
            (FONT, 15).into_font().style(FontStyle::Bold),
        ))
        .map_err(err)?;
        let body = root.margin(34, 0, 0, 0);
        let panels = body.split_evenly((1, 2));
        for (k, panel) in panels.iter().enumerate() {
            let curve = &curves[k];
            let mut chart = ChartBuilder::on(panel)
                .caption(views[k].title(), (FONT, 14))
                .margin(10)
                .x_label_area_size(40)
                .y_label_area_size(62)
                .right_y_label_area_size(48)
                .build_cartesian_2d((1f64..n as f64).log_scale(), (ymin..ymax).log_scale())
                .map_err(err)?
                .set_secondary_coord((1f64..n as f64).log_scale(), mmin..105f64);
            chart
                .configure_mesh()
                .x_desc("customers (log scale)")
                .y_desc("US dollars per month (log scale)")
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_label_formatter(&|v| axis_money(*v))
                .light_line_style(WHITE)
                .bold_line_style(C_GRID)
                .label_style((FONT, 11))
                .draw()
                .map_err(err)?;
            chart
                .configure_secondary_axes()
                .y_desc("margin %")
                .y_label_formatter(&|v| {
                    if *v <= 100.0 {
                        format!("{v:.0}%")
                    } else {
                        String::new()
                    }
                })
                .label_style((FONT, 11))
                .draw()
                .map_err(err)?;
            let xs: Vec<f64> = curve.iter().map(|p| p.customers as f64).collect();
            // Costs stacked by line: draw the running totals from the top down.
            let lines = names[k].len();
            for j in (0..lines).rev() {
                let c = LINE_COLORS[j % LINE_COLORS.len()];
                let pts: Vec<(f64, f64)> = curve
                    .iter()
                    .zip(&xs)
                    .map(|(p, &x)| {
                        let cum: i64 = p.fin.lines[..=j].iter().map(|l| l.monthly_cents).sum();
                        (x, (cum as f64 / 100.0).max(ymin))
                    })
                    .collect();
                chart
                    .draw_series(AreaSeries::new(pts, ymin, c.filled()).border_style(c.mix(0.9)))
                    .map_err(err)?
                    .label(format!("cost: {}", clip(&names[k][j], 26)))
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled())
                    });
            }
            let series = |f: &dyn Fn(&MarginPoint) -> i64| -> Vec<(f64, f64)> {
                curve
                    .iter()
                    .zip(&xs)
                    .map(|(p, &x)| (x, (f(p) as f64 / 100.0).max(ymin)))
                    .collect()
            };
            chart
                .draw_series(LineSeries::new(
                    series(&|p| p.fin.revenue_cents),
                    C_REVENUE.stroke_width(2),
                ))
                .map_err(err)?
                .label("revenue")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], C_REVENUE.stroke_width(2))
                });
            chart
                .draw_series(LineSeries::new(
                    series(&|p| p.fin.profit_cents),
                    C_PROFIT.stroke_width(2),
                ))
                .map_err(err)?
                .label("profit")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], C_PROFIT.stroke_width(2))
                });
            let margin_pts: Vec<(f64, f64)> = curve
                .iter()
                .zip(&xs)
                .map(|(p, &x)| (x, p.fin.margin * 100.0))
                .collect();
            chart
                .draw_secondary_series(DashedLineSeries::new(
                    margin_pts,
                    6,
                    4,
                    C_MARGIN.stroke_width(2),
                ))
                .map_err(err)?
                .label("margin % (right axis)")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], C_MARGIN.stroke_width(2))
                });
            let font = (FONT, 11)
                .into_font()
                .color(&C_MARGIN)
                .pos(Pos::new(HPos::Center, VPos::Top));
            chart
                .draw_secondary_series(SEED_COUNTS.iter().filter(|&&c| c <= n).map(|&c| {
                    let p = &curve[c - 1];
                    let y = p.fin.margin * 100.0;
                    EmptyElement::at((c as f64, y))
                        + Circle::new((0, 0), 3, C_MARGIN.filled())
                        + Text::new(fmt_margin_fine(p.fin.margin), (0, 6), font.clone())
                }))
                .map_err(err)?;
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.3))
                .label_font((FONT, 11))
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// One row of the margin table: the two views at one customer count.
#[derive(Debug, Clone, PartialEq)]
pub struct MarginRow {
    pub customers: usize,
    pub revenue_cents: i64,
    pub seed_costs_cents: i64,
    pub seed_margin: f64,
    pub costs_cents: i64,
    pub profit_cents: i64,
    pub margin: f64,
}

/// The margin table (1, 2, 5, 10, 20, 50, 100 … customers) under both views.
pub fn margin_rows(sc: &Scenario) -> Vec<MarginRow> {
    let n = finance::curve_len(sc);
    let seed = finance::with_view(sc, CostView::SeedBaseInfrastructure);
    finance::table_counts(sc, n)
        .into_iter()
        .map(|k| {
            let s = finance::with_customers(&seed, k);
            let f = finance::with_customers(sc, k);
            MarginRow {
                customers: k,
                revenue_cents: f.revenue_cents,
                seed_costs_cents: s.costs_cents,
                seed_margin: s.margin,
                costs_cents: f.costs_cents,
                profit_cents: f.profit_cents,
                margin: f.margin,
            }
        })
        .collect()
}

/// The margin table in Markdown.
pub fn margin_table_md(sc: &Scenario) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "| customers | revenue | base infrastructure | margin (seed's view) | all costs | profit | margin |\n|---:|---:|---:|---:|---:|---:|---:|"
    );
    for r in margin_rows(sc) {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.customers,
            fmt_money(r.revenue_cents),
            fmt_money(r.seed_costs_cents),
            fmt_margin_fine(r.seed_margin),
            fmt_money(r.costs_cents),
            fmt_money(r.profit_cents),
            fmt_margin_fine(r.margin)
        );
    }
    o
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

    #[test]
    fn margin_table_reproduces_the_seeds_view() {
        let rows = margin_rows(&shipped("two-customers.toml"));
        let seed: Vec<(usize, String)> = rows
            .iter()
            .map(|r| (r.customers, fmt_margin_fine(r.seed_margin)))
            .collect();
        assert_eq!(seed[0], (1, "97.8%".to_string()));
        assert_eq!(seed[1], (2, "99.2%".to_string()));
        assert!(seed.contains(&(100, "99.98%".to_string())));
        assert!(rows.iter().all(|r| r.seed_costs_cents == 18_000));
        assert!(rows.iter().all(|r| r.costs_cents == 338_000));
    }
}
