//! The charts' one style: the font, the palette, the legend samples and the series-label box
//! every chart uses, and the fallback SVG.

use plotters::coord::CoordTranslate;
use plotters::prelude::*;

/// The width of the wide charts (timeline, margin), in pixels.
pub const WIDTH: u32 = 1200;

/// Text is written as `<text>` elements in this family; no font is loaded.
pub const FONT: &str = "sans-serif";

// The palette (ColorBrewer blues, oranges and greys). Each chart names its colours by role.
pub const BLUE_DARK: RGBColor = RGBColor(0x08, 0x51, 0x9c);
pub const BLUE: RGBColor = RGBColor(0x31, 0x82, 0xbd);
pub const BLUE_MID: RGBColor = RGBColor(0x6b, 0xae, 0xd6);
pub const BLUE_LIGHT: RGBColor = RGBColor(0xc6, 0xdb, 0xef);
pub const ORANGE: RGBColor = RGBColor(0xfd, 0x8d, 0x3c);
pub const ORANGE_DARK: RGBColor = RGBColor(0xe6, 0x55, 0x0d);
pub const BROWN: RGBColor = RGBColor(0xa6, 0x36, 0x03);
pub const YELLOW: RGBColor = RGBColor(0xfe, 0xe3, 0x91);
pub const GREEN_LIGHT: RGBColor = RGBColor(0x74, 0xc4, 0x76);
pub const GREEN_MID: RGBColor = RGBColor(0x31, 0xa3, 0x54);
pub const GREEN: RGBColor = RGBColor(0x23, 0x8b, 0x45);
pub const RED: RGBColor = RGBColor(0xd6, 0x27, 0x28);
pub const PURPLE: RGBColor = RGBColor(0x6a, 0x51, 0xa3);
pub const PURPLE_MID: RGBColor = RGBColor(0x75, 0x6b, 0xb1);
pub const PURPLE_DARK: RGBColor = RGBColor(0x54, 0x27, 0x8f);
pub const GREY_LIGHTEST: RGBColor = RGBColor(0xee, 0xee, 0xee);
pub const GREY_LIGHT: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
pub const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
pub const INK: RGBColor = RGBColor(0x23, 0x23, 0x23);
pub const INK_SOFT: RGBColor = RGBColor(0x25, 0x25, 0x25);
/// Light fills for stacked areas, one per cost line.
pub const AREA_FILLS: [RGBColor; 8] = [
    RGBColor(0x9e, 0xca, 0xe1),
    RGBColor(0xfd, 0xae, 0x6b),
    RGBColor(0xa1, 0xd9, 0x9b),
    RGBColor(0xbc, 0xbd, 0xdc),
    RGBColor(0xfc, 0x92, 0x72),
    RGBColor(0xd9, 0xb3, 0x8c),
    RGBColor(0xcc, 0xcc, 0xcc),
    RGBColor(0xe7, 0xe7, 0x8f),
];

/// A legend sample: a line of `color`, `width` pixels wide.
pub fn legend_line(color: RGBColor, width: u32) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(width))
}

/// A legend sample: a filled box of `color`.
pub fn legend_box(color: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], color.filled())
}

/// Draws `chart`'s series labels at `at`, in a white box bordered with `border`.
pub fn series_labels<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    at: SeriesLabelPosition,
    border: RGBColor,
) -> Result<(), ChartError> {
    chart
        .configure_series_labels()
        .position(at)
        .background_style(WHITE.mix(0.9))
        .border_style(border)
        .label_font((FONT, 12))
        .draw()
        .map_err(err)
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

/// Truncates to `max` characters with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}
