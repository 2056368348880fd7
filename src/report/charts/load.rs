//! The load test's chart (`load.svg` in `orgsim load --out DIR`): onboarding latency over time,
//! with the onboardings running and waiting.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, err, Chart, ChartError, Item, Layer, Sample, FONT};
use crate::loadtest::LoadReport;

const C_P50: RGBColor = style::BLUE;
const C_P95: RGBColor = style::VERMILION;
const C_FLIGHT: RGBColor = style::BLUISH_GREEN;
const C_WAIT: RGBColor = style::ORANGE;

/// The load chart's colours (checked for colour-blind readers in `style`).
#[cfg(test)]
pub(crate) const COLOURS: style::Swatches = &[
    ("p50 latency", C_P50),
    ("p95 latency", C_P95),
    ("running", C_FLIGHT),
    ("waiting", C_WAIT),
];

const W: u32 = 1000;

/// Corrected onboarding latency (p50, p95) of the onboardings completing in each interval, and
/// the onboardings running and waiting at its end (right axis), against the test's time (SVG).
pub fn latency_svg(r: &LoadReport) -> String {
    style::svg(&LoadChart(r))
}

/// The load test's chart.
pub struct LoadChart<'a>(pub &'a LoadReport);

impl Chart for LoadChart<'_> {
    fn size(&self) -> (u32, u32) {
        (W, 540)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let r = self.0;
        let items = [
            Item::new(Sample::LineDot(C_P50, 3), "p50 latency"),
            Item::new(Sample::Line(C_P95, 1), "p95 latency"),
            Item::new(Sample::Line(C_FLIGHT, 1), "running (right axis)"),
            Item::new(Sample::Dashed(C_WAIT, 2), "waiting for a slot (right axis)"),
        ];
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
            .map(|p| p / div)
            .fold(0.0f64, f64::max);
        let y_max = if lat_max > 0.0 { lat_max * 1.1 } else { 1.0 };
        let n_max = b
            .iter()
            .map(|b| (b.running + b.waiting) as f64)
            .fold(1.0f64, f64::max)
            * 1.1;
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .right_y_label_area_size(60)
            .build_cartesian_2d(0f64..t_end / div, 0f64..y_max)
            .map_err(err)?
            .set_secondary_coord(0f64..t_end / div, 0f64..n_max);
        chart
            .configure_mesh()
            .x_desc(format!("time since the first arrival could start ({unit})"))
            .y_desc(format!("corrected onboarding latency ({unit})"))
            .light_line_style(WHITE)
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        chart
            .configure_secondary_axes()
            .y_desc("onboardings running / waiting")
            .y_label_formatter(&|v| {
                if (v - v.round()).abs() < 1e-6 {
                    format!("{v:.0}")
                } else {
                    String::new()
                }
            })
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        let mid = |b: &crate::loadtest::Interval| (b.from_s + b.to_s) / 2.0 / div;
        // Intervals where an onboarding completed carry latency points: (middle, p50, p95).
        let done: Vec<(f64, f64, f64)> = b
            .iter()
            .filter_map(|b| Some((mid(b), b.p50_s? / div, b.p95_s? / div)))
            .collect();
        style::begin(root, Layer::Series)?;
        chart
            .draw_secondary_series(LineSeries::new(
                b.iter().map(|b| (mid(b), b.running as f64)),
                C_FLIGHT.stroke_width(1),
            ))
            .map_err(err)?;
        chart
            .draw_secondary_series(DashedLineSeries::new(
                b.iter().map(|b| (mid(b), b.waiting as f64)),
                style::DASH.0,
                style::DASH.1,
                C_WAIT.stroke_width(2),
            ))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                done.iter().map(|&(x, _, p95)| (x, p95)),
                C_P95.stroke_width(1),
            ))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                done.iter().map(|&(x, p50, _)| (x, p50)),
                C_P50.stroke_width(3),
            ))
            .map_err(err)?;
        chart
            .draw_series(
                done.iter()
                    .map(|&(x, p50, _)| Circle::new((x, p50), 3, C_P50.filled())),
            )
            .map_err(err)?;
        style::end(root)
    }
}
