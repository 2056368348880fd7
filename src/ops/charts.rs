//! `staff`'s two charts as SVG strings (plotters, SVG backend, no fonts loaded): SLA attainment
//! against customers for 1..k support staff, and the staff needed with its monthly cost against
//! customers.

use plotters::prelude::*;

use super::report::StaffReport;
use crate::report::charts::style::{self, err, error_svg, legend_line, series_labels, FONT};

const C_GRID: RGBColor = style::GREY;
const C_TARGET: RGBColor = style::RED;
const C_SUPPORT: RGBColor = style::BLUE_DARK;
const C_ONBOARD: RGBColor = style::GREEN_MID;
const C_COST: RGBColor = style::ORANGE;
/// One colour per staff count's curve.
const PALETTE: [RGBColor; 8] = [
    style::BLUE_DARK,
    style::BLUE,
    style::BLUE_MID,
    style::GREEN_MID,
    style::GREEN_LIGHT,
    style::ORANGE,
    style::ORANGE_DARK,
    style::PURPLE_MID,
];

fn x_range(r: &StaffReport) -> std::ops::Range<f64> {
    let lo = r.staff.first().map(|c| c.customers as f64).unwrap_or(0.0);
    let hi = r.staff.last().map(|c| c.customers as f64).unwrap_or(1.0);
    let pad = ((hi - lo) * 0.03).max(0.5);
    (lo - pad).max(0.0)..hi + pad
}

/// SLA attainment (the lower of response and resolution, mean over replications) against
/// customers, one line per support staff count, with the target.
pub fn attainment_svg(r: &StaffReport) -> String {
    draw_attainment(r).unwrap_or_else(|e| error_svg(&e))
}

fn draw_attainment(r: &StaffReport) -> Result<String, style::ChartError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (1000, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let xr = x_range(r);
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "support SLA attainment vs customers ({} replications, {:.0} h response / {:.0} h resolution)",
                    r.replications, r.response_sla_h, r.resolution_sla_h
                ),
                (FONT, 16),
            )
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(xr.clone(), 0f64..105.0)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("customers")
            .y_desc("both SLAs met (% of tickets, the lower of the two)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .light_line_style(WHITE)
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        let target = r.target * 100.0;
        chart
            .draw_series(LineSeries::new(
                vec![(xr.start, target), (xr.end, target)],
                C_TARGET.stroke_width(1),
            ))
            .map_err(err)?
            .label(format!("target {target:.0}%"))
            .legend(legend_line(C_TARGET, 1));
        for (i, curve) in r.curves.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            let pts: Vec<(f64, f64)> = curve
                .points
                .iter()
                .map(|p| {
                    (
                        p.customers as f64,
                        100.0 * p.response_sla_attainment.min(p.resolution_sla_attainment),
                    )
                })
                .collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                .map_err(err)?
                .label(format!(
                    "{} support {}",
                    curve.support_staff,
                    if curve.support_staff == 1 {
                        "person"
                    } else {
                        "people"
                    }
                ))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            if pts.len() <= 40 {
                chart
                    .draw_series(
                        pts.iter()
                            .map(|&(x, y)| Circle::new((x, y), 2, color.filled())),
                    )
                    .map_err(err)?;
            }
        }
        series_labels(&mut chart, SeriesLabelPosition::LowerLeft, C_GRID)?;
        root.present().map_err(err)?;
    }
    buf.push('\n');
    Ok(buf)
}

/// Support staff and onboarding engineers needed against customers (left axis), and their
/// monthly cost (right axis). Unmeetable counts are left out.
pub fn staff_svg(r: &StaffReport) -> String {
    draw_staff(r).unwrap_or_else(|e| error_svg(&e))
}

fn draw_staff(r: &StaffReport) -> Result<String, style::ChartError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (1000, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let xr = x_range(r);
        let people = |f: &dyn Fn(&super::report::StaffRow) -> Option<u32>| -> Vec<(f64, f64)> {
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
        let ymax = support
            .iter()
            .chain(&onboard)
            .map(|p| p.1)
            .fold(1.0f64, f64::max)
            * 1.15;
        let cmax = cost.iter().map(|p| p.1).fold(1.0f64, f64::max) * 1.15;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "staff needed for {:.0}% attainment, and its monthly cost",
                    r.target * 100.0
                ),
                (FONT, 16),
            )
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .right_y_label_area_size(80)
            .build_cartesian_2d(xr.clone(), 0f64..ymax)
            .map_err(err)?
            .set_secondary_coord(xr, 0f64..cmax);
        chart
            .configure_mesh()
            .x_desc("customers")
            .y_desc("people")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(WHITE)
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        chart
            .configure_secondary_axes()
            .y_desc("monthly staff cost ($)")
            .y_label_formatter(&|v| super::report::dollars((*v * 100.0) as i64))
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        chart
            .draw_secondary_series(LineSeries::new(cost, C_COST.stroke_width(2)))
            .map_err(err)?
            .label("monthly staff cost (right axis)")
            .legend(legend_line(C_COST, 2));
        for (pts, color, name) in [
            (support, C_SUPPORT, "support staff"),
            (onboard, C_ONBOARD, "onboarding engineers"),
        ] {
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(3)))
                .map_err(err)?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
                });
            if pts.len() <= 40 {
                chart
                    .draw_series(
                        pts.iter()
                            .map(|&(x, y)| Circle::new((x, y), 3, color.filled())),
                    )
                    .map_err(err)?;
            }
        }
        series_labels(&mut chart, SeriesLabelPosition::UpperLeft, C_GRID)?;
        root.present().map_err(err)?;
    }
    buf.push('\n');
    Ok(buf)
}
