//! `sweep`'s two charts ([`Chart`]s, drawn as SVG or PNG): the makespan's percentiles and the
//! conflicts against the customer count.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, err, Chart, ChartError, HouseMesh, Item, Layer, Sample, FONT};
use crate::sweep::{CountSummary, SweepReport};

const C_BAND: RGBColor = style::SKY_BLUE_LIGHT;
const C_P50: RGBColor = style::BLUE;
const C_P95: RGBColor = style::VERMILION;
const C_MAX: RGBColor = style::GREY_DARK;
const C_THR: RGBColor = style::SKY_BLUE_LIGHT;
const C_CONF: RGBColor = style::VERMILION;
const C_FAIL: RGBColor = style::INK;
const C_CLAIM: RGBColor = style::INK;
const C_UNRES: RGBColor = style::REDDISH_PURPLE;

/// The makespan chart's colours (checked for colour-blind readers in `style`).
#[cfg(test)]
pub(crate) const MAKESPAN_COLOURS: style::Swatches = &[
    ("p5–p95 band", C_BAND),
    ("p50", C_P50),
    ("p95", C_P95),
    ("max", C_MAX),
    ("the 10-minute claim", C_CLAIM),
];

/// The conflicts chart's colours.
#[cfg(test)]
pub(crate) const CONFLICTS_COLOURS: style::Swatches = &[
    ("throttled calls", C_THR),
    ("conflicts (mean; p95 as triangles)", C_CONF),
    ("P(any resource fails)", C_FAIL),
    ("unresolved conflicts", C_UNRES),
];

const W: u32 = 1000;

/// The brief's claim the makespan answers: every deployment within 10 minutes.
const CLAIM_MINUTES: f64 = 10.0;

/// Customer counts are whole: ticks between them get no label.
fn count_label(v: &f64) -> String {
    style::whole_tick(v)
}

fn x_range(r: &SweepReport) -> std::ops::Range<f64> {
    let lo = r.counts.first().map(|c| c.customers as f64).unwrap_or(0.0);
    let hi = r.counts.last().map(|c| c.customers as f64).unwrap_or(1.0);
    let pad = ((hi - lo) * 0.04).max(0.6);
    (lo - pad).max(0.0)..hi + pad
}

/// Makespan against customers: the p50 line in a p5–p95 band, with p95 and max (SVG).
pub fn makespan_svg(r: &SweepReport) -> String {
    style::svg(&MakespanChart(r))
}

/// Conflicts against customers (SVG): see [`ConflictsChart`].
pub fn conflicts_svg(r: &SweepReport) -> String {
    style::svg(&ConflictsChart(r))
}

/// Makespan against customers, with the brief's 10-minute claim.
pub struct MakespanChart<'a>(pub &'a SweepReport);

impl Chart for MakespanChart<'_> {
    fn size(&self) -> (u32, u32) {
        (W, 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let r = self.0;
        let items = [
            Item::new(Sample::Box(C_BAND), "p5–p95 band"),
            Item::new(Sample::LineDot(C_P50, 3), "p50 (median)"),
            Item::new(Sample::LineDot(C_P95, 3), "p95"),
            Item::new(Sample::Line(C_MAX, 2), "max"),
            Item::new(Sample::Dashed(C_CLAIM, 2), "the brief's claim"),
        ];
        let body = style::frame(
            root,
            &format!(
                "{} · deployment time vs customers ({} replications each, parallelism {})",
                r.scenario, r.replications, r.parallelism
            ),
            &items,
        )?;
        let ymax = r
            .counts
            .iter()
            .map(|c| c.makespan_s.max / 60.0)
            .fold(CLAIM_MINUTES, f64::max)
            * 1.08;
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(x_range(r), 0f64..ymax)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("customers deployed at once")
            .y_desc("makespan (minutes)")
            .x_label_formatter(&count_label)
            .y_label_formatter(&style::tick)
            .house()
            .draw()
            .map_err(err)?;
        let pts = |f: &dyn Fn(&CountSummary) -> f64| -> Vec<(f64, f64)> {
            r.counts
                .iter()
                .map(|c| (c.customers as f64, f(c) / 60.0))
                .collect()
        };
        style::begin(root, Layer::Series)?;
        let p5 = pts(&|c| c.makespan_s.p5);
        let p95 = pts(&|c| c.makespan_s.p95);
        let mut band: Vec<(f64, f64)> = p95.clone();
        band.extend(p5.iter().rev().copied());
        chart
            .draw_series(std::iter::once(Polygon::new(band, C_BAND.filled())))
            .map_err(err)?;
        style::reference_line(
            &mut chart,
            CLAIM_MINUTES,
            C_CLAIM,
            "the brief's claim: every deployment within 10 minutes",
            style::LabelAt::RightAbove,
        )?;
        for (line, c) in [(p95, C_P95), (pts(&|c| c.makespan_s.p50), C_P50)] {
            chart
                .draw_series(LineSeries::new(line.clone(), c.stroke_width(3)))
                .map_err(err)?;
            chart
                .draw_series(line.iter().map(|&p| Circle::new(p, 4, c.filled())))
                .map_err(err)?;
        }
        // The max on top: where it meets the p95 (few replications), the p95's dots still show.
        chart
            .draw_series(LineSeries::new(
                pts(&|c| c.makespan_s.max),
                C_MAX.stroke_width(2),
            ))
            .map_err(err)?;
        style::end(root)
    }
}

/// Conflicts against customers, in three panels, one quantity each. Left: throttled calls per
/// deployment (bars) and conflicts per deployment (mean, and the p95 as triangles), most of
/// which are those throttles. Right, what was not absorbed: P(any resource fails) in %, and
/// under it unresolved conflicts per deployment.
pub struct ConflictsChart<'a>(pub &'a SweepReport);

impl Chart for ConflictsChart<'_> {
    fn size(&self) -> (u32, u32) {
        (W, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let r = self.0;
        let items = [
            Item::new(Sample::Box(C_THR), "throttled calls (mean)"),
            Item::new(Sample::LineDot(C_CONF, 2), "conflicts (mean)"),
            Item::new(Sample::Triangle(C_CONF), "conflicts (p95)"),
            Item::new(Sample::LineDot(C_FAIL, 2), "P(any resource fails)"),
            Item::new(Sample::LineDot(C_UNRES, 2), "unresolved conflicts (mean)"),
        ];
        let body = style::frame(
            root,
            &format!(
                "{} · conflicts and failures per deployment vs customers ({} replications each)",
                r.scenario, r.replications
            ),
            &items,
        )?;
        let (left, right) = body.split_horizontally(W / 2);
        let (_, h) = right.dim_in_pixel();
        let (fail_area, unres_area) = right.split_vertically(h / 2);
        let ymax = r
            .counts
            .iter()
            .map(|c| (c.conflicts.p95 as f64).max(c.throttled.mean))
            .fold(1.0f64, f64::max)
            * 1.08;
        let mut chart = ChartBuilder::on(&left)
            .caption("absorbed by retries", (FONT, 14))
            .margin(12)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(x_range(r), 0f64..ymax)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("customers deployed at once")
            .y_desc("calls per deployment")
            .x_label_formatter(&count_label)
            .y_label_formatter(&style::tick)
            .house()
            .draw()
            .map_err(err)?;
        let xs = x_range(r);
        let half = if r.counts.len() > 1 {
            (xs.end - xs.start) / r.counts.len() as f64 * 0.3
        } else {
            0.3
        };
        let pts = |f: &dyn Fn(&CountSummary) -> f64| -> Vec<(f64, f64)> {
            r.counts
                .iter()
                .map(|c| (c.customers as f64, f(c)))
                .collect()
        };
        style::begin(root, Layer::Series)?;
        chart
            .draw_series(r.counts.iter().map(|c| {
                let x = c.customers as f64;
                Rectangle::new(
                    [(x - half, 0.0), (x + half, c.throttled.mean)],
                    C_THR.filled(),
                )
            }))
            .map_err(err)?;
        let mean = pts(&|c| c.conflicts.mean);
        chart
            .draw_series(LineSeries::new(mean.clone(), C_CONF.stroke_width(2)))
            .map_err(err)?;
        chart
            .draw_series(
                mean.iter()
                    .map(|&(x, y)| Circle::new((x, y), 3, C_CONF.filled())),
            )
            .map_err(err)?;
        // The p95 is a whole number of conflicts: a point per count, no line between them.
        chart
            .draw_series(
                pts(&|c| c.conflicts.p95 as f64)
                    .into_iter()
                    .map(|p| TriangleMarker::new(p, 6, C_CONF.filled())),
            )
            .map_err(err)?;
        style::end(root)?;
        let mut fail = ChartBuilder::on(&fail_area)
            .caption("not absorbed", (FONT, 14))
            .margin(12)
            .margin_top(4)
            .x_label_area_size(24)
            .y_label_area_size(56)
            .build_cartesian_2d(x_range(r), 0f64..105f64)
            .map_err(err)?;
        fail.configure_mesh()
            .y_desc("P(any resource fails) (%)")
            .y_labels(6)
            .x_label_formatter(&count_label)
            .y_label_formatter(&style::percent_tick)
            .house()
            .draw()
            .map_err(err)?;
        let umax = r
            .counts
            .iter()
            .map(|c| c.unresolved_conflicts.mean)
            .fold(1.0f64, f64::max)
            * 1.1;
        let mut unres = ChartBuilder::on(&unres_area)
            .margin(12)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(x_range(r), 0f64..umax)
            .map_err(err)?;
        unres
            .configure_mesh()
            .x_desc("customers deployed at once")
            .y_desc("unresolved conflicts per deployment")
            .x_label_formatter(&count_label)
            .y_label_formatter(&style::tick)
            .house()
            .draw()
            .map_err(err)?;
        style::begin(root, Layer::Series)?;
        let p = pts(&|c| 100.0 * c.failure_probability);
        fail.draw_series(LineSeries::new(p.clone(), C_FAIL.stroke_width(2)))
            .map_err(err)?;
        fail.draw_series(
            p.iter()
                .map(|&(x, y)| Circle::new((x, y), 3, C_FAIL.filled())),
        )
        .map_err(err)?;
        let u = pts(&|c| c.unresolved_conflicts.mean);
        unres
            .draw_series(LineSeries::new(u.clone(), C_UNRES.stroke_width(2)))
            .map_err(err)?;
        unres
            .draw_series(
                u.iter()
                    .map(|&(x, y)| Circle::new((x, y), 3, C_UNRES.filled())),
            )
            .map_err(err)?;
        style::end(root)
    }
}
