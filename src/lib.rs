pub mod analysis;
pub mod cli;
pub mod compare;
pub mod engine;
pub mod finance;
pub mod org {
    pub mod model;
    pub mod params;
    pub mod types;
}
pub mod plan;
pub mod report;
pub mod scenario;
pub mod sim;
