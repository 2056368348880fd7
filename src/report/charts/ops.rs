//! `ops`'s chart ([`Chart`], drawn as SVG or PNG): the support desk's mean queue over the
//! horizon, tickets waiting and in service, with the desk's SLA attainment in the title.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, err, Chart, ChartError, HouseMesh, Item, Layer, Sample};
use crate::ops::OpsReport;

const C_WAIT: RGBColor = style::ORANGE;
const C_SERVICE: RGBColor = style::BLUE;
const C_STAFF: RGBColor = style::GREY_DARK;

/// The queue chart's colours (checked for colour-blind readers in `style`).
#[cfg(test)]
pub(crate) const COLOURS: style::Swatches = &[
    ("tickets waiting", C_WAIT),
    ("tickets in service", C_SERVICE),
    ("support staff", C_STAFF),
];

/// The desk's mean queue, sampled daily, against the day (SVG).
pub fn queue_svg(r: &OpsReport) -> String {
    style::svg(&QueueChart(r))
}

/// `ops`'s chart.
pub struct QueueChart<'a>(pub &'a OpsReport);

impl Chart for QueueChart<'_> {
    fn size(&self) -> (u32, u32) {
        (1000, 520)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let s = &self.0.support;
        let items = [
            Item::new(Sample::Line(C_WAIT, 2), "tickets waiting"),
            Item::new(Sample::Line(C_SERVICE, 2), "tickets in service"),
            Item::new(Sample::Dashed(C_STAFF, 2), "support staff"),
        ];
        let body = style::frame(
            root,
            &format!(
                "support desk · {} staff, {} customers · response SLA met {:.1}%, resolution {:.1}% (mean of {} replications)",
                s.staff,
                s.customers,
                s.response_sla_attainment * 100.0,
                s.resolution_sla_attainment * 100.0,
                self.0.replications
            ),
            &items,
        )?;
        let days = self.0.horizon_days.max(1.0);
        let y_max = s
            .queue
            .iter()
            .map(|q| q.waiting.max(q.in_service))
            .fold(s.staff as f64, f64::max)
            .max(1.0)
            * 1.15;
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..days, 0f64..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("day of the horizon (days since its start)")
            .y_desc("tickets (mean over replications)")
            .x_label_formatter(&style::tick)
            .y_label_formatter(&style::tick)
            .house()
            .draw()
            .map_err(err)?;
        style::begin(root, Layer::Series)?;
        style::reference_line(
            &mut chart,
            s.staff as f64,
            C_STAFF,
            &format!(
                "{} support {}: the most tickets in service at once",
                s.staff,
                if s.staff == 1 { "person" } else { "people" }
            ),
            style::LabelAt::RightAbove,
        )?;
        chart
            .draw_series(LineSeries::new(
                s.queue.iter().map(|q| (q.day, q.in_service)),
                C_SERVICE.stroke_width(2),
            ))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                s.queue.iter().map(|q| (q.day, q.waiting)),
                C_WAIT.stroke_width(2),
            ))
            .map_err(err)?;
        style::end(root)
    }
}
