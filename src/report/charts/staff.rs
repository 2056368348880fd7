//! `staff`'s two charts ([`Chart`]s, drawn as SVG or PNG): SLA attainment against customers
//! for 1..k support staff, with the target; and the staff needed (whole people: points) above
//! its monthly cost, two panels sharing the customer axis. Each has its legend above the plot,
//! outside the data.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, err, Chart, ChartError, HouseMesh, Item, Layer, Sample};
use crate::ops::report::dollars;
use crate::ops::{types::StaffRow, StaffReport};

const C_TARGET: RGBColor = style::GREY_DARK;
const C_SUPPORT: RGBColor = style::BLUE;
const C_ONBOARD: RGBColor = style::ORANGE;
const C_COST: RGBColor = style::BLUISH_GREEN;
/// One colour per staff count's curve (the Okabe–Ito colours but yellow, too light for a
/// line); past seven the colours come round again, dashed.
const PALETTE: [RGBColor; 7] = [
    style::BLUE,
    style::ORANGE,
    style::BLUISH_GREEN,
    style::VERMILION,
    style::SKY_BLUE,
    style::REDDISH_PURPLE,
    style::BLACK,
];

/// The attainment chart's colours (checked for colour-blind readers in `style`).
#[cfg(test)]
pub(crate) const ATTAINMENT_COLOURS: style::Swatches = &[
    ("target", C_TARGET),
    ("1 person", PALETTE[0]),
    ("2 people", PALETTE[1]),
    ("3 people", PALETTE[2]),
    ("4 people", PALETTE[3]),
    ("5 people", PALETTE[4]),
    ("6 people", PALETTE[5]),
    ("7 people", PALETTE[6]),
];

/// The staff chart's colours.
#[cfg(test)]
pub(crate) const STAFF_COLOURS: style::Swatches = &[
    ("support staff", C_SUPPORT),
    ("onboarding engineers", C_ONBOARD),
    ("monthly staff cost", C_COST),
];

const W: u32 = 1000;

fn staff_label(n: u32) -> String {
    format!("{n} support {}", if n == 1 { "person" } else { "people" })
}

fn x_range(r: &StaffReport) -> std::ops::Range<f64> {
    let lo = r.staff.first().map(|c| c.customers as f64).unwrap_or(0.0);
    let hi = r.staff.last().map(|c| c.customers as f64).unwrap_or(1.0);
    let pad = ((hi - lo) * 0.03).max(0.5);
    (lo - pad).max(0.0)..hi + pad
}

/// SLA attainment (the lower of response and resolution, mean over replications) against
/// customers, one line per support staff count, with the target.
pub fn attainment_svg(r: &StaffReport) -> String {
    style::svg(&AttainmentChart(r))
}

/// SLA attainment against customers: see [`attainment_svg`].
pub struct AttainmentChart<'a>(pub &'a StaffReport);

/// Curve `i`'s colour, and whether it is dashed (the colours' second round).
fn curve_style(i: usize) -> (RGBColor, bool) {
    (PALETTE[i % PALETTE.len()], i >= PALETTE.len())
}

impl Chart for AttainmentChart<'_> {
    fn size(&self) -> (u32, u32) {
        (W, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let r = self.0;
        let target = r.target * 100.0;
        // A curve that lies on the next one everywhere (both at the top, say) would be hidden
        // under it: the two are drawn once, in the next one's colour, and named together.
        let value = |p: &crate::ops::types::CurvePoint| {
            100.0 * p.response_sla_attainment.min(p.resolution_sla_attainment)
        };
        let same_as_next = |i: usize| {
            r.curves.get(i + 1).is_some_and(|next| {
                next.points.len() == r.curves[i].points.len()
                    && next
                        .points
                        .iter()
                        .zip(&r.curves[i].points)
                        .all(|(a, b)| (value(a) - value(b)).abs() < 0.5)
            })
        };
        let mut items = Vec::new();
        let mut first = None;
        for (i, curve) in r.curves.iter().enumerate() {
            let lo = *first.get_or_insert(curve.support_staff);
            if same_as_next(i) {
                continue;
            }
            first = None;
            let (c, dashed) = curve_style(i);
            let label = if lo == curve.support_staff {
                staff_label(lo)
            } else {
                format!("{lo}–{} support people", curve.support_staff)
            };
            items.push(Item::new(
                if dashed {
                    Sample::Dashed(c, 2)
                } else {
                    Sample::LineDot(c, 2)
                },
                label,
            ));
        }
        items.push(Item::new(
            Sample::Dashed(C_TARGET, 2),
            format!("target {target:.0}%"),
        ));
        let body = style::frame(
            root,
            &format!(
                "support SLA attainment vs customers ({} replications, {:.0} h response / {:.0} h resolution)",
                r.replications, r.response_sla_h, r.resolution_sla_h
            ),
            &items,
        )?;
        let xr = x_range(r);
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(xr.clone(), 0f64..105.0)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("customers")
            .y_desc("tickets within both SLAs (%, the lower of the two)")
            .x_label_formatter(&style::whole_tick)
            .y_label_formatter(&style::percent_tick)
            .house()
            .draw()
            .map_err(err)?;
        style::begin(root, Layer::Series)?;
        style::reference_line(
            &mut chart,
            target,
            C_TARGET,
            &format!("target {target:.0}%"),
            style::LabelAt::LeftBelow,
        )?;
        for (i, curve) in r.curves.iter().enumerate() {
            if same_as_next(i) {
                continue;
            }
            let (color, dashed) = curve_style(i);
            let pts: Vec<(f64, f64)> = curve
                .points
                .iter()
                .map(|p| (p.customers as f64, value(p)))
                .collect();
            if dashed {
                chart
                    .draw_series(DashedLineSeries::new(
                        pts.clone(),
                        style::DASH.0,
                        style::DASH.1,
                        color.stroke_width(2),
                    ))
                    .map_err(err)?;
            } else {
                chart
                    .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                    .map_err(err)?;
            }
            if pts.len() <= 40 {
                chart
                    .draw_series(
                        pts.iter()
                            .map(|&(x, y)| Circle::new((x, y), 3, color.filled())),
                    )
                    .map_err(err)?;
            }
        }
        style::end(root)
    }
}

/// Support staff and onboarding engineers needed against customers (whole people: a point per
/// count, no line between them), and under it, in a panel of its own, their monthly cost.
/// Unmeetable counts are left out.
pub fn staff_svg(r: &StaffReport) -> String {
    style::svg(&StaffChart(r))
}

/// Staff needed and its cost against customers: see [`staff_svg`].
pub struct StaffChart<'a>(pub &'a StaffReport);

impl Chart for StaffChart<'_> {
    fn size(&self) -> (u32, u32) {
        (W, 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let r = self.0;
        let items = [
            Item::new(Sample::Dot(C_SUPPORT), "support staff"),
            Item::new(Sample::Triangle(C_ONBOARD), "onboarding engineers"),
            Item::new(Sample::Dot(C_COST), "monthly staff cost"),
        ];
        let body = style::frame(
            root,
            &format!(
                "staff needed for {:.0}% attainment, and its monthly cost",
                r.target * 100.0
            ),
            &items,
        )?;
        let xr = x_range(r);
        let people = |f: &dyn Fn(&StaffRow) -> Option<u32>| -> Vec<(f64, f64)> {
            r.staff
                .iter()
                .filter_map(|row| f(row).map(|v| (row.customers as f64, v as f64)))
                .collect()
        };
        let support = people(&|row| row.support_staff);
        let onboard = people(&|row| row.onboarding_staff);
        let cost: Vec<(f64, f64)> = r
            .staff
            .iter()
            .filter_map(|row| {
                row.monthly_staff_cost
                    .map(|c| (row.customers as f64, c as f64 / 100.0))
            })
            .collect();
        let ymax = (support
            .iter()
            .chain(&onboard)
            .map(|p| p.1)
            .fold(1.0f64, f64::max)
            * 1.15)
            .ceil();
        let cmax = cost.iter().map(|p| p.1).fold(1.0f64, f64::max) * 1.15;
        let (_, h) = body.dim_in_pixel();
        let (top, bottom) = body.split_vertically(h * 55 / 100);
        let mut chart = ChartBuilder::on(&top)
            .margin(16)
            .margin_top(4)
            .margin_bottom(4)
            .x_label_area_size(24)
            .y_label_area_size(80)
            .build_cartesian_2d(xr.clone(), 0f64..ymax)
            .map_err(err)?;
        chart
            .configure_mesh()
            .y_desc("people needed")
            .x_label_formatter(&style::whole_tick)
            .y_label_formatter(&style::whole_tick)
            .y_labels((ymax as usize + 1).min(11))
            .house()
            .draw()
            .map_err(err)?;
        let mut money = ChartBuilder::on(&bottom)
            .margin(16)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(xr, 0f64..cmax)
            .map_err(err)?;
        money
            .configure_mesh()
            .x_desc("customers")
            .y_desc("monthly staff cost (US$)")
            .x_label_formatter(&style::whole_tick)
            .y_label_formatter(&|v| dollars((*v * 100.0) as i64))
            .y_labels(6)
            .house()
            .draw()
            .map_err(err)?;
        style::begin(root, Layer::Series)?;
        chart
            .draw_series(
                support
                    .iter()
                    .map(|&p| Circle::new(p, 6, C_SUPPORT.filled())),
            )
            .map_err(err)?;
        chart
            .draw_series(
                onboard
                    .iter()
                    .map(|&p| TriangleMarker::new(p, 7, C_ONBOARD.filled())),
            )
            .map_err(err)?;
        money
            .draw_series(cost.iter().map(|&p| Circle::new(p, 6, C_COST.filled())))
            .map_err(err)?;
        style::end(root)
    }
}
