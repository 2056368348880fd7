//! The margin chart: revenue, costs stacked by line, profit and margin across customer counts
//! 1..N, in two panels: the seed's view (base infrastructure only) and the scenario's model;
//! and the margin table.

use std::fmt::Write as _;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, clip, err, error_svg, ChartError, FONT, WIDTH};
use crate::finance::{self, fmt_margin_fine, fmt_money, CostView, MarginPoint};
use crate::scenario::Scenario;

const LINE_COLORS: [RGBColor; 8] = style::AREA_FILLS;
const C_REVENUE: RGBColor = style::INK_SOFT;
const C_PROFIT: RGBColor = style::GREEN;
const C_MARGIN: RGBColor = style::PURPLE;
const C_GRID: RGBColor = style::GREY_LIGHT;

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

fn draw_margin(sc: &Scenario) -> Result<String, ChartError> {
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
    use crate::scenario;

    fn shipped(name: &str) -> Scenario {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name);
        scenario::read(&p).unwrap()
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
