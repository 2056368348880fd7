pub mod analysis;
pub mod check;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod engine;
pub mod finance;
pub mod live;
pub mod load;
pub mod ops;
pub mod org {
    pub mod mock;
    pub mod model;
    pub mod params;
    pub mod profile;
    pub mod sdk;
    pub mod types;
}
pub mod phases;
pub mod plan;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod sweep;
