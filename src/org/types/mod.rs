//! The AWS Organizations API as Rust types: operations, requests, responses and errors.
//!
//! Names and codes are spelled exactly as AWS spells them (`TooManyRequestsException`,
//! `EMAIL_ALREADY_EXISTS`, ...), so that a report cannot tell which backend produced an error.
//! Every backend (the in-memory model, the SDK adapter, the mocks) speaks these types.

pub use super::errors::{
    ApiError, ConstraintViolationReason, CreateAccountFailureReason, ErrorCode,
};

mod operation;
mod records;
mod snapshot;
mod values;

#[cfg(test)]
mod tests;

pub use operation::*;
pub use records::*;
pub use snapshot::*;
pub use values::*;
