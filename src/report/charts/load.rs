//! The load test's chart (`load.svg` in `orgsim load --out DIR`): onboarding latency over time,
//! with its thresholds, above the onboardings running and waiting, two panels sharing the time
//! axis (one quantity per axis).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, err, Chart, ChartError, HouseMesh, Item, Layer, Panel, Sample};
use crate::config::{loadtest::parse_threshold, Metric};
use crate::loadtest::LoadReport;

const C_P50: RGBColor = style::BLUE;
const C_P95: RGBColor = style::VERMILION;
const C_THRESHOLD: RGBColor = style::INK;
const C_FLIGHT: RGBColor = style::BLUISH_GREEN;
const C_WAIT: RGBColor = style::ORANGE;

/// The load chart's colours (checked for colour-blind readers in `style`).
#[cfg(test)]
pub(crate) const COLOURS: style::Swatches = &[
    ("p50 latency", C_P50),
    ("p95 latency", C_P95),
    ("thresholds", C_THRESHOLD),
    ("running", C_FLIGHT),
    ("waiting", C_WAIT),
];

const W: u32 = 1000;

/// Corrected onboarding latency (p50, p95) of the onboardings completing in each interval with
/// the onboarding thresholds; under it, the onboardings running and waiting at each interval's
/// end; against the test's time (SVG).
pub fn latency_svg(r: &LoadReport) -> String {
    style::svg(&LoadChart(r))
}

/// The load test's chart.
pub struct LoadChart<'a>(pub &'a LoadReport);

impl LoadChart<'_> {
    /// The onboarding-latency thresholds, as (limit in seconds, their text), and the others'
    /// texts with their status (not drawn on either axis: said in the legend).
    fn thresholds(&self) -> (Vec<(f64, String)>, Vec<String>) {
        let (mut lines, mut notes) = (Vec::new(), Vec::new());
        for t in &self.0.thresholds {
            match parse_threshold(&t.threshold) {
                Ok(th) if matches!(th.metric, Metric::Onboarding(_)) => {
                    lines.push((th.value / 1000.0, t.threshold.clone()))
                }
                _ => notes.push(format!(
                    "{}: {} {}",
                    t.threshold,
                    t.shown,
                    t.status.as_str()
                )),
            }
        }
        (lines, notes)
    }
}

impl Chart for LoadChart<'_> {
    fn size(&self) -> (u32, u32) {
        (W, 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let r = self.0;
        let (limits, notes) = self.thresholds();
        let mut items = vec![
            Item::new(Sample::LineDot(C_P50, 2), "p50 latency"),
            Item::new(Sample::LineDot(C_P95, 2), "p95 latency"),
        ];
        if !limits.is_empty() {
            items.push(Item::new(Sample::Dashed(C_THRESHOLD, 2), "threshold"));
        }
        items.push(Item::new(Sample::LineDot(C_FLIGHT, 2), "running"));
        items.push(Item::new(Sample::LineDot(C_WAIT, 2), "waiting for a slot"));
        for n in notes {
            items.push(Item::new(Sample::Note(style::GREY_DARK), n));
        }
        let body = style::frame(
            root,
            &format!(
                "{} · onboarding latency over time ({} backend, {} arrivals)",
                r.scenario, r.backend, r.onboardings
            ),
            &items,
        )?;
        let b = &r.over_time;
        let t_end = b.last().map(|b| b.to_s).unwrap_or(1.0).max(1.0);
        // Minutes when the test runs that long, else seconds.
        let (unit, div) = if t_end >= 300.0 {
            ("min", 60.0)
        } else {
            ("s", 1.0)
        };
        let lat_max = b
            .iter()
            .filter_map(|b| b.p95_s)
            .chain(limits.iter().map(|l| l.0))
            .map(|p| p / div)
            .fold(0.0f64, f64::max);
        let y_max = if lat_max > 0.0 { lat_max * 1.12 } else { 1.0 };
        let n_max = b
            .iter()
            .map(|b| b.running.max(b.waiting) as f64)
            .fold(1.0f64, f64::max)
            * 1.12;
        let (_, h) = body.dim_in_pixel();
        let (top, bottom) = body.split_vertically(h * 58 / 100);
        let xr = 0f64..t_end / div;
        let mut lat = ChartBuilder::on(&top)
            .margin(16)
            .margin_top(4)
            .margin_bottom(4)
            .x_label_area_size(24)
            .y_label_area_size(60)
            .build_cartesian_2d(xr.clone(), 0f64..y_max)
            .map_err(err)?;
        lat.configure_mesh()
            .y_desc(format!("corrected latency ({unit})"))
            .x_label_formatter(&style::tick)
            .y_label_formatter(&style::tick)
            .house()
            .draw()
            .map_err(err)?;
        let mut counts = ChartBuilder::on(&bottom)
            .margin(16)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(xr, 0f64..n_max)
            .map_err(err)?;
        counts
            .configure_mesh()
            .x_desc(format!("time since the first arrival could start ({unit})"))
            .y_desc("onboardings")
            .x_label_formatter(&style::tick)
            .y_label_formatter(&style::whole_tick)
            .house()
            .draw()
            .map_err(err)?;
        let mid = |b: &crate::loadtest::Interval| (b.from_s + b.to_s) / 2.0 / div;
        // Intervals where an onboarding completed carry latency points: (middle, p50, p95).
        let done: Vec<(f64, f64, f64)> = b
            .iter()
            .filter_map(|b| Some((mid(b), b.p50_s? / div, b.p95_s? / div)))
            .collect();
        style::begin(root, Layer::Series)?;
        for (limit, text) in &limits {
            style::reference_line(
                &mut lat,
                limit / div,
                C_THRESHOLD,
                text,
                style::LabelAt::RightAbove,
            )?;
        }
        for (pts, c) in [
            (
                done.iter().map(|&(x, p50, _)| (x, p50)).collect::<Vec<_>>(),
                C_P50,
            ),
            (done.iter().map(|&(x, _, p95)| (x, p95)).collect(), C_P95),
        ] {
            line_dots(&mut lat, pts, c)?;
        }
        // Counts at each interval's end: whole numbers, points joined by steps.
        for (f, c) in [
            (
                (|b: &crate::loadtest::Interval| b.running) as fn(&_) -> usize,
                C_FLIGHT,
            ),
            (|b: &crate::loadtest::Interval| b.waiting, C_WAIT),
        ] {
            let pts: Vec<(f64, f64)> = b.iter().map(|b| (b.to_s / div, f(b) as f64)).collect();
            let mut steps = Vec::with_capacity(2 * pts.len() + 1);
            let mut last = (0.0, 0.0);
            for &(x, y) in &pts {
                steps.push((last.0, y));
                steps.push((x, y));
                last = (x, y);
            }
            counts
                .draw_series(LineSeries::new(steps, c.stroke_width(2)))
                .map_err(err)?;
            counts
                .draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))
                .map_err(err)?;
        }
        style::end(root)
    }
}

/// A line with a dot at each sample.
fn line_dots<DB: DrawingBackend>(
    chart: &mut Panel<'_, DB>,
    pts: Vec<(f64, f64)>,
    c: RGBColor,
) -> Result<(), ChartError> {
    chart
        .draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))
        .map_err(err)?;
    chart
        .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, c.filled())))
        .map_err(err)?;
    Ok(())
}
