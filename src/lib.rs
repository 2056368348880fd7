//! orgsim: a discrete-event simulator and load-test harness for multi-tenant AWS Organizations
//! onboarding. A scenario (TOML) becomes a plan of Organizations resources; a sans-IO engine
//! applies it as a deployer would (Terraform with the AWS provider, a script on an SDK, Control
//! Tower's factory), against a model of the service in virtual time or a real endpoint; the
//! trace is judged (timing, conflicts, isolation, money) and reported.
//!
//! The layers, each depending only on those above it (checked by `tests/architecture.rs`):
//!
//! - [`text`]: outside text made safe to show (control characters escaped).
//! - [`org::types`], [`org::errors`]: the Organizations API as Rust types.
//! - [`config`]: what a scenario configures (deployer profiles, the service, the organization,
//!   the load test, units).
//! - [`scenario`]: scenario files read and checked (file:line:col errors); [`plan`]: scenario →
//!   resource graph; [`finance`]: money in integer cents.
//! - [`org::model`]: the in-memory service; [`seed`]: named seed streams; [`engine`]: the
//!   sans-IO deployer (`handle_*` / `poll_*`).
//! - [`sim`]: the one simulation driver (one or many engines against one service, virtual time);
//!   [`clock`], [`org::sdk`], [`org::mock`], [`live`]: the wall-clock drivers and clients.
//! - [`serve`]: the model as an AWS Organizations endpoint (`orgsim serve`): the wire format,
//!   the served state and the report of what its clients did (through `analysis` and
//!   `report`) sans-IO, the HTTP server at its edge.
//! - [`analysis`]: trace → report; [`stats`]: percentiles and intervals; [`sweep`], [`phases`],
//!   [`gate`], [`loadtest`], [`compare`]: replications, growth phases, the regression gate, the
//!   load test, comparisons.
//! - [`ops`]: the people side: the support desk and onboarding staff in the same event core.
//! - [`report`]: text, JSON, Markdown, HTML and SVG; [`error`]: verdicts and errors;
//!   [`commands`]: the command line (one file per command), the only place that prints.

pub mod analysis;
pub mod clock;
pub mod commands;
pub mod compare;
pub mod config;
pub mod engine;
pub mod error;
pub mod finance;
pub mod gate;
pub mod json;
pub mod live;
pub mod loadtest;
pub mod ops;
pub mod org {
    //! The Organizations API (`types`, `errors`) and its backends: the model, the SDK adapter,
    //! the SDK client answered by mocks.
    pub mod errors;
    pub mod mock;
    pub mod model;
    pub mod sdk;
    pub mod types;
}
pub mod phases;
pub mod plan;
pub mod report;
pub mod scenario;
pub mod seed;
pub mod sensitivity;
pub mod serve;
pub mod shard;
pub mod sim;
pub mod stats;
pub mod sweep;
pub mod text;
