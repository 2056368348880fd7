//! orgsim: a discrete-event simulator and load-test harness for multi-tenant AWS Organizations
//! onboarding. A scenario (TOML) becomes a plan of Organizations resources; a sans-IO engine
//! applies it as a deployer would (Terraform with the AWS provider, a script on an SDK, Control
//! Tower's factory), against a model of the service in virtual time or a real endpoint; the
//! trace is judged (timing, conflicts, isolation, money) and reported.
//!
//! The layers, top first. Each bullet is one floor: a module uses only its own floor and the
//! floors above it, and no two modules need each other at any level of the module tree
//! (`tests/architecture.rs` holds the same list and checks both, file by file):
//!
//! - [`text`]: outside text made safe to show (control characters escaped); [`json`]: the JSON
//!   form every report shares; [`verdict`]: whether what was judged held.
//! - [`org::types`], [`org::errors`]: the Organizations API as Rust types.
//! - [`config`]: what a scenario configures (deployer profiles, the service, the organization,
//!   the load test, units).
//! - [`scenario`]: scenario files read and checked (file:line:col errors); [`plan`]: scenario →
//!   resource graph; [`finance`]: money in integer cents.
//! - [`org::model`]: the in-memory service; [`seed`]: named seed streams; [`engine`]: the
//!   sans-IO deployer (`handle_*` / `poll_*`); [`tfplan`]: the user's own Terraform plan
//!   (`terraform show -json`) read into a plan and its customers.
//! - [`sim`]: the one simulation driver (one or many engines against one service, virtual time);
//!   [`clock`], [`org::sdk`], [`org::mock`], [`live`]: the wall-clock drivers and clients (the
//!   live load test, which needs the load test's plans, is `loadtest`'s).
//! - [`analysis`]: trace → report; [`stats`]: percentiles and intervals; [`sweep`], [`phases`],
//!   [`gate`], [`loadtest`], [`compare`], [`waves`]: replications, growth phases, the regression
//!   gate, the load test, comparisons, applies one after another (waves, re-applies).
//! - [`shard`]: a sweep's shard file and the exact merge; [`sensitivity`]: which assumption
//!   moves the answer, one at a time.
//! - [`ops`]: the people side: the support desk and onboarding staff in the same event core
//!   (its reports as data; their charts are `report`'s).
//! - [`report`]: text, JSON, Markdown, HTML, and every chart (`report::charts`, SVG and PNG);
//!   [`error`]: why a command could not do its job (and `Verdict` re-exported
//!   for the commands).
//! - [`serve`]: the model as an AWS Organizations endpoint (`orgsim serve`): the wire format,
//!   the served state and the report of what its clients did (through `analysis` and
//!   `report`) sans-IO, the HTTP server at its edge.
//! - [`commands`]: the command line (one file per command), the only place that prints.

#![forbid(unsafe_code)]

pub mod analysis;
pub mod clock;
pub mod commands;
pub(crate) mod compare;
pub mod config;
pub mod engine;
pub mod error;
pub(crate) mod finance;
pub mod gate;
pub mod json;
pub mod live;
pub mod loadtest;
pub mod ops;
pub mod org {
    //! The Organizations API (`types`, `errors`) and its backends: the model, the SDK adapter,
    //! the SDK client answered by mocks.
    pub(crate) mod errors;
    pub mod mock;
    pub mod model;
    pub mod sdk;
    pub mod types;
}
pub(crate) mod phases;
pub mod plan;
pub mod report;
pub mod scenario;
pub mod seed;
pub(crate) mod sensitivity;
pub mod serve;
pub(crate) mod shard;
pub mod sim;
pub(crate) mod stats;
pub mod sweep;
pub mod text;
pub mod tfplan;
pub(crate) mod verdict;
pub(crate) mod waves;
