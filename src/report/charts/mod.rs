//! The charts, as SVG text (plotters' SVG backend: text is written as `<text>` elements, laid
//! out with the metrics of the embedded font) and, for `--png`, as PNG images (plotters' bitmap
//! backend, text drawn with the embedded font: no system font is needed).
//!
//! - [`timeline_svg`] (`timeline`): one row per resource, grouped by customer and kind (folded into one row
//!   per customer, and per kind for the shared resources, for large runs), each a bar from start
//!   to finish in which time in a call, backing off, and polling the account's status are drawn
//!   apart; conflicts marked where they happened; a time axis in minutes; a legend.
//! - [`margin_svg`] (`margin`): on linear axes, the scenario's revenue, its costs stacked by line
//!   and the profit band at 1..N customers; beside it, the margin under the seed's view (base
//!   infrastructure only) and under the scenario's cost model.
//!
//! Deterministic: the same inputs give the same bytes (plotters writes integer pixel
//! coordinates; every label is formatted here).
//!
//! `style` holds what every chart uses (the sweep and load charts too): the font, the palette,
//! the legend drawn outside the data with samples that match the series, point labels placed
//! clear of each other and of the lines, the layers (`<g class="series">`, `<g
//! class="legend">`) the overlap probe of tests/report_out.rs reads, and the SVG and PNG
//! renderers of a [`Chart`].

pub mod growth;
pub mod margin;
pub mod style;
pub mod timeline;

pub use growth::{growth_svg, GrowthChart};
pub use margin::{margin_rows, margin_svg, margin_table_md, MarginChart, MarginRow};
pub use style::{err, error_svg, png, svg, Chart, FONT};
pub use timeline::{
    timeline, timeline_svg, Row, Span, SpanKind, Timeline, TimelineChart, FOLD_ABOVE_ROWS, MAX_ROWS,
};
