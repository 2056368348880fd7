//! Draws the README's log-log chart of compute time and peak memory against customers (a panel
//! each) from the CSV that `scripts/scale.sh` writes (`customers,seconds,peak_mb`:
//! whole-process medians).
//!
//! `cargo run --release --example scale_chart -- docs/examples/scale/scale.csv docs/examples/scale/scale.svg`

use plotters::coord::Shift;
use plotters::prelude::*;

use orgsim::report::charts::style::{self, err, Chart, ChartError, Item, Layer, Sample, FONT};

const W: u32 = 900;
const C_TIME: RGBColor = style::BLUE;
const C_MEM: RGBColor = style::ORANGE;
const C_LINEAR: RGBColor = style::GREY;

/// One size: customers, seconds (median, whole process), peak resident memory in MB.
struct Row {
    customers: f64,
    seconds: f64,
    peak_mb: f64,
}

struct ScaleChart(Vec<Row>);

/// A log tick: whole numbers without a decimal point, others as they are.
fn log_tick(v: &f64) -> String {
    if *v >= 1.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

impl Chart for ScaleChart {
    fn size(&self) -> (u32, u32) {
        (W, 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let rows = &self.0;
        let items = [
            Item::new(Sample::LineDot(C_TIME, 3), "time"),
            Item::new(Sample::LineDot(C_MEM, 3), "peak memory"),
            Item::new(
                Sample::Dashed(C_LINEAR, 1),
                "linear growth through the largest size",
            ),
        ];
        let body = style::frame(
            root,
            "orgsim run: cost against customers (scenarios/scale.toml, whole process, log-log)",
            &items,
        )?;
        let x_lo = rows.iter().map(|r| r.customers).fold(f64::MAX, f64::min) / 2.0;
        let x_hi = rows.iter().map(|r| r.customers).fold(1.0, f64::max) * 2.0;
        let (left, right) = body.split_horizontally(W / 2);
        // One panel per quantity: time on the left, memory on the right.
        for (area, f, floor, colour, y_desc) in [
            (
                &left,
                (|r: &Row| r.seconds) as fn(&Row) -> f64,
                1e-4,
                C_TIME,
                "time (s, log)",
            ),
            (
                &right,
                |r: &Row| r.peak_mb,
                0.1,
                C_MEM,
                "peak memory (MB, log)",
            ),
        ] {
            let lo = rows.iter().map(f).fold(f64::MAX, f64::min).max(floor) / 3.0;
            let hi = rows.iter().map(f).fold(floor * 10.0, f64::max) * 3.0;
            let mut chart = ChartBuilder::on(area)
                .margin(16)
                .margin_top(4)
                .x_label_area_size(44)
                .y_label_area_size(64)
                .build_cartesian_2d((x_lo..x_hi).log_scale(), (lo..hi).log_scale())
                .map_err(err)?;
            chart
                .configure_mesh()
                .x_desc("customers deployed in one run (log)")
                .y_desc(y_desc)
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_label_formatter(&log_tick)
                .light_line_style(WHITE)
                .label_style((FONT, 12))
                .draw()
                .map_err(err)?;
            style::begin(root, Layer::Series)?;
            if let Some(last) = rows.last() {
                let k = f(last) / last.customers;
                chart
                    .draw_series(DashedLineSeries::new(
                        [x_lo, x_hi].map(|x| (x, (k * x).clamp(lo, hi))),
                        style::DASH.0,
                        style::DASH.1,
                        C_LINEAR.stroke_width(1),
                    ))
                    .map_err(err)?;
            }
            let pts: Vec<(f64, f64)> = rows.iter().map(|r| (r.customers, f(r))).collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(3)))
                .map_err(err)?;
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 4, colour.filled())))
                .map_err(err)?;
            style::end(root)?;
        }
        Ok(())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [csv, svg] = args.as_slice() else {
        eprintln!("usage: scale_chart SCALE.CSV OUT.SVG");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(csv).unwrap_or_else(|e| {
        eprintln!("{csv}: {e}");
        std::process::exit(2)
    });
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let f: Vec<f64> = line
            .split(',')
            .filter_map(|v| v.trim().parse().ok())
            .collect();
        let [customers, seconds, peak_mb] = f[..] else {
            eprintln!("{csv}:{}: expected customers,seconds,peak_mb", i + 1);
            std::process::exit(2);
        };
        rows.push(Row {
            customers,
            seconds,
            peak_mb,
        });
    }
    if rows.is_empty() {
        eprintln!("{csv}: no rows");
        std::process::exit(2);
    }
    if let Err(e) =
        orgsim::commands::write_file(std::path::Path::new(svg), style::svg(&ScaleChart(rows)))
    {
        eprintln!("{e}");
        std::process::exit(2);
    }
}
