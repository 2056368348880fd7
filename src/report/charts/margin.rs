//! The margin chart: money per month across customer counts 1..N of the scenario's mix, in
//! three panels: on linear axes, revenue over the costs stacked by line with the profit between
//! them, and the costs by line again on a scale of their own; on a log customer axis, the
//! margin (%) under the brief's view (base infrastructure only) and the scenario's cost model.
//! And the margin table.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    self, clip, err, legend, Chart, ChartError, HouseMesh, Item, Layer, PointLabel, Sample, FONT,
    WIDTH,
};
use crate::finance::{self, fmt_margin_fine, fmt_money, CostView, MarginPoint};
use crate::scenario::{CostKind, Scenario};

/// The cost lines' colours, their fills stacked and their lines apart (past six the colours
/// come round again; yellow, the lightest, last).
const LINE_COLORS: [RGBColor; 6] = [
    style::SKY_BLUE,
    style::ORANGE,
    style::BLUE,
    style::VERMILION,
    style::BLUISH_GREEN,
    style::YELLOW,
];
const C_REVENUE: RGBColor = style::INK;
const C_PROFIT: RGBColor = style::BLUISH_GREEN_LIGHT;
const C_MARGIN: RGBColor = style::REDDISH_PURPLE;
const C_SEED: RGBColor = style::GREY_DARK;
const C_GRID: RGBColor = style::GREY_LIGHT;

/// The margin chart's colours (checked for colour-blind readers in `style`).
#[cfg(test)]
pub(crate) const COLOURS: style::Swatches = &[
    ("cost line 1", LINE_COLORS[0]),
    ("cost line 2", LINE_COLORS[1]),
    ("cost line 3", LINE_COLORS[2]),
    ("cost line 4", LINE_COLORS[3]),
    ("cost line 5", LINE_COLORS[4]),
    ("cost line 6", LINE_COLORS[5]),
    ("profit", C_PROFIT),
    ("revenue", C_REVENUE),
    ("margin, the brief's view", C_SEED),
    ("margin, the scenario's costs", C_MARGIN),
];

/// The brief's customer counts, marked on the margin curves with the margin table's figure.
const SEED_COUNTS: [usize; 5] = [1, 2, 5, 10, 100];

fn axis_money(d: &f64) -> String {
    let a = d.abs();
    if a >= 1e6 {
        format!("${}M", style::tick(&(d / 1e6)))
    } else if a >= 1e3 {
        format!("${:.0}K", d / 1e3)
    } else {
        format!("${d:.0}")
    }
}

/// The ticks 1, 2, 5, 10, 20, 50, … between `lo` and `hi` (a log axis's labels).
fn one_two_five(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut decade = 10f64.powf(lo.max(1e-9).log10().floor());
    while decade <= hi {
        for m in [1.0, 2.0, 5.0] {
            let v = decade * m;
            if v >= lo && v <= hi {
                out.push(v);
            }
        }
        decade *= 10.0;
    }
    out
}

/// The margin chart of a scenario (SVG).
pub fn margin_svg(sc: &Scenario) -> String {
    style::svg(&MarginChart::new(sc))
}

/// A month at `customers` customers of the scenario's mix, in expectation: each customer the
/// scenario's mean revenue, its tiers in the scenario's shares. Cents as `f64`: figures to
/// draw, never reported (the reports' money is [`finance`]'s integer cents).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expected {
    pub customers: usize,
    pub revenue: f64,
    /// Each cost line's amount, in the scenario's order.
    pub lines: Vec<f64>,
}

impl Expected {
    fn costs(&self) -> f64 {
        self.lines.iter().sum()
    }

    fn margin(&self) -> f64 {
        if self.revenue > 0.0 {
            (self.revenue - self.costs()) / self.revenue
        } else {
            0.0
        }
    }
}

/// [`Expected`] at 1..=`max` customers of `sc`'s mix. Every cost kind is linear in the counts
/// but the step, which depends on the customer count alone: so each is its exact expectation.
pub(crate) fn expected_curve(sc: &Scenario, max: usize) -> Vec<Expected> {
    let n = sc.customers.len();
    let total: f64 = sc.customers.iter().map(|c| c.monthly_cents as f64).sum();
    let mean = if n > 0 { total / n as f64 } else { 0.0 };
    let mut share: BTreeMap<&str, f64> = BTreeMap::new();
    for c in &sc.customers {
        *share.entry(c.tier.as_str()).or_default() += 1.0 / n as f64;
    }
    let existing = sc.organization.existing_accounts as f64;
    (1..=max)
        .map(|k| {
            let kf = k as f64;
            let revenue = kf * mean;
            let lines = sc
                .costs
                .iter()
                .map(|l| match &l.kind {
                    CostKind::Fixed { monthly_cents } => *monthly_cents as f64,
                    CostKind::PerCustomer { cents } => *cents as f64 * kf,
                    CostKind::PerAccount { cents } => *cents as f64 * (kf + existing),
                    CostKind::PerTier { cents } => cents
                        .iter()
                        .map(|(t, c)| *c as f64 * kf * share.get(t.as_str()).unwrap_or(&0.0))
                        .sum(),
                    CostKind::Step {
                        every,
                        monthly_cents,
                    } => (k as u64).div_ceil((*every).max(1)) as f64 * *monthly_cents as f64,
                    CostKind::RevenueShare { ppm } => revenue * *ppm as f64 / 1e6,
                })
                .collect();
            Expected {
                customers: k,
                revenue,
                lines,
            }
        })
        .collect()
}

/// The margin chart: left, the scenario's money at 1..N customers of its mix (revenue and all
/// costs, the profit between them; under it the costs by line, stacked on their own scale, so
/// that lines far smaller than the revenue still show); right, the margin under both views,
/// the brief's and the scenario's, with the margin table's figures at the brief's counts.
pub struct MarginChart {
    name: String,
    n: usize,
    /// The margin table's curves (the scenario's customers in order, repeated): the brief's
    /// view, then the scenario's.
    curves: [Vec<MarginPoint>; 2],
    /// The expected curves of the scenario's mix, in the same order.
    expected: [Vec<Expected>; 2],
    lines: Vec<String>,
}

impl MarginChart {
    pub fn new(sc: &Scenario) -> MarginChart {
        let n = finance::curve_len(sc);
        let curve = |v| finance::margin_curve(sc, v, n);
        let expected = |v| expected_curve(&finance::with_view(sc, v), n);
        MarginChart {
            name: sc.name.clone(),
            n,
            curves: [
                curve(CostView::BriefBaseInfrastructure),
                curve(CostView::Scenario),
            ],
            expected: [
                expected(CostView::BriefBaseInfrastructure),
                expected(CostView::Scenario),
            ],
            lines: sc.costs.iter().map(|c| c.name.clone()).collect(),
        }
    }

    fn items(&self) -> Vec<Item> {
        let mut items = vec![
            Item::new(Sample::Line(C_REVENUE, 2), "revenue"),
            Item::new(Sample::Box(C_PROFIT), "profit (revenue − costs)"),
        ];
        items.extend(self.lines.iter().enumerate().map(|(j, l)| {
            Item::new(
                Sample::Box(LINE_COLORS[j % LINE_COLORS.len()]),
                format!("cost: {}", clip(l, 30)),
            )
        }));
        items.push(Item::new(
            Sample::Dashed(C_SEED, 2),
            format!("margin, {}", CostView::BriefBaseInfrastructure.title()),
        ));
        items.push(Item::new(
            Sample::Line(C_MARGIN, 2),
            format!("margin, {}", CostView::Scenario.title()),
        ));
        items.push(Item::new(
            Sample::Dot(style::GREY_DARK),
            "the margin table (the scenario's customers in order)",
        ));
        items
    }
}

impl Chart for MarginChart {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 680)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let n = self.n;
        root.fill(&WHITE).map_err(err)?;
        root.draw(&Text::new(
            format!(
                "{} · money per month and margin at 1..{n} customers in the scenario's mix",
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
        let (_, lh) = left.dim_in_pixel();
        let (top, bottom) = left.split_vertically(lh / 2);
        let curve = &self.expected[1];
        let xs: Vec<f64> = curve.iter().map(|p| p.customers as f64).collect();
        let dollars = |c: f64| c / 100.0;
        // Top left: revenue and all costs, the profit between them.
        let ymax = curve
            .iter()
            .map(|p| p.revenue.max(p.costs()))
            .fold(100.0, f64::max)
            / 100.0
            * 1.05;
        let mut money = ChartBuilder::on(&top)
            .caption("revenue over the costs", (FONT, 14))
            .margin(10)
            .margin_right(24)
            .x_label_area_size(24)
            .y_label_area_size(66)
            .build_cartesian_2d(0f64..n as f64, 0f64..ymax)
            .map_err(err)?;
        money
            .configure_mesh()
            .y_desc("US$ per month")
            .x_label_formatter(&style::whole_tick)
            .y_label_formatter(&axis_money)
            .y_labels(6)
            .house()
            .bold_line_style(C_GRID)
            .draw()
            .map_err(err)?;
        // Bottom left: each cost line on its own, on a log scale, so that a line far smaller
        // than the others (the base infrastructure's $180) shows as plainly as the largest.
        let positive = || {
            curve
                .iter()
                .flat_map(|p| p.lines.iter().copied())
                .filter(|&c| c > 0.0)
        };
        let cmax = positive().fold(100.0, f64::max) / 100.0 * 1.6;
        let cmin = (positive().fold(f64::INFINITY, f64::min) / 100.0 / 1.6).min(cmax / 10.0);
        let mut costs = ChartBuilder::on(&bottom)
            .caption("each cost line, US$ per month (log scale)", (FONT, 14))
            .margin(10)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(66)
            .build_cartesian_2d(
                0f64..n as f64,
                (cmin..cmax)
                    .log_scale()
                    .with_key_points(one_two_five(cmin, cmax)),
            )
            .map_err(err)?;
        costs
            .configure_mesh()
            .x_desc("customers")
            .y_desc("US$ per month (log)")
            .x_label_formatter(&style::whole_tick)
            .y_label_formatter(&axis_money)
            .y_labels(6)
            .house()
            .bold_line_style(C_GRID)
            .draw()
            .map_err(err)?;
        style::begin(root, Layer::Series)?;
        let revenue: Vec<(f64, f64)> = curve
            .iter()
            .zip(&xs)
            .map(|(p, &x)| (x, dollars(p.revenue)))
            .collect();
        let stacked = |j: usize| -> Vec<(f64, f64)> {
            curve
                .iter()
                .zip(&xs)
                .map(|(p, &x)| (x, dollars(p.lines[..=j].iter().sum())))
                .collect()
        };
        let all_costs: Vec<(f64, f64)> = curve
            .iter()
            .zip(&xs)
            .map(|(p, &x)| (x, dollars(p.costs())))
            .collect();
        // Revenue in the mix is linear in the customers: drawn from its ends, it has no
        // kinks of pixel rounding.
        let revenue: Vec<(f64, f64)> = match (revenue.first(), revenue.last()) {
            (Some(&a), Some(&b)) => vec![a, b],
            _ => revenue,
        };
        let mut band = revenue.clone();
        band.extend(all_costs.iter().rev().copied());
        money
            .draw_series(std::iter::once(Polygon::new(band, C_PROFIT.filled())))
            .map_err(err)?;
        // The costs stacked, top line first; what is too thin to see here, the panel under it
        // shows line by line.
        for j in (0..self.lines.len()).rev() {
            let c = LINE_COLORS[j % LINE_COLORS.len()];
            money
                .draw_series(AreaSeries::new(stacked(j), 0.0, c.filled()))
                .map_err(err)?;
            let own: Vec<(f64, f64)> = curve
                .iter()
                .zip(&xs)
                .filter(|(p, _)| p.lines[j] > 0.0)
                .map(|(p, &x)| (x, dollars(p.lines[j])))
                .collect();
            costs
                .draw_series(LineSeries::new(own, c.stroke_width(3)))
                .map_err(err)?;
        }
        money
            .draw_series(LineSeries::new(revenue, C_REVENUE.stroke_width(2)))
            .map_err(err)?;
        style::end(root)?;
        // Right: the margin under both views.
        let mmin = self
            .expected
            .iter()
            .flatten()
            .map(Expected::margin)
            .chain(self.curves.iter().flatten().map(|p| p.fin.margin))
            .fold(0.0f64, f64::min);
        let mmin = ((mmin * 100.0 / 10.0).floor() * 10.0).max(-100.0);
        let mut margin = ChartBuilder::on(&right)
            .caption("margin under each view", (FONT, 14))
            .margin(10)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d((1f64..n as f64 * 1.25).log_scale(), mmin..100f64)
            .map_err(err)?;
        margin
            .configure_mesh()
            .x_desc("customers (log scale: 1, 2, 5, 10 apart)")
            .y_desc("margin (% of revenue)")
            .x_label_formatter(&style::whole_tick)
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .house()
            .bold_line_style(C_GRID)
            .draw()
            .map_err(err)?;
        style::begin(root, Layer::Series)?;
        let mut polylines = Vec::new();
        let mut labels = Vec::new();
        for (k, (expected, table)) in self.expected.iter().zip(&self.curves).enumerate() {
            let pts: Vec<(f64, f64)> = expected
                .iter()
                .map(|p| (p.customers as f64, p.margin() * 100.0))
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
                let p = &table[c - 1];
                let at = (c as f64, p.fin.margin * 100.0);
                margin
                    .draw_series(std::iter::once(Circle::new(at, 4, color.filled())))
                    .map_err(err)?;
                labels.push(PointLabel {
                    at: margin.backend_coord(&at),
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
            14,
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
    fn the_expected_curve_is_the_mix_in_expectation() {
        let sc = shipped("cost-model.toml");
        let e = expected_curve(&sc, 100);
        let n = sc.customers.len();
        // At whole rounds of the scenario's customers the mix is exact: the margin table's
        // figures.
        for k in [n, 2 * n, 10 * n] {
            let f = finance::with_customers(&sc, k);
            let p = &e[k - 1];
            assert!((p.revenue - f.revenue_cents as f64).abs() < 0.5, "{k}");
            assert!(
                (p.costs() - f.costs_cents as f64).abs() < 1.0,
                "{k}: {} vs {}",
                p.costs(),
                f.costs_cents
            );
        }
        // Revenue grows by the same amount each customer: no sawtooth.
        let steps: Vec<f64> = e.windows(2).map(|w| w[1].revenue - w[0].revenue).collect();
        assert!(
            steps.iter().all(|d| (d - steps[0]).abs() < 1e-6),
            "{steps:?}"
        );
        // Margins are at most 100%.
        assert!(e.iter().all(|p| p.margin() <= 1.0));
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
