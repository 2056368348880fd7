//! The charts, as SVG text (plotters' SVG backend; no fonts are loaded: text is written as
//! `<text>` elements and laid out by whoever displays the SVG).
//!
//! - [`timeline_svg`] (`timeline`): one row per resource, grouped by customer and kind (folded into one row
//!   per customer, and per kind for the shared resources, for large runs), each a bar from start
//!   to finish in which time in a call, backing off, and polling the account's status are drawn
//!   apart; conflicts marked where they happened; a time axis in minutes; a legend.
//! - [`margin_svg`] (`margin`): revenue, costs stacked by line, profit and margin across customer counts
//!   1..N, in two panels: the seed's view (base infrastructure only) and the scenario's model.
//!
//! Deterministic: the same inputs give the same bytes (plotters writes integer pixel
//! coordinates; every label is formatted here).
//!
//! `style` holds the palette, the legend samples and the series-label box every chart uses
//! (the sweep and load charts too).

pub mod margin;
pub mod style;
pub mod timeline;

pub use margin::{margin_rows, margin_svg, margin_table_md, MarginRow};
pub use style::{err, error_svg, FONT};
pub use timeline::{
    timeline, timeline_svg, Row, Span, SpanKind, Timeline, FOLD_ABOVE_ROWS, MAX_ROWS,
};
