//! The charts, as SVG text (plotters' SVG backend: text is written as `<text>` elements, laid
//! out with the metrics of the embedded font) and, for `--png`, as PNG images (plotters' bitmap
//! backend, its text drawn by `raster` with the embedded font as the SVG's renders: no system
//! font is needed).
//!
//! - [`timeline_svg`] (`timeline`): one row per resource, grouped by customer and kind (folded into one row
//!   per customer, and per kind for the shared resources, for large runs), each a bar from start
//!   to finish in which time in a call, backing off, and polling the account's status are drawn
//!   apart; the deployer's init/plan one labelled bar before a break in the time axis; short
//!   bars labelled with their duration; resolved and unresolved conflicts marked apart where
//!   they happened; a time axis in minutes (top and bottom on tall charts); a legend of what is
//!   drawn.
//! - [`margin_svg`] (`margin`): at 1..N customers of the scenario's mix (in expectation), on
//!   linear axes the revenue over the costs stacked by line with the profit between, under it
//!   each cost line on a log scale; beside them, the margin (%) on a log customer axis under the
//!   brief's view (base infrastructure only) and under the scenario's cost model.
//! - [`makespan_svg`], [`conflicts_svg`] (`sweep`): the makespan's percentiles with the
//!   brief's 10 minutes, and the conflicts against the customer count (P(fail) in % and the
//!   unresolved conflicts in panels of their own).
//! - [`latency_svg`] (`load`): the load test's onboarding latency over time with its
//!   thresholds, above the onboardings running and waiting.
//! - [`attainment_svg`], [`staff_svg`] (`staff`): `orgsim staff`'s SLA attainment against
//!   customers for 1..k support staff with the target, and the staff needed above its monthly
//!   cost.
//! - [`queue_svg`] (`ops`): the support desk's mean queue over the horizon, waiting and in
//!   service, its SLA attainment in the title.
//! - [`phases_svg`] (`phases`): each phase's claims, the share of replications each held in
//!   against the share it needed.
//!
//! - [`tornado_svg`] (`tornado`): `orgsim sensitivity`'s keys ranked, each a bar from the p95
//!   makespan (and P(any failure)) at the low end of its range to the high end, around the
//!   scenario's values.
//!
//! Deterministic: the same inputs give the same bytes (plotters writes integer pixel
//! coordinates; every label is formatted here).
//!
//! One quantity per axis: no chart has a second y-axis; two quantities get two panels sharing
//! x. Every chart of orgsim is drawn here, one file per chart family. `style` holds what every
//! chart uses: the font, the palette, the legend drawn outside the data with samples that match the series, point labels placed
//! clear of each other and of the lines, the layers (`<g class="series">`, `<g
//! class="legend">`) the overlap probe of tests/report_out.rs reads, and the SVG and PNG
//! renderers of a [`Chart`].

pub(crate) mod growth;
pub(crate) mod load;
pub(crate) mod margin;
pub(crate) mod ops;
pub(crate) mod phases;
pub(crate) mod raster;
pub(crate) mod staff;
pub mod style;
pub(crate) mod sweep;
pub mod timeline;
pub(crate) mod tornado;

pub use growth::{growth_svg, GrowthChart};
pub use load::{latency_svg, LoadChart};
pub use margin::{margin_rows, margin_svg, margin_table_md, MarginChart, MarginRow};
pub use ops::{queue_svg, QueueChart};
pub use phases::{phases_svg, PhasesChart};
pub use staff::{attainment_svg, staff_svg, AttainmentChart, StaffChart};
pub use style::{err, error_svg, png, svg, Chart, FONT};
pub use sweep::{conflicts_svg, makespan_svg, ConflictsChart, MakespanChart};
pub use timeline::{
    timeline, timeline_svg, Row, Span, SpanKind, Timeline, TimelineChart, FOLD_ABOVE_ROWS, MAX_ROWS,
};
pub use tornado::{tornado_svg, TornadoChart};
