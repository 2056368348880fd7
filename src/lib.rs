pub mod engine {
    pub mod config;
}
pub mod org {
    pub mod model;
    pub mod params;
    pub mod types;
}
pub mod scenario;
