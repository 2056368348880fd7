//! The growth chart (`sweep --existing`): onboarding a fixed number of new customers into an
//! organization of growing size. Left: the refresh's mean time (minutes) per deployer profile;
//! right: P(the apply fails) and P(the refresh fails, "Planning failed") per profile.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, err, Chart, ChartError, Item, Layer, Sample, FONT};
use crate::config::Deployer;
use crate::sweep::GrowthPoint;

const W: u32 = 1000;

fn colour(d: Deployer) -> RGBColor {
    match d {
        Deployer::TerraformAws => style::BLUE,
        Deployer::AwsSdkStandard => style::VERMILION,
        Deployer::ControlTower => style::BLUISH_GREEN,
    }
}

/// The growth chart's colours (checked for colour-blind readers in `style`).
#[cfg(test)]
pub(crate) const COLOURS: style::Swatches = &[
    ("terraform-aws", style::BLUE),
    ("aws-sdk-standard", style::VERMILION),
    ("control-tower", style::BLUISH_GREEN),
];

/// The growth chart of `points` (a growth sweep of `scenario`).
pub struct GrowthChart<'a> {
    pub scenario: &'a str,
    pub points: &'a [GrowthPoint],
}

/// The growth chart as SVG.
pub fn growth_svg(scenario: &str, points: &[GrowthPoint]) -> String {
    style::svg(&GrowthChart { scenario, points })
}

impl GrowthChart<'_> {
    fn deployers(&self) -> Vec<Deployer> {
        let mut d: Vec<Deployer> = self.points.iter().map(|p| p.deployer).collect();
        d.dedup();
        d
    }

    fn series(&self, d: Deployer, f: &dyn Fn(&GrowthPoint) -> f64) -> Vec<(f64, f64)> {
        self.points
            .iter()
            .filter(|p| p.deployer == d)
            .map(|p| (p.existing as f64, f(p)))
            .collect()
    }
}

impl Chart for GrowthChart<'_> {
    fn size(&self) -> (u32, u32) {
        (W, 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let deployers = self.deployers();
        let mut items: Vec<Item> = deployers
            .iter()
            .map(|&d| Item::new(Sample::LineDot(colour(d), 2), d.as_str()))
            .collect();
        items.push(Item::new(
            Sample::Dashed(style::GREY_DARK, 1),
            "right: P(refresh fails), dashed",
        ));
        let new = self.points.first().map_or(0, |p| p.customers);
        let reps = self.points.first().map_or(0, |p| p.replications);
        let body = style::frame(
            root,
            &format!(
                "{} · onboarding {new} new customer(s) into an organization that exists ({reps} replications each)",
                self.scenario
            ),
            &items,
        )?;
        let xmax = self
            .points
            .iter()
            .map(|p| p.existing as f64)
            .fold(1.0f64, f64::max);
        let (left, right) = body.split_horizontally(W / 2);
        let ymax = self
            .points
            .iter()
            .map(|p| p.refresh_s_mean / 60.0)
            .fold(1.0f64, f64::max)
            * 1.08;
        let mut chart = ChartBuilder::on(&left)
            .margin(16)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..xmax, 0f64..ymax)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("customers already in the organization")
            .y_desc("refresh (minutes, mean)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(WHITE)
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        let mut chart2 = ChartBuilder::on(&right)
            .margin(16)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..xmax, 0f64..1.05f64)
            .map_err(err)?;
        chart2
            .configure_mesh()
            .x_desc("customers already in the organization")
            .y_desc("P(the apply fails)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .light_line_style(WHITE)
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        style::begin(root, Layer::Series)?;
        for &d in &deployers {
            let c = colour(d);
            let refresh = self.series(d, &|p| p.refresh_s_mean / 60.0);
            chart
                .draw_series(LineSeries::new(refresh.clone(), c.stroke_width(2)))
                .map_err(err)?;
            chart
                .draw_series(
                    refresh
                        .iter()
                        .map(|&(x, y)| Circle::new((x, y), 3, c.filled())),
                )
                .map_err(err)?;
            let fails = self.series(d, &|p| p.failure_probability);
            chart2
                .draw_series(LineSeries::new(fails.clone(), c.stroke_width(2)))
                .map_err(err)?;
            chart2
                .draw_series(
                    fails
                        .iter()
                        .map(|&(x, y)| Circle::new((x, y), 3, c.filled())),
                )
                .map_err(err)?;
            chart2
                .draw_series(DashedLineSeries::new(
                    self.series(d, &|p| p.refresh_failure_probability),
                    style::DASH.0,
                    style::DASH.1,
                    c.stroke_width(1),
                ))
                .map_err(err)?;
        }
        style::end(root)
    }
}
