//! The charts' one style and the machinery every chart shares: the font (embedded, so that
//! layout and PNG rendering need no system font), the palette, the legend (drawn outside the
//! plotted data, with samples that look like the series they name), the layers the overlap
//! probe reads, and the SVG and PNG renderers.
//!
//! A chart implements [`Chart`]: its size and one `draw` generic over plotters' backends.
//! [`svg`] draws it as SVG text and [`png`] as a PNG image, from the same code.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The width of the wide charts (timeline, margin), in pixels.
pub(crate) const WIDTH: u32 = 1200;

/// The font family: Liberation Sans, embedded (`fonts/`, SIL OFL 1.1) and registered with
/// plotters under this name, so that text is measured with its metrics and PNGs are drawn with
/// it. In SVG the name is written as the `font-family`: viewers use Liberation Sans, or Arial
/// or Helvetica, whose metrics it shares.
pub const FONT: &str = "Liberation Sans, Arial, Helvetica, sans-serif";

pub(crate) static FONT_BYTES: &[u8] = include_bytes!("fonts/LiberationSans-Regular.ttf");
/// Liberation Sans Bold (2.1.5, as the regular face): bold text measured and drawn with its own
/// face, as a viewer of the SVG draws it.
pub(crate) static FONT_BOLD_BYTES: &[u8] = include_bytes!("fonts/LiberationSans-Bold.ttf");

/// Registers the embedded font with plotters (once; every chart calls it before drawing).
pub(crate) fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are valid TrueType files (checked by the tests).
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, FONT_BOLD_BYTES);
    });
}

// The palette: Okabe & Ito's eight colours (Color Universal Design, 2008), chosen to stay
// apart for readers with any of the three common colour-vision deficiencies, a few greys, and
// light tints of the eight for bands and areas. Every chart takes its colours from here by
// role, and lists the colours it draws together (`COLOURS` in each chart's file) for the test
// below, which checks every pair under simulated protanopia, deuteranopia and tritanopia.

/// Okabe–Ito orange, #E69F00.
pub const ORANGE: RGBColor = RGBColor(0xe6, 0x9f, 0x00);
/// Okabe–Ito sky blue, #56B4E9.
pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xb4, 0xe9);
/// Okabe–Ito bluish green, #009E73.
pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9e, 0x73);
/// Okabe–Ito yellow, #F0E442: for fills only (too light for a line or text on white).
pub const YELLOW: RGBColor = RGBColor(0xf0, 0xe4, 0x42);
/// Okabe–Ito blue, #0072B2.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xb2);
/// Okabe–Ito vermilion, #D55E00.
pub const VERMILION: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
/// Okabe–Ito reddish purple, #CC79A7.
pub const REDDISH_PURPLE: RGBColor = RGBColor(0xcc, 0x79, 0xa7);
/// Okabe–Ito black, #000000.
pub const BLACK: RGBColor = RGBColor(0x00, 0x00, 0x00);

pub(crate) const GREY_LIGHTEST: RGBColor = RGBColor(0xee, 0xee, 0xee);
pub(crate) const GREY_LIGHT: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
pub const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
pub(crate) const GREY_DARK: RGBColor = RGBColor(0x63, 0x63, 0x63);
/// Text and reference lines.
pub(crate) const INK: RGBColor = RGBColor(0x23, 0x23, 0x23);

/// `c` mixed with white: `pct` percent of `c` (a light tint for a band or an area).
pub(crate) const fn tint(c: RGBColor, pct: u32) -> RGBColor {
    const fn mix(v: u8, pct: u32) -> u8 {
        (255 - (255 - v as u32) * pct / 100) as u8
    }
    RGBColor(mix(c.0, pct), mix(c.1, pct), mix(c.2, pct))
}

// Light tints, one at most in a chart (two tints are too close to each other for some
// readers: the test below says which).
pub(crate) const SKY_BLUE_LIGHT: RGBColor = tint(SKY_BLUE, 40);
pub(crate) const BLUISH_GREEN_LIGHT: RGBColor = tint(BLUISH_GREEN, 40);

// The old names (the ColorBrewer palette's), kept for the code still naming them: each is now
// the Okabe–Ito colour of the same role.
/// Old name of [`BLUE`].
pub const BLUE_DARK: RGBColor = BLUE;
/// Old name of [`SKY_BLUE_LIGHT`].
pub(crate) const BLUE_LIGHT: RGBColor = SKY_BLUE_LIGHT;
/// Old name of [`REDDISH_PURPLE`] (the provider's retry wait on the timeline).
pub(crate) const BROWN: RGBColor = REDDISH_PURPLE;
/// Old name of [`VERMILION`] (conflicts, failures, targets).
pub(crate) const RED: RGBColor = VERMILION;

/// The colours a chart draws together, each named by its role (for the colour-blind test).
#[cfg(test)]
pub(crate) type Swatches = &'static [(&'static str, RGBColor)];

/// Dash and gap of every dashed series, in pixels (the legend's samples use the same).
pub const DASH: (u32, u32) = (6, 4);

/// What a legend entry shows beside its label: a sample that looks like the series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sample {
    /// A solid line of this colour and width.
    Line(RGBColor, u32),
    /// A line with a dot on it (a series drawn with point markers).
    LineDot(RGBColor, u32),
    /// A dashed line ([`DASH`]).
    Dashed(RGBColor, u32),
    /// A filled box (an area, a band, a bar).
    Box(RGBColor),
    /// A short vertical tick (a marker).
    Tick(RGBColor),
    /// A cross (a marker).
    Cross(RGBColor),
    /// A filled triangle (a marker).
    Triangle(RGBColor),
    /// A filled dot (a marker: points without a line between them).
    Dot(RGBColor),
    /// No sample: the label is a note, in this colour.
    Note(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub sample: Sample,
    pub label: String,
}

impl Item {
    pub fn new(sample: Sample, label: impl Into<String>) -> Item {
        Item {
            sample,
            label: label.into(),
        }
    }
}

const LEGEND_FONT: u32 = 14;
const LEGEND_ROW: i32 = 20;
const LEGEND_PAD: i32 = 8;
const SAMPLE_W: i32 = 24;

fn legend_font() -> TextStyle<'static> {
    TextStyle::from((FONT, LEGEND_FONT).into_font()).pos(Pos::new(HPos::Left, VPos::Center))
}

/// Where each item goes in a legend `width` pixels wide: (row, x) per item, and the rows.
fn legend_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[Item],
    width: u32,
) -> (Vec<(i32, i32)>, i32) {
    let font = legend_font();
    let mut at = Vec::with_capacity(items.len());
    let (mut row, mut x) = (0, LEGEND_PAD);
    for it in items {
        let text_w = area
            .estimate_text_size(&it.label, &font)
            .map(|(w, _)| w as i32)
            .unwrap_or(7 * it.label.chars().count() as i32);
        let w = if matches!(it.sample, Sample::Note(_)) {
            text_w
        } else {
            SAMPLE_W + 6 + text_w
        };
        if x > LEGEND_PAD && x + w > width as i32 - LEGEND_PAD {
            row += 1;
            x = LEGEND_PAD;
        }
        at.push((row, x));
        x += w + 22;
    }
    (at, if items.is_empty() { 0 } else { row + 1 })
}

/// Fills `root` white, writes `title` at its top and the legend of `items` in a strip under
/// it, outside the data; returns the area left for the plots.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    items: &[Item],
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    root.fill(&WHITE).map_err(err)?;
    root.draw(&Text::new(title, (12, 10), (FONT, 16).into_font()))
        .map_err(err)?;
    let (w, _) = root.dim_in_pixel();
    let lh = legend_height(root, items, w.saturating_sub(24));
    let (_, below) = root.split_vertically(36);
    let (leg, body) = below.split_vertically(lh + 8);
    legend(&leg.margin(0, 0, 12, 12), items)?;
    Ok(body)
}

/// The height a legend of `items` takes when drawn `width` pixels wide (0 without items).
pub(crate) fn legend_height<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[Item],
    width: u32,
) -> u32 {
    let (_, rows) = legend_layout(area, items, width);
    if rows == 0 {
        0
    } else {
        (rows * LEGEND_ROW + 2 * LEGEND_PAD - 4) as u32
    }
}

/// Draws the legend of `items` in `area` (which should be [`legend_height`] high, outside the
/// plotted data), framed, as the layer [`Layer::Legend`].
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[Item],
) -> Result<(), ChartError> {
    if items.is_empty() {
        return Ok(());
    }
    let (w, _) = area.dim_in_pixel();
    let (at, rows) = legend_layout(area, items, w);
    begin(area, Layer::Legend)?;
    let h = rows * LEGEND_ROW + 2 * LEGEND_PAD - 4;
    let right = at
        .iter()
        .zip(items)
        .map(|(&(_, x), it)| {
            let tw = area
                .estimate_text_size(&it.label, &legend_font())
                .map(|(w, _)| w as i32)
                .unwrap_or(0);
            x + tw
                + if matches!(it.sample, Sample::Note(_)) {
                    0
                } else {
                    SAMPLE_W + 6
                }
        })
        .max()
        .unwrap_or(0)
        + LEGEND_PAD;
    area.draw(&Rectangle::new(
        [(0, 0), (right.min(w as i32 - 1), h)],
        WHITE.filled(),
    ))
    .map_err(err)?;
    area.draw(&Rectangle::new(
        [(0, 0), (right.min(w as i32 - 1), h)],
        GREY.stroke_width(1),
    ))
    .map_err(err)?;
    for (&(row, x), it) in at.iter().zip(items) {
        let y = LEGEND_PAD - 2 + row * LEGEND_ROW + LEGEND_ROW / 2;
        let text_x = match it.sample {
            Sample::Note(c) => {
                area.draw(&Text::new(
                    it.label.clone(),
                    (x, y),
                    legend_font().color(&c),
                ))
                .map_err(err)?;
                continue;
            }
            Sample::Line(c, sw) => {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + SAMPLE_W, y)],
                    c.stroke_width(sw),
                ))
                .map_err(err)?;
                x + SAMPLE_W + 6
            }
            Sample::LineDot(c, sw) => {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + SAMPLE_W, y)],
                    c.stroke_width(sw),
                ))
                .map_err(err)?;
                area.draw(&Circle::new((x + SAMPLE_W / 2, y), 3, c.filled()))
                    .map_err(err)?;
                x + SAMPLE_W + 6
            }
            Sample::Dashed(c, sw) => {
                let (dash, gap) = (DASH.0 as i32, DASH.1 as i32);
                let mut x0 = x;
                while x0 < x + SAMPLE_W {
                    let x1 = (x0 + dash).min(x + SAMPLE_W);
                    area.draw(&PathElement::new(
                        vec![(x0, y), (x1, y)],
                        c.stroke_width(sw),
                    ))
                    .map_err(err)?;
                    x0 = x1 + gap;
                }
                x + SAMPLE_W + 6
            }
            Sample::Box(c) => {
                area.draw(&Rectangle::new(
                    [(x, y - 6), (x + SAMPLE_W, y + 6)],
                    c.filled(),
                ))
                .map_err(err)?;
                area.draw(&Rectangle::new(
                    [(x, y - 6), (x + SAMPLE_W, y + 6)],
                    BLACK.mix(0.3),
                ))
                .map_err(err)?;
                x + SAMPLE_W + 6
            }
            Sample::Tick(c) => {
                area.draw(&PathElement::new(
                    vec![(x + SAMPLE_W / 2, y - 6), (x + SAMPLE_W / 2, y + 2)],
                    c.stroke_width(1),
                ))
                .map_err(err)?;
                x + SAMPLE_W + 6
            }
            Sample::Cross(c) => {
                area.draw(&Cross::new((x + SAMPLE_W / 2, y), 5, c.stroke_width(2)))
                    .map_err(err)?;
                x + SAMPLE_W + 6
            }
            Sample::Triangle(c) => {
                area.draw(&TriangleMarker::new((x + SAMPLE_W / 2, y), 6, c.filled()))
                    .map_err(err)?;
                x + SAMPLE_W + 6
            }
            Sample::Dot(c) => {
                area.draw(&Circle::new((x + SAMPLE_W / 2, y), 5, c.filled()))
                    .map_err(err)?;
                x + SAMPLE_W + 6
            }
        };
        area.draw(&Text::new(it.label.clone(), (text_x, y), legend_font()))
            .map_err(err)?;
    }
    end(area)
}

/// A rectangle in pixels: (left, top, right, bottom).
pub(crate) type PxRect = (i32, i32, i32, i32);

fn intersects(a: PxRect, b: PxRect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Whether the segment from `p` to `q` crosses the rectangle `r` (sampled every 2 pixels).
fn segment_hits(p: (i32, i32), q: (i32, i32), r: PxRect) -> bool {
    let len = ((q.0 - p.0).abs().max((q.1 - p.1).abs()) / 2).max(1);
    (0..=len).any(|i| {
        let t = i as f64 / len as f64;
        let x = p.0 as f64 + (q.0 - p.0) as f64 * t;
        let y = p.1 as f64 + (q.1 - p.1) as f64 * t;
        x >= r.0 as f64 && x <= r.2 as f64 && y >= r.1 as f64 && y <= r.3 as f64
    })
}

/// A point label to place: the point (pixels), its text, its colour.
pub(crate) struct PointLabel {
    pub at: (i32, i32),
    pub text: String,
    pub color: RGBColor,
}

/// Places each label near its point where it touches no label placed before it, no polyline
/// of `lines` (pixels) and stays inside `bounds`: above, below, then to the right and left,
/// stepping away; draws each on a white box so that what passes behind does not cross it.
/// Returns the rectangles used.
pub(crate) fn place_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    labels: &[PointLabel],
    lines: &[Vec<(i32, i32)>],
    bounds: PxRect,
    size: u32,
) -> Result<Vec<PxRect>, ChartError> {
    let font = TextStyle::from((FONT, size).into_font()).pos(Pos::new(HPos::Left, VPos::Top));
    let mut placed: Vec<PxRect> = Vec::new();
    for l in labels {
        let (w, h) = root
            .estimate_text_size(&l.text, &font)
            .map(|(w, h)| (w as i32 + 4, h as i32 + 4))
            .unwrap_or((8 * l.text.len() as i32, size as i32 + 4));
        let (x, y) = l.at;
        let mut candidates = Vec::new();
        for step in [8, 16, 26, 38, 52] {
            candidates.push((x - w / 2, y - step - h));
            candidates.push((x - w / 2, y + step));
            candidates.push((x + step, y - h / 2));
            candidates.push((x - step - w, y - h / 2));
        }
        let free = |r: PxRect| {
            r.0 >= bounds.0
                && r.2 <= bounds.2
                && r.1 >= bounds.1
                && r.3 <= bounds.3
                && !placed.iter().any(|&p| intersects(p, r))
                && !lines
                    .iter()
                    .any(|pl| pl.windows(2).any(|s| segment_hits(s[0], s[1], r)))
        };
        let rect = candidates
            .iter()
            .map(|&(cx, cy)| (cx, cy, cx + w, cy + h))
            .find(|&r| free(r))
            // Nowhere free: above, clamped into the bounds.
            .unwrap_or_else(|| {
                let cx = (x - w / 2).clamp(bounds.0, (bounds.2 - w).max(bounds.0));
                let cy = (y - 8 - h).max(bounds.1);
                (cx, cy, cx + w, cy + h)
            });
        root.draw(&Rectangle::new(
            [(rect.0, rect.1), (rect.2, rect.3)],
            WHITE.mix(0.9).filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            l.text.clone(),
            (rect.0 + 2, rect.1 + 2),
            font.color(&l.color),
        ))
        .map_err(err)?;
        placed.push(rect);
    }
    Ok(placed)
}

/// The parts of a chart that the overlap probe (tests/report_out.rs) tells apart: in SVG each
/// is a `<g class="...">` group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The plotted data: lines, areas, bars, markers.
    Series,
    /// The legend: its frame, samples and labels.
    Legend,
}

impl Layer {
    fn class(self) -> &'static str {
        match self {
            Layer::Series => "series",
            Layer::Legend => "legend",
        }
    }

    fn marker(self) -> RGBColor {
        match self {
            Layer::Series => RGBColor(0x01, 0x02, 0x01),
            Layer::Legend => RGBColor(0x01, 0x02, 0x02),
        }
    }
}

const END_MARKER: RGBColor = RGBColor(0x01, 0x02, 0x00);

/// An invisible, empty rectangle that [`svg`] replaces with a group's start or end tag (in a
/// PNG it is nothing: an alpha of 0.001 on a single pixel).
fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: RGBColor,
) -> Result<(), ChartError> {
    area.draw(&Rectangle::new([(0, 0), (0, 0)], c.mix(0.001).filled()))
        .map_err(err)
}

/// Starts a layer: what is drawn until [`end`] belongs to it.
pub fn begin<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    layer: Layer,
) -> Result<(), ChartError> {
    marker(area, layer.marker())
}

/// Ends the layer [`begin`] started.
pub fn end<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
    marker(area, END_MARKER)
}

/// A chart: a size and a drawing, generic over plotters' backends.
pub trait Chart {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the whole chart on `root` (of [`Chart::size`]), white background included.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>;
}

/// The chart as SVG text (or [`error_svg`] if it cannot be drawn), its layers as
/// `<g class="series">` and `<g class="legend">`; the same inputs give the same bytes.
pub fn svg(chart: &impl Chart) -> String {
    register_font();
    let mut buf = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut buf, chart.size()).into_drawing_area();
        chart.draw(&root).and_then(|()| root.present().map_err(err))
    };
    if let Err(e) = drawn {
        return error_svg(&e);
    }
    group_layers(&buf)
}

/// Replaces the layer markers of an SVG (one element a line, as plotters writes them) with
/// group tags.
fn group_layers(svg: &str) -> String {
    let tag = |c: RGBColor| {
        format!(
            "width=\"0\" height=\"0\" opacity=\"0.001\" fill=\"#{:02X}{:02X}{:02X}\"",
            c.0, c.1, c.2
        )
    };
    let (series, legend, end) = (
        tag(Layer::Series.marker()),
        tag(Layer::Legend.marker()),
        tag(END_MARKER),
    );
    let mut out = String::with_capacity(svg.len());
    for line in svg.lines() {
        if line.starts_with("<rect ") && line.contains(&series) {
            out.push_str(&format!("<g class=\"{}\">", Layer::Series.class()));
        } else if line.starts_with("<rect ") && line.contains(&legend) {
            out.push_str(&format!("<g class=\"{}\">", Layer::Legend.class()));
        } else if line.starts_with("<rect ") && line.contains(&end) {
            out.push_str("</g>");
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The chart as a PNG image (8-bit RGB), its text drawn with the embedded font as the SVG's
/// renders ([`super::raster::PngBackend`]).
pub fn png(chart: &impl Chart) -> Result<Vec<u8>, ChartError> {
    register_font();
    let (w, h) = chart.size();
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root =
            super::raster::PngBackend::with_buffer(&mut rgb, (w, h), FONT_BYTES, FONT_BOLD_BYTES)
                .map_err(ChartError)?
                .into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(err)?;
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(&rgb).map_err(err)?;
        writer.finish().map_err(err)?;
    }
    Ok(out)
}

/// A chart that could not be drawn (plotters' error, as text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("chart drawing failed: {0}")]
pub struct ChartError(pub String);

pub fn err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError(format!("{e:?}"))
}

/// A minimal SVG that says the chart could not be drawn (never expected; keeps `--out` whole).
pub fn error_svg(e: &ChartError) -> String {
    let esc = e
        .to_string()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"40\">\
         <text x=\"10\" y=\"25\">{esc}</text></svg>\n"
    )
}

/// The house style of every chart's axes (tick labels at 14 px, no minor grid lines), set on
/// a mesh in one call: `chart.configure_mesh().house()...draw()`.
pub(crate) trait HouseMesh {
    fn house(&mut self) -> &mut Self;
}

impl<X, Y, DB> HouseMesh for plotters::chart::MeshStyle<'_, '_, X, Y, DB>
where
    X: plotters::coord::ranged1d::Ranged,
    Y: plotters::coord::ranged1d::Ranged,
    DB: DrawingBackend,
{
    fn house(&mut self) -> &mut Self {
        self.light_line_style(WHITE).label_style((FONT, 14))
    }
}

/// A percentage tick on an axis with headroom above 100% (drawn to 105): "40%", and no label
/// past 100.
pub(crate) fn percent_tick(v: &f64) -> String {
    if *v <= 100.0 {
        format!("{v:.0}%")
    } else {
        String::new()
    }
}

/// A tick label: a whole number without a decimal point ("5", not "5.0"), any other to two
/// decimals at most, without trailing zeros.
pub(crate) fn tick(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{:.0}", v.round() + 0.0)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A tick label for a whole-number axis (counts): the whole numbers, and nothing between them.
pub(crate) fn whole_tick(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{:.0}", v.round() + 0.0)
    } else {
        String::new()
    }
}

/// The chart type of every panel: linear f64 axes.
pub(crate) type Panel<'a, DB> = ChartContext<
    'a,
    DB,
    plotters::coord::cartesian::Cartesian2d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// Where a reference line's label goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LabelAt {
    /// Above the line, at its right end.
    RightAbove,
    /// Under the line, at its left end.
    LeftBelow,
}

/// A horizontal reference line at `y` across the panel (dashed, `color`), with `label` written
/// beside it: a threshold or a claim the reader asks "did it cross?" of.
pub(crate) fn reference_line<DB: DrawingBackend>(
    chart: &mut Panel<'_, DB>,
    y: f64,
    color: RGBColor,
    label: &str,
    at: LabelAt,
) -> Result<(), ChartError> {
    let xs = chart.x_range();
    chart
        .draw_series(DashedLineSeries::new(
            [(xs.start, y), (xs.end, y)],
            DASH.0,
            DASH.1,
            color.stroke_width(2),
        ))
        .map_err(err)?;
    let (x, offset, pos) = match at {
        LabelAt::RightAbove => (xs.end, (-4, -4), Pos::new(HPos::Right, VPos::Bottom)),
        LabelAt::LeftBelow => (xs.start, (4, 4), Pos::new(HPos::Left, VPos::Top)),
    };
    chart
        .draw_series(std::iter::once(
            EmptyElement::at((x, y))
                + Text::new(
                    label.to_string(),
                    offset,
                    TextStyle::from((FONT, 14).into_font())
                        .color(&color)
                        .pos(pos),
                ),
        ))
        .map_err(err)?;
    Ok(())
}

/// Truncates to `max` characters with an ellipsis.
pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// Colour distance as a reader with a colour-vision deficiency sees it: Machado, Oliveira and
/// Fernandes (2009)'s simulation matrices at full severity, applied in linear sRGB, then
/// CIEDE2000 between the two colours in CIELAB (D65).
#[cfg(test)]
pub(crate) mod cvd {
    use plotters::style::RGBColor;

    /// The three dichromacies, and normal vision.
    pub(crate) const VISIONS: [(&str, [[f64; 3]; 3]); 4] = [
        (
            "normal",
            [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        ),
        (
            "protanopia",
            [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
        ),
        (
            "deuteranopia",
            [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
        ),
        (
            "tritanopia",
            [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        ),
    ];

    fn linear(v: u8) -> f64 {
        let c = v as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    /// CIELAB (D65) of `c` seen through the simulation matrix `m`.
    pub(crate) fn lab(c: RGBColor, m: &[[f64; 3]; 3]) -> [f64; 3] {
        let l = [linear(c.0), linear(c.1), linear(c.2)];
        let s: Vec<f64> = (0..3)
            .map(|i| (0..3).map(|j| m[i][j] * l[j]).sum::<f64>().clamp(0.0, 1.0))
            .collect();
        let x = 0.4124564 * s[0] + 0.3575761 * s[1] + 0.1804375 * s[2];
        let y = 0.2126729 * s[0] + 0.7151522 * s[1] + 0.0721750 * s[2];
        let z = 0.0193339 * s[0] + 0.1191920 * s[1] + 0.9503041 * s[2];
        let d: f64 = 6.0 / 29.0;
        let f = |t: f64| {
            if t > d * d * d {
                t.cbrt()
            } else {
                t / (3.0 * d * d) + 4.0 / 29.0
            }
        };
        let (fx, fy, fz) = (f(x / 0.95047), f(y), f(z / 1.08883));
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    /// CIEDE2000 (Sharma, Wu and Dalal 2005).
    pub(crate) fn ciede2000(p: [f64; 3], q: [f64; 3]) -> f64 {
        let [l1, a1, b1] = p;
        let [l2, a2, b2] = q;
        let c7 = |c: f64| (c.powi(7) / (c.powi(7) + 25f64.powi(7))).sqrt();
        let cb = (a1.hypot(b1) + a2.hypot(b2)) / 2.0;
        let g = 0.5 * (1.0 - c7(cb));
        let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
        let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
        let hue = |b: f64, a: f64| {
            if a == 0.0 && b == 0.0 {
                0.0
            } else {
                b.atan2(a).to_degrees().rem_euclid(360.0)
            }
        };
        let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p));
        let dl = l2 - l1;
        let dc = c2p - c1p;
        let dh = if c1p * c2p == 0.0 {
            0.0
        } else if (h2p - h1p).abs() <= 180.0 {
            h2p - h1p
        } else if h2p - h1p > 180.0 {
            h2p - h1p - 360.0
        } else {
            h2p - h1p + 360.0
        };
        let dhh = 2.0 * (c1p * c2p).sqrt() * (dh / 2.0).to_radians().sin();
        let lb = (l1 + l2) / 2.0;
        let cbp = (c1p + c2p) / 2.0;
        let hb = if c1p * c2p == 0.0 {
            h1p + h2p
        } else if (h1p - h2p).abs() <= 180.0 {
            (h1p + h2p) / 2.0
        } else if h1p + h2p < 360.0 {
            (h1p + h2p + 360.0) / 2.0
        } else {
            (h1p + h2p - 360.0) / 2.0
        };
        let cos = |deg: f64| deg.to_radians().cos();
        let t = 1.0 - 0.17 * cos(hb - 30.0) + 0.24 * cos(2.0 * hb) + 0.32 * cos(3.0 * hb + 6.0)
            - 0.20 * cos(4.0 * hb - 63.0);
        let dtheta = 30.0 * (-((hb - 275.0) / 25.0).powi(2)).exp();
        let rc = 2.0 * c7(cbp);
        let sl = 1.0 + 0.015 * (lb - 50.0).powi(2) / (20.0 + (lb - 50.0).powi(2)).sqrt();
        let sc = 1.0 + 0.045 * cbp;
        let sh = 1.0 + 0.015 * cbp * t;
        let rt = -(2.0 * dtheta).to_radians().sin() * rc;
        ((dl / sl).powi(2) + (dc / sc).powi(2) + (dhh / sh).powi(2) + rt * (dc / sc) * (dhh / sh))
            .sqrt()
    }

    /// The smallest CIEDE2000 between `a` and `b` over normal vision and the three simulated
    /// dichromacies, and the vision it is smallest under.
    pub(crate) fn distance(a: RGBColor, b: RGBColor) -> (f64, &'static str) {
        VISIONS
            .iter()
            .map(|(name, m)| (ciede2000(lab(a, m), lab(b, m)), *name))
            .fold((f64::INFINITY, ""), |x, y| if y.0 < x.0 { y } else { x })
    }

    /// Below this CIEDE2000 two colours of one chart are too close for some reader: the
    /// Okabe–Ito eight are all at least 10.9 apart under every simulation (orange and reddish
    /// purple, tritanopia), ColorBrewer's mid blue and mid green (#6BAED6, #74C476), the old
    /// attainment chart's third and fourth lines, 8.0.
    pub(crate) const MIN_DISTANCE: f64 = 10.0;

    /// Every pair of `swatches` closer than [`MIN_DISTANCE`], described.
    pub(crate) fn too_close(chart: &str, swatches: &[(&str, RGBColor)]) -> Vec<String> {
        let mut bad = Vec::new();
        for (i, &(ra, a)) in swatches.iter().enumerate() {
            for &(rb, b) in &swatches[i + 1..] {
                let (d, vision) = distance(a, b);
                if d < MIN_DISTANCE {
                    bad.push(format!(
                        "{chart}: {ra} and {rb} are {d:.1} apart under {vision}"
                    ));
                }
            }
        }
        bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Demo;

    impl Chart for Demo {
        fn size(&self) -> (u32, u32) {
            (300, 120)
        }
        fn draw<DB: DrawingBackend>(
            &self,
            root: &DrawingArea<DB, Shift>,
        ) -> Result<(), ChartError> {
            root.fill(&WHITE).map_err(err)?;
            let (top, rest) = root.split_vertically(40);
            legend(
                &top,
                &[
                    Item::new(Sample::Dashed(RED, 2), "dashed"),
                    Item::new(Sample::Box(BLUE), "a box"),
                ],
            )?;
            begin(&rest, Layer::Series)?;
            rest.draw(&PathElement::new(
                vec![(10, 10), (200, 60)],
                BLUE.stroke_width(2),
            ))
            .map_err(err)?;
            end(&rest)
        }
    }

    /// Every chart's colours, as it lists them: the colours drawn together in one chart.
    fn charts() -> Vec<(&'static str, Swatches)> {
        use super::super::{growth, load, margin, ops, phases, staff, sweep, timeline, tornado};
        vec![
            ("timeline", timeline::COLOURS),
            ("makespan", sweep::MAKESPAN_COLOURS),
            ("conflicts", sweep::CONFLICTS_COLOURS),
            ("load", load::COLOURS),
            ("attainment", staff::ATTAINMENT_COLOURS),
            ("staff", staff::STAFF_COLOURS),
            ("queue", ops::COLOURS),
            ("phases", phases::COLOURS),
            ("tornado", tornado::COLOURS),
            ("growth", growth::COLOURS),
            ("margin", margin::COLOURS),
        ]
    }

    #[test]
    fn every_chart_keeps_its_colours_apart_for_colour_blind_readers() {
        let bad: Vec<String> = charts()
            .into_iter()
            .flat_map(|(chart, sw)| cvd::too_close(chart, sw))
            .collect();
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn the_okabe_ito_colours_stay_apart_and_the_old_blues_and_greens_did_not() {
        let oi: Swatches = &[
            ("orange", ORANGE),
            ("sky blue", SKY_BLUE),
            ("bluish green", BLUISH_GREEN),
            ("yellow", YELLOW),
            ("blue", BLUE),
            ("vermilion", VERMILION),
            ("reddish purple", REDDISH_PURPLE),
            ("black", BLACK),
        ];
        assert_eq!(cvd::too_close("okabe-ito", oi), Vec::<String>::new());
        // The attainment chart before: ColorBrewer blues, greens, oranges and a purple.
        let old: Swatches = &[
            ("1 person", RGBColor(0x08, 0x51, 0x9c)),
            ("2 people", RGBColor(0x31, 0x82, 0xbd)),
            ("3 people", RGBColor(0x6b, 0xae, 0xd6)),
            ("4 people", RGBColor(0x31, 0xa3, 0x54)),
            ("5 people", RGBColor(0x74, 0xc4, 0x76)),
            ("6 people", RGBColor(0xfd, 0x8d, 0x3c)),
            ("7 people", RGBColor(0xe6, 0x55, 0x0d)),
            ("8 people", RGBColor(0x75, 0x6b, 0xb1)),
        ];
        let bad = cvd::too_close("attainment (old)", old);
        assert!(
            bad.contains(
                &"attainment (old): 3 people and 5 people are 8.0 apart under tritanopia"
                    .to_string()
            ),
            "{bad:#?}"
        );
        assert!(
            bad.iter()
                .any(|b| b.starts_with("attainment (old): 2 people and 8 people are 2.")),
            "{bad:#?}"
        );
        // Two light tints together are too close for some reader (one tint a chart).
        assert!(
            !cvd::too_close("tints", &[("a", SKY_BLUE_LIGHT), ("b", BLUISH_GREEN_LIGHT)])
                .is_empty()
        );
    }

    #[test]
    fn ciede2000_matches_sharma_wu_and_dalals_test_data() {
        // Pairs 1, 7 and 17 of the paper's table.
        for (p, q, want) in [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
        ] {
            let d = cvd::ciede2000(p, q);
            assert!((d - want).abs() < 1e-4, "{p:?} {q:?}: {d} vs {want}");
        }
        // The simulation keeps black black and white white.
        let m = &cvd::VISIONS[2].1;
        assert!(cvd::lab(BLACK, m)[0].abs() < 1e-9);
        assert!((cvd::lab(WHITE, m)[0] - 100.0).abs() < 0.5);
    }

    #[test]
    fn svg_groups_layers_and_is_deterministic() {
        let a = svg(&Demo);
        assert_eq!(a, svg(&Demo));
        assert_eq!(a.matches("<g class=\"legend\">").count(), 1, "{a}");
        assert_eq!(a.matches("<g class=\"series\">").count(), 1, "{a}");
        assert_eq!(a.matches("</g>").count(), 2, "{a}");
        assert!(!a.contains("opacity=\"0.001\""), "a marker is left: {a}");
        assert!(a.contains(&format!("font-family=\"{FONT}\"")));
        let doc = roxmltree::Document::parse(&a).unwrap();
        let legend = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("legend"))
            .unwrap();
        // The dashed sample is drawn in dashes, like the series it names.
        let dashes = legend
            .children()
            .filter(|n| n.has_tag_name("polyline"))
            .count();
        assert!(dashes >= 3, "{dashes}");
    }

    #[test]
    fn png_draws_text_with_the_embedded_font() {
        let p = png(&Demo).unwrap();
        assert_eq!(&p[1..4], b"PNG");
        assert_eq!(p, png(&Demo).unwrap(), "same bytes twice");
        // Decode and count dark pixels in the legend's text: text was drawn.
        let dec = png::Decoder::new(std::io::Cursor::new(p));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (300, 120));
        let dark = buf[..300 * 40 * 3]
            .chunks(3)
            .filter(|p| p.iter().all(|&c| c < 100))
            .count();
        assert!(dark > 30, "{dark} dark pixels in the legend");
    }
}
