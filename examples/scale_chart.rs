//! Draws the README's log-log chart of compute time against customers from the CSV that
//! `scripts/scale.sh` writes (`customers,seconds,peak_mb`: whole-process medians).
//!
//! `cargo run --release --example scale_chart -- docs/examples/scale/scale.csv docs/examples/scale/scale.svg`

use plotters::coord::Shift;
use plotters::prelude::*;

use orgsim::report::charts::style::{self, err, Chart, ChartError, Item, Layer, Sample, FONT};

const W: u32 = 900;
const C_TIME: RGBColor = style::BLUE_DARK;
const C_MEM: RGBColor = style::ORANGE;
const C_LINEAR: RGBColor = style::GREY;

/// One size: customers, seconds (median, whole process), peak resident memory in MB.
struct Row {
    customers: f64,
    seconds: f64,
    peak_mb: f64,
}

struct ScaleChart(Vec<Row>);

impl Chart for ScaleChart {
    fn size(&self) -> (u32, u32) {
        (W, 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let rows = &self.0;
        let items = [
            Item::new(Sample::LineDot(C_TIME, 3), "time (s, left axis)"),
            Item::new(Sample::LineDot(C_MEM, 2), "peak memory (MB, right axis)"),
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
        let t_lo = rows
            .iter()
            .map(|r| r.seconds)
            .fold(f64::MAX, f64::min)
            .max(1e-4)
            / 3.0;
        let t_hi = rows.iter().map(|r| r.seconds).fold(1e-3, f64::max) * 3.0;
        let m_lo = rows
            .iter()
            .map(|r| r.peak_mb)
            .fold(f64::MAX, f64::min)
            .max(0.1)
            / 3.0;
        let m_hi = rows.iter().map(|r| r.peak_mb).fold(1.0, f64::max) * 3.0;
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .margin_top(4)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .right_y_label_area_size(64)
            .build_cartesian_2d((x_lo..x_hi).log_scale(), (t_lo..t_hi).log_scale())
            .map_err(err)?
            .set_secondary_coord((x_lo..x_hi).log_scale(), (m_lo..m_hi).log_scale());
        chart
            .configure_mesh()
            .x_desc("customers deployed in one run")
            .y_desc("time (s)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| {
                if *v >= 1.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v}")
                }
            })
            .light_line_style(WHITE)
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        chart
            .configure_secondary_axes()
            .y_desc("peak memory (MB)")
            .y_labels(6)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        style::begin(root, Layer::Series)?;
        if let Some(last) = rows.last() {
            let k = last.seconds / last.customers;
            chart
                .draw_series(DashedLineSeries::new(
                    [x_lo, x_hi].map(|x| (x, (k * x).clamp(t_lo, t_hi))),
                    style::DASH.0,
                    style::DASH.1,
                    C_LINEAR.stroke_width(1),
                ))
                .map_err(err)?;
        }
        let time: Vec<(f64, f64)> = rows.iter().map(|r| (r.customers, r.seconds)).collect();
        chart
            .draw_series(LineSeries::new(time.clone(), C_TIME.stroke_width(3)))
            .map_err(err)?;
        chart
            .draw_series(time.iter().map(|&p| Circle::new(p, 4, C_TIME.filled())))
            .map_err(err)?;
        let mem: Vec<(f64, f64)> = rows.iter().map(|r| (r.customers, r.peak_mb)).collect();
        chart
            .draw_secondary_series(LineSeries::new(mem.clone(), C_MEM.stroke_width(2)))
            .map_err(err)?;
        chart
            .draw_secondary_series(mem.iter().map(|&p| Circle::new(p, 3, C_MEM.filled())))
            .map_err(err)?;
        style::end(root)
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
