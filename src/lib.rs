pub mod analysis;
pub mod clock;
pub mod commands;
pub mod compare;
pub mod config;
pub mod engine;
pub mod error;
pub mod finance;
pub mod gate;
pub mod live;
pub mod loadtest;
pub mod org {
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
pub mod sim;
pub mod stats;
pub mod sweep;
