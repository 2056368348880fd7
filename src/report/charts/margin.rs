//! The margin chart: revenue, costs stacked by line, profit and margin across customer counts
//! 1..N, in two panels: the brief's view (base infrastructure only) and the scenario's model;
//! and the margin table.

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    self, clip, err, legend, Chart, ChartError, Item, Layer, PointLabel, Sample, FONT, WIDTH,
};
use crate::finance::{self, fmt_margin_fine, fmt_money, CostView, MarginPoint};
use crate::scenario::Scenario;

/// The cost lines' fills, stacked (past four the colours come round again).
const LINE_COLORS: [RGBColor; 4] = [style::SKY_BLUE, style::ORANGE, style::YELLOW, style::BLUE];
const C_REVENUE: RGBColor = style::INK;
const C_PROFIT: RGBColor = style::BLUISH_GREEN_LIGHT;
const C_MARGIN: RGBColor = style::REDDISH_PURPLE;
const C_SEED: RGBColor = style::GREY_DARK;

/// The margin chart's colours (checked for colour-blind readers in `style`).
#[cfg(test)]
pub(crate) const COLOURS: style::Swatches = &[
    ("cost line 1", LINE_COLORS[0]),
    ("cost line 2", LINE_COLORS[1]),
    ("cost line 3", LINE_COLORS[2]),
    ("cost line 4", LINE_COLORS[3]),
    ("profit", C_PROFIT),
    ("revenue", C_REVENUE),
    ("margin, the brief's view", C_SEED),
    ("margin, the scenario's costs", C_MARGIN),
];
const C_GRID: RGBColor = style::GREY_LIGHT;

/// The brief's customer counts, marked on the margin curves with their margin.
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

/// The margin chart of a scenario (SVG).
pub fn margin_svg(sc: &Scenario) -> String {
    style::svg(&MarginChart::new(sc))
}

/// The margin chart: on the left the scenario's money at 1..N customers on linear axes (costs
/// stacked by line, so that their areas compare truly; profit the band up to revenue); on the
/// right the margin under both views, the brief's and the scenario's, labelled at the brief's
/// customer counts.
pub struct MarginChart {
    name: String,
    n: usize,
    /// The brief's view, then the scenario's.
    curves: [Vec<MarginPoint>; 2],
    lines: Vec<String>,
}

impl MarginChart {
    pub fn new(sc: &Scenario) -> MarginChart {
        let n = finance::curve_len(sc);
        let curve = |v| finance::margin_curve(sc, v, n);
        MarginChart {
            name: sc.name.clone(),
            n,
            curves: [
                curve(CostView::BriefBaseInfrastructure),
                curve(CostView::Scenario),
            ],
            lines: sc.costs.iter().map(|c| c.name.clone()).collect(),
        }
    }

    fn items(&self) -> Vec<Item> {
        let mut items: Vec<Item> = self
            .lines
            .iter()
            .enumerate()
            .map(|(j, l)| {
                Item::new(
                    Sample::Box(LINE_COLORS[j % LINE_COLORS.len()]),
                    format!("cost: {}", clip(l, 30)),
                )
            })
            .collect();
        items.push(Item::new(Sample::Box(C_PROFIT), "profit (revenue − costs)"));
        items.push(Item::new(Sample::Line(C_REVENUE, 2), "revenue"));
        items.push(Item::new(
            Sample::Dashed(C_SEED, 2),
            format!("margin, {}", CostView::BriefBaseInfrastructure.title()),
        ));
        items.push(Item::new(
            Sample::LineDot(C_MARGIN, 2),
            format!("margin, {}", CostView::Scenario.title()),
        ));
        items
    }
}

impl Chart for MarginChart {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let n = self.n;
        root.fill(&WHITE).map_err(err)?;
        root.draw(&Text::new(
            format!(
                "{} · monthly revenue, costs, profit and margin at 1..{n} customers (the scenario's customers in order, repeated)",
                self.name
            ),
            (12, 10),
            (FONT, 16).into_font().style(FontStyle::Bold),
        ))
        .map_err(err)?;
        let items = self.items();
        let lh = style::legend_height(root, &items, WIDTH - 24);
        let (_, below) = root.split_vertically(36);
        let (leg, body) = below.split_vertically(lh + 8);
        legend(&leg.margin(0, 0, 12, 12), &items)?;
        let (left, right) = body.split_horizontally(WIDTH / 2);
        // Left: the scenario's money, linear.
        let curve = &self.curves[1];
        let ymax = curve
            .iter()
            .map(|p| p.fin.revenue_cents.max(p.fin.costs_cents))
            .max()
            .unwrap_or(100)
            .max(100) as f64
            / 100.0
            * 1.05;
        let mut money = ChartBuilder::on(&left)
            .caption("the scenario's cost model: money per month", (FONT, 14))
            .margin(10)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(66)
            .build_cartesian_2d(0f64..n as f64, 0f64..ymax)
            .map_err(err)?;
        money
            .configure_mesh()
            .x_desc("customers")
            .y_desc("US dollars per month")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| axis_money(*v))
            .light_line_style(WHITE)
            .bold_line_style(C_GRID)
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        style::begin(root, Layer::Series)?;
        let xs: Vec<f64> = curve.iter().map(|p| p.customers as f64).collect();
        let dollars = |c: i64| c as f64 / 100.0;
        // Revenue filled in the profit colour, then the costs stacked over it: what stays
        // green is the profit.
        money
            .draw_series(AreaSeries::new(
                curve
                    .iter()
                    .zip(&xs)
                    .map(|(p, &x)| (x, dollars(p.fin.revenue_cents))),
                0.0,
                C_PROFIT.filled(),
            ))
            .map_err(err)?;
        for j in (0..self.lines.len()).rev() {
            let c = LINE_COLORS[j % LINE_COLORS.len()];
            let pts: Vec<(f64, f64)> = curve
                .iter()
                .zip(&xs)
                .map(|(p, &x)| {
                    let cum: i64 = p.fin.lines[..=j].iter().map(|l| l.monthly_cents).sum();
                    (x, dollars(cum))
                })
                .collect();
            money
                .draw_series(AreaSeries::new(pts, 0.0, c.filled()).border_style(c.mix(0.9)))
                .map_err(err)?;
        }
        money
            .draw_series(LineSeries::new(
                curve
                    .iter()
                    .zip(&xs)
                    .map(|(p, &x)| (x, dollars(p.fin.revenue_cents))),
                C_REVENUE.stroke_width(2),
            ))
            .map_err(err)?;
        style::end(root)?;
        // Right: the margin under both views, log customers.
        let mmin = self
            .curves
            .iter()
            .flatten()
            .map(|p| p.fin.margin)
            .fold(0.0f64, f64::min);
        let mmin = ((mmin * 100.0 / 10.0).floor() * 10.0).max(-100.0);
        let mut margin = ChartBuilder::on(&right)
            .caption("margin under each view", (FONT, 14))
            .margin(10)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d((1f64..n as f64 * 1.25).log_scale(), mmin..112f64)
            .map_err(err)?;
        margin
            .configure_mesh()
            .x_desc("customers (log scale)")
            .y_desc("margin")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| {
                if *v <= 100.0 {
                    format!("{v:.0}%")
                } else {
                    String::new()
                }
            })
            .light_line_style(WHITE)
            .bold_line_style(C_GRID)
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        style::begin(root, Layer::Series)?;
        let mut polylines = Vec::new();
        let mut labels = Vec::new();
        for (k, curve) in self.curves.iter().enumerate() {
            let pts: Vec<(f64, f64)> = curve
                .iter()
                .map(|p| (p.customers as f64, p.fin.margin * 100.0))
                .collect();
            polylines.push(
                pts.iter()
                    .map(|&p| margin.backend_coord(&p))
                    .collect::<Vec<_>>(),
            );
            let color = if k == 0 { C_SEED } else { C_MARGIN };
            if k == 0 {
                margin
                    .draw_series(DashedLineSeries::new(
                        pts,
                        style::DASH.0,
                        style::DASH.1,
                        color.stroke_width(2),
                    ))
                    .map_err(err)?;
            } else {
                margin
                    .draw_series(LineSeries::new(pts, color.stroke_width(2)))
                    .map_err(err)?;
            }
            for &c in SEED_COUNTS.iter().filter(|&&c| c <= n) {
                let p = &curve[c - 1];
                let at = margin.backend_coord(&(c as f64, p.fin.margin * 100.0));
                margin
                    .draw_series(std::iter::once(Circle::new(
                        (c as f64, p.fin.margin * 100.0),
                        3,
                        color.filled(),
                    )))
                    .map_err(err)?;
                labels.push(PointLabel {
                    at,
                    text: fmt_margin_fine(p.fin.margin),
                    color,
                });
            }
        }
        let (xr, yr) = margin.plotting_area().get_pixel_range();
        style::place_labels(
            root,
            &labels,
            &polylines,
            (xr.start, yr.start, xr.end, yr.end),
            12,
        )?;
        style::end(root)?;
        Ok(())
    }
}

/// One row of the margin table: the two views at one customer count.
#[derive(Debug, Clone, PartialEq)]
pub struct MarginRow {
    pub customers: usize,
    pub revenue_cents: i64,
    pub brief_costs_cents: i64,
    pub brief_margin: f64,
    pub costs_cents: i64,
    pub profit_cents: i64,
    pub margin: f64,
}

/// The margin table (1, 2, 5, 10, 20, 50, 100 … customers) under both views.
pub fn margin_rows(sc: &Scenario) -> Vec<MarginRow> {
    let n = finance::curve_len(sc);
    let brief = finance::with_view(sc, CostView::BriefBaseInfrastructure);
    finance::table_counts(sc, n)
        .into_iter()
        .map(|k| {
            let s = finance::with_customers(&brief, k);
            let f = finance::with_customers(sc, k);
            MarginRow {
                customers: k,
                revenue_cents: f.revenue_cents,
                brief_costs_cents: s.costs_cents,
                brief_margin: s.margin,
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
        "| customers | revenue | base infrastructure | margin (brief's view) | all costs | profit | margin |\n|---:|---:|---:|---:|---:|---:|---:|"
    );
    for r in margin_rows(sc) {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.customers,
            fmt_money(r.revenue_cents),
            fmt_money(r.brief_costs_cents),
            fmt_margin_fine(r.brief_margin),
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
    use crate::scenario;

    fn shipped(name: &str) -> Scenario {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name);
        scenario::read(&p).unwrap()
    }

    #[test]
    fn margin_table_reproduces_the_briefs_view() {
        let rows = margin_rows(&shipped("two-customers.toml"));
        let brief: Vec<(usize, String)> = rows
            .iter()
            .map(|r| (r.customers, fmt_margin_fine(r.brief_margin)))
            .collect();
        assert_eq!(brief[0], (1, "97.8%".to_string()));
        assert_eq!(brief[1], (2, "99.2%".to_string()));
        assert!(brief.contains(&(100, "99.98%".to_string())));
        assert!(rows.iter().all(|r| r.brief_costs_cents == 18_000));
        assert!(rows.iter().all(|r| r.costs_cents == 338_000));
    }
}
