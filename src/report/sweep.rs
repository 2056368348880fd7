//! Sweep output: the terminal table and the Markdown summary.

use std::fmt::Write as _;

use crate::sweep::SweepReport;

fn min(s: f64) -> String {
    format!("{:.1}", s / 60.0)
}

fn deployer(r: &SweepReport) -> &'static str {
    r.deployer.map(|d| d.as_str()).unwrap_or("unrecorded")
}

/// The terminal table.
pub fn text(r: &SweepReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "orgsim sweep · {} · seed {} · {} replication(s) per count · deployer {} · parallelism {} · account quota {}{}",
        r.scenario,
        r.seed,
        r.replications,
        deployer(r),
        r.parallelism,
        r.account_quota,
        if r.complete { "" } else { " · INTERRUPTED (partial)" }
    );
    let _ = writeln!(
        o,
        "\n  makespan in minutes; counts as mean/p95 per replication\n"
    );
    let _ = writeln!(
        o,
        "{:>9} {:>5} │ {:>6} {:>6} {:>6} {:>6} {:>6} │ {:>11} {:>11} {:>11} │ {:>7} {:>8} {:>7}",
        "customers",
        "reps",
        "p50",
        "p90",
        "p95",
        "p99",
        "max",
        "calls",
        "throttled",
        "conflicts",
        "P(fail)",
        "acct/min",
        "margin"
    );
    for c in &r.counts {
        let m = &c.makespan_s;
        let mp = |x: &crate::stats::MeanP95| format!("{:.1}/{}", x.mean, x.p95);
        let _ = writeln!(
            o,
            "{:>9} {:>5} │ {:>6} {:>6} {:>6} {:>6} {:>6} │ {:>11} {:>11} {:>11} │ {:>7.3} {:>8.2} {:>6.1}%",
            c.customers,
            c.replications,
            min(m.p50),
            min(m.p90),
            min(m.p95),
            min(m.p99),
            min(m.max),
            mp(&c.calls),
            mp(&c.throttled),
            mp(&c.conflicts),
            c.failure_probability,
            c.accounts_per_minute,
            c.margin * 100.0
        );
    }
    o
}

/// A Markdown summary a CI job can post.
pub fn markdown(r: &SweepReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## orgsim sweep: {}\n", r.scenario);
    let _ = writeln!(
        o,
        "Seed {} · {} replication(s) per count · deployer {} · parallelism {} · account quota {}{}\n",
        r.seed,
        r.replications,
        deployer(r),
        r.parallelism,
        r.account_quota,
        if r.complete {
            ""
        } else {
            " · **interrupted: partial results**"
        }
    );
    let _ = writeln!(
        o,
        "| customers | reps | makespan p50 (min) | p95 (min) | p99 (min) | throttled (mean) | conflicts (mean) | P(any failure) | accounts/min | margin |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for c in &r.counts {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {:.1} | {:.1} | {:.3} | {:.2} | {:.1}% |",
            c.customers,
            c.replications,
            min(c.makespan_s.p50),
            min(c.makespan_s.p95),
            min(c.makespan_s.p99),
            c.throttled.mean,
            c.conflicts.mean,
            c.failure_probability,
            c.accounts_per_minute,
            c.margin * 100.0
        );
    }
    o
}

// ---------------------------------------------------------------------------------------------
// Charts (plotters, SVG): makespan and conflicts against the customer count.

use plotters::prelude::*;

const C_BAND: RGBColor = style::BLUE_LIGHT;
const C_P50: RGBColor = style::BLUE_DARK;
const C_P95: RGBColor = style::BLUE;
const C_MAX: RGBColor = style::GREY;
const C_CONF: RGBColor = style::RED;
const C_THR: RGBColor = style::ORANGE;
const C_UNRES: RGBColor = style::PURPLE_DARK;
const C_FAIL: RGBColor = style::INK;

use super::charts::style::{
    self, err, error_svg, legend_box, legend_line, series_labels, ChartError, FONT,
};

fn x_range(r: &SweepReport) -> std::ops::Range<f64> {
    let lo = r.counts.first().map(|c| c.customers as f64).unwrap_or(0.0);
    let hi = r.counts.last().map(|c| c.customers as f64).unwrap_or(1.0);
    let pad = ((hi - lo) * 0.03).max(0.5);
    (lo - pad).max(0.0)..hi + pad
}

/// Makespan against customers: the p50 line in a p5–p95 band, with p95 and max.
pub fn makespan_svg(r: &SweepReport) -> String {
    draw_makespan(r).unwrap_or_else(|e| error_svg(&e))
}

fn draw_makespan(r: &SweepReport) -> Result<String, ChartError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (1000, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let ymax = r
            .counts
            .iter()
            .map(|c| c.makespan_s.max / 60.0)
            .fold(1.0f64, f64::max)
            * 1.08;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "{} · deployment time vs customers ({} replications each, parallelism {})",
                    r.scenario, r.replications, r.parallelism
                ),
                (FONT, 16),
            )
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(x_range(r), 0f64..ymax)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("customers deployed at once")
            .y_desc("makespan (minutes)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(WHITE)
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        let pts = |f: &dyn Fn(&crate::sweep::CountSummary) -> f64| -> Vec<(f64, f64)> {
            r.counts
                .iter()
                .map(|c| (c.customers as f64, f(c) / 60.0))
                .collect()
        };
        let p5 = pts(&|c| c.makespan_s.p5);
        let p95 = pts(&|c| c.makespan_s.p95);
        let mut band: Vec<(f64, f64)> = p95.clone();
        band.extend(p5.iter().rev().copied());
        chart
            .draw_series(std::iter::once(Polygon::new(
                band,
                C_BAND.mix(0.8).filled(),
            )))
            .map_err(err)?
            .label("p5–p95 band")
            .legend(legend_box(C_BAND));
        chart
            .draw_series(LineSeries::new(
                pts(&|c| c.makespan_s.max),
                C_MAX.stroke_width(1),
            ))
            .map_err(err)?
            .label("max")
            .legend(legend_line(C_MAX, 1));
        chart
            .draw_series(LineSeries::new(p95.clone(), C_P95.stroke_width(1)))
            .map_err(err)?
            .label("p95")
            .legend(legend_line(C_P95, 1));
        let p50 = pts(&|c| c.makespan_s.p50);
        chart
            .draw_series(LineSeries::new(p50.clone(), C_P50.stroke_width(3)))
            .map_err(err)?
            .label("p50 (median)")
            .legend(legend_line(C_P50, 3));
        chart
            .draw_series(
                p50.iter()
                    .map(|&(x, y)| Circle::new((x, y), 3, C_P50.filled())),
            )
            .map_err(err)?;
        series_labels(&mut chart, SeriesLabelPosition::UpperLeft, C_MAX)?;
        root.present().map_err(err)?;
    }
    buf.push('\n');
    Ok(buf)
}

/// Conflicts against customers: mean conflicts, throttled calls and unresolved conflicts per
/// deployment, and the probability that any resource fails (right axis).
pub fn conflicts_svg(r: &SweepReport) -> String {
    draw_conflicts(r).unwrap_or_else(|e| error_svg(&e))
}

fn draw_conflicts(r: &SweepReport) -> Result<String, ChartError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (1000, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let ymax = r
            .counts
            .iter()
            .map(|c| c.conflicts.p95 as f64)
            .fold(1.0f64, f64::max)
            * 1.08;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "{} · conflicts per deployment vs customers ({} replications each)",
                    r.scenario, r.replications
                ),
                (FONT, 16),
            )
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .right_y_label_area_size(56)
            .build_cartesian_2d(x_range(r), 0f64..ymax)
            .map_err(err)?
            .set_secondary_coord(x_range(r), 0f64..1.05f64);
        chart
            .configure_mesh()
            .x_desc("customers deployed at once")
            .y_desc("per deployment (mean; p95 dashed)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(WHITE)
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        chart
            .configure_secondary_axes()
            .y_desc("P(any resource fails)")
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        type Metric<'a> = &'a dyn Fn(&crate::sweep::CountSummary) -> f64;
        let series: [(&str, RGBColor, Metric); 3] = [
            ("conflicts", C_CONF, &|c| c.conflicts.mean),
            ("throttled calls", C_THR, &|c| c.throttled.mean),
            ("unresolved conflicts", C_UNRES, &|c| {
                c.unresolved_conflicts.mean
            }),
        ];
        for (name, color, f) in series {
            let pts: Vec<(f64, f64)> = r
                .counts
                .iter()
                .map(|c| (c.customers as f64, f(c)))
                .collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                .map_err(err)?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            chart
                .draw_series(
                    pts.iter()
                        .map(|&(x, y)| Circle::new((x, y), 3, color.filled())),
                )
                .map_err(err)?;
        }
        let p95: Vec<(f64, f64)> = r
            .counts
            .iter()
            .map(|c| (c.customers as f64, c.conflicts.p95 as f64))
            .collect();
        chart
            .draw_series(DashedLineSeries::new(p95, 6, 4, C_CONF.stroke_width(1)))
            .map_err(err)?
            .label("conflicts p95")
            .legend(legend_line(C_CONF, 1));
        let fail: Vec<(f64, f64)> = r
            .counts
            .iter()
            .map(|c| (c.customers as f64, c.failure_probability))
            .collect();
        chart
            .draw_secondary_series(LineSeries::new(fail, C_FAIL.stroke_width(2)))
            .map_err(err)?
            .label("P(any resource fails), right axis")
            .legend(legend_line(C_FAIL, 2));
        series_labels(&mut chart, SeriesLabelPosition::LowerRight, C_MAX)?;
        root.present().map_err(err)?;
    }
    buf.push('\n');
    Ok(buf)
}
