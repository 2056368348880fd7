//! The growth chart (`sweep --existing`): onboarding a fixed number of new customers into an
//! organization of growing size. Left: the refresh's mean time (minutes) per deployer profile,
//! with the brief's 10 minutes; right, one panel each: P(the apply fails) and P(the refresh
//! fails, "Planning failed") per profile, in %.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, err, Chart, ChartError, HouseMesh, Item, Layer, Sample};
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
    ("the brief's 10 minutes", C_CLAIM),
];

const C_CLAIM: RGBColor = style::INK;

/// The brief's claim a refresh eats into: a deployment within 10 minutes.
const CLAIM_MINUTES: f64 = 10.0;

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
        (W, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let deployers = self.deployers();
        let mut items: Vec<Item> = deployers
            .iter()
            .map(|&d| Item::new(Sample::LineDot(colour(d), 2), d.as_str()))
            .collect();
        items.push(Item::new(
            Sample::Dashed(C_CLAIM, 2),
            "the brief's 10-minute deployment",
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
        let (_, h) = right.dim_in_pixel();
        let (apply_area, refresh_area) = right.split_vertically(h / 2);
        let ymax = self
            .points
            .iter()
            .map(|p| p.refresh_s_mean / 60.0)
            .fold(CLAIM_MINUTES, f64::max)
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
            .x_label_formatter(&style::whole_tick)
            .y_label_formatter(&style::tick)
            .house()
            .draw()
            .map_err(err)?;
        let mut apply = ChartBuilder::on(&apply_area)
            .margin(16)
            .margin_top(4)
            .margin_bottom(4)
            .x_label_area_size(24)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..xmax, 0f64..105f64)
            .map_err(err)?;
        apply
            .configure_mesh()
            .y_desc("P(the apply fails) (%)")
            .x_label_formatter(&style::whole_tick)
            .y_label_formatter(&style::percent_tick)
            .y_labels(6)
            .house()
            .draw()
            .map_err(err)?;
        let mut refresh_fail = ChartBuilder::on(&refresh_area)
            .margin(16)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..xmax, 0f64..105f64)
            .map_err(err)?;
        refresh_fail
            .configure_mesh()
            .x_desc("customers already in the organization")
            .y_desc("P(planning failed) (%)")
            .x_label_formatter(&style::whole_tick)
            .y_label_formatter(&style::percent_tick)
            .y_labels(6)
            .house()
            .draw()
            .map_err(err)?;
        style::begin(root, Layer::Series)?;
        style::reference_line(
            &mut chart,
            CLAIM_MINUTES,
            C_CLAIM,
            "the brief's 10-minute deployment",
            style::LabelAt::LeftBelow,
        )?;
        for &d in &deployers {
            let c = colour(d);
            for (panel, f) in [
                (
                    &mut chart,
                    (|p: &GrowthPoint| p.refresh_s_mean / 60.0) as fn(&GrowthPoint) -> f64,
                ),
                (&mut apply, |p| 100.0 * p.failure_probability),
                (&mut refresh_fail, |p| 100.0 * p.refresh_failure_probability),
            ] {
                let pts = self.series(d, &f);
                panel
                    .draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))
                    .map_err(err)?;
                panel
                    .draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))
                    .map_err(err)?;
            }
        }
        style::end(root)
    }
}
