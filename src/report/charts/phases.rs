//! `phases`'s chart ([`Chart`], drawn as SVG or PNG): for each phase, the share of
//! replications in which each of its claims held, against the share it had to hold in.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, err, Chart, ChartError, HouseMesh, Item, Layer, Sample, FONT};
use crate::phases::PhasesReport;

const C_PASS: RGBColor = style::BLUISH_GREEN;
const C_FAIL: RGBColor = style::VERMILION;
const C_NEED: RGBColor = style::INK;

/// The phases chart's colours (checked for colour-blind readers in `style`).
#[cfg(test)]
pub(crate) const COLOURS: style::Swatches = &[
    ("held (PASS)", C_PASS),
    ("held (FAIL)", C_FAIL),
    ("share needed", C_NEED),
];

/// Each claim's held share, one group of bars per phase (SVG).
pub fn phases_svg(r: &PhasesReport) -> String {
    style::svg(&PhasesChart(r))
}

/// `phases`'s chart.
pub struct PhasesChart<'a>(pub &'a PhasesReport);

impl PhasesChart<'_> {
    /// (phase index, claim, held share, needed share, passed), in order.
    fn bars(&self) -> Vec<(usize, &'static str, f64, f64, bool)> {
        let mut out = Vec::new();
        for (i, p) in self.0.phases.iter().enumerate() {
            for s in &p.statements {
                out.push((i, s.claim, s.held_share, s.confidence, s.status.is_pass()));
            }
        }
        out
    }
}

impl Chart for PhasesChart<'_> {
    fn size(&self) -> (u32, u32) {
        let n = self.bars().len().max(1) as u32;
        (1000, 140 + 26 * n + 24 * self.0.phases.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let r = self.0;
        // A legend entry only for what is drawn: no "FAIL" box when every claim passed.
        let bars = self.bars();
        let mut items = Vec::new();
        if bars.iter().any(|b| b.4) {
            items.push(Item::new(Sample::Box(C_PASS), "held (PASS)"));
        }
        if bars.iter().any(|b| !b.4) {
            items.push(Item::new(Sample::Box(C_FAIL), "held (FAIL)"));
        }
        items.push(Item::new(Sample::Tick(C_NEED), "share needed"));
        let body = style::frame(
            root,
            &format!(
                "{} · share of {} replications each claim held in, by phase",
                r.scenario, r.replications
            ),
            &items,
        )?;
        // One row per claim, a blank row between phases.
        let mut rows: Vec<(f64, String)> = Vec::new();
        let mut y = 0.0;
        let mut placed = Vec::new();
        let mut last_phase = None;
        for &(i, claim, held, need, pass) in &bars {
            if last_phase.is_some_and(|l| l != i) {
                y += 1.0;
            }
            last_phase = Some(i);
            rows.push((y, format!("{} · {claim}", r.phases[i].name)));
            placed.push((y, held, need, pass));
            y += 1.0;
        }
        let n = y.max(1.0);
        let labels = rows.clone();
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .margin_top(4)
            .x_label_area_size(40)
            .y_label_area_size(260)
            .build_cartesian_2d(0f64..100.0, n..-0.5f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc("replications in which the claim held (%)")
            .x_label_formatter(&|v| format!("{}%", style::tick(v)))
            .house()
            .draw()
            .map_err(err)?;
        // The row labels, each at its bar.
        let area = chart.plotting_area().clone();
        let (x0, _) = area.get_pixel_range();
        for (y, text) in &labels {
            let (_, py) = area.map_coordinate(&(0.0, *y + 0.0));
            root.draw(&Text::new(
                text.clone(),
                (x0.start - 8, py),
                (FONT, 14).into_font().color(&style::INK).pos(
                    plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Right,
                        plotters::style::text_anchor::VPos::Center,
                    ),
                ),
            ))
            .map_err(err)?;
        }
        style::begin(root, Layer::Series)?;
        for &(y, held, need, pass) in &placed {
            let c = if pass { C_PASS } else { C_FAIL };
            chart
                .draw_series([Rectangle::new(
                    [(0.0, y - 0.35), (held * 100.0, y + 0.35)],
                    c.filled(),
                )])
                .map_err(err)?;
            // A short bar (a claim that held rarely or never) says its share beside it.
            if held < 0.8 {
                chart
                    .draw_series([Text::new(
                        format!("{:.0}%{}", held * 100.0, if pass { "" } else { " (FAIL)" }),
                        (held * 100.0 + 1.0, y),
                        (FONT, 14).into_font().color(&c).pos(
                            plotters::style::text_anchor::Pos::new(
                                plotters::style::text_anchor::HPos::Left,
                                plotters::style::text_anchor::VPos::Center,
                            ),
                        ),
                    )])
                    .map_err(err)?;
            }
            chart
                .draw_series(LineSeries::new(
                    [(need * 100.0, y - 0.45), (need * 100.0, y + 0.45)],
                    C_NEED.stroke_width(2),
                ))
                .map_err(err)?;
        }
        style::end(root)
    }
}
