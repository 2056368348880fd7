//! The tornado chart of `orgsim sensitivity`: one bar per key, ranked (the key that moves the
//! p95 makespan most on top), from the figure at the low end of its range to the figure at the
//! high end, around a line at the scenario's values; left the p95 makespan (minutes), right
//! P(any resource fails), both at the largest customer count.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, err, Chart, ChartError, HouseMesh, Item, Layer, Sample, FONT};
use crate::sensitivity::{fmt_value, Figures, SensitivityReport};

const C_LOW: RGBColor = style::BLUE;
const C_HIGH: RGBColor = style::ORANGE;
const C_BASE: RGBColor = style::INK;

/// The tornado chart's colours (checked for colour-blind readers in `style`).
#[cfg(test)]
pub(crate) const COLOURS: style::Swatches = &[
    ("low end", C_LOW),
    ("high end", C_HIGH),
    ("the scenario's values", C_BASE),
];
const ROW: u32 = 30;
const LABELS: u32 = 400;

/// The tornado chart of a sensitivity report.
pub struct TornadoChart<'a>(pub &'a SensitivityReport);

impl TornadoChart<'_> {
    fn last(&self) -> usize {
        self.0.counts.len().saturating_sub(1)
    }

    /// The figure `f` at key `k`'s value `v` (the base's when `v` is the base).
    fn at(&self, k: usize, v: f64, f: fn(&Figures) -> f64) -> f64 {
        let key = &self.0.keys[k];
        key.values
            .iter()
            .find(|x| x.value == v)
            .map(|x| f(&x.figures[self.last()]))
            .unwrap_or_else(|| f(&self.0.base[self.last()]))
    }
}

impl Chart for TornadoChart<'_> {
    fn size(&self) -> (u32, u32) {
        (
            style::WIDTH,
            150 + ROW * self.0.keys.len().max(1) as u32 + 60,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let r = self.0;
        let n = r.counts.last().copied().unwrap_or(0);
        let items = [
            Item::new(Sample::Box(C_LOW), "low end of the key's range"),
            Item::new(Sample::Box(C_HIGH), "high end of the key's range"),
            Item::new(Sample::Line(C_BASE, 2), "the scenario's values"),
        ];
        let body = style::frame(
            root,
            &format!(
                "{} · what moves the answer at {n} customers ({} replications a point, one key at a time)",
                r.scenario, r.replications
            ),
            &items,
        )?;
        let (labels, plots) = body.split_horizontally(LABELS);
        let (pw, _) = plots.dim_in_pixel();
        let (left, right) = plots.split_horizontally(pw / 2);
        let rows = r.keys.len().max(1) as f64;
        let panel = |area: &DrawingArea<DB, Shift>,
                     caption: &str,
                     desc: &str,
                     f: fn(&Figures) -> f64,
                     scale: f64|
         -> Result<(), ChartError> {
            let base = f(&r.base[self.last()]) * scale;
            let mut lo = base;
            let mut hi = base;
            for (k, key) in r.keys.iter().enumerate() {
                for v in [key.design.low, key.design.high] {
                    let x = self.at(k, v, f) * scale;
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
            let pad = ((hi - lo) * 0.08).max(if scale > 1.0 { 1.0 } else { 0.5 });
            let x0 = (lo - pad).max(0.0);
            let mut chart = ChartBuilder::on(area)
                .caption(caption, (FONT, 14))
                .margin(12)
                .margin_top(4)
                .x_label_area_size(44)
                .build_cartesian_2d(x0..hi + pad, 0f64..rows)
                .map_err(err)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .disable_y_axis()
                .x_desc(desc)
                .x_label_formatter(&|v| format!("{v:.0}"))
                .house()
                .draw()
                .map_err(err)?;
            style::begin(area, Layer::Series)?;
            for (k, key) in r.keys.iter().enumerate() {
                let y = rows - k as f64;
                // The farther end first: when both ends fall on one side of the base, the
                // nearer one is drawn over it and both show.
                let mut ends: Vec<(f64, RGBColor)> =
                    [(key.design.low, C_LOW), (key.design.high, C_HIGH)]
                        .iter()
                        .map(|&(v, c)| (self.at(k, v, f) * scale, c))
                        .collect();
                ends.sort_by(|a, b| (b.0 - base).abs().total_cmp(&(a.0 - base).abs()));
                for (x, c) in ends {
                    if x != base {
                        chart
                            .draw_series(std::iter::once(Rectangle::new(
                                [(base.min(x), y - 0.8), (base.max(x), y - 0.2)],
                                c.filled(),
                            )))
                            .map_err(err)?;
                    }
                }
            }
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(base, 0.0), (base, rows)],
                    C_BASE.stroke_width(2),
                )))
                .map_err(err)?;
            style::end(area)
        };
        panel(
            &left,
            "p95 makespan",
            "p95 makespan (minutes)",
            |f| f.p95_makespan_s,
            1.0 / 60.0,
        )?;
        panel(
            &right,
            "P(any resource fails)",
            "replications with a failed resource (%)",
            |f| f.failure_probability,
            100.0,
        )?;
        // The key names, one a row, level with the bars (the plots' top margin is 12 + the
        // caption's 14 + 4 pixels; the bars fill rows of equal height above the x labels).
        let (_, lh) = labels.dim_in_pixel();
        let top = 12 + 18 + 4;
        let bottom = 12 + 44;
        let span = lh.saturating_sub(top + bottom) as f64;
        let font = TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        for (k, key) in r.keys.iter().enumerate() {
            let y = top as f64 + span * (k as f64 + 0.5) / rows;
            labels
                .draw(&Text::new(
                    format!(
                        "{}  {} .. {}",
                        key.design.key,
                        fmt_value(key.design.low),
                        fmt_value(key.design.high)
                    ),
                    (LABELS as i32 - 8, y.round() as i32),
                    font.clone(),
                ))
                .map_err(err)?;
        }
        Ok(())
    }
}

/// The tornado chart as SVG.
pub fn tornado_svg(r: &SensitivityReport) -> String {
    style::svg(&TornadoChart(r))
}
