//! Tests of the operations model that span its files: configuration errors, the desk against
//! queueing theory, determinism, and the whole `ops` and `staff` computations.

mod config;
mod run;
mod validation;
